// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module's own Hyper-V set-up, step by step, and its undoing in the
 * reverse order (see backend_own.h).  Pure C: also built into the userspace
 * unit tests.
 *
 * Start: refuse if another set-up is active (the guest OS ID or the
 * hypercall page is already set: the kernel's, or a previous instance's);
 * find and request the VMBus interrupt; write the guest OS ID (the hypervisor
 * refuses the hypercall page while it is 0); enable the hypercall page and
 * check that the hypervisor took it (the enable bit and the page number read
 * back, its code showing through the page).
 *
 * Stop (after the SynIC is off on every CPU, so no hypercall is made and no
 * SynIC interrupt arrives any more): disable the hypercall page, clear the
 * guest OS ID, free the interrupt.
 */
#include <linux/errno.h>
#include <hvguest/hv_tlfs.h>

#include "backend_own.h"

/**
 * hvg_setup_choose() - the kernel's Hyper-V set-up or our own
 * @kernel_has_hyperv: the kernel was built with CONFIG_HYPERV
 * @kernel_hypercall_page: its start-up code set up the hypercall page
 *
 * The kernel's set-up is used whenever it exists: the kernel's own code
 * (timers, TLB flushes, IPIs) makes hypercalls through its page, so we must
 * not move it.
 *
 * Return: HVG_SETUP_KERNEL or HVG_SETUP_OWN.
 */
enum hvg_setup_choice hvg_setup_choose(bool kernel_has_hyperv,
				       bool kernel_hypercall_page)
{
	return kernel_has_hyperv && kernel_hypercall_page ? HVG_SETUP_KERNEL :
							    HVG_SETUP_OWN;
}

/**
 * hvg_own_start() - set Hyper-V up for VMBus from the module
 * @hw: the hardware
 * @st: filled in; on failure everything done is undone and @st->why says
 *	what failed
 *
 * Return: 0, -EBUSY (another set-up is active), -ENODEV (no VMBus ACPI
 * interrupt), -ENOSPC or another error of @hw->irq_request, -ERANGE (a
 * vector the SynIC cannot use), -EIO (the hypercall page was refused).
 */
int hvg_own_start(const struct hvg_own_hw *hw, struct hvg_own_state *st)
{
	u64 gfn, msr;
	int ret;

	st->irq = -1;
	st->vector = 0;
	st->os_id = false;
	st->page = false;
	st->why = NULL;

	if (hw->rdmsr(HVG_MSR_GUEST_OS_ID) ||
	    (hw->rdmsr(HVG_MSR_HYPERCALL) & HVG_PAGE_ENABLE)) {
		st->why = "another Hyper-V set-up is active (guest OS ID or hypercall page set)";
		return -EBUSY;
	}

	ret = hw->irq_find();
	if (ret < 0) {
		st->why = "no VMBus ACPI device with an interrupt";
		return ret;
	}
	st->irq = ret;
	ret = hw->irq_request(st->irq, &st->vector);
	if (ret) {
		st->why = "cannot request the VMBus interrupt (no free vector?)";
		st->irq = -1;
		return ret;
	}
	if (st->vector < HVG_SINT_VECTOR_MIN) {
		st->why = "the VMBus interrupt's vector is below 16";
		ret = -ERANGE;
		goto err;
	}

	hw->wrmsr(HVG_MSR_GUEST_OS_ID, hw->guest_os_id);
	st->os_id = true;

	/* Bits 11:1 are reserved (preserve) or read-only: keep them. */
	gfn = hw->page_gfn();
	msr = hw->rdmsr(HVG_MSR_HYPERCALL) & (BIT_ULL(HVG_HYPERCALL_GFN_SHIFT) - 1);
	hw->wrmsr(HVG_MSR_HYPERCALL, msr | (gfn << HVG_HYPERCALL_GFN_SHIFT) |
		  HVG_PAGE_ENABLE);
	st->page = true;
	msr = hw->rdmsr(HVG_MSR_HYPERCALL);
	if (!(msr & HVG_PAGE_ENABLE) || msr >> HVG_HYPERCALL_GFN_SHIFT != gfn) {
		st->why = "the hypervisor refused the hypercall page";
		ret = -EIO;
		goto err;
	}
	if (!hw->page_overlaid()) {
		st->why = "the hypercall page shows no hypervisor code";
		ret = -EIO;
		goto err;
	}
	return 0;

err:
	hvg_own_stop(hw, st);
	return ret;
}

/**
 * hvg_own_stop() - undo hvg_own_start(), or what of it was done
 * @hw: the hardware
 * @st: the state hvg_own_start() left
 *
 * Only call it once the SynIC is off on every CPU.
 */
void hvg_own_stop(const struct hvg_own_hw *hw, struct hvg_own_state *st)
{
	if (st->page) {
		/* Keep the page number, clear the enable bit. */
		hw->wrmsr(HVG_MSR_HYPERCALL,
			  hw->rdmsr(HVG_MSR_HYPERCALL) & ~HVG_PAGE_ENABLE);
		st->page = false;
	}
	if (st->os_id) {
		hw->wrmsr(HVG_MSR_GUEST_OS_ID, 0);
		st->os_id = false;
	}
	if (st->irq >= 0) {
		hw->irq_free(st->irq);
		st->irq = -1;
	}
}
