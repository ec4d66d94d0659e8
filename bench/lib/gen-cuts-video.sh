#!/usr/bin/env bash
# bench/lib/gen-cuts-video.sh OUT SECONDS CUTS STYLE CODEC SIZE FPS SEED
# Writes OUT (a video made of CUTS+1 shots from FFmpeg's lavfi sources, hard cuts between them)
# and OUT.truth (the cut times: first frame of every shot after the first, one per line).
#   STYLE  mixed | noisy (every shot with strong temporal noise) | fades (brightness swings inside
#          shots, which are not cuts) | colors (flat colours + noise only: the hardest case)
#   CODEC  x264 | x265 | vp9 | mpeg4   (container from OUT's extension: mp4 webm avi mkv mov)
# Shots are at least 2.5 s: one sample per second cannot place shorter ones.
set -euo pipefail
out="$1" secs="$2" cuts="$3" style="$4" codec="$5" size="$6" fps="$7" seed="$8"
[[ -s "$out" && -s "$out.truth" ]] && exit 0
mkdir -p "$(dirname "$out")"
W="${size%x*}" H="${size#*x}"

# Shot lengths in frames: a random split of the total with a 2.5 s floor (awk's srand: reproducible).
mapfile -t frames < <(awk -v n=$((cuts + 1)) -v total="$secs" -v fps="$fps" -v seed="$seed" 'BEGIN {
  srand(seed); min = 2.5; free = total - n * min; if (free < 0) free = 0
  for (i = 0; i < n; i++) { w[i] = 0.3 + rand(); s += w[i] }
  for (i = 0; i < n; i++) printf "%d\n", int((min + free * w[i] / s) * fps + 0.5) }')

# Shot sources; consecutive shots never use the same one, and each gets its own hue/seed.
sources=(testsrc2 mandelbrot life cellauto smptebars gradients sierpinski rgbtestsrc color)
[[ "$style" == colors ]] && sources=(color)
RANDOM=$seed
inputs=() chains="" labels="" t=0 last=-1
: > "$out.truth.tmp"
for ((i = 0; i <= cuts; i++)); do
  n=${frames[$i]}
  d=$(awk -v n="$n" -v r="$fps" 'BEGIN { printf "%.6f", n / r }')
  k=$((RANDOM % ${#sources[@]}))
  if ((${#sources[@]} > 1 && k == last)); then k=$(((k + 1) % ${#sources[@]})); fi
  last=$k
  hue=$((RANDOM % 360)) rgb=$(printf '%02x%02x%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
  case "${sources[$k]}" in
    testsrc2)   src="testsrc2=s=${size}:r=${fps}" ;;
    mandelbrot) src="mandelbrot=s=${size}:r=${fps}:start_scale=$((1 + RANDOM % 3)):end_scale=0.05:start_x=-0.74$((RANDOM % 10))" ;;
    life)       src="life=s=${size}:r=${fps}:mold=10:ratio=0.$((2 + RANDOM % 6)):seed=$RANDOM:life_color=#${rgb}:death_color=#202020" ;;
    cellauto)   src="cellauto=s=${size}:r=${fps}:rule=$((18 + RANDOM % 140)):random_fill_ratio=0.5:seed=$RANDOM" ;;
    smptebars)  src="smptebars=s=${size}:r=${fps}" ;;
    gradients)  src="gradients=s=${size}:r=${fps}:speed=0.02:seed=$RANDOM" ;;
    sierpinski) src="sierpinski=s=${size}:r=${fps}:seed=$RANDOM:jump=$((20 + RANDOM % 80))" ;;
    rgbtestsrc) src="rgbtestsrc=s=${size}:r=${fps}" ;;
    color)      src="color=c=0x${rgb}:s=${size}:r=${fps}" ;;
  esac
  f="hue=h=${hue}"
  case "${sources[$k]}" in smptebars|rgbtestsrc) f="$f,scroll=h=0.00$((2 + RANDOM % 7))" ;; esac # static patterns get camera-like motion
  [[ "${sources[$k]}" == color ]] && f="$f,noise=alls=$((12 + RANDOM % 20)):allf=t"
  [[ "$style" == noisy ]] && f="$f,noise=alls=30:allf=t"
  # fades: brightness swings of up to ±0.35 within the shot (lighting changes, not cuts)
  [[ "$style" == fades ]] && f="$f,eq=brightness='0.35*sin(2*PI*t/$d)':eval=frame"
  [[ "$style" == mixed && $((i % 4)) == 3 ]] && f="$f,fade=t=in:st=0:d=1"
  inputs+=(-t "$d" -f lavfi -i "$src")
  chains+="[$i:v]${f},scale=${W}:${H},setsar=1,format=yuv420p,fps=${fps}[v$i];"
  labels+="[v$i]"
  if ((i > 0)); then awk -v t="$t" -v r="$fps" 'BEGIN { printf "%.3f\n", t / r }' >> "$out.truth.tmp"; fi
  t=$((t + n))
done

case "$codec" in
  x264)  enc=(-c:v libx264 -preset veryfast -crf 23 -g 250) ;;
  x265)  enc=(-c:v libx265 -preset ultrafast -crf 28 -x265-params log-level=error) ;;
  vp9)   enc=(-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 600k) ;;
  mpeg4) enc=(-c:v mpeg4 -q:v 4 -g 120) ;;
  *) echo "unknown codec $codec" >&2; exit 2 ;;
esac
tmp="${out%.*}.part.${out##*.}"
ffmpeg -hide_banner -loglevel error -y "${inputs[@]}" \
  -filter_complex "${chains}${labels}concat=n=$((cuts + 1)):v=1:a=0[out]" -map "[out]" \
  "${enc[@]}" -pix_fmt yuv420p -threads 2 "$tmp"
mv "$out.truth.tmp" "$out.truth"
mv "$tmp" "$out"
