#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench [ROUNDS=N] [RECORD=1] [ONLY="NAME..."]: the userspace ring
# benchmark (ring against memcpy in the same process), the echo channel
# through hv_vmbus + hvsim, netvsc against veth, netvsc's VF path against
# its synthetic one and XDP_DROP on netvsc against veth, storvsc against brd
# and scsi_debug (with the perf breakdowns), the framebuffer, input, Dynamic Memory (hv_balloon) and
# Hyper-V sockets (hv_sock against loopback TCP), each in a test VM.  Every
# comparison runs its pair by turns for N rounds (default 5); report.sh
# then prints the medians with min-max, the breakdowns and the goals.
# make bench-curves (run.sh --curves): the scaling curves instead, ring and
# netvsc against the message size, netvsc and storvsc against the channel
# count, storvsc against the queue depth, each with its baseline, plotted
# with gnuplot.  With RECORD=1 the figures are appended to
# Documentation/bench/<bench>.csv and the plots and tables written there;
# otherwise to $HVG_CACHE/bench.  HVG_PERSONALITY picks the host
# personality as for the tests.  ONLY (HVG_BENCH_ONLY) runs only the named
# benchmarks: "ring" or a VM script's name without .sh (vm-echo, netvsc,
# netvsc-accel, storvsc, fb, input, balloon, hvsock).  Asserts nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
curves=0
[ "${1:-}" = --curves ] && curves=1
export HVG_BENCH_ROUNDS=${HVG_BENCH_ROUNDS:-5}
export HVG_BENCH_CURVES=$curves
record=${HVG_BENCH_RECORD:-0}
out=${HVG_CACHE:-$repo/.cache}/bench
[ "$record" = 1 ] && out=$repo/Documentation/bench
mkdir -p "${HVG_CACHE:-$repo/.cache}"
samples=${HVG_CACHE:-$repo/.cache}/bench-samples.txt
: >"$samples"
start=$(date +%s)

# want NAME: NAME is to run (HVG_BENCH_ONLY empty or naming it)
want() {
	[ -z "${HVG_BENCH_ONLY:-}" ] && return 0
	case " $HVG_BENCH_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# vm TITLE SCRIPT: SCRIPT in a test VM under the heading TITLE, its "@@"
# lines kept in $samples
vm() {
	want "${2%.sh}" || return 0
	echo
	echo "== $1 =="
	shift
	"$repo/tools/testing/vm/vm.sh" --timeout 1800 -- "$here/$1" | tee -a "$samples" |
		grep -v '^@[@#] ' || echo "$1: failed (status $?)"
}

sizes="64 1500 16384"
[ "$curves" = 1 ] && sizes="64 256 1024 1500 4096 16384 65536"
if want ring; then
	echo "== userspace ring buffer against memcpy (tools/testing/bench/ring), $HVG_BENCH_ROUNDS rounds =="
	make -s -C "$here/ring" bench_ring
	for r in $(seq "$HVG_BENCH_ROUNDS"); do
		# shellcheck disable=SC2086 # the list of sizes
		"$here/ring/bench_ring" "${HVG_BENCH_RING_SECONDS:-0.6}" $sizes >"$samples.ring"
		[ "$r" = 1 ] && cat "$samples.ring"
		# GB/s from packets/s, with more digits than the table's
		awk -v r="$r" '$1 ~ /^[0-9]+$/ { g = $2 * $1 / 1e9
			printf "@@ ring size=%s GBps.ring %s %.5f\n", $1, r, g
			printf "@@ ring size=%s GBps.memcpy %s %s\n", $1, r, $4
			printf "@@ ring size=%s GBps.ratio %s %.5f\n", $1, r, ($4 > 0 ? g / $4 : 0)
			o = $6 * $1 / 1e9	# one thread writing and reading by turns
			printf "@@ ring size=%s GBps.one_thread %s %.5f\n", $1, r, o
			printf "@@ ring size=%s GBps.ratio_one_thread %s %.5f\n", $1, r, ($4 > 0 ? o / $4 : 0) }' \
			"$samples.ring" >>"$samples"
	done
	rm -f "$samples.ring"
fi

if [ "$curves" = 1 ]; then
	vm "network curves: hv_netvsc + hvsim and veth, in the VM" netvsc.sh
	vm "storage curves: hv_storvsc + hvsim, brd and scsi_debug, in the VM" storvsc.sh
else
	vm "echo channel in the VM (hv_vmbus + hvsim, QEMU TCG)" vm-echo.sh
	vm "network: hv_netvsc + hvsim against veth, in the VM" netvsc.sh
	vm "accelerated networking: hv_netvsc's VF path against its synthetic path, XDP_DROP on hv_netvsc against veth, in the VM" \
		netvsc-accel.sh
	vm "storage: hv_storvsc + hvsim against brd and scsi_debug, in the VM" storvsc.sh
	vm "video: hyperv_fb + hvsim's video host, in the VM" fb.sh
	vm "input: hid_hyperv + hyperv_keyboard + hvsim, injection to evdev, in the VM" input.sh
	HVG_MEM=1536M HVG_APPEND="${HVG_APPEND:-} mem=1024M" \
		vm "Dynamic Memory: hv_balloon + hvsim, inflate/deflate rate and hot-add, in the VM" balloon.sh
	vm "Hyper-V sockets: hv_sock + hvsim's socket host against loopback TCP, in the VM" hvsock.sh
fi

HVG_BENCH_RUN=$([ "$curves" = 1 ] && echo curves || echo default) \
	"$here/report.sh" "$samples" "$out" "$record"
echo
echo "bench: $(( $(date +%s) - start )) s (host personality ${HVG_PERSONALITY:-azure, hvsim's default}); samples in $samples"
