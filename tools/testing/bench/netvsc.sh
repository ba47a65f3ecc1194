#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: iperf3 TCP throughput through hv_netvsc + hvsim
# (guest NIC <-> host netdev hvsim<N> in a namespace) against a veth pair
# (the in-kernel ceiling) in the same VM, both directions, and 64-byte UDP
# transmit rate; then netvsc with TSO off, with LRO (the host's RSC) off,
# and with one channel instead of one per CPU.  Prints figures and ratios;
# asserts nothing.  HVG_BENCH_PROFILE=1 adds a perf profile (cpu-clock) of
# a TCP run each way; HVG_BENCH_HVSIM passes parameters to hvsim (e.g.
# "monitor_latency_us=20").  vm.sh hands HVG_* variables to the guest.
. "$HVG_REPO/tools/testing/vm/lib.sh"

T=${HVG_BENCH_SECONDS:-5}
NS=bench
HVSIM_DBG=/sys/kernel/debug/hvsim

# mbits NS-ADDR [iperf3 client options]: receiver Mbit/s
mbits() {
	ip netns exec $NS iperf3 -s -1 -D -B "$1" >/dev/null 2>&1
	sleep 1
	_a=$1
	shift
	iperf3 -c "$_a" -t "$T" -f m "$@" 2>/dev/null |
		awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) }
		     END { print v }'
}

# udp_pps NS-ADDR: 64-byte UDP datagrams per second the receiver got
udp_pps() {
	ip netns exec $NS iperf3 -s -1 -D -B "$1" >/dev/null 2>&1
	sleep 1
	iperf3 -c "$1" -u -b 0 -l 64 -t "$T" 2>/dev/null |
		awk -v t="$T" '/receiver/ { split($(NF - 2), a, "/");
			printf "%d\n", (a[2] - a[1]) / t }' | tail -1
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

measure() {	# $1 label, $2 peer address
	tx=$(mbits "$2")
	rx=$(mbits "$2" -R)
	pps=$(udp_pps "$2")
	printf '%-8s %12s %12s %14s\n' "$1" "${tx:-?}" "${rx:-?}" "${pps:-?}"
	eval "${1}_tx=\${tx:-0} ${1}_rx=\${rx:-0} ${1}_pps=\${pps:-0}"
}

printf '%-8s %12s %12s %14s\n' path "tx Mbit/s" "rx Mbit/s" "udp64 pkts/s"

# veth pair
modprobe veth 2>/dev/null
ip netns add $NS
ip link add vb0 type veth peer name vb1
ip link set vb1 netns $NS
ip -n $NS addr add 10.98.0.1/24 dev vb1
ip -n $NS link set vb1 up
ip addr add 10.98.0.2/24 dev vb0
ip link set vb0 up
measure veth 10.98.0.1
ip link del vb0
ip netns del $NS

profile() {	# $1 label, then iperf3 client options
	_l=$1
	shift
	ip netns exec $NS iperf3 -s -1 -D -B 10.97.0.1 >/dev/null 2>&1
	sleep 1
	# perf takes seconds to start under TCG: it runs the client itself, so
	# that the samples cover the transfer and nothing else.
	perf record -q -e cpu-clock -a -g -o /tmp/perf.data -- \
		iperf3 -c 10.97.0.1 -t "$T" "$@" >/dev/null 2>&1
	echo "-- profile: $_l (top symbols, all CPUs; then by command)"
	perf report -q -i /tmp/perf.data --no-children --sort sym -g none 2>/dev/null |
		grep -v '^$' | head -40
	perf report -q -i /tmp/perf.data --no-children --sort comm -g none 2>/dev/null |
		grep -v '^$' | head -8
}

# netvsc + hvsim; $1: hv_netvsc parameters
netvsc_up() {
	insmod "$HVG_REPO/drivers/netvsc/hv_netvsc.ko" $1 || exit 1
	echo "net" >"$HVSIM_DBG/new_device"
	dev=$(ls -d "$HVSIM_DBG"/dev* | sed 's/.*dev//' | sort -n | tail -1)
	sleep 3
	for n in /sys/bus/vmbus/devices/*/net/*; do
		[ -e "$n" ] && gif=${n##*/}
	done
	ip netns add $NS
	ip link set "hvsim$dev" netns $NS
	ip -n $NS addr add 10.97.0.1/24 dev "hvsim$dev"
	ip -n $NS link set "hvsim$dev" up
	ip addr add 10.97.0.2/24 dev "$gif"
	ip link set "$gif" up
	sleep 2
}

netvsc_down() {
	ip netns del $NS
	rmmod hv_netvsc
	for r in $(sed -n 's/^relid=\([0-9]*\) class=net .* netdev .*/\1/p' \
		"$HVSIM_DBG/devices"); do
		echo "$r" >"$HVSIM_DBG/del_device"
	done
	sleep 1
}

# shellcheck disable=SC2086 # HVG_BENCH_HVSIM: hvsim parameters, word-split
hvg_load ${HVG_BENCH_HVSIM:-} >/dev/null || exit 1
echo "hvsim parameters: ${HVG_BENCH_HVSIM:-defaults}"
netvsc_up ""
echo "netvsc: $(ethtool -l "$gif" | sed -n '/Current/,$s/^Combined:[[:space:]]*/channels /p')"
measure netvsc 10.97.0.1
ethtool -K "$gif" tso off >/dev/null 2>&1
tx=$(mbits 10.97.0.1)
printf '%-8s %12s\n' no-tso "${tx:-?}"
nt_tx=${tx:-0}
ethtool -K "$gif" tso on >/dev/null 2>&1
ethtool -K "$gif" lro off >/dev/null 2>&1
rx=$(mbits 10.97.0.1 -R)
printf '%-8s %12s %12s\n' no-lro "" "${rx:-?}"
nl_rx=${rx:-0}
ethtool -K "$gif" lro on >/dev/null 2>&1
if [ "${HVG_BENCH_PROFILE:-0}" = 1 ]; then
	profile "guest -> host"
	profile "host -> guest" -R
fi
netvsc_down
netvsc_up "channels=1"
tx=$(mbits 10.97.0.1 -P 4)
rx=$(mbits 10.97.0.1 -R -P 4)
printf '%-8s %12s %12s  (4 flows)\n' 1-chan "${tx:-?}" "${rx:-?}"
c1_tx=${tx:-0} c1_rx=${rx:-0}
netvsc_down
netvsc_up ""
tx=$(mbits 10.97.0.1 -P 4)
rx=$(mbits 10.97.0.1 -R -P 4)
printf '%-8s %12s %12s  (4 flows)\n' N-chan "${tx:-?}" "${rx:-?}"
netvsc_down
hvg_unload

# shellcheck disable=SC2154
echo "ratio netvsc/veth: tx $(ratio "$netvsc_tx" "$veth_tx")" \
	"rx $(ratio "$netvsc_rx" "$veth_rx")" \
	"udp64 $(ratio "$netvsc_pps" "$veth_pps")"
echo "ratio TSO off/on (tx): $(ratio "$nt_tx" "$netvsc_tx")"
echo "ratio LRO off/on (rx): $(ratio "$nl_rx" "$netvsc_rx")"
echo "ratio N/1 channels (4 flows): tx $(ratio "${tx:-0}" "$c1_tx") rx $(ratio "${rx:-0}" "$c1_rx")"
