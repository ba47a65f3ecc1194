#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# trixie-install.sh - a real install of hvguest-dkms on Debian 13, a kernel
# update to one with VMBus built in, and the removal (issue 17).
#
# 1. A Debian 13 (trixie) root made by mmdebstrap from Debian's packages:
#    its kernel (linux-image-amd64, 6.12) and headers (which pull gcc-14),
#    dkms, udev, initramfs-tools, kmod, hyperv-daemons and what the checks
#    run (iproute2, ping, procps).  Made once under
#    $HVG_CACHE/trixie-install/root-<key> (the key is a hash of the package
#    list and sources: change either and a new root is made); every run
#    works on a fresh copy of it.  HVG_INSTALL_REFRESH=1 makes it again.
# 2. In that root, natively (chroot): `apt install ./hvguest-dkms_*.deb`
#    (built as packages.sh builds it), whose DKMS builds the drivers with
#    the root's gcc-14 for its 6.12 and puts them in updates/dkms/; the
#    initramfs trigger puts hv_vmbus and hv_storvsc into its initrd.  hvsim
#    and the echo driver are built there too (the package has neither) and
#    put into extra/.  Then a VM boots the root with its own 6.12 (vm.sh
#    --root) and runs trixie-guest.sh dkms: the drivers load from
#    updates/dkms/, the demo devices work under hvsim.
# 3. The kernel update: trixie-backports' 7.3 (linux-image and headers, the
#    .debs kernel.sh keeps under $HVG_CACHE/kernel/trixie-backports, fetched
#    there when missing) installed with `apt install -t trixie-backports`
#    (what they need from there besides is kept in $base/archives).  VMBus is built into it: DKMS
#    must refuse the build with our BUILD_EXCLUSIVE message, apt must still
#    succeed, the in-box drivers stay, and the new initrd must hold what
#    the root disk needs (hv_storvsc; hv_vmbus is built in).  A VM boots
#    the root with 7.3 (trixie-guest.sh builtin).
# 4. `apt remove hvguest-dkms`: the modules leave updates/, depmod's
#    dependency files name no module of ours, `depmod` has nothing to say.
#
# The installs run in a chroot, not in the VM: under TCG, DKMS's build, 7.3's
# depmod and the initramfs rebuilds would take many minutes (apt, dpkg's
# maintainer scripts, DKMS and update-initramfs are the root's own all the
# same; only the running kernel is the host's).  Needs root.
# Output: TAP (the guest's checks relayed as cases); exit status 1 if any
# case failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
export HVG_CACHE=$cache
base=$cache/trixie-install
mirror=http://deb.debian.org

# shellcheck source=tools/testing/pkg/tap.sh
. "$here/tap.sh"

include=linux-image-amd64,linux-headers-amd64,dkms,udev,initramfs-tools,kmod
include+=,hyperv-daemons,iproute2,iputils-ping,procps,zstd,cpio
sources=("deb $mirror/debian trixie main"
	"deb $mirror/debian-security trixie-security main"
	"deb $mirror/debian trixie-backports main")
key=$(printf '%s\n' "$include" "${sources[@]}" | sha1sum | cut -c1-10)
root=$base/root-$key
work=$base/work
mods='hv_vmbus hv_utils hv_storvsc hv_netvsc hyperv_fb hid_hyperv hyperv_keyboard hv_balloon hv_sock'
t0=$(date +%s)

# t: seconds since the start, for the diagnostics.
t() { echo "$(($(date +%s) - t0)) s"; }

res() {	# res STATUS DESCRIPTION [diagnostic]: a case by exit status
	case_ "$([ "$1" -eq 0 ] && echo OK || echo FAIL)" "${@:2}"
}

bail() {	# bail WHY: the rest cannot run
	case_ FAIL "$1" "${2:-}"
	echo "1..$n"
	exit 1
}

[ "$(id -u)" -eq 0 ] || bail "run as root (mmdebstrap, chroot)"
mkdir -p "$base"
exec 9>"$base/.lock"
flock 9	# one run at a time per cache

