/*
 * Cortex-A9 MPCore global timer (Cortex-A9 MPCore TRM, ARM DDI 0407, 4.4
 * "Global timer registers").
 *
 * MMIO: 256 bytes at PERIPHBASE+0x200. Outputs: one per CPU on PPI 11
 * (ID 27), high while that CPU's event flag and IRQ enable are set.
 *
 * One 64-bit up-counter for the cluster, clocked by PERIPHCLK through an
 * 8-bit prescaler (both shared, like the timer enable bit). Each CPU has
 * its own comparator, auto-increment value and control bits (comparator
 * enable, IRQ enable, auto-increment): when the comparator is enabled and
 * the counter is greater than or equal to the comparator (r2p0 and later;
 * QEMU compares the same way) the CPU's event flag is set, and with
 * auto-increment the comparator advances by the auto-increment value past
 * the counter. Time is virtual; a clock event is armed for a CPU's next
 * match only while that match would raise its interrupt.
 *
 * Not modelled: the TRM asks software to stop the timer before writing
 * the counter; a write while it runs simply restarts counting from the
 * value written.
 */
#include "devices/a9_global_timer.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM Table 4-5), from PERIPHBASE+0x200. */
#define GT_COUNTER_LO   0x00
#define GT_COUNTER_HI   0x04
#define GT_CONTROL      0x08
#define GT_ISR          0x0c
#define GT_COMPARE_LO   0x10
#define GT_COMPARE_HI   0x14
#define GT_AUTO_INC     0x18

/* Global Timer Control. */
#define CTRL_TIMER_ENABLE (1u << 0)     /* shared */
#define CTRL_COMP_ENABLE  (1u << 1)     /* banked */
#define CTRL_IRQ_ENABLE   (1u << 2)     /* banked */
#define CTRL_AUTO_INC     (1u << 3)     /* banked */
#define CTRL_PRESCALER_SHIFT 8
#define CTRL_PRESCALER_MASK (0xffu << CTRL_PRESCALER_SHIFT)   /* shared */
#define CTRL_SHARED_MASK  (CTRL_TIMER_ENABLE | CTRL_PRESCALER_MASK)
#define CTRL_BANKED_MASK  (CTRL_COMP_ENABLE | CTRL_IRQ_ENABLE | CTRL_AUTO_INC)

#define ISR_EVENT 1u

static const char *a9_gtimer_reg_name(uint32_t offset)
{
    switch (offset) {
    case GT_COUNTER_LO: return "GT_COUNTER_LO";
    case GT_COUNTER_HI: return "GT_COUNTER_HI";
    case GT_CONTROL: return "GT_CONTROL";
    case GT_ISR: return "GT_ISR";
    case GT_COMPARE_LO: return "GT_COMPARE_LO";
    case GT_COMPARE_HI: return "GT_COMPARE_HI";
    case GT_AUTO_INC: return "GT_AUTO_INC";
    default: return NULL;
    }
}

static bool gt_enabled(const struct a9_global_timer *gt)
{
    return gt->control & CTRL_TIMER_ENABLE;
}

static uint64_t gt_tick_ns(const struct a9_global_timer *gt)
{
    uint32_t prescaler = (gt->control & CTRL_PRESCALER_MASK) >> CTRL_PRESCALER_SHIFT;
    return (uint64_t)A9_GTIMER_TICK_NS * (prescaler + 1);
}

static uint64_t gt_ticks(const struct a9_global_timer *gt)
{
    if (!gt_enabled(gt))
        return 0;
    uint64_t now = vclock_now_ns(gt->dev.clock);
    return now > gt->start_ns ? (now - gt->start_ns) / gt_tick_ns(gt) : 0;
}

static uint64_t gt_counter(const struct a9_global_timer *gt)
{
    return gt->count + gt_ticks(gt);
}

/* Folds elapsed ticks into count/start_ns before a setting changes. */
static void gt_snapshot(struct a9_global_timer *gt)
{
    uint64_t ticks = gt_ticks(gt);
    gt->count += ticks;
    gt->start_ns += ticks * gt_tick_ns(gt);
}

static void gtc_update_irq(struct a9_gtimer_cpu *c)
{
    int level = (c->status & ISR_EVENT) && (c->control & CTRL_IRQ_ENABLE);
    if (level == c->irq_level)
        return;
    c->irq_level = level;
    trace_printf(c->parent->dev.trace, TRACE_IRQ, "%s: CPU%u interrupt %d",
                 c->parent->dev.name, c->cpu, level);
    irq_set(&c->irq, level);
}

/* Applies every match up to now: event flag and auto-increment. */
static void gtc_catch_up(struct a9_gtimer_cpu *c)
{
    if (!(c->control & CTRL_COMP_ENABLE))
        return;
    uint64_t counter = gt_counter(c->parent);
    if (counter < c->comparator)
        return;
    c->status = ISR_EVENT;
    if ((c->control & CTRL_AUTO_INC) && c->auto_increment) {
        /* Every increment that fell due, leaving the comparator ahead. */
        uint64_t steps = (counter - c->comparator) / c->auto_increment + 1;
        c->comparator += steps * c->auto_increment;
    }
}

