package dev.longvqa.local.asl;

import java.util.Objects;

/**
 * A failure inside a state machine, as ASL sees it: an error name (what Retry and Catch match on)
 * and a human-readable cause. Task resources throw it to report a named error directly.
 */
public class StatesError extends RuntimeException implements NamedError {
    private final String error;
    private final String cause;

    public StatesError(String error, String cause) {
        super(error + (cause == null ? "" : ": " + cause), null, false, false);
        this.error = Objects.requireNonNull(error, "error");
        this.cause = cause;
    }

    public String error() {
        return error;
    }

    /** May be null: a Fail state without Cause. */
    public String cause() {
        return cause;
    }

    @Override
    public String errorName() {
        return error;
    }

    /** States.Runtime: never retried or caught, it always fails the execution (as on AWS). */
    public static StatesError runtime(String cause) {
        return new StatesError(WellKnown.RUNTIME, cause);
    }

    /** The well-known names; only the ones the interpreter raises itself. */
    public static final class WellKnown {
        public static final String ALL = "States.ALL";
        public static final String TASK_FAILED = "States.TaskFailed";
        public static final String TIMEOUT = "States.Timeout";
        public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
        public static final String RUNTIME = "States.Runtime";
        public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
        public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
        public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
        public static final String BRANCH_FAILED = "States.BranchFailed";
        public static final String PERMISSIONS = "States.Permissions";

        private WellKnown() {}
    }
}
