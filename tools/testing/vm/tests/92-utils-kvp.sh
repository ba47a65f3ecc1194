#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Key-value pair exchange with the distribution's daemon: Debian's
# hv_kvp_daemon (hyperv-daemons, unmodified), started as its systemd unit
# starts it, registers at /dev/vmbus/hv_kvp; hvsim's KVP host enumerates the
# guest's facts (auto pool), sets, gets, deletes and enumerates pairs that
# land in /var/lib/hyperv/.kvp_pool_N (read by kvp_pool.py, written from the
# pool format), asks for an adapter's addresses and sets them.  Requests
# fail at once with no daemon, time out when it hangs, fail at once when it
# dies; malformed host fields and daemon answers are refused with clear
# errors.
# hvg-timeout: 540
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 36

DEV=/dev/vmbus/hv_kvp
UNIT=/lib/systemd/system/hv-kvp-daemon.service
POOL="python3 $HVG_REPO/tools/testing/vm/tests/kvp_pool.py"
KVPD_LOG=/tmp/hvg-kvpd.log
MSG_BYTES=7432		# sizeof(struct hv_kvp_msg)

# The command line the unit starts the daemon with
EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT" 2>/dev/null)
unit() {
	[ -n "$EXEC" ] && [ -x "${EXEC%% *}" ] || {
		ktap_diag "no ExecStart in $UNIT: install hyperv-daemons"
		return 1
	}
}
ktap_check "hyperv-daemons is installed: $EXEC" unit

if ! utils_load kvp_timeout=2; then
	ktap_fail "load hv_vmbus, hvsim and hv_utils"
	ktap_done
fi
kv=$(hvsim_new kvp)
KA=$HVSIM_DBG/dev$kv/answer
KG=$UTILS_DBG/kvp/state

negotiated() {
	_v=4.0
	wait_field "$HVSIM_DBG/dev$kv/state" version $_v &&
		[ "$(guest_field kvp version)" = $_v ] && wait_field "$KA" pushing no
}
ktap_check "KVP negotiated" negotiated
ktap_check "$DEV is a character device" test -c "$DEV"

# kvp REQUEST...: send it and wait (KVP_WAIT seconds) for its answer in $KA.
KVP_WAIT=25
kvp() {
	_done=$(field "$KA" "done")
	echo "$*" >"$HVSIM_DBG/dev$kv/request" || return 1
	wait_more "$KA" "done" "$_done" "$KVP_WAIT" || {
		ktap_diag "no answer to '$*'"
		return 1
	}
}

# kvp_is STATUS REQUEST...: the answer has STATUS.
kvp_is() {
	_want=$1
	shift
	kvp "$@" || return 1
	[ "$(field "$KA" status)" = "$_want" ] || {
		ktap_diag "'$*': status $(field "$KA" status), expected $_want"
		return 1
	}
}

# kvp_gets POOL KEY VALUE: a get answers S_OK with VALUE.
kvp_gets() {
	kvp_is 0x0 get "$1" "$2" || return 1
	[ "$(field "$KA" value)" = "$3" ] || {
		ktap_diag "get $1 $2: '$(field "$KA" value)', expected '$3'"
		return 1
	}
}

# pool_has N KEY=VALUE: the pool file holds that pair.
pool_has() {
	$POOL "$1" >/tmp/hvg-pool 2>&1 && grep -qxF "$2" /tmp/hvg-pool || {
		ktap_diag "pool $1: $(tr '\n' ' ' </tmp/hvg-pool)"
		return 1
	}
}

# ---- the daemon udev starts ------------------------------------------------------

# As on a guest, /dev/vmbus/hv_kvp appearing makes hyperv-daemons' udev rule
# start hv-kvp-daemon.service (the VM's SYSTEMD_WANTS stand-in, vm/init.sh).
# The checks below start and stop their own, so that one is stopped.
udev_daemon() {
	wait_field "$KG" daemon registered 30 || {
		ktap_diag "$(cat /run/hvg/systemd-wants.log 2>/dev/null)"
		return 1
	}
	pkill -x hv_kvp_daemon && wait_field "$KG" daemon closed
}
ktap_check "udev started hv_kvp_daemon through hyperv-daemons' rule" udev_daemon

# ---- no daemon ---------------------------------------------------------------

no_daemon() {
	kvp_is 0x80004005 get external Foo &&
		dmesg_has "kvp: the host's get request failed: no hv_kvp_daemon registered at /dev/vmbus/hv_kvp"
}
ktap_check "no daemon: E_FAIL at once, the log says so" no_daemon

