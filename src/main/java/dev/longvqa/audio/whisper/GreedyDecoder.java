package dev.longvqa.audio.whisper;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Greedy decoding of one 30 s window with timestamps, with openai/whisper's logit filters in their
 * order ({@code decoding.py}): SuppressBlank (the checkpoint's {@code begin_suppress_tokens} at
 * the first step), SuppressTokens (its {@code suppress_tokens} plus the task/start markers), then
 * ApplyTimestampRules: no {@code <|notimestamps|>}; timestamps in pairs (after a lone timestamp
 * only another timestamp or the end, after a pair only text); timestamps never decrease; the
 * first token is a timestamp of at most {@code max_initial_timestamp_index} steps; and a
 * timestamp is forced whenever the timestamps' total probability beats every text token's.
 * At most half the decoder's positions are sampled, as openai's {@code sample_len}.
 */
final class GreedyDecoder {
    private final WhisperModel model;
    private final WhisperTokenizer tok;
    private final long[] prompt;
    private final boolean[] suppressed;
    private final int[] beginSuppressed;
    private final int maxInitialTimestamp;
    private final int sampleLen;

    public GreedyDecoder(WhisperModel model, WhisperTokenizer tok, WhisperConfig cfg, String language) {
        this.model = model;
        this.tok = tok;
        List<Long> p = new ArrayList<>(List.of((long) tok.startOfTranscript));
        if (cfg.multilingual()) {
            int lang = tok.special("<|" + language + "|>");
            if (lang < 0) throw new IllegalArgumentException("the tokenizer has no language token <|" + language + "|>");
            int task = tok.special("<|transcribe|>");
            if (task < 0) throw new IllegalArgumentException("the tokenizer has no <|transcribe|> token");
            p.add((long) lang);
            p.add((long) task);
        }
        prompt = p.stream().mapToLong(Long::longValue).toArray();
        int vocab = cfg.arch().vocabSize();
        suppressed = new boolean[vocab];
        for (int t : cfg.suppressTokens()) if (t >= 0 && t < vocab) suppressed[t] = true;
        for (int t : tok.alwaysSuppressed) if (t < vocab) suppressed[t] = true;
        beginSuppressed = cfg.beginSuppressTokens().stream().mapToInt(Integer::intValue).filter(t -> t >= 0 && t < vocab).toArray();
        maxInitialTimestamp = cfg.maxInitialTimestampIndex();
        sampleLen = cfg.arch().targetPositions() / 2;
    }

    /** The window's sampled tokens (text and timestamps, the end-of-text not included). */
    public List<Integer> decode(NDArray encoded) {
        List<Integer> out = new ArrayList<>();
        try (WhisperModel.DecoderState state = model.decoder(encoded)) {
            float[] logits = state.step(prompt);
            while (out.size() < sampleLen) {
                int next = pick(logits, out);
                if (next == tok.endOfText) break;
                out.add(next);
                if (out.size() >= sampleLen || state.position() >= model.config().targetPositions()) break;
                logits = state.step(new long[]{next});
            }
        }
        return out;
    }

    /** The filtered argmax after {@code sampled}; {@code logits} is overwritten. */
    int pick(float[] logits, List<Integer> sampled) {
        float ninf = Float.NEGATIVE_INFINITY;
        int tb = tok.timestampBegin, eot = tok.endOfText, n = logits.length;
        if (sampled.isEmpty()) for (int t : beginSuppressed) logits[t] = ninf;
        for (int i = 0; i < n; i++) if (suppressed[i]) logits[i] = ninf;
        logits[tok.noTimestamps] = ninf;
        int size = sampled.size();
        boolean lastTs = size >= 1 && sampled.get(size - 1) >= tb;
        boolean penultTs = size < 2 || sampled.get(size - 2) >= tb;
        if (lastTs) {
            if (penultTs) fill(logits, tb, n, ninf);
            else fill(logits, 0, eot, ninf);
        }
        int lastStamp = -1;
        for (int t : sampled) if (t >= tb) lastStamp = t;
        if (lastStamp >= 0) fill(logits, tb, Math.min(n, lastTs && !penultTs ? lastStamp : lastStamp + 1), ninf);
        if (sampled.isEmpty()) {
            fill(logits, 0, tb, ninf);
            fill(logits, Math.min(n, tb + maxInitialTimestamp + 1), n, ninf);
        }
        // log-softmax: timestamps' total probability against the best text token's
        double max = ninf;
        for (float v : logits) max = Math.max(max, v);
        double sum = 0;
        for (float v : logits) if (v != ninf) sum += Math.exp(v - max);
        double logZ = max + Math.log(sum);
        double tsMax = ninf, textMax = ninf;
        for (int i = tb; i < n; i++) tsMax = Math.max(tsMax, logits[i]);
        for (int i = 0; i < tb; i++) textMax = Math.max(textMax, logits[i]);
        if (tsMax != ninf) {
            double tsSum = 0;
            for (int i = tb; i < n; i++) if (logits[i] != ninf) tsSum += Math.exp(logits[i] - tsMax);
            double tsLogProb = tsMax + Math.log(tsSum) - logZ;
            if (tsLogProb > textMax - logZ) fill(logits, 0, tb, ninf);
        }
        int best = 0;
        for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static void fill(float[] a, int from, int to, float v) {
        for (int i = Math.max(0, from); i < to; i++) a[i] = v;
    }
}
