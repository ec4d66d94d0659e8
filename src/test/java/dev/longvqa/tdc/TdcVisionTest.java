package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames to context end to end against PyTorch: pixels through the tiny ViT (once TorchScript,
 * once ONNX, standing in for SigLIP and DINOv2), SVA, newlines, question tokenisation and the
 * Q-Former layout.
 */
class TdcVisionTest {
    @Test
    void rgbFramesAndAQuestionGiveTheReferenceContext() throws Exception {
        try (Safetensors io = Golden.open("tdc_e2e_io.safetensors")) {
            List<RgbImage> frames = Golden.rgbFrames(io); // (10, 23, 37, 3)
            TdcVision.Files files = TinyTdc.files();
            TdcSettings s = TinyTdc.settings();
            try (TdcVision vision = TdcVision.load(files, s, "cpu")) {
                assertThat(vision.plan(List.of(6, 4), 0, null).visualTokens()).isEqualTo(49);
                int before = vision.liveArrays();
                NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "What is the man doing?", null);
                float[] expected = io.floats("context");
                assertThat(ctx.getShape().get(0)).isEqualTo(49);
                assertThat(NdArrays.maxAbsDiff(NdArrays.floats(ctx), expected)).isLessThan(1e-4);
                assertThat(vision.liveArrays()).as("only the result outlives the call").isEqualTo(before + 1);
                ctx.close();
                assertThat(vision.liveArrays()).isEqualTo(before);
            }
        }
    }
}
