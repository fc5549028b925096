/*
 * The Generic Interrupt Controller (devices/gic.c) against the GIC
 * Architecture Specification (IHI 0048B), driven through its register
 * interface with probe wires on the IRQ/FIQ outputs and no CPU:
 * identification (the GICD_TYPER/IIDR values Linux prints and keys on),
 * the enable/pending/priority-mask gates, the IAR/EOIR handshake and the
 * spurious ID 1023, preemption by group priority under the binary point,
 * SGIs between CPUs with their source IDs, level versus edge inputs,
 * ITARGETSR routing on two CPUs, Group 0 on FIQ, the v2 split EOI
 * (GICC_DIR), byte access and the `irq` dump. A GIC that gets one of these
 * wrong shows up as a guest hanging with interrupts masked, an interrupt
 * storm, or a lost timer tick.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/a9_mpcore.h"
#include "devices/gic.h"

/* Register offsets, spelled out as the spec's tables give them. */
#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR0 0xfe0
#define GICD_CIDR0 0xff0

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_APR0 0xd0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000

#define CTLR_GRP0 1u
#define CTLR_GRP1 2u
#define CTLR_ACKCTL 4u
#define CTLR_FIQEN 8u
#define CTLR_EOIMODES (1u << 9)

/* ---- fixture: probe wires for IRQ (line cpu) and FIQ (line 8 + cpu) ---- */

struct probe {
    int level[16];
    unsigned changes;
};

static void probe_set(void *opaque, unsigned line, int level)
{
    struct probe *p = opaque;
    p->level[line] = level;
    p->changes++;
}

struct fixture {
    struct probe probe;
    struct gic *gic;
    unsigned current_cpu;     /* what the MMIO cpu_selector reports */
};

static unsigned fixture_current_cpu(void *opaque)
{
    return ((struct fixture *)opaque)->current_cpu;
}

static struct fixture *gic_fixture(enum gic_version version, unsigned num_irqs,
                                   unsigned num_cpus)
{
    struct fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    struct gic_config cfg = {
        .version = version,
        .num_irqs = num_irqs,
        .num_cpus = num_cpus,
        .dist_base = 0x2c001000,
        .cpu_base = 0x2c002000,
        .cpu_sel = { fixture_current_cpu, f },
    };
    for (unsigned cpu = 0; cpu < num_cpus; cpu++) {
        cfg.irq_out[cpu] = irq_line_make(probe_set, &f->probe, cpu);
        cfg.fiq_out[cpu] = irq_line_make(probe_set, &f->probe, 8 + cpu);
    }
    f->gic = gic_create(&cfg, NULL);
    ck_assert_ptr_nonnull(f->gic);
    return f;
}

static void fixture_free(struct fixture *f)
{
    f->gic->dist.destroy(&f->gic->dist);
    f->gic->cpu.destroy(&f->gic->cpu);
    free(f);
}

static int irq_out(struct fixture *f, unsigned cpu)
{
    return f->probe.level[cpu];
}

static int fiq_out(struct fixture *f, unsigned cpu)
{
    return f->probe.level[8 + cpu];
}

static uint32_t dist_rd(struct fixture *f, unsigned cpu, uint32_t offset)
{
    return gic_dist_read(f->gic, cpu, offset, 4);
}

static void dist_wr(struct fixture *f, unsigned cpu, uint32_t offset, uint32_t value)
{
    gic_dist_write(f->gic, cpu, offset, value, 4);
}

static uint32_t cpu_rd(struct fixture *f, unsigned cpu, uint32_t offset)
{
    return gic_cpu_read(f->gic, cpu, offset);
}

static void cpu_wr(struct fixture *f, unsigned cpu, uint32_t offset, uint32_t value)
{
    gic_cpu_write(f->gic, cpu, offset, value);
}

/* Sets the priority byte of one interrupt (as seen from cpu). */
static void set_priority(struct fixture *f, unsigned cpu, unsigned id, uint8_t prio)
{
    gic_dist_write(f->gic, cpu, GICD_IPRIORITYR + id, prio, 1);
}

static void set_target(struct fixture *f, unsigned id, uint8_t targets)
{
    gic_dist_write(f->gic, 0, GICD_ITARGETSR + id, targets, 1);
}

