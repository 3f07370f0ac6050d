#!/usr/bin/env bash
# make-corpus-vp9.sh OUTDIR -- encode the VP9 conformance clips into OUTDIR
# and make their per-frame MD5 references. Runs INSIDE the guest root
# (through gen-corpus.sh vp9 and tools/vm/in-root.sh): the encoder is the
# guest's libvpx-vp9, the reference decoder FFmpeg 7.1's own `vp9`.
#
# For each clip NAME:
#   NAME.ivf     IVF file, one VP9 frame or superframe (hidden alt-ref
#                frame + the next shown frame) a packet
#   NAME.md5     one MD5 per *shown* frame, in display order, of the frame
#                FFmpeg's software decoder outputs, as NV12 (profile 0) or
#                P010 (profile 2, 10-bit) at the frame size, rows tight
#                (what framemd5.py hashes out of GStreamer's layout; see
#                make_reference in corpus-lib.sh). Hidden frames are never
#                output by a player, so they have no line.
#   NAME.frames  the number of frames FFmpeg outputs (= frames encoded)
#   trace/NAME.framemd5, trace/NAME.trace.txt   for debugging
# and clips.txt: "name width height frames format description", format
# nv12 or p010.
#
# Deterministic: synthetic lavfi sources, libvpx with one thread, two-pass
# logs in /tmp of the chroot.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=corpus-lib.sh
source "$(dirname "$0")/corpus-lib.sh"
corpus_begin "$1"

# clip NAME WxH FRAMES SOURCE FORMAT PASSES VPXOPTS CHECKS DESCRIPTION
#   FORMAT: nv12 (profile 0, yuv420p) or p010 (profile 2, yuv420p10le);
#   PASSES: 1 or 2 (libvpx makes hidden alt-ref frames only in two-pass
#   mode); VPXOPTS: ffmpeg options of libvpx-vp9; CHECKS: streamcheck.py
#   checks on FFmpeg's cbs_vp9 trace.
clip() {
	local name=$1 size=$2 frames=$3 src=$4 fmt=$5 passes=$6 opts=$7 checks=$8 desc=$9
	local graph pix
	echo "== $name ($size, $frames frames, $fmt): $desc" >&2
	graph=$(source_graph "$src" "$size" "$frames")
	case $fmt in
	nv12) pix=yuv420p ;;
	p010) pix=yuv420p10le ;;
	*) echo "$name: bad format $fmt" >&2; return 1 ;;
	esac
	# shellcheck disable=SC2086 # $opts is several options
	if [ "$passes" = 2 ]; then
		ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt $pix \
			-c:v libvpx-vp9 -threads 1 -row-mt 0 $opts -pass 1 \
			-passlogfile "/tmp/$name" -f null -
		ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt $pix \
			-c:v libvpx-vp9 -threads 1 -row-mt 0 $opts -pass 2 \
			-passlogfile "/tmp/$name" -f ivf "$name.ivf"
	else
		ff -f lavfi -i "$graph" -frames:v "$frames" -pix_fmt $pix \
			-c:v libvpx-vp9 -threads 1 -row-mt 0 $opts -f ivf "$name.ivf"
	fi
	rm -f "/tmp/$name"*.log
	check_stream "$name" "$name.ivf" "$checks"
	make_reference "$name" "$name.ivf" "$size" "$frames" "$fmt" "-c:v vp9"
	add_clip "$name" "${size%x*}" "${size#*x}" "$frames" "$fmt" "$desc"
}

GOOD="-deadline good -cpu-used 4"
RT="-deadline realtime -cpu-used 8"
ARF="-auto-alt-ref 1 -lag-in-frames 25 -b:v 400k"
NOARF="-auto-alt-ref 0 -lag-in-frames 0"
HIDDEN="show_frame=0>0"
P2="profile_high_bit=1 ten_or_twelve_bit=0"

#    name            size     frames source  fmt  passes libvpx options  checks  description
clip p0_basic        352x288  20 testsrc2 nv12 1 "$GOOD $NOARF -crf 32 -b:v 0" \
	"frame_type=0*1 !show_frame=0" \
	"Profile 0, one key frame then inter frames, no alt-ref"
clip p0_altref       352x288  30 testsrc2 nv12 2 "$GOOD $ARF" \
	"$HIDDEN" \
	"Profile 0, two-pass with hidden alt-ref frames (superframes, compound prediction)"
clip p0_altref_mandel 320x240 30 mandel   nv12 2 "$GOOD $ARF -arnr-maxframes 7 -arnr-strength 5" \
	"$HIDDEN" \
	"Profile 0, alt-ref with temporal filtering on a zooming source"
