/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire format of the Dynamic Memory service (memory balloon and hot-add).
 * Shared by drivers/balloon and tools/hvsim.  Source: Linux
 * drivers/hv/hv_balloon.c (the message structs and their comments);
 * OpenVMM and FreeBSD have no Dynamic Memory device.
 *
 * Every in-band packet is one message starting with struct hvg_dm_hdr,
 * whose size field is the message's length in bytes.  The guest asks for a
 * protocol version (newest first, is_last_attempt on the last one), then
 * reports its capabilities; from then on it reports its memory status
 * about once a second, and the host asks it to give pages (balloon), takes
 * them back out of the balloon (unballoon) or adds memory (hot-add).  Page
 * numbers and counts are in 4 KiB pages.  No message is longer than 4 KiB.
 *
 * All fields are little endian; the bit fields of hv_balloon.c are spelled
 * out as masks.
 */
#ifndef _HVGUEST_DM_PROTO_H
#define _HVGUEST_DM_PROTO_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/uuid.h>

/* HV_DM_GUID in include/linux/hyperv.h */
#define HVG_DM_CLASS_GUID \
	GUID_INIT(0x525074dc, 0x8985, 0x46e2, 0x80, 0x57, 0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02)

#define HVG_DM_VERSION(maj, min)	((u32)(maj) << 16 | (min))
#define HVG_DM_VERSION_WIN7		HVG_DM_VERSION(0, 3)
#define HVG_DM_VERSION_WIN8		HVG_DM_VERSION(1, 0)
#define HVG_DM_VERSION_WIN10		HVG_DM_VERSION(2, 0)

#define HVG_DM_MAX_MSG		4096	/* the longest message either side sends */
#define HVG_DM_PAGE_SHIFT	12

enum hvg_dm_type {
	HVG_DM_ERROR = 0,
	HVG_DM_VERSION_REQUEST = 1,
	HVG_DM_VERSION_RESPONSE = 2,
	HVG_DM_CAPABILITIES_REPORT = 3,
	HVG_DM_CAPABILITIES_RESPONSE = 4,
	HVG_DM_STATUS_REPORT = 5,
	HVG_DM_BALLOON_REQUEST = 6,
	HVG_DM_BALLOON_RESPONSE = 7,
	HVG_DM_UNBALLOON_REQUEST = 8,
	HVG_DM_UNBALLOON_RESPONSE = 9,
	HVG_DM_HOT_ADD_REQUEST = 10,
	HVG_DM_HOT_ADD_RESPONSE = 11,
	HVG_DM_INFO_MESSAGE = 12,	/* version 1.0 (WIN8) and later */
};

struct hvg_dm_hdr {
	__le16 type;		/* enum hvg_dm_type */
	__le16 size;		/* of the whole message, this header included */
	__le32 trans_id;	/* made up by the sender */
} __packed;

/*
 * A page range: bits 0..39 the first page number, bits 40..63 the number
 * of pages.
 */
#define HVG_DM_RANGE_START_BITS	40
#define HVG_DM_RANGE_START_MASK	((1ULL << HVG_DM_RANGE_START_BITS) - 1)
#define HVG_DM_RANGE_MAX_PAGES	((1U << 24) - 1)

static inline u64 hvg_dm_range(u64 start, u32 count)
{
	return (start & HVG_DM_RANGE_START_MASK) | (u64)count << HVG_DM_RANGE_START_BITS;
}

static inline u64 hvg_dm_range_start(u64 r)
{
	return r & HVG_DM_RANGE_START_MASK;
}

static inline u32 hvg_dm_range_count(u64 r)
{
	return r >> HVG_DM_RANGE_START_BITS;
}

struct hvg_dm_version_request {
	struct hvg_dm_hdr hdr;
	__le32 version;		/* major << 16 | minor */
	__le32 flags;		/* HVG_DM_LAST_ATTEMPT */
} __packed;
#define HVG_DM_LAST_ATTEMPT	BIT(0)

