// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SCSI midlayer side of hv_storvsc: commands become SRB packets whose
 * data is one range of guest pages, completions become SCSI results.
 */
#include <linux/blk-mq.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <scsi/scsi.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include <scsi/scsi_host.h>

#include <hvguest/compat.h>

#include "storvsc.h"

static bool storvsc_log(int level)
{
	return READ_ONCE(storvsc_logging_level) >= level;
}

/* Finish @cmd once: completion, rescind and send failure may race. */
static void storvsc_finish(struct scsi_cmnd *cmd)
{
	struct storvsc_req *req = scsi_cmd_priv(cmd);

	if (!test_and_set_bit(0, &req->completed))
		hvg_scsi_done(cmd);
}

static void storvsc_fail_cmd(struct scsi_cmnd *cmd, int host_byte)
{
	scsi_set_resid(cmd, scsi_bufflen(cmd));
	set_host_byte(cmd, host_byte);
	storvsc_finish(cmd);
}

static_assert(STORVSC_SAM_CHECK_CONDITION == SAM_STAT_CHECK_CONDITION);

/* The host bytes of the verdicts of storvsc_parse_srb(). */
static const u8 storvsc_host_byte[] = {
	[STORVSC_SRB_DONE] = DID_OK,
	[STORVSC_SRB_STATUS] = DID_OK,
	[STORVSC_SRB_ERROR] = DID_ERROR,
	[STORVSC_SRB_REQUEUE] = DID_REQUEUE,
	[STORVSC_SRB_RESET] = DID_RESET,
	[STORVSC_SRB_GONE] = DID_NO_CONNECT,
};

/**
 * storvsc_srb_done() - finish a command with the host's completion
 * @sd: the device
 * @req: the command's request
 * @resp: the completion's vstor_packet, zero-filled beyond @len
 * @len: bytes of it the host sent
 */
void storvsc_srb_done(struct storvsc_dev *sd, struct storvsc_req *req,
		      const struct vstor_packet *resp, u32 len)
{
	const struct vmscsi_request *srb = &resp->srb;
	struct scsi_cmnd *cmd = req->cmd;
	u32 bufflen = scsi_bufflen(cmd);
	struct storvsc_srb_result r;

	if (storvsc_parse_srb(resp, len, bufflen, SCSI_SENSE_BUFFERSIZE, &r)) {
		dev_err_ratelimited(&sd->hdev->dev, "malformed SRB completion (op %u, %u bytes)\n",
				    resp->operation, len);
		storvsc_fail_cmd(cmd, DID_ERROR);
		return;
	}
	cmd->result = srb->scsi_status;
	memcpy(cmd->sense_buffer, srb->sense_data, r.sense_len);
	if (r.verdict != STORVSC_SRB_STATUS && r.verdict != STORVSC_SRB_DONE)
		set_host_byte(cmd, storvsc_host_byte[r.verdict]);
	/*
	 * A LUN in use went away: find out which devices are left.  (While
	 * scanning, the device is not running yet.)
	 */
	if (r.verdict == STORVSC_SRB_GONE &&
	    cmd->device->sdev_state == SDEV_RUNNING && !READ_ONCE(sd->removing))
		schedule_work(&sd->rescan_work);
	if (r.overrun) {
		if (storvsc_log(STORVSC_LOG_ERROR))
			dev_err_ratelimited(&sd->hdev->dev, "host claims %u bytes moved for a %u byte command %#x\n",
					    srb->data_transfer_length, bufflen, cmd->cmnd[0]);
	} else if (r.verdict != STORVSC_SRB_DONE && storvsc_log(STORVSC_LOG_WARN)) {
		dev_warn_ratelimited(&sd->hdev->dev, "cmd %#x: srb status %#x scsi status %#x\n",
				     cmd->cmnd[0], srb->srb_status, srb->scsi_status);
	}
	scsi_set_resid(cmd, bufflen - r.xfer);
	storvsc_finish(cmd);
}

/*
 * Describe the data as one range: its length, its offset into the first
 * page and the list of its pages.  The virtual boundary of the queue makes
 * every segment but the first start on a page and every one but the last
 * end on one, so the pages follow each other without holes.
 *
 * Return: the number of pages, 0 without data, -EINVAL if the segments do
 * not form one range.
 */
