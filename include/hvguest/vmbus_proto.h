/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus wire formats: SynIC messages, VMBus channel messages, the ring
 * buffer control page, packet descriptors and monitor pages.
 *
 * Everything here is laid out exactly as the Hyper-V host expects it and is
 * shared by the guest (drivers/vmbus), the simulated host (tools/hvsim) and
 * the userspace unit tests.  All fields are little-endian on the wire; the
 * only supported architecture is x86-64, so native types are used and the
 * layout is pinned by static assertions at the end of this file.
 */
#ifndef _HVGUEST_VMBUS_PROTO_H
#define _HVGUEST_VMBUS_PROTO_H

#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <hvguest/hv_tlfs.h>

/* ---- SynIC message and event flag pages ---------------------------------- */

#define HVMSG_NONE			0x00000000
#define HVMSG_VMBUS			0x00000001	/* type used for VMBus channel messages */

#define HVG_MSG_FLAG_PENDING		BIT(0)

struct hv_message_header {
	u32 message_type;
	u8 payload_size;
	u8 message_flags;
	u8 reserved[2];
	u64 sender;
} __packed;

struct hv_message {
	struct hv_message_header header;
	u64 payload[HVG_MSG_PAYLOAD_BYTES / 8];
} __packed;

/* The SIMP page holds one 256-byte message slot per SINT. */
struct hv_message_page {
	struct hv_message sint_message[HVG_SINT_COUNT];
} __packed;

#define HVG_EVENT_FLAGS_BYTES		256
#define HVG_EVENT_FLAGS_COUNT		(HVG_EVENT_FLAGS_BYTES * 8)

struct hv_event_flags {
	unsigned long flags[HVG_EVENT_FLAGS_BYTES / sizeof(unsigned long)];
};

/* The SIEF page holds one 256-byte event flag block per SINT. */
struct hv_event_flags_page {
	struct hv_event_flags sintevent_flags[HVG_SINT_COUNT];
};

/* ---- VMBus connection constants ------------------------------------------ */

#define VMBUS_MAKE_VERSION(major, minor)	(((major) << 16) | (minor))
#define VERSION_WS2008			VMBUS_MAKE_VERSION(0, 13)
#define VERSION_WIN7			VMBUS_MAKE_VERSION(1, 1)
#define VERSION_WIN8			VMBUS_MAKE_VERSION(2, 4)
#define VERSION_WIN8_1			VMBUS_MAKE_VERSION(3, 0)
#define VERSION_WIN10			VMBUS_MAKE_VERSION(4, 0)
#define VERSION_WIN10_V4_1		VMBUS_MAKE_VERSION(4, 1)
#define VERSION_WIN10_V5		VMBUS_MAKE_VERSION(5, 0)
#define VERSION_WIN10_V5_1		VMBUS_MAKE_VERSION(5, 1)
#define VERSION_WIN10_V5_2		VMBUS_MAKE_VERSION(5, 2)
#define VERSION_WIN10_V5_3		VMBUS_MAKE_VERSION(5, 3)

#define VMBUS_MESSAGE_CONNECTION_ID	1
#define VMBUS_MESSAGE_CONNECTION_ID_4	4	/* from VERSION_WIN10_V5 on */
#define VMBUS_EVENT_CONNECTION_ID	2
#define VMBUS_MONITOR_CONNECTION_ID	3

#define VMBUS_MAX_CHANNEL_RELIDS	HVG_EVENT_FLAGS_COUNT
#define VMBUS_MAX_MONITOR_ID		127	/* 4 trigger groups of 32 */

/* ---- VMBus channel messages ---------------------------------------------- */

