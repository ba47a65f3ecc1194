/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's storage host (new_device "scsi ..."): one SCSI target behind a
 * synthetic SCSI controller, with LUN 0 and LUNs added and removed at run
 * time, each backed by RAM or a file.
 */
#ifndef _HVSIM_SCSI_H
#define _HVSIM_SCSI_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "hvsim.h"
#include <hvguest/vstor_proto.h>

#define HVSIM_SCSI_BLOCK	512
#define HVSIM_SCSI_MAX_LUNS	8
#define HVSIM_SCSI_MAX_HELD	16	/* SRBs swallowed until a reset */
#define HVSIM_SCSI_MAX_WS	(1U << 18)	/* WRITE SAME blocks: 128 MiB */

struct file;

/* What the LUNs advertise for thin provisioning (discard=). */
enum hvsim_scsi_discard {
	HVSIM_DISCARD_UNMAP,	/* UNMAP (default) */
	HVSIM_DISCARD_WS16,	/* WRITE SAME (16) with the UNMAP bit */
	HVSIM_DISCARD_WS10,	/* WRITE SAME (10) with the UNMAP bit */
	HVSIM_DISCARD_NONE,	/* fully provisioned */
};

/*
 * What differs between the hosts hvsim plays (scsi.c, hvsim_scsi_pers[],
 * indexed by enum hvsim_pers_id); the sources are there.
 */
struct hvsim_scsi_pers {
	u32 max_version;	/* newest VSTOR version accepted */
	u32 max_xfer;		/* max_transfer_bytes of the properties */
	bool reset_flushes;	/* a reset completes the SRBs held */
	bool nt_status;		/* SRB completions carry an NTSTATUS */
	bool echo_len;		/* completions as long as the request */
};

extern const struct hvsim_scsi_pers hvsim_scsi_pers[HVSIM_NR_PERS];

/* Where the initialization of the primary channel stands. */
enum hvsim_vstor_state {
	HVSIM_VSTOR_BEGIN,		/* BEGIN_INITIALIZATION expected */
	HVSIM_VSTOR_QUERY_VERSION,
	HVSIM_VSTOR_QUERY_PROPERTIES,
	HVSIM_VSTOR_END_INIT,		/* [CREATE_SUB_CHANNELS,] END_... */
	HVSIM_VSTOR_READY,
};

/* One logical unit and its medium. */
struct hvsim_scsi_lun {
	u64 size;		/* bytes, a multiple of HVSIM_SCSI_BLOCK */
	u8 *ram;		/* RAM backing, or NULL */
	struct file *filp;	/* file backing, or NULL */
};

/* An SRB the host swallowed (fault_swallow), answered at the next reset. */
struct hvsim_scsi_held {
	struct hvsim_chan *chan;
	u64 trans_id;
	struct vstor_packet p;
};

/*
 * The channels of a controller run their SRBs beside each other (the
 * service is parallel): the LUN table, the version and the properties
 * change only with the host to itself; the held SRBs have held_lock; each
 * channel has its own bounce buffer (chan->priv).
 */
struct hvsim_scsi {
	struct hvsim_dev *dev;
	const struct hvsim_scsi_pers *pers;
	enum hvsim_vstor_state state;	/* reset when the primary opens */
	bool sub_requested;	/* CREATE_SUB_CHANNELS done */
	struct hvsim_scsi_lun *luns[HVSIM_SCSI_MAX_LUNS];	/* NULL: none */
	u64 lun_size[HVSIM_SCSI_MAX_LUNS];	/* for readers without the lock */
	u32 max_version;	/* newest VSTOR version accepted */
	u32 version;		/* negotiated, 0 before */
	u32 max_xfer;		/* bytes per request */
	u16 subchannels;	/* offered on request */
	enum hvsim_scsi_discard discard;
	spinlock_t held_lock;	/* held, nheld */
	struct hvsim_scsi_held held[HVSIM_SCSI_MAX_HELD];
	unsigned int nheld;
	/* fault knobs (debugfs dev<N>/) */
	u64 media_err_lba;
	u64 media_err_blocks;	/* 0: off */
	atomic_t fault_bad_len;	/* next N completions claim a wrong length */
	atomic_t fault_short;	/* next N completions are cut short */
	atomic_t fault_bad_id;	/* next N completions carry an unknown id */
	atomic_t fault_busy;	/* next N SRBs fail with SCSI BUSY */
	atomic_t fault_queue_full;	/* ... with SCSI TASK SET FULL */
	atomic_t fault_srb_busy;	/* ... with SRB status BUSY */
	atomic_t fault_swallow;	/* next N SRBs get no answer until a reset */
	atomic_t fault_ignore_reset;	/* next N resets complete nothing */
	atomic_t fault_fail_reset;	/* next N resets fail */
	atomic_t fault_stall_reset;	/* next N resets are never answered */
	atomic_t fault_late_reply;	/* VSTOR op whose next reply is late */
	atomic_t fault_bad_inband;	/* next N SRBs: unknown and short in-band */
	struct hvsim_scsi_held late;	/* that reply, if chan is set */
	u32 delay_ms;		/* every SRB takes that long */
	atomic64_t srbs;	/* statistics */
	atomic64_t errors;
	u64 resets;
	atomic_t running;	/* channels being serviced now */
	atomic_t running_max;	/* the most at once */
};

/* One SRB being executed: input from the packet, output for the reply. */
struct hvsim_scsi_cmd {
	struct hvsim_scsi *s;
	struct hvsim_scsi_lun *lun;
	const u8 *cdb;
	u8 cdb_len;
	const u64 *pfns;	/* the pages of the request's one range */
	u32 npfns;
	u32 data_off;		/* offset of the data in pfns[0] */
	u8 *bounce;		/* the channel's, max_xfer bytes */
	u32 room;		/* bytes the guest offered */
	u32 xfer;		/* bytes moved */
	u8 scsi_status;
	u8 srb_status;
	u8 sense_len;
	u8 sense[VSTOR_SENSE_MAX];
};

/* scsi_backing.c */
struct hvsim_scsi_lun *hvsim_scsi_lun_open(struct file *file, u64 size);
void hvsim_scsi_lun_close(struct hvsim_scsi_lun *lun);
int hvsim_scsi_backing_rw(struct hvsim_scsi_lun *lun, u64 off, void *buf,
			  u32 len, bool write);
int hvsim_scsi_backing_sync(struct hvsim_scsi_lun *lun);
int hvsim_scsi_backing_discard(struct hvsim_scsi_lun *lun, u64 off, u64 len);

/* scsi_cmds.c */
void hvsim_scsi_execute(struct hvsim_scsi_cmd *c);
void hvsim_scsi_sense(struct hvsim_scsi_cmd *c, u8 key, u8 asc, u8 ascq);

/* scsi_vstor.c */
int hvsim_scsi_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		      bool *signal);
void hvsim_scsi_drop_held(struct hvsim_scsi *s, struct hvsim_chan *chan);
void hvsim_scsi_complete_held(struct hvsim_scsi *s);

/* scsi_luns.c */
void hvsim_scsi_luns_init(struct hvsim_dev *dev);

#endif /* _HVSIM_SCSI_H */
