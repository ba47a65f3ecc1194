#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# report.sh SAMPLES OUTDIR [RECORD]: the "@@" lines (lib.sh) a benchmark run
# left in SAMPLES, summed up: the median and min-max of every figure over
# its rounds (a spread wider than +-15% of the median marked "noisy"), the
# perf breakdowns, the goals of issue 22 and where each stands (and the
# ratios that have none: the VF path, XDP_DROP); with
# HVG_BENCH_RUN=curves a gnuplot PNG per curve (figures with KEY=VALUE
# settings, the x axis) in OUTDIR.
# With RECORD=1 every figure is appended to OUTDIR/<bench>.csv (date,
# kernel, commit, setting, metric, median, min, max, rounds, noisy) and
# OUTDIR/latest-<run>.rst gets the tables the documentation includes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
samples=$1
out=$2
record=${3:-0}
run=${HVG_BENCH_RUN:-default}
export HVG_REPO=$repo
# shellcheck source=tools/testing/bench/lib.sh
. "$here/lib.sh"

mkdir -p "$out"
sum=$(mktemp)
trap 'rm -f "$sum" "$sum".*' EXIT
bench_summary "$samples" >"$sum"
kernel=$(awk '$1 == "@@" && $2 == "meta" && $3 == "kernel" { k = $4 } END { print k }' "$samples")
commit=$(git -C "$repo" log -1 --format=%h)$(git -C "$repo" diff --quiet HEAD || echo +)
date=$(date -u +%Y-%m-%dT%H:%MZ)

# The tables, as reStructuredText simple tables (also fine as plain text).
figures() {
	awk '$3 !~ /^cpu_ms_per_unit|^units_profiled/ {
		r[++n] = sprintf("%-8s %-14s %-26s %12s %12s %12s %6s %s",
			$1, $2, $3, $4, $5, $6, $7, $8) }
	END {
		if (!n) exit
		l = "======== ============== ========================== ============ ============ ============ ====== ====="
		print l
		printf "%-8s %-14s %-26s %12s %12s %12s %6s %s\n", "bench", "setting",
			"figure", "median", "min", "max", "rounds", "noisy"
		print l
		for (i = 1; i <= n; i++) print r[i]
		print l
	}' "$sum"
}

breakdown() {	# per GB (netvsc) and per I/O (storvsc) in the guest's CPU time
	awk '$3 ~ /^cpu_ms_per_unit\./ {
		c = substr($3, 17); k = $1 " " $2
		if (!(k in seen)) { seen[k] = 1; keys[++n] = k }
		v[k, c] = $4 * ($1 == "storvsc" ? 1000 : 1)
	}
	END {
		if (!n) exit
		l = "======== ============== ========== ========== ========== ========== ========== ========== =========="
		print l
		printf "%-8s %-14s %10s %10s %10s %10s %10s %10s %10s\n", "bench", "run",
			"driver", "hv_vmbus", "hvsim", "kernel", "user", "guest", "total"
		print l
		for (i = 1; i <= n; i++) {
			split(keys[i], w, " ")
			printf "%-8s %-14s", w[1], w[2]
			split("driver vmbus hvsim kernel user guest total", cs, " ")
			for (j = 1; j <= 7; j++) printf " %10.3f", v[keys[i], cs[j]]
			printf "\n"
		}
		print l
		print ""
		print "CPU time per unit of work, idle excluded: netvsc in ms per GB received,"
		print "storvsc in microseconds per I/O; guest = all but hvsim (the work a real"
		print "host does on its own CPUs)."
	}' "$sum"
}

topsyms() {	# the "@#" lines: the symbols above 1% of each profile's busy time
	awk '$1 == "@#" { k = $2 " " $3
		if (!(k in seen)) { seen[k] = 1; keys[++n] = k }
		t[k] = t[k] sprintf("    %-8s %5.1f%%  %s\n", $4, $6, $5) }
	END {
		for (i = 1; i <= n; i++)
			printf "%s, the symbols above 1%% of the busy time::\n\n%s\n", keys[i], t[keys[i]]
	}' "$samples"
}

