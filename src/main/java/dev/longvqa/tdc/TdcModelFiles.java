package dev.longvqa.tdc;

import dev.longvqa.contract.Json;
import dev.longvqa.error.LongVqaException;

import dev.longvqa.error.ErrorCode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.runtime.vision.ImagePreprocessor;

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
 * DIR/tdc.json                optional: tower sizes and layout for other exports (see {@link #MANIFEST})
 * </pre>
 *
 * @param checkpoint a .safetensors file or a directory of shards
 * @param manifest   the optional {@code tdc.json}, or null for the reference's geometry
 */
public record TdcModelFiles(Path checkpoint, Path siglip, Path dinov2, Path bertTokenizer, Path manifest) {
    public static final String BERT_TOKENIZER = "bert/tokenizer.json";
    /**
     * Optional overrides of the reference's geometry, for towers exported at other sizes or smaller
     * test models; every field may be left out:
     * <pre>
     * {"qformerHeads": 12,
     *  "towers": {"siglip": {"preprocessor": "siglip", "size": 384, "prefixTokens": 0, "grid": 24},
     *             "dinov2": {"preprocessor": "dinov2", "size": 378, "prefixTokens": 1, "grid": 24}},
     *  "layout": {"chunkSize": 8, "queryTokens": 16, "gridRows": 12, "gridCols": 12}}
     * </pre>
     */
    public static final String MANIFEST = "tdc.json";

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
                bertTokenizer != null ? bertTokenizer : dir != null ? dir.resolve(BERT_TOKENIZER) : null,
                dir != null && Files.isRegularFile(dir.resolve(MANIFEST)) ? dir.resolve(MANIFEST) : null);
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

    /** The towers and Q-Former heads over these files: the reference's, as far as {@code tdc.json} does not say otherwise. */
    public TdcVision.Files visionFiles() {
        TdcVision.Files reference = TdcVision.Files.reference(checkpoint, siglip, dinov2, bertTokenizer);
        if (manifest == null) return reference;
        JsonNode m = readManifest();
        JsonNode towers = m.path("towers");
        return new TdcVision.Files(checkpoint, List.of(
                tower(towers.path("siglip"), reference.towers().get(0), "siglip"),
                tower(towers.path("dinov2"), reference.towers().get(1), "dinov2")),
                bertTokenizer, m.path("qformerHeads").asInt(reference.qformerHeads()));
    }

    /** {@code base} (budget etc.) with the manifest's layout fields, if any. */
    public TdcSettings settings(TdcSettings base) {
        if (manifest == null) return base;
        JsonNode l = readManifest().path("layout");
        try {
            return new TdcSettings(base.budget(), base.generationReserve(), l.path("chunkSize").asInt(base.chunkSize()),
                    l.path("queryTokens").asInt(base.queryTokens()), l.path("gridRows").asInt(base.gridRows()),
                    l.path("gridCols").asInt(base.gridCols()), base.imageNewline(), base.separators(), base.maxFrames(), base.lvcot());
        } catch (IllegalArgumentException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, manifest + ": " + e.getMessage());
        }
    }

    private TdcVision.TowerFile tower(JsonNode t, TdcVision.TowerFile reference, String name) {
        String kind = t.path("preprocessor").asText(name);
        int size = t.path("size").asInt(reference.preprocessor().size());
        ImagePreprocessor pre = switch (kind) {
            case "siglip" -> ImagePreprocessor.siglip(size);
            case "dinov2" -> ImagePreprocessor.dinov2(size);
            default -> throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, manifest + ": towers." + name
                    + ".preprocessor must be siglip or dinov2, not '" + kind + "'");
        };
        return new TdcVision.TowerFile(reference.model(), pre, t.path("prefixTokens").asInt(reference.prefixTokens()),
                t.path("grid").asInt(reference.gridSide()));
    }

    private JsonNode readManifest() {
        try {
            JsonNode m = Json.mapper().readTree(manifest.toFile());
            if (m == null || !m.isObject()) throw new IOException("not a JSON object");
            return m;
        } catch (IOException e) {
            throw LongVqaException.badInput(ErrorCode.BAD_REQUEST, "cannot read " + manifest + ": " + e.getMessage());
        }
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
