// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/vmbus/backend_own_seq.c: the choice between the
 * kernel's Hyper-V set-up and the module's own, the order of the own
 * set-up's steps, every error path and the undoing on unload, against a
 * fake of the hardware that logs every access and plays the hypervisor's
 * side of the two MSRs as the TLFS describes it.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <hvguest/hv_tlfs.h>

#include "unit.h"
#include "backend_own.h"

#define FAKE_GFN	0x1234aULL
#define FAKE_IRQ	7
#define FAKE_OS_ID	HVG_GUEST_OS_ID_LINUX(0x060100)

/* The fake hypervisor, ACPI and interrupt core. */
static struct {
	u64 os_id;		/* HV_X64_MSR_GUEST_OS_ID */
	u64 hypercall;		/* HV_X64_MSR_HYPERCALL */
	int irq_find_ret;	/* what irq_find() returns */
	int request_ret;	/* what irq_request() returns */
	u8 vector;		/* the vector irq_request() gives */
	bool refuse_page;	/* the hypervisor does not latch the enable bit */
	bool no_overlay;	/* the page's content does not change */
	int irqs_held;
	char log[1024];
} hw;

static void hw_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void hw_log(const char *fmt, ...)
{
	size_t n = strlen(hw.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(hw.log + n, sizeof(hw.log) - n, fmt, ap);
	va_end(ap);
}

static const char *msr_name(u32 msr)
{
	return msr == HVG_MSR_GUEST_OS_ID ? "osid" :
	       msr == HVG_MSR_HYPERCALL ? "hcall" : "?";
}

static u64 fake_rdmsr(u32 msr)
{
	hw_log("rd %s;", msr_name(msr));
	return msr == HVG_MSR_GUEST_OS_ID ? hw.os_id :
	       msr == HVG_MSR_HYPERCALL ? hw.hypercall : 0;
}

static void fake_wrmsr(u32 msr, u64 val)
{
	hw_log("wr %s=%#llx;", msr_name(msr), (unsigned long long)val);
	if (msr == HVG_MSR_GUEST_OS_ID) {
		hw.os_id = val;
		/* TLFS: clearing the guest OS ID disables hypercalls. */
		if (!val)
			hw.hypercall &= ~HVG_PAGE_ENABLE;
	} else if (msr == HVG_MSR_HYPERCALL) {
		/* No hypercall page without a guest OS ID first. */
		if (!hw.os_id || hw.refuse_page)
			val &= ~HVG_PAGE_ENABLE;
		hw.hypercall = val;
	}
}

static int fake_irq_find(void)
{
	hw_log("find;");
	return hw.irq_find_ret;
}

static int fake_irq_request(int irq, u8 *vector)
{
	hw_log("request %d;", irq);
	if (hw.request_ret)
		return hw.request_ret;
	hw.irqs_held++;
	*vector = hw.vector;
	return 0;
}

static void fake_irq_free(int irq)
{
	hw_log("free %d;", irq);
	hw.irqs_held--;
}

static u64 fake_page_gfn(void)
{
	return FAKE_GFN;
}

static bool fake_page_overlaid(void)
{
	hw_log("overlaid?;");
	return (hw.hypercall & HVG_PAGE_ENABLE) && !hw.no_overlay;
}

static const struct hvg_own_hw fake = {
	.rdmsr = fake_rdmsr,
	.wrmsr = fake_wrmsr,
	.irq_find = fake_irq_find,
	.irq_request = fake_irq_request,
	.irq_free = fake_irq_free,
	.page_gfn = fake_page_gfn,
	.page_overlaid = fake_page_overlaid,
	.guest_os_id = FAKE_OS_ID,
};

static void fake_reset(void)
{
	memset(&hw, 0, sizeof(hw));
	hw.irq_find_ret = FAKE_IRQ;
	hw.vector = 0x31;
}

#define ENABLED_PAGE	"0x1234a001"
#define START_OK	"rd osid;rd hcall;find;request 7;wr osid=0x8100000601000000;" \
			"rd hcall;wr hcall=" ENABLED_PAGE ";rd hcall;overlaid?;"
#define STOP		"rd hcall;wr hcall=0x1234a000;wr osid=0;free 7;"

#define EXPECT_LOG(want) EXPECT(!strcmp(hw.log, want), "log '%s'", hw.log)

/* Nothing left behind: no interrupt, both MSRs clear, the state empty. */
static int check_clean(const struct hvg_own_state *st)
{
	EXPECT_EQ(hw.irqs_held, 0);
	EXPECT_EQ(hw.os_id, 0);
	EXPECT_EQ(hw.hypercall & HVG_PAGE_ENABLE, 0);
	EXPECT_EQ(st->irq, -1);
	EXPECT(!st->os_id && !st->page, "state not cleared");
	return 0;
}

static int test_own_choose(void)
{
	EXPECT_EQ(hvg_setup_choose(false, false), HVG_SETUP_OWN);
	EXPECT_EQ(hvg_setup_choose(true, false), HVG_SETUP_OWN);
	EXPECT_EQ(hvg_setup_choose(true, true), HVG_SETUP_KERNEL);
	/* Without CONFIG_HYPERV there is no kernel page to speak of. */
	EXPECT_EQ(hvg_setup_choose(false, true), HVG_SETUP_OWN);
	return 0;
}

static int test_own_start_stop(void)
{
	struct hvg_own_state st;

	fake_reset();
	EXPECT_EQ(hvg_own_start(&fake, &st), 0);
	EXPECT_LOG(START_OK);
	EXPECT_EQ(st.irq, FAKE_IRQ);
	EXPECT_EQ(st.vector, 0x31);
	EXPECT_EQ(hw.os_id, FAKE_OS_ID);
	EXPECT_EQ(hw.hypercall, (FAKE_GFN << 12) | HVG_PAGE_ENABLE);
	EXPECT_EQ(hw.irqs_held, 1);

	/* Unload: hypercall page off first, then the OS ID, then the IRQ. */
	hw.log[0] = '\0';
	hvg_own_stop(&fake, &st);
	EXPECT_LOG(STOP);
	TRY(check_clean(&st));
	/* A second stop does nothing. */
	hw.log[0] = '\0';
	hvg_own_stop(&fake, &st);
	EXPECT_LOG("");
	/* And it can be set up again (module reloaded). */
	EXPECT_EQ(hvg_own_start(&fake, &st), 0);
	hvg_own_stop(&fake, &st);
	return check_clean(&st);
}

/* The reserved bits of the hypercall MSR are preserved, on and off. */
static int test_own_keeps_reserved(void)
{
	struct hvg_own_state st;

	fake_reset();
	hw.hypercall = 0x4;
	EXPECT_EQ(hvg_own_start(&fake, &st), 0);
	EXPECT_EQ(hw.hypercall, (FAKE_GFN << 12) | 0x4 | HVG_PAGE_ENABLE);
	hvg_own_stop(&fake, &st);
	EXPECT_EQ(hw.hypercall, (FAKE_GFN << 12) | 0x4);
	return check_clean(&st);
}

static int test_own_busy(void)
{
	struct hvg_own_state st;

	/* Someone (the kernel, another module) set the guest OS ID. */
	fake_reset();
	hw.os_id = 0x42;
	EXPECT_EQ(hvg_own_start(&fake, &st), -EBUSY);
	EXPECT(st.why, "no reason given");
	EXPECT_LOG("rd osid;");
	EXPECT_EQ(hw.os_id, 0x42);	/* left alone */

	/* ... or enabled a hypercall page. */
	fake_reset();
	hw.hypercall = (0x777ULL << 12) | HVG_PAGE_ENABLE;
	EXPECT_EQ(hvg_own_start(&fake, &st), -EBUSY);
	EXPECT_LOG("rd osid;rd hcall;");
	EXPECT_EQ(hw.hypercall, (0x777ULL << 12) | HVG_PAGE_ENABLE);
	return 0;
}

static int test_own_no_acpi(void)
{
	struct hvg_own_state st;

	fake_reset();
	hw.irq_find_ret = -ENODEV;
	EXPECT_EQ(hvg_own_start(&fake, &st), -ENODEV);
	EXPECT(st.why, "no reason given");
	EXPECT_LOG("rd osid;rd hcall;find;");
	return check_clean(&st);
}

static int test_own_no_vector(void)
{
	struct hvg_own_state st;

	fake_reset();
	hw.request_ret = -ENOSPC;
	EXPECT_EQ(hvg_own_start(&fake, &st), -ENOSPC);
	EXPECT(st.why, "no reason given");
	EXPECT_LOG("rd osid;rd hcall;find;request 7;");
	TRY(check_clean(&st));

	/* A vector the SynIC cannot take (TLFS: 0-15 are invalid). */
	fake_reset();
	hw.vector = 15;
	EXPECT_EQ(hvg_own_start(&fake, &st), -ERANGE);
	EXPECT_LOG("rd osid;rd hcall;find;request 7;free 7;");
	return check_clean(&st);
}

static int test_own_page_refused(void)
{
	struct hvg_own_state st;

	fake_reset();
	hw.refuse_page = true;
	EXPECT_EQ(hvg_own_start(&fake, &st), -EIO);
	EXPECT(st.why && strstr(st.why, "refused"), "why '%s'", st.why);
	EXPECT_LOG("rd osid;rd hcall;find;request 7;wr osid=0x8100000601000000;"
		   "rd hcall;wr hcall=" ENABLED_PAGE ";rd hcall;"
		   "rd hcall;wr hcall=0x1234a000;wr osid=0;free 7;");
	return check_clean(&st);
}

static int test_own_no_overlay(void)
{
	struct hvg_own_state st;

	fake_reset();
	hw.no_overlay = true;
	EXPECT_EQ(hvg_own_start(&fake, &st), -EIO);
	EXPECT(st.why && strstr(st.why, "no hypervisor code"), "why '%s'", st.why);
	EXPECT_LOG(START_OK STOP);
	return check_clean(&st);
}

const struct unit_test own_tests[] = {
	UNIT_TEST(test_own_choose),
	UNIT_TEST(test_own_start_stop),
	UNIT_TEST(test_own_keeps_reserved),
	UNIT_TEST(test_own_busy),
	UNIT_TEST(test_own_no_acpi),
	UNIT_TEST(test_own_no_vector),
	UNIT_TEST(test_own_page_refused),
	UNIT_TEST(test_own_no_overlay),
	{ }
};
