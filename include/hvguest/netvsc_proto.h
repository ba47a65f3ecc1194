/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Wire formats of the synthetic network device: NVSP (the VMBus-level
 * protocol of the network class) and the RNDIS messages it carries.
 * Shared by hv_netvsc and hvsim's network host.
 */
#ifndef _HVGUEST_NETVSC_PROTO_H
#define _HVGUEST_NETVSC_PROTO_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <hvguest/vmbus_proto.h>

/* f8615163-df3e-46c5-913f-f2d2f965ed0e */
#define HVG_NET_CLASS_GUID \
	GUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e)

/* ---- NVSP ------------------------------------------------------------------ */

#define NVSP_VERSION_1		0x00002
#define NVSP_VERSION_2		0x30002
#define NVSP_VERSION_4		0x40000
#define NVSP_VERSION_5		0x50000
#define NVSP_VERSION_6		0x60000
#define NVSP_VERSION_61		0x60001
#define NVSP_MSG_SIZE_V1	0x1c	/* OpenVMM protocol.rs PACKET_SIZE_V1 */
#define NVSP_MSG_SIZE_V61	0x28	/* PACKET_SIZE_V61: what NVSP 6.1 sends */

enum nvsp_msg_type {
	NVSP_MSG_INIT			= 1,
	NVSP_MSG_INIT_COMPLETE		= 2,
	NVSP_MSG1_SEND_NDIS_VER		= 100,
	NVSP_MSG1_SEND_RECV_BUF		= 101,
	NVSP_MSG1_SEND_RECV_BUF_COMPLETE = 102,
	NVSP_MSG1_REVOKE_RECV_BUF	= 103,
	NVSP_MSG1_SEND_SEND_BUF		= 104,
	NVSP_MSG1_SEND_SEND_BUF_COMPLETE = 105,
	NVSP_MSG1_REVOKE_SEND_BUF	= 106,
	NVSP_MSG1_SEND_RNDIS_PKT	= 107,
	NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE = 108,
	NVSP_MSG2_SEND_NDIS_CONFIG	= 125,
	NVSP_MSG4_SEND_VF_ASSOCIATION	= 128,	/* NVSP >= 4, host to guest */
	NVSP_MSG4_SWITCH_DATA_PATH	= 129,	/* NVSP >= 4, either way */
	NVSP_MSG5_SUBCHANNEL		= 133,	/* NVSP >= 5 */
	NVSP_MSG5_SEND_INDIRECTION_TABLE = 134,
};

enum nvsp_status {
	NVSP_STAT_NONE,
	NVSP_STAT_SUCCESS,
	NVSP_STAT_FAIL,
	NVSP_STAT_PROTOCOL_TOO_NEW,
	NVSP_STAT_PROTOCOL_TOO_OLD,
	NVSP_STAT_INVALID_RNDIS_PKT,
	NVSP_STAT_BUSY,
};

#define NVSP_RECV_BUF_ID	0xcafe
#define NVSP_SEND_BUF_ID	0
#define NVSP_NO_SECTION		0xffffffff
#define NVSP_CHANNEL_DATA	0
#define NVSP_CHANNEL_CONTROL	1
#define NVSP_SUBCHANNEL_ALLOCATE 1

struct nvsp_init {
	u32 min_version;
	u32 max_version;
} __packed;

struct nvsp_init_complete {
	u32 version;
	u32 max_mdl_chain_len;
	u32 status;
} __packed;

struct nvsp_ndis_version {
	u32 major;
	u32 minor;
} __packed;

/* SEND_RECV_BUF and SEND_SEND_BUF */
struct nvsp_send_buf {
	u32 gpadl_handle;
	u16 id;
} __packed;

struct nvsp_recv_section {
	u32 offset;
	u32 sub_alloc_size;
	u32 num_sub_allocs;
	u32 end_offset;
} __packed;

struct nvsp_recv_buf_complete {
	u32 status;
	u32 num_sections;
	struct nvsp_recv_section section;	/* the first of num_sections */
} __packed;

struct nvsp_send_buf_complete {
	u32 status;
	u32 section_size;
} __packed;

struct nvsp_revoke_buf {
	u16 id;
} __packed;

