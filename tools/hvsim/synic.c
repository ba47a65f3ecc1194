// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor half of hvsim: the backend operations hv_vmbus calls
 * (HvPostMessage, HvSignalEvent, SynIC set-up, end-of-message) and the
 * delivery of messages and events into the guest's SynIC pages.
 *
 * Like the real hypervisor, post_message only queues the message; the host
 * worker answers later.  Host messages go through one FIFO into the SINT2
 * slot of the target VP; a busy slot gets the pending flag and the queue
 * waits for the guest's EOM.
 *
 * The interrupt is raised in hard interrupt context on the target CPU: with
 * an irq_work on this CPU, with an asynchronous IPI function call on another
 * (irq_work_queue_on() is not exported to modules).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <hvguest/compat.h>

#include "fuzz.h"
#include "hvsim.h"

struct hvsim_cpu {
	unsigned int cpu;
	struct hv_message_page *simp;		/* NULL: SynIC disabled */
	struct hv_event_flags_page *siefp;
	struct irq_work irq_work;	/* this CPU raises its own interrupt */
	call_single_data_t csd;		/* another CPU raises it */
};

/* ---- Raising the VMBus interrupt ---------------------------------------- */

/* Hard interrupt context, on pc->cpu. */
static void hvsim_raise(void *info)
{
	struct hvsim_cpu *pc = info;
	bool up;

	spin_lock(&hvsim.synic_lock);
	up = pc->simp && !hvsim.dead;
	spin_unlock(&hvsim.synic_lock);
	if (up)
		hv_backend_interrupt();
}

static void hvsim_irq(struct irq_work *work)
{
	hvsim_raise(container_of(work, struct hvsim_cpu, irq_work));
}

/*
 * Called with synic_lock held (interrupts off).  A call still queued on the
 * target (-EBUSY) raises the interrupt after the flags set here; one to a
 * CPU going offline (-ENXIO) has no SynIC left to raise.
 */
static void hvsim_kick(struct hvsim_cpu *pc)
{
	lockdep_assert_held(&hvsim.synic_lock);

	if (pc->cpu == smp_processor_id())
		irq_work_queue(&pc->irq_work);
	else
		smp_call_function_single_async(pc->cpu, &pc->csd);
}

/* ---- Message delivery --------------------------------------------------- */

/* Put @m into the SINT2 slot of @pc; false if the guest still owns it. */
static bool hvsim_slot_put(struct hvsim_cpu *pc, const struct hvsim_msg *m)
{
	struct hv_message *slot = &pc->simp->sint_message[HVG_VMBUS_SINT];

	if (READ_ONCE(slot->header.message_type) != HVMSG_NONE) {
		WRITE_ONCE(slot->header.message_flags,
			   READ_ONCE(slot->header.message_flags) |
			   HVG_MSG_FLAG_PENDING);
		/* Pairs with the guest freeing the slot, then reading the flag. */
		smp_mb();
		if (READ_ONCE(slot->header.message_type) != HVMSG_NONE)
			return false;
	}
	memcpy(slot->payload, m->data, sizeof(slot->payload));
	slot->header.payload_size = m->size;
	slot->header.message_flags = 0;
	slot->header.sender = 0;
	/* The guest reads the payload only after it sees the type. */
	smp_wmb();
	WRITE_ONCE(slot->header.message_type, m->type);
	return true;
}

static void hvsim_deliver_locked(void)
{
	struct hvsim_msg *m;

	lockdep_assert_held(&hvsim.synic_lock);
	while ((m = list_first_entry_or_null(&hvsim.out_msgs, struct hvsim_msg,
					     node))) {
		struct hvsim_cpu *pc = &hvsim.cpus[m->cpu];

		if (hvsim.dead || !pc->simp || !hvsim_slot_put(pc, m))
			return;
		list_del(&m->node);
		hvsim.out_count--;
		kfree(m);
		hvsim_kick(pc);
	}
}

