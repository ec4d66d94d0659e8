package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

/** The few layer equations the TDC modules share, over checkpoint parameters. */
final class Nn {
    private Nn() {}

    /** torch.nn.Linear: {@code x W^T + b}; {@code bias} may be null. */
    static NDArray linear(NDArray x, Parameter weight, Parameter bias) {
        return bias == null ? Linear.linear(x, weight.getArray()).singletonOrThrow()
                : Linear.linear(x, weight.getArray(), bias.getArray()).singletonOrThrow();
    }

    static NDArray layerNorm(NDArray x, Parameter gamma, Parameter beta, float eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)),
                gamma.getArray(), beta.getArray(), eps).singletonOrThrow();
    }

    /** Exact (erf) GELU, as torch.nn.GELU() and BERT's "gelu". */
    static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /** (B, N, H*D) -> (B, H, N, D) */
    static NDArray heads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** (B, H, N, D) -> (B, N, H*D) */
    static NDArray merge(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /** softmax(q k^T / sqrt(d) + mask) v over split heads; {@code additiveMask} broadcasts or is null. */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray additiveMask) {
        long d = q.getShape().get(q.getShape().dimension() - 1);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(d));
        if (additiveMask != null) scores = scores.add(additiveMask);
        return softmax(scores).matMul(v);
    }

    /**
     * Softmax over the last axis. A bfloat16 array goes through float32 and back: DJL's softmax
     * would hand the JNI a type it cannot name and abort the process ({@link Bfloat16}); PyTorch's
     * bfloat16 softmax accumulates in float32 too.
     */
    static NDArray softmax(NDArray x) {
        if (!Bfloat16.is(x)) return x.softmax(-1);
        try (NDArray wide = x.toType(DataType.FLOAT32, false); NDArray p = wide.softmax(-1)) {
            return Bfloat16.of(p);
        }
    }

    /** {@code x} in {@code type} (itself when it already is); bfloat16 through {@link Bfloat16}. */
    static NDArray cast(NDArray x, DataType type) {
        if (type == DataType.BFLOAT16) return Bfloat16.of(x);
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    /** F.normalize(x, dim=-1): x / max(||x||, 1e-12). */
    static NDArray l2normalize(NDArray x) {
        return x.div(x.norm(new int[]{-1}, true).maximum(1e-12f));
    }
}
