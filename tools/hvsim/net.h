/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's network host (new_device "net"): one simulated synthetic NIC,
 * backed by a host-side netdev hvsim<N>, with up to HVSIM_NET_MAX_QUEUES
 * channels (the primary and subchannels) sharing one receive and one send
 * buffer.  Interfaces between net*.c.
 *
 * Locking: NVSP/RNDIS processing runs in the channel's service with
 * hvsim.lock held.  The host netdev's transmit path only picks a queue by
 * the guest's RSS table, queues the frame on its @rxq and kicks the
 * channel's work; @lock protects the queues' channels, their rxqs and the
 * RSS state against it.  Netdev callbacks never take hvsim.lock
 * (create/destroy hold it while taking RTNL).
 */
#ifndef _HVSIM_NET_H
#define _HVSIM_NET_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#include "hvsim.h"
#include <hvguest/netvsc_proto.h>

#define HVSIM_NET_RXQ_MAX	1024	/* host frames waiting for the guest */
#define HVSIM_NET_SEND_SECTION	6144	/* send-buffer section size */
#define HVSIM_NET_MAX_MTU	9000
#define HVSIM_NET_LSO_MAX	65536	/* largest large send any host takes */
#define HVSIM_NET_SKB_HEAD	256	/* frame bytes at least in skb->data */
#define HVSIM_NET_POOL_PAGES	1024	/* pages the NIC's pool keeps */
#define HVSIM_NET_BUDGET	64
#define HVSIM_NET_CTRL_SLOTS	4	/* receive slots kept for RNDIS replies */
#define HVSIM_NET_MAX_QUEUES	(HVSIM_MAX_SUBCHANNELS + 1)
#define HVSIM_NET_DEF_QUEUES	8
#define HVSIM_NET_ITAB		128	/* RSS indirection table entries offered */
#define HVSIM_NET_RX_PPIS	4	/* checksum, VLAN, hash, RSC fragment */
#define HVSIM_NET_RX_HDR	(RNDIS_PKT_HDR_LEN + HVSIM_NET_RX_PPIS * RNDIS_PPI_LEN)
#define HVSIM_NET_BATCH		16	/* frames per transfer-page packet */
/* OpenVMM lib.rs VF_ASSOCIATION_TRANSACTION_ID, SWITCH_DATA_PATH_TRANSACTION_ID */
#define HVSIM_NET_VF_ASSOC_ID	0x8000000000000000ULL
#define HVSIM_NET_VF_SWITCH_ID	0x8000000000000001ULL

struct hvsim_net_stats {
	u64 from_guest;		/* frames the guest sent, given to the host netdev */
	u64 to_guest;		/* frames delivered into the receive buffer */
	u64 rsc_frames;		/* of those, coalesced TCP frames (RSC) */
	u64 segmented;		/* GSO frames segmented for the guest */
	u64 rx_dropped;		/* host frames dropped: no channel, queue full */
	u64 bad_msgs;		/* malformed NVSP/RNDIS from the guest */
	u64 ctrl_msgs;		/* RNDIS control messages handled */
	u64 csum_marked;	/* frames delivered with checksum verified */
	u64 csum_unset;		/* of those, RSC frames whose checksum was never computed */
	u64 vlan_rx, vlan_tx;	/* frames with a VLAN tag, each way */
	u64 lso_frames;		/* large sends from the guest */
	u64 params_refused;	/* OID_TCP_OFFLOAD_PARAMETERS objects refused */
	u64 itab_sent;		/* send indirection tables sent */
	u64 vf_switches;	/* the guest's data path switches */
	u64 vf_host_switches;	/* the host's switches back to synthetic */
	u64 vf_assocs;		/* VF (dis)associations sent */
	u64 q_to_guest[HVSIM_NET_MAX_QUEUES];
};

/*
 * What one real host's network service offers and does (net.c,
 * hvsim_net_pers_tab[], each fact with its source).
 */
struct hvsim_net_pers {
	u32 max_nvsp;		/* newest NVSP version it grants */
	u32 lso_max;		/* LSOv2 maximum offload size, bytes */
	u32 lso_minsg;		/* LSOv2 minimum segment count */
	u32 queues;		/* channels offered (RSS receive queues) */
	bool rsc;		/* offers receive segment coalescing (NVSP 6.1) */
	bool caps_rev3;		/* offload capabilities always revision 3 */
	bool itab_bad_offset;	/* send table's offset field wrong */
};

/* One RNDIS message for the guest's receive buffer: header, then data */
struct hvsim_net_msg {
	const void *hdr;
	u32 hlen;
	const struct sk_buff *skb;	/* the data: dlen bytes from off, or NULL */
	u32 off;
	u32 dlen;
};

