/*
 * ARM SP804 dual timer: two 32/16-bit down-counters clocked by TIMCLK
 * (1 MHz on the Versatile boards) sharing one combined interrupt output.
 * Registers and behaviour in sp804.c.
 */
#ifndef DEVICES_SP804_H
#define DEVICES_SP804_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"

#define SP804_TIMCLK_HZ 1000000u

struct sp804;

struct sp804_timer {
    struct sp804 *parent;
    unsigned index;             /* 0 = Timer1, 1 = Timer2 (TRM numbering) */
    struct clock_event expiry;  /* next time the counter reaches zero */

    uint32_t load;              /* TimerXLoad / TimerXBGLoad */
    uint32_t control;           /* TimerXControl */
    uint32_t ris;               /* TimerXRIS bit 0 */

    /*
     * The counter is not stepped: while enabled it held `count` at virtual
     * time start_ns (a tick boundary) and its value at any later time is
     * computed. While disabled `count` is the frozen value. The counter
     * register is 32 bits wide; 16-bit mode uses its low half, so a Load
     * written before the mode switches to 32-bit keeps its upper bits.
     */
    uint32_t count;
    uint64_t start_ns;
    uint64_t checked_ns;        /* RIS accounts for every zero up to here */
};

struct sp804 {
    struct device dev;
    struct irq_line irq;        /* TIMINTC: Timer1 MIS | Timer2 MIS */
    int irq_level;
    struct sp804_timer timer[2];
    uint32_t itcr;              /* TimerITCR (test mode not modelled) */
};

struct sp804 *sp804_create(const char *name, uint64_t base, struct irq_line irq,
                           struct vclock *clock, struct trace *trace);

/* TimerXValue of timer (0 or 1) now, as the guest would read it. */
uint32_t sp804_timer_value(struct sp804 *sp, unsigned timer);

#endif
