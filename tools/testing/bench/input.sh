#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: input event latency of the synthetic mouse and
# keyboard, from the write of an injection command to hvsim's dev<N>/inject
# until its frame (SYN_REPORT) is read from /dev/input/eventN, one event in
# flight.  Prints the median and 99th percentile; asserts nothing.
. "$HVG_REPO/tools/testing/vm/lib.sh"

N=${INPUT_BENCH_EVENTS:-2000}
DBG=/sys/kernel/debug/hvsim
EVDEV="/usr/bin/python3 $HVG_REPO/tools/testing/vm/tests/input_evdev.py"

hvg_load >/dev/null && modprobe hid && modprobe evdev &&
	insmod "$HVG_KO_MOUSE" && insmod "$HVG_KO_KBD" || exit 1

for kind in mouse keyboard; do
	dev=$(hvsim_new "$kind") && [ -n "$dev" ] || exit 1
	wait_for "$EVDEV find $kind" 20 || { echo "$kind: no event device"; exit 1; }
	$EVDEV latency "$($EVDEV find $kind)" "$DBG/dev$dev/inject" "$N" "$kind"
done

rmmod hyperv_keyboard hid_hyperv
hvg_unload
