// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "vmbus" bus: one device per primary channel offer, class drivers
 * matched by class GUID, MODALIAS uevents for udev.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "vmbus_priv.h"

#define to_hvg_driver(d) container_of(d, struct hvg_driver, driver)

static const struct hv_vmbus_device_id *hvg_match_id(const struct hv_vmbus_device_id *id,
						const guid_t *class)
{
	for (; id && !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, class))
			return id;
	return NULL;
}

struct hvg_dynid {
	struct list_head node;
	struct hv_vmbus_device_id id;
};

/* A class GUID added through new_id; called with dynids_lock held. */
static struct hvg_dynid *hvg_dynid_find(struct hvg_driver *hdrv,
					const guid_t *class)
{
	struct hvg_dynid *d;

	lockdep_assert_held(&hdrv->dynids_lock);
	list_for_each_entry(d, &hdrv->dynids, node)
		if (guid_equal(&d->id.guid, class))
			return d;
	return NULL;
}

static const struct hv_vmbus_device_id hvg_override_id;

/*
 * As Linux's hv_vmbus_get_id(): a device with driver_override binds only
 * to the driver of that name, whatever its class; otherwise the ids added
 * through new_id come first, then the driver's table.
 */
static const struct hv_vmbus_device_id *
hvg_get_id(struct hvg_driver *hdrv, const struct hvg_device *hdev)
{
	const struct hv_vmbus_device_id *id;
	struct hvg_dynid *d;

	if (hdev->driver_override && strcmp(hdev->driver_override, hdrv->name))
		return NULL;
	/* Linux hv_vmbus_get_id(): socket offers go to the socket driver. */
	if (hvg_device_is_hvsock(hdev) || hdrv->hvsock)
		return hvg_device_is_hvsock(hdev) && hdrv->hvsock ?
		       &hvg_override_id : NULL;
	spin_lock(&hdrv->dynids_lock);
	d = hvg_dynid_find(hdrv, &hdev->class_id);
	id = d ? &d->id : NULL;
	spin_unlock(&hdrv->dynids_lock);
	if (!id)
		id = hvg_match_id(hdrv->id_table, &hdev->class_id);
	if (!id && hdev->driver_override)
		id = &hvg_override_id;
	return id;
}

static int hvg_bus_match(struct device *dev, HVG_MATCH_DRV_CONST struct device_driver *drv)
{
	return !!hvg_get_id(to_hvg_driver(drv), to_hvg_device(dev));
}

static int hvg_bus_uevent(HVG_UEVENT_CONST struct device *dev,
			  struct kobj_uevent_env *env)
{
	const struct hvg_device *hdev = to_hvg_device(dev);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN", UUID_SIZE,
			      hdev->class_id.b);
}

static int hvg_bus_probe(struct device *dev)
{
	struct hvg_driver *hdrv = to_hvg_driver(dev->driver);
	struct hvg_device *hdev = to_hvg_device(dev);
	const struct hv_vmbus_device_id *id;

	id = hvg_get_id(hdrv, hdev);
	if (!id || !hdrv->probe)
		return -ENODEV;
	if (hvg_channel_rescinded(hdev->channel))
		return -ENODEV;
	return hdrv->probe(hdev, id);
}

static void hvg_bus_remove(struct device *dev)
{
	struct hvg_driver *hdrv = to_hvg_driver(dev->driver);
	struct hvg_device *hdev = to_hvg_device(dev);

	if (hdrv->remove)
		hdrv->remove(hdev);
	hvg_set_subchannel_cb(hdev->channel, NULL);
}

HVG_BUS_REMOVE_WRAPPER(hvg_bus_remove);

/* new_id / remove_id: "GUID" as in Linux's new_id_store() (guid_parse()). */
static ssize_t new_id_store(struct device_driver *drv, const char *buf,
			    size_t count)
{
	struct hvg_driver *hdrv = to_hvg_driver(drv);
	struct hvg_dynid *d;
	guid_t guid;
	int ret;

	ret = guid_parse(buf, &guid);
	if (ret)
		return ret;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->id.guid = guid;
	spin_lock(&hdrv->dynids_lock);
	if (hvg_dynid_find(hdrv, &guid)) {
		spin_unlock(&hdrv->dynids_lock);
		kfree(d);
		return -EEXIST;
	}
	list_add_tail(&d->node, &hdrv->dynids);
	spin_unlock(&hdrv->dynids_lock);
	ret = driver_attach(drv);
	return ret ? ret : count;
}
static DRIVER_ATTR_WO(new_id);

static ssize_t remove_id_store(struct device_driver *drv, const char *buf,
			       size_t count)
{
	struct hvg_driver *hdrv = to_hvg_driver(drv);
	struct hvg_dynid *d;
	guid_t guid;
	int ret;

	ret = guid_parse(buf, &guid);
	if (ret)
		return ret;
	spin_lock(&hdrv->dynids_lock);
	d = hvg_dynid_find(hdrv, &guid);
	if (d)
		list_del(&d->node);
	spin_unlock(&hdrv->dynids_lock);
	if (!d)
		return -ENODEV;
	kfree(d);
	return count;
}
static DRIVER_ATTR_WO(remove_id);

static struct attribute *hvg_drv_attrs[] = {
	&driver_attr_new_id.attr,
	&driver_attr_remove_id.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvg_drv);

