package dev.longvqa.worker.store;

import java.util.List;
import java.util.Optional;

/**
 * The few object-store operations the worker needs, on one bucket. S3 in production
 * ({@link S3BlobStore}); a directory in tests and local runs ({@link FileBlobStore}), because no
 * in-process S3 emulator exists without Spring Boot (docs/WORKER.md).
 */
public interface BlobStore {
    /** The object's bytes, or empty when there is no such key. */
    Optional<byte[]> get(String key);

    void put(String key, byte[] bytes, String contentType);

    /** Keys under a prefix, sorted; at most {@code limit}. */
    List<String> list(String prefix, int limit);
}