/* One channel's share of the NIC */
struct hvsim_net_queue {
	struct hvsim_chan *chan;	/* NULL: not open */
	struct sk_buff_head rxq;	/* host frames for this channel */
	bool starved;			/* rxq waits for receive slots (hvsim.lock) */
	/* drain's scratch: a batch being delivered (hvsim.lock) */
	struct sk_buff *batch[HVSIM_NET_BATCH];
	struct hvsim_net_msg msgs[HVSIM_NET_BATCH];
	u8 hdrs[HVSIM_NET_BATCH][HVSIM_NET_RX_HDR];
};

struct hvsim_net {
	struct hvsim_dev *dev;
	const struct hvsim_net_pers *pers;	/* the host it plays */
	struct net_device *ndev;	/* host side: hvsim<id> */
	struct page_pool *pool;		/* pages of large guest frames (hvsim.lock) */

	spinlock_t lock;		/* q[].chan, rss_*, rx_dropped (rxq: its own) */
	struct hvsim_net_queue q[HVSIM_NET_MAX_QUEUES];
	u32 primary_relid;		/* owner of the buffers' GPADLs */

	/* Configuration from new_device */
	u32 max_nvsp;
	u32 mtu;			/* largest MTU offered to the guest */
	u32 queues;			/* channels offered, with the primary */
	u8 perm_mac[ETH_ALEN];		/* the guest NIC's permanent address */
	u8 mac[ETH_ALEN];		/* its current address */
	bool offload;			/* advertise checksum and LSO offload */
	bool mac_change;		/* let the guest set its address */
	bool stale_subs;		/* subchannels of an earlier session */

	/* Negotiated with the guest (hvsim.lock) */
	u32 nvsp;
	u32 ndis_ver;
	u32 recv_handle, recv_size;
	u32 send_handle, send_size;
	u32 slot_size, nslots, slots_used;
	unsigned long *slot_busy;
	bool rndis_up;
	u32 filter;
	bool link;
	bool link_changed;		/* indication pending */
	u32 tx_csum;			/* NDIS_CSUM_TX_{TCP,UDP} << (0|8 for v6) */
	u32 rx_csum;			/* the same bits, receive side */
	bool lso4, lso6;
	bool rsc_cap;			/* the guest's NDIS config takes RSC */
	bool rsc4, rsc6;		/* coalesce TCP frames for the guest */
	u32 subs;			/* subchannels allocated */
	u32 subs_open;			/* of those, open */
	bool itab_pending;		/* send table to send (all subchannels open) */
	u8 *slot_queue;			/* the queue each busy slot went to */
	u32 *slot_next;			/* next slot of the same packet, or U32_MAX */
	unsigned long *slot_head;	/* first slot of a packet: its trans_id */
	bool rss;			/* indirection table and key set */
	u32 rss_hash_info;
	u32 rss_itab_n;
	u8 rss_key[NDIS_RSS_KEY_LEN];
	u8 rss_itab[HVSIM_NET_ITAB];

	/*
	 * Accelerated networking (net_vf.c).  vf_dev changes under vf_mutex
	 * without hvsim.lock (the guest's driver talks to us while the VF
	 * registers and goes); vf (RCU) is what the data paths use; the
	 * message state is under hvsim.lock.
	 */
	struct mutex vf_mutex;
	struct net_device *vf_dev;
	struct net_device __rcu *vf;
	bool vf_dead;			/* revoked: frames by it are lost */
	bool dp_vf;			/* the guest switched the data path to it */
	bool vf_assoc;			/* associated (the last word sent or due) */
	bool assoc_pending;		/* the (dis)association is to be sent */
	bool synth_pending;		/* the host's switch to synthetic is to be sent */
	bool sriov_cap;			/* the guest's NDIS config takes a VF */
	u32 vf_serial;
	u32 vf_adds;
	u32 fault_bad_assoc;		/* malformed VF messages to send */
	atomic64_t to_vf, from_vf, from_vf_bytes, vf_dropped;
	atomic64_t vf_xdp;		/* frames the VF's XDP program consumed */

