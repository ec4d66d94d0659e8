package dev.longvqa.worker;

import dev.longvqa.emulators.Dynalite;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

/**
 * ElasticMQ (SQS) in-process and dynalite (DynamoDB) as a child process, on free ports, once per test class; with the
 * dummy credentials the SDK's default chain picks up from system properties.
 */
final class Emulators implements AutoCloseable {
    final SQSRestServer sqsServer;
    final Dynalite dynamoServer;
    final URI sqsEndpoint;
    final URI dynamoEndpoint;
    final SqsClient sqs;
    final DynamoDbClient dynamo;

    Emulators() throws Exception {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        System.setProperty("aws.region", "us-east-1");
        sqsServer = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int sqsPort = sqsServer.waitUntilStarted().localAddress().getPort();
        sqsEndpoint = URI.create("http://127.0.0.1:" + sqsPort);
        dynamoServer = Dynalite.start();
        dynamoEndpoint = dynamoServer.endpoint();
        sqs = SqsClient.builder().region(Region.US_EAST_1).endpointOverride(sqsEndpoint).build();
        dynamo = DynamoDbClient.builder().region(Region.US_EAST_1).endpointOverride(dynamoEndpoint).build();
    }

    /** A fresh work queue with its DLQ: visibility timeout and redrive as the stack sets them. */
    Queues queues(String name, int visibilitySeconds, int maxReceiveCount) {
        String dlqUrl = sqs.createQueue(b -> b.queueName(name + "-dlq")).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"maxReceiveCount\":\"" + maxReceiveCount + "\",\"deadLetterTargetArn\":\"" + dlqArn + "\"}"))).queueUrl();
        return new Queues(url, dlqUrl);
    }

    record Queues(String url, String dlqUrl) {}

    /** Visible + in flight + delayed: zero once the worker deleted (or the redrive moved) everything. */
    int messagesIn(String queueUrl) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return a.values().stream().mapToInt(Integer::parseInt).sum();
    }

    void createJobsTable(String table) {
        dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("jobId").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("jobId").keyType(KeyType.HASH).build()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        sqs.close();
        dynamo.close();
        sqsServer.stopAndWait();
        dynamoServer.close();
    }
}
