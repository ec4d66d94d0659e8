package dev.longvqa.local.asl;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The executor's "Step Functions Execution Status Change" events, one per status, shaped as on AWS. */
class ExecutionStatusChangeTest {
    private static final ObjectMapper JSON = Json.mapper();

    private static AslExecutor executor(String definition, List<JsonNode> events) {
        return AslExecutor.builder().definition(definition).stateMachineName("m").timeoutScale(0.05).statusChanges(events::add).build();
    }

    private static List<JsonNode> settle(List<JsonNode> events, int n) throws InterruptedException {
        for (int i = 0; i < 100 && events.size() < n; i++) Thread.sleep(20);
        return events;
    }

    @Test
    void startAndSuccessCarryInputAndOutputAsJsonText() throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        try (AslExecutor sfn = executor("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":{\"ok\":1},\"End\":true}}}", events)) {
            Execution e = sfn.start("one", JSON.readTree("{\"a\":\"b\"}"));
            e.await(Duration.ofSeconds(10));
            settle(events, 2);
            assertThat(events).extracting(x -> x.at("/detail/status").asText()).containsExactly("RUNNING", "SUCCEEDED");
            JsonNode end = events.get(1);
            assertThat(end.get("source").asText()).isEqualTo("aws.states");
            assertThat(end.get("detail-type").asText()).isEqualTo("Step Functions Execution Status Change");
            assertThat(end.get("resources").get(0).asText()).isEqualTo(e.arn());
            JsonNode d = end.get("detail");
            assertThat(d.get("executionArn").asText()).isEqualTo(e.arn());
            assertThat(d.get("stateMachineArn").asText()).isEqualTo(sfn.stateMachineArn());
            assertThat(d.get("name").asText()).isEqualTo("one");
            assertThat(JSON.readTree(d.get("input").asText())).isEqualTo(JSON.readTree("{\"a\":\"b\"}"));
            assertThat(JSON.readTree(d.get("output").asText())).isEqualTo(JSON.readTree("{\"ok\":1}"));
            assertThat(d.get("error").isNull()).isTrue();
            assertThat(d.get("stopDate").asLong()).isGreaterThanOrEqualTo(d.get("startDate").asLong());
            assertThat(events.get(0).at("/detail/stopDate").isNull()).isTrue();
        }
    }

    @Test
    void failedTimedOutAndAbortedEachEmitOnce() throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        try (AslExecutor sfn = executor("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"Error\":\"E.x\",\"Cause\":\"why\"}}}", events)) {
            sfn.start("f", null).await(Duration.ofSeconds(10));
            settle(events, 2);
            assertThat(events.get(1).at("/detail/status").asText()).isEqualTo("FAILED");
            assertThat(events.get(1).at("/detail/error").asText()).isEqualTo("E.x");
            assertThat(events.get(1).at("/detail/cause").asText()).isEqualTo("why");
            assertThat(events.get(1).at("/detail/output").isNull()).isTrue();
        }
        events.clear();
        String waiting = "{\"StartAt\":\"W\",\"TimeoutSeconds\":2,\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":100,\"End\":true}}}";
        try (AslExecutor sfn = executor(waiting, events)) {
            sfn.start("t", null).await(Duration.ofSeconds(10));
            settle(events, 2);
            assertThat(events).extracting(x -> x.at("/detail/status").asText()).containsExactly("RUNNING", "TIMED_OUT");
            assertThat(events.get(1).at("/detail/error").asText()).isEqualTo("States.Timeout");
        }
        events.clear();
        try (AslExecutor sfn = executor(waiting.replace("\"TimeoutSeconds\":2,", ""), events)) {
            Execution e = sfn.start("s", null);
            assertThat(e.stop("Operator.Stop", "no longer needed")).isTrue();
            assertThat(e.stop("Operator.Stop", "again")).isFalse();
            settle(events, 2);
            Thread.sleep(100);
            assertThat(events).extracting(x -> x.at("/detail/status").asText()).containsExactly("RUNNING", "ABORTED");
            assertThat(events.get(1).at("/detail/cause").asText()).isEqualTo("no longer needed");
        }
    }
}
