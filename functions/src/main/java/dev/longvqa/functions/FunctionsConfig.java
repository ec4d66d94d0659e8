package dev.longvqa.functions;

import dev.longvqa.video.VideoLimits;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** application.properties {@code longvqa.*}, turned into the plain {@link Settings} the services take. */
@ConfigMapping(prefix = "longvqa")
public interface FunctionsConfig {
    Optional<String> bucket();

    Optional<String> table();

    @WithDefault("1")
    double fps();

    @WithName("range-seconds")
    @WithDefault("300")
    double rangeSeconds();

    @WithName("frame-side")
    @WithDefault("384")
    int frameSide();

    Limits limits();

    Questions questions();

    @WithName("inline-answers-bytes")
    @WithDefault("350000")
    long inlineAnswersBytes();

    @WithDefault("true")
    boolean presign();

    @WithName("presign-ttl")
    @WithDefault("PT1H")
    Duration presignTtl();

    @WithName("tmp-dir")
    @WithDefault("/tmp/longvqa")
    Path tmpDir();

    @WithName("upload-threads")
    @WithDefault("8")
    int uploadThreads();

    Aws aws();

    interface Limits {
        @WithName("max-bytes")
        @WithDefault("21474836480")
        long maxBytes();

        @WithName("max-duration-sec")
        @WithDefault("14400")
        double maxDurationSec();

        @WithName("max-pixels")
        @WithDefault("33177600")
        long maxPixels();

        @WithName("max-frames")
        @WithDefault("100000")
        int maxFrames();
    }

    interface Questions {
        @WithName("max-count")
        @WithDefault("20")
        int maxCount();

        @WithName("max-chars")
        @WithDefault("2000")
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

    default Settings settings() {
        return new Settings(bucket().orElse(null), table().orElse(null), fps(), rangeSeconds(), frameSide(),
                new VideoLimits(limits().maxBytes(), limits().maxDurationSec(), limits().maxPixels(), limits().maxFrames()),
                questions().maxCount(), questions().maxChars(), inlineAnswersBytes(), presign(), presignTtl(), tmpDir(),
                uploadThreads());
    }
}
