package dev.longvqa.tdc;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX graph of {@link QFormerCompressor#compress} with the absorbed cross-attention
 * ({@code QFormer.crossAbsorbed}), built in Java from a TDC checkpoint's tensors, so ONNX Runtime
 * can run the Q-Former with no Python and no export step. Every node mirrors one step of the DJL
 * code (and of {@code bench/tdc/onnx_export.py --absorbed}, the independent torch export), in the
 * same order, so the two engines compute the same function to float32 rounding.
 *
 * <p>Opset 17, the first with {@code LayerNormalization}; GELU is the exact erf form written as
 * torch exports it ({@code x * 0.5 * (1 + erf(x / sqrt 2))}), which ONNX Runtime fuses into one
 * kernel. Weights are float32 initializers ({@code raw_data}); linear weights are stored transposed
 * ({@code (in, out)}) so each projection is a plain MatMul + Add.
 *
 * <p>Inputs: {@code pool} (K, T) the average-pooling matrix ({@link QFormerCompressor#poolMatrix}),
 * {@code statics} and {@code frames} (B, T, W) float32, {@code ids} (1, L) int64, L ≥ 1 (the
 * question's BERT ids; the text graph only). Output {@code out} (B, K, W). B and T are dynamic: T
 * changes with the video's aspect ratio and with audio tokens.
 */
final class QFormerOnnx {
    static final int OPSET = 17;
    /** ONNX IR version 8 is the one opset 17 was released with. */
    static final long IR_VERSION = 8;
    static final String POOL = "pool", STATICS = "statics", FRAMES = "frames", IDS = "ids", OUT = "out";

    private static final String P = QFormer.TENSORS;

    private final TdcWeights file;
    private final String prefix;
    private final int k, heads;
    private final float eps;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("tdc_qformer_absorbed");
    private int counter;

    private QFormerOnnx(TdcWeights file, String prefix, int k, int heads, float eps) {
        this.file = file;
        this.prefix = prefix;
        this.k = k;
        this.heads = heads;
        this.eps = eps;
    }

    /**
     * The serialised model in a direct buffer, which ONNX Runtime reads without another copy (at
     * TDC-Qwen2-7B's sizes the model is ≈ 0.8 GB: the protobuf message is garbage once this
     * returns, the buffer once the session is made). {@code text}: with the question ids input
     * (the TDC path always has them: [CLS] and [SEP] at least); false: the queries alone, as
     * {@code compress(.., null)}.
     */
    static ByteBuffer build(TdcWeights file, String prefix, int k, int heads, float eps, boolean text) throws IOException {
        requireTensors(file, prefix);
        QFormerOnnx b = new QFormerOnnx(file, prefix, k, heads, eps);
        ModelProto model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("longvqa")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(b.compressor(text))
                .build();
        ByteBuffer out = ByteBuffer.allocateDirect(model.getSerializedSize());
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        model.writeTo(coded);
        coded.flush();
        return out.flip();
    }

    /** Fails naming the missing tensors, as the DJL loader does, before any graph is built. */
    private static void requireTensors(TdcWeights file, String prefix) throws IOException {
        boolean[] cross = QFormer.crossLayers(file, prefix);
        List<String> names = new ArrayList<>(List.of("query_proj.weight", "query_proj.bias", "vision_proj.weight",
                "vision_proj.bias", P + "embeddings.word_embeddings.weight", P + "embeddings.position_embeddings.weight",
                P + "embeddings.LayerNorm.weight", P + "embeddings.LayerNorm.bias"));
        for (int i = 0; i < cross.length; i++) {
            String l = P + "encoder.layer." + i + ".";
            List<String> att = new ArrayList<>(List.of("attention."));
            if (cross[i]) att.add("crossattention.");
            for (String a : att) {
                for (String t : List.of("self.query", "self.key", "self.value", "output.dense", "output.LayerNorm")) {
                    names.add(l + a + t + ".weight");
                    names.add(l + a + t + ".bias");
                }
            }
            for (String f : List.of("intermediate.dense", "output.dense", "output.LayerNorm", "intermediate_query.dense",
                    "output_query.dense", "output_query.LayerNorm")) {
                names.add(l + f + ".weight");
                names.add(l + f + ".bias");
            }
        }
        List<String> missing = names.stream().map(n -> prefix + n).filter(n -> !file.contains(n)).toList();
        if (!missing.isEmpty()) {
            throw new IOException(file.path() + " lacks " + missing.size() + " tensors, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())));
        }
    }

    private GraphProto compressor(boolean text) throws IOException {
        boolean[] cross = QFormer.crossLayers(file, prefix);
        long width = file.shape(prefix + "query_proj.weight")[1];
        long hidden = file.shape(prefix + "query_proj.weight")[0];
        if (hidden % heads != 0) throw new IOException("Q-Former width " + hidden + " is not a multiple of " + heads + " heads");
        graph.addInput(valueInfo(POOL, TensorProto.DataType.FLOAT, k, "t"));
        graph.addInput(valueInfo(STATICS, TensorProto.DataType.FLOAT, "b", "t", width));
        graph.addInput(valueInfo(FRAMES, TensorProto.DataType.FLOAT, "b", "t", width));
        if (text) graph.addInput(valueInfo(IDS, TensorProto.DataType.INT64, 1, "l"));

        // queries = query_proj(pool @ statics): (B, K, H)
        String x = linear(op("MatMul", POOL, STATICS), "query_proj");
        if (text) {
            // [queries ; word + position embeddings of the ids, the same for every row]
            String words = op("Gather", weight(P + "embeddings.word_embeddings.weight"), IDS);      // (1, L, H)
            String len = op("Slice", op("Shape", IDS), ints(1), ints(2));                            // [L]
            String pos = op("Slice", weight(P + "embeddings.position_embeddings.weight"), ints(0), len, ints(0));
            String rows = op("Slice", op("Shape", STATICS), ints(0), ints(1));                     // [B]
            String tokens = op("Expand", op("Add", words, pos), op("Concat", List.of(rows, ints(1, 1)), axis(0)));
            x = op("Concat", List.of(x, tokens), axis(1));
        }
        x = layerNorm(x, P + "embeddings.LayerNorm");
        String framesT = op("Transpose", List.of(FRAMES), perm(0, 2, 1));                          // (B, W, T), shared
        for (int i = 0; i < cross.length; i++) {
            String l = P + "encoder.layer." + i + ".";
            String a = selfAttention(x, l + "attention.", hidden);
            String q = text ? op("Slice", a, ints(0), ints(k), ints(1)) : a;
            if (cross[i]) q = crossAbsorbed(q, framesT, l + "crossattention.", hidden, width);
            q = feedForward(q, l + "intermediate_query.dense", l + "output_query.");
            // The text stream only feeds later layers' self-attention: the last layer skips it.
            if (text && i < cross.length - 1) {
                String t = feedForward(op("Slice", a, ints(k), ints(Long.MAX_VALUE), ints(1)), l + "intermediate.dense", l + "output.");
                x = op("Concat", List.of(q, t), axis(1));
            } else {
                x = q;
            }
        }
        // F.normalize(vision_proj(x), dim=-1): x / max(||x||, 1e-12)
        String v = linear(x, "vision_proj");
        String norm = op("ReduceL2", List.of(v), List.of(intsAttr("axes", -1), intAttr("keepdims", 1)));
        String out = op("Div", v, op("Max", norm, scalar(1e-12f)));
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(out).addOutput(OUT));
        graph.addOutput(valueInfo(OUT, TensorProto.DataType.FLOAT, "b", k, width));
        return graph.build();
    }

    /** BERT self-attention over all tokens, then output dense + residual + LayerNorm (Nn.attention's order). */
    private String selfAttention(String x, String p, long hidden) throws IOException {
        long d = hidden / heads;
        String q = op("Transpose", List.of(op("Reshape", linear(x, p + "self.query"), ints(0, 0, heads, d))), perm(0, 2, 1, 3));
        String kt = op("Transpose", List.of(op("Reshape", linear(x, p + "self.key"), ints(0, 0, heads, d))), perm(0, 2, 3, 1));
        String v = op("Transpose", List.of(op("Reshape", linear(x, p + "self.value"), ints(0, 0, heads, d))), perm(0, 2, 1, 3));
        String scores = op("Div", op("MatMul", q, kt), scalar((float) Math.sqrt(d)));
        String ctx = op("MatMul", op("Softmax", List.of(scores), List.of(intAttr("axis", -1))), v);
        String merged = op("Reshape", op("Transpose", List.of(ctx), perm(0, 2, 1, 3)), ints(0, 0, hidden));
        return layerNorm(op("Add", linear(merged, p + "output.dense"), x), p + "output.LayerNorm");
    }

    /**
     * {@code QFormer.crossAbsorbed}: per head h, scores = (q_h Wk_h) X^T + q_h bk_h and
     * ctx = softmax(scores / sqrt d) X Wv_h^T + bv_h, with the same reshapes, so every product is
     * one GEMM per head or per frame.
     */
    private String crossAbsorbed(String x, String framesT, String p, long hidden, long width) throws IOException {
        long d = hidden / heads;
        String wk = tensor(p + "self.key.weight", false, heads, d, width);                           // (H, D, W)
        String bk = tensor(p + "self.key.bias", false, heads, d, 1);                                 // (H, D, 1)
        String wv = tensor(p + "self.value.weight", true, heads, width, d);                          // (H, W, D)
        String bv = tensor(p + "self.value.bias", false, heads, 1, d);                               // (H, 1, D)
        String q = op("Transpose", List.of(op("Reshape", linear(x, p + "self.query"), ints(-1, heads, d))), perm(1, 0, 2)); // (H, B*K, D)
        String qk = op("MatMul", q, wk);                                                            // (H, B*K, W)
        String qb = op("MatMul", q, bk);                                                            // (H, B*K, 1)
        String perFrame = op("Reshape", op("Transpose", List.of(op("Reshape", qk, ints(heads, -1, k, width))), perm(1, 0, 2, 3)),
                ints(-1, (long) heads * k, width));                                                 // (B, H*K, W)
        String bias = op("Reshape", op("Transpose", List.of(op("Reshape", qb, ints(heads, -1, k, 1))), perm(1, 0, 2, 3)),
                ints(-1, (long) heads * k, 1));
        String scores = op("Div", op("Add", op("MatMul", perFrame, framesT), bias), scalar((float) Math.sqrt(d))); // (B, H*K, T)
        String px = op("MatMul", op("Softmax", List.of(scores), List.of(intAttr("axis", -1))), FRAMES);          // (B, H*K, W)
        String pxh = op("Reshape", op("Transpose", List.of(op("Reshape", px, ints(-1, heads, k, width))), perm(1, 0, 2, 3)),
                ints(heads, -1, width));                                                            // (H, B*K, W)
        String ctx = op("Add", op("MatMul", pxh, wv), bv);                                          // (H, B*K, D)
        String merged = op("Reshape", op("Transpose", List.of(op("Reshape", ctx, ints(heads, -1, k, d))), perm(1, 2, 0, 3)),
                ints(-1, k, hidden));
        return layerNorm(op("Add", linear(merged, p + "output.dense"), x), p + "output.LayerNorm");
    }

    private String feedForward(String x, String in, String out) throws IOException {
        String h = linear(x, in);
        // exact GELU, torch's export pattern (ONNX Runtime's GeluFusion matches it)
        String erf = op("Erf", op("Div", h, scalar((float) Math.sqrt(2.0))));
        String gelu = op("Mul", op("Mul", h, op("Add", erf, scalar(1f))), scalar(0.5f));
        return layerNorm(op("Add", linear(gelu, out + "dense"), x), out + "LayerNorm");
    }

    /** torch.nn.Linear: x W^T + b, W stored transposed. */
    private String linear(String x, String name) throws IOException {
        long[] s = file.shape(prefix + name + ".weight");
        return op("Add", op("MatMul", x, tensor(name + ".weight", true, s[1], s[0])), weight(name + ".bias"));
    }

    private String layerNorm(String x, String name) throws IOException {
        return op("LayerNormalization", List.of(x, weight(name + ".weight"), weight(name + ".bias")),
                List.of(intAttr("axis", -1), floatAttr("epsilon", eps)));
    }

    // --- graph plumbing ---

    /** A checkpoint tensor as it is stored. */
    private String weight(String name) throws IOException {
        return tensor(name, false, file.shape(prefix + name));
    }

    /**
     * A checkpoint tensor as a float32 initializer of shape {@code dims}: {@code transposed} reads
     * a 2-D (rows, cols) tensor as (cols, rows), or each (D, W) block of a (H*D, W) one as (W, D).
     */
    private String tensor(String name, boolean transposed, long... dims) throws IOException {
        float[] v = file.floats(prefix + name);
        long n = 1;
        for (long dim : dims) n *= dim;
        if (n != v.length) throw new IOException(prefix + name + " has " + v.length + " values, expected " + n);
        if (transposed) {
            int blocks = dims.length == 3 ? (int) dims[0] : 1;
            int rows = (int) dims[dims.length - 1], cols = (int) dims[dims.length - 2]; // source (rows, cols) per block
            float[] t = new float[v.length];
            for (int b = 0, off = 0; b < blocks; b++, off += rows * cols) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) t[off + c * rows + r] = v[off + r * cols + c];
                }
            }
            v = t;
        }
        return floats(name + (transposed ? ".T" : ""), v, dims);
    }

    private String floats(String name, float[] v, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(v);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addAllDims(boxed(dims)).setRawData(UnsafeByteOperations.unsafeWrap(raw.array())));
        return name;
    }

    private String scalar(float v) {
        return floats("c" + counter++, new float[]{v});
    }

    /** A 1-D int64 constant (shapes, slice bounds). */
    private String ints(long... v) {
        ByteBuffer raw = ByteBuffer.allocate(v.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(v);
        String name = "i" + counter++;
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(v.length).setRawData(UnsafeByteOperations.unsafeWrap(raw.array())));
        return name;
    }

    private String op(String type, String... inputs) {
        return op(type, List.of(inputs), List.of());
    }

    private String op(String type, List<String> inputs, AttributeProto attr) {
        return op(type, inputs, List.of(attr));
    }

    private String op(String type, List<String> inputs, List<AttributeProto> attrs) {
        String out = type.toLowerCase(java.util.Locale.ROOT) + "_" + counter++;
        graph.addNode(NodeProto.newBuilder().setOpType(type).setName(out).addAllInput(inputs).addOutput(out).addAllAttribute(attrs));
        return out;
    }

    private static AttributeProto axis(long v) {
        return intAttr("axis", v);
    }

    private static AttributeProto perm(long... v) {
        return intsAttr("perm", v);
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS).addAllInts(boxed(v)).build();
    }

    private static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    /** A graph input or output: dims are numbers or names of dynamic dimensions. */
    static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) dim.setDimParam(s);
            else dim.setDimValue(((Number) d).longValue());
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))).build();
    }

    private static List<Long> boxed(long[] v) {
        List<Long> l = new ArrayList<>(v.length);
        for (long x : v) l.add(x);
        return l;
    }
}
