#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh - the whole test suite (`make check`, .ci/run).
#
# Steps, in order; each gate counts as one test case, suites with TAP output
# count their cases:
#   deps      tools/testing/vm/deps.sh (only when run as root; not counted
#             unless it fails)
#   kernel    tools/testing/vm/kernel.sh $HVG_KERNEL (default 6.1; "host"
#             uses /lib/modules/$(uname -r)/build and boots the host kernel)
#   build     kbuild with W=1 from clean; any compiler or modpost warning fails
#   sparse    C=2; any sparse diagnostic in our files fails (needs the build)
#   checkpatch  scripts/checkpatch.pl on every committed kernel source file
#   docs      every committed .rst rendered by docutils (rst2html
#             --report=2): any warning or error fails; one case per document;
#             tools/testing/helper-copies.py (no VM test helper defined
#             twice) and include-cycles.py (no #include cycle among our
#             headers), one case each
#   unit      make -C tools/testing/unit check   (if that Makefile exists)
#   fuzz      make -C tools/testing/fuzz check   (if that Makefile exists)
#   bench     tools/testing/bench/selftest.sh: the benchmark report's
#             arithmetic on made-up figures, no VM (about 2 s); TAP cases
#   pkg       tools/testing/pkg/dkms.sh (dkms add/build/install/remove in
#             private trees) and packages.sh (.deb and .rpm); TAP cases
#   trixie-install  tools/testing/pkg/trixie-install.sh (as root): a Debian
#             13 root (mmdebstrap, cached), `apt install` of the .deb (DKMS
#             with its gcc-14), a VM booting its 6.12 with the demo devices,
#             the update to trixie-backports' 7.3 (DKMS refuses: VMBus built
#             in), a VM booting 7.3, `apt remove`; TAP cases.
#             HVG_TRIXIE_INSTALL=0 skips it.  Added time (Dec 2026, 2
#             cores shared with a load of 10-17): 14 min wall, 4 min of
#             CPU (user+sys) warm; cold + the root (mmdebstrap: 2.5 min
#             wall idle, 10 min under that load)
#   nohv      tools/testing/pkg/nohv.sh: every module built with W=1 and
#             sparse against a 6.1 tree configured with CONFIG_HYPERV=n
#             (prepared from linux-source-6.1 once, cached); TAP cases.
#             About 1 min of CPU (the build), plus about 40 s the first
#             time (the tree)
#   vm        tools/testing/vm/run-tests.sh (one VM per script), hvsim
#             playing its default host (azure); every VM boots with the
#             kernel's memory-error detectors on (slub_debug, page poisoning,
#             KFENCE where built in; see vm.sh) and a SLUB, page poison,
#             KFENCE or list corruption report fails the script
#   personalities  run-tests.sh --personality P for each P of
#             $HVG_PERSONALITIES (default "ws2012r2 ws2016 ws2019 openvmm";
#             empty skips it): 20-versions and the script of each service
#             whose host facts differ from azure's (hvsim's personality
#             tables), see pers_tests() below, or $HVG_PERSONALITY_TESTS for
#             every host; one line "personality: P  N passed, N failed"
#             each, the cases count into the total
#   matrix    tools/testing/pkg/matrix.sh $HVG_MATRIX (default "5.10 6.12
#             trixie sid:boot trixie-backports"; empty skips it): build W=1
#             + sparse, boot, and on 5.10 and 6.12 the scripts of the
#             code whose calls differ there (matrix.sh's lists, from
#             compat.h's version gates); Debian 13's 6.12 (trixie) built
#             with gcc-14 in a trixie root and one script per class; sid's
#             7.2 (gcc-16 and sparse 0.6.5, in a sid root) built and booted
#             for 00-boot and 05-run; trixie-backports' 7.3 (VMBus built
#             in: our bus is hvg_vmbus there) built with gcc-14 and sid's
#             sparse and running 00-boot, 05-run, 10-load-unload, 30-sysfs,
#             70-netvsc, 80-storvsc and 90-utils.  The kernels and roots are
#             fetched in the background from the kernel step on (prefetch
#             below); one case per cell, then the table.  Times are in
#             each row's last column.  A row not started
#             $HVG_MATRIX_START_BY (default 76) minutes into the run is
#             skipped, and its cells say so: CI ends a run at 90 minutes.
# The last line is "N passed, N failed"; exit status 1 if anything failed.
#
# Time on 2 cores (QEMU/TCG): most of it is the VMs, one after the other
# (two side by side on the 2 cores gained nothing: each ran about half as
# fast).  The last line but one gives the run's total; the matrix table
# each row's.  HVG_PERSONALITY_TESTS, HVG_PERSONALITIES and HVG_MATRIX
# change it.
# Logs: $HVG_CACHE (default <repo>/.cache)/check/.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
export HVG_CACHE=$cache
series=${HVG_KERNEL:-6.1}
logs=$cache/check
jobs=${HVG_JOBS:-2}
mkdir -p "$logs"
cd "$repo" || exit 1