static void enable_irq(struct fixture *f, unsigned cpu, unsigned id)
{
    dist_wr(f, cpu, GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
}

/* Linux's gic_dist_init + gic_cpu_init, reduced: everything on, PMR 0xf0. */
static void linux_like_init(struct fixture *f, unsigned num_cpus)
{
    dist_wr(f, 0, GICD_CTLR, CTLR_GRP0);
    for (unsigned cpu = 0; cpu < num_cpus; cpu++) {
        cpu_wr(f, cpu, GICC_PMR, 0xf0);
        cpu_wr(f, cpu, GICC_CTLR, CTLR_GRP0);
    }
}

/* ---- identification ---- */

START_TEST(test_gic_ids)
{
    /* Cortex-A9: QEMU's vexpress-a9 reports 0x402 (96 IDs, 1 CPU, SecurityExtn). */
    struct fixture *f = gic_fixture(GIC_V1, 96, 1);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_TYPER), 0x402);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_IIDR), 0x0102043b);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IIDR), 0x3901243b);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_PIDR0), 0x90);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_PIDR0 + 4), 0xb3);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_CIDR0), 0x0d);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_CIDR0 + 12), 0xb1);
    /* ITARGETSR0-7 read as CPU 0's own bit, so Linux finds its CPU mask. */
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(dist_rd(f, 0, GICD_ITARGETSR + 4 * i), 0x01010101);
    /* SGIs: always enabled, edge-triggered. */
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISENABLER) & 0xffff, 0xffff);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ICFGR), 0xaaaaaaaa);
    /* Reset: CPU interface masked, BPR at its minimum. */
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_PMR), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_BPR), 2);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_ABPR), 3);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xff);
    fixture_free(f);

    /* GIC-400 beside the Cortex-A15: 160 IDs; Linux keys GICv2 on GICC_IIDR. */
    f = gic_fixture(GIC_V2, 160, 1);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_TYPER), 0x404);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_IIDR), 0x0200143b);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IIDR), 0x0202143b);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IIDR) & 0xff0fff, 0x02043b);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_PIDR0 + 8), 0x2b);
    ck_assert_uint_eq(f->gic->cpu.size, 0x2000);
    fixture_free(f);

    /* Two CPUs: CPUNumber = 1, and each CPU reads its own ITARGETSR bit. */
    f = gic_fixture(GIC_V2, 160, 2);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_TYPER), 0x424);
    ck_assert_uint_eq(dist_rd(f, 1, GICD_ITARGETSR), 0x02020202);
    fixture_free(f);

    struct gic_config bad = { .version = GIC_V2, .num_irqs = 100, .num_cpus = 1 };
    ck_assert_ptr_null(gic_create(&bad, NULL));
}
END_TEST

/* ---- the gates: enables, PMR, IAR/EOIR, spurious ---- */

START_TEST(test_gic_enable_pending_priority_mask)
{
    struct fixture *f = gic_fixture(GIC_V1, 96, 1);
    struct irq_line spi5 = gic_spi_input(f->gic, 5);   /* ID 37: the CA9 UART0 */
    set_priority(f, 0, 37, 0xa0);
    irq_set(&spi5, 1);
    /* Pending, but disabled everywhere. */
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISPENDR + 4) & (1u << 5), 1u << 5);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);
    enable_irq(f, 0, 37);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISENABLER + 4), 1u << 5);
    ck_assert_int_eq(irq_out(f, 0), 0);            /* distributor off */
    dist_wr(f, 0, GICD_CTLR, CTLR_GRP0);
    ck_assert_int_eq(irq_out(f, 0), 0);            /* CPU interface off */
    cpu_wr(f, 0, GICC_CTLR, CTLR_GRP0);
    ck_assert_int_eq(irq_out(f, 0), 0);            /* PMR 0 masks everything */
    cpu_wr(f, 0, GICC_PMR, 0xa0);
    ck_assert_int_eq(irq_out(f, 0), 0);            /* priority must be below PMR */
    cpu_wr(f, 0, GICC_PMR, 0xa8);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_HPPIR), 37);

    /* Acknowledge: active, the output drops, RPR = its priority. */
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 37);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xa0);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISACTIVER + 4), 1u << 5);
    /* Nothing else to take: spurious. */
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);

    /* The device drops its line in the handler, then EOI. */
    irq_set(&spi5, 0);
    cpu_wr(f, 0, GICC_EOIR, 37);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xff);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISACTIVER + 4), 0);
    ck_assert_int_eq(irq_out(f, 0), 0);
    /* EOI of the spurious ID is ignored. */
    cpu_wr(f, 0, GICC_EOIR, 1023);

    /* ICENABLER masks a pending interrupt. */
    irq_set(&spi5, 1);
    ck_assert_int_eq(irq_out(f, 0), 1);
    dist_wr(f, 0, GICD_ICENABLER + 4, 1u << 5);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);
    fixture_free(f);
}
END_TEST

