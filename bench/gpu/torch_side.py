#!/usr/bin/python3
"""PyTorch-eager side of bench/gpu/run.sh, and the writer of the weights both sides use.

    python3 bench/gpu/torch_side.py WORK SHAPES DEVICE > torch.json

SHAPES: "full" (TDC's real sizes: SigLIP-so400m-shaped tower at 384 px, the SVA projector and
the bert-base Q-Former at TDC-Qwen2-7B's width 3584, and a Qwen2-0.5B-shaped decoder) or "smoke"
(tiny versions of all of them, for the CPU fallback CI runs). DEVICE: cuda or cpu.
Writes into WORK: tdc.safetensors (projector + Q-Former, under the checkpoint's names), tower.pt,
tower-half.pt and tower-bf16.pt (TorchScript, float32 / float16 / bfloat16 inside, float32 in and out), llm/ (config.json +
model.safetensors of a Qwen2-style decoder), then times the same modules in eager mode and prints
one JSON object. Random weights, fixed seeds; the modules are the project's golden ones
(tools/golden), not copies of the reference.
"""
import json
import math
import os
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "golden"))
import tdc_golden as g  # noqa: E402
import llm_golden as lg  # noqa: E402

SHAPES = {
    # tower: (size, patch, dim, heads, layers); tdc: Q-Former + SVA; llm: Qwen2 config; frames per batch
    "full": dict(tower=(384, 14, 1152, 16, 27), q=(768, 12, 12, 3072, 30522), width=3584, towers=(1152, 1024),
                 vision_hidden=1024, depth=3, side=24, qside=12, k=16, text=8, batch=8,
                 llm=dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                          num_key_value_heads=2, vocab_size=151936), prompt=1024, new=64),
    "smoke": dict(tower=(32, 8, 16, 2, 2), q=(32, 4, 2, 48, 40), width=24, towers=(16, 16),
                  vision_hidden=32, depth=2, side=4, qside=2, k=3, text=5, batch=4,
                  llm=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                           num_key_value_heads=2, vocab_size=64), prompt=32, new=8),
}


def timed(fn, sync, reps):
    fn()
    sync()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    sync()
    return (time.perf_counter() - t0) / reps


class Half(torch.nn.Module):
    """float32 in and out, the given dtype inside: how a half-precision tower is exported for Java."""

    def __init__(self, m, dtype):
        super().__init__()
        self.m = m.to(dtype)
        self.dtype = dtype

    def forward(self, x):
        return self.m(x.to(self.dtype)).float()


