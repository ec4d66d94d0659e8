package dev.longvqa.functions;

import dev.longvqa.emulators.Dynalite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
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
            s3Port = String.valueOf(freePort());
            startS3Mock(Integer.parseInt(s3Port));
            System.setProperty("test.emulator.s3.port", s3Port);
        }
        String ddbPort = System.getProperty("test.emulator.ddb.port");
        if (ddbPort == null) {
            ddbPort = String.valueOf(startDynamoDb());
            System.setProperty("test.emulator.ddb.port", ddbPort);
        }
        awaitHttp(URI.create("http://127.0.0.1:" + s3Port + "/"), 120_000);
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

    private static void startS3Mock(int port) {
        String jar = System.getProperty("s3mock.jar");
        if (jar == null || !new File(jar).isFile()) throw new IllegalStateException("S3Mock jar not found: " + jar);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try {
            Process p = new ProcessBuilder(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar,
                    "--server.port=0", "--http.port=" + port,
                    "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                    "--logging.level.root=WARN")
                    .redirectErrorStream(true)
                    .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "s3mock-functions-test.log"))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Mock", e);
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
            ddb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("jobId").keyType(KeyType.HASH))
                    .attributeDefinitions(a -> a.attributeName("jobId").attributeType(ScalarAttributeType.S)));
        }
        return dynalite.port();
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitHttp(URI uri, long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() > 0) return;
            } catch (IOException notYet) {
                // still starting
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(uri + " did not answer within " + timeoutMillis + " ms");
    }
}
