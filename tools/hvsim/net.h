/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvsim's network host (new_device "net"): one simulated synthetic NIC,
 * backed by a host-side netdev hvsim<N>.  Interfaces between net*.c.
 *
 * Locking: NVSP/RNDIS processing runs in the channel's service with
 * hvsim.lock held.  The host netdev's transmit path only queues frames on
 * @rxq and kicks the channel work; @lock protects @chan and @rxq against
 * it.  Netdev callbacks never take hvsim.lock (create/destroy hold it
 * while taking RTNL).
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
#define HVSIM_NET_LSO_MAX	65536	/* largest large-send frame */
#define HVSIM_NET_BUDGET	64
#define HVSIM_NET_CTRL_SLOTS	4	/* receive slots kept for RNDIS replies */

struct hvsim_net_stats {
	u64 from_guest;		/* frames the guest sent, given to the host netdev */
	u64 to_guest;		/* frames delivered into the receive buffer */
	u64 rx_dropped;		/* host frames dropped: no channel, queue full */
	u64 bad_msgs;		/* malformed NVSP/RNDIS from the guest */
	u64 ctrl_msgs;		/* RNDIS control messages handled */
};

struct hvsim_net {
	struct hvsim_dev *dev;
	struct net_device *ndev;	/* host side: hvsim<id> */

	spinlock_t lock;		/* chan, rxq, rx_dropped */
	struct hvsim_chan *chan;	/* the open primary channel */
	struct sk_buff_head rxq;

	/* Configuration from new_device */
	u32 max_nvsp;
	u32 mtu;			/* largest MTU offered to the guest */
	u8 mac[ETH_ALEN];		/* the guest NIC's address */
	bool offload;			/* advertise checksum and LSO offload */

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
	bool lso4, lso6;

	/* Fault knobs: how many of the next messages to spoil */
	u32 fault_bad_rndis;
	u32 fault_bad_offset;
	u32 fault_bad_slot;

	struct hvsim_net_stats st;
};

/* What the guest's per-packet info asks the host to do with a frame */
struct hvsim_net_meta {
	u16 csum_start;		/* transport header offset, if csum_off */
	u16 csum_off;		/* 0: no checksum to fill in */
	u16 gso_size;		/* 0: not a large send */
	bool ipv6;
};

/* net_dev.c: the host-side netdev */
int hvsim_net_dev_create(struct hvsim_net *n);
void hvsim_net_dev_destroy(struct hvsim_net *n);
void hvsim_net_dev_rx(struct hvsim_net *n, const u8 *frame, u32 len,
		      const struct hvsim_net_meta *meta);
void hvsim_net_dev_carrier(struct hvsim_net *n);

/* net_nvsp.c: NVSP messages and the receive buffer */
int hvsim_net_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
		     bool *signal);
int hvsim_net_deliver(struct hvsim_net *n, struct hvsim_chan *chan,
		      const void *hdr, u32 hlen, const void *data, u32 dlen,
		      bool *signal);
void hvsim_net_reset(struct hvsim_net *n);

/* net_rndis.c: RNDIS messages from the guest */
u32 hvsim_net_rndis(struct hvsim_net *n, struct hvsim_chan *chan,
		    u32 chan_type, const u8 *msg, u32 len, bool *signal);
int hvsim_net_indicate(struct hvsim_net *n, struct hvsim_chan *chan,
		       bool *signal);

#endif /* _HVSIM_NET_H */
