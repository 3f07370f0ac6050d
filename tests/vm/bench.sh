# timeout: 3000
# The guest part of tools/bench.sh (a benchmark, not a timed test: it
# fails only when a decode fails). For each clip:
#   (a) through the device: gst-launch-1.0 ... ! v4l2sl*dec ! fakesink
#       sync=false, the daemon dumping its jobs (for bench_jobs, natively);
#   (a1) the same on one CPU (taskset -c 0, daemon --threads 1), full mode;
#   (b) the same engine directly with the daemon's threads (ffmpeg
#       -thread_type slice -threads N -c:v h264|vp9; dav1d --threads N);
#   (c) the same engine at its defaults;
# then 1, 2, 4 and 8 clients at once (1 and 2 in tiny mode) on one clip,
# (mode "dump": only (a) and 1 and 2 clients, for the dumps the native
# part replays, when the VM lock leaves little time)
# the daemon at one thread a stream. Writes /mnt/run/bench/results.txt
# (RESULT and SCALE lines, tools/bench.sh tabulates them) and the dumps in
# /mnt/run/bench/dumps/CLIP/.
#
# Clips: $BENCH_CLIPS/clips.txt (run.sh DAEDALUS_BENCH_CLIPS; NAME FILE per
# line, made by tools/bench.sh), else -- tiny mode, as CI runs it -- the
# smallest clip of each conformance corpus.
. /mnt/proj/tests/vm/lib.sh

out=/mnt/run/bench
rm -rf "$out"
mkdir -p "$out/dumps"
res=$out/results.txt
: >"$res"
cpus=$(nproc)
clk=$(getconf CLK_TCK)
gst_env

clipdir=${BENCH_CLIPS:-}
if [ -n "$clipdir" ] && [ -f "$clipdir/clips.txt" ]; then
	mode=$(cat "$clipdir/mode" 2>/dev/null || echo full)
	list=$(awk '!/^#/ && $1 != "scale" { print $1 "=" $2 }' "$clipdir/clips.txt")
	# clips.txt names every clip by its guest path, the scaling one too
	scale_file=$(awk '$1 == "scale" { print $2 }' "$clipdir/clips.txt")
else
	mode=tiny clipdir=
	list=
	for c in "$CORPUS" "$CORPUS_VP9" "$CORPUS_AV1"; do
		n=$(smallest_clips "$c" 1)
		list="$list $n=$(clip_file "$c" "$n")"
	done
	scale_file=$(clip_file "$CORPUS" "$(smallest_clips "$CORPUS" 1)")
fi
say "bench: $mode mode, $cpus CPUs"

now() { date +%s.%N; }
# CPU seconds of this shell's waited-for children so far (cutime + cstime;
# $$ is this shell even in a command substitution).
child_cpu() { awk -v t="$clk" '{ print ($16 + $17) / t }' "/proc/$$/stat"; }
# CPU seconds of process PID so far.
pid_cpu() { awk -v t="$clk" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }
sub() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }

# gst CLIP [taskset prefix...] -- decode through the device; sets $wall, $cpu
gst() {
	file=$1
	shift
	clip_pipeline "$file"
	t0=$(now) c0=$(child_cpu) d0=$(pid_cpu "$DAEMON_PID")
	# shellcheck disable=SC2086 # $parse: several words
	"$@" gst-launch-1.0 -q filesrc location="$file" ! $parse ! "$element" ! \
		fakesink sync=false >/tmp/bench-gst.log 2>&1 ||
		{ cat /tmp/bench-gst.log; fail "gst-launch failed on $file"; }
	wall=$(sub "$t0" "$(now)")
	cpu=$(echo "$c0 $(child_cpu) $d0 $(pid_cpu "$DAEMON_PID")" |
		awk '{ printf "%.3f", $2 - $1 + $4 - $3 }')
}

