#!/usr/bin/env python3
"""Checks that a Java-written prompt_embeds tensor loads the way vLLM loads it.

  prompt_embeds_check.py FILE...            each FILE holds torch.save bytes
  prompt_embeds_check.py --base64 FILE...   each FILE holds the base64 text sent as "prompt_embeds"
  prompt_embeds_check.py --write-golden DIR
        writes the golden torch.save files (and golden.json describing them) that the Java
        tests read without torch: src/test/resources/golden/reason/

Prints one JSON line per file: dtype, shape, and the values as float32 (row-major). Exit 1 if a
file is not a single dense 2-D tensor loadable with weights_only=True. (Several files per run
because importing torch costs seconds.)
"""
import base64
import io
import json
import os
import sys

import torch


def load_like_vllm(data: bytes):
    # vLLM: torch.load(io.BytesIO(pybase64.b64decode(embed)), weights_only=True, map_location="cpu")
    return torch.load(io.BytesIO(data), weights_only=True, map_location=torch.device("cpu"))


def describe(t):
    return {
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "values": t.to(torch.float32).reshape(-1).tolist(),
    }


def write_golden(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    cases = {
        # contiguous float32: the Java writer must produce the same data.pkl bytes
        "float32_2x3": torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1.0,
        # bfloat16 with values that need rounding to nearest-even
        "bfloat16_3x4": (torch.linspace(-3.3, 7.7, 12, dtype=torch.float32).reshape(3, 4)).to(torch.bfloat16),
        # a transposed view: non-contiguous strides the reader must follow
        "float32_transposed_3x2": (torch.arange(6, dtype=torch.float32).reshape(2, 3) + 10).t(),
    }
    meta = {}
    for name, t in cases.items():
        torch.save(t, os.path.join(out_dir, name + ".pt"))
        meta[name] = describe(t)
    meta["_torch_version"] = torch.__version__
    with open(os.path.join(out_dir, "golden.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def main(argv):
    if len(argv) == 2 and argv[0] == "--write-golden":
        write_golden(argv[1])
        return 0
    b64 = argv[0] == "--base64"
    status = 0
    for path in argv[1:] if b64 else argv:
        with open(path, "rb") as f:
            data = f.read()
        if b64:
            data = base64.b64decode(data)
        t = load_like_vllm(data)
        if not isinstance(t, torch.Tensor) or t.dim() != 2:
            print(json.dumps({"error": "not a 2-D tensor: %r" % type(t)}))
            status = 1
            continue
        print(json.dumps(describe(t)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
