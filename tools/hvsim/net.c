// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host (new_device "net [nvsp=6.1|6|5|4|2|1] [mtu=N]
 * [link=0|1] [offload=0|1]"): the service callbacks and the debugfs knobs of dev<N>/:
 * link (write 0/1 to flap the carrier; the guest gets a status
 * indication), fault_bad_offset and fault_bad_rndis (spoil the next N
 * receive packets), stats.
 */
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "net.h"

static int hvsim_net_parse_nvsp(const char *v, u32 *out)
{
	static const struct { const char *s; u32 v; } map[] = {
		{ "6.1", NVSP_VERSION_61 }, { "6", NVSP_VERSION_6 },
		{ "5", NVSP_VERSION_5 }, { "4", NVSP_VERSION_4 },
		{ "2", NVSP_VERSION_2 }, { "1", NVSP_VERSION_1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		if (!strcmp(v, map[i].s)) {
			*out = map[i].v;
			return 0;
		}
	}
	return -EINVAL;
}

static int hvsim_net_parse(struct hvsim_net *n, char *args)
{
	char *tok, *val;
	int ret = 0;

	while (args && (tok = strsep(&args, " \t\n")) && !ret) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "nvsp"))
			ret = hvsim_net_parse_nvsp(val, &n->max_nvsp);
		else if (!strcmp(tok, "mtu"))
			ret = kstrtou32(val, 0, &n->mtu);
		else if (!strcmp(tok, "link"))
			ret = kstrtobool(val, &n->link);
		else if (!strcmp(tok, "offload"))
			ret = kstrtobool(val, &n->offload);
		else
			ret = -EINVAL;
	}
	if (!ret && (n->mtu < ETH_MIN_MTU || n->mtu > HVSIM_NET_MAX_MTU))
		ret = -EINVAL;
	if (ret)
		pr_err("hvsim: net: bad arguments (nvsp=6.1|6|5|4|2|1 mtu=68..%u link=0|1 offload=0|1)\n",
		       HVSIM_NET_MAX_MTU);
	return ret;
}

static void hvsim_net_kick(struct hvsim_net *n)
{
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	if (n->chan)
		queue_work(hvsim.wq, &n->chan->work);
	spin_unlock_irqrestore(&n->lock, flags);
}

static ssize_t hvsim_net_link_write(struct file *f, const char __user *ubuf,
				    size_t len, loff_t *pos)
{
	struct hvsim_net *n = f->f_inode->i_private;
	bool up;
	int ret;

	ret = kstrtobool_from_user(ubuf, len, &up);
	if (ret)
		return ret;
	mutex_lock(&hvsim.lock);
	if (n->link != up) {
		n->link = up;
		n->link_changed = true;
	}
	mutex_unlock(&hvsim.lock);
	hvsim_net_dev_carrier(n);
	hvsim_net_kick(n);
	return len;
}

static ssize_t hvsim_net_link_read(struct file *f, char __user *ubuf,
				   size_t len, loff_t *pos)
{
	struct hvsim_net *n = f->f_inode->i_private;
	char buf[4];

	snprintf(buf, sizeof(buf), "%d\n", READ_ONCE(n->link));
	return simple_read_from_buffer(ubuf, len, pos, buf, strlen(buf));
}

static const struct file_operations hvsim_net_link_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = hvsim_net_link_read,
	.write = hvsim_net_link_write,
	.llseek = default_llseek,
};

static int hvsim_net_stats_show(struct seq_file *s, void *unused)
{
	struct hvsim_net *n = s->private;

	mutex_lock(&hvsim.lock);
	seq_printf(s, "offload tx_csum %#x lso4 %d lso6 %d\n", n->tx_csum, n->lso4,
		   n->lso6);
	seq_printf(s, "nvsp %#x\nrndis %s\nfilter %#x\nslots %u\nfrom_guest %llu\n"
		   "to_guest %llu\nrx_dropped %llu\nbad_msgs %llu\nctrl_msgs %llu\n",
		   n->nvsp, n->rndis_up ? "up" : "down", n->filter, n->nslots,
		   n->st.from_guest, n->st.to_guest, n->st.rx_dropped,
		   n->st.bad_msgs, n->st.ctrl_msgs);
	mutex_unlock(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_net_stats);

static int hvsim_net_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_net *n;
	int ret;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->max_nvsp = NVSP_VERSION_61;
	n->mtu = HVSIM_NET_MAX_MTU;
	n->link = true;
	n->offload = true;
	spin_lock_init(&n->lock);
	skb_queue_head_init(&n->rxq);
	ret = hvsim_net_parse(n, args);
	if (ret)
		goto err;
	n->slot_size = ALIGN(RNDIS_PKT_HDR_LEN + VLAN_ETH_HLEN + n->mtu, 64);
	n->mac[0] = 0x00;
	n->mac[1] = 0x15;
	n->mac[2] = 0x5d;
	n->mac[3] = 0xee;
	n->mac[4] = dev->id >> 8;
	n->mac[5] = dev->id;
	ret = hvsim_net_dev_create(n);
	if (ret)
		goto err;
	dev->priv = n;
	debugfs_create_file("link", 0600, dev->dir, n, &hvsim_net_link_fops);
	debugfs_create_u32("fault_bad_offset", 0600, dev->dir, &n->fault_bad_offset);
	debugfs_create_u32("fault_bad_rndis", 0600, dev->dir, &n->fault_bad_rndis);
	debugfs_create_file("stats", 0400, dev->dir, n, &hvsim_net_stats_fops);
	return 0;
err:
	kfree(n);
	return ret;
}

