#!/usr/bin/env bash
# cuts: cut-detection F1 (a detection within ±1 s of a true cut, each matched once) of
# `longvqa scenes --json` against ffmpeg's scdet filter (every frame, threshold 10), on generated
# videos with known cuts: varied lavfi content, noise, brightness swings, five codecs/containers.
set -euo pipefail
source "$BENCH/lib/common.sh"
dir="$CACHE/cuts"; work="$dir/work"; mkdir -p "$work"

# name seconds cuts style codec size fps seed
videos=(
  "c01-nocut.mp4 3 0 mixed x264 320x180 25 1"
  "c02-short.mp4 20 2 mixed x264 480x270 30 2"
  "c03-vp9.webm 60 5 mixed vp9 320x180 25 3"
  "c04-noisy.avi 90 8 noisy mpeg4 320x180 25 4"
  "c05-fades.mkv 120 12 fades x264 480x270 30 5"
  "c06-mov.mov 45 6 mixed mpeg4 640x360 24 6"
  "c07-hevc.mp4 60 6 mixed x265 320x180 25 7"
  "c08-mixed.mp4 180 20 mixed x264 480x270 30 8"
  "c09-dense.mkv 240 40 mixed x264 320x180 25 9"
  "c10-longnoisy.mp4 300 10 noisy x264 320x180 25 10"
  "c11-fades-nocut.mkv 30 0 fades x264 320x180 25 11"
  "c12-colors.mp4 150 15 colors x264 320x180 25 12"
  "c13-colors-vp9.webm 90 10 colors vp9 320x180 30 13"
  "c14-fades.mp4 200 16 fades x265 320x180 25 14"
)
[[ "${BENCH_QUICK:-}" == 1 ]] && videos=("${videos[@]:0:3}")
if ! grep -q libx265 <<< "$(ffmpeg -hide_banner -encoders 2>/dev/null)"; then
  warn "this ffmpeg has no libx265: HEVC videos skipped"
  mapfile -t videos < <(printf '%s\n' "${videos[@]}" | grep -v ' x265 ')
fi

tsv="$RESULTS/cuts.tsv"
printf 'video\tseconds\tcuts\tstyle\tcodec\tours_tp\tours_fp\tours_fn\tours_p\tours_r\tours_f1\tscdet_tp\tscdet_fp\tscdet_fn\tscdet_p\tscdet_r\tscdet_f1\tours_s\tscdet_s\n' > "$tsv.tmp"
for spec in "${videos[@]}"; do
  read -r name secs cuts style codec size fps seed <<< "$spec"
  v="$dir/$name"
  "$BENCH/lib/gen-cuts-video.sh" "$v" "$secs" "$cuts" "$style" "$codec" "$size" "$fps" "$seed"
  base="$work/${name%.*}"
  # --max-scenes 64: the default (24, the reference's cap for the LLM) would hide cuts of the
  # 40-cut video; this suite measures detection, not the cap.
  read -r ot _ < <(timed "$base.ours" "$ROOT/longvqa" scenes "$v" --json -q --max-scenes 64)
  bench_tool cuts "$base.ours.out" > "$base.ours.cuts"
  read -r st _ < <(timed "$base.scdet" ffmpeg -hide_banner -nostats -loglevel info -i "$v" -vf scdet=threshold=10 -f null -)
  { grep -o 'lavfi\.scd\.time: [0-9.]*' "$base.scdet.err" || true; } | awk '{ print $2 }' > "$base.scdet.cuts"
  read -r otp ofp ofn op or of1 < <(bench_tool score "$v.truth" "$base.ours.cuts" 1.0)
  read -r stp sfp sfn sp sr sf1 < <(bench_tool score "$v.truth" "$base.scdet.cuts" 1.0)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$secs" "$cuts" "$style" "$codec" \
    "$otp" "$ofp" "$ofn" "$op" "$or" "$of1" "$stp" "$sfp" "$sfn" "$sp" "$sr" "$sf1" "$ot" "$st" >> "$tsv.tmp"
  log "cuts: $name truth=$cuts ours f1=$of1 (fp=$ofp fn=$ofn) scdet f1=$sf1 (fp=$sfp fn=$sfn)"
  if [[ "$of1" != 1.0000 ]]; then
    log "   truth: $(paste -sd' ' "$v.truth")"
    log "   ours:  $(paste -sd' ' "$base.ours.cuts")"
  fi
