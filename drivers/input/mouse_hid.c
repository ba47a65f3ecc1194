// SPDX-License-Identifier: GPL-2.0-only
/*
 * hid_hyperv: the HID side of the synthetic mouse.  The host's report
 * descriptor is parsed by the HID core; the low-level driver has nothing
 * to start or stop (reports flow once the handshake is done) and no
 * output or feature reports to carry.  The HID driver binds the device
 * Hyper-V announces, so hid-generic is not needed.
 */
#include <linux/hid.h>
#include <linux/module.h>

#include "mouse.h"

#define MOUSE_VENDOR	0x045e	/* Microsoft */
#define MOUSE_PRODUCT	0x0621	/* the Hyper-V synthetic mouse */

/* The mouse_dev is the drvdata of the VMBus device, the HID device's parent. */
static struct mouse_dev *mouse_of(struct hid_device *hid)
{
	return dev_get_drvdata(hid->dev.parent);
}

static int mouse_ll_parse(struct hid_device *hid)
{
	struct mouse_dev *md = mouse_of(hid);

	return hid_parse_report(hid, md->rdesc, md->rdesc_len);
}

static int mouse_ll_start(struct hid_device *hid)
{
	return 0;
}

static void mouse_ll_stop(struct hid_device *hid)
{
}

static int mouse_ll_open(struct hid_device *hid)
{
	return 0;
}

static void mouse_ll_close(struct hid_device *hid)
{
}

static int mouse_ll_raw_request(struct hid_device *hid, unsigned char reportnum,
				__u8 *buf, size_t len, unsigned char rtype,
				int reqtype)
{
	return -EIO;	/* the protocol carries input reports only */
}

/* Not const: hid_device.ll_driver is a plain pointer before 6.3. */
static struct hid_ll_driver mouse_ll_driver = {
	.parse = mouse_ll_parse,
	.start = mouse_ll_start,
	.stop = mouse_ll_stop,
	.open = mouse_ll_open,
	.close = mouse_ll_close,
	.raw_request = mouse_ll_raw_request,
};

/**
 * mouse_hid_add() - add the HID device of a mouse whose handshake is done
 * @md: the mouse; md->info and md->rdesc hold what the host sent
 *
 * Return: 0 (md->hid set) or a negative errno.
 */
int mouse_hid_add(struct mouse_dev *md)
{
	struct hid_device *hid;
	int ret;

	hid = hid_allocate_device();
	if (IS_ERR(hid))
		return PTR_ERR(hid);
	hid->ll_driver = &mouse_ll_driver;
	hid->dev.parent = &md->hdev->dev;
	hid->bus = BUS_VIRTUAL;
	hid->vendor = le16_to_cpu(md->info.vendor);
	hid->product = le16_to_cpu(md->info.product);
	hid->version = le16_to_cpu(md->info.version);
	strscpy(hid->name, "Microsoft Vmbus HID-compliant Mouse", sizeof(hid->name));
	snprintf(hid->phys, sizeof(hid->phys), "vmbus/%s", dev_name(&md->hdev->dev));
	strscpy(hid->uniq, dev_name(&md->hdev->dev), sizeof(hid->uniq));
	ret = hid_add_device(hid);
	if (ret) {
		dev_err(&md->hdev->dev, "cannot add the HID device: %d\n", ret);
		hid_destroy_device(hid);
		return ret;
	}
	md->hid = hid;
	return 0;
}

static int mouse_hid_probe(struct hid_device *hid, const struct hid_device_id *id)
{
	int ret;

	if (hid->ll_driver != &mouse_ll_driver)
		return -ENODEV;
	ret = hid_parse(hid);
	if (ret) {
		hid_err(hid, "cannot parse the report descriptor: %d\n", ret);
		return ret;
	}
	ret = hid_hw_start(hid, HID_CONNECT_DEFAULT);
	if (ret)
		hid_err(hid, "cannot start: %d\n", ret);
	return ret;
}

static const struct hid_device_id mouse_hid_ids[] = {
	{ HID_DEVICE(BUS_VIRTUAL, HID_GROUP_ANY, MOUSE_VENDOR, MOUSE_PRODUCT) },
	{ }
};

static struct hid_driver mouse_hid_driver = {
	.name = "hid_hyperv",
	.id_table = mouse_hid_ids,
	.probe = mouse_hid_probe,
};

int mouse_hid_register(void)
{
	return hid_register_driver(&mouse_hid_driver);
}

void mouse_hid_unregister(void)
{
	hid_unregister_driver(&mouse_hid_driver);
}
