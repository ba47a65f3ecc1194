// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvsim network host (new_device "net [nvsp=6.1|6|5|4|2|1] [mtu=N]
 * [link=0|1] [offload=0|1] [channels=1..17] [mac_change=0|1]"): the
 * per-personality facts, the service callbacks and the debugfs knobs of
 * dev<N>/: link (write 0/1 to flap the carrier; the guest gets a status
 * indication), fault_bad_offset, fault_bad_section and fault_bad_rndis
 * (spoil the next N receive packets), fault_bad_rsc (the next N coalesced
 * frames lack their last fragment), fault_bad_ppi (the next N frames'
 * first per-packet info has an offset that wraps), fault_comp_storm (send
 * N completions the guest never asked for), fault_early_xfer (a transfer-page packet
 * before the reply to the guest's next NVSP INIT), fault_ctrl_late
 * (write an NVSP message type: the completion of the next such control
 * request is withheld, and sent late, just before the guest's following
 * control request is served), fault_tx_reject (the next N data sends
 * are completed with NVSP_STAT_FAIL), fault_rndis_reply (before the
 * replies to the next N RNDIS queries and sets, a failed reply for a
 * request id never used), fault_sub_excess (the next N subchannel
 * requests get two subchannels more offered than asked),
 * fault_bad_pkt_off (the next N RNDIS packet messages name data or
 * per-packet info outside themselves), fault_switch_comp (a setting: the
 * completion of the guest's next data path switch is 1 late, 2 mistyped,
 * 3 never sent; the switch itself is made), stats.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/tcp.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <hvguest/compat.h>

#include "net.h"

/*
 * What each real host's network service offers.  NVSP versions: Linux
 * netvsc.c negotiate_nvsp_ver()/netvsc_connect_vsp() tries 6.1, 6, 5, 4,
 * 2, 1 (NVSP 5 came with Windows Server 2012 R2, 6 with 2016, 6.1 with
 * 2019); OpenVMM netvsp lib.rs SUPPORTED_VERSIONS ends at V61.  LSOv2:
 * OpenVMM rndisprot.rs LSO_MAX_OFFLOAD_SIZE 0xF53C (62780) and
 * LSO_MIN_SEGMENT_COUNT 2, "the same maximum/minimum as vmswitch".  RSC:
 * Linux commit "hv_netvsc: Add support for LRO/RSC in the vSwitch" (RSC in
 * the vSwitch from Windows Server 2019, NVSP 6.1); OpenVMM's
 * OffloadConfig::ndis_offload() leaves the rsc field zero.  Offload
 * capabilities: OpenVMM always answers revision 3 with
 * NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_3 (156) bytes; Hyper-V answers the
 * layout the NVSP version implies (Linux rndis_query_hwcaps() asks for
 * revision 3/156 from NVSP 5 on, 1/112 before).  Send table offset: Linux
 * netvsc_send_table(), "if negotiated version <= NVSP_PROTOCOL_VERSION_6,
 * the offset may be wrong due to a host bug": those hosts put the table
 * after a whole 40-byte NVSP message.  Receive queues: no public source
 * gives vmswitch's number; 8 is Linux's VRSS_CHANNEL_DEFAULT; OpenVMM's is
 * the VMM's configuration (max_queues, at most 64 per vNIC).
 */
/* What every host has in common: LSOv2 limits, 8 receive queues */
#define HVSIM_NET_PERS(nvsp, ...) \
	{ .max_nvsp = (nvsp), .lso_max = 62780, .lso_minsg = 2, .queues = 8, \
	  __VA_ARGS__ }

const struct hvsim_net_pers hvsim_net_pers_tab[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = HVSIM_NET_PERS(NVSP_VERSION_5, .itab_bad_offset = true),
	[HVSIM_PERS_WS2016] = HVSIM_NET_PERS(NVSP_VERSION_6, .itab_bad_offset = true),
	[HVSIM_PERS_WS2019] = HVSIM_NET_PERS(NVSP_VERSION_61, .rsc = true),
	[HVSIM_PERS_AZURE] = HVSIM_NET_PERS(NVSP_VERSION_61, .rsc = true),
	[HVSIM_PERS_OPENVMM] = HVSIM_NET_PERS(NVSP_VERSION_61, .caps_rev3 = true),
};

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
		else if (!strcmp(tok, "channels"))
			ret = kstrtou32(val, 0, &n->queues);
		else if (!strcmp(tok, "mac_change"))
			ret = kstrtobool(val, &n->mac_change);
		else
			ret = -EINVAL;
	}
	/* A host offers no NVSP version newer than its own. */
	n->max_nvsp = min(n->max_nvsp, n->pers->max_nvsp);
	if (!ret && (n->mtu < ETH_MIN_MTU || n->mtu > HVSIM_NET_MAX_MTU ||
		     !n->queues || n->queues > HVSIM_NET_MAX_QUEUES))
		ret = -EINVAL;
	if (ret)
		pr_err("net: bad arguments (nvsp=6.1|6|5|4|2|1 mtu=68..%u link=0|1 offload=0|1 channels=1..%u mac_change=0|1)\n",
		       HVSIM_NET_MAX_MTU, HVSIM_NET_MAX_QUEUES);
	return ret;
}

