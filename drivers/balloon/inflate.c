// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_balloon: balloon inflate and deflate.
 *
 * Inflate (DM_BALLOON_REQUEST, num_pages): the guest keeps at least the
 * floor (dm_balloon_floor(), the in-tree driver's) of available memory
 * and gives min(num_pages, MemAvailable - free movable pages - floor),
 * allocated in 2 MiB pieces while it can and page by page after that,
 * without retrying or reclaiming hard.  Balloon pages are not movable, so they come from
 * the zones the kernel allocates from; the free pages of ZONE_MOVABLE
 * (hot-added memory onlined movable) count in MemAvailable but not for
 * the kernel, and a floor that counted them let the balloon take the
 * kernel zones' last free pages (hv_balloon.c balloon_up() counts them).
 * Each page leaves the kernel's managed memory (MemTotal shrinks) and is
 * marked PageOffline.  The pages go to the host in DM_BALLOON_RESPONSE
 * messages of up to 510 ranges; every message but the last has more_pages
 * set.  When the guest cannot give more, its last message has the ranges
 * it could give (possibly none) and more_pages clear: that is the
 * protocol's "stopped short" (hv_balloon.c balloon_up()).
 *
 * Deflate (DM_UNBALLOON_REQUEST): the host returns ranges; each page is
 * given back to the kernel only if it is in the balloon (the pfn is in
 * dm->pages), so a bogus or repeated range frees nothing it should not.
 * The response goes once the message without more_pages arrived.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/page-flags.h>

#include "balloon.h"
#include "parse.h"

#define DM_2M_ORDER	(21 - PAGE_SHIFT)

/*
 * The floor as the in-tree driver computes it (hv_balloon.c
 * compute_balloon_floor(), the same in Linux 6.1 and in mainline): a
 * continuous piecewise linear function of the memory the kernel manages,
 * M.  Below below_mb MiB of M, the floor is base_mb MiB plus M >> shift;
 * the last step holds for any M.
 */
static const struct {
	unsigned int below_mb;
	unsigned int base_mb;
	unsigned int shift;
} dm_floor_steps[] = {
	{ 128, 8, 1 },		/* M/2 + 8 MiB: 16 MiB -> 16, 128 -> 72 */
	{ 512, 40, 2 },		/* M/4 + 40: 512 -> 168 */
	{ 2048, 104, 3 },	/* M/8 + 104: 1 GiB -> 232, 2 GiB -> 360 */
	{ 8192, 232, 4 },	/* M/16 + 232: 8 GiB -> 744 */
	{ 0, 488, 5 },		/* M/32 + 488: 32 GiB -> 1512 */
};

#define DM_MB_PAGES(mb)	((unsigned long)(mb) << (20 - PAGE_SHIFT))

/**
 * dm_balloon_floor() - the memory the balloon leaves the guest, in pages
 *
 * hv_balloon.c compute_balloon_floor()'s function of totalram_pages(),
 * which shrinks as the balloon grows (dm_floor_steps[]).  The in-tree
 * driver adds the floor to the committed memory it reports, and so does
 * this one (status.c).
 *
 * Return: the floor in pages.
 */
unsigned long dm_balloon_floor(void)
{
	unsigned long m = totalram_pages();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dm_floor_steps) - 1; i++)
		if (m < DM_MB_PAGES(dm_floor_steps[i].below_mb))
			break;
	return DM_MB_PAGES(dm_floor_steps[i].base_mb) + (m >> dm_floor_steps[i].shift);
}

/* Free pages of ZONE_MOVABLE: no use to the kernel's own allocations. */
static unsigned long dm_movable_free(void)
{
	unsigned long n = 0;
	int nid;

	for_each_online_node(nid)
		n += zone_page_state(&NODE_DATA(nid)->node_zones[ZONE_MOVABLE], NR_FREE_PAGES);
	return n;
}

static void dm_page_return(struct page *pg)
{
	__ClearPageOffline(pg);
	adjust_managed_page_count(pg, 1);
	__free_page(pg);
}

/* Take 1 << order pages into the balloon; false if none could be had. */
static bool dm_take(struct dm_dev *dm, unsigned int order, unsigned long *pfn)
{
	gfp_t gfp = GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOMEMALLOC | __GFP_NOWARN;
	unsigned long i, n = 1UL << order;
	struct page *pg = alloc_pages(gfp, order);

	if (!pg)
		return false;
	if (order)
		split_page(pg, order);
	*pfn = page_to_pfn(pg);
	for (i = 0; i < n; i++) {
		if (xa_err(xa_store(&dm->pages, *pfn + i, xa_mk_value(0), GFP_KERNEL))) {
			while (i--)
				xa_erase(&dm->pages, *pfn + i);
			for (i = 0; i < n; i++)
				__free_page(pg + i);
			return false;
		}
	}
	for (i = 0; i < n; i++) {
		__SetPageOffline(pg + i);
		adjust_managed_page_count(pg + i, -1);
	}
	WRITE_ONCE(dm->ballooned, dm->ballooned + n);
	return true;
}

