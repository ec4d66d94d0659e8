package dev.longvqa.reason;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;

import java.util.List;

/**
 * The core's rule for a question ({@link JobQuestion}, the one question type of every module: the
 * CLI, the answer task and the API all carry it): an id, a text that is not blank and not longer
 * than {@link #MAX_CHARS}; the text is stripped. {@link Lvcot} holds every question it answers to it.
 */
public final class QuestionRule {
    /** Longer questions are almost certainly pasted documents, not questions. */
    public static final int MAX_CHARS = dev.longvqa.contract.Limits.MAX_QUESTION_CHARS;

    private QuestionRule() {}

    /** The question with its text stripped; BAD_QUESTION when it is empty or too long. */
    public static JobQuestion checked(JobQuestion q) {
        if (q.id() == null || q.id().isBlank()) throw new IllegalArgumentException("question id is empty");
        String text = q.text();
        if (text == null || text.isBlank()) throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "question " + q.id() + " is empty");
        if (text.length() > MAX_CHARS) {
            throw LongVqaException.badInput(ErrorCode.BAD_QUESTION, "question " + q.id() + " has " + text.length() + " characters (limit " + MAX_CHARS + ")");
        }
        String stripped = text.strip();
        return stripped.equals(text) ? q : new JobQuestion(q.id(), stripped);
    }

    static List<JobQuestion> checked(List<JobQuestion> questions) {
        return questions.stream().map(QuestionRule::checked).toList();
    }
}