static void hvsim_queue_out(struct hvsim_msg *m)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim.synic_lock, flags);
	if (hvsim.dead) {
		spin_unlock_irqrestore(&hvsim.synic_lock, flags);
		kfree(m);
		return;
	}
	if (hvsim.out_count >= HVSIM_OUT_QUEUE_MAX) {
		spin_unlock_irqrestore(&hvsim.synic_lock, flags);
		pr_err_ratelimited("guest is not taking messages; dropped message type %u\n",
				   ((struct vmbus_channel_message_header *)m->data)->msgtype);
		kfree(m);
		return;
	}
	list_add_tail(&m->node, &hvsim.out_msgs);
	hvsim.out_count++;
	hvsim_deliver_locked();
	spin_unlock_irqrestore(&hvsim.synic_lock, flags);
}

static void hvsim_corrupt(struct hvsim_msg *m)
{
	struct vmbus_channel_message_header *hdr = (void *)m->data;

	if (hvsim.corrupt_flip++ & 1) {
		hdr->msgtype = 0x7e57c0de;
		pr_info("fault: garbage msgtype in next message\n");
	} else {
		m->size = min_t(u32, m->size / 2, sizeof(*hdr) - 1);
		pr_info("fault: next message truncated to %u bytes\n",
			m->size);
	}
}

/* The request each reply answers, for fault_late_reply. */
static const u32 hvsim_reply_to[CHANNELMSG_COUNT] = {
	[CHANNELMSG_OPENCHANNEL_RESULT] = CHANNELMSG_OPENCHANNEL,
	[CHANNELMSG_GPADL_CREATED] = CHANNELMSG_GPADL_HEADER,
	[CHANNELMSG_GPADL_TORNDOWN] = CHANNELMSG_GPADL_TEARDOWN,
	[CHANNELMSG_MODIFYCHANNEL_RESPONSE] = CHANNELMSG_MODIFYCHANNEL,
};

/*
 * fault_late_reply: hold a reply of the armed type back until the guest
 * sends its next request of the kind it answers, so that it arrives late,
 * after the guest gave up on it, right before the reply to that request.
 */
static bool hvsim_hold(const void *msg, u32 size)
{
	u32 type = ((const struct vmbus_channel_message_header *)msg)->msgtype;
	u32 want = atomic_read(&hvsim.late_type);
	struct hvsim_msg *m;

	if (!want || type != want || type >= CHANNELMSG_COUNT ||
	    !hvsim_reply_to[type] || hvsim.held ||
	    atomic_cmpxchg(&hvsim.late_type, want, 0) != want)
		return false;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return false;
	memcpy(m->data, msg, size);
	m->size = size;
	m->type = HVMSG_VMBUS;
	hvsim.held = m;
	hvsim.held_release = hvsim_reply_to[type];
	pr_info("fault: holding back message type %u until the guest's next message type %u\n",
		type, hvsim.held_release);
	return true;
}

/**
 * hvsim_release_held() - send the reply fault_late_reply held back
 * @guest_msgtype: the type of the guest message about to be handled
 *
 * Sends it if @guest_msgtype is the request it waits for.  hvsim.lock held.
 */
void hvsim_release_held(u32 guest_msgtype)
{
	struct hvsim_msg *m = hvsim.held;

	lockdep_assert_held(&hvsim.lock);

	if (!m || guest_msgtype != hvsim.held_release)
		return;
	hvsim.held = NULL;
	m->cpu = hvsim.target_vcpu;
	pr_info("fault: sending the held-back message type %u\n",
		((struct vmbus_channel_message_header *)m->data)->msgtype);
	hvsim_queue_out(m);
}

/**
 * hvsim_drop_held() - forget the held-back reply (the connection is gone)
 */
void hvsim_drop_held(void)
{
	kfree(hvsim.held);
	hvsim.held = NULL;
}

/*
 * fault_dup_version: the VERSION_RESPONSE of the connection once more, when
 * the guest waits for none.
 */
