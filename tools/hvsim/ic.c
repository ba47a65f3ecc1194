// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host end of the integration components: version negotiation when the
 * guest opens the channel, then requests (from control files or a timer)
 * and the checks of the guest's answers.
 *
 * Requests are sent by a delayed work item on system_wq, not on the host
 * workqueue: it runs from timers and control files and must neither be
 * queued while that workqueue drains nor be waited for under hvsim.lock,
 * so it only ever trylocks hvsim.lock and retries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "ic.h"

#define HVSIM_IC_BUDGET		16
#define HVSIM_IC_RETRY		msecs_to_jiffies(10)

static const u32 hvsim_ic_fw_hyperv[] = { HVG_IC_FW_3_0, HVG_IC_FW_1_0 };
static const u32 hvsim_ic_fw_openvmm[] = { HVG_IC_FW_1_0, HVG_IC_FW_3_0 };

/*
 * How each host runs the IC framework.  Hyper-V's own framework code is not
 * public: its hosts offer the two framework versions Linux's hv_util.c
 * knows (UTIL_FW_VERSION 3.0, UTIL_WS2K8_FW_VERSION 1.0) and keep serving
 * after an answer they cannot use.  OpenVMM: vm/devices/hyperv_ic/src/
 * common.rs (FRAMEWORK_VERSIONS, IcPipe::negotiate, write_message,
 * read_message), vm/devices/vmbus/vmbus_async/src/pipe.rs
 * (try_write_message: transaction id 0, no completion requested).
 */
static const struct hvsim_ic_host hvsim_ic_hosts[HVSIM_NR_PERS] = {
	[HVSIM_PERS_WS2012R2] = { { hvsim_ic_fw_hyperv, ARRAY_SIZE(hvsim_ic_fw_hyperv) },
				  true, true, false },
	[HVSIM_PERS_WS2016] = { { hvsim_ic_fw_hyperv, ARRAY_SIZE(hvsim_ic_fw_hyperv) },
				true, true, false },
	[HVSIM_PERS_WS2019] = { { hvsim_ic_fw_hyperv, ARRAY_SIZE(hvsim_ic_fw_hyperv) },
				true, true, false },
	[HVSIM_PERS_AZURE] = { { hvsim_ic_fw_hyperv, ARRAY_SIZE(hvsim_ic_fw_hyperv) },
			       true, true, false },
	/* Versions 0.0 in a negotiate header, transaction id 0, gives up. */
	[HVSIM_PERS_OPENVMM] = { { hvsim_ic_fw_openvmm, ARRAY_SIZE(hvsim_ic_fw_openvmm) },
				 false, false, true },
};

/**
 * hvsim_ic_host() - how the host of an IC device runs the framework
 * @ic: the component
 *
 * Return: the entry of its device's personality.
 */
const struct hvsim_ic_host *hvsim_ic_host(struct hvsim_ic *ic)
{
	return &hvsim_ic_hosts[ic->dev->pers->id];
}

static void hvsim_ic_set(struct ic_version *v, u32 version)
{
	v->major = HVG_IC_MAJOR(version);
	v->minor = HVG_IC_MINOR(version);
}

static u32 hvsim_ic_negotiate_body(struct hvsim_ic *ic, u8 *body,
				   enum hvsim_ic_fault fault)
{
	struct icmsg_negotiate *neg = (void *)body;
	unsigned int i;

	neg->icframe_vercnt = ic->nfw;
	neg->icmsg_vercnt = ic->nver;
	for (i = 0; i < ic->nfw; i++)
		hvsim_ic_set(&neg->icversion_data[i], ic->fw[i]);
	for (i = 0; i < ic->nver; i++)
		hvsim_ic_set(&neg->icversion_data[ic->nfw + i], ic->ver[i]);
	if (fault == HVSIM_IC_FAULT_COUNT)
		neg->icmsg_vercnt = HVG_IC_MAX_VERSIONS;
	return sizeof(*neg) + (ic->nfw + ic->nver) * sizeof(struct ic_version);
}

