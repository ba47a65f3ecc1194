// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ring buffer index arithmetic for one direction of a VMBus channel.
 *
 * The data area is a circular byte array; write_index and read_index in the
 * shared control page are byte offsets into it.  The producer owns
 * write_index, the consumer owns read_index; each only reads the other's.
 * The ring is never filled completely, so equal indices mean "empty".
 *
 * The consumer works on a private read index and publishes it once per
 * batch (hv_ring_commit()), which saves cache-line traffic and lets the
 * producer see freed space in bulk.
 *
 * Both indices are written by the other side and therefore untrusted: every
 * index read from the shared page is range-checked before use.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <asm/barrier.h>

#include "ring.h"

static bool hv_ring_index_ok(const struct hv_ring *ring, u32 idx)
{
	return idx < ring->size && !(idx & 7);
}

void hv_ring_init(struct hv_ring *ring, struct hv_ring_buffer *hdr,
		  void *data, u32 size)
{
	u32 r = READ_ONCE(hdr->read_index);

	ring->hdr = hdr;
	ring->data = data;
	ring->size = size;
	ring->priv_read = hv_ring_index_ok(ring, r) ? r : 0;
	ring->cur_len = 0;
}

/* Bytes between @from and @to going forward around the ring. */
static u32 hv_ring_dist(const struct hv_ring *ring, u32 from, u32 to)
{
	return to >= from ? to - from : ring->size - from + to;
}

/**
 * hv_ring_bytes_to_read() - bytes the producer has published past our
 * private read index
 * @ring: consumer side of a ring
 *
 * Return: the byte count, or 0 if the producer's index is out of range.
 */
u32 hv_ring_bytes_to_read(const struct hv_ring *ring)
{
	u32 w = READ_ONCE(ring->hdr->write_index);

	if (!hv_ring_index_ok(ring, w))
		return 0;
	return hv_ring_dist(ring, ring->priv_read, w);
}

/**
 * hv_ring_bytes_used() - bytes between the published indices
 * @ring: either side of a ring
 *
 * Return: what the producer wrote and the consumer has not yet released,
 * or 0 if an index is out of range.
 */
u32 hv_ring_bytes_used(const struct hv_ring *ring)
{
	u32 w = READ_ONCE(ring->hdr->write_index);
	u32 r = READ_ONCE(ring->hdr->read_index);

	if (!hv_ring_index_ok(ring, r) || !hv_ring_index_ok(ring, w))
		return 0;
	return hv_ring_dist(ring, r, w);
}

/**
 * hv_ring_bytes_to_write() - free bytes for the producer
 * @ring: producer side of a ring
 *
 * Return: the byte count (the ring can take one byte less than this without
 * becoming ambiguous), or 0 if the consumer's index is out of range.
 */
u32 hv_ring_bytes_to_write(const struct hv_ring *ring)
{
	u32 w = READ_ONCE(ring->hdr->write_index);
	u32 r = READ_ONCE(ring->hdr->read_index);

	if (!hv_ring_index_ok(ring, r) || !hv_ring_index_ok(ring, w))
		return 0;
	return ring->size - hv_ring_dist(ring, r, w);
}

static u32 hv_ring_copy_in(struct hv_ring *ring, u32 at, const void *src,
			   u32 len)
{
	u32 first = min(len, ring->size - at);

	memcpy(ring->data + at, src, first);
	memcpy(ring->data, (const u8 *)src + first, len - first);
	at += len;
	return at >= ring->size ? at - ring->size : at;
}

/**
 * hv_ring_write() - append one packet
 * @ring: producer side of a ring
 * @kv: the packet's pieces; the first must start with its descriptor and
 *	the total must be a multiple of 8 bytes
 * @kvcnt: number of pieces
 * @signal: set to true when the consumer must be signalled
 *
 * Appends the pieces and the 8-byte trailer, then publishes the new write
 * index.
 *
 * Return: 0, -EAGAIN if the ring lacks room, -EINVAL for a packet that can
 * never fit or is misaligned, -EPROTO if the consumer's index is corrupt.
 */
