/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One direction of a VMBus ring buffer: the pure index arithmetic, with no
 * knowledge of channels or signalling.  Compiled into hv_vmbus and into the
 * userspace unit tests (tools/testing/unit).
 */
#ifndef _HVG_RING_H
#define _HVG_RING_H

#include <linux/types.h>
#include <linux/uio.h>
#include <hvguest/vmbus_proto.h>

/**
 * struct hv_ring - one direction of a ring buffer
 * @hdr: the shared control page
 * @data: the shared data area
 * @size: bytes in the data area
 * @priv_read: consumer: read index not yet published to @hdr
 * @cur_len: consumer: bytes (with trailer) of the packet last peeked, or 0
 */
struct hv_ring {
	struct hv_ring_buffer *hdr;
	u8 *data;
	u32 size;
	u32 priv_read;
	u32 cur_len;
};

void hv_ring_init(struct hv_ring *ring, struct hv_ring_buffer *hdr,
		  void *data, u32 size);
u32 hv_ring_bytes_to_read(const struct hv_ring *ring);
u32 hv_ring_bytes_to_write(const struct hv_ring *ring);
u32 hv_ring_bytes_used(const struct hv_ring *ring);

/* Producer side */
int hv_ring_write(struct hv_ring *ring, const struct kvec *kv,
		  unsigned int kvcnt, bool *signal);

/* Consumer side */
int hv_ring_peek(struct hv_ring *ring, struct vmpacket_descriptor *desc);
int hv_ring_peek_next(struct hv_ring *ring, struct vmpacket_descriptor *desc,
		      bool *signal);
void hv_ring_copy_out(const struct hv_ring *ring, u32 skip, void *buf,
		      u32 len);
void hv_ring_copy_packet(const struct hv_ring *ring,
			 const struct vmpacket_descriptor *desc, u32 skip,
			 void *buf, u32 len);
void hv_ring_advance(struct hv_ring *ring);
bool hv_ring_commit(struct hv_ring *ring);
u32 hv_ring_unmask(struct hv_ring *ring);
void hv_ring_mask(struct hv_ring *ring);

#endif /* _HVG_RING_H */
