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
import java.util.List;
import java.util.Objects;

/**
 * The front half of the pipeline in one pass: decode → sample → embed → segment. Frames are
 * embedded as they arrive and dropped; only embeddings (a few hundred floats each) are kept.
 */
public final class SceneDetector {
    private final SamplingStrategy strategy;
    private final FrameEmbedder embedder;
    private final SegmenterSettings segmenter;
    private final VideoLimits limits;
    private final FrameSampler.ProgressListener progress;
    private final int frameSide;

    private SceneDetector(Builder b) {
        this.strategy = b.strategy;
        this.embedder = b.embedder;
        this.segmenter = b.segmenter;
        this.limits = b.limits;
        this.progress = b.progress;
        this.frameSide = b.frameSide > 0 ? b.frameSide : b.embedder.preferredInputSize();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Also hands every sampled frame to {@code tap} (thumbnails, vision encoders) before it is dropped. */
    public ScenesResult detect(VideoSource source, FrameSampler.FrameSink tap) {
        FrameSampler sampler = FrameSampler.builder().strategy(strategy).maxSide(frameSide).limits(limits)
                .progress(progress).build();
        List<FrameSignal> signals = new ArrayList<>();
        long t0 = System.nanoTime();
        SamplingSummary summary = sampler.sample(source, (SampledFrame f) -> {
            signals.add(new FrameSignal(f.timeSec(), embedder.embed(f.image()), f.changeTimeSec(), f.changeScore()));
            if (tap != null) tap.accept(f);
        });
        long t1 = System.nanoTime();
        double declared = summary.info().durationSec();
        double measured = summary.lastFrameSec() + (summary.info().frameRate() > 0 ? 1 / summary.info().frameRate() : 0);
        double duration = Double.isNaN(declared) ? measured : Math.max(declared, summary.lastFrameSec());
        SceneSegmentation seg = new SceneSegmenter(segmenter).segment(signals, duration);
        long t2 = System.nanoTime();
        return new ScenesResult(summary.info(), duration, signals.size(), summary.decodedFrames(), strategy.id(),
                embedder.id(), seg, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
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

        public SceneDetector build() {
            return new SceneDetector(this);
        }
    }
}
