// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: the bus's version and backend, per-device identity and ring
 * state, and a channels/<relid>/ directory per channel.
 */
#include <linux/cpu.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
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

/* We have no hibernation support (no suspend/resume of the channels). */
static ssize_t hibernation_show(HVG_BUS_ATTR_CONST struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "0\n");
}

#define HVG_BUS_ATTR_RO(name) \
	struct bus_attribute bus_attr_##name = __ATTR_RO(name)

static HVG_BUS_ATTR_RO(version);
static HVG_BUS_ATTR_RO(backend);
static HVG_BUS_ATTR_RO(hibernation);

static struct attribute *hvg_bus_attrs[] = {
	&bus_attr_version.attr,
	&bus_attr_backend.attr,
	&bus_attr_hibernation.attr,
	NULL,
};
ATTRIBUTE_GROUPS(hvg_bus);
const struct attribute_group **hvg_bus_attr_groups = hvg_bus_groups;

/* ---- Ring state, shared by device and channel attributes ------------------- */

enum hvg_ring_field {
	HVG_READ_INDEX, HVG_WRITE_INDEX, HVG_READ_AVAIL, HVG_WRITE_AVAIL,
	HVG_INTR_MASK,
};

/*
 * As Linux's ring attributes (hv_ringbuffer_get_debuginfo() for the
 * device's, the channel attributes alike): EINVAL without rings, i.e. while
 * the channel is not open.  ring_lock keeps close from freeing the header
 * page under the read.
 */
static ssize_t hvg_ring_show(struct hvg_channel *chan, bool inbound,
			     enum hvg_ring_field f, char *buf)
{
	struct hv_ring *ring = inbound ? &chan->in : &chan->out;
	u32 val = 0;

	mutex_lock(&chan->ring_lock);
	if (!chan->ring_mem) {
		mutex_unlock(&chan->ring_lock);
		return -EINVAL;
	}
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
	mutex_unlock(&chan->ring_lock);
	return sysfs_emit(buf, "%u\n", val);
}

/* Monitor page fields of a monitored channel: [0] is the server's, [1] ours. */
enum hvg_monitor_field { HVG_MON_PENDING, HVG_MON_LATENCY, HVG_MON_CONN_ID };

static ssize_t hvg_monitor_show(struct hvg_channel *chan, int page,
				enum hvg_monitor_field f, char *buf)
{
	struct hv_monitor_page *mp = hvg_conn.monitor_pages[page];
	unsigned int grp = chan->monitorid / 32, bit = chan->monitorid % 32;
	u32 val;

	if (!mp || !chan->monitored)
		return -ENODEV;
	switch (f) {
	case HVG_MON_PENDING:
		val = READ_ONCE(mp->trigger_group[grp].pending);
		break;
	case HVG_MON_LATENCY:
		val = READ_ONCE(mp->latency[grp][bit]);
		break;
	default:
		/* The connection id is the low 24 bits (Linux's hv_connection_id). */
		val = READ_ONCE(mp->parameter[grp][bit].connection_id) & 0xffffff;
		break;
	}
	return sysfs_emit(buf, "%d\n", (int)val);
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

/* Linux's enum vmbus_channel_state: offer 0, opening 1, open 2, opened 3. */
static ssize_t state_show(struct device *dev, struct device_attribute *a,
			  char *buf)
{
	static const u8 linux_state[] = {
		[HVG_CHAN_OFFERED] = 0,
		[HVG_CHAN_OPENING] = 1,
		[HVG_CHAN_OPEN] = 3,
		[HVG_CHAN_CLOSING] = 2,
		[HVG_CHAN_FAILED] = 3,
	};
	enum hvg_chan_state st = READ_ONCE(hvg_dev_chan(dev)->state);

	return sysfs_emit(buf, "%u\n", linux_state[st]);
}
static DEVICE_ATTR_RO(state);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", hvg_dev_chan(dev)->monitorid);
}
static DEVICE_ATTR_RO(monitor_id);

