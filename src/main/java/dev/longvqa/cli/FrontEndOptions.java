package dev.longvqa.cli;

import dev.longvqa.pipeline.SceneDetector;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.SamplingStrategy;
import dev.longvqa.video.VideoLimits;
import picocli.CommandLine.Option;

/** Options shared by every command that decodes and segments a video. */
final class FrontEndOptions {
    // No defaultValue here: each option's default is the property of the same name in CliConfig (ConfigDefaults).
    @Option(names = "--fps", description = "frames sampled per second (default: ${DEFAULT-VALUE})")
    double fps;

    @Option(names = "--sampling",
            description = "uniform | keyframes | adaptive (denser where the picture changes) (default: ${DEFAULT-VALUE})")
    String sampling;

    @Option(names = "--max-scenes", description = "S: at most this many scenes (default: ${DEFAULT-VALUE})")
    int maxScenes;

    @Option(names = "--max-duration", description = "longest video accepted, seconds (default: ${DEFAULT-VALUE})")
    double maxDurationSec;

    @Option(names = "--max-bytes", description = "largest file accepted, bytes (default: ${DEFAULT-VALUE})")
    long maxBytes;

    @Option(names = {"-q", "--quiet"}, description = "no progress (as --progress none)")
    boolean quiet;

    @Option(names = "--progress", paramLabel = "auto|bar|plain|none",
            description = "progress on stderr: a bar on a terminal and plain lines elsewhere (auto), or always one kind (default: ${DEFAULT-VALUE})")
    String progress;

    @Option(names = "--embedder", paramLabel = "builtin|vit:FILE[@SIZE]",
            description = "frame embedder for cuts: the built-in one (no weights), or a ViT such as DINOv2 exported "
                    + "as TorchScript or .onnx, CLS token, input SIZE px (default " + VIT_SIZE + ") (default: ${DEFAULT-VALUE})")
    String embedder;

    /** How decode progress is shown: none with {@code --quiet}. */
    Terminal.Mode progressMode() {
        if (quiet) return Terminal.Mode.NONE;
        try {
            return Terminal.progressMode(progress);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
    }

    /** A ViT embedder's input side without {@code @SIZE}: DINOv2's training resolution. */
    static final int VIT_SIZE = 224;

    /** The embedder named by {@code --embedder}; a ViT is loaded once here and closed by the caller. */
    dev.longvqa.scenes.FrameEmbedder frameEmbedder() {
        if (embedder.equals("builtin")) return new dev.longvqa.scenes.SignatureEmbedder();
        if (!embedder.startsWith("vit:")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--embedder must be builtin or vit:FILE, not " + embedder);
        }
        String spec = embedder.substring(4);
        int at = spec.lastIndexOf('@');
        int size = at > 0 ? Integer.parseInt(spec.substring(at + 1)) : VIT_SIZE;
        java.nio.file.Path file = java.nio.file.Path.of(at > 0 ? spec.substring(0, at) : spec);
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw dev.longvqa.error.LongVqaException.badInput(dev.longvqa.error.ErrorCode.NOT_FOUND, "embedder model " + file + " does not exist");
        }
        try {
            return new dev.longvqa.scenes.VitFrameEmbedder(dev.longvqa.runtime.vision.VisionEncoder.open(file,
                    dev.longvqa.runtime.vision.ImagePreprocessor.dinov2(size), "auto"), dev.longvqa.scenes.VitFrameEmbedder.Pooling.CLS, 1, 16);
        } catch (java.io.IOException e) {
            throw new dev.longvqa.error.LongVqaException(dev.longvqa.error.ErrorCode.BAD_REQUEST,
                    "cannot load the embedder " + file + ": " + e.getMessage(), e);
        }
    }

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
        return strategy().id() + ":scenes" + maxScenes + ":" + embedder;
    }

    SceneDetector.Builder detector() {
        if (maxScenes < 1) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--max-scenes must be at least 1");
        return SceneDetector.builder().strategy(strategy()).limits(limits()).embedder(frameEmbedder())
                .segmenter(SegmenterSettings.DEFAULT.withMaxScenes(maxScenes));
    }
}
