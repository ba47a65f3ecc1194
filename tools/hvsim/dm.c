// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory host (new_device "balloon [min_mb=N] [max_mb=N]
 * [balance=0|1] [buffer=PERCENT]").
 *
 * It accepts the guest's newest version up to the personality's, then its
 * capabilities, and records its status reports.  It takes and gives memory
 * only through the protocol: a balloon request, whose pages it records
 * (and scribbles over, as memory the host took back holds nothing the
 * guest may rely on), an unballoon request returning recorded pages, a
 * hot-add request for a range of guest-physical memory the guest does not
 * use.  One operation at a time, as the guest serves them one at a time.
 *
 * Every guest message is checked: its header size within the packet and
 * covering its type, the type one the guest sends, in turn (responses only
 * to what was asked), balloon ranges within RAM and not given twice.
 * What fails is counted in `malformed` and logged, ratelimited.
 *
 * Host limits: min_mb, the least memory the host leaves the guest (no
 * balloon request below it); max_mb, the most it gives (no hot-add above
 * it, and sent in an info message).  The guest's startup memory is
 * totalram when the device is created.
 *
 * Balancing (balance=1, or "balance 1" on ctl): on each status report that
 * came after the last operation ended, the host sets the guest's target to
 * its demand plus buffer percent of it (Hyper-V's "memory buffer",
 * Set-VMMemory -Buffer, 5 to 2000, default 20) and starts one operation
 * towards it: balloon what is above, unballoon what is below, and once the
 * balloon is empty hot-add whole 128 MiB blocks of the pool ("pool START
 * PAGES").  The demand is num_committed less the ballooned pages: Linux
 * hv_balloon.c get_pages_committed() adds them in for the host to take out
 * (post_status()); the floor and the hot-added pages not online, which it
 * adds too, are for the host to count and stay.  Gaps within HVSIM_DM_SLACK are
 * left alone; after a balloon request the guest could not fully serve,
 * no balloon for HVSIM_DM_BACKOFF.
 *
 * Control files in debugfs hvsim/dev<N>/:
 *   ctl        (write) "balloon PAGES", "unballoon PAGES",
 *              "hot_add START_PAGE PAGES"; -EBUSY while one is under way,
 *              -EOPNOTSUPP for hot-add if the guest did not offer it;
 *              "balance 0|1", "buffer PERCENT", "pool START_PAGE PAGES"
 *   state      the handshake, the host's view of the guest's memory, the
 *              last report and counters
 *   fault_*    counts, each for the next operation started with ctl:
 *              short (its request shorter than its type), bad_type
 *              (of an unknown type), bad_size (its size field past the
 *              packet), bogus_range (unballoon: pages never ballooned;
 *              hot-add: a range whose page numbers wrap past 40 bits),
 *              unsolicited (a version response nobody asked for instead),
 *              pkt_type (its request in a packet of type GPA direct, not
 *              in-band), big (its request followed by zeros to 4 KiB + 8
 *              bytes, more than the largest message)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/xarray.h>
#include <hvguest/compat.h>
#include <hvguest/dm_proto.h>

#include "hvsim.h"

#define HVSIM_DM_BUDGET		64
#define HVSIM_DM_SCRIBBLE	0x6b
#define HVSIM_DM_SLACK		(32UL << (20 - PAGE_SHIFT))	/* 32 MiB */
#define HVSIM_DM_BACKOFF	(10 * HZ)
#define HVSIM_DM_BLOCK		(128UL << (20 - PAGE_SHIFT))	/* hot-add unit */
#define HVSIM_DM_BUFFER_MIN	5	/* Set-VMMemory -Buffer's range */
#define HVSIM_DM_BUFFER_MAX	2000
#define HVSIM_DM_BUFFER_DEF	20

/*
 * The newest Dynamic Memory version each host accepts.  Linux hv_balloon.c
 * names 1.0 WIN8 (Windows Server 2012 and 2012 R2) and 2.0 WIN10 (Windows
 * 10 / Server 2016 and later).  OpenVMM has no Dynamic Memory device (no
 * such device under vm/devices): 0, the device cannot be created.
 */
static const u32 hvsim_dm_max_version[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2]	= HVG_DM_VERSION_WIN8,
	[HVSIM_PERS_WS2016]	= HVG_DM_VERSION_WIN10,
	[HVSIM_PERS_WS2019]	= HVG_DM_VERSION_WIN10,
	[HVSIM_PERS_AZURE]	= HVG_DM_VERSION_WIN10,
	[HVSIM_PERS_OPENVMM]	= 0,
};

enum hvsim_dm_fault {
	HVSIM_DM_FAULT_SHORT,
	HVSIM_DM_FAULT_BAD_TYPE,
	HVSIM_DM_FAULT_BAD_SIZE,
	HVSIM_DM_FAULT_BOGUS_RANGE,
	HVSIM_DM_FAULT_UNSOLICITED,
	HVSIM_DM_FAULT_PKT_TYPE,
	HVSIM_DM_FAULT_BIG,
	HVSIM_DM_NR_FAULTS
};

