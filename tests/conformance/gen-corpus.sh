#!/usr/bin/env bash
# gen-corpus.sh [h264|vp9|av1|vp8|mpeg2|hevc|demo] -- build (or find in the cache) a conformance
# corpus (H.264 by default) and print its directory. Host side, as root (it
# chroots into the guest root to use the guest's FFmpeg, libx264, libvpx,
# libaom, SVT-AV1, rav1e and dav1d: the same encoders, the same software
# reference decoders as in the guest).
#
# The corpus lives in $DAEDALUS_CACHE/corpus/<codec>-<key>; the key hashes the
# generator's scripts (everything the maker runs or reads, corpus-lib.sh
# included) and the guest root's path, which itself names a hash of the
# root's package list: change the clip list, the cqm file or the packages,
# and it is rebuilt.
# The clips are deterministic, so the scripts + the root say it all.
source "$(dirname "$0")/../../tools/vm/lib.sh"

here=$DAEDALUS_TOP/tests/conformance
codec=${1:-h264}
case $codec in
h264) maker=make-corpus.sh min=20 extra=$here/custom.cqm ;;
vp9) maker=make-corpus-vp9.sh min=15 extra='' ;;
vp8) maker=make-corpus-vp8.sh min=10 extra='' ;;
av1) maker=make-corpus-av1.sh min=15 extra='' ;;
hevc) maker=make-corpus-hevc.sh min=10 extra='' ;;
mpeg2) maker=make-corpus-mpeg2.sh min=10 extra='' ;;
# the clips tools/demo.sh decodes, one per codec
demo) maker=make-corpus-demo.sh min=3 extra='' ;;
*) die "usage: gen-corpus.sh [h264|vp9|av1|vp8|mpeg2|hevc|demo]" ;;
esac
[ "$(id -u)" = 0 ] || die "gen-corpus.sh needs root (chroot, mount namespace)"
root=$("$DAEDALUS_TOP/tools/vm/build-root.sh")
# shellcheck disable=SC2086 # $extra: one file or none
key=$(hash_inputs "$root" "$0" "$here/$maker" "$here/corpus-lib.sh" "$here/streamcheck.py" \
	"$here/framemd5.py" $extra "$DAEDALUS_TOP/tools/vm/in-root.sh")
out=$DAEDALUS_CACHE/corpus/$codec-$key

lock "corpus-$codec"
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
log "generating the $codec corpus into $out"
rm -rf "$out"
mkdir -p "$out"
"$DAEDALUS_TOP/tools/vm/in-root.sh" "$out" \
	bash "/mnt/proj/tests/conformance/$maker" /mnt/run 2>"$out/generate.log" ||
	{ tail -n 30 "$out/generate.log" >&2; die "corpus generation failed (see $out/generate.log)"; }
[ "$(wc -l <"$out/clips.txt")" -ge "$min" ] || die "corpus has fewer than $min clips"
touch "$out/.done"
log "corpus ready: $(wc -l <"$out/clips.txt") clips"
echo "$out"
