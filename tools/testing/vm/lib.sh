# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers for the VM test scripts (tools/testing/vm/tests/*.sh); POSIX sh.
# Source it with:  . "$HVG_REPO/tools/testing/vm/lib.sh"
#
# KTAP output:
#   ktap_plan N          print the header and the plan "1..N"
#   ktap_ok DESC         "ok <n> - DESC"
#   ktap_fail DESC       "not ok <n> - DESC"
#   ktap_skip DESC       "ok <n> - DESC # SKIP"
#   ktap_check DESC CMD...  ok if CMD succeeds, else fail
#   ktap_diag MSG        "# MSG"
#   ktap_done            print the totals; exit 1 if anything failed (or the
#                        plan was not met), else 0
# Modules:
#   hvg_load [PARAM=VALUE...]  insmod hv_vmbus, hvsim (with the params) and
#                              the echo driver, in that order
#   hvg_unload                 rmmod them in reverse order
# Misc:
#   wait_for CMD [TIMEOUT]     poll the shell command CMD every 0.1 s until
#                              it succeeds; return 1 after TIMEOUT whole seconds
#                              (default 10)

: "${HVG_REPO:=$(cd "$(dirname "$0")/../../../.." 2>/dev/null && pwd)}"

HVG_KO_VMBUS=$HVG_REPO/drivers/vmbus/hv_vmbus.ko
HVG_KO_HVSIM=$HVG_REPO/tools/hvsim/hvsim.ko
HVG_KO_ECHO=$HVG_REPO/tools/testing/echo/vmbus_echo.ko
HVG_KO_MOUSE=$HVG_REPO/drivers/input/hid_hyperv.ko
HVG_KO_KBD=$HVG_REPO/drivers/input/hyperv_keyboard.ko

_ktap_n=0
_ktap_plan=
_ktap_fail=0
_ktap_skip=0

ktap_plan() {
	_ktap_plan=$1
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_ok() {
	_ktap_n=$((_ktap_n + 1))
	echo "ok $_ktap_n - $*"
}

ktap_fail() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_fail=$((_ktap_fail + 1))
	echo "not ok $_ktap_n - $*"
}

ktap_skip() {
	_ktap_n=$((_ktap_n + 1))
	_ktap_skip=$((_ktap_skip + 1))
	echo "ok $_ktap_n - $* # SKIP"
}

ktap_diag() {
	echo "# $*"
}

ktap_check() {
	_desc=$1
	shift
	if "$@"; then
		ktap_ok "$_desc"
	else
		ktap_fail "$_desc"
	fi
}

ktap_done() {
	_pass=$((_ktap_n - _ktap_fail - _ktap_skip))
	if [ -n "$_ktap_plan" ] && [ "$_ktap_plan" -ne "$_ktap_n" ]; then
		ktap_diag "planned $_ktap_plan tests but ran $_ktap_n"
		_ktap_fail=$((_ktap_fail + 1))
	fi
	echo "# totals: pass:$_pass fail:$_ktap_fail xfail:0 xpass:0 skip:$_ktap_skip error:0"
	[ "$_ktap_fail" -eq 0 ] && exit 0
	exit 1
}

_hvg_insmod() {
	if [ ! -f "$1" ]; then
		echo "hvg_load: $1 not built" >&2
		return 1
	fi
	insmod "$@"
}

hvg_load() {
	_hvg_insmod "$HVG_KO_VMBUS" || return 1
	_hvg_insmod "$HVG_KO_HVSIM" "$@" || { rmmod hv_vmbus; return 1; }
	_hvg_insmod "$HVG_KO_ECHO" || { rmmod hvsim hv_vmbus; return 1; }
}

hvg_unload() {
	_rc=0
	for _m in vmbus_echo hvsim hv_vmbus; do
		if [ -d "/sys/module/$_m" ]; then
			rmmod "$_m" || _rc=1
		fi
	done
	return $_rc
}

wait_for() {
	_deadline=$(($(date +%s) + ${2:-10}))
	until eval "$1" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$_deadline" ] || return 1
		sleep 0.1
	done
	return 0
}
