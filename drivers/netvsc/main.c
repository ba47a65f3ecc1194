// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: the synthetic network driver.  Probe and remove, the netdev
 * operations and the module parameters.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
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

#define NETVSC_FILTER_UP (RNDIS_FILTER_DIRECTED | RNDIS_FILTER_MULTICAST | \
			  RNDIS_FILTER_ALL_MULTICAST | RNDIS_FILTER_BROADCAST)

static int netvsc_open(struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);
	int ret;

	ret = netvsc_rndis_set_filter(nd, NETVSC_FILTER_UP);
	if (ret) {
		netdev_err(ndev, "cannot set the receive filter: %d\n", ret);
		return ret;
	}
	netif_start_queue(ndev);
	return 0;
}

static int netvsc_stop(struct net_device *ndev)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	netif_tx_disable(ndev);
	if (!hvg_channel_rescinded(nd->chan) && !hvg_channel_failed(nd->chan))
		netvsc_rndis_set_filter(nd, 0);
	return 0;
}

static int netvsc_change_mtu(struct net_device *ndev, int mtu)
{
	/* The core checked min_mtu..max_mtu, the host's maximum. */
	WRITE_ONCE(ndev->mtu, mtu);
	return 0;
}

static int netvsc_set_features(struct net_device *ndev,
			       netdev_features_t feats)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	if (!((ndev->features ^ feats) & NETVSC_OFFLOADS))
		return 0;
	return netvsc_rndis_set_offload(nd, feats);
}

static void netvsc_read_stats(const struct netvsc_pcpu_stats *s, u64 *packets,
			      u64 *bytes)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		*packets = s->packets;
		*bytes = s->bytes;
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

static void netvsc_get_stats64(struct net_device *ndev,
			       struct rtnl_link_stats64 *st)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	netvsc_read_stats(&nd->rx_stats, &st->rx_packets, &st->rx_bytes);
	netvsc_read_stats(&nd->tx_stats, &st->tx_packets, &st->tx_bytes);
	st->tx_dropped = atomic_long_read(&nd->tx_dropped);
	st->tx_errors = atomic_long_read(&nd->tx_errors);
	st->rx_dropped = atomic_long_read(&nd->rx_dropped);
	st->rx_errors = atomic_long_read(&nd->rx_errors);
}

static const struct net_device_ops netvsc_netdev_ops = {
	.ndo_open = netvsc_open,
	.ndo_stop = netvsc_stop,
	.ndo_start_xmit = netvsc_xmit,
	.ndo_change_mtu = netvsc_change_mtu,
	.ndo_set_features = netvsc_set_features,
	.ndo_get_stats64 = netvsc_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
};

static struct netvsc_dev *netvsc_alloc(struct hvg_device *hdev)
{
	struct net_device *ndev;
	struct netvsc_dev *nd;

	ndev = alloc_etherdev(sizeof(*nd));
	if (!ndev)
		return NULL;
	SET_NETDEV_DEV(ndev, &hdev->dev);
	nd = netdev_priv(ndev);
	nd->ndev = ndev;
	nd->hdev = hdev;
	nd->chan = hdev->channel;
	mutex_init(&nd->ctrl_lock);
	init_completion(&nd->ctrl_done);
	init_completion(&nd->rndis_done);
	spin_lock_init(&nd->rndis_lock);
	skb_queue_head_init(&nd->tx_pending);
	u64_stats_init(&nd->rx_stats.syncp);
	u64_stats_init(&nd->tx_stats.syncp);
	nd->rndis_page = (void *)get_zeroed_page(GFP_KERNEL);
	if (!nd->rndis_page || netvsc_rx_init(nd)) {
		free_page((unsigned long)nd->rndis_page);
		netvsc_rx_free(nd);
		free_netdev(ndev);
		return NULL;
	}
	hvg_napi_add(ndev, &nd->napi, netvsc_poll);
	return nd;
}

