package dev.longvqa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.Handler;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.WorkerEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized template of the default configuration. Synth takes seconds, so it happens once
 * for the class; each test reads the template. Code and image are pinned to the placeholders so
 * the result does not depend on whether functions/ or gpu-worker/ happen to be built.
 */
class LongVqaStackTest {

  private static final Path REPO = InfraConfig.findRepoRoot(Path.of(""));
  private static LongVqaApp app;
  private static Template template;
  private static JsonNode resources;

  /** The default configuration, code and image pinned to the placeholders, synthesized into infra/target/cdk-test/{@code name}. */
  static InfraConfig placeholderConfig(String name) {
    return InfraConfig.builder(REPO)
        .outdir(REPO.resolve("infra/target/cdk-test/" + name))
        .functionCode(REPO.resolve(FunctionCode.PLACEHOLDER_DIR))
        .workerImage(WorkerImage.PLACEHOLDER_URI)
        .allowPlaceholders(true)
        .build();
  }

  @BeforeAll
  static void synth() {
    app = LongVqaApp.create(placeholderConfig("default"));
    template = Template.fromStack(app.stack());
    resources = dev.longvqa.contract.Json.mapper().valueToTree(template.toJSON()).get("Resources");
  }

  private static List<JsonNode> ofType(String type) {
    List<JsonNode> found = new ArrayList<>();
    resources.properties().forEach(e -> {
      if (e.getValue().get("Type").asText().equals(type)) found.add(e.getValue());
    });
    return found;
  }

  private static String logicalId(String type, String idPrefix) {
    return resources.properties().stream()
        .filter(e -> e.getValue().get("Type").asText().equals(type) && e.getKey().startsWith(idPrefix))
        .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no " + type + " " + idPrefix));
  }

