// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of drivers/vmbus/msg.c.  Every message is decoded from a heap
 * buffer of exactly the stated size, so ASan flags any over-read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>

#include "unit.h"
#include "msg.h"

struct host_msg {
	u32 type;
	u32 min_size;
};

/* Fixed-part sizes from the protocol, not from the decoder's table. */
static const struct host_msg host_msgs[] = {
	{ CHANNELMSG_OFFERCHANNEL, 196 },
	{ CHANNELMSG_RESCIND_CHANNELOFFER, 12 },
	{ CHANNELMSG_ALLOFFERS_DELIVERED, 8 },
	{ CHANNELMSG_OPENCHANNEL_RESULT, 20 },
	{ CHANNELMSG_GPADL_CREATED, 20 },
	{ CHANNELMSG_GPADL_TORNDOWN, 12 },
	{ CHANNELMSG_VERSION_RESPONSE, 16 },	/* always 16 bytes before 6.0 */
	{ CHANNELMSG_UNLOAD_RESPONSE, 8 },
	{ CHANNELMSG_MODIFYCHANNEL_RESPONSE, 16 },
	{ CHANNELMSG_TL_CONNECT_RESULT, 44 },
};

static const u32 guest_msgs[] = {
	CHANNELMSG_REQUESTOFFERS, CHANNELMSG_OPENCHANNEL,
	CHANNELMSG_CLOSECHANNEL, CHANNELMSG_GPADL_HEADER,
	CHANNELMSG_GPADL_BODY, CHANNELMSG_GPADL_TEARDOWN,
	CHANNELMSG_RELID_RELEASED, CHANNELMSG_INITIATE_CONTACT,
	CHANNELMSG_UNLOAD, CHANNELMSG_MODIFYCHANNEL,
	CHANNELMSG_TL_CONNECT_REQUEST,
};

static const u32 unknown_msgs[] = {
	CHANNELMSG_INVALID, 18, 19, 20, CHANNELMSG_COUNT, 26, 255,
	0x10000, 0x80000000u, 0xffffffffu,
};

/* Decode a message of @type, @size bytes long, zero apart from the type. */
static int decode(u32 type, u32 size)
{
	u32 alloc = size < 8 ? 8 : size;
	u8 *buf = calloc(1, alloc);
	int ret;

	if (!buf)
		abort();
	memcpy(buf, &type, 4);
	/* A short message: the type lies beyond it, only @size is readable. */
	if (size < 8) {
		u8 *tight = malloc(size ?: 1);

		if (!tight)
			abort();
		memcpy(tight, buf, size);
		ret = hv_msg_decode(tight, size);
		free(tight);
	} else {
		ret = hv_msg_decode(buf, size);
	}
	free(buf);
	return ret;
}

static int test_msg_host_sizes(void)
{
	const struct host_msg *m;
	u32 size;

	for (m = host_msgs; m < host_msgs + ARRAY_SIZE(host_msgs); m++) {
		EXPECT(decode(m->type, m->min_size) == (int)m->type,
		       "%s at its %u-byte minimum rejected",
		       hv_msg_name(m->type), m->min_size);
		EXPECT(decode(m->type, m->min_size - 1) == -EBADMSG,
		       "%s of %u bytes accepted", hv_msg_name(m->type),
		       m->min_size - 1);
		for (size = 0; size < m->min_size; size++)
			EXPECT_EQ(decode(m->type, size), -EBADMSG);
		for (size = m->min_size; size <= HVG_MSG_PAYLOAD_BYTES; size++)
			EXPECT_EQ(decode(m->type, size), m->type);
	}
	return 0;
}

static int test_msg_too_long(void)
{
	static const u32 sizes[] = { 241, 248, 255, 256, 4096, 0xffffffffu };
	u8 buf[256] = { CHANNELMSG_ALLOFFERS_DELIVERED };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		EXPECT(hv_msg_decode(buf, sizes[i]) == -EBADMSG,
		       "%u-byte message accepted", sizes[i]);
	EXPECT_EQ(hv_msg_decode(buf, 240), CHANNELMSG_ALLOFFERS_DELIVERED);
	return 0;
}

static int test_msg_guest_only(void)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(guest_msgs); i++)
		EXPECT(decode(guest_msgs[i], HVG_MSG_PAYLOAD_BYTES) == -EBADMSG,
		       "guest message %s accepted from the host",
		       hv_msg_name(guest_msgs[i]));
	return 0;
}

static int test_msg_unknown(void)
{
	u32 i, size;

	for (i = 0; i < ARRAY_SIZE(unknown_msgs); i++)
		for (size = 8; size <= HVG_MSG_PAYLOAD_BYTES; size += 8)
			EXPECT(decode(unknown_msgs[i], size) == -EBADMSG,
			       "type %#x (%u bytes) accepted", unknown_msgs[i],
			       size);
	return 0;
}

static void make_offer(struct vmbus_channel_offer_channel *o, u32 relid)
{
	memset(o, 0, sizeof(*o));
	o->header.msgtype = CHANNELMSG_OFFERCHANNEL;
	o->offer.if_type = HVG_ECHO_CLASS_GUID;
	o->child_relid = relid;
	o->connection_id = 0x2000 + relid;
}

