package dev.longvqa.tdc;

import dev.longvqa.runtime.vision.ImagePreprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tiny random-weight TDC vision side of the goldens (tools/golden/tdc_golden.py): a 32 px ViT
 * as TorchScript and as ONNX standing in for SigLIP and DINOv2 (4x4 patches + CLS), the SVA
 * projector and Q-Former to an LLM width of {@link #HIDDEN}, and a tiny BERT tokenizer.
 */
public final class TinyTdc {
    /** Output width of the tiny projector: the LLM hidden size it pairs with. */
    public static final int HIDDEN = 24;

    private TinyTdc() {
    }

    public static Path checkpoint() {
        return Golden.path("tdc_tiny.safetensors");
    }

    public static TdcVision.Files files() {
        ImagePreprocessor pre = ImagePreprocessor.siglip(32);
        return new TdcVision.Files(checkpoint(), List.of(
                new TdcVision.TowerFile(Golden.path("vit_tiny.pt"), pre, 1, 4),
                new TdcVision.TowerFile(Golden.path("vit_tiny.onnx"), pre, 1, 4)),
                Golden.path("bert_tiny_tokenizer.json"), 4);
    }

    /** 2x2 grid, K = 3, chunks of 4 (the goldens' layout); budget 8K. */
    public static TdcSettings settings() {
        return new TdcSettings(8192, 16, 4, 3, 2, 2, true, true, 0, null);
    }

    public static Path siglip() {
        return Golden.path("vit_tiny.pt");
    }

    public static Path dinov2() {
        return Golden.path("vit_tiny.onnx");
    }

    public static Path bertTokenizer() {
        return Golden.path("bert_tiny_tokenizer.json");
    }

    /** {@link #directory(Path, Path)} from this module's class-path goldens. */
    public static Path directory(Path root) throws IOException {
        return directory(checkpoint().getParent(), root);
    }

    /**
     * The tiny parts in {@code ask --tdc DIR}'s conventional layout (checkpoint shard, siglip.pt,
     * dinov2.onnx, bert/tokenizer.json) plus the {@code tdc.json} that gives their small geometry
     * ({@link #settings()}). {@code golden} is the golden/tdc directory: other modules reach it by
     * path, since in this test jar the goldens are not files.
     */
    public static Path directory(Path golden, Path root) throws IOException {
        Files.createDirectories(root.resolve("bert"));
        Files.copy(golden.resolve("tdc_tiny.safetensors"), root.resolve("model-00001-of-00001.safetensors"));
        Files.copy(golden.resolve("vit_tiny.pt"), root.resolve("siglip.pt"));
        Files.copy(golden.resolve("vit_tiny.onnx"), root.resolve("dinov2.onnx"));
        Files.copy(golden.resolve("bert_tiny_tokenizer.json"), root.resolve("bert/tokenizer.json"));
        String tower = "{\"preprocessor\": \"siglip\", \"size\": 32, \"prefixTokens\": 1, \"grid\": 4}";
        Files.writeString(root.resolve("tdc.json"), "{\"qformerHeads\": 4, \"towers\": {\"siglip\": " + tower
                + ", \"dinov2\": " + tower + "}, \"layout\": {\"chunkSize\": 4, \"queryTokens\": 3, \"gridRows\": 2, \"gridCols\": 2}}");
        return root;
    }
}
