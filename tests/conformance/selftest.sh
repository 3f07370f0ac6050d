#!/usr/bin/env bash
# selftest.sh -- prove the corpus and run-corpus.sh right without our device
# (host side, as root; no QEMU): in the guest root (tools/vm/in-root.sh),
#  1. FFmpeg's decoder inside GStreamer (avdec_h264) passes every clip:
#     this validates the references, framemd5.py's reading of GStreamer's
#     layout (cropped and padded sizes), and the frame counting;
#  2. on a damaged copy of the corpus, the runner fails exactly the damaged
#     clips, each for the right reason: a corrupted reference frame, two
#     reference frames swapped, a reference line missing, a stream cut short
#     (last frame lost), a frame lost in the middle, an unknown clip, and a
#     pipeline that runs out of time;
#  3. the VP8, VP9 and AV1 corpora pass with software decoders too (avdec_vp8, avdec_vp9;
#     av1dec, libaom's decoder, against references made with dav1d: two
#     independent AV1 decoders agree on every frame, film grain included),
#     and an AV1 clip that lost a show_existing_frame temporal unit, or its
#     last one, fails on the frame count.
# Prints the runner's tables, then "selftest: ok" or what went wrong.
source "$(dirname "$0")/../../tools/vm/lib.sh"

here=$DAEDALUS_TOP/tests/conformance
[ "$(id -u)" = 0 ] || die "selftest.sh needs root (chroot, mount namespace)"
corpus=$("$here/gen-corpus.sh")
work=$(mktemp -d /tmp/conformance-selftest.XXXXXX)
trap 'rm -rf "$work"' EXIT
bad=0
oops() { log "selftest: $*"; bad=1; }

# run NAME CORPUS ARGS... -- run-corpus.sh in the guest root, with `sh`
# as the VM test does, on a copy of CORPUS; its output goes to
# $work/NAME.txt and the terminal, its exit code to $work/NAME.rc
run() {
	local name=$1 dir=$2
	shift 2
	local rc=0
	mkdir -p "$work/$name/corpus"
	find "$dir" -maxdepth 1 -type f \( -name '*.h264' -o -name '*.ivf' -o -name '*.md5' \
		-o -name '*.frames' -o -name clips.txt \) -exec cp {} "$work/$name/corpus/" \;
	"$DAEDALUS_TOP/tools/vm/in-root.sh" "$work/$name" \
		sh /mnt/proj/tests/conformance/run-corpus.sh /mnt/run/corpus /mnt/run/out "$@" \
		>"$work/$name.txt" || rc=$?
	cat "$work/$name.txt"
	echo "$rc" >"$work/$name.rc"
}
# expect NAME CLIP RESULT -- the row of CLIP in run NAME has RESULT
expect() {
	awk -v c="$2" -v r="$3" '$1 == c && index($0, " " r " ") { found = 1 } END { exit !found }' \
		"$work/$1.txt" || oops "$1: $2 is not reported as $3"
}

# 1. Everything passes with the software decoder.
n=$(wc -l <"$corpus/clips.txt")
start=$(date +%s)
run good "$corpus" --decoder avdec_h264
log "whole corpus with avdec_h264: $(( $(date +%s) - start )) s"
[ "$(tail -n 1 "$work/good.txt")" = "$n passed, 0 failed" ] || oops "avdec_h264 does not pass all $n clips"
[ "$(cat "$work/good.rc")" = 0 ] || oops "exit code $(cat "$work/good.rc") with all clips passing"

# 2. A damaged corpus fails where it should.
dmg=$work/damaged
mkdir -p "$dmg"
cp "$corpus"/*.h264 "$corpus"/*.md5 "$corpus"/*.frames "$corpus/clips.txt" "$dmg/"
# one reference MD5 changed (frame 6)
sed -i '7s/^./x/' "$dmg/cbp_cavlc.md5"
# reference frames 2 and 3 swapped: order matters
sed -i '3{h;d};4G' "$dmg/high_8x8dct.md5"
# a reference line missing: the corpus itself is broken
sed -i '5d' "$dmg/cqm_custom.md5"
# the stream cut short: its last picture is gone
python3 "$here/mutate.py" drop-slice "$corpus/crop_174x98.h264" "$dmg/crop_174x98.h264" last
# a non-reference picture lost in the middle: one frame fewer, the others
# shifted (nothing else changes, so only the count and order can tell)
python3 "$here/mutate.py" drop-slice "$corpus/main_cavlc_b.h264" "$dmg/main_cavlc_b.h264" nonref
run damaged "$dmg" --decoder avdec_h264 \
	--clips "cbp_cavlc high_8x8dct cqm_custom crop_174x98 main_cavlc_b no_such_clip mbaff_tff"
expect damaged cbp_cavlc "FAIL(frame 6)"
expect damaged high_8x8dct "FAIL(frame 2)"
expect damaged cqm_custom "FAIL(bad reference)"
expect damaged crop_174x98 "FAIL(frame count)"
expect damaged main_cavlc_b "FAIL(frame count)"
expect damaged no_such_clip "FAIL(no such clip)"
expect damaged mbaff_tff PASS
[ "$(tail -n 1 "$work/damaged.txt")" = "1 passed, 6 failed" ] || oops "damaged: wrong summary line"
[ "$(cat "$work/damaged.rc")" = 1 ] || oops "damaged: exit code $(cat "$work/damaged.rc"), not 1"

# 3. A pipeline that takes too long is stopped and fails.
run slow "$corpus" --decoder avdec_h264 --clips hd_1080p --timeout 0.01
expect slow hd_1080p "FAIL(timeout)"
[ "$(cat "$work/slow.rc")" = 1 ] || oops "timeout: exit code $(cat "$work/slow.rc"), not 1"

# 4. The VP8, VP9, AV1 and MPEG-2 corpora with software decoders.
for c in vp8:avdec_vp8 vp9:avdec_vp9 av1:av1dec mpeg2:avdec_mpeg2video; do
	codec=${c%%:*} dec=${c#*:}
	dir=$("$here/gen-corpus.sh" "$codec")
	n=$(wc -l <"$dir/clips.txt")
	start=$(date +%s)
	run "$codec" "$dir" --decoder "$dec"
	log "whole $codec corpus with $dec: $(( $(date +%s) - start )) s"
	[ "$(tail -n 1 "$work/$codec.txt")" = "$n passed, 0 failed" ] || oops "$dec does not pass all $n $codec clips"
	[ "$(cat "$work/$codec.rc")" = 0 ] || oops "$codec: exit code $(cat "$work/$codec.rc") with all clips passing"
done
dmg=$work/damaged-av1
mkdir -p "$dmg"
cp "$dir"/*.ivf "$dir"/*.md5 "$dir"/*.frames "$dir/clips.txt" "$dmg/"
python3 "$here/mutate.py" drop-packet "$dir/svt_basic.ivf" "$dmg/svt_basic.ivf" tiny
python3 "$here/mutate.py" drop-packet "$dir/aom_altref.ivf" "$dmg/aom_altref.ivf" last
run damaged-av1 "$dmg" --decoder av1dec --clips "svt_basic aom_altref aom_basic"
expect damaged-av1 svt_basic "FAIL(frame count)"
expect damaged-av1 aom_altref "FAIL(frame count)"
expect damaged-av1 aom_basic PASS
[ "$(tail -n 1 "$work/damaged-av1.txt")" = "1 passed, 2 failed" ] || oops "damaged-av1: wrong summary line"

[ $bad = 0 ] || die "selftest failed"
echo "selftest: ok"
