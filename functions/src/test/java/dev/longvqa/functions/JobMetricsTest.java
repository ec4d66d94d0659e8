package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One EMF line: every declared metric has a value at the top level, jobId is not a dimension. */
class JobMetricsTest {
    @Test
    void embeddedMetricFormat() throws Exception {
        String line = new JobMetrics("decode-range", "0123456789abcdef0123456789abcdef")
                .put("Frames", 300, "Count").put("DurationMs", 12.5, "Milliseconds").toJson(1_700_000_000_000L);
        assertThat(line).doesNotContain("\n");
        JsonNode root = Json.mapper().readTree(line);
        JsonNode directive = root.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(root.get("_aws").get("Timestamp").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(directive.get("Namespace").asText()).isEqualTo("LongVqa");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Function\"]]");
        List<String> names = new ArrayList<>();
        directive.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
        assertThat(names).containsExactly("Frames", "DurationMs");
        assertThat(root.get("Frames").asDouble()).isEqualTo(300);
        assertThat(root.get("DurationMs").asDouble()).isEqualTo(12.5);
        assertThat(root.get("Function").asText()).isEqualTo("decode-range");
        assertThat(root.get("jobId").asText()).startsWith("0123");
    }
}
