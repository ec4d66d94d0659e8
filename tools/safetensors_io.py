"""The safetensors format by hand, for the golden generators and tools/beats_to_safetensors.py
(the `safetensors` package is not in Debian): u64 header length, JSON header padded with spaces
to 8 bytes, then each tensor's raw little-endian data in header order."""
import json
import struct

import torch

# torch dtype -> (safetensors code, numpy little-endian type); bfloat16 goes through its int16 bits
_CODES = {
    torch.float32: ("F32", "<f4"),
    torch.float16: ("F16", "<f2"),
    torch.bfloat16: ("BF16", "<i2"),
    torch.int64: ("I64", "<i8"),
    torch.int16: ("I16", "<i2"),
    torch.uint8: ("U8", "u1"),
}


def save_safetensors(path, tensors, metadata=None, cast=None):
    """Writes {name: tensor} to path; `cast` converts every tensor first (None: each keeps its dtype)."""
    header, blobs, offset = ({"__metadata__": metadata} if metadata else {}), [], 0
    for name, t in tensors.items():
        t = t.detach()
        if cast is not None:
            t = t.to(cast)
        t = t.contiguous()
        if t.dtype not in _CODES:
            raise ValueError(f"{name}: {t.dtype}")
        code, np_type = _CODES[t.dtype]
        bits = t.view(torch.int16) if t.dtype == torch.bfloat16 else t
        raw = bits.numpy().astype(np_type).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
