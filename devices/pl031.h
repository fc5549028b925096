/*
 * ARM PrimeCell PL031 real-time clock: a 1 Hz seconds counter with a match
 * interrupt. Registers in pl031.c.
 */
#ifndef DEVICES_PL031_H
#define DEVICES_PL031_H

#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"

struct pl031 {
    struct device dev;
    struct irq_line irq;        /* RTCINTR */
    int irq_level;
    struct clock_event match;   /* next time RTCDR == RTCMR */

    /* RTCDR = tick_offset + whole seconds of virtual time (mod 2^32). */
    uint32_t tick_offset;
    uint32_t start_time;        /* RTCDR at virtual time 0, restored by reset */
    uint32_t mr;                /* RTCMR */
    uint32_t lr;                /* RTCLR: last value loaded */
    uint32_t imsc;              /* RTCIMSC */
    uint32_t ris;               /* RTCRIS */
    uint64_t checked_ns;        /* RTCRIS accounts for every match up to here */
};

/*
 * start_time is what RTCDR reads at virtual time 0, in seconds since the
 * Unix epoch: the board passes the host time at machine creation, or a
 * fixed value for a reproducible run.
 */
struct pl031 *pl031_create(const char *name, uint64_t base, struct irq_line irq,
                           uint32_t start_time, struct vclock *clock, struct trace *trace);

#endif
