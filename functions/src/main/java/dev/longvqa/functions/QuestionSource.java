package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import dev.longvqa.contract.JobQuestion;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a video's questions come from, in order: the sidecar object {@code questions/<key under videos/>.json}
 * ({@link dev.longvqa.contract.S3Layout#sidecar}),
 * ({@code {"questions": [...]}} or {@code [...]}), the object metadata {@code x-amz-meta-question},
 * else {@link #DEFAULT}. All are checked against the configured limits.
 */
public final class QuestionSource {
    public static final String DEFAULT = "Describe what happens in this video.";
    /** Far above 20 questions of 2000 characters: anything bigger is not a question list. */
    static final long MAX_SIDECAR_BYTES = 256 * 1024;

    private final int maxQuestions;
    private final int maxChars;

    public QuestionSource(int maxQuestions, int maxChars) {
        this.maxQuestions = maxQuestions;
        this.maxChars = maxChars;
    }

    public List<JobQuestion> resolve(Optional<byte[]> sidecar, Map<String, String> metadata) {
        List<String> texts;
        if (sidecar.isPresent()) {
            texts = parseSidecar(sidecar.get());
        } else if (metadata != null && metadata.get("question") != null) {
            texts = List.of(decodeMimeWord(metadata.get("question")));
        } else {
            texts = List.of(DEFAULT);
        }
        return validate(texts);
    }

    List<String> parseSidecar(byte[] bytes) {
        if (bytes.length > MAX_SIDECAR_BYTES) {
            throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "the questions file has more than " + MAX_SIDECAR_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "the questions file is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        JsonNode list = root != null && root.isObject() ? root.get("questions") : root;
        if (list == null || !list.isArray()) {
            throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "the questions file must be {\"questions\": [...]} or [...]");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode q : list) {
            if (!q.isTextual()) throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "every question must be a string");
            out.add(q.asText());
        }
        return out;
    }

    /** Checks texts against the limits; ids {@code q1..qN} in order. BAD_QUESTION on the first that fails. */
    public List<JobQuestion> validate(List<String> texts) {
        if (texts.isEmpty()) throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "no questions given");
        if (texts.size() > maxQuestions) {
            throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, texts.size() + " questions, more than the limit of " + maxQuestions);
        }
        List<JobQuestion> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i).strip();
            if (t.isEmpty()) throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "question " + (i + 1) + " is empty");
            int chars = t.codePointCount(0, t.length());
            if (chars > maxChars) {
                throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "question " + (i + 1) + " has " + chars
                        + " characters, more than the limit of " + maxChars);
            }
            out.add(new JobQuestion("q" + (i + 1), t));
        }
        return List.copyOf(out);
    }

    private static final Pattern MIME_WORD = Pattern.compile("=\\?([^?]+)\\?([bBqQ])\\?([^?]*)\\?=");

    /**
     * S3 returns non-ASCII user metadata as RFC 2047 encoded words ({@code =?UTF-8?B?...?=}) when
     * the uploader encoded it so; plain values pass through unchanged.
     */
    static String decodeMimeWord(String value) {
        Matcher m = MIME_WORD.matcher(value.strip());
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(value.strip(), last, m.start());
            try {
                java.nio.charset.Charset cs = java.nio.charset.Charset.forName(m.group(1));
                byte[] bytes = m.group(2).equalsIgnoreCase("B")
                        ? Base64.getDecoder().decode(m.group(3))
                        : qDecode(m.group(3));
                out.append(new String(bytes, cs));
            } catch (IllegalArgumentException e) {
                out.append(m.group()); // not decodable: keep it as written
            }
            last = m.end();
        }
        out.append(value.strip().substring(last));
        return out.toString();
    }

    private static byte[] qDecode(String s) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') b.write(' ');
            else if (c == '=' && i + 2 < s.length()) {
                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else b.write(c);
        }
        return b.toByteArray();
    }
}
