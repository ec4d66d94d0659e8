package dev.longvqa.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.JobStatus;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.api.AnswerView;
import dev.longvqa.contract.api.ApiError;
import dev.longvqa.contract.api.ApiPaths;
import dev.longvqa.contract.api.HttpEvent;
import dev.longvqa.contract.api.HttpResponse;
import dev.longvqa.contract.api.JobList;
import dev.longvqa.contract.api.JobView;
import dev.longvqa.contract.api.QuestionsAccepted;
import dev.longvqa.contract.api.UploadResponse;
import dev.longvqa.contract.api.UploadSidecar;
import dev.longvqa.functions.JobStore;
import dev.longvqa.functions.LocalAws;
import dev.longvqa.functions.ObjectStore;
import dev.longvqa.contract.RecordRequest;
import dev.longvqa.contract.InlineAnswer;
import dev.longvqa.contract.TaskCost;
import dev.longvqa.contract.Tokens;
import dev.longvqa.functions.RecordService;
import dev.longvqa.contract.RegisterResult;
import dev.longvqa.functions.RegisterService;
import dev.longvqa.functions.Settings;
import dev.longvqa.contract.ScenesDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API service over dynalite and S3Mock, as its Lambda runs it, with two callers: uploads through
 * the presigned URLs it hands out, registration of the upload with the minted id and owner,
 * ownership on every route, typed errors, follow-up questions starting the answer-only workflow.
 * Step Functions is the one AWS service stood in for: a recording endpoint of its StartExecution
 * (the local cloud's tests run the real answer workflow).
 */
class ApiServiceTest {
    static final String ALICE = "arn:aws:iam::111111111111:user/alice";
    static final String BOB = "arn:aws:iam::111111111111:user/bob";
    static final String ANSWER_MACHINE = "arn:aws:states:us-east-1:111111111111:stateMachine:answer";

    static S3Client s3;
    static DynamoDbClient ddb;
    static S3Presigner presigner;
    static SfnClient sfn;
    static HttpServer sfnStandIn;
    static final List<JsonNode> started = new CopyOnWriteArrayList<>();
    static ObjectStore store;
    static JobStore jobs;
    static Settings settings;
    static ApiService api;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new LocalAws().start();
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        URI s3Endpoint = URI.create(env.get("longvqa.aws.s3-endpoint"));
        s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(s3Endpoint).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(creds).build();
        ddb = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create(env.get("longvqa.aws.dynamodb-endpoint"))).region(Region.US_EAST_1).credentialsProvider(creds).build();
        presigner = S3Presigner.builder().endpointOverride(s3Endpoint).region(Region.US_EAST_1).credentialsProvider(creds)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build();
        sfnStandIn = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sfnStandIn.createContext("/", ex -> {
            JsonNode req = Json.mapper().readTree(ex.getRequestBody());
            started.add(req);
            byte[] out = ("{\"executionArn\":\"" + ANSWER_MACHINE.replace("stateMachine", "execution") + ":" + req.path("name").asText()
                    + "\",\"startDate\":1}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        sfnStandIn.start();
        sfn = SfnClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(URI.create("http://127.0.0.1:" + sfnStandIn.getAddress().getPort())).region(Region.US_EAST_1)
                .credentialsProvider(creds).build();
        store = new ObjectStore(s3);
        jobs = new JobStore(ddb, LocalAws.TABLE, Clock.systemUTC());
        settings = Settings.of(Map.of("longvqa.bucket", LocalAws.BUCKET, "longvqa.table", LocalAws.TABLE));
        api = service(ApiConfig.of(java.util.Map.of("longvqa.api.answer-state-machine", ANSWER_MACHINE)).settings().withMultipart(ApiSettings.MIN_PART_BYTES, ApiSettings.MIN_PART_BYTES));
    }

    static ApiService service(ApiSettings a) {
        return new ApiService(new ApiDeps(store, jobs, ddb, presigner, sfn, settings, a, Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        if (sfnStandIn != null) sfnStandIn.stop(0);
    }

    static HttpResponse call(String caller, String method, String pathAndQuery, Object body) {
        try {
            int q = pathAndQuery.indexOf('?');
            String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
            String text = body == null ? null : body instanceof String s ? s : Json.mapper().writeValueAsString(body);
            // through JSON, as API Gateway delivers it and the Lambda runtime reads it
            HttpEvent event = Json.mapper().readValue(Json.mapper().writeValueAsString(
                    HttpEvent.of(method, path, query, Map.of("content-type", "application/json"), text, false, caller)), HttpEvent.class);
            return api.handle(event);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static <T> T read(HttpResponse r, Class<T> type) throws Exception {
        return Json.mapper().readValue(r.body(), type);
    }

    static ApiError.Detail error(HttpResponse r) throws Exception {
        return read(r, ApiError.class).error();
    }

    /** POST /videos, PUT the bytes to the presigned URL(s), and register the upload as the S3 event would. */
    static String uploadAndRegister(String caller, byte[] video, List<String> questions) throws Exception {
        HttpResponse created = call(caller, "POST", ApiPaths.VIDEOS,
                Map.of("fileName", "my talk.mp4", "sizeBytes", video.length, "questions", questions));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        UploadResponse up = read(created, UploadResponse.class);
        assertThat(up.url()).isNotNull();
        var put = http.send(HttpRequest.newBuilder(URI.create(up.url())).PUT(HttpRequest.BodyPublishers.ofByteArray(video)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        RegisterResult r = register(up.key());
        assertThat(r.jobId()).isEqualTo(up.jobId());
        assertThat(r.action()).isEqualTo(RegisterResult.Action.START);
        return up.jobId();
    }

    static RegisterResult register(String key) {
        return new RegisterService(store, jobs, settings).register(Json.mapper().valueToTree(Map.of("detail",
                Map.of("bucket", Map.of("name", LocalAws.BUCKET), "object", Map.of("key", key)))));
    }

    /** What the workflow leaves on a processed job: scenes, two segment summaries, answers and costs. */
    static void process(String jobId) throws Exception {
        String scenesKey = S3Layout.scenes(jobId);
        ScenesDocument doc = new ScenesDocument("videos/x.mp4", 20, 20, "uniform", "builtin", null, List.of(10.0),
                List.of(new ScenesDocument.SceneEntry(0, 0, 10, 5, 0, 10), new ScenesDocument.SceneEntry(1, 10, 20, 15, 10, 20)),
                List.of(new ScenesDocument.CurveEntry(1, 0.9), new ScenesDocument.CurveEntry(10, 0.1)), null);
        store.putJson(LocalAws.BUCKET, scenesKey, doc);
        for (int i = 0; i < 2; i++) {
            store.putJson(LocalAws.BUCKET, S3Layout.segment(jobId, i), Map.of("index", i, "startSec", i * 10, "endSec", i * 10 + 10,
                    "summary", "segment " + i + " summary"));
        }
        store.putJson(LocalAws.BUCKET, S3Layout.answer(jobId, "q1"), Map.of("jobId", jobId, "questionId", "q1", "answer", "a red ball", "model", "m"));
        assertThat(jobs.advance(jobId, JobStatus.REASONING, "segment", Map.of("scenesKey", JobStore.s(scenesKey),
                "sceneCount", JobStore.n(2), "frameCount", JobStore.n(20)), 12L)).isTrue();
        var tasks = List.of(new TaskCost(S3Layout.segment(jobId, 0), new Tokens(10, 2), 0, 0, 5, 0, 0),
                new TaskCost(S3Layout.segment(jobId, 1), new Tokens(10, 2), 0, 0, 5, 0, 0));
        new RecordService(store, jobs, settings).record(new RecordRequest(jobId, "SUCCEEDED",
                List.of(new InlineAnswer("q1", "What is shown?", S3Layout.answer(jobId, "q1"), "a red ball", null)),
                new RecordRequest.Costs(null, null, tasks, null), null, null));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void anUploadBecomesTheCallersJobWithTheIdItWasPromised() throws Exception {
        String jobId = uploadAndRegister(ALICE, bytes(1000), List.of("What is shown?"));
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> row = jobs.get(jobId).orElseThrow();
        assertThat(row.get(JobRow.OWNER).s()).isEqualTo(ALICE);
        assertThat(row.get("key").s()).isEqualTo("videos/" + jobId + "/my talk.mp4");
        UploadSidecar sidecar = Json.mapper().readValue(store.getSmall(LocalAws.BUCKET, S3Layout.sidecar(row.get("key").s()), 10_000)
                .orElseThrow(), UploadSidecar.class);
        assertThat(sidecar).isEqualTo(new UploadSidecar(List.of("What is shown?"), jobId, ALICE));

        HttpResponse mine = call(ALICE, "GET", ApiPaths.job(jobId), null);
        assertThat(mine.statusCode()).isEqualTo(200);
        JobView view = read(mine, JobView.class);
        assertThat(view.status()).isEqualTo("RECEIVED");
        assertThat(view.fileName()).isEqualTo("my talk.mp4");
        assertThat(view.questions()).extracting(AnswerView::questionId, AnswerView::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("q1", AnswerView.State.PENDING));
        assertThat(view.progress()).extracting(JobView.StageProgress::state).containsExactly(JobView.StageState.DONE,
                JobView.StageState.RUNNING, JobView.StageState.PENDING, JobView.StageState.PENDING, JobView.StageState.PENDING,
                JobView.StageState.PENDING);
        // a second event for the same object is a duplicate of the same job
        assertThat(register(row.get("key").s()).action()).isEqualTo(RegisterResult.Action.DUPLICATE);
    }

    @Test
    void anotherCallersJobIsAnUnknownJobOnEveryRoute() throws Exception {
        String jobId = uploadAndRegister(ALICE, bytes(500), List.of("Who?"));
        process(jobId);
        for (String[] route : new String[][]{{"GET", ApiPaths.job(jobId)}, {"GET", ApiPaths.scenes(jobId)}, {"GET", ApiPaths.report(jobId)},
                {"GET", ApiPaths.answer(jobId, "q1")}, {"POST", ApiPaths.questions(jobId)}}) {
            HttpResponse r = call(BOB, route[0], route[1], route[0].equals("POST") ? Map.of("questions", List.of("Why?")) : null);
            assertThat(r.statusCode()).as(route[0] + " " + route[1]).isEqualTo(404);
            assertThat(error(r).type()).isEqualTo("NOT_FOUND");
            assertThat(r.body()).doesNotContain("a red ball", "Exception", "\tat ");
            assertThat(call(ALICE, route[0], route[1], route[0].equals("POST") ? Map.of("questions", List.of("Why?")) : null).statusCode())
                    .as(route[0] + " " + route[1]).isBetween(200, 299);
        }
        assertThat(read(call(BOB, "GET", ApiPaths.JOBS, null), JobList.class).jobs()).extracting(JobList.JobSummary::jobId).doesNotContain(jobId);
    }

    @Test
    void unknownJobsBadIdsAndBadQuestionsAreTypedErrors() throws Exception {
        HttpResponse unknown = call(ALICE, "GET", ApiPaths.job("0123456789abcdef0123456789abcdef"), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown).type()).isEqualTo("NOT_FOUND");
        HttpResponse badId = call(ALICE, "GET", ApiPaths.job("not-a-job-id"), null);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(error(badId).type()).isEqualTo("BAD_REQUEST");

        String jobId = uploadAndRegister(ALICE, bytes(300), List.of("What?"));
        HttpResponse notYet = call(ALICE, "POST", ApiPaths.questions(jobId), Map.of("questions", List.of("And now?")));
        assertThat(notYet.statusCode()).isEqualTo(409);
        assertThat(error(notYet).type()).isEqualTo("NOT_READY");
        assertThat(error(notYet).status()).isEqualTo("RECEIVED");
        assertThat(error(call(ALICE, "GET", ApiPaths.report(jobId), null)).status()).isEqualTo("RECEIVED");

        process(jobId);
        for (Object bad : List.of(Map.of("questions", List.of("   ")), Map.of("questions", List.of()),
                Map.of("questions", List.of("x".repeat(2001))), Map.of("questions", java.util.Collections.nCopies(21, "why?")))) {
            HttpResponse r = call(ALICE, "POST", ApiPaths.questions(jobId), bad);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(error(r).type()).isEqualTo("BAD_QUESTION");
        }
        HttpResponse notJson = call(ALICE, "POST", ApiPaths.questions(jobId), "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson).type()).isEqualTo("BAD_REQUEST");
        assertThat(notJson.body()).doesNotContain("\tat ");
        HttpResponse badUpload = call(ALICE, "POST", ApiPaths.VIDEOS, Map.of("fileName", "a.mp4", "sizeBytes", 1, "questions", List.of("")));
        assertThat(error(badUpload).type()).isEqualTo("BAD_QUESTION");
        HttpResponse tooLarge = call(ALICE, "POST", ApiPaths.VIDEOS, Map.of("fileName", "a.mp4", "sizeBytes", 1L << 40));
        assertThat(error(tooLarge).type()).isEqualTo("TOO_LARGE");
        HttpResponse noName = call(ALICE, "POST", ApiPaths.VIDEOS, Map.of("sizeBytes", 10));
        assertThat(error(noName).type()).isEqualTo("BAD_REQUEST");
        HttpResponse anonymous = call(null, "GET", ApiPaths.JOBS, null);
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(call(ALICE, "DELETE", ApiPaths.job(jobId), null).statusCode()).isEqualTo(404);
        assertThat(call(ALICE, "GET", ApiPaths.answer(jobId, "q99"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void followUpQuestionsStartTheAnswerWorkflowOverTheStoredArtifacts() throws Exception {
        String jobId = uploadAndRegister(ALICE, bytes(700), List.of("What is shown?"));
        process(jobId);
        started.clear();
        HttpResponse r = call(ALICE, "POST", ApiPaths.questions(jobId), Map.of("questions", List.of("What colour?", " How many? ")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        QuestionsAccepted accepted = read(r, QuestionsAccepted.class);
        assertThat(accepted.questions()).extracting(q -> q.id() + "=" + q.text()).containsExactly("q2=What colour?", "q3=How many?");
        assertThat(started).hasSize(1);
        JsonNode start = started.getFirst();
        assertThat(start.path("stateMachineArn").asText()).isEqualTo(ANSWER_MACHINE);
        assertThat(start.path("name").asText()).isEqualTo(jobId + "-q2");
        JsonNode input = Json.mapper().readTree(start.path("input").asText());
        assertThat(input.path("jobId").asText()).isEqualTo(jobId);
        assertThat(input.path("scenesKey").asText()).isEqualTo(S3Layout.scenes(jobId));
        assertThat(input.path("segmentKeys")).extracting(JsonNode::asText).containsExactly(S3Layout.segment(jobId, 0), S3Layout.segment(jobId, 1));
        assertThat(input.path("video").path("key").asText()).isEqualTo("videos/" + jobId + "/my talk.mp4");
        assertThat(input.path("questions").get(0).path("id").asText()).isEqualTo("q2");

        assertThat(read(call(ALICE, "GET", ApiPaths.answer(jobId, "q2"), null), AnswerView.class).state()).isEqualTo(AnswerView.State.PENDING);
        // the answer workflow's record step, then its answer file
        RecordService record = new RecordService(store, jobs, settings);
        record.record(new RecordRequest(jobId, "ANSWERED", List.of(new InlineAnswer("q2", "What colour?", S3Layout.answer(jobId, "q2"), "red", null)),
                null, null, null));
        store.putJson(LocalAws.BUCKET, S3Layout.answer(jobId, "q2"), Map.of("questionId", "q2", "answer", "red, all of it", "model", "m"));
        record.record(new RecordRequest(jobId, "ANSWER_FAILED", List.of(new InlineAnswer("q3", "How many?", null, null, null)), null,
                new RecordRequest.AslError("LongVqa.MODEL_UNAVAILABLE", "{\"errorMessage\":\"no model\"}"), null));
        AnswerView q2 = read(call(ALICE, "GET", ApiPaths.answer(jobId, "q2"), null), AnswerView.class);
        assertThat(q2.state()).isEqualTo(AnswerView.State.ANSWERED);
        assertThat(q2.answer()).isEqualTo("red, all of it");
        AnswerView q3 = read(call(ALICE, "GET", ApiPaths.answer(jobId, "q3"), null), AnswerView.class);
        assertThat(q3.state()).isEqualTo(AnswerView.State.FAILED);
        assertThat(q3.error().type()).isEqualTo("MODEL_UNAVAILABLE");
        JobView view = read(call(ALICE, "GET", ApiPaths.job(jobId), null), JobView.class);
        assertThat(view.status()).isEqualTo("SUCCEEDED");
        assertThat(view.questions()).extracting(AnswerView::questionId, AnswerView::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("q1", AnswerView.State.ANSWERED), org.assertj.core.groups.Tuple.tuple("q2", AnswerView.State.ANSWERED),
                org.assertj.core.groups.Tuple.tuple("q3", AnswerView.State.FAILED));
        assertThat(view.progress()).allMatch(p -> p.state() == JobView.StageState.DONE);
        assertThat(view.scenes().count()).isEqualTo(2);
        assertThat(view.costs().promptTokens()).isEqualTo(20);
        // the next ask continues the numbering
        assertThat(read(call(ALICE, "POST", ApiPaths.questions(jobId), Map.of("questions", List.of("Again?"))), QuestionsAccepted.class)
                .questions().getFirst().id()).isEqualTo("q4");
    }

    @Test
    void scenesAndTheReportShowWhatTheJobStored() throws Exception {
        String jobId = uploadAndRegister(ALICE, bytes(400), List.of("What is shown?"));
        process(jobId);
        JsonNode scenes = Json.mapper().readTree(call(ALICE, "GET", ApiPaths.scenes(jobId), null).body());
        assertThat(scenes.path("scenes")).hasSize(2);
        assertThat(scenes.path("curve")).hasSize(2);
        assertThat(scenes.path("segments").get(1).path("summary").asText()).isEqualTo("segment 1 summary");
        HttpResponse link = call(ALICE, "GET", ApiPaths.report(jobId), null);
        assertThat(link.statusCode()).as(link.body()).isEqualTo(200);
        String url = Json.mapper().readTree(link.body()).path("url").asText();
        var html = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.body()).contains("<html").contains("a red ball").contains("segment 0 summary");
    }

    @Test
    void theCallersJobsComePagedNewestFirst() throws Exception {
        String caller = "arn:aws:iam::111111111111:user/pager-" + System.nanoTime();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(uploadAndRegister(caller, bytes(100 + i), List.of("Q?")));
            Thread.sleep(5); // distinct createdAt
        }
        JobList first = read(call(caller, "GET", ApiPaths.JOBS + "?limit=2", null), JobList.class);
        assertThat(first.jobs()).extracting(JobList.JobSummary::jobId).containsExactly(ids.get(2), ids.get(1));
        assertThat(first.next()).isNotNull();
        JobList second = read(call(caller, "GET", ApiPaths.JOBS + "?limit=2&next=" + first.next(), null), JobList.class);
        assertThat(second.jobs()).extracting(JobList.JobSummary::jobId).containsExactly(ids.get(0));
        // another caller cannot page through this caller's index with its token
        HttpResponse stolen = call(BOB, "GET", ApiPaths.JOBS + "?next=" + first.next(), null);
        assertThat(stolen.statusCode()).isEqualTo(400);
        assertThat(error(call(caller, "GET", ApiPaths.JOBS + "?limit=0", null)).type()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void largeFilesUploadInPresignedPartsThenComplete() throws Exception {
        byte[] video = bytes((int) ApiSettings.MIN_PART_BYTES + 1000);
        HttpResponse created = call(ALICE, "POST", ApiPaths.VIDEOS, Map.of("fileName", "big.mp4", "sizeBytes", video.length));
        UploadResponse up = read(created, UploadResponse.class);
        assertThat(up.url()).isNull();
        assertThat(up.parts()).hasSize(2);
        for (UploadResponse.PartUrl p : up.parts()) {
            int from = (int) ((p.partNumber() - 1) * up.partSizeBytes());
            int to = (int) Math.min(video.length, from + up.partSizeBytes());
            var put = http.send(HttpRequest.newBuilder(URI.create(p.url()))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(video, from, to - from)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
        Map<String, String> complete = Map.of("key", up.key(), "uploadId", up.uploadId());
        assertThat(call(BOB, "POST", up.completePath(), complete).statusCode()).isEqualTo(404);
        HttpResponse done = call(ALICE, "POST", up.completePath(), complete);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(s3.headObject(b -> b.bucket(LocalAws.BUCKET).key(up.key())).contentLength()).isEqualTo(video.length);
        assertThat(register(up.key()).jobId()).isEqualTo(up.jobId());
    }

    @Test
    void thePageIsServed() {
        HttpResponse page = call(null, "GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().get("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("<html");
        assertThat(call(null, "GET", "/static/../../../etc/passwd", null).statusCode()).isEqualTo(404);
        assertThat(call(null, "GET", "/static/nope.js", null).statusCode()).isEqualTo(404);
    }
}
