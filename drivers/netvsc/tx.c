// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: transmit.  A frame that fits a send-buffer section is copied
 * there behind its RNDIS header; a larger one gets the header pushed into
 * its headroom and the host reads it from the skb's pages (GPA direct).
 * A full ring or send buffer stops the queue (the frame is requeued, not
 * dropped); the next completion wakes it.
 */
#include <linux/bitmap.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/netpoll.h>

#include "netvsc.h"

#define NETVSC_TX_PPIS	2	/* offload info, VLAN tag */

/* What goes in front of a frame: RNDIS header and per-packet info. */
struct netvsc_txhdr {
	u32 len;		/* RNDIS_PKT_HDR_LEN + nppi * RNDIS_PPI_LEN */
	u32 nppi;
	u32 ppi_type[NETVSC_TX_PPIS];
	u32 ppi_val[NETVSC_TX_PPIS];
};

static void netvsc_add_ppi(struct netvsc_txhdr *th, u32 type, u32 val)
{
	th->ppi_type[th->nppi] = type;
	th->ppi_val[th->nppi] = val;
	th->nppi++;
	th->len += RNDIS_PPI_LEN;
}

static void netvsc_fill_rndis(void *dst, const struct netvsc_txhdr *th,
			      u32 frame_len)
{
	struct rndis_hdr h = {
		.type = RNDIS_MSG_PACKET,
		.len = th->len + frame_len,
	};
	struct rndis_packet p = {
		.data_offset = th->len - sizeof(h),
		.data_len = frame_len,
	};
	struct rndis_ppi ppi = {
		.size = RNDIS_PPI_LEN,
		.ppi_offset = sizeof(ppi),
	};
	u8 *d = dst + RNDIS_PKT_HDR_LEN;
	u32 i;

	if (th->nppi) {
		p.ppi_offset = sizeof(p);
		p.ppi_len = th->nppi * RNDIS_PPI_LEN;
	}
	for (i = 0; i < th->nppi; i++, d += RNDIS_PPI_LEN) {
		ppi.type = th->ppi_type[i];
		memcpy(d, &ppi, sizeof(ppi));
		memcpy(d + sizeof(ppi), &th->ppi_val[i], sizeof(u32));
	}
	memcpy(dst, &h, sizeof(h));
	memcpy(dst + sizeof(h), &p, sizeof(p));
}

/* The L4 protocol of a checksum-offload skb, or 0 if the host can't do it. */
static u8 netvsc_l4_proto(struct sk_buff *skb, u32 *ipflag)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		*ipflag = NDIS_CSUM_TX_IPV4;
		return ip_hdr(skb)->protocol;
	}
	if (skb->protocol == htons(ETH_P_IPV6) &&
	    skb_transport_offset(skb) == skb_network_offset(skb) + sizeof(struct ipv6hdr)) {
		*ipflag = NDIS_CSUM_TX_IPV6;
		return ipv6_hdr(skb)->nexthdr;
	}
	return 0;
}

