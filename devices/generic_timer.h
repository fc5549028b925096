/*
 * The ARMv7 Generic Timer of the Cortex-A15 (ARM ARM DDI 0406C, chapter
 * B8): the system counter and each CPU's physical (Secure and Non-secure
 * banks), virtual and Hyp timers, reached through CP15 c14. Registers and
 * behaviour in generic_timer.c.
 *
 * The board creates one for the cluster, attaches every CPU (which installs
 * the struct generic_timer_ops that cp15.c forwards c14 accesses to) and
 * wires each CPU's four timer outputs to its GIC PPIs, in the order of the
 * DT's arm,armv7-timer node:
 *
 *   ppi[n][GT_PHYS_SECURE]    = gic_ppi_input(gic, n, 13)   ID 29
 *   ppi[n][GT_PHYS_NONSECURE] = gic_ppi_input(gic, n, 14)   ID 30
 *   ppi[n][GT_VIRT]           = gic_ppi_input(gic, n, 11)   ID 27
 *   ppi[n][GT_HYP]            = gic_ppi_input(gic, n, 10)   ID 26
 *
 * It has no MMIO registers (dev.size is 0): machine_add_device() lists it
 * for reset, dump and destroy without mapping it. Outside a machine, call
 * generic_timer_reset()/generic_timer_destroy() directly.
 */
#ifndef DEVICES_GENERIC_TIMER_H
#define DEVICES_GENERIC_TIMER_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"

/* The system counter runs at 62.5 MHz (QEMU's value): one tick per 16 ns. */
#define GENERIC_TIMER_FREQ_HZ 62500000u
#define GENERIC_TIMER_NS_PER_TICK 16u
#define GENERIC_TIMER_MAX_CPUS 4

/* The timers of one CPU, in the order of the DT's interrupts. */
enum generic_timer_index {
    GT_PHYS_SECURE,     /* CNTP_* accessed in Secure state */
    GT_PHYS_NONSECURE,  /* CNTP_* accessed in Non-secure state */
    GT_VIRT,            /* CNTV_*, compared with CNTVCT */
    GT_HYP,             /* CNTHP_* */
    GT_TIMER_COUNT
};

struct generic_timer;
struct generic_timer_cpu;

struct gt_channel {
    struct generic_timer_cpu *cpu;
    enum generic_timer_index index;
    uint32_t ctl;               /* CNTx_CTL: ENABLE, IMASK (ISTATUS is computed) */
    uint64_t cval;              /* CNTx_CVAL */
    struct irq_line irq;
    int irq_level;
    struct clock_event fire;    /* when the counter reaches cval */
};

struct generic_timer_cpu {
    struct generic_timer *parent;
    unsigned index;
    uint32_t cntfrq;            /* CNTFRQ: what software is told, not the rate */
    uint32_t cntkctl;           /* CNTKCTL */
    uint32_t cnthctl;           /* CNTHCTL */
    uint64_t cntvoff;           /* CNTVOFF: CNTVCT = CNTPCT - CNTVOFF */
    struct gt_channel timer[GT_TIMER_COUNT];
};

struct generic_timer {
    struct device dev;          /* name, trace, clock, dump; no MMIO */
    unsigned num_cpus;
    struct generic_timer_cpu cpus[GENERIC_TIMER_MAX_CPUS];
};

/* ppi[n][i]: CPU n's output for timer i (see above). NULL on bad arguments. */
struct generic_timer *generic_timer_create(const char *name, struct vclock *clock,
                                           unsigned num_cpus,
                                           const struct irq_line ppi[][GT_TIMER_COUNT],
                                           struct trace *trace);
/*
 * Points cpu->gtimer/gtimer_opaque at the timers of CPU cpu->index, so
 * CP15 c14 accesses reach them. Returns 0 or -EINVAL (index too large).
 */
int generic_timer_attach_cpu(struct generic_timer *gt, struct arm_cpu *cpu);
void generic_timer_reset(struct generic_timer *gt);
void generic_timer_destroy(struct generic_timer *gt);

/* CNTPCT now: virtual time in ns / GENERIC_TIMER_NS_PER_TICK. */
uint64_t generic_timer_count(const struct generic_timer *gt);

/* The c14 interface (what generic_timer_attach_cpu installs). */
extern const struct generic_timer_ops generic_timer_cp15_ops;

#endif
