package dev.longvqa.worker;

import java.util.List;

/**
 * One GPU task as sent by the state machine ({@code sqs:sendMessage.waitForTaskToken}); the body
 * shape is fixed in docs/ARCHITECTURE.md ("GPU tasks").
 */
public sealed interface TaskMessage permits TaskMessage.SegmentTask, TaskMessage.AnswerTask {
    String taskToken();

    String jobId();

    /** Null only for an answer task sent without one (then LONGVQA_BUCKET names the bucket). */
    VideoRef video();

    String type();

    /** One LVCoT segment: time range, its index and how many segments the video has (0: not said). */
    record Span(int index, int count, double startSec, double endSec) {}

    /** One question; {@code id} names the answer file. */
    record QuestionRef(String id, String text) {}

    /** Summarise one segment: question-independent, cached across questions. */
    record SegmentTask(String taskToken, String jobId, VideoRef video, String scenesKey, Span segment)
            implements TaskMessage {
        public String type() {
            return "segment";
        }
    }

    /** Answer every question from the segment summaries (one pass per question). */
    record AnswerTask(String taskToken, String jobId, VideoRef video, String scenesKey, List<String> segmentKeys,
                      List<QuestionRef> questions) implements TaskMessage {
        public AnswerTask {
            segmentKeys = List.copyOf(segmentKeys);
            questions = List.copyOf(questions);
        }

        public String type() {
            return "answer";
        }
    }
}
