# The module loads, creates its nodes, and unloads cleanly, twice. Then an
# unbind of the platform device while a client holds the video node open
# and a daemon the bridge: their calls fail with ENODEV, closing them frees
# the device (no use after free under KASAN), and a rebind brings the
# nodes back.
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

load_module
video=$(video_node daedalus-v4l2)
start_daemon
drv=/sys/bus/platform/drivers/daedalus-v4l2
exec 3<>"$video"
echo daedalus-v4l2 >$drv/unbind
! video_node daedalus-v4l2 >/dev/null || fail "video node left after unbind"
# VIDIOC_QUERYCAP on the file still open
python3 -c '
import errno, fcntl, sys
try:
    fcntl.ioctl(3, 0x80685600, bytearray(104))
except OSError as e:
    sys.exit(0 if e.errno == errno.ENODEV else 1)
sys.exit(1)' || fail "a call on the unbound device did not fail with ENODEV"
exec 3>&-
stop_daemon
echo daedalus-v4l2 >$drv/bind
video=$(video_node daedalus-v4l2) || fail "no video node after rebind"
v4l2-ctl -d "$video" --info >/dev/null || fail "the rebound device does not answer"
unload_module
say "ok"
