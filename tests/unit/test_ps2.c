/*
 * PS/2 keyboard and mouse (devices/ps2.c) and the PL050 KMI in front of
 * them (devices/pl050.c).
 *
 * ps2_suite talks to the devices byte by byte as Linux's atkbd and
 * psmouse do: keyboard reset (FA AA), get ID (FA AB 83), LEDs, typematic,
 * scan code set, enable/disable, and the set 2 byte sequences of plain,
 * extended (E0) and released (F0) keys, Print Screen and Pause; responses
 * overtaking queued scan codes; buffer overrun. Mouse reset (FA AA 00),
 * the IntelliMouse (200,100,80 -> ID 3) and Explorer (200,200,80 -> ID 4)
 * sample-rate knocks that make Linux report "ImExPS/2", status, 3- and
 * 4-byte packets with signs, wheel and buttons 4/5, splitting of large
 * moves, remote and wrap modes. pl050_suite checks the KMI registers and
 * interrupt as the ambakmi driver uses them. A wrong byte here is a dead
 * keyboard, a mouse that probes as the wrong protocol, or garbled keys.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pl050.h"
#include "devices/ps2.h"

/* Reads every queued byte into out; returns how many. */
static unsigned drain(struct ps2_device *d, uint8_t *out, unsigned max)
{
    unsigned n = 0;
    while (ps2_has_data(d) && n < max)
        out[n++] = ps2_read(d);
    return n;
}

#define EXPECT_BYTES(dev, ...)                                                   \
    do {                                                                         \
        static const uint8_t want_[] = { __VA_ARGS__ };                          \
        uint8_t got_[64];                                                        \
        unsigned n_ = drain((dev), got_, sizeof(got_));                          \
        ck_assert_uint_eq(n_, sizeof(want_));                                    \
        for (unsigned i_ = 0; i_ < n_; i_++)                                     \
            ck_assert_msg(got_[i_] == want_[i_], "byte %u: got 0x%02x, want 0x%02x", \
                          i_, got_[i_], want_[i_]);                              \
    } while (0)

#define EXPECT_EMPTY(dev) ck_assert(!ps2_has_data(dev))

static void send(struct ps2_device *d, const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        ps2_write(d, bytes[i]);
}

#define SEND(dev, ...)                                                           \
    do {                                                                         \
        static const uint8_t b_[] = { __VA_ARGS__ };                             \
        send((dev), b_, sizeof(b_));                                             \
    } while (0)

/* ---- keyboard ---- */

