// SPDX-License-Identifier: GPL-2.0-only
/*
 * Single-threaded tests of drivers/vmbus/ring.c: packet framing, index
 * arithmetic, signalling decisions and the handling of a corrupt peer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#define POISON	0xa5

void tr_init(struct test_ring *tr, u32 size)
{
	tr->hdr = calloc(1, sizeof(*tr->hdr));
	tr->data = malloc(size);	/* exactly @size: ASan sees overruns */
	if (!tr->hdr || !tr->data)
		abort();
	memset(tr->data, POISON, size);
	tr->size = size;
	hv_ring_init(&tr->tx, tr->hdr, tr->data, size);
	hv_ring_init(&tr->rx, tr->hdr, tr->data, size);
}

void tr_free(struct test_ring *tr)
{
	free(tr->hdr);
	free(tr->data);
}

/* One inband packet: descriptor, @len payload bytes, zero padding. */
int tr_send(struct test_ring *tr, u64 seq, const void *buf, u32 len,
	    bool *signal)
{
	static const u8 zero[8];
	struct vmpacket_descriptor desc = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = PKT_HDR / 8,
		.len8 = (PKT_HDR + PKT_PAD(len)) / 8,
		.trans_id = seq,
	};
	struct kvec kv[3] = {
		{ &desc, sizeof(desc) },
		{ (void *)buf, len },
		{ (void *)zero, PKT_PAD(len) - len },
	};
	bool dummy;

	return hv_ring_write(&tr->tx, kv, 3, signal ?: &dummy);
}

/* Peek, copy the payload (with padding) out and advance; no commit. */
int tr_recv(struct test_ring *tr, struct vmpacket_descriptor *desc,
	    void *buf, u32 bufsize, u32 *len)
{
	u32 off;
	int ret;

	ret = hv_ring_peek(&tr->rx, desc);
	if (ret)
		return ret;
	off = desc->offset8 * 8u;
	*len = desc->len8 * 8u - off;
	if (*len > bufsize) {
		unit_fail(__FILE__, __LINE__, "payload %u > buffer %u",
			  *len, bufsize);
		return -E2BIG;
	}
	hv_ring_copy_out(&tr->rx, off, buf, *len);
	hv_ring_advance(&tr->rx);
	return 0;
}

void fill_payload(u8 *buf, u32 len, u64 seq)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seq * 131 + i * 7 + (i >> 8));
}

/* Return: index of the first wrong byte, or -1. */
long check_payload(const u8 *buf, u32 len, u64 seq)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (buf[i] != (u8)(seq * 131 + i * 7 + (i >> 8)))
			return i;
	return -1;
}

/* Receive one packet and check it is @seq with @len payload bytes. */
static int expect_packet(struct test_ring *tr, u64 seq, u32 len)
{
	struct vmpacket_descriptor desc;
	u8 buf[8192];
	u32 got, i;
	long bad;

	EXPECT_EQ(tr_recv(tr, &desc, buf, sizeof(buf), &got), 0);
	EXPECT_EQ(desc.type, VM_PKT_DATA_INBAND);
	EXPECT_EQ(desc.trans_id, seq);
	EXPECT_EQ(got, PKT_PAD(len));
	bad = check_payload(buf, len, seq);
	EXPECT(bad < 0, "packet %llu (len %u): byte %ld wrong",
	       (unsigned long long)seq, len, bad);
	for (i = len; i < got; i++)
		EXPECT(!buf[i], "packet %llu: padding byte %u not zero",
		       (unsigned long long)seq, i);
	return 0;
}

static int send_seq(struct test_ring *tr, u64 seq, u32 len, bool *signal)
{
	u8 buf[8192];

	fill_payload(buf, len, seq);
	return tr_send(tr, seq, buf, len, signal);
}

static int test_ring_init_empty(void)
{
	struct vmpacket_descriptor desc;
	struct test_ring tr;

	tr_init(&tr, 4096);
	EXPECT_EQ(hv_ring_bytes_to_read(&tr.rx), 0);
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 4096);
	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), -EAGAIN);
	EXPECT_EQ(tr.rx.cur_len, 0);
	EXPECT(!hv_ring_commit(&tr.rx), "commit of nothing");
	EXPECT_EQ(hv_ring_unmask(&tr.rx), 0);
	EXPECT_EQ(tr.hdr->write_index, 0);
	EXPECT_EQ(tr.hdr->read_index, 0);

	/* Attaching to a ring in use takes over its read index. */
	tr.hdr->read_index = 512;
	tr.hdr->write_index = 512;
	hv_ring_init(&tr.rx, tr.hdr, tr.data, tr.size);
	EXPECT_EQ(tr.rx.priv_read, 512);
	EXPECT_EQ(hv_ring_bytes_to_read(&tr.rx), 0);
	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), -EAGAIN);
	TRY(send_seq(&tr, 1, 100, NULL));
	TRY(expect_packet(&tr, 1, 100));
	tr_free(&tr);
	return 0;
}

