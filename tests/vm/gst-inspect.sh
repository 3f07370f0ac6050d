# GStreamer's v4l2codecs registers the stateless decoders for our
# device (and it is the only stateless decoder in the guest).
. /mnt/proj/tests/vm/lib.sh

load_module
video=$(video_node daedalus-v4l2)
gst_env
gst-inspect-1.0 v4l2codecs | tee /tmp/plugin.txt
for codec in $DV_CODECS; do
	element=$(codec_element "$codec")
	grep -q "$element:" /tmp/plugin.txt || fail "$element not registered"
	gst-inspect-1.0 "$element" >/tmp/element.txt ||
		fail "gst-inspect-1.0 $element failed"
	grep -q "$video" /tmp/element.txt ||
		fail "$element is not bound to $video"
done
unload_module
say "ok"
