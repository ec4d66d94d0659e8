package dev.longvqa.reason;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * LVCoT knobs. Defaults follow the reference ({@code eval/cot.py}): the segment prompt
 * "Describe the video segment in detail.", 128 new tokens, greedy; summaries joined inside
 * {@code <think>…</think>} before the question. We add timestamps (segment and scene times,
 * "From 0s to 300s: …") so answers can cite when something happens.
 */
public record LvcotSettings(SegmentRule rule, String segmentPrompt, int segmentMaxTokens, int answerMaxTokens,
                            double temperature, int maxImagesPerPass, boolean finalPassVideo, String systemPrompt,
                            String answerSuffix, int segmentParallelism, Profile profile) {
    /** The system turn the reference sends with every TDC prompt ({@code conv_qwen}, {@code conv_llama3}). */
    public static final String REFERENCE_SYSTEM = "You are a helpful assistant.";

    /**
     * How passes are worded and cut.
     * <ul>
     *   <li>{@link #REFERENCE}: what a TDC checkpoint was trained and evaluated with
     *       ({@code eval/cot.py}, {@code eval/eval_videomme.py}): segment pass
     *       {@code <video>\nDescribe the video segment in detail.}, final pass
     *       {@code <video>\n<think>s1 s2 s3</think>question}, system "You are a helpful assistant.",
     *       parts cut by sampled-frame count (remainder dropped), the Q-Former reading the question
     *       text the LLM reads after the think block, the frame budget from the real token count.</li>
     *   <li>{@link #ANNOTATED}: this project's own wording: segment and scene times in headers,
     *       "From Xs to Ys:" before each summary, parts cut by time (a deviation, docs/TDC.md).</li>
     *   <li>{@link #AUTO} (default): REFERENCE when the video comes as a TDC context (a
     *       text-conditioned provider), ANNOTATED for image and text backends.</li>
     * </ul>
     */
    public enum Profile { AUTO, REFERENCE, ANNOTATED }

    /** Bump when the prompt layout changes: old cached summaries were made from other prompts. */
    static final String LAYOUT_VERSION = "lvcot-1";

    public LvcotSettings {
        Objects.requireNonNull(rule, "rule");
        if (segmentPrompt == null || segmentPrompt.isBlank()) throw new IllegalArgumentException("segment prompt is empty");
        if (segmentMaxTokens <= 0 || answerMaxTokens <= 0) throw new IllegalArgumentException("token limits must be positive");
        if (!(temperature >= 0)) throw new IllegalArgumentException("temperature must be >= 0");
        if (maxImagesPerPass < 0) throw new IllegalArgumentException("maxImagesPerPass < 0");
        answerSuffix = answerSuffix == null ? "" : answerSuffix;
        if (segmentParallelism < 1) throw new IllegalArgumentException("segmentParallelism must be >= 1");
        if (profile == null) profile = Profile.AUTO;
    }

    public static LvcotSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.rule = rule;
        b.segmentPrompt = segmentPrompt;
        b.segmentMaxTokens = segmentMaxTokens;
        b.answerMaxTokens = answerMaxTokens;
        b.temperature = temperature;
        b.maxImagesPerPass = maxImagesPerPass;
        b.finalPassVideo = finalPassVideo;
        b.systemPrompt = systemPrompt;
        b.answerSuffix = answerSuffix;
        b.segmentParallelism = segmentParallelism;
        b.profile = profile;
        return b;
    }

    /**
     * What decides a segment summary besides the video and the model: everything that goes into
     * a segment pass. Answer-only settings are left out so changing them keeps the cache.
     */
    public String segmentFingerprint() {
        String s = String.join("\u0000", LAYOUT_VERSION, profile.name(), segmentPrompt, Integer.toString(segmentMaxTokens),
                Double.toString(temperature), Integer.toString(maxImagesPerPass), Objects.toString(systemPrompt));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class Builder {
        private SegmentRule rule = SegmentRule.REFERENCE;
        private String segmentPrompt = "Describe the video segment in detail.";
        private int segmentMaxTokens = 128;
        private int answerMaxTokens = 512;
        private double temperature = 0.0;
        private int maxImagesPerPass = 32;
        private boolean finalPassVideo = true;
        private String systemPrompt;
        private String answerSuffix = "";
        private int segmentParallelism = 1;
        private Profile profile = Profile.AUTO;

        public Builder rule(SegmentRule v) { rule = v; return this; }
        public Builder segmentPrompt(String v) { segmentPrompt = v; return this; }
        public Builder segmentMaxTokens(int v) { segmentMaxTokens = v; return this; }
        public Builder answerMaxTokens(int v) { answerMaxTokens = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        /** Frames per pass for image backends; more are thinned evenly. */
        public Builder maxImagesPerPass(int v) { maxImagesPerPass = v; return this; }
        /** Whether the final pass also sees the whole video (the reference does). */
        public Builder finalPassVideo(boolean v) { finalPassVideo = v; return this; }
        public Builder systemPrompt(String v) { systemPrompt = v; return this; }
        /** Appended after each question, e.g. an answer-format instruction. */
        public Builder answerSuffix(String v) { answerSuffix = v; return this; }
        /**
         * Segment passes in flight at once within one {@link Lvcot#answer} call. Servers such as
         * vLLM batch concurrent requests, so 3 segments cost about one pass of wall time.
         */
        public Builder segmentParallelism(int v) { segmentParallelism = v; return this; }

        /** Prompt wording and part cutting ({@link Profile}; default AUTO). */
        public Builder profile(Profile v) { profile = v; return this; }

        public LvcotSettings build() {
            return new LvcotSettings(rule, segmentPrompt, segmentMaxTokens, answerMaxTokens, temperature,
                    maxImagesPerPass, finalPassVideo, systemPrompt, answerSuffix, segmentParallelism, profile);
        }
    }
}
