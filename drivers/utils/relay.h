/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils: the relay between an integration component and its daemon in
 * user space (KVP, VSS, file copy), through a character device under
 * /dev/vmbus/ (relay.c).
 */
#ifndef _HV_UTILS_RELAY_H
#define _HV_UTILS_RELAY_H

#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "utils.h"

struct seq_file;

/**
 * struct util_relay_ops - what one service's relay differs in
 * @daemon: the daemon's name, for messages
 * @dev: the device's name under /dev
 * @read_max: the longest message to the daemon (a request or the
 *	registration answer)
 * @write_size: the size of each of the daemon's writes (its registration
 *	and its answers)
 * @reg: the daemon's first write, @msg: check it; write the answer it
 *	expects into @ans (@read_max bytes) and return its length, 0 for
 *	none, or -EINVAL to refuse it
 * @from_host: check the host's request @body (@len bytes, unchecked);
 *	build the daemon's message in @umsg (@read_max bytes, zeroed), its
 *	length in *@ulen and its operation in *@op.  Return HVG_IC_S_OK to
 *	relay it, or the status to answer the host with at once (also
 *	HVG_IC_S_OK with *@ulen 0: answered in place, no daemon needed)
 * @to_host: the daemon's answer @ans (@write_size bytes) to the request of
 *	operation @op, whose body (@body, @len bytes) it may rewrite; set
 *	*@status.  Return 0, or -EINVAL for a malformed answer (the host then
 *	gets E_FAIL)
 * @op_name: operation name, for messages
 * @timeout_s: seconds a request of operation @op waits for the daemon
 */
struct util_relay_ops {
	const char *daemon;
	const char *dev;
	u32 read_max;
	u32 write_size;
	int (*reg)(const void *msg, void *ans);
	u32 (*from_host)(struct util_dev *ud, const u8 *body, u32 len,
			 void *umsg, u32 *ulen, u8 *op);
	int (*to_host)(struct util_dev *ud, u8 op, const void *ans, u8 *body,
		       u32 len, u32 *status);
	const char *(*op_name)(u8 op);
	unsigned int (*timeout_s)(u8 op);
};

enum util_relay_state { UTIL_RELAY_IDLE, UTIL_RELAY_QUEUED, UTIL_RELAY_READ };

/**
 * struct util_relay - one service's relay; lives as long as the module
 * @ops: the service's
 * @bind_lock: @bound, @misc registration
 * @bound: a device is bound, @misc registered
 * @misc: the device file, while a device is bound
 * @lock: everything below but @wq and @timeout (taken in softirq context)
 * @wq: the daemon waits here for a request
 * @timeout: fails a request at @deadline
 * @ud: the bound device, or NULL
 * @gen: incremented when the device goes: older open files are stale
 * @state: of the request in @msg and @pkt
 * @open: the device file is open
 * @registered: the daemon that has it open registered
 * @reg_len: length of the registration answer waiting to be read, or 0
 * @reg_ans: that answer
 * @op: the operation of the request
 * @msg: the request as the daemon reads it
 * @msg_len: its length
 * @pkt: the host's packet, headers included, rewritten into the answer
 * @len: its length
 * @trans_id: its transaction id
 * @deadline: jiffies when the request times out
 * @next_id: number of the last request
 * @relayed: requests handed to the daemon
 * @answered: requests the daemon answered
 * @timeouts: requests failed unanswered (no daemon, it closed, or too late)
 * @bad_answers: malformed answers from the daemon
 * @busy: requests refused because one was pending
 */
struct util_relay {
	const struct util_relay_ops *ops;
	struct mutex bind_lock;		/* bound, misc registration */
	bool bound;
	struct miscdevice misc;
	spinlock_t lock;
	wait_queue_head_t wq;
	struct delayed_work timeout;
	struct util_dev *ud;
	u32 gen;
	enum util_relay_state state;
	bool open;
	bool registered;
	u32 reg_len;
	u8 *reg_ans;
	u8 op;
	u8 *msg;
	u32 msg_len;
	u8 *pkt;
	u32 len;
	u64 trans_id;
	unsigned long deadline;
	u32 next_id;
	u64 relayed;
	u64 answered;
	u64 timeouts;
	u64 bad_answers;
	u64 busy;
};

int util_relay_init(struct util_relay *r);
void util_relay_exit(struct util_relay *r);
int util_relay_bind(struct util_dev *ud);
void util_relay_unbind(struct util_dev *ud);
void util_relay_handle(struct util_dev *ud, struct icmsg_hdr *hdr, u8 *body,
		       u32 len);
void util_relay_show(struct seq_file *s, struct util_dev *ud);
int util_relay_status(struct util_dev *ud, u32 error, u32 *status);
u32 util_relay_str_in(struct util_dev *ud, const char *what, const u8 *s,
		      u32 size, u32 max, u8 *out, u32 room, u32 *outlen);

/* The relays (kvp.c, vss.c, fcopy.c) */
extern struct util_relay util_kvp_relay;
extern struct util_relay util_vss_relay;
extern struct util_relay util_fcopy_relay;

#endif /* _HV_UTILS_RELAY_H */
