package dev.longvqa.local.asl;

import java.util.List;

/** How ErrorEquals names match an error, wildcards included. */
final class ErrorMatch {
    private ErrorMatch() {}

    static boolean matches(List<String> errorEquals, String error) {
        // States.Runtime is terminal on AWS: no Retry or Catch, not even an explicit one, handles it
        if (StatesError.WellKnown.RUNTIME.equals(error)) return false;
        for (String name : errorEquals) {
            if (name.equals(error) || name.equals(StatesError.WellKnown.ALL)) return true;
            // TaskFailed is a wildcard for everything except a state timeout
            if (name.equals(StatesError.WellKnown.TASK_FAILED) && !error.equals(StatesError.WellKnown.TIMEOUT)) return true;
        }
        return false;
    }
}
