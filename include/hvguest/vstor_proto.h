/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VSTOR: the storage protocol spoken on Hyper-V's synthetic SCSI (and
 * IDE-accelerator) channels.  Shared by hv_storvsc and hvsim's scsi
 * service.  All fields are little-endian on the wire (x86 only).
 */
#ifndef _HVGUEST_VSTOR_PROTO_H
#define _HVGUEST_VSTOR_PROTO_H

#include <linux/types.h>
#include <linux/uuid.h>

/* ba6163d9-04a1-4d29-b605-72e2ffb1dc7f */
#define VSTOR_SCSI_CLASS_GUID						\
	GUID_INIT(0xba6163d9, 0x04a1, 0x4d29, 0xb6, 0x05, 0x72, 0xe2,	\
		  0xff, 0xb1, 0xdc, 0x7f)
/* 32412632-86cb-44a2-9b5c-50d1417354f5 */
#define VSTOR_IDE_CLASS_GUID						\
	GUID_INIT(0x32412632, 0x86cb, 0x44a2, 0x9b, 0x5c, 0x50, 0xd1,	\
		  0x41, 0x73, 0x54, 0xf5)

#define VSTOR_VERSION(major, minor)	((((major) & 0xff) << 8) | ((minor) & 0xff))
#define VSTOR_VERSION_WIN6	VSTOR_VERSION(2, 0)
#define VSTOR_VERSION_WIN7	VSTOR_VERSION(4, 2)
#define VSTOR_VERSION_WIN8	VSTOR_VERSION(5, 1)
#define VSTOR_VERSION_WIN8_1	VSTOR_VERSION(6, 0)
#define VSTOR_VERSION_WIN10	VSTOR_VERSION(6, 2)

enum vstor_operation {
	VSTOR_OP_COMPLETE_IO		= 1,
	VSTOR_OP_REMOVE_DEVICE		= 2,
	VSTOR_OP_EXECUTE_SRB		= 3,
	VSTOR_OP_RESET_LUN		= 4,
	VSTOR_OP_RESET_ADAPTER		= 5,
	VSTOR_OP_RESET_BUS		= 6,
	VSTOR_OP_BEGIN_INITIALIZATION	= 7,
	VSTOR_OP_END_INITIALIZATION	= 8,
	VSTOR_OP_QUERY_PROTOCOL_VERSION	= 9,
	VSTOR_OP_QUERY_PROPERTIES	= 10,
	VSTOR_OP_ENUMERATE_BUS		= 11,
	VSTOR_OP_FCHBA_DATA		= 12,
	VSTOR_OP_CREATE_SUB_CHANNELS	= 13,
};

#define VSTOR_FLAG_REQUEST_COMPLETION	0x1

/* SRB flags */
#define VSTOR_SRB_FLAGS_QUEUE_ACTION_ENABLE	0x00000002
#define VSTOR_SRB_FLAGS_DISABLE_SYNCH_TRANSFER	0x00000008
#define VSTOR_SRB_FLAGS_DATA_IN			0x00000040
#define VSTOR_SRB_FLAGS_DATA_OUT		0x00000080
#define VSTOR_SRB_FLAGS_NO_DATA_TRANSFER	0x00000000

#define VSTOR_SRB_UNTAGGED		0xff
#define VSTOR_SRB_SIMPLE_TAG		0x20

/* vmscsi_request.data_in */
#define VSTOR_DATA_WRITE	0
#define VSTOR_DATA_READ		1
#define VSTOR_DATA_NONE		2

/* SRB status: low six bits, plus two flag bits */
#define VSTOR_SRB_SUCCESS		0x01
#define VSTOR_SRB_ABORTED		0x02
#define VSTOR_SRB_ERROR			0x04
#define VSTOR_SRB_BUSY			0x05
#define VSTOR_SRB_INVALID_REQUEST	0x06
#define VSTOR_SRB_SELECTION_TIMEOUT	0x0a
#define VSTOR_SRB_BUS_RESET		0x0e
#define VSTOR_SRB_DATA_OVERRUN		0x12
#define VSTOR_SRB_INVALID_LUN		0x20
#define VSTOR_SRB_QUEUE_FROZEN		0x40
#define VSTOR_SRB_AUTOSENSE_VALID	0x80
#define VSTOR_SRB_STATUS(s)		((s) & 0x3f)

#define VSTOR_CDB_MAX		16
#define VSTOR_SENSE_MAX		20

