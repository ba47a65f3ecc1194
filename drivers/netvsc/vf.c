// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv_netvsc: accelerated networking.  The host may give the guest an
 * SR-IOV virtual function of the physical NIC next to a synthetic NIC.
 * It says so with an NVSP VF association message (allocated, vPCI serial);
 * the VF then appears as a netdev of its own driver.  We find its NIC (the
 * VF has the NIC's permanent MAC; one on a PCI bus must also sit in the
 * slot named by the serial), hide it behind the NIC (receive handler and
 * master link: the user sees one interface), and while it is up ask the
 * host to switch the data path to it (NVSP switch data path, which the
 * host completes without payload): the host then sends the guest's
 * traffic through the VF, and so do we.  Before the VF goes down or away
 * the path is switched back to synthetic.  A disassociation (allocated 0)
 * or the host's own switch back to synthetic ends the VF path as well.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_macvlan.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <net/sch_generic.h>

#include "netvsc.h"

#define NETVSC_VF_SETUP_DELAY	(HZ / 10)	/* as Linux's VF_TAKEOVER_INT */

static LIST_HEAD(netvsc_vf_devs);	/* registered NICs, under RTNL */

static void netvsc_vf_work(struct work_struct *work);
static void netvsc_vf_setup(struct work_struct *work);

/**
 * netvsc_vf_init() - VF state of a new NIC
 * @nd: the NIC
 */
void netvsc_vf_init(struct netvsc_dev *nd)
{
	INIT_LIST_HEAD(&nd->vf_node);
	spin_lock_init(&nd->vf_lock);
	INIT_WORK(&nd->vf_work, netvsc_vf_work);
	INIT_DELAYED_WORK(&nd->vf_setup, netvsc_vf_setup);
}

/* Counted as the NIC's own: the VF's frames belong to it. */
static rx_handler_result_t netvsc_vf_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct netvsc_dev *nd = rcu_dereference(skb->dev->rx_handler_data);

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return RX_HANDLER_CONSUMED;
	*pskb = skb;
	skb->dev = nd->ndev;
	atomic64_inc(&nd->vf_rx_packets);
	atomic64_add(skb->len, &nd->vf_rx_bytes);
	return RX_HANDLER_ANOTHER;
}

/**
 * netvsc_vf_xmit() - send a frame by the VF
 * @nd: the NIC it was given to
 * @vf: its VF, running
 * @skb: the frame
 *
 * Return: NETDEV_TX_OK; a frame the VF refuses is counted as dropped.
 */
netdev_tx_t netvsc_vf_xmit(struct netvsc_dev *nd, struct net_device *vf,
			   struct sk_buff *skb)
{
	unsigned int len = skb->len;
	int ret;

	skb->dev = vf;
	skb_set_queue_mapping(skb, qdisc_skb_cb(skb)->slave_dev_queue_mapping);
	ret = dev_queue_xmit(skb);
	if (ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN) {
		atomic64_inc(&nd->vf_tx_packets);
		atomic64_add(len, &nd->vf_tx_bytes);
	} else {
		atomic64_inc(&nd->vf_tx_dropped);
	}
	return NETDEV_TX_OK;
}

/* The NIC of a joined VF, or NULL (RTNL). */
static struct netvsc_dev *netvsc_vf_nic(struct net_device *vf)
{
	if (rcu_access_pointer(vf->rx_handler) != netvsc_vf_rx)
		return NULL;
	return rtnl_dereference(vf->rx_handler_data);
}

/* A device that could be a VF: Ethernet, not a NIC of ours or on top of one. */
static bool netvsc_vf_candidate(struct net_device *dev)
{
	return !netvsc_is_netvsc(dev) && dev->type == ARPHRD_ETHER &&
	       dev->addr_len == ETH_ALEN && !is_vlan_dev(dev) &&
	       !netif_is_macvlan(dev) && !netif_is_bond_master(dev) &&
	       !netif_is_bridge_master(dev) && !netif_is_team_master(dev);
}

/* The vPCI serial of a VF on a PCI bus: the slot's name (Linux pci-hyperv). */
static bool netvsc_vf_pci_serial(const struct net_device *vf, u32 *serial)
{
	struct device *parent = vf->dev.parent;
	struct pci_dev *pdev;

	if (!parent || !dev_is_pci(parent))
		return false;
	pdev = to_pci_dev(parent);
	return pdev->slot && !kstrtou32(pci_slot_name(pdev->slot), 10, serial);
}

/*
 * The NIC a new VF belongs to: the same permanent MAC (before the VF is
 * registered only its address is set), the same namespace, and for a VF
 * in a vPCI slot the serial the host associated.  RTNL.
 */
