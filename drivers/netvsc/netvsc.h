/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_netvsc: the synthetic network driver.  Interfaces between its files.
 *
 * One channel, one NAPI context.  NAPI is enabled while the channel is
 * open (also for control replies during probe); the netdev's open/stop
 * only set the RNDIS packet filter.  Transmit takes a send-buffer section
 * (small frames) or hands the host the skb's pages (large ones).
 */
#ifndef _NETVSC_H
#define _NETVSC_H

#include <linux/completion.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <hvguest/compat.h>
#include <hvguest/vmbus.h>

#include <hvguest/netvsc_proto.h>

#define NETVSC_RING_BYTES	(128 * 1024)
#define NETVSC_CTRL_TIMEOUT	(10 * HZ)
#define NETVSC_MAX_PAGES	32	/* ranges in one GPA-direct packet */
#define NETVSC_RNDIS_REPLY_MAX	256

/* Completion cookies: an skb pointer (8-aligned) or a tagged value. */
#define NETVSC_CK_SECTION	1
#define NETVSC_CK_CTRL		2
#define NETVSC_CK_TAG_MASK	3
#define NETVSC_CK(tag, val)	(((u64)(val) << 2) | (tag))

extern unsigned int netvsc_recv_buf_size;
extern unsigned int netvsc_send_buf_size;
extern bool netvsc_tso;
extern bool netvsc_csum;

#define NETVSC_OFFLOADS	(NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | NETIF_F_TSO | \
			 NETIF_F_TSO6)

struct netvsc_pcpu_stats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync syncp;
};

struct netvsc_dev {
	struct hvg_device *hdev;
	struct hvg_channel *chan;
	struct net_device *ndev;
	struct napi_struct napi;
	u32 nvsp;
	u32 max_mtu;
	u8 mac[ETH_ALEN];
	netdev_features_t offloads;	/* what the host offers and we may use */

	/* Control requests: one at a time */
	struct mutex ctrl_lock;
	struct completion ctrl_done;	/* NVSP completion of the request */
	struct nvsp_msg ctrl_reply;
	struct completion rndis_done;	/* RNDIS reply of the request */
	spinlock_t rndis_lock;		/* rndis_req_id, rndis_reply* */
	u32 rndis_req_id;		/* 0: no reply awaited */
	u32 rndis_next_id;
	u8 rndis_reply[NETVSC_RNDIS_REPLY_MAX];
	u32 rndis_reply_len;
	void *rndis_page;		/* requests are sent from here */

	/* Shared buffers */
	void *recv_buf;
	u32 recv_size;
	struct hvg_gpadl recv_gpadl;
	void *send_buf;
	u32 send_size;
	u32 send_section;
	u32 nsend;
	unsigned long *send_map;
	struct hvg_gpadl send_gpadl;
	bool bufs_sent;

	/* Receive: packet buffer and completions not yet sent */
	u8 *pkt;
	u32 pkt_len;
	u64 *pend;
	u32 pend_size, pend_head, pend_count;

	atomic_t tx_inflight;
	struct sk_buff_head tx_pending;	/* sent from their pages, not completed */
	bool tx_done;			/* NAPI: a send completed this poll */
	struct netvsc_pcpu_stats rx_stats;	/* NAPI only */
	struct netvsc_pcpu_stats tx_stats;	/* xmit only */
	atomic_long_t tx_dropped, tx_errors, rx_dropped, rx_errors;
	atomic_long_t tx_busy;			/* requeued: ring or sections full */
};

static inline struct device *netvsc_dev(struct netvsc_dev *nd)
{
	return &nd->hdev->dev;
}

/* nvsp.c */
int netvsc_nvsp_request(struct netvsc_dev *nd, struct nvsp_msg *msg,
			const struct hv_page_buffer *pb, u32 npb);
int netvsc_nvsp_connect(struct netvsc_dev *nd);
void netvsc_nvsp_revoke(struct netvsc_dev *nd);
void netvsc_nvsp_disconnect(struct netvsc_dev *nd);
void netvsc_ctrl_complete(struct netvsc_dev *nd, const void *data, u32 len);

/* rndis.c */
int netvsc_rndis_init(struct netvsc_dev *nd);
int netvsc_rndis_set_filter(struct netvsc_dev *nd, u32 filter);
void netvsc_rndis_halt(struct netvsc_dev *nd);
int netvsc_rndis_set_offload(struct netvsc_dev *nd, netdev_features_t feats);
void netvsc_rndis_recv(struct netvsc_dev *nd, const u8 *msg, u32 len);

/* rx.c */
void netvsc_channel_cb(void *ctx);
int netvsc_poll(struct napi_struct *napi, int budget);
int netvsc_rx_init(struct netvsc_dev *nd);
void netvsc_rx_free(struct netvsc_dev *nd);

/* tx.c */
netdev_tx_t netvsc_xmit(struct sk_buff *skb, struct net_device *ndev);
void netvsc_tx_complete(struct netvsc_dev *nd, u64 cookie, const void *data,
			u32 len);

/* ethtool.c */
extern const struct ethtool_ops netvsc_ethtool_ops;

#endif /* _NETVSC_H */
