#!/usr/bin/python3
"""Reference goldens for the Java Whisper engine (dev.longvqa.audio.whisper).

Builds a tiny random-weight Whisper in PyTorch with the Hugging Face tensor names
(WhisperForConditionalGeneration: model.encoder.*, model.decoder.*, tied output embedding),
writes it as a checkpoint directory the way users hold one (config.json, generation_config.json,
model.safetensors with F16, BF16 and F32 tensors, a byte-level BPE tokenizer.json whose special
tokens are Whisper's, at small ids), and records what a faithful implementation produces:

  logmel     the log-mel input of a fixed waveform, computed as openai/whisper's audio.py does
             (torch.stft, periodic Hann, |X|^2 dropping the last frame, Slaney mel filters as
             librosa.filters.mel builds them, log10 clamp 1e-10, max-8 floor, (x+4)/4), per 30 s
             window padded with zeros like transformers' WhisperFeatureExtractor
  encoder    encoder output (rows around the signal and the tail)
  logits     decoder logits for the start-of-transcript prefix plus two text tokens
  greedy     greedy tokens of one window with openai/whisper's logit filters (SuppressBlank,
             SuppressTokens, ApplyTimestampRules with max_initial_timestamp 1 s)
  segments   the long-form loop (transcribe.py): sequential 30 s windows, seek by the last
             timestamp, segments from consecutive timestamp pairs

The model code is written here from the published architecture (openai/whisper model.py,
transformers' modeling_whisper naming); neither package is needed. Run with Debian's
python3-torch (1.13):  /usr/bin/python3 tools/golden/whisper_golden.py [OUT_DIR]
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import safetensors_io  # noqa: E402  (tools/safetensors_io.py)

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "test", "resources", "golden", "whisper")

RATE, N_FFT, HOP, CHUNK = 16000, 400, 160, 30
N_SAMPLES = RATE * CHUNK  # 480000
N_FRAMES = N_SAMPLES // HOP  # 3000

torch.manual_seed(20261207)


# ---------------------------------------------------------------- tokenizer (tiny, Whisper's specials)

def bytes_to_unicode():
    """GPT-2's byte <-> printable character table (the byte-level BPE alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\u00a1"), ord("\u00ac") + 1)) + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


SPECIALS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|de|>", "<|translate|>", "<|transcribe|>",
            "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]
TIMESTAMPS = ["<|%.2f|>" % (i * 0.02) for i in range(1501)]


