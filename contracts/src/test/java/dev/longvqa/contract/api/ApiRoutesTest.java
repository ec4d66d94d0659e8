package dev.longvqa.contract.api;

import dev.longvqa.contract.JobQuestion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.longvqa.contract.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/openapi.yaml, the routes the stack creates, and the shapes the handler writes say the same thing. */
class ApiRoutesTest {
    static JsonNode openApi() throws Exception {
        Path doc = Path.of("..", "docs", "openapi.yaml");
        return YAMLMapper.builder().build().readTree(Files.readString(doc));
    }

    @Test
    void theDocumentHasExactlyTheRoutesTheStackCreates() throws Exception {
        List<String> documented = new ArrayList<>();
        openApi().path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m ->
                documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        // API Gateway's greedy variable {file+} is OpenAPI's {file}
        assertThat(documented).containsExactlyInAnyOrderElementsOf(ApiRoutes.ALL.stream().map(r -> r.replace("+}", "}")).toList());
    }

    @Test
    void everyDocumentedRouteOutsideThePageRequiresSigV4() throws Exception {
        JsonNode doc = openApi();
        assertThat(doc.path("security").get(0).has("sigv4")).isTrue();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            boolean page = p.getKey().equals("/") || p.getKey().startsWith("/static/");
            // the page's own routes say they need no caller identity in the handler; the stack still signs them
            assertThat(op.getValue().has("security")).as(op.getKey() + " " + p.getKey()).isEqualTo(page);
        }));
    }

    @Test
    void theRecordsWriteTheDocumentedFieldNames() throws Exception {
        JsonNode schemas = openApi().path("components").path("schemas");
        Map<String, Object> samples = Map.of(
                "UploadResponse", new UploadResponse("j", "k", "t", 1, "u", "id", 5L, List.of(new UploadResponse.PartUrl(1, "u")), "/c",
                        List.of(new JobQuestion("q1", "t"))),
                "JobView", new JobView("j", "f", "k", 1L, "SUCCEEDED", "done", "c", "u", 1.0,
                        List.of(new JobView.StageProgress("plan", JobView.StageState.DONE, 1L)), new JobView.ScenesSummary(1, 2, 3),
                        List.of(new AnswerView("q1", "t", AnswerView.State.ANSWERED, "a", "m", null)), new JobView.CostSummary(1L, 2L, 3L, Map.of()),
                        new JobView.JobError("T", "m")),
                "JobList", new JobList(List.of(), "n"),
                "QuestionsAccepted", new QuestionsAccepted("j", List.of(), "arn"),
                "AnswerView", new AnswerView("q1", "t", AnswerView.State.FAILED, null, null, new JobView.JobError("T", "m")),
                "ReportLink", new ReportLink("u", "t"),
                "ErrorBody", ApiError.of("NOT_READY", "m", "RECEIVED"));
        samples.forEach((schema, value) -> {
            JsonNode written = Json.mapper().valueToTree(value);
            List<String> fields = new ArrayList<>();
            written.fieldNames().forEachRemaining(fields::add);
            List<String> documented = new ArrayList<>();
            schemas.path(schema).path("properties").fieldNames().forEachRemaining(documented::add);
            assertThat(documented).as(schema).containsAll(fields);
            schemas.path(schema).path("required").forEach(r -> assertThat(fields).as(schema + " required").contains(r.asText()));
        });
    }
}
