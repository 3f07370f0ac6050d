#!/usr/bin/env bash
# make-user-clip.sh FILE OUTDIR -- a one-clip corpus of the user's video
# (tools/demo.sh FILE): its first video stream remuxed to what run-corpus.sh
# reads (H.264 and HEVC as Annex-B NAME.h264 and NAME.h265, MPEG-2 as an elementary stream NAME.m2v, VP8, VP9 and AV1 as NAME.ivf), its first
# 100 frames, and its reference made by FFmpeg's software decoder
# (make_reference in corpus-lib.sh). Runs in the guest. Fails, saying why,
# for a codec or pixel format the device does not decode.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
file=$(realpath "$1")
mkdir -p "$2"
corpus_begin "$2"

probe() {
	ffprobe -v error -select_streams v:0 -show_entries "stream=$1" -of csv=p=0 "$file"
}
codec=$(probe codec_name) w=$(probe width) h=$(probe height) pix=$(probe pix_fmt)
case $pix in
yuv420p | yuvj420p) fmt=nv12 ;;
yuv420p10le) fmt=p010 ;;
*) echo "$file: pixel format $pix: the device decodes 4:2:0 8- and 10-bit only" >&2; exit 1 ;;
esac
name=user
case $codec in
h264) ext=h264 remux=(-bsf:v h264_mp4toannexb -f h264) dec="" ;;
hevc) ext=h265 remux=(-bsf:v hevc_mp4toannexb -f hevc) dec="-c:v hevc" ;;
vp9) ext=ivf remux=(-f ivf) dec="-c:v vp9" ;;
vp8) ext=ivf remux=(-f ivf) dec="-c:v vp8" ;;
mpeg2video) ext=m2v remux=(-f mpeg2video) dec="" ;;
av1) ext=ivf remux=(-f ivf) dec="-c:v libdav1d" ;;
*) echo "$file: codec $codec: not one the device decodes" >&2; exit 1 ;;
esac
ff -i "$file" -map 0:v:0 -c copy -frames:v 100 "${remux[@]}" "$name.$ext"
frames=$(ffprobe -v error -count_frames -select_streams v:0 \
	-show_entries stream=nb_read_frames -of csv=p=0 "$name.$ext")
make_reference "$name" "$name.$ext" "${w}x$h" "$frames" "$fmt" "$dec"
add_clip "$name" "$w" "$h" "$frames" "$fmt" "$(basename "$file") ($codec)"