static int test_ring_round_trip(void)
{
	const u64 seq = 0x1122334455667788ull;
	struct vmpacket_descriptor desc;
	u8 pkt[PKT_TOTAL(37)], payload[37];
	struct test_ring tr;
	bool signal = false;
	u64 trailer;

	tr_init(&tr, 4096);
	fill_payload(payload, sizeof(payload), seq);
	EXPECT_EQ(tr_send(&tr, seq, payload, sizeof(payload), &signal), 0);
	EXPECT(signal, "first packet into an empty ring must signal");
	EXPECT_EQ(tr.hdr->write_index, PKT_TOTAL(37));
	EXPECT_EQ(hv_ring_bytes_to_read(&tr.rx), PKT_TOTAL(37));
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 4096 - PKT_TOTAL(37));

	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), 0);
	EXPECT_EQ(desc.type, VM_PKT_DATA_INBAND);
	EXPECT_EQ(desc.offset8, 2);
	EXPECT_EQ(desc.len8, (PKT_HDR + 40) / 8);
	EXPECT_EQ(desc.flags, 0);
	EXPECT_EQ(desc.trans_id, seq);
	EXPECT_EQ(tr.rx.cur_len, sizeof(pkt));

	/* The whole packet, trailer included, can be copied out. */
	hv_ring_copy_out(&tr.rx, 0, pkt, sizeof(pkt));
	EXPECT(!memcmp(pkt, &desc, sizeof(desc)), "descriptor bytes differ");
	EXPECT(!memcmp(pkt + PKT_HDR, payload, sizeof(payload)),
	       "payload differs");
	EXPECT(!memcmp(pkt + PKT_HDR + 37, "\0\0\0", 3), "padding not zero");
	memcpy(&trailer, pkt + sizeof(pkt) - 8, 8);
	EXPECT_EQ(trailer, 0);

	hv_ring_advance(&tr.rx);
	EXPECT_EQ(tr.rx.cur_len, 0);
	EXPECT_EQ(tr.hdr->read_index, 0);	/* not yet published */
	EXPECT(!hv_ring_commit(&tr.rx), "no pending_send_sz: no signal");
	EXPECT_EQ(tr.hdr->read_index, PKT_TOTAL(37));
	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), -EAGAIN);
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 4096);
	tr_free(&tr);
	return 0;
}

/* Every payload length that fits, one after the other. */
static int test_ring_sizes(void)
{
	struct test_ring tr;
	u32 len;

	tr_init(&tr, 4096);
	for (len = 0; PKT_TOTAL(len) < tr.size; len++) {
		EXPECT(!send_seq(&tr, len, len, NULL), "send len %u", len);
		TRY(expect_packet(&tr, len, len));
		hv_ring_commit(&tr.rx);
	}
	EXPECT_EQ(len, 4065);
	EXPECT_EQ(send_seq(&tr, len, len, NULL), -EINVAL);
	tr_free(&tr);
	return 0;
}

/*
 * A small ring, many passes: packets split across the end at every
 * possible place, descriptor and trailer included.
 */
static int test_ring_wrap(void)
{
	unsigned int desc_split = 0, data_split = 0, trailer_at_0 = 0;
	u64 sent = 0, recvd = 0;
	struct test_ring tr;
	u32 len;

	tr_init(&tr, 256);
	while (recvd < 20000) {
		for (;;) {
			u32 w = tr.hdr->write_index;
			int ret;

			len = (sent * 13) % 150;
			ret = send_seq(&tr, sent, len, NULL);
			if (ret == -EAGAIN)
				break;
			EXPECT_EQ(ret, 0);
			desc_split += w + PKT_HDR > tr.size;
			data_split += w + PKT_TOTAL(len) - 8 > tr.size;
			trailer_at_0 += w + PKT_TOTAL(len) - 8 == tr.size;
			sent++;
		}
		EXPECT(sent > recvd, "ring full but nothing in it");
		while (recvd < sent) {
			TRY(expect_packet(&tr, recvd, (recvd * 13) % 150));
			recvd++;
		}
		hv_ring_commit(&tr.rx);
		EXPECT_EQ(tr.hdr->read_index, tr.hdr->write_index);
	}
	EXPECT(desc_split && data_split && trailer_at_0,
	       "splits: descriptor %u, data %u, trailer at 0 %u",
	       desc_split, data_split, trailer_at_0);
	tr_free(&tr);
	return 0;
}

