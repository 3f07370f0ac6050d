#!/bin/sh
# install-arm64: the Debian packages on Debian trixie arm64 with its stock
# kernel, as a user installs them (tools/vm/run-systemd.sh --arch arm64):
#   install  apt-get install of daedalus-v4l2 and daedalus-v4l2-dkms: DKMS
#            builds the module for the stock kernel, the postinst loads it,
#            udev starts the daemon as its user
#   boot     after a reboot: the module loaded at boot (modules-load.d),
#            udev and systemd started the daemon as its user; GStreamer
#            decodes an H.264, a VP9 and an AV1 clip MD5-exact through the
#            device; apt-get purge leaves no module, unit or user behind
# stages: install boot
# timeout: 1500
. /mnt/proj/tests/vm/lib.sh
. /mnt/proj/tests/vm/install-lib.sh

say "kernel $(uname -r) ($(uname -m)), stage $STAGE"
case $STAGE in
install)
	install_packages
	check_service "by the postinst"
	;;
boot)
	journalctl -b -u systemd-modules-load.service -o cat | grep -q "Inserted module 'daedalus_v4l2'" ||
		fail "systemd-modules-load did not load daedalus_v4l2 at boot"
	check_service "at boot"
	decode_clips
	purge_and_check
	;;
*) fail "unknown stage $STAGE" ;;
esac
