#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# soak.sh - `make soak`: the host fuzzer's scenario
# (tools/testing/vm/tests/95-fuzz.sh) VM after VM, seeds SOAK_SEED,
# SOAK_SEED+1, ..., until the budget is used up, then the figures.
#
# Environment:
#   SOAK_MESSAGES=N   stop once N host messages were mutated in all
#   SOAK_SECONDS=S    stop after S seconds of wall time (default 600 when
#                     neither is given)
#   SOAK_SEED=N       first seed (default: the time)
#   SOAK_VM_SECONDS=S fuzzing time of one VM (default 900; a VM also stops
#                     at the remaining SOAK_MESSAGES)
#   HVG_FUZZ_RATE, HVG_FUZZ_RATE_DENSE, HVG_FUZZ_KINDS  as for
#                     95-fuzz.sh (default here: 1 in 20, 1 in 4, all kinds
#                     but rescind)
#   HVG_FUZZ_FLOOD, HVG_FUZZ_FLOOD_RATE, HVG_FUZZ_FLOOD_SECONDS  as for
#                     95-fuzz.sh (default here: 250000 flood copies a round,
#                     each mutated, for up to 900 s): the volume of a soak
#   HVG_FUZZ_BUSY_SECONDS  as for 95-fuzz.sh (default here: 120 s a round
#                     of echo and net traffic alone, under the kinds that
#                     keep their channels up)
#   HVG_KERNEL        kernel series (default 6.1)
# Logs: $HVG_CACHE/soak/seed-N.{out,err,log}.
#
# The VMs boot with the memory-error detectors (vm.sh --memdebug).
# Figures: messages seen, mutated and flooded per class, rescinds, guest error lines
# (ratelimited errors of our drivers, suppressed ones counted), channels
# failed and devices reset, and splats (Oops, BUG, WARNING, SLUB, KASAN,
# ...).  A VM with a splat prints the seed that reproduces it.  Exit status
# 1 on any splat, timeout or failed check.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
logs=$cache/soak
kernel=${HVG_KERNEL:-6.1}
msgs=${SOAK_MESSAGES:-}
secs=${SOAK_SECONDS:-}
[ -n "$msgs$secs" ] || secs=600
seed=${SOAK_SEED:-$(date +%s)}
vm_secs=${SOAK_VM_SECONDS:-900}
rate=${HVG_FUZZ_RATE:-20}
flood=${HVG_FUZZ_FLOOD:-250000}
flood_rate=${HVG_FUZZ_FLOOD_RATE:-1}
flood_secs=${HVG_FUZZ_FLOOD_SECONDS:-900}
busy_secs=${HVG_FUZZ_BUSY_SECONDS:-120}
mkdir -p "$logs"

classes="echo heartbeat shutdown timesync kvp scsi net video mouse keyboard vmbus"
declare -A seen mut fl
for c in $classes; do seen[$c]=0 mut[$c]=0 fl[$c]=0; done
total=0 vms=0 splats=0 bad=0 errors=0 failed=0 resets=0 rescinds=0
crash_seeds=
start=$(date +%s)

drivers='hvg?_vmbus|hv_netvsc|hv_storvsc|hv_utils|hyperv_fb|hid_hyperv|hyperv_keyboard|vmbus_echo|hid-generic|sd [0-9]|scsi'
err_re='fail|invalid|bad|unexpected|malformed|unknown|ignored|refused|differs|leaked|error|no reply|not fit|never issued|too (short|long|many)|beyond|out of range|timed? ?out'
splat_re='Oops|BUG:|WARNING:|SLUB|KASAN|UBSAN|general protection fault|Kernel panic|Call Trace|INFO: task .* blocked|lockdep|detected stall'

