package dev.longvqa.local.cloud.stack;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.local.events.S3ObjectCreated;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventPatternTest {
    static final ObjectMapper JSON = Json.mapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void matchesAsEventBridgeDoes() throws Exception {
        EventPattern p = new EventPattern(json("""
                {"source": ["aws.s3"], "detail-type": ["Object Created"],
                 "detail": {"bucket": {"name": ["media"]}, "object": {"key": [{"prefix": "videos/"}]}}}"""));
        assertThat(p.matches(S3ObjectCreated.put("media", "videos/a.mp4", 1, "e", null).toEventBridgeJson())).isTrue();
        assertThat(p.matches(S3ObjectCreated.put("media", "jobs/x/scenes.json", 1, "e", null).toEventBridgeJson())).isFalse();
        assertThat(p.matches(S3ObjectCreated.put("other", "videos/a.mp4", 1, "e", null).toEventBridgeJson())).isFalse();
        // a field the pattern names but the event lacks: no match
        assertThat(p.matches(json("{\"source\": \"aws.s3\", \"detail-type\": \"Object Created\", \"detail\": {\"bucket\": {\"name\": \"media\"}}}")))
                .isFalse();
    }

    @Test
    void otherFiltersAndArrays() throws Exception {
        EventPattern p = new EventPattern(json("""
                {"a": [{"suffix": ".mp4"}], "b": [{"anything-but": ["x", "y"]}], "c": [{"exists": false}],
                 "d": [{"equals-ignore-case": "Hi"}], "e": [1, 2]}"""));
        assertThat(p.matches(json("{\"a\": \"v.mp4\", \"b\": \"z\", \"d\": \"HI\", \"e\": 2.0}"))).isTrue();
        assertThat(p.matches(json("{\"a\": \"v.mp4\", \"b\": \"x\", \"d\": \"HI\", \"e\": 2}"))).isFalse();
        assertThat(p.matches(json("{\"a\": \"v.mp4\", \"b\": \"z\", \"c\": 1, \"d\": \"hi\", \"e\": 1}"))).isFalse();
        assertThat(p.matches(json("{\"a\": [\"q\", \"v.mp4\"], \"b\": \"z\", \"d\": \"hi\", \"e\": [3, 1]}"))).isTrue();
    }

    @Test
    void aFilterItCannotApplyIsRejectedAtLoad() {
        // EventBridge's cidr filter: the local bus does not implement it, so a rule using it stops the load
        assertThatThrownBy(() -> new EventPattern(json("{\"sourceIPAddress\": [{\"cidr\": \"10.0.0.0/24\"}]}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cidr");
        assertThatThrownBy(() -> new EventPattern(json("{\"source\": \"aws.s3\"}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