static const char *const hvsim_dm_fault_names[HVSIM_DM_NR_FAULTS] = {
	[HVSIM_DM_FAULT_SHORT]		= "fault_short",
	[HVSIM_DM_FAULT_BAD_TYPE]	= "fault_bad_type",
	[HVSIM_DM_FAULT_BAD_SIZE]	= "fault_bad_size",
	[HVSIM_DM_FAULT_BOGUS_RANGE]	= "fault_bogus_range",
	[HVSIM_DM_FAULT_UNSOLICITED]	= "fault_unsolicited",
	[HVSIM_DM_FAULT_PKT_TYPE]	= "fault_pkt_type",
	[HVSIM_DM_FAULT_BIG]		= "fault_big",
};

enum hvsim_dm_op {
	HVSIM_DM_IDLE,
	HVSIM_DM_BALLOON,	/* request to send, or response awaited */
	HVSIM_DM_UNBALLOON,
	HVSIM_DM_HOT_ADD,
};

/**
 * struct hvsim_dm - the host end of one Dynamic Memory device
 * @dev: the device
 * @lock: @chan, @op, @op_sent, @op_a, @op_b (ctl writes vs. the host
 *	workqueue)
 * @chan: the channel while open
 * @op: the operation under way
 * @op_sent: its request went out: a response is awaited
 * @op_a: balloon/unballoon: pages; hot-add: first page
 * @op_b: hot-add: pages
 * @op_bal: the operation was started by the balancing
 * @pool_next: balancing: the next page of the hot-add pool
 * @pool_end: balancing: the page after the pool
 * @max_version: the newest version the host accepts
 * @version: the accepted version, 0 before
 * @caps: the guest's capabilities, once accepted
 * @ready: capabilities accepted: operations allowed
 * @startup: the guest's memory when the device was created, pages
 * @min_pages: host limit: the least it leaves the guest
 * @max_pages: host limit: the most it gives, 0 for no limit
 * @pages: pfns the guest ballooned (host workqueue)
 * @ballooned: how many
 * @hot_added: pages the guest took in hot-add responses
 * @unb_left: unballoon: pages still to send back
 * @bl_given: pages given in the current balloon transaction
 * @reports: status reports received
 * @avail: num_avail of the last report
 * @committed: num_committed of the last report
 * @bl_short: balloon transactions given fewer pages than asked
 * @last_given: pages given in the last balloon transaction
 * @ha_result: the last hot-add response: result << 32 | page_count
 * @malformed: guest messages the host could not accept
 * @trans_id: the host's last transaction id
 * @faults: the knobs
 * @balance: balancing on
 * @buffer: balancing: the buffer, percent of the demand
 * @bal_seen: @reports when balancing last looked, or an operation ended
 * @bl_backoff: balancing: no balloon request before this (jiffies)
 * @target: balancing: the last target, pages
 * @demand: balancing: the last demand, pages
 * @bal_ops: operations balancing started: balloon, unballoon, hot-add
 * @ctl_lock: serialises ctl writes
 * @msg: the message being built (host workqueue)
 */
struct hvsim_dm {
	struct hvsim_dev *dev;
	spinlock_t lock;	/* chan, op*, pool_* */
	struct hvsim_chan *chan;
	enum hvsim_dm_op op;
	bool op_sent;
	u64 op_a;
	u32 op_b;
	bool op_bal;
	u64 pool_next;
	u64 pool_end;
	u32 max_version;
	u32 version;
	u64 caps;
	bool ready;
	unsigned long startup;
	unsigned long min_pages;
	unsigned long max_pages;
	struct xarray pages;
	unsigned long ballooned;
	unsigned long hot_added;
	unsigned long unb_left;
	unsigned long bl_given;
	u64 reports;
	u64 avail;
	u64 committed;
	u64 bl_short;
	u64 last_given;
	u64 ha_result;
	u64 malformed;
	u32 trans_id;
	atomic_t faults[HVSIM_DM_NR_FAULTS];
	bool balance;
	u32 buffer;
	u64 bal_seen;
	unsigned long bl_backoff;
	unsigned long target;
	unsigned long demand;
	u64 bal_ops[3];
	struct mutex ctl_lock;	/* ctl writes */
	u8 msg[HVG_DM_MAX_MSG];
};

static bool hvsim_dm_fault(struct hvsim_dm *d, enum hvsim_dm_fault f)
{
	if (atomic_dec_if_positive(&d->faults[f]) < 0)
		return false;
	pr_info("fault: dev%u: %s\n", d->dev->id, hvsim_dm_fault_names[f] + strlen("fault_"));
	return true;
}

static void hvsim_dm_malformed(struct hvsim_dm *d, const char *why, u64 a)
{
	WRITE_ONCE(d->malformed, d->malformed + 1);
	pr_err_ratelimited("dev%u: %s (%llu), ignored\n", d->dev->id, why, a);
}

static int hvsim_dm_send(struct hvsim_dm *d, void *msg, u16 type, u32 len, bool *signal)
{
	struct hvg_dm_hdr *h = msg;
	struct kvec kv = { .iov_base = msg, .iov_len = len };

	h->type = cpu_to_le16(type);
	h->size = cpu_to_le16(len);
	h->trans_id = cpu_to_le32(++d->trans_id);
	return hvsim_chan_send(d->chan, VM_PKT_DATA_INBAND, 0, 0, &kv, 1, signal);
}

