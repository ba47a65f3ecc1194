// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's devices and channels: creation, offers, open and close,
 * rescind, and the work item that services an open channel.
 *
 * Everything here runs with hvsim.lock held for writing, on the host
 * workqueue or before it has work, but the service of a parallel channel
 * (hvsim_chan_work).  Fields that atomic context looks at (the relid and
 * monitor tables, chan->state) are also written under chan_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "hvsim.h"

const char *hvsim_chan_state_str(const struct hvsim_chan *chan)
{
	switch (chan->state) {
	case HVSIM_CHAN_OPEN:
		return "open";
	case HVSIM_CHAN_RESCINDED:
		return "rescinded";
	default:
		return "offered";
	}
}

static void hvsim_set_state(struct hvsim_chan *chan,
			    enum hvsim_chan_state state)
{
	spin_lock_irq(&hvsim.chan_lock);
	chan->state = state;
	spin_unlock_irq(&hvsim.chan_lock);
}

struct hvsim_chan *hvsim_chan_get(u32 relid)
{
	return relid < VMBUS_MAX_CHANNEL_RELIDS ? hvsim.relids[relid] : NULL;
}

/**
 * hvsim_chan_queue() - have a channel serviced
 * @chan: a channel that is not freed
 *
 * The work does nothing unless the channel is open when it runs.
 */
void hvsim_chan_queue(struct hvsim_chan *chan)
{
	queue_work(chan->dev->svc->parallel ? hvsim.par_wq : hvsim.wq,
		   &chan->work);
}

/* chan_lock held: have the channel serviced if it is open. */
void hvsim_chan_kick_locked(struct hvsim_chan *chan)
{
	lockdep_assert_held(&hvsim.chan_lock);

	if (chan->state == HVSIM_CHAN_OPEN && !hvsim.dead)
		hvsim_chan_queue(chan);
}

void hvsim_chan_broken(struct hvsim_chan *chan, const char *why)
{
	pr_err_ratelimited("relid %u: %s; channel no longer serviced\n",
			   chan->relid, why ? why : "ring error");
	chan->broken = true;
}

/* With hvsim.lock held: service @chan if it is open, again if it asks. */
static void hvsim_chan_run(struct hvsim_chan *chan)
{
	lockdep_assert_held(&hvsim.lock);

	if (chan->state == HVSIM_CHAN_OPEN && !chan->broken &&
	    chan->dev->svc->service(chan))
		hvsim_chan_queue(chan);	/* budget used up, or exclusive */
}

/*
 * The channel of a parallel service is serviced with hvsim.lock held for
 * reading, until its service asks for the host to itself.  Either way the
 * open channel, its device and its rings stay as they are while it runs.
 */
static void hvsim_chan_work(struct work_struct *work)
{
	struct hvsim_chan *chan = container_of(work, struct hvsim_chan, work);
	bool shared;

	down_read(&hvsim.lock);
	shared = chan->state == HVSIM_CHAN_OPEN && chan->dev->svc->parallel &&
		 !chan->exclusive;
	if (shared)
		hvsim_chan_run(chan);
	up_read(&hvsim.lock);
	if (shared)
		return;
	down_write(&hvsim.lock);
	chan->exclusive = true;
	hvsim_chan_run(chan);
	chan->exclusive = false;
	up_write(&hvsim.lock);
}

/*
 * Freed channels wait here for their work: it may be blocked on hvsim.lock,
 * which hvsim_chan_free() holds, so it cannot be cancelled there.
 */
void hvsim_chan_reap(struct work_struct *work)
{
	struct hvsim_chan *chan, *tmp;
	LIST_HEAD(dead);

	spin_lock(&hvsim.dead_lock);
	list_splice_init(&hvsim.dead_chans, &dead);
	spin_unlock(&hvsim.dead_lock);
	list_for_each_entry_safe(chan, tmp, &dead, dead) {
		cancel_work_sync(&chan->work);
		kfree(chan);
	}
}

static int hvsim_relid_alloc(void)
{
	int relid;

	/* A rescinded channel keeps its slot until RELID_RELEASED. */
	for (relid = 1; relid < VMBUS_MAX_CHANNEL_RELIDS; relid++)
		if (!hvsim.relids[relid])
			return relid;
	return -ENOSPC;
}

