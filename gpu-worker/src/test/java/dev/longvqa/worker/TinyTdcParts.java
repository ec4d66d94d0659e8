package dev.longvqa.worker;

import dev.longvqa.tdc.TdcSettings;
import dev.longvqa.tdc.TinyTdc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The core's committed tiny random-weight TDC parts (src/test/resources/golden/tdc, made by
 * tools/golden/tdc_golden.py: a 32 px ViT as TorchScript and ONNX for both towers, SVA projector
 * and Q-Former to width {@link #HIDDEN}, a tiny BERT tokenizer), reached by path like
 * {@link LvcotEngineTest} reaches the golden LLM: the core's test fixtures (its test jar: TinyLlama,
 * RecordingLanguageModel) find their goldens as class-path files, which a jar does not have.
 */
final class TinyTdcParts {
    /** Output width of the tiny projector. */
    static final int HIDDEN = TinyTdc.HIDDEN;

    private TinyTdcParts() {}

    /** A directory of the core's golden files, found by walking up from wherever surefire runs. */
    static Path golden(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("src/test/resources/golden").resolve(relative);
            if (Files.exists(candidate)) return candidate;
        }
        throw new IllegalStateException("golden " + relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * The tiny parts in {@code longvqa ask --tdc DIR}'s conventional layout, with the
     * {@code tdc.json} that gives their small geometry (as the core's AskCommandTest builds it).
     */
    static Path tdcDir(Path root) throws IOException {
        Path tdc = golden("tdc");
        Files.createDirectories(root.resolve("bert"));
        Files.copy(tdc.resolve("tdc_tiny.safetensors"), root.resolve("model-00001-of-00001.safetensors"));
        Files.copy(tdc.resolve("vit_tiny.pt"), root.resolve("siglip.pt"));
        Files.copy(tdc.resolve("vit_tiny.onnx"), root.resolve("dinov2.onnx"));
        Files.copy(tdc.resolve("bert_tiny_tokenizer.json"), root.resolve("bert/tokenizer.json"));
        String tower = "{\"preprocessor\": \"siglip\", \"size\": 32, \"prefixTokens\": 1, \"grid\": 4}";
        Files.writeString(root.resolve("tdc.json"), "{\"qformerHeads\": 4, \"towers\": {\"siglip\": " + tower
                + ", \"dinov2\": " + tower + "}, \"layout\": {\"chunkSize\": 4, \"queryTokens\": 3, \"gridRows\": 2, \"gridCols\": 2}}");
        return root;
    }

    /** The layout {@code tdc.json} above gives, at {@code budget}: 2x2 grid, K = 3, chunks of 4 (the core's TinyTdc.settings()). */
    static TdcSettings settings(int budget) {
        return TinyTdc.settings().withBudget(budget);
    }

    /** The golden tiny Llama (hidden 32): a {@code runtime:} model of another width than the tiny TDC's. */
    static Path llama32() {
        return golden("llm/llama");
    }
}
