/*
 * Versatile PB physical memory map as seen by the firmware (ARM DUI 0224I,
 * "RealView Versatile Platform Baseboard for ARM926EJ-S User Guide",
 * section 4.1 memory map, and the board's interrupt assignments in 3.8).
 * Only the devices the test programs touch are listed.
 */
#ifndef FW_VERSATILEPB_H
#define FW_VERSATILEPB_H

#include "mmio.h"
#include "types.h"

/* System registers (user guide 4.3). */
#define VPB_SYS_BASE        0x10000000u
#define VPB_SYS_ID          (VPB_SYS_BASE + 0x00)
#define VPB_SYS_LOCK        (VPB_SYS_BASE + 0x20)
#define VPB_SYS_FLAGS       (VPB_SYS_BASE + 0x30)
#define VPB_SYS_RESETCTL    (VPB_SYS_BASE + 0x40)
#define VPB_SYS_LOCK_KEY    0xa05fu     /* unlocks SYS_RESETCTL and friends */
/*
 * SYS_RESETCTL: bits [2:0] select the reset level (5 = "reset as if the
 * reset button was pressed"), bit 8 triggers it.  QEMU and armhv-emu turn
 * a board reset under -no-reboot into an exit of the emulator.
 */
#define VPB_SYS_RESET_PUSH  0x105u

/* Primary interrupt controller, ARM PL190 VIC. */
#define VPB_VIC_BASE        0x10140000u
/* Dual timers, ARM SP804: timers 0/1 at 0x101e2000, timers 2/3 at 0x101e3000. */
#define VPB_TIMER01_BASE    0x101e2000u
#define VPB_TIMER23_BASE    0x101e3000u
/* UART0, ARM PL011. */
#define VPB_UART0_BASE      0x101f1000u

/* VIC input lines (user guide table 3-19 "Primary interrupt controller"). */
#define VPB_IRQ_WATCHDOG    0
#define VPB_IRQ_SOFT        1   /* software interrupt: only VICSOFTINT drives it */
#define VPB_IRQ_TIMER01     4
#define VPB_IRQ_TIMER23     5
#define VPB_IRQ_UART0       12

/* RAM: the test programs are linked at 0x00010000; QEMU is run with 128M. */
#define VPB_RAM_BASE        0x00000000u
#define VPB_RAM_TEST_SIZE   (128u << 20)

#endif
