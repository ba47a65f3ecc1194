// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/vmbus/ring.c.
 *
 * Input: struct fuzz_setup (the control page fields as the other side left
 * them and the ring size), then the data area (zero-filled if short), then
 * a list of operations.  One ring is both written and read, while the
 * operations may also corrupt the other side's fields at any time.  Every
 * buffer is allocated at its exact size so ASan sees any overrun; when no
 * operation is given the ring is just drained.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "ring.h"

#define MAX_OPS		256
#define MAX_DRAIN	1024

struct fuzz_setup {
	u32 write_index;
	u32 read_index;
	u32 interrupt_mask;
	u32 pending_send_sz;
	u32 feature_bits;
	u8 size8;		/* data area: 8 * (1 + size8 % 128) bytes */
} __packed;

enum fuzz_op {
	OP_READ, OP_READ2, OP_COMMIT, OP_WRITE, OP_MASK, OP_UNMASK,
	OP_CORRUPT, OP_DRAIN, OP_COUNT
};

struct fuzz {
	struct hv_ring_buffer *hdr;
	u8 *data;
	u32 size;
	struct hv_ring tx;
	struct hv_ring rx;
	const u8 *in;
	size_t left;
};

/* Up to 4 bytes of input, little-endian, zero once it runs out. */
static u32 take(struct fuzz *f, unsigned int bytes)
{
	u32 v = 0;

	if (bytes > f->left)
		bytes = f->left;
	memcpy(&v, f->in, bytes);
	f->in += bytes;
	f->left -= bytes;
	return v;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ?: 1);

	if (!p)
		abort();
	return p;
}

/* Peek one packet, copy it out whole and as payload, advance. */
static int fuzz_read(struct fuzz *f)
{
	struct vmpacket_descriptor desc;
	u32 avail = hv_ring_bytes_to_read(&f->rx), off, len;
	u8 *pkt, *payload;
	int ret;

	ret = hv_ring_peek(&f->rx, &desc);
	if (ret == -EAGAIN && avail)
		abort();
	if (ret)
		return ret;
	len = f->rx.cur_len;
	if (len > avail || len >= f->size || len < 24 || (len & 7))
		abort();

	pkt = xmalloc(len);
	hv_ring_copy_out(&f->rx, 0, pkt, len);
	if (memcmp(pkt, &desc, sizeof(desc)))
		abort();	/* the descriptor must be read only once */
	free(pkt);

	off = desc.offset8 * 8u;
	len = desc.len8 * 8u - off;
	payload = xmalloc(len);
	hv_ring_copy_out(&f->rx, off, payload, len);
	free(payload);

	hv_ring_advance(&f->rx);
	if (f->rx.priv_read >= f->size || (f->rx.priv_read & 7))
		abort();
	return 0;
}

static void fuzz_commit(struct fuzz *f)
{
	if (hv_ring_commit(&f->rx) &&
	    (!(f->hdr->feature_bits & HV_RING_FEAT_PENDING_SEND_SZ) ||
	     !f->hdr->pending_send_sz))
		abort();
}

/* Write a packet of up to three pieces and check it landed in the ring. */
static void fuzz_write(struct fuzz *f)
{
	u32 len = take(f, 1) * 4, old_w = f->hdr->write_index, total, i;
	struct vmpacket_descriptor desc = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = 2,
		.len8 = (16 + len + 7) / 8,
		.trans_id = old_w,
	};
	u8 *payload = xmalloc(len), *pad = xmalloc(8);
	struct kvec kv[3] = {
		{ &desc, sizeof(desc) },
		{ payload, len },
		{ pad, -len & 7 },
	};
	bool signal;
	int ret;

	memset(payload, 0x3c, len);
	memset(pad, 0, 8);
	total = desc.len8 * 8 + HV_RING_TRAILER_SIZE;
	ret = hv_ring_write(&f->tx, kv, 3, &signal);
	if (ret == -EAGAIN && hv_ring_bytes_to_write(&f->tx) > total)
		abort();
	if (!ret) {
		u32 w = f->hdr->write_index;
		u64 trailer = 0;

		if (w == f->hdr->read_index || w != (old_w + total) % f->size)
			abort();
		for (i = 0; i < 8; i++)
			((u8 *)&trailer)[i] =
				f->data[(old_w + total - 8 + i) % f->size];
		if (trailer != (u64)old_w << 32 ||
		    f->data[(old_w + 16) % f->size] != (len ? 0x3c : 0))
			abort();
	}
	free(payload);
	free(pad);
}

static void fuzz_corrupt(struct fuzz *f)
{
	u32 which = take(f, 1), val = take(f, 4);

	switch (which % 5) {
	case 0:
		f->hdr->write_index = val;
		break;
	case 1:
		f->hdr->read_index = val;
		break;
	case 2:
		f->hdr->interrupt_mask = val;
		break;
	case 3:
		f->hdr->pending_send_sz = val;
		break;
	default:
		f->hdr->feature_bits = val;
		break;
	}
}

static void fuzz_drain(struct fuzz *f)
{
	unsigned int i;

	for (i = 0; i < MAX_DRAIN && !fuzz_read(f); i++)
		if (i % 4 == 3)
			fuzz_commit(f);
	fuzz_commit(f);
}

static void fuzz_op(struct fuzz *f, u8 op)
{
	switch (op % OP_COUNT) {
	case OP_READ:
	case OP_READ2:
		fuzz_read(f);
		break;
	case OP_COMMIT:
		fuzz_commit(f);
		break;
	case OP_WRITE:
		fuzz_write(f);
		break;
	case OP_MASK:
		hv_ring_mask(&f->rx);
		break;
	case OP_UNMASK:
		if (hv_ring_unmask(&f->rx) != hv_ring_bytes_to_read(&f->rx))
			abort();
		break;
	case OP_CORRUPT:
		fuzz_corrupt(f);
		break;
	default:
		fuzz_drain(f);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz f = { .in = data, .left = size };
	struct fuzz_setup s = { 0 };
	unsigned int n;
	u32 fill;

	memcpy(&s, data, min(size, sizeof(s)));
	f.in += min(size, sizeof(s));
	f.left -= min(size, sizeof(s));
	f.size = 8 * (1 + s.size8 % 128);
	f.hdr = xmalloc(sizeof(*f.hdr));
	f.data = xmalloc(f.size);
	memset(f.hdr, 0, sizeof(*f.hdr));
	memset(f.data, 0, f.size);
	fill = f.left < f.size ? f.left : f.size;
	memcpy(f.data, f.in, fill);
	f.in += fill;
	f.left -= fill;

	/* Raw values: hv_ring_init() must cope with a corrupt read_index. */
	f.hdr->read_index = s.read_index;
	hv_ring_init(&f.tx, f.hdr, f.data, f.size);
	hv_ring_init(&f.rx, f.hdr, f.data, f.size);
	f.hdr->write_index = s.write_index;
	f.hdr->interrupt_mask = s.interrupt_mask;
	f.hdr->pending_send_sz = s.pending_send_sz;
	f.hdr->feature_bits = s.feature_bits;

	if (!f.left)
		fuzz_drain(&f);
	for (n = 0; n < MAX_OPS && f.left; n++)
		fuzz_op(&f, take(&f, 1));

	free(f.hdr);
	free(f.data);
	return 0;
}
