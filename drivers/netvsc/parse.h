/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_netvsc: decoders of what the host sends (packet descriptors,
 * transfer-page headers, NVSP completions and messages, RNDIS messages).
 * Pure functions: compiled into hv_netvsc and into the userspace fuzzer
 * (tools/testing/fuzz/fuzz_netvsc.c).
 */
#ifndef _NETVSC_PARSE_H
#define _NETVSC_PARSE_H

#include <linux/types.h>
#include <hvguest/netvsc_proto.h>

#define NETVSC_RNDIS_REPLY_MAX	256
#define NETVSC_MAX_CHANNELS	16
#define NETVSC_MAX_RANGES	562	/* per transfer-page packet, with RSC */

/* What the host tells about a received frame in its per-packet info. */
struct netvsc_rx_info {
	u32 csum, vlan, hash;
	bool has_vlan, has_hash;
	u8 frag;		/* RNDIS_PKTINFO_*: a fragment of a coalesced frame */
};

int netvsc_parse_desc(const void *pkt, u32 actual, u32 *off, u32 *len);
int netvsc_parse_xfer(const u8 *pkt, u32 off, u32 len);
int netvsc_parse_send_table(const u8 *msg, u32 len, u32 nvsp, u32 *tab);
int netvsc_parse_recv_buf(const struct nvsp_msg *m, u32 size, u32 *slots);
int netvsc_parse_send_buf(const struct nvsp_msg *m, u32 size);
int netvsc_rndis_parse_hdr(const u8 *msg, u32 len, struct rndis_hdr *h);
int netvsc_rndis_parse_packet(const u8 *msg, u32 len,
			      struct netvsc_rx_info *ri, u32 *data_off,
			      u32 *data_len);
int netvsc_rndis_parse_indicate(const u8 *msg, u32 len, u32 *status);
int netvsc_rndis_parse_reply(const u8 *msg, u32 len, u32 *req_id);

#endif /* _NETVSC_PARSE_H */
