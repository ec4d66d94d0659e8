package dev.longvqa.infra.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.longvqa.emulators.Dynalite;
import dev.longvqa.emulators.S3Mock;
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
  private final SQSRestServer sqsServer;
  private final Dynalite dynalite;
  private final S3Mock s3Mock;
  final S3Client s3Client;
  final DynamoDbClient dynamoClient;
  final SqsClient sqsClient;

  CloudEmulators(Path logDir) throws IOException {
    Files.createDirectories(logDir);
    s3Mock = startS3Mock(logDir);
    dynalite = Dynalite.start();
    sqsServer = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
    int sqsPort = sqsServer.waitUntilStarted().localAddress().getPort();

    s3 = URI.create(s3Mock.endpoint());
    dynamodb = dynalite.endpoint();
    sqs = URI.create("http://127.0.0.1:" + sqsPort);
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
    // the template's global secondary indexes (the API's owner index), as declared
    List<software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex> indexes = new ArrayList<>();
    for (JsonNode g : tableProperties.path("GlobalSecondaryIndexes")) {
      List<KeySchemaElement> gKeys = new ArrayList<>();
      for (JsonNode k : g.get("KeySchema")) {
        gKeys.add(KeySchemaElement.builder().attributeName(k.get("AttributeName").asText()).keyType(k.get("KeyType").asText()).build());
      }
      indexes.add(software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex.builder().indexName(g.get("IndexName").asText())
          .keySchema(gKeys).projection(p -> p.projectionType(g.at("/Projection/ProjectionType").asText("ALL"))).build());
    }
    dynamoClient.createTable(b -> b.tableName(name).keySchema(keys).attributeDefinitions(attrs)
        .billingMode(BillingMode.PAY_PER_REQUEST).globalSecondaryIndexes(indexes.isEmpty() ? null : indexes));
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
    try {
      return S3Mock.freePort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** S3Mock from the jar the build copies (its Spring Boot stays off this class path). */
  private static S3Mock startS3Mock(Path logDir) throws IOException {
    String jar = System.getProperty("s3mock.jar");
    if (jar == null || !new File(jar).isFile()) throw new IllegalStateException("S3Mock jar not found: " + jar);
    try {
      return S3Mock.start(Path.of(jar), logDir.resolve("s3"), Duration.ofSeconds(120));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting S3Mock", e);
    }
  }

  @Override
  public void close() {
    s3Client.close();
    dynamoClient.close();
    sqsClient.close();
    sqsServer.stopAndWait();
    s3Mock.close();
    dynalite.close();
  }
}