static int hvsim_monitorid_alloc(const struct hvsim_dev *dev)
{
	unsigned long id;

	if (!hvsim_monitor || dev->svc->no_monitor)
		return HVSIM_NO_MONITOR;
	id = find_first_zero_bit(hvsim.monitor_ids, VMBUS_MAX_MONITOR_ID + 1);
	if (id > VMBUS_MAX_MONITOR_ID)
		return HVSIM_NO_MONITOR;	/* fall back to signal_event */
	set_bit(id, hvsim.monitor_ids);
	return id;
}

/**
 * hvsim_chan_add() - create a channel of @dev; it is not offered yet
 * @dev: the device
 * @subidx: 0 for the primary channel, else the subchannel index
 *
 * Return: the channel, or NULL when out of memory or relids.
 */
struct hvsim_chan *hvsim_chan_add(struct hvsim_dev *dev, u16 subidx)
{
	struct hvsim_chan *chan;
	int relid = hvsim_relid_alloc();

	if (relid < 0)
		return NULL;
	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return NULL;
	chan->dev = dev;
	chan->relid = relid;
	chan->conn_id = HVSIM_CONN_ID_BASE + relid;
	chan->subidx = subidx;
	chan->state = HVSIM_CHAN_OFFERED;
	chan->monitorid = hvsim_monitorid_alloc(dev);
	INIT_WORK(&chan->work, hvsim_chan_work);

	spin_lock_irq(&hvsim.chan_lock);
	hvsim.relids[relid] = chan;
	if (chan->monitorid != HVSIM_NO_MONITOR)
		hvsim.monitored[chan->monitorid] = chan;
	spin_unlock_irq(&hvsim.chan_lock);
	list_add_tail(&chan->node, &hvsim.chans);
	dev->nchans++;
	return chan;
}

static void hvsim_bad_offer(struct vmbus_channel_offer_channel *msg)
{
	if (hvsim.offer_flip++ & 1) {
		msg->monitorid = VMBUS_MAX_MONITOR_ID + 1 + msg->monitorid % 64;
		msg->monitor_flags = VMBUS_OFFER_MONITOR_ALLOCATED;
		pr_info("fault: offer of relid %u with monitorid %u\n",
			msg->child_relid, msg->monitorid);
	} else {
		msg->child_relid += VMBUS_MAX_CHANNEL_RELIDS;
		pr_info("fault: offer with relid %u\n",
			msg->child_relid);
	}
}

/**
 * hvsim_chan_offer() - send the channel's offer, if the guest asked for offers
 * @chan: a channel that is not offered yet
 */
void hvsim_chan_offer(struct hvsim_chan *chan)
{
	struct vmbus_channel_offer_channel msg = {
		.header.msgtype = CHANNELMSG_OFFERCHANNEL,
		.offer.if_type = chan->dev->class_id,
		.offer.if_instance = chan->dev->instance,
		.offer.sub_channel_index = chan->subidx,
		.offer.mmio_megabytes = chan->dev->mmio_exact ||
					chan->dev->mmio_megabytes ?
					chan->dev->mmio_megabytes :
					chan->dev->svc->mmio_megabytes,
		.child_relid = chan->relid,
		.connection_id = chan->conn_id,
	};

	if (!hvsim.offers_requested || chan->offered)
		return;
	if (chan->monitorid != HVSIM_NO_MONITOR) {
		msg.monitorid = chan->monitorid;
		msg.monitor_flags = VMBUS_OFFER_MONITOR_ALLOCATED;
	}
	if (chan->dev->svc->offer)
		chan->dev->svc->offer(chan, &msg);
	if (hvsim_fault(HVSIM_FAULT_BAD_OFFER))
		hvsim_bad_offer(&msg);
	if (!chan->subidx && hvsim_fault(HVSIM_FAULT_ORPHAN_SUB)) {
		/* Its instance has no primary: a subchannel of nothing. */
		msg.offer.sub_channel_index = 1;
		pr_info("fault: relid %u offered as subchannel 1 of its instance\n",
			chan->relid);
	}
	chan->offered = true;
	hvsim_send(&msg, sizeof(msg));
}

/**
 * hvsim_chan_open() - start servicing a channel on the rings of @g
 * @chan: an offered, closed channel
 * @g: a complete GPADL of @chan, not holding other rings
 * @offset: page offset of the host->guest ring within @g, 2..npages-2
 * @vp: the VP to signal
 *
 * Return: 0, or -EINVAL if the ring headers hold invalid indices.
 */