pass=0 fail=0
t_start=$(date +%s)

# Indent sub-output so that no summary line of a sub-suite can be taken for
# ours (CI reads the last "N passed, N failed" line).
show() { sed 's/^/  | /'; }

verdict() {	# verdict NAME OK|FAIL [why]
	if [ "$2" = OK ]; then
		pass=$((pass + 1)); echo "[PASS] $1"
	else
		fail=$((fail + 1)); echo "[FAIL] $1${3:+: $3}"
	fi
}

# count_suite NAME LOG RC: add the cases of a sub-suite.  Its own final
# "N passed, N failed" line wins, else its top-level TAP lines, else the suite
# is one case decided by its exit status.
count_suite() {
	local name=$1 log=$2 rc=$3 p=0 f=0 line
	line=$(grep -aE '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([A-Za-z-]+: )?([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	else
		p=$(grep -acE '^ok [0-9]+' "$log")
		p=$((p - $(grep -aE '^ok [0-9]+' "$log" | grep -aciE '# *skip')))
		f=$(grep -acE '^not ok [0-9]+' "$log")
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ $((p + f)) -eq 0 ]; then
		p=1	# ran fine but counts nothing: one passed gate
	fi
	pass=$((pass + p)) fail=$((fail + f))
	printf '[%s] %s: %d ok, %d not ok\n' "$([ "$f" -eq 0 ] && echo PASS || echo FAIL)" \
		"$name" "$p" "$f"
}

