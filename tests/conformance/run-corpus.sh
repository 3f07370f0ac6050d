#!/bin/sh
# run-corpus.sh CORPUS_DIR OUT_DIR [--decoder ELEMENT] [--clips 'a b c']
#               [--timeout S] [--keep]
#
# Decodes each clip of a corpus (made by gen-corpus.sh [h264|vp9|av1]) with
#   H.264 (NAME.h264): gst-launch-1.0 filesrc ! h264parse ! ELEMENT
#                      ! video/x-raw,format=NV12 ! filesink
#   VP9 (NAME.ivf):    gst-launch-1.0 filesrc ! ivfparse ! vp9parse ! ELEMENT
#                      ! video/x-raw,format=NV12|P010_10LE ! filesink
#   AV1 (NAME.ivf):    gst-launch-1.0 filesrc ! ivfparse ! av1parse ! ELEMENT
#                      ! video/x-raw,format=NV12|P010_10LE ! filesink
# (an IVF file's codec is its fourcc, VP90 or AV01; the pixel format is the
# clip's column in clips.txt, NV12 by default),
# hashes every output frame with framemd5.py and compares with the clip's
# reference (a software decoder's: FFmpeg's, dav1d for AV1). A clip passes
# when the pipeline exits 0 and every frame is MD5-identical to the
# reference, in order, with exactly the reference's number of frames: a
# missing, extra or reordered frame is a failure. Prints one table row per
# clip and ends with exactly "N passed, M failed"; exit code 1 if anything
# failed, 2 on bad usage.
#
# POSIX sh (the VM test runs it with `sh`). Runs in the guest (ELEMENT
# defaults to our device's element for the clip's codec: v4l2slh264dec,
# v4l2slvp9dec, v4l2slav1dec) or in the guest root on the host (in-root.sh)
# with a software ELEMENT -- avdec_h264, avdec_vp9, and for AV1 dav1ddec or
# avdec_av1 where GStreamer has them, else av1dec (libaom; the only one in
# the guest root) -- which validates the corpus, the hashing and the
# counting.
#
# OUT_DIR gets per clip: NAME.log (the pipeline's output), NAME.md5 (the
# decoded frames' MD5s) and, for failures or with --keep, NAME.nv12 or
# NAME.p010.
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/clips.sh"
usage() { echo "usage: run-corpus.sh CORPUS_DIR OUT_DIR [--decoder ELEMENT] [--clips 'a b c'] [--timeout S] [--keep]" >&2; exit 2; }
[ $# -ge 2 ] || usage
corpus=$1 out=$2
shift 2
decoder='' clips='' timeout_s=120 keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--decoder) [ $# -ge 2 ] || usage; decoder=$2; shift 2 ;;
	--clips) [ $# -ge 2 ] || usage; clips=$2; shift 2 ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) usage ;;
	esac
done
[ -f "$corpus/clips.txt" ] || { echo "run-corpus.sh: no $corpus/clips.txt" >&2; exit 2; }
mkdir -p "$out" || exit 2

# Only the plugins the pipeline needs, and a fresh registry: scanning every
# plugin of the root takes minutes under TCG, and v4l2codecs registers its
# elements for the devices present at scan time (a stale registry would
# miss ours).
plugins="coreelements app typefindfunctions matroska isomp4 ivfparse videoparsersbad v4l2codecs"
case $decoder in
avdec_*) plugins="$plugins libav videoconvertscale" ;;
av1dec) plugins="$plugins aom videoconvertscale" ;;
dav1ddec) plugins="$plugins dav1d videoconvertscale" ;;
esac
# RUN_CORPUS_GST_DIR (the VM tests set it): one plugin directory and
# registry per plugin set for the whole guest boot, instead of a scan of
# every plugin per run, which costs the emulated guest half a minute.
# v4l2codecs depends on /dev/video* (gst_plugin_add_dependency), so it is
# scanned again when the device comes back.
if [ -n "${RUN_CORPUS_GST_DIR:-}" ]; then
	gst=$RUN_CORPUS_GST_DIR/$(echo "$plugins" | cksum | cut -d' ' -f1)
	mkdir -p "$gst" || exit 2
else
	gst=$(mktemp -d /tmp/run-corpus.XXXXXX) || exit 2
	trap 'rm -rf "$gst"' EXIT
fi
libdir=/usr/lib/x86_64-linux-gnu/gstreamer-1.0
mkdir -p "$gst/plugins"
for p in $plugins; do
	[ -e "$libdir/libgst$p.so" ] || { echo "run-corpus.sh: no GStreamer plugin $p" >&2; exit 2; }
	# Never replaced: another run may be scanning the directory.
	[ -e "$gst/plugins/libgst$p.so" ] || ln -s "$libdir/libgst$p.so" "$gst/plugins/" 2>/dev/null ||
		[ -e "$gst/plugins/libgst$p.so" ] || exit 2
done
export GST_PLUGIN_SYSTEM_PATH="$gst/plugins" GST_PLUGIN_PATH='' GST_REGISTRY="$gst/registry.bin"