/* Check an offer the way a caller would: decode, then validate. */
static int check_offer(const struct vmbus_channel_offer_channel *o, u32 ver)
{
	struct vmbus_channel_offer_channel *copy = malloc(sizeof(*o));
	int ret;

	if (!copy)
		abort();
	memcpy(copy, o, sizeof(*o));
	ret = hv_msg_decode(copy, sizeof(*copy));
	if (ret == CHANNELMSG_OFFERCHANNEL)
		ret = hv_msg_check_offer(copy, ver);
	free(copy);
	return ret;
}

static int test_msg_offer_relid(void)
{
	static const u32 good[] = { 1, 2, 100, 2047 };
	static const u32 bad[] = { 0, 2048, 2049, 65536, 0xffffffffu };
	struct vmbus_channel_offer_channel o;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		make_offer(&o, good[i]);
		EXPECT(!check_offer(&o, VERSION_WIN10_V5_3),
		       "relid %u rejected", good[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		make_offer(&o, bad[i]);
		EXPECT(check_offer(&o, VERSION_WIN10_V5_3) == -EBADMSG,
		       "relid %u accepted", bad[i]);
	}
	return 0;
}

static int test_msg_offer_monitor(void)
{
	struct vmbus_channel_offer_channel o;
	u32 id;

	make_offer(&o, 5);
	for (id = 0; id < 256; id++) {
		o.monitorid = id;
		o.monitor_flags = VMBUS_OFFER_MONITOR_ALLOCATED;
		EXPECT(check_offer(&o, VERSION_WIN10_V5_3) ==
		       (id <= 127 ? 0 : -EBADMSG),
		       "monitor id %u with a monitor allocated", id);
		/* Without a monitor the id means nothing. */
		o.monitor_flags = 0;
		EXPECT(!check_offer(&o, VERSION_WIN10_V5_3),
		       "monitor id %u without a monitor rejected", id);
	}
	return 0;
}

static int test_msg_offer_subchannel(void)
{
	static const u32 old[] = { VERSION_WS2008, VERSION_WIN7 };
	static const u32 new[] = { VERSION_WIN8, VERSION_WIN8_1,
				   VERSION_WIN10, VERSION_WIN10_V5_3 };
	struct vmbus_channel_offer_channel o;
	u32 i;

	make_offer(&o, 9);
	for (i = 0; i < ARRAY_SIZE(old); i++) {
		o.offer.sub_channel_index = 0;
		EXPECT_EQ(check_offer(&o, old[i]), 0);
		o.offer.sub_channel_index = 1;
		EXPECT(check_offer(&o, old[i]) == -EBADMSG,
		       "subchannel on version %#x accepted", old[i]);
	}
	for (i = 0; i < ARRAY_SIZE(new); i++) {
		o.offer.sub_channel_index = 1;
		EXPECT_EQ(check_offer(&o, new[i]), 0);
		o.offer.sub_channel_index = 0xffff;
		EXPECT_EQ(check_offer(&o, new[i]), 0);
	}
	return 0;
}

static int test_msg_name(void)
{
	u32 i;

	EXPECT(!strcmp(hv_msg_name(CHANNELMSG_OFFERCHANNEL), "OFFERCHANNEL"),
	       "got %s", hv_msg_name(CHANNELMSG_OFFERCHANNEL));
	EXPECT(!strcmp(hv_msg_name(CHANNELMSG_VERSION_RESPONSE),
		       "VERSION_RESPONSE"), "VERSION_RESPONSE");
	EXPECT(!strcmp(hv_msg_name(CHANNELMSG_MODIFYCHANNEL_RESPONSE),
		       "MODIFYCHANNEL_RESPONSE"), "MODIFYCHANNEL_RESPONSE");
	EXPECT(!strcmp(hv_msg_name(CHANNELMSG_INITIATE_CONTACT),
		       "INITIATE_CONTACT"), "INITIATE_CONTACT");
	for (i = 0; i < ARRAY_SIZE(host_msgs); i++)
		EXPECT(strcmp(hv_msg_name(host_msgs[i].type), "unknown"),
		       "host type %u unnamed", host_msgs[i].type);
	for (i = 0; i < ARRAY_SIZE(guest_msgs); i++)
		EXPECT(strcmp(hv_msg_name(guest_msgs[i]), "unknown"),
		       "guest type %u unnamed", guest_msgs[i]);
	for (i = 0; i < ARRAY_SIZE(unknown_msgs); i++)
		EXPECT(!strcmp(hv_msg_name(unknown_msgs[i]), "unknown"),
		       "type %#x named %s", unknown_msgs[i],
		       hv_msg_name(unknown_msgs[i]));
	return 0;
}

const struct unit_test msg_tests[] = {
	UNIT_TEST(test_msg_host_sizes),
	UNIT_TEST(test_msg_too_long),
	UNIT_TEST(test_msg_guest_only),
	UNIT_TEST(test_msg_unknown),
	UNIT_TEST(test_msg_offer_relid),
	UNIT_TEST(test_msg_offer_monitor),
	UNIT_TEST(test_msg_offer_subchannel),
	UNIT_TEST(test_msg_name),
	{ }
};
