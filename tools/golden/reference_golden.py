#!/usr/bin/python3
"""Goldens from the TDC reference's OWN code (Hoar012/TDC-Video), run on random inputs.

    /usr/bin/python3 tools/golden/reference_golden.py PATH/TO/TDC-Video src/test/resources/golden/reference

PATH/TO/TDC-Video is a local checkout of the reference (never committed here). Its modules import
transformers, decord and CUDA at import time, none of which runs here, so this script does not
import them: it parses the files with `ast`, takes out the functions it needs and executes their
unchanged source with stand-ins for what they touch (a config object, a model whose `generate`
records its arguments, a tokenizer). What runs verbatim, from the checkout:

  tdc/cambrian_arch.py  CambrianMetaForCausalLM.get_max_num_frames, .adapt_segment
  eval/cot.py           LVCoT (part cutting, the segment prompt, the Q-Former prompt)
  tdc/conversation.py   SeparatorStyle, Conversation, conv_qwen (the Qwen2 prompt text)

Written from the reference's equations (inline code in functions too large to run):
  * the frame cap of prepare_inputs_labels_for_multimodal: min(get_max_num_frames, 224), then
    indices int(interval * i) -- the same lines adapt_segment repeats, which does run;
  * the final-pass prompt of eval/eval_videomme.py: "<image>\\n" + "<think>" + " ".join(parts)
    + "</think>" + instruct, through conv_qwen; the Q-Former reads `instruct`.
  * the Llama-3 layout: conv_llama3 renders through the checkpoint tokenizer's
    apply_chat_template (not available here); the Java side is checked against transformers'
    template semantics in ChatTemplate tests instead.

Output: reference_golden.json (frame counts, text lengths, capped indices, cosine similarities,
segment starts; LVCoT part frame ranges and prompts; Qwen prompt strings).
"""
import ast
import dataclasses
import json
import math
import sys
from enum import Enum, auto
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import torch
import torch.nn.functional as F

ref = Path(sys.argv[1])
out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
torch.manual_seed(20261207)


def source_of(path, name, cls=None):
    """Source text of a top-level def/class/assignment (or a method of `cls`) in `path`."""
    text = (ref / path).read_text()
    tree = ast.parse(text)
    nodes = tree.body
    if cls is not None:
        nodes = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls).body
    for n in nodes:
        if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name:
            first = min([d.lineno for d in n.decorator_list] + [n.lineno])  # decorators too (@dataclass)
            return "\n".join(text.splitlines()[first - 1:n.end_lineno])
        if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == name for t in n.targets):
            return ast.get_source_segment(text, n)
    raise KeyError(f"{name} not found in {path}")


def load(path, name, cls=None, env=None):
    import textwrap
    ns = dict(torch=torch, F=F, math=math, dataclasses=dataclasses, Enum=Enum, auto=auto,
              Any=Any, Dict=Dict, List=List, Tuple=Tuple, Union=Union)
    ns.update(env or {})
    exec(textwrap.dedent(source_of(path, name, cls)), ns)
    return ns[name], ns

# ------------------------------------------------------------------ scene split (adapt_segment)

ARCH = "tdc/cambrian_arch.py"
CLS = "CambrianMetaForCausalLM"
adapt_segment, _ = load(ARCH, "adapt_segment", CLS)
get_max_num_frames, _ = load(ARCH, "get_max_num_frames", CLS)


class Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def model_stub(budget, model_type="qwen2"):
    cfg = Obj(tokenizer_model_max_length=budget, model_type=model_type, context_token_num=16,
              audio_input=False, add_static=True, inference_max_length=16)
    m = Obj(config=cfg)
    return Obj(get_model=lambda: m)


def scene_features(n, tokens=4, dim=6):
    """Frames in random scenes of random length plus noise: a few clear cuts, many near-equal pairs."""
    feats, scene = [], torch.randn(tokens, dim)
    for i in range(n):
        if torch.rand(1).item() < 0.08:
            scene = torch.randn(tokens, dim)
        feats.append(scene + 0.35 * torch.randn(tokens, dim))
    return torch.stack(feats)