static struct netvsc_dev *netvsc_vf_owner(const struct net_device *vf)
{
	struct netvsc_dev *nd;
	bool pci, ok;
	u32 serial;

	ASSERT_RTNL();
	pci = netvsc_vf_pci_serial(vf, &serial);
	list_for_each_entry(nd, &netvsc_vf_devs, vf_node) {
		const u8 *mac = nd->ndev->perm_addr;

		if (!ether_addr_equal(vf->perm_addr, mac) &&
		    !ether_addr_equal(vf->dev_addr, mac))
			continue;
		if (!net_eq(dev_net(vf), dev_net(nd->ndev)))
			continue;
		if (pci) {
			spin_lock_bh(&nd->vf_lock);
			ok = nd->vf_alloc && nd->vf_serial == serial;
			spin_unlock_bh(&nd->vf_lock);
			if (!ok)
				continue;
		}
		return nd;
	}
	return NULL;
}

/* Ask the host to send by @vf or synthetic; the completion has no payload. */
static int netvsc_vf_switch(struct netvsc_dev *nd, bool vf)
{
	struct nvsp_msg m = { .type = NVSP_MSG4_SWITCH_DATA_PATH };
	int ret;

	/* Stop sending by the VF before it may go */
	if (!vf)
		WRITE_ONCE(nd->dp_vf, false);
	if (READ_ONCE(nd->detached) || !netvsc_alive(nd))
		return -ENODEV;
	m.switch_dp.active = vf ? NVSP_DATAPATH_VF : NVSP_DATAPATH_SYNTHETIC;
	mutex_lock(&nd->ctrl_lock);
	ret = netvsc_nvsp_request(nd, &m, NULL, 0);
	mutex_unlock(&nd->ctrl_lock);
	if (ret) {
		/*
		 * The host may have switched all the same (a late or a bad
		 * completion): we send synthetic, it may send by the VF,
		 * which still hands us its frames.  Before the VF goes the
		 * path is switched back explicitly (netvsc_vf_update()).
		 */
		WRITE_ONCE(nd->dp_unsure, true);
		if (net_ratelimit())
			netdev_err(nd->ndev, "data path switch to %s failed: %d; sending synthetic\n",
				   vf ? "VF" : "synthetic", ret);
		return ret;
	}
	WRITE_ONCE(nd->dp_unsure, false);
	atomic_inc(&nd->vf_switches);
	if (vf)
		WRITE_ONCE(nd->dp_vf, true);
	netdev_info(nd->ndev, "data path switched to %s\n", vf ? "VF" : "synthetic");
	return 0;
}

/**
 * netvsc_vf_update() - put the data path where it belongs
 * @nd: the NIC
 * @going: its VF is about to go down
 *
 * By the VF while one is joined, running, associated by the host and the
 * host has not taken the path back; synthetic otherwise.  Caller holds RTNL.
 */
void netvsc_vf_update(struct netvsc_dev *nd, bool going)
{
	struct net_device *vf = rtnl_dereference(nd->vf);
	bool want;

	ASSERT_RTNL();
	spin_lock_bh(&nd->vf_lock);
	want = nd->vf_alloc && !nd->host_synth;
	spin_unlock_bh(&nd->vf_lock);
	want = want && vf && !going && netif_running(vf) &&
	       !READ_ONCE(nd->detached) && !READ_ONCE(nd->removing);
	/* After a failed switch the host's path is unknown: make it ours */
	if (want != READ_ONCE(nd->dp_vf) || (!want && READ_ONCE(nd->dp_unsure)))
		netvsc_vf_switch(nd, want);
}

static void netvsc_vf_work(struct work_struct *work)
{
	struct netvsc_dev *nd = container_of(work, struct netvsc_dev, vf_work);

	rtnl_lock();
	if (!READ_ONCE(nd->removing))
		netvsc_vf_update(nd, false);
	rtnl_unlock();
}