/* Partial copies at every offset of a packet that wraps. */
static int test_ring_copy_out_wrap(void)
{
	u8 payload[100], pkt[PKT_TOTAL(100)], part[PKT_TOTAL(100)];
	struct vmpacket_descriptor desc;
	struct test_ring tr;
	u32 skip, len;

	tr_init(&tr, 256);
	tr.hdr->read_index = tr.hdr->write_index = 200;
	hv_ring_init(&tr.rx, tr.hdr, tr.data, tr.size);
	fill_payload(payload, sizeof(payload), 7);
	EXPECT_EQ(tr_send(&tr, 7, payload, sizeof(payload), NULL), 0);
	EXPECT_EQ(tr.hdr->write_index, (200 + PKT_TOTAL(100)) % 256);
	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), 0);
	hv_ring_copy_out(&tr.rx, 0, pkt, sizeof(pkt));
	EXPECT(!memcmp(pkt + PKT_HDR, payload, sizeof(payload)),
	       "payload differs");
	for (skip = 0; skip <= sizeof(pkt); skip++) {
		for (len = 0; skip + len <= sizeof(pkt); len++) {
			memset(part, 0, sizeof(part));
			hv_ring_copy_out(&tr.rx, skip, part, len);
			EXPECT(!memcmp(part, pkt + skip, len),
			       "copy_out(%u, %u) differs", skip, len);
		}
	}
	tr_free(&tr);
	return 0;
}

/* copy_out() refuses (with a warning) to read outside the peeked packet. */
static int test_ring_copy_out_bounds(void)
{
	struct vmpacket_descriptor desc;
	struct test_ring tr;
	u8 buf[64];
	u32 i;

	printf("# three warnings expected\n");
	tr_init(&tr, 256);
	memset(buf, 0x5a, sizeof(buf));
	hv_ring_copy_out(&tr.rx, 0, buf, 1);	/* nothing peeked */
	EXPECT_EQ(unit_warnings, 1);
	TRY(send_seq(&tr, 1, 8, NULL));
	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), 0);
	EXPECT_EQ(tr.rx.cur_len, 32);
	hv_ring_copy_out(&tr.rx, 1, buf, 32);
	EXPECT_EQ(unit_warnings, 2);
	hv_ring_copy_out(&tr.rx, 0xfffffff8u, buf, 16);
	EXPECT_EQ(unit_warnings, 3);
	for (i = 0; i < sizeof(buf); i++)
		EXPECT_EQ(buf[i], 0x5a);
	hv_ring_copy_out(&tr.rx, 24, buf, 8);	/* the trailer: allowed */
	EXPECT_EQ(unit_warnings, 3);
	unit_warnings = 0;
	tr_free(&tr);
	return 0;
}

static int test_ring_full(void)
{
	struct test_ring tr;
	u64 seq = 0;
	int ret;

	/* 96 bytes: 32 + 32 fit, a third 32 would fill the ring exactly. */
	tr_init(&tr, 96);
	EXPECT_EQ(send_seq(&tr, seq++, 8, NULL), 0);
	EXPECT_EQ(send_seq(&tr, seq++, 8, NULL), 0);
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 32);
	EXPECT_EQ(send_seq(&tr, seq, 8, NULL), -EAGAIN);
	EXPECT_EQ(tr.hdr->write_index, 64);
	EXPECT_EQ(send_seq(&tr, seq++, 0, NULL), 0);	/* 24 < 32 */
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 8);
	EXPECT_EQ(send_seq(&tr, seq, 0, NULL), -EAGAIN);
	EXPECT(tr.hdr->write_index != tr.hdr->read_index, "ring looks empty");
	EXPECT_EQ(hv_ring_bytes_to_read(&tr.rx), 88);

	TRY(expect_packet(&tr, 0, 8));
	EXPECT_EQ(send_seq(&tr, seq, 0, NULL), -EAGAIN);	/* no commit */
	hv_ring_commit(&tr.rx);
	EXPECT_EQ(send_seq(&tr, seq++, 0, NULL), 0);
	TRY(expect_packet(&tr, 1, 8));
	TRY(expect_packet(&tr, 2, 0));
	TRY(expect_packet(&tr, 3, 0));
	hv_ring_commit(&tr.rx);
	tr_free(&tr);

	/* The largest packet fits only into an empty ring. */
	tr_init(&tr, 96);
	EXPECT_EQ(send_seq(&tr, 0, 64, NULL), 0);
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 8);
	TRY(expect_packet(&tr, 0, 64));
	hv_ring_commit(&tr.rx);
	EXPECT_EQ(send_seq(&tr, 1, 0, NULL), 0);
	EXPECT_EQ(send_seq(&tr, 2, 64, NULL), -EAGAIN);
	tr_free(&tr);

	/* Whatever the mix, the producer stops with 8..total bytes free. */
	tr_init(&tr, 4096);
	for (seq = 0; seq < 1000; seq++) {
		u32 len = (seq * 29) % 300;

		ret = send_seq(&tr, seq, len, NULL);
		if (ret == -EAGAIN) {
			u32 room = hv_ring_bytes_to_write(&tr.tx);

			EXPECT(room >= 8 && room <= PKT_TOTAL(len),
			       "room %u for a %lu-byte packet", room,
			       PKT_TOTAL(len));
			break;
		}
		EXPECT_EQ(ret, 0);
	}
	EXPECT(seq < 1000, "never got -EAGAIN");
	tr_free(&tr);
	return 0;
}

