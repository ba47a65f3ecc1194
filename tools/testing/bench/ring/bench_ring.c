// SPDX-License-Identifier: GPL-2.0-only
/*
 * Userspace throughput of drivers/vmbus/ring.c: a producer thread and a
 * busy-polling consumer thread (pinned to different CPUs when there are
 * two) pass inband packets through a 256 KiB ring, the producer with
 * hv_ring_write(), the consumer with peek + copy_out + advance and a commit
 * every 64 packets or whenever the ring runs dry.  The ceiling printed next
 * to it is a single thread memcpy()ing the same payloads into a 256 KiB
 * buffer; the ring copies every byte twice, once on each CPU.  Small
 * packets are bound by cache-line transfers between the CPUs (the indices
 * share one line), so the cross-CPU round trip is printed too, and so is
 * the rate of one thread that writes and reads alternately (the cost of
 * the ring code itself, without any cache-line transfer).
 *
 * Usage: bench_ring [seconds-per-size [payload-size...]]
 * (default sizes 64, 1500 and 16384 bytes, at most 65536)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/kernel.h>

#include "ring.h"

#define RING_SIZE	(256 * 1024)
#define MAX_PAYLOAD	(64 * 1024)
#define COMMIT_EVERY	64
#define STOP_ID		(~0ull)

struct bench {
	struct hv_ring_buffer *hdr;
	u8 *data;
	struct hv_ring tx;
	struct hv_ring rx;
	u32 len;
	double seconds;
	u64 packets;
	int ncpus;
};

void shim_warn(const char *file, int line, const char *cond)
{
	fprintf(stderr, "WARN_ON_ONCE(%s) at %s:%d\n", cond, file, line);
	abort();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool one_cpu;

static void cpu_relax(void)
{
	if (one_cpu)
		sched_yield();
	else
		__builtin_ia32_pause();
}

static void pin(int cpu, int ncpus)
{
	cpu_set_t set;

	if (ncpus < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void send_one(struct bench *b, struct kvec *kv, u64 id)
{
	struct vmpacket_descriptor *desc = kv[0].iov_base;
	bool signal;
	int ret;

	desc->trans_id = id;
	while ((ret = hv_ring_write(&b->tx, kv, 3, &signal)) == -EAGAIN)
		cpu_relax();
	if (ret) {
		fprintf(stderr, "hv_ring_write: %d\n", ret);
		exit(1);
	}
}

static void *producer(void *arg)
{
	static u8 payload[MAX_PAYLOAD], pad[8];
	struct bench *b = arg;
	struct vmpacket_descriptor desc = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = 2,
		.len8 = (sizeof(desc) + ALIGN(b->len, 8)) / 8,
	};
	struct kvec kv[3] = {
		{ &desc, sizeof(desc) },
		{ payload, b->len },
		{ pad, ALIGN(b->len, 8) - b->len },
	};
	double end = now() + b->seconds;
	u64 id = 0;

	pin(0, b->ncpus);
	memset(payload, 0x5a, sizeof(payload));
	do {
		unsigned int i;

		for (i = 0; i < 256; i++)
			send_one(b, kv, id++);
	} while (now() < end);
	send_one(b, kv, STOP_ID);
	return NULL;
}

static void *consumer(void *arg)
{
	static u8 buf[MAX_PAYLOAD + 8];
	struct vmpacket_descriptor desc;
	struct bench *b = arg;
	u64 n = 0;
	int ret;

	pin(1, b->ncpus);
	for (;;) {
		ret = hv_ring_peek(&b->rx, &desc);
		if (ret == -EAGAIN) {
			hv_ring_commit(&b->rx);
			cpu_relax();
			continue;
		}
		if (ret) {
			fprintf(stderr, "hv_ring_peek: %d\n", ret);
			exit(1);
		}
		if (desc.trans_id == STOP_ID)
			break;
		hv_ring_copy_out(&b->rx, desc.offset8 * 8u, buf,
				 (desc.len8 - desc.offset8) * 8u);
		hv_ring_advance(&b->rx);
		if (++n % COMMIT_EVERY == 0)
			hv_ring_commit(&b->rx);
	}
	hv_ring_advance(&b->rx);
	hv_ring_commit(&b->rx);
	b->packets = n;
	return NULL;
}

static u64 pingpong_line __attribute__((aligned(64)));

#define PINGPONG_ROUNDS	200000

static void *pingpong_peer(void *arg)
{
	u64 i;

	pin(1, *(int *)arg);
	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		while (READ_ONCE(pingpong_line) != 2 * i + 1)
			cpu_relax();
		WRITE_ONCE(pingpong_line, 2 * i + 2);
	}
	return NULL;
}

/* Return: nanoseconds for a cache line to go to the other CPU and back. */
static double bench_pingpong(int ncpus)
{
	pthread_t peer;
	double start;
	u64 i;

	if (pthread_create(&peer, NULL, pingpong_peer, &ncpus))
		abort();
	pin(0, ncpus);
	start = now();
	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		WRITE_ONCE(pingpong_line, 2 * i + 1);
		while (READ_ONCE(pingpong_line) != 2 * i + 2)
			cpu_relax();
	}
	start = now() - start;
	pthread_join(peer, NULL);
	return start / PINGPONG_ROUNDS * 1e9;
}

