#!/usr/bin/env bash
# bench/gpu/run.sh [full|smoke]   — one prepared run for a short-lent GPU machine (budget: < 8 min).
# Prints, as ratios in one run: vision tower + SVA projector + Q-Former per frame, Java (DJL,
# the project's classes) vs PyTorch eager on the same shapes and the same weights, in fp32 and in
# half precision (fp16 and bf16 on both sides; the Java decoder in fp16 only); a Qwen2-style
# decoder's prefill and decode tokens/s, Java runtime vs PyTorch eager; peak GPU memory of both.
# Saves $OUT/gpu-bench.json (OUT defaults to bench/results/gpu).
#
# Builds nothing it can carry: it needs src/target/classes (and bench/gpu/.carry/classes, GpuBench
# compiled by prepare.sh; without it the source launcher compiles it) and either src/target/classpath.txt
# (this machine's ~/.m2) or the jars bench/gpu/prepare.sh copies to bench/gpu/.carry/lib
# (carry both paths to the device). On the GPU, DJL uses the CUDA libtorch of the machine's
# Python torch when that is 2.7.x (the JNI in pytorch-jni 2.7.1-0.35.1 is built for it).
# Without CUDA (or with GPU_BENCH_DEVICE=cpu) everything runs on the CPU; default shapes then
# "smoke" (tiny: the CI test runs this end to end), "full" on a GPU.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/bench/results/gpu}"
mkdir -p "$OUT"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/gpu-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
log() { echo "gpu-bench: $*" >&2; }

device="${GPU_BENCH_DEVICE:-}"
if [[ -z "$device" ]]; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then device=cuda; else device=cpu; fi
fi
shapes="${1:-$([[ "$device" == cuda ]] && echo full || echo smoke)}"
log "device $device, shapes $shapes"

# Python with torch (and CUDA when asked for).
PY=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch' 2>/dev/null; then PY="$p"; break; fi
done
torch_json='{"unavailable":"no python3 with torch"}'
if [[ -n "$PY" ]]; then
  if [[ "$device" == cuda ]] && ! "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    log "torch has no CUDA here: PyTorch side on the CPU"; tdev=cpu
  else tdev=$device; fi
  log "PyTorch eager ($("$PY" -c 'import torch; print(torch.__version__)'), $tdev): writing weights and timing"
  # Each side is capped so the whole run stays inside the 8 minutes a short loan leaves it.
  torch_json=$(timeout "${GPU_BENCH_SIDE_TIMEOUT:-220}" "$PY" bench/gpu/torch_side.py "$WORK" "$shapes" "$tdev" 2>"$WORK/torch.err" | tail -n 1) \
    || { tail -5 "$WORK/torch.err" >&2; torch_json='{"unavailable":"torch_side.py failed"}'; }
else
  log "no python3 with torch: the PyTorch side is skipped (and nothing for Java to load)"
fi

# Java: a JDK >= 21, the core's classes and their jars.
java_json='{"unavailable":"no JDK >= 21"}'
JAVA=""
for c in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [[ -n "$c" && -x "$c/bin/java" ]] || continue
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$c/release" 2>/dev/null | head -n1)
  if [[ -n "$v" && "$v" -ge 21 ]]; then JAVA="$c/bin/java"; break; fi
