#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Key-value pair exchange: hv_utils relays hvsim's KVP requests through
# /dev/hvguest/kvp to tools/hv_kvp_daemon (built here into /tmp).  The host
# enumerates the guest's facts (auto pool), sets, gets, deletes and
# enumerates pairs the guest sees in its pool files (keys starting with
# '#' too; a full pool refuses new keys); requests time out
# with a clear error when no daemon runs or it does not answer; address
# injection is "not supported"; malformed host fields (every KVP fault
# knob) and malformed daemon answers are refused with clear errors.
# hvg-timeout: 420
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 39

KVPD_DIR=/tmp/hvg-kvpd
KVPD=$KVPD_DIR/hv_kvp_daemon
KVPD_LOG=/tmp/hvg-kvpd.log
POOLS=/var/lib/hvguest/kvp
DEV=/dev/hvguest/kvp
REC_BYTES=3856		# sizeof(struct hvg_kvp_record)

build() {
	make -s -C "$HVG_REPO/tools/hv_kvp_daemon" O="$KVPD_DIR" \
		>/tmp/hvg-kvpd-build.log 2>&1 || {
		while read -r _l; do ktap_diag "$_l"; done </tmp/hvg-kvpd-build.log
		return 1
	}
}
ktap_check "hv_kvp_daemon builds with -Wall -Wextra -Werror" build

if ! utils_load kvp_timeout=2; then
	ktap_fail "load hv_vmbus, hvsim and hv_utils"
	ktap_done
fi
kv=$(ic_new kvp)
KA=$HVSIM_DBG/dev$kv/answer
KG=$UTILS_DBG/kvp/state

negotiated() {
	wait_field "$HVSIM_DBG/dev$kv/state" version 4.0 &&
		[ "$(guest_field kvp version)" = 4.0 ]
}
ktap_check "KVP negotiated: framework 3.0, version 4.0" negotiated
ktap_check "$DEV is a character device" test -c "$DEV"

