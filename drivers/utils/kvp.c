// SPDX-License-Identifier: GPL-2.0-only
/*
 * Key-value pair exchange: the host gets, sets, deletes and enumerates
 * string pairs in five pools.  The pairs live in user space
 * (tools/hv_kvp_daemon, through kvp_dev.c); this file checks the host's
 * messages and turns them into records for the daemon, UTF-16 into UTF-8,
 * and the daemon's answers back.  Address injection (GET/SET_IP_INFO) is
 * answered "not supported".
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/nls.h>
#include <linux/string.h>
#include <hvguest/compat.h>

#include "kvp.h"

static_assert(HVG_KVP_REC_GET == HVG_KVP_OP_GET);
static_assert(HVG_KVP_REC_SET == HVG_KVP_OP_SET);
static_assert(HVG_KVP_REC_DELETE == HVG_KVP_OP_DELETE);
static_assert(HVG_KVP_REC_ENUMERATE == HVG_KVP_OP_ENUMERATE);
static_assert(HVG_KVP_REC_POOLS == HVG_KVP_POOL_COUNT);
static_assert(HVG_KVP_REC_POOL_AUTO == HVG_KVP_POOL_AUTO);
static_assert(HVG_KVP_REC_NO_MORE == HVG_IC_S_CONT);

static const u32 util_kvp_versions[] = {
	HVG_IC_VERSION(4, 0), HVG_IC_VERSION(3, 0),
};

static const char *const util_kvp_op_names[HVG_KVP_OP_COUNT] = {
	"get", "set", "delete", "enumerate", "get-ip-info", "set-ip-info",
};

#define util_kvp_err(ud, fmt, ...) \
	dev_err_ratelimited(&(ud)->hdev->dev, "kvp: " fmt, ##__VA_ARGS__)

/* UTF-16 unit @i of the host's string @s */
static u16 util_kvp_unit(const u8 *s, u32 i)
{
	return get_unaligned_le16(s + 2 * i);
}

/*
 * The host's UTF-16LE string of @size bytes (terminator included, at most
 * @max) into @out, NUL-terminated UTF-8.  @room is big enough for any
 * string of @max bytes (see HVG_KVP_REC_*_BYTES).
 */
static u32 util_kvp_str_in(struct util_dev *ud, const char *what,
			   const u8 *s, u32 size, u32 max, char *out, u32 room)
{
	u32 n, i;
	int len;

	if (size < 2 || size > max || size % 2) {
		util_kvp_err(ud, "%s size %u refused (2 to %u bytes, even)\n",
			     what, size, max);
		return HVG_IC_E_FAIL;
	}
	for (n = 0; n < size / 2 && util_kvp_unit(s, n); n++)
		;
	if (n == size / 2) {
		util_kvp_err(ud, "%s of %u bytes without a terminator refused\n",
			     what, size);
		return HVG_IC_E_FAIL;
	}
	for (i = 0; i < n; i++) {
		u16 c = util_kvp_unit(s, i);

		if (c < 0xd800 || c > 0xdfff)
			continue;
		if (c < 0xdc00 && i + 1 < n) {
			u16 low = util_kvp_unit(s, i + 1);

			if (low >= 0xdc00 && low <= 0xdfff) {
				i++;
				continue;
			}
		}
		util_kvp_err(ud, "%s is not valid UTF-16 (unpaired surrogate %#x at %u)\n",
			     what, c, i);
		return HVG_IC_E_FAIL;
	}
	len = utf16s_to_utf8s((const wchar_t *)s, n, UTF16_LITTLE_ENDIAN, out,
			      room - 1);
	out[len] = '\0';
	return HVG_IC_S_OK;
}

static u32 util_kvp_key_in(struct util_dev *ud, const u8 *key, u32 size,
			   struct hvg_kvp_record *rec)
{
	u32 st = util_kvp_str_in(ud, "key", key, size, HVG_KVP_KEY_SIZE,
				 rec->key, sizeof(rec->key));

	if (st == HVG_IC_S_OK && !rec->key[0]) {
		util_kvp_err(ud, "empty key refused\n");
		st = HVG_IC_E_FAIL;
	}
	return st;
}

/* The value of a SET: a string, or a number the daemon gets in decimal. */
static u32 util_kvp_value_in(struct util_dev *ud, const struct hvg_kvp_value *v,
			     struct hvg_kvp_record *rec)
{
	switch (v->value_type) {
	case HVG_KVP_REG_SZ:
		return util_kvp_str_in(ud, "value", v->value, v->value_size,
				       HVG_KVP_VALUE_SIZE, rec->value,
				       sizeof(rec->value));
	case HVG_KVP_REG_U32:
		if (v->value_size != sizeof(u32))
			break;
		snprintf(rec->value, sizeof(rec->value), "%u",
			 get_unaligned_le32(v->value));
		return HVG_IC_S_OK;
	case HVG_KVP_REG_U64:
		if (v->value_size != sizeof(u64))
			break;
		snprintf(rec->value, sizeof(rec->value), "%llu",
			 get_unaligned_le64(v->value));
		return HVG_IC_S_OK;
	}
	util_kvp_err(ud, "value of type %u and %u bytes refused\n",
		     v->value_type, v->value_size);
	return HVG_IC_E_FAIL;
}

/**
 * util_kvp_from_host() - check a host request and turn it into a record
 * @ud: the KVP device
 * @body: the request body (after the IC header), from the host
 * @len: its length
 * @rec: the record for the daemon (id not set)
 *
 * Return: HVG_IC_S_OK, or the status to answer the host with at once.
 */
