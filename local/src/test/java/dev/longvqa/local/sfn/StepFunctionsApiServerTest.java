package dev.longvqa.local.sfn;

import dev.longvqa.contract.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.tasks.InMemoryQueues;
import dev.longvqa.local.tasks.SqsSendMessageResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sfn.model.InvalidOutputException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** The real SDK v2 client against the local endpoint: what the GPU worker will do. */
class StepFunctionsApiServerTest {
    static final ObjectMapper JSON = Json.mapper();
    static final String DEF = """
        {"StartAt": "Gpu", "States": {"Gpu": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          "Parameters": {"QueueUrl": "tasks", "MessageBody": {"taskToken.$": "$$.Task.Token", "n.$": "$.n"}},
          "HeartbeatSeconds": 120, "ResultPath": "$.gpu", "End": true,
          "Catch": [{"ErrorEquals": ["LongVqa.MODEL_UNAVAILABLE"], "ResultPath": "$.error", "Next": "Failed"}]},
          "Failed": {"Type": "Fail", "Error": "Job.Failed", "Cause": "see $.error"}}}""";

    static InMemoryQueues queues;
    static AslExecutor executor;
    static StepFunctionsApiServer server;
    static SfnClient sfn;

    @BeforeAll
    static void start() throws Exception {
        queues = new InMemoryQueues();
        executor = AslExecutor.builder().definition(DEF).stateMachineName("api-test")
                .resource(SqsSendMessageResource.ARN, new SqsSendMessageResource(queues)).build();
        server = StepFunctionsApiServer.start(executor, 0);
        sfn = SfnClient.builder().endpointOverride(server.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build();
    }

    @AfterAll
    static void stop() {
        sfn.close();
        server.close();
        executor.close();
    }

    static String nextToken() throws Exception {
        return JSON.readTree(queues.queue("tasks").poll(5, TimeUnit.SECONDS).body()).get("taskToken").asText();
    }

    static DescribeExecutionResponse awaitEnd(String arn) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(arn));
            if (d.status() != ExecutionStatus.RUNNING || System.currentTimeMillis() > deadline) return d;
            Thread.sleep(10);
        }
    }

    @Test
    void startHeartbeatSuccessDescribeAndHistory() throws Exception {
        String arn = sfn.startExecution(r -> r.stateMachineArn(executor.stateMachineArn()).name("ok-1").input("{\"n\": 7}")).executionArn();
        assertThat(arn).isEqualTo("arn:aws:states:us-east-1:000000000000:execution:api-test:ok-1");
        String token = nextToken();
        sfn.sendTaskHeartbeat(r -> r.taskToken(token));
        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{\"answer\": \"42\"}"));
        DescribeExecutionResponse d = awaitEnd(arn);
        assertThat(d.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(JSON.readTree(d.output())).isEqualTo(JSON.readTree("{\"n\": 7, \"gpu\": {\"answer\": \"42\"}}"));
        assertThat(d.name()).isEqualTo("ok-1");
        assertThat(d.stopDate()).isAfterOrEqualTo(d.startDate());

        GetExecutionHistoryResponse h = sfn.getExecutionHistory(r -> r.executionArn(arn));
        List<HistoryEventType> types = h.events().stream().map(HistoryEvent::type).toList();
        assertThat(types).containsExactly(HistoryEventType.EXECUTION_STARTED, HistoryEventType.TASK_STATE_ENTERED,
                HistoryEventType.TASK_SCHEDULED, HistoryEventType.TASK_STARTED, HistoryEventType.TASK_SUBMITTED,
                HistoryEventType.TASK_SUCCEEDED, HistoryEventType.TASK_STATE_EXITED, HistoryEventType.EXECUTION_SUCCEEDED);
        assertThat(h.events().get(1).stateEnteredEventDetails().name()).isEqualTo("Gpu");
        assertThat(h.events().get(2).taskScheduledEventDetails().heartbeatInSeconds()).isEqualTo(120L);
        assertThat(h.events().get(2).taskScheduledEventDetails().resourceType()).isEqualTo("sqs");
        assertThat(h.events().get(5).taskSucceededEventDetails().output()).isEqualTo("{\"answer\":\"42\"}");
        assertThat(JSON.readTree(h.events().get(0).executionStartedEventDetails().input()).get("n").asInt()).isEqualTo(7);

        // paging and reverse order, as the worker's tooling might use them
        GetExecutionHistoryResponse page = sfn.getExecutionHistory(r -> r.executionArn(arn).maxResults(3).reverseOrder(true));
        assertThat(page.events()).hasSize(3);
        assertThat(page.events().get(0).type()).isEqualTo(HistoryEventType.EXECUTION_SUCCEEDED);
        assertThat(page.nextToken()).isNotNull();
        assertThat(sfn.getExecutionHistory(r -> r.executionArn(arn).maxResults(3).reverseOrder(true).nextToken(page.nextToken()))
                .events().get(0).type()).isEqualTo(HistoryEventType.TASK_SUBMITTED);

        // the token is closed now: the service answers TaskTimedOut
        assertThatThrownBy(() -> sfn.sendTaskSuccess(r -> r.taskToken(token).output("{}"))).isInstanceOf(TaskTimedOutException.class);
    }

    @Test
    void sendTaskFailureRunsTheCatchAndFailsWithTheFailState() throws Exception {
        String arn = sfn.startExecution(r -> r.stateMachineArn(executor.stateMachineArn()).input("{\"n\": 1}")).executionArn();
        String token = nextToken();
        sfn.sendTaskFailure(r -> r.taskToken(token).error("LongVqa.MODEL_UNAVAILABLE").cause("no model"));
        DescribeExecutionResponse d = awaitEnd(arn);
        assertThat(d.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(d.error()).isEqualTo("Job.Failed");
        assertThat(d.cause()).isEqualTo("see $.error");
        HistoryEvent failed = sfn.getExecutionHistory(r -> r.executionArn(arn)).events().stream()
                .filter(e -> e.type() == HistoryEventType.TASK_FAILED).findFirst().orElseThrow();
        assertThat(failed.taskFailedEventDetails().error()).isEqualTo("LongVqa.MODEL_UNAVAILABLE");
        assertThat(failed.taskFailedEventDetails().cause()).isEqualTo("no model");
    }

    @Test
    void stopAndListExecutions() throws Exception {
        String arn = sfn.startExecution(r -> r.stateMachineArn(executor.stateMachineArn()).name("to-stop").input("{\"n\": 2}")).executionArn();
        String token = nextToken();
        sfn.stopExecution(r -> r.executionArn(arn).error("Ops.Stop").cause("maintenance"));
        DescribeExecutionResponse d = awaitEnd(arn);
        assertThat(d.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(d.error()).isEqualTo("Ops.Stop");
        assertThat(sfn.listExecutions(r -> r.stateMachineArn(executor.stateMachineArn()).statusFilter(ExecutionStatus.ABORTED))
                .executions()).anyMatch(e -> e.executionArn().equals(arn) && e.status() == ExecutionStatus.ABORTED)
                .allMatch(e -> e.status() == ExecutionStatus.ABORTED);
        long deadline = System.currentTimeMillis() + 5000;
        while (executor.taskTokens().isOpen(token) && System.currentTimeMillis() < deadline) Thread.sleep(5);
        assertThatThrownBy(() -> sfn.sendTaskHeartbeat(r -> r.taskToken(token))).isInstanceOf(TaskTimedOutException.class);
    }

    @Test
    void errorsComeBackAsTheSdkExceptions() throws Exception {
        assertThatThrownBy(() -> sfn.sendTaskSuccess(r -> r.taskToken("garbage").output("{}"))).isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> sfn.sendTaskHeartbeat(r -> r.taskToken(executorToken()))).isInstanceOf(TaskDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.describeExecution(r -> r.executionArn("arn:aws:states:us-east-1:000000000000:execution:api-test:nope")))
                .isInstanceOf(ExecutionDoesNotExistException.class);
        assertThatThrownBy(() -> sfn.startExecution(r -> r.stateMachineArn("arn:aws:states:us-east-1:000000000000:stateMachine:other")))
                .isInstanceOf(StateMachineDoesNotExistException.class);

        sfn.startExecution(r -> r.stateMachineArn(executor.stateMachineArn()).name("dup").input("{\"n\": 3}"));
        String token = nextToken();
        assertThatThrownBy(() -> sfn.startExecution(r -> r.stateMachineArn(executor.stateMachineArn()).name("dup").input("{\"n\": 4}")))
                .isInstanceOf(ExecutionAlreadyExistsException.class);
        assertThatThrownBy(() -> sfn.sendTaskSuccess(r -> r.taskToken(token).output("{not json"))).isInstanceOf(InvalidOutputException.class);
        sfn.sendTaskSuccess(r -> r.taskToken(token).output("\"done\""));
    }

    /** A well-formed token that was never issued. */
    static String executorToken() {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.nio.ByteBuffer.allocate(48).put(new byte[] {'L', 'V', 'Q', 'A'}).array());
    }

    @Test
    void unknownOperationIsAnAwsJsonError() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                .header("X-Amz-Target", "AWSStepFunctions.CreateStateMachine")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("__type").asText()).isEqualTo("UnknownOperationException");
        assertThat(body.get("message").asText()).contains("CreateStateMachine");
    }
}