#ifdef CONFIG_NUMA
static ssize_t numa_node_show(struct device *dev, struct device_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  cpu_to_node(READ_ONCE(hvg_dev_chan(dev)->target_cpu)));
}
static DEVICE_ATTR_RO(numa_node);
#endif

#define HVG_DEV_MON_ATTR(name, page, field)				\
static ssize_t name##_show(struct device *dev, struct device_attribute *a, \
			   char *buf)					\
{									\
	return hvg_monitor_show(hvg_dev_chan(dev), page, field, buf);	\
}									\
static DEVICE_ATTR_RO(name)

HVG_DEV_MON_ATTR(server_monitor_pending, 0, HVG_MON_PENDING);
HVG_DEV_MON_ATTR(client_monitor_pending, 1, HVG_MON_PENDING);
HVG_DEV_MON_ATTR(server_monitor_latency, 0, HVG_MON_LATENCY);
HVG_DEV_MON_ATTR(client_monitor_latency, 1, HVG_MON_LATENCY);
HVG_DEV_MON_ATTR(server_monitor_conn_id, 0, HVG_MON_CONN_ID);
HVG_DEV_MON_ATTR(client_monitor_conn_id, 1, HVG_MON_CONN_ID);

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

/* "relid:cpu" per channel, the primary first. */
static ssize_t channel_vp_mapping_show(struct device *dev,
				       struct device_attribute *a, char *buf)
{
	struct hvg_channel *primary = hvg_dev_chan(dev), *sub;
	int n;

	spin_lock_irq(&hvg_conn.chan_lock);
	n = sysfs_emit(buf, "%u:%u\n", primary->relid, primary->target_cpu);
	list_for_each_entry(sub, &primary->subs, sub_node)
		n += sysfs_emit_at(buf, n, "%u:%u\n", sub->relid, sub->target_cpu);
	spin_unlock_irq(&hvg_conn.chan_lock);
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

/* Linux: PCI_VENDOR_ID_MICROSOFT for every device. */
static ssize_t vendor_show(struct device *dev, struct device_attribute *a,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", 0x1414);
}
static DEVICE_ATTR_RO(vendor);

/*
 * Linux's device number is the class's index in its enum vmbus_device_type
 * (include/linux/hyperv.h; the GUIDs in the same order in vmbus_devs[] of
 * drivers/hv/channel_mgmt.c), HV_UNKNOWN (16) for any other class.
 */
static const guid_t hvg_dev_types[] = {
	GUID_INIT(0x32412632, 0x86cb, 0x44a2, 0x9b, 0x5c, 0x50, 0xd1, 0x41, 0x73, 0x54, 0xf5),
	GUID_INIT(0xba6163d9, 0x04a1, 0x4d29, 0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f),
	GUID_INIT(0x2f9bcc4a, 0x0069, 0x4af3, 0xb7, 0x6b, 0x6f, 0xd0, 0xbe, 0x52, 0x8c, 0xda),
	GUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e),
	GUID_INIT(0x8c2eaf3d, 0x32a7, 0x4b09, 0xab, 0x99, 0xbd, 0x1f, 0x1c, 0x86, 0xb5, 0x01),
	GUID_INIT(0x44c4f61d, 0x4444, 0x4400, 0x9d, 0x52, 0x80, 0x2e, 0x27, 0xed, 0xe1, 0x9f),
	GUID_INIT(0xda0a7802, 0xe377, 0x4aac, 0x8e, 0x77, 0x05, 0x58, 0xeb, 0x10, 0x73, 0xf8),
	GUID_INIT(0xf912ad6d, 0x2b17, 0x48ea, 0xbd, 0x65, 0xf9, 0x27, 0xa6, 0x1c, 0x76, 0x84),
	GUID_INIT(0xcfa8b69e, 0x5b4a, 0x4cc0, 0xb9, 0x8b, 0x8b, 0xa1, 0xa1, 0xf3, 0xf9, 0x5a),
	GUID_INIT(0xa9a0f4e7, 0x5a45, 0x4d96, 0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6),
	GUID_INIT(0x9527e630, 0xd0ae, 0x497b, 0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf),
	GUID_INIT(0x57164f39, 0x9115, 0x4e78, 0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d),
	GUID_INIT(0x0e0b6031, 0x5213, 0x4934, 0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb),
	GUID_INIT(0x34d14be3, 0xdee4, 0x41c8, 0x9a, 0xe7, 0x6b, 0x17, 0x49, 0x77, 0xc1, 0x92),
	GUID_INIT(0x35fa2e29, 0xea23, 0x4236, 0x96, 0xae, 0x3a, 0x6e, 0xba, 0xcb, 0xa4, 0x40),
	GUID_INIT(0x525074dc, 0x8985, 0x46e2, 0x80, 0x57, 0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02),
};

