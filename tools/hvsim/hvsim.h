/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim: a simulated Hyper-V host beneath hv_vmbus.  Interfaces between the
 * files of the module.
 *
 * Locking: host-side processing (channel messages, channel service,
 * control commands) runs on one ordered workqueue with hvsim.lock held for
 * writing, so the host state needs no finer locking.  The exception are the
 * channels of parallel services (struct hvsim_service): they are serviced on
 * a workqueue of their own, beside each other, with hvsim.lock held for
 * reading; such a service guards what its channels share itself.  What the
 * guest reaches from atomic context has its own spinlocks: the inbound
 * message queue (in_lock), the SynIC pages and the outbound message queue
 * (synic_lock), and the relid/monitor lookup tables (chan_lock).
 */
#ifndef _HVSIM_H
#define _HVSIM_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/uuid.h>
#include <linux/workqueue.h>
#include <hvguest/hv_backend.h>
#include <hvguest/vmbus_proto.h>

#include "personality.h"

#define HVSIM_CONN_ID_BASE	0x10000	/* a channel's connection id: base + relid */
#define HVSIM_NO_MONITOR	(-1)
#define HVSIM_MAX_SUBCHANNELS	16
#define HVSIM_GPADL_MAX_PAGES	16384	/* 64 MiB with 4 KiB pages */
#define HVSIM_IN_QUEUE_MAX	64	/* guest messages not yet processed */
#define HVSIM_OUT_QUEUE_MAX	4096	/* host messages not yet delivered */
#define HVSIM_PKT_INLINE	1024	/* guest packets copied without kmalloc */

/* NTSTATUS values the host puts into failure replies */
#define HVSIM_STATUS_UNSUCCESSFUL	0xc0000001
#define HVSIM_STATUS_INVALID_PARAMETER	0xc000000d
#define HVSIM_STATUS_NO_RESOURCES	0xc000009a
/* What OpenVMM's VMBus server puts into failed replies (protocol.rs) */
#define HVSIM_VMBUS_STATUS_UNSUCCESSFUL	0x8000ffff

/* Module parameters (main.c) */
extern u32 hvsim_max_version;
extern bool hvsim_monitor;
extern unsigned int hvsim_monitor_latency_us;

/* One direction of a channel's ring buffer, seen from the host. */
struct hvsim_ring {
	struct hv_ring_buffer *hdr;
	u8 *data;
	u32 size;	/* bytes in the data area */
	u32 priv;	/* the index the host owns: read (in) or write (out) */
	u32 pkt_len;	/* in: length of the peeked packet, without trailer */
	const char *err;	/* why the last call returned -EIO */
};

struct hvsim_dev;
struct hvsim_chan;
struct file;
struct seq_file;

/**
 * struct hvsim_service - a device class the simulated host can offer
 * @name: what `new_device` takes ("echo", ...)
 * @class_id: the offer's interface type GUID
 * @no_monitor: offer without a monitor id (the integration components)
 * @parallel: @service may run with hvsim.lock held for reading, beside the
 *	services of other channels; its packet handler returns -EBUSY for a
 *	packet that needs the host to itself, and is called again for it with
 *	hvsim.lock held for writing
 * @mmio_megabytes: MMIO space the offer asks for
 * @takes_file: `new_device` may name a file ("file=PATH"): the writer opens
 *	it, and @create finds it in dev->file (see hvsim_dev_add())
 * @create: optional; parse @args ("key=value ..." or NULL) into dev->priv
 * @destroy: optional; free dev->priv once the last channel is gone
 * @open: optional; the guest opened @chan; non-zero refuses the open
 * @answered: optional; the successful OPENCHANNEL_RESULT of @chan was
 *	just sent (hvsim.lock held for writing, the channel's service idle)
 * @close: optional; the guest closed @chan, or it is being rescinded
 * @service: required; consume what the guest wrote (hvsim_ring_peek() etc.)
 *	and answer with hvsim_chan_send(); return true if packets are left
 * @show: optional; extra text for the `devices` line of @chan
 * @offer: optional; amend the offer of @chan before it is sent
 *
 * All callbacks run with hvsim.lock held for writing, on the host
 * workqueue, except @service of a @parallel service (see there).
 */
