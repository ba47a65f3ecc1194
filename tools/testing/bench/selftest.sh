#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check's smoke test of the benchmark's arithmetic (no VM, under a
# second): perf-split.awk on a made-up perf script, lib.sh's medians and
# the noisy mark, report.sh's goals and the ratios without one, CSV
# records, a plot, and run.sh running every benchmark script.  TAP output.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
HVG_REPO=$(cd "$here/../../.." && pwd)
export HVG_REPO
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

check() {	# check NAME COMMAND...: one TAP case
	n=$((n + 1))
	if "${@:2}" >/dev/null 2>&1; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		bad=$((bad + 1))
	fi
}

echo "TAP version 13"
echo "1..9"

# Two samples in hvsim (one inside memcpy called by it), one in the driver,
# one in the stack above the driver's hand-over, one idle, one in user space.
printf 'hvsim 0x4000 0 - Live 0xffffffffc0350000\nhv_netvsc 0x4000 0 - Live 0xffffffffc0360000\n' \
	>"$tmp/modules"
cat >"$tmp/script" <<'EOF'
kworker 1000
	ffffffffc0350010 hvsim_work ([kernel.kallsyms])

kworker 1000
	ffffffff81000000 memcpy ([kernel.kallsyms])
	ffffffffc0350020 hvsim_copy ([hvsim])

napi 1000
	ffffffffc0360010 netvsc_poll ([kernel.kallsyms])

napi 1000
	ffffffff81000100 tcp_v4_rcv ([kernel.kallsyms])
	ffffffff81000200 napi_gro_receive ([kernel.kallsyms])
	ffffffffc0360010 netvsc_poll ([kernel.kallsyms])

swapper 5000
	ffffffff81000300 default_idle ([kernel.kallsyms])

iperf3 1000
	4000 main (/usr/bin/iperf3)
EOF
awk -v mods="$tmp/modules" -f "$here/perf-split.awk" "$tmp/script" >"$tmp/split"
check "perf-split: hvsim, driver, kernel, user, idle" \
	grep -qz 'driver 1000.vmbus 0.hvsim 2000.kernel 1000.user 1000.guest 3000.total 5000.idle 5000' \
	<(tr '\n' . <"$tmp/split")

cat >"$tmp/samples" <<'EOF'
@@ meta kernel 6.1.0-test 0 0
@@ netvsc default tx_Mbps.ratio 1 0.80
@@ netvsc default tx_Mbps.ratio 2 0.90
@@ netvsc default tx_Mbps.ratio 3 0.85
@@ netvsc default rx_Mbps.ratio 1 0.5
@@ netvsc default rx_Mbps.ratio 2 0.7
@@ netvsc default rx_Mbps.ratio 3 0.3
@@ netvsc size=64 tx_Mbps.veth 1 100
@@ netvsc size=64 tx_Mbps.netvsc 1 50
@@ netvsc size=1500 tx_Mbps.veth 1 1000
@@ netvsc size=1500 tx_Mbps.netvsc 1 600
@@ netvsc vf tx_Mbps.ratio 1 1.5
@@ netvsc vf tx_Mbps.ratio 2 1.4
@@ netvsc xdp drop_pps.ratio 1 0.25
@@ netvsc xdp drop_pps.ratio 2 0.35
EOF
. "$here/lib.sh"
bench_summary "$tmp/samples" >"$tmp/sum"
check "median and spread" grep -qx 'netvsc default tx_Mbps.ratio 0.85 0.8 0.9 3 -' "$tmp/sum"
check "noisy beyond 15%" grep -qx 'netvsc default rx_Mbps.ratio 0.5 0.3 0.7 3 noisy' "$tmp/sum"
HVG_BENCH_RUN=curves "$here/report.sh" "$tmp/samples" "$tmp/out" 1 >"$tmp/report" 2>&1
check "goal met" grep -q '^netvsc tx / veth .* goal >= 0.8: met' "$tmp/report"
check "goal missed" grep -q '^netvsc rx / veth .* goal >= 0.6: missed' "$tmp/report"
check "ratios without a goal (VF path, XDP_DROP)" eval \
	"grep -q '^netvsc tx, VF path / synthetic  *1.450 .* no goal\$' '$tmp/report' &&
	 grep -q '^XDP_DROP pkt/s, netvsc / veth  *0.300  (min 0.250, max 0.350, noisy)  no goal\$' '$tmp/report'"
check "CSV record" grep -q '^[0-9TZ:-]*,6.1.0-test,[0-9a-f+]*,default,tx_Mbps.ratio,0.85,0.8,0.9,3,-$' \
	"$tmp/out/netvsc.csv"
if command -v gnuplot >/dev/null; then
	check "plot" test -s "$tmp/out/netvsc-size-tx_Mbps.png"
else
	n=$((n + 1))
	echo "ok $n plot # SKIP no gnuplot"
fi
# Every VM benchmark script is one of make bench's (or bench-curves')
# steps, and can be picked with ONLY=
unrun=
for f in "$here"/*.sh; do
	case ${f##*/} in
	ab.sh | lib.sh | report.sh | run.sh | selftest.sh | vm-ab.sh) continue ;;
	esac
	grep -q "^[[:space:]].*vm .* ${f##*/}\$\|^[[:space:]]*${f##*/}\$" "$here/run.sh" ||
		unrun="$unrun ${f##*/}"
done
check "run.sh runs every benchmark script${unrun:+ (not:$unrun)}" test -z "$unrun"
[ "$bad" -eq 0 ]
