#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A host shutdown request powers the VM off for real: hv_utils answers,
# orderly_poweroff() runs /sbin/poweroff in init's root (the initramfs),
# and the machine goes down.  The test init has no /sbin/poweroff, so this
# script installs one that does what init does when a command ends (report
# the result and the kernel log on the console, then power off): the last
# test case is written by that /sbin/poweroff, so it only passes if the
# kernel really started it.
# hvg-timeout: 300
. "$HVG_REPO/tools/testing/vm/lib.sh"
. "$HVG_REPO/tools/testing/vm/tests/utils_lib.inc"

ktap_plan 3

if ! utils_load; then
	ktap_fail "load hv_vmbus, hvsim and hv_utils"
	ktap_done
fi
sd=$(hvsim_new shutdown)
ktap_check "shutdown IC negotiated" \
	wait_field "$HVSIM_DBG/dev$sd/state" version 3.2

mkdir -p /proc/1/root/sbin
cat >/proc/1/root/sbin/poweroff <<'EOS'
#!/bin/sh
# Let the test script report the answer first (it touches /hvg-answered).
i=0
while [ ! -e /hvg-answered ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "ok 3 - the host's shutdown request powered the VM off" >/dev/ttyS1
echo "# totals: pass:3 fail:0 xfail:0 xpass:0 skip:0 error:0" >/dev/ttyS1
{
	echo "HVG-EXIT=0"
	echo "HVG-DMESG-BEGIN"
	dmesg
	echo "HVG-DMESG-END"
} >/dev/console
sync
poweroff -f
EOS
chmod +x /proc/1/root/sbin/poweroff

echo 1 >"$HVSIM_DBG/dev$sd/shutdown"
ktap_check "the guest answered the shutdown request" \
	wait_field "$HVSIM_DBG/dev$sd/state" answers 1
: >/proc/1/root/hvg-answered
# From here on the machine should go down under this script.
sleep 120
ktap_fail "the VM is still up 120 s after the shutdown request"
ktap_done
