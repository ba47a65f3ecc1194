// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real Hyper-V backend, per the Hypervisor Top-Level Functional
 * Specification: CPUID detection, the SynIC MSRs, HvPostMessage and
 * HvSignalEvent.
 *
 * It builds on a guest-wide set-up (guest OS ID, hypercall page, an
 * interrupt vector for the VMBus SINT): the kernel's when its start-up code
 * made one (backend_kernel.c, kernels built with CONFIG_HYPERV), otherwise
 * the module's own (backend_own.c).  hvg_setup_choose() decides.
 *
 * This file cannot run without Hyper-V: it is compiled on every supported
 * kernel but exercised by no test here (see Documentation/architecture.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/hypervisor.h>
#include <asm/msr.h>
#include <hvguest/compat.h>
#include <hvguest/hv_tlfs.h>

#include "backend.h"
#include "backend_own.h"

static void * __percpu *hvg_hcall_input;
static const struct hvg_setup *hvg_setup;
static DEFINE_PER_CPU(u32, hvg_vp_index);

static u16 hvg_hv_post_message(u32 connection_id, u32 message_type,
			       const void *payload, u32 payload_size)
{
	struct hvg_post_message_input *in;
	unsigned long flags;
	u64 status;

	if (payload_size > HVG_MSG_PAYLOAD_BYTES)
		return HVG_STATUS_INVALID_PARAMETER;
	local_irq_save(flags);
	in = *this_cpu_ptr(hvg_hcall_input);
	in->connection_id = connection_id;
	in->reserved = 0;
	in->message_type = message_type;
	in->payload_size = payload_size;
	memcpy(in->payload, payload, payload_size);
	status = hvg_setup->hypercall(HVG_HCALL_POST_MESSAGE, virt_to_phys(in));
	local_irq_restore(flags);
	return status & 0xffff;
}

static u16 hvg_hv_signal_event(u32 connection_id, u16 flag_number)
{
	u64 in = connection_id | ((u64)flag_number << 32);

	return hvg_setup->hypercall_fast8(HVG_HCALL_SIGNAL_EVENT, in) & 0xffff;
}

static int hvg_hv_synic_enable(unsigned int cpu, phys_addr_t simp,
			       phys_addr_t siefp)
{
	u64 sint = hvg_setup->vector, scontrol;

	/* Only CPU 0 has the vector: leave the SynIC of the others off. */
	if (hvg_setup->one_cpu && cpu)
		return -ENODEV;
	per_cpu(hvg_vp_index, cpu) = hvg_setup->vp_index(cpu);
	if (hvg_setup->auto_eoi)
		sint |= HVG_SINT_AUTO_EOI;
	hvg_wrmsr(HVG_MSR_SIMP, simp | HVG_PAGE_ENABLE);
	hvg_wrmsr(HVG_MSR_SIEFP, siefp | HVG_PAGE_ENABLE);
	hvg_wrmsr(HVG_MSR_SINT0 + HVG_VMBUS_SINT, sint);
	hvg_rdmsr(HVG_MSR_SCONTROL, scontrol);
	hvg_wrmsr(HVG_MSR_SCONTROL, scontrol | HVG_PAGE_ENABLE);
	return 0;
}

static void hvg_hv_synic_disable(unsigned int cpu)
{
	u64 val;

	hvg_wrmsr(HVG_MSR_SINT0 + HVG_VMBUS_SINT, HVG_SINT_MASKED);
	hvg_rdmsr(HVG_MSR_SIMP, val);
	hvg_wrmsr(HVG_MSR_SIMP, val & ~HVG_PAGE_ENABLE);
	hvg_rdmsr(HVG_MSR_SIEFP, val);
	hvg_wrmsr(HVG_MSR_SIEFP, val & ~HVG_PAGE_ENABLE);
}

static void hvg_hv_eom(void)
{
	hvg_wrmsr(HVG_MSR_EOM, 0);
}

static u32 hvg_hv_vp_index(unsigned int cpu)
{
	return per_cpu(hvg_vp_index, cpu);
}

static struct hv_backend_ops hvg_hyperv_ops = {
	.owner = THIS_MODULE,
	.post_message = hvg_hv_post_message,
	.signal_event = hvg_hv_signal_event,
	.synic_enable = hvg_hv_synic_enable,
	.synic_disable = hvg_hv_synic_disable,
	.eom = hvg_hv_eom,
	.vp_index = hvg_hv_vp_index,
	.mmio_range = hvg_hyperv_mmio_range,
};

static bool hvg_is_hyperv(void)
{
	u32 eax, ebx, ecx, edx;
	char vendor[13];

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return false;
	cpuid(HVG_CPUID_VENDOR, &eax, &ebx, &ecx, &edx);
	memcpy(vendor, &ebx, 4);
	memcpy(vendor + 4, &ecx, 4);
	memcpy(vendor + 8, &edx, 4);
	vendor[12] = '\0';
	if (eax < HVG_CPUID_FEATURES || strcmp(vendor, "Microsoft Hv"))
		return false;
	if (cpuid_eax(HVG_CPUID_INTERFACE) != HVG_INTERFACE_SIG)
		return false;
	eax = cpuid_eax(HVG_CPUID_FEATURES);
	if ((eax & (HVG_FEAT_SYNIC | HVG_FEAT_HYPERCALL)) !=
	    (HVG_FEAT_SYNIC | HVG_FEAT_HYPERCALL)) {
		pr_err("Hyper-V offers no SynIC or hypercalls (features %#x)\n",
		       eax);
		return false;
	}
	return true;
}

static void hvg_free_input_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		free_page((unsigned long)*per_cpu_ptr(hvg_hcall_input, cpu));
	free_percpu(hvg_hcall_input);
	hvg_hcall_input = NULL;
}

