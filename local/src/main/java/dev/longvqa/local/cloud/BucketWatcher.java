package dev.longvqa.local.cloud;

import dev.longvqa.local.events.S3ObjectCreated;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Emits "Object Created" events for a bucket, every key (EventBridge gets them all; its rules
 * filter). S3Mock has no notifications, so this polls the listing and reports every object whose (key, ETag, last-modified)
 * it has not seen: a first upload, and a re-upload of the same bytes too — exactly the duplicate
 * delivery the workflow must shrug off. Any client (SDK, CLI, multipart) triggers it.
 */
final class BucketWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BucketWatcher.class.getName());

    private final S3Client s3;
    private final String bucket;
    private final Consumer<S3ObjectCreated> sink;
    private final Set<String> seen = new HashSet<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bucket-watcher");
        t.setDaemon(true);
        return t;
    });

    public BucketWatcher(S3Client s3, String bucket, Consumer<S3ObjectCreated> sink) {
        this.s3 = s3;
        this.bucket = bucket;
        this.sink = sink;
    }

    /** Marks what is already in the bucket as seen (no events for it), then polls every {@code period}. */
    public BucketWatcher start(Duration period) {
        scan(false);
        timer.scheduleWithFixedDelay(() -> {
            try {
                scan(true);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "listing the local bucket failed: " + e.getMessage());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over the listing; public so tests and {@code local upload} can force it. */
    public synchronized void scan(boolean emit) {
        ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).build();
        for (S3Object o : s3.listObjectsV2Paginator(req).contents()) {
            String identity = o.key() + "\n" + o.eTag() + "\n" + o.lastModified();
            if (!seen.add(identity) || !emit) continue;
            sink.accept(new S3ObjectCreated("us-east-1", "000000000000", bucket, o.key(), o.size(),
                    o.eTag(), null, "PutObject", o.lastModified()));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
