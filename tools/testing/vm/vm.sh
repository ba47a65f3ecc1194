#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# vm.sh - run a command (or a shell) in a throw-away QEMU/TCG guest.
#
#   vm.sh [--kernel SERIES|host] [--installed] [--memdebug] [--timeout S] [--log FILE]
#         [--verbose] -- CMD...
#   vm.sh [--kernel SERIES|host] [--installed] [--memdebug] --shell [-- CMD...]
#   vm.sh --root DIR [--kernel KVER] [...] -- CMD...
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
# Before CMD, init.sh starts Debian's systemd-udevd and coldplugs (udevadm
# trigger, settle) as systemd does on a guest: modalias autoloading (not of
# QEMU's PC hardware drivers, nor, without --installed, of the kernel's own
# Hyper-V drivers), the rules of /lib/udev/rules.d and /etc/udev/rules.d,
# services named by SYSTEMD_WANTS (hyperv-daemons) started by a stand-in.
# The console shows "hvg-init: udev up in S s".
# With --installed, the guest's /lib/modules/<release> has the built modules
# in updates/hvguest and a depmod over them (install-tree.sh), so modprobe
# and modalias autoloading find them as on an installed guest.
# With --root DIR, the guest's root is DIR instead of the host's / (a
# Debian root made by mmdebstrap, say; shared read-only under a tmpfs
# overlay all the same) and it boots DIR's own kernel: --kernel names a
# release installed in DIR (its /boot/vmlinuz-KVER, or the
# lib/modules/KVER/vmlinuz of Debian's 7.x), default the newest one there.
# Nothing of the host is in such a guest: what CMD needs must be in DIR.
# Its module tree is DIR's, as installed there (no blacklist of the Hyper-V
# drivers, as with --installed; tools/testing/pkg/trixie-install.sh).
# With --memdebug (run-tests.sh passes it), the kernel boots with the
# memory-error detectors its config offers (see memdebug_options below):
# slab red zones, poisoning and consistency checks, page poisoning, KFENCE;
# list debugging is built into every Debian kernel.  Not the default:
# benchmarks use vm.sh too, and these options cost time.
#
# Environment: HVG_KERNEL (default series, 6.1), HVG_TIMEOUT (default 600 s),
# HVG_APPEND (extra kernel command line), HVG_MEM (QEMU -m, default 1G),
# HVG_CPU (QEMU -cpu model, default max without ERMS and FSRM, see below),
# HVG_CACHE (cache dir).
#
# Exit status: CMD's status; 123 if CMD succeeded but the kernel log shows a
# splat (Oops, BUG, WARNING, hung task, a SLUB, page poison, KFENCE, list
# corruption, refcount_t or UBSAN report, ...; see splats below; reported on
# stderr as "HVG-SPLAT: ..."), 124 on timeout, 125 if the guest died without
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
memdebug=0
root=
kernel_set=0

usage() {
	sed -n '4,8s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel)	series=$2; kernel_set=1; shift 2 ;;
	--timeout)	timeout=$2; shift 2 ;;
	--log)		log=$2; shift 2 ;;
	--shell)	mode=shell; shift ;;
	--installed)	installed=1; shift ;;
	--root)		root=$(cd "$2" && pwd); shift 2 ;;
	--memdebug)	memdebug=1; shift ;;
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
if [ -n "$root" ]; then
	[ "$installed" = 0 ] || { echo "vm.sh: --root and --installed exclude each other" >&2; exit 2; }
	# A root's own kernel: the named release, else the newest one there.
	[ "$kernel_set" = 1 ] ||
		series=$(ls "$root/lib/modules" 2>/dev/null | sort -V | tail -n1)
	KVER=$series
	MODDIR=$root/lib/modules/$KVER
	VMLINUZ=$root/boot/vmlinuz-$KVER
	[ -e "$VMLINUZ" ] || VMLINUZ=$MODDIR/vmlinuz
	installed=1
