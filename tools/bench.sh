#!/usr/bin/env bash
# bench.sh -- how fast a stream decodes through the device, against its
# decoder called directly (a benchmark: nothing here asserts a time).
#
#   tools/bench.sh [--size tiny|1080p] [--frames N] [--kernel VER]
#                  [--no-guest] [--no-native] [--no-callgrind]
#                  [--vm-tests "TEST..."] [--clips-only] [--make-jobs]
#
# --vm-tests runs those VM tests too, in the same boot after the bench
# (e.g. the conformance tests, with the corpora made for them).
# Guest part (tests/vm/bench.sh, in the test VM, holding /tmp/vm.lock):
# each clip through the device with GStreamer, (with --size 1080p) on one
# CPU too, with the same engine directly at the daemon's threads and at
# its defaults; 1, 2, 4, 8 clients at once. The clips (--size 1080p) are
# made here, in the guest root at native speed, like the corpora: H.264
# High (x264), VP9 profile 0 and 2 (libvpx), AV1 8- and 10-bit (SVT-AV1),
# N frames (60), and a 640x360 H.264 clip for the scaling runs; --size
# tiny (what CI runs, through run-all's bench test) takes the smallest
# clip of each corpus instead.
#
# Native part, on the host at full speed, inside the guest root (its
# FFmpeg and dav1d): tests/unit/bench_jobs replays the jobs the daemon
# dumped in the guest through the daemon's backends and decodes the same
# bitstream with the same engine directly; then the same under
# `valgrind --tool=callgrind` (the host's valgrind running the root's
# loader), one thread, for instruction counts that a busy machine does
# not change.
#
# --make-jobs adds jobs made without a device to the native part's dumps,
# for a native run when the VM is out of reach (--no-guest --make-jobs):
# 1080p H.264 (libx264) and AV1 (libaom) encoded by tests/unit/make_h264_jobs
# and make_av1_jobs, and the 1080p VP9 clips split into requests by
# make_vp9_jobs.
#
# BENCH_MODE=dump: in the guest only (a) and 1-2 clients (the dumps for
# the native part), when the VM lock leaves little time.
#
# Everything goes to build/bench/: clips/, guest/ (results.txt, dumps/),
# native/ (bench_jobs output), report.md (the tables docs/performance.md
# quotes).
source "$(dirname "$0")/vm/lib.sh"

size=1080p frames=60 kver=6.12 guest=1 native=1 callgrind=1 vm_tests= clips_only=0 make_jobs=0
# Jobs of each clip decoded under callgrind (about 50 times slower): the
# first ones, a whole GOP's worth of frame types at the bench's sizes.
cg_jobs=${BENCH_CALLGRIND_JOBS:-12}
while [ $# -gt 0 ]; do
	case $1 in
	--vm-tests) vm_tests=$2; shift ;;
	--clips-only) clips_only=1 ;;
	--make-jobs) make_jobs=1 ;;
	--size) size=$2; shift ;;
	--frames) frames=$2; shift ;;
	--kernel) kver=$2; shift ;;
	--no-guest) guest=0 ;;
	--no-native) native=0 ;;
	--no-callgrind) callgrind=0 ;;
	*) die "usage: tools/bench.sh [--size tiny|1080p] [--frames N] [--kernel VER] [--no-guest] [--no-native] [--no-callgrind] [--vm-tests \"TEST...\"]" ;;
	esac
	shift
done
case $size in tiny | 1080p) ;; *) die "--size tiny or 1080p" ;; esac

top=$DAEDALUS_TOP
out=$top/build/bench
mkdir -p "$out"
root=$("$top/tools/vm/build-root.sh")