echo "soak: seeds from $seed, budget ${msgs:-any} mutated messages, ${secs:-any} s; logs in $logs"
while :; do
	now=$(date +%s)
	left_s=$vm_secs
	if [ -n "$secs" ]; then
		[ $((now - start)) -lt "$secs" ] || break
		[ $((secs - (now - start))) -ge "$left_s" ] || left_s=$((secs - (now - start)))
		[ "$left_s" -ge 30 ] || left_s=30
	fi
	fenv=(HVG_FUZZ_SEED="$seed" HVG_FUZZ_SECONDS="$left_s" HVG_FUZZ_QUIET=0
	      HVG_FUZZ_RATE="$rate" HVG_FUZZ_FLOOD="$flood"
	      HVG_FUZZ_FLOOD_RATE="$flood_rate" HVG_FUZZ_FLOOD_SECONDS="$flood_secs"
	      HVG_FUZZ_BUSY_SECONDS="$busy_secs")
	if [ -n "$msgs" ]; then
		[ "$total" -lt "$msgs" ] || break
		fenv+=(HVG_FUZZ_MESSAGES=$((msgs - total)))
	fi
	base=$logs/seed-$seed
	t0=$(date +%s)
	(cd "$repo" && env "${fenv[@]}" tools/testing/vm/vm.sh --kernel "$kernel" \
		--installed --memdebug --timeout $((left_s + 900)) --log "$base.log" -- \
		sh tools/testing/vm/tests/95-fuzz.sh) >"$base.out" 2>"$base.err"
	rc=$?
	vms=$((vms + 1))

	# The stats tables the script prints, "# CLASS SEEN MUTATED KINDS...
	# FLOODED": the last one counts.
	vm_mut=0
	while read -r c s m f; do
		seen[$c]=$((seen[$c] + s)) mut[$c]=$((mut[$c] + m)) fl[$c]=$((fl[$c] + f))
		vm_mut=$((vm_mut + m))
	done < <(awk -v cl=" $classes " '$1 == "#" && index(cl, " " $2 " ") && NF > 4 { s[$2] = $3; m[$2] = $4; f[$2] = $NF }
		END { for (c in s) print c, s[c], m[c], f[c] }' "$base.out")
	total=$((total + vm_mut))
	r=$(awk '$1 == "#" && $2 == "rescinded" { r = $3 } END { print r + 0 }' "$base.out")
	rescinds=$((rescinds + ${r:-0}))

	log=$(tr -d '\r' <"$base.log")
	e=$(grep -aE "($drivers)" <<<"$log" | grep -av 'hvsim' |
		grep -aciE "$err_re" || true)
	sup=$(grep -aE "($drivers).*callbacks suppressed" <<<"$log" |
		sed -n 's/.*: \([0-9][0-9]*\) callbacks suppressed.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	errors=$((errors + e + sup))
	f=$(grep -acE 'channel [0-9]+ failed' <<<"$log" || true)
	failed=$((failed + f))
	f=$(grep -acE 'resetting the device|reset(ting)? the (channel|adapter|host)|recovered' <<<"$log" || true)
	resets=$((resets + f))
	s=$(grep -aE "$splat_re" <<<"$log" | grep -avc 'SLUB: HWalign' || true)
	grep -q 'HVG-SPLAT' "$base.err" && [ "$s" -eq 0 ] && s=1
	splats=$((splats + s))
	summary=$(grep -aE '^(ok|not ok) ' "$base.out" | grep -c '^not ok' || true)
	echo "soak: VM $vms seed $seed: $vm_mut mutated in $(($(date +%s) - t0)) s, vm.sh exit $rc, $summary failed checks, $s splat lines"
	if [ "$s" -gt 0 ] || [ "$rc" -ne 0 ]; then
		bad=$((bad + 1))
		crash_seeds+=" $seed"
		echo "soak: seed $seed FAILED; reproduce with:"
		echo "  HVG_FUZZ_SEED=$seed HVG_FUZZ_RATE=$rate HVG_FUZZ_RATE_DENSE=${HVG_FUZZ_RATE_DENSE:-4} HVG_FUZZ_KINDS=${HVG_FUZZ_KINDS:-0x1ff} HVG_FUZZ_FLOOD=$flood HVG_FUZZ_FLOOD_RATE=$flood_rate tools/testing/vm/run-tests.sh tools/testing/vm/tests/95-fuzz.sh"
		grep -aE "$splat_re" <<<"$log" | grep -av 'SLUB: HWalign' | head -5 | sed 's/^/    /'
	fi
	seed=$((seed + 1))
done

el=$(($(date +%s) - start))
echo
per_s=$((total / (el > 0 ? el : 1)))
echo "soak: $vms VMs, $el s wall time, $total host messages mutated, $per_s per second"
printf '  %-10s %12s %10s %10s\n' class seen mutated flooded
for c in $classes; do
	printf '  %-10s %12s %10s %10s\n' "$c" "${seen[$c]}" "${mut[$c]}" "${fl[$c]}"
done
echo "  devices rescinded by the fuzzer: $rescinds"
echo "  guest error lines (ratelimited, suppressed counted): $errors"
echo "  channels failed: $failed; devices/channels reset or recovered: $resets"
echo "  oops/BUG/WARNING/SLUB reports: $splats"
[ -z "$crash_seeds" ] || echo "  failing seeds:$crash_seeds"
[ "$bad" -eq 0 ]