elif [ "$series" = host ]; then
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
[ "$installed" = 0 ] || [ -n "$root" ] || MODDIR=$("$here/install-tree.sh" "$KVER" "$MODDIR") ||
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
	# A root of its own has its modules where they belong.
	[ -n "$root" ] || echo "HVG_MODDIR=$(sq "$MODDIR")"
	echo "HVG_REPO=$(sq "$repo")"
	echo "HVG_CWD=$(sq "$cwd")"
	echo "HVG_INSTALLED=$installed"
} >"$initrd/hvg/env"

{
	echo "export HOME=/root TERM=$(sq "${TERM:-vt100}") HVG_IN_VM=1"
	# udevadm: the root is the VM's, though init lives outside it (init.sh)
	echo "export SYSTEMD_IGNORE_CHROOT=1"
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

# --- memory-error detection ------------------------------------------------
# memdebug_options CONFIG: the kernel command line words that turn on the
# memory-error detectors the kernel built from CONFIG has (Debian's 5.10,
# 6.1 and 6.12 configs as of this writing):
#  - slub_debug=FZP (CONFIG_SLUB_DEBUG=y in all three; SLUB_DEBUG_ON is
#    not): F consistency checks on every alloc and free, Z red zones around
#    each object (overruns reported as "Redzone overwritten" at free), P
#    poisoning of free objects (writes after free reported as "Poison
#    overwritten" when the object is handed out again or the cache is
#    validated; init.sh validates every cache after the command).  No
#    cache merging then.  Not U (the alloc/free call sites in each report):
#    it finds nothing the others miss, and it was the costliest of them
#    (below); HVG_APPEND=slub_debug=FZPU adds it back when a report needs
#    its call sites.
#  - page_poison=1 (CONFIG_PAGE_POISONING=y in all three): freed pages are
#    filled with 0xaa and checked when allocated again ("pagealloc: memory
#    corruption").  It takes precedence over init_on_alloc/init_on_free
#    (the kernel turns both off with it: mm/page_alloc.c), and slub_debug=P
#    makes slab objects skip init_on_free anyway, so init_on_free=1 is only
#    passed when a kernel lacks page poisoning
#    (CONFIG_INIT_ON_FREE_DEFAULT_ON is off in all three).
#  - kfence.sample_interval=10 (CONFIG_KFENCE=y only in 6.12, where
#    CONFIG_KFENCE_SAMPLE_INTERVAL=0 leaves it off; 6.1's config lacks it and
#    5.10 predates it): one slab allocation every 10 ms is placed on a guard
#    page, an access out of it or after its free is reported at once
#    ("BUG: KFENCE: ...").
# CONFIG_DEBUG_LIST and CONFIG_BUG_ON_DATA_CORRUPTION are built in (list
# corruption is a BUG) in all three.  Missing from all three, and not to be
# had without building our own kernel: KASAN, UBSAN, DEBUG_PAGEALLOC,
# DEBUG_OBJECTS, DEBUG_VM, DEBUG_KMEMLEAK, PROVE_LOCKING/lockdep,
# DEBUG_ATOMIC_SLEEP, DEBUG_SG.
# Cost, measured as QEMU's CPU time (user+sys) on 6.1: a boot to an empty
# command 4.5 s -> 10 s (slub_debug's U, the call-site stacks, about 3 s of
# that; page_poison 1.5 s, mostly the host backing all of the guest's
# memory at once as the kernel poisons it; F, Z and P together under 1 s);
# 73-netvsc-traffic 46 -> 57 s, 80-storvsc 47 -> 60 s, 40-echo 119 -> 128
# s.  U was dropped when the CI run neared its 90 minutes; the others stay.
memdebug_options() {
	local config=$1
	has() { grep -q "^CONFIG_$1=y" "$config"; }
	if [ ! -r "$config" ]; then
		echo "vm.sh: no $config, booting without memory debugging" >&2
		return 0
	fi
	! has SLUB_DEBUG || printf ' slub_debug=FZP'
	if has PAGE_POISONING; then
		printf ' page_poison=1'
	else
		printf ' init_on_free=1'
	fi
	! has KFENCE || printf ' kfence.sample_interval=10'
}

# --- boot -----------------------------------------------------------------
# loglevel=5: warnings and worse reach the console log as they happen; the
# whole log is dumped at the end anyway.  No panic on oops or warning: the
# host side fails the run, and the command still gets to report.
append="console=ttyS0,115200 loglevel=5 panic=-1 mitigations=off"
append+=" nmi_watchdog=0 softlockup_all_cpu_backtrace=1"
append+=" sysctl.kernel.hung_task_timeout_secs=30 i8042.noaux"
# no_timer_check: on a busy host the emulated CPU can miss the few timer
# ticks the kernel's IO-APIC timer check waits for, and the kernel then
# panics at boot ("IO-APIC + timer doesn't work!"), seen with a load of 20
# on 2 cores.  The timer works; the check only measures the host's load.
append+=" no_timer_check"
# initcall_blacklist=jent_mod_init: the jitter entropy source's start-up
# self-test hashes with SHA-3 for tens of seconds under TCG
# on a busy host, and Debian 13's 6.12 then reported a soft lockup in
# jent_entropy_init() at boot, before any module of ours.  Nothing in the
# tests needs that entropy source (the DRBG does without it outside FIPS
# mode).
append+=" initcall_blacklist=jent_mod_init"
[ "$memdebug" = 0 ] || append+=$(memdebug_options "${VMLINUZ%/*}/config-$KVER")
append+=" ${HVG_APPEND:-}"
# The CPU: QEMU's TCG executes `rep movsb` one byte per step, so with ERMS
# (and FSRM) the kernel's memcpy() and copy_to_user() run at about a tenth
# of the speed of the `rep movsq` the kernel uses without them: every copy
# in a guest, the baseline's (veth, brd) and hvsim's alike, would measure
# the emulator rather than the code.  HVG_CPU overrides the model.
# -nodefaults: no CD-ROM, floppy or parallel port (which a Hyper-V guest
# does not have either): udev would load their drivers at every boot, and
# probing them under TCG takes seconds.
# shellcheck disable=SC2054 # -virtfs takes a comma-separated list
qemu=(qemu-system-x86_64 -accel tcg -cpu ${HVG_CPU:-max,erms=off,fsrm=off} -m ${HVG_MEM:-1G} -smp 2 -no-reboot
	-nodefaults
	-kernel "$boot_image" -initrd "$tmp/initrd.cpio"
	-append "$append"
	-virtfs local,path="${root:-/}",mount_tag=root,security_model=none,readonly=on,multidevs=remap
	-nic none)

if [ "$mode" = shell ]; then
	"${qemu[@]}" -nographic -vga none -serial mon:stdio
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

# Kernel messages that fail a run.  Besides oopses and warnings: SLUB's
# reports ("BUG <cache> (<taint>): <what>" and its "FIX <cache>: ..."
# repairs: red zone, poison, padding, free pointer, double free, objects
# left in a destroyed cache), page poisoning's, KFENCE's ("BUG: KFENCE:"),
# list debugging's (also a "kernel BUG at lib/list_debug.c"), refcount_t's
# saturation warnings, UBSAN and KASAN (should a kernel have them).
splats='Oops|BUG:|kernel BUG at|WARNING:|lockdep|possible recursive locking|INFO: task .* blocked for more than|general protection fault|KASAN|UBSAN|Call Trace|detected stall|Kernel panic'
splats+='|(^|\] )BUG [^ ]+ \(|(^|\] )FIX [^ ]+: |Redzone|Poison overwritten|Object padding|Freepointer corrupt|Object already free'
splats+='|pagealloc: (memory corruption|single bit error)|list_(add|del) corruption|refcount_t: '
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