static void gtc_schedule(struct a9_gtimer_cpu *c)
{
    struct a9_global_timer *gt = c->parent;
    vclock_cancel(gt->dev.clock, &c->match);
    if (!gt_enabled(gt) || (c->control & (CTRL_COMP_ENABLE | CTRL_IRQ_ENABLE)) !=
                               (CTRL_COMP_ENABLE | CTRL_IRQ_ENABLE))
        return;
    /* With auto-increment later matches raise the flag again, but it only
     * matters once the guest has cleared it. */
    if (c->status)
        return;
    uint64_t counter = gt_counter(gt);
    if (counter >= c->comparator)
        return;     /* gtc_catch_up has raised the flag already */
    /* Ticks from start_ns (counter value gt->count) to the match. */
    uint64_t ticks = c->comparator - gt->count;
    uint64_t tick_ns = gt_tick_ns(gt);
    if (ticks > (UINT64_MAX - gt->start_ns) / tick_ns)
        return;     /* beyond the end of virtual time */
    vclock_arm_ns(gt->dev.clock, &c->match, gt->start_ns + ticks * tick_ns);
}

static void gtc_refresh(struct a9_gtimer_cpu *c)
{
    gtc_catch_up(c);
    gtc_update_irq(c);
    gtc_schedule(c);
}

static void gtc_matched(void *opaque)
{
    gtc_refresh(opaque);
}

static void gt_refresh_all(struct a9_global_timer *gt)
{
    for (unsigned cpu = 0; cpu < gt->num_cpus; cpu++)
        gtc_refresh(&gt->cpus[cpu]);
}

uint32_t a9_global_timer_read(struct a9_global_timer *gt, unsigned cpu, uint32_t offset)
{
    struct a9_gtimer_cpu *c = &gt->cpus[cpu < gt->num_cpus ? cpu : 0];
    gtc_refresh(c);
    switch (offset) {
    case GT_COUNTER_LO:
        return (uint32_t)gt_counter(gt);
    case GT_COUNTER_HI:
        return (uint32_t)(gt_counter(gt) >> 32);
    case GT_CONTROL:
        return gt->control | c->control;
    case GT_ISR:
        return c->status;
    case GT_COMPARE_LO:
        return (uint32_t)c->comparator;
    case GT_COMPARE_HI:
        return (uint32_t)(c->comparator >> 32);
    case GT_AUTO_INC:
        return c->auto_increment;
    default:
        device_guest_error(&gt->dev, "read of unknown register +0x%02x", offset);
        return 0;
    }
}

void a9_global_timer_write(struct a9_global_timer *gt, unsigned cpu, uint32_t offset,
                           uint32_t value)
{
    struct a9_gtimer_cpu *c = &gt->cpus[cpu < gt->num_cpus ? cpu : 0];
    gt_refresh_all(gt);
    switch (offset) {
    case GT_COUNTER_LO:
    case GT_COUNTER_HI:
        gt_snapshot(gt);
        if (offset == GT_COUNTER_LO)
            gt->count = (gt->count & ~0xffffffffull) | value;
        else
            gt->count = (gt->count & 0xffffffffull) | ((uint64_t)value << 32);
        gt->start_ns = vclock_now_ns(gt->dev.clock);
        break;
    case GT_CONTROL: {
        bool was_enabled = gt_enabled(gt);
        uint32_t old = gt->control;
        gt_snapshot(gt);
        gt->control = value & CTRL_SHARED_MASK;
        c->control = value & CTRL_BANKED_MASK;
        if (gt_enabled(gt) && (!was_enabled || ((old ^ gt->control) & CTRL_PRESCALER_MASK)))
            gt->start_ns = vclock_now_ns(gt->dev.clock);
        break;
    }
    case GT_ISR:
        c->status &= ~(value & ISR_EVENT);
        break;
    case GT_COMPARE_LO:
        c->comparator = (c->comparator & ~0xffffffffull) | value;
        break;
    case GT_COMPARE_HI:
        c->comparator = (c->comparator & 0xffffffffull) | ((uint64_t)value << 32);
        break;
    case GT_AUTO_INC:
        c->auto_increment = value;
        break;
    default:
        device_guest_error(&gt->dev, "write 0x%x to unknown register +0x%02x", value, offset);
        return;
    }
    gt_refresh_all(gt);
}

static uint32_t a9_gtimer_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct a9_global_timer *gt = opaque;
    uint32_t value = a9_global_timer_read(gt, cpu_selector_current(&gt->cpu_sel),
                                          offset & ~3u);
    if (size < 4)
        value = (value >> ((offset & 3) * 8)) & ((1u << (size * 8)) - 1);
    device_trace_access(&gt->dev, "read", offset, a9_gtimer_reg_name(offset), value, size);
    return value;
}

static void a9_gtimer_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct a9_global_timer *gt = opaque;
    device_trace_access(&gt->dev, "write", offset, a9_gtimer_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&gt->dev, "%u-byte write at +0x%02x (word access only)", size,
                           offset);
        return;
    }
    a9_global_timer_write(gt, cpu_selector_current(&gt->cpu_sel), offset, value);
}