struct hvsim_service {
	const char *name;
	guid_t class_id;
	bool no_monitor;
	bool parallel;
	bool takes_file;
	u16 mmio_megabytes;
	int (*create)(struct hvsim_dev *dev, char *args);
	void (*destroy)(struct hvsim_dev *dev);
	int (*open)(struct hvsim_chan *chan);
	void (*answered)(struct hvsim_chan *chan);
	void (*close)(struct hvsim_chan *chan);
	bool (*service)(struct hvsim_chan *chan);
	void (*show)(struct seq_file *s, struct hvsim_chan *chan);
	void (*offer)(struct hvsim_chan *chan,
		      struct vmbus_channel_offer_channel *msg);
};

enum hvsim_chan_state {
	HVSIM_CHAN_OFFERED,	/* exists; offered once the guest asks */
	HVSIM_CHAN_OPEN,
	HVSIM_CHAN_RESCINDED,	/* relid reserved until RELID_RELEASED */
};

struct hvsim_dev {
	struct list_head node;		/* in hvsim.devs */
	const struct hvsim_service *svc;
	const struct hvsim_personality *pers;	/* the host it plays */
	u16 mmio_megabytes;		/* the offer's; 0: the service's */
	bool mmio_exact;		/* mmio_megabytes even if 0 (a fault) */
	void *priv;			/* the service's */
	struct file *file;		/* new_device's file=, during ->create */
	struct dentry *dir;		/* debugfs hvsim/dev<id>/, for the service */
	unsigned int id;
	guid_t class_id;
	guid_t instance;
	unsigned int nchans;		/* channels not yet freed */
	u16 nsub;			/* highest subchannel index created */
	bool rescinded;
};

struct hvsim_gpadl {
	struct list_head node;		/* in hvsim.gpadls */
	u32 handle;
	u32 relid;
	u32 npages;
	u32 filled;			/* pfns received so far */
	u32 bodies;			/* GPADL_BODY messages received */
	u64 *pfns;
	void *va;			/* mapping, once complete */
	struct hvsim_chan *user;	/* open channel whose ring it holds */
};

struct hvsim_chan {
	struct list_head node;		/* in hvsim.chans, creation order */
	struct hvsim_dev *dev;
	u32 relid;
	u32 conn_id;
	int monitorid;			/* or HVSIM_NO_MONITOR */
	u16 subidx;
	enum hvsim_chan_state state;
	bool offered;			/* offer sent on this connection */
	bool broken;			/* guest corrupted the ring */
	bool stray;			/* fault_sub_index: not one of dev's */
	bool exclusive;			/* service has, or wants, hvsim.lock for writing */
	u32 target_vp;
	u32 openid;
	struct hvsim_gpadl *ring_gpadl;
	struct hvsim_ring in;		/* guest -> host */
	struct hvsim_ring out;		/* host -> guest */
	u64 served;			/* packets the service answered */
	void *priv;			/* the service's */
	struct file *file;		/* new_device's file=, during ->create */
	struct work_struct work;	/* service the rings */
	struct list_head dead;		/* in hvsim.dead_chans, once freed */
	u8 pkt[HVSIM_PKT_INLINE];	/* copy of the packet being serviced */
};

struct hvsim_msg {
	struct list_head node;
	u32 conn_id;			/* inbound: connection id posted to */
	u32 cpu;			/* outbound: target VP */
	u32 type;			/* SynIC message type */
	u32 size;			/* payload_size */
	u8 data[HVG_MSG_PAYLOAD_BYTES];
};

enum hvsim_fault {
	HVSIM_FAULT_DROP_MSG,
	HVSIM_FAULT_DUP_MSG,
	HVSIM_FAULT_CORRUPT_MSG,
	HVSIM_FAULT_BAD_OFFER,
	HVSIM_FAULT_RING_INDEX,
	HVSIM_FAULT_BAD_TRANS_ID,
	HVSIM_FAULT_GPADL_FAIL,
	HVSIM_FAULT_OPEN_FAIL,
	HVSIM_FAULT_BAD_PACKET,
	HVSIM_FAULT_MODIFY_FAIL,
	HVSIM_FAULT_ORPHAN_SUB,
	HVSIM_FAULT_RESCIND_SUB,
	HVSIM_FAULT_DUP_VERSION,
	HVSIM_FAULT_STRAY_EVENT,
	HVSIM_FAULT_GPADL_STRAY,
	HVSIM_FAULT_RESCIND_OPEN,
	HVSIM_FAULT_RESCIND_MODIFY,
	HVSIM_FAULT_SUB_INDEX,
	HVSIM_FAULT_VERSION_FAILED,
	HVSIM_FAULT_VERSION_CONN0,
	HVSIM_FAULT_VERSION_SILENT,
	HVSIM_NR_FAULTS
};

