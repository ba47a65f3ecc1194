/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_ASM_BARRIER_H
#define _SHIM_ASM_BARRIER_H

/*
 * As on x86 in the kernel: only the full barrier emits an instruction
 * (mfence); the read and write barriers just stop compiler reordering.
 */
#define virt_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virt_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virt_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)

#endif
