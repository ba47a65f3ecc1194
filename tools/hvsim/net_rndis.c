// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host: RNDIS messages from the guest.  Data packets go to
 * the host netdev; INITIALIZE, QUERY, SET and KEEPALIVE are answered
 * through the receive buffer; HALT stops the device.  Every length and
 * offset is checked against the message before use.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <hvguest/compat.h>

#include "net.h"

#define HVSIM_NET_LINK_SPEED	1000000000	/* 100 Gbit/s in 100 bit/s */
#define HVSIM_NET_HEAD_COPY	256	/* what is copied of a message first */

static u32 hvsim_net_bad_rndis(struct hvsim_net *n, struct hvsim_chan *chan,
			       const char *why)
{
	n->st.bad_msgs++;
	pr_err_ratelimited("net%u relid %u: %s\n", n->dev->id,
			   chan->relid, why);
	return NVSP_STAT_INVALID_RNDIS_PKT;
}

/* Is [@off, @off + @len) inside a body of @body bytes? */
static bool hvsim_in_body(u32 off, u32 len, u32 body)
{
	return off <= body && len <= body - off;
}

/* Walk the per-packet info; false if an entry does not fit its area. */
static bool hvsim_net_ppis(const u8 *area, u32 len, u32 *csum, u32 *lso,
			   struct hvsim_net_meta *meta)
{
	while (len) {
		const struct rndis_ppi *ppi = (const void *)area;
		u32 val;

		/* Each bound on its own: no sum of guest values may wrap. */
		if (len < sizeof(*ppi) || ppi->size > len ||
		    ppi->size < RNDIS_PPI_LEN || ppi->ppi_offset < sizeof(*ppi) ||
		    ppi->ppi_offset > ppi->size - sizeof(u32))
			return false;
		memcpy(&val, area + ppi->ppi_offset, sizeof(val));
		if (ppi->type == RNDIS_PPI_CSUM)
			*csum = val;
		else if (ppi->type == RNDIS_PPI_LSO)
			*lso = val;
		else if (ppi->type == RNDIS_PPI_VLAN) {
			meta->has_vlan = true;
			meta->vlan_tci = ((val >> NDIS_VLAN_ID_SHIFT) & NDIS_VLAN_ID_MASK) |
					 (val & NDIS_VLAN_PRI_MASK) << VLAN_PRIO_SHIFT;
		}
		area += ppi->size;
		len -= ppi->size;
	}
	return true;
}

/* Turn checksum/LSO info into what the host stack needs; NULL if fine. */
static const char *hvsim_net_offload(struct hvsim_net *n, u32 csum, u32 lso,
				     struct hvsim_net_meta *meta)
{
	if (lso) {
		if (!(lso & NDIS_LSO_V2) ||
		    !((lso & NDIS_LSO_IPV6) ? n->lso6 : n->lso4))
			return "large send that was not negotiated";
		meta->ipv6 = lso & NDIS_LSO_IPV6;
		meta->gso_size = lso & NDIS_LSO_MSS_MASK;
		meta->csum_start = (lso >> NDIS_LSO_THOFF_SHIFT) & NDIS_LSO_THOFF_MASK;
		meta->csum_off = offsetof(struct tcphdr, check);
		if (meta->gso_size < 64)
			return "large send with a tiny MSS";
		return NULL;
	}
	if (!(csum & (NDIS_CSUM_TX_TCP | NDIS_CSUM_TX_UDP)))
		return NULL;
	meta->ipv6 = csum & NDIS_CSUM_TX_IPV6;
	if (!(n->tx_csum & ((csum & (NDIS_CSUM_TX_TCP | NDIS_CSUM_TX_UDP)) <<
			    (meta->ipv6 ? 8 : 0))))
		return "checksum offload that was not negotiated";
	meta->csum_start = (csum >> NDIS_CSUM_TX_THOFF_SHIFT) & 0x3ff;
	meta->csum_off = csum & NDIS_CSUM_TX_TCP ? offsetof(struct tcphdr, check) :
						   offsetof(struct udphdr, check);
	return NULL;
}

