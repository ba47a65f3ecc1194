/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's integration components: the common IC host (ic.c) and the
 * services built on it (ic_heartbeat.c, ic_shutdown.c, ic_timesync.c,
 * ic_kvp.c).
 */
#ifndef _HVSIM_IC_H
#define _HVSIM_IC_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <hvguest/ic_proto.h>

#include "hvsim.h"
#include "personality.h"

#define HVSIM_IC_MAX_VERSIONS	16
#define HVSIM_IC_BUF_BYTES	8192	/* the longest request, headers included */

/* vmbuspipe_hdr.flags of every IC message: a data packet */
#define HVSIM_IC_PIPE_DATA	1

struct hvsim_ic;

/**
 * struct hvsim_ic_versions - the versions a host offers, in the order it
 *	lists them in its negotiate message
 * @list: the versions
 * @n: their number
 */
struct hvsim_ic_versions {
	const u32 *list;
	unsigned int n;
};

/**
 * struct hvsim_ic_ops - what makes one integration component
 * @msgtype: ICMSGTYPE_* of its requests
 * @versions: service versions each host offers, [enum hvsim_pers_id];
 *	an entry with no versions: that host has no such component
 * @interval_ms: default period of automatic requests, 0 for none
 * @create: optional; add control files to ic->dev->dir, set ic->priv
 * @destroy: optional; free ic->priv
 * @request: build the body of the pending request in @body (@room bytes);
 *	return its length
 * @answer: a well-formed answer with status S_OK to a request; @body has
 *	@len bytes, from the guest, unchecked
 * @failed: optional; an answer to a request with an error @status
 * @negotiated: optional; a negotiation succeeded (called where @answer is)
 * @show: optional; extra lines for the `state` file (no locks held)
 */
struct hvsim_ic_ops {
	u16 msgtype;
	const struct hvsim_ic_versions *versions;
	unsigned int interval_ms;
	int (*create)(struct hvsim_ic *ic);
	void (*destroy)(struct hvsim_ic *ic);
	u32 (*request)(struct hvsim_ic *ic, u8 *body, u32 room);
	void (*answer)(struct hvsim_ic *ic, const u8 *body, u32 len);
	void (*failed)(struct hvsim_ic *ic, u32 status);
	void (*negotiated)(struct hvsim_ic *ic);
	void (*show)(struct seq_file *s, struct hvsim_ic *ic);
};

/**
 * struct hvsim_ic_host - how one host runs the IC framework
 * @fw: framework versions it offers
 * @neg_hdr_versions: its negotiate message carries versions in the IC
 *	header (else 0.0)
 * @trans_ids: its packets carry increasing VMBus transaction ids (else 0)
 * @give_up: an answer it cannot use ends its service of the channel
 */
struct hvsim_ic_host {
	struct hvsim_ic_versions fw;
	bool neg_hdr_versions;
	bool trans_ids;
	bool give_up;
};

enum hvsim_ic_fault {
	HVSIM_IC_FAULT_NONE,
	HVSIM_IC_FAULT_SHORT,	/* shorter than the IC header */
	HVSIM_IC_FAULT_TYPE,	/* unknown message type */
	HVSIM_IC_FAULT_SIZE,	/* body cut to 4 bytes */
	HVSIM_IC_FAULT_COUNT,	/* negotiation: version count beyond the packet */
	HVSIM_IC_FAULT_BIG,	/* zeros after the message: as large as the ring holds */
	HVSIM_IC_NR_FAULTS
};

/**
 * struct hvsim_ic - the host end of one integration component
 * @dev: the device
 * @ops: the component
 * @chan: the primary channel while open, else NULL
 * @tx: sends what is pending (system_wq; takes hvsim.lock)
 * @lock: @pending, @arg, @flags (written from control files)
 * @pending: HVSIM_IC_PEND_* bits
 * @arg: argument of the pending request (service-specific)
 * @flags: flags of the pending request (service-specific)
 * @faults: fault_<name> counts, by enum hvsim_ic_fault (0 unused)
 * @fw: framework versions offered
 * @nfw: their number
 * @ver: service versions offered
 * @nver: their number
 * @interval_ms: period of automatic requests, 0 for none
 * @next_auto: jiffies of the next automatic request
 * @fw_version: negotiated framework version, 0 if none
 * @srv_version: negotiated service version, 0 if none
 * @refused: the guest answered the last negotiation with no version
 * @dead: the host gave up on the channel after a bad answer (as OpenVMM
 *	does); nothing more is sent until the guest reopens it
 * @trans_id: transaction id of the last request
 * @sent: requests sent (negotiations included)
 * @answers: well-formed answers with status S_OK
 * @failed: answers with an error status
 * @malformed: answers the host could not accept
 * @last_status: status of the last answer
 * @priv: the component's
 */
struct hvsim_ic {
	struct hvsim_dev *dev;
	const struct hvsim_ic_ops *ops;
	struct hvsim_chan *chan;
	struct delayed_work tx;
	spinlock_t lock;		/* pending, arg, flags */
	unsigned long pending;
	s64 arg;
	u32 flags;
	atomic_t faults[HVSIM_IC_NR_FAULTS];
	u32 fw[HVSIM_IC_MAX_VERSIONS];
	unsigned int nfw;
	u32 ver[HVSIM_IC_MAX_VERSIONS];
	unsigned int nver;
	unsigned int interval_ms;
	unsigned long next_auto;
	u32 fw_version;
	u32 srv_version;
	bool refused;
	bool dead;
	u64 trans_id;
	u64 sent;
	u64 answers;
	u64 failed;
	u64 malformed;
	u32 last_status;
	void *priv;
};

#define HVSIM_IC_PEND_NEGOTIATE	BIT(0)
#define HVSIM_IC_PEND_REQUEST	BIT(1)

const struct hvsim_ic_host *hvsim_ic_host(struct hvsim_ic *ic);
int hvsim_ic_create(struct hvsim_dev *dev, char *args,
		    const struct hvsim_ic_ops *ops);
void hvsim_ic_destroy(struct hvsim_dev *dev);
int hvsim_ic_open(struct hvsim_chan *chan);
void hvsim_ic_close(struct hvsim_chan *chan);
bool hvsim_ic_service(struct hvsim_chan *chan);
void hvsim_ic_show(struct seq_file *s, struct hvsim_chan *chan);
void hvsim_ic_request(struct hvsim_ic *ic, s64 arg, u32 flags);
void hvsim_ic_init_tx(struct hvsim_ic *ic);
void hvsim_ic_take_args(struct hvsim_ic *ic, s64 *arg, u32 *flags);
int hvsim_ic_knob_write(const char __user *ubuf, size_t count,
			const char *const *names, size_t n);
void hvsim_ic_fault_files(struct hvsim_ic *ic, const char *const *names,
			  atomic_t *counts, unsigned int n);
unsigned int hvsim_ic_fault_take(atomic_t *counts, unsigned int n);

#endif /* _HVSIM_IC_H */
