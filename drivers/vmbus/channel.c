// SPDX-License-Identifier: GPL-2.0-only
/*
 * Open channels: ring buffers, sending and receiving packets, the request
 * table behind transaction IDs, and the inbound tasklet.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vmbus_priv.h"

/* ---- Request table -------------------------------------------------------- */

static int hvg_rqst_init(struct hvg_rqst_table *t, u32 size)
{
	u32 i;

	t->cookie = kvcalloc(size, sizeof(*t->cookie), GFP_KERNEL);
	t->next_free = kvcalloc(size, sizeof(*t->next_free), GFP_KERNEL);
	if (!t->cookie || !t->next_free) {
		kvfree(t->cookie);
		kvfree(t->next_free);
		return -ENOMEM;
	}
	for (i = 0; i < size; i++)
		t->next_free[i] = i + 1;
	t->size = size;
	t->free_head = 0;
	t->outstanding = 0;
	return 0;
}

static void hvg_rqst_free(struct hvg_rqst_table *t)
{
	kvfree(t->cookie);
	kvfree(t->next_free);
	t->cookie = NULL;
	t->next_free = NULL;
	t->size = 0;
}

static int hvg_rqst_get(struct hvg_rqst_table *t, u64 cookie, u64 *id)
{
	unsigned long flags;
	u32 idx;

	spin_lock_irqsave(&t->lock, flags);
	idx = t->free_head;
	if (idx >= t->size) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EBUSY;
	}
	t->free_head = t->next_free[idx];
	t->next_free[idx] = U32_MAX;	/* marks "in use" */
	t->cookie[idx] = cookie;
	t->outstanding++;
	spin_unlock_irqrestore(&t->lock, flags);
	*id = (u64)idx + 1;
	return 0;
}

static int hvg_rqst_put(struct hvg_rqst_table *t, u64 id, u64 *cookie)
{
	unsigned long flags;
	u32 idx;

	spin_lock_irqsave(&t->lock, flags);
	if (!id || id > t->size || t->next_free[id - 1] != U32_MAX) {
		spin_unlock_irqrestore(&t->lock, flags);
		return -EBADMSG;
	}
	idx = id - 1;
	*cookie = t->cookie[idx];
	t->next_free[idx] = t->free_head;
	t->free_head = idx;
	t->outstanding--;
	spin_unlock_irqrestore(&t->lock, flags);
	return 0;
}

/**
 * hvg_request_complete() - resolve the transaction ID of a completion
 * @chan: the channel the completion arrived on
 * @trans_id: the ID from the completion packet's descriptor
 * @rqst: set to the cookie given to hvg_sendpacket()
 *
 * An ID the guest never issued (or already completed) means the host is
 * misbehaving: the channel is failed.
 *
 * Return: 0, or -EBADMSG for an unknown ID.
 */
int hvg_request_complete(struct hvg_channel *chan, u64 trans_id, u64 *rqst)
{
	if (!hvg_rqst_put(&chan->rqst, trans_id, rqst))
		return 0;
	hvg_channel_fail(chan, "completion with a transaction ID never issued");
	return -EBADMSG;
}
EXPORT_SYMBOL_GPL(hvg_request_complete);

/* ---- Failing a channel ---------------------------------------------------- */

/**
 * hvg_channel_fail() - stop using a channel the host broke
 * @chan: the channel
 * @why: what the host did, for the log
 *
 * Further sends and receives return -EIO; the driver's callback runs once
 * more so that it notices.  The driver closes the channel as usual.
 */
void hvg_channel_fail(struct hvg_channel *chan, const char *why)
{
	if (xchg(&chan->state, HVG_CHAN_FAILED) == HVG_CHAN_FAILED)
		return;
	dev_err_ratelimited(&chan->hdev->dev, "channel %u failed: %s\n",
			    chan->relid, why);
	wake_up_all(&chan->space_wait);
	if (chan->onchannel)
		tasklet_schedule(&chan->tasklet);
}
EXPORT_SYMBOL_GPL(hvg_channel_fail);

static int hvg_channel_usable(const struct hvg_channel *chan)
{
	if (READ_ONCE(chan->rescinded))
		return -ENODEV;
	if (READ_ONCE(chan->state) != HVG_CHAN_OPEN)
		return -EIO;
	return 0;
}

/* ---- Sending -------------------------------------------------------------- */

