// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: ethtool operations.  Channels (-l/-L) and ring sizes (-g/-G:
 * pages of the receive and send buffers) renegotiate with the host; the
 * RSS key and indirection table (-x/-X) are sent to the host as they
 * change; statistics (-S) are kept per queue.
 */
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "netvsc.h"

static void netvsc_get_drvinfo(struct net_device *ndev,
			       struct ethtool_drvinfo *info)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, HVGUEST_VERSION, sizeof(info->version));
	snprintf(info->fw_version, sizeof(info->fw_version), "NVSP %u.%u",
		 nd->nvsp >> 16, nd->nvsp & 0xffff);
	strscpy(info->bus_info, dev_name(netvsc_dev(nd)), sizeof(info->bus_info));
}

static const char netvsc_stat_names[][ETH_GSTRING_LEN] = {
	"tx_busy", "tx_inflight", "send_sections", "recv_pending", "send_tables",
	"vf_rx_packets", "vf_rx_bytes", "vf_tx_packets", "vf_tx_bytes", "vf_tx_dropped",
	"vf_data_path", "vf_switches",
};

static const char netvsc_queue_stat_names[][ETH_GSTRING_LEN] = {
	"tx_queue_%u_packets", "tx_queue_%u_bytes", "tx_queue_%u_inflight",
	"rx_queue_%u_packets", "rx_queue_%u_bytes", "rx_queue_%u_csum_ok",
	"rx_queue_%u_rsc", "rx_queue_%u_pending",
	"tx_queue_%u_xdp_xmit", "rx_queue_%u_xdp_drop", "rx_queue_%u_xdp_redirect",
	"rx_queue_%u_xdp_tx",
};

#define NETVSC_NSTATS		ARRAY_SIZE(netvsc_stat_names)
#define NETVSC_NQSTATS		ARRAY_SIZE(netvsc_queue_stat_names)

static int netvsc_get_sset_count(struct net_device *ndev, int sset)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return NETVSC_NSTATS + READ_ONCE(nd->nchans) * NETVSC_NQSTATS;
}

static void netvsc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	u32 q, i;

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, netvsc_stat_names, sizeof(netvsc_stat_names));
	data += sizeof(netvsc_stat_names);
	for (q = 0; q < READ_ONCE(nd->nchans); q++) {
		for (i = 0; i < NETVSC_NQSTATS; i++) {
			snprintf(data, ETH_GSTRING_LEN, netvsc_queue_stat_names[i], q);
			data += ETH_GSTRING_LEN;
		}
	}
}

static void netvsc_get_ethtool_stats(struct net_device *ndev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	u64 inflight = 0, pending = 0, *qd = data + NETVSC_NSTATS;
	u32 q, n = READ_ONCE(nd->nchans);

	for (q = 0; q < n; q++) {
		const struct netvsc_chan *ch = &nd->chans[q];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&ch->tx_stats.syncp);
			qd[0] = ch->tx_stats.packets;
			qd[1] = ch->tx_stats.bytes;
			qd[8] = ch->tx_stats.xdp_xmit;
		} while (u64_stats_fetch_retry(&ch->tx_stats.syncp, start));
		qd[2] = atomic_read(&ch->tx_inflight);
		do {
			start = u64_stats_fetch_begin(&ch->rx_stats.syncp);
			qd[3] = ch->rx_stats.packets;
			qd[4] = ch->rx_stats.bytes;
			qd[5] = ch->rx_stats.csum_ok;
			qd[6] = ch->rx_stats.rsc;
			qd[9] = ch->rx_stats.xdp_drop;
			qd[10] = ch->rx_stats.xdp_redirect;
			qd[11] = ch->rx_stats.xdp_tx;
		} while (u64_stats_fetch_retry(&ch->rx_stats.syncp, start));
		qd[7] = READ_ONCE(ch->pend_count);
		inflight += qd[2];
		pending += qd[7];
		qd += NETVSC_NQSTATS;
	}
	data[0] = atomic_long_read(&nd->tx_busy);
	data[1] = inflight;
	data[2] = nd->nsend;
	data[3] = pending;
	data[4] = atomic_read(&nd->send_itabs);
	data[5] = atomic64_read(&nd->vf_rx_packets);
	data[6] = atomic64_read(&nd->vf_rx_bytes);
	data[7] = atomic64_read(&nd->vf_tx_packets);
	data[8] = atomic64_read(&nd->vf_tx_bytes);
	data[9] = atomic64_read(&nd->vf_tx_dropped);
	data[10] = READ_ONCE(nd->dp_vf);
	data[11] = atomic_read(&nd->vf_switches);
}

static void netvsc_get_channels(struct net_device *ndev,
				struct ethtool_channels *c)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	c->max_combined = nd->max_chans;
	c->combined_count = nd->nchans;
}