static void hvsim_net_destroy(struct hvsim_dev *dev)
{
	struct hvsim_net *n = dev->priv;

	hvsim_net_dev_destroy(n);
	skb_queue_purge(&n->rxq);
	hvsim_net_reset(n);
	kfree(n);
}

static int hvsim_net_open(struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;

	if (chan->subidx)
		return -EINVAL;
	hvsim_net_reset(n);
	spin_lock_irq(&n->lock);
	n->chan = chan;
	spin_unlock_irq(&n->lock);
	hvsim_net_dev_carrier(n);
	return 0;
}

static void hvsim_net_close(struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;

	spin_lock_irq(&n->lock);
	n->chan = NULL;
	spin_unlock_irq(&n->lock);
	skb_queue_purge(&n->rxq);
	hvsim_net_reset(n);
	hvsim_net_dev_carrier(n);
}

/* Host frames into the guest's receive buffer; true if some are left. */
static bool hvsim_net_drain(struct hvsim_net *n, struct hvsim_chan *chan,
			    bool *signal)
{
	struct rndis_packet p = { .data_offset = sizeof(p) };
	struct rndis_hdr h = { .type = RNDIS_MSG_PACKET };
	u8 hdr[RNDIS_PKT_HDR_LEN];
	struct sk_buff *skb;
	unsigned int i;
	int ret;

	for (i = 0; i < HVSIM_NET_BUDGET; i++) {
		skb = skb_dequeue(&n->rxq);
		if (!skb)
			return false;
		if (!n->rndis_up || !n->filter || skb_linearize(skb)) {
			n->st.rx_dropped++;
			kfree_skb(skb);
			continue;
		}
		h.len = RNDIS_PKT_HDR_LEN + skb->len;
		p.data_len = skb->len;
		memcpy(hdr, &h, sizeof(h));
		memcpy(hdr + sizeof(h), &p, sizeof(p));
		ret = hvsim_net_deliver(n, chan, hdr, sizeof(hdr), skb->data,
					skb->len, signal);
		if (ret == -ENOSPC) {
			skb_queue_head(&n->rxq, skb);
			return false;	/* the guest signals when it made room */
		}
		if (ret) {
			n->st.rx_dropped++;
			if (ret == -EIO)
				chan->broken = true;
			kfree_skb(skb);
			continue;
		}
		n->st.to_guest++;
		consume_skb(skb);
	}
	return !skb_queue_empty(&n->rxq);
}

static bool hvsim_net_service(struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;
	bool more, signal = false;

	more = hvsim_chan_service(chan, hvsim_net_packet, HVSIM_NET_BUDGET);
	if (chan->broken)
		return false;
	if (hvsim_net_indicate(n, chan, &signal) == 0)
		more |= hvsim_net_drain(n, chan, &signal);
	if (chan->broken) {
		hvsim_chan_broken(chan, "guest corrupted its receive ring");
		more = false;
	}
	if (signal)
		hvsim_signal_guest(chan);
	return more;
}

static void hvsim_net_show(struct seq_file *s, struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;

	seq_printf(s, " netdev %s nvsp %#x rndis %s link %d", n->ndev->name,
		   n->nvsp, n->rndis_up ? "up" : "down", n->link);
}

const struct hvsim_service hvsim_net_svc = {
	.name = "net",
	.class_id = HVG_NET_CLASS_GUID,
	.create = hvsim_net_create,
	.destroy = hvsim_net_destroy,
	.open = hvsim_net_open,
	.close = hvsim_net_close,
	.service = hvsim_net_service,
	.show = hvsim_net_show,
};