static void hvsim_dm_op_done(struct hvsim_dm *d)
{
	spin_lock(&d->lock);
	d->op = HVSIM_DM_IDLE;
	d->op_sent = false;
	d->op_bal = false;
	spin_unlock(&d->lock);
	/* the next balancing step waits for a report made after this */
	d->bal_seen = d->reports;
}

/* ---- guest messages ------------------------------------------------------ */

static int hvsim_dm_version(struct hvsim_dm *d, const u8 *msg, u32 size, bool *signal)
{
	const struct hvg_dm_version_request *r = (const void *)msg;
	struct hvg_dm_version_response *resp = (void *)d->msg;
	u32 v;
	bool ok;

	if (size < sizeof(*r) || d->version) {
		hvsim_dm_malformed(d, "version request short or after agreement", size);
		return 0;
	}
	v = le32_to_cpu(r->version);
	ok = v == HVG_DM_VERSION_WIN7 || v == HVG_DM_VERSION_WIN8 || v == HVG_DM_VERSION_WIN10;
	ok = ok && v <= d->max_version;
	memset(resp, 0, sizeof(*resp));
	resp->accepted = cpu_to_le64(ok);
	if (hvsim_dm_send(d, resp, HVG_DM_VERSION_RESPONSE, sizeof(*resp), signal))
		return -ENOSPC;
	if (ok)
		d->version = v;
	pr_info("dev%u: Dynamic Memory %u.%u %s\n", d->dev->id, v >> 16, v & 0xffff,
		ok ? "accepted" : "refused");
	return 0;
}

static int hvsim_dm_info(struct hvsim_dm *d, bool *signal)
{
	struct hvg_dm_info *in = (void *)d->msg;
	struct hvg_dm_info_hdr ih = {
		.type = cpu_to_le32(HVG_DM_INFO_MAX_PAGE_CNT),
		.data_size = cpu_to_le32(sizeof(__le64)),
	};
	__le64 max = cpu_to_le64(d->max_pages);

	memset(in, 0, sizeof(*in));
	in->info_size = cpu_to_le32(sizeof(ih) + sizeof(max));
	memcpy(in->info, &ih, sizeof(ih));
	memcpy(in->info + sizeof(ih), &max, sizeof(max));
	return hvsim_dm_send(d, in, HVG_DM_INFO_MESSAGE,
			     sizeof(*in) + sizeof(ih) + sizeof(max), signal);
}

static int hvsim_dm_caps(struct hvsim_dm *d, const u8 *msg, u32 size, bool *signal)
{
	const struct hvg_dm_capabilities *c = (const void *)msg;
	struct hvg_dm_version_response *resp = (void *)d->msg;

	if (size < sizeof(*c) || !d->version || d->ready) {
		hvsim_dm_malformed(d, "capabilities short or out of turn", size);
		return 0;
	}
	memset(resp, 0, sizeof(*resp));
	resp->accepted = cpu_to_le64(1);
	if (hvsim_dm_send(d, resp, HVG_DM_CAPABILITIES_RESPONSE, sizeof(*resp), signal))
		return -ENOSPC;
	d->caps = le64_to_cpu(c->caps);
	WRITE_ONCE(d->ready, true);
	pr_info("dev%u: capabilities %#llx\n", d->dev->id, d->caps);
	if (d->max_pages && d->version >= HVG_DM_VERSION_WIN8 && hvsim_dm_info(d, signal))
		pr_err("dev%u: no room for the info message\n", d->dev->id);
	return 0;
}

static void hvsim_dm_status(struct hvsim_dm *d, const u8 *msg, u32 size)
{
	const struct hvg_dm_status *s = (const void *)msg;

	if (size < sizeof(*s) || !d->ready) {
		hvsim_dm_malformed(d, "status report short or before the handshake", size);
		return;
	}
	WRITE_ONCE(d->avail, le64_to_cpu(s->num_avail));
	WRITE_ONCE(d->committed, le64_to_cpu(s->num_committed));
	WRITE_ONCE(d->reports, d->reports + 1);
}

/* A range the guest gives: within RAM and not given before. */
static bool hvsim_dm_take(struct hvsim_dm *d, u64 rg)
{
	u64 start = hvg_dm_range_start(rg), pfn;
	u32 n = hvg_dm_range_count(rg);

	if (!n || !pfn_valid(start) || !pfn_valid(start + n - 1))
		return false;
	for (pfn = start; pfn < start + n; pfn++)
		if (xa_load(&d->pages, pfn))
			return false;
	for (pfn = start; pfn < start + n; pfn++) {
		void *va;

		if (xa_err(xa_store(&d->pages, pfn, xa_mk_value(0), GFP_KERNEL)))
			return false;	/* the rest stays with the guest */
		va = kmap_local_page(pfn_to_page(pfn));
		memset(va, HVSIM_DM_SCRIBBLE, PAGE_SIZE);
		kunmap_local(va);
		d->ballooned++;
		d->bl_given++;
	}
	return true;
}

