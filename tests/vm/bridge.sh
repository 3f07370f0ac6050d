# The bridge refuses a wrong or buggy daemon cleanly: one opener at a time,
# nothing before the hello, a version mismatch named on both sides, no
# completion of jobs it does not hold.
. /mnt/proj/tests/vm/lib.sh

cc -Wall -Wextra -Werror -O1 -I/mnt/proj/include -o /tmp/bridge-client \
	/mnt/proj/tests/clients/bridge-client.c
load_module
/tmp/bridge-client
ours=$(awk '$2 == "DV_BRIDGE_VERSION" { print $3 }' /mnt/proj/include/daedalus_v4l2_bridge.h)
dmesg | grep -q "daemon speaks protocol 999, this module speaks $ours" ||
	fail "no kernel log line naming both versions"
unload_module
say "ok"