/* Return: packets per second through the ring. */
static double bench_ring(u32 len, double seconds, int ncpus)
{
	struct bench b = { .len = len, .seconds = seconds, .ncpus = ncpus };
	pthread_t prod, cons;
	double start;

	b.hdr = calloc(1, sizeof(*b.hdr));
	b.data = calloc(1, RING_SIZE);
	if (!b.hdr || !b.data)
		abort();
	hv_ring_init(&b.tx, b.hdr, b.data, RING_SIZE);
	hv_ring_init(&b.rx, b.hdr, b.data, RING_SIZE);
	start = now();
	if (pthread_create(&cons, NULL, consumer, &b) ||
	    pthread_create(&prod, NULL, producer, &b))
		abort();
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	start = now() - start;
	free(b.hdr);
	free(b.data);
	return b.packets / start;
}

/* Return: packets per second when one thread writes and reads in turn. */
static double bench_one_thread(u32 len, double seconds)
{
	static u8 payload[MAX_PAYLOAD], pad[8], buf[MAX_PAYLOAD + 8];
	struct vmpacket_descriptor desc = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = 2,
		.len8 = (sizeof(desc) + ALIGN(len, 8)) / 8,
	};
	struct kvec kv[3] = {
		{ &desc, sizeof(desc) },
		{ payload, len },
		{ pad, ALIGN(len, 8) - len },
	};
	struct hv_ring_buffer *hdr = calloc(1, sizeof(*hdr));
	u8 *data = calloc(1, RING_SIZE);
	struct hv_ring tx, rx;
	double start = now(), t;
	bool signal;
	u64 n = 0;

	if (!hdr || !data)
		abort();
	hv_ring_init(&tx, hdr, data, RING_SIZE);
	hv_ring_init(&rx, hdr, data, RING_SIZE);
	do {
		unsigned int i;

		for (i = 0; i < 256; i++) {
			if (hv_ring_write(&tx, kv, 3, &signal) ||
			    hv_ring_peek(&rx, &desc))
				abort();
			hv_ring_copy_out(&rx, 16, buf, ALIGN(len, 8));
			hv_ring_advance(&rx);
			hv_ring_commit(&rx);
		}
		n += 256;
		t = now() - start;
	} while (t < seconds);
	free(hdr);
	free(data);
	return n / t;
}

/* Return: bytes per second of memcpy() of @len-byte pieces. */
static double bench_memcpy(u32 len, double seconds)
{
	static u8 src[MAX_PAYLOAD], dst[RING_SIZE];
	double start = now(), t;
	u64 n = 0;
	u32 at = 0;

	memset(src, 0x5a, sizeof(src));
	do {
		unsigned int i;

		for (i = 0; i < 1024; i++) {
			if (at + len > sizeof(dst))
				at = 0;
			memcpy(dst + at, src, len);
			__asm__ __volatile__("" ::: "memory");
			at += ALIGN(len, 8) + 24;	/* packet stride */
		}
		n += 1024;
		t = now() - start;
	} while (t < seconds);
	return (double)n * len / t;
}

int main(int argc, char **argv)
{
	static u32 sizes[32] = { 64, 1500, 16384 };
	double seconds = argc > 1 ? atof(argv[1]) : 1.5;
	unsigned int i, nsizes = 3;
	cpu_set_t set;
	int ncpus;

	if (argc > 2) {
		for (nsizes = 0; nsizes + 2 < (unsigned int)argc &&
		     nsizes < ARRAY_SIZE(sizes); nsizes++) {
			sizes[nsizes] = strtoul(argv[nsizes + 2], NULL, 0);
			if (!sizes[nsizes] || sizes[nsizes] > MAX_PAYLOAD) {
				fprintf(stderr, "size %s: 1 to %u\n",
					argv[nsizes + 2], MAX_PAYLOAD);
				return 1;
			}
		}
	}

	sched_getaffinity(0, sizeof(set), &set);
	ncpus = CPU_COUNT(&set);
	one_cpu = ncpus < 2;
	printf("# ring %u KiB, %.1f s per size, %s, busy-polling consumer, commit every %u packets or when empty\n",
	       RING_SIZE / 1024, seconds,
	       ncpus >= 2 ? "threads pinned to CPUs 0 and 1" :
			    "one CPU: threads share it",
	       COMMIT_EVERY);
	if (!one_cpu)
		printf("# cache line round trip between the two CPUs: %.0f ns\n",
		       bench_pingpong(ncpus));
	printf("# memcpy: one thread, same payload size; the ring copies each byte twice (in and out)\n");
	printf("# 1-thread: one thread writing and reading in turn, no cross-CPU traffic\n");
	printf("%8s %14s %10s %12s %7s %16s\n", "size", "packets/s", "GB/s",
	       "memcpy GB/s", "ratio", "1-thread pkt/s");
	for (i = 0; i < nsizes; i++) {
		double pps = bench_ring(sizes[i], seconds, ncpus);
		double gbs = pps * sizes[i] / 1e9;
		double mem = bench_memcpy(sizes[i], seconds / 3) / 1e9;
		double one = bench_one_thread(sizes[i], seconds / 3);

		printf("%8u %14.0f %10.2f %12.2f %7.2f %16.0f\n", sizes[i], pps,
		       gbs, mem, gbs / mem, one);
	}
	return 0;
}
