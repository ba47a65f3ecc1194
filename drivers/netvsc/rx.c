// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the receive path.  The NAPI poll, one per channel, drains
 * the channel: completions of what the guest sent, and transfer-page
 * packets whose ranges hold RNDIS messages in the (shared) receive
 * buffer: control replies, status indications and data messages, each
 * decoded by parse.c before use.  Frames go to the stack by GRO.  Every
 * transfer-page packet is completed so the host can reuse its area;
 * completions the ring has no room for wait in a small queue and go
 * first on the next poll.  With an XDP program attached, each frame is
 * first shown to it (xdp.c).
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "netvsc.h"

/* ---- RNDIS messages from the receive buffer ----------------------------- */

static void netvsc_rndis_reply(struct netvsc_dev *nd, const u8 *msg, u32 len)
{
	u32 req_id;

	if (netvsc_rndis_parse_reply(msg, len, &req_id)) {
		dev_err_ratelimited(netvsc_dev(nd), "RNDIS reply of bad length %u\n", len);
		return;
	}
	spin_lock(&nd->rndis_lock);
	if (req_id && req_id == nd->rndis_req_id && !nd->rndis_reply_len) {
		memcpy(nd->rndis_reply, msg, len);
		nd->rndis_reply_len = len;
		complete(&nd->rndis_done);
		req_id = 0;
	}
	spin_unlock(&nd->rndis_lock);
	if (req_id)
		dev_err_ratelimited(netvsc_dev(nd), "unexpected RNDIS reply id %u\n",
				    req_id);
}

static void netvsc_rndis_status(struct netvsc_dev *nd, const u8 *msg, u32 len)
{
	u32 status;

	if (netvsc_rndis_parse_indicate(msg, len, &status)) {
		dev_err_ratelimited(netvsc_dev(nd), "short RNDIS indication\n");
		return;
	}
	switch (status) {
	case RNDIS_STATUS_MEDIA_CONNECT:
		netdev_info(nd->ndev, "link up\n");
		netif_carrier_on(nd->ndev);
		break;
	case RNDIS_STATUS_MEDIA_DISCONNECT:
		netdev_info(nd->ndev, "link down\n");
		netif_carrier_off(nd->ndev);
		break;
	case RNDIS_STATUS_NETWORK_CHANGE:
		/* Make the stack renew addresses: a short carrier drop. */
		netif_carrier_off(nd->ndev);
		netif_carrier_on(nd->ndev);
		break;
	default:
		netdev_dbg(nd->ndev, "RNDIS status %#x ignored\n", status);
	}
}

static void netvsc_rx_apply(struct netvsc_chan *ch, struct sk_buff *skb,
			    const struct netvsc_rx_info *ri)
{
	struct net_device *ndev = ch->nd->ndev;
	u32 ok = ri->csum & (NDIS_CSUM_RX_TCP_OK | NDIS_CSUM_RX_UDP_OK);
	u32 bad = ri->csum & (NDIS_CSUM_RX_TCP_BAD | NDIS_CSUM_RX_UDP_BAD |
			      NDIS_CSUM_RX_IP_BAD);

	/*
	 * A coalesced frame may also say the field holds no valid value
	 * (NDIS_CSUM_RX_*_VALUE_INVALID): its data was checked all the same.
	 */
	if ((ndev->features & NETIF_F_RXCSUM) && ok && !bad) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		ch->rx_stats.csum_ok++;
	}
	if (ri->has_hash && (ndev->features & NETIF_F_RXHASH))
		skb_set_hash(skb, ri->hash, PKT_HASH_TYPE_L4);
	if (ri->has_vlan && (ndev->features & NETIF_F_HW_VLAN_CTAG_RX)) {
		u16 vid = (ri->vlan >> NDIS_VLAN_ID_SHIFT) & NDIS_VLAN_ID_MASK;
		u16 pri = ri->vlan & NDIS_VLAN_PRI_MASK;

		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
				       vid | pri << VLAN_PRIO_SHIFT);
	}
}

/* Copy @len bytes of a frame's pieces to @dst, from where @frag/@off point. */
void netvsc_rx_copy(const struct netvsc_frag **frag, u32 *off, u8 *dst,
			   u32 len)
{
	while (len) {
		u32 n = min(len, (*frag)->len - *off);

		memcpy(dst, (*frag)->data + *off, n);
		dst += n;
		len -= n;
		*off += n;
		if (*off == (*frag)->len) {
			(*frag)++;
			*off = 0;
		}
	}
}

/*
 * The skb of a frame of @len bytes in @frag: small ones in skb->data; the
 * headers of large ones there and the rest in pages of the channel's pool.
 * Those come back to the pool when the stack is done, so a large frame
 * costs no new (and, with init_on_alloc, zeroed) 64 KiB buffer.
 */