/* The trailer of every packet is the write index before it, << 32. */
static int test_ring_trailer(void)
{
	struct vmpacket_descriptor desc;
	struct test_ring tr;
	u64 seq, trailer, in_ring;
	u32 old_w, len, end;

	tr_init(&tr, 256);
	for (seq = 0; seq < 500; seq++) {
		len = (seq * 11) % 90;
		old_w = tr.hdr->write_index;
		EXPECT_EQ(send_seq(&tr, seq, len, NULL), 0);
		end = (old_w + PKT_TOTAL(len) - 8) % tr.size;
		memcpy(&in_ring, tr.data + end, 8);
		EXPECT_EQ(in_ring, (u64)old_w << 32);

		EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), 0);
		hv_ring_copy_out(&tr.rx, tr.rx.cur_len - 8, &trailer, 8);
		EXPECT_EQ(trailer, (u64)old_w << 32);
		hv_ring_advance(&tr.rx);
		hv_ring_commit(&tr.rx);
	}
	tr_free(&tr);
	return 0;
}

/* Signal only on empty -> non-empty while the consumer is unmasked. */
static int test_ring_signal(void)
{
	struct test_ring tr;
	bool signal;

	tr_init(&tr, 4096);
	EXPECT_EQ(send_seq(&tr, 1, 10, &signal), 0);
	EXPECT(signal, "empty ring, unmasked: must signal");
	EXPECT_EQ(send_seq(&tr, 2, 10, &signal), 0);
	EXPECT(!signal, "ring not empty: no signal");

	/* Consumed but not committed: the producer still sees data. */
	TRY(expect_packet(&tr, 1, 10));
	EXPECT_EQ(send_seq(&tr, 3, 10, &signal), 0);
	EXPECT(!signal, "uncommitted read: no signal");
	TRY(expect_packet(&tr, 2, 10));
	TRY(expect_packet(&tr, 3, 10));
	hv_ring_commit(&tr.rx);
	EXPECT_EQ(send_seq(&tr, 4, 10, &signal), 0);
	EXPECT(signal, "ring drained: must signal");

	hv_ring_mask(&tr.rx);
	EXPECT_EQ(tr.hdr->interrupt_mask, 1);
	TRY(expect_packet(&tr, 4, 10));
	hv_ring_commit(&tr.rx);
	EXPECT_EQ(send_seq(&tr, 5, 10, &signal), 0);
	EXPECT(!signal, "masked: no signal");
	EXPECT_EQ(send_seq(&tr, 6, 20, &signal), 0);
	EXPECT(!signal, "masked: no signal");

	EXPECT_EQ(hv_ring_unmask(&tr.rx), PKT_TOTAL(10) + PKT_TOTAL(20));
	EXPECT_EQ(tr.hdr->interrupt_mask, 0);
	TRY(expect_packet(&tr, 5, 10));
	EXPECT_EQ(hv_ring_unmask(&tr.rx), PKT_TOTAL(20));
	TRY(expect_packet(&tr, 6, 20));
	EXPECT_EQ(hv_ring_unmask(&tr.rx), 0);
	hv_ring_commit(&tr.rx);
	EXPECT_EQ(send_seq(&tr, 7, 10, &signal), 0);
	EXPECT(signal, "unmasked and drained: must signal");
	tr_free(&tr);
	return 0;
}

/*
 * The lost-signal race: while the consumer's published read index lags,
 * the producer adds packets without signalling.  So hv_ring_peek_next()
 * reports an empty ring only with the index published, after which the
 * producer's next packet signals.
 */
