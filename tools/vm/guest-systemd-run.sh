#!/bin/sh
# Runs in the systemd guests (guest-systemd-test.service, once the system is
# up), the counterpart of guest-init.sh for tests that need a booted
# system: runs the tests named in /mnt/run/env for this boot's STAGE, one
# after the other, writes "NAME[@STAGE] EXIT-CODE" lines to
# /mnt/run/status, the journal and the kernel log of the boot to
# /mnt/run/, then reboots, which ends QEMU (-no-reboot).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
set -a
. /mnt/run/env
set +a
tag=${STAGE:+@$STAGE}

echo "guest: kernel $(uname -r), stage ${STAGE:-none}, tests: $TESTS" >/dev/kmsg
for t in $TESTS; do
	echo "daedalus-test: start $t$tag" >/dev/kmsg
	limit=$(sed -n 's/^# timeout: *//p' /mnt/proj/tests/vm/"$t".sh)
	timeout -k 10 "${limit:-300}" \
		sh /mnt/proj/tests/vm/"$t".sh >/mnt/run/"$t$tag".log 2>&1
	rc=$?
	echo "daedalus-test: end $t$tag rc=$rc" >/dev/kmsg
	echo "$t$tag $rc" >>/mnt/run/status
done
journalctl -b --no-pager -o short-monotonic >/mnt/run/journal"$tag".txt 2>&1
dmesg >/mnt/run/dmesg"$tag".txt
echo "finished$tag" >>/mnt/run/status
sync
systemctl --no-block reboot
