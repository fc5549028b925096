/*
 * ARM Generic Interrupt Controller v1/v2 (GIC Architecture Specification,
 * ARM IHI 0048B; Cortex-A9 MPCore TRM DDI 0407 chapter 3; GIC-400 TRM
 * DDI 0471).
 *
 * MMIO: the distributor (4 KiB) and the CPU interface (256 B on v1, 8 KiB
 * on v2 where GICC_DIR sits at +0x1000); see gic.h for the addresses.
 * Inputs: one wire per SPI and per (CPU, PPI). Outputs: IRQ and FIQ per CPU.
 *
 * State: per interrupt the enable, pending, active, group, priority,
 * target and trigger configuration; SGIs and PPIs have one copy per CPU.
 * An interrupt is pending when its pending latch is set (an edge on an
 * edge-triggered input, a GICD_ISPENDR write) or, if level-sensitive,
 * while its input line is high (spec 3.2.4: the pending state follows the
 * line). SGIs are pending per source CPU; GICC_IAR hands out one source at
 * a time in bits [12:10].
 *
 * Prioritisation (spec 3.3): the CPU interface signals the highest-priority
 * pending interrupt that is enabled, not active, targets this CPU and
 * whose group is enabled in GICD_CTLR and GICC_CTLR, if its priority is
 * below GICC_PMR and its group priority (the bits above the binary point:
 * GICC_BPR for Group 0, GICC_ABPR for Group 1 unless CBPR) preempts the
 * running priority. Acknowledging records the group priority in the
 * active-priority bits (GICC_APR0 / GICC_NSAPR0); an EOI drops the highest
 * of them (priority drop) and, unless GICC_CTLR.EOImode splits the two
 * steps (v2, GICC_DIR), deactivates the interrupt. Group 0 is signalled on
 * FIQ when GICC_CTLR.FIQEn is set, everything else on IRQ.
 *
 * Security: the GIC has the Security Extensions (GICD_TYPER.SecurityExtn,
 * as QEMU reports) and every access is treated as Secure, so the Secure
 * views of GICD_CTLR/GICC_CTLR apply and GICD_IGROUPR is writable.
 *
 * Deliberate deviations:
 *  - GICD_ITARGETSR0-7 read as the accessing CPU's own bit even with one
 *    CPU (a uniprocessor GIC may read them as zero, which makes Linux warn
 *    "GIC CPU mask not found"); with one CPU every SPI reaches CPU 0 whatever
 *    its target byte says.
 *  - PPI trigger configuration is writable (banked per CPU) on both
 *    versions, so Linux's DT settings stick without a "PPI is secure or
 *    misconfigured" warning, as on QEMU. SGIs are always enabled and
 *    edge-triggered.
 *
 * Not modelled: Non-secure accesses (the Non-secure banked views), the
 * v1 N-N model (the model bit is stored only), the interrupt bypass and
 * wake-up signals, the GICv2 virtualization extensions (GICH/GICV: the
 * hypervisor uses its own virtual GIC), the integration test registers.
 */
#include "devices/gic.h"

#include <stddef.h>
#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Distributor registers (spec Table 4-1). */
#define GICD_CTLR        0x000
#define GICD_TYPER       0x004  /* RO */
#define GICD_IIDR        0x008  /* RO */
#define GICD_IGROUPR     0x080  /* ..0x0fc */
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ISPENDR     0x200
#define GICD_ICPENDR     0x280
#define GICD_ISACTIVER   0x300  /* v1: ICDABR, read-only */
#define GICD_ICACTIVER   0x380  /* v2 only */
#define GICD_IPRIORITYR  0x400  /* ..0x7fb, byte-accessible */
#define GICD_ITARGETSR   0x800  /* ..0xbfb, byte-accessible */
#define GICD_ICFGR       0xc00  /* ..0xcfc */
#define GICD_PPISR       0xd00  /* IMPDEF: PPI input levels (A9 ppi_status, GIC-400) */
#define GICD_SPISR       0xd04  /* IMPDEF: SPI input levels, 32 per word */
#define GICD_SGIR        0xf00  /* WO */
#define GICD_CPENDSGIR   0xf10  /* v2, byte-accessible */
#define GICD_SPENDSGIR   0xf20  /* v2, byte-accessible */
#define GICD_PIDR4       0xfd0  /* ..0xffc: PIDR4-7, PIDR0-3, CIDR0-3 */

/* CPU interface registers (spec Table 4-2). */
#define GICC_CTLR        0x000
#define GICC_PMR         0x004
#define GICC_BPR         0x008
#define GICC_IAR         0x00c  /* RO */
#define GICC_EOIR        0x010  /* WO */
#define GICC_RPR         0x014  /* RO */
#define GICC_HPPIR       0x018  /* RO */
#define GICC_ABPR        0x01c
#define GICC_AIAR        0x020  /* v2, RO */
#define GICC_AEOIR       0x024  /* v2, WO */
#define GICC_AHPPIR      0x028  /* v2, RO */
#define GICC_APR0        0x0d0  /* ..0x0dc: APR0-3 (v2) */
#define GICC_NSAPR0      0x0e0  /* ..0x0ec: NSAPR0-3 (v2) */
#define GICC_IIDR        0x0fc  /* RO */
#define GICC_DIR         0x1000 /* v2, WO */

/* GICD_CTLR (Secure view). */
#define GICD_CTLR_EN_GRP0 (1u << 0)
#define GICD_CTLR_EN_GRP1 (1u << 1)

/* GICC_CTLR (Secure view; v1 has bits [4:0], spec 4.4.1). */
#define GICC_CTLR_EN_GRP0   (1u << 0)
#define GICC_CTLR_EN_GRP1   (1u << 1)
#define GICC_CTLR_ACKCTL    (1u << 2)
#define GICC_CTLR_FIQEN     (1u << 3)
#define GICC_CTLR_CBPR      (1u << 4)
#define GICC_CTLR_EOIMODES  (1u << 9)
#define GICC_CTLR_EOIMODENS (1u << 10)
#define GICC_CTLR_V1_MASK   0x1fu
#define GICC_CTLR_V2_MASK   0x7ffu   /* bits 5-8: bypass disables, stored only */

/* GICD_TYPER. */
#define GICD_TYPER_SECURITY_EXTN (1u << 10)

/* GICD_SGIR. */
#define SGIR_FILTER_SHIFT 24
#define SGIR_FILTER_LIST  0u    /* CPUTargetList */
#define SGIR_FILTER_OTHERS 1u   /* every CPU but the writer */
#define SGIR_FILTER_SELF  2u
#define SGIR_TARGETS_SHIFT 16
#define SGIR_NSATT        (1u << 15)
#define SGIR_ID_MASK      0xfu

/* GICD_ICFGR field. */
#define ICFGR_EDGE  2u
#define ICFGR_MODEL 1u          /* v1: 1-N (stored, not modelled) */

/* GICC_IAR/EOIR. */
#define IAR_ID_MASK      0x3ffu
#define IAR_CPUID_SHIFT  10