static ssize_t device_show(struct device *dev, struct device_attribute *a,
			   char *buf)
{
	const guid_t *class = &to_hvg_device(dev)->class_id;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hvg_dev_types); i++)
		if (guid_equal(class, &hvg_dev_types[i]))
			break;
	return sysfs_emit(buf, "0x%x\n", i);
}
static DEVICE_ATTR_RO(device);

static ssize_t driver_override_show(struct device *dev,
				    struct device_attribute *a, char *buf)
{
	ssize_t n;

	device_lock(dev);
	n = sysfs_emit(buf, "%s\n", to_hvg_device(dev)->driver_override);
	device_unlock(dev);
	return n;
}

/*
 * As Linux's driver_set_override(): the name up to the first newline (or
 * NUL); an empty string or one starting with a newline clears it.
 */
static ssize_t driver_override_store(struct device *dev,
				     struct device_attribute *a,
				     const char *buf, size_t count)
{
	struct hvg_device *hdev = to_hvg_device(dev);
	char *name = NULL, *old;
	const char *nl;
	size_t len;

	/* One byte less than a page: show adds a newline. */
	if (count >= PAGE_SIZE - 1)
		return -EINVAL;
	len = strnlen(buf, count);
	nl = memchr(buf, '\n', len);
	if (nl)
		len = nl - buf;
	if (len) {
		name = kstrndup(buf, len, GFP_KERNEL);
		if (!name)
			return -ENOMEM;
	}
	device_lock(dev);
	old = hdev->driver_override;
	hdev->driver_override = name;
	device_unlock(dev);
	kfree(old);
	return count;
}
static DEVICE_ATTR_RW(driver_override);

static struct attribute *hvg_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
#ifdef CONFIG_NUMA
	&dev_attr_numa_node.attr,
#endif
	&dev_attr_server_monitor_pending.attr,
	&dev_attr_client_monitor_pending.attr,
	&dev_attr_server_monitor_latency.attr,
	&dev_attr_client_monitor_latency.attr,
	&dev_attr_server_monitor_conn_id.attr,
	&dev_attr_client_monitor_conn_id.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_driver_override.attr,
	NULL,
};

static bool hvg_dev_monitor_attr(const struct attribute *attr)
{
	return attr == &dev_attr_monitor_id.attr ||
	       attr == &dev_attr_server_monitor_pending.attr ||
	       attr == &dev_attr_client_monitor_pending.attr ||
	       attr == &dev_attr_server_monitor_latency.attr ||
	       attr == &dev_attr_client_monitor_latency.attr ||
	       attr == &dev_attr_server_monitor_conn_id.attr ||
	       attr == &dev_attr_client_monitor_conn_id.attr;
}

