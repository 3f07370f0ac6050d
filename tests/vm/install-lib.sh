# shellcheck shell=sh
# Helpers of the install tests (install-x86.sh, install-arm64.sh): the
# project's Debian packages installed, used and purged the way a user
# does it, on a guest booted by systemd (tools/vm/run-systemd.sh). Sourced
# after lib.sh.

UNIT=daedalus-v4l2.service
USER_NAME=daedalus-v4l2

# install_packages -- apt-get install of the two packages from /mnt/run/debs
# (the guest has no network: their dependencies must be installed already,
# which also checks that they are satisfiable). DKMS builds the module for
# the running kernel in daedalus-v4l2-dkms's postinst.
install_packages() {
	[ "$(cat /proc/1/comm)" = systemd ] || fail "PID 1 is $(cat /proc/1/comm), not systemd"
	! getent passwd "$USER_NAME" >/dev/null || fail "user $USER_NAME exists before the install"
	! modinfo daedalus_v4l2 >/dev/null 2>&1 || fail "a daedalus_v4l2 module exists before the install"
	say "installing: $(cd "$DEBS" && ls daedalus-v4l2*.deb | xargs)"
	# shellcheck disable=SC2046
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		-o Dpkg::Use-Pty=0 $(ls "$DEBS"/daedalus-v4l2*.deb) >/tmp/apt-install.log 2>&1 ||
		{ cat /tmp/apt-install.log; fail "apt-get install failed"; }
	cat /tmp/apt-install.log
	dkms status daedalus-v4l2 | tee /tmp/dkms-status
	grep -q "$(uname -r).*: installed" /tmp/dkms-status ||
		fail "DKMS did not build and install the module for $(uname -r)"
	say "module: $(modinfo -n daedalus_v4l2)"
	modinfo -F vermagic daedalus_v4l2 | grep -q "^$(uname -r) " ||
		fail "the module's vermagic is not $(uname -r)"
}

