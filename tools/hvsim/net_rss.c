// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host: receive-side scaling.  The guest sets a Toeplitz
 * key and an indirection table of channel numbers
 * (OID_GEN_RECEIVE_SCALE_PARAMETERS); every frame for the guest is
 * hashed over its IP addresses (and TCP ports) and goes to the channel
 * the table names for the hash's low bits, with the hash in its
 * per-packet info.
 */
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/log2.h>
#include <linux/tcp.h>
#include <net/ip.h>

#include "net.h"

#define HVSIM_NET_RSS_CAPS	(NDIS_HASH_TCP_IPV4 | NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6)

static u32 hvsim_toeplitz(const u8 *key, const u8 *data, u32 len)
{
	u64 win = 0;
	u32 hash = 0, i;
	int b;

	for (i = 0; i < 8; i++)
		win = win << 8 | key[i];
	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			if (data[i] & BIT(b))
				hash ^= win >> 32;
			win <<= 1;
		}
		if (i + 8 < NDIS_RSS_KEY_LEN)
			win |= key[i + 8];
	}
	return hash;
}

/* Addresses and ports of a TCP/IP frame, in the order they are hashed. */
static u32 hvsim_rss_tuple(const struct hvsim_net *n, struct sk_buff *skb,
			   u8 *buf)
{
	u32 hi = n->rss_hash_info, off = ETH_HLEN, len;
	const struct ethhdr *eh;
	struct ethhdr ebuf;
	u8 proto;

	eh = skb_header_pointer(skb, 0, sizeof(ebuf), &ebuf);
	if (!eh)
		return 0;
	if (eh->h_proto == htons(ETH_P_IP) && (hi & (NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4))) {
		struct iphdr ibuf;
		const struct iphdr *iph = skb_header_pointer(skb, off, sizeof(ibuf), &ibuf);

		if (!iph || iph->ihl < 5)
			return 0;
		memcpy(buf, &iph->saddr, 4);
		memcpy(buf + 4, &iph->daddr, 4);
		len = 8;
		proto = iph->protocol;
		off += iph->ihl * 4;
		if (iph->frag_off & htons(IP_MF | IP_OFFSET) ||
		    !(hi & NDIS_HASH_TCP_IPV4))
			proto = 0;
	} else if (eh->h_proto == htons(ETH_P_IPV6) &&
		   (hi & (NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6))) {
		struct ipv6hdr ibuf;
		const struct ipv6hdr *ip6 = skb_header_pointer(skb, off, sizeof(ibuf), &ibuf);

		if (!ip6)
			return 0;
		memcpy(buf, &ip6->saddr, 16);
		memcpy(buf + 16, &ip6->daddr, 16);
		len = 32;
		proto = hi & NDIS_HASH_TCP_IPV6 ? ip6->nexthdr : 0;
		off += sizeof(*ip6);
	} else {
		return 0;
	}
	if (proto == IPPROTO_TCP) {
		__be16 ports[2];

		if (!skb_header_pointer(skb, off, sizeof(ports), ports))
			return len;
		memcpy(buf + len, ports, sizeof(ports));
		len += sizeof(ports);
	}
	return len;
}

/**
 * hvsim_net_rss_hash() - the queue for a frame to the guest
 * @n: the NIC; caller holds n->lock
 * @skb: the frame, from the Ethernet header
 * @hashed: set with the hash in HVSIM_NET_CB(@skb) when RSS hashed it
 *
 * Return: the queue the indirection table names, 0 without RSS.
 */
u32 hvsim_net_rss_hash(const struct hvsim_net *n, struct sk_buff *skb,
		       bool *hashed)
{
	u8 tuple[36];
	u32 len, hash;

	lockdep_assert_held(&n->lock);

	*hashed = false;
	if (!n->rss)
		return 0;
	len = hvsim_rss_tuple(n, skb, tuple);
	if (!len)
		return 0;
	hash = hvsim_toeplitz(n->rss_key, tuple, len);
	HVSIM_NET_CB(skb)->hash = hash;
	*hashed = true;
	return n->rss_itab[hash & (n->rss_itab_n - 1)];
}

/**
 * hvsim_net_rss_caps() - OID_GEN_RECEIVE_SCALE_CAPABILITIES
 * @n: the NIC
 * @c: filled in
 */
void hvsim_net_rss_caps(const struct hvsim_net *n, struct ndis_rss_caps *c)
{
	memset(c, 0, sizeof(*c));
	c->header.type = NDIS_OBJECT_TYPE_RSS_CAPS;
	c->header.revision = NDIS_RSS_REVISION_2;
	c->header.size = sizeof(*c);
	c->cap_flags = HVSIM_NET_RSS_CAPS;
	c->num_int_msg = n->queues;
	c->num_recv_queues = n->queues;
	c->num_itab_entries = HVSIM_NET_ITAB;
}

static bool hvsim_rss_in(u32 off, u32 size, u32 len)
{
	return off <= len && size <= len - off;
}

/**
 * hvsim_net_rss_set() - OID_GEN_RECEIVE_SCALE_PARAMETERS
 * @n: the NIC
 * @info: the guest's parameters (a private copy)
 * @len: their length
 *
 * Return: the RNDIS status; the previous parameters stay on failure.
 */
u32 hvsim_net_rss_set(struct hvsim_net *n, const u8 *info, u32 len)
{
	struct ndis_rss_params p;
	u8 itab[HVSIM_NET_ITAB];
	u32 i, cnt, v;

	if (len < sizeof(p))
		return RNDIS_STATUS_INVALID_DATA;
	memcpy(&p, info, sizeof(p));
	if (p.header.type != NDIS_OBJECT_TYPE_RSS_PARAMS ||
	    p.header.size < sizeof(p))
		return RNDIS_STATUS_INVALID_DATA;
	if (p.flags & NDIS_RSS_FLAG_DISABLE) {
		spin_lock_irq(&n->lock);
		n->rss = false;
		spin_unlock_irq(&n->lock);
		return RNDIS_STATUS_SUCCESS;
	}
	cnt = p.itab_size / sizeof(u32);
	if ((p.hash_info & NDIS_HASH_FUNC_MASK) != NDIS_HASH_FUNC_TOEPLITZ ||
	    !(p.hash_info & (NDIS_HASH_IPV4 | HVSIM_NET_RSS_CAPS)) ||
	    p.itab_size % sizeof(u32) || cnt < 1 || cnt > HVSIM_NET_ITAB ||
	    !is_power_of_2(cnt) || !hvsim_rss_in(p.itab_offset, p.itab_size, len) ||
	    p.key_size != NDIS_RSS_KEY_LEN ||
	    !hvsim_rss_in(p.key_offset, p.key_size, len))
		return RNDIS_STATUS_INVALID_DATA;
	for (i = 0; i < cnt; i++) {
		memcpy(&v, info + p.itab_offset + i * sizeof(u32), sizeof(v));
		if (v > n->subs)
			return RNDIS_STATUS_INVALID_DATA;
		itab[i] = v;
	}
	spin_lock_irq(&n->lock);
	memcpy(n->rss_itab, itab, cnt);
	memcpy(n->rss_key, info + p.key_offset, NDIS_RSS_KEY_LEN);
	n->rss_itab_n = cnt;
	n->rss_hash_info = p.hash_info;
	n->rss = true;
	spin_unlock_irq(&n->lock);
	return RNDIS_STATUS_SUCCESS;
}