/* ---- priorities, preemption and the binary point ---- */

START_TEST(test_gic_priority_order_and_preemption)
{
    struct fixture *f = gic_fixture(GIC_V1, 96, 1);
    linux_like_init(f, 1);
    /* Implemented priority bits: 5 (32 levels), the low three read as 0. */
    set_priority(f, 0, 40, 0xff);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_IPRIORITYR + 40) & 0xff, 0xf8);

    unsigned lo = 40, hi = 41, same = 42;
    set_priority(f, 0, lo, 0xa0);
    set_priority(f, 0, hi, 0x80);
    set_priority(f, 0, same, 0x80);
    for (unsigned id = 40; id <= 42; id++)
        enable_irq(f, 0, id);

    /* Two pending at once: the higher priority (lower value) goes first;
     * at equal priority the lower ID. */
    dist_wr(f, 0, GICD_ISPENDR + 4, (1u << (lo - 32)) | (1u << (same - 32)) |
                                        (1u << (hi - 32)));
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), hi);
    /* same has the same group priority as hi: no preemption. */
    ck_assert_int_eq(irq_out(f, 0), 0);
    cpu_wr(f, 0, GICC_EOIR, hi);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), same);
    cpu_wr(f, 0, GICC_EOIR, same);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), lo);
    cpu_wr(f, 0, GICC_EOIR, lo);

    /* Nesting: lo is active; hi (0x80) preempts it with BPR 2 (group
     * priority bits [7:3]). */
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << (lo - 32));
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), lo);
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << (hi - 32));
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), hi);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0x80);
    /* EOI of the inner one returns to lo's running priority. */
    cpu_wr(f, 0, GICC_EOIR, hi);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xa0);
    cpu_wr(f, 0, GICC_EOIR, lo);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xff);

    /* BPR 5: group priority is bits [7:6]; 0xa0 and 0x80 are both group
     * 0x80, so hi no longer preempts lo (it waits its turn). */
    cpu_wr(f, 0, GICC_BPR, 5);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_BPR), 5);
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << (lo - 32));
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), lo);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0x80);    /* the group priority */
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << (hi - 32));
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_HPPIR), hi);
    cpu_wr(f, 0, GICC_EOIR, lo);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), hi);
    cpu_wr(f, 0, GICC_EOIR, hi);

    /* BPR below the minimum reads back as the minimum. */
    cpu_wr(f, 0, GICC_BPR, 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_BPR), 2);
    fixture_free(f);
}
END_TEST

/* ---- SGIs ---- */

