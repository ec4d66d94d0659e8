package dev.longvqa.functions;

import dev.longvqa.reason.Question;
import java.util.List;

/** Output of {@code register}. {@code jobId}, {@code video} and {@code questions} are null when IGNORED. */
public record RegisterResult(String jobId, Action action, Video video, List<Question> questions) {
    public enum Action { START, DUPLICATE, IGNORED }

    static RegisterResult ignored(Video video) {
        return new RegisterResult(null, Action.IGNORED, video, List.of());
    }
}
