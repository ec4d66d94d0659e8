package dev.longvqa.worker;

import java.util.List;

/**
 * The final LVCoT pass for one question, from the segment summaries. Built once at start-up and
 * kept; thread-safe. The lead adapts {@code dev.longvqa.reason.Lvcot#answerAll} to this;
 * {@link OpenAiAnswerer} is the HTTP default.
 */
public interface Answerer {
    String modelId();

    AnswerResult answer(AnswerRequest request) throws InterruptedException;

    /** One summary, as stored in {@code segments/{i}.json}. */
    record SegmentSummary(int index, double startSec, double endSec, String summary) {}

    record AnswerRequest(String jobId, VideoRef video, List<SegmentSummary> segments, TaskMessage.QuestionRef question) {
        public AnswerRequest {
            segments = List.copyOf(segments);
        }
    }

    record AnswerResult(String answer, Tokens tokens) {}
}