/*
 * A data message: @msg holds its first @copied bytes, @len is its length
 * in @src.  The per-packet info must lie in the copied part; the frame is
 * copied from @src into its skb.
 */
static u32 hvsim_net_data(struct hvsim_net *n, struct hvsim_chan *chan,
			  const u8 *msg, u32 copied, u32 len,
			  const struct hvsim_net_src *src)
{
	const struct rndis_packet *p = (const void *)(msg + sizeof(struct rndis_hdr));
	u32 body = len - sizeof(struct rndis_hdr), csum = 0, lso = 0;
	struct hvsim_net_meta meta = {};
	const char *why;

	if (len < RNDIS_PKT_HDR_LEN || copied < RNDIS_PKT_HDR_LEN)
		return hvsim_net_bad_rndis(n, chan, "RNDIS packet message too short");
	if (p->data_offset < sizeof(*p) ||
	    !hvsim_in_body(p->data_offset, p->data_len, body))
		return hvsim_net_bad_rndis(n, chan, "RNDIS packet data outside the message");
	if (p->ppi_len && (p->ppi_offset < sizeof(*p) ||
			   !hvsim_in_body(p->ppi_offset, p->ppi_len,
					  copied - sizeof(struct rndis_hdr))))
		return hvsim_net_bad_rndis(n, chan, "RNDIS per-packet info outside the message");
	if (p->ppi_len && !hvsim_net_ppis((const u8 *)p + p->ppi_offset,
					  p->ppi_len, &csum, &lso, &meta))
		return hvsim_net_bad_rndis(n, chan, "malformed RNDIS per-packet info");
	if (meta.has_vlan && !(meta.vlan_tci & VLAN_VID_MASK))
		meta.has_vlan = false;	/* priority only */
	why = hvsim_net_offload(n, csum, lso, &meta);
	if (why)
		return hvsim_net_bad_rndis(n, chan, why);
	if (p->data_len < ETH_HLEN ||
	    p->data_len > (lso ? n->pers->lso_max : VLAN_ETH_HLEN + n->mtu))
		return hvsim_net_bad_rndis(n, chan, "RNDIS packet with a bad frame length");
	n->st.lso_frames += !!lso;
	hvsim_net_dev_rx(n, src, sizeof(struct rndis_hdr) + p->data_offset,
			 p->data_len, &meta);
	n->st.from_guest++;
	n->st.vlan_tx += meta.has_vlan;
	return NVSP_STAT_SUCCESS;
}

static int hvsim_net_send_ctrl(struct hvsim_net *n, struct hvsim_chan *chan,
			       u32 type, const void *body, u32 blen,
			       const void *info, u32 ilen, bool *signal)
{
	u8 buf[sizeof(struct rndis_hdr) + sizeof(struct rndis_query_cmplt) +
	       sizeof(struct ndis_offload_caps)];
	struct hvsim_net_msg msg = { .hdr = buf };
	struct rndis_hdr *h = (void *)buf;
	int ret;

	if (WARN_ON_ONCE(blen + ilen > sizeof(buf) - sizeof(*h)))
		return -E2BIG;
	h->type = type;
	h->len = sizeof(*h) + blen + ilen;
	memcpy(buf + sizeof(*h), body, blen);
	memcpy(buf + sizeof(*h) + blen, info, ilen);
	msg.hlen = h->len;
	ret = hvsim_net_deliver(n, chan, &msg, 1, signal);
	if (ret && ret != -ENOSPC)
		pr_err_ratelimited("net%u: RNDIS reply %#x not delivered: %d\n",
				   n->dev->id, type, ret);
	return ret;
}

static u32 hvsim_net_init_msg(struct hvsim_net *n, struct hvsim_chan *chan,
			      const struct rndis_init_req *req, bool *signal)
{
	struct rndis_init_cmplt c = {
		.req_id = req->req_id,
		.status = RNDIS_STATUS_SUCCESS,
		.major = 1,
		.medium = 0,	/* 802.3 */
		.max_pkt_per_msg = 1,
		.max_xfer_size = n->slot_size,
	};

	n->rndis_up = true;
	n->link_changed = false;
	hvsim_net_send_ctrl(n, chan, RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION,
			    &c, sizeof(c), NULL, 0, signal);
	return NVSP_STAT_SUCCESS;
}

