#!/usr/bin/env bash
# install-host-deps.sh -- install (as root, with apt-get) what building the
# guest kernels and root, booting them and running the tests needs.
set -euo pipefail
pkgs=(
	# guest kernel build
	make gcc bc flex bison libelf-dev libssl-dev xz-utils kmod perl
	# guest root and VM
	debootstrap qemu-system-x86 util-linux
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "run as root to install: ${missing[*]}" >&2; exit 1; }
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
