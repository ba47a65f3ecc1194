// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/netvsc/parse.c: the guest's decoding of
 * what a netvsc host sends.
 *
 * Input: a selector byte, a byte choosing the NVSP version, then:
 *  - 0: a packet as read from the ring (u16 length first), then the
 *    receive buffer.  Decoded as netvsc_packet() and netvsc_xfer() do:
 *    descriptor, transfer-page header, each range inside the buffer as an
 *    RNDIS message (header, then packet / indication / control reply).
 *  - 1: an in-band NVSP message: the send indirection table.
 *  - 2: the completions of the receive and send buffers (u32 size first).
 *  - 3: one RNDIS message.
 * Every piece sits in a buffer of its exact size so ASan catches any read
 * past what a decoder accepted; the oracles restate the rules.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "parse.h"

static const u32 versions[] = {
	NVSP_VERSION_1, NVSP_VERSION_2, NVSP_VERSION_4, NVSP_VERSION_5,
	NVSP_VERSION_6, NVSP_VERSION_61,
};

/* As netvsc_rndis_recv(): the message of @len bytes at @msg. */
static void rndis(const u8 *msg, u32 len)
{
	struct netvsc_rx_info ri = {};
	struct rndis_hdr h;
	u32 v, off, dlen;
	int ret;

	ret = netvsc_rndis_parse_hdr(msg, len, &h);
	check(ret == 0 || ret == -EMSGSIZE);
	if (ret)
		return;
	check(h.len >= sizeof(h) && h.len <= len);
	switch (h.type) {
	case RNDIS_MSG_PACKET:
		ret = netvsc_rndis_parse_packet(msg, h.len, &ri, &off, &dlen);
		check(ret == 0 || ret == -EBADMSG);
		if (ret)
			return;
		/* The frame after the packet header, within the message. */
		check(h.len >= RNDIS_PKT_HDR_LEN && dlen &&
		      off >= RNDIS_PKT_HDR_LEN && off <= h.len &&
		      dlen <= h.len - off);
		/* A fragment flag is only taken with SUBALLOC set. */
		check(!ri.frag || (ri.frag & RNDIS_PKTINFO_SUBALLOC));
		/* The frame is read whole, as the copy into the skb does. */
		touch(msg + off, dlen);
		break;
	case RNDIS_MSG_INDICATE:
		ret = netvsc_rndis_parse_indicate(msg, h.len, &v);
		check(ret == (h.len >= sizeof(h) + sizeof(struct rndis_indicate) ?
			      0 : -EMSGSIZE));
		break;
	case RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION:
	case RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION:
	case RNDIS_MSG_SET | RNDIS_MSG_COMPLETION:
	case RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION:
		ret = netvsc_rndis_parse_reply(msg, h.len, &v);
		check(ret == (h.len >= sizeof(h) + 4 &&
			      h.len <= NETVSC_RNDIS_REPLY_MAX ? 0 : -EMSGSIZE));
		if (!ret)	/* the driver copies it whole */
			touch(msg, h.len);
		break;
	}
}

/* As netvsc_packet() and netvsc_xfer(). */
static void packet(const u8 *in, size_t size)
{
	const struct vmxfer_page_range *r;
	u32 plen, off, len, i;
	u8 *pkt, *buf;
	u16 l16 = 0;
	int ret, n;

	memcpy(&l16, in, min_t(size_t, size, 2));
	in += min_t(size_t, size, 2);
	size -= min_t(size_t, size, 2);
	plen = min_t(size_t, l16, size);
	pkt = dup(in, plen);
	buf = dup(in + plen, size - plen);

	ret = netvsc_parse_desc(pkt, plen, &off, &len);
	check(ret == 0 || ret == (plen < 16 ? -EMSGSIZE : -EBADMSG));
	if (ret || ((struct vmpacket_descriptor *)pkt)->type !=
		   VM_PKT_DATA_USING_XFER_PAGES)
		goto out;
	check(off >= 16 && off <= len && len <= plen);
	n = netvsc_parse_xfer(pkt, off, len);
	check(n == -ENOENT || n == -EBADMSG ||
	      (n > 0 && n <= NETVSC_MAX_RANGES));
	if (n < 0)
		goto out;
	check(off >= sizeof(struct vmxfer_page_header) + n * sizeof(*r) &&
	      len - off >= 16);
	r = (const void *)(pkt + sizeof(struct vmxfer_page_header));
	for (i = 0; i < (u32)n; i++) {
		u32 o = r[i].byte_offset, c = r[i].byte_count;

		if (o >= size - plen || c > size - plen - o)
			continue;
		rndis(buf + o, c);
	}
out:
	free(pkt);
	free(buf);
}

static void send_table(const u8 *in, size_t size, u32 nvsp)
{
	u32 tab[NVSP_SEND_ITAB_SIZE], i;
	u8 *msg;
	int ret;

	if (size > UINT32_MAX)
		return;
	msg = dup(in, size);
	ret = netvsc_parse_send_table(msg, size, nvsp, tab);
	check(ret == 0 || ret == -EMSGSIZE || ret == -EBADMSG ||
	      ret == -ERANGE);
	check(ret != -EMSGSIZE || size < 12);
	for (i = 0; !ret && i < NVSP_SEND_ITAB_SIZE; i++)
		check(tab[i] < NETVSC_MAX_CHANNELS);
	free(msg);
}

static void buf_comp(const u8 *in, size_t size)
{
	struct nvsp_msg m = {};
	u32 bsize = 0, slots;
	int ret;

	memcpy(&bsize, in, min_t(size_t, size, 4));
	in += min_t(size_t, size, 4);
	size -= min_t(size_t, size, 4);
	memcpy(&m, in, min(size, sizeof(m)));

	ret = netvsc_parse_recv_buf(&m, bsize, &slots);
	check(ret == 0 || ret == -EIO);
	if (!ret)
		check(slots <= m.recv_buf_complete.section.num_sub_allocs &&
		      slots <= bsize / 64 &&
		      m.recv_buf_complete.section.end_offset <= bsize);
	ret = netvsc_parse_send_buf(&m, bsize);
	check(ret == -EIO || ((u32)ret <= bsize &&
			      ret >= (int)(RNDIS_PKT_HDR_LEN + 60)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u32 nvsp;
	u8 *msg;

	if (size < 2 || size > UINT32_MAX)
		return 0;
	nvsp = versions[data[1] % ARRAY_SIZE(versions)];
	switch (data[0] % 4) {
	case 0:
		packet(data + 2, size - 2);
		break;
	case 1:
		send_table(data + 2, size - 2, nvsp);
		break;
	case 2:
		buf_comp(data + 2, size - 2);
		break;
	default:
		msg = dup(data + 2, size - 2);
		rndis(msg, size - 2);
		free(msg);
		break;
	}
	return 0;
}
