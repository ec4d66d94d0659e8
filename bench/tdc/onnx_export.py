#!/usr/bin/python3
"""Exports the TDC Q-Former compressor (golden modules) to ONNX with torch: the independent cross-check
of the graph the product builds in Java (tdc.QFormerOnnx; OrtQFormerParityTest compares DJL, this
export and the Java graph), and the optional plain form beside the engines (ORT_PYTHON=1
bench/tdc/run.sh). The product itself never needs it:

    /usr/bin/python3 bench/tdc/onnx_export.py OUT.onnx HIDDEN HEADS LAYERS WIDTH KEYS K TEXT [--absorbed] [--weights W.safetensors]

Inputs: statics (B, KEYS, WIDTH), frames (B, KEYS, WIDTH), ids (1, TEXT) int64; output (B, K, WIDTH).
Cross-attention in one of two forms with the same function:
  plain     (default) the reference's: project every frame token to keys/values (14.8 GFLOP/frame at
            TDC-Qwen2-7B's shapes);
  absorbed  what the Java QFormer ships: fold Wk/Wv into the queries, the same reshapes and GEMMs
            as QFormer.crossAbsorbed (8.1 GFLOP/frame).
The pooling is a constant (K, KEYS) matrix (ONNX has no adaptive pooling to a size that does not
divide the input). --weights also writes the weights under the checkpoint's names (prefix
`model.`, plus a random `model.frame_seg`), so Java's QFormerCompressor loads exactly the same.
Random weights at std 0.02 (seed 7), as a trained BERT's scale, so activations stay realistic.
"""
import argparse
import math
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "golden"))
sys.path.insert(0, str(ROOT / "tools"))
import tdc_golden as g  # noqa: E402
import safetensors_io  # noqa: E402


def absorbed_cross(self, x, frames):
    """QFormer.crossAbsorbed's equations and layout (see the Java comment): per head h,
    scores = (q_h Wk_h) X^T + q_h bk_h, ctx = softmax(scores / sqrt(d)) X Wv_h^T + bv_h."""
    b, k, hidden = x.shape
    h = self.heads
    d = hidden // h
    w = frames.shape[-1]
    wk = self.key.weight.view(h, d, w)
    bk = self.key.bias.view(h, d, 1)
    wv = self.value.weight.view(h, d, w).transpose(1, 2)                     # (H, W, D)
    bv = self.value.bias.view(h, 1, d)
    q = self.query(x).reshape(b * k, h, d).transpose(0, 1)                   # (H, B*K, D)
    qk = q @ wk                                                              # (H, B*K, W)
    qb = q @ bk                                                              # (H, B*K, 1)
    per_frame = qk.reshape(h, b, k, w).transpose(0, 1).reshape(b, h * k, w)
    bias = qb.reshape(h, b, k, 1).transpose(0, 1).reshape(b, h * k, 1)
    scores = (per_frame @ frames.transpose(1, 2) + bias) / math.sqrt(d)      # (B, H*K, T)
    px = scores.softmax(-1) @ frames                                         # (B, H*K, W)
    pxh = px.reshape(b, h, k, w).transpose(0, 1).reshape(h, b * k, w)
    ctx = pxh @ wv + bv                                                      # (H, B*K, D)
    return ctx.reshape(h, b, k, d).permute(1, 2, 0, 3).reshape(b, k, hidden)


class Compressor(nn.Module):
    def __init__(self, c, width, keys, k):
        super().__init__()
        self.Qformer = g.QformerHolder(c)
        self.query_proj, self.vision_proj = nn.Linear(width, c.hidden), nn.Linear(c.hidden, width)
        pool = torch.zeros(k, keys)
        for i in range(k):
            s, e = (i * keys) // k, -((-(i + 1) * keys) // k)
            pool[i, s:e] = 1.0 / (e - s)
        self.register_buffer("pool", pool)
        self.k = k

    def forward(self, statics, frames, ids):
        q = self.query_proj(self.pool @ statics)
        out = self.Qformer.bert(ids.expand(statics.shape[0], -1), q, frames)
        return F.normalize(self.vision_proj(out[:, :self.k]), dim=-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("dims", nargs=7, type=int, metavar="HIDDEN HEADS LAYERS WIDTH KEYS K TEXT")
    ap.add_argument("--absorbed", action="store_true")
    ap.add_argument("--weights")
    a = ap.parse_args()
    hidden, heads, layers, width, keys, k, text = a.dims
    torch.manual_seed(7)

    class C(g.Cfg):
        pass
    C.hidden, C.heads, C.layers, C.intermediate, C.vocab, C.max_pos, C.encoder_width = \
        hidden, heads, layers, 4 * hidden, 30522 if hidden >= 256 else 64, 512, width
    m = Compressor(C(), width, keys, k).eval()
    with torch.no_grad():
        for name, p in m.named_parameters():
            if "LayerNorm" in name:
                p.copy_(1 + 0.1 * torch.randn_like(p) if name.endswith("weight") else 0.1 * torch.randn_like(p))
            else:
                p.normal_(0, 0.02 if hidden >= 256 else 0.2)
    if a.absorbed:
        for layer in m.Qformer.bert.encoder.layer:
            if layer.has_cross:
                s = layer.crossattention.self
                s.forward = absorbed_cross.__get__(s)
    if a.weights:
        tensors = {"model." + n: p.detach().contiguous() for n, p in m.named_parameters()}
        tensors["model.frame_seg"] = torch.randn(width)
        safetensors_io.save_safetensors(a.weights, tensors)
    b = 2
    args = (torch.randn(b, keys, width), torch.randn(b, keys, width), torch.arange(text).view(1, text) + 3)
    torch.onnx.export(m, args, a.out, input_names=["statics", "frames", "ids"], output_names=["out"],
                      dynamic_axes={"statics": {0: "b"}, "frames": {0: "b"}, "out": {0: "b"}}, opset_version=14)


if __name__ == "__main__":
    main()
