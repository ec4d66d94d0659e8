package dev.longvqa.functions.api;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.api.ApiPaths;
import dev.longvqa.contract.api.CompleteUploadRequest;
import dev.longvqa.contract.api.UploadCompleted;
import dev.longvqa.contract.api.UploadRequest;
import dev.longvqa.contract.api.UploadResponse;
import dev.longvqa.contract.api.UploadSidecar;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.functions.QuestionSource;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.Part;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /videos} and {@code POST /videos/{jobId}/complete}.
 *
 * <p>The job id is minted here, before the upload: a job id derived from the object needs its
 * version id, which exists only after the upload. The id, the caller and the questions go into the
 * upload's questions sidecar, written before the presigned URL is handed out; register reads the
 * sidecar and gives the row this id and owner. The object key carries the id too
 * ({@code videos/{jobId}/{fileName}}), so every API upload has its own key and sidecar, and no
 * header beyond the bytes is needed on the PUT (a browser or {@code curl -T} can make it).
 */
final class Uploads {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_NAME_CHARS = 200;

    private final ApiDeps deps;

    Uploads(ApiDeps deps) {
        this.deps = deps;
    }

    UploadResponse create(String caller, UploadRequest req) {
        String name = fileName(req.fileName());
        if (req.sizeBytes() == null || req.sizeBytes() < 1) throw ApiException.badRequest("sizeBytes must be a positive number of bytes");
        long size = req.sizeBytes();
        long max = deps.settings().limits().maxBytes();
        if (size > max) throw new ApiException(400, ErrorCode.TOO_LARGE.name(), size + " bytes, more than the limit of " + max, null);
        List<JobQuestion> questions = questions(req.questions());
        String jobId = mint();
        String key = S3Layout.VIDEOS_PREFIX + jobId + "/" + name;
        String bucket = deps.settings().requireBucket();
        deps.store().putJson(bucket, S3Layout.sidecar(key),
                new UploadSidecar(questions.stream().map(JobQuestion::text).toList(), jobId, caller));
        Instant expires = deps.clock().instant().plus(deps.api().urlTtl());
        long threshold = deps.api().multipartThresholdBytes();
        if (size < threshold) {
            String url = deps.presigner().presignPutObject(p -> p.signatureDuration(deps.api().urlTtl())
                    .putObjectRequest(o -> o.bucket(bucket).key(key))).url().toString();
            return new UploadResponse(jobId, key, expires.toString(), threshold, url, null, null, null, null, questions);
        }
        long partSize = deps.api().partSizeBytes();
        long count = (size + partSize - 1) / partSize;
        if (count > ApiSettings.MAX_PARTS) {
            throw new ApiException(400, ErrorCode.TOO_LARGE.name(), size + " bytes need more than " + ApiSettings.MAX_PARTS + " parts", null);
        }
        String contentType = req.contentType() == null || req.contentType().isBlank() ? "video/mp4" : req.contentType();
        String uploadId = deps.store().client().createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        List<UploadResponse.PartUrl> parts = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            int part = n;
            String url = deps.presigner().presignUploadPart(p -> p.signatureDuration(deps.api().urlTtl())
                    .uploadPartRequest(u -> u.bucket(bucket).key(key).uploadId(uploadId).partNumber(part))).url().toString();
            parts.add(new UploadResponse.PartUrl(n, url));
        }
        return new UploadResponse(jobId, key, expires.toString(), threshold, null, uploadId, partSize, parts,
                ApiPaths.complete(jobId), questions);
    }

    UploadCompleted complete(String caller, String jobId, CompleteUploadRequest req) {
        if (req.key() == null || req.uploadId() == null || req.uploadId().isBlank()) {
            throw ApiException.badRequest("key and uploadId are required");
        }
        if (!req.key().startsWith(S3Layout.VIDEOS_PREFIX + jobId + "/") || !S3Layout.isVideoUpload(req.key())) {
            throw ApiException.badRequest("key " + req.key() + " is not the upload of job " + jobId);
        }
        String bucket = deps.settings().requireBucket();
        // the upload's sidecar says whose it is: someone else's upload is as unknown as none
        UploadSidecar sidecar = sidecar(bucket, req.key()).filter(s -> jobId.equals(s.jobId()) && caller.equals(s.owner()))
                .orElseThrow(() -> ApiException.noJob(jobId));
        List<CompletedPart> parts = new ArrayList<>();
        try {
            for (Part p : deps.store().client().listPartsPaginator(b -> b.bucket(bucket).key(req.key()).uploadId(req.uploadId())).parts()) {
                parts.add(CompletedPart.builder().partNumber(p.partNumber()).eTag(p.eTag()).build());
            }
        } catch (NoSuchUploadException e) {
            throw ApiException.notFound("no multipart upload " + req.uploadId() + " for " + req.key());
        }
        if (parts.isEmpty()) throw ApiException.badRequest("no part of upload " + req.uploadId() + " has arrived");
        parts.sort(java.util.Comparator.comparing(CompletedPart::partNumber));
        deps.store().client().completeMultipartUpload(b -> b.bucket(bucket).key(req.key()).uploadId(req.uploadId())
                .multipartUpload(m -> m.parts(parts)));
        return new UploadCompleted(sidecar.jobId(), req.key());
    }

    private Optional<UploadSidecar> sidecar(String bucket, String key) {
        return deps.store().getSmall(bucket, S3Layout.sidecar(key), 256 * 1024).map(b -> {
            try {
                return Json.mapper().readValue(b, UploadSidecar.class);
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Checked with the register step's own rules and limits ({@link QuestionSource}), so what is accepted here registers. */
    List<JobQuestion> questions(List<String> texts) {
        QuestionSource source = new QuestionSource(deps.settings().questions().maxCount(), deps.settings().questions().maxChars());
        List<String> given = texts == null || texts.isEmpty() ? List.of(QuestionSource.DEFAULT) : texts;
        if (given.stream().anyMatch(java.util.Objects::isNull)) throw ApiException.badQuestion("a question is null");
        return FollowUps.validated(source, given, 0);
    }

    /** A file name usable as the last part of a key: letters, digits, space and {@code . _ - ( )}; others become {@code _}. */
    static String fileName(String given) {
        if (given == null || given.isBlank()) throw ApiException.badRequest("fileName is required");
        String base = given.strip();
        int slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
        base = base.substring(slash + 1);
        StringBuilder b = new StringBuilder();
        base.codePoints().forEach(c -> b.append(Character.isLetterOrDigit(c) && c < 128 || " ._-()".indexOf(c) >= 0 ? (char) c : '_'));
        String name = b.toString().strip();
        if (name.isEmpty() || name.chars().allMatch(c -> c == '.')) throw ApiException.badRequest("fileName " + given + " has no usable characters");
        if (name.length() > MAX_NAME_CHARS) name = name.substring(name.length() - MAX_NAME_CHARS);
        return name;
    }

    static String mint() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
