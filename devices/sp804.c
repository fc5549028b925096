/*
 * ARM SP804 Dual-Timer Module (SP804 TRM, ARM DDI 0271).
 *
 * MMIO: 4 KiB; Timer1 at +0x00, Timer2 at +0x20, integration test at
 * +0xf00, PrimeCell IDs at +0xfe0. Output: TIMINTC, the OR of both
 * timers' masked interrupts (the board wires it to one VIC line).
 *
 * Each timer is a 32- or 16-bit down-counter clocked by TIMCLK (1 MHz)
 * through a prescaler of 1, 16 or 256, in one of three modes:
 *   free-running  after reaching zero it wraps to 0xffffffff (0xffff);
 *   periodic      on the tick it reaches zero it reloads TimerXLoad, so the
 *                 interrupt period is TimerXLoad ticks (as QEMU);
 *   one-shot      it stops at zero until TimerXLoad is written again.
 * Reaching zero sets TimerXRIS; TimerXIntClr clears it. Writing TimerXLoad
 * restarts the count at once (0 interrupts immediately); TimerXBGLoad
 * changes the reload value without touching the count.
 *
 * Time is virtual: the counter is computed from vclock time when read. One
 * clock event per timer is armed for the next zero only while that zero
 * would raise TIMINTC (interrupt enabled and not already pending); in any
 * other case TimerXRIS is brought up to date when the guest accesses the
 * timer, so a masked free-running timer costs no events.
 *
 * Not modelled: the integration test registers (TimerITCR is stored,
 * TimerITOP is ignored); the prescale setting 0b11 (undefined in the TRM)
 * divides by 1, as in QEMU.
 */
#include "devices/sp804.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Per-timer register offsets (TRM, "Summary of registers"), from +0x00 or +0x20. */
#define TIMER_LOAD     0x00
#define TIMER_VALUE    0x04  /* RO */
#define TIMER_CONTROL  0x08
#define TIMER_INTCLR   0x0c  /* WO */
#define TIMER_RIS      0x10  /* RO */
#define TIMER_MIS      0x14  /* RO */
#define TIMER_BGLOAD   0x18
#define TIMER_STRIDE   0x20
#define TIMER_BLOCK_END 0x40

#define TIMERITCR      0xf00
#define TIMERITOP      0xf04  /* WO */

/* TimerXControl. */
#define CTRL_ONESHOT      (1u << 0)
#define CTRL_32BIT        (1u << 1)
#define CTRL_PRESCALE_SHIFT 2
#define CTRL_PRESCALE_MASK  (3u << CTRL_PRESCALE_SHIFT)
#define CTRL_INTEN        (1u << 5)
#define CTRL_PERIODIC     (1u << 6)
#define CTRL_ENABLE       (1u << 7)
#define CTRL_MASK         0xffu
#define CTRL_RESET        CTRL_INTEN

#define RIS_INT           1u

/* TimerPeriphID0-3 (TRM, "Peripheral identification registers"). */
static const uint8_t sp804_periph_id[4] = { 0x04, 0x18, 0x14, 0x00 };

static const char *const sp804_timer_reg_names[2][7] = {
    { "Timer1Load", "Timer1Value", "Timer1Control", "Timer1IntClr", "Timer1RIS",
      "Timer1MIS", "Timer1BGLoad" },
    { "Timer2Load", "Timer2Value", "Timer2Control", "Timer2IntClr", "Timer2RIS",
      "Timer2MIS", "Timer2BGLoad" },
};

/* For tracing only. */
static const char *sp804_reg_name(uint32_t offset)
{
    if (offset < TIMER_BLOCK_END && !(offset & 3) && (offset % TIMER_STRIDE) <= TIMER_BGLOAD)
        return sp804_timer_reg_names[offset / TIMER_STRIDE][(offset % TIMER_STRIDE) >> 2];
    switch (offset) {
    case TIMERITCR: return "TimerITCR";
    case TIMERITOP: return "TimerITOP";
    default: return NULL;
    }
}