static int hvg_ring_send(struct hvg_channel *chan, struct kvec *kv,
			 unsigned int n, u32 total)
{
	unsigned long flags;
	bool signal = false;
	int ret;

	spin_lock_irqsave(&chan->out_lock, flags);
	ret = hvg_channel_usable(chan);
	if (!ret)
		ret = hv_ring_write(&chan->out, kv, n, &signal);
	if (ret == -EAGAIN) {
		/* Ask the host to tell us when this packet will fit. */
		WRITE_ONCE(chan->out.hdr->pending_send_sz, total);
		/* Pairs with the host's barrier after it moved read_index. */
		virt_mb();
		if (hv_ring_bytes_to_write(&chan->out) > total)
			ret = hv_ring_write(&chan->out, kv, n, &signal);
	}
	if (!ret) {
		WRITE_ONCE(chan->out.hdr->pending_send_sz, 0);
		chan->out_full = false;
		if (signal)
			chan->intr_out_empty++;
	} else if (ret == -EAGAIN) {
		chan->out_full_total++;
		if (!chan->out_full)
			chan->out_full_first++;
		chan->out_full = true;
	}
	spin_unlock_irqrestore(&chan->out_lock, flags);

	if (ret == -EPROTO)
		hvg_channel_fail(chan, "host corrupted the outbound ring indices");
	if (signal)
		hvg_signal_host(chan);
	return ret == -EPROTO ? -EIO : ret;
}

static int hvg_send(struct hvg_channel *chan, struct kvec *kv, unsigned int n,
		    struct vmpacket_descriptor *desc, u64 rqst)
{
	static const u64 pad;
	u32 len = 0, total;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++)
		len += kv[i].iov_len;
	total = ALIGN(len, 8);
	kv[n].iov_base = (void *)&pad;
	kv[n].iov_len = total - len;
	desc->len8 = total >> 3;

	if (desc->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED) {
		ret = hvg_rqst_get(&chan->rqst, rqst, &desc->trans_id);
		if (ret)
			return ret;
	} else {
		desc->trans_id = rqst;
	}
	ret = hvg_ring_send(chan, kv, n + 1, total + HV_RING_TRAILER_SIZE);
	if (ret && (desc->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED))
		hvg_rqst_put(&chan->rqst, desc->trans_id, &rqst);
	return ret;
}

/**
 * hvg_sendpacket() - send an in-band packet
 * @chan: an open channel
 * @buf: payload
 * @len: payload length
 * @rqst: with VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, a cookie that
 *	hvg_request_complete() returns for the completion; otherwise the
 *	transaction ID sent as is (to complete a host request)
 * @type: packet type, usually VM_PKT_DATA_INBAND or VM_PKT_COMP
 * @flags: VMBUS_DATA_PACKET_FLAG_*
 *
 * Any context.  Never blocks.
 *
 * Return: 0; -EAGAIN if the ring is full (the channel callback runs when
 * space frees up); -EBUSY if too many requests are outstanding; -EINVAL for
 * a packet larger than the ring; -EIO if the channel failed; -ENODEV if it
 * was rescinded.
 */
int hvg_sendpacket(struct hvg_channel *chan, const void *buf, u32 len,
		   u64 rqst, enum vmbus_packet_type type, u32 flags)
{
	struct vmpacket_descriptor desc = {
		.type = type,
		.offset8 = sizeof(desc) >> 3,
		.flags = flags,
	};
	struct kvec kv[3] = {
		{ .iov_base = &desc, .iov_len = sizeof(desc) },
		{ .iov_base = (void *)buf, .iov_len = len },
	};

	return hvg_send(chan, kv, 2, &desc, rqst);
}
EXPORT_SYMBOL_GPL(hvg_sendpacket);

/**
 * hvg_sendpacket_pagebuffer() - send a packet that refers to guest pages
 * @chan: an open channel
 * @pb: the page ranges the host is to access
 * @count: number of ranges (at most 32)
 * @buf: in-band payload following the ranges
 * @len: its length
 * @rqst: cookie for the completion, which is always requested
 *
 * Sends a VM_PKT_DATA_USING_GPA_DIRECT packet.  Same contexts and return
 * values as hvg_sendpacket().
 *
 * Return: 0 or a negative errno.
 */
