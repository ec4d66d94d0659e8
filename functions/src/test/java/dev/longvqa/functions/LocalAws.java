package dev.longvqa.functions;

import dev.longvqa.emulators.Dynalite;
import dev.longvqa.emulators.S3Mock;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import dev.longvqa.contract.JobRow;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The emulators behind the Quarkus tests: dynalite and S3Mock, each a child process
 * (its Spring Boot stays off this class path). Both start once per JVM and are shared by every
 * test profile: the ports travel in system properties, which survive Quarkus' class loaders.
 */
public class LocalAws implements QuarkusTestResourceLifecycleManager {
    public static final String BUCKET = "longvqa-test";
    public static final String TABLE = "jobs";

    @Override
    public synchronized Map<String, String> start() {
        String s3Port = System.getProperty("test.emulator.s3.port");
        if (s3Port == null) {
            s3Port = String.valueOf(startS3Mock());
            System.setProperty("test.emulator.s3.port", s3Port);
        }
        String ddbPort = System.getProperty("test.emulator.ddb.port");
        if (ddbPort == null) {
            ddbPort = String.valueOf(startDynamoDb());
            System.setProperty("test.emulator.ddb.port", ddbPort);
        }
        return Map.of(
                "longvqa.bucket", BUCKET,
                "longvqa.table", TABLE,
                "longvqa.aws.s3-endpoint", "http://127.0.0.1:" + s3Port,
                "longvqa.aws.dynamodb-endpoint", "http://127.0.0.1:" + ddbPort,
                "longvqa.aws.path-style", "true");
    }

    @Override
    public void stop() {
        // Shared with later profiles; the JVM's exit ends both.
    }

    /** Starts S3Mock with the test bucket (it ends with this JVM); returns its port once it answers. */
    private static int startS3Mock() {
        String jar = System.getProperty("s3mock.jar");
        if (jar == null || !new File(jar).isFile()) throw new IllegalStateException("S3Mock jar not found: " + jar);
        try {
            Path root = Files.createTempDirectory("s3mock-functions-test");
            S3Mock s3 = S3Mock.start(Path.of(jar), root, Duration.ofSeconds(120),
                    "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET);
            Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
            return s3.port();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Mock", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting S3Mock", e);
        }
    }

    /** Starts dynalite (it ends with this JVM) with the jobs table; returns its port. */
    private static int startDynamoDb() {
        Dynalite dynalite;
        try {
            dynalite = Dynalite.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dynalite", e);
        }
        try (DynamoDbClient ddb = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(dynalite.endpoint()).build()) {
            // as the stack's table: the job id, and the API's owner index (newest first per caller)
            ddb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("jobId").keyType(KeyType.HASH))
                    .attributeDefinitions(
                            a -> a.attributeName("jobId").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName(JobRow.OWNER).attributeType(ScalarAttributeType.S),
                            a -> a.attributeName(JobRow.CREATED_AT).attributeType(ScalarAttributeType.S))
                    .globalSecondaryIndexes(g -> g.indexName(JobRow.OWNER_INDEX)
                            .keySchema(k -> k.attributeName(JobRow.OWNER).keyType(KeyType.HASH),
                                    k -> k.attributeName(JobRow.CREATED_AT).keyType(KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));
            ddb.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
        }
        return dynalite.port();
    }
}
