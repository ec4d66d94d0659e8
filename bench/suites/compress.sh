#!/usr/bin/env bash
# compress: TDC Q-Former compression on CPU (bench/tdc/run.sh): ms per compressed frame at TDC's
# real shapes, as a fraction of this machine's float32 GEMM peak measured in the same run, the
# floor and exact lower bound that peak implies, the pooling baseline, both engines the product
# ships side by side (DJL/libtorch and ONNX Runtime, the CPU default; no Python), and PyTorch on
# the same shapes when Debian's python3-torch is installed.
set -euo pipefail
source "$BENCH/lib/common.sh"
script="$BENCH/tdc/run.sh"
log "compress: running ${script#"$ROOT"/}"
out="$CACHE/compress.out"; mkdir -p "$CACHE"
if timeout 1500 "$script" > "$out" 2>&1; then status="ok"; else status="failed or timed out (exit $?)"; fi
{
  section_header "compress: TDC Q-Former on CPU"
  echo "Output of \`${script#"$ROOT"/}\` ($status). Each shape: this machine's GEMM peak (the reference),"
  echo "ms per compressed frame and its share of that peak, the floor and the exact lower bound at that"
  echo "peak against the 10 ms target, the pooling baseline, the per-op profile (DJL), the engines side by"
  echo "side (DJL vs ONNX Runtime, each as a share of both engines' GEMM peaks, with the load average), and"
  echo "PyTorch on the same shapes. How to read it: bench/tdc/RESULTS.md."
  echo
  echo '```'
  tail -n 150 "$out"
  echo '```'
} > "$RESULTS/compress.md"
