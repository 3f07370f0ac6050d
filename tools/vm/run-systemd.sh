#!/usr/bin/env bash
# run-systemd.sh --arch x86_64|arm64 [--kernel VER] TEST...
#
# Boots a guest with systemd as init and runs tests/vm/TEST.sh in it (from
# guest-systemd-test.service, once the system is up): the install tests,
# which install the project's packages (packaging/build-packages.sh) the
# way a user does. Reports like run.sh:
#   PASS arm64/install-arm64
#   PASS arm64/kernel-log
#
#   arm64   Debian trixie's stock arm64 kernel and initrd, under
#           qemu-system-aarch64 -M virt -cpu cortex-a76 (TCG), on a qcow2
#           overlay of the guest disk of build-root-arm64.sh
#   x86_64  the test kernel VER (default 6.12) with what systemd needs
#           (build-kernel-systemd.sh), on the trixie guest root of
#           build-root.sh plus the systemd layer (guest-packages-systemd.txt)
#           and a writable layer of this run, shared over 9p; the kernel's
#           build tree is mounted at its own path and is the
#           /lib/modules/VER/build DKMS builds against
#
# A test may be booted several times: a "# stages: a b" line in it boots
# the guest once per stage, with STAGE=a, then STAGE=b, on the same disk
# (so "installed, then rebooted" is tested for real). Every stage's result
# is a line of its own (arm64/install-arm64@boot).
# The packages' Debian files are in /mnt/run/debs, the corpora named by
# DAEDALUS_CORPUS, DAEDALUS_CORPUS_VP9 and DAEDALUS_CORPUS_AV1 in
# /mnt/run/corpus-{h264,vp9,av1} (only the clips in $INSTALL_CLIPS_<codec>
# or, by default, the smallest without padding: smallest_tight). Results in build/vm/ARCH/.
# DAEDALUS_VM_LOCK=FILE: hold flock FILE while QEMU runs (machines shared
# with other VM users).
source "$(dirname "$0")/lib.sh"
source "$DAEDALUS_TOP/tools/vm/layers.sh"
. "$DAEDALUS_TOP/tests/conformance/clips.sh"

arch=
kver=6.12
timeout_s=${DAEDALUS_VM_TIMEOUT:-1800}
while [ $# -gt 0 ]; do
	case $1 in
	--arch) arch=$2; shift 2 ;;
	--kernel) kver=$2; shift 2 ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