# direct FILE THREADS|default -- the engine itself; sets $wall, $cpu
direct() {
	clip_pipeline "$1"
	t0=$(now) c0=$(child_cpu)
	case $element in
	v4l2slav1dec)
		# dav1d's own tool (the test guest's root has it), else libdav1d
		# through FFmpeg, for a root without the tool.
		if command -v dav1d >/dev/null && [ "$2" = default ]; then
			dav1d -q -i "$1" -o /dev/null --muxer null >/tmp/bench-direct.log 2>&1
		elif command -v dav1d >/dev/null; then
			dav1d -q --threads "$2" -i "$1" -o /dev/null --muxer null >/tmp/bench-direct.log 2>&1
		elif [ "$2" = default ]; then
			ffmpeg -nostdin -hide_banner -nostats -c:v libdav1d -i "$1" -f null - >/tmp/bench-direct.log 2>&1
		else
			ffmpeg -nostdin -hide_banner -nostats -c:v libdav1d -threads "$2" \
				-i "$1" -f null - >/tmp/bench-direct.log 2>&1
		fi ;;
	*)
		dec=h264
		[ "$element" = v4l2slvp9dec ] && dec=vp9
		if [ "$2" = default ]; then
			ffmpeg -nostdin -hide_banner -nostats -c:v $dec -i "$1" -f null - >/tmp/bench-direct.log 2>&1
		else
			ffmpeg -nostdin -hide_banner -nostats -threads "$2" -thread_type slice \
				-c:v $dec -i "$1" -f null - >/tmp/bench-direct.log 2>&1
		fi ;;
	esac || { cat /tmp/bench-direct.log; fail "direct decode of $1 failed"; }
	wall=$(sub "$t0" "$(now)")
	cpu=$(sub "$c0" "$(child_cpu)")
}

# Per-request latency (the daemon's "decoded in N ms") of log $1: p50 p99.
latency() {
	sed -n 's/.*: decoded in \([0-9]*\) ms.*/\1/p' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (!NR) { print "0 0"; exit }
			i = int(0.5 * (NR - 1) + 1.5); j = int(0.99 * (NR - 1) + 1.5)
			if (j > NR) j = NR
			print v[i], v[j] }'
}

load_module
for entry in $list; do
	name=${entry%%=*} file=${entry#*=}
	[ -f "$file" ] || fail "no clip $file"
	start_daemon --dump-jobs "$out/dumps/$name"
	gst "$file"
	a_wall=$wall a_cpu=$cpu
	stop_daemon
	frames=$(grep -c ': decoded in' "$DAEMON_LOG")
	[ "$frames" -gt 0 ] || fail "$name: no request decoded"
	! grep -q ': failed in' "$DAEMON_LOG" || fail "$name: a request failed"
	set -- $(latency "$DAEMON_LOG")
	p50=$1 p99=$2
	a1_wall=0 b_wall=0 b_cpu=0 c_wall=0
	if [ "$mode" = dump ]; then
		echo "RESULT clip=$name frames=$frames cpus=$cpus a_s=$a_wall a1_s=0 b_s=0 c_s=0 a_cpu_s=$a_cpu b_cpu_s=0 p50_ms=$p50 p99_ms=$p99" |
			tee -a "$res"
		continue
	fi
	if [ "$mode" != tiny ]; then
		start_daemon --threads 1
		taskset -pc 0 "$DAEMON_PID" >/dev/null
		for t in /proc/"$DAEMON_PID"/task/*; do taskset -pc 0 "${t##*/}" >/dev/null; done
		gst "$file" taskset -c 0
		a1_wall=$wall
		stop_daemon
	fi
	direct "$file" "$cpus"
	b_wall=$wall b_cpu=$cpu
	direct "$file" default
	c_wall=$wall
	echo "RESULT clip=$name frames=$frames cpus=$cpus a_s=$a_wall a1_s=$a1_wall b_s=$b_wall c_s=$c_wall a_cpu_s=$a_cpu b_cpu_s=$b_cpu p50_ms=$p50 p99_ms=$p99" |
		tee -a "$res"
done

# Scaling: K clients at once on one clip, a thread each.
counts="1 2 4 8"
[ "$mode" = full ] || counts="1 2"
start_daemon --threads 1
for k in $counts; do
	clip_pipeline "$scale_file"
	t0=$(now)
	pids=
	i=0
	while [ $i -lt "$k" ]; do
		# shellcheck disable=SC2086 # $parse: several words
		gst-launch-1.0 -q filesrc location="$scale_file" ! $parse ! "$element" ! \
			fakesink sync=false >"/tmp/bench-scale-$i.log" 2>&1 &
		pids="$pids $!"
		i=$((i + 1))
	done
	i=0
	for p in $pids; do
		wait "$p" || { tail -n 20 "/tmp/bench-scale-$i.log"; fail "client $i of $k failed"; }
		i=$((i + 1))
	done
	echo "SCALE clients=$k wall_s=$(sub "$t0" "$(now)")" | tee -a "$res"
done
stop_daemon
scale_frames=$(grep -c ': decoded in' "$DAEMON_LOG")
echo "SCALE_FRAMES total=$scale_frames" | tee -a "$res"
nothing_left 5
unload_module
say "bench: done"