/* As in Linux, the monitor attributes exist only for monitored channels. */
static umode_t hvg_dev_attr_visible(struct kobject *kobj, struct attribute *attr,
				    int n)
{
	struct hvg_device *hdev = to_hvg_device(kobj_to_dev(kobj));

	if (hvg_dev_monitor_attr(attr) && !hdev->channel->monitored)
		return 0;
	return attr->mode;
}

static const struct attribute_group hvg_dev_group = {
	.attrs = hvg_dev_attrs,
	.is_visible = hvg_dev_attr_visible,
};
__ATTRIBUTE_GROUPS(hvg_dev);
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

static ssize_t chan_cpu_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(chan->target_cpu));
}

/*
 * As Linux's target_cpu_store(): EIO before VMBus 4.1 (no MODIFYCHANNEL),
 * for a channel that is not open and when the host refuses; EINVAL for a
 * CPU that cannot take the interrupt.  CPU hotplug waits meanwhile, so the
 * CPU cannot go offline between the check and the move (and hvg_synic's
 * offline callback sees the channel on it).  Unlike Linux, a 5.3 host that
 * does not answer gives ETIMEDOUT.
 */
static ssize_t chan_cpu_store(struct hvg_channel *chan, const char *buf,
			      size_t count)
{
	ssize_t ret = count;
	u32 cpu;
	int err;

	if (hvg_conn.version < VERSION_WIN10_V4_1)
		return -EIO;
	if (kstrtou32(buf, 10, &cpu))
		return -EIO;
	cpus_read_lock();
	if (!hvg_synic_cpu_ok(cpu))
		ret = -EINVAL;
	else if (READ_ONCE(chan->state) != HVG_CHAN_OPEN)
		ret = -EIO;
	else if (cpu != READ_ONCE(chan->target_cpu)) {
		err = hvg_channel_set_cpu(chan, cpu);
		if (err == -EINVAL || err == -ETIMEDOUT)
			ret = err;
		else if (err)
			ret = -EIO;
	}
	cpus_read_unlock();
	return ret;
}

static ssize_t chan_subchannel_id_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%u\n", chan->subindex);
}

static ssize_t chan_monitor_id_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%u\n", chan->monitorid);
}

static ssize_t chan_pending_show(struct hvg_channel *chan, char *buf)
{
	return hvg_monitor_show(chan, 1, HVG_MON_PENDING, buf);
}

static ssize_t chan_latency_show(struct hvg_channel *chan, char *buf)
{
	return hvg_monitor_show(chan, 1, HVG_MON_LATENCY, buf);
}

/* Ours: the channel state by name (Linux's state is a number). */
static ssize_t chan_state_name_show(struct hvg_channel *chan, char *buf)
{
	return sysfs_emit(buf, "%s\n", hvg_chan_state_name(chan));
}

#define HVG_CHAN_ATTR(_n, _show, _store, _mode)			\
static struct hvg_chan_attr chan_attr_##_n = {				\
	.attr = { .name = #_n, .mode = _mode },				\
	.show = _show, .store = _store,					\
}

