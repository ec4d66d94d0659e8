package dev.longvqa.worker;

import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.Tokens;
import java.util.List;

/**
 * The question-independent LVCoT pass over one segment, as the worker needs it. Built once at
 * start-up and kept (models stay loaded between tasks); implementations are thread-safe when the
 * worker runs more than one slot. {@link LvcotEngine} implements it over the core's LVCoT.
 *
 * <p>Throws {@link dev.longvqa.error.LongVqaException} for expected failures (its code becomes
 * the Step Functions error name) and {@link InterruptedException} when the task is abandoned.
 */
interface SegmentSummarizer {
    /**
     * What decides the output for a given input (model name, prompt version, settings), never a
     * URL: part of the segment cache key.
     */
    String cacheId();

    /** Frames worth fetching for one pass: 0 when the model takes no images. */
    default int maxImages() {
        return Integer.MAX_VALUE;
    }

    /**
     * True when the pass builds its own visual context from the video's stored frames (TDC): the
     * handler then gives it {@link SegmentWork#stored()} and fetches no image frames.
     */
    default boolean readsStoredVideo() {
        return false;
    }

    Summarized summarize(SegmentWork request) throws InterruptedException;

    /**
     * {@code count}: how many segments the video has, 0 when the task did not say. {@code stored}:
     * the whole stored video, only for a summarizer that {@link #readsStoredVideo() reads it}; else null.
     */
    record SegmentWork(String jobId, VideoRef video, int index, int count, double startSec, double endSec,
                          List<SceneInfo> scenes, List<FrameImage> frames, StoredVideo stored,
                          dev.longvqa.worker.audio.TaskAudio audio) {
        public SegmentWork {
            scenes = List.copyOf(scenes);
            frames = List.copyOf(frames);
            audio = audio == null ? dev.longvqa.worker.audio.TaskAudio.NONE : audio;
        }

        public SegmentWork(String jobId, VideoRef video, int index, int count, double startSec, double endSec,
                              List<SceneInfo> scenes, List<FrameImage> frames, StoredVideo stored) {
            this(jobId, video, index, count, startSec, endSec, scenes, frames, stored, null);
        }

        public SegmentWork(String jobId, VideoRef video, int index, int count, double startSec, double endSec,
                              List<SceneInfo> scenes, List<FrameImage> frames) {
            this(jobId, video, index, count, startSec, endSec, scenes, frames, null);
        }
    }

    /**
     * {@code tdc}: what the pass's TDC context cost, null when it showed no TDC context;
     * {@code audioTokens}: the BEATs tokens in it.
     */
    record Summarized(String summary, Tokens tokens, TdcCost tdc, long audioTokens) {
        public Summarized(String summary, Tokens tokens, TdcCost tdc) {
            this(summary, tokens, tdc, 0);
        }

        public Summarized(String summary, Tokens tokens) {
            this(summary, tokens, null);
        }
    }

    /** Whether the pass puts audio tokens into its TDC context, so the handler decodes the sound for it. */
    default boolean usesAudioTokens() {
        return false;
    }
}
