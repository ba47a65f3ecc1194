#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Version negotiation: against every host version hvsim presents, hv_vmbus
# settles on that version, says so once in the log, and channels work; and
# hv_vmbus's max_version caps what it asks for.
# hvg-timeout: 900
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/echo_lib.inc"

VERSIONS="1.1 2.4 3.0 4.0 4.1 5.0 5.1 5.2 5.3"

# negotiated V: both sides show V and the log has exactly one line saying so.
negotiated() {
	_v=$(cat "$VMBUS/version" 2>/dev/null)
	if [ "$_v" != "$1" ]; then
		ktap_diag "$VMBUS/version is '$_v', expected $1"
		return 1
	fi
	_h=$(cat "$HVSIM_DBG/version" 2>/dev/null)
	if [ "$_h" != "$1" ]; then
		ktap_diag "hvsim says version '$_h' was negotiated, expected $1"
		return 1
	fi
	_n=$(dmesg_since | grep -c "hv_vmbus: VMBus version $1 negotiated with hvsim")
	if [ "$_n" != 1 ]; then
		ktap_diag "expected one 'VMBus version $1 negotiated with hvsim' line, found $_n"
		dmesg_since | grep 'hv_vmbus' | sed 's/^/# /'
		return 1
	fi
}

# against HOST_VERSION [HV_VMBUS PARAMS]: load and check the connection.
load_against() {
	dmesg_mark
	hvg_reload "$2" "host_version=$1" "" || {
		ktap_diag "loading with host_version=$1 $2 failed"
		return 1
	}
	echo_wait_bound 1 || ktap_diag "no echo device bound within 20 s"
}

ktap_plan $(($(echo "$VERSIONS" | wc -w) * 2 + 3))
for v in $VERSIONS; do
	if load_against "$v"; then
		ktap_check "host $v: version $v negotiated" negotiated "$v"
		ktap_check "host $v: 200 packets echoed" \
			echo_traffic "$(echo_dev)" 200 1 4000 mixed
	else
		ktap_fail "host $v: version $v negotiated"
		ktap_fail "host $v: 200 packets echoed"
	fi
done

if load_against 5.3 max_version=4.0; then
	ktap_check "max_version=4.0 against host 5.3: version 4.0 negotiated" \
		negotiated 4.0
	ktap_check "max_version=4.0 against host 5.3: 200 packets echoed" \
		echo_traffic "$(echo_dev)" 200 1 4000 mixed
else
	ktap_fail "max_version=4.0 against host 5.3: version 4.0 negotiated"
	ktap_fail "max_version=4.0 against host 5.3: 200 packets echoed"
fi
hvg_unload
ktap_check "modules unload" hvg_all_unloaded
ktap_done