start_daemon() {
	mkdir -p /var/lib/hyperv	# the unit's StateDirectory=
	$EXEC >>"$KVPD_LOG" 2>&1 &
	KVPD_PID=$!
	wait_field "$KG" daemon registered
}
ktap_check "the daemon starts as its unit does and registers" start_daemon

second() {
	! sh -c "exec 3<>$DEV" 2>/tmp/hvg-kvp2.log &&
		grep -q "busy" /tmp/hvg-kvp2.log
}
ktap_check "a second open is refused (EBUSY)" second

# A Hyper-V host sets its items in pool 3 when it connects (hvsim: at each
# negotiation); OpenVMM sets none.
pool3() {
	echo 1 >"$HVSIM_DBG/dev$kv/negotiate" || return 1
	if [ "${HVG_PERSONALITY:-}" = openvmm ]; then
		sleep 2
		[ "$(field "$KA" pushed)" = 0 ] && ! [ -s /var/lib/hyperv/.kvp_pool_3 ]
		return
	fi
	wait_field "$KA" pushed 4 30 && wait_field "$KA" pushing no &&
		pool_has 3 "VirtualMachineName=hvsim-vm" &&
		pool_has 3 "HostName=hvsim-host" &&
		pool_has 3 "PhysicalHostNameFullyQualified=hvsim-host.hvsim.example"
}
ktap_check "the host's items (VirtualMachineName, HostName, ...) fill .kvp_pool_3" pool3

# ---- the auto pool -----------------------------------------------------------

ip link add hvgkvp0 type dummy 2>/dev/null || modprobe dummy &&
	ip link add hvgkvp0 type dummy 2>/dev/null
# IPv4 only: the daemon runs its scripts once for every address.
echo 1 >/proc/sys/net/ipv6/conf/hvgkvp0/disable_ipv6 2>/dev/null
ip link set hvgkvp0 address 00:15:5d:00:00:42 up
ip addr add 192.0.2.10/24 dev hvgkvp0

AUTO=/tmp/hvg-kvp-auto
enum_auto() {
	: >"$AUTO"
	_i=0
	while kvp enumerate auto "$_i" && [ "$(field "$KA" status)" = 0x0 ]; do
		echo "$(field "$KA" key)=$(field "$KA" value)" >>"$AUTO"
		_i=$((_i + 1))
		[ "$_i" -lt 32 ] || return 1
	done
	[ "$(field "$KA" status)" = 0x80070103 ] && [ "$_i" = 10 ] || {
		ktap_diag "$_i pairs, last status $(field "$KA" status)"
		return 1
	}
}
ktap_check "the host enumerates the auto pool: 10 pairs, then S_CONT" enum_auto

auto_has() {	# KEY VALUE-PATTERN
	grep -qE "^$1=$2\$" "$AUTO" || {
		ktap_diag "$(grep "^$1=" "$AUTO"), expected $2"
		return 1
	}
}
facts() {
	auto_has IntegrationServicesVersion "3\.1" &&
		auto_has ProcessorArchitecture "$(uname -m)" &&
		auto_has OSName ".+" && auto_has FullyQualifiedDomainName ".+"
}
ktap_check "the daemon's facts: version 3.1 from the registration, arch, OS" facts
ktap_check "NetworkAddressIPv4 has the interface's address" \
	auto_has NetworkAddressIPv4 "(.*;)?192\.0\.2\.10(;.*)?"

# ---- set, get, delete, enumerate --------------------------------------------

set_pair() {
	kvp_is 0x0 set external HostName host-1.example &&
		pool_has 0 "HostName=host-1.example"
}
ktap_check "the host sets a pair: it is in .kvp_pool_0" set_pair
ktap_check "the host gets it back (the whole value)" \
	kvp_gets external HostName host-1.example
