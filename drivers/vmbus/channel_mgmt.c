// SPDX-License-Identifier: GPL-2.0-only
/*
 * Channel life cycle driven by the host: offers (primary channels become
 * devices, subchannels go to their primary's driver), rescinds, the relid
 * table that routes event flags, and per-channel target CPUs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/slab.h>

#include "vmbus_priv.h"
#include "msg.h"

static const char * const hvg_state_names[] = {
	[HVG_CHAN_OFFERED] = "offered",
	[HVG_CHAN_OPENING] = "opening",
	[HVG_CHAN_OPEN] = "open",
	[HVG_CHAN_CLOSING] = "closing",
	[HVG_CHAN_FAILED] = "failed",
};

const char *hvg_chan_state_name(const struct hvg_channel *chan)
{
	if (chan->rescinded)
		return "rescinded";
	return hvg_state_names[READ_ONCE(chan->state)];
}

/* Caller holds chan_lock or is in an RCU-like hardirq section (see below). */
static struct hvg_channel *hvg_relid_lookup(u32 relid)
{
	if (!relid || relid >= VMBUS_MAX_CHANNEL_RELIDS)
		return NULL;
	return READ_ONCE(hvg_conn.relid_table[relid]);
}

struct hvg_channel *hvg_relid_get(u32 relid)
{
	struct hvg_channel *chan;

	spin_lock_irq(&hvg_conn.chan_lock);
	chan = hvg_relid_lookup(relid);
	spin_unlock_irq(&hvg_conn.chan_lock);
	return chan;
}

/**
 * hvg_chan_event() - the host signalled channel @relid
 * @relid: relid whose event flag was set
 *
 * Hard interrupt context.  chan_lock is taken with interrupts disabled
 * everywhere else, so the channel cannot be freed under us.
 */
void hvg_chan_event(u32 relid)
{
	struct hvg_channel *chan;

	spin_lock(&hvg_conn.chan_lock);
	chan = hvg_relid_lookup(relid);
	if (chan && READ_ONCE(chan->state) == HVG_CHAN_OPEN) {
		chan->interrupts++;
		tasklet_schedule(&chan->tasklet);
	}
	spin_unlock(&hvg_conn.chan_lock);
}

static void hvg_rescind_work(struct work_struct *work);

static struct hvg_channel *hvg_channel_alloc(const struct vmbus_channel_offer_channel *o)
{
	struct hvg_channel *chan = kzalloc(sizeof(*chan), GFP_KERNEL);

	if (!chan)
		return NULL;
	chan->offer = *o;
	chan->relid = o->child_relid;
	chan->subindex = o->offer.sub_channel_index;
	chan->monitored = o->monitor_flags & VMBUS_OFFER_MONITOR_ALLOCATED;
	chan->monitorid = o->monitorid;
	chan->sig_conn_id = o->connection_id;
	chan->state = HVG_CHAN_OFFERED;
	INIT_LIST_HEAD(&chan->subs);
	INIT_LIST_HEAD(&chan->sub_node);
	spin_lock_init(&chan->out_lock);
	spin_lock_init(&chan->in_lock);
	spin_lock_init(&chan->rqst.lock);
	init_waitqueue_head(&chan->space_wait);
	tasklet_setup(&chan->tasklet, hvg_channel_tasklet);
	init_completion(&chan->open_done);
	init_completion(&chan->modify_done);
	mutex_init(&chan->modify_lock);
	mutex_init(&chan->ring_lock);
	mutex_init(&chan->open_lock);
	INIT_WORK(&chan->rescind_work, hvg_rescind_work);
	return chan;
}

/**
 * hvg_channel_free() - free a channel that is no longer reachable
 * @chan: the channel, removed from the relid table and closed
 */
void hvg_channel_free(struct hvg_channel *chan)
{
	hvg_chan_sysfs_del(chan);
	kfree(chan);
}

static struct hvg_channel *hvg_find_primary(const guid_t *instance)
{
	struct hvg_channel *c;

	list_for_each_entry(c, &hvg_conn.channels, node)
		if (!c->primary && !c->rescinded &&
		    guid_equal(&c->offer.offer.if_instance, instance))
			return c;
	return NULL;
}

/**
 * hvg_instance_in_use() - whether another primary has a device of the same
 *	instance GUID
 * @primary: a primary channel about to get its device
 *
 * The device is named after the instance, so a host offering an instance
 * twice must not make device_add() fail on a duplicate sysfs name.
 *
 * Return: true if such a device exists.
 */
