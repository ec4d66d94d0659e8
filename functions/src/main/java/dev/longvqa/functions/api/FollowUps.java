package dev.longvqa.functions.api;

import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.JobStatus;
import dev.longvqa.contract.Json;
import dev.longvqa.contract.S3Layout;
import dev.longvqa.contract.FunctionEnv;
import dev.longvqa.contract.api.AnswerExecutionInput;
import dev.longvqa.contract.api.QuestionsAccepted;
import dev.longvqa.contract.api.QuestionsRequest;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.functions.JobStore;
import dev.longvqa.contract.JobQuestion;
import dev.longvqa.functions.QuestionSource;
import dev.longvqa.contract.VideoRef;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /jobs/{jobId}/questions}: appends the questions to the row (ids continue after the
 * row's last one) and starts the answer-only workflow ({@code statemachine/answer.asl.json}) over
 * the stored scenes, frames and segment summaries. The row's question list is the id allocator: the
 * append is conditional on its length, so two concurrent asks get distinct ids.
 */
final class FollowUps {
    private static final int ATTEMPTS = 5;

    private final ApiDeps deps;

    FollowUps(ApiDeps deps) {
        this.deps = deps;
    }

    QuestionsAccepted ask(String caller, String jobId, QuestionsRequest req) {
        if (req.questions() == null || req.questions().isEmpty()) throw ApiException.badQuestion("no questions given");
        if (req.questions().stream().anyMatch(java.util.Objects::isNull)) throw ApiException.badQuestion("a question is null");
        QuestionSource source = new QuestionSource(deps.settings().questions().maxCount(), deps.settings().questions().maxChars());
        validated(source, req.questions(), 0); // bad input answers 400 before anything is looked up
        String arn = deps.api().answerStateMachineArn();
        if (arn == null || arn.isBlank()) {
            throw new LongVqaException(ErrorCode.INTERNAL, FunctionEnv.ANSWER_STATE_MACHINE.variable() + " is not set");
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Map<String, AttributeValue> row = JobQueries.owned(deps, caller, jobId);
            String status = Rows.status(row);
            if (!JobStatus.SUCCEEDED.name().equals(status)) {
                throw ApiException.notReady(jobId, status, "questions are answered once the job has SUCCEEDED");
            }
            int n = Rows.list(row, "questions").size();
            List<JobQuestion> refs = validated(source, req.questions(), n);
            List<AttributeValue> added = refs.stream().map(q -> AttributeValue.fromM(Map.of(
                    "id", JobStore.s(q.id()), "text", JobStore.s(q.text()), "askedAt", JobStore.s(deps.jobs().now())))).toList();
            boolean appended = deps.jobs().update(jobId, "#q = list_append(if_not_exists(#q, :none), :new)",
                    "size(#q) = :n AND #status = :succeeded AND #owner = :owner",
                    Map.of("#q", "questions", "#status", JobRow.STATUS, "#owner", JobRow.OWNER),
                    Map.of(":none", AttributeValue.fromL(List.of()), ":new", AttributeValue.fromL(added),
                            ":n", JobStore.n(n), ":succeeded", JobStore.s(JobStatus.SUCCEEDED.name()), ":owner", JobStore.s(caller)));
            if (!appended) continue; // another ask took these ids: read the row again
            AnswerExecutionInput input = new AnswerExecutionInput(jobId, video(row), scenesKey(row, jobId), segmentKeys(row, jobId),
                    refs, refs.stream().map(q -> new AnswerExecutionInput.Pending(q.id(), q.text())).toList());
            String name = jobId + "-" + refs.getFirst().id();
            String text;
            try {
                text = Json.mapper().writeValueAsString(input);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new LongVqaException(ErrorCode.INTERNAL, "cannot serialise the answer execution's input", e);
            }
            String executionArn = deps.sfn().startExecution(b -> b.stateMachineArn(arn).name(name).input(text)).executionArn();
            return new QuestionsAccepted(jobId, refs, executionArn);
        }
        throw new LongVqaException(ErrorCode.THROTTLED, "questions of job " + jobId + " kept changing; try again");
    }

    /** The register step's rules and limits; ids continue after {@code offset} questions. */
    static List<JobQuestion> validated(QuestionSource source, List<String> texts, int offset) {
        List<JobQuestion> checked;
        try {
            checked = source.validate(texts);
        } catch (LongVqaException e) {
            throw ApiException.badQuestion(e.getMessage());
        }
        List<JobQuestion> out = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) out.add(new JobQuestion("q" + (offset + i + 1), checked.get(i).text()));
        return out;
    }

    private static VideoRef video(Map<String, AttributeValue> row) {
        return new VideoRef(Rows.str(row, "bucket"), Rows.str(row, "key"), Rows.str(row, "versionId"), Rows.str(row, "etag"),
                Rows.num(row, "sizeBytes"));
    }

    private static String scenesKey(Map<String, AttributeValue> row, String jobId) {
        String k = Rows.str(row, "scenesKey");
        return k != null ? k : S3Layout.scenes(jobId);
    }

    /**
     * The segment summaries the job's reason stage wrote, in order: the row's cost entries name them;
     * a row without them (answers recorded by hand, older rows) falls back to the objects under
     * {@code jobs/{jobId}/segments/}.
     */
    private List<String> segmentKeys(Map<String, AttributeValue> row, String jobId) {
        List<String> keys = new ArrayList<>();
        for (AttributeValue seg : Rows.list(row, "segments")) {
            if (seg.hasM() && seg.m().get("segmentKey") != null) keys.add(seg.m().get("segmentKey").s());
        }
        if (!keys.isEmpty()) return keys;
        String prefix = S3Layout.jobPrefix(jobId) + "segments/";
        Map<Integer, String> byIndex = new java.util.TreeMap<>();
        for (S3Object o : deps.store().client().listObjectsV2Paginator(b -> b.bucket(deps.settings().requireBucket()).prefix(prefix)).contents()) {
            String rest = o.key().substring(prefix.length());
            try {
                byIndex.put(Integer.parseInt(rest.substring(0, rest.length() - ".json".length())), o.key());
            } catch (RuntimeException notASegment) {
                // something else under the prefix
            }
        }
        if (byIndex.isEmpty()) throw new LongVqaException(ErrorCode.INTERNAL, "job " + jobId + " has no segment summaries to answer from");
        return new ArrayList<>(byIndex.values());
    }

    // ------------------------------------------------------------ the record function's side
}
