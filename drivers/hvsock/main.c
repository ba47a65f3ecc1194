// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_sock: Hyper-V sockets, AF_VSOCK over VMBus channels.  Registers the
 * guest-to-host vsock transport and the driver of socket offers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "hvsock.h"

/* Socket offers match by their flag, not by a class (bus.c). */
static const struct hv_vmbus_device_id hvs_id_table[] = {
	{},
};

static struct hvg_driver hvs_drv = {
	.name = "hv_sock",
	.hvsock = true,
	.id_table = hvs_id_table,
	.probe = hvs_probe,
	.remove = hvs_remove,
};

/* Delivers the host's refusals to their sockets (conn.c). */
struct workqueue_struct *hvs_wq;

static int __init hvs_init(void)
{
	int ret;

	/* Linux hvs_init(): hosts before VMBus 4.0 have no sockets. */
	if (hvg_protocol_version() < VERSION_WIN10)
		return -ENODEV;
	hvs_wq = alloc_workqueue("hv_sock", HVG_WQ_PERCPU, 0);
	if (!hvs_wq)
		return -ENOMEM;
	ret = hvg_driver_register(&hvs_drv);
	if (ret)
		goto err_wq;
	ret = vsock_core_register(&hvs_transport, VSOCK_TRANSPORT_F_G2H);
	if (ret)
		goto err_drv;
	hvg_set_tl_result_cb(hvs_tl_result);
	return 0;

err_drv:
	hvg_driver_unregister(&hvs_drv);
err_wq:
	destroy_workqueue(hvs_wq);
	return ret;
}

static void __exit hvs_exit(void)
{
	hvg_set_tl_result_cb(NULL);
	/* No new refusals: the queued ones still find the transport. */
	destroy_workqueue(hvs_wq);
	vsock_core_unregister(&hvs_transport);
	hvg_driver_unregister(&hvs_drv);
}

module_init(hvs_init);
module_exit(hvs_exit);

MODULE_DESCRIPTION("Hyper-V sockets (AF_VSOCK over VMBus)");
MODULE_LICENSE("GPL");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_ALIAS_NETPROTO(PF_VSOCK);
