/*
 * Cortex-A9 MPCore private timer and watchdog (Cortex-A9 MPCore TRM, ARM
 * DDI 0407, 4.1 "About the private timer and watchdog blocks", 4.2-4.3
 * register descriptions).
 *
 * MMIO: 256 bytes at PERIPHBASE+0x600: timer at +0x00, watchdog at +0x20.
 * Each CPU has its own pair behind the same addresses (banked by the
 * accessing CPU). Outputs per CPU: the timer on PPI 13 (ID 29), the
 * watchdog on PPI 14 (ID 30), each high while its event flag is set and
 * its IRQ enable bit is on.
 *
 * Both are 32-bit down-counters clocked by PERIPHCLK (ARM_MPTIMER_TICK_NS)
 * through an 8-bit prescaler (tick = (prescaler + 1) periods). Counting
 * from C, the counter reaches zero after C ticks and sets the event flag;
 * with auto-reload it reloads the Load value on the following tick, so the
 * period is Load + 1 ticks, otherwise it stays at zero. Writing Load also
 * writes the counter. Time is virtual and the counter is computed when
 * read, as in sp804.c; an event is armed for the next zero only while that
 * zero would raise the interrupt.
 *
 * Watchdog mode (Watchdog Control bit 3, cleared only by writing
 * 0x12345678 then 0x87654321 to Watchdog Disable): reaching zero sets the
 * reset flag and would reset the processor; the reset is not modelled,
 * only logged (trace class unimp).
 */
#include "devices/arm_mptimer.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM Table 4-1), from PERIPHBASE+0x600. */
#define TIMER_LOAD      0x00
#define TIMER_COUNTER   0x04
#define TIMER_CONTROL   0x08
#define TIMER_ISR       0x0c
#define WDT_LOAD        0x20
#define WDT_COUNTER     0x24
#define WDT_CONTROL     0x28
#define WDT_ISR         0x2c
#define WDT_RESET_STATUS 0x30
#define WDT_DISABLE     0x34   /* WO */

/* Control registers. */
#define CTRL_ENABLE       (1u << 0)
#define CTRL_AUTO_RELOAD  (1u << 1)
#define CTRL_IRQ_ENABLE   (1u << 2)
#define CTRL_WD_MODE      (1u << 3)     /* watchdog only */
#define CTRL_PRESCALER_SHIFT 8
#define CTRL_PRESCALER_MASK (0xffu << CTRL_PRESCALER_SHIFT)
#define TIMER_CTRL_MASK   (CTRL_PRESCALER_MASK | 0x7u)
#define WDT_CTRL_MASK     (CTRL_PRESCALER_MASK | 0xfu)

#define ISR_EVENT         1u
#define RESET_FLAG        1u

/* Watchdog Disable sequence. */
#define WDT_DISABLE_KEY1  0x12345678u
#define WDT_DISABLE_KEY2  0x87654321u

static const char *arm_mptimer_reg_name(uint32_t offset)
{
    switch (offset) {
    case TIMER_LOAD: return "TIMER_LOAD";
    case TIMER_COUNTER: return "TIMER_COUNTER";
    case TIMER_CONTROL: return "TIMER_CONTROL";
    case TIMER_ISR: return "TIMER_ISR";
    case WDT_LOAD: return "WDT_LOAD";
    case WDT_COUNTER: return "WDT_COUNTER";
    case WDT_CONTROL: return "WDT_CONTROL";
    case WDT_ISR: return "WDT_ISR";
    case WDT_RESET_STATUS: return "WDT_RESET_STATUS";
    case WDT_DISABLE: return "WDT_DISABLE";
    default: return NULL;
    }
}

static struct vclock *block_clock(const struct arm_mptimer_block *b)
{
    return b->parent->dev.clock;
}

static bool block_enabled(const struct arm_mptimer_block *b)
{
    return b->control & CTRL_ENABLE;
}

static bool block_wd_mode(const struct arm_mptimer_block *b)
{
    return b->watchdog && (b->control & CTRL_WD_MODE);
}

