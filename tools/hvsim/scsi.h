/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's storage host (new_device "scsi ..."): one SCSI target with one
 * LUN behind a synthetic SCSI controller, backed by RAM or a file.
 */
#ifndef _HVSIM_SCSI_H
#define _HVSIM_SCSI_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "hvsim.h"
#include <hvguest/vstor_proto.h>

#define HVSIM_SCSI_BLOCK	512
#define HVSIM_SCSI_MAX_RANGES	256

struct file;

struct hvsim_scsi {
	u64 size;		/* bytes, a multiple of HVSIM_SCSI_BLOCK */
	u8 *ram;		/* RAM backing, or NULL */
	struct file *filp;	/* file backing, or NULL */
	u8 *bounce;		/* max_xfer bytes */
	u32 max_version;	/* newest VSTOR version accepted */
	u32 version;		/* negotiated, 0 before */
	u32 max_xfer;		/* bytes per request */
	u16 subchannels;	/* offered on request */
	/* fault knobs (debugfs dev<N>/) */
	u64 media_err_lba;
	u64 media_err_blocks;	/* 0: off */
	atomic_t fault_bad_len;	/* next N completions claim a wrong length */
	atomic_t fault_bad_id;	/* next N completions carry an unknown id */
	atomic_t fault_busy;	/* next N SRBs fail with SCSI BUSY */
	u64 srbs;		/* statistics */
	u64 errors;
};

/* One SRB being executed: input from the packet, output for the reply. */
struct hvsim_scsi_cmd {
	struct hvsim_scsi *s;
	const u8 *cdb;
	u8 cdb_len;
	const struct hv_page_buffer *ranges;
	u32 nranges;
	u32 room;		/* bytes the guest offered */
	u32 xfer;		/* bytes moved */
	u8 scsi_status;
	u8 srb_status;
	u8 sense_len;
	u8 sense[VSTOR_SENSE_MAX];
};

/* scsi_backing.c */
int hvsim_scsi_backing_open(struct hvsim_scsi *s, const char *path, u64 size);
void hvsim_scsi_backing_close(struct hvsim_scsi *s);
int hvsim_scsi_backing_rw(struct hvsim_scsi *s, u64 off, void *buf, u32 len,
			  bool write);
int hvsim_scsi_backing_sync(struct hvsim_scsi *s);
void hvsim_scsi_backing_discard(struct hvsim_scsi *s, u64 off, u64 len);

/* scsi_cmds.c */
void hvsim_scsi_execute(struct hvsim_scsi_cmd *c);
void hvsim_scsi_sense(struct hvsim_scsi_cmd *c, u8 key, u8 asc, u8 ascq);

/* scsi_vstor.c */
int hvsim_scsi_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		      bool *signal);

#endif /* _HVSIM_SCSI_H */
