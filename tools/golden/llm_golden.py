#!/usr/bin/env python3
"""Reference goldens for the Java decoder runtime (dev.longvqa.runtime.llm).

Builds two tiny random-weight decoders in PyTorch with the real Hugging Face tensor names, writes
them as checkpoints the way users have them (config.json, safetensors shards + index,
tokenizer.json) and records what a faithful forward pass produces: full logits for a prompt,
an 8-token greedy continuation, and the same with an embedding block spliced between text.

  llama/  Llama-3.2 style: llama3 rope scaling, tied embeddings (no lm_head.weight), GQA,
          two F32 shards with model.safetensors.index.json
  qwen2/  Qwen2 style: q/k/v biases, untied lm_head, rope_theta 1e6, one BF16 file
  smolvlm/ Idefics3 layout: the llama/ decoder under model.text_model.* with lm_head.weight, a tiny
          SigLIP tower (model.vision_model.*) and the pixel-shuffle connector; image tokens,
          logits and greedy tokens for a prompt with the image spliced in

The modeling code below is written from the published math of HF modeling_llama / modeling_qwen2
(RMSNorm in float32, rotate_half RoPE, repeat_kv GQA, SwiGLU); the transformers package is not
needed. Run with Debian's python3-torch (1.13):  /usr/bin/python3 tools/golden/llm_golden.py
"""
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import safetensors_io  # noqa: E402  (tools/safetensors_io.py)

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "golden", "llm")

WORDS = ("the a man woman dog cat walks runs sits on in under table street park red blue green "
         "big small video frame scene shows what is happening why where who when then and "
         "camera moves left right up down people car house tree sky water light dark yes no").split()


# ---------------------------------------------------------------- model math (HF semantics)

def rms_norm(x, w, eps):
    dtype = x.dtype
    x = x.float()
    var = x.pow(2).mean(-1, keepdim=True)
    x = x * torch.rsqrt(var + eps)
    return w * x.to(dtype)


def inv_frequencies(cfg):
    head_dim = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    base = cfg["rope_theta"]
    inv = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    rs = cfg.get("rope_scaling")
    if rs and (rs.get("rope_type") or rs.get("type")) == "llama3":
        factor = rs["factor"]
        low, high = rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        low_wl, high_wl = old / low, old / high
        wavelen = 2 * math.pi / inv
        inv_l = torch.where(wavelen > low_wl, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
        medium = ~(wavelen < high_wl) * ~(wavelen > low_wl)
        inv = torch.where(medium, smoothed, inv_l)
    elif rs and (rs.get("rope_type") or rs.get("type")) == "linear":
        inv = inv / rs["factor"]
    return inv


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, W, embeds):
    """embeds: [T, hidden] float32 -> logits [T, vocab]. No cache: the reference is the plain pass."""
    T = embeds.shape[0]
    H, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or H // nh
    eps = cfg["rms_norm_eps"]
    pos = torch.arange(T).float()
    freqs = torch.outer(pos, inv_frequencies(cfg))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.full((T, T), float("-inf")).triu(1)
    x = embeds
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)

        def proj(name):
            return torch.nn.functional.linear(h, W[p + f"self_attn.{name}.weight"], W.get(p + f"self_attn.{name}.bias"))

        q = proj("q_proj").view(T, nh, hd).transpose(0, 1)
        k = proj("k_proj").view(T, nkv, hd).transpose(0, 1)
        v = proj("v_proj").view(T, nkv, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=0)  # repeat_kv
        v = v.repeat_interleave(nh // nkv, dim=0)
        att = (q @ k.transpose(1, 2)) / math.sqrt(hd) + mask
        att = torch.softmax(att.float(), dim=-1)
        o = (att @ v).transpose(0, 1).reshape(T, nh * hd)
        x = x + torch.nn.functional.linear(o, W[p + "self_attn.o_proj.weight"])
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        g = torch.nn.functional.linear(h, W[p + "mlp.gate_proj.weight"])
        u = torch.nn.functional.linear(h, W[p + "mlp.up_proj.weight"])
        x = x + torch.nn.functional.linear(torch.nn.functional.silu(g) * u, W[p + "mlp.down_proj.weight"])
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else W["lm_head.weight"]
    return x @ head.T


def greedy(cfg, W, prefix_embeds, n):
    out = []
    x = prefix_embeds
    for _ in range(n):
        last = forward(cfg, W, x)[-1]
        top2 = last.topk(2).values
        # A near-tie would make "greedy tokens match exactly" depend on float rounding: refuse it.
        assert float(top2[0] - top2[1]) > 1e-3, "greedy near-tie; pick another seed"
        nxt = int(last.argmax())
        out.append(nxt)
        x = torch.cat([x, W["model.embed_tokens.weight"][nxt].unsqueeze(0)], 0)
    return out


# ---------------------------------------------------------------- files users have

def write_safetensors(path, tensors, dtype):
    """Every tensor as `dtype`, with the {"format": "pt"} metadata transformers writes."""
    safetensors_io.save_safetensors(path, tensors, {"format": "pt"}, cast=dtype)


def tokenizer_json(specials):
    """A WordLevel tokenizer: special tokens first, then the word list, split on whitespace."""
    vocab = {}
    for s in specials + ["<unk>"] + WORDS:
        vocab[s] = len(vocab)
    added = [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for s in specials + ["<unk>"]]
    return vocab, {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
        "normalizer": None, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None,
        "decoder": None, "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"},
    }