static uint64_t block_tick_ns(const struct arm_mptimer_block *b)
{
    uint32_t prescaler = (b->control & CTRL_PRESCALER_MASK) >> CTRL_PRESCALER_SHIFT;
    return (uint64_t)ARM_MPTIMER_TICK_NS * (prescaler + 1);
}

static uint64_t block_ticks_at(const struct arm_mptimer_block *b, uint64_t time_ns)
{
    return time_ns > b->start_ns ? (time_ns - b->start_ns) / block_tick_ns(b) : 0;
}

/* Counter after `ticks` ticks of counting from `count` (see the top comment). */
static uint32_t block_value_at(const struct arm_mptimer_block *b, uint64_t ticks)
{
    uint64_t count = b->count;
    if (ticks <= count)
        return (uint32_t)(count - ticks);
    if (!(b->control & CTRL_AUTO_RELOAD))
        return 0;
    uint64_t period = (uint64_t)b->load + 1;
    return (uint32_t)(b->load - (ticks - count - 1) % period);
}

static uint32_t block_value(const struct arm_mptimer_block *b)
{
    if (!block_enabled(b))
        return b->count;
    return block_value_at(b, block_ticks_at(b, vclock_now_ns(block_clock(b))));
}

/*
 * Virtual time of the first zero strictly after time_ns; false if none.
 * Zeros are reached by decrementing: at tick `count` (if non-zero), then
 * every Load + 1 ticks with auto-reload.
 */
static bool block_next_zero_ns(const struct arm_mptimer_block *b, uint64_t time_ns,
                               uint64_t *zero_ns)
{
    if (!block_enabled(b))
        return false;
    bool reload = b->control & CTRL_AUTO_RELOAD;
    uint64_t period = (uint64_t)b->load + 1;
    uint64_t next;
    if (b->count > 0)
        next = b->count;
    else if (reload)
        next = period;
    else
        return false;
    uint64_t ticks = block_ticks_at(b, time_ns);
    if (ticks >= next) {
        if (!reload)
            return false;
        next += ((ticks - next) / period + 1) * period;
    }
    *zero_ns = b->start_ns + next * block_tick_ns(b);
    return true;
}

/* Recomputes this block's interrupt output; the only place it changes. */
static void block_update_irq(struct arm_mptimer_block *b)
{
    int level = (b->status & ISR_EVENT) && (b->control & CTRL_IRQ_ENABLE);
    if (level == b->irq_level)
        return;
    b->irq_level = level;
    trace_printf(b->parent->dev.trace, TRACE_IRQ, "%s: CPU%u %s interrupt %d",
                 b->parent->dev.name, b->cpu, b->watchdog ? "watchdog" : "timer", level);
    irq_set(&b->irq, level);
}

static void block_zero_reached(struct arm_mptimer_block *b)
{
    if (block_wd_mode(b)) {
        if (!b->reset_status)
            trace_printf(b->parent->dev.trace, TRACE_UNIMP,
                         "%s: CPU%u watchdog expired: processor reset not modelled",
                         b->parent->dev.name, b->cpu);
        b->reset_status = RESET_FLAG;
    } else {
        b->status = ISR_EVENT;
    }
}

/* Brings the event flag up to date with the zeros passed since checked_ns. */
static void block_catch_up(struct arm_mptimer_block *b)
{
    uint64_t now = vclock_now_ns(block_clock(b));
    uint64_t zero_ns;
    if (block_next_zero_ns(b, b->checked_ns, &zero_ns) && zero_ns <= now)
        block_zero_reached(b);
    b->checked_ns = now;
}

/* Arms the event for the next zero if it would change anything visible. */
static void block_schedule(struct arm_mptimer_block *b)
{
    struct vclock *clock = block_clock(b);
    uint64_t zero_ns;
    vclock_cancel(clock, &b->expiry);
    bool wanted = block_wd_mode(b) ? !b->reset_status
                                   : !b->status && (b->control & CTRL_IRQ_ENABLE);
    if (wanted && block_next_zero_ns(b, vclock_now_ns(clock), &zero_ns))
        vclock_arm_ns(clock, &b->expiry, zero_ns);
}