int hvg_sendpacket_pagebuffer(struct hvg_channel *chan,
			      const struct hv_page_buffer *pb, u32 count,
			      const void *buf, u32 len, u64 rqst)
{
	struct vmbus_packet_page_buffer hdr = {
		.desc.type = VM_PKT_DATA_USING_GPA_DIRECT,
		.desc.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
		.rangecount = count,
	};
	u32 hdrlen = sizeof(hdr) + count * sizeof(*pb);
	struct kvec kv[4] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)pb, .iov_len = count * sizeof(*pb) },
		{ .iov_base = (void *)buf, .iov_len = len },
	};

	if (!count || count > 32)
		return -EINVAL;
	hdr.desc.offset8 = hdrlen >> 3;
	return hvg_send(chan, kv, 3, &hdr.desc, rqst);
}
EXPORT_SYMBOL_GPL(hvg_sendpacket_pagebuffer);

/**
 * hvg_sendpacket_mpb() - send a packet that refers to one multi-page range
 * @chan: an open channel
 * @offset: byte offset of the data in the first page (below PAGE_SIZE)
 * @len: bytes of data (not 0)
 * @pfns: the guest pages holding them, DIV_ROUND_UP(@offset + @len,
 *	PAGE_SIZE) of them
 * @npfns: number of @pfns
 * @buf: in-band payload following the range
 * @buflen: its length
 * @rqst: cookie for the completion, which is always requested
 *
 * Sends a VM_PKT_DATA_USING_GPA_DIRECT packet with exactly one range (a
 * byte count, an offset and a page list), the layout Linux's
 * vmbus_sendpacket_mpb_desc() produces and the one storage hosts take.
 * Same contexts and return values as hvg_sendpacket().
 *
 * Return: 0 or a negative errno.
 */
int hvg_sendpacket_mpb(struct hvg_channel *chan, u32 offset, u32 len,
		       const u64 *pfns, u32 npfns, const void *buf, u32 buflen,
		       u64 rqst)
{
	struct vmbus_packet_mpb_hdr hdr = {
		.desc.type = VM_PKT_DATA_USING_GPA_DIRECT,
		.desc.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
		.rangecount = 1,
		.range.len = len,
		.range.offset = offset,
	};
	u32 hdrlen = sizeof(hdr) + npfns * sizeof(*pfns);
	struct kvec kv[4] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)pfns, .iov_len = npfns * sizeof(*pfns) },
		{ .iov_base = (void *)buf, .iov_len = buflen },
	};

	if (!len || offset >= PAGE_SIZE || !npfns ||
	    npfns != DIV_ROUND_UP((u64)offset + len, PAGE_SIZE) ||
	    hdrlen > U16_MAX * 8UL)
		return -EINVAL;
	hdr.desc.offset8 = hdrlen >> 3;
	return hvg_send(chan, kv, 3, &hdr.desc, rqst);
}
EXPORT_SYMBOL_GPL(hvg_sendpacket_mpb);

/* ---- Receiving ------------------------------------------------------------ */

/* Publish what was read; wake the host if it waits for that much room. */
static void hvg_recv_commit(struct hvg_channel *chan)
{
	lockdep_assert_held(&chan->in_lock);
	if (hv_ring_commit(&chan->in)) {
		chan->intr_in_full++;
		hvg_signal_host(chan);
	}
}

static int hvg_recv(struct hvg_channel *chan, void *buf, u32 buflen,
		    u32 *actual, u64 *trans_id, bool raw)
{
	struct vmpacket_descriptor desc;
	bool signal = false;
	unsigned long flags;
	u32 skip, len;
	int ret;

	spin_lock_irqsave(&chan->in_lock, flags);
	ret = hvg_channel_usable(chan);
	if (ret)
		goto out;
	ret = hv_ring_peek_next(&chan->in, &desc, &signal);
	if (signal)
		hvg_signal_host(chan);
	if (ret == -EAGAIN)
		goto out;
	if (ret) {
		spin_unlock_irqrestore(&chan->in_lock, flags);
		hvg_channel_fail(chan, "malformed packet or ring index from the host");
		return -EIO;
	}
	skip = raw ? 0 : (u32)desc.offset8 << 3;
	len = ((u32)desc.len8 << 3) - skip;
	*actual = len;
	if (trans_id)
		*trans_id = desc.trans_id;
	if (len > buflen) {
		ret = -ENOBUFS;
		goto out;
	}
	/* The descriptor handed over is the checked one, not a second read. */
	hv_ring_copy_packet(&chan->in, &desc, skip, buf, len);
	hv_ring_advance(&chan->in);
	/* Batch the index update unless the host is waiting for room. */
	if (READ_ONCE(chan->in.hdr->pending_send_sz))
		hvg_recv_commit(chan);
out:
	spin_unlock_irqrestore(&chan->in_lock, flags);
	return ret;
}