static void hvsim_send_version_again(void)
{
	struct hvsim_msg *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return;
	memcpy(m->data, &hvsim.version_resp, sizeof(hvsim.version_resp));
	m->size = sizeof(hvsim.version_resp);
	m->type = HVMSG_VMBUS;
	m->cpu = hvsim.target_vcpu;
	pr_info("fault: VERSION_RESPONSE sent again\n");
	hvsim_queue_out(m);
}

/**
 * hvsim_send() - queue a channel message for the guest's target VP
 * @msg: the message, starting with its vmbus_channel_message_header
 * @size: its size, at most HVG_MSG_PAYLOAD_BYTES
 *
 * Applies the message fault knobs.  Process context, hvsim.lock held.
 */
void hvsim_send(const void *msg, u32 size)
{
	int delay = atomic_read(&hvsim.delay_ms);
	struct hvsim_msg *m, *dup = NULL;

	lockdep_assert_held(&hvsim.lock);

	if (WARN_ON_ONCE(size > HVG_MSG_PAYLOAD_BYTES))
		return;
	if (hvsim_hold(msg, size))
		return;
	if (hvsim_fault(HVSIM_FAULT_DROP_MSG)) {
		pr_info("fault: dropped message type %u\n",
			((const struct vmbus_channel_message_header *)msg)->msgtype);
		return;
	}
	if (delay > 0)
		msleep(delay);

	if (hvsim.version && hvsim_fault(HVSIM_FAULT_DUP_VERSION))
		hvsim_send_version_again();

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	memcpy(m->data, msg, size);
	m->size = size;
	m->type = HVMSG_VMBUS;
	m->cpu = hvsim.target_vcpu;
	if (hvsim_fault(HVSIM_FAULT_CORRUPT_MSG))
		hvsim_corrupt(m);
	if (hvsim_fault(HVSIM_FAULT_DUP_MSG)) {
		dup = kmemdup(m, sizeof(*m), GFP_KERNEL);
		pr_info("fault: duplicating next message\n");
	}
	if (hvsim_fuzz_on())
		hvsim_fuzz_msg(m, hvsim_queue_out);
	else
		hvsim_queue_out(m);
	if (dup)
		hvsim_queue_out(dup);
}

/*
 * fault_stray_event: relids whose event flag is set beside an open
 * channel's: every channel that is not open, and one no channel has.
 * Returns how many were put in @relids.
 */
static unsigned int hvsim_stray_relids(u32 *relids, unsigned int max)
{
	unsigned int n = 0;
	unsigned long irqf;
	u32 r, unused = 0;

	spin_lock_irqsave(&hvsim.chan_lock, irqf);
	for (r = 1; r < VMBUS_MAX_CHANNEL_RELIDS && n < max - 1; r++) {
		const struct hvsim_chan *c = hvsim.relids[r];

		if (!c)
			unused = r;
		else if (c->state != HVSIM_CHAN_OPEN)
			relids[n++] = r;
	}
	spin_unlock_irqrestore(&hvsim.chan_lock, irqf);
	if (unused)
		relids[n++] = unused;
	return n;
}

/**
 * hvsim_signal_guest() - raise a channel's event in the guest
 * @chan: an open channel
 */
