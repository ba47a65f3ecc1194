// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the synthetic network driver.  Probe and remove, the netdev
 * operations and the module parameters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rtnetlink.h>
#include <linux/sizes.h>

#include "netvsc.h"

unsigned int netvsc_recv_buf_size = SZ_4M;
module_param_named(recv_buf_size, netvsc_recv_buf_size, uint, 0444);
MODULE_PARM_DESC(recv_buf_size, "Receive buffer bytes, page multiple, 256 KiB..31 MiB (default 4 MiB)");

unsigned int netvsc_send_buf_size = SZ_1M;
module_param_named(send_buf_size, netvsc_send_buf_size, uint, 0444);
MODULE_PARM_DESC(send_buf_size, "Send buffer bytes, page multiple, 64 KiB..15 MiB (default 1 MiB)");

bool netvsc_tso = true;
module_param_named(tso, netvsc_tso, bool, 0444);
MODULE_PARM_DESC(tso, "Use TCP segmentation offload if the host offers it (default on)");

bool netvsc_csum = true;
module_param_named(csum, netvsc_csum, bool, 0444);
MODULE_PARM_DESC(csum, "Use transmit checksum offload if the host offers it (default on; off also disables TSO)");

bool netvsc_rx_csum = true;
module_param_named(rx_csum, netvsc_rx_csum, bool, 0444);
MODULE_PARM_DESC(rx_csum, "Use receive checksum offload if the host offers it (default on)");

bool netvsc_lro = true;
module_param_named(lro, netvsc_lro, bool, 0444);
MODULE_PARM_DESC(lro, "Have the host coalesce received TCP segments (RSC) if it offers it (default on)");

unsigned int netvsc_channels;
module_param_named(channels, netvsc_channels, uint, 0444);
MODULE_PARM_DESC(channels, "Channels (queues) per NIC, up to what the host offers and 16 (default 0: one per online CPU)");

bool netvsc_vf_enable = true;
module_param_named(vf, netvsc_vf_enable, bool, 0444);
MODULE_PARM_DESC(vf, "Use the SR-IOV virtual function (accelerated networking) the host associates with a NIC (default on)");

#define NETVSC_FILTER_UP (RNDIS_FILTER_DIRECTED | RNDIS_FILTER_MULTICAST | \
			  RNDIS_FILTER_ALL_MULTICAST | RNDIS_FILTER_BROADCAST)

static int netvsc_open(struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct net_device *vf;
	int ret;

	if (nd->detached)
		return -ENODEV;
	ret = netvsc_rndis_set_filter(nd, NETVSC_FILTER_UP);
	if (ret) {
		netdev_err(ndev, "cannot set the receive filter: %d\n", ret);
		return ret;
	}
	netif_tx_start_all_queues(ndev);
	vf = rtnl_dereference(nd->vf);
	if (vf) {
		ret = dev_open(vf, NULL);
		if (ret)
			netdev_warn(ndev, "cannot open VF %s: %d\n", vf->name, ret);
	}
	return 0;
}

bool netvsc_alive(struct netvsc_dev *nd)
{
	return nd->chans[0].chan && !hvg_channel_rescinded(nd->chan) &&
	       !hvg_channel_failed(nd->chan);
}

static int netvsc_stop(struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct net_device *vf = rtnl_dereference(nd->vf);

	/* Its going down switches the data path back to synthetic. */
	if (vf)
		dev_close(vf);
	netif_tx_disable(ndev);
	if (netvsc_alive(nd))
		netvsc_rndis_set_filter(nd, 0);
	return 0;
}

static int netvsc_change_mtu(struct net_device *ndev, int mtu)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct net_device *vf = rtnl_dereference(nd->vf);
	int ret;

	/* The core checked min_mtu..max_mtu, the host's maximum. */
	if (rtnl_dereference(nd->xdp_prog) && !netvsc_xdp_mtu_ok(mtu)) {
		netdev_err(ndev, "XDP: MTU %d too large for a program's page frame\n", mtu);
		return -EINVAL;
	}
	if (vf) {
		ret = dev_set_mtu(vf, mtu);
		if (ret) {
			netdev_err(ndev, "VF %s refuses MTU %d: %d\n", vf->name, mtu, ret);
			return ret;
		}
	}
	WRITE_ONCE(ndev->mtu, mtu);
	return 0;
}

