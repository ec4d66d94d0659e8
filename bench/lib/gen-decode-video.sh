#!/usr/bin/env bash
# bench/lib/gen-decode-video.sh MINUTES OUT.mp4
# A 480x270 30 fps H.264 video of the given length from FFmpeg's lavfi test sources: a moving
# test pattern with a second, drifting noise layer so the encoder cannot skip most macroblocks
# (an all-static source would make decoding unrealistically cheap for both contenders).
set -euo pipefail
min="$1" out="$2"
[[ -s "$out" ]] && exit 0
mkdir -p "$(dirname "$out")"
tmp="${out%.mp4}.part.mp4"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=480x270:rate=30:duration=$((min * 60))" \
  -vf "noise=alls=8:allf=t" \
  -c:v libx264 -preset veryfast -crf 26 -g 250 -pix_fmt yuv420p -threads 2 -movflags +faststart "$tmp"
mv "$tmp" "$out"
