/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The message hv_utils and the distribution's hv_kvp_daemon exchange
 * through /dev/vmbus/hv_kvp: the layout of struct hv_kvp_msg in Linux's
 * include/uapi/linux/hyperv.h, which every distribution's daemon is
 * built against.  Keys and values are NUL-terminated UTF-8 here.
 *
 * The daemon opens the device, writes one message with operation
 * HVG_KVP_UOP_REGISTER1 and reads the kernel's registration answer (the
 * same operation, a version string).  Then it reads one request at a time
 * and writes the answer to it: the same message with its first four bytes
 * overwritten by the status (the daemon sets @error, which shares those
 * bytes with @hdr), so an answer does not repeat its operation or pool.
 */
#ifndef _HVGUEST_KVP_USER_H
#define _HVGUEST_KVP_USER_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

#define HVG_KVP_UOP_REGISTER1	100	/* daemon with address injection */

/* Field sizes in bytes (the daemon's UTF-8 strings, NUL included) */
#define HVG_KVP_UKEY		512
#define HVG_KVP_UVALUE		2048
#define HVG_KVP_UADAPTER	256
#define HVG_KVP_UADDR		2048
#define HVG_KVP_UGATEWAY	1024
#define HVG_KVP_UBODY		7428

struct hvg_kvp_uvalue {
	__u32 value_type;
	__u32 key_size;
	__u32 value_size;
	__u8 key[HVG_KVP_UKEY];
	__u8 value[HVG_KVP_UVALUE];
} __packed;

struct hvg_kvp_uip {
	__u8 adapter_id[HVG_KVP_UADAPTER];
	__u8 addr_family;
	__u8 dhcp_enabled;
	__u8 ip_addr[HVG_KVP_UADDR];
	__u8 sub_net[HVG_KVP_UADDR];
	__u8 gate_way[HVG_KVP_UGATEWAY];
	__u8 dns_addr[HVG_KVP_UADDR];
} __packed;

/**
 * struct hvg_kvp_umsg - one message through /dev/vmbus/hv_kvp
 * @hdr: request: operation (HVG_KVP_OP_* or HVG_KVP_UOP_REGISTER1), pool
 * @error: answer: the status for the host (S_OK, S_CONT or an HRESULT)
 * @value: GET, SET: key and value
 * @del: DELETE: key_size and key
 * @enumerate: ENUMERATE: index, then the key and value found
 * @ip: GET_IP_INFO, SET_IP_INFO: the adapter and its addresses
 * @version: the kernel's registration answer: a version string
 * @body: the size of the body.  In the uapi header the body's union is not
 *	packed and some of its members are 4-byte aligned, so it takes 7428
 *	bytes, not the 7426 of its largest member: the daemon reads and
 *	writes 7432 bytes.
 */
struct hvg_kvp_umsg {
	union {
		struct {
			__u8 operation;
			__u8 pool;
			__u16 pad;
		} __packed hdr;
		__u32 error;
	};
	union {
		struct hvg_kvp_uvalue value;
		struct {
			__u32 key_size;
			__u8 key[HVG_KVP_UKEY];
		} __packed del;
		struct {
			__u32 index;
			struct hvg_kvp_uvalue data;
		} __packed enumerate;
		struct hvg_kvp_uip ip;
		__u8 version[HVG_KVP_UKEY];
		__u8 body[HVG_KVP_UBODY];
	};
} __packed;

/* Sizes and offsets: Linux include/uapi/linux/hyperv.h struct hv_kvp_msg */
static_assert(sizeof(struct hvg_kvp_uvalue) == 2572);
static_assert(sizeof(struct hvg_kvp_uip) == 7426);
static_assert(offsetof(struct hvg_kvp_uip, ip_addr) == 258);
static_assert(offsetof(struct hvg_kvp_uip, gate_way) == 4354);
static_assert(offsetof(struct hvg_kvp_uip, dns_addr) == 5378);
static_assert(sizeof(struct hvg_kvp_umsg) == 7432);
static_assert(offsetof(struct hvg_kvp_umsg, value) == 4);
static_assert(offsetof(struct hvg_kvp_umsg, enumerate.data) == 8);

#endif /* _HVGUEST_KVP_USER_H */