static void hvsim_net_kick(struct hvsim_net *n)
{
	unsigned long flags;

	spin_lock_irqsave(&n->lock, flags);
	if (n->q[0].chan)
		hvsim_chan_queue(n->q[0].chan);
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
	down_write(&hvsim.lock);
	if (n->link != up) {
		n->link = up;
		n->link_changed = true;
	}
	up_write(&hvsim.lock);
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

	unsigned int i;

	down_write(&hvsim.lock);
	seq_printf(s, "offload tx_csum %#x lso4 %d lso6 %d\n", n->tx_csum, n->lso4,
		   n->lso6);
	seq_printf(s, "nvsp %#x\nrndis %s\nfilter %#x\nslots %u\nfrom_guest %llu\n"
		   "to_guest %llu\nrx_dropped %llu\nbad_msgs %llu\nctrl_msgs %llu\n",
		   n->nvsp, n->rndis_up ? "up" : "down", n->filter, n->nslots,
		   n->st.from_guest, n->st.to_guest, n->st.rx_dropped,
		   n->st.bad_msgs, n->st.ctrl_msgs);
	seq_printf(s, "rsc cap %d ip4 %d ip6 %d frames %llu segmented %llu csum_unset %llu\n",
		   n->rsc_cap, n->rsc4, n->rsc6, n->st.rsc_frames, n->st.segmented,
		   n->st.csum_unset);
	seq_printf(s, "rx_csum %#x\ncsum_marked %llu\nvlan_rx %llu\nvlan_tx %llu\n",
		   n->rx_csum, n->st.csum_marked, n->st.vlan_rx, n->st.vlan_tx);
	seq_printf(s, "lso_max %u\nlso_frames %llu\nparams_refused %llu\nitab_sent %llu\n",
		   n->pers->lso_max, n->st.lso_frames, n->st.params_refused,
		   n->st.itab_sent);
	seq_printf(s, "mac %pM\nsubchannels %u\nrss %d", n->mac, n->subs, n->rss);
	if (n->rss) {
		seq_printf(s, " key %*phN itab", NDIS_RSS_KEY_LEN, n->rss_key);
		for (i = 0; i < n->rss_itab_n; i++)
			seq_printf(s, " %u", n->rss_itab[i]);
	}
	seq_puts(s, "\nqueues");
	for (i = 0; i < n->queues; i++)
		seq_printf(s, " %llu%s", n->st.q_to_guest[i], n->q[i].chan ? "" : "-");
	seq_puts(s, "\nbacklog");
	for (i = 0; i < n->queues; i++)
		seq_printf(s, " %u%s", skb_queue_len(&n->q[i].rxq),
			   n->q[i].starved ? "s" : "");
	seq_printf(s, "\nslots_used %u\n", n->slots_used);
	hvsim_net_vf_show(s, n);
	up_write(&hvsim.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hvsim_net_stats);

static int hvsim_net_create(struct hvsim_dev *dev, char *args)
{
	struct hvsim_net *n;
	unsigned int i;
	int ret;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->pers = &hvsim_net_pers_tab[dev->pers->id];
	n->max_nvsp = n->pers->max_nvsp;
	n->mtu = HVSIM_NET_MAX_MTU;
	n->link = true;
	n->offload = true;
	n->queues = n->pers->queues;
	spin_lock_init(&n->lock);
	for (i = 0; i < HVSIM_NET_MAX_QUEUES; i++)
		skb_queue_head_init(&n->q[i].rxq);
	ret = hvsim_net_parse(n, args);
	if (ret)
		goto err;
	n->slot_size = ALIGN(RNDIS_PKT_HDR_LEN + HVSIM_NET_RX_PPIS * RNDIS_PPI_LEN +
			     VLAN_ETH_HLEN + n->mtu, 64);
	n->perm_mac[0] = 0x00;
	n->perm_mac[1] = 0x15;
	n->perm_mac[2] = 0x5d;
	n->perm_mac[3] = 0xee;
	n->perm_mac[4] = dev->id >> 8;
	n->perm_mac[5] = dev->id;
	ether_addr_copy(n->mac, n->perm_mac);
	ret = hvsim_net_dev_create(n);
	if (ret)
		goto err;
	dev->priv = n;
	debugfs_create_file("link", 0600, dev->dir, n, &hvsim_net_link_fops);
	debugfs_create_u32("fault_bad_offset", 0600, dev->dir, &n->fault_bad_offset);
	debugfs_create_u32("fault_bad_rndis", 0600, dev->dir, &n->fault_bad_rndis);
	debugfs_create_u32("fault_bad_section", 0600, dev->dir, &n->fault_bad_section);
	debugfs_create_u32("fault_comp_storm", 0600, dev->dir, &n->fault_comp_storm);
	debugfs_create_u32("fault_bad_rsc", 0600, dev->dir, &n->fault_bad_rsc);
	debugfs_create_u32("fault_early_xfer", 0600, dev->dir, &n->fault_early_xfer);
	debugfs_create_u32("fault_bad_ppi", 0600, dev->dir, &n->fault_bad_ppi);
	debugfs_create_u32("fault_ctrl_late", 0600, dev->dir, &n->fault_ctrl_late);
	debugfs_create_u32("fault_tx_reject", 0600, dev->dir, &n->fault_tx_reject);
	debugfs_create_u32("fault_rndis_reply", 0600, dev->dir, &n->fault_rndis_reply);
	debugfs_create_u32("fault_sub_excess", 0600, dev->dir, &n->fault_sub_excess);
	debugfs_create_u32("fault_bad_pkt_off", 0600, dev->dir, &n->fault_bad_pkt_off);
	debugfs_create_u32("fault_switch_comp", 0600, dev->dir, &n->fault_switch_comp);
	debugfs_create_file("stats", 0400, dev->dir, n, &hvsim_net_stats_fops);
	hvsim_net_vf_create(n);
	return 0;
err:
	kfree(n);
	return ret;
}

static void hvsim_net_purge(struct hvsim_net *n)
{
	unsigned int i;

	for (i = 0; i < HVSIM_NET_MAX_QUEUES; i++)
		skb_queue_purge(&n->q[i].rxq);
}

static void hvsim_net_destroy(struct hvsim_dev *dev)
{
	struct hvsim_net *n = dev->priv;

	hvsim_net_vf_destroy(n);
	hvsim_net_dev_destroy(n);
	hvsim_net_purge(n);
	hvsim_net_reset(n);
	kfree(n);
}

static int hvsim_net_open(struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;

	if (chan->subidx >= n->queues)
		return -EINVAL;
	if (chan->subidx && !n->q[0].chan)
		return -EINVAL;		/* subchannels work for an open primary */
	if (!chan->subidx) {
		hvsim_net_reset(n);
		n->primary_relid = chan->relid;
	}
	chan->priv = &n->q[chan->subidx];
	spin_lock_irq(&n->lock);
	n->q[chan->subidx].chan = chan;
	spin_unlock_irq(&n->lock);
	if (!chan->subidx) {
		hvsim_net_dev_carrier(n);
		return 0;
	}
	/* All the subchannels asked for are open: the send table follows. */
	if (chan->subidx <= n->subs && ++n->subs_open == n->subs) {
		n->itab_pending = true;
		hvsim_chan_queue(n->q[0].chan);
	}
	return 0;
}

static void hvsim_net_close(struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;
	struct hvsim_net_queue *q = chan->priv;

	if (!q)
		return;
	spin_lock_irq(&n->lock);
	q->chan = NULL;
	spin_unlock_irq(&n->lock);
	skb_queue_purge(&q->rxq);
	chan->priv = NULL;
	if (chan->subidx) {
		if (chan->subidx <= n->subs && n->subs_open)
			n->subs_open--;
		return;
	}
	/* The guest's next session must not inherit these subchannels. */
	n->stale_subs = n->subs || chan->dev->nsub;
	hvsim_net_reset(n);
	hvsim_net_dev_carrier(n);
}

/* The receive checksum bits of @skb, if the guest takes them; else 0. */
static u32 hvsim_net_rx_csum(const struct hvsim_net *n, const struct sk_buff *skb,
			     bool tcp)
{
	u32 bit = tcp ? NDIS_CSUM_TX_TCP : NDIS_CSUM_TX_UDP;
	u32 csum = tcp ? NDIS_CSUM_RX_TCP_OK : NDIS_CSUM_RX_UDP_OK;

	if (skb->protocol == htons(ETH_P_IP))
		csum |= NDIS_CSUM_RX_IP_OK;
	else
		bit <<= 8;
	return n->rx_csum & bit ? csum : 0;
}

/*
 * The per-packet info of a frame for the guest: checksum, VLAN, hash.
 * A coalesced (RSC) frame whose TCP checksum the guest takes from the host
 * is marked valid with an invalid value, as NDIS has RSC NICs do: its
 * checksum is then never computed.  Every other frame gets a real one.
 */
static u32 hvsim_net_rx_ppis(struct hvsim_net *n, struct sk_buff *skb, u8 *area,
			     bool rsc)
{
	struct rndis_ppi ppi = { .size = RNDIS_PPI_LEN, .ppi_offset = sizeof(ppi) };
	struct hvsim_net_cb *cb = HVSIM_NET_CB(skb);
	u32 len = 0, val, csum = 0;

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		/* Filled in by the "NIC" here: valid by construction. */
		cb->csum_tcp = skb->csum_offset == offsetof(struct tcphdr, check);
		cb->csum_udp = !cb->csum_tcp;
		if (rsc && cb->csum_tcp && hvsim_net_rx_csum(n, skb, true)) {
			csum = NDIS_CSUM_RX_TCP_VALUE_INVALID;
			n->st.csum_unset++;
		} else if (skb_checksum_help(skb)) {
			return U32_MAX;
		}
	}
	if (cb->csum_tcp || cb->csum_udp)
		csum = hvsim_net_rx_csum(n, skb, cb->csum_tcp) | csum;
	if (csum) {
		ppi.type = RNDIS_PPI_CSUM;
		memcpy(area + len, &ppi, sizeof(ppi));
		memcpy(area + len + sizeof(ppi), &csum, sizeof(csum));
		len += RNDIS_PPI_LEN;
		n->st.csum_marked++;
	}
	if (skb_vlan_tag_present(skb)) {
		u16 tci = skb_vlan_tag_get(skb);

		val = (tci & VLAN_VID_MASK) << NDIS_VLAN_ID_SHIFT | tci >> VLAN_PRIO_SHIFT;
		ppi.type = RNDIS_PPI_VLAN;
		memcpy(area + len, &ppi, sizeof(ppi));
		memcpy(area + len + sizeof(ppi), &val, sizeof(val));
		len += RNDIS_PPI_LEN;
		n->st.vlan_rx++;
	}
	if (HVSIM_NET_CB(skb)->hashed) {
		val = HVSIM_NET_CB(skb)->hash;
		ppi.type = RNDIS_PPI_HASH;
		memcpy(area + len, &ppi, sizeof(ppi));
		memcpy(area + len + sizeof(ppi), &val, sizeof(val));
		len += RNDIS_PPI_LEN;
	}
	return len;
}

