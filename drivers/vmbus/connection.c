// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VMBus connection: version negotiation, the wait-for-reply machinery
 * for channel messages, and dispatch of the messages the host sends.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "vmbus_priv.h"
#include "msg.h"

static const u32 hvg_versions[] = {
	VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1,
	VERSION_WIN10_V5, VERSION_WIN10_V4_1, VERSION_WIN10,
	VERSION_WIN8_1, VERSION_WIN8, VERSION_WIN7,
};

static char hvg_max_version[8] = "5.3";
module_param_string(max_version, hvg_max_version, sizeof(hvg_max_version),
		    0444);
MODULE_PARM_DESC(max_version,
		 "Newest VMBus version to request, as major.minor (default 5.3, oldest 1.1)");

const char *hvg_version_str(u32 version, char *buf, size_t len)
{
	if (!version)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%u.%u", version >> 16, version & 0xffff);
	return buf;
}

static int hvg_parse_max_version(u32 *out)
{
	unsigned int major, minor;
	unsigned int i;

	if (sscanf(hvg_max_version, "%u.%u", &major, &minor) != 2)
		goto bad;
	for (i = 0; i < ARRAY_SIZE(hvg_versions); i++) {
		if (hvg_versions[i] == VMBUS_MAKE_VERSION(major, minor)) {
			*out = hvg_versions[i];
			return 0;
		}
	}
bad:
	pr_err("max_version=%s is not a supported VMBus version (1.1 .. 5.3)\n",
	       hvg_max_version);
	return -EINVAL;
}

/* ---- Waiting for the host's replies -------------------------------------- */

/*
 * A reply is matched on its type, the relid it names (GPADL_CREATED; 0 for
 * the others) and a key (a GPADL handle, else 0): a reply naming another
 * channel answers nothing this waiter asked, whatever its handle (Linux's
 * vmbus_ongpadl_created() matches on child_relid and gpadl too).
 */
void hvg_waiter_add(struct hvg_msg_waiter *w, u32 msgtype, u32 relid, u32 key)
{
	w->msgtype = msgtype;
	w->relid = relid;
	w->key = key;
	init_completion(&w->done);
	spin_lock_irq(&hvg_conn.wait_lock);
	list_add_tail(&w->node, &hvg_conn.waiters);
	spin_unlock_irq(&hvg_conn.wait_lock);
}

void hvg_waiter_cancel(struct hvg_msg_waiter *w)
{
	spin_lock_irq(&hvg_conn.wait_lock);
	list_del_init(&w->node);
	spin_unlock_irq(&hvg_conn.wait_lock);
}

/**
 * hvg_waiter_wait() - wait for the reply a waiter was registered for
 * @w: the waiter
 * @what: what is being waited for, for the error message
 *
 * Return: 0, or -ETIMEDOUT (the waiter is removed either way).
 */
int hvg_waiter_wait(struct hvg_msg_waiter *w, const char *what)
{
	if (wait_for_completion_timeout(&w->done, HVG_MSG_TIMEOUT))
		return 0;
	hvg_waiter_cancel(w);
	/* The reply may have raced with the timeout. */
	if (completion_done(&w->done))
		return 0;
	pr_err("no reply from the host to %s within %u s\n", what,
	       HVG_MSG_TIMEOUT / HZ);
	return -ETIMEDOUT;
}

/* Returns true if somebody was waiting for this reply. */
bool hvg_waiter_complete(u32 msgtype, u32 relid, u32 key, const void *msg,
			 u32 size)
{
	struct hvg_msg_waiter *w;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&hvg_conn.wait_lock, flags);
	list_for_each_entry(w, &hvg_conn.waiters, node) {
		if (w->msgtype != msgtype || w->relid != relid || w->key != key)
			continue;
		memcpy(w->resp.raw, msg, min_t(u32, size, sizeof(w->resp)));
		list_del_init(&w->node);
		complete(&w->done);
		found = true;
		break;
	}
	spin_unlock_irqrestore(&hvg_conn.wait_lock, flags);
	return found;
}

/* ---- Dispatch ------------------------------------------------------------- */

static void hvg_unexpected(const char *name, u32 key)
{
	hvg_err_rl("unexpected %s (%u) from the host, ignored\n",
		   name, key);
}

/**
 * hvg_dispatch_msg() - act on one channel message from the host
 * @msg: the payload, copied out of the SynIC slot
 * @size: the payload size the host stated
 */
