package dev.longvqa.worker;

/**
 * A message body the worker cannot act on. Carries whatever could still be read from it: with a
 * task token the workflow can be told at once (SendTaskFailure); with only a job id the job row
 * can at least say the task was dead-lettered.
 */
final class BadMessageException extends Exception {
    private final String jobId;
    private final String taskToken;

    public BadMessageException(String message, String jobId, String taskToken) {
        super(message);
        this.jobId = jobId;
        this.taskToken = taskToken;
    }

    /** May be null. */
    public String jobId() {
        return jobId;
    }

    /** May be null. */
    public String taskToken() {
        return taskToken;
    }
}
