// SPDX-License-Identifier: GPL-2.0-only
/*
 * The medium behind hvsim's SCSI LUN: a vmalloc'ed RAM disk or a file.
 */
#include <linux/fs.h>
#include <linux/vmalloc.h>

#include "scsi.h"

int hvsim_scsi_backing_open(struct hvsim_scsi *s, const char *path, u64 size)
{
	if (!path) {
		if (!size)
			return -EINVAL;
		s->ram = vzalloc(size);
		if (!s->ram)
			return -ENOMEM;
		s->size = size;
		return 0;
	}
	s->filp = filp_open(path, O_RDWR | O_LARGEFILE, 0);
	if (IS_ERR(s->filp)) {
		int ret = PTR_ERR(s->filp);

		s->filp = NULL;
		return ret;
	}
	if (!size)
		size = i_size_read(file_inode(s->filp));
	size = round_down(size, HVSIM_SCSI_BLOCK);
	if (!size) {
		hvsim_scsi_backing_close(s);
		return -EINVAL;
	}
	s->size = size;
	return 0;
}

void hvsim_scsi_backing_close(struct hvsim_scsi *s)
{
	vfree(s->ram);
	s->ram = NULL;
	if (s->filp)
		filp_close(s->filp, NULL);
	s->filp = NULL;
}

/* Callers have checked that [off, off + len) lies within the medium. */
int hvsim_scsi_backing_rw(struct hvsim_scsi *s, u64 off, void *buf, u32 len,
			  bool write)
{
	loff_t pos = off;
	ssize_t n;

	if (s->ram) {
		if (write)
			memcpy(s->ram + off, buf, len);
		else
			memcpy(buf, s->ram + off, len);
		return 0;
	}
	if (write)
		n = kernel_write(s->filp, buf, len, &pos);
	else
		n = kernel_read(s->filp, buf, len, &pos);
	if (n < 0)
		return n;
	if (n != len) {
		if (write)
			return -EIO;
		memset((u8 *)buf + n, 0, len - n);	/* a sparse tail */
	}
	return 0;
}

int hvsim_scsi_backing_sync(struct hvsim_scsi *s)
{
	return s->filp ? vfs_fsync(s->filp, 0) : 0;
}

/* UNMAP: RAM reads back zeroes afterwards; a file keeps its data. */
void hvsim_scsi_backing_discard(struct hvsim_scsi *s, u64 off, u64 len)
{
	if (s->ram)
		memset(s->ram + off, 0, len);
}
