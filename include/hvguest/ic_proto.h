/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire formats of the integration components (heartbeat, shutdown, time
 * sync, KVP, VSS, file copy): the pipe and IC message headers, version negotiation and the
 * per-service messages.  Shared by drivers/utils and tools/hvsim.
 *
 * Every IC packet is an in-band VMBus packet whose payload starts with
 * struct vmbuspipe_hdr, then struct icmsg_hdr, then the message body.
 */
#ifndef _HVGUEST_IC_PROTO_H
#define _HVGUEST_IC_PROTO_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uuid.h>

#define HVG_IC_SHUTDOWN_GUID \
	GUID_INIT(0x0e0b6031, 0x5213, 0x4934, 0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb)
#define HVG_IC_TIMESYNC_GUID \
	GUID_INIT(0x9527e630, 0xd0ae, 0x497b, 0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf)
#define HVG_IC_HEARTBEAT_GUID \
	GUID_INIT(0x57164f39, 0x9115, 0x4e78, 0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d)
#define HVG_IC_KVP_GUID \
	GUID_INIT(0xa9a0f4e7, 0x5a45, 0x4d96, 0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6)
#define HVG_IC_VSS_GUID \
	GUID_INIT(0x35fa2e29, 0xea23, 0x4236, 0x96, 0xae, 0x3a, 0x6e, 0xba, 0xcb, 0xa4, 0x40)
#define HVG_IC_FCOPY_GUID \
	GUID_INIT(0x34d14be3, 0xdee4, 0x41c8, 0x9a, 0xe7, 0x6b, 0x17, 0x49, 0x77, 0xc1, 0x92)

/* icmsg_hdr.icmsgtype */
#define ICMSGTYPE_NEGOTIATE	0
#define ICMSGTYPE_HEARTBEAT	1
#define ICMSGTYPE_KVPEXCHANGE	2
#define ICMSGTYPE_SHUTDOWN	3
#define ICMSGTYPE_TIMESYNC	4
#define ICMSGTYPE_VSS		5
#define ICMSGTYPE_FCOPY		7

/* icmsg_hdr.icflags */
#define ICMSGHDRFLAG_TRANSACTION	0x1
#define ICMSGHDRFLAG_REQUEST		0x2
#define ICMSGHDRFLAG_RESPONSE		0x4

/* icmsg_hdr.status (HRESULTs) */
#define HVG_IC_S_OK		0x00000000
#define HVG_IC_E_FAIL		0x80004005
#define HVG_IC_S_CONT		0x80070103	/* no such key, or no more items */
#define HVG_IC_E_NOT_SUPPORTED	0x80070032
#define HVG_IC_E_INVALIDARG	0x80070057
#define HVG_IC_E_ALREADY_EXISTS	0x80070050	/* file copy: file exists */
#define HVG_IC_E_DISK_FULL	0x80070070

#define HVG_IC_VERSION(maj, min)	((u32)(maj) << 16 | (min))
#define HVG_IC_MAJOR(v)			((v) >> 16)
#define HVG_IC_MINOR(v)			((v) & 0xffff)

/* Framework versions */
#define HVG_IC_FW_1_0		HVG_IC_VERSION(1, 0)
#define HVG_IC_FW_3_0		HVG_IC_VERSION(3, 0)

/* A negotiate request lists at most this many versions of each kind. */
#define HVG_IC_MAX_VERSIONS	100

struct vmbuspipe_hdr {
	u32 flags;
	u32 msgsize;
} __packed;

struct ic_version {
	u16 major;
	u16 minor;
} __packed;

struct icmsg_hdr {
	struct ic_version icverframe;
	u16 icmsgtype;
	struct ic_version icvermsg;
	u16 icmsgsize;
	u32 status;
	u8 ictransaction_id;
	u8 icflags;
	u8 reserved[2];
} __packed;

