package dev.longvqa.local.asl;

import static dev.longvqa.local.asl.JsonPathTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PayloadTemplateTest {
    final JsonNode ctx;

    PayloadTemplateTest() throws Exception {
        ctx = json("{\"Execution\": {\"Id\": \"arn:exec:1\", \"Name\": \"job-1\"}, \"Map\": {\"Item\": {\"Index\": 2, \"Value\": {\"k\": \"v\"}}}}");
    }

    @Test
    void parametersExampleFromTheSpec() throws Exception {
        // states-language.net "Parameters": static values, paths, a slice
        JsonNode template = json("{\"flagged\": true, \"parts\": {\"first.$\": \"$.vals[0]\", \"last3.$\": \"$.vals[-3:]\"}}");
        JsonNode out = PayloadTemplate.apply(template, json("{\"flagged\": 7, \"vals\": [0, 10, 20, 30, 40, 50]}"), ctx);
        assertThat(out).isEqualTo(json("{\"flagged\": true, \"parts\": {\"first\": 0, \"last3\": [30, 40, 50]}}"));
    }

    @Test
    void templateReadsTheContextObjectAlsoInsideArrays() throws Exception {
        JsonNode template = json("{\"exec.$\": \"$$.Execution.Id\", \"item.$\": \"$$.Map.Item.Value\", \"idx.$\": \"$$.Map.Item.Index\","
                + " \"list\": [{\"name.$\": \"$$.Execution.Name\"}]}");
        assertThat(PayloadTemplate.apply(template, json("{}"), ctx)).isEqualTo(json(
                "{\"exec\": \"arn:exec:1\", \"item\": {\"k\": \"v\"}, \"idx\": 2, \"list\": [{\"name\": \"job-1\"}]}"));
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
    void unsupportedOrMisplacedIntrinsicFunctionsAreRefusedWhenTheDefinitionLoads() throws Exception {
        for (String field : new String[] {"\"Parameters\": {\"a\": [{\"m.$\": \"States.Hash($.x, 'MD5')\"}]}",
                "\"ResultSelector\": {\"u.$\": \"States.UUID()\"}", "\"OutputPath\": \"States.ArrayLength($.l)\"",
                "\"Parameters\": {\"m.$\": \"States.Format('{}', $.x\"}"}) {
            JsonNode def = json("{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \"Resource\": \"arn:x\", "
                    + field + ", \"End\": true}}}");
            assertThatThrownBy(() -> StateMachineDefinition.parse(def)).as(field)
                    .isInstanceOf(StateMachineDefinition.InvalidDefinitionException.class)
                    .hasMessageContaining("intrinsic function");
        }
    }

    @Test
    void theIntrinsicFunctionsTheWorkflowUsesEvaluateAsTheServiceDoes() throws Exception {
        // the Transcribe branch: the job's output key, its poll counter, a warning set for DynamoDB
        JsonNode template = json("""
                {"key.$": "States.Format('jobs/{}/transcript-aws.json', $.jobId)",
                 "uri.$": "States.Format('s3://{}/{}', $.video.bucket, $.video.key)",
                 "n.$": "States.MathAdd($.polls.n, 1)",
                 "ss.$": "States.Array(States.Format('speech skipped: {} ({})', $.err.Error, $.exec))",
                 "esc.$": "States.Format('a \\\\{\\\\} b \\\\'{}\\\\'', $.polls.n)",
                 "obj.$": "States.StringToJson($.raw)", "txt.$": "States.JsonToString($.polls)"}""");
        JsonNode data = json("""
                {"jobId": "abc", "video": {"bucket": "b", "key": "videos/x y.mp4"}, "polls": {"n": 41},
                 "err": {"Error": "Transcribe.BadRequestException"}, "exec": "e-1", "raw": "{\\"a\\": [1]}"}""");
        assertThat(PayloadTemplate.apply(template, data, ctx)).isEqualTo(json("""
                {"key": "jobs/abc/transcript-aws.json", "uri": "s3://b/videos/x y.mp4", "n": 42,
                 "ss": ["speech skipped: Transcribe.BadRequestException (e-1)"], "esc": "a {} b '41'",
                 "obj": {"a": [1]}, "txt": "{\\"n\\":41}"}"""));
        assertThatThrownBy(() -> PayloadTemplate.apply(json("{\"n.$\": \"States.MathAdd($.s, 1)\"}"), json("{\"s\": \"x\"}"), ctx))
                .isInstanceOfSatisfying(StatesError.class, e -> assertThat(e.error()).isEqualTo("States.Runtime"));
    }
}
