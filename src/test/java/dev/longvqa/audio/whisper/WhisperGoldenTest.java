package dev.longvqa.audio.whisper;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.runtime.hub.HubSettings;
import dev.longvqa.runtime.hub.ModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parity with the PyTorch reference on a tiny random-weight Whisper (tools/golden/whisper_golden.py:
 * F16/BF16/F32 tensors, Whisper's special tokens, openai's feature, decoding and long-form rules),
 * within 1e-4 for features, encoder output and logits, and token for token for greedy decoding
 * and the segments of a 37 s track (two windows).
 */
class WhisperGoldenTest {
    static final double TOL = 1e-4;
    static Path dir;
    static NDManager manager;
    static Safetensors io;
    static WhisperConfig cfg;
    static WhisperModel model;
    static WhisperTokenizer tokenizer;
    static float[] pcm;

    @BeforeAll
    static void open() throws Exception {
        dir = Path.of(WhisperGoldenTest.class.getResource("/golden/whisper").toURI());
        manager = NDManager.newBaseManager("PyTorch");
        io = Safetensors.open(dir.resolve("whisper_tiny_io.safetensors"));
        cfg = WhisperConfig.read(dir.resolve("tiny"));
        model = WhisperModel.load(dir.resolve("tiny"), cfg.arch(), manager);
        tokenizer = WhisperTokenizer.load(dir.resolve("tiny"));
        float[] head = io.floats("pcm_head");
        pcm = new float[(int) io.floats("samples")[0]];
        for (int i = 0; i < head.length; i++) pcm[i] = head[i] / 32768f; // the rest is digital silence
    }

    @AfterAll
    static void close() throws Exception {
        tokenizer.close();
        model.close();
        io.close();
        manager.close();
    }

    /** Columns [from, from + count) of a (rows, cols) row-major array. */
    static float[] columns(float[] a, int rows, int cols, int from, int count) {
        float[] out = new float[rows * count];
        for (int r = 0; r < rows; r++) System.arraycopy(a, r * cols + from, out, r * count, count);
        return out;
    }

    static NDArray mel(float[] samples, NDManager m) {
        return new LogMel(cfg.arch().melBins()).compute(samples, m);
    }

    @Test
    void logMelMatchesTorchStft() {
        try (NDManager m = manager.newSubManager()) {
            float[] mel = mel(Arrays.copyOf(pcm, LogMel.WINDOW_SAMPLES), m).toFloatArray();
            int bins = cfg.arch().melBins();
            assertEquals(bins * LogMel.FRAMES, mel.length);
            double head = NdArrays.maxAbsDiff(columns(mel, bins, LogMel.FRAMES, 0, 300), io.floats("mel_head"));
            double tail = NdArrays.maxAbsDiff(columns(mel, bins, LogMel.FRAMES, 2990, 10), io.floats("mel_tail"));
            assertTrue(head < TOL && tail < TOL, "log-mel: max |diff| " + head + " / " + tail);
            // the second window holds only silence padded with zeros: the floor everywhere
            float[] second = mel(Arrays.copyOfRange(pcm, LogMel.WINDOW_SAMPLES, pcm.length), m).toFloatArray();
            assertTrue(NdArrays.maxAbsDiff(columns(second, bins, LogMel.FRAMES, 0, 50), io.floats("mel2_head")) < TOL);
        }
    }

    @Test
    void encoderAndDecoderLogitsMatchTheReference() {
        try (NDManager m = manager.newSubManager()) {
            NDArray enc = model.encode(mel(Arrays.copyOf(pcm, LogMel.WINDOW_SAMPLES), m), m);
            int d = cfg.arch().dModel();
            assertArrayEquals(new long[]{1500, d}, enc.getShape().getShape());
            float[] e = enc.toFloatArray();
            double head = NdArrays.maxAbsDiff(Arrays.copyOf(e, 100 * d), io.floats("encoder_head"));
            double tail = NdArrays.maxAbsDiff(Arrays.copyOfRange(e, 1490 * d, 1500 * d), io.floats("encoder_tail"));
            assertTrue(head < TOL && tail < TOL, "encoder: max |diff| " + head + " / " + tail);

            // the prefix fed in two parts exercises the self-attention cache and the causal mask
            float[] prefixF = io.floats("prefix");
            long[] prefix = new long[prefixF.length];
            for (int i = 0; i < prefix.length; i++) prefix[i] = (long) prefixF[i];
            float[] expected = io.floats("logits");
            int vocab = cfg.arch().vocabSize();
            try (WhisperModel.DecoderState s = model.decoder(enc)) {
                float[] first = s.step(Arrays.copyOf(prefix, 3));
                double d3 = NdArrays.maxAbsDiff(first, Arrays.copyOfRange(expected, 2 * vocab, 3 * vocab));
                assertTrue(d3 < TOL, "logits after the start sequence: " + d3);
                for (int i = 3; i < prefix.length; i++) {
                    float[] logits = s.step(new long[]{prefix[i]});
                    double di = NdArrays.maxAbsDiff(logits, Arrays.copyOfRange(expected, i * vocab, (i + 1) * vocab));
                    assertTrue(di < TOL, "logits at " + i + ": " + di);
                }
            }
        }
    }

