package dev.longvqa.functions;

import dev.longvqa.pipeline.JobId;
import dev.longvqa.video.synthetic.SyntheticVideo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code plan} as deployed: CDI wiring, the presigner on the emulator endpoint and FFmpeg's natives
 * loaded inside Quarkus, through the mock event server.
 */
@QuarkusTest
@QuarkusTestResource(LocalAws.class)
@TestProfile(PlanHandlerTest.PlanFunction.class)
class PlanHandlerTest {
    public static class PlanFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.handler", "plan", "longvqa.range-seconds", "4");
        }
    }

    @Inject
    S3Client s3;

    @Inject
    JobStore jobs;

    @Inject
    DynamoDbClient ddb;

    @TempDir
    Path dir;

    Map<String, Object> registered(byte[] bytes) {
        String key = "videos/plan/" + UUID.randomUUID() + ".mp4";
        String etag = s3.putObject(b -> b.bucket(LocalAws.BUCKET).key(key), RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
        String jobId = JobId.of(LocalAws.BUCKET, key, null, etag).value();
        Map<String, AttributeValue> row = new HashMap<>();
        row.put("jobId", JobStore.s(jobId));
        row.put("status", JobStore.s("RECEIVED"));
        assertThat(jobs.create(row)).isTrue();
        return Map.of("jobId", jobId, "video", Map.of("bucket", LocalAws.BUCKET, "key", key, "etag", etag, "sizeBytes", bytes.length));
    }

    static Response invoke(Object body) {
        return given().contentType(ContentType.JSON).accept(ContentType.JSON).body(body).when().post();
    }

    @Test
    void probesThroughAPresignedUrlAndSplitsIntoRanges() throws Exception {
        SyntheticVideo.Generated video = SyntheticVideo.builder().size(192, 108).fps(10).seed(5)
                .shot(SyntheticVideo.ShotType.SHAPES, 5).shot(SyntheticVideo.ShotType.ZOOM, 5).build().write(dir.resolve("v.mp4"));
        Map<String, Object> req = registered(Files.readAllBytes(video.path()));
        Response r = invoke(req);
        r.then().statusCode(200);
        assertThat(r.jsonPath().getDouble("durationSec")).isBetween(9.8, 10.2);
        assertThat(r.jsonPath().getInt("width")).isEqualTo(192);
        assertThat(r.jsonPath().getList("ranges.startSec", Double.class)).containsExactly(0.0, 4.0, 8.0);
        Map<String, AttributeValue> row = ddb.getItem(b -> b.tableName(LocalAws.TABLE)
                .key(Map.of("jobId", AttributeValue.fromS((String) req.get("jobId"))))).item();
        assertThat(row.get("status").s()).isEqualTo("DECODING");
        assertThat(row.get("timings").m()).containsKey("plan");
    }

    @Test
    void randomBytesAreLongVqaNotAVideo() {
        byte[] noise = new byte[100_000];
        new Random(11).nextBytes(noise);
        Response r = invoke(registered(noise));
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.NOT_A_VIDEO");
        assertThat(r.jsonPath().getString("errorMessage")).doesNotContain("X-Amz-Signature");
    }

    @Test
    void anEmptyPayloadIsABadRequest() {
        Response r = invoke("{}");
        r.then().statusCode(500);
        assertThat(r.jsonPath().getString("errorType")).isEqualTo("LongVqa.BAD_REQUEST");
    }
}