static int test_ring_peek_next(void)
{
	struct vmpacket_descriptor desc;
	struct test_ring tr;
	bool signal, wake = false;

	tr_init(&tr, 4096);
	EXPECT_EQ(send_seq(&tr, 1, 10, &signal), 0);
	TRY(expect_packet(&tr, 1, 10));
	EXPECT_EQ(send_seq(&tr, 2, 10, &signal), 0);
	EXPECT(!signal, "uncommitted read: no signal");
	EXPECT_EQ(hv_ring_peek_next(&tr.rx, &desc, &wake), 0);
	EXPECT_EQ(desc.trans_id, 2);
	EXPECT(!wake, "the producer waits for no room");
	TRY(expect_packet(&tr, 2, 10));
	EXPECT_EQ(tr.hdr->read_index, 0);

	/* Drained: published, empty, and the next packet signals. */
	EXPECT_EQ(hv_ring_peek_next(&tr.rx, &desc, &wake), -EAGAIN);
	EXPECT_EQ(tr.hdr->read_index, 2 * PKT_TOTAL(10));
	EXPECT_EQ(send_seq(&tr, 3, 10, &signal), 0);
	EXPECT(signal, "drained and published: must signal");
	tr_free(&tr);
	return 0;
}

/*
 * Fill a 1024-byte ring with 64-byte packets (15 fit, 64 bytes stay free),
 * set pending_send_sz and drain one packet per commit.
 * Return: the 1-based commit that returned true, 0 if none, -1 if several.
 */
static int pending_crossing(u32 feature_bits, u32 pending, u32 batch)
{
	struct test_ring tr;
	int i, hit = 0;
	u64 seq;

	tr_init(&tr, 1024);
	tr.hdr->feature_bits = feature_bits;
	for (seq = 0; !send_seq(&tr, seq, 40, NULL); seq++)
		;
	if (seq != 15 || hv_ring_bytes_to_write(&tr.tx) != 64)
		return -2;
	tr.hdr->pending_send_sz = pending;
	for (i = 1; i <= 15; i++) {
		u32 j;

		for (j = 0; j < batch; j++)
			if (expect_packet(&tr, seq - 15 + (i - 1) * batch + j, 40))
				return -2;
		if (hv_ring_commit(&tr.rx)) {
			if (hit)
				return -1;
			hit = i;
		}
		if (hv_ring_commit(&tr.rx))	/* nothing new */
			return -3;
		if ((i + 1) * batch > 15)
			break;
	}
	tr_free(&tr);
	return hit;
}

static int test_ring_pending_send_sz(void)
{
	const u32 feat = HV_RING_FEAT_PENDING_SEND_SZ;
	struct test_ring tr;

	/* Free space per commit: 64 -> 128 -> 192 -> 256 -> ... */
	EXPECT_EQ(pending_crossing(feat, 200, 1), 3);
	EXPECT_EQ(pending_crossing(feat, 192, 1), 3);	/* needs > 192 */
	EXPECT_EQ(pending_crossing(feat, 191, 1), 2);
	EXPECT_EQ(pending_crossing(feat, 63, 1), 0);	/* already room */
	EXPECT_EQ(pending_crossing(feat, 64, 1), 1);
	EXPECT_EQ(pending_crossing(feat, 1000, 1), 15);
	EXPECT_EQ(pending_crossing(feat, 1024, 1), 0);	/* never reached */
	EXPECT_EQ(pending_crossing(feat, 0, 1), 0);	/* not waiting */
	EXPECT_EQ(pending_crossing(0, 200, 1), 0);	/* feature off */
	/* 64 -> 320: one batched commit crosses 200 */
	EXPECT_EQ(pending_crossing(feat, 200, 4), 1);
	EXPECT_EQ(pending_crossing(feat, 400, 4), 2);

	/* A corrupt write index: wake the producer, it will see for itself. */
	tr_init(&tr, 1024);
	tr.hdr->feature_bits = feat;
	TRY(send_seq(&tr, 1, 40, NULL));
	tr.hdr->pending_send_sz = 100;
	TRY(expect_packet(&tr, 1, 40));
	tr.hdr->write_index = 1028;
	EXPECT(hv_ring_commit(&tr.rx), "corrupt write_index: no wakeup");
	EXPECT_EQ(tr.hdr->read_index, 64);
	tr_free(&tr);
	return 0;
}

