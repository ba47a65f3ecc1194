// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: the bus's version and backend, per-device identity and ring
 * state, and a channels/<relid>/ directory per channel.
 */
#include <linux/kernel.h>
#include <linux/sysfs.h>
#include <hvguest/compat.h>

#include "vmbus_priv.h"

/* ---- Bus attributes -------------------------------------------------------- */

static ssize_t version_show(HVG_BUS_ATTR_CONST struct bus_type *bus, char *buf)
{
	char v[16];

	return sysfs_emit(buf, "%s\n", hvg_version_str(hvg_conn.version, v, sizeof(v)));
}

static ssize_t backend_show(HVG_BUS_ATTR_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%s\n", hvg_conn.connected ? hvg_conn.ops->name : "none");
}

#define HVG_BUS_ATTR_RO(name) \
	struct bus_attribute bus_attr_##name = __ATTR_RO(name)

static HVG_BUS_ATTR_RO(version);
static HVG_BUS_ATTR_RO(backend);

static struct attribute *hvg_bus_attrs[] = {
	&bus_attr_version.attr,
	&bus_attr_backend.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvg_bus);
const struct attribute_group **hvg_bus_attr_groups = hvg_bus_groups;

/* ---- Ring state, shared by device and channel attributes ------------------- */

enum hvg_ring_field {
	HVG_READ_INDEX, HVG_WRITE_INDEX, HVG_READ_AVAIL, HVG_WRITE_AVAIL,
	HVG_INTR_MASK,
};

static ssize_t hvg_ring_show(struct hvg_channel *chan, bool inbound,
			     enum hvg_ring_field f, char *buf)
{
	struct hv_ring *ring = inbound ? &chan->in : &chan->out;
	spinlock_t *lock = inbound ? &chan->in_lock : &chan->out_lock;
	unsigned long flags;
	u32 val = 0;

	spin_lock_irqsave(lock, flags);
	if (chan->ring_mem && READ_ONCE(chan->state) != HVG_CHAN_OFFERED) {
		switch (f) {
		case HVG_READ_INDEX:
			val = READ_ONCE(ring->hdr->read_index);
			break;
		case HVG_WRITE_INDEX:
			val = READ_ONCE(ring->hdr->write_index);
			break;
		case HVG_READ_AVAIL:
			val = hv_ring_bytes_used(ring);
			break;
		case HVG_WRITE_AVAIL:
			val = hv_ring_bytes_to_write(ring);
			break;
		case HVG_INTR_MASK:
			val = READ_ONCE(ring->hdr->interrupt_mask);
			break;
		}
	}
	spin_unlock_irqrestore(lock, flags);
	return sysfs_emit(buf, "%u\n", val);
}

static ssize_t hvg_target_cpu_store(struct hvg_channel *chan, const char *buf,
				    size_t count)
{
	u32 cpu;
	int ret = kstrtou32(buf, 0, &cpu);

	if (ret)
		return ret;
	ret = hvg_channel_set_cpu(chan, cpu);
	return ret ? ret : count;
}

/* ---- Device attributes ----------------------------------------------------- */

#define hvg_dev_chan(dev) (to_hvg_device(dev)->channel)

static ssize_t class_id_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_hvg_device(dev)->class_id);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_hvg_device(dev)->instance_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "vmbus:%*phN\n", UUID_SIZE,
			  to_hvg_device(dev)->class_id.b);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t id_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", hvg_dev_chan(dev)->relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *a,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", hvg_chan_state_name(hvg_dev_chan(dev)));
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	struct hvg_channel *chan = hvg_dev_chan(dev);

	return sysfs_emit(buf, "%d\n", chan->monitored ? chan->monitorid : -1);
}
static DEVICE_ATTR_RO(monitor_id);

static ssize_t target_cpu_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", hvg_dev_chan(dev)->target_cpu);
}

static ssize_t target_cpu_store(struct device *dev, struct device_attribute *a,
				const char *buf, size_t count)
{
	return hvg_target_cpu_store(hvg_dev_chan(dev), buf, count);
}
static DEVICE_ATTR_RW(target_cpu);

#define HVG_DEV_RING_ATTR(name, inbound, field)				\
static ssize_t name##_show(struct device *dev, struct device_attribute *a, \
			   char *buf)					\
{									\
	return hvg_ring_show(hvg_dev_chan(dev), inbound, field, buf);	\
}									\
static DEVICE_ATTR_RO(name)

HVG_DEV_RING_ATTR(in_read_index, true, HVG_READ_INDEX);
HVG_DEV_RING_ATTR(in_write_index, true, HVG_WRITE_INDEX);
HVG_DEV_RING_ATTR(in_read_bytes_avail, true, HVG_READ_AVAIL);
HVG_DEV_RING_ATTR(in_write_bytes_avail, true, HVG_WRITE_AVAIL);
HVG_DEV_RING_ATTR(in_intr_mask, true, HVG_INTR_MASK);
HVG_DEV_RING_ATTR(out_read_index, false, HVG_READ_INDEX);
HVG_DEV_RING_ATTR(out_write_index, false, HVG_WRITE_INDEX);
HVG_DEV_RING_ATTR(out_read_bytes_avail, false, HVG_READ_AVAIL);
HVG_DEV_RING_ATTR(out_write_bytes_avail, false, HVG_WRITE_AVAIL);
HVG_DEV_RING_ATTR(out_intr_mask, false, HVG_INTR_MASK);

static struct attribute *hvg_dev_attrs[] = {
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_target_cpu.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_out_intr_mask.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvg_dev);
const struct attribute_group **hvg_dev_attr_groups = hvg_dev_groups;

/* ---- Channel directories ----------------------------------------------------- */