/**
 * hvg_hyperv_probe() - detect Hyper-V and prepare the real backend
 *
 * Return: the backend, ERR_PTR(-ENODEV) when not running on (usable)
 * Hyper-V, ERR_PTR(-EBUSY) on Hyper-V when the kernel's VMBus is built in
 * (it owns the SynIC; logged), or another ERR_PTR() when the set-up failed
 * (logged).
 */
const struct hv_backend_ops *hvg_hyperv_probe(void)
{
	unsigned int cpu;

	if (!hvg_is_hyperv())
		return ERR_PTR(-ENODEV);
	if (HVG_KERNEL_VMBUS_BUILTIN) {
		pr_err("Hyper-V set-up: refused, the kernel's built-in VMBus drives this guest; this build serves a simulated host only\n");
		return ERR_PTR(-EBUSY);
	}
	hvg_hcall_input = alloc_percpu(void *);
	if (!hvg_hcall_input)
		return ERR_PTR(-ENOMEM);
	for_each_possible_cpu(cpu) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL);

		*per_cpu_ptr(hvg_hcall_input, cpu) = page;
		if (!page) {
			hvg_free_input_pages();
			return ERR_PTR(-ENOMEM);
		}
	}
	if (hvg_setup_choose(IS_ENABLED(CONFIG_HYPERV),
			     hvg_kernel_setup_present()) == HVG_SETUP_KERNEL)
		hvg_setup = hvg_setup_kernel();
	else
		hvg_setup = hvg_setup_own();
	if (!hvg_setup) {
		hvg_free_input_pages();
		return ERR_PTR(-EIO);
	}
	hvg_hyperv_acpi_init();
	hvg_hyperv_ops.name = hvg_setup->name;
	return &hvg_hyperv_ops;
}

/**
 * hvg_hyperv_remove() - undo hvg_hyperv_probe()
 */
void hvg_hyperv_remove(void)
{
	if (!hvg_hcall_input)
		return;
	hvg_setup->remove();
	hvg_setup = NULL;
	hvg_free_input_pages();
}
