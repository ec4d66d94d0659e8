package dev.longvqa.audio;

import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.hub.HubSettings;
import dev.longvqa.runtime.hub.ModelStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whisper in the transcript path, end to end on a real video: FFmpeg decodes its AAC track, the
 * engine chosen by the same spec string the CLI, the worker and {@code local up} take
 * ({@code whisper:DIR}) transcribes it with the tiny random-weight checkpoint of the goldens
 * (nonsense words, real plumbing), and the transcript is cached like PocketSphinx's. A missing or
 * corrupt checkpoint is a typed failure that skips the transcript, never the job.
 */
class WhisperSpeechTest {
    @TempDir
    static Path tmp;
    static Path video;
    static Path tiny;
    static final double SECONDS = 34; // two windows

    @BeforeAll
    static void generate() throws Exception {
        tiny = Path.of(WhisperSpeechTest.class.getResource("/golden/whisper/tiny").toURI());
        video = SoundVideos.write(tmp.resolve("tone.mp4"), SECONDS, SoundVideos.toneAndNoise(SECONDS));
    }

    static ModelStore offlineStore(Path cache) {
        return new ModelStore(new HubSettings(URI.create("http://127.0.0.1:9"), null, cache, true));
    }

    @Test
    void aVideoIsTranscribedIntoTimedSegmentsAndCachedPerVideoAndEngine() throws Exception {
        SpeechToText whisper = SpeechToTexts.fromSpec("whisper:" + tiny, offlineStore(tmp.resolve("models"))).orElseThrow();
        assertInstanceOf(WhisperSpeech.class, whisper);
        assertEquals("whisper:tiny", whisper.id());
        Path cacheDir = Files.createDirectories(tmp.resolve("transcripts"));
        CountingSpeechToText counting = new CountingSpeechToText(whisper);
        AudioAnalysis analysis = new AudioAnalysis(new AudioDecoder(), counting, TranscriptCache.directory(cacheDir));
        try (AudioAnalysis.Result first = analysis.analyse(video, "video-hash");
             AudioAnalysis.Result second = analysis.analyse(video, "video-hash")) {
            assertTrue(first.warnings().isEmpty(), first.warnings().toString());
            Transcript t = first.transcript();
            assertEquals("whisper:tiny", t.engine());
            assertFalse(t.isEmpty(), "segments from the random model");
            double duration = first.audio().track().durationSec();
            assertEquals(SECONDS, duration, 0.2);
            double previousStart = 0;
            for (TimedWord w : t.words()) {
                assertTrue(w.startSec() >= previousStart, "segments in order: " + t.words());
                assertTrue(w.endSec() <= duration + 1e-6, "within the audio: " + w);
                assertFalse(w.text().isBlank());
                previousStart = w.startSec();
            }
            assertTrue(t.words().getLast().startSec() > 0, "more than one moment: " + t.words());
            // stored like PocketSphinx's: one JSON file per video and engine, read back on the second run
            assertTrue(Files.isRegularFile(cacheDir.resolve(TranscriptCache.key("video-hash", "whisper:tiny") + ".transcript.json")));
            assertFalse(first.transcriptCached());
            assertTrue(second.transcriptCached());
            assertEquals(t, second.transcript());
            assertEquals(1, counting.calls);
            assertFalse(t.render(0, SECONDS).isEmpty());
        }
    }

    @Test
    void aModelThatIsNotCachedOfflineSkipsTheTranscriptWithTheTypedReason() throws Exception {
        SpeechToText whisper = SpeechToTexts.fromSpec("whisper:openai/whisper-base", offlineStore(tmp.resolve("empty-cache"))).orElseThrow();
        assertEquals("whisper:openai/whisper-base", whisper.id());
        try (AudioAnalysis.Result r = new AudioAnalysis(new AudioDecoder(), whisper, TranscriptCache.none()).analyse(video, "h")) {
            assertNull(r.transcript());
            assertTrue(r.audio().track() != null, "the audio itself is fine");
            assertEquals(1, r.warnings().size());
            assertTrue(r.warnings().getFirst().contains("models pull openai/whisper-base"), r.warnings().toString());
        }
        try (AudioResult audio = new AudioDecoder().decode(video)) {
            var e = assertThrows(SpeechToText.TranscriptionException.class, () -> whisper.transcribe(audio.track()));
            assertEquals(ErrorCode.MODEL_UNAVAILABLE, assertInstanceOf(LongVqaException.class, e.getCause()).code());
        }
    }

    @Test
    void aCorruptCheckpointIsATypedFailure() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("corrupt"));
        try (Stream<Path> s = Files.list(tiny)) {
            for (Path f : s.toList()) Files.copy(f, bad.resolve(f.getFileName()));
        }
        byte[] weights = Files.readAllBytes(bad.resolve("model.safetensors"));
        Files.write(bad.resolve("model.safetensors"), java.util.Arrays.copyOf(weights, weights.length / 2));
        Path wrongShape = Files.createDirectories(tmp.resolve("wrong-config"));
        try (Stream<Path> s = Files.list(tiny)) {
            for (Path f : s.toList()) Files.copy(f, wrongShape.resolve(f.getFileName()));
        }
        Files.writeString(wrongShape.resolve("config.json"), Files.readString(tiny.resolve("config.json")).replace("\"d_model\": 32", "\"d_model\": 64"));
        try (AudioResult audio = new AudioDecoder().decode(video)) {
            for (Path dir : List.of(bad, wrongShape)) {
                SpeechToText whisper = SpeechToTexts.fromSpec("whisper:" + dir, offlineStore(tmp.resolve("models"))).orElseThrow();
                var e = assertThrows(SpeechToText.TranscriptionException.class, () -> whisper.transcribe(audio.track()));
                assertEquals(ErrorCode.MODEL_UNAVAILABLE, assertInstanceOf(LongVqaException.class, e.getCause()).code(), dir.toString());
                assertTrue(e.getMessage().contains("cannot load the Whisper checkpoint"), e.getMessage());
            }
        }
    }

    @Test
    void specsNameTheEngine() {
        ModelStore store = offlineStore(tmp.resolve("models"));
        assertEquals("whisper:openai/whisper-small#de", SpeechToTexts.fromSpec("whisper:openai/whisper-small#de", store).orElseThrow().id());
        assertThrows(IllegalArgumentException.class, () -> SpeechToTexts.fromSpec("whisper:", store));
        assertTrue(SpeechToTexts.fromSpec("off", store).isEmpty());
    }
}