static void block_expired(void *opaque)
{
    struct arm_mptimer_block *b = opaque;
    b->checked_ns = vclock_now_ns(block_clock(b));
    block_zero_reached(b);
    block_update_irq(b);
    block_schedule(b);
}

/* Folds the elapsed ticks into count/start_ns (start_ns stays on a tick). */
static void block_snapshot(struct arm_mptimer_block *b)
{
    if (!block_enabled(b))
        return;
    uint64_t ticks = block_ticks_at(b, vclock_now_ns(block_clock(b)));
    b->count = block_value_at(b, ticks);
    b->start_ns += ticks * block_tick_ns(b);
}

static void block_restart(struct arm_mptimer_block *b, uint32_t count)
{
    b->count = count;
    b->start_ns = vclock_now_ns(block_clock(b));
}

/* reg: offset within the block (0x00-0x1f). */
static uint32_t block_read(struct arm_mptimer_block *b, uint32_t reg)
{
    block_catch_up(b);
    block_update_irq(b);
    switch (reg) {
    case TIMER_LOAD:
        return b->load;
    case TIMER_COUNTER:
        return block_value(b);
    case TIMER_CONTROL:
        return b->control;
    case TIMER_ISR:
        return b->status;
    case WDT_RESET_STATUS - WDT_LOAD:
        if (b->watchdog)
            return b->reset_status;
        break;
    case WDT_DISABLE - WDT_LOAD:
        if (b->watchdog) {
            device_guest_error(&b->parent->dev, "read of write-only Watchdog Disable");
            return 0;
        }
        break;
    default:
        break;
    }
    device_guest_error(&b->parent->dev, "CPU%u read of unknown register +0x%02x", b->cpu,
                       (b->watchdog ? WDT_LOAD : 0) + reg);
    return 0;
}

static void block_write(struct arm_mptimer_block *b, uint32_t reg, uint32_t value)
{
    block_catch_up(b);
    if (b->watchdog && reg != WDT_DISABLE - WDT_LOAD)
        b->disable_step = 0;
    switch (reg) {
    case TIMER_LOAD:
        b->load = value;
        block_restart(b, value);
        break;
    case TIMER_COUNTER:
        block_restart(b, value);
        break;
    case TIMER_CONTROL: {
        bool was_enabled = block_enabled(b);
        uint32_t old = b->control;
        uint32_t mask = b->watchdog ? WDT_CTRL_MASK : TIMER_CTRL_MASK;
        block_snapshot(b);
        /* Watchdog mode, once set, only leaves through Watchdog Disable. */
        b->control = (value & mask) | (old & CTRL_WD_MODE & mask);
        if (block_enabled(b) && (!was_enabled || ((old ^ b->control) & CTRL_PRESCALER_MASK)))
            block_restart(b, b->count);
        break;
    }
    case TIMER_ISR:
        b->status &= ~(value & ISR_EVENT);
        break;
    case WDT_RESET_STATUS - WDT_LOAD:
        if (!b->watchdog)
            goto unknown;
        b->reset_status &= ~(value & RESET_FLAG);
        break;
    case WDT_DISABLE - WDT_LOAD:
        if (!b->watchdog)
            goto unknown;
        if (value == WDT_DISABLE_KEY1) {
            b->disable_step = 1;
        } else if (value == WDT_DISABLE_KEY2 && b->disable_step == 1) {
            b->control &= ~CTRL_WD_MODE;
            b->disable_step = 0;
        } else {
            b->disable_step = 0;
        }
        break;
    default:
        goto unknown;
    }
    block_update_irq(b);
    block_schedule(b);
    return;
unknown:
    device_guest_error(&b->parent->dev, "CPU%u write 0x%x to unknown register +0x%02x", b->cpu,
                       value, (b->watchdog ? WDT_LOAD : 0) + reg);
}

static struct arm_mptimer_block *arm_mptimer_block(struct arm_mptimer *mpt, unsigned cpu,
                                                   uint32_t offset)
{
    if (cpu >= mpt->num_cpus)
        cpu = 0;
    if (offset < WDT_LOAD)
        return &mpt->timer[cpu];
    if (offset < 0x40)
        return &mpt->wdt[cpu];
    return NULL;
}

