/*
 * Cortex-A9 MPCore private timer and watchdog (Cortex-A9 MPCore TRM, ARM
 * DDI 0407, 4.1-4.3): at PERIPHBASE+0x600, one pair per CPU, each CPU
 * seeing its own pair at the same address. The timer interrupts on PPI 13
 * (ID 29), the watchdog on PPI 14 (ID 30). Registers and behaviour in
 * arm_mptimer.c.
 */
#ifndef DEVICES_ARM_MPTIMER_H
#define DEVICES_ARM_MPTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/gic.h"
#include "devices/irq.h"

#define ARM_MPTIMER_SIZE 0x100
#define ARM_MPTIMER_MAX_CPUS 4
/*
 * PERIPHCLK period. QEMU clocks the private timers at 100 MHz (10 ns per
 * tick before the prescaler); Linux, which has no clock for the TWD in the
 * vexpress DT, calibrates it against the jiffy and prints
 * "Calibrating local timer... 100.00MHz" on QEMU. Same here.
 */
#define ARM_MPTIMER_TICK_NS 10u

struct arm_mptimer;

/* The private timer or the watchdog of one CPU (same counter logic). */
struct arm_mptimer_block {
    struct arm_mptimer *parent;
    unsigned cpu;
    bool watchdog;
    struct irq_line irq;
    int irq_level;
    struct clock_event expiry;  /* next zero, armed only if it would interrupt */

    uint32_t load;
    uint32_t control;
    uint32_t status;            /* Interrupt Status: event flag */
    uint32_t reset_status;      /* watchdog: Reset Status (reset flag) */
    uint32_t disable_step;      /* watchdog: 1 after 0x12345678 was written */

    /*
     * While enabled the counter held `count` at virtual time start_ns (a
     * tick boundary) and its later values are computed; stopped, `count`
     * is the frozen value.
     */
    uint32_t count;
    uint64_t start_ns;
    uint64_t checked_ns;        /* status accounts for every zero up to here */
};

struct arm_mptimer {
    struct device dev;
    unsigned num_cpus;
    struct cpu_selector cpu_sel;
    struct arm_mptimer_block timer[ARM_MPTIMER_MAX_CPUS];
    struct arm_mptimer_block wdt[ARM_MPTIMER_MAX_CPUS];
};

/*
 * timer_irq[n] / wdt_irq[n]: CPU n's PPI 13 and PPI 14, i.e.
 * gic_ppi_input(gic, n, 13) and gic_ppi_input(gic, n, 14). The region is
 * smaller than a page: on a board it is mapped through devices/a9_mpcore.c.
 */
struct arm_mptimer *arm_mptimer_create(const char *name, uint64_t base, unsigned num_cpus,
                                       const struct irq_line timer_irq[],
                                       const struct irq_line wdt_irq[],
                                       struct cpu_selector cpu_sel, struct vclock *clock,
                                       struct trace *trace);

/* Register access on behalf of one CPU (offsets from PERIPHBASE+0x600). */
uint32_t arm_mptimer_read(struct arm_mptimer *mpt, unsigned cpu, uint32_t offset);
void arm_mptimer_write(struct arm_mptimer *mpt, unsigned cpu, uint32_t offset, uint32_t value);

#endif
