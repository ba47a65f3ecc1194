// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's view of a channel's two ring buffers.  Deliberately written
 * apart from the guest's ring code so that an index bug there is not
 * mirrored here.
 *
 * The host keeps a private copy of the one index it owns (the read index of
 * the guest->host ring, the write index of the host->guest ring) and only
 * ever publishes it; the index the guest owns is re-read from the shared
 * header and validated every time it is used.  On a bad index or packet the
 * functions return -EIO and leave the reason in r->err.
 */
#include <linux/mm.h>
#include <linux/seq_file.h>

#include "fuzz.h"
#include "hvsim.h"

static bool hvsim_index_ok(const struct hvsim_ring *r, u32 idx)
{
	return idx < r->size && IS_ALIGNED(idx, 8);
}

/* Bytes from @from forward to @to, going round the ring. */
static u32 hvsim_dist(const struct hvsim_ring *r, u32 from, u32 to)
{
	return to >= from ? to - from : r->size - from + to;
}

static u32 hvsim_advance(const struct hvsim_ring *r, u32 pos, u32 n)
{
	pos += n;
	return pos >= r->size ? pos - r->size : pos;
}

static void hvsim_read_at(const struct hvsim_ring *r, u32 pos, void *buf,
			  u32 len)
{
	u32 first = min(len, r->size - pos);

	memcpy(buf, r->data + pos, first);
	memcpy((u8 *)buf + first, r->data, len - first);
}

static u32 hvsim_write_at(struct hvsim_ring *r, u32 pos, const void *buf,
			  u32 len)
{
	u32 first = min(len, r->size - pos);

	memcpy(r->data + pos, buf, first);
	memcpy(r->data, (const u8 *)buf + first, len - first);
	return hvsim_advance(r, pos, len);
}

/**
 * hvsim_ring_init() - attach to one direction of an opened channel's ring
 * @r: the ring
 * @base: mapping of the ring's header page, followed by its data pages
 * @npages: header page plus data pages, at least 2
 * @in: true for the guest->host ring, false for host->guest
 *
 * Return: 0, or -EINVAL if the guest left an invalid index in the header.
 */
int hvsim_ring_init(struct hvsim_ring *r, void *base, u32 npages, bool in)
{
	u32 idx;

	r->hdr = base;
	r->data = (u8 *)base + HV_RING_HEADER_SIZE;
	r->size = (npages - 1) * PAGE_SIZE;
	r->pkt_len = 0;
	r->err = NULL;
	idx = in ? READ_ONCE(r->hdr->read_index) : READ_ONCE(r->hdr->write_index);
	if (!hvsim_index_ok(r, idx))
		return -EINVAL;
	r->priv = idx;
	if (!in)
		WRITE_ONCE(r->hdr->pending_send_sz, 0);
	return 0;
}

/* Consumer side: the guest->host ring ---------------------------------- */

static int hvsim_ring_fail(struct hvsim_ring *r, const char *why)
{
	r->err = why;
	return -EIO;
}

/**
 * hvsim_ring_peek() - look at the next packet without consuming it
 * @r: the guest->host ring
 * @desc: receives the packet's descriptor
 *
 * On success r->pkt_len holds the validated packet length.
 *
 * Return: 0, -EAGAIN if the ring is empty, -EIO if it is corrupt.
 */
int hvsim_ring_peek(struct hvsim_ring *r, struct vmpacket_descriptor *desc)
{
	u32 w = READ_ONCE(r->hdr->write_index);
	u32 avail, len;

	if (!hvsim_index_ok(r, w))
		return hvsim_ring_fail(r, "write_index out of range or unaligned");
	avail = hvsim_dist(r, r->priv, w);
	if (!avail)
		return -EAGAIN;
	/* The packet was written before the index that covers it. */
	smp_rmb();
	if (avail < sizeof(*desc) + HV_RING_TRAILER_SIZE)
		return hvsim_ring_fail(r, "data shorter than a packet");
	hvsim_read_at(r, r->priv, desc, sizeof(*desc));
	len = desc->len8 * 8;
	if (desc->offset8 < sizeof(*desc) / 8 || desc->offset8 > desc->len8)
		return hvsim_ring_fail(r, "descriptor offset8 out of range");
	if (len + HV_RING_TRAILER_SIZE > avail)
		return hvsim_ring_fail(r, "descriptor len8 beyond the data written");
	r->pkt_len = len;
	return 0;
}

