// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: RNDIS control (initialize, query, set, halt).  Requests go
 * to the host as GPA-direct NVSP packets from one page; the replies
 * arrive in the receive buffer (rx.c) and are checked field by field
 * before use.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "netvsc.h"

#define NETVSC_RNDIS_REQ_MAX	1024

/* Send the request in rndis_page and wait for the reply of type @cmplt. */
static int netvsc_rndis_request(struct netvsc_dev *nd, u32 len, u32 cmplt,
				u32 req_id)
{
	struct hv_page_buffer pb = {
		.len = len,
		.offset = offset_in_page(nd->rndis_page),
		.pfn = page_to_pfn(virt_to_page(nd->rndis_page)),
	};
	struct nvsp_msg m = {
		.type = NVSP_MSG1_SEND_RNDIS_PKT,
		.rndis = { .channel_type = NVSP_CHANNEL_CONTROL,
			   .section_index = NVSP_NO_SECTION },
	};
	int ret;

	spin_lock_bh(&nd->rndis_lock);
	nd->rndis_req_id = req_id;
	nd->rndis_reply_len = 0;
	reinit_completion(&nd->rndis_done);
	spin_unlock_bh(&nd->rndis_lock);

	ret = netvsc_nvsp_request(nd, &m, &pb, 1);
	if (!ret && (m.type != NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE ||
		     m.rndis_complete.status != NVSP_STAT_SUCCESS))
		ret = -EIO;
	if (!ret && cmplt &&
	    !wait_for_completion_timeout(&nd->rndis_done, NETVSC_CTRL_TIMEOUT))
		ret = hvg_channel_rescinded(nd->chan) ? -ENODEV : -ETIMEDOUT;

	spin_lock_bh(&nd->rndis_lock);
	nd->rndis_req_id = 0;
	if (!ret && cmplt &&
	    ((struct rndis_hdr *)nd->rndis_reply)->type != cmplt)
		ret = -EPROTO;
	spin_unlock_bh(&nd->rndis_lock);
	if (ret)
		dev_err_ratelimited(netvsc_dev(nd), "RNDIS request %#x failed: %d\n",
				    ((struct rndis_hdr *)nd->rndis_page)->type, ret);
	return ret;
}

static void *netvsc_rndis_prepare(struct netvsc_dev *nd, u32 type, u32 len,
				  u32 *req_id)
{
	struct rndis_hdr *h = nd->rndis_page;

	memset(h, 0, NETVSC_RNDIS_REQ_MAX);
	h->type = type;
	h->len = len;
	*req_id = ++nd->rndis_next_id ? nd->rndis_next_id : ++nd->rndis_next_id;
	return h + 1;
}

static int netvsc_rndis_initialize(struct netvsc_dev *nd)
{
	const u32 len = sizeof(struct rndis_hdr) + sizeof(struct rndis_init_req);
	struct rndis_init_req *req;
	struct rndis_init_cmplt c;
	u32 id;
	int ret;

	req = netvsc_rndis_prepare(nd, RNDIS_MSG_INIT, len, &id);
	req->req_id = id;
	req->major = 1;
	req->max_xfer_size = 0x4000;
	ret = netvsc_rndis_request(nd, len, RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION, id);
	if (ret)
		return ret;
	if (nd->rndis_reply_len < sizeof(struct rndis_hdr) + sizeof(c))
		return -EPROTO;
	memcpy(&c, nd->rndis_reply + sizeof(struct rndis_hdr), sizeof(c));
	if (c.status != RNDIS_STATUS_SUCCESS) {
		dev_err(netvsc_dev(nd), "RNDIS initialize: status %#x\n", c.status);
		return -EIO;
	}
	return 0;
}

