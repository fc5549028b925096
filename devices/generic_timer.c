/*
 * ARMv7 Generic Timer (ARM ARM DDI 0406C, B8 "The Generic Timer"; CP15
 * c14 encodings in B8.2, Table B8-3; Cortex-A15 TRM DDI 0438 chapter 9).
 *
 * No MMIO: software reaches the counter and timers with MRC/MCR/MRRC/MCRR
 * on CP15 c14, which cp15.c forwards through struct generic_timer_ops.
 * Outputs per CPU: the four timer interrupts, level-sensitive PPIs.
 *
 * The system counter is virtual time: CNTPCT = ns / 16 (62.5 MHz, QEMU's
 * frequency, which CNTFRQ reports after reset; a write to CNTFRQ changes
 * what software is told, not the rate). CNTVCT = CNTPCT - CNTVOFF.
 *
 * Each timer has CVAL (64-bit compare value), TVAL (a signed 32-bit view:
 * reads CVAL - count, writes set CVAL = count + SignExtend(TVAL)) and CTL
 * (ENABLE, IMASK, ISTATUS). ISTATUS = ENABLE and count >= CVAL (unsigned);
 * the interrupt output is ISTATUS and not IMASK, a level. A clock event is
 * armed at the virtual time the count reaches CVAL while that would raise
 * the output; every register write recomputes the outputs.
 *
 * The physical timer registers are banked by security state (B8.1.1): in
 * Secure state (cp15.scr.NS clear, or Monitor mode) CNTP_* are the Secure
 * physical timer (ID 29), otherwise the Non-secure one (ID 30).
 *
 * Access control (B8.1.2): at PL0 CNTKCTL gates the counters
 * (PL0PCTEN/PL0VCTEN, which also expose CNTFRQ) and the timers
 * (PL0PTEN/PL0VTEN); CNTKCTL itself needs PL1; CNTFRQ is written at PL1
 * (the ARM ARM restricts this to Secure PL1; any PL1 mode may here);
 * CNTVOFF, CNTHCTL and CNTHP_* need Hyp mode or Monitor mode. A refused
 * access is UNDEFINED.
 *
 * Not modelled: the event stream (CNTKCTL/CNTHCTL.EVNTEN, a WFE wake-up);
 * Non-secure PL1 traps to Hyp mode through CNTHCTL.PL1PCTEN/PL1PCEN (the
 * bits are stored); counter wrap-around (2^64 ticks is 9000 years).
 */
#include "devices/generic_timer.h"

#include <errno.h>
#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* CNTx_CTL (B8.2.x). */
#define CTL_ENABLE  (1u << 0)
#define CTL_IMASK   (1u << 1)
#define CTL_ISTATUS (1u << 2)   /* RO */
#define CTL_WRITABLE (CTL_ENABLE | CTL_IMASK)

/* CNTKCTL (B4.1.26). */
#define CNTKCTL_PL0PCTEN (1u << 0)
#define CNTKCTL_PL0VCTEN (1u << 1)
#define CNTKCTL_PL0VTEN  (1u << 8)
#define CNTKCTL_PL0PTEN  (1u << 9)
#define CNTKCTL_MASK     0x3ffu     /* + EVNTEN, EVNTDIR, EVNTI */

/* CNTHCTL (B4.1.22). */
#define CNTHCTL_PL1PCTEN (1u << 0)
#define CNTHCTL_PL1PCEN  (1u << 1)
#define CNTHCTL_MASK     0xffu

/* SCR.NS (B4.1.129). */
#define GT_SCR_NS 1u

/* MRRC/MCRR p15, opc1, c14 (Table B8-3). */
#define OPC1_CNTPCT     0
#define OPC1_CNTVCT     1
#define OPC1_CNTP_CVAL  2
#define OPC1_CNTV_CVAL  3
#define OPC1_CNTVOFF    4
#define OPC1_CNTHP_CVAL 6