/* Smallest binary points with GIC_PRIORITY_BITS implemented (spec 3.3.3). */
#define GIC_MIN_BPR  (7 - GIC_PRIORITY_BITS)
#define GIC_MIN_ABPR (GIC_MIN_BPR + 1)
/* Running priority with nothing active (GICC_RPR reads 0xff). */
#define GIC_IDLE_PRIORITY 0x100u

/*
 * Identification. Cortex-A9 TRM: ICDIIDR 0x0102043b, ICCIIDR 0x3901243b;
 * GIC-400 TRM: GICD_IIDR 0x0200143b, GICC_IIDR 0x0202143b. Linux tells
 * the versions apart by GICC_IIDR (gic_check_gicv2). The peripheral ID
 * bytes are those of the parts, as QEMU reports them.
 */
static const uint32_t gic_dist_iidr[3] = { 0, 0x0102043b, 0x0200143b };
static const uint32_t gic_cpu_iidr[3] = { 0, 0x3901243b, 0x0202143b };
static const uint8_t gic_id_regs[3][12] = {
    { 0 },
    { 0x04, 0x00, 0x00, 0x00, 0x90, 0xb3, 0x1b, 0x00, 0x0d, 0xf0, 0x05, 0xb1 },
    { 0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1 },
};

static struct gic *gic_from_dist(void *opaque)
{
    return (struct gic *)((char *)opaque - offsetof(struct gic, dist));
}

static struct gic *gic_from_cpu(void *opaque)
{
    return (struct gic *)((char *)opaque - offsetof(struct gic, cpu));
}

/* For tracing only. */
static const char *gic_dist_reg_name(uint32_t offset)
{
    switch (offset) {
    case GICD_CTLR: return "GICD_CTLR";
    case GICD_TYPER: return "GICD_TYPER";
    case GICD_IIDR: return "GICD_IIDR";
    case GICD_SGIR: return "GICD_SGIR";
    case GICD_PPISR: return "GICD_PPISR";
    default: break;
    }
    if (offset >= GICD_IGROUPR && offset < GICD_ISENABLER) return "GICD_IGROUPR";
    if (offset >= GICD_ISENABLER && offset < GICD_ICENABLER) return "GICD_ISENABLER";
    if (offset >= GICD_ICENABLER && offset < GICD_ISPENDR) return "GICD_ICENABLER";
    if (offset >= GICD_ISPENDR && offset < GICD_ICPENDR) return "GICD_ISPENDR";
    if (offset >= GICD_ICPENDR && offset < GICD_ISACTIVER) return "GICD_ICPENDR";
    if (offset >= GICD_ISACTIVER && offset < GICD_ICACTIVER) return "GICD_ISACTIVER";
    if (offset >= GICD_ICACTIVER && offset < GICD_IPRIORITYR) return "GICD_ICACTIVER";
    if (offset >= GICD_IPRIORITYR && offset < GICD_ITARGETSR) return "GICD_IPRIORITYR";
    if (offset >= GICD_ITARGETSR && offset < GICD_ICFGR) return "GICD_ITARGETSR";
    if (offset >= GICD_ICFGR && offset < GICD_PPISR) return "GICD_ICFGR";
    if (offset >= GICD_SPISR && offset < 0xd80) return "GICD_SPISR";
    if (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR) return "GICD_CPENDSGIR";
    if (offset >= GICD_SPENDSGIR && offset < GICD_SPENDSGIR + 0x10) return "GICD_SPENDSGIR";
    if (offset >= GICD_PIDR4 && offset < 0x1000) return "GICD_ID";
    return NULL;
}

static const char *gic_cpu_reg_name(uint32_t offset)
{
    switch (offset) {
    case GICC_CTLR: return "GICC_CTLR";
    case GICC_PMR: return "GICC_PMR";
    case GICC_BPR: return "GICC_BPR";
    case GICC_IAR: return "GICC_IAR";
    case GICC_EOIR: return "GICC_EOIR";
    case GICC_RPR: return "GICC_RPR";
    case GICC_HPPIR: return "GICC_HPPIR";
    case GICC_ABPR: return "GICC_ABPR";
    case GICC_AIAR: return "GICC_AIAR";
    case GICC_AEOIR: return "GICC_AEOIR";
    case GICC_AHPPIR: return "GICC_AHPPIR";
    case GICC_APR0: return "GICC_APR0";
    case GICC_NSAPR0: return "GICC_NSAPR0";
    case GICC_IIDR: return "GICC_IIDR";
    case GICC_DIR: return "GICC_DIR";
    default: return NULL;
    }
}

/* ---- interrupt state ---- */

static struct gic_irq *gic_irq(struct gic *gic, unsigned cpu, unsigned id)
{
    return id < GIC_NR_PRIVATE ? &gic->cpus[cpu].priv[id] : &gic->spi[id - GIC_NR_PRIVATE];
}

static bool gic_is_edge(const struct gic_irq *s)
{
    return s->config & ICFGR_EDGE;
}

static bool gic_pending(struct gic *gic, unsigned cpu, unsigned id)
{
    if (id < GIC_NR_SGIS)
        return gic->cpus[cpu].sgi_source[id] != 0;
    const struct gic_irq *s = gic_irq(gic, cpu, id);
    return s->pending || (!gic_is_edge(s) && s->level);
}

static bool gic_targets_cpu(const struct gic *gic, unsigned id, const struct gic_irq *s,
                            unsigned cpu)
{
    if (id < GIC_NR_PRIVATE || gic->num_cpus == 1)
        return true;
    return (s->target >> cpu) & 1;
}

/* Mask selecting the group priority bits of a priority (spec 3.3.3). */
static unsigned gic_group_mask(const struct gic_cpu *c, bool group1)
{
    /* ABPR counts one less than BPR: ABPR n splits at bit n, BPR n at n+1. */
    unsigned split = (group1 && !(c->ctlr & GICC_CTLR_CBPR)) ? c->abpr : c->bpr + 1u;
    return split >= 8 ? 0 : (0xffu << split) & 0xffu;
}

static unsigned gic_running_priority(const struct gic_cpu *c)
{
    uint32_t active = c->apr | c->nsapr;
    if (!active)
        return GIC_IDLE_PRIORITY;
    return (unsigned)__builtin_ctz(active) << (8 - GIC_PRIORITY_BITS);
}

/*
 * The highest-priority interrupt this CPU could take: pending, enabled,
 * not active, aimed at this CPU, its group enabled in the distributor and
 * in the CPU interface. Ties go to the lowest ID (spec 3.3). Returns
 * GIC_SPURIOUS when there is none.
 */
