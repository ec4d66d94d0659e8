package dev.longvqa.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Audio tokens per shown frame, placed exactly as TDC-Video's {@code cambrian_arch.py} places them
 * (the {@code audios} branch of {@code prepare_inputs_labels_for_multimodal}):
 * <ol>
 *   <li>BEATs runs on 10-second windows of the 16 kHz track (whole seconds only: {@code int(len/16000)}),
 *       the samples rounded to half precision first, as the reference's collate does;</li>
 *   <li>second {@code i} of a window is tokens {@code [50i, 50i+50)} of its output (a window yields
 *       about 49.6 per second, so the last second is short and is average-pooled up to 50);</li>
 *   <li>second {@code s} belongs to the 1-fps frame {@code s}; when the frame cap dropped frames,
 *       the seconds of dropped frames are pooled (adaptive average over the concatenated tokens)
 *       into the audio of the shown frame before them;</li>
 *   <li>the sequence is zero-padded, or trimmed, to 50 per shown frame.</li>
 * </ol>
 * The result, through {@code audio_proj}, is concatenated to each frame's visual tokens before the
 * Q-Former (see {@link AudioFrameTokens}).
 */
public final class AudioTokens {
    public static final int PER_SECOND = 50;
    static final int WINDOW_SECONDS = 10;

    private AudioTokens() {}

    /**
     * @param shown        which of the video's 1-fps frames the context shows ({@code sample_indices == 1}), ascending
     * @param totalFrames  all sampled frames ({@code len(sample_indices)})
     * @return (shown.length, 50, D) on {@code out}, before {@code audio_proj}
     */
    public static NDArray perFrame(Beats beats, AudioTrack track, int totalFrames, int[] shown, NDManager out) {
        boolean[] isShown = new boolean[totalFrames];
        for (int i : shown) isShown[i] = true;
        int d = beats.config().dim();
        // the reference pads a track shorter than one second to one second
        long samples = Math.max(track.samples(), AudioTrack.SAMPLE_RATE);
        int seconds = (int) (samples / AudioTrack.SAMPLE_RATE);
        try (NDManager m = out.newSubManager()) {
            List<NDArray> groups = new ArrayList<>();
            List<NDArray> pending = new ArrayList<>();
            for (int k = 0; k < seconds; k += WINDOW_SECONDS) {
                int sampleLen = Math.max(0, Math.min(totalFrames, k + WINDOW_SECONDS) - k);
                if (sampleLen == 0) break;
                long from = (long) k * AudioTrack.SAMPLE_RATE;
                int n = (int) Math.min((long) WINDOW_SECONDS * AudioTrack.SAMPLE_RATE, samples - from);
                float[] wave = track.read(from, n);
                for (int i = 0; i < wave.length; i++) wave[i] = Float.float16ToFloat(Float.floatToFloat16(wave[i]));
                NDArray feats = beats.features(wave, m); // (T', D)
                long t = feats.getShape().get(0);
                for (int idx = 0; idx < sampleLen; idx++) {
                    long a = (long) idx * PER_SECOND, b = Math.min(t, a + PER_SECOND);
                    if (b <= a) continue;
                    NDArray token = feats.get(new NDIndex(a + ":" + b));
                    if (b - a != PER_SECOND) token = pool(token, PER_SECOND);
                    boolean next = idx + 1 < sampleLen && isShown[k + idx + 1];
                    if (isShown[k + idx]) {
                        if (!pending.isEmpty()) groups.add(pool(NDArrays.concat(new NDList(pending), 0), PER_SECOND));
                        pending.clear();
                        pending.add(token);
                        if (next) {
                            groups.add(token);
                            pending.clear();
                        }
                    } else {
                        pending.add(token);
                    }
                }
            }
            if (!pending.isEmpty()) groups.add(pool(NDArrays.concat(new NDList(pending), 0), PER_SECOND));
            int want = shown.length * PER_SECOND;
            NDArray all = groups.isEmpty() ? m.zeros(new Shape(0, d)) : NDArrays.concat(new NDList(groups), 0);
            long have = all.getShape().get(0);
            if (have > want) all = all.get(new NDIndex("0:" + want));
            else if (have < want) all = NDArrays.concat(new NDList(all, m.zeros(new Shape(want - have, d))), 0);
            NDArray result = all.reshape(shown.length, PER_SECOND, d).duplicate();
            result.attach(out);
            return result;
        }
    }

    /** adaptive_avg_pool over rows: row i averages rows [floor(i*n/k), ceil((i+1)*n/k)). */
    static NDArray pool(NDArray x, int k) {
        long n = x.getShape().get(0);
        if (n == k) return x;
        NDList rows = new NDList();
        for (int i = 0; i < k; i++) {
            long a = Math.floorDiv(i * n, k), b = -Math.floorDiv(-(i + 1) * n, k);
            rows.add(x.get(new NDIndex(a + ":" + b)).mean(new int[]{0}, true));
        }
        return NDArrays.concat(rows, 0);
    }
}
