/*
 * The bit-banged I2C bus and the DS1338 RTC behind the Versatile SBCon:
 * drive SCL/SDA exactly as Linux's i2c-algo-bit does (UM10204 3.1.4-3.1.10:
 * data changes while SCL is low, START/STOP are SDA edges while SCL is high)
 * and check ACKs, the register pointer and the BCD time (DS1338 Table 2).
 */
#include <check.h>
#include <stdlib.h>

#include "devices/clock.h"
#include "devices/versatile_i2c.h"

#define SB_CONTROLS 0x0
#define SB_CONTROLC 0x4
#define SCL 1u
#define SDA 2u

struct bus_fixture {
    struct vclock clock;
    uint64_t icount;
    struct versatile_i2c *i2c;
};

static void set_line(struct bus_fixture *f, uint32_t line, bool high)
{
    f->i2c->dev.ops->write(f->i2c, high ? SB_CONTROLS : SB_CONTROLC, line, 4);
}

static bool read_sda(struct bus_fixture *f)
{
    return f->i2c->dev.ops->read(f->i2c, 0, 4) & SDA;
}

static void i2c_start(struct bus_fixture *f)
{
    set_line(f, SDA, true);
    set_line(f, SCL, true);
    set_line(f, SDA, false);
    set_line(f, SCL, false);
}

static void i2c_stop(struct bus_fixture *f)
{
    set_line(f, SDA, false);
    set_line(f, SCL, true);
    set_line(f, SDA, true);
}

/* Sends a byte; returns true when the target acknowledged. */
static bool i2c_send(struct bus_fixture *f, uint8_t byte)
{
    for (int bit = 7; bit >= 0; bit--) {
        set_line(f, SDA, (byte >> bit) & 1);
        set_line(f, SCL, true);
        set_line(f, SCL, false);
    }
    set_line(f, SDA, true);     /* release SDA for the ACK */
    set_line(f, SCL, true);
    bool ack = !read_sda(f);
    set_line(f, SCL, false);
    return ack;
}

static uint8_t i2c_receive(struct bus_fixture *f, bool ack)
{
    uint8_t byte = 0;
    set_line(f, SDA, true);
    for (int bit = 0; bit < 8; bit++) {
        set_line(f, SCL, true);
        byte = (uint8_t)(byte << 1 | read_sda(f));
        set_line(f, SCL, false);
    }
    set_line(f, SDA, !ack);
    set_line(f, SCL, true);
    set_line(f, SCL, false);
    set_line(f, SDA, true);
    return byte;
}

/* 2025-01-01 00:00:00 UTC, a Wednesday. */
#define BASE_TIME 1735689600ull

static void fixture_setup(struct bus_fixture *f)
{
    vclock_init(&f->clock, 100);
    f->icount = 0;
    vclock_attach_counter(&f->clock, &f->icount, NULL);
    f->i2c = versatile_i2c_create("i2c", 0x10002000, &f->clock, NULL, BASE_TIME);
    ck_assert_ptr_nonnull(f->i2c);
}

static void read_time(struct bus_fixture *f, uint8_t regs[7])
{
    i2c_start(f);
    ck_assert(i2c_send(f, 0x68 << 1));      /* write */
    ck_assert(i2c_send(f, 0x00));           /* pointer = seconds */
    i2c_start(f);                           /* repeated START */
    ck_assert(i2c_send(f, 0x68 << 1 | 1));  /* read */
    for (int i = 0; i < 7; i++)
        regs[i] = i2c_receive(f, i < 6);
    i2c_stop(f);
}

START_TEST(test_ds1338_reads_base_time_plus_virtual_time)
{
    struct bus_fixture f;
    fixture_setup(&f);
    f.icount = 100000000ull * 75;   /* 75 s at 100 instructions per microsecond */
    uint8_t regs[7];
    read_time(&f, regs);
    ck_assert_uint_eq(regs[0], 0x15);   /* seconds 15, BCD */
    ck_assert_uint_eq(regs[1], 0x01);   /* minutes 1 */
    ck_assert_uint_eq(regs[2], 0x00);   /* hours 0, 24-hour mode */
    ck_assert_uint_eq(regs[3], 4);      /* Wednesday = day 4 (Sunday = 1) */
    ck_assert_uint_eq(regs[4], 0x01);
    ck_assert_uint_eq(regs[5], 0x01);
    ck_assert_uint_eq(regs[6], 0x25);
    f.i2c->dev.destroy(&f.i2c->dev);
}
END_TEST

START_TEST(test_ds1338_set_time_and_nvram)
{
    struct bus_fixture f;
    fixture_setup(&f);
    /* Set 2030-06-15 12:34:56 (a Saturday) and two bytes of NVRAM. */
    static const uint8_t time_regs[7] = { 0x56, 0x34, 0x12, 7, 0x15, 0x06, 0x30 };
    i2c_start(&f);
    ck_assert(i2c_send(&f, 0x68 << 1));
    ck_assert(i2c_send(&f, 0x00));
    for (int i = 0; i < 7; i++)
        ck_assert(i2c_send(&f, time_regs[i]));
    i2c_stop(&f);
    i2c_start(&f);
    ck_assert(i2c_send(&f, 0x68 << 1));
    ck_assert(i2c_send(&f, 0x3e));
    ck_assert(i2c_send(&f, 0xa5));
    ck_assert(i2c_send(&f, 0x5a));
    i2c_stop(&f);

    f.icount += 100000000ull * 4;   /* 4 s later */
    uint8_t regs[7];
    read_time(&f, regs);
    ck_assert_uint_eq(regs[0], 0x00);   /* 56 + 4 = 60 -> 12:35:00 */
    ck_assert_uint_eq(regs[1], 0x35);
    ck_assert_uint_eq(regs[2], 0x12);
    ck_assert_uint_eq(regs[4], 0x15);
    ck_assert_uint_eq(regs[5], 0x06);
    ck_assert_uint_eq(regs[6], 0x30);

    i2c_start(&f);
    ck_assert(i2c_send(&f, 0x68 << 1));
    ck_assert(i2c_send(&f, 0x3e));
    i2c_start(&f);
    ck_assert(i2c_send(&f, 0x68 << 1 | 1));
    ck_assert_uint_eq(i2c_receive(&f, true), 0xa5);
    ck_assert_uint_eq(i2c_receive(&f, true), 0x5a);
    /* The pointer wraps from 0x3f to 0x00 (seconds). */
    ck_assert_uint_eq(i2c_receive(&f, false) & 0x7f, 0x00);
    i2c_stop(&f);
    f.i2c->dev.destroy(&f.i2c->dev);
}
END_TEST

START_TEST(test_i2c_other_address_is_not_acknowledged)
{
    struct bus_fixture f;
    fixture_setup(&f);
    i2c_start(&f);
    ck_assert(!i2c_send(&f, 0x50 << 1));
    i2c_stop(&f);
    /* The bus is usable afterwards. */
    i2c_start(&f);
    ck_assert(i2c_send(&f, 0x68 << 1));
    i2c_stop(&f);
    f.i2c->dev.destroy(&f.i2c->dev);
}
END_TEST

Suite *i2c_suite(void)
{
    Suite *s = suite_create("i2c");
    TCase *tc = tcase_create("ds1338");
    tcase_add_test(tc, test_ds1338_reads_base_time_plus_virtual_time);
    tcase_add_test(tc, test_ds1338_set_time_and_nvram);
    tcase_add_test(tc, test_i2c_other_address_is_not_acknowledged);
    suite_add_tcase(s, tc);
    return s;
}