int hv_ring_write(struct hv_ring *ring, const struct kvec *kv,
		  unsigned int kvcnt, bool *signal)
{
	size_t total = HV_RING_TRAILER_SIZE;
	u32 old_w, w, r;
	u64 trailer;
	unsigned int i;

	for (i = 0; i < kvcnt; i++) {
		if (kv[i].iov_len >= ring->size)
			return -EINVAL;
		total += kv[i].iov_len;
	}
	if ((total & 7) || total >= ring->size ||
	    total < sizeof(struct vmpacket_descriptor) + HV_RING_TRAILER_SIZE)
		return -EINVAL;

	old_w = READ_ONCE(ring->hdr->write_index);
	r = READ_ONCE(ring->hdr->read_index);
	if (!hv_ring_index_ok(ring, r) || !hv_ring_index_ok(ring, old_w))
		return -EPROTO;
	/* Strictly more room than needed: a full ring would look empty. */
	if (ring->size - hv_ring_dist(ring, r, old_w) <= total)
		return -EAGAIN;

	/* The free space must be seen before we overwrite it. */
	virt_mb();

	w = old_w;
	for (i = 0; i < kvcnt; i++)
		w = hv_ring_copy_in(ring, w, kv[i].iov_base, kv[i].iov_len);
	trailer = (u64)old_w << 32;
	w = hv_ring_copy_in(ring, w, &trailer, sizeof(trailer));

	/* The packet's bytes must be visible before the index that covers them. */
	virt_wmb();
	WRITE_ONCE(ring->hdr->write_index, w);

	/*
	 * Pairs with the consumer's barrier between clearing interrupt_mask and
	 * re-reading write_index: either it sees our index or we see its mask.
	 */
	virt_mb();
	*signal = !READ_ONCE(ring->hdr->interrupt_mask) &&
		  old_w == READ_ONCE(ring->hdr->read_index);
	return 0;
}

/**
 * hv_ring_peek() - look at the next packet without consuming it
 * @ring: consumer side of a ring
 * @desc: filled with the packet's descriptor
 *
 * On success the packet's length is remembered for hv_ring_copy_out() and
 * hv_ring_advance().
 *
 * Return: 0, -EAGAIN if no complete packet is available, -EPROTO if the
 * producer's index or the descriptor is malformed.
 */
int hv_ring_peek(struct hv_ring *ring, struct vmpacket_descriptor *desc)
{
	u32 w = READ_ONCE(ring->hdr->write_index);
	u32 avail, len;

	ring->cur_len = 0;
	if (!hv_ring_index_ok(ring, w))
		return -EPROTO;
	avail = hv_ring_dist(ring, ring->priv_read, w);
	if (!avail)
		return -EAGAIN;
	if (avail < sizeof(*desc) + HV_RING_TRAILER_SIZE)
		return -EPROTO;

	/* The index was read before the data it covers. */
	virt_rmb();
	ring->cur_len = sizeof(*desc);
	hv_ring_copy_out(ring, 0, desc, sizeof(*desc));

	len = (u32)desc->len8 << 3;
	if (desc->offset8 < sizeof(*desc) / 8 ||
	    ((u32)desc->offset8 << 3) > len ||
	    len + HV_RING_TRAILER_SIZE > avail) {
		ring->cur_len = 0;
		return -EPROTO;
	}
	ring->cur_len = len + HV_RING_TRAILER_SIZE;
	return 0;
}

/**
 * hv_ring_peek_next() - peek, publishing the read index before "empty"
 * @ring: consumer side of a ring
 * @desc: filled with the packet's descriptor
 * @signal: set to true when the producer must be signalled (the commit
 *	freed the room it waits for); left alone otherwise
 *
 * The producer signals only when it writes into a ring it sees empty, and
 * it judges that from the published read index.  While that index lags
 * behind what was consumed, a packet added now raises no signal; so before
 * reporting an empty ring the read index is published and the ring looked
 * at again.  A consumer that stops on -EAGAIN from here is signalled for
 * the next packet.
 *
 * Return: as for hv_ring_peek().
 */
int hv_ring_peek_next(struct hv_ring *ring, struct vmpacket_descriptor *desc,
		      bool *signal)
{
	int ret = hv_ring_peek(ring, desc);

	if (ret != -EAGAIN || READ_ONCE(ring->hdr->read_index) == ring->priv_read)
		return ret;
	/* hv_ring_commit() orders the index update before the new look. */
	if (hv_ring_commit(ring))
		*signal = true;
	return hv_ring_peek(ring, desc);
}