/* Build and send one message; -ENOSPC if the guest's ring is full. */
static int hvsim_ic_send(struct hvsim_ic *ic, u8 *buf, bool negotiate)
{
	struct vmbuspipe_hdr *pipe = (void *)buf;
	struct icmsg_hdr *hdr = (void *)(pipe + 1);
	const struct hvsim_ic_host *host = hvsim_ic_host(ic);
	u8 *body = buf + HVG_IC_HDR_LEN;
	enum hvsim_ic_fault fault;
	struct kvec kv[2] = { };
	bool signal = false;
	void *pad = NULL;
	u32 len;
	int ret;

	fault = hvsim_ic_fault_take(ic->faults, HVSIM_IC_NR_FAULTS);

	memset(buf, 0, HVSIM_IC_BUF_BYTES);
	if (!negotiate || host->neg_hdr_versions) {
		hvsim_ic_set(&hdr->icverframe,
			     ic->fw_version ? ic->fw_version : ic->fw[0]);
		hvsim_ic_set(&hdr->icvermsg,
			     ic->srv_version ? ic->srv_version : ic->ver[0]);
	}
	hdr->icflags = ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST;
	pipe->flags = HVSIM_IC_PIPE_DATA;
	if (negotiate) {
		hdr->icmsgtype = ICMSGTYPE_NEGOTIATE;
		len = hvsim_ic_negotiate_body(ic, body, fault);
	} else {
		hdr->icmsgtype = ic->ops->msgtype;
		len = ic->ops->request(ic, body, HVSIM_IC_BUF_BYTES - HVG_IC_HDR_LEN);
	}
	if (fault == HVSIM_IC_FAULT_TYPE)
		hdr->icmsgtype = 0x42;
	if (fault == HVSIM_IC_FAULT_SIZE)
		len = min_t(u32, len, 4);
	hdr->icmsgsize = len;
	pipe->msgsize = sizeof(*hdr) + len;
	len += HVG_IC_HDR_LEN;
	if (fault == HVSIM_IC_FAULT_SHORT)
		len = sizeof(*pipe) + 4;

	kv[0].iov_base = buf;
	kv[0].iov_len = len;
	/*
	 * The largest packet the empty ring takes: descriptor, payload,
	 * trailer and one free byte (rounded to 8) in its data area.
	 */
	if (fault == HVSIM_IC_FAULT_BIG &&
	    ic->chan->out.size > len + 2 * sizeof(struct vmpacket_descriptor)) {
		kv[1].iov_len = ic->chan->out.size - 2 * sizeof(struct vmpacket_descriptor) - len;
		pad = kzalloc(kv[1].iov_len, GFP_KERNEL);
		if (!pad) {
			atomic_inc(&ic->faults[fault]);
			return -ENOMEM;
		}
		kv[1].iov_base = pad;
	}
	ic->trans_id = host->trans_ids ? ic->trans_id + 1 : 0;
	ret = hvsim_chan_send(ic->chan, VM_PKT_DATA_INBAND, 0, ic->trans_id,
			      kv, pad ? 2 : 1, &signal);
	kfree(pad);
	if (signal)
		hvsim_signal_guest(ic->chan);
	if (ret) {
		if (fault != HVSIM_IC_FAULT_NONE)
			atomic_inc(&ic->faults[fault]);	/* for the retry */
		return ret;
	}
	ic->sent++;
	if (fault != HVSIM_IC_FAULT_NONE)
		pr_info("fault: dev%u: IC fault %u applied to a %s message\n",
			ic->dev->id, fault, negotiate ? "negotiate" : "service");
	return 0;
}

/* Send the pending messages in order; return true to retry later. */
static bool hvsim_ic_flush(struct hvsim_ic *ic, u8 *buf)
{
	static const unsigned long order[] = {
		HVSIM_IC_PEND_NEGOTIATE, HVSIM_IC_PEND_REQUEST,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		bool neg = order[i] == HVSIM_IC_PEND_NEGOTIATE;

		if (!(READ_ONCE(ic->pending) & order[i]))
			continue;
		/* Service requests wait for a negotiated version. */
		if (!neg && !ic->srv_version)
			return false;
		if (hvsim_ic_send(ic, buf, neg) == -ENOSPC)
			return true;
		spin_lock_irq(&ic->lock);
		ic->pending &= ~order[i];
		spin_unlock_irq(&ic->lock);
	}
	return false;
}

static void hvsim_ic_tx(struct work_struct *work)
{
	struct hvsim_ic *ic = container_of(to_delayed_work(work), struct hvsim_ic, tx);
	unsigned long delay = MAX_JIFFY_OFFSET;
	u8 *buf;

	if (!down_write_trylock(&hvsim.lock)) {
		if (!READ_ONCE(hvsim.dead))
			queue_delayed_work(system_wq, &ic->tx, 1);
		return;
	}
	if (hvsim.dead || !ic->chan || ic->chan->state != HVSIM_CHAN_OPEN ||
	    ic->chan->broken || ic->dead)
		goto out;
	if (ic->interval_ms && ic->srv_version) {
		if (time_after_eq(jiffies, ic->next_auto)) {
			spin_lock_irq(&ic->lock);
			ic->arg = 0;
			ic->flags = 0;
			ic->pending |= HVSIM_IC_PEND_REQUEST;
			spin_unlock_irq(&ic->lock);
			ic->next_auto = jiffies + msecs_to_jiffies(ic->interval_ms);
		}
		delay = ic->next_auto - jiffies;
	}
	buf = kmalloc(HVSIM_IC_BUF_BYTES, GFP_KERNEL);
	if (!buf || hvsim_ic_flush(ic, buf))
		delay = HVSIM_IC_RETRY;
	kfree(buf);
	if (delay != MAX_JIFFY_OFFSET)
		queue_delayed_work(system_wq, &ic->tx, delay);
out:
	up_write(&hvsim.lock);
}

