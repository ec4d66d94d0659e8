package dev.longvqa.local.cloud;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.local.cloud.stack.EventPattern;
import dev.longvqa.local.cloud.stack.StackTemplate;
import dev.longvqa.local.cloud.stack.SynthesizedStack;
import dev.longvqa.local.events.S3ObjectCreated;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The synthesized upload rule, matched by the local EventBridge matcher against the keys the
 * layout ({@link S3Layout}) gives a video and its questions: only the video starts an execution.
 */
class UploadRuleLayoutTest {

    @Test
    void aVideoStartsTheWorkflowAndItsQuestionsSidecarDoesNot() throws Exception {
        JsonNode template = StackTemplate.read(SynthesizedStack.template());
        List<JsonNode> objectFilters = new ArrayList<>();
        template.get("Resources").forEach(r -> {
            JsonNode p = r.at("/Properties/EventPattern");
            if (r.path("Type").asText().equals("AWS::Events::Rule") && p.at("/source/0").asText().equals("aws.s3")) {
                objectFilters.add(p.at("/detail/object"));
            }
        });
        assertThat(objectFilters).hasSize(1);
        // only the object part: the bucket name is a reference a deployment resolves
        ObjectNode objectOnly = dev.longvqa.contract.Json.mapper().createObjectNode();
        objectOnly.putObject("detail").set("object", objectFilters.getFirst());
        EventPattern rule = new EventPattern(objectOnly);

        String video = S3Layout.VIDEOS_PREFIX + "talk.mp4";
        assertThat(rule.matches(S3ObjectCreated.put("b", video, 10, "e", null).toEventBridgeJson())).isTrue();
        assertThat(rule.matches(S3ObjectCreated.put("b", S3Layout.sidecar(video), 10, "e", null).toEventBridgeJson())).isFalse();
        // a folder marker (the console's "Create folder") and any other empty object start nothing
        assertThat(rule.matches(S3ObjectCreated.put("b", S3Layout.VIDEOS_PREFIX + "talks/", 0, "e", null).toEventBridgeJson())).isFalse();
        assertThat(rule.matches(S3ObjectCreated.put("b", S3Layout.VIDEOS_PREFIX + "empty.mp4", 0, "e", null).toEventBridgeJson())).isFalse();
        assertThat(rule.matches(S3ObjectCreated.put("b", S3Layout.VIDEOS_PREFIX + "one-byte.mp4", 1, "e", null).toEventBridgeJson())).isTrue();
    }
}