/**
 * hv_ring_copy_out() - copy bytes of the packet last peeked
 * @ring: consumer side of a ring
 * @skip: offset into the packet
 * @buf: destination
 * @len: bytes to copy; @skip + @len must lie within the packet
 */
void hv_ring_copy_out(const struct hv_ring *ring, u32 skip, void *buf,
		      u32 len)
{
	u32 at = ring->priv_read + skip, first;

	if (WARN_ON_ONCE(skip + len > ring->cur_len || skip + len < skip))
		return;
	if (at >= ring->size)
		at -= ring->size;
	first = min(len, ring->size - at);
	memcpy(buf, ring->data + at, first);
	memcpy((u8 *)buf + first, ring->data, len - first);
}

/**
 * hv_ring_copy_packet() - copy out the packet last peeked, as it was checked
 * @ring: consumer side of a ring
 * @desc: the descriptor hv_ring_peek() checked
 * @skip: offset into the packet: 0 for the whole packet, descriptor
 *	included, or the payload offset (@desc->offset8 * 8)
 * @buf: destination
 * @len: bytes to copy; @skip + @len must lie within the packet
 *
 * The copy reads the packet from shared memory again, where the producer
 * may have changed the descriptor since it was checked: the descriptor
 * bytes handed over are those of @desc, never the ones read a second time.
 */
void hv_ring_copy_packet(const struct hv_ring *ring,
			 const struct vmpacket_descriptor *desc, u32 skip,
			 void *buf, u32 len)
{
	hv_ring_copy_out(ring, skip, buf, len);
	if (skip < sizeof(*desc))
		memcpy(buf, (const u8 *)desc + skip,
		       min_t(u32, len, sizeof(*desc) - skip));
}

/**
 * hv_ring_advance() - consume the packet last peeked (privately)
 * @ring: consumer side of a ring
 */
void hv_ring_advance(struct hv_ring *ring)
{
	ring->priv_read += ring->cur_len;
	if (ring->priv_read >= ring->size)
		ring->priv_read -= ring->size;
	ring->cur_len = 0;
}

/**
 * hv_ring_commit() - publish what was consumed since the last commit
 * @ring: consumer side of a ring
 *
 * Return: true if the producer asked (through pending_send_sz) to be told
 * when this much room is free and this commit crossed that threshold.
 */
bool hv_ring_commit(struct hv_ring *ring)
{
	u32 old_r = READ_ONCE(ring->hdr->read_index);
	u32 w, pending, before, after;

	if (old_r == ring->priv_read)
		return false;

	/* Our reads of the packets must finish before the space is freed. */
	virt_mb();
	WRITE_ONCE(ring->hdr->read_index, ring->priv_read);

	/* Pairs with the producer's barrier after setting pending_send_sz. */
	virt_mb();
	if (!(READ_ONCE(ring->hdr->feature_bits) & HV_RING_FEAT_PENDING_SEND_SZ))
		return false;
	pending = READ_ONCE(ring->hdr->pending_send_sz);
	if (!pending)
		return false;
	w = READ_ONCE(ring->hdr->write_index);
	if (!hv_ring_index_ok(ring, w) || !hv_ring_index_ok(ring, old_r))
		return true;	/* let the producer find out itself */
	before = ring->size - hv_ring_dist(ring, old_r, w);
	after = ring->size - hv_ring_dist(ring, ring->priv_read, w);
	return before <= pending && after > pending;
}

/**
 * hv_ring_mask() - tell the producer not to signal us
 * @ring: consumer side of a ring
 */
void hv_ring_mask(struct hv_ring *ring)
{
	WRITE_ONCE(ring->hdr->interrupt_mask, 1);
	/* The mask must be visible before we look at the ring again. */
	virt_mb();
}

/**
 * hv_ring_unmask() - ask the producer to signal us again
 * @ring: consumer side of a ring
 *
 * Return: bytes already waiting; when non-zero the caller must keep reading
 * because the producer may have skipped the signal.
 */
u32 hv_ring_unmask(struct hv_ring *ring)
{
	WRITE_ONCE(ring->hdr->interrupt_mask, 0);
	/* Pairs with the producer's barrier before it checks interrupt_mask. */
	virt_mb();
	return hv_ring_bytes_to_read(ring);
}