/* QUERY @oid into @buf; returns the length of the answer or an errno. */
static int netvsc_rndis_query(struct netvsc_dev *nd, u32 oid, void *buf,
			      u32 buflen)
{
	const u32 len = sizeof(struct rndis_hdr) + sizeof(struct rndis_oid_req);
	const u32 body = sizeof(struct rndis_query_cmplt);
	struct rndis_query_cmplt c;
	struct rndis_oid_req *req;
	u32 id, avail;
	int ret;

	req = netvsc_rndis_prepare(nd, RNDIS_MSG_QUERY, len, &id);
	req->req_id = id;
	req->oid = oid;
	ret = netvsc_rndis_request(nd, len, RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION, id);
	if (ret)
		return ret;
	avail = nd->rndis_reply_len - sizeof(struct rndis_hdr);
	if (avail < body)
		return -EPROTO;
	memcpy(&c, nd->rndis_reply + sizeof(struct rndis_hdr), body);
	if (c.status != RNDIS_STATUS_SUCCESS)
		return -EOPNOTSUPP;
	if (c.info_offset > avail || c.info_len > avail - c.info_offset ||
	    c.info_len > buflen) {
		dev_err_ratelimited(netvsc_dev(nd), "RNDIS query %#x: bad info buffer\n",
				    oid);
		return -EPROTO;
	}
	memcpy(buf, nd->rndis_reply + sizeof(struct rndis_hdr) + c.info_offset,
	       c.info_len);
	return c.info_len;
}

static int netvsc_rndis_set(struct netvsc_dev *nd, u32 oid, const void *val,
			    u32 vlen)
{
	const u32 len = sizeof(struct rndis_hdr) + sizeof(struct rndis_oid_req) + vlen;
	struct rndis_status_cmplt c;
	struct rndis_oid_req *req;
	u32 id;
	int ret;

	if (len > NETVSC_RNDIS_REQ_MAX)
		return -EINVAL;
	req = netvsc_rndis_prepare(nd, RNDIS_MSG_SET, len, &id);
	req->req_id = id;
	req->oid = oid;
	req->info_len = vlen;
	req->info_offset = sizeof(*req);
	memcpy(req + 1, val, vlen);
	ret = netvsc_rndis_request(nd, len, RNDIS_MSG_SET | RNDIS_MSG_COMPLETION, id);
	if (ret)
		return ret;
	if (nd->rndis_reply_len < sizeof(struct rndis_hdr) + sizeof(c))
		return -EPROTO;
	memcpy(&c, nd->rndis_reply + sizeof(struct rndis_hdr), sizeof(c));
	return c.status == RNDIS_STATUS_SUCCESS ? 0 : -EIO;
}

static int netvsc_query_u32(struct netvsc_dev *nd, u32 oid, u32 *val)
{
	int ret = netvsc_rndis_query(nd, oid, val, sizeof(*val));

	if (ret >= 0 && ret != sizeof(*val))
		return -EPROTO;
	return ret < 0 ? ret : 0;
}

static u8 netvsc_csum_param(netdev_features_t feats, netdev_features_t f)
{
	bool rx = feats & NETIF_F_RXCSUM;

	if (feats & f)
		return rx ? NDIS_OFFLOAD_CSUM_TXRX : NDIS_OFFLOAD_CSUM_TX;
	return rx ? NDIS_OFFLOAD_CSUM_RX : NDIS_OFFLOAD_CSUM_OFF;
}

static u8 netvsc_lso_param(netdev_features_t feats, netdev_features_t f)
{
	return feats & f ? NDIS_OFFLOAD_LSO_ON : NDIS_OFFLOAD_LSO_OFF;
}

/*
 * Caller holds ctrl_lock.  Revision 3 (with the RSC fields) from NVSP 5
 * on, as the host's capabilities are NDIS 6.30 there; revision 2 before.
 * Each revision is sent with at least its NDIS size: a host refuses a
 * shorter object.
 */
static int netvsc_set_offload_locked(struct netvsc_dev *nd, netdev_features_t feats)
{
	bool rev3 = nd->nvsp >= NVSP_VERSION_5;
	struct ndis_offload_params p = {
		.header = { .type = NDIS_OBJECT_TYPE_DEFAULT,
			    .revision = rev3 ? NDIS_OFFLOAD_PARAMS_REV3 :
					       NDIS_OFFLOAD_PARAMS_REV2,
			    .size = rev3 ? sizeof(p) : NDIS_OFFLOAD_PARAMS_SIZE_REV2 },
		.tcp4_csum = netvsc_csum_param(feats, NETIF_F_IP_CSUM),
		.udp4_csum = netvsc_csum_param(feats, NETIF_F_IP_CSUM),
		.tcp6_csum = netvsc_csum_param(feats, NETIF_F_IPV6_CSUM),
		.udp6_csum = netvsc_csum_param(feats, NETIF_F_IPV6_CSUM),
		.lsov2_ip4 = netvsc_lso_param(feats, NETIF_F_TSO),
		.lsov2_ip6 = netvsc_lso_param(feats, NETIF_F_TSO6),
	};

	lockdep_assert_held(&nd->ctrl_lock);

	if (rev3 && nd->rsc) {
		p.rsc_ip4 = feats & NETIF_F_LRO ? NDIS_OFFLOAD_RSC_ON : NDIS_OFFLOAD_RSC_OFF;
		p.rsc_ip6 = p.rsc_ip4;
	}

	return netvsc_rndis_set(nd, RNDIS_OID_OFFLOAD_PARAMS, &p, p.header.size);
}

