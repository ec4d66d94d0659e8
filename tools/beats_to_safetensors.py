#!/usr/bin/python3
"""One-time conversion of a BEATs checkpoint (the official .pt: {'cfg': dict, 'model': state dict},
e.g. BEATs_iter3_plus_AS2M_finetuned_on_AS2M_cpt2.pt) into the safetensors file the Java encoder
(dev.longvqa.audio.Beats) loads. Tensor names are kept as they are; the cfg goes into the header's
__metadata__ as JSON under "beats_cfg". Needs only torch (Debian: apt install python3-torch):

    /usr/bin/python3 tools/beats_to_safetensors.py BEATs_iter3_plus_AS2M_finetuned_on_AS2M_cpt2.pt beats.safetensors

Both weight-norm spellings of pos_conv are accepted by the loader (weight_g/weight_v of
torch.nn.utils.weight_norm, as the official file has, and parametrizations.weight.original0/1);
nothing is renamed here.
"""
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import safetensors_io  # noqa: E402


def save_safetensors(path, tensors, metadata=None):
    """int16 stays I16, every other tensor is written as F32 (what the Java loader reads)."""
    safetensors_io.save_safetensors(path, {n: t if t.dtype == torch.int16 else t.to(torch.float32) for n, t in tensors.items()},
                                    metadata)


def main(src, dst):
    ckpt = torch.load(src, map_location="cpu")
    cfg, model = ckpt["cfg"], ckpt["model"]
    cfg = {k: v for k, v in cfg.items() if isinstance(v, (int, float, str, bool)) or v is None}
    tensors = {k: v for k, v in model.items() if torch.is_tensor(v) and v.is_floating_point()}
    save_safetensors(dst, tensors, {"beats_cfg": json.dumps(cfg), "format": "pt"})
    print(f"{len(tensors)} tensors, cfg {cfg.get('encoder_layers')} layers x {cfg.get('encoder_embed_dim')} -> {dst}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
