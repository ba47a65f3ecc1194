#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: hv_sock + hvsim's socket host.  Throughput of
# socat over a Hyper-V socket each way (the host's end relayed to TCP on
# 127.0.0.1) against socat over loopback TCP in the same VM, as a ratio.
# No assertions: the figures are for the reader.
. "$HVG_REPO/tools/testing/vm/lib.sh"

MB=${HVG_BENCH_HVSOCK_MB:-32}
HS=$HVSIM_DBG/hvsock
T=/tmp/hvsock-bench

ip link set lo up
hvg_load echo_devices=0 >/dev/null || exit 1
modprobe vsock && insmod "$HVG_REPO/drivers/hvsock/hv_sock.ko" || exit 1
echo "listen 5000 tcp:15000" >"$HS" && echo "connect 5001 tcp:15001" >"$HS" || exit 1
mkdir -p $T
head -c $((MB * 1024 * 1024)) /dev/zero >$T/data

# xfer SERVER CLIENT: milliseconds for the client to send $T/data
xfer() {
	socat -u "$1" OPEN:/dev/null &
	_s=$!
	sleep 1
	_t0=$(date +%s%N)
	socat -u OPEN:$T/data "$2"
	wait $_s
	echo $((($(date +%s%N) - _t0) / 1000000))
}

rate() { echo "$MB $1" | awk '{ printf "%.1f", $1 * 1000 / $2 }'; }

tcp=$(xfer TCP-LISTEN:16000,reuseaddr TCP:127.0.0.1:16000)
g2h=$(xfer TCP-LISTEN:15000,reuseaddr VSOCK-CONNECT:2:5000)
h2g=$(xfer VSOCK-LISTEN:5001 TCP:127.0.0.1:15001)
echo "loopback TCP:  $(rate "$tcp") MiB/s ($MB MiB)"
echo "hv_sock guest->host: $(rate "$g2h") MiB/s, ratio to loopback TCP $(echo "$tcp $g2h" | awk '{ printf "%.2f", $1 / $2 }')"
echo "hv_sock host->guest: $(rate "$h2g") MiB/s, ratio to loopback TCP $(echo "$tcp $h2g" | awk '{ printf "%.2f", $1 / $2 }')"

rmmod hv_sock
hvg_unload