struct nvsp_rndis_pkt {
	u32 channel_type;
	u32 section_index;
	u32 section_size;
} __packed;

struct nvsp_rndis_pkt_complete {
	u32 status;
} __packed;

struct nvsp_ndis_config {
	u32 mtu;
	u32 reserved;
	u64 capability;
} __packed;

#define NVSP_NDIS_CAP_SRIOV	BIT_ULL(2)	/* the guest takes a VF (NVSP >= 5) */
#define NVSP_NDIS_CAP_RSC	BIT_ULL(7)	/* NVSP 6.1: coalesced receives */

/*
 * NVSP 4, host to guest: a VF of the NIC is (@allocated 1) or is no longer
 * (0) assigned to the guest; @serial is the vPCI slot serial of its device
 * (Linux hyperv_net.h struct nvsp_4_send_vf_association).
 */
struct nvsp_vf_assoc {
	u32 allocated;
	u32 serial;
} __packed;

#define NVSP_DATAPATH_SYNTHETIC	0
#define NVSP_DATAPATH_VF	1

/* NVSP 4: which path the host's traffic for the guest takes */
struct nvsp_switch_dp {
	u32 active;		/* NVSP_DATAPATH_* */
} __packed;

struct nvsp_subchannel_req {
	u32 op;
	u32 num_subchannels;
} __packed;

struct nvsp_subchannel_complete {
	u32 status;
	u32 num_subchannels;	/* allocated */
} __packed;

/*
 * NVSP 5, host to guest, in-band without completion: which channel the
 * guest should send each hash bucket's traffic on.  @offset counts from
 * the start of the NVSP message (its type field).
 */
struct nvsp_send_itab {
	u32 count;		/* NVSP_SEND_ITAB_SIZE */
	u32 offset;
} __packed;

#define NVSP_SEND_ITAB_SIZE	16	/* Linux VRSS_SEND_TAB_SIZE */

/* Every NVSP message: the type, then a body padded to a fixed size. */
struct nvsp_msg {
	u32 type;
	union {
		struct nvsp_init init;
		struct nvsp_init_complete init_complete;
		struct nvsp_ndis_version ndis_ver;
		struct nvsp_send_buf send_buf;
		struct nvsp_recv_buf_complete recv_buf_complete;
		struct nvsp_send_buf_complete send_buf_complete;
		struct nvsp_revoke_buf revoke;
		struct nvsp_rndis_pkt rndis;
		struct nvsp_rndis_pkt_complete rndis_complete;
		struct nvsp_ndis_config ndis_config;
		struct nvsp_subchannel_req subchan;
		struct nvsp_subchannel_complete subchan_complete;
		struct nvsp_send_itab send_itab;
		struct nvsp_vf_assoc vf_assoc;
		struct nvsp_switch_dp switch_dp;
		u8 pad[36];
	};
} __packed;

static_assert(sizeof(struct nvsp_msg) == NVSP_MSG_SIZE_V61);
/* Sizes and offsets as in Linux hyperv_net.h (struct nvsp_message). */
static_assert(sizeof(struct nvsp_init) == 8);
static_assert(sizeof(struct nvsp_init_complete) == 12);
static_assert(sizeof(struct nvsp_ndis_version) == 8);
static_assert(sizeof(struct nvsp_send_buf) == 6);
static_assert(sizeof(struct nvsp_recv_section) == 16);
static_assert(sizeof(struct nvsp_recv_buf_complete) == 24);
static_assert(sizeof(struct nvsp_send_buf_complete) == 8);
static_assert(sizeof(struct nvsp_revoke_buf) == 2);
static_assert(sizeof(struct nvsp_rndis_pkt) == 12);
static_assert(sizeof(struct nvsp_rndis_pkt_complete) == 4);
static_assert(sizeof(struct nvsp_ndis_config) == 16);
static_assert(sizeof(struct nvsp_subchannel_req) == 8);
static_assert(sizeof(struct nvsp_subchannel_complete) == 8);
static_assert(sizeof(struct nvsp_send_itab) == 8);
static_assert(sizeof(struct nvsp_vf_assoc) == 8);
static_assert(sizeof(struct nvsp_switch_dp) == 4);
static_assert(offsetof(struct nvsp_msg, init) == 4);
static_assert(offsetof(struct nvsp_ndis_config, capability) == 8);

