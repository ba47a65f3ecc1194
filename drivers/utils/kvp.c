// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key-value pair exchange: the host gets, sets, deletes and enumerates
 * string pairs in five pools and asks for or sets an adapter's addresses.
 * The pairs live in user space: the distribution's hv_kvp_daemon keeps
 * them in /var/lib/hyperv/.kvp_pool_N and answers through
 * /dev/vmbus/hv_kvp (relay.c).  This file checks the host's messages
 * and turns them into the daemon's (UTF-16 into UTF-8, each string
 * refused rather than cut if it does not fit the daemon's field), and the
 * daemon's answers back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/nls.h>
#include <linux/string.h>
#include <hvguest/compat.h>
#include <hvguest/kvp_user.h>

#include "relay.h"

static unsigned int util_kvp_timeout = 10;
module_param_named(kvp_timeout, util_kvp_timeout, uint, 0644);
MODULE_PARM_DESC(kvp_timeout,
		 "Seconds a host KVP request waits for hv_kvp_daemon (default 10)");

/* The registration answer: the version the daemon reports to the host */
#define UTIL_KVP_DRV_VERSION	"3.1"

static const u32 util_kvp_versions[] = {
	HVG_IC_VERSION(4, 0), HVG_IC_VERSION(3, 0),
};

static const char *const util_kvp_op_names[HVG_KVP_OP_COUNT] = {
	"get", "set", "delete", "enumerate", "get-ip-info", "set-ip-info",
};

#define util_kvp_err(ud, fmt, ...) \
	dev_err_ratelimited(&(ud)->hdev->dev, "kvp: " fmt, ##__VA_ARGS__)

static u32 util_kvp_key_in(struct util_dev *ud, const u8 *key, u32 size,
			   u8 *out, u32 *out_size)
{
	u32 st = util_relay_str_in(ud, "key", key, size, HVG_KVP_KEY_SIZE,
				 out, HVG_KVP_UKEY, out_size);

	if (st == HVG_IC_S_OK && !out[0]) {
		util_kvp_err(ud, "empty key refused\n");
		st = HVG_IC_E_FAIL;
	}
	return st;
}

/* The value of a SET: a string, or a number the daemon gets in decimal. */
static u32 util_kvp_value_in(struct util_dev *ud, const struct hvg_kvp_value *v,
			     struct hvg_kvp_uvalue *u)
{
	switch (v->value_type) {
	case HVG_KVP_REG_SZ:
		return util_relay_str_in(ud, "value", v->value, v->value_size,
				       HVG_KVP_VALUE_SIZE, u->value,
				       sizeof(u->value), &u->value_size);
	case HVG_KVP_REG_U32:
		if (v->value_size != sizeof(u32))
			break;
		u->value_size = 1 + snprintf(u->value, sizeof(u->value), "%u",
					     get_unaligned_le32(v->value));
		return HVG_IC_S_OK;
	case HVG_KVP_REG_U64:
		if (v->value_size != sizeof(u64))
			break;
		u->value_size = 1 + snprintf(u->value, sizeof(u->value), "%llu",
					     get_unaligned_le64(v->value));
		return HVG_IC_S_OK;
	}
	util_kvp_err(ud, "value of type %u and %u bytes refused\n",
		     v->value_type, v->value_size);
	return HVG_IC_E_FAIL;
}

/**
 * struct util_kvp_ip_field - an address field, fixed in both messages
 * @what: its name, for messages
 * @host: its offset in struct hvg_kvp_ip_value (UTF-16)
 * @host_size: its size there
 * @user: its offset in struct hvg_kvp_uip (UTF-8)
 * @user_size: its size there
 */
struct util_kvp_ip_field {
	const char *what;
	u16 host;
	u16 host_size;
	u16 user;
	u16 user_size;
};

#define UTIL_KVP_IP_FIELD(name, field) {				\
	name,								\
	offsetof(struct hvg_kvp_ip_value, field),			\
	sizeof_field(struct hvg_kvp_ip_value, field),			\
	offsetof(struct hvg_kvp_uip, field),				\
	sizeof_field(struct hvg_kvp_uip, field) }

/* SET_IP_INFO's fields after the adapter id; GET_IP_INFO's answer */
static const struct util_kvp_ip_field util_kvp_ip_fields[] = {
	UTIL_KVP_IP_FIELD("address", ip_addr),
	UTIL_KVP_IP_FIELD("subnet", sub_net),
	UTIL_KVP_IP_FIELD("gateway", gate_way),
	UTIL_KVP_IP_FIELD("dns", dns_addr),
};

/* An address request's strings (fixed UTF-16 fields) for the daemon */
static u32 util_kvp_ip_in(struct util_dev *ud, const struct hvg_kvp_ip_msg *m,
			  struct hvg_kvp_uip *u)
{
	const struct hvg_kvp_ip_value *ip = &m->ip;
	unsigned int i;
	u32 st;

