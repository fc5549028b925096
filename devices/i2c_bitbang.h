/*
 * An I2C bus driven by bit-banging (the Versatile SBCon "serial bus
 * controller" gives software the SCL and SDA wires directly). The bus turns
 * wire changes into START/STOP/byte events for the one target on it, and
 * drives SDA back for acknowledges and read data, as a real target would.
 * Protocol: NXP UM10204, "I2C-bus specification", sections 3.1.4-3.1.10.
 */
#ifndef DEVICES_I2C_BITBANG_H
#define DEVICES_I2C_BITBANG_H

#include <stdbool.h>
#include <stdint.h>

struct i2c_target {
    uint8_t address;                               /* 7-bit */
    void (*start)(void *opaque, bool read);        /* addressed after START */
    int (*write)(void *opaque, uint8_t byte);      /* 0 = ACK, -1 = NACK */
    uint8_t (*read)(void *opaque);
    void (*stop)(void *opaque);
    void *opaque;
};

enum i2c_state {
    I2C_IDLE,        /* waiting for START */
    I2C_ADDRESS,     /* receiving the address byte */
    I2C_WRITE,       /* receiving a data byte */
    I2C_ACK_OUT,     /* target drives ACK during the 9th clock */
    I2C_READ,        /* target drives a data byte */
    I2C_ACK_IN,      /* controller acknowledges a read byte */
};

struct i2c_bitbang {
    struct i2c_target *target;
    bool scl, sda_controller, sda_target;
    enum i2c_state state;
    bool reading;       /* direction of the current transfer */
    bool ack_next;      /* after ACK_OUT: continue with a read */
    uint8_t shift;
    unsigned bit;
};

void i2c_bitbang_init(struct i2c_bitbang *bus, struct i2c_target *target);
/* The controller sets its two lines (true = released/high). */
void i2c_bitbang_set(struct i2c_bitbang *bus, bool scl, bool sda);
/* SDA as seen on the wire: low if either side pulls it low. */
static inline bool i2c_bitbang_sda(const struct i2c_bitbang *bus)
{
    return bus->sda_controller && bus->sda_target;
}

/*
 * savevm/loadvm of the bus state (not of the target, which its owner
 * saves), inside the owner's section. Returns 0 or -1.
 */
struct snapshot_io;
int i2c_bitbang_snapshot(struct i2c_bitbang *bus, struct snapshot_io *io);

#endif