/**
 * hvsim_ring_copy() - copy part of the peeked packet
 * @r: the guest->host ring
 * @skip: offset into the packet
 * @buf: destination
 * @len: bytes; @skip + @len must not exceed r->pkt_len
 */
void hvsim_ring_copy(const struct hvsim_ring *r, u32 skip, void *buf, u32 len)
{
	if (WARN_ON_ONCE(skip > r->pkt_len || len > r->pkt_len - skip))
		return;
	hvsim_read_at(r, hvsim_advance(r, r->priv, skip), buf, len);
}

/**
 * hvsim_ring_consume() - give the peeked packet's space back to the guest
 * @r: the guest->host ring
 *
 * Return: true if the guest waits for this space (pending_send_sz) and
 * should be signalled.
 */
bool hvsim_ring_consume(struct hvsim_ring *r)
{
	u32 freed = r->pkt_len + HV_RING_TRAILER_SIZE;
	u32 pending, w, room;

	r->priv = hvsim_advance(r, r->priv, freed);
	r->pkt_len = 0;
	/* Done reading the packet before the guest may overwrite it. */
	smp_mb();
	WRITE_ONCE(r->hdr->read_index, r->priv);
	/* Publish the index before looking at what the guest waits for. */
	smp_mb();
	if (!(READ_ONCE(r->hdr->feature_bits) & HV_RING_FEAT_PENDING_SEND_SZ))
		return false;
	pending = READ_ONCE(r->hdr->pending_send_sz);
	w = READ_ONCE(r->hdr->write_index);
	if (!pending || !hvsim_index_ok(r, w))
		return false;
	room = r->size - hvsim_dist(r, r->priv, w);
	/*
	 * The producer writes once the room exceeds its packet (the ring is
	 * never filled completely): signal when this read crossed that line.
	 */
	return room > pending && room - freed <= pending;
}

/**
 * hvsim_ring_mask() - the host reads on: the guest need not signal
 * @r: the guest->host ring
 *
 * A producer signals only a consumer that has not masked its interrupt,
 * so a host servicing a busy ring is not signalled for every packet.
 */
void hvsim_ring_mask(struct hvsim_ring *r)
{
	WRITE_ONCE(r->hdr->interrupt_mask, 1);
}

/**
 * hvsim_ring_unmask() - ask for signals again, after finding the ring empty
 * @r: the guest->host ring
 *
 * Return: true if the guest wrote a packet while the mask was up: it did
 * not signal for it, so the caller must read on.
 */
bool hvsim_ring_unmask(struct hvsim_ring *r)
{
	WRITE_ONCE(r->hdr->interrupt_mask, 0);
	/*
	 * Pairs with the guest's barrier between publishing write_index and
	 * reading the mask: either it sees the mask down and signals, or we
	 * see its index here.
	 */
	smp_mb();
	return READ_ONCE(r->hdr->write_index) != r->priv;
}

/* Producer side: the host->guest ring ----------------------------------- */

/* Whether @total bytes fit without filling the ring completely. */
static int hvsim_ring_fits(struct hvsim_ring *r, u32 total)
{
	u32 rd = READ_ONCE(r->hdr->read_index);

	if (!hvsim_index_ok(r, rd))
		return hvsim_ring_fail(r, "read_index out of range or unaligned");
	return r->size - hvsim_dist(r, rd, r->priv) > total ? 0 : -ENOSPC;
}

/**
 * hvsim_ring_free() - bytes the host may still write into a ring
 * @r: the host->guest ring
 *
 * Return: the free bytes, 0 if the guest's read_index is invalid.
 */
u32 hvsim_ring_free(struct hvsim_ring *r)
{
	u32 rd = READ_ONCE(r->hdr->read_index);

	return hvsim_index_ok(r, rd) ? r->size - hvsim_dist(r, rd, r->priv) : 0;
}

/**
 * hvsim_ring_room() - check that a packet fits, or wait for the guest
 * @r: the host->guest ring
 * @len: packet bytes without padding and trailer
 *
 * If it does not fit, pending_send_sz is set to the packet's size with its
 * trailer, and the guest signals the host once more than that is free.
 *
 * Return: 0, -ENOSPC (wait for the guest's signal), -E2BIG (can never fit)
 * or -EIO.
 */
