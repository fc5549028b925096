/*
 * Cortex-A9 MPCore global timer (Cortex-A9 MPCore TRM, ARM DDI 0407, 4.4):
 * a 64-bit up-counter shared by the cluster at PERIPHBASE+0x200, with a
 * comparator, auto-increment and interrupt per CPU on PPI 11 (ID 27).
 * Linux's vexpress-a9 DT has no node for it, but the hardware has it.
 * Registers and behaviour in a9_global_timer.c.
 */
#ifndef DEVICES_A9_GLOBAL_TIMER_H
#define DEVICES_A9_GLOBAL_TIMER_H

#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/gic.h"
#include "devices/irq.h"

#define A9_GTIMER_SIZE 0x100
#define A9_GTIMER_MAX_CPUS 4
/* Clocked by PERIPHCLK like the private timers (10 ns, as QEMU). */
#define A9_GTIMER_TICK_NS 10u

struct a9_global_timer;

/* One CPU's banked comparator. */
struct a9_gtimer_cpu {
    struct a9_global_timer *parent;
    unsigned cpu;
    struct irq_line irq;
    int irq_level;
    struct clock_event match;   /* armed only when the match would interrupt */
    uint32_t control;           /* banked bits: comp enable, IRQ enable, auto-increment */
    uint32_t status;            /* event flag */
    uint64_t comparator;
    uint32_t auto_increment;
};

struct a9_global_timer {
    struct device dev;
    unsigned num_cpus;
    struct cpu_selector cpu_sel;
    uint32_t control;           /* shared bits: timer enable, prescaler */
    /* The counter read `count` at virtual time start_ns (a tick boundary). */
    uint64_t count;
    uint64_t start_ns;
    struct a9_gtimer_cpu cpus[A9_GTIMER_MAX_CPUS];
};

/* irq[n]: CPU n's PPI 11, gic_ppi_input(gic, n, 11). Mapped via a9_mpcore.c. */
struct a9_global_timer *a9_global_timer_create(const char *name, uint64_t base,
                                               unsigned num_cpus, const struct irq_line irq[],
                                               struct cpu_selector cpu_sel,
                                               struct vclock *clock, struct trace *trace);

/* Register access on behalf of one CPU (offsets from PERIPHBASE+0x200). */
uint32_t a9_global_timer_read(struct a9_global_timer *gt, unsigned cpu, uint32_t offset);
void a9_global_timer_write(struct a9_global_timer *gt, unsigned cpu, uint32_t offset,
                           uint32_t value);

#endif