enum vmbus_channel_message_type {
	CHANNELMSG_INVALID			= 0,
	CHANNELMSG_OFFERCHANNEL			= 1,
	CHANNELMSG_RESCIND_CHANNELOFFER		= 2,
	CHANNELMSG_REQUESTOFFERS		= 3,
	CHANNELMSG_ALLOFFERS_DELIVERED		= 4,
	CHANNELMSG_OPENCHANNEL			= 5,
	CHANNELMSG_OPENCHANNEL_RESULT		= 6,
	CHANNELMSG_CLOSECHANNEL			= 7,
	CHANNELMSG_GPADL_HEADER			= 8,
	CHANNELMSG_GPADL_BODY			= 9,
	CHANNELMSG_GPADL_CREATED		= 10,
	CHANNELMSG_GPADL_TEARDOWN		= 11,
	CHANNELMSG_GPADL_TORNDOWN		= 12,
	CHANNELMSG_RELID_RELEASED		= 13,
	CHANNELMSG_INITIATE_CONTACT		= 14,
	CHANNELMSG_VERSION_RESPONSE		= 15,
	CHANNELMSG_UNLOAD			= 16,
	CHANNELMSG_UNLOAD_RESPONSE		= 17,
	CHANNELMSG_TL_CONNECT_REQUEST		= 21,	/* from VERSION_WIN10 on */
	CHANNELMSG_MODIFYCHANNEL		= 22,	/* from VERSION_WIN10_V4_1 on */
	CHANNELMSG_TL_CONNECT_RESULT		= 23,	/* from VERSION_WIN10_V4_1 on */
	CHANNELMSG_MODIFYCHANNEL_RESPONSE	= 24,	/* from VERSION_WIN10_V5_3 on */
	CHANNELMSG_COUNT			= 25,
};

struct vmbus_channel_message_header {
	u32 msgtype;
	u32 padding;
} __packed;

#define VMBUS_OFFER_USER_DEFINED_BYTES	120

struct vmbus_channel_offer {
	guid_t if_type;
	guid_t if_instance;
	u64 reserved1;
	u64 reserved2;
	u16 chn_flags;
	u16 mmio_megabytes;
	union {
		struct {
			u8 user_def[VMBUS_OFFER_USER_DEFINED_BYTES];
		} std;
		struct {
			u32 pipe_mode;
			u8 user_def[VMBUS_OFFER_USER_DEFINED_BYTES - 4];
		} pipe;
	} u;
	u16 sub_channel_index;
	u16 reserved3;
} __packed;

/* chn_flags */
#define VMBUS_CHANNEL_ENUMERATE_DEVICE_INTERFACE	0x0001
#define VMBUS_CHANNEL_NAMED_PIPE_MODE			0x0010
#define VMBUS_CHANNEL_TLNPI_PROVIDER_OFFER		0x2000

/*
 * Hyper-V socket offers (chn_flags TLNPI_PROVIDER_OFFER): if_type is the
 * service id, if_instance the endpoint id; u.pipe.user_def[0] is non-zero
 * when the host connects to a guest listener (OpenVMM protocol.rs
 * HvsockUserDefinedParameters.is_for_guest_accept; Linux hyperv_transport.c
 * hvs_open_connection()).
 */
#define VMBUS_HVSOCK_FOR_GUEST_ACCEPT	0	/* index in u.pipe.user_def */

#define VMBUS_OFFER_MONITOR_ALLOCATED	BIT(0)
#define VMBUS_OFFER_DEDICATED_INTERRUPT	BIT(0)

struct vmbus_channel_offer_channel {
	struct vmbus_channel_message_header header;
	struct vmbus_channel_offer offer;
	u32 child_relid;
	u8 monitorid;
	u8 monitor_flags;		/* VMBUS_OFFER_MONITOR_ALLOCATED */
	u16 interrupt_flags;		/* VMBUS_OFFER_DEDICATED_INTERRUPT */
	u32 connection_id;		/* from VERSION_WIN7 on */
} __packed;

struct vmbus_channel_rescind_offer {
	struct vmbus_channel_message_header header;
	u32 child_relid;
} __packed;

struct vmbus_channel_open_channel {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 openid;
	u32 ringbuffer_gpadlhandle;
	u32 target_vp;
	u32 downstream_ringbuffer_pageoffset;	/* in pages, within the GPADL */
	u8 userdata[VMBUS_OFFER_USER_DEFINED_BYTES];
} __packed;

struct vmbus_channel_open_result {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 openid;
	u32 status;
} __packed;

struct vmbus_channel_close_channel {
	struct vmbus_channel_message_header header;
	u32 child_relid;
} __packed;

/* A GPA range is followed by the PFNs of its pages. */
struct gpa_range {
	u32 byte_count;
	u32 byte_offset;
} __packed;

/*
 * Followed by @rangecount ranges with their PFNs; PFNs that do not fit into
 * this message follow in GPADL_BODY messages.
 */
struct vmbus_channel_gpadl_header {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 gpadl;
	u16 range_buflen;	/* bytes of all ranges including their PFNs */
	u16 rangecount;
} __packed;

