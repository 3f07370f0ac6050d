#!/bin/sh
# native-dpkg-deb.sh install|remove ROOT -- while an arm64 root is built
# (build-root-arm64.sh), let its dpkg unpack packages with the host's own
# dpkg-deb: dpkg runs "dpkg-deb --fsys-tarfile" for every package, and
# decompressing them under qemu-user is most of the build's time. The
# host's dpkg-deb, its libraries and its loader go to
# /usr/local/lib/daedalus-native and a wrapper takes the place of the
# root's /usr/bin/dpkg-deb (dpkg runs it by that path); the kernel runs
# them natively. "remove" puts the root's own dpkg-deb back and takes the
# rest away before the root becomes the guest's disk.
set -eu
root=$2
dir=/usr/local/lib/daedalus-native
case $1 in
install)
	mkdir -p "$root$dir"
	cp -L /usr/bin/dpkg-deb /lib64/ld-linux-x86-64.so.2 "$root$dir/"
	for lib in $(ldd /usr/bin/dpkg-deb | awk '/=>/ { print $3 }'); do
		cp -L "$lib" "$root$dir/"
	done
	# Idempotent: after the essential packages (dpkg among them) were
	# installed, the root's dpkg-deb is a new one again.
	grep -q daedalus-native "$root/usr/bin/dpkg-deb" 2>/dev/null ||
		mv "$root/usr/bin/dpkg-deb" "$root$dir/dpkg-deb.root"
	cat >"$root/usr/bin/dpkg-deb" <<WRAP
#!/bin/sh
exec $dir/ld-linux-x86-64.so.2 --library-path $dir $dir/dpkg-deb "\$@"
WRAP
	chmod 0755 "$root/usr/bin/dpkg-deb"
	;;
remove)
	mv "$root$dir/dpkg-deb.root" "$root/usr/bin/dpkg-deb"
	rm -rf "${root:?}$dir"
	;;
*) echo "usage: native-dpkg-deb.sh install|remove ROOT" >&2; exit 2 ;;
esac