static struct sk_buff *netvsc_rx_skb(struct netvsc_chan *ch,
				     const struct netvsc_frag *frag, u32 len)
{
	u32 off = 0, head = len, i, n;
	struct sk_buff *skb;
	struct page *page;

	if (len > NETVSC_RX_LINEAR_MAX &&
	    DIV_ROUND_UP(len - NETVSC_RX_HEAD, PAGE_SIZE) <= MAX_SKB_FRAGS)
		head = NETVSC_RX_HEAD;
	skb = napi_alloc_skb(&ch->napi, head);
	if (!skb)
		return NULL;
	netvsc_rx_copy(&frag, &off, skb_put(skb, head), head);
	for (i = 0, len -= head; len; i++, len -= n) {
		page = page_pool_dev_alloc_pages(ch->pool);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		n = min_t(u32, len, PAGE_SIZE);
		netvsc_rx_copy(&frag, &off, page_address(page), n);
		skb_add_rx_frag(skb, i, page, 0, n, PAGE_SIZE);
		hvg_skb_pool_page(ch->pool, skb, page);
	}
	return skb;
}

/* Hand a frame to the stack: @nfrag pieces, @len bytes in all. */
static void netvsc_rx_frame(struct netvsc_chan *ch, const struct netvsc_frag *frag,
			    u32 nfrag, u32 len, const struct netvsc_rx_info *ri)
{
	struct netvsc_dev *nd = ch->nd;
	struct sk_buff *skb = NULL;

	/* A program sees a copy in a page of its own (xdp.c) */
	if (rcu_access_pointer(nd->xdp_prog) &&
	    netvsc_xdp_run(ch, frag, len, &skb) != XDP_PASS)
		return;
	if (!skb)
		skb = netvsc_rx_skb(ch, frag, len);
	if (!skb) {
		atomic_long_inc(&nd->rx_dropped);
		return;
	}
	skb->protocol = eth_type_trans(skb, nd->ndev);
	skb_record_rx_queue(skb, ch->idx);
	u64_stats_update_begin(&ch->rx_stats.syncp);
	netvsc_rx_apply(ch, skb, ri);
	ch->rx_stats.packets++;
	ch->rx_stats.bytes += len;
	ch->rx_stats.rsc += nfrag > 1;
	u64_stats_update_end(&ch->rx_stats.syncp);
	napi_gro_receive(&ch->napi, skb);
}

/*
 * No more fragments of the open coalesced frame.  Called when the transfer-page packet ends and when another frame
 * starts.  A coalesced frame still open then is malformed: its fragments
 * are dropped (their ranges go back to the host with the packet).
 */
static void netvsc_rx_frags_end(struct netvsc_chan *ch)
{
	if (!ch->nfrags)
		return;
	ch->nfrags = 0;
	atomic_long_inc(&ch->nd->rx_errors);
	dev_err_ratelimited(netvsc_dev(ch->nd), "coalesced frame without its last fragment dropped\n");
}

/*
 * A fragment of a frame the host coalesced (RSC): gathered until the last
 * one, all within one transfer-page packet (netvsc_rx_frags_end()).  The
 * first fragment's per-packet info is the frame's.  False if malformed.
 */
static bool netvsc_rx_frag(struct netvsc_chan *ch, const u8 *data, u32 len,
			   const struct netvsc_rx_info *ri)
{
	if (!ch->nd->rsc)
		return false;		/* never asked for */
	if (ri->frag & RNDIS_PKTINFO_1ST_FRAG) {
		netvsc_rx_frags_end(ch);	/* the previous frame never ended */
		ch->frags_ri = *ri;
		ch->frags_len = 0;
	} else if (!ch->nfrags) {
		return false;		/* a continuation without a start */
	}
	if (ch->nfrags == NETVSC_MAX_RANGES ||
	    len > NETVSC_RSC_MAX_LEN - ch->frags_len)
		return false;
	ch->frags[ch->nfrags].data = data;
	ch->frags[ch->nfrags].len = len;
	ch->nfrags++;
	ch->frags_len += len;
	if (!(ri->frag & RNDIS_PKTINFO_LAST_FRAG))
		return true;
	if (ch->frags_len < ETH_HLEN)
		return false;
	netvsc_rx_frame(ch, ch->frags, ch->nfrags, ch->frags_len, &ch->frags_ri);
	ch->nfrags = 0;
	return true;
}

static void netvsc_rndis_data(struct netvsc_chan *ch, const u8 *msg, u32 len)
{
	struct netvsc_dev *nd = ch->nd;
	struct netvsc_rx_info ri = {};
	struct netvsc_frag f;
	u32 off;

	if (netvsc_rndis_parse_packet(msg, len, &ri, &off, &f.len))
		goto bad;
	f.data = msg + off;
	if (ri.frag) {
		if (!netvsc_rx_frag(ch, f.data, f.len, &ri))
			goto bad_frag;
		return;
	}
	netvsc_rx_frags_end(ch);	/* a coalesced frame left open */
	if (f.len < ETH_HLEN || f.len > VLAN_ETH_HLEN + nd->ndev->mtu)
		goto bad;
	netvsc_rx_frame(ch, &f, 1, f.len, &ri);
	return;
bad_frag:
	ch->nfrags = 0;
	atomic_long_inc(&nd->rx_errors);
	dev_err_ratelimited(netvsc_dev(nd), "malformed fragment of a coalesced frame dropped\n");
	return;
bad:
	ch->nfrags = 0;
	atomic_long_inc(&nd->rx_errors);
	dev_err_ratelimited(netvsc_dev(nd), "malformed RNDIS data message dropped\n");
}

