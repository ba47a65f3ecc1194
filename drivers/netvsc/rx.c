// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the NAPI poll, one per channel.  Drains the channel:
 * completions of what the guest sent, and transfer-page packets whose
 * ranges hold RNDIS messages in the (shared) receive buffer.  Every transfer-page packet is completed so the
 * host can reuse its area; completions the ring has no room for wait in
 * a small queue and go first on the next poll.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "netvsc.h"

/* Softirq: the host signalled the channel. */
void netvsc_channel_cb(void *ctx)
{
	struct netvsc_chan *ch = ctx;

	napi_schedule(&ch->napi);
}

static int netvsc_send_recv_comp(struct netvsc_chan *ch, u64 trans_id)
{
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE,
		.rndis_complete.status = NVSP_STAT_SUCCESS,
	};

	return hvg_sendpacket(ch->chan, &m, sizeof(m), trans_id, VM_PKT_COMP, 0);
}

/* Send queued completions; false if the ring is still full. */
static bool netvsc_flush_pending(struct netvsc_chan *ch)
{
	while (ch->pend_count) {
		int ret = netvsc_send_recv_comp(ch, ch->pend[ch->pend_head]);

		if (ret == -EAGAIN)
			return false;
		ch->pend_head = (ch->pend_head + 1) % ch->pend_size;
		ch->pend_count--;
	}
	return true;
}

static void netvsc_recv_done(struct netvsc_chan *ch, u64 trans_id)
{
	struct netvsc_dev *nd = ch->nd;

	if (!ch->pend_count && netvsc_send_recv_comp(ch, trans_id) != -EAGAIN)
		return;
	if (!ch->pend || ch->pend_count == ch->pend_size) {
		/* More outstanding than the host has areas: it is lying. */
		dev_err_ratelimited(netvsc_dev(nd), "receive completion queue full, id %llu dropped\n",
				    trans_id);
		atomic_long_inc(&nd->rx_errors);
		return;
	}
	ch->pend[(ch->pend_head + ch->pend_count) % ch->pend_size] = trans_id;
	ch->pend_count++;
}

static void netvsc_bad(struct netvsc_dev *nd, const char *why)
{
	atomic_long_inc(&nd->rx_errors);
	dev_err_ratelimited(netvsc_dev(nd), "%s\n", why);
}

static void netvsc_xfer(struct netvsc_chan *ch, const u8 *pkt, u32 off, u32 len)
{
	struct netvsc_dev *nd = ch->nd;
	const struct vmxfer_page_header *h = (const void *)pkt;
	const struct vmxfer_page_range *r;
	const struct nvsp_msg *m;
	u32 i, n, size;

	/* Pairs with the release once the host took the buffer. */
	size = smp_load_acquire(&nd->recv_size);
	if (!size) {
		netvsc_bad(nd, "transfer-page packet before the receive buffer was shared");
		goto done;
	}
	if (len < sizeof(*h) || h->xfer_pageset_id != NVSP_RECV_BUF_ID) {
		netvsc_bad(nd, "transfer-page packet for an unknown buffer");
		goto done;
	}
	n = h->range_cnt;
	m = (const void *)(pkt + off);
	if (!n || n > NETVSC_MAX_RANGES || off < sizeof(*h) + n * sizeof(*r) ||
	    len - off < offsetof(struct nvsp_msg, rndis) + sizeof(m->rndis) ||
	    m->type != NVSP_MSG1_SEND_RNDIS_PKT) {
		netvsc_bad(nd, "malformed transfer-page packet");
		goto done;
	}
	r = (const void *)(h + 1);
	ch->nfrags = 0;
	for (i = 0; i < n; i++) {
		u32 o = r[i].byte_offset, c = r[i].byte_count;

		if (o >= size || c > size - o) {
			netvsc_bad(nd, "receive range outside the receive buffer");
			continue;
		}
		netvsc_rndis_recv(ch, (const u8 *)nd->recv_buf + o, c);
	}
	netvsc_rx_frags_end(ch);
done:
	netvsc_recv_done(ch, h->desc.trans_id);
}