struct vmbus_channel_gpadl_body {
	struct vmbus_channel_message_header header;
	u32 msgnumber;
	u32 gpadl;
	u64 pfn[];
} __packed;

struct vmbus_channel_gpadl_created {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 gpadl;
	u32 creation_status;
} __packed;

struct vmbus_channel_gpadl_teardown {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 gpadl;
} __packed;

struct vmbus_channel_gpadl_torndown {
	struct vmbus_channel_message_header header;
	u32 gpadl;
} __packed;

struct vmbus_channel_relid_released {
	struct vmbus_channel_message_header header;
	u32 child_relid;
} __packed;

struct vmbus_channel_initiate_contact {
	struct vmbus_channel_message_header header;
	u32 vmbus_version_requested;
	u32 target_vcpu;	/* VP index that receives the host's messages */
	union {
		u64 interrupt_page;	/* up to VERSION_WIN10_V4_1 */
		struct {
			u8 msg_sint;	/* from VERSION_WIN10_V5 on */
			u8 msg_vtl;
			u8 reserved[6];
		};
	};
	u64 monitor_page1;
	u64 monitor_page2;
} __packed;

struct vmbus_channel_version_response {
	struct vmbus_channel_message_header header;
	u8 version_supported;
	u8 connection_state;
	u16 padding;
	u32 msg_conn_id;	/* from VERSION_WIN10_V5 on; the granted version before */
} __packed;

/* Hyper-V socket: the guest connects to a host service (Linux hyperv.h). */
struct vmbus_channel_tl_connect_request {
	struct vmbus_channel_message_header header;
	guid_t guest_endpoint_id;
	guid_t host_service_id;
} __packed;

/* The host's answer when it refuses (OpenVMM protocol.rs TlConnectResult). */
struct vmbus_channel_tl_connect_result {
	struct vmbus_channel_message_header header;
	guid_t guest_endpoint_id;
	guid_t host_service_id;
	u32 status;
} __packed;

struct vmbus_channel_modifychannel {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 target_vp;
} __packed;

struct vmbus_channel_modifychannel_response {
	struct vmbus_channel_message_header header;
	u32 child_relid;
	u32 status;
} __packed;

/* Largest page count that fits into a GPADL header / body message */
#define VMBUS_GPADL_HEADER_MAX_PFNS \
	((HVG_MSG_PAYLOAD_BYTES - sizeof(struct vmbus_channel_gpadl_header) - \
	  sizeof(struct gpa_range)) / sizeof(u64))
#define VMBUS_GPADL_BODY_MAX_PFNS \
	((HVG_MSG_PAYLOAD_BYTES - sizeof(struct vmbus_channel_gpadl_body)) / sizeof(u64))

/* ---- Monitor pages -------------------------------------------------------- */

struct hv_monitor_trigger_group {
	u32 pending;
	u32 armed;
} __packed;

struct hv_monitor_parameter {
	u32 connection_id;
	u16 flag_number;
	u16 reserved;
} __packed;

struct hv_monitor_page {
	u32 trigger_state;		/* bit 0..3: group enable */
	u32 reserved1;
	struct hv_monitor_trigger_group trigger_group[4];
	u64 reserved2[3];
	s32 next_check_time[4][32];
	u16 latency[4][32];		/* in 100 ns units */
	u64 reserved3[32];
	struct hv_monitor_parameter parameter[4][32];
	u8 reserved4[1984];
} __packed;

/* ---- Ring buffers --------------------------------------------------------- */

#define HV_RING_HEADER_SIZE		4096
#define HV_RING_FEAT_PENDING_SEND_SZ	BIT(0)

/*
 * The control page at the start of every ring.  The data area follows it;
 * indices are byte offsets into the data area.
 */
struct hv_ring_buffer {
	u32 write_index;
	u32 read_index;
	u32 interrupt_mask;
	u32 pending_send_sz;
	u32 reserved1[12];
	u32 feature_bits;
	u8 reserved2[HV_RING_HEADER_SIZE - 68];
} __packed;

