package dev.longvqa.reason;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * One JSON file per key in a directory. Writes go to a temporary file in the same directory and
 * are renamed into place, so a concurrent reader (another thread or another process sharing the
 * directory) sees either nothing or the whole entry.
 */
final class FileSegmentCache implements SegmentCache {
    private static final System.Logger LOG = System.getLogger(FileSegmentCache.class.getName());
    private static final ObjectMapper JSON = Json.mapper();

    private final Path dir;

    public FileSegmentCache(Path dir) {
        this.dir = dir;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public Optional<SegmentOutput> get(String key) {
        Path file = fileFor(key);
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file), SegmentOutput.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable cache entry " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void put(String key, SegmentOutput value) {
        Path file = fileFor(key);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            try {
                Files.write(tmp, JSON.writeValueAsBytes(value));
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write segment cache entry " + file, e);
        }
    }

    private Path fileFor(String key) {
        // keys are hex digests; anything else could escape the directory
        if (!key.matches("[0-9a-f]{16,128}")) throw new IllegalArgumentException("not a cache key: " + key);
        return dir.resolve(key + ".json");
    }
}