struct hvg_chan_attr {
	struct attribute attr;
	ssize_t (*show)(struct hvg_channel *chan, char *buf);
	ssize_t (*store)(struct hvg_channel *chan, const char *buf, size_t n);
};

#define to_chan(k) container_of(k, struct hvg_channel, kobj)

static ssize_t hvg_chan_attr_show(struct kobject *kobj, struct attribute *attr,
				  char *buf)
{
	const struct hvg_chan_attr *a = container_of(attr, struct hvg_chan_attr, attr);

	return a->show(to_chan(kobj), buf);
}

static ssize_t hvg_chan_attr_store(struct kobject *kobj, struct attribute *attr,
				   const char *buf, size_t n)
{
	const struct hvg_chan_attr *a = container_of(attr, struct hvg_chan_attr, attr);

	return a->store ? a->store(to_chan(kobj), buf, n) : -EIO;
}

static const struct sysfs_ops hvg_chan_sysfs_ops = {
	.show = hvg_chan_attr_show,
	.store = hvg_chan_attr_store,
};

static ssize_t chan_target_cpu_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%u\n", chan->target_cpu);
}

static ssize_t chan_subchannel_id_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%u\n", chan->subindex);
}

static ssize_t chan_monitor_id_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%d\n", chan->monitored ? chan->monitorid : -1);
}

static ssize_t chan_state_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%s\n", hvg_chan_state_name(chan));
}

#define HVG_CHAN_ATTR(_n, _show, _store, _mode)			\
static struct hvg_chan_attr chan_attr_##_n = {				\
	.attr = { .name = #_n, .mode = _mode },				\
	.show = _show, .store = _store,					\
}

HVG_CHAN_ATTR(target_cpu, chan_target_cpu_show, hvg_target_cpu_store, 0644);
HVG_CHAN_ATTR(subchannel_id, chan_subchannel_id_show, NULL, 0444);
HVG_CHAN_ATTR(monitor_id, chan_monitor_id_show, NULL, 0444);
HVG_CHAN_ATTR(state, chan_state_show, NULL, 0444);

#define HVG_CHAN_RING_ATTR(_n, inbound, field)				\
static ssize_t chan_##_n##_show(struct hvg_channel *chan, char *buf)	\
{									\
	return hvg_ring_show(chan, inbound, field, buf);		\
}									\
HVG_CHAN_ATTR(_n, chan_##_n##_show, NULL, 0444)

HVG_CHAN_RING_ATTR(in_read_index, true, HVG_READ_INDEX);
HVG_CHAN_RING_ATTR(in_write_index, true, HVG_WRITE_INDEX);
HVG_CHAN_RING_ATTR(in_read_bytes_avail, true, HVG_READ_AVAIL);
HVG_CHAN_RING_ATTR(in_write_bytes_avail, true, HVG_WRITE_AVAIL);
HVG_CHAN_RING_ATTR(in_intr_mask, true, HVG_INTR_MASK);
HVG_CHAN_RING_ATTR(out_read_index, false, HVG_READ_INDEX);
HVG_CHAN_RING_ATTR(out_write_index, false, HVG_WRITE_INDEX);
HVG_CHAN_RING_ATTR(out_read_bytes_avail, false, HVG_READ_AVAIL);
HVG_CHAN_RING_ATTR(out_write_bytes_avail, false, HVG_WRITE_AVAIL);
HVG_CHAN_RING_ATTR(out_intr_mask, false, HVG_INTR_MASK);

static struct attribute *hvg_chan_attrs[] = {
	&chan_attr_target_cpu.attr,
	&chan_attr_subchannel_id.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_state.attr,
	&chan_attr_in_read_index.attr,
	&chan_attr_in_write_index.attr,
	&chan_attr_in_read_bytes_avail.attr,
	&chan_attr_in_write_bytes_avail.attr,
	&chan_attr_in_intr_mask.attr,
	&chan_attr_out_read_index.attr,
	&chan_attr_out_write_index.attr,
	&chan_attr_out_read_bytes_avail.attr,
	&chan_attr_out_write_bytes_avail.attr,
	&chan_attr_out_intr_mask.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvg_chan);

/*
 * The channel's memory belongs to the bus code, not to this kobject:
 * kobject_del() drains every sysfs reader before hvg_channel_free() frees it.
 */
static void hvg_chan_kobj_release(struct kobject *kobj)
{
}

static struct kobj_type hvg_chan_ktype = {
	.release = hvg_chan_kobj_release,
	.sysfs_ops = &hvg_chan_sysfs_ops,
	.default_groups = hvg_chan_groups,
};

/**
 * hvg_chan_sysfs_add() - create channels/<relid> under the device
 * @chan: a channel whose device exists
 *
 * Return: 0 or a negative errno (the channel works without it).
 */
int hvg_chan_sysfs_add(struct hvg_channel *chan)
{
	struct hvg_device *hdev = chan->hdev;
	int ret;

	if (!hdev)
		return -ENODEV;
	if (!hdev->channels_kobj) {
		hdev->channels_kobj = kobject_create_and_add("channels", &hdev->dev.kobj);
		if (!hdev->channels_kobj)
			return -ENOMEM;
	}
	ret = kobject_init_and_add(&chan->kobj, &hvg_chan_ktype,
				   hdev->channels_kobj, "%u", chan->relid);
	if (ret) {
		kobject_put(&chan->kobj);
		return ret;
	}
	chan->kobj_added = true;
	return 0;
}

/**
 * hvg_chan_sysfs_del() - remove channels/<relid>
 * @chan: the channel
 */
void hvg_chan_sysfs_del(struct hvg_channel *chan)
{
	if (!chan->kobj_added)
		return;
	chan->kobj_added = false;
	kobject_del(&chan->kobj);
	kobject_put(&chan->kobj);
}
