// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's side of the SynIC: per-CPU message and event flag pages, the
 * VMBus interrupt, and posting messages to the host.
 *
 * The interrupt handler only looks at this CPU's pages: event flags are
 * turned into channel tasklets right away, messages are copied out of the
 * slot by a work item bound to this CPU, which frees the slot and signals
 * end-of-message so that the host can deliver the next one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "vmbus_priv.h"
#include "msg.h"

struct hvg_synic {
	struct hv_message_page *simp;
	struct hv_event_flags_page *siefp;
	struct work_struct msg_work;
	bool enabled;
};

static DEFINE_PER_CPU(struct hvg_synic, hvg_synic);

/* The dynamic CPU hotplug state of hvg_synic_cpu_down(), or 0. */
static int hvg_cpuhp_state;

/* Messages one run of the message work takes before it yields. */
#define HVG_MSG_BUDGET	64

static void hvg_scan_flags(unsigned long *flags, u32 nbits)
{
	u32 word, bit;

	for (word = 0; word < BITS_TO_LONGS(nbits); word++) {
		unsigned long pending;

		if (!READ_ONCE(flags[word]))
			continue;
		pending = xchg(&flags[word], 0);
		for_each_set_bit(bit, &pending, BITS_PER_LONG) {
			u32 relid = word * BITS_PER_LONG + bit;

			if (relid)	/* relid 0 is never a channel */
				hvg_chan_event(relid);
		}
	}
}

static void hvg_handle_events(struct hvg_synic *s)
{
	unsigned long *flags = s->siefp->sintevent_flags[HVG_VMBUS_SINT].flags;

	if (hvg_conn.version >= VERSION_WIN8) {
		hvg_scan_flags(flags, HVG_EVENT_FLAGS_COUNT);
		return;
	}
	/* WIN7: bit 0 says "look at the receive half of the interrupt page". */
	if (!test_and_clear_bit(0, flags) || !hvg_conn.int_page)
		return;
	hvg_scan_flags(hvg_conn.int_page, PAGE_SIZE / 2 * 8);
}

/**
 * hv_backend_interrupt() - the VMBus interrupt
 *
 * Called by the backend in hard interrupt context on the CPU whose SynIC
 * received a message or event.
 */
void hv_backend_interrupt(void)
{
	struct hvg_synic *s = this_cpu_ptr(&hvg_synic);
	struct hv_message *slot;

	if (!s->enabled)
		return;
	hvg_handle_events(s);
	slot = &s->simp->sint_message[HVG_VMBUS_SINT];
	if (READ_ONCE(slot->header.message_type) != HVMSG_NONE)
		queue_work_on(smp_processor_id(), hvg_conn.msg_wq, &s->msg_work);
}
EXPORT_SYMBOL_GPL(hv_backend_interrupt);

/* Free the slot; ask for the next message if the host has one waiting. */
static void hvg_slot_release(struct hv_message *slot)
{
	WRITE_ONCE(slot->header.message_type, HVMSG_NONE);
	/* The slot must be seen free before the host is asked to refill it. */
	mb();
	if (READ_ONCE(slot->header.message_flags) & HVG_MSG_FLAG_PENDING)
		hvg_conn.ops->eom();
}

static void hvg_msg_work(struct work_struct *work)
{
	struct hvg_synic *s = container_of(work, struct hvg_synic, msg_work);
	struct hv_message *slot = &s->simp->sint_message[HVG_VMBUS_SINT];
	struct hv_message msg;
	unsigned int n;

	for (n = 0; ; n++) {
		u32 type, size;

		/* Bound to this CPU by queue_work_on(); EOM must come from it. */
		preempt_disable();
		type = READ_ONCE(slot->header.message_type);
		if (type == HVMSG_NONE) {
			preempt_enable();
			break;
		}
		/* A host that refills the slot at once does not keep us here. */
		if (n == HVG_MSG_BUDGET) {
			queue_work_on(smp_processor_id(), hvg_conn.msg_wq, work);
			preempt_enable();
			break;
		}
		/* Read the type before the payload the host wrote ahead of it. */
		rmb();
		memcpy(&msg, slot, sizeof(msg));
		hvg_slot_release(slot);
		preempt_enable();

		size = msg.header.payload_size;
		if (type != HVMSG_VMBUS) {
			hvg_err_rl("ignoring SynIC message of type %#x\n",
				   type);
			continue;
		}
		hvg_dispatch_msg(msg.payload, size);
	}
}