/**
 * netvsc_rndis_set_offload() - tell the host which offloads are in use
 * @nd: the device
 * @feats: netdev features; only the offload bits count
 *
 * Return: 0 or a negative errno (the host keeps the previous state).
 */
int netvsc_rndis_set_offload(struct netvsc_dev *nd, netdev_features_t feats)
{
	int ret;

	if (!nd->offloads && !nd->rx_csum && !nd->rsc)
		return 0;
	if (!nd->rx_csum)
		feats &= ~NETIF_F_RXCSUM;
	if (!nd->rsc)
		feats &= ~NETIF_F_LRO;
	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_set_offload_locked(nd, feats & (nd->offloads | NETIF_F_RXCSUM |
						     NETIF_F_LRO));
	mutex_unlock(&nd->ctrl_lock);
	return ret;
}

/* Which offloads the host offers, limited by the module parameters. */
static void netvsc_offload_caps(struct netvsc_dev *nd)
{
	u32 lso_max = NETVSC_GSO_MAX, minsg = 1;
	struct ndis_offload_caps c = {};
	netdev_features_t f = 0;
	int ret;

	nd->offloads = 0;
	nd->rsc = false;
	nd->lso_max = NETVSC_GSO_MAX;
	nd->lso_minsg = 1;
	ret = netvsc_rndis_query(nd, RNDIS_OID_OFFLOAD_HW_CAPS, &c, sizeof(c));
	if (ret < (int)NDIS_OFFLOAD_CAPS_SIZE_6_0 ||
	    c.header.type != NDIS_OBJECT_TYPE_OFFLOAD || !c.header.revision ||
	    c.header.size < NDIS_OFFLOAD_CAPS_SIZE_6_0 || c.header.size > ret) {
		dev_info(netvsc_dev(nd), "host offers no offloads\n");
		return;
	}
	if ((c.ip4_txcsum & NETVSC_TXCSUM4) == NETVSC_TXCSUM4)
		f |= NETIF_F_IP_CSUM;
	if ((c.ip6_txcsum & NETVSC_TXCSUM6) == NETVSC_TXCSUM6)
		f |= NETIF_F_IPV6_CSUM;
	/*
	 * LSOv2 up to the host's maximum (vmswitch and OpenVMM: 62780 bytes)
	 * and from its minimum segment count on, as Linux's
	 * rndis_netdev_set_hwcaps(); IPv6 also needs extension headers and
	 * TCP options.
	 */
	if (c.lso_ip4_encap & NDIS_OFFLOAD_ENCAP_8023 &&
	    c.lso_ip4_maxsz >= NETVSC_LSO_MIN && c.lso_ip4_minsg <= NETVSC_LSO_MAX_MINSG &&
	    (f & NETIF_F_IP_CSUM)) {
		f |= NETIF_F_TSO;
		lso_max = c.lso_ip4_maxsz;
		minsg = max_t(u32, c.lso_ip4_minsg, 1);
	}
	if (c.lso_ip6_encap & NDIS_OFFLOAD_ENCAP_8023 &&
	    c.lso_ip6_maxsz >= NETVSC_LSO_MIN && c.lso_ip6_minsg <= NETVSC_LSO_MAX_MINSG &&
	    (c.lso_ip6_opts & NETVSC_LSOV2_IP6) == NETVSC_LSOV2_IP6 &&
	    (f & NETIF_F_IPV6_CSUM)) {
		f |= NETIF_F_TSO6;
		lso_max = min(lso_max, c.lso_ip6_maxsz);
		minsg = max(minsg, c.lso_ip6_minsg);
	}
	nd->lso_max = min_t(u32, lso_max, NETVSC_GSO_MAX);
	nd->lso_minsg = minsg;
	if (!netvsc_csum)
		f = 0;
	if (!netvsc_tso)
		f &= ~(NETIF_F_TSO | NETIF_F_TSO6);
	nd->offloads = f;
	nd->rx_csum = netvsc_rx_csum &&
		(c.ip4_rxcsum & (NDIS_TXCSUM_TCP4 | NDIS_TXCSUM_UDP4)) ==
		(NDIS_TXCSUM_TCP4 | NDIS_TXCSUM_UDP4) &&
		(c.ip6_rxcsum & (NDIS_TXCSUM_TCP6 | NDIS_TXCSUM_UDP6)) ==
		(NDIS_TXCSUM_TCP6 | NDIS_TXCSUM_UDP6);
	if (nd->rx_csum)
		f |= NETIF_F_RXCSUM;
	/*
	 * RSC: NDIS 6.30 capabilities (only as far as the header's size says
	 * the host wrote them), and our NDIS config said we take it.
	 */
	nd->rsc = netvsc_lro && nd->nvsp >= NVSP_VERSION_61 &&
		  c.header.size >= offsetof(struct ndis_offload_caps, pad) &&
		  c.header.revision >= NDIS_OFFLOAD_CAPS_REV3 && c.rsc_ip4 && c.rsc_ip6;
	if (nd->rsc)
		f |= NETIF_F_LRO;
	if (f && netvsc_set_offload_locked(nd, f)) {
		dev_warn(netvsc_dev(nd), "host refused the offload parameters\n");
		nd->offloads = 0;
		nd->rx_csum = false;
		nd->rsc = false;
	}
}