static struct vclock *sp804_clock(const struct sp804_timer *t)
{
    return t->parent->dev.clock;
}

static bool timer_enabled(const struct sp804_timer *t)
{
    return t->control & CTRL_ENABLE;
}

static uint32_t timer_mask(const struct sp804_timer *t)
{
    return (t->control & CTRL_32BIT) ? 0xffffffffu : 0xffffu;
}

static uint64_t timer_tick_ns(const struct sp804_timer *t)
{
    static const unsigned divider[4] = { 1, 16, 256, 1 };
    unsigned prescale = (t->control & CTRL_PRESCALE_MASK) >> CTRL_PRESCALE_SHIFT;
    return (1000000000ull / SP804_TIMCLK_HZ) * divider[prescale];
}

/* Whole ticks of the counter between start_ns and time_ns. */
static uint64_t timer_ticks_at(const struct sp804_timer *t, uint64_t time_ns)
{
    return time_ns > t->start_ns ? (time_ns - t->start_ns) / timer_tick_ns(t) : 0;
}

static uint64_t timer_elapsed(const struct sp804_timer *t)
{
    return timer_ticks_at(t, vclock_now_ns(sp804_clock(t)));
}

/*
 * The counting sequence from `count` at tick 0, as the tick of the first
 * zero and the period of later ones (0: no later zero). Reaching zero
 * means decrementing to it; a one-shot counter already at zero stays
 * there, and a periodic one reloads on its next tick.
 */
struct timer_schedule {
    bool has_zero;
    uint64_t first_zero;
    uint64_t period;
};

static struct timer_schedule timer_schedule(const struct sp804_timer *t)
{
    struct timer_schedule s = { false, 0, 0 };
    uint64_t count = t->count & timer_mask(t);
    uint64_t reload = t->load & timer_mask(t);
    if (t->control & CTRL_ONESHOT) {
        s.has_zero = count > 0;
        s.first_zero = count;
    } else if (t->control & CTRL_PERIODIC) {
        s.has_zero = true;
        s.first_zero = count > 0 ? count : reload + 1;
        s.period = reload > 0 ? reload : 1;
    } else {
        s.has_zero = true;
        s.first_zero = count > 0 ? count : (uint64_t)timer_mask(t) + 1;
        s.period = (uint64_t)timer_mask(t) + 1;
    }
    return s;
}

/* Virtual time of the first zero strictly after time_ns; false if none. */
static bool timer_next_zero_ns(const struct sp804_timer *t, uint64_t time_ns, uint64_t *zero_ns)
{
    if (!timer_enabled(t))
        return false;
    struct timer_schedule s = timer_schedule(t);
    if (!s.has_zero)
        return false;
    uint64_t ticks = timer_ticks_at(t, time_ns);
    uint64_t next = s.first_zero;
    if (ticks >= next) {
        if (!s.period)
            return false;
        next += ((ticks - next) / s.period + 1) * s.period;
    }
    *zero_ns = t->start_ns + next * timer_tick_ns(t);
    return true;
}

/* TimerXValue after `ticks` ticks of the sequence starting at `count`. */
static uint32_t timer_value_at(const struct sp804_timer *t, uint64_t ticks)
{
    uint32_t mask = timer_mask(t);
    uint64_t count = t->count & mask;
    uint64_t reload = t->load & mask;
    if (ticks == 0)
        return (uint32_t)count;
    if (t->control & CTRL_ONESHOT)
        return ticks < count ? (uint32_t)(count - ticks) : 0;
    if (!(t->control & CTRL_PERIODIC))
        return (uint32_t)(count - ticks) & mask;
    struct timer_schedule s = timer_schedule(t);
    if (ticks < s.first_zero)
        return (uint32_t)(s.first_zero - ticks);
    /* Reloaded on the tick of each zero, so 0 itself is never seen. */
    return reload ? (uint32_t)(reload - (ticks - s.first_zero) % reload) : 0;
}

