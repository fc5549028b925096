/*
 * The domain's virtual GIC (a GIC-400 style GICv2 at GUEST_GICD_BASE /
 * GUEST_GICC_BASE, EOImode 0; ARM IHI 0048B 4.1): enabling interrupts and
 * the acknowledge/dispatch/end loop run by the IRQ exception.
 */
#ifndef MINIOS_VGIC_H
#define MINIOS_VGIC_H

#include <stdint.h>

typedef void (*irq_handler_fn)(uint32_t intid);

void vgic_init(void);
/* Enables intid and routes it to handler. */
void vgic_enable(uint32_t intid, irq_handler_fn handler);

#endif
