// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the seed corpora of the fuzz targets: a few well-formed channel
 * messages for fuzz_msg, a few rings holding real packets (built with
 * hv_ring_write()) for fuzz_ring, and valid messages of each type for the
 * driver decoders' targets.
 *
 * Usage: gen_seeds DIR	(creates DIR/<target> for each target)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/kernel.h>

#include "msg.h"
#include "ring.h"
#include <hvguest/netvsc_proto.h>
#include <hvguest/vstor_proto.h>
#include <hvguest/synthvid_proto.h>
#include <hvguest/input_proto.h>
#include <hvguest/ic_proto.h>
#include <hvguest/dm_proto.h>

void shim_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "WARN_ON_ONCE(%s) at %s:%d\n", cond, file, line);
	abort();
}

static const char *outdir;

static const char *const targets[] = {
	"fuzz_msg", "fuzz_ring", "fuzz_netvsc", "fuzz_storvsc",
	"fuzz_synthvid", "fuzz_synthhid", "fuzz_kbd",
	"fuzz_ic", "fuzz_dm", "fuzz_hvsock",
};

static void put(const char *target, const char *name, const void *a,
		size_t alen, const void *b, size_t blen)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, alen, f) != alen ||
	    (blen && fwrite(b, 1, blen, f) != blen) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Version selector byte, then the message. */
static void put_msg(const char *name, u8 ver, const void *msg, size_t len)
{
	put("fuzz_msg", name, &ver, 1, msg, len);
}

static void msg_seeds(void)
{
	struct vmbus_channel_offer_channel offer = {
		.header.msgtype = CHANNELMSG_OFFERCHANNEL,
		.offer.if_type = HVG_ECHO_CLASS_GUID,
		.child_relid = 14,
		.monitorid = 3,
		.monitor_flags = VMBUS_OFFER_MONITOR_ALLOCATED,
		.connection_id = 0x2000 + 14,
	};
	struct vmbus_channel_version_response vr = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
		.version_supported = 1,
		.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID_4,
	};
	struct vmbus_channel_open_result open = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = 14,
		.openid = 14,
	};
	struct vmbus_channel_gpadl_created gc = {
		.header.msgtype = CHANNELMSG_GPADL_CREATED,
		.child_relid = 14,
		.gpadl = 0xe1e10,
	};
	struct vmbus_channel_rescind_offer rescind = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
		.child_relid = 14,
	};
	struct vmbus_channel_message_header all = {
		.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};

	put_msg("offer", 9, &offer, sizeof(offer));
	offer.offer.sub_channel_index = 2;
	put_msg("offer_sub_win7", 1, &offer, sizeof(offer));
	put_msg("version_response", 9, &vr, sizeof(vr));
	put_msg("version_response_short", 1, &vr, 12);
	put_msg("open_result", 9, &open, sizeof(open));
	put_msg("gpadl_created", 9, &gc, sizeof(gc));
	put_msg("rescind", 9, &rescind, sizeof(rescind));
	put_msg("alloffers", 9, &all, sizeof(all));
}

/* Mirrors struct fuzz_setup in fuzz_ring.c. */
struct ring_setup {
	u32 write_index;
	u32 read_index;
	u32 interrupt_mask;
	u32 pending_send_sz;
	u32 feature_bits;
	u8 size8;
} __packed;

/*
 * A ring of 8 * (size8 + 1) bytes starting at @start, holding @count
 * packets of @len payload bytes, followed by the operation bytes @ops.
 */
static void ring_seed(const char *name, u8 size8, u32 start, int count,
		      u32 len, const char *ops)
{
	u32 size = 8 * (size8 + 1u);
	struct hv_ring_buffer *hdr = calloc(1, sizeof(*hdr));
	u8 *buf = calloc(1, sizeof(struct ring_setup) + size + strlen(ops));
	u8 payload[1024] = { 0 };
	struct ring_setup s = { .size8 = size8,
				.feature_bits = HV_RING_FEAT_PENDING_SEND_SZ };
	struct vmpacket_descriptor desc = {
		.type = VM_PKT_DATA_INBAND, .offset8 = 2,
		.len8 = (16 + len) / 8,
	};
	struct kvec kv[2] = { { &desc, sizeof(desc) }, { payload, len } };
	struct hv_ring ring;
	bool signal;
	int i;

	if (!hdr || !buf || len > sizeof(payload) || (len & 7))
		abort();
	hdr->read_index = hdr->write_index = start;
	hv_ring_init(&ring, hdr, buf + sizeof(s), size);
	for (i = 0; i < count; i++) {
		desc.trans_id = i;
		memset(payload, i, len);
		if (hv_ring_write(&ring, kv, 2, &signal))
			abort();
	}
	s.write_index = hdr->write_index;
	s.read_index = hdr->read_index;
	s.pending_send_sz = 64;
	memcpy(buf, &s, sizeof(s));
	memcpy(buf + sizeof(s) + size, ops, strlen(ops));
	put("fuzz_ring", name, buf, sizeof(s) + size + strlen(ops), NULL, 0);
	free(hdr);
	free(buf);
}