# check_service HOW -- the module is loaded, udev has given the bridge to
# the daemon's group and started the unit, which runs as its user in its
# sandbox; the links Chromium opens exist. HOW says what loaded the module.
check_service() {
	wait_for 30 test -e /sys/module/daedalus_v4l2 || fail "module not loaded ($1)"
	say "module loaded ($1)"
	wait_for 60 systemctl -q is-active "$UNIT" ||
		{ systemctl status --no-pager "$UNIT" || true; fail "$UNIT not active ($1)"; }
	pid=$(systemctl show -P MainPID "$UNIT")
	[ "$pid" -gt 0 ] || fail "$UNIT has no main process"
	user=$(ps -o user= -p "$pid")
	[ "$user" = "$USER_NAME" ] || fail "the daemon runs as $user, not $USER_NAME"
	# It never was root: its saved and real ids are the user's too.
	uids=$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$pid/status")
	uid=$(id -u "$USER_NAME")
	[ "$uids" = "$uid $uid $uid $uid" ] || fail "the daemon's uids are $uids"
	perms=$(stat -c '%U %G %a' /dev/daedalus-v4l2)
	[ "$perms" = "root $USER_NAME 660" ] || fail "/dev/daedalus-v4l2 is $perms, not root $USER_NAME 660"
	say "daemon pid $pid runs as $user; /dev/daedalus-v4l2: $perms"
	# The sandbox, as the kernel sees it: no capabilities, no new
	# privileges, a seccomp filter.
	grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$pid/status"
	awk '$1 == "CapEff:" && $2 != "0000000000000000" { exit 1 }
	     $1 == "NoNewPrivs:" && $2 != 1 { exit 1 }
	     $1 == "Seccomp:" && $2 != 2 { exit 1 }' "/proc/$pid/status" ||
		fail "the daemon is not sandboxed as its unit says"
	systemd-analyze security --no-pager "$UNIT" | tail -n 1
	# The daemon attached, its lines in the journal at their priority
	# (the <N> prefixes parsed, not printed).
	wait_for 30 sh -c "journalctl -b -u $UNIT -o cat | grep -q 'attached to'" ||
		fail "no 'attached to' from the daemon in the journal"
	! journalctl -b -u "$UNIT" -o cat | grep -q '^<[0-7]>' ||
		fail "the journal shows raw <N> prefixes"
	journalctl -b -u "$UNIT" --no-pager | tail -n 5
	# Chromium's links to our video and media nodes.
	video=$(video_node daedalus-v4l2) || fail "no video node"
	media=$(media_node daedalus-v4l2) || fail "no media node"
	wait_for 10 test -e "/dev/video-dec${video#/dev/video}" || fail "no /dev/video-dec${video#/dev/video}"
	wait_for 10 test -e "/dev/media-dec${media#/dev/media}" || fail "no /dev/media-dec${media#/dev/media}"
	[ "$(readlink -f "/dev/video-dec${video#/dev/video}")" = "$video" ] || fail "video-dec link points elsewhere"
	[ "$(readlink -f "/dev/media-dec${media#/dev/media}")" = "$media" ] || fail "media-dec link points elsewhere"
	say "links: /dev/video-dec${video#/dev/video} -> $video, /dev/media-dec${media#/dev/media} -> $media"
}

# decode_clips -- every clip copied in (/mnt/run/corpus-{h264,vp9,av1}, a
# few small ones) through GStreamer and the device, MD5-exact, with
# tests/conformance/run-corpus.sh. The service's daemon decodes them.
decode_clips() {
	# run-corpus.sh looks for GStreamer's plugins in the x86_64 multiarch
	# directory and wants the MP4 and Matroska demuxers (of
	# gstreamer1.0-plugins-good, which the arm64 guest does without: its
	# clips are raw H.264 and IVF): a copy of the runner that looks in this
	# machine's directory and for what these clips need.
	gstdir=$(dirname "$(find /usr/lib -name libgstcoreelements.so -path '*gstreamer-1.0*' | head -n1)")
	mkdir -p /tmp/conformance
	cp /mnt/proj/tests/conformance/*.sh /mnt/proj/tests/conformance/*.py /tmp/conformance/
	sed -i -e "s|/usr/lib/x86_64-linux-gnu/gstreamer-1.0|$gstdir|" \
		-e '/^plugins=/s/ matroska isomp4//' /tmp/conformance/run-corpus.sh
	decode_rc=0
	for c in h264 vp9 av1; do
		dir=/mnt/run/corpus-$c
		[ -f "$dir/clips.txt" ] || fail "no $c clips copied in"
		clips=$(awk '{ print $1 }' "$dir/clips.txt" | xargs)
		sh /tmp/conformance/run-corpus.sh "$dir" "/tmp/out-$c" --clips "$clips" || decode_rc=1
	done
	[ $decode_rc = 0 ] || { journalctl -b -u "$UNIT" --no-pager | tail -n 20; fail "decoding through the service failed"; }
	systemctl -q is-active "$UNIT" || fail "$UNIT died while decoding"
}

# purge_and_check -- apt-get purge of both packages leaves nothing: no
# module (loaded or on disk, in DKMS's tree or its source), no unit, no
# udev rule, no sysusers.d or modules-load.d file, no user, no group.
purge_and_check() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -o Dpkg::Use-Pty=0 \
		daedalus-v4l2 daedalus-v4l2-dkms >/tmp/apt-purge.log 2>&1 ||
		{ cat /tmp/apt-purge.log; fail "apt-get purge failed"; }
	cat /tmp/apt-purge.log
	left=
	dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'daedalus-v4l2*' 2>/dev/null |
		grep -v '^un ' >/tmp/dpkg-left && left="$left dpkg:$(xargs </tmp/dpkg-left)"
	! pgrep -x daedalus_v4l2_d >/dev/null || left="$left daemon-process"
	! systemctl -q is-active "$UNIT" || left="$left unit-active"
	! systemctl cat "$UNIT" >/dev/null 2>&1 || left="$left unit"
	[ ! -e /sys/module/daedalus_v4l2 ] || left="$left module-loaded"
	! modinfo daedalus_v4l2 >/dev/null 2>&1 || left="$left module:$(modinfo -n daedalus_v4l2)"
	for f in /usr/lib/modules/*/updates/dkms/daedalus* /var/lib/dkms/daedalus-v4l2 \
		/usr/src/daedalus-v4l2-* /usr/lib/systemd/system/"$UNIT" /etc/systemd/system/"$UNIT" \
		/usr/lib/udev/rules.d/60-daedalus-v4l2.rules /usr/lib/sysusers.d/daedalus-v4l2.conf \
		/usr/lib/modules-load.d/daedalus-v4l2.conf /usr/bin/daedalus_v4l2_daemon \
		/dev/daedalus-v4l2; do
		[ ! -e "$f" ] || left="$left $f"
	done
	! getent passwd "$USER_NAME" >/dev/null || left="$left user"
	! getent group "$USER_NAME" >/dev/null || left="$left group"
	[ -z "$left" ] || fail "left behind by the purge:$left"
	say "purged: no module, unit, rule, user or group left"
}
