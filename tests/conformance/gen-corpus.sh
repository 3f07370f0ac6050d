#!/usr/bin/env bash
# gen-corpus.sh -- build (or find in the cache) the H.264 conformance corpus
# and print its directory. Host side, as root (it chroots into the guest
# root to use the guest's FFmpeg/libx264: the same encoder, the same
# software reference decoder as in the guest).
#
# The corpus lives in $DAEDALUS_CACHE/corpus/h264-<key>; the key hashes the
# generator's scripts (everything make-corpus.sh runs or reads) and the
# guest root's path, which itself names a hash of the root's package list:
# change the clip list, the cqm file or the packages, and it is rebuilt.
# The clips are deterministic, so the scripts + the root say it all.
source "$(dirname "$0")/../../tools/vm/lib.sh"

here=$DAEDALUS_TOP/tests/conformance
[ "$(id -u)" = 0 ] || die "gen-corpus.sh needs root (chroot, mount namespace)"
root=$("$DAEDALUS_TOP/tools/vm/build-root.sh")
key=$(hash_inputs "$root" "$0" "$here/make-corpus.sh" "$here/streamcheck.py" \
	"$here/framemd5.py" "$here/custom.cqm" "$DAEDALUS_TOP/tools/vm/in-root.sh")
out=$DAEDALUS_CACHE/corpus/h264-$key

lock "corpus-h264"
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
log "generating the H.264 corpus into $out"
rm -rf "$out"
mkdir -p "$out"
"$DAEDALUS_TOP/tools/vm/in-root.sh" "$out" \
	bash /mnt/proj/tests/conformance/make-corpus.sh /mnt/run 2>"$out/generate.log" ||
	{ tail -n 30 "$out/generate.log" >&2; die "corpus generation failed (see $out/generate.log)"; }
[ "$(wc -l <"$out/clips.txt")" -ge 20 ] || die "corpus has fewer than 20 clips"
touch "$out/.done"
log "corpus ready: $(wc -l <"$out/clips.txt") clips"
echo "$out"
