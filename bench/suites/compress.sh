#!/usr/bin/env bash
# compress: TDC vs a pooling baseline, throughput and tokens per video-hour. The benchmark main
# belongs to the TDC work (bench/tdc/); this suite runs it when it exists and skips otherwise.
set -euo pipefail
source "$BENCH/lib/common.sh"
main=dev.longvqa.tdc.bench.CompressBench
if [[ -x "$BENCH/tdc/run" ]]; then
  log "compress: delegating to bench/tdc/run"
  exec "$BENCH/tdc/run" "$RESULTS"
fi
if [[ ! -f "$ROOT/src/target/classes/${main//.//}.class" ]]; then
  log "compress: SKIPPED: neither bench/tdc/run nor $main exists yet (TDC is being built in dev.longvqa.tdc)"
  { section_header "compress: TDC vs pooling"; echo "Skipped: the TDC benchmark (bench/tdc/run or $main) does not exist yet."; } > "$RESULTS/compress.md"
  exit 0
fi
"$JAVA_HOME/bin/java" -Djava.awt.headless=true -cp "$ROOT/src/target/classes:$(cat "$ROOT/src/target/classpath.txt")" "$main" "$RESULTS"
