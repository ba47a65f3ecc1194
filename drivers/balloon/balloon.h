/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_balloon: the Dynamic Memory guest.  main.c binds the device, drains
 * the channel on a work item and hands each host message to its file:
 * inflate.c (balloon and unballoon), hotadd.c (hot-add) and status.c (the
 * periodic status reports).
 */
#ifndef _HVG_BALLOON_H
#define _HVG_BALLOON_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <hvguest/dm_proto.h>
#include <hvguest/vmbus.h>

#define DM_HA_BLOCK_PAGES	(SZ_128M >> HVG_DM_PAGE_SHIFT)	/* hot-add unit */
#define DM_HA_ALIGN_CAP		7	/* 2^7 MiB: the alignment we ask for */

/* Module parameters (main.c) */
extern bool dm_hot_add;
extern unsigned int dm_pressure_report_delay;

/**
 * struct dm_hot_range - memory added through hot-add
 * @node: in dm_dev.hot_ranges
 * @start: physical address
 * @size: bytes, a multiple of the hot-add block
 */
struct dm_hot_range {
	struct list_head node;
	u64 start;
	u64 size;
};

/**
 * struct dm_dev - a bound Dynamic Memory device
 * @hdev: the VMBus device
 * @chan: its channel
 * @rx_work: drains the channel and handles each message (process context);
 *	the only writer of the state below, which status_work and sysfs read
 * @status_work: sends a status report every second
 * @handshake: completed when a version or capabilities response arrived
 * @version: the version asked for last; the accepted one after probe
 * @accepted: the last response accepted
 * @ready: the handshake is done: requests are served, reports sent
 * @trans_id: the last transaction id the guest used
 * @pages: pfns of the ballooned pages (value entries)
 * @ballooned: pages in the balloon
 * @ha_lock: the list @hot_ranges and its sizes (rx_work writes, the status
 *	reports read)
 * @hot_ranges: struct dm_hot_range, what hot-add added
 * @hot_added: pages added by hot-add
 * @max_page_count: the most the host will give (its info message), or 0
 * @report_after: jiffies before which no status report is sent
 * @reports: status reports sent
 * @balloon_reqs: balloon requests served
 * @balloon_short: of those, the ones given fewer pages than asked
 * @unballoon_reqs: unballoon requests served
 * @hot_add_reqs: hot-add requests served
 * @malformed: host messages dropped as malformed
 * @buf: the message being handled, descriptor included (rx_work)
 * @out: the response being built (rx_work)
 */
struct dm_dev {
	struct hvg_device *hdev;
	struct hvg_channel *chan;
	struct work_struct rx_work;
	struct delayed_work status_work;
	struct completion handshake;
	u32 version;
	bool accepted;
	bool ready;
	atomic_t trans_id;
	struct xarray pages;
	unsigned long ballooned;
	spinlock_t ha_lock;	/* hot_ranges */
	struct list_head hot_ranges;
	unsigned long hot_added;
	u64 max_page_count;
	unsigned long report_after;
	u64 reports;
	u64 balloon_reqs;
	u64 balloon_short;
	u64 unballoon_reqs;
	u64 hot_add_reqs;
	u64 malformed;
	u8 buf[sizeof(struct vmpacket_descriptor) + HVG_DM_MAX_MSG];
	u8 out[HVG_DM_MAX_MSG];
};

void dm_malformed(struct dm_dev *dm, const char *what, u32 a, u32 b);
void dm_hdr_init(struct dm_dev *dm, struct hvg_dm_hdr *h, u16 type, u16 size);
int dm_send(struct dm_dev *dm, const void *msg, u32 len);

/* inflate.c */
void dm_balloon(struct dm_dev *dm, const struct hvg_dm_balloon *req);
void dm_unballoon(struct dm_dev *dm, const struct hvg_dm_unballoon_request *req);
void dm_balloon_release_all(struct dm_dev *dm);
unsigned long dm_balloon_floor(void);

/* hotadd.c */
void dm_hot_add_req(struct dm_dev *dm, const struct hvg_dm_hot_add *req, u32 size);
void dm_hot_remove_all(struct dm_dev *dm);
unsigned long dm_hot_offline_pages(struct dm_dev *dm);

/* status.c */
void dm_status_work(struct work_struct *work);
u64 dm_committed_pages(struct dm_dev *dm);

#endif /* _HVG_BALLOON_H */
