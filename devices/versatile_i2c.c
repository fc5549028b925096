/*
 * Versatile SBCon serial bus controller (ARM DUI 0224 "RealView Platform
 * Baseboard / Versatile AB user guide", "Serial bus interface").
 *
 * MMIO: 4 KiB at 0x10002000 on Versatile PB. No interrupt.
 *   +0x000 read  SB_CONTROL:  bit 0 SCL, bit 1 SDA as seen on the wires
 *   +0x000 write SB_CONTROLS: set the bits written (release the line)
 *   +0x004 write SB_CONTROLC: clear the bits written (pull the line low)
 * Linux drives it with i2c-algo-bit (drivers/i2c/busses/i2c-versatile.c).
 * On the bus: a DS1338 RTC at address 0x68, as on the real board.
 */
#include "devices/versatile_i2c.h"

#include <stdlib.h>

#include "devices/machine_snapshot.h"

#define SB_CONTROL  0x000
#define SB_CONTROLS 0x000
#define SB_CONTROLC 0x004
#define SB_SCL (1u << 0)
#define SB_SDA (1u << 1)

static void versatile_i2c_drive(struct versatile_i2c *i2c)
{
    i2c_bitbang_set(&i2c->bus, i2c->out & SB_SCL, i2c->out & SB_SDA);
}

static uint32_t versatile_i2c_read(void *opaque, uint32_t offset, unsigned size)
{
    struct versatile_i2c *i2c = opaque;
    uint32_t value = 0;
    if (offset == SB_CONTROL) {
        value = (i2c->out & SB_SCL) | (i2c_bitbang_sda(&i2c->bus) ? SB_SDA : 0);
    } else {
        device_guest_error(&i2c->dev, "read of unknown register +0x%03x", offset);
    }
    device_trace_access(&i2c->dev, "read", offset, "SB_CONTROL", value, size);
    return value;
}

static void versatile_i2c_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct versatile_i2c *i2c = opaque;
    switch (offset) {
    case SB_CONTROLS:
        device_trace_access(&i2c->dev, "write", offset, "SB_CONTROLS", value, size);
        i2c->out |= value & (SB_SCL | SB_SDA);
        versatile_i2c_drive(i2c);
        break;
    case SB_CONTROLC:
        device_trace_access(&i2c->dev, "write", offset, "SB_CONTROLC", value, size);
        i2c->out &= ~(value & (SB_SCL | SB_SDA));
        versatile_i2c_drive(i2c);
        break;
    default:
        device_guest_error(&i2c->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        break;
    }
}

static const struct mmio_ops versatile_i2c_ops = {
    .read = versatile_i2c_read,
    .write = versatile_i2c_write,
};

static void versatile_i2c_reset(struct device *dev)
{
    struct versatile_i2c *i2c = (struct versatile_i2c *)dev;
    i2c->out = SB_SCL | SB_SDA;
    i2c_bitbang_init(&i2c->bus, &i2c->rtc.target);
}

static void versatile_i2c_dump(struct device *dev, FILE *out)
{
    struct versatile_i2c *i2c = (struct versatile_i2c *)dev;
    fprintf(out, "  SB_CONTROL  SCL=%u SDA=%u (controller drives SDA=%u, target %u)\n",
            i2c->out & SB_SCL ? 1 : 0, i2c_bitbang_sda(&i2c->bus) ? 1 : 0,
            i2c->bus.sda_controller ? 1 : 0, i2c->bus.sda_target ? 1 : 0);
    fprintf(out, "  ds1338@0x%02x pointer 0x%02x offset %+lld s\n", DS1338_ADDRESS,
            i2c->rtc.pointer, (long long)i2c->rtc.offset_s);
}

static void versatile_i2c_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: the lines as driven, the bus state and the DS1338 behind it. */
static int versatile_i2c_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct versatile_i2c *i2c = (struct versatile_i2c *)dev;
    struct versatile_i2c *s = snapshot_stage(io, i2c, sizeof(*i2c));
    if (!s)
        return -1;
    snap_u32_max(io, "SCL/SDA lines", &s->out, 3);
    i2c_bitbang_snapshot(&i2c->bus, io);
    ds1338_snapshot(&i2c->rtc, io);
    return snapshot_unstage(io, i2c, s);
}

struct versatile_i2c *versatile_i2c_create(const char *name, uint64_t base,
                                           struct vclock *clock, struct trace *trace,
                                           uint64_t rtc_base_unix_seconds)
{
    struct versatile_i2c *i2c = calloc(1, sizeof(*i2c));
    if (!i2c)
        return NULL;
    i2c->dev.name = name;
    i2c->dev.type = "versatile-i2c";
    i2c->dev.base = base;
    i2c->dev.size = 0x1000;
    i2c->dev.ops = &versatile_i2c_ops;
    i2c->dev.reset = versatile_i2c_reset;
    i2c->dev.dump = versatile_i2c_dump;
    i2c->dev.destroy = versatile_i2c_destroy;
    i2c->dev.snapshot = versatile_i2c_snapshot;
    i2c->dev.trace = trace;
    i2c->dev.clock = clock;
    ds1338_init(&i2c->rtc, clock, rtc_base_unix_seconds);
    versatile_i2c_reset(&i2c->dev);
    return i2c;
}