static const struct mmio_ops a9_gtimer_mmio_ops = {
    .read = a9_gtimer_mmio_read,
    .write = a9_gtimer_mmio_write,
};

/* TRM reset values: counter 0 and stopped, comparators 0 and disabled. */
static void a9_gtimer_reset(struct device *dev)
{
    struct a9_global_timer *gt = (struct a9_global_timer *)dev;
    gt->control = 0;
    gt->count = 0;
    gt->start_ns = vclock_now_ns(dev->clock);
    for (unsigned cpu = 0; cpu < A9_GTIMER_MAX_CPUS; cpu++) {
        struct a9_gtimer_cpu *c = &gt->cpus[cpu];
        vclock_cancel(dev->clock, &c->match);
        c->control = 0;
        c->status = 0;
        c->comparator = 0;
        c->auto_increment = 0;
        gtc_update_irq(c);
    }
}

static void a9_gtimer_dump(struct device *dev, FILE *out)
{
    struct a9_global_timer *gt = (struct a9_global_timer *)dev;
    fprintf(out, "%s (a9-global-timer) @ 0x%08llx: counter 0x%016llx (%s, prescaler %u)\n",
            dev->name, (unsigned long long)dev->base, (unsigned long long)gt_counter(gt),
            gt_enabled(gt) ? "running" : "stopped",
            (gt->control & CTRL_PRESCALER_MASK) >> CTRL_PRESCALER_SHIFT);
    for (unsigned cpu = 0; cpu < gt->num_cpus; cpu++) {
        const struct a9_gtimer_cpu *c = &gt->cpus[cpu];
        fprintf(out, "  CPU%u: comparator 0x%016llx (%s) auto-increment 0x%08x (%s) irq %s "
                "ISR %u -> PPI %d\n", cpu, (unsigned long long)c->comparator,
                (c->control & CTRL_COMP_ENABLE) ? "on" : "off", c->auto_increment,
                (c->control & CTRL_AUTO_INC) ? "on" : "off",
                (c->control & CTRL_IRQ_ENABLE) ? "on" : "off", c->status, c->irq_level);
    }
}

static void a9_gtimer_destroy(struct device *dev)
{
    struct a9_global_timer *gt = (struct a9_global_timer *)dev;
    for (unsigned cpu = 0; cpu < A9_GTIMER_MAX_CPUS; cpu++)
        vclock_cancel(dev->clock, &gt->cpus[cpu].match);
    free(gt);
}

/* savevm/loadvm: the shared counter and control, each CPU's comparator and event. */
static int a9_gtimer_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct a9_global_timer *gt = (struct a9_global_timer *)dev;
    struct a9_global_timer *s = snapshot_stage(io, gt, sizeof(*gt));
    if (!s)
        return -1;
    snap_u32(io, &s->control);
    snap_u64(io, &s->count);
    snap_u64(io, &s->start_ns);
    for (unsigned n = 0; n < s->num_cpus; n++) {
        struct a9_gtimer_cpu *c = &s->cpus[n];
        snap_level(io, "interrupt output", &c->irq_level);
        snap_event(io, &c->match);
        snap_u32(io, &c->control);
        snap_u32(io, &c->status);
        snap_u64(io, &c->comparator);
        snap_u32(io, &c->auto_increment);
    }
    return snapshot_unstage(io, gt, s);
}

struct a9_global_timer *a9_global_timer_create(const char *name, uint64_t base,
                                               unsigned num_cpus, const struct irq_line irq[],
                                               struct cpu_selector cpu_sel,
                                               struct vclock *clock, struct trace *trace)
{
    if (num_cpus == 0 || num_cpus > A9_GTIMER_MAX_CPUS)
        return NULL;
    struct a9_global_timer *gt = calloc(1, sizeof(*gt));
    if (!gt)
        return NULL;
    gt->dev.name = name;
    gt->dev.type = "a9-global-timer";
    gt->dev.base = base;
    gt->dev.size = A9_GTIMER_SIZE;
    gt->dev.ops = &a9_gtimer_mmio_ops;
    gt->dev.reset = a9_gtimer_reset;
    gt->dev.dump = a9_gtimer_dump;
    gt->dev.destroy = a9_gtimer_destroy;
    gt->dev.snapshot = a9_gtimer_snapshot;
    gt->dev.trace = trace;
    gt->dev.clock = clock;
    gt->num_cpus = num_cpus;
    gt->cpu_sel = cpu_sel;
    for (unsigned cpu = 0; cpu < A9_GTIMER_MAX_CPUS; cpu++) {
        struct a9_gtimer_cpu *c = &gt->cpus[cpu];
        c->parent = gt;
        c->cpu = cpu;
        if (cpu < num_cpus)
            c->irq = irq[cpu];
        clock_event_init(&c->match, name, gtc_matched, c);
    }
    a9_gtimer_reset(&gt->dev);
    return gt;
}