enum vmbus_packet_type {
	VM_PKT_INVALID				= 0x0,
	VM_PKT_SYNCH				= 0x1,
	VM_PKT_ADD_XFER_PAGESET			= 0x2,
	VM_PKT_RM_XFER_PAGESET			= 0x3,
	VM_PKT_ESTABLISH_GPADL			= 0x4,
	VM_PKT_TEARDOWN_GPADL			= 0x5,
	VM_PKT_DATA_INBAND			= 0x6,
	VM_PKT_DATA_USING_XFER_PAGES		= 0x7,
	VM_PKT_DATA_USING_GPADL			= 0x8,
	VM_PKT_DATA_USING_GPA_DIRECT		= 0x9,
	VM_PKT_CANCEL_REQUEST			= 0xa,
	VM_PKT_COMP				= 0xb,
	VM_PKT_DATA_USING_ADDITIONAL_PKT	= 0xc,
	VM_PKT_ADDITIONAL_DATA			= 0xd,
};

#define VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED	1

/* Every packet starts with this; offset8/len8 count 8-byte units. */
struct vmpacket_descriptor {
	u16 type;
	u16 offset8;
	u16 len8;
	u16 flags;
	u64 trans_id;
} __packed;

/* Every packet is followed by this 8-byte trailer: the old write index << 32. */
#define HV_RING_TRAILER_SIZE		sizeof(u64)

struct hv_page_buffer {
	u32 len;
	u32 offset;
	u64 pfn;
} __packed;

/* Header of a VM_PKT_DATA_USING_GPA_DIRECT packet, followed by the ranges. */
struct vmbus_packet_page_buffer {
	struct vmpacket_descriptor desc;
	u32 reserved;
	u32 rangecount;
	struct hv_page_buffer range[];
} __packed;

/* One multi-page range: @len bytes from @offset into the first of its pages. */
struct hv_mpb_range {
	u32 len;
	u32 offset;
	u64 pfn[];
} __packed;

/*
 * Header of a VM_PKT_DATA_USING_GPA_DIRECT packet with one multi-page range,
 * followed by its page numbers (Linux: struct vmbus_packet_mpb_array).
 */
struct vmbus_packet_mpb_hdr {
	struct vmpacket_descriptor desc;
	u32 reserved;
	u32 rangecount;
	struct hv_mpb_range range;
} __packed;

/* ---- Class and instance GUIDs used by the suite --------------------------- */

/* hvsim's echo test service; not a Hyper-V class. */
#define HVG_ECHO_CLASS_GUID \
	GUID_INIT(0x7b5d2c3e, 0x9f41, 0x4e0a, 0xb6, 0x53, 0x1c, 0x8e, 0x2a, 0x90, 0x4d, 0x71)

/*
 * An echo payload that starts with this header asks the host to offer
 * @subchannels subchannels; the completion carries a u32 status (0 = done).
 */
#define HVG_ECHO_CTRL_MAGIC		0x314d4f43
struct hvg_echo_ctrl {
	u32 magic;
	u32 subchannels;
} __packed;

/*
 * The wire layout, pinned.  Sizes and offsets as in Linux
 * include/linux/hyperv.h and OpenVMM vmbus_core/src/protocol.rs (channel
 * messages), Linux include/asm-generic/hyperv-tlfs.h (SynIC message and
 * event pages, monitor page); a struct's size includes its 8-byte channel
 * message header where it has one.
 */
static_assert(sizeof(struct hvg_post_message_input) == 256);	/* TLFS HvPostMessage */
static_assert(offsetof(struct hvg_post_message_input, payload) == 16);
static_assert(sizeof(struct hv_message_header) == 16);

static_assert(sizeof(struct vmbus_packet_mpb_hdr) == 32);
static_assert(sizeof(struct hv_message) == 256);
static_assert(offsetof(struct hv_message, payload) == 16);
static_assert(sizeof(struct hv_message_page) == 4096);
static_assert(sizeof(struct hv_event_flags) == 256);
static_assert(sizeof(struct hv_event_flags_page) == 4096);

