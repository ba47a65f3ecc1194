#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-tests.sh [--kernel SERIES] [--personality NAME] [--timeout S] [--logdir DIR]
#              [TEST.sh...]
#
# Runs the KTAP/TAP scripts tools/testing/vm/tests/*.sh (or the ones named),
# each in its own freshly booted VM (vm.sh).  One VM per script: a boot takes
# about 3 s of guest time and 7-10 s of wall time under TCG, cheap enough to
# buy isolation (a script that crashes or taints the kernel cannot spoil the
# next one), so no batching.
#
# Every VM boots with the kernel's memory-error detectors on (vm.sh
# --memdebug: slub_debug, page poisoning, KFENCE where built in); a SLUB,
# page poison, KFENCE or list corruption report is a splat and fails the
# script.  HVG_MEMDEBUG=0 boots without them.
#
# --personality NAME (or HVG_PERSONALITY=NAME in the environment) makes hvsim
# play that host in every script (ws2012r2, ws2016, ws2019, azure, openvmm;
# lib.sh hands it to every hvsim load); the logs then go to
# <default logdir>-NAME unless --logdir is given.
#
# Counting: every top-level "ok N" / "not ok N" line is a test case ("# SKIP"
# counts as skipped; "ok N - ... # XFAIL WHY", KTAP's expected failure that
# lib.sh's ktap_xfail prints, is a known bug's check failing as expected:
# reported, counted neither passed nor failed; a "not ok" line is a failure
# whatever its directive); a script that runs fewer cases than its plan, exits
# non-zero without a failing case, times out, crashes the VM or leaves a
# kernel splat in the log gets one extra failure (a kernel that died while
# booting, before init and our modules, boots once more: boot_died() below).
# A script may ask for a longer limit with a line "# hvg-timeout: SECONDS",
# and a guest with the modules installed (vm.sh --installed) with a line "# hvg-vm: installed",
# more guest RAM with "# hvg-vm-mem: 1536M" (QEMU -m; default 1G) and more
# kernel arguments with "# hvg-vm-append: ARGS" (e.g. mem= to keep RAM
# hidden for memory hot-add).
#
# Prints one summary line per script and ends with
# "N passed, N failed, N skipped"; exit status 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
kernel=${HVG_KERNEL:-6.1}
timeout=${HVG_TEST_TIMEOUT:-300}
logdir=
personality=${HVG_PERSONALITY:-}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel)	kernel=$2; shift 2 ;;
	--personality)	personality=$2; shift 2 ;;
	--timeout)	timeout=$2; shift 2 ;;
	--logdir)	logdir=$2; shift 2 ;;
	--)		shift; break ;;
	-*)		echo "run-tests.sh: unknown option $1" >&2; exit 2 ;;
	*)		break ;;
	esac