/* The 32-bit registers: MRC/MCR p15, opc1, c14, crm, opc2. */
enum gt_reg32 {
    REG_CNTFRQ,
    REG_CNTKCTL,
    REG_CNTP_TVAL,
    REG_CNTP_CTL,
    REG_CNTV_TVAL,
    REG_CNTV_CTL,
    REG_CNTHCTL,
    REG_CNTHP_TVAL,
    REG_CNTHP_CTL,
    REG_NONE
};

static const struct {
    uint8_t opc1, crm, opc2;
    enum gt_reg32 reg;
    const char *name;
} gt_reg32_table[] = {
    { 0, 0, 0, REG_CNTFRQ, "CNTFRQ" },
    { 0, 1, 0, REG_CNTKCTL, "CNTKCTL" },
    { 0, 2, 0, REG_CNTP_TVAL, "CNTP_TVAL" },
    { 0, 2, 1, REG_CNTP_CTL, "CNTP_CTL" },
    { 0, 3, 0, REG_CNTV_TVAL, "CNTV_TVAL" },
    { 0, 3, 1, REG_CNTV_CTL, "CNTV_CTL" },
    { 4, 1, 0, REG_CNTHCTL, "CNTHCTL" },
    { 4, 2, 0, REG_CNTHP_TVAL, "CNTHP_TVAL" },
    { 4, 2, 1, REG_CNTHP_CTL, "CNTHP_CTL" },
};

static const char *const gt_timer_names[GT_TIMER_COUNT] = {
    "phys-secure", "phys-nonsecure", "virt", "hyp",
};

static enum gt_reg32 gt_decode32(const struct coproc_access *a)
{
    if (a->crn != 14)
        return REG_NONE;
    for (size_t i = 0; i < ARRAY_SIZE(gt_reg32_table); i++)
        if (gt_reg32_table[i].opc1 == a->opc1 && gt_reg32_table[i].crm == a->crm &&
            gt_reg32_table[i].opc2 == a->opc2)
            return gt_reg32_table[i].reg;
    return REG_NONE;
}

uint64_t generic_timer_count(const struct generic_timer *gt)
{
    return vclock_now_ns(gt->dev.clock) / GENERIC_TIMER_NS_PER_TICK;
}

/* The count a timer compares with: CNTVCT for the virtual timer, else CNTPCT. */
static uint64_t gt_channel_count(const struct gt_channel *ch)
{
    uint64_t count = generic_timer_count(ch->cpu->parent);
    return ch->index == GT_VIRT ? count - ch->cpu->cntvoff : count;
}

static bool gt_istatus(const struct gt_channel *ch)
{
    return (ch->ctl & CTL_ENABLE) && gt_channel_count(ch) >= ch->cval;
}

/* Recomputes the output and the event of one timer; the only place they change. */
static void gt_channel_update(struct gt_channel *ch)
{
    struct generic_timer *gt = ch->cpu->parent;
    bool istatus = gt_istatus(ch);
    int level = istatus && !(ch->ctl & CTL_IMASK);
    if (level != ch->irq_level) {
        ch->irq_level = level;
        trace_printf(gt->dev.trace, TRACE_IRQ, "%s: CPU%u %s timer interrupt %d", gt->dev.name,
                     ch->cpu->index, gt_timer_names[ch->index], level);
        irq_set(&ch->irq, level);
    }
    vclock_cancel(gt->dev.clock, &ch->fire);
    if ((ch->ctl & (CTL_ENABLE | CTL_IMASK)) != CTL_ENABLE || istatus)
        return;
    /* Physical count at which this timer's count reaches cval. */
    uint64_t now = generic_timer_count(gt);
    uint64_t remaining = ch->cval - gt_channel_count(ch);
    if (remaining > UINT64_MAX / GENERIC_TIMER_NS_PER_TICK - now)
        return;     /* beyond the end of virtual time */
    vclock_arm_ns(gt->dev.clock, &ch->fire, (now + remaining) * GENERIC_TIMER_NS_PER_TICK);
}

