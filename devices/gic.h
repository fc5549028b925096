/*
 * ARM Generic Interrupt Controller, architecture v1 (the Cortex-A9 MPCore
 * interrupt controller) and v2 (GIC-400 beside the Cortex-A15), after the
 * GIC Architecture Specification (ARM IHI 0048B). Registers and behaviour
 * are described in gic.c.
 *
 * One struct gic holds the distributor and up to GIC_MAX_CPUS CPU
 * interfaces. It is two devices, because the two register blocks sit at
 * unrelated addresses:
 *
 *              Cortex-A9 (v1)              Cortex-A15 (v2, GIC-400)
 *   dist       PERIPHBASE+0x1000, 4 KiB    0x2c001000, 4 KiB
 *   cpu        PERIPHBASE+0x100, 256 B     0x2c002000, 8 KiB (GICC_DIR at +0x1000)
 *
 * The memory map is page-granular, so on the A9 the CPU interface (which
 * shares a page with the SCU and the timers) is reached through
 * devices/a9_mpcore.c; on the A15 the board maps gic->dist and gic->cpu
 * directly with machine_add_device(). Both devices must be destroyed (the
 * machine destroys every registered device); the GIC is freed with the
 * second.
 *
 * Interrupt IDs: 0-15 SGIs, 16-31 PPIs (both banked per CPU), 32.. SPIs.
 * The board connects device interrupt lines to gic_spi_input() and the
 * per-CPU timers to gic_ppi_input(); the outputs are one IRQ and one FIQ
 * line per CPU, wired to cpu_set_irq()/cpu_set_fiq().
 *
 * The distributor and CPU interface logic works on an explicit CPU number
 * (gic_dist_read(), gic_cpu_read(), ...); the MMIO handlers only add "which
 * CPU is accessing" from a cpu_selector. A hypervisor's virtual GIC for a
 * domain is therefore just another struct gic whose outputs drive a vCPU.
 */
#ifndef DEVICES_GIC_H
#define DEVICES_GIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/device.h"
#include "devices/irq.h"

#define GIC_MAX_CPUS 8          /* ITARGETSR has one bit per CPU interface */
#define GIC_MAX_IRQS 1020       /* IDs 1020-1023 are special */
#define GIC_NR_SGIS 16
#define GIC_NR_PRIVATE 32       /* SGIs + PPIs, banked per CPU */
#define GIC_SPURIOUS 1023       /* GICC_IAR: nothing to acknowledge */
#define GIC_SPURIOUS_GROUP1 1022 /* Secure GICC_IAR, Group 1 pending, AckCtl 0 */

/* Implemented priority bits (both the A9 GIC and GIC-400 have 32 levels). */
#define GIC_PRIORITY_BITS 5
#define GIC_PRIORITY_MASK ((0xffu << (8 - GIC_PRIORITY_BITS)) & 0xffu)

enum gic_version {
    GIC_V1 = 1,     /* Cortex-A9 MPCore interrupt controller */
    GIC_V2 = 2,     /* GIC-400 */
};

/*
 * Which CPU issued the MMIO access being served. The banked registers (the
 * whole CPU interface, SGI/PPI state in the distributor, the A9 private
 * timers) need it and struct mmio_ops does not carry it. A NULL function
 * means CPU 0, which is exact on a one-CPU board.
 */
struct cpu_selector {
    unsigned (*current)(void *opaque);
    void *opaque;
};

static inline unsigned cpu_selector_current(const struct cpu_selector *sel)
{
    return sel->current ? sel->current(sel->opaque) : 0;
}

/* State of one interrupt; IDs < 32 have one copy per CPU interface. */
struct gic_irq {
    uint8_t priority;       /* GICD_IPRIORITYR byte (implemented bits only) */
    uint8_t target;         /* GICD_ITARGETSR byte (SPIs) */
    uint8_t config;         /* GICD_ICFGR field: bit 1 edge, bit 0 model (v1) */
    bool group;             /* GICD_IGROUPR: 0 = Group 0 (Secure) */
    bool enabled;
    bool pending;           /* latched pending state (edge, ISPENDR write) */
    bool active;
    bool level;             /* input line as driven by the source */
};