clip p0_realtime     320x240  20 mandel   nv12 1 "$RT $NOARF -b:v 200k" \
	"!show_frame=0" \
	"Profile 0, realtime speed 8 (different partitioning, more skip)"
clip p0_lossless     176x144  10 testsrc2 nv12 1 "$GOOD $NOARF -lossless 1" \
	"base_q_idx=0*10" \
	"Profile 0, lossless (base_q_idx 0: WHT transform)"
clip p0_error_res    352x288  20 testsrc2 nv12 1 "$GOOD $NOARF -error-resilient 1 -b:v 300k" \
	"error_resilient_mode=1*20" \
	"Profile 0, error-resilient mode (no backward adaptation, reset contexts)"
clip p0_tiles2       640x360  15 mandel   nv12 1 "$GOOD $NOARF -tile-columns 1 -b:v 500k" \
	"tile_cols_log2=1*15" \
	"Profile 0, 2 tile columns"
clip p0_tile_rows    352x288  15 testsrc2 nv12 1 "$GOOD $NOARF -tile-rows 2 -b:v 300k" \
	"tile_rows_log2=2" \
	"Profile 0, 4 tile rows"
clip p0_odd_175x99   175x99   20 testsrc2 nv12 2 "$GOOD $ARF" \
	"" \
	"Profile 0, odd size 175x99 (partial 8x8 blocks, odd chroma)"
clip p0_odd_33x17    33x17    15 mandel   nv12 1 "$GOOD $NOARF -crf 20 -b:v 0" \
	"" \
	"Profile 0, tiny odd size 33x17"
clip p0_aq_cyclic    352x288  20 testsrc2 nv12 1 "$RT $NOARF -aq-mode 3 -b:v 200k" \
	"segmentation_enabled=1>5" \
	"Profile 0, cyclic-refresh AQ: segmentation map updates"
clip p0_aq_variance  352x288  15 mandel   nv12 1 "$GOOD $NOARF -aq-mode 1 -crf 30 -b:v 0" \
	"segmentation_enabled=1>0" \
	"Profile 0, variance AQ: segment quantizers"
clip p0_keyint       320x240  30 scenecut nv12 1 "$GOOD $NOARF -g 8 -crf 34 -b:v 0" \
	"frame_type=0>3" \
	"Profile 0, key frame every 8 frames and a scene cut"
clip p0_lowq         176x144  10 mandel   nv12 1 "$GOOD $NOARF -crf 2 -b:v 0" \
	"" \
	"Profile 0, near-lossless quantizers (large coefficients)"
clip p0_frame_parallel 352x288 15 testsrc2 nv12 1 "$GOOD $NOARF -frame-parallel 1 -b:v 150k" \
	"frame_parallel_decoding_mode=1>10" \
	"Profile 0, frame-parallel mode (no backward probability adaptation) at a low rate"
clip p0_1080p        1920x1080 5 testsrc2 nv12 1 "$RT $NOARF -tile-columns 2 -b:v 2M" \
	"tile_cols_log2=2" \
	"Profile 0, 1920x1080, 4 tile columns"
clip p2_basic        352x288  20 testsrc2 p010 1 "$GOOD $NOARF -crf 32 -b:v 0" \
	"$P2" \
	"Profile 2, 10-bit, no alt-ref"
clip p2_altref       352x288  30 mandel   p010 2 "$GOOD $ARF" \
	"$P2 $HIDDEN" \
	"Profile 2, 10-bit, two-pass with hidden alt-ref frames"
clip p2_lossless     176x144  10 testsrc2 p010 1 "$GOOD $NOARF -lossless 1" \
	"$P2 base_q_idx=0*10" \
	"Profile 2, 10-bit lossless"
clip p2_odd_175x99   175x99   15 testsrc2 p010 1 "$GOOD $NOARF -error-resilient 1 -b:v 200k" \
	"$P2 error_resilient_mode=1*15" \
	"Profile 2, 10-bit, odd size 175x99, error-resilient"
clip p2_tiles2       640x360  10 testsrc2 p010 1 "$RT $NOARF -tile-columns 1 -b:v 500k" \
	"$P2 tile_cols_log2=1" \
	"Profile 2, 10-bit, 2 tile columns"
# Not covered: intra-only frames and show_existing_frame (libvpx makes
# them only in SVC / special modes FFmpeg does not expose); resolution
# change with reference scaling (FFmpeg's libvpx wrapper cannot change the
# size mid-stream); profiles 1 and 3 (4:2:2/4:4:4, not supported by the
# device).

echo "corpus: $(wc -l <clips.txt) clips" >&2