static void gt_channel_fired(void *opaque)
{
    gt_channel_update(opaque);
}

/* ---- access checks ---- */

static bool gt_secure(const struct arm_cpu *cpu)
{
    return cpu_mode(cpu) == MODE_MON || !(cpu->cp15.scr & GT_SCR_NS);
}

static bool gt_pl0(const struct arm_cpu *cpu)
{
    return cpu_mode(cpu) == MODE_USR;
}

/* CNTVOFF, CNTHCTL, CNTHP_*: Hyp mode, or Monitor mode (B8.1.2). */
static bool gt_hyp_access(const struct arm_cpu *cpu)
{
    return cpu_mode(cpu) == MODE_HYP || cpu_mode(cpu) == MODE_MON;
}

static struct gt_channel *gt_phys_channel(struct generic_timer_cpu *c,
                                          const struct arm_cpu *cpu)
{
    return &c->timer[gt_secure(cpu) ? GT_PHYS_SECURE : GT_PHYS_NONSECURE];
}

/* Whether a 32-bit register may be accessed from the CPU's current mode. */
static bool gt_reg32_allowed(const struct generic_timer_cpu *c, const struct arm_cpu *cpu,
                             enum gt_reg32 reg, bool write)
{
    bool pl0 = gt_pl0(cpu);
    switch (reg) {
    case REG_CNTFRQ:
        if (write)
            return !pl0;
        return !pl0 || (c->cntkctl & (CNTKCTL_PL0PCTEN | CNTKCTL_PL0VCTEN));
    case REG_CNTKCTL:
        return !pl0;
    case REG_CNTP_TVAL:
    case REG_CNTP_CTL:
        return !pl0 || (c->cntkctl & CNTKCTL_PL0PTEN);
    case REG_CNTV_TVAL:
    case REG_CNTV_CTL:
        return !pl0 || (c->cntkctl & CNTKCTL_PL0VTEN);
    case REG_CNTHCTL:
    case REG_CNTHP_TVAL:
    case REG_CNTHP_CTL:
        return gt_hyp_access(cpu);
    case REG_NONE:
        break;
    }
    return false;
}

static uint32_t gt_ctl_read(const struct gt_channel *ch)
{
    return ch->ctl | (gt_istatus(ch) ? CTL_ISTATUS : 0);
}

static uint32_t gt_tval_read(const struct gt_channel *ch)
{
    return (uint32_t)(ch->cval - gt_channel_count(ch));
}

static void gt_tval_write(struct gt_channel *ch, uint32_t value)
{
    ch->cval = gt_channel_count(ch) + (uint64_t)(int64_t)(int32_t)value;
    gt_channel_update(ch);
}

static void gt_ctl_write(struct gt_channel *ch, uint32_t value)
{
    ch->ctl = value & CTL_WRITABLE;
    gt_channel_update(ch);
}

static void gt_trace(const struct generic_timer_cpu *c, const char *what, const char *reg,
                     uint64_t value)
{
    trace_printf(c->parent->dev.trace, TRACE_MMIO, "%s: CPU%u %s %s = 0x%llx",
                 c->parent->dev.name, c->index, what, reg, (unsigned long long)value);
}

static const char *gt_reg32_name(enum gt_reg32 reg)
{
    for (size_t i = 0; i < ARRAY_SIZE(gt_reg32_table); i++)
        if (gt_reg32_table[i].reg == reg)
            return gt_reg32_table[i].name;
    return "?";
}

/* ---- the c14 interface ---- */

