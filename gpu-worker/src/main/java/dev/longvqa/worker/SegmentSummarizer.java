package dev.longvqa.worker;

import java.util.List;

/**
 * The question-independent LVCoT pass over one segment, as the worker needs it. Built once at
 * start-up and kept (models stay loaded between tasks); implementations are thread-safe when the
 * worker runs more than one slot. {@link LvcotEngine} implements it over the core's LVCoT.
 *
 * <p>Throws {@link dev.longvqa.pipeline.LongVqaException} for expected failures (its code becomes
 * the Step Functions error name) and {@link InterruptedException} when the task is abandoned.
 */
public interface SegmentSummarizer {
    /**
     * What decides the output for a given input (model name, prompt version, settings), never a
     * URL: part of the segment cache key.
     */
    String cacheId();

    /** Frames worth fetching for one pass: 0 when the model takes no images. */
    default int maxImages() {
        return Integer.MAX_VALUE;
    }

    SegmentResult summarize(SegmentRequest request) throws InterruptedException;

    /** {@code count}: how many segments the video has, 0 when the task did not say. */
    record SegmentRequest(String jobId, VideoRef video, int index, int count, double startSec, double endSec,
                          List<SceneInfo> scenes, List<FrameImage> frames) {
        public SegmentRequest {
            scenes = List.copyOf(scenes);
            frames = List.copyOf(frames);
        }
    }

    record SegmentResult(String summary, Tokens tokens) {}
}