case $arch in
arm64 | x86_64) ;;
*) die "usage: run-systemd.sh --arch x86_64|arm64 [--kernel VER] TEST..." ;;
esac
[ $# -gt 0 ] || die "no test given"
for t in "$@"; do
	[ -f "$DAEDALUS_TOP/tests/vm/$t.sh" ] || die "no test tests/vm/$t.sh"
done

# Anything failing before the guest has run (packages, guest, kernel) is a
# FAIL line of its own and exit code 2, as run-all.sh expects.
name=$arch
[ "$arch" = arm64 ] || name=$kver-systemd
booted=0
trap 'rc=$?; if [ $booted = 0 ] && [ $rc != 0 ]; then echo "FAIL $name/setup"; exit 2; fi' EXIT

pkgs=$("$DAEDALUS_TOP/packaging/build-packages.sh")
run=$DAEDALUS_TOP/build/vm/$name
rm -rf "$run"
mkdir -p "$run/debs"
deb_arch=$arch
[ "$arch" = arm64 ] || deb_arch=amd64
cp "$pkgs"/deb/*_all.deb "$pkgs"/deb/*_"$deb_arch".deb "$run/debs/"

# The clips, one per codec unless the caller names them: the smallest
# (then the shortest) whose frames need no padding (width a multiple of 4, even height), which
# run-corpus.sh hashes without python3.
smallest_tight() { # smallest_tight CORPUS
	awk '!/^#/ && $2 % 4 == 0 && $3 % 2 == 0 { print $2 * $3, $4, $1 }' "$1/clips.txt" |
		sort -k1,1n -k2,2n -k3,3 | head -n1 | cut -d' ' -f3
}
copy_clips() { # copy_clips CORPUS NAME CLIPS
	[ -n "$1" ] || return 0
	local d=$run/$2 c
	mkdir -p "$d"
	for c in $3; do
		awk -v n="$c" '$1 == n' "$1/clips.txt" >>"$d/clips.txt"
		cp "$1/$c".* "$d/"
	done
}
copy_clips "${DAEDALUS_CORPUS:-}" corpus-h264 \
	"${INSTALL_CLIPS_h264:-$( [ -n "${DAEDALUS_CORPUS:-}" ] && smallest_tight "$DAEDALUS_CORPUS")}"
copy_clips "${DAEDALUS_CORPUS_VP9:-}" corpus-vp9 \
	"${INSTALL_CLIPS_vp9:-$( [ -n "${DAEDALUS_CORPUS_VP9:-}" ] && smallest_tight "$DAEDALUS_CORPUS_VP9")}"
copy_clips "${DAEDALUS_CORPUS_AV1:-}" corpus-av1 \
	"${INSTALL_CLIPS_av1:-$( [ -n "${DAEDALUS_CORPUS_AV1:-}" ] && smallest_tight "$DAEDALUS_CORPUS_AV1")}"

share() { # share ID PATH [ro]
	local ro=
	[ "${3:-}" = ro ] && ro=,readonly=on
	echo "-fsdev local,id=$1,path=$2,security_model=none,multidevs=remap$ro"
	echo "-device virtio-9p-pci,fsdev=$1,mount_tag=$1"
}
vm_lock=()
[ -z "${DAEDALUS_VM_LOCK:-}" ] || vm_lock=(flock "$DAEDALUS_VM_LOCK")

if [ "$arch" = arm64 ]; then
	guest=$("$DAEDALUS_TOP/tools/vm/build-root-arm64.sh")
	kernel_release=$(cat "$guest/kernel-release")
	qemu-img create -q -f qcow2 -F raw -b "$guest/disk.img" "$run/disk.qcow2"
	# shellcheck disable=SC2207
	qemu=(qemu-system-aarch64 -nodefaults -display none -no-reboot
		-M virt -cpu cortex-a76 -accel tcg,thread=multi -smp 2 -m 3G
		-kernel "$guest/vmlinuz" -initrd "$guest/initrd.img"
		-drive "if=none,id=disk,file=$run/disk.qcow2,format=qcow2,cache=unsafe"
		-device virtio-blk-pci,drive=disk -device virtio-rng-pci
		$(share proj "$DAEDALUS_TOP" ro) $(share run "$run"))
	append="root=/dev/vda rw console=ttyAMA0 panic=-1 daedalus.test=1"
else
	kdir=$("$DAEDALUS_TOP/tools/vm/build-kernel-systemd.sh" "$kver")
	root=$("$DAEDALUS_TOP/tools/vm/build-root.sh")
	layer=$(build_layer systemd "$DAEDALUS_TOP/tools/vm/guest-packages-systemd.txt" "" "$root")
	kernel_release=$(cat "$kdir/build/include/config/kernel.release")
	# This run's writable layer: the test kernel's modules, its build tree
	# as /lib/modules/VER/build (mounted at its own path: its Makefile and
	# source link name it), the shares in fstab, the test service.
	upper=$run/upper
	mkdir -p "$upper/usr/lib/modules" "$upper/etc/systemd/system/multi-user.target.wants" \
		"$upper$kdir" "$run/work" "$run/root"
	cp -a "$kdir/modroot/lib/modules/$kernel_release" "$upper/usr/lib/modules/"
	rm -f "$upper/usr/lib/modules/$kernel_release/build" "$upper/usr/lib/modules/$kernel_release/source"
	ln -s "$kdir/build" "$upper/usr/lib/modules/$kernel_release/build"
	printf '%s\n' \
		"proj /mnt/proj 9p trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro,nofail 0 0" \
		"run /mnt/run 9p trans=virtio,version=9p2000.L,msize=512000,nofail 0 0" \
		"kernel $kdir 9p trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro,nofail 0 0" \
		>"$upper/etc/fstab"
	cp "$DAEDALUS_TOP/tools/vm/guest-systemd-test.service" \
		"$upper/etc/systemd/system/daedalus-guest-test.service"
	ln -s ../daedalus-guest-test.service \
		"$upper/etc/systemd/system/multi-user.target.wants/daedalus-guest-test.service"
	echo daedalus-x86 >"$upper/etc/hostname"
	case ${DAEDALUS_ACCEL:-tcg} in
	tcg) accel_args=(-accel tcg,thread=multi -cpu max,-avx2) ;;
	kvm) accel_args=(-accel kvm -cpu host) ;;
	*) die "unknown accelerator $DAEDALUS_ACCEL" ;;
	esac
	# The root share is the overlay, mounted (with QEMU) in a private
	# mount namespace: see boot() below.
	# shellcheck disable=SC2207
	qemu=(qemu-system-x86_64 -nodefaults -display none -no-reboot
		"${accel_args[@]}" -smp 2 -m 4G -kernel "$kdir/bzImage"
		$(share root "$run/root") $(share proj "$DAEDALUS_TOP" ro) $(share run "$run")
		$(share kernel "$kdir" ro) -device virtio-rng-pci)
	qemu=("${qemu[@]/mount_tag=root/mount_tag=/dev/root}")
	append="console=ttyS0 root=/dev/root rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose rw init=/lib/systemd/systemd panic=-1 oops=panic daedalus.test=1"
fi

# boot STAGE -- one boot of the guest; its console goes to console[@STAGE].log
boot() {
	local stage=$1 tag=${1:+@$1}
	# The guest exports these to its tests: none may be named like a
	# variable that programs under test read (an exported ARCH reached
	# kbuild empty through DKMS's common.postinst, which assigns ARCH=$4,
	# and broke the module build).
	cat >"$run/env" <<ENV
TESTS="$TESTS_OF_STAGE"
GUEST_ARCH=$arch
KVER=$kernel_release
STAGE=$stage
DEBS=/mnt/run/debs
CORPUS_H264=/mnt/run/corpus-h264
CORPUS_VP9=/mnt/run/corpus-vp9
CORPUS_AV1=/mnt/run/corpus-av1
ENV
	log "booting $name${tag:+ ($stage)} for: $TESTS_OF_STAGE"
	local start rc=0
	start=$(date +%s)
	if [ "$arch" = arm64 ]; then
		"${vm_lock[@]}" timeout "$timeout_s" "${qemu[@]}" -append "$append" \
			-serial "file:$run/console$tag.log" -monitor none </dev/null || rc=$?
	else
		"${vm_lock[@]}" unshare --mount --propagation private bash -c '
			mount -t overlay overlay -o "lowerdir=$1:$2,upperdir=$3,workdir=$4,$5" "$6" || exit 1
			shift 6
			exec "$@"' boot "$layer" "$root" "$upper" "$run/work" "$OVL_OPTS" "$run/root" \
			timeout "$timeout_s" "${qemu[@]}" -append "$append" \
			-serial "file:$run/console$tag.log" -monitor none </dev/null || rc=$?
	fi
	log "guest ran for $(( $(date +%s) - start )) s (qemu exit $rc)"
}

# The stages of the tests, in order of first appearance.
stages=()
for t in "$@"; do
	for s in $(sed -n 's/^# stages: *//p' "$DAEDALUS_TOP/tests/vm/$t.sh"); do
		case " ${stages[*]} " in *" $s "*) ;; *) stages+=("$s") ;; esac
	done
