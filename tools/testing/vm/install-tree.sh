#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# install-tree.sh KVER MODDIR - a copy of a kernel's module tree with the
# suite installed into updates/hvguest, as `make install` or DKMS leave it on
# a guest, and depmod run; prints the new tree's path.
#
# The kernel's own modules are hard links (cheap); depmod runs here, natively:
# in the VM under TCG it would take minutes over 9p.  vm.sh --installed boots
# with this tree as /lib/modules/KVER.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${HVG_CACHE:-$repo/.cache}
kver=$1 moddir=$2
root=$cache/installed/$kver
tree=$root/lib/modules/$kver

rm -rf "$root"
mkdir -p "$tree/updates/hvguest"
cp -al "$moddir/kernel" "$tree/kernel" 2>/dev/null || cp -as "$moddir/kernel" "$tree/kernel"
cp "$moddir"/modules.order "$moddir"/modules.builtin* "$tree/"
find "$repo/drivers" "$repo/tools" -name '*.ko' -exec cp {} "$tree/updates/hvguest/" \;
[ -n "$(ls "$tree/updates/hvguest")" ] || { echo "install-tree.sh: no modules built" >&2; exit 1; }
depmod -b "$root" "$kver"
echo "$tree"