static void netvsc_comp(struct netvsc_chan *ch, const u8 *pkt, u32 off, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	struct netvsc_dev *nd = ch->nd;
	u64 ck;

	if (hvg_request_complete(ch->chan, d->trans_id, &ck)) {
		netvsc_bad(nd, "completion with an unknown transaction id");
		return;
	}
	if ((ck & NETVSC_CK_TAG_MASK) == NETVSC_CK_CTRL) {
		if (ch->idx)
			netvsc_bad(nd, "control completion on a subchannel");
		else
			netvsc_ctrl_complete(nd, ck >> 2, pkt + off, len - off);
	} else {
		netvsc_tx_complete(ch, ck, pkt + off, len - off);
	}
}

/*
 * NVSP 5's send indirection table (Linux netvsc_send_table()): 16
 * channel numbers at an offset from the message's start.  Hosts up to
 * NVSP 6 put it behind a whole NVSP message and get the offset wrong: it
 * is taken from there when the message is that long.  Kept, checked, not
 * used (the stack picks transmit queues).
 */
static void netvsc_send_table(struct netvsc_chan *ch, const u8 *msg, u32 len)
{
	struct netvsc_dev *nd = ch->nd;
	const u32 tlen = NVSP_SEND_ITAB_SIZE * sizeof(u32);
	const u32 fields = sizeof(u32) + sizeof(struct nvsp_send_itab);
	struct nvsp_send_itab t;
	u32 tab[NVSP_SEND_ITAB_SIZE], i;

	if (ch->idx || len < fields) {
		netvsc_bad(nd, "send table on a subchannel or too short");
		return;
	}
	memcpy(&t, msg + sizeof(u32), sizeof(t));
	if (nd->nvsp <= NVSP_VERSION_6 && len >= NVSP_MSG_SIZE_V61 + tlen)
		t.offset = NVSP_MSG_SIZE_V61;
	if (t.count != NVSP_SEND_ITAB_SIZE || len < tlen || t.offset < fields ||
	    t.offset > len - tlen) {
		netvsc_bad(nd, "send table of bad size or offset");
		return;
	}
	memcpy(tab, msg + t.offset, tlen);
	for (i = 0; i < NVSP_SEND_ITAB_SIZE; i++) {
		if (tab[i] >= NETVSC_MAX_CHANNELS) {
			netvsc_bad(nd, "send table names a channel beyond the maximum");
			return;
		}
	}
	memcpy(nd->send_itab, tab, tlen);
	atomic_inc(&nd->send_itabs);
}

/* A message the host sent on its own. */
static void netvsc_inband(struct netvsc_chan *ch, const u8 *pkt, u32 off, u32 len)
{
	u32 type;

	if (len - off < sizeof(type)) {
		netvsc_bad(ch->nd, "runt in-band message");
		return;
	}
	memcpy(&type, pkt + off, sizeof(type));
	if (type == NVSP_MSG5_SEND_INDIRECTION_TABLE && ch->nd->nvsp >= NVSP_VERSION_5) {
		netvsc_send_table(ch, pkt + off, len - off);
		return;
	}
	/* VF association, data path switch: no VF here. */
	dev_dbg_ratelimited(netvsc_dev(ch->nd), "NVSP message %u from the host ignored\n",
			    type);
}

/* One packet; false when the channel can't be used any more. */
static bool netvsc_packet(struct netvsc_chan *ch, u32 actual)
{
	const struct vmpacket_descriptor *d = (const void *)ch->pkt;
	struct netvsc_dev *nd = ch->nd;
	u32 off, len;

	if (actual < sizeof(*d)) {
		netvsc_bad(nd, "runt packet");
		return true;
	}
	off = d->offset8 * 8;
	len = d->len8 * 8;
	if (off < sizeof(*d) || off > len || len > actual) {
		netvsc_bad(nd, "bad packet descriptor");
		return true;
	}
	switch (d->type) {
	case VM_PKT_COMP:
		netvsc_comp(ch, ch->pkt, off, len);
		return !hvg_channel_failed(ch->chan);
	case VM_PKT_DATA_USING_XFER_PAGES:
		netvsc_xfer(ch, ch->pkt, off, len);
		return true;
	case VM_PKT_DATA_INBAND:
		netvsc_inband(ch, ch->pkt, off, len);
		return true;
	}
	netvsc_bad(nd, "unexpected packet type");
	return true;
}

