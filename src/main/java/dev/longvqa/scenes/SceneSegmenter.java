package dev.longvqa.scenes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts a video into scenes from the cosine similarity of consecutive sampled frames, as TDC does
 * (the S-1 lowest points), but only where the similarity really drops: a one-shot video stays one
 * scene however much its similarity wobbles, and slow changes (fades, pans) never cut because
 * they lower the whole neighbourhood, not one gap.
 */
public final class SceneSegmenter {
    private final SegmenterSettings settings;

    public SceneSegmenter(SegmenterSettings settings) {
        this.settings = settings;
    }

    public SegmenterSettings settings() {
        return settings;
    }

    /**
     * @param frames      sampled frames in time order
     * @param durationSec the video's duration (end of the last scene)
     */
    public SceneSegmentation segment(List<FrameSignal> frames, double durationSec) {
        int n = frames.size();
        if (n == 0) throw new IllegalArgumentException("no frames to segment");
        float[] sim = new float[Math.max(0, n - 1)];
        List<SceneSegmentation.CurvePoint> curve = new ArrayList<>(sim.length);
        for (int i = 0; i < sim.length; i++) {
            sim[i] = cosine(frames.get(i).embedding(), frames.get(i + 1).embedding());
            curve.add(new SceneSegmentation.CurvePoint(i, cutTime(frames, i), sim[i]));
        }
        double end = Math.max(durationSec, frames.get(n - 1).timeSec());
        List<Cut> cuts = awayFromTheEnds(detect(sim, frames), frames, end);
        return new SceneSegmentation(cuts, scenes(cuts, frames, end), curve);
    }

    /**
     * The cut rule on curves alone: {@code times[i]} is the time of gap i, {@code change[i]} the
     * decoder's peak frame change inside it (all zeros when unknown: the gate then never blocks).
     */
    public List<Cut> detect(float[] sim, float[] change, double[] times) {
        return suppressClose(candidates(sim, change, i -> times[i]));
    }

    private List<Cut> detect(float[] sim, List<FrameSignal> frames) {
        float[] change = new float[sim.length];
        for (int i = 0; i < sim.length; i++) change[i] = frames.get(i + 1).changeScore();
        return suppressClose(candidates(sim, change, i -> cutTime(frames, i)));
    }

    private interface GapTime {
        double at(int gap);
    }

    private List<Cut> candidates(float[] sim, float[] change, GapTime time) {
        List<Cut> out = new ArrayList<>();
        float[] d = distances(sim);
        float[] buf = new float[2 * settings.window()];
        for (int i = 0; i < d.length; i++) {
            float excess = spikeExcess(d, i, buf);
            if (Float.isNaN(excess)) continue;
            if (excess < settings.strongExcess() && change[i] < settings.changeGate() * changeBaseline(change, i)) continue;
            out.add(new Cut(i, time.at(i), sim[i], excess));
        }
        return out;
    }

    /**
     * The gaps whose decoder change signal ({@link FrameSignal#changeScore}, {@link FrameSignal#changeTimeSec}
     * of the frame after the gap) {@link #segment} reads to place and gate cuts: every similarity
     * spike's own (its cut time), and for a spike too weak to pass without the gate, the
     * {@code window} gaps around it. The similarity curve's other points take their times from
     * the signal too, but no cut or scene does.
     */
    public BitSet changeReads(List<FrameSignal> frames) {
        BitSet reads = new BitSet();
        if (frames.size() < 2) return reads;
        float[] sim = new float[frames.size() - 1];
        for (int i = 0; i < sim.length; i++) sim[i] = cosine(frames.get(i).embedding(), frames.get(i + 1).embedding());
        float[] d = distances(sim);
        float[] buf = new float[2 * settings.window()];
        for (int i = 0; i < d.length; i++) {
            float excess = spikeExcess(d, i, buf);
            if (Float.isNaN(excess)) continue;
            if (excess >= settings.strongExcess()) reads.set(i);
            else reads.set(Math.max(0, i - settings.window()), Math.min(d.length, i + settings.window() + 1));
        }
        return reads;
    }

    private static float[] distances(float[] sim) {
        float[] d = new float[sim.length];
        for (int i = 0; i < sim.length; i++) d[i] = 1 - sim[i];
        return d;
    }

    /**
     * How far gap i's distance rises above its neighbourhood if it is a cut by the similarity
     * alone (large, a single spike, an outlier), else NaN. {@code buf}: scratch of 2 * window.
     */
    private float spikeExcess(float[] d, int i, float[] buf) {
        int m = d.length;
        if (d[i] < settings.minDistance()) return Float.NaN;
        // A cut is a single spike: it must top both neighbours.
        if (i > 0 && d[i - 1] >= d[i]) return Float.NaN;
        if (i + 1 < m && d[i + 1] > d[i]) return Float.NaN;
        int k = 0;
        for (int j = Math.max(0, i - settings.window()); j <= Math.min(m - 1, i + settings.window()); j++) {
            if (j != i) buf[k++] = d[j];
        }
        float baseline = 0, mad = 0;
        if (k > 0) {
            float[] nb = Arrays.copyOf(buf, k);
            baseline = median(nb);
            for (int j = 0; j < k; j++) nb[j] = Math.abs(nb[j] - baseline);
            mad = median(nb);
        }
        float excess = d[i] - baseline;
        return excess < settings.minExcess() || excess < settings.madFactor() * mad ? Float.NaN : excess;
    }