/* One RNDIS message from the receive buffer, @len bytes the range gave it. */
static void netvsc_rndis_recv(struct netvsc_chan *ch, const u8 *msg, u32 len)
{
	struct netvsc_dev *nd = ch->nd;
	struct rndis_hdr h;

	if (netvsc_rndis_parse_hdr(msg, len, &h))
		goto bad;
	switch (h.type) {
	case RNDIS_MSG_PACKET:
		netvsc_rndis_data(ch, msg, h.len);
		return;
	case RNDIS_MSG_INDICATE:
		netvsc_rndis_status(nd, msg, h.len);
		return;
	case RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION:
	case RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION:
	case RNDIS_MSG_SET | RNDIS_MSG_COMPLETION:
	case RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION:
		netvsc_rndis_reply(nd, msg, h.len);
		return;
	}
	dev_err_ratelimited(netvsc_dev(nd), "unknown RNDIS message %#x\n", h.type);
	atomic_long_inc(&nd->rx_errors);
	return;
bad:
	atomic_long_inc(&nd->rx_errors);
	dev_err_ratelimited(netvsc_dev(nd), "RNDIS message length %u does not fit its range\n",
			    len);
}

/* ---- The channel --------------------------------------------------------- */

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
	u32 i, n, size;
	int ret;

	/* Pairs with the release once the host took the buffer. */
	size = smp_load_acquire(&nd->recv_size);
	if (!size) {
		netvsc_bad(nd, "transfer-page packet before the receive buffer was shared");
		goto done;
	}
	ret = netvsc_parse_xfer(pkt, off, len);
	if (ret < 0) {
		netvsc_bad(nd, ret == -ENOENT ? "transfer-page packet for an unknown buffer" :
			   "malformed transfer-page packet");
		goto done;
	}
	n = ret;
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
 * NVSP 5's send indirection table (netvsc_parse_send_table()): kept,
 * checked, not used (the stack picks transmit queues).
 */
static void netvsc_send_table(struct netvsc_chan *ch, const u8 *msg, u32 len)
{
	struct netvsc_dev *nd = ch->nd;
	u32 tab[NVSP_SEND_ITAB_SIZE];
	int ret;

	ret = ch->idx ? -EMSGSIZE : netvsc_parse_send_table(msg, len, nd->nvsp, tab);
	if (ret) {
		netvsc_bad(nd, ret == -EMSGSIZE ? "send table on a subchannel or too short" :
			   ret == -EBADMSG ? "send table of bad size or offset" :
			   "send table names a channel beyond the maximum");
		return;
	}
	memcpy(nd->send_itab, tab, sizeof(tab));
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
	if (type == NVSP_MSG4_SEND_VF_ASSOCIATION && ch->nd->nvsp >= NVSP_VERSION_4 &&
	    !ch->idx) {
		netvsc_vf_assoc(ch->nd, pkt + off, len - off);
		return;
	}
	if (type == NVSP_MSG4_SWITCH_DATA_PATH && ch->nd->nvsp >= NVSP_VERSION_4 &&
	    !ch->idx) {
		netvsc_vf_host_switch(ch->nd, pkt + off, len - off);
		return;
	}
	dev_dbg_ratelimited(netvsc_dev(ch->nd), "NVSP message %u from the host ignored\n",
			    type);
}

/* One packet; false when the channel can't be used any more. */
static bool netvsc_packet(struct netvsc_chan *ch, u32 actual)
{
	const struct vmpacket_descriptor *d = (const void *)ch->pkt;
	struct netvsc_dev *nd = ch->nd;
	u32 off, len;
	int ret;

	ret = netvsc_parse_desc(ch->pkt, actual, &off, &len);
	if (ret) {
		netvsc_bad(nd, ret == -EMSGSIZE ? "runt packet" : "bad packet descriptor");
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
	netvsc_xdp_poll_end(ch);
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
 * The channel's XDP receive queue is registered here.
 *
 * Return: 0 or a negative errno.
 */
int netvsc_rx_init(struct netvsc_chan *ch)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = NETVSC_RX_POOL_PAGES,
		.nid = NUMA_NO_NODE,
	};
	int ret;

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
	ret = netvsc_xdp_rxq_reg(ch);
	if (ret)
		netvsc_rx_free(ch);
	return ret;
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
	netvsc_xdp_rxq_unreg(ch);
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