/* How many channels the host can spread receives over (NDIS 6.30). */
static void netvsc_rss_caps(struct netvsc_dev *nd)
{
	struct ndis_rss_caps c = {};
	int ret;

	nd->max_chans = 1;
	nd->rss_itab_size = 0;
	if (nd->nvsp < NVSP_VERSION_5)
		return;
	ret = netvsc_rndis_query(nd, RNDIS_OID_GEN_RSS_CAPS, &c, sizeof(c));
	if (ret < (int)sizeof(c) || c.header.type != NDIS_OBJECT_TYPE_RSS_CAPS ||
	    !c.num_recv_queues || c.num_itab_entries < 2)
		return;
	nd->max_chans = min_t(u32, c.num_recv_queues, NETVSC_MAX_CHANNELS);
	nd->rss_itab_size = min_t(u32, c.num_itab_entries, NDIS_RSS_ITAB_MAX);
	nd->rss_itab_size = rounddown_pow_of_two(nd->rss_itab_size);
}

/**
 * netvsc_rndis_set_rss() - set the RSS key and indirection table
 * @nd: the device
 * @nchans: channels to spread over
 * @keep: send rss_itab as it is (ethtool -X); else a table set by
 *	ethtool -X is kept if it names no channel beyond @nchans, and the
 *	default spread is used otherwise
 *
 * Return: 0, or a negative errno (the host keeps its previous table).
 */
int netvsc_rndis_set_rss(struct netvsc_dev *nd, u32 nchans, bool keep)
{
	const u32 klen = NDIS_RSS_KEY_LEN, tlen = nd->rss_itab_size * sizeof(u32);
	struct ndis_rss_params *p;
	u32 i, vlen = sizeof(*p) + tlen + klen;
	int ret;

	if (!nd->rss_itab_size)
		return nchans > 1 ? -EOPNOTSUPP : 0;
	keep = keep || netif_is_rxfh_configured(nd->ndev);
	for (i = 0; keep && i < nd->rss_itab_size; i++)
		if (nd->rss_itab[i] >= nchans)
			keep = false;
	for (i = 0; !keep && i < nd->rss_itab_size; i++)
		nd->rss_itab[i] = ethtool_rxfh_indir_default(i, nchans);
	p = kzalloc(vlen, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->header.type = NDIS_OBJECT_TYPE_RSS_PARAMS;
	p->header.revision = NDIS_RSS_REVISION_2;
	p->header.size = sizeof(*p);
	p->hash_info = NDIS_HASH_FUNC_TOEPLITZ | NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4 |
		       NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6;
	p->itab_size = tlen;
	p->itab_offset = sizeof(*p);
	p->key_size = klen;
	p->key_offset = sizeof(*p) + tlen;
	memcpy((u8 *)p + p->itab_offset, nd->rss_itab, tlen);
	memcpy((u8 *)p + p->key_offset, nd->rss_key, klen);
	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_rndis_set(nd, RNDIS_OID_GEN_RSS_PARAMS, p, vlen);
	mutex_unlock(&nd->ctrl_lock);
	kfree(p);
	return ret;
}

static void netvsc_put_utf16(u8 *dst, const char *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		__le16 c = cpu_to_le16(s[i]);

		memcpy(dst + 2 * i, &c, sizeof(c));
	}
}