/*
 * The NDIS 6.0 layout, or 6.30 (with RSC) from NVSP 5 on, or always for
 * a host that answers only that (OpenVMM); its size.  The flags are
 * OpenVMM's OffloadConfig::ndis_offload(): options and extension headers
 * with every checksum; LSOv2 at the host's maximum and minimum segment
 * count; RSC only from a host that coalesces, once the guest said it takes
 * coalesced frames.
 */
static u32 hvsim_net_caps(const struct hvsim_net *n, struct ndis_offload_caps *caps)
{
	bool rev3 = n->pers->caps_rev3 || n->nvsp >= NVSP_VERSION_5;
	u32 size = rev3 ? sizeof(*caps) : NDIS_OFFLOAD_CAPS_SIZE_6_0;
	const u32 csum4 = NDIS_TXCSUM_IP4OPT | NDIS_TXCSUM_TCP4OPT | NDIS_TXCSUM_TCP4 |
			  NDIS_TXCSUM_UDP4 | NDIS_TXCSUM_IP4;
	const u32 csum6 = NDIS_TXCSUM_IP6EXT | NDIS_TXCSUM_TCP6OPT | NDIS_TXCSUM_TCP6 |
			  NDIS_TXCSUM_UDP6;

	memset(caps, 0, sizeof(*caps));
	caps->header.type = NDIS_OBJECT_TYPE_OFFLOAD;
	caps->header.revision = rev3 ? NDIS_OFFLOAD_CAPS_REV3 : 1;
	caps->header.size = size;
	caps->rsc_ip4 = n->pers->rsc && n->rsc_cap;
	caps->rsc_ip6 = caps->rsc_ip4;
	caps->ip4_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->ip4_txcsum = csum4;
	caps->ip4_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->ip4_rxcsum = csum4;
	caps->ip6_rxenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->ip6_rxcsum = csum6;
	caps->ip6_txenc = NDIS_OFFLOAD_ENCAP_8023;
	caps->ip6_txcsum = csum6;
	caps->lso_ip4_encap = NDIS_OFFLOAD_ENCAP_8023;
	caps->lso_ip4_maxsz = n->pers->lso_max;
	caps->lso_ip4_minsg = n->pers->lso_minsg;
	caps->lso_ip6_encap = NDIS_OFFLOAD_ENCAP_8023;
	caps->lso_ip6_maxsz = n->pers->lso_max;
	caps->lso_ip6_minsg = n->pers->lso_minsg;
	caps->lso_ip6_opts = NDIS_LSOV2_IP6EXT | NDIS_LSOV2_TCP6OPT;
	return size;
}

/* One checksum parameter: 0 no change, 1 off, 2 tx, 3 rx, 4 tx and rx. */
static void hvsim_net_csum_param(struct hvsim_net *n, u8 v, u32 bit)
{
	if (!v)
		return;
	if (v == NDIS_OFFLOAD_CSUM_TX || v == NDIS_OFFLOAD_CSUM_TXRX)
		n->tx_csum |= bit;
	else
		n->tx_csum &= ~bit;
	if (v == NDIS_OFFLOAD_CSUM_RX || v == NDIS_OFFLOAD_CSUM_TXRX)
		n->rx_csum |= bit;
	else
		n->rx_csum &= ~bit;
}

static void hvsim_net_lso_param(bool *on, u8 v)
{
	if (v)
		*on = v == NDIS_OFFLOAD_LSO_ON;
}

/*
 * OID_TCP_OFFLOAD_PARAMETERS.  The object header is checked as every host
 * does: the default type, a revision, a size within what was sent
 * (OpenVMM lib.rs validate_ndis_object_header()) and at least its
 * revision's NDIS size (ntddndis.h NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_x;
 * Windows' NetAdapterCx refuses a revision 3 object shorter than 26 bytes).
 * Only fields the revision has are read; LSOv1 is refused (OpenVMM).
 */
