package dev.longvqa.functions;

import dev.longvqa.contract.JobRow;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code record} writes for the answer-only workflow ({@code statemachine/answer.asl.json}),
 * which the API's follow-up questions start: the answers appended to the row, or the error per
 * question; either way the job stays SUCCEEDED.
 */
final class FollowUpAnswers {
    private FollowUpAnswers() {}

    /** Inline answer text on the row; the whole answer stays in its answer file. */
    private static final int INLINE_CHARS = 2000;

    /**
     * {@code record} with outcome {@code ANSWERED} (answer.asl.json): appends the follow-up answers
     * to the row's {@code answers}; the job stays SUCCEEDED.
     */
    static void recordAnswered(JobStore jobs, String jobId, List<Map<String, String>> answers) {
        List<AttributeValue> items = new ArrayList<>();
        for (Map<String, String> a : answers) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            a.forEach((k, v) -> {
                if (v != null) m.put(k, JobStore.s(k.equals("answer") && v.length() > INLINE_CHARS ? v.substring(0, INLINE_CHARS) : v));
            });
            items.add(AttributeValue.fromM(m));
        }
        if (items.isEmpty()) return;
        if (!jobs.update(jobId, "#a = list_append(if_not_exists(#a, :none), :new)", "attribute_exists(jobId)",
                Map.of("#a", "answers"), Map.of(":none", AttributeValue.fromL(List.of()), ":new", AttributeValue.fromL(items)))) {
            throw JobStore.missing(jobId);
        }
    }

    /** {@code record} with outcome {@code ANSWER_FAILED}: the error per question; the job stays SUCCEEDED. */
    static void recordAnswerFailed(JobStore jobs, String jobId, List<String> questionIds, String type, String message) {
        jobs.update(jobId, "#e = if_not_exists(#e, :empty)", "attribute_exists(jobId)", Map.of("#e", JobRow.ANSWER_ERRORS),
                Map.of(":empty", AttributeValue.fromM(Map.of())));
        if (questionIds.isEmpty()) return;
        List<String> sets = new ArrayList<>();
        Map<String, String> names = new LinkedHashMap<>();
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        names.put("#e", JobRow.ANSWER_ERRORS);
        AttributeValue error = AttributeValue.fromM(Map.of("type", JobStore.s(type), "message", JobStore.s(message)));
        values.put(":err", error);
        for (int i = 0; i < questionIds.size(); i++) {
            names.put("#q" + i, questionIds.get(i));
            sets.add("#e.#q" + i + " = :err");
        }
        jobs.update(jobId, String.join(", ", sets), "attribute_exists(jobId)", names, values);
    }
}
