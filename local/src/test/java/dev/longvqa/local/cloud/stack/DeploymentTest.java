package dev.longvqa.local.cloud.stack;

import dev.longvqa.local.cloud.TestClouds;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.emulators.Dynalite;
import dev.longvqa.local.cloud.Emulators;
import dev.longvqa.local.cloud.LocalCloud;
import dev.longvqa.emulators.S3Mock;
import dev.longvqa.local.events.S3ObjectCreated;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The synthesized stack deployed on the emulators: every value compared below is read from the
 * template itself, so the test holds whatever names the stack settles on; and a template changed
 * after synthesis (a renamed key prefix, a renamed variable) changes what the local cloud does.
 */
class DeploymentTest {
    static final ObjectMapper JSON = Json.mapper();
    @TempDir
    static Path dir;
    static Dynalite dynamo;
    static Emulators.Sqs sqs;
    static S3Mock s3;
    static LocalCloud.EmulatorClients clients;
    static JsonNode template;

    @BeforeAll
    static void up() throws Exception {
        template = StackTemplate.read(SynthesizedStack.template());
        dynamo = Emulators.dynamoDb();
        sqs = Emulators.sqs();
        s3 = S3Mock.start(TestClouds.s3MockJar(), dir.resolve("s3"), Duration.ofSeconds(120));
        clients = LocalCloud.EmulatorClients.of(new LocalCloud.Endpoints(s3.endpoint(), dynamo.endpoint().toString(), sqs.endpoint(),
                null, null, null, null, null, null, null));
    }

    @AfterAll
    static void down() {
        if (clients != null) clients.close();
        if (s3 != null) s3.close();
        if (sqs != null) sqs.close();
        if (dynamo != null) dynamo.close();
    }

