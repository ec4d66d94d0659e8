package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
 * The projector from vision-tower tokens into the LLM's hidden size: Cambrian's Spatial Vision
 * Aggregator as TDC configures it ({@code mm_projector_type sva}, one query group of 144, SigLIP
 * + DINOv2 towers, {@code connector_depth} 3). Per tower an MLP+LayerNorm
 * ({@code mm_projector_aux_i}); each of the 12x12 output positions is a query that cross-attends to
 * the 2x2 window of tokens under it in every tower ({@code vision_sampler_0}, 16 heads, the
 * SigLIP mean as context); then {@code mm_projector} (Linear-GELU-Linear) to the LLM width.
 * Parameter names are the checkpoint's below {@code model.}.
 */
public final class SvaProjector extends CheckpointBlock {
    private static final float EPS = 1e-5f;
    private static final int HEADS = 16; // hard-coded in the reference's VisionCrossAttentionLayer

    private record Mlp(Parameter w0, Parameter b0, Parameter w2, Parameter b2, Parameter ln, Parameter lnB) {}

    private record Kv(Parameter kLn, Parameter kLnB, Parameter k, Parameter vLn, Parameter vLnB, Parameter v, Parameter pos) {}

    private record SamplerLayer(Parameter projContext, Parameter projIn, Parameter out1, Parameter out2,
                                Parameter norm, Parameter normB, Parameter qLn, Parameter qLnB, Parameter q,
                                List<Kv> kv, Parameter o) {}

    private final int querySide;
    private final List<Mlp> aux = new ArrayList<>();
    private final List<SamplerLayer> layers = new ArrayList<>();
    private final Parameter visionQuery, proj0, proj0B, proj2, proj2B, imageNewline;

    private SvaProjector(int towers, int depth, int querySide) {
        this.querySide = querySide;
        for (int i = 0; i < towers; i++) {
            String p = "mm_projector_aux_" + i + ".";
            aux.add(new Mlp(param(p + "0.weight"), param(p + "0.bias"), param(p + "2.weight"), param(p + "2.bias"),
                    param(p + "3.weight"), param(p + "3.bias")));
        }
        for (int l = 0; l < depth; l++) {
            String p = "vision_sampler_0.layers." + l + ".";
            List<Kv> kv = new ArrayList<>();
            for (int i = 0; i < towers; i++) {
                String c = p + "cross_attn.";
                kv.add(new Kv(param(c + "k_proj_" + i + ".0.weight"), param(c + "k_proj_" + i + ".0.bias"),
                        param(c + "k_proj_" + i + ".1.weight"),
                        param(c + "v_proj_" + i + ".0.weight"), param(c + "v_proj_" + i + ".0.bias"),
                        param(c + "v_proj_" + i + ".1.weight"), param(p + "pos_embed_" + i)));
            }
            layers.add(new SamplerLayer(param(p + "proj_context.weight"), param(p + "proj_in.weight"),
                    param(p + "proj_out.linear_1.weight"), param(p + "proj_out.linear_2.weight"),
                    param(p + "norm.weight"), param(p + "norm.bias"),
                    param(p + "cross_attn.q_proj.0.weight"), param(p + "cross_attn.q_proj.0.bias"),
                    param(p + "cross_attn.q_proj.1.weight"), kv, param(p + "cross_attn.o_proj.weight")));
        }
        visionQuery = param("vision_query");
        proj0 = param("mm_projector.0.weight");
        proj0B = param("mm_projector.0.bias");
        proj2 = param("mm_projector.2.weight");
        proj2B = param("mm_projector.2.bias");
        imageNewline = param("image_newline");
    }

    /**
     * @param querySide side of the output grid (12 in TDC: 144 tokens per frame)
     */
    public static SvaProjector load(TdcWeights file, String prefix, int querySide, NDManager manager) throws IOException {
        return load(file, prefix, querySide, manager, DataType.FLOAT32);
    }

    /** The same, computing in {@code type} (weights converted as they load). */
    public static SvaProjector load(TdcWeights file, String prefix, int querySide, NDManager manager, DataType type)
            throws IOException {
        int towers = 0;
        while (file.contains(prefix + "mm_projector_aux_" + towers + ".0.weight")) towers++;
        int depth = 0;
        while (file.contains(prefix + "vision_sampler_0.layers." + depth + ".proj_in.weight")) depth++;
        if (towers == 0 || depth == 0) throw new IOException(file.path() + " has no SVA projector under " + prefix);
        SvaProjector p = new SvaProjector(towers, depth, querySide);
        p.computeIn(type);
        p.load(file, prefix, manager);
        return p;
    }

    public int towers() {
        return aux.size();
    }

    public int querySide() {
        return querySide;
    }

    /** The learned token that ends every grid row. */
    public NDArray imageNewline() {
        return imageNewline.getArray();
    }

