/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The order of the module's own Hyper-V set-up, apart from the hardware it
 * touches, so that the userspace unit tests (tools/testing/unit) can run it
 * against a recording fake: backend_own_seq.c is pure C, backend_own.c gives
 * it the real MSRs, ACPI interrupt and hypercall page.
 */
#ifndef _HVG_BACKEND_OWN_H
#define _HVG_BACKEND_OWN_H

#include <linux/types.h>

/**
 * struct hvg_own_hw - what the set-up touches
 * @rdmsr: read a synthetic MSR of this CPU
 * @wrmsr: write one
 * @irq_find: the interrupt the VMBus ACPI device names: an IRQ number, or
 *	-ENODEV when there is no such device or it names none
 * @irq_request: request @irq for the VMBus handler, bound to CPU 0, and
 *	return its vector there in @vector; -errno (-ENOSPC: no free vector)
 * @irq_free: release it again
 * @page_gfn: the guest page number of the hypercall page
 * @page_overlaid: whether the hypervisor's code now shows through the page
 * @guest_os_id: the value for the guest OS ID MSR
 */
struct hvg_own_hw {
	u64 (*rdmsr)(u32 msr);
	void (*wrmsr)(u32 msr, u64 val);
	int (*irq_find)(void);
	int (*irq_request)(int irq, u8 *vector);
	void (*irq_free)(int irq);
	u64 (*page_gfn)(void);
	bool (*page_overlaid)(void);
	u64 guest_os_id;
};

/**
 * struct hvg_own_state - what hvg_own_start() set up
 * @irq: the IRQ requested, or -1
 * @vector: its vector on CPU 0
 * @os_id: the guest OS ID was written
 * @page: the hypercall page is enabled
 * @why: after a failure, what went wrong, for the log
 */
struct hvg_own_state {
	int irq;
	u8 vector;
	bool os_id;
	bool page;
	const char *why;
};

int hvg_own_start(const struct hvg_own_hw *hw, struct hvg_own_state *st);
void hvg_own_stop(const struct hvg_own_hw *hw, struct hvg_own_state *st);

/**
 * enum hvg_setup_choice - whose Hyper-V set-up hv_vmbus uses
 * @HVG_SETUP_KERNEL: the kernel's
 * @HVG_SETUP_OWN: the module's own
 */
enum hvg_setup_choice {
	HVG_SETUP_KERNEL,
	HVG_SETUP_OWN,
};

enum hvg_setup_choice hvg_setup_choose(bool kernel_has_hyperv,
				       bool kernel_hypercall_page);

#endif /* _HVG_BACKEND_OWN_H */
