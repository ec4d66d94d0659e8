package dev.longvqa.infra.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.Handler;
import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.JobStatus;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.infra.deploy.SynthesizedAssembly.LambdaFunction;
import dev.longvqa.video.synthetic.SyntheticVideo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The stack as synthesized, run: every {@code AWS::Lambda::Function} of the template is started from
 * its staged code asset in {@code cdk.out}, under the Lambda runtime interface client, with exactly
 * the template's environment (references resolved to emulators) and invoked with the events the
 * workflow sends it. A variable renamed on either side (stack or functions) fails here.
 */
class DeployedFunctionsIT {

  private static final Path WORK = SynthesizedAssembly.REPO.resolve("infra/target/deploy-it/functions");
  private static final ObjectMapper JSON = dev.longvqa.contract.Json.mapper();
  private static final String BUCKET = "longvqa-deployed";
  private static final String TABLE = "longvqa-jobs";

  private static SynthesizedAssembly assembly;
  private static CloudEmulators emu;
  private static Intrinsics intrinsics;
  private static final Map<Handler, LambdaFunction> byHandler = new EnumMap<>(Handler.class);
  private static final Map<Handler, DeployedFunction> running = new EnumMap<>(Handler.class);

  @BeforeAll
  static void deploy() throws Exception {
    Path zip = SynthesizedAssembly.REPO.resolve("functions/target/function.zip");
    assertThat(zip).as("the functions module is packaged before infra's integration tests").isRegularFile();
    assembly = SynthesizedAssembly.synth(WORK.resolve("cdk.out"));
    emu = new CloudEmulators(WORK.resolve("logs"));
    intrinsics = new Intrinsics().ref("AWS::Region", CloudEmulators.REGION);
    assembly.resources("AWS::S3::Bucket").forEach((id, r) -> {
      emu.createBucket(BUCKET, r.get("Properties"));
      intrinsics.ref(id, BUCKET);
    });
    assembly.resources("AWS::DynamoDB::Table").forEach((id, r) -> {
      emu.createTable(TABLE, r.get("Properties"));
      intrinsics.ref(id, TABLE);
    });
    assembly.resources("AWS::SQS::Queue").forEach((id, r) -> intrinsics.ref(id, emu.createQueue(id)));
    // the API function names the answer state machine; nothing here starts it
    assembly.resources("AWS::StepFunctions::StateMachine").forEach((id, r) ->
        intrinsics.ref(id, "arn:aws:states:" + CloudEmulators.REGION + ":111122223333:stateMachine:" + id));
    for (LambdaFunction fn : assembly.lambdaFunctions()) {
      String name = fn.environment().get(FunctionEnv.HANDLER.variable()).asText();
      byHandler.put(Handler.byName(name).orElseThrow(() -> new AssertionError("unknown handler " + name)), fn);
    }
  }

  @AfterAll
  static void tearDown() {
    running.values().forEach(DeployedFunction::close);
    if (emu != null) emu.close();
  }

  private static DeployedFunction start(Handler h, Map<String, String> env) throws Exception {
    LambdaFunction fn = byHandler.get(h);
    Path root = DeployedFunction.unpack(fn.stagedCode(), WORK.resolve("task-root-" + fn.stagedCode().getFileName()));
    return new DeployedFunction(fn, root, env, emu.platformEnvironment(), WORK);
  }

  private static DeployedFunction running(Handler h) throws Exception {
    DeployedFunction f = running.get(h);
    if (f == null) {
      f = start(h, intrinsics.resolveAll(byHandler.get(h).environment()));
      running.put(h, f);
    }
    return f;
  }

  private static JsonNode invoke(Handler h, JsonNode event) throws Exception {
    DeployedFunction f = running(h);
    LambdaRuntimeApi.Outcome out = f.invoke(JSON.writeValueAsString(event));
    assertThat(out.error()).as(h + " answered an error: " + out.body() + "\n--- log ---\n" + f.logText()).isFalse();
    return JSON.readTree(out.body());
  }

  private static Map<String, AttributeValue> row(String jobId) {
    return emu.dynamoClient.getItem(b -> b.tableName(TABLE).key(Map.of(JobRow.JOB_ID, AttributeValue.fromS(jobId)))).item();
  }

