package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.video.synthetic.SyntheticVideo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static dev.longvqa.cli.ScenesCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

class PlanAndReportCommandTest {
    @TempDir
    static Path dir;
    static SyntheticVideo.Generated video;

    @BeforeAll
    static void generate() {
        video = SyntheticVideo.builder().size(160, 90).fps(10).shot(SyntheticVideo.ShotType.SHAPES, 10)
                .shot(SyntheticVideo.ShotType.PAN, 10).shot(SyntheticVideo.ShotType.ZOOM, 12).build().write(dir.resolve("three.mp4"));
    }

    @Test
    void planCountsTokensOfTheTdcLayout() throws Exception {
        ScenesCommandTest.Run r = run("plan", video.path().toString(), "--json", "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode p = Json.mapper().readTree(r.out());
        // 32 frames in scenes of 10, 10 and 12: chunks of 8 per scene -> 2 + 2 + 2; every frame fits 8K.
        assertThat(p.get("sampledFrames").asInt()).isEqualTo(32);
        assertThat(p.get("frames").asInt()).isEqualTo(32);
        assertThat(p.get("scenes").asInt()).isEqualTo(3);
        assertThat(p.get("chunks").asInt()).isEqualTo(6);
        assertThat(p.get("staticTokens").asInt()).isEqualTo(6 * 12 * 13); // 12x12 grid + a newline per row
        assertThat(p.get("compressedTokens").asInt()).isEqualTo((32 - 6) * 16);
        assertThat(p.get("separatorTokens").asInt()).isEqualTo(32);
        int visual = p.get("staticTokens").asInt() + p.get("compressedTokens").asInt() + p.get("separatorTokens").asInt();
        assertThat(p.get("totalTokens").asInt()).isGreaterThanOrEqualTo(visual + 64).isLessThan(visual + 64 + 32);
        assertThat(p.get("lvcotSegments").asInt()).isEqualTo(1);
        // no audio stream: exactly the layout above, and no audio tokens
        assertThat(p.get("audio").get("stream").asBoolean()).isFalse();
        assertThat(p.get("audio").get("inContext").asInt()).isZero();
    }

    @Test
    void planReportsFiftyAudioTokensPerSecondWhenTheVideoHasSound() throws Exception {
        Path withSound = dev.longvqa.audio.SoundVideos.write(dir.resolve("sound.mp4"), 12,
                new float[12 * dev.longvqa.audio.SoundVideos.RATE]);
        JsonNode p = Json.mapper().readTree(run("plan", withSound.toString(), "--json", "-q").out());
        int frames = p.get("frames").asInt(), chunks = p.get("chunks").asInt();
        assertThat(frames).isEqualTo(12);
        JsonNode a = p.get("audio");
        assertThat(a.get("stream").asBoolean()).isTrue();
        assertThat(a.get("tokensPerSecond").asInt()).isEqualTo(50);
        assertThat(a.get("encodedTokens").asInt()).isEqualTo(12 * 50);
        // the static frame of each chunk carries 156 visual + 50 audio tokens (144 + 50 in the reference's words)
        assertThat(a.get("inContext").asInt()).isEqualTo(chunks * 50);
        assertThat(p.get("staticTokens").asInt()).isEqualTo(chunks * (12 * 13 + 50));

        JsonNode off = Json.mapper().readTree(run("plan", withSound.toString(), "--json", "-q", "--no-audio").out());
        assertThat(off.get("staticTokens").asInt()).isEqualTo(chunks * 12 * 13);
        assertThat(off.get("audio").get("inContext").asInt()).isZero();
        String text = run("plan", withSound.toString(), "-q").out();
        assertThat(text).contains("audio: 50 tokens per second");
    }

    @Test
    void scenesReportHasOneThumbnailPerSceneAndTheCuts() throws Exception {
        Path html = dir.resolve("report.html");
        ScenesCommandTest.Run r = run("scenes", video.path().toString(), "-q", "--report", html.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        String page = Files.readString(html);
        assertThat(Pattern.compile("<figure class=\"scene\"").matcher(page).results().count()).isEqualTo(3);
        assertThat(page).contains("data:image/jpeg;base64,");
        // Nothing loads from the network: the only URL is the SVG namespace.
        assertThat(page.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://").doesNotContain("https://");
        assertThat(page).contains("<line class=\"cut\" data-time=\"10.000\"").contains("<line class=\"cut\" data-time=\"20.000\"");
    }
}
