/*
 * Bit-banged I2C target side (see devices/i2c_bitbang.h). Data is sampled
 * on the rising edge of SCL and changed while SCL is low; SDA changing while
 * SCL is high is a START (falling) or STOP (rising) condition.
 */
#include "devices/i2c_bitbang.h"

#include <stddef.h>

#include "base/snapshot.h"

void i2c_bitbang_init(struct i2c_bitbang *bus, struct i2c_target *target)
{
    bus->target = target;
    bus->scl = bus->sda_controller = bus->sda_target = true;
    bus->state = I2C_IDLE;
    bus->reading = false;
    bus->ack_next = false;
    bus->shift = 0;
    bus->bit = 0;
}

static void bus_stop(struct i2c_bitbang *bus)
{
    if (bus->state != I2C_IDLE && bus->state != I2C_ADDRESS && bus->target->stop)
        bus->target->stop(bus->target->opaque);
    bus->state = I2C_IDLE;
    bus->sda_target = true;
}

/* A whole byte arrived (address or data): decide whether to acknowledge. */
static void byte_received(struct i2c_bitbang *bus)
{
    struct i2c_target *t = bus->target;
    bool ack;
    if (bus->state == I2C_ADDRESS) {
        ack = (bus->shift >> 1) == t->address;
        if (ack) {
            bus->reading = bus->shift & 1;
            if (t->start)
                t->start(t->opaque, bus->reading);
        }
    } else {
        ack = t->write(t->opaque, bus->shift) == 0;
    }
    if (!ack) {
        bus->state = I2C_IDLE;  /* not for us (or refused): wait for STOP/START */
        return;
    }
    bus->sda_target = false;
    bus->ack_next = bus->reading;
    bus->state = I2C_ACK_OUT;
}

static void load_read_byte(struct i2c_bitbang *bus)
{
    bus->shift = bus->target->read(bus->target->opaque);
    bus->bit = 0;
    bus->sda_target = (bus->shift >> 7) & 1;
    bus->state = I2C_READ;
}

static void scl_rising(struct i2c_bitbang *bus)
{
    switch (bus->state) {
    case I2C_ADDRESS:
    case I2C_WRITE:
        bus->shift = (uint8_t)(bus->shift << 1 | bus->sda_controller);
        bus->bit++;
        break;
    case I2C_READ:
        bus->bit++;
        break;
    case I2C_ACK_IN:
        bus->ack_next = !bus->sda_controller;
        break;
    default:
        break;
    }
}

static void scl_falling(struct i2c_bitbang *bus)
{
    switch (bus->state) {
    case I2C_ADDRESS:
    case I2C_WRITE:
        if (bus->bit == 8)
            byte_received(bus);
        break;
    case I2C_ACK_OUT:
        bus->sda_target = true;
        if (bus->ack_next) {
            load_read_byte(bus);
        } else {
            bus->state = I2C_WRITE;
            bus->shift = 0;
            bus->bit = 0;
        }
        break;
    case I2C_READ:
        if (bus->bit < 8) {
            bus->sda_target = (bus->shift >> (7 - bus->bit)) & 1;
        } else {
            bus->sda_target = true;
            bus->state = I2C_ACK_IN;
        }
        break;
    case I2C_ACK_IN:
        if (bus->ack_next)
            load_read_byte(bus);
        else
            bus->state = I2C_IDLE;  /* NACK: the controller ends with STOP */
        break;
    default:
        break;
    }
}

void i2c_bitbang_set(struct i2c_bitbang *bus, bool scl, bool sda)
{
    bool old_scl = bus->scl, old_sda = bus->sda_controller;
    bus->scl = scl;
    bus->sda_controller = sda;
    if (old_scl && scl && old_sda != sda) {
        if (!sda) {
            /* START (or repeated START) */
            if (bus->state != I2C_IDLE && bus->state != I2C_ADDRESS && bus->target->stop)
                bus->target->stop(bus->target->opaque);
            bus->state = I2C_ADDRESS;
            bus->shift = 0;
            bus->bit = 0;
            bus->sda_target = true;
        } else {
            bus_stop(bus);
        }
        return;
    }
    if (!old_scl && scl)
        scl_rising(bus);
    else if (old_scl && !scl)
        scl_falling(bus);
}

int i2c_bitbang_snapshot(struct i2c_bitbang *bus, struct snapshot_io *io)
{
    struct i2c_bitbang *s = snapshot_stage(io, bus, sizeof(*bus));
    if (!s)
        return -1;
    uint32_t state = s->state;
    snap_bool(io, "SCL", &s->scl);
    snap_bool(io, "controller SDA", &s->sda_controller);
    snap_bool(io, "target SDA", &s->sda_target);
    snap_u32_max(io, "bus state", &state, I2C_ACK_IN);
    snap_bool(io, "reading", &s->reading);
    snap_bool(io, "ack_next", &s->ack_next);
    snap_u8(io, &s->shift);
    snap_u32_max(io, "bit", &s->bit, 9);
    s->state = (enum i2c_state)state;
    return snapshot_unstage(io, bus, s);
}
