package dev.longvqa.infra.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.longvqa.emulators.Dynalite;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Open-source stand-ins for the stack's resources, each on an ephemeral local port: S3Mock (a
 * process, its Spring Boot off this class path), dynalite (the project's launcher in tools/emulators) for DynamoDB,
 * ElasticMQ in-process for SQS. Resources are created from the template's own properties (the
 * table's key schema, the bucket's versioning), so the emulated stack has the deployed shape.
 */
final class CloudEmulators implements AutoCloseable {
  static final String REGION = "us-east-1";
  static final String ACCESS_KEY = "test";
  static final String SECRET_KEY = "test";

  final URI s3;
  final URI dynamodb;
  final URI sqs;
  private final List<Process> processes = new ArrayList<>();
  private final SQSRestServer sqsServer;
  private final Dynalite dynalite;
  final S3Client s3Client;
  final DynamoDbClient dynamoClient;
  final SqsClient sqsClient;

  CloudEmulators(Path logDir) throws IOException {
    Files.createDirectories(logDir);
    int s3Port = freePort();
    String jar = System.getProperty("s3mock.jar");
    if (jar == null || !new File(jar).isFile()) throw new IllegalStateException("S3Mock jar not found: " + jar);
    processes.add(new ProcessBuilder(java(), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar,
        "--server.port=0", "--http.port=" + s3Port, "--logging.level.root=WARN")
        .redirectErrorStream(true).redirectOutput(logDir.resolve("s3mock.log").toFile()).start());
    dynalite = Dynalite.start();
    sqsServer = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
    int sqsPort = sqsServer.waitUntilStarted().localAddress().getPort();

    s3 = URI.create("http://127.0.0.1:" + s3Port);
    dynamodb = dynalite.endpoint();
    sqs = URI.create("http://127.0.0.1:" + sqsPort);
    awaitHttp(s3, 120_000);
    var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    s3Client = S3Client.builder().region(Region.of(REGION)).credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.create()).endpointOverride(s3).forcePathStyle(true).build();
    dynamoClient = DynamoDbClient.builder().region(Region.of(REGION)).credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.create()).endpointOverride(dynamodb).build();
    sqsClient = SqsClient.builder().region(Region.of(REGION)).credentialsProvider(creds)
        .httpClient(UrlConnectionHttpClient.create()).endpointOverride(sqs).build();
  }

  /** The bucket with the template's versioning: the deployed bucket is versioned, so events carry a version id. */
  void createBucket(String name, JsonNode bucketProperties) {
    s3Client.createBucket(b -> b.bucket(name));
    if ("Enabled".equals(bucketProperties.at("/VersioningConfiguration/Status").asText())) {
      s3Client.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status("Enabled")));
    }
  }

  /** The table with the template's key schema and attribute definitions. */
  void createTable(String name, JsonNode tableProperties) {
    List<KeySchemaElement> keys = new ArrayList<>();
    for (JsonNode k : tableProperties.get("KeySchema")) {
      keys.add(KeySchemaElement.builder().attributeName(k.get("AttributeName").asText()).keyType(k.get("KeyType").asText()).build());
    }
    List<AttributeDefinition> attrs = new ArrayList<>();
    for (JsonNode a : tableProperties.get("AttributeDefinitions")) {
      attrs.add(AttributeDefinition.builder().attributeName(a.get("AttributeName").asText())
          .attributeType(a.get("AttributeType").asText()).build());
    }
    dynamoClient.createTable(b -> b.tableName(name).keySchema(keys).attributeDefinitions(attrs)
        .billingMode(BillingMode.PAY_PER_REQUEST));
    dynamoClient.waiter().waitUntilTableExists(b -> b.tableName(name));
  }

  String createQueue(String name) {
    return sqsClient.createQueue(b -> b.queueName(name)).queueUrl();
  }

  /**
   * What the platform gives every process besides the template's variables: a region, credentials
   * (Lambda: the execution role's; ECS: the task role's), and the emulators' endpoints, which the
   * SDK (>= 2.28) reads from AWS_ENDPOINT_URL_&lt;SERVICE&gt; as it would read real ones.
   */
  Map<String, String> platformEnvironment() {
    return Map.of(
        "AWS_REGION", REGION,
        "AWS_DEFAULT_REGION", REGION,
        "AWS_ACCESS_KEY_ID", ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
        "AWS_SESSION_TOKEN", "token",
        "AWS_ENDPOINT_URL_S3", s3.toString(),
        "AWS_ENDPOINT_URL_DYNAMODB", dynamodb.toString(),
        "AWS_ENDPOINT_URL_SQS", sqs.toString());
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void awaitHttp(URI uri, long timeoutMillis) {
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
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(uri + " did not answer within " + timeoutMillis + " ms");
  }

  @Override
  public void close() {
    s3Client.close();
    dynamoClient.close();
    sqsClient.close();
    sqsServer.stopAndWait();
    for (Process p : processes) p.destroy();
    dynalite.close();
  }
}
