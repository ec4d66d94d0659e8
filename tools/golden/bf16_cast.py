#!/usr/bin/python3
"""Writes the one-op TorchScript module dev.longvqa.tdc.Bfloat16 loads to make bfloat16 arrays.

DJL 0.35's PyTorch JNI cannot name bfloat16: every call that hands it a dtype code (creation,
toType, softmax, toDevice) reaches `utils::GetScalarTypeFromDType`, whose switch has no bfloat16
case and ends in a bare `throw;` -- std::terminate, the JVM dies. Arithmetic on a bfloat16 tensor
that libtorch itself produced works (DJL reports its type as UNKNOWN), so the cast is done inside
libtorch by this module, with no parameters (any device). One-time conversion, output committed:

    /usr/bin/python3 tools/golden/bf16_cast.py src/main/resources/dev/longvqa/tdc/to_bfloat16.pt

Debian's torch 1.13 writes it; libtorch 2.7.1 (DJL) loads it.
"""
import sys

import torch


class ToBfloat16(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(torch.bfloat16)


if __name__ == "__main__":
    torch.jit.script(ToBfloat16()).save(sys.argv[1])
