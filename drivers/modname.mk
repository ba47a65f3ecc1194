# SPDX-License-Identifier: GPL-2.0-only
#
# The names of our modules, included by each driver's Kbuild.
#
# Our modules carry the names of the kernel's own Hyper-V drivers, so that
# they take their place.  A driver built into the kernel holds its name
# (/sys/module/<name>) and no module of that name loads, so where the kernel
# has it built in, ours is built under another name (hvg_*) and serves a
# simulated host only (Documentation/installation.rst).
#
# $(call hvg-modname,IN-TREE,OURS,CONFIG): IN-TREE, the in-tree driver's
# module name, or OURS if CONFIG, the value of that driver's CONFIG_
# symbol, is y.  Each name is kept in a variable named IN-TREE, which the
# driver's Kbuild builds ("obj-m += $(IN-TREE).o": tools/testing/pkg/dkms.sh
# reads the module names from there).
hvg-modname = $(if $(filter y,$(3)),$(2),$(1))

# The bus is built in with CONFIG_HYPERV_VMBUS=y (7.x) or, before that
# symbol, with CONFIG_HYPERV=y; include/hvguest/compat.h's
# HVG_KERNEL_VMBUS_BUILTIN says the same to the code.
hvg-kernel-vmbus := $(if $(CONFIG_HYPERV_VMBUS),$(CONFIG_HYPERV_VMBUS),$(CONFIG_HYPERV))

hv_vmbus := $(call hvg-modname,hv_vmbus,hvg_vmbus,$(hvg-kernel-vmbus))
hv_utils := $(call hvg-modname,hv_utils,hvg_utils,$(CONFIG_HYPERV_UTILS))
hv_storvsc := $(call hvg-modname,hv_storvsc,hvg_storvsc,$(CONFIG_HYPERV_STORAGE))
hv_netvsc := $(call hvg-modname,hv_netvsc,hvg_netvsc,$(CONFIG_HYPERV_NET))
hyperv_fb := $(call hvg-modname,hyperv_fb,hvg_fb,$(CONFIG_FB_HYPERV))
hid_hyperv := $(call hvg-modname,hid_hyperv,hvg_mouse,$(CONFIG_HID_HYPERV_MOUSE))
hyperv_keyboard := $(call hvg-modname,hyperv_keyboard,hvg_keyboard,$(CONFIG_HYPERV_KEYBOARD))
hv_balloon := $(call hvg-modname,hv_balloon,hvg_balloon,$(CONFIG_HYPERV_BALLOON))
hv_sock := $(call hvg-modname,hv_sock,hvg_sock,$(CONFIG_HYPERV_VSOCKETS))
