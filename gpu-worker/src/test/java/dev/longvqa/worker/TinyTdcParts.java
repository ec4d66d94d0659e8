package dev.longvqa.worker;

import dev.longvqa.GoldenFiles;
import dev.longvqa.tdc.TdcSettings;
import dev.longvqa.tdc.TinyTdc;

import java.io.IOException;
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
        return GoldenFiles.find(relative);
    }

    /**
     * The tiny parts in {@code longvqa ask --tdc DIR}'s conventional layout, with the
     * {@code tdc.json} that gives their small geometry (as the core's AskCommandTest builds it).
     */
    static Path tdcDir(Path root) throws IOException {
        return TinyTdc.directory(golden("tdc"), root);
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