#define HVG_IC_HDR_LEN	(sizeof(struct vmbuspipe_hdr) + sizeof(struct icmsg_hdr))

/*
 * Request: icframe_vercnt framework versions, then icmsg_vercnt service
 * versions.  Answer: both counts 1 and the two chosen versions, or both
 * counts 0 when nothing matches.
 */
struct icmsg_negotiate {
	u16 icframe_vercnt;
	u16 icmsg_vercnt;
	u32 reserved;
	struct ic_version icversion_data[];
} __packed;

/* The body of a negotiate answer: header and exactly two versions. */
#define HVG_IC_NEGOTIATE_ANSWER_LEN \
	(sizeof(struct icmsg_negotiate) + 2 * sizeof(struct ic_version))

/* ---- Heartbeat ---------------------------------------------------------- */

/*
 * Linux's layout (drivers/hv/hv_util.c); only seq_num is sure to be there:
 * hosts send the 16 bytes of struct hvg_heartbeat_host_msg.
 */
struct heartbeat_msg_data {
	u64 seq_num;
	u32 reserved[8];
} __packed;

/* The least heartbeat body a guest can answer: the sequence number. */
#define HVG_HEARTBEAT_MIN_LEN	sizeof(u64)

/* What hosts send (OpenVMM hyperv_ic_protocol/src/heartbeat.rs). */
struct hvg_heartbeat_host_msg {
	u64 seq_num;
	u32 application_state;
	u32 reserved;
} __packed;

/* ---- Shutdown ----------------------------------------------------------- */

/* shutdown_msg_data.flags: an action, optionally OR-ed with FORCE */
#define HVG_SHUTDOWN_FLAG_FORCE		0x1
#define HVG_SHUTDOWN_FLAG_REBOOT	0x2
#define HVG_SHUTDOWN_FLAG_HIBERNATE	0x4

struct shutdown_msg_data {
	u32 reason_code;
	u32 timeout_seconds;
	u32 flags;
	u8 display_message[2048];
} __packed;

/* ---- Time sync ---------------------------------------------------------- */

#define ICTIMESYNCFLAG_PROBE	0
#define ICTIMESYNCFLAG_SYNC	1
#define ICTIMESYNCFLAG_SAMPLE	2

/* Host times count 100 ns units since 1601-01-01. */
#define HVG_TIME_EPOCH_DELTA	116444736000000000ULL

/* Service versions below 4.0 */
struct ictimesync_data {
	u64 parenttime;
	u64 childtime;
	u64 roundtriptime;
	u8 flags;
} __packed;

/* Service version 4.0 and later */
struct ictimesync_ref_data {
	u64 parenttime;
	u64 vmreferencetime;
	u8 flags;
	char leapflags;
	char stratum;
	u8 reserved[3];
} __packed;

/*
 * The bodies hosts send, reserved tails included (OpenVMM
 * hyperv_ic_protocol/src/timesync.rs TimesyncMessage: reserved[3],
 * TimesyncMessageV4: reserved[5]); guests need only the structs above.
 */
#define HVG_TIMESYNC_HOST_LEN		28
#define HVG_TIMESYNC_REF_HOST_LEN	24

/* ---- Key-value pair exchange (KVP) ------------------------------------ */

/* hvg_kvp_hdr.operation */
#define HVG_KVP_OP_GET		0
#define HVG_KVP_OP_SET		1
#define HVG_KVP_OP_DELETE	2
#define HVG_KVP_OP_ENUMERATE	3
#define HVG_KVP_OP_GET_IP_INFO	4
#define HVG_KVP_OP_SET_IP_INFO	5
#define HVG_KVP_OP_COUNT	6

/* hvg_kvp_hdr.pool */
#define HVG_KVP_POOL_EXTERNAL		0	/* written by the host */
#define HVG_KVP_POOL_GUEST		1	/* written by the guest */
#define HVG_KVP_POOL_AUTO		2	/* the guest's own facts */
#define HVG_KVP_POOL_AUTO_EXTERNAL	3
#define HVG_KVP_POOL_AUTO_INTERNAL	4
#define HVG_KVP_POOL_COUNT		5

