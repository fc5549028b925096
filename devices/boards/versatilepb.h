/*
 * ARM Versatile PB (ARM926EJ-S) board; devices/boards/versatilepb.c.
 */
#ifndef DEVICES_BOARDS_VERSATILEPB_H
#define DEVICES_BOARDS_VERSATILEPB_H

#include "devices/machine.h"

extern const struct board board_versatilepb;

#endif
