// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SCSI commands hvsim's LUN understands.  Data moves only through the
 * page range of the guest's request, never beyond what it covers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <hvguest/compat.h>

#include "scsi.h"

#define SAM_GOOD		0x00
#define SAM_CHECK_CONDITION	0x02
#define SAM_BUSY		0x08
#define SAM_TASK_SET_FULL	0x28

#define SK_NO_SENSE		0x0
#define SK_MEDIUM_ERROR		0x3
#define SK_ILLEGAL_REQUEST	0x5

#define ASC_WRITE_ERROR		0x0c
#define ASC_UNRECOVERED_READ	0x11
#define ASC_PARAM_LIST_LENGTH	0x1a
#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD_CDB	0x24

#define HVSIM_UNMAP_MAX_DESC	64

/*
 * Copy between @buf and the guest pages of the request's range, starting
 * @off bytes into it; callers stay within c->room, which the range covers.
 */
static void hvsim_scsi_sg_copy(struct hvsim_scsi_cmd *c, u32 off, void *buf,
			       u32 len, bool to_guest)
{
	u64 pos = (u64)c->data_off + off;
	u8 *p = buf;

	while (len) {
		u32 i = pos >> PAGE_SHIFT, po = offset_in_page(pos);
		u32 n = min_t(u32, len, PAGE_SIZE - po);
		u8 *va;

		if (i >= c->npfns)
			return;
		va = kmap_local_page(pfn_to_page(c->pfns[i]));
		if (to_guest)
			memcpy(va + po, p, n);
		else
			memcpy(p, va + po, n);
		kunmap_local(va);
		p += n;
		len -= n;
		pos += n;
	}
}

void hvsim_scsi_sense(struct hvsim_scsi_cmd *c, u8 key, u8 asc, u8 ascq)
{
	memset(c->sense, 0, sizeof(c->sense));
	c->sense[0] = 0x70;		/* current error, fixed format */
	c->sense[2] = key;
	c->sense[7] = 18 - 8;		/* additional sense length */
	c->sense[12] = asc;
	c->sense[13] = ascq;
	c->sense_len = 18;
	c->scsi_status = SAM_CHECK_CONDITION;
	c->srb_status = VSTOR_SRB_ERROR | VSTOR_SRB_AUTOSENSE_VALID;
	c->xfer = 0;
	atomic64_inc(&c->s->errors);
}

static void hvsim_scsi_sense_info(struct hvsim_scsi_cmd *c, u8 key, u8 asc,
				  u64 lba)
{
	hvsim_scsi_sense(c, key, asc, 0);
	c->sense[0] |= 0x80;		/* the information field is valid */
	put_unaligned_be32((u32)lba, &c->sense[3]);
}

/* Return @len bytes of data-in, cut to the allocation length and room. */
static void hvsim_scsi_reply(struct hvsim_scsi_cmd *c, const void *buf,
			     u32 len, u32 alloc)
{
	len = min3(len, alloc, c->room);
	hvsim_scsi_sg_copy(c, 0, (void *)buf, len, true);
	c->xfer = len;
}

static void hvsim_scsi_inquiry_std(struct hvsim_scsi_cmd *c, u32 alloc)
{
	u8 d[36] = {
		[0] = 0x00,		/* direct access block device */
		[2] = 0x06,		/* SPC-4 */
		[3] = 0x02,		/* response data format */
		[4] = sizeof(d) - 5,
		[7] = 0x02,		/* CmdQue */
	};

	memcpy(&d[8], "Msft    ", 8);
	memcpy(&d[16], "Virtual Disk    ", 16);
	memcpy(&d[32], "1.0 ", 4);
	hvsim_scsi_reply(c, d, sizeof(d), alloc);
}

static void hvsim_scsi_vpd_block_limits(struct hvsim_scsi *s, u8 *d)
{
	put_unaligned_be16(0x3c, &d[2]);
	put_unaligned_be32(s->max_xfer / HVSIM_SCSI_BLOCK, &d[8]);
	put_unaligned_be32(s->max_xfer / HVSIM_SCSI_BLOCK, &d[12]);
	if (s->discard == HVSIM_DISCARD_UNMAP) {
		put_unaligned_be32(0xffffffff, &d[20]);	/* max unmap LBAs */
		put_unaligned_be32(HVSIM_UNMAP_MAX_DESC, &d[24]);
	}
	if (s->discard != HVSIM_DISCARD_NONE)
		put_unaligned_be32(8, &d[28]);	/* granularity: 4 KiB */
	put_unaligned_be64(HVSIM_SCSI_MAX_WS, &d[36]);	/* max WRITE SAME */
}

