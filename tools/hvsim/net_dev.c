// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host: the host-side netdev of a simulated NIC.  What the
 * guest transmits arrives here; what is transmitted here is queued for the
 * guest's receive buffer, like the two ends of a veth pair.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <hvguest/compat.h>

#include "net.h"

struct hvsim_net_ndev {
	struct hvsim_net *n;
};

static struct hvsim_net *hvsim_ndev_net(struct net_device *ndev)
{
	return ((struct hvsim_net_ndev *)netdev_priv(ndev))->n;
}

/*
 * Queue a frame for the guest on the channel the guest's RSS table names
 * (the primary if that one is not open); that channel's work delivers it.
 */
static netdev_tx_t hvsim_ndev_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct hvsim_net *n = hvsim_ndev_net(ndev);
	struct hvsim_net_queue *q;
	unsigned long flags;
	bool hashed;
	u32 qi;

	if (hvsim_net_vf_rx(n, skb)) {
		ndev->stats.tx_packets++;
		return NETDEV_TX_OK;
	}
	memset(skb->cb, 0, sizeof(struct hvsim_net_cb));
	spin_lock_irqsave(&n->lock, flags);
	qi = hvsim_net_rss_hash(n, skb, &hashed);
	HVSIM_NET_CB(skb)->hashed = hashed;
	if (qi >= HVSIM_NET_MAX_QUEUES || !n->q[qi].chan)
		qi = 0;
	q = &n->q[qi];
	if (!q->chan || skb_queue_len(&q->rxq) >= HVSIM_NET_RXQ_MAX) {
		ndev->stats.tx_dropped++;
		n->st.rx_dropped++;
		spin_unlock_irqrestore(&n->lock, flags);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	ndev->stats.tx_packets++;
	ndev->stats.tx_bytes += skb->len;
	skb_queue_tail(&q->rxq, skb);
	hvsim_chan_queue(q->chan);
	spin_unlock_irqrestore(&n->lock, flags);
	return NETDEV_TX_OK;
}

static int hvsim_ndev_open(struct net_device *ndev)
{
	hvsim_net_dev_carrier(hvsim_ndev_net(ndev));
	return 0;
}

static int hvsim_ndev_stop(struct net_device *ndev)
{
	netif_carrier_off(ndev);
	return 0;
}

static const struct net_device_ops hvsim_ndev_ops = {
	.ndo_open = hvsim_ndev_open,
	.ndo_stop = hvsim_ndev_stop,
	.ndo_start_xmit = hvsim_ndev_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* Carrier follows the link knob and whether the guest has the NIC open. */
void hvsim_net_dev_carrier(struct hvsim_net *n)
{
	bool up = READ_ONCE(n->link) && READ_ONCE(n->q[0].chan);

	if (up)
		netif_carrier_on(n->ndev);
	else
		netif_carrier_off(n->ndev);
}

/* Like a NIC that offloads: checksum and segmentation are left to the stack. */
static bool hvsim_net_apply_meta(struct sk_buff *skb,
				 const struct hvsim_net_meta *meta)
{
	if (meta->has_vlan)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), meta->vlan_tci);
	if (!meta->csum_off)
		return true;
	if (!skb_partial_csum_set(skb, meta->csum_start, meta->csum_off))
		return false;
	if (meta->gso_size) {
		skb_shinfo(skb)->gso_size = meta->gso_size;
		skb_shinfo(skb)->gso_type = (meta->ipv6 ? SKB_GSO_TCPV6 : SKB_GSO_TCPV4) |
					    SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_segs = 0;
	}
	return true;
}

/*
 * The host skb of a guest frame: small ones linear; of large ones the
 * headers (and the checksum field the guest points at) in skb->data, the
 * rest in pages of the NIC's pool, which come back when the host stack is
 * done.  NULL when out of memory.
 */
