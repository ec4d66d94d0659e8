#!/usr/bin/env bash
# LLM runtime throughput on the CPU (random weights; see LlmBench.java). Usage: bench/llm/run.sh [runs]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$ROOT"
if [[ ! -f src/target/classpath.txt || ! -d src/target/classes/dev/longvqa/runtime/llm ]]; then
  mvn -B -q -pl src -DskipTests package >&2
fi
# OMP_NUM_THREADS: on a shared or oversubscribed machine, 1 thread avoids OpenMP spin-waiting
# (measured here: 2 threads under load average ~14 were 10-80x slower than 1).
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx4g -Dai.djl.offline=true \
  -cp "src/target/classes:$(cat src/target/classpath.txt)" bench/llm/LlmBench.java "$@"
