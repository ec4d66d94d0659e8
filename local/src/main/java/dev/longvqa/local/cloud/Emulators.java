package dev.longvqa.local.cloud;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

import java.io.IOException;

/** The in-process emulators: DynamoDB Local and ElasticMQ (SQS), each on a free loopback port. */
public final class Emulators {
    private Emulators() {}

    /** A running DynamoDB Local, in memory. */
    public record DynamoDb(DynamoDBProxyServer server, int port) implements AutoCloseable {
        public String endpoint() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            try {
                server.stop();
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }
    }

    /** A running ElasticMQ. */
    public record Sqs(SQSRestServer server, int port) implements AutoCloseable {
        public String endpoint() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() {
            server.stopAndWait();
        }
    }

    public static DynamoDb dynamoDb() throws Exception {
        int port = S3MockProcess.freePort();
        DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(
                new String[]{"-inMemory", "-port", Integer.toString(port)});
        server.start();
        return new DynamoDb(server, port);
    }

    public static Sqs sqs() throws IOException {
        SQSRestServer server = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new Sqs(server, port);
    }
}