static struct sk_buff *hvsim_net_dev_skb(struct hvsim_net *n,
					 const struct hvsim_net_src *src,
					 u32 off, u32 len,
					 const struct hvsim_net_meta *meta)
{
	u32 head = max_t(u32, HVSIM_NET_SKB_HEAD,
			 meta->csum_start + meta->csum_off + sizeof(__sum16));
	u32 done, i, cnt;
	struct sk_buff *skb;
	struct page *page;

	if (len <= head || DIV_ROUND_UP(len - head, PAGE_SIZE) > MAX_SKB_FRAGS)
		head = len;
	skb = netdev_alloc_skb_ip_align(n->ndev, head);
	if (!skb)
		return NULL;
	hvsim_net_src_copy(src, off, skb_put(skb, head), head);
	for (i = 0, done = head; done < len; i++, done += cnt) {
		page = page_pool_dev_alloc_pages(n->pool);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		cnt = min_t(u32, len - done, PAGE_SIZE);
		hvsim_net_src_copy(src, off + done, page_address(page), cnt);
		skb_add_rx_frag(skb, i, page, 0, cnt, PAGE_SIZE);
		hvg_skb_pool_page(n->pool, skb, page);
	}
	return skb;
}

/**
 * hvsim_net_dev_rx() - hand a frame the guest sent to the host netdev
 * @n: the NIC
 * @src: the guest's RNDIS message
 * @off: offset of the Ethernet frame in it
 * @len: its length, at least ETH_HLEN; inside the message
 * @meta: checksum and segmentation requests, bounds not yet checked
 */
void hvsim_net_dev_rx(struct hvsim_net *n, const struct hvsim_net_src *src,
		      u32 off, u32 len, const struct hvsim_net_meta *meta)
{
	struct net_device *ndev = n->ndev;
	struct sk_buff *skb;

	skb = hvsim_net_dev_skb(n, src, off, len, meta);
	if (!skb) {
		ndev->stats.rx_dropped++;
		return;
	}
	if (!hvsim_net_apply_meta(skb, meta)) {
		pr_err_ratelimited("net%u: checksum offset outside the frame\n",
				   n->dev->id);
		ndev->stats.rx_errors++;
		kfree_skb(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, ndev);
	ndev->stats.rx_packets++;
	ndev->stats.rx_bytes += len;
	hvg_netif_rx(skb);
}

int hvsim_net_dev_create(struct hvsim_net *n)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = HVSIM_NET_POOL_PAGES,
		.nid = NUMA_NO_NODE,
	};
	struct net_device *ndev;
	int ret;

	n->pool = page_pool_create(&pp);
	if (IS_ERR(n->pool)) {
		ret = PTR_ERR(n->pool);
		n->pool = NULL;
		return ret;
	}
	ndev = alloc_netdev(sizeof(struct hvsim_net_ndev), "hvsim%d",
			    NET_NAME_ENUM, ether_setup);
	if (!ndev) {
		ret = -ENOMEM;
		goto err_pool;
	}
	snprintf(ndev->name, IFNAMSIZ, "hvsim%u", n->dev->id);
	((struct hvsim_net_ndev *)netdev_priv(ndev))->n = n;
	ndev->netdev_ops = &hvsim_ndev_ops;
	ndev->max_mtu = n->mtu;
	/*
	 * Like a NIC: the stack leaves checksums, VLAN tags and segmentation
	 * to it.  TCP frames reach the guest coalesced (RSC) or segmented.
	 */
	ndev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HW_VLAN_CTAG_TX |
			    NETIF_F_HW_VLAN_CTAG_RX | NETIF_F_TSO | NETIF_F_TSO6;
	ndev->features = ndev->hw_features;
	eth_hw_addr_random(ndev);
	netif_carrier_off(ndev);
	n->ndev = ndev;
	ret = register_netdev(ndev);
	if (!ret)
		return 0;
	free_netdev(ndev);
	n->ndev = NULL;
err_pool:
	page_pool_destroy(n->pool);
	n->pool = NULL;
	return ret;
}

void hvsim_net_dev_destroy(struct hvsim_net *n)
{
	if (!n->ndev)
		return;
	unregister_netdev(n->ndev);
	free_netdev(n->ndev);
	n->ndev = NULL;
	/* Pages still in host skbs come back to the pool, then go. */
	page_pool_destroy(n->pool);
	n->pool = NULL;
}