static int storvsc_map_data(struct scsi_cmnd *cmd, struct storvsc_req *req)
{
	unsigned int i, nsg = scsi_sg_count(cmd);
	u32 len = scsi_bufflen(cmd), n = 0, need;
	struct scatterlist *sg;

	if (!len || !nsg)
		return 0;
	req->data_off = offset_in_page(scsi_sglist(cmd)->offset);
	need = DIV_ROUND_UP(req->data_off + len, PAGE_SIZE);
	if (need > STORVSC_MAX_PFNS)
		return -EINVAL;
	scsi_for_each_sg(cmd, sg, nsg, i) {
		unsigned long pfn = page_to_pfn(sg_page(sg)) +
				    (sg->offset >> PAGE_SHIFT);
		u32 po = offset_in_page(sg->offset), p, pages;

		if (n == need)
			break;
		pages = DIV_ROUND_UP(po + sg->length, PAGE_SIZE);
		/* A hole between this segment and its neighbours? */
		if ((i && po) ||
		    (n + pages < need && !PAGE_ALIGNED(po + sg->length)))
			return -EINVAL;
		pages = min(pages, need - n);
		for (p = 0; p < pages; p++)
			req->pfns[n++] = pfn + p;
	}
	return n == need ? n : -EINVAL;
}

static void storvsc_build_srb(struct Scsi_Host *host, struct scsi_cmnd *cmd,
			      struct vmscsi_request *srb)
{
	srb->length = sizeof(*srb);
	srb->port_number = host->host_no;
	srb->path_id = cmd->device->channel;
	srb->target_id = cmd->device->id;
	srb->lun = cmd->device->lun;
	srb->cdb_length = cmd->cmd_len;
	memcpy(srb->cdb, cmd->cmnd, cmd->cmd_len);
	srb->sense_info_length = VSTOR_SENSE_MAX;
	srb->data_transfer_length = scsi_bufflen(cmd);
	srb->queue_tag = VSTOR_SRB_UNTAGGED;
	srb->queue_action = VSTOR_SRB_SIMPLE_TAG;
	srb->srb_flags = VSTOR_SRB_FLAGS_DISABLE_SYNCH_TRANSFER;
	switch (cmd->sc_data_direction) {
	case DMA_TO_DEVICE:
		srb->data_in = VSTOR_DATA_WRITE;
		srb->srb_flags |= VSTOR_SRB_FLAGS_DATA_OUT;
		break;
	case DMA_FROM_DEVICE:
		srb->data_in = VSTOR_DATA_READ;
		srb->srb_flags |= VSTOR_SRB_FLAGS_DATA_IN;
		break;
	default:
		srb->data_in = VSTOR_DATA_NONE;
	}
}

