package dev.longvqa.worker;

import dev.longvqa.worker.store.BlobStore;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.tdc.TdcSegmentContext;
import dev.longvqa.tdc.ProjectedFrameCache;
import dev.longvqa.video.Images;
import dev.longvqa.video.RgbImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * A job's sampled frames as the TDC context reads them: times from the {@link FrameCatalog}
 * (no download), JPEGs fetched from the blob store only when asked for. The TDC planner asks for
 * at most its frame cap (224 at 8K) of a range, so a long video's other frames are never read.
 * The frames a context will read are fetched ahead, concurrently ({@link #prefetch}, from the
 * core's {@code TdcSegmentContext.framesToRead}). Each JPEG is fetched at most once per task (an answer task builds one context per question
 * over the same frames); the bytes are kept, not the decoded images (224 of them would be
 * hundreds of MB).
 *
 * <p>A frame the catalog lists but the store lacks, or one that does not decode, fails the pass
 * (INTERNAL, naming the key): the planner has already counted it, so unlike an image pass this
 * one cannot go on without it.
 */
final class StoredFrames implements TdcSegmentContext.FrameSource {
    /** Concurrent GETs per prefetch: S3 serves far more; this keeps a slot's memory and sockets modest. */
    static final int PARALLEL_READS = 16;

    private final BlobStore store;
    private final List<FrameCatalog.FrameKey> entries;
    private final Map<Integer, byte[]> fetched = new ConcurrentHashMap<>();
    private ProjectedFrameCache projected; // made on first use, lives as long as the task's frames


    StoredFrames(BlobStore store, FrameCatalog catalog) {
        this.store = store;
        this.entries = catalog.entries();
    }

    /** This task's projected-frame cache ({@code make} may give null: caching off). */
    synchronized ProjectedFrameCache projectedFrames(java.util.function.Supplier<ProjectedFrameCache> make) {
        if (projected == null) projected = make.get();
        return projected;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public double timeOf(int index) {
        return entries.get(index).timeSec();
    }

    @Override
    public RgbImage image(int index) {
        // TdcVision calls this deep inside the core; an abandoned task stops at the next frame.
        // The flag stays set, so LvcotEngine reports the interrupt rather than this error.
        if (Thread.currentThread().isInterrupted()) {
            throw new LongVqaException(ErrorCode.TRANSIENT, "task abandoned while reading frames");
        }
        String key = entries.get(index).key();
        byte[] jpeg = fetched.computeIfAbsent(index, i -> store.get(key).orElseThrow(() ->
                new LongVqaException(ErrorCode.INTERNAL, "frame " + key + " is listed for the video but missing")));
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
            if (img != null) return Images.fromBufferedImage(img);
        } catch (IOException | RuntimeException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "frame " + key + " does not decode: " + e.getMessage(), e);
        }
        throw new LongVqaException(ErrorCode.INTERNAL, "frame " + key + " is not an image");
    }

    /**
     * Fetches the JPEGs of {@code indices} not fetched yet, up to {@link #PARALLEL_READS} at a
     * time: a context's reads (224 at 8K) then cost a few round trips instead of one each. A read
     * that fails here is left to {@link #image}, which reads it again and reports it.
     */
    void prefetch(List<Integer> indices) throws InterruptedException {
        List<Integer> missing = indices.stream().distinct().filter(i -> !fetched.containsKey(i)).toList();
        if (missing.size() < 2) return;
        Semaphore permits = new Semaphore(PARALLEL_READS);
        try (ExecutorService reads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i : missing) {
                permits.acquire();
                reads.submit(() -> {
                    try {
                        store.get(entries.get(i).key()).ifPresent(b -> fetched.putIfAbsent(i, b));
                    } catch (RuntimeException e) {
                        // image() reads it again and fails the pass with the reason
                    } finally {
                        permits.release();
                    }
                });
            }
        } // close() waits for the reads in flight (and stops them if this thread is interrupted)
    }

    /** Times of the frames fetched so far, in time order: what the TDC contexts of this task saw. */
    List<Double> fetchedTimes() {
        return fetched.keySet().stream().sorted().map(this::timeOf).toList();
    }
}