int hvsim_chan_open(struct hvsim_chan *chan, struct hvsim_gpadl *g,
		    u32 offset, u32 vp)
{
	if (hvsim_ring_init(&chan->in, g->va, offset, true) ||
	    hvsim_ring_init(&chan->out, (u8 *)g->va + offset * PAGE_SIZE,
			    g->npages - offset, false))
		return -EINVAL;
	g->user = chan;
	chan->ring_gpadl = g;
	chan->target_vp = vp;
	chan->broken = false;
	if (chan->dev->svc->open && chan->dev->svc->open(chan)) {
		g->user = NULL;
		chan->ring_gpadl = NULL;
		return -EINVAL;
	}
	hvsim_set_state(chan, HVSIM_CHAN_OPEN);
	hvsim_monitor_open(chan);
	hvsim_chan_queue(chan);		/* the guest may have written */
	return 0;
}

/* Stop servicing; the ring GPADL stays until the guest tears it down. */
void hvsim_chan_close(struct hvsim_chan *chan)
{
	if (chan->state != HVSIM_CHAN_OPEN)
		return;
	hvsim_set_state(chan, HVSIM_CHAN_OFFERED);
	hvsim_monitor_close(chan);
	if (chan->dev->svc->close)
		chan->dev->svc->close(chan);
	chan->ring_gpadl->user = NULL;
	chan->ring_gpadl = NULL;
	memset(&chan->in, 0, sizeof(chan->in));
	memset(&chan->out, 0, sizeof(chan->out));
}

static void hvsim_dev_free(struct hvsim_dev *dev)
{
	debugfs_remove_recursive(dev->dir);
	if (dev->svc->destroy)
		dev->svc->destroy(dev);
	list_del(&dev->node);
	kfree(dev);
}

/* Frees @chan, and its device if that was rescinded and this was the last. */
void hvsim_chan_free(struct hvsim_chan *chan)
{
	struct hvsim_dev *dev = chan->dev;

	hvsim_chan_close(chan);
	spin_lock_irq(&hvsim.chan_lock);
	hvsim.relids[chan->relid] = NULL;
	if (chan->monitorid != HVSIM_NO_MONITOR)
		hvsim.monitored[chan->monitorid] = NULL;
	spin_unlock_irq(&hvsim.chan_lock);
	if (chan->monitorid != HVSIM_NO_MONITOR)
		clear_bit(chan->monitorid, hvsim.monitor_ids);
	hvsim_gpadl_drop_relid(chan->relid);
	list_del(&chan->node);
	/* Not open, out of the tables: nothing queues its work any more. */
	spin_lock(&hvsim.dead_lock);
	list_add_tail(&chan->dead, &hvsim.dead_chans);
	spin_unlock(&hvsim.dead_lock);
	schedule_work(&hvsim.reap_work);
	if (!--dev->nchans && dev->rescinded)
		hvsim_dev_free(dev);
}

static void hvsim_chan_rescind(struct hvsim_chan *chan)
{
	struct vmbus_channel_rescind_offer msg = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
		.child_relid = chan->relid,
	};

	if (!chan->offered) {
		hvsim_chan_free(chan);
		return;
	}
	hvsim_chan_close(chan);
	hvsim_set_state(chan, HVSIM_CHAN_RESCINDED);
	hvsim_send(&msg, sizeof(msg));
}

/**
 * hvsim_offer_rescinded_sub() - offer a subchannel of @dev and rescind it
 * @dev: a device whose primary channel is being opened
 *
 * fault_rescind_sub: the guest gets a subchannel it did not ask for and its
 * rescind before its driver can have taken it.  The index is the next one
 * free; the device's count of subchannels is not changed.
 */
void hvsim_offer_rescinded_sub(struct hvsim_dev *dev)
{
	struct hvsim_chan *chan = hvsim_chan_add(dev, dev->nsub + 1);

	if (!chan)
		return;
	pr_info("fault: dev%u: subchannel relid %u offered and rescinded at once\n",
		dev->id, chan->relid);
	hvsim_chan_offer(chan);
	hvsim_chan_rescind(chan);
}

