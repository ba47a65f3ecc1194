// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host: accelerated networking.  The host can give the guest
 * a "VF" of a NIC: a netdev hvsimvf<N> in the guest's (root) namespace,
 * with the NIC's permanent MAC and no PCI parent, wired to the NIC's host
 * netdev hvsim<N>: what the guest sends by it arrives there, and while the
 * guest has switched the data path to the VF, what hvsim<N> sends goes to
 * the VF instead of the receive buffer.
 *
 * The messages follow OpenVMM's netvsp (lib.rs): the association (NVSP 4
 * SEND_VF_ASSOCIATION, in-band, completion requested, which Linux never
 * sends) goes once RNDIS is initialized, only to a guest whose NDIS config
 * has the SR-IOV capability (guest_vf_is_available()), before the VF
 * device appears; again in every new session.  The guest's SWITCH_DATA_PATH
 * is completed without payload; a switch to a VF that is not there leaves
 * the path synthetic and says so with a SWITCH_DATA_PATH to synthetic
 * (DataPathSwitchPending, DataPathSynthetic).  When the VF goes, the host
 * takes the path back if the guest has not (SWITCH_DATA_PATH synthetic),
 * then disassociates (UnavailableFromDataPathSwitched, ...FromAvailable).
 *
 * debugfs, per NIC: vf_add; vf_remove (the guest's driver sees the VF go
 * and can switch back first, as with a vPCI eject); vf_revoke (the VF
 * stops working at once, then goes: a surprise removal); fault_bad_assoc
 * (send N malformed association/switch messages).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/xdp.h>
#include <hvguest/compat.h>

#include "net.h"

#define HVSIM_VF_WAIT_MS	2000	/* for the messages to be sent */

struct hvsim_vf_priv {
	struct hvsim_net *n;
	struct bpf_prog __rcu *xdp;	/* its XDP program; RTNL to change */
};

static struct bpf_prog *hvsim_vf_prog(struct net_device *vf)
{
	return rcu_dereference_check(((struct hvsim_vf_priv *)netdev_priv(vf))->xdp,
				     rcu_read_lock_bh_held());
}

static struct hvsim_net *hvsim_vf_net(struct net_device *vf)
{
	return ((struct hvsim_vf_priv *)netdev_priv(vf))->n;
}

/* The guest sent a frame by the VF: it reaches the host netdev. */
static netdev_tx_t hvsim_vf_xmit(struct sk_buff *skb, struct net_device *vf)
{
	struct hvsim_net *n = hvsim_vf_net(vf);
	unsigned int len = skb->len;

	if (READ_ONCE(n->vf_dead)) {
		/* Revoked: the hardware is gone */
		dev_kfree_skb_any(skb);
		atomic64_inc(&n->vf_dropped);
		return NETDEV_TX_OK;
	}
	if (dev_forward_skb(n->ndev, skb) != NET_RX_SUCCESS) {
		atomic64_inc(&n->vf_dropped);
		return NETDEV_TX_OK;
	}
	atomic64_inc(&n->from_vf);
	atomic64_add(len, &n->from_vf_bytes);
	return NETDEV_TX_OK;
}

static int hvsim_vf_open(struct net_device *vf)
{
	netif_carrier_on(vf);
	return 0;
}

static int hvsim_vf_stop(struct net_device *vf)
{
	netif_carrier_off(vf);
	return 0;
}

/*
 * ndo_bpf: the VF runs an XDP program on what it receives, as a real VF's
 * driver does (mlx5 and mana run it natively; the guest's netvsc mirrors
 * its own program here); ours runs it the generic way.
 */
static int hvsim_vf_bpf(struct net_device *vf, struct netdev_bpf *b)
{
	struct hvsim_vf_priv *p = netdev_priv(vf);
	struct bpf_prog *old;

	ASSERT_RTNL();
	if (b->command != XDP_SETUP_PROG)
		return -EINVAL;
	old = rcu_replace_pointer(p->xdp, b->prog, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);
	return 0;
}