/**
 * hvg_recvpacket() - receive the payload of the next packet
 * @chan: an open channel
 * @buf: destination
 * @buflen: its size
 * @actual: set to the payload length (also when @buf is too small)
 * @trans_id: set to the packet's transaction ID
 *
 * Return: 0; -EAGAIN if no packet is waiting; -ENOBUFS if @buf is too small
 * (the packet stays in the ring); -EIO if the channel failed or the host
 * sent a malformed packet (the channel is then failed); -ENODEV if it was
 * rescinded.
 */
int hvg_recvpacket(struct hvg_channel *chan, void *buf, u32 buflen,
		   u32 *actual, u64 *trans_id)
{
	return hvg_recv(chan, buf, buflen, actual, trans_id, false);
}
EXPORT_SYMBOL_GPL(hvg_recvpacket);

/**
 * hvg_recvpacket_raw() - receive the next packet with its descriptor
 * @chan: an open channel
 * @buf: destination; starts with a struct vmpacket_descriptor
 * @buflen: its size
 * @actual: set to the packet length (also when @buf is too small)
 *
 * Return: as for hvg_recvpacket().
 */
int hvg_recvpacket_raw(struct hvg_channel *chan, void *buf, u32 buflen,
		       u32 *actual)
{
	return hvg_recv(chan, buf, buflen, actual, NULL, true);
}
EXPORT_SYMBOL_GPL(hvg_recvpacket_raw);

/**
 * hvg_channel_tasklet() - run the driver's callback for a signalled channel
 * @t: the channel's tasklet
 *
 * Interrupts from the host are masked while the callback drains the ring;
 * anything that arrived in the window before unmasking is picked up by
 * running again.  A polled channel stays masked until its driver calls
 * hvg_channel_poll_done().
 */
void hvg_channel_tasklet(struct tasklet_struct *t)
{
	struct hvg_channel *chan = from_tasklet(chan, t, tasklet);

	if (!chan->onchannel)
		return;
	hv_ring_mask(&chan->in);
	chan->onchannel(chan->ctx);
	wake_up_all(&chan->space_wait);
	if (!READ_ONCE(chan->polled) && hvg_channel_poll_done(chan))
		tasklet_schedule(&chan->tasklet);
}

/**
 * hvg_channel_set_polled() - let the driver end each round of draining
 * @chan: a channel, before hvg_channel_open()
 * @polled: true for a driver that drains later than its callback (NAPI)
 *
 * The host's signals stay masked from the callback until the driver calls
 * hvg_channel_poll_done(), so that a busy channel is drained without an
 * interrupt per packet.
 */
void hvg_channel_set_polled(struct hvg_channel *chan, bool polled)
{
	WRITE_ONCE(chan->polled, polled);
}
EXPORT_SYMBOL_GPL(hvg_channel_set_polled);

/**
 * hvg_channel_poll_done() - the driver drained the channel
 * @chan: an open channel
 *
 * Publishes what was read and asks the host to signal again.  Softirq or
 * process context.
 *
 * Return: true if packets arrived meanwhile: the driver must poll again,
 * as the host may not have signalled them.
 */
bool hvg_channel_poll_done(struct hvg_channel *chan)
{
	unsigned long flags;
	u32 pending;

	spin_lock_irqsave(&chan->in_lock, flags);
	hvg_recv_commit(chan);
	pending = hv_ring_unmask(&chan->in);
	spin_unlock_irqrestore(&chan->in_lock, flags);
	return pending && READ_ONCE(chan->state) == HVG_CHAN_OPEN;
}
EXPORT_SYMBOL_GPL(hvg_channel_poll_done);

/* ---- Open and close --------------------------------------------------------- */

