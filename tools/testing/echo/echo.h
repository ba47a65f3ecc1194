/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmbus_echo: a class driver for hvsim's echo test service.  It pushes
 * verifiable packets through the channel rings and measures the round trip;
 * it is driven from debugfs (see debugfs.c).
 */
#ifndef _VMBUS_ECHO_H
#define _VMBUS_ECHO_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <hvguest/vmbus.h>

#define ECHO_MAX_CHANNELS	16	/* primary + 15 subchannels */
#define ECHO_MAX_QD		256
#define ECHO_MAX_RANGES		32	/* page buffers in one GPA packet */
#define ECHO_MAX_COUNT		BIT_ULL(24)
#define ECHO_MAX_LAT		BIT(20)	/* latency samples kept per run */
#define ECHO_HDR_LEN		16	/* u64 seq, u32 len, u32 chan */
#define ECHO_GPA_SKEW		256	/* room for varying page offsets */

enum echo_mode { ECHO_INBAND, ECHO_GPA, ECHO_MIXED };

struct echo_params {
	u64 count;
	u32 minlen;
	u32 maxlen;
	enum echo_mode mode;
	u32 nchan;
	u32 qd;
};

struct echo_result {
	u64 sent;
	u64 received;
	u64 mismatch;
	u64 reorder;
	u64 errors;
	u64 elapsed_ns;
	u64 lat_median_ns;
	u64 lat_p99_ns;
};

/* One `run`: shared by the sender and the inbound callbacks. */
struct echo_run {
	struct echo_params p;
	u16 id;
	u64 *lat;
	atomic_t nlat;
};

/**
 * struct echo_chan - one open channel (primary or subchannel)
 * @ed: the device
 * @chan: hv_vmbus's channel
 * @idx: 0 for the primary, then in opening order
 * @rbuf: inbound packet buffer, as big as the inbound ring's data area
 * @rbuf_len: its size
 * @lock: protects everything below up to @err against the inbound callback
 * @run: the run this channel takes part in, or NULL
 * @target: packets this channel sends in @run
 * @nsent: packets handed to the ring (the sender's next index)
 * @ndone: completions received
 * @next_expect: index of the completion expected next
 * @received: completions in @run
 * @mismatch: completions whose content differs from what was sent
 * @reorder: completions out of order
 * @errors: malformed or unexpected inbound packets
 * @stale: completions of an earlier, aborted run
 * @tsend: send time of the packets in flight, by index modulo qd
 * @err: sticky error: the channel can no longer be used
 * @ctrl_done: the control request completed
 * @ctrl_status: its status
 * @slots: GPA mode: one payload buffer per packet in flight
 * @nslots: number of @slots
 * @txbuf: inband payload buffer
 * @built: index + 1 of the packet whose payload is in its buffer
 * @pb: GPA page buffer list under construction
 * @retired: GPA buffers of aborted runs the host may still read; freed
 *	once the channel is closed
 */
struct echo_chan {
	struct echo_dev *ed;
	struct hvg_channel *chan;
	unsigned int idx;
	void *rbuf;
	u32 rbuf_len;

	spinlock_t lock;		/* against the inbound callback */
	struct echo_run *run;
	u64 target;
	u64 nsent;
	u64 ndone;
	u64 next_expect;
	u64 received;
	u64 mismatch;
	u64 reorder;
	u64 errors;
	u64 stale;
	u64 *tsend;
	int err;
	bool ctrl_done;
	u32 ctrl_status;

	void **slots;
	u32 nslots;
	void *txbuf;
	u64 built;
	struct hv_page_buffer pb[ECHO_MAX_RANGES];
	struct list_head retired;
};

/**
 * struct echo_dev - per-device state
 * @hdev: the VMBus device
 * @dir: its debugfs directory
 * @lock: serialises runs, subchannel requests and teardown
 * @wq: the sender and subchannel requester sleep here
 * @events: bumped by every callback, so that sleepers notice progress
 * @dead: the device is going away
 * @sub_lock: protects @offered and @n_offered
 * @offered: subchannels offered by the host, in offer order
 * @n_offered: number of @offered
 * @chans: open channels; [0] is the primary
 * @nchans: number of @chans
 * @next_run_id: tags the requests of each run
 * @res_lock: protects @last
 * @last: result of the last run
 */
struct echo_dev {
	struct hvg_device *hdev;
	struct dentry *dir;
	struct mutex lock;	/* one run or request at a time */
	wait_queue_head_t wq;
	atomic_t events;
	bool dead;
	spinlock_t sub_lock;	/* @offered, @n_offered */
	struct hvg_channel *offered[ECHO_MAX_CHANNELS - 1];
	unsigned int n_offered;
	struct echo_chan *chans[ECHO_MAX_CHANNELS];
	unsigned int nchans;
	u16 next_run_id;
	spinlock_t res_lock;	/* @last */
	struct echo_result last;
};

/* Request ids (rqst) as handed to hv_vmbus */
#define ECHO_RQST_VALID		BIT_ULL(62)
#define ECHO_RQST_CTRL		BIT_ULL(63)
#define ECHO_RQST_RUN_SHIFT	40
#define ECHO_RQST_IDX_MASK	(BIT_ULL(ECHO_RQST_RUN_SHIFT) - 1)

static inline u64 echo_rqst(u16 run_id, u64 idx)
{
	return ECHO_RQST_VALID | ((u64)run_id << ECHO_RQST_RUN_SHIFT) | idx;
}

/* main.c */
extern unsigned int echo_send_ring_bytes;
extern unsigned int echo_recv_ring_bytes;
extern unsigned int echo_timeout_ms;
u32 echo_send_data_bytes(void);
u32 echo_recv_data_bytes(void);
void echo_wake(struct echo_dev *ed);
int echo_dev_state(struct echo_dev *ed);

/* chan.c */
struct echo_chan *echo_chan_open(struct echo_dev *ed, struct hvg_channel *chan,
				 unsigned int idx);
void echo_chan_close(struct echo_chan *ec);
int echo_chan_state(struct echo_chan *ec);

/* payload.c */
u32 echo_len(const struct echo_params *p, u64 seq);
bool echo_is_gpa(const struct echo_params *p, u64 seq);
void echo_fill(void *buf, u64 seq, u32 chan, u32 len);
bool echo_check(const void *buf, u32 buflen, u64 seq, u32 chan, u32 len);
u32 echo_gpa_ranges(void *buf, u32 len, struct hv_page_buffer *pb);
int echo_params_check(const struct echo_params *p, unsigned int nchans);

/* run.c */
void echo_chan_free_retired(struct echo_chan *ec);
int echo_run(struct echo_dev *ed, const struct echo_params *p);
void echo_run_complete(struct echo_chan *ec, u64 rqst, const void *data,
		       u32 len);

/* subchan.c */
void echo_subchannel_offered(struct hvg_channel *sub);
int echo_subchannels_request(struct echo_dev *ed, u32 n);

/* debugfs.c */
int echo_debugfs_init(void);
void echo_debugfs_exit(void);
void echo_debugfs_add(struct echo_dev *ed);
void echo_debugfs_remove(struct echo_dev *ed);

#endif /* _VMBUS_ECHO_H */
