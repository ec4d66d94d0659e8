#!/usr/bin/python3
"""Goldens for Idefics3Preprocessor (SmolVLM's image processor), with Pillow's own resampling.

    /usr/bin/python3 tools/golden/idefics3_golden.py src/test/resources/golden/smolvlm

transformers is not installable here, so the size arithmetic is written from
transformers/models/idefics3/image_processing_idefics3.py (get_resize_output_image_size with
_resize_output_size_rescale_to_max_len and _resize_output_size_scale_below_upper_bound,
resize_for_vision_encoder, split_image, rescale + normalize) and the resampling is Pillow's
Image.resize(…, LANCZOS) itself, which is what that processor calls (resample=1). Small sizes
(longest_edge 48, tiles of 16) keep the file small; the arithmetic does not depend on them.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image

MAX_IMAGE_SIZE = 4096
rng = np.random.default_rng(7)


def rescale_to_max_len(h, w, max_len):
    aspect = w / h
    if w >= h:
        w = max_len
        h = int(w / aspect)
        if h % 2 != 0:
            h += 1
    elif h > w:
        h = max_len
        w = int(h * aspect)
        if w % 2 != 0:
            w += 1
    return max(h, 1), max(w, 1)


def below_upper_bound(h, w, max_len):
    aspect = w / h
    if w >= h and w > max_len:
        w = max_len
        h = int(w / aspect)
    elif h > w and h > max_len:
        h = max_len
        w = int(h * aspect)
    return max(h, 1), max(w, 1)


def resize(img, w, h):
    return img if img.size == (w, h) else img.resize((w, h), Image.LANCZOS)


def process(img, cfg):
    w, h = img.size
    if cfg["do_resize"]:
        h, w = rescale_to_max_len(h, w, cfg["size"]["longest_edge"])
        h, w = below_upper_bound(h, w, MAX_IMAGE_SIZE)
        img = resize(img, w, h)
    tile = cfg["max_image_size"]["longest_edge"]
    rows = cols = 0
    frames = []
    if cfg["do_image_splitting"]:
        w, h = img.size
        aspect = w / h
        if w >= h:
            w = math.ceil(w / tile) * tile
            h = int(w / aspect)
            h = math.ceil(h / tile) * tile
        else:
            h = math.ceil(h / tile) * tile
            w = int(h * aspect)
            w = math.ceil(w / tile) * tile
        img = resize(img, w, h)
        if h > tile or w > tile:
            rows, cols = math.ceil(h / tile), math.ceil(w / tile)
            oh, ow = math.ceil(h / rows), math.ceil(w / cols)
            for r in range(rows):
                for c in range(cols):
                    x0, y0 = c * ow, r * oh
                    frames.append(img.crop((x0, y0, min(x0 + ow, w), min(y0 + oh, h))))
            img = resize(img, tile, tile)
    else:
        img = resize(img, tile, tile)
    frames.append(img)
    # the resampled tiles as bytes (the normalisation is checked once, below: it is one formula)
    out = [dict(width=f.size[0], height=f.size[1], rgb=np.asarray(f, dtype=np.uint8).reshape(-1).tolist()) for f in frames]
    return rows, cols, out, frames


def normalised(frame, cfg):
    mean, std = np.array(cfg["image_mean"], np.float32), np.array(cfg["image_std"], np.float32)
    a = np.asarray(frame, dtype=np.float32) * np.float32(cfg["rescale_factor"])
    return ((a - mean) / std).transpose(2, 0, 1).reshape(-1).tolist()


cfg = {"do_resize": True, "size": {"longest_edge": 48}, "do_image_splitting": True, "max_image_size": {"longest_edge": 16},
       "resample": 1, "rescale_factor": 1 / 255, "image_mean": [0.48, 0.45, 0.4], "image_std": [0.26, 0.26, 0.27]}
cases = []
for (w, h) in [(40, 30), (30, 50), (20, 20), (33, 17), (100, 9)]:
    px = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    for split in (True, False):
        c = dict(cfg, do_image_splitting=split)
        rows, cols, tiles, frames = process(Image.fromarray(px, "RGB"), c)
        case = dict(width=w, height=h, split=split, pixels=px.reshape(-1).tolist(), rows=rows, cols=cols, tiles=tiles)
        if not cases:
            case["firstTileNormalised"] = normalised(frames[0], c)
        cases.append(case)
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
(out / "idefics3_preprocess.json").write_text(json.dumps(dict(config=cfg, cases=cases)))
print("wrote", len(cases), "cases")
