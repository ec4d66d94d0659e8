package dev.longvqa.cli;

import dev.longvqa.contract.Json;
import dev.longvqa.RequiredTool;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.audio.PocketSphinx;
import dev.longvqa.audio.SoundVideos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.longvqa.cli.ScenesCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ask} on a video whose sound track says "three" at 3 s and at 11 s (espeak-ng): the
 * PocketSphinx transcript reaches the segment pass covering each time, the final pass, the JSON
 * and the HTML report; a video without sound and {@code --no-audio} behave as before.
 */
class AskSpeechTest {
    @TempDir
    static Path dir;
    static Path speech;
    static Path mute;

    @BeforeAll
    static void generate() throws Exception {
        RequiredTool.require(SoundVideos.espeakAvailable() && new PocketSphinx().available(), "espeak-ng and pocketsphinx");
        speech = SoundVideos.write(dir.resolve("speech.mp4"), 15, SoundVideos.speech(15,
                List.of(new SoundVideos.Say(3, "three"), new SoundVideos.Say(11, "three")), dir));
        mute = SoundVideos.write(dir.resolve("mute.mp4"), 15, null);
    }

    @Test
    void theTranscriptReachesEveryPassTheJsonAndTheReport() throws Exception {
        Path html = dir.resolve("report.html");
        try (FakeOpenAiServer llm = new FakeOpenAiServer()) {
            ScenesCommandTest.Run r = run("ask", speech.toString(), "What number is said?", "--json", "-q",
                    "--llm", "openai:" + llm.base(), "--lvcot", "10:2", "--no-cache", "--asr", "pocketsphinx",
                    "--report", html.toString());
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(llm.chats).hasSize(3);
            // segment 1 covers 0–7.5 s, segment 2 7.5–15 s: each hears its own "three"
            assertThat(llm.chats.get(0).toString()).containsPattern("\\[[23]s\\] three").doesNotContainPattern("\\[1[01]s\\]");
            assertThat(llm.chats.get(1).toString()).containsPattern("\\[1[01]s\\] three").doesNotContainPattern("\\[[23]s\\] three");
            assertThat(llm.chats.get(2).toString()).contains("What number is said?")
                    .containsPattern("Speech \\(automatic transcript[^\"]*\\[[23]s\\] three[^\"]*\\[1[01]s\\] three");
            JsonNode j = Json.mapper().readTree(r.out());
            JsonNode audio = j.get("audio");
            assertThat(audio.get("audio").asText()).startsWith("aac");
            assertThat(audio.get("warnings")).isEmpty();
            assertThat(audio.get("transcript").get("engine").asText()).isEqualTo("pocketsphinx");
            List<Double> threes = wordTimes(audio, "three");
            assertThat(threes).anySatisfy(t -> assertThat(t).isBetween(2.0, 4.0)).anySatisfy(t -> assertThat(t).isBetween(10.0, 12.0));
            assertThat(j.get("timings").get("transcribeMs").asLong()).isPositive();
            String page = Files.readString(html);
            assertThat(page).contains("<section id=\"speech\">").containsPattern("class=\"utterance\" data-start=\"[23]\\.\\d+\"[^>]*>.*three");
            // the speech section sits under the scene strip
            assertThat(page.indexOf("id=\"speech\"")).isGreaterThan(page.indexOf("id=\"scenes\""));
        }
    }

    private static List<Double> wordTimes(JsonNode audio, String word) {
        return java.util.stream.StreamSupport.stream(audio.get("transcript").get("words").spliterator(), false)
                .filter(w -> w.get("text").asText().equals(word)).map(w -> w.get("startSec").asDouble()).toList();
    }

    @Test
    void aVideoWithoutSoundAndNoAudioAskNothingNew() throws Exception {
        try (FakeOpenAiServer llm = new FakeOpenAiServer()) {
            ScenesCommandTest.Run r = run("ask", mute.toString(), "Q?", "--json", "-q", "--llm", "openai:" + llm.base(),
                    "--lvcot", "10:2", "--no-cache", "--asr", "pocketsphinx");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            JsonNode audio = Json.mapper().readTree(r.out()).get("audio");
            assertThat(audio.get("audio").asText()).isEqualTo("no audio stream");
            assertThat(audio.get("warnings")).isEmpty();
            assertThat(audio.get("transcript").isNull()).isTrue();
            assertThat(llm.chats).hasSize(3).noneSatisfy(c -> assertThat(c.toString()).contains("Speech"));

            ScenesCommandTest.Run off = run("ask", speech.toString(), "Q?", "--json", "-q", "--llm", "openai:" + llm.base(),
                    "--lvcot", "10:2", "--no-cache", "--no-audio");
            assertThat(off.exit()).isZero();
            assertThat(Json.mapper().readTree(off.out()).has("audio")).isFalse();
            assertThat(llm.chats.subList(3, 6)).noneSatisfy(c -> assertThat(c.toString()).contains("Speech"));
        }
    }

