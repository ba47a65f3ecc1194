#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# matrix.sh [SERIES[:build|:boot]...] - build and boot the suite on other kernels.
#
# For each SERIES (default: 5.10 6.12; 6.1 is what the rest of `make check`
# covers in full; also trixie, trixie-backports, sid: see kernel.sh): fetch
# it with kernel.sh, build a private copy of the tree (under
# $HVG_CACHE/matrix/<SERIES>, so the checkout's objects stay those of the
# main kernel) from clean with W=1 C=1 in one pass, and run on it the VM
# scripts of the code that differs there (the version gates of
# include/hvguest/compat.h, and the kernel subsystems whose behaviour our
# drivers lean on), with that kernel's memory-error detectors on as
# everywhere (run-tests.sh, vm.sh --memdebug: 5.10 has slub_debug and page
# poisoning, 6.12 also KFENCE):
#  - older than 6.1 (5.10): 00-boot 10-load-unload 30-sysfs 70-netvsc
#    76-netvsc-xdp 80-storvsc 85-fb 87-balloon 88-hvsock: NAPI, TSO, ethtool
#    ring and page-pool calls, the XDP buffer API, scsi_done and the tag
#    iterator, deferred-I/O mmap, the socket error report, memory offlining,
#    the bus's remove hook and kmap_local; memory hot-add differs most
#    between kernels, and the vsock core under Hyper-V sockets;
#  - newer (6.12): 00-boot 30-sysfs 75-netvsc-vf 76-netvsc-xdp 87-balloon
#    88-hvsock: const bus attributes, IFF_NO_ADDRCONF on the VF path, XDP
#    features and generic XDP, memory hot-add and vsock; 70-netvsc,
#    80-storvsc and the other classes run on Debian 13's 6.12 (below).
# The KVP, VSS and file copy daemons, PTP and chrony, and 40-echo (the
# rings are tested by every driver's script) have no version gate and run
# on 6.1.  $HVG_MATRIX_TESTS replaces both lists.
# A kernel built with a compiler this host lacks (kernel.sh's BUILDROOT:
# gcc-14 for Debian 13's kernels, gcc-16 for sid's) is built in a root of
# its release (buildroot.sh, needs root) with that compiler and its sparse,
# and runs one short script per class instead, $HVG_MATRIX_CLASS_TESTS
# (default 00-boot 70-netvsc 80-storvsc 85-fb 86-input 90-utils; the
# load/unload and bus scripts run on 5.10 and 7.3, the bus script also on
# bookworm-backports' 6.12).  SERIES:build builds only (boot and tests
# "skip"); SERIES:boot builds, then runs only 00-boot and 05-run (every
# class driver loaded by its modalias, the disk formatted).  A
# kernel with VMBus built in (CONFIG_HYPERV_VMBUS=y: Debian's 7.x) holds
# the name hv_vmbus, so Kbuild names our bus hvg_vmbus there (and any class
# driver whose in-tree namesake is built in hvg_*: drivers/modname.mk),
# and it runs $HVG_MATRIX_BUILTIN_TESTS (default 00-boot 05-run
# 10-load-unload 30-sysfs 70-netvsc 80-storvsc 90-utils): our bus beside
# the kernel's idle one, under hvsim, and (05-run) every class driver
# installed into updates/ and loaded by its modalias on it, the disk
# formatted; storage and the integration services as on 6.1.
#
# HVG_MATRIX_DEADLINE (seconds since the epoch; check.sh sets it from its
# time budget): a row not started by then is not run, its four cells are
# skipped and say so, so that a slow machine still ends the whole run in
# time instead of being cut off.
#
# Cells: build  make succeeded, no compiler or modpost warning
#        sparse no sparse diagnostic in our files ("none": the kernel's
#               Makefile turned sparse off, see build_cells)
#        boot   00-boot passed (the kernel boots and loads our modules)
#        tests  every case of the other scripts passed ("P/T" cases)
# Output: one TAP case per cell, then the table (lines starting "matrix:").
# Exit status 1 if any cell failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
export HVG_CACHE=$cache
tests_old=${HVG_MATRIX_TESTS:-00-boot 10-load-unload 30-sysfs 70-netvsc 76-netvsc-xdp 80-storvsc 85-fb 87-balloon 88-hvsock}
tests_new=${HVG_MATRIX_TESTS:-00-boot 30-sysfs 75-netvsc-vf 76-netvsc-xdp 87-balloon 88-hvsock}
class_tests=${HVG_MATRIX_CLASS_TESTS:-00-boot 70-netvsc 80-storvsc 85-fb 86-input 90-utils}
builtin_tests=${HVG_MATRIX_BUILTIN_TESTS:-00-boot 05-run 10-load-unload 30-sysfs 70-netvsc 80-storvsc 90-utils}
jobs=${HVG_JOBS:-2}
[ $# -gt 0 ] || set -- 5.10 6.12

# shellcheck source=tools/testing/pkg/tap.sh
. "$here/tap.sh"
rows=()

# sparse_args KDIR COPY: the make arguments that keep sparse on where the
# kernel's Makefile would turn C=1 off only because Debian's kbuild package
# lacks scripts/checker-valid.sh (7.x).  That script tests that sparse
# parses __typeof_unqual__, which 7.x's headers use; so does this, with
# the build root's sparse first (unstable's 0.6.5 parses it, Debian 13's
# 0.6.4 does not), then unstable's from the sid build root if there is
# one: its binary needs only glibc 2.38, which Debian 13 has, and the
# cache is mounted at its own path in every build root.  Prints nothing,
# and fails, when no sparse will do.
sparse_args() {
	local kdir=$1 copy=$2 common probe out sp
	common=$(sed -n 's|^include $(dir $(lastword $(MAKEFILE_LIST)))||p' "$kdir/Makefile")
	common=$(dirname "$kdir/${common:-Makefile}")
	grep -qs 'scripts/checker-valid.sh' "$common/Makefile" || return 1
	[ ! -e "$common/scripts/checker-valid.sh" ] || return 1
	probe=$copy/.typeof-unqual.c
	printf 'static int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$probe"
	for sp in sparse "$cache/buildroot/sid/usr/bin/sparse"; do
		[ "$sp" = sparse ] || [ -x "$sp" ] || continue
		out=$("${in[@]}" "$sp" "$probe" 2>&1) || continue
		echo "$out" | grep -q error && continue
		rm -f "$probe"
		echo "KBUILD_CHECKSRC=1 CHECK=$sp"
		return 0
	done
	rm -f "$probe"
	return 1
}

# build_cells SERIES COPY KDIR LOG: sets b_cell, s_cell.
build_cells() {
	local series=$1 copy=$2 kdir=$3 log=$4 rc ours cc sp in=() force=()
	[ -z "$buildroot" ] || in=("$here/buildroot.sh" "$buildroot" --)
	read -ra force <<<"$(sparse_args "$kdir" "$copy")"
	"${in[@]}" make -k -C "$kdir" M="$copy" -j"$jobs" W=1 C=1 "${force[@]}" modules >"$log" 2>&1
	rc=$?
	ours=$(grep -aE "^($copy/)?(drivers|include|tools)/[^:]*:[0-9]+:([0-9]+:)? (warning|error): |^WARNING: |^ERROR: " "$log")
	# gcc names the warning option ([-W...]); sparse does not.
	cc=$(echo "$ours" | grep -aE '\[-W|^WARNING: |^ERROR: |error: ')
	sp=$(echo "$ours" | grep -avE '\[-W|^WARNING: |^ERROR: |error: ' | grep -a .)
	if [ "$rc" -eq 0 ] && [ -z "$cc" ]; then b_cell=ok; else b_cell=FAIL; fi
	case_ "$([ "$b_cell" = ok ] && echo OK || echo FAIL)" "$series: build W=1" \
		"${cc:-$(tail -n 5 "$log")}"
	if [ "$rc" -eq 0 ] && [ -z "$sp" ]; then s_cell=ok; else s_cell=FAIL; fi
	[ "$rc" -eq 0 ] || s_cell=n/a
	# Not forced (sparse_args): the Makefile turned C=1 off, and no
	# sparse here can check that kernel's headers.
	if [ "$s_cell" = ok ] && [ ${#force[@]} -eq 0 ] &&
	   grep -aq 'specified, but .* is not available or not up to date' "$log"; then
		s_cell=none
		case_ OK "$series: sparse # SKIP the kernel's Makefile turned sparse off and no sparse here parses __typeof_unqual__ ($(grep -am1 'specified, but' "$log" | sed 's/.*: //'))"
		return
	fi
	case_ "$([ "$s_cell" = ok ] && echo OK || echo FAIL)" "$series: sparse" "$sp"
}

# vm_cells SERIES COPY LOGDIR: sets v_cell, t_cell from run-tests.sh's
# per-script lines "[PASS|FAIL] NAME: P ok, F not ok, ...".
vm_cells() {
	local series=$1 copy=$2 logdir=$3 tests=$4 t args=() line p=0 f=0 tp tf
	for t in $tests; do args+=("$copy/tools/testing/vm/tests/$t.sh"); done
	"$copy/tools/testing/vm/run-tests.sh" --kernel "$series" --logdir "$logdir" \
		"${args[@]}" >"$logdir.log" 2>&1
	line=$(grep -aE '^\[(PASS|FAIL)\] 00-boot:' "$logdir.log")
	v_cell=FAIL
	case $line in "[PASS]"*) v_cell=ok ;; esac
	case_ "$([ "$v_cell" = ok ] && echo OK || echo FAIL)" "$series: boot" \
		"${line:-00-boot did not run}"
	for t in $tests; do
		[ "$t" != 00-boot ] || continue
		line=$(grep -aE "^\[(PASS|FAIL)\] $t:" "$logdir.log")
		tp=$(echo "$line" | sed -nE 's/.*: ([0-9]+) ok.*/\1/p')
		tf=$(echo "$line" | sed -nE 's/.* ([0-9]+) not ok.*/\1/p')
		[ -n "$tp" ] || { tp=0 tf=1; }
		p=$((p + tp)) f=$((f + tf))
	done
	t_cell="$p/$((p + f))"
	[ "$f" -eq 0 ] && [ "$p" -gt 0 ] || t_cell="FAIL:$t_cell"
	case_ "$([ "$f" -eq 0 ] && [ "$p" -gt 0 ] && echo OK || echo FAIL)" \
		"$series: tests (${tests// /, })" \
		"$(grep -aE '^\[FAIL\]|^    not ok' "$logdir.log")"
}

# add_row SERIES VERSION BUILD SPARSE BOOT TESTS: a line of the table, with
# the time since the row's start.
add_row() {
	rows+=("$(printf '%-16s %-22s %-6s %-6s %-6s %-10s %5ss' "$@" \
		"$(($(date +%s) - start))")")
}

for row in "$@"; do
	case ${row#*:} in
	"$row" | build | boot) ;;
	*)	echo "matrix.sh: $row: use SERIES, SERIES:build or SERIES:boot" >&2
		exit 2 ;;
	esac
done
echo "1..$(($# * 4))"
for row in "$@"; do
	series=${row%%:*}
	mode=${row#"$series"}
	start=$(date +%s)
	if [ -n "${HVG_MATRIX_DEADLINE:-}" ] && [ "$start" -ge "$HVG_MATRIX_DEADLINE" ]; then
		for c in build sparse boot tests; do
			case_ OK "$series: $c # SKIP not started: the run is past its time budget"
		done
		add_row "$series" "?" skip skip skip skip
		continue
	fi
	dir=$cache/matrix/$series
	copy=$dir/src
	mkdir -p "$dir"
	b_cell=n/a s_cell=n/a v_cell=n/a t_cell=n/a kver="?"
	kenv=$("$repo/tools/testing/vm/kernel.sh" "$series" 2>"$dir/kernel.log")
	kdir=$(echo "$kenv" | sed -n 's/^KDIR=//p')
	buildroot=$(echo "$kenv" | sed -n 's/^BUILDROOT=//p')
	if [ -n "$buildroot" ] && ! "$here/buildroot.sh" "$buildroot" >>"$dir/kernel.log" 2>&1; then
		for c in build sparse boot tests; do
			case_ FAIL "$series: $c" "no $buildroot root: $(tail -n 3 "$dir/kernel.log")"
		done
	elif [ -z "$kdir" ]; then
		for c in build sparse boot tests; do
			case_ FAIL "$series: $c" "cannot fetch kernel $series"
		done
	else
		kver=$(basename "$kdir"); kver=${kver#linux-headers-}
		rm -rf "$copy"
		rsync -a --exclude .git --exclude .cache --exclude '*.o' --exclude '*.ko' \
			--exclude '*.cmd' --exclude '*.mod*' --exclude Module.symvers \
			--exclude modules.order "$repo/" "$copy/"
		build_cells "$series" "$copy" "$kdir" "$dir/build.log"
		if [ "$mode" = :build ]; then
			case_ OK "$series: boot # SKIP build-only row"
			case_ OK "$series: tests # SKIP build-only row"
			v_cell=skip t_cell=skip
		elif [ "$b_cell" = ok ]; then
			# VMBus built in: our bus is hvg_vmbus (drivers/modname.mk)
			if [ "$mode" = :boot ]; then
				t="00-boot 05-run"
			elif grep -q '^CONFIG_HYPERV_VMBUS=y' "$kdir/.config"; then
				t=$builtin_tests
			elif [ -n "$buildroot" ]; then
				t=$class_tests
			elif dpkg --compare-versions "${kver%%-*}" lt 6.1; then
				t=$tests_old
			else
				t=$tests_new
			fi
			vm_cells "$series" "$copy" "$dir/vm" "$t"
		else
			case_ FAIL "$series: boot" "not run: the build failed"
			case_ FAIL "$series: tests" "not run: the build failed"
			v_cell=n/a t_cell=n/a
		fi
	fi
	add_row "$series" "$kver" "$b_cell" "$s_cell" "$v_cell" "$t_cell"
done

printf 'matrix: %-16s %-22s %-6s %-6s %-6s %-10s %6s\n' kernel version build \
	sparse boot tests time
for r in "${rows[@]}"; do echo "matrix: $r"; done
[ "$failed" -eq 0 ]
