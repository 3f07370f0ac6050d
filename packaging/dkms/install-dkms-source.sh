#!/bin/sh
# install-dkms-source.sh TOP DESTDIR_SRC VERSION -- copy what DKMS builds the
# module from into DESTDIR_SRC (normally $DESTDIR/usr/src/daedalus-v4l2-VERSION):
# dkms.conf, kernel/ (sources, Kbuild, Makefile) and include/ (the bridge
# protocol the module shares with the daemon). Used by meson install
# (-Ddkms=true), and so by the Debian and Arch packages.
set -eu
# meson runs install scripts with DESTDIR set (meson install --destdir).
top=$1 dest=${DESTDIR:-}$2 version=$3
mkdir -p "$dest/kernel" "$dest/include"
for f in "$top"/kernel/*.c "$top"/kernel/*.h "$top/kernel/Kbuild" "$top/kernel/Makefile"; do
	install -m 0644 "$f" "$dest/kernel/"
done
for f in "$top"/include/*.h; do
	install -m 0644 "$f" "$dest/include/"
done
sed "s/@VERSION@/$version/" "$top/packaging/dkms/dkms.conf.in" >"$dest/dkms.conf"
chmod 0644 "$dest/dkms.conf"
