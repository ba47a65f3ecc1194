/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's host fuzzer: seeded, reproducible mutation of what the host sends
 * the guest (channel messages, ring packets, receive-buffer messages).
 * Controls in debugfs hvsim/fuzz/, see README.rst.
 */
#ifndef _HVSIM_FUZZ_H
#define _HVSIM_FUZZ_H

#include "hvsim.h"

extern bool hvsim_fuzz_enabled;

/* Whether the send paths must go through the fuzzer. */
static inline bool hvsim_fuzz_on(void)
{
	return READ_ONCE(hvsim_fuzz_enabled);
}

void hvsim_fuzz_init(struct dentry *parent);
void hvsim_fuzz_stop(void);
void hvsim_fuzz_free(void);
void hvsim_fuzz_msg(struct hvsim_msg *m, void (*queue)(struct hvsim_msg *m));
int hvsim_fuzz_ring_write(struct hvsim_ring *r, const struct kvec *kv,
			  unsigned int nkv, bool *signal);
void hvsim_fuzz_shared(struct hvsim_chan *chan, void *buf, u32 len);

/* ring.c: the write the fuzzer wraps */
int hvsim_ring_write_raw(struct hvsim_ring *r, const struct kvec *kv,
			 unsigned int nkv, bool *signal);

#endif /* _HVSIM_FUZZ_H */
