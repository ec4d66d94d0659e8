package dev.longvqa.local.cloud;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.GoldenFiles;
import dev.longvqa.runtime.llm.TinyLlama;
import dev.longvqa.tdc.TinyTdc;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The workflow with the Compress stage on: the worker builds the TDC context from the frames the
 * decode Lambdas stored and a DJL runtime model reads it as input embeddings. Tiny random-weight
 * TDC parts and a tiny Llama of the projector's width stand in for the real checkpoints; every
 * other piece is the product's (ASL file, function services, worker, emulators).
 */
@Timeout(600)
class LocalCloudTdcEndToEndTest {
    @TempDir
    static Path dir;
    static LocalCloud cloud;

    @BeforeAll
    static void up() throws Exception {
        dev.longvqa.local.LocalCli.commandLineForTests();
        Path llm = TinyLlama.write(GoldenFiles.find("llm/llama"), dir.resolve("llm24"), TinyTdc.HIDDEN, 7);
        Path tdc = TinyTdc.directory(GoldenFiles.find("tdc"), dir.resolve("tdc"));
        cloud = TestClouds.builder(dir)
                .worker(LocalWiring.worker("runtime:" + llm, tdc, 8192))
                .build();
    }

    @AfterAll
    static void down() {
        if (cloud != null) cloud.close();
    }

    @Test
    void anUploadIsAnsweredFromTheTdcContextAndItsCostsReachTheRow() throws Exception {
        SyntheticVideo.Generated v = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 8)
                .shot(SyntheticVideo.ShotType.PAN, 8).shot(SyntheticVideo.ShotType.ZOOM, 8).build().write(dir.resolve("tdc talk.mp4"));
        CliRun r = local("upload", v.path().toString(), "--question", "What moves?", "--wait", "--json", "--timeout", "300");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode job = Json.mapper().readTree(r.out());
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("answers")).hasSize(1);

        // every segment pass and the answer pass carried a TDC block: the row sums what the tasks reported
        JsonNode segments = job.get("segments");
        assertThat(segments).isNotEmpty();
        long visual = 0;
        for (JsonNode s : segments) {
            assertThat(s.get("visualTokens").asLong()).as("segment %s", s).isPositive();
            visual += s.get("visualTokens").asLong();
            // the worker's own record of the pass agrees with the row
            JsonNode stored = Json.mapper().readTree(cloud.clients().s3().getObjectAsBytes(
                    b -> b.bucket(cloud.endpoints().bucket()).key(s.get("segmentKey").asText())).asByteArray());
            assertThat(stored.get("visualTokens").asLong()).isEqualTo(s.get("visualTokens").asLong());
            assertThat(stored.get("frameTimesSec")).as("the planner's pick of the stored frames").isNotEmpty();
        }
        assertThat(job.at("/tokens/visual").asLong()).as("segments + the answer pass").isGreaterThan(visual);
        assertThat(job.at("/tokens/prompt").asLong()).as("the visual rows are part of the prompt")
                .isGreaterThanOrEqualTo(job.at("/tokens/visual").asLong());
        assertThat(job.at("/timings/tdc").isNumber()).isTrue();
    }

    @Test
    void tdcWithoutAModelIsRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> LocalWiring.worker(null, dir.resolve("tdc"), 8192))
                .hasMessageContaining("--tdc needs a model");
    }

    static CliRun local(String... args) {
        return CliRun.of(dir.resolve("cloud"), args);
    }
}