struct hvsim_cpu;

struct hvsim {
	struct rw_semaphore lock;	/* the host state below */
	struct workqueue_struct *wq;	/* ordered: all host processing */
	struct workqueue_struct *par_wq;	/* channels of parallel services */

	spinlock_t dead_lock;		/* dead_chans */
	struct list_head dead_chans;	/* freed, their work still to cancel */
	struct work_struct reap_work;

	spinlock_t in_lock;		/* in_msgs, in_count */
	struct list_head in_msgs;
	unsigned int in_count;
	struct work_struct msg_work;

	spinlock_t synic_lock;		/* SynIC pages, out_msgs, out_count */
	struct hvsim_cpu *cpus;		/* nr_cpu_ids entries */
	struct list_head out_msgs;
	unsigned int out_count;
	bool dead;			/* exiting; written under all three locks */

	spinlock_t chan_lock;		/* the tables, mon_*, int_send */
	struct hvsim_chan *relids[VMBUS_MAX_CHANNEL_RELIDS];
	struct hvsim_chan *monitored[VMBUS_MAX_MONITOR_ID + 1];
	u32 mon_open[4];		/* monitor bits of open channels */
	struct hv_monitor_page *mon_page;	/* guest's monitor page 2 */
	unsigned long *int_send;	/* WIN7: interrupt page, send half */
	struct hrtimer mon_timer;

	/* The connection; version is read locklessly by post_message. */
	u32 version;			/* 0: not connected */
	u32 target_vcpu;
	struct vmbus_channel_version_response version_resp;	/* the last one */
	bool offers_requested;
	u32 unloads;			/* UNLOADs the guest sent */
	void *int_page;			/* mappings of guest pages */
	void *mon_pages[2];

	struct list_head devs;
	struct list_head chans;
	struct list_head gpadls;
	DECLARE_BITMAP(monitor_ids, VMBUS_MAX_MONITOR_ID + 1);
	unsigned int next_dev_id;

	atomic_t faults[HVSIM_NR_FAULTS];
	atomic_t delay_ms;
	atomic_t late_type;		/* fault_late_reply: msgtype to hold back */
	struct hvsim_msg *held;		/* the reply held back, under lock */
	u32 held_release;		/* guest msgtype that sends it out */
	unsigned int corrupt_flip;
	unsigned int offer_flip;
	atomic_t packet_flip;
	struct dentry *debugfs;
};

extern struct hvsim hvsim;

/* main.c */
bool hvsim_fault(enum hvsim_fault f);
const char *hvsim_version_str(u32 version, char *buf, size_t len);

/* synic.c */
extern const struct hv_backend_ops hvsim_ops;
int hvsim_synic_init(void);
void hvsim_synic_stop(void);
void hvsim_synic_exit(void);
struct hvsim_msg *hvsim_in_pop(void);
void hvsim_send(const void *msg, u32 size);
void hvsim_signal_guest(struct hvsim_chan *chan);
void hvsim_release_held(u32 guest_msgtype);
void hvsim_drop_held(void);

/* vmbus.c */
bool hvsim_version_known(u32 version);
void hvsim_msg_work(struct work_struct *work);
void hvsim_reset_connection(void);

/* services.c */
const struct hvsim_service *hvsim_service_find(const char *name);

/* chan.c */
struct hvsim_dev *hvsim_dev_add(const struct hvsim_service *svc, char *args,
				struct file *file);
bool hvsim_take_word(char *args, const char *key, char *val, size_t len);
int hvsim_chan_send(struct hvsim_chan *chan, u16 type, u16 flags,
		    u64 trans_id, const struct kvec *kv, unsigned int nkv,
		    bool *signal);
const char *hvsim_gpa_ranges(const struct vmbus_packet_page_buffer *pb,
			     u32 len, u32 max_ranges, u32 *total);
void hvsim_gpa_copy(const struct vmbus_packet_page_buffer *pb, void *buf);
bool hvsim_chan_service(struct hvsim_chan *chan,
			int (*packet)(struct hvsim_chan *chan, const u8 *pkt,
				      u32 len, bool *signal),
			unsigned int budget);
