package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One invocation of a Task resource.
 *
 * @param resource     the Resource ARN without its integration suffix
 * @param pattern      how the state waits for the result
 * @param parameters   the effective parameters (after InputPath and Parameters)
 * @param taskToken    the token of a {@code .waitForTaskToken} task, else null
 * @param executionArn the execution this task belongs to
 * @param stateName    the Task state's name
 */
public record TaskRequest(String resource, Pattern pattern, JsonNode parameters, String taskToken,
                          String executionArn, String stateName) {

    /** The integration patterns; {@code .sync} is not supported locally. */
    public enum Pattern { REQUEST_RESPONSE, WAIT_FOR_TASK_TOKEN }
}
