package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The TDC Q-Former: BLIP-2's BERT with learned-free queries ({@code Qformer.bert} in
 * cambrian_arch.py). Queries and question tokens share bidirectional self-attention; only the
 * queries cross-attend to the frame tokens (every {@code cross_attention_freq}-th layer, found
 * here from which {@code crossattention.*} tensors exist) and they use their own feed-forward
 * ({@code intermediate_query}/{@code output_query}). Parameter names are the checkpoint's, below
 * {@code Qformer.bert.}.
 *
 * <p>Inputs (NDList): query embeddings (B, K, H), frame tokens (B, T, W), and optionally question
 * ids (1, L) int64 shared by the batch. Output: the queries' last hidden states (B, K, H).
 */
final class QFormer extends CheckpointBlock {
    private static final String P = "Qformer.bert.";

    public record Config(int layers, int heads, float layerNormEps) {
        /** bert-base-uncased as TDC uses it: 12 layers, 12 heads, eps 1e-12. */
        public static Config bertBase() {
            return new Config(12, 12, 1e-12f);
        }
    }

    private record Att(Parameter q, Parameter qb, Parameter k, Parameter kb, Parameter v, Parameter vb,
                       Parameter dense, Parameter denseB, Parameter ln, Parameter lnB) {}

    private record Ffn(Parameter in, Parameter inB, Parameter out, Parameter outB, Parameter ln, Parameter lnB) {}

    private record Layer(Att self, Att cross, Ffn text, Ffn query) {}

    private final Config config;
    private boolean absorbCross = true;
    private final Parameter wordEmb, posEmb, embLn, embLnB;
    private final List<Layer> layers = new ArrayList<>();

    private QFormer(Config config, boolean[] cross) {
        this.config = config;
        wordEmb = param(P + "embeddings.word_embeddings.weight");
        posEmb = param(P + "embeddings.position_embeddings.weight");
        embLn = param(P + "embeddings.LayerNorm.weight");
        embLnB = param(P + "embeddings.LayerNorm.bias");
        for (int i = 0; i < config.layers(); i++) {
            String l = P + "encoder.layer." + i + ".";
            layers.add(new Layer(att(l + "attention."), cross[i] ? att(l + "crossattention.") : null,
                    ffn(l + "intermediate.", l + "output."), ffn(l + "intermediate_query.", l + "output_query.")));
        }
    }

    private Att att(String p) {
        return new Att(param(p + "self.query.weight"), param(p + "self.query.bias"),
                param(p + "self.key.weight"), param(p + "self.key.bias"),
                param(p + "self.value.weight"), param(p + "self.value.bias"),
                param(p + "output.dense.weight"), param(p + "output.dense.bias"),
                param(p + "output.LayerNorm.weight"), param(p + "output.LayerNorm.bias"));
    }

    private Ffn ffn(String in, String out) {
        return new Ffn(param(in + "dense.weight"), param(in + "dense.bias"),
                param(out + "dense.weight"), param(out + "dense.bias"),
                param(out + "LayerNorm.weight"), param(out + "LayerNorm.bias"));
    }

    /** Builds the block for a checkpoint (layers counted from its tensor names) and loads it. */
    public static QFormer load(TdcWeights file, String prefix, int heads, float eps, NDManager manager)
            throws IOException {
        return load(file, prefix, heads, eps, manager, DataType.FLOAT32);
    }

    /** The same, computing in {@code type} (weights converted as they load). */
    public static QFormer load(TdcWeights file, String prefix, int heads, float eps, NDManager manager, DataType type)
            throws IOException {
        boolean[] cross = crossLayers(file, prefix);
        QFormer q = new QFormer(new Config(cross.length, heads, eps), cross);
        q.computeIn(type);
        q.load(file, prefix, manager);
        return q;
    }

    /**
     * The checkpoint's layers, counted from its tensor names: element i says whether layer i has
     * cross-attention ({@code crossattention.*} tensors). Both engines read the layout this way.
     */
    static boolean[] crossLayers(TdcWeights file, String prefix) throws IOException {
        int n = 0;
        while (file.contains(prefix + P + "encoder.layer." + n + ".attention.self.query.weight")) n++;
        if (n == 0) throw new IOException(file.path() + " has no " + prefix + P + "encoder.layer.* tensors");
        boolean[] cross = new boolean[n];
        for (int i = 0; i < n; i++) {
            cross[i] = file.contains(prefix + P + "encoder.layer." + i + ".crossattention.self.query.weight");
        }
        return cross;
    }

    /** The prefix of the Q-Former's tensors below the model's ({@code Qformer.bert.}). */
    static final String TENSORS = P;

    /** An unloaded Q-Former with cross-attention every {@code crossFreq}-th layer (BLIP-2: 2). */
    public static QFormer create(Config config, int crossFreq) {
        boolean[] cross = new boolean[config.layers()];
        for (int i = 0; i < cross.length; i++) cross[i] = i % crossFreq == 0;
        return new QFormer(config, cross);
    }

    /**
     * Whether cross-attention folds the key/value projections into the queries (default) instead
     * of projecting every frame token. Same function, reassociated: with K=16 queries against
     * T=156..576 frame tokens it does about a quarter of the multiply-adds.
     */
    public QFormer absorbCrossAttention(boolean on) {
        this.absorbCross = on;
        return this;
    }