static void hvsim_dm_balloon_resp(struct hvsim_dm *d, const u8 *msg, u32 size)
{
	const struct hvg_dm_balloon_response *r = (const void *)msg;
	u32 mc, n, i;

	if (size < sizeof(*r) || d->op != HVSIM_DM_BALLOON || !d->op_sent) {
		hvsim_dm_malformed(d, "balloon response short or unasked", size);
		return;
	}
	mc = le32_to_cpu(r->more_count);
	n = mc >> HVG_DM_BL_COUNT_SHIFT;
	if (n > (size - sizeof(*r)) / sizeof(__le64)) {
		hvsim_dm_malformed(d, "balloon response ranges past its size", n);
		return;
	}
	for (i = 0; i < n; i++)
		if (!hvsim_dm_take(d, le64_to_cpu(r->ranges[i])))
			hvsim_dm_malformed(d, "ballooned range outside RAM or given twice",
					   le64_to_cpu(r->ranges[i]));
	WRITE_ONCE(d->ballooned, d->ballooned);
	if (mc & HVG_DM_MORE_PAGES)
		return;
	WRITE_ONCE(d->last_given, d->bl_given);
	if (d->bl_given < d->op_a) {
		WRITE_ONCE(d->bl_short, d->bl_short + 1);
		d->bl_backoff = jiffies + HVSIM_DM_BACKOFF;
		pr_info("dev%u: the guest gave %lu of %llu pages\n", d->dev->id,
			d->bl_given, d->op_a);
	}
	hvsim_dm_op_done(d);
}

static int hvsim_dm_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len, bool *signal)
{
	const struct vmpacket_descriptor *desc = (const void *)pkt;
	struct hvsim_dm *d = chan->dev->priv;
	const struct hvg_dm_hdr *h;
	u32 off = desc->offset8 * 8, size;
	const u8 *msg = pkt + off;

	len -= off;
	if (desc->type != VM_PKT_DATA_INBAND || len < sizeof(*h)) {
		hvsim_dm_malformed(d, "packet not in-band or shorter than a header", len);
		return 0;
	}
	h = (const void *)msg;
	size = le16_to_cpu(h->size);
	if (size < sizeof(*h) || size > len) {
		hvsim_dm_malformed(d, "message size outside the packet", size);
		return 0;
	}
	switch (le16_to_cpu(h->type)) {
	case HVG_DM_VERSION_REQUEST:
		return hvsim_dm_version(d, msg, size, signal);
	case HVG_DM_CAPABILITIES_REPORT:
		return hvsim_dm_caps(d, msg, size, signal);
	case HVG_DM_STATUS_REPORT:
		hvsim_dm_status(d, msg, size);
		break;
	case HVG_DM_BALLOON_RESPONSE:
		hvsim_dm_balloon_resp(d, msg, size);
		break;
	case HVG_DM_UNBALLOON_RESPONSE:
		if (d->op != HVSIM_DM_UNBALLOON || !d->op_sent || d->unb_left) {
			hvsim_dm_malformed(d, "unballoon response unasked", size);
			break;
		}
		hvsim_dm_op_done(d);
		break;
	case HVG_DM_HOT_ADD_RESPONSE: {
		const struct hvg_dm_hot_add_response *r = (const void *)msg;
		u32 got;

		if (size < sizeof(*r) || d->op != HVSIM_DM_HOT_ADD || !d->op_sent) {
			hvsim_dm_malformed(d, "hot-add response short or unasked", size);
			break;
		}
		got = le32_to_cpu(r->page_count);
		if (got > d->op_b) {
			hvsim_dm_malformed(d, "hot-add response claims more than asked", got);
			got = 0;
		}
		WRITE_ONCE(d->hot_added, d->hot_added + got);
		WRITE_ONCE(d->ha_result, (u64)le32_to_cpu(r->result) << 32 | got);
		if (d->op_bal && !got) {
			/* the guest could not add it: no more from the pool */
			spin_lock(&d->lock);
			d->pool_end = d->pool_next;
			spin_unlock(&d->lock);
			pr_info("dev%u: balance: hot-add refused, pool closed\n", d->dev->id);
		}
		hvsim_dm_op_done(d);
		break;
	}
	default:
		hvsim_dm_malformed(d, "message type the guest does not send",
				   le16_to_cpu(h->type));
	}
	return 0;
}

/* ---- host requests ----------------------------------------------------- */

static unsigned long hvsim_dm_assigned(struct hvsim_dm *d)
{
	return d->startup + READ_ONCE(d->hot_added) - READ_ONCE(d->ballooned);
}

static int hvsim_dm_start(struct hvsim_dm *d, enum hvsim_dm_op op, u64 a, u32 b, bool bal)
{
	int ret = 0;

	spin_lock(&d->lock);
	if (!d->chan || !READ_ONCE(d->ready))
		ret = -ENOTCONN;
	else if (d->op != HVSIM_DM_IDLE)
		ret = -EBUSY;
	if (!ret) {
		d->op = op;
		d->op_sent = false;
		d->op_a = a;
		d->op_b = b;
		d->op_bal = bal;
		hvsim_chan_queue(d->chan);
	}
	spin_unlock(&d->lock);
	return ret;
}