/* Several packets consumed privately, published by one commit. */
static int test_ring_batch(void)
{
	struct vmpacket_descriptor d1, d2;
	struct test_ring tr;
	u32 w, left;
	u64 seq;

	tr_init(&tr, 4096);
	for (seq = 0; seq < 10; seq++)
		EXPECT_EQ(send_seq(&tr, seq, 100, NULL), 0);
	w = tr.hdr->write_index;
	EXPECT_EQ(w, 10 * PKT_TOTAL(100));

	/* Peeking twice returns the same packet. */
	EXPECT_EQ(hv_ring_peek(&tr.rx, &d1), 0);
	EXPECT_EQ(hv_ring_peek(&tr.rx, &d2), 0);
	EXPECT(!memcmp(&d1, &d2, sizeof(d1)), "second peek differs");

	left = w;
	for (seq = 0; seq < 10; seq++) {
		EXPECT_EQ(hv_ring_bytes_to_read(&tr.rx), left);
		TRY(expect_packet(&tr, seq, 100));
		left -= PKT_TOTAL(100);
		EXPECT_EQ(tr.hdr->read_index, 0);
		EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 4096 - w);
	}
	EXPECT_EQ(hv_ring_peek(&tr.rx, &d1), -EAGAIN);
	hv_ring_commit(&tr.rx);
	EXPECT_EQ(tr.hdr->read_index, w);
	EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 4096);
	EXPECT(!hv_ring_commit(&tr.rx), "second commit");
	EXPECT_EQ(tr.hdr->read_index, w);
	tr_free(&tr);
	return 0;
}

/* The producer's write index is out of range or unaligned. */
static int test_ring_bad_write_index(void)
{
	static const u32 bad[] = { 4096, 4104, 4100, 12, 4, 0x80000000u,
				   0xfffffff8u, 0xffffffffu };
	struct vmpacket_descriptor desc;
	struct test_ring tr;
	u32 i, good;

	tr_init(&tr, 4096);
	TRY(send_seq(&tr, 1, 50, NULL));
	good = tr.hdr->write_index;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tr.hdr->write_index = bad[i];
		EXPECT(hv_ring_peek(&tr.rx, &desc) == -EPROTO,
		       "write_index %#x accepted", bad[i]);
		EXPECT_EQ(tr.rx.cur_len, 0);
		EXPECT_EQ(hv_ring_bytes_to_read(&tr.rx), 0);
		EXPECT_EQ(hv_ring_unmask(&tr.rx), 0);
		EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 0);
	}
	tr.hdr->write_index = good;
	TRY(expect_packet(&tr, 1, 50));
	tr_free(&tr);
	return 0;
}

/* Put a raw descriptor at the consumer's position and publish @avail bytes. */
static void put_desc(struct test_ring *tr, u16 offset8, u16 len8, u32 avail)
{
	struct vmpacket_descriptor d = {
		.type = VM_PKT_DATA_INBAND, .offset8 = offset8, .len8 = len8,
	};
	u32 at = tr->rx.priv_read, first = tr->size - at;

	if (first > sizeof(d))
		first = sizeof(d);
	memcpy(tr->data + at, &d, first);
	memcpy(tr->data, (u8 *)&d + first, sizeof(d) - first);
	tr->hdr->write_index = (at + avail) % tr->size;
}

static int expect_bad_desc(struct test_ring *tr, u16 offset8, u16 len8,
			   u32 avail)
{
	struct vmpacket_descriptor desc;
	u32 r = tr->rx.priv_read;

	put_desc(tr, offset8, len8, avail);
	EXPECT(hv_ring_peek(&tr->rx, &desc) == -EPROTO,
	       "offset8 %u len8 %u avail %u at %u accepted", offset8, len8,
	       avail, r);
	EXPECT_EQ(tr->rx.cur_len, 0);
	hv_ring_advance(&tr->rx);	/* must not move */
	EXPECT_EQ(tr->rx.priv_read, r);
	return 0;
}

static int expect_good_desc(struct test_ring *tr, u16 offset8, u16 len8,
			    u32 avail)
{
	struct vmpacket_descriptor desc;

	put_desc(tr, offset8, len8, avail);
	EXPECT(!hv_ring_peek(&tr->rx, &desc),
	       "offset8 %u len8 %u avail %u rejected", offset8, len8, avail);
	EXPECT_EQ(tr->rx.cur_len, len8 * 8u + 8);
	return 0;
}