START_TEST(test_gic_sgi_between_cpus)
{
    struct fixture *f = gic_fixture(GIC_V2, 160, 2);
    linux_like_init(f, 2);
    /* CPU0 sends SGI 3 to CPU1 by target list. */
    dist_wr(f, 0, GICD_SGIR, (0u << 24) | (0x2u << 16) | 3);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_int_eq(irq_out(f, 1), 1);
    ck_assert_uint_eq(dist_rd(f, 1, GICD_ISPENDR) & 0xffff, 1u << 3);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISPENDR) & 0xffff, 0);
    /* GICD_SPENDSGIR shows the source CPU per SGI byte. */
    ck_assert_uint_eq(dist_rd(f, 1, GICD_SPENDSGIR) >> 24, 0x01);
    /* IAR carries the source CPU in bits [12:10]. */
    ck_assert_uint_eq(cpu_rd(f, 1, GICC_IAR), 3);
    cpu_wr(f, 1, GICC_EOIR, 3);
    ck_assert_int_eq(irq_out(f, 1), 0);

    /* Filter "all but self" from CPU1 reaches CPU0 with source 1. */
    dist_wr(f, 1, GICD_SGIR, (1u << 24) | 7);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_int_eq(irq_out(f, 1), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), (1u << 10) | 7);
    cpu_wr(f, 0, GICC_EOIR, (1u << 10) | 7);

    /* The same SGI from two sources: handed out one source at a time. */
    dist_wr(f, 0, GICD_SGIR, (0x2u << 16) | 5);
    dist_wr(f, 1, GICD_SGIR, (2u << 24) | 5);     /* self */
    ck_assert_uint_eq(dist_rd(f, 1, GICD_SPENDSGIR + 4) & 0xff00, 0x0300);
    ck_assert_uint_eq(cpu_rd(f, 1, GICC_IAR), 5);
    /* Active and still pending from CPU1: not signalled until deactivated. */
    ck_assert_int_eq(irq_out(f, 1), 0);
    ck_assert_uint_eq(cpu_rd(f, 1, GICC_IAR), 1023);
    cpu_wr(f, 1, GICC_EOIR, 5);
    ck_assert_int_eq(irq_out(f, 1), 1);
    ck_assert_uint_eq(cpu_rd(f, 1, GICC_IAR), (1u << 10) | 5);
    cpu_wr(f, 1, GICC_EOIR, (1u << 10) | 5);
    ck_assert_int_eq(irq_out(f, 1), 0);

    /* CPENDSGIR removes a pending source. */
    dist_wr(f, 0, GICD_SGIR, (0x2u << 16) | 1);
    ck_assert_int_eq(irq_out(f, 1), 1);
    gic_dist_write(f->gic, 1, 0xf10 + 1, 0x01, 1);
    ck_assert_int_eq(irq_out(f, 1), 0);

    /* The MMIO path takes the accessing CPU from the selector. */
    f->current_cpu = 1;
    f->gic->dist.ops->write(&f->gic->dist, GICD_SGIR, (0x1u << 16) | 9, 4);
    ck_assert_int_eq(irq_out(f, 0), 1);
    f->current_cpu = 0;
    ck_assert_uint_eq(f->gic->cpu.ops->read(&f->gic->cpu, GICC_IAR, 4), (1u << 10) | 9);
    f->gic->cpu.ops->write(&f->gic->cpu, GICC_EOIR, (1u << 10) | 9, 4);
    ck_assert_int_eq(irq_out(f, 0), 0);
    fixture_free(f);
}
END_TEST

/* ---- level versus edge ---- */

START_TEST(test_gic_level_and_edge)
{
    struct fixture *f = gic_fixture(GIC_V2, 160, 1);
    linux_like_init(f, 1);
    struct irq_line lvl = gic_spi_input(f->gic, 2);    /* ID 34, level (reset) */
    struct irq_line edg = gic_spi_input(f->gic, 3);    /* ID 35, made edge */
    dist_wr(f, 0, GICD_ICFGR + 8, 2u << 6);            /* ID 35: edge */
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ICFGR + 8), 2u << 6);
    enable_irq(f, 0, 34);
    enable_irq(f, 0, 35);

    /* Level: pending follows the line while it is not acknowledged. */
    irq_set(&lvl, 1);
    ck_assert_int_eq(irq_out(f, 0), 1);
    irq_set(&lvl, 0);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);

    /* Edge: a pulse latches pending. */
    irq_set(&edg, 1);
    irq_set(&edg, 0);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 35);
    cpu_wr(f, 0, GICC_EOIR, 35);
    ck_assert_int_eq(irq_out(f, 0), 0);
    /* A second edge while active: active and pending, taken after EOI. */
    irq_set(&edg, 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 35);
    irq_set(&edg, 0);
    irq_set(&edg, 1);
    ck_assert_int_eq(irq_out(f, 0), 0);
    cpu_wr(f, 0, GICC_EOIR, 35);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 35);
    cpu_wr(f, 0, GICC_EOIR, 35);
    irq_set(&edg, 0);

    /* Level held high through the handler: pending again after EOI. */
    irq_set(&lvl, 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 34);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISPENDR + 4) & (1u << 2), 1u << 2);
    cpu_wr(f, 0, GICC_EOIR, 34);
    ck_assert_int_eq(irq_out(f, 0), 1);
    /* ICPENDR cannot clear a level that is still asserted... */
    dist_wr(f, 0, GICD_ICPENDR + 4, 1u << 2);
    ck_assert_int_eq(irq_out(f, 0), 1);
    irq_set(&lvl, 0);
    ck_assert_int_eq(irq_out(f, 0), 0);
    /* ...but it clears a software-set pending state. */
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << 2);
    ck_assert_int_eq(irq_out(f, 0), 1);
    dist_wr(f, 0, GICD_ICPENDR + 4, 1u << 2);
    ck_assert_int_eq(irq_out(f, 0), 0);

    /* PPIs are inputs per CPU too, and their configuration is writable. */
    struct irq_line ppi11 = gic_ppi_input(f->gic, 0, 11);    /* ID 27: virtual timer */
    enable_irq(f, 0, 27);
    irq_set(&ppi11, 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 27);
    irq_set(&ppi11, 0);
    cpu_wr(f, 0, GICC_EOIR, 27);
    ck_assert_int_eq(irq_out(f, 0), 0);
    dist_wr(f, 0, GICD_ICFGR + 4, 2u << 22);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ICFGR + 4), 2u << 22);
    fixture_free(f);
}
END_TEST