static unsigned gic_best_pending(struct gic *gic, unsigned cpu)
{
    const struct gic_cpu *c = &gic->cpus[cpu];
    unsigned best = GIC_SPURIOUS, best_prio = 0x100;
    for (unsigned id = 0; id < gic->num_irqs; id++) {
        const struct gic_irq *s = gic_irq(gic, cpu, id);
        if (!s->enabled || s->active || s->priority >= best_prio)
            continue;
        if (!gic_pending(gic, cpu, id) || !gic_targets_cpu(gic, id, s, cpu))
            continue;
        uint32_t grp_bit = s->group ? GICD_CTLR_EN_GRP1 : GICD_CTLR_EN_GRP0;
        if (!(gic->ctlr & grp_bit) || !(c->ctlr & grp_bit))
            continue;
        best = id;
        best_prio = s->priority;
    }
    return best;
}

/* Whether the interrupt may be signalled now: PMR and preemption (spec 3.3.2). */
static bool gic_can_signal(struct gic *gic, unsigned cpu, unsigned id)
{
    if (id == GIC_SPURIOUS)
        return false;
    const struct gic_cpu *c = &gic->cpus[cpu];
    const struct gic_irq *s = gic_irq(gic, cpu, id);
    if (s->priority >= c->pmr)
        return false;
    return (s->priority & gic_group_mask(c, s->group)) < gic_running_priority(c);
}

void gic_update(struct gic *gic)
{
    for (unsigned cpu = 0; cpu < gic->num_cpus; cpu++) {
        struct gic_cpu *c = &gic->cpus[cpu];
        unsigned best = gic_best_pending(gic, cpu);
        int irq = 0, fiq = 0;
        c->hppi = best;
        if (gic_can_signal(gic, cpu, best)) {
            if (!gic_irq(gic, cpu, best)->group && (c->ctlr & GICC_CTLR_FIQEN))
                fiq = 1;
            else
                irq = 1;
        }
        if (irq != c->irq_level) {
            c->irq_level = irq;
            trace_printf(gic->dist.trace, TRACE_IRQ, "%s: CPU%u IRQ output %d (ID %u)",
                         gic->dist.name, cpu, irq, best);
            irq_set(&gic->irq_out[cpu], irq);
        }
        if (fiq != c->fiq_level) {
            c->fiq_level = fiq;
            trace_printf(gic->dist.trace, TRACE_IRQ, "%s: CPU%u FIQ output %d (ID %u)",
                         gic->dist.name, cpu, fiq, best);
            irq_set(&gic->fiq_out[cpu], fiq);
        }
    }
}

/* ---- inputs ---- */

static void gic_set_level(struct gic *gic, unsigned cpu, unsigned id, int level)
{
    struct gic_irq *s = gic_irq(gic, cpu, id);
    bool high = level != 0;
    if (high == s->level)
        return;
    s->level = high;
    /* An edge-triggered interrupt latches pending on the rising edge. */
    if (high && gic_is_edge(s))
        s->pending = true;
    gic_update(gic);
}

static void gic_set_spi(void *opaque, unsigned line, int level)
{
    struct gic *gic = opaque;
    if (gic->spi_forward) {
        gic->spi_forward(gic->spi_forward_opaque, line - GIC_NR_PRIVATE, level);
        return;
    }
    gic_set_level(opaque, 0, line, level);
}

/* line = cpu * 32 + interrupt ID */
static void gic_set_ppi(void *opaque, unsigned line, int level)
{
    gic_set_level(opaque, line / GIC_NR_PRIVATE, line % GIC_NR_PRIVATE, level);
}

struct irq_line gic_spi_input(struct gic *gic, unsigned spi)
{
    if (spi >= gic->num_irqs - GIC_NR_PRIVATE)
        return irq_line_make(NULL, NULL, 0);
    return irq_line_make(gic_set_spi, gic, GIC_NR_PRIVATE + spi);
}

struct irq_line gic_ppi_input(struct gic *gic, unsigned cpu, unsigned ppi)
{
    if (cpu >= gic->num_cpus || ppi >= GIC_NR_PRIVATE - GIC_NR_SGIS)
        return irq_line_make(NULL, NULL, 0);
    return irq_line_make(gic_set_ppi, gic, cpu * GIC_NR_PRIVATE + GIC_NR_SGIS + ppi);
}

/* ---- CPU interface: acknowledge, EOI, deactivate ---- */

static void gic_activate(struct gic *gic, unsigned cpu, unsigned id)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    struct gic_irq *s = gic_irq(gic, cpu, id);
    unsigned group_prio = s->priority & gic_group_mask(c, s->group);
    uint32_t bit = 1u << (group_prio >> (8 - GIC_PRIORITY_BITS));
    if (s->group)
        c->nsapr |= bit;
    else
        c->apr |= bit;
    s->active = true;
}

/*
 * GICC_IAR / GICC_AIAR read (spec 4.4.4): acknowledges the interrupt being
 * signalled. alias: the Group 1 alias, which takes only Group 1. A Secure
 * GICC_IAR read leaves a Group 1 interrupt pending and returns 1022 unless
 * AckCtl is set.
 */
static uint32_t gic_acknowledge(struct gic *gic, unsigned cpu, bool alias)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    unsigned id = gic_best_pending(gic, cpu);
    if (!gic_can_signal(gic, cpu, id))
        return GIC_SPURIOUS;
    struct gic_irq *s = gic_irq(gic, cpu, id);
    if (alias && !s->group)
        return GIC_SPURIOUS;
    if (!alias && s->group && !(c->ctlr & GICC_CTLR_ACKCTL))
        return GIC_SPURIOUS_GROUP1;

    uint32_t value = id;
    if (id < GIC_NR_SGIS) {
        /* One source at a time, lowest CPU first; the SGI stays pending
         * from the others (active and pending). */
        unsigned src = (unsigned)__builtin_ctz(c->sgi_source[id]);
        c->sgi_source[id] &= (uint8_t)~(1u << src);
        value |= src << IAR_CPUID_SHIFT;
    } else {
        /* A level-sensitive interrupt whose line is still high stays
         * pending through its level: active and pending. */
        s->pending = false;
    }
    gic_activate(gic, cpu, id);
    trace_printf(gic->dist.trace, TRACE_IRQ, "%s: CPU%u acknowledges ID %u", gic->dist.name,
                 cpu, id);
    gic_update(gic);
    return value;
}

/* Priority drop (spec 3.2.5): the highest active priority goes away. */
static void gic_drop_priority(struct gic_cpu *c, bool group1)
{
    uint32_t active = c->apr | c->nsapr;
    if (!active)
        return;
    uint32_t bit = active & -active;
    /* The same level can only be in both words after odd APR writes; then
     * the EOI'd interrupt's group decides. */
    if ((c->apr & bit) && (c->nsapr & bit))
        *(group1 ? &c->nsapr : &c->apr) &= ~bit;
    else if (c->apr & bit)
        c->apr &= ~bit;
    else
        c->nsapr &= ~bit;
}

static bool gic_eoi_split(const struct gic *gic, const struct gic_cpu *c, bool alias)
{
    if (gic->version < GIC_V2)
        return false;
    return c->ctlr & (alias ? GICC_CTLR_EOIMODENS : GICC_CTLR_EOIMODES);
}

