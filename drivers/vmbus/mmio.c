// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO space for device memory (the synthetic video device's VRAM).
 *
 * The host offers ranges of guest-physical address space that devices may
 * place their memory in; class drivers carve pieces out of them with
 * hvg_mmio_reserve().  The ranges come from the backend's mmio_range
 * operation, read when the first piece is asked for and forgotten when the
 * backend goes away.  On real Hyper-V the ranges are the _CRS of the VMBus
 * ACPI device (hyperv_acpi.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "vmbus_priv.h"

#define HVG_MMIO_MAX_RANGES	4

static DEFINE_MUTEX(hvg_mmio_lock);	/* everything below */
static struct resource hvg_mmio_ranges[HVG_MMIO_MAX_RANGES];
static unsigned int hvg_mmio_nranges;
static bool hvg_mmio_loaded;

static int hvg_mmio_load(void)
{
	const struct hv_backend_ops *ops = READ_ONCE(hvg_conn.ops);
	unsigned int i;

	if (hvg_mmio_loaded)
		return hvg_mmio_nranges ? 0 : -ENODEV;
	if (!ops)
		return -ENODEV;
	hvg_mmio_loaded = true;
	if (!ops->mmio_range) {
		pr_err("the %s backend offers no MMIO space\n",
		       ops->name);
		return -ENODEV;
	}
	for (i = 0; i < HVG_MMIO_MAX_RANGES; i++) {
		struct resource *r = &hvg_mmio_ranges[hvg_mmio_nranges];
		resource_size_t size;
		phys_addr_t start;

		if (ops->mmio_range(i, &start, &size))
			break;
		if (!size || start + size - 1 < start) {
			pr_err("%s: MMIO range %u (%pa + %pa) is invalid, ignored\n",
			       ops->name, i, &start, &size);
			continue;
		}
		memset(r, 0, sizeof(*r));
		r->name = "hv_vmbus MMIO";
		r->start = start;
		r->end = start + size - 1;
		r->flags = IORESOURCE_MEM;
		hvg_mmio_nranges++;
		pr_info("MMIO space %pR\n", r);
	}
	if (!hvg_mmio_nranges) {
		pr_err("%s offers no MMIO space\n", ops->name);
		return -ENODEV;
	}
	return 0;
}

/*
 * First fit in @root.  Not allocate_resource(): on x86 that steers clear of
 * RAM, and a simulated host's MMIO space is RAM it owns.
 */
static int hvg_mmio_fit(struct resource *root, struct resource *res,
			resource_size_t size, resource_size_t align)
{
	resource_size_t start = ALIGN(root->start, align), last;
	struct resource *c = root->child;

	for (;;) {
		resource_size_t end = c ? c->start - 1 : root->end;

		last = start + size - 1;
		if (start >= root->start && last >= start && last <= end) {
			res->start = start;
			res->end = last;
			return request_resource(root, res);
		}
		if (!c)
			return -ENOSPC;
		start = ALIGN(c->end + 1, align);
		c = c->sibling;
	}
}

/**
 * hvg_mmio_reserve() - reserve a piece of the host's MMIO space
 * @hdev: the device that will use it (names the resource)
 * @size: bytes wanted
 * @align: alignment of the start, a power of two
 *
 * The piece is guest-physical address space backed by the host; map it with
 * memremap() or ioremap_cache() as the device's memory requires.  May sleep.
 *
 * Return: the reserved resource, ERR_PTR(-ENODEV) when the host offers no
 * MMIO space, ERR_PTR(-ENOSPC) when no range has @size bytes free, or
 * ERR_PTR(-ENOMEM) (-EINVAL for a zero @size or a bad @align).
 */
struct resource *hvg_mmio_reserve(struct hvg_device *hdev,
				  resource_size_t size, resource_size_t align)
{
	struct resource *res;
	unsigned int i;
	int ret;

	if (!size || !is_power_of_2(align))
		return ERR_PTR(-EINVAL);
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res)
		return ERR_PTR(-ENOMEM);
	res->name = dev_name(&hdev->dev);
	res->flags = IORESOURCE_MEM;
	mutex_lock(&hvg_mmio_lock);
	ret = hvg_mmio_load();
	for (i = 0; !ret && i < hvg_mmio_nranges; i++)
		if (!hvg_mmio_fit(&hvg_mmio_ranges[i], res, size, align))
			break;
	if (!ret && i == hvg_mmio_nranges)
		ret = -ENOSPC;
	mutex_unlock(&hvg_mmio_lock);
	if (ret) {
		kfree(res);
		return ERR_PTR(ret);
	}
	return res;
}
EXPORT_SYMBOL_GPL(hvg_mmio_reserve);

/**
 * hvg_mmio_release() - give back what hvg_mmio_reserve() returned
 * @res: the resource; nothing may map it any more
 */
void hvg_mmio_release(struct resource *res)
{
	mutex_lock(&hvg_mmio_lock);
	release_resource(res);
	mutex_unlock(&hvg_mmio_lock);
	kfree(res);
}
EXPORT_SYMBOL_GPL(hvg_mmio_release);

/* The backend goes away (its devices are gone): forget its ranges. */
void hvg_mmio_reset(void)
{
	unsigned int i;

	mutex_lock(&hvg_mmio_lock);
	for (i = 0; i < hvg_mmio_nranges; i++)
		if (hvg_mmio_ranges[i].child)
			pr_err("MMIO space %pR still in use at disconnect\n",
			       hvg_mmio_ranges[i].child);
	memset(hvg_mmio_ranges, 0, sizeof(hvg_mmio_ranges));
	hvg_mmio_nranges = 0;
	hvg_mmio_loaded = false;
	mutex_unlock(&hvg_mmio_lock);
}
