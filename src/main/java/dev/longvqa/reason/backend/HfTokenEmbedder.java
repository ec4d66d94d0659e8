package dev.longvqa.reason.backend;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.reason.EmbeddingBlock;
import dev.longvqa.runtime.Safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@link TokenEmbedder} from a Hugging Face checkpoint: {@code tokenizer.json} (DJL's binding
 * of HF tokenizers, which splits out chat special tokens such as {@code <|im_start|>}) and the
 * input embedding table ({@code model.embed_tokens.weight}, vocab × hidden) from a safetensors
 * shard. The table stays memory-mapped; only looked-up rows are widened to float, so a 7B
 * model's 1 GB bf16 table costs no heap.
 */
public final class HfTokenEmbedder implements TokenEmbedder, AutoCloseable {
    public static final String DEFAULT_TENSOR = "model.embed_tokens.weight";

    private final HuggingFaceTokenizer tokenizer;
    private final Safetensors weights;
    private final ByteBuffer table;
    private final Safetensors.DType dtype;
    private final int vocab;
    private final int hidden;
    private final String id;
    private final java.util.Optional<dev.longvqa.runtime.llm.ChatFormat> chatFormat;

    public HfTokenEmbedder(Path tokenizerJson, Path shard, String tensorName) {
        try {
            if (!Files.isRegularFile(tokenizerJson)) throw new IOException("no tokenizer file at " + tokenizerJson);
            // no BOS/EOS insertion, no truncation: the chat template decides every token
            this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
            this.weights = Safetensors.open(shard);
        } catch (IOException | RuntimeException e) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot load token embedder (" + tokenizerJson + ", " + shard + "): " + e.getMessage(), e);
        }
        Safetensors.TensorInfo info = weights.info(tensorName);
        if (info.shape().length != 2) throw new IllegalArgumentException(tensorName + " is not a matrix");
        this.vocab = Math.toIntExact(info.shape()[0]);
        this.hidden = Math.toIntExact(info.shape()[1]);
        this.dtype = info.dtype();
        this.table = weights.bytes(tensorName);
        this.id = "hf:" + shard.getFileName() + ":" + tensorName + ":" + vocab + "x" + hidden;
        // the template beside the tokenizer (the checkpoint's tokenizer_config.json); the server stops generation itself
        Path dir = tokenizerJson.toAbsolutePath().getParent();
        this.chatFormat = dev.longvqa.runtime.llm.JinjaChatTemplate.fromCheckpoint(dir, "<|im_end|>").map(t -> t);
    }

    @Override
    public java.util.Optional<dev.longvqa.runtime.llm.ChatFormat> chatFormat() {
        return chatFormat;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int hidden() {
        return hidden;
    }

    /** Token ids as the tokenizer produces them (tests and diagnostics). */
    public long[] ids(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    @Override
    public int count(String text) {
        return ids(text).length;
    }

    @Override
    public EmbeddingBlock embed(String text) {
        long[] ids = ids(text);
        float[] out = new float[ids.length * hidden];
        int rowBytes = hidden * dtype.bytes();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) throw new IllegalStateException("token id " + ids[i] + " outside the table (" + vocab + ")");
            ByteBuffer row = table.slice((int) ids[i] * rowBytes, rowBytes);
            System.arraycopy(Safetensors.toFloats(row, dtype, hidden), 0, out, i * hidden, hidden);
        }
        return new EmbeddingBlock(ids.length, hidden, out);
    }

    @Override
    public void close() {
        tokenizer.close();
        try {
            weights.close();
        } catch (IOException ignored) {
            // read-only mapping; nothing to lose
        }
    }
}
