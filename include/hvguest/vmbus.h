/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The class-driver API of hv_vmbus: how network, storage, video, input and
 * the integration components bind to VMBus channels.  See
 * Documentation/class-driver-api.rst for a walk-through.
 */
#ifndef _HVGUEST_VMBUS_H
#define _HVGUEST_VMBUS_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mod_devicetable.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/uuid.h>
#include <hvguest/vmbus_proto.h>

struct hvg_channel;

/*
 * A driver's id_table is an array of struct hv_vmbus_device_id
 * (<linux/mod_devicetable.h>): .guid the class GUID it binds to,
 * .driver_data free for the driver, ended by an empty entry.  Its
 * MODULE_DEVICE_TABLE(vmbus, table) makes modpost write the module's
 * "vmbus:<GUID bytes in hex>" aliases, the MODALIAS of our devices.
 */

/**
 * struct hvg_device - a VMBus device: one per primary channel offer
 * @dev: the driver-model device, named after the instance GUID
 * @class_id: interface type GUID of the offer
 * @instance_id: interface instance GUID of the offer
 * @channel: the primary channel
 * @mmio_megabytes: MMIO space the host asks the guest to reserve (video)
 * @channels_kobj: private to hv_vmbus (the channels/ sysfs directory)
 * @driver_override: private to hv_vmbus (the driver_override attribute)
 */
struct hvg_device {
	struct device dev;
	guid_t class_id;
	guid_t instance_id;
	struct hvg_channel *channel;
	u16 mmio_megabytes;
	struct kobject *channels_kobj;
	char *driver_override;
};

#define to_hvg_device(d) container_of(d, struct hvg_device, dev)

/**
 * struct hvg_driver - a VMBus class driver
 * @name: driver name
 * @hvsock: binds Hyper-V socket offers (VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER),
 *	and only those, whatever their class GUID (Linux hv_driver.hvsock)
 * @id_table: class GUIDs handled, terminated by a zero GUID
 * @probe: bind to a device; may sleep; open channels here
 * @remove: unbind; must close every channel it opened
 * @driver: the driver-model driver
 * @dynids: private to hv_vmbus (class GUIDs added through new_id)
 * @dynids_lock: private to hv_vmbus (guards @dynids)
 *
 * @probe gets an id whose driver_data is 0 when the device was bound
 * through new_id, and an all-zero id when only driver_override matched.
 */
struct hvg_driver {
	const char *name;
	bool hvsock;
	const struct hv_vmbus_device_id *id_table;
	int (*probe)(struct hvg_device *hdev, const struct hv_vmbus_device_id *id);
	void (*remove)(struct hvg_device *hdev);
	struct device_driver driver;
	struct list_head dynids;
	spinlock_t dynids_lock;
};

int __hvg_driver_register(struct hvg_driver *drv, struct module *owner,
			  const char *mod_name);
void hvg_driver_unregister(struct hvg_driver *drv);

#define hvg_driver_register(drv) \
	__hvg_driver_register(drv, THIS_MODULE, KBUILD_MODNAME)
#define module_hvg_driver(drv) \
	module_driver(drv, hvg_driver_register, hvg_driver_unregister)

/* ---- Channels ------------------------------------------------------------ */

/**
 * typedef hvg_channel_cb - inbound data callback
 * @ctx: the context given to hvg_channel_open()
 *
 * Runs in softirq context (a tasklet on the channel's target CPU) whenever
 * the host signalled the channel.  Drain with hvg_recvpacket*() until it
 * returns -EAGAIN.
 */
typedef void (*hvg_channel_cb)(void *ctx);

int hvg_channel_open(struct hvg_channel *chan, u32 send_ring_bytes,
		     u32 recv_ring_bytes, const void *userdata, u32 userlen,
		     hvg_channel_cb onchannel, void *ctx);
void hvg_channel_close(struct hvg_channel *chan);
void hvg_channel_set_polled(struct hvg_channel *chan, bool polled);
bool hvg_channel_poll_done(struct hvg_channel *chan);

int hvg_sendpacket(struct hvg_channel *chan, const void *buf, u32 len,
		   u64 rqst, enum vmbus_packet_type type, u32 flags);
int hvg_sendpacket_pagebuffer(struct hvg_channel *chan,
			      const struct hv_page_buffer *pb, u32 count,
			      const void *buf, u32 len, u64 rqst);
int hvg_sendpacket_mpb(struct hvg_channel *chan, u32 offset, u32 len,
		       const u64 *pfns, u32 npfns, const void *buf, u32 buflen,
		       u64 rqst);
int hvg_recvpacket(struct hvg_channel *chan, void *buf, u32 buflen,
		   u32 *actual, u64 *trans_id);
int hvg_recvpacket_raw(struct hvg_channel *chan, void *buf, u32 buflen,
		       u32 *actual);
int hvg_request_complete(struct hvg_channel *chan, u64 trans_id, u64 *rqst);

/**
 * struct hvg_gpadl - a guest buffer shared with the host
 * @handle: the GPADL handle the host knows it by
 * @buf: the buffer
 * @size: its size in bytes (a multiple of PAGE_SIZE)
 */
struct hvg_gpadl {
	u32 handle;
	void *buf;
	u32 size;
};

int hvg_gpadl_establish(struct hvg_channel *chan, void *buf, u32 size,
			struct hvg_gpadl *gpadl);
int hvg_gpadl_teardown(struct hvg_channel *chan, struct hvg_gpadl *gpadl);

/* ---- Multi-channel -------------------------------------------------------- */

void hvg_set_subchannel_cb(struct hvg_channel *primary,
			   void (*cb)(struct hvg_channel *sub));
u16 hvg_channel_subindex(const struct hvg_channel *chan);
struct hvg_device *hvg_channel_device(const struct hvg_channel *chan);
void hvg_channel_fail(struct hvg_channel *chan, const char *why);
bool hvg_channel_failed(const struct hvg_channel *chan);
bool hvg_channel_rescinded(const struct hvg_channel *chan);
const u8 *hvg_channel_offer_userdef(const struct hvg_channel *chan);
u32 hvg_protocol_version(void);

/* ---- Hyper-V sockets (pipe.c) -------------------------------------------- */

/**
 * typedef hvg_tl_result_cb - the host refused a hvg_tl_connect()
 * @endpoint: the endpoint id of the request
 * @service: its service id
 * @status: the host's NTSTATUS
 */
typedef void (*hvg_tl_result_cb)(const guid_t *endpoint, const guid_t *service,
				 u32 status);

int hvg_tl_connect(const guid_t *endpoint, const guid_t *service);
void hvg_set_tl_result_cb(hvg_tl_result_cb cb);
bool hvg_device_is_hvsock(const struct hvg_device *hdev);
u32 hvg_channel_readable(struct hvg_channel *chan);
u32 hvg_channel_writable(struct hvg_channel *chan, u32 want);

/* ---- MMIO space ----------------------------------------------------------- */

struct resource;

struct resource *hvg_mmio_reserve(struct hvg_device *hdev,
				  resource_size_t size, resource_size_t align);
void hvg_mmio_release(struct resource *res);

#endif /* _HVGUEST_VMBUS_H */