/* Also the capabilities response: bit 0 of accepted. */
struct hvg_dm_version_response {
	struct hvg_dm_hdr hdr;
	__le64 accepted;	/* bit 0 */
} __packed;

#define HVG_DM_CAP_BALLOON		BIT_ULL(0)
#define HVG_DM_CAP_HOT_ADD		BIT_ULL(1)
#define HVG_DM_CAP_ALIGN_SHIFT		2	/* hot-add alignment: 2^n MiB */
#define HVG_DM_CAP_ALIGN_MASK		(0xfULL << HVG_DM_CAP_ALIGN_SHIFT)

struct hvg_dm_capabilities {
	struct hvg_dm_hdr hdr;
	__le64 caps;
	__le64 min_page_cnt;
	__le64 max_page_number;
} __packed;

/* Pages are 4 KiB; the host only uses num_committed for pressure. */
struct hvg_dm_status {
	struct hvg_dm_hdr hdr;
	__le64 num_avail;
	__le64 num_committed;
	__le64 page_file_size;
	__le64 zero_free;
	__le32 page_file_writes;
	__le32 io_diff;
} __packed;

struct hvg_dm_balloon {
	struct hvg_dm_hdr hdr;
	__le32 num_pages;
	__le32 reservedz;
} __packed;

/* Balloon response: bit 0 more_pages, bits 1..31 range_count. */
#define HVG_DM_MORE_PAGES	BIT(0)
#define HVG_DM_BL_COUNT_SHIFT	1

struct hvg_dm_balloon_response {
	struct hvg_dm_hdr hdr;
	__le32 reservedz;
	__le32 more_count;
	__le64 ranges[];
} __packed;

/* Unballoon request: flags bit 0 more_pages, then its own range count. */
struct hvg_dm_unballoon_request {
	struct hvg_dm_hdr hdr;
	__le32 flags;
	__le32 range_count;
	__le64 ranges[];
} __packed;

struct hvg_dm_unballoon_response {
	struct hvg_dm_hdr hdr;
} __packed;

/*
 * Hot-add request: the range to add; a second range (the message is 8
 * bytes longer) is the region the host wants added and then partly
 * populated.
 */
struct hvg_dm_hot_add {
	struct hvg_dm_hdr hdr;
	__le64 range;
	__le64 region[];
} __packed;

/*
 * result 1: success (some pages added), or a permanent failure when
 * page_count is 0 (the host stops hot-adding); result 0 with no pages: a
 * transient failure, the host may retry later.
 */
struct hvg_dm_hot_add_response {
	struct hvg_dm_hdr hdr;
	__le32 page_count;
	__le32 result;
} __packed;

/* Info message: info_size bytes of records, header then data. */
#define HVG_DM_INFO_MAX_PAGE_CNT	0

struct hvg_dm_info {
	struct hvg_dm_hdr hdr;
	__le32 reserved;
	__le32 info_size;
	u8 info[];
} __packed;

struct hvg_dm_info_hdr {
	__le32 type;
	__le32 data_size;
} __packed;

#define HVG_DM_BL_MAX_RANGES \
	((HVG_DM_MAX_MSG - sizeof(struct hvg_dm_balloon_response)) / sizeof(__le64))
#define HVG_DM_UNBL_MAX_RANGES \
	((HVG_DM_MAX_MSG - sizeof(struct hvg_dm_unballoon_request)) / sizeof(__le64))

static_assert(sizeof(struct hvg_dm_hdr) == 8);
static_assert(sizeof(struct hvg_dm_version_request) == 16);
static_assert(sizeof(struct hvg_dm_capabilities) == 32);
static_assert(sizeof(struct hvg_dm_status) == 48);
static_assert(sizeof(struct hvg_dm_balloon_response) == 16);
static_assert(sizeof(struct hvg_dm_unballoon_request) == 16);
static_assert(sizeof(struct hvg_dm_hot_add) == 16);
static_assert(sizeof(struct hvg_dm_hot_add_response) == 16);

#endif /* _HVGUEST_DM_PROTO_H */
