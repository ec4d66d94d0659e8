package dev.longvqa.pipeline;

import dev.longvqa.scenes.FrameEmbedder;
import dev.longvqa.scenes.FrameSignal;
import dev.longvqa.scenes.SceneSegmentation;
import dev.longvqa.scenes.SceneSegmenter;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.scenes.SignatureEmbedder;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.SampledFrame;
import dev.longvqa.video.SamplingStrategy;
import dev.longvqa.video.SamplingSummary;
import dev.longvqa.video.VideoLimits;
import dev.longvqa.video.VideoSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The front half of the pipeline in one pass: decode → sample → embed → segment. Frames are
 * embedded as they arrive and dropped; only embeddings (a few hundred floats each) are kept.
 */
public final class SceneDetector {
    /**
     * Non-reference frames are skipped only after this many consecutive gaps between samples
     * whose similarity drop is below the smallest that can be a cut: the cut rule reads the change
     * signal up to a window of gaps around a possible cut, and each skipped gap it reads is decoded
     * a second time. Videos that start calm skip from the start.
     */
    private static final int CALM_GAPS = 10;

    private final SamplingStrategy strategy;
    private final FrameEmbedder embedder;
    private final SegmenterSettings segmenter;
    private final VideoLimits limits;
    private final FrameSampler.ProgressListener progress;
    private final int frameSide;
    private final boolean skipUnsampled;
    private final int workers;
    private final double minRangeSec;

