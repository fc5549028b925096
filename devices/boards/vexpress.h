/*
 * ARM Versatile Express boards: V2M-P1 motherboard with the V2P-CA9
 * (Cortex-A9) or V2P-CA15 (Cortex-A15) daughterboard;
 * devices/boards/vexpress.c.
 */
#ifndef DEVICES_BOARDS_VEXPRESS_H
#define DEVICES_BOARDS_VEXPRESS_H

#include "devices/machine.h"

extern const struct board board_vexpress_a9;
extern const struct board board_vexpress_a15;

/*
 * The GIC SPI numbers of a device's interrupts (-1: none), as in the
 * board's memory-map table (for the hypervisor's Dom0 pass-through).
 * Returns 0, or -ENOENT when board has no modelled device of that name.
 */
int vexpress_device_irqs(const char *board, const char *name, int *spi, int *spi2);

#endif