static uint32_t timer_value(const struct sp804_timer *t)
{
    /* Stopped, the whole 32-bit register reads back (0xffffffff after
     * reset, in 16-bit mode too: the TRM reset value). */
    if (!timer_enabled(t))
        return t->count;
    return timer_value_at(t, timer_elapsed(t));
}

/* Recomputes TIMINTC from both timers' RIS & enable; the only place it changes. */
static void sp804_update_irq(struct sp804 *sp)
{
    int level = 0;
    for (unsigned i = 0; i < 2; i++)
        if (sp->timer[i].ris && (sp->timer[i].control & CTRL_INTEN))
            level = 1;
    if (level != sp->irq_level) {
        sp->irq_level = level;
        trace_printf(sp->dev.trace, TRACE_IRQ, "%s: TIMINTC %d", sp->dev.name, level);
        irq_set(&sp->irq, level);
    }
}

/*
 * Brings RIS up to date: sets it if a zero passed since checked_ns. Zeros
 * are only put on the event queue when they would raise TIMINTC; for a
 * masked timer (Linux's free-running clocksource) RIS is found here, when
 * the guest looks. An access can also land on the very tick of an armed
 * zero before the machine loop has fired it.
 */
static void timer_catch_up(struct sp804_timer *t)
{
    uint64_t now = vclock_now_ns(sp804_clock(t));
    uint64_t zero_ns;
    if (!t->ris && timer_next_zero_ns(t, t->checked_ns, &zero_ns) && zero_ns <= now)
        t->ris = RIS_INT;
    t->checked_ns = now;
}

/* Arms the event for the next zero after now if it would raise TIMINTC. */
static void timer_schedule_expiry(struct sp804_timer *t)
{
    struct vclock *clock = sp804_clock(t);
    uint64_t zero_ns;
    vclock_cancel(clock, &t->expiry);
    if (t->ris || !(t->control & CTRL_INTEN))
        return;
    if (timer_next_zero_ns(t, vclock_now_ns(clock), &zero_ns))
        vclock_arm_ns(clock, &t->expiry, zero_ns);
}

static void timer_expired(void *opaque)
{
    struct sp804_timer *t = opaque;
    t->ris = RIS_INT;
    t->checked_ns = vclock_now_ns(sp804_clock(t));
    sp804_update_irq(t->parent);
}

/*
 * Folds the ticks counted so far into count/start_ns, keeping start_ns on
 * a tick boundary, so a setting change applies from now without losing the
 * part of the current tick already elapsed.
 */
static void timer_snapshot(struct sp804_timer *t)
{
    if (!timer_enabled(t))
        return;
    uint64_t ticks = timer_elapsed(t);
    t->count = timer_value_at(t, ticks);
    t->start_ns += ticks * timer_tick_ns(t);
}

/* Restarts the count from `count` now (TimerXLoad write, enable). */
static void timer_restart(struct sp804_timer *t, uint32_t count)
{
    t->count = count;
    t->start_ns = vclock_now_ns(sp804_clock(t));
}

static uint32_t timer_read(struct sp804 *sp, struct sp804_timer *t, uint32_t reg)
{
    timer_catch_up(t);
    sp804_update_irq(sp);
    switch (reg) {
    case TIMER_LOAD:
    case TIMER_BGLOAD:
        return t->load;
    case TIMER_VALUE:
        return timer_value(t);
    case TIMER_CONTROL:
        return t->control;
    case TIMER_RIS:
        return t->ris;
    case TIMER_MIS:
        return (t->control & CTRL_INTEN) ? t->ris : 0;
    case TIMER_INTCLR:
        device_guest_error(&sp->dev, "read of write-only Timer%uIntClr", t->index + 1);
        return 0;
    default:
        device_guest_error(&sp->dev, "read of unknown register +0x%03x",
                           t->index * TIMER_STRIDE + reg);
        return 0;
    }
}