/* GICC_EOIR / GICC_AEOIR write (spec 4.4.5). */
static void gic_end_of_interrupt(struct gic *gic, unsigned cpu, uint32_t value, bool alias)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    unsigned id = value & IAR_ID_MASK;
    if (id >= gic->num_irqs) {
        /* Spurious IDs are ignored (spec 4.4.5); others do not exist. */
        if (id < 1020)
            device_guest_error(&gic->cpu, "CPU%u EOI of ID %u beyond ITLinesNumber", cpu, id);
        return;
    }
    struct gic_irq *s = gic_irq(gic, cpu, id);
    if (!s->active) {
        device_guest_error(&gic->cpu, "CPU%u EOI of ID %u which is not active", cpu, id);
        return;
    }
    if (alias && !s->group) {
        device_guest_error(&gic->cpu, "CPU%u GICC_AEOIR of Group 0 ID %u ignored", cpu, id);
        return;
    }
    gic_drop_priority(c, s->group);
    if (!gic_eoi_split(gic, c, alias))
        s->active = false;
    trace_printf(gic->dist.trace, TRACE_IRQ, "%s: CPU%u EOI ID %u", gic->dist.name, cpu, id);
    gic_update(gic);
}

/* GICC_DIR write (v2, spec 4.4.15). */
static void gic_deactivate(struct gic *gic, unsigned cpu, uint32_t value)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    unsigned id = value & IAR_ID_MASK;
    if (!(c->ctlr & (GICC_CTLR_EOIMODES | GICC_CTLR_EOIMODENS))) {
        device_guest_error(&gic->cpu, "CPU%u GICC_DIR write with EOImode clear ignored", cpu);
        return;
    }
    if (id >= gic->num_irqs)
        return;
    gic_irq(gic, cpu, id)->active = false;
    gic_update(gic);
}

/* GICC_HPPIR / GICC_AHPPIR (spec 4.4.8): no side effects. */
static uint32_t gic_highest_pending(struct gic *gic, unsigned cpu, bool alias)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    unsigned id = gic_best_pending(gic, cpu);
    if (id == GIC_SPURIOUS)
        return GIC_SPURIOUS;
    const struct gic_irq *s = gic_irq(gic, cpu, id);
    if (alias && !s->group)
        return GIC_SPURIOUS;
    if (!alias && s->group && !(c->ctlr & GICC_CTLR_ACKCTL))
        return GIC_SPURIOUS_GROUP1;
    if (id < GIC_NR_SGIS)
        return id | ((unsigned)__builtin_ctz(c->sgi_source[id]) << IAR_CPUID_SHIFT);
    return id;
}

uint32_t gic_cpu_read(struct gic *gic, unsigned cpu, uint32_t offset)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    bool v2 = gic->version >= GIC_V2;
    switch (offset) {
    case GICC_CTLR:
        return c->ctlr;
    case GICC_PMR:
        return c->pmr;
    case GICC_BPR:
        return c->bpr;
    case GICC_IAR:
        return gic_acknowledge(gic, cpu, false);
    case GICC_RPR: {
        unsigned rp = gic_running_priority(c);
        return rp == GIC_IDLE_PRIORITY ? 0xff : rp;
    }
    case GICC_HPPIR:
        return gic_highest_pending(gic, cpu, false);
    case GICC_ABPR:
        return c->abpr;
    case GICC_IIDR:
        return gic_cpu_iidr[gic->version];
    case GICC_EOIR:
    case GICC_AEOIR:
    case GICC_DIR:
        device_guest_error(&gic->cpu, "read of write-only register +0x%03x", offset);
        return 0;
    default:
        break;
    }
    if (v2) {
        switch (offset) {
        case GICC_AIAR:
            return gic_acknowledge(gic, cpu, true);
        case GICC_AHPPIR:
            return gic_highest_pending(gic, cpu, true);
        case GICC_APR0:
            return c->apr;
        case GICC_NSAPR0:
            return c->nsapr;
        case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
        case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
            return 0;   /* 32 priority levels fit in APR0 (spec 4.4.13) */
        default:
            break;
        }
    }
    device_guest_error(&gic->cpu, "CPU%u read of unknown register +0x%03x", cpu, offset);
    return 0;
}

void gic_cpu_write(struct gic *gic, unsigned cpu, uint32_t offset, uint32_t value)
{
    struct gic_cpu *c = &gic->cpus[cpu];
    bool v2 = gic->version >= GIC_V2;
    switch (offset) {
    case GICC_CTLR:
        c->ctlr = value & (v2 ? GICC_CTLR_V2_MASK : GICC_CTLR_V1_MASK);
        break;
    case GICC_PMR:
        c->pmr = value & GIC_PRIORITY_MASK;
        break;
    case GICC_BPR:
        c->bpr = (uint8_t)((value & 7) < GIC_MIN_BPR ? GIC_MIN_BPR : (value & 7));
        break;
    case GICC_EOIR:
        gic_end_of_interrupt(gic, cpu, value, false);
        return;
    case GICC_ABPR:
        c->abpr = (uint8_t)((value & 7) < GIC_MIN_ABPR ? GIC_MIN_ABPR : (value & 7));
        break;
    case GICC_IAR:
    case GICC_RPR:
    case GICC_HPPIR:
    case GICC_IIDR:
        device_guest_error(&gic->cpu, "write 0x%x to read-only register +0x%03x", value,
                           offset);
        return;
    default:
        if (!v2) {
            device_guest_error(&gic->cpu, "CPU%u write 0x%x to unknown register +0x%03x", cpu,
                               value, offset);
            return;
        }
        switch (offset) {
        case GICC_AEOIR:
            gic_end_of_interrupt(gic, cpu, value, true);
            return;
        case GICC_DIR:
            gic_deactivate(gic, cpu, value);
            return;
        case GICC_APR0:
            /* Software restores a value it saved (spec 4.4.13). */
            c->apr = value;
            break;
        case GICC_NSAPR0:
            c->nsapr = value;
            break;
        case GICC_APR0 + 4: case GICC_APR0 + 8: case GICC_APR0 + 12:
        case GICC_NSAPR0 + 4: case GICC_NSAPR0 + 8: case GICC_NSAPR0 + 12:
            return;
        case GICC_AIAR:
        case GICC_AHPPIR:
            device_guest_error(&gic->cpu, "write 0x%x to read-only register +0x%03x", value,
                               offset);
            return;
        default:
            device_guest_error(&gic->cpu, "CPU%u write 0x%x to unknown register +0x%03x", cpu,
                               value, offset);
            return;
        }
        break;
    }
    gic_update(gic);
}

/* ---- distributor ---- */

/* The one-bit-per-interrupt register families. */
enum gic_bit_reg { BITS_GROUP, BITS_ENABLE, BITS_PENDING, BITS_ACTIVE };

