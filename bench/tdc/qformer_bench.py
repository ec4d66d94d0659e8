#!/usr/bin/python3
"""PyTorch side of the Q-Former compression benchmark (same shapes as dev.longvqa.tdc.TdcBench).

    /usr/bin/python3 bench/tdc/qformer_bench.py HIDDEN HEADS LAYERS WIDTH KEYS K BATCH...
"""
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "golden"))
import tdc_golden as g  # noqa: E402


def main(argv):
    hidden, heads, layers, width, keys, k = map(int, argv[:6])
    batches = [int(b) for b in argv[6:]]
    torch.set_num_threads(int(__import__("os").environ.get("THREADS", "2")))

    class C(g.Cfg):
        pass
    C.hidden, C.heads, C.layers, C.intermediate, C.vocab, C.max_pos, C.encoder_width = \
        hidden, heads, layers, 4 * hidden, 128, 512, width
    q = g.QformerHolder(C()).eval()
    query_proj, vision_proj = nn.Linear(width, hidden), nn.Linear(hidden, width)
    m = nn.Module()
    m.Qformer, m.query_proj, m.vision_proj = q, query_proj, vision_proj
    text = int(__import__("os").environ.get("TEXT", "8"))
    # the same ids as TdcBench: [CLS] ... [SEP]
    ids = torch.tensor([[101 if i == 0 else 102 if i == text - 1 else 3 + (i * 37) % 120 for i in range(text)]])
    print(f"pytorch-{torch.__version__} threads={torch.get_num_threads()} hidden={hidden} heads={heads} "
          f"layers={layers} width={width} keys={keys} k={k} text={text}")
    with torch.inference_mode():
        for b in batches:
            statics, frames = torch.randn(b, keys, width), torch.randn(b, keys, width)
            # compress() in the golden script takes one static frame per chunk; batch rows here
            # carry their own static frame like the Java ContextBuilder does.
            def run():
                pooled = torch.nn.functional.adaptive_avg_pool1d(statics.permute(0, 2, 1), k).permute(0, 2, 1)
                out = q.bert(ids.expand(b, -1), query_proj(pooled), frames)
                return torch.nn.functional.normalize(vision_proj(out[:, :k]), dim=-1)
            run()
            reps = max(1, int(__import__("os").environ.get("FRAMES", "56")) // b)
            t0 = time.perf_counter()
            for _ in range(reps):
                run()
            ms = (time.perf_counter() - t0) * 1000 / reps / b
            print(f"batch={b} ms_per_frame={ms:.2f} frames_per_s={1000 / ms:.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
