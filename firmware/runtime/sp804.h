/*
 * ARM SP804 dual-input timer (ARM DDI 0271D, "ARM Dual-Timer Module (SP804)
 * Technical Reference Manual", chapter 3).  Each module holds two timers,
 * the second at +0x20.  On Versatile PB both timers of a module share one
 * VIC line (timers 0/1 -> IRQ 4) and count a 1 MHz TIMCLK.
 */
#ifndef FW_SP804_H
#define FW_SP804_H

#include "types.h"

#define SP804_LOAD      0x00
#define SP804_VALUE     0x04
#define SP804_CONTROL   0x08
#define SP804_INTCLR    0x0c
#define SP804_RIS       0x10
#define SP804_MIS       0x14
#define SP804_BGLOAD    0x18
#define SP804_TIMER2    0x20    /* offset of the second timer */

#define SP804_CTRL_ONESHOT  (1u << 0)
#define SP804_CTRL_32BIT    (1u << 1)
#define SP804_CTRL_INTEN    (1u << 5)
#define SP804_CTRL_PERIODIC (1u << 6)
#define SP804_CTRL_ENABLE   (1u << 7)

#define SP804_CLOCK_HZ  1000000u

/* timer = base address of one timer (VPB_TIMER01_BASE or + SP804_TIMER2). */
void sp804_stop(u32 timer);
/* Periodic interrupts every 'ticks' counts (32-bit, prescale 1). */
void sp804_start_periodic(u32 timer, u32 ticks);
void sp804_start_oneshot(u32 timer, u32 ticks);
void sp804_clear_irq(u32 timer);
u32 sp804_raw_status(u32 timer);
u32 sp804_value(u32 timer);

#endif