    @Override
    protected java.util.Set<String> float32Tokens() {
        return java.util.Set.of("image_newline");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.subNDList(0, towers()), null));
    }

    /**
     * @param towers one (B, S*S, C_i) array per vision tower, same S for all
     * @param mask   (B, S, S) boolean of valid (unpadded) token positions, or null for all valid
     * @return (B, querySide^2, LLM hidden)
     */
    public NDArray forward(NDList towers, NDArray mask) {
        NDList in = new NDList(towers.size());
        for (NDArray t : towers) in.add(toCompute(t));
        towers = in;
        long b = towers.get(0).getShape().get(0);
        long tokens = towers.get(0).getShape().get(1);
        int side = (int) Math.round(Math.sqrt(tokens));
        if (side * side != tokens || side % querySide != 0) {
            throw new IllegalArgumentException(tokens + " tokens do not form a grid divisible into " + querySide + "^2 windows");
        }
        int r = side / querySide;
        long nq = (long) querySide * querySide;
        List<NDArray> lats = new ArrayList<>();
        NDArray context = null;
        for (int i = 0; i < aux.size(); i++) {
            Mlp m = aux.get(i);
            NDArray a = Nn.layerNorm(Nn.linear(Nn.gelu(Nn.linear(towers.get(i), m.w0(), m.b0())), m.w2(), m.b2()),
                    m.ln(), m.lnB(), EPS);
            long d = a.getShape().get(2);
            if (i == 0) context = a.mean(new int[]{1}).expandDims(1).repeat(1, nq).reshape(b * nq, 1, d);
            lats.add(windows(a.reshape(b, side, side, d), r).reshape(b * nq, (long) r * r, d));
        }
        long d = context.getShape().get(2);
        NDArray additive = null;
        if (mask != null) {
            NDArray m = windows(Nn.cast(mask, computeType()).reshape(b, side, side, 1), r).reshape(b * nq, (long) r * r);
            // A window with no valid token attends to all of it, as the reference does.
            NDArray empty = Nn.cast(m.sum(new int[]{1}, true).eq(0), computeType());
            m = m.add(empty).clip(0, 1);
            NDArray all = m;
            for (int i = 1; i < aux.size(); i++) all = all.concat(m, 1);
            additive = all.sub(1).mul(1e9f).reshape(b * nq, 1, 1, all.getShape().get(1));
        }
        // Results of ops on weights belong to the weights' manager: move them to the batch's.
        NDArray vq = visionQuery.getArray().get(new NDIndex("0"));
        vq.attach(towers.get(0).getManager());
        NDArray q = vq.reshape(1, 1, d).repeat(0, b * nq);
        for (SamplerLayer l : layers) {
            NDArray residual = q;
            NDArray x = Nn.linear(q.concat(Nn.linear(context, l.projContext(), null), -1), l.projIn(), null);
            NDArray qs = Nn.heads(Nn.linear(Nn.layerNorm(x, l.qLn(), l.qLnB(), EPS), l.q(), null), HEADS);
            NDList ks = new NDList(), vs = new NDList();
            for (int i = 0; i < lats.size(); i++) {
                Kv kv = l.kv().get(i);
                NDArray lat = lats.get(i).add(kv.pos().getArray());
                ks.add(Nn.linear(Nn.layerNorm(lat, kv.kLn(), kv.kLnB(), EPS), kv.k(), null));
                vs.add(Nn.linear(Nn.layerNorm(lat, kv.vLn(), kv.vLnB(), EPS), kv.v(), null));
            }
            NDArray k = Nn.heads(NDArrays.concat(ks, 1), HEADS);
            NDArray v = Nn.heads(NDArrays.concat(vs, 1), HEADS);
            x = x.add(Nn.linear(Nn.merge(Nn.attention(qs, k, v, additive)), l.o(), null));
            x = Nn.layerNorm(x, l.norm(), l.normB(), EPS);
            q = Nn.linear(Nn.gelu(Nn.linear(x, l.out1(), null)), l.out2(), null).add(residual);
        }
        NDArray out = q.reshape(b, nq, d);
        return toFloat32(Nn.linear(Nn.gelu(Nn.linear(out, proj0, proj0B)), proj2, proj2B));
    }

    /** (B, S, S, D) -> (B, S/r, S/r, r*r, D): the r x r window under each output position. */
    private static NDArray windows(NDArray grid, int r) {
        long b = grid.getShape().get(0), s = grid.getShape().get(1), d = grid.getShape().get(3);
        long q = s / r;
        return grid.reshape(b, q, r, q, r, d).transpose(0, 1, 3, 2, 4, 5);
    }

    /**
     * Frame tokens as the LLM sees them: the grid cropped to {@code rows x cols} (the reference's
     * unpad, centred) with {@code image_newline} after each row: (B, rows*(cols+1), H).
     */
    public NDArray frameTokens(NDArray projected, int rows, int cols, boolean newline) {
        long b = projected.getShape().get(0), h = projected.getShape().get(2);
        int side = querySide;
        NDArray grid = projected.reshape(b, side, side, h);
        int r0 = (side - rows) / 2, c0 = (side - cols) / 2;
        if (rows != side || cols != side) {
            grid = grid.get(new NDIndex(":, " + r0 + ":" + (r0 + rows) + ", " + c0 + ":" + (c0 + cols)));
        }
        if (newline) {
            NDArray nl = imageNewline.getArray().reshape(1, 1, 1, h);
            nl.attach(projected.getManager());
            nl = nl.repeat(0, b).repeat(1, rows);
            grid = grid.concat(nl, 2);
            return grid.reshape(b, (long) rows * (cols + 1), h);
        }
        return grid.reshape(b, (long) rows * cols, h);
    }
}
