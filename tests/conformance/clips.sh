# shellcheck shell=sh
# clips.sh -- sourced (POSIX sh): what run-corpus.sh and the VM tests need
# to know about a corpus's clips, written once.

# The codecs the device decodes, in the order the tests take them. A codec
# the device gains is added here, with its corpus maker
# (make-corpus-CODEC.sh) and its VM test (tests/vm/conformance-CODEC.sh).
# shellcheck disable=SC2034 # for the scripts that source this file
DV_CODECS="h264 vp9 av1 vp8 mpeg2 hevc"

# codec_element CODEC -- GStreamer's stateless decoder element for CODEC
codec_element() {
	case $1 in
	hevc) echo v4l2slh265dec ;;
	*) echo "v4l2sl${1}dec" ;;
	esac
}

# codec_corpus_var CODEC -- the variable that names CODEC's corpus in the
# guest (DAEDALUS_ in front of it on the host): CORPUS for H.264, the
# first corpus, CORPUS_<CODEC> for the others.
codec_corpus_var() {
	case $1 in
	h264) echo CORPUS ;;
	*) echo "CORPUS_$(echo "$1" | tr '[:lower:]' '[:upper:]')" ;;
	esac
}

# clip_file CORPUS NAME -- the clip's file: NAME.h264, NAME.h265, NAME.m2v, else NAME.ivf.
clip_file() {
	if [ -f "$1/$2.h264" ]; then
		echo "$1/$2.h264"
	elif [ -f "$1/$2.m2v" ]; then
		echo "$1/$2.m2v"
	elif [ -f "$1/$2.h265" ]; then
		echo "$1/$2.h265"
	else
		echo "$1/$2.ivf"
	fi
}

# clip_pipeline FILE -- sets $parse (the GStreamer parser elements, "a ! b")
# and $element (our device's decoder element) for the codec FILE holds.
# shellcheck disable=SC2034 # set for the caller
clip_pipeline() {
	case $1 in
	*.h264) parse=h264parse element=v4l2slh264dec ;;
	*.h265) parse=h265parse element=v4l2slh265dec ;;
	*.m2v) parse=mpegvideoparse element=v4l2slmpeg2dec ;;
	*)
		# IVF: bytes 8-11 of the file header are the codec's fourcc
		case $(dd if="$1" bs=4 skip=2 count=1 2>/dev/null) in
		AV01) parse="ivfparse ! av1parse" element=v4l2slav1dec ;;
		VP80) parse=ivfparse element=v4l2slvp8dec ;;
		*) parse="ivfparse ! vp9parse" element=v4l2slvp9dec ;;
		esac
		;;
	esac
}

# smallest_clips CORPUS N -- the names of the corpus's N smallest clips
# (by picture area, then by name).
smallest_clips() {
	awk '!/^#/ { print $2 * $3, $1 }' "$1/clips.txt" | sort -n | head -n "$2" |
		cut -d' ' -f2
}
