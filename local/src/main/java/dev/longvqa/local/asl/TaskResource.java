package dev.longvqa.local.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a Task state's Resource does locally, registered on the executor under its ARN without
 * the integration-pattern suffix (e.g. {@code arn:aws:states:::sqs:sendMessage} also serves
 * {@code ...sendMessage.waitForTaskToken}).
 *
 * <p>For the request-response pattern the returned node is the state's result. For
 * {@code .waitForTaskToken} the call only has to deliver {@link TaskRequest#taskToken()}
 * somewhere (the parameters usually carry it too); the state then waits for a task-token callback
 * and the return value is only recorded in history. Throw {@link StatesError} or any exception
 * implementing {@link NamedError} to fail with a given error name.
 */
@FunctionalInterface
public interface TaskResource {
    JsonNode call(TaskRequest request) throws Exception;
}
