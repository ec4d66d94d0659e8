package dev.longvqa.local.cloud;

import dev.longvqa.cli.FakeOpenAiServer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.AnswerView;
import dev.longvqa.contract.api.ApiError;
import dev.longvqa.contract.api.ApiPaths;
import dev.longvqa.contract.api.JobList;
import dev.longvqa.contract.api.JobView;
import dev.longvqa.contract.api.QuestionsAccepted;
import dev.longvqa.contract.api.UploadResponse;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API as {@code local up} serves it, end to end, as a client meets it: create an upload, PUT a
 * generated video to the presigned URL, poll the job to SUCCEEDED, ask two follow-up questions,
 * read the answers. The follow-ups run the answer-only workflow: the stand-in OpenAI server sees
 * only answer passes (no segment prompt), and the answer execution enters no decode or reason state.
 */
@Timeout(600)
class LocalApiEndToEndTest {

    @TempDir
    static Path dir;
    static LocalCloud cloud;
    static FakeOpenAiServer llm;
    static final HttpClient http = HttpClient.newHttpClient();
    static String api;

    @BeforeAll
    static void up() throws Exception {
        dev.longvqa.local.LocalCli.commandLineForTests();
        llm = FakeOpenAiServer.lvcot();
        cloud = TestClouds.builder(dir)
                .worker(LocalWiring.worker(llm.spec()))
                .api(0)
                .build();
        api = cloud.endpoints().api();
        // as local up does, so that `local ask` finds the API
        Json.mapper().writeValue(dir.resolve("cloud").resolve("endpoints.json").toFile(), cloud.endpoints());
    }

    @AfterAll
    static void down() {
        if (cloud != null) cloud.close();
        if (llm != null) llm.close();
    }

