// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_balloon: the status reports.  The host expects one about every second
 * (hv_balloon.c post_status()); it only uses num_committed, the pages the
 * guest needs (dm_committed_pages()).  num_avail is MemAvailable.  No
 * report goes before pressure_report_delay seconds after the handshake.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mman.h>

#include "balloon.h"

/**
 * dm_committed_pages() - what the guest reports as committed
 * @dm: the device
 *
 * The in-tree driver's num_committed (hv_balloon.c get_pages_committed(),
 * the same in Linux 6.1 and in mainline): the kernel's committed address
 * space (vm_memory_committed(), Committed_AS), plus the ballooned pages
 * ("the host expects the pressure information to include the ballooned
 * out pages", post_status()), plus the hot-added pages that are not
 * online (reported so that the host does not ask for them in a balloon),
 * plus the floor the balloon leaves, so that the host's target stays
 * above it.
 *
 * Return: pages.
 */
u64 dm_committed_pages(struct dm_dev *dm)
{
	return vm_memory_committed() + READ_ONCE(dm->ballooned) + dm_hot_offline_pages(dm) +
	       dm_balloon_floor();
}

void dm_status_work(struct work_struct *work)
{
	struct dm_dev *dm = container_of(to_delayed_work(work), struct dm_dev, status_work);
	struct hvg_dm_status st = {};

	if (!READ_ONCE(dm->ready))
		return;
	if (time_after_eq(jiffies, dm->report_after)) {
		dm_hdr_init(dm, &st.hdr, HVG_DM_STATUS_REPORT, sizeof(st));
		st.num_avail = cpu_to_le64(si_mem_available());
		st.num_committed = cpu_to_le64(dm_committed_pages(dm));
		if (!hvg_sendpacket(dm->chan, &st, sizeof(st), 0, VM_PKT_DATA_INBAND, 0))
			WRITE_ONCE(dm->reports, dm->reports + 1);
	}
	queue_delayed_work(system_unbound_wq, &dm->status_work, HZ);
}
