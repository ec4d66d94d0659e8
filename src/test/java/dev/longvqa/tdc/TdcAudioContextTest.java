package dev.longvqa.tdc;

import dev.longvqa.contract.JobQuestion;
import dev.longvqa.pipeline.AskPipeline;
import dev.longvqa.pipeline.SceneDetector;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longvqa.audio.AudioAnalysis;
import dev.longvqa.audio.AudioDecoder;
import dev.longvqa.audio.AudioProjection;
import dev.longvqa.audio.AudioProjectionShard;
import dev.longvqa.audio.AudioResult;
import dev.longvqa.audio.AudioTokens;
import dev.longvqa.audio.Beats;
import dev.longvqa.audio.SoundVideos;
import dev.longvqa.audio.TranscriptCache;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.reason.LanguageModel;
import dev.longvqa.reason.LvcotSettings;
import dev.longvqa.reason.Part;
import dev.longvqa.reason.RecordingLanguageModel;
import dev.longvqa.reason.SegmentCache;
import dev.longvqa.reason.SegmentRule;
import dev.longvqa.reason.backend.BackendOptions;
import dev.longvqa.reason.backend.LanguageModels;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.runtime.llm.TinyLlama;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Audio in the TDC context, end to end through {@code AskPipeline}: the tiny TDC checkpoint plus
 * an {@code audio_proj} shard, the tiny random-weight BEATs of the goldens, a video whose sound is
 * a tone. Each frame's 50 projected audio tokens follow its visual tokens in the static block;
 * a video without sound gets exactly the context it got before audio support.
 */
class TdcAudioContextTest {
    @TempDir
    static Path dir;
    static Path sound, mute, beatsFile;
    static LanguageModel runtime;
    static TdcVisualContext tdc;
    static final List<TdcVisualContext.Built> builds = Collections.synchronizedList(new ArrayList<>());
    static final LvcotSettings SETTINGS = LvcotSettings.builder().rule(SegmentRule.parse("100:2")).segmentMaxTokens(2)
            .answerMaxTokens(2).build();

    @BeforeAll
    static void setUp() throws Exception {
        sound = SoundVideos.write(dir.resolve("tone.mp4"), 6, SoundVideos.toneAndNoise(6));
        mute = SoundVideos.write(dir.resolve("mute.mp4"), 6, null);
        beatsFile = Path.of(TdcAudioContextTest.class.getResource("/golden/audio/beats_tiny.safetensors").toURI());
        // the tiny checkpoint as a directory with one more shard: audio_proj (BEATs 64 -> LLM 24)
        Path ckpt = Files.createDirectories(dir.resolve("ckpt"));
        Files.copy(TinyTdc.checkpoint(), ckpt.resolve("model-00001-of-00002.safetensors"));
        AudioProjectionShard.write(ckpt.resolve("model-00002-of-00002.safetensors"), TinyTdc.HIDDEN, 64, 5);
        TdcVision.Files tiny = TinyTdc.files();
        TdcVision.Files files = new TdcVision.Files(ckpt, tiny.towers(), tiny.bertTokenizer(), tiny.qformerHeads());
        runtime = LanguageModels.fromSpec("runtime:" + TinyLlama.write(dir.resolve("llm24"), TinyTdc.HIDDEN, 7), BackendOptions.builder().build());
        tdc = TdcVisualContext.builder(files).settings(TinyTdc.settings()).device("cpu").beats(beatsFile)
                .listener(builds::add).loadFor(runtime);
    }

    @AfterAll
    static void tearDown() {
        if (tdc != null) tdc.close();
        if (runtime != null) runtime.close();
    }

    private static AskPipeline pipeline(LanguageModel model) {
        return new AskPipeline(SceneDetector.builder().build(), "test", model, SegmentCache.none(), SETTINGS).withTdc(tdc)
                .withAudio(new AudioAnalysis(new AudioDecoder(), null, TranscriptCache.none()));
    }

    @Test
    void eachFrameCarriesItsSecondOfAudioAfterItsVisualTokens() throws Exception {
        builds.clear();
        RecordingLanguageModel model = new RecordingLanguageModel(runtime);
        try (AskPipeline.Outcome o = pipeline(model).ask(sound, List.of(new JobQuestion("q0", "What is heard?")))) {
            assertThat(o.audio().audio()).isInstanceOf(AudioResult.Decoded.class);
            RgbImage frame = o.frames().image(0);
            TdcSettings visual = TinyTdc.settings().forVideo(frame.width(), frame.height(), true);
            TdcSettings withAudio = visual.withAudioTokens(AudioTokens.PER_SECOND);
            TdcVisualContext.Built last = builds.getLast();
            int planned = TdcPlanner.plan(last.framesPerScene(), last.textTokens(), withAudio).visualTokens();
            assertThat(last.plan().visualTokens()).isEqualTo(planned)
                    .isGreaterThan(TdcPlanner.plan(last.framesPerScene(), last.textTokens(), visual).visualTokens());
            EmbeddingBlock block = model.prompts.getLast().parts().stream().filter(p -> p instanceof Part.Embeddings)
                    .map(p -> ((Part.Embeddings) p).block()).findFirst().orElseThrow();
            assertThat(block.tokens()).isEqualTo(planned);
            // untrimmed: every chunk's static frame keeps its 50 audio tokens
            assertThat(last.audioTokens()).isEqualTo(last.plan().chunks() * AudioTokens.PER_SECOND);

            // rows [S, S+50) of the first chunk: audio_proj(BEATs tokens of second 0), computed here on their own
            int s = visual.staticFrameTokens();
            try (NDManager m = NDManager.newBaseManager("PyTorch");
                 Beats beats = Beats.load(beatsFile, m);
                 AudioResult decoded = new AudioDecoder().decode(sound);
                 AudioTokens tokens = new AudioTokens(beats, decoded.track(), m);
                 Safetensors shard = Safetensors.open(dir.resolve("ckpt/model-00002-of-00002.safetensors"))) {
                NDArray expected = AudioProjection.load(shard, m).apply(tokens.group(0, 1, m));
                float[] want = expected.toFloatArray();
                float[] got = new float[want.length];
                System.arraycopy(block.values(), s * TinyTdc.HIDDEN, got, 0, got.length);
                assertThat(dev.longvqa.runtime.NdArrays.maxAbsDiff(got, want)).isLessThan(1e-4);
            }
        }
    }

    @Test
    void aVideoWithoutSoundGetsTheContextItGotBefore() {
        builds.clear();
        RecordingLanguageModel model = new RecordingLanguageModel(runtime);
        try (AskPipeline.Outcome o = pipeline(model).ask(mute, List.of(new JobQuestion("q0", "What is heard?")))) {
            assertThat(o.audio().audio()).isInstanceOf(AudioResult.NoAudio.class);
            RgbImage frame = o.frames().image(0);
            TdcSettings visual = TinyTdc.settings().forVideo(frame.width(), frame.height(), true);
            for (TdcVisualContext.Built b : builds) {
                assertThat(b.plan().visualTokens()).isEqualTo(TdcPlanner.plan(b.framesPerScene(), b.textTokens(), visual).visualTokens());
                assertThat(b.audioTokens()).isZero();
            }
            assertThat(builds).isNotEmpty();
        }
    }
}