# hash_frames FMT RAW W H -- one MD5 per frame, as framemd5.py prints them.
# When GStreamer's layout has no padding (even sizes, NV12 width a multiple
# of 4), frames are plain fixed-size chunks and coreutils hash them much
# faster than Python starts in an emulated guest.
hash_frames() {
	case $1 in
	p010) tight=$(( $3 % 2 == 0 && $4 % 2 == 0 )); fsize=$(( $3 * $4 * 3 )) ;;
	*) tight=$(( $3 % 4 == 0 && $4 % 2 == 0 )); fsize=$(( $3 * $4 * 3 / 2 )) ;;
	esac
	size=$(stat -c %s "$2")
	if [ "$tight" = 1 ] && [ $((size % fsize)) = 0 ]; then
		# A handful of processes per clip, not per frame: each start
		# costs a good part of a second in the emulated guest.
		[ "$size" = 0 ] && return 0
		chunks=$(mktemp -d)
		split -a 5 -b "$fsize" "$2" "$chunks/f"
		md5sum "$chunks"/f* | cut -d' ' -f1
		rm -rf "$chunks"
	else
		python3 "$here/framemd5.py" --format "$1" "$2" "$3" "$4"
	fi
}
[ -z "$decoder" ] || gst-inspect-1.0 "$decoder" >/dev/null 2>&1 ||
	{ echo "run-corpus.sh: GStreamer has no element $decoder" >&2; exit 2; }

if [ -z "$clips" ]; then
	clips=$(awk '{ print $1 }' "$corpus/clips.txt")
fi

passed=0 failed=0
row() { printf '%-20s %-9s %8s %8s %8s  %-20s %7s\n' "$@"; }
echo "decoder: ${decoder:-per codec}, corpus: $corpus"
row clip size expected decoded matching result seconds
for name in $clips; do
	# clips.txt: name width height frames [format] description; format
	# (nv12 or p010) is optional, nv12 when absent (the H.264 corpus)
	w='' h='' frames='' fmt=''
	read -r _ w h frames fmt _ <<EOF
$(awk -v n="$name" '$1 == n' "$corpus/clips.txt")
EOF
	case $fmt in
	nv12|p010) ;;
	*) fmt=nv12 ;;
	esac
	file=$(clip_file "$corpus" "$name")
	clip_pipeline "$file"
	element=${decoder:-$element}
	caps=NV12
	[ "$fmt" = nv12 ] || caps=P010_10LE
	convert=
	case $element in
	# The software decoders (FFmpeg's, libaom's, dav1d's) output I420
	# (I420_10LE), which no caps filter can turn into NV12 (P010):
	# convert, as a pure repacking of the chroma (no dithering, no chroma
	# resampling: with those off the result is bit-exact; for 10 bits a
	# shift into the high bits). Our device's element must output
	# NV12/P010 itself: nothing inserted.
	avdec_*|av1dec|dav1ddec) convert="videoconvert dither=none chroma-mode=none !" ;;
	esac
	if [ -z "${w:-}" ]; then
		row "$name" - - - - "FAIL(no such clip)" -
		failed=$((failed + 1))
		continue
	fi
	start=$(date +%s.%N)
	raw=$out/$name.$fmt
	rm -f "$raw" "$out/$name.md5"
	# shellcheck disable=SC2086 # $parse, $convert: several words, or none
	timeout -k 5 "$timeout_s" gst-launch-1.0 -q \
		filesrc location="$file" ! $parse ! "$element" ! $convert \
		video/x-raw,format=$caps ! filesink location="$raw" >"$out/$name.log" 2>&1
	rc=$?
	seconds=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.2f", $2 - $1 }')

	# Frames at the cropped display size WxH, in GStreamer's default
	# layout (what filesink gets: the decoders copy to it when downstream
	# has no GstVideoMeta and the layout differs).
	touch "$raw"
	hash_frames "$fmt" "$raw" "$w" "$h" >"$out/$name.md5" 2>>"$out/$name.log"
	hrc=$?
	decoded=$(wc -l <"$out/$name.md5")
	reflines=$(wc -l <"$corpus/$name.md5")
	want=$(cat "$corpus/$name.frames")
	# matching: frames identical at the same position; first: first bad one
	read -r matching first <<EOF
$(awk 'NR == FNR { ref[FNR] = $1; next }
	{ if ($1 == ref[FNR]) m++; else if (!bad) bad = FNR }
	END { print m + 0, bad + 0 }' "$corpus/$name.md5" "$out/$name.md5")
EOF

	result=PASS
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		result="FAIL(timeout)"
	elif [ "$rc" != 0 ]; then
		result="FAIL(gst exit $rc)"
	elif [ "$want" != "$frames" ] || [ "$reflines" != "$frames" ]; then
		result="FAIL(bad reference)"
	elif [ "$hrc" != 0 ]; then
		result="FAIL(partial frame)"
	elif [ "$decoded" != "$frames" ]; then
		result="FAIL(frame count)"
	elif [ "$matching" != "$frames" ]; then
		result="FAIL(frame $((first - 1)))"
	fi
	if [ "$result" = PASS ]; then
		passed=$((passed + 1))
		[ $keep = 1 ] || rm -f "$raw"
	else
		failed=$((failed + 1))
		if [ "$first" != 0 ]; then
			echo "first differing frame (0-based): $((first - 1))" >>"$out/$name.log"
		fi
	fi
	row "$name" "${w}x$h" "$frames" "$decoded" "$matching" "$result" "$seconds"
	# Say why right under the row: the output directory may not survive.
	[ "$result" = PASS ] || tail -n 4 "$out/$name.log" | sed 's/^/    | /'
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
