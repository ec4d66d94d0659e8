package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;
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
import software.amazon.awssdk.services.s3.S3Client;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code decode-range} as deployed: FFmpeg, the embedder and JPEG encoding inside Quarkus, writing to S3. */
@QuarkusTest
@QuarkusTestResource(LocalAws.class)
@TestProfile(DecodeRangeHandlerTest.DecodeRangeFunction.class)
class DecodeRangeHandlerTest {
    public static class DecodeRangeFunction implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Download mode here (the presigned path is covered by PlanHandlerTest and the IT).
            return Map.of("quarkus.lambda.handler", "decode-range", "longvqa.frame-side", "128", "longvqa.presign", "false");
        }
    }

    @Inject
    S3Client s3;

    @TempDir
    Path dir;

    @Test
    void writesOneJpegPerSecondAndTheEmbeddings() throws Exception {
        SyntheticVideo.Generated video = SyntheticVideo.builder().size(320, 180).fps(10).seed(9)
                .shot(SyntheticVideo.ShotType.PAN, 8).build().write(dir.resolve("v.mp4"));
        String key = "videos/decode/" + UUID.randomUUID() + ".mp4";
        s3.putObject(b -> b.bucket(LocalAws.BUCKET).key(key), RequestBody.fromFile(video.path()));
        String jobId = UUID.randomUUID().toString().replace("-", "");

        Response r = given().contentType(ContentType.JSON).accept(ContentType.JSON).body(Map.of("jobId", jobId,
                "video", Map.of("bucket", LocalAws.BUCKET, "key", key),
                "range", Map.of("index", 1, "startSec", 3.0, "endSec", 7.0))).when().post();
        r.then().statusCode(200);
        assertThat(r.jsonPath().getInt("index")).isEqualTo(1);
        assertThat(r.jsonPath().getInt("frames")).isEqualTo(4); // 3, 4, 5, 6 s; the lead-in at 2 s is dropped
        String embeddingsKey = r.jsonPath().getString("embeddingsKey");
        assertThat(embeddingsKey).isEqualTo("jobs/" + jobId + "/embeddings/1.json");

        JsonNode doc = Json.mapper().readTree(s3.getObjectAsBytes(b -> b.bucket(LocalAws.BUCKET).key(embeddingsKey)).asByteArray());
        assertThat(doc.get("frames")).hasSize(4);
        assertThat(doc.get("frames").get(0).get("timeSec").asDouble()).isEqualTo(3.0);
        assertThat(doc.get("frames").get(0).get("changeScore").asDouble()).isGreaterThan(0); // carried over the boundary
        assertThat(doc.get("frames").get(0).get("embedding").size()).isGreaterThan(100);
        assertThat(doc.get("stream").get("width").asInt()).isEqualTo(320);
        String frameKey = doc.get("frames").get(3).get("key").asText();
        assertThat(frameKey).isEqualTo("jobs/" + jobId + "/frames/1/3.jpg");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(s3.getObjectAsBytes(b -> b.bucket(LocalAws.BUCKET).key(frameKey)).asByteArray()));
        assertThat(img.getWidth()).isEqualTo(128);
        assertThat(img.getHeight()).isEqualTo(72);
        assertThat(Files.list(Path.of("/tmp/longvqa")).filter(p -> p.getFileName().toString().startsWith("video-")).count())
                .as("the downloaded copy is deleted").isZero();
    }
}