/*
 * Message @i of the batch: RNDIS header, @plen bytes of PPIs, then @dlen
 * bytes of @skb from @off (copied from its fragments when delivered).
 */
static void hvsim_net_msg(struct hvsim_net_queue *q, u32 i, u32 plen,
			  const struct sk_buff *skb, u32 off, u32 dlen)
{
	struct rndis_hdr h = { .type = RNDIS_MSG_PACKET };
	struct rndis_packet p = {
		.data_offset = sizeof(p) + plen,
		.data_len = dlen,
	};
	u8 *hdr = q->hdrs[i];

	if (plen) {
		p.ppi_offset = sizeof(p);
		p.ppi_len = plen;
	}
	h.len = RNDIS_PKT_HDR_LEN + plen + dlen;
	memcpy(hdr, &h, sizeof(h));
	memcpy(hdr + sizeof(h), &p, sizeof(p));
	q->msgs[i].hdr = hdr;
	q->msgs[i].hlen = RNDIS_PKT_HDR_LEN + plen;
	q->msgs[i].skb = skb;
	q->msgs[i].off = off;
	q->msgs[i].dlen = dlen;
}

/*
 * fault_bad_pkt_off: the RNDIS packet message's own offsets and lengths,
 * in turn: data starting past the message, a data length that wraps
 * around with its offset, per-packet info at an offset that wraps, and
 * per-packet info running past the message.  The bytes delivered stay
 * those of the real frame.
 */