bool hvg_instance_in_use(const struct hvg_channel *primary)
{
	const guid_t *inst = &primary->offer.offer.if_instance;
	struct hvg_channel *c;
	bool found = false;

	spin_lock_irq(&hvg_conn.chan_lock);
	list_for_each_entry(c, &hvg_conn.channels, node) {
		if (c != primary && !c->primary && c->hdev &&
		    guid_equal(&c->offer.offer.if_instance, inst)) {
			found = true;
			break;
		}
	}
	spin_unlock_irq(&hvg_conn.chan_lock);
	return found;
}

static void hvg_sub_add_work(struct work_struct *work)
{
	struct hvg_channel *sub = container_of(work, struct hvg_channel, add_work);
	struct hvg_channel *primary = sub->primary;
	bool gone;

	hvg_chan_sysfs_add(sub);
	/* device_lock: the callback belongs to the bound driver. */
	device_lock(&primary->hdev->dev);
	gone = READ_ONCE(sub->rescinded);
	if (primary->sc_cb && !gone)
		primary->sc_cb(sub);
	else if (gone)
		hvg_channel_finish(sub);	/* no driver will close it */
	device_unlock(&primary->hdev->dev);
}

static void hvg_primary_add_work(struct work_struct *work)
{
	struct hvg_channel *chan = container_of(work, struct hvg_channel, add_work);

	if (hvg_device_add(chan))
		pr_err("could not add a device for relid %u\n",
		       chan->relid);
}

void hvg_on_offer(const struct vmbus_channel_offer_channel *o)
{
	struct hvg_channel *chan, *primary = NULL;

	if (hv_msg_check_offer(o, hvg_conn.version)) {
		hvg_err_rl("malformed offer (relid %u, monitor id %u) refused\n",
			   o->child_relid, o->monitorid);
		return;
	}
	chan = hvg_channel_alloc(o);
	if (!chan)
		return;

	spin_lock_irq(&hvg_conn.chan_lock);
	if (hvg_relid_lookup(chan->relid)) {
		spin_unlock_irq(&hvg_conn.chan_lock);
		hvg_err_rl("duplicate offer for relid %u refused\n",
			   chan->relid);
		kfree(chan);
		return;
	}
	if (chan->subindex) {
		primary = hvg_find_primary(&o->offer.if_instance);
		if (!primary || !primary->hdev) {
			spin_unlock_irq(&hvg_conn.chan_lock);
			hvg_err_rl("subchannel offer %u has no primary, refused\n",
				   chan->relid);
			kfree(chan);
			return;
		}
		chan->primary = primary;
		chan->hdev = primary->hdev;
		list_add_tail(&chan->sub_node, &primary->subs);
	}
	/*
	 * Spread subchannels over the CPUs; the primary starts on CPU 0.
	 * Picked under chan_lock among active CPUs: a CPU going offline is
	 * inactive before hvg_synic_cpu_down() looks for its channels.
	 */
	chan->target_cpu = hvg_synic_pick_cpu(chan->subindex);
	list_add_tail(&chan->node, &hvg_conn.channels);
	WRITE_ONCE(hvg_conn.relid_table[chan->relid], chan);
	spin_unlock_irq(&hvg_conn.chan_lock);

	INIT_WORK(&chan->add_work, primary ? hvg_sub_add_work : hvg_primary_add_work);
	queue_work(hvg_conn.dev_wq, &chan->add_work);
}

/* Unlink @chan from routing and tell the host its relid may be reused. */
static void hvg_release_relid(struct hvg_channel *chan)
{
	struct vmbus_channel_relid_released msg = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = chan->relid,
	};

	/*
	 * A subchannel stays on its primary's list, which frees it with the
	 * device (its driver may still hold it); its sysfs directory goes now,
	 * as the host may offer the relid again.
	 */
	if (chan->primary)
		hvg_chan_sysfs_del(chan);
	spin_lock_irq(&hvg_conn.chan_lock);
	list_del_init(&chan->node);
	if (hvg_conn.relid_table[chan->relid] == chan)
		WRITE_ONCE(hvg_conn.relid_table[chan->relid], NULL);
	spin_unlock_irq(&hvg_conn.chan_lock);
	if (chan->rescinded && hvg_conn.connected)
		hvg_post_msg(&msg, sizeof(msg));
}

