/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor boundary of hv_vmbus.
 *
 * Everything VMBus needs from the hypervisor goes through these few
 * operations: the two hypercalls (HvPostMessage, HvSignalEvent), the per-CPU
 * SynIC set-up (SIMP and SIEFP pages, the VMBus SINT, SCONTROL) and the
 * end-of-message write.  The host answers by writing into the SIMP/SIEFP
 * pages the guest registered and raising the VMBus interrupt, which a backend
 * delivers by calling hv_backend_interrupt() in hard interrupt context on the
 * target CPU.
 *
 * Two backends exist: the real Hyper-V one (drivers/vmbus/hyperv.c) and the
 * simulated host (tools/hvsim), which registers itself at load time.
 */
#ifndef _HVGUEST_HV_BACKEND_H
#define _HVGUEST_HV_BACKEND_H

#include <linux/types.h>

struct module;

/**
 * struct hv_backend_ops - what a hypervisor backend provides
 * @name: short name shown in sysfs and dmesg ("hyperv", "hvsim")
 * @owner: module implementing the backend
 * @post_message: HvPostMessage; may be called from any context except hard
 *	interrupt.  Returns an HVG_STATUS_* code; HVG_STATUS_INSUFFICIENT_BUFFERS
 *	asks the caller to retry later.
 * @signal_event: HvSignalEvent to @connection_id; any context.  Returns an
 *	HVG_STATUS_* code.
 * @synic_enable: point the SIMP and SIEFP of @cpu at the given pages and
 *	unmask the VMBus SINT.  Called on @cpu with preemption disabled.
 *	-ENODEV: this CPU takes no VMBus interrupts; channels do not target
 *	it (CPU 0 must take them).
 * @synic_disable: mask the VMBus SINT and release the pages of @cpu.
 *	Called on @cpu with preemption disabled.
 * @eom: end-of-message on the current CPU: the host may deliver the next
 *	pending message to the slot that the guest just freed.
 * @vp_index: the hypervisor's VP index of @cpu.
 * @mmio_range: optional; range @index (0, 1, ...) of the guest-physical MMIO
 *	space the host offers for device memory such as framebuffers: set
 *	@start and @size and return 0, or return -ENOENT after the last one.
 *	Called from process context.  Without it no MMIO space is offered.
 */
struct hv_backend_ops {
	const char *name;
	struct module *owner;
	u16 (*post_message)(u32 connection_id, u32 message_type,
			    const void *payload, u32 payload_size);
	u16 (*signal_event)(u32 connection_id, u16 flag_number);
	int (*synic_enable)(unsigned int cpu, phys_addr_t simp,
			    phys_addr_t siefp);
	void (*synic_disable)(unsigned int cpu);
	void (*eom)(void);
	u32 (*vp_index)(unsigned int cpu);
	int (*mmio_range)(unsigned int index, phys_addr_t *start,
			  resource_size_t *size);
};

int hv_backend_register(const struct hv_backend_ops *ops);
void hv_backend_unregister(const struct hv_backend_ops *ops);
void hv_backend_interrupt(void);

#endif /* _HVGUEST_HV_BACKEND_H */
