/*
 * The Cortex-A9 MPCore private memory region (Cortex-A9 MPCore TRM, ARM DDI
 * 0407, 1.5 "Private memory region"): 8 KiB at PERIPHBASE holding
 *
 *   +0x0000  SCU                      a9_scu.c
 *   +0x0100  GIC CPU interface        gic.c (v1)
 *   +0x0200  global timer             a9_global_timer.c   PPI 11 (ID 27)
 *   +0x0600  private timer, watchdog  arm_mptimer.c       PPI 13, 14 (ID 29, 30)
 *   +0x1000  GIC distributor          gic.c
 *
 * The memory map is page-granular and the first four blocks share a page,
 * so this one device owns the region and forwards each access to the block
 * it falls in (other offsets read as zero, logged as guest errors). It
 * creates the blocks and wires the timers to the GIC's PPIs; the board maps
 * mp->dev with machine_add_device(), connects the CPUs to irq_out/fiq_out
 * and the SPIs with gic_spi_input(mp->gic, n).
 */
#ifndef DEVICES_A9_MPCORE_H
#define DEVICES_A9_MPCORE_H

#include <stdint.h>

#include "devices/a9_global_timer.h"
#include "devices/a9_scu.h"
#include "devices/arm_mptimer.h"
#include "devices/clock.h"
#include "devices/device.h"
#include "devices/gic.h"

#define A9_MPCORE_SIZE 0x2000
#define A9_MPCORE_MAX_CPUS 4
/* Interrupt IDs of QEMU's vexpress-a9 GIC (GICD_TYPER 0x402): 64 SPIs. */
#define A9_MPCORE_DEFAULT_IRQS 96

struct a9_mpcore_config {
    uint64_t periphbase;
    unsigned num_cpus;          /* 1..4 */
    unsigned num_irqs;          /* 0: A9_MPCORE_DEFAULT_IRQS */
    struct irq_line irq_out[A9_MPCORE_MAX_CPUS];    /* to cpu_set_irq of CPU n */
    struct irq_line fiq_out[A9_MPCORE_MAX_CPUS];    /* to cpu_set_fiq of CPU n */
    struct cpu_selector cpu_sel;                    /* who is accessing */
};

struct a9_mpcore {
    struct device dev;
    struct a9_scu *scu;
    struct gic *gic;
    struct a9_global_timer *gtimer;
    struct arm_mptimer *mptimer;
};

struct a9_mpcore *a9_mpcore_create(const char *name, const struct a9_mpcore_config *cfg,
                                   struct vclock *clock, struct trace *trace);

#endif
