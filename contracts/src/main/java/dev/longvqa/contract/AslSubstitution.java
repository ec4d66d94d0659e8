package dev.longvqa.contract;

import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code ${Name}} placeholders of {@code statemachine/longvqa.asl.json}: Step Functions fills
 * them from the state machine's definition substitutions (the stack), the local cloud from its own
 * endpoints. Every one is filled; the ASL may use a subset.
 */
public enum AslSubstitution {
    REGISTER_FUNCTION_ARN("RegisterFunctionArn"),
    PLAN_FUNCTION_ARN("PlanFunctionArn"),
    DECODE_RANGE_FUNCTION_ARN("DecodeRangeFunctionArn"),
    SEGMENT_FUNCTION_ARN("SegmentFunctionArn"),
    RECORD_FUNCTION_ARN("RecordFunctionArn"),
    TASK_QUEUE_URL("TaskQueueUrl"),
    BUCKET_NAME("BucketName"),
    JOBS_TABLE_NAME("JobsTableName"),
    /** The stack's transcript source, a {@link TranscriptSource} name: the workflow's Choice runs Amazon Transcribe only for {@code transcribe}. */
    TRANSCRIPT_SOURCE("TranscriptSource");

    private final String placeholder;

    AslSubstitution(String placeholder) {
        this.placeholder = placeholder;
    }

    /** The name between {@code ${} and {@code }} in the ASL text. */
    public String placeholder() {
        return placeholder;
    }

    public static Optional<AslSubstitution> byPlaceholder(String name) {
        return Arrays.stream(values()).filter(s -> s.placeholder.equals(name)).findFirst();
    }
}
