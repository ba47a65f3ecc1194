// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_balloon: memory hot-add.  The guest asks for 128 MiB alignment in its
 * capabilities (hot_add_alignment 7, as hv_balloon.c does); of the range
 * the host sends, every whole 128 MiB block (the x86_64 memory block) is
 * added with add_memory_driver_managed() as "System RAM (hv_balloon)".
 * Whether and where the new blocks go online is the kernel's policy
 * (memhp_default_state= or /sys/devices/system/memory/auto_online_blocks).
 * The pages of a partial block are not added: hv_balloon.c onlines them
 * one by one through its online-page callback; this driver does not.
 *
 * The answer (hv_balloon.c hot_add_req()): page_count the pages added and
 * result 1 if some were; result 1 with no pages tells the host hot-add is
 * off for good (hot_add=0); result 0 with no pages is a failure the host
 * may retry.
 *
 * While memory it added is present the module holds a reference to
 * itself: the resources carry its name.  Unbinding the device offlines
 * and removes that memory; if the kernel cannot, the memory stays.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memory_hotplug.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "balloon.h"
#include "parse.h"

static const char dm_res_name[] = "System RAM (hv_balloon)";

static void dm_hot_add_answer(struct dm_dev *dm, u32 pages, bool result)
{
	struct hvg_dm_hot_add_response r = {};

	dm_hdr_init(dm, &r.hdr, HVG_DM_HOT_ADD_RESPONSE, sizeof(r));
	r.page_count = cpu_to_le32(pages);
	r.result = cpu_to_le32(result);
	if (dm_send(dm, &r, sizeof(r)))
		dev_err_ratelimited(&dm->hdev->dev, "cannot send the hot-add response\n");
}

#ifdef CONFIG_MEMORY_HOTPLUG
/* Add one block; 0 or the kernel's error. */
static int dm_add_block(struct dm_dev *dm, u64 pfn)
{
	u64 start = pfn << HVG_DM_PAGE_SHIFT, size = (u64)DM_HA_BLOCK_PAGES << HVG_DM_PAGE_SHIFT;
	struct dm_hot_range *last = NULL;
	int ret;

	if (!list_empty(&dm->hot_ranges))
		last = list_last_entry(&dm->hot_ranges, struct dm_hot_range, node);
	if (!last || last->start + last->size != start) {
		last = kzalloc(sizeof(*last), GFP_KERNEL);
		if (!last)
			return -ENOMEM;
		last->start = start;
		spin_lock(&dm->ha_lock);
		list_add_tail(&last->node, &dm->hot_ranges);
		spin_unlock(&dm->ha_lock);
	}
	ret = add_memory_driver_managed(memory_add_physaddr_to_nid(start), start, size,
					dm_res_name, 0);
	if (ret) {
		if (!last->size) {
			spin_lock(&dm->ha_lock);
			list_del(&last->node);
			spin_unlock(&dm->ha_lock);
			kfree(last);
		}
		return ret;
	}
	if (list_is_singular(&dm->hot_ranges) && !last->size)
		__module_get(THIS_MODULE);	/* dropped by dm_hot_remove_all() */
	spin_lock(&dm->ha_lock);
	last->size += size;
	spin_unlock(&dm->ha_lock);
	WRITE_ONCE(dm->hot_added, dm->hot_added + DM_HA_BLOCK_PAGES);
	return 0;
}

/**
 * dm_hot_offline_pages() - hot-added pages that are not online
 * @dm: the device
 *
 * The kernel onlines and offlines memory by sections (128 MiB on x86_64,
 * the hot-add block): a block counts whole, by its first page.
 *
 * Return: pages.
 */
unsigned long dm_hot_offline_pages(struct dm_dev *dm)
{
	struct dm_hot_range *r;
	unsigned long n = 0;
	u64 pfn, end;

	spin_lock(&dm->ha_lock);
	list_for_each_entry(r, &dm->hot_ranges, node) {
		end = (r->start + r->size) >> PAGE_SHIFT;
		for (pfn = r->start >> PAGE_SHIFT; pfn < end; pfn += DM_HA_BLOCK_PAGES)
			if (!pfn_to_online_page(pfn))
				n += DM_HA_BLOCK_PAGES;
	}
	spin_unlock(&dm->ha_lock);
	return n;
}

