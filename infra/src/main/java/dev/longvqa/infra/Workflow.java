package dev.longvqa.infra;

import dev.longvqa.contract.AslSubstitution;
import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.Handler;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.events.targets.SfnStateMachineProps;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The workflow: the state machine deployed from {@code statemachine/longvqa.asl.json} as written,
 * the five stage Lambdas it invokes, and the EventBridge rule that starts it for each upload under
 * {@code videos/}.
 */
final class Workflow extends Construct {

  private final Map<StageFunction, Function> functions = new EnumMap<>(StageFunction.class);
  private final StateMachine stateMachine;
  private final Rule uploadRule;
  private final Queue eventsDlq;
  private final Rule executionEndedRule;
  private final Map<String, String> substitutions;

  public Workflow(Construct scope, String id, InfraConfig config, Storage storage, IQueue taskQueue) {
    super(scope, id);
    String bucketName = storage.bucket().getBucketName();
    String tableName = storage.jobsTable().getTableName();

    FunctionCode code = FunctionCode.resolve(config);
    for (StageFunction stage : StageFunction.values()) {
      functions.put(stage, stageFunction(stage, code, bucketName, tableName));
    }
    grantStageAccess(storage);

    AslDefinition asl = AslDefinition.read(config.aslFile());
    substitutions = substitutions(bucketName, tableName, taskQueue.getQueueUrl(), config);
    Set<String> unfilled = new TreeSet<>(asl.placeholders());
    unfilled.removeAll(substitutions.keySet());
    if (!unfilled.isEmpty()) {
      throw new IllegalStateException(asl.file() + " uses placeholders the stack does not fill: " + unfilled);
    }

    stateMachine = StateMachine.Builder.create(this, "StateMachine")
        // Standard, not Express: waitForTaskToken and runs longer than five minutes.
        .stateMachineType(StateMachineType.STANDARD)
        .definitionBody(DefinitionBody.fromString(asl.text()))
        .definitionSubstitutions(substitutions)
        .logs(LogOptions.builder()
            .destination(logGroup("StateMachineLogs"))
            .level(LogLevel.ALL)
            // The state only carries ids, keys and questions: cheap to log, useful to debug.
            .includeExecutionData(true)
            .build())
        .tracingEnabled(true)
        .build();
    // The definition is opaque text to CDK, so it cannot infer what the workflow calls: grant it.
    functions.values().forEach(fn -> fn.grantInvoke(stateMachine));
    taskQueue.grantSendMessages(stateMachine);
    Transcription.grant(stateMachine, storage, config.transcripts());
    Nag.acceptOnly(stateMachine.getRole(), "AwsSolutions-IAM5",
        "lambda:InvokeFunction on <function ARN>:* comes from grantInvoke and covers the function's "
            + "versions and aliases only; Resource * is what X-Ray tracing and CloudWatch Logs delivery "
            + "require (their actions have no resource-level permissions).",
        "Resource::*", "/^Resource::<Workflow[A-Za-z]+[0-9A-F]{8}\\.Arn>:\\*$/");

    // Events EventBridge could not deliver (e.g. throttled StartExecution after retries) land here.
    eventsDlq = Queue.Builder.create(this, "UploadEventsDlq")
        .encryption(QueueEncryption.SQS_MANAGED)
        .enforceSsl(true)
        .retentionPeriod(Duration.days(14))
        .build();
    Nag.accept(eventsDlq, "AwsSolutions-SQS3",
        "This queue is itself a dead-letter queue: the EventBridge rule target's DLQ, which cdk-nag "
            + "does not recognise (it only sees SQS redrive policies).");
    uploadRule = Rule.Builder.create(this, "UploadRule")
        .description("Starts the longvqa workflow for each video uploaded under " + Storage.VIDEOS_PREFIX)
        .eventPattern(EventPattern.builder()
            .source(List.of("aws.s3"))
            .detailType(List.of("Object Created"))
            .detail(Map.of(
                "bucket", Map.of("name", List.of(bucketName)),
                // events.Match (not the assertions one) already yields the list of matchers. A
                // pattern cannot AND a prefix with a not-suffix on one field, but it ANDs fields:
                // folder markers (videos/x/) and other empty objects are 0 bytes, and no video is.
                "object", Map.of(
                    "key", software.amazon.awscdk.services.events.Match.prefix(Storage.VIDEOS_PREFIX),
                    "size", software.amazon.awscdk.services.events.Match.greaterThan(0))))
            .build())
        .targets(List.of(new SfnStateMachine(stateMachine, SfnStateMachineProps.builder()
            .deadLetterQueue(eventsDlq)
            .retryAttempts(8)
            .maxEventAge(Duration.hours(6))
            .build())))
        .build();
    executionEndedRule = executionEndedRule(functions.get(StageFunction.RECORD));
  }