done
if [[ -n "$JAVA" && -f "$WORK/tdc.safetensors" ]]; then
  if [[ -n "${GPU_BENCH_CLASSPATH:-}" ]]; then cp="$GPU_BENCH_CLASSPATH" # e.g. the test runner's own
  elif [[ -f src/target/classpath.txt ]] && [[ -f "$(cut -d: -f1 src/target/classpath.txt)" ]]; then cp="$(cat src/target/classpath.txt)"
  elif [[ -d bench/gpu/.carry/lib ]]; then cp="$(printf '%s:' bench/gpu/.carry/lib/*.jar)"
  else cp=""; fi
  if [[ -z "$cp" || ! -d src/target/classes ]]; then
    java_json='{"unavailable":"no built classes/jars (run bench/gpu/prepare.sh and carry src/target/classes, bench/gpu/.carry)"}'
  else
    jdev=cpu
    if [[ "$device" == cuda && "$tdev" == cuda ]]; then
      tver=$("$PY" -c 'import torch; print(torch.__version__.split("+")[0])')
      if [[ "$tver" == 2.7.* ]]; then
        # DJL on the machine's CUDA libtorch (no download: offline).
        export PYTORCH_LIBRARY_PATH="$("$PY" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
        export PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128
        jdev=gpu
      else
        log "torch $tver is not 2.7.x: DJL's JNI (2.7.1) cannot use its libtorch; the Java side runs on the CPU"
      fi
    fi
    export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$WORK/djl}"
    # On a CPU (often shared), one OpenMP thread avoids spin-waiting that costs 10-80x (bench/llm).
    [[ "$jdev" == cpu ]] && export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
    mem_log="$WORK/java-mem.csv"
    poll=""
    if [[ "$jdev" == gpu ]]; then
      nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$mem_log" 2>/dev/null & poll=$!
    fi
    log "Java (DJL, $jdev): the same files"
    # Prepared classes when carried (bench/gpu/prepare.sh), else the source launcher compiles it.
    if [[ -f bench/gpu/.carry/classes/GpuBench.class ]]; then main=(GpuBench); cp="bench/gpu/.carry/classes:$cp"
    else main=(bench/gpu/GpuBench.java); fi
    java_json=$(timeout "${GPU_BENCH_SIDE_TIMEOUT:-220}" "$JAVA" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx8g \
      -cp "src/target/classes:$cp" "${main[@]}" "$WORK" "$shapes" "$jdev" 2>"$WORK/java.err" | tail -n 1) \
      || { tail -5 "$WORK/java.err" >&2; java_json='{"unavailable":"GpuBench failed"}'; }
    if [[ -n "$poll" ]]; then
      kill "$poll" 2>/dev/null || true
      peak=$(sort -n "$mem_log" | tail -n 1)
      java_json=$(echo "$java_json" | sed "s/}\$/,\"peak_gpu_mb\":${peak:-null}}/")
    fi
  fi
fi

# One JSON with the ratios (java / torch: time ratios < 1 and tokens/s ratios > 1 favour Java).
"${PY:-python3}" - "$OUT/gpu-bench.json" "$device" "$shapes" "$torch_json" "$java_json" <<'PY'
import json, sys
out, device, shapes, t, j = sys.argv[1:]
t, j = json.loads(t), json.loads(j)
res = {"device": device, "shapes": shapes, "torch": t, "java": j, "ratios": {}}
# (label, Java's type, PyTorch's type): the same type on both sides, and Java's fp16 decoder vs
# PyTorch's bf16 one (the runtime's CausalLm cannot compute in bf16 through DJL 0.35).
pairs = [("fp32", "fp32", "fp32"), ("fp16", "fp16", "fp16"), ("bf16", "bf16", "bf16"), ("fp16 vs torch bf16", "fp16", "bf16")]
parts = ("tower_ms_per_frame", "projector_ms_per_frame", "qformer_ms_per_frame")
for label, jk, tk in pairs:
    if jk in j and tk in t and all(k in j[jk] and k in t[tk] for k in parts):
        r = {}
        for k in parts:
            r[k.replace("_ms_per_frame", "_time_java_over_torch")] = j[jk][k] / t[tk][k]
        r["per_frame_time_java_over_torch"] = sum(j[jk][k] for k in parts) / sum(t[tk][k] for k in parts)
        for k in ("prefill_tok_s", "decode_tok_s"):
            if k in j[jk] and k in t[tk]:
                r[k + "_java_over_torch"] = j[jk][k] / t[tk][k]
        res["ratios"][label] = r
json.dump(res, open(out, "w"), indent=1)
print(f"gpu-bench ({device}, {shapes} shapes): Java / PyTorch eager, same shapes and weights")
for label, r in res["ratios"].items():
    llm = "".join(f", {k.split('_')[0]} tok/s x{r[k + '_java_over_torch']:.2f}" for k in ("prefill_tok_s", "decode_tok_s")
                  if k + "_java_over_torch" in r) or ", decoder: not in this type on the Java side"
    print(f"  {label:20s} per frame (tower+projector+Q-Former) time x{r['per_frame_time_java_over_torch']:.2f}"
          f" [tower x{r['tower_time_java_over_torch']:.2f}, projector x{r['projector_time_java_over_torch']:.2f},"
          f" Q-Former x{r['qformer_time_java_over_torch']:.2f}]{llm}")
for side, d in (("torch", t), ("java", j)):
    if "unavailable" in d:
        print(f"  {side}: unavailable ({d['unavailable']})")
    peaks = [v.get("peak_gpu_mb") for v in d.values() if isinstance(v, dict) and v.get("peak_gpu_mb")]
    if d.get("peak_gpu_mb") or peaks:
        print(f"  {side} peak GPU memory: {d.get('peak_gpu_mb') or max(peaks):.0f} MB")
print(f"  json: {out}")
PY
