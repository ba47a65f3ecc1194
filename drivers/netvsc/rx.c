// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the NAPI poll.  Drains the channel: completions of what the
 * guest sent, and transfer-page packets whose ranges hold RNDIS messages
 * in the receive buffer.  Every transfer-page packet is completed so the
 * host can reuse its area; completions the ring has no room for wait in
 * a small queue and go first on the next poll.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "netvsc.h"

#define NETVSC_MAX_RANGES	64

/* Softirq: the host signalled the channel. */
void netvsc_channel_cb(void *ctx)
{
	struct netvsc_dev *nd = ctx;

	napi_schedule(&nd->napi);
}

static int netvsc_send_recv_comp(struct netvsc_dev *nd, u64 trans_id)
{
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE,
		.rndis_complete.status = NVSP_STAT_SUCCESS,
	};

	return hvg_sendpacket(nd->chan, &m, sizeof(m), trans_id, VM_PKT_COMP, 0);
}

/* Send queued completions; false if the ring is still full. */
static bool netvsc_flush_pending(struct netvsc_dev *nd)
{
	while (nd->pend_count) {
		int ret = netvsc_send_recv_comp(nd, nd->pend[nd->pend_head]);

		if (ret == -EAGAIN)
			return false;
		nd->pend_head = (nd->pend_head + 1) % nd->pend_size;
		nd->pend_count--;
	}
	return true;
}

static void netvsc_recv_done(struct netvsc_dev *nd, u64 trans_id)
{
	if (!nd->pend_count && netvsc_send_recv_comp(nd, trans_id) != -EAGAIN)
		return;
	if (nd->pend_count == nd->pend_size) {
		/* More outstanding than the host has areas: it is lying. */
		dev_err_ratelimited(netvsc_dev(nd), "receive completion queue full, id %llu dropped\n",
				    trans_id);
		atomic_long_inc(&nd->rx_errors);
		return;
	}
	nd->pend[(nd->pend_head + nd->pend_count) % nd->pend_size] = trans_id;
	nd->pend_count++;
}

static void netvsc_bad(struct netvsc_dev *nd, const char *why)
{
	atomic_long_inc(&nd->rx_errors);
	dev_err_ratelimited(netvsc_dev(nd), "%s\n", why);
}

static void netvsc_xfer(struct netvsc_dev *nd, const u8 *pkt, u32 off, u32 len)
{
	const struct vmxfer_page_header *h = (const void *)pkt;
	const struct vmxfer_page_range *r;
	const struct nvsp_msg *m;
	u32 i, n;

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
	for (i = 0; i < n; i++) {
		u32 o = r[i].byte_offset, c = r[i].byte_count;

		if (o >= nd->recv_size || c > nd->recv_size - o) {
			netvsc_bad(nd, "receive range outside the receive buffer");
			continue;
		}
		netvsc_rndis_recv(nd, (const u8 *)nd->recv_buf + o, c);
	}
done:
	netvsc_recv_done(nd, h->desc.trans_id);
}

static void netvsc_comp(struct netvsc_dev *nd, const u8 *pkt, u32 off, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u64 ck;

	if (hvg_request_complete(nd->chan, d->trans_id, &ck)) {
		netvsc_bad(nd, "completion with an unknown transaction id");
		return;
	}
	if ((ck & NETVSC_CK_TAG_MASK) == NETVSC_CK_CTRL)
		netvsc_ctrl_complete(nd, pkt + off, len - off);
	else
		netvsc_tx_complete(nd, ck, pkt + off, len - off);
}

/* One packet; false when the channel can't be used any more. */
static bool netvsc_packet(struct netvsc_dev *nd, u32 actual)
{
	const struct vmpacket_descriptor *d = (const void *)nd->pkt;
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
		netvsc_comp(nd, nd->pkt, off, len);
		return !hvg_channel_failed(nd->chan);
	case VM_PKT_DATA_USING_XFER_PAGES:
		netvsc_xfer(nd, nd->pkt, off, len);
		return true;
	}
	netvsc_bad(nd, "unexpected packet type");
	return true;
}

int netvsc_poll(struct napi_struct *napi, int budget)
{
	struct netvsc_dev *nd = container_of(napi, struct netvsc_dev, napi);
	int work = 0, ret;
	u32 actual;

	nd->tx_done = false;
	netvsc_flush_pending(nd);
	while (work < budget) {
		ret = hvg_recvpacket_raw(nd->chan, nd->pkt, nd->pkt_len, &actual);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			if (ret != -ENODEV)
				dev_err_ratelimited(netvsc_dev(nd), "receive failed: %d\n",
						    ret);
			break;
		}
		work++;
		if (!netvsc_packet(nd, actual))
			break;
	}
	if (nd->tx_done && netif_queue_stopped(nd->ndev))
		netif_wake_queue(nd->ndev);
	if (work < budget)
		napi_complete_done(napi, work);
	return work;
}

int netvsc_rx_init(struct netvsc_dev *nd)
{
	nd->pkt_len = NETVSC_RING_BYTES;
	nd->pkt = kvmalloc(nd->pkt_len, GFP_KERNEL);
	return nd->pkt ? 0 : -ENOMEM;
}

void netvsc_rx_free(struct netvsc_dev *nd)
{
	kvfree(nd->pkt);
	kvfree(nd->pend);
	nd->pkt = NULL;
	nd->pend = NULL;
}
