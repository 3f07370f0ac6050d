# shellcheck shell=bash
# Layered roots for the packaging and install tests. Sourced after lib.sh.
#
# A layer is an overlayfs upper directory holding what `apt-get install` of
# a package list added to the layers below it; the bottom is a plain root
# tree (the guest root of build-root.sh, or the arm64 tree). Layers are
# cached in $DAEDALUS_CACHE/layers/NAME-KEY like the rest, KEY hashing the
# layers below, the package list and the scripts. Nothing is ever written
# to a cached layer once it is done: commands run in a root made of the
# layers plus a throwaway upper directory (in_layers), mounted in a private
# mount namespace, so nothing stays mounted either.
#
# Overlay features that store metadata pointing elsewhere (redirect_dir,
# index, metacopy) are off, so an upper directory stays valid as a lower
# layer of later mounts.

OVL_OPTS=redirect_dir=off,index=off,metacopy=off,xino=off

# layer_lowers LAYER... -- "top:...:bottom", overlayfs's lowerdir=
layer_lowers() {
	local out='' l
	for l in "$@"; do
		out=${out:+$out:}$l
	done
	echo "$out"
}

# in_layers OUTDIR LAYER... -- CMD...: run CMD (as root, chrooted) in the
# root made of LAYERs (first is the top) with a throwaway writable layer,
# the project at /mnt/proj (read-only) and OUTDIR at /mnt/run. Env:
# IN_LAYERS_UPPER=DIR keeps the writable layer in DIR (which must be empty
# or absent) instead of discarding it; IN_LAYERS_NET=1 gives CMD the host's
# resolv.conf (for apt-get).
in_layers() {
	local out=$1
	shift
	local layers=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		layers+=("$1")
		shift
	done
	[ "${1:-}" = -- ] || die "in_layers: no -- before the command"
	shift
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	local scratch keep=${IN_LAYERS_UPPER:-}
	scratch=$(mktemp -d "$DAEDALUS_CACHE/layers/.scratch.XXXXXX")
	local upper=$scratch/upper
	[ -z "$keep" ] || { mkdir -p "$keep"; upper=$keep; }
	mkdir -p "$upper" "$scratch/work" "$scratch/root"
	local rc=0
	unshare --mount --propagation private bash -c '
		set -e
		lowers=$1 upper=$2 work=$3 root=$4 proj=$5 out=$6 opts=$7 net=$8
		shift 8
		mount -t overlay overlay -o "lowerdir=$lowers,upperdir=$upper,workdir=$work,$opts" "$root"
		mkdir -p "$root/mnt/proj" "$root/mnt/run"
		mount --bind "$proj" "$root/mnt/proj"
		mount -o remount,bind,ro "$root/mnt/proj"
		mount --bind "$out" "$root/mnt/run"
		mount -t proc proc "$root/proc"
		mount -t sysfs sys "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmp "$root/tmp"
		mount -t tmpfs run "$root/run"
		if [ "$net" = 1 ]; then
			rm -f "$root/etc/resolv.conf"
			cp -L /etc/resolv.conf "$root/etc/resolv.conf"
		fi
		exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/tmp LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' in-layers "$(layer_lowers "${layers[@]}")" "$upper" "$scratch/work" "$scratch/root" \
		"$DAEDALUS_TOP" "$out" "$OVL_OPTS" "${IN_LAYERS_NET:-0}" "$@" || rc=$?
	rm -rf "$scratch"
	return $rc
}

# build_layer NAME PKGLIST SETUP LAYER...: build (or find) the layer NAME:
# apt-get install of PKGLIST's packages (one a line, # comments) on top of
# LAYERs (first is the top). SETUP is a shell snippet run in the root
# before (dpkg --add-architecture, ...), or ''. Prints the layer's upper
# directory. Extra key inputs: $LAYER_KEY_EXTRA (strings or files).
build_layer() {
	local name=$1 pkgs=$2 setup=$3
	shift 3
	local key
	# shellcheck disable=SC2086 # LAYER_KEY_EXTRA: several words
	key=$(hash_inputs "$@" "$pkgs" "$setup" "$DAEDALUS_TOP/tools/vm/layers.sh" \
		"$DAEDALUS_TOP/tools/vm/lib.sh" ${LAYER_KEY_EXTRA:-})
	local dir=$DAEDALUS_CACHE/layers/$name-$key
	mkdir -p "$DAEDALUS_CACHE/layers"
	lock "layer-$name"
	if [ -f "$dir/.done" ]; then
		echo "$dir/upper"
		return 0
	fi
	log "building root layer $name into $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	local list
	list=$(grep -v '^#' "$pkgs" | xargs)
	IN_LAYERS_UPPER=$dir/upper IN_LAYERS_NET=1 in_layers "$dir" "$@" -- sh -c "
		set -e
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		# No manual pages, info or translations: nothing reads them here,
		# and man-db's index is slow to build.
		printf 'path-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\npath-exclude=/usr/share/locale/*\n' \
			>/etc/dpkg/dpkg.cfg.d/90-daedalus-nodoc
		echo 'man-db man-db/auto-update boolean false' | debconf-set-selections
		rm -f /var/lib/man-db/auto-update
		$setup
		apt-get -q update
		apt-get -q -y --no-install-recommends install $list
		apt-get clean
		rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
	" >"$dir/apt.log" 2>&1 ||
		{ tail -n 30 "$dir/apt.log" >&2; die "building layer $name failed (see $dir/apt.log)"; }
	# The scratch directories of in_layers hold nothing of the layer.
	touch "$dir/.done"
	log "root layer $name ready"
	echo "$dir/upper"
}