/* hvg_kvp_value.value_type */
#define HVG_KVP_REG_SZ		1	/* UTF-16 string */
#define HVG_KVP_REG_U32		4
#define HVG_KVP_REG_U64		8

/* Byte sizes of the UTF-16 key and value fields, terminator included. */
#define HVG_KVP_KEY_SIZE	512
#define HVG_KVP_VALUE_SIZE	2048

struct hvg_kvp_hdr {
	u8 operation;
	u8 pool;
	u16 pad;
} __packed;

/* key_size and value_size count bytes, the UTF-16 terminator included. */
struct hvg_kvp_value {
	u32 value_type;
	u32 key_size;
	u32 value_size;
	u8 key[HVG_KVP_KEY_SIZE];
	u8 value[HVG_KVP_VALUE_SIZE];
} __packed;

/* The bodies of GET and SET (a value) and ENUMERATE (an index and a value) */
struct hvg_kvp_enumerate {
	u32 index;
	struct hvg_kvp_value data;
} __packed;

struct hvg_kvp_delete {
	u32 key_size;
	u8 key[HVG_KVP_KEY_SIZE];
} __packed;

/*
 * The body of every GET, SET, DELETE and ENUMERATE message a host sends:
 * the header and the largest of the three bodies, 2 + 2578 bytes (OpenVMM
 * hyperv_ic_protocol/src/kvp.rs KvpMessage).
 */
#define HVG_KVP_HOST_MSG_LEN \
	(sizeof(struct hvg_kvp_hdr) + sizeof(struct hvg_kvp_enumerate))

/* Address injection (GET/SET_IP_INFO): UTF-16 strings */
struct hvg_kvp_ip_value {
	u16 adapter_id[128];
	u8 addr_family;
	u8 dhcp_enabled;
	u16 ip_addr[1024];
	u16 sub_net[1024];
	u16 gate_way[512];
	u16 dns_addr[1024];
} __packed;

/* An IP-info message has a two-byte header: operation and pool. */
struct hvg_kvp_ip_msg {
	u8 operation;
	u8 pool;
	struct hvg_kvp_ip_value ip;
} __packed;

/*
 * Sizes and offsets: Linux include/linux/hyperv.h (vmbuspipe_hdr,
 * icmsg_hdr, icmsg_negotiate, shutdown_msg_data, heartbeat_msg_data,
 * ictimesync_data, ictimesync_ref_data), include/uapi/linux/hyperv.h
 * (hv_kvp_*), and OpenVMM vm/devices/hyperv_ic_protocol/src/ (lib.rs
 * Header, NegotiateMessage; heartbeat.rs; shutdown.rs; timesync.rs;
 * kvp.rs Value, MessageDelete, MessageEnumerate, KvpMessage, KvpMessage2).
 */
