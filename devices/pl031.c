/*
 * ARM PrimeCell PL031 Real Time Clock (PL031 TRM, ARM DDI 0224).
 *
 * MMIO: 4 KiB. Output: RTCINTR, the match interrupt (RTCRIS & RTCIMSC).
 *
 * RTCDR counts seconds. It reads start_time (given at creation) plus the
 * whole seconds of virtual time, so a run with a fixed start time is
 * reproducible; writing RTCLR sets the count from now on. When the count
 * becomes equal to RTCMR, RTCRIS is set until RTCICR clears it.
 *
 * The counter runs from creation: RTCCR.RTCStart reads as 1 and writes are
 * ignored (as QEMU). A clock event is armed for the next match only while
 * the interrupt is enabled and clear; otherwise RTCRIS is brought up to
 * date when the guest accesses the RTC, so an idle RTC costs no events.
 *
 * Not modelled: the integration test registers (RTCITCR, RTCITIP, RTCITOP)
 * and the RTCCLK-domain synchronisation delays.
 */
#include "devices/pl031.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM, "Summary of registers"). */
#define RTCDR    0x00  /* RO */
#define RTCMR    0x04
#define RTCLR    0x08
#define RTCCR    0x0c
#define RTCIMSC  0x10
#define RTCRIS   0x14  /* RO */
#define RTCMIS   0x18  /* RO */
#define RTCICR   0x1c  /* WO */

#define CR_START   (1u << 0)
#define INT_MATCH  (1u << 0)

#define NS_PER_SEC 1000000000ull

/* RTCPeriphID0-3 (TRM, "Peripheral identification registers"). */
static const uint8_t pl031_periph_id[4] = { 0x31, 0x10, 0x14, 0x00 };

/* For tracing only. */
static const char *const pl031_reg_names[] = {
    [RTCDR / 4] = "RTCDR",     [RTCMR / 4] = "RTCMR",   [RTCLR / 4] = "RTCLR",
    [RTCCR / 4] = "RTCCR",     [RTCIMSC / 4] = "RTCIMSC", [RTCRIS / 4] = "RTCRIS",
    [RTCMIS / 4] = "RTCMIS",   [RTCICR / 4] = "RTCICR",
};

static const char *pl031_reg_name(uint32_t offset)
{
    if ((offset & 3) || offset / 4 >= sizeof(pl031_reg_names) / sizeof(pl031_reg_names[0]))
        return NULL;
    return pl031_reg_names[offset / 4];
}

static uint64_t pl031_now_ns(const struct pl031 *rtc)
{
    return vclock_now_ns(rtc->dev.clock);
}

static uint32_t pl031_count_at(const struct pl031 *rtc, uint64_t time_ns)
{
    return rtc->tick_offset + (uint32_t)(time_ns / NS_PER_SEC);
}

/* Virtual time of the first second boundary after time_ns where RTCDR == RTCMR. */
static uint64_t pl031_next_match_ns(const struct pl031 *rtc, uint64_t time_ns)
{
    uint64_t next_second = time_ns / NS_PER_SEC + 1;
    uint32_t count_then = rtc->tick_offset + (uint32_t)next_second;
    uint64_t wait = (uint32_t)(rtc->mr - count_then);
    return (next_second + wait) * NS_PER_SEC;
}

/* Recomputes RTCINTR from raw & mask; the only place it changes. */
static void pl031_update_irq(struct pl031 *rtc)
{
    int level = (rtc->ris & rtc->imsc) != 0;
    if (level != rtc->irq_level) {
        rtc->irq_level = level;
        trace_printf(rtc->dev.trace, TRACE_IRQ, "%s: RTCINTR %d", rtc->dev.name, level);
        irq_set(&rtc->irq, level);
    }
}

/* Sets RTCRIS if a match passed since the last look; see the top comment. */
static void pl031_catch_up(struct pl031 *rtc)
{
    uint64_t now = pl031_now_ns(rtc);
    if (!rtc->ris && pl031_next_match_ns(rtc, rtc->checked_ns) <= now)
        rtc->ris = INT_MATCH;
    rtc->checked_ns = now;
}

static void pl031_schedule_match(struct pl031 *rtc)
{
    struct vclock *clock = rtc->dev.clock;
    vclock_cancel(clock, &rtc->match);
    if (rtc->ris || !(rtc->imsc & INT_MATCH))
        return;
    vclock_arm_ns(clock, &rtc->match, pl031_next_match_ns(rtc, pl031_now_ns(rtc)));
}

static void pl031_match_fired(void *opaque)
{
    struct pl031 *rtc = opaque;
    rtc->ris = INT_MATCH;
    rtc->checked_ns = pl031_now_ns(rtc);
    pl031_update_irq(rtc);
}

