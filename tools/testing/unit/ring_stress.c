// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two threads pass a million packets of varying size through a 64 KiB ring
 * and check their order and content.  Both sides sleep instead of spinning:
 * the consumer waits for the producer's signal (interrupt_mask protocol),
 * the producer for the consumer's pending_send_sz signal, so a lost wakeup
 * in either protocol hangs the test until its timeout.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/compiler.h>
#include <asm/barrier.h>

#include "unit.h"

#define STRESS_PACKETS	1000000
#define STRESS_RING	(64 * 1024)
#define STRESS_MAX	9000
#define STRESS_BATCH	16	/* packets per commit at most */

struct stress {
	struct test_ring tr;
	sem_t data_ready;	/* the producer's signal */
	sem_t room_ready;	/* the consumer's pending_send_sz signal */
	unsigned long signals, wakeups, waits, room_signals;
};

static u32 stress_len(u64 seq)
{
	if (seq % 997 == 0)
		return STRESS_MAX;
	return (u32)(seq * 2654435761u) >> 23;	/* 0..511 */
}

static void stress_fail(const char *what, u64 seq, long val)
{
	printf("# packet %llu: %s (%ld)\n", (unsigned long long)seq, what, val);
	fflush(stdout);
	_exit(1);
}

/* Write one packet, sleeping while the ring is full. */
static void stress_send(struct stress *s, u64 seq, const u8 *buf, u32 len)
{
	bool signal;
	int ret;

	while ((ret = tr_send(&s->tr, seq, buf, len, &signal)) == -EAGAIN) {
		WRITE_ONCE(s->tr.hdr->pending_send_sz, PKT_TOTAL(len));
		/* Pairs with hv_ring_commit() between read_index and pending. */
		virt_mb();
		ret = tr_send(&s->tr, seq, buf, len, &signal);
		if (ret != -EAGAIN)
			break;
		s->waits++;
		sem_wait(&s->room_ready);
	}
	if (ret)
		stress_fail("hv_ring_write", seq, ret);
	WRITE_ONCE(s->tr.hdr->pending_send_sz, 0);
	if (signal) {
		s->signals++;
		sem_post(&s->data_ready);
	}
}

static void *stress_producer(void *arg)
{
	struct stress *s = arg;
	static u8 buf[STRESS_MAX];
	u64 seq;

	for (seq = 0; seq < STRESS_PACKETS; seq++) {
		u32 len = stress_len(seq);

		fill_payload(buf, len, seq);
		stress_send(s, seq, buf, len);
	}
	return NULL;
}

static void stress_check(struct stress *s, u64 seq)
{
	static u8 buf[STRESS_MAX + 8];
	struct vmpacket_descriptor desc;
	u32 len = stress_len(seq), got, i;
	long bad;
	int ret;

	ret = tr_recv(&s->tr, &desc, buf, sizeof(buf), &got);
	if (ret)
		stress_fail("hv_ring_peek", seq, ret);
	if (desc.trans_id != seq)
		stress_fail("out of order: trans_id", seq, (long)desc.trans_id);
	if (desc.offset8 != 2 || got != PKT_PAD(len))
		stress_fail("bad length", seq, got);
	bad = check_payload(buf, len, seq);
	if (bad >= 0)
		stress_fail("bad payload byte", seq, bad);
	for (i = len; i < got; i++)
		if (buf[i])
			stress_fail("padding not zero", seq, i);
}

static void stress_commit(struct stress *s)
{
	if (hv_ring_commit(&s->tr.rx)) {
		s->room_signals++;
		sem_post(&s->room_ready);
	}
}

static void *stress_consumer(void *arg)
{
	struct stress *s = arg;
	struct vmpacket_descriptor desc;
	u64 seq = 0;
	int ret;

	while (seq < STRESS_PACKETS) {
		unsigned int n = 0;

		while ((ret = hv_ring_peek(&s->tr.rx, &desc)) == 0) {
			stress_check(s, seq++);
			if (++n % STRESS_BATCH == 0)
				stress_commit(s);
		}
		if (ret != -EAGAIN)
			stress_fail("hv_ring_peek", seq, ret);
		stress_commit(s);
		if (seq == STRESS_PACKETS)
			break;
		/* Sleep only if nothing arrived while we were masked. */
		if (!hv_ring_unmask(&s->tr.rx)) {
			sem_wait(&s->data_ready);
			s->wakeups++;
		}
		hv_ring_mask(&s->tr.rx);
	}
	if (hv_ring_peek(&s->tr.rx, &desc) != -EAGAIN)
		stress_fail("extra packet", seq, 0);
	return NULL;
}

static int test_ring_two_threads(void)
{
	struct stress *s = calloc(1, sizeof(*s));
	pthread_t prod, cons;

	EXPECT(s, "out of memory");
	tr_init(&s->tr, STRESS_RING);
	s->tr.hdr->feature_bits = HV_RING_FEAT_PENDING_SEND_SZ;
	sem_init(&s->data_ready, 0, 0);
	sem_init(&s->room_ready, 0, 0);
	EXPECT(!pthread_create(&cons, NULL, stress_consumer, s), "thread");
	EXPECT(!pthread_create(&prod, NULL, stress_producer, s), "thread");
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	printf("# %d packets: %lu signals, %lu consumer wakeups, %lu producer waits, %lu room signals\n",
	       STRESS_PACKETS, s->signals, s->wakeups, s->waits,
	       s->room_signals);
	EXPECT_EQ(s->tr.hdr->read_index, s->tr.hdr->write_index);
	sem_destroy(&s->data_ready);
	sem_destroy(&s->room_ready);
	tr_free(&s->tr);
	free(s);
	return 0;
}

const struct unit_test ring_stress_tests[] = {
	UNIT_TEST(test_ring_two_threads),
	{ }
};
