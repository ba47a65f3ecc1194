// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's Hyper-V set-up, on kernels built with CONFIG_HYPERV: its
 * start-up code (arch/x86/hyperv hyperv_init(), arch/x86/kernel/cpu/mshyperv.c
 * ms_hyperv_init_platform()) has written the guest OS ID, set up the
 * hypercall page (hv_hypercall_pg) and installed the handler of
 * HYPERVISOR_CALLBACK_VECTOR on every CPU, which calls the VMBus handler we
 * register.  We use all three.  When that start-up did not run or failed,
 * hv_hypercall_pg is NULL and the module does the set-up itself
 * (backend_own.c).
 *
 * Built only against kernels with CONFIG_HYPERV (drivers/vmbus/Kbuild).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <asm/hypervisor.h>
#include <asm/mshyperv.h>
#include <hvguest/compat.h>
#include <hvguest/hv_tlfs.h>

#include "backend.h"

static u64 hvg_kernel_hypercall(u64 control, u64 in_gpa)
{
	return hv_do_hypercall(control, phys_to_virt(in_gpa), NULL);
}

static u64 hvg_kernel_hypercall_fast8(u64 control, u64 in)
{
	return hv_do_fast_hypercall8(control, in);
}

static u32 hvg_kernel_vp_index(unsigned int cpu)
{
	return hv_vp_index ? hv_vp_index[cpu] : cpu;
}

static void hvg_kernel_remove(void)
{
	hvg_arch_clear_vmbus_handler();
}

static struct hvg_setup hvg_kernel = {
	.name = "kernel",
	.hypercall = hvg_kernel_hypercall,
	.hypercall_fast8 = hvg_kernel_hypercall_fast8,
	.vp_index = hvg_kernel_vp_index,
	.remove = hvg_kernel_remove,
	.vector = HYPERVISOR_CALLBACK_VECTOR,
};

/**
 * hvg_kernel_setup_present() - whether the kernel set Hyper-V up
 *
 * Return: true if the kernel has a hypercall page.
 */
bool hvg_kernel_setup_present(void)
{
	return hvg_hypercall_page_ready();
}

/**
 * hvg_setup_kernel() - use the kernel's Hyper-V set-up
 *
 * Only when hvg_kernel_setup_present().
 *
 * Return: the set-up, with the VMBus handler hooked to the kernel's callback
 * vector.
 */
const struct hvg_setup *hvg_setup_kernel(void)
{
	/* Auto-EOI is what the kernel's vector handler expects, unless deprecated. */
	hvg_kernel.auto_eoi = !(ms_hyperv.hints & HVG_HINT_AEOI_DEPRECATED);
	hvg_arch_set_vmbus_handler(hv_backend_interrupt);
	pr_info("Hyper-V set-up: the kernel's (its hypercall page, callback vector %#x)\n",
		HYPERVISOR_CALLBACK_VECTOR);
	return &hvg_kernel;
}