static_assert(sizeof(struct vmbuspipe_hdr) == 8);
static_assert(offsetof(struct vmbuspipe_hdr, msgsize) == 4);
static_assert(sizeof(struct ic_version) == 4);
static_assert(sizeof(struct icmsg_hdr) == 20);
static_assert(offsetof(struct icmsg_hdr, icmsgtype) == 4);
static_assert(offsetof(struct icmsg_hdr, icvermsg) == 6);
static_assert(offsetof(struct icmsg_hdr, icmsgsize) == 10);
static_assert(offsetof(struct icmsg_hdr, status) == 12);
static_assert(offsetof(struct icmsg_hdr, ictransaction_id) == 16);
static_assert(offsetof(struct icmsg_hdr, icflags) == 17);
static_assert(sizeof(struct icmsg_negotiate) == 8);
static_assert(offsetof(struct icmsg_negotiate, icmsg_vercnt) == 2);
static_assert(offsetof(struct icmsg_negotiate, icversion_data) == 8);
static_assert(HVG_IC_NEGOTIATE_ANSWER_LEN == 16);
static_assert(sizeof(struct heartbeat_msg_data) == 40);
static_assert(sizeof(struct hvg_heartbeat_host_msg) == 16);
static_assert(offsetof(struct hvg_heartbeat_host_msg, application_state) == 8);
static_assert(HVG_HEARTBEAT_MIN_LEN == 8);
static_assert(sizeof(struct shutdown_msg_data) == 2060);
static_assert(offsetof(struct shutdown_msg_data, timeout_seconds) == 4);
static_assert(offsetof(struct shutdown_msg_data, flags) == 8);
static_assert(offsetof(struct shutdown_msg_data, display_message) == 12);
static_assert(sizeof(struct ictimesync_data) == 25);
static_assert(offsetof(struct ictimesync_data, childtime) == 8);
static_assert(offsetof(struct ictimesync_data, roundtriptime) == 16);
static_assert(offsetof(struct ictimesync_data, flags) == 24);
static_assert(sizeof(struct ictimesync_ref_data) == 22);
static_assert(offsetof(struct ictimesync_ref_data, vmreferencetime) == 8);
static_assert(offsetof(struct ictimesync_ref_data, flags) == 16);
static_assert(offsetof(struct ictimesync_ref_data, leapflags) == 17);
static_assert(offsetof(struct ictimesync_ref_data, stratum) == 18);
static_assert(sizeof(struct ictimesync_data) <= HVG_TIMESYNC_HOST_LEN);
static_assert(sizeof(struct ictimesync_ref_data) <= HVG_TIMESYNC_REF_HOST_LEN);
static_assert(sizeof(struct hvg_kvp_hdr) == 4);
static_assert(sizeof(struct hvg_kvp_value) == 2572);
static_assert(offsetof(struct hvg_kvp_value, key_size) == 4);
static_assert(offsetof(struct hvg_kvp_value, value_size) == 8);
static_assert(offsetof(struct hvg_kvp_value, key) == 12);
static_assert(offsetof(struct hvg_kvp_value, value) == 524);
static_assert(sizeof(struct hvg_kvp_enumerate) == 2576);
static_assert(offsetof(struct hvg_kvp_enumerate, data) == 4);
static_assert(sizeof(struct hvg_kvp_delete) == 516);
static_assert(offsetof(struct hvg_kvp_delete, key) == 4);
static_assert(HVG_KVP_HOST_MSG_LEN == 2580);
static_assert(sizeof(struct hvg_kvp_ip_msg) == 7428);
static_assert(offsetof(struct hvg_kvp_ip_msg, ip) == 2);
static_assert(offsetof(struct hvg_kvp_ip_value, addr_family) == 256);
static_assert(offsetof(struct hvg_kvp_ip_value, ip_addr) == 258);
static_assert(offsetof(struct hvg_kvp_ip_value, sub_net) == 2306);
static_assert(offsetof(struct hvg_kvp_ip_value, gate_way) == 4354);
static_assert(offsetof(struct hvg_kvp_ip_value, dns_addr) == 5378);

/*
 * VSS (backup).  Linux include/uapi/linux/hyperv.h (struct hv_vss_msg,
 * enum hv_vss_op), OpenVMM vm/devices/hyperv_ic_protocol/src/vss.rs
 * (VssMessage, Message2).  The host's messages are 32 bytes, a FREEZE
 * 6260 (the LUNs being backed up); the guest reads the first 12.  The
 * daemon (hv_vss_daemon) reads and writes struct hvg_vss_msg through
 * /dev/vmbus/hv_vss, its answer's first four bytes being its status.
 */