/* Give back the pages of a range this guest took (error paths, unballoon). */
static unsigned long dm_give_back(struct dm_dev *dm, u64 start, u32 count)
{
	unsigned long freed = 0;
	u64 pfn;

	for (pfn = start; pfn < start + count; pfn++) {
		if (!xa_erase(&dm->pages, pfn))
			break;
		dm_page_return(pfn_to_page(pfn));
		freed++;
	}
	WRITE_ONCE(dm->ballooned, dm->ballooned - freed);
	return freed;
}

/**
 * dm_balloon() - serve a balloon request
 * @dm: the device (rx_work)
 * @req: the request, checked
 */
void dm_balloon(struct dm_dev *dm, const struct hvg_dm_balloon *req)
{
	struct hvg_dm_balloon_response *r = (void *)dm->out;
	unsigned long want = le32_to_cpu(req->num_pages), avail, floor, given = 0;
	unsigned int order = DM_2M_ORDER, i;
	bool done = false;
	u32 n;

	WRITE_ONCE(dm->balloon_reqs, dm->balloon_reqs + 1);
	avail = si_mem_available();
	avail -= min(avail, dm_movable_free());
	floor = dm_balloon_floor();
	if (avail < floor + want) {
		unsigned long can = avail > floor ? avail - floor : 0;

		dev_info(&dm->hdev->dev, "balloon: %lu pages asked, %lu given at most (floor %lu)\n",
			 want, can, floor);
		want = can;
	}
	while (!done) {
		memset(r, 0, sizeof(*r));
		for (n = 0; n < HVG_DM_BL_MAX_RANGES && given < want; n++) {
			unsigned long pfn;

			if (want - given < (1UL << order))
				order = 0;
			if (!dm_take(dm, order, &pfn)) {
				if (!order)
					break;
				order = 0;
				n--;
				continue;
			}
			r->ranges[n] = cpu_to_le64(hvg_dm_range(pfn, 1U << order));
			given += 1UL << order;
			cond_resched();
		}
		done = given >= want || n < HVG_DM_BL_MAX_RANGES;
		dm_hdr_init(dm, &r->hdr, HVG_DM_BALLOON_RESPONSE,
			    sizeof(*r) + n * sizeof(__le64));
		r->more_count = cpu_to_le32(n << HVG_DM_BL_COUNT_SHIFT |
					    (done ? 0 : HVG_DM_MORE_PAGES));
		if (dm_send(dm, r, sizeof(*r) + n * sizeof(__le64))) {
			dev_err_ratelimited(&dm->hdev->dev,
					    "cannot send the balloon response; pages kept\n");
			for (i = 0; i < n; i++) {
				u64 rg = le64_to_cpu(r->ranges[i]);

				dm_give_back(dm, hvg_dm_range_start(rg), hvg_dm_range_count(rg));
			}
			return;
		}
	}
	if (given < le32_to_cpu(req->num_pages)) {
		WRITE_ONCE(dm->balloon_short, dm->balloon_short + 1);
		dev_info(&dm->hdev->dev, "balloon: gave %lu of %u pages\n", given,
			 le32_to_cpu(req->num_pages));
	}
}

/**
 * dm_unballoon() - serve an unballoon request
 * @dm: the device (rx_work)
 * @req: the request, its ranges within the message
 */
void dm_unballoon(struct dm_dev *dm, const struct hvg_dm_unballoon_request *req)
{
	struct hvg_dm_unballoon_response resp = {};
	u32 i, nr = le32_to_cpu(req->range_count);

	for (i = 0; i < nr; i++) {
		u64 rg = le64_to_cpu(req->ranges[i]);
		u64 start = hvg_dm_range_start(rg);
		u32 count = hvg_dm_range_count(rg);

		if (!dm_range_ok(rg) || dm_give_back(dm, start, count) != count)
			dm_malformed(dm, "unballoon range not in the balloon: page, count",
				     (u32)start, count);
		cond_resched();
	}
	if (le32_to_cpu(req->flags) & HVG_DM_MORE_PAGES)
		return;
	WRITE_ONCE(dm->unballoon_reqs, dm->unballoon_reqs + 1);
	dm_hdr_init(dm, &resp.hdr, HVG_DM_UNBALLOON_RESPONSE, sizeof(resp));
	if (dm_send(dm, &resp, sizeof(resp)))
		dev_err_ratelimited(&dm->hdev->dev, "cannot send the unballoon response\n");
}

/**
 * dm_balloon_release_all() - forget the balloon when the device goes
 * @dm: the device, its channel closed
 *
 * The host still holds the pages: they stay out of the kernel's memory (as
 * hv_balloon.c balloon_remove() leaves them).
 */
void dm_balloon_release_all(struct dm_dev *dm)
{
	if (dm->ballooned)
		dev_warn(&dm->hdev->dev, "%lu pages stay with the host\n", dm->ballooned);
	xa_destroy(&dm->pages);
}
