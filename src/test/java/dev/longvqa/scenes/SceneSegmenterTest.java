package dev.longvqa.scenes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The cut rule on synthetic similarity curves, where the right answer is known by construction. */
class SceneSegmenterTest {
    private final SceneSegmenter segmenter = new SceneSegmenter(SegmenterSettings.DEFAULT);

    /** A within-shot curve: similarity around {@code level} with noise; frame changes around 0.02. */
    private static float[][] curve(int gaps, float level, float noise, long seed) {
        Random r = new Random(seed);
        float[] sim = new float[gaps], change = new float[gaps];
        for (int i = 0; i < gaps; i++) {
            sim[i] = Math.min(1, level + (float) r.nextGaussian() * noise);
            change[i] = 0.02f + r.nextFloat() * 0.01f;
        }
        return new float[][]{sim, change};
    }

    private static double[] times(int gaps) {
        double[] t = new double[gaps];
        for (int i = 0; i < gaps; i++) t[i] = i + 1;
        return t;
    }

    private List<Integer> gaps(float[][] c) {
        return segmenter.detect(c[0], c[1], times(c[0].length)).stream().map(Cut::gap).toList();
    }

    @Test
    void steadyCurvesHaveNoCuts() {
        assertThat(gaps(curve(200, 0.97f, 0.01f, 1))).isEmpty();
        // Heavy motion: low, noisy similarity everywhere is still one shot.
        assertThat(gaps(curve(200, 0.6f, 0.06f, 2))).isEmpty();
    }

    @Test
    void sharpDropsAreCuts() {
        float[][] c = curve(100, 0.95f, 0.01f, 3);
        for (int g : new int[]{10, 37, 80}) {
            c[0][g] = 0.3f;
            c[1][g] = 0.3f;
        }
        assertThat(gaps(c)).containsExactly(10, 37, 80);
    }

    @Test
    void gradualChangesAreNotCuts() {
        // A fade or slow pan: similarity sinks over twenty gaps and recovers; frame changes stay small.
        float[][] c = curve(100, 0.95f, 0.005f, 4);
        for (int i = 40; i < 60; i++) c[0][i] = 0.95f - 0.3f * (float) Math.sin(Math.PI * (i - 40) / 20);
        assertThat(gaps(c)).isEmpty();
    }

    @Test
    void aDropWithoutAnAbruptFrameChangeNeedsToBeStrong() {
        float[][] c = curve(60, 0.95f, 0.01f, 5);
        c[0][20] = 0.70f; // dropped 0.25, but no frame-level jump: a fast camera move, not a cut
        c[0][40] = 0.30f; // dropped 0.65: a cut even without the decoder's help
        assertThat(gaps(c)).containsExactly(40);
        c[1][20] = 0.2f;
        assertThat(gaps(c)).containsExactly(20, 40);
    }

    @Test
    void aCutIntoAShotThatChangesEveryFrameStillPassesTheGate() {
        // A still shot, then a texture that jumps every frame (lavfi sierpinski, scrolling
        // cellauto): the cut's frame change is no larger than the busy shot's own, but it is
        // abrupt against the still shot.
        float[][] c = curve(60, 0.96f, 0.01f, 8);
        for (int i = 31; i < 60; i++) c[1][i] = 0.20f;
        c[0][30] = 0.72f; // a 0.24 drop: below strongExcess, so the gate decides
        c[1][30] = 0.22f;
        assertThat(gaps(c)).containsExactly(30);
        // Mirrored: out of the busy shot into a still one.
        float[][] m = curve(60, 0.96f, 0.01f, 9);
        for (int i = 0; i < 30; i++) m[1][i] = 0.20f;
        m[0][30] = 0.72f;
        m[1][30] = 0.22f;
        assertThat(gaps(m)).containsExactly(30);
    }

    @Test
    void aFadeNextToAStillShotIsNotAbrupt() {
        // Brightness swinging in one shot: similarity dips at the darkest point, the frame change
        // there is the swing's usual one — many times the calm gaps beside it, but not above the
        // swing's own.
        float[][] c = curve(60, 0.97f, 0.005f, 10);
        for (int i = 0; i < 30; i++) c[1][i] = 0.012f + 0.002f * (i % 2);
        for (int i = 31; i < 60; i++) c[1][i] = 0.003f;
        c[0][30] = 0.78f;
        c[1][30] = 0.012f;
        assertThat(gaps(c)).isEmpty();
    }

