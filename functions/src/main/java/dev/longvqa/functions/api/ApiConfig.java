package dev.longvqa.functions.api;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The API function's own settings ({@code longvqa.api.*}); the answer state machine's ARN comes from
 * {@code FunctionEnv.ANSWER_STATE_MACHINE}, which the stack sets on the API function only.
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
}