static uint32_t gic_bits_read(struct gic *gic, unsigned cpu, unsigned first,
                              enum gic_bit_reg which)
{
    uint32_t value = 0;
    for (unsigned i = 0; i < 32 && first + i < gic->num_irqs; i++) {
        unsigned id = first + i;
        const struct gic_irq *s = gic_irq(gic, cpu, id);
        bool bit = false;
        switch (which) {
        case BITS_GROUP: bit = s->group; break;
        case BITS_ENABLE: bit = s->enabled; break;
        case BITS_PENDING: bit = gic_pending(gic, cpu, id); break;
        case BITS_ACTIVE: bit = s->active; break;
        }
        value |= (uint32_t)bit << i;
    }
    return value;
}

/*
 * Set-enable/clear-enable style writes: every 1 bit sets (set) or clears
 * the state; 0 bits do nothing. GICD_IGROUPR is a plain read/write
 * register: mask holds the bytes the access covered.
 */
static void gic_bits_write(struct gic *gic, unsigned cpu, unsigned first,
                           enum gic_bit_reg which, bool set, uint32_t value, uint32_t mask)
{
    for (unsigned i = 0; i < 32 && first + i < gic->num_irqs; i++) {
        unsigned id = first + i;
        struct gic_irq *s = gic_irq(gic, cpu, id);
        bool bit = (value >> i) & 1;
        if (which == BITS_GROUP) {
            if ((mask >> i) & 1)
                s->group = bit;
            continue;
        }
        if (!bit)
            continue;
        switch (which) {
        case BITS_ENABLE:
            /* SGIs are permanently enabled (GIC-400; QEMU does the same for v1). */
            if (id >= GIC_NR_SGIS)
                s->enabled = set;
            break;
        case BITS_PENDING:
            /* SGI pending state goes through GICD_SGIR/SPENDSGIR/CPENDSGIR. */
            if (id >= GIC_NR_SGIS)
                s->pending = set;
            break;
        case BITS_ACTIVE:
            s->active = set;
            break;
        case BITS_GROUP:
            break;
        }
    }
}

/* GICD_SGIR write (spec 4.3.15). */
static void gic_send_sgi(struct gic *gic, unsigned cpu, uint32_t value)
{
    unsigned id = value & SGIR_ID_MASK;
    unsigned filter = (value >> SGIR_FILTER_SHIFT) & 3;
    bool group1 = value & SGIR_NSATT;
    uint32_t all = (1u << gic->num_cpus) - 1;
    uint32_t targets;
    switch (filter) {
    case SGIR_FILTER_LIST:
        targets = (value >> SGIR_TARGETS_SHIFT) & 0xff;
        break;
    case SGIR_FILTER_OTHERS:
        targets = all & ~(1u << cpu);
        break;
    case SGIR_FILTER_SELF:
        targets = 1u << cpu;
        break;
    default:
        device_guest_error(&gic->dist, "GICD_SGIR 0x%08x: reserved target filter", value);
        return;
    }
    for (unsigned t = 0; t < gic->num_cpus; t++) {
        if (!(targets & (1u << t)))
            continue;
        /* A Secure write forwards the SGI only to CPUs where its group
         * matches NSATT. */
        if (gic->cpus[t].priv[id].group != group1)
            continue;
        gic->cpus[t].sgi_source[id] |= (uint8_t)(1u << cpu);
    }
    trace_printf(gic->dist.trace, TRACE_IRQ, "%s: CPU%u sends SGI %u to 0x%02x", gic->dist.name,
                 cpu, id, targets & all);
}

/* Byte lanes covered by an access of size bytes at byte offset (offset & 3). */
static uint32_t gic_lane_mask(uint32_t offset, unsigned size)
{
    uint32_t mask = size >= 4 ? 0xffffffffu : ((1u << (size * 8)) - 1);
    return mask << ((offset & 3) * 8);
}

static uint32_t gic_dist_read_word(struct gic *gic, unsigned cpu, uint32_t reg)
{
    bool v2 = gic->version >= GIC_V2;
    uint32_t value = 0;
    if (reg >= GICD_IGROUPR && reg < GICD_ISENABLER)
        return gic_bits_read(gic, cpu, (reg - GICD_IGROUPR) * 8, BITS_GROUP);
    if (reg >= GICD_ISENABLER && reg < GICD_ISPENDR)
        return gic_bits_read(gic, cpu, (reg & 0x7f) * 8, BITS_ENABLE);
    if (reg >= GICD_ISPENDR && reg < GICD_ISACTIVER)
        return gic_bits_read(gic, cpu, (reg & 0x7f) * 8, BITS_PENDING);
    if (reg >= GICD_ISACTIVER && reg < GICD_ICACTIVER)
        return gic_bits_read(gic, cpu, (reg & 0x7f) * 8, BITS_ACTIVE);
    if (reg >= GICD_ICACTIVER && reg < GICD_IPRIORITYR)
        return v2 ? gic_bits_read(gic, cpu, (reg & 0x7f) * 8, BITS_ACTIVE) : 0;
    if (reg >= GICD_IPRIORITYR && reg < GICD_ITARGETSR) {
        unsigned first = reg - GICD_IPRIORITYR;
        for (unsigned i = 0; i < 4 && first + i < gic->num_irqs; i++)
            value |= (uint32_t)gic_irq(gic, cpu, first + i)->priority << (8 * i);
        return value;
    }
    if (reg >= GICD_ITARGETSR && reg < GICD_ICFGR) {
        unsigned first = reg - GICD_ITARGETSR;
        for (unsigned i = 0; i < 4 && first + i < gic->num_irqs; i++) {
            unsigned id = first + i;
            /* Private interrupts read as the accessing CPU's own bit. */
            uint32_t t = id < GIC_NR_PRIVATE ? 1u << cpu : gic_irq(gic, cpu, id)->target;
            value |= t << (8 * i);
        }
        return value;
    }
    if (reg >= GICD_ICFGR && reg < GICD_PPISR) {
        unsigned first = (reg - GICD_ICFGR) * 4;
        for (unsigned i = 0; i < 16 && first + i < gic->num_irqs; i++)
            value |= (uint32_t)gic_irq(gic, cpu, first + i)->config << (2 * i);
        return value;
    }
    if (reg == GICD_PPISR) {
        for (unsigned id = GIC_NR_SGIS; id < GIC_NR_PRIVATE; id++)
            value |= (uint32_t)gic->cpus[cpu].priv[id].level << (id - GIC_NR_SGIS);
        return value;
    }
    if (reg >= GICD_SPISR && reg < GICD_SPISR + 0x7c) {
        unsigned first = GIC_NR_PRIVATE + (reg - GICD_SPISR) * 8;
        for (unsigned i = 0; i < 32 && first + i < gic->num_irqs; i++)
            value |= (uint32_t)gic->spi[first + i - GIC_NR_PRIVATE].level << i;
        return value;
    }
    if (v2 && reg >= GICD_CPENDSGIR && reg < GICD_SPENDSGIR + 0x10) {
        unsigned first = (reg & 0xf);
        for (unsigned i = 0; i < 4; i++)
            value |= (uint32_t)gic->cpus[cpu].sgi_source[first + i] << (8 * i);
        return value;
    }
    if (reg >= GICD_PIDR4 && reg < 0x1000)
        return gic_id_regs[gic->version][(reg - GICD_PIDR4) >> 2];

    switch (reg) {
    case GICD_CTLR:
        return gic->ctlr;
    case GICD_TYPER:
        return (gic->num_irqs / 32 - 1) | ((gic->num_cpus - 1) << 5) | GICD_TYPER_SECURITY_EXTN;
    case GICD_IIDR:
        return gic_dist_iidr[gic->version];
    case GICD_SGIR:
        device_guest_error(&gic->dist, "read of write-only GICD_SGIR");
        return 0;
    default:
        device_guest_error(&gic->dist, "read of unknown register +0x%03x", reg);
        return 0;
    }
}

