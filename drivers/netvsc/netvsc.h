/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_netvsc: the synthetic network driver.  Interfaces between its files.
 *
 * One NAPI context per channel: the primary channel carries the control
 * requests, every channel carries data (transmit queue N on channel N,
 * the host spreads receives by the RSS indirection table).  NAPI is
 * enabled while its channel is open; the netdev's open/stop only set the
 * RNDIS packet filter.  Transmit takes a send-buffer section (small
 * frames) or hands the host the skb's pages (large ones).  Changing the
 * channel count or buffer sizes detaches the device, closes every
 * channel and negotiates again (under RTNL).
 */
#ifndef _NETVSC_H
#define _NETVSC_H

#include <linux/completion.h>
#include <linux/if_vlan.h>
#include <linux/sizes.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/filter.h>
#include <net/xdp.h>
#include <hvguest/compat.h>
#include <hvguest/vmbus.h>

#include <hvguest/netvsc_proto.h>

#include "parse.h"

#define NETVSC_RING_BYTES	(128 * 1024)
#define NETVSC_CTRL_TIMEOUT	(10 * HZ)
#define NETVSC_MAX_PAGES	32	/* ranges in one GPA-direct packet */
#define NETVSC_SUBCHAN_TIMEOUT	(10 * HZ)
#define NETVSC_RSC_MAX_LEN	(SZ_64K + VLAN_ETH_HLEN)	/* a coalesced frame */
#define NETVSC_RX_LINEAR_MAX	2048	/* larger frames go into pool pages */
#define NETVSC_RX_HEAD		256	/* of those, bytes copied to skb->data */
#define NETVSC_RX_POOL_PAGES	1024	/* pages a channel's pool keeps */
#define NETVSC_GSO_MAX		SZ_64K	/* largest TSO frame the stack builds */
#define NETVSC_LSO_MIN		SZ_16K	/* smaller host LSO maximum: no TSO */
#define NETVSC_LSO_MAX_MINSG	16	/* larger minimum segment count: no TSO */
/* Checksum and LSO capabilities the offloads need (as Linux's netvsc) */
#define NETVSC_TXCSUM4	(NDIS_TXCSUM_TCP4 | NDIS_TXCSUM_TCP4OPT | NDIS_TXCSUM_UDP4)
#define NETVSC_TXCSUM6	(NDIS_TXCSUM_TCP6 | NDIS_TXCSUM_TCP6OPT | NDIS_TXCSUM_IP6EXT | \
			 NDIS_TXCSUM_UDP6)
#define NETVSC_LSOV2_IP6 (NDIS_LSOV2_IP6EXT | NDIS_LSOV2_TCP6OPT)

/* Completion cookies: an skb pointer (8-aligned) or a tagged value. */
#define NETVSC_CK_SECTION	1
#define NETVSC_CK_CTRL		2
#define NETVSC_CK_TAG_MASK	3
#define NETVSC_CK(tag, val)	(((u64)(val) << 2) | (tag))

extern unsigned int netvsc_recv_buf_size;
extern unsigned int netvsc_send_buf_size;
extern bool netvsc_tso;
extern bool netvsc_csum;
extern bool netvsc_rx_csum;
extern bool netvsc_lro;
extern unsigned int netvsc_channels;
extern bool netvsc_vf_enable;

/* ethtool -G units: pages of the receive and send buffers */
#define NETVSC_RECV_MIN		SZ_256K
#define NETVSC_RECV_MAX		(31 * SZ_1M)
#define NETVSC_SEND_MIN		SZ_64K
#define NETVSC_SEND_MAX		(15 * SZ_1M)

#define NETVSC_OFFLOADS	(NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | NETIF_F_TSO | \
			 NETIF_F_TSO6)

struct netvsc_stats {
	u64 packets;
	u64 bytes;
	u64 csum_ok;		/* receive: host verified the checksum */
	u64 rsc;		/* receive: frames the host coalesced */
	u64 xdp_drop;		/* receive: XDP dropped (or could not act) */
	u64 xdp_redirect;	/* receive: XDP redirected */
	u64 xdp_tx;		/* receive: XDP sent back */
	u64 xdp_xmit;		/* transmit: frames redirected to us */
	struct u64_stats_sync syncp;
};

struct netvsc_dev;

/* One channel: its NAPI context, receive state and transmit queue. */
/* One fragment of a coalesced frame, in the receive buffer. */
struct netvsc_frag {
	const u8 *data;
	u32 len;
};

struct netvsc_chan {
	struct netvsc_dev *nd;
	struct hvg_channel *chan;	/* NULL: not open */
	struct napi_struct napi;
	u16 idx;