static int test_ring_bad_descriptor(void)
{
	struct test_ring tr;
	u32 start;

	tr_init(&tr, 4096);
	for (start = 0; start < 2; start++) {
		if (start) {	/* again with the descriptor split at the end */
			tr.hdr->read_index = 4088;
			hv_ring_init(&tr.rx, tr.hdr, tr.data, tr.size);
		}
		TRY(expect_bad_desc(&tr, 0, 2, 24));	/* offset8 < 2 */
		TRY(expect_bad_desc(&tr, 1, 2, 24));
		TRY(expect_bad_desc(&tr, 3, 2, 24));	/* offset > len */
		TRY(expect_bad_desc(&tr, 0xffff, 2, 24));
		TRY(expect_bad_desc(&tr, 2, 0, 24));
		TRY(expect_bad_desc(&tr, 2, 1, 24));
		TRY(expect_bad_desc(&tr, 2, 4, 32));	/* beyond available */
		TRY(expect_bad_desc(&tr, 2, 5, 40));
		TRY(expect_bad_desc(&tr, 2, 511, 4088));
		TRY(expect_bad_desc(&tr, 2, 0xffff, 4088));
		TRY(expect_bad_desc(&tr, 2, 2, 8));	/* too short for one */
		TRY(expect_bad_desc(&tr, 2, 2, 16));
		TRY(expect_good_desc(&tr, 2, 2, 24));	/* no payload */
		TRY(expect_good_desc(&tr, 5, 5, 48));
		TRY(expect_good_desc(&tr, 2, 4, 40));
		TRY(expect_good_desc(&tr, 2, 510, 4088));	/* biggest */
		TRY(expect_good_desc(&tr, 510, 510, 4088));
	}
	tr_free(&tr);
	return 0;
}

/* The consumer's read index, as the producer sees it, is corrupt. */
static int test_ring_bad_read_index(void)
{
	static const u32 bad[] = { 4096, 4104, 12, 4, 0xfffffff8u,
				   0xffffffffu };
	struct test_ring tr;
	u32 i;

	tr_init(&tr, 4096);
	TRY(send_seq(&tr, 1, 50, NULL));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tr.hdr->read_index = bad[i];
		EXPECT(send_seq(&tr, 2, 10, NULL) == -EPROTO,
		       "read_index %#x accepted", bad[i]);
		EXPECT_EQ(tr.hdr->write_index, PKT_TOTAL(50));
		EXPECT_EQ(hv_ring_bytes_to_write(&tr.tx), 0);
	}
	tr.hdr->read_index = 0;
	/* The producer's own index, rewritten by the other side. */
	tr.hdr->write_index = 4097;
	EXPECT_EQ(send_seq(&tr, 2, 10, NULL), -EPROTO);
	EXPECT_EQ(tr.hdr->write_index, 4097);
	tr.hdr->write_index = PKT_TOTAL(50);
	EXPECT_EQ(send_seq(&tr, 2, 10, NULL), 0);
	TRY(expect_packet(&tr, 1, 50));
	TRY(expect_packet(&tr, 2, 10));
	tr_free(&tr);
	return 0;
}

/* Packets that are misaligned or can never fit are refused untouched. */
static int test_ring_bad_packet(void)
{
	struct vmpacket_descriptor d = { .offset8 = 2 };
	struct test_ring tr;
	u8 buf[256] = { 0 };
	struct kvec kv[2] = { { &d, sizeof(d) }, { buf, 0 } };
	bool signal;
	u32 i;

	tr_init(&tr, 256);
	for (i = 1; i < 8; i++) {
		kv[1].iov_len = i;
		EXPECT(hv_ring_write(&tr.tx, kv, 2, &signal) == -EINVAL,
		       "%u-byte packet accepted", 16 + i + 8);
	}
	kv[1].iov_len = 256 - 16 - 8;	/* exactly the ring */
	EXPECT_EQ(hv_ring_write(&tr.tx, kv, 2, &signal), -EINVAL);
	kv[1].iov_len = 256;
	EXPECT_EQ(hv_ring_write(&tr.tx, kv, 2, &signal), -EINVAL);
	EXPECT_EQ(tr.hdr->write_index, 0);
	for (i = 0; i < tr.size; i++)
		EXPECT(tr.data[i] == POISON, "data byte %u written", i);

	kv[1].iov_len = 256 - 16 - 16;	/* the biggest that fits */
	EXPECT_EQ(hv_ring_write(&tr.tx, kv, 2, &signal), 0);
	EXPECT_EQ(tr.hdr->write_index, 248);
	tr_free(&tr);
	return 0;
}

/*
 * A corrupt read_index at init (size + 8) must not become the private read
 * position: the distance to write_index would wrap to ~4 GiB and accept a
 * descriptor far larger than the ring.
 */
static int test_ring_init_bad_read_index(void)
{
	struct vmpacket_descriptor desc = { .offset8 = 2, .len8 = 0xffff };
	struct test_ring tr;
	int ret;

	tr_init(&tr, 4096);
	memcpy(tr.data + 8, &desc, sizeof(desc));
	tr.hdr->read_index = 4096 + 8;
	tr.hdr->write_index = 0;
	hv_ring_init(&tr.rx, tr.hdr, tr.data, tr.size);
	ret = hv_ring_peek(&tr.rx, &desc);
	EXPECT((ret == -EPROTO || ret == -EAGAIN) && tr.rx.cur_len <= tr.size,
	       "peek returned %d with cur_len %u for a %u-byte ring", ret,
	       tr.rx.cur_len, tr.size);
	tr_free(&tr);
	return 0;
}

