package dev.longvqa.cli;

import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.SamplingStrategy;
import dev.longvqa.video.VideoLimits;
import picocli.CommandLine.Option;

/** Options shared by every command that decodes and segments a video. */
public final class FrontEndOptions {
    @Option(names = "--fps", defaultValue = "1.0", description = "frames sampled per second (default: ${DEFAULT-VALUE})")
    double fps;

    @Option(names = "--sampling", defaultValue = "uniform",
            description = "uniform | keyframes | adaptive (denser where the picture changes) (default: ${DEFAULT-VALUE})")
    String sampling;

    @Option(names = "--max-scenes", defaultValue = "24", description = "S: at most this many scenes (default: ${DEFAULT-VALUE})")
    int maxScenes;

    @Option(names = "--max-duration", defaultValue = "14400", description = "longest video accepted, seconds (default: ${DEFAULT-VALUE})")
    double maxDurationSec;

    @Option(names = "--max-bytes", defaultValue = "21474836480", description = "largest file accepted, bytes (default: ${DEFAULT-VALUE})")
    long maxBytes;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar")
    boolean quiet;

    SamplingStrategy strategy() {
        return switch (sampling) {
            case "uniform" -> SamplingStrategy.uniform(fps);
            case "keyframes" -> new SamplingStrategy.KeyFramesOnly();
            case "adaptive" -> new SamplingStrategy.ChangeAdaptive(fps, Math.max(fps * 4, 4), 0.08f);
            default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--sampling must be uniform, keyframes or adaptive, not " + sampling);
        };
    }

    VideoLimits limits() {
        return VideoLimits.DEFAULT.withMaxDurationSec(maxDurationSec).withMaxBytes(maxBytes);
    }

    FrameSampler sampler() {
        return FrameSampler.builder().strategy(strategy()).limits(limits()).build();
    }

    /** Identifies how frames were sampled and embedded: part of cache keys. */
    String detectorId() {
        return strategy().id() + ":scenes" + maxScenes;
    }

    SceneDetector.Builder detector() {
        if (maxScenes < 1) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--max-scenes must be at least 1");
        return SceneDetector.builder().strategy(strategy()).limits(limits())
                .segmenter(SegmenterSettings.DEFAULT.withMaxScenes(maxScenes));
    }
}