static void timer_write(struct sp804 *sp, struct sp804_timer *t, uint32_t reg, uint32_t value)
{
    timer_catch_up(t);
    switch (reg) {
    case TIMER_LOAD:
        t->load = value;
        timer_restart(t, value);
        /* TRM: writing 0 to TimerXLoad generates the interrupt immediately. */
        if (timer_enabled(t) && (value & timer_mask(t)) == 0)
            t->ris = RIS_INT;
        break;
    case TIMER_BGLOAD:
        timer_snapshot(t);
        t->load = value;
        break;
    case TIMER_VALUE:
        /* Read-only; Linux has been seen writing it, so stay quiet (as QEMU). */
        return;
    case TIMER_CONTROL: {
        uint32_t old = t->control;
        value &= CTRL_MASK;
        if (((old ^ value) & ~CTRL_INTEN) == 0) {
            t->control = value;     /* only the interrupt mask changes */
            break;
        }
        bool was_enabled = timer_enabled(t);
        timer_snapshot(t);
        t->control = value;
        /* Starting, or a new prescale (a tick of another length), counts
         * from now; otherwise the count goes on from the last tick. */
        if (timer_enabled(t) && (!was_enabled || ((old ^ value) & CTRL_PRESCALE_MASK)))
            timer_restart(t, t->count);
        break;
    }
    case TIMER_INTCLR:
        t->ris = 0;
        break;
    case TIMER_RIS:
    case TIMER_MIS:
        device_guest_error(&sp->dev, "write 0x%x to read-only Timer%u%s", value, t->index + 1,
                           reg == TIMER_RIS ? "RIS" : "MIS");
        return;
    default:
        device_guest_error(&sp->dev, "write 0x%x to unknown register +0x%03x", value,
                           t->index * TIMER_STRIDE + reg);
        return;
    }
    timer_schedule_expiry(t);
    sp804_update_irq(sp);
}