/* One stray offer of @dev with subchannel index @subidx. */
static void hvsim_offer_stray(struct hvsim_dev *dev, u16 subidx)
{
	struct hvsim_chan *chan = hvsim_chan_add(dev, subidx);

	if (!chan)
		return;
	chan->stray = true;
	pr_info("fault: dev%u: stray subchannel index %u relid %u\n",
		dev->id, subidx, chan->relid);
	hvsim_chan_offer(chan);
}

/*
 * fault_sub_index: after the subchannels asked for, two offers of the same
 * instance that are none of them: index HVSIM_MAX_SUBCHANNELS + 1, above
 * any count a guest can ask for, and index 0, a second primary.  Neither
 * counts in the device's subchannels; both go with the device, or at its
 * next hvsim_rescind_subchannels().
 */
static void hvsim_offer_strays(struct hvsim_dev *dev)
{
	hvsim_offer_stray(dev, HVSIM_MAX_SUBCHANNELS + 1);
	hvsim_offer_stray(dev, 0);
}

/**
 * hvsim_add_subchannels() - make sure @dev has subchannels 1..@n
 * @dev: the device
 * @n: number of subchannels wanted, at most HVSIM_MAX_SUBCHANNELS
 *
 * New subchannels are offered at once.  Return: 0 or -ENOSPC.
 */
int hvsim_add_subchannels(struct hvsim_dev *dev, u32 n)
{
	bool added = dev->nsub < n;

	while (dev->nsub < n) {
		struct hvsim_chan *chan = hvsim_chan_add(dev, dev->nsub + 1);

		if (!chan)
			return -ENOSPC;
		dev->nsub++;
		hvsim_chan_offer(chan);
	}
	if (added && hvsim_fault(HVSIM_FAULT_SUB_INDEX))
		hvsim_offer_strays(dev);
	return 0;
}

/**
 * hvsim_rescind_subchannels() - rescind every subchannel of @dev
 * @dev: the device; its primary channel stays
 *
 * For services whose guest asks for subchannels anew after reopening the
 * primary: new ones get the indices 1.. again.
 */
void hvsim_rescind_subchannels(struct hvsim_dev *dev)
{
	struct hvsim_chan *chan, *tmp;

	list_for_each_entry_safe(chan, tmp, &hvsim.chans, node)
		if (chan->dev == dev && (chan->subidx || chan->stray) &&
		    chan->state != HVSIM_CHAN_RESCINDED)
			hvsim_chan_rescind(chan);
	dev->nsub = 0;
}

/**
 * hvsim_take_word() - take "KEY=VALUE" out of a control file's arguments
 * @args: the words, separated by white space; the one taken is blanked out
 *	in place
 * @key: KEY
 * @val: filled with VALUE, truncated to @len
 * @len: size of @val
 *
 * Return: true if @key was there.
 */
bool hvsim_take_word(char *args, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	char *p = args, *end;

	while (p && (p = strstr(p, key))) {
		if ((p != args && !isspace(p[-1])) || p[klen] != '=') {
			p += klen;
			continue;
		}
		end = p + klen + 1;
		while (*end && !isspace(*end))
			end++;
		strscpy(val, p + klen + 1, min_t(size_t, len, end - p - klen));
		memset(p, ' ', end - p);
		return true;
	}
	return false;
}

/*
 * The words of `new_device` that every service takes: "instance=GUID"
 * offers the device with that instance GUID (another device may have it:
 * a host re-offering an instance), "rescind=offer" rescinds it right after
 * its offer, before the guest can have made a device of it.
 */
static int hvsim_dev_words(struct hvsim_dev *dev, char *args, bool *rescind)
{
	char val[40];

	if (hvsim_take_word(args, "instance", val, sizeof(val)) &&
	    guid_parse(val, &dev->instance)) {
		pr_err("new_device: instance=%s is not a GUID\n", val);
		return -EINVAL;
	}
	if (hvsim_take_word(args, "rescind", val, sizeof(val))) {
		if (strcmp(val, "offer")) {
			pr_err("new_device: rescind=%s: only rescind=offer is known\n",
			       val);
			return -EINVAL;
		}
		*rescind = true;
	}
	return 0;
}