static void hvg_rescind_work(struct work_struct *work)
{
	struct hvg_channel *chan = container_of(work, struct hvg_channel,
						rescind_work);

	if (chan->primary) {
		/*
		 * An open subchannel is closed by its driver, which releases
		 * the relid then.  One not open (never taken, refused, or
		 * closed before) nobody will close: release it now, as Linux's
		 * vmbus_onoffer_rescind() does.  The device removal frees it.
		 */
		mutex_lock(&chan->open_lock);
		if (READ_ONCE(chan->state) == HVG_CHAN_OFFERED)
			hvg_channel_finish(chan);
		mutex_unlock(&chan->open_lock);
		return;
	}
	if (chan->hdev) {
		hvg_device_remove(chan->hdev);
		return;
	}
	/*
	 * Rescinded before it got a device (at once after its offer, or its
	 * device could not be added): never opened, so nothing but the relid
	 * table and the channel list refer to it.  Take it out of both and
	 * release the relid before freeing it.
	 */
	hvg_channel_finish(chan);
	hvg_channel_free(chan);
}

void hvg_on_rescind(u32 relid)
{
	struct hvg_channel *chan;

	bool again = false;

	spin_lock_irq(&hvg_conn.chan_lock);
	chan = hvg_relid_lookup(relid);
	if (chan) {
		again = chan->rescinded;
		WRITE_ONCE(chan->rescinded, true);
	}
	spin_unlock_irq(&hvg_conn.chan_lock);
	if (!chan) {
		hvg_err_rl("rescind for unknown relid %u ignored\n", relid);
		return;
	}
	if (again) {
		/* Its rescind work may be freeing it: do not touch it again. */
		hvg_err_rl("second rescind of relid %u ignored\n", relid);
		return;
	}
	pr_info("channel %u rescinded by the host\n", relid);

	/* Whoever waits for this channel must not wait for the host. */
	complete_all(&chan->open_done);
	complete_all(&chan->modify_done);
	wake_up_all(&chan->space_wait);
	if (READ_ONCE(chan->state) == HVG_CHAN_OPEN)
		tasklet_schedule(&chan->tasklet);

	/* Ordered after the channel's add work on the same queue. */
	queue_work(hvg_conn.dev_wq, &chan->rescind_work);
}

void hvg_on_open_result(const struct vmbus_channel_open_result *res)
{
	struct hvg_channel *chan;
	bool ok = false;

	spin_lock_irq(&hvg_conn.chan_lock);
	chan = hvg_relid_lookup(res->child_relid);
	if (chan && READ_ONCE(chan->state) == HVG_CHAN_OPENING &&
	    res->openid == chan->openid && !completion_done(&chan->open_done)) {
		chan->open_status = res->status;
		chan->open_answered = true;
		complete(&chan->open_done);
		ok = true;
	}
	spin_unlock_irq(&hvg_conn.chan_lock);
	if (!ok)
		hvg_err_rl("OPENCHANNEL_RESULT for relid %u open id %u answers no open in progress, ignored\n",
			   res->child_relid, res->openid);
}

void hvg_on_modify_response(const struct vmbus_channel_modifychannel_response *r)
{
	const char *what = NULL;
	struct hvg_channel *chan;

	spin_lock_irq(&hvg_conn.chan_lock);
	chan = hvg_relid_lookup(r->child_relid);
	if (!chan) {
		what = "for an unknown relid";
	} else if (chan->modify_late) {
		/* The host answers in order: this one is owed to a timed-out request. */
		chan->modify_late--;
		what = "late, for a request that timed out";
	} else if (!chan->modify_waiting) {
		what = "without a request";
	} else {
		chan->modify_waiting = false;
		chan->modify_status = r->status;
		complete(&chan->modify_done);
	}
	spin_unlock_irq(&hvg_conn.chan_lock);
	if (what)
		hvg_err_rl("MODIFYCHANNEL_RESPONSE for relid %u %s, ignored\n",
			   r->child_relid, what);
}

/* Send MODIFYCHANNEL and wait for its response (VMBus 5.3 and later). */
static int hvg_modify_wait(struct hvg_channel *chan,
			   struct vmbus_channel_modifychannel *msg)
{
	bool answered;
	int ret;

	lockdep_assert_held(&chan->modify_lock);
	spin_lock_irq(&hvg_conn.chan_lock);
	/*
	 * A rescind before this point completed modify_done before the
	 * reinit below: do not post, nor wait out the timeout for an answer
	 * the host owes no revoked channel.  One after it completes it again.
	 */
	if (chan->rescinded) {
		spin_unlock_irq(&hvg_conn.chan_lock);
		return -ENODEV;
	}
	reinit_completion(&chan->modify_done);
	chan->modify_waiting = true;
	spin_unlock_irq(&hvg_conn.chan_lock);

