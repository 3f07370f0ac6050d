#!/usr/bin/env bash
# coverage.sh [TARGET...] -- line coverage of the daemon's parsers reached
# by the fuzz corpora kept in build/fuzz/corpus (tests/fuzz/run-fuzzers.sh
# fills them): each target is rebuilt with gcc --coverage around
# fuzz_replay.c, run once over its corpus, and gcov reports per daemon
# file. Host side, as root; works in build/fuzz/cov.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/fuzz
[ -d "$out/corpus" ] || { echo "no corpora: run tests/fuzz/run-fuzzers.sh first" >&2; exit 1; }
targets=${*:-$(cd "$out/corpus" && ls)}

"$top/tools/vm/in-root.sh" "$out" bash -c '
	set -euo pipefail
	src=/mnt/proj
	parsers="util/bitwriter util/bytebuf rebuild/ctrl_records
		 rebuild/h264/h264_access_unit rebuild/h264/h264_bitstream
		 rebuild/h264/h264_rebuild rebuild/vp9/vp9_header rebuild/vp9/vp9_slots
		 rebuild/vp8/vp8_header rebuild/vp8/vp8_frame rebuild/vp8/vp8_refs
		 rebuild/av1/obu rebuild/av1/sequence rebuild/av1/refs
		 rebuild/av1/frame_header rebuild/av1/tile_group"
	for name in "$@"; do
		dir=/mnt/run/cov/$name
		rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
		extra= defs=-D_POSIX_C_SOURCE=200809L
		case $name in
		fuzz_h264_rebuild) extra=$src/tests/unit/h264_test_parse.c ;;
		fuzz_vp8_frame) extra=$src/tests/unit/vp8_test_writer.c ;;
		fuzz_bridge_msg) extra=$src/daemon/bridge/bridge.c defs=-D_GNU_SOURCE ;;
		esac
		objs=
		for f in $parsers; do
			objs="$objs $src/daemon/$f.c"
		done
		# One compile per file, so each .gcda sits next to its name.
		for f in $objs $extra $src/tests/fuzz/$name.c $src/tests/fuzz/fuzz_common.c \
			 $src/tests/fuzz/fuzz_log.c $src/tests/fuzz/fuzz_replay.c; do
			gcc -std=c11 -O0 --coverage $defs -DDV_FUZZ_HAVE_AV1=1 \
				-I$src/include -I$src/daemon -I$src/tests/unit -I$src/tests/fuzz \
				-c "$f" -o "$(basename "$f" .c).o"
		done
		gcc --coverage -o replay ./*.o
		./replay /mnt/run/corpus/$name 2>/dev/null || true
		echo "== $name"
		for f in $parsers bridge/bridge; do
			b=$(basename "$f")
			[ -f "$b.gcda" ] || continue
			gcov -n -o . "$src/daemon/$f.c" 2>/dev/null |
				awk -v f="daemon/$f.c" "/^File .*\\/$b\\.c/ { hit = 1; next }
					hit && /^Lines executed/ { sub(/^Lines executed:/, \"\"); if (\$0 !~ /^0.00%/) print \"  \" f \": \" \$0; exit }"
		done
	done
' coverage $targets
