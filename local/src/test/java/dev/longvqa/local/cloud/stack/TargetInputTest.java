package dev.longvqa.local.cloud.stack;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.contract.RecordRequest;
import dev.longvqa.local.asl.ExecutionResult;
import dev.longvqa.local.asl.ExecutionStatus;
import dev.longvqa.local.asl.ExecutionStatusChange;
import dev.longvqa.local.events.S3ObjectCreated;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Target input rewriting against the EventBridge user guide's examples and the stack's own rule. */
class TargetInputTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");

    /** The EC2 state-change event of the user guide's input transformation page. */
    private static final String EC2 = """
            {"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602","detail-type":"EC2 Instance State-change Notification",
             "source":"aws.ec2","account":"123456789012","time":"2015-11-11T21:29:54Z","region":"us-east-1",
             "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
             "detail":{"instance-id":"i-0123456789","state":"RUNNING"}}""";

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static JsonNode transform(String template, JsonNode event) throws Exception {
        TargetInput t = TargetInput.of(json("""
                {"Arn":"x","InputTransformer":{"InputPathsMap":{"instance":"$.detail.instance-id","state":"$.detail.state",
                 "resource":"$.resources[0]","nothing":"$.detail.absent"},"InputTemplate":%s}}""".formatted(JSON.writeValueAsString(template))));
        return t.apply(event, "arn:aws:events:us-east-1:123456789012:rule/r", "r", NOW);
    }

    @Test
    void stringValuesAreQuotedOutsideStringsAndInsertedAsTextInside() throws Exception {
        JsonNode ec2 = json(EC2);
        assertThat(transform("{\"instance\": <instance>, \"state\": [9, <state>, true], \"transformed\": \"Yes\"}", ec2))
                .isEqualTo(json("{\"instance\":\"i-0123456789\",\"state\":[9,\"RUNNING\",true],\"transformed\":\"Yes\"}"));
        assertThat(transform("\"instance <instance> is in <state>\"", ec2).asText()).isEqualTo("instance i-0123456789 is in RUNNING");
        assertThat(transform("{\"myInstance\": <instance>,\"myStatus\": \"<instance> is in state \\\"<state>\\\"\"}", ec2))
                .isEqualTo(json("{\"myInstance\":\"i-0123456789\",\"myStatus\":\"i-0123456789 is in state \\\"RUNNING\\\"\"}"));
        // not JSON at all: delivered as the text
        assertThat(transform("<instance> is in state <state>", ec2).asText()).isEqualTo("i-0123456789 is in state RUNNING");
    }

    @Test
    void objectsArraysAndMissingPathsAndPredefinedVariables() throws Exception {
        JsonNode ec2 = json(EC2);
        assertThat(transform("{\"r\": <resource>, \"gone\": <nothing>, \"in\": \"[<nothing>]\"}", ec2))
                .isEqualTo(json("{\"r\":\"arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111\",\"gone\":null,\"in\":\"[]\"}"));
        JsonNode out = transform("{\"rule\": <aws.events.rule-name>, \"arn\": \"<aws.events.rule-arn>\", \"at\": <aws.events.event.ingestion-time>,"
                + " \"all\": <aws.events.event.json>, \"bare\": <aws.events.event>, \"text\": \"a <b> c\"}", ec2);
        assertThat(out.get("rule").asText()).isEqualTo("r");
        assertThat(out.get("arn").asText()).isEqualTo("arn:aws:events:us-east-1:123456789012:rule/r");
        assertThat(out.get("at").asText()).isEqualTo(NOW.toString());
        assertThat(out.get("all")).isEqualTo(ec2);
        assertThat(out.get("bare").has("detail")).isFalse();
        assertThat(out.get("bare").get("source").asText()).isEqualTo("aws.ec2");
        assertThat(out.get("text").asText()).as("an unknown <name> is text").isEqualTo("a <b> c");
        // a JSON value inside a string is its text, escaped
        JsonNode nested = transform("{\"s\": \"<resource>\"}", json("{\"resources\":[{\"a\":\"q\\\"\"}]}"));
        assertThat(nested.get("s").asText()).isEqualTo("{\"a\":\"q\\\"\"}");
    }

    @Test
    void constantInputAndInputPath() throws Exception {
        JsonNode ec2 = json(EC2);
        assertThat(TargetInput.of(json("{\"Arn\":\"x\",\"Input\":\"{\\\"a\\\":[1,2]}\"}")).apply(ec2, "a", "r", NOW)).isEqualTo(json("{\"a\":[1,2]}"));
        assertThat(TargetInput.of(json("{\"Arn\":\"x\",\"InputPath\":\"$.detail\"}")).apply(ec2, "a", "r", NOW)).isEqualTo(ec2.get("detail"));
        assertThat(TargetInput.of(json("{\"Arn\":\"x\",\"InputPath\":\"$.resources[0]\"}")).apply(ec2, "a", "r", NOW).asText()).endsWith("i-abcd1111");
        assertThat(TargetInput.of(json("{\"Arn\":\"x\"}")).apply(ec2, "a", "r", NOW)).isSameAs(ec2);
    }

    @Test
    void whatEventBridgeRefusesIsRefusedAtLoad() {
        assertThatThrownBy(() -> TargetInput.of(json("{\"Arn\":\"x\",\"InputPath\":\"$['detail']\"}"))).hasMessageContaining("not supported");
        assertThatThrownBy(() -> TargetInput.of(json("{\"Arn\":\"x\",\"Input\":\"{}\",\"InputPath\":\"$\"}"))).hasMessageContaining("more than one");
        assertThatThrownBy(() -> TargetInput.of(json("{\"Arn\":\"x\",\"Input\":\"{not json\"}"))).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> TargetInput.of(json("{\"Arn\":\"x\",\"InputTransformer\":{\"InputPathsMap\":{\"aws.x\":\"$\"},\"InputTemplate\":\"1\"}}")))
                .hasMessageContaining("reserved");
    }

    /**
     * The stack's execution-status rule, as synthesized, over the event the local executor emits for
     * a stopped execution: the record function's own request type reads what the transformer gives.
     */
    @Test
    void theStacksExecutionEndedRuleGivesTheRecordFunctionItsRequest() throws Exception {
        JsonNode template = StackTemplate.read(SynthesizedStack.template());
        JsonNode target = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = template.path("Resources").fields(); it.hasNext(); ) {
            JsonNode r = it.next().getValue();
            if (r.path("Type").asText().equals("AWS::Events::Rule")
                    && r.path("Properties").path("EventPattern").path("source").toString().contains("aws.states")) {
                target = r.path("Properties").path("Targets").get(0);
            }
        }
        assertThat(target).as("the stack's aws.states rule").isNotNull();
        TargetInput input = TargetInput.of(target);
        assertThat(input).isInstanceOf(TargetInput.Transformer.class);

        JsonNode s3Event = S3ObjectCreated.put("bucket", "videos/a.mp4", 10, "etag", null).toEventBridgeJson();
        String machine = "arn:aws:states:us-east-1:000000000000:stateMachine:m";
        ExecutionResult aborted = new ExecutionResult(machine.replace("stateMachine", "execution") + ":e1", "e1", ExecutionStatus.ABORTED,
                s3Event, null, "Local.Stop", "stopped by the operator \"now\"", NOW, NOW.plusSeconds(3));
        JsonNode event = ExecutionStatusChange.event(aborted, machine, "us-east-1", "000000000000");
        assertThat(event.path("detail").path("input").isTextual()).as("input is JSON text, as on AWS").isTrue();

        JsonNode out = input.apply(event, "arn:aws:events:us-east-1:000000000000:rule/x", "x", NOW);
        RecordRequest req = JSON.treeToValue(out, RecordRequest.class);
        assertThat(req.outcome()).isEqualTo("FAILED");
        assertThat(req.jobId()).isNull();
        assertThat(JSON.readTree(req.executionInput())).isEqualTo(JSON.readTree(s3Event.toString()));
        assertThat(req.error().error()).isEqualTo("ABORTED");
        assertThat(req.error().cause()).isEqualTo("stopped by the operator \"now\"");

        // an execution stopped with no cause: AWS's detail.cause is null, and so is the request's
        ExecutionResult bare = new ExecutionResult(aborted.executionArn(), "e1", ExecutionStatus.ABORTED, s3Event, null, null, null, NOW, NOW);
        RecordRequest noCause = JSON.treeToValue(input.apply(ExecutionStatusChange.event(bare, machine, "us-east-1", "000000000000"), "a", "x", NOW),
                RecordRequest.class);
        assertThat(noCause.error().cause()).isNull();
        assertThat(noCause.error().error()).isEqualTo("ABORTED");
    }
}