static int gt_read(void *opaque, struct arm_cpu *cpu, const struct coproc_access *a,
                   uint32_t *value)
{
    struct generic_timer_cpu *c = opaque;
    enum gt_reg32 reg = gt_decode32(a);
    if (reg == REG_NONE || !gt_reg32_allowed(c, cpu, reg, false))
        return -1;
    switch (reg) {
    case REG_CNTFRQ: *value = c->cntfrq; break;
    case REG_CNTKCTL: *value = c->cntkctl; break;
    case REG_CNTP_TVAL: *value = gt_tval_read(gt_phys_channel(c, cpu)); break;
    case REG_CNTP_CTL: *value = gt_ctl_read(gt_phys_channel(c, cpu)); break;
    case REG_CNTV_TVAL: *value = gt_tval_read(&c->timer[GT_VIRT]); break;
    case REG_CNTV_CTL: *value = gt_ctl_read(&c->timer[GT_VIRT]); break;
    case REG_CNTHCTL: *value = c->cnthctl; break;
    case REG_CNTHP_TVAL: *value = gt_tval_read(&c->timer[GT_HYP]); break;
    case REG_CNTHP_CTL: *value = gt_ctl_read(&c->timer[GT_HYP]); break;
    case REG_NONE: return -1;
    }
    gt_trace(c, "read", gt_reg32_name(reg), *value);
    return 0;
}

static int gt_write(void *opaque, struct arm_cpu *cpu, const struct coproc_access *a,
                    uint32_t value)
{
    struct generic_timer_cpu *c = opaque;
    enum gt_reg32 reg = gt_decode32(a);
    if (reg == REG_NONE || !gt_reg32_allowed(c, cpu, reg, true))
        return -1;
    gt_trace(c, "write", gt_reg32_name(reg), value);
    switch (reg) {
    case REG_CNTFRQ: c->cntfrq = value; break;
    case REG_CNTKCTL: c->cntkctl = value & CNTKCTL_MASK; break;
    case REG_CNTP_TVAL: gt_tval_write(gt_phys_channel(c, cpu), value); break;
    case REG_CNTP_CTL: gt_ctl_write(gt_phys_channel(c, cpu), value); break;
    case REG_CNTV_TVAL: gt_tval_write(&c->timer[GT_VIRT], value); break;
    case REG_CNTV_CTL: gt_ctl_write(&c->timer[GT_VIRT], value); break;
    case REG_CNTHCTL: c->cnthctl = value & CNTHCTL_MASK; break;
    case REG_CNTHP_TVAL: gt_tval_write(&c->timer[GT_HYP], value); break;
    case REG_CNTHP_CTL: gt_ctl_write(&c->timer[GT_HYP], value); break;
    case REG_NONE: return -1;
    }
    return 0;
}

static int gt_read64(void *opaque, struct arm_cpu *cpu, unsigned opc1, uint64_t *value)
{
    struct generic_timer_cpu *c = opaque;
    bool pl0 = gt_pl0(cpu);
    const char *name;
    switch (opc1) {
    case OPC1_CNTPCT:
        if (pl0 && !(c->cntkctl & CNTKCTL_PL0PCTEN))
            return -1;
        *value = generic_timer_count(c->parent);
        name = "CNTPCT";
        break;
    case OPC1_CNTVCT:
        if (pl0 && !(c->cntkctl & CNTKCTL_PL0VCTEN))
            return -1;
        *value = generic_timer_count(c->parent) - c->cntvoff;
        name = "CNTVCT";
        break;
    case OPC1_CNTP_CVAL:
        if (pl0 && !(c->cntkctl & CNTKCTL_PL0PTEN))
            return -1;
        *value = gt_phys_channel(c, cpu)->cval;
        name = "CNTP_CVAL";
        break;
    case OPC1_CNTV_CVAL:
        if (pl0 && !(c->cntkctl & CNTKCTL_PL0VTEN))
            return -1;
        *value = c->timer[GT_VIRT].cval;
        name = "CNTV_CVAL";
        break;
    case OPC1_CNTVOFF:
        if (!gt_hyp_access(cpu))
            return -1;
        *value = c->cntvoff;
        name = "CNTVOFF";
        break;
    case OPC1_CNTHP_CVAL:
        if (!gt_hyp_access(cpu))
            return -1;
        *value = c->timer[GT_HYP].cval;
        name = "CNTHP_CVAL";
        break;
    default:
        return -1;
    }
    gt_trace(c, "read", name, *value);
    return 0;
}

