#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs each fuzz target for a bounded time and prints TAP.
# Usage: run.sh SECONDS TARGET...   (from the build directory)
secs=$1
shift
n=0
fail=0
skip=0
echo "TAP version 13"
echo "1..$#"
for t in "$@"; do
	n=$((n + 1))
	if [ ! -x "./$t" ]; then
		echo "ok $n - $t # SKIP not built (no clang with libFuzzer)"
		skip=$((skip + 1))
		continue
	fi
	mkdir -p "corpus/$t" artifacts
	log="$t.log"
	if "./$t" -max_total_time="$secs" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="artifacts/$t-" "corpus/$t" "seeds/$t" \
		>"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		echo "ok $n - $t ${secs}s, ${execs:-?} execs, $cov"
	else
		fail=$((fail + 1))
		echo "not ok $n - $t (see $PWD/$log and artifacts/)"
		grep -m 20 -E 'ERROR|SUMMARY|runtime error|Test unit written' \
			"$log" | sed 's/^/# /'
	fi
done
echo "fuzz: $((n - fail - skip)) passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