done
[ ${#stages[@]} -gt 0 ] || stages=("")

failed=0
report() { # report NAME OK
	if [ "$2" = 1 ]; then
		echo "PASS $name/$1"
	else
		echo "FAIL $name/$1"
		failed=1
	fi
}
: >"$run/status"
booted=1
for s in "${stages[@]}"; do
	TESTS_OF_STAGE=
	for t in "$@"; do
		ts=$(sed -n 's/^# stages: *//p' "$DAEDALUS_TOP/tests/vm/$t.sh")
		if [ -z "$s" ] || case " $ts " in *" $s "*) true ;; *) false ;; esac; then
			TESTS_OF_STAGE="$TESTS_OF_STAGE${TESTS_OF_STAGE:+ }$t"
		fi
	done
	boot "$s"
	tag=${s:+@$s}
	grep -qx "finished$tag" "$run/status" ||
		log "guest did not finish${tag:+ $s} (timeout, panic or crash): see $run/console$tag.log"
	for t in $TESTS_OF_STAGE; do
		code=$(awk -v t="$t$tag" '$1 == t { print $2 }' "$run/status")
		if [ "$code" != 0 ]; then
			log "$name/$t$tag: exit code ${code:-none}; its output:"
			tail -n 40 "$run/$t$tag.log" >&2 2>/dev/null || true
		fi
		report "$t$tag" "$([ "$code" = 0 ] && echo 1)"
	done
	# A stage the guest did not finish ends the run: the next one would
	# boot a disk in an unknown state.
	grep -qx "finished$tag" "$run/status" || break
done

# The kernel log rule of run.sh, on every boot's console.
pattern='BUG:|WARNING:|KASAN:|Oops|Kernel panic|list_(add|del) corruption|DEBUG_LOCKS_WARN_ON|possible (circular|recursive) locking|inconsistent lock state|general protection fault|UBSAN:|INFO: |soft lockup|Call Trace:'
ok=1
for s in "${stages[@]}"; do
	f=$run/console${s:+@$s}.log
	grep -qx "finished${s:+@$s}" "$run/status" || ok=0
	if [ -f "$f" ] && grep -Eq "$pattern" "$f"; then
		log "kernel log of $name${s:+ ($s)} has reports:"
		grep -En -m 20 "$pattern" "$f" >&2
		ok=0
	fi
done
report kernel-log "$ok"
exit $failed
