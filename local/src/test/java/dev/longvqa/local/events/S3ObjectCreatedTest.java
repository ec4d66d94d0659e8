package dev.longvqa.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class S3ObjectCreatedTest {

    @Test
    void hasTheFieldsTheRegisterHandlerReads() {
        S3ObjectCreated ev = new S3ObjectCreated("us-east-1", "000000000000", "media", "videos/talk.mp4", 42,
                "\"9b2cf535f27731c974343645a3985328\"", "v1", "CompleteMultipartUpload", Instant.parse("2026-01-02T03:04:05.678Z"));
        JsonNode e = ev.toEventBridgeJson();
        assertThat(e.get("source").asText()).isEqualTo("aws.s3");
        assertThat(e.get("detail-type").asText()).isEqualTo("Object Created");
        assertThat(e.get("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(e.get("resources").get(0).asText()).isEqualTo("arn:aws:s3:::media");
        JsonNode d = e.get("detail");
        assertThat(d.get("bucket").get("name").asText()).isEqualTo("media");
        assertThat(d.get("object").get("key").asText()).isEqualTo("videos/talk.mp4");
        assertThat(d.get("object").get("size").asLong()).isEqualTo(42);
        assertThat(d.get("object").get("etag").asText()).isEqualTo("9b2cf535f27731c974343645a3985328");
        assertThat(d.get("object").get("version-id").asText()).isEqualTo("v1");
        assertThat(d.get("reason").asText()).isEqualTo("CompleteMultipartUpload");
        assertThat(S3ObjectCreated.put("media", "k", 1, "e", null).toEventBridgeJson().get("detail").get("object").has("version-id")).isFalse();
    }
}