static int netvsc_set_channels(struct net_device *ndev,
			       struct ethtool_channels *c)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	u32 old = nd->want_chans;
	int ret;

	if (c->rx_count || c->tx_count || c->other_count || !c->combined_count ||
	    c->combined_count > nd->max_chans)
		return -EINVAL;
	if (c->combined_count == nd->nchans && !nd->detached)
		return 0;
	nd->want_chans = c->combined_count;
	ret = netvsc_reattach(nd);
	if (ret) {
		nd->want_chans = old;
		return netvsc_reattach(nd) ? : ret;
	}
	if (nd->nchans != c->combined_count)
		netdev_warn(ndev, "%u channels in use, %u asked for\n", nd->nchans,
			    c->combined_count);
	return 0;
}

static void netvsc_get_ringparam(struct net_device *ndev,
				 struct ethtool_ringparam *r HVG_RINGPARAM_ARGS)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	r->rx_max_pending = NETVSC_RECV_MAX / PAGE_SIZE;
	r->tx_max_pending = NETVSC_SEND_MAX / PAGE_SIZE;
	r->rx_pending = nd->recv_want / PAGE_SIZE;
	r->tx_pending = nd->send_want / PAGE_SIZE;
}

static int netvsc_set_ringparam(struct net_device *ndev,
				struct ethtool_ringparam *r HVG_RINGPARAM_ARGS)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	u32 recv = r->rx_pending * PAGE_SIZE, send = r->tx_pending * PAGE_SIZE;
	u32 old_recv = nd->recv_want, old_send = nd->send_want;
	int ret;

	if (r->rx_mini_pending || r->rx_jumbo_pending ||
	    recv < NETVSC_RECV_MIN || recv > NETVSC_RECV_MAX ||
	    send < NETVSC_SEND_MIN || send > NETVSC_SEND_MAX)
		return -EINVAL;
	if (recv == old_recv && send == old_send && !nd->detached)
		return 0;
	nd->recv_want = recv;
	nd->send_want = send;
	ret = netvsc_reattach(nd);
	if (ret) {
		nd->recv_want = old_recv;
		nd->send_want = old_send;
		return netvsc_reattach(nd) ? : ret;
	}
	return 0;
}

static int netvsc_get_rxnfc(struct net_device *ndev, struct ethtool_rxnfc *info,
			    u32 *rules)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	if (info->cmd != ETHTOOL_GRXRINGS)
		return -EOPNOTSUPP;
	info->data = nd->nchans;
	return 0;
}

static u32 netvsc_get_rxfh_key_size(struct net_device *ndev)
{
	return NDIS_RSS_KEY_LEN;
}

static u32 netvsc_get_rxfh_indir_size(struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	return nd->rss_itab_size;
}

static int netvsc_rxfh_get(struct net_device *ndev, u32 *indir, u8 *key,
			   u8 *hfunc)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	*hfunc = ETH_RSS_HASH_TOP;
	if (indir)
		memcpy(indir, nd->rss_itab, nd->rss_itab_size * sizeof(u32));
	if (key)
		memcpy(key, nd->rss_key, sizeof(nd->rss_key));
	return 0;
}

static int netvsc_rxfh_set(struct net_device *ndev, const u32 *indir,
			   const u8 *key, u8 hfunc)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	u32 old_itab[NDIS_RSS_ITAB_MAX];
	u8 old_key[NDIS_RSS_KEY_LEN];
	u32 i;
	int ret;

	if (hfunc != ETH_RSS_HASH_NO_CHANGE && hfunc != ETH_RSS_HASH_TOP)
		return -EOPNOTSUPP;
	if (!nd->rss_itab_size || nd->detached)
		return -EOPNOTSUPP;
	if (!indir && !key)
		return 0;
	for (i = 0; indir && i < nd->rss_itab_size; i++)
		if (indir[i] >= nd->nchans)
			return -EINVAL;
	memcpy(old_itab, nd->rss_itab, sizeof(old_itab));
	memcpy(old_key, nd->rss_key, sizeof(old_key));
	if (indir)
		memcpy(nd->rss_itab, indir, nd->rss_itab_size * sizeof(u32));
	if (key)
		memcpy(nd->rss_key, key, sizeof(nd->rss_key));
	ret = netvsc_rndis_set_rss(nd, nd->nchans, true);
	if (ret) {
		memcpy(nd->rss_itab, old_itab, sizeof(old_itab));
		memcpy(nd->rss_key, old_key, sizeof(old_key));
	}
	return ret;
}

HVG_ETHTOOL_RXFH(netvsc)

const struct ethtool_ops netvsc_ethtool_ops = {
	.get_drvinfo = netvsc_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = netvsc_get_sset_count,
	.get_strings = netvsc_get_strings,
	.get_ethtool_stats = netvsc_get_ethtool_stats,
	.get_channels = netvsc_get_channels,
	.set_channels = netvsc_set_channels,
	.get_ringparam = netvsc_get_ringparam,
	.set_ringparam = netvsc_set_ringparam,
	.get_rxnfc = netvsc_get_rxnfc,
	.get_rxfh_key_size = netvsc_get_rxfh_key_size,
	.get_rxfh_indir_size = netvsc_get_rxfh_indir_size,
	.get_rxfh = netvsc_get_rxfh,
	.set_rxfh = netvsc_set_rxfh,
};