done
if [ $# -gt 0 ]; then
	tests=("$@")
else
	tests=("$here"/tests/*.sh)
fi
case $personality in
''|ws2012r2|ws2016|ws2019|ws2022|azure|openvmm) ;;
*)	echo "run-tests.sh: unknown personality '$personality'" \
		"(ws2012r2, ws2016, ws2019, azure, openvmm)" >&2
	exit 2 ;;
esac
if [ -n "$personality" ]; then
	export HVG_PERSONALITY=$personality
	echo "run-tests.sh: host personality $personality"
else
	unset HVG_PERSONALITY
fi
[ -n "$logdir" ] || logdir=$cache/vm/logs${personality:+-$personality}
mkdir -p "$logdir"
vmopts_all=()
[ "${HVG_MEMDEBUG:-1}" = 0 ] || vmopts_all+=(--memdebug)

total_pass=0 total_fail=0 total_skip=0 total_xfail=0

# linux_files SCRIPT: the files of Linux's tree a script names in
# "# hvg-linux-file: PATH" lines, extracted from Debian's linux-source-6.1
# package into a fresh directory (exported as HVG_LINUX_SRC) on the host,
# where it is quicker than in the VM.
linux_files() {
	local f files=()

	while IFS= read -r f; do
		files+=("linux-source-6.1/$f")
	done < <(sed -n 's/^# hvg-linux-file: *//p' "$1")
	[ "${#files[@]}" -gt 0 ] || return 0
	mkdir -p "$cache"
	HVG_LINUX_SRC=$(mktemp -d "$cache/linux-src.XXXXXX") || return 0
	export HVG_LINUX_SRC
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$HVG_LINUX_SRC" \
		--strip-components=1 "${files[@]}" ||
		echo "run-tests.sh: cannot extract ${files[*]} from /usr/src/linux-source-6.1.tar.xz" >&2
}

# boot_died RC OUT LOG: true when the VM's kernel died while booting (a
# splat or no exit status, and init never said HVG-BOOTED): no test had
# started and no module of ours was loaded, as the oops's module list shows.
# Under TCG, Debian 13's 6.12 kernel was seen to die so (an int3 oops at a
# jump label site in sched_clock_cpu() on a secondary CPU, in the idle loop,
# with no module loaded); run_one boots such a script once more.
boot_died() {
	[ "$1" = 123 ] || [ "$1" = 125 ] || return 1
	[ ! -s "$2" ] || return 1
	! grep -aq 'HVG-BOOTED uptime=' "$3" || return 1
	! grep -aE 'Modules linked in:' "$3" | grep -aqE 'hv_|hvsim|hyperv|vmbus'
}

# run_one SCRIPT: boot a VM for SCRIPT, count its results, print a summary.
run_one() {
	local t=$1 name out err rc lim start secs vmopts vmmem vmappend attempt
	local pass=0 fail=0 skip=0 xfail=0 plan=0 ran=0 why=()

	name=$(basename "$t" .sh)
	t=$(cd "$(dirname "$t")" && pwd)/$(basename "$t")
	out=$logdir/$name.out err=$logdir/$name.err
	lim=$(sed -n 's/^# hvg-timeout: *\([0-9][0-9]*\).*/\1/p' "$t" | head -n1)
	vmopts=("${vmopts_all[@]}")
	! grep -q '^# hvg-vm: installed' "$t" || vmopts+=(--installed)
	vmmem=$(sed -n 's/^# hvg-vm-mem: *\([0-9][0-9]*[MG]\).*/\1/p' "$t" | head -n1)
	vmappend=$(sed -n 's/^# hvg-vm-append: *//p' "$t" | head -n1)

	start=$(date +%s)
	linux_files "$t"
	for attempt in 1 2; do
		(cd "$repo" && HVG_MEM=${vmmem:-${HVG_MEM:-}} \
			HVG_APPEND="${HVG_APPEND:-} $vmappend" "$here/vm.sh" --kernel "$kernel" "${vmopts[@]}" --timeout "${lim:-$timeout}" \
			--log "$logdir/$name.log" -- sh "$t") >"$out" 2>"$err"
		rc=$?
		boot_died "$rc" "$out" "$logdir/$name.log" && [ "$attempt" -eq 1 ] || break
		# Kept for the record, and said in the summary's diagnostics.
		mv "$logdir/$name.log" "$logdir/$name.boot-died.log"
		echo "# $name: the kernel died while booting, before init and before any module of ours (log: $logdir/$name.boot-died.log); booting once more"
	done
	if [ -n "${HVG_LINUX_SRC:-}" ]; then
		rm -rf "$HVG_LINUX_SRC"
		unset HVG_LINUX_SRC
	fi
	secs=$(($(date +%s) - start))

	while IFS= read -r l; do
		case $l in
		"not ok "[0-9]*)	fail=$((fail + 1)); ran=$((ran + 1)) ;;
		"ok "[0-9]*)
			ran=$((ran + 1))
			if echo "$l" | grep -qi '# *skip'; then
				skip=$((skip + 1))
			elif echo "$l" | grep -q '# *XFAIL'; then
				xfail=$((xfail + 1))
			else
				pass=$((pass + 1))
			fi ;;
		1..[0-9]*)		plan=${l#1..}; plan=${plan%%[!0-9]*} ;;
		esac
	done < <(tr -d '\r' <"$out")

	sed 's/^/    /' "$out"
	grep -a '^HVG-SPLAT' "$err" | sed 's/^/    /'
	if [ "$ran" -lt "$plan" ]; then
		fail=$((fail + plan - ran)); why+=("ran $ran of $plan planned")
	fi
	case $rc in
	0)	;;
	123)	fail=$((fail + 1)); why+=("kernel splat") ;;
	124)	fail=$((fail + 1)); why+=("timeout") ;;
	125)	fail=$((fail + 1)); why+=("VM died") ;;
	*)	if grep -q '^HVG-SPLAT' "$err"; then
			fail=$((fail + 1)); why+=("kernel splat")
		fi
		if [ "$fail" -eq 0 ]; then
			fail=1; why+=("exit status $rc")
		fi ;;
	esac
	if [ "$ran" -eq 0 ] && [ "$fail" -eq 0 ]; then
		fail=1; why+=("no test output")
	fi

	local verdict=PASS
	[ "$fail" -eq 0 ] || verdict=FAIL
	printf '[%s] %s: %d ok, %d not ok, %d skipped, %d known bugs, %ds%s\n' "$verdict" \
		"$name" "$pass" "$fail" "$skip" "$xfail" "$secs" \
		"${why[*]:+ (${why[*]}; log: $logdir/$name.log)}"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	total_xfail=$((total_xfail + xfail))
}

for t in "${tests[@]}"; do
	[ -f "$t" ] || { echo "run-tests.sh: no such test $t" >&2; total_fail=$((total_fail + 1)); continue; }
	run_one "$t"
done

[ "$total_xfail" -eq 0 ] ||
	echo "known bugs: $total_xfail check(s) failed as expected (ok ... # XFAIL)"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