done
mv "$tsv.tmp" "$tsv"

# Totals: micro-averaged over all cuts (sum tp/fp/fn, then P/R/F1).
totals() { # column offset of tp
  awk -F'\t' -v c="$1" 'NR > 1 { tp += $c; fp += $(c + 1); fn += $(c + 2) } END {
    p = tp + fp ? tp / (tp + fp) : 1; r = tp + fn ? tp / (tp + fn) : 1; f = p + r ? 2 * p * r / (p + r) : 0
    printf "%d %d %d %.3f %.3f %.3f\n", tp, fp, fn, p, r, f }' "$tsv"
}
read -r Otp Ofp Ofn Op Or Of1 < <(totals 6)
read -r Stp Sfp Sfn Sp Sr Sf1 < <(totals 12)
Ot=$(awk -F'\t' 'NR > 1 { s += $18 } END { printf "%.1f", s }' "$tsv")
St=$(awk -F'\t' 'NR > 1 { s += $19 } END { printf "%.1f", s }' "$tsv")

awk -F'\t' 'NR == 1 { print "video\tlongvqa scenes\tffmpeg scdet"; next } { sub(/\.[a-z0-9]+$/, "", $1); print $1 "\t" $11 "\t" $17 }' "$tsv" > "$work/f1.tsv"
printf 'TOTAL\t%s\t%s\n' "$Of1" "$Sf1" >> "$work/f1.tsv"
bench_tool chart "$work/f1.tsv" "$RESULTS/cuts-f1.png" "Cut detection F1 (±1 s) per video: longvqa scenes vs ffmpeg scdet" "F1" 0.9 "target 0.90"

{
  section_header "cuts: cut detection vs ffmpeg scdet"
  echo "Generated videos with known hard cuts (\`bench/lib/gen-cuts-video.sh\`: lavfi testsrc2, mandelbrot,"
  echo "life, cellauto, smptebars/rgbtestsrc with scrolling, gradients, sierpinski, flat colour + noise;"
  echo "styles: *noisy* = temporal noise alls=30 on every shot, *fades* = brightness swings ±0.35 inside"
  echo "shots, *colors* = flat colours + noise only). A detection counts if within ±1 s of a true cut,"
  echo "each cut matched once. Ours: \`longvqa scenes --json --max-scenes 64\` (1 fps sampling);"
  echo "reference: \`ffmpeg -vf scdet=threshold=10\` on every frame."
  echo
  echo "**Total over $(($(wc -l < "$tsv") - 1)) videos ($((Otp + Ofn)) cuts): longvqa F1 $Of1 (P $Op, R $Or; $Ofp false, $Ofn missed) ·"
  echo "scdet F1 $Sf1 (P $Sp, R $Sr; $Sfp false, $Sfn missed) · time longvqa / scdet = $(awk -v a="$Ot" -v b="$St" 'BEGIN { printf "%.2f", a / b }')×**"
  echo
  echo "| video | length | cuts | style | codec | longvqa F1 | P | R | fp | fn | scdet F1 | P | R | fp | fn | time ratio |"
  echo "|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s s | %s | %s | %s | **%.3f** | %.2f | %.2f | %d | %d | **%.3f** | %.2f | %.2f | %d | %d | %.2f× |\n",
    $1, $2, $3, $4, $5, $11, $9, $10, $7, $8, $17, $15, $16, $13, $14, $18 / $19 }' "$tsv"
  echo
  echo "![F1 per video](cuts-f1.png)"
} > "$RESULTS/cuts.md"