START_TEST(test_kbd_reset_and_id)
{
    struct ps2_keyboard *k = ps2_keyboard_create("kbd", NULL);
    ck_assert_ptr_nonnull(k);
    struct ps2_device *d = &k->port;
    EXPECT_EMPTY(d);
    SEND(d, 0xff);
    EXPECT_BYTES(d, 0xfa, 0xaa);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0xab, 0x83);
    /* atkbd_reset_state: LEDs off, fastest typematic; then enable. */
    SEND(d, 0xed, 0x00);
    EXPECT_BYTES(d, 0xfa, 0xfa);
    SEND(d, 0xf3, 0x00);
    EXPECT_BYTES(d, 0xfa, 0xfa);
    ck_assert_uint_eq(k->typematic, 0);
    SEND(d, 0xf4);
    EXPECT_BYTES(d, 0xfa);
    /* LEDs: Caps + Num. */
    SEND(d, 0xed, 0x06);
    EXPECT_BYTES(d, 0xfa, 0xfa);
    ck_assert_uint_eq(k->leds, 6);
    /* Echo, and an unknown command (EX_ENABLE) is refused. */
    SEND(d, 0xee);
    EXPECT_BYTES(d, 0xee);
    SEND(d, 0xea);
    EXPECT_BYTES(d, 0xfe);
    /* Resend repeats the last byte sent. */
    SEND(d, 0xfe);
    EXPECT_BYTES(d, 0xfe);
    ck_assert_ptr_eq(ps2_as_keyboard(d), k);
    ck_assert_ptr_null(ps2_as_mouse(d));
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_kbd_scan_set)
{
    struct ps2_keyboard *k = ps2_keyboard_create("kbd", NULL);
    struct ps2_device *d = &k->port;
    SEND(d, 0xf0, 0x00);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0x02);
    SEND(d, 0xf0, 0x03);
    EXPECT_BYTES(d, 0xfa, 0xfa);
    SEND(d, 0xf0, 0x00);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0x03);
    SEND(d, 0xf0, 0x02);
    EXPECT_BYTES(d, 0xfa, 0xfa);
    /* A command where a parameter was expected is a new command. */
    SEND(d, 0xed, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xab, 0x83);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_kbd_scancodes)
{
    struct ps2_keyboard *k = ps2_keyboard_create("kbd", NULL);
    struct ps2_device *d = &k->port;
    ps2_keyboard_key(k, PS2_HID_A, true);
    EXPECT_BYTES(d, 0x1c);
    ps2_keyboard_key(k, PS2_HID_A, false);
    EXPECT_BYTES(d, 0xf0, 0x1c);
    ps2_keyboard_key(k, PS2_HID_ENTER, true);
    ps2_keyboard_key(k, PS2_HID_ENTER, false);
    EXPECT_BYTES(d, 0x5a, 0xf0, 0x5a);
    /* Extended keys: E0 prefix, E0 F0 on release. */
    ps2_keyboard_key(k, PS2_HID_RIGHT, true);
    ps2_keyboard_key(k, PS2_HID_RIGHT, false);
    EXPECT_BYTES(d, 0xe0, 0x74, 0xe0, 0xf0, 0x74);
    ps2_keyboard_key(k, PS2_HID_RCTRL, true);
    ps2_keyboard_key(k, PS2_HID_KP_ENTER, true);
    ps2_keyboard_key(k, PS2_HID_KP_ENTER, false);
    ps2_keyboard_key(k, PS2_HID_RCTRL, false);
    EXPECT_BYTES(d, 0xe0, 0x14, 0xe0, 0x5a, 0xe0, 0xf0, 0x5a, 0xe0, 0xf0, 0x14);
    ps2_keyboard_key(k, PS2_HID_LSHIFT, true);
    ps2_keyboard_key(k, PS2_HID_1, true);
    ps2_keyboard_key(k, PS2_HID_1, false);
    ps2_keyboard_key(k, PS2_HID_LSHIFT, false);
    EXPECT_BYTES(d, 0x12, 0x16, 0xf0, 0x16, 0xf0, 0x12);
    ps2_keyboard_key(k, PS2_HID_F1 + 6, true);     /* F7: the one code above 0x7f */
    EXPECT_BYTES(d, 0x83);
    ps2_keyboard_key(k, PS2_HID_PRINTSCREEN, true);
    EXPECT_BYTES(d, 0xe0, 0x12, 0xe0, 0x7c);
    ps2_keyboard_key(k, PS2_HID_PRINTSCREEN, false);
    EXPECT_BYTES(d, 0xe0, 0xf0, 0x7c, 0xe0, 0xf0, 0x12);
    ps2_keyboard_key(k, PS2_HID_PAUSE, true);
    EXPECT_BYTES(d, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77);
    ps2_keyboard_key(k, PS2_HID_PAUSE, false);
    EXPECT_EMPTY(d);
    /* Typematic repeat: pressing a held key sends the make code again. */
    ps2_keyboard_key(k, PS2_HID_A, true);
    ps2_keyboard_key(k, PS2_HID_A, true);
    ps2_keyboard_key(k, PS2_HID_A, false);
    EXPECT_BYTES(d, 0x1c, 0x1c, 0xf0, 0x1c);
    /* A release without a press, a usage with no key, one out of range. */
    ps2_keyboard_key(k, PS2_HID_ESCAPE, false);
    ps2_keyboard_key(k, 0x01, true);
    ps2_keyboard_key(k, 0x1234, true);
    EXPECT_EMPTY(d);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_kbd_disable_and_priority)
{
    struct ps2_keyboard *k = ps2_keyboard_create("kbd", NULL);
    struct ps2_device *d = &k->port;
    SEND(d, 0xf5);
    EXPECT_BYTES(d, 0xfa);
    ps2_keyboard_key(k, PS2_HID_A, true);
    EXPECT_EMPTY(d);
    SEND(d, 0xf4);
    EXPECT_BYTES(d, 0xfa);
    ps2_keyboard_key(k, PS2_HID_A, false);
    EXPECT_BYTES(d, 0xf0, 0x1c);
    /* A command response overtakes scan codes already queued. */
    ps2_keyboard_key(k, PS2_HID_UP, true);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0xab, 0x83, 0xe0, 0x75);
    /* Enable empties the buffer. */
    ps2_keyboard_key(k, PS2_HID_UP, false);
    SEND(d, 0xf4);
    EXPECT_BYTES(d, 0xfa);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_kbd_overrun)
{
    struct ps2_keyboard *k = ps2_keyboard_create("kbd", NULL);
    struct ps2_device *d = &k->port;
    /* 20 one-byte make codes into a 16-byte buffer nobody reads. */
    for (unsigned i = 0; i < 20; i++)
        ps2_keyboard_key(k, PS2_HID_A + i, true);
    uint8_t got[64];
    unsigned n = drain(d, got, sizeof(got));
    ck_assert_uint_eq(n, PS2_KBD_BUFFER);
    ck_assert_uint_eq(got[0], 0x1c);           /* a */
    ck_assert_uint_eq(got[14], 0x44);          /* o, the 15th key */
    ck_assert_uint_eq(got[15], 0x00);          /* the 16th replaced by the overrun code */
    /* Once read, keys flow again. */
    ps2_keyboard_key(k, PS2_HID_A, false);
    EXPECT_BYTES(d, 0xf0, 0x1c);
    ck_assert_uint_ge(d->dropped, 1);
    ps2_device_destroy(d);
}
END_TEST

