package dev.longvqa.reason;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Question-independent segment summaries, keyed by everything that decides them. A second
 * question on the same video then costs only its final pass. Implementations are thread-safe;
 * a failed or corrupt read is a miss, never an error (the summary can always be recomputed).
 * The cloud side stores the same JSON under {@code cache/segments/{key}.json}.
 */
public interface SegmentCache {
    Optional<SegmentOutput> get(String key);

    void put(String key, SegmentOutput value);

    /**
     * Lowercase hex SHA-256 of video hash, model cache id, segment settings, segment count and
     * index (newline-separated; the count is there because it changes every boundary).
     */
    static String key(String videoHash, String modelCacheId, String settingsFingerprint, int count, int index) {
        String s = String.join("\n", videoHash, modelCacheId, settingsFingerprint, Integer.toString(count), Integer.toString(index));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static SegmentCache inMemory() {
        return new InMemorySegmentCache();
    }

    static SegmentCache directory(Path dir) {
        return new FileSegmentCache(dir);
    }

    /** Caches nothing: every call recomputes. */
    static SegmentCache none() {
        return new SegmentCache() {
            @Override
            public Optional<SegmentOutput> get(String key) {
                return Optional.empty();
            }

            @Override
            public void put(String key, SegmentOutput value) {}
        };
    }
}
