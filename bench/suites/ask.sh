#!/usr/bin/env bash
# ask: end-to-end `longvqa ask` on a generated video, time split by stage (from `ask --json`).
# Skipped until the ask command exists.
set -euo pipefail
source "$BENCH/lib/common.sh"
if ! "$ROOT/longvqa" ask --help >/dev/null 2>&1; then
  log "ask: SKIPPED: './longvqa ask --help' fails (the ask command is not wired yet)"
  { section_header "ask: end to end"; echo "Skipped: \`longvqa ask\` does not exist yet."; } > "$RESULTS/ask.md"
  exit 0
fi
log "ask: SKIPPED: ask exists, but this suite needs a model (BENCH_ASK_MODEL=spec, e.g. gguf:PATH)"
[[ -n "${BENCH_ASK_MODEL:-}" ]] || { { section_header "ask: end to end"; echo "Skipped: set BENCH_ASK_MODEL to a model spec."; } > "$RESULTS/ask.md"; exit 0; }
