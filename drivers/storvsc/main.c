// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_storvsc: binds to synthetic SCSI controllers (and IDE accelerators),
 * registers a SCSI host for each and tears it down on removal or rescind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <scsi/scsi_host.h>

#include "storvsc.h"

unsigned int storvsc_ring_size = 128 * 1024;
module_param_named(ring_size, storvsc_ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size,
		 "Bytes of each ring incl. its header page (page multiple, default 128 KiB)");

int storvsc_logging_level = STORVSC_LOG_ERROR;
module_param_named(logging_level, storvsc_logging_level, int, 0644);
MODULE_PARM_DESC(logging_level,
		 "0: none, 1: errors (default), 2: also every failed command");

unsigned int storvsc_vcpus_per_subchannel = 4;
module_param_named(vcpus_per_subchannel, storvsc_vcpus_per_subchannel, uint,
		   0444);
MODULE_PARM_DESC(vcpus_per_subchannel,
		 "Online CPUs per channel when the host offers multi-channel (default 4)");

unsigned int storvsc_max_hw_queues;
module_param_named(max_hw_queues, storvsc_max_hw_queues, uint, 0444);
MODULE_PARM_DESC(max_hw_queues,
		 "Most blk-mq hardware queues, one per channel (default 0: up to 16)");

unsigned int storvsc_host_timeout = 180;
module_param_named(host_timeout, storvsc_host_timeout, uint, 0644);
MODULE_PARM_DESC(host_timeout,
		 "Seconds the host may hold a command before a timeout starts error handling (default 180, as Linux; 0: at the first timeout)");

enum { STORVSC_SCSI, STORVSC_IDE };

static int storvsc_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct Scsi_Host *host;
	struct storvsc_dev *sd;
	int ret;

	host = scsi_host_alloc(&storvsc_template, sizeof(*sd));
	if (!host)
		return -ENOMEM;
	sd = shost_priv(host);
	sd->host = host;
	sd->hdev = hdev;
	sd->chan = hdev->channel;
	sd->ide = id->driver_data == STORVSC_IDE;
	mutex_init(&sd->init_lock);
	mutex_init(&sd->chan_lock);
	spin_lock_init(&sd->init_reply_lock);
	init_completion(&sd->init_req.done);
	INIT_WORK(&sd->rescan_work, storvsc_rescan_work);
	INIT_WORK(&sd->fail_work, storvsc_fail_work);
	init_waitqueue_head(&sd->drain_wait);
	dev_set_drvdata(&hdev->dev, sd);

	ret = storvsc_connect(sd);
	if (ret)
		goto err_put;
	storvsc_set_limits(sd);
	storvsc_plan_subchannels(sd);
	ret = scsi_add_host(host, &hdev->dev);
	if (ret)
		goto err_close;
	storvsc_request_subchannels(sd);
	scsi_scan_host(host);
	return 0;

err_close:
	storvsc_disconnect(sd);
	storvsc_free_chans(sd);
err_put:
	WRITE_ONCE(sd->removing, true);
	cancel_work_sync(&sd->fail_work);
	dev_set_drvdata(&hdev->dev, NULL);
	scsi_host_put(host);
	return ret;
}

static void storvsc_remove(struct hvg_device *hdev)
{
	struct storvsc_dev *sd = dev_get_drvdata(&hdev->dev);
	struct Scsi_Host *host = sd->host;

	WRITE_ONCE(sd->removing, true);
	cancel_work_sync(&sd->rescan_work);
	cancel_work_sync(&sd->fail_work);
	if (hvg_channel_rescinded(sd->chan) || hvg_channel_failed(sd->chan)) {
		/* Nothing in flight will complete: finish it here first. */
		WRITE_ONCE(sd->dead, true);
		storvsc_disconnect(sd);
		storvsc_fail_all(sd);
		scsi_remove_host(host);
	} else {
		scsi_remove_host(host);
		WRITE_ONCE(sd->dead, true);
		storvsc_disconnect(sd);
	}
	/* A callback may have queued it before it saw removing. */
	cancel_work_sync(&sd->fail_work);
	storvsc_free_chans(sd);
	dev_set_drvdata(&hdev->dev, NULL);
	scsi_host_put(host);
}

static const struct hv_vmbus_device_id storvsc_ids[] = {
	{ .guid = VSTOR_SCSI_CLASS_GUID, .driver_data = STORVSC_SCSI },
	{ .guid = VSTOR_IDE_CLASS_GUID, .driver_data = STORVSC_IDE },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, storvsc_ids);

static struct hvg_driver storvsc_driver = {
	.name = "hv_storvsc",
	.id_table = storvsc_ids,
	.probe = storvsc_probe,
	.remove = storvsc_remove,
};

static int __init storvsc_init(void)
{
	if (storvsc_ring_size < 4 * PAGE_SIZE || storvsc_ring_size > SZ_16M ||
	    !PAGE_ALIGNED(storvsc_ring_size)) {
		pr_err("ring_size=%u: must be a page multiple from 16 KiB to 16 MiB\n",
		       storvsc_ring_size);
		return -EINVAL;
	}
	return hvg_driver_register(&storvsc_driver);
}
module_init(storvsc_init);

static void __exit storvsc_exit(void)
{
	hvg_driver_unregister(&storvsc_driver);
}
module_exit(storvsc_exit);

MODULE_DESCRIPTION("Hyper-V synthetic SCSI storage driver");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
