package dev.longvqa.functions.api;

import dev.longvqa.contract.SegmentSummary;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.JobStatus;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.api.AnswerView;
import dev.longvqa.contract.api.JobList;
import dev.longvqa.contract.api.JobView;
import dev.longvqa.contract.api.ReportLink;
import dev.longvqa.contract.api.SceneDetail;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.contract.ScenesDocument;
import dev.longvqa.reason.AnswerOutput;
import dev.longvqa.reason.AskReport;
import dev.longvqa.report.ReportData;
import dev.longvqa.report.ReportWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The read routes: {@code GET /jobs}, {@code /jobs/{id}}, its scenes, one answer, the report. */
final class JobQueries {
    private static final Pattern QUESTION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final long MAX_DOC_BYTES = 32L * 1024 * 1024;
    private static final int DEFAULT_PAGE = 20;
    private static final int MAX_PAGE = 100;

    private final ApiDeps deps;

    JobQueries(ApiDeps deps) {
        this.deps = deps;
    }

    /** The row, if it is the caller's; another caller's job is as unknown as a missing one. */
    static Map<String, AttributeValue> owned(ApiDeps deps, String caller, String jobId) {
        return deps.jobs().get(jobId).filter(row -> caller.equals(Rows.str(row, JobRow.OWNER)))
                .orElseThrow(() -> ApiException.noJob(jobId));
    }