    /** Keeps the stronger of two cuts closer than {@code minSceneSec}, then restores time order. */
    private List<Cut> suppressClose(List<Cut> candidates) {
        List<Cut> byStrength = new ArrayList<>(candidates);
        byStrength.sort(Comparator.comparingDouble(Cut::strength).reversed());
        List<Cut> kept = new ArrayList<>();
        for (Cut c : byStrength) {
            boolean clash = false;
            for (Cut k : kept) {
                if (Math.abs(k.timeSec() - c.timeSec()) < settings.minSceneSec()) {
                    clash = true;
                    break;
                }
            }
            if (!clash) kept.add(c);
        }
        kept.sort(Comparator.comparingInt(Cut::gap));
        return List.copyOf(kept);
    }

    /**
     * Drops cuts closer to either end of the video than one sampling interval: a source that opens
     * on a black or flash frame and then starts its first shot is not a scene of its own (it
     * would be a scene holding one sample, shorter than the sampling grid can describe).
     */
    private static List<Cut> awayFromTheEnds(List<Cut> cuts, List<FrameSignal> frames, double end) {
        if (cuts.isEmpty()) return cuts;
        double interval = samplingInterval(frames);
        return cuts.stream().filter(c -> c.timeSec() >= interval && end - c.timeSec() >= interval).toList();
    }

    /** The median gap between consecutive samples (uniform sampling: 1/fps; robust to keyframe or adaptive sampling). */
    static double samplingInterval(List<FrameSignal> frames) {
        double[] d = new double[frames.size() - 1];
        for (int i = 0; i < d.length; i++) d[i] = frames.get(i + 1).timeSec() - frames.get(i).timeSec();
        Arrays.sort(d);
        return d.length == 0 ? 0 : d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2;
    }

    private List<Scene> scenes(List<Cut> cuts, List<FrameSignal> frames, double end) {
        List<Cut> chosen = new ArrayList<>(cuts);
        if (chosen.size() > settings.maxScenes() - 1) {
            chosen.sort(Comparator.comparingDouble(Cut::strength).reversed());
            chosen = new ArrayList<>(chosen.subList(0, settings.maxScenes() - 1));
            chosen.sort(Comparator.comparingInt(Cut::gap));
        }
        List<Scene> scenes = new ArrayList<>(chosen.size() + 1);
        int first = 0;
        double start = 0;
        for (int s = 0; s <= chosen.size(); s++) {
            int last = s < chosen.size() ? chosen.get(s).gap() : frames.size() - 1;
            double stop = s < chosen.size() ? chosen.get(s).timeSec() : end;
            scenes.add(scene(s, start, stop, first, last, frames));
            first = last + 1;
            start = stop;
        }
        return List.copyOf(scenes);
    }

    private static Scene scene(int index, double start, double end, int first, int last, List<FrameSignal> frames) {
        double mid = (start + end) / 2;
        int best = first;
        for (int i = first; i <= last; i++) {
            if (Math.abs(frames.get(i).timeSec() - mid) < Math.abs(frames.get(best).timeSec() - mid)) best = i;
        }
        return new Scene(index, start, end, first, last - first + 1, frames.get(best).timeSec());
    }

    /** Where between samples i and i+1 the cut is: the decoder's peak change if it lies there, else the midpoint. */
    private static double cutTime(List<FrameSignal> frames, int gap) {
        double a = frames.get(gap).timeSec(), b = frames.get(gap + 1).timeSec();
        double c = frames.get(gap + 1).changeTimeSec();
        return c > a && c <= b ? c : (a + b) / 2;
    }

    /** Cosine similarity of two embeddings (1 when both are zero, 0 when one is). */
    public static float cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        if (na == 0 || nb == 0) return na == nb ? 1f : 0f;
        return (float) (dot / Math.sqrt(na * nb));
    }

    /**
     * The frame change a cut in gap i must stand out against: the calmer side's median, so that a
     * cut into (or out of) a shot that changes a lot every frame — a scrolling or jumping texture —
     * still counts as abrupt against the shot on the other side; but never less than the busier
     * side's median over the gate factor, so the cut's change must also match the busy shot's own
     * (a slow fade next to a still shot is not abrupt). 0 when the gap has no neighbours.
     */
    private float changeBaseline(float[] change, int i) {
        int w = settings.window(), m = change.length;
        int from = Math.max(0, i - w), to = Math.min(m - 1, i + w);
        float left = i > from ? median(Arrays.copyOfRange(change, from, i)) : Float.NaN;
        float right = to > i ? median(Arrays.copyOfRange(change, i + 1, to + 1)) : Float.NaN;
        if (Float.isNaN(left)) left = right;
        if (Float.isNaN(right)) right = left;
        if (Float.isNaN(left)) return 0;
        return Math.max(Math.min(left, right), Math.max(left, right) / settings.changeGate());
    }

    private static float median(float[] v) {
        Arrays.sort(v);
        int k = v.length;
        return k % 2 == 1 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }
}