int netvsc_poll(struct napi_struct *napi, int budget)
{
	struct netvsc_chan *ch = container_of(napi, struct netvsc_chan, napi);
	struct netvsc_dev *nd = ch->nd;
	struct netdev_queue *txq;
	int work = 0, ret;
	u32 actual;

	ch->tx_done = false;
	netvsc_flush_pending(ch);
	while (work < budget) {
		ret = hvg_recvpacket_raw(ch->chan, ch->pkt, ch->pkt_len, &actual);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			if (ret != -ENODEV)
				dev_err_ratelimited(netvsc_dev(nd), "receive failed: %d\n",
						    ret);
			netvsc_chan_failed(nd);
			break;
		}
		work++;
		if (!netvsc_packet(ch, actual)) {
			netvsc_chan_failed(nd);
			break;
		}
	}
	/* Not while detached: the channels are about to close. */
	txq = netdev_get_tx_queue(nd->ndev, ch->idx);
	if (ch->tx_done && netif_tx_queue_stopped(txq) &&
	    netif_device_present(nd->ndev))
		netif_tx_wake_queue(txq);
	/* Signals stay masked until the ring is found empty here. */
	if (work < budget && napi_complete_done(napi, work) &&
	    hvg_channel_poll_done(ch->chan))
		napi_schedule(napi);
	return work;
}

/**
 * netvsc_rx_init() - receive state of a channel about to open
 * @ch: the channel
 *
 * The completion queue can hold one entry per receive area of the host
 * (known once the receive buffer is shared; netvsc_rx_pend_alloc()).
 *
 * Return: 0 or -ENOMEM.
 */
int netvsc_rx_init(struct netvsc_chan *ch)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = NETVSC_RX_POOL_PAGES,
		.nid = NUMA_NO_NODE,
	};

	ch->pkt_len = NETVSC_RING_BYTES;
	ch->pkt = kvmalloc(ch->pkt_len, GFP_KERNEL);
	ch->frags = kvmalloc_array(NETVSC_MAX_RANGES, sizeof(*ch->frags), GFP_KERNEL);
	ch->nfrags = 0;
	ch->pool = page_pool_create(&pp);
	if (IS_ERR(ch->pool))
		ch->pool = NULL;
	if (!ch->pkt || !ch->frags || !ch->pool) {
		netvsc_rx_free(ch);
		return -ENOMEM;
	}
	if (ch->nd->recv_slots && netvsc_rx_pend_alloc(ch, ch->nd->recv_slots)) {
		netvsc_rx_free(ch);
		return -ENOMEM;
	}
	return 0;
}

int netvsc_rx_pend_alloc(struct netvsc_chan *ch, u32 slots)
{
	kvfree(ch->pend);
	ch->pend_head = 0;
	ch->pend_count = 0;
	ch->pend_size = slots + 1;
	ch->pend = kvcalloc(ch->pend_size, sizeof(*ch->pend), GFP_KERNEL);
	return ch->pend ? 0 : -ENOMEM;
}

void netvsc_rx_free(struct netvsc_chan *ch)
{
	kvfree(ch->pkt);
	kvfree(ch->pend);
	kvfree(ch->frags);
	/* Pages still in the stack's skbs come back to the pool, then go. */
	page_pool_destroy(ch->pool);
	ch->pool = NULL;
	ch->pkt = NULL;
	ch->pend = NULL;
	ch->frags = NULL;
	ch->nfrags = 0;
	ch->pend_count = 0;
	ch->pend_head = 0;
}
