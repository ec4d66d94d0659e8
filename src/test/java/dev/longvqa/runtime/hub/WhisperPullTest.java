package dev.longvqa.runtime.hub;

import dev.longvqa.audio.SpeechToTexts;
import dev.longvqa.audio.WhisperSpeech;
import dev.longvqa.audio.whisper.WhisperRecognizer;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Whisper checkpoint named by hub id is pulled on first use into the model cache, as the LLM is
 * ({@link PullAndGenerateTest}): the local stand-in for the hub serves the tiny random-weight
 * checkpoint of the goldens; the second engine finds it in the cache without the hub, and a
 * hub that cannot be reached is the typed MODEL_UNAVAILABLE, at once.
 */
class WhisperPullTest {
    @TempDir
    Path cache;

    @Test
    void pulledOnFirstUseThenServedFromTheCache() throws Exception {
        Path tiny = Path.of(getClass().getResource("/golden/whisper/tiny").toURI());
        float[] second = new float[16_000 * 3];
        for (int i = 0; i < second.length; i++) second[i] = (float) (0.3 * Math.sin(i * 0.07));
        List<WhisperRecognizer.Segment> pulled;
        try (FakeHub hub = new FakeHub().serving(tiny)) {
            var spec = SpeechToTexts.fromSpec("whisper:" + FakeHub.REPO, new ModelStore(new HubSettings(hub.endpoint(), null, cache, false)));
            WhisperRecognizer r = ((WhisperSpeech) spec.orElseThrow()).recognizer();
            pulled = r.segments(second.length, (from, count) -> slice(second, from, count));
            assertThat(hub.downloadsOf("model.safetensors")).isNotEmpty();
            assertThat(hub.downloadsOf("tokenizer.json")).isNotEmpty();
        }
        Path dir = new ModelStore(new HubSettings(HubSettings.DEFAULT_ENDPOINT, null, cache, true)).directory(ModelRef.parse(FakeHub.REPO));
        assertThat(dir.resolve("model.safetensors")).exists();
        assertThat(dir.resolve("generation_config.json")).exists();
        assertThat(pulled).isNotEmpty();
        // offline now: the cached snapshot is used, and decodes exactly as the directory itself does
        var cached = new WhisperRecognizer(FakeHub.REPO, "en", new ModelStore(new HubSettings(HubSettings.DEFAULT_ENDPOINT, null, cache, true)));
        var local = new WhisperRecognizer(tiny.toString(), "en", new ModelStore(new HubSettings(HubSettings.DEFAULT_ENDPOINT, null, cache, true)));
        assertThat(cached.segments(second.length, (from, count) -> slice(second, from, count))).isEqualTo(pulled);
        assertThat(local.segments(second.length, (from, count) -> slice(second, from, count))).isEqualTo(pulled);
    }

    @Test
    void anUnreachableHubIsModelUnavailable() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        var r = new WhisperRecognizer("openai/whisper-tiny", "en",
                new ModelStore(new HubSettings(java.net.URI.create("http://127.0.0.1:" + port), null, cache, false)));
        assertThatThrownBy(r::ensureLoaded).isInstanceOfSatisfying(LongVqaException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE));
    }

    private static float[] slice(float[] a, long from, int count) {
        float[] out = new float[count];
        if (from < a.length) System.arraycopy(a, (int) from, out, 0, (int) Math.min(count, a.length - from));
        return out;
    }
}
