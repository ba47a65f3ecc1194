#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM: iperf3 TCP throughput through hv_netvsc + hvsim
# (guest NIC <-> host netdev hvsim<N> in a namespace) against a veth pair
# (the in-kernel ceiling) in the same VM, both directions, and 64-byte UDP
# transmit rate.  Prints figures and ratios; asserts nothing.
. "$HVG_REPO/tools/testing/vm/lib.sh"

T=${BENCH_SECONDS:-5}
NS=bench
HVSIM_DBG=/sys/kernel/debug/hvsim

# mbits NS-ADDR [iperf3 client options]: receiver Mbit/s
mbits() {
	ip netns exec $NS iperf3 -s -1 -D -B "$1" >/dev/null 2>&1
	sleep 1
	_a=$1
	shift
	iperf3 -c "$_a" -t "$T" -f m "$@" 2>/dev/null |
		awk '/receiver/ { print $7 }' | tail -1
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

# netvsc + hvsim
hvg_load >/dev/null || exit 1
insmod "$HVG_REPO/drivers/netvsc/hv_netvsc.ko" || exit 1
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
measure netvsc 10.97.0.1
ip netns del $NS
rmmod hv_netvsc
hvg_unload

# shellcheck disable=SC2154
echo "ratio netvsc/veth: tx $(ratio "$netvsc_tx" "$veth_tx")" \
	"rx $(ratio "$netvsc_rx" "$veth_rx")" \
	"udp64 $(ratio "$netvsc_pps" "$veth_pps")"