/* No LRO under an XDP program: it sees one frame at a time. */
static netdev_features_t netvsc_fix_features(struct net_device *ndev,
					     netdev_features_t feats)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	if ((feats & NETIF_F_LRO) && rtnl_dereference(nd->xdp_prog))
		feats &= ~NETIF_F_LRO;
	return feats;
}

static int netvsc_set_features(struct net_device *ndev,
			       netdev_features_t feats)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct net_device *vf = rtnl_dereference(nd->vf);

	if (vf) {
		vf->wanted_features = feats;
		netdev_update_features(vf);
	}
	if (!((ndev->features ^ feats) &
	      (NETVSC_OFFLOADS | NETIF_F_RXCSUM | NETIF_F_LRO)))
		return 0;
	if (nd->detached)
		return -ENODEV;
	return netvsc_rndis_set_offload(nd, feats);
}

/*
 * A large send the host would cut into fewer segments than its minimum
 * is segmented here instead (the stack's gso_min_segs, which is gone).
 */
static netdev_features_t netvsc_features_check(struct sk_buff *skb,
					       struct net_device *ndev,
					       netdev_features_t feats)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_segs < READ_ONCE(nd->lso_minsg))
		feats &= ~NETIF_F_GSO_MASK;
	/* What the stack checks for drivers without this callback */
	return vlan_features_check(skb, feats);
}

static int netvsc_set_mac(struct net_device *ndev, void *p)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	const struct sockaddr *sa = p;
	int ret;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	if (nd->detached)
		return -ENODEV;
	ret = netvsc_rndis_set_mac(nd, sa->sa_data);
	if (ret)
		return ret;
	eth_hw_addr_set(ndev, sa->sa_data);
	return 0;
}

static void netvsc_read_stats(const struct netvsc_stats *s, u64 *packets,
			      u64 *bytes)
{
	unsigned int start;
	u64 p, b;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		p = s->packets;
		b = s->bytes;
	} while (u64_stats_fetch_retry(&s->syncp, start));
	*packets += p;
	*bytes += b;
}

static void netvsc_get_stats64(struct net_device *ndev,
			       struct rtnl_link_stats64 *st)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	unsigned int i;

	for (i = 0; i < NETVSC_MAX_CHANNELS; i++) {
		netvsc_read_stats(&nd->chans[i].rx_stats, &st->rx_packets,
				  &st->rx_bytes);
		netvsc_read_stats(&nd->chans[i].tx_stats, &st->tx_packets,
				  &st->tx_bytes);
	}
	st->tx_dropped = atomic_long_read(&nd->tx_dropped);
	st->tx_errors = atomic_long_read(&nd->tx_errors);
	st->rx_dropped = atomic_long_read(&nd->rx_dropped);
	st->rx_errors = atomic_long_read(&nd->rx_errors);
	/* What went by the VF counts too: one interface for the user */
	st->rx_packets += atomic64_read(&nd->vf_rx_packets);
	st->rx_bytes += atomic64_read(&nd->vf_rx_bytes);
	st->tx_packets += atomic64_read(&nd->vf_tx_packets);
	st->tx_bytes += atomic64_read(&nd->vf_tx_bytes);
	st->tx_dropped += atomic64_read(&nd->vf_tx_dropped);
}

/* Promiscuous and all-multicast follow to the VF (RTNL). */
static void netvsc_change_rx_flags(struct net_device *ndev, int change)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct net_device *vf = rtnl_dereference(nd->vf);

	if (!vf)
		return;
	if (change & IFF_PROMISC)
		dev_set_promiscuity(vf, ndev->flags & IFF_PROMISC ? 1 : -1);
	if (change & IFF_ALLMULTI)
		dev_set_allmulti(vf, ndev->flags & IFF_ALLMULTI ? 1 : -1);
}

