package dev.longvqa.pipeline;

import dev.longvqa.tdc.TdcVision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the files of a TDC vision side are: the TDC checkpoint (its projector and Q-Former
 * tensors), the two exported vision towers and BERT's tokenizer. The conventional layout of one
 * directory ({@code longvqa ask --tdc DIR}):
 * <pre>
 * DIR/*.safetensors           the TDC checkpoint, one file or shards (tensors under "model.")
 * DIR/siglip.pt | siglip.onnx SigLIP so400m-patch14-384 tower (TorchScript or ONNX, docs/TDC.md)
 * DIR/dinov2.pt | dinov2.onnx DINOv2 tower at 378 px
 * DIR/bert/tokenizer.json     bert-base-uncased tokenizer (the Q-Former's text side)
 * </pre>
 *
 * @param checkpoint a .safetensors file or a directory of shards
 */
public record TdcModelFiles(Path checkpoint, Path siglip, Path dinov2, Path bertTokenizer) {
    public static final String BERT_TOKENIZER = "bert/tokenizer.json";

    /**
     * The conventional layout of {@code dir}, each part replaced by its override when not null.
     * Parts that are neither found nor given stay null and are reported by {@link #requireExisting()}.
     */
    public static TdcModelFiles inDirectory(Path dir, Path checkpoint, Path siglip, Path dinov2, Path bertTokenizer) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "TDC directory " + dir + " does not exist");
        }
        return new TdcModelFiles(
                checkpoint != null ? checkpoint : dir != null && hasSafetensors(dir) ? dir : null,
                siglip != null ? siglip : tower(dir, "siglip"),
                dinov2 != null ? dinov2 : tower(dir, "dinov2"),
                bertTokenizer != null ? bertTokenizer : dir != null ? dir.resolve(BERT_TOKENIZER) : null);
    }

    /** Fails with NOT_FOUND naming every part that is missing, so one run tells the whole story. */
    public TdcModelFiles requireExisting() {
        List<String> missing = new ArrayList<>();
        if (checkpoint == null) missing.add("the TDC checkpoint (*.safetensors)");
        else if (!Files.exists(checkpoint) || Files.isDirectory(checkpoint) && !hasSafetensors(checkpoint)) {
            missing.add("the TDC checkpoint " + checkpoint);
        }
        check(missing, "the SigLIP tower (siglip.pt or siglip.onnx)", siglip);
        check(missing, "the DINOv2 tower (dinov2.pt or dinov2.onnx)", dinov2);
        check(missing, "the BERT tokenizer (" + BERT_TOKENIZER + ")", bertTokenizer);
        if (!missing.isEmpty()) {
            throw LongVqaException.badInput(ErrorCode.NOT_FOUND, "TDC files missing: " + String.join(", ", missing));
        }
        return this;
    }

    /** Where the LLM's token embeddings are: its {@code tokenizer.json} and the shard holding the table. */
    public record LlmEmbedding(Path tokenizerJson, Path shard, String tensor) {}

    /**
     * The LLM's tokenizer and embedding table inside the TDC checkpoint, when it is the full
     * Hugging Face checkpoint (it is: TDC saves the LLM beside the vision side). A client that
     * sends the whole prompt as embeddings ({@code openai-embeds:}) needs them to embed the text.
     * Looks for {@code tokenizer.json} in the checkpoint directory (or beside a single file) and
     * the first shard with {@code model.embed_tokens.weight}.
     */
    public java.util.Optional<LlmEmbedding> llmEmbedding() {
        if (checkpoint == null) return java.util.Optional.empty();
        Path dir = Files.isDirectory(checkpoint) ? checkpoint : checkpoint.toAbsolutePath().getParent();
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) return java.util.Optional.empty();
        String tensor = "model.embed_tokens.weight";
        List<Path> shards = new ArrayList<>();
        if (Files.isDirectory(checkpoint)) {
            try (Stream<Path> s = Files.list(checkpoint)) {
                s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().forEach(shards::add);
            } catch (IOException e) {
                return java.util.Optional.empty();
            }
        } else {
            shards.add(checkpoint);
        }
        for (Path shard : shards) {
            try (dev.longvqa.runtime.Safetensors st = dev.longvqa.runtime.Safetensors.open(shard)) {
                if (st.contains(tensor)) return java.util.Optional.of(new LlmEmbedding(tokenizer, shard, tensor));
            } catch (IOException e) {
                // an unreadable shard is reported when the vision side loads it
            }
        }
        return java.util.Optional.empty();
    }

    /** The reference's towers and Q-Former heads over these files. */
    public TdcVision.Files visionFiles() {
        return TdcVision.Files.reference(checkpoint, siglip, dinov2, bertTokenizer);
    }

    private static void check(List<String> missing, String what, Path p) {
        if (p == null) missing.add(what);
        else if (!Files.isRegularFile(p)) missing.add(what + " at " + p);
    }

    private static Path tower(Path dir, String name) {
        if (dir == null) return null;
        for (String ext : new String[]{".pt", ".onnx"}) {
            Path p = dir.resolve(name + ext);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    static boolean hasSafetensors(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors"));
        } catch (IOException e) {
            return false;
        }
    }
}
