package dev.longvqa.functions;

import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.TaskCost;
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
     * to the row's {@code answers} and adds what the answer task spent ({@code cost}, null: nothing
     * reported) to the row's totals, {@code tokens.*} and {@code timings.answer|tdc|audio}, with
     * {@code ADD} in the same UpdateItem, so concurrent follow-ups on one job never lose each other's
     * costs. The question ids go into {@link JobRow#RECORDED_ANSWERS} in that update, on the condition
     * that the first is not there yet: a second delivery of the same record changes nothing (the
     * main workflow's record is idempotent because it only SETs; this one adds, so it checks).
     * The job stays SUCCEEDED.
     */
    static void recordAnswered(JobStore jobs, String jobId, List<Map<String, String>> answers, TaskCost cost) {
        List<AttributeValue> items = new ArrayList<>();
        for (Map<String, String> a : answers) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            a.forEach((k, v) -> {
                if (v != null) m.put(k, JobStore.s(k.equals("answer") && v.length() > INLINE_CHARS ? v.substring(0, INLINE_CHARS) : v));
            });
            items.add(AttributeValue.fromM(m));
        }
        if (items.isEmpty()) return;
        List<String> ids = answers.stream().map(a -> a.get("questionId")).filter(java.util.Objects::nonNull).distinct().toList();
        Map<String, String> names = new LinkedHashMap<>(Map.of("#a", "answers"));
        Map<String, AttributeValue> values = new LinkedHashMap<>(Map.of(":none", AttributeValue.fromL(List.of()), ":new", AttributeValue.fromL(items)));
        List<String> adds = new ArrayList<>();
        String condition = "attribute_exists(jobId)";
        if (!ids.isEmpty()) {
            names.put("#r", JobRow.RECORDED_ANSWERS);
            values.put(":ids", AttributeValue.fromSs(ids));
            values.put(":first", JobStore.s(ids.getFirst()));
            adds.add("#r :ids");
            condition += " AND NOT contains(#r, :first)";
        }
        if (cost != null) {
            // ADD on a path inside a map needs the map: made first, idempotently (SET if_not_exists)
            jobs.update(jobId, "#t = if_not_exists(#t, :empty), #g = if_not_exists(#g, :empty)", "attribute_exists(jobId)",
                    Map.of("#t", JobRow.TOKENS, "#g", JobRow.TIMINGS), Map.of(":empty", AttributeValue.fromM(Map.of())));
            names.put("#t", JobRow.TOKENS);
            names.put("#g", JobRow.TIMINGS);
            Map<String, Long> counters = new LinkedHashMap<>();
            if (cost.tokens() != null) {
                counters.put("#t.prompt", cost.tokens().prompt());
                counters.put("#t.completion", cost.tokens().completion());
            }
            counters.put("#t.visual", cost.visualTokens());
            counters.put("#t.audio", cost.audioTokens());
            counters.put("#g.answer", cost.elapsedMs());
            if (cost.tdcMs() > 0) counters.put("#g.tdc", cost.tdcMs());
            if (cost.audioMs() > 0) counters.put("#g.audio", cost.audioMs());
            int i = 0;
            for (var c : counters.entrySet()) { // every name a placeholder: some are reserved words
                String[] path = c.getKey().split("\\.");
                names.put("#f" + i, path[1]);
                values.put(":c" + i, JobStore.n(c.getValue()));
                adds.add(path[0] + ".#f" + i + " :c" + i);
                i++;
            }
        }
        if (!jobs.update(jobId, "#a = list_append(if_not_exists(#a, :none), :new)", adds.isEmpty() ? null : String.join(", ", adds),
                condition, names, values)) {
            if (jobs.get(jobId).isEmpty()) throw JobStore.missing(jobId);
            // the row holds these answers already: a repeated delivery, recorded once
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
