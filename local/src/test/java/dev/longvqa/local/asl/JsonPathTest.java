package dev.longvqa.local.asl;

import dev.longvqa.contract.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonPathTest {
    static final ObjectMapper JSON = Json.mapper();

    /** Unchecked, so lambdas standing in for Lambda functions can use it. */
    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void readsReferencePathsIndexesAndSlices() throws Exception {
        JsonNode doc = json("{\"a\": {\"b\": [10, 20, 30, 40, 50]}, \"odd key\": 1}");
        assertThat(JsonPath.parse("$").read(doc)).isEqualTo(doc);
        assertThat(JsonPath.parse("$.a.b[0]").read(doc).asInt()).isEqualTo(10);
        assertThat(JsonPath.parse("$.a.b[-1]").read(doc).asInt()).isEqualTo(50);
        assertThat(JsonPath.parse("$['odd key']").read(doc).asInt()).isEqualTo(1);
        assertThat(JsonPath.parse("$.a.b[-3:]").read(doc)).isEqualTo(json("[30, 40, 50]"));
        assertThat(JsonPath.parse("$.a.b[1:3]").read(doc)).isEqualTo(json("[20, 30]"));
        assertThat(JsonPath.parse("$.a.b[*]").read(doc)).isEqualTo(json("[10, 20, 30, 40, 50]"));
        assertThat(JsonPath.parse("$.a.b").isReference()).isTrue();
        assertThat(JsonPath.parse("$.a.b[*]").isReference()).isFalse();
        assertThat(JsonPath.parse("$$.Execution.Id").context()).isTrue();
    }

    @Test
    void wildcardOverObjectsCollectsFields() throws Exception {
        JsonNode doc = json("{\"items\": [{\"k\": 1}, {\"k\": 2}, {\"x\": 3}]}");
        assertThat(JsonPath.parse("$.items[*].k").read(doc)).isEqualTo(json("[1, 2]"));
    }

    @Test
    void missingReferenceIsStatesRuntime() throws Exception {
        assertThatThrownBy(() -> JsonPath.parse("$.nope.deeper").read(json("{\"a\": 1}")))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
        assertThat(JsonPath.parse("$.nope").exists(json("{\"a\": 1}"))).isFalse();
        assertThat(JsonPath.parse("$.a").exists(json("{\"a\": null}"))).isTrue();
    }

    @Test
    void rejectsUnsupportedSyntax() {
        assertThatThrownBy(() -> JsonPath.parse("$..a")).hasMessageContaining("deep scan");
        assertThatThrownBy(() -> JsonPath.parse("$.a[?(@.b > 1)]")).hasMessageContaining("filter");
        assertThatThrownBy(() -> JsonPath.parse("a.b")).hasMessageContaining("must start with $");
        assertThatThrownBy(() -> JsonPath.parse("$.a[")).hasMessageContaining("unclosed");
    }

    @Test
    void writeFollowsTheResultPathExamplesOfTheDocs() throws Exception {
        JsonNode input = json("{\"comment\": \"This is a test\", \"details\": \"Default example\", \"who\": \"Step Functions\"}");
        JsonNode result = JSON.getNodeFactory().textNode("Hello, Step Functions!");
        assertThat(JsonPath.parse("$").write(input, result)).isEqualTo(result);
        assertThat(JsonPath.parse("$.taskresult").write(input, result)).isEqualTo(json(
                "{\"comment\": \"This is a test\", \"details\": \"Default example\", \"who\": \"Step Functions\","
                        + " \"taskresult\": \"Hello, Step Functions!\"}"));
        // the input itself is never modified
        assertThat(input.has("taskresult")).isFalse();
    }

    @Test
    void writeCreatesMissingObjectsAndReplacesArrayItems() throws Exception {
        assertThat(JsonPath.parse("$.a.b.c").write(json("{\"x\": 1}"), json("7")))
                .isEqualTo(json("{\"x\": 1, \"a\": {\"b\": {\"c\": 7}}}"));
        assertThat(JsonPath.parse("$.list[1]").write(json("{\"list\": [1, 2, 3]}"), json("\"two\"")))
                .isEqualTo(json("{\"list\": [1, \"two\", 3]}"));
    }

    @Test
    void writeThroughAScalarIsResultPathMatchFailure() throws Exception {
        assertThatThrownBy(() -> JsonPath.parse("$.a.b").write(json("{\"a\": 5}"), json("1")))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.ResultPathMatchFailure"));
        assertThatThrownBy(() -> JsonPath.parse("$.a[*]").write(json("{}"), json("1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