	/* Receive: packet buffer and completions not yet sent (NAPI) */
	u8 *pkt;
	u32 pkt_len;
	u64 *pend;
	u32 pend_size, pend_head, pend_count;
	/* A coalesced frame being gathered from one transfer-page packet */
	struct netvsc_frag *frags;
	u32 nfrags, frags_len;
	struct netvsc_rx_info frags_ri;
	struct page_pool *pool;		/* pages of large frames, recycled */
	struct xdp_rxq_info xdp_rxq;	/* registered while open */
	bool xdp_flush;			/* NAPI: a frame was redirected */

	atomic_t tx_inflight;
	bool tx_done;			/* NAPI: a send completed this poll */
	struct netvsc_stats rx_stats;	/* NAPI only */
	struct netvsc_stats tx_stats;	/* this queue's xmit only */
};

struct netvsc_dev {
	struct hvg_device *hdev;
	struct hvg_channel *chan;	/* the primary */
	struct net_device *ndev;
	u32 nvsp;
	u32 max_mtu;
	u8 mac[ETH_ALEN];
	netdev_features_t offloads;	/* what the host offers and we may use */
	bool rx_csum;			/* host offers receive checksum offload */
	bool rsc;			/* host coalesces receives on request (LRO) */
	u32 lso_max;			/* largest large send the host takes */
	u32 lso_minsg;			/* fewest segments of a large send */

	/* Channels: chans[0] is the primary */
	struct netvsc_chan chans[NETVSC_MAX_CHANNELS];
	u32 nchans;			/* open, in use by the queues */
	u32 want_chans;			/* ethtool -L, module parameter */
	u32 max_chans;			/* what the host offers */
	u32 subs_asked;			/* subchannels the host allocated */
	atomic_t subs_open;
	wait_queue_head_t subs_wait;
	struct work_struct subchan_work;	/* finish the probe's channels */
	struct work_struct reset_work;	/* a channel failed: negotiate again */
	bool subchan_pending;		/* subchan_work still to finish (RTNL) */
	bool removing;
	bool detached;			/* channels closed */

	/* RSS */
	u32 rss_itab_size;
	u8 rss_key[NDIS_RSS_KEY_LEN];
	u32 rss_itab[NDIS_RSS_ITAB_MAX];	/* channel of each hash bucket */

	/* Control requests: one at a time */
	struct mutex ctrl_lock;
	struct mutex chan_lock;		/* opening and closing subchannels */
	struct completion ctrl_done;	/* NVSP completion of the request */
	struct nvsp_msg ctrl_reply;
	u64 ctrl_seq;			/* the latest request's number */
	u32 ctrl_expect;		/* the completion type it is answered with */
	bool ctrl_wait;			/* its completion is still awaited */
	int ctrl_err;			/* -EPROTO: completed with another type */
	struct completion rndis_done;	/* RNDIS reply of the request */
	spinlock_t rndis_lock;		/* ctrl_seq..ctrl_wait, rndis_req_id, rndis_reply* */
	u32 rndis_req_id;		/* 0: no reply awaited */
	u32 rndis_next_id;
	u8 rndis_reply[NETVSC_RNDIS_REPLY_MAX];
	u32 rndis_reply_len;
	void *rndis_page;		/* requests are sent from here */

	/* Shared buffers; sizes from ethtool -G, module parameters */
	u32 recv_want, send_want;
	void *recv_buf;
	u32 recv_size;			/* 0 until the host took recv_buf (release) */
	struct hvg_gpadl recv_gpadl;
	void *send_buf;
	u32 send_size;
	u32 send_section;
	u32 nsend;
	unsigned long *send_map;
	struct hvg_gpadl send_gpadl;
	bool bufs_sent;
	u32 recv_slots;			/* receive areas the host has */
	u32 send_itab[NVSP_SEND_ITAB_SIZE];	/* host's send table (not used) */
	atomic_t send_itabs;		/* send tables the host sent */

	/*
	 * Accelerated networking (vf.c): the VF joined to this NIC and the
	 * data path; vf and dp_vf change under RTNL (xmit reads them), the
	 * association under vf_lock.
	 */
	struct list_head vf_node;	/* netvsc_vf_devs, under RTNL */
	struct net_device __rcu *vf;
	bool dp_vf;			/* the host sends to and we send by the VF */
	bool dp_unsure;			/* a switch failed: the host's path unknown */
	bool vf_alloc;			/* the host associated a VF */
	bool host_synth;		/* the host switched back to synthetic */
	u32 vf_serial;			/* its vPCI serial */
	spinlock_t vf_lock;
	struct work_struct vf_work;	/* the association changed */
	struct delayed_work vf_setup;	/* bring a joined VF in line */
	atomic64_t vf_rx_packets, vf_rx_bytes, vf_tx_packets, vf_tx_bytes;
	atomic64_t vf_tx_dropped;
	atomic_t vf_switches;		/* data path switches the host completed */

	/* XDP (xdp.c): the program every channel runs; RTNL to change */
	struct bpf_prog __rcu *xdp_prog;

