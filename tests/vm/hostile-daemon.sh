# timeout: 900
# A hostile daemon (tests/clients/bridge-fuzz.c) speaks to the module while
# two clients, H.264 and VP9, keep requests coming, one of them stopping and
# restarting its stream with requests in flight. The module must refuse
# what is wrong without a kernel report, every client request must complete
# within the deadline, nothing may be left behind, and a real daemon must
# then decode exactly. FULL=1: three seeds of 200 000 messages each.
. /mnt/proj/tests/vm/lib.sh

build_client bridge-fuzz
build_client stream-client
load_module job_timeout_ms=1000
gst_env
video=$(video_node daedalus-v4l2)
media=$(media_node daedalus-v4l2)

messages=100000 seeds="1"
[ "${FULL:-0}" = 0 ] || messages=200000 seeds="1 2 3"
total=0
for seed in $seeds; do
	say "seed $seed: $messages messages"
	/tmp/stream-client --codec h264 --seconds 100000 --deadline 3 --seed "$seed" \
		"$video" "$media" >/tmp/client-a.log 2>&1 &
	a=$!
	/tmp/stream-client --codec vp9 --seconds 100000 --deadline 3 --streamoff-every 7 \
		--seed "$seed" "$video" "$media" >/tmp/client-b.log 2>&1 &
	b=$!
	rc=0
	/tmp/bridge-fuzz "$seed" "$messages" || rc=$?
	# The clients go on without a daemon for a moment: ERROR, quickly.
	sleep 1
	kill -TERM $a $b 2>/dev/null || true
	wait $a || { cat /tmp/client-a.log; fail "H.264 client: a request was lost or late"; }
	wait $b || { cat /tmp/client-b.log; fail "VP9 client: a request was lost or late"; }
	say "H.264 client: $(tail -n 1 /tmp/client-a.log)"
	say "VP9 client: $(tail -n 1 /tmp/client-b.log)"
	[ $rc = 0 ] || fail "the module accepted what it must refuse (seed $seed)"
	nothing_left 5
	total=$((total + messages))
done
echo "fuzzed_messages $total" >>/mnt/run/figures

say "a real daemon still decodes exactly"
start_daemon
sh /mnt/proj/tests/conformance/run-corpus.sh "$CORPUS" /tmp/after-fuzz \
	--clips "$(head -n1 "$CORPUS/clips.txt" | cut -d' ' -f1)" ||
	fail "decode after the fuzzer is wrong"
stop_daemon
nothing_left 5
unload_module
say "ok"
