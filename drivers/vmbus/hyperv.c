// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real Hyper-V backend, per the Hypervisor Top-Level Functional
 * Specification: CPUID detection, the SynIC MSRs, HvPostMessage and
 * HvSignalEvent.
 *
 * The kernel's own Hyper-V start-up code (arch/x86, present in every
 * supported Debian kernel) has already written the guest OS ID and set up
 * the hypercall page and the callback vector by the time a module loads; we
 * use them.  A kernel built without it leaves hv_hypercall_pg NULL and we
 * refuse to attach, saying so.
 *
 * This file cannot run without Hyper-V: it is compiled on every supported
 * kernel but exercised by no test here (see Documentation/architecture.rst).
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/hypervisor.h>
#include <asm/mshyperv.h>
#include <hvguest/compat.h>
#include <hvguest/hv_tlfs.h>

#include "hyperv.h"

#define HVG_AEOI_DEPRECATED	BIT(9)	/* CPUID 0x40000004 EAX */

static void * __percpu *hvg_hcall_input;

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
	status = hv_do_hypercall(HVG_HCALL_POST_MESSAGE, in, NULL);
	local_irq_restore(flags);
	return status & 0xffff;
}

static u16 hvg_hv_signal_event(u32 connection_id, u16 flag_number)
{
	u64 in = connection_id | ((u64)flag_number << 32);

	return hv_do_fast_hypercall8(HVG_HCALL_SIGNAL_EVENT, in) & 0xffff;
}

static int hvg_hv_synic_enable(unsigned int cpu, phys_addr_t simp,
			       phys_addr_t siefp)
{
	u64 sint = HYPERVISOR_CALLBACK_VECTOR, scontrol;

	if (!(ms_hyperv.hints & HVG_AEOI_DEPRECATED))
		sint |= HVG_SINT_AUTO_EOI;
	wrmsrl(HVG_MSR_SIMP, simp | HVG_PAGE_ENABLE);
	wrmsrl(HVG_MSR_SIEFP, siefp | HVG_PAGE_ENABLE);
	wrmsrl(HVG_MSR_SINT0 + HVG_VMBUS_SINT, sint);
	rdmsrl(HVG_MSR_SCONTROL, scontrol);
	wrmsrl(HVG_MSR_SCONTROL, scontrol | HVG_PAGE_ENABLE);
	return 0;
}

static void hvg_hv_synic_disable(unsigned int cpu)
{
	u64 val;

	wrmsrl(HVG_MSR_SINT0 + HVG_VMBUS_SINT, HVG_SINT_MASKED);
	rdmsrl(HVG_MSR_SIMP, val);
	wrmsrl(HVG_MSR_SIMP, val & ~HVG_PAGE_ENABLE);
	rdmsrl(HVG_MSR_SIEFP, val);
	wrmsrl(HVG_MSR_SIEFP, val & ~HVG_PAGE_ENABLE);
}

static void hvg_hv_eom(void)
{
	wrmsrl(HVG_MSR_EOM, 0);
}

static u32 hvg_hv_vp_index(unsigned int cpu)
{
	return hv_vp_index ? hv_vp_index[cpu] : cpu;
}

static const struct hv_backend_ops hvg_hyperv_ops = {
	.name = "hyperv",
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
		pr_err("hv_vmbus: Hyper-V offers no SynIC or hypercalls (features %#x)\n",
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
 * Return: the backend, or NULL when not running on (usable) Hyper-V.
 */
const struct hv_backend_ops *hvg_hyperv_probe(void)
{
	unsigned int cpu;

	if (!hvg_is_hyperv())
		return NULL;
	if (!hv_hypercall_pg) {
		pr_err("hv_vmbus: Hyper-V found, but this kernel did not set up the hypercall page (built without CONFIG_HYPERV); not supported\n");
		return NULL;
	}
	hvg_hcall_input = alloc_percpu(void *);
	if (!hvg_hcall_input)
		return NULL;
	for_each_possible_cpu(cpu) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL);

		*per_cpu_ptr(hvg_hcall_input, cpu) = page;
		if (!page) {
			hvg_free_input_pages();
			return NULL;
		}
	}
	hvg_hyperv_acpi_init();
	hvg_arch_set_vmbus_handler(hv_backend_interrupt);
	return &hvg_hyperv_ops;
}

/**
 * hvg_hyperv_remove() - undo hvg_hyperv_probe()
 */
void hvg_hyperv_remove(void)
{
	if (!hvg_hcall_input)
		return;
	hvg_arch_clear_vmbus_handler();
	hvg_free_input_pages();
}
