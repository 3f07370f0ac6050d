#!/bin/sh
# native-dpkg-deb.sh install|remove ROOT -- while an arm64 root is built
# (build-root-arm64.sh), let its dpkg unpack packages with the host's own
# dpkg-deb: dpkg runs "dpkg-deb --fsys-tarfile" for every package, and
# decompressing them under qemu-user is most of the build's time. The
# host's dpkg-deb, its libraries and its loader go to
# /usr/local/lib/daedalus-native, a wrapper to /usr/local/bin/dpkg-deb
# (first in PATH); the kernel runs them natively. "remove" takes all of it
# away again before the root becomes the guest's disk.
set -eu
root=$2
dir=/usr/local/lib/daedalus-native
case $1 in
install)
	mkdir -p "$root$dir" "$root/usr/local/bin"
	cp -L /usr/bin/dpkg-deb /lib64/ld-linux-x86-64.so.2 "$root$dir/"
	for lib in $(ldd /usr/bin/dpkg-deb | awk '/=>/ { print $3 }'); do
		cp -L "$lib" "$root$dir/"
	done
	cat >"$root/usr/local/bin/dpkg-deb" <<WRAP
#!/bin/sh
exec $dir/ld-linux-x86-64.so.2 --library-path $dir $dir/dpkg-deb "\$@"
WRAP
	chmod 0755 "$root/usr/local/bin/dpkg-deb"
	;;
remove)
	rm -rf "${root:?}$dir" "$root/usr/local/bin/dpkg-deb"
	;;
*) echo "usage: native-dpkg-deb.sh install|remove ROOT" >&2; exit 2 ;;
esac
