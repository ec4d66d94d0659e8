#!/usr/bin/env bash
# Q-Former compression throughput, Java (DJL/libtorch 2.7.1) vs PyTorch 1.13 (Debian), same shapes.
# Usage: bench/tdc/run.sh [HIDDEN HEADS LAYERS WIDTH KEYS K BATCH...]
# Default: bert-base Q-Former (768, 12 heads, 12 layers), 576 keys of width 768, K=16.
set -euo pipefail
cd "$(dirname "$0")/../.."
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(768 12 12 768 576 16 1 7 28 56)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
( cd src && mvn -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt >/dev/null )
JAVA_OUT=$("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx6g \
  -cp "src/target/classes:src/target/test-classes:$(cat src/target/cp.txt)" dev.longvqa.tdc.TdcBench "${ARGS[@]}" 2>/dev/null)
echo "$JAVA_OUT"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  PY_OUT=$(THREADS=2 /usr/bin/python3 bench/tdc/qformer_bench.py "${ARGS[@]}")
  echo "$PY_OUT"
  paste <(echo "$JAVA_OUT" | grep '^batch') <(echo "$PY_OUT" | grep '^batch') | awk '{
    split($2,j,"="); split($5,p,"="); printf "%s java/pytorch time ratio=%.2f\n", $1, j[2]/p[2] }'
else
  echo "python3-torch not available: PyTorch side skipped"
fi
