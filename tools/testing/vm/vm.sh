#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm.sh - run a command (or a shell) in a throw-away QEMU/TCG guest.
#
#   vm.sh [--kernel SERIES|host] [--installed] [--timeout S] [--log FILE] [--verbose] -- CMD...
#   vm.sh [--kernel SERIES|host] [--installed] --shell [-- CMD...]
#
# The guest boots a Debian kernel (see kernel.sh; "host" boots the running
# kernel from /boot and /lib/modules) with the host's / shared read-only over
# 9p under a tmpfs overlay, like virtme.  Paths are the same as on the host,
# so the repository and its freshly built .ko files are where they are here.
# CMD (words joined by spaces, run by sh -c as root, in the current directory,
# with <repo>/tools on PATH and HVG_REPO set; HVG_* variables of the caller
# are passed on) writes to ttyS1, which is streamed to stdout; the kernel
# console (ttyS0) goes to the log.  With --shell, CMD runs first and then an
# interactive bash is started on the console; leaving it powers the VM off.
# With --installed, the guest's /lib/modules/<release> has the built modules
# in updates/hvguest and a depmod over them (install-tree.sh), so modprobe
# and modalias autoloading find them as on an installed guest.
#
# Environment: HVG_KERNEL (default series, 6.1), HVG_TIMEOUT (default 600 s),
# HVG_APPEND (extra kernel command line), HVG_CPU (QEMU -cpu model, default
# max without ERMS and FSRM, see below), HVG_CACHE (cache dir).
#
# Exit status: CMD's status; 123 if CMD succeeded but the kernel log shows a
# splat (Oops, BUG, WARNING, hung task, ...; reported on stderr as
# "HVG-SPLAT: ..."), 124 on timeout, 125 if the guest died without
# reporting a status, 2 on usage errors.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}

series=${HVG_KERNEL:-6.1}
timeout=${HVG_TIMEOUT:-600}
log=
mode='batch'
verbose=0
installed=0

usage() {
	sed -n '4,7s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel)	series=$2; shift 2 ;;
	--timeout)	timeout=$2; shift 2 ;;
	--log)		log=$2; shift 2 ;;
	--shell)	mode=shell; shift ;;
	--installed)	installed=1; shift ;;
	--verbose|-v)	verbose=1; shift ;;
	--)		shift; break ;;
	-h|--help)	usage ;;
	*)		echo "vm.sh: unknown option $1" >&2; usage ;;
	esac
done
cmd="$*"
[ "$mode" = shell ] || [ -n "$cmd" ] || usage
[ -n "$log" ] || log=$cache/vm/last.log
mkdir -p "$(dirname "$log")"

# --- kernel ---------------------------------------------------------------
if [ "$series" = host ]; then
	KVER=$(uname -r)
	VMLINUZ=/boot/vmlinuz-$KVER
	MODDIR=/lib/modules/$KVER
else
	while IFS='=' read -r k v; do
		case $k in KVER|VMLINUZ|MODDIR) printf -v "$k" '%s' "$v" ;; esac
	done < <("$here/kernel.sh" "$series")
fi
[ -r "${VMLINUZ:-}" ] && [ -f "${MODDIR:-}/modules.dep" ] ||
	{ echo "vm.sh: no usable kernel for '$series'" >&2; exit 2; }
[ "$installed" = 0 ] || MODDIR=$("$here/install-tree.sh" "$KVER" "$MODDIR") ||
	{ echo "vm.sh: cannot install the modules for $KVER" >&2; exit 2; }

