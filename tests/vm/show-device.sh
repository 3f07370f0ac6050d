# Not a test: the main job. Loads the module and shows what V4L2 clients
# see of the device: capabilities, formats, controls, the media graph, and
# the GStreamer elements bound to it.
. /mnt/proj/tests/vm/lib.sh

load_module
video=$(video_node daedalus-v4l2)
media=$(media_node daedalus-v4l2)
echo "== v4l2-ctl -d $video --all"
v4l2-ctl -d "$video" --all
echo "== OUTPUT formats and frame sizes"
v4l2-ctl -d "$video" --list-formats-out-ext
echo "== controls"
v4l2-ctl -d "$video" --list-ctrls-menus
echo "== media graph ($media)"
media-ctl -d "$media" -p
echo "== GStreamer v4l2codecs"
gst_env
gst-inspect-1.0 v4l2codecs
unload_module
