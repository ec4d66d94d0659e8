package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.RecordRequest;
import dev.longvqa.contract.RecordResult;
import dev.longvqa.contract.InlineAnswer;
import dev.longvqa.contract.JobStatus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code record}: the last word on a job. SUCCEEDED stores answers and costs (answers move to
 * {@code result.json} when the item would grow past the configured size); FAILED stores the error
 * name and message the Catch block saw. A terminal row is never switched to the other terminal state.
 */
public final class RecordService {
    private static final System.Logger LOG = System.getLogger(RecordService.class.getName());
    static final int MAX_MESSAGE_CHARS = 4000;

    private final ObjectStore store;
    private final JobStore jobs;
    private final Settings settings;
    private final UploadIdentity identity;

    public RecordService(ObjectStore store, JobStore jobs, Settings settings) {
        this.store = store;
        this.jobs = jobs;
        this.settings = settings;
        this.identity = new UploadIdentity(store);
    }

    public RecordResult record(RecordRequest req) {
        if (req == null || req.outcome() == null) throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "outcome is required");
        return switch (req.outcome()) {
            case "SUCCEEDED" -> succeed(Requests.jobId(req.jobId()), req);
            case "FAILED" -> fail(req);
            // the answer-only workflow (statemachine/answer.asl.json): the job stays SUCCEEDED either way
            case "ANSWERED" -> {
                String jobId = Requests.jobId(req.jobId());
                FollowUpAnswers.recordAnswered(jobs, jobId, req.answers() == null ? List.of() : req.answers().stream()
                        .map(a -> { Map<String, String> m = new LinkedHashMap<>(); m.put("questionId", a.questionId());
                            m.put("question", a.question()); m.put("answer", a.answer()); m.put("answerKey", a.answerKey()); return m; }).toList(),
                        req.costs() == null ? null : req.costs().answer());
                yield new RecordResult(jobId, JobStatus.SUCCEEDED.name());
            }
            case "ANSWER_FAILED" -> {
                String jobId = Requests.jobId(req.jobId());
                Failure f = Failure.of(req.error());
                FollowUpAnswers.recordAnswerFailed(jobs, jobId, req.answers() == null ? List.of()
                        : req.answers().stream().map(InlineAnswer::questionId).filter(java.util.Objects::nonNull).toList(), f.type(), f.message());
                yield new RecordResult(jobId, JobStatus.SUCCEEDED.name());
            }
            default -> throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "outcome must be SUCCEEDED, FAILED, ANSWERED or ANSWER_FAILED, not " + req.outcome());
        };
    }

    private RecordResult succeed(String jobId, RecordRequest req) {
        Map<String, AttributeValue> row = jobs.get(jobId).orElseThrow(() -> JobStore.missing(jobId));
        List<InlineAnswer> answers = req.answers() == null ? List.of() : req.answers();
        AttributeValue answersValue = AttributeValue.fromL(answers.stream().map(RecordService::answer).toList());
        Map<String, AttributeValue> attrs = new LinkedHashMap<>();
        if (ItemSize.of(row) + ItemSize.of("answers", answersValue) > settings.inlineAnswersBytes()) {
            String key = Keys.result(jobId);
            store.putJson(settings.requireBucket(), key, Map.of("jobId", jobId, "answers", answers));
            attrs.put("answersKey", JobStore.s(key));
            attrs.put("answerCount", JobStore.n(answers.size()));
        } else {
            attrs.put("answers", answersValue);
        }
        Map<String, Long> timings = null;
        if (req.costs() != null) {
            CostTotals totals = CostTotals.of(req.costs());
            if (totals.tokens() != null) {
                attrs.put("tokens", AttributeValue.fromM(Map.of(
                        "prompt", JobStore.n(totals.tokens().prompt()),
                        "completion", JobStore.n(totals.tokens().completion()),
                        "visual", JobStore.n(totals.visualTokens()),
                        "audio", JobStore.n(totals.audioTokens()))));
            }
            if (!totals.segments().l().isEmpty()) attrs.put("segments", totals.segments());
            timings = totals.timings().isEmpty() ? null : totals.timings();
        }
        JobStatus after = jobs.finish(jobId, JobStatus.SUCCEEDED, attrs, timings).orElseThrow(() -> JobStore.missing(jobId));
        if (after != JobStatus.SUCCEEDED) LOG.log(System.Logger.Level.WARNING, "job {0} is already {1}; not marked SUCCEEDED", jobId, after);
        return new RecordResult(jobId, after.name());
    }

    private RecordResult fail(RecordRequest req) {
        Failure f = Failure.of(req.error());
        if (req.jobId() == null && req.executionInput() != null) {
            // From the execution-status rule, which fires for every failed execution, also those
            // whose Catch already recorded the precise reason (the Catch's record runs before the
            // execution ends): a row already terminal keeps what it has.
            String jobId = jobIdOf(req.executionInput());
            Optional<JobStatus> now = jobs.get(jobId).map(item -> JobStatus.valueOf(item.get("status").s()));
            if (now.isPresent() && now.get().terminal()) return new RecordResult(jobId, now.get().name());
            return fail(new RecordRequest(jobId, req.outcome(), req.answers(), req.costs(), req.error(), null));
        }
        if (req.jobId() == null) {
            // The failure came before a job id existed (e.g. registration itself): nothing to update.
            LOG.log(System.Logger.Level.ERROR, "failure without a job: {0}: {1}", f.type(), f.message());
            return new RecordResult(null, JobStatus.FAILED.name());
        }
        String jobId = Requests.jobId(req.jobId());
        Map<String, AttributeValue> attrs = Map.of("errorType", JobStore.s(f.type()), "errorMessage", JobStore.s(f.message()));
        var after = jobs.finish(jobId, JobStatus.FAILED, attrs, null);
        if (after.isEmpty()) {
            // No row to update (the workflow started without one): leave a trace rather than nothing.
            Map<String, AttributeValue> row = new HashMap<>(attrs);
            row.put("jobId", JobStore.s(jobId));
            row.put("status", JobStore.s(JobStatus.FAILED.name()));
            row.put("stage", JobStore.s("failed"));
            if (!jobs.create(row)) after = jobs.finish(jobId, JobStatus.FAILED, attrs, null);
            else after = java.util.Optional.of(JobStatus.FAILED);
        }
        return new RecordResult(jobId, after.orElse(JobStatus.FAILED).name());
    }

    /**
     * The job id RegisterJob gave this execution's S3 event, derived as register derives it
     * ({@link UploadIdentity}: a URL-encoded key resolved against the bucket, the version id or ETag);
     * if the object is gone by now, from the event alone ({@link #jobIdOfExecution}).
     */
    private String jobIdOf(String executionInput) {
        RegisterService.ObjectCreated e = event(executionInput);
        if (e.bucket().equals(settings.bucket().orElse(null))) {
            Optional<UploadIdentity.Identified> id = identity.of(e.bucket(), e);
            if (id.isPresent()) return id.get().jobId();
        }
        return jobIdOfExecution(executionInput);
    }

    /** The job id of this execution's S3 event as the event states it (bucket, key, version id, else ETag). */
    static String jobIdOfExecution(String executionInput) {
        RegisterService.ObjectCreated e = event(executionInput);
        String etag = e.etag() == null ? null : e.etag().replace("\"", "");
        return dev.longvqa.pipeline.JobId.of(e.bucket(), e.key(), e.versionId(), etag).value();
    }

    private static RegisterService.ObjectCreated event(String executionInput) {
        try {
            return RegisterService.ObjectCreated.from(Json.mapper().readTree(executionInput));
        } catch (java.io.IOException | RuntimeException ex) {
            throw new LongVqaException(ErrorCode.BAD_REQUEST, "execution input is not an S3 event: " + ex.getMessage());
        }
    }

    private static AttributeValue answer(InlineAnswer a) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        if (a.questionId() != null) m.put("questionId", JobStore.s(a.questionId()));
        if (a.question() != null) m.put("question", JobStore.s(a.question()));
        if (a.answer() != null) m.put("answer", JobStore.s(a.answer()));
        if (a.answerKey() != null) m.put("answerKey", JobStore.s(a.answerKey()));
        if (Boolean.TRUE.equals(a.truncated())) m.put("truncated", AttributeValue.fromBool(true));
        return AttributeValue.fromM(m);
    }

    /**
     * The row's {@code errorType} and {@code errorMessage} from a Catch's {@code {Error, Cause}}:
     * {@code LongVqa.<CODE>} becomes the bare code; other names ({@code States.Timeout},
     * {@code Lambda.ServiceException}) stay as they are. A Lambda error's Cause is its error JSON
     * ({@code {"errorMessage", "errorType", ...}}): the message is unwrapped from it.
     */
    public record Failure(String type, String message) {
        public static Failure of(RecordRequest.AslError error) {
            String name = error == null || error.error() == null || error.error().isBlank() ? "States.Unknown" : error.error();
            String type = name.startsWith("LongVqa.") && ErrorCode.fromName(name).aslName().equals(name)
                    ? ErrorCode.fromName(name).name() : name;
            String cause = error == null || error.cause() == null ? "" : error.cause();
            String message = cause;
            String trimmed = cause.strip();
            if (trimmed.startsWith("{")) {
                try {
                    JsonNode node = Json.mapper().readTree(trimmed);
                    if (node.hasNonNull("errorMessage")) message = node.get("errorMessage").asText();
                } catch (IOException notJson) {
                    // a Cause that only looks like JSON is kept verbatim
                }
            }
            if (message.isBlank()) message = name;
            if (message.length() > MAX_MESSAGE_CHARS) message = message.substring(0, MAX_MESSAGE_CHARS) + "…";
            return new Failure(type, message);
        }
    }

    /** DynamoDB's item size rule: UTF-8 name lengths plus value sizes (numbers ~ digits/2 + 1). */
    static final class ItemSize {
        private ItemSize() {}

        static long of(Map<String, AttributeValue> item) {
            long n = 0;
            for (var e : item.entrySet()) n += of(e.getKey(), e.getValue());
            return n;
        }

        static long of(String name, AttributeValue v) {
            return utf8(name) + value(v);
        }

        private static long value(AttributeValue v) {
            if (v.s() != null) return utf8(v.s());
            if (v.n() != null) return v.n().length() / 2 + 2;
            if (v.bool() != null || Boolean.TRUE.equals(v.nul())) return 1;
            if (v.hasM()) return 3 + of(v.m()) + v.m().size();
            if (v.hasL()) return 3 + v.l().stream().mapToLong(x -> 1 + value(x)).sum();
            if (v.b() != null) return v.b().asByteArray().length;
            return 8;
        }

        private static long utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
