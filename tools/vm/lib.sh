# shellcheck shell=bash
# Common settings of the test-VM tools. Sourced, never run.
#
# Everything expensive (kernel builds, the guest root, downloaded packages)
# lives in $DAEDALUS_CACHE, outside the clone, in directories named after a
# hash of their inputs: change an input and the next run rebuilds it.

set -euo pipefail

DAEDALUS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DAEDALUS_CACHE=${DAEDALUS_CACHE:-/var/cache/daedalus-v4l2}
# host_debian_mirror -- the Debian archive the host's own apt uses (deb822
# .sources files first, then sources.list), so the harness works behind
# whatever mirror or proxy the machine is set up with.
host_debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
			grep -E '/debian/?$' | head -n 1)
		[ -z "$uri" ] || { echo "${uri%/}"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(sed -e 's/\[[^]]*\]//' "$f" |
			awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }')
		[ -z "$uri" ] || { echo "${uri%/}"; return 0; }
	done
	return 1
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(host_debian_mirror)} ||
	{ echo "no Debian mirror in the host's apt sources: set DEBIAN_MIRROR" >&2; exit 1; }
JOBS=${JOBS:-$(nproc)}

# Guest kernels we test against: name -> Debian suite and source package.
declare -A KERNEL_SUITE=([6.12]=trixie [7.2]=sid)
KERNELS_ALL="6.12 7.2"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# hash_inputs FILE... -- short content hash of the given files and strings
hash_inputs() {
	local item
	for item in "$@"; do
		if [ -f "$item" ]; then
			sha256sum "$item" | cut -d' ' -f1
		else
			printf '%s\n' "$item"
		fi
	done | sha256sum | cut -c1-16
}

# private_apt SUITE ARGS... -- run apt-get against SUITE without touching the
# host's apt configuration, state or cache.
private_apt() {
	local suite=$1; shift
	local dir=$DAEDALUS_CACHE/apt/$suite
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/etc"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEBIAN_MIRROR $suite main" \
		>"$dir/etc/sources.list"
	apt-get -q \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::State::status=/dev/null \
		-o Dir::Etc::SourceList="$dir/etc/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Cache="$dir" \
		-o Dir::Cache::archives="$dir/archives" \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root \
		"$@"
}

# lock NAME -- serialise builds of one cache entry between parallel runs
lock() {
	mkdir -p "$DAEDALUS_CACHE/locks"
	exec {DAEDALUS_LOCK_FD}>"$DAEDALUS_CACHE/locks/$1"
	flock "$DAEDALUS_LOCK_FD"
}
