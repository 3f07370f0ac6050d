# shellcheck shell=bash
# corpus-lib.sh -- what the corpus makers (make-corpus.sh for H.264,
# make-corpus-vp9.sh, make-corpus-av1.sh) share. Sourced, never run; like
# them it runs INSIDE the guest root (gen-corpus.sh, tools/vm/in-root.sh).
#
#   corpus_begin OUTDIR          cd there, empty clips.txt, make trace/
#   ff ARGS...                   ffmpeg, quiet, no stdin
#   source_graph KIND WxH N      lavfi graph of a synthetic source at WxH
#                                (odd sizes: made one larger, scaled down)
#   check_stream NAME FILE CHECKS
#                                FFmpeg's trace_headers of FILE into
#                                trace/NAME.trace.txt, then streamcheck.py
#   make_reference NAME FILE WxH N FMT DECODER_OPTS
#                                NAME.md5: one MD5 per output frame
#   add_clip NAME W H N [FMT] DESCRIPTION
#                                NAME.frames and the clips.txt line
#
# Everything here is deterministic (synthetic sources, one decoder thread),
# so the same scripts and root give byte-identical corpora.

corpus_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rate=25

corpus_begin() {
	cd "$1" || return 1
	: >clips.txt
	mkdir -p trace
}

ff() { ffmpeg -nostdin -hide_banner -loglevel error "$@"; }

# lavfi_source KIND WxH FRAMES -- lavfi graph of a synthetic source
lavfi_source() {
	local s=$2 n=$3
	case $1 in
	testsrc2) echo "testsrc2=size=$s:rate=$rate" ;;
	mandel) echo "mandelbrot=size=$s:rate=$rate" ;;
	# a fade from and to black: what makes x264 use explicit weights
	fade) echo "testsrc2=size=$s:rate=$rate,fade=t=in:s=0:n=$((n / 2)),fade=t=out:s=$((n / 2)):n=$((n - n / 2))" ;;
	# real interlaced content (fields 1/50 s apart) so that MBAFF picks
	# field macroblock pairs where there is motion
	interlaced) echo "testsrc2=size=$s:rate=$((2 * rate)),tinterlace=mode=interleave_top,setfield=tff" ;;
	# two scenes: a scene cut in the middle (mixed I/P/B decisions in
	# x264, a second key frame in libvpx and the AV1 encoders)
	scenecut) echo "testsrc2=size=$s:rate=$rate,trim=end_frame=$((n / 2))[a];mandelbrot=size=$s:rate=$rate,trim=end_frame=$((n - n / 2))[b];[a][b]concat=n=2:v=1:a=0" ;;
	# screen content: testsrc's flat colour bars, sharp edges and
	# counter, four times over (2x2): what palette mode and intra block
	# copy are for
	screen) echo "testsrc=size=$((${s%x*} / 2))x$((${s#*x} / 2)):rate=$rate,split=4[a][b][c][d];[a][b]hstack[t];[c][d]hstack[u];[t][u]vstack" ;;
	*) echo "corpus-lib.sh: unknown source $1" >&2; return 1 ;;
	esac
}

# source_graph KIND WxH FRAMES -- lavfi_source, at any size: the sources
# make even sizes only (4:2:0), so an odd size is made one larger and
# scaled down.
source_graph() {
	local w=${2%x*} h=${2#*x} graph
	if [ $((w % 2)) = 1 ] || [ $((h % 2)) = 1 ]; then
		graph=$(lavfi_source "$1" "$((w + w % 2))x$((h + h % 2))" "$3") || return 1
		echo "$graph,scale=$w:$h:flags=bicubic"
	else
		lavfi_source "$1" "$2" "$3"
	fi
}

# check_stream NAME FILE CHECKS -- the clip must use what it claims to
# cover: FFmpeg's header trace (cbs_h264/cbs_vp9/cbs_av1) into
# trace/NAME.trace.txt, checked by streamcheck.py.
check_stream() {
	ffmpeg -nostdin -hide_banner -loglevel trace -i "$2" -c copy \
		-bsf:v trace_headers -f null - 2>&1 | grep '^\[trace_headers' >"trace/$1.trace.txt" || true
	# shellcheck disable=SC2086 # $3 is several checks
	python3 "$corpus_here/streamcheck.py" "trace/$1.trace.txt" $3
}

# make_reference NAME FILE WxH FRAMES FMT DECODER_OPTS -- NAME.md5, the
# reference: one MD5 per frame the software decoder outputs, in output
# (display) order, every frame exactly once (passthrough: none dropped or
# duplicated for timestamps). FMT nv12 (8-bit) or p010 (10-bit).
# DECODER_OPTS (e.g. "-c:v vp9") choose FFmpeg's decoder; one thread.
#
# The MD5s are of the decoder's own planar output (yuv420p/yuv420p10le,
# no swscale), hashed as NV12/P010 by framemd5.py --layout planar. FFmpeg's
# own framemd5 after its conversion to nv12/p010le (trace/NAME.framemd5)
# must give the same MD5s -- except for P010 at odd widths, where FFmpeg
# 7.1's swscale leaves the last chroma sample of each line zero. The
# decoded size must be WxH and the number of frames FRAMES.
make_reference() {
	local name=$1 file=$2 size=$3 frames=$4 fmt=$5 dec=$6
	local w=${3%x*} h=${3#*x} pix refpix dims n
	case $fmt in
	nv12) pix=yuv420p refpix=nv12 ;;
	p010) pix=yuv420p10le refpix=p010le ;;
	*) echo "$name: bad format $fmt" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086 # $dec: several options, or none
	ff -threads 1 $dec -i "$file" -map 0:v -fps_mode passthrough \
		-pix_fmt $refpix -f framemd5 "trace/$name.framemd5"
	dims=$(sed -n 's/^#dimensions 0: *//p' "trace/$name.framemd5")
	[ "$dims" = "$size" ] || { echo "$name: decoded size $dims, not $size" >&2; return 1; }
	# shellcheck disable=SC2086
	ff -threads 1 $dec -i "$file" -map 0:v -fps_mode passthrough \
		-pix_fmt $pix -f rawvideo "/tmp/$name.raw"
	python3 "$corpus_here/framemd5.py" --layout planar --format "$fmt" \
		"/tmp/$name.raw" "$w" "$h" >"$name.md5"
	rm -f "/tmp/$name.raw"
	n=$(wc -l <"$name.md5")
	[ "$n" -eq "$frames" ] ||
		{ echo "$name: the decoder outputs $n frames, $frames expected" >&2; return 1; }
	if [ "$fmt" = nv12 ] || [ $((w % 2)) = 0 ]; then
		grep -v '^#' "trace/$name.framemd5" | awk -F, '{ gsub(/ /, "", $6); print $6 }' |
			cmp -s - "$name.md5" || { echo "$name: framemd5.py disagrees with FFmpeg" >&2; return 1; }
	fi
}

# add_clip NAME W H FRAMES [FMT] DESCRIPTION... -- NAME.frames and the
# clip's clips.txt line: "name width height frames [format] description"
# (the H.264 corpus has no format column).
add_clip() {
	echo "$4" >"$1.frames"
	echo "$*" >>clips.txt
}