	ret = hvg_post_msg(msg, sizeof(*msg));
	if (!ret && !wait_for_completion_timeout(&chan->modify_done, HVG_MSG_TIMEOUT))
		ret = -ETIMEDOUT;

	spin_lock_irq(&hvg_conn.chan_lock);
	answered = !chan->modify_waiting;
	chan->modify_waiting = false;
	/* Posted, not answered: its response, if it comes, is stale. */
	if (!answered && ret != -EIO && !chan->rescinded)
		chan->modify_late++;
	spin_unlock_irq(&hvg_conn.chan_lock);

	if (READ_ONCE(chan->rescinded))
		return -ENODEV;
	if (ret == -ETIMEDOUT && answered)
		ret = 0;	/* the response raced with the timeout */
	if (ret == -ETIMEDOUT)
		pr_err("no reply from the host to MODIFYCHANNEL for relid %u\n",
		       chan->relid);
	if (ret)
		return ret;
	if (chan->modify_status) {
		hvg_err_rl("host refused to move channel %u: status %#x\n",
			   chan->relid, chan->modify_status);
		return -EIO;
	}
	return 0;
}

/**
 * hvg_channel_set_cpu() - move a channel's interrupts to another CPU
 * @chan: the channel
 * @cpu: the new target CPU
 *
 * The caller holds cpus_read_lock(): @cpu stays online, and the CPU
 * hotplug callback (hvg_synic_cpu_down()) sees the new target.
 *
 * Return: 0, -EINVAL for a CPU without a SynIC, -EOPNOTSUPP before VMBus
 * 4.1, -EIO if the host refused, -ETIMEDOUT if a 5.3 host did not answer.
 */
int hvg_channel_set_cpu(struct hvg_channel *chan, u32 cpu)
{
	struct vmbus_channel_modifychannel msg = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL,
		.child_relid = chan->relid,
	};
	int ret;

	/* lockdep_assert_cpus_held() is not exported to modules. */
	if (!hvg_synic_cpu_ok(cpu))
		return -EINVAL;
	msg.target_vp = hvg_conn.ops->vp_index(cpu);
	/*
	 * The state under modify_lock, which close takes to leave OPEN: no
	 * MODIFYCHANNEL follows CLOSECHANNEL (the host ignores it for a
	 * channel that is not open, as Linux's target_cpu_store() notes).
	 */
	mutex_lock(&chan->modify_lock);
	if (READ_ONCE(chan->state) != HVG_CHAN_OPEN) {
		/* Takes effect at the next open. */
		WRITE_ONCE(chan->target_cpu, cpu);
		ret = 0;
	} else if (hvg_conn.version < VERSION_WIN10_V4_1) {
		ret = -EOPNOTSUPP;
	} else {
		/* Only hosts of 5.3 ("Iron") and later answer MODIFYCHANNEL. */
		if (hvg_conn.version >= VERSION_WIN10_V5_3)
			ret = hvg_modify_wait(chan, &msg);
		else
			ret = hvg_post_msg(&msg, sizeof(msg));
		if (!ret)
			WRITE_ONCE(chan->target_cpu, cpu);
	}
	mutex_unlock(&chan->modify_lock);
	return ret;
}

/**
 * hvg_channel_finish() - forget a channel after its driver closed it
 * @chan: a closed channel
 *
 * Releases the relid if the host rescinded the channel.
 */
void hvg_channel_finish(struct hvg_channel *chan)
{
	/* A subchannel's rescind work and its driver's close may race here. */
	if (xchg(&chan->released, true))
		return;
	hvg_release_relid(chan);
}

/**
 * hvg_remove_all_devices() - remove every device, as before an UNLOAD
 */
void hvg_remove_all_devices(void)
{
	struct hvg_channel *chan;

	flush_workqueue(hvg_conn.msg_wq);
	flush_workqueue(hvg_conn.dev_wq);
	for (;;) {
		spin_lock_irq(&hvg_conn.chan_lock);
		chan = list_first_entry_or_null(&hvg_conn.channels,
						struct hvg_channel, node);
		/* Subchannels are removed with their primary. */
		while (chan && chan->primary)
			chan = chan->primary;
		spin_unlock_irq(&hvg_conn.chan_lock);
		if (!chan)
			break;
		if (chan->hdev) {
			hvg_device_remove(chan->hdev);
		} else {
			hvg_channel_finish(chan);
			hvg_channel_free(chan);
		}
	}
}
