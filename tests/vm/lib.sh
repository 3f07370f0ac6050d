# shellcheck shell=sh
# Helpers for the tests that run inside the guest (sourced by tests/vm/*.sh).
set -eu

say() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
fail() { say "FAIL: $*"; exit 1; }

# Load daedalus_v4l2.ko built for this kernel, with the in-tree modules it
# needs (the guest's /lib/modules is the guest kernel's).
load_module() {
	deps=$(modinfo -F depends "$MODULE" | tr ',' ' ')
	# shellcheck disable=SC2086
	[ -z "$deps" ] || modprobe -a $deps
	insmod "$MODULE" "$@"
	udev_settle_nodes
}

unload_module() {
	rmmod daedalus_v4l2
}

# No udev in the guest: devtmpfs creates the nodes; give it a moment.
udev_settle_nodes() {
	i=0
	while [ $i -lt 50 ] && ! ls /dev/video* >/dev/null 2>&1; do
		sleep 0.1
		i=$((i + 1))
	done
}

# video_node NAME -- /dev/videoN of the video device called NAME
video_node() {
	for d in /sys/class/video4linux/video*; do
		[ -e "$d/name" ] || continue
		if [ "$(cat "$d/name")" = "$1" ]; then
			echo "/dev/$(basename "$d")"
			return 0
		fi
	done
	return 1
}

# media_node MODEL -- /dev/mediaN of the media device whose model is MODEL
media_node() {
	for d in /sys/bus/media/devices/media*; do
		[ -e "$d/model" ] || continue
		if [ "$(cat "$d/model")" = "$1" ]; then
			echo "/dev/$(basename "$d")"
			return 0
		fi
	done
	return 1
}

# debugfs counter of the module: stat NAME
dv_stat() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	awk -v k="$1:" '$1 == k { print $2 }' /sys/kernel/debug/daedalus-v4l2/stats
}