/* A joined VF takes the NIC's MTU, flags, addresses and state. */
static void netvsc_vf_setup(struct work_struct *work)
{
	struct netvsc_dev *nd = container_of(to_delayed_work(work), struct netvsc_dev,
					     vf_setup);
	struct net_device *ndev = nd->ndev, *vf;
	int ret;

	/* netvsc_vf_leave() waits for us under RTNL */
	if (!rtnl_trylock()) {
		schedule_delayed_work(&nd->vf_setup, 1);
		return;
	}
	vf = rtnl_dereference(nd->vf);
	if (!vf)
		goto out;
	ret = dev_set_mtu(vf, ndev->mtu);
	if (ret)
		netdev_warn(ndev, "VF %s refuses MTU %u: %d\n", vf->name, ndev->mtu, ret);
	dev_change_flags(vf, ndev->flags | IFF_SLAVE, NULL);
	netif_addr_lock_bh(ndev);
	dev_uc_sync(vf, ndev);
	dev_mc_sync(vf, ndev);
	netif_addr_unlock_bh(ndev);
	if (netif_running(ndev)) {
		ret = dev_open(vf, NULL);
		if (ret)
			netdev_warn(ndev, "cannot open VF %s: %d\n", vf->name, ret);
	}
	netvsc_vf_update(nd, false);
out:
	rtnl_unlock();
}

static int netvsc_vf_join(struct net_device *vf)
{
	struct netvsc_dev *nd;
	int ret;

	if (!netvsc_vf_enable || netvsc_vf_nic(vf))
		return NOTIFY_DONE;
	nd = netvsc_vf_owner(vf);
	if (!nd || rtnl_dereference(nd->vf) || READ_ONCE(nd->removing))
		return NOTIFY_DONE;
	ret = netdev_rx_handler_register(vf, netvsc_vf_rx, nd);
	if (ret) {
		netdev_err(nd->ndev, "cannot take VF %s's receive handler: %d\n",
			   vf->name, ret);
		return NOTIFY_DONE;
	}
	ret = netdev_master_upper_dev_link(vf, nd->ndev, NULL, NULL, NULL);
	if (ret) {
		netdev_err(nd->ndev, "cannot become VF %s's master: %d\n", vf->name, ret);
		netdev_rx_handler_unregister(vf);
		return NOTIFY_DONE;
	}
	dev_hold(vf);
	rcu_assign_pointer(nd->vf, vf);
	vf->wanted_features = nd->ndev->features;
	netdev_update_features(vf);
	netvsc_xdp_vf_join(nd, vf);
	netdev_info(nd->ndev, "VF %s joined\n", vf->name);
	schedule_delayed_work(&nd->vf_setup, NETVSC_VF_SETUP_DELAY);
	return NOTIFY_OK;
}

static void netvsc_vf_leave(struct netvsc_dev *nd, struct net_device *vf)
{
	ASSERT_RTNL();
	cancel_delayed_work_sync(&nd->vf_setup);
	/* Normally done when it went down */
	if (READ_ONCE(nd->dp_vf) || READ_ONCE(nd->dp_unsure))
		netvsc_vf_switch(nd, false);
	netvsc_xdp_vf_leave(nd, vf);
	RCU_INIT_POINTER(nd->vf, NULL);
	/* Waits for the readers of nd->vf too */
	netdev_rx_handler_unregister(vf);
	netdev_upper_dev_unlink(vf, nd->ndev);
	dev_put(vf);
	netdev_info(nd->ndev, "VF %s left\n", vf->name);
}

/**
 * netvsc_vf_attach() - a registered NIC can take VFs
 * @nd: the NIC
 *
 * Joins a VF that registered before it.  Caller holds RTNL.
 */
void netvsc_vf_attach(struct netvsc_dev *nd)
{
	struct net_device *dev;

	ASSERT_RTNL();
	list_add(&nd->vf_node, &netvsc_vf_devs);
	for_each_netdev(dev_net(nd->ndev), dev) {
		if (rtnl_dereference(nd->vf))
			break;
		if (netvsc_vf_candidate(dev) && !netvsc_vf_nic(dev))
			netvsc_vf_join(dev);
	}
}

/**
 * netvsc_vf_detach() - a NIC about to be unregistered lets its VF go
 * @nd: the NIC
 *
 * Caller holds RTNL.
 */
void netvsc_vf_detach(struct netvsc_dev *nd)
{
	struct net_device *vf = rtnl_dereference(nd->vf);

	ASSERT_RTNL();
	list_del_init(&nd->vf_node);
	if (vf)
		netvsc_vf_leave(nd, vf);
}

/**
 * netvsc_vf_reset() - the NVSP session ends: the host forgets VF and path
 * @nd: the NIC
 *
 * The next session's association brings them back.  Caller holds RTNL.
 */
void netvsc_vf_reset(struct netvsc_dev *nd)
{
	ASSERT_RTNL();
	WRITE_ONCE(nd->dp_vf, false);
	WRITE_ONCE(nd->dp_unsure, false);
	spin_lock_bh(&nd->vf_lock);
	nd->vf_alloc = false;
	nd->host_synth = false;
	spin_unlock_bh(&nd->vf_lock);
}

