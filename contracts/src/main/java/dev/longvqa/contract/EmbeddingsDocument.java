package dev.longvqa.contract;

import java.util.List;

/**
 * {@code jobs/{jobId}/embeddings/{rangeIndex}.json} ({@link S3Layout#embeddings}): what decode-range
 * learnt about one range, all that segment needs (it never decodes again), and the frame keys the
 * GPU worker reads. Written by {@code decode-range}, read by {@code segment} and the worker's frame
 * catalogue with this one record.
 */
public record EmbeddingsDocument(String jobId, int index, double startSec, double endSec, String sampling,
                                 String embedder, StreamInfo stream, long decodedFrames, long decodeMillis,
                                 List<Frame> frames) {

    /** One sampled frame: its JPEG ({@link S3Layout#frame}), its embedding and the decoder's change signal before it. */
    public record Frame(int frameIndex, double timeSec, double changeTimeSec, float changeScore, String key,
                        float[] embedding) {}

    /** The probed stream in JSON-safe form: unknown duration and frame rate are null, not NaN. */
    public record StreamInfo(String container, String codec, int width, int height, int displayWidth, int displayHeight,
                             int rotationDeg, Double durationSec, Double frameRate, boolean hasAudio, long sizeBytes) {}
}
