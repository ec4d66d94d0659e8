package dev.longvqa.audio;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audio tokens of one video's sound track, placed exactly as TDC-Video's {@code cambrian_arch.py}
 * places them (the {@code audios} branch of {@code prepare_inputs_labels_for_multimodal}):
 * <ol>
 *   <li>BEATs runs on 10-second windows of the 16 kHz track, started at whole seconds below
 *       {@code int(len/16000)} (a tail past the last window start is dropped), the samples rounded
 *       to half precision first, as the reference's collate stores them;</li>
 *   <li>second {@code i} of a window is tokens {@code [50i, 50i+50)} of its output (a window yields
 *       about 49.6 per second, so its last second is short and is average-pooled up to 50);</li>
 *   <li>second {@code s} belongs to the 1-fps frame {@code s}; when the frame cap dropped frames,
 *       the seconds of dropped frames are pooled (adaptive average over the concatenated tokens)
 *       into the audio of the shown frame before them ({@link #group});</li>
 *   <li>the sequence is zero-padded, or trimmed, to 50 per shown frame ({@link #perFrame}).</li>
 * </ol>
 * The result, through {@code audio_proj}, is concatenated to each frame's visual tokens before the
 * Q-Former. Windows are encoded on first use and the last few kept, so a pass over a range costs
 * only its own windows and memory stays bounded whatever the length.
 */
public final class AudioTokens implements AutoCloseable {
    public static final int PER_SECOND = 50;
    static final int WINDOW_SECONDS = 10;
    private static final int KEPT_WINDOWS = 3;

    private final Beats beats;
    private final AudioTrack track;
    private final NDManager manager;
    private final long samples;
    private final int seconds;
    private final Map<Integer, NDArray> windows = new LinkedHashMap<>(8, 0.75f, true);

    public AudioTokens(Beats beats, AudioTrack track, NDManager parent) {
        this.beats = beats;
        this.track = track;
        this.manager = parent.newSubManager();
        // the reference pads a track shorter than one second to one second
        this.samples = Math.max(track.samples(), AudioTrack.SAMPLE_RATE);
        this.seconds = (int) (samples / AudioTrack.SAMPLE_RATE);
    }

    public int width() {
        return beats.config().dim();
    }

    /** BEATs output of window {@code w} (seconds [10w, 10w+10)), or null past the last window start. */
    private synchronized NDArray window(int w) {
        if ((long) w * WINDOW_SECONDS >= seconds) return null;
        NDArray f = windows.get(w);
        if (f != null) return f;
        long from = (long) w * WINDOW_SECONDS * AudioTrack.SAMPLE_RATE;
        int n = (int) Math.min((long) WINDOW_SECONDS * AudioTrack.SAMPLE_RATE, samples - from);
        float[] wave = track.read(from, n);
        for (int i = 0; i < wave.length; i++) wave[i] = Float.float16ToFloat(Float.floatToFloat16(wave[i]));
        f = beats.features(wave, manager);
        windows.put(w, f);
        if (windows.size() > KEPT_WINDOWS) {
            var eldest = windows.entrySet().iterator().next();
            eldest.getValue().close();
            windows.remove(eldest.getKey());
        }
        return f;
    }

    /** The 50 tokens of second {@code s} on {@code m}, or null when the track has none there. */
    NDArray second(int s, NDManager m) {
        if (s < 0) return null;
        NDArray f = window(s / WINDOW_SECONDS);
        if (f == null) return null;
        long t = f.getShape().get(0);
        long a = (long) (s % WINDOW_SECONDS) * PER_SECOND, b = Math.min(t, a + PER_SECOND);
        if (b <= a) return null;
        NDArray token = f.get(new NDIndex(a + ":" + b));
        token.attach(m);
        return b - a == PER_SECOND ? token : pool(token, PER_SECOND);
    }

    /**
     * The audio of a frame shown for seconds {@code [from, to)}: those seconds' tokens pooled to 50
     * (the identity for one second), on {@code m}; null when none of them has audio.
     */
    public NDArray group(int from, int to, NDManager m) {
        NDList parts = new NDList();
        for (int s = from; s < Math.max(to, from + 1); s++) {
            NDArray t = second(s, m);
            if (t != null) parts.add(t);
        }
        if (parts.isEmpty()) return null;
        return parts.size() == 1 ? parts.singletonOrThrow() : pool(NDArrays.concat(parts, 0), PER_SECOND);
    }

    /**
     * The reference's whole-video sequence: one group per shown frame (seconds up to the next shown
     * frame, the last up to {@code totalFrames}), zero-padded or trimmed to 50 per shown frame.
     *
     * @param shown       which of the video's 1-fps frames are shown ({@code sample_indices == 1}), ascending
     * @param totalFrames all sampled frames ({@code len(sample_indices)})
     * @return (shown.length, 50, D) on {@code out}, before {@code audio_proj}
     */
    public NDArray perFrame(int totalFrames, int[] shown, NDManager out) {
        int d = width();
        try (NDManager m = out.newSubManager()) {
            List<NDArray> groups = new ArrayList<>();
            for (int j = 0; j < shown.length; j++) {
                NDArray g = group(shown[j], j + 1 < shown.length ? shown[j + 1] : totalFrames, m);
                if (g != null) groups.add(g);
            }
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

    @Override
    public synchronized void close() {
        windows.clear();
        manager.close();
    }
}