/* The fields of a host message after its type; false (counted) if short. */
static bool netvsc_vf_body(struct netvsc_dev *nd, const u8 *msg, u32 len,
			   void *body, u32 size, const char *what)
{
	if (len < sizeof(u32) + size) {
		atomic_long_inc(&nd->rx_errors);
		dev_err_ratelimited(netvsc_dev(nd), "%s of %u bytes dropped\n", what, len);
		return false;
	}
	memcpy(body, msg + sizeof(u32), size);
	return true;
}

/**
 * netvsc_vf_assoc() - the host's VF association message
 * @nd: the NIC
 * @msg: the NVSP message, type included
 * @len: its length
 *
 * NAPI context of the primary channel.  A message too short for its
 * fields or with an allocated flag other than 0 or 1 is dropped.
 */
void netvsc_vf_assoc(struct netvsc_dev *nd, const u8 *msg, u32 len)
{
	struct nvsp_vf_assoc a;

	if (!netvsc_vf_body(nd, msg, len, &a, sizeof(a), "VF association"))
		return;
	if (a.allocated > 1) {
		atomic_long_inc(&nd->rx_errors);
		dev_err_ratelimited(netvsc_dev(nd), "VF association with allocated %u dropped\n",
				    a.allocated);
		return;
	}
	spin_lock(&nd->vf_lock);
	nd->vf_alloc = a.allocated;
	nd->vf_serial = a.serial;
	if (a.allocated)
		nd->host_synth = false;
	spin_unlock(&nd->vf_lock);
	dev_info_ratelimited(netvsc_dev(nd), "host %s VF serial %u\n",
			     a.allocated ? "associated" : "withdrew", a.serial);
	if (!READ_ONCE(nd->removing))
		schedule_work(&nd->vf_work);
}

/**
 * netvsc_vf_host_switch() - the host switched the data path on its own
 * @nd: the NIC
 * @msg: the NVSP message, type included
 * @len: its length
 *
 * Hosts do so only back to synthetic, when the VF goes away (OpenVMM
 * lib.rs guest_vf_data_path_switched_to_synthetic()).  NAPI context.
 */
void netvsc_vf_host_switch(struct netvsc_dev *nd, const u8 *msg, u32 len)
{
	struct nvsp_switch_dp sw;

	if (!netvsc_vf_body(nd, msg, len, &sw, sizeof(sw), "data path switch"))
		return;
	if (sw.active != NVSP_DATAPATH_SYNTHETIC) {
		atomic_long_inc(&nd->rx_errors);
		dev_err_ratelimited(netvsc_dev(nd), "host switch to data path %u dropped\n",
				    sw.active);
		return;
	}
	spin_lock(&nd->vf_lock);
	nd->host_synth = true;
	spin_unlock(&nd->vf_lock);
	WRITE_ONCE(nd->dp_vf, false);
	WRITE_ONCE(nd->dp_unsure, false);
	dev_info_ratelimited(netvsc_dev(nd), "host switched the data path to synthetic\n");
}

static int netvsc_vf_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netvsc_dev *nd;

	if (!netvsc_vf_candidate(dev))
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_POST_INIT:
		/* Before it opens: no IPv6 address of its own */
		if (netvsc_vf_enable && netvsc_vf_owner(dev)) {
			dev->flags |= IFF_SLAVE;
			hvg_netdev_no_addrconf(dev);
		}
		return NOTIFY_DONE;
	case NETDEV_REGISTER:
		return netvsc_vf_join(dev);
	}
	nd = netvsc_vf_nic(dev);
	if (!nd)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UNREGISTER:
		netvsc_vf_leave(nd, dev);
		return NOTIFY_OK;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		netvsc_vf_update(nd, false);
		return NOTIFY_OK;
	case NETDEV_GOING_DOWN:
		netvsc_vf_update(nd, true);
		return NOTIFY_OK;
	}
	return NOTIFY_DONE;
}

static struct notifier_block netvsc_vf_notifier = {
	.notifier_call = netvsc_vf_event,
};

/**
 * netvsc_vf_register_notifier() - watch netdevs for VFs
 *
 * Return: 0 or a negative errno.
 */
int netvsc_vf_register_notifier(void)
{
	return register_netdevice_notifier(&netvsc_vf_notifier);
}

/**
 * netvsc_vf_unregister_notifier() - stop watching, once no NIC is left
 */
void netvsc_vf_unregister_notifier(void)
{
	unregister_netdevice_notifier(&netvsc_vf_notifier);
}