def qwen2_generate(cfg, W, ids, new, dtype, dev):
    """Greedy generation with a KV cache, Qwen2 equations (q/k/v biases, RoPE, GQA, SwiGLU, RMSNorm)."""
    H, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = H // nh
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, hd, 2, device=dev, dtype=torch.float32) / hd))
    cache = [None] * cfg["num_hidden_layers"]

    def rms(x, w):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + cfg["rms_norm_eps"])).to(dtype) * w

    def rope(x, pos):
        f = pos[:, None].float() * inv[None]
        cos, sin = torch.cat([f.cos(), f.cos()], -1).to(dtype), torch.cat([f.sin(), f.sin()], -1).to(dtype)
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def step(tok, start):
        n = tok.shape[0]
        pos = torch.arange(start, start + n, device=dev)
        x = W["model.embed_tokens.weight"][tok]
        for i in range(cfg["num_hidden_layers"]):
            p = f"model.layers.{i}."
            h = rms(x, W[p + "input_layernorm.weight"])
            q = F.linear(h, W[p + "self_attn.q_proj.weight"], W[p + "self_attn.q_proj.bias"]).view(n, nh, hd).transpose(0, 1)
            k = F.linear(h, W[p + "self_attn.k_proj.weight"], W[p + "self_attn.k_proj.bias"]).view(n, nkv, hd).transpose(0, 1)
            v = F.linear(h, W[p + "self_attn.v_proj.weight"], W[p + "self_attn.v_proj.bias"]).view(n, nkv, hd).transpose(0, 1)
            q, k = rope(q, pos), rope(k, pos)
            if cache[i] is not None:
                k, v = torch.cat([cache[i][0], k], 1), torch.cat([cache[i][1], v], 1)
            cache[i] = (k, v)
            rep = nh // nkv
            kk, vv = k.repeat_interleave(rep, 0), v.repeat_interleave(rep, 0)
            s = q @ kk.transpose(-1, -2) / math.sqrt(hd)
            if n > 1:  # prefill from position 0: causal mask
                s = s + torch.full((n, n), float("-inf"), device=dev, dtype=s.dtype).triu(1)[None]
            a = (s.float().softmax(-1).to(dtype) @ vv).transpose(0, 1).reshape(n, H)
            x = x + F.linear(a, W[p + "self_attn.o_proj.weight"])
            h = rms(x, W[p + "post_attention_layernorm.weight"])
            x = x + F.linear(F.silu(F.linear(h, W[p + "mlp.gate_proj.weight"])) * F.linear(h, W[p + "mlp.up_proj.weight"]),
                             W[p + "mlp.down_proj.weight"])
        x = rms(x[-1:], W["model.norm.weight"])
        return F.linear(x, W.get("lm_head.weight", W["model.embed_tokens.weight"])).argmax(-1)

    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    sync()
    t0 = time.perf_counter()
    nxt = step(ids, 0)
    sync()
    t1 = time.perf_counter()
    pos = ids.shape[0]
    for _ in range(new - 1):
        nxt = step(nxt, pos)
        pos += 1
    sync()
    t2 = time.perf_counter()
    return ids.shape[0] / (t1 - t0), (new - 1) / (t2 - t1)


