#!/usr/bin/python3
"""Exports the TDC Q-Former compressor (golden modules, random weights) to ONNX for the ONNX Runtime
side-by-side in bench/tdc/run.sh:  /usr/bin/python3 bench/tdc/onnx_export.py OUT.onnx HIDDEN HEADS LAYERS WIDTH KEYS K TEXT

Inputs: statics (B, KEYS, WIDTH), frames (B, KEYS, WIDTH), ids (1, TEXT) int64; output (B, K, WIDTH).
The plain (projected keys/values) cross-attention, as the reference computes it; the pooling is a
constant (K, KEYS) matrix (ONNX has no adaptive pooling to a size that does not divide the input).
"""
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "golden"))
import tdc_golden as g  # noqa: E402


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


def main(out, hidden, heads, layers, width, keys, k, text):
    class C(g.Cfg):
        pass
    C.hidden, C.heads, C.layers, C.intermediate, C.vocab, C.max_pos, C.encoder_width = \
        hidden, heads, layers, 4 * hidden, 30522, 512, width
    m = Compressor(C(), width, keys, k).eval()
    b = 2
    args = (torch.randn(b, keys, width), torch.randn(b, keys, width), torch.arange(text).view(1, text) + 100)
    torch.onnx.export(m, args, out, input_names=["statics", "frames", "ids"], output_names=["out"],
                      dynamic_axes={"statics": {0: "b"}, "frames": {0: "b"}, "out": {0: "b"}}, opset_version=14)


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:9]))
