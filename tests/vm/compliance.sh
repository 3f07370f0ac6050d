# v4l2-compliance on our media and video nodes: 0 failed, 0 warnings.
# visl, the kernel's own virtual stateless decoder, goes through the same
# check as a reference for what this harness and v4l2-compliance expect.
. /mnt/proj/tests/vm/lib.sh

# compliance NAME MEDIA -- run v4l2-compliance on a media device and all of
# its interfaces; fails unless its grand total has no failure or warning.
compliance() {
	out=/mnt/run/compliance-$1.txt
	v4l2-compliance -m "$2" >"$out" 2>&1 || true
	cat "$out"
	total=$(grep "^Grand Total for" "$out") || fail "$1: no grand total"
	say "$1: $total"
	case $total in
	*"Failed: 0, Warnings: 0") ;;
	*) fail "$1: v4l2-compliance reports failures or warnings" ;;
	esac
	grep -q "Compliance test for $1 device /dev/video" "$out" ||
		fail "$1: the video node was not tested"
}

load_module
compliance daedalus-v4l2 "$(media_node daedalus-v4l2)"
[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
[ "$(dv_stat jobs_pending)" = 0 ] || fail "jobs left pending"
unload_module

modprobe visl
compliance visl "$(media_node visl)"
rmmod visl
say "ok"
