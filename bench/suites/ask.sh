#!/usr/bin/env bash
# ask: end-to-end `longvqa ask V Q --json` on the 10-minute decode input, wall time split by
# stage from its JSON timings (decode+embed, segment, LVCoT segment passes, answer passes, the
# rest = JVM start, model load, I/O), each as a share of the whole run. Needs a model:
# BENCH_ASK_LLM (an --llm spec, e.g. gguf:/path/model.gguf or openai:http://host:8000/v1), else
# $LONGVQA_LLM, else the tiny random-weight SmolVLM-layout model the tests ship: then the LLM's
# share is that of a toy model and the split shows the pipeline around it.
set -euo pipefail
source "$BENCH/lib/common.sh"
tiny="runtime:$ROOT/src/test/resources/golden/llm/smolvlm"
llm="${BENCH_ASK_LLM:-${LONGVQA_LLM:-$tiny}}"
skip() { log "ask: SKIPPED: $1"; { section_header "ask: end to end"; echo "Skipped: $1."; } > "$RESULTS/ask.md"; exit 0; }
# Without an ask subcommand, picocli answers `ask --help` with the root usage and exit 0: look
# for ask's own usage line instead of trusting the exit status.
help=$("$ROOT/longvqa" ask --help 2>&1 || true)
[[ "$help" == *"Usage: longvqa ask"* ]] || skip "'./longvqa ask --help' shows no ask command (not in this build)"
m="${BENCH_ASK_MINUTES:-10}"
v="$CACHE/decode/${m}min.mp4"
"$BENCH/lib/gen-decode-video.sh" "$m" "$v"
work="$CACHE/ask"; mkdir -p "$work"
read -r wall rss < <(timed "$work/ask" "$ROOT/longvqa" ask "$v" "What happens in this video?" --json -q --no-cache --llm "$llm") \
  || skip "ask failed: $(tail -n 3 "$work/ask.err" | tr '\n' ' ')"
t() { grep -o "\"$1\":[0-9]*" "$work/ask.out" | head -n1 | cut -d: -f2; }
dec=$(t decodeMs) seg=$(t segmentMs) sp=$(t segmentPassesMs) ap=$(t answerPassesMs)
awk -v w="$wall" -v d="${dec:-0}" -v s="${seg:-0}" -v sp="${sp:-0}" -v ap="${ap:-0}" 'BEGIN {
  W = w * 1000; rest = W - d - s - sp - ap; if (rest < 0) rest = 0
  print "stage\tshare of wall time"
  printf "decode+embed\t%.4f\nsegment\t%.4f\nLVCoT segment passes\t%.4f\nanswer passes\t%.4f\nrest (JVM, model load, I/O)\t%.4f\n", d/W, s/W, sp/W, ap/W, rest/W }' > "$work/split.tsv"
bench_tool chart "$work/split.tsv" "$RESULTS/ask-split.png" "longvqa ask on a ${m}-minute video: share of wall time per stage" "share of wall time"
{
  section_header "ask: end to end"
  echo "\`./longvqa ask V \"What happens in this video?\" --json -q --no-cache --llm ${llm//$ROOT\//}\` on the ${m}-minute decode input."
  [[ "$llm" == "$tiny" ]] && echo "The model is the tests' tiny random-weight SmolVLM layout (no real model named in BENCH_ASK_LLM/LONGVQA_LLM): its passes cost what a toy costs; real models move the split towards the LVCoT passes."
  echo "Peak RSS $((rss / 1024)) MB. Shares of the run's wall time (the whole run is the reference):"
  echo
  echo "| stage | share |"
  echo "|---|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %.1f %% |\n", $1, $2 * 100 }' "$work/split.tsv"
  echo
  echo "![stage split](ask-split.png)"
} > "$RESULTS/ask.md"
