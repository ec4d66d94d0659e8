package dev.longvqa.worker;

import dev.longvqa.contract.SegmentSummary;
import dev.longvqa.contract.VideoRef;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Tokens;
import java.util.List;

/**
 * The final LVCoT pass for one question, from the segment summaries and (for a model that sees
 * images) frames spread over the whole video. Built once at start-up and kept; thread-safe.
 * {@link LvcotEngine} implements it over the core's LVCoT.
 */
interface Answerer {
    String modelId();

    /** Frames worth fetching for one pass: 0 when the model takes no images. */
    default int maxImages() {
        return Integer.MAX_VALUE;
    }

    /** See {@link SegmentSummarizer#readsStoredVideo()}: the final pass builds its own context over the whole video. */
    default boolean readsStoredVideo() {
        return false;
    }

    AnswerResult answer(AnswerRequest request) throws InterruptedException;

    /**
     * @param durationSec the video's length from {@code scenes.json}; 0 when unknown (the last
     *                    summary's end stands in)
     * @param scenes      the video's scenes, for the times the pass lists; may be empty
     * @param frames      frames spread over the video, in time order; empty for a text-only pass
     * @param stored      the whole stored video for an answerer that {@link #readsStoredVideo() reads it}; else null
     */
    record AnswerRequest(String jobId, VideoRef video, List<SegmentSummary> segments, JobQuestion question,
                         double durationSec, List<SceneInfo> scenes, List<FrameImage> frames, StoredVideo stored,
                         dev.longvqa.worker.audio.TaskAudio audio) {
        public AnswerRequest {
            segments = List.copyOf(segments);
            scenes = List.copyOf(scenes);
            frames = List.copyOf(frames);
            audio = audio == null ? dev.longvqa.worker.audio.TaskAudio.NONE : audio;
        }

        public AnswerRequest(String jobId, VideoRef video, List<SegmentSummary> segments, JobQuestion question,
                             double durationSec, List<SceneInfo> scenes, List<FrameImage> frames, StoredVideo stored) {
            this(jobId, video, segments, question, durationSec, scenes, frames, stored, null);
        }

        public AnswerRequest(String jobId, VideoRef video, List<SegmentSummary> segments, JobQuestion question,
                             double durationSec, List<SceneInfo> scenes, List<FrameImage> frames) {
            this(jobId, video, segments, question, durationSec, scenes, frames, null);
        }

        /** A pass from the summaries alone. */
        public AnswerRequest(String jobId, VideoRef video, List<SegmentSummary> segments, JobQuestion question) {
            this(jobId, video, segments, question, 0, List.of(), List.of());
        }
    }

    /** {@code tdc}: what the pass's TDC context cost, null when it showed no TDC context; {@code audioTokens}: the BEATs tokens in it. */
    record AnswerResult(String answer, Tokens tokens, TdcCost tdc, long audioTokens) {
        public AnswerResult(String answer, Tokens tokens, TdcCost tdc) {
            this(answer, tokens, tdc, 0);
        }

        public AnswerResult(String answer, Tokens tokens) {
            this(answer, tokens, null);
        }
    }

    /** See {@link SegmentSummarizer#usesAudioTokens()}. */
    default boolean usesAudioTokens() {
        return false;
    }
}