#define HVG_CHAN_COUNTER(_n, field)					\
static ssize_t chan_##_n##_show(struct hvg_channel *chan, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", READ_ONCE(chan->field));	\
}									\
HVG_CHAN_ATTR(_n, chan_##_n##_show, NULL, 0444)

HVG_CHAN_ATTR(cpu, chan_cpu_show, chan_cpu_store, 0644);
HVG_CHAN_ATTR(subchannel_id, chan_subchannel_id_show, NULL, 0444);
HVG_CHAN_ATTR(monitor_id, chan_monitor_id_show, NULL, 0444);
HVG_CHAN_ATTR(pending, chan_pending_show, NULL, 0444);
HVG_CHAN_ATTR(latency, chan_latency_show, NULL, 0444);
HVG_CHAN_ATTR(state, chan_state_name_show, NULL, 0444);
HVG_CHAN_COUNTER(interrupts, interrupts);
HVG_CHAN_COUNTER(events, events);
HVG_CHAN_COUNTER(intr_in_full, intr_in_full);
HVG_CHAN_COUNTER(intr_out_empty, intr_out_empty);
HVG_CHAN_COUNTER(out_full_first, out_full_first);
HVG_CHAN_COUNTER(out_full_total, out_full_total);

#define HVG_CHAN_RING_ATTR(_n, inbound, field)				\
static ssize_t chan_##_n##_show(struct hvg_channel *chan, char *buf)	\
{									\
	return hvg_ring_show(chan, inbound, field, buf);		\
}									\
HVG_CHAN_ATTR(_n, chan_##_n##_show, NULL, 0444)

HVG_CHAN_RING_ATTR(in_mask, true, HVG_INTR_MASK);
HVG_CHAN_RING_ATTR(out_mask, false, HVG_INTR_MASK);
HVG_CHAN_RING_ATTR(read_avail, true, HVG_READ_AVAIL);
HVG_CHAN_RING_ATTR(write_avail, false, HVG_WRITE_AVAIL);
/* Ours: the indices of each ring (Linux has them for the primary only). */
HVG_CHAN_RING_ATTR(in_read_index, true, HVG_READ_INDEX);
HVG_CHAN_RING_ATTR(in_write_index, true, HVG_WRITE_INDEX);
HVG_CHAN_RING_ATTR(out_read_index, false, HVG_READ_INDEX);
HVG_CHAN_RING_ATTR(out_write_index, false, HVG_WRITE_INDEX);

static struct attribute *hvg_chan_attrs[] = {
	&chan_attr_out_mask.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	&chan_attr_cpu.attr,
	&chan_attr_pending.attr,
	&chan_attr_latency.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_events.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_out_full_total.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_subchannel_id.attr,
	&chan_attr_state.attr,
	&chan_attr_in_read_index.attr,
	&chan_attr_in_write_index.attr,
	&chan_attr_out_read_index.attr,
	&chan_attr_out_write_index.attr,
	NULL,
};

static umode_t hvg_chan_attr_visible(struct kobject *kobj, struct attribute *attr,
				     int n)
{
	if (!to_chan(kobj)->monitored &&
	    (attr == &chan_attr_pending.attr || attr == &chan_attr_latency.attr ||
	     attr == &chan_attr_monitor_id.attr))
		return 0;
	return attr->mode;
}

/*
 * ring: both rings (outbound first, as the GPADL has them) for user-space
 * drivers, root only, as uio_hv_generic's ring_buffer_bin_attr in Linux.
 */
static int hvg_chan_ring_mmap(struct file *filp, struct kobject *kobj,
			      HVG_BIN_ATTR_CB_CONST struct bin_attribute *attr,
			      struct vm_area_struct *vma)
{
	struct hvg_channel *chan = to_chan(kobj);
	int ret = -ENODEV;

	mutex_lock(&chan->ring_lock);
	if (chan->ring_mem)
		ret = remap_vmalloc_range(vma, chan->ring_mem, vma->vm_pgoff);
	mutex_unlock(&chan->ring_lock);
	return ret;
}

static struct bin_attribute hvg_chan_ring_attr = {
	.attr = { .name = "ring", .mode = 0600 },
	/* Linux's size (2 * HV_RING_SIZE pages); mmap checks the real one. */
	.size = 2 * 512 * PAGE_SIZE,
	.mmap = hvg_chan_ring_mmap,
};

static HVG_BIN_ATTRS_CONST struct bin_attribute *HVG_BIN_ATTRS_CONST hvg_chan_bin_attrs[] = {
	&hvg_chan_ring_attr,
	NULL,
};

static const struct attribute_group hvg_chan_group = {
	.attrs = hvg_chan_attrs,
	.bin_attrs = hvg_chan_bin_attrs,
	.is_visible = hvg_chan_attr_visible,
};
__ATTRIBUTE_GROUPS(hvg_chan);

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
