// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MMIO space hvsim offers the guest (the backend's mmio_range): one
 * physically contiguous block of memory hvsim allocates when the guest
 * first asks for the ranges, and owns until unload.  The guest maps pieces
 * of it as device memory (the video VRAM); the host reaches them through
 * hvsim_mmio_va(), never through the guest's own mappings.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>

#include "hvsim.h"

#define HVSIM_MMIO_MAX_MB	4	/* the largest block the page allocator gives */

static unsigned int mmio_mb = HVSIM_MMIO_MAX_MB;
module_param(mmio_mb, uint, 0444);
MODULE_PARM_DESC(mmio_mb, "MMIO space offered to the guest in MiB, 0 .. 4 (default 4)");

static DEFINE_MUTEX(hvsim_mmio_lock);	/* allocation */
static struct page *hvsim_mmio_pages;	/* set once, read locklessly */
static unsigned int hvsim_mmio_order;

static struct page *hvsim_mmio_alloc(void)
{
	struct page *pages;

	mutex_lock(&hvsim_mmio_lock);
	pages = hvsim_mmio_pages;
	if (pages || !mmio_mb)
		goto out;
	if (mmio_mb > HVSIM_MMIO_MAX_MB) {
		pr_err("mmio_mb=%u, at most %u; no MMIO space offered\n",
		       mmio_mb, HVSIM_MMIO_MAX_MB);
		mmio_mb = 0;
		goto out;
	}
	hvsim_mmio_order = get_order((size_t)mmio_mb << 20);
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN,
			    hvsim_mmio_order);
	if (!pages)
		pr_err("no %u MiB block of memory for the MMIO space; none offered\n",
		       mmio_mb);
	/* The order before the pages, for hvsim_mmio_va(). */
	smp_store_release(&hvsim_mmio_pages, pages);
out:
	mutex_unlock(&hvsim_mmio_lock);
	return pages;
}

/* After the guest disconnected (hvsim_teardown()). */
void hvsim_mmio_exit(void)
{
	if (hvsim_mmio_pages)
		__free_pages(hvsim_mmio_pages, hvsim_mmio_order);
	hvsim_mmio_pages = NULL;
}

/* The backend operation: one range, or none. */
int hvsim_mmio_range(unsigned int index, phys_addr_t *start,
		     resource_size_t *size)
{
	struct page *pages = hvsim_mmio_alloc();

	if (index || !pages)
		return -ENOENT;
	*start = page_to_phys(pages);
	*size = PAGE_SIZE << hvsim_mmio_order;
	return 0;
}

/**
 * hvsim_mmio_va() - the host's view of guest-physical MMIO space
 * @gpa: start
 * @len: bytes
 *
 * Return: hvsim's address of [@gpa, @gpa + @len), or NULL if that is not
 * entirely within the MMIO space.
 */
void *hvsim_mmio_va(u64 gpa, u64 len)
{
	/* Pairs with hvsim_mmio_alloc(): the order is set before the pages. */
	struct page *pages = smp_load_acquire(&hvsim_mmio_pages);
	u64 start, size;

	if (!pages)
		return NULL;
	start = page_to_phys(pages);
	size = PAGE_SIZE << hvsim_mmio_order;
	if (gpa < start || len > size || gpa - start > size - len)
		return NULL;
	return page_address(pages) + (gpa - start);
}
