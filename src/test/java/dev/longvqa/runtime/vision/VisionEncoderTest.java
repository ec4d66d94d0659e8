package dev.longvqa.runtime.vision;

import dev.longvqa.tdc.Golden;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.scenes.VitFrameEmbedder;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tiny ViT fixture (TorchScript + ONNX) against its PyTorch outputs, preprocessing included. */
class VisionEncoderTest {
    private static Safetensors io;
    private static RgbImage a, b;
    private static final ImagePreprocessor PRE = ImagePreprocessor.siglip(32);

    @BeforeAll
    static void load() throws Exception {
        io = Golden.open("vit_tiny_io.safetensors");
        a = image("rgb");
        b = image("rgb2");
    }

    @AfterAll
    static void close() throws Exception {
        io.close();
    }

    private static RgbImage image(String name) {
        float[] v = io.floats(name);
        byte[] px = new byte[v.length];
        for (int i = 0; i < v.length; i++) px[i] = (byte) (int) v[i];
        long[] shape = io.info(name).shape();
        return new RgbImage((int) shape[1], (int) shape[0], px);
    }

    @Test
    void preprocessingReproducesPillowBicubicAndNormalisation() {
        float[] golden = io.floats("pixels");
        int n = 3 * 32 * 32;
        float[] mine = new float[2 * n];
        System.arraycopy(PRE.apply(a), 0, mine, 0, n);
        System.arraycopy(PRE.apply(b), 0, mine, n, n);
        // One byte step is 2/255 after normalisation: 1e-5 means every resized byte is identical.
        assertThat(NdArrays.maxAbsDiff(mine, golden)).isLessThan(1e-5);
    }

    @Test
    void squarePaddingUsesTheMeanColourCentred() {
        RgbImage wide = new RgbImage(4, 2, new byte[4 * 2 * 3]);
        RgbImage sq = ImagePreprocessor.dinov2(4).expandToSquare(wide);
        assertThat(sq.width()).isEqualTo(4);
        assertThat(sq.at(0, 0, 0)).isEqualTo(123); // int(0.485 * 255)
        assertThat(sq.at(0, 1, 0)).isZero();        // image rows are 1..2
        assertThat(sq.at(0, 3, 2)).isEqualTo(103);
    }

    @Test
    void torchScriptEncoderMatches() throws Exception {
        try (VisionEncoder enc = VisionEncoder.open(Golden.path("vit_tiny.pt"), PRE, "auto")) {
            PatchTokens t = enc.encode(List.of(a, b));
            assertThat(new int[]{t.batch(), t.tokens(), t.dim()}).containsExactly(2, 17, 16);
            assertThat(NdArrays.maxAbsDiff(t.data(), io.floats("tokens"))).isLessThan(1e-4);
        }
    }

    @Test
    void onnxEncoderMatches() throws Exception {
        try (VisionEncoder enc = VisionEncoder.open(Golden.path("vit_tiny.onnx"), PRE, "cpu")) {
            PatchTokens t = enc.encode(List.of(a, b));
            assertThat(NdArrays.maxAbsDiff(t.data(), io.floats("tokens"))).isLessThan(1e-4);
            // batch of one gives the same row: no cross-talk between frames of a batch
            PatchTokens one = enc.encode(List.of(b));
            float[] second = Arrays.copyOfRange(t.data(), 17 * 16, 2 * 17 * 16);
            assertThat(NdArrays.maxAbsDiff(one.data(), second)).isLessThan(1e-5);
        }
    }

    @Test
    void vitFrameEmbedderPoolsClsMeanOrAllPatches() throws Exception {
        float[] tokens = io.floats("tokens");
        try (VitFrameEmbedder cls = new VitFrameEmbedder(VisionEncoder.open(Golden.path("vit_tiny.pt"), PRE, "cpu"),
                VitFrameEmbedder.Pooling.CLS, 1, 8)) {
            assertThat(cls.dimension()).isEqualTo(16);
            List<float[]> e = cls.embedAll(List.of(a, b));
            assertThat(NdArrays.maxAbsDiff(e.get(1), Arrays.copyOfRange(tokens, 17 * 16, 17 * 16 + 16))).isLessThan(1e-4);
            assertThat(cls.preferredInputSize()).isEqualTo(32);
        }
        try (VitFrameEmbedder mean = new VitFrameEmbedder(VisionEncoder.open(Golden.path("vit_tiny.onnx"), PRE, "cpu"),
                VitFrameEmbedder.Pooling.MEAN_PATCH, 1, 1)) {
            float[] expected = new float[16];
            for (int t = 1; t < 17; t++) for (int j = 0; j < 16; j++) expected[j] += tokens[t * 16 + j] / 16f;
            assertThat(NdArrays.maxAbsDiff(mean.embed(a), expected)).isLessThan(1e-4);
        }
        try (VitFrameEmbedder all = new VitFrameEmbedder(VisionEncoder.open(Golden.path("vit_tiny.onnx"), PRE, "cpu"),
                VitFrameEmbedder.Pooling.ALL_PATCHES, 1, 4)) {
            assertThat(all.dimension()).isEqualTo(16 * 16);
        }
    }
}
