/*
 * The Versatile "SBCon" two-wire serial bus controller: software drives
 * SCL and SDA directly. On Versatile PB a DS1338 RTC sits on it.
 */
#ifndef DEVICES_VERSATILE_I2C_H
#define DEVICES_VERSATILE_I2C_H

#include "devices/device.h"
#include "devices/ds1338.h"
#include "devices/i2c_bitbang.h"

struct versatile_i2c {
    struct device dev;
    struct i2c_bitbang bus;
    struct ds1338 rtc;
    uint32_t out;   /* lines as the controller drives them: bit 0 SCL, bit 1 SDA */
};

struct versatile_i2c *versatile_i2c_create(const char *name, uint64_t base,
                                           struct vclock *clock, struct trace *trace,
                                           uint64_t rtc_base_unix_seconds);

#endif