def tokenizer_json():
    """Byte-level BPE: one token per byte (id = byte value), then Whisper's special tokens, then timestamps."""
    table = bytes_to_unicode()
    vocab = {table[b]: b for b in range(256)}
    merges = []
    # a few merges so the BPE is not trivial: common English pairs
    for a, b in (("t", "h"), ("th", "e"), ("h", "e"), ("Ġ", "t"), ("Ġt", "he"), ("i", "n"), ("a", "n")):
        merges.append(a + " " + b)
        vocab[a + b] = len(vocab)
    added = []
    for i, s in enumerate(SPECIALS + TIMESTAMPS):
        added.append({"id": len(vocab) + i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
    tok = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    }
    ids = {a["content"]: a["id"] for a in added}
    return tok, ids, len(vocab) + len(added)


# ---------------------------------------------------------------- features (openai/whisper audio.py)

def hz_to_mel(f):
    """Slaney's mel scale (librosa, htk=False): linear below 1 kHz, logarithmic above."""
    f_sp, min_log_hz, min_log_mel, logstep = 200.0 / 3, 1000.0, 15.0, math.log(6.4) / 27.0
    return torch.where(f >= min_log_hz, min_log_mel + torch.log(f / min_log_hz) / logstep, f / f_sp)


def mel_to_hz(m):
    f_sp, min_log_hz, min_log_mel, logstep = 200.0 / 3, 1000.0, 15.0, math.log(6.4) / 27.0
    return torch.where(m >= min_log_mel, min_log_hz * torch.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(n_mels):
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=n_mels) (norm='slaney'), in float64 then float32."""
    fft_freqs = torch.linspace(0, RATE / 2, 1 + N_FFT // 2, dtype=torch.float64)
    mels = torch.linspace(hz_to_mel(torch.tensor(0.0, dtype=torch.float64)).item(),
                          hz_to_mel(torch.tensor(RATE / 2, dtype=torch.float64)).item(), n_mels + 2, dtype=torch.float64)
    mel_f = mel_to_hz(mels)
    fdiff = mel_f[1:] - mel_f[:-1]
    ramps = mel_f[:, None] - fft_freqs[None, :]
    w = torch.zeros(n_mels, 1 + N_FFT // 2, dtype=torch.float64)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        w[i] = torch.clamp(torch.minimum(lower, upper), min=0)
    enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
    return (w * enorm[:, None]).to(torch.float32)


def log_mel(window, n_mels, dtype=torch.float32):
    """One 30 s window (padded with zeros to 480000 samples) -> (n_mels, 3000)."""
    x = F.pad(window, (0, N_SAMPLES - window.shape[0])).to(dtype)
    stft = torch.stft(x, N_FFT, HOP, window=torch.hann_window(N_FFT, dtype=dtype), return_complex=True)
    magnitudes = stft[..., :-1].abs() ** 2
    mel_spec = mel_filters(n_mels).to(dtype) @ magnitudes
    log_spec = torch.clamp(mel_spec, min=1e-10).log10()
    log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
    return ((log_spec + 4.0) / 4.0).to(torch.float32)


def wave(seconds, speech):
    """Speech-like test signal: harmonics with a moving pitch, bursts, noise, a silent gap; 16-bit quantised."""
    t = torch.arange(int(seconds * RATE), dtype=torch.float64) / RATE
    f0 = 140 + 40 * torch.sin(2 * math.pi * 0.7 * t)
    phase = 2 * math.pi * torch.cumsum(f0, 0) / RATE
    x = sum(0.3 / k * torch.sin(k * phase) for k in range(1, 6))
    x = x * (0.5 + 0.5 * torch.sin(2 * math.pi * 0.4 * t).clamp(min=0))
    x = x + 0.02 * torch.randn(len(t), dtype=torch.float64)
    x[int(0.4 * RATE):int(0.9 * RATE)] = 0
    x[int(speech * RATE):] = 0  # then silence to the end: only the head is stored
    return (x.clamp(-1, 1) * 32767).round().to(torch.int16)


# ---------------------------------------------------------------- model (HF naming, openai math)

def layer_norm(x, p, name):
    return F.layer_norm(x, (x.shape[-1],), p[name + ".weight"], p[name + ".bias"], 1e-5)


def linear(x, p, name):
    return F.linear(x, p[name + ".weight"], p.get(name + ".bias"))


def attention(p, name, x, kv, heads, causal):
    """q from x, k/v from kv (x itself for self-attention); softmax(q k^T / sqrt(hd)) v."""
    d = x.shape[-1]
    hd = d // heads
    q = linear(x, p, name + ".q_proj") * hd ** -0.5
    k = linear(kv, p, name + ".k_proj")
    v = linear(kv, p, name + ".v_proj")
    q = q.view(-1, heads, hd).transpose(0, 1)
    k = k.view(-1, heads, hd).transpose(0, 1)
    v = v.view(-1, heads, hd).transpose(0, 1)
    s = q @ k.transpose(1, 2)
    if causal:
        n, m = s.shape[-2], s.shape[-1]
        mask = torch.ones(n, m, dtype=torch.bool).triu(m - n + 1)
        s = s.masked_fill(mask, float("-inf"))
    o = (s.softmax(-1) @ v).transpose(0, 1).reshape(-1, d)
    return linear(o, p, name + ".out_proj")


def mlp(p, name, x):
    return linear(F.gelu(linear(x, p, name + "fc1")), p, name + "fc2")


def encode(p, cfg, mel):
    x = F.gelu(F.conv1d(mel.unsqueeze(0), p["model.encoder.conv1.weight"], p["model.encoder.conv1.bias"], padding=1))
    x = F.gelu(F.conv1d(x, p["model.encoder.conv2.weight"], p["model.encoder.conv2.bias"], stride=2, padding=1))
    x = x[0].T + p["model.encoder.embed_positions.weight"]
    for i in range(cfg["encoder_layers"]):
        pre = "model.encoder.layers.%d." % i
        h = layer_norm(x, p, pre + "self_attn_layer_norm")
        x = x + attention(p, pre + "self_attn", h, h, cfg["encoder_attention_heads"], False)
        x = x + mlp(p, pre, layer_norm(x, p, pre + "final_layer_norm"))
    return layer_norm(x, p, "model.encoder.layer_norm")


def decode_logits(p, cfg, tokens, enc):
    """Logits for every position of `tokens` (no cache: the reference recomputes the whole prefix)."""
    emb = p["model.decoder.embed_tokens.weight"]
    x = emb[tokens] + p["model.decoder.embed_positions.weight"][:len(tokens)]
    for i in range(cfg["decoder_layers"]):
        pre = "model.decoder.layers.%d." % i
        h = layer_norm(x, p, pre + "self_attn_layer_norm")
        x = x + attention(p, pre + "self_attn", h, h, cfg["decoder_attention_heads"], True)
        x = x + attention(p, pre + "encoder_attn", layer_norm(x, p, pre + "encoder_attn_layer_norm"), enc, cfg["decoder_attention_heads"], False)
        x = x + mlp(p, pre, layer_norm(x, p, pre + "final_layer_norm"))
    return layer_norm(x, p, "model.decoder.layer_norm") @ emb.T


# ---------------------------------------------------------------- decoding (openai/whisper decoding.py)

def greedy(p, cfg, gen, ids, enc):
    sot_seq = [ids["<|startoftranscript|>"], ids["<|en|>"], ids["<|transcribe|>"]]
    eot, tb, no_ts = ids["<|endoftext|>"], ids["<|0.00|>"], ids["<|notimestamps|>"]
    suppress = set(gen["suppress_tokens"]) | {ids[s] for s in ("<|translate|>", "<|transcribe|>", "<|startoftranscript|>",
                                                                   "<|startofprev|>", "<|startoflm|>", "<|nospeech|>")}
    sample_len = cfg["max_target_positions"] // 2
    tokens = list(sot_seq)
    begin = len(tokens)
    while len(tokens) - begin < sample_len:
        logits = decode_logits(p, cfg, torch.tensor(tokens), enc)[-1].clone()
        if len(tokens) == begin:  # SuppressBlank
            logits[gen["begin_suppress_tokens"]] = float("-inf")
        logits[sorted(suppress)] = float("-inf")  # SuppressTokens
        # ApplyTimestampRules
        logits[no_ts] = float("-inf")
        seq = tokens[begin:]
        last_ts = len(seq) >= 1 and seq[-1] >= tb
        penult_ts = len(seq) < 2 or seq[-2] >= tb
        if last_ts:
            if penult_ts:
                logits[tb:] = float("-inf")
            else:
                logits[:eot] = float("-inf")
        stamps = [t for t in seq if t >= tb]
        if stamps:
            last = stamps[-1] if (last_ts and not penult_ts) else stamps[-1] + 1
            logits[tb:last] = float("-inf")
        if len(tokens) == begin:
            logits[:tb] = float("-inf")
            logits[tb + gen["max_initial_timestamp_index"] + 1:] = float("-inf")
        logprobs = F.log_softmax(logits.float(), -1)
        if logprobs[tb:].logsumexp(-1) > logprobs[:tb].max():
            logits[:tb] = float("-inf")
        nxt = int(logits.argmax())
        if nxt == eot:
            break
        tokens.append(nxt)
    return tokens[begin:]


def transcribe(p, cfg, gen, ids, pcm):
    """transcribe.py's loop: windows of 3000 frames from `seek`, segments from timestamp pairs."""
    tb = ids["<|0.00|>"]
    audio = pcm.to(torch.float32) / 32768
    total = audio.shape[0] // HOP
    seek, segments = 0, []
    while seek < total:
        window = audio[seek * HOP: seek * HOP + N_SAMPLES]
        size = min(N_FRAMES, total - seek)
        offset = seek * HOP / RATE
        limit = offset + size * HOP / RATE  # a random model's timestamps may point past the audio: clamped
        toks = greedy(p, cfg, gen, ids, encode(p, cfg, log_mel(window, cfg["num_mel_bins"])))
        is_ts = [t >= tb for t in toks]
        single_end = len(is_ts) >= 2 and not is_ts[-2] and is_ts[-1]
        consecutive = [i + 1 for i in range(len(toks) - 1) if is_ts[i] and is_ts[i + 1]]
        if consecutive:
            slices = consecutive + ([len(toks)] if single_end else [])
            last = 0
            for cur in slices:
                part = toks[last:cur]
                segments.append((min(offset + (part[0] - tb) * 0.02, limit), min(offset + (part[-1] - tb) * 0.02, limit), part))
                last = cur
            advance = size if single_end else (toks[last - 1] - tb) * 2
        else:
            stamps = [t for t in toks if t >= tb]
            dur = size * HOP / RATE
            if stamps and stamps[-1] != tb:
                dur = (stamps[-1] - tb) * 0.02
            segments.append((offset, min(offset + dur, limit), toks))
            advance = size
        seek += advance if advance > 0 else size  # a window that does not move on is skipped whole
    return segments


# ---------------------------------------------------------------- the tiny checkpoint

def main(out):
    os.makedirs(out, exist_ok=True)
    model_dir = os.path.join(out, "tiny")
    os.makedirs(model_dir, exist_ok=True)
    tok, ids, vocab_size = tokenizer_json()
    d, ffn, n_mels = 32, 64, 80
    cfg = {"model_type": "whisper", "architectures": ["WhisperForConditionalGeneration"], "vocab_size": vocab_size,
           "num_mel_bins": n_mels, "d_model": d, "encoder_layers": 2, "encoder_attention_heads": 4,
           "decoder_layers": 2, "decoder_attention_heads": 4, "encoder_ffn_dim": ffn, "decoder_ffn_dim": ffn,
           "max_source_positions": 1500, "max_target_positions": 96, "activation_function": "gelu",
           "scale_embedding": False, "tie_word_embeddings": True,
           "bos_token_id": ids["<|endoftext|>"], "eos_token_id": ids["<|endoftext|>"], "pad_token_id": ids["<|endoftext|>"],
           "decoder_start_token_id": ids["<|startoftranscript|>"],
           "begin_suppress_tokens": [32, ids["<|endoftext|>"]], "suppress_tokens": []}
    # the non-speech symbols openai suppresses ("-1"), as byte ids in this tiny vocabulary
    symbols = [ord(c) for c in '"#()*+/:;<=>@[\\]^_`{|}~']
    gen = {"decoder_start_token_id": ids["<|startoftranscript|>"], "eos_token_id": ids["<|endoftext|>"],
           "begin_suppress_tokens": [32, ids["<|endoftext|>"]], "suppress_tokens": symbols,
           "no_timestamps_token_id": ids["<|notimestamps|>"], "max_initial_timestamp_index": 50,
           "is_multilingual": True, "lang_to_id": {"<|en|>": ids["<|en|>"], "<|de|>": ids["<|de|>"]},
           "task_to_id": {"translate": ids["<|translate|>"], "transcribe": ids["<|transcribe|>"]},
           "return_timestamps": True}

    shapes = {"model.encoder.conv1.weight": (d, n_mels, 3), "model.encoder.conv1.bias": (d,),
              "model.encoder.conv2.weight": (d, d, 3), "model.encoder.conv2.bias": (d,),
              "model.encoder.layer_norm.weight": (d,), "model.encoder.layer_norm.bias": (d,),
              "model.decoder.embed_tokens.weight": (vocab_size, d), "model.decoder.embed_positions.weight": (96, d),
              "model.decoder.layer_norm.weight": (d,), "model.decoder.layer_norm.bias": (d,)}

    def attn(pre):
        for n in ("q_proj", "v_proj", "out_proj"):
            shapes[pre + n + ".weight"], shapes[pre + n + ".bias"] = (d, d), (d,)
        shapes[pre + "k_proj.weight"] = (d, d)  # Whisper's key projection has no bias

    def ln(name):
        shapes[name + ".weight"], shapes[name + ".bias"] = (d,), (d,)

    for side, n in (("encoder", 2), ("decoder", 2)):
        for i in range(n):
            pre = "model.%s.layers.%d." % (side, i)
            attn(pre + "self_attn.")
            ln(pre + "self_attn_layer_norm")
            if side == "decoder":
                attn(pre + "encoder_attn.")
                ln(pre + "encoder_attn_layer_norm")
            ln(pre + "final_layer_norm")
            shapes[pre + "fc1.weight"], shapes[pre + "fc1.bias"] = (ffn, d), (ffn,)
            shapes[pre + "fc2.weight"], shapes[pre + "fc2.bias"] = (d, ffn), (d,)
    p = {}
    for name, shape in shapes.items():
        if "layer_norm" in name and name.endswith("weight"):
            t = torch.empty(shape).uniform_(0.8, 1.2)
        elif name.endswith("bias"):
            t = torch.empty(shape).normal_(0, 0.05)
        else:
            fan_in = shape[1] * (shape[2] if len(shape) > 2 else 1) if len(shape) > 1 else 1
            t = torch.empty(shape).normal_(0, 1.0 / math.sqrt(fan_in))
        p[name] = t
    # the timestamp and end-of-text rows a little larger, so random weights emit segments
    p["model.decoder.embed_tokens.weight"] = torch.randn(vocab_size, d) * 0.5
    # the sinusoids openai computes and transformers stores
    inc = math.log(10000) / (d // 2 - 1)
    scaled = torch.arange(1500)[:, None] * torch.exp(-inc * torch.arange(d // 2))[None, :]
    p["model.encoder.embed_positions.weight"] = torch.cat([scaled.sin(), scaled.cos()], dim=1)

    # stored as users have them: most tensors F16, decoder layer 1 BF16, layer norms F32; the
    # reference then computes in float32 from exactly the stored values
    stored = {}
    for name, t in p.items():
        if "layer_norm" in name:
            stored[name] = t.float()
        elif name.startswith("model.decoder.layers.1."):
            stored[name] = t.to(torch.bfloat16)
        else:
            stored[name] = t.half()
        p[name] = stored[name].float()
    safetensors_io.save_safetensors(os.path.join(model_dir, "model.safetensors"), stored, {"format": "pt"})
    with open(os.path.join(model_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    with open(os.path.join(model_dir, "generation_config.json"), "w") as f:
        json.dump(gen, f, indent=1)
    with open(os.path.join(model_dir, "tokenizer.json"), "w") as f:
        json.dump(tok, f, ensure_ascii=False, separators=(",", ":"))

    with torch.no_grad():
        pcm = wave(37.3, 6.0)
        first = pcm[:N_SAMPLES].to(torch.float32) / 32768
        mel = log_mel(first, n_mels)
        mel64 = log_mel(first, n_mels, torch.float64)
        print("stft float32 vs float64: max |diff|", float((mel - mel64).abs().max()))
        enc = encode(p, cfg, mel)
        prefix = [ids["<|startoftranscript|>"], ids["<|en|>"], ids["<|transcribe|>"], ids["<|0.00|>"], 116, 104]
        logits = decode_logits(p, cfg, torch.tensor(prefix), enc)
        greedy_tokens = greedy(p, cfg, gen, ids, enc)
        segments = transcribe(p, cfg, gen, ids, pcm)
        # the short second window's features too (zero padded past the audio)
        mel2 = log_mel(pcm[N_SAMPLES:].to(torch.float32) / 32768, n_mels)
    print("greedy:", greedy_tokens)
    print("segments:", [(round(s, 2), round(e, 2), len(t)) for s, e, t in segments])
    io = {"pcm_head": pcm[:6 * RATE], "samples": torch.tensor([pcm.shape[0]], dtype=torch.int64),
          "mel_head": mel[:, :300].contiguous(), "mel_tail": mel[:, 2990:].contiguous(),
          "mel2_head": mel2[:, :50].contiguous(),
          "encoder_head": enc[:100].contiguous(), "encoder_tail": enc[1490:].contiguous(),
          "prefix": torch.tensor(prefix, dtype=torch.int64), "logits": logits,
          "greedy": torch.tensor(greedy_tokens, dtype=torch.int64),
          "seg_times": torch.tensor([[s, e] for s, e, _ in segments], dtype=torch.float64).float(),
          "seg_lengths": torch.tensor([len(t) for _, _, t in segments], dtype=torch.int64),
          "seg_tokens": torch.tensor([x for _, _, t in segments for x in t], dtype=torch.int64)}
    safetensors_io.save_safetensors(os.path.join(out, "whisper_tiny_io.safetensors"), io)
    print("wrote", out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else OUT)
