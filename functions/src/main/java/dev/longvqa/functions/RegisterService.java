package dev.longvqa.functions;

import dev.longvqa.contract.RegisterResult;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.Json;
import dev.longvqa.pipeline.JobId;

import dev.longvqa.contract.JobStatus;
import dev.longvqa.contract.api.UploadSidecar;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code register}: turns an EventBridge "Object Created" event into a job row, exactly once per
 * object version. The conditional PutItem is the one place a job starts; a duplicate event finds
 * the row and stops the execution.
 */
public final class RegisterService {
    // System.Logger: no logging dependency for callers outside Quarkus; Quarkus routes it to its JSON log.
    private static final System.Logger LOG = System.getLogger(RegisterService.class.getName());

    private final ObjectStore store;
    private final JobStore jobs;
    private final Settings settings;
    private final QuestionSource questions;
    private final UploadIdentity identity;

    public RegisterService(ObjectStore store, JobStore jobs, Settings settings) {
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.identity = new UploadIdentity(store);
        this.questions = new QuestionSource(settings.questions().maxCount(), settings.questions().maxChars());
    }

    /** The parts of the event we use. The state machine passes the event (or {@code {event, executionArn}}). */
    public record ObjectCreated(String bucket, String key, Long size, String etag, String versionId, String reason,
                                String executionArn) {
        public static ObjectCreated from(JsonNode input) {
            if (input == null) throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "no event");
            JsonNode event = input.has("detail") ? input : input.path("event");
            JsonNode d = event.path("detail");
            String bucket = text(d.path("bucket").path("name"));
            String key = text(d.path("object").path("key"));
            if (bucket == null || key == null) {
                throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "not an S3 Object Created event: detail.bucket.name and detail.object.key are required");
            }
            JsonNode size = d.path("object").path("size");
            return new ObjectCreated(bucket, key, size.isNumber() ? size.asLong() : null, text(d.path("object").path("etag")),
                    text(d.path("object").path("version-id")), text(d.path("reason")), text(input.path("executionArn")));
        }

        private static String text(JsonNode n) {
            return n.isValueNode() && !n.isNull() ? n.asText() : null;
        }
    }

    public RegisterResult register(JsonNode event) {
        return register(ObjectCreated.from(event));
    }

    public RegisterResult register(ObjectCreated e) {
        String bucket = settings.requireBucket();
        VideoRef seen = new VideoRef(e.bucket(), e.key(), e.versionId(), e.etag(), e.size());
        if (!bucket.equals(e.bucket()) || !Keys.isVideoUpload(e.key())) {
            LOG.log(System.Logger.Level.DEBUG, "ignoring s3://{0}/{1}", e.bucket(), e.key());
            return RegisterResult.ignored(seen);
        }
        // Resolve the key against the bucket: whether EventBridge delivers it decoded or URL-encoded,
        // the job is about the object that exists (record's status-rule path derives it the same way).
        UploadIdentity.Identified id = identity.of(bucket, e).orElseThrow(() ->
                LongVqaException.badInput(ErrorCode.NOT_FOUND, "s3://" + bucket + "/" + e.key() + " no longer exists"));
        VideoRef video = id.video();
        String key = video.key();
        if (!Keys.isVideoUpload(key)) return RegisterResult.ignored(seen);
        HeadObjectResponse head = id.head();
        String versionId = video.versionId();
        String etag = video.etag();
        Long size = video.sizeBytes();
        Optional<byte[]> sidecar = id.sidecar();
        Optional<UploadSidecar> intent = uploadSidecar(sidecar);
        String jobId = id.jobId();

        Map<String, AttributeValue> row = new HashMap<>();
        row.put("jobId", JobStore.s(jobId));
        row.put("bucket", JobStore.s(bucket));
        row.put("key", JobStore.s(key));
        if (versionId != null) row.put("versionId", JobStore.s(versionId));
        if (etag != null) row.put("etag", JobStore.s(etag));
        if (size != null) row.put("sizeBytes", JobStore.n(size));
        if (e.executionArn() != null) row.put(JobRow.EXECUTION_ARN, JobStore.s(e.executionArn()));
        intent.map(UploadSidecar::owner).filter(o -> !o.isBlank()).ifPresent(o -> row.put(JobRow.OWNER, JobStore.s(o)));

        List<JobQuestion> qs;
        try {
            qs = questions.resolve(sidecar, head.metadata());
        } catch (LongVqaException bad) {
            if (bad.code().kind() != ErrorCode.Kind.BAD_INPUT) throw bad;
            // Record the rejection on the row so that the uploader can see it, and so that a
            // duplicate event for the same object stops at registration.
            row.put("status", JobStore.s(JobStatus.FAILED.name()));
            row.put("stage", JobStore.s("register"));
            row.put("errorType", JobStore.s(bad.code().name()));
            row.put("errorMessage", JobStore.s(bad.getMessage()));
            if (!jobs.create(row)) return new RegisterResult(jobId, RegisterResult.Action.DUPLICATE, video, List.of());
            throw bad;
        }
        row.put("status", JobStore.s(JobStatus.RECEIVED.name()));
        row.put("stage", JobStore.s("register"));
        row.put("questions", AttributeValue.fromL(qs.stream()
                .map(q -> AttributeValue.fromM(Map.of("id", JobStore.s(q.id()), "text", JobStore.s(q.text())))).toList()));
        boolean created = jobs.create(row) || registeredBy(jobId, e.executionArn());
        LOG.log(System.Logger.Level.INFO, "job {0} for s3://{1}/{2} ({3}): {4}", jobId, bucket, key, e.reason(),
                created ? "START" : "DUPLICATE");
        return new RegisterResult(jobId, created ? RegisterResult.Action.START : RegisterResult.Action.DUPLICATE, video, qs);
    }

    /**
     * The job id: the one the API minted and wrote into the upload's sidecar (it told the caller
     * before the upload, when the version id did not exist yet), else the stable hash of the object
     * (bucket, key, version id, else ETag). Either way the same object gives the same id.
     */
    public static String jobId(String bucket, String key, String versionId, String etag, Optional<UploadSidecar> sidecar) {
        return sidecar.map(UploadSidecar::jobId).filter(id -> id.matches("[0-9a-f]{32}"))
                .orElseGet(() -> JobId.of(bucket, key, versionId, etag).value());
    }

    /** The sidecar as the API writes it; a hand-written or unreadable one has no id or owner (QuestionSource judges its questions). */
    public static Optional<UploadSidecar> uploadSidecar(Optional<byte[]> bytes) {
        if (bytes.isEmpty()) return Optional.empty();
        try {
            JsonNode node = Json.mapper().readTree(bytes.get());
            if (node == null || !node.isObject()) return Optional.empty();
            return Optional.of(new UploadSidecar(null, node.path("jobId").isTextual() ? node.get("jobId").asText() : null,
                    node.path("owner").isTextual() ? node.get("owner").asText() : null));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the existing row was created by this very execution: RegisterJob's Retry after a
     * PutItem whose response was lost (timeout, throttled Lambda) finds its own row, and must
     * continue, not stop as a DUPLICATE and strand the row at RECEIVED.
     */
    private boolean registeredBy(String jobId, String executionArn) {
        if (executionArn == null) return false;
        return jobs.get(jobId).map(item -> item.get(JobRow.EXECUTION_ARN))
                .map(arn -> executionArn.equals(arn.s())).orElse(false);
    }

}
