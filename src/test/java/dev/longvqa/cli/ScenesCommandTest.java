package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.scenes.CutScore;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScenesCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cmd = LongVqaCli.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void jsonHasTheDocumentedFieldsAndFindsTheCuts() throws Exception {
        SyntheticVideo.Generated g = SyntheticVideo.builder().size(192, 108).fps(15).codec("libvpx", "webm")
                .shot(SyntheticVideo.ShotType.SHAPES, 7).shot(SyntheticVideo.ShotType.PAN, 6).shot(SyntheticVideo.ShotType.FADE, 8)
                .shot(SyntheticVideo.ShotType.ZOOM, 5).build().write(dir.resolve("four shots.webm"));
        Run r = run("scenes", g.path().toString(), "--json", "-q");
        assertThat(r.exit()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("video").asText()).isEqualTo(g.path().toString());
        assertThat(j.get("durationSec").asDouble()).isBetween(25.9, 26.2);
        assertThat(j.get("sampledFrames").asInt()).isEqualTo(26);
        List<Double> cuts = new ArrayList<>();
        j.get("cutsSec").forEach(n -> cuts.add(n.asDouble()));
        assertThat(CutScore.of(g.cutsSec(), cuts, 1.0).f1()).isEqualTo(1.0);
        JsonNode scenes = j.get("scenes");
        assertThat(scenes).hasSize(4);
        assertThat(scenes.get(0).get("index").asInt()).isZero();
        assertThat(scenes.get(0).get("startSec").asDouble()).isZero();
        assertThat(scenes.get(3).get("endSec").asDouble()).isEqualTo(j.get("durationSec").asDouble());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void maxScenesLimitsScenesNotCuts() throws Exception {
        SyntheticVideo.Generated g = SyntheticVideo.builder().size(160, 90).fps(12)
                .shots(SyntheticVideo.randomShots(5, 30, 9)).build().write(dir.resolve("six.mp4"));
        JsonNode j = Json.mapper().readTree(run("scenes", g.path().toString(), "--json", "-q", "--max-scenes", "3").out());
        assertThat(j.get("scenes")).hasSize(3);
        assertThat(j.get("cutsSec").size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void badInputExitsTwoWithOneErrorLine() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.mp4"), "hello");
        for (String path : List.of(text.toString(), dir.resolve("missing.mkv").toString())) {
            Run r = run("scenes", path, "--json");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().toList()).singleElement().asString().startsWith("error: ").doesNotContain("Exception");
        }
    }

    @Test
    void shortVideoIsOneScene() throws Exception {
        Path v = SyntheticVideo.builder().size(160, 90).fps(25).shot(SyntheticVideo.ShotType.PAN, 3).build()
                .write(dir.resolve("three.avi")).path();
        Run r = run("scenes", v.toString(), "--json", "-q");
        assertThat(r.exit()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("scenes")).hasSize(1);
        assertThat(j.get("cutsSec")).isEmpty();
    }

    @Test
    void aVitEmbedderFromTorchScriptCanReplaceTheBuiltIn() throws Exception {
        // The committed tiny random ViT (32 px input) stands in for a DINOv2 export.
        Path vit = Path.of(ScenesCommandTest.class.getResource("/golden/tdc/vit_tiny.pt").toURI());
        Path v = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.PAN, 4).build()
                .write(dir.resolve("vit.mp4")).path();
        Run r = run("scenes", v.toString(), "--json", "-q", "--embedder", "vit:" + vit + "@32");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("embedder").asText()).startsWith("vit");
        assertThat(j.get("similarity")).hasSize(3);
        Run missing = run("scenes", v.toString(), "--json", "-q", "--embedder", "vit:" + dir.resolve("none.onnx"));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: NOT_FOUND");
    }

    @Test
    void usageErrorsAreNotStackTraces() {
        Run r = run("scenes");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter").doesNotContain("at dev.longvqa");
    }
}