void hvg_dispatch_msg(const void *msg, u32 size)
{
	const struct vmbus_channel_message_header *hdr = msg;
	int type = hv_msg_decode(msg, size);

	if (type < 0) {
		hvg_err_rl("malformed channel message (type %u, %u bytes) dropped\n",
			   size >= sizeof(*hdr) ? hdr->msgtype : 0, size);
		return;
	}

	switch (type) {
	case CHANNELMSG_OFFERCHANNEL:
		hvg_on_offer(msg);
		break;
	case CHANNELMSG_RESCIND_CHANNELOFFER:
		hvg_on_rescind(((const struct vmbus_channel_rescind_offer *)msg)->child_relid);
		break;
	case CHANNELMSG_ALLOFFERS_DELIVERED:
		complete(&hvg_conn.offers_done);
		break;
	case CHANNELMSG_OPENCHANNEL_RESULT:
		hvg_on_open_result(msg);
		break;
	case CHANNELMSG_MODIFYCHANNEL_RESPONSE:
		hvg_on_modify_response(msg);
		break;
	case CHANNELMSG_TL_CONNECT_RESULT:
		hvg_on_tl_result(msg);
		break;
	case CHANNELMSG_GPADL_CREATED: {
		const struct vmbus_channel_gpadl_created *c = msg;

		if (!hvg_waiter_complete(type, c->child_relid, c->gpadl, msg, size))
			hvg_err_rl("unexpected GPADL_CREATED %u for relid %u, ignored\n",
				   c->gpadl, c->child_relid);
		break;
	}
	case CHANNELMSG_GPADL_TORNDOWN: {
		const struct vmbus_channel_gpadl_torndown *t = msg;

		if (!hvg_waiter_complete(type, 0, t->gpadl, msg, size))
			hvg_unexpected("GPADL_TORNDOWN", t->gpadl);
		break;
	}
	default:	/* VERSION_RESPONSE, UNLOAD_RESPONSE */
		if (!hvg_waiter_complete(type, 0, 0, msg, size))
			hvg_unexpected(hv_msg_name(type), 0);
		break;
	}
}

/* ---- Connecting ----------------------------------------------------------- */

/*
 * Tell the host the guest gives up the connection: UNLOAD, then a bounded
 * wait for UNLOAD_RESPONSE (Linux vmbus_initiate_unload(), which waits
 * without bound unless the kernel crashes, vmbus_wait_for_unload()).
 */
static void hvg_send_unload(void)
{
	struct vmbus_channel_message_header msg = {
		.msgtype = CHANNELMSG_UNLOAD,
	};
	struct hvg_msg_waiter w;

	hvg_waiter_add(&w, CHANNELMSG_UNLOAD_RESPONSE, 0, 0);
	if (hvg_post_msg(&msg, sizeof(msg)))
		hvg_waiter_cancel(&w);
	else
		hvg_waiter_wait(&w, "UNLOAD");
}

static int hvg_try_version(u32 version)
{
	struct vmbus_channel_initiate_contact msg = {
		.header.msgtype = CHANNELMSG_INITIATE_CONTACT,
		.vmbus_version_requested = version,
		.target_vcpu = hvg_conn.ops->vp_index(0),
		.monitor_page1 = virt_to_phys(hvg_conn.monitor_pages[0]),
		.monitor_page2 = virt_to_phys(hvg_conn.monitor_pages[1]),
	};
	struct hvg_msg_waiter *w;
	char vbuf[16];
	u16 status;
	int ret;

	if (version >= VERSION_WIN10_V5) {
		msg.msg_sint = HVG_VMBUS_SINT;
		hvg_conn.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID_4;
	} else {
		msg.interrupt_page = virt_to_phys(hvg_conn.int_page);
		hvg_conn.msg_conn_id = VMBUS_MESSAGE_CONNECTION_ID;
	}
	/* Event flags are decoded according to the version being tried. */
	hvg_conn.version = version;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	hvg_waiter_add(w, CHANNELMSG_VERSION_RESPONSE, 0, 0);
	status = hvg_post_msg_status(&msg, sizeof(msg));
	if (status != HVG_STATUS_SUCCESS) {
		hvg_waiter_cancel(w);
		ret = -EIO;
		/*
		 * Hosts before VMBus 5.0 have no message connection 4: the
		 * hypercall itself fails, and an older version may work.
		 */
		if (status == HVG_STATUS_INVALID_CONNECTION_ID &&
		    version >= VERSION_WIN10_V5) {
			pr_debug("host has no message connection %u for version %s\n",
				 hvg_conn.msg_conn_id,
				 hvg_version_str(version, vbuf, sizeof(vbuf)));
			ret = -EPROTONOSUPPORT;
		} else {
			pr_err("host refused INITIATE_CONTACT for version %s: status %u\n",
			       hvg_version_str(version, vbuf, sizeof(vbuf)),
			       status);
		}
		goto out;
	}
	ret = hvg_waiter_wait(w, "INITIATE_CONTACT");
	if (ret)	/* the host may have granted it all the same */
		goto refused;
	if (!w->resp.version.version_supported) {
		pr_debug("host declined version %s\n",
			 hvg_version_str(version, vbuf, sizeof(vbuf)));
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	if (w->resp.version.connection_state) {
		pr_err("host accepted version %s but failed the connection: state %u\n",
		       hvg_version_str(version, vbuf, sizeof(vbuf)),
		       w->resp.version.connection_state);
		ret = -EIO;
		goto refused;
	}
	if (version >= VERSION_WIN10_V5) {
		if (!w->resp.version.msg_conn_id) {
			pr_err("host named message connection 0 for version %s\n",
			       hvg_version_str(version, vbuf, sizeof(vbuf)));
			ret = -EPROTO;
			goto refused;
		}
		hvg_conn.msg_conn_id = w->resp.version.msg_conn_id;
	}
out:
	kfree(w);
	return ret;
refused:
	/*
	 * The host said "supported", or did not answer in time: it may hold
	 * the guest connected.  UNLOAD on the connection the contact went to,
	 * so that it forgets us.
	 */
	kfree(w);
	hvg_send_unload();
	return ret;
}

static int hvg_negotiate(void)
{
	u32 max;
	unsigned int i;
	int ret;

	ret = hvg_parse_max_version(&max);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(hvg_versions); i++) {
		if (hvg_versions[i] > max)
			continue;
		ret = hvg_try_version(hvg_versions[i]);
		if (ret != -EPROTONOSUPPORT)
			return ret;
	}
	pr_err("the host supports none of VMBus versions %s down to 1.1\n",
	       hvg_max_version);
	return -EPROTONOSUPPORT;
}