# Booting the uncompressed ELF vmlinux through its PVH entry point saves the
# ~4 s that decompressing the bzImage takes under TCG.  Unpack it once per
# kernel into the cache; fall back to the bzImage when that does not work.
extract_vmlinux() {
	local f=$1 out=$2 ss off len magic dec
	u32() { od -An -tu4 -j "$1" -N4 "$f" | tr -d ' '; }
	ss=$(od -An -tu1 -j $((0x1f1)) -N1 "$f" | tr -d ' ')
	[ "$ss" != 0 ] || ss=4
	# setup header: payload_offset (0x248), payload_length (0x24c)
	off=$(( (ss + 1) * 512 + $(u32 $((0x248))) ))
	len=$(u32 $((0x24c)))
	magic=$(od -An -tx1 -j "$off" -N4 "$f" | tr -d ' ')
	case $magic in
	fd377a58)	dec=(xz -dcq --single-stream) ;;
	28b52ffd)	dec=(zstd -dcq) ;;
	1f8b*)		dec=(gzip -dcq) ;;
	*)		return 1 ;;
	esac
	tail -c +$((off + 1)) "$f" | head -c "$len" | "${dec[@]}" >"$out.tmp" 2>/dev/null
	# Needs an ELF with the PVH note (owner "Xen", CONFIG_PVH).
	readelf -n "$out.tmp" 2>/dev/null | grep -q '^ *Xen ' || { rm -f "$out.tmp"; return 1; }
	mv "$out.tmp" "$out"
}

boot_image=$VMLINUZ
vmlinux=$cache/vm/vmlinux-$KVER
mkdir -p "$cache/vm"
if [ "$vmlinux" -nt "$VMLINUZ" ] || extract_vmlinux "$VMLINUZ" "$vmlinux"; then
	boot_image=$vmlinux
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hvg-vm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- initramfs ------------------------------------------------------------
initrd=$tmp/initrd
mkdir -p "$initrd"/{bin,dev,proc,sys,hvg,lib/modules}
cp /bin/busybox "$initrd/bin/busybox"
cp "$here/init.sh" "$initrd/init"
chmod 755 "$initrd/init"

# Print the modules.dep paths of module $1 and its dependencies, dependencies
# first.  modules.dep lists every (transitive) dependency of a module, the
# ones to load first at the end.
mod_closure() {
	awk -v want="$1" -F': *' '
	{ name = $1; sub(/.*\//, "", name); sub(/\.ko(\.(xz|zst|gz))?$/, "", name)
	  gsub(/-/, "_", name) }
	name == want {
		n = split($2, d, " ")
		for (i = n; i >= 1; i--) print d[i]
		print $1; found = 1; exit
	}
	END { exit !found }' "$MODDIR/modules.dep"
}

: >"$initrd/modules.list"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	if ! paths=$(mod_closure "$m"); then
		grep -q "/$m.ko" "$MODDIR/modules.builtin" 2>/dev/null && continue
		echo "vm.sh: module $m not found for $KVER" >&2
		exit 2
	fi
	for p in $paths; do
		ko=$(basename "$p"); ko=${ko%.xz}; ko=${ko%.zst}; ko=${ko%.gz}
		[ -e "$initrd/lib/modules/$ko" ] && continue
		# busybox insmod cannot decompress.
		case $p in
		*.xz)	xz -dc "$MODDIR/$p" ;;
		*.zst)	zstd -qdc "$MODDIR/$p" ;;
		*.gz)	gzip -dc "$MODDIR/$p" ;;
		*)	cat "$MODDIR/$p" ;;
		esac >"$initrd/lib/modules/$ko"
		echo "$ko" >>"$initrd/modules.list"
	done
done

# Single-quote $1 for sh.
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

cwd=$PWD
{
	echo "HVG_MODE=$mode"
	echo "HVG_KVER=$(sq "$KVER")"
	echo "HVG_MODDIR=$(sq "$MODDIR")"
	echo "HVG_REPO=$(sq "$repo")"
	echo "HVG_CWD=$(sq "$cwd")"
} >"$initrd/hvg/env"

{
	echo "export HOME=/root TERM=$(sq "${TERM:-vt100}") HVG_IN_VM=1"
	echo "export PATH=$(sq "$repo/tools:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")"
	while IFS='=' read -r k _; do
		case $k in HVG_IN_VM|HVG_MODE) continue ;; esac
		echo "export $k=$(sq "${!k}")"
	done < <(env | grep -E '^HVG_[A-Za-z0-9_]*=' || true)
	echo "export HVG_REPO=$(sq "$repo")"
	echo "cd $(sq "$cwd") 2>/dev/null || cd \"\$HVG_REPO\""
	if [ "$mode" = shell ]; then
		if size=$(stty size 2>/dev/null); then
			echo "stty rows ${size% *} cols ${size#* }"
		fi
		[ -z "$cmd" ] || echo "$cmd"
		echo "exec /bin/bash --rcfile /run/hvg/bashrc -i"
	else
		echo "exec /bin/sh -c $(sq "$cmd")"
	fi
} >"$initrd/hvg/cmd"
cat >"$initrd/hvg/bashrc" <<'EOF'
PS1='hvg-vm:\w\$ '
echo "hvguest test VM, kernel $(uname -r); 'exit' powers it off."
EOF

