# A real client's request path without a daemon: refused values, derived
# CAPTURE formats, MMAP/EXPBUF/DMABUF buffers, and ERROR buffers (not a hang)
# for requests nobody can decode. Nothing may be left behind.
. /mnt/proj/tests/vm/lib.sh

cc -Wall -Wextra -Werror -O1 -o /tmp/request-client \
	/mnt/proj/tests/clients/request-client.c
load_module
/tmp/request-client "$(video_node daedalus-v4l2)" "$(media_node daedalus-v4l2)"
say "stats: $(tr '\n' ' ' </sys/kernel/debug/daedalus-v4l2/stats)"
[ "$(dv_stat contexts)" = 0 ] || fail "contexts left open"
[ "$(dv_stat jobs_pending)" = 0 ] || fail "jobs left pending"
[ "$(dv_stat jobs_error)" -ge 2 ] || fail "the requests did not complete with ERROR"
unload_module
say "ok"
