#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: hyperv_fb + hvsim's video host.  Full-screen
# update rate (a whole frame drawn through mmap(), until the host applied
# the dirty rectangle) and the time from a write() to /dev/fb0 until the
# host's frame has it, at 1024x768x32, 640x480x32 and 1024x768x16 (WIN7).
# No assertions: the figures are for the reader.
. "$HVG_REPO/tools/testing/vm/lib.sh"

SECONDS_EACH=${HVG_BENCH_SECONDS:-5}
DBG=/sys/kernel/debug/hvsim
TOOL="python3 $HVG_REPO/tools/testing/vm/tests/fb_tool.py"

hvg_load echo_devices=0 >/dev/null || exit 1
insmod "$HVG_KO_FB" || exit 1

# run HOST_ARGS [FB_PARAM]
run() {
	# shellcheck disable=SC2086 # the host's arguments, a word list
	dev=$(hvsim_new video $1) && [ -n "$dev" ] || return 1
	wait_for "[ -c /dev/fb0 ] && [ -e /sys/class/graphics/fb0/virtual_size ]" 20 || return 1
	# fbcon's cursor would add updates of its own.
	hvg_unbind_fbcon
	$TOOL bench "$DBG/dev$dev/state" "$SECONDS_EACH"
	echo "dev$dev" >$DBG/del_device
	wait_for "[ ! -e /sys/class/graphics/fb0 ]" 20
}

run "" || echo "1024x768 run failed"
run "modes=640x480" || echo "640x480 run failed"
run "version=7" || echo "WIN7 run failed"

rmmod hyperv_fb
hvg_unload