static void hvsim_net_bad_pkt_off(struct hvsim_net *n, u8 *hdr)
{
	struct rndis_hdr *h = (void *)hdr;
	struct rndis_packet *p = (void *)(hdr + sizeof(*h));
	u32 body = h->len - sizeof(*h);

	switch (n->pkt_off_flip++ % 4) {
	case 0:
		p->data_offset = body + 4;
		break;
	case 1:
		p->data_len = U32_MAX - 15;
		break;
	case 2:
		p->ppi_offset = U32_MAX - 3;
		p->ppi_len = RNDIS_PPI_LEN;
		break;
	default:
		p->ppi_offset = sizeof(*p);
		p->ppi_len = body;
		break;
	}
	n->fault_bad_pkt_off--;
	pr_info("fault: net%u RNDIS packet data %#x+%#x, per-packet info %#x+%#x in %u bytes\n",
		n->dev->id, p->data_offset, p->data_len, p->ppi_offset,
		p->ppi_len, body);
}

/* Frame @i of the batch; false to drop the frame. */
static bool hvsim_net_frame(struct hvsim_net *n, struct hvsim_net_queue *q,
			    u32 i, struct sk_buff *skb)
{
	u32 plen = hvsim_net_rx_ppis(n, skb, q->hdrs[i] + RNDIS_PKT_HDR_LEN, false);

	if (plen == U32_MAX)
		return false;
	if (n->fault_bad_ppi && plen) {
		struct rndis_ppi *ppi = (void *)(q->hdrs[i] + RNDIS_PKT_HDR_LEN);

		/* An offset that wraps when the value's size is added */
		n->fault_bad_ppi--;
		ppi->ppi_offset = U32_MAX;
		pr_info("fault: net%u per-packet info offset %#x\n",
			n->dev->id, ppi->ppi_offset);
	}
	hvsim_net_msg(q, i, plen, skb, 0, skb->len);
	if (n->fault_bad_pkt_off)
		hvsim_net_bad_pkt_off(n, q->hdrs[i]);
	return true;
}

