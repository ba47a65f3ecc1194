/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_storvsc: decoders of what the host sends (packets, SRB completions).
 * Pure functions: compiled into hv_storvsc and into the userspace fuzzer
 * (tools/testing/fuzz/fuzz_storvsc.c).
 */
#ifndef _STORVSC_PARSE_H
#define _STORVSC_PARSE_H

#include <linux/types.h>
#include <hvguest/vmbus_proto.h>
#include <hvguest/vstor_proto.h>

#define STORVSC_SAM_CHECK_CONDITION	0x02	/* SAM_STAT_CHECK_CONDITION */

/* What the SCSI midlayer is told of an SRB the host completed. */
enum storvsc_srb_verdict {
	STORVSC_SRB_DONE,	/* the command ran; @xfer bytes moved */
	STORVSC_SRB_STATUS,	/* it failed with the SCSI status alone */
	STORVSC_SRB_ERROR,	/* DID_ERROR */
	STORVSC_SRB_REQUEUE,	/* DID_REQUEUE: the host was busy */
	STORVSC_SRB_RESET,	/* DID_RESET: aborted by a bus reset */
	STORVSC_SRB_GONE,	/* DID_NO_CONNECT: the LUN is gone */
};

/* An SRB completion, decoded. */
struct storvsc_srb_result {
	enum storvsc_srb_verdict verdict;
	u32 xfer;		/* bytes moved: at most the command's length */
	u32 sense_len;		/* sense bytes to copy from srb.sense_data */
	bool overrun;		/* the host claimed more than the length */
};

int storvsc_parse_packet(const void *pkt, u32 actual,
			 struct vstor_packet *resp);
int storvsc_parse_srb(const struct vstor_packet *resp, u32 len, u32 bufflen,
		      u32 sense_max, struct storvsc_srb_result *r);

#endif /* _STORVSC_PARSE_H */
