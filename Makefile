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
#   make deps           install the Debian packages the build and tests need
#                       (as root; else name the missing ones)
#   make run [CMD=...]  boot a test VM with the suite installed, hvsim loaded
#                       and one simulated device of every class (its drivers
#                       load by modalias); a shell, or run CMD and power off
#   make bench [ROUNDS=N] [RECORD=1] [ONLY="NAME..."]  tools/testing/bench/run.sh:
#                       every comparison N times by turns (default 5), medians
#                       with min-max, perf breakdowns, goals; RECORD=1 appends
#                       to Documentation/bench/*.csv (Documentation/bench.rst);
#                       ONLY: those benchmarks (ring, netvsc, netvsc-accel, ...)
#   make bench-curves [ROUNDS=N] [RECORD=1]  the scaling curves, plotted
#   make bench-ab BASE=REV [ROUNDS=N]  the echo channel with REV's hv_vmbus
#                       and hvsim against this tree's, by turns in one VM:
#                       what a change costs (tools/testing/bench/ab.sh)
#   make soak           the host fuzzer's scenario VM after VM (tools/testing/
#                       soak.sh; SOAK_MESSAGES=N or SOAK_SECONDS=S, SOAK_SEED)
#   make hvsock-scale   88-hvsock at the issue's scale: its scale check with
#                       100 connections echoing 512 MiB in all, 1 GiB through
#                       hv_sock (CI runs 20 and 64 MiB), with the memory-error
#                       detectors, up to an hour
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

# The packages the build and the VM need (tools/testing/vm/deps.sh): as
# root it installs what is missing, otherwise it names what is missing and
# fails.  `make check` runs it as its first step.
deps:
	tools/testing/vm/deps.sh

# The guest runs: install the modules, offer the devices (hvg_demo in
# tools/testing/vm/lib.sh), then CMD (from the environment, so that it needs
# no quoting here) or lsvmbus and an interactive shell.  CMD is taken as
# written ($(value ...)): make would otherwise expand every $ in it.
RUN_CMD		:= $(value CMD)

run: deps
	$(MAKE) modules
	HVG_RUN_CMD='$(subst ','\'',$(RUN_CMD))' $(VM) --kernel $(VM_KERNEL) --installed \
		$(if $(RUN_CMD),,--shell) -- \
		'. tools/testing/vm/lib.sh && hvg_demo $(HVSIM_PARAMS) && $(if $(RUN_CMD),eval "$$HVG_RUN_CMD",lsvmbus)'

BENCH_ENV = $(if $(ROUNDS),HVG_BENCH_ROUNDS=$(ROUNDS)) $(if $(RECORD),HVG_BENCH_RECORD=$(RECORD)) \
	$(if $(ONLY),HVG_BENCH_ONLY='$(ONLY)')

bench: modules
	$(BENCH_ENV) tools/testing/bench/run.sh

bench-curves: modules
	$(BENCH_ENV) tools/testing/bench/run.sh --curves

soak: modules
	HVG_KERNEL=$(HVG_KERNEL) tools/testing/soak.sh

hvsock-scale: modules
	HVG_HVSOCK_SCALE_CONNS=100 HVG_HVSOCK_SCALE_MB=512 $(VM) --kernel $(HVG_KERNEL) \
		--memdebug --timeout 3600 -- tools/testing/vm/tests/88-hvsock.sh

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

bench-ab:
	@test -n "$(BASE)" || { echo "usage: make bench-ab BASE=REV [ROUNDS=N]" >&2; exit 1; }
	KDIR=$(KDIR) tools/testing/bench/ab.sh $(BASE) $(or $(ROUNDS),5)

.PHONY: all modules clean clean-modules check deps run bench bench-curves bench-ab soak hvsock-scale install
.PHONY: dkms-install dkms-remove