uint32_t gic_dist_read(struct gic *gic, unsigned cpu, uint32_t offset, unsigned size)
{
    uint32_t word = gic_dist_read_word(gic, cpu, offset & ~3u);
    if (size >= 4)
        return word;
    return (word >> ((offset & 3) * 8)) & ((1u << (size * 8)) - 1);
}

/* Byte-wise update of a register made of 8-bit fields (priority, target). */
static void gic_bytes_write(struct gic *gic, unsigned cpu, unsigned first, uint32_t value,
                            uint32_t lanes, bool target)
{
    for (unsigned i = 0; i < 4 && first + i < gic->num_irqs; i++) {
        if (!((lanes >> (8 * i)) & 0xff))
            continue;
        unsigned id = first + i;
        uint8_t byte = (uint8_t)(value >> (8 * i));
        struct gic_irq *s = gic_irq(gic, cpu, id);
        if (!target)
            s->priority = byte & GIC_PRIORITY_MASK;
        else if (id >= GIC_NR_PRIVATE)   /* ITARGETSR0-7 are read-only */
            s->target = byte & (uint8_t)((1u << gic->num_cpus) - 1);
    }
}

static void gic_config_write(struct gic *gic, unsigned cpu, unsigned first, uint32_t value,
                             uint32_t lanes)
{
    uint8_t writable = gic->version >= GIC_V2 ? ICFGR_EDGE : ICFGR_EDGE | ICFGR_MODEL;
    for (unsigned i = 0; i < 16 && first + i < gic->num_irqs; i++) {
        unsigned id = first + i;
        if (id < GIC_NR_SGIS || !((lanes >> (2 * i)) & 3))
            continue;   /* SGIs are always edge-triggered */
        struct gic_irq *s = gic_irq(gic, cpu, id);
        s->config = (uint8_t)((s->config & ~writable) | ((value >> (2 * i)) & writable));
    }
}

void gic_dist_write(struct gic *gic, unsigned cpu, uint32_t offset, uint32_t value,
                    unsigned size)
{
    bool v2 = gic->version >= GIC_V2;
    uint32_t reg = offset & ~3u;
    uint32_t lanes = gic_lane_mask(offset, size);
    value = (value << ((offset & 3) * 8)) & lanes;

    if (reg >= GICD_IGROUPR && reg < GICD_ISENABLER) {
        gic_bits_write(gic, cpu, (reg - GICD_IGROUPR) * 8, BITS_GROUP, true, value, lanes);
    } else if (reg >= GICD_ISENABLER && reg < GICD_ISPENDR) {
        gic_bits_write(gic, cpu, (reg & 0x7f) * 8, BITS_ENABLE, reg < GICD_ICENABLER, value,
                       lanes);
    } else if (reg >= GICD_ISPENDR && reg < GICD_ISACTIVER) {
        gic_bits_write(gic, cpu, (reg & 0x7f) * 8, BITS_PENDING, reg < GICD_ICPENDR, value,
                       lanes);
    } else if (reg >= GICD_ISACTIVER && reg < GICD_IPRIORITYR) {
        if (!v2) {
            /* v1: ICDABR is read-only and +0x380 is reserved; Linux clears
             * "ICACTIVER" at boot anyway, so stay quiet. */
            return;
        }
        gic_bits_write(gic, cpu, (reg & 0x7f) * 8, BITS_ACTIVE, reg < GICD_ICACTIVER, value,
                       lanes);
    } else if (reg >= GICD_IPRIORITYR && reg < GICD_ITARGETSR) {
        gic_bytes_write(gic, cpu, reg - GICD_IPRIORITYR, value, lanes, false);
    } else if (reg >= GICD_ITARGETSR && reg < GICD_ICFGR) {
        gic_bytes_write(gic, cpu, reg - GICD_ITARGETSR, value, lanes, true);
    } else if (reg >= GICD_ICFGR && reg < GICD_PPISR) {
        gic_config_write(gic, cpu, (reg - GICD_ICFGR) * 4, value, lanes);
    } else if (reg >= GICD_PPISR && reg < GICD_SPISR + 0x7c) {
        device_guest_error(&gic->dist, "write 0x%x to read-only status register +0x%03x",
                           value, reg);
        return;
    } else if (v2 && reg >= GICD_CPENDSGIR && reg < GICD_SPENDSGIR + 0x10) {
        bool set = reg >= GICD_SPENDSGIR;
        unsigned first = reg & 0xf;
        for (unsigned i = 0; i < 4; i++) {
            uint8_t bits = (uint8_t)(value >> (8 * i));
            uint8_t *src = &gic->cpus[cpu].sgi_source[first + i];
            bits &= (uint8_t)((1u << gic->num_cpus) - 1);
            *src = set ? (uint8_t)(*src | bits) : (uint8_t)(*src & ~bits);
        }
    } else if (reg >= GICD_PIDR4 && reg < 0x1000) {
        device_guest_error(&gic->dist, "write 0x%x to ID register +0x%03x", value, reg);
        return;
    } else {
        switch (reg) {
        case GICD_CTLR:
            if (lanes & 0xff)
                gic->ctlr = value & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
            break;
        case GICD_SGIR:
            if (size != 4) {
                device_guest_error(&gic->dist, "GICD_SGIR write of %u bytes ignored", size);
                return;
            }
            gic_send_sgi(gic, cpu, value);
            break;
        case GICD_TYPER:
        case GICD_IIDR:
            device_guest_error(&gic->dist, "write 0x%x to read-only register +0x%03x", value,
                               reg);
            return;
        default:
            device_guest_error(&gic->dist, "write 0x%x to unknown register +0x%03x", value,
                               reg);
            return;
        }
    }
    gic_update(gic);
}

/* ---- MMIO glue ---- */

static unsigned gic_current_cpu(struct gic *gic)
{
    unsigned cpu = cpu_selector_current(&gic->cpu_sel);
    return cpu < gic->num_cpus ? cpu : 0;
}

static uint32_t gic_dist_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct gic *gic = gic_from_dist(opaque);
    uint32_t value = gic_dist_read(gic, gic_current_cpu(gic), offset, size);
    device_trace_access(&gic->dist, "read", offset, gic_dist_reg_name(offset & ~3u), value,
                        size);
    return value;
}

