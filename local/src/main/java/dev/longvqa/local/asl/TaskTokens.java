package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code .waitForTaskToken} tasks and the callbacks that close them (SendTaskSuccess,
 * SendTaskFailure, SendTaskHeartbeat). Errors are reported with the API's exception names so the
 * HTTP endpoint can pass them straight through: InvalidToken for text that is not one of our
 * tokens, TaskDoesNotExist for a token never issued, TaskTimedOut for a task that is already
 * closed (timed out, answered or aborted: the service answers TaskTimedOut for those as well).
 */
public final class TaskTokens {
    private static final byte[] MAGIC = {'L', 'V', 'Q', 'A'};
    private static final int RANDOM_BYTES = 44;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Waiter> open = new ConcurrentHashMap<>();
    /** Closed tokens, kept so a late callback gets TaskTimedOut rather than TaskDoesNotExist. */
    private final Map<String, Boolean> closed = new ConcurrentHashMap<>();

    /** A callback error with the Step Functions API exception name. */
    public static final class TokenException extends RuntimeException {
        private final String errorCode;

        public TokenException(String errorCode, String message) {
            super(message, null, false, false);
            this.errorCode = errorCode;
        }

        /** InvalidToken, TaskDoesNotExist, TaskTimedOut or InvalidOutput. */
        public String errorCode() {
            return errorCode;
        }
    }

    /** An open task: the future completes with the output, or exceptionally with a StatesError. */
    static final class Waiter {
        final String executionArn;
        final String stateName;
        final CompletableFuture<JsonNode> result = new CompletableFuture<>();
        volatile long lastHeartbeatNanos = System.nanoTime();

        Waiter(String executionArn, String stateName) {
            this.executionArn = executionArn;
            this.stateName = stateName;
        }
    }

    String newToken() {
        byte[] bytes = new byte[MAGIC.length + RANDOM_BYTES];
        random.nextBytes(bytes);
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    Waiter open(String token, String executionArn, String stateName) {
        Waiter p = new Waiter(executionArn, stateName);
        open.put(token, p);
        return p;
    }

    void close(String token) {
        if (open.remove(token) != null) closed.put(token, Boolean.TRUE);
    }

    /** The number of tasks waiting for a callback (handy in tests and status output). */
    public int openCount() {
        return open.size();
    }

    public boolean isOpen(String token) {
        return open.containsKey(token);
    }

    public void sendSuccess(String token, JsonNode output) {
        Waiter p = lookup(token);
        if (!p.result.complete(output)) throw timedOut();
    }

    public void sendFailure(String token, String error, String cause) {
        Waiter p = lookup(token);
        // the service reports a failure without an error name as States.TaskFailed
        String name = error == null || error.isEmpty() ? StatesError.WellKnown.TASK_FAILED : error;
        if (!p.result.completeExceptionally(new StatesError(name, cause))) throw timedOut();
    }

    public void sendHeartbeat(String token) {
        lookup(token).lastHeartbeatNanos = System.nanoTime();
    }

    private Waiter lookup(String token) {
        if (!wellFormed(token)) throw new TokenException("InvalidToken", "Invalid token");
        Waiter p = open.get(token);
        if (p != null) return p;
        if (closed.containsKey(token)) throw timedOut();
        throw new TokenException("TaskDoesNotExist", "Task does not exist anymore");
    }

    private static TokenException timedOut() {
        return new TokenException("TaskTimedOut", "Task Timed Out");
    }

    static boolean wellFormed(String token) {
        if (token == null || token.isEmpty() || token.length() > 1024) return false;
        try {
            ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
            if (b.remaining() != MAGIC.length + RANDOM_BYTES) return false;
            for (byte m : MAGIC) if (b.get() != m) return false;
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
