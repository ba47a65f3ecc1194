// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writes the seed corpora of the fuzz targets: a few well-formed channel
 * messages for fuzz_msg and a few rings holding real packets (built with
 * hv_ring_write()) for fuzz_ring.
 *
 * Usage: gen_seeds DIR	(creates DIR/fuzz_msg and DIR/fuzz_ring)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/kernel.h>

#include "msg.h"
#include "ring.h"

void shim_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "WARN_ON_ONCE(%s) at %s:%d\n", cond, file, line);
	abort();
}

static const char *outdir;

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

int main(int argc, char **argv)
{
	char path[512];

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 1;
	}
	outdir = argv[1];
	mkdir(outdir, 0755);
	snprintf(path, sizeof(path), "%s/fuzz_msg", outdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/fuzz_ring", outdir);
	mkdir(path, 0755);

	msg_seeds();
	/* Operation bytes: see enum fuzz_op (0 read, 2 commit, 3 write...). */
	ring_seed("drain", 31, 0, 3, 40, "");
	ring_seed("wrapped", 31, 200, 2, 48, "");
	ring_seed("full", 15, 0, 3, 16, "\x00\x02\x03\x05\x00\x00\x02");
	ring_seed("ops", 127, 1000, 8, 64,
		  "\x03\x10\x04\x00\x00\x02\x05\x03\x08\x07\x00\x02");
	ring_seed("empty_write", 63, 0, 0, 0, "\x03\x40\x03\x01\x00\x00\x02");
	return 0;
}