/* One CPU interface and that CPU's bank of the private interrupts. */
struct gic_cpu {
    uint32_t ctlr;          /* GICC_CTLR, Secure view */
    uint8_t pmr;            /* GICC_PMR */
    uint8_t bpr;            /* GICC_BPR (Group 0, or both with CBPR) */
    uint8_t abpr;           /* GICC_ABPR (Group 1) */
    /*
     * Active priorities: bit n set while an interrupt of group priority
     * n << (8 - GIC_PRIORITY_BITS) is active (acknowledged, priority not
     * yet dropped); apr for Group 0, nsapr for Group 1 (GICC_APR0 and
     * GICC_NSAPR0). The running priority is the lowest set bit.
     */
    uint32_t apr, nsapr;
    struct gic_irq priv[GIC_NR_PRIVATE];
    uint8_t sgi_source[GIC_NR_SGIS];    /* bit n: SGI pending from CPU n */
    unsigned hppi;          /* highest priority pending, as of gic_update */
    int irq_level, fiq_level;           /* outputs as last driven */
};

struct gic_config {
    enum gic_version version;
    unsigned num_irqs;      /* multiple of 32, 32..1020: 96 on the A9, 160 on the A15 */
    unsigned num_cpus;      /* 1..GIC_MAX_CPUS */
    const char *dist_name;  /* device names; NULL: "gic-dist" / "gic-cpu" */
    const char *cpu_name;
    uint64_t dist_base;
    uint64_t cpu_base;      /* the CPU interface is 256 B (v1) or 8 KiB (v2) */
    struct irq_line irq_out[GIC_MAX_CPUS];  /* to cpu_set_irq of CPU n */
    struct irq_line fiq_out[GIC_MAX_CPUS];  /* to cpu_set_fiq of CPU n */
    struct cpu_selector cpu_sel;
};

struct gic {
    struct device dist;     /* distributor registers */
    struct device cpu;      /* CPU interface registers (banked per CPU) */
    unsigned refs;          /* devices not yet destroyed */

    enum gic_version version;
    unsigned num_irqs;
    unsigned num_cpus;
    struct cpu_selector cpu_sel;
    struct irq_line irq_out[GIC_MAX_CPUS];
    struct irq_line fiq_out[GIC_MAX_CPUS];

    /*
     * Hypervisor pass-through (hv/system.c): when set, SPI inputs are not
     * latched here but handed to spi_forward with the SPI number, so a
     * board device given to a domain interrupts that domain's virtual GIC.
     */
    void (*spi_forward)(void *opaque, unsigned spi, int level);
    void *spi_forward_opaque;

    uint32_t ctlr;          /* GICD_CTLR: bit 0 EnableGrp0, bit 1 EnableGrp1 */
    struct gic_cpu cpus[GIC_MAX_CPUS];
    struct gic_irq spi[GIC_MAX_IRQS - GIC_NR_PRIVATE];
};

/* Returns NULL on a bad configuration or out of memory. */
struct gic *gic_create(const struct gic_config *cfg, struct trace *trace);

/* Input wires: SPI n is interrupt ID 32 + n, PPI n of a CPU is ID 16 + n. */
struct irq_line gic_spi_input(struct gic *gic, unsigned spi);
struct irq_line gic_ppi_input(struct gic *gic, unsigned cpu, unsigned ppi);

/* Recomputes every CPU's IRQ/FIQ output; the only place they change. */
void gic_update(struct gic *gic);

/*
 * Register access on behalf of one CPU (offsets from the block base; size
 * 1, 2 or 4). The MMIO handlers call these with the cpu_selector's CPU;
 * tests and the hypervisor call them directly.
 */
uint32_t gic_dist_read(struct gic *gic, unsigned cpu, uint32_t offset, unsigned size);
void gic_dist_write(struct gic *gic, unsigned cpu, uint32_t offset, uint32_t value,
                    unsigned size);
uint32_t gic_cpu_read(struct gic *gic, unsigned cpu, uint32_t offset);
void gic_cpu_write(struct gic *gic, unsigned cpu, uint32_t offset, uint32_t value);

/* MMIO ops of the two blocks; opaque is the gic (for container devices). */
extern const struct mmio_ops gic_dist_mmio_ops;
extern const struct mmio_ops gic_cpu_mmio_ops;

/* Per-line state (enabled/pending/active/priority/target/config) for `irq`. */
void gic_dump_lines(struct gic *gic, FILE *out);

#endif