def encode(vocab, text):
    return [vocab[w] for w in text.split()]


def build(name, cfg, specials, dtype, shards, seed, embed_scale=1.0):
    torch.manual_seed(seed)
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    vocab, tok = tokenizer_json(specials)
    cfg["vocab_size"] = 64
    assert len(vocab) <= cfg["vocab_size"]
    H, I = cfg["hidden_size"], cfg["intermediate_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or H // nh
    qwen = cfg["model_type"] == "qwen2"
    W = {"model.embed_tokens.weight": embed_scale * torch.randn(cfg["vocab_size"], H)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        W[p + "input_layernorm.weight"] = 1 + 0.1 * torch.randn(H)
        W[p + "self_attn.q_proj.weight"] = torch.randn(nh * hd, H) / math.sqrt(H)
        W[p + "self_attn.k_proj.weight"] = torch.randn(nkv * hd, H) / math.sqrt(H)
        W[p + "self_attn.v_proj.weight"] = torch.randn(nkv * hd, H) / math.sqrt(H)
        if qwen:
            for n in ("q", "k", "v"):
                W[p + f"self_attn.{n}_proj.bias"] = 0.1 * torch.randn(W[p + f"self_attn.{n}_proj.weight"].shape[0])
        W[p + "self_attn.o_proj.weight"] = torch.randn(H, nh * hd) / math.sqrt(nh * hd)
        W[p + "post_attention_layernorm.weight"] = 1 + 0.1 * torch.randn(H)
        W[p + "mlp.gate_proj.weight"] = torch.randn(I, H) / math.sqrt(H)
        W[p + "mlp.up_proj.weight"] = torch.randn(I, H) / math.sqrt(H)
        W[p + "mlp.down_proj.weight"] = torch.randn(H, I) / math.sqrt(I)
    W["model.norm.weight"] = 1 + 0.1 * torch.randn(H)
    if not cfg["tie_word_embeddings"]:
        W["lm_head.weight"] = torch.randn(cfg["vocab_size"], H) / math.sqrt(H)
    # What Java reads back is the stored dtype widened to float32: compute the reference on that.
    W = {k: v.to(dtype).float() for k, v in W.items()}

    names = list(W)
    if shards == 1:
        write_safetensors(os.path.join(d, "model.safetensors"), W, dtype)
    else:
        per = math.ceil(len(names) / shards)
        weight_map = {}
        for s in range(shards):
            fn = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: W[n] for n in names[s * per:(s + 1) * per]}
            write_safetensors(os.path.join(d, fn), part, dtype)
            weight_map.update({n: fn for n in part})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=1)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        json.dump(tok, f, indent=1)

    text = "the man walks the dog in the park then the camera moves left"
    ids = encode(vocab, text)
    emb = W["model.embed_tokens.weight"]
    logits = forward(cfg, W, emb[ids])
    g = greedy(cfg, W, emb[ids], 8)

    # Embedding block spliced between text, as the TDC context is: a prefix, 5 free vectors, a suffix.
    pre, post = encode(vocab, "video"), encode(vocab, "what is happening")
    block = 0.5 * torch.randn(5, H)
    spliced = torch.cat([emb[pre], block, emb[post]], 0)
    slog = forward(cfg, W, spliced)
    sg = greedy(cfg, W, spliced, 8)

    golden = {
        "text": text, "ids": ids, "logits": logits.tolist(), "greedy": g,
        "spliced": {"prefix_ids": pre, "embeddings": block.tolist(), "suffix_ids": post,
                    "last_logits": slog[-1].tolist(), "greedy": sg},
        "torch": torch.__version__,
    }
    with open(os.path.join(d, "golden.json"), "w") as f:
        json.dump(golden, f)
    print(name, "ids", ids, "greedy", g, "spliced greedy", sg, file=sys.stderr)


