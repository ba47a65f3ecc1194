// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_utils: binds the integration components the host offers (heartbeat,
 * shutdown, time sync, KVP, VSS, file copy), opens their channels and shows
 * their state in debugfs hv_utils/<service>/state.  The relays to the
 * daemons (/dev/vmbus/hv_kvp, hv_vss, hv_fcopy, relay.c) exist while their
 * service is offered.
 */
#include <linux/dcache.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "relay.h"

bool util_timesync_enabled = true;
module_param_named(timesync_enabled, util_timesync_enabled, bool, 0644);
MODULE_PARM_DESC(timesync_enabled,
		 "Set the guest clock from the host's time samples (default on)");

static struct dentry *util_debugfs;

static void util_show_version(struct seq_file *s, const char *what, u32 v)
{
	if (v)
		seq_printf(s, "%s: %u.%u\n", what, HVG_IC_MAJOR(v), HVG_IC_MINOR(v));
	else
		seq_printf(s, "%s: none\n", what);
}

static int util_state_show(struct seq_file *s, void *unused)
{
	struct util_dev *ud = s->private;

	util_show_version(s, "framework", READ_ONCE(ud->fw_version));
	util_show_version(s, "version", READ_ONCE(ud->srv_version));
	seq_printf(s, "requests: %llu\nmalformed: %llu\n",
		   READ_ONCE(ud->requests), READ_ONCE(ud->malformed));
	if (ud->svc->show)
		ud->svc->show(s, ud);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(util_state);

/* hv_utils/<service>/, or <service>-<instance> for a second device */
static struct dentry *util_debugfs_dir(struct util_dev *ud)
{
	struct dentry *d = debugfs_lookup(ud->svc->name, util_debugfs);
	char name[64];

	if (!d)
		return debugfs_create_dir(ud->svc->name, util_debugfs);
	dput(d);
	snprintf(name, sizeof(name), "%s-%s", ud->svc->name,
		 dev_name(&ud->hdev->dev));
	return debugfs_create_dir(name, util_debugfs);
}

static void util_free(struct util_dev *ud)
{
	if (ud->svc->exit)
		ud->svc->exit(ud);
	kfree(ud->buf);
	kfree(ud);
}

static int util_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	const struct util_service *svc = (const void *)id->driver_data;
	struct util_dev *ud;
	int ret;

	/* Bound through driver_override or new_id: no service to run. */
	if (!svc)
		return -ENODEV;
	ud = kzalloc(sizeof(*ud), GFP_KERNEL);
	if (!ud)
		return -ENOMEM;
	ud->hdev = hdev;
	ud->svc = svc;
	spin_lock_init(&ud->answer_lock);
	ud->buf = kzalloc(UTIL_BUF_BYTES, GFP_KERNEL);
	if (!ud->buf) {
		kfree(ud);
		return -ENOMEM;
	}
	ret = svc->init ? svc->init(ud) : 0;
	if (ret) {
		kfree(ud->buf);
		kfree(ud);
		return ret;
	}
	dev_set_drvdata(&hdev->dev, ud);
	ret = hvg_channel_open(hdev->channel, UTIL_RING_BYTES, UTIL_RING_BYTES,
			       NULL, 0, util_ic_onchannel, ud);
	if (ret) {
		dev_err(&hdev->dev, "%s: cannot open the channel: %d\n",
			svc->name, ret);
		dev_set_drvdata(&hdev->dev, NULL);
		util_free(ud);
		return ret;
	}
	ud->dbg = util_debugfs_dir(ud);
	debugfs_create_file("state", 0444, ud->dbg, ud, &util_state_fops);
	dev_info(&hdev->dev, "%s IC ready\n", svc->name);
	return 0;
}

static void util_remove(struct hvg_device *hdev)
{
	struct util_dev *ud = dev_get_drvdata(&hdev->dev);

	debugfs_remove_recursive(ud->dbg);
	spin_lock_irq(&ud->answer_lock);
	ud->closing = true;
	spin_unlock_irq(&ud->answer_lock);
	hvg_channel_close(hdev->channel);
	dev_set_drvdata(&hdev->dev, NULL);
	util_free(ud);
}

static const struct hv_vmbus_device_id util_ids[] = {
	{ .guid = HVG_IC_HEARTBEAT_GUID,
	  .driver_data = (kernel_ulong_t)&util_heartbeat_svc },
	{ .guid = HVG_IC_SHUTDOWN_GUID,
	  .driver_data = (kernel_ulong_t)&util_shutdown_svc },
	{ .guid = HVG_IC_TIMESYNC_GUID,
	  .driver_data = (kernel_ulong_t)&util_timesync_svc },
	{ .guid = HVG_IC_KVP_GUID,
	  .driver_data = (kernel_ulong_t)&util_kvp_svc },
	{ .guid = HVG_IC_VSS_GUID,
	  .driver_data = (kernel_ulong_t)&util_vss_svc },
	{ .guid = HVG_IC_FCOPY_GUID,
	  .driver_data = (kernel_ulong_t)&util_fcopy_svc },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, util_ids);

static struct hvg_driver util_driver = {
	.name = "hv_utils",
	.id_table = util_ids,
	.probe = util_probe,
	.remove = util_remove,
};

static struct util_relay *const util_relays[] = {
	&util_kvp_relay, &util_vss_relay, &util_fcopy_relay,
};

static int __init util_init(void)
{
	unsigned int i;
	int ret = 0;

	util_debugfs = debugfs_create_dir("hv_utils", NULL);
	for (i = 0; i < ARRAY_SIZE(util_relays) && !ret; i++)
		ret = util_relay_init(util_relays[i]);
	if (ret)
		i--;
	else
		ret = hvg_driver_register(&util_driver);
	if (!ret)
		return 0;
	while (i--)
		util_relay_exit(util_relays[i]);
	debugfs_remove_recursive(util_debugfs);
	return ret;
}
module_init(util_init);

static void __exit util_exit(void)
{
	unsigned int i = ARRAY_SIZE(util_relays);

	hvg_driver_unregister(&util_driver);
	while (i--)
		util_relay_exit(util_relays[i]);
	debugfs_remove_recursive(util_debugfs);
}
module_exit(util_exit);

MODULE_DESCRIPTION("Hyper-V integration components: heartbeat, shutdown, time sync, KVP, VSS, file copy");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
