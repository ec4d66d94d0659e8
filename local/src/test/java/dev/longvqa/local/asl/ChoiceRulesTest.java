package dev.longvqa.local.asl;

import static dev.longvqa.local.asl.JsonPathTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ChoiceRulesTest {
    final JsonNode ctx = JsonPathTest.JSON.createObjectNode();

    boolean m(String rule, String data) throws Exception {
        return ChoiceRules.matches(json(rule), json(data), ctx);
    }

    @Test
    void specExampleRules() throws Exception {
        // the Choice state example of states-language.net: Not/StringEquals, And of two numeric bounds
        String notPublic = "{\"Not\": {\"Variable\": \"$.type\", \"StringEquals\": \"Private\"}, \"Next\": \"Public\"}";
        String range = "{\"And\": [{\"Variable\": \"$.value\", \"NumericGreaterThanEquals\": 20},"
                + " {\"Variable\": \"$.value\", \"NumericLessThan\": 30}], \"Next\": \"ValueInTwenties\"}";
        assertThat(m(notPublic, "{\"type\": \"Public\", \"value\": 1}")).isTrue();
        assertThat(m(notPublic, "{\"type\": \"Private\", \"value\": 1}")).isFalse();
        assertThat(m(range, "{\"type\": \"Private\", \"value\": 22}")).isTrue();
        assertThat(m(range, "{\"type\": \"Private\", \"value\": 30}")).isFalse();
        assertThat(m(range, "{\"type\": \"Private\", \"value\": 19.99}")).isFalse();
    }

    @Test
    void comparisonsOfEveryKind() throws Exception {
        assertThat(m("{\"Variable\": \"$.s\", \"StringLessThan\": \"b\"}", "{\"s\": \"a\"}")).isTrue();
        assertThat(m("{\"Variable\": \"$.s\", \"StringGreaterThanEquals\": \"a\"}", "{\"s\": \"a\"}")).isTrue();
        assertThat(m("{\"Variable\": \"$.s\", \"StringMatches\": \"log-*.txt\"}", "{\"s\": \"log-2024-01.txt\"}")).isTrue();
        assertThat(m("{\"Variable\": \"$.s\", \"StringMatches\": \"log-\\\\*\"}", "{\"s\": \"log-x\"}")).isFalse();
        assertThat(m("{\"Variable\": \"$.s\", \"StringMatches\": \"log-\\\\*\"}", "{\"s\": \"log-*\"}")).isTrue();
        assertThat(m("{\"Variable\": \"$.n\", \"NumericEquals\": 3}", "{\"n\": 3.0}")).isTrue();
        assertThat(m("{\"Variable\": \"$.n\", \"NumericLessThanEqualsPath\": \"$.max\"}", "{\"n\": 3, \"max\": 3}")).isTrue();
        assertThat(m("{\"Variable\": \"$.b\", \"BooleanEquals\": false}", "{\"b\": false}")).isTrue();
        assertThat(m("{\"Variable\": \"$.t\", \"TimestampLessThan\": \"2026-01-01T00:00:00Z\"}", "{\"t\": \"2025-12-31T23:59:59+00:00\"}")).isTrue();
        assertThat(m("{\"Variable\": \"$.t\", \"TimestampEquals\": \"2026-01-01T01:00:00+01:00\"}", "{\"t\": \"2026-01-01T00:00:00Z\"}")).isTrue();
        // a type mismatch is simply false
        assertThat(m("{\"Variable\": \"$.n\", \"StringEquals\": \"3\"}", "{\"n\": 3}")).isFalse();
        assertThat(m("{\"Variable\": \"$.s\", \"NumericEquals\": 3}", "{\"s\": \"3\"}")).isFalse();
    }

    @Test
    void typeTestsAndPresence() throws Exception {
        assertThat(m("{\"Variable\": \"$.x\", \"IsPresent\": false}", "{}")).isTrue();
        assertThat(m("{\"Variable\": \"$.x\", \"IsPresent\": true}", "{\"x\": null}")).isTrue();
        assertThat(m("{\"Variable\": \"$.x\", \"IsNull\": true}", "{\"x\": null}")).isTrue();
        assertThat(m("{\"Variable\": \"$.x\", \"IsNumeric\": true}", "{\"x\": 1.5}")).isTrue();
        assertThat(m("{\"Variable\": \"$.x\", \"IsString\": true}", "{\"x\": 1}")).isFalse();
        assertThat(m("{\"Variable\": \"$.x\", \"IsBoolean\": true}", "{\"x\": true}")).isTrue();
        assertThat(m("{\"Variable\": \"$.x\", \"IsTimestamp\": true}", "{\"x\": \"2016-03-14T01:59:00Z\"}")).isTrue();
        assertThat(m("{\"Or\": [{\"Variable\": \"$.x\", \"IsNull\": true}, {\"Variable\": \"$.x\", \"NumericGreaterThan\": 5}]}", "{\"x\": 7}")).isTrue();
    }

    @Test
    void absentVariableIsStatesRuntime() {
        assertThatThrownBy(() -> m("{\"Variable\": \"$.x\", \"StringEquals\": \"a\"}", "{}"))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
    }
}
