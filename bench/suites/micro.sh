#!/usr/bin/env bash
# micro: JMH micro-benchmarks (module bench/jmh) of the hot loops behind `scenes`:
# SignatureEmbedder.embed on one 160x90 frame against one plain pass over its pixels, and
# SceneSegmenter.segment on a 3000-point curve (50 min at 1 fps) against embedding those frames.
set -euo pipefail
source "$BENCH/lib/common.sh"
work="$CACHE/micro"; mkdir -p "$work"
mod="$ROOT/bench/jmh"
if [[ ! -f "$mod/target/classpath.txt" || -n "$(find "$mod/src" "$ROOT/src/main" -newer "$mod/target/classpath.txt" -type f -print -quit)" ]]; then
  log "micro: building bench/jmh"
  (cd "$ROOT" && mvn -B -q -pl bench/jmh -am package -DskipTests) > "$work/build.log" 2>&1 \
    || { tail -n 30 "$work/build.log" >&2; die "bench/jmh build failed (log: $work/build.log)"; }
fi
args=(-rf csv -rff "$work/jmh.csv")
[[ "${BENCH_QUICK:-}" == 1 ]] && args+=(-wi 1 -i 2 -w 1 -r 1)
"$JAVA_HOME/bin/java" -cp "$mod/target/classes:$(cat "$mod/target/classpath.txt")" org.openjdk.jmh.Main "${args[@]}" \
  'dev.longvqa.bench.jmh.*' > "$work/jmh.log" 2>&1 || { tail -20 "$work/jmh.log" >&2; die "JMH failed"; }
score() { awk -F, -v b="\"dev.longvqa.bench.jmh.$1\"" '$1 == b { gsub(/"/, "", $5); gsub(/"/, "", $6); print $5, $6 }' "$work/jmh.csv"; }
read -r embed embedErr < <(score EmbedBench.signatureEmbed)
read -r pass passErr < <(score EmbedBench.onePixelPass)
read -r seg segErr < <(score SegmentBench.segment3000)
r1=$(awk -v a="$embed" -v b="$pass" 'BEGIN { printf "%.1f", a / b }')
r2=$(awk -v a="$seg" -v b="$embed" 'BEGIN { printf "%.4f", a / (3000 * b) }')
rt1=$(awk -v a="$embed" 'BEGIN { printf "%.5f", a / 1e6 }')
rt2=$(awk -v a="$seg" 'BEGIN { printf "%.7f", a / 1e6 / 3000 }')
printf 'measure\tratio\nembed / one pixel pass\t%s\n' "$r1" > "$work/ratio.tsv"
bench_tool chart "$work/ratio.tsv" "$RESULTS/micro-embed.png" "SignatureEmbedder.embed per 160x90 frame / one read pass over its pixels (JMH)" "time ratio" 
{
  section_header "micro: JMH (bench/jmh)"
  echo "JMH 1.37, 1 fork, average time. Reference runs are in the same JMH invocation."
  echo
  echo "| benchmark | score | reference | **ratio** | share of the video time it covers |"
  echo "|---|---:|---|---:|---:|"
  printf '| SignatureEmbedder.embed, one 160×90 frame | %.1f ± %.1f µs | one pass over its pixels: %.2f ± %.2f µs | **%s×** | %s (1 frame = 1 s at 1 fps) |\n' \
    "$embed" "$embedErr" "$pass" "$passErr" "$r1" "$rt1"
  printf '| SceneSegmenter.segment, 3000 points | %.0f ± %.0f µs | embedding the same 3000 frames: %.0f µs | **%s×** | %s (3000 s) |\n' \
    "$seg" "$segErr" "$(awk -v a="$embed" 'BEGIN { print a * 3000 }')" "$r2" "$rt2"
  echo
  echo "![embed ratio](micro-embed.png)"
} > "$RESULTS/micro.md"
log "micro: embed ${embed}us (${r1}x a pixel pass), segment3000 ${seg}us (${r2}x embedding 3000 frames)"
