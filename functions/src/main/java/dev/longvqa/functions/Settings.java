package dev.longvqa.functions;

import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.video.VideoLimits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the stage services are configured with: the {@code longvqa.*} properties, each default
 * stated once, here ({@code @WithDefault}; the shared limits come from {@link dev.longvqa.contract.Limits}). Quarkus fills
 * it from the Lambda's environment (a property {@code longvqa.range-seconds} is read from
 * {@code LONGVQA_RANGE_SECONDS}); the local cloud and the tests build it with {@link #of} through the
 * same library. docs/FUNCTIONS.md's table is checked against these annotations ({@code SettingsDocTest}).
 */
@ConfigMapping(prefix = Settings.PREFIX)
public interface Settings {
    String PREFIX = "longvqa";
    /** The scratch directory's property, which the local cloud points at its own directory. */
    String TMP_DIR_PROPERTY = PREFIX + "." + "tmp-dir";

    /** The one bucket ({@link FunctionEnv#BUCKET}); no default: the stack sets it. */
    Optional<String> bucket();

    /** The jobs table ({@link FunctionEnv#TABLE}); no default: the stack sets it. */
    Optional<String> table();

    /** Sampling rate of decode-range (TDC samples at 1 fps). */
    @WithDefault("1")
    double fps();

    /** Longest time range one decode-range invocation decodes. */
    @WithName("range-seconds")
    @WithDefault("300")
    double rangeSec();

    /** Longest side of the JPEG frames written for the GPU worker. */
    @WithName("frame-side")
    @WithDefault("384")
    int frameSide();

    InputLimits limits();

    Questions questions();

    /** Above this estimated item size, answers go to {@code result.json} (DynamoDB's limit is 400 KB). */
    @WithName("inline-answers-bytes")
    @WithDefault("350000")
    long inlineAnswersBytes();

    /** Read videos through a presigned GET (FFmpeg ranged reads) instead of downloading them to {@link #tmpDir}. */
    @WithDefault("true")
    boolean presign();

    @WithName("presign-ttl")
    @WithDefault("PT1H")
    Duration presignTtl();

    @WithName("tmp-dir") // TMP_DIR_PROPERTY
    @WithDefault("/tmp/longvqa")
    Path tmpDir();

    /** Concurrent frame uploads per decode-range. */
    @WithName("upload-threads")
    @WithDefault("8")
    int uploadThreads();

    Aws aws();

    /** Checked before decoding. */
    interface InputLimits {
        @WithName("max-bytes")
        @WithDefault(dev.longvqa.contract.Limits.MAX_VIDEO_BYTES_TEXT)
        long maxBytes();

        @WithName("max-duration-sec")
        @WithDefault(dev.longvqa.contract.Limits.MAX_VIDEO_SECONDS_TEXT)
        double maxDurationSec();

        @WithName("max-pixels")
        @WithDefault(dev.longvqa.contract.Limits.MAX_VIDEO_PIXELS_TEXT)
        long maxPixels();

        @WithName("max-frames")
        @WithDefault(dev.longvqa.contract.Limits.MAX_SAMPLED_FRAMES_TEXT)
        int maxFrames();
    }

    interface Questions {
        @WithName("max-count")
        @WithDefault(dev.longvqa.contract.Limits.MAX_QUESTIONS_TEXT)
        int maxCount();

        @WithName("max-chars")
        @WithDefault(dev.longvqa.contract.Limits.MAX_QUESTION_CHARS_TEXT)
        int maxChars();
    }

    interface Aws {
        /**
         * Endpoints for emulators. Unset in AWS: the SDK then uses the region's endpoints, or
         * {@code AWS_ENDPOINT_URL}/{@code AWS_ENDPOINT_URL_<SERVICE>} if set.
         */
        @WithName("s3-endpoint")
        Optional<URI> s3Endpoint();

        @WithName("dynamodb-endpoint")
        Optional<URI> dynamodbEndpoint();

        @WithName("path-style")
        @WithDefault("false")
        boolean pathStyle();
    }

    /** The video limits as the core's sampler takes them. */
    default VideoLimits videoLimits() {
        return new VideoLimits(limits().maxBytes(), limits().maxDurationSec(), limits().maxPixels(), limits().maxFrames());
    }

    /** These settings, or an error naming the first value no stage can work with. */
    default Settings validated() {
        if (!(fps() > 0) || !(rangeSec() >= 1) || frameSide() < 8 || questions().maxCount() < 1 || questions().maxChars() < 1
                || inlineAnswersBytes() < 1 || uploadThreads() < 1) {
            throw new IllegalArgumentException("invalid longvqa settings: fps " + fps() + ", range-seconds " + rangeSec()
                    + ", frame-side " + frameSide() + ", questions " + questions().maxCount() + "x" + questions().maxChars()
                    + ", inline-answers-bytes " + inlineAnswersBytes() + ", upload-threads " + uploadThreads());
        }
        return this;
    }

    /** The bucket, or an INTERNAL error naming the missing variable (a deployment mistake, not bad input). */
    default String requireBucket() {
        return bucket().filter(b -> !b.isBlank())
                .orElseThrow(() -> new LongVqaException(ErrorCode.INTERNAL, FunctionEnv.BUCKET.variable() + " is not set"));
    }

    default String requireTable() {
        return table().filter(t -> !t.isBlank())
                .orElseThrow(() -> new LongVqaException(ErrorCode.INTERNAL, FunctionEnv.TABLE.variable() + " is not set"));
    }

    /**
     * Settings from {@code longvqa.*} properties (e.g. {@code longvqa.range-seconds=15}), every other
     * value its default: how the local cloud's and the tests' services are configured, with the same
     * mapping Quarkus fills in a Lambda.
     */
    static Settings of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withDefaultValues(properties)
                .withConverter(Path.class, 100, Path::of)
                .withMapping(Settings.class)
                .build()
                .getConfigMapping(Settings.class)
                .validated();
    }
}
