package dev.longvqa.runtime.llm;

import dev.longvqa.contract.Json;
import ai.djl.Device;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longvqa.error.ErrorCode;
import dev.longvqa.error.LongVqaException;
import dev.longvqa.runtime.HfCheckpoint;
import dev.longvqa.runtime.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Llama/Qwen2 causal language model on DJL's PyTorch engine, loaded from a Hugging Face
 * checkpoint directory: {@code config.json}, {@code *.safetensors} (+ index), {@code tokenizer.json}.
 *
 * <p>{@link #generate} takes a prompt of text, token ids and embedding blocks (the TDC context),
 * runs it through the decoder once (prefill), then decodes one token at a time against a
 * {@link KvCache}. Calls are serialised: one model instance decodes one sequence at a time.
 */
public final class CausalLm implements AutoCloseable {
    private final Model model;
    private final DecoderBlock block;
    private final LlmConfig config;
    private final HuggingFaceTokenizer tokenizer;
    private final ChatFormat template;
    private final Set<Long> stopIds;
    private final WeightSource weights;

    private CausalLm(Model model, DecoderBlock block, HuggingFaceTokenizer tokenizer, ChatFormat template,
                     Set<Long> stopIds, WeightSource weights) {
        this.model = model;
        this.block = block;
        this.config = block.config();
        this.tokenizer = tokenizer;
        this.template = template;
        this.stopIds = Set.copyOf(stopIds);
        this.weights = weights;
    }

    /** Loads on the CPU in float32. */
    public static CausalLm load(Path dir) {
        return load(dir, Device.cpu());
    }

    /** Loads on {@code device}: float32 on the CPU, float16 on a GPU for a bf16/fp16 checkpoint ({@link #defaultType(Device, String)}). */
    public static CausalLm load(Path dir, Device device) {
        return load(dir, device, null);
    }

    /**
     * @param dtype compute type, or null for the default of the device (CPU matmuls in bf16 are
     *              slow and inexact in PyTorch's CPU kernels, so the CPU widens to float32)
     */
    public static CausalLm load(Path dir, Device device, DataType dtype) {
        Path configJson = dir.resolve("config.json");
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(configJson) || !Files.isRegularFile(tokenizerJson)) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, dir + " is not a complete model directory: expected "
                    + "config.json, tokenizer.json and model.safetensors (or model.safetensors.index.json with its shards)");
        }
        HfCheckpoint checkpoint = null;
        HuggingFaceTokenizer tokenizer = null;
        try {
            LlmConfig config = LlmConfig.read(configJson);
            checkpoint = HfCheckpoint.open(dir);
            DataType type = dtype != null ? dtype : defaultType(device, configJson);
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("addSpecialTokens", "false"));
            ChatFormat template = ChatTemplate.forCheckpoint(dir, config);
            Set<Long> stop = new LinkedHashSet<>();
            config.eosTokenIds().forEach(i -> stop.add((long) i));
            stop.addAll(generationConfigEos(dir));
            Long endOfTurn = singleToken(tokenizer, template.endOfTurn());
            if (endOfTurn != null) stop.add(endOfTurn);
            return create(config, WeightNames.detect(checkpoint), checkpoint, tokenizer, template, stop, device, type);
        } catch (IOException | RuntimeException e) {
            if (tokenizer != null) tokenizer.close();
            if (checkpoint != null) {
                try {
                    checkpoint.close();
                } catch (IOException ignored) {
                    // the load failure is what the caller needs to see
                }
            }
            if (e instanceof LongVqaException l) throw l;
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "cannot load the language model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * A model over any weights (benchmarks use made-up ones); without a tokenizer only token ids
     * and embeddings can be used as prompt parts.
     */
    public static CausalLm create(LlmConfig config, WeightNames names, WeightSource weights,
                                  HuggingFaceTokenizer tokenizer, ChatFormat template, Set<Long> stopIds,
                                  Device device, DataType dtype) {
        requireSupported(dtype);
        Model model = Model.newInstance("decoder", device, "PyTorch");
        try {
            DecoderBlock block = new DecoderBlock(config, names);
            block.load(weights, model.getNDManager(), dtype);
            model.setBlock(block);
            model.setDataType(dtype);
            return new CausalLm(model, block, tokenizer, template, stopIds, weights);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The compute type for a checkpoint stored as {@code torchDtype}: float32 on the CPU; on a GPU
     * float32 for a float32 checkpoint, else float16. Not bfloat16, although most checkpoints are
     * stored in it: DJL 0.35's JNI has no bfloat16 case in its type mapping and terminates the JVM
     * on every call that names the type (creation, {@code toType}, softmax, {@code toDevice}; measured,
     * see {@code tdc.Bfloat16}), and the decoder calls several of them. float16 has the same memory
     * and speed on the GPU; its narrower range is the known cost (docs/RUNTIME.md).
     */
    static DataType defaultType(Device device, String torchDtype) {
        if (!device.isGpu()) return DataType.FLOAT32;
        return "float32".equals(torchDtype) ? DataType.FLOAT32 : DataType.FLOAT16;
    }

    private static DataType defaultType(Device device, Path configJson) throws IOException {
        return defaultType(device, Json.mapper().readTree(configJson.toFile()).path("torch_dtype").asText("bfloat16"));
    }

    /** Refused before any JNI call: the JVM would be terminated (see {@link #defaultType(Device, String)}). */
    static void requireSupported(DataType dtype) {
        if (dtype == DataType.BFLOAT16) {
            throw new LongVqaException(ErrorCode.MODEL_UNAVAILABLE, "the language-model runtime cannot compute in bfloat16 "
                    + "(DJL 0.35 cannot name the type); use float16 or float32");
        }
    }

    private static List<Long> generationConfigEos(Path dir) throws IOException {
        Path p = dir.resolve("generation_config.json");
        List<Long> out = new ArrayList<>();
        if (!Files.isRegularFile(p)) return out;
        JsonNode eos = Json.mapper().readTree(p.toFile()).path("eos_token_id");
        if (eos.isArray()) eos.forEach(n -> out.add(n.asLong()));
        else if (eos.isNumber()) out.add(eos.asLong());
        return out;
    }

    private static Long singleToken(HuggingFaceTokenizer tokenizer, String token) {
        long[] ids = tokenizer.encode(token).getIds();
        return ids.length == 1 ? ids[0] : null;
    }

    public LlmConfig config() {
        return config;
    }

    public ChatFormat chatTemplate() {
        return template;
    }

    /** Ids that end generation by default: eos ids of the config and generation config, end of turn. */
    public Set<Long> stopTokenIds() {
        return stopIds;
    }

    public Device device() {
        return model.getNDManager().getDevice();
    }

    public DataType dataType() {
        return block.dataType();
    }

    /** Token ids of {@code text}, special tokens recognised in the text but none added. */
    public long[] encode(String text) {
        return requireTokenizer().encode(text).getIds();
    }

    public String decode(long[] ids) {
        return requireTokenizer().decode(ids, true);
    }

    /** Prompt positions {@code parts} will occupy: text tokens plus embedding rows. */
    public int countTokens(List<PromptPart> parts) {
        int n = 0;
        for (PromptPart p : parts) {
            n += switch (p) {
                case PromptPart.Untokenized t -> encode(t.text()).length;
                case PromptPart.TokenIds t -> t.ids().length;
                case PromptPart.InputEmbeddings e -> e.rows();
            };
        }
        return n;
    }

    /** Renders a conversation with the checkpoint's chat format and generates the assistant's turn. */
    public Generation chat(List<ChatMessage> messages, GenerationConfig config) {
        return generate(template.apply(messages, true), config);
    }

    /** Continues {@code prompt}. */
    public Generation generate(List<PromptPart> prompt, GenerationConfig gen) {
        return generate(null, prompt, gen);
    }

    /**
     * Runs {@code prefix} once and keeps its keys/values, so several continuations can share it:
     * the Answer stage asks every question after the same video context, which is most of the
     * prompt. Close it to free the memory; it must be used with this model only.
     */
    public synchronized PrefixCache cachePrefix(List<PromptPart> prefix) {
        NDManager m = model.getNDManager().newSubManager();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray embeds = embed(m, prefix);
            int t = (int) embeds.getShape().get(0);
            KvCache cache = new KvCache(m, config, t, block.dataType());
            if (t > 0) prefill(embeds, cache, GenerationConfig.DEFAULT_PREFILL_CHUNK);
            return new PrefixCache(this, m, cache);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /**
     * Continues {@code prefix} (or nothing, when null) followed by {@code prompt}. The prefix is
     * copied, not changed: it can serve any number of calls.
     */
    public synchronized Generation generate(PrefixCache prefix, List<PromptPart> prompt, GenerationConfig gen) {
        if (prefix != null && prefix.owner() != this) throw new IllegalArgumentException("the prefix cache belongs to another model");
        if (prefix != null && prefix.isClosed()) throw new IllegalStateException("the prefix cache is closed");
        Set<Long> stop = new LinkedHashSet<>(stopIds);
        stop.addAll(gen.stopTokenIds());
        Sampler sampler = new Sampler(gen);
        List<Long> out = new ArrayList<>();
        Generation.FinishReason reason = Generation.FinishReason.LENGTH;
        long start = System.nanoTime();
        long prefill;
        int promptTokens;
        try (NDManager m = model.getNDManager().newSubManager()) {
            float[] logits;
            KvCache cache;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray embeds = embed(m, prompt);
                int fresh = (int) embeds.getShape().get(0);
                // The last prompt position's logits start generation: it must be computed here.
                if (fresh == 0) throw new IllegalArgumentException("empty prompt (after the prefix)");
                int past = prefix == null ? 0 : prefix.length();
                promptTokens = past + fresh;
                cache = prefix == null ? new KvCache(m, config, promptTokens + gen.maxNewTokens(), block.dataType())
                        : prefix.cache().copy(m, promptTokens + gen.maxNewTokens());
                logits = gen.maxNewTokens() == 0 ? null : lastLogits(prefill(embeds, cache, gen.prefillChunk()));
            }
            prefill = System.nanoTime() - start;
            try (cache) {
                int completion = 0;
                while (completion < gen.maxNewTokens()) {
                    long next = sampler.next(logits);
                    completion++;
                    if (stop.contains(next)) {
                        reason = Generation.FinishReason.STOP;
                        break;
                    }
                    out.add(next);
                    if (completion == gen.maxNewTokens()) break;
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray e = block.embed(next);
                        logits = lastLogits(block.forward(e, cache));
                    }
                }
                long decode = System.nanoTime() - start - prefill;
                long[] ids = out.stream().mapToLong(Long::longValue).toArray();
                String text = tokenizer == null ? "" : decode(ids);
                return new Generation(text, ids, promptTokens, completion, reason, prefill, decode);
            }
        }
    }

    /** Logits {@code [positions][vocab]} for every prompt position (scoring, parity checks). */
    public float[][] logits(List<PromptPart> prompt) {
        return logits(prompt, GenerationConfig.DEFAULT_PREFILL_CHUNK);
    }

    synchronized float[][] logits(List<PromptPart> prompt, int chunk) {
        try (NDManager m = model.getNDManager().newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray embeds = embed(m, prompt);
            int t = (int) embeds.getShape().get(0);
            float[][] out = new float[t][];
            try (KvCache cache = new KvCache(m, config, t, block.dataType())) {
                for (int from = 0; from < t; from += chunk) {
                    int to = Math.min(t, from + chunk);
                    float[] flat = block.logits(block.forward(rows(embeds, from, to), cache)).toType(DataType.FLOAT32, false).toFloatArray();
                    for (int i = from; i < to; i++) {
                        out[i] = java.util.Arrays.copyOfRange(flat, (i - from) * config.vocabSize(), (i - from + 1) * config.vocabSize());
                    }
                }
                return out;
            }
        }
    }

    /**
     * Runs the prompt through the decoder in chunks of {@code chunk} positions against the cache.
     * Attention scores of one pass are {@code heads x t x t}: for an 8K-token TDC context in one
     * piece that is gigabytes; in 512-position chunks it is {@code heads x 512 x t}.
     *
     * @return hidden states of the last chunk
     */
    private NDArray prefill(NDArray embeds, KvCache cache, int chunk) {
        int t = (int) embeds.getShape().get(0);
        NDArray hidden = null;
        for (int from = 0; from < t; from += chunk) {
            hidden = block.forward(rows(embeds, from, Math.min(t, from + chunk)), cache);
        }
        return hidden;
    }

    private static NDArray rows(NDArray a, int from, int to) {
        return from == 0 && to == a.getShape().get(0) ? a : a.get(new NDIndex().addSliceDim(from, to));
    }

    private float[] lastLogits(NDArray hidden) {
        long t = hidden.getShape().get(0);
        NDArray last = hidden.get(new NDIndex("{}:", t - 1));
        return block.logits(last).toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** The prompt as input embeddings {@code [positions, hidden]}: token runs looked up, blocks spliced in. */
    private NDArray embed(NDManager m, List<PromptPart> prompt) {
        NDList pieces = new NDList();
        List<Long> run = new ArrayList<>();
        for (PromptPart part : prompt) {
            switch (part) {
                case PromptPart.Untokenized t -> { for (long id : encode(t.text())) run.add(id); }
                case PromptPart.TokenIds t -> { for (long id : t.ids()) run.add(id); }
                case PromptPart.InputEmbeddings e -> {
                    if (e.dim() != config.hiddenSize()) {
                        throw new IllegalArgumentException("embedding block has width " + e.dim()
                                + ", the model's hidden size is " + config.hiddenSize());
                    }
                    flushTokens(m, run, pieces);
                    if (e.rows() > 0) pieces.add(m.create(e.data(), new Shape(e.rows(), e.dim())).toType(block.dataType(), false));
                }
            }
        }
        flushTokens(m, run, pieces);
        if (pieces.isEmpty()) return m.zeros(new Shape(0, config.hiddenSize()), block.dataType());
        return pieces.size() == 1 ? pieces.getFirst() : NDArrays.concat(pieces, 0);
    }

    private void flushTokens(NDManager m, List<Long> run, NDList pieces) {
        if (run.isEmpty()) return;
        long[] ids = run.stream().mapToLong(Long::longValue).toArray();
        for (long id : ids) {
            if (id < 0 || id >= config.vocabSize()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        }
        pieces.add(block.embed(m.create(ids)));
        run.clear();
    }

    /** Engine arrays the model holds (weights, tables); tests use it to prove steps leave nothing behind. */
    int liveArrays() {
        return model.getNDManager().getManagedArrays().size();
    }

    DecoderBlock block() {
        return block;
    }

    private HuggingFaceTokenizer requireTokenizer() {
        if (tokenizer == null) throw new IllegalStateException("this model was created without a tokenizer: use token ids");
        return tokenizer;
    }

    @Override
    public void close() {
        model.close();
        if (tokenizer != null) tokenizer.close();
        try {
            weights.close();
        } catch (Exception e) {
            // closing read-only mappings cannot lose data; nothing to report
        }
    }
}