finish() {
	echo "check: total time $(($(date +%s) - t_start))s, logs in $logs"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

step() { echo; echo "=== $* ($(date +%T))"; }

# --- deps, kernel ----------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	step deps
	tools/testing/vm/deps.sh >"$logs/deps.log" 2>&1
	rc=$?
	tail -n 3 "$logs/deps.log" | show
	[ "$rc" -eq 0 ] || verdict deps FAIL "see $logs/deps.log"
fi

step "kernel $series"
if [ "$series" = host ]; then
	KDIR=/lib/modules/$(uname -r)/build
	[ -d "$KDIR" ] || { verdict kernel FAIL "no $KDIR"; finish; }
else
	KDIR=$(tools/testing/vm/kernel.sh "$series" 2>"$logs/kernel.log" |
		sed -n 's/^KDIR=//p')
	if [ -z "$KDIR" ]; then
		show <"$logs/kernel.log"
		verdict kernel FAIL "cannot fetch kernel $series"
		finish
	fi
fi
echo "KDIR=$KDIR"

# The install test's Debian 13 root and the matrix's kernels and build
# roots are fetched in the background from here on, at the lowest
# priority: the download and unpacking (minutes when cold, mostly waiting
# on the network) overlap the CPU-bound steps below instead of adding to
# them.  trixie-install.sh, kernel.sh and buildroot.sh lock per root,
# series and release, so the steps that need them wait for them or find
# them ready.
matrix=${HVG_MATRIX-5.10 6.12 trixie sid:boot trixie-backports}
prefetch() {
	local row s br
	[ "${HVG_TRIXIE_INSTALL:-1}" = 0 ] || tools/testing/pkg/trixie-install.sh --root
	for row in $matrix; do
		s=${row%%:*}
		br=$(tools/testing/vm/kernel.sh "$s" 2>&1 | sed -n 's/^BUILDROOT=//p')
		[ -z "$br" ] || tools/testing/pkg/buildroot.sh "$br" >/dev/null 2>&1
	done
}
prefetch_pid=
if [ -n "$matrix" ] || [ "${HVG_TRIXIE_INSTALL:-1}" != 0 ]; then
	prefetch >"$logs/prefetch.log" 2>&1 &
	prefetch_pid=$!
	renice -n 19 -p "$prefetch_pid" >/dev/null 2>&1
	ionice -c 3 -p "$prefetch_pid" >/dev/null 2>&1
fi

kmake() { make -C "$KDIR" M="$repo" -j"$jobs" "$@"; }

# --- build gate (W=1, no warnings) -----------------------------------------
step "build (W=1)"
# The Makefile's clean, not kbuild's: that one would wipe the cache.
make -s clean-modules KDIR="$KDIR" >"$logs/clean.log" 2>&1 || show <"$logs/clean.log"
kmake W=1 modules >"$logs/build.log" 2>&1
rc=$?
# gcc: "file:line:col: warning: ...", modpost: "WARNING: modpost: ..."
warn=$(grep -aE '(warning|error): |^WARNING: |^ERROR: ' "$logs/build.log")
[ -z "$warn" ] || echo "$warn" | head -n 60 | show
if [ "$rc" -ne 0 ]; then
	tail -n 5 "$logs/build.log" | show
	verdict build FAIL "make exited $rc"
elif [ -n "$warn" ]; then
	verdict build FAIL "$(echo "$warn" | wc -l) warning line(s)"
else
	verdict build OK
fi
build_rc=$rc

# --- sparse gate ------------------------------------------------------------
step "sparse (C=2)"
if [ "$build_rc" -ne 0 ]; then
	verdict sparse FAIL "not run: the build failed"
else
	# Same flags as the build: nothing recompiles, every source is checked.
	kmake W=1 C=2 modules >"$logs/sparse.log" 2>&1
	rc=$?
	# Our files only (kernel headers live under $KDIR or the cache).
	ours=$(grep -aE "^($repo/)?(drivers|include|tools)/[^:]*:[0-9]+:([0-9]+:)? (warning|error): " \
		"$logs/sparse.log" | grep -av "^$repo/\\.cache/")
	[ -z "$ours" ] || echo "$ours" | head -n 60 | show
	if [ "$rc" -ne 0 ]; then
		verdict sparse FAIL "make exited $rc"
	elif [ -n "$ours" ]; then
		verdict sparse FAIL "$(echo "$ours" | wc -l) sparse diagnostic(s)"
	else
		verdict sparse OK
	fi
fi

# --- checkpatch gate ----------------------------------------------------------
# checkpatch.pl comes from Debian's linux-source-6.1 (deps.sh installs it).
# compat.h is exempt: version checks are what it is for.
step checkpatch
cp_dir=$cache/checkpatch
if [ ! -f "$cp_dir/scripts/checkpatch.pl" ]; then
	src=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
	mkdir -p "$cp_dir"
	[ -z "$src" ] || tar -xf "$src" -C "$cp_dir" --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' >"$logs/checkpatch.log" 2>&1
fi
if [ ! -f "$cp_dir/scripts/checkpatch.pl" ]; then
	verdict checkpatch FAIL "no checkpatch.pl (linux-source-6.1 missing)"
else
	files=$(git ls-files 'drivers/*.[ch]' 'include/*.h' 'tools/*.[ch]' |
		grep -v -e '^include/hvguest/compat.h$' -e '^tools/testing/unit/' \
			-e '^tools/testing/fuzz/' -e '^tools/testing/bench/')
	# shellcheck disable=SC2086
	perl "$cp_dir/scripts/checkpatch.pl" --no-tree --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files \
		>"$logs/checkpatch.log" 2>&1
	bad=$(grep -aE ': (ERROR|WARNING):' "$logs/checkpatch.log")
	if [ -n "$bad" ]; then
		echo "$bad" | head -n 40 | show
		verdict checkpatch FAIL "$(echo "$bad" | wc -l) finding(s)"
	else
		verdict checkpatch OK
	fi
fi

# --- docs: every document renders without a docutils warning ---------------
# rst2html comes from python3-docutils (deps.sh installs it); a few seconds.
step docs
if ! command -v rst2html >/dev/null; then
	verdict docs FAIL "no rst2html (python3-docutils missing)"
else
	: >"$logs/docs.log"
	for doc in $(git ls-files '*.rst'); do
		out=$(rst2html --report=2 --halt=5 --exit-status=2 "$doc" /dev/null 2>&1)
		rc=$?
		printf '%s\n' "$out" >>"$logs/docs.log"
		if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
			echo "$out" | head -n 10 | show
			verdict "docs: $doc" FAIL "docutils reports"
		else
			verdict "docs: $doc" OK
		fi
	done
fi
# No helper defined twice in the VM scripts (Documentation/testing.rst), no
# #include cycle among our headers: two cases, under a second.
for c in helper-copies include-cycles; do
	python3 "tools/testing/$c.py" >"$logs/$c.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		grep -av "^$c: " "$logs/$c.log" | head -n 20 | show
		verdict "docs: $c" FAIL "$(tail -n 1 "$logs/$c.log")"
	else
		verdict "docs: $c" OK
	fi
done

# --- userspace suites -------------------------------------------------------
for s in unit fuzz; do
	[ -f "tools/testing/$s/Makefile" ] || continue
	step "$s"
	make -C "tools/testing/$s" check >"$logs/$s.log" 2>&1
	rc=$?
	show <"$logs/$s.log" | tail -n 40
	count_suite "$s" "$logs/$s.log" "$rc"
done
step "bench: selftest"
tools/testing/bench/selftest.sh >"$logs/bench-selftest.log" 2>&1
rc=$?
show <"$logs/bench-selftest.log" | tail -n 20
count_suite bench-selftest "$logs/bench-selftest.log" "$rc"

# --- packaging (issue 6) ------------------------------------------------------
for s in dkms packages; do
	step "pkg: $s"
	tools/testing/pkg/$s.sh --kernel "$series" >"$logs/pkg-$s.log" 2>&1
	rc=$?
	show <"$logs/pkg-$s.log" | tail -n 40
	count_suite "pkg-$s" "$logs/pkg-$s.log" "$rc"
done

# --- a real install on Debian 13 (issue 17) ------------------------------------
if [ "${HVG_TRIXIE_INSTALL:-1}" != 0 ]; then
	step "pkg: trixie-install (Debian 13: apt install, kernel update to 7.3, apt remove)"
	tools/testing/pkg/trixie-install.sh >"$logs/pkg-trixie-install.log" 2>&1
	rc=$?
	show <"$logs/pkg-trixie-install.log" | tail -n 40
	count_suite pkg-trixie-install "$logs/pkg-trixie-install.log" "$rc"
fi

# --- CONFIG_HYPERV=n build (issue 18) ----------------------------------------
step "nohv: build against CONFIG_HYPERV=n"
tools/testing/pkg/nohv.sh >"$logs/nohv.log" 2>&1
rc=$?
show <"$logs/nohv.log" | tail -n 40
count_suite nohv "$logs/nohv.log" "$rc"

# --- VM tests ---------------------------------------------------------------
step "vm tests (kernel $series)"
tools/testing/vm/run-tests.sh --kernel "$series" --logdir "$logs/vm" \
	2>&1 | tee "$logs/vm.log" | show
count_suite vm "$logs/vm.log" "${PIPESTATUS[0]}"

# --- host personalities (issue 14) -------------------------------------------
# The full suite above plays azure; every other host gets one script per
# class: the bus (20-versions: the version handshake is what differs most
# between hosts; 40-echo adds ~40 s a host and tests our echo device, not a
# host service), network, storage, video, input, utilities.
# A script runs against a host where that host's facts for its service
# differ from azure's, which the full suite above already met (the tables
# of tools/hvsim/*.c): ws2012r2 has older network (NVSP 5), storage (WIN8.1)
# and video (WIN8) versions; ws2016 NVSP 6 (network is also the devices'
# check under its VMBus version); ws2019 differs from azure only in the
# VMBus version, which 20-versions covers, with storage as the devices'
# check; OpenVMM differs in every service.  Mouse, keyboard and
# the heartbeat/shutdown/timesync ICs are alike on the Windows hosts.
pers_tests() {
	if [ -n "${HVG_PERSONALITY_TESTS:-}" ]; then
		echo "$HVG_PERSONALITY_TESTS"
		return
	fi
	case $1 in
	ws2012r2) echo 20-versions 70-netvsc 80-storvsc 85-fb ;;
	ws2016) echo 20-versions 70-netvsc ;;
	ws2019) echo 20-versions 80-storvsc ;;
	*) echo 20-versions 70-netvsc 80-storvsc 85-fb 86-input 90-utils ;;
	esac
}

