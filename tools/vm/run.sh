#!/usr/bin/env bash
# run.sh [--kernel VER] [--accel tcg|kvm] [--sample N[/K]] TEST...
#
# Boots the guest kernel VER (default 6.12) on the trixie guest root with
# daedalus_v4l2.ko built for it, runs tests/vm/TEST.sh for each TEST inside,
# and reports one line per test plus one for the kernel log:
#   PASS 6.12/compliance
#   FAIL 6.12/kernel-log
# Results and the whole console log are left in build/vm/VER/. The corpora
# named by DAEDALUS_CORPUS (H.264) and DAEDALUS_CORPUS_<CODEC> for the
# other codecs of tests/conformance/clips.sh (DV_CODECS: VP9, AV1, VP8,
# MPEG2, HEVC), and DAEDALUS_CORPUS_DEMO, are copied in.
# Exit code: 0 if everything passed.
source "$(dirname "$0")/lib.sh"
# shellcheck source=../../tests/conformance/clips.sh
source "$DAEDALUS_TOP/tests/conformance/clips.sh"

kver=6.12
accel=${DAEDALUS_ACCEL:-tcg}
timeout_s=${DAEDALUS_VM_TIMEOUT:-3600}
sample=1 sample_offset=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kver=$2; shift 2 ;;
	--accel) accel=$2; shift 2 ;;
	# every Nth conformance clip, from the (K+1)th on
	--sample) sample=${2%/*}; [ "$2" = "${2#*/}" ] || sample_offset=${2#*/}; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "usage: run.sh [--kernel VER] [--accel tcg|kvm] [--sample N[/K]] TEST..."
for t in "$@"; do
	[ -f "$DAEDALUS_TOP/tests/vm/$t.sh" ] || die "no test tests/vm/$t.sh"
done

kdir=$("$DAEDALUS_TOP/tools/vm/build-kernel.sh" "$kver")
root=$("$DAEDALUS_TOP/tools/vm/build-root.sh")

run=$DAEDALUS_TOP/build/vm/$kver${DAEDALUS_RUN_TAG:+-$DAEDALUS_RUN_TAG}
rm -rf "$run"
mkdir -p "$run/src"
cp -r "$DAEDALUS_TOP/kernel" "$DAEDALUS_TOP/include" "$run/src/"
log "building daedalus_v4l2.ko for $kver"
make -s -C "$run/src/kernel" KDIR="$kdir/build" >"$run/module-build.log" 2>&1 ||
	{ cat "$run/module-build.log" >&2; die "module build failed for $kver"; }
if grep -q 'warning:' "$run/module-build.log"; then
	cat "$run/module-build.log" >&2
	die "module build for $kver has warnings"
fi
cp "$run/src/kernel/daedalus_v4l2.ko" "$run/"

# The daemon is built inside the guest root, against the FFmpeg and dav1d
# headers of the libraries it will load there.
if [ -f "$DAEDALUS_TOP/meson.build" ]; then
	log "building the daemon in the guest root"
	"$DAEDALUS_TOP/tools/vm/in-root.sh" "$run" sh -c \
		'meson setup --buildtype=debugoptimized /mnt/run/daemon-build /mnt/proj &&
		 ninja -C /mnt/run/daemon-build' >"$run/daemon-build.log" 2>&1 ||
		{ tail -n 40 "$run/daemon-build.log" >&2; die "daemon build failed"; }
fi
# Conformance corpora (tests/conformance/gen-corpus.sh), by codec.
copy_corpus() { # copy_corpus DIR NAME
	[ -n "$1" ] || return 0
	mkdir -p "$run/$2"
	find "$1" -maxdepth 1 -type f -exec cp {} "$run/$2/" \;
}
# corpus_dir CODEC -- the directory of CODEC's corpus under /mnt/run in the
# guest: its variable's name in lower case, corpus or corpus-vp9 (say)
corpus_dir() {
	local var
	var=$(codec_corpus_var "$1")
	var=${var,,}
	echo "${var//_/-}"
}
for codec in $DV_CODECS; do
	var=DAEDALUS_$(codec_corpus_var "$codec")
	copy_corpus "${!var:-}" "$(corpus_dir "$codec")"
done
copy_corpus "${DAEDALUS_CORPUS_DEMO:-}" corpus-demo
# tools/demo.sh FILE: the user's video, for the demo.
if [ -n "${DAEDALUS_DEMO_FILE:-}" ]; then
	mkdir -p "$run/user"
	cp "$DAEDALUS_DEMO_FILE" "$run/user/"
fi

