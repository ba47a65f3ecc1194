// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for drivers/storvsc/parse.c: the guest's decoding of
 * the packets a storvsc host sends and of its SRB completions.
 *
 * Input: the command's data length (u32), then a packet as read from the
 * ring, in a buffer of its exact size.  Decoded as storvsc_packet() and
 * storvsc_srb_done() do; the oracle restates the rules, and the sense
 * data is copied into a buffer of SCSI_SENSE_BUFFERSIZE bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "fuzz.h"
#include "parse.h"

#define SENSE_BUFFERSIZE	96	/* SCSI_SENSE_BUFFERSIZE */

/* The verdict of storvsc_parse_srb(), restated. */
static enum storvsc_srb_verdict verdict(const struct vmscsi_request *srb,
					u32 bufflen)
{
	switch (srb->srb_status & 0x3f) {
	case VSTOR_SRB_SUCCESS:
	case VSTOR_SRB_DATA_OVERRUN:
		return srb->data_transfer_length > bufflen ? STORVSC_SRB_ERROR :
		       STORVSC_SRB_DONE;
	case VSTOR_SRB_ERROR:
		return srb->scsi_status ? STORVSC_SRB_STATUS : STORVSC_SRB_ERROR;
	case VSTOR_SRB_BUSY:
		return STORVSC_SRB_REQUEUE;
	case VSTOR_SRB_BUS_RESET:
		return STORVSC_SRB_RESET;
	case VSTOR_SRB_INVALID_LUN:
	case VSTOR_SRB_SELECTION_TIMEOUT:
		return STORVSC_SRB_GONE;
	}
	return STORVSC_SRB_ERROR;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct vmpacket_descriptor *d;
	struct storvsc_srb_result r;
	struct vstor_packet resp;
	u32 bufflen = 0, plen;
	u8 *pkt, *sense;
	int len, ret;

	if (size > UINT32_MAX)
		return 0;
	memcpy(&bufflen, data, min_t(size_t, size, 4));
	data += min_t(size_t, size, 4);
	plen = size - min_t(size_t, size, 4);
	pkt = malloc(plen ?: 1);
	sense = malloc(SENSE_BUFFERSIZE);
	if (!pkt || !sense)
		abort();
	memcpy(pkt, data, plen);

	len = storvsc_parse_packet(pkt, plen, &resp);
	d = (const void *)pkt;
	if (len < 0) {
		check(len == -EBADMSG);
		check(plen < sizeof(*d) || d->offset8 * 8 < sizeof(*d) ||
		      d->offset8 > d->len8 || d->len8 * 8u > plen);
		goto out;
	}
	check(len == (d->len8 - d->offset8) * 8);
	/* Copied once, zero-filled beyond what was sent. */
	check(!memcmp(&resp, pkt + d->offset8 * 8,
		      min_t(u32, len, sizeof(resp))));
	if ((u32)len < sizeof(resp))
		for (plen = len; plen < sizeof(resp); plen++)
			check(!((u8 *)&resp)[plen]);
	if (d->type != VM_PKT_COMP)
		goto out;

	ret = storvsc_parse_srb(&resp, len, bufflen, SENSE_BUFFERSIZE, &r);
	if (resp.operation != VSTOR_OP_COMPLETE_IO || len < 12 + 0x24) {
		check(ret == -EBADMSG);
		goto out;
	}
	check(!ret);
	check(r.verdict == verdict(&resp.srb, bufflen));
	check(r.xfer <= bufflen);
	check(r.xfer == (r.verdict == STORVSC_SRB_DONE ?
			 resp.srb.data_transfer_length : 0));
	check(r.overrun == (r.verdict == STORVSC_SRB_ERROR &&
			    (VSTOR_SRB_STATUS(resp.srb.srb_status) == VSTOR_SRB_SUCCESS ||
			     VSTOR_SRB_STATUS(resp.srb.srb_status) == VSTOR_SRB_DATA_OVERRUN)));
	if (!(resp.srb.srb_status & VSTOR_SRB_AUTOSENSE_VALID) ||
	    resp.srb.scsi_status != 2)
		check(!r.sense_len);
	check(r.sense_len <= resp.srb.sense_info_length);
	memcpy(sense, resp.srb.sense_data, r.sense_len);
out:
	free(pkt);
	free(sense);
	return 0;
}