/**
 * hvsim_ic_request() - have a service request sent as soon as possible
 * @ic: the component
 * @arg: its argument, kept in ic->arg
 * @flags: its flags, kept in ic->flags
 *
 * Any context but hardirq.  A request still pending is replaced.
 */
void hvsim_ic_request(struct hvsim_ic *ic, s64 arg, u32 flags)
{
	spin_lock_irq(&ic->lock);
	ic->arg = arg;
	ic->flags = flags;
	ic->pending |= HVSIM_IC_PEND_REQUEST;
	spin_unlock_irq(&ic->lock);
	mod_delayed_work(system_wq, &ic->tx, 0);
}

/**
 * hvsim_ic_take_args() - the arguments of the request being built
 * @ic: the component
 * @arg: set to ic->arg
 * @flags: set to ic->flags
 */
void hvsim_ic_take_args(struct hvsim_ic *ic, s64 *arg, u32 *flags)
{
	spin_lock_irq(&ic->lock);
	*arg = ic->arg;
	*flags = ic->flags;
	spin_unlock_irq(&ic->lock);
}

/* ---- Answers from the guest ---------------------------------------------- */

static bool hvsim_ic_offered(const u32 *list, unsigned int n,
			     const struct ic_version *v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i] == HVG_IC_VERSION(v->major, v->minor))
			return true;
	return false;
}

static const char *hvsim_ic_negotiated(struct hvsim_ic *ic, const u8 *body,
				       u32 len)
{
	const struct icmsg_negotiate *neg = (const void *)body;
	const struct ic_version *v = neg->icversion_data;

	if (len < sizeof(*neg))
		return "negotiation answer without version counts";
	if (!neg->icframe_vercnt && !neg->icmsg_vercnt) {
		pr_info("dev%u: guest refused every offered version\n",
			ic->dev->id);
		ic->refused = true;
		ic->fw_version = 0;
		ic->srv_version = 0;
		return NULL;
	}
	if (neg->icframe_vercnt != 1 || neg->icmsg_vercnt != 1 ||
	    len < HVG_IC_NEGOTIATE_ANSWER_LEN)
		return "negotiation answer does not hold exactly two versions";
	if (!hvsim_ic_offered(ic->fw, ic->nfw, &v[0]) ||
	    !hvsim_ic_offered(ic->ver, ic->nver, &v[1]))
		return "guest chose a version that was not offered";
	ic->refused = false;
	ic->fw_version = HVG_IC_VERSION(v[0].major, v[0].minor);
	ic->srv_version = HVG_IC_VERSION(v[1].major, v[1].minor);
	pr_info("dev%u: %s negotiated framework %u.%u, version %u.%u\n",
		ic->dev->id, ic->dev->svc->name, v[0].major, v[0].minor,
		v[1].major, v[1].minor);
	ic->next_auto = jiffies;
	if (ic->ops->negotiated)
		ic->ops->negotiated(ic);
	mod_delayed_work(system_wq, &ic->tx, 0);	/* requests waiting for it */
	return NULL;
}

/*
 * Every host's checks of an answer, as OpenVMM makes them (the strictest
 * public host): vm/devices/vmbus/vmbus_async/src/pipe.rs (a data pipe
 * packet whose length fits the packet), vm/devices/hyperv_ic/src/common.rs
 * read_message (transaction and response flags, the request's IC
 * transaction id, icmsgsize bytes of body present).
 */