void hvsim_signal_guest(struct hvsim_chan *chan)
{
	struct hvsim_cpu *pc = &hvsim.cpus[chan->target_vp];
	u32 stray[16];
	unsigned int i, nstray = 0;
	unsigned long *flags;
	unsigned long irqf;

	if (hvsim_fault(HVSIM_FAULT_STRAY_EVENT)) {
		nstray = hvsim_stray_relids(stray, ARRAY_SIZE(stray));
		pr_info("fault: event flags of %u relids without an open channel set\n",
			nstray);
	}

	spin_lock_irqsave(&hvsim.synic_lock, irqf);
	if (hvsim.dead || !pc->siefp) {
		spin_unlock_irqrestore(&hvsim.synic_lock, irqf);
		pr_err_ratelimited("relid %u: VP %u has no SynIC, event lost\n",
				   chan->relid, chan->target_vp);
		return;
	}
	flags = pc->siefp->sintevent_flags[HVG_VMBUS_SINT].flags;
	if (hvsim.version >= VERSION_WIN8) {
		for (i = 0; i < nstray; i++)
			set_bit(stray[i], flags);
		set_bit(chan->relid, flags);
	} else {
		/* WIN7: the receive half of the interrupt page, then bit 0. */
		for (i = 0; hvsim.int_page && i < nstray; i++)
			set_bit(stray[i], hvsim.int_page);
		if (hvsim.int_page)
			set_bit(chan->relid, hvsim.int_page);
		set_bit(0, flags);
	}
	hvsim_kick(pc);
	spin_unlock_irqrestore(&hvsim.synic_lock, irqf);
}

/* ---- The backend operations ---------------------------------------------- */

/*
 * The hypervisor refuses HvPostMessage to a connection id no port is bound
 * to with HV_STATUS_INVALID_CONNECTION_ID (TLFS, HvPostMessage).  Every
 * host binds message connection 1; connection 4 exists only on hosts that
 * speak VMBus 5.0 and later (Linux connection.c vmbus_post_msg(): "on old
 * hosts that only support VMBus protocol 4.0 or lower, here we get
 * HV_STATUS_INVALID_CONNECTION_ID"; OpenVMM vmbus_server lib.rs binds
 * MULTICLIENT_MESSAGE_CONNECTION_ID 4 beside MESSAGE_CONNECTION_ID 1).
 * Stricter than OpenVMM, connection 4 takes nothing but a 5.0+
 * INITIATE_CONTACT, and UNLOAD (a guest refusing the VERSION_RESPONSE
 * unloads where it made contact), until a 5.0+ version is negotiated.
 */
static bool hvsim_conn_id_ok(u32 conn_id, const void *payload, u32 size)
{
	const struct vmbus_channel_initiate_contact *ic = payload;

	if (conn_id == VMBUS_MESSAGE_CONNECTION_ID)
		return true;
	if (conn_id != VMBUS_MESSAGE_CONNECTION_ID_4 ||
	    hvsim_max_version < VERSION_WIN10_V5)
		return false;
	if (READ_ONCE(hvsim.version) >= VERSION_WIN10_V5)
		return true;
	if (ic->header.msgtype == CHANNELMSG_UNLOAD)
		return true;
	return size >= sizeof(*ic) &&
	       ic->header.msgtype == CHANNELMSG_INITIATE_CONTACT &&
	       ic->vmbus_version_requested >= VERSION_WIN10_V5;
}

static u16 hvsim_post_message(u32 conn_id, u32 type, const void *payload,
			      u32 size)
{
	struct hvsim_msg *m;
	unsigned long flags;

	if (type != HVMSG_VMBUS || !payload ||
	    size < sizeof(struct vmbus_channel_message_header) ||
	    size > HVG_MSG_PAYLOAD_BYTES)
		return HVG_STATUS_INVALID_PARAMETER;
	if (!hvsim_conn_id_ok(conn_id, payload, size)) {
		pr_info_ratelimited("HvPostMessage of message type %u to connection id %u: no such port, HV_STATUS_INVALID_CONNECTION_ID\n",
				    ((const struct vmbus_channel_message_header *)payload)->msgtype,
				    conn_id);
		return HVG_STATUS_INVALID_CONNECTION_ID;
	}

	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return HVG_STATUS_INSUFFICIENT_BUFFERS;
	memcpy(m->data, payload, size);
	m->size = size;
	m->type = type;
	m->conn_id = conn_id;

	spin_lock_irqsave(&hvsim.in_lock, flags);
	if (hvsim.dead || hvsim.in_count >= HVSIM_IN_QUEUE_MAX) {
		spin_unlock_irqrestore(&hvsim.in_lock, flags);
		kfree(m);
		return HVG_STATUS_INSUFFICIENT_BUFFERS;
	}
	list_add_tail(&m->node, &hvsim.in_msgs);
	hvsim.in_count++;
	queue_work(hvsim.wq, &hvsim.msg_work);
	spin_unlock_irqrestore(&hvsim.in_lock, flags);
	return HVG_STATUS_SUCCESS;
}