def main(work, shapes, device):
    s = SHAPES[shapes]
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    dev = torch.device(device)
    torch.manual_seed(7)
    # ---- TDC projector + Q-Former
    hid, heads, layers, inter, vocab = s["q"]

    class C(g.Cfg):
        pass
    C.hidden, C.heads, C.layers, C.intermediate, C.vocab, C.max_pos, C.encoder_width = \
        hid, heads, layers, inter, vocab, 512, s["width"]
    c = C()
    m = g.Model(c, list(s["towers"]), s["vision_hidden"], s["depth"], s["width"], s["side"] // s["qside"]).eval()
    g.randomize(m)
    g.save_safetensors(work / "tdc.safetensors", {"model." + n: p for n, p in m.state_dict().items()})
    # ---- tower
    size, patch, dim, th, tl = s["tower"]
    tower = g.TinyVit(size, patch, dim, th, tl).eval()
    g.randomize(tower)
    with torch.no_grad():
        ex = torch.randn(1, 3, size, size)
        torch.jit.trace(tower, ex).save(str(work / "tower.pt"))
        # float16 inside needs the GPU's kernels to trace; on the CPU the same graph stays float32.
        half = torch.float16 if device == "cuda" else torch.float32
        torch.jit.trace(Half(tower_copy(tower, size, patch, dim, th, tl).to(dev), half), ex.to(dev)).save(str(work / "tower-half.pt"))
        # bfloat16 inside (the reference's type for the towers); the CPU has bfloat16 kernels too.
        torch.jit.trace(Half(tower_copy(tower, size, patch, dim, th, tl).to(dev), torch.bfloat16), ex.to(dev)).save(
            str(work / "tower-bf16.pt"))
    # ---- LLM
    cfg = dict(model_type="qwen2", architectures=["Qwen2ForCausalLM"], hidden_act="silu", rms_norm_eps=1e-6,
               rope_theta=1000000.0, max_position_embeddings=32768, tie_word_embeddings=True, torch_dtype="bfloat16",
               bos_token_id=0, eos_token_id=1, **s["llm"])
    W = llm_weights(cfg)
    (work / "llm").mkdir(exist_ok=True)
    lg.write_safetensors(str(work / "llm" / "model.safetensors"), W, torch.bfloat16)
    (work / "llm" / "config.json").write_text(json.dumps(cfg, indent=1))

    # ---- eager timings
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    reps = 3 if shapes == "full" else 2
    b = s["batch"]
    out = {"torch": torch.__version__, "device": str(dev), "shapes": shapes,
           "gpu": torch.cuda.get_device_name(0) if dev.type == "cuda" else None, "frames_per_batch": b}
    # bf16 on the CPU too (slow kernels, tiny shapes): the CPU fallback exercises every path the GPU run takes.
    dtypes = [("fp32", torch.float32)] + ([("fp16", torch.float16)] if dev.type == "cuda" else []) + [("bf16", torch.bfloat16)]
    ids = torch.tensor([[101] + [3 + (i * 37) % 120 for i in range(s["text"] - 2)] + [102]], device=dev) % vocab
    with torch.inference_mode():
        for name, dt in dtypes:
            if dev.type == "cuda":
                torch.cuda.reset_peak_memory_stats()
            tw = tower_copy(tower, size, patch, dim, th, tl).to(dev, dt)
            mm = g.Model(c, list(s["towers"]), s["vision_hidden"], s["depth"], s["width"], s["side"] // s["qside"])
            mm.load_state_dict(m.state_dict())
            mm = mm.to(dev, dt).eval()
            px = torch.randn(b, 3, size, size, device=dev, dtype=dt)
            tw_s = timed(lambda: tw(px), sync, reps)
            towers = [torch.randn(b, s["side"] ** 2, d, device=dev, dtype=dt) for d in s["towers"]]
            proj_s = timed(lambda: g.project_frames(mm, towers, s["side"], s["qside"]), sync, reps)
            frames = g.with_newlines(mm, g.project_frames(mm, towers, s["side"], s["qside"]), s["qside"], s["qside"])
            static = frames[0]
            q_s = timed(lambda: g.qformer_compress(mm, c, static, frames, ids, s["k"]), sync, reps)
            ldt = dt
            Wd = {k: v.to(dev, ldt) for k, v in W.items()}
            prompt = torch.arange(s["prompt"], device=dev) % cfg["vocab_size"]
            pre, dec = qwen2_generate(cfg, Wd, prompt, s["new"], ldt, dev)
            pre, dec = qwen2_generate(cfg, Wd, prompt, s["new"], ldt, dev)  # second run: warm
            out[name] = {"tower_ms_per_frame": 1000 * tw_s / b, "projector_ms_per_frame": 1000 * proj_s / b,
                         "qformer_ms_per_frame": 1000 * q_s / b, "prefill_tok_s": pre, "decode_tok_s": dec,
                         "peak_gpu_mb": torch.cuda.max_memory_allocated() / 2 ** 20 if dev.type == "cuda" else None}
            del Wd, tw, mm
    print(json.dumps(out))


def tower_copy(tower, size, patch, dim, heads, layers):
    t = g.TinyVit(size, patch, dim, heads, layers).eval()
    t.load_state_dict(tower.state_dict())
    return t


def llm_weights(cfg):
    torch.manual_seed(11)
    H, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = H // nh
    W = {"model.embed_tokens.weight": 0.02 * torch.randn(V, H), "model.norm.weight": 1 + 0.1 * torch.randn(H)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        W[p + "input_layernorm.weight"] = 1 + 0.1 * torch.randn(H)
        W[p + "post_attention_layernorm.weight"] = 1 + 0.1 * torch.randn(H)
        for n, rows in (("q", nh * hd), ("k", nkv * hd), ("v", nkv * hd)):
            W[p + f"self_attn.{n}_proj.weight"] = torch.randn(rows, H) / math.sqrt(H)
            W[p + f"self_attn.{n}_proj.bias"] = 0.1 * torch.randn(rows)
        W[p + "self_attn.o_proj.weight"] = torch.randn(H, nh * hd) / math.sqrt(nh * hd)
        W[p + "mlp.gate_proj.weight"] = torch.randn(I, H) / math.sqrt(H)
        W[p + "mlp.up_proj.weight"] = torch.randn(I, H) / math.sqrt(H)
        W[p + "mlp.down_proj.weight"] = torch.randn(H, I) / math.sqrt(I)
    return W


if __name__ == "__main__":
    main(*sys.argv[1:4])