/**
 * hvsim_dev_add() - create a device and offer it if the guest is up
 * @svc: its service
 * @args: service arguments from `new_device`, or NULL; the words
 *	"personality=", "instance=" and "rescind=" are taken out first
 * @file: the file `new_device` named ("file=PATH"), opened by its writer,
 *	or NULL; only for a service that @takes_file, whose ->create takes
 *	its own reference if it keeps it
 *
 * Return: the device, NULL if rescind=offer already rescinded it, or an
 * ERR_PTR.
 */
struct hvsim_dev *hvsim_dev_add(const struct hvsim_service *svc, char *args,
				struct file *file)
{
	bool rescind = false;
	struct hvsim_chan *chan;
	struct hvsim_dev *dev;
	char name[16];
	int ret;

	if (file && !svc->takes_file) {
		pr_err("new_device: %s takes no file=\n", svc->name);
		return ERR_PTR(-EINVAL);
	}
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->svc = svc;
	dev->pers = hvsim_pers;
	ret = hvsim_pers_take_arg(args, &dev->pers);
	if (ret) {
		kfree(dev);
		return ERR_PTR(ret);
	}
	dev->id = hvsim.next_dev_id;
	dev->class_id = svc->class_id;
	dev->instance = GUID_INIT(0x6856e9b0, 0x5a1c, 0x4bd0, 0x9e, 0x2f,
				  'H', 'V', 'S', 'I', (u8)(dev->id >> 8), (u8)dev->id);
	ret = args ? hvsim_dev_words(dev, args, &rescind) : 0;
	if (ret) {
		kfree(dev);
		return ERR_PTR(ret);
	}
	hvsim.next_dev_id++;
	snprintf(name, sizeof(name), "dev%u", dev->id);
	dev->dir = debugfs_create_dir(name, hvsim.debugfs);
	INIT_LIST_HEAD(&dev->node);
	dev->file = file;
	ret = svc->create ? svc->create(dev, args) : 0;
	dev->file = NULL;
	if (ret) {
		debugfs_remove_recursive(dev->dir);
		kfree(dev);
		return ERR_PTR(ret);
	}
	list_add_tail(&dev->node, &hvsim.devs);
	chan = hvsim_chan_add(dev, 0);
	if (!chan) {
		hvsim_dev_free(dev);
		return ERR_PTR(-ENOSPC);
	}
	pr_info("%s device %u (%s): relid %u instance %pUl\n",
		svc->name, dev->id, dev->pers->name, chan->relid, &dev->instance);
	hvsim_chan_offer(chan);
	if (rescind) {
		/* Not offered yet: freed at once, with its device. */
		hvsim_dev_del(chan->relid);
		return NULL;
	}
	return dev;
}

/* Rescind @dev's channels: subchannels first, then the primary channel. */
static void hvsim_dev_rescind(struct hvsim_dev *dev)
{
	struct hvsim_chan *chan, *tmp;
	unsigned int id = dev->id;

	dev->rescinded = true;
	/* Subchannels were created after their primary: walk backwards. */
	list_for_each_entry_safe_reverse(chan, tmp, &hvsim.chans, node)
		if (chan->dev == dev)
			hvsim_chan_rescind(chan);
	pr_info("%s device %u rescinded\n", dev->svc->name, id);
}

/**
 * hvsim_dev_del() - rescind the device owning channel @relid
 * @relid: any channel of the device
 *
 * For the host fuzzer, which picks a channel; del_device names devices by
 * number (hvsim_dev_del_id()).
 *
 * Return: 0, or -ENOENT if there is no such (unrescinded) device.
 */
int hvsim_dev_del(u32 relid)
{
	struct hvsim_chan *chan = hvsim_chan_get(relid);

	if (!chan || chan->dev->rescinded)
		return -ENOENT;
	hvsim_dev_rescind(chan->dev);
	return 0;
}

/**
 * hvsim_dev_del_id() - rescind device number @id (debugfs hvsim/dev<@id>/)
 * @id: the number new_device gave it
 *
 * Return: 0, or -ENOENT if there is no such (unrescinded) device.
 */
int hvsim_dev_del_id(unsigned int id)
{
	struct hvsim_dev *dev;

	lockdep_assert_held(&hvsim.lock);

	list_for_each_entry(dev, &hvsim.devs, node) {
		if (dev->id != id)
			continue;
		if (dev->rescinded)
			return -ENOENT;
		hvsim_dev_rescind(dev);
		return 0;
	}
	return -ENOENT;
}