static void hvg_synic_enable_cpu(void *arg)
{
	struct hvg_synic *s = this_cpu_ptr(&hvg_synic);
	int *err = arg;
	int ret;

	ret = hvg_conn.ops->synic_enable(smp_processor_id(),
					 virt_to_phys(s->simp),
					 virt_to_phys(s->siefp));
	if (!ret)
		s->enabled = true;
	else if (ret != -ENODEV)	/* -ENODEV: no VMBus interrupts here */
		*err = ret;
}

static void hvg_synic_disable_cpu(void *arg)
{
	struct hvg_synic *s = this_cpu_ptr(&hvg_synic);

	if (!s->enabled)
		return;
	s->enabled = false;
	hvg_conn.ops->synic_disable(smp_processor_id());
}

static void hvg_synic_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct hvg_synic *s = per_cpu_ptr(&hvg_synic, cpu);

		free_page((unsigned long)s->simp);
		free_page((unsigned long)s->siefp);
		s->simp = NULL;
		s->siefp = NULL;
	}
}

/* Whether @s has channel events not handled yet (relid 0 is no channel). */
static bool hvg_events_pending(struct hvg_synic *s)
{
	unsigned long *flags = s->siefp->sintevent_flags[HVG_VMBUS_SINT].flags;

	return find_next_bit(flags, HVG_EVENT_FLAGS_COUNT, 1) < HVG_EVENT_FLAGS_COUNT;
}

/*
 * CPU hotplug teardown, as Linux's hv_synic_cleanup(): while connected,
 * refuse to take down the CPU the host sends its messages to (0), a CPU a
 * channel targets (the host would go on signalling it), and one with
 * channel events still pending after a short wait (a channel just moved
 * away on a host that does not confirm MODIFYCHANNEL).  Runs on @cpu with
 * CPU hotplug locked against chan_cpu_store(); a channel offered meanwhile
 * does not pick @cpu, which is no longer active (hvg_synic_pick_cpu()).
 * The SynIC stays enabled: nothing targets the CPU when it is back.
 */
static int hvg_synic_cpu_down(unsigned int cpu)
{
	struct hvg_synic *s = per_cpu_ptr(&hvg_synic, cpu);
	struct hvg_channel *chan;
	bool busy = false;
	int tries;

	if (!READ_ONCE(hvg_conn.connected))
		return 0;
	if (cpu == 0)
		return -EBUSY;
	spin_lock_irq(&hvg_conn.chan_lock);
	list_for_each_entry(chan, &hvg_conn.channels, node) {
		if (chan->target_cpu == cpu) {
			busy = true;
			break;
		}
	}
	spin_unlock_irq(&hvg_conn.chan_lock);
	if (busy)
		return -EBUSY;
	/* Channels move only from VMBus 4.1 on (MODIFYCHANNEL). */
	if (!s->enabled || hvg_conn.version < VERSION_WIN10_V4_1)
		return 0;
	for (tries = 0; tries < 3 && hvg_events_pending(s); tries++)
		usleep_range(10000, 20000);
	return hvg_events_pending(s) ? -EBUSY : 0;
}

/**
 * hvg_synic_init() - allocate the SynIC pages and enable every online CPU
 *
 * CPUs that come online later are not given a SynIC; channels can only
 * target the CPUs online at connect time.  While connected, a CPU that
 * channels need cannot go offline (hvg_synic_cpu_down()).
 *
 * Return: 0 or a negative errno.
 */
int hvg_synic_init(void)
{
	unsigned int cpu;
	int err = 0;

	for_each_possible_cpu(cpu) {
		struct hvg_synic *s = per_cpu_ptr(&hvg_synic, cpu);

		INIT_WORK(&s->msg_work, hvg_msg_work);
		s->simp = (void *)get_zeroed_page(GFP_KERNEL);
		s->siefp = (void *)get_zeroed_page(GFP_KERNEL);
		if (!s->simp || !s->siefp) {
			hvg_synic_free();
			return -ENOMEM;
		}
	}
	err = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hv_vmbus:online",
					NULL, hvg_synic_cpu_down);
	if (err < 0) {
		hvg_synic_free();
		return err;
	}
	hvg_cpuhp_state = err;
	err = 0;
	cpus_read_lock();
	on_each_cpu(hvg_synic_enable_cpu, &err, 1);
	cpus_read_unlock();
	/* Messages go to CPU 0 (INITIATE_CONTACT's target VP). */
	if (!err && !per_cpu_ptr(&hvg_synic, 0)->enabled)
		err = -ENODEV;
	if (err)
		hvg_synic_exit();
	return err;
}

