// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: ethtool operations.
 */
#include <linux/ethtool.h>
#include <linux/module.h>

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
	"tx_busy", "tx_inflight", "send_sections", "recv_pending",
};

static int netvsc_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(netvsc_stat_names) : -EOPNOTSUPP;
}

static void netvsc_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, netvsc_stat_names, sizeof(netvsc_stat_names));
}

static void netvsc_get_ethtool_stats(struct net_device *ndev,
				     struct ethtool_stats *stats, u64 *data)
{
	struct netvsc_dev *nd = netdev_priv(ndev);

	data[0] = atomic_long_read(&nd->tx_busy);
	data[1] = atomic_read(&nd->tx_inflight);
	data[2] = nd->nsend;
	data[3] = READ_ONCE(nd->pend_count);
}

const struct ethtool_ops netvsc_ethtool_ops = {
	.get_drvinfo = netvsc_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = netvsc_get_sset_count,
	.get_strings = netvsc_get_strings,
	.get_ethtool_stats = netvsc_get_ethtool_stats,
};