    @Test
    void askWithTdcAndBeatsGivesEveryStaticFrameItsAudioTokens() throws Exception {
        Path tdc = dev.longvqa.tdc.TinyTdc.directory(dir.resolve("tdc-audio"));
        // audio_proj (BEATs 64 -> LLM 24) in its own shard, the tiny BEATs where ask looks for it
        java.util.Random rnd = new java.util.Random(1);
        float[] w = new float[dev.longvqa.tdc.TinyTdc.HIDDEN * 64];
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian() * 0.2f;
        new dev.longvqa.runtime.SafetensorsWriter().put("model.audio_proj.weight", new long[]{dev.longvqa.tdc.TinyTdc.HIDDEN, 64}, w)
                .write(tdc.resolve("model-audio.safetensors"));
        Files.createDirectories(tdc.resolve("audio"));
        Files.copy(Path.of(AskSpeechTest.class.getResource("/golden/audio/beats_tiny.safetensors").toURI()), tdc.resolve(AskCommand.BEATS_IN_DIR));
        Path llm = dev.longvqa.runtime.llm.TinyLlama.write(dir.resolve("llm24"), dev.longvqa.tdc.TinyTdc.HIDDEN, 3);
        String[] common = {"ask", speech.toString(), "Q?", "--tdc", tdc.toString(), "--device", "cpu", "--llm", "runtime:" + llm,
                "--lvcot", "100:2", "--no-cache", "--asr", "off", "--json", "-q"};
        ScenesCommandTest.Run r = run(common);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doc = Json.mapper().readTree(r.out());
        JsonNode t = doc.get("tdc");
        assertThat(t.get("audio").asBoolean()).isTrue();
        // one context (a single pass), split as the reference does (adapt_segment): with at most 25
        // frames every frame is its own scene, so its own chunk, whose static frame carries 50 audio tokens
        int frames = 0;
        for (JsonNode s : doc.get("scenes")) frames += s.get("frameCount").asInt();
        assertThat(frames).as("the arithmetic below holds for <= 25 frames").isBetween(2, 25);
        int chunks = frames;
        assertThat(t.get("contexts").asInt()).isEqualTo(1);
        assertThat(t.get("audioTokens").asInt()).isEqualTo(chunks * 50).isPositive();

        String[] off = java.util.Arrays.copyOf(common, common.length + 1);
        off[common.length] = "--no-audio";
        JsonNode o = Json.mapper().readTree(run(off).out()).get("tdc");
        assertThat(o.get("audio").asBoolean()).isFalse();
        assertThat(o.get("audioTokens").asInt()).isZero();
        assertThat(o.get("visualTokens").asInt()).isEqualTo(t.get("visualTokens").asInt() - chunks * 50);

        // The cut detector's scenes instead (a named deviation): each scene's frames in chunks of 4.
        String[] segmenter = java.util.Arrays.copyOf(common, common.length + 2);
        segmenter[common.length] = "--scene-split";
        segmenter[common.length + 1] = "segmenter";
        ScenesCommandTest.Run sr = run(segmenter);
        assertThat(sr.exit()).as(sr.err()).isZero();
        JsonNode sd = Json.mapper().readTree(sr.out());
        int segmenterChunks = 0;
        for (JsonNode s : sd.get("scenes")) segmenterChunks += (s.get("frameCount").asInt() + 3) / 4;
        assertThat(sd.get("tdc").get("audioTokens").asInt()).isEqualTo(segmenterChunks * 50).isLessThan(chunks * 50);
    }

    @Test
    void anUnknownRecogniserIsABadRequest() {
        ScenesCommandTest.Run r = run("ask", mute.toString(), "Q?", "--llm", "openai:http://127.0.0.1:9/v1", "--asr", "nope", "-q");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: BAD_REQUEST").contains("nope");
    }
}