  @Test
  void everyFunctionOfTheTemplateShipsTheBuiltCodeOnTheManagedRuntime() {
    assertThat(byHandler.keySet()).containsExactlyInAnyOrder(Handler.values());
    for (LambdaFunction fn : byHandler.values()) {
      assertThat(fn.runtime()).isEqualTo("java21");
      assertThat(fn.handler()).isEqualTo(Handler.LAMBDA_HANDLER);
      assertThat(fn.stagedCode().getFileName().toString()).as("the staged function.zip, not the placeholder").endsWith(".zip");
      assertThat(fn.environment().keySet()).doesNotContainAnyElementsOf(DeployedFunction.RESERVED);
    }
  }

  @Test
  void theWorkflowsEventsRunThroughEveryFunctionStartedWithItsTemplateEnvironment() throws Exception {
    // a versioned upload with its questions sidecar, as a user would upload it
    Path dir = Files.createDirectories(WORK.resolve("video"));
    SyntheticVideo.Generated video = SyntheticVideo.builder().size(192, 108).fps(10).seed(7)
        .shot(SyntheticVideo.ShotType.SHAPES, 3).shot(SyntheticVideo.ShotType.ZOOM, 3).build().write(dir.resolve("clip.mp4"));
    String key = S3Layout.VIDEOS_PREFIX + "clip-" + UUID.randomUUID() + ".mp4";
    emu.s3Client.putObject(b -> b.bucket(BUCKET).key(S3Layout.sidecar(key)), RequestBody.fromString("[\"What moves?\"]"));
    var put = emu.s3Client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromFile(video.path()));
    assertThat(put.versionId()).as("the bucket is versioned, as deployed").isNotBlank();

    // RegisterJob: the EventBridge event, as the ASL passes it
    String executionArn = "arn:aws:states:us-east-1:111122223333:execution:LongVqa:" + UUID.randomUUID();
    ObjectNode event = JSON.createObjectNode()
        .put("id", UUID.randomUUID().toString()).put("source", "aws.s3").put("time", "2026-12-07T00:00:00Z")
        .put("executionArn", executionArn);
    ObjectNode object = event.putObject("detail").put("reason", "PutObject").putObject("object");
    ((ObjectNode) event.get("detail")).putObject("bucket").put("name", BUCKET);
    object.put("key", key).put("size", Files.size(video.path())).put("etag", put.eTag().replace("\"", ""))
        .put("version-id", put.versionId()).put("sequencer", "0001");
    JsonNode registered = invoke(Handler.REGISTER, event);
    assertThat(registered.get("action").asText()).isEqualTo("START");
    String jobId = registered.get("jobId").asText();
    assertThat(row(jobId).get(JobRow.STATUS).s()).isEqualTo(JobStatus.RECEIVED.name());
    assertThat(registered.get("questions")).hasSize(1);
    // RegisterJob's Retry after a lost response: the same execution continues; another execution
    // (a duplicate event) stops. Second invocation of the same sandbox, as Lambda reuses it.
    assertThat(invoke(Handler.REGISTER, event).get("action").asText()).isEqualTo("START");
    event.put("executionArn", executionArn + "-other");
    JsonNode duplicate = invoke(Handler.REGISTER, event);
    assertThat(duplicate.get("action").asText()).isEqualTo("DUPLICATE");
    assertThat(duplicate.get("jobId").asText()).isEqualTo(jobId);

    // PlanRanges
    ObjectNode planIn = JSON.createObjectNode().put("jobId", jobId).set("video", registered.get("video"));
    JsonNode plan = invoke(Handler.PLAN, planIn);
    assertThat(plan.get("durationSec").asDouble()).isBetween(5.0, 7.0);
    assertThat(plan.get("ranges")).isNotEmpty();

    // DecodeRanges: one invocation per range
    ArrayNode decoded = JSON.createArrayNode();
    for (JsonNode range : plan.get("ranges")) {
      ObjectNode in = JSON.createObjectNode().put("jobId", jobId);
      in.set("video", registered.get("video"));
      in.set("range", range);
      JsonNode out = invoke(Handler.DECODE_RANGE, in);
      assertThat(out.get("frames").asInt()).isPositive();
      decoded.addObject().put("index", out.get("index").asInt()).put("frames", out.get("frames").asInt())
          .put("embeddingsKey", out.get("embeddingsKey").asText());
    }
    assertThat(emu.s3Client.headObject(b -> b.bucket(BUCKET).key(S3Layout.frame(jobId, 0, 0))).contentLength()).isPositive();

