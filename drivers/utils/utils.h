/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_utils: the integration components (heartbeat, shutdown, time sync,
 * key-value pair exchange, VSS, file copy).
 * Interfaces between the files of the module.
 */
#ifndef _HV_UTILS_H
#define _HV_UTILS_H

#include <linux/types.h>
#include <hvguest/ic_proto.h>
#include <hvguest/vmbus.h>

#include "ic_parse.h"

#define UTIL_RING_BYTES		(4 * PAGE_SIZE)	/* each way, header page included */
#define UTIL_BUF_BYTES		(UTIL_RING_BYTES - HV_RING_HEADER_SIZE)

struct seq_file;
struct util_dev;
struct util_relay;

/**
 * struct util_service - one integration component
 * @name: short name, also the debugfs directory
 * @msgtype: the ICMSGTYPE_* of its requests
 * @versions: service versions we speak, preferred (newest) first
 * @nversions: their number
 * @relay: the relay to its daemon in user space (relay.h), or NULL
 * @init: optional; set up @ud->priv before the channel opens
 * @exit: optional; undo @init once the channel is closed
 * @handle: answer a request in place: @body (@len bytes, from the host,
 *	unchecked) may be rewritten, hdr->status set.  Or call util_ic_defer()
 *	and answer later with util_ic_answer().  Softirq context.
 * @answered: optional; runs after the answer went out (softirq context)
 * @show: optional; service state for the debugfs `state` file
 */
struct util_service {
	const char *name;
	u16 msgtype;
	const u32 *versions;
	unsigned int nversions;
	struct util_relay *relay;
	int (*init)(struct util_dev *ud);
	void (*exit)(struct util_dev *ud);
	void (*handle)(struct util_dev *ud, struct icmsg_hdr *hdr, u8 *body,
		       u32 len);
	void (*answered)(struct util_dev *ud);
	void (*show)(struct seq_file *s, struct util_dev *ud);
};

/**
 * struct util_dev - a bound integration component device
 * @hdev: the VMBus device
 * @svc: its service
 * @buf: one packet, received and answered in place
 * @fw_version: negotiated framework version, 0 before negotiation
 * @srv_version: negotiated service version, 0 before negotiation
 * @requests: well-formed requests answered
 * @malformed: packets dropped or refused as malformed
 * @trans_id: transaction id of the request being handled
 * @deferred: the request being handled is answered later
 * @answer_lock: @closing
 * @closing: the channel is closing; no more deferred answers
 * @dbg: debugfs directory
 * @priv: the service's
 */
struct util_dev {
	struct hvg_device *hdev;
	const struct util_service *svc;
	u8 *buf;
	u32 fw_version;
	u32 srv_version;
	u64 requests;
	u64 malformed;
	u64 trans_id;
	bool deferred;
	spinlock_t answer_lock;		/* closing */
	bool closing;
	struct dentry *dbg;
	void *priv;
};

/* ic.c */
void util_ic_onchannel(void *ctx);
u64 util_ic_defer(struct util_dev *ud);
int util_ic_answer(struct util_dev *ud, u8 *pkt, u32 len, u64 trans_id);

/* main.c */
extern bool util_timesync_enabled;

/* the services */
extern const struct util_service util_heartbeat_svc;
extern const struct util_service util_shutdown_svc;
extern const struct util_service util_timesync_svc;
extern const struct util_service util_kvp_svc;
extern const struct util_service util_vss_svc;
extern const struct util_service util_fcopy_svc;

#endif /* _HV_UTILS_H */