# The ratios with a goal (issue 22), then those without one (g < 0).
goals() {
	awk 'function goal(b, s, m, g, what,	k) {
		k = b " " s " " m
		if (!(k in med)) return
		printf "%-34s %6.3f  (min %.3f, max %.3f%s)  ", what,
			med[k], lo[k], hi[k], (noisy[k] == "noisy" ? ", noisy" : "")
		if (g < 0) print "no goal"
		else printf "goal >= %.1f: %s\n", g, (med[k] >= g ? "met" : "missed")
	}
	{ k = $1 " " $2 " " $3; med[k] = $4; lo[k] = $5; hi[k] = $6; noisy[k] = $8 }
	END {
		goal("netvsc", "default", "tx_Mbps.ratio", 0.8, "netvsc tx / veth")
		goal("netvsc", "default", "rx_Mbps.ratio", 0.6, "netvsc rx / veth")
		goal("storvsc", "default", "iops_4k.ratio_scsi_debug", 1.0, "storvsc 4 KiB IOPS / scsi_debug")
		goal("storvsc", "default", "kibps_1m.ratio_brd", 0.9, "storvsc 1 MiB KiB/s / brd")
		goal("ring", "size=1500", "GBps.ratio", 0.5, "ring 1500 B / memcpy")
		goal("ring", "size=1500", "GBps.ratio_one_thread", 0.5, "(one thread, no CPU crossing)")
		goal("netvsc", "vf", "tx_Mbps.ratio", -1, "netvsc tx, VF path / synthetic")
		goal("netvsc", "vf", "rx_Mbps.ratio", -1, "netvsc rx, VF path / synthetic")
		goal("netvsc", "xdp", "drop_pps.ratio", -1, "XDP_DROP pkt/s, netvsc / veth")
		goal("hvsock", "default", "ratio_g2h", -1, "hv_sock guest->host / loopback TCP")
		goal("hvsock", "default", "ratio_h2g", -1, "hv_sock host->guest / loopback TCP")
	}' "$sum"
}

echo
echo "== medians over the rounds (noisy: min or max beyond +-15% of the median) =="
figures
echo
echo "== where the time goes (perf, cpu-clock, all CPUs) =="
breakdown
echo
topsyms
echo "== goals (issue 22), and the ratios without one =="
goals

# plot BENCH KEY METRIC: the series METRIC.* (ratios left out) against KEY
plot() {
	local b=$1 k=$2 m=$3 png="$out/$1-$2-$3.png" data="$sum.$1-$2-$3" series cmd="" s
	awk -v b="$b" -v k="$k" -v m="$m" '$1 == b && index($2, k "=") == 1 &&
		index($3, m ".") == 1 && $3 !~ /\.ratio/ {
		print substr($3, length(m) + 2), substr($2, length(k) + 2), $4, $5, $6 }' \
		"$sum" | sort -k1,1 -k2,2n >"$data"
	series=$(cut -d' ' -f1 "$data" | uniq)
	[ -n "$series" ] || return 0
	for s in $series; do
		cmd="$cmd${cmd:+, }'< grep \"^$s \" $data' using 2:3:4:5 with yerrorlines title '$s'"
	done
	gnuplot <<EOF
set terminal pngcairo size 800,500 noenhanced
set output '$png'
set title '$b: $m against $k (median and min-max of the rounds; $kernel, $commit)'
set xlabel '$k'
set ylabel '$m'
set key top left
set grid
$( [ "$k" = channels ] || echo "set logscale x 2" )
plot $cmd
EOF
	echo "plot: $png"
}

if [ "$run" != curves ]; then
	:	# the plots are the curves run's (its points, its rounds)
elif command -v gnuplot >/dev/null; then
	awk '$2 ~ /=/ && $3 !~ /\.ratio/ { split($2, s, "="); m = $3; sub(/\.[^.]*$/, "", m)
		print $1, s[1], m }' "$sum" | sort -u |
		while read -r b k m; do plot "$b" "$k" "$m"; done
else
	echo "no gnuplot: no plots"
fi

[ "$record" = 1 ] || exit 0
for b in $(cut -d' ' -f1 "$sum" | sort -u); do
	csv=$out/$b.csv
	[ -s "$csv" ] ||
		echo "date,kernel,commit,setting,metric,median,min,max,rounds,noisy" >"$csv"
	awk -v b="$b" -v d="$date" -v kr="$kernel" -v c="$commit" 'BEGIN { OFS = "," }
		$1 == b { print d, kr, c, $2, $3, $4, $5, $6, $7, $8 }' "$sum" >>"$csv"
	echo "recorded: $csv"
done
{
	echo ".. SPDX-License-Identifier: GPL-2.0-only"
	echo ".. Written by tools/testing/bench/report.sh (make bench RECORD=1)."
	echo
	echo "Run of $date, kernel $kernel, commit $commit, host personality ${HVG_PERSONALITY:-azure}, $(awk '$7 > r { r = $7 } END { print r + 0 }' "$sum") rounds."
	echo
	echo "Goals::"
	echo
	goals | sed 's/^/    /'
	echo
	figures
	echo
	breakdown
	echo
	topsyms
} >"$out/latest-$run.rst"
echo "recorded: $out/latest-$run.rst"
