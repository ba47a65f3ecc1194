/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal interfaces between the files of hv_vmbus.
 */
#ifndef _HVG_VMBUS_PRIV_H
#define _HVG_VMBUS_PRIV_H

#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <hvguest/hv_backend.h>
#include <hvguest/vmbus.h>

#include "backend.h"
#include "ring.h"

#define HVG_MSG_TIMEOUT		(10 * HZ)

enum hvg_chan_state {
	HVG_CHAN_OFFERED,
	HVG_CHAN_OPENING,
	HVG_CHAN_OPEN,
	HVG_CHAN_CLOSING,
	HVG_CHAN_FAILED,
};

/* Transaction IDs handed to the host: index + 1 into @cookie. */
struct hvg_rqst_table {
	spinlock_t lock;		/* all fields below */
	u64 *cookie;
	u32 *next_free;
	u32 size;
	u32 free_head;		/* size means "none free" */
	u32 outstanding;
};

struct hvg_channel {
	struct list_head node;		/* in hvg_conn.channels */
	struct list_head sub_node;	/* in primary->subs, or the head */
	struct list_head subs;
	struct hvg_channel *primary;	/* NULL for a primary */
	struct hvg_device *hdev;

	struct vmbus_channel_offer_channel offer;
	u32 relid;
	u32 sig_conn_id;
	u16 subindex;
	bool monitored;
	u8 monitorid;

	enum hvg_chan_state state;
	bool rescinded;
	bool released;
	struct mutex open_lock;		/* open and close against a rescind */
	u32 target_cpu;

	/*
	 * The counters of channels/<relid>/ (Linux's stable sysfs ABI), plain
	 * increments as in Linux: @interrupts under chan_lock, @out_full_*
	 * and @intr_out_empty under out_lock, @intr_in_full under in_lock;
	 * @events is counted racily, as Linux does, and may miss one.
	 */
	u64 interrupts;
	u64 events;
	u64 intr_in_full;
	u64 intr_out_empty;
	u64 out_full_first;
	u64 out_full_total;
	bool out_full;			/* the last send found the ring full */

	/* Ring buffers */
	/* @ring_mem, @ring_bytes, @out/@in set-up against mmap and sysfs */
	struct mutex ring_lock;
	void *ring_mem;
	u32 ring_bytes;
	struct hvg_gpadl ring_gpadl;
	struct hv_ring out;
	struct hv_ring in;
	spinlock_t out_lock;		/* producer side of @out */
	spinlock_t in_lock;		/* consumer side of @in */
	struct hvg_rqst_table rqst;
	wait_queue_head_t space_wait;

	/* Inbound signal → driver callback */
	struct tasklet_struct tasklet;
	hvg_channel_cb onchannel;
	void *ctx;
	bool polled;			/* the driver unmasks: hvg_channel_poll_done() */

	/*
	 * Waiting for OPENCHANNEL_RESULT / MODIFYCHANNEL_RESPONSE.  A result
	 * counts only for the open it names (@openid, a new one each time);
	 * MODIFYCHANNEL_RESPONSE names nothing but the relid, so the answers
	 * still owed to requests that timed out (@modify_late) are dropped
	 * first.  chan_lock guards these fields from the message handlers on.
	 * @open_answered: the result of the current open came (a rescind
	 * completes open_done too).
	 */
	struct completion open_done;
	u32 openid;
	u32 open_status;
	bool open_answered;
	struct mutex modify_lock;	/* one MODIFYCHANNEL at a time */
	struct completion modify_done;
	bool modify_waiting;
	u32 modify_late;
	u32 modify_status;

	void (*sc_cb)(struct hvg_channel *sub);
	struct work_struct add_work;	/* device creation / subchannel delivery */
	struct work_struct rescind_work;
	struct kobject kobj;		/* channels/<relid> */
	bool kobj_added;
};

struct hvg_msg_waiter {
	struct list_head node;
	u32 msgtype;
	u32 relid;			/* 0 for replies that name none */
	u32 key;
	struct completion done;
	union {
		struct vmbus_channel_gpadl_created created;
		struct vmbus_channel_gpadl_torndown torndown;
		struct vmbus_channel_version_response version;
		u8 raw[HVG_MSG_PAYLOAD_BYTES];
	} resp;
};

struct hvg_conn {
	const struct hv_backend_ops *ops;
	struct mutex lock;		/* backend (un)registration */
	u32 version;
	u32 msg_conn_id;
	bool connected;

	void *int_page;
	void *monitor_pages[2];

	spinlock_t chan_lock;		/* channels list and relid table */
	struct list_head channels;
	struct hvg_channel **relid_table;

	spinlock_t wait_lock;		/* @waiters */
	struct list_head waiters;

	struct workqueue_struct *msg_wq;	/* message dispatch, never blocks */
	struct workqueue_struct *dev_wq;	/* device add/remove, may block */
	struct completion offers_done;
	atomic_t next_gpadl;
	atomic_t next_openid;
};

extern struct hvg_conn hvg_conn;

/* synic.c */
int hvg_synic_init(void);
void hvg_synic_exit(void);
int hvg_post_msg(void *msg, u32 size);
u16 hvg_post_msg_status(void *msg, u32 size);
bool hvg_synic_cpu_ok(u32 cpu);
u32 hvg_synic_pick_cpu(u32 n);

/* connection.c */
int hvg_connect(void);
void hvg_disconnect(void);
void hvg_waiter_add(struct hvg_msg_waiter *w, u32 msgtype, u32 relid, u32 key);
int hvg_waiter_wait(struct hvg_msg_waiter *w, const char *what);
void hvg_waiter_cancel(struct hvg_msg_waiter *w);
bool hvg_waiter_complete(u32 msgtype, u32 relid, u32 key, const void *msg,
			 u32 size);
void hvg_dispatch_msg(const void *msg, u32 size);
const char *hvg_version_str(u32 version, char *buf, size_t len);
void hvg_signal_host(struct hvg_channel *chan);

/* channel_mgmt.c */
void hvg_on_offer(const struct vmbus_channel_offer_channel *offer);
void hvg_on_rescind(u32 relid);
void hvg_on_open_result(const struct vmbus_channel_open_result *res);
void hvg_on_modify_response(const struct vmbus_channel_modifychannel_response *r);
struct hvg_channel *hvg_relid_get(u32 relid);
void hvg_remove_all_devices(void);
void hvg_channel_free(struct hvg_channel *chan);
void hvg_chan_event(u32 relid);
int hvg_channel_set_cpu(struct hvg_channel *chan, u32 cpu);
void hvg_channel_finish(struct hvg_channel *chan);
bool hvg_instance_in_use(const struct hvg_channel *primary);
const char *hvg_chan_state_name(const struct hvg_channel *chan);

/* channel.c */
void hvg_channel_tasklet(struct tasklet_struct *t);

/* bus.c */
int hvg_bus_init(void);
void hvg_bus_exit(void);
int hvg_device_add(struct hvg_channel *primary);
void hvg_device_remove(struct hvg_device *hdev);

/* pipe.c */
void hvg_on_tl_result(const struct vmbus_channel_tl_connect_result *res);

/* mmio.c */
void hvg_mmio_reset(void);

/* sysfs.c */
extern const struct attribute_group **hvg_dev_attr_groups;
extern const struct attribute_group **hvg_bus_attr_groups;
int hvg_chan_sysfs_add(struct hvg_channel *chan);
void hvg_chan_sysfs_del(struct hvg_channel *chan);

#define hvg_err_rl(fmt, ...) pr_err_ratelimited(fmt, ##__VA_ARGS__)

#endif /* _HVG_VMBUS_PRIV_H */
