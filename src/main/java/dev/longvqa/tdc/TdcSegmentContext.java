package dev.longvqa.tdc;

import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.scenes.Scene;
import dev.longvqa.reason.SegmentContextProvider;
import dev.longvqa.reason.SegmentInput;
import dev.longvqa.video.RgbImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The TDC context of one video for the reason stage: for a time range, the spooled frames in it
 * (1 fps), grouped by the scene each falls in, go through {@link TdcVisualContext} with the
 * conditioning text, and the result rides in {@link SegmentInput#embeddings()} on top of what the
 * {@code base} provider gives (scenes, frames, notes: kept for backends or passes that fall back).
 * Made per video by {@link TdcVisualContext#provider}.
 */
public final class TdcSegmentContext implements SegmentContextProvider, AutoCloseable {
    /**
     * The sampled frames (1 fps, in time order) a context is built from: the CLI's spooled
     * frames ({@code pipeline.FrameStore}), or the GPU worker's stored JPEGs read on demand. Only the frames the
     * planner selects are asked for by {@link #image}, the first of a range also for its size.
     */
    public interface FrameSource {
        int size();

        double timeOf(int index);

        RgbImage image(int index);
    }

    private final TdcVisualContext tdc;
    private final FrameSource frames;
    private final List<Scene> scenes;
    private final double durationSec;
    private final SegmentContextProvider base;
    private final ProjectedFrameCache projected; // null: every context runs the towers on all its frames
    private final dev.longvqa.audio.AudioTokens audio; // null: no audio tokens (no track, or no BEATs)

    TdcSegmentContext(TdcVisualContext tdc, FrameSource frames, List<Scene> scenes, double durationSec, SegmentContextProvider base,
                      ProjectedFrameCache projected, dev.longvqa.audio.AudioTokens audio) {
        this.tdc = Objects.requireNonNull(tdc);
        this.frames = Objects.requireNonNull(frames);
        this.scenes = List.copyOf(scenes);
        this.durationSec = durationSec;
        this.base = Objects.requireNonNull(base);
        this.projected = projected;
        this.audio = audio;
    }

    /** Whether this video's frames carry audio tokens. */
    public boolean hasAudioTokens() {
        return audio != null;
    }

    /** Frees the audio tokens' windows (the frames and the track are the caller's). */
    @Override
    public void close() {
        if (audio != null) audio.close();
    }

    /**
     * The range's frames' sound: frame {@code f} (range-local) is heard from its second to the next
     * selected frame's second, the last to the end of the range's last second; projected by
     * {@code audio_proj}. Seconds without sound are zeros before the projection, as the
     * reference's padding is.
     */
    private dev.longvqa.tdc.FrameAudio frameAudio(List<Integer> indices) {
        if (audio == null) return null;
        var proj = tdc.audioProjection();
        return new dev.longvqa.tdc.FrameAudio() {
            @Override
            public int tokensPerFrame() {
                return dev.longvqa.audio.AudioTokens.PER_SECOND;
            }

            @Override
            public ai.djl.ndarray.NDArray tokens(int[] want, int[] selected, ai.djl.ndarray.NDManager m) {
                int end = second(indices.getLast()) + 1;
                ai.djl.ndarray.NDList rows = new ai.djl.ndarray.NDList();
                for (int f : want) {
                    int pos = java.util.Arrays.binarySearch(selected, f);
                    int next = pos >= 0 && pos + 1 < selected.length ? second(indices.get(selected[pos + 1])) : end;
                    int from = second(indices.get(f));
                    ai.djl.ndarray.NDArray g = audio.group(from, Math.max(from + 1, next), m);
                    rows.add(g != null ? g : m.zeros(new ai.djl.ndarray.types.Shape(dev.longvqa.audio.AudioTokens.PER_SECOND, audio.width())));
                }
                return proj.apply(ai.djl.ndarray.NDArrays.stack(rows, 0));
            }
        };
    }

    private int second(int videoIndex) {
        return (int) Math.floor(frames.timeOf(videoIndex) + 1e-6);
    }

    /** This video's projected-frame cache counters (empty when the cache is off). */
    public java.util.Optional<ProjectedFrameCache.Stats> frameCacheStats() {
        return projected == null ? java.util.Optional.empty() : java.util.Optional.of(projected.stats());
    }

    /** Without text, the context is conditioned like a segment pass. */
    @Override
    public SegmentInput range(double startSec, double endSec) {
        return range(startSec, endSec, TdcVisualContext.SEGMENT_CONDITIONING);
    }

    @Override
    public SegmentInput range(double startSec, double endSec, String conditioning) {
        return range(startSec, endSec, conditioning, -1);
    }

    @Override
    public SegmentInput range(double startSec, double endSec, String conditioning, int textTokens) {
        SegmentInput in = base.range(startSec, endSec);
        List<Integer> indices = framesIn(startSec, endSec);
        if (indices.isEmpty()) return in; // nothing sampled here: the pass gets the text (times, scenes) only
        RgbImage first = frames.image(indices.getFirst());
        EmbeddingBlock block = tdc.context(startSec, endSec, framesPerScene(indices),
                i -> i == 0 ? first : frames.image(indices.get(i)), conditioning == null ? "" : conditioning,
                textTokens, first.width(), first.height(), indices::get, projected, frameAudio(indices));
        return new SegmentInput(in.startSec(), in.endSec(), in.scenes(), in.frames(), block, in.notes());
    }

    /**
     * The frames (indices into the source) that {@link #range(double, double, String)} will read
     * for the same arguments: the planner's pick after trimming, and the range's first frame (its
     * size sets the geometry). For a source that fetches them ahead, e.g. concurrently; working it
     * out reads that first frame.
     */
    public List<Integer> framesToRead(double startSec, double endSec, String conditioning) {
        return framesToRead(startSec, endSec, conditioning, -1);
    }

    /** The same for a caller that counted the prompt's text tokens ({@link #range(double, double, String, int)}). */
    public List<Integer> framesToRead(double startSec, double endSec, String conditioning, int textTokens) {
        List<Integer> indices = framesIn(startSec, endSec);
        if (indices.isEmpty()) return List.of();
        RgbImage first = frames.image(indices.getFirst());
        TreeSet<Integer> local = new TreeSet<>(tdc.framesRead(framesPerScene(indices), conditioning == null ? "" : conditioning,
                textTokens, first.width(), first.height(), audio == null ? 0 : dev.longvqa.audio.AudioTokens.PER_SECOND));
        local.add(0);
        return local.stream().map(indices::get).toList();
    }

    /**
     * {@code eval/cot.py}'s parts: part i holds sampled frames {@code [i*len, (i+1)*len)} with
     * {@code len = frames / n}; the remainder at the end is in no part. Part i ends where the
     * next part's first frame is sampled (exclusive), the last at that of the first dropped
     * frame, or at the video's end when none is dropped.
     */
    @Override
    public List<double[]> framePartRanges(int n) {
        return framePartRanges(frames, durationSec, n);
    }

    static List<double[]> framePartRanges(FrameSource frames, double durationSec, int n) {
        if (n < 1) throw new IllegalArgumentException("n < 1");
        int len = frames.size() / n;
        if (len == 0) return List.of();
        List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double start = i == 0 ? 0 : frames.timeOf(i * len);
            int next = (i + 1) * len;
            double end = next < frames.size() ? frames.timeOf(next) : durationSec;
            out.add(new double[]{start, end});
        }
        return out;
    }

    @Override
    public boolean textConditioned() {
        return true;
    }

    /**
     * Frames sampled in {@code [start, end)}; the range that ends at the video's end also takes a
     * frame sampled exactly there. Boundaries are exclusive on the right so that no frame is in
     * two LVCoT segments.
     */
    List<Integer> framesIn(double startSec, double endSec) {
        return framesIn(frames, durationSec, startSec, endSec);
    }

    static List<Integer> framesIn(FrameSource frames, double durationSec, double startSec, double endSec) {
        boolean last = endSec >= durationSec - 1e-9;
        List<Integer> out = new ArrayList<>();
        int n = frames.size();
        for (int i = 0; i < n; i++) {
            double t = frames.timeOf(i);
            if (t >= startSec && (t < endSec || last && t <= endSec + 1e-6)) out.add(i);
        }
        return out;
    }

    /** Consecutive frames of one scene form one entry (the planner chunks each scene on its own). */
    List<Integer> framesPerScene(List<Integer> indices) {
        List<Integer> sizes = new ArrayList<>();
        int current = Integer.MIN_VALUE;
        for (int i : indices) {
            int scene = sceneOf(frames.timeOf(i));
            if (scene != current || sizes.isEmpty()) {
                sizes.add(0);
                current = scene;
            }
            sizes.set(sizes.size() - 1, sizes.getLast() + 1);
        }
        return sizes;
    }

    /** Index of the scene holding {@code t}: the last one starting at or before it (frames before the first go to it). */
    private int sceneOf(double t) {
        int found = 0;
        for (int s = 0; s < scenes.size(); s++) {
            if (scenes.get(s).startSec() <= t + 1e-9) found = s;
        }
        return found;
    }
}
