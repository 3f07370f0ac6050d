# GStreamer's v4l2codecs registers the stateless decoders for our
# device (and it is the only stateless decoder in the guest).
. /mnt/proj/tests/vm/lib.sh

load_module
video=$(video_node daedalus-v4l2)
gst_env
gst-inspect-1.0 v4l2codecs | tee /tmp/plugin.txt
for element in v4l2slh264dec v4l2slvp9dec v4l2slav1dec v4l2slvp8dec v4l2slmpeg2dec v4l2slh265dec; do
	grep -q "$element:" /tmp/plugin.txt || fail "$element not registered"
	gst-inspect-1.0 "$element" >/tmp/element.txt ||
		fail "gst-inspect-1.0 $element failed"
	grep -q "$video" /tmp/element.txt ||
		fail "$element is not bound to $video"
done
unload_module
say "ok"