enum hvg_vss_op {
	HVG_VSS_OP_CREATE,
	HVG_VSS_OP_DELETE,
	HVG_VSS_OP_HOT_BACKUP,
	HVG_VSS_OP_GET_DM_INFO,
	HVG_VSS_OP_BU_COMPLETE,
	HVG_VSS_OP_FREEZE,		/* IC version 5.0 and later */
	HVG_VSS_OP_THAW,
	HVG_VSS_OP_AUTO_RECOVER,
	HVG_VSS_OP_COUNT
};

#define HVG_VSS_OP_REGISTER	128	/* daemon registration, no answer */
#define HVG_VSS_OP_REGISTER1	129	/* daemon registration, answered */
#define HVG_VSS_HBU_NO_AUTO_RECOVERY	5	/* hot backup check answer */
#define HVG_VSS_HOST_MSG_LEN	32
#define HVG_VSS_MAX_LUNS	260

struct hvg_vss_msg {
	__u8 operation;			/* the daemon's answer: __u32 status */
	__u8 reserved[7];
	__u32 flags;			/* HOT_BACKUP, GET_DM_INFO answers */
} __packed;

struct hvg_vss_lun {
	__u8 bus_type;
	__u8 reserved[3];
	guid_t controller;
	__u8 port;
	__u8 target;
	__u8 lun;
	__u8 reserved2;
} __packed;

struct hvg_vss_freeze {
	__u8 operation;
	__u8 reserved[7];
	__u32 backup_type;
	__u32 flags;
	__u32 lun_count;
	struct hvg_vss_lun luns[HVG_VSS_MAX_LUNS];
} __packed;

/*
 * File copy.  Linux include/uapi/linux/hyperv.h (struct hv_fcopy_hdr,
 * hv_start_fcopy, hv_do_fcopy, enum hv_fcopy_op).  The host's names are
 * UTF-16LE; hv_fcopy_daemon reads the same layouts through
 * /dev/vmbus/hv_fcopy with UTF-8 names in the same fields, and answers
 * with a __u32 status.
 */
enum hvg_fcopy_op {
	HVG_FCOPY_START,
	HVG_FCOPY_WRITE,
	HVG_FCOPY_COMPLETE,
	HVG_FCOPY_CANCEL,
	HVG_FCOPY_OP_COUNT
};

#define HVG_FCOPY_PATH_UNITS	260	/* W_MAX_PATH */
#define HVG_FCOPY_OVERWRITE	0x1
#define HVG_FCOPY_CREATE_PATH	0x2
#define HVG_FCOPY_FRAGMENT	6144
#define HVG_FCOPY_VERSION_0	0	/* daemon registration, no answer */
#define HVG_FCOPY_VERSION_1	1	/* daemon registration, answered */

struct hvg_fcopy_hdr {
	__u32 operation;
	__u8 service_id0[16];
	__u8 service_id1[16];
} __packed;

struct hvg_fcopy_start {
	struct hvg_fcopy_hdr hdr;
	__u8 file_name[2 * HVG_FCOPY_PATH_UNITS];	/* UTF-16LE, or UTF-8 */
	__u8 path_name[2 * HVG_FCOPY_PATH_UNITS];
	__u32 copy_flags;
	__u64 file_size;
} __packed;

struct hvg_fcopy_write {
	struct hvg_fcopy_hdr hdr;
	__u32 pad;
	__u64 offset;
	__u32 size;
	__u8 data[HVG_FCOPY_FRAGMENT];
} __packed;

static_assert(sizeof(struct hvg_vss_msg) == 12);
static_assert(sizeof(struct hvg_vss_lun) == 24);
static_assert(sizeof(struct hvg_vss_freeze) == 6260);
static_assert(sizeof(struct hvg_fcopy_hdr) == 36);
static_assert(sizeof(struct hvg_fcopy_start) == 1088);
static_assert(sizeof(struct hvg_fcopy_write) == 6196);

#endif /* _HVGUEST_IC_PROTO_H */