/* A faulty message instead of the operation's request: *sent if one went. */
static int hvsim_dm_send_fault(struct hvsim_dm *d, bool *signal, bool *sent)
{
	struct hvg_dm_balloon *b = (void *)d->msg;
	struct kvec kv[2] = {
		{ .iov_base = b, .iov_len = sizeof(*b) },
		/* fault_big: zeros to one page past the largest message */
		{ .iov_base = page_address(ZERO_PAGE(0)),
		  .iov_len = HVG_DM_MAX_MSG + 8 - sizeof(*b) },
	};
	u16 type = HVG_DM_BALLOON_REQUEST, size = sizeof(*b);
	u16 pkt_type = VM_PKT_DATA_INBAND;
	unsigned int nkv = 1;

	*sent = true;
	memset(b, 0, sizeof(*b));
	b->num_pages = cpu_to_le32(1);
	if (hvsim_dm_fault(d, HVSIM_DM_FAULT_PKT_TYPE))
		pkt_type = VM_PKT_DATA_USING_GPA_DIRECT;
	else if (hvsim_dm_fault(d, HVSIM_DM_FAULT_BIG))
		nkv = 2;
	else if (hvsim_dm_fault(d, HVSIM_DM_FAULT_SHORT))
		size = sizeof(b->hdr) + 2;
	else if (hvsim_dm_fault(d, HVSIM_DM_FAULT_BAD_TYPE))
		type = 0x42;
	else if (hvsim_dm_fault(d, HVSIM_DM_FAULT_BAD_SIZE))
		size = HVG_DM_MAX_MSG;
	else if (hvsim_dm_fault(d, HVSIM_DM_FAULT_UNSOLICITED))
		type = HVG_DM_VERSION_RESPONSE;
	else
		*sent = false;
	if (!*sent)
		return 0;
	b->hdr.type = cpu_to_le16(type);
	b->hdr.size = cpu_to_le16(size);
	b->hdr.trans_id = cpu_to_le32(++d->trans_id);
	return hvsim_chan_send(d->chan, pkt_type, 0, 0, kv, nkv, signal);
}

/* The next unballoon message: up to 510 runs of recorded pages. */
static int hvsim_dm_unballoon_next(struct hvsim_dm *d, bool *signal)
{
	struct hvg_dm_unballoon_request *r = (void *)d->msg;
	unsigned long pfn = 0, start = 0, left = d->unb_left;
	u32 n = 0, run = 0, i;
	void *e;
	int ret;

	memset(r, 0, sizeof(*r));
	if (hvsim_dm_fault(d, HVSIM_DM_FAULT_BOGUS_RANGE)) {
		/* pages the guest never gave: the first 16 of RAM above 1 MiB */
		r->ranges[0] = cpu_to_le64(hvg_dm_range(0x100, 16));
		r->range_count = cpu_to_le32(1);
		d->unb_left = 0;
		return hvsim_dm_send(d, r, HVG_DM_UNBALLOON_REQUEST, sizeof(*r) + 8, signal);
	}
	xa_for_each(&d->pages, pfn, e) {
		if (!left)
			break;
		if (run && pfn == start + run && run < HVG_DM_RANGE_MAX_PAGES) {
			run++;
			left--;
			continue;
		}
		if (run) {
			if (n == HVG_DM_UNBL_MAX_RANGES - 1)
				break;
			r->ranges[n++] = cpu_to_le64(hvg_dm_range(start, run));
		}
		start = pfn;
		run = 1;
		left--;
	}
	if (run)
		r->ranges[n++] = cpu_to_le64(hvg_dm_range(start, run));
	r->range_count = cpu_to_le32(n);
	if (left && n)
		r->flags = cpu_to_le32(HVG_DM_MORE_PAGES);
	ret = hvsim_dm_send(d, r, HVG_DM_UNBALLOON_REQUEST, sizeof(*r) + n * 8, signal);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		u64 rg = le64_to_cpu(r->ranges[i]);

		for (pfn = hvg_dm_range_start(rg); pfn < hvg_dm_range_start(rg) +
		     hvg_dm_range_count(rg); pfn++)
			xa_erase(&d->pages, pfn);
		WRITE_ONCE(d->ballooned, d->ballooned - hvg_dm_range_count(rg));
	}
	d->unb_left = r->flags ? left : 0;
	return 0;
}

/* Send what the operation under way has to send; true if more is left. */
static bool hvsim_dm_flush(struct hvsim_dm *d, bool *signal)
{
	union {
		struct hvg_dm_balloon b;
		struct hvg_dm_hot_add h;
	} m = {};
	enum hvsim_dm_op op;
	bool sent;
	int ret;

	spin_lock(&d->lock);
	op = d->op;
	sent = d->op_sent;
	spin_unlock(&d->lock);
	if (op == HVSIM_DM_IDLE || (sent && !(op == HVSIM_DM_UNBALLOON && d->unb_left)))
		return false;
	if (!sent) {
		ret = hvsim_dm_send_fault(d, signal, &sent);
		if (ret)
			return false;
		if (sent) {
			hvsim_dm_op_done(d);
			return false;
		}
	}
	switch (op) {
	case HVSIM_DM_BALLOON:
		d->bl_given = 0;
		m.b.num_pages = cpu_to_le32(d->op_a);
		ret = hvsim_dm_send(d, &m.b, HVG_DM_BALLOON_REQUEST, sizeof(m.b), signal);
		break;
	case HVSIM_DM_UNBALLOON:
		if (!d->op_sent)
			d->unb_left = d->op_a;
		ret = hvsim_dm_unballoon_next(d, signal);
		break;
	case HVSIM_DM_HOT_ADD:
		m.h.range = cpu_to_le64(hvg_dm_range(d->op_a, d->op_b));
		/* the asked-for count from 256 pages below the 40-bit limit */
		if (hvsim_dm_fault(d, HVSIM_DM_FAULT_BOGUS_RANGE))
			m.h.range = cpu_to_le64(hvg_dm_range(HVG_DM_RANGE_START_MASK - 255,
							     max_t(u32, d->op_b, 256)));
		ret = hvsim_dm_send(d, &m.h, HVG_DM_HOT_ADD_REQUEST, sizeof(m.h), signal);
		break;
	default:
		return false;
	}
	if (ret)
		return false;	/* -ENOSPC: the guest signals when it made room */
	spin_lock(&d->lock);
	d->op_sent = true;
	spin_unlock(&d->lock);
	return op == HVSIM_DM_UNBALLOON && d->unb_left;
}

