package dev.longvqa.worker.store;

import dev.longvqa.contract.TaskMessage;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

/**
 * Picks the store for a task: the configured artifacts bucket, else the bucket of the task's
 * video (the architecture keeps uploads and artifacts in one bucket).
 */
@FunctionalInterface
public interface BlobStores {
    BlobStore bucket(String name);

    default BlobStore forTask(TaskMessage task, String configuredBucket) {
        if (configuredBucket != null) return bucket(configuredBucket);
        if (task.bucket() != null && !task.bucket().isBlank()) return bucket(task.bucket());
        if (task.video() == null) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "task has no video and " + dev.longvqa.contract.WorkerEnv.BUCKET.variable() + " is not set: no bucket to use");
        }
        return bucket(task.video().bucket());
    }
}
