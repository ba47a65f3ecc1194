# SPDX-License-Identifier: GPL-2.0-only
#
# hvguest - out-of-tree build and test entry points (the modules themselves
# are described by Kbuild).
#
#   make [modules]      build against KDIR (default: the running kernel's
#                       build tree if present, else Debian's 6.1, fetched
#                       into .cache by tools/testing/vm/kernel.sh)
#   make clean          (clean-modules: only the kernel modules)
#   make check          the whole suite (tools/testing/check.sh)
#   make run [CMD=...]  boot a test VM with the suite installed, hvsim loaded
#                       and one simulated device of every class (its drivers
#                       load by modalias); a shell, or run CMD and power off
#   make bench          tools/testing/bench/run.sh
#   make soak           the host fuzzer's scenario VM after VM (tools/testing/
#                       soak.sh; SOAK_MESSAGES=N or SOAK_SECONDS=S, SOAK_SEED)
#   make install        build the drivers only (no hvsim, no test modules)
#                       and install them into /lib/modules/<ver>/updates
#   make dkms-install   the same through DKMS (sources in /usr/src/hvguest-<v>,
#                       rebuilt on kernel updates); make dkms-remove undoes it
#
# Variables: KDIR, HVG_KERNEL (6.1, 5.10, 6.12: kernel to fetch and boot),
# HVSIM_PARAMS (hvsim module parameters for `make run`), CMD, W, C; `make
# check` also reads HVG_PERSONALITIES, HVG_PERSONALITY_TESTS, HVG_MATRIX and
# HVG_MEMDEBUG from the environment or the command line (see check.sh).

HVG_KERNEL	?= 6.1
HVSIM_PARAMS	?=
HOST_KDIR	:= /lib/modules/$(shell uname -r)/build
VM		:= tools/testing/vm/vm.sh

ifeq ($(origin KDIR),undefined)
ifneq ($(wildcard $(HOST_KDIR)/Makefile),)
KDIR		:= $(HOST_KDIR)
VM_KERNEL	:= host
else
# Resolved (and fetched) only when a target needs it, and only once.
KDIR		= $(eval KDIR := $(shell tools/testing/vm/kernel.sh $(HVG_KERNEL) | \
			sed -n 's/^KDIR=//p'))$(KDIR)
endif
endif
VM_KERNEL	?= $(HVG_KERNEL)

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree (KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) -j2 modules

# Not `make -C $(KDIR) M=$(CURDIR) clean`: that deletes every *.ko below
# this directory, the unpacked kernels in .cache included.  Clean each
# module directory named in Kbuild instead, then the top-level leftovers.
KBUILD_DIRS	:= $(patsubst %/,%,$(shell sed -n 's/^obj-m *+= *//p' Kbuild))

clean: clean-modules
	@for d in tools/testing/unit tools/testing/fuzz; do \
		if [ -f $$d/Makefile ]; then $(MAKE) -C $$d clean; fi; done

clean-modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree (KDIR)" >&2; exit 1; }
	@for d in $(KBUILD_DIRS); do \
		$(MAKE) -s -C $(KDIR) M=$(CURDIR)/$$d clean || exit 1; done
	rm -f Module.symvers modules.order .Module.symvers.cmd .modules.order.cmd

check:
	HVG_KERNEL=$(HVG_KERNEL) tools/testing/check.sh

# The guest runs: install the modules, offer the devices (hvg_demo in
# tools/testing/vm/lib.sh), then CMD (from the environment, so that it needs
# no quoting here) or lsvmbus and an interactive shell.
run: modules
	HVG_RUN_CMD='$(subst ','\'',$(CMD))' $(VM) --kernel $(VM_KERNEL) --installed \
		$(if $(CMD),,--shell) -- \
		'. tools/testing/vm/lib.sh && hvg_demo $(HVSIM_PARAMS) && $(if $(CMD),eval "$$HVG_RUN_CMD",lsvmbus)'

bench: modules
	@if [ -x tools/testing/bench/run.sh ]; then tools/testing/bench/run.sh; \
	else echo "no tools/testing/bench/run.sh yet" >&2; exit 1; fi

soak: modules
	HVG_KERNEL=$(HVG_KERNEL) tools/testing/soak.sh

# On a real guest: the drivers only, into updates/ so that they take
# precedence over in-tree modules of the same names.
install:
	@test -n "$(KDIR)" || { echo "no kernel build tree (KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) HVGUEST_TESTS=n -j2 modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) HVGUEST_TESTS=n INSTALL_MOD_DIR=updates modules_install

# DKMS: the driver sources go to /usr/src/hvguest-<version>; dkms builds and
# installs them for the running kernel (DKMS_FLAGS, e.g. "-k <kver>", for
# another) and, with AUTOINSTALL, for every kernel installed later.
DKMS		?= dkms
DKMS_VERSION	:= $(shell packaging/dkms-source.sh --version)
DKMS_MOD	:= hvguest/$(DKMS_VERSION)
DKMS_SRC	?= /usr/src/hvguest-$(DKMS_VERSION)

dkms-install:
	-$(DKMS) remove $(DKMS_MOD) --all >/dev/null 2>&1
	rm -rf $(DKMS_SRC)
	packaging/dkms-source.sh $(DKMS_SRC)
	$(DKMS) add $(DKMS_MOD)
	$(DKMS) build $(DKMS_MOD) $(DKMS_FLAGS)
	$(DKMS) install $(DKMS_MOD) $(DKMS_FLAGS)

dkms-remove:
	$(DKMS) remove $(DKMS_MOD) --all
	rm -rf $(DKMS_SRC)

.PHONY: all modules clean clean-modules check run bench soak install
.PHONY: dkms-install dkms-remove
