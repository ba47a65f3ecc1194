#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM (booted with 1536 MiB and mem=1024M, see run.sh):
# hv_balloon against hvsim's Dynamic Memory host.  Balloon inflate and
# deflate rates of BALLOON_BENCH_MIB (default 256) MiB, from the write of
# the host's command until it reports the operation done, inflate and
# deflate by turns for HVG_BENCH_ROUNDS rounds, and the latency of one
# 128 MiB hot-add of the hidden RAM until MemTotal shows it.  Emits
# MiBps.inflate, MiBps.deflate and ms.hot_add_128M (see lib.sh); asserts
# nothing.
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/bench/lib.sh"

MIBS=${BALLOON_BENCH_MIB:-256}
DBG=/sys/kernel/debug/hvsim

hvg_load >/dev/null && insmod "$HVG_REPO/drivers/balloon/hv_balloon.ko" || exit 1
dev=$(hvsim_new balloon) && [ -n "$dev" ] || exit 1
wait_for "grep -q '^ready: 1' $DBG/dev$dev/state" 20 || { echo "no handshake"; exit 1; }

now_us() {
	echo $(($(date +%s%N) / 1000))
}
timed() {	# CMD...: microseconds until the host is idle again
	_t0=$(now_us)
	echo "$*" >"$DBG/dev$dev/ctl" || return 1
	wait_for "grep -q '^busy: 0' $DBG/dev$dev/state" 120 || return 1
	echo $(($(now_us) - _t0))
}
bench_meta
r=1
while [ "$r" -le "$BENCH_ROUNDS" ]; do
	tin=$(timed balloon $((MIBS * 256))) || exit 1
	got=$(sed -n 's/^ballooned: //p' "$DBG/dev$dev/state")
	tout=$(timed unballoon "$got") || exit 1
	rin=$((got / 256 * 1000000 / tin)) rout=$((got / 256 * 1000000 / tout))
	echo "round $r: balloon inflate $rin MiB/s, deflate $rout MiB/s ($((got / 256)) of $MIBS MiB)"
	bench_emit balloon default MiBps.inflate "$r" "$rin"
	bench_emit balloon default MiBps.deflate "$r" "$rout"
	r=$((r + 1))
done

echo online_movable >/sys/devices/system/memory/auto_online_blocks
t0=$(now_us)
m0=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)
echo "hot_add 0x40000 32768" >"$DBG/dev$dev/ctl" &&
	wait_for "[ \$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) -gt $m0 ]" 60 &&
	ms=$((($(now_us) - t0) / 1000)) &&
	echo "hot-add 128 MiB: $ms ms to MemTotal" &&
	bench_emit balloon default ms.hot_add_128M 1 "$ms"

rmmod hvsim && rmmod hv_balloon
hvg_unload