/* ---- Transfer-page packets (host to guest receive) -------------------------- */

struct vmxfer_page_range {
	u32 byte_count;
	u32 byte_offset;
} __packed;

struct vmxfer_page_header {
	struct vmpacket_descriptor desc;
	u16 xfer_pageset_id;
	u8 sender_owns_set;
	u8 reserved;
	u32 range_cnt;
	/* range_cnt struct vmxfer_page_range follow */
} __packed;

static_assert(sizeof(struct vmxfer_page_range) == 8);
static_assert(sizeof(struct vmxfer_page_header) == 24);
static_assert(offsetof(struct vmxfer_page_header, range_cnt) == 20);

/* ---- RNDIS --------------------------------------------------------------- */

#define RNDIS_MSG_PACKET	0x00000001
#define RNDIS_MSG_INIT		0x00000002
#define RNDIS_MSG_HALT		0x00000003
#define RNDIS_MSG_QUERY		0x00000004
#define RNDIS_MSG_SET		0x00000005
#define RNDIS_MSG_RESET		0x00000006
#define RNDIS_MSG_INDICATE	0x00000007
#define RNDIS_MSG_KEEPALIVE	0x00000008
#define RNDIS_MSG_COMPLETION	0x80000000

#define RNDIS_STATUS_SUCCESS		0x00000000
#define RNDIS_STATUS_MEDIA_CONNECT	0x4001000b
#define RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000c
#define RNDIS_STATUS_NETWORK_CHANGE	0x40010018
#define RNDIS_STATUS_FAILURE		0xc0000001
#define RNDIS_STATUS_NOT_SUPPORTED	0xc00000bb
#define RNDIS_STATUS_INVALID_LENGTH	0xc0010014
#define RNDIS_STATUS_INVALID_DATA	0xc0010015

#define RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE	0x00010106
#define RNDIS_OID_GEN_LINK_SPEED		0x00010107
#define RNDIS_OID_GEN_CURRENT_PACKET_FILTER	0x0001010e
#define RNDIS_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114
#define RNDIS_OID_802_3_PERMANENT_ADDRESS	0x01010101
#define RNDIS_OID_802_3_CURRENT_ADDRESS		0x01010102
#define RNDIS_OID_OFFLOAD_HW_CAPS		0xfc01020d
#define RNDIS_OID_OFFLOAD_PARAMS		0xfc01020c
#define RNDIS_OID_GEN_CONFIG_PARAMETER		0x0001021b
#define RNDIS_OID_GEN_RSS_CAPS			0x00010203
#define RNDIS_OID_GEN_RSS_PARAMS		0x00010204

#define RNDIS_MEDIA_CONNECTED		0
#define RNDIS_MEDIA_DISCONNECTED	1

#define RNDIS_FILTER_DIRECTED		0x01
#define RNDIS_FILTER_MULTICAST		0x02
#define RNDIS_FILTER_ALL_MULTICAST	0x04
#define RNDIS_FILTER_BROADCAST		0x08
#define RNDIS_FILTER_PROMISCUOUS	0x20

struct rndis_hdr {
	u32 type;
	u32 len;	/* of the whole message, header included */
} __packed;

struct rndis_init_req {
	u32 req_id;
	u32 major;
	u32 minor;
	u32 max_xfer_size;
} __packed;

struct rndis_init_cmplt {
	u32 req_id;
	u32 status;
	u32 major;
	u32 minor;
	u32 dev_flags;
	u32 medium;
	u32 max_pkt_per_msg;
	u32 max_xfer_size;
	u32 pkt_alignment;
	u32 af_list_offset;
	u32 af_list_size;
} __packed;

/* QUERY and SET requests; the info buffer offset counts from req_id. */
struct rndis_oid_req {
	u32 req_id;
	u32 oid;
	u32 info_len;
	u32 info_offset;
	u32 vc_handle;
} __packed;

struct rndis_query_cmplt {
	u32 req_id;
	u32 status;
	u32 info_len;
	u32 info_offset;
} __packed;

/* SET, RESET and KEEPALIVE completions; HALT has only req_id. */
struct rndis_status_cmplt {
	u32 req_id;
	u32 status;
} __packed;

