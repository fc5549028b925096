/*
 * Versatile Express with the V2P-CA15 tile (Cortex-A15), as QEMU's and
 * armhv-emu's vexpress-a15 boards: the V2M-P1 motherboard's "RS1" memory
 * map (ARM DUI 0447J, "Motherboard Express uATX Technical Reference
 * Manual", 4.2 and table 4-3), the tile's GIC-400 and RAM (ARM DUI 0604E,
 * "CoreTile Express A15x2 TRM", 3.2).  Only what the test programs use.
 */
#ifndef FW_VEXPRESS_H
#define FW_VEXPRESS_H

#include "mmio.h"
#include "types.h"

/* Motherboard system registers (V2M-P1 TRM 4.3). */
#define VE_SYS_BASE         0x1c010000u
#define VE_SYS_ID           (VE_SYS_BASE + 0x00)
#define VE_SYS_FLAGS        (VE_SYS_BASE + 0x30)
#define VE_SYS_24MHZ        (VE_SYS_BASE + 0x5c)
#define VE_SYS_CFGDATA      (VE_SYS_BASE + 0xa0)
#define VE_SYS_CFGCTRL      (VE_SYS_BASE + 0xa4)
#define VE_SYS_CFGSTAT      (VE_SYS_BASE + 0xa8)
/*
 * SYS_CFGCTRL (V2M-P1 TRM 4.3.19): start [31], write [30], DCC [29:26],
 * function [25:20], site [17:16] (0 = motherboard), position [15:12],
 * device [11:0].  Function 8 is SHUTDOWN; QEMU and armhv-emu both end the
 * run when it is written to the motherboard's device 0.
 */
#define VE_CFGCTRL_START    (1u << 31)
#define VE_CFGCTRL_WRITE    (1u << 30)
#define VE_CFGCTRL_FUNC(f)  ((u32)(f) << 20)
#define VE_CFG_FUNC_SHUTDOWN 8u
#define VE_CFGSTAT_COMPLETE (1u << 0)

/* UART0, ARM PL011. */
#define VE_UART0_BASE       0x1c090000u
/* SP804 dual timers (motherboard interrupts 2 and 3 = GIC IDs 34, 35). */
#define VE_TIMER01_BASE     0x1c110000u

/* GIC-400 on the tile: PERIPHBASE 0x2c000000 (Cortex-A15 MPCore TRM 8.1). */
#define VE_GICD_BASE        0x2c001000u
#define VE_GICC_BASE        0x2c002000u     /* 8 KiB: GICC_DIR at +0x1000 */

/* Generic timer PPIs as interrupt IDs (vexpress-v2p-ca15-tc1.dts, arm,armv7-timer). */
#define VE_IRQ_SEC_PHYS_TIMER   29
#define VE_IRQ_PHYS_TIMER       30
#define VE_IRQ_VIRT_TIMER       27
#define VE_IRQ_HYP_TIMER        26

/*
 * RAM: 0x80000000 upwards; the programs are linked at 0x80010000 and run
 * with 256M.  The first 64K hold the exception vectors (VBAR) and scratch.
 */
#define VE_RAM_BASE         0x80000000u
#define VE_RAM_TEST_SIZE    (256u << 20)
#define VE_VECTOR_BASE      VE_RAM_BASE

#endif