/* ---- routing on two CPUs ---- */

START_TEST(test_gic_targets_two_cpus)
{
    struct fixture *f = gic_fixture(GIC_V1, 96, 2);
    linux_like_init(f, 2);
    struct irq_line spi = gic_spi_input(f->gic, 10);   /* ID 42 */
    enable_irq(f, 0, 42);
    /* Target bits beyond the CPUs present are not stored. */
    set_target(f, 42, 0xff);
    ck_assert_uint_eq(gic_dist_read(f->gic, 0, GICD_ITARGETSR + 42, 1), 0x03);
    set_target(f, 42, 0x02);
    irq_set(&spi, 1);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_int_eq(irq_out(f, 1), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);

    /* Retargeted to both: the first to acknowledge takes it. */
    set_target(f, 42, 0x03);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_int_eq(irq_out(f, 1), 1);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 42);
    ck_assert_int_eq(irq_out(f, 1), 0);
    ck_assert_uint_eq(cpu_rd(f, 1, GICC_IAR), 1023);
    irq_set(&spi, 0);
    cpu_wr(f, 0, GICC_EOIR, 42);

    /* Private interrupts stay on their CPU: CPU1's PPI 13 is not CPU0's. */
    struct irq_line twd1 = gic_ppi_input(f->gic, 1, 13);
    enable_irq(f, 1, 29);
    set_priority(f, 1, 29, 0x10);
    irq_set(&twd1, 1);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_int_eq(irq_out(f, 1), 1);
    /* Enable and priority were written in CPU1's bank only. */
    ck_assert_uint_eq((dist_rd(f, 1, GICD_ISENABLER) >> 29) & 1, 1);
    ck_assert_uint_eq((dist_rd(f, 0, GICD_ISENABLER) >> 29) & 1, 0);
    ck_assert_uint_eq(gic_dist_read(f->gic, 0, GICD_IPRIORITYR + 29, 1), 0);
    ck_assert_uint_eq(gic_dist_read(f->gic, 1, GICD_IPRIORITYR + 29, 1), 0x10);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1023);
    ck_assert_uint_eq(cpu_rd(f, 1, GICC_IAR), 29);
    fixture_free(f);
}
END_TEST

/* ---- groups and FIQ ---- */