int hvsim_ring_room(struct hvsim_ring *r, u32 len)
{
	u32 total = ALIGN(len, 8) + HV_RING_TRAILER_SIZE;
	int ret;

	if (len >= r->size || total >= r->size)
		return -E2BIG;
	ret = hvsim_ring_fits(r, total);
	if (ret != -ENOSPC)
		goto out;
	WRITE_ONCE(r->hdr->pending_send_sz, total);
	/* Set the request before re-checking, as the guest may just have read. */
	smp_mb();
	ret = hvsim_ring_fits(r, total);
out:
	if (!ret && READ_ONCE(r->hdr->pending_send_sz))
		WRITE_ONCE(r->hdr->pending_send_sz, 0);
	return ret;
}

/**
 * hvsim_ring_write() - write one packet, zero-padded to 8 bytes
 * @r: the host->guest ring of a channel (chan->out)
 * @kv: the packet's pieces, starting with its descriptor
 * @nkv: number of pieces
 * @signal: set to true if the guest must be signalled
 *
 * Through the host fuzzer while that is on.
 *
 * Return: 0, -ENOSPC, -E2BIG or -EIO as for hvsim_ring_room().
 */
int hvsim_ring_write(struct hvsim_ring *r, const struct kvec *kv,
		     unsigned int nkv, bool *signal)
{
	if (hvsim_fuzz_on())
		return hvsim_fuzz_ring_write(r, kv, nkv, signal);
	return hvsim_ring_write_raw(r, kv, nkv, signal);
}

/**
 * hvsim_ring_write_raw() - hvsim_ring_write() without the fuzzer
 * @r: the host->guest ring
 * @kv: the packet's pieces, starting with its descriptor
 * @nkv: number of pieces
 * @signal: set to true if the guest must be signalled
 *
 * Return: as hvsim_ring_write().
 */
int hvsim_ring_write_raw(struct hvsim_ring *r, const struct kvec *kv,
			 unsigned int nkv, bool *signal)
{
	static const u8 zeros[8];
	u32 len = 0, old = r->priv, pos = r->priv;
	u64 trailer = (u64)old << 32;
	unsigned int i;
	int ret;

	for (i = 0; i < nkv; i++)
		len += kv[i].iov_len;
	ret = hvsim_ring_room(r, len);
	if (ret)
		return ret;
	/* The guest finished reading the space before it published it. */
	smp_mb();
	for (i = 0; i < nkv; i++)
		pos = hvsim_write_at(r, pos, kv[i].iov_base, kv[i].iov_len);
	pos = hvsim_write_at(r, pos, zeros, ALIGN(len, 8) - len);
	pos = hvsim_write_at(r, pos, &trailer, sizeof(trailer));
	/* The packet must be visible before the index that covers it. */
	smp_wmb();
	WRITE_ONCE(r->hdr->write_index, pos);
	r->priv = pos;
	/* Publish the index before deciding whether the guest sleeps. */
	smp_mb();
	if (!READ_ONCE(r->hdr->interrupt_mask) &&
	    READ_ONCE(r->hdr->read_index) == old)
		*signal = true;
	return 0;
}

/**
 * hvsim_ring_corrupt_index() - fault injection: publish an invalid index
 * @r: the host->guest ring
 */
void hvsim_ring_corrupt_index(struct hvsim_ring *r)
{
	/* Like a real index update: after the packets. */
	smp_wmb();
	WRITE_ONCE(r->hdr->write_index, r->size + 8);
}

/**
 * hvsim_ring_show() - both rings' shared indices, for the devices file
 * @s: the file
 * @chan: an open channel
 *
 * " in=READ/WRITE out=READ/WRITE" with, for each ring, its consumer's
 * interrupt mask and its producer's pending_send_sz: a stalled channel
 * shows which side stopped.
 */
void hvsim_ring_show(struct seq_file *s, struct hvsim_chan *chan)
{
	const struct hvsim_ring *r[2] = { &chan->in, &chan->out };
	unsigned int i;

	for (i = 0; i < 2; i++)
		seq_printf(s, " %s=%u/%u,mask=%u,pend=%u", i ? "out" : "in",
			   READ_ONCE(r[i]->hdr->read_index),
			   READ_ONCE(r[i]->hdr->write_index),
			   READ_ONCE(r[i]->hdr->interrupt_mask),
			   READ_ONCE(r[i]->hdr->pending_send_sz));
}
