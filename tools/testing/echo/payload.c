// SPDX-License-Identifier: GPL-2.0-only
/*
 * Echo payloads.  Packet number seq carries the first len bytes of the
 * stream "header, pattern": the 16-byte header {u64 seq; u32 len; u32 chan}
 * (little-endian) followed by 64-bit words that are a function of seq only,
 * so a completion can be checked without keeping a copy of what was sent.
 */
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "echo.h"

#define ECHO_WEYL	0x9e3779b97f4a7c15ULL

/* A 64-bit finaliser (splitmix64 constants): spreads every input bit. */
static u64 echo_mix(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Payload length of packet seq: the first two packets use the extremes,
 * the rest are spread pseudo-randomly over [minlen, maxlen].
 */
u32 echo_len(const struct echo_params *p, u64 seq)
{
	u32 span = p->maxlen - p->minlen;

	if (!span || seq == 1)
		return p->minlen;
	if (seq == 0)
		return p->maxlen;
	return p->minlen + (u32)(echo_mix(seq ^ 0x5eed) >> 32) % (span + 1);
}

bool echo_is_gpa(const struct echo_params *p, u64 seq)
{
	return p->mode == ECHO_GPA || (p->mode == ECHO_MIXED && (seq & 1));
}

static void echo_header(u8 *hdr, u64 seq, u32 chan, u32 len)
{
	__le64 s = cpu_to_le64(seq);
	__le32 l = cpu_to_le32(len), c = cpu_to_le32(chan);

	memcpy(hdr, &s, sizeof(s));
	memcpy(hdr + 8, &l, sizeof(l));
	memcpy(hdr + 12, &c, sizeof(c));
}

/* Store or compare the first @n (at most 8) bytes of word @v at @p. */
static void echo_put(u8 *p, u64 v, u32 n)
{
	__le64 w = cpu_to_le64(v);

	memcpy(p, &w, n);
}

static bool echo_same(const u8 *p, u64 v, u32 n)
{
	__le64 w = cpu_to_le64(v);

	return !memcmp(p, &w, n);
}

void echo_fill(void *buf, u64 seq, u32 chan, u32 len)
{
	u8 hdr[ECHO_HDR_LEN], *p = buf;
	u64 v = echo_mix(seq);
	u32 off;

	echo_header(hdr, seq, chan, len);
	memcpy(p, hdr, min_t(u32, len, ECHO_HDR_LEN));
	for (off = ECHO_HDR_LEN; off < len; off += 8) {
		v += ECHO_WEYL;
		echo_put(p + off, v, min_t(u32, len - off, 8));
	}
}

/*
 * @buf holds the completion's payload: @buflen bytes, i.e. @len rounded up
 * to the 8-byte packet alignment.
 */
bool echo_check(const void *buf, u32 buflen, u64 seq, u32 chan, u32 len)
{
	u8 hdr[ECHO_HDR_LEN];
	const u8 *p = buf;
	u64 v = echo_mix(seq);
	u32 off;

	if (buflen < len || buflen - len >= 8)
		return false;
	echo_header(hdr, seq, chan, len);
	if (memcmp(p, hdr, min_t(u32, len, ECHO_HDR_LEN)))
		return false;
	for (off = ECHO_HDR_LEN; off < len; off += 8) {
		v += ECHO_WEYL;
		if (!echo_same(p + off, v, min_t(u32, len - off, 8)))
			return false;
	}
	return true;
}

/* Describe @len bytes at @buf as one page buffer per page touched. */
u32 echo_gpa_ranges(void *buf, u32 len, struct hv_page_buffer *pb)
{
	u32 n = 0, off = 0;

	while (off < len) {
		void *p = buf + off;
		u32 in_page = offset_in_page(p);
		u32 chunk = min_t(u32, len - off, PAGE_SIZE - in_page);

		pb[n].pfn = is_vmalloc_addr(p) ? vmalloc_to_pfn(p) :
						 PHYS_PFN(virt_to_phys(p));
		pb[n].offset = in_page;
		pb[n].len = chunk;
		n++;
		off += chunk;
	}
	return n;
}

/* Bytes of a packet with @body bytes after the descriptor, in the ring. */
static u32 echo_ring_bytes(u32 body)
{
	return sizeof(struct vmpacket_descriptor) + ALIGN(body, 8) +
	       HV_RING_TRAILER_SIZE;
}

static bool echo_fits(u32 pkt, u32 ring_data)
{
	/* The producer must leave at least one byte free. */
	return pkt < ring_data;
}

int echo_params_check(const struct echo_params *p, unsigned int nchans)
{
	u32 pages;

	if (!p->count || p->count > ECHO_MAX_COUNT)
		return -EINVAL;
	if (!p->minlen || p->minlen > p->maxlen)
		return -EINVAL;
	if (!p->nchan || p->nchan > nchans)
		return -EINVAL;
	if (!p->qd || p->qd > ECHO_MAX_QD)
		return -EINVAL;
	/* Every completion echoes the payload back. */
	if (!echo_fits(echo_ring_bytes(p->maxlen), echo_recv_data_bytes()))
		return -EINVAL;
	if (p->mode != ECHO_GPA &&
	    !echo_fits(echo_ring_bytes(p->maxlen), echo_send_data_bytes()))
		return -EINVAL;
	if (p->mode != ECHO_INBAND) {
		/* worst case: the payload starts anywhere in the first page */
		pages = DIV_ROUND_UP(p->maxlen + PAGE_SIZE - 1, PAGE_SIZE);
		if (pages > ECHO_MAX_RANGES)
			return -EINVAL;
		if (!echo_fits(sizeof(struct vmbus_packet_page_buffer) +
			       pages * sizeof(struct hv_page_buffer) +
			       HV_RING_TRAILER_SIZE, echo_send_data_bytes()))
			return -EINVAL;
	}
	return 0;
}