static_assert(sizeof(struct vmbus_channel_message_header) == 8);
static_assert(sizeof(struct vmbus_channel_offer) == 176);
static_assert(offsetof(struct vmbus_channel_offer, chn_flags) == 48);
static_assert(offsetof(struct vmbus_channel_offer, mmio_megabytes) == 50);
static_assert(offsetof(struct vmbus_channel_offer, u) == 52);
static_assert(offsetof(struct vmbus_channel_offer, sub_channel_index) == 172);
static_assert(sizeof(struct vmbus_channel_offer_channel) == 196);
static_assert(offsetof(struct vmbus_channel_offer_channel, child_relid) == 184);
static_assert(offsetof(struct vmbus_channel_offer_channel, monitorid) == 188);
static_assert(offsetof(struct vmbus_channel_offer_channel, monitor_flags) == 189);
static_assert(offsetof(struct vmbus_channel_offer_channel, interrupt_flags) == 190);
static_assert(offsetof(struct vmbus_channel_offer_channel, connection_id) == 192);
static_assert(sizeof(struct vmbus_channel_rescind_offer) == 12);
static_assert(sizeof(struct vmbus_channel_open_channel) == 148);
static_assert(offsetof(struct vmbus_channel_open_channel, openid) == 12);
static_assert(offsetof(struct vmbus_channel_open_channel, target_vp) == 20);
static_assert(offsetof(struct vmbus_channel_open_channel, userdata) == 28);
static_assert(sizeof(struct vmbus_channel_open_result) == 20);
static_assert(offsetof(struct vmbus_channel_open_result, status) == 16);
static_assert(sizeof(struct vmbus_channel_close_channel) == 12);
static_assert(sizeof(struct gpa_range) == 8);
static_assert(sizeof(struct vmbus_channel_gpadl_header) == 20);
static_assert(offsetof(struct vmbus_channel_gpadl_header, range_buflen) == 16);
static_assert(offsetof(struct vmbus_channel_gpadl_header, rangecount) == 18);
static_assert(sizeof(struct vmbus_channel_gpadl_body) == 16);
static_assert(offsetof(struct vmbus_channel_gpadl_body, gpadl) == 12);
static_assert(sizeof(struct vmbus_channel_gpadl_created) == 20);
static_assert(offsetof(struct vmbus_channel_gpadl_created, creation_status) == 16);
static_assert(sizeof(struct vmbus_channel_gpadl_teardown) == 16);
static_assert(sizeof(struct vmbus_channel_gpadl_torndown) == 12);
static_assert(sizeof(struct vmbus_channel_relid_released) == 12);
static_assert(sizeof(struct vmbus_channel_initiate_contact) == 40);
static_assert(offsetof(struct vmbus_channel_initiate_contact, interrupt_page) == 16);
static_assert(offsetof(struct vmbus_channel_initiate_contact, msg_sint) == 16);
static_assert(offsetof(struct vmbus_channel_initiate_contact, msg_vtl) == 17);
static_assert(offsetof(struct vmbus_channel_initiate_contact, monitor_page1) == 24);
static_assert(offsetof(struct vmbus_channel_initiate_contact, monitor_page2) == 32);
static_assert(sizeof(struct vmbus_channel_version_response) == 16);
static_assert(offsetof(struct vmbus_channel_version_response, connection_state) == 9);
static_assert(offsetof(struct vmbus_channel_version_response, msg_conn_id) == 12);
static_assert(sizeof(struct vmbus_channel_modifychannel) == 16);
static_assert(sizeof(struct vmbus_channel_tl_connect_request) == 40);
static_assert(sizeof(struct vmbus_channel_tl_connect_result) == 44);
static_assert(sizeof(struct vmbus_channel_modifychannel_response) == 16);
static_assert(offsetof(struct vmbus_channel_modifychannel_response, status) == 12);
static_assert(VMBUS_GPADL_HEADER_MAX_PFNS == 26);
static_assert(VMBUS_GPADL_BODY_MAX_PFNS == 28);

static_assert(sizeof(struct hv_monitor_trigger_group) == 8);
static_assert(sizeof(struct hv_monitor_parameter) == 8);
static_assert(sizeof(struct hv_monitor_page) == 4096);
static_assert(offsetof(struct hv_monitor_page, trigger_group) == 8);
static_assert(offsetof(struct hv_monitor_page, next_check_time) == 64);
static_assert(offsetof(struct hv_monitor_page, latency) == 576);
static_assert(offsetof(struct hv_monitor_page, parameter) == 1088);

static_assert(sizeof(struct hv_ring_buffer) == HV_RING_HEADER_SIZE);
static_assert(offsetof(struct hv_ring_buffer, pending_send_sz) == 12);
static_assert(offsetof(struct hv_ring_buffer, feature_bits) == 64);
static_assert(sizeof(struct vmpacket_descriptor) == 16);
static_assert(offsetof(struct vmpacket_descriptor, trans_id) == 8);
static_assert(sizeof(struct hv_page_buffer) == 16);
static_assert(sizeof(struct vmbus_packet_page_buffer) == 24);
static_assert(sizeof(struct hvg_echo_ctrl) == 8);

#endif /* _HVGUEST_VMBUS_PROTO_H */