utf8() {
	kvp_is 0x0 set external "Grüße" "a b=c" && pool_has 0 "Grüße=a b=c" &&
		kvp_gets external "Grüße" "a b=c"
}
ktap_check "a non-ASCII key and a value with spaces and '=' round-trip" utf8
ktap_check "getting a missing key answers S_CONT" kvp_is 0x80070103 get external Nope
enum() {
	kvp_is 0x0 enumerate external 1 && [ "$(field "$KA" key)" = "Grüße" ] &&
		[ "$(field "$KA" value)" = "a b=c" ] &&
		kvp_is 0x80070103 enumerate external 2
}
ktap_check "the host enumerates the external pool" enum
delete() {
	kvp_is 0x0 delete external HostName && ! $POOL 0 | grep -q "^HostName=" &&
		kvp_is 0x80070103 delete external HostName
}
ktap_check "delete removes the pair; deleting it again answers S_CONT" delete
guest_set() {
	kvp_is 0x0 set guest Role web && pool_has 1 "Role=web" &&
		kvp_is 0x0 enumerate guest 0 && [ "$(field "$KA" key)" = Role ]
}
ktap_check "the guest pool (.kvp_pool_1) works the same" guest_set

# 171 euro signs: 342 bytes of UTF-16 for the host, 513 of UTF-8 for the
# daemon's 512-byte key field: refused, not cut.
long_key() {
	_k=$(python3 -c 'print("\u20ac" * 171)')
	_r=$(guest_field kvp relayed)
	kvp_is 0x80004005 set external "$_k" v &&
		dmesg_has "kvp: key of 513 UTF-8 bytes is too long for hv_kvp_daemon \(at most 511\)" &&
		[ "$(guest_field kvp relayed)" = "$_r" ]
}
ktap_check "a key too long for the daemon's field is refused, not cut" long_key

# ---- addresses -------------------------------------------------------------------

# The daemon runs its hv_get_dns_info and hv_get_dhcp_info scripts for
# these (ip, nmcli, networkctl, ifquery...): tens of seconds under TCG.
echo 90 >/sys/module/hv_utils/parameters/kvp_timeout
KVP_WAIT=100

get_ip() {
	[ "${HVG_PERSONALITY:-}" = openvmm ] && return 0
	kvp_is 0x0 getip 00:15:5D:00:00:42 && field "$KA" value | grep -q "^192\.0\.2\.10" || {
		ktap_diag "value: $(field "$KA" value)"
		return 1
	}
}
ktap_check "GET_IP_INFO: the daemon answers the adapter's address" get_ip
set_ip() {
	[ "${HVG_PERSONALITY:-}" = openvmm ] && return 0
	kvp_is 0x80041002 setip "{12345678-1234-1234-1234-123456789abc}"
}
ktap_check "SET_IP_INFO for an unknown adapter: the daemon's GUID_NOTFOUND at the host" set_ip
echo 2 >/sys/module/hv_utils/parameters/kvp_timeout
KVP_WAIT=25

# ---- malformed host fields -----------------------------------------------------

# refused FAULT PATTERN REQUEST...: E_FAIL, PATTERN logged, nothing relayed.
refused() {
	_f=$1 _p=$2
	shift 2
	_r=$(guest_field kvp relayed)
	echo 1 >"$HVSIM_DBG/dev$kv/fault_$_f" &&
		kvp_is 0x80004005 "$@" && dmesg_has "$_p" &&
		[ "$(guest_field kvp relayed)" = "$_r" ]
}
ktap_check "key_size beyond the field is refused" \
	refused keysize "kvp: key size 514 refused" get external K
ktap_check "value_size beyond the field is refused" \
	refused valuesize "kvp: value size 4096 refused" set external K V
ktap_check "a key without a terminator is refused" \
	refused keynul "kvp: key of 512 bytes without a terminator refused" delete external K
ktap_check "a value without a terminator is refused" \
	refused valuenul "kvp: value of 2048 bytes without a terminator refused" set external K V
ktap_check "an unpaired UTF-16 surrogate is refused" \
	refused surrogate "kvp: key is not valid UTF-16 \(unpaired surrogate 0xd800 at 0\)" get external K
ktap_check "an unknown value type is refused" \
	refused valuetype "kvp: value of type 3 and 4 bytes refused" set external K V
ktap_check "an unknown operation is refused" \
	refused op "kvp: unknown operation 9 refused" get external K
ktap_check "an unknown pool is refused" \
	refused pool "kvp: set in unknown pool 7 refused" set external K V
ktap_check "a truncated message is refused" \
	refused size "kvp: set message of 4 bytes refused, need 2576" set external K V

# ---- a daemon that hangs, one that dies ------------------------------------------

hang() {
	kill -STOP "$KVPD_PID" &&
		kvp_is 0x80004005 get external "Grüße" &&
		dmesg_has "kvp: no answer from hv_kvp_daemon to the host's get request within 2 s, failed"
}
ktap_check "a hung daemon: timeout, E_FAIL, the log says so" hang