# inroot CMD...: CMD in the work root, by chroot in a private mount
# namespace with proc and the host's /dev; a clean environment.  apt's
# downloads (what the 7.3 packages need from trixie-backports) are kept in
# $base/archives.
mkdir -p "$base/archives/partial"
inroot() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private bash -c 'set -e; r=$1; a=$2; shift 2
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount --bind "$a" "$r/var/cache/apt/archives"
		exec chroot "$r" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive "$@"' inroot "$work" "$base/archives" "$@"
}

# in_initrd KVER MOD: MOD is in KVER's initrd or built into KVER.
in_initrd() {
	grep -q "/$2.ko" "$work/lib/modules/$1/modules.builtin" ||
		grep -q "/$2\\.ko" "$base/initrd-$1.list"
}

# ko_cat FILE: the module, decompressed.
ko_cat() {
	case $1 in
	*.xz)	xz -dc "$1" ;;
	*.zst)	zstd -qdc "$1" ;;
	*.gz)	gzip -dc "$1" ;;
	*)	cat "$1" ;;
	esac
}

# relay WHAT LOG RC: the guest's KTAP results as our cases ("#" lines
# before a result are its diagnostic); a VM that reported nothing or
# failed otherwise is one more failed case.
relay() {
	local what=$1 log=$2 rc=$3 diag='' line seen=0
	while IFS= read -r line; do
		case $line in
		"# "*)	diag+="${line#\# }"$'\n'; echo "$line" ;;
		"ok "*|"not ok "*)
			seen=$((seen + 1))
			if [ "${line%% *}" = ok ]; then
				case_ OK "$what: ${line#ok * - }"
			else
				case_ FAIL "$what: ${line#not ok * - }" "$diag"
			fi
			diag='' ;;
		esac
	done <"$log"
	if [ "$seen" -eq 0 ] || { [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$log"; }; then
		case_ FAIL "$what: the VM ran its checks (status $rc)" \
			"$(grep -a 'HVG-SPLAT\|vm.sh:' "$log.err" 2>/dev/null; tail -n 5 "$log")"
	fi
}

# --- 1. the root ------------------------------------------------------------
# --root: only make the root (check.sh fetches it in the background).
if [ "${1:-}" = --root ] && [ -f "$root/.made" ]; then
	exit 0
fi
if [ ! -f "$root/.made" ] || [ "${HVG_INSTALL_REFRESH:-0}" = 1 ]; then
	command -v mmdebstrap >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q mmdebstrap >&2
	rm -rf "$base"/root-* "$work"
	s=$(date +%s)
	mmdebstrap --variant=minbase --components=main --include="$include" \
		--aptopt='APT::Install-Recommends "false"' --skip=cleanup/apt/lists \
		--dpkgopt='path-exclude=/usr/share/{doc,man,locale}/*' \
		trixie "$root.tmp" "${sources[@]}" >"$base/mmdebstrap.log" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && mv "$root.tmp" "$root" && touch "$root/.made"
	case_ "$([ -f "$root/.made" ] && echo OK || echo FAIL)" \
		"Debian 13 root made by mmdebstrap ($(($(date +%s) - s)) s)" \
		"$(tail -n 20 "$base/mmdebstrap.log")"
	[ -f "$root/.made" ] || bail "no Debian 13 root"
else
	case_ OK "Debian 13 root (cached, $(basename "$root"))"
fi
[ "${1:-}" != --root ] || exit 0
rm -rf "$work"
cp -a --reflink=auto "$root" "$work" || bail "copy of the root"
kver=$(ls "$work/lib/modules" | sort -V | tail -n1)
echo "# root $root, kernel $kver, copied at $(t)"

ver=$("$repo/packaging/dkms-source.sh" --version)
deb=$("$here/packages.sh" --deb "$base/deb" 2>"$base/deb.err")
[ -f "$deb" ] || bail "hvguest-dkms .deb built (packages.sh --deb)" "$(cat "$base/deb.err")"
cp "$deb" "$work/root/"

# --- 2. the install on 6.12 ----------------------------------------------------
inroot sh -c "cd /root && apt-get install -y ./$(basename "$deb")" >"$base/install.log" 2>&1
rc=$?
res "$rc" \
	"apt install ./$(basename "$deb") ($(t))" "$(tail -n 20 "$base/install.log")"
st=$(inroot dkms status hvguest 2>&1)
echo "$st" | grep -q "^hvguest/$ver, $kver, x86_64: installed"
res $? "dkms status: installed for $kver" "$st"

miss='' cc=''
for m in $mods; do
	f=$(ls "$work/lib/modules/$kver/updates/dkms/$m.ko"* 2>/dev/null | head -n1)
	[ -n "$f" ] || { miss+=" $m"; continue; }
	[ -n "$cc" ] || cc=$(ko_cat "$f" >"$base/ko.tmp" &&
		readelf -p .comment "$base/ko.tmp" | grep -o 'GCC: .*' | head -n1)
done
[ -z "$miss" ]
res $? \
	"the nine drivers are in updates/dkms/ of $kver" "missing:$miss"
echo "$cc" | grep -q '(Debian 14\.'
res $? \
	"built by the root's gcc-14 ($cc)" "$cc"

inroot lsinitramfs "/boot/initrd.img-$kver" >"$base/initrd-$kver.list" 2>&1
miss=
for m in hv_vmbus hv_storvsc; do
	grep -q "updates/dkms/$m\\.ko" "$base/initrd-$kver.list" || miss+=" $m"
done
[ -z "$miss" ]
res $? \
	"$kver's initrd has our hv_vmbus and hv_storvsc (lsinitramfs)" "missing:$miss"

# hvsim and the echo driver for the demo (the package has neither), built
# in the root with our Kbuild's flags against the hv_vmbus DKMS built (its
# Module.symvers): only these two, the drivers are DKMS's.
mkdir -p "$work$repo"
rsync -a --exclude .git --exclude .cache --exclude '*.o' --exclude '*.ko' \
	--exclude '*.cmd' --exclude '*.mod*' --exclude Module.symvers \
	--exclude modules.order "$repo/" "$work$repo/"
kmake() {	# kmake DIR: build the modules of $repo/DIR in the root
	inroot make -C "/usr/src/linux-headers-$kver" M="$repo/$1" -j"${HVG_JOBS:-2}" \
		KBUILD_EXTRA_SYMBOLS="/var/lib/dkms/hvguest/$ver/$kver/x86_64/module/Module.symvers" \
		KCFLAGS="-I$repo/include -DHVGUEST_VERSION='\"$ver\"'" modules
}
{ kmake tools/hvsim && kmake tools/testing/echo; } >"$base/hvsim.log" 2>&1 &&
	mkdir -p "$work/lib/modules/$kver/extra" &&
	cp "$work$repo/tools/hvsim/hvsim.ko" "$work$repo/tools/testing/echo/vmbus_echo.ko" \
		"$work/lib/modules/$kver/extra/" &&
	inroot depmod "$kver" >>"$base/hvsim.log" 2>&1
res $? \
	"hvsim built in the root and installed into extra/ ($(t))" "$(tail -n 10 "$base/hvsim.log")"

export HVG_INSTALL_VERSION=$ver
(cd "$repo" && "$repo/tools/testing/vm/vm.sh" --root "$work" --kernel "$kver" --timeout 300 \
	--log "$base/vm-dkms.console" -- sh "$repo/tools/testing/pkg/trixie-guest.sh" dkms) \
	>"$base/vm-dkms.log" 2>"$base/vm-dkms.log.err"
relay "VM $kver" "$base/vm-dkms.log" $?
echo "# VM done at $(t)"

# --- 3. the kernel update to 7.3 (VMBus built in) -----------------------------
kdebs=$cache/kernel/trixie-backports/debs
ls "$kdebs"/linux-image-*.deb >/dev/null 2>&1 ||
	"$repo/tools/testing/vm/kernel.sh" trixie-backports >"$base/kernel.log" 2>&1
mkdir -p "$work/root/k"
cp "$kdebs"/*.deb "$work/root/k/" 2>/dev/null
kver2=$(ls "$work/root/k" | sed -n 's/^linux-image-\([0-9].*-amd64\)_.*/\1/p')
[ -n "$kver2" ] || bail "trixie-backports kernel packages" "$(tail -n 5 "$base/kernel.log" 2>/dev/null)"
# As a user installs a backports kernel: -t trixie-backports, which also
# brings that release's linux-base the 7.x packages need.  An index too old
# for the mirror is refreshed once.
update() { inroot sh -c 'cd /root/k && apt-get install -y -t trixie-backports ./*.deb'; }
: >"$base/update.log"
ls "$work"/var/lib/apt/lists/*trixie-backports*Packages* >/dev/null 2>&1 ||
	inroot apt-get update >>"$base/update.log" 2>&1
update >>"$base/update.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q '^E: Failed to fetch' "$base/update.log"; then
	inroot apt-get update >"$base/update.log" 2>&1
	update >>"$base/update.log" 2>&1
	rc=$?
fi
res "$rc" \
	"apt install of $kver2 (image, headers) succeeds ($(t))" "$(tail -n 20 "$base/update.log")"
grep -q "hvguest: not built for $kver2: its VMBus is built in (CONFIG_HYPERV_VMBUS=y)" "$base/update.log"
res $? \
	"DKMS refuses $kver2 with our BUILD_EXCLUSIVE message" "$(grep -i -A3 'dkms\|hvguest' "$base/update.log" | head -n 20)"
ls "$work/lib/modules/$kver2/updates/dkms/"*.ko* >/dev/null 2>&1
nothing=$?
inbox=$(find "$work/lib/modules/$kver2/kernel" -name 'hv_storvsc.ko*' -o -name 'hv_netvsc.ko*' | wc -l)
[ "$nothing" -ne 0 ] && [ "$inbox" -eq 2 ]
res $? \
	"$kver2: nothing in updates/dkms/, the in-box drivers stay" \
	"$(ls "$work/lib/modules/$kver2/updates/dkms" 2>&1); in-box hv_storvsc/hv_netvsc: $inbox"
inroot lsinitramfs "/boot/initrd.img-$kver2" >"$base/initrd-$kver2.list" 2>&1
miss=
for m in hv_vmbus hv_storvsc; do in_initrd "$kver2" "$m" || miss+=" $m"; done
[ -z "$miss" ]
res $? \
	"$kver2's initrd has (or the kernel has built in) hv_vmbus and hv_storvsc" \
	"missing:$miss ($(head -n 3 "$base/initrd-$kver2.list"))"

(cd "$repo" && "$repo/tools/testing/vm/vm.sh" --root "$work" --kernel "$kver2" --timeout 300 \
	--log "$base/vm-builtin.console" -- sh "$repo/tools/testing/pkg/trixie-guest.sh" builtin) \
	>"$base/vm-builtin.log" 2>"$base/vm-builtin.log.err"
relay "VM $kver2" "$base/vm-builtin.log" $?
echo "# VM done at $(t)"

# --- 4. the removal -----------------------------------------------------------
inroot apt-get remove -y hvguest-dkms >"$base/remove.log" 2>&1
rc=$?
res "$rc" \
	"apt remove hvguest-dkms ($(t))" "$(tail -n 20 "$base/remove.log")"
left=$(find "$work/lib/modules/$kver/updates" -name '*.ko*' 2>/dev/null)
dep=$(grep -h '^updates/' "$work/lib/modules/$kver/modules.dep" | head -n 5)
[ -z "$left" ] && [ -z "$dep" ]
res $? \
	"$kver: no module left in updates/, none in modules.dep" "$left$dep"
out=$(inroot depmod -n "$kver" 2>&1 >/dev/null)
hv=$(inroot modinfo -k "$kver" -n hv_vmbus 2>&1)
[ -z "$out" ] && case $hv in "/lib/modules/$kver/kernel/"*) true ;; *) false ;; esac
res $? \
	"depmod clean, hv_vmbus is the kernel's again ($hv)" "$out"
# Both kernels' initramfs made again without our drivers: the package's
# postrm, as the update-initramfs trigger remakes only the newest.
inroot lsinitramfs "/boot/initrd.img-$kver" >"$base/initrd-$kver.list" 2>&1
left=$(grep 'updates/dkms/' "$base/initrd-$kver.list" | head -n 5)
[ -z "$left" ] && grep -q 'kernel/drivers/hv/hv_vmbus\.ko' "$base/initrd-$kver.list"
res $? \
	"$kver's initrd has the kernel's own hv_vmbus again, none of ours" "$left"

echo "# total $(t)"
echo "1..$n"
[ "$failed" -eq 0 ]
