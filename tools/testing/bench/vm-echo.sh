#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: echo round-trip latency (one packet in flight) and
# throughput (64 in flight) for a few payload sizes, with the host scanning
# monitor pages and with event-signalled channels.
. "$HVG_REPO/tools/testing/vm/lib.sh"

field() { sed -n "s/^$1 //p" "$2"; }

bench() {	# $1 monitor, $2 count, $3 size, $4 qd
	d=$(echo /sys/kernel/debug/vmbus_echo/*/)
	echo "$2 $3 $3 inband qd=$4" > "$d/run" || { echo "run failed"; return; }
	r=$d/result
	ns=$(field elapsed_ns "$r")
	n=$(field received "$r")
	pps=$((n * 1000000000 / ns))
	mbs=$((n * $3 * 1000 / ns))
	printf '%-8s %7s %6s %4s %10s %10s %12s %12s\n' "$1" "$n" "$3" "$4" \
		"$pps" "$mbs" "$(field lat_median_ns "$r")" "$(field lat_p99_ns "$r")"
}

printf '%-8s %7s %6s %4s %10s %10s %12s %12s\n' signal packets bytes qd \
	pkts/s MB/s median_ns p99_ns
for mon in 0 1; do
	hvg_load monitor=$mon >/dev/null || exit 1
	label=event
	[ "$mon" = 1 ] && label=monitor
	bench $label 2000 64 1
	for size in 64 1500 16384; do
		bench $label 20000 $size 64
	done
	hvg_unload
done