/* ---- mouse ---- */

/* What psmouse does: reset, then the knock sequences, then enable. */
static void imex_knock(struct ps2_device *d)
{
    SEND(d, 0xf3, 200, 0xf3, 100, 0xf3, 80);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0x03);
    SEND(d, 0xf3, 200, 0xf3, 200, 0xf3, 80);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0x04);
}

START_TEST(test_mouse_reset_and_knocks)
{
    struct ps2_mouse *m = ps2_mouse_create("mouse", NULL);
    ck_assert_ptr_nonnull(m);
    struct ps2_device *d = &m->port;
    SEND(d, 0xff);
    EXPECT_BYTES(d, 0xfa, 0xaa, 0x00);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0x00);
    /* Rates that are not a knock leave the ID alone. */
    SEND(d, 0xf3, 200, 0xf3, 80, 0xf3, 100);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0x00);
    imex_knock(d);
    ck_assert_uint_eq(m->id, PS2_MOUSE_ID_IMEX);
    /* Status: stream mode, disabled, 1:1, resolution 2 (default), rate 80. */
    SEND(d, 0xe9);
    EXPECT_BYTES(d, 0xfa, 0x00, 0x02, 80);
    SEND(d, 0xe8, 0x03, 0xe7, 0xf4);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xfa, 0xfa);
    SEND(d, 0xe9);
    EXPECT_BYTES(d, 0xfa, 0x30, 0x03, 80);
    /* Reset drops back to a standard mouse. */
    SEND(d, 0xff);
    EXPECT_BYTES(d, 0xfa, 0xaa, 0x00);
    SEND(d, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0x00);
    /* Unknown command (TrackPoint read ID) is refused at once. */
    SEND(d, 0xe1);
    EXPECT_BYTES(d, 0xfe);
    ck_assert_ptr_eq(ps2_as_mouse(d), m);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_mouse_packets_standard)
{
    struct ps2_mouse *m = ps2_mouse_create("mouse", NULL);
    struct ps2_device *d = &m->port;
    /* Disabled: nothing is sent, movement is not counted. */
    ps2_mouse_move(m, 5, 5, 0, 0);
    EXPECT_EMPTY(d);
    SEND(d, 0xf4);
    EXPECT_BYTES(d, 0xfa);
    /* Right 10, down 5 (PS/2: y = -5), left button. */
    ps2_mouse_move(m, 10, 5, 0, PS2_MOUSE_LEFT);
    EXPECT_BYTES(d, 0x29, 0x0a, 0xfb);
    /* Left 3, up 7, buttons released: a 3-byte packet, the wheel ignored. */
    ps2_mouse_move(m, -3, -7, 2, 0);
    EXPECT_BYTES(d, 0x18, 0xfd, 0x07);
    /* A button alone makes a packet; right and middle bits. */
    ps2_mouse_move(m, 0, 0, 0, PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE);
    EXPECT_BYTES(d, 0x0e, 0x00, 0x00);
    ps2_mouse_move(m, 0, 0, 0, PS2_MOUSE_RIGHT | PS2_MOUSE_MIDDLE);
    EXPECT_EMPTY(d);
    /* 600 right is split: 255 + 255 + 90. */
    ps2_mouse_move(m, 600, 0, 0, 0);
    EXPECT_BYTES(d, 0x08, 0xff, 0x00, 0x08, 0xff, 0x00, 0x08, 90, 0x00);
    /* 300 left: -255 then -45. */
    ps2_mouse_move(m, -300, 0, 0, 0);
    EXPECT_BYTES(d, 0x18, 0x01, 0x00, 0x18, 0xd3, 0x00);
    /* Disable stops reporting and empties the queue. */
    ps2_mouse_move(m, 1, 0, 0, 0);
    SEND(d, 0xf5);
    EXPECT_BYTES(d, 0xfa);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_mouse_packets_imps_imex)
{
    struct ps2_mouse *m = ps2_mouse_create("mouse", NULL);
    struct ps2_device *d = &m->port;
    SEND(d, 0xf3, 200, 0xf3, 100, 0xf3, 80, 0xf4);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa, 0xfa);
    ck_assert_uint_eq(m->id, PS2_MOUSE_ID_IMPS);
    /* IntelliMouse: 4th byte = wheel, 8-bit signed. */
    ps2_mouse_move(m, 1, 0, -2, 0);
    EXPECT_BYTES(d, 0x08, 0x01, 0x00, 0xfe);
    SEND(d, 0xf5);
    EXPECT_BYTES(d, 0xfa);
    imex_knock(d);
    SEND(d, 0xf4);
    EXPECT_BYTES(d, 0xfa);
    /* Explorer: 4th byte = wheel in bits 3:0, buttons 4 and 5 in bits 4 and 5. */
    ps2_mouse_move(m, 10, 5, 1, PS2_MOUSE_LEFT);
    EXPECT_BYTES(d, 0x29, 0x0a, 0xfb, 0x01);
    ps2_mouse_move(m, 0, 0, -1, PS2_MOUSE_SIDE | PS2_MOUSE_EXTRA);
    EXPECT_BYTES(d, 0x08, 0x00, 0x00, 0x3f);
    /* A big wheel turn is split into -8 steps. */
    ps2_mouse_move(m, 0, 0, -10, 0);
    EXPECT_BYTES(d, 0x08, 0x00, 0x00, 0x08, 0x08, 0x00, 0x00, 0x0e);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_mouse_remote_wrap_scaling)
{
    struct ps2_mouse *m = ps2_mouse_create("mouse", NULL);
    struct ps2_device *d = &m->port;
    SEND(d, 0xf0);
    EXPECT_BYTES(d, 0xfa);
    ps2_mouse_move(m, 4, -4, 0, PS2_MOUSE_LEFT);
    EXPECT_EMPTY(d);                       /* remote mode: only on request */
    SEND(d, 0xeb);
    EXPECT_BYTES(d, 0xfa, 0x09, 0x04, 0x04);
    SEND(d, 0xeb);
    EXPECT_BYTES(d, 0xfa, 0x09, 0x00, 0x00);
    SEND(d, 0xe9);
    EXPECT_BYTES(d, 0xfa, 0x44, 0x02, 100);
    /* Back to stream, 2:1 scaling: 3 -> 3, 5 -> 9, 10 -> 20. */
    SEND(d, 0xea, 0xe7, 0xf4);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0xfa);
    ps2_mouse_move(m, 5, -3, 0, PS2_MOUSE_LEFT);
    EXPECT_BYTES(d, 0x09, 0x09, 0x03);
    ps2_mouse_move(m, 10, 0, 0, PS2_MOUSE_LEFT);
    EXPECT_BYTES(d, 0x09, 0x14, 0x00);
    /* Wrap mode echoes until EC. */
    SEND(d, 0xee);
    EXPECT_BYTES(d, 0xfa);
    SEND(d, 0x12, 0xf2);
    EXPECT_BYTES(d, 0x12, 0xf2);
    SEND(d, 0xec, 0xf2);
    EXPECT_BYTES(d, 0xfa, 0xfa, 0x00);
    ps2_device_destroy(d);
}
END_TEST

