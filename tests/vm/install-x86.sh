#!/bin/sh
# install-x86: the Debian packages on the x86 test guest booted by systemd
# (the test kernel with what systemd needs, tools/vm/run-systemd.sh --arch
# x86_64): apt-get install builds the module with DKMS against the test
# kernel's build tree and loads it, udev starts the daemon as its user in
# its sandbox, GStreamer decodes a clip of each codec through it
# MD5-exact, and apt-get purge leaves nothing behind.
# timeout: 900
. /mnt/proj/tests/vm/lib.sh
. /mnt/proj/tests/vm/install-lib.sh

say "kernel $(uname -r) ($(uname -m))"
install_packages
check_service "by the postinst"
decode_clips
purge_and_check