  /**
   * An execution that ends FAILED, TIMED_OUT or ABORTED where no Catch ran (States.Runtime,
   * States.DataLimitExceeded, the execution's own timeout, a StopExecution) would leave its row at
   * whatever stage it reached: this rule has the record function mark it FAILED with the status and
   * cause. Rows already terminal are left as they are (record only finishes open rows).
   */
  private Rule executionEndedRule(Function record) {
    return Rule.Builder.create(this, "ExecutionEndedRule")
        .description("Marks the job row FAILED when a longvqa execution fails, times out or is stopped")
        .eventPattern(EventPattern.builder()
            .source(List.of("aws.states"))
            .detailType(List.of("Step Functions Execution Status Change"))
            .detail(Map.of(
                "status", List.of("FAILED", "TIMED_OUT", "ABORTED"),
                "stateMachineArn", List.of(stateMachine.getStateMachineArn())))
            .build())
        .targets(List.of(new software.amazon.awscdk.services.events.targets.LambdaFunction(record,
            software.amazon.awscdk.services.events.targets.LambdaFunctionProps.builder()
                .event(RuleTargetInput.fromObject(Map.of(
                    "outcome", "FAILED",
                    "executionInput", EventField.fromPath("$.detail.input"),
                    "error", Map.of(
                        "Error", EventField.fromPath("$.detail.status"),
                        "Cause", EventField.fromPath("$.detail.cause")))))
                .deadLetterQueue(eventsDlq)
                .retryAttempts(8)
                .maxEventAge(Duration.hours(6))
                .build())))
        .build();
  }

  /** Values for every documented placeholder; the ASL may use a subset. */
  private Map<String, String> substitutions(String bucketName, String tableName, String queueUrl, InfraConfig config) {
    Map<String, String> values = new HashMap<>();
    functions.forEach((stage, fn) -> values.put(stage.placeholder, fn.getFunctionArn()));
    values.put(AslSubstitution.TASK_QUEUE_URL.placeholder(), queueUrl);
    values.put(AslSubstitution.BUCKET_NAME.placeholder(), bucketName);
    values.put(AslSubstitution.JOBS_TABLE_NAME.placeholder(), tableName);
    // the workflow's Choice runs Amazon Transcribe only for "transcribe" (the worker reads the same choice)
    values.put(AslSubstitution.TRANSCRIPT_SOURCE.placeholder(), config.transcripts().value());
    if (!values.keySet().equals(AslDefinition.SUBSTITUTIONS)) {
      throw new IllegalStateException("substitutions drifted from the documented set: " + values.keySet());
    }
    return values;
  }