	struct sk_buff_head tx_pending;	/* sent from their pages, not completed */
	atomic_long_t tx_dropped, tx_errors, rx_dropped, rx_errors;
	atomic_long_t tx_busy;			/* requeued: ring or sections full */
};

static inline struct device *netvsc_dev(struct netvsc_dev *nd)
{
	return &nd->hdev->dev;
}

/* main.c */
int netvsc_reattach(struct netvsc_dev *nd);
void netvsc_chan_failed(struct netvsc_dev *nd);

bool netvsc_is_netvsc(const struct net_device *ndev);
bool netvsc_alive(struct netvsc_dev *nd);

/* vf.c */
void netvsc_vf_init(struct netvsc_dev *nd);
void netvsc_vf_attach(struct netvsc_dev *nd);
void netvsc_vf_detach(struct netvsc_dev *nd);
void netvsc_vf_update(struct netvsc_dev *nd, bool going);
void netvsc_vf_reset(struct netvsc_dev *nd);
void netvsc_vf_assoc(struct netvsc_dev *nd, const u8 *msg, u32 len);
void netvsc_vf_host_switch(struct netvsc_dev *nd, const u8 *msg, u32 len);
netdev_tx_t netvsc_vf_xmit(struct netvsc_dev *nd, struct net_device *vf,
			   struct sk_buff *skb);
int netvsc_vf_register_notifier(void);
void netvsc_vf_unregister_notifier(void);

/* chan.c */
int netvsc_chan_open(struct netvsc_chan *ch, struct hvg_channel *chan);
void netvsc_chan_close(struct netvsc_chan *ch);
int netvsc_subchannels_request(struct netvsc_dev *nd);
int netvsc_subchannels_finish(struct netvsc_dev *nd, bool wait);
void netvsc_subchan_work(struct work_struct *work);
void netvsc_close_subchannels(struct netvsc_dev *nd);

/* nvsp.c */
int netvsc_nvsp_request(struct netvsc_dev *nd, struct nvsp_msg *msg,
			const struct hv_page_buffer *pb, u32 npb);
int netvsc_nvsp_connect(struct netvsc_dev *nd);
void netvsc_nvsp_revoke(struct netvsc_dev *nd);
void netvsc_nvsp_disconnect(struct netvsc_dev *nd);
void netvsc_ctrl_complete(struct netvsc_dev *nd, u64 seq, const void *data, u32 len);

/* rndis.c */
int netvsc_rndis_init(struct netvsc_dev *nd);
int netvsc_rndis_set_filter(struct netvsc_dev *nd, u32 filter);
void netvsc_rndis_halt(struct netvsc_dev *nd);
int netvsc_rndis_set_offload(struct netvsc_dev *nd, netdev_features_t feats);
int netvsc_rndis_set_rss(struct netvsc_dev *nd, u32 nchans, bool keep);
int netvsc_rndis_set_mac(struct netvsc_dev *nd, const u8 *mac);

/* rx.c */
void netvsc_channel_cb(void *ctx);
int netvsc_poll(struct napi_struct *napi, int budget);
int netvsc_rx_init(struct netvsc_chan *ch);
int netvsc_rx_pend_alloc(struct netvsc_chan *ch, u32 slots);
void netvsc_rx_free(struct netvsc_chan *ch);
void netvsc_rx_copy(const struct netvsc_frag **frag, u32 *off, u8 *dst,
		    u32 len);

/* tx.c */
netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev);
void netvsc_tx_complete(struct netvsc_chan *ch, u64 cookie, const void *data,
			u32 len);
int netvsc_xmit_xdp(struct netvsc_chan *ch, const void *data, u32 len,
		    bool xdp_xmit);

/* xdp.c */
#define NETVSC_XDP_FRAME_MAX	(PAGE_SIZE - XDP_PACKET_HEADROOM - \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
u32 netvsc_xdp_run(struct netvsc_chan *ch, const struct netvsc_frag *frag,
		   u32 len, struct sk_buff **skbp);
void netvsc_xdp_poll_end(struct netvsc_chan *ch);
int netvsc_xdp_rxq_reg(struct netvsc_chan *ch);
void netvsc_xdp_rxq_unreg(struct netvsc_chan *ch);
int netvsc_bpf(struct net_device *ndev, struct netdev_bpf *bpf);
int netvsc_xdp_xmit(struct net_device *ndev, int n, struct xdp_frame **frames,
		    u32 flags);
bool netvsc_xdp_mtu_ok(u32 mtu);
void netvsc_xdp_vf_join(struct netvsc_dev *nd, struct net_device *vf);
void netvsc_xdp_vf_leave(struct netvsc_dev *nd, struct net_device *vf);

/* ethtool.c */
extern const struct ethtool_ops netvsc_ethtool_ops;

#endif /* _NETVSC_H */
