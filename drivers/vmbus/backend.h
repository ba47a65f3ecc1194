/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real Hyper-V backend (hyperv.c) and the two ways the Hyper-V set-up
 * beneath it is provided: by the kernel (backend_kernel.c, kernels built
 * with CONFIG_HYPERV) or by this module itself (backend_own.c).  Kept apart
 * from the VMBus wire formats so that backend_kernel.c can use the kernel's
 * asm/mshyperv.h.
 */
#ifndef _HVG_BACKEND_H
#define _HVG_BACKEND_H

#include <linux/kconfig.h>
#include <linux/types.h>
#include <hvguest/hv_backend.h>

/**
 * struct hvg_setup - the guest-wide Hyper-V set-up the backend builds on
 * @name: "kernel" or "own": shown in dmesg and /sys/bus/vmbus/backend
 * @hypercall: a hypercall with its input block at guest-physical @in_gpa
 *	(no output); returns the hypercall result value
 * @hypercall_fast8: a fast hypercall with one 8-byte input in a register
 * @vp_index: the VP index of @cpu; called on @cpu
 * @remove: undo the set-up; called after the SynIC is off on every CPU
 * @vector: the interrupt vector the VMBus SINT is programmed with
 * @auto_eoi: the SINT may use auto-EOI (the vector's handler sends no EOI)
 * @one_cpu: VMBus interrupts reach CPU 0 only: SynICs of other CPUs stay
 *	off and every channel targets CPU 0
 */
struct hvg_setup {
	const char *name;
	u64 (*hypercall)(u64 control, u64 in_gpa);
	u64 (*hypercall_fast8)(u64 control, u64 in);
	u32 (*vp_index)(unsigned int cpu);
	void (*remove)(void);
	u8 vector;
	bool auto_eoi;
	bool one_cpu;
};

/* hyperv.c */
const struct hv_backend_ops *hvg_hyperv_probe(void);
void hvg_hyperv_remove(void);

/* backend_kernel.c: only on kernels built with CONFIG_HYPERV */
#if IS_ENABLED(CONFIG_HYPERV)
bool hvg_kernel_setup_present(void);
const struct hvg_setup *hvg_setup_kernel(void);
#else
static inline bool hvg_kernel_setup_present(void)
{
	return false;
}

static inline const struct hvg_setup *hvg_setup_kernel(void)
{
	return NULL;
}
#endif

/* backend_own.c: NULL, saying why, when it cannot be done */
const struct hvg_setup *hvg_setup_own(void);

/* backend_own_page.S: the page the hypervisor overlays with its code */
extern const u8 hvg_hcall_page[];

/* hyperv_acpi.c */
void hvg_hyperv_acpi_init(void);
int hvg_hyperv_acpi_irq(u32 *gsi);
int hvg_hyperv_mmio_range(unsigned int index, phys_addr_t *start,
			  resource_size_t *size);

#endif /* _HVG_BACKEND_H */
