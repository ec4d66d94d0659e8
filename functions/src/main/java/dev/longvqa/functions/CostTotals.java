package dev.longvqa.functions;

import dev.longvqa.contract.RecordRequest;
import dev.longvqa.contract.Tokens;
import dev.longvqa.contract.TaskCost;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job row's cost fields from what the GPU tasks reported: total LLM tokens (prompt,
 * completion) and TDC visual tokens, GPU time per stage ({@code reason} = the segment tasks'
 * time summed, {@code answer}, {@code tdc} = time spent building TDC contexts, {@code audio} = decoding
 * sound and recognising speech; audio tokens beside the visual ones), and one entry per
 * LVCoT segment pointing at its summary with what it cost.
 *
 * @param tokens null when nothing reported tokens
 */
record CostTotals(Tokens tokens, long visualTokens, long audioTokens, Map<String, Long> timings, AttributeValue segments) {

    static CostTotals of(RecordRequest.Costs c) {
        List<TaskCost> tasks = c.segments() == null ? List.of() : c.segments();
        Tokens tokens = c.tokens();
        long visual = 0, reasonMs = 0, tdcMs = 0, audio = 0, audioMs = 0;
        for (TaskCost t : tasks) {
            if (t == null) continue;
            if (c.tokens() == null && t.tokens() != null) tokens = tokens == null ? t.tokens() : tokens.plus(t.tokens());
            visual += t.visualTokens();
            reasonMs += t.elapsedMs();
            tdcMs += t.tdcMs();
            audio += t.audioTokens();
            audioMs += t.audioMs();
        }
        Map<String, Long> timings = new LinkedHashMap<>();
        if (!tasks.isEmpty()) timings.put("reason", reasonMs);
        TaskCost a = c.answer();
        if (a != null) {
            if (c.tokens() == null && a.tokens() != null) tokens = tokens == null ? a.tokens() : tokens.plus(a.tokens());
            visual += a.visualTokens();
            tdcMs += a.tdcMs();
            audio += a.audioTokens();
            audioMs += a.audioMs();
            timings.put("answer", a.elapsedMs());
        }
        if (tdcMs > 0) timings.put("tdc", tdcMs);
        if (audioMs > 0) timings.put("audio", audioMs);
        if (c.timings() != null) timings.putAll(c.timings()); // explicit totals win
        return new CostTotals(tokens, visual, audio, timings, segmentList(tasks));
    }

    private static AttributeValue segmentList(List<TaskCost> tasks) {
        return AttributeValue.fromL(tasks.stream().filter(t -> t != null).map(t -> {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            if (t.segmentKey() != null) m.put("segmentKey", JobStore.s(t.segmentKey()));
            if (t.tokens() != null) {
                m.put("prompt", JobStore.n(t.tokens().prompt()));
                m.put("completion", JobStore.n(t.tokens().completion()));
            }
            m.put("visualTokens", JobStore.n(t.visualTokens()));
            m.put("tdcMs", JobStore.n(t.tdcMs()));
            if (t.audioTokens() > 0) m.put("audioTokens", JobStore.n(t.audioTokens()));
            if (t.audioMs() > 0) m.put("audioMs", JobStore.n(t.audioMs()));
            m.put("elapsedMs", JobStore.n(t.elapsedMs()));
            return AttributeValue.fromM(m);
        }).toList());
    }
}
