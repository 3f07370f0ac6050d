#!/usr/bin/env python3
"""mutate.py drop-slice IN OUT WHICH -- copy an Annex-B H.264 stream without
one picture, for selftest.sh: WHICH is `last` (the last slice NAL: a stream
cut short) or `nonref` (the first non-reference slice after the first 5
pictures: a frame lost in the middle, nothing else depends on it). Clips
of the corpus it is used on have one slice per picture."""

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


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "drop-slice":
        print(__doc__, file=sys.stderr)
        return 1
    data = open(sys.argv[2], "rb").read()
    nals = nal_units(data)
    slices = [(s, h, e) for s, h, e in nals if data[h] & 0x1f in (1, 5)]
    if sys.argv[4] == "last":
        victim = slices[-1]
    else:
        victim = next(x for x in slices[5:] if not data[x[1]] & 0x60)
    s, _, e = victim
    open(sys.argv[3], "wb").write(data[:s] + data[e:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
