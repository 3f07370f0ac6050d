#!/usr/bin/env bash
# demo.sh [--kernel VER] [FILE] -- the main job: build everything (guest
# kernel, guest root, the demo clips, the module, the daemon), boot the
# guest with the device loaded, show what V4L2 clients see of it, then
# decode one short clip of every codec through the device with GStreamer
# (or FILE, a video of yours: any codec the device decodes, 4:2:0 8/10-bit, in MKV,
# WebM, MP4, IVF or Annex-B) and print, per clip, the codec and size, the
# frames decoded, fps, whether every frame matches FFmpeg's software
# decoder, and the daemon's status while it decoded. PNG strips of decoded
# frames go to build/demo/. Long steps print progress; their logs go to
# build/logs/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=progress.sh
source "$top/tools/progress.sh"

kver=6.12 file=
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kver=$2; shift 2 ;;
	-h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "demo.sh: unknown option $1" >&2; exit 2 ;;
	*) file=$(realpath "$1"); shift ;;
	esac
done
[ -z "$file" ] || [ -f "$file" ] || { echo "demo.sh: no file $file" >&2; exit 2; }
logs=$top/build/logs

step "host packages" 3 "$logs/host-deps.log" "$top/tools/install-host-deps.sh"
# The root builds while the kernel compiles (mostly network and disk).
step "guest root (Debian trixie)" 8 "$logs/guest-root.log" "$top/tools/vm/build-root.sh" &
root_pid=$!
step "guest kernel $kver (KASAN, lockdep)" 30 "$logs/kernel-$kver.log" \
	"$top/tools/vm/build-kernel.sh" "$kver"
wait "$root_pid"
step "demo clips" 2 "$logs/corpus-demo.log" "$top/tests/conformance/gen-corpus.sh" demo
DAEDALUS_CORPUS_DEMO=$("$top/tests/conformance/gen-corpus.sh" demo 2>/dev/null)
export DAEDALUS_CORPUS_DEMO DAEDALUS_DEMO_FILE=$file

# The module and the daemon are built by run.sh; then the guest boots.
run=$top/build/vm/$kver
step "guest $kver: device, demo decodes" 10 "$logs/demo-vm.log" \
	"$top/tools/vm/run.sh" --kernel "$kver" show-device demo || true
echo
echo "== what V4L2 clients see (full listing: $run/show-device.log)"
# (A listing that matches nothing must not end the demo: || true.)
sed -n '/^== v4l2-ctl/,/^== OUTPUT/p' "$run/show-device.log" 2>/dev/null |
	grep -E 'Driver name|Card type|Bus info|Driver version' | head -n 4 || true
# v4l2-ctl --list-formats-out-ext: "	[0]: 'S264' (H.264 Parsed Slice Data, compressed)"
sed -n '/^== OUTPUT formats/,/^== controls/p' "$run/show-device.log" 2>/dev/null |
	grep -oE "'[A-Z0-9]{4}' \([^)]*\)" | sort -u |
	sed 's/^/  OUTPUT format /' || true
echo
echo "== decoding through the device (GStreamer), against FFmpeg's software decoder"
if [ -f "$run/demo.log" ]; then
	grep -v '^\[' "$run/demo.log" | sed '/^$/,$d' || true
else
	echo "the demo did not run: see $logs/demo-vm.log"
fi
mkdir -p "$top/build/demo"
rm -f "$top/build/demo/"*.png
cp "$run"/demo/*.png "$top/build/demo/" 2>/dev/null || true
echo
echo "== decoded frames"
ls "$top/build/demo/"*.png 2>/dev/null || echo "no pictures: see $run/demo.log"
grep -q '^PASS' "$run/kernel-log.result" 2>/dev/null ||
	echo "the guest kernel reported a problem: see $run/console.log"
grep -q '^demo 0$' "$run/status" 2>/dev/null
