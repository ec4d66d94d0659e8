package dev.longvqa.local.cloud;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The functions' settings come from their environment the way Quarkus reads it, not the way we would like. */
class FunctionConfigTest {

    @Test
    void readsTheVariablesTheFunctionsRead() {
        // Quarkus maps longvqa.bucket to LONGVQA_BUCKET; the handler comes from QUARKUS_LAMBDA_HANDLER
        FunctionConfig c = FunctionConfig.of(Map.of("QUARKUS_LAMBDA_HANDLER", "plan", "LONGVQA_BUCKET", "b1",
                "LONGVQA_LIMITS_MAX_DURATION_SEC", "60"));
        assertThat(c.handler()).isEqualTo("plan");
        assertThat(c.settings().bucket()).contains("b1");
        assertThat(c.settings().limits().maxDurationSec()).isEqualTo(60.0);
    }

    @Test
    void aVariableUnderAnotherNameIsNotSeen() {
        FunctionConfig c = FunctionConfig.of(Map.of("QUARKUS_LAMBDA_HANDLER", "register", "LONGVQA_BUCKET_NAME_RENAMED", "b1"));
        assertThat(c.settings().bucket()).isEmpty();
    }
}
