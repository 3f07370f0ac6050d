# timeout: 900
# The device driven the way FFmpeg's v4l2request hwaccel and Chromium's V4L2
# stateless decoder drive it (tests/clients/replay-client.c), on clips of
# the H.264 and VP9 corpora: each clip is decoded once by GStreamer with the
# daemon dumping its jobs, then those requests are replayed with each
# client's call order, buffer counts and growth, timestamps and reference
# naming. Every picture must land in the CAPTURE buffer queued with its
# request and, in display order, be MD5-identical to FFmpeg's software
# decode; no request may take longer than the client's 2 s poll. One replay
# runs beside a second decode. Last, no write after return: the daemon is
# stopped (SIGSTOP) while it holds jobs and the client stops streaming; the
# module must not hand the CAPTURE buffers back until they are safe (it
# kills the daemon that does not give its jobs back in time), and they must
# not change when the daemon runs again. And clients that die at each step
# of a request, and deep queues under a short watchdog.
. /mnt/proj/tests/vm/lib.sh

# Baseline; B-pyramid; 16 references (FFmpeg grows its CAPTURE pool past
# 14 while streaming); VP9 hidden alt-ref frames at 8 and 10 bits. Fewer on
# the kernels after the first (run.sh --sample N/K, K > 0).
H264_CLIPS="cbp_cavlc main_cabac_bpyramid refs16_p"
VP9_CLIPS="p0_altref p2_altref"
if [ "${SAMPLE_OFFSET:-0}" != 0 ]; then
	H264_CLIPS="cbp_cavlc main_cabac_bpyramid"
	VP9_CLIPS="p2_altref"
fi

load_module job_timeout_ms=3000
video=$(video_node daedalus-v4l2)
media=$(media_node daedalus-v4l2)
build_client replay-client
start_daemon --dump-jobs /tmp/dump
rc=0

# replay CORPUS NAME MODE [DEADLINE [TAG]] -- replay NAME's dumped jobs as
# MODE (each wait at most DEADLINE s, FFmpeg's 2 by default); compare. TAG
# keeps the files of replays that run at once apart.
replay() {
	read -r _ w h frames fmt _ <<EOF
$(awk -v n="$2" '$1 == n' "$1/clips.txt")
EOF
	case $fmt in p010) ;; *) fmt=nv12 ;; esac
	out=/tmp/replay-$2-$3${5:-}
	if ! /tmp/replay-client --mode "$3" --deadline "${4:-2}" --width "$w" --height "$h" --out "$out.raw" \
		"/tmp/dump-$2" "$video" "$media" >"$out.log" 2>&1; then
		say "FAIL: $2 as $3: $(grep -m 3 FAIL "$out.log" | tr '\n' ' ')"
		return 1
	fi
	python3 /mnt/proj/tests/conformance/framemd5.py --layout tight --format "$fmt" \
		"$out.raw" "$w" "$h" >"$out.md5"
	if ! cmp -s "$out.md5" "$1/$2.md5"; then
		bad=$(awk 'NR == FNR { ref[FNR] = $1; next } $1 != ref[FNR] { n++ }
			END { print n + 0 }' "$1/$2.md5" "$out.md5")
		say "FAIL: $2 as $3: $(wc -l <"$out.md5") pictures, $bad differ from the reference's $frames"
		return 1
	fi
	say "$2 as $3: $frames pictures exact ($(tail -n 1 "$out.log"))"
}

# dump CORPUS NAME -- decode NAME with GStreamer, keep the daemon's jobs.
dump() {
	rm -rf /tmp/dump /tmp/dump-"$2"
	mkdir -p /tmp/dump
	sh /mnt/proj/tests/conformance/run-corpus.sh "$1" /tmp/replay-gst --clips "$2" \
		>/tmp/replay-gst.txt 2>&1 || { cat /tmp/replay-gst.txt; return 1; }
	mv /tmp/dump /tmp/dump-"$2"
	mkdir -p /tmp/dump
}

