package dev.longvqa.functions;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.time.Clock;

/**
 * CDI producers: one set of clients and services per Lambda sandbox, created on first use (so a
 * function only builds what its handler needs).
 */
@ApplicationScoped
public class Wiring {
    static {
        // JavaCPP unpacks FFmpeg's natives into its cache; in Lambda only /tmp is writable.
        if (System.getProperty("org.bytedeco.javacpp.cachedir") == null) {
            System.setProperty("org.bytedeco.javacpp.cachedir", System.getProperty("java.io.tmpdir") + "/javacpp");
        }
    }

    @Produces
    @Singleton
    S3Client s3(Settings config) {
        return Clients.s3(config.aws().s3Endpoint(), config.aws().pathStyle());
    }

    void close(@Disposes S3Client c) {
        c.close();
    }

    @Produces
    @Singleton
    S3Presigner presigner(Settings config) {
        return Clients.presigner(config.aws().s3Endpoint(), config.aws().pathStyle());
    }

    void close(@Disposes S3Presigner p) {
        p.close();
    }

    @Produces
    @Singleton
    DynamoDbClient dynamoDb(Settings config) {
        return Clients.dynamoDb(config.aws().dynamodbEndpoint());
    }

    void close(@Disposes DynamoDbClient c) {
        c.close();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(S3Client s3) {
        return new ObjectStore(s3);
    }

    @Produces
    @Singleton
    JobStore jobStore(DynamoDbClient ddb, Settings settings) {
        return new JobStore(ddb, settings.table().orElse(null), Clock.systemUTC()); // checked on use: JobStore#table
    }

    @Produces
    @Singleton
    VideoAccess videoAccess(ObjectStore store, S3Presigner presigner, Settings settings) {
        return new VideoAccess(store, presigner, settings.validated());
    }

    @Produces
    @Singleton
    RegisterService register(ObjectStore store, JobStore jobs, Settings settings) {
        return new RegisterService(store, jobs, settings.validated());
    }

    @Produces
    @Singleton
    PlanService plan(ObjectStore store, VideoAccess access, JobStore jobs, Settings settings) {
        return new PlanService(store, access, jobs, settings.validated());
    }

    @Produces
    @Singleton
    DecodeRangeService decodeRange(ObjectStore store, VideoAccess access, Settings settings) {
        return new DecodeRangeService(store, access, settings.validated());
    }

    @Produces
    @Singleton
    SegmentService segment(ObjectStore store, JobStore jobs, Settings settings) {
        return new SegmentService(store, jobs, settings.validated());
    }

    @Produces
    @Singleton
    RecordService record(ObjectStore store, JobStore jobs, Settings settings) {
        return new RecordService(store, jobs, settings.validated());
    }
}