(cd "$initrd" && find . | cpio -o -H newc -R 0:0 --quiet) >"$tmp/initrd.cpio"

# --- boot -----------------------------------------------------------------
# loglevel=5: warnings and worse reach the console log as they happen; the
# whole log is dumped at the end anyway.  No panic on oops or warning: the
# host side fails the run, and the command still gets to report.
append="console=ttyS0,115200 loglevel=5 panic=-1 mitigations=off"
append+=" nmi_watchdog=0 softlockup_all_cpu_backtrace=1"
append+=" sysctl.kernel.hung_task_timeout_secs=30 i8042.noaux ${HVG_APPEND:-}"
# The CPU: QEMU's TCG executes `rep movsb` one byte per step, so with ERMS
# (and FSRM) the kernel's memcpy() and copy_to_user() run at about a tenth
# of the speed of the `rep movsq` the kernel uses without them: every copy
# in a guest, the baseline's (veth, brd) and hvsim's alike, would measure
# the emulator rather than the code.  HVG_CPU overrides the model.
# shellcheck disable=SC2054 # -virtfs takes a comma-separated list
qemu=(qemu-system-x86_64 -accel tcg -cpu ${HVG_CPU:-max,erms=off,fsrm=off} -m 1G -smp 2 -no-reboot
	-kernel "$boot_image" -initrd "$tmp/initrd.cpio"
	-append "$append"
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap
	-nic none)

if [ "$mode" = shell ]; then
	"${qemu[@]}" -nographic -vga none
	exit $?
fi

: >"$tmp/console.log"
tailpid=
if [ "$verbose" = 1 ]; then
	tail -n +1 -f "$tmp/console.log" >&2 &
	tailpid=$!
fi
start=$(date +%s.%N)
set +e
timeout -k 10 "$timeout" "${qemu[@]}" -display none -vga none -monitor none \
	-chardev file,id=kcon,path="$tmp/console.log" -serial chardev:kcon \
	-chardev stdio,id=out,signal=off -serial chardev:out \
	</dev/null | tee "$tmp/out.log"
qrc=${PIPESTATUS[0]}
set -e
end=$(date +%s.%N)
[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null || true

# --- verdict ----------------------------------------------------------------
marker() { grep -ao "$1[0-9.]*" "$tmp/console.log" | tail -n1 | cut -d= -f2 || true; }
status=$(marker 'HVG-EXIT=')
booted=$(marker 'HVG-BOOTED uptime=')

splats='Oops|BUG:|WARNING:|lockdep|possible recursive locking|INFO: task .* blocked for more than|general protection fault|KASAN|UBSAN|Call Trace|detected stall|Kernel panic'
splat_lines=$(tr -d '\r' <"$tmp/console.log" | grep -aE "$splats" |
	awk '!seen[$0]++' | head -n 20 || true)

{
	echo "=== vm.sh: kernel $KVER, command: ${cmd:-<none>}"
	echo "=== output (ttyS1)"
	cat "$tmp/out.log"
	echo "=== console (ttyS0)"
	tr -d '\r' <"$tmp/console.log"
	printf '=== qemu exit %s, status %s, booted in %ss, wall %.1fs\n' \
		"$qrc" "${status:-none}" "${booted:-?}" "$(echo "$end - $start" | bc)"
} >"$log"

rc=${status:-125}
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "vm.sh: timeout after ${timeout}s (log: $log)" >&2
	rc=124
elif [ -z "$status" ]; then
	echo "vm.sh: the VM died without reporting an exit status (log: $log)" >&2
fi
if [ -n "$splat_lines" ]; then
	while IFS= read -r l; do
		echo "HVG-SPLAT: $l" >&2
	done <<<"$splat_lines"
	echo "vm.sh: kernel splat detected (log: $log)" >&2
	[ "$rc" != 0 ] || rc=123
fi
exit "$rc"