    static JsonNode ofType(JsonNode t, String type) {
        for (Iterator<Map.Entry<String, JsonNode>> it = t.path("Resources").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("Type").asText().equals(type)) return e.getValue().path("Properties");
        }
        throw new AssertionError("no " + type);
    }

    @Test
    void deploysWhatTheTemplateSays() {
        Deployment d = Deployment.deploy(template, clients.s3(), clients.dynamo(), clients.sqs());

        // the table's key schema as written
        Deployment.Table table = Deployment.single(d.tables(), "tables");
        TableDescription desc = clients.dynamo().describeTable(b -> b.tableName(table.name())).table();
        JsonNode keySchema = ofType(template, "AWS::DynamoDB::Table").path("KeySchema");
        assertThat(desc.keySchema()).hasSize(keySchema.size());
        assertThat(desc.keySchema().getFirst().attributeName()).isEqualTo(keySchema.get(0).path("AttributeName").asText());
        assertThat(table.ttlAttribute()).isEqualTo(ofType(template, "AWS::DynamoDB::Table").path("TimeToLiveSpecification").path("AttributeName").asText());

        // the queue with a redrive policy: its visibility timeout and its DLQ, as written
        Deployment.Queue work = d.queues().stream().filter(q -> q.attributes().containsKey("RedrivePolicy")).findFirst().orElseThrow();
        JsonNode workProps = template.path("Resources").path(work.logicalId()).path("Properties");
        Map<QueueAttributeName, String> attrs = clients.sqs().getQueueAttributes(b -> b.queueUrl(work.url())
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT, QueueAttributeName.REDRIVE_POLICY)).attributes();
        assertThat(attrs.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo(workProps.path("VisibilityTimeout").asText());
        String dlqId = workProps.path("RedrivePolicy").path("deadLetterTargetArn").path("Fn::GetAtt").get(0).asText();
        Deployment.Queue dlq = d.queues().stream().filter(q -> q.logicalId().equals(dlqId)).findFirst().orElseThrow();
        assertThat(attrs.get(QueueAttributeName.REDRIVE_POLICY)).contains(dlq.arn())
                .contains(workProps.path("RedrivePolicy").path("maxReceiveCount").asText());

        // functions: every variable resolved to a deployed name, memory and timeout as written
        Deployment.Bucket bucket = Deployment.single(d.buckets(), "buckets");
        assertThat(d.functions()).isNotEmpty().allSatisfy(fn -> {
            JsonNode p = template.path("Resources").path(fn.logicalId()).path("Properties");
            assertThat(fn.memoryMb()).isEqualTo(p.path("MemorySize").asInt());
            assertThat(fn.timeoutSec()).isEqualTo(p.path("Timeout").asInt());
            assertThat(fn.environment()).hasSize(p.path("Environment").path("Variables").size());
            assertThat(fn.environment().values()).allSatisfy(v -> assertThat(v).doesNotStartWith("{").doesNotContain("skipped/"));
            assertThat(fn.environment()).containsValue(bucket.name()).containsValue(table.name());
        });

        // the state machine: substitutions resolved to the deployed functions, queue and bucket
        // the workflow (started by the upload rule) and the answer-only machine (started by the API function)
        assertThat(d.stateMachines()).hasSize(2);
        Deployment.StateMachine sm = workflow(d);
        Deployment.StateMachine answer = d.stateMachines().stream().filter(m -> m != sm).findFirst().orElseThrow();
        assertThat(answer.definition()).contains("\"Answer\"").doesNotContain("DecodeRanges");
        assertThat(d.functions()).anySatisfy(fn -> assertThat(fn.environment()).containsValue(answer.arn()));
        // the owner index, queryable on dynalite
        assertThat(clients.dynamo().describeTable(b -> b.tableName(table.name())).table().globalSecondaryIndexes())
                .extracting(i -> i.indexName()).containsExactly(dev.longvqa.contract.JobRow.OWNER_INDEX);
        assertThat(sm.substitutions()).hasSize(ofType(template, "AWS::StepFunctions::StateMachine").path("DefinitionSubstitutions").size());
        // every function an ASL state invokes (the API function is invoked by API Gateway only)
        assertThat(sm.substitutions().values()).containsAll(d.functions().stream()
                .filter(fn -> !dev.longvqa.contract.Handler.API.handlerName().equals(fn.environment().get(dev.longvqa.contract.FunctionEnv.HANDLER.variable())))
                .map(Deployment.LambdaFunction::arn).toList())
                .contains(work.url(), bucket.name());

        // one rule starts the state machine on uploads (the whole event as input); the other sends
        // the machine's failed, timed-out and aborted executions to the record function, transformed
        assertThat(d.rules()).hasSize(2);
        Deployment.Rule rule = uploadRule(d);
        assertThat(rule.targetArns()).containsExactly(sm.arn());
        assertThat(rule.targets().getFirst().input()).isInstanceOf(TargetInput.WholeEvent.class);
        Deployment.Rule ended = d.rules().stream().filter(r -> r != rule).findFirst().orElseThrow();
        Deployment.LambdaFunction record = d.functions().stream().filter(f -> ended.targetArns().contains(f.arn())).findFirst().orElseThrow();
        assertThat(record.environment()).containsValue("record");
        Deployment.Target toRecord = Deployment.single(ended.targets(), "targets");
        assertThat(toRecord.input()).isInstanceOf(TargetInput.Transformer.class);
        assertThat(toRecord.deadLetterArn()).isIn(d.queues().stream().map(Deployment.Queue::arn).toList());
        assertThat(toRecord.maximumRetryAttempts()).isEqualTo(template.path("Resources").path(ended.logicalId()).path("Properties")
                .path("Targets").get(0).path("RetryPolicy").path("MaximumRetryAttempts").asInt());
        assertThat(ended.pattern().pattern().path("detail").path("stateMachineArn").get(0).asText()).isEqualTo(sm.arn());
        assertThat(Deployment.single(d.containers(), "containers").environment()).containsValue(work.url());
        assertThat(d.skipped()).extracting(Deployment.SkippedResource::type).contains("AWS::IAM::Role", "AWS::Logs::LogGroup");
    }

    @Test
    void aRenamedKeyPrefixAndARenamedVariableAreFollowed() throws Exception {
        ObjectNode changed = (ObjectNode) template.deepCopy();
        // another upload prefix in the rule, and the bucket variable of every function renamed
        for (Iterator<Map.Entry<String, JsonNode>> it = changed.path("Resources").fields(); it.hasNext(); ) {
            JsonNode r = it.next().getValue();
            JsonNode props = r.path("Properties");
            if (r.path("Type").asText().equals("AWS::Events::Rule")) {
                String text = props.path("EventPattern").toString().replace("\"prefix\":\"", "\"prefix\":\"renamed-");
                ((ObjectNode) props).set("EventPattern", JSON.readTree(text));
            }
            if (r.path("Type").asText().equals("AWS::S3::Bucket")) ((ObjectNode) props).put("BucketName", "renamed-bucket");
        }
        // fresh emulators' namespaces: the first deployment's queues and table already exist
        try (Dynalite dynamo2 = Emulators.dynamoDb(); Emulators.Sqs sqs2 = Emulators.sqs();
             LocalCloud.EmulatorClients c2 = LocalCloud.EmulatorClients.of(new LocalCloud.Endpoints(s3.endpoint(), dynamo2.endpoint().toString(),
                     sqs2.endpoint(), null, null, null, null, null, null, null))) {
            Deployment original = Deployment.deploy(template, c2.s3(), c2.dynamo(), c2.sqs());
            String prefix = uploadRule(original).pattern().pattern().path("detail").path("object").path("key").get(0).path("prefix").asText();
            String bucket = original.buckets().getFirst().name();
            S3ObjectCreated plain = S3ObjectCreated.put(bucket, prefix + "a.mp4", 1, "e", null);
            assertThat(uploadRule(original).pattern().matches(plain.toEventBridgeJson())).isTrue();
            assertThat(uploadRule(original).pattern().matches(S3ObjectCreated.put(bucket, "renamed-" + prefix + "a.mp4", 1, "e", null)
                    .toEventBridgeJson())).isFalse();

            try (Dynalite dynamo3 = Emulators.dynamoDb(); Emulators.Sqs sqs3 = Emulators.sqs();
                 LocalCloud.EmulatorClients c3 = LocalCloud.EmulatorClients.of(new LocalCloud.Endpoints(s3.endpoint(), dynamo3.endpoint().toString(),
                         sqs3.endpoint(), null, null, null, null, null, null, null))) {
                Deployment renamed = Deployment.deploy(changed, c3.s3(), c3.dynamo(), c3.sqs());
                Deployment.Rule rule = uploadRule(renamed);
                assertThat(renamed.buckets().getFirst().name()).isEqualTo("renamed-bucket");
                assertThat(c3.s3().listBuckets().buckets()).extracting(b -> b.name()).contains("renamed-bucket");
                // the rule's bucket reference and every function's bucket variable follow the renamed bucket
                assertThat(rule.pattern().matches(S3ObjectCreated.put("renamed-bucket", "renamed-" + prefix + "a.mp4", 1, "e", null)
                        .toEventBridgeJson())).isTrue();
                assertThat(rule.pattern().matches(S3ObjectCreated.put("renamed-bucket", prefix + "a.mp4", 1, "e", null)
                        .toEventBridgeJson())).isFalse();
                assertThat(renamed.functions()).allSatisfy(fn -> assertThat(fn.environment()).containsValue("renamed-bucket")
                        .doesNotContainValue(bucket));
                assertThat(workflow(renamed).substitutions()).containsValue("renamed-bucket");
            }
        }
    }

    /** The rule that starts the state machine (the template also has the execution-status rule). */
    static Deployment.StateMachine workflow(Deployment d) {
        return Deployment.single(d.stateMachines().stream()
                .filter(m -> d.rules().stream().anyMatch(r -> r.targetArns().contains(m.arn()))).toList(), "started state machines");
    }

    static Deployment.Rule uploadRule(Deployment d) {
        String machine = workflow(d).arn();
        return Deployment.single(d.rules().stream().filter(r -> r.targetArns().contains(machine)).toList(), "upload rules");
    }
}