uint32_t arm_mptimer_read(struct arm_mptimer *mpt, unsigned cpu, uint32_t offset)
{
    struct arm_mptimer_block *b = arm_mptimer_block(mpt, cpu, offset);
    if (!b || (offset & 3)) {
        device_guest_error(&mpt->dev, "read of unknown register +0x%02x", offset);
        return 0;
    }
    return block_read(b, offset & 0x1f);
}

void arm_mptimer_write(struct arm_mptimer *mpt, unsigned cpu, uint32_t offset, uint32_t value)
{
    struct arm_mptimer_block *b = arm_mptimer_block(mpt, cpu, offset);
    if (!b || (offset & 3)) {
        device_guest_error(&mpt->dev, "write 0x%x to unknown register +0x%02x", value, offset);
        return;
    }
    block_write(b, offset & 0x1f, value);
}

static uint32_t arm_mptimer_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct arm_mptimer *mpt = opaque;
    uint32_t value = arm_mptimer_read(mpt, cpu_selector_current(&mpt->cpu_sel), offset & ~3u);
    if (size < 4)
        value = (value >> ((offset & 3) * 8)) & ((1u << (size * 8)) - 1);
    device_trace_access(&mpt->dev, "read", offset, arm_mptimer_reg_name(offset), value, size);
    return value;
}

static void arm_mptimer_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct arm_mptimer *mpt = opaque;
    device_trace_access(&mpt->dev, "write", offset, arm_mptimer_reg_name(offset), value, size);
    if (size != 4 || (offset & 3)) {
        device_guest_error(&mpt->dev, "%u-byte write at +0x%02x (word access only)", size,
                           offset);
        return;
    }
    arm_mptimer_write(mpt, cpu_selector_current(&mpt->cpu_sel), offset, value);
}

static const struct mmio_ops arm_mptimer_mmio_ops = {
    .read = arm_mptimer_mmio_read,
    .write = arm_mptimer_mmio_write,
};

/* TRM reset values: everything 0, timers stopped, no flags. */
static void arm_mptimer_reset(struct device *dev)
{
    struct arm_mptimer *mpt = (struct arm_mptimer *)dev;
    for (unsigned cpu = 0; cpu < ARM_MPTIMER_MAX_CPUS; cpu++) {
        struct arm_mptimer_block *blocks[2] = { &mpt->timer[cpu], &mpt->wdt[cpu] };
        for (unsigned i = 0; i < 2; i++) {
            struct arm_mptimer_block *b = blocks[i];
            vclock_cancel(dev->clock, &b->expiry);
            b->load = 0;
            b->control = 0;
            b->status = 0;
            b->reset_status = 0;
            b->disable_step = 0;
            b->count = 0;
            b->start_ns = vclock_now_ns(dev->clock);
            b->checked_ns = b->start_ns;
            block_update_irq(b);
        }
    }
}

static void arm_mptimer_dump_block(const struct arm_mptimer_block *b, FILE *out)
{
    fprintf(out, "  CPU%u %-8s Load 0x%08x Counter 0x%08x Control 0x%04x (%s, %s, irq %s, "
            "prescaler %u%s) ISR %u", b->cpu, b->watchdog ? "watchdog" : "timer", b->load,
            block_value(b), b->control, block_enabled(b) ? "enabled" : "stopped",
            (b->control & CTRL_AUTO_RELOAD) ? "auto-reload" : "one-shot",
            (b->control & CTRL_IRQ_ENABLE) ? "on" : "off",
            (b->control & CTRL_PRESCALER_MASK) >> CTRL_PRESCALER_SHIFT,
            block_wd_mode(b) ? ", watchdog mode" : "", b->status);
    if (b->watchdog)
        fprintf(out, " ResetStatus %u", b->reset_status);
    fprintf(out, " -> PPI %d\n", b->irq_level);
    if (clock_event_armed(&b->expiry))
        fprintf(out, "           next zero at %llu ns\n",
                (unsigned long long)(b->expiry.deadline_ps / 1000));
}