/* Frame bytes per fragment of a coalesced frame: what a slot takes. */
static u32 hvsim_net_frag_room(const struct hvsim_net *n)
{
	return n->slot_size - HVSIM_NET_RX_HDR;
}

/* Whether the guest asked for TCP frames of @skb's family coalesced. */
static bool hvsim_net_rsc_ok(const struct hvsim_net *n, const struct sk_buff *skb)
{
	u32 type = skb_shinfo(skb)->gso_type;

	return skb_shinfo(skb)->gso_size &&
	       DIV_ROUND_UP(skb->len, hvsim_net_frag_room(n)) <= HVSIM_NET_BATCH &&
	       (((type & SKB_GSO_TCPV4) && n->rsc4) ||
		((type & SKB_GSO_TCPV6) && n->rsc6));
}

/*
 * A TCP GSO frame of the host stack, as the guest's NIC coalesces (RSC):
 * one frame whose headers cover all of it, in fragments of a slot each.
 * The first fragment carries the frame's per-packet info, every one its
 * place in the frame.  Return: messages used from @i on, 0 to drop it.
 */
static u32 hvsim_net_rsc_frame(struct hvsim_net *n, struct hvsim_net_queue *q,
			       u32 i, struct sk_buff *skb)
{
	struct rndis_ppi ppi = {
		.size = RNDIS_PPI_LEN,
		.type = RNDIS_PPI_PKTINFO_ID,
		.ppi_offset = sizeof(ppi),
	};
	u32 room = hvsim_net_frag_room(n), nfrag, f, plen;

	/* Prepared once; a retry (no ring room) sends the same. */
	if (!HVSIM_NET_CB(skb)->rsc && n->fault_bad_rsc) {
		n->fault_bad_rsc--;
		HVSIM_NET_CB(skb)->bad_rsc = true;
	}
	HVSIM_NET_CB(skb)->rsc = true;
	/* A checksum computed for it covers all the frame its headers describe. */
	skb_gso_reset(skb);
	plen = hvsim_net_rx_ppis(n, skb, q->hdrs[i] + RNDIS_PKT_HDR_LEN, true);
	if (plen == U32_MAX)
		return 0;
	nfrag = DIV_ROUND_UP(skb->len, room);
	for (f = 0; f < nfrag; f++) {
		struct rndis_pktinfo_id id = {
			.ver = RNDIS_PKTINFO_ID_V1,
			.flag = RNDIS_PKTINFO_SUBALLOC,
		};
		u32 off = f * room, fp = f ? 0 : plen;
		u8 *area = q->hdrs[i + f] + RNDIS_PKT_HDR_LEN + fp;

		if (!f)
			id.flag |= RNDIS_PKTINFO_1ST_FRAG;
		if (f == nfrag - 1 && !HVSIM_NET_CB(skb)->bad_rsc)
			id.flag |= RNDIS_PKTINFO_LAST_FRAG;
		memcpy(area, &ppi, sizeof(ppi));
		memcpy(area + sizeof(ppi), &id, sizeof(id));
		hvsim_net_msg(q, i + f, fp + RNDIS_PPI_LEN, skb, off,
			      min(room, skb->len - off));
	}
	n->st.rsc_frames++;
	return nfrag;
}

