#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench-ab BASE=REV [ROUNDS=N]: what a change costs on the VMBus data
# path.  Builds REV's hv_vmbus, hvsim and vmbus_echo in a private worktree
# ($HVG_CACHE/bench-base), then in one VM loads REV's modules and this
# tree's by turns, ROUNDS times (base, new, base, new, ...), each time
# running the echo channel at 64 bytes with 64 packets in flight
# (throughput) and with one in flight (latency).  Prints each round, then
# the median ratio new/base with its min-max; a spread wider than +-15% of
# the median is marked "noisy".  Asserts nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
base=${1:?usage: ab.sh REV [ROUNDS]}
rounds=${2:-5}
wt=$cache/bench-base

kdir=${KDIR:-$("$repo/tools/testing/vm/kernel.sh" "${HVG_KERNEL:-6.1}" |
	sed -n 's/^KDIR=//p')}

rm -rf "$wt"
git -C "$repo" worktree prune
git -C "$repo" worktree add -q --detach "$wt" "$base"
trap 'git -C "$repo" worktree remove --force "$wt"' EXIT
echo "== base $(git -C "$wt" log -1 --format='%h %s') =="
echo "== new  $(git -C "$repo" log -1 --format='%h %s')$(git -C "$repo" diff --quiet HEAD || echo ' (+ changes)') =="
make -s -C "$kdir" M="$wt" -j"${HVG_JOBS:-2}" modules >"$cache/bench-base.log" 2>&1 ||
	{ echo "building $base failed: $cache/bench-base.log" >&2; exit 1; }
make -s -C "$repo" KDIR="$kdir" modules >/dev/null

HVG_AB_BASE=$wt HVG_AB_ROUNDS=$rounds \
	"$repo/tools/testing/vm/vm.sh" --timeout 1800 -- "$here/vm-ab.sh"