/*
 * One balancing step on a status report that came after the last operation
 * ended: the target is the demand plus the buffer, within min_mb and
 * max_mb; one operation towards it if the gap is beyond the slack.
 */
static void hvsim_dm_balance(struct hvsim_dm *d)
{
	unsigned long assigned, target, ballooned = READ_ONCE(d->ballooned);
	u64 demand, buffer, n;
	int ret = -EAGAIN;

	if (!READ_ONCE(d->balance) || !READ_ONCE(d->ready) || d->reports <= d->bal_seen ||
	    READ_ONCE(d->op) != HVSIM_DM_IDLE)
		return;
	d->bal_seen = d->reports;
	demand = d->committed > ballooned ? d->committed - ballooned : 0;
	buffer = clamp_t(u32, READ_ONCE(d->buffer), HVSIM_DM_BUFFER_MIN, HVSIM_DM_BUFFER_MAX);
	target = min_t(u64, demand + div_u64(demand * buffer, 100), ULONG_MAX / 2);
	if (target < d->min_pages)
		target = d->min_pages;
	if (d->max_pages && target > d->max_pages)
		target = d->max_pages;
	WRITE_ONCE(d->demand, demand);
	WRITE_ONCE(d->target, target);
	assigned = hvsim_dm_assigned(d);
	if (assigned > target + HVSIM_DM_SLACK) {
		if (time_before(jiffies, d->bl_backoff))
			return;
		n = min_t(u64, assigned - target, U32_MAX);
		ret = hvsim_dm_start(d, HVSIM_DM_BALLOON, n, 0, true);
		if (!ret)
			WRITE_ONCE(d->bal_ops[0], d->bal_ops[0] + 1);
	} else if (target > assigned + HVSIM_DM_SLACK && ballooned) {
		n = min_t(u64, target - assigned, ballooned);
		ret = hvsim_dm_start(d, HVSIM_DM_UNBALLOON, n, 0, true);
		if (!ret)
			WRITE_ONCE(d->bal_ops[1], d->bal_ops[1] + 1);
	} else if (target > assigned + HVSIM_DM_SLACK && (d->caps & HVG_DM_CAP_HOT_ADD)) {
		u64 start;

		/* whole 128 MiB blocks of the pool, the first one at least */
		n = roundup(target - assigned, HVSIM_DM_BLOCK);
		if (d->max_pages)
			n = min_t(u64, n, rounddown(d->max_pages - assigned, HVSIM_DM_BLOCK));
		spin_lock(&d->lock);
		start = d->pool_next;
		n = min_t(u64, n, rounddown(d->pool_end - start, HVSIM_DM_BLOCK));
		n = min_t(u64, n, rounddown(HVG_DM_RANGE_MAX_PAGES, HVSIM_DM_BLOCK));
		if (n)
			d->pool_next += n;
		spin_unlock(&d->lock);
		if (!n)
			return;
		if (region_intersects(start << PAGE_SHIFT, n << PAGE_SHIFT, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT) {
			pr_err("dev%u: balance: the pool is the guest's RAM, closed\n", d->dev->id);
			spin_lock(&d->lock);
			d->pool_end = d->pool_next;
			spin_unlock(&d->lock);
			return;
		}
		ret = hvsim_dm_start(d, HVSIM_DM_HOT_ADD, start, n, true);
		if (!ret)
			WRITE_ONCE(d->bal_ops[2], d->bal_ops[2] + 1);
	}
	if (!ret)
		pr_info("dev%u: balance: demand %llu target %lu assigned %lu pages\n",
			d->dev->id, demand, target, assigned);
}

static bool hvsim_dm_service(struct hvsim_chan *chan)
{
	struct hvsim_dm *d = chan->dev->priv;
	bool signal = false, more;

	if (chan->subidx)
		return false;
	more = hvsim_chan_service(chan, hvsim_dm_packet, HVSIM_DM_BUDGET);
	if (chan->broken)
		return false;
	hvsim_dm_balance(d);
	if (hvsim_dm_flush(d, &signal))
		more = true;
	if (signal)
		hvsim_signal_guest(chan);
	return more && !chan->broken;
}

static void hvsim_dm_reset(struct hvsim_dm *d)
{
	unsigned long pfn;
	void *e;

	d->version = 0;
	d->caps = 0;
	WRITE_ONCE(d->ready, false);
	xa_for_each(&d->pages, pfn, e)
		xa_erase(&d->pages, pfn);
	WRITE_ONCE(d->ballooned, 0);
	d->unb_left = 0;
	spin_lock(&d->lock);
	d->op = HVSIM_DM_IDLE;
	d->op_sent = false;
	spin_unlock(&d->lock);
}

static int hvsim_dm_open(struct hvsim_chan *chan)
{
	struct hvsim_dm *d = chan->dev->priv;

	if (chan->subidx)
		return -EINVAL;
	hvsim_dm_reset(d);
	spin_lock(&d->lock);
	d->chan = chan;
	spin_unlock(&d->lock);
	return 0;
}

static void hvsim_dm_close(struct hvsim_chan *chan)
{
	struct hvsim_dm *d = chan->dev->priv;

	if (d->chan != chan)
		return;
	if (d->ballooned)
		pr_info("dev%u: the guest left with %lu pages in the balloon\n",
			d->dev->id, d->ballooned);
	spin_lock(&d->lock);
	d->chan = NULL;
	spin_unlock(&d->lock);
	hvsim_dm_reset(d);
}

/* ---- control files ------------------------------------------------------ */

static int hvsim_dm_ctl(void *ctx, char *line)
{
	struct hvsim_dm *d = ctx;
	char *cmd = strsep(&line, " ");
	char *a = strsep(&line, " "), *b = line;
	u64 x = 0;
	u32 y = 0;

	if (!a || kstrtou64(a, 0, &x) || (b && kstrtou32(b, 0, &y)))
		goto usage;
	if (!strcmp(cmd, "balance") && !b && x <= 1) {
		WRITE_ONCE(d->balance, x);
		pr_info("dev%u: balancing %s, buffer %u%%\n", d->dev->id, x ? "on" : "off",
			READ_ONCE(d->buffer));
		return 0;
	}
	if (!strcmp(cmd, "buffer") && !b && x >= HVSIM_DM_BUFFER_MIN && x <= HVSIM_DM_BUFFER_MAX) {
		WRITE_ONCE(d->buffer, x);
		return 0;
	}
	if (!strcmp(cmd, "pool") && b && IS_ALIGNED(x, HVSIM_DM_BLOCK) &&
	    x + y <= HVG_DM_RANGE_START_MASK) {
		if (y && region_intersects(x << PAGE_SHIFT, (u64)y << PAGE_SHIFT,
					   IORESOURCE_SYSTEM_RAM,
					   IORES_DESC_NONE) != REGION_DISJOINT) {
			pr_err("dev%u: pool: the range is the guest's RAM already\n", d->dev->id);
			return -EINVAL;
		}
		spin_lock(&d->lock);
		d->pool_next = x;
		d->pool_end = x + y;
		spin_unlock(&d->lock);
		return 0;
	}
	if (!strcmp(cmd, "balloon") && !b && x && x <= U32_MAX) {
		if (hvsim_dm_assigned(d) < d->min_pages + x) {
			pr_err("dev%u: balloon: below min_mb\n", d->dev->id);
			return -EINVAL;
		}
		return hvsim_dm_start(d, HVSIM_DM_BALLOON, x, 0, false);
	}
	if (!strcmp(cmd, "unballoon") && !b && x) {
		if (x > READ_ONCE(d->ballooned))
			return -EINVAL;
		return hvsim_dm_start(d, HVSIM_DM_UNBALLOON, x, 0, false);
	}
	if (!strcmp(cmd, "hot_add") && b && y && y <= HVG_DM_RANGE_MAX_PAGES &&
	    x + y <= HVG_DM_RANGE_START_MASK) {
		if (READ_ONCE(d->ready) && !(d->caps & HVG_DM_CAP_HOT_ADD))
			return -EOPNOTSUPP;
		if (d->max_pages && hvsim_dm_assigned(d) + y > d->max_pages) {
			pr_err("dev%u: hot_add: above max_mb\n", d->dev->id);
			return -EINVAL;
		}
		/* Only memory the guest does not have yet. */
		if (region_intersects(x << PAGE_SHIFT, (u64)y << PAGE_SHIFT, IORESOURCE_SYSTEM_RAM,
				      IORES_DESC_NONE) != REGION_DISJOINT) {
			pr_err("dev%u: hot_add: the range is the guest's RAM already\n",
			       d->dev->id);
			return -EINVAL;
		}
		return hvsim_dm_start(d, HVSIM_DM_HOT_ADD, x, y, false);
	}
usage:
	pr_err("dev%u: ctl: 'balloon PAGES', 'unballoon PAGES', 'hot_add START PAGES', 'balance 0|1', 'buffer PERCENT' or 'pool START PAGES'\n",
	       d->dev->id);
	return -EINVAL;
}

static ssize_t hvsim_dm_ctl_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct hvsim_dm *d = file->private_data;

	return hvsim_line_write(ubuf, count, &d->ctl_lock, hvsim_dm_ctl, d);
}