/**
 * hvsim_in_pop() - take the oldest message the guest posted
 *
 * Return: the message (the caller frees it), or NULL.
 */
struct hvsim_msg *hvsim_in_pop(void)
{
	struct hvsim_msg *m;
	unsigned long flags;

	spin_lock_irqsave(&hvsim.in_lock, flags);
	m = list_first_entry_or_null(&hvsim.in_msgs, struct hvsim_msg, node);
	if (m) {
		list_del(&m->node);
		hvsim.in_count--;
	}
	spin_unlock_irqrestore(&hvsim.in_lock, flags);
	return m;
}

/* WIN7 guests may signal the shared event connection: scan the send half. */
static void hvsim_scan_int_page(void)
{
	unsigned long *words = hvsim.int_send;
	unsigned int w, bit;

	for (w = 0; w < VMBUS_MAX_CHANNEL_RELIDS / BITS_PER_LONG; w++) {
		unsigned long bits;

		if (!READ_ONCE(words[w]))
			continue;
		bits = xchg(&words[w], 0);
		for_each_set_bit(bit, &bits, BITS_PER_LONG) {
			struct hvsim_chan *chan;

			chan = hvsim.relids[w * BITS_PER_LONG + bit];
			if (chan)
				hvsim_chan_kick_locked(chan);
		}
	}
}

static u16 hvsim_signal_event(u32 conn_id, u16 flag_number)
{
	u32 relid = conn_id - HVSIM_CONN_ID_BASE;
	struct hvsim_chan *chan = NULL;
	u16 ret = HVG_STATUS_SUCCESS;
	unsigned long flags;

	if (flag_number >= HVG_EVENT_FLAGS_COUNT)
		return HVG_STATUS_INVALID_PARAMETER;

	spin_lock_irqsave(&hvsim.chan_lock, flags);
	if (conn_id == VMBUS_EVENT_CONNECTION_ID && hvsim.int_send) {
		hvsim_scan_int_page();
	} else {
		if (conn_id >= HVSIM_CONN_ID_BASE &&
		    relid < VMBUS_MAX_CHANNEL_RELIDS)
			chan = hvsim.relids[relid];
		if (chan && chan->state != HVSIM_CHAN_RESCINDED)
			hvsim_chan_kick_locked(chan);
		else
			ret = HVG_STATUS_INVALID_CONNECTION_ID;
	}
	spin_unlock_irqrestore(&hvsim.chan_lock, flags);
	return ret;
}

static bool hvsim_page_ok(phys_addr_t pa)
{
	return PAGE_ALIGNED(pa) && pfn_valid(PHYS_PFN(pa));
}

/*
 * Test mode of hv_vmbus's own Hyper-V set-up (drivers/vmbus/backend_own.c),
 * whose interrupt vector exists on CPU 0 only: the other CPUs get no SynIC
 * (-ENODEV, the backend contract for "no VMBus interrupts here").
 */
static bool one_cpu;
module_param(one_cpu, bool, 0444);
MODULE_PARM_DESC(one_cpu, "VMBus interrupts on CPU 0 only, as hv_vmbus's own Hyper-V set-up");

