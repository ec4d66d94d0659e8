package dev.longvqa.infra;

import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.Handler;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.api.ApiRoutes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.IAccessLogSettings;
import software.amazon.awscdk.services.apigatewayv2.LogGroupLogDestination;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * The jobs and questions API (docs/API.md, docs/openapi.yaml): an HTTP API whose every route
 * ({@link ApiRoutes#ALL}) requires IAM authorization (SigV4), throttled at its stage, in front of
 * the {@code api} function of the same function.zip; and the answer-only state machine
 * ({@code statemachine/answer.asl.json}) that follow-up questions start, with the workflow's
 * substitutions (same record function, task queue and bucket).
 */
final class Api extends Construct {
  /** Requests per second across the API, and the burst above it; a caller past them gets 429. */
  static final int RATE_LIMIT = 50;
  static final int BURST_LIMIT = 100;
  /** API Gateway's integration limit is 30 s. */
  static final Duration TIMEOUT = Duration.seconds(29);

  private final Function function;
  private final HttpApi httpApi;
  private final StateMachine answerStateMachine;
  private final String url;

  public Api(Construct scope, String id, InfraConfig config, Storage storage, Workflow workflow, IQueue taskQueue) {
    super(scope, id);
    AslDefinition asl = AslDefinition.read(config.aslFile().resolveSibling("answer.asl.json"));
    Map<String, String> substitutions = workflow.substitutions();
    Set<String> unfilled = new TreeSet<>(asl.placeholders());
    unfilled.removeAll(substitutions.keySet());
    if (!unfilled.isEmpty()) {
      throw new IllegalStateException(asl.file() + " uses placeholders the stack does not fill: " + unfilled);
    }
    answerStateMachine = StateMachine.Builder.create(this, "AnswerStateMachine")
        .stateMachineType(StateMachineType.STANDARD) // waitForTaskToken
        .definitionBody(DefinitionBody.fromString(asl.text()))
        .definitionSubstitutions(substitutions)
        .logs(LogOptions.builder().destination(logGroup("AnswerStateMachineLogs")).level(LogLevel.ALL)
            .includeExecutionData(true).build())
        .tracingEnabled(true)
        .build();
    workflow.function(StageFunction.RECORD).grantInvoke(answerStateMachine);
    taskQueue.grantSendMessages(answerStateMachine);
    Nag.acceptOnly(answerStateMachine.getRole(), "AwsSolutions-IAM5",
        "lambda:InvokeFunction on <record function ARN>:* comes from grantInvoke (versions and aliases of that one "
            + "function); Resource * is what X-Ray tracing and CloudWatch Logs delivery require.",
        "Resource::*", "/^Resource::<Workflow[A-Za-z]+[0-9A-F]{8}\\.Arn>:\\*$/");

    LogGroup logs = logGroup("ApiFunctionLogs");
    Role role = Role.Builder.create(this, "ApiRole").assumedBy(new ServicePrincipal("lambda.amazonaws.com")).build();
    logs.grantWrite(role);
    function = Function.Builder.create(this, "ApiFunction")
        .description("longvqa jobs and questions API")
        .runtime(Runtime.JAVA_21)
        .architecture(Architecture.X86_64)
        .handler(Handler.LAMBDA_HANDLER)
        .code(Code.fromAsset(FunctionCode.resolve(config).path().toString()))
        .memorySize(1024)
        .timeout(TIMEOUT)
        .role(role)
        .logGroup(logs)
        .environment(Map.of(
            FunctionEnv.HANDLER.variable(), Handler.API.handlerName(),
            FunctionEnv.BUCKET.variable(), storage.bucket().getBucketName(),
            FunctionEnv.TABLE.variable(), storage.jobsTable().getTableName(),
            FunctionEnv.ANSWER_STATE_MACHINE.variable(), answerStateMachine.getStateMachineArn()))
        .build();
    Nag.accept(function, "AwsSolutions-L1",
        "The project targets Java 21 (--release 21, Quarkus function.zip); java21 is a supported Lambda runtime.");
    Nag.acceptBucketPrefixGrants(role);
    grantApiAccess(storage);

    httpApi = HttpApi.Builder.create(this, "HttpApi")
        .description("longvqa: uploads, jobs, follow-up questions, answers, reports (docs/openapi.yaml)")
        .defaultAuthorizer(new HttpIamAuthorizer())
        .createDefaultStage(false)
        .build();
    HttpLambdaIntegration integration = new HttpLambdaIntegration("ApiIntegration", function);
    for (String route : ApiRoutes.ALL) {
      httpApi.addRoutes(AddRoutesOptions.builder()
          .path(ApiRoutes.path(route))
          .methods(List.of(HttpMethod.valueOf(ApiRoutes.method(route))))
          .integration(integration)
          .build());
    }
    LogGroup access = logGroup("ApiAccessLogs");
    HttpStage stage = httpApi.addStage("DefaultStage", HttpStageOptions.builder()
        .stageName("$default")
        .autoDeploy(true)
        .throttle(ThrottleSettings.builder().rateLimit(RATE_LIMIT).burstLimit(BURST_LIMIT).build())
        .accessLogSettings(new IAccessLogSettings() {
          @Override
          public software.amazon.awscdk.services.apigatewayv2.IAccessLogDestination getDestination() {
            return new LogGroupLogDestination(access);
          }
        })
        .build());
    url = stage.getUrl();
  }

  /** The stage's URL (the stack's output ApiUrl). */
  public String url() {
    return url;
  }

  /** What the API calls, by key prefix (GrantsCoverCallsTest holds these to its SDK calls). */
  private void grantApiAccess(Storage storage) {
    var bucket = storage.bucket();
    // the upload sidecar (minted id, owner, questions), written before the upload, read at completion
    bucket.grantPut(function, S3Layout.QUESTIONS_PREFIX + "*");
    bucket.grantRead(function, S3Layout.QUESTIONS_PREFIX + "*");
    // presigned PUTs and parts are signed with this role: the caller uploads as the API may
    bucket.grantPut(function, S3Layout.VIDEOS_PREFIX + "*");
    function.addToRolePolicy(software.amazon.awscdk.services.iam.PolicyStatement.Builder.create()
        .actions(List.of("s3:ListMultipartUploadParts"))
        .resources(List.of(bucket.arnForObjects(S3Layout.VIDEOS_PREFIX + "*")))
        .build());
    // scenes, segment summaries, answers; the report is written under jobs/ and handed out presigned
    bucket.grantRead(function, S3Layout.JOBS_PREFIX + "*");
    bucket.grantPut(function, S3Layout.JOBS_PREFIX + "*");
    storage.jobsTable().grant(function, "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query");
    answerStateMachine.grantStartExecution(function);
  }

  private LogGroup logGroup(String id) {
    return LogGroup.Builder.create(this, id).retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();
  }

  public Function function() {
    return function;
  }

  public HttpApi httpApi() {
    return httpApi;
  }

  public StateMachine answerStateMachine() {
    return answerStateMachine;
  }
}