	/* Fault knobs: how many of the next messages to spoil */
	u32 fault_bad_rndis;
	u32 fault_bad_rsc;		/* coalesced frames without a last fragment */
	u32 fault_bad_offset;
	u32 fault_bad_section;		/* receive range in a section never given */
	u32 fault_comp_storm;		/* completions with unknown/duplicate ids */
	u32 fault_bad_ppi;		/* per-packet info offsets that wrap */
	u32 fault_early_xfer;		/* a transfer-page packet before INIT's reply */
	u32 fault_ctrl_late;		/* NVSP type whose next completion is late */
	u32 fault_tx_reject;		/* data sends completed with NVSP_STAT_FAIL */
	u32 fault_rndis_reply;		/* stray RNDIS replies before real ones */
	u32 fault_sub_excess;		/* subchannel requests given 2 more offers */
	u32 fault_bad_pkt_off;		/* RNDIS packets with bad data/PPI offsets */
	u32 pkt_off_flip;		/* which offset the next one spoils */
	u32 fault_switch_comp;		/* next SWITCH_DATA_PATH completion: 1 late,
					 * 2 mistyped, 3 never (a setting)
					 */
	bool late_held;			/* a completion withheld (late_id, late_msg) */
	bool late_empty;		/* it has no payload (a switch's) */
	bool late_sent;			/* sent: the next request waits a little */
	unsigned long late_until;	/* jiffies: until then */
	u64 late_id;
	struct nvsp_msg late_msg;

	struct hvsim_net_stats st;
};

/* What the guest's per-packet info asks the host to do with a frame */
struct hvsim_net_meta {
	u16 csum_start;		/* transport header offset, if csum_off */
	u16 csum_off;		/* 0: no checksum to fill in */
	u16 gso_size;		/* 0: not a large send */
	bool ipv6;
	bool has_vlan;
	u16 vlan_tci;
};

/* What the host's stack left in a frame's control block for delivery */
struct hvsim_net_cb {
	u32 hash;
	bool hashed;
	bool csum_tcp, csum_udp;	/* checksum filled in here */
	bool rsc;			/* a coalesced frame, checksummed */
	bool bad_rsc;			/* fault: sent without its last fragment */
};

#define HVSIM_NET_CB(skb) ((struct hvsim_net_cb *)(skb)->cb)

/*
 * Where an RNDIS message from the guest is: a send-buffer section (mapped
 * through its GPADL) or the ranges of a GPA-direct packet.  Headers are
 * copied out before they are parsed; a frame is copied once, into its skb.
 */
struct hvsim_net_src {
	const u8 *va;
	const struct vmbus_packet_page_buffer *pb;	/* if !va */
	u32 len;
};

extern const struct hvsim_net_pers hvsim_net_pers_tab[HVSIM_NR_PERS];

/* net_dev.c: the host-side netdev */
int hvsim_net_dev_create(struct hvsim_net *n);
void hvsim_net_dev_destroy(struct hvsim_net *n);
void hvsim_net_dev_rx(struct hvsim_net *n, const struct hvsim_net_src *src,
		      u32 off, u32 len, const struct hvsim_net_meta *meta);
void hvsim_net_dev_carrier(struct hvsim_net *n);

/* net_nvsp.c: NVSP messages and the receive buffer */
int hvsim_net_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		     bool *signal);
int hvsim_net_deliver(struct hvsim_net *n, struct hvsim_chan *chan,
		      const struct hvsim_net_msg *msgs, u32 count, bool *signal);
u32 hvsim_net_free_slots_for_data(const struct hvsim_net *n);
void hvsim_net_reset(struct hvsim_net *n);
int hvsim_net_comp_storm(struct hvsim_net *n, struct hvsim_chan *chan,
			 bool *signal);
int hvsim_net_send_itab(struct hvsim_net *n, struct hvsim_chan *chan,
			bool *signal);

/* net_vf.c: accelerated networking */
bool hvsim_net_vf_rx(struct hvsim_net *n, struct sk_buff *skb);
int hvsim_net_vf_service(struct hvsim_net *n, struct hvsim_chan *chan,
			 bool *signal);
int hvsim_net_vf_switch(struct hvsim_net *n, struct hvsim_chan *chan,
			const struct nvsp_msg *m, u32 len);
void hvsim_net_vf_reset(struct hvsim_net *n);
void hvsim_net_vf_create(struct hvsim_net *n);
void hvsim_net_vf_destroy(struct hvsim_net *n);
void hvsim_net_vf_show(struct seq_file *s, struct hvsim_net *n);

/* net_rss.c: the guest's receive-side scaling */
u32 hvsim_net_rss_hash(const struct hvsim_net *n, struct sk_buff *skb,
		       bool *hashed);
u32 hvsim_net_rss_set(struct hvsim_net *n, const u8 *info, u32 len);
void hvsim_net_rss_caps(const struct hvsim_net *n, struct ndis_rss_caps *c);

/* net_rndis.c: RNDIS messages from the guest */
void hvsim_net_src_copy(const struct hvsim_net_src *src, u32 off, void *dst,
			u32 len);
u32 hvsim_net_rndis(struct hvsim_net *n, struct hvsim_chan *chan,
		    u32 chan_type, const struct hvsim_net_src *src, bool *signal);
int hvsim_net_indicate(struct hvsim_net *n, struct hvsim_chan *chan,
		       bool *signal);

#endif /* _HVSIM_NET_H */