static void hvg_free_pages(void)
{
	free_page((unsigned long)hvg_conn.int_page);
	free_page((unsigned long)hvg_conn.monitor_pages[0]);
	free_page((unsigned long)hvg_conn.monitor_pages[1]);
	hvg_conn.int_page = NULL;
	hvg_conn.monitor_pages[0] = NULL;
	hvg_conn.monitor_pages[1] = NULL;
}

/**
 * hvg_connect() - bring the connection up on the registered backend
 *
 * Enables the SynIC, negotiates the version and asks for the offers.
 *
 * Return: 0 or a negative errno.
 */
int hvg_connect(void)
{
	struct vmbus_channel_message_header req = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	char vbuf[16];
	int ret;

	hvg_conn.int_page = (void *)get_zeroed_page(GFP_KERNEL);
	hvg_conn.monitor_pages[0] = (void *)get_zeroed_page(GFP_KERNEL);
	hvg_conn.monitor_pages[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!hvg_conn.int_page || !hvg_conn.monitor_pages[0] ||
	    !hvg_conn.monitor_pages[1]) {
		ret = -ENOMEM;
		goto err_pages;
	}
	ret = hvg_synic_init();
	if (ret)
		goto err_pages;
	ret = hvg_negotiate();
	if (ret)
		goto err_synic;
	hvg_conn.connected = true;
	pr_info("VMBus version %s negotiated with %s\n",
		hvg_version_str(hvg_conn.version, vbuf, sizeof(vbuf)),
		hvg_conn.ops->name);

	reinit_completion(&hvg_conn.offers_done);
	ret = hvg_post_msg(&req, sizeof(req));
	if (ret)
		goto err_unload;
	if (!wait_for_completion_timeout(&hvg_conn.offers_done, HVG_MSG_TIMEOUT))
		pr_warn("the host did not finish offering channels; continuing with what arrived\n");
	flush_workqueue(hvg_conn.dev_wq);
	return 0;

err_unload:
	hvg_disconnect();
	return ret;
err_synic:
	hvg_synic_exit();
err_pages:
	hvg_free_pages();
	hvg_conn.version = 0;
	return ret;
}

/**
 * hvg_disconnect() - remove every device, UNLOAD and shut the SynIC down
 */
void hvg_disconnect(void)
{
	hvg_remove_all_devices();
	hvg_send_unload();
	hvg_conn.connected = false;
	hvg_synic_exit();
	flush_workqueue(hvg_conn.msg_wq);
	hvg_free_pages();
	hvg_conn.version = 0;
}

/**
 * hvg_signal_host() - tell the host a channel has something for it
 * @chan: an open channel
 */
void hvg_signal_host(struct hvg_channel *chan)
{
	u8 *send_half = (u8 *)hvg_conn.int_page + PAGE_SIZE / 2;

	chan->events++;
	if (!(chan->offer.interrupt_flags & VMBUS_OFFER_DEDICATED_INTERRUPT))
		set_bit(chan->relid, (unsigned long *)send_half);

	if (chan->monitored) {
		struct hv_monitor_page *mp = hvg_conn.monitor_pages[1];
		struct hv_monitor_trigger_group *tg;

		tg = &mp->trigger_group[chan->monitorid / 32];
		set_bit(chan->monitorid % 32, (unsigned long *)&tg->pending);
		return;
	}
	hvg_conn.ops->signal_event(chan->sig_conn_id, 0);
}
