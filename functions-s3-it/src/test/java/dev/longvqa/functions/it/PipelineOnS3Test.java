package dev.longvqa.functions.it;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import dev.longvqa.emulators.Dynalite;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.functions.Clients;
import dev.longvqa.functions.DecodeRangeService;
import dev.longvqa.contract.DecodeRequest;
import dev.longvqa.contract.DecodeResult;
import dev.longvqa.functions.JobStore;
import dev.longvqa.functions.Keys;
import dev.longvqa.functions.LambdaError;
import dev.longvqa.functions.ObjectStore;
import dev.longvqa.contract.PlanRequest;
import dev.longvqa.contract.PlanResult;
import dev.longvqa.functions.PlanService;
import dev.longvqa.contract.RegisterResult;
import dev.longvqa.functions.RegisterService;
import dev.longvqa.contract.SegmentRequest;
import dev.longvqa.contract.SegmentResult;
import dev.longvqa.functions.SegmentService;
import dev.longvqa.functions.Settings;
import dev.longvqa.functions.VideoAccess;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.contract.DecodeRange;
import dev.longvqa.scenes.CutScore;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The S3-touching services as the workflow calls them — register → plan → decode-range × n →
 * segment — on S3Mock and dynalite, with a video generated at test time whose cuts are known.
 */
class PipelineOnS3Test {
    static final String BUCKET = "longvqa-it";
    static final String TABLE = "jobs";

    static final int S3_PORT = freePort();

    /*
     * The functions jar carries Quarkus' application.properties, which shadows S3Mock's own on the
     * class path (Spring reads the first one): the S3Mock settings it needs are passed explicitly.
     */
    @RegisterExtension
    static final S3MockExtension S3_MOCK = (S3MockExtension) S3MockExtension.builder().silent().withSecureConnection(false)
            .withInitialBuckets(BUCKET).withHttpPort(S3_PORT).withRegion("us-east-1")
            .withProperty("com.adobe.testing.s3mock.httpPort", String.valueOf(S3_PORT))
            .withProperty("com.adobe.testing.s3mock.max-payload-size", "64MB")
            .withProperty("spring.main.lazy-initialization", "true")
            .withProperty("spring.jmx.enabled", "false")
            .build();

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Dynalite dynamo;
    static DynamoDbClient ddb;
    static S3Client s3;
    static S3Presigner presigner;

    @TempDir
    static Path dir;