/* The address lists follow to the VF (address lock held). */
static void netvsc_set_rx_mode(struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	struct net_device *vf;

	lockdep_assert_held(&ndev->addr_list_lock);
	rcu_read_lock();
	vf = rcu_dereference(nd->vf);
	if (vf) {
		dev_uc_sync(vf, ndev);
		dev_mc_sync(vf, ndev);
	}
	rcu_read_unlock();
}

static const struct net_device_ops netvsc_netdev_ops = {
	.ndo_open = netvsc_open,
	.ndo_stop = netvsc_stop,
	.ndo_start_xmit = netvsc_xmit,
	.ndo_change_mtu = netvsc_change_mtu,
	.ndo_fix_features = netvsc_fix_features,
	.ndo_set_features = netvsc_set_features,
	.ndo_features_check = netvsc_features_check,
	.ndo_get_stats64 = netvsc_get_stats64,
	.ndo_set_mac_address = netvsc_set_mac,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_change_rx_flags = netvsc_change_rx_flags,
	.ndo_set_rx_mode = netvsc_set_rx_mode,
	.ndo_bpf = netvsc_bpf,
	.ndo_xdp_xmit = netvsc_xdp_xmit,
};

/**
 * netvsc_is_netvsc() - whether @ndev is one of our NICs
 * @ndev: a netdev
 *
 * Return: true if hv_netvsc drives it.
 */
bool netvsc_is_netvsc(const struct net_device *ndev)
{
	return ndev->netdev_ops == &netvsc_netdev_ops;
}

static void netvsc_reset_work(struct work_struct *work)
{
	struct netvsc_dev *nd = container_of(work, struct netvsc_dev, reset_work);

	rtnl_lock();
	if (!READ_ONCE(nd->removing)) {
		netdev_warn(nd->ndev, "a channel failed: resetting the device\n");
		netvsc_reattach(nd);
	}
	rtnl_unlock();
}

/**
 * netvsc_chan_failed() - a channel of @nd can no longer be used
 * @nd: the device
 *
 * Unless it was rescinded (the device goes away then), close every
 * channel and negotiate again, from a work item.
 */
void netvsc_chan_failed(struct netvsc_dev *nd)
{
	if (!hvg_channel_rescinded(nd->chan) && !READ_ONCE(nd->removing) &&
	    !READ_ONCE(nd->detached))
		schedule_work(&nd->reset_work);
}

static struct netvsc_dev *netvsc_alloc(struct hvg_device *hdev)
{
	struct net_device *ndev;
	struct netvsc_dev *nd;
	unsigned int i;

	ndev = alloc_etherdev_mq(sizeof(*nd), NETVSC_MAX_CHANNELS);
	if (!ndev)
		return NULL;
	SET_NETDEV_DEV(ndev, &hdev->dev);
	nd = netdev_priv(ndev);
	nd->ndev = ndev;
	nd->hdev = hdev;
	nd->chan = hdev->channel;
	mutex_init(&nd->ctrl_lock);
	mutex_init(&nd->chan_lock);
	init_completion(&nd->ctrl_done);
	init_completion(&nd->rndis_done);
	spin_lock_init(&nd->rndis_lock);
	init_waitqueue_head(&nd->subs_wait);
	INIT_WORK(&nd->subchan_work, netvsc_subchan_work);
	INIT_WORK(&nd->reset_work, netvsc_reset_work);
	skb_queue_head_init(&nd->tx_pending);
	netvsc_vf_init(nd);
	nd->recv_want = netvsc_recv_buf_size;
	nd->send_want = netvsc_send_buf_size;
	nd->want_chans = clamp_t(u32, netvsc_channels ? : num_online_cpus(), 1,
				 NETVSC_MAX_CHANNELS);
	nd->nchans = 1;
	netdev_rss_key_fill(nd->rss_key, sizeof(nd->rss_key));
	nd->rndis_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!nd->rndis_page) {
		free_netdev(ndev);
		return NULL;
	}
	for (i = 0; i < NETVSC_MAX_CHANNELS; i++) {
		struct netvsc_chan *ch = &nd->chans[i];

		ch->nd = nd;
		ch->idx = i;
		u64_stats_init(&ch->rx_stats.syncp);
		u64_stats_init(&ch->tx_stats.syncp);
		hvg_napi_add(ndev, &ch->napi, netvsc_poll);
	}
	return nd;
}

