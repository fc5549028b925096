/*
 * Maxim DS1338 I2C real-time clock with 56 bytes of NVRAM, as on the
 * Versatile boards' SBCon bus at address 0x68.
 */
#ifndef DEVICES_DS1338_H
#define DEVICES_DS1338_H

#include <stdint.h>

#include "devices/clock.h"
#include "devices/i2c_bitbang.h"

#define DS1338_ADDRESS 0x68
#define DS1338_REGS 64

struct ds1338 {
    struct i2c_target target;
    struct vclock *clock;
    int64_t offset_s;           /* wall time = base + virtual seconds + offset */
    uint64_t base_s;            /* Unix time at virtual time 0 */
    uint8_t reg[DS1338_REGS];   /* time registers are a snapshot taken at START */
    uint8_t pointer;
    bool pointer_set;           /* first written byte of a transfer is the pointer */
    bool time_written;
    uint8_t hours_mode;         /* bit 6 of the hours register: 12-hour mode */
};

void ds1338_init(struct ds1338 *rtc, struct vclock *clock, uint64_t base_unix_seconds);

/* savevm/loadvm of the clock, inside its bus owner's section; 0 or -1. */
struct snapshot_io;
int ds1338_snapshot(struct ds1338 *rtc, struct snapshot_io *io);

#endif
