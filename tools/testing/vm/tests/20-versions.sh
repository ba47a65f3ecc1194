#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Version negotiation: against every host version hvsim presents, hv_vmbus
# settles on that version, says so once in the log, and channels work; and
# hv_vmbus's max_version caps what it asks for.  Against the personalities
# of hosts before VMBus 5.0 (which refuse connection id 4), hv_vmbus falls
# back to their version.
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
	_n=$(dmesg_since | grep -c "$HVG_MOD_VMBUS: VMBus version $1 negotiated with hvsim")
	if [ "$_n" != 1 ]; then
		ktap_diag "expected one 'VMBus version $1 negotiated with hvsim' line, found $_n"
		dmesg_since | grep "$HVG_MOD_VMBUS" | sed 's/^/# /'
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

# Hosts before VMBus 5.0 have no message connection 4: the INITIATE_CONTACT
# for 5.x the guest posts there fails with HV_STATUS_INVALID_CONNECTION_ID,
# and the guest goes on with older versions.  PERSONALITIES: NAME:VERSION.
PERSONALITIES="ws2016:4.0 ws2012r2:3.0"

# refused_conn4: hvsim refused a post to connection id 4, and hv_vmbus
# logged no error for it.
refused_conn4() {
	if ! dmesg_has "hvsim: HvPostMessage of message type 14 to connection id 4: no such port"; then
		ktap_diag "hvsim did not refuse the INITIATE_CONTACT posted to connection id 4"
		return 1
	fi
	if dmesg_has "$HVG_MOD_VMBUS: host refused"; then
		ktap_diag "hv_vmbus logged the refusal as an error:"
		dmesg_since | grep "$HVG_MOD_VMBUS: host refused" | sed 's/^/# /'
		return 1
	fi
}

# version_fault PARAM ERE [reload]: hvsim loaded with PARAM cannot connect:
# the load fails, hv_vmbus says why (ERE) and that the connection failed,
# and UNLOADs: hvsim saw one UNLOAD and holds no connection when the guest
# gave up (it says so as it fails); hvsim is gone; with "reload", a plain
# load then connects at 5.3.  The
# host speaks 5.3 whatever the personality: the message connection id of
# VERSION_RESPONSE exists from 5.0 on.
version_fault() {
	load_fails "host_version=5.3 $1" "$2" \
		"$HVG_MOD_VMBUS: connecting through hvsim failed" \
		"hvsim: guest connection failed: UNLOADs seen 1, host connected none" ||
		return 1
	[ "${3:-}" != reload ] || { load_against 5.3 && negotiated 5.3; }
}

# load_fails HVSIM_PARAMS LINE...: hvsim loaded with HVSIM_PARAMS cannot
# connect: the load fails, the log has every LINE, and hvsim is gone.
load_fails() {
	hvg_unload >/dev/null 2>&1
	dmesg_mark
	if hvg_load_all "" "$1" ""; then
		ktap_diag "the modules loaded despite $1"
		return 1
	fi
	shift
	for _l in "$@"; do
		dmesg_has "$_l" && continue
		ktap_diag "the log lacks '$_l':"
		dmesg_since | grep -E "$HVG_MOD_VMBUS|hvsim" | sed 's/^/# /'
		return 1
	done
	[ ! -d /sys/module/hvsim ] || { ktap_diag "hvsim stayed loaded"; return 1; }
}

# stale_refused: hvsim starts with the connection an earlier guest kernel
# left without UNLOAD (stale_connection=1, kexec or a crash).  The Windows
# personalities refuse every contact while it stands: the load fails, and
# hv_vmbus says that no version was accepted.
stale_refused() {
	load_fails "personality=azure stale_connection=1" \
		"hvsim: INITIATE_CONTACT while connected at 5.3 refused; UNLOAD first" \
		"$HVG_MOD_VMBUS: the host supports none of VMBus versions" \
		"$HVG_MOD_VMBUS: connecting through hvsim failed"
}

# stale_reset: OpenVMM takes the new contact as an UNLOAD and then the
# contact (channels.rs initiate_contact(), ConnectionAction::Reconnect): the
# guest connects at 5.3 and its channels work.
stale_reset() {
	hvg_unload >/dev/null 2>&1
	dmesg_mark
	hvg_load_all "" "personality=openvmm stale_connection=1" "" &&
		echo_wait_bound 1 ||
		{ ktap_diag "loading against a stale OpenVMM connection failed"; return 1; }
	dmesg_has "hvsim: INITIATE_CONTACT while connected at 5.3 without UNLOAD: connection reset first" ||
		{ ktap_diag "hvsim did not reset the stale connection"; return 1; }
	negotiated 5.3 && echo_traffic "$(echo_dev)" 200 1 4000 mixed
}

ktap_plan $(($(echo "$VERSIONS" | wc -w) * 2 + 8 + $(echo "$PERSONALITIES" | wc -w) * 3))
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

for pv in $PERSONALITIES; do
	p=${pv%%:*}
	v=${pv#*:}
	dmesg_mark
	if hvg_reload "" "personality=$p" "" && echo_wait_bound 1; then
		ktap_check "personality $p: version $v negotiated" negotiated "$v"
		ktap_check "personality $p: 5.x contact refused on connection 4, no error" \
			refused_conn4
		ktap_check "personality $p: 200 packets echoed" \
			echo_traffic "$(echo_dev)" 200 1 4000 mixed
	else
		ktap_diag "loading against personality=$p failed"
		dmesg_since | grep -E "$HVG_MOD_VMBUS|hvsim" | sed 's/^/# /'
		ktap_fail "personality $p: version $v negotiated"
		ktap_fail "personality $p: 5.x contact refused on connection 4, no error"
		ktap_fail "personality $p: 200 packets echoed"
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
ktap_check "VERSION_RESPONSE supported with a failed connection state: load fails cleanly, UNLOAD sent" \
	version_fault fault_version_failed=1 \
	"$HVG_MOD_VMBUS: host accepted version 5.3 but failed the connection: state 2"
ktap_check "VERSION_RESPONSE with message connection id 0: load fails cleanly, UNLOAD sent" \
	version_fault fault_version_conn0=1 \
	"$HVG_MOD_VMBUS: host named message connection 0 for version 5.3" reload
# These name their personality (or need none): once, in the default run.
if [ -z "${HVG_PERSONALITY:-}" ]; then
	ktap_check "no VERSION_RESPONSE: load fails after 10 s, UNLOAD sent" \
		version_fault fault_version_silent=1 \
		"$HVG_MOD_VMBUS: no reply from the host to INITIATE_CONTACT within 10 s"
	ktap_check "stale connection, Windows host: every contact refused, load fails cleanly" \
		stale_refused
	ktap_check "stale connection, OpenVMM host: reset at the new contact, version 5.3, 200 packets echoed" \
		stale_reset
else
	for _c in "no VERSION_RESPONSE" "stale connection, Windows host" "stale connection, OpenVMM host"; do
		ktap_skip "$_c: run without a personality only"
	done
fi
hvg_unload
ktap_check "modules unload" hvg_all_unloaded
ktap_done