START_TEST(test_gic_groups_and_fiq)
{
    struct fixture *f = gic_fixture(GIC_V2, 160, 1);
    dist_wr(f, 0, GICD_CTLR, CTLR_GRP0 | CTLR_GRP1);
    cpu_wr(f, 0, GICC_PMR, 0xf8);
    cpu_wr(f, 0, GICC_CTLR, CTLR_GRP0 | CTLR_GRP1 | CTLR_FIQEN);
    enable_irq(f, 0, 40);
    enable_irq(f, 0, 41);
    /* ID 41 in Group 1. */
    dist_wr(f, 0, GICD_IGROUPR + 4, 1u << 9);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_IGROUPR + 4), 1u << 9);

    /* Group 0 with FIQEn: FIQ, not IRQ. */
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << 8);
    ck_assert_int_eq(fiq_out(f, 0), 1);
    ck_assert_int_eq(irq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 40);
    ck_assert_int_eq(fiq_out(f, 0), 0);
    cpu_wr(f, 0, GICC_EOIR, 40);

    /* Group 1 on IRQ; a Secure IAR read without AckCtl answers 1022. */
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << 9);
    ck_assert_int_eq(irq_out(f, 0), 1);
    ck_assert_int_eq(fiq_out(f, 0), 0);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_HPPIR), 1022);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 1022);
    ck_assert_int_eq(irq_out(f, 0), 1);     /* still pending */
    cpu_wr(f, 0, GICC_CTLR, CTLR_GRP0 | CTLR_GRP1 | CTLR_FIQEN | CTLR_ACKCTL);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 41);
    /* Group 1 priorities go to GICC_NSAPR0, and RPR shows them. */
    ck_assert_uint_eq(cpu_rd(f, 0, 0xe0), 1u);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0);
    cpu_wr(f, 0, GICC_EOIR, 41);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xff);

    /* Group 1 disabled in the distributor: held back. */
    dist_wr(f, 0, GICD_CTLR, CTLR_GRP0);
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << 9);
    ck_assert_int_eq(irq_out(f, 0), 0);
    fixture_free(f);
}
END_TEST

/* ---- v2 split priority drop / deactivate ---- */

START_TEST(test_gic_v2_eoimode_and_dir)
{
    struct fixture *f = gic_fixture(GIC_V2, 160, 1);
    linux_like_init(f, 1);
    cpu_wr(f, 0, GICC_CTLR, CTLR_GRP0 | CTLR_EOIMODES);
    enable_irq(f, 0, 50);
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << 18);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 50);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_APR0), 1u);
    /* EOIR only drops the priority... */
    cpu_wr(f, 0, GICC_EOIR, 50);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_RPR), 0xff);
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_APR0), 0);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISACTIVER + 4), 1u << 18);
    /* ...so a new edge of the same interrupt waits for GICC_DIR. */
    dist_wr(f, 0, GICD_ISPENDR + 4, 1u << 18);
    ck_assert_int_eq(irq_out(f, 0), 0);
    cpu_wr(f, 0, GICC_DIR, 50);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISACTIVER + 4), 0);
    ck_assert_int_eq(irq_out(f, 0), 1);
    /* ICACTIVER works on v2. */
    ck_assert_uint_eq(cpu_rd(f, 0, GICC_IAR), 50);
    dist_wr(f, 0, 0x380 + 4, 1u << 18);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISACTIVER + 4), 0);
    fixture_free(f);
}
END_TEST

/* ---- byte access and the dump ---- */

START_TEST(test_gic_byte_access_and_dump)
{
    struct fixture *f = gic_fixture(GIC_V1, 96, 1);
    /* IPRIORITYR and ITARGETSR are byte-accessible. */
    gic_dist_write(f->gic, 0, GICD_IPRIORITYR + 0x25, 0x48, 1);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_IPRIORITYR + 0x24), 0x4800);
    gic_dist_write(f->gic, 0, GICD_IPRIORITYR + 0x26, 0x3020, 2);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_IPRIORITYR + 0x24), 0x30204800);
    ck_assert_uint_eq(gic_dist_read(f->gic, 0, GICD_IPRIORITYR + 0x27, 1), 0x30);
    /* Linux writes every SPI target as the CPU mask it found. */
    dist_wr(f, 0, GICD_ITARGETSR + 32, 0x01010101);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ITARGETSR + 32), 0x01010101);
    /* ITARGETSR0-7 are read-only. */
    dist_wr(f, 0, GICD_ITARGETSR, 0);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ITARGETSR), 0x01010101);
    /* Set-enable from a byte write affects only that byte's interrupts. */
    gic_dist_write(f->gic, 0, GICD_ISENABLER + 5, 0x01, 1);
    ck_assert_uint_eq(dist_rd(f, 0, GICD_ISENABLER + 4), 1u << 8);
    /* v1: +0x380 is reserved (Linux writes it anyway). */
    dist_wr(f, 0, 0x380, 0xffffffff);
    ck_assert_uint_eq(dist_rd(f, 0, 0x380), 0);

    struct irq_line spi8 = gic_spi_input(f->gic, 8);
    irq_set(&spi8, 1);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    gic_dump_lines(f->gic, out);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "40(SPI8)"));
    ck_assert_ptr_nonnull(strstr(text, "GICv1, 96 IDs"));
    ck_assert_ptr_nonnull(strstr(text, "CPU0: GICC_CTLR"));
    free(text);

    /* Out-of-range inputs are unconnected wires, not crashes. */
    struct irq_line none = gic_spi_input(f->gic, 64);
    ck_assert_ptr_null(none.set);
    none = gic_ppi_input(f->gic, 1, 0);
    ck_assert_ptr_null(none.set);
    fixture_free(f);
}
END_TEST