static u32 hvsim_net_params(struct hvsim_net *n, const u8 *info, u32 len)
{
	struct ndis_offload_params p = {};
	struct ndis_object_header h;
	u32 min;

	if (!n->offload)
		return RNDIS_STATUS_NOT_SUPPORTED;
	if (len < sizeof(h))
		goto short_obj;
	memcpy(&h, info, sizeof(h));
	if (h.type != NDIS_OBJECT_TYPE_DEFAULT || !h.revision) {
		n->st.params_refused++;
		return RNDIS_STATUS_INVALID_DATA;
	}
	min = h.revision >= NDIS_OFFLOAD_PARAMS_REV3 ? NDIS_OFFLOAD_PARAMS_SIZE_REV3 :
	      h.revision == NDIS_OFFLOAD_PARAMS_REV2 ? NDIS_OFFLOAD_PARAMS_SIZE_REV2 :
						       NDIS_OFFLOAD_PARAMS_SIZE_REV1;
	if (h.size > len || h.size < min)
		goto short_obj;
	memcpy(&p, info, min_t(u32, min, sizeof(p)));
	if (p.tcp4_csum > NDIS_OFFLOAD_CSUM_TXRX || p.udp4_csum > NDIS_OFFLOAD_CSUM_TXRX ||
	    p.tcp6_csum > NDIS_OFFLOAD_CSUM_TXRX || p.udp6_csum > NDIS_OFFLOAD_CSUM_TXRX ||
	    p.lsov1 == NDIS_OFFLOAD_LSO_ON)
		return RNDIS_STATUS_INVALID_DATA;
	if (p.rsc_ip4 || p.rsc_ip6) {
		if (!n->rsc_cap || p.rsc_ip4 > NDIS_OFFLOAD_RSC_ON ||
		    p.rsc_ip6 > NDIS_OFFLOAD_RSC_ON)
			return RNDIS_STATUS_INVALID_DATA;
		if (p.rsc_ip4)
			n->rsc4 = p.rsc_ip4 == NDIS_OFFLOAD_RSC_ON;
		if (p.rsc_ip6)
			n->rsc6 = p.rsc_ip6 == NDIS_OFFLOAD_RSC_ON;
	}
	hvsim_net_csum_param(n, p.tcp4_csum, NDIS_CSUM_TX_TCP);
	hvsim_net_csum_param(n, p.udp4_csum, NDIS_CSUM_TX_UDP);
	hvsim_net_csum_param(n, p.tcp6_csum, NDIS_CSUM_TX_TCP << 8);
	hvsim_net_csum_param(n, p.udp6_csum, NDIS_CSUM_TX_UDP << 8);
	hvsim_net_lso_param(&n->lso4, p.lsov2_ip4);
	hvsim_net_lso_param(&n->lso6, p.lsov2_ip6);
	return RNDIS_STATUS_SUCCESS;

short_obj:
	n->st.params_refused++;
	pr_info_ratelimited("net%u: offload parameters of %u bytes refused (revision %u, size %u)\n",
			    n->dev->id, len, len >= sizeof(h) ? h.revision : 0,
			    len >= sizeof(h) ? h.size : 0);
	return RNDIS_STATUS_INVALID_LENGTH;
}

