package dev.longvqa.infra;

import dev.longvqa.contract.JobRow;
import dev.longvqa.contract.S3Layout;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.CorsRule;
import software.amazon.awscdk.services.s3.HttpMethods;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The one bucket (uploads under {@code videos/}, their questions under {@code questions/}, artifacts
 * under {@code jobs/}, the segment cache
 * under {@code cache/}) and the jobs table, laid out as docs/ARCHITECTURE.md describes.
 */
final class Storage extends Construct {

  public static final String VIDEOS_PREFIX = S3Layout.VIDEOS_PREFIX;
  public static final String QUESTIONS_PREFIX = S3Layout.QUESTIONS_PREFIX;
  public static final String JOBS_PREFIX = S3Layout.JOBS_PREFIX;
  public static final String CACHE_PREFIX = S3Layout.CACHE_PREFIX;
  /** Rows carrying this attribute (epoch seconds) expire; rows without it are kept. */
  public static final String TTL_ATTRIBUTE = JobRow.EXPIRES_AT;

  private final Bucket bucket;
  private final Table jobsTable;

  public Storage(Construct scope, String id, InfraConfig config) {
    super(scope, id);
    RemovalPolicy removal = config.retainData() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    bucket = Bucket.Builder.create(this, "Bucket")
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
        .encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true)
        .versioned(true)
        .lifecycleRules(List.of(
            LifecycleRule.builder().id("expire-job-artifacts").prefix(JOBS_PREFIX)
                .expiration(Duration.days(config.jobArtifactDays())).build(),
            // The cache only saves GPU time; a miss recomputes, so it may age out.
            LifecycleRule.builder().id("expire-segment-cache").prefix(CACHE_PREFIX)
                .expiration(Duration.days(Math.max(90, config.jobArtifactDays()))).build(),
            LifecycleRule.builder().id("tidy-versions-and-uploads")
                .noncurrentVersionExpiration(Duration.days(30))
                .abortIncompleteMultipartUploadAfter(Duration.days(7))
                .expiredObjectDeleteMarker(true).build()))
        .removalPolicy(removal)
        .cors(webCors(config.webOrigins()))
        .build();
    Nag.accept(bucket, "AwsSolutions-S1",
        "Server access logs would need a second bucket for little gain here: every upload is already "
            + "recorded as an EventBridge event and a Step Functions execution, and the job row keeps who/what/when.");
    // Sent to EventBridge natively (a bucket property) rather than through Bucket#eventBridgeEnabled,
    // which deploys a notification-configuring custom-resource Lambda for the same effect.
    ((CfnBucket) bucket.getNode().getDefaultChild()).addPropertyOverride(
        "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", true);

    jobsTable = Table.Builder.create(this, "Jobs")
        .partitionKey(Attribute.builder().name(JobRow.JOB_ID).type(AttributeType.STRING).build())
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .encryption(TableEncryption.AWS_MANAGED)
        .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
            .pointInTimeRecoveryEnabled(true).build())
        .timeToLiveAttribute(TTL_ATTRIBUTE)
        .removalPolicy(removal)
        .build();
    // The API's "my jobs" query (GET /jobs): newest first per caller. Rows without an owner
    // (uploads straight to the bucket) are not in it.
    jobsTable.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder()
        .indexName(JobRow.OWNER_INDEX)
        .partitionKey(Attribute.builder().name(JobRow.OWNER).type(AttributeType.STRING).build())
        .sortKey(Attribute.builder().name(JobRow.CREATED_AT).type(AttributeType.STRING).build())
        .projectionType(ProjectionType.ALL)
        .build());
  }

  /**
   * The web page uploads straight to presigned URLs from its own origin ({@code longvqa local web}):
   * PUT the parts, GET/HEAD to check, and read each part's ETag to complete the multipart upload.
   * None when no origin is configured.
   */
  static List<CorsRule> webCors(List<String> origins) {
    if (origins.isEmpty()) return null;
    return List.of(CorsRule.builder().id("web-page")
        .allowedOrigins(origins)
        .allowedMethods(List.of(HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD))
        .allowedHeaders(List.of("*"))
        .exposedHeaders(List.of("ETag"))
        .maxAge(3000)
        .build());
  }

  public Bucket bucket() {
    return bucket;
  }

  public Table jobsTable() {
    return jobsTable;
  }
}