/* ---- the Cortex-A9 private region routes to its blocks ---- */

START_TEST(test_a9_mpcore_region)
{
    struct vclock clock;
    uint64_t icount = 0;
    struct probe probe = { { 0 }, 0 };
    vclock_init(&clock, 1000);
    vclock_attach_counter(&clock, &icount, NULL);
    struct a9_mpcore_config cfg = {
        .periphbase = 0x1e000000,
        .num_cpus = 1,
        .irq_out = { irq_line_make(probe_set, &probe, 0) },
        .fiq_out = { irq_line_make(probe_set, &probe, 8) },
    };
    struct a9_mpcore *mp = a9_mpcore_create("a9mpcore", &cfg, &clock, NULL);
    ck_assert_ptr_nonnull(mp);
    struct device *d = &mp->dev;
    ck_assert_uint_eq(d->size, 0x2000);
    /* SCU configuration: one CPU (Linux's core count), SMP. */
    ck_assert_uint_eq(d->ops->read(d, 0x04, 4) & 0xf3, 0x10);
    ck_assert_uint_eq(d->ops->read(d, 0x1004, 4), 0x402);      /* GICD_TYPER */
    ck_assert_uint_eq(d->ops->read(d, 0x1fc, 4), 0x3901243b);  /* GICC_IIDR */
    /* The private timer raises PPI 13 = ID 29 through the GIC. */
    d->ops->write(d, 0x1000, 1, 4);              /* GICD_CTLR */
    d->ops->write(d, 0x1100, 1u << 29, 4);       /* ISENABLER0 */
    d->ops->write(d, 0x104, 0xf0, 4);            /* GICC_PMR */
    d->ops->write(d, 0x100, 1, 4);               /* GICC_CTLR */
    d->ops->write(d, 0x600, 100, 4);             /* timer load */
    d->ops->write(d, 0x608, 0x5, 4);             /* enable, IRQ, one-shot */
    icount += 100 * ARM_MPTIMER_TICK_NS;
    vclock_run_due(&clock);
    ck_assert_int_eq(probe.level[0], 1);
    ck_assert_uint_eq(d->ops->read(d, 0x10c, 4), 29);           /* GICC_IAR */
    d->ops->write(d, 0x60c, 1, 4);               /* clear the event flag */
    d->ops->write(d, 0x110, 29, 4);              /* GICC_EOIR */
    ck_assert_int_eq(probe.level[0], 0);
    /* Holes read as zero. */
    ck_assert_uint_eq(d->ops->read(d, 0x400, 4), 0);
    d->reset(d);
    ck_assert_uint_eq(d->ops->read(d, 0x1000, 4), 0);
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert_ptr_nonnull(devnull);
    d->dump(d, devnull);
    fclose(devnull);
    d->destroy(d);
}
END_TEST

Suite *gic_suite(void)
{
    Suite *s = suite_create("gic");
    TCase *tc = tcase_create("gic");
    tcase_add_test(tc, test_gic_ids);
    tcase_add_test(tc, test_gic_enable_pending_priority_mask);
    tcase_add_test(tc, test_gic_priority_order_and_preemption);
    tcase_add_test(tc, test_gic_sgi_between_cpus);
    tcase_add_test(tc, test_gic_level_and_edge);
    tcase_add_test(tc, test_gic_targets_two_cpus);
    tcase_add_test(tc, test_gic_groups_and_fiq);
    tcase_add_test(tc, test_gic_v2_eoimode_and_dir);
    tcase_add_test(tc, test_gic_byte_access_and_dump);
    suite_add_tcase(s, tc);
    tc = tcase_create("a9_mpcore");
    tcase_add_test(tc, test_a9_mpcore_region);
    suite_add_tcase(s, tc);
    return s;
}