static int hvg_ring_alloc(struct hvg_channel *chan, u32 send, u32 recv)
{
	u8 *mem;

	/* Zeroed and mappable by remap_vmalloc_range() (channels/N/ring). */
	mem = vmalloc_user(send + recv);
	if (!mem)
		return -ENOMEM;
	/* The ring attributes read @out and @in once @ring_mem is set. */
	mutex_lock(&chan->ring_lock);
	hv_ring_init(&chan->out, (void *)mem, mem + HV_RING_HEADER_SIZE,
		     send - HV_RING_HEADER_SIZE);
	hv_ring_init(&chan->in, (void *)(mem + send),
		     mem + send + HV_RING_HEADER_SIZE, recv - HV_RING_HEADER_SIZE);
	chan->out.hdr->feature_bits = HV_RING_FEAT_PENDING_SEND_SZ;
	chan->in.hdr->feature_bits = HV_RING_FEAT_PENDING_SEND_SZ;
	chan->ring_mem = mem;
	chan->ring_bytes = send + recv;
	mutex_unlock(&chan->ring_lock);
	return 0;
}

/* Forget the rings (mmap of channels/N/ring fails from now on). */
static void *hvg_ring_forget(struct hvg_channel *chan)
{
	void *mem;

	mutex_lock(&chan->ring_lock);
	mem = chan->ring_mem;
	chan->ring_mem = NULL;
	mutex_unlock(&chan->ring_lock);
	return mem;
}

/* Pages still mapped by user space stay until it unmaps them. */
static void hvg_ring_free(struct hvg_channel *chan)
{
	vfree(hvg_ring_forget(chan));
	hvg_rqst_free(&chan->rqst);
}

static int hvg_open_msg(struct hvg_channel *chan, u32 send_bytes,
			const void *userdata, u32 userlen)
{
	struct vmbus_channel_close_channel close = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = chan->relid,
	};
	struct vmbus_channel_open_channel msg = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL,
		.child_relid = chan->relid,
		.ringbuffer_gpadlhandle = chan->ring_gpadl.handle,
		.target_vp = hvg_conn.ops->vp_index(chan->target_cpu),
		.downstream_ringbuffer_pageoffset = send_bytes >> PAGE_SHIFT,
	};
	bool answered;
	int ret;

	memcpy(msg.userdata, userdata, userlen);
	/* A new open id each time: a late result of an earlier open is refused. */
	do {
		msg.openid = atomic_inc_return(&hvg_conn.next_openid);
	} while (!msg.openid);
	spin_lock_irq(&hvg_conn.chan_lock);
	if (chan->rescinded) {
		/* Its rescind completed open_done before the reinit below. */
		spin_unlock_irq(&hvg_conn.chan_lock);
		return -ENODEV;
	}
	reinit_completion(&chan->open_done);
	chan->open_answered = false;
	chan->openid = msg.openid;
	WRITE_ONCE(chan->state, HVG_CHAN_OPENING);
	spin_unlock_irq(&hvg_conn.chan_lock);
	ret = hvg_post_msg(&msg, sizeof(msg));
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&chan->open_done, HVG_MSG_TIMEOUT)) {
		spin_lock_irq(&hvg_conn.chan_lock);
		WRITE_ONCE(chan->state, HVG_CHAN_OFFERED);
		spin_unlock_irq(&hvg_conn.chan_lock);
		if (completion_done(&chan->open_done))
			goto answered;	/* raced with the timeout */
		dev_err(&chan->hdev->dev, "no reply from the host to OPENCHANNEL %u\n",
			chan->relid);
		/*
		 * The host may still open the channel: close it, so that the
		 * ring GPADL can be torn down and the channel opened again.
		 */
		if (!READ_ONCE(chan->rescinded))
			hvg_post_msg(&close, sizeof(close));
		return -ETIMEDOUT;
	}
answered:
	/*
	 * A rescind completes open_done as well.  If the host's result came
	 * first (both are handled in order), the host opened the channel and
	 * may have written to it: a success stands, and the driver handles
	 * the rescind as on any open channel.
	 */
	spin_lock_irq(&hvg_conn.chan_lock);
	answered = chan->open_answered;
	spin_unlock_irq(&hvg_conn.chan_lock);
	if (!answered)
		return -ENODEV;
	if (chan->open_status) {
		dev_err_ratelimited(&chan->hdev->dev,
				    "host refused to open channel %u: status %#x\n",
				    chan->relid, chan->open_status);
		return -EIO;
	}
	return 0;
}

