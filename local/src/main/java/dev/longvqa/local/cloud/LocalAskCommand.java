package dev.longvqa.local.cloud;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.api.AnswerView;
import dev.longvqa.contract.api.ApiError;
import dev.longvqa.contract.api.ApiPaths;
import dev.longvqa.contract.api.QuestionsAccepted;
import dev.longvqa.contract.api.QuestionsRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code local ask JOB_ID "QUESTION"}: a follow-up question about a processed job, through the local
 * API ({@code POST /jobs/{id}/questions}, then {@code GET /jobs/{id}/answers/{qid}} until answered),
 * exactly what a client of the API in AWS does.
 */
@Command(name = "ask", mixinStandardHelpOptions = true,
        description = "Ask a processed job a new question through the local API: an answer-only run, no decode, no segment pass.")
public final class LocalAskCommand extends CloudCommands.Common implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JOB")
    String jobId;

    @Parameters(index = "1..*", paramLabel = "QUESTION", description = "one or more questions")
    List<String> questions = new ArrayList<>();

    @Option(names = "--timeout", descriptionKey = "local.ask-timeout", description = "seconds to wait for the answers (default: ${DEFAULT-VALUE})")
    long timeoutSec;

    @Override
    public Integer call() throws Exception {
        Path file = dataDir().resolve("endpoints.json");
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the local cloud is not running (no " + file
                    + "): start it with ./longvqa local up");
        }
        String api = LocalCloud.Endpoints.read(file).api();
        if (api == null) throw new CommandLine.ParameterException(spec.commandLine(), "the local cloud serves no API");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> asked = http.send(HttpRequest.newBuilder(URI.create(api + ApiPaths.questions(jobId)))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(new QuestionsRequest(questions)))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (asked.statusCode() != 202) return error(err, asked);
        QuestionsAccepted accepted = Json.mapper().readValue(asked.body(), QuestionsAccepted.class);
        Instant deadline = Instant.now().plusSeconds(timeoutSec);
        List<AnswerView> answers = new ArrayList<>();
        for (JobQuestion q : accepted.questions()) {
            while (true) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + ApiPaths.answer(jobId, q.id()))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) return error(err, r);
                AnswerView a = Json.mapper().readValue(r.body(), AnswerView.class);
                if (a.state() != AnswerView.State.PENDING) {
                    answers.add(a);
                    break;
                }
                if (Instant.now().isAfter(deadline)) {
                    err.println("error: no answer to " + q.id() + " within " + timeoutSec + " s");
                    return 1;
                }
                Thread.sleep(Duration.ofMillis(300));
            }
        }
        if (json) {
            out.println(Json.mapper().writeValueAsString(answers));
        } else {
            for (AnswerView a : answers) {
                out.println(a.questionId() + "  " + a.question());
                out.println(a.state() == AnswerView.State.ANSWERED ? "  " + a.answer()
                        : "  FAILED " + (a.error() == null ? "" : a.error().type() + ": " + a.error().message()));
            }
        }
        return answers.stream().allMatch(a -> a.state() == AnswerView.State.ANSWERED) ? 0 : 1;
    }

    /** One {@code error: TYPE: message} line, exit 2 for the caller's mistakes (4xx), 1 otherwise. */
    private static int error(PrintWriter err, HttpResponse<String> r) throws IOException {
        ApiError.Detail e = Json.mapper().readValue(r.body(), ApiError.class).error();
        err.println("error: " + e.type() + ": " + e.message());
        return r.statusCode() >= 400 && r.statusCode() < 500 ? 2 : 1;
    }
}
