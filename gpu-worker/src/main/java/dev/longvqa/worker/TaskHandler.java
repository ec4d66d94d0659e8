package dev.longvqa.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Does one kind of GPU task and returns the SendTaskSuccess output (docs/ARCHITECTURE.md, "GPU
 * tasks"). Built once at start-up with its models and reused for every task. Throws
 * {@link dev.longvqa.error.LongVqaException} for reportable failures and
 * {@link InterruptedException} when the worker abandons the task (shutdown, lost token).
 */
public interface TaskHandler<T extends TaskMessage> {
    ObjectNode handle(T task) throws InterruptedException;

    /** The two handlers a worker dispatches to, by message type. */
    record Handlers(TaskHandler<TaskMessage.SegmentTask> segment, TaskHandler<TaskMessage.AnswerTask> answer) {
        public ObjectNode dispatch(TaskMessage task) throws InterruptedException {
            return switch (task) {
                case TaskMessage.SegmentTask s -> segment.handle(s);
                case TaskMessage.AnswerTask a -> answer.handle(a);
            };
        }
    }
}
