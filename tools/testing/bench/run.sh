#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: the userspace ring benchmark (ring against memcpy), then the
# echo channel through hv_vmbus + hvsim inside the test VM.  Prints figures;
# asserts nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)

echo "== userspace ring buffer (tools/testing/bench/ring) =="
make -s -C "$here/ring" bench

echo
echo "== echo channel in the VM (hv_vmbus + hvsim, QEMU TCG) =="
"$repo/tools/testing/vm/vm.sh" --timeout 900 -- "$here/vm-echo.sh"

echo
echo "== network: hv_netvsc + hvsim against veth, in the VM =="
"$repo/tools/testing/vm/vm.sh" --timeout 900 -- "$here/netvsc.sh"

echo
echo "== storage: hv_storvsc + hvsim against brd, in the VM =="
"$repo/tools/testing/vm/vm.sh" --timeout 900 -- "$here/storvsc.sh"

echo
echo "== video: hyperv_fb + hvsim's video host, in the VM =="
"$repo/tools/testing/vm/vm.sh" --timeout 900 -- "$here/fb.sh"
echo "== input: hid_hyperv + hyperv_keyboard + hvsim, injection to evdev, in the VM =="
"$repo/tools/testing/vm/vm.sh" --timeout 900 -- "$here/input.sh"
