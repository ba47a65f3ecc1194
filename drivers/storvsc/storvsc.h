/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_storvsc: the synthetic SCSI controller of Hyper-V (and hvsim).
 * Interfaces between the files of the module.
 */
#ifndef _STORVSC_H
#define _STORVSC_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>
#include <hvguest/vmbus.h>

#include <hvguest/compat.h>
#include <hvguest/vstor_proto.h>

#include "parse.h"

/*
 * The most bytes one command moves, whatever the host offers: the page list
 * of a command lives in its request (no allocation while queueing).
 */
#define STORVSC_MAX_XFER	(2 * 1024 * 1024)
/* Pages of the largest transfer when it does not start on a page boundary */
#define STORVSC_MAX_PFNS	(STORVSC_MAX_XFER / PAGE_SIZE + 1)
#define STORVSC_INIT_TIMEOUT	(30 * HZ)
#define STORVSC_MAX_CHANNELS	16	/* primary + subchannels */
#define STORVSC_DRAIN_TIMEOUT	(10 * HZ)	/* for the host after a reset */

#define STORVSC_LOG_NONE	0
#define STORVSC_LOG_ERROR	1
#define STORVSC_LOG_WARN	2

extern unsigned int storvsc_ring_size;
extern int storvsc_logging_level;
extern unsigned int storvsc_vcpus_per_subchannel;
extern unsigned int storvsc_max_hw_queues;
extern unsigned int storvsc_host_timeout;

struct storvsc_dev;

/* One open channel: the primary or a subchannel. */
struct storvsc_chan {
	struct storvsc_dev *sd;
	struct hvg_channel *chan;
	u8 *rbuf;		/* one inbound packet */
	u32 rbuf_len;
	atomic_t inflight;	/* SRBs sent and not completed by the host */
};

/* One request: a midlayer command (in its private area) or an init op. */
struct storvsc_req {
	struct vstor_packet pkt;	/* what was sent; init ops: the reply */
	struct completion done;		/* init ops */
	struct scsi_cmnd *cmd;		/* NULL for init ops */
	unsigned long completed;	/* bit 0: the command was finished */
	unsigned long sent;		/* jiffies when it went to the host */
	u32 data_off;			/* offset of the data in pfns[0] */
	u64 pfns[STORVSC_MAX_PFNS];	/* the pages of the data, in order */
};

struct storvsc_dev {
	struct hvg_device *hdev;
	struct hvg_channel *chan;	/* the primary */
	struct Scsi_Host *host;
	bool ide;
	bool dead;		/* no new commands reach the host */
	bool removing;		/* no new rescans */
	u16 version;		/* negotiated VSTOR version */
	u32 pkt_len;		/* vstor_packet bytes at that version */
	u32 max_xfer;		/* host's limit, capped at STORVSC_MAX_XFER */
	u16 max_subchannels;
	u16 subs_asked;		/* subchannels planned, set before probe ends */
	bool multi_channel;
	struct storvsc_chan *chans[STORVSC_MAX_CHANNELS];
	unsigned int nchans;	/* published with release ordering */
	struct mutex chan_lock;	/* opening and closing subchannels */
	struct mutex init_lock;	/* init_req, init_seq */
	struct storvsc_req init_req;
	u64 init_seq;		/* of the last init/reset op sent */
	spinlock_t init_reply_lock;	/* init_waiting, the reply in init_req */
	u64 init_waiting;	/* the op whose reply is awaited, 0: none */
	struct work_struct rescan_work;
	struct work_struct fail_work;	/* a channel failed */
	wait_queue_head_t drain_wait;	/* an inflight count reached 0 */
};

/* vstor.c */
int storvsc_connect(struct storvsc_dev *sd);
void storvsc_disconnect(struct storvsc_dev *sd);
void storvsc_free_chans(struct storvsc_dev *sd);
struct storvsc_chan *storvsc_chan_open(struct storvsc_dev *sd,
				       struct hvg_channel *chan);
int storvsc_exec(struct storvsc_dev *sd, u32 op);
void storvsc_chan_cb(void *ctx);
void storvsc_fail_work(struct work_struct *work);
void storvsc_give_up(struct storvsc_dev *sd, const char *why);
bool storvsc_idle(struct storvsc_dev *sd);

/* subchan.c */
void storvsc_plan_subchannels(struct storvsc_dev *sd);
void storvsc_request_subchannels(struct storvsc_dev *sd);
struct storvsc_chan *storvsc_pick_chan(struct storvsc_dev *sd, u16 hwq);

/* scsi.c */
extern struct scsi_host_template storvsc_template;
void storvsc_srb_done(struct storvsc_dev *sd, struct storvsc_req *req,
		      const struct vstor_packet *resp, u32 len);
void storvsc_fail_all(struct storvsc_dev *sd);
void storvsc_rescan_work(struct work_struct *work);
void storvsc_set_limits(struct storvsc_dev *sd);

#endif /* _STORVSC_H */