  @Test
  void bucketIsPrivateEncryptedVersionedAndSendsEventsToEventBridge() {
    template.resourceCountIs("AWS::S3::Bucket", 1);
    template.hasResourceProperties("AWS::S3::Bucket", Map.of(
        "PublicAccessBlockConfiguration", Map.of(
            "BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
            "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
        "VersioningConfiguration", Map.of("Status", "Enabled"),
        "NotificationConfiguration", Map.of("EventBridgeConfiguration", Map.of("EventBridgeEnabled", true)),
        "LifecycleConfiguration", Map.of("Rules", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Prefix", "jobs/", "ExpirationInDays", 30, "Status", "Enabled")))))));
    // Native EventBridge notifications: no custom-resource Lambda configures them.
    template.resourceCountIs("Custom::S3BucketNotifications", 0);
  }

  @Test
  void bucketPolicyDeniesRequestsWithoutTls() {
    template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of(
        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Effect", "Deny",
            "Principal", Map.of("AWS", "*"),
            "Action", "s3:*",
            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
  }

  @Test
  void jobsTableIsKeyedByJobIdWithPointInTimeRecovery() {
    template.hasResourceProperties("AWS::DynamoDB::Table", Map.of(
        "KeySchema", List.of(Map.of("AttributeName", "jobId", "KeyType", "HASH")),
        // the job id, and the API's owner index keys (ApiStackTest)
        "AttributeDefinitions", List.of(Map.of("AttributeName", "jobId", "AttributeType", "S"),
            Map.of("AttributeName", "owner", "AttributeType", "S"), Map.of("AttributeName", "createdAt", "AttributeType", "S")),
        "BillingMode", "PAY_PER_REQUEST",
        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
        "TimeToLiveSpecification", Map.of("AttributeName", Storage.TTL_ATTRIBUTE, "Enabled", true)));
    template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Retain"));
    template.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
  }

  @Test
  void uploadsUnderVideosStartTheStateMachine() {
    String bucket = logicalId("AWS::S3::Bucket", "StorageBucket");
    String stateMachine = logicalId("AWS::StepFunctions::StateMachine", "WorkflowStateMachine");
    template.hasResourceProperties("AWS::Events::Rule", Map.of(
        "EventPattern", Map.of(
            "source", List.of("aws.s3"),
            "detail-type", List.of("Object Created"),
            "detail", Map.of(
                "bucket", Map.of("name", List.of(Map.of("Ref", bucket))),
                // folder markers and other empty objects are 0 bytes: they start nothing
                "object", Map.of("key", List.of(Map.of("prefix", "videos/")),
                    "size", List.of(Map.of("numeric", List.of(">", 0)))))),
        "Targets", List.of(Match.objectLike(Map.of(
            "Arn", Map.of("Ref", stateMachine),
            "DeadLetterConfig", Match.objectLike(Map.of())))),
        "State", "ENABLED"));
  }

  /**
   * The seam between the layout and the rule: a questions sidecar's upload must start no execution.
   * Evaluated on the synthesized pattern's key filters (infra cannot see local's EventBridge matcher:
   * local depends on infra); a filter this check does not know fails it rather than passing unread.
   */
  @Test
  void theUploadRuleMatchesAVideoButNotItsQuestionsSidecar() {
    JsonNode keyFilters = ofType("AWS::Events::Rule").stream()
        .map(r -> r.at("/Properties/EventPattern"))
        .filter(p -> p.at("/source/0").asText().equals("aws.s3"))
        .findFirst().orElseThrow().at("/detail/object/key");
    String video = S3Layout.VIDEOS_PREFIX + "talk.mp4";
    assertThat(uploadRuleMatches(keyFilters, video)).isTrue();
    assertThat(uploadRuleMatches(keyFilters, S3Layout.sidecar(video))).isFalse();
    assertThat(S3Layout.sidecar(video)).isEqualTo("questions/talk.mp4.json");
    assertThat(uploadRuleMatches(keyFilters, S3Layout.scenes("0123456789abcdef0123456789abcdef"))).isFalse();
  }

  /** EventBridge semantics for a list of string filters: any one matching matches. */
  private static boolean uploadRuleMatches(JsonNode filters, String key) {
    assertThat(filters.isArray() && !filters.isEmpty()).as(filters.toString()).isTrue();
    boolean any = false;
    for (JsonNode f : filters) {
      if (f.isTextual()) {
        any |= f.asText().equals(key);
      } else if (f.size() == 1 && f.has("prefix") && f.get("prefix").isTextual()) {
        any |= key.startsWith(f.get("prefix").asText());
      } else {
        throw new AssertionError("a key filter this test does not evaluate: " + f);
      }
    }
    return any;
  }

  @Test
  void registerReadsUploadsAndTheirQuestionsAndNothingElse() {
    String bucket = logicalId("AWS::S3::Bucket", "StorageBucket");
    String role = logicalId("AWS::IAM::Role", "WorkflowRegister");
    List<String> readable = new ArrayList<>();
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      if (!policy.at("/Properties/Roles").toString().contains("\"" + role + "\"")) continue;
      for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
        if (!st.get("Action").toString().contains("s3:GetObject")) continue;
        for (JsonNode r : st.get("Resource")) {
          // {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/videos/*"]]}
          JsonNode parts = r.at("/Fn::Join/1");
          if (parts.at("/0/Fn::GetAtt/0").asText().equals(bucket)) readable.add(parts.get(1).asText());
        }
      }
    }
    assertThat(readable).containsExactlyInAnyOrder(
        "/" + S3Layout.VIDEOS_PREFIX + "*", "/" + S3Layout.QUESTIONS_PREFIX + "*");
  }

  @Test
  void stateMachineDeploysTheAslFileVerbatimWithEveryDocumentedSubstitution() throws Exception {
    String file = Files.readString(REPO.resolve(InfraConfig.ASL_FILE));
    JsonNode sm = ofType("AWS::StepFunctions::StateMachine").getFirst().get("Properties");
    JsonNode definition = sm.get("DefinitionString");
    assertThat(definition.isTextual()).as("a literal string, not an Fn::Join of tokens").isTrue();
    assertThat(definition.asText()).isEqualTo(file);
    assertThat(sm.get("StateMachineType").asText()).isEqualTo("STANDARD");
    assertThat(sm.at("/TracingConfiguration/Enabled").asBoolean()).isTrue();
    assertThat(sm.at("/LoggingConfiguration/Level").asText()).isEqualTo("ALL");

    JsonNode subs = sm.get("DefinitionSubstitutions");
    Set<String> keys = new TreeSet<>();
    subs.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isEqualTo(new TreeSet<>(AslDefinition.SUBSTITUTIONS));
    for (StageFunction stage : StageFunction.values()) {
      String fn = logicalId("AWS::Lambda::Function", "Workflow" + stage.constructId());
      assertThat(subs.at("/" + stage.placeholder + "/Fn::GetAtt/0").asText()).as(stage.placeholder).isEqualTo(fn);
      assertThat(subs.at("/" + stage.placeholder + "/Fn::GetAtt/1").asText()).isEqualTo("Arn");
    }
    assertThat(subs.at("/TaskQueueUrl/Ref").asText()).isEqualTo(logicalId("AWS::SQS::Queue", "GpuWorkersTaskQueue"));
    assertThat(subs.at("/BucketName/Ref").asText()).isEqualTo(logicalId("AWS::S3::Bucket", "StorageBucket"));
    assertThat(subs.at("/JobsTableName/Ref").asText()).isEqualTo(logicalId("AWS::DynamoDB::Table", "StorageJobs"));
    assertThat(subs.at("/TranscriptSource").asText()).as("the default stack transcribes with Amazon Transcribe").isEqualTo("transcribe");
  }

  @Test
  void fiveQuarkusLambdasEachSelectTheirHandlerAndLogWithRetention() {
    // the five stages, and the API (ApiStackTest), all from the one function.zip
    List<JsonNode> functions = ofType("AWS::Lambda::Function");
    assertThat(functions).hasSize(6);
    Map<String, JsonNode> byHandler = new HashMap<>();
    for (JsonNode fn : functions) {
      if (fn.at("/Properties/Environment/Variables/" + FunctionEnv.HANDLER.variable()).asText().equals(Handler.API.handlerName())) continue;
      JsonNode p = fn.get("Properties");
      assertThat(p.get("Runtime").asText()).isEqualTo("java21");
      assertThat(p.get("Handler").asText()).isEqualTo(Handler.LAMBDA_HANDLER);
      assertThat(p.at("/LoggingConfig/LogGroup/Ref").asText()).as("own log group").isNotEmpty();
      byHandler.put(p.at("/Environment/Variables/" + FunctionEnv.HANDLER.variable()).asText(), p);
      Set<String> names = new TreeSet<>();
      p.at("/Environment/Variables").fieldNames().forEachRemaining(names::add);
      assertThat(names).as("what the functions read (FunctionEnv)").containsExactlyInAnyOrder(
          FunctionEnv.HANDLER.variable(), FunctionEnv.BUCKET.variable(), FunctionEnv.TABLE.variable());
    }
    assertThat(byHandler).containsOnlyKeys("register", "plan", "decode-range", "segment", "record");
    JsonNode decode = byHandler.get("decode-range");
    assertThat(decode.get("MemorySize").asInt()).isEqualTo(3008);
    assertThat(decode.get("Timeout").asInt()).isEqualTo(900);
    assertThat(decode.at("/EphemeralStorage/Size").asInt()).isGreaterThanOrEqualTo(2048);

    for (JsonNode logGroup : ofType("AWS::Logs::LogGroup")) {
      assertThat(logGroup.at("/Properties/RetentionInDays").asInt()).as(logGroup.toString()).isPositive();
    }
  }

  @Test
  void taskQueueIsEncryptedAndRedrivesToADeadLetterQueue() {
    String dlq = logicalId("AWS::SQS::Queue", "GpuWorkersTaskDlq");
    template.hasResourceProperties("AWS::SQS::Queue", Map.of(
        "SqsManagedSseEnabled", true,
        "RedrivePolicy", Map.of(
            "deadLetterTargetArn", Map.of("Fn::GetAtt", List.of(dlq, "Arn")),
            "maxReceiveCount", 3)));
    for (JsonNode q : ofType("AWS::SQS::Queue")) {
      assertThat(q.at("/Properties/SqsManagedSseEnabled").asBoolean()).isTrue();
    }
  }

  @Test
  void gpuWorkersRunOnGpuInstancesAndScaleFromZeroOnTheBacklog() {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", Map.of(
        "ContainerDefinitions", List.of(Match.objectLike(Map.of(
            "ResourceRequirements", List.of(Map.of("Type", "GPU", "Value", "1")),
            "Environment", Match.arrayWith(List.of(Map.of("Name", WorkerEnv.TASK_QUEUE_URL.variable(),
                "Value", Map.of("Ref", logicalId("AWS::SQS::Queue", "GpuWorkersTaskQueue")))))))),
        "RequiresCompatibilities", List.of("EC2")));
    template.hasResourceProperties("AWS::AutoScaling::AutoScalingGroup", Map.of("MinSize", "0", "MaxSize", "2"));
    template.hasResourceProperties("AWS::EC2::LaunchTemplate", Map.of("LaunchTemplateData", Match.objectLike(Map.of(
        "InstanceType", "g5.xlarge",
        "MetadataOptions", Match.objectLike(Map.of("HttpTokens", "required"))))));
    // The ECS-optimized GPU AMI, resolved from its public SSM parameter at deploy time.
    JsonNode parameters = dev.longvqa.contract.Json.mapper().valueToTree(template.toJSON()).get("Parameters");
    assertThat(parameters.toString()).contains("/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id");
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", Map.of("MinCapacity", 0, "MaxCapacity", 2));
    template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalingPolicy", Map.of(
        "PolicyType", "StepScaling",
        "StepScalingPolicyConfiguration", Match.objectLike(Map.of("AdjustmentType", "ExactCapacity"))));
    template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Metrics", Match.arrayWith(List.of(
        Match.objectLike(Map.of("Expression", "visible + inflight"))))));
  }

  @Test
  void alarmsWatchDeadLettersBacklogAgeExecutionsAndIdleWorkers() {
    List<String> alarms = new ArrayList<>();
    for (JsonNode a : ofType("AWS::CloudWatch::Alarm")) alarms.add(a.toString());
    String dlq = logicalId("AWS::SQS::Queue", "GpuWorkersTaskDlq");
    String eventsDlq = logicalId("AWS::SQS::Queue", "WorkflowUploadEventsDlq");
    assertThat(alarms).anyMatch(a -> a.contains("ApproximateNumberOfMessagesVisible") && a.contains(dlq));
    assertThat(alarms).anyMatch(a -> a.contains("ApproximateNumberOfMessagesVisible") && a.contains(eventsDlq));
    assertThat(alarms).anyMatch(a -> a.contains("ApproximateAgeOfOldestMessage"));
    for (String m : List.of("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")) {
      assertThat(alarms).anyMatch(a -> a.contains("\"MetricName\":\"" + m + "\""));
    }
    assertThat(alarms).anyMatch(a -> a.contains("RunningTaskCount") && a.contains("(visible + inflight) == 0"));
  }

  @Test
  void executionsThatEndWithoutTheirCatchAreRecordedByARuleOnTheirStatus() {
    String record = logicalId("AWS::Lambda::Function", "WorkflowRecord");
    template.hasResourceProperties("AWS::Events::Rule", Map.of(
        "EventPattern", Map.of(
            "source", List.of("aws.states"),
            "detail-type", List.of("Step Functions Execution Status Change"),
            "detail", Map.of("status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                "stateMachineArn", List.of(Map.of("Ref", logicalId("AWS::StepFunctions::StateMachine", "WorkflowStateMachine"))))),
        "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt", List.of(record, "Arn")))))));
  }

  @Test
  void workersMayProtectTheirOwnClustersTasksFromScaleIn() {
    String cluster = logicalId("AWS::ECS::Cluster", "GpuWorkersCluster");
    List<String> statements = new ArrayList<>();
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
        if (st.get("Action").toString().contains("ecs:UpdateTaskProtection")) statements.add(st.get("Resource").toString());
      }
    }
    assertThat(statements).hasSize(1);
    assertThat(statements.get(0)).contains(":task/").contains(cluster);
  }

  @Test
  void theDefaultModelIsBedrockWithInvokeOnExactlyThatModel() {
    JsonNode worker = ofType("AWS::ECS::TaskDefinition").get(0).at("/Properties/ContainerDefinitions/0");
    Map<String, String> env = new HashMap<>();
    worker.get("Environment").forEach(kv -> env.put(kv.get("Name").asText(), kv.get("Value").toString()));
    assertThat(env.get(WorkerEnv.LLM.variable())).isEqualTo("\"" + ModelProvision.DEFAULT + "\"");
    assertThat(env).containsKeys(WorkerEnv.TASK_QUEUE_URL.variable(), WorkerEnv.BUCKET.variable(),
        WorkerEnv.TABLE.variable(), WorkerEnv.AWS_REGION.variable());
    List<String> bedrock = new ArrayList<>();
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
        if (st.get("Action").toString().contains("bedrock:")) {
          assertThat(st.get("Action").asText()).isEqualTo("bedrock:InvokeModel");
          bedrock.add(st.get("Resource").toString());
        }
      }
    }
    assertThat(bedrock).hasSize(1);
    assertThat(bedrock.get(0)).contains(":bedrock:").contains("::foundation-model/amazon.nova-lite-v1:0").doesNotContain("*");
  }

  @Test
  void workersMayAnswerTasksOfThisStateMachineOnly() {
    String stateMachine = logicalId("AWS::StepFunctions::StateMachine", "WorkflowStateMachine");
    template.hasResourceProperties("AWS::IAM::Policy", Map.of(
        "Roles", List.of(Map.of("Ref", logicalId("AWS::IAM::Role", "GpuWorkersTaskTaskRole"))),
        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Action", List.of("states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"),
            "Resource", Map.of("Ref", stateMachine))))))));
  }

  @Test
  void noPolicyGrantsAllActionsOrAWholeServiceAndDataActionsNameTheirResources() {
    Set<String> dataServices = Set.of("s3", "dynamodb", "sqs", "states", "lambda");
    int statements = 0;
    for (String type : List.of("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy")) {
      for (JsonNode policy : ofType(type)) {
        for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
          statements++;
          List<String> actions = new ArrayList<>();
          (st.get("Action").isArray() ? st.get("Action") : List.of(st.get("Action"))).forEach(a -> actions.add(a.asText()));
          boolean deny = st.get("Effect").asText().equals("Deny");
          for (String action : actions) {
            assertThat(action).as(st.toString()).isNotEqualTo("*");
            if (!deny) assertThat(action).as(st.toString()).doesNotEndWith(":*");
            if (!deny && dataServices.contains(action.substring(0, action.indexOf(':')))) {
              assertThat(st.get("Resource").toString()).as(st.toString()).isNotEqualTo("\"*\"");
            }
          }
        }
      }
    }
    assertThat(statements).isGreaterThan(20);
  }

  @Test
  void cdkNagAwsSolutionsReportsNothingUnsuppressedAndEverySuppressionHasAReason() {
    List<?> errors = Annotations.fromStack(app.stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    List<?> warnings = Annotations.fromStack(app.stack()).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    // the findings themselves, not their proxies' names, when this fails
    java.util.function.Function<List<?>, List<String>> shown = l -> l.stream()
        .map(m -> (software.amazon.awscdk.cxapi.SynthesisMessage) m)
        .map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    assertThat(shown.apply(errors)).as("unsuppressed cdk-nag errors").isEmpty();
    assertThat(shown.apply(warnings)).as("unsuppressed cdk-nag warnings").isEmpty();

    List<JsonNode> suppressions = new ArrayList<>();
    resources.properties().forEach(e -> e.getValue().at("/Metadata/cdk_nag/rules_to_suppress").forEach(suppressions::add));
    assertThat(suppressions).as("suppressions exist and are visible in the template").isNotEmpty();
    for (JsonNode s : suppressions) {
      assertThat(s.get("reason").asText()).as(s.toString()).hasSizeGreaterThan(40);
    }
  }
}