START_TEST(test_mouse_backlog)
{
    struct ps2_mouse *m = ps2_mouse_create("mouse", NULL);
    struct ps2_device *d = &m->port;
    SEND(d, 0xf4);
    EXPECT_BYTES(d, 0xfa);
    /* More motion than the queue holds goes out as the host reads. */
    ps2_mouse_move(m, 255 * 200, 0, 0, 0);
    ck_assert_uint_le(d->queue_count, PS2_QUEUE_SIZE);
    unsigned packets = 0;
    long total = 0;
    while (ps2_has_data(d)) {
        uint8_t b0 = ps2_read(d);
        ck_assert_uint_eq(b0 & 0x08, 0x08);
        ck_assert(ps2_has_data(d));
        total += ps2_read(d);
        ck_assert(ps2_has_data(d));
        ck_assert_uint_eq(ps2_read(d), 0);
        packets++;
    }
    ck_assert_uint_eq(packets, 200);
    ck_assert_int_eq(total, 255 * 200);
    ps2_device_destroy(d);
}
END_TEST

Suite *ps2_suite(void)
{
    Suite *s = suite_create("ps2");
    TCase *tc = tcase_create("keyboard");
    tcase_add_test(tc, test_kbd_reset_and_id);
    tcase_add_test(tc, test_kbd_scan_set);
    tcase_add_test(tc, test_kbd_scancodes);
    tcase_add_test(tc, test_kbd_disable_and_priority);
    tcase_add_test(tc, test_kbd_overrun);
    suite_add_tcase(s, tc);
    tc = tcase_create("mouse");
    tcase_add_test(tc, test_mouse_reset_and_knocks);
    tcase_add_test(tc, test_mouse_packets_standard);
    tcase_add_test(tc, test_mouse_packets_imps_imex);
    tcase_add_test(tc, test_mouse_remote_wrap_scaling);
    tcase_add_test(tc, test_mouse_backlog);
    suite_add_tcase(s, tc);
    return s;
}