personalities=${HVG_PERSONALITIES-ws2012r2 ws2016 ws2019 openvmm}
if [ -n "$personalities" ]; then
	step "personalities: $(for p in $personalities; do
		printf '%s (%s) ' "$p" "$(pers_tests "$p")"; done)"
	pers_lines=()
	for p in $personalities; do
		pers_args=()
		for t in $(pers_tests "$p"); do
			pers_args+=("tools/testing/vm/tests/$t.sh")
		done
		plog=$logs/personality-$p.log
		tools/testing/vm/run-tests.sh --kernel "$series" --personality "$p" \
			--logdir "$logs/vm-$p" "${pers_args[@]}" >"$plog" 2>&1
		rc=$?
		# Per-script verdicts and failing cases with the diagnostics
		# just before them; the full output is in the log.
		awk '/^    #/ { d[n++ % 3] = $0; next }
			/^    not ok/ { for (i = n - 3; i < n; i++) if (i >= 0) print d[i % 3] }
			/^\[(PASS|FAIL)\]|^    not ok|^    HVG-SPLAT/ { print }
			{ n = 0 }' "$plog" | sed "s/^/$p: /" | show
		line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$plog" | tail -n1)
		pp=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p')
		pf=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
		if [ -z "$pp" ]; then
			tail -n 3 "$plog" | sed "s/^/$p: /" | show
			pp=0 pf=1
		fi
		[ "$rc" -eq 0 ] || [ "$pf" -gt 0 ] || pf=1
		pass=$((pass + pp)) fail=$((fail + pf))
		pers_lines+=("$(printf 'personality: %-9s %d passed, %d failed' "$p" "$pp" "$pf")")
	done
	printf '%s\n' "${pers_lines[@]}"
