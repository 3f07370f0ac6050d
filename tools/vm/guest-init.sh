#!/bin/sh
# Runs as PID 1 in the test guest (exec'd by the boot stub baked into the
# root). Runs the tests named in /mnt/run/env, one after the other, writes
# "NAME EXIT-CODE" lines to /mnt/run/status and the kernel log to
# /mnt/run/dmesg.txt, then reboots, which ends QEMU (-no-reboot).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8
set -a
. /mnt/run/env
set +a

echo "guest: kernel $(uname -r), tests: $TESTS" >/dev/kmsg
: >/mnt/run/status
for t in $TESTS; do
	echo "daedalus-test: start $t" >/dev/kmsg
	# A test may ask for more time with a "# timeout: SECONDS" line, and
	# for more again at full counts with "# full-timeout: SECONDS".
	limit=$(sed -n 's/^# timeout: *//p' /mnt/proj/tests/vm/"$t".sh)
	[ "${FULL:-0}" = 0 ] ||
		limit=$(sed -n 's/^# full-timeout: *//p' /mnt/proj/tests/vm/"$t".sh | grep . || echo "$limit")
	timeout -k 10 "${limit:-300}" \
		sh /mnt/proj/tests/vm/"$t".sh >/mnt/run/"$t".log 2>&1
	rc=$?
	# What a failed test left behind must not fail the next one.
	pkill -KILL -f 'daedalus_v4l2_daemon|gst-launch-1.0|stream-client|bridge-fuzz' 2>/dev/null
	sleep 0.5
	rmmod daedalus_v4l2 2>/dev/null
	echo "daedalus-test: end $t rc=$rc" >/dev/kmsg
	echo "$t $rc" >>/mnt/run/status
done
dmesg >/mnt/run/dmesg.txt
echo finished >>/mnt/run/status
sync
echo b >/proc/sysrq-trigger
sleep 10