    private SceneDetector(Builder b) {
        this.strategy = b.strategy;
        this.embedder = b.embedder;
        this.segmenter = b.segmenter;
        this.limits = b.limits;
        this.progress = b.progress;
        this.frameSide = b.frameSide > 0 ? b.frameSide : b.embedder.preferredInputSize();
        this.skipUnsampled = b.skipUnsampled;
        this.workers = b.workers;
        this.minRangeSec = b.minRangeSec;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Also hands every sampled frame to {@code tap} (thumbnails, vision encoders) before it is dropped. */
    public ScenesResult detect(VideoSource source, FrameSampler.FrameSink tap) {
        // Skipping non-reference frames is exact for the sampled frames but not for the per-frame
        // change signal; the few gaps where the cut rule reads that signal are re-decoded exactly
        // below, which needs a source that can be opened again and seeks: a file.
        boolean skip = skipUnsampled && source instanceof VideoSource.FileSource;
        FrameSampler.Builder b = FrameSampler.builder().strategy(strategy).maxSide(frameSide).limits(limits).progress(progress);
        if (workers > 0) b.parallelRanges(workers, minRangeSec);
        List<FrameSignal> signals = new ArrayList<>();
        long t0 = System.nanoTime();
        boolean[] tapping = {tap != null};
        // Consecutive gaps, up to the last sampled frame, that cannot be cuts; read by decoding threads.
        java.util.concurrent.atomic.AtomicInteger calmGaps = new java.util.concurrent.atomic.AtomicInteger(CALM_GAPS);
        FrameSampler.FrameSink sink = (SampledFrame f) -> {
            FrameSignal s = new FrameSignal(f.timeSec(), embedder.embed(f.image()), f.changeTimeSec(), f.changeScore());
            if (!signals.isEmpty()) {
                float distance = 1 - SceneSegmenter.cosine(signals.getLast().embedding(), s.embedding());
                calmGaps.set(distance < segmenter.minDistance() ? calmGaps.get() + 1 : 0);
            }
            signals.add(s);
            if (tapping[0]) tap.accept(f);
        };
        // Near a possible cut the cut rule will read the change signal, and a skipped stretch
        // there costs a second decode: skip only once the picture has been calm for a while.
        FrameSampler sampler = b.skipUnsampled(skip).skipUnsampledWhile(() -> calmGaps.get() >= CALM_GAPS).build();
        SamplingSummary summary = sampler.sample(source, sink);
        if (skip && !exactChanges(sampler, source, summary, signals)) {
            signals.clear(); // not expected (frames without timestamps): decode every frame instead
            tapping[0] = false; // the tap has seen these frames already
            summary = b.skipUnsampled(false).build().sample(source, sink);
        }
        long t1 = System.nanoTime();
        double declared = summary.info().durationSec();
        double measured = summary.lastFrameSec() + (summary.info().frameRate() > 0 ? 1 / summary.info().frameRate() : 0);
        double duration = Double.isNaN(declared) ? measured : Math.max(declared, summary.lastFrameSec());
        SceneSegmentation seg = new SceneSegmenter(segmenter).segment(signals, duration);
        long t2 = System.nanoTime();
        return new ScenesResult(summary.info(), duration, signals.size(), summary.decodedFrames(), strategy.id(),
                embedder.id(), seg, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    /** Replaces the change signal where the cut rule reads it by what decoding every frame gives. */
    private boolean exactChanges(FrameSampler sampler, VideoSource source, SamplingSummary summary, List<FrameSignal> signals) {
        return exactChanges(sampler, source, summary, new SceneSegmenter(segmenter).changeReads(signals), signals);
    }

    /**
     * After a pass of {@code sampler} that skipped non-reference frames: replaces, in
     * {@code signals} (one per sampled frame of {@code pass}, in order), the change signal after
     * each gap of {@code reads} where the pass really dropped a frame by what decoding every frame
     * gives ({@link FrameSampler#exactChanges}). Returns false where that could not be done (then
     * decode again without skipping). Shared by this detector and the {@code decode-range} Lambda.
     */
    public static boolean exactChanges(FrameSampler sampler, VideoSource source, SamplingSummary pass, BitSet reads,
                                       List<FrameSignal> signals) {
        BitSet wanted = (BitSet) reads.clone();
        wanted.and(pass.skippedGaps()); // elsewhere every frame was decoded: the signal is exact already
        if (wanted.isEmpty()) return true;
        Map<Integer, FrameSampler.ChangePeak> exact = sampler.exactChanges(source, pass, wanted);
        if (exact.size() != wanted.cardinality()) return false;
        exact.forEach((gap, peak) -> {
            FrameSignal f = signals.get(gap + 1);
            signals.set(gap + 1, new FrameSignal(f.timeSec(), f.embedding(), peak.timeSec(), peak.score()));
        });
        return true;
    }

    public ScenesResult detect(VideoSource source) {
        return detect(source, null);
    }

    public static final class Builder {
        private SamplingStrategy strategy = SamplingStrategy.uniform(1.0);
        private FrameEmbedder embedder = new SignatureEmbedder();
        private SegmenterSettings segmenter = SegmenterSettings.DEFAULT;
        private VideoLimits limits = VideoLimits.DEFAULT;
        private FrameSampler.ProgressListener progress;
        private int frameSide;
        // -Dlongvqa.decode.skipUnsampled=false decodes every frame (the benchmark's "before" row).
        private boolean skipUnsampled = !"false".equals(System.getProperty("longvqa.decode.skipUnsampled"));
        private int workers; // 0: the sampler's default
        private double minRangeSec;

        public Builder strategy(SamplingStrategy s) {
            this.strategy = Objects.requireNonNull(s);
            return this;
        }

        public Builder fps(double fps) {
            return strategy(SamplingStrategy.uniform(fps));
        }

        public Builder embedder(FrameEmbedder e) {
            this.embedder = Objects.requireNonNull(e);
            return this;
        }

        public Builder segmenter(SegmenterSettings s) {
            this.segmenter = Objects.requireNonNull(s);
            return this;
        }

        public Builder limits(VideoLimits l) {
            this.limits = Objects.requireNonNull(l);
            return this;
        }

        public Builder progress(FrameSampler.ProgressListener p) {
            this.progress = p;
            return this;
        }

        /** Longest side of sampled frames; default: what the embedder prefers. */
        public Builder frameSide(int pixels) {
            this.frameSide = pixels;
            return this;
        }

        /**
         * Whether non-reference frames between samples are left undecoded (default on; only for
         * file sources). Scenes, cut times and sampled frames stay exactly what decoding every frame
         * gives; the similarity curve's points away from any cut may take their times from a
         * neighbouring frame, and {@code decodedFrames} counts what was really decoded.
         */
        public Builder skipUnsampled(boolean on) {
            this.skipUnsampled = on;
            return this;
        }

        /** Time-range parallelism of the decode ({@link FrameSampler.Builder#parallelRanges}); default: the sampler's. */
        public Builder parallelRanges(int workers, double minRangeSec) {
            FrameSampler.builder().parallelRanges(workers, minRangeSec); // same checks
            this.workers = workers;
            this.minRangeSec = minRangeSec;
            return this;
        }

        public SceneDetector build() {
            return new SceneDetector(this);
        }
    }
}
