// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SCSI midlayer side of hv_storvsc: commands become SRB packets whose
 * data is described page by page, completions become SCSI results.
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

/* Guest-to-host bytes of the largest SRB packet, trailer included. */
#define STORVSC_MAX_PKT	(sizeof(struct vmbus_packet_page_buffer) +	\
			 STORVSC_MAX_RANGES * sizeof(struct hv_page_buffer) + \
			 sizeof(struct vstor_packet) + 8)

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

/* Map SRB status and data length; returns the bytes really moved. */
static u32 storvsc_map_status(struct storvsc_dev *sd, struct scsi_cmnd *cmd,
			      const struct vmscsi_request *srb)
{
	u32 xfer = srb->data_transfer_length;

	cmd->result = srb->scsi_status;
	if ((srb->srb_status & VSTOR_SRB_AUTOSENSE_VALID) &&
	    srb->scsi_status == SAM_STAT_CHECK_CONDITION)
		memcpy(cmd->sense_buffer, srb->sense_data,
		       min3((u32)srb->sense_info_length, (u32)VSTOR_SENSE_MAX,
			    (u32)SCSI_SENSE_BUFFERSIZE));

	switch (VSTOR_SRB_STATUS(srb->srb_status)) {
	case VSTOR_SRB_SUCCESS:
	case VSTOR_SRB_DATA_OVERRUN:
		return xfer;
	case VSTOR_SRB_ERROR:
		if (!srb->scsi_status)
			set_host_byte(cmd, DID_ERROR);
		break;
	case VSTOR_SRB_BUSY:
		set_host_byte(cmd, DID_REQUEUE);
		break;
	case VSTOR_SRB_BUS_RESET:
		set_host_byte(cmd, DID_RESET);
		break;
	case VSTOR_SRB_INVALID_LUN:
	case VSTOR_SRB_SELECTION_TIMEOUT:
		/*
		 * A LUN in use went away: find out which devices are left.
		 * (While scanning, the device is not running yet.)
		 */
		set_host_byte(cmd, DID_NO_CONNECT);
		if (cmd->device->sdev_state == SDEV_RUNNING &&
		    !READ_ONCE(sd->removing))
			schedule_work(&sd->rescan_work);
		break;
	default:
		set_host_byte(cmd, DID_ERROR);
	}
	if (storvsc_log(STORVSC_LOG_WARN))
		dev_warn_ratelimited(&sd->hdev->dev, "cmd %#x: srb status %#x scsi status %#x\n",
				     cmd->cmnd[0], srb->srb_status, srb->scsi_status);
	return 0;
}

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
	struct scsi_cmnd *cmd = req->cmd;
	u32 bufflen = scsi_bufflen(cmd), xfer;

	if (resp->operation != VSTOR_OP_COMPLETE_IO ||
	    len < VSTOR_HDR_BYTES + sizeof(resp->srb) - VSTOR_WIN8_EXTENSION) {
		dev_err_ratelimited(&sd->hdev->dev, "malformed SRB completion (op %u, %u bytes)\n",
				    resp->operation, len);
		storvsc_fail_cmd(cmd, DID_ERROR);
		return;
	}
	xfer = storvsc_map_status(sd, cmd, &resp->srb);
	if (xfer > bufflen) {
		if (storvsc_log(STORVSC_LOG_ERROR))
			dev_err_ratelimited(&sd->hdev->dev, "host claims %u bytes moved for a %u byte command %#x\n",
					    xfer, bufflen, cmd->cmnd[0]);
		set_host_byte(cmd, DID_ERROR);
		xfer = 0;
	}
	scsi_set_resid(cmd, bufflen - xfer);
	storvsc_finish(cmd);
}

/* Describe the data page by page; returns the number of ranges. */
static int storvsc_map_data(struct scsi_cmnd *cmd, struct hv_page_buffer *pb)
{
	struct scatterlist *sg;
	int i, n = 0;

	scsi_for_each_sg(cmd, sg, scsi_sg_count(cmd), i) {
		unsigned long pfn = page_to_pfn(sg_page(sg));
		u32 off = sg->offset, len = sg->length;

		while (len) {
			u32 po = offset_in_page(off);
			u32 chunk = min_t(u32, len, PAGE_SIZE - po);

			if (n == STORVSC_MAX_RANGES)
				return -EINVAL;
			pb[n].pfn = pfn + (off >> PAGE_SHIFT);
			pb[n].offset = po;
			pb[n].len = chunk;
			n++;
			off += chunk;
			len -= chunk;
		}
	}
	return n;
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
			int nranges)
{
	u32 tag = blk_mq_unique_tag(blk_mq_rq_from_pdu(req->cmd));
	struct storvsc_chan *sc = storvsc_pick_chan(sd, blk_mq_unique_tag_to_hwq(tag));
	u64 cookie = (u64)(uintptr_t)req;
	int ret;

	atomic_inc(&sc->inflight);
	if (nranges)
		ret = hvg_sendpacket_pagebuffer(sc->chan, req->pb, nranges,
						&req->pkt, sd->pkt_len, cookie);
	else
		ret = hvg_sendpacket(sc->chan, &req->pkt, sd->pkt_len, cookie,
				     VM_PKT_DATA_INBAND,
				     VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (ret)
		atomic_dec(&sc->inflight);
	return ret;
}

static int storvsc_queuecommand(struct Scsi_Host *host, struct scsi_cmnd *cmd)
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
	n = storvsc_map_data(cmd, req->pb);
	if (n < 0) {
		dev_err_ratelimited(&sd->hdev->dev, "command %#x needs more than %u pages\n",
				    cmd->cmnd[0], STORVSC_MAX_RANGES);
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
		return FAILED;
	}
	if (!wait_event_timeout(sd->drain_wait, storvsc_idle(sd),
				STORVSC_DRAIN_TIMEOUT)) {
		/* It holds requests it will not give back: trust it no more. */
		dev_err(&sd->hdev->dev, "the host kept commands after a %s reset\n",
			what);
		hvg_channel_fail(sd->chan, "commands kept across a reset");
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
 * A request can use at most STORVSC_MAX_RANGES single-page ranges (the
 * limit of hvg_sendpacket_pagebuffer), so transfers are capped at that many
 * pages even if the host takes more.
 */
void storvsc_set_limits(struct storvsc_dev *sd)
{
	struct Scsi_Host *host = sd->host;
	u32 pages = clamp_t(u32, sd->max_xfer >> PAGE_SHIFT, 1,
			    STORVSC_MAX_RANGES);
	u32 depth = (storvsc_ring_size - PAGE_SIZE) / STORVSC_MAX_PKT;

	host->sg_tablesize = pages;
	host->max_sectors = (pages << PAGE_SHIFT) >> SECTOR_SHIFT;
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
	.change_queue_depth	= scsi_change_queue_depth,
	.this_id		= -1,
	.can_queue		= 2,
	.sg_tablesize		= STORVSC_MAX_RANGES,
	.max_segment_size	= PAGE_SIZE,
	.dma_boundary		= PAGE_SIZE - 1,
	.cmd_size		= sizeof(struct storvsc_req),
};