    @Test
    void cutsCloserThanTheMinimumSceneKeepTheStronger() {
        float[][] c = curve(60, 0.95f, 0.01f, 6);
        c[0][20] = 0.4f;
        c[1][20] = 0.3f;
        double[] t = times(60);
        t[21] = t[20] + 0.5; // two samples half a second apart (adaptive sampling)
        c[0][21] = 0.2f;
        c[1][21] = 0.3f;
        List<Cut> cuts = segmenter.detect(c[0], c[1], t);
        assertThat(cuts).extracting(Cut::gap).containsExactly(21);
    }

    @Test
    void scenesKeepTheStrongestCutsButEveryCutIsReported() {
        int gaps = 40 * 6 + 3; // a cut every sixth gap: 40 cuts
        float[][] c = curve(gaps, 0.96f, 0.005f, 7);
        List<FrameSignal> frames = new ArrayList<>();
        float[] e = unit(0);
        frames.add(new FrameSignal(0, e, 0, 0));
        // Build frames whose consecutive cosines follow the curve: rotate a unit vector by the dips.
        for (int i = 0; i < gaps; i++) {
            boolean cut = i % 6 == 5;
            float[] next = cut ? unit(i + 1) : e;
            frames.add(new FrameSignal(i + 1, next, i + 1, cut ? 0.3f : 0.02f));
            e = next;
        }
        SceneSegmentation seg = new SceneSegmenter(SegmenterSettings.DEFAULT).segment(frames, gaps + 1);
        assertThat(seg.cuts()).hasSize(40);
        assertThat(seg.scenes()).hasSize(24);
        assertThat(seg.similarity()).hasSize(gaps);
        SceneSegmentation all = new SceneSegmenter(SegmenterSettings.DEFAULT.withMaxScenes(64)).segment(frames, gaps + 1);
        assertThat(all.scenes()).hasSize(41);
        // Scenes tile the video with no gaps and never start between a cut and its first frame.
        for (int i = 1; i < all.scenes().size(); i++) {
            assertThat(all.scenes().get(i).startSec()).isEqualTo(all.scenes().get(i - 1).endSec());
            assertThat(all.scenes().get(i).startSec()).isEqualTo(all.cuts().get(i - 1).timeSec());
        }
        assertThat(all.scenes().get(40).endSec()).isEqualTo(gaps + 1);
        assertThat(all.scenes().stream().mapToInt(Scene::frameCount).sum()).isEqualTo(frames.size());
    }

    @Test
    void noSceneShorterThanTheSamplingIntervalAtEitherEnd() {
        // 1 fps over 30 s. The source opens on one odd frame (the decoder's abrupt change at 0.033 s),
        // and a real cut sits at 12.4 s, and a flash 0.3 s before the end.
        List<FrameSignal> frames = new ArrayList<>();
        for (int i = 0; i <= 30; i++) {
            int shot = i == 0 ? 0 : i <= 12 ? 1 : i < 30 ? 2 : 3;
            double changeAt = i == 1 ? 0.033 : i == 13 ? 12.4 : i == 30 ? 29.7 : i;
            boolean abrupt = i == 1 || i == 13 || i == 30;
            frames.add(new FrameSignal(i, unit(shot), changeAt, abrupt ? 0.4f : 0.02f));
        }
        SceneSegmentation seg = segmenter.segment(frames, 30.0);
        assertThat(seg.cuts()).extracting(Cut::timeSec).containsExactly(12.4);
        assertThat(seg.scenes()).extracting(Scene::startSec).containsExactly(0.0, 12.4);
        // The rule measures the ends in sampling intervals: here 1 s.
        assertThat(SceneSegmenter.samplingInterval(frames)).isEqualTo(1.0);
    }

    @Test
    void oneFrameIsOneScene() {
        SceneSegmentation seg = segmenter.segment(List.of(new FrameSignal(0, unit(1), 0, 0)), 0.04);
        assertThat(seg.cuts()).isEmpty();
        assertThat(seg.scenes()).singleElement().satisfies(s -> {
            assertThat(s.startSec()).isZero();
            assertThat(s.endSec()).isEqualTo(0.04);
            assertThat(s.frameCount()).isEqualTo(1);
        });
    }

    /** A unit vector in a 64-dim space, orthogonal-ish for different seeds. */
    private static float[] unit(int seed) {
        float[] v = new float[64];
        Random r = new Random(seed);
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        double n = Math.sqrt(Arrays.stream(toDouble(v)).map(x -> x * x).sum());
        for (int i = 0; i < v.length; i++) v[i] /= (float) n;
        return v;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }
}
