package dev.longvqa.functions;

import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.Handler;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.inject.Named;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The functions' side of the contracts, checked without Quarkus: the variables the stack sets
 * ({@link FunctionEnv}) reach {@link Settings}, and every {@link Handler} has its bean.
 */
class FunctionContractTest {

    private static Settings configFrom(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(Settings.class)
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return config.getConfigMapping(Settings.class);
    }

    @Test
    void theStacksVariablesReachTheSettings() {
        Settings s = configFrom(Map.of(FunctionEnv.BUCKET.variable(), "media-bucket",
                FunctionEnv.TABLE.variable(), "jobs-table"));
        assertThat(s.requireBucket()).isEqualTo("media-bucket");
        assertThat(s.requireTable()).isEqualTo("jobs-table");
    }

    @Test
    void otherNamesDoNot() {
        // the names the stack used to set / the functions used to read: neither configures anything now
        Settings s = configFrom(Map.of("LONGVQA_JOBS_TABLE", "t", "JOBS_TABLE", "t", "BUCKET_NAME", "b"));
        assertThat(s.table()).isEmpty();
        assertThat(s.bucket()).isEmpty();
    }

    @Test
    void everyHandlerHasItsNamedBean() {
        List<Class<?>> handlers = List.of(RegisterHandler.class, PlanHandler.class, DecodeRangeHandler.class,
                SegmentHandler.class, RecordHandler.class, dev.longvqa.functions.api.ApiHandler.class);
        assertThat(handlers.stream().map(c -> c.getAnnotation(Named.class).value()).collect(Collectors.toSet()))
                .isEqualTo(Arrays.stream(Handler.values()).map(Handler::handlerName).collect(Collectors.toSet()));
        for (Class<?> c : handlers) {
            // each reads its payload record with the one mapper (StageHandler), as the Lambda runtime hands it the stream
            assertThat(com.amazonaws.services.lambda.runtime.RequestStreamHandler.class).isAssignableFrom(c);
        }
    }
}
