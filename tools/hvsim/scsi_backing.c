// SPDX-License-Identifier: GPL-2.0-only
/*
 * The medium behind one of hvsim's SCSI LUNs: a vmalloc'ed RAM disk or a
 * file.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "scsi.h"

/**
 * hvsim_scsi_lun_open() - a new LUN backed by RAM or by a file
 * @file: the file, opened for reading and writing by whoever named it
 *	(the control file's writer: the path is as it sees it), or NULL for
 *	RAM; the LUN takes a reference of its own
 * @size: bytes; 0 with a file: the file's size
 *
 * Return: the LUN or an ERR_PTR.
 */
struct hvsim_scsi_lun *hvsim_scsi_lun_open(struct file *file, u64 size)
{
	struct hvsim_scsi_lun *lun = kzalloc(sizeof(*lun), GFP_KERNEL);
	int ret = -EINVAL;

	if (!lun)
		return ERR_PTR(-ENOMEM);
	if (!file) {
		if (!size || size % HVSIM_SCSI_BLOCK)
			goto err;
		lun->ram = vzalloc(size);
		ret = -ENOMEM;
		if (!lun->ram)
			goto err;
		lun->size = size;
		return lun;
	}
	if (!(file->f_mode & FMODE_READ) || !(file->f_mode & FMODE_WRITE))
		goto err;
	if (!size)
		size = i_size_read(file_inode(file));
	lun->size = round_down(size, HVSIM_SCSI_BLOCK);
	if (lun->size) {
		lun->filp = get_file(file);
		return lun;
	}
err:
	kfree(lun);
	return ERR_PTR(ret);
}

void hvsim_scsi_lun_close(struct hvsim_scsi_lun *lun)
{
	if (!lun)
		return;
	vfree(lun->ram);
	if (lun->filp)
		fput(lun->filp);
	kfree(lun);
}

/* Callers have checked that [off, off + len) lies within the medium. */
int hvsim_scsi_backing_rw(struct hvsim_scsi_lun *lun, u64 off, void *buf,
			  u32 len, bool write)
{
	loff_t pos = off;
	ssize_t n;

	if (lun->ram) {
		if (write)
			memcpy(lun->ram + off, buf, len);
		else
			memcpy(buf, lun->ram + off, len);
		return 0;
	}
	if (write)
		n = kernel_write(lun->filp, buf, len, &pos);
	else
		n = kernel_read(lun->filp, buf, len, &pos);
	if (n < 0)
		return n;
	if (n != len) {
		if (write)
			return -EIO;
		memset((u8 *)buf + n, 0, len - n);	/* a sparse tail */
	}
	return 0;
}

int hvsim_scsi_backing_sync(struct hvsim_scsi_lun *lun)
{
	return lun->filp ? vfs_fsync(lun->filp, 0) : 0;
}

/* Unmap: the range reads back as zeroes afterwards (LBPRZ). */
int hvsim_scsi_backing_discard(struct hvsim_scsi_lun *lun, u64 off, u64 len)
{
	if (lun->ram) {
		memset(lun->ram + off, 0, len);
		return 0;
	}
	return vfs_fallocate(lun->filp, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			     off, len);
}