    // Segment
    ObjectNode segIn = JSON.createObjectNode().put("jobId", jobId);
    segIn.set("video", registered.get("video"));
    segIn.set("plan", plan);
    segIn.set("ranges", decoded);
    JsonNode segmented = invoke(Handler.SEGMENT, segIn);
    assertThat(segmented.get("scenesKey").asText()).isEqualTo(S3Layout.scenes(jobId));
    assertThat(emu.s3Client.headObject(b -> b.bucket(BUCKET).key(S3Layout.scenes(jobId))).contentLength()).isPositive();
    assertThat(row(jobId).get(JobRow.STATUS).s()).isEqualTo(JobStatus.REASONING.name());

    // RecordFailure (the path every Catch takes)
    ObjectNode recordIn = JSON.createObjectNode().put("jobId", jobId).put("outcome", "FAILED");
    recordIn.putObject("error").put("Error", "LongVqa.MODEL_UNAVAILABLE").put("Cause", "{\"errorMessage\":\"no model\"}");
    JsonNode recorded = invoke(Handler.RECORD, recordIn);
    assertThat(recorded.get("status").asText()).isEqualTo(JobStatus.FAILED.name());
    assertThat(row(jobId).get(JobRow.STATUS).s()).isEqualTo(JobStatus.FAILED.name());
  }

  /** An API Gateway HTTP API payload v2 event, as API Gateway sends it with IAM authorization. */
  private static ObjectNode httpEvent(String method, String path, String body, String caller) {
    ObjectNode e = JSON.createObjectNode().put("version", "2.0").put("routeKey", method + " " + path).put("rawPath", path)
        .put("rawQueryString", "").put("isBase64Encoded", false);
    e.putObject("headers").put("content-type", "application/json");
    ObjectNode ctx = e.putObject("requestContext").put("requestId", UUID.randomUUID().toString());
    ctx.putObject("http").put("method", method).put("path", path).put("sourceIp", "192.0.2.1");
    ctx.putObject("authorizer").putObject("iam").put("userArn", caller).put("accountId", "111122223333");
    if (body != null) e.put("body", body);
    return e;
  }

  @Test
  void theApiFunctionAnswersApiGatewayEventsWithItsTemplateEnvironment() throws Exception {
    String alice = "arn:aws:iam::111122223333:user/alice";
    JsonNode page = invoke(Handler.API, httpEvent("GET", "/", null, alice));
    assertThat(page.get("statusCode").asInt()).isEqualTo(200);
    assertThat(page.get("body").asText()).contains("<html");

    JsonNode created = invoke(Handler.API, httpEvent("POST", "/videos",
        "{\"fileName\":\"talk.mp4\",\"sizeBytes\":1000,\"questions\":[\"Who speaks?\"]}", alice));
    assertThat(created.get("statusCode").asInt()).as(created.toString()).isEqualTo(201);
    JsonNode upload = JSON.readTree(created.get("body").asText());
    String jobId = upload.get("jobId").asText();
    assertThat(upload.get("url").asText()).contains(jobId);
    // the sidecar register reads: written to the deployed bucket under the template's variable
    String sidecar = emu.s3Client.getObjectAsBytes(b -> b.bucket(BUCKET).key(S3Layout.sidecar(upload.get("key").asText()))).asUtf8String();
    assertThat(JSON.readTree(sidecar).get("owner").asText()).isEqualTo(alice);

    // the table's owner index, as the template declares it
    JsonNode jobs = invoke(Handler.API, httpEvent("GET", "/jobs", null, alice));
    assertThat(jobs.get("statusCode").asInt()).as(jobs.toString()).isEqualTo(200);
    JsonNode unknown = invoke(Handler.API, httpEvent("GET", "/jobs/" + jobId, null, "arn:aws:iam::111122223333:user/bob"));
    assertThat(unknown.get("statusCode").asInt()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.get("body").asText()).at("/error/type").asText()).isEqualTo("NOT_FOUND");
  }

  /** EventBridge's input transformer: each {@code <name>} of the template becomes the JSON value at its path. */
  private static JsonNode transform(JsonNode target, JsonNode event) throws Exception {
    String template = target.at("/InputTransformer/InputTemplate").asText();
    for (var e : target.at("/InputTransformer/InputPathsMap").properties()) {
      String path = e.getValue().asText(); // $.a.b
      JsonNode v = event;
      for (String part : path.substring(2).split("\\.")) v = v.path(part);
      template = template.replace("<" + e.getKey() + ">", JSON.writeValueAsString(v.isMissingNode() ? null : v));
    }
    return JSON.readTree(template);
  }

  @Test
  void anExecutionEndingWithoutItsCatchMarksTheRowFailedThroughTheStatusRule() throws Exception {
    String key = S3Layout.VIDEOS_PREFIX + "stopped-" + UUID.randomUUID() + ".mp4";
    var put = emu.s3Client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("bytes"));
    ObjectNode s3Event = JSON.createObjectNode().put("id", "e2").put("source", "aws.s3").put("time", "2026-12-07T00:00:00Z");
    ObjectNode detail = s3Event.putObject("detail").put("reason", "PutObject");
    detail.putObject("bucket").put("name", BUCKET);
    detail.putObject("object").put("key", key).put("size", 5).put("etag", put.eTag().replace("\"", ""))
        .put("version-id", put.versionId());
    ObjectNode registerIn = s3Event.deepCopy().put("executionArn", "arn:aws:states:us-east-1:111122223333:execution:LongVqa:s");
    String jobId = invoke(Handler.REGISTER, registerIn).get("jobId").asText();
    assertThat(row(jobId).get(JobRow.STATUS).s()).isEqualTo(JobStatus.RECEIVED.name());

    // the rule of the template, its target and input transformer applied to a status-change event
    JsonNode rule = assembly.resources("AWS::Events::Rule").values().stream()
        .filter(r -> r.at("/Properties/EventPattern/source/0").asText().equals("aws.states")).findFirst().orElseThrow();
    assertThat(rule.at("/Properties/EventPattern/detail/status").toString()).contains("FAILED", "TIMED_OUT", "ABORTED");
    JsonNode target = rule.at("/Properties/Targets/0");
    String recordId = byHandler.get(Handler.RECORD).logicalId();
    assertThat(target.at("/Arn/Fn::GetAtt/0").asText()).isEqualTo(recordId);
    ObjectNode statusEvent = JSON.createObjectNode().put("source", "aws.states")
        .put("detail-type", "Step Functions Execution Status Change");
    statusEvent.putObject("detail").put("status", "TIMED_OUT").put("input", JSON.writeValueAsString(s3Event))
        .put("cause", "Execution timed out after 21600 s");
    JsonNode recorded = invoke(Handler.RECORD, transform(target, statusEvent));
    assertThat(recorded.get("jobId").asText()).isEqualTo(jobId);
    assertThat(row(jobId).get(JobRow.STATUS).s()).isEqualTo(JobStatus.FAILED.name());
    assertThat(row(jobId).toString()).contains("TIMED_OUT");
  }

  @Test
  void aFunctionStartedWithoutTheVariableItReadsFailsNamingIt() throws Exception {
    // the stack's old name for the table: the function must not run on it, and must say what is missing
    Map<String, String> env = new LinkedHashMap<>(intrinsics.resolveAll(byHandler.get(Handler.REGISTER).environment()));
    String table = env.remove(FunctionEnv.TABLE.variable());
    assertThat(table).isEqualTo(TABLE);
    env.put("LONGVQA_JOBS_TABLE", table);
    String key = S3Layout.VIDEOS_PREFIX + "present-" + UUID.randomUUID() + ".mp4";
    String etag = emu.s3Client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("not read")).eTag();
    try (DeployedFunction f = start(Handler.REGISTER, env)) {
      ObjectNode event = JSON.createObjectNode().put("id", "e").put("source", "aws.s3").put("time", "2026-12-07T00:00:00Z")
          .put("executionArn", "arn:aws:states:us-east-1:111122223333:execution:LongVqa:x");
      ((ObjectNode) event.putObject("detail").put("reason", "PutObject").putObject("object")
          .put("key", key).put("size", 8).put("etag", etag.replace("\"", ""))).toString();
      ((ObjectNode) event.get("detail")).putObject("bucket").put("name", BUCKET);
      LambdaRuntimeApi.Outcome out = f.invoke(JSON.writeValueAsString(event));
      assertThat(out.error()).isTrue();
      assertThat(out.body()).contains(FunctionEnv.TABLE.variable() + " is not set").contains("LongVqa.INTERNAL");
    }
  }
}