# Clips, made in the guest root (its encoders), at native speed.
make_clips() {
	log "making the 1080p clips ($frames frames)"
	rm -rf "$out/clips"
	mkdir -p "$out/clips"
	"$top/tools/vm/in-root.sh" "$out/clips" sh -c '
		set -e
		n=$1
		src="-f lavfi -i testsrc2=size=1920x1080:rate=30,noise=alls=6:allf=t"
		ff="ffmpeg -nostdin -hide_banner -loglevel error -y"
		cd /mnt/run
		# shellcheck disable=SC2086
		$ff $src -frames:v $n -c:v libx264 -profile:v high -preset medium \
			-crf 23 -bf 3 -refs 3 h264_high.h264
		$ff $src -frames:v $n -c:v libvpx-vp9 -deadline good -cpu-used 4 \
			-b:v 4M -tile-columns 2 -row-mt 1 -g 120 -auto-alt-ref 1 \
			-lag-in-frames 16 -f ivf vp9_p0.ivf
		$ff $src -frames:v $n -pix_fmt yuv420p10le -profile:v 2 -c:v libvpx-vp9 \
			-deadline good -cpu-used 4 -b:v 5M -tile-columns 2 -row-mt 1 \
			-g 120 -auto-alt-ref 1 -lag-in-frames 16 -f ivf vp9_p2.ivf
		$ff $src -frames:v $n -c:v libsvtav1 -preset 8 -crf 35 -g 120 \
			-f ivf av1_8bit.ivf
		$ff $src -frames:v $n -pix_fmt yuv420p10le -c:v libsvtav1 -preset 8 \
			-crf 35 -g 120 -f ivf av1_10bit.ivf
		$ff -f lavfi -i testsrc2=size=640x360:rate=30,noise=alls=6:allf=t \
			-frames:v $n -c:v libx264 -profile:v high -preset medium -crf 23 \
			-bf 3 h264_360p.h264
	' make-clips "$frames" || die "making the clips failed"
	{
		echo "# NAME FILE (guest paths), made by tools/bench.sh"
		for c in h264_high.h264 vp9_p0.ivf vp9_p2.ivf av1_8bit.ivf av1_10bit.ivf; do
			echo "${c%.*} /mnt/proj/build/bench/clips/$c"
		done
		echo "scale /mnt/proj/build/bench/clips/h264_360p.h264"
	} >"$out/clips/clips.txt"
	echo "${BENCH_MODE:-full}" >"$out/clips/mode"
}

run_guest() {
	local clips=
	if [ "$size" = 1080p ]; then
		make_clips
		clips=/mnt/proj/build/bench/clips
	fi
	# The corpora: the tiny bench takes its clips from them, and the
	# conformance tests need them.
	DAEDALUS_CORPUS=$("$top/tests/conformance/gen-corpus.sh") || die "H.264 corpus"
	DAEDALUS_CORPUS_VP9=$("$top/tests/conformance/gen-corpus.sh" vp9) || die "VP9 corpus"
	DAEDALUS_CORPUS_AV1=$("$top/tests/conformance/gen-corpus.sh" av1) || die "AV1 corpus"
	export DAEDALUS_CORPUS DAEDALUS_CORPUS_VP9 DAEDALUS_CORPUS_AV1
	log "guest part: waiting for the VM lock"
	# shellcheck disable=SC2086 # $vm_tests: one test a word
	DAEDALUS_BENCH_CLIPS=$clips DAEDALUS_RUN_TAG=bench \
		flock /tmp/vm.lock "$top/tools/vm/run.sh" --kernel "$kver" bench $vm_tests |
		tee "$out/guest-run.txt"
	rm -rf "$out/guest"
	cp -r "$top/build/vm/$kver-bench/bench" "$out/guest" ||
		die "the guest part left no results"
}

# bench_jobs of the guest root, built optimised as the daemon is.
build_native() {
	"$top/tools/vm/in-root.sh" "$out/native" sh -c '
		[ -f /mnt/run/build/build.ninja ] ||
			meson setup --buildtype=debugoptimized /mnt/run/build /mnt/proj >/dev/null &&
		ninja -C /mnt/run/build tests/unit/bench_jobs >/dev/null' ||
		die "building bench_jobs failed"
}

