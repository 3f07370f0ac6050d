# timeout: 1500
# Faults around real streams: the daemon SIGKILLed at random points while
# two clients decode (H.264, VP9 and AV1 clips in turn); clients that die
# with requests in flight; STREAMOFF/STREAMON with requests in flight;
# resolution changes (both queues freed and reallocated at a new size); the
# module unloaded while in use. Each time: clients end (no hang past the
# watchdog), the module is left with no job and no context, and a daemon
# decodes exactly afterwards. FULL=1: 50 kills (CI: 12).
. /mnt/proj/tests/vm/lib.sh

load_module job_timeout_ms=2000
gst_env
build_client stream-client
video=$(video_node daedalus-v4l2)
media=$(media_node daedalus-v4l2)

kills=12
[ "${FULL:-0}" = 0 ] || kills=50

# The smallest clip of each corpus there is, one file per line.
streams=/tmp/streams
for c in "$CORPUS" "$CORPUS_VP9" "$CORPUS_AV1"; do
	[ -f "$c/clips.txt" ] || continue
	clip_file "$c" "$(smallest_clips "$c" 1)"
done >$streams
n_streams=$(wc -l <$streams)

decode() { # decode INDEX LOG
	file=$(sed -n "$(($1 % n_streams + 1))p" $streams)
	clip_pipeline "$file"
	# shellcheck disable=SC2086 # $parse: several words
	timeout 60 gst-launch-1.0 -q filesrc location="$file" ! $parse ! "$element" ! \
		fakesink >"$2" 2>&1
}

say "$kills daemon kills at random points, two streams each"
kill_n=0
while [ $kill_n -lt $kills ]; do
	start_daemon
	decode $kill_n /tmp/kill-a.log &
	a=$!
	decode $((kill_n + 1)) /tmp/kill-b.log &
	b=$!
	delay=$(awk -v s=$kill_n 'BEGIN { srand(s); printf "%.2f", 0.1 + rand() * 3 }')
	sleep "$delay"
	kill -KILL "$DAEMON_PID"
	wait "$DAEMON_PID" 2>/dev/null || true
	for p in $a $b; do
		rc=0
		wait $p || rc=$?
		[ $rc != 124 ] || fail "kill $kill_n (after $delay s): a client hung"
	done
	nothing_left 5
	kill_n=$((kill_n + 1))
done
say "$kills kills: every client ended, nothing left behind"
echo "daemon_kills $kills" >>/mnt/run/figures

say "clients that die with requests in flight"
start_daemon
victim=0
while [ $victim -lt 5 ]; do
	/tmp/stream-client --abandon $((3 + victim)) --seed $victim "$video" "$media" >/dev/null
	decode $victim /tmp/victim.log &
	v=$!
	sleep "0.$((3 + victim))"
	kill -KILL $v 2>/dev/null || true
	wait $v 2>/dev/null || true
	nothing_left 5
	victim=$((victim + 1))
done
echo "clients_killed 10" >>/mnt/run/figures

say "STREAMOFF/STREAMON with requests in flight"
/tmp/stream-client --codec h264 --seconds 8 --streamoff-every 5 "$video" "$media" ||
	fail "H.264 stream restarts"
/tmp/stream-client --codec vp9 --seconds 8 --streamoff-every 3 --seed 7 "$video" "$media" ||
	fail "VP9 stream restarts"
nothing_left 5

say "resolution changes with the daemon attached: CAPTURE reallocated, new memory clean"
/tmp/stream-client --codec h264 --seconds 8 --resize-every 5 "$video" "$media" ||
	fail "H.264 resolution changes"
/tmp/stream-client --codec vp9 --seconds 8 --resize-every 4 --seed 3 "$video" "$media" ||
	fail "VP9 resolution changes"
nothing_left 5

say "unloading the module while it is in use is refused"
/tmp/stream-client --seconds 100000 "$video" "$media" >/tmp/busy.log 2>&1 &
c=$!
sleep 1
if rmmod daedalus_v4l2 2>/dev/null; then fail "rmmod succeeded with a client streaming"; fi
kill -TERM $c
wait $c || { cat /tmp/busy.log; fail "the client saw an error during rmmod"; }
if rmmod daedalus_v4l2 2>/dev/null; then fail "rmmod succeeded with the daemon attached"; fi

say "the daemon still decodes every codec exactly"
for c in "$CORPUS" "$CORPUS_VP9" "$CORPUS_AV1"; do
	[ -f "$c/clips.txt" ] || continue
	sh /mnt/proj/tests/conformance/run-corpus.sh "$c" "/tmp/after-faults-$(basename "$c")" \
		--clips "$(head -n1 "$c/clips.txt" | cut -d' ' -f1)" || fail "decode after the faults is wrong"
done
stop_daemon
nothing_left 5
unload_module
say "ok"
