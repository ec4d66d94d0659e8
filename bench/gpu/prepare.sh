#!/usr/bin/env bash
# bench/gpu/prepare.sh — run HERE (with Maven and ~/.m2) before lending a GPU machine: builds the
# core and copies the jars bench/gpu/run.sh needs to bench/gpu/.carry/lib (~30 MB: DJL's API,
# PyTorch engine and JNI, JSON/compression libs; not the CPU libtorch, FFmpeg, ONNX Runtime or
# llama.cpp natives — the GPU machine's own CUDA libtorch is used). Then carry
# ["src/target/classes", "bench/gpu/.carry"] and run `bench/gpu/run.sh` there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
./longvqa --help >/dev/null # builds src/target/classes and src/target/classpath.txt if stale
rm -rf bench/gpu/.carry && mkdir -p bench/gpu/.carry/lib
tr ':' '\n' < src/target/classpath.txt | grep -Ev 'pytorch-native-|/ffmpeg-|/onnxruntime-|/llama-|/javacv-|/javacpp-|/jline|/progressbar-|/picocli-' \
  | while read -r j; do cp "$j" bench/gpu/.carry/lib/; done
# The Java side compiled here too, so the device runs it without javac (run.sh falls back to the
# single-file source launcher only when these classes are absent, as in CI).
mkdir -p bench/gpu/.carry/classes
"${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/javac" --release 21 -d bench/gpu/.carry/classes \
  -cp "src/target/classes:$(cat src/target/classpath.txt)" bench/gpu/GpuBench.java
du -sh bench/gpu/.carry src/target/classes
