package dev.longvqa.audio;

import ai.djl.ndarray.NDManager;
import dev.longvqa.runtime.Safetensors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Parity with the reference on random weights (tools/golden/beats_golden.py): torchaudio's Kaldi
 * fbank and TDC-Video's own BEATs modules, tiny config, within 1e-4.
 */
class BeatsGoldenTest {
    static final double TOL = 1e-4;
    static Path dir;
    static NDManager manager;

    @BeforeAll
    static void open() throws Exception {
        dir = Path.of(BeatsGoldenTest.class.getResource("/golden/audio").toURI());
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static double maxDiff(float[][] a, float[] flat) {
        int d = a[0].length;
        assertEquals(flat.length, a.length * d, "shape");
        double m = 0;
        for (int i = 0; i < a.length; i++) for (int j = 0; j < d; j++) m = Math.max(m, Math.abs(a[i][j] - flat[i * d + j]));
        return m;
    }

    @Test
    void fbankMatchesTorchaudio() throws Exception {
        try (Safetensors io = Safetensors.open(dir.resolve("fbank_io.safetensors"))) {
            float[] wave = io.floats("wave");
            float[][] raw = KaldiFbank.fbank(wave, 32768f);
            assertEquals(io.info("fbank").shape()[0], raw.length);
            assertEquals(KaldiFbank.frames(wave.length), raw.length);
            assertTrue(maxDiff(raw, io.floats("fbank")) < 1e-3, "raw log-mel energies (values up to ~25)");
            assertTrue(maxDiff(KaldiFbank.beats(wave), io.floats("beats_input")) < TOL, "normalised BEATs input");
        }
    }

    @Test
    void beatsMatchesTheReferenceModules() throws Exception {
        try (Beats beats = Beats.load(dir.resolve("beats_tiny.safetensors"), manager);
             Safetensors io = Safetensors.open(dir.resolve("beats_tiny_io.safetensors"))) {
            assertEquals(2, beats.config().layers());
            assertTrue(beats.config().gatedRelPos() && beats.config().deepNorm());
            for (String name : new String[]{"full", "short"}) {
                float[][] f = beats.featuresArray(io.floats(name + "_wave"));
                long[] shape = io.info(name + "_features").shape();
                assertEquals(shape[0], f.length, name + " tokens");
                double diff = maxDiff(f, io.floats(name + "_features"));
                assertTrue(diff < TOL, name + ": max |diff| " + diff);
            }
        }
    }

    /** A track holding {@code pcm} (16-bit values), as the decoder would spool it. */
    static AudioTrack track(float[] pcm) throws java.io.IOException {
        Path f = java.nio.file.Files.createTempFile("golden", ".s16");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(pcm.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : pcm) b.putShort((short) v);
        java.nio.file.Files.write(f, b.array());
        return new AudioTrack(f, pcm.length, 0.1);
    }

    @Test
    void audioTokensArePlacedPerShownFrameAsTheReferenceDoes() throws Exception {
        try (Beats beats = Beats.load(dir.resolve("beats_tiny.safetensors"), manager);
             Safetensors io = Safetensors.open(dir.resolve("audio_tokens_io.safetensors"));
             NDManager m = manager.newSubManager()) {
            AudioProjection proj = AudioProjection.load(io, m);
            // sub: 6 of 15 frames shown (dropped seconds pooled in); pad: audio short of the frames; trim: audio past them
            for (String name : new String[]{"sub", "pad", "trim"}) {
                float[] shownF = io.floats(name + "_shown");
                int[] shown = new int[shownF.length];
                for (int i = 0; i < shown.length; i++) shown[i] = (int) shownF[i];
                int total = name.equals("sub") ? 15 : name.equals("pad") ? 13 : 2;
                try (AudioTrack t = track(io.floats(name + "_pcm"));
                     AudioTokens audio = new AudioTokens(beats, t, m)) {
                    var tokens = audio.perFrame(total, shown, m);
                    assertArrayEquals(io.info(name + "_tokens").shape(), tokens.getShape().getShape(), name);
                    double d1 = dev.longvqa.runtime.NdArrays.maxAbsDiff(tokens.toFloatArray(), io.floats(name + "_tokens"));
                    assertTrue(d1 < TOL, name + " tokens: max |diff| " + d1);
                    double d2 = dev.longvqa.runtime.NdArrays.maxAbsDiff(proj.apply(tokens).toFloatArray(), io.floats(name + "_projected"));
                    assertTrue(d2 < TOL, name + " projected: max |diff| " + d2);
                }
            }
        }
    }

    @Test
    void bucketsFollowT5() {
        // exact region, sign offset, log region capped at the last bucket
        assertEquals(0, Beats.bucket(0, 320, 800));
        assertEquals(5, Beats.bucket(-5, 320, 800));
        assertEquals(165, Beats.bucket(5, 320, 800));
        assertEquals(159, Beats.bucket(-100000, 320, 800));
        assertEquals(319, Beats.bucket(100000, 320, 800));
    }
}