/* The SCSI request block; the fields from @reserve on exist since WIN8. */
struct vmscsi_request {
	u16 length;
	u8 srb_status;
	u8 scsi_status;
	u8 port_number;
	u8 path_id;
	u8 target_id;
	u8 lun;
	u8 cdb_length;
	u8 sense_info_length;
	u8 data_in;
	u8 reserved;
	u32 data_transfer_length;
	union {
		u8 cdb[VSTOR_CDB_MAX];
		u8 sense_data[VSTOR_SENSE_MAX];
	};
	u16 reserve;
	u8 queue_tag;
	u8 queue_action;
	u32 srb_flags;
	u32 time_out_value;
	u32 queue_sort_key;
} __packed;

/* How much shorter the request block is before WIN8 */
#define VSTOR_WIN8_EXTENSION	16

#define VSTOR_PROP_MULTI_CHANNEL	0x1

struct vstor_channel_properties {
	u32 reserved;
	u16 max_channel_cnt;
	u16 reserved1;
	u32 flags;
	u32 max_transfer_bytes;
	u64 reserved2;
} __packed;

struct vstor_protocol_version {
	u16 major_minor;
	u16 revision;
} __packed;

#define VSTOR_PAYLOAD_BYTES	0x34

struct vstor_packet {
	u32 operation;		/* enum vstor_operation */
	u32 flags;
	u32 status;		/* 0: success */
	union {
		struct vmscsi_request srb;
		struct vstor_channel_properties props;
		struct vstor_protocol_version version;
		u16 sub_channel_count;
		u8 buffer[VSTOR_PAYLOAD_BYTES];
	};
} __packed;

#define VSTOR_HDR_BYTES		offsetof(struct vstor_packet, buffer)

/*
 * The wire layout, as Linux's drivers/scsi/storvsc_drv.c (struct
 * vmscsi_request, vstor_packet, vmstorage_channel_properties,
 * vmstorage_protocol_version) and OpenVMM's storvsp_protocol (ScsiRequest:
 * SCSI_REQUEST_LEN_V1 0x24, SCSI_REQUEST_LEN_V2 0x34; Packet;
 * ChannelProperties; ProtocolVersion) have it.
 */
static_assert(offsetof(struct vmscsi_request, length) == 0);
static_assert(offsetof(struct vmscsi_request, srb_status) == 2);
static_assert(offsetof(struct vmscsi_request, scsi_status) == 3);
static_assert(offsetof(struct vmscsi_request, port_number) == 4);
static_assert(offsetof(struct vmscsi_request, path_id) == 5);
static_assert(offsetof(struct vmscsi_request, target_id) == 6);
static_assert(offsetof(struct vmscsi_request, lun) == 7);
static_assert(offsetof(struct vmscsi_request, cdb_length) == 8);
static_assert(offsetof(struct vmscsi_request, sense_info_length) == 9);
static_assert(offsetof(struct vmscsi_request, data_in) == 10);
static_assert(offsetof(struct vmscsi_request, reserved) == 11);
static_assert(offsetof(struct vmscsi_request, data_transfer_length) == 12);
static_assert(offsetof(struct vmscsi_request, cdb) == 16);
static_assert(offsetof(struct vmscsi_request, sense_data) == 16);
static_assert(offsetof(struct vmscsi_request, reserve) == 0x24);
static_assert(offsetof(struct vmscsi_request, queue_tag) == 0x26);
static_assert(offsetof(struct vmscsi_request, queue_action) == 0x27);
static_assert(offsetof(struct vmscsi_request, srb_flags) == 0x28);
static_assert(offsetof(struct vmscsi_request, time_out_value) == 0x2c);
static_assert(offsetof(struct vmscsi_request, queue_sort_key) == 0x30);
static_assert(sizeof(struct vmscsi_request) == 0x34);
static_assert(sizeof(struct vmscsi_request) - VSTOR_WIN8_EXTENSION == 0x24);
static_assert(sizeof(struct vmscsi_request) == VSTOR_PAYLOAD_BYTES);

static_assert(offsetof(struct vstor_channel_properties, max_channel_cnt) == 4);
static_assert(offsetof(struct vstor_channel_properties, flags) == 8);
static_assert(offsetof(struct vstor_channel_properties, max_transfer_bytes) == 12);
static_assert(sizeof(struct vstor_channel_properties) == 24);

static_assert(offsetof(struct vstor_protocol_version, revision) == 2);
static_assert(sizeof(struct vstor_protocol_version) == 4);

static_assert(offsetof(struct vstor_packet, operation) == 0);
static_assert(offsetof(struct vstor_packet, flags) == 4);
static_assert(offsetof(struct vstor_packet, status) == 8);
static_assert(offsetof(struct vstor_packet, srb) == 12);
static_assert(offsetof(struct vstor_packet, sub_channel_count) == 12);
static_assert(VSTOR_HDR_BYTES == 12);
static_assert(sizeof(struct vstor_packet) == 64);

#endif /* _HVGUEST_VSTOR_PROTO_H */