static u32 hvsim_net_query(struct hvsim_net *n, struct hvsim_chan *chan,
			   const struct rndis_oid_req *req, bool *signal)
{
	struct rndis_query_cmplt c = {
		.req_id = req->req_id,
		.status = RNDIS_STATUS_SUCCESS,
		.info_offset = sizeof(c),
	};
	struct ndis_offload_caps caps;
	struct ndis_rss_caps rss;
	const void *info = NULL;
	u32 val = 0;

	switch (req->oid) {
	case RNDIS_OID_GEN_RSS_CAPS:
		if (n->nvsp < NVSP_VERSION_5) {
			c.status = RNDIS_STATUS_NOT_SUPPORTED;
			c.info_offset = 0;
			break;
		}
		hvsim_net_rss_caps(n, &rss);
		info = &rss;
		c.info_len = sizeof(rss);
		break;
	case RNDIS_OID_OFFLOAD_HW_CAPS:
		if (!n->offload) {
			c.status = RNDIS_STATUS_NOT_SUPPORTED;
			c.info_offset = 0;
			break;
		}
		c.info_len = hvsim_net_caps(n, &caps);
		info = &caps;
		break;
	case RNDIS_OID_802_3_PERMANENT_ADDRESS:
		info = n->perm_mac;
		c.info_len = ETH_ALEN;
		break;
	case RNDIS_OID_802_3_CURRENT_ADDRESS:
		info = n->mac;
		c.info_len = ETH_ALEN;
		break;
	case RNDIS_OID_GEN_MEDIA_CONNECT_STATUS:
		val = n->link ? RNDIS_MEDIA_CONNECTED : RNDIS_MEDIA_DISCONNECTED;
		break;
	case RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE:
		val = n->mtu;
		break;
	case RNDIS_OID_GEN_LINK_SPEED:
		val = HVSIM_NET_LINK_SPEED;
		break;
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		val = n->filter;
		break;
	default:
		c.status = RNDIS_STATUS_NOT_SUPPORTED;
		c.info_offset = 0;
		break;
	}
	if (!info && !c.status) {
		info = &val;
		c.info_len = sizeof(val);
	}
	hvsim_net_send_ctrl(n, chan, RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION,
			    &c, sizeof(c), info, c.info_len, signal);
	return NVSP_STAT_SUCCESS;
}

static int hvsim_hex(u16 c)
{
	return c < 0x80 ? hex_to_bin(c) : -1;
}

/*
 * OID_GEN_RNDIS_CONFIG_PARAMETER: only NetworkAddress (the station
 * address as 12 hex digits in UTF-16LE), and only if the host lets the
 * guest change its address.
 */
static u32 hvsim_net_config(struct hvsim_net *n, struct hvsim_chan *chan,
			    const u8 *info, u32 len)
{
	const char *name = RNDIS_NETWORK_ADDRESS;
	const u32 nlen = sizeof(RNDIS_NETWORK_ADDRESS) - 1;
	struct rndis_config_param cp;
	u8 mac[ETH_ALEN];
	u32 i;

	if (len < sizeof(cp)) {
		hvsim_net_bad_rndis(n, chan, "short configuration parameter");
		return RNDIS_STATUS_INVALID_DATA;
	}
	memcpy(&cp, info, sizeof(cp));
	if (!hvsim_in_body(cp.name_offset, cp.name_len, len) ||
	    !hvsim_in_body(cp.value_offset, cp.value_len, len)) {
		hvsim_net_bad_rndis(n, chan, "configuration parameter outside its buffer");
		return RNDIS_STATUS_INVALID_DATA;
	}
	if (cp.type != RNDIS_CONFIG_PARAM_STRING || cp.name_len != 2 * nlen)
		return RNDIS_STATUS_NOT_SUPPORTED;
	for (i = 0; i < nlen; i++)
		if (get_unaligned_le16(info + cp.name_offset + 2 * i) != name[i])
			return RNDIS_STATUS_NOT_SUPPORTED;
	if (cp.value_len != 4 * ETH_ALEN)
		return RNDIS_STATUS_INVALID_DATA;
	for (i = 0; i < ETH_ALEN; i++) {
		int hi = hvsim_hex(get_unaligned_le16(info + cp.value_offset + 4 * i));
		int lo = hvsim_hex(get_unaligned_le16(info + cp.value_offset + 4 * i + 2));

		if (hi < 0 || lo < 0)
			return RNDIS_STATUS_INVALID_DATA;
		mac[i] = hi << 4 | lo;
	}
	if (!is_valid_ether_addr(mac))
		return RNDIS_STATUS_INVALID_DATA;
	if (!n->mac_change) {
		pr_info_ratelimited("net%u: guest may not change its MAC address\n",
				    n->dev->id);
		return RNDIS_STATUS_FAILURE;
	}
	ether_addr_copy(n->mac, mac);
	return RNDIS_STATUS_SUCCESS;
}