static void gic_dist_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct gic *gic = gic_from_dist(opaque);
    device_trace_access(&gic->dist, "write", offset, gic_dist_reg_name(offset & ~3u), value,
                        size);
    gic_dist_write(gic, gic_current_cpu(gic), offset, value, size);
}

static uint32_t gic_cpu_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct gic *gic = gic_from_cpu(opaque);
    uint32_t value;
    if (size != 4 || (offset & 3)) {
        device_guest_error(&gic->cpu, "%u-byte read at +0x%03x (word access only)", size,
                           offset);
        return 0;
    }
    value = gic_cpu_read(gic, gic_current_cpu(gic), offset);
    device_trace_access(&gic->cpu, "read", offset, gic_cpu_reg_name(offset), value, size);
    return value;
}

static void gic_cpu_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct gic *gic = gic_from_cpu(opaque);
    device_trace_access(&gic->cpu, "write", offset, gic_cpu_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&gic->cpu, "%u-byte write at +0x%03x (word access only)", size,
                           offset);
        return;
    }
    gic_cpu_write(gic, gic_current_cpu(gic), offset, value);
}

const struct mmio_ops gic_dist_mmio_ops = {
    .read = gic_dist_mmio_read,
    .write = gic_dist_mmio_write,
};

const struct mmio_ops gic_cpu_mmio_ops = {
    .read = gic_cpu_mmio_read,
    .write = gic_cpu_mmio_write,
};

/* ---- reset, dump, lifetime ---- */

/*
 * Distributor reset (spec 4.3): everything disabled, inactive, not
 * pending, priority 0, Group 0; SPIs level-sensitive (v1: 1-N model bit
 * set, Cortex-A9 TRM ICDICFR reset 0x55555555), PPIs level except the A9's
 * edge-triggered timer PPIs (ICDICFR1 reset 0x7dc00000). Input levels are
 * wires driven by the sources, so they survive.
 */
static void gic_dist_reset(struct device *dev)
{
    struct gic *gic = gic_from_dist(dev);
    uint8_t model = gic->version == GIC_V1 ? ICFGR_MODEL : 0;
    gic->ctlr = 0;
    for (unsigned cpu = 0; cpu < GIC_MAX_CPUS; cpu++) {
        struct gic_cpu *c = &gic->cpus[cpu];
        for (unsigned id = 0; id < GIC_NR_PRIVATE; id++) {
            struct gic_irq *s = &c->priv[id];
            bool level = s->level;
            *s = (struct gic_irq){ .level = level };
            if (id < GIC_NR_SGIS) {
                s->enabled = true;
                s->config = ICFGR_EDGE;
            } else if (gic->version == GIC_V1) {
                s->config = (uint8_t)((0x7dc00000u >> (2 * (id - GIC_NR_SGIS))) & 3);
            }
        }
        for (unsigned id = 0; id < GIC_NR_SGIS; id++)
            c->sgi_source[id] = 0;
        c->apr = 0;     /* nothing is active any more */
        c->nsapr = 0;
    }
    for (unsigned i = 0; i < GIC_MAX_IRQS - GIC_NR_PRIVATE; i++) {
        bool level = gic->spi[i].level;
        gic->spi[i] = (struct gic_irq){ .level = level, .config = model };
    }
    gic_update(gic);
}

/* CPU interface reset (spec 4.4): disabled, PMR 0 (everything masked). */
static void gic_cpu_reset(struct device *dev)
{
    struct gic *gic = gic_from_cpu(dev);
    for (unsigned cpu = 0; cpu < GIC_MAX_CPUS; cpu++) {
        struct gic_cpu *c = &gic->cpus[cpu];
        c->ctlr = 0;
        c->pmr = 0;
        c->bpr = GIC_MIN_BPR;
        c->abpr = GIC_MIN_ABPR;
        c->apr = 0;
        c->nsapr = 0;
    }
    gic_update(gic);
}

static const char *gic_trigger_name(const struct gic_irq *s)
{
    return gic_is_edge(s) ? "edge" : "level";
}

void gic_dump_lines(struct gic *gic, FILE *out)
{
    fprintf(out, "%s: GICv%u, %u IDs, %u CPU%s, GICD_CTLR 0x%x (Group0 %s, Group1 %s)\n",
            gic->dist.name, gic->version, gic->num_irqs, gic->num_cpus,
            gic->num_cpus == 1 ? "" : "s", gic->ctlr,
            (gic->ctlr & GICD_CTLR_EN_GRP0) ? "on" : "off",
            (gic->ctlr & GICD_CTLR_EN_GRP1) ? "on" : "off");
    fprintf(out, "  %-10s %-4s %-3s %-3s %-3s %-4s %-5s %-6s %-5s %s\n", "ID", "cpu", "en", "pnd",
            "act", "prio", "grp", "target", "trig", "line");
    for (unsigned id = 0; id < gic->num_irqs; id++) {
        unsigned ncpu = id < GIC_NR_PRIVATE ? gic->num_cpus : 1;
        for (unsigned cpu = 0; cpu < ncpu; cpu++) {
            const struct gic_irq *s = gic_irq(gic, cpu, id);
            bool pending = gic_pending(gic, cpu, id);
            /* SGIs are always enabled: show them only when something happens. */
            bool show = pending || s->active || s->level ||
                        (s->enabled && id >= GIC_NR_SGIS);
            if (!show)
                continue;
            const char *kind = id < GIC_NR_SGIS ? "SGI" : id < GIC_NR_PRIVATE ? "PPI" : "SPI";
            unsigned n = id < GIC_NR_SGIS ? id : id < GIC_NR_PRIVATE ? id - 16 : id - 32;
            char name[32], cpu_col[16], target[16];
            snprintf(name, sizeof(name), "%u(%s%u)", id, kind, n);
            if (id < GIC_NR_PRIVATE)
                snprintf(cpu_col, sizeof(cpu_col), "%u", cpu);
            else
                snprintf(cpu_col, sizeof(cpu_col), "-");
            if (id < GIC_NR_PRIVATE)
                snprintf(target, sizeof(target), "0x%02x", 1u << cpu);
            else
                snprintf(target, sizeof(target), "0x%02x", s->target);
            fprintf(out, "  %-10s %-4s %-3s %-3s %-3s 0x%02x %-5u %-6s %-5s %u", name, cpu_col,
                    s->enabled ? "yes" : "no", pending ? "yes" : "no",
                    s->active ? "yes" : "no", s->priority, s->group ? 1u : 0u, target,
                    gic_trigger_name(s), s->level ? 1u : 0u);
            if (id < GIC_NR_SGIS && gic->cpus[cpu].sgi_source[id])
                fprintf(out, " (from CPUs 0x%02x)", gic->cpus[cpu].sgi_source[id]);
            fputc('\n', out);
        }
    }
    for (unsigned cpu = 0; cpu < gic->num_cpus; cpu++) {
        const struct gic_cpu *c = &gic->cpus[cpu];
        unsigned rp = gic_running_priority(c);
        fprintf(out, "  CPU%u: GICC_CTLR 0x%03x PMR 0x%02x BPR %u ABPR %u running 0x%02x "
                "APR 0x%08x NSAPR 0x%08x HPPI %u -> IRQ %d FIQ %d\n",
                cpu, c->ctlr, c->pmr, c->bpr, c->abpr, rp == GIC_IDLE_PRIORITY ? 0xff : rp,
                c->apr, c->nsapr, c->hppi, c->irq_level, c->fiq_level);
    }
}