struct rndis_indicate {
	u32 status;
	u32 buf_len;
	u32 buf_offset;
} __packed;

/* OID_GEN_RNDIS_CONFIG_PARAMETER; offsets count from its start. */
struct rndis_config_param {
	u32 name_offset;
	u32 name_len;		/* bytes, UTF-16LE */
	u32 type;
	u32 value_offset;
	u32 value_len;
} __packed;

#define RNDIS_CONFIG_PARAM_STRING	2
#define RNDIS_NETWORK_ADDRESS		"NetworkAddress"	/* value: 12 hex digits */

/* Offsets count from data_offset's own field. */
struct rndis_packet {
	u32 data_offset;
	u32 data_len;
	u32 oob_offset;
	u32 oob_len;
	u32 num_oob;
	u32 ppi_offset;
	u32 ppi_len;
	u32 vc_handle;
	u32 reserved;
} __packed;

#define RNDIS_PKT_HDR_LEN	(sizeof(struct rndis_hdr) + sizeof(struct rndis_packet))

/* Per-packet info: this header, then the value at ppi_offset from it. */
struct rndis_ppi {
	u32 size;		/* header and value */
	u32 type;		/* bit 31: internal */
	u32 ppi_offset;
} __packed;

#define RNDIS_PPI_INTERNAL	BIT(31)
#define RNDIS_PPI_CSUM		0	/* TCP/IP checksum info */
#define RNDIS_PPI_LSO		2	/* TCP large send info */
#define RNDIS_PPI_VLAN		6	/* IEEE 802.1Q: priority 3, CFI 1, id 12 bits */
#define RNDIS_PPI_HASH		8	/* receive hash value */
#define RNDIS_PPI_PKTINFO_ID	(RNDIS_PPI_INTERNAL | 1)	/* fragments of an RSC frame */
#define RNDIS_PPI_LEN		(sizeof(struct rndis_ppi) + sizeof(u32))

/* RNDIS_PPI_PKTINFO_ID: one fragment of a frame the host coalesced (RSC) */
struct rndis_pktinfo_id {
	u8 ver;
	u8 flag;
	u16 pkt_id;
} __packed;

static_assert(sizeof(struct rndis_hdr) == 8);
static_assert(sizeof(struct rndis_init_req) == 16);
static_assert(sizeof(struct rndis_init_cmplt) == 44);
static_assert(sizeof(struct rndis_oid_req) == 20);
static_assert(sizeof(struct rndis_query_cmplt) == 16);
static_assert(sizeof(struct rndis_status_cmplt) == 8);
static_assert(sizeof(struct rndis_indicate) == 12);
static_assert(sizeof(struct rndis_config_param) == 20);
static_assert(sizeof(struct rndis_packet) == 36);
static_assert(RNDIS_PKT_HDR_LEN == 44);
static_assert(sizeof(struct rndis_ppi) == 12);
static_assert(sizeof(struct rndis_pktinfo_id) == 4);

#define RNDIS_PKTINFO_ID_V1	1
#define RNDIS_PKTINFO_SUBALLOC	BIT(0)
#define RNDIS_PKTINFO_1ST_FRAG	BIT(1)
#define RNDIS_PKTINFO_LAST_FRAG	BIT(2)

/* Checksum info, transmit */
#define NDIS_CSUM_TX_IPV4	BIT(0)
#define NDIS_CSUM_TX_IPV6	BIT(1)
#define NDIS_CSUM_TX_TCP	BIT(2)
#define NDIS_CSUM_TX_UDP	BIT(3)
#define NDIS_CSUM_TX_IP_HDR	BIT(4)
#define NDIS_CSUM_TX_THOFF_SHIFT 16	/* 10 bits: transport header offset */
/* Checksum info, receive */
#define NDIS_CSUM_RX_TCP_BAD	BIT(0)
#define NDIS_CSUM_RX_UDP_BAD	BIT(1)
#define NDIS_CSUM_RX_IP_BAD	BIT(2)
#define NDIS_CSUM_RX_TCP_OK	BIT(3)
#define NDIS_CSUM_RX_UDP_OK	BIT(4)
#define NDIS_CSUM_RX_IP_OK	BIT(5)
#define NDIS_CSUM_RX_TCP_VALUE_INVALID BIT(7)	/* RSC: valid, field not */
#define NDIS_CSUM_RX_IP_VALUE_INVALID BIT(8)