	u->addr_family = ip->addr_family;
	st = util_relay_str_in(ud, "adapter id", (const u8 *)ip->adapter_id,
			     sizeof(ip->adapter_id), sizeof(ip->adapter_id),
			     u->adapter_id, sizeof(u->adapter_id), NULL);
	if (st != HVG_IC_S_OK || m->operation == HVG_KVP_OP_GET_IP_INFO)
		return st;
	u->dhcp_enabled = ip->dhcp_enabled;
	for (i = 0; i < ARRAY_SIZE(util_kvp_ip_fields) && st == HVG_IC_S_OK; i++) {
		const struct util_kvp_ip_field *f = &util_kvp_ip_fields[i];

		st = util_relay_str_in(ud, f->what, (const u8 *)ip + f->host,
				     f->host_size, f->host_size,
				     (u8 *)u + f->user, f->user_size, NULL);
	}
	return st;
}

/*
 * The from_host() of the relay: check a host request (@body, @len bytes)
 * and turn it into the daemon's message @umsg.
 */
static u32 util_kvp_from_host(struct util_dev *ud, const u8 *body, u32 len,
			      void *umsg, u32 *ulen, u8 *op)
{
	const struct hvg_kvp_hdr *h = (const void *)body;
	const void *m = body + sizeof(*h);
	struct hvg_kvp_umsg *msg = umsg;
	u32 need = sizeof(*h);

	*ulen = sizeof(*msg);
	if (len < sizeof(*h)) {
		util_kvp_err(ud, "message of %u bytes refused\n", len);
		return HVG_IC_E_FAIL;
	}
	switch (h->operation) {
	case HVG_KVP_OP_GET_IP_INFO:
	case HVG_KVP_OP_SET_IP_INFO:
		need = sizeof(struct hvg_kvp_ip_msg);
		break;
	case HVG_KVP_OP_GET:
	case HVG_KVP_OP_SET:
		need += sizeof(struct hvg_kvp_value);
		break;
	case HVG_KVP_OP_DELETE:
		need += sizeof(struct hvg_kvp_delete);
		break;
	case HVG_KVP_OP_ENUMERATE:
		need += sizeof(struct hvg_kvp_enumerate);
		break;
	default:
		util_kvp_err(ud, "unknown operation %u refused\n", h->operation);
		return HVG_IC_E_FAIL;
	}
	if (h->pool >= HVG_KVP_POOL_COUNT) {
		util_kvp_err(ud, "%s in unknown pool %u refused\n",
			     util_kvp_op_names[h->operation], h->pool);
		return HVG_IC_E_FAIL;
	}
	if (len < need) {
		util_kvp_err(ud, "%s message of %u bytes refused, need %u\n",
			     util_kvp_op_names[h->operation], len, need);
		return HVG_IC_E_FAIL;
	}
	msg->hdr.operation = h->operation;
	msg->hdr.pool = h->pool;
	*op = h->operation;
	switch (h->operation) {
	case HVG_KVP_OP_ENUMERATE:
		msg->enumerate.index = ((const struct hvg_kvp_enumerate *)m)->index;
		return HVG_IC_S_OK;
	case HVG_KVP_OP_DELETE: {
		const struct hvg_kvp_delete *d = m;

		return util_kvp_key_in(ud, d->key, d->key_size, msg->del.key,
				       &msg->del.key_size);
	}
	case HVG_KVP_OP_GET_IP_INFO:
	case HVG_KVP_OP_SET_IP_INFO:
		return util_kvp_ip_in(ud, (const void *)body, &msg->ip);
	default: {
		const struct hvg_kvp_value *v = m;
		u32 st = util_kvp_key_in(ud, v->key, v->key_size,
					 msg->value.key, &msg->value.key_size);

		if (st != HVG_IC_S_OK)
			return st;
		msg->value.value_type = HVG_KVP_REG_SZ;
		if (h->operation == HVG_KVP_OP_SET)
			return util_kvp_value_in(ud, v, &msg->value);
		/* The daemon copies value_size bytes of the value it finds. */
		msg->value.value_size = HVG_KVP_UVALUE;
		return HVG_IC_S_OK;
	}
	}
}

/*
 * The daemon's UTF-8 @s (a field of @room bytes) into a UTF-16LE field of
 * @max bytes, the rest of it zeroed; its size with the terminator to @size
 * if not NULL.
 */
static int util_kvp_str_out(struct util_dev *ud, const char *what,
			    const u8 *s, u32 room, void *field, u32 max,
			    u32 *size)
{
	size_t n = strnlen(s, room);
	int units;

	if (n == room) {
		util_kvp_err(ud, "daemon's %s is not terminated\n", what);
		return -EINVAL;
	}
	units = utf8s_to_utf16s(s, n, UTF16_LITTLE_ENDIAN, field, max / 2);
	if (units < 0) {
		util_kvp_err(ud, "daemon's %s is not valid UTF-8\n", what);
		return -EINVAL;
	}
	if (units >= max / 2) {
		util_kvp_err(ud, "daemon's %s is too long for the host (max %u UTF-16 units)\n",
			     what, max / 2 - 1);
		return -EINVAL;
	}
	memset((u8 *)field + 2 * units, 0, max - 2 * units);
	if (size)
		*size = 2 * (units + 1);
	return 0;
}

