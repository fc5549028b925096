/*
 * DS1338 RTC (Maxim DS1338 data sheet, "Timekeeper Registers", Table 2).
 *
 * Registers 0x00-0x06 hold seconds, minutes, hours, day of week, date,
 * month and year in BCD; 0x07 is the control register; 0x08-0x3f are RAM.
 * The first byte written after the address sets the register pointer, and
 * the pointer auto-increments (wrapping 0x3f -> 0x00). As on the chip, the
 * time is copied to the user registers when a transfer starts, so a
 * multi-byte read is consistent.
 *
 * Time is base + virtual time: with a fixed base the RTC is reproducible.
 * Not modelled: the square-wave output, the oscillator-stop flag (reads 0),
 * the clock-halt bit (accepted, the clock keeps running).
 */
#include "devices/ds1338.h"

#include <string.h>
#include <time.h>

#include "base/snapshot.h"

#define REG_SECONDS 0x00
#define REG_HOURS 0x02
#define REG_YEAR 0x06
#define REG_CONTROL 0x07
#define HOURS_12H (1u << 6)
#define HOURS_PM (1u << 5)

static uint8_t to_bcd(unsigned value)
{
    return (uint8_t)((value / 10) << 4 | (value % 10));
}

static unsigned from_bcd(uint8_t value)
{
    return (value >> 4) * 10 + (value & 0xf);
}

static int64_t ds1338_now(const struct ds1338 *rtc)
{
    return (int64_t)rtc->base_s + (int64_t)(vclock_now_ns(rtc->clock) / 1000000000ull) +
           rtc->offset_s;
}

/* Copies the current time into registers 0-6 (data sheet: "on START"). */
static void ds1338_latch(struct ds1338 *rtc)
{
    time_t now = (time_t)ds1338_now(rtc);
    struct tm tm;
    gmtime_r(&now, &tm);
    rtc->reg[0] = to_bcd((unsigned)tm.tm_sec);
    rtc->reg[1] = to_bcd((unsigned)tm.tm_min);
    if (rtc->hours_mode & HOURS_12H) {
        unsigned hour12 = tm.tm_hour % 12 ? (unsigned)tm.tm_hour % 12 : 12;
        rtc->reg[2] = HOURS_12H | (tm.tm_hour >= 12 ? HOURS_PM : 0) | to_bcd(hour12);
    } else {
        rtc->reg[2] = to_bcd((unsigned)tm.tm_hour);
    }
    rtc->reg[3] = (uint8_t)(tm.tm_wday + 1);
    rtc->reg[4] = to_bcd((unsigned)tm.tm_mday);
    rtc->reg[5] = to_bcd((unsigned)tm.tm_mon + 1);
    rtc->reg[6] = to_bcd((unsigned)(tm.tm_year % 100));
}

/* The guest wrote time registers: the clock now runs from that time. */
static void ds1338_commit_time(struct ds1338 *rtc)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_sec = (int)from_bcd(rtc->reg[0] & 0x7f);
    tm.tm_min = (int)from_bcd(rtc->reg[1] & 0x7f);
    uint8_t hours = rtc->reg[2];
    rtc->hours_mode = hours & HOURS_12H;
    if (hours & HOURS_12H) {
        int hour12 = (int)from_bcd(hours & 0x1f) % 12;
        tm.tm_hour = hour12 + ((hours & HOURS_PM) ? 12 : 0);
    } else {
        tm.tm_hour = (int)from_bcd(hours & 0x3f);
    }
    tm.tm_mday = (int)from_bcd(rtc->reg[4] & 0x3f);
    tm.tm_mon = (int)from_bcd(rtc->reg[5] & 0x1f) - 1;
    tm.tm_year = (int)from_bcd(rtc->reg[6]) + 100;  /* 2000-2099 */
    int64_t wanted = (int64_t)timegm(&tm);
    rtc->offset_s += wanted - ds1338_now(rtc);
}

static void ds1338_start(void *opaque, bool read)
{
    struct ds1338 *rtc = opaque;
    ds1338_latch(rtc);
    rtc->pointer_set = read;  /* a read continues from the current pointer */
    rtc->time_written = false;
}

static int ds1338_write(void *opaque, uint8_t byte)
{
    struct ds1338 *rtc = opaque;
    if (!rtc->pointer_set) {
        rtc->pointer = byte & (DS1338_REGS - 1);
        rtc->pointer_set = true;
        return 0;
    }
    if (rtc->pointer <= REG_YEAR)
        rtc->time_written = true;
    rtc->reg[rtc->pointer] = byte;
    rtc->pointer = (rtc->pointer + 1) & (DS1338_REGS - 1);
    return 0;
}

static uint8_t ds1338_read(void *opaque)
{
    struct ds1338 *rtc = opaque;
    uint8_t value = rtc->reg[rtc->pointer];
    rtc->pointer = (rtc->pointer + 1) & (DS1338_REGS - 1);
    return value;
}

static void ds1338_stop(void *opaque)
{
    struct ds1338 *rtc = opaque;
    if (rtc->time_written)
        ds1338_commit_time(rtc);
    rtc->time_written = false;
}

void ds1338_init(struct ds1338 *rtc, struct vclock *clock, uint64_t base_unix_seconds)
{
    memset(rtc, 0, sizeof(*rtc));
    rtc->clock = clock;
    rtc->base_s = base_unix_seconds;
    rtc->target.address = DS1338_ADDRESS;
    rtc->target.start = ds1338_start;
    rtc->target.write = ds1338_write;
    rtc->target.read = ds1338_read;
    rtc->target.stop = ds1338_stop;
    rtc->target.opaque = rtc;
}

int ds1338_snapshot(struct ds1338 *rtc, struct snapshot_io *io)
{
    struct ds1338 *s = snapshot_stage(io, rtc, sizeof(*rtc));
    if (!s)
        return -1;
    uint64_t offset = (uint64_t)s->offset_s;
    snap_u64(io, &offset);
    s->offset_s = (int64_t)offset;
    snap_u64(io, &s->base_s);
    snap_bytes(io, s->reg, DS1338_REGS);
    snap_u8_max(io, "register pointer", &s->pointer, DS1338_REGS - 1);
    snap_bool(io, "pointer set", &s->pointer_set);
    snap_bool(io, "time written", &s->time_written);
    snap_u8(io, &s->hours_mode);
    return snapshot_unstage(io, rtc, s);
}