# kvp REQUEST...: send it and wait for its answer in $KA.
kvp() {
	_done=$(field "$KA" "done")
	echo "$*" >"$HVSIM_DBG/dev$kv/request" || return 1
	wait_more "$KA" "done" "$_done" 25 || {
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

# ---- no daemon ---------------------------------------------------------------

no_daemon() {
	kvp_is 0x80004005 get external Foo &&
		[ "$(guest_field kvp timeouts)" = 1 ] &&
		dmesg_has "kvp: no answer from hv_kvp_daemon to the host's get request within 2 s \(no daemon has /dev/hvguest/kvp open\), failed"
}
ktap_check "no daemon: the request times out, E_FAIL, the log says so" no_daemon

start_daemon() {
	"$KVPD" >>"$KVPD_LOG" 2>&1 &
	KVPD_PID=$!
	wait_field "$KG" daemon open
}
ktap_check "the daemon starts and opens $DEV" start_daemon

second() {
	! timeout 10 "$KVPD" 2>/tmp/hvg-kvpd2.log &&
		grep -q "Device or resource busy (another daemon runs)" /tmp/hvg-kvpd2.log
}
ktap_check "a second daemon is refused (EBUSY)" second

# ---- the auto pool -----------------------------------------------------------

ip link set lo up
ip addr add 192.0.2.10/24 dev lo
ip -6 addr add 2001:db8::10/64 dev lo 2>/dev/null

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
auto_is() {	# KEY VALUE
	grep -qxF "$1=$2" "$AUTO" || {
		ktap_diag "$(grep "^$1=" "$AUTO"), expected $2"
		return 1
	}
}
os_name=$(sed -n 's/^NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release)
ktap_check "OSName is the os-release NAME" auto_is OSName "$os_name"
os_version() {
	auto_is OSBuildNumber "$(uname -r)" &&
		auto_is OSMajorVersion "$(uname -r | cut -d. -f1)" &&
		auto_is OSMinorVersion "$(uname -r | cut -d. -f2)"
}
ktap_check "OSBuildNumber is the kernel release, OSMajor/MinorVersion match" os_version
machine() {
	auto_is ProcessorArchitecture "$(uname -m)" &&
		auto_has FullyQualifiedDomainName ".+" &&
		auto_has IntegrationServicesVersion "[0-9.]+"
}
ktap_check "ProcessorArchitecture and FullyQualifiedDomainName are there" machine
ktap_check "NetworkAddressIPv4 has the interface's address, not loopback" \
	auto_has NetworkAddressIPv4 "(.*;)?192\.0\.2\.10(;.*)?"
ktap_check "NetworkAddressIPv6 has the interface's address" \
	auto_has NetworkAddressIPv6 "(.*;)?2001:db8::10(;.*)?"
ktap_check "the host gets one fact by key" kvp_gets auto OSName "$os_name"
read_only() {
	kvp_is 0x80004005 set auto OSName Windows &&
		grep -q "set in the auto pool refused: it is read-only" "$KVPD_LOG"
}
ktap_check "the auto pool is read-only for the host" read_only

# ---- set, get, delete, enumerate --------------------------------------------

set_pair() {
	kvp_is 0x0 set external HostName host-1.example &&
		grep -qx "HostName=host-1.example" "$POOLS/external"
}
ktap_check "the host sets a pair: it is in the guest's external pool file" set_pair

utf8() {
	kvp_is 0x0 set external "Grüße" "a b=c" &&
		grep -qx "Grüße=a b=c" "$POOLS/external" &&
		kvp_gets external "Grüße" "a b=c"
}
ktap_check "a non-ASCII key and a value with spaces and '=' round-trip" utf8

ktap_check "getting a missing key answers S_CONT" kvp_is 0x80070103 get external Nope

guest_pool() {
	printf 'Role=web\n# comment\nbroken line\n' >>"$POOLS/guest"
	kvp_is 0x0 enumerate guest 0 && [ "$(field "$KA" key)" = Role ] &&
		[ "$(field "$KA" value)" = web ] &&
		kvp_is 0x80070103 enumerate guest 1 &&
		grep -q "guest:3: not KEY=VALUE or too long, skipped" "$KVPD_LOG"
}
ktap_check "the host enumerates a pair the guest wrote in its pool file" guest_pool

delete() {
	kvp_is 0x0 delete external HostName &&
		! grep -q "^HostName=" "$POOLS/external" &&
		kvp_is 0x80070103 delete external HostName &&
		kvp_is 0x0 enumerate external 0 && [ "$(field "$KA" key)" = "Grüße" ] &&
		kvp_is 0x80070103 enumerate external 1
}
ktap_check "delete removes the pair; deleting it again answers S_CONT" delete

# A '#' starts a comment line in a pool file: such a key is escaped.
hash_key() {
	kvp_is 0x0 set external "#tag" "x y" && kvp_gets external "#tag" "x y" &&
		grep -qx '\\#tag=x y' "$POOLS/external" &&
		kvp_is 0x0 delete external "#tag"
}
ktap_check "a key starting with '#' is saved escaped and read back" hash_key

# 1024 pairs at most: a new key is refused with E_FAIL, known ones change.
full_pool() {
	_i=0
	while [ $_i -lt 1024 ]; do
		echo "K$_i=v"
		_i=$((_i + 1))
	done >"$POOLS/auto_external"
	# The daemon reads and writes 1024 pairs per request: slow under TCG.
	echo 20 >/sys/module/hv_utils/parameters/kvp_timeout
	kvp_is 0x80004005 set auto_external New x &&
		grep -q "set refused: the auto_external pool holds 1024 pairs already" "$KVPD_LOG" &&
		kvp_is 0x0 set auto_external K5 w && kvp_gets auto_external K5 w &&
		[ "$(wc -l <"$POOLS/auto_external")" = 1024 ]
	_rc=$?
	echo 2 >/sys/module/hv_utils/parameters/kvp_timeout
	rm -f "$POOLS/auto_external"
	return $_rc
}
ktap_check "a full pool (1024 pairs) refuses a new key, changes a known one" full_pool

ip_info() {
	kvp_is 0x80070032 getip && kvp_is 0x80070032 setip &&
		dmesg_has "kvp: get-ip-info \(address injection\) is not supported" &&
		dmesg_has "kvp: set-ip-info \(address injection\) is not supported"
}
ktap_check "address injection is answered NOT_SUPPORTED" ip_info

# ---- malformed host fields -----------------------------------------------------

# refused FAULT PATTERN REQUEST...: E_FAIL, PATTERN logged, nothing relayed.
refused() {
	_f=$1 _p=$2
	shift 2
	_r=$(guest_field kvp relayed)
	echo "$_f" >"$HVSIM_DBG/dev$kv/$([ "$_f" = size ] && echo fault || echo kvp_fault)" &&
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
ktap_check "an odd key_size is refused" \
	refused oddsize "kvp: key size 5 refused" get external K
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
still() {
	kvp_gets external "Grüße" "a b=c" && [ "$(guest_field kvp bad_answers)" = 0 ]
}
ktap_check "the daemon still answers after all that" still

# ---- misbehaving daemons ---------------------------------------------------------

stop_daemon() {
	kill "$KVPD_PID" && wait "$KVPD_PID" 2>/dev/null
	wait_field "$KG" daemon closed
}

silent() {
	stop_daemon || return 1
	exec 3<>"$DEV"
	kvp_is 0x80004005 get external "Grüße"
	_rc=$?
	exec 3<&-
	[ "$_rc" = 0 ] &&
		dmesg_has "kvp: no answer from hv_kvp_daemon to the host's get request within 2 s \(the daemon did not answer\), failed"
}
ktap_check "a daemon that does not answer: timeout, E_FAIL, the log says so" silent

# The host sends one request at a time; a second while the first waits is
# refused at once, and the first still gets its own (timeout) answer.
busy() {
	exec 3<>"$DEV"
	_done=$(field "$KA" "done")
	echo "get external First" >"$HVSIM_DBG/dev$kv/request"
	wait_field "$KG" pending queued &&
		kvp_is 0x80004005 get external Second &&
		dmesg_has "kvp: request while request [0-9]+ is pending refused" &&
		wait_more "$KA" "done" $((_done + 1)) &&
		[ "$(guest_field kvp busy)" = 1 ] && [ "$(guest_field kvp pending)" = none ]
	_rc=$?
	exec 3<&-
	return "$_rc"
}
ktap_check "a request while one is pending is refused (busy); the first times out" busy

# A hand-made answer with a value that is not UTF-8, then a stale one
# (with time to make it: the timeout is raised meanwhile).
bad_answer() {
	echo 60 >/sys/module/hv_utils/parameters/kvp_timeout
	exec 3<>"$DEV"
	_done=$(field "$KA" "done")
	echo "get external Grüße" >"$HVSIM_DBG/dev$kv/request"
	dd bs="$REC_BYTES" count=1 of=/tmp/hvg-kvp-rec <&3 2>/dev/null
	printf '\377\0' | dd of=/tmp/hvg-kvp-rec bs=1 seek=784 conv=notrunc 2>/dev/null
	dd bs="$REC_BYTES" count=1 if=/tmp/hvg-kvp-rec >&3 2>/dev/null
	_rc1=$?
	dd bs="$REC_BYTES" count=1 if=/tmp/hvg-kvp-rec >&3 2>/dev/null
	_rc2=$?
	exec 3<&-
	echo 2 >/sys/module/hv_utils/parameters/kvp_timeout
	[ "$_rc1" != 0 ] && [ "$_rc2" != 0 ] &&
		wait_more "$KA" "done" "$_done" &&
		[ "$(field "$KA" status)" = 0x80004005 ] &&
		dmesg_has "kvp: daemon's value is not valid UTF-8" &&
		dmesg_has "kvp: the daemon answered request [0-9]+, which is not pending" &&
		[ "$(guest_field kvp bad_answers)" = 1 ]
}
ktap_check "a malformed daemon answer: EINVAL, E_FAIL to the host; a stale one: ESTALE" bad_answer

restart() {
	start_daemon && kvp_gets external "Grüße" "a b=c"
}
ktap_check "a restarted daemon answers from the pool files" restart

unload() {
	stop_daemon && utils_unload
}
ktap_check "unload (daemon stopped first)" unload

# An older host, alone: version 3.0 works the same.
older() {
	utils_load kvp_timeout=2 || return 1
	kv=$(ic_new kvp versions=3.0)
	KA=$HVSIM_DBG/dev$kv/answer
	wait_field "$HVSIM_DBG/dev$kv/state" version 3.0 && start_daemon &&
		kvp_gets external "Grüße" "a b=c" &&
		stop_daemon && utils_unload
}
ktap_check "a host offering only 3.0 gets 3.0 and the same answers" older
ktap_done