/* A growing byte buffer for building seeds. */
struct seed {
	u8 b[4096];
	size_t n;
};

static void add(struct seed *s, const void *p, size_t n)
{
	if (s->n + n > sizeof(s->b))
		abort();
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void add32(struct seed *s, u32 v)
{
	add(s, &v, sizeof(v));
}

/* A per-packet info entry of type @type holding @val. */
static void add_ppi(struct seed *s, u32 type, u32 val)
{
	struct rndis_ppi ppi = { RNDIS_PPI_LEN, type, sizeof(ppi) };

	add(s, &ppi, sizeof(ppi));
	add32(s, val);
}

/* An RNDIS data message of a @flen-byte frame with @ppis entries. */
static void rndis_packet(struct seed *s, u32 flen, int ppis, u8 frag)
{
	u32 plen = ppis * RNDIS_PPI_LEN;
	struct rndis_hdr h = { RNDIS_MSG_PACKET, RNDIS_PKT_HDR_LEN + plen + flen };
	struct rndis_packet p = {
		.data_offset = sizeof(p) + plen, .data_len = flen,
		.ppi_offset = sizeof(p), .ppi_len = plen,
	};
	struct rndis_pktinfo_id id = { RNDIS_PKTINFO_ID_V1, frag, 7 };
	u32 idv, i;

	memcpy(&idv, &id, sizeof(idv));
	add(s, &h, sizeof(h));
	add(s, &p, sizeof(p));
	if (ppis > 0)
		add_ppi(s, RNDIS_PPI_CSUM, NDIS_CSUM_RX_TCP_OK);
	if (ppis > 1)
		add_ppi(s, RNDIS_PPI_VLAN, 5 << NDIS_VLAN_ID_SHIFT | 3);
	if (ppis > 2)
		add_ppi(s, RNDIS_PPI_HASH, 0x12345678);
	if (ppis > 3)
		add_ppi(s, RNDIS_PPI_PKTINFO_ID, idv);
	for (i = 0; i < flen; i++)
		add(s, &(u8){ i }, 1);
}

static void rndis_indicate(struct seed *s, u32 status)
{
	struct rndis_hdr h = { RNDIS_MSG_INDICATE,
			       sizeof(h) + sizeof(struct rndis_indicate) };
	struct rndis_indicate ind = { .status = status };

	add(s, &h, sizeof(h));
	add(s, &ind, sizeof(ind));
}

static void rndis_reply(struct seed *s, u32 type, u32 len)
{
	struct rndis_hdr h = { type | RNDIS_MSG_COMPLETION, len };
	u32 i;

	add(s, &h, sizeof(h));
	add32(s, 1);		/* req_id */
	for (i = 12; i < len; i++)
		add(s, &(u8){ 0 }, 1);
}

/* Selector, NVSP version byte (5: 6.1), then @s. */
static void put_netvsc(const char *name, u8 sel, u8 ver, const struct seed *s)
{
	u8 head[2] = { sel, ver };

	put("fuzz_netvsc", name, head, 2, s->b, s->n);
}

static void netvsc_seeds(void)
{
	static const u32 offs[3] = { 0, 256, 512 };
	struct vmxfer_page_header xh = {
		.desc = { .type = VM_PKT_DATA_USING_XFER_PAGES, .trans_id = 9 },
		.xfer_pageset_id = NVSP_RECV_BUF_ID, .range_cnt = 3,
	};
	struct nvsp_msg m = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	struct seed pkt = { 0 }, buf = { 0 }, s = { 0 };
	struct nvsp_send_itab t = { NVSP_SEND_ITAB_SIZE, 12 };
	u16 plen;
	u32 i;

	/* A transfer-page packet: data, indication, reply in the buffer. */
	plen = sizeof(xh) + 3 * sizeof(struct vmxfer_page_range) + sizeof(m);
	xh.desc.offset8 = (plen - sizeof(m)) / 8;
	xh.desc.len8 = plen / 8;
	add(&pkt, &xh, sizeof(xh));
	rndis_packet(&buf, 60, 4, 0);
	add32(&pkt, buf.n);
	add32(&pkt, offs[0]);
	buf.n = offs[1];
	rndis_indicate(&buf, RNDIS_STATUS_MEDIA_CONNECT);
	add32(&pkt, buf.n - offs[1]);
	add32(&pkt, offs[1]);
	buf.n = offs[2];
	rndis_reply(&buf, RNDIS_MSG_INIT, 8 + sizeof(struct rndis_init_cmplt));
	add32(&pkt, buf.n - offs[2]);
	add32(&pkt, offs[2]);
	add(&pkt, &m, sizeof(m));
	add(&s, &plen, sizeof(plen));
	add(&s, pkt.b, pkt.n);
	add(&s, buf.b, buf.n);
	put_netvsc("xfer", 0, 5, &s);

	/* The send table, where NVSP 5 and (wrongly) NVSP 6 hosts put it. */
	s.n = 0;
	add32(&s, NVSP_MSG5_SEND_INDIRECTION_TABLE);
	add(&s, &t, sizeof(t));
	for (i = 0; i < NVSP_SEND_ITAB_SIZE; i++)
		add32(&s, i % 4);
	put_netvsc("send_table_v5", 1, 3, &s);
	s.n = 0;
	t.offset = 0;
	add32(&s, NVSP_MSG5_SEND_INDIRECTION_TABLE);
	add(&s, &t, sizeof(t));
	while (s.n < NVSP_MSG_SIZE_V61)
		add(&s, &(u8){ 0 }, 1);
	for (i = 0; i < NVSP_SEND_ITAB_SIZE; i++)
		add32(&s, i % 8);
	put_netvsc("send_table_v6", 1, 4, &s);

	/* Receive and send buffer completions for a 1 MiB buffer. */
	s.n = 0;
	add32(&s, 1 << 20);
	memset(&m, 0, sizeof(m));
	m.type = NVSP_MSG1_SEND_RECV_BUF_COMPLETE;
	m.recv_buf_complete.num_sections = 1;
	m.recv_buf_complete.section.sub_alloc_size = 1728;
	m.recv_buf_complete.section.num_sub_allocs = 606;
	m.recv_buf_complete.section.end_offset = 606 * 1728;
	add(&s, &m, sizeof(m));
	put_netvsc("recv_buf", 2, 5, &s);
	s.n = 4;
	memset(&m, 0, sizeof(m));
	m.type = NVSP_MSG1_SEND_SEND_BUF_COMPLETE;
	m.send_buf_complete.section_size = 6144;
	add(&s, &m, sizeof(m));
	put_netvsc("send_buf", 2, 5, &s);

	/* Single RNDIS messages. */
	s.n = 0;
	rndis_packet(&s, 1514, 3, 0);
	put_netvsc("rndis_packet", 3, 5, &s);
	s.n = 0;
	rndis_packet(&s, 1000, 4, RNDIS_PKTINFO_SUBALLOC | RNDIS_PKTINFO_1ST_FRAG);
	put_netvsc("rndis_rsc_first", 3, 5, &s);
	s.n = 0;
	rndis_packet(&s, 64, 0, 0);
	put_netvsc("rndis_packet_noppi", 3, 5, &s);
	s.n = 0;
	rndis_indicate(&s, RNDIS_STATUS_MEDIA_CONNECT);
	put_netvsc("rndis_indicate", 3, 5, &s);
	s.n = 0;
	rndis_reply(&s, RNDIS_MSG_QUERY, 8 + sizeof(struct rndis_query_cmplt) + 4);
	put_netvsc("rndis_query_cmplt", 3, 5, &s);
	s.n = 0;
	rndis_reply(&s, RNDIS_MSG_SET, 8 + sizeof(struct rndis_status_cmplt));
	put_netvsc("rndis_set_cmplt", 3, 5, &s);
}

/*
 * The command's data length, then a completion packet of @plen payload
 * bytes: a COMPLETE_IO with the SRB's statuses, sense and data lengths.
 */
static void storvsc_seed(const char *name, u32 bufflen, u32 plen, u8 srb_status,
			 u8 scsi_status, u8 sense_len, u32 xfer)
{
	struct {
		struct vmpacket_descriptor d;
		struct vstor_packet p;
	} __packed c = {
		.d = { .type = VM_PKT_COMP, .offset8 = 2, .len8 = (16 + plen) / 8,
		       .trans_id = 0x1000 },
		.p = { .operation = VSTOR_OP_COMPLETE_IO,
		       .srb = { .srb_status = srb_status,
				.scsi_status = scsi_status,
				.sense_info_length = sense_len,
				.data_transfer_length = xfer } },
	};

	if (scsi_status == 2)
		memset(c.p.srb.sense_data, 0x70, sense_len);
	put("fuzz_storvsc", name, &bufflen, 4, &c, 16 + plen);
}

static void storvsc_seeds(void)
{
	const u32 win8 = sizeof(struct vstor_packet);
	const u32 win7 = win8 - VSTOR_WIN8_EXTENSION;
	struct {
		struct vmpacket_descriptor d;
		struct vstor_packet p;
	} __packed m = {
		.d = { .type = VM_PKT_DATA_INBAND, .offset8 = 2, .len8 = 2 + 8 },
		.p = { .operation = VSTOR_OP_ENUMERATE_BUS },
	};
	u32 zero = 0;

	storvsc_seed("read_ok", 4096, win8, VSTOR_SRB_SUCCESS, 0, 0, 4096);
	storvsc_seed("read_short_win7", 4096, win7, VSTOR_SRB_SUCCESS, 0, 0, 512);
	storvsc_seed("check_condition", 512, win8,
		     VSTOR_SRB_ERROR | VSTOR_SRB_AUTOSENSE_VALID, 2, 18, 0);
	storvsc_seed("busy", 512, win8, VSTOR_SRB_BUSY, 0, 0, 0);
	storvsc_seed("too_short", 512, win7 - 8, VSTOR_SRB_SUCCESS, 0, 0, 0);
	storvsc_seed("invalid_lun", 36, win8, VSTOR_SRB_INVALID_LUN, 0, 0, 0);
	storvsc_seed("overrun", 512, win8, VSTOR_SRB_DATA_OVERRUN, 0, 0, 1024);
	put("fuzz_storvsc", "enumerate_bus", &zero, 4, &m, 16 + 64);
}

/* A synthvid message of @type with a @len-byte payload. */
static void synthvid_seed(const char *name, u32 type, const void *p, u32 len)
{
	struct {
		struct synthvid_pipe_hdr pipe;
		struct synthvid_hdr hdr;
	} __packed h = {
		{ PIPE_MSG_DATA, sizeof(h.hdr) + len },
		{ type, sizeof(h.hdr) + len },
	};

	put("fuzz_synthvid", name, &h, sizeof(h), p, len);
}

static void synthvid_seeds(void)
{
	struct synthvid_version_resp vr = { SYNTHVID_VERSION_WIN10, 1, 1 };
	struct synthvid_vram_location_ack ack = { 0xf8000000 };
	struct synthvid_situation_update_ack sack = { 0xf8000000 };
	struct synthvid_feature_change fc = { 1, 0, 0, 1 };
	struct synthvid_resolution_resp rr = {
		.resolution_count = 4, .default_resolution_index = 1,
		.supported_resolution = { { 640, 480 }, { 1024, 768 },
					  { 1920, 1080 }, { 100, 100 } },
	};

	synthvid_seed("version_resp", SYNTHVID_VERSION_RESPONSE, &vr, sizeof(vr));
	synthvid_seed("vram_ack", SYNTHVID_VRAM_LOCATION_ACK, &ack, sizeof(ack));
	synthvid_seed("situation_ack", SYNTHVID_SITUATION_UPDATE_ACK, &sack,
		      sizeof(sack));
	synthvid_seed("feature_change", SYNTHVID_FEATURE_CHANGE, &fc, sizeof(fc));
	synthvid_seed("resolutions", SYNTHVID_RESOLUTION_RESPONSE, &rr,
		      offsetof(struct synthvid_resolution_resp,
			       supported_resolution[4]));
}

/* A synthetic HID message of @type with a @len-byte body. */
static void synthhid_seed(const char *name, u32 type, u32 hsize,
			  const void *body, u32 len)
{
	struct {
		struct hvg_pipe_hdr pipe;
		struct synthhid_hdr hdr;
	} __packed h = {
		{ HVG_PIPE_MSG_DATA, sizeof(h.hdr) + len },
		{ type, hsize },
	};

	put("fuzz_synthhid", name, &h, sizeof(h), body, len);
}

static void input_seeds(void)
{
	/* The start of a mouse's report descriptor, as Hyper-V sends it. */
	static const u8 rdesc[] = {
		0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x01, 0xa1, 0x00,
		0x05, 0x09, 0x19, 0x01, 0x25, 0x05, 0x15, 0x00, 0x25, 0x01,
		0x95, 0x05, 0x75, 0x01, 0x81, 0x02, 0xc0, 0xc0,
	};
	struct {
		struct synthhid_dev_info info;
		struct synthhid_hid_desc desc;
		u8 rdesc[sizeof(rdesc)];
	} __packed di = {
		.info = { .size = sizeof(di.info), .vendor = 0x045e,
			  .product = 0x0621, .version = 1 },
		.desc = { .length = sizeof(di.desc), .type = HVG_HID_DT_HID,
			  .bcd_hid = 0x101, .ndescs = 1,
			  .rpt_type = HVG_HID_DT_REPORT,
			  .rpt_length = sizeof(rdesc) },
	};
	struct {
		u32 version;
		u8 approved;
	} __packed resp = { HVG_SYNTHHID_VERSION_2_0, 1 };
	static const u8 report[7] = { 1, 0x10, 0x20, 0x30, 0x40, 0, 0 };
	struct hvg_kbd_protocol_response kresp = {
		{ HVG_KBD_PROTOCOL_RESPONSE }, HVG_KBD_ACCEPTED,
	};
	struct hvg_kbd_keystroke key = { { HVG_KBD_EVENT }, 0x1e, 0, 0 };

	memcpy(di.rdesc, rdesc, sizeof(rdesc));
	synthhid_seed("protocol_response", SYNTHHID_PROTOCOL_RESPONSE,
		      sizeof(resp), &resp, sizeof(resp));
	synthhid_seed("device_info", SYNTHHID_INITIAL_DEVICE_INFO, sizeof(di),
		      &di, sizeof(di));
	synthhid_seed("input_report", SYNTHHID_INPUT_REPORT, sizeof(report),
		      report, sizeof(report));

	put("fuzz_kbd", "protocol_response", &kresp, sizeof(kresp), NULL, 0);
	put("fuzz_kbd", "key_a", &key, sizeof(key), NULL, 0);
	key.info = HVG_KBD_E0 | HVG_KBD_BREAK;
	key.make_code = 0x48;
	put("fuzz_kbd", "key_up_release", &key, sizeof(key), NULL, 0);
	key.info = HVG_KBD_UNICODE;
	key.make_code = 0x20ac;
	put("fuzz_kbd", "unicode", &key, sizeof(key), NULL, 0);
}

/* Layout byte (bit 0: time sync with reference time), then the packet. */
static void ic_seed(const char *name, u8 ref, u16 type, const void *body,
		    u32 len)
{
	struct {
		u8 ref;
		struct vmbuspipe_hdr pipe;
		struct icmsg_hdr hdr;
	} __packed h = {
		.ref = ref,
		.pipe = { .flags = 1, .msgsize = sizeof(h.hdr) + len },
		.hdr = { .icverframe = { 3, 0 }, .icmsgtype = type,
			 .icvermsg = { 3, 0 }, .icmsgsize = len,
			 .icflags = 3 },
	};

	put("fuzz_ic", name, &h, sizeof(h), body, len);
}

static void ic_seeds(void)
{
	/* 2 framework versions (1.0, 3.0), 3 service versions. */
	static const u16 neg[] = { 2, 3, 0, 0, 1, 0, 3, 0, 1, 0, 3, 0, 4, 0 };
	struct heartbeat_msg_data hb = { .seq_num = 41 };
	struct shutdown_msg_data sd = { .flags = HVG_SHUTDOWN_FLAG_REBOOT };
	struct ictimesync_data ts = {
		.parenttime = HVG_TIME_EPOCH_DELTA + 17000000000000000ULL,
		.flags = ICTIMESYNCFLAG_SYNC,
	};
	struct ictimesync_ref_data tsr = {
		.parenttime = HVG_TIME_EPOCH_DELTA + 17000000000000000ULL,
		.flags = ICTIMESYNCFLAG_SAMPLE,
	};

	ic_seed("negotiate", 0, ICMSGTYPE_NEGOTIATE, neg, sizeof(neg));
	ic_seed("heartbeat", 0, ICMSGTYPE_HEARTBEAT, &hb, sizeof(hb));
	ic_seed("shutdown_reboot", 0, ICMSGTYPE_SHUTDOWN, &sd, sizeof(sd));
	sd.flags = HVG_SHUTDOWN_FLAG_FORCE;
	ic_seed("shutdown_force", 0, ICMSGTYPE_SHUTDOWN, &sd, sizeof(sd));
	ic_seed("timesync_v3", 0, ICMSGTYPE_TIMESYNC, &ts, sizeof(ts));
	ic_seed("timesync_v4", 1, ICMSGTYPE_TIMESYNC, &tsr, sizeof(tsr));
}

/* A Dynamic Memory message: header of @type and @len, then @body. */
static void dm_seed(const char *name, u16 type, const void *body, u16 blen)
{
	struct hvg_dm_hdr h = { .type = type, .size = sizeof(h) + blen };

	put("fuzz_dm", name, &h, sizeof(h), body, blen);
}

static void dm_seeds(void)
{
	static const u64 accepted = 1;
	static const u32 balloon[2] = { 4096, 0 };
	static const u32 unb[6] = { 0, 2, 0x100, 16 << 8, 0x2000, 1 << 8 };
	u64 hot[2] = { hvg_dm_range(0x40000, 65536), hvg_dm_range(0x40000, 131072) };
	/* reserved, info_size 16, then a maximum page count record */
	static const u32 info[6] = { 0, 16, HVG_DM_INFO_MAX_PAGE_CNT, 8, 0x80000, 0 };

	dm_seed("version_resp", HVG_DM_VERSION_RESPONSE, &accepted, 8);
	dm_seed("caps_resp", HVG_DM_CAPABILITIES_RESPONSE, &accepted, 8);
	dm_seed("balloon", HVG_DM_BALLOON_REQUEST, balloon, sizeof(balloon));
	dm_seed("unballoon", HVG_DM_UNBALLOON_REQUEST, unb, sizeof(unb));
	dm_seed("hot_add", HVG_DM_HOT_ADD_REQUEST, hot, 8);
	dm_seed("hot_add_region", HVG_DM_HOT_ADD_REQUEST, hot, sizeof(hot));
	dm_seed("info_max", HVG_DM_INFO_MESSAGE, info, sizeof(info));
}

/* A pipe-mode packet: type 1, @n data bytes. */
static void hvsock_seeds(void)
{
	static const u32 fin[2] = { 1, 0 };
	static const u32 hdr[2] = { 1, 5 };

	put("fuzz_hvsock", "data", hdr, sizeof(hdr), "hello", 5);
	put("fuzz_hvsock", "fin", fin, sizeof(fin), NULL, 0);
}

int main(int argc, char **argv)
{
	char path[512];
	unsigned int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 1;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, targets[i]);
		mkdir(path, 0755);
	}

	msg_seeds();
	netvsc_seeds();
	storvsc_seeds();
	synthvid_seeds();
	input_seeds();
	ic_seeds();
	dm_seeds();
	hvsock_seeds();
	/* Operation bytes: see enum fuzz_op (0 read, 2 commit, 3 write...). */
	ring_seed("drain", 31, 0, 3, 40, "");
	ring_seed("wrapped", 31, 200, 2, 48, "");
	ring_seed("full", 15, 0, 3, 16, "\x00\x02\x03\x05\x00\x00\x02");
	ring_seed("ops", 127, 1000, 8, 64,
		  "\x03\x10\x04\x00\x00\x02\x05\x03\x08\x07\x00\x02");
	ring_seed("empty_write", 63, 0, 0, 0, "\x03\x40\x03\x01\x00\x00\x02");
	return 0;
}
