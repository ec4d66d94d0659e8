package dev.longvqa.worker;

/**
 * Picks the store for a task: the configured artifacts bucket, else the bucket of the task's
 * video (the architecture keeps uploads and artifacts in one bucket).
 */
@FunctionalInterface
public interface BlobStores {
    BlobStore bucket(String name);

    default BlobStore forTask(TaskMessage task, String configuredBucket) {
        return bucket(configuredBucket != null ? configuredBucket : task.video().bucket());
    }
}
