package dev.longvqa.tdc;

import dev.longvqa.runtime.vision.ImagePreprocessor;
import dev.longvqa.runtime.vision.PatchTokens;
import dev.longvqa.runtime.vision.VisionEncoder;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The wiring from encoders to frame tokens, with encoders that replay the golden tower outputs. */
class ProjectedFramesTest {

    /** Returns golden tower tokens for the frames whose first pixel byte is their index, behind a fake CLS. */
    private record Replay(float[] data, int tokens, int dim) implements VisionEncoder {
        public String id() { return "replay"; }
        public ImagePreprocessor preprocessor() { return ImagePreprocessor.siglip(2); }
        public PatchTokens encode(List<RgbImage> frames) {
            float[] out = new float[frames.size() * (tokens + 1) * dim];
            for (int b = 0; b < frames.size(); b++) {
                int idx = frames.get(b).pixels()[0];
                out[b * (tokens + 1) * dim] = 99f; // CLS, must be dropped
                System.arraycopy(data, idx * tokens * dim, out, (b * (tokens + 1) + 1) * dim, tokens * dim);
            }
            return new PatchTokens(frames.size(), tokens + 1, dim, out);
        }
        public void close() {}
    }

    @Test
    void encodersToFrameTokensMatchTheGoldenPath() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             Safetensors w = Golden.open("tdc_tiny.safetensors");
             Safetensors io = Golden.open("tdc_tiny_io.safetensors")) {
            SvaProjector projector = SvaProjector.load(TdcWeights.of(w), "model.", 2, m);
            List<ProjectedFrames.Tower> towers = List.of(
                    new ProjectedFrames.Tower(new Replay(io.floats("towers.0"), 16, 16), 1, 4),
                    new ProjectedFrames.Tower(new Replay(io.floats("towers.1"), 16, 16), 1, 4));
            TdcSettings s = new TdcSettings(8192, 16, 4, 3, 2, 2, true, true, 0, null);
            ProjectedFrames pf = new ProjectedFrames(towers, projector, s,
                    i -> new RgbImage(1, 1, new byte[]{(byte) i, 0, 0}), m, 3, null);
            NDArray got = pf.tokens(new int[]{7, 0, 3, 9});
            float[] golden = io.floats("frames"); // (10, 6, 24)
            float[] expected = new float[4 * 6 * 24];
            int[] order = {7, 0, 3, 9};
            for (int i = 0; i < 4; i++) System.arraycopy(golden, order[i] * 144, expected, i * 144, 144);
            assertThat(NdArrays.maxAbsDiff(NdArrays.floats(got), expected)).isLessThan(1e-4);
        }
    }

    @Test
    void unpadMaskFollowsTheReferenceAndItsSwappedSizes() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            // 640x360 in a 24 grid: int(360 * 24/640) = 13 rows of content, pad (24-13)/2 = 5 rows each side
            NDArray mask = ProjectedFrames.unpadMask(m, 24, new ProjectedFrames.Geometry(640, 360, false));
            boolean[] v = mask.toBooleanArray();
            assertThat(v[4 * 24 + 10]).isFalse();
            assertThat(v[5 * 24 + 10]).isTrue();
            assertThat(v[18 * 24 + 10]).isTrue();
            assertThat(v[19 * 24 + 10]).isFalse();
            // quirk: the same video masks 5 columns each side instead
            boolean[] q = ProjectedFrames.unpadMask(m, 24, new ProjectedFrames.Geometry(640, 360, true)).toBooleanArray();
            assertThat(q[10 * 24 + 4]).isFalse();
            assertThat(q[10 * 24 + 5]).isTrue();
            assertThat(q[4 * 24 + 10]).isTrue();
        }
    }
}