static int gt_write64(void *opaque, struct arm_cpu *cpu, unsigned opc1, uint64_t value)
{
    struct generic_timer_cpu *c = opaque;
    bool pl0 = gt_pl0(cpu);
    struct gt_channel *ch;
    switch (opc1) {
    case OPC1_CNTP_CVAL:
        if (pl0 && !(c->cntkctl & CNTKCTL_PL0PTEN))
            return -1;
        ch = gt_phys_channel(c, cpu);
        gt_trace(c, "write", "CNTP_CVAL", value);
        break;
    case OPC1_CNTV_CVAL:
        if (pl0 && !(c->cntkctl & CNTKCTL_PL0VTEN))
            return -1;
        ch = &c->timer[GT_VIRT];
        gt_trace(c, "write", "CNTV_CVAL", value);
        break;
    case OPC1_CNTHP_CVAL:
        if (!gt_hyp_access(cpu))
            return -1;
        ch = &c->timer[GT_HYP];
        gt_trace(c, "write", "CNTHP_CVAL", value);
        break;
    case OPC1_CNTVOFF:
        if (!gt_hyp_access(cpu))
            return -1;
        gt_trace(c, "write", "CNTVOFF", value);
        c->cntvoff = value;
        /* CNTVCT moved: the virtual timer's condition may have changed. */
        gt_channel_update(&c->timer[GT_VIRT]);
        return 0;
    default:
        /* CNTPCT and CNTVCT are read-only. */
        return -1;
    }
    ch->cval = value;
    gt_channel_update(ch);
    return 0;
}

const struct generic_timer_ops generic_timer_cp15_ops = {
    .read = gt_read,
    .write = gt_write,
    .read64 = gt_read64,
    .write64 = gt_write64,
};

/* ---- lifetime ---- */

int generic_timer_attach_cpu(struct generic_timer *gt, struct arm_cpu *cpu)
{
    if (cpu->index >= gt->num_cpus)
        return -EINVAL;
    cpu->gtimer = &generic_timer_cp15_ops;
    cpu->gtimer_opaque = &gt->cpus[cpu->index];
    return 0;
}

/*
 * Reset: timers disabled with CVAL 0, CNTKCTL 0 (no PL0 access), CNTHCTL
 * giving PL1 the physical counter and timer, CNTVOFF 0 (B8.1.5: what a
 * CPU without a running hypervisor sees), CNTFRQ 62.5 MHz as QEMU sets it
 * (firmware's job on hardware).
 */
void generic_timer_reset(struct generic_timer *gt)
{
    for (unsigned n = 0; n < GENERIC_TIMER_MAX_CPUS; n++) {
        struct generic_timer_cpu *c = &gt->cpus[n];
        c->cntfrq = GENERIC_TIMER_FREQ_HZ;
        c->cntkctl = 0;
        c->cnthctl = CNTHCTL_PL1PCTEN | CNTHCTL_PL1PCEN;
        c->cntvoff = 0;
        for (unsigned i = 0; i < GT_TIMER_COUNT; i++) {
            c->timer[i].ctl = 0;
            c->timer[i].cval = 0;
            gt_channel_update(&c->timer[i]);
        }
    }
}

static void generic_timer_dev_reset(struct device *dev)
{
    generic_timer_reset((struct generic_timer *)dev);
}