/**
 * hvg_synic_exit() - disable the SynIC on every CPU and free its pages
 */
void hvg_synic_exit(void)
{
	unsigned int cpu;

	if (hvg_cpuhp_state > 0) {
		cpuhp_remove_state_nocalls(hvg_cpuhp_state);
		hvg_cpuhp_state = 0;
	}
	cpus_read_lock();
	on_each_cpu(hvg_synic_disable_cpu, NULL, 1);
	cpus_read_unlock();
	for_each_possible_cpu(cpu)
		cancel_work_sync(&per_cpu_ptr(&hvg_synic, cpu)->msg_work);
	hvg_synic_free();
}

/**
 * hvg_synic_cpu_ok() - whether @cpu can receive VMBus interrupts
 * @cpu: a CPU number
 *
 * Return: true if the SynIC of @cpu is enabled.
 */
bool hvg_synic_cpu_ok(u32 cpu)
{
	return cpu < nr_cpu_ids && cpu_online(cpu) &&
	       per_cpu_ptr(&hvg_synic, cpu)->enabled;
}

/**
 * hvg_synic_pick_cpu() - a CPU for a channel's interrupts
 * @n: a number, e.g. the subchannel index
 *
 * Called under chan_lock, with the channel put on the list in the same
 * section (see hvg_synic_cpu_down()).
 *
 * Return: the (@n modulo their count)-th active CPU with an enabled SynIC:
 * with every CPU enabled and CPUs numbered from 0, @n modulo the number of
 * online CPUs.  CPU 0 if none is enabled.
 */
u32 hvg_synic_pick_cpu(u32 n)
{
	unsigned int cpu, count = 0;

	lockdep_assert_held(&hvg_conn.chan_lock);
	for_each_cpu(cpu, cpu_active_mask)
		count += hvg_synic_cpu_ok(cpu);
	if (!count)
		return 0;
	n %= count;
	for_each_cpu(cpu, cpu_active_mask) {
		if (hvg_synic_cpu_ok(cpu) && !n--)
			return cpu;
	}
	return 0;
}

/**
 * hvg_post_msg_status() - send a channel message, return the hypercall status
 * @msg: the message, starting with its vmbus_channel_message_header
 * @size: its size in bytes, at most HVG_MSG_PAYLOAD_BYTES
 *
 * Retries for a while when the host's message buffers are full, and (as
 * Linux's vmbus_post_msg() does) when the connection id is refused for any
 * message but INITIATE_CONTACT, which the host may do while it is busy.
 * An INITIATE_CONTACT refused with HV_STATUS_INVALID_CONNECTION_ID is not
 * retried: the host has no such message port (it predates VMBus 5.0).
 * Must be called from a context that may sleep.
 *
 * Return: the HV_STATUS_* of the last attempt.
 */
u16 hvg_post_msg_status(void *msg, u32 size)
{
	const struct vmbus_channel_message_header *hdr = msg;
	u16 status = HVG_STATUS_INSUFFICIENT_BUFFERS;
	unsigned int tries;

	for (tries = 0; tries < 100; tries++) {
		status = hvg_conn.ops->post_message(hvg_conn.msg_conn_id,
						    HVMSG_VMBUS, msg, size);
		if (status == HVG_STATUS_INVALID_CONNECTION_ID &&
		    hdr->msgtype == CHANNELMSG_INITIATE_CONTACT)
			break;
		if (status != HVG_STATUS_INSUFFICIENT_BUFFERS &&
		    status != HVG_STATUS_INVALID_CONNECTION_ID)
			break;
		usleep_range(1000, 2000);
	}
	return status;
}

/**
 * hvg_post_msg() - send a channel message to the host
 * @msg: the message, starting with its vmbus_channel_message_header
 * @size: its size in bytes, at most HVG_MSG_PAYLOAD_BYTES
 *
 * As hvg_post_msg_status(), with any failure logged.
 *
 * Return: 0, or -EIO if the host refused the message.
 */
int hvg_post_msg(void *msg, u32 size)
{
	const struct vmbus_channel_message_header *hdr = msg;
	u16 status = hvg_post_msg_status(msg, size);

	if (status == HVG_STATUS_SUCCESS)
		return 0;
	hvg_err_rl("host refused %s message: status %u\n",
		   hv_msg_name(hdr->msgtype), status);
	return -EIO;
}
