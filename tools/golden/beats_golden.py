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
import math
import subprocess
import sys
from pathlib import Path

import torch
import torchaudio.compliance.kaldi as ta_kaldi

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from beats_to_safetensors import save_safetensors  # noqa: E402

torch.manual_seed(20261207)


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

    # ---- audio tokens per shown frame, following the audios branch of cambrian_arch.py
    # (restated here: 10-s windows, 50 tokens per second, pooling of dropped frames' seconds,
    # zero padding / trimming to 50 per shown frame), then audio_proj
    proj = torch.nn.Linear(cfg["encoder_embed_dim"], 40)
    with torch.no_grad():
        proj.weight.normal_(0, 0.2)
        proj.bias.normal_(0, 0.1)
    tok = {"audio_proj.weight": proj.weight, "audio_proj.bias": proj.bias}
    for name, seconds, total, shown in (("sub", 14.4, 15, [int(i * 15 / 6) for i in range(6)]),
                                        ("pad", 11.3, 13, list(range(13))),
                                        ("trim", 3.5, 2, list(range(2)))):
        x = wave(seconds)
        tok[name + "_pcm"] = (x * 32768).round().to(torch.int16)  # 16-bit samples, as decoded
        tok[name + "_shown"] = torch.tensor(shown, dtype=torch.float32)
        sample_indices = torch.zeros(total, dtype=torch.int16)
        sample_indices[shown] = 1
        wav = x.half().unsqueeze(0)  # the reference's collate stores the wave in half precision
        groups, pending = [], []
        for k in range(0, int(wav.shape[1] / 16000), 10):
            with torch.no_grad():
                emb, _ = model.extract_features(wav[:, 16000 * k:16000 * (k + 10)], feature_only=True)
            part = sample_indices[k:k + 10]
            for idx, flag in enumerate(part):
                t = emb[:, idx * 50:(idx + 1) * 50, :]
                if t.shape[1] == 0:
                    continue
                if t.shape[1] != 50:
                    t = torch.nn.functional.adaptive_avg_pool2d(t, (50, t.shape[2]))
                if flag == 1:
                    if pending:
                        groups.append(torch.nn.functional.adaptive_avg_pool2d(torch.cat(pending, dim=1), (50, t.shape[2])))
                    pending = [t]
                    if idx + 1 < len(part) and part[idx + 1] == 1:
                        groups.append(t)
                        pending = []
                else:
                    pending.append(t)
        if pending:
            groups.append(torch.nn.functional.adaptive_avg_pool2d(torch.cat(pending, dim=1), (50, pending[0].shape[2])))
        seq = torch.cat(groups).flatten(0, 1).unsqueeze(0)
        seq = torch.nn.functional.pad(seq, (0, 0, 0, len(shown) * 50 - seq.size(1), 0, 0), "constant", 0)
        per_frame = seq.reshape(-1, 50, seq.shape[2])
        tok[name + "_tokens"] = per_frame
        with torch.no_grad():
            tok[name + "_projected"] = proj(per_frame)
    save_safetensors(out / "audio_tokens_io.safetensors", tok)
    print("wrote", sorted(p.name for p in out.iterdir()))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