/* A GSO frame for a guest that takes it whole: its segments go first in @q. */
static void hvsim_net_segment(struct hvsim_net *n, struct hvsim_net_queue *q,
			      struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;
	struct sk_buff_head list;
	unsigned long flags;

	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs)) {
		n->st.rx_dropped++;
		kfree_skb(skb);
		return;
	}
	consume_skb(skb);
	n->st.segmented++;
	__skb_queue_head_init(&list);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		__skb_queue_tail(&list, seg);
	}
	spin_lock_irqsave(&q->rxq.lock, flags);
	skb_queue_splice(&list, &q->rxq);
	spin_unlock_irqrestore(&q->rxq.lock, flags);
}

/*
 * Host frames into the guest's receive buffer, up to HVSIM_NET_BATCH per
 * transfer-page packet; true if some are left.
 */
static bool hvsim_net_drain(struct hvsim_net *n, struct hvsim_chan *chan,
			    bool *signal)
{
	struct hvsim_net_queue *q = chan->priv;
	u32 i, cnt, nskb, room, need;
	unsigned int done = 0;
	struct sk_buff *skb;
	bool full;
	int ret;

	q->starved = false;
	while (done < HVSIM_NET_BUDGET) {
		room = min_t(u32, hvsim_net_free_slots_for_data(n), HVSIM_NET_BATCH);
		full = false;
		for (cnt = 0, nskb = 0; cnt < room && (skb = skb_dequeue(&q->rxq)); ) {
			bool rsc = HVSIM_NET_CB(skb)->rsc;

			if (!n->rndis_up || !n->filter)
				goto drop;
			if (!rsc && skb_is_gso(skb)) {
				rsc = hvsim_net_rsc_ok(n, skb);
				if (!rsc) {
					hvsim_net_segment(n, q, skb);
					continue;
				}
			}
			need = rsc ? DIV_ROUND_UP(skb->len, hvsim_net_frag_room(n)) : 1;
			if (cnt + need > room) {
				skb_queue_head(&q->rxq, skb);
				full = true;
				break;
			}
			if (rsc)
				need = hvsim_net_rsc_frame(n, q, cnt, skb);
			else if (!hvsim_net_frame(n, q, cnt, skb))
				need = 0;
			if (!need)
				goto drop;
			q->batch[nskb++] = skb;
			cnt += need;
			continue;
drop:
			n->st.rx_dropped++;
			kfree_skb(skb);
		}
		if (!cnt) {
			/* The guest's completions make room, on any channel. */
			q->starved = full || (!room && !skb_queue_empty(&q->rxq));
			if (q->starved)
				return false;
			break;
		}
		ret = hvsim_net_deliver(n, chan, q->msgs, cnt, signal);
		if (ret == -ENOSPC) {
			for (i = nskb; i-- > 0;)
				skb_queue_head(&q->rxq, q->batch[i]);
			return false;	/* the guest signals when it made room */
		}
		for (i = 0; i < nskb; i++) {
			if (ret) {
				n->st.rx_dropped++;
				kfree_skb(q->batch[i]);
				continue;
			}
			consume_skb(q->batch[i]);
		}
		if (ret == -EIO)
			chan->broken = true;
		if (!ret) {
			n->st.to_guest += nskb;
			n->st.q_to_guest[chan->subidx] += nskb;
		}
		done += nskb;
	}
	return !skb_queue_empty(&q->rxq);
}

static bool hvsim_net_service(struct hvsim_chan *chan)
{
	struct hvsim_net *n = chan->dev->priv;
	bool more, signal = false;

	if (!chan->priv)
		return false;
	more = hvsim_chan_service(chan, hvsim_net_packet, HVSIM_NET_BUDGET);
	if (chan->broken)
		return false;
	if (n->fault_comp_storm)
		more |= hvsim_net_comp_storm(n, chan, &signal) == -ENOSPC;
	if (!chan->subidx && n->itab_pending)
		more |= hvsim_net_send_itab(n, chan, &signal) == -ENOSPC;
	if (!chan->subidx)
		more |= hvsim_net_vf_service(n, chan, &signal) == -ENOSPC;
	if (chan->subidx || hvsim_net_indicate(n, chan, &signal) == 0)
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

	if (chan->subidx) {
		seq_printf(s, " queue %u of %s", chan->subidx, n->ndev->name);
		return;
	}
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
