#!/usr/bin/env python3
"""streamcheck.py TRACE CHECK... -- assert that a clip really uses the coding
tools it is meant to cover.

x264 silently drops or adapts options (e.g. weights only when it sees a
fade, profile_idc from the tools in use), so each clip of the corpus states
what its bitstream must contain, and the generator fails if it does not.

TRACE is the log of `ffmpeg -v trace -i CLIP -c copy -bsf:v trace_headers
-f null -` (one line per syntax element: `... <bitpos> <name> <bits> =
<value>`). A CHECK is one of
    name=value      the element takes that value at least once
    name=value*N    ... exactly N times
    name=value>N    ... more than N times
    !name=value     ... never
Element names are FFmpeg's cbs_h264, cbs_vp9 or cbs_av1 ones (the spec's,
with array indices such as luma_weight_l0_flag[1] or ref_frame_idx[3]
reduced to the bare name; dotted names such as delta_q_y_dc.delta_coded are
not matched), plus two H.264 ones made up here because they need two
elements of one slice header:
    slice=1         one per slice
    b_ref=1         one per slice of a B picture used for reference
                    (slice_type 1 or 6 with nal_ref_idc != 0)
"""

import collections
import re
import sys

LINE = re.compile(r"\]\s+\d+\s+([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])*\s+[01]+\s+=\s+(-?\d+)\s*$")
CHECK = re.compile(r"^(!?)([A-Za-z0-9_]+)=(-?\d+)(?:([*>])(\d+))?$")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    counts = collections.Counter()
    ref_idc = 0
    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            name, value = m.group(1), int(m.group(2))
            counts[(name, value)] += 1
            if name == "nal_ref_idc":
                ref_idc = value
            elif name == "slice_type":
                counts[("slice", 1)] += 1
                if value % 5 == 1 and ref_idc:
                    counts[("b_ref", 1)] += 1
    bad = []
    for check in sys.argv[2:]:
        m = CHECK.match(check)
        if not m:
            print(f"streamcheck.py: bad check {check!r}", file=sys.stderr)
            return 1
        neg, name, value, op, n = m.groups()
        seen = counts[(name, int(value))]
        if neg:
            ok = seen == 0
        elif op == "*":
            ok = seen == int(n)
        elif op == ">":
            ok = seen > int(n)
        else:
            ok = seen > 0
        if not ok:
            bad.append(f"{check} (seen {seen} times)")
    if bad:
        print("streamcheck.py: " + sys.argv[1] + ": failed: " + ", ".join(bad),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
