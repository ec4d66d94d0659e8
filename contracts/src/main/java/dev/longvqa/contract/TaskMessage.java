package dev.longvqa.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * One GPU task, the body of the SQS message the state machine sends
 * ({@code sqs:sendMessage.waitForTaskToken}, the ReasonSegment and Answer states' {@code MessageBody})
 * and the GPU worker reads with {@link Json#mapper()}. {@code type} tells the two apart. The worker
 * answers with a {@link TaskResult} through SendTaskSuccess.
 *
 * <p>Every component is a field of the message body; {@code AslContractTest} (infra) holds the ASL's
 * MessageBody against these components, so a field renamed on either side fails there.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = TaskMessage.TYPE)
@JsonSubTypes({
        @JsonSubTypes.Type(value = TaskMessage.SegmentTask.class, name = TaskMessage.SEGMENT),
        @JsonSubTypes.Type(value = TaskMessage.AnswerTask.class, name = TaskMessage.ANSWER)})
public sealed interface TaskMessage permits TaskMessage.SegmentTask, TaskMessage.AnswerTask {
    /** The field that names the task type. */
    String TYPE = "type";
    String SEGMENT = "segment";
    String ANSWER = "answer";

    /** The token the execution waits on: every report (success, failure, heartbeat) names it. */
    String taskToken();

    String jobId();

    /** The artifacts bucket (the stack's bucket; the worker's LONGVQA_BUCKET names the same one). */
    String bucket();

    /** Null only for an answer task sent without one. */
    VideoRef video();

    /** {@code jobs/{jobId}/scenes.json}; null: {@link S3Layout#scenes} of the job. */
    String scenesKey();

    /** {@link #SEGMENT} or {@link #ANSWER}. */
    @JsonIgnore
    String type();

    /**
     * Summarise one LVCoT segment: question-independent, cached across questions. The worker answers
     * with {@link TaskResult.SegmentSummarized}.
     */
    record SegmentTask(String taskToken, String jobId, String bucket, VideoRef video, String scenesKey,
                       LvcotSegment segment) implements TaskMessage {
        public SegmentTask {
            Envelope.require(taskToken, jobId);
            if (video == null || video.bucket() == null || video.key() == null) {
                throw new IllegalArgumentException("segment task without video (bucket and key)");
            }
            if (segment == null) throw new IllegalArgumentException("segment task without segment");
        }

        @Override
        public String type() {
            return SEGMENT;
        }
    }

    /**
     * Answer every question from the segment summaries (one pass per question). The worker answers
     * with {@link TaskResult.QuestionsAnswered}.
     *
     * @param segmentKeys the segment summaries, as the ReasonSegment tasks reported them
     */
    record AnswerTask(String taskToken, String jobId, String bucket, VideoRef video, String scenesKey,
                      List<String> segmentKeys, List<JobQuestion> questions) implements TaskMessage {
        public AnswerTask {
            Envelope.require(taskToken, jobId);
            segmentKeys = segmentKeys == null ? List.of() : List.copyOf(segmentKeys);
            if (questions == null || questions.isEmpty()) throw new IllegalArgumentException("answer task without questions");
            for (JobQuestion q : questions) {
                if (q == null || q.id() == null || q.id().isBlank() || q.text() == null || q.text().isBlank()) {
                    throw new IllegalArgumentException("question needs id and text");
                }
            }
            questions = List.copyOf(questions);
        }

        @Override
        public String type() {
            return ANSWER;
        }
    }

    /**
     * What every task message carries, read leniently from a body that is not a valid task, so that
     * the worker can still report a bad message to the execution waiting on its token.
     * {@code ContractsTest} holds these components against both task records.
     */
    record Envelope(String taskToken, String jobId) {
        static void require(String taskToken, String jobId) {
            if (taskToken == null || taskToken.isBlank()) throw new IllegalArgumentException("no taskToken");
            if (jobId == null || jobId.isBlank()) throw new IllegalArgumentException("no jobId");
        }
    }
}