    @BeforeAll
    static void emulators() throws Exception {
        dynamo = Dynalite.start();
        ddb = Clients.dynamoDb(Optional.of(dynamo.endpoint()));
        ddb.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("jobId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("jobId").attributeType(ScalarAttributeType.S)));
        URI s3Endpoint = URI.create("http://127.0.0.1:" + S3_PORT);
        s3 = Clients.s3(Optional.of(s3Endpoint), true);
        presigner = Clients.presigner(Optional.of(s3Endpoint), true);
    }

    @AfterAll
    static void stop() throws Exception {
        ddb.close();
        s3.close();
        presigner.close();
        dynamo.close();
    }

    /** The services wired as the Lambdas wire them, with settings a test may adjust. */
    record Stages(RegisterService register, PlanService plan, DecodeRangeService decode, SegmentService segment) {
        static Stages with(Settings settings) {
            ObjectStore store = new ObjectStore(s3);
            JobStore jobs = new JobStore(ddb, TABLE, Clock.systemUTC());
            VideoAccess access = new VideoAccess(store, presigner, settings);
            return new Stages(new RegisterService(store, jobs, settings), new PlanService(store, access, jobs, settings),
                    new DecodeRangeService(store, access, settings), new SegmentService(store, jobs, settings));
        }
    }

    static Settings settings() {
        return settings(Map.of());
    }

    /** The defaults, this bucket and table, 15-s ranges, and what a test changes ({@code longvqa.*} properties). */
    static Settings settings(Map<String, String> changes) {
        Map<String, String> p = new java.util.HashMap<>(Map.of("longvqa.bucket", BUCKET, "longvqa.table", TABLE,
                "longvqa.range-seconds", "15"));
        p.putAll(changes);
        return Settings.of(p);
    }

    static String put(String key, byte[] bytes) {
        return s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes)).eTag().replace("\"", "");
    }

    static JsonNode event(String key, String etag) throws Exception {
        return dev.longvqa.contract.Json.mapper().readTree("""
                {"detail-type":"Object Created","source":"aws.s3",
                 "detail":{"bucket":{"name":"%s"},"object":{"key":"%s","size":1,"etag":"%s"},"reason":"PutObject"},
                 "executionArn":"arn:aws:states:us-east-1:111122223333:execution:longvqa:it"}
                """.formatted(BUCKET, key, etag));
    }

    static Map<String, AttributeValue> row(String jobId) {
        return ddb.getItem(b -> b.tableName(TABLE).key(Map.of("jobId", AttributeValue.fromS(jobId)))).item();
    }

    @Test
    void registerPlanDecodeSegmentFindsTheKnownCuts() throws Exception {
        // 40 s, 3 cuts; the one at 14 s falls exactly on the boundary between ranges 0 and 1.
        SyntheticVideo.Generated video = SyntheticVideo.builder().size(320, 180).fps(12).seed(7)
                .shot(SyntheticVideo.ShotType.SHAPES, 10).shot(SyntheticVideo.ShotType.PAN, 4)
                .shot(SyntheticVideo.ShotType.ZOOM, 13).shot(SyntheticVideo.ShotType.FADE, 13)
                .build().write(dir.resolve("clip.mp4"));
        assertThat(video.cutsSec()).hasSize(3);
        String key = "videos/e2e/" + UUID.randomUUID() + " clip.mp4";
        put(Keys.sidecar(key), "{\"questions\": [\"What shapes appear?\", \"Is there a fade?\"]}".getBytes());
        String etag = put(key, Files.readAllBytes(video.path()));
        Stages stages = Stages.with(settings());

        RegisterResult reg = stages.register().register(event(key, etag));
        assertThat(reg.action()).isEqualTo(RegisterResult.Action.START);
        assertThat(reg.questions()).extracting("text").containsExactly("What shapes appear?", "Is there a fade?");
        String jobId = reg.jobId();

        PlanResult plan = stages.plan().plan(new PlanRequest(jobId, reg.video()));
        assertThat(plan.durationSec()).isCloseTo(40.0, within(0.2));
        assertThat(plan.width()).isEqualTo(320);
        assertThat(plan.ranges()).extracting(DecodeRange::startSec).containsExactly(0.0, 14.0, 28.0);
        assertThat(row(jobId).get("status").s()).isEqualTo("DECODING");

        List<DecodeResult> decoded = new ArrayList<>();
        for (DecodeRange r : plan.ranges()) decoded.add(stages.decode().decode(new DecodeRequest(jobId, reg.video(), r)));
        assertThat(decoded).extracting(DecodeResult::frames).containsExactly(14, 14, 12);
        int total = decoded.stream().mapToInt(DecodeResult::frames).sum();

        // Every frame is a small JPEG under jobs/{jobId}/frames/{range}/{i}.jpg.
        var listed = s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("jobs/" + jobId + "/frames/")).contents().stream().toList();
        assertThat(listed).hasSize(total);
        byte[] jpeg = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(Keys.frame(jobId, 1, 0))).asByteArray();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertThat(Math.max(img.getWidth(), img.getHeight())).isEqualTo(320); // smaller than 384: not upscaled

        // Segment gets the decode outputs in any order (a Map's results are ordered, but do not rely on it).
        List<DecodeResult> shuffled = new ArrayList<>(decoded);
        java.util.Collections.reverse(shuffled);
        SegmentResult seg = stages.segment().segment(new SegmentRequest(jobId, reg.video(), plan, shuffled));
        assertThat(seg.frameCount()).isEqualTo(total);
        assertThat(seg.sceneCount()).isEqualTo(4);
        assertThat(seg.segments()).hasSize(1); // 40 frames: one LVCoT part
        assertThat(seg.segments().get(0).endSec()).isCloseTo(40.0, within(0.5));

        JsonNode scenes = dev.longvqa.contract.Json.mapper().readTree(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(seg.scenesKey())).asByteArray());
        List<Double> cuts = new ArrayList<>();
        scenes.get("cutsSec").forEach(c -> cuts.add(c.asDouble()));
        CutScore score = CutScore.of(video.cutsSec(), cuts, 1.0);
        assertThat(score.f1()).as("truth %s found %s", video.cutsSec(), cuts).isEqualTo(1.0);
        assertThat(scenes.get("scenes")).hasSize(4);
        assertThat(scenes.get("video").asText()).isEqualTo(key);

        Map<String, AttributeValue> row = row(jobId);
        assertThat(row.get("status").s()).isEqualTo("REASONING");
        assertThat(row.get("sceneCount").n()).isEqualTo("4");
        assertThat(row.get("scenesKey").s()).isEqualTo("jobs/" + jobId + "/scenes.json");
        assertThat(row.get("timings").m()).containsKeys("plan", "segment");
    }

    @Test
    void randomBytesAreNotAVideoAndStayInTheBucket() throws Exception {
        byte[] noise = new byte[200_000];
        new Random(3).nextBytes(noise);
        for (boolean presign : new boolean[]{true, false}) {
            String key = "videos/bad/" + UUID.randomUUID() + ".mp4";
            String etag = put(key, noise);
            Stages stages = Stages.with(settings(Map.of("longvqa.presign", Boolean.toString(presign))));
            RegisterResult reg = stages.register().register(event(key, etag));
            assertThatThrownBy(() -> stages.plan().plan(new PlanRequest(reg.jobId(), reg.video())))
                    .isInstanceOfSatisfying(LongVqaException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_VIDEO);
                        // What the Lambda adapter throws, and so what Step Functions sees:
                        assertThat(LambdaError.of(e).getClass().getName()).isEqualTo("LongVqa.NOT_A_VIDEO");
                        assertThat(e.getMessage()).doesNotContain("X-Amz-Signature");
                    });
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).isEqualTo(noise.length);
        }
    }

    @Test
    void aTextFileIsNotAVideoAndAnEmptyOneIsEmpty() throws Exception {
        Stages stages = Stages.with(settings());
        String text = "videos/notes/" + UUID.randomUUID() + ".mp4";
        RegisterResult reg = stages.register().register(event(text, put(text, "just some notes\n".repeat(100).getBytes())));
        assertThatThrownBy(() -> stages.plan().plan(new PlanRequest(reg.jobId(), reg.video())))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_A_VIDEO));

        String empty = "videos/empty/" + UUID.randomUUID() + ".mp4";
        RegisterResult reg2 = stages.register().register(event(empty, put(empty, new byte[0])));
        assertThatThrownBy(() -> stages.plan().plan(new PlanRequest(reg2.jobId(), reg2.video())))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EMPTY));
    }

    @Test
    void limitsAreEnforcedAtPlanBeforeDecoding() throws Exception {
        SyntheticVideo.Generated video = SyntheticVideo.builder().size(160, 90).fps(10)
                .shot(SyntheticVideo.ShotType.SHAPES, 12).build().write(dir.resolve("short.mp4"));
        String key = "videos/limits/" + UUID.randomUUID() + ".mp4";
        String etag = put(key, Files.readAllBytes(video.path()));
        Settings base = settings();
        RegisterResult reg = Stages.with(base).register().register(event(key, etag));
        PlanRequest req = new PlanRequest(reg.jobId(), reg.video());

        assertThatThrownBy(() -> Stages.with(settings(Map.of("longvqa.limits.max-duration-sec", "5"))).plan().plan(req))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LONG));
        assertThatThrownBy(() -> Stages.with(settings(Map.of("longvqa.limits.max-bytes", "1000"))).plan().plan(req))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TOO_LARGE));
        assertThatThrownBy(() -> Stages.with(base).plan().plan(null))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        // A payload pointing outside the upload prefix is refused before anything is read.
        assertThatThrownBy(() -> Stages.with(base).plan().plan(new PlanRequest(reg.jobId(),
                new dev.longvqa.contract.VideoRef(BUCKET, "jobs/" + reg.jobId() + "/scenes.json", null, "x", 1L))))
                .isInstanceOfSatisfying(LongVqaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
}
