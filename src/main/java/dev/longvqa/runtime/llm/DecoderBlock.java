package dev.longvqa.runtime.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.longvqa.runtime.WeightSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The Llama/Qwen2 decoder as a DJL block: token embedding table, N {@link DecoderLayer}s, final
 * RMSNorm and the LM head (the embedding table itself when the checkpoint ties them).
 *
 * <p>Its input is embeddings, not token ids, because prompts here mix text with the TDC context,
 * which arrives as vectors in the LLM's input space: callers look text tokens up with
 * {@link #embed(NDArray)} and splice the blocks in between.
 */
final class DecoderBlock extends AbstractBlock {
    private final LlmConfig config;
    private final WeightNames names;
    private final Parameter embedTokens;
    private final Parameter norm;
    private final Parameter lmHead;
    private final List<DecoderLayer> layers = new ArrayList<>();
    private final RotaryEmbedding rope;
    private DataType dtype = DataType.FLOAT32;
    private NDArray rotation;
    private NDManager tablesManager;

    public DecoderBlock(LlmConfig config, WeightNames names) {
        this.config = config;
        this.names = names;
        this.embedTokens = addParameter(Parameter.builder().setName("embed_tokens.weight").setType(Parameter.Type.WEIGHT).build());
        this.norm = addParameter(Parameter.builder().setName("norm.weight").setType(Parameter.Type.GAMMA).build());
        // A checkpoint without lm_head.weight ties the head to the embedding table (Llama 3.2).
        this.lmHead = !names.untiedHead() ? null
                : addParameter(Parameter.builder().setName("lm_head.weight").setType(Parameter.Type.WEIGHT).build());
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(addChildBlock("layers_" + i, new DecoderLayer(config, names.attentionBias())));
        }
        this.rope = new RotaryEmbedding(config);
    }

    public LlmConfig config() {
        return config;
    }

    public DataType dataType() {
        return dtype;
    }

    /** Loads every tensor by its Hugging Face name, converted to {@code dtype}. */
    public void load(WeightSource weights, NDManager manager, DataType dtype) {
        this.dtype = dtype;
        Shape table = new Shape(config.vocabSize(), config.hiddenSize());
        embedTokens.setArray(weights.load(names.prefix() + "embed_tokens.weight", table, manager, dtype));
        norm.setArray(weights.load(names.prefix() + "norm.weight", new Shape(config.hiddenSize()), manager, dtype));
        if (lmHead != null) lmHead.setArray(weights.load(names.lmHead(), table, manager, dtype));
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).load(weights, names.prefix() + "layers." + i + ".", manager, dtype);
        }
        rotation = DecoderLayer.rotation(manager, config.headDim(), dtype);
        tablesManager = manager;
    }

    /** One token's input embedding {@code [1, hidden]}: a view of the table, no index array to create. */
    public NDArray embed(long id) {
        return embedTokens.getArray().get(new ai.djl.ndarray.index.NDIndex().addSliceDim(id, id + 1));
    }

    /** Token ids ({@code int64 [t]}) to input embeddings {@code [t, hidden]}. */
    public NDArray embed(NDArray ids) {
        return embedTokens.getArray().get(ids);
    }

    /**
     * Runs new positions through the decoder, appending their keys/values to {@code cache}.
     *
     * @param embeds {@code [t, hidden]} in {@link #dataType()}
     * @return final-normed hidden states {@code [t, hidden]}
     */
    public NDArray forward(NDArray embeds, KvCache cache) {
        int t = (int) embeds.getShape().get(0);
        int past = cache.length();
        cache.reserve(t);
        NDManager m = embeds.getManager();
        NDList cs = rope.slice(tablesManager != null ? tablesManager : m, past, t, dtype);
        NDList tables = new NDList(cs.get(0), cs.get(1), rotation);
        NDArray mask = t == 1 ? null : causalMask(m, past, t).toType(dtype, false).toDevice(embeds.getDevice(), false);
        NDArray x = embeds;
        for (int i = 0; i < layers.size(); i++) {
            x = layers.get(i).forward(x, tables, mask, cache, i);
        }
        cache.advance(t);
        return layers.getFirst().rmsNorm(x, norm.getArray());
    }

    /** Next-token logits {@code [t, vocab]} for hidden states from {@link #forward}. */
    public NDArray logits(NDArray hidden) {
        NDArray head = lmHead != null ? lmHead.getArray() : embedTokens.getArray();
        return Linear.linear(hidden, head).singletonOrThrow();
    }

    /** Row i may attend to keys 0..past+i: the rest get -inf. */
    private static NDArray causalMask(NDManager m, int past, int t) {
        int s = past + t;
        float[] mask = new float[t * s];
        for (int i = 0; i < t; i++) {
            for (int j = past + i + 1; j < s; j++) mask[i * s + j] = Float.NEGATIVE_INFINITY;
        }
        return m.create(mask, new Shape(t, s));
    }

    /**
     * The plain DJL contract: {@code [embeds [t, hidden]]} to {@code [logits [t, vocab]]} in one
     * causal pass with a throwaway cache, for use as an ordinary block (scoring, export).
     */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray embeds = inputs.singletonOrThrow();
        try (KvCache cache = new KvCache(embeds.getManager(), config, (int) embeds.getShape().get(0), dtype)) {
            return new NDList(logits(forward(embeds, cache)));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[]{new Shape(inputShapes[0].get(0), config.vocabSize())};
    }
}