static u32 hvsim_net_set(struct hvsim_net *n, struct hvsim_chan *chan,
			 const struct rndis_oid_req *req, const u8 *info,
			 bool *signal)
{
	struct rndis_status_cmplt c = {
		.req_id = req->req_id,
		.status = RNDIS_STATUS_SUCCESS,
	};

	if (req->oid == RNDIS_OID_GEN_CURRENT_PACKET_FILTER &&
	    req->info_len >= sizeof(u32))
		memcpy(&n->filter, info, sizeof(u32));
	else if (req->oid == RNDIS_OID_OFFLOAD_PARAMS)
		c.status = hvsim_net_params(n, info, req->info_len);
	else if (req->oid == RNDIS_OID_GEN_RSS_PARAMS && n->nvsp >= NVSP_VERSION_5)
		c.status = hvsim_net_rss_set(n, info, req->info_len);
	else if (req->oid == RNDIS_OID_GEN_CONFIG_PARAMETER)
		c.status = hvsim_net_config(n, chan, info, req->info_len);
	else
		c.status = RNDIS_STATUS_NOT_SUPPORTED;
	hvsim_net_send_ctrl(n, chan, RNDIS_MSG_SET | RNDIS_MSG_COMPLETION,
			    &c, sizeof(c), NULL, 0, signal);
	return NVSP_STAT_SUCCESS;
}

/*
 * fault_rndis_reply: ahead of the reply to the guest's request @req_id, a
 * failed completion of the same type for a request id the guest never
 * used (its ids count up from 1; bit 31 flipped).
 */
static void hvsim_net_stray_reply(struct hvsim_net *n, struct hvsim_chan *chan,
				  u32 type, u32 req_id, bool *signal)
{
	u32 stray = req_id ^ 0x80000000u;
	struct rndis_query_cmplt q = {
		.req_id = stray,
		.status = RNDIS_STATUS_FAILURE,
	};
	struct rndis_status_cmplt c = {
		.req_id = stray,
		.status = RNDIS_STATUS_FAILURE,
	};

	n->fault_rndis_reply--;
	pr_info("fault: net%u RNDIS completion for request id %#x, never used\n",
		n->dev->id, stray);
	if (type == RNDIS_MSG_QUERY)
		hvsim_net_send_ctrl(n, chan, type | RNDIS_MSG_COMPLETION,
				    &q, sizeof(q), NULL, 0, signal);
	else
		hvsim_net_send_ctrl(n, chan, type | RNDIS_MSG_COMPLETION,
				    &c, sizeof(c), NULL, 0, signal);
}

static u32 hvsim_net_oid(struct hvsim_net *n, struct hvsim_chan *chan,
			 u32 type, const u8 *msg, u32 len, bool *signal)
{
	const struct rndis_oid_req *req = (const void *)(msg + sizeof(struct rndis_hdr));
	u32 body = len - sizeof(struct rndis_hdr);

	if (body < sizeof(*req))
		return hvsim_net_bad_rndis(n, chan, "RNDIS query/set message too short");
	if (req->info_len && !hvsim_in_body(req->info_offset, req->info_len, body))
		return hvsim_net_bad_rndis(n, chan, "RNDIS query/set buffer outside the message");
	if (n->fault_rndis_reply)
		hvsim_net_stray_reply(n, chan, type, req->req_id, signal);
	if (type == RNDIS_MSG_QUERY)
		return hvsim_net_query(n, chan, req, signal);
	return hvsim_net_set(n, chan, req, (const u8 *)req + req->info_offset,
			     signal);
}

