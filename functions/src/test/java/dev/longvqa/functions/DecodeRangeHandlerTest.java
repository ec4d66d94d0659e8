package dev.longvqa.functions;

import dev.longvqa.contract.Json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.contract.EmbeddingsDocument;
import dev.longvqa.scenes.FrameSignal;
import dev.longvqa.scenes.SceneSegmentation;
import dev.longvqa.scenes.SceneSegmenter;
import dev.longvqa.scenes.SegmenterSettings;
import dev.longvqa.scenes.SignatureEmbedder;
import dev.longvqa.video.FrameSampler;
import dev.longvqa.video.Images;
import dev.longvqa.video.SampledFrame;
import dev.longvqa.video.SamplingSummary;
import dev.longvqa.video.VideoSource;
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
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The range leaves non-reference frames undecoded (fewer frames decoded) yet writes what decoding
     * every frame gives: the same frames (times, JPEG bytes, embeddings), the same change signal at
     * the range's edges, and the same cuts when the cut rule runs over its frames.
     */
    @Test
    void skipsNonReferenceFramesAndWritesWhatAFullDecodeGives() throws Exception {
        SyntheticVideo.Generated video = SyntheticVideo.builder().size(160, 90).fps(24).bFrames(2).gop(24).seed(5)
                .shots(SyntheticVideo.randomShots(6, 30, 77)).noise(4).build().write(dir.resolve("shots.mp4"));
        String key = "videos/decode/" + UUID.randomUUID() + ".mp4";
        s3.putObject(b -> b.bucket(LocalAws.BUCKET).key(key), RequestBody.fromFile(video.path()));
        String jobId = UUID.randomUUID().toString().replace("-", "");
        double start = 4, end = 26;
        Response r = given().contentType(ContentType.JSON).accept(ContentType.JSON).body(Map.of("jobId", jobId,
                "video", Map.of("bucket", LocalAws.BUCKET, "key", key),
                "range", Map.of("index", 1, "startSec", start, "endSec", end))).when().post();
        r.then().statusCode(200);
        EmbeddingsDocument doc = Json.mapper().readValue(s3.getObjectAsBytes(b -> b.bucket(LocalAws.BUCKET)
                .key(r.jsonPath().getString("embeddingsKey"))).asByteArray(), EmbeddingsDocument.class);

        // The same range decoded every frame, in this JVM: the lead-in frame one tick before, then the range.
        List<SampledFrame> full = new ArrayList<>();
        SamplingSummary fullSummary = FrameSampler.builder().fps(1).maxSide(128).skipUnsampled(false).parallelRanges(1, 1)
                .range(start - 1, end).build().sample(VideoSource.of(video.path()), full::add);
        List<SampledFrame> kept = full.subList(1, full.size());
        assertThat(doc.decodedFrames()).as("frames decoded, skipping").isLessThan(fullSummary.decodedFrames());
        assertThat(doc.frames()).hasSameSizeAs(kept);
        SignatureEmbedder embedder = new SignatureEmbedder();
        List<FrameSignal> ours = new ArrayList<>(), theirs = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            EmbeddingsDocument.Frame f = doc.frames().get(i);
            SampledFrame g = kept.get(i);
            assertThat(f.timeSec()).as("time of frame %d", i).isEqualTo(g.timeSec());
            assertThat(f.embedding()).as("embedding of frame %d", i).isEqualTo(embedder.embed(g.image()));
            byte[] jpeg = s3.getObjectAsBytes(b -> b.bucket(LocalAws.BUCKET).key(f.key())).asByteArray();
            assertThat(jpeg).as("JPEG of frame %d", i).isEqualTo(Images.toJpeg(g.image()));
            if (i < 5 || i >= kept.size() - 5) {
                assertThat(f.changeTimeSec()).as("change time of frame %d (range edge)", i).isEqualTo(g.changeTimeSec());
                assertThat(f.changeScore()).as("change score of frame %d (range edge)", i).isEqualTo(g.changeScore());
            }
            ours.add(new FrameSignal(f.timeSec(), f.embedding(), f.changeTimeSec(), f.changeScore()));
            theirs.add(new FrameSignal(g.timeSec(), embedder.embed(g.image()), g.changeTimeSec(), g.changeScore()));
        }
        SceneSegmenter segmenter = new SceneSegmenter(SegmenterSettings.DEFAULT.withMaxScenes(64));
        SceneSegmentation expected = segmenter.segment(theirs, end - start);
        assertThat(expected.cuts()).as("the range has cuts to find").isNotEmpty();
        assertThat(segmenter.segment(ours, end - start).cuts()).isEqualTo(expected.cuts());
    }
}
