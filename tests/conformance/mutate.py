#!/usr/bin/env python3
"""mutate.py drop-slice IN OUT WHICH -- copy an Annex-B H.264 stream without
one picture, for selftest.sh: WHICH is `last` (the last slice NAL: a stream
cut short) or `nonref` (the first non-reference slice after the first 5
pictures: a frame lost in the middle, nothing else depends on it). Clips
of the corpus it is used on have one slice per picture.

mutate.py drop-packet IN OUT WHICH -- copy an IVF file (VP9, AV1) without
one packet: WHICH is `last` (a stream cut short) or `tiny` (the first
packet after the first 5 of at most 16 bytes: in AV1, a temporal unit of
just a show_existing_frame header, so one shown frame is lost and nothing
else changes). The header's frame count is left as it was: players and
ivfparse read packets until the end of the file."""

import struct
import sys


def nal_units(data):
    """(start, end) of each NAL unit including its start code."""
    starts = []
    i = 0
    while True:
        i = data.find(b"\x00\x00\x01", i)
        if i < 0:
            break
        s = i - 1 if i > 0 and data[i - 1] == 0 else i
        starts.append((s, i + 3))
        i += 3
    return [(s, h, starts[k + 1][0] if k + 1 < len(starts) else len(data))
            for k, (s, h) in enumerate(starts)]


def drop_slice(data, which):
    nals = nal_units(data)
    slices = [(s, h, e) for s, h, e in nals if data[h] & 0x1f in (1, 5)]
    if which == "last":
        victim = slices[-1]
    else:
        victim = next(x for x in slices[5:] if not data[x[1]] & 0x60)
    s, _, e = victim
    return data[:s] + data[e:]


def drop_packet(data, which):
    """IVF: 32-byte file header (header size at byte 6), then packets of a
    12-byte header (size, 64-bit timestamp) and the data."""
    if data[:4] != b"DKIF":
        raise ValueError("not an IVF file")
    pos = struct.unpack_from("<H", data, 6)[0]
    packets = []
    while pos + 12 <= len(data):
        size = struct.unpack_from("<I", data, pos)[0]
        packets.append((pos, pos + 12 + size, size))
        pos += 12 + size
    if which == "last":
        victim = packets[-1]
    else:
        victim = next(p for p in packets[5:] if p[2] <= 16)
    return data[:victim[0]] + data[victim[1]:]


def main():
    kinds = {"drop-slice": ("last", "nonref"), "drop-packet": ("last", "tiny")}
    if len(sys.argv) != 5 or sys.argv[4] not in kinds.get(sys.argv[1], ()):
        print(__doc__, file=sys.stderr)
        return 1
    with open(sys.argv[2], "rb") as f:
        data = f.read()
    if sys.argv[1] == "drop-slice":
        out = drop_slice(data, sys.argv[4])
    else:
        out = drop_packet(data, sys.argv[4])
    with open(sys.argv[3], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
