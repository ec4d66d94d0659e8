package dev.longvqa.worker;

/**
 * The Step Functions task-token API as the worker uses it. Each call throws
 * {@link TokenGoneException} when the token no longer waits (timed out, already finished,
 * invalid): the task's message is then deleted, never retried.
 */
interface TaskCallbacks {
    void success(String taskToken, String outputJson) throws TokenGoneException;

    void failure(String taskToken, String error, String cause) throws TokenGoneException;

    void heartbeat(String taskToken) throws TokenGoneException;

    /** The token is finished for good; nothing more will be accepted for it. */
    final class TokenGoneException extends Exception {
        public TokenGoneException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