LLAMA = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 32,
    "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
    "head_dim": 8, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "max_position_embeddings": 128,
    "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                     "original_max_position_embeddings": 16, "rope_type": "llama3"},
    "tie_word_embeddings": True, "attention_bias": False, "hidden_act": "silu",
    "bos_token_id": 0, "eos_token_id": [3, 1], "torch_dtype": "float32",
}
QWEN2 = {
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
    "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
    "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 128, "rope_scaling": None,
    "tie_word_embeddings": False, "hidden_act": "silu", "use_sliding_window": False,
    "bos_token_id": 0, "eos_token_id": 1, "torch_dtype": "bfloat16",
}



# ---------------------------------------------------------------- SmolVLM (Idefics3) vision path

def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu_tanh(x):
    return torch.nn.functional.gelu(x, approximate="tanh")


def siglip(vc, W, pixels):
    """pixels [3, S, S] normalised -> [patches, D]; HF SiglipVisionTransformer / Idefics3 vision model."""
    p = "model.vision_model."
    D, nh, eps = vc["hidden_size"], vc["num_attention_heads"], vc["layer_norm_eps"]
    hd = D // nh
    x = torch.nn.functional.conv2d(pixels.unsqueeze(0), W[p + "embeddings.patch_embedding.weight"],
                                   W[p + "embeddings.patch_embedding.bias"], stride=vc["patch_size"])
    x = x.flatten(2).transpose(1, 2)[0]  # [N, D]
    x = x + W[p + "embeddings.position_embedding.weight"]
    N = x.shape[0]
    for i in range(vc["num_hidden_layers"]):
        q_ = p + f"encoder.layers.{i}."
        h = layer_norm(x, W[q_ + "layer_norm1.weight"], W[q_ + "layer_norm1.bias"], eps)

        def lin(name, t):
            return torch.nn.functional.linear(t, W[q_ + name + ".weight"], W[q_ + name + ".bias"])

        q = lin("self_attn.q_proj", h).view(N, nh, hd).transpose(0, 1)
        k = lin("self_attn.k_proj", h).view(N, nh, hd).transpose(0, 1)
        v = lin("self_attn.v_proj", h).view(N, nh, hd).transpose(0, 1)
        att = torch.softmax((q @ k.transpose(1, 2)) * hd ** -0.5, dim=-1)
        x = x + lin("self_attn.out_proj", (att @ v).transpose(0, 1).reshape(N, D))
        h = layer_norm(x, W[q_ + "layer_norm2.weight"], W[q_ + "layer_norm2.bias"], eps)
        x = x + lin("mlp.fc2", gelu_tanh(lin("mlp.fc1", h)))
    return layer_norm(x, W[p + "post_layernorm.weight"], W[p + "post_layernorm.bias"], eps)