/**
 * netvsc_rndis_set_mac() - ask the host for another station address
 * @nd: the device
 * @mac: the address
 *
 * The NetworkAddress configuration parameter; a host that does not allow
 * the guest to change its address refuses it.
 *
 * Return: 0, -EPERM if refused, or another negative errno.
 */
int netvsc_rndis_set_mac(struct netvsc_dev *nd, const u8 *mac)
{
	const u32 nlen = sizeof(RNDIS_NETWORK_ADDRESS) - 1;
	struct rndis_config_param cp = {
		.name_offset = sizeof(cp),
		.name_len = 2 * nlen,
		.type = RNDIS_CONFIG_PARAM_STRING,
		.value_offset = sizeof(cp) + 2 * nlen,
		.value_len = 4 * ETH_ALEN,
	};
	u8 buf[sizeof(cp) + 2 * (sizeof(RNDIS_NETWORK_ADDRESS) - 1) + 4 * ETH_ALEN];
	char hex[2 * ETH_ALEN + 1];
	int ret;

	snprintf(hex, sizeof(hex), "%pm", mac);
	memcpy(buf, &cp, sizeof(cp));
	netvsc_put_utf16(buf + cp.name_offset, RNDIS_NETWORK_ADDRESS, nlen);
	netvsc_put_utf16(buf + cp.value_offset, hex, 2 * ETH_ALEN);
	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_rndis_set(nd, RNDIS_OID_GEN_CONFIG_PARAMETER, buf, sizeof(buf));
	mutex_unlock(&nd->ctrl_lock);
	if (ret == -EIO) {
		netdev_warn(nd->ndev, "host refused MAC address %pM\n", mac);
		return -EPERM;
	}
	return ret;
}

/**
 * netvsc_rndis_init() - initialize RNDIS and learn the MAC, MTU and link
 * @nd: the device, buffers shared
 *
 * Return: 0 or a negative errno.
 */
int netvsc_rndis_init(struct netvsc_dev *nd)
{
	u32 media = RNDIS_MEDIA_DISCONNECTED, mtu;
	int ret;

	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_rndis_initialize(nd);
	if (ret)
		goto out;
	ret = netvsc_rndis_query(nd, RNDIS_OID_802_3_PERMANENT_ADDRESS, nd->mac,
				 ETH_ALEN);
	if (ret >= 0 && (ret != ETH_ALEN || !is_valid_ether_addr(nd->mac)))
		ret = -EPROTO;
	if (ret < 0) {
		dev_err(netvsc_dev(nd), "no valid MAC address from the host: %d\n", ret);
		goto out;
	}
	ret = netvsc_query_u32(nd, RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE, &mtu);
	nd->max_mtu = ret || mtu < ETH_MIN_MTU ? ETH_DATA_LEN : min_t(u32, mtu, 65521);
	ret = netvsc_query_u32(nd, RNDIS_OID_GEN_MEDIA_CONNECT_STATUS, &media);
	if (ret)
		dev_warn(netvsc_dev(nd), "link state unknown: %d\n", ret);
	ret = 0;
	netvsc_offload_caps(nd);
	netvsc_rss_caps(nd);
	if (media == RNDIS_MEDIA_CONNECTED)
		netif_carrier_on(nd->ndev);
	else
		netif_carrier_off(nd->ndev);
out:
	mutex_unlock(&nd->ctrl_lock);
	return ret;
}

int netvsc_rndis_set_filter(struct netvsc_dev *nd, u32 filter)
{
	int ret;

	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_rndis_set(nd, RNDIS_OID_GEN_CURRENT_PACKET_FILTER, &filter,
			       sizeof(filter));
	mutex_unlock(&nd->ctrl_lock);
	return ret;
}

void netvsc_rndis_halt(struct netvsc_dev *nd)
{
	u32 id;

	mutex_lock(&nd->ctrl_lock);
	netvsc_rndis_prepare(nd, RNDIS_MSG_HALT,
			     sizeof(struct rndis_hdr) + sizeof(u32), &id);
	*(u32 *)((struct rndis_hdr *)nd->rndis_page + 1) = id;
	netvsc_rndis_request(nd, sizeof(struct rndis_hdr) + sizeof(u32), 0, id);
	mutex_unlock(&nd->ctrl_lock);
}
