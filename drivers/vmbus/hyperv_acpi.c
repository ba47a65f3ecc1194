// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO space on real Hyper-V: the memory ranges of the VMBus ACPI device
 * (HID "VMBUS" or "VMBus"), or, where it has none, of its nearest ancestor
 * that has some (Generation 1 VMs describe them on the enclosing module
 * device).  Read once, when the backend is probed.
 *
 * Ranges above 4 GiB are handed out first: the low range also holds the
 * firmware's boot framebuffer, which efifb or vesafb may still be using.
 *
 * Like the rest of the Hyper-V backend this compiles on every supported
 * kernel but runs on no test machine here.
 */
#include <linux/acpi.h>
#include <linux/ioport.h>
#include <linux/sort.h>

#include "hyperv.h"

#define HVG_ACPI_MAX_RANGES	4

static struct resource hvg_acpi_mmio[HVG_ACPI_MAX_RANGES];
static unsigned int hvg_acpi_nmmio;

static acpi_status hvg_acpi_resource(struct acpi_resource *res, void *ctx)
{
	struct resource_win win;

	if (!acpi_dev_resource_address_space(res, &win) ||
	    !(win.res.flags & IORESOURCE_MEM) || !resource_size(&win.res))
		return AE_OK;
	if (hvg_acpi_nmmio == HVG_ACPI_MAX_RANGES) {
		pr_warn("hv_vmbus: more than %d MMIO ranges in ACPI, %pR ignored\n",
			HVG_ACPI_MAX_RANGES, &win.res);
		return AE_OK;
	}
	hvg_acpi_mmio[hvg_acpi_nmmio++] = win.res;
	return AE_OK;
}

static acpi_status hvg_acpi_found(acpi_handle handle, u32 level, void *ctx,
				  void **ret)
{
	*ret = handle;
	return AE_CTRL_TERMINATE;
}

/* Highest range first. */
static int hvg_acpi_cmp(const void *a, const void *b)
{
	const struct resource *ra = a, *rb = b;

	if (ra->start == rb->start)
		return 0;
	return ra->start > rb->start ? -1 : 1;
}

/**
 * hvg_hyperv_acpi_init() - read the MMIO ranges of the VMBus ACPI device
 */
void hvg_hyperv_acpi_init(void)
{
	static const char *const hids[] = { "VMBUS", "VMBus" };
	acpi_handle handle = NULL, parent;
	unsigned int i;

	hvg_acpi_nmmio = 0;
	for (i = 0; i < ARRAY_SIZE(hids) && !handle; i++)
		acpi_get_devices(hids[i], hvg_acpi_found, NULL, &handle);
	if (!handle) {
		pr_info("hv_vmbus: no VMBus ACPI device; no MMIO space for devices\n");
		return;
	}
	while (!hvg_acpi_nmmio) {
		acpi_walk_resources(handle, METHOD_NAME__CRS, hvg_acpi_resource,
				    NULL);
		if (ACPI_FAILURE(acpi_get_parent(handle, &parent)))
			break;
		handle = parent;
	}
	sort(hvg_acpi_mmio, hvg_acpi_nmmio, sizeof(hvg_acpi_mmio[0]),
	     hvg_acpi_cmp, NULL);
}

/**
 * hvg_hyperv_mmio_range() - the backend's mmio_range operation
 * @index: range number, from 0
 * @start: set to the range's first address
 * @size: set to its size
 *
 * Return: 0, or -ENOENT past the last range.
 */
int hvg_hyperv_mmio_range(unsigned int index, phys_addr_t *start,
			  resource_size_t *size)
{
	if (index >= hvg_acpi_nmmio)
		return -ENOENT;
	*start = hvg_acpi_mmio[index].start;
	*size = resource_size(&hvg_acpi_mmio[index]);
	return 0;
}