die() {
	echo 60 >/sys/module/hv_utils/parameters/kvp_timeout
	_done=$(field "$KA" "done")
	echo "get external Grüße" >"$HVSIM_DBG/dev$kv/request"
	wait_field "$KG" pending queued && kill -KILL "$KVPD_PID" &&
		wait_more "$KA" "done" "$_done" 5 &&
		[ "$(field "$KA" status)" = 0x80004005 ] &&
		dmesg_has "kvp: hv_kvp_daemon closed /dev/vmbus/hv_kvp with the host's get request unanswered, failed"
	_rc=$?
	wait "$KVPD_PID" 2>/dev/null
	echo 2 >/sys/module/hv_utils/parameters/kvp_timeout
	return $_rc
}
ktap_check "a daemon that dies: its pending request fails at once" die

restart() {
	start_daemon && kvp_gets external "Grüße" "a b=c"
}
ktap_check "a restarted daemon answers from the pool files" restart

stop_daemon() {
	kill "$KVPD_PID" && wait "$KVPD_PID" 2>/dev/null
	wait_field "$KG" daemon closed
}

# A hand-made daemon: an old registration is refused, the answer to the
# registration is the version, an answer with a status that is not an
# HRESULT error is refused (EINVAL, E_FAIL to the host), a second answer
# is stale.
FAKE=/tmp/hvg-kvp-fake.py
cat >"$FAKE" <<PY
import errno, os, struct, sys
fd = os.open("$DEV", os.O_RDWR)
def w(b):
    try:
        os.write(fd, b)
        return 0
    except OSError as e:
        return e.errno
msg = bytearray($MSG_BYTES)
msg[0] = 4
print("old", w(bytes(msg)), flush=True)
msg[0] = 100
print("register", w(bytes(msg)), flush=True)
a = os.read(fd, $MSG_BYTES)
print("answer", len(a), a[0], a[4:7].decode(), flush=True)
r = os.read(fd, $MSG_BYTES)
print("request", r[0], r[1], r[16:21].decode(), flush=True)
ans = bytearray(r)
ans[0:4] = struct.pack("<I", 1)
print("bad", w(bytes(ans)), flush=True)
print("stale", w(bytes(ans)), flush=True)
PY
fake() {
	stop_daemon || return 1
	python3 "$FAKE" >/tmp/hvg-kvp-fake.out 2>&1 &
	_pid=$!
	wait_field "$KG" daemon registered || return 1
	kvp_is 0x80004005 get external Hello
	_rc=$?
	wait "$_pid"
	while read -r _l; do ktap_diag "$_l"; done </tmp/hvg-kvp-fake.out
	[ "$_rc" = 0 ] &&
		grep -qx "old $(python3 -c 'import errno; print(errno.EINVAL)')" /tmp/hvg-kvp-fake.out &&
		grep -qx "register 0" /tmp/hvg-kvp-fake.out &&
		grep -qx "answer $MSG_BYTES 100 3.1" /tmp/hvg-kvp-fake.out &&
		grep -q "^request 0 0 Hello" /tmp/hvg-kvp-fake.out &&
		grep -qx "bad 22" /tmp/hvg-kvp-fake.out &&
		grep -qx "stale $(python3 -c 'import errno; print(errno.ESTALE)')" /tmp/hvg-kvp-fake.out &&
		dmesg_has "kvp: daemon answered with status 0x1, not an error" &&
		dmesg_has "kvp: a daemon registered with operation 4, only 100"
}
ktap_check "a hand-made daemon: registration, bad and stale answers" fake

unload() {
	wait_field "$KG" daemon closed && utils_unload
}
ktap_check "unload" unload

# An older host, alone: version 3.0 works the same.  /dev/vmbus/hv_kvp
# comes with the device, and udev starts the daemon again.
older() {
	utils_load kvp_timeout=2 || return 1
	kv=$(hvsim_new kvp versions=3.0)
	KA=$HVSIM_DBG/dev$kv/answer
	wait_field "$HVSIM_DBG/dev$kv/state" version 3.0 &&
		wait_field "$KG" daemon registered 30 &&
		kvp_gets external "Grüße" "a b=c" &&
		pkill -x hv_kvp_daemon && wait_field "$KG" daemon closed &&
		utils_unload
}
ktap_check "a host offering only 3.0 gets 3.0 and the same answers" older
ktap_done
