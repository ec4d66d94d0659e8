package dev.longvqa.audio;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Transcripts per video and engine, one JSON file each ({@code {key}.transcript.json}), beside
 * the segment summaries: a second question on a video is not transcribed again. Failed reads
 * are misses; failed writes are ignored (a transcript can always be recomputed).
 */
public final class TranscriptCache {
    private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();

    private final Path dir;

    private TranscriptCache(Path dir) {
        this.dir = dir;
    }

    public static TranscriptCache directory(Path dir) {
        return new TranscriptCache(dir);
    }

    /** Caches nothing. */
    public static TranscriptCache none() {
        return new TranscriptCache(null);
    }

    /** Hex SHA-256 of the video's content hash and the engine id. */
    public static String key(String videoHash, String engineId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((videoHash + "\n" + engineId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<Transcript> get(String key) {
        if (dir == null) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file(key)), Transcript.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void put(String key, Transcript t) {
        if (dir == null) return;
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(t));
            Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // a cache, not a store
        }
    }

    private Path file(String key) {
        if (!key.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a cache key: " + key);
        return dir.resolve(key + ".transcript.json");
    }
}