    static HttpResponse<String> send(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path));
        if (body == null) b.method(method, HttpRequest.BodyPublishers.noBody());
        else b.header("content-type", "application/json").method(method,
                HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.mapper().writeValueAsString(body)));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static <T> T read(HttpResponse<String> r, Class<T> type) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return Json.mapper().readValue(r.body(), type);
    }

    @Test
    void uploadPollAskTwiceAndReadTheAnswersThroughTheApi() throws Exception {
        SyntheticVideo.Generated v = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 8)
                .shot(SyntheticVideo.ShotType.PAN, 8).build().write(dir.resolve("clip.mp4"));
        byte[] video = Files.readAllBytes(v.path());

        // the page is served by the same API
        HttpResponse<String> page = send("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");

        UploadResponse up = read(send("POST", ApiPaths.VIDEOS, Map.of("fileName", "clip.mp4", "sizeBytes", video.length,
                "questions", List.of("What moves?"))), UploadResponse.class);
        assertThat(up.url()).startsWith(cloud.endpoints().s3());
        // a browser on the API's page PUTs across origins: the emulator must allow it
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(up.url()))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", api)
                .header("Access-Control-Request-Method", "PUT").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).as("CORS preflight: " + preflight.headers().map()).isBetween(200, 299);
        assertThat(preflight.headers().firstValue("access-control-allow-origin")).isPresent();
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(up.url())).PUT(HttpRequest.BodyPublishers.ofByteArray(video)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        JobView job = null;
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send("GET", ApiPaths.job(up.jobId()), null);
            if (r.statusCode() == 200) {
                job = Json.mapper().readValue(r.body(), JobView.class);
                if (job.status().equals("SUCCEEDED") || job.status().equals("FAILED")) break;
            } else {
                assertThat(r.statusCode()).as("not registered yet: " + r.body()).isEqualTo(404);
                cloud.scanNow();
            }
            Thread.sleep(300);
        }
        assertThat(job).isNotNull();
        assertThat(job.status()).as(Json.mapper().writeValueAsString(job)).isEqualTo("SUCCEEDED");
        assertThat(job.questions()).extracting(AnswerView::state).containsExactly(AnswerView.State.ANSWERED);
        assertThat(job.progress()).allMatch(p -> p.state() == JobView.StageState.DONE);
        assertThat(read(send("GET", ApiPaths.JOBS, null), JobList.class).jobs()).extracting(JobList.JobSummary::jobId).contains(up.jobId());
        long segmentsBefore = llm.segmentPrompts();
        int promptsBefore = llm.prompts.size();
        int mainExecutions = cloud.executor().executions().size();
        assertThat(segmentsBefore).as("the job's own segment passes").isPositive();
        JobView.CostSummary costsBefore = job.costs();
        assertThat(costsBefore.promptTokens()).as("the stand-in model's usage, 50 prompt tokens a call").isEqualTo(50L * promptsBefore);

        // two follow-ups, asked one after the other
        List<AnswerView> answers = new ArrayList<>();
        List<String> executions = new ArrayList<>();
        for (String question : List.of("What colour is the square?", "How many shots are there?")) {
            QuestionsAccepted accepted = read(send("POST", ApiPaths.questions(up.jobId()), Map.of("questions", List.of(question))),
                    QuestionsAccepted.class);
            executions.add(accepted.executionArn());
            String qid = accepted.questions().getFirst().id();
            AnswerView a;
            do {
                Thread.sleep(200);
                a = read(send("GET", ApiPaths.answer(up.jobId(), qid), null), AnswerView.class);
            } while (a.state() == AnswerView.State.PENDING && System.nanoTime() < deadline);
            answers.add(a);
        }
        assertThat(answers).extracting(AnswerView::questionId).containsExactly("q2", "q3");
        assertThat(answers).allSatisfy(a -> {
            assertThat(a.state()).isEqualTo(AnswerView.State.ANSWERED);
            assertThat(a.answer()).startsWith("answer ");
        });
        // answer passes only: one model call per question, none of them a segment pass
        assertThat(llm.segmentPrompts()).as("segment LLM calls for the follow-ups").isEqualTo(segmentsBefore);
        assertThat(llm.prompts.subList(promptsBefore, llm.prompts.size())).hasSize(2).noneMatch(p -> p.contains(FakeOpenAiServer.SEGMENT_PROMPT))
                .anyMatch(p -> p.contains("What colour is the square?")).anyMatch(p -> p.contains("How many shots are there?"));
        // no decode: the upload workflow did not run again, the answer workflow entered only its own states
        assertThat(cloud.executor().executions()).hasSize(mainExecutions);
        for (String arn : executions) {
            List<String> states = new ArrayList<>();
            cloud.clients().sfn().getExecutionHistory(b -> b.executionArn(arn)).events().forEach(e -> {
                if (e.stateEnteredEventDetails() != null) states.add(e.stateEnteredEventDetails().name());
            });
            assertThat(states).containsExactly("Answer", "RecordAnswers", "Done");
        }
        JobView after = read(send("GET", ApiPaths.job(up.jobId()), null), JobView.class);
        assertThat(after.status()).isEqualTo("SUCCEEDED");
        assertThat(after.questions()).extracting(AnswerView::questionId).containsExactly("q1", "q2", "q3");
        // the follow-ups' costs are on the job: one answer call each (50 prompt, 5 completion tokens), and their time
        assertThat(after.costs().promptTokens()).isEqualTo(costsBefore.promptTokens() + 2 * 50);
        assertThat(after.costs().completionTokens()).isEqualTo(costsBefore.completionTokens() + 2 * 5);
        assertThat(after.costs().timingsMs().get("answer")).isGreaterThanOrEqualTo(costsBefore.timingsMs().get("answer"));

        // the same through the CLI
        CliRun ask = CliRun.of(dir.resolve("cloud"), "ask", up.jobId(), "Is it day or night?");
        assertThat(ask.exit()).as(ask.err()).isZero();
        assertThat(ask.out()).contains("q4").contains("answer ");
        assertThat(llm.segmentPrompts()).isEqualTo(segmentsBefore);

        // typed errors
        HttpResponse<String> unknown = send("GET", ApiPaths.job("0123456789abcdef0123456789abcdef"), null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.mapper().readValue(unknown.body(), ApiError.class).error().type()).isEqualTo("NOT_FOUND");
        HttpResponse<String> bad = send("POST", ApiPaths.questions(up.jobId()), Map.of("questions", List.of("  ")));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.mapper().readValue(bad.body(), ApiError.class).error().type()).isEqualTo("BAD_QUESTION");
        CliRun unknownAsk = CliRun.of(dir.resolve("cloud"), "ask", "0123456789abcdef0123456789abcdef", "Why?");
        assertThat(unknownAsk.exit()).isEqualTo(2);
        assertThat(unknownAsk.err()).startsWith("error: NOT_FOUND");
        // the report of the job, from the emulator through its presigned URL
        JsonNode link = Json.mapper().readTree(send("GET", ApiPaths.report(up.jobId()), null).body());
        HttpResponse<String> report = http.send(HttpRequest.newBuilder(URI.create(link.path("url").asText())).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.body()).contains("What colour is the square?");
    }
}
