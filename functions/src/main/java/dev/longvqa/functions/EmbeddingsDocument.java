package dev.longvqa.functions;

import dev.longvqa.video.VideoInfo;

import java.util.List;

/**
 * {@code jobs/{jobId}/embeddings/{rangeIndex}.json}: what decode-range learnt about one range, all
 * that segment needs (it never decodes again), and the frame keys the GPU worker reads.
 */
public record EmbeddingsDocument(String jobId, int index, double startSec, double endSec, String sampling,
                                 String embedder, StreamInfo stream, long decodedFrames, long decodeMillis,
                                 List<Frame> frames) {

    /** One sampled frame: its JPEG, its embedding and the decoder's change signal before it. */
    public record Frame(int frameIndex, double timeSec, double changeTimeSec, float changeScore, String key,
                        float[] embedding) {}

    /** {@link VideoInfo} in JSON-safe form: unknown duration and frame rate are null, not NaN. */
    public record StreamInfo(String container, String codec, int width, int height, int displayWidth, int displayHeight,
                             int rotationDeg, Double durationSec, Double frameRate, boolean hasAudio, long sizeBytes) {
        public static StreamInfo of(VideoInfo v) {
            return new StreamInfo(v.container(), v.codec(), v.width(), v.height(), v.displayWidth(), v.displayHeight(),
                    v.rotationDeg(), finite(v.durationSec()), finite(v.frameRate()), v.hasAudio(), v.sizeBytes());
        }

        public VideoInfo toVideoInfo(String name) {
            return new VideoInfo(name, container, codec, width, height, displayWidth, displayHeight, rotationDeg,
                    durationSec == null ? Double.NaN : durationSec, frameRate == null ? Double.NaN : frameRate,
                    hasAudio, sizeBytes);
        }

        private static Double finite(double d) {
            return Double.isFinite(d) ? d : null;
        }
    }
}
