package dev.longvqa.local.asl;

/** The names match the Step Functions API's ExecutionStatus. */
public enum ExecutionStatus {
    RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED;

    public boolean isTerminal() {
        return this != RUNNING;
    }
}