run_native() {
	local d name jobs threads
	threads=$(nproc)
	build_native
	if [ "$make_jobs" = 1 ]; then
		log "native: making jobs without a device"
		[ -f "$out/clips/vp9_p2.ivf" ] || make_clips
		rm -rf "$out/native/made"
		mkdir -p "$out/guest/dumps"
		"$top/tools/vm/in-root.sh" "$out/native" sh -c '
			set -e
			b=/mnt/run/build/tests/unit c=/mnt/proj/build/bench/clips
			ninja -C /mnt/run/build $(cd /mnt/run/build && echo tests/unit/make_h264_jobs \
				tests/unit/make_vp9_jobs tests/unit/make_av1_jobs) >/dev/null
			for d in h264_high vp9_p0 vp9_p2 av1_aom; do mkdir -p /mnt/run/made/${d}_made; done
			$b/make_h264_jobs /mnt/run/made/h264_high_made
			$b/make_vp9_jobs $c/vp9_p0.ivf 1920 1080 8 /mnt/run/made/vp9_p0_made
			$b/make_vp9_jobs $c/vp9_p2.ivf 1920 1080 10 /mnt/run/made/vp9_p2_made
			$b/make_av1_jobs /mnt/run/made/av1_aom_made' >/dev/null 2>&1 ||
			die "making the jobs failed"
		for d in "$out"/native/made/*; do
			rm -rf "$out/guest/dumps/${d##*/}"
			mv "$d" "$out/guest/dumps/"
		done
	fi
	: >"$out/native/results.txt"
	for d in "$out"/guest/dumps/*/; do
		name=$(basename "$d")
		jobs=$(cd "$d" && ls ctx*-job*.msg 2>/dev/null | sort -V | sed "s|^|/mnt/run/dumps/$name/|")
		[ -n "$jobs" ] || continue
		mkdir -p "$out/native/dumps"
		rm -rf "$out/native/dumps/$name"
		cp -r "$d" "$out/native/dumps/$name"
		log "native: $name, $threads threads and 1 thread"
		# shellcheck disable=SC2086 # $jobs: one path a word
		"$top/tools/vm/in-root.sh" "$out/native" sh -c '
			b=/mnt/run/build/tests/unit/bench_jobs t=$1
			shift
			$b --threads "$t" --repeat 5 "$@" &&
			$b --threads 1 --repeat 3 --no-defaults "$@"' bench "$threads" $jobs |
			sed "s/^RESULT /RESULT clip=$name /" | tee -a "$out/native/results.txt"
		[ "$callgrind" = 1 ] || continue
		log "native: $name under callgrind, 1 thread"
		# shellcheck disable=SC2086
		valgrind --tool=callgrind --callgrind-out-file="$out/native/callgrind.$name" \
			"$root/lib64/ld-linux-x86-64.so.2" \
			--library-path "$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" \
			"$out/native/build/tests/unit/bench_jobs" --threads 1 --repeat 1 --no-defaults \
			$(echo "$jobs" | head -n "$cg_jobs" | sed "s|^/mnt/run|$out/native|") \
			>/dev/null 2>"$out/native/callgrind.$name.log" ||
			{ tail "$out/native/callgrind.$name.log"; die "callgrind run of $name failed"; }
		callgrind_annotate --inclusive=yes "$out/native/callgrind.$name" 2>/dev/null |
			awk -v n="$name" -v f="$(echo "$jobs" | head -n "$cg_jobs" | wc -l)" '
				/bench_daemon_pass/ { gsub(",", "", $1); d = $1 }
				/bench_direct_pass/ { gsub(",", "", $1); x = $1 }
				END { printf "CALLGRIND clip=%s frames=%d daemon_ir=%d direct_ir=%d overhead_ir_per_frame=%d overhead_pct=%.2f\n",
					n, f, d, x, (d - x) / f, x ? 100 * (d - x) / x : 0 }' |
			tee -a "$out/native/results.txt"
	done
}

report() {
	{
		echo "# tools/bench.sh, $(date -u +%Y-%m-%d), commit $(git -C "$top" rev-parse --short HEAD)"
		echo
		echo "Host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) CPUs"
		if [ -f "$out/guest/results.txt" ]; then
			echo
			echo "## Guest ($kver, TCG): wall seconds, fps, ratios"
			echo
			echo "| clip | frames | (a) device | (a) 1 CPU | (b) same threads | (c) defaults | a/b | a/c | 2 CPUs/1 CPU | CPU ms/frame a / b | latency p50 / p99 ms |"
			echo "|---|---|---|---|---|---|---|---|---|---|---|"
			awk 'function q(a, b) { return b > 0 ? a / b : 0 }
				/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				f = v["frames"]
				printf "| %s | %d | %.2f s (%.1f fps) | %s | %.2f s (%.1f fps) | %.2f s (%.1f fps) | %.2f | %.2f | %s | %.1f / %.1f | %d / %d |\n",
					v["clip"], f, v["a_s"], q(f, v["a_s"]),
					(v["a1_s"] > 0 ? sprintf("%.2f s", v["a1_s"]) : "-"),
					v["b_s"], q(f, v["b_s"]), v["c_s"], q(f, v["c_s"]),
					q(v["b_s"], v["a_s"]), q(v["c_s"], v["a_s"]),
					(v["a1_s"] > 0 ? sprintf("%.2f", q(v["a1_s"], v["a_s"])) : "-"),
					q(1000 * v["a_cpu_s"], f), q(1000 * v["b_cpu_s"], f), v["p50_ms"], v["p99_ms"] }' \
				"$out/guest/results.txt"
			echo
			echo "Clients at once (one thread each), throughput against one client:"
			echo
			awk '/^SCALE_FRAMES/ { split($2, kv, "="); total = kv[2] }
				/^SCALE / { split($2, a, "="); split($3, b, "="); k[++n] = a[2]; w[n] = b[2]; sum += a[2] }
				END { if (!sum || !w[1]) exit; per = total / sum; for (i = 1; i <= n; i++)
					printf "- %d: %.2f s, %.1f fps, %.2fx\n", k[i], w[i], k[i] * per / w[i],
						(k[i] / w[i]) / (k[1] / w[1]) }' "$out/guest/results.txt"
		fi
		if [ -f "$out/native/results.txt" ]; then
			echo
			echo "## Native (host, bench_jobs on the guest's dumps)"
			echo
			echo "| clip | threads | in flight | daemon fps | direct fps | defaults fps | direct/daemon time | overhead ms/frame | CPU ms/frame daemon / direct | latency p50 / p99 ms |"
			echo "|---|---|---|---|---|---|---|---|---|---|"
			awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				printf "| %s | %d | %d | %.1f | %.1f | %s | %.3f | %.3f | %.2f / %.2f | %.1f / %.1f |\n",
					v["clip"], v["threads"], v["depth"], v["daemon_fps"], v["direct_fps"],
					(v["defaults_fps"] > 0 ? sprintf("%.1f", v["defaults_fps"]) : "-"),
					v["ratio"], v["overhead_ms"], v["daemon_cpu_ms"], v["direct_cpu_ms"],
					v["p50_ms"], v["p99_ms"] }' "$out/native/results.txt"
			if grep -q '^CALLGRIND' "$out/native/results.txt"; then
				echo
				echo "Instructions (callgrind, 1 thread, whole pass):"
				echo
				echo "| clip | frames | daemon Ir | direct Ir | daemon's own Ir/frame | % of the decoder's |"
				echo "|---|---|---|---|---|---|"
				awk '/^CALLGRIND/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
					printf "| %s | %d | %.0f | %.0f | %.0f | %.2f %% |\n", v["clip"], v["frames"],
						v["daemon_ir"], v["direct_ir"], v["overhead_ir_per_frame"], v["overhead_pct"] }' \
					"$out/native/results.txt"
			fi
		fi
	} >"$out/report.md"
	cat "$out/report.md"
}

if [ "$clips_only" = 1 ]; then
	make_clips
	exit 0
fi
[ "$guest" = 0 ] || run_guest
[ "$native" = 0 ] || run_native
report
