package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import dev.longvqa.runtime.NdArrays;
import dev.longvqa.runtime.Safetensors;
import dev.longvqa.video.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames to context end to end against PyTorch: pixels through the tiny ViT (once TorchScript,
 * once ONNX, standing in for SigLIP and DINOv2), SVA, newlines, question tokenisation and the
 * Q-Former layout, with the Q-Former on each engine ({@link TdcEngine}).
 */
class TdcVisionTest {
    @ParameterizedTest
    @EnumSource(value = TdcEngine.class, names = {"DJL", "ONNXRUNTIME"})
    void rgbFramesAndAQuestionGiveTheReferenceContext(TdcEngine engine) throws Exception {
        try (Safetensors io = Golden.open("tdc_e2e_io.safetensors")) {
            List<RgbImage> frames = Golden.rgbFrames(io); // (10, 23, 37, 3)
            TdcVision.Files files = TinyTdc.files();
            TdcSettings s = TinyTdc.settings();
            try (TdcVision vision = TdcVision.load(files, s, "cpu", TdcPrecision.AUTO, engine)) {
                assertThat(vision.engine()).isEqualTo(engine);
                assertThat(vision.plan(List.of(6, 4), 0, null).visualTokens()).isEqualTo(49);
                int before = vision.liveArrays();
                NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "What is the man doing?", null);
                float[] expected = io.floats("context");
                assertThat(ctx.getShape().get(0)).isEqualTo(49);
                double maxAbs = NdArrays.maxAbsDiff(NdArrays.floats(ctx), expected);
                assertThat(maxAbs).as("max |%s - PyTorch|", engine).isLessThan(1e-4);
                System.out.printf("TDC context, Q-Former on %s vs PyTorch: max abs %.2e%n", engine, maxAbs);
                assertThat(vision.liveArrays()).as("only the result outlives the call").isEqualTo(before + 1);
                ctx.close();
                assertThat(vision.liveArrays()).isEqualTo(before);
            }
        }
    }

    @Test
    void autoRunsTheQFormerOnOnnxRuntimeOnTheCpuAndBothEnginesGiveTheSameTokens() throws Exception {
        try (Safetensors io = Golden.open("tdc_e2e_io.safetensors")) {
            List<RgbImage> frames = Golden.rgbFrames(io);
            float[] djl, ort;
            try (TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu", TdcPrecision.AUTO, TdcEngine.DJL);
                 NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "Why is the man running?", null)) {
                djl = NdArrays.floats(ctx);
            }
            try (TdcVision vision = TdcVision.load(TinyTdc.files(), TinyTdc.settings(), "cpu")) {
                assertThat(vision.engine()).as("auto on the CPU").isEqualTo(TdcEngine.ONNXRUNTIME);
                try (NDArray ctx = vision.context(List.of(6, 4), 0, frames::get, "Why is the man running?", null)) {
                    ort = NdArrays.floats(ctx);
                }
            }
            assertThat(ort).hasSameSizeAs(djl);
            assertThat(NdArrays.maxAbsDiff(djl, ort)).isLessThan(1e-4);
        }
    }
}
