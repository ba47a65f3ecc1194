// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module's own Hyper-V set-up, for kernels whose start-up code did not
 * do it (built without CONFIG_HYPERV): the guest OS ID, a hypercall page and
 * an interrupt for the VMBus SINT, from a module, with exported symbols
 * only, all undone on unload.  The order of the steps is in
 * backend_own_seq.c; this file gives it the hardware.
 *
 * The hypercall page is a page-aligned page of this module's own text
 * (backend_own_page.S), filled with int3.  Its guest-physical page number
 * goes into HV_X64_MSR_HYPERCALL; the hypervisor then overlays that GPA
 * with its hypercall code (TLFS "Hypercall Page" / "GPA Overlay Pages"),
 * which the kernel already maps executable as module text.  A module
 * cannot make other memory executable: set_memory_x() is not exported by
 * any supported kernel, nor is the vmalloc variant taking page protections.
 * Hypercalls are direct calls into the page: no indirect branch, so
 * neither retpolines nor IBT's ENDBR requirement apply.
 *
 * The interrupt is the one the VMBus ACPI device names in its _CRS.  We
 * request it, bound to CPU 0, and program the VMBus SINT of CPU 0 with the
 * vector the kernel gave it there (irqd_cfg()): the SynIC delivers the
 * vector to the local APIC as an interrupt, and the kernel's vector table
 * routes it to our handler like any device interrupt, which also sends the
 * EOI (so no auto-EOI).  That vector exists on CPU 0 only, so only CPU 0
 * takes VMBus interrupts and every channel targets it, as Linux before 3.10
 * did (its vmbus_isr() on the ACPI interrupt; commit bc2b0331e077 "X86:
 * Handle Hyper-V vmbus interrupts as special hypervisor interrupts" moved
 * to a vector on every CPU).  CPU 0 cannot go offline on the supported
 * kernels, and IRQF_NOBALANCING keeps the interrupt where it is.
 *
 * Like the rest of the Hyper-V backend this compiles on every supported
 * kernel but has not run: there is no Hyper-V here (see
 * Documentation/architecture.rst); the order of its steps and their undoing
 * is unit-tested.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/vmalloc.h>
#include <asm/asm.h>
#include <asm/hw_irq.h>
#include <asm/msr.h>
#include <hvguest/compat.h>
#include <hvguest/hv_tlfs.h>

#include "backend.h"
#include "backend_own.h"

#define HVG_PAGE_FILL	0xcc	/* int3: what the page holds without overlay */

static struct hvg_own_state hvg_own_state;
static u32 hvg_own_gsi;

static u64 hvg_own_hypercall(u64 control, u64 in_gpa)
{
	register u64 out_gpa asm("r8") = 0;
	u64 status;

	asm volatile("call hvg_hcall_page"
		     : "=a" (status), ASM_CALL_CONSTRAINT,
		       "+c" (control), "+d" (in_gpa), "+r" (out_gpa)
		     : : "cc", "memory", "r9", "r10", "r11");
	return status;
}

static u64 hvg_own_hypercall_fast8(u64 control, u64 in)
{
	u64 status;

	control |= HVG_HCALL_FAST;
	asm volatile("call hvg_hcall_page"
		     : "=a" (status), ASM_CALL_CONSTRAINT,
		       "+c" (control), "+d" (in)
		     : : "cc", "memory", "r8", "r9", "r10", "r11");
	return status;
}

static u32 hvg_own_vp_index(unsigned int cpu)
{
	u64 vp;

	if (!(cpuid_eax(HVG_CPUID_FEATURES) & HVG_FEAT_VP_INDEX))
		return cpu;
	hvg_rdmsr(HVG_MSR_VP_INDEX, vp);
	return vp;
}

/* ---- What backend_own_seq.c touches ---------------------------------------- */

static u64 hvg_own_rdmsr(u32 msr)
{
	u64 val;

	hvg_rdmsr(msr, val);
	return val;
}

static void hvg_own_wrmsr(u32 msr, u64 val)
{
	hvg_wrmsr(msr, val);
}

static int hvg_own_irq_find(void)
{
	return hvg_hyperv_acpi_irq(&hvg_own_gsi);
}

static irqreturn_t hvg_own_isr(int irq, void *dev_id)
{
	hv_backend_interrupt();
	return IRQ_HANDLED;
}

static int hvg_own_irq_request(int irq, u8 *vector)
{
	struct irq_data *d;
	struct irq_cfg *cfg;
	int ret;

	/* Before the request: the vector is assigned on activation. */
	ret = irq_set_affinity(irq, cpumask_of(0));
	if (ret)
		goto err_gsi;
	ret = request_irq(irq, hvg_own_isr, IRQF_NOBALANCING, "hv_vmbus",
			  &hvg_own_state);
	if (ret)
		goto err_gsi;
	d = irq_get_irq_data(irq);
	cfg = d ? irqd_cfg(d) : NULL;
	if (!cfg || !cpumask_equal(irq_data_get_effective_affinity_mask(d),
				   cpumask_of(0)) || cfg->vector > 0xff) {
		free_irq(irq, &hvg_own_state);
		ret = -EXDEV;
		goto err_gsi;
	}
	*vector = cfg->vector;
	return 0;

err_gsi:
	acpi_unregister_gsi(hvg_own_gsi);
	return ret;
}

static void hvg_own_irq_free(int irq)
{
	free_irq(irq, &hvg_own_state);
	acpi_unregister_gsi(hvg_own_gsi);
}

static u64 hvg_own_page_gfn(void)
{
	return vmalloc_to_pfn(hvg_hcall_page);
}

static bool hvg_own_page_overlaid(void)
{
	return READ_ONCE(hvg_hcall_page[0]) != HVG_PAGE_FILL;
}

static const struct hvg_own_hw hvg_own_hw = {
	.rdmsr = hvg_own_rdmsr,
	.wrmsr = hvg_own_wrmsr,
	.irq_find = hvg_own_irq_find,
	.irq_request = hvg_own_irq_request,
	.irq_free = hvg_own_irq_free,
	.page_gfn = hvg_own_page_gfn,
	.page_overlaid = hvg_own_page_overlaid,
	.guest_os_id = HVG_GUEST_OS_ID_LINUX(HVG_LINUX_VERSION),
};

static void hvg_own_remove(void)
{
	hvg_own_stop(&hvg_own_hw, &hvg_own_state);
}

static struct hvg_setup hvg_own = {
	.name = "own",
	.hypercall = hvg_own_hypercall,
	.hypercall_fast8 = hvg_own_hypercall_fast8,
	.vp_index = hvg_own_vp_index,
	.remove = hvg_own_remove,
	.one_cpu = true,
};

/**
 * hvg_setup_own() - set Hyper-V up from the module
 *
 * Return: the set-up, or NULL (logged) if it could not be done.
 */
const struct hvg_setup *hvg_setup_own(void)
{
	int ret = hvg_own_start(&hvg_own_hw, &hvg_own_state);

	if (ret) {
		pr_err("Hyper-V set-up: none, our own failed: %s (%d)\n",
		       hvg_own_state.why, ret);
		return NULL;
	}
	hvg_own.vector = hvg_own_state.vector;
	pr_info("Hyper-V set-up: our own (hypercall page in module text at GFN %#llx, IRQ %d: vector %#x on CPU 0)\n",
		hvg_own_page_gfn(), hvg_own_state.irq, hvg_own_state.vector);
	return &hvg_own;
}
