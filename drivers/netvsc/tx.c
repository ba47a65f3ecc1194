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

#include "netvsc.h"

/* What goes in front of a frame: RNDIS header and optional offload info. */
struct netvsc_txhdr {
	u32 len;		/* RNDIS_PKT_HDR_LEN, plus RNDIS_PPI_LEN */
	u32 ppi_type;
	u32 ppi_val;
};

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
		.type = th->ppi_type,
		.ppi_offset = sizeof(ppi),
	};
	u8 *d = dst;

	if (th->len > RNDIS_PKT_HDR_LEN) {
		p.ppi_offset = sizeof(p);
		p.ppi_len = RNDIS_PPI_LEN;
		memcpy(d + RNDIS_PKT_HDR_LEN, &ppi, sizeof(ppi));
		memcpy(d + RNDIS_PKT_HDR_LEN + sizeof(ppi), &th->ppi_val,
		       sizeof(th->ppi_val));
	}
	memcpy(d, &h, sizeof(h));
	memcpy(d + sizeof(h), &p, sizeof(p));
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
	u8 proto;

	th->len = RNDIS_PKT_HDR_LEN;
	if (skb_is_gso(skb)) {
		if (thoff > NDIS_LSO_THOFF_MASK ||
		    skb_shinfo(skb)->gso_size > NDIS_LSO_MSS_MASK)
			return -EINVAL;
		th->len += RNDIS_PPI_LEN;
		th->ppi_type = RNDIS_PPI_LSO;
		th->ppi_val = NDIS_LSO_V2 | skb_shinfo(skb)->gso_size |
			      thoff << NDIS_LSO_THOFF_SHIFT;
		if (skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6)
			th->ppi_val |= NDIS_LSO_IPV6;
		return 0;
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	proto = netvsc_l4_proto(skb, &ipflag);
	if (thoff > 0x3ff || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return skb_checksum_help(skb);
	th->len += RNDIS_PPI_LEN;
	th->ppi_type = RNDIS_PPI_CSUM;
	th->ppi_val = ipflag | thoff << NDIS_CSUM_TX_THOFF_SHIFT |
		      (proto == IPPROTO_TCP ? NDIS_CSUM_TX_TCP : NDIS_CSUM_TX_UDP);
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

static int netvsc_send_copy(struct netvsc_dev *nd, struct sk_buff *skb,
			    const struct netvsc_txhdr *th)
{
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
	netvsc_fill_rndis(dst, th, skb->len);
	skb_copy_bits(skb, 0, dst + th->len, skb->len);
	m.rndis.section_index = idx;
	m.rndis.section_size = th->len + skb->len;
	ret = hvg_sendpacket(nd->chan, &m, sizeof(m),
			     NETVSC_CK(NETVSC_CK_SECTION, idx), VM_PKT_DATA_INBAND,
			     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (ret)
		clear_bit(idx, nd->send_map);
	return ret;
}

static int netvsc_send_pages(struct netvsc_dev *nd, struct sk_buff *skb,
			     const struct netvsc_txhdr *th)
{
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
	ret = hvg_sendpacket_pagebuffer(nd->chan, pb, n, &m, sizeof(m),
					(u64)(uintptr_t)skb);
	if (!ret)
		return 0;
	skb_unlink(skb, &nd->tx_pending);
undo:
	__skb_pull(skb, th->len);
	return ret;
}

static void netvsc_count_tx(struct netvsc_dev *nd, u32 len)
{
	u64_stats_update_begin(&nd->tx_stats.syncp);
	nd->tx_stats.packets++;
	nd->tx_stats.bytes += len;
	u64_stats_update_end(&nd->tx_stats.syncp);
}

netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct netvsc_txhdr th;
	u32 len = skb->len;
	bool copy;
	int ret;

	if (len < ETH_HLEN ||
	    (!skb_is_gso(skb) && len > VLAN_ETH_HLEN + ndev->mtu) ||
	    netvsc_tx_offload(skb, &th)) {
		atomic_long_inc(&nd->tx_dropped);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	copy = th.len + len <= nd->send_section;
	atomic_inc(&nd->tx_inflight);
	ret = copy ? netvsc_send_copy(nd, skb, &th) :
		     netvsc_send_pages(nd, skb, &th);
	if (!ret) {
		netvsc_count_tx(nd, len);
		if (copy)
			dev_consume_skb_any(skb);
		return NETDEV_TX_OK;
	}
	atomic_dec(&nd->tx_inflight);
	if (ret == -EAGAIN || ret == -EBUSY) {
		atomic_long_inc(&nd->tx_busy);
		netif_stop_queue(ndev);
		/* Nothing in flight means no completion will wake us. */
		smp_mb__after_atomic();
		if (!atomic_read(&nd->tx_inflight))
			netif_wake_queue(ndev);
		return NETDEV_TX_BUSY;
	}
	if (ret != -ENODEV)
		net_err_ratelimited("%s: transmit failed: %d\n", ndev->name, ret);
	atomic_long_inc(&nd->tx_dropped);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/**
 * netvsc_tx_complete() - the host finished with a frame we sent
 * @nd: the device
 * @cookie: a section tag or the skb
 * @data: the completion's NVSP message
 * @len: its length
 */
void netvsc_tx_complete(struct netvsc_dev *nd, u64 cookie, const void *data,
			u32 len)
{
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
	} else {
		struct sk_buff *skb = (struct sk_buff *)(uintptr_t)cookie;

		skb_unlink(skb, &nd->tx_pending);
		napi_consume_skb(skb, 1);
	}
	atomic_dec(&nd->tx_inflight);
	nd->tx_done = true;
}
