package dev.longvqa.contract;

import java.util.List;

/** Output of {@code register}. {@code jobId}, {@code video} and {@code questions} are null when IGNORED. */
public record RegisterResult(String jobId, Action action, VideoRef video, List<JobQuestion> questions) {
    public enum Action { START, DUPLICATE, IGNORED }

    public static RegisterResult ignored(VideoRef video) {
        return new RegisterResult(null, Action.IGNORED, video, List.of());
    }
}
