/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny TAP test runner for the userspace unit tests.  Every test runs in
 * its own child process, so a sanitizer abort or a hang fails that test only.
 */
#ifndef _UNIT_H
#define _UNIT_H

#include <stdio.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/kernel.h>

#include "ring.h"

struct unit_test {
	const char *name;
	int (*fn)(void);
	/* Set for a known bug: the failure is reported as TAP "# TODO". */
	const char *todo;
};

#define UNIT_TEST(fn)		{ #fn, fn, NULL }
#define UNIT_TODO(fn, why)	{ #fn, fn, why }

extern const struct unit_test ring_tests[];
extern const struct unit_test ring_stress_tests[];
extern const struct unit_test msg_tests[];
extern const struct unit_test own_tests[];

/* Number of WARN_ON_ONCE() hits in this process. */
extern unsigned int unit_warnings;

void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define EXPECT(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		unit_fail(__FILE__, __LINE__, "%s: " fmt, #cond,	\
			  ##__VA_ARGS__);				\
		return -1;						\
	}								\
} while (0)

#define EXPECT_EQ(a, b) do {						\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (__a != __b) {						\
		unit_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld",	\
			  #a, #b, __a, __b);				\
		return -1;						\
	}								\
} while (0)

/* Propagate the failure of a helper that already reported it. */
#define TRY(expr) do {							\
	if ((expr) < 0)							\
		return -1;						\
} while (0)

/* A producer view and a consumer view of one freshly allocated ring. */
struct test_ring {
	struct hv_ring_buffer *hdr;
	u8 *data;
	u32 size;
	struct hv_ring tx;
	struct hv_ring rx;
};

#define PKT_HDR		sizeof(struct vmpacket_descriptor)
#define PKT_PAD(len)	(((len) + 7u) & ~7u)
#define PKT_TOTAL(len)	(PKT_HDR + PKT_PAD(len) + HV_RING_TRAILER_SIZE)

void tr_init(struct test_ring *tr, u32 size);
void tr_free(struct test_ring *tr);
int tr_send(struct test_ring *tr, u64 seq, const void *buf, u32 len,
	    bool *signal);
int tr_recv(struct test_ring *tr, struct vmpacket_descriptor *desc,
	    void *buf, u32 bufsize, u32 *len);
void fill_payload(u8 *buf, u32 len, u64 seq);
long check_payload(const u8 *buf, u32 len, u64 seq);

#endif /* _UNIT_H */