    JobList list(String caller, String limitText, String next) {
        int limit = DEFAULT_PAGE;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("limit must be a number from 1 to " + MAX_PAGE);
            }
            if (limit < 1 || limit > MAX_PAGE) throw ApiException.badRequest("limit must be a number from 1 to " + MAX_PAGE);
        }
        Map<String, AttributeValue> start = next == null || next.isEmpty() ? null : decodeToken(caller, next);
        int pageSize = limit;
        QueryResponse r = deps.dynamo().query(b -> b.tableName(deps.settings().requireTable()).indexName(JobRow.OWNER_INDEX)
                .keyConditionExpression("#o = :o").expressionAttributeNames(Map.of("#o", JobRow.OWNER))
                .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(caller)))
                .scanIndexForward(false).limit(pageSize).exclusiveStartKey(start));
        List<JobList.JobSummary> jobs = r.items().stream().map(row -> new JobList.JobSummary(Rows.str(row, JobRow.JOB_ID),
                Rows.fileName(row), Rows.status(row), Rows.str(row, JobRow.STAGE), Rows.str(row, JobRow.CREATED_AT),
                Rows.str(row, "updatedAt"), Rows.str(row, "errorType"))).toList();
        String token = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? encodeToken(r.lastEvaluatedKey()) : null;
        return new JobList(jobs, token);
    }

    /** The page token: the index's last key (job id, owner, created at) as base64url JSON. */
    private static String encodeToken(Map<String, AttributeValue> key) {
        Map<String, String> plain = new LinkedHashMap<>();
        key.forEach((k, v) -> plain.put(k, v.s()));
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.mapper().writeValueAsBytes(plain));
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "cannot write a page token", e);
        }
    }

    private static Map<String, AttributeValue> decodeToken(String caller, String token) {
        Map<String, String> plain;
        try {
            plain = Json.mapper().readValue(Base64.getUrlDecoder().decode(token),
                    Json.mapper().getTypeFactory().constructMapType(Map.class, String.class, String.class));
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.badRequest("next is not a page token of GET /jobs");
        }
        if (!caller.equals(plain.get(JobRow.OWNER)) || plain.get(JobRow.JOB_ID) == null || plain.get(JobRow.CREATED_AT) == null
                || plain.size() != 3) {
            throw ApiException.badRequest("next is not a page token of GET /jobs");
        }
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        plain.forEach((k, v) -> key.put(k, AttributeValue.fromS(v)));
        return key;
    }

    JobView get(String caller, String jobId) {
        Map<String, AttributeValue> row = owned(deps, caller, jobId);
        Map<String, Long> timings = new LinkedHashMap<>();
        Rows.map(row, "timings").forEach((k, v) -> {
            if (v.n() != null) timings.put(k, (long) Double.parseDouble(v.n()));
        });
        String status = Rows.status(row);
        Map<String, AttributeValue> tokens = Rows.map(row, "tokens");
        JobView.CostSummary costs = tokens.isEmpty() && timings.isEmpty() ? null : new JobView.CostSummary(
                Rows.num(tokens, "prompt"), Rows.num(tokens, "completion"), Rows.num(tokens, "visual"), timings);
        Long sceneCount = Rows.num(row, "sceneCount");
        int segments = Rows.list(row, "segments").size();
        JobView.ScenesSummary scenes = sceneCount == null ? null : new JobView.ScenesSummary(sceneCount.intValue(),
                Optional.ofNullable(Rows.num(row, "frameCount")).map(Long::intValue).orElse(null), segments == 0 ? null : segments);
        String errorType = Rows.str(row, "errorType");
        JobView.JobError error = errorType == null ? null : new JobView.JobError(errorType, Rows.str(row, "errorMessage"));
        return new JobView(jobId, Rows.fileName(row), Rows.str(row, "key"), Rows.num(row, "sizeBytes"), status,
                Rows.str(row, JobRow.STAGE), Rows.str(row, JobRow.CREATED_AT), Rows.str(row, "updatedAt"), Rows.dbl(row, "durationSec"),
                progress(status, Rows.str(row, JobRow.STAGE), timings, errorType), scenes, questions(row, jobId), costs, error);
    }

    /**
     * Each stage's state from what the row holds: the status names the running stage, a stage's
     * timing says it is done; of a FAILED job, the first stage without a timing is the one that failed.
     */
    static List<JobView.StageProgress> progress(String status, String stage, Map<String, Long> timings, String errorType) {
        int running = switch (status == null ? "" : status) {
            case "RECEIVED" -> 1;
            case "DECODING" -> timings.containsKey("plan") ? 2 : 1;
            case "SEGMENTING" -> 3;
            case "REASONING" -> 4;
            case "ANSWERING" -> 5;
            case "SUCCEEDED" -> JobView.STAGES.size();
            default -> -1;
        };
        if (JobStatus.FAILED.name().equals(status)) {
            running = "register".equals(stage) ? 0 : 1;
            for (int i = 1; i < JobView.STAGES.size(); i++) {
                if (timings.containsKey(JobView.STAGES.get(i))) running = i + 1;
            }
            if (running == 2 && !timings.containsKey("segment")) running = 2; // failed while decoding
        }
        List<JobView.StageProgress> out = new ArrayList<>();
        for (int i = 0; i < JobView.STAGES.size(); i++) {
            String s = JobView.STAGES.get(i);
            JobView.StageState state;
            if (i < running || (i == running && timings.containsKey(s) && !JobStatus.FAILED.name().equals(status))) {
                state = JobView.StageState.DONE;
            } else if (i == running) {
                state = JobStatus.FAILED.name().equals(status) ? JobView.StageState.FAILED : JobView.StageState.RUNNING;
            } else {
                state = JobView.StageState.PENDING;
            }
            out.add(new JobView.StageProgress(s, state, timings.get(s)));
        }
        return out;
    }

    /** Every question of the row with its state: answered (row answers), failed (answer errors or a failed job), or pending. */
    private List<AnswerView> questions(Map<String, AttributeValue> row, String jobId) {
        Map<String, Map<String, AttributeValue>> answers = new LinkedHashMap<>();
        for (AttributeValue a : Rows.list(row, "answers")) {
            if (a.hasM() && a.m().get("questionId") != null) answers.put(a.m().get("questionId").s(), a.m());
        }
        String answersKey = Rows.str(row, "answersKey");
        if (answersKey != null) {
            // answers too large for the row: record moved them to result.json
            readJson(answersKey).ifPresent(doc -> doc.path("answers").forEach(a -> {
                Map<String, AttributeValue> m = new LinkedHashMap<>();
                m.put("answer", AttributeValue.fromS(a.path("answer").asText("")));
                answers.putIfAbsent(a.path("questionId").asText(), m);
            }));
        }
        Map<String, AttributeValue> errors = Rows.map(row, JobRow.ANSWER_ERRORS);
        boolean jobFailed = JobStatus.FAILED.name().equals(Rows.status(row));
        List<AnswerView> out = new ArrayList<>();
        for (AttributeValue q : Rows.list(row, "questions")) {
            if (!q.hasM()) continue;
            String id = Rows.str(q.m(), "id");
            String text = Rows.str(q.m(), "text");
            out.add(view(id, text, answers.get(id), errors.get(id), jobFailed ? row : null));
        }
        return out;
    }

    private static AnswerView view(String id, String text, Map<String, AttributeValue> answer, AttributeValue error,
                                   Map<String, AttributeValue> failedRow) {
        if (answer != null) return new AnswerView(id, text, AnswerView.State.ANSWERED, Rows.str(answer, "answer"), null, null);
        if (error != null && error.hasM()) {
            return new AnswerView(id, text, AnswerView.State.FAILED, null, null,
                    new JobView.JobError(Rows.str(error.m(), "type"), Rows.str(error.m(), "message")));
        }
        if (failedRow != null) {
            return new AnswerView(id, text, AnswerView.State.FAILED, null, null,
                    new JobView.JobError(Rows.str(failedRow, "errorType"), Rows.str(failedRow, "errorMessage")));
        }
        return new AnswerView(id, text, AnswerView.State.PENDING, null, null, null);
    }

    /** One answer: its answer file when the answer pass wrote it (the whole text), else its state from the row. */
    AnswerView answer(String caller, String jobId, String questionId) {
        if (!QUESTION_ID.matcher(questionId).matches()) throw ApiException.badRequest("not a question id: " + questionId);
        Map<String, AttributeValue> row = owned(deps, caller, jobId);
        AnswerView known = questions(row, jobId).stream().filter(q -> q.questionId().equals(questionId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("job " + jobId + " has no question " + questionId));
        Optional<JsonNode> file = readJson(S3Layout.answer(jobId, questionId));
        if (file.isPresent()) {
            JsonNode f = file.get();
            return new AnswerView(questionId, known.question(), AnswerView.State.ANSWERED, f.path("answer").asText(""),
                    f.path("model").asText(null), null);
        }
        return known;
    }

    SceneDetail scenes(String caller, String jobId) {
        Map<String, AttributeValue> row = owned(deps, caller, jobId);
        String scenesKey = Rows.str(row, "scenesKey");
        if (scenesKey == null) throw ApiException.notReady(jobId, Rows.status(row), "it has no scenes yet");
        ScenesDocument doc = scenesDocument(jobId, scenesKey);
        List<SceneDetail.SceneView> scenes = doc.scenes() == null ? List.of() : doc.scenes().stream()
                .map(s -> new SceneDetail.SceneView(s.index(), s.startSec(), s.endSec(), s.representativeSec())).toList();
        List<ScenesDocument.CurveEntry> curve = doc.similarity() == null ? List.of() : doc.similarity().stream()
                .map(c -> new ScenesDocument.CurveEntry(c.timeSec(), c.similarity())).toList();
        return new SceneDetail(jobId, doc.durationSec(), scenes, curve, segments(row, jobId));
    }

    private ScenesDocument scenesDocument(String jobId, String scenesKey) {
        byte[] bytes = deps.store().getSmall(deps.settings().requireBucket(), scenesKey, MAX_DOC_BYTES)
                .orElseThrow(() -> new LongVqaException(ErrorCode.INTERNAL, "job " + jobId + ": " + scenesKey + " is missing"));
        try {
            return Json.mapper().readerFor(ScenesDocument.class)
                    .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(bytes);
        } catch (IOException e) {
            throw new LongVqaException(ErrorCode.INTERNAL, "job " + jobId + ": " + scenesKey + " is not a scenes document", e);
        }
    }

    /** The segment summaries the reason stage wrote so far, in order. */
    private List<SegmentSummary> segments(Map<String, AttributeValue> row, String jobId) {
        List<SegmentSummary> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Optional<JsonNode> seg = readJson(S3Layout.segment(jobId, i));
            if (seg.isEmpty()) break;
            JsonNode s = seg.get();
            out.add(new SegmentSummary(s.path("index").asInt(i), s.path("startSec").asDouble(), s.path("endSec").asDouble(),
                    s.path("summary").asText("")));
        }
        return out;
    }

    /**
     * {@code jobs/{jobId}/report.html}, rendered by the core's report writer on first request from
     * the stored scenes, segment summaries and answers, then handed out as a presigned GET.
     */
    ReportLink report(String caller, String jobId) {
        Map<String, AttributeValue> row = owned(deps, caller, jobId);
        if (!JobStatus.SUCCEEDED.name().equals(Rows.status(row))) {
            throw ApiException.notReady(jobId, Rows.status(row), "the report is written once the job has SUCCEEDED");
        }
        String bucket = deps.settings().requireBucket();
        String key = S3Layout.report(jobId);
        // rendered again when answers were added since: the report shows every answer
        String updated = Rows.str(row, "updatedAt");
        var head = deps.store().head(bucket, key);
        boolean stale = head.isEmpty() || updated == null || head.get().lastModified() == null
                || head.get().lastModified().isBefore(Instant.parse(updated));
        if (stale) {
            ScenesDocument doc = scenesDocument(jobId, Optional.ofNullable(Rows.str(row, "scenesKey")).orElse(S3Layout.scenes(jobId)));
            List<AnswerOutput> answers = questions(row, jobId).stream().map(q -> new AnswerOutput(q.questionId(), q.question(),
                    q.answer() == null ? "(" + q.state().name().toLowerCase(java.util.Locale.ROOT) + ")" : q.answer(), null, 0, 0, 0)).toList();
            List<SegmentSummary> segs = segments(row, jobId);
            Map<String, AttributeValue> tokens = Rows.map(row, "tokens");
            AskReport ask = new AskReport(answers.isEmpty() ? "" : answers.getFirst().answer(), "", jobId, doc.durationSec(), answers,
                    segs, List.of(), new AskReport.TokenUsage(Optional.ofNullable(Rows.num(tokens, "prompt")).orElse(0L).intValue(),
                    Optional.ofNullable(Rows.num(tokens, "completion")).orElse(0L).intValue(), 0), new AskReport.Elapsed(0, 0, 0));
            String html = ReportWriter.render(ReportData.of(doc, Map.of()).withAsk(ask));
            deps.store().put(bucket, key, html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
        }
        Instant expires = deps.clock().instant().plus(deps.api().urlTtl());
        String url = deps.presigner().presignGetObject(p -> p.signatureDuration(deps.api().urlTtl())
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString();
        return new ReportLink(url, expires.toString());
    }

    private Optional<JsonNode> readJson(String key) {
        return deps.store().getSmall(deps.settings().requireBucket(), key, MAX_DOC_BYTES).map(b -> {
            try {
                return Json.mapper().readTree(b);
            } catch (IOException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, key + " is not JSON", e);
            }
        });
    }
}