static void netvsc_free(struct netvsc_dev *nd)
{
	unsigned int i;

	for (i = 0; i < NETVSC_MAX_CHANNELS; i++)
		netif_napi_del(&nd->chans[i].napi);
	free_page((unsigned long)nd->rndis_page);
	free_netdev(nd->ndev);
}

/* Open the primary channel; negotiate everything but the RSS spread. */
static int netvsc_connect(struct netvsc_dev *nd)
{
	int ret;

	ret = netvsc_chan_open(&nd->chans[0], nd->chan);
	if (ret) {
		dev_err(netvsc_dev(nd), "cannot open the channel: %d\n", ret);
		return ret;
	}
	WRITE_ONCE(nd->detached, false);
	ret = netvsc_nvsp_connect(nd);
	if (!ret)
		ret = netvsc_rndis_init(nd);
	if (!ret)
		ret = netvsc_subchannels_request(nd);
	return ret;
}

/*
 * Stop talking to the host, take the buffers back and close the channels,
 * subchannels first.  The buffers go before the primary: closing a
 * rescinded channel releases its relid, and the host forgets its GPADLs
 * with it.
 */
static void netvsc_shutdown(struct netvsc_dev *nd)
{
	struct netvsc_chan *ch = &nd->chans[0];

	WRITE_ONCE(nd->detached, true);
	if (netvsc_alive(nd)) {
		netvsc_rndis_halt(nd);
		netvsc_nvsp_revoke(nd);
	}
	netvsc_close_subchannels(nd);
	if (ch->chan)
		napi_disable(&ch->napi);
	netvsc_nvsp_disconnect(nd);
	if (ch->chan) {
		hvg_channel_close(ch->chan);
		ch->chan = NULL;
		netvsc_rx_free(ch);
	}
	skb_queue_purge(&nd->tx_pending);
}

/**
 * netvsc_reattach() - close everything and negotiate again
 * @nd: the device, registered; caller holds RTNL
 *
 * For new channel counts and buffer sizes (want_chans, recv_want,
 * send_want).  On failure the device stays detached until removed.
 *
 * Return: 0 or a negative errno.
 */
int netvsc_reattach(struct netvsc_dev *nd)
{
	struct net_device *ndev = nd->ndev;
	int ret;

	ASSERT_RTNL();
	nd->subchan_pending = false;
	netvsc_vf_reset(nd);
	netif_device_detach(ndev);
	netif_tx_disable(ndev);
	netvsc_shutdown(nd);
	ret = netvsc_connect(nd);
	if (!ret)
		ret = netvsc_subchannels_finish(nd, true);
	if (!ret)
		hvg_set_tso_max_size(ndev, nd->lso_max);
	if (!ret && !ether_addr_equal(ndev->dev_addr, nd->mac))
		ret = netvsc_rndis_set_mac(nd, ndev->dev_addr);
	if (!ret)
		ret = netvsc_rndis_set_offload(nd, ndev->features);
	if (!ret && netif_running(ndev))
		ret = netvsc_rndis_set_filter(nd, NETVSC_FILTER_UP);
	if (ret) {
		netdev_err(ndev, "renegotiation failed, device detached: %d\n", ret);
		netvsc_shutdown(nd);
		netif_carrier_off(ndev);
		return ret;
	}
	netif_device_attach(ndev);
	/* The new session's association puts the data path back on the VF. */
	return 0;
}

static void netvsc_setup_netdev(struct netvsc_dev *nd)
{
	struct net_device *ndev = nd->ndev;

	ndev->netdev_ops = &netvsc_netdev_ops;
	ndev->ethtool_ops = &netvsc_ethtool_ops;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = nd->max_mtu;
	ndev->mtu = min_t(u32, ETH_DATA_LEN, nd->max_mtu);
	ndev->hw_features = NETIF_F_SG | nd->offloads | NETIF_F_HW_VLAN_CTAG_TX |
			    NETIF_F_HW_VLAN_CTAG_RX;
	if (nd->rx_csum)
		ndev->hw_features |= NETIF_F_RXCSUM;
	if (nd->rss_itab_size)
		ndev->hw_features |= NETIF_F_RXHASH;
	if (nd->rsc)
		ndev->hw_features |= NETIF_F_LRO;
	ndev->features = ndev->hw_features;
	hvg_xdp_features_set(ndev);
	hvg_set_tso_max_size(ndev, nd->lso_max);
	eth_hw_addr_set(ndev, nd->mac);
	netif_set_real_num_tx_queues(ndev, 1);
	netif_set_real_num_rx_queues(ndev, 1);
}

