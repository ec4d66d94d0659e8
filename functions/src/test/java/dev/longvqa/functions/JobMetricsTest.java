package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The EMF line Powertools prints for one invocation (AWS_EMF_ENVIRONMENT=Local, set by the build, prints
 * it to stdout as Lambda does): every metric has a value at the top level, Function is the only
 * dimension, jobId is metadata.
 */
class JobMetricsTest {
    @Test
    void oneEmbeddedMetricFormatLinePerInvocation() throws Exception {
        String out = printed(() -> new JobMetrics("decode-range", "0123456789abcdef0123456789abcdef")
                .put("Frames", 300, MetricUnit.COUNT).put("DurationMs", 12.5, MetricUnit.MILLISECONDS).flush());
        List<String> lines = out.lines().filter(l -> l.contains("\"_aws\"")).toList();
        assertThat(lines).hasSize(1);
        JsonNode root = Json.mapper().readTree(lines.getFirst());
        JsonNode directive = root.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(root.get("_aws").get("Timestamp").asLong()).isPositive();
        assertThat(directive.get("Namespace").asText()).isEqualTo(JobMetrics.NAMESPACE);
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"" + JobMetrics.FUNCTION_DIMENSION + "\"]]");
        List<String> names = new ArrayList<>();
        List<String> units = new ArrayList<>();
        directive.get("Metrics").forEach(m -> {
            names.add(m.get("Name").asText());
            units.add(m.get("Unit").asText());
        });
        assertThat(names).containsExactlyInAnyOrder("Frames", "DurationMs");
        assertThat(units).containsExactlyInAnyOrder("Count", "Milliseconds");
        assertThat(root.get("Frames").asDouble()).isEqualTo(300);
        assertThat(root.get("DurationMs").asDouble()).isEqualTo(12.5);
        assertThat(root.get(JobMetrics.FUNCTION_DIMENSION).asText()).isEqualTo("decode-range");
        assertThat(root.get(JobMetrics.JOB_ID).asText()).startsWith("0123");
    }

    @Test
    void eachInvocationIsItsOwnLine() throws Exception {
        String out = printed(() -> {
            new JobMetrics("plan", "a".repeat(32)).put("Ranges", 2, MetricUnit.COUNT).flush();
            new JobMetrics("record").put("JobsFailed", 1, MetricUnit.COUNT).flush();
        });
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.lines().filter(l -> l.contains("\"_aws\"")).toList()) lines.add(Json.mapper().readTree(l));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).has("JobsFailed")).isFalse();
        assertThat(lines.get(1).has("Ranges")).as("nothing carried over from the first").isFalse();
        assertThat(lines.get(1).has(JobMetrics.JOB_ID)).isFalse();
        assertThat(lines.get(1).get(JobMetrics.FUNCTION_DIMENSION).asText()).isEqualTo("record");
    }

    private static String printed(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