static void arm_mptimer_dump(struct device *dev, FILE *out)
{
    struct arm_mptimer *mpt = (struct arm_mptimer *)dev;
    fprintf(out, "%s (arm-mptimer) @ 0x%08llx: %u CPU%s, %u ns per PERIPHCLK\n", dev->name,
            (unsigned long long)dev->base, mpt->num_cpus, mpt->num_cpus == 1 ? "" : "s",
            ARM_MPTIMER_TICK_NS);
    for (unsigned cpu = 0; cpu < mpt->num_cpus; cpu++) {
        arm_mptimer_dump_block(&mpt->timer[cpu], out);
        arm_mptimer_dump_block(&mpt->wdt[cpu], out);
    }
}

static void arm_mptimer_destroy(struct device *dev)
{
    struct arm_mptimer *mpt = (struct arm_mptimer *)dev;
    for (unsigned cpu = 0; cpu < ARM_MPTIMER_MAX_CPUS; cpu++) {
        vclock_cancel(dev->clock, &mpt->timer[cpu].expiry);
        vclock_cancel(dev->clock, &mpt->wdt[cpu].expiry);
    }
    free(mpt);
}

/* savevm/loadvm: each CPU's timer and watchdog, with their expiry events. */
static void mptimer_block_fields(struct snapshot_io *io, struct arm_mptimer_block *b)
{
    snap_level(io, "interrupt output", &b->irq_level);
    snap_event(io, &b->expiry);
    uint32_t *regs[] = { &b->load, &b->control, &b->status, &b->reset_status,
                         &b->disable_step, &b->count };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u64(io, &b->start_ns);
    snap_u64(io, &b->checked_ns);
}

static int arm_mptimer_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct arm_mptimer *mpt = (struct arm_mptimer *)dev;
    struct arm_mptimer *s = snapshot_stage(io, mpt, sizeof(*mpt));
    if (!s)
        return -1;
    for (unsigned n = 0; n < s->num_cpus; n++) {
        mptimer_block_fields(io, &s->timer[n]);
        mptimer_block_fields(io, &s->wdt[n]);
    }
    return snapshot_unstage(io, mpt, s);
}

struct arm_mptimer *arm_mptimer_create(const char *name, uint64_t base, unsigned num_cpus,
                                       const struct irq_line timer_irq[],
                                       const struct irq_line wdt_irq[],
                                       struct cpu_selector cpu_sel, struct vclock *clock,
                                       struct trace *trace)
{
    if (num_cpus == 0 || num_cpus > ARM_MPTIMER_MAX_CPUS)
        return NULL;
    struct arm_mptimer *mpt = calloc(1, sizeof(*mpt));
    if (!mpt)
        return NULL;
    mpt->dev.name = name;
    mpt->dev.type = "arm-mptimer";
    mpt->dev.base = base;
    mpt->dev.size = ARM_MPTIMER_SIZE;
    mpt->dev.ops = &arm_mptimer_mmio_ops;
    mpt->dev.reset = arm_mptimer_reset;
    mpt->dev.dump = arm_mptimer_dump;
    mpt->dev.destroy = arm_mptimer_destroy;
    mpt->dev.snapshot = arm_mptimer_snapshot;
    mpt->dev.trace = trace;
    mpt->dev.clock = clock;
    mpt->num_cpus = num_cpus;
    mpt->cpu_sel = cpu_sel;
    for (unsigned cpu = 0; cpu < ARM_MPTIMER_MAX_CPUS; cpu++) {
        struct arm_mptimer_block *t = &mpt->timer[cpu], *w = &mpt->wdt[cpu];
        t->parent = w->parent = mpt;
        t->cpu = w->cpu = cpu;
        w->watchdog = true;
        if (cpu < num_cpus) {
            t->irq = timer_irq[cpu];
            w->irq = wdt_irq[cpu];
        }
        clock_event_init(&t->expiry, name, block_expired, t);
        clock_event_init(&w->expiry, name, block_expired, w);
    }
    arm_mptimer_reset(&mpt->dev);
    return mpt;
}