int hvsim_dev_del(u32 relid);
int hvsim_dev_del_id(unsigned int id);
struct hvsim_chan *hvsim_chan_add(struct hvsim_dev *dev, u16 subidx);
void hvsim_offer_rescinded_sub(struct hvsim_dev *dev);
int hvsim_add_subchannels(struct hvsim_dev *dev, u32 n);
void hvsim_rescind_subchannels(struct hvsim_dev *dev);
struct hvsim_chan *hvsim_chan_get(u32 relid);
void hvsim_chan_offer(struct hvsim_chan *chan);
int hvsim_chan_open(struct hvsim_chan *chan, struct hvsim_gpadl *g,
		    u32 offset, u32 vp);
void hvsim_chan_close(struct hvsim_chan *chan);
void hvsim_chan_free(struct hvsim_chan *chan);
void hvsim_chan_kick_locked(struct hvsim_chan *chan);
void hvsim_chan_queue(struct hvsim_chan *chan);
void hvsim_chan_reap(struct work_struct *work);
void hvsim_chan_broken(struct hvsim_chan *chan, const char *why);
void hvsim_free_all(void);
const char *hvsim_chan_state_str(const struct hvsim_chan *chan);

/* gpadl.c */
void hvsim_gpadl_header(const void *msg, u32 size);
void hvsim_gpadl_body(const void *msg, u32 size);
void hvsim_gpadl_teardown(const void *msg, u32 size);
struct hvsim_gpadl *hvsim_gpadl_find(u32 handle);
void hvsim_gpadl_drop_relid(u32 relid);
void hvsim_gpadl_free_all(void);
void *hvsim_map_guest(const u64 *pfns, u32 npages);

/* ring.c */
int hvsim_ring_init(struct hvsim_ring *r, void *base, u32 npages, bool in);
int hvsim_ring_peek(struct hvsim_ring *r, struct vmpacket_descriptor *desc);
void hvsim_ring_copy(const struct hvsim_ring *r, u32 skip, void *buf, u32 len);
bool hvsim_ring_consume(struct hvsim_ring *r);
void hvsim_ring_mask(struct hvsim_ring *r);
bool hvsim_ring_unmask(struct hvsim_ring *r);
int hvsim_ring_write(struct hvsim_ring *r, const struct kvec *kv,
		     unsigned int nkv, bool *signal);
int hvsim_ring_room(struct hvsim_ring *r, u32 len);
u32 hvsim_ring_free(struct hvsim_ring *r);
void hvsim_ring_corrupt_index(struct hvsim_ring *r);
void hvsim_ring_show(struct seq_file *s, struct hvsim_chan *chan);

/* monitor.c */
void hvsim_monitor_init(void);
void hvsim_monitor_exit(void);
void hvsim_monitor_open(struct hvsim_chan *chan);
void hvsim_monitor_close(struct hvsim_chan *chan);

/* The services (services.c lists them) */
extern const struct hvsim_service hvsim_echo_svc;
extern const struct hvsim_service hvsim_ic_heartbeat_svc;
extern const struct hvsim_service hvsim_ic_shutdown_svc;
extern const struct hvsim_service hvsim_ic_timesync_svc;
extern const struct hvsim_service hvsim_ic_kvp_svc;
extern const struct hvsim_service hvsim_ic_vss_svc;
extern const struct hvsim_service hvsim_ic_fcopy_svc;
extern const struct hvsim_service hvsim_scsi_svc;
extern const struct hvsim_service hvsim_net_svc;
extern const struct hvsim_service hvsim_video_svc;
extern const struct hvsim_service hvsim_mouse_svc;
extern const struct hvsim_service hvsim_kbd_svc;
extern const struct hvsim_service hvsim_dm_svc;
extern const struct hvsim_service hvsim_hvsock_svc;

/* hvsock_ctl.c */
struct dentry;
void hvsim_hvsock_tl_connect(const void *msg, u32 size);
void hvsim_hvsock_init(struct dentry *dir);
void hvsim_hvsock_exit(void);

/* video_mmio.c */
void hvsim_mmio_exit(void);
int hvsim_mmio_range(unsigned int index, phys_addr_t *start,
		     resource_size_t *size);
void *hvsim_mmio_va(u64 gpa, u64 len);

/* control.c */
void hvsim_control_init(void);
void hvsim_control_exit(void);
ssize_t hvsim_line_write(const char __user *ubuf, size_t count, struct mutex *lock,
			 int (*fn)(void *ctx, char *line), void *ctx);

#endif /* _HVSIM_H */