/* ---- PL050 KMI ---- */

#define KMICR 0x00
#define KMISTAT 0x04
#define KMIDATA 0x08
#define KMICLKDIV 0x0c
#define KMIIR 0x10
#define CR_EN (1u << 2)
#define CR_TXINTREN (1u << 3)
#define CR_RXINTREN (1u << 4)
#define STAT_RXFULL (1u << 4)
#define STAT_TXEMPTY (1u << 6)
#define IR_RXINTR 1u
#define IR_TXINTR 2u

struct kmi_env {
    struct pl050 *kmi;
    int irq_level;
};

static void kmi_irq(void *opaque, unsigned line, int level)
{
    struct kmi_env *e = opaque;
    (void)line;
    e->irq_level = level;
}

static uint32_t kmi_rd(struct kmi_env *e, uint32_t offset)
{
    return e->kmi->dev.ops->read(e->kmi, offset, 4);
}

static void kmi_wr(struct kmi_env *e, uint32_t offset, uint32_t value)
{
    e->kmi->dev.ops->write(e->kmi, offset, value, 4);
}

static void kmi_env_init(struct kmi_env *e, struct ps2_device *port)
{
    e->irq_level = 0;
    e->kmi = pl050_create("kmi0", 0x10006000, irq_line_make(kmi_irq, e, 3), port, NULL);
    ck_assert_ptr_nonnull(e->kmi);
}

/* amba_kmi_write(): wait for TXEMPTY, write KMIDATA. */
static void kmi_send(struct kmi_env *e, uint8_t byte)
{
    ck_assert(kmi_rd(e, KMISTAT) & STAT_TXEMPTY);
    kmi_wr(e, KMIDATA, byte);
}

/* amba_kmi_int(): while KMIIR.RXINTR, read KMIDATA. */
static unsigned kmi_isr(struct kmi_env *e, uint8_t *out, unsigned max)
{
    unsigned n = 0;
    while ((kmi_rd(e, KMIIR) & IR_RXINTR) && n < max)
        out[n++] = (uint8_t)kmi_rd(e, KMIDATA);
    return n;
}

