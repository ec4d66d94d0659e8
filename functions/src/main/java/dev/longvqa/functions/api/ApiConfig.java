package dev.longvqa.functions.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The API function's own settings ({@code longvqa.api.*}); the answer state machine's ARN comes from
 * {@code FunctionEnv.ANSWER_STATE_MACHINE}, which the stack sets on the API function only. Each
 * default stated once, here; docs/CONFIGURATION.md's table is checked against it ({@code SettingsDocTest}).
 */
@ConfigMapping(prefix = "longvqa.api")
public interface ApiConfig {
    Optional<String> answerStateMachine();

    @WithDefault("67108864")
    long multipartThresholdBytes();

    @WithDefault("16777216")
    long partSizeBytes();

    @WithDefault("PT1H")
    Duration urlTtl();

    /** Emulators only: the Step Functions endpoint (else the SDK's own, honouring AWS_ENDPOINT_URL_SFN). */
    Optional<URI> sfnEndpoint();

    default ApiSettings settings() {
        return new ApiSettings(answerStateMachine().orElse(null), multipartThresholdBytes(), partSizeBytes(), urlTtl());
    }

    /** Settings from {@code longvqa.api.*} properties, every other value its default (tests), through the same library. */
    static ApiConfig of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withDefaultValues(properties).withMapping(ApiConfig.class).build()
                .getConfigMapping(ApiConfig.class);
    }
}