def pixel_shuffle(x, s):
    """Idefics3Connector.pixel_shuffle for one image: [seq, D] -> [seq/s², D·s²]."""
    seq, d = x.shape
    hgt = wid = int(seq ** 0.5)
    x = x.view(1, hgt, wid, d)
    x = x.view(1, hgt, wid // s, d * s)
    x = x.permute(0, 2, 1, 3)
    x = x.reshape(1, wid // s, hgt // s, d * s * s)
    x = x.permute(0, 2, 1, 3)
    return x.reshape(seq // (s * s), d * s * s)


def build_smolvlm():
    """The Llama golden decoder re-homed under model.text_model.*, plus a tiny SigLIP and connector."""
    torch.manual_seed(99)
    src = os.path.join(OUT, "llama")
    d = os.path.join(OUT, "smolvlm")
    os.makedirs(d, exist_ok=True)
    text_cfg = json.load(open(os.path.join(src, "config.json")))
    text_cfg["tie_word_embeddings"] = False
    W = {}
    for shard in sorted(f for f in os.listdir(src) if f.endswith(".safetensors")):
        W.update(read_safetensors(os.path.join(src, shard)))
    W = {k.replace("model.", "model.text_model.", 1): v for k, v in W.items()}
    W["lm_head.weight"] = W["model.text_model.embed_tokens.weight"].clone()
    vc = {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
          "image_size": 32, "patch_size": 4, "layer_norm_eps": 1e-6, "hidden_act": "gelu_pytorch_tanh",
          "model_type": "idefics3_vision", "num_channels": 3}
    D, I, P = vc["hidden_size"], vc["intermediate_size"], vc["patch_size"]
    n = (vc["image_size"] // P) ** 2
    p = "model.vision_model."
    W[p + "embeddings.patch_embedding.weight"] = torch.randn(D, 3, P, P) / math.sqrt(3 * P * P)
    W[p + "embeddings.patch_embedding.bias"] = 0.1 * torch.randn(D)
    W[p + "embeddings.position_embedding.weight"] = 0.5 * torch.randn(n, D)
    for i in range(vc["num_hidden_layers"]):
        q = p + f"encoder.layers.{i}."
        for ln in ("layer_norm1", "layer_norm2"):
            W[q + ln + ".weight"] = 1 + 0.1 * torch.randn(D)
            W[q + ln + ".bias"] = 0.1 * torch.randn(D)
        for name in ("q_proj", "k_proj", "v_proj", "out_proj"):
            W[q + "self_attn." + name + ".weight"] = torch.randn(D, D) / math.sqrt(D)
            W[q + "self_attn." + name + ".bias"] = 0.1 * torch.randn(D)
        W[q + "mlp.fc1.weight"] = torch.randn(I, D) / math.sqrt(D)
        W[q + "mlp.fc1.bias"] = 0.1 * torch.randn(I)
        W[q + "mlp.fc2.weight"] = torch.randn(D, I) / math.sqrt(I)
        W[q + "mlp.fc2.bias"] = 0.1 * torch.randn(D)
    W[p + "post_layernorm.weight"] = 1 + 0.1 * torch.randn(D)
    W[p + "post_layernorm.bias"] = 0.1 * torch.randn(D)
    scale = 2
    W["model.connector.modality_projection.proj.weight"] = torch.randn(text_cfg["hidden_size"], D * scale * scale) / math.sqrt(D * scale * scale)
    write_safetensors(os.path.join(d, "model.safetensors"), W, torch.float32)
    cfg = {"architectures": ["Idefics3ForConditionalGeneration"], "model_type": "idefics3", "scale_factor": scale,
           "image_token_id": 5, "text_config": text_cfg, "vision_config": vc}
    json.dump(cfg, open(os.path.join(d, "config.json"), "w"), indent=1)
    tok = json.load(open(os.path.join(src, "tokenizer.json")))
    json.dump(tok, open(os.path.join(d, "tokenizer.json"), "w"), indent=1)

    pixels = torch.rand(3, vc["image_size"], vc["image_size"]) * 2 - 1   # already normalised to [-1, 1]
    feats = siglip(vc, W, pixels)
    tokens = torch.nn.functional.linear(pixel_shuffle(feats, scale), W["model.connector.modality_projection.proj.weight"])
    # Text decoder over [prefix ids, image tokens, suffix ids] with the untied head (same values as the golden).
    tW = {k.replace("model.text_model.", "model.", 1): v for k, v in W.items() if k.startswith("model.text_model.") or k == "lm_head.weight"}
    vocab, _ = tokenizer_json(["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|eot_id|>", "<|end_header_id|>"])
    pre, post = encode(vocab, "video"), encode(vocab, "what is happening")
    emb = tW["model.embed_tokens.weight"]
    seq = torch.cat([emb[pre], tokens, emb[post]], 0)
    logits = forward(text_cfg, tW, seq)
    golden = {"pixels": pixels.flatten().tolist(), "image_size": vc["image_size"], "vision_features": feats.tolist(),
              "image_tokens": tokens.tolist(), "prefix_ids": pre, "suffix_ids": post,
              "last_logits": logits[-1].tolist(), "greedy": greedy(text_cfg, tW, seq, 6), "torch": torch.__version__}
    json.dump(golden, open(os.path.join(d, "golden.json"), "w"))
    print("smolvlm image tokens", tuple(tokens.shape), "greedy", golden["greedy"], file=sys.stderr)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        assert e["dtype"] == "F32"
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).view(*e["shape"]).clone()
    return out


if __name__ == "__main__":
    build("llama", LLAMA, ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|eot_id|>",
                           "<|end_header_id|>"], torch.float32, 2, 1234, embed_scale=0.3)
    build("qwen2", QWEN2, ["<|endoftext|>", "<|im_end|>", "<|im_start|>"], torch.bfloat16, 1, 4321)
    build_smolvlm()  # reads llama/ back: after it
