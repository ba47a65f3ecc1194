/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall page of the module's own Hyper-V set-up (backend_own.c):
 * one page-aligned page of module text.  The module loader keeps the
 * section's alignment, the kernel maps it read-only and executable, and
 * the hypervisor overlays it with its hypercall code once its page number
 * is in HV_X64_MSR_HYPERCALL.  Until then it holds int3, so a call into it
 * traps instead of running off.  We only ever call it directly, so it needs
 * no ENDBR for IBT; the annotation says so to objtool.
 */
#include <hvguest/compat.h>

	.section .text.hvg_hcall_page, "ax", @progbits
	.balign 4096
	.globl hvg_hcall_page
hvg_hcall_page:
	HVG_ASM_NOENDBR
	.fill 4096, 1, 0xcc
	.size hvg_hcall_page, 4096
