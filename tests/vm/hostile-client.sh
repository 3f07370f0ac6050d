# timeout: 1200
# Hostile clients: values the device cannot decode are refused at the
# ioctl (request-client); a flood of context events (bounded kernel memory,
# a clip beside it still exact); noise behind valid controls, and damaged streams
# of every codec (tests/conformance/damage.py: flipped bits, pictures cut
# short) through GStreamer. The daemon must survive all of it, each damaged
# decode must end, and a clean stream decoded by another client at the same
# time must stay MD5-exact. FULL=1: 10 damaged versions of two clips per
# codec (CI: 2 of one).
. /mnt/proj/tests/vm/lib.sh

build_client request-client
build_client stream-client
load_module job_timeout_ms=3000
gst_env
video=$(video_node daedalus-v4l2)
media=$(media_node daedalus-v4l2)
start_daemon
alive() { kill -0 "$DAEMON_PID" 2>/dev/null || fail "the daemon died: $(tail -n 5 "$DAEMON_LOG")"; }

say "out-of-range and inconsistent values are refused"
/tmp/request-client "$video" "$media" >/tmp/refused.log || { cat /tmp/refused.log; fail "request-client"; }
grep -c '^ok' /tmp/refused.log | sed 's/^/checks passed: /'

# Refusals are debug lines (on here: lib.sh loads the module with
# dyndbg=+p), ratelimited (10 lines per 5 s per call site): one client must
# not be able to fill the kernel log.
say "a client repeating a refused value cannot flood the kernel log"
flood=10000
before=$(dmesg | grep -c 'profile_idc 244 is not supported' || true)
t0=$(date +%s)
/tmp/request-client --flood $flood "$video" "$media" >/tmp/flood.log || { cat /tmp/flood.log; fail "request-client --flood"; }
took=$(($(date +%s) - t0))
logged=$(($(dmesg | grep -c 'profile_idc 244 is not supported' || true) - before))
most=$((10 * (took / 5 + 2)))
say "$flood refusals in $took s wrote $logged log lines (at most $most allowed)"
[ "$logged" -ge 1 ] || fail "the refusal was not logged at all"
[ "$logged" -le "$most" ] || fail "$flood refusals wrote $logged kernel log lines"

# Every S_FMT, STREAMON and STREAMOFF is an event for the daemon: one
# pending per kind per context, however many calls and however slow the
# daemon, and served in turn with the other contexts' jobs.
say "a client flooding events while the daemon is stopped: kernel memory stays bounded"
kill -STOP "$DAEMON_PID"
before=$(awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo)
/tmp/request-client --event-flood 20000 "$video" "$media" >/tmp/eflood.log &
f=$!
wait_for 600 grep -q flooded /tmp/eflood.log ||
	{ kill -CONT "$DAEMON_PID"; cat /tmp/eflood.log; fail "request-client --event-flood"; }
after=$(awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo)
waiting=$(($(dv_stat events_waiting) + $(dv_stat notes_waiting)))
kill -TERM $f
wait $f || { kill -CONT "$DAEMON_PID"; cat /tmp/eflood.log; fail "request-client --event-flood"; }
kill -CONT "$DAEMON_PID"
say "20000 rounds: $waiting messages wait for the daemon; unreclaimable slab $before kB -> $after kB"
# The client's context has at most one event of each kind pending. Slab
# moves with KASAN's quarantine of every ioctl's short-lived allocations:
# 20000 rounds of queued events would be 10 MiB and more.
[ "$waiting" -le 4 ] || fail "20000 event rounds left $waiting messages waiting"
[ $((after - before)) -le 4096 ] || fail "20000 event rounds grew kernel memory by $((after - before)) kB"
alive
say "100000 rounds beside a clip decoded exactly within GStreamer's deadline"
/tmp/request-client --event-flood 100000 "$video" "$media" >/tmp/eflood.log 2>&1 &
f=$!
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/beside-flood \
	--clips "$(smallest_clips "$CORPUS" 1)" >/tmp/beside-flood.txt 2>&1 ||
	{ cat /tmp/beside-flood.txt; fail "the clip beside the event flood was not exact"; }
wait_for 900 grep -q flooded /tmp/eflood.log || { cat /tmp/eflood.log; fail "request-client --event-flood 100000"; }
kill -TERM $f
wait $f || { cat /tmp/eflood.log; fail "request-client --event-flood 100000"; }
alive

say "noise behind valid controls, H.264 and VP9 at once"
/tmp/stream-client --codec h264 --seconds 10 --seed 11 "$video" "$media" >/tmp/noise-a.log &
a=$!
/tmp/stream-client --codec vp9 --seconds 10 --seed 12 "$video" "$media" >/tmp/noise-b.log ||
	fail "VP9 noise: $(cat /tmp/noise-b.log)"
wait $a || fail "H.264 noise: $(cat /tmp/noise-a.log)"
say "H.264: $(tail -n 1 /tmp/noise-a.log)"
say "VP9: $(tail -n 1 /tmp/noise-b.log)"
alive

versions=2 clips_per_codec=1
[ "${FULL:-0}" = 0 ] || { versions=10 clips_per_codec=2; }
damaged=0
# The clean stream beside each damaged one: the smallest H.264 clip.
clean=$(smallest_clips "$CORPUS" 1)
for codec in $DV_CODECS; do
	eval "corpus=\${$(codec_corpus_var "$codec"):-}"
	[ -f "$corpus/clips.txt" ] || continue
	for clip in $(grep -v '^#' "$corpus/clips.txt" | head -n $clips_per_codec | cut -d' ' -f1); do
		file=$(clip_file "$corpus" "$clip")
		ext=${file##*.}
		clip_pipeline "$file"
		v=1
		while [ $v -le $versions ]; do
			python3 /mnt/proj/tests/conformance/damage.py "$file" "/tmp/damaged.$ext" "$v"
			# shellcheck disable=SC2086 # $parse: several words
			timeout 120 gst-launch-1.0 -q filesrc location="/tmp/damaged.$ext" ! $parse ! \
				"$element" ! fakesink >/tmp/damaged.log 2>&1 &
			d=$!
			sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/clean \
				--clips "$clean" >/tmp/clean.log 2>&1 ||
				{ cat /tmp/clean.log; fail "$clean was not exact beside damaged $clip ($v)"; }
			rc=0
			wait $d || rc=$?
			[ $rc != 124 ] || fail "the damaged $clip ($v) decode hung"
			alive
			damaged=$((damaged + 1))
			v=$((v + 1))
		done
		say "$clip: $versions damaged versions decoded, $clean exact beside each"
	done
done
echo "damaged_streams $damaged" >>/mnt/run/figures
stop_daemon
nothing_left 5
unload_module
say "ok"
