/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The real Hyper-V backend.  Kept apart from the VMBus wire formats so that
 * hyperv.c can use the kernel's asm/mshyperv.h.
 */
#ifndef _HVG_HYPERV_H
#define _HVG_HYPERV_H

#include <hvguest/hv_backend.h>

const struct hv_backend_ops *hvg_hyperv_probe(void);
void hvg_hyperv_remove(void);

/* hyperv_acpi.c */
void hvg_hyperv_acpi_init(void);
int hvg_hyperv_mmio_range(unsigned int index, phys_addr_t *start,
			  resource_size_t *size);

#endif /* _HVG_HYPERV_H */