static void hvsim_vf_uninit(struct net_device *vf)
{
	struct hvsim_vf_priv *p = netdev_priv(vf);
	struct bpf_prog *old;

	/* A program its user (not the core) left: unregistered under RTNL */
	old = rcu_replace_pointer(p->xdp, NULL, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);
}

static const struct net_device_ops hvsim_vf_ops = {
	.ndo_uninit = hvsim_vf_uninit,
	.ndo_bpf = hvsim_vf_bpf,
	.ndo_open = hvsim_vf_open,
	.ndo_stop = hvsim_vf_stop,
	.ndo_start_xmit = hvsim_vf_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/**
 * hvsim_net_vf_rx() - a frame for the guest, if the data path is the VF
 * @n: the NIC
 * @skb: the frame hvsim<N> transmits
 *
 * Softirq.  Return: true if it was taken (delivered or dropped).
 */
bool hvsim_net_vf_rx(struct hvsim_net *n, struct sk_buff *skb)
{
	struct bpf_prog *prog;
	struct net_device *vf;

	if (!READ_ONCE(n->dp_vf))
		return false;
	vf = rcu_dereference_bh(n->vf);
	if (!vf || READ_ONCE(n->vf_dead)) {
		/* Never: the path goes back to synthetic before the VF goes */
		atomic64_inc(&n->vf_dropped);
		dev_kfree_skb_any(skb);
		return true;
	}
	prog = hvsim_vf_prog(vf);
	if (prog) {
		/* The VF's XDP program first: a frame at its Ethernet header */
		skb->dev = vf;
		/* Its queue: the VF's only one, not hvsim<N>'s transmit queue */
		skb_set_queue_mapping(skb, 0);
		skb->protocol = eth_type_trans(skb, vf);
		if (hvg_do_xdp_generic(prog, skb) != XDP_PASS) {
			atomic64_inc(&n->vf_xdp);
			return true;
		}
		skb_push(skb, ETH_HLEN);
	}
	/* Strict: frames for a VF the guest keeps down are lost, as on hardware */
	if (dev_forward_skb(vf, skb) == NET_RX_SUCCESS)
		atomic64_inc(&n->to_vf);
	else
		atomic64_inc(&n->vf_dropped);
	return true;
}

/* An NVSP message of @len bytes, in-band, completion requested (OpenVMM) */
static int hvsim_net_vf_send(struct hvsim_chan *chan, const struct nvsp_msg *m,
			     u32 len, u64 id, bool *signal)
{
	struct kvec kv = { .iov_base = (void *)m, .iov_len = len };

	return hvsim_chan_send(chan, VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, id, &kv, 1,
			       signal);
}

/* Serves fault_bad_assoc: a short association, a bad flag, a switch to VF. */
static int hvsim_net_vf_fault(struct hvsim_net *n, struct hvsim_chan *chan,
			      bool *signal)
{
	struct nvsp_msg m = {};
	u32 len = sizeof(m);
	int ret;

	switch (n->fault_bad_assoc % 3) {
	case 0:
		m.type = NVSP_MSG4_SEND_VF_ASSOCIATION;
		len = 8;		/* the type and the flag: no serial */
		m.vf_assoc.allocated = 1;
		break;
	case 1:
		m.type = NVSP_MSG4_SEND_VF_ASSOCIATION;
		m.vf_assoc.allocated = 7;
		m.vf_assoc.serial = 99;
		break;
	default:
		m.type = NVSP_MSG4_SWITCH_DATA_PATH;
		m.switch_dp.active = NVSP_DATAPATH_VF + 5;
	}
	ret = hvsim_net_vf_send(chan, &m, len, HVSIM_NET_VF_ASSOC_ID, signal);
	if (ret)
		return ret;
	n->fault_bad_assoc--;
	pr_info("fault: net%u malformed VF message sent\n", n->dev->id);
	return 0;
}

/**
 * hvsim_net_vf_service() - send the VF messages that are due
 * @n: the NIC
 * @chan: its primary channel
 * @signal: set when the guest must be signalled
 *
 * Under hvsim.lock.  The switch back to synthetic goes before the
 * (dis)association; both wait for RNDIS to be initialized.
 *
 * Return: 0, or -ENOSPC to be called again.
 */
int hvsim_net_vf_service(struct hvsim_net *n, struct hvsim_chan *chan,
			 bool *signal)
{
	struct nvsp_msg m = {};
	int ret;

	lockdep_assert_held(&hvsim.lock);
	if (!n->rndis_up || n->nvsp < NVSP_VERSION_4)
		return 0;
	if (n->synth_pending) {
		m.type = NVSP_MSG4_SWITCH_DATA_PATH;
		m.switch_dp.active = NVSP_DATAPATH_SYNTHETIC;
		ret = hvsim_net_vf_send(chan, &m, sizeof(m), HVSIM_NET_VF_SWITCH_ID,
					signal);
		if (ret)
			return ret;
		n->synth_pending = false;
		n->st.vf_host_switches++;
	}
	if (n->assoc_pending && !n->sriov_cap) {
		n->assoc_pending = false;	/* OpenVMM: skipped */
	} else if (n->assoc_pending) {
		memset(&m, 0, sizeof(m));
		m.type = NVSP_MSG4_SEND_VF_ASSOCIATION;
		m.vf_assoc.allocated = n->vf_assoc;
		m.vf_assoc.serial = n->vf_serial;
		ret = hvsim_net_vf_send(chan, &m, sizeof(m), HVSIM_NET_VF_ASSOC_ID,
					signal);
		if (ret)
			return ret;
		n->assoc_pending = false;
		n->st.vf_assocs++;
	}
	while (n->fault_bad_assoc) {
		ret = hvsim_net_vf_fault(n, chan, signal);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * hvsim_net_vf_switch() - the guest's SWITCH_DATA_PATH
 * @n: the NIC
 * @chan: the channel it came on
 * @m: the message
 * @len: its length
 *
 * Under hvsim.lock.  Return: 1 to complete it (without payload), or
 * -EINVAL if malformed (no completion).
 */
int hvsim_net_vf_switch(struct hvsim_net *n, struct hvsim_chan *chan,
			const struct nvsp_msg *m, u32 len)
{
	bool to_vf;

	lockdep_assert_held(&hvsim.lock);
	if (n->nvsp < NVSP_VERSION_4 || len < sizeof(u32) + sizeof(m->switch_dp) ||
	    m->switch_dp.active > NVSP_DATAPATH_VF) {
		n->st.bad_msgs++;
		pr_err_ratelimited("net%u: bad SWITCH_DATA_PATH from the guest\n", n->dev->id);
		return -EINVAL;
	}
	to_vf = m->switch_dp.active == NVSP_DATAPATH_VF;
	n->st.vf_switches++;
	if (to_vf && (!rcu_access_pointer(n->vf) || n->vf_dead || !n->vf_assoc)) {
		/* OpenVMM: the switch fails, the path stays synthetic */
		WRITE_ONCE(n->dp_vf, false);
		n->synth_pending = true;
		return 1;
	}
	WRITE_ONCE(n->dp_vf, to_vf);
	return 1;
}

/**
 * hvsim_net_vf_reset() - a new NVSP session: no data path switch yet
 * @n: the NIC
 *
 * A VF still offered is associated again once RNDIS is up.
 */
void hvsim_net_vf_reset(struct hvsim_net *n)
{
	WRITE_ONCE(n->dp_vf, false);
	n->synth_pending = false;
	n->sriov_cap = false;
	n->assoc_pending = n->vf_assoc;
}

static void hvsim_net_vf_kick(struct hvsim_net *n)
{
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	if (n->q[0].chan)
		hvsim_chan_queue(n->q[0].chan);
	spin_unlock_irqrestore(&n->lock, flags);
}

/* Let the guest see what is due, for a while: no lock held. */
static void hvsim_net_vf_flush(struct hvsim_net *n)
{
	unsigned int ms;

	hvsim_net_vf_kick(n);
	for (ms = 0; ms < HVSIM_VF_WAIT_MS; ms += 20) {
		if (!READ_ONCE(n->assoc_pending) && !READ_ONCE(n->synth_pending))
			break;
		msleep(20);
	}
}

static int hvsim_net_vf_add(struct hvsim_net *n)
{
	struct net_device *vf;
	int ret;

	vf = alloc_netdev(sizeof(struct hvsim_vf_priv), "hvsimvf%d", NET_NAME_ENUM,
			  ether_setup);
	if (!vf)
		return -ENOMEM;
	snprintf(vf->name, IFNAMSIZ, "hvsimvf%u", n->dev->id);
	((struct hvsim_vf_priv *)netdev_priv(vf))->n = n;
	vf->netdev_ops = &hvsim_vf_ops;
	vf->max_mtu = n->mtu;
	vf->priv_flags |= IFF_NO_QUEUE;
	vf->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA |
			  NETIF_F_GSO_SOFTWARE | NETIF_F_RXCSUM;
	vf->features = vf->hw_features;
	eth_hw_addr_set(vf, n->perm_mac);
	netif_carrier_off(vf);

	/* The association first, then the device (OpenVMM's order) */
	down_write(&hvsim.lock);
	n->vf_serial = ++n->vf_adds;
	n->vf_assoc = true;
	n->assoc_pending = true;
	WRITE_ONCE(n->vf_dead, false);
	up_write(&hvsim.lock);
	hvsim_net_vf_flush(n);

	ret = register_netdev(vf);
	if (ret) {
		free_netdev(vf);
		down_write(&hvsim.lock);
		n->vf_assoc = false;
		n->assoc_pending = true;
		up_write(&hvsim.lock);
		hvsim_net_vf_kick(n);
		return ret;
	}
	n->vf_dev = vf;
	rcu_assign_pointer(n->vf, vf);
	return 0;
}

/* Remove the VF device, then disassociate; @revoke: it died first. */
static void hvsim_net_vf_del(struct hvsim_net *n, bool revoke)
{
	struct net_device *vf = n->vf_dev;

	if (revoke) {
		down_write(&hvsim.lock);
		WRITE_ONCE(n->vf_dead, true);
		if (n->dp_vf) {
			WRITE_ONCE(n->dp_vf, false);
			n->synth_pending = true;
		}
		up_write(&hvsim.lock);
		hvsim_net_vf_kick(n);
	}
	/* The guest's driver sees it go (and switches back first if it can) */
	unregister_netdev(vf);
	RCU_INIT_POINTER(n->vf, NULL);
	synchronize_net();
	free_netdev(vf);
	n->vf_dev = NULL;

	down_write(&hvsim.lock);
	if (n->dp_vf) {
		WRITE_ONCE(n->dp_vf, false);
		n->synth_pending = true;
	}
	n->vf_assoc = false;
	n->assoc_pending = true;
	up_write(&hvsim.lock);
	hvsim_net_vf_flush(n);
}

static ssize_t hvsim_net_vf_write(struct file *f, const char __user *ubuf,
				  size_t len, loff_t *pos, int op)
{
	struct hvsim_net *n = f->f_inode->i_private;
	int ret = 0;

	mutex_lock(&n->vf_mutex);
	if (op == 0)
		ret = n->vf_dev ? -EEXIST : hvsim_net_vf_add(n);
	else if (!n->vf_dev)
		ret = -ENODEV;
	else
		hvsim_net_vf_del(n, op == 2);
	mutex_unlock(&n->vf_mutex);
	return ret ? ret : len;
}

static ssize_t hvsim_net_vf_add_write(struct file *f, const char __user *ubuf,
				      size_t len, loff_t *pos)
{
	return hvsim_net_vf_write(f, ubuf, len, pos, 0);
}

static ssize_t hvsim_net_vf_remove_write(struct file *f, const char __user *ubuf,
					 size_t len, loff_t *pos)
{
	return hvsim_net_vf_write(f, ubuf, len, pos, 1);
}

static ssize_t hvsim_net_vf_revoke_write(struct file *f, const char __user *ubuf,
					 size_t len, loff_t *pos)
{
	return hvsim_net_vf_write(f, ubuf, len, pos, 2);
}

static const struct file_operations hvsim_net_vf_add_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_net_vf_add_write,
	.llseek = noop_llseek,
};

static const struct file_operations hvsim_net_vf_remove_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_net_vf_remove_write,
	.llseek = noop_llseek,
};

static const struct file_operations hvsim_net_vf_revoke_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = hvsim_net_vf_revoke_write,
	.llseek = noop_llseek,
};