static void gic_dist_dump(struct device *dev, FILE *out)
{
    struct gic *gic = gic_from_dist(dev);
    fprintf(out, "%s (gic distributor) @ 0x%08llx: GICD_TYPER 0x%08x GICD_IIDR 0x%08x\n",
            dev->name, (unsigned long long)dev->base, gic_dist_read_word(gic, 0, GICD_TYPER),
            gic_dist_iidr[gic->version]);
    gic_dump_lines(gic, out);
}

static void gic_cpu_dump(struct device *dev, FILE *out)
{
    struct gic *gic = gic_from_cpu(dev);
    fprintf(out, "%s (gic cpu interface) @ 0x%08llx: GICC_IIDR 0x%08x\n", dev->name,
            (unsigned long long)dev->base, gic_cpu_iidr[gic->version]);
    for (unsigned cpu = 0; cpu < gic->num_cpus; cpu++) {
        const struct gic_cpu *c = &gic->cpus[cpu];
        unsigned rp = gic_running_priority(c);
        fprintf(out, "  CPU%u: GICC_CTLR 0x%03x GICC_PMR 0x%02x GICC_BPR %u GICC_ABPR %u "
                "GICC_RPR 0x%02x GICC_APR0 0x%08x GICC_NSAPR0 0x%08x HPPI %u IRQ %d FIQ %d\n",
                cpu, c->ctlr, c->pmr, c->bpr, c->abpr, rp == GIC_IDLE_PRIORITY ? 0xff : rp,
                c->apr, c->nsapr, c->hppi, c->irq_level, c->fiq_level);
    }
}

static void gic_release(struct gic *gic)
{
    if (--gic->refs == 0)
        free(gic);
}

static void gic_dist_destroy(struct device *dev)
{
    gic_release(gic_from_dist(dev));
}

static void gic_cpu_destroy(struct device *dev)
{
    gic_release(gic_from_cpu(dev));
}

/*
 * savevm/loadvm. The distributor device saves the per-interrupt state of
 * the SPIs and the distributor control; the CPU interface device saves
 * each interface's registers, banked SGIs/PPIs and output levels.
 */
static void gic_irq_fields(struct snapshot_io *io, struct gic_irq *irq)
{
    snap_u8(io, &irq->priority);
    snap_u8(io, &irq->target);
    snap_u8_max(io, "ICFGR field", &irq->config, 3);
    snap_bool(io, "group", &irq->group);
    snap_bool(io, "enabled", &irq->enabled);
    snap_bool(io, "pending", &irq->pending);
    snap_bool(io, "active", &irq->active);
    snap_bool(io, "level", &irq->level);
}

static int gic_dist_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct gic *gic = gic_from_dist(dev);
    struct gic *s = snapshot_stage(io, gic, sizeof(*gic));
    if (!s)
        return -1;
    snap_u32(io, &s->ctlr);
    for (unsigned i = 0; i + GIC_NR_PRIVATE < s->num_irqs; i++)
        gic_irq_fields(io, &s->spi[i]);
    return snapshot_unstage(io, gic, s);
}

static int gic_cpu_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct gic *gic = gic_from_cpu(dev);
    struct gic *s = snapshot_stage(io, gic, sizeof(*gic));
    if (!s)
        return -1;
    for (unsigned n = 0; n < s->num_cpus; n++) {
        struct gic_cpu *c = &s->cpus[n];
        snap_u32(io, &c->ctlr);
        snap_u8(io, &c->pmr);
        snap_u8(io, &c->bpr);
        snap_u8(io, &c->abpr);
        snap_u32(io, &c->apr);
        snap_u32(io, &c->nsapr);
        for (unsigned i = 0; i < GIC_NR_PRIVATE; i++)
            gic_irq_fields(io, &c->priv[i]);
        snap_bytes(io, c->sgi_source, GIC_NR_SGIS);
        snap_u32_max(io, "highest pending interrupt", &c->hppi, GIC_SPURIOUS);
        snap_level(io, "IRQ output", &c->irq_level);
        snap_level(io, "FIQ output", &c->fiq_level);
    }
    return snapshot_unstage(io, gic, s);
}

struct gic *gic_create(const struct gic_config *cfg, struct trace *trace)
{
    if ((cfg->version != GIC_V1 && cfg->version != GIC_V2) || cfg->num_irqs < 32 ||
        cfg->num_irqs > GIC_MAX_IRQS || cfg->num_irqs % 32 || cfg->num_cpus == 0 ||
        cfg->num_cpus > GIC_MAX_CPUS)
        return NULL;
    struct gic *gic = calloc(1, sizeof(*gic));
    if (!gic)
        return NULL;
    gic->version = cfg->version;
    gic->num_irqs = cfg->num_irqs;
    gic->num_cpus = cfg->num_cpus;
    gic->cpu_sel = cfg->cpu_sel;
    for (unsigned i = 0; i < GIC_MAX_CPUS; i++) {
        gic->irq_out[i] = cfg->irq_out[i];
        gic->fiq_out[i] = cfg->fiq_out[i];
    }
    gic->refs = 2;

    gic->dist.name = cfg->dist_name ? cfg->dist_name : "gic-dist";
    gic->dist.type = "gic-dist";
    gic->dist.base = cfg->dist_base;
    gic->dist.size = 0x1000;
    gic->dist.ops = &gic_dist_mmio_ops;
    gic->dist.reset = gic_dist_reset;
    gic->dist.dump = gic_dist_dump;
    gic->dist.destroy = gic_dist_destroy;
    gic->dist.snapshot = gic_dist_snapshot;
    gic->dist.trace = trace;

    gic->cpu.name = cfg->cpu_name ? cfg->cpu_name : "gic-cpu";
    gic->cpu.type = "gic-cpu";
    gic->cpu.base = cfg->cpu_base;
    gic->cpu.size = cfg->version == GIC_V1 ? 0x100 : 0x2000;
    gic->cpu.ops = &gic_cpu_mmio_ops;
    gic->cpu.reset = gic_cpu_reset;
    gic->cpu.dump = gic_cpu_dump;
    gic->cpu.destroy = gic_cpu_destroy;
    gic->cpu.snapshot = gic_cpu_snapshot;
    gic->cpu.trace = trace;

    gic_dist_reset(&gic->dist);
    gic_cpu_reset(&gic->cpu);
    return gic;
}
