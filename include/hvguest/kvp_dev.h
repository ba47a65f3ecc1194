/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The records hv_utils and tools/hv_kvp_daemon exchange through
 * /dev/hvguest/kvp.  Shared by the kernel and the daemon, so only
 * <linux/types.h> types.
 *
 * read() returns one request (exactly one record, blocking unless the file
 * is O_NONBLOCK); write() takes the answer to it, a whole record with the
 * same id.  Keys and values are NUL-terminated UTF-8 here; the kernel
 * converts them from and to the host's UTF-16.
 */
#ifndef _HVGUEST_KVP_DEV_H
#define _HVGUEST_KVP_DEV_H

#include <linux/types.h>

#define HVG_KVP_DEV_NAME	"hvguest/kvp"	/* under /dev */

/*
 * A UTF-16 unit becomes at most 3 bytes of UTF-8, so any key or value the
 * host can send fits, terminator included (255 units: 765 bytes + NUL;
 * 1023 units: 3069 bytes + NUL).
 */
#define HVG_KVP_REC_KEY_BYTES	768
#define HVG_KVP_REC_VALUE_BYTES	3072

/* hvg_kvp_record.op and .pool: the wire numbers (ic_proto.h) */
#define HVG_KVP_REC_GET		0
#define HVG_KVP_REC_SET		1
#define HVG_KVP_REC_DELETE	2
#define HVG_KVP_REC_ENUMERATE	3

#define HVG_KVP_REC_POOLS	5	/* external, guest, auto, auto-external, auto-internal */
#define HVG_KVP_REC_POOL_AUTO	2	/* the guest's own facts */

/* hvg_kvp_record.status: passed to the host as is */
#define HVG_KVP_REC_OK		0x00000000u
#define HVG_KVP_REC_NO_MORE	0x80070103u	/* no such key / past the end */
#define HVG_KVP_REC_FAIL	0x80004005u
#define HVG_KVP_REC_INVALIDARG	0x80070057u
#define HVG_KVP_REC_DISK_FULL	0x80070070u

/**
 * struct hvg_kvp_record - one request, or the answer to it
 * @id: request number; the answer repeats it
 * @op: HVG_KVP_REC_GET, _SET, _DELETE or _ENUMERATE
 * @pool: 0 to HVG_KVP_REC_POOLS - 1
 * @reserved: zero
 * @status: answer: HVG_KVP_REC_OK, HVG_KVP_REC_NO_MORE (no such key, or
 *	the index is past the end of the pool) or an error HRESULT (bit 31)
 * @index: ENUMERATE: the position asked for
 * @key: GET, SET, DELETE: the key; answer to ENUMERATE: the key found
 * @value: SET: the value; answer to GET and ENUMERATE: the value found
 */
struct hvg_kvp_record {
	__u32 id;
	__u8 op;
	__u8 pool;
	__u16 reserved;
	__u32 status;
	__u32 index;
	char key[HVG_KVP_REC_KEY_BYTES];
	char value[HVG_KVP_REC_VALUE_BYTES];
};

#endif /* _HVGUEST_KVP_DEV_H */