/* Module exit, after the connection is gone: free every device. */
void hvsim_free_all(void)
{
	struct hvsim_chan *chan, *ctmp;
	struct hvsim_dev *dev, *dtmp;

	hvsim_reset_connection();
	list_for_each_entry_safe(chan, ctmp, &hvsim.chans, node)
		hvsim_chan_free(chan);
	list_for_each_entry_safe(dev, dtmp, &hvsim.devs, node)
		hvsim_dev_free(dev);
}

/* Fault injection: a descriptor the guest must refuse. */
static void hvsim_bad_desc(struct vmpacket_descriptor *desc)
{
	if (atomic_inc_return(&hvsim.packet_flip) & 1) {
		desc->offset8 = 1;
		pr_info("fault: reply with offset8 1\n");
	} else {
		desc->len8 = U16_MAX;
		pr_info("fault: reply with len8 beyond the data\n");
	}
}

/**
 * hvsim_chan_send() - write one packet into the guest-bound ring
 * @chan: an open channel
 * @type: VM_PKT_*
 * @flags: VMBUS_DATA_PACKET_FLAG_*
 * @trans_id: the transaction id
 * @kv: the payload pieces
 * @nkv: their number (at most 4)
 * @signal: set when the guest must be signalled
 *
 * The packet fault knobs apply here, to every service.
 *
 * Return: 0 (also for a packet that can never fit, which is logged and
 * dropped), -ENOSPC if the ring lacks room now (the guest signals once it
 * has made room), -EINVAL for too many pieces.
 */
int hvsim_chan_send(struct hvsim_chan *chan, u16 type, u16 flags,
		    u64 trans_id, const struct kvec *kv, unsigned int nkv,
		    bool *signal)
{
	struct vmpacket_descriptor desc = {
		.type = type,
		.offset8 = sizeof(desc) / 8,
		.flags = flags,
		.trans_id = trans_id,
	};
	struct kvec all[5] = { { .iov_base = &desc, .iov_len = sizeof(desc) } };
	u32 len = 0, i;
	int ret;

	if (nkv > ARRAY_SIZE(all) - 1)
		return -EINVAL;
	for (i = 0; i < nkv; i++) {
		all[i + 1] = kv[i];
		len += kv[i].iov_len;
	}
	desc.len8 = (sizeof(desc) + ALIGN(len, 8)) / 8;

	/* Decide the faults only once the packet is certain to be written. */
	ret = hvsim_ring_room(&chan->out, sizeof(desc) + len);
	if (ret == -E2BIG) {
		pr_err_ratelimited("relid %u: packet of %u bytes can never fit the guest's ring, dropped\n",
				   chan->relid, len);
		return 0;
	}
	if (ret)
		return ret;
	if (type == VM_PKT_COMP && hvsim_fault(HVSIM_FAULT_BAD_TRANS_ID)) {
		desc.trans_id = ~trans_id;
		pr_info("fault: completion with unknown trans_id %#llx\n",
			desc.trans_id);
	}
	if (hvsim_fault(HVSIM_FAULT_BAD_PACKET))
		hvsim_bad_desc(&desc);
	ret = hvsim_ring_write(&chan->out, all, nkv + 1, signal);
	if (ret)
		return ret;
	chan->served++;
	if (hvsim_fault(HVSIM_FAULT_RING_INDEX)) {
		/* Write no more: a later packet would repair the index. */
		pr_info("fault: relid %u: invalid write_index, channel no longer serviced\n",
			chan->relid);
		hvsim_ring_corrupt_index(&chan->out);
		chan->broken = true;
		*signal = true;
	}
	return 0;
}

/**
 * hvsim_chan_service() - feed the guest's packets to a service, in order
 * @chan: an open, healthy channel
 * @packet: handles one packet (a private copy, descriptor checked); returns
 *	0 to consume it, -ENOSPC to stop until the guest makes room, -ENOMEM,
 *	or for a parallel service -EBUSY to have it again with the host to
 *	itself
 * @budget: packets per call
 *
 * A ring the guest corrupted stops the channel.  While packets come, the
 * guest->host ring stays masked (the guest does not signal); it is
 * unmasked when the ring is found empty or the service must wait.
 *
 * Return: true if packets are left (call again).
 */
