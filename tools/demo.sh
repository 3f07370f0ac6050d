#!/usr/bin/env bash
# demo.sh [--kernel VER] -- the main job: build everything (guest kernel,
# guest root, the module), boot the guest with the device loaded and show
# what V4L2 clients see of it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tools/install-host-deps.sh"
"$top/tools/vm/run.sh" "$@" show-device
cat "$top/build/vm/${2:-6.12}/show-device.log"
