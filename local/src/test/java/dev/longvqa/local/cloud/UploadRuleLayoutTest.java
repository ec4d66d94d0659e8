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
        List<JsonNode> keyFilters = new ArrayList<>();
        template.get("Resources").forEach(r -> {
            JsonNode p = r.at("/Properties/EventPattern");
            if (r.path("Type").asText().equals("AWS::Events::Rule") && p.at("/source/0").asText().equals("aws.s3")) {
                keyFilters.add(p.at("/detail/object/key"));
            }
        });
        assertThat(keyFilters).hasSize(1);
        // only the key part: the bucket name is a reference a deployment resolves
        ObjectNode keyOnly = Json.mapper().createObjectNode();
        keyOnly.putObject("detail").putObject("object").set("key", keyFilters.getFirst());
        EventPattern rule = new EventPattern(keyOnly);

        String video = S3Layout.VIDEOS_PREFIX + "talk.mp4";
        assertThat(rule.matches(S3ObjectCreated.put("b", video, 10, "e", null).toEventBridgeJson())).isTrue();
        assertThat(rule.matches(S3ObjectCreated.put("b", S3Layout.sidecar(video), 10, "e", null).toEventBridgeJson())).isFalse();
    }
}