static void generic_timer_dump(struct device *dev, FILE *out)
{
    struct generic_timer *gt = (struct generic_timer *)dev;
    uint64_t count = generic_timer_count(gt);
    fprintf(out, "%s (generic timer, CP15 c14): CNTPCT 0x%016llx (%u Hz)\n", dev->name,
            (unsigned long long)count, GENERIC_TIMER_FREQ_HZ);
    for (unsigned n = 0; n < gt->num_cpus; n++) {
        const struct generic_timer_cpu *c = &gt->cpus[n];
        fprintf(out, "  CPU%u: CNTFRQ %u CNTKCTL 0x%03x CNTHCTL 0x%02x CNTVOFF 0x%016llx\n", n,
                c->cntfrq, c->cntkctl, c->cnthctl, (unsigned long long)c->cntvoff);
        for (unsigned i = 0; i < GT_TIMER_COUNT; i++) {
            const struct gt_channel *ch = &c->timer[i];
            fprintf(out, "    %-14s CTL 0x%x CVAL 0x%016llx TVAL %d -> PPI %d\n",
                    gt_timer_names[i], gt_ctl_read(ch), (unsigned long long)ch->cval,
                    (int32_t)gt_tval_read(ch), ch->irq_level);
        }
    }
}

void generic_timer_destroy(struct generic_timer *gt)
{
    if (!gt)
        return;
    for (unsigned n = 0; n < GENERIC_TIMER_MAX_CPUS; n++)
        for (unsigned i = 0; i < GT_TIMER_COUNT; i++)
            vclock_cancel(gt->dev.clock, &gt->cpus[n].timer[i].fire);
    free(gt);
}

static void generic_timer_dev_destroy(struct device *dev)
{
    generic_timer_destroy((struct generic_timer *)dev);
}

/* savevm/loadvm: each CPU's control registers and its timers' comparators and events. */
static int generic_timer_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct generic_timer *gt = (struct generic_timer *)dev;
    struct generic_timer *s = snapshot_stage(io, gt, sizeof(*gt));
    if (!s)
        return -1;
    for (unsigned n = 0; n < s->num_cpus; n++) {
        struct generic_timer_cpu *c = &s->cpus[n];
        snap_u32(io, &c->cntfrq);
        snap_u32(io, &c->cntkctl);
        snap_u32(io, &c->cnthctl);
        snap_u64(io, &c->cntvoff);
        for (unsigned i = 0; i < GT_TIMER_COUNT; i++) {
            struct gt_channel *ch = &c->timer[i];
            snap_u32(io, &ch->ctl);
            snap_u64(io, &ch->cval);
            snap_level(io, "timer output", &ch->irq_level);
            snap_event(io, &ch->fire);
        }
    }
    return snapshot_unstage(io, gt, s);
}

struct generic_timer *generic_timer_create(const char *name, struct vclock *clock,
                                           unsigned num_cpus,
                                           const struct irq_line ppi[][GT_TIMER_COUNT],
                                           struct trace *trace)
{
    if (num_cpus == 0 || num_cpus > GENERIC_TIMER_MAX_CPUS)
        return NULL;
    struct generic_timer *gt = calloc(1, sizeof(*gt));
    if (!gt)
        return NULL;
    gt->dev.name = name;
    gt->dev.type = "generic-timer";
    gt->dev.reset = generic_timer_dev_reset;
    gt->dev.dump = generic_timer_dump;
    gt->dev.destroy = generic_timer_dev_destroy;
    gt->dev.snapshot = generic_timer_snapshot;
    gt->dev.trace = trace;
    gt->dev.clock = clock;
    gt->num_cpus = num_cpus;
    for (unsigned n = 0; n < GENERIC_TIMER_MAX_CPUS; n++) {
        struct generic_timer_cpu *c = &gt->cpus[n];
        c->parent = gt;
        c->index = n;
        for (unsigned i = 0; i < GT_TIMER_COUNT; i++) {
            struct gt_channel *ch = &c->timer[i];
            ch->cpu = c;
            ch->index = (enum generic_timer_index)i;
            if (n < num_cpus)
                ch->irq = ppi[n][i];
            clock_event_init(&ch->fire, name, gt_channel_fired, ch);
        }
    }
    generic_timer_reset(gt);
    return gt;
}
