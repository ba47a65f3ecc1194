/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Constants of the Hyper-V Top-Level Functional Specification that VMBus
 * uses: CPUID leaves, synthetic MSRs, hypercall codes and status values.
 * Constants only, so that this can be included next to the kernel's own
 * asm/mshyperv.h.
 */
#ifndef _HVGUEST_HV_TLFS_H
#define _HVGUEST_HV_TLFS_H

#include <linux/bits.h>
#include <linux/types.h>

#define HVG_CPUID_VENDOR		0x40000000
#define HVG_CPUID_INTERFACE		0x40000001
#define HVG_CPUID_FEATURES		0x40000003
#define HVG_CPUID_HINTS			0x40000004
#define HVG_INTERFACE_SIG		0x31237648	/* "Hv#1" */
#define HVG_FEAT_SYNIC			BIT(2)
#define HVG_FEAT_HYPERCALL		BIT(5)
#define HVG_FEAT_VP_INDEX		BIT(6)
#define HVG_HINT_AEOI_DEPRECATED	BIT(9)	/* CPUID 0x40000004 EAX */

#define HVG_MSR_GUEST_OS_ID		0x40000000
#define HVG_MSR_HYPERCALL		0x40000001
#define HVG_MSR_VP_INDEX		0x40000002
#define HVG_MSR_SCONTROL		0x40000080
#define HVG_MSR_SIEFP			0x40000082
#define HVG_MSR_SIMP			0x40000083
#define HVG_MSR_EOM			0x40000084
#define HVG_MSR_SINT0			0x40000090

#define HVG_SINT_MASKED			BIT_ULL(16)
#define HVG_SINT_AUTO_EOI		BIT_ULL(17)
#define HVG_PAGE_ENABLE			BIT_ULL(0)	/* SIMP/SIEFP/SCONTROL/HYPERCALL */
#define HVG_SINT_VECTOR_MIN		16	/* 0-15 are not valid SINT vectors */

/*
 * HV_X64_MSR_HYPERCALL: bit 0 enables the page, bit 1 (read-only) says the
 * MSR is locked, bits 63:12 are the GPA page number of the page.
 */
#define HVG_HYPERCALL_LOCKED		BIT_ULL(1)
#define HVG_HYPERCALL_GFN_SHIFT		12

/*
 * Guest OS ID of an open-source OS (TLFS "Reporting the Guest OS Identity"):
 * bit 63 open source, bits 62:56 OS type (1 = Linux), bits 47:16 the kernel
 * version; the value Linux's hv_generate_guest_id() writes.
 */
#define HVG_GUEST_OS_ID_LINUX(version)	((0x8100ULL << 48) | ((u64)(version) << 16))

#define HVG_HCALL_POST_MESSAGE		0x005c
#define HVG_HCALL_SIGNAL_EVENT		0x005d
#define HVG_HCALL_FAST			BIT(16)

/* Hypercall status codes (low 16 bits of the result) */
#define HVG_STATUS_SUCCESS		0
#define HVG_STATUS_INVALID_HYPERCALL_INPUT 3
#define HVG_STATUS_INVALID_PARAMETER	5
#define HVG_STATUS_INVALID_CONNECTION_ID 18
#define HVG_STATUS_INSUFFICIENT_BUFFERS	19

#define HVG_SINT_COUNT			16
#define HVG_VMBUS_SINT			2

#define HVG_MSG_PAYLOAD_BYTES		240

/* HvPostMessage input block */
struct hvg_post_message_input {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u64 payload[HVG_MSG_PAYLOAD_BYTES / 8];
} __packed;

#endif /* _HVGUEST_HV_TLFS_H */
