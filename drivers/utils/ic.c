// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IC framework: every packet from the host is a request carrying the
 * pipe and IC headers; it is answered in place, with the same length and
 * transaction id.  Version negotiation is answered here, everything else
 * by the service.
 */
#include <linux/device.h>
#include <linux/stddef.h>
#include <linux/string.h>

#include "utils.h"

/*
 * Answer a negotiation in @neg, which has room for the two-version answer.
 * Return: false if the request was malformed or nothing matched.
 */
static bool util_negotiate(struct util_dev *ud, struct icmsg_hdr *hdr,
			   struct icmsg_negotiate *neg, u32 len)
{
	struct util_ic_neg r;
	u32 fw, srv;
	int ret;

	ret = util_ic_parse_negotiate(neg, len, ud->svc->versions,
				      ud->svc->nversions, &r);
	if (ret == -EBADMSG) {
		dev_err_ratelimited(&ud->hdev->dev,
				    "%s: malformed negotiation (%u framework, %u service versions in %u bytes)\n",
				    ud->svc->name, r.nfw, r.nsrv, len);
		ud->malformed++;
	}
	fw = r.fw;
	srv = r.srv;
	hdr->icmsgsize = HVG_IC_NEGOTIATE_ANSWER_LEN;
	util_ic_negotiate_answer(neg, fw, srv);
	if (ret) {
		WRITE_ONCE(ud->fw_version, 0);
		WRITE_ONCE(ud->srv_version, 0);
		if (ret == -ENOENT)
			dev_err_ratelimited(&ud->hdev->dev,
					    "%s: no common %s version with the host, refused\n",
					    ud->svc->name, fw ? "service" : "framework");
		return false;
	}
	if (fw != ud->fw_version || srv != ud->srv_version)
		dev_info(&ud->hdev->dev, "%s IC: framework %u.%u, service version %u.%u\n",
			 ud->svc->name, HVG_IC_MAJOR(fw), HVG_IC_MINOR(fw),
			 HVG_IC_MAJOR(srv), HVG_IC_MINOR(srv));
	WRITE_ONCE(ud->fw_version, fw);
	WRITE_ONCE(ud->srv_version, srv);
	return true;
}

/* Answer the request in ud->buf in place; return the answer's length. */
static u32 util_request(struct util_dev *ud, u32 len)
{
	struct icmsg_hdr *hdr = (void *)(ud->buf + sizeof(struct vmbuspipe_hdr));
	u8 *body = ud->buf + HVG_IC_HDR_LEN;
	u32 blen = len - HVG_IC_HDR_LEN;

	if (hdr->icmsgtype == ICMSGTYPE_NEGOTIATE) {
		/* The answer may be longer than a malformed request. */
		if (len < HVG_IC_HDR_LEN + HVG_IC_NEGOTIATE_ANSWER_LEN) {
			memset(ud->buf + len, 0,
			       HVG_IC_HDR_LEN + HVG_IC_NEGOTIATE_ANSWER_LEN - len);
			len = HVG_IC_HDR_LEN + HVG_IC_NEGOTIATE_ANSWER_LEN;
		}
		hdr->status = util_negotiate(ud, hdr, (void *)body, blen) ?
			      HVG_IC_S_OK : HVG_IC_E_FAIL;
	} else if (hdr->icmsgtype == ud->svc->msgtype) {
		hdr->status = HVG_IC_S_OK;
		ud->svc->handle(ud, hdr, body, blen);
		if (hdr->status == HVG_IC_S_OK)
			ud->requests++;
		else
			ud->malformed++;
	} else {
		dev_err_ratelimited(&ud->hdev->dev, "%s: unknown message type %u refused\n",
				    ud->svc->name, hdr->icmsgtype);
		ud->malformed++;
		hdr->status = HVG_IC_E_FAIL;
	}
	return len;
}

static void util_packet(struct util_dev *ud, u32 len, u64 trans_id)
{
	struct icmsg_hdr *hdr;
	u16 type;

	if (len < HVG_IC_HDR_LEN) {
		dev_err_ratelimited(&ud->hdev->dev,
				    "%s: packet of %u bytes is shorter than the IC header, ignored\n",
				    ud->svc->name, len);
		ud->malformed++;
		return;
	}
	hdr = (void *)(ud->buf + sizeof(struct vmbuspipe_hdr));
	type = hdr->icmsgtype;
	ud->trans_id = trans_id;
	len = util_request(ud, len);
	/* The pipe header of the answer covers what follows it. */
	((struct vmbuspipe_hdr *)ud->buf)->msgsize = len - sizeof(struct vmbuspipe_hdr);
	if (ud->deferred) {
		ud->deferred = false;
		return;
	}
	if (util_ic_answer(ud, ud->buf, len, trans_id))
		return;
	if (type == ud->svc->msgtype && hdr->status == HVG_IC_S_OK &&
	    ud->svc->answered)
		ud->svc->answered(ud);
}

/**
 * util_ic_defer() - answer the request being handled later
 * @ud: the device; called from its service's handle()
 *
 * The service keeps a copy of the packet (ud->buf is reused for the next
 * one) and answers it with util_ic_answer().
 *
 * Return: the request's transaction id.
 */
u64 util_ic_defer(struct util_dev *ud)
{
	ud->deferred = true;
	return ud->trans_id;
}

/**
 * util_ic_answer() - send an answer, in place or to a deferred request
 * @ud: the device
 * @pkt: the request as received, headers included, rewritten into the
 *	answer (hdr->status set); the response flags are set here
 * @len: its length
 * @trans_id: what util_ic_defer() returned
 *
 * Any context.
 *
 * Return: 0, -ENODEV once the channel is closing, or the error of
 * hvg_sendpacket().
 */
int util_ic_answer(struct util_dev *ud, u8 *pkt, u32 len, u64 trans_id)
{
	struct icmsg_hdr *hdr = (void *)(pkt + sizeof(struct vmbuspipe_hdr));
	unsigned long flags;
	int ret = -ENODEV;

	hdr->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE;
	spin_lock_irqsave(&ud->answer_lock, flags);
	if (!ud->closing)
		ret = hvg_sendpacket(ud->hdev->channel, pkt, len, trans_id,
				     VM_PKT_DATA_INBAND, 0);
	spin_unlock_irqrestore(&ud->answer_lock, flags);
	if (ret)
		dev_err_ratelimited(&ud->hdev->dev, "%s: cannot answer the host: %d\n",
				    ud->svc->name, ret);
	return ret;
}

/**
 * util_ic_onchannel() - the channel callback of every integration component
 * @ctx: the struct util_dev
 */
void util_ic_onchannel(void *ctx)
{
	struct util_dev *ud = ctx;
	u64 trans_id;
	u32 len;
	int ret;

	for (;;) {
		/* Room for the longest answer, which may exceed the request. */
		ret = hvg_recvpacket(ud->hdev->channel, ud->buf,
				     UTIL_BUF_BYTES - HVG_IC_NEGOTIATE_ANSWER_LEN,
				     &len, &trans_id);
		if (ret)
			break;
		util_packet(ud, len, trans_id);
	}
	if (ret == -ENOBUFS)
		hvg_channel_fail(ud->hdev->channel, "IC packet larger than the ring");
}
