#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: iperf3 through hv_netvsc + hvsim (guest NIC <->
# host netdev hvsim<N> in namespace "bench") against a veth pair (the
# in-kernel ceiling, peer in namespace "vbench"), both set up at once and
# measured by turns (veth, netvsc, veth, netvsc, ...) for
# HVG_BENCH_ROUNDS rounds: TCP transmit and receive Mbit/s and 64-byte UDP
# datagrams per second, with the ratio netvsc/veth of each round.  Then a
# perf profile (cpu-clock, all CPUs) of one TCP run each way on both,
# split by lib.sh's bench_profile into CPU ms per GB (the VF path and XDP:
# netvsc-accel.sh).
# With HVG_BENCH_CURVES=1 instead: throughput against the message size
# (iperf3 -l, 64 B to 64 KiB) and against the channel count (4 flows), with
# veth on each point.  Prints "@@" lines (lib.sh) for report.sh; asserts
# nothing.
# HVG_BENCH_HVSIM passes parameters to hvsim (e.g. "monitor_latency_us=20").
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/bench/lib.sh"

T=${HVG_BENCH_SECONDS:-4}
NS=bench
VNS=vbench
HVSIM_DBG=/sys/kernel/debug/hvsim
NETVSC=10.97.0.1
VETH=10.98.0.1

# udp_pps NS ADDR: 64-byte UDP datagrams per second the receiver got
udp_pps() {
	ip netns exec "$1" iperf3 -s -1 -D -B "$2" >/dev/null 2>&1
	sleep 1
	iperf3 -c "$2" -u -b 0 -l 64 -t "$T" 2>/dev/null |
		awk -v t="$T" '/receiver/ { split($(NF - 2), a, "/");
			v = int((a[2] - a[1]) / t) } END { print v + 0 }'
}

veth_up() {
	modprobe veth 2>/dev/null
	ip netns add $VNS
	ip link add vb0 type veth peer name vb1
	ip link set vb1 netns $VNS
	ip -n $VNS addr add $VETH/24 dev vb1
	ip -n $VNS link set vb1 up
	ip addr add 10.98.0.2/24 dev vb0
	ip link set vb0 up
}

veth_down() {
	ip link del vb0
	ip netns del $VNS
}

# netvsc_up HV_NETVSC_PARAMETERS: a netvsc NIC, $gif, peer in $NS
netvsc_up() {
	# shellcheck disable=SC2086 # module parameters, word-split
	insmod "$HVG_REPO/drivers/netvsc/hv_netvsc.ko" $1 || exit 1
	echo "net" >"$HVSIM_DBG/new_device"
	dev=$(ls -d "$HVSIM_DBG"/dev* | sed 's/.*dev//' | sort -n | tail -1)
	sleep 3
	for n in /sys/bus/vmbus/devices/*/net/*; do
		[ -e "$n" ] && gif=${n##*/}
	done
	ip netns add $NS
	ip link set "hvsim$dev" netns $NS
	ip -n $NS addr add $NETVSC/24 dev "hvsim$dev"
	ip -n $NS link set "hvsim$dev" up
	ip addr add 10.97.0.2/24 dev "$gif"
	ip link set "$gif" up
	sleep 2
}

netvsc_down() {
	ip netns del $NS
	rmmod hv_netvsc
	for d in $(sed -n 's/^relid=[0-9]* class=net .* sub=0 .* dev=\([0-9]*\).*/\1/p' \
		"$HVSIM_DBG/devices"); do
		echo "dev$d" >"$HVSIM_DBG/del_device"
	done
	sleep 1
}

# pair SETTING METRIC ROUND CMD...: CMD with "NS ADDR" of veth, then of
# netvsc; emits both and the ratio netvsc/veth
pair() {
	_s=$1 _m=$2 _r=$3
	shift 3
	_v=$("$@" $VNS $VETH)
	_n=$("$@" $NS $NETVSC)
	bench_emit netvsc "$_s" "$_m.veth" "$_r" "$_v"
	bench_emit netvsc "$_s" "$_m.netvsc" "$_r" "$_n"
	bench_emit netvsc "$_s" "$_m.ratio" "$_r" "$(bench_ratio "$_n" "$_v")"
}

# shellcheck disable=SC2086 # $opts: iperf3 options, word-split
tcp() { bench_mbits "$1" "$2" $opts; }
# shellcheck disable=SC2086
tcp_rx() { bench_mbits "$1" "$2" -R $opts; }

# profile SETTING NS ADDR IF STAT [iperf3 options]: CPU ms per GB through
# the guest's interface IF (its statistics/STAT, tx_bytes or rx_bytes)
profile() {
	_s=$1 _ns=$2 _a=$3 _if=$4 _st=$5
	shift 5
	ip netns exec "$_ns" iperf3 -s -1 -D -B "$_a" >/dev/null 2>&1
	sleep 1
	# The window of a running transfer counted on $_if's $_st
	# (bench_profile's SECONDS > 0) saw no bytes move in tx runs under a
	# loaded host; perf runs the whole iperf3 client instead, GB from
	# its receiver figure.
	bench_profile netvsc "$_s" 0 "" \
		"awk -v t=$T '/receiver/ { for (i = 2; i <= NF; i++) if (\$i == \"Mbits/sec\") v = \$(i - 1) }
			END { print v * t / 8 / 1000 }'" -- \
		iperf3 -c "$_a" -t "$T" -f m "$@"
	echo "profiled $_s"
}

bench_meta
# shellcheck disable=SC2086 # HVG_BENCH_HVSIM: hvsim parameters, word-split
hvg_load ${HVG_BENCH_HVSIM:-} >/dev/null || exit 1
echo "hvsim parameters: ${HVG_BENCH_HVSIM:-defaults}; ${T}s per run, $BENCH_ROUNDS rounds"
veth_up

if [ "${HVG_BENCH_CURVES:-0}" = 1 ]; then
	netvsc_up ""
	for size in 64 512 1500 8192 65536; do
		opts="-l $size"
		r=1
		while [ "$r" -le "$BENCH_ROUNDS" ]; do
			pair "size=$size" tx_Mbps "$r" tcp
			r=$((r + 1))
		done
	done
	netvsc_down
	cpus=$(nproc)
	for ch in $(printf '%s\n' 1 2 "$cpus" | sort -nu); do
		[ "$ch" -le "$cpus" ] || continue
		netvsc_up "channels=$ch"
		opts="-P 4"
		r=1
		while [ "$r" -le "$BENCH_ROUNDS" ]; do
			pair "channels=$ch" tx_Mbps "$r" tcp
			pair "channels=$ch" rx_Mbps "$r" tcp_rx
			r=$((r + 1))
		done
		netvsc_down
	done
else
	netvsc_up ""
	echo "netvsc: $(ethtool -l "$gif" | sed -n '/Current/,$s/^Combined:[[:space:]]*/channels /p')"
	opts=
	r=1
	while [ "$r" -le "$BENCH_ROUNDS" ]; do
		pair default tx_Mbps "$r" tcp
		pair default rx_Mbps "$r" tcp_rx
		pair default udp64_pps "$r" udp_pps
		r=$((r + 1))
	done
	if [ "${HVG_BENCH_PROFILE:-1}" = 1 ]; then
		profile tx.veth $VNS $VETH vb0 tx_bytes
		profile tx.netvsc $NS $NETVSC "$gif" tx_bytes
		profile rx.veth $VNS $VETH vb0 rx_bytes -R
		profile rx.netvsc $NS $NETVSC "$gif" rx_bytes -R
	fi
	netvsc_down
fi
veth_down
hvg_unload
