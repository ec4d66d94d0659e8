#!/usr/bin/env bash
# Q-Former compression throughput on CPU: Java on both engines (DJL/libtorch 2.7.1, ONNX Runtime), measured against this
# machine's own float32 GEMM peak in the same invocation, and against PyTorch (Debian's
# python3-torch) on the same shapes when it is installed.
# Usage: bench/tdc/run.sh [HIDDEN HEADS LAYERS WIDTH KEYS K BATCH...]
# Default: TDC's real shapes: bert-base Q-Former (768, 12 heads, 12 layers), K=16, frames of
# 156 tokens (12x12 grid + newlines) at the LLM width: 3584 (TDC-Qwen2-7B), then 3072 (TDC-Llama3.2-3B).
# TEXT=N question length in BERT ids (default 8); PY_FRAMES=N frames the PyTorch side times (default 7);
# PROFILE=0 skips the per-op profiles (DJL's, ORT's); ORT=0 skips the engines side by side (DJL vs ONNX Runtime,
# OrtQFormerBench, first shape); ORT_PYTHON=1 adds ORT on the python-exported plain form there.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then SHAPES=("$*"); else SHAPES=("768 12 12 3584 156 16 7 56" "768 12 12 3072 156 16 7 56"); fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
# From the root with -am: the core needs the contracts and web modules, which are not installed in ~/.m2.
( mvn -B -q -o -Dstyle.color=never -pl src -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null 2>/tmp/longvqa-tdc-bench-build.err ) \
  || { cat /tmp/longvqa-tdc-bench-build.err >&2; echo "bench/tdc: build failed" >&2; exit 1; }
for shape in "${SHAPES[@]}"; do
  read -r -a ARGS <<< "$shape"
  JAVA_OUT=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx6g -Dtext="${TEXT:-8}" \
    -cp "src/target/classes:src/target/test-classes:$(cat src/target/cp.txt)" dev.longvqa.tdc.TdcBench "${ARGS[@]}" 2>/dev/null)
  echo "$JAVA_OUT"
  if [[ "${PROFILE:-1}" == 1 && "$shape" == "${SHAPES[0]}" ]]; then # the first shape only: ~2 min
    # Where the time goes, op by op, with each op's own share of the same GEMM peak (QFormerProfile).
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx6g -Dtext="${TEXT:-8}" \
      -cp "src/target/classes:src/target/test-classes:$(cat src/target/cp.txt)" dev.longvqa.tdc.QFormerProfile \
      "${ARGS[7]:-56}" "${ARGS[3]}" "${ARGS[4]}" 2>/dev/null
  fi
  if [[ "${ORT:-1}" == 1 && "$shape" == "${SHAPES[0]}" ]]; then
    # Both engines the product ships, side by side in one JVM, no Python: DJL absorbed vs ONNX Runtime
    # on the graph built in Java (OrtQFormerBench; a random checkpoint at these shapes is written once
    # to $TMPDIR, ~0.8 GB at 7B's). ORT_PYTHON=1 adds ORT on the reference's plain form exported by
    # bench/tdc/onnx_export.py (python3-torch; ~5 min on 2 cores, kept in $TMPDIR).
    plain=()
    if [[ "${ORT_PYTHON:-0}" == 1 ]] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
      base="${TMPDIR:-/tmp}/longvqa-qformer-$(echo "${ARGS[@]:0:6} ${TEXT:-8}" | tr ' ' x)"
      [[ -s "$base-plain.onnx" ]] || /usr/bin/python3 bench/tdc/onnx_export.py "$base-plain.onnx" "${ARGS[@]:0:6}" "${TEXT:-8}" 2>/dev/null
      plain=("$base-plain.onnx")
    fi
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx8g -Djava.io.tmpdir="${TMPDIR:-/tmp}" \
      -cp "src/target/classes:src/target/test-classes:$(cat src/target/cp.txt)" dev.longvqa.tdc.OrtQFormerBench \
      "${ARGS[@]:0:6}" "${TEXT:-8}" "${ARGS[7]:-56}" "${plain[@]}" 2>/dev/null
    if [[ "${PROFILE:-1}" == 1 ]]; then
      # ONNX Runtime's own profiler on the same graph: kernel time per GEMM shape and op type (~1 min).
      "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx8g -Djava.io.tmpdir="${TMPDIR:-/tmp}" \
        -cp "src/target/classes:src/target/test-classes:$(cat src/target/cp.txt)" dev.longvqa.tdc.OrtQFormerProfile \
        "${ARGS[@]:0:6}" "${TEXT:-8}" "${ARGS[7]:-56}" 2>/dev/null
    fi
  fi
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    # Debian's torch build is ~10x slower here: time one chunk (7 frames) so the run stays short.
    PY_OUT=$(THREADS=2 FRAMES="${PY_FRAMES:-7}" TEXT="${TEXT:-8}" /usr/bin/python3 bench/tdc/qformer_bench.py "${ARGS[@]:0:6}" 7)
    echo "$PY_OUT"
    java_ms=$(echo "$JAVA_OUT" | awk '/^batch=7 /{split($2,a,"="); print a[2]}')
    py_ms=$(echo "$PY_OUT" | awk '/^batch=7 /{split($2,a,"="); print a[2]}')
    [ -n "$java_ms" ] && [ -n "$py_ms" ] && awk -v j="$java_ms" -v p="$py_ms" 'BEGIN{printf "batch=7 java/pytorch time ratio=%.3f\n", j/p}'
  else
    echo "python3-torch not available: PyTorch side skipped"
  fi
  echo
done
