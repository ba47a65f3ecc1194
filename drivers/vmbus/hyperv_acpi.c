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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/ioport.h>
#include <linux/sort.h>

#include "backend.h"

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
		pr_warn("more than %d MMIO ranges in ACPI, %pR ignored\n",
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

/* The VMBus ACPI device, or NULL. */
static acpi_handle hvg_acpi_vmbus(void)
{
	static const char *const hids[] = { "VMBUS", "VMBus" };
	acpi_handle handle = NULL;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hids) && !handle; i++)
		acpi_get_devices(hids[i], hvg_acpi_found, NULL, &handle);
	return handle;
}

/**
 * hvg_hyperv_acpi_init() - read the MMIO ranges of the VMBus ACPI device
 */
void hvg_hyperv_acpi_init(void)
{
	acpi_handle handle = hvg_acpi_vmbus(), parent;

	hvg_acpi_nmmio = 0;
	if (!handle) {
		pr_info("no VMBus ACPI device; no MMIO space for devices\n");
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

struct hvg_acpi_irq {
	int irq;
	u32 gsi;
};

static acpi_status hvg_acpi_irq_resource(struct acpi_resource *res, void *ctx)
{
	struct hvg_acpi_irq *found = ctx;
	struct resource r;
	u32 gsi;

	if (res->type == ACPI_RESOURCE_TYPE_IRQ && res->data.irq.interrupt_count)
		gsi = res->data.irq.interrupts[0];
	else if (res->type == ACPI_RESOURCE_TYPE_EXTENDED_IRQ &&
		 res->data.extended_irq.interrupt_count)
		gsi = res->data.extended_irq.interrupts[0];
	else
		return AE_OK;
	/* Maps the GSI to an IRQ (acpi_register_gsi()). */
	if (!acpi_dev_resource_interrupt(res, 0, &r) ||
	    (r.flags & IORESOURCE_DISABLED))
		return AE_OK;
	found->irq = r.start;
	found->gsi = gsi;
	return AE_CTRL_TERMINATE;
}

/**
 * hvg_hyperv_acpi_irq() - the interrupt of the VMBus ACPI device's _CRS
 * @gsi: set to its GSI; acpi_unregister_gsi() it when done
 *
 * The _CRS of the VMBus device names one interrupt, which Linux read until
 * 4.5 (drivers/hv/vmbus_drv.c vmbus_walk_resources(), before commit
 * efc267226b82 "Drivers: hv: vmbus: Get rid of the unused irq variable").
 *
 * Return: the Linux IRQ number, or -ENODEV.
 */
int hvg_hyperv_acpi_irq(u32 *gsi)
{
	struct hvg_acpi_irq found = { .irq = -ENODEV };
	acpi_handle handle = hvg_acpi_vmbus();

	if (!handle)
		return -ENODEV;
	acpi_walk_resources(handle, METHOD_NAME__CRS, hvg_acpi_irq_resource,
			    &found);
	*gsi = found.gsi;
	return found.irq;
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
