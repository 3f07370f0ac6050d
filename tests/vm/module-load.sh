# The module loads, creates its nodes, and unloads cleanly, twice.
. /mnt/proj/tests/vm/lib.sh

for round in 1 2; do
	load_module
	video=$(video_node daedalus-v4l2) || fail "no video node after load"
	media=$(media_node daedalus-v4l2) || fail "no media node after load"
	say "round $round: $video $media"
	v4l2-ctl -d "$video" --info | tee /tmp/info
	grep -q "Driver name *: daedalus-v4l2" /tmp/info || fail "wrong driver name"
	[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
	unload_module
	! lsmod | grep -q '^daedalus_v4l2' || fail "module still loaded"
	! video_node daedalus-v4l2 >/dev/null || fail "video node left after unload"
done
say "ok"
