# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers of the benchmark scripts, sourced inside the test VM (and by
# report.sh on the host).  A script prints each figure as one line
#
#   @@ BENCH SETTING METRIC ROUND VALUE
#
# (no spaces inside a word; SETTING is "default" or KEY=VALUE, for the
# curves the value is the x axis), which report.sh gathers from the VM's
# output into medians, the CSV files and the plots.  A comparison runs its
# pair by turns, A B A B ..., HVG_BENCH_ROUNDS times (make bench ROUNDS=N,
# default 5), and emits the per-round ratio as a metric of its own, so the
# median and min-max of the ratio are those of the rounds.

# shellcheck disable=SC2034 # used by the scripts sourcing this
BENCH_ROUNDS=${HVG_BENCH_ROUNDS:-5}

# bench_emit BENCH SETTING METRIC ROUND VALUE
bench_emit() {
	echo "@@ $1 $2 $3 $4 ${5:-0}"
}

# bench_ratio A B: A/B with three decimals, 0 when B is not a positive number
bench_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a + 0 == a && b + 0 == b && b > 0) printf "%.3f", a / b
		else print 0 }'
}

# bench_mbits NS ADDR [iperf3 client options]: the receiver's Mbit/s of
# one iperf3 TCP run of HVG_BENCH_SECONDS (default 4) from here to a
# one-off server on ADDR in network namespace NS; 0 if the run failed
bench_mbits() {
	ip netns exec "$1" iperf3 -s -1 -D -B "$2" >/dev/null 2>&1
	sleep 1
	_a=$2
	shift 2
	iperf3 -c "$_a" -t "${HVG_BENCH_SECONDS:-4}" -f m "$@" 2>/dev/null |
		awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) }
		     END { print v + 0 }'
}

# bench_summary FILE: the median, min and max over the rounds of each
# (bench, setting, metric) of the "@@" lines of FILE; "noisy" when min or
# max is more than 15% away from the median.
bench_summary() {
	awk '$1 == "@@" && $2 != "meta" { k = $2 " " $3 " " $4
		if (!(k in n)) order[++nk] = k
		v[k, ++n[k]] = $6 }
	END {
		for (i = 1; i <= nk; i++) {
			k = order[i]
			c = n[k]
			for (a = 1; a <= c; a++) s[a] = v[k, a] + 0
			for (a = 2; a <= c; a++)	# insertion sort
				for (b = a; b > 1 && s[b - 1] > s[b]; b--) {
					t = s[b]; s[b] = s[b - 1]; s[b - 1] = t
				}
			m = c % 2 ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
			noisy = (c > 1 && (s[1] < m * 0.85 || s[c] > m * 1.15)) ? "noisy" : "-"
			split(k, w, " ")
			printf "%s %s %s %.6g %.6g %.6g %d %s\n", w[1], w[2], w[3],
				m, s[1], s[c], c, noisy
		}
	}' "$1"
}

# bench_profile BENCH SETTING SECONDS COUNTER RATE -- CMD...: start CMD
# (which must run for SECONDS + 30 s or more) in the background, and once
# it is going profile SECONDS of it with "perf record -a -e cpu-clock" and
# call chains; then stop CMD (SIGTERM).  Emits CPU milliseconds per unit of
# work, split into driver (our guest driver modules), vmbus (hv_vmbus),
# hvsim (host work), kernel (the rest of the kernel) and user, idle
# excluded, plus "guest" (all but hvsim) and "total".  The work done in
# the window: COUNTER (a shell command printing a running count in units,
# e.g. GB through a NIC) read at its start and end, or when COUNTER is
# empty RATE (a shell command reading CMD's output, units per second)
# times SECONDS.  With SECONDS 0, perf runs CMD itself (start-up
# included) and RATE prints the units of the whole run.  The symbols
# above 1% of the busy time follow as
# "@# BENCH SETTING CATEGORY SYMBOL PERCENT".
bench_profile() {
	_b=$1 _s=$2 _sec=$3 _counter=$4 _rate=$5
	shift 6
	command -v perf >/dev/null || { echo "bench: no perf"; return 0; }
	if [ "$_sec" = 0 ]; then
		# SECONDS 0: perf runs CMD itself, start-up included, and
		# RATE prints the units of the whole run
		perf record -q -e cpu-clock -F 1000 -a -g -o /tmp/bench-perf.data -- \
			"$@" >/tmp/bench-profile.out 2>&1
		_n=$(sh -c "$_rate" </tmp/bench-profile.out)
		bench_split "$_b" "$_s" "$_n"
		return
	fi
	"$@" >/tmp/bench-profile.out 2>&1 &
	_pid=$!
	# Under a loaded TCG host a program takes seconds to start: wait
	# until the work is going (COUNTER moves), up to 30 s.
	sleep 3
	if [ -n "$_counter" ]; then
		_c=$(sh -c "$_counter")
		_t=0
		while [ "$(sh -c "$_counter")" = "$_c" ] && [ "$_t" -lt 30 ]; do
			sleep 1
			_t=$((_t + 1))
		done
	else
		sleep 15
	fi
	perf record -q -e cpu-clock -F 1000 -a -g -o /tmp/bench-perf.data -- \
		sh -c "${_counter:-true} >/tmp/bench-c0; sleep $_sec; ${_counter:-true} >/tmp/bench-c1"
	kill -TERM "$_pid" 2>/dev/null
	wait "$_pid"
	if [ -n "$_counter" ]; then
		_n=$(awk -v a="$(cat /tmp/bench-c0)" -v b="$(cat /tmp/bench-c1)" \
			'BEGIN { printf "%.6f", b - a }')
	else
		_n=$(sh -c "$_rate" </tmp/bench-profile.out |
			awk -v s="$_sec" '{ printf "%.6f", $1 * s }')
	fi
	bench_split "$_b" "$_s" "$_n"
}

# bench_split BENCH SETTING UNITS: the "@@" and "@#" lines of the profile
# in /tmp/bench-perf.data
bench_split() {
	_b=$1 _s=$2 _n=$3
	cat /proc/modules >/tmp/bench-modules
	perf script -i /tmp/bench-perf.data -F comm,period,ip,sym,dso 2>/dev/null |
		awk -v mods=/tmp/bench-modules -v top=/tmp/bench-top \
			-f "$HVG_REPO/tools/testing/bench/perf-split.awk" |
		while read -r _cat _ns; do
			bench_emit "$_b" "$_s" "cpu_ms_per_unit.$_cat" 1 \
				"$(awk -v ns="$_ns" -v n="$_n" \
					'BEGIN { if (n > 0) printf "%.4f", ns / 1e6 / n; else print 0 }')"
		done
	bench_emit "$_b" "$_s" units_profiled 1 "${_n:-0}"
	sort -k3 -rn /tmp/bench-top 2>/dev/null | head -n 12 |
		while read -r _cat _sym _pc; do
			echo "@# $_b $_s $_cat $_sym $_pc"
		done
	rm -f /tmp/bench-perf.data /tmp/bench-top /tmp/bench-c0 /tmp/bench-c1
}

# bench_meta: the kernel the figures are from, for the CSV files
bench_meta() {
	bench_emit meta kernel "$(uname -r)" 0 0
}
