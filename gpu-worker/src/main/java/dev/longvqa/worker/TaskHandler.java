package dev.longvqa.worker;

import dev.longvqa.contract.TaskMessage;
import dev.longvqa.contract.TaskResult;

/**
 * Does one kind of GPU task and returns the SendTaskSuccess output, a contract {@link TaskResult}
 * (docs/ARCHITECTURE.md, "GPU tasks"). Built once at start-up with its models and reused for every
 * task. Throws {@link dev.longvqa.error.LongVqaException} for reportable failures and
 * {@link InterruptedException} when the worker abandons the task (shutdown, lost token).
 */
interface TaskHandler<T extends TaskMessage, R extends TaskResult> {
    R handle(T task) throws InterruptedException;

    /** The two handlers a worker dispatches to, by message type. */
    record Handlers(TaskHandler<TaskMessage.SegmentTask, TaskResult.SegmentSummarized> segment,
                    TaskHandler<TaskMessage.AnswerTask, TaskResult.QuestionsAnswered> answer) {
        public TaskResult dispatch(TaskMessage task) throws InterruptedException {
            return switch (task) {
                case TaskMessage.SegmentTask s -> segment.handle(s);
                case TaskMessage.AnswerTask a -> answer.handle(a);
            };
        }
    }
}
