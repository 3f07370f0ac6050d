# shellcheck shell=sh
# Helpers for the tests that run inside the guest (sourced by tests/vm/*.sh).
set -eu

. /mnt/proj/tests/conformance/clips.sh

# run-corpus.sh keeps its GStreamer registry for the whole boot.
export RUN_CORPUS_GST_DIR=/tmp/run-corpus-gst

say() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
fail() { say "FAIL: $*"; exit 1; }

# Load daedalus_v4l2.ko built for this kernel, with the in-tree modules it
# needs (the guest's /lib/modules is the guest kernel's).
load_module() {
	deps=$(modinfo -F depends "$MODULE" | tr ',' ' ')
	# shellcheck disable=SC2086
	[ -z "$deps" ] || modprobe -a $deps
	# Client-caused refusals are debug lines: the tests read them.
	insmod "$MODULE" dyndbg=+p "$@"
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
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
	awk -v k="$1:" '$1 == k { print $2 }' /sys/kernel/debug/daedalus-v4l2/stats
}

# dv_stat_reached NAME N -- debugfs counter NAME is at least N (for wait_for)
dv_stat_reached() {
	[ "$(dv_stat "$1")" -ge "$2" ]
}

# build_client NAME -- compile tests/clients/NAME.c to /tmp/NAME
build_client() {
	cc -Wall -Wextra -Werror -O1 -I/mnt/proj/include -o "/tmp/$1" \
		"/mnt/proj/tests/clients/$1.c"
}

# nothing_left SECONDS -- wait until the module holds no job and no context
# (debugfs counters back to zero); fails the test if that takes longer.
nothing_left() {
	wait_for "$1" sh -c '[ "$(awk '"'"'$1 == "jobs_pending:" || $1 == "contexts:" { n += $2 } END { print n + 0 }'"'"' \
		/sys/kernel/debug/daedalus-v4l2/stats)" = 0 ]' ||
		fail "left behind after $1 s: $(tr '\n' ' ' </sys/kernel/debug/daedalus-v4l2/stats)"
}

# Use GStreamer with only the plugins the tests need: scanning all of
# trixie's plugins takes minutes under TCG. A fresh registry each boot,
# since v4l2codecs registers its elements for the devices present when it
# is scanned.
gst_env() {
	dir=/tmp/gst-plugins
	mkdir -p $dir
	for p in coreelements app typefindfunctions matroska isomp4 ivfparse \
		videoparsersbad v4l2codecs; do
		ln -sf /usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgst$p.so $dir/
	done
	export GST_PLUGIN_SYSTEM_PATH=$dir
	export GST_REGISTRY=/tmp/gst-registry-$$.bin
}

# Start the daemon in the background and wait until it is attached. Its log
# is /mnt/run/daemon-TEST-N.log, kept when the next test starts its own.
# Sets DAEMON_PID.
start_daemon() {
	DAEMON_RUNS=$((${DAEMON_RUNS:-0} + 1))
	DAEMON_LOG=/mnt/run/daemon-$(basename "$0" .sh)-$DAEMON_RUNS.log
	# shellcheck disable=SC2086 # DAEMON_ARGS (run.sh DAEDALUS_DAEMON_ARGS): words
	"$DAEMON" daemon --verbose ${DAEMON_ARGS:-} "$@" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	# sh has no local variables: a name of its own, not the caller's "i".
	start_daemon_polls=0
	while ! grep -q "attached to" "$DAEMON_LOG"; do
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "daemon exited: $(cat "$DAEMON_LOG")"
		[ $start_daemon_polls -lt 300 ] || fail "daemon did not attach"
		sleep 0.1
		start_daemon_polls=$((start_daemon_polls + 1))
	done
}

stop_daemon() {
	kill -TERM "$DAEMON_PID"
	wait "$DAEMON_PID" || fail "daemon exited with $? on SIGTERM"
}

# wait_for SECONDS CMD... -- poll CMD every 0.05 s until it succeeds
wait_for() {
	limit=$1
	shift
	end=$(awk -v l="$limit" '{ print $1 + l }' /proc/uptime)
	until "$@"; do
		awk -v e="$end" '{ exit !($1 > e) }' /proc/uptime && return 1
		sleep 0.05
	done
}

# conformance CORPUS NAME DECODER -- decode every clip of CORPUS, one after
# the other, and print the table; then decode its two smallest clips with
# two clients at once (two contexts in parallel in the daemon). Fails if any
# clip fails. Clips run one at a time because GStreamer gives a request
# 1 s to complete, which an emulated guest decoding two streams can miss.
conformance() {
	conformance_rc=0
	# SAMPLE=N (run.sh --sample N/K) decodes every Nth clip only, from
	# the (K+1)th on: run-all.sh gives each kernel its share, so that every
	# clip is decoded on one of them.
	sample=$(awk -v n="${SAMPLE:-1}" -v o="${SAMPLE_OFFSET:-0}" \
		'!/^#/ && NR % n == (1 + o) % n { print $1 }' "$1/clips.txt" | xargs)
	sh /mnt/proj/tests/conformance/run-corpus.sh "$1" "/tmp/$2" \
		--decoder "$3" --clips "$sample" || conformance_rc=1
	# Two clients at once (two contexts in parallel in the daemon): H.264
	# (libavcodec's contexts) and AV1 (libdav1d's frame threads) only, on
	# every kernel; the other libavcodec codecs share H.264's context code.
	case $2 in h264 | av1) ;; *) return $conformance_rc ;; esac
	set -- "$1" "$2" "$3" $(smallest_clips "$1" 2)
	sh /mnt/proj/tests/conformance/run-corpus.sh "$1" "/tmp/$2-a" \
		--decoder "$3" --clips "$4" >"/tmp/$2-a.txt" 2>&1 &
	a_pid=$!
	sh /mnt/proj/tests/conformance/run-corpus.sh "$1" "/tmp/$2-b" \
		--decoder "$3" --clips "$5" >"/tmp/$2-b.txt" 2>&1 &
	b_pid=$!
	if wait $a_pid && wait $b_pid; then
		say "parallel: $4 and $5 decoded at once, both exact"
	else
		cat "/tmp/$2-a.txt" "/tmp/$2-b.txt"
		say "FAIL: parallel decode of $4 and $5"
		conformance_rc=1
	fi
	return $conformance_rc
}

# conformance_test CORPUS NAME DECODER -- a whole conformance VM test: the
# module and the daemon up, the corpus decoded (see conformance), nothing
# left behind.
conformance_test() {
	load_module
	start_daemon
	test_rc=0
	conformance "$@" || test_rc=$?
	stop_daemon
	[ "$(dv_stat jobs_pending)" = 0 ] || fail "jobs left pending"
	[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
	unload_module
	return $test_rc
}