split_cases = []
for n, text_len, budget in [(1, 40, 8192), (2, 40, 8192), (24, 40, 8192), (25, 40, 8192), (26, 40, 8192),
                            (27, 40, 8192), (60, 40, 8192), (223, 40, 8192), (224, 40, 8192), (225, 40, 8192),
                            (300, 40, 8192), (999, 700, 8192), (2940, 120, 8192), (500, 6000, 8192), (400, 40, 2048)]:
    for attempt in range(50):
        feats = scene_features(n)
        ids = torch.zeros(text_len + 1, dtype=torch.long)  # text + one image placeholder: no 151643 in it
        cap = min(get_max_num_frames(model_stub(budget), ids), 224)
        if n > cap:
            interval = len(feats) / float(cap)
            indices = [int(interval * i) for i in range(cap)]
        else:
            indices = list(range(n))
        capped = feats[indices]
        # the reference's own function on the capped frames, as prepare_inputs_labels_for_multimodal calls it
        dummy = [capped.new_zeros(len(capped), 1), capped.new_zeros(len(capped), 1)]
        _, sizes, _, _, seg = adapt_segment(None, capped, [len(capped)], dummy, threshold=0.83, max_num_segments=24)
        flat = capped.flatten(1, 2)
        sims = F.cosine_similarity(flat[:-1], flat[1:], dim=1) if len(flat) > 1 else torch.zeros(0)
        s = torch.sort(sims).values
        if len(s) > 25 and (s[24] - s[23]).abs().item() < 1e-3:
            continue  # a near-tie at the 24th place: float order could differ between libraries
        break
    starts = (seg[0] + 1).tolist()  # split_points of prepare_inputs_labels_for_multimodal, less 0 and the end
    starts = [p for p in starts if p < len(capped)]
    split_cases.append(dict(frames=n, textTokens=text_len, budget=budget, cap=cap, selected=indices,
                            tokens=4, dim=6, features=capped.flatten().tolist(),
                            similarities=sims.tolist(), sceneStarts=starts))

# ------------------------------------------------------------------ LVCoT parts and prompts (eval/cot.py)

SeparatorStyle, ns = load("tdc/conversation.py", "SeparatorStyle")
Conversation, ns = load("tdc/conversation.py", "Conversation", env=dict(SeparatorStyle=SeparatorStyle))
conv_qwen, _ = load("tdc/conversation.py", "conv_qwen", env=dict(Conversation=Conversation, SeparatorStyle=SeparatorStyle))

calls = []


class RecordingModel:
    def generate(self, input_ids, images=None, image_sizes=None, prompt=None, **kw):
        calls.append(dict(frames=[int(v.shape[1]) for v in images], prompt=prompt, text=input_ids["text"],
                          maxNewTokens=kw.get("max_new_tokens")))
        return torch.zeros(1, 1, dtype=torch.long)


class Tok:
    def batch_decode(self, ids, skip_special_tokens=True):
        return [f"summary {len(calls)}"]


class Ids(dict):
    def unsqueeze(self, _):
        return self

    def cuda(self):
        return self


cot_env = dict(
    conv_templates={"qwen": conv_qwen}, SeparatorStyle=SeparatorStyle,
    tokenizer_image_token=lambda prompt, tok, idx, return_tensors=None: Ids(text=prompt),
    KeywordsStoppingCriteria=lambda *a: None, IMAGE_TOKEN_INDEX=-200,
)
LVCoT, _ = load("eval/cot.py", "LVCoT", env=cot_env)

lvcot_cases = []
for n, parts in [(600, 2), (601, 2), (899, 2), (900, 3), (901, 3), (902, 3), (1000, 3), (7, 3), (2, 3), (13, 4)]:
    calls.clear()
    # video: one (1, frames, ...) tensor per tower, as eval_videomme passes it
    video = [torch.zeros(1, n, 1), torch.zeros(1, n, 1)]
    outputs = LVCoT(RecordingModel(), video, [(360, 640)], Tok(), "qwen", None, max_forward=parts)
    seg_len = n // parts
    lvcot_cases.append(dict(frames=n, parts=parts,
                            ranges=[[i * seg_len, i * seg_len + c["frames"][0]] for i, c in enumerate(calls)],
                            qformerPrompts=[c["prompt"] for c in calls], prompts=[c["text"] for c in calls],
                            maxNewTokens=[c["maxNewTokens"] for c in calls], outputs=outputs))

# final pass (eval_videomme.py, inline: written from its lines)
question = "What is the man holding?"
cot_prompt = " ".join(["summary 1", "summary 2", "summary 3"])
qs = f"<think>{cot_prompt}</think>" + question
conv = conv_qwen.copy()
conv.append_message(conv.roles[0], "<image>\n" + qs)
conv.append_message(conv.roles[1], None)
final = dict(question=question, think=["summary 1", "summary 2", "summary 3"], prompt=conv.get_prompt(), qformerPrompt=question)

(out / "reference_golden.json").write_text(json.dumps(dict(
    source="Hoar012/TDC-Video", split=split_cases, lvcot=lvcot_cases, finalQwen=final), indent=None))
print("wrote", out / "reference_golden.json", len(split_cases), "split cases,", len(lvcot_cases), "lvcot cases")