static uint32_t sp804_read(struct sp804 *sp, uint32_t offset)
{
    uint32_t value;
    if (offset < TIMER_BLOCK_END)
        return timer_read(sp, &sp->timer[offset / TIMER_STRIDE], offset % TIMER_STRIDE);
    if (primecell_id_read(sp804_periph_id, offset, &value))
        return value;
    switch (offset) {
    case TIMERITCR:
        return sp->itcr;
    case TIMERITOP:
        device_guest_error(&sp->dev, "read of write-only TimerITOP");
        return 0;
    default:
        device_guest_error(&sp->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void sp804_write(struct sp804 *sp, uint32_t offset, uint32_t value)
{
    if (offset < TIMER_BLOCK_END) {
        timer_write(sp, &sp->timer[offset / TIMER_STRIDE], offset % TIMER_STRIDE, value);
        return;
    }
    switch (offset) {
    case TIMERITCR:
        sp->itcr = value & 1;
        if (sp->itcr)
            trace_printf(sp->dev.trace, TRACE_UNIMP, "%s: TimerITCR test mode not modelled",
                         sp->dev.name);
        break;
    case TIMERITOP:
        trace_printf(sp->dev.trace, TRACE_UNIMP, "%s: TimerITOP write 0x%x ignored",
                     sp->dev.name, value);
        break;
    default:
        device_guest_error(&sp->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        break;
    }
}

static uint32_t sp804_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct sp804 *sp = opaque;
    uint32_t value = sp804_read(sp, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&sp->dev, "read", offset, sp804_reg_name(offset), value, size);
    return value;
}

static void sp804_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct sp804 *sp = opaque;
    device_trace_access(&sp->dev, "write", offset, sp804_reg_name(offset), value, size);
    sp804_write(sp, offset, value);
}

static const struct mmio_ops sp804_mmio_ops = {
    .read = sp804_mmio_read,
    .write = sp804_mmio_write,
};

uint32_t sp804_timer_value(struct sp804 *sp, unsigned timer)
{
    return timer < 2 ? timer_value(&sp->timer[timer]) : 0;
}

/* TRM reset values: Load 0, Value 0xffffffff, Control 0x20, no interrupt. */
static void sp804_reset(struct device *dev)
{
    struct sp804 *sp = (struct sp804 *)dev;
    for (unsigned i = 0; i < 2; i++) {
        struct sp804_timer *t = &sp->timer[i];
        vclock_cancel(dev->clock, &t->expiry);
        t->load = 0;
        t->control = CTRL_RESET;
        t->ris = 0;
        t->count = 0xffffffffu;
        t->start_ns = vclock_now_ns(dev->clock);
        t->checked_ns = t->start_ns;
    }
    sp->itcr = 0;
    sp804_update_irq(sp);
}

static void sp804_dump(struct device *dev, FILE *out)
{
    struct sp804 *sp = (struct sp804 *)dev;
    fprintf(out, "%s (sp804) @ 0x%08llx: TIMINTC %d, TimerITCR %u\n", dev->name,
            (unsigned long long)dev->base, sp->irq_level, sp->itcr);
    for (unsigned i = 0; i < 2; i++) {
        struct sp804_timer *t = &sp->timer[i];
        static const char *const prescale[4] = { "/1", "/16", "/256", "/1 (undefined)" };
        const char *mode = (t->control & CTRL_ONESHOT) ? "one-shot"
                           : (t->control & CTRL_PERIODIC) ? "periodic" : "free-running";
        fprintf(out, "  Timer%u: Load 0x%08x Value 0x%08x Control 0x%02x (%s, %s, %s-bit, "
                "prescale %s, int %s) RIS %u MIS %u\n",
                i + 1, t->load, timer_value(t), t->control,
                timer_enabled(t) ? "enabled" : "disabled", mode,
                (t->control & CTRL_32BIT) ? "32" : "16",
                prescale[(t->control & CTRL_PRESCALE_MASK) >> CTRL_PRESCALE_SHIFT],
                (t->control & CTRL_INTEN) ? "on" : "off", t->ris,
                (t->control & CTRL_INTEN) ? t->ris : 0);
        if (clock_event_armed(&t->expiry))
            fprintf(out, "          next zero at %llu ns\n",
                    (unsigned long long)(t->expiry.deadline_ps / 1000));
    }
}

static void sp804_destroy(struct device *dev)
{
    struct sp804 *sp = (struct sp804 *)dev;
    for (unsigned i = 0; i < 2; i++)
        vclock_cancel(dev->clock, &sp->timer[i].expiry);
    free(sp);
}

/* savevm/loadvm: both timers' registers, counters and expiry events. */
static int sp804_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct sp804 *sp = (struct sp804 *)dev;
    struct sp804 *s = snapshot_stage(io, sp, sizeof(*sp));
    if (!s)
        return -1;
    snap_level(io, "TIMINTC", &s->irq_level);
    snap_u32(io, &s->itcr);
    for (unsigned i = 0; i < 2; i++) {
        struct sp804_timer *t = &s->timer[i];
        snap_event(io, &t->expiry);
        snap_u32(io, &t->load);
        snap_u32(io, &t->control);
        snap_u32_max(io, "TimerXRIS", &t->ris, 1);
        snap_u32(io, &t->count);
        snap_u64(io, &t->start_ns);
        snap_u64(io, &t->checked_ns);
    }
    return snapshot_unstage(io, sp, s);
}

struct sp804 *sp804_create(const char *name, uint64_t base, struct irq_line irq,
                           struct vclock *clock, struct trace *trace)
{
    struct sp804 *sp = calloc(1, sizeof(*sp));
    if (!sp)
        return NULL;
    sp->dev.name = name;
    sp->dev.type = "sp804";
    sp->dev.base = base;
    sp->dev.size = 0x1000;
    sp->dev.ops = &sp804_mmio_ops;
    sp->dev.reset = sp804_reset;
    sp->dev.dump = sp804_dump;
    sp->dev.destroy = sp804_destroy;
    sp->dev.snapshot = sp804_snapshot;
    sp->dev.trace = trace;
    sp->dev.clock = clock;
    sp->irq = irq;
    for (unsigned i = 0; i < 2; i++) {
        sp->timer[i].parent = sp;
        sp->timer[i].index = i;
        clock_event_init(&sp->timer[i].expiry, name, timer_expired, &sp->timer[i]);
    }
    sp804_reset(&sp->dev);
    return sp;
}