static int netvsc_probe(struct hvg_device *hdev, const struct hv_vmbus_device_id *id)
{
	struct netvsc_dev *nd = netvsc_alloc(hdev);
	int ret;

	if (!nd)
		return -ENOMEM;
	/* For the subchannel offers, which come once probe returned */
	dev_set_drvdata(&hdev->dev, nd);
	ret = netvsc_connect(nd);
	if (ret)
		goto err;
	netvsc_setup_netdev(nd);
	ret = register_netdev(nd->ndev);
	if (ret)
		goto err;
	nd->subchan_pending = true;
	schedule_work(&nd->subchan_work);
	rtnl_lock();
	netvsc_vf_attach(nd);
	rtnl_unlock();
	netdev_info(nd->ndev, "NVSP %u.%u, MAC %pM, MTU up to %u, %u send sections, up to %u channels\n",
		    nd->nvsp >> 16, nd->nvsp & 0xffff, nd->mac, nd->max_mtu,
		    nd->nsend, nd->max_chans);
	return 0;

err:
	netvsc_shutdown(nd);
	dev_set_drvdata(&hdev->dev, NULL);
	netvsc_free(nd);
	return ret;
}

static void netvsc_remove(struct hvg_device *hdev)
{
	struct netvsc_dev *nd = dev_get_drvdata(&hdev->dev);

	/* The offers need the device lock we hold: stop waiting for them. */
	WRITE_ONCE(nd->removing, true);
	wake_up(&nd->subs_wait);
	cancel_work_sync(&nd->subchan_work);
	cancel_work_sync(&nd->reset_work);
	cancel_work_sync(&nd->vf_work);
	rtnl_lock();
	netvsc_vf_detach(nd);
	unregister_netdevice(nd->ndev);
	rtnl_unlock();
	netvsc_shutdown(nd);
	cancel_work_sync(&nd->vf_work);
	dev_set_drvdata(&hdev->dev, NULL);
	netvsc_free(nd);
}

static const struct hv_vmbus_device_id netvsc_ids[] = {
	{ .guid = HVG_NET_CLASS_GUID },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, netvsc_ids);

static struct hvg_driver netvsc_driver = {
	.name = "hv_netvsc",
	.id_table = netvsc_ids,
	.probe = netvsc_probe,
	.remove = netvsc_remove,
};

static bool netvsc_param_ok(const char *name, unsigned int v, unsigned int lo,
			    unsigned int hi)
{
	if (v >= lo && v <= hi && PAGE_ALIGNED(v))
		return true;
	pr_err("%s=%u: must be a page multiple between %u and %u\n", name, v, lo, hi);
	return false;
}

static int __init netvsc_init(void)
{
	int ret;

	if (!netvsc_param_ok("recv_buf_size", netvsc_recv_buf_size, NETVSC_RECV_MIN,
			     NETVSC_RECV_MAX) ||
	    !netvsc_param_ok("send_buf_size", netvsc_send_buf_size, NETVSC_SEND_MIN,
			     NETVSC_SEND_MAX))
		return -EINVAL;
	ret = netvsc_vf_register_notifier();
	if (ret)
		return ret;
	ret = hvg_driver_register(&netvsc_driver);
	if (ret)
		netvsc_vf_unregister_notifier();
	return ret;
}
module_init(netvsc_init);

static void __exit netvsc_exit(void)
{
	hvg_driver_unregister(&netvsc_driver);
	netvsc_vf_unregister_notifier();
}
module_exit(netvsc_exit);

MODULE_DESCRIPTION("Hyper-V synthetic network driver (hvguest)");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