static void netvsc_free(struct netvsc_dev *nd)
{
	netif_napi_del(&nd->napi);
	skb_queue_purge(&nd->tx_pending);
	netvsc_rx_free(nd);
	free_page((unsigned long)nd->rndis_page);
	free_netdev(nd->ndev);
}

/*
 * Stop talking to the host, take the buffers back and close the channel.
 * The buffers go first: closing a rescinded channel releases its relid,
 * and the host forgets its GPADLs with it.
 */
static void netvsc_shutdown(struct netvsc_dev *nd)
{
	if (!hvg_channel_rescinded(nd->chan) && !hvg_channel_failed(nd->chan)) {
		netvsc_rndis_halt(nd);
		netvsc_nvsp_revoke(nd);
	}
	napi_disable(&nd->napi);
	netvsc_nvsp_disconnect(nd);
	hvg_channel_close(nd->chan);
}

static void netvsc_setup_netdev(struct netvsc_dev *nd)
{
	struct net_device *ndev = nd->ndev;

	ndev->netdev_ops = &netvsc_netdev_ops;
	ndev->ethtool_ops = &netvsc_ethtool_ops;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = nd->max_mtu;
	ndev->mtu = min_t(u32, ETH_DATA_LEN, nd->max_mtu);
	ndev->hw_features = NETIF_F_SG | nd->offloads;
	ndev->features = ndev->hw_features;
	eth_hw_addr_set(ndev, nd->mac);
}

static int netvsc_probe(struct hvg_device *hdev, const struct hvg_device_id *id)
{
	struct netvsc_dev *nd = netvsc_alloc(hdev);
	int ret;

	if (!nd)
		return -ENOMEM;
	napi_enable(&nd->napi);
	ret = hvg_channel_open(nd->chan, NETVSC_RING_BYTES, NETVSC_RING_BYTES,
			       NULL, 0, netvsc_channel_cb, nd);
	if (ret) {
		dev_err(&hdev->dev, "cannot open the channel: %d\n", ret);
		napi_disable(&nd->napi);
		goto err_free;
	}
	ret = netvsc_nvsp_connect(nd);
	if (!ret)
		ret = netvsc_rndis_init(nd);
	if (ret)
		goto err_close;
	netvsc_setup_netdev(nd);
	ret = register_netdev(nd->ndev);
	if (ret)
		goto err_close;
	dev_set_drvdata(&hdev->dev, nd);
	netdev_info(nd->ndev, "NVSP %u.%u, MAC %pM, MTU up to %u, %u send sections\n",
		    nd->nvsp >> 16, nd->nvsp & 0xffff, nd->mac, nd->max_mtu,
		    nd->nsend);
	return 0;

err_close:
	netvsc_shutdown(nd);
err_free:
	netvsc_free(nd);
	return ret;
}

static void netvsc_remove(struct hvg_device *hdev)
{
	struct netvsc_dev *nd = dev_get_drvdata(&hdev->dev);

	unregister_netdev(nd->ndev);
	netvsc_shutdown(nd);
	dev_set_drvdata(&hdev->dev, NULL);
	netvsc_free(nd);
}

static const struct hvg_device_id netvsc_ids[] = {
	{ .guid = HVG_NET_CLASS_GUID },
	{ }
};

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
	if (!netvsc_param_ok("recv_buf_size", netvsc_recv_buf_size, SZ_256K, 31 * SZ_1M) ||
	    !netvsc_param_ok("send_buf_size", netvsc_send_buf_size, SZ_64K, 15 * SZ_1M))
		return -EINVAL;
	return hvg_driver_register(&netvsc_driver);
}
module_init(netvsc_init);

static void __exit netvsc_exit(void)
{
	hvg_driver_unregister(&netvsc_driver);
}
module_exit(netvsc_exit);

/* HVG_NET_CLASS_GUID's bytes in memory order */
HVG_MODULE_ALIAS("635161f83edfc546913ff2d2f965ed0e");
MODULE_DESCRIPTION("Hyper-V synthetic network driver (hvguest)");
MODULE_VERSION(HVGUEST_VERSION);
MODULE_LICENSE("GPL");
