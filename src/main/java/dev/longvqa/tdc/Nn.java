package dev.longvqa.tdc;

import ai.djl.ndarray.NDArray;
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
        return scores.softmax(-1).matMul(v);
    }

    /** F.normalize(x, dim=-1): x / max(||x||, 1e-12). */
    static NDArray l2normalize(NDArray x) {
        return x.div(x.norm(new int[]{-1}, true).maximum(1e-12f));
    }
}