/* hvg_channel_open(), with the channel's open_lock held. */
static int hvg_channel_open_locked(struct hvg_channel *chan, u32 send_ring_bytes,
				   u32 recv_ring_bytes, const void *userdata,
				   u32 userlen, hvg_channel_cb onchannel, void *ctx)
{
	u32 slots;
	int ret;

	lockdep_assert_held(&chan->open_lock);

	if (send_ring_bytes < 2 * PAGE_SIZE || recv_ring_bytes < 2 * PAGE_SIZE ||
	    !PAGE_ALIGNED(send_ring_bytes) || !PAGE_ALIGNED(recv_ring_bytes) ||
	    userlen > VMBUS_OFFER_USER_DEFINED_BYTES || !onchannel)
		return -EINVAL;
	if (chan->state != HVG_CHAN_OFFERED)
		return -EBUSY;
	if (READ_ONCE(chan->rescinded))
		return -ENODEV;

	ret = hvg_ring_alloc(chan, send_ring_bytes, recv_ring_bytes);
	if (ret)
		return ret;
	/* Every outstanding request holds at least a minimal packet. */
	slots = send_ring_bytes / (sizeof(struct vmpacket_descriptor) +
				   HV_RING_TRAILER_SIZE) + 1;
	ret = hvg_rqst_init(&chan->rqst, slots);
	if (ret)
		goto err_ring;
	ret = hvg_gpadl_establish(chan, chan->ring_mem, chan->ring_bytes,
				  &chan->ring_gpadl);
	if (ret == -ETIMEDOUT) {
		/* The host may map the rings yet: never free them. */
		dev_err(&chan->hdev->dev,
			"channel %u: rings leaked, the host may still map them\n",
			chan->relid);
		hvg_ring_forget(chan);
	}
	if (ret)
		goto err_rqst;

	chan->onchannel = onchannel;
	chan->ctx = ctx;
	ret = hvg_open_msg(chan, send_ring_bytes, userdata, userlen);
	if (ret)
		goto err_gpadl;
	WRITE_ONCE(chan->state, HVG_CHAN_OPEN);
	/* Anything the host wrote before we were ready. */
	tasklet_schedule(&chan->tasklet);
	return 0;

err_gpadl:
	WRITE_ONCE(chan->state, HVG_CHAN_OFFERED);
	chan->onchannel = NULL;
	if (hvg_gpadl_teardown(chan, &chan->ring_gpadl)) {
		/* The host may still write into the rings: never free them. */
		hvg_ring_forget(chan);
		return ret;
	}
err_rqst:
	hvg_rqst_free(&chan->rqst);
err_ring:
	hvg_ring_free(chan);
	return ret;
}

/**
 * hvg_channel_open() - open a channel
 * @chan: an offered channel
 * @send_ring_bytes: size of the guest-to-host ring, header page included
 * @recv_ring_bytes: size of the host-to-guest ring, header page included
 * @userdata: class-specific data for the host (up to 120 bytes)
 * @userlen: its length
 * @onchannel: called in softirq context when the host signals the channel
 * @ctx: passed to @onchannel
 *
 * Allocates the rings, shares them through a GPADL and asks the host to
 * open the channel.  Sleeps.  Once the host answered with success the
 * channel is open, even if its rescind followed at once: the driver sees
 * hvg_channel_rescinded() in its callback, which runs after the open.
 *
 * Return: 0, -EINVAL for bad sizes, -EBUSY if already open, -ENODEV if
 * rescinded before the host answered, -EIO if the host refused,
 * -ETIMEDOUT if it did not answer.
 */
