#!/usr/bin/python3
"""Golden files for the Java TDC implementation (dev.longvqa.tdc).

Builds tiny random-weight versions of the TDC-Video (Hoar012/TDC-Video, cambrian_arch.py) vision
path -- SVA projector (mm_projector_aux_*, vision_sampler_0, mm_projector), the BLIP-2 style
Q-Former (Qformer.bert + query_proj + vision_proj), the chunk/static/separator layout with even
trimming -- plus a tiny ViT exported to TorchScript and ONNX, and writes their weights (under the
checkpoint's own tensor names), inputs and outputs as safetensors. The modules are written here
from the reference's equations, not copied. Run with Debian's torch 1.13:

    /usr/bin/python3 tools/golden/tdc_golden.py src/test/resources/golden/tdc

The `safetensors` package is not needed: the format is written by hand.
"""
import json
import re
import math
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import safetensors_io  # noqa: E402  (tools/safetensors_io.py)

torch.manual_seed(1234)
np.random.seed(1234)

# ---------------------------------------------------------------- safetensors by hand

def save_safetensors(path, tensors):
    safetensors_io.save_safetensors(path, tensors)

# ---------------------------------------------------------------- Q-Former (BERT with queries)

class Cfg:
    hidden = 32
    heads = 4
    layers = 2
    intermediate = 48
    vocab = 40
    max_pos = 32
    encoder_width = 24   # = LLM hidden size in TDC (the Q-Former reads projected frame tokens)
    cross_freq = 2
    eps = 1e-12


class SelfAtt(nn.Module):
    def __init__(self, c, kv_width):
        super().__init__()
        self.heads = c.heads
        self.query = nn.Linear(c.hidden, c.hidden)
        self.key = nn.Linear(kv_width, c.hidden)
        self.value = nn.Linear(kv_width, c.hidden)

    def split(self, x):
        b, n, d = x.shape
        return x.view(b, n, self.heads, d // self.heads).permute(0, 2, 1, 3)

    def forward(self, x, kv):
        q, k, v = self.split(self.query(x)), self.split(self.key(kv)), self.split(self.value(kv))
        s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
        o = s.softmax(-1) @ v
        return o.permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[1], -1)


class Out(nn.Module):
    def __init__(self, d_in, d_out, eps):
        super().__init__()
        self.dense = nn.Linear(d_in, d_out)
        self.LayerNorm = nn.LayerNorm(d_out, eps=eps)

    def forward(self, h, residual):
        return self.LayerNorm(self.dense(h) + residual)


class Attention(nn.Module):
    def __init__(self, c, kv_width):
        super().__init__()
        self.self = SelfAtt(c, kv_width)
        self.output = Out(c.hidden, c.hidden, c.eps)

    def forward(self, x, kv):
        return self.output(self.self(x, kv), x)


class Inter(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden, c.intermediate)

    def forward(self, x):
        return F.gelu(self.dense(x))


class Layer(nn.Module):
    def __init__(self, c, i):
        super().__init__()
        self.attention = Attention(c, c.hidden)
        self.has_cross = i % c.cross_freq == 0
        if self.has_cross:
            self.crossattention = Attention(c, c.encoder_width)
        self.intermediate = Inter(c)
        self.output = Out(c.intermediate, c.hidden, c.eps)
        self.intermediate_query = Inter(c)
        self.output_query = Out(c.intermediate, c.hidden, c.eps)

    def forward(self, x, nq, enc):
        a = self.attention(x, x)
        q = a[:, :nq]
        if self.has_cross:
            q = self.crossattention(q, enc)
        q = self.output_query(self.intermediate_query(q), q)
        if a.shape[1] > nq:
            t = a[:, nq:]
            t = self.output(self.intermediate(t), t)
            q = torch.cat([q, t], 1)
        return q


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab, c.hidden)
        self.position_embeddings = nn.Embedding(c.max_pos, c.hidden)
        self.LayerNorm = nn.LayerNorm(c.hidden, eps=c.eps)

    def forward(self, ids, query):
        if ids is None:
            e = query
        else:
            pos = torch.arange(ids.shape[1])[None]
            e = torch.cat([query, self.word_embeddings(ids) + self.position_embeddings(pos)], 1)
        return self.LayerNorm(e)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c, i) for i in range(c.layers)])


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)

    def forward(self, ids, query, enc):
        x = self.embeddings(ids, query)
        for layer in self.encoder.layer:
            x = layer(x, query.shape[1], enc)
        return x