static int util_kvp_value_out(struct util_dev *ud,
			      const struct hvg_kvp_uvalue *u,
			      struct hvg_kvp_value *v)
{
	v->value_type = HVG_KVP_REG_SZ;
	return util_kvp_str_out(ud, "value", u->value, sizeof(u->value),
				v->value, HVG_KVP_VALUE_SIZE, &v->value_size);
}

/* The daemon's addresses into the host's GET_IP_INFO message */
static int util_kvp_ip_out(struct util_dev *ud, const struct hvg_kvp_uip *u,
			   struct hvg_kvp_ip_value *ip)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(util_kvp_ip_fields) && !ret; i++) {
		const struct util_kvp_ip_field *f = &util_kvp_ip_fields[i];

		ret = util_kvp_str_out(ud, f->what, (const u8 *)u + f->user,
				       f->user_size, (u8 *)ip + f->host,
				       f->host_size, NULL);
	}
	if (ret)
		return ret;
	ip->dhcp_enabled = u->dhcp_enabled;
	ip->addr_family = u->addr_family;
	return 0;
}

/*
 * The to_host() of the relay: write the daemon's answer @uans into the
 * host's request @body, which util_kvp_from_host() accepted.
 */
static int util_kvp_to_host(struct util_dev *ud, u8 op, const void *uans,
			    u8 *body, u32 len, u32 *status)
{
	const struct hvg_kvp_umsg *ans = uans;
	void *msg = body + sizeof(struct hvg_kvp_hdr);
	struct hvg_kvp_value *v = msg;
	int ret = 0;

	if (ans->error != HVG_IC_S_OK)
		return util_relay_status(ud, ans->error, status);
	*status = HVG_IC_E_FAIL;
	switch (op) {
	case HVG_KVP_OP_GET:
		ret = util_kvp_value_out(ud, &ans->value, v);
		break;
	case HVG_KVP_OP_ENUMERATE:
		v = &((struct hvg_kvp_enumerate *)msg)->data;
		if (!ans->enumerate.data.key[0]) {
			util_kvp_err(ud, "daemon enumerated an empty key\n");
			return -EINVAL;
		}
		ret = util_kvp_str_out(ud, "key", ans->enumerate.data.key,
				       HVG_KVP_UKEY, v->key, HVG_KVP_KEY_SIZE,
				       &v->key_size);
		if (!ret)
			ret = util_kvp_value_out(ud, &ans->enumerate.data, v);
		break;
	case HVG_KVP_OP_GET_IP_INFO:
		ret = util_kvp_ip_out(ud, &ans->ip,
				      &((struct hvg_kvp_ip_msg *)body)->ip);
		break;
	}
	if (!ret)
		*status = HVG_IC_S_OK;
	return ret;
}

static const char *util_kvp_op_name(u8 op)
{
	return op < HVG_KVP_OP_COUNT ? util_kvp_op_names[op] : "unknown";
}

/* The daemon's registration; it reads the same message back, a version. */
static int util_kvp_reg(const void *umsg, void *uans)
{
	const struct hvg_kvp_umsg *msg = umsg;
	struct hvg_kvp_umsg *ans = uans;

	if (msg->hdr.operation != HVG_KVP_UOP_REGISTER1) {
		pr_err_ratelimited("kvp: a daemon registered with operation %u, only %u (with address injection) is supported\n",
				   msg->hdr.operation, HVG_KVP_UOP_REGISTER1);
		return -EINVAL;
	}
	memset(ans, 0, sizeof(*ans));
	ans->hdr.operation = HVG_KVP_UOP_REGISTER1;
	strscpy(ans->version, UTIL_KVP_DRV_VERSION, sizeof(ans->version));
	return sizeof(*ans);
}

static unsigned int util_kvp_timeout_s(u8 op)
{
	return READ_ONCE(util_kvp_timeout);
}

static const struct util_relay_ops util_kvp_relay_ops = {
	.daemon = "hv_kvp_daemon",
	.dev = "vmbus/hv_kvp",
	.read_max = sizeof(struct hvg_kvp_umsg),
	.write_size = sizeof(struct hvg_kvp_umsg),
	.reg = util_kvp_reg,
	.from_host = util_kvp_from_host,
	.to_host = util_kvp_to_host,
	.op_name = util_kvp_op_name,
	.timeout_s = util_kvp_timeout_s,
};

struct util_relay util_kvp_relay = { .ops = &util_kvp_relay_ops };

static void util_kvp_show(struct seq_file *s, struct util_dev *ud)
{
	util_relay_show(s, ud);
	seq_printf(s, "timeout_s: %u\n", READ_ONCE(util_kvp_timeout));
}

const struct util_service util_kvp_svc = {
	.name = "kvp",
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = util_kvp_versions,
	.nversions = ARRAY_SIZE(util_kvp_versions),
	.relay = &util_kvp_relay,
	.init = util_relay_bind,
	.exit = util_relay_unbind,
	.handle = util_relay_handle,
	.show = util_kvp_show,
};
