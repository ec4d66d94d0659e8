package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.VideoRef;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.util.Optional;

/** The few S3 operations the stages need, with SDK faults mapped to the error contract. */
public final class ObjectStore {
    private final S3Client s3;

    public ObjectStore(S3Client s3) {
        this.s3 = s3;
    }

    public S3Client client() {
        return s3;
    }

    /** HEAD of an object, empty when it does not exist. */
    public Optional<HeadObjectResponse> head(String bucket, String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw AwsFaults.classify(e, "HEAD s3://" + bucket + "/" + key);
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "HEAD s3://" + bucket + "/" + key);
        }
    }

    /** The object's bytes, at most {@code maxBytes} of them; empty when it does not exist. */
    public Optional<byte[]> getSmall(String bucket, String key, long maxBytes) {
        try {
            ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).range("bytes=0-" + maxBytes));
            return Optional.of(r.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            if (e.statusCode() == 416) return Optional.of(new byte[0]); // range on an empty object
            throw AwsFaults.classify(e, "GET s3://" + bucket + "/" + key);
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "GET s3://" + bucket + "/" + key);
        }
    }

    public void download(VideoRef video, Path target) {
        GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(video.bucket()).key(video.key());
        if (video.versionId() != null && !video.versionId().isBlank()) b.versionId(video.versionId());
        try (InputStream in = s3.getObject(b.build())) {
            // Copy over the (empty) temporary file: the SDK's toFile transformer refuses existing files.
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "GET s3://" + video.bucket() + "/" + video.key());
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "download of " + video.key() + " failed: " + e.getMessage(), e);
        }
    }

    public void put(String bucket, String key, byte[] bytes, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "PUT s3://" + bucket + "/" + key);
        }
    }

    public void putJson(String bucket, String key, Object value) {
        try {
            put(bucket, key, Json.mapper().writeValueAsBytes(value), "application/json");
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise " + key + ": " + e.getMessage(), e);
        }
    }

    public <T> T getJson(String bucket, String key, Class<T> type) {
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (SdkException e) {
            throw AwsFaults.classify(e, "GET s3://" + bucket + "/" + key);
        }
        try {
            return Json.mapper().readValue(bytes, type);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, key + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
