#!/usr/bin/env bash
# bench/lib/gen-decode-video.sh MINUTES OUT [CODEC]
# A 480x270 30 fps video of the given length from FFmpeg's lavfi test sources: a moving test
# pattern with a second, drifting noise layer so the encoder cannot skip most macroblocks (an
# all-static source would make decoding unrealistically cheap for both contenders).
#   CODEC  h264 (libx264 veryfast, default; .mp4) | hevc (libx265 ultrafast; .mp4) | vp9 (libvpx-vp9 realtime; .webm)
set -euo pipefail
min="$1" out="$2" codec="${3:-h264}"
[[ -s "$out" ]] && exit 0
mkdir -p "$(dirname "$out")"
tmp="${out%.*}.part.${out##*.}"
case "$codec" in
  h264) enc=(-c:v libx264 -preset veryfast -crf 26 -g 250 -threads 2 -movflags +faststart) ;;
  hevc) enc=(-c:v libx265 -preset ultrafast -crf 28 -x265-params log-level=error -movflags +faststart) ;;
  vp9)  enc=(-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 600k -row-mt 1 -threads 2) ;;
  *) echo "unknown codec $codec" >&2; exit 2 ;;
esac
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=480x270:rate=30:duration=$((min * 60))" \
  -vf "noise=alls=8:allf=t" "${enc[@]}" -pix_fmt yuv420p "$tmp"
mv "$tmp" "$out"
