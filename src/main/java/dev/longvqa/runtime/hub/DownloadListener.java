package dev.longvqa.runtime.hub;

/** Progress of a pull; the CLI draws a bar, libraries stay quiet. */
public interface DownloadListener {
    DownloadListener NONE = new DownloadListener() {
    };

    /** @param resumedAt bytes already present from an interrupted download */
    default void started(RemoteFile file, long resumedAt) {
    }

    default void progress(RemoteFile file, long bytesSoFar) {
    }

    default void finished(RemoteFile file) {
    }
}