fi

# --- kernel matrix (issue 6) -------------------------------------------------
# The other kernels get a build and a short VM run each; the main kernel's
# row repeats the results above (not counted again).
if [ -n "$matrix" ]; then
	step "matrix: $matrix"
	[ -z "$prefetch_pid" ] || wait "$prefetch_pid"
	# CI stops a run at 90 minutes; a row takes up to 10.  A row not
	# started 76 minutes in is skipped, and says so (matrix.sh).
	export HVG_MATRIX_DEADLINE=${HVG_MATRIX_DEADLINE:-$((t_start + ${HVG_MATRIX_START_BY:-76} * 60))}
	# shellcheck disable=SC2086 # a list of series
	tools/testing/pkg/matrix.sh $matrix >"$logs/matrix.log" 2>&1
	rc=$?
	grep -av '^matrix: ' "$logs/matrix.log" | show
	count_suite matrix "$logs/matrix.log" "$rc"
	m_build=FAIL m_sparse=FAIL m_boot=FAIL
	[ "$build_rc" -ne 0 ] || [ -n "$warn" ] || m_build=ok
	[ "$build_rc" -ne 0 ] || grep -aqE "^($repo/)?(drivers|include|tools)/[^:]*:[0-9]+:([0-9]+:)? (warning|error): " \
		"$logs/sparse.log" || m_sparse=ok
	! grep -aq '^\[PASS\] 00-boot:' "$logs/vm.log" || m_boot=ok
	m_tests=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$logs/vm.log" | tail -n1 |
		awk '{ printf "%s%d/%d", ($3 > 0 ? "FAIL:" : ""), $1, $1 + $3 }')
	grep -a '^matrix: kernel' "$logs/matrix.log"
	printf 'matrix: %-6s %-22s %-6s %-6s %-6s %-10s %6s\n' "$series" \
		"$(basename "$KDIR" | sed 's/^linux-headers-//')" "$m_build" \
		"$m_sparse" "$m_boot" "${m_tests:-FAIL}" "(above)"
	grep -a '^matrix: ' "$logs/matrix.log" | grep -av '^matrix: kernel'
fi

finish