    public Config config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray queries = inputs.get(0);
        NDArray frames = inputs.get(1);
        NDArray ids = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(forward(queries, frames, ids));
    }

    /** See the class comment; {@code ids} may be null (no question conditioning). */
    public NDArray forward(NDArray queries, NDArray frames, NDArray ids) {
        long b = queries.getShape().get(0);
        int k = (int) queries.getShape().get(1);
        float eps = config.layerNormEps();
        NDArray x = queries;
        int textLen = 0;
        if (ids != null && ids.getShape().get(1) > 0) {
            textLen = (int) ids.getShape().get(1);
            NDArray flat = ids.reshape(-1).toType(DataType.INT64, false);
            NDArray words = wordEmb.getArray().get(new NDIndex("{}", flat));
            NDArray pos = posEmb.getArray().get(new NDIndex("0:" + textLen));
            words.attach(queries.getManager()); // lookups land in the weights' manager otherwise
            pos.attach(queries.getManager());
            NDArray text = words.add(pos).expandDims(0).repeat(0, b);
            x = queries.concat(text, 1);
        }
        x = Nn.layerNorm(x, embLn, embLnB, eps);
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            NDArray a = attend(layer.self(), x, x, eps);
            NDArray q = textLen > 0 ? a.get(new NDIndex(":, 0:" + k)) : a;
            if (layer.cross() != null) {
                q = absorbCross ? crossAbsorbed(layer.cross(), q, frames, eps) : attend(layer.cross(), q, frames, eps);
            }
            q = feedForward(layer.query(), q, eps);
            boolean last = i == layers.size() - 1;
            // The text stream only feeds later layers' self-attention: the last layer can skip it.
            if (textLen > 0 && !last) {
                NDArray t = feedForward(layer.text(), a.get(new NDIndex(":, " + k + ":")), eps);
                x = q.concat(t, 1);
            } else {
                x = q;
            }
        }
        return x;
    }

    private NDArray attend(Att p, NDArray x, NDArray kv, float eps) {
        int h = config.heads();
        NDArray q = Nn.heads(Nn.linear(x, p.q(), p.qb()), h);
        NDArray key = Nn.heads(Nn.linear(kv, p.k(), p.kb()), h);
        NDArray val = Nn.heads(Nn.linear(kv, p.v(), p.vb()), h);
        NDArray ctx = Nn.merge(Nn.attention(q, key, val, null));
        return Nn.layerNorm(Nn.linear(ctx, p.dense(), p.denseB()).add(x), p.ln(), p.lnB(), eps);
    }

    /**
     * Cross-attention without projecting the frame tokens X: per head h,
     * {@code scores = (q_h Wk_h) X^T + q_h bk_h} and
     * {@code ctx = (softmax(scores) X) Wv_h^T + bv_h} (softmax rows sum to one, so the value bias
     * passes through). Cost scales with queries x width x tokens instead of tokens x width x hidden.
     */
    private NDArray crossAbsorbed(Att p, NDArray x, NDArray frames, float eps) {
        int h = config.heads();
        long b = x.getShape().get(0), k = x.getShape().get(1), hidden = x.getShape().get(2), d = hidden / h;
        long width = frames.getShape().get(2);
        NDManager m = x.getManager();
        NDArray wk = p.k().getArray().reshape(h, d, width), bk = p.kb().getArray().reshape(h, d, 1);
        NDArray wvRows = p.v().getArray().reshape(h, d, width), bv = p.vb().getArray().reshape(h, 1, d);
        for (NDArray a : new NDArray[]{wk, bk, wvRows, bv}) a.attach(m); // views: keep them out of the weights' manager
        NDArray wv = wvRows.transpose(0, 2, 1);
        // Shapes are arranged so every product is one large GEMM per head or per frame, never a
        // weight broadcast over the batch.
        NDArray q = Nn.linear(x, p.q(), p.qb()).reshape(b * k, h, d).transpose(1, 0, 2);   // (H, B*K, D)
        NDArray qk = q.matMul(wk);                                                          // (H, B*K, W)
        NDArray qb = q.matMul(bk);                                                          // (H, B*K, 1)
        NDArray perFrame = qk.reshape(h, b, k, width).transpose(1, 0, 2, 3).reshape(b, h * k, width);
        NDArray bias = qb.reshape(h, b, k, 1).transpose(1, 0, 2, 3).reshape(b, h * k, 1);
        NDArray scores = perFrame.matMul(frames.transpose(0, 2, 1)).add(bias).div(Math.sqrt(d)); // (B, H*K, T)
        NDArray px = Nn.softmax(scores).matMul(frames);                                    // (B, H*K, W)
        NDArray pxh = px.reshape(b, h, k, width).transpose(1, 0, 2, 3).reshape(h, b * k, width);
        NDArray ctx = pxh.matMul(wv).add(bv);                                               // (H, B*K, D)
        NDArray merged = ctx.reshape(h, b, k, d).transpose(1, 2, 0, 3).reshape(b, k, hidden);
        return Nn.layerNorm(Nn.linear(merged, p.dense(), p.denseB()).add(x), p.ln(), p.lnB(), eps);
    }

    private static NDArray feedForward(Ffn p, NDArray x, float eps) {
        NDArray h = Nn.gelu(Nn.linear(x, p.in(), p.inB()));
        return Nn.layerNorm(Nn.linear(h, p.out(), p.outB()).add(x), p.ln(), p.lnB(), eps);
    }
}
