#!/usr/bin/env python3
"""framemd5.py FILE WIDTH HEIGHT [--format nv12|p010] [--layout gst|tight|planar]
                                 [--interlaced]

Prints one MD5 (lowercase hex) per frame of a raw 4:2:0 semi-planar video
file, one line per frame, in file order.

What is hashed -- the same bytes whatever layout the file has, so that the
output of GStreamer (padded rows) and of FFmpeg (tight rows) compare equal:
  for each frame, the visible luma rows, then the visible chroma rows:
    luma:   HEIGHT rows of WIDTH samples
    chroma: ceil(HEIGHT/2) rows of 2*ceil(WIDTH/2) samples (Cb,Cr interleaved)
  a sample is 1 byte for nv12, 2 bytes little-endian for p010 (10 bits in
  the top of the 16, as P010 stores them). WIDTH x HEIGHT is the cropped
  display size. This is exactly FFmpeg's `-f rawvideo -pix_fmt nv12|p010le`
  frame, so `ffmpeg -f framemd5 -pix_fmt nv12` hashes the same bytes.

--layout gst (default) reads GStreamer's default video layout, which is
what filesink writes when the decoder (or a copy it makes because downstream
has no GstVideoMeta) uses a system-memory buffer (checked with videotestsrc
in GStreamer 1.26, gst_video_info_set_format()):
    stride      = round_up_4(WIDTH * bytes_per_sample)  (both planes)
    luma rows   = round_up_2(HEIGHT)   (the extra odd row is padding)
    chroma rows = round_up_2(HEIGHT) / 2, rounded up to even again for
                  interlaced caps (interlace-mode=mixed/interleaved), so
                  each field has whole chroma rows -- hence --interlaced
    chroma plane offset = stride * round_up_2(HEIGHT)
    frame size  = stride * (luma rows + chroma rows)
Both formats checked against FFmpeg's framemd5 (nv12 / p010le) of x264
clips decoded by avdec_h264 in GStreamer, at 174x98, 350x286, 1920x1080.
--layout tight reads FFmpeg rawvideo (rows exactly as hashed, no padding).
--layout planar reads FFmpeg rawvideo in the decoders' own planar format
(yuv420p for nv12, yuv420p10le for p010: 10-bit values in the low bits)
and hashes it as the NV12/P010 bytes above (chroma interleaved, 10-bit
samples shifted into the top bits): the reference without FFmpeg's
swscale, whose yuv420p10le to p010le conversion leaves the last chroma
sample of a line zero at odd widths (FFmpeg 7.1).

Exit code: 0, or 2 when the file does not hold a whole number of frames
(the complete frames are still printed; the partial one is reported on
stderr), or 1 on bad arguments.
"""

import argparse
import array
import hashlib
import os
import sys


def round_up(value, n):
    return (value + n - 1) // n * n


def layout(width, height, bps, kind, interlaced):
    """Return (frame_size, luma_stride, chroma_offset, chroma_stride)."""
    luma_row = width * bps
    chroma_row = 2 * ((width + 1) // 2) * bps
    chroma_rows = (height + 1) // 2
    if kind == "tight":
        return (luma_row * height + chroma_row * chroma_rows,
                luma_row, luma_row * height, chroma_row)
    stride = round_up(luma_row, 4)
    rows = round_up(height, 2)
    c_rows = rows // 2
    if interlaced:
        c_rows = round_up(c_rows, 2)
    return stride * (rows + c_rows), stride, stride * rows, stride


def planar(path, w, h, bps):
    """Hash planar 4:2:0 frames (tight) as NV12/P010."""
    cw, ch = (w + 1) // 2, (h + 1) // 2
    ysize, csize = w * h * bps, cw * ch * bps
    fsize = ysize + 2 * csize
    total = os.path.getsize(path)
    nframes, rest = divmod(total, fsize)
    with open(path, "rb") as f:
        for _ in range(nframes):
            frame = f.read(fsize)
            y = frame[:ysize]
            cb = frame[ysize:ysize + csize]
            cr = frame[ysize + csize:]
            if bps == 1:
                uv = bytearray(2 * csize)
                uv[0::2] = cb
                uv[1::2] = cr
            else:
                ys = array.array("H", y)
                us = array.array("H", cb)
                vs = array.array("H", cr)
                if sys.byteorder != "little":
                    for a in (ys, us, vs):
                        a.byteswap()
                yv = array.array("H", (v << 6 for v in ys))
                inter = array.array("H", bytes(4 * cw * ch))
                inter[0::2] = array.array("H", (v << 6 for v in us))
                inter[1::2] = array.array("H", (v << 6 for v in vs))
                if sys.byteorder != "little":
                    yv.byteswap()
                    inter.byteswap()
                y, uv = yv.tobytes(), inter.tobytes()
            md5 = hashlib.md5()
            md5.update(y)
            md5.update(uv)
            sys.stdout.write(md5.hexdigest() + "\n")
    if rest:
        print(f"framemd5.py: {path}: not a whole number of planar frames",
              file=sys.stderr)
        return 2
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("width", type=int)
    ap.add_argument("height", type=int)
    ap.add_argument("--format", choices=("nv12", "p010"), default="nv12")
    ap.add_argument("--layout", choices=("gst", "tight", "planar"),
                    default="gst")
    ap.add_argument("--interlaced", action="store_true",
                    help="GStreamer layout of interlaced caps")
    args = ap.parse_args()
    if args.width < 1 or args.height < 1:
        ap.error("width and height must be positive")

    bps = 2 if args.format == "p010" else 1
    w, h = args.width, args.height
    if args.layout == "planar":
        return planar(args.file, w, h, bps)
    fsize, ystride, coff, cstride = layout(w, h, bps, args.layout,
                                           args.interlaced)
    yrow = w * bps
    crow = 2 * ((w + 1) // 2) * bps
    crows = (h + 1) // 2

    total = os.path.getsize(args.file)
    nframes, rest = divmod(total, fsize)
    out = sys.stdout
    with open(args.file, "rb") as f:
        for _ in range(nframes):
            frame = memoryview(f.read(fsize))
            md5 = hashlib.md5()
            for y in range(h):
                md5.update(frame[y * ystride:y * ystride + yrow])
            for y in range(crows):
                start = coff + y * cstride
                md5.update(frame[start:start + crow])
            out.write(md5.hexdigest() + "\n")
    if rest:
        print(f"framemd5.py: {args.file}: {total} bytes is {nframes} frames "
              f"of {fsize} bytes and {rest} bytes more (a partial frame, or "
              f"not {args.format} {w}x{h} in {args.layout} layout)",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