  private Function stageFunction(StageFunction stage, FunctionCode code, String bucketName, String tableName) {
    String id = stage.constructId();
    LogGroup logs = logGroup(id + "Logs");
    // An explicit role: the default one attaches the AWS-managed basic execution policy, which
    // may write to any log group; this one may write to its own group only.
    Role role = Role.Builder.create(this, id + "Role")
        .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
        .build();
    logs.grantWrite(role);
    Function fn = Function.Builder.create(this, id)
        .description("longvqa " + stage.handler + " stage")
        .runtime(Runtime.JAVA_21)
        // The core's FFmpeg natives ship for linux-x86_64 only.
        .architecture(Architecture.X86_64)
        .handler(Handler.LAMBDA_HANDLER)
        .code(Code.fromAsset(code.path().toString()))
        .memorySize(stage.memoryMb)
        .timeout(stage.timeout)
        .ephemeralStorageSize(stage.tmp)
        .role(role)
        .logGroup(logs)
        // The names are the functions' own (FunctionEnv): DeployedFunctionsTest starts function.zip
        // with exactly this environment. AWS_REGION is set by Lambda itself (reserved).
        .environment(Map.of(
            FunctionEnv.HANDLER.variable(), stage.handler,
            FunctionEnv.BUCKET.variable(), bucketName,
            FunctionEnv.TABLE.variable(), tableName))
        .build();
    Nag.accept(fn, "AwsSolutions-L1",
        "The project targets Java 21 (--release 21, Quarkus function.zip); java21 is a supported "
            + "Lambda runtime. Moving to java25 is a build change, not an infrastructure one.");
    Nag.acceptBucketPrefixGrants(role);
    return fn;
  }

  /** Least privilege per stage, by key prefix: uploads are only read, artifacts only under jobs/. */
  private void grantStageAccess(Storage storage) {
    var bucket = storage.bucket();
    var table = storage.jobsTable();
    String videos = Storage.VIDEOS_PREFIX + "*";
    String jobs = Storage.JOBS_PREFIX + "*";

    Function register = functions.get(StageFunction.REGISTER);
    bucket.grantRead(register, videos); // head object
    bucket.grantRead(register, Storage.QUESTIONS_PREFIX + "*"); // the questions sidecar (S3Layout.sidecar)
    // exactly what JobStore calls per stage (no Scan/DeleteItem/BatchWriteItem from the broad helpers)
    table.grant(register, "dynamodb:PutItem", "dynamodb:GetItem"); // conditional put; reads the row of a duplicate

    Function plan = functions.get(StageFunction.PLAN);
    bucket.grantRead(plan, videos);
    table.grant(plan, "dynamodb:UpdateItem");

    Function decode = functions.get(StageFunction.DECODE_RANGE);
    bucket.grantRead(decode, videos);
    bucket.grantPut(decode, jobs);

    Function segment = functions.get(StageFunction.SEGMENT);
    bucket.grantRead(segment, jobs);
    bucket.grantPut(segment, jobs);
    table.grant(segment, "dynamodb:UpdateItem");

    Function record = functions.get(StageFunction.RECORD);
    bucket.grantRead(record, jobs);
    // the status rule's path resolves the execution's upload as register did (HeadObject), so a
    // URL-encoded key finds its row (UploadIdentity)
    bucket.grantRead(record, videos);
    bucket.grantPut(record, jobs); // result.json, answers too large for the row
    bucket.grantRead(record, Storage.QUESTIONS_PREFIX + "*"); // an API upload's minted job id, for the execution-status rule
    table.grant(record, "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem");
  }

  private LogGroup logGroup(String id) {
    return LogGroup.Builder.create(this, id)
        .retention(RetentionDays.ONE_MONTH)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  /** The ASL placeholders' values; the answer-only state machine (Api) uses the same. */
  public Map<String, String> substitutions() {
    return Map.copyOf(substitutions);
  }

  public StateMachine stateMachine() {
    return stateMachine;
  }

  public Function function(StageFunction stage) {
    return functions.get(stage);
  }

  public Rule uploadRule() {
    return uploadRule;
  }

  public Rule executionEndedRule() {
    return executionEndedRule;
  }

  public Queue eventsDlq() {
    return eventsDlq;
  }
}