static ssize_t hvsim_net_vf_fault_write(struct file *f, const char __user *ubuf,
					size_t len, loff_t *pos)
{
	struct hvsim_net *n = f->f_inode->i_private;
	u32 v;
	int ret;

	ret = kstrtou32_from_user(ubuf, len, 0, &v);
	if (ret)
		return ret;
	down_write(&hvsim.lock);
	n->fault_bad_assoc = v;
	up_write(&hvsim.lock);
	hvsim_net_vf_kick(n);
	return len;
}

static ssize_t hvsim_net_vf_fault_read(struct file *f, char __user *ubuf,
				       size_t len, loff_t *pos)
{
	struct hvsim_net *n = f->f_inode->i_private;
	char buf[16];

	snprintf(buf, sizeof(buf), "%u\n", READ_ONCE(n->fault_bad_assoc));
	return simple_read_from_buffer(ubuf, len, pos, buf, strlen(buf));
}

static const struct file_operations hvsim_net_vf_fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = hvsim_net_vf_fault_read,
	.write = hvsim_net_vf_fault_write,
	.llseek = default_llseek,
};

/**
 * hvsim_net_vf_create() - the VF knobs of a new NIC
 * @n: the NIC
 */
void hvsim_net_vf_create(struct hvsim_net *n)
{
	struct dentry *dir = n->dev->dir;

	mutex_init(&n->vf_mutex);
	debugfs_create_file("vf_add", 0200, dir, n, &hvsim_net_vf_add_fops);
	debugfs_create_file("vf_remove", 0200, dir, n, &hvsim_net_vf_remove_fops);
	debugfs_create_file("vf_revoke", 0200, dir, n, &hvsim_net_vf_revoke_fops);
	debugfs_create_file("fault_bad_assoc", 0600, dir, n, &hvsim_net_vf_fault_fops);
}