/* Logical block provisioning: LBPU, LBPWS or LBPWS10, and LBPRZ. */
static void hvsim_scsi_vpd_provisioning(struct hvsim_scsi *s, u8 *d)
{
	static const u8 bits[] = {
		[HVSIM_DISCARD_UNMAP] = 0x80,
		[HVSIM_DISCARD_WS16] = 0x40,
		[HVSIM_DISCARD_WS10] = 0x20,
		[HVSIM_DISCARD_NONE] = 0,
	};

	d[3] = 0x04;
	d[5] = bits[s->discard];
	if (d[5])
		d[5] |= 0x04;	/* LBPRZ: unmapped blocks read as zeroes */
}

static void hvsim_scsi_inquiry_vpd(struct hvsim_scsi_cmd *c, u8 page,
				   u32 alloc)
{
	static const u8 pages[] = { 0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2 };
	u8 d[64] = { [1] = page };
	u32 len;

	switch (page) {
	case 0x00:		/* supported pages */
		d[3] = sizeof(pages);
		memcpy(&d[4], pages, sizeof(pages));
		break;
	case 0x80:		/* unit serial number */
		d[3] = snprintf(&d[4], sizeof(d) - 4, "HVSIM%08x",
				(u32)(uintptr_t)c->lun);
		break;
	case 0x83:		/* device identification: a T10 vendor id */
		d[4] = 0x02;	/* ASCII */
		d[5] = 0x01;	/* T10 vendor id, associated with the LUN */
		d[7] = snprintf(&d[8], sizeof(d) - 8, "Msft    HVSIM%08x",
				(u32)(uintptr_t)c->lun);
		d[3] = d[7] + 4;
		break;
	case 0xb0:
		hvsim_scsi_vpd_block_limits(c->s, d);
		break;
	case 0xb1:		/* block device characteristics */
		d[3] = 0x3c;
		d[5] = 0x01;	/* non-rotating */
		break;
	case 0xb2:
		hvsim_scsi_vpd_provisioning(c->s, d);
		break;
	default:
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	len = min_t(u32, get_unaligned_be16(&d[2]) + 4, sizeof(d));
	hvsim_scsi_reply(c, d, len, alloc);
}

static void hvsim_scsi_inquiry(struct hvsim_scsi_cmd *c)
{
	u32 alloc = get_unaligned_be16(&c->cdb[3]);

	if (c->cdb[1] & 0x01)
		hvsim_scsi_inquiry_vpd(c, c->cdb[2], alloc);
	else if (c->cdb[2])
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
	else
		hvsim_scsi_inquiry_std(c, alloc);
}

static void hvsim_scsi_read_capacity(struct hvsim_scsi_cmd *c, bool sixteen)
{
	u64 last = c->lun->size / HVSIM_SCSI_BLOCK - 1;
	u8 d[32] = { 0 };

	if (!sixteen) {
		put_unaligned_be32(min_t(u64, last, 0xffffffff), &d[0]);
		put_unaligned_be32(HVSIM_SCSI_BLOCK, &d[4]);
		hvsim_scsi_reply(c, d, 8, 8);
		return;
	}
	put_unaligned_be64(last, &d[0]);
	put_unaligned_be32(HVSIM_SCSI_BLOCK, &d[8]);
	if (c->s->discard != HVSIM_DISCARD_NONE)
		d[14] = 0xc0;	/* LBPME: thin provisioned; LBPRZ */
	hvsim_scsi_reply(c, d, sizeof(d), get_unaligned_be32(&c->cdb[10]));
}

/* Mode pages: only caching (08h), write cache enabled. */
static u32 hvsim_scsi_mode_pages(u8 page, u8 *p)
{
	if (page != 0x08 && page != 0x3f)
		return 0;
	p[0] = 0x08;
	p[1] = 0x12;
	p[2] = 0x04;		/* WCE */
	return 0x14;
}

static void hvsim_scsi_mode_sense(struct hvsim_scsi_cmd *c, bool ten)
{
	u8 page = c->cdb[2] & 0x3f, d[64] = { 0 };
	u32 hdr = ten ? 8 : 4, len;

	len = hvsim_scsi_mode_pages(page, d + hdr);
	if (!len || (c->cdb[2] & 0xc0) == 0xc0) {	/* saved values */
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	len += hdr;
	if (ten) {
		d[3] = 0x10;	/* DPOFUA */
		put_unaligned_be16(len - 2, &d[0]);
		hvsim_scsi_reply(c, d, len, get_unaligned_be16(&c->cdb[7]));
	} else {
		d[0] = len - 1;
		d[2] = 0x10;	/* DPOFUA */
		hvsim_scsi_reply(c, d, len, c->cdb[4]);
	}
}

static void hvsim_scsi_report_luns(struct hvsim_scsi_cmd *c)
{
	u8 d[8 + 8 * HVSIM_SCSI_MAX_LUNS] = { 0 };
	u32 i, n = 0;

	for (i = 0; i < HVSIM_SCSI_MAX_LUNS; i++)
		if (c->s->luns[i])
			d[8 + 8 * n++ + 1] = i;	/* peripheral addressing */
	put_unaligned_be32(8 * n, &d[0]);
	hvsim_scsi_reply(c, d, 8 + 8 * n, get_unaligned_be32(&c->cdb[6]));
}

static void hvsim_scsi_request_sense(struct hvsim_scsi_cmd *c)
{
	u8 d[18] = { [0] = 0x70, [2] = SK_NO_SENSE, [7] = 10 };

	hvsim_scsi_reply(c, d, sizeof(d), c->cdb[4]);
}

/* Validate an LBA range against the medium and the request's pages. */
static bool hvsim_scsi_range_ok(struct hvsim_scsi_cmd *c, u64 lba, u32 nblk)
{
	u64 blocks = c->lun->size / HVSIM_SCSI_BLOCK;

	if (lba > blocks || nblk > blocks - lba) {
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
		return false;
	}
	if ((u64)nblk * HVSIM_SCSI_BLOCK > min(c->room, c->s->max_xfer)) {
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return false;
	}
	return true;
}

/* The first LBA of [lba, lba + nblk) inside the media error range, or -1. */
static s64 hvsim_scsi_bad_block(struct hvsim_scsi *s, u64 lba, u32 nblk)
{
	u64 first = READ_ONCE(s->media_err_lba);
	u64 count = READ_ONCE(s->media_err_blocks);

	if (!count || lba + nblk <= first || lba >= first + count)
		return -1;
	return max(lba, first);
}

static void hvsim_scsi_rw(struct hvsim_scsi_cmd *c, u64 lba, u32 nblk,
			  bool write)
{
	struct hvsim_scsi *s = c->s;
	u32 len = nblk * HVSIM_SCSI_BLOCK;
	s64 bad;
	int ret;

	if (!hvsim_scsi_range_ok(c, lba, nblk))
		return;
	bad = hvsim_scsi_bad_block(s, lba, nblk);
	if (bad >= 0) {
		pr_info_ratelimited("scsi: injected medium error at LBA %lld\n",
				    bad);
		hvsim_scsi_sense_info(c, SK_MEDIUM_ERROR, write ? ASC_WRITE_ERROR :
				      ASC_UNRECOVERED_READ, bad);
		return;
	}
	if (c->lun->ram) {
		/* One copy, straight between the medium and the guest pages. */
		hvsim_scsi_sg_copy(c, 0, c->lun->ram + lba * HVSIM_SCSI_BLOCK,
				   len, !write);
		c->xfer = len;
		return;
	}
	if (write)
		hvsim_scsi_sg_copy(c, 0, c->bounce, len, false);
	ret = hvsim_scsi_backing_rw(c->lun, lba * HVSIM_SCSI_BLOCK, c->bounce,
				    len, write);
	if (ret) {
		hvsim_scsi_sense_info(c, SK_MEDIUM_ERROR, write ? ASC_WRITE_ERROR :
				      ASC_UNRECOVERED_READ, lba);
		return;
	}
	if (!write)
		hvsim_scsi_sg_copy(c, 0, c->bounce, len, true);
	else if ((c->cdb[1] & 0x08) && hvsim_scsi_backing_sync(c->lun))	/* FUA */
		hvsim_scsi_sense(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
	if (!c->sense_len)
		c->xfer = len;
}

static void hvsim_scsi_unmap(struct hvsim_scsi_cmd *c)
{
	u32 plen = min_t(u32, get_unaligned_be16(&c->cdb[7]), c->room);
	u8 d[8 + 16 * HVSIM_UNMAP_MAX_DESC];
	u32 n, i, dlen;

	if (plen < 8 || plen > sizeof(d)) {
		if (plen)
			hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST,
					 ASC_PARAM_LIST_LENGTH, 0);
		return;
	}
	hvsim_scsi_sg_copy(c, 0, d, plen, false);
	dlen = min_t(u32, get_unaligned_be16(&d[2]), plen - 8);
	n = dlen / 16;
	for (i = 0; i < n; i++) {
		u64 lba = get_unaligned_be64(&d[8 + 16 * i]);
		u32 nblk = get_unaligned_be32(&d[8 + 16 * i + 8]);
		u64 blocks = c->lun->size / HVSIM_SCSI_BLOCK;

		if (lba > blocks || nblk > blocks - lba) {
			hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST,
					 ASC_LBA_OUT_OF_RANGE, 0);
			return;
		}
		if (hvsim_scsi_backing_discard(c->lun, lba * HVSIM_SCSI_BLOCK,
					       (u64)nblk * HVSIM_SCSI_BLOCK)) {
			hvsim_scsi_sense(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
			return;
		}
	}
	c->xfer = plen;
}

/*
 * WRITE SAME: the one block of data-out to every block of the range, or
 * with the UNMAP bit (where provisioning says so) and a zero block, unmap.
 */
static void hvsim_scsi_write_same(struct hvsim_scsi_cmd *c, u64 lba,
				  u32 nblk, bool unmap_ok)
{
	struct hvsim_scsi *s = c->s;
	u64 blocks = c->lun->size / HVSIM_SCSI_BLOCK;
	u32 per = s->max_xfer / HVSIM_SCSI_BLOCK, i;
	bool zero;

	if (!nblk || nblk > HVSIM_SCSI_MAX_WS || c->room < HVSIM_SCSI_BLOCK) {
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
		return;
	}
	if (lba > blocks || nblk > blocks - lba) {
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
		return;
	}
	hvsim_scsi_sg_copy(c, 0, c->bounce, HVSIM_SCSI_BLOCK, false);
	zero = !memchr_inv(c->bounce, 0, HVSIM_SCSI_BLOCK);
	if ((c->cdb[1] & 0x08) && unmap_ok && zero) {
		if (hvsim_scsi_backing_discard(c->lun, lba * HVSIM_SCSI_BLOCK,
					       (u64)nblk * HVSIM_SCSI_BLOCK))
			hvsim_scsi_sense(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
		else
			c->xfer = HVSIM_SCSI_BLOCK;
		return;
	}
	for (i = 1; i < per; i++)
		memcpy(c->bounce + i * HVSIM_SCSI_BLOCK, c->bounce,
		       HVSIM_SCSI_BLOCK);
	while (nblk) {
		u32 n = min(nblk, per);

		if (hvsim_scsi_backing_rw(c->lun, lba * HVSIM_SCSI_BLOCK,
					  c->bounce, n * HVSIM_SCSI_BLOCK, true)) {
			hvsim_scsi_sense_info(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR,
					      lba);
			return;
		}
		lba += n;
		nblk -= n;
	}
	c->xfer = HVSIM_SCSI_BLOCK;
}

static void hvsim_scsi_sync(struct hvsim_scsi_cmd *c)
{
	if (hvsim_scsi_backing_sync(c->lun))
		hvsim_scsi_sense(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
}

/* CDB lengths by group code (the top three bits of the opcode). */
static u8 hvsim_scsi_cdb_min(u8 op)
{
	static const u8 len[8] = { 6, 10, 10, 0, 16, 12, 0, 0 };

	return len[op >> 5];
}

static void hvsim_scsi_dispatch(struct hvsim_scsi_cmd *c)
{
	const u8 *cdb = c->cdb;

	switch (cdb[0]) {
	case 0x00:		/* TEST UNIT READY */
		break;
	case 0x03:
		hvsim_scsi_request_sense(c);
		break;
	case 0x12:
		hvsim_scsi_inquiry(c);
		break;
	case 0x1a:
		hvsim_scsi_mode_sense(c, false);
		break;
	case 0x5a:
		hvsim_scsi_mode_sense(c, true);
		break;
	case 0x25:
		hvsim_scsi_read_capacity(c, false);
		break;
	case 0x9e:		/* SERVICE ACTION IN (16) */
		if ((cdb[1] & 0x1f) == 0x10)
			hvsim_scsi_read_capacity(c, true);
		else
			hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST,
					 ASC_INVALID_FIELD_CDB, 0);
		break;
	case 0x28:		/* READ (10) */
	case 0x2a:		/* WRITE (10) */
		hvsim_scsi_rw(c, get_unaligned_be32(&cdb[2]),
			      get_unaligned_be16(&cdb[7]), cdb[0] == 0x2a);
		break;
	case 0x88:		/* READ (16) */
	case 0x8a:		/* WRITE (16) */
		hvsim_scsi_rw(c, get_unaligned_be64(&cdb[2]),
			      get_unaligned_be32(&cdb[10]), cdb[0] == 0x8a);
		break;
	case 0x35:		/* SYNCHRONIZE CACHE (10) */
	case 0x91:		/* SYNCHRONIZE CACHE (16) */
		hvsim_scsi_sync(c);
		break;
	case 0x42:
		if (c->s->discard == HVSIM_DISCARD_UNMAP)
			hvsim_scsi_unmap(c);
		else
			hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST,
					 ASC_INVALID_OPCODE, 0);
		break;
	case 0x41:		/* WRITE SAME (10) */
		hvsim_scsi_write_same(c, get_unaligned_be32(&cdb[2]),
				      get_unaligned_be16(&cdb[7]),
				      c->s->discard == HVSIM_DISCARD_WS10);
		break;
	case 0x93:		/* WRITE SAME (16) */
		hvsim_scsi_write_same(c, get_unaligned_be64(&cdb[2]),
				      get_unaligned_be32(&cdb[10]),
				      c->s->discard == HVSIM_DISCARD_WS16);
		break;
	case 0xa0:
		hvsim_scsi_report_luns(c);
		break;
	default:
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
	}
}

/* The busy knobs: SCSI BUSY, TASK SET FULL, SRB status BUSY. */
static bool hvsim_scsi_busy_fault(struct hvsim_scsi_cmd *c)
{
	struct hvsim_scsi *s = c->s;

	if (atomic_add_unless(&s->fault_busy, -1, 0)) {
		pr_info("scsi: fault: SCSI BUSY\n");
		c->scsi_status = SAM_BUSY;
		c->srb_status = VSTOR_SRB_ERROR;
	} else if (atomic_add_unless(&s->fault_queue_full, -1, 0)) {
		pr_info("scsi: fault: SCSI TASK SET FULL\n");
		c->scsi_status = SAM_TASK_SET_FULL;
		c->srb_status = VSTOR_SRB_ERROR;
	} else if (atomic_add_unless(&s->fault_srb_busy, -1, 0)) {
		pr_info("scsi: fault: SRB status BUSY\n");
		c->srb_status = VSTOR_SRB_BUSY;
	} else {
		return false;
	}
	return true;
}

/**
 * hvsim_scsi_execute() - run one CDB against the LUN
 * @c: the command; on return its status, sense and transfer length are set
 */
void hvsim_scsi_execute(struct hvsim_scsi_cmd *c)
{
	u8 need = hvsim_scsi_cdb_min(c->cdb[0]);

	c->scsi_status = SAM_GOOD;
	c->srb_status = VSTOR_SRB_SUCCESS;
	c->sense_len = 0;
	c->xfer = 0;
	atomic64_inc(&c->s->srbs);
	if (hvsim_scsi_busy_fault(c))
		return;
	if (!need || c->cdb_len < need) {
		hvsim_scsi_sense(c, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
		return;
	}
	hvsim_scsi_dispatch(c);
}
