// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: decoders of what the host sends.  Each checks a message
 * against the length it arrived with and returns the fields the driver
 * uses; none touches driver state, so the userspace fuzzer compiles this
 * file unchanged.  Every bound is tested on its own: no sum of host
 * values may wrap.
 */
#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "parse.h"

/**
 * netvsc_parse_desc() - check a packet's VMBus descriptor
 * @pkt: the packet as read from the ring
 * @actual: bytes read
 * @off: set to the payload's offset
 * @len: set to the packet's length (descriptor included)
 *
 * Return: 0, -EMSGSIZE if shorter than a descriptor, -EBADMSG if the
 * descriptor's offset or length does not fit.
 */
int netvsc_parse_desc(const void *pkt, u32 actual, u32 *off, u32 *len)
{
	struct vmpacket_descriptor d;

	if (actual < sizeof(d))
		return -EMSGSIZE;
	memcpy(&d, pkt, sizeof(d));
	*off = d.offset8 * 8;
	*len = d.len8 * 8;
	if (*off < sizeof(d) || *off > *len || *len > actual)
		return -EBADMSG;
	return 0;
}

/**
 * netvsc_parse_xfer() - check a transfer-page packet's header
 * @pkt: the packet
 * @off: its payload's offset, from netvsc_parse_desc()
 * @len: its length, from netvsc_parse_desc()
 *
 * The ranges follow the header and end before the payload, an NVSP
 * "send RNDIS packet" message.  The ranges themselves are not checked
 * against the receive buffer here.
 *
 * Return: the number of ranges, -ENOENT if the packet is not for the
 * receive buffer, -EBADMSG if malformed.
 */
int netvsc_parse_xfer(const u8 *pkt, u32 off, u32 len)
{
	struct vmxfer_page_header h;
	struct nvsp_msg m;

	if (len < sizeof(h))
		return -ENOENT;
	memcpy(&h, pkt, sizeof(h));
	if (h.xfer_pageset_id != NVSP_RECV_BUF_ID)
		return -ENOENT;
	if (!h.range_cnt || h.range_cnt > NETVSC_MAX_RANGES || off > len ||
	    off < sizeof(h) + h.range_cnt * sizeof(struct vmxfer_page_range) ||
	    len - off < offsetof(struct nvsp_msg, rndis) + sizeof(m.rndis))
		return -EBADMSG;
	memcpy(&m.type, pkt + off, sizeof(m.type));
	if (m.type != NVSP_MSG1_SEND_RNDIS_PKT)
		return -EBADMSG;
	return h.range_cnt;
}

/**
 * netvsc_parse_send_table() - decode NVSP 5's send indirection table
 * @msg: the NVSP message, type included
 * @len: its length
 * @nvsp: the negotiated NVSP version
 * @tab: set to the NVSP_SEND_ITAB_SIZE channel numbers
 *
 * The table lies at an offset from the message's start.  Hosts up to
 * NVSP 6 put it behind a whole NVSP message and get the offset wrong
 * (Linux netvsc_send_table()): it is taken from there when the message
 * is that long.
 *
 * Return: 0, -EMSGSIZE if too short for its fields, -EBADMSG if its size
 * or offset is bad, -ERANGE if it names a channel beyond the maximum.
 */
int netvsc_parse_send_table(const u8 *msg, u32 len, u32 nvsp, u32 *tab)
{
	const u32 tlen = NVSP_SEND_ITAB_SIZE * sizeof(u32);
	const u32 fields = sizeof(u32) + sizeof(struct nvsp_send_itab);
	struct nvsp_send_itab t;
	u32 i;

	if (len < fields)
		return -EMSGSIZE;
	memcpy(&t, msg + sizeof(u32), sizeof(t));
	if (nvsp <= NVSP_VERSION_6 && len >= NVSP_MSG_SIZE_V61 + tlen)
		t.offset = NVSP_MSG_SIZE_V61;
	if (t.count != NVSP_SEND_ITAB_SIZE || len < tlen || t.offset < fields ||
	    t.offset > len - tlen)
		return -EBADMSG;
	memcpy(tab, msg + t.offset, tlen);
	for (i = 0; i < NVSP_SEND_ITAB_SIZE; i++)
		if (tab[i] >= NETVSC_MAX_CHANNELS)
			return -ERANGE;
	return 0;
}

/**
 * netvsc_parse_recv_buf() - check the completion of the receive buffer
 * @m: the completion's NVSP message
 * @size: bytes of the buffer offered
 * @slots: set to the number of receive areas to expect at most
 *
 * Return: 0 or -EIO if the host refused the buffer or answered nonsense.
 */
int netvsc_parse_recv_buf(const struct nvsp_msg *m, u32 size, u32 *slots)
{
	const struct nvsp_recv_section *s = &m->recv_buf_complete.section;

	if (m->type != NVSP_MSG1_SEND_RECV_BUF_COMPLETE ||
	    m->recv_buf_complete.status != NVSP_STAT_SUCCESS ||
	    m->recv_buf_complete.num_sections != 1 ||
	    s->end_offset > size || !s->num_sub_allocs)
		return -EIO;
	*slots = min_t(u32, s->num_sub_allocs, size / 64);
	return 0;
}

/**
 * netvsc_parse_send_buf() - check the completion of the send buffer
 * @m: the completion's NVSP message
 * @size: bytes of the buffer offered
 *
 * Return: the section size, or -EIO if the host refused the buffer or
 * gave a section size that holds no minimal frame or exceeds the buffer.
 */