/**
 * hvsim_net_vf_destroy() - the NIC goes: so does its VF, at once
 * @n: the NIC
 */
void hvsim_net_vf_destroy(struct hvsim_net *n)
{
	struct net_device *vf = n->vf_dev;

	if (!vf)
		return;
	WRITE_ONCE(n->vf_dead, true);
	WRITE_ONCE(n->dp_vf, false);
	unregister_netdev(vf);
	RCU_INIT_POINTER(n->vf, NULL);
	synchronize_net();
	free_netdev(vf);
	n->vf_dev = NULL;
}

/**
 * hvsim_net_vf_show() - the VF's line of the NIC's stats
 * @s: the file
 * @n: the NIC
 */
void hvsim_net_vf_show(struct seq_file *s, struct hvsim_net *n)
{
	struct bpf_prog *prog = NULL;
	struct net_device *vf;
	u32 id;

	rcu_read_lock();
	vf = rcu_dereference(n->vf);
	if (vf)
		prog = hvsim_vf_prog(vf);
	id = prog ? prog->aux->id : 0;
	rcu_read_unlock();
	seq_printf(s, "vf present %d assoc %d serial %u sriov %d dp %s to_vf %lld from_vf %lld from_vf_bytes %lld vf_dropped %lld switches %llu host_switches %llu assocs %llu xdp_prog %u vf_xdp %lld\n",
		   !!vf, n->vf_assoc, n->vf_serial,
		   n->sriov_cap, n->dp_vf ? "vf" : "synthetic",
		   (s64)atomic64_read(&n->to_vf), (s64)atomic64_read(&n->from_vf),
		   (s64)atomic64_read(&n->from_vf_bytes),
		   (s64)atomic64_read(&n->vf_dropped), n->st.vf_switches,
		   n->st.vf_host_switches, n->st.vf_assocs, id,
		   (s64)atomic64_read(&n->vf_xdp));
}