START_TEST(test_kmi_ids_and_registers)
{
    struct kmi_env e;
    kmi_env_init(&e, &ps2_keyboard_create("kbd", NULL)->port);
    static const uint32_t id[8] = { 0x50, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    for (unsigned i = 0; i < 8; i++)
        ck_assert_uint_eq(kmi_rd(&e, 0xfe0 + 4 * i), id[i]);
    ck_assert_uint_eq(kmi_rd(&e, KMICR), 0);
    /* Idle lines high, transmitter empty. */
    ck_assert_uint_eq(kmi_rd(&e, KMISTAT), STAT_TXEMPTY | 3);
    kmi_wr(&e, KMICLKDIV, 2);
    ck_assert_uint_eq(kmi_rd(&e, KMICLKDIV), 2);
    ck_assert_ptr_nonnull(pl050_keyboard(e.kmi));
    ck_assert_ptr_null(pl050_mouse(e.kmi));
    e.kmi->dev.destroy(&e.kmi->dev);
}
END_TEST

START_TEST(test_kmi_keyboard_dialogue)
{
    struct kmi_env e;
    kmi_env_init(&e, &ps2_keyboard_create("kbd", NULL)->port);
    /* amba_kmi_open: CLKDIV, CR = EN, then CR = EN | RXINTREN. */
    kmi_wr(&e, KMICLKDIV, 2);
    kmi_wr(&e, KMICR, CR_EN);
    kmi_wr(&e, KMICR, CR_EN | CR_RXINTREN);
    ck_assert_int_eq(e.irq_level, 0);
    kmi_send(&e, 0xff);
    ck_assert_int_eq(e.irq_level, 1);
    ck_assert(kmi_rd(&e, KMISTAT) & STAT_RXFULL);
    uint8_t got[8];
    ck_assert_uint_eq(kmi_isr(&e, got, sizeof(got)), 2);
    ck_assert_uint_eq(got[0], 0xfa);
    ck_assert_uint_eq(got[1], 0xaa);
    ck_assert_int_eq(e.irq_level, 0);
    ck_assert(!(kmi_rd(&e, KMISTAT) & STAT_RXFULL));
    kmi_send(&e, 0xf2);
    ck_assert_uint_eq(kmi_isr(&e, got, sizeof(got)), 3);
    ck_assert_uint_eq(got[1], 0xab);
    ck_assert_uint_eq(got[2], 0x83);
    /* A key press from the host raises the interrupt. */
    ps2_keyboard_key(pl050_keyboard(e.kmi), PS2_HID_LEFT, true);
    ck_assert_int_eq(e.irq_level, 1);
    ck_assert_uint_eq(kmi_isr(&e, got, sizeof(got)), 2);
    ck_assert_uint_eq(got[0], 0xe0);
    ck_assert_uint_eq(got[1], 0x6b);
    /* RX interrupt masked: the byte waits, the output stays low. */
    kmi_wr(&e, KMICR, CR_EN);
    ps2_keyboard_key(pl050_keyboard(e.kmi), PS2_HID_LEFT, false);
    ck_assert_int_eq(e.irq_level, 0);
    ck_assert_uint_eq(kmi_rd(&e, KMIIR), IR_RXINTR | IR_TXINTR);
    /* The TX interrupt is always pending: enabling it raises the output. */
    kmi_wr(&e, KMICR, CR_EN | CR_TXINTREN);
    ck_assert_int_eq(e.irq_level, 1);
    kmi_wr(&e, KMICR, CR_EN | CR_RXINTREN);
    ck_assert_uint_eq(kmi_isr(&e, got, sizeof(got)), 3);
    ck_assert_uint_eq(got[1], 0xf0);
    e.kmi->dev.destroy(&e.kmi->dev);
}
END_TEST

START_TEST(test_kmi_disabled_and_reset)
{
    struct kmi_env e;
    kmi_env_init(&e, &ps2_mouse_create("mouse", NULL)->port);
    ck_assert_ptr_nonnull(pl050_mouse(e.kmi));
    /* Writes while disabled go nowhere; the device keeps its bytes until enabled. */
    kmi_wr(&e, KMIDATA, 0xff);
    ck_assert(!ps2_has_data(e.kmi->port));
    kmi_wr(&e, KMICR, CR_EN);
    kmi_send(&e, 0xff);
    kmi_wr(&e, KMICR, 0);
    uint8_t first = (uint8_t)kmi_rd(&e, KMIDATA);
    ck_assert_uint_eq(first, 0xfa);
    ck_assert(!(kmi_rd(&e, KMISTAT) & STAT_RXFULL));   /* disabled: no refill */
    kmi_wr(&e, KMICR, CR_EN | CR_RXINTREN);
    ck_assert_int_eq(e.irq_level, 1);
    uint8_t got[8];
    ck_assert_uint_eq(kmi_isr(&e, got, sizeof(got)), 2);
    ck_assert_uint_eq(got[0], 0xaa);
    ck_assert_uint_eq(got[1], 0x00);
    e.kmi->dev.reset(&e.kmi->dev);
    ck_assert_int_eq(e.irq_level, 0);
    ck_assert_uint_eq(kmi_rd(&e, KMICR), 0);
    e.kmi->dev.destroy(&e.kmi->dev);
}
END_TEST

Suite *pl050_suite(void)
{
    Suite *s = suite_create("pl050");
    TCase *tc = tcase_create("kmi");
    tcase_add_test(tc, test_kmi_ids_and_registers);
    tcase_add_test(tc, test_kmi_keyboard_dialogue);
    tcase_add_test(tc, test_kmi_disabled_and_reset);
    suite_add_tcase(s, tc);
    return s;
}
