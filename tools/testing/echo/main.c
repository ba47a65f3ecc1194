// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmbus_echo: binds to hvsim's echo test devices, opens the primary channel
 * and exposes a debugfs interface to push verifiable traffic through it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "echo.h"

unsigned int echo_send_ring_bytes = 64 * 1024;
module_param_named(send_ring_bytes, echo_send_ring_bytes, uint, 0444);
MODULE_PARM_DESC(send_ring_bytes,
		 "Guest-to-host ring size incl. its header page (page multiple, default 64 KiB)");

unsigned int echo_recv_ring_bytes = 64 * 1024;
module_param_named(recv_ring_bytes, echo_recv_ring_bytes, uint, 0444);
MODULE_PARM_DESC(recv_ring_bytes,
		 "Host-to-guest ring size incl. its header page (page multiple, default 64 KiB)");

unsigned int echo_timeout_ms = 30000;
module_param_named(timeout_ms, echo_timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "Fail a run or request after this long without progress (default 30000)");

u32 echo_send_data_bytes(void)
{
	return echo_send_ring_bytes - HV_RING_HEADER_SIZE;
}

u32 echo_recv_data_bytes(void)
{
	return echo_recv_ring_bytes - HV_RING_HEADER_SIZE;
}

void echo_wake(struct echo_dev *ed)
{
	atomic_inc(&ed->events);
	wake_up_all(&ed->wq);
}

/* 0 while usable, -ENODEV once going away or rescinded. */
int echo_dev_state(struct echo_dev *ed)
{
	if (READ_ONCE(ed->dead) || hvg_channel_rescinded(ed->hdev->channel))
		return -ENODEV;
	return 0;
}

static int echo_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct echo_dev *ed;
	struct echo_chan *ec;

	ed = kzalloc(sizeof(*ed), GFP_KERNEL);
	if (!ed)
		return -ENOMEM;
	ed->hdev = hdev;
	mutex_init(&ed->lock);
	init_waitqueue_head(&ed->wq);
	spin_lock_init(&ed->sub_lock);
	spin_lock_init(&ed->res_lock);
	dev_set_drvdata(&hdev->dev, ed);

	ec = echo_chan_open(ed, hdev->channel, 0);
	if (IS_ERR(ec)) {
		dev_err(&hdev->dev, "cannot open the primary channel: %pe\n", ec);
		dev_set_drvdata(&hdev->dev, NULL);
		kfree(ed);
		return PTR_ERR(ec);
	}
	ed->chans[0] = ec;
	ed->nchans = 1;
	hvg_set_subchannel_cb(hdev->channel, echo_subchannel_offered);
	echo_debugfs_add(ed);
	dev_info(&hdev->dev, "echo device ready\n");
	return 0;
}

static void echo_remove(struct hvg_device *hdev)
{
	struct echo_dev *ed = dev_get_drvdata(&hdev->dev);
	unsigned int i;

	/* Make a run or subchannel request in progress give up ... */
	WRITE_ONCE(ed->dead, true);
	echo_wake(ed);
	hvg_set_subchannel_cb(hdev->channel, NULL);
	/* ... and wait for it: debugfs removal drains active file users. */
	echo_debugfs_remove(ed);

	mutex_lock(&ed->lock);
	for (i = ed->nchans; i-- > 0;)
		echo_chan_close(ed->chans[i]);
	ed->nchans = 0;
	mutex_unlock(&ed->lock);

	dev_set_drvdata(&hdev->dev, NULL);
	kfree(ed);
}

static const struct hv_vmbus_device_id echo_ids[] = {
	{ .guid = HVG_ECHO_CLASS_GUID },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, echo_ids);

static struct hvg_driver echo_driver = {
	.name = "vmbus_echo",
	.id_table = echo_ids,
	.probe = echo_probe,
	.remove = echo_remove,
};

static bool echo_ring_param_ok(const char *name, unsigned int bytes)
{
	if (bytes >= 2 * PAGE_SIZE && PAGE_ALIGNED(bytes) && bytes <= SZ_16M)
		return true;
	pr_err("%s=%u: must be a multiple of %lu between two pages and 16 MiB\n",
	       name, bytes, PAGE_SIZE);
	return false;
}

static int __init echo_init(void)
{
	int ret;

	if (!echo_ring_param_ok("send_ring_bytes", echo_send_ring_bytes) ||
	    !echo_ring_param_ok("recv_ring_bytes", echo_recv_ring_bytes))
		return -EINVAL;
	ret = echo_debugfs_init();
	if (ret)
		return ret;
	ret = hvg_driver_register(&echo_driver);
	if (ret)
		echo_debugfs_exit();
	return ret;
}
module_init(echo_init);

static void __exit echo_exit(void)
{
	hvg_driver_unregister(&echo_driver);
	echo_debugfs_exit();
}
module_exit(echo_exit);

MODULE_DESCRIPTION("VMBus echo test driver for hvsim");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVGUEST_VERSION);
