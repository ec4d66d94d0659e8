package dev.longvqa.worker;

import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

import java.nio.charset.StandardCharsets;

/**
 * {@link TaskCallbacks} over the real Step Functions API. Error and cause are cut to the API
 * limits (256 and 32,768 characters) so an overlong message never turns a failure report into a
 * validation error that leaves the execution waiting.
 */
final class SfnTaskCallbacks implements TaskCallbacks {
    static final int MAX_ERROR = 256;
    static final int MAX_CAUSE = 32_768;
    static final int MAX_OUTPUT_BYTES = 256 * 1024;

    private final SfnClient sfn;

    public SfnTaskCallbacks(SfnClient sfn) {
        this.sfn = sfn;
    }

    @Override
    public void success(String taskToken, String outputJson) throws TokenGoneException {
        if (outputJson.getBytes(StandardCharsets.UTF_8).length > MAX_OUTPUT_BYTES) {
            // handlers keep outputs small (pointers, not contents); this is a bug, report it as one
            failure(taskToken, "LongVqa.INTERNAL", "task output exceeds " + MAX_OUTPUT_BYTES + " bytes");
            return;
        }
        call(() -> sfn.sendTaskSuccess(b -> b.taskToken(taskToken).output(outputJson)));
    }

    @Override
    public void failure(String taskToken, String error, String cause) throws TokenGoneException {
        call(() -> sfn.sendTaskFailure(b -> b.taskToken(taskToken).error(truncate(error, MAX_ERROR)).cause(truncate(cause, MAX_CAUSE))));
    }

    @Override
    public void heartbeat(String taskToken) throws TokenGoneException {
        call(() -> sfn.sendTaskHeartbeat(b -> b.taskToken(taskToken)));
    }

    private static void call(Runnable r) throws TokenGoneException {
        try {
            r.run();
        } catch (TaskTimedOutException | InvalidTokenException | TaskDoesNotExistException e) {
            throw new TokenGoneException(e.getClass().getSimpleName() + ": " + e.awsErrorDetails().errorMessage(), e);
        }
    }

    static String truncate(String s, int max) {
        if (s == null) return "";
        if (s.length() <= max) return s;
        // don't split a surrogate pair at the cut
        int end = Character.isHighSurrogate(s.charAt(max - 2)) ? max - 2 : max - 1;
        return s.substring(0, end) + "…";
    }
}
