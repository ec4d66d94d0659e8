package dev.longvqa.local.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longvqa.local.asl.AslExecutor;
import dev.longvqa.local.asl.ExecutionResult;
import dev.longvqa.local.asl.ExecutionStatus;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The DynamoDB integrations against DynamoDB Local: register-once semantics, update, get. */
class DynamoDbResourceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static DynamoDBProxyServer server;
    static DynamoDbClient dynamo;

    static final String DEF = """
        {"StartAt": "Register", "States": {
          "Register": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "${JobsTableName}", "Item": {"jobId": {"S.$": "$.jobId"}, "status": {"S": "RECEIVED"},
                           "questions": {"L": [{"S": "why?"}]}, "sizeBytes": {"N.$": "States.Format('{}', $.size)"}},
                           "ConditionExpression": "attribute_not_exists(jobId)"},
            "ResultPath": null, "Next": "Progress",
            "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.dup", "Next": "Duplicate"}]},
          "Duplicate": {"Type": "Succeed"},
          "Progress": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
            "Parameters": {"TableName": "${JobsTableName}", "Key": {"jobId": {"S.$": "$.jobId"}},
                           "UpdateExpression": "SET #s = :s", "ExpressionAttributeNames": {"#s": "status"},
                           "ExpressionAttributeValues": {":s": {"S": "DECODING"}}, "ReturnValues": "ALL_NEW"},
            "ResultSelector": {"status.$": "$.Attributes.status.S"}, "ResultPath": "$.update", "Next": "Read"},
          "Read": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "${JobsTableName}", "Key": {"jobId": {"S.$": "$.jobId"}}},
            "ResultSelector": {"size.$": "$.Item.sizeBytes.N", "questions.$": "$.Item.questions.L[*].S"},
            "ResultPath": "$.row", "End": true}}}""";

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = ServerRunner.createServerFromCommandLineArgs(new String[] {"-inMemory", "-port", Integer.toString(port)});
        server.start();
        dynamo = DynamoDbClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x"))).build();
        dynamo.createTable(b -> b.tableName("jobs").billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("jobId").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("jobId").keyType(KeyType.HASH)));
    }

    @AfterAll
    static void stop() throws Exception {
        dynamo.close();
        server.stop();
    }

    @Test
    void registersOnceUpdatesAndReadsTheRow() throws Exception {
        try (AslExecutor e = AslExecutor.builder().definition(DEF).substitution("JobsTableName", "jobs")
                .resource(DynamoDbResource.ARNS, new DynamoDbResource(dynamo)).build()) {
            ExecutionResult first = e.start("a", JSON.readTree("{\"jobId\": \"j1\", \"size\": 1234}")).await(Duration.ofSeconds(20));
            assertThat(first.status()).as(String.valueOf(first.cause())).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(first.output()).isEqualTo(JSON.readTree("{\"jobId\": \"j1\", \"size\": 1234, \"update\": {\"status\": \"DECODING\"},"
                    + " \"row\": {\"size\": \"1234\", \"questions\": [\"why?\"]}}"));
            assertThat(dynamo.getItem(b -> b.tableName("jobs").key(java.util.Map.of("jobId", AttributeValue.fromS("j1")))).item()
                    .get("status").s()).isEqualTo("DECODING");

            ExecutionResult second = e.start("b", JSON.readTree("{\"jobId\": \"j1\", \"size\": 1234}")).await(Duration.ofSeconds(20));
            JsonNode dup = second.output().get("dup");
            assertThat(dup.get("Error").asText()).isEqualTo("DynamoDB.ConditionalCheckFailedException");
        }
    }

    @Test
    void attributeValuesRoundTrip() throws Exception {
        JsonNode item = JSON.readTree("{\"s\": {\"S\": \"x\"}, \"n\": {\"N\": \"1.5\"}, \"b\": {\"BOOL\": true}, \"z\": {\"NULL\": true},"
                + " \"m\": {\"M\": {\"k\": {\"L\": [{\"N\": \"1\"}, {\"SS\": [\"a\", \"b\"]}]}}}, \"bin\": {\"B\": \"AQID\"}}");
        assertThat(DynamoDbResource.json(DynamoDbResource.item(item))).isEqualTo(item);
    }
}