static int hvsim_synic_enable(unsigned int cpu, phys_addr_t simp,
			      phys_addr_t siefp)
{
	struct hvsim_cpu *pc;
	unsigned long flags;

	if (one_cpu && cpu)
		return -ENODEV;
	if (cpu >= nr_cpu_ids || !hvsim_page_ok(simp) || !hvsim_page_ok(siefp)) {
		pr_err("synic_enable(%u): invalid SIMP %pa or SIEFP %pa\n",
		       cpu, &simp, &siefp);
		return -EINVAL;
	}
	pc = &hvsim.cpus[cpu];
	spin_lock_irqsave(&hvsim.synic_lock, flags);
	pc->simp = phys_to_virt(simp);
	pc->siefp = phys_to_virt(siefp);
	hvsim_deliver_locked();
	spin_unlock_irqrestore(&hvsim.synic_lock, flags);
	return 0;
}

static void hvsim_synic_disable(unsigned int cpu)
{
	unsigned long flags;

	if (cpu >= nr_cpu_ids)
		return;
	spin_lock_irqsave(&hvsim.synic_lock, flags);
	hvsim.cpus[cpu].simp = NULL;
	hvsim.cpus[cpu].siefp = NULL;
	spin_unlock_irqrestore(&hvsim.synic_lock, flags);
}

static void hvsim_eom(void)
{
	unsigned long flags;

	spin_lock_irqsave(&hvsim.synic_lock, flags);
	hvsim_deliver_locked();
	spin_unlock_irqrestore(&hvsim.synic_lock, flags);
}

static u32 hvsim_vp_index(unsigned int cpu)
{
	return cpu;
}

const struct hv_backend_ops hvsim_ops = {
	.name		= "hvsim",
	.owner		= THIS_MODULE,
	.post_message	= hvsim_post_message,
	.signal_event	= hvsim_signal_event,
	.synic_enable	= hvsim_synic_enable,
	.synic_disable	= hvsim_synic_disable,
	.eom		= hvsim_eom,
	.vp_index	= hvsim_vp_index,
	.mmio_range	= hvsim_mmio_range,
};

/* ---- Set-up and teardown ------------------------------------------------- */

int hvsim_synic_init(void)
{
	unsigned int cpu;

	hvsim.cpus = kcalloc(nr_cpu_ids, sizeof(*hvsim.cpus), GFP_KERNEL);
	if (!hvsim.cpus)
		return -ENOMEM;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct hvsim_cpu *pc = &hvsim.cpus[cpu];

		pc->cpu = cpu;
		hvg_irq_work_init_hard(&pc->irq_work, hvsim_irq);
		pc->csd.func = hvsim_raise;
		pc->csd.info = pc;
	}
	return 0;
}

static void hvsim_free_msgs(struct list_head *list)
{
	struct hvsim_msg *m, *tmp;

	list_for_each_entry_safe(m, tmp, list, node) {
		list_del(&m->node);
		kfree(m);
	}
}

/* Refuse guest messages and signals, deliver nothing from now on. */
void hvsim_synic_stop(void)
{
	spin_lock_irq(&hvsim.chan_lock);
	spin_lock(&hvsim.in_lock);
	spin_lock(&hvsim.synic_lock);
	hvsim.dead = true;
	spin_unlock(&hvsim.synic_lock);
	spin_unlock(&hvsim.in_lock);
	spin_unlock_irq(&hvsim.chan_lock);
}

static void hvsim_nop(void *unused)
{
}

/* After hvsim_synic_stop(): wait for interrupts in flight, free the queues. */
void hvsim_synic_exit(void)
{
	unsigned int cpu;

	if (!hvsim.cpus)
		return;
	/* A CPU runs its queued calls in order: ours comes after any kick. */
	cpus_read_lock();
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, hvsim_nop, NULL, 1);
	cpus_read_unlock();
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		irq_work_sync(&hvsim.cpus[cpu].irq_work);
	hvsim_free_msgs(&hvsim.out_msgs);
	hvsim_free_msgs(&hvsim.in_msgs);
	hvsim_drop_held();
	hvsim.out_count = 0;
	hvsim.in_count = 0;
	kfree(hvsim.cpus);
	hvsim.cpus = NULL;
}
