// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's GPADL table: guest buffers described by GPADL_HEADER and
 * GPADL_BODY messages, mapped into the host once complete, dropped on
 * GPADL_TEARDOWN.
 *
 * A GPADL has a single range of whole pages.  Large GPADLs arrive as a
 * header followed by body messages, each carrying the next pfns; a body's
 * msgnumber is either 0 (not numbered) or its 1-based position.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hvsim.h"

/**
 * hvsim_map_guest() - map guest pages contiguously into the host
 * @pfns: the guest's page frame numbers
 * @npages: how many
 *
 * Return: the mapping (vunmap() it), or NULL if a pfn is not guest memory.
 */
void *hvsim_map_guest(const u64 *pfns, u32 npages)
{
	struct page **pages;
	void *va = NULL;
	u32 i;

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < npages; i++) {
		if (!pfn_valid(pfns[i])) {
			pr_err_ratelimited("guest pfn %#llx is not memory\n",
					   pfns[i]);
			goto out;
		}
		pages[i] = pfn_to_page(pfns[i]);
	}
	va = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
out:
	kvfree(pages);
	return va;
}

struct hvsim_gpadl *hvsim_gpadl_find(u32 handle)
{
	struct hvsim_gpadl *g;

	list_for_each_entry(g, &hvsim.gpadls, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void hvsim_gpadl_free(struct hvsim_gpadl *g)
{
	if (g->user)
		hvsim_chan_close(g->user);
	list_del(&g->node);
	if (g->va)
		vunmap(g->va);
	kvfree(g->pfns);
	kfree(g);
}

static void hvsim_gpadl_created(u32 relid, u32 handle, u32 status)
{
	struct vmbus_channel_gpadl_created msg = {
		.header.msgtype = CHANNELMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = handle,
		.creation_status = status,
	};

	hvsim_send(&msg, sizeof(msg));
}

/*
 * fault_gpadl_stray: before the answer to GPADL @g, two that answer nothing
 * the guest asked: a success for a handle it never used (bit 31 flipped:
 * handles count up from 1), and a refusal of @g's handle that names
 * another channel.  A guest must match a GPADL_CREATED on both the relid
 * and the handle, as Linux's vmbus_ongpadl_created() does.
 */
static void hvsim_gpadl_stray(const struct hvsim_gpadl *g)
{
	u32 other = g->relid % (VMBUS_MAX_CHANNEL_RELIDS - 1) + 1;
	u32 never = g->handle ^ 0x80000000u;

	pr_info("fault: GPADL_CREATED for handle %#x (never used) and for GPADL %u of relid %u\n",
		never, g->handle, other);
	hvsim_gpadl_created(g->relid, never, 0);
	hvsim_gpadl_created(other, g->handle, HVSIM_STATUS_UNSUCCESSFUL);
}

/* All pfns are in: map the buffer and tell the guest. */
static void hvsim_gpadl_complete(struct hvsim_gpadl *g)
{
	u32 status = 0;

	g->va = hvsim_map_guest(g->pfns, g->npages);
	if (!g->va) {
		pr_err_ratelimited("GPADL %u: cannot map its %u pages\n",
				   g->handle, g->npages);
		status = HVSIM_STATUS_INVALID_PARAMETER;
	} else if (hvsim_fault(HVSIM_FAULT_GPADL_FAIL)) {
		pr_info("fault: failing GPADL %u\n", g->handle);
		status = HVSIM_STATUS_UNSUCCESSFUL;
	}
	if (!status && hvsim_fault(HVSIM_FAULT_GPADL_STRAY))
		hvsim_gpadl_stray(g);
	hvsim_gpadl_created(g->relid, g->handle, status);
	if (status)
		hvsim_gpadl_free(g);
}

/* The range follows the header, its pfns follow the range. */
static const struct gpa_range *hvsim_range(const struct vmbus_channel_gpadl_header *h)
{
	return (const void *)((const u8 *)h + sizeof(*h));
}

static const char *hvsim_header_check(const struct vmbus_channel_gpadl_header *h,
				      u32 size)
{
	const struct gpa_range *r = hvsim_range(h);
	struct hvsim_chan *chan = hvsim_chan_get(h->child_relid);
	u32 npages = r->byte_count / PAGE_SIZE;
	u32 inline_bytes = size - sizeof(*h) - sizeof(*r);

	if (!chan || !chan->offered || chan->state == HVSIM_CHAN_RESCINDED)
		return "no such channel";
	if (h->rangecount != 1)
		return "rangecount is not 1";
	if (r->byte_offset || !r->byte_count || r->byte_count % PAGE_SIZE)
		return "range is not made of whole pages";
	if (npages > HVSIM_GPADL_MAX_PAGES)
		return "too many pages";
	/* The 16-bit field wraps for large GPADLs; compare what fits. */
	if (h->range_buflen != (u16)(sizeof(*r) + npages * sizeof(u64)))
		return "range_buflen does not match byte_count";
	if (inline_bytes % sizeof(u64) || !inline_bytes ||
	    inline_bytes / sizeof(u64) > npages)
		return "pfns in the message do not match the range";
	if (!h->gpadl || hvsim_gpadl_find(h->gpadl))
		return "handle is 0 or already in use";
	return NULL;
}

void hvsim_gpadl_header(const void *msg, u32 size)
{
	const struct vmbus_channel_gpadl_header *h = msg;
	const struct gpa_range *r = hvsim_range(h);
	const char *why = "message too short";
	struct hvsim_gpadl *g;
	u32 n;

	if (size >= sizeof(*h) + sizeof(*r))
		why = hvsim_header_check(h, size);
	if (why) {
		pr_err_ratelimited("GPADL_HEADER %u (relid %u): %s\n",
				   h->gpadl, h->child_relid, why);
		hvsim_gpadl_created(h->child_relid, h->gpadl,
				    HVSIM_STATUS_INVALID_PARAMETER);
		return;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (g)
		g->pfns = kvmalloc_array(r->byte_count / PAGE_SIZE,
					 sizeof(u64), GFP_KERNEL);
	if (!g || !g->pfns) {
		kfree(g);
		hvsim_gpadl_created(h->child_relid, h->gpadl,
				    HVSIM_STATUS_NO_RESOURCES);
		return;
	}
	n = (size - sizeof(*h) - sizeof(*r)) / sizeof(u64);
	g->handle = h->gpadl;
	g->relid = h->child_relid;
	g->npages = r->byte_count / PAGE_SIZE;
	g->filled = n;
	memcpy(g->pfns, (const u8 *)msg + sizeof(*h) + sizeof(*r),
	       n * sizeof(u64));
	list_add_tail(&g->node, &hvsim.gpadls);
	if (g->filled == g->npages)
		hvsim_gpadl_complete(g);
}

void hvsim_gpadl_body(const void *msg, u32 size)
{
	const struct vmbus_channel_gpadl_body *b = msg;
	struct hvsim_gpadl *g = hvsim_gpadl_find(b->gpadl);
	u32 bytes = size - sizeof(*b);
	u32 n = bytes / sizeof(u64);
	const char *why = NULL;

	if (!g || g->va) {
		pr_err_ratelimited("GPADL_BODY for GPADL %u, which is not being created\n",
				   b->gpadl);
		return;
	}
	g->bodies++;
	if (bytes % sizeof(u64) || !n || n > g->npages - g->filled)
		why = "pfn count does not fit the range";
	else if (b->msgnumber && b->msgnumber != g->bodies)
		why = "msgnumber out of sequence";
	if (why) {
		pr_err_ratelimited("GPADL_BODY %u of GPADL %u: %s\n",
				   b->msgnumber, b->gpadl, why);
		hvsim_gpadl_created(g->relid, g->handle,
				    HVSIM_STATUS_INVALID_PARAMETER);
		hvsim_gpadl_free(g);
		return;
	}
	memcpy(g->pfns + g->filled, (const u8 *)msg + sizeof(*b),
	       n * sizeof(u64));
	g->filled += n;
	if (g->filled == g->npages)
		hvsim_gpadl_complete(g);
}

void hvsim_gpadl_teardown(const void *msg, u32 size)
{
	const struct vmbus_channel_gpadl_teardown *t = msg;
	struct vmbus_channel_gpadl_torndown resp = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
		.gpadl = t->gpadl,
	};
	struct hvsim_gpadl *g = hvsim_gpadl_find(t->gpadl);
	const char *why = NULL;

	if (!g)
		why = "no such GPADL";
	else if (g->relid != t->child_relid)
		why = "GPADL belongs to another channel";
	else if (g->user)
		why = "GPADL holds the rings of an open channel";
	if (why) {
		pr_err_ratelimited("GPADL_TEARDOWN %u (relid %u): %s, ignored\n",
				   t->gpadl, t->child_relid, why);
		return;
	}
	hvsim_gpadl_free(g);
	hvsim_send(&resp, sizeof(resp));
}

/* The channel @relid is gone: drop the GPADLs the guest did not tear down. */
void hvsim_gpadl_drop_relid(u32 relid)
{
	struct hvsim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, &hvsim.gpadls, node)
		if (g->relid == relid)
			hvsim_gpadl_free(g);
}

void hvsim_gpadl_free_all(void)
{
	struct hvsim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, &hvsim.gpadls, node)
		hvsim_gpadl_free(g);
}