static struct bus_type hvg_bus = {
	.name = "vmbus",
	.match = hvg_bus_match,
	.uevent = hvg_bus_uevent,
	.probe = hvg_bus_probe,
	.remove = hvg_bus_remove_compat,
	.drv_groups = hvg_drv_groups,
};

/* The device (not the bus) is the parent of every channel directory. */
static struct device *hvg_root;

static void hvg_device_release(struct device *dev)
{
	struct hvg_device *hdev = to_hvg_device(dev);

	if (hdev->channel)
		hvg_channel_free(hdev->channel);
	kfree(hdev->driver_override);
	kfree(hdev);
}

/**
 * hvg_device_add() - create the device of a primary channel
 * @primary: the channel
 *
 * Return: 0 or a negative errno.
 */
int hvg_device_add(struct hvg_channel *primary)
{
	struct hvg_device *hdev;
	int ret;

	if (primary->rescinded)
		return 0;
	if (hvg_instance_in_use(primary)) {
		hvg_err_rl("offer %u repeats the instance %pUl of a present device: no device for it\n",
			   primary->relid, &primary->offer.offer.if_instance);
		return -EEXIST;
	}
	hdev = kzalloc(sizeof(*hdev), GFP_KERNEL);
	if (!hdev)
		return -ENOMEM;
	hdev->class_id = primary->offer.offer.if_type;
	hdev->instance_id = primary->offer.offer.if_instance;
	hdev->mmio_megabytes = primary->offer.offer.mmio_megabytes;
	hdev->channel = primary;
	hdev->dev.bus = &hvg_bus;
	hdev->dev.parent = hvg_root;
	hdev->dev.release = hvg_device_release;
	dev_set_name(&hdev->dev, "%pUl", &hdev->instance_id);

	device_initialize(&hdev->dev);
	spin_lock_irq(&hvg_conn.chan_lock);
	primary->hdev = hdev;
	spin_unlock_irq(&hvg_conn.chan_lock);

	ret = device_add(&hdev->dev);
	if (ret) {
		pr_err("device_add for relid %u failed: %d\n",
		       primary->relid, ret);
		spin_lock_irq(&hvg_conn.chan_lock);
		primary->hdev = NULL;
		spin_unlock_irq(&hvg_conn.chan_lock);
		/* The channel stays offered; it is freed with the connection. */
		hdev->channel = NULL;
		put_device(&hdev->dev);
		return ret;
	}
	hvg_chan_sysfs_add(primary);
	return 0;
}

/**
 * hvg_device_remove() - remove a device and forget its channels
 * @hdev: the device
 *
 * Unbinding the driver closes the channels; the relids are then released.
 */
void hvg_device_remove(struct hvg_device *hdev)
{
	struct hvg_channel *primary = hdev->channel, *sub, *tmp;

	list_for_each_entry(sub, &primary->subs, sub_node)
		hvg_chan_sysfs_del(sub);
	hvg_chan_sysfs_del(primary);
	kobject_put(hdev->channels_kobj);
	hdev->channels_kobj = NULL;
	device_del(&hdev->dev);
	list_for_each_entry_safe(sub, tmp, &primary->subs, sub_node) {
		cancel_work_sync(&sub->add_work);
		cancel_work_sync(&sub->rescind_work);
		hvg_channel_close(sub);
		hvg_channel_finish(sub);
		spin_lock_irq(&hvg_conn.chan_lock);
		list_del(&sub->sub_node);
		spin_unlock_irq(&hvg_conn.chan_lock);
		hvg_channel_free(sub);
	}
	hvg_channel_close(primary);
	hvg_channel_finish(primary);
	put_device(&hdev->dev);
}

/**
 * __hvg_driver_register() - register a VMBus class driver
 * @drv: the driver
 * @owner: its module
 * @mod_name: its module name
 *
 * Use hvg_driver_register() or module_hvg_driver().
 *
 * Return: 0 or a negative errno.
 */
int __hvg_driver_register(struct hvg_driver *drv, struct module *owner,
			  const char *mod_name)
{
	drv->driver.name = drv->name;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	drv->driver.bus = &hvg_bus;
	INIT_LIST_HEAD(&drv->dynids);
	spin_lock_init(&drv->dynids_lock);
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__hvg_driver_register);

/**
 * hvg_driver_unregister() - unregister a VMBus class driver
 * @drv: the driver
 */
void hvg_driver_unregister(struct hvg_driver *drv)
{
	struct hvg_dynid *d, *tmp;

	driver_unregister(&drv->driver);
	list_for_each_entry_safe(d, tmp, &drv->dynids, node) {
		list_del(&d->node);
		kfree(d);
	}
}
EXPORT_SYMBOL_GPL(hvg_driver_unregister);

int hvg_bus_init(void)
{
	int ret;

	hvg_bus.dev_groups = hvg_dev_attr_groups;
	hvg_bus.bus_groups = hvg_bus_attr_groups;
	ret = bus_register(&hvg_bus);
	if (ret)
		return ret;
	hvg_root = root_device_register("vmbus");
	if (IS_ERR(hvg_root)) {
		bus_unregister(&hvg_bus);
		return PTR_ERR(hvg_root);
	}
	return 0;
}

void hvg_bus_exit(void)
{
	root_device_unregister(hvg_root);
	bus_unregister(&hvg_bus);
}
