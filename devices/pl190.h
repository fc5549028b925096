/*
 * ARM PrimeCell PL190 Vectored Interrupt Controller (VIC): 32
 * level-sensitive inputs, an IRQ and an FIQ output to the CPU, 16
 * prioritised vectored slots plus the default (non-vectored) vector.
 * The register interface is in pl190.c.
 */
#ifndef DEVICES_PL190_H
#define DEVICES_PL190_H

#include <stdint.h>

#include "devices/device.h"
#include "devices/irq.h"

#define PL190_INPUTS 32
#define PL190_VECTORS 16
/* Priority levels: 0-15 are the vectored slots, 16 the default vector. */
#define PL190_LEVEL_DEFAULT 16
#define PL190_LEVEL_IDLE 17     /* nothing in service */

struct pl190 {
    struct device dev;
    struct irq_line irq_out;
    struct irq_line fiq_out;

    uint32_t level;             /* input lines as driven by the sources */
    uint32_t soft;              /* VICSOFTINT */
    uint32_t enable;            /* VICINTENABLE */
    uint32_t select;            /* VICINTSELECT: 1 = FIQ */
    uint32_t protection;        /* VICPROTECTION */
    uint32_t vect_addr[PL190_VECTORS];
    uint32_t vect_cntl[PL190_VECTORS];
    uint32_t def_vect_addr;
    uint32_t itcr;

    /*
     * The hardware priority stack: bit n set while level n is in service
     * (between the VICVECTADDR read that acknowledged it and the write that
     * ends it). Nested levels are always of higher priority, so the lowest
     * set bit is the current level.
     */
    uint32_t in_service;
    /* preempt[n]: sources whose priority is above level n (n = 0..17). */
    uint32_t preempt[PL190_LEVEL_IDLE + 1];

    int irq_level, fiq_level;   /* outputs as last driven */
};

/* irq and fiq are the nVICIRQ/nVICFIQ outputs (driven active-high here). */
struct pl190 *pl190_create(const char *name, uint64_t base, struct irq_line irq,
                           struct irq_line fiq, struct trace *trace);
/* The wire for input line (0-31); a line out of range is left unconnected. */
struct irq_line pl190_irq_input(struct pl190 *vic, unsigned line);

#endif