static u32 dm_hot_add_range(struct dm_dev *dm, u64 start, u32 count)
{
	u64 first = round_up(start, DM_HA_BLOCK_PAGES);
	u64 end = round_down(start + count, DM_HA_BLOCK_PAGES), pfn;
	u32 added = 0;
	int ret;

	if (first >= end) {
		dev_err_ratelimited(&dm->hdev->dev,
				    "hot-add range %#llx+%#x has no whole 128 MiB block\n",
				    start, count);
		return 0;
	}
	for (pfn = first; pfn < end; pfn += DM_HA_BLOCK_PAGES) {
		ret = dm_add_block(dm, pfn);
		if (ret) {
			dev_err_ratelimited(&dm->hdev->dev,
					    "cannot add memory at page %#llx: %d\n", pfn, ret);
			break;
		}
		added += DM_HA_BLOCK_PAGES;
	}
	return added;
}

/**
 * dm_hot_remove_all() - take out the memory hot-add added
 * @dm: the device, its channel closed
 */
void dm_hot_remove_all(struct dm_dev *dm)
{
	bool pinned = !list_empty(&dm->hot_ranges);
	struct dm_hot_range *r, *tmp;
	int ret;

	list_for_each_entry_safe(r, tmp, &dm->hot_ranges, node) {
		ret = hvg_offline_and_remove_memory(r->start, r->size);
		if (ret) {
			dev_warn(&dm->hdev->dev,
				 "cannot remove hot-added memory %#llx+%#llx (%d); it stays\n",
				 r->start, r->size, ret);
			continue;
		}
		dm->hot_added -= r->size >> HVG_DM_PAGE_SHIFT;
		spin_lock(&dm->ha_lock);
		list_del(&r->node);
		spin_unlock(&dm->ha_lock);
		kfree(r);
	}
	if (list_empty(&dm->hot_ranges)) {
		if (pinned)
			module_put(THIS_MODULE);
		return;
	}
	/* Memory stays: so do the module (its name) and these records. */
	spin_lock(&dm->ha_lock);
	list_for_each_entry_safe(r, tmp, &dm->hot_ranges, node)
		list_del(&r->node);
	spin_unlock(&dm->ha_lock);
}
#else
static u32 dm_hot_add_range(struct dm_dev *dm, u64 start, u32 count)
{
	return 0;
}

unsigned long dm_hot_offline_pages(struct dm_dev *dm)
{
	return 0;
}

void dm_hot_remove_all(struct dm_dev *dm)
{
}
#endif

/**
 * dm_hot_add_req() - serve a hot-add request
 * @dm: the device (rx_work)
 * @req: the request, checked by dm_parse_body()
 * @size: its size: with a region if longer than struct hvg_dm_hot_add
 */
void dm_hot_add_req(struct dm_dev *dm, const struct hvg_dm_hot_add *req, u32 size)
{
	u64 rg = le64_to_cpu(req->range);
	u64 start = hvg_dm_range_start(rg);
	u32 count = hvg_dm_range_count(rg), added;

	WRITE_ONCE(dm->hot_add_reqs, dm->hot_add_reqs + 1);
	if (!IS_ENABLED(CONFIG_MEMORY_HOTPLUG) || !READ_ONCE(dm_hot_add)) {
		dev_info_ratelimited(&dm->hdev->dev, "hot-add is off: request refused\n");
		dm_hot_add_answer(dm, 0, true);
		return;
	}
	if (!dm_range_ok(rg)) {
		dm_malformed(dm, "bogus hot-add range: page, count", (u32)start, count);
		dm_hot_add_answer(dm, 0, false);
		return;
	}
	if (size > sizeof(*req)) {
		u64 reg = le64_to_cpu(req->region[0]);
		u64 rs = hvg_dm_range_start(reg);

		if (!dm_range_ok(reg) || start < rs ||
		    start + count > rs + hvg_dm_range_count(reg)) {
			dm_malformed(dm, "hot-add range outside its region: page, count",
				     (u32)start, count);
			dm_hot_add_answer(dm, 0, false);
			return;
		}
	}
	added = dm_hot_add_range(dm, start, count);
	if (added)
		dev_info(&dm->hdev->dev, "hot-added %u MiB at %#llx\n",
			 added >> (20 - HVG_DM_PAGE_SHIFT), start << HVG_DM_PAGE_SHIFT);
	dm_hot_add_answer(dm, added, added != 0);
}