static uint32_t pl031_read(struct pl031 *rtc, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(pl031_periph_id, offset, &value))
        return value;
    pl031_catch_up(rtc);
    pl031_update_irq(rtc);
    switch (offset) {
    case RTCDR:
        return pl031_count_at(rtc, pl031_now_ns(rtc));
    case RTCMR:
        return rtc->mr;
    case RTCLR:
        return rtc->lr;
    case RTCCR:
        return CR_START;
    case RTCIMSC:
        return rtc->imsc;
    case RTCRIS:
        return rtc->ris;
    case RTCMIS:
        return rtc->ris & rtc->imsc;
    case RTCICR:
        device_guest_error(&rtc->dev, "read of write-only RTCICR");
        return 0;
    default:
        device_guest_error(&rtc->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl031_write(struct pl031 *rtc, uint32_t offset, uint32_t value)
{
    pl031_catch_up(rtc);
    switch (offset) {
    case RTCMR:
        rtc->mr = value;
        break;
    case RTCLR:
        rtc->lr = value;
        rtc->tick_offset = value - (uint32_t)(pl031_now_ns(rtc) / NS_PER_SEC);
        break;
    case RTCCR:
        /* Permanently started; writing 0 cannot stop it (TRM, RTCCR). */
        return;
    case RTCIMSC:
        rtc->imsc = value & INT_MATCH;
        break;
    case RTCICR:
        rtc->ris &= ~(value & INT_MATCH);
        break;
    case RTCDR:
    case RTCRIS:
    case RTCMIS:
        device_guest_error(&rtc->dev, "write 0x%x to read-only register +0x%02x", value,
                           offset);
        return;
    default:
        device_guest_error(&rtc->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl031_schedule_match(rtc);
    pl031_update_irq(rtc);
}

static uint32_t pl031_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl031 *rtc = opaque;
    uint32_t value = pl031_read(rtc, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&rtc->dev, "read", offset, pl031_reg_name(offset), value, size);
    return value;
}

static void pl031_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl031 *rtc = opaque;
    device_trace_access(&rtc->dev, "write", offset, pl031_reg_name(offset), value, size);
    pl031_write(rtc, offset, value);
}

static const struct mmio_ops pl031_mmio_ops = {
    .read = pl031_mmio_read,
    .write = pl031_mmio_write,
};

/* The count follows start_time again (RTCLR forgotten); match and mask clear. */
static void pl031_reset(struct device *dev)
{
    struct pl031 *rtc = (struct pl031 *)dev;
    uint64_t now = pl031_now_ns(rtc);
    vclock_cancel(dev->clock, &rtc->match);
    rtc->tick_offset = rtc->start_time;
    rtc->mr = 0;
    rtc->lr = 0;
    rtc->imsc = 0;
    rtc->ris = 0;
    rtc->checked_ns = now;
    pl031_update_irq(rtc);
}

static void pl031_dump(struct device *dev, FILE *out)
{
    struct pl031 *rtc = (struct pl031 *)dev;
    fprintf(out, "%s (pl031) @ 0x%08llx: RTCINTR %d\n", dev->name,
            (unsigned long long)dev->base, rtc->irq_level);
    fprintf(out, "  RTCDR   0x%08x  RTCMR   0x%08x  RTCLR   0x%08x  RTCCR  0x%08x\n",
            pl031_count_at(rtc, pl031_now_ns(rtc)), rtc->mr, rtc->lr, CR_START);
    fprintf(out, "  RTCIMSC 0x%08x  RTCRIS  0x%08x  RTCMIS  0x%08x\n", rtc->imsc, rtc->ris,
            rtc->ris & rtc->imsc);
}

static void pl031_destroy(struct device *dev)
{
    struct pl031 *rtc = (struct pl031 *)dev;
    vclock_cancel(dev->clock, &rtc->match);
    free(rtc);
}

/* savevm/loadvm: the time offset, match and interrupt registers. */
static int pl031_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl031 *rtc = (struct pl031 *)dev;
    struct pl031 *s = snapshot_stage(io, rtc, sizeof(*rtc));
    if (!s)
        return -1;
    snap_level(io, "RTCINTR", &s->irq_level);
    snap_event(io, &s->match);
    uint32_t *regs[] = { &s->tick_offset, &s->start_time, &s->mr, &s->lr, &s->imsc, &s->ris };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u64(io, &s->checked_ns);
    return snapshot_unstage(io, rtc, s);
}

struct pl031 *pl031_create(const char *name, uint64_t base, struct irq_line irq,
                           uint32_t start_time, struct vclock *clock, struct trace *trace)
{
    struct pl031 *rtc = calloc(1, sizeof(*rtc));
    if (!rtc)
        return NULL;
    rtc->dev.name = name;
    rtc->dev.type = "pl031";
    rtc->dev.base = base;
    rtc->dev.size = 0x1000;
    rtc->dev.ops = &pl031_mmio_ops;
    rtc->dev.reset = pl031_reset;
    rtc->dev.dump = pl031_dump;
    rtc->dev.destroy = pl031_destroy;
    rtc->dev.snapshot = pl031_snapshot;
    rtc->dev.trace = trace;
    rtc->dev.clock = clock;
    rtc->irq = irq;
    rtc->start_time = start_time;
    clock_event_init(&rtc->match, name, pl031_match_fired, rtc);
    pl031_reset(&rtc->dev);
    return rtc;
}