static const char *hvsim_ic_answer(struct hvsim_ic *ic, const u8 *pkt, u32 len)
{
	const struct vmpacket_descriptor *d = (const void *)pkt;
	u32 off = d->offset8 * 8;
	const struct vmbuspipe_hdr *pipe = (const void *)(pkt + off);
	const struct icmsg_hdr *hdr = (const void *)(pipe + 1);
	const u8 *body = pkt + off + HVG_IC_HDR_LEN;

	if (d->type != VM_PKT_DATA_INBAND)
		return "answer is not an in-band packet";
	if (len - off < HVG_IC_HDR_LEN)
		return "answer shorter than the IC header";
	if (pipe->flags != HVSIM_IC_PIPE_DATA)
		return "answer is not a pipe data message";
	if (pipe->msgsize > len - off - sizeof(*pipe) ||
	    pipe->msgsize < sizeof(*hdr))
		return "pipe message size does not fit the packet";
	len = pipe->msgsize - sizeof(*hdr);
	if (!(hdr->icflags & ICMSGHDRFLAG_RESPONSE) ||
	    !(hdr->icflags & ICMSGHDRFLAG_TRANSACTION))
		return "answer without the transaction and response flags";
	if (hdr->ictransaction_id)
		return "answer with another IC transaction id";
	if (hdr->icmsgsize > len)
		return "answer's icmsgsize is beyond the packet";
	len = hdr->icmsgsize;
	ic->last_status = hdr->status;
	if (hdr->status != HVG_IC_S_OK) {
		ic->failed++;
		pr_info("dev%u: guest answered message type %u with status %#x\n",
			ic->dev->id, hdr->icmsgtype, hdr->status);
		if (hdr->icmsgtype == ICMSGTYPE_NEGOTIATE)
			return hvsim_ic_negotiated(ic, body, len);
		if (hdr->icmsgtype == ic->ops->msgtype && ic->ops->failed)
			ic->ops->failed(ic, hdr->status);
		return NULL;
	}
	if (hdr->icmsgtype == ICMSGTYPE_NEGOTIATE)
		return hvsim_ic_negotiated(ic, body, len);
	if (hdr->icmsgtype != ic->ops->msgtype)
		return "answer of a message type never sent";
	ic->answers++;
	ic->ops->answer(ic, body, len);
	return NULL;
}

static int hvsim_ic_packet(struct hvsim_chan *chan, const u8 *pkt, u32 len,
			   bool *signal)
{
	struct hvsim_ic *ic = chan->dev->priv;
	const char *why;

	if (chan->subidx)
		return 0;
	if (ic->dead)
		return 0;
	why = hvsim_ic_answer(ic, pkt, len);
	if (why) {
		ic->malformed++;
		pr_err_ratelimited("dev%u: %s, ignored\n", ic->dev->id, why);
	}
	/* OpenVMM ends the channel's task on any error, refusals included. */
	if ((why || ic->refused) && hvsim_ic_host(ic)->give_up) {
		ic->dead = true;
		pr_err("dev%u: %s host gives up the channel\n", ic->dev->id,
		       ic->dev->pers->name);
	}
	return 0;
}

bool hvsim_ic_service(struct hvsim_chan *chan)
{
	return hvsim_chan_service(chan, hvsim_ic_packet, HVSIM_IC_BUDGET);
}

/* ---- Channel life ------------------------------------------------------- */

int hvsim_ic_open(struct hvsim_chan *chan)
{
	struct hvsim_ic *ic = chan->dev->priv;

	if (chan->subidx)
		return -EINVAL;
	ic->chan = chan;
	ic->fw_version = 0;
	ic->srv_version = 0;
	ic->dead = false;
	ic->refused = false;
	spin_lock_irq(&ic->lock);
	ic->pending |= HVSIM_IC_PEND_NEGOTIATE;
	spin_unlock_irq(&ic->lock);
	mod_delayed_work(system_wq, &ic->tx, 0);
	return 0;
}

void hvsim_ic_close(struct hvsim_chan *chan)
{
	struct hvsim_ic *ic = chan->dev->priv;

	if (ic->chan != chan)
		return;
	ic->chan = NULL;
	ic->fw_version = 0;
	ic->srv_version = 0;
	spin_lock_irq(&ic->lock);
	ic->pending = 0;
	spin_unlock_irq(&ic->lock);
}

void hvsim_ic_show(struct seq_file *s, struct hvsim_chan *chan)
{
	struct hvsim_ic *ic = chan->dev->priv;

	if (ic->srv_version)
		seq_printf(s, " ic %u.%u/%u.%u", HVG_IC_MAJOR(ic->fw_version),
			   HVG_IC_MINOR(ic->fw_version),
			   HVG_IC_MAJOR(ic->srv_version),
			   HVG_IC_MINOR(ic->srv_version));
}

/* Called by ic_ctl.c once the device is set up. */
void hvsim_ic_init_tx(struct hvsim_ic *ic)
{
	INIT_DELAYED_WORK(&ic->tx, hvsim_ic_tx);
}
