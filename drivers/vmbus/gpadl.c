// SPDX-License-Identifier: GPL-2.0-only
/*
 * GPADLs: guest buffers described to the host as page lists.  A list that
 * does not fit into one GPADL_HEADER message continues in GPADL_BODY
 * messages; the host answers the whole with one GPADL_CREATED.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vmbus_priv.h"

/* range_buflen is 16 bits wide: this bounds the pages of one GPADL. */
#define HVG_GPADL_MAX_PAGES \
	((U16_MAX - sizeof(struct gpa_range)) / sizeof(u64))

static u64 hvg_buf_pfn(void *buf, u32 page)
{
	void *addr = (u8 *)buf + (size_t)page * PAGE_SIZE;

	if (is_vmalloc_addr(addr))
		return vmalloc_to_pfn(addr);
	return virt_to_phys(addr) >> PAGE_SHIFT;
}

static int hvg_gpadl_send(struct hvg_channel *chan, u32 handle, void *buf,
			  u32 npages)
{
	union {
		struct {
			struct vmbus_channel_gpadl_header hdr;
			struct gpa_range range;
			u64 pfn[VMBUS_GPADL_HEADER_MAX_PFNS];
		} __packed first;
		struct {
			struct vmbus_channel_gpadl_body body;
			u64 pfn[VMBUS_GPADL_BODY_MAX_PFNS];
		} __packed next;
	} *m;
	u32 done, n, i, msgnumber = 1;
	int ret;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;

	n = min_t(u32, npages, VMBUS_GPADL_HEADER_MAX_PFNS);
	m->first.hdr.header.msgtype = CHANNELMSG_GPADL_HEADER;
	m->first.hdr.child_relid = chan->relid;
	m->first.hdr.gpadl = handle;
	m->first.hdr.rangecount = 1;
	m->first.hdr.range_buflen = sizeof(struct gpa_range) + npages * sizeof(u64);
	m->first.range.byte_count = npages * PAGE_SIZE;
	m->first.range.byte_offset = 0;
	for (i = 0; i < n; i++)
		m->first.pfn[i] = hvg_buf_pfn(buf, i);
	ret = hvg_post_msg(m, offsetof(typeof(m->first), pfn[n]));

	for (done = n; !ret && done < npages; done += n) {
		n = min_t(u32, npages - done, VMBUS_GPADL_BODY_MAX_PFNS);
		memset(m, 0, sizeof(*m));
		m->next.body.header.msgtype = CHANNELMSG_GPADL_BODY;
		m->next.body.msgnumber = msgnumber++;
		m->next.body.gpadl = handle;
		for (i = 0; i < n; i++)
			m->next.pfn[i] = hvg_buf_pfn(buf, done + i);
		ret = hvg_post_msg(m, offsetof(typeof(m->next), pfn[n]));
	}
	kfree(m);
	return ret;
}

/**
 * hvg_gpadl_establish() - share a buffer with the host
 * @chan: the channel the GPADL belongs to
 * @buf: page-aligned buffer (kmalloc'd, page-allocated or vmalloc'd)
 * @size: its size, a non-zero multiple of PAGE_SIZE
 * @gpadl: filled in on success
 *
 * Sleeps until the host has mapped the buffer.
 *
 * Return: 0, -EINVAL for a bad buffer, -EIO if the host refused it,
 * -ENODEV if the channel was rescinded, -ETIMEDOUT if the host did not
 * answer.  After -ETIMEDOUT the host may still map the buffer (its late
 * GPADL_CREATED is ignored: handles are never reused), so the caller must
 * not free it.
 */
int hvg_gpadl_establish(struct hvg_channel *chan, void *buf, u32 size,
			struct hvg_gpadl *gpadl)
{
	u32 npages = size >> PAGE_SHIFT;
	struct hvg_msg_waiter *w;
	u32 handle;
	int ret;

	if (!size || !PAGE_ALIGNED(size) || !PAGE_ALIGNED(buf) ||
	    npages > HVG_GPADL_MAX_PAGES)
		return -EINVAL;
	if (READ_ONCE(chan->rescinded))
		return -ENODEV;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	handle = atomic_inc_return(&hvg_conn.next_gpadl);
	hvg_waiter_add(w, CHANNELMSG_GPADL_CREATED, chan->relid, handle);
	ret = hvg_gpadl_send(chan, handle, buf, npages);
	if (ret) {
		hvg_waiter_cancel(w);
		goto out;
	}
	ret = hvg_waiter_wait(w, "GPADL_HEADER");
	if (ret)
		goto out;
	if (w->resp.created.creation_status) {
		dev_err_ratelimited(&chan->hdev->dev,
				    "host refused GPADL %#x of %u pages: status %#x\n",
				    handle, npages, w->resp.created.creation_status);
		ret = -EIO;
		goto out;
	}
	gpadl->handle = handle;
	gpadl->buf = buf;
	gpadl->size = size;
out:
	kfree(w);
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_gpadl_establish);

/**
 * hvg_gpadl_teardown() - stop sharing a buffer
 * @chan: the channel the GPADL belongs to
 * @gpadl: a GPADL from hvg_gpadl_establish()
 *
 * Sleeps until the host has unmapped the buffer; only then may it be freed.
 *
 * Return: 0 or a negative errno; on error the buffer must be leaked.
 */
int hvg_gpadl_teardown(struct hvg_channel *chan, struct hvg_gpadl *gpadl)
{
	struct vmbus_channel_gpadl_teardown msg = {
		.header.msgtype = CHANNELMSG_GPADL_TEARDOWN,
		.child_relid = chan->relid,
		.gpadl = gpadl->handle,
	};
	struct hvg_msg_waiter *w;
	int ret;

	if (!gpadl->handle)
		return 0;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	hvg_waiter_add(w, CHANNELMSG_GPADL_TORNDOWN, 0, gpadl->handle);
	ret = hvg_post_msg(&msg, sizeof(msg));
	if (ret)
		hvg_waiter_cancel(w);
	else
		ret = hvg_waiter_wait(w, "GPADL_TEARDOWN");
	kfree(w);
	if (!ret)
		gpadl->handle = 0;
	return ret;
}
EXPORT_SYMBOL_GPL(hvg_gpadl_teardown);
