package dev.longvqa.local.cloud;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.local.cloud.stack.Deployment;
import dev.longvqa.local.cloud.stack.EventPattern;
import dev.longvqa.local.cloud.stack.TargetInput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Routing, input rewriting, retries and the dead-letter queue of the local default bus. */
class LocalEventBusTest {
    private static final ObjectMapper JSON = Json.mapper();

    private static Deployment.Rule rule(String target, TargetInput input, int retries, String dlq) throws Exception {
        return new Deployment.Rule("R", "r", "arn:aws:events:us-east-1:000000000000:rule/r",
                new EventPattern(JSON.readTree("{\"source\":[\"test\"]}")), List.of(new Deployment.Target(target, input, retries, 3600, dlq)));
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 250 && !done.getAsBoolean(); i++) Thread.sleep(20);
    }

    @Test
    void aMatchingEventReachesItsTargetTransformedAndOthersReachNothing() throws Exception {
        List<JsonNode> got = new CopyOnWriteArrayList<>();
        TargetInput path = TargetInput.of(JSON.readTree("{\"Arn\":\"t\",\"InputPath\":\"$.detail\"}"));
        try (LocalEventBus bus = new LocalEventBus(List.of(rule("t", path, 0, null)), Map.of("t", got::add), d -> { }, Duration.ofMillis(1))) {
            assertThat(bus.put(JSON.readTree("{\"source\":\"other\",\"detail\":{}}"))).isZero();
            assertThat(bus.put(JSON.readTree("{\"source\":\"test\",\"detail\":{\"x\":1}}"))).isEqualTo(1);
            await(() -> !got.isEmpty());
            assertThat(got).containsExactly(JSON.readTree("{\"x\":1}"));
        }
    }

    @Test
    void aFailingDeliveryIsRetriedThenGoesToTheDeadLetterQueue() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        List<LocalEventBus.DeadLetter> dead = new CopyOnWriteArrayList<>();
        LocalEventBus.Delivery failing = in -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("throttled");
        };
        try (LocalEventBus bus = new LocalEventBus(List.of(rule("t", new TargetInput.WholeEvent(), 2, "arn:dlq")), Map.of("t", failing),
                dead::add, Duration.ofMillis(1))) {
            JsonNode event = JSON.readTree("{\"source\":\"test\"}");
            bus.put(event);
            await(() -> !dead.isEmpty());
            assertThat(attempts.get()).as("one try and MaximumRetryAttempts retries").isEqualTo(3);
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.queueArn()).isEqualTo("arn:dlq");
                assertThat(d.event()).isEqualTo(event);
                assertThat(d.error()).contains("throttled");
            });
        }
    }

    @Test
    void aTargetTheLocalCloudDoesNotRunIsRefused() {
        assertThatThrownBy(() -> new LocalEventBus(List.of(rule("arn:unknown", new TargetInput.WholeEvent(), 0, null)), Map.of(), d -> { },
                Duration.ofMillis(1))).hasMessageContaining("arn:unknown");
    }
}