cat >"$run/env" <<ENV
TESTS="$*"
KVER=$kver
MODULE=/mnt/run/daedalus_v4l2.ko
DAEMON=/mnt/run/daemon-build/daemon/daedalus_v4l2_daemon
CORPUS_DEMO=/mnt/run/corpus-demo
SAMPLE=$sample
SAMPLE_OFFSET=$sample_offset
FULL=${DAEDALUS_FULL:-0}
DAEMON_ARGS="${DAEDALUS_DAEMON_ARGS:-}"
BENCH_CLIPS="${DAEDALUS_BENCH_CLIPS:-}"
ENV
for codec in $DV_CODECS; do
	echo "$(codec_corpus_var "$codec")=/mnt/run/$(corpus_dir "$codec")"
done >>"$run/env"

case $accel in
# No AVX2 under TCG: QEMU 7.2 (Debian 12) emulates a VPGATHER whose index
# is ymm4 as if it had no index, which breaks dav1d's 8-bit intra
# prediction (found by replaying AV1 jobs under qemu-user: see
# docs/testing.md).
tcg) accel_args=(-accel tcg,thread=multi -cpu max,-avx2) ;;
kvm) accel_args=(-accel kvm -cpu host) ;;
*) die "unknown accelerator $accel" ;;
esac

share() { # share ID PATH [readonly]
	local ro=
	[ "${3:-}" = ro ] && ro=,readonly=on
	echo "-fsdev local,id=$1,path=$2,security_model=none,multidevs=remap$ro"
	echo "-device virtio-9p-pci,fsdev=$1,mount_tag=$1"
}
# The root filesystem's tag must be what root= names.
# shellcheck disable=SC2207
shares=($(share root "$root" ro) $(share proj "$DAEDALUS_TOP" ro)
	$(share run "$run") $(share modules "$kdir/modroot/lib/modules" ro))
shares=("${shares[@]/mount_tag=root/mount_tag=/dev/root}")

failed=0
report() { # report NAME OK
	if [ "$2" = 1 ]; then
		echo "PASS $kver/$1"
	else
		echo "FAIL $kver/$1"
		failed=1
	fi
}
# report_test NAME CODE -- the test's line, and its output's end if it failed
report_test() {
	if [ "$2" != 0 ]; then
		log "$kver/$1: exit code ${2:-none}; its output:"
		tail -n 40 "$run/$1.log" >&2 2>/dev/null || true
	fi
	report "$1" "$([ "$2" = 0 ] && echo 1)"
}
# A line per test as it finishes (the guest appends "NAME CODE" to the
# status file, shared over 9p), not all of them when the guest ends.
: >"$run/reported"
report_finished() {
	local t code
	[ -f "$run/status" ] || return 0
	while read -r t code; do
		[ -n "$code" ] || continue
		grep -qxF "$t" "$run/reported" && continue
		echo "$t" >>"$run/reported"
		report_test "$t" "$code"
	done <"$run/status"
}

log "booting $kver ($accel) for: $*"
start=$(date +%s)
timeout "$timeout_s" qemu-system-x86_64 -nodefaults -display none -no-reboot \
	"${accel_args[@]}" -smp 2 -m 4G \
	-kernel "$kdir/bzImage" \
	-append "console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro init=/sbin/daedalus-guest-init panic=-1 oops=panic loglevel=7" \
	"${shares[@]}" \
	-serial "file:$run/console.log" -monitor none </dev/null &
qemu_pid=$!
while kill -0 "$qemu_pid" 2>/dev/null; do
	report_finished
	sleep 5
done
rc=0
wait "$qemu_pid" || rc=$?
log "guest ran for $(( $(date +%s) - start )) s (qemu exit $rc)"
report_finished
# Lines reported while the guest ran may have been failures.
grep -q ' [1-9][0-9]*$' "$run/status" 2>/dev/null && failed=1

grep -q '^finished$' "$run/status" 2>/dev/null ||
	log "guest did not finish (timeout, panic or crash): see $run/console.log"
for t in "$@"; do
	grep -qxF "$t" "$run/reported" || report_test "$t" ""
done

# A kernel report fails the run even if every test passed.
pattern='BUG:|WARNING:|KASAN:|Oops|Kernel panic|list_(add|del) corruption|DEBUG_LOCKS_WARN_ON|possible (circular|recursive) locking|inconsistent lock state|general protection fault|UBSAN:|INFO: |soft lockup|Call Trace:'
if grep -Eq "$pattern" "$run/console.log"; then
	log "kernel log of $kver has reports:"
	grep -En -m 20 "$pattern" "$run/console.log" >&2
	report kernel-log 0 | tee "$run/kernel-log.result"
else
	report kernel-log "$(grep -q '^finished$' "$run/status" 2>/dev/null && echo 1)" |
		tee "$run/kernel-log.result"
fi
grep -q '^PASS' "$run/kernel-log.result" || failed=1
exit $failed
