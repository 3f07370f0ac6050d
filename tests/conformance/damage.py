#!/usr/bin/env python3
"""damage.py IN OUT SEED -- a hostile client's stream: copy an H.264 or
HEVC Annex-B stream (.h264, .h265), an MPEG-2 video elementary stream
(.m2v) or an IVF file (VP8, VP9, AV1) with seeded damage inside
its pictures: bits flipped in about one picture in three, and some
pictures cut short. The framing stays intact (start codes and the first
bytes of each NAL unit; IVF packet headers, sizes rewritten when a packet
is cut), so the parsers still hand the damaged pictures to the decoder:
the point is what the device and the daemon make of them."""

import random
import struct
import sys


def damage(rng, payload, keep):
    """Flip bits after the first @keep bytes of @payload, or cut it short."""
    if len(payload) <= keep + 2 or rng.random() > 0.35:
        return payload
    out = bytearray(payload)
    if rng.random() < 0.25:
        return bytes(out[:keep + rng.randrange(len(out) - keep)])
    for _ in range(1 + rng.randrange(8)):
        pos = keep + rng.randrange(len(out) - keep)
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out)


def damage_h264(rng, data, hevc=False):
    starts = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = data.find(b"\x00\x00\x01", i + 3)
    out = bytearray(data[:starts[0] - 3] if starts else data)
    for k, s in enumerate(starts):
        e = starts[k + 1] - 3 if k + 1 < len(starts) else len(data)
        nal = data[s:e]
        # Slices only (types 1 and 5): damaged SPS/PPS would just stop
        # the parser. Keep the NAL header and the first slice header bytes.
        if hevc and len(nal) > 1 and ((nal[0] >> 1) & 0x3f) <= 21 and \
                ((nal[0] >> 1) & 0x3f) not in range(10, 16):
            # HEVC slices (types 0-9, 16-21): keep the two-byte NAL
            # header and the first slice header bytes.
            nal = damage(rng, nal, 4)
        elif not hevc and nal and nal[0] & 0x1f in (1, 5):
            nal = damage(rng, nal, 3)
        out += b"\x00\x00\x01" + nal
    return bytes(out)


def damage_mpeg2(rng, data):
    starts = []
    i = data.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i + 3)
        i = data.find(b"\x00\x00\x01", i + 3)
    out = bytearray(data[:starts[0] - 3] if starts else data)
    for k, s in enumerate(starts):
        e = starts[k + 1] - 3 if k + 1 < len(starts) else len(data)
        unit = data[s:e]
        # Slices only (start codes 01..af): keep the start code value and
        # quantiser_scale_code; the headers the parser needs stay intact.
        if unit and 0x01 <= unit[0] <= 0xaf:
            unit = damage(rng, unit, 2)
        out += b"\x00\x00\x01" + unit
    return bytes(out)


def damage_ivf(rng, data):
    pos = struct.unpack_from("<H", data, 6)[0]
    out = bytearray(data[:pos])
    first = True
    while pos + 12 <= len(data):
        size = struct.unpack_from("<I", data, pos)[0]
        payload = data[pos + 12:pos + 12 + size]
        # The first packet carries the sequence header (AV1) or key frame
        # the parser needs to start at all.
        new = payload if first else damage(rng, payload, 4)
        first = False
        out += struct.pack("<I", len(new)) + data[pos + 4:pos + 12] + new
        pos += 12 + size
    return bytes(out)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    rng = random.Random(int(sys.argv[3]))
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    if data[:4] == b"DKIF":
        out = damage_ivf(rng, data)
    elif data[:4] == b"\x00\x00\x01\xb3":
        out = damage_mpeg2(rng, data)
    else:
        out = damage_h264(rng, data, sys.argv[1].endswith(".h265"))
    with open(sys.argv[2], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