/* Fill @th for @skb; 0, or an errno if the skb must be dropped. */
static int netvsc_tx_offload(struct sk_buff *skb, struct netvsc_txhdr *th)
{
	u32 thoff = skb_transport_offset(skb), ipflag = 0;
	u32 val;
	u8 proto;

	th->len = RNDIS_PKT_HDR_LEN;
	th->nppi = 0;
	if (skb_vlan_tag_present(skb)) {
		u16 tci = skb_vlan_tag_get(skb);

		netvsc_add_ppi(th, RNDIS_PPI_VLAN,
			       (tci & VLAN_VID_MASK) << NDIS_VLAN_ID_SHIFT |
			       (tci >> VLAN_PRIO_SHIFT));
	}
	if (skb_is_gso(skb)) {
		if (thoff > NDIS_LSO_THOFF_MASK ||
		    skb_shinfo(skb)->gso_size > NDIS_LSO_MSS_MASK)
			return -EINVAL;
		val = NDIS_LSO_V2 | skb_shinfo(skb)->gso_size |
		      thoff << NDIS_LSO_THOFF_SHIFT;
		if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
			val |= NDIS_LSO_IPV6;
		netvsc_add_ppi(th, RNDIS_PPI_LSO, val);
		return 0;
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	proto = netvsc_l4_proto(skb, &ipflag);
	if (thoff > 0x3ff || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return skb_checksum_help(skb);
	netvsc_add_ppi(th, RNDIS_PPI_CSUM, ipflag | thoff << NDIS_CSUM_TX_THOFF_SHIFT |
		       (proto == IPPROTO_TCP ? NDIS_CSUM_TX_TCP : NDIS_CSUM_TX_UDP));
	return 0;
}

static int netvsc_section_get(struct netvsc_dev *nd)
{
	unsigned long i;

	do {
		i = find_first_zero_bit(nd->send_map, nd->nsend);
		if (i >= nd->nsend)
			return -ENOSPC;
	} while (test_and_set_bit(i, nd->send_map));
	return i;
}

/* Page ranges covering @len bytes at @page + @off; false if too many. */
static bool netvsc_add_pages(struct hv_page_buffer *pb, u32 *n,
			     struct page *page, u32 off, u32 len)
{
	page += off >> PAGE_SHIFT;
	off &= ~PAGE_MASK;
	while (len) {
		u32 chunk = min_t(u32, len, PAGE_SIZE - off);

		if (*n >= NETVSC_MAX_PAGES)
			return false;
		pb[*n].pfn = page_to_pfn(page);
		pb[*n].offset = off;
		pb[*n].len = chunk;
		(*n)++;
		len -= chunk;
		off = 0;
		page++;
	}
	return true;
}

static int netvsc_skb_pages(struct sk_buff *skb, struct hv_page_buffer *pb)
{
	u32 n = 0, i;

	if (!netvsc_add_pages(pb, &n, virt_to_page(skb->data),
			      offset_in_page(skb->data), skb_headlen(skb)))
		return -E2BIG;
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		if (!netvsc_add_pages(pb, &n, skb_frag_page(f), skb_frag_off(f),
				      skb_frag_size(f)))
			return -E2BIG;
	}
	return n;
}

/* A frame of @len bytes, from @skb or else @data, into a send section. */
static int netvsc_send_copy(struct netvsc_chan *ch, struct sk_buff *skb,
			    const void *data, u32 len,
			    const struct netvsc_txhdr *th)
{
	struct netvsc_dev *nd = ch->nd;
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT,
		.rndis.channel_type = NVSP_CHANNEL_DATA,
	};
	int idx = netvsc_section_get(nd);
	u8 *dst;
	int ret;

	if (idx < 0)
		return -EAGAIN;
	dst = (u8 *)nd->send_buf + idx * nd->send_section;
	netvsc_fill_rndis(dst, th, len);
	if (skb)
		skb_copy_bits(skb, 0, dst + th->len, len);
	else
		memcpy(dst + th->len, data, len);
	m.rndis.section_index = idx;
	m.rndis.section_size = th->len + len;
	ret = hvg_sendpacket(ch->chan, &m, sizeof(m),
			     NETVSC_CK(NETVSC_CK_SECTION, idx), VM_PKT_DATA_INBAND,
			     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (ret)
		clear_bit(idx, nd->send_map);
	return ret;
}

static int netvsc_send_pages(struct netvsc_chan *ch, struct sk_buff *skb,
			     const struct netvsc_txhdr *th)
{
	struct netvsc_dev *nd = ch->nd;
	struct hv_page_buffer pb[NETVSC_MAX_PAGES];
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT,
		.rndis = { .channel_type = NVSP_CHANNEL_DATA,
			   .section_index = NVSP_NO_SECTION },
	};
	u32 frame_len = skb->len;
	int n, ret;

	if (skb_cow_head(skb, th->len))
		return -ENOMEM;
	netvsc_fill_rndis(skb_push(skb, th->len), th, frame_len);
	n = netvsc_skb_pages(skb, pb);
	if (n == -E2BIG && !skb_linearize(skb))
		n = netvsc_skb_pages(skb, pb);
	if (n < 0) {
		ret = n;
		goto undo;
	}
	/* The skb is the cookie: freed when the host has read it. */
	skb_queue_tail(&nd->tx_pending, skb);
	ret = hvg_sendpacket_pagebuffer(ch->chan, pb, n, &m, sizeof(m),
					(u64)(uintptr_t)skb);
	if (!ret)
		return 0;
	skb_unlink(skb, &nd->tx_pending);
undo:
	__skb_pull(skb, th->len);
	return ret;
}

static void netvsc_count_tx(struct netvsc_chan *ch, u32 len, bool xdp_xmit)
{
	u64_stats_update_begin(&ch->tx_stats.syncp);
	ch->tx_stats.packets++;
	ch->tx_stats.bytes += len;
	ch->tx_stats.xdp_xmit += xdp_xmit;
	u64_stats_update_end(&ch->tx_stats.syncp);
}

netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	u16 q = skb_get_queue_mapping(skb);
	struct netdev_queue *txq;
	struct netvsc_chan *ch;
	struct netvsc_txhdr th;
	u32 len = skb->len;
	struct net_device *vf;
	bool copy;
	int ret;

	if (READ_ONCE(nd->dp_vf)) {
		vf = rcu_dereference_bh(nd->vf);
		if (vf && netif_running(vf) && !netpoll_tx_running(ndev))
			return netvsc_vf_xmit(nd, vf, skb);
	}
	/* A queue without its channel only while the channels change */
	ch = q < READ_ONCE(nd->nchans) ? &nd->chans[q] : NULL;
	txq = netdev_get_tx_queue(ndev, q);
	if (len < ETH_HLEN || !ch || !ch->chan || READ_ONCE(nd->detached) ||
	    (!skb_is_gso(skb) && len > VLAN_ETH_HLEN + ndev->mtu) ||
	    netvsc_tx_offload(skb, &th)) {
		atomic_long_inc(&nd->tx_dropped);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	copy = th.len + len <= nd->send_section;
	atomic_inc(&ch->tx_inflight);
	ret = copy ? netvsc_send_copy(ch, skb, NULL, len, &th) :
		     netvsc_send_pages(ch, skb, &th);
	if (!ret) {
		netvsc_count_tx(ch, len, false);
		if (copy)
			dev_consume_skb_any(skb);
		return NETDEV_TX_OK;
	}
	atomic_dec(&ch->tx_inflight);
	if (ret == -EAGAIN || ret == -EBUSY) {
		atomic_long_inc(&nd->tx_busy);
		netif_tx_stop_queue(txq);
		/* Nothing in flight means no completion will wake us. */
		smp_mb__after_atomic();
		if (!atomic_read(&ch->tx_inflight) && netif_device_present(ndev))
			netif_tx_wake_queue(txq);
		return NETDEV_TX_BUSY;
	}
	if (ret != -ENODEV)
		net_err_ratelimited("%s: transmit failed: %d\n", ndev->name, ret);
	atomic_long_inc(&nd->tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/**
 * netvsc_xmit_xdp() - send a frame XDP gave us by queue @ch
 * @ch: the channel, whose transmit queue is used
 * @data: the frame, from its Ethernet header
 * @len: its length
 * @xdp_xmit: it came by ndo_xdp_xmit() (counted as such)
 *
 * XDP_TX and ndo_xdp_xmit(): the frame is copied into a send section and
 * sent as the stack's frames are, under the queue's lock.  Softirq.
 *
 * Return: 0; -EMSGSIZE if it does not fit a section; -EAGAIN if the ring
 * or the sections are full, -ENODEV if the queue is stopped or the
 * channel closed (the caller drops the frame).
 */
int netvsc_xmit_xdp(struct netvsc_chan *ch, const void *data, u32 len,
		    bool xdp_xmit)
{
	struct netvsc_dev *nd = ch->nd;
	struct netdev_queue *txq = netdev_get_tx_queue(nd->ndev, ch->idx);
	struct netvsc_txhdr th = { .len = RNDIS_PKT_HDR_LEN };
	int ret = -ENODEV;

	if (len < ETH_HLEN || th.len + len > nd->send_section)
		return -EMSGSIZE;
	__netif_tx_lock(txq, smp_processor_id());
	/* netvsc_reattach() stops every queue under its lock before closing */
	if (!netif_xmit_frozen_or_stopped(txq) && ch->chan &&
	    !READ_ONCE(nd->detached)) {
		atomic_inc(&ch->tx_inflight);
		ret = netvsc_send_copy(ch, NULL, data, len, &th);
		if (ret)
			atomic_dec(&ch->tx_inflight);
		else
			netvsc_count_tx(ch, len, xdp_xmit);
	}
	__netif_tx_unlock(txq);
	return ret;
}

/**
 * netvsc_tx_complete() - the host finished with a frame we sent
 * @ch: the channel it was sent and completed on
 * @cookie: a section tag or the skb
 * @data: the completion's NVSP message
 * @len: its length
 */
void netvsc_tx_complete(struct netvsc_chan *ch, u64 cookie, const void *data,
			u32 len)
{
	struct netvsc_dev *nd = ch->nd;
	struct nvsp_msg m = {};

	memcpy(&m, data, min_t(u32, len, sizeof(m)));
	if (m.type != NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE ||
	    m.rndis_complete.status != NVSP_STAT_SUCCESS) {
		atomic_long_inc(&nd->tx_errors);
		net_err_ratelimited("%s: host rejected a frame: type %u status %u\n",
				    nd->ndev->name, m.type, m.rndis_complete.status);
	}
	if ((cookie & NETVSC_CK_TAG_MASK) == NETVSC_CK_SECTION) {
		u64 idx = cookie >> 2;

		if (idx < nd->nsend)
			clear_bit(idx, nd->send_map);
		else
			net_err_ratelimited("%s: completion for send section %llu of %u\n",
					    nd->ndev->name, idx, nd->nsend);
	} else {
		struct sk_buff *skb = (struct sk_buff *)(uintptr_t)cookie;

		skb_unlink(skb, &nd->tx_pending);
		napi_consume_skb(skb, 1);
	}
	atomic_dec(&ch->tx_inflight);
	ch->tx_done = true;
}
