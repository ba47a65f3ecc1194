#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: hv_sock + hvsim's socket host.  Throughput of
# socat over a Hyper-V socket each way (the host's end relayed to TCP on
# 127.0.0.1 by hvsim) against socat over loopback TCP in the same VM, by
# turns (TCP, guest->host, host->guest) for HVG_BENCH_ROUNDS rounds, each
# round sending HVG_BENCH_HVSOCK_MB MiB (default 32) each way.  Emits
# MiBps.tcp, MiBps.g2h, MiBps.h2g and the per-round ratios ratio_g2h and
# ratio_h2g (hv_sock / loopback TCP), see lib.sh.  No assertions.
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/bench/lib.sh"

MB=${HVG_BENCH_HVSOCK_MB:-32}
HS=$HVSIM_DBG/hvsock
T=/tmp/hvsock-bench

ip link set lo up
hvg_load echo_devices=0 >/dev/null || exit 1
modprobe vsock && insmod "$HVG_REPO/drivers/hvsock/hv_sock.ko" || exit 1
echo "listen 5000 tcp:15000" >"$HS" && echo "connect 5001 tcp:15001" >"$HS" || exit 1
mkdir -p $T
head -c $((MB * 1024 * 1024)) /dev/zero >$T/data
bench_meta

# xfer SERVER CLIENT: milliseconds from the client's start until the
# server has read all of $T/data (0 if either failed)
xfer() {
	socat -u "$1" OPEN:/dev/null &
	_s=$!
	sleep 1
	_t0=$(date +%s%N)
	socat -u OPEN:$T/data "$2" || { kill $_s 2>/dev/null; wait $_s; echo 0; return; }
	wait $_s || { echo 0; return; }
	echo $((($(date +%s%N) - _t0) / 1000000))
}

rate() {	# MS: MiB/s of $MB MiB, 0 for a failed run
	awk -v mb="$MB" -v ms="$1" 'BEGIN { if (ms > 0) printf "%.2f", mb * 1000 / ms; else print 0 }'
}

r=1
while [ "$r" -le "$BENCH_ROUNDS" ]; do
	tcp=$(rate "$(xfer TCP-LISTEN:16000,reuseaddr TCP:127.0.0.1:16000)")
	g2h=$(rate "$(xfer TCP-LISTEN:15000,reuseaddr VSOCK-CONNECT:2:5000)")
	h2g=$(rate "$(xfer VSOCK-LISTEN:5001 TCP:127.0.0.1:15001)")
	echo "round $r: loopback TCP $tcp MiB/s, hv_sock guest->host $g2h MiB/s, host->guest $h2g MiB/s ($MB MiB)"
	bench_emit hvsock default MiBps.tcp "$r" "$tcp"
	bench_emit hvsock default MiBps.g2h "$r" "$g2h"
	bench_emit hvsock default MiBps.h2g "$r" "$h2g"
	bench_emit hvsock default ratio_g2h "$r" "$(bench_ratio "$g2h" "$tcp")"
	bench_emit hvsock default ratio_h2g "$r" "$(bench_ratio "$h2g" "$tcp")"
	r=$((r + 1))
done

rm -rf $T
# A closed socket holds hv_sock until the host's close or its 8 s timeout.
wait_for "rmmod hv_sock" 30
hvg_unload
