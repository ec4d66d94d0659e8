package dev.longvqa.reason;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

/** One question about a video; {@code id} names its answer file and row entry. */
public record Question(String id, String text) {
    /** Longer questions are almost certainly pasted documents, not questions. */
    public static final int MAX_CHARS = dev.longvqa.contract.Limits.MAX_QUESTION_CHARS;

    public Question {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("question id is empty");
        if (text == null || text.isBlank()) throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "question " + id + " is empty");
        if (text.length() > MAX_CHARS) {
            throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "question " + id + " has " + text.length() + " characters (limit " + MAX_CHARS + ")");
        }
        text = text.strip();
    }

    public static Question of(String text) {
        return new Question("q0", text);
    }
}
