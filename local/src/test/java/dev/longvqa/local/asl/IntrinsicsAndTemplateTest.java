package dev.longvqa.local.asl;

import static dev.longvqa.local.asl.JsonPathTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IntrinsicsAndTemplateTest {
    final JsonNode ctx;

    IntrinsicsAndTemplateTest() throws Exception {
        ctx = json("{\"Execution\": {\"Id\": \"arn:exec:1\", \"Name\": \"job-1\"}, \"Map\": {\"Item\": {\"Index\": 2, \"Value\": {\"k\": \"v\"}}}}");
    }

    JsonNode eval(String expr, String data) throws Exception {
        return Intrinsics.evaluate(expr, json(data), ctx);
    }

    @Test
    void parametersExampleFromTheSpec() throws Exception {
        // states-language.net "Parameters": static values, paths, a slice
        JsonNode template = json("{\"flagged\": true, \"parts\": {\"first.$\": \"$.vals[0]\", \"last3.$\": \"$.vals[-3:]\"}}");
        JsonNode out = PayloadTemplate.apply(template, json("{\"flagged\": 7, \"vals\": [0, 10, 20, 30, 40, 50]}"), ctx);
        assertThat(out).isEqualTo(json("{\"flagged\": true, \"parts\": {\"first\": 0, \"last3\": [30, 40, 50]}}"));
    }

    @Test
    void templateReadsTheContextObjectAndIntrinsicsInsideArrays() throws Exception {
        JsonNode template = json("{\"exec.$\": \"$$.Execution.Id\", \"item.$\": \"$$.Map.Item.Value\", \"idx.$\": \"$$.Map.Item.Index\","
                + " \"list\": [{\"msg.$\": \"States.Format('job {} #{}', $$.Execution.Name, $$.Map.Item.Index)\"}]}");
        assertThat(PayloadTemplate.apply(template, json("{}"), ctx)).isEqualTo(json(
                "{\"exec\": \"arn:exec:1\", \"item\": {\"k\": \"v\"}, \"idx\": 2, \"list\": [{\"msg\": \"job job-1 #2\"}]}"));
    }

    @Test
    void missingTemplatePathIsStatesRuntimeNamingTheField() {
        assertThatThrownBy(() -> PayloadTemplate.apply(json("{\"x.$\": \"$.missing\"}"), json("{}"), ctx))
                .isInstanceOfSatisfying(StatesError.class, e -> {
                    assertThat(e.error()).isEqualTo("States.Runtime");
                    assertThat(e.cause()).contains("x.$").contains("$.missing");
                });
    }

    @Test
    void formatWithEscapesAndScalars() throws Exception {
        assertThat(eval("States.Format('Hello, my name is {}.', $.name)", "{\"name\": \"Arnav\"}").asText())
                .isEqualTo("Hello, my name is Arnav.");
        assertThat(eval("States.Format('{} \\{literal\\} it\\'s {} {}', 3, true, null)", "{}").asText())
                .isEqualTo("3 {literal} it's true null");
        assertThatThrownBy(() -> eval("States.Format('{} {}', 1)", "{}"))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.IntrinsicFailure"));
    }

    @Test
    void jsonConversionsRoundTrip() throws Exception {
        JsonNode s = eval("States.JsonToString($.o)", "{\"o\": {\"a\": [1, 2], \"b\": \"x\"}}");
        assertThat(s.asText()).isEqualTo("{\"a\":[1,2],\"b\":\"x\"}");
        assertThat(eval("States.StringToJson($.s)", "{\"s\": \"{\\\"a\\\": [1, 2]}\"}")).isEqualTo(json("{\"a\": [1, 2]}"));
        assertThat(eval("States.StringToJson(States.JsonToString($.o))", "{\"o\": [true, null]}")).isEqualTo(json("[true, null]"));
    }

    @Test
    void arraysAndMath() throws Exception {
        assertThat(eval("States.Array('a', $.n, States.Array(1))", "{\"n\": 5}")).isEqualTo(json("[\"a\", 5, [1]]"));
        assertThat(eval("States.ArrayLength($.l)", "{\"l\": [1, 2, 3]}").asInt()).isEqualTo(3);
        assertThat(eval("States.ArrayGetItem($.l, 1)", "{\"l\": [1, 2, 3]}").asInt()).isEqualTo(2);
        assertThat(eval("States.ArrayContains($.l, 3)", "{\"l\": [1, 2, 3]}").asBoolean()).isTrue();
        assertThat(eval("States.ArrayRange(1, 9, 3)", "{}")).isEqualTo(json("[1, 4, 7]"));
        assertThat(eval("States.ArrayPartition($.l, 2)", "{\"l\": [1, 2, 3]}")).isEqualTo(json("[[1, 2], [3]]"));
        assertThat(eval("States.ArrayUnique($.l)", "{\"l\": [1, 2, 1, 2, 3]}")).isEqualTo(json("[1, 2, 3]"));
        assertThat(eval("States.MathAdd($.n, -3)", "{\"n\": 10}").asInt()).isEqualTo(7);
        assertThat(eval("States.StringSplit('a,b;c', ',;')", "{}")).isEqualTo(json("[\"a\", \"b\", \"c\"]"));
        assertThat(eval("States.JsonMerge($.a, $.b, false)", "{\"a\": {\"x\": 1, \"y\": 1}, \"b\": {\"y\": 2}}"))
                .isEqualTo(json("{\"x\": 1, \"y\": 2}"));
        assertThatThrownBy(() -> eval("States.MathAdd(1.5, 1)", "{}")).isInstanceOf(StatesError.class);
    }

    @Test
    void uuidHashAndBase64() throws Exception {
        String a = eval("States.UUID()", "{}").asText();
        assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(eval("States.UUID()", "{}").asText()).isNotEqualTo(a);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest("video.mp4".getBytes(StandardCharsets.UTF_8)));
        assertThat(eval("States.Hash($.k, 'SHA-256')", "{\"k\": \"video.mp4\"}").asText()).isEqualTo(expected);
        assertThatThrownBy(() -> eval("States.Hash('x', 'CRC32')", "{}")).isInstanceOf(StatesError.class);
        assertThat(eval("States.Base64Decode(States.Base64Encode('Data to encode'))", "{}").asText()).isEqualTo("Data to encode");
        assertThat(eval("States.Base64Encode('Data to encode')", "{}").asText()).isEqualTo("RGF0YSB0byBlbmNvZGU=");
    }

    @Test
    void malformedExpressionsAreIntrinsicFailures() {
        for (String bad : new String[] {"States.Format('x'", "States.Nope()", "States.Array(1,)", "States.UUID() extra"}) {
            assertThatThrownBy(() -> eval(bad, "{}")).as(bad)
                    .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.IntrinsicFailure"));
        }
    }
}