/* 802.1Q info */
#define NDIS_VLAN_ID_MASK	0xfff
#define NDIS_VLAN_ID_SHIFT	4
#define NDIS_VLAN_PRI_MASK	0x7

/* LSO v2 info, transmit: mss (20 bits), transport header offset (10). */
#define NDIS_LSO_MSS_MASK	0xfffff
#define NDIS_LSO_THOFF_SHIFT	20
#define NDIS_LSO_THOFF_MASK	0x3ff
#define NDIS_LSO_V2		BIT(30)
#define NDIS_LSO_IPV6		BIT(31)

/* ---- Offload negotiation (NDIS 6.0 layouts) ------------------------------- */

#define NDIS_OBJECT_TYPE_DEFAULT	0x80
#define NDIS_OBJECT_TYPE_OFFLOAD	0xa7

struct ndis_object_header {
	u8 type;
	u8 revision;
	u16 size;
} __packed;

static_assert(sizeof(struct ndis_object_header) == 4);

/* Checksum capability flags, 2 bits each (1: supported) */
#define NDIS_TXCSUM_IP4OPT	0x001
#define NDIS_TXCSUM_TCP4OPT	0x004
#define NDIS_TXCSUM_TCP4	0x010
#define NDIS_TXCSUM_UDP4	0x040
#define NDIS_TXCSUM_IP4		0x100
#define NDIS_TXCSUM_IP6EXT	0x001
#define NDIS_TXCSUM_TCP6OPT	0x004
#define NDIS_TXCSUM_TCP6	0x010
#define NDIS_TXCSUM_UDP6	0x040
#define NDIS_OFFLOAD_ENCAP_8023	0x0002
/* LSOv2 IPv6 options (lso_ip6_opts): extension headers, TCP options */
#define NDIS_LSOV2_IP6EXT	0x001
#define NDIS_LSOV2_TCP6OPT	0x004

/* OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, up to the NDIS 6.0 size */
struct ndis_offload_caps {
	struct ndis_object_header header;
	u32 ip4_txenc, ip4_txcsum, ip4_rxenc, ip4_rxcsum;
	u32 ip6_txenc, ip6_txcsum, ip6_rxenc, ip6_rxcsum;
	u32 lsov1[4];
	u32 ipsecv1[7];
	u32 lso_ip4_encap, lso_ip4_maxsz, lso_ip4_minsg;
	u32 lso_ip6_encap, lso_ip6_maxsz, lso_ip6_minsg, lso_ip6_opts;
	u32 flags;
	/* NDIS 6.1 */
	u8 ipsecv2[32];
	/* NDIS 6.30 (revision 3) */
	u8 rsc_ip4, rsc_ip6;
	u16 pad;
	u32 encap_gre_flags, encap_gre_maxhdr;
} __packed;

#define NDIS_OFFLOAD_CAPS_REV3		3
#define NDIS_OFFLOAD_CAPS_SIZE_6_0	offsetof(struct ndis_offload_caps, ipsecv2)
static_assert(NDIS_OFFLOAD_CAPS_SIZE_6_0 == 112);
static_assert(offsetof(struct ndis_offload_caps, rsc_ip4) == 144);
static_assert(sizeof(struct ndis_offload_caps) == 156);
static_assert(offsetof(struct ndis_offload_caps, lso_ip4_encap) == 80);
static_assert(offsetof(struct ndis_offload_caps, flags) == 108);

#define NDIS_OFFLOAD_NO_CHANGE		0
#define NDIS_OFFLOAD_CSUM_OFF		1
#define NDIS_OFFLOAD_CSUM_TX		2
#define NDIS_OFFLOAD_CSUM_RX		3
#define NDIS_OFFLOAD_CSUM_TXRX		4
#define NDIS_OFFLOAD_LSO_OFF		1
#define NDIS_OFFLOAD_LSO_ON		2
#define NDIS_OFFLOAD_RSC_OFF		1
#define NDIS_OFFLOAD_RSC_ON		2
#define NDIS_OFFLOAD_PARAMS_REV1	1
#define NDIS_OFFLOAD_PARAMS_REV2	2
#define NDIS_OFFLOAD_PARAMS_REV3	3	/* has the RSC fields */

