#!/usr/bin/python3
"""Golden files for the Java audio path (dev.longvqa.audio): the Kaldi fbank (torchaudio's own
implementation) and a tiny random-weight BEATs run through the REFERENCE code itself -- the
BEATs modules of Hoar012/TDC-Video (tdc/audio_models/beats), imported from a checkout given on the
command line and never copied here -- saved in the official checkpoint format ({'cfg', 'model'})
and converted with tools/beats_to_safetensors.py, as a user would. Debian's torch 1.13 lacks
torch.nn.utils.parametrizations.weight_norm (torch >= 2.1), which the reference's TDC copy calls;
the classic torch.nn.utils.weight_norm stands in (same equation, the official checkpoint's
weight_g/weight_v names). Run:

    /usr/bin/python3 tools/golden/beats_golden.py /path/to/TDC-Video src/test/resources/golden/audio
"""
import json
import math
import struct
import subprocess
import sys
from pathlib import Path

import torch
import torchaudio.compliance.kaldi as ta_kaldi

torch.manual_seed(20261207)


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def wave(seconds, rate=16000):
    """Speech-like test signal: a few harmonics with a moving pitch, bursts, and noise."""
    t = torch.arange(int(seconds * rate), dtype=torch.float64) / rate
    f0 = 140 + 40 * torch.sin(2 * math.pi * 0.7 * t)
    phase = 2 * math.pi * torch.cumsum(f0, 0) / rate
    x = sum(0.3 / k * torch.sin(k * phase) for k in range(1, 6))
    x = x * (0.5 + 0.5 * torch.sin(2 * math.pi * 1.3 * t).clamp(min=0))
    x = x + 0.02 * torch.randn(len(t), dtype=torch.float64)
    x[int(0.4 * rate):int(0.6 * rate)] = 0  # digital silence: the log floor
    # quantised to 16 bit, as decoded audio is
    return (x.clamp(-1, 1) * 32767).round().to(torch.float32) / 32768


def main(ref, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # ---- fbank: torchaudio, with BEATs.preprocess's arguments and normalisation
    w = wave(2.37)
    fb = ta_kaldi.fbank(w.unsqueeze(0) * 2 ** 15, num_mel_bins=128, sample_frequency=16000, frame_length=25, frame_shift=10)
    save_safetensors(out / "fbank_io.safetensors", {"wave": w, "fbank": fb, "beats_input": (fb - 15.41663) / (2 * 6.55582)})

    # ---- BEATs: the reference modules, tiny config, random weights
    torch.nn.utils.parametrizations.weight_norm = torch.nn.utils.weight_norm
    sys.path.insert(0, str(Path(ref) / "tdc" / "audio_models"))
    from beats.BEATs import BEATs, BEATsConfig
    cfg = {"input_patch_size": 16, "embed_dim": 48, "conv_bias": False, "encoder_layers": 2, "encoder_embed_dim": 64,
           "encoder_ffn_embed_dim": 96, "encoder_attention_heads": 4, "activation_fn": "gelu", "layer_norm_first": False,
           "deep_norm": True, "dropout": 0.0, "attention_dropout": 0.0, "activation_dropout": 0.0, "encoder_layerdrop": 0.0,
           "dropout_input": 0.0, "conv_pos": 16, "conv_pos_groups": 4, "relative_position_embedding": True,
           "num_buckets": 320, "max_distance": 800, "gru_rel_pos": True, "finetuned_model": True, "predictor_class": 7}
    model = BEATs(BEATsConfig(cfg)).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("grep_a"):
                p.uniform_(0.5, 1.5)
            elif "layer_norm" in name and name.endswith("weight"):
                p.uniform_(0.8, 1.2)
            elif name.endswith("weight_g"):
                p.uniform_(0.5, 1.5)
            else:
                p.normal_(0, 0.2 if p.dim() > 1 else 0.05)
    pt = out / "beats_tiny.pt"
    torch.save({"cfg": cfg, "model": model.state_dict()}, pt)
    subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / "beats_to_safetensors.py"), str(pt),
                    str(out / "beats_tiny.safetensors")], check=True)
    pt.unlink()  # the conversion is what the Java side reads; the .pt would only duplicate it

    io = {}
    for name, seconds in (("full", 6.0), ("short", 2.5)):
        x = wave(seconds)
        with torch.no_grad():
            feats, _ = model.extract_features(x.unsqueeze(0), padding_mask=torch.zeros(1, len(x), dtype=torch.bool), feature_only=True)
        io[name + "_wave"] = x
        io[name + "_features"] = feats[0]
    save_safetensors(out / "beats_tiny_io.safetensors", io)
    print("wrote", sorted(p.name for p in out.iterdir()))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
