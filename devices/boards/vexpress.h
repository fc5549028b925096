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

#endif