/* Send on the channel of the command's hardware queue. */
static int storvsc_send(struct storvsc_dev *sd, struct storvsc_req *req,
			int npfns)
{
	u32 tag = blk_mq_unique_tag(blk_mq_rq_from_pdu(req->cmd));
	struct storvsc_chan *sc = storvsc_pick_chan(sd, blk_mq_unique_tag_to_hwq(tag));
	u64 cookie = (u64)(uintptr_t)req;
	int ret;

	atomic_inc(&sc->inflight);
	WRITE_ONCE(req->sent, jiffies);
	if (npfns)
		ret = hvg_sendpacket_mpb(sc->chan, req->data_off,
					 scsi_bufflen(req->cmd), req->pfns,
					 npfns, &req->pkt, sd->pkt_len, cookie);
	else
		ret = hvg_sendpacket(sc->chan, &req->pkt, sd->pkt_len, cookie,
				     VM_PKT_DATA_INBAND,
				     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (ret)
		atomic_dec(&sc->inflight);
	return ret;
}

static hvg_scsi_qc_t storvsc_queuecommand(struct Scsi_Host *host,
					  struct scsi_cmnd *cmd)
{
	struct storvsc_dev *sd = shost_priv(host);
	struct storvsc_req *req = scsi_cmd_priv(cmd);
	int n, ret;

	req->cmd = cmd;
	clear_bit(0, &req->completed);
	if (READ_ONCE(sd->dead)) {
		storvsc_fail_cmd(cmd, DID_NO_CONNECT);
		return 0;
	}
	if (cmd->cmd_len > VSTOR_CDB_MAX) {
		storvsc_fail_cmd(cmd, DID_ERROR);
		return 0;
	}
	memset(&req->pkt, 0, sizeof(req->pkt));
	req->pkt.operation = VSTOR_OP_EXECUTE_SRB;
	req->pkt.flags = VSTOR_FLAG_REQUEST_COMPLETION;
	storvsc_build_srb(host, cmd, &req->pkt.srb);
	n = storvsc_map_data(cmd, req);
	if (n < 0) {
		dev_err_ratelimited(&sd->hdev->dev, "command %#x: %u bytes in %u segments are not one range of at most %lu pages\n",
				    cmd->cmnd[0], scsi_bufflen(cmd),
				    scsi_sg_count(cmd), STORVSC_MAX_PFNS);
		storvsc_fail_cmd(cmd, DID_ERROR);
		return 0;
	}
	ret = storvsc_send(sd, req, n);
	switch (ret) {
	case 0:
		return 0;
	case -EAGAIN:
	case -EBUSY:
		return SCSI_MLQUEUE_HOST_BUSY;
	case -ENODEV:
	case -EIO:
		storvsc_fail_cmd(cmd, DID_NO_CONNECT);
		return 0;
	default:
		storvsc_fail_cmd(cmd, DID_ERROR);
		return 0;
	}
}

/*
 * A reset: the host completes (or fails, with BUS_RESET) every SRB it holds
 * before it answers.  Completions on the subchannels may still be on their
 * way then; the commands are retried only once every one of them is in, so
 * that a late completion never meets a reused request.
 *
 * If the reset fails, is not answered, or the host keeps SRBs after it,
 * the host may still complete (and write to the pages of) commands the
 * midlayer is about to finish: the controller is given up first, with
 * every channel failed, so that none of their request ids is ever taken
 * again.
 */
static int storvsc_reset(struct scsi_cmnd *cmd, u32 op, const char *what)
{
	struct storvsc_dev *sd = shost_priv(cmd->device->host);
	int ret;

	if (READ_ONCE(sd->dead) || hvg_channel_failed(sd->chan) ||
	    hvg_channel_rescinded(sd->chan))
		return FAILED;
	dev_warn(&sd->hdev->dev, "resetting the %s\n", what);
	mutex_lock(&sd->init_lock);
	memset(&sd->init_req.pkt, 0, sizeof(sd->init_req.pkt));
	ret = storvsc_exec(sd, op);
	mutex_unlock(&sd->init_lock);
	if (ret) {
		dev_err(&sd->hdev->dev, "%s reset failed: %d\n", what, ret);
		storvsc_give_up(sd, "a reset failed");
		return FAILED;
	}
	if (!wait_event_timeout(sd->drain_wait, storvsc_idle(sd),
				STORVSC_DRAIN_TIMEOUT)) {
		dev_err(&sd->hdev->dev, "the host kept commands after a %s reset\n",
			what);
		storvsc_give_up(sd, "commands kept across a reset");
		return FAILED;
	}
	dev_info(&sd->hdev->dev, "%s reset done\n", what);
	return SUCCESS;
}

static int storvsc_bus_reset(struct scsi_cmnd *cmd)
{
	return storvsc_reset(cmd, VSTOR_OP_RESET_BUS, "bus");
}

static int storvsc_host_reset(struct scsi_cmnd *cmd)
{
	return storvsc_reset(cmd, VSTOR_OP_RESET_ADAPTER, "adapter");
}

/*
 * The host answers every command it was given (Linux's storvsc_eh_timed_out
 * relies on it), but its latency may be long: wait up to host_timeout
 * seconds before the error handler (and so a reset) takes over.  A command
 * of a controller given up is finished by storvsc_fail_all().
 */
static hvg_eh_timeout_ret storvsc_eh_timed_out(struct scsi_cmnd *cmd)
{
	struct storvsc_dev *sd = shost_priv(cmd->device->host);
	struct storvsc_req *req = scsi_cmd_priv(cmd);
	unsigned long limit = READ_ONCE(storvsc_host_timeout) * HZ;

	if (READ_ONCE(sd->dead) || test_bit(0, &req->completed))
		return HVG_EH_NOT_HANDLED;
	if (time_before(jiffies, READ_ONCE(req->sent) + limit)) {
		dev_warn_ratelimited(&sd->hdev->dev, "cmd %#x: still with the host after %u ms, waiting\n",
				     cmd->cmnd[0],
				     jiffies_to_msecs(jiffies - req->sent));
		return HVG_EH_RESET_TIMER;
	}
	return HVG_EH_NOT_HANDLED;
}

static bool storvsc_fail_one(struct scsi_cmnd *cmd, void *data
			     HVG_BUSY_ITER_RESERVED_ARG)
{
	storvsc_fail_cmd(cmd, DID_NO_CONNECT);
	return true;
}

/**
 * storvsc_fail_all() - finish every command the host will never complete
 * @sd: the device; its channel is closed already
 */
void storvsc_fail_all(struct storvsc_dev *sd)
{
	scsi_host_busy_iter(sd->host, storvsc_fail_one, sd);
}

/* Whether the host still has @sdev: TEST UNIT READY, "no connect" if not. */
static bool storvsc_lun_gone(struct scsi_device *sdev)
{
	struct scsi_sense_hdr sshdr;
	int res;

	if (sdev->sdev_state != SDEV_RUNNING)
		return false;
	res = scsi_test_unit_ready(sdev, 10 * HZ, 1, &sshdr);
	return res > 0 && host_byte(res) == DID_NO_CONNECT;
}

/**
 * storvsc_rescan_work() - follow the host's changes of its bus
 * @work: the device's rescan_work
 *
 * Runs after ENUMERATE_BUS or REMOVE_DEVICE from the host, or a command
 * that found its LUN gone: devices the host no longer has are removed,
 * then the bus is scanned for new ones (REPORT LUNS).
 */
void storvsc_rescan_work(struct work_struct *work)
{
	struct storvsc_dev *sd = container_of(work, struct storvsc_dev,
					      rescan_work);
	struct scsi_device *sdev, *gone[8];
	unsigned int n, i;

	do {
		n = 0;
		shost_for_each_device(sdev, sd->host) {
			if (n == ARRAY_SIZE(gone) || READ_ONCE(sd->removing))
				continue;
			if (storvsc_lun_gone(sdev) && !scsi_device_get(sdev))
				gone[n++] = sdev;
		}
		for (i = 0; i < n; i++) {
			sdev_printk(KERN_INFO, gone[i], "removed by the host\n");
			scsi_remove_device(gone[i]);
			scsi_device_put(gone[i]);
		}
	} while (n == ARRAY_SIZE(gone));
	if (!READ_ONCE(sd->removing))
		scsi_scan_host(sd->host);
}

/**
 * storvsc_set_limits() - size the host from the negotiated properties
 * @sd: the device, connected
 *
 * As Linux does: transfers up to the host's max_transfer_bytes (capped at
 * STORVSC_MAX_XFER), one page more than that in segments since the data
 * need not start on a page.  The queue depth is what the outbound ring
 * holds of the largest SRB packets.
 */
void storvsc_set_limits(struct storvsc_dev *sd)
{
	struct Scsi_Host *host = sd->host;
	u32 pages = sd->max_xfer >> PAGE_SHIFT;
	u32 pkt = sizeof(struct vmbus_packet_mpb_hdr) +
		  (pages + 1) * sizeof(u64) + sizeof(struct vstor_packet) +
		  HV_RING_TRAILER_SIZE;
	u32 depth = (storvsc_ring_size - PAGE_SIZE) / pkt;

	host->sg_tablesize = pages + 1;
	host->max_sectors = sd->max_xfer >> SECTOR_SHIFT;
	host->can_queue = max_t(u32, depth, 2);
	host->cmd_per_lun = host->can_queue;
	host->max_cmd_len = VSTOR_CDB_MAX;
	host->max_channel = 0;
	host->max_id = sd->ide ? 1 : 2;
	host->max_lun = sd->ide ? 64 : 256;
	host->this_id = -1;
}

struct scsi_host_template storvsc_template = {
	.module			= THIS_MODULE,
	.name			= "hv_storvsc",
	.proc_name		= "hv_storvsc",
	.queuecommand		= storvsc_queuecommand,
	.eh_bus_reset_handler	= storvsc_bus_reset,
	.eh_host_reset_handler	= storvsc_host_reset,
	.eh_timed_out		= storvsc_eh_timed_out,
	.change_queue_depth	= scsi_change_queue_depth,
	.this_id		= -1,
	.can_queue		= 2,
	.sg_tablesize		= STORVSC_MAX_PFNS,
	.virt_boundary_mask	= PAGE_SIZE - 1,
	.cmd_size		= sizeof(struct storvsc_req),
};
