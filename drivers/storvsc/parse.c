// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_storvsc: decoders of what the host sends.  They check a packet
 * against the length it arrived with and turn an SRB completion into what
 * the SCSI midlayer is told; none touches driver state, so the userspace
 * fuzzer compiles this file unchanged.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "parse.h"

/**
 * storvsc_parse_packet() - check a packet's descriptor, read its payload
 * @pkt: the packet as read from the ring
 * @actual: bytes read
 * @resp: set to the payload, read once; what the host did not send reads
 *	as zeroes, what exceeds a vstor_packet is ignored
 *
 * Return: the payload's length, or -EBADMSG if the descriptor's offset or
 * length does not fit the packet.
 */
int storvsc_parse_packet(const void *pkt, u32 actual,
			 struct vstor_packet *resp)
{
	struct vmpacket_descriptor d;
	u32 off, len;

	if (actual < sizeof(d))
		return -EBADMSG;
	memcpy(&d, pkt, sizeof(d));
	off = d.offset8 * 8;
	len = d.len8 * 8;
	if (off < sizeof(d) || off > len || len > actual)
		return -EBADMSG;
	memset(resp, 0, sizeof(*resp));
	memcpy(resp, (const u8 *)pkt + off, min_t(u32, len - off, sizeof(*resp)));
	return len - off;
}

/**
 * storvsc_parse_srb() - decode the host's completion of an SRB
 * @resp: the completion, zero-filled beyond @len (storvsc_parse_packet())
 * @len: bytes of it the host sent
 * @bufflen: the command's data length
 * @sense_max: bytes the command's sense buffer holds
 * @r: set to the result
 *
 * A completion must be a COMPLETE_IO at least as long as a pre-WIN8 SRB
 * packet (hosts of any protocol version may send that size).  Sense data
 * counts only with AUTOSENSE_VALID and CHECK CONDITION, and no more of it
 * than the SRB's sense area and the command's buffer hold.  The data
 * length counts only on success or overrun, and never beyond @bufflen.
 *
 * Return: 0, or -EBADMSG if the completion is malformed.
 */
int storvsc_parse_srb(const struct vstor_packet *resp, u32 len, u32 bufflen,
		      u32 sense_max, struct storvsc_srb_result *r)
{
	const struct vmscsi_request *srb = &resp->srb;

	memset(r, 0, sizeof(*r));
	if (resp->operation != VSTOR_OP_COMPLETE_IO ||
	    len < VSTOR_HDR_BYTES + sizeof(resp->srb) - VSTOR_WIN8_EXTENSION)
		return -EBADMSG;
	if ((srb->srb_status & VSTOR_SRB_AUTOSENSE_VALID) &&
	    srb->scsi_status == STORVSC_SAM_CHECK_CONDITION)
		r->sense_len = min3((u32)srb->sense_info_length,
				    (u32)VSTOR_SENSE_MAX, sense_max);

	switch (VSTOR_SRB_STATUS(srb->srb_status)) {
	case VSTOR_SRB_SUCCESS:
	case VSTOR_SRB_DATA_OVERRUN:
		r->verdict = STORVSC_SRB_DONE;
		r->xfer = srb->data_transfer_length;
		if (r->xfer > bufflen) {
			r->verdict = STORVSC_SRB_ERROR;
			r->overrun = true;
			r->xfer = 0;
		}
		return 0;
	case VSTOR_SRB_ERROR:
		r->verdict = srb->scsi_status ? STORVSC_SRB_STATUS :
			     STORVSC_SRB_ERROR;
		break;
	case VSTOR_SRB_BUSY:
		r->verdict = STORVSC_SRB_REQUEUE;
		break;
	case VSTOR_SRB_BUS_RESET:
		r->verdict = STORVSC_SRB_RESET;
		break;
	case VSTOR_SRB_INVALID_LUN:
	case VSTOR_SRB_SELECTION_TIMEOUT:
		r->verdict = STORVSC_SRB_GONE;
		break;
	default:
		r->verdict = STORVSC_SRB_ERROR;
	}
	return 0;
}
