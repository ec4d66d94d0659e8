package dev.longvqa.video;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a video comes from. Files and URLs are seekable (FFmpeg does ranged reads, so an MP4 with
 * its index at the end works); a stream is read once, front to back.
 */
public sealed interface VideoSource {
    /** A short name for messages: the file name, the URL without its query, or the stream's label. */
    String name();

    static VideoSource of(Path file) {
        return new FileSource(file);
    }

    static VideoSource ofUrl(String url) {
        return new UrlSource(url);
    }

    static VideoSource ofStream(String name, StreamOpener opener) {
        return new StreamSource(name, opener);
    }

    record FileSource(Path path) implements VideoSource {
        public FileSource {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String name() {
            return path.toString();
        }
    }

    /** An http(s) URL, e.g. an S3 presigned GET: FFmpeg seeks with Range requests. */
    record UrlSource(String url) implements VideoSource {
        public UrlSource {
            Objects.requireNonNull(url, "url");
        }

        @Override
        public String name() {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q);
        }
    }

    /** A one-pass stream. {@link StreamOpener} may be called again when the decoder must restart. */
    record StreamSource(String name, StreamOpener opener) implements VideoSource {
        public StreamSource {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(opener, "opener");
        }
    }

    @FunctionalInterface
    interface StreamOpener {
        InputStream open() throws IOException;
    }
}