u32 util_kvp_from_host(struct util_dev *ud, const u8 *body, u32 len,
		       struct hvg_kvp_record *rec)
{
	const struct hvg_kvp_hdr *h = (const void *)body;
	const void *msg = body + sizeof(*h);
	u32 need = sizeof(*h), st;

	memset(rec, 0, sizeof(*rec));
	if (len < sizeof(*h)) {
		util_kvp_err(ud, "message of %u bytes refused\n", len);
		return HVG_IC_E_FAIL;
	}
	switch (h->operation) {
	case HVG_KVP_OP_GET_IP_INFO:
	case HVG_KVP_OP_SET_IP_INFO:
		util_kvp_err(ud, "%s (address injection) is not supported\n",
			     util_kvp_op_names[h->operation]);
		return HVG_IC_E_NOT_SUPPORTED;
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
	rec->op = h->operation;
	rec->pool = h->pool;
	switch (h->operation) {
	case HVG_KVP_OP_ENUMERATE:
		rec->index = ((const struct hvg_kvp_enumerate *)msg)->index;
		return HVG_IC_S_OK;
	case HVG_KVP_OP_DELETE: {
		const struct hvg_kvp_delete *d = msg;

		return util_kvp_key_in(ud, d->key, d->key_size, rec);
	}
	default: {
		const struct hvg_kvp_value *v = msg;

		st = util_kvp_key_in(ud, v->key, v->key_size, rec);
		if (st == HVG_IC_S_OK && h->operation == HVG_KVP_OP_SET)
			st = util_kvp_value_in(ud, v, rec);
		return st;
	}
	}
}

/* The daemon's UTF-8 @s into a UTF-16LE field of @max bytes. */
static int util_kvp_str_out(struct util_dev *ud, const char *what,
			    const char *s, u32 room, u8 *field, u32 max,
			    u32 *size)
{
	size_t n = strnlen(s, room);
	int units;

	if (n == room) {
		util_kvp_err(ud, "daemon's %s is not terminated\n", what);
		return -EINVAL;
	}
	units = utf8s_to_utf16s(s, n, UTF16_LITTLE_ENDIAN, (wchar_t *)field,
				max / 2);
	if (units < 0) {
		util_kvp_err(ud, "daemon's %s is not valid UTF-8\n", what);
		return -EINVAL;
	}
	if (units >= max / 2) {
		util_kvp_err(ud, "daemon's %s is too long for the host (max %u UTF-16 units)\n",
			     what, max / 2 - 1);
		return -EINVAL;
	}
	memset(field + 2 * units, 0, max - 2 * units);
	*size = 2 * (units + 1);
	return 0;
}

static int util_kvp_value_out(struct util_dev *ud,
			      const struct hvg_kvp_record *rec,
			      struct hvg_kvp_value *v)
{
	v->value_type = HVG_KVP_REG_SZ;
	return util_kvp_str_out(ud, "value", rec->value, sizeof(rec->value),
				v->value, HVG_KVP_VALUE_SIZE, &v->value_size);
}

/**
 * util_kvp_to_host() - write the daemon's answer into the host's request
 * @ud: the KVP device
 * @rec: the answer, from user space, its id and op already checked
 * @body: the request body util_kvp_from_host() accepted
 * @len: its length
 * @status: set to the status to answer the host with
 *
 * Return: 0, or -EINVAL if the answer is malformed (the host then gets
 * E_FAIL).
 */
int util_kvp_to_host(struct util_dev *ud, const struct hvg_kvp_record *rec,
		     u8 *body, u32 len, u32 *status)
{
	void *msg = body + sizeof(struct hvg_kvp_hdr);
	struct hvg_kvp_value *v = msg;
	int ret = 0;

	*status = HVG_IC_E_FAIL;
	if (rec->status != HVG_IC_S_OK) {
		if (rec->status != HVG_IC_S_CONT && !(rec->status & BIT(31))) {
			util_kvp_err(ud, "daemon answered with status %#x, not an error\n",
				     rec->status);
			return -EINVAL;
		}
		*status = rec->status;
		return 0;
	}
	switch (rec->op) {
	case HVG_KVP_OP_GET:
		ret = util_kvp_value_out(ud, rec, v);
		break;
	case HVG_KVP_OP_ENUMERATE:
		v = &((struct hvg_kvp_enumerate *)msg)->data;
		if (!rec->key[0]) {
			util_kvp_err(ud, "daemon enumerated an empty key\n");
			return -EINVAL;
		}
		ret = util_kvp_str_out(ud, "key", rec->key, sizeof(rec->key),
				       v->key, HVG_KVP_KEY_SIZE, &v->key_size);
		if (!ret)
			ret = util_kvp_value_out(ud, rec, v);
		break;
	}
	if (!ret)
		*status = HVG_IC_S_OK;
	return ret;
}

/**
 * util_kvp_op_name() - for messages
 * @op: HVG_KVP_OP_*
 *
 * Return: its name.
 */
const char *util_kvp_op_name(u8 op)
{
	return op < HVG_KVP_OP_COUNT ? util_kvp_op_names[op] : "unknown";
}

const struct util_service util_kvp_svc = {
	.name = "kvp",
	.msgtype = ICMSGTYPE_KVPEXCHANGE,
	.versions = util_kvp_versions,
	.nversions = ARRAY_SIZE(util_kvp_versions),
	.init = util_kvp_bind,
	.exit = util_kvp_unbind,
	.handle = util_kvp_relay,
	.show = util_kvp_show,
};
