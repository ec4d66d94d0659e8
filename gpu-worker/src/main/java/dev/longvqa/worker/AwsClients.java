package dev.longvqa.worker;

import dev.longvqa.contract.WorkerEnv;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;

/**
 * Builds the SDK clients. Without explicit endpoints the SDK's own resolution applies, which
 * honours {@code AWS_ENDPOINT_URL} and {@code AWS_ENDPOINT_URL_<SERVICE>} (SDK ≥ 2.28); the
 * explicit ones in {@link WorkerConfig} exist for tests and the local cloud.
 */
final class AwsClients implements AutoCloseable {
    private final WorkerConfig config;
    private final Region region;
    private SqsClient sqs;
    private SfnClient sfn;
    private DynamoDbClient dynamo;
    private S3Client s3;
    private software.amazon.awssdk.services.s3.presigner.S3Presigner presigner;

    public AwsClients(WorkerConfig config) {
        this.config = config;
        this.region = region(config);
    }

    /**
     * The region from the SDK's chain ({@code AWS_REGION} first, which the task definition sets).
     * Without one, only a worker pointed at emulators may assume a region: a worker on AWS that
     * guessed one would talk to the wrong queue and table, so it refuses to start instead.
     */
    static Region region(WorkerConfig config) {
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (RuntimeException e) {
            boolean emulated = java.util.stream.Stream.of("sqs", "sfn", "dynamodb", "s3").allMatch(svc -> config.endpointFor(svc) != null);
            if (emulated) return Region.US_EAST_1; // emulators accept any region
            throw new IllegalStateException(WorkerEnv.AWS_REGION.variable() + " is not set and no region could be found ("
                    + e.getMessage() + "); set it in the task definition", e);
        }
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) sqs = configure(SqsClient.builder(), "sqs").build();
        return sqs;
    }

    public synchronized SfnClient sfn() {
        if (sfn == null) sfn = configure(SfnClient.builder(), "sfn").build();
        return sfn;
    }

    public synchronized DynamoDbClient dynamo() {
        if (dynamo == null) dynamo = configure(DynamoDbClient.builder(), "dynamodb").build();
        return dynamo;
    }

    public synchronized S3Client s3() {
        if (s3 == null) {
            var b = configure(S3Client.builder(), "s3");
            // emulators serve path-style only
            if (config.s3PathStyle()) b.forcePathStyle(true);
            s3 = b.build();
        }
        return s3;
    }

    /** Presigned GETs of job videos, for FFmpeg's ranged reads (the worker's audio). */
    public synchronized software.amazon.awssdk.services.s3.presigner.S3Presigner presigner() {
        if (presigner == null) {
            var b = software.amazon.awssdk.services.s3.presigner.S3Presigner.builder().region(region);
            URI endpoint = config.endpointFor("s3");
            if (endpoint != null) {
                b.endpointOverride(endpoint)
                        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder().pathStyleAccessEnabled(true).build());
            }
            presigner = b.build();
        }
        return presigner;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String service) {
        builder.region(region);
        URI endpoint = config.endpointFor(service);
        if (endpoint != null) builder.endpointOverride(endpoint);
        return builder;
    }

    @Override
    public synchronized void close() {
        if (sqs != null) sqs.close();
        if (sfn != null) sfn.close();
        if (dynamo != null) dynamo.close();
        if (s3 != null) s3.close();
        if (presigner != null) presigner.close();
    }
}