int netvsc_parse_send_buf(const struct nvsp_msg *m, u32 size)
{
	u32 sec = m->send_buf_complete.section_size;

	if (m->type != NVSP_MSG1_SEND_SEND_BUF_COMPLETE ||
	    m->send_buf_complete.status != NVSP_STAT_SUCCESS ||
	    sec < RNDIS_PKT_HDR_LEN + ETH_ZLEN || sec > size || sec > INT_MAX)
		return -EIO;
	return sec;
}

/**
 * netvsc_rndis_parse_hdr() - check an RNDIS message's header
 * @msg: the message, in the receive buffer
 * @len: bytes its transfer-page range gave it
 * @h: set to the header
 *
 * Return: 0 (h->len then lies within @len) or -EMSGSIZE.
 */
int netvsc_rndis_parse_hdr(const u8 *msg, u32 len, struct rndis_hdr *h)
{
	if (len < sizeof(*h))
		return -EMSGSIZE;
	memcpy(h, msg, sizeof(*h));
	if (h->len < sizeof(*h) || h->len > len)
		return -EMSGSIZE;
	return 0;
}

/* Walk the per-packet info; false if an entry does not fit its area. */
static bool netvsc_rx_ppis(const u8 *area, u32 len, struct netvsc_rx_info *ri)
{
	while (len) {
		struct rndis_ppi ppi;
		u32 val;

		if (len < sizeof(ppi))
			return false;
		memcpy(&ppi, area, sizeof(ppi));
		if (ppi.size > len || ppi.size < RNDIS_PPI_LEN ||
		    ppi.ppi_offset < sizeof(ppi) ||
		    ppi.ppi_offset > ppi.size - sizeof(u32))
			return false;
		memcpy(&val, area + ppi.ppi_offset, sizeof(val));
		switch (ppi.type) {
		case RNDIS_PPI_CSUM:
			ri->csum = val;
			break;
		case RNDIS_PPI_VLAN:
			ri->vlan = val;
			ri->has_vlan = true;
			break;
		case RNDIS_PPI_HASH:
			ri->hash = val;
			ri->has_hash = true;
			break;
		case RNDIS_PPI_PKTINFO_ID: {
			struct rndis_pktinfo_id id;

			memcpy(&id, &val, sizeof(id));
			if (id.flag & RNDIS_PKTINFO_SUBALLOC)
				ri->frag = id.flag;
			break;
		}
		}
		area += ppi.size;
		len -= ppi.size;
	}
	return true;
}

/**
 * netvsc_rndis_parse_packet() - decode an RNDIS packet message
 * @msg: the message, header included
 * @len: its length, from its header (netvsc_rndis_parse_hdr())
 * @ri: zeroed by the caller; set from the per-packet info
 * @data_off: set to the frame's offset from @msg
 * @data_len: set to the frame's length, not 0
 *
 * Checks that the frame and the per-packet info area lie within the
 * message and walks the per-packet info (checksum, VLAN, hash, RSC
 * fragment); each entry must fit the area.  The frame's length against
 * the MTU is the caller's to check.
 *
 * Return: 0 or -EBADMSG.
 */
int netvsc_rndis_parse_packet(const u8 *msg, u32 len,
			      struct netvsc_rx_info *ri, u32 *data_off,
			      u32 *data_len)
{
	const u8 *pp = msg + sizeof(struct rndis_hdr);
	u32 body = len - sizeof(struct rndis_hdr);
	struct rndis_packet p;

	if (len < RNDIS_PKT_HDR_LEN)
		return -EBADMSG;
	memcpy(&p, pp, sizeof(p));
	if (p.data_offset < sizeof(p) || p.data_offset > body ||
	    p.data_len > body - p.data_offset || !p.data_len)
		return -EBADMSG;
	if (p.ppi_len && (p.ppi_offset < sizeof(p) || p.ppi_offset > body ||
			  p.ppi_len > body - p.ppi_offset ||
			  !netvsc_rx_ppis(pp + p.ppi_offset, p.ppi_len, ri)))
		return -EBADMSG;
	*data_off = sizeof(struct rndis_hdr) + p.data_offset;
	*data_len = p.data_len;
	return 0;
}

/**
 * netvsc_rndis_parse_indicate() - decode an RNDIS status indication
 * @msg: the message, header included
 * @len: its length, from its header
 * @status: set to the status indicated
 *
 * Return: 0 or -EMSGSIZE.
 */
int netvsc_rndis_parse_indicate(const u8 *msg, u32 len, u32 *status)
{
	struct rndis_indicate ind;

	if (len < sizeof(struct rndis_hdr) + sizeof(ind))
		return -EMSGSIZE;
	memcpy(&ind, msg + sizeof(struct rndis_hdr), sizeof(ind));
	*status = ind.status;
	return 0;
}

/**
 * netvsc_rndis_parse_reply() - check an RNDIS control completion
 * @msg: the message, header included
 * @len: its length, from its header
 * @req_id: set to the id of the request it completes
 *
 * Return: 0 (the message then fits NETVSC_RNDIS_REPLY_MAX) or -EMSGSIZE.
 */
int netvsc_rndis_parse_reply(const u8 *msg, u32 len, u32 *req_id)
{
	if (len < sizeof(struct rndis_hdr) + sizeof(u32) ||
	    len > NETVSC_RNDIS_REPLY_MAX)
		return -EMSGSIZE;
	memcpy(req_id, msg + sizeof(struct rndis_hdr), sizeof(*req_id));
	return 0;
}