/*
 * Pieces whose lengths sum to 2^32 + 8 must not pass as an 8-byte packet
 * (a u32 sum would wrap); the ring is nearly full so a wrapped sum would
 * show as -EAGAIN instead of -EINVAL.
 */
static int test_ring_write_len_overflow(void)
{
	struct vmpacket_descriptor d = { .offset8 = 2 };
	struct test_ring tr;
	struct kvec kv[2] = { { &d, sizeof(d) }, { &d, 0xfffffff0u } };
	bool signal;
	int ret;

	tr_init(&tr, 256);
	tr.hdr->write_index = 248;	/* 8 bytes free */
	ret = hv_ring_write(&tr.tx, kv, 2, &signal);
	EXPECT(ret == -EINVAL, "4 GiB packet: got %d", ret);
	tr_free(&tr);
	return 0;
}

/*
 * The producer rewrites the descriptor between the consumer's check and its
 * copy (a double fetch, as channel.c hvg_recv() does for a raw receive):
 * the copy hands over the checked descriptor, copies and consumes only the
 * checked length, and the next packet is intact.
 */
static int test_ring_desc_changed_after_check(void)
{
	struct vmpacket_descriptor desc, *shared, got;
	struct test_ring tr;
	u8 buf[256];
	u32 len;

	tr_init(&tr, 4096);
	TRY(send_seq(&tr, 7, 40, NULL));
	TRY(send_seq(&tr, 8, 24, NULL));
	EXPECT_EQ(hv_ring_peek(&tr.rx, &desc), 0);
	EXPECT_EQ(desc.trans_id, 7);
	len = desc.len8 * 8u;

	/* What a hostile host writes once the check is done. */
	shared = (struct vmpacket_descriptor *)(tr.data + tr.rx.priv_read);
	shared->type = VM_PKT_COMP;
	shared->offset8 = 1;
	shared->len8 = 0xffff;
	shared->trans_id = 0xdeadbeef;

	memset(buf, POISON, sizeof(buf));
	hv_ring_copy_packet(&tr.rx, &desc, 0, buf, len);
	memcpy(&got, buf, sizeof(got));
	EXPECT(!memcmp(&got, &desc, sizeof(got)),
	       "raw copy: descriptor type %u offset8 %u len8 %u id %llu, checked %u %u %u %llu",
	       got.type, got.offset8, got.len8,
	       (unsigned long long)got.trans_id, desc.type, desc.offset8,
	       desc.len8, (unsigned long long)desc.trans_id);
	EXPECT(check_payload(buf + PKT_HDR, 40, 7) < 0, "payload changed");
	EXPECT_EQ(buf[len], POISON);

	/* A payload copy (skip = offset8 * 8) takes nothing of the descriptor. */
	memset(buf, POISON, sizeof(buf));
	hv_ring_copy_packet(&tr.rx, &desc, PKT_HDR, buf, len - PKT_HDR);
	EXPECT(check_payload(buf, 40, 7) < 0, "payload copy wrong");
	EXPECT_EQ(buf[len - PKT_HDR], POISON);

	hv_ring_advance(&tr.rx);
	EXPECT_EQ(unit_warnings, 0);
	TRY(expect_packet(&tr, 8, 24));
	tr_free(&tr);
	return 0;
}

const struct unit_test ring_tests[] = {
	UNIT_TEST(test_ring_init_empty),
	UNIT_TEST(test_ring_round_trip),
	UNIT_TEST(test_ring_sizes),
	UNIT_TEST(test_ring_wrap),
	UNIT_TEST(test_ring_copy_out_wrap),
	UNIT_TEST(test_ring_copy_out_bounds),
	UNIT_TEST(test_ring_full),
	UNIT_TEST(test_ring_trailer),
	UNIT_TEST(test_ring_signal),
	UNIT_TEST(test_ring_peek_next),
	UNIT_TEST(test_ring_pending_send_sz),
	UNIT_TEST(test_ring_batch),
	UNIT_TEST(test_ring_bad_write_index),
	UNIT_TEST(test_ring_bad_descriptor),
	UNIT_TEST(test_ring_bad_read_index),
	UNIT_TEST(test_ring_bad_packet),
	UNIT_TEST(test_ring_init_bad_read_index),
	UNIT_TEST(test_ring_write_len_overflow),
	UNIT_TEST(test_ring_desc_changed_after_check),
	{ }
};