for clip in $(for n in $H264_CLIPS; do echo "$CORPUS:$n"; done) \
	$(for n in $VP9_CLIPS; do echo "$CORPUS_VP9:$n"; done); do
	corpus=${clip%%:*} name=${clip#*:}
	dump "$corpus" "$name" || { rc=1; continue; }
	for mode in ffmpeg chromium; do
		replay "$corpus" "$name" $mode || rc=1
	done
done

# A replay beside a second decode: two contexts in the daemon at once.
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/replay-beside \
	--clips crop_174x98 >/tmp/replay-beside.txt 2>&1 &
beside=$!
replay "$CORPUS" main_cabac_bpyramid ffmpeg || rc=1
wait $beside || { cat /tmp/replay-beside.txt; say "FAIL: the decode beside the replay"; rc=1; }

# The watchdog times each context's progress, not each job from when it
# was queued. A daemon that holds every job 0.5 s (--job-delay-ms) with
# four requests in flight per context: each request waits about 2 s from
# being queued, while the daemon ends one of each context's jobs every
# 0.5 s. A 1.2 s timeout lies between the two on any machine: a watchdog
# timing each job from device_run trips, one timing progress must not. It
# is set once both contexts are streaming (a context's first job also
# opens its decoder).
say "deep queues: two contexts, four requests in flight each, jobs of 0.5 s, a 1.2 s watchdog"
stop_daemon
start_daemon --job-delay-ms 500
deep_done0=$(dv_stat jobs_done)
replay "$CORPUS" cbp_cavlc ffmpeg 30 -a &
deep=$!
replay "$CORPUS" cbp_cavlc ffmpeg 30 -b &
deep_b=$!
wait_for 120 dv_stat_reached jobs_done $((deep_done0 + 4)) ||
	{ say "FAIL: the deep queues did not get going"; rc=1; }
echo 1200 >/sys/module/daedalus_v4l2/parameters/job_timeout_ms
wait $deep || rc=1
wait $deep_b || rc=1
echo 3000 >/sys/module/daedalus_v4l2/parameters/job_timeout_ms
if kill -0 "$DAEMON_PID"; then
	# Requests must have waited past the timeout, or nothing was shown.
	latency=$(sed -n 's/.*max-latency: \([0-9.]*\) s.*/\1/p' /tmp/replay-cbp_cavlc-ffmpeg-a.log \
		/tmp/replay-cbp_cavlc-ffmpeg-b.log | sort -n | tail -n 1)
	say "deep queues: the longest request took ${latency:-?} s from queued to done"
	awk -v l="${latency:-0}" 'BEGIN { exit !(l > 1.2) }' ||
		{ say "FAIL: no request waited past the 1.2 s watchdog: the queues were not deep enough to show anything"; rc=1; }
	stop_daemon
else
	say "FAIL: the watchdog killed a daemon that made progress"
	rc=1
	wait "$DAEMON_PID" 2>/dev/null || true
	nothing_left 10
fi
# The checks below are about clients: a daemon at full speed.
start_daemon

# A client that dies at any step of a request leaves nothing behind: its
# requests end within the watchdog, its close does not block, the daemon
# and the next client carry on.
for step in ctrls output capture queue; do
	t0=$(cut -d' ' -f1 /proc/uptime)
	/tmp/replay-client --die-after $step --stop-after 5 --out /tmp/die.raw \
		/tmp/dump-main_cabac_bpyramid "$video" "$media" >/tmp/die.log 2>&1 ||
		{ cat /tmp/die.log; say "FAIL: the client dying after $step"; rc=1; }
	nothing_left 5 || rc=1
	say "a client dying after $step at request 5: gone in $(awk -v t="$t0" '{ printf "%.1f", $1 - t }' /proc/uptime) s, nothing left"
done
kill -0 "$DAEMON_PID" || { say "FAIL: the daemon died with a client"; rc=1; }

say "no write after STREAMOFF"
if /tmp/replay-client --stop-daemon "$DAEMON_PID" --stop-after 4 --out /tmp/stop.raw \
	/tmp/dump-main_cabac_bpyramid "$video" "$media" >/tmp/stop.log 2>&1; then
	say "$(tail -n 1 /tmp/stop.log)"
else
	cat /tmp/stop.log
	say "FAIL: CAPTURE buffers changed after STREAMOFF, or STREAMOFF failed"
	rc=1
fi
wait_for 8 sh -c "! kill -0 $DAEMON_PID 2>/dev/null" ||
	{ say "FAIL: the daemon that kept its jobs is still there"; rc=1; kill -KILL "$DAEMON_PID"; }
wait "$DAEMON_PID" 2>/dev/null || true
nothing_left 5
start_daemon
replay "$CORPUS" cbp_cavlc ffmpeg || rc=1

stop_daemon
nothing_left 5
unload_module
exit $rc
