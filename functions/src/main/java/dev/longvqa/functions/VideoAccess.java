package dev.longvqa.functions;

import dev.longvqa.contract.VideoRef;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.video.VideoSource;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a stage reads the uploaded video. Preferred: a presigned GET that FFmpeg reads with Range
 * requests, so a 300 s range of a 4-hour video only fetches that range (and the index). Without a
 * presigner (or when configured so) the object is downloaded to a temporary file whose name is
 * random — never derived from the key.
 */
public final class VideoAccess {
    private final ObjectStore store;
    private final S3Presigner presigner;
    private final Settings settings;

    public VideoAccess(ObjectStore store, S3Presigner presigner, Settings settings) {
        this.store = store;
        this.presigner = presigner;
        this.settings = settings;
    }

    /** A readable source for the video; close it to delete a downloaded copy. */
    public Lease open(VideoRef video) {
        if (settings.presign() && presigner != null) {
            GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(video.bucket()).key(video.key());
            if (video.versionId() != null && !video.versionId().isBlank()) get.versionId(video.versionId());
            String url = presigner.presignGetObject(p -> p.signatureDuration(settings.presignTtl()).getObjectRequest(get.build()))
                    .url().toString();
            return new Lease(VideoSource.ofUrl(url), null);
        }
        try {
            Files.createDirectories(settings.tmpDir());
            Path tmp = Files.createTempFile(settings.tmpDir(), "video-", extension(video.key()));
            try {
                store.download(video, tmp);
            } catch (RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return new Lease(VideoSource.of(tmp), tmp);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "cannot stage the video in " + settings.tmpDir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The upload's extension if it is plain (letters and digits), else none. FFmpeg weighs the
     * extension when it guesses the format, as it does for the presigned URL's path: a neutral
     * suffix such as {@code .bin} would make it read random bytes as "binary text" art.
     */
    static String extension(String key) {
        int slash = key.lastIndexOf('/'), dot = key.lastIndexOf('.');
        if (dot <= slash + 1) return "";
        String ext = key.substring(dot + 1);
        return ext.matches("[A-Za-z0-9]{1,5}") ? "." + ext.toLowerCase(java.util.Locale.ROOT) : "";
    }

    /** A video source and the temporary file behind it, if any. */
    public record Lease(VideoSource source, Path file) implements AutoCloseable {
        @Override
        public void close() {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // /tmp is per sandbox; a leftover is reclaimed with it
                }
            }
        }
    }
}
