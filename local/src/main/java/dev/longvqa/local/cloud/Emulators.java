package dev.longvqa.local.cloud;

import dev.longvqa.emulators.Dynalite;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

import java.io.IOException;

/** The emulators besides S3Mock: dynalite (DynamoDB, a node child process) and ElasticMQ (SQS, in-process), on free loopback ports. */
public final class Emulators {
    private Emulators() {}

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

    public static Dynalite dynamoDb() throws IOException {
        return Dynalite.start();
    }

    public static Sqs sqs() throws IOException {
        SQSRestServer server = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new Sqs(server, port);
    }
}
