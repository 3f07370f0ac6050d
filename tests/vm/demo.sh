# timeout: 900
# Not a test: the demo (tools/demo.sh). With the module loaded and the
# daemon attached, decodes each clip of the demo corpus (make-corpus-demo.sh:
# one per codec), or the user's file (/mnt/run/user/, put there by
# tools/demo.sh FILE), through the device with GStreamer, and prints per
# clip: codec, size, frames, fps, whether every frame is MD5-identical to
# FFmpeg's software decoder, and the daemon's status while it decoded.
# Writes a PNG strip of five decoded frames per clip to /mnt/run/demo/
# (tools/demo.sh copies them to build/demo/). Ends with the table.
. /mnt/proj/tests/vm/lib.sh

out=/mnt/run/demo
mkdir -p "$out"
corpus=$CORPUS_DEMO

# A user's file becomes a one-clip corpus: remuxed to what run-corpus.sh
# reads (Annex-B .h264, or IVF), its reference made by FFmpeg's software
# decoder, as the corpus makers do.
user=$(find /mnt/run/user -maxdepth 1 -type f 2>/dev/null | head -n 1)
if [ -n "$user" ]; then
	corpus=/tmp/user-corpus
	mkdir -p "$corpus"
	bash /mnt/proj/tests/conformance/make-user-clip.sh "$user" "$corpus" ||
		fail "cannot decode $(basename "$user") with the device's codecs"
fi

load_module
start_daemon
# The status file is written by the daemon every second (docs/status.md).
status() { "$DAEMON" status 2>&1 || true; }

: >"$out/table.txt"
row() { printf '%-10s %-7s %-9s %6s %7s %-24s\n' "$@" | tee -a "$out/table.txt"; }
row clip codec size frames fps "every frame exact?"
for name in $(awk '!/^#/ { print $1 }' "$corpus/clips.txt"); do
	read -r _ w h frames fmt _ <<EOF
$(awk -v n="$name" '$1 == n' "$corpus/clips.txt")
EOF
	file=$(clip_file "$corpus" "$name")
	clip_pipeline "$file"
	codec=$(echo "$element" | sed 's/^v4l2sl//; s/dec$//')
	sh /mnt/proj/tests/conformance/run-corpus.sh "$corpus" "/tmp/demo-$name" \
		--clips "$name" --keep >"/tmp/demo-$name.txt" 2>&1 &
	pid=$!
	# The status while the clip decodes: the last report that shows its
	# context open.
	: >"/tmp/status-$name.txt"
	while kill -0 $pid 2>/dev/null; do
		status >/tmp/status-now.txt
		grep -q ' open ' /tmp/status-now.txt && cp /tmp/status-now.txt "/tmp/status-$name.txt"
		sleep 1
	done
	wait $pid
	rc=$?
	line=$(awk -v n="$name" '$1 == n' "/tmp/demo-$name.txt")
	decoded=$(echo "$line" | awk '{ print $4 }')
	seconds=$(echo "$line" | awk '{ print $NF }')
	fps=$(awk -v f="$decoded" -v s="$seconds" 'BEGIN { if (s > 0) printf "%.1f", f / s; else print "-" }')
	if [ $rc = 0 ]; then
		verdict="yes ($decoded of $frames)"
	else
		verdict="NO: $(echo "$line" | awk '{ print $6 }')"
	fi
	row "$name" "$codec" "${w}x$h" "$decoded" "$fps" "$verdict"
	echo "    daemon status while decoding:"
	sed 's/^/    | /' "/tmp/status-$name.txt"
	# Five frames, evenly spaced, side by side, half size: FFmpeg reads
	# GStreamer's layout (rows padded to a multiple of 4 bytes).
	raw=/tmp/demo-$name/$name.$fmt
	if [ -s "$raw" ]; then
		case $fmt in
		p010) pix=p010le stride=$(((2 * w + 3) / 4 * 4 / 2)) ;;
		*) pix=nv12 stride=$(((w + 3) / 4 * 4)) ;;
		esac
		step=$(((decoded + 4) / 5))
		ffmpeg -nostdin -hide_banner -loglevel error -y -f rawvideo -pix_fmt $pix \
			-s "${stride}x$h" -i "$raw" \
			-vf "crop=$w:$h:0:0,select='not(mod(n\,$step))',scale=iw/2:-2,tile=5x1" \
			-frames:v 1 -update 1 "$out/$name.png" ||
			say "no PNG for $name"
		rm -f "$raw"
	fi
done
stop_daemon
unload_module
echo
cat "$out/table.txt"