    @Test
    void greedyDecodingFollowsTheTimestampRules() {
        try (NDManager m = manager.newSubManager()) {
            NDArray enc = model.encode(mel(Arrays.copyOf(pcm, LogMel.WINDOW_SAMPLES), m), m);
            List<Integer> tokens = new GreedyDecoder(model, tokenizer, cfg, "en").decode(enc);
            assertEquals(ints(io.floats("greedy")), tokens);
            assertTrue(tokens.getFirst() >= tokenizer.timestampBegin, "a window starts with a timestamp");
        }
    }

    @Test
    void longFormSegmentsMatchTheReferenceLoop(@org.junit.jupiter.api.io.TempDir Path cache) {
        WhisperRecognizer r = new WhisperRecognizer(dir.resolve("tiny").toString(), "en",
                new ModelStore(new HubSettings(URI.create("http://127.0.0.1:9"), null, cache, true)));
        List<WhisperRecognizer.Segment> segments = r.segments(pcm.length, (from, count) -> {
            float[] out = new float[count];
            if (from < pcm.length) System.arraycopy(pcm, (int) from, out, 0, (int) Math.min(count, pcm.length - from));
            return out;
        });
        float[] times = io.floats("seg_times");
        List<Integer> lengths = ints(io.floats("seg_lengths"));
        List<Integer> all = ints(io.floats("seg_tokens"));
        assertEquals(lengths.size(), segments.size(), "segments");
        int at = 0;
        for (int i = 0; i < segments.size(); i++) {
            WhisperRecognizer.Segment s = segments.get(i);
            assertEquals(times[2 * i], s.startSec(), 1e-4, "start of " + i);
            assertEquals(times[2 * i + 1], s.endSec(), 1e-4, "end of " + i);
            assertEquals(all.subList(at, at + lengths.get(i)), s.tokens(), "tokens of " + i);
            at += lengths.get(i);
        }
    }

    @Test
    void vocabAndMergesLoadTheSameTokenizer(@org.junit.jupiter.api.io.TempDir Path split) throws Exception {
        // the tiny tokenizer.json taken apart into the GPT-2 style files some checkpoints ship instead
        var json = dev.longvqa.contract.Json.mapper().readTree(dir.resolve("tiny/tokenizer.json").toFile());
        dev.longvqa.contract.Json.mapper().writeValue(split.resolve("vocab.json").toFile(), json.path("model").path("vocab"));
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (var m : json.path("model").path("merges")) merges.append(m.asText()).append('\n');
        java.nio.file.Files.writeString(split.resolve("merges.txt"), merges);
        var added = new java.util.LinkedHashMap<String, Integer>();
        for (var t : json.path("added_tokens")) added.put(t.path("content").asText(), t.path("id").asInt());
        dev.longvqa.contract.Json.mapper().writeValue(split.resolve("added_tokens.json").toFile(), added);
        try (WhisperTokenizer fromParts = WhisperTokenizer.load(split)) {
            assertEquals(tokenizer.timestampBegin, fromParts.timestampBegin);
            assertEquals(tokenizer.startOfTranscript, fromParts.startOfTranscript);
            assertEquals(tokenizer.alwaysSuppressed, fromParts.alwaysSuppressed);
            long[] ids = tokenizer.encode(" the thin man");
            assertArrayEquals(ids, fromParts.encode(" the thin man"));
            assertTrue(ids.length < " the thin man".length(), "merges applied: " + Arrays.toString(ids));
            assertEquals(" the thin man", fromParts.decode(ids));
            assertEquals(" the thin man", tokenizer.decode(ids));
        }
    }

    static List<Integer> ints(float[] a) {
        List<Integer> out = new ArrayList<>();
        for (float v : a) out.add((int) v);
        return out;
    }
}
