/*
 * What the runtime needs to know about the board it runs on.  The firmware
 * Makefile builds each program for one board: -DBOARD_VEXPRESS_A15 selects
 * the Versatile Express (Cortex-A15, ARMv7-A), nothing the Versatile PB
 * (ARM926EJ-S, ARMv5TE).
 *
 *   BOARD_UART0_BASE   the PL011 that printf writes to
 *   BOARD_VECTOR_BASE  where start.S puts the exception vectors: address 0
 *                      on the Versatile PB (SCTLR.V = 0); RAM base on the
 *                      Versatile Express, whose address 0 is flash, with
 *                      VBAR pointing there (ARM ARM DDI 0406C B4.1.156)
 *   BOARD_RAM_BASE, BOARD_RAM_TEST_SIZE
 *                      the RAM the programs may use (the emulators are run
 *                      with at least that much)
 *   board_init()       called by start.S before main: vectors, UART
 *   board_power_off()  ends the run: SYS_RESETCTL on the Versatile PB,
 *                      config-bus SHUTDOWN on the Versatile Express
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#ifdef BOARD_VEXPRESS_A15
#include "vexpress.h"
#define BOARD_NAME          "vexpress-a15"
#define BOARD_UART0_BASE    VE_UART0_BASE
#define BOARD_VECTOR_BASE   VE_VECTOR_BASE
#define BOARD_RAM_BASE      VE_RAM_BASE
#define BOARD_RAM_TEST_SIZE VE_RAM_TEST_SIZE
#else
#include "versatilepb.h"
#define BOARD_NAME          "versatilepb"
#define BOARD_UART0_BASE    VPB_UART0_BASE
#define BOARD_VECTOR_BASE   0u
#define BOARD_RAM_BASE      VPB_RAM_BASE
#define BOARD_RAM_TEST_SIZE VPB_RAM_TEST_SIZE
#endif

void board_init(void);
/* Does not return; the caller has flushed the UART. */
__attribute__((noreturn)) void board_power_off(void);

#endif
