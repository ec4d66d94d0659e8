#!/usr/bin/env bash
# compress: TDC compression benchmarks. They belong to the TDC work (bench/tdc/, another owner):
# this suite runs bench/tdc/run.sh (or bench/tdc/run) when it exists, records its output as a
# section, and skips with a message otherwise. A TDC-vs-pooling main
# (dev.longvqa.tdc.bench.CompressBench RESULTS_DIR, writing compress.md itself) is used if present.
set -euo pipefail
source "$BENCH/lib/common.sh"
main=dev.longvqa.tdc.bench.CompressBench
if [[ -f "$ROOT/src/target/classes/${main//.//}.class" ]]; then
  exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Djava.awt.headless=true \
    -cp "$ROOT/src/target/classes:$(cat "$ROOT/src/target/classpath.txt")" "$main" "$RESULTS"
fi
script=""
for s in "$BENCH/tdc/run.sh" "$BENCH/tdc/run"; do [[ -x "$s" ]] && { script=$s; break; }; done
if [[ -z "$script" ]]; then
  log "compress: SKIPPED: no bench/tdc/run.sh and no $main yet (TDC is being built in dev.longvqa.tdc)"
  { section_header "compress: TDC"; echo "Skipped: the TDC benchmark (bench/tdc/run.sh or $main) does not exist yet."; } > "$RESULTS/compress.md"
  exit 0
fi
log "compress: running ${script#"$ROOT"/}"
out="$CACHE/compress.out"; mkdir -p "$CACHE"
if timeout 900 "$script" > "$out" 2>&1; then status="ok"; else status="failed or timed out (exit $?)"; fi
{
  section_header "compress: TDC (${script#"$ROOT"/})"
  echo "Output of \`${script#"$ROOT"/}\` ($status); see that script for what it compares."
  echo
  echo '```'
  tail -n 60 "$out"
  echo '```'
} > "$RESULTS/compress.md"
