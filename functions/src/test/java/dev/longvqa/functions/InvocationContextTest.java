package dev.longvqa.functions;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every log line of an invocation carries its request id, function and job id; none outlives it. */
class InvocationContextTest {
    private static Map<String, String> seen() {
        Map<String, String> m = new HashMap<>();
        for (String k : new String[]{LogContext.REQUEST_ID, LogContext.FUNCTION, LogContext.JOB_ID}) m.put(k, LogContext.get(k));
        return m;
    }

    @Test
    void theContextHoldsDuringTheCallAndIsClearedAfter() {
        Map<String, String> during = new HashMap<>();
        String out = Invocation.run("plan", "req-1", () -> "job-7", r -> r, r -> {
            during.putAll(seen());
            return "ok";
        }, (r, o, m) -> { });
        assertThat(out).isEqualTo("ok");
        assertThat(during).containsEntry(LogContext.REQUEST_ID, "req-1").containsEntry(LogContext.FUNCTION, "plan")
                .containsEntry(LogContext.JOB_ID, "job-7");
        assertThat(seen().values()).containsOnlyNulls();
    }

    @Test
    void aFailedCallClearsItToo() {
        assertThatThrownBy(() -> Invocation.run("segment", "req-2", () -> "job-8", r -> r, r -> {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "no");
        }, (r, o, m) -> { })).isInstanceOf(LambdaError.class);
        assertThat(seen().values()).containsOnlyNulls();
        // and a request that cannot be read has no job, but still its request id while it fails
        assertThatThrownBy(() -> Invocation.run("record", null, () -> {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "unreadable");
        }, r -> "x", r -> r, (r, o, m) -> { })).isInstanceOf(LambdaError.class);
        assertThat(seen().values()).containsOnlyNulls();
    }
}