static const struct file_operations hvsim_dm_ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_dm_ctl_write,
	.llseek = noop_llseek,
};

static int hvsim_dm_state_show(struct seq_file *s, void *unused)
{
	struct hvsim_dm *d = s->private;
	u32 v = READ_ONCE(d->version);
	u64 ha = READ_ONCE(d->ha_result);
	u64 pool_next, pool_end;

	seq_printf(s, "version: %u.%u\nready: %d\ncaps: %#llx\nbusy: %d\n",
		   v >> 16, v & 0xffff, READ_ONCE(d->ready), READ_ONCE(d->caps),
		   READ_ONCE(d->op) != HVSIM_DM_IDLE);
	seq_printf(s, "startup_pages: %lu\nassigned_pages: %lu\nballooned: %lu\nhot_added: %lu\n",
		   d->startup, hvsim_dm_assigned(d), READ_ONCE(d->ballooned),
		   READ_ONCE(d->hot_added));
	seq_printf(s, "reports: %llu\navail: %llu\ncommitted: %llu\n",
		   READ_ONCE(d->reports), READ_ONCE(d->avail), READ_ONCE(d->committed));
	seq_printf(s, "last_given: %llu\nballoon_short: %llu\nhot_add_result: %llu\nhot_add_pages: %llu\nmalformed: %llu\n",
		   READ_ONCE(d->last_given), READ_ONCE(d->bl_short), ha >> 32,
		   ha & U32_MAX, READ_ONCE(d->malformed));
	spin_lock(&d->lock);
	pool_next = d->pool_next;
	pool_end = d->pool_end;
	spin_unlock(&d->lock);
	seq_printf(s, "balance: %d\nbuffer: %u\ndemand: %lu\ntarget: %lu\nbalance_ops: %llu %llu %llu\npool: %#llx %#llx\n",
		   READ_ONCE(d->balance), READ_ONCE(d->buffer), READ_ONCE(d->demand),
		   READ_ONCE(d->target), READ_ONCE(d->bal_ops[0]), READ_ONCE(d->bal_ops[1]),
		   READ_ONCE(d->bal_ops[2]), pool_next, pool_end);
	seq_printf(s, "balance_backoff: %d\n", time_before(jiffies, READ_ONCE(d->bl_backoff)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_dm_state);

static int hvsim_dm_parse(struct hvsim_dm *d, char *args)
{
	char *tok, *val;
	u32 mb;

	while (args && (tok = strsep(&args, " \t\n"))) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (kstrtou32(val, 0, &mb) || mb > (U32_MAX >> 8))
			return -EINVAL;
		if (!strcmp(tok, "balance") && mb <= 1)
			d->balance = mb;
		else if (!strcmp(tok, "buffer") && mb >= HVSIM_DM_BUFFER_MIN &&
			 mb <= HVSIM_DM_BUFFER_MAX)
			d->buffer = mb;
		else if (!strcmp(tok, "min_mb"))
			d->min_pages = (unsigned long)mb << (20 - PAGE_SHIFT);
		else if (!strcmp(tok, "max_mb"))
			d->max_pages = (unsigned long)mb << (20 - PAGE_SHIFT);
		else
			return -EINVAL;
	}
	return 0;
}

static int hvsim_dm_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_dm *d;
	unsigned int i;
	int ret;

	if (!hvsim_dm_max_version[dev->pers->id]) {
		pr_err("%s has no Dynamic Memory device\n", dev->pers->what);
		return -EOPNOTSUPP;
	}
	d = kvzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->dev = dev;
	d->max_version = hvsim_dm_max_version[dev->pers->id];
	d->startup = totalram_pages();
	d->buffer = HVSIM_DM_BUFFER_DEF;
	spin_lock_init(&d->lock);
	mutex_init(&d->ctl_lock);
	xa_init(&d->pages);
	ret = hvsim_dm_parse(d, args);
	if (ret) {
		mutex_destroy(&d->ctl_lock);
		kvfree(d);
		return ret;
	}
	dev->priv = d;
	debugfs_create_file("ctl", 0200, dev->dir, d, &hvsim_dm_ctl_fops);
	debugfs_create_file("state", 0444, dev->dir, d, &hvsim_dm_state_fops);
	for (i = 0; i < HVSIM_DM_NR_FAULTS; i++)
		debugfs_create_atomic_t(hvsim_dm_fault_names[i], 0600, dev->dir, &d->faults[i]);
	return 0;
}

static void hvsim_dm_destroy(struct hvsim_dev *dev)
{
	struct hvsim_dm *d = dev->priv;

	xa_destroy(&d->pages);
	mutex_destroy(&d->ctl_lock);
	kvfree(d);
}

static void hvsim_dm_show(struct seq_file *s, struct hvsim_chan *chan)
{
	struct hvsim_dm *d = chan->dev->priv;

	seq_printf(s, " ready=%d ballooned=%lu", READ_ONCE(d->ready), READ_ONCE(d->ballooned));
}

const struct hvsim_service hvsim_dm_svc = {
	.name = "balloon",
	.class_id = HVG_DM_CLASS_GUID,
	.no_monitor = true,
	.create = hvsim_dm_create,
	.destroy = hvsim_dm_destroy,
	.open = hvsim_dm_open,
	.close = hvsim_dm_close,
	.service = hvsim_dm_service,
	.show = hvsim_dm_show,
};
