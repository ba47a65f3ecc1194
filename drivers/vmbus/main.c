// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_vmbus: the VMBus bus driver of hvguest.
 *
 * On Hyper-V the real backend is used at once, on the kernel's Hyper-V
 * set-up or on the module's own (hyperv.c); one "Hyper-V set-up:" line says
 * which.  Elsewhere the module says so in that line and waits: a simulated host (hvsim) registers itself as the backend
 * when it is loaded, and unregistering it disconnects VMBus again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "vmbus_priv.h"

struct hvg_conn hvg_conn = {
	.lock = __MUTEX_INITIALIZER(hvg_conn.lock),
	.chan_lock = __SPIN_LOCK_UNLOCKED(hvg_conn.chan_lock),
	.channels = LIST_HEAD_INIT(hvg_conn.channels),
	.wait_lock = __SPIN_LOCK_UNLOCKED(hvg_conn.wait_lock),
	.waiters = LIST_HEAD_INIT(hvg_conn.waiters),
	.next_gpadl = ATOMIC_INIT(0xe1e10),
};

/**
 * hv_backend_register() - attach a hypervisor backend and connect VMBus
 * @ops: the backend
 *
 * Negotiates the VMBus version and creates a device per offered channel
 * before returning.
 *
 * Return: 0, -EBUSY if a backend is attached already, or the error that
 * stopped the connection.
 */
int hv_backend_register(const struct hv_backend_ops *ops)
{
	int ret;

	mutex_lock(&hvg_conn.lock);
	if (hvg_conn.ops) {
		ret = -EBUSY;
		goto out;
	}
	hvg_conn.ops = ops;
	ret = hvg_connect();
	if (ret) {
		pr_err("connecting through %s failed: %d\n", ops->name, ret);
		hvg_conn.ops = NULL;
	}
out:
	mutex_unlock(&hvg_conn.lock);
	return ret;
}
EXPORT_SYMBOL_GPL(hv_backend_register);

/**
 * hv_backend_unregister() - disconnect VMBus and detach the backend
 * @ops: the backend given to hv_backend_register()
 *
 * Removes every device (their drivers close their channels), sends UNLOAD
 * and disables the SynIC.  The backend must keep answering until this
 * returns.
 */
void hv_backend_unregister(const struct hv_backend_ops *ops)
{
	mutex_lock(&hvg_conn.lock);
	if (hvg_conn.ops == ops) {
		hvg_disconnect();
		hvg_mmio_reset();
		hvg_conn.ops = NULL;
		pr_info("disconnected from %s\n", ops->name);
	}
	mutex_unlock(&hvg_conn.lock);
}
EXPORT_SYMBOL_GPL(hv_backend_unregister);

static void hvg_free_queues(void)
{
	if (hvg_conn.dev_wq)
		destroy_workqueue(hvg_conn.dev_wq);
	if (hvg_conn.msg_wq)
		destroy_workqueue(hvg_conn.msg_wq);
	kfree(hvg_conn.relid_table);
}

static int __init hvg_init(void)
{
	const struct hv_backend_ops *hyperv;
	int ret;

	init_completion(&hvg_conn.offers_done);
	hvg_conn.relid_table = kcalloc(VMBUS_MAX_CHANNEL_RELIDS,
				       sizeof(*hvg_conn.relid_table), GFP_KERNEL);
	hvg_conn.msg_wq = alloc_workqueue("hv_vmbus_msg",
					  WQ_HIGHPRI | WQ_MEM_RECLAIM | HVG_WQ_PERCPU, 0);
	hvg_conn.dev_wq = alloc_ordered_workqueue("hv_vmbus_dev", 0);
	if (!hvg_conn.relid_table || !hvg_conn.msg_wq || !hvg_conn.dev_wq) {
		ret = -ENOMEM;
		goto err;
	}
	ret = hvg_bus_init();
	if (ret)
		goto err;

	hyperv = hvg_hyperv_probe();
	if (PTR_ERR_OR_ZERO(hyperv) == -ENODEV) {
		pr_info("Hyper-V set-up: none, no Hyper-V hypervisor found; waiting for a simulated host (load hvsim)\n");
		return 0;
	}
	if (IS_ERR(hyperv)) {
		ret = PTR_ERR(hyperv);
		goto err_bus;
	}
	ret = hv_backend_register(hyperv);
	if (ret)
		goto err_hyperv;
	return 0;

err_hyperv:
	hvg_hyperv_remove();
err_bus:
	hvg_bus_exit();
err:
	hvg_free_queues();
	return ret;
}

static void __exit hvg_exit(void)
{
	/* A simulated backend holds a reference on us until it unregistered. */
	if (hvg_conn.ops) {
		hv_backend_unregister(hvg_conn.ops);
		hvg_hyperv_remove();
	}
	hvg_bus_exit();
	hvg_free_queues();
}

/*
 * Hyper-V describes the VMBus as an ACPI device; its ID lets udev load this
 * module at boot on a Hyper-V guest.  Nothing binds to the ACPI device: the
 * connection is set up from CPUID at load (hyperv.c).
 */
static const struct acpi_device_id hvg_acpi_ids[] = {
	{ "VMBUS", 0 },
	{ "VMBus", 0 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, hvg_acpi_ids);

module_init(hvg_init);
module_exit(hvg_exit);

MODULE_DESCRIPTION("hvguest VMBus bus driver");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