/*
 * OID_TCP_OFFLOAD_PARAMETERS, revision 3 (NDIS 6.30), laid out as Linux's
 * struct ndis_offload_params (28 bytes with its tail padding).  A host
 * takes an object only as long as its revision's size (ntddndis.h
 * NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_x): through flags (1),
 * ipsecv2_ip4 (2), encap_types (3).
 */
struct ndis_offload_params {
	struct ndis_object_header header;
	u8 ip4_csum;
	u8 tcp4_csum;
	u8 udp4_csum;
	u8 tcp6_csum;
	u8 udp6_csum;
	u8 lsov1;
	u8 ipsecv1;
	u8 lsov2_ip4;
	u8 lsov2_ip6;
	u8 tcp_conn_ip4;
	u8 tcp_conn_ip6;
	u8 pad;
	u32 flags;
	u8 ipsecv2;
	u8 ipsecv2_ip4;
	u8 rsc_ip4;
	u8 rsc_ip6;
	u8 encap_offload;
	u8 encap_types;
	u16 pad2;
} __packed;

#define NDIS_OFFLOAD_PARAMS_SIZE_REV1	offsetof(struct ndis_offload_params, ipsecv2)
#define NDIS_OFFLOAD_PARAMS_SIZE_REV2	offsetof(struct ndis_offload_params, rsc_ip4)
#define NDIS_OFFLOAD_PARAMS_SIZE_REV3	offsetof(struct ndis_offload_params, pad2)
static_assert(NDIS_OFFLOAD_PARAMS_SIZE_REV1 == 20);	/* OpenVMM rndisprot.rs */
static_assert(NDIS_OFFLOAD_PARAMS_SIZE_REV2 == 22);	/* Linux VERSION_4_OFFLOAD_SIZE */
static_assert(NDIS_OFFLOAD_PARAMS_SIZE_REV3 == 26);
static_assert(offsetof(struct ndis_offload_params, flags) == 16);
static_assert(sizeof(struct ndis_offload_params) == 28);	/* Linux's sizeof */

/* ---- Receive-side scaling (NDIS 6.30 revision 2 layouts) ------------------ */

#define NDIS_OBJECT_TYPE_RSS_CAPS	0x88
#define NDIS_OBJECT_TYPE_RSS_PARAMS	0x89
#define NDIS_RSS_REVISION_2		2

struct ndis_rss_caps {
	struct ndis_object_header header;
	u32 cap_flags;
	u32 num_int_msg;
	u32 num_recv_queues;
	u16 num_itab_entries;
} __packed;

static_assert(sizeof(struct ndis_rss_caps) == 18);

#define NDIS_RSS_FLAG_DISABLE		0x0010
#define NDIS_HASH_FUNC_TOEPLITZ		0x00000001
#define NDIS_HASH_IPV4			0x00000100
#define NDIS_HASH_TCP_IPV4		0x00000200
#define NDIS_HASH_IPV6			0x00000400
#define NDIS_HASH_TCP_IPV6		0x00001000
#define NDIS_HASH_FUNC_MASK		0x000000ff
#define NDIS_RSS_KEY_LEN		40	/* Toeplitz secret key bytes */
#define NDIS_RSS_ITAB_MAX		128	/* indirection table entries */

/* Offsets count from the start of this structure. */
struct ndis_rss_params {
	struct ndis_object_header header;
	u16 flags;
	u16 base_cpu;
	u32 hash_info;
	u16 itab_size;		/* bytes: 4 per entry */
	u16 pad1;
	u32 itab_offset;
	u16 key_size;
	u16 pad2;
	u32 key_offset;
	u32 cpu_masks_offset;
	u32 num_cpu_masks;
	u32 cpu_masks_entry_size;
} __packed;

static_assert(sizeof(struct ndis_rss_params) == 40);
static_assert(offsetof(struct ndis_rss_params, itab_offset) == 16);
static_assert(offsetof(struct ndis_rss_params, key_offset) == 24);

#endif /* _HVGUEST_NETVSC_PROTO_H */