class QformerHolder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = Bert(c)

# ---------------------------------------------------------------- SVA projector

class MLP(nn.Module):
    def __init__(self, d_in, d_hidden, d_out):
        super().__init__()
        self.linear_1 = nn.Linear(d_in, d_hidden, bias=False)
        self.linear_2 = nn.Linear(d_hidden, d_out, bias=False)

    def forward(self, x):
        return self.linear_2(F.gelu(self.linear_1(x)))


class MultiKV(nn.Module):
    def __init__(self, d, kv_dims, heads):
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, d, bias=False))
        self.n = len(kv_dims)
        for i, kd in enumerate(kv_dims):
            setattr(self, f"k_proj_{i}", nn.Sequential(nn.LayerNorm(kd), nn.Linear(kd, d, bias=False)))
            setattr(self, f"v_proj_{i}", nn.Sequential(nn.LayerNorm(kd), nn.Linear(kd, d, bias=False)))
        self.o_proj = nn.Linear(d, d, bias=False)

    def forward(self, q, lats, mask):
        b, nq, d = q.shape
        h = self.heads
        qs = self.q_proj(q).view(b, nq, h, d // h).transpose(1, 2)
        ks = torch.cat([getattr(self, f"k_proj_{i}")(lats[i]) for i in range(self.n)], 1)
        vs = torch.cat([getattr(self, f"v_proj_{i}")(lats[i]) for i in range(self.n)], 1)
        nk = ks.shape[1]
        ks = ks.view(b, nk, h, d // h).transpose(1, 2)
        vs = vs.view(b, nk, h, d // h).transpose(1, 2)
        s = qs @ ks.transpose(-1, -2) / math.sqrt(d // h)
        s = s.masked_fill(~mask[:, None, None, :], float("-inf"))
        o = (s.softmax(-1) @ vs).transpose(1, 2).reshape(b, nq, d)
        return self.o_proj(o)


class SamplerLayer(nn.Module):
    def __init__(self, d, kv_dims, kv_size):
        super().__init__()
        self.proj_context = nn.Linear(d, d, bias=False)
        self.proj_in = nn.Linear(2 * d, d, bias=False)
        self.proj_out = MLP(d, d, d)
        self.norm = nn.LayerNorm(d)
        self.cross_attn = MultiKV(d, kv_dims, 16)   # 16 heads are hard-coded in the reference
        for i in range(len(kv_dims)):
            setattr(self, f"pos_embed_{i}", nn.Parameter(torch.randn(kv_size ** 2, d)))

    def forward(self, q, ctx, lats, mask):
        res = q
        x = self.proj_in(torch.cat([q, self.proj_context(ctx)], -1))
        lats = [l + getattr(self, f"pos_embed_{i}")[None] for i, l in enumerate(lats)]
        x = x + self.cross_attn(x, lats, mask)
        return self.proj_out(self.norm(x)) + res


class Sampler(nn.Module):
    def __init__(self, d, kv_dims, kv_size, depth):
        super().__init__()
        self.layers = nn.ModuleList([SamplerLayer(d, kv_dims, kv_size) for _ in range(depth)])


class Model(nn.Module):
    """Holds parameters under the names TDC checkpoints use below `model.`."""

    def __init__(self, c, tower_dims, vision_hidden, depth, llm_hidden, kv_size):
        super().__init__()
        self.Qformer = QformerHolder(c)
        self.query_proj = nn.Linear(llm_hidden, c.hidden)
        self.vision_proj = nn.Linear(c.hidden, llm_hidden)
        self.frame_seg = nn.Parameter(torch.randn(llm_hidden))
        self.image_newline = nn.Parameter(torch.randn(llm_hidden))
        for i, td in enumerate(tower_dims):
            setattr(self, f"mm_projector_aux_{i}", nn.Sequential(
                nn.Linear(td, vision_hidden), nn.GELU(), nn.Linear(vision_hidden, vision_hidden),
                nn.LayerNorm(vision_hidden)))
        self.vision_sampler_0 = Sampler(vision_hidden, [vision_hidden] * len(tower_dims), kv_size, depth)
        self.vision_query = nn.Parameter(torch.randn(1, vision_hidden))
        self.mm_projector = nn.Sequential(nn.Linear(vision_hidden, llm_hidden), nn.GELU(),
                                          nn.Linear(llm_hidden, llm_hidden))


def randomize(module):
    # Default inits give identity LayerNorms and zero biases; random values test more of the math.
    with torch.no_grad():
        for mod in module.modules():
            if isinstance(mod, nn.LayerNorm):
                mod.weight.copy_(1.0 + 0.3 * torch.randn_like(mod.weight))
                mod.bias.copy_(0.3 * torch.randn_like(mod.bias))
        for name, p in module.named_parameters():
            if "LayerNorm" in name or ".norm." in name or name.endswith((".3.weight", ".3.bias")) \
                    or re.search(r"proj(_\d+)?\.0\.", name):
                continue
            p.copy_(torch.randn_like(p) / math.sqrt(max(1, p.shape[-1])))


def project_frames(m, towers, side, query_side, mask=None):
    """SVA: tower tokens (bs, side*side, dim_i) -> (bs, query_side^2, llm_hidden)."""
    bs = towers[0].shape[0]
    r = side // query_side
    nq = query_side * query_side
    aux = [getattr(m, f"mm_projector_aux_{i}")(t) for i, t in enumerate(towers)]
    d = aux[0].shape[-1]
    ctx = aux[0].mean(1).view(bs, 1, 1, d).expand(-1, nq, 1, -1).flatten(0, 1)
    q = m.vision_query[0].view(1, 1, 1, d).expand(bs, nq, -1, -1).flatten(0, 1)
    lats = [a.view(bs, query_side, r, query_side, r, d).permute(0, 1, 3, 2, 4, 5).reshape(bs * nq, r * r, d)
            for a in aux]
    if mask is None:
        kmask = torch.ones(bs * nq, r * r * len(towers), dtype=torch.bool)
    else:
        mk = mask.view(bs, query_side, r, query_side, r).permute(0, 1, 3, 2, 4).reshape(bs * nq, r * r)
        mk = mk.clone()
        mk[mk.sum(-1) == 0] = True
        kmask = torch.cat([mk] * len(towers), -1)
    for layer in m.vision_sampler_0.layers:
        q = layer(q, ctx, lats, kmask)
    return m.mm_projector(q.view(bs, nq, d))


def with_newlines(m, feats, rows, cols):
    bs, n, h = feats.shape
    g = feats.view(bs, rows, cols, h)
    nl = m.image_newline.view(1, 1, 1, h).expand(bs, rows, 1, h)
    return torch.cat([g, nl], 2).flatten(1, 2)


def qformer_compress(m, c, static, others, ids, k):
    """Static frame (T, H) queries the other frames (n, T, H) of its chunk: (n, k, H), L2-normalised."""
    n = others.shape[0]
    key = static.unsqueeze(0).repeat_interleave(n, 0)
    q = F.adaptive_avg_pool1d(key.permute(2, 0, 1), k).permute(1, 2, 0)
    q = m.query_proj(q)
    ids_b = None if ids is None else ids.expand(n, -1)
    out = m.Qformer.bert(ids_b, q, others)
    return F.normalize(m.vision_proj(out[:, :k]), dim=-1)


def build_context(m, c, frames, scenes, ids, k, chunk, max_visual):
    """The reference's chunk loop: static + sep, (k tokens + sep) per other frame, even trim."""
    blocks, start = [], 0
    sep = m.frame_seg.unsqueeze(0)
    for size in scenes:
        seg = frames[start:start + size]
        start += size
        for s in range(0, size, chunk):
            ch = seg[s:s + chunk]
            head = torch.cat([ch[0], sep])
            if len(ch) == 1:
                blocks.append(head)
                continue
            comp = qformer_compress(m, c, ch[0], ch[1:], ids, k)
            tail = torch.cat([comp, sep.unsqueeze(0).expand(comp.shape[0], -1, -1)], 1).flatten(0, 1)
            blocks.append(torch.cat([head, tail]))
    total = sum(b.shape[0] for b in blocks)
    if total > max_visual:
        r = math.ceil((total - max_visual) / len(blocks))
        blocks = [b[:-r] for b in blocks]
    return torch.cat(blocks)[:max_visual]


def storm_pool(frames, rows, cols, t, s):
    """Baseline: average frames in groups of t, then s x s spatial average pooling."""
    n, _, h = frames.shape
    out = []
    for g in range(0, n, t):
        x = frames[g:g + t].mean(0).view(rows, cols, h).permute(2, 0, 1).unsqueeze(0)
        x = F.avg_pool2d(x, s, s)
        out.append(x[0].permute(1, 2, 0).reshape(-1, h))
    return torch.stack(out)

# ---------------------------------------------------------------- tiny ViT (encoder fixture)

class VitBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 2 * dim)
        self.fc2 = nn.Linear(2 * dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(self.norm1(x)).view(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        a = (qkv[0] @ qkv[1].transpose(-1, -2) / math.sqrt(d // self.heads)).softmax(-1) @ qkv[2]
        x = x + self.proj(a.transpose(1, 2).reshape(b, n, d))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class TinyVit(nn.Module):
    """DINOv2-shaped toy: patch conv, CLS token, position embeddings, pre-norm blocks, final norm."""

    def __init__(self, size=32, patch=8, dim=16, heads=2, layers=2):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, patch, patch)
        n = (size // patch) ** 2
        self.cls = nn.Parameter(torch.randn(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, n + 1, dim) * 0.1)
        self.blocks = nn.ModuleList([VitBlock(dim, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)

    def forward(self, pixels):
        x = self.patch(pixels).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)


def preprocess(rgb, size, mean, std):
    """The reference's process_images: expand2square with the mean colour, PIL bicubic resize, normalise."""
    from PIL import Image
    img = Image.fromarray(rgb)
    w, h = img.size
    if w != h:
        side = max(w, h)
        bg = Image.new("RGB", (side, side), tuple(int(x * 255) for x in mean))
        bg.paste(img, (0, (side - h) // 2) if w > h else ((side - w) // 2, 0))
        img = bg
    img = img.resize((size, size), Image.BICUBIC)
    x = torch.from_numpy(np.asarray(img).astype(np.float32) / 255.0).permute(2, 0, 1)
    return (x - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    c = Cfg()
    # Towers are 16 wide on a 4x4 grid: the tiny ViT below can stand in for both (end-to-end test).
    tower_dims, vh, depth, llm, side, qside, k = [16, 16], 32, 2, c.encoder_width, 4, 2, 3
    m = Model(c, tower_dims, vh, depth, llm, side // qside).eval()
    randomize(m)
    weights = {"model." + n: p for n, p in m.state_dict().items()}
    save_safetensors(out / "tdc_tiny.safetensors", weights)

    io = {}
    with torch.no_grad():
        n_frames = 10
        towers = [torch.randn(n_frames, side * side, d) for d in tower_dims]
        io["towers.0"], io["towers.1"] = towers
        proj = project_frames(m, towers, side, qside)
        io["projected"] = proj
        # A column mask as unpad_image's mask gives for a tall frame; window 0 fully masked -> unmasked.
        mask = torch.ones(n_frames, side, side, dtype=torch.bool)
        mask[:, :, 0:1] = False
        mask[:, :, 3:4] = False
        io["mask"] = mask.to(torch.uint8)
        io["projected_masked"] = project_frames(m, towers, side, qside, mask)
        frames = with_newlines(m, proj, qside, qside)
        io["frames"] = frames
        ids = torch.tensor([[1, 7, 13, 5, 2]], dtype=torch.int64)
        io["text_ids"] = ids
        io["compressed"] = qformer_compress(m, c, frames[0], frames[1:4], ids, k)
        io["compressed_no_text"] = qformer_compress(m, c, frames[0], frames[1:4], None, k)
        io["context"] = build_context(m, c, frames, [6, 4], ids, k, 4, 10_000)
        io["context_trimmed"] = build_context(m, c, frames, [6, 4], ids, k, 4, 40)
        storm_in = torch.randn(7, 16, 6)
        io["storm_in"] = storm_in
        io["storm"] = storm_pool(storm_in, 4, 4, 3, 2)
        grid = torch.randn(2, 5, 5, 6)
        io["interp_in"] = grid
        io["interp_out"] = F.interpolate(grid.permute(0, 3, 1, 2), size=(4, 4), mode="bilinear",
                                         align_corners=False).permute(0, 2, 3, 1).contiguous()
    save_safetensors(out / "tdc_tiny_io.safetensors", io)

    # Tiny ViT fixture: TorchScript (DJL) and ONNX (ONNX Runtime) of the same weights.
    vit = TinyVit().eval()
    rgb = np.zeros((23, 37, 3), dtype=np.uint8)
    yy, xx = np.mgrid[0:23, 0:37]
    rgb[..., 0] = (xx * 7) % 256
    rgb[..., 1] = (yy * 11) % 256
    rgb[..., 2] = ((xx * yy) * 3) % 256
    mean, std = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]
    pix = preprocess(rgb, 32, mean, std)
    rgb2 = rgb[::-1, ::-1].copy()
    pix2 = preprocess(rgb2, 32, mean, std)
    batch = torch.stack([pix, pix2])
    with torch.no_grad():
        tokens = vit(batch)
        traced = torch.jit.trace(vit, batch)
        traced.save(str(out / "vit_tiny.pt"))
        torch.onnx.export(vit, batch, str(out / "vit_tiny.onnx"), input_names=["pixel_values"],
                          output_names=["last_hidden_state"], opset_version=14,
                          dynamic_axes={"pixel_values": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    save_safetensors(out / "vit_tiny_io.safetensors", {
        "rgb": torch.from_numpy(rgb), "rgb2": torch.from_numpy(rgb2), "pixels": batch, "tokens": tokens})
    # End to end: 10 frames -> both towers (the same ViT, as TorchScript and ONNX in Java) -> SVA ->
    # newlines -> TDC context for scenes [6, 4] with the question the tiny BERT tokenizer gives
    # for "What is the man doing?".
    clips = []
    for i in range(10):
        img = np.roll(rgb, shift=3 * i, axis=1).copy()
        img[..., 2] = (img[..., 2].astype(np.int32) + 25 * i) % 256
        clips.append(img)
    with torch.no_grad():
        px = torch.stack([preprocess(img, 32, mean, std) for img in clips])
        feats = vit(px)[:, 1:]
        e2e_frames = with_newlines(m, project_frames(m, [feats, feats], side, qside), qside, qside)
        q_ids = torch.tensor([[2, 4, 5, 6, 7, 8, 9, 3]], dtype=torch.int64)
        e2e = build_context(m, c, e2e_frames, [6, 4], q_ids, k, 4, 10_000)
    save_safetensors(out / "tdc_e2e_io.safetensors", {
        "rgb": torch.from_numpy(np.stack(clips)), "context": e2e})
    for f in sorted(out.iterdir()):
        print(f"{f.name}\t{f.stat().st_size}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/golden/tdc")
