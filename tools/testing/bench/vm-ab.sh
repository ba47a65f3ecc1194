#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs inside the test VM for ab.sh: $HVG_AB_ROUNDS rounds, each loading
# the base tree's ($HVG_AB_BASE) hv_vmbus, hvsim and vmbus_echo, then this
# tree's, and running the same echo figures on both.
. "$HVG_REPO/tools/testing/vm/lib.sh"

field() { sed -n "s/^$1 //p" "$2"; }

# run TREE LABEL: load TREE's modules, print "LABEL pkts/s median_ns"
run() {
	HVG_KO_VMBUS=$1/drivers/vmbus/hv_vmbus.ko
	HVG_KO_HVSIM=$1/tools/hvsim/hvsim.ko
	HVG_KO_ECHO=$1/tools/testing/echo/vmbus_echo.ko
	hvg_load >/dev/null || { echo "$2: load failed"; return 1; }
	d=$(echo /sys/kernel/debug/vmbus_echo/*/)
	echo "20000 64 64 inband qd=64" >"$d/run" || { hvg_unload; return 1; }
	ns=$(field elapsed_ns "$d/result")
	n=$(field received "$d/result")
	echo "2000 64 64 inband qd=1" >"$d/run" || { hvg_unload; return 1; }
	printf '%s %s %s\n' "$2" "$((n * 1000000000 / ns))" \
		"$(field lat_median_ns "$d/result")"
	hvg_unload
}

out=/tmp/ab.txt
: >"$out"
printf '%-6s %-5s %10s %12s\n' round tree pkts/s median_ns
r=1
while [ "$r" -le "${HVG_AB_ROUNDS:-5}" ]; do
	for t in base new; do
		tree=$HVG_REPO
		[ "$t" = base ] && tree=$HVG_AB_BASE
		line=$(run "$tree" "$t") || { echo "$line"; exit 1; }
		echo "$r $line" >>"$out"
		echo "$r $line" | awk '{ printf "%-6s %-5s %10s %12s\n", $1, $2, $3, $4 }'
	done
	r=$((r + 1))
done

# Per round, new/base; then the median and min-max of those ratios.
ratios() {	# COLUMN
	awk -v c="$1" '$2 == "base" { b[$1] = $c } $2 == "new" { n[$1] = $c }
		END { for (r in n) if (b[r] > 0) printf "%.3f\n", n[r] / b[r] }' "$out" |
		sort -n
}
summary() {	# NAME COLUMN
	ratios "$2" | awk -v name="$1" '{ v[NR] = $1 }
		END {
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			noisy = (v[1] < m * 0.85 || v[NR] > m * 1.15) ? "  noisy" : ""
			printf "%-28s %.3f  (min %.3f, max %.3f, %d rounds)%s\n",
				name, m, v[1], v[NR], NR, noisy
		}'
}
echo
echo "new/base, median of the rounds:"
summary "throughput (64 B, qd 64)" 3
summary "latency (64 B, qd 1)" 4