bool hvsim_chan_service(struct hvsim_chan *chan,
			int (*packet)(struct hvsim_chan *chan, const u8 *pkt,
				      u32 len, bool *signal),
			unsigned int budget)
{
	struct vmpacket_descriptor desc;
	bool signal = false;
	unsigned int n;
	int ret = 0;

	hvsim_ring_mask(&chan->in);
	for (n = 0; n < budget; n++) {
		const struct vmpacket_descriptor *d;
		u32 len;
		u8 *pkt;

		ret = hvsim_ring_peek(&chan->in, &desc);
		if (ret == -EAGAIN && hvsim_ring_unmask(&chan->in)) {
			hvsim_ring_mask(&chan->in);
			ret = hvsim_ring_peek(&chan->in, &desc);
			if (ret == -EAGAIN)	/* its index went back: its signal */
				hvsim_ring_unmask(&chan->in);
		}
		if (ret)
			break;
		len = chan->in.pkt_len;
		pkt = len <= sizeof(chan->pkt) ? chan->pkt : kvmalloc(len, GFP_KERNEL);
		if (!pkt) {
			ret = -ENOMEM;
			break;
		}
		/* Work on a copy: the guest can change its ring at any time. */
		hvsim_ring_copy(&chan->in, 0, pkt, len);
		d = (const void *)pkt;
		if (d->offset8 < sizeof(*d) / 8 || d->offset8 * 8 > len) {
			chan->in.err = "descriptor changed while being read";
			ret = -EIO;
		} else {
			ret = packet(chan, pkt, len, &signal);
		}
		if (pkt != chan->pkt)
			kvfree(pkt);
		if (ret)
			break;
		if (hvsim_ring_consume(&chan->in))
			signal = true;
		if (chan->broken)
			break;
	}
	if (ret == -EIO)
		hvsim_chan_broken(chan, chan->in.err ? chan->in.err : chan->out.err);
	if (signal)
		hvsim_signal_guest(chan);
	if (ret == -EBUSY)
		chan->exclusive = true;
	if (!chan->broken && (n == budget || ret == -ENOMEM || ret == -EBUSY))
		return true;	/* serviced again at once: stays masked */
	if (ret != -EAGAIN)
		hvsim_ring_unmask(&chan->in);
	return false;
}

/**
 * hvsim_gpa_ranges() - check the page ranges of a GPA-direct packet
 * @pb: the packet (a private copy of @len bytes)
 * @len: its length
 * @max_ranges: the most ranges the service takes
 * @total: set to the bytes the ranges cover
 *
 * Every range must lie within one page of guest memory, and the ranges must
 * fit between the header and the in-band data.
 *
 * Return: NULL, or what is wrong with the packet.
 */
const char *hvsim_gpa_ranges(const struct vmbus_packet_page_buffer *pb,
			     u32 len, u32 max_ranges, u32 *total)
{
	u32 off = pb->desc.offset8 * 8, i;

	if (len < sizeof(*pb))
		return "GPA-direct packet too short";
	if (!pb->rangecount || pb->rangecount > max_ranges ||
	    off < sizeof(*pb) + pb->rangecount * sizeof(pb->range[0]))
		return "rangecount does not fit the packet";
	*total = 0;
	for (i = 0; i < pb->rangecount; i++) {
		const struct hv_page_buffer *r = &pb->range[i];

		if (!r->len || r->offset >= PAGE_SIZE ||
		    r->len > PAGE_SIZE - r->offset)
			return "range crosses its page";
		if (!pfn_valid(r->pfn))
			return "range pfn is not guest memory";
		*total += r->len;
	}
	return NULL;
}

/**
 * hvsim_gpa_copy() - copy the guest pages a GPA-direct packet lists
 * @pb: a packet that hvsim_gpa_ranges() accepted
 * @buf: room for the total it reported
 */
void hvsim_gpa_copy(const struct vmbus_packet_page_buffer *pb, void *buf)
{
	u8 *p = buf;
	u32 i;

	for (i = 0; i < pb->rangecount; i++) {
		const struct hv_page_buffer *r = &pb->range[i];
		void *va = kmap_local_page(pfn_to_page(r->pfn));

		memcpy(p, (u8 *)va + r->offset, r->len);
		kunmap_local(va);
		p += r->len;
	}
}