static u32 hvsim_net_control(struct hvsim_net *n, struct hvsim_chan *chan,
			     const u8 *msg, u32 len, bool *signal)
{
	const struct rndis_hdr *h = (const void *)msg;

	n->st.ctrl_msgs++;
	switch (h->type) {
	case RNDIS_MSG_INIT:
		if (len < sizeof(*h) + sizeof(struct rndis_init_req))
			break;
		return hvsim_net_init_msg(n, chan, (const void *)(h + 1), signal);
	case RNDIS_MSG_QUERY:
	case RNDIS_MSG_SET:
		if (!n->rndis_up)
			return hvsim_net_bad_rndis(n, chan, "RNDIS request before INITIALIZE");
		return hvsim_net_oid(n, chan, h->type, msg, len, signal);
	case RNDIS_MSG_HALT:
		n->rndis_up = false;
		n->filter = 0;
		return NVSP_STAT_SUCCESS;
	case RNDIS_MSG_KEEPALIVE:
		if (len < sizeof(*h) + sizeof(u32))
			break;
		{
			struct rndis_status_cmplt c = { .req_id = *(const u32 *)(h + 1) };

			hvsim_net_send_ctrl(n, chan, h->type | RNDIS_MSG_COMPLETION,
					    &c, sizeof(c), NULL, 0, signal);
		}
		return NVSP_STAT_SUCCESS;
	default:
		return hvsim_net_bad_rndis(n, chan, "unknown RNDIS message type");
	}
	return hvsim_net_bad_rndis(n, chan, "RNDIS message too short for its type");
}

/**
 * hvsim_net_rndis() - handle one RNDIS message from the guest
 * @n: the NIC
 * @chan: its channel
 * @chan_type: NVSP_CHANNEL_DATA or NVSP_CHANNEL_CONTROL
 * @src: where it is; src->len bytes available (the message may be shorter)
 * @signal: set when the guest must be signalled
 *
 * Return: the NVSP status for the completion.
 */
u32 hvsim_net_rndis(struct hvsim_net *n, struct hvsim_chan *chan,
		    u32 chan_type, const struct hvsim_net_src *src, bool *signal)
{
	u8 head[HVSIM_NET_HEAD_COPY];
	u32 copied = min_t(u32, src->len, sizeof(head));
	const struct rndis_hdr *h = (const void *)head;
	u8 *msg;
	u32 st;

	hvsim_net_src_copy(src, 0, head, copied);
	if (copied < sizeof(*h) || h->len < sizeof(*h) || h->len > src->len)
		return hvsim_net_bad_rndis(n, chan, "RNDIS message length does not fit");
	if (h->type == RNDIS_MSG_PACKET) {
		if (!n->rndis_up)
			return hvsim_net_bad_rndis(n, chan, "RNDIS packet before INITIALIZE");
		return hvsim_net_data(n, chan, head, min(copied, h->len), h->len, src);
	}
	/* Control messages are rare and small: a private copy of all of it. */
	msg = kmalloc(h->len, GFP_KERNEL);
	if (!msg)
		return NVSP_STAT_BUSY;
	hvsim_net_src_copy(src, 0, msg, h->len);
	st = hvsim_net_control(n, chan, msg, h->len, signal);
	kfree(msg);
	return st;
}

/**
 * hvsim_net_indicate() - send a pending link status indication
 * @n: the NIC
 * @chan: its channel
 * @signal: set when the guest must be signalled
 *
 * Return: 0 (sent or nothing to send), or -ENOSPC to retry.
 */
int hvsim_net_indicate(struct hvsim_net *n, struct hvsim_chan *chan,
		       bool *signal)
{
	struct rndis_indicate ind = {
		.status = n->link ? RNDIS_STATUS_MEDIA_CONNECT :
				    RNDIS_STATUS_MEDIA_DISCONNECT,
	};
	int ret;

	if (!n->link_changed || !n->rndis_up)
		return 0;
	ret = hvsim_net_send_ctrl(n, chan, RNDIS_MSG_INDICATE, &ind, sizeof(ind),
				  NULL, 0, signal);
	if (ret == -ENOSPC)
		return ret;
	n->link_changed = false;
	return 0;
}