int hvg_channel_open(struct hvg_channel *chan, u32 send_ring_bytes,
		     u32 recv_ring_bytes, const void *userdata, u32 userlen,
		     hvg_channel_cb onchannel, void *ctx)
{
	int ret;

	mutex_lock(&chan->open_lock);
	ret = hvg_channel_open_locked(chan, send_ring_bytes, recv_ring_bytes,
				      userdata, userlen, onchannel, ctx);
	mutex_unlock(&chan->open_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_channel_open);

static void hvg_channel_close_locked(struct hvg_channel *chan)
{
	struct vmbus_channel_close_channel msg = {
		.header.msgtype = CHANNELMSG_CLOSECHANNEL,
		.child_relid = chan->relid,
	};

	lockdep_assert_held(&chan->open_lock);
	if (chan->state == HVG_CHAN_OFFERED)
		return;
	/*
	 * No new tasklet runs once the state left OPEN (see hvg_chan_event);
	 * modify_lock: a MODIFYCHANNEL under way is sent before CLOSECHANNEL.
	 */
	mutex_lock(&chan->modify_lock);
	spin_lock_irq(&hvg_conn.chan_lock);
	WRITE_ONCE(chan->state, HVG_CHAN_CLOSING);
	spin_unlock_irq(&hvg_conn.chan_lock);
	mutex_unlock(&chan->modify_lock);
	tasklet_kill(&chan->tasklet);
	chan->onchannel = NULL;
	chan->polled = false;

	if (!READ_ONCE(chan->rescinded))
		hvg_post_msg(&msg, sizeof(msg));
	if (hvg_gpadl_teardown(chan, &chan->ring_gpadl)) {
		dev_err(&chan->hdev->dev,
			"channel %u: rings leaked, the host may still use them\n",
			chan->relid);
		hvg_ring_forget(chan);
	}
	hvg_ring_free(chan);
	WRITE_ONCE(chan->state, HVG_CHAN_OFFERED);
	if (chan->rescinded)
		hvg_channel_finish(chan);
}

/**
 * hvg_channel_close() - close a channel opened with hvg_channel_open()
 * @chan: the channel
 *
 * Stops the callback, tells the host, takes the rings back and frees them.
 * Outstanding requests are forgotten.  Sleeps.
 */
void hvg_channel_close(struct hvg_channel *chan)
{
	mutex_lock(&chan->open_lock);
	hvg_channel_close_locked(chan);
	mutex_unlock(&chan->open_lock);
}
EXPORT_SYMBOL_GPL(hvg_channel_close);

/* ---- Small accessors ---------------------------------------------------------- */

/**
 * hvg_set_subchannel_cb() - receive the subchannels of a primary channel
 * @primary: the device's primary channel
 * @cb: called (may sleep) for each subchannel the host offers; NULL stops
 */
void hvg_set_subchannel_cb(struct hvg_channel *primary,
			   void (*cb)(struct hvg_channel *sub))
{
	primary->sc_cb = cb;
}
EXPORT_SYMBOL_GPL(hvg_set_subchannel_cb);

/**
 * hvg_channel_subindex() - 0 for a primary channel, else the subchannel index
 * @chan: a channel
 *
 * Return: the index.
 */
u16 hvg_channel_subindex(const struct hvg_channel *chan)
{
	return chan->subindex;
}
EXPORT_SYMBOL_GPL(hvg_channel_subindex);

/**
 * hvg_channel_device() - the device a channel belongs to
 * @chan: a channel
 *
 * Return: the device.
 */
struct hvg_device *hvg_channel_device(const struct hvg_channel *chan)
{
	return chan->hdev;
}
EXPORT_SYMBOL_GPL(hvg_channel_device);

/**
 * hvg_channel_failed() - whether a channel was failed
 * @chan: a channel
 *
 * Return: true after hvg_channel_fail().
 */
bool hvg_channel_failed(const struct hvg_channel *chan)
{
	return READ_ONCE(chan->state) == HVG_CHAN_FAILED;
}
EXPORT_SYMBOL_GPL(hvg_channel_failed);

/**
 * hvg_channel_rescinded() - whether the host took a channel away
 * @chan: a channel
 *
 * Return: true once the rescind arrived.
 */
bool hvg_channel_rescinded(const struct hvg_channel *chan)
{
	return READ_ONCE(chan->rescinded);
}
EXPORT_SYMBOL_GPL(hvg_channel_rescinded);

/**
 * hvg_channel_offer_userdef() - the class-specific bytes of the offer
 * @chan: a channel
 *
 * Return: VMBUS_OFFER_USER_DEFINED_BYTES bytes.
 */
const u8 *hvg_channel_offer_userdef(const struct hvg_channel *chan)
{
	return chan->offer.offer.u.std.user_def;
}
EXPORT_SYMBOL_GPL(hvg_channel_offer_userdef);

/**
 * hvg_protocol_version() - the negotiated VMBus version
 *
 * Return: VMBUS_MAKE_VERSION(major, minor), or 0 when not connected.
 */
u32 hvg_protocol_version(void)
{
	return hvg_conn.version;
}
EXPORT_SYMBOL_GPL(hvg_protocol_version);
