/*
 * The Versatile PB device models, driven through their MMIO ops and a
 * virtual clock the test advances by hand (1 instruction = 1 ns), with no
 * CPU: PL190 VIC (enable/clear, soft interrupts, FIQ select, vectored
 * priorities and the VICVECTADDR acknowledge/end protocol), the SIC
 * (combined output and PICENSET pass-through), SP804 (periodic reload,
 * one-shot, free-running 16-bit wrap, prescale, BGLOAD, interrupt exactly
 * on the expected nanosecond), PL011 (FIFO, FR flags, RX/RT/TX interrupts,
 * output reaching the backend), the system registers (lock, 24 MHz counter
 * against virtual time, reset request) and PL031. A last suite builds the
 * whole board and checks its map and wiring. Timer and interrupt bugs here
 * show up in a guest as a hang at "Calibrating delay loop" or a dead
 * console, far from their cause.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "devices/boards/versatilepb.h"
#include "devices/clock.h"
#include "devices/machine.h"
#include "devices/pl011.h"
#include "devices/pl031.h"
#include "devices/pl050.h"
#include "devices/pl110.h"
#include "devices/pl190.h"
#include "devices/sp804.h"
#include "devices/versatile_sic.h"
#include "devices/versatile_sysregs.h"

/* ---- fixture: a clock, interrupt probes, a serial sink ---- */

struct probe {
    int level[32];
    unsigned changes;
};

static void probe_set(void *opaque, unsigned line, int level)
{
    struct probe *p = opaque;
    p->level[line] = level;
    p->changes++;
}

struct sink {
    char buf[256];
    size_t len;
};

static void sink_write(void *opaque, const uint8_t *buf, size_t len)
{
    struct sink *s = opaque;
    for (size_t i = 0; i < len && s->len < sizeof(s->buf) - 1; i++)
        s->buf[s->len++] = (char)buf[i];
}

struct fixture {
    struct vclock clock;
    uint64_t icount;
    struct trace trace;
    struct probe probe;
};

static struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    vclock_init(&f->clock, 1000);   /* 1000 MHz: one instruction per ns */
    vclock_attach_counter(&f->clock, &f->icount, NULL);
    return f;
}

static uint64_t now_ns(struct fixture *f)
{
    return vclock_now_ns(&f->clock);
}

/* Moves time forward by ns, firing each event at its own deadline. */
static void advance_ns(struct fixture *f, uint64_t ns)
{
    uint64_t target = f->icount + ns;
    for (;;) {
        vclock_run_due(&f->clock);
        uint64_t step = vclock_insns_to_next(&f->clock);
        if (step == UINT64_MAX || f->icount + step > target)
            break;
        f->icount += step;
    }
    f->icount = target;
    vclock_run_due(&f->clock);
}

static struct irq_line probe_line(struct fixture *f, unsigned line)
{
    return irq_line_make(probe_set, &f->probe, line);
}

static uint32_t rd(struct device *dev, uint32_t offset)
{
    return dev->ops->read(dev, offset, 4);
}

static void wr(struct device *dev, uint32_t offset, uint32_t value)
{
    dev->ops->write(dev, offset, value, 4);
}

/* Guest errors go to a temporary file so a test can check there were none. */
static FILE *capture_guest_errors(struct fixture *f)
{
    FILE *log = tmpfile();
    ck_assert_ptr_nonnull(log);
    f->trace.enabled = 1u << TRACE_GUEST_ERROR;
    f->trace.out = log;
    return log;
}

/* ---- PL190 VIC ---- */

#define VIC_IRQSTATUS 0x000
#define VIC_FIQSTATUS 0x004
#define VIC_RAWINTR 0x008
#define VIC_INTSELECT 0x00c
#define VIC_INTENABLE 0x010
#define VIC_INTENCLEAR 0x014
#define VIC_SOFTINT 0x018
#define VIC_SOFTINTCLEAR 0x01c
#define VIC_VECTADDR 0x030
#define VIC_DEFVECTADDR 0x034
#define VIC_VECTADDR0 0x100
#define VIC_VECTCNTL0 0x200
#define PROBE_IRQ 0
#define PROBE_FIQ 1

static struct pl190 *vic_new(struct fixture *f)
{
    struct pl190 *vic = pl190_create("vic", 0x10140000, probe_line(f, PROBE_IRQ),
                                     probe_line(f, PROBE_FIQ), &f->trace);
    ck_assert_ptr_nonnull(vic);
    return vic;
}

START_TEST(test_vic_enable_and_clear)
{
    struct fixture *f = fixture_new();
    struct pl190 *vic = vic_new(f);
    struct irq_line in3 = pl190_irq_input(vic, 3);

    irq_set(&in3, 1);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    ck_assert_uint_eq(rd(&vic->dev, VIC_RAWINTR), 1u << 3);
    ck_assert_uint_eq(rd(&vic->dev, VIC_IRQSTATUS), 0);

    wr(&vic->dev, VIC_INTENABLE, 1u << 3);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    ck_assert_uint_eq(rd(&vic->dev, VIC_IRQSTATUS), 1u << 3);
    ck_assert_uint_eq(rd(&vic->dev, VIC_INTENABLE), 1u << 3);

    irq_set(&in3, 0);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    irq_set(&in3, 1);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);

    wr(&vic->dev, VIC_INTENCLEAR, 1u << 3);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    ck_assert_uint_eq(rd(&vic->dev, VIC_INTENABLE), 0);
    vic->dev.destroy(&vic->dev);
    free(f);
}
END_TEST

START_TEST(test_vic_soft_interrupts_and_fiq_select)
{
    struct fixture *f = fixture_new();
    struct pl190 *vic = vic_new(f);

    wr(&vic->dev, VIC_INTENABLE, (1u << 7) | (1u << 5));
    wr(&vic->dev, VIC_SOFTINT, 1u << 7);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    ck_assert_uint_eq(rd(&vic->dev, VIC_SOFTINT), 1u << 7);
    ck_assert_uint_eq(rd(&vic->dev, VIC_RAWINTR), 1u << 7);
    wr(&vic->dev, VIC_SOFTINTCLEAR, 1u << 7);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);

    /* Line 5 routed to FIQ: FIQ output, not IRQ. */
    wr(&vic->dev, VIC_INTSELECT, 1u << 5);
    struct irq_line in5 = pl190_irq_input(vic, 5);
    irq_set(&in5, 1);
    ck_assert_int_eq(f->probe.level[PROBE_FIQ], 1);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    ck_assert_uint_eq(rd(&vic->dev, VIC_FIQSTATUS), 1u << 5);
    ck_assert_uint_eq(rd(&vic->dev, VIC_IRQSTATUS), 0);
    /* Back to IRQ. */
    wr(&vic->dev, VIC_INTSELECT, 0);
    ck_assert_int_eq(f->probe.level[PROBE_FIQ], 0);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    vic->dev.destroy(&vic->dev);
    free(f);
}
END_TEST

START_TEST(test_vic_vectored_priority)
{
    struct fixture *f = fixture_new();
    struct pl190 *vic = vic_new(f);
    struct device *d = &vic->dev;
    struct irq_line in4 = pl190_irq_input(vic, 4);
    struct irq_line in9 = pl190_irq_input(vic, 9);
    struct irq_line in12 = pl190_irq_input(vic, 12);

    /* Slot 0 (highest): source 9; slot 1: source 4; 12 is not vectored. */
    wr(d, VIC_VECTADDR0 + 0, 0x900);
    wr(d, VIC_VECTCNTL0 + 0, 0x20 | 9);
    wr(d, VIC_VECTADDR0 + 4, 0x400);
    wr(d, VIC_VECTCNTL0 + 4, 0x20 | 4);
    wr(d, VIC_DEFVECTADDR, 0xdef);
    wr(d, VIC_INTENABLE, (1u << 4) | (1u << 9) | (1u << 12));

    irq_set(&in4, 1);
    irq_set(&in12, 1);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    /* Acknowledge: the vectored source wins over the default one. */
    ck_assert_uint_eq(rd(d, VIC_VECTADDR), 0x400);
    /* While slot 1 is in service, 4 and the lower-priority 12 are masked. */
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    /* A higher-priority source preempts. */
    irq_set(&in9, 1);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    ck_assert_uint_eq(rd(d, VIC_VECTADDR), 0x900);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    /* Reading again in the ISR returns the same vector. */
    ck_assert_uint_eq(rd(d, VIC_VECTADDR), 0x900);
    irq_set(&in9, 0);
    wr(d, VIC_VECTADDR, 0);             /* end of 9's ISR: back in 4's */
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    irq_set(&in4, 0);
    wr(d, VIC_VECTADDR, 0);             /* end of 4's ISR: 12 shows */
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    ck_assert_uint_eq(rd(d, VIC_VECTADDR), 0xdef);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 0);
    wr(d, VIC_VECTADDR, 0);
    ck_assert_int_eq(f->probe.level[PROBE_IRQ], 1);
    /* Disabled slots do not vector. */
    wr(d, VIC_VECTCNTL0 + 4, 4);
    irq_set(&in12, 0);
    irq_set(&in4, 1);
    ck_assert_uint_eq(rd(d, VIC_VECTADDR), 0xdef);
    vic->dev.destroy(&vic->dev);
    free(f);
}
END_TEST

START_TEST(test_vic_ids_and_bad_offsets)
{
    struct fixture *f = fixture_new();
    struct pl190 *vic = vic_new(f);
    ck_assert_uint_eq(rd(&vic->dev, 0xfe0), 0x90);
    ck_assert_uint_eq(rd(&vic->dev, 0xfe4), 0x11);
    ck_assert_uint_eq(rd(&vic->dev, 0xfe8), 0x04);
    ck_assert_uint_eq(rd(&vic->dev, 0xff0), 0x0d);
    ck_assert_uint_eq(rd(&vic->dev, 0xffc), 0xb1);
    FILE *log = capture_guest_errors(f);
    ck_assert_uint_eq(rd(&vic->dev, 0x800), 0);
    wr(&vic->dev, 0x804, 1);
    ck_assert_int_gt(ftell(log), 0);
    fclose(log);
    vic->dev.destroy(&vic->dev);
    free(f);
}
END_TEST

/* ---- SIC ---- */

#define SIC_STATUS 0x00
#define SIC_RAWSTAT 0x04
#define SIC_ENSET 0x08
#define SIC_ENCLR 0x0c
#define SIC_PICENSET 0x20
#define SIC_PICENCLR 0x24
#define SIC_FIQENCLR 0x2c
#define PROBE_SIC_OUT 31

START_TEST(test_sic_combined_output)
{
    struct fixture *f = fixture_new();
    struct irq_line pt[VERSATILE_SIC_INPUTS];
    for (unsigned i = 0; i < VERSATILE_SIC_INPUTS; i++)
        pt[i] = probe_line(f, i);
    struct versatile_sic *sic = versatile_sic_create("sic", 0x10003000,
                                                     probe_line(f, PROBE_SIC_OUT), pt,
                                                     &f->trace);
    struct irq_line in3 = versatile_sic_irq_input(sic, 3);
    irq_set(&in3, 1);
    ck_assert_int_eq(f->probe.level[PROBE_SIC_OUT], 0);
    ck_assert_uint_eq(rd(&sic->dev, SIC_RAWSTAT), 1u << 3);
    wr(&sic->dev, SIC_ENSET, 1u << 3);
    ck_assert_int_eq(f->probe.level[PROBE_SIC_OUT], 1);
    ck_assert_uint_eq(rd(&sic->dev, SIC_STATUS), 1u << 3);
    wr(&sic->dev, SIC_ENCLR, 1u << 3);
    ck_assert_int_eq(f->probe.level[PROBE_SIC_OUT], 0);
    sic->dev.destroy(&sic->dev);
    free(f);
}
END_TEST

START_TEST(test_sic_passthrough)
{
    struct fixture *f = fixture_new();
    struct irq_line pt[VERSATILE_SIC_INPUTS];
    for (unsigned i = 0; i < VERSATILE_SIC_INPUTS; i++)
        pt[i] = probe_line(f, i);
    struct versatile_sic *sic = versatile_sic_create("sic", 0x10003000,
                                                     probe_line(f, PROBE_SIC_OUT), pt,
                                                     &f->trace);
    FILE *log = capture_guest_errors(f);
    /* What Linux's irq-versatile-fpga does at probe. */
    wr(&sic->dev, SIC_ENCLR, 0xffffffffu);
    wr(&sic->dev, SIC_FIQENCLR, 0xffffffffu);
    wr(&sic->dev, SIC_PICENSET, 0xffd00000u);
    ck_assert_int_eq(ftell(log), 0);    /* +0x2c accepted quietly */
    fclose(log);
    /* Only lines 21-30 can pass through. */
    ck_assert_uint_eq(rd(&sic->dev, SIC_PICENSET), 0x7fc00000u);

    struct irq_line in25 = versatile_sic_irq_input(sic, 25);
    struct irq_line in20 = versatile_sic_irq_input(sic, 20);
    irq_set(&in25, 1);
    ck_assert_int_eq(f->probe.level[25], 1);
    ck_assert_int_eq(f->probe.level[PROBE_SIC_OUT], 0);   /* not enabled in SIC */
    irq_set(&in20, 1);
    ck_assert_int_eq(f->probe.level[20], 0);
    irq_set(&in25, 0);
    ck_assert_int_eq(f->probe.level[25], 0);
    /* Clearing the pass-through drops the primary line. */
    irq_set(&in25, 1);
    wr(&sic->dev, SIC_PICENCLR, 1u << 25);
    ck_assert_int_eq(f->probe.level[25], 0);
    sic->dev.destroy(&sic->dev);
    free(f);
}
END_TEST

/* ---- SP804 ---- */

#define T1_LOAD 0x00
#define T1_VALUE 0x04
#define T1_CONTROL 0x08
#define T1_INTCLR 0x0c
#define T1_RIS 0x10
#define T1_MIS 0x14
#define T1_BGLOAD 0x18
#define T2_LOAD 0x20
#define T2_VALUE 0x24
#define T2_CONTROL 0x28
#define T2_RIS 0x30
#define CTRL_ONESHOT 0x01
#define CTRL_32BIT 0x02
#define CTRL_DIV16 0x04
#define CTRL_DIV256 0x08
#define CTRL_IE 0x20
#define CTRL_PERIODIC 0x40
#define CTRL_ENABLE 0x80
#define US 1000ull

static struct sp804 *sp804_new(struct fixture *f)
{
    struct sp804 *sp = sp804_create("timer01", 0x101e2000, probe_line(f, 0), &f->clock,
                                    &f->trace);
    ck_assert_ptr_nonnull(sp);
    return sp;
}

START_TEST(test_sp804_reset_values)
{
    struct fixture *f = fixture_new();
    struct sp804 *sp = sp804_new(f);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 0xffffffffu);
    ck_assert_uint_eq(rd(&sp->dev, T1_CONTROL), CTRL_IE);
    ck_assert_uint_eq(rd(&sp->dev, T1_LOAD), 0);
    ck_assert_uint_eq(rd(&sp->dev, 0xfe0), 0x04);
    ck_assert_uint_eq(rd(&sp->dev, 0xfe4), 0x18);
    /* Disabled: the value does not move. */
    advance_ns(f, 5000 * US);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 0xffffffffu);
    sp->dev.destroy(&sp->dev);
    free(f);
}
END_TEST

START_TEST(test_sp804_periodic_reload)
{
    struct fixture *f = fixture_new();
    struct sp804 *sp = sp804_new(f);
    /* Linux's 100 Hz tick at 1 MHz: Load 10000. */
    wr(&sp->dev, T1_LOAD, 10000);
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT | CTRL_IE);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 10000);
    advance_ns(f, 2500 * US);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 7500);
    advance_ns(f, 7500 * US - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f), 10000 * US);
    ck_assert_uint_eq(rd(&sp->dev, T1_RIS), 1);
    ck_assert_uint_eq(rd(&sp->dev, T1_MIS), 1);
    /* Reloaded on the zero tick. */
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 10000);
    wr(&sp->dev, T1_INTCLR, 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1 * US);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 9999);
    /* The next period ends exactly at 20 ms, with no drift. */
    advance_ns(f, 9999 * US - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f), 20000 * US);
    sp->dev.destroy(&sp->dev);
    free(f);
}
END_TEST

START_TEST(test_sp804_oneshot)
{
    struct fixture *f = fixture_new();
    struct sp804 *sp = sp804_new(f);
    /* Linux's set_next_event: control first, then Load, then enable. */
    wr(&sp->dev, T1_CONTROL, CTRL_ONESHOT | CTRL_32BIT | CTRL_IE);
    wr(&sp->dev, T1_LOAD, 50);
    wr(&sp->dev, T1_CONTROL, CTRL_ONESHOT | CTRL_32BIT | CTRL_IE | CTRL_ENABLE);
    advance_ns(f, 50 * US - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 1);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    wr(&sp->dev, T1_INTCLR, 0);
    ck_assert_int_eq(f->probe.level[0], 0);
    /* Stopped at zero: no further interrupt, no events left. */
    advance_ns(f, 10000 * US);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 0);
    ck_assert_uint_eq(f->clock.count, 0);
    /* Re-enabling a finished one-shot does not fire; a new Load does. */
    wr(&sp->dev, T1_CONTROL, CTRL_ONESHOT | CTRL_32BIT | CTRL_IE);
    wr(&sp->dev, T1_CONTROL, CTRL_ONESHOT | CTRL_32BIT | CTRL_IE | CTRL_ENABLE);
    advance_ns(f, 1000 * US);
    ck_assert_int_eq(f->probe.level[0], 0);
    wr(&sp->dev, T1_LOAD, 20);
    advance_ns(f, 20 * US);
    ck_assert_int_eq(f->probe.level[0], 1);
    sp->dev.destroy(&sp->dev);
    free(f);
}
END_TEST

START_TEST(test_sp804_prescale)
{
    struct fixture *f = fixture_new();
    struct sp804 *sp = sp804_new(f);
    wr(&sp->dev, T1_LOAD, 10);
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT | CTRL_IE | CTRL_DIV16);
    advance_ns(f, 160 * US - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 1);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    wr(&sp->dev, T1_INTCLR, 0);

    wr(&sp->dev, T1_LOAD, 10);
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT | CTRL_IE | CTRL_DIV256);
    uint64_t start = now_ns(f);
    advance_ns(f, 2560 * US - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f) - start, 2560 * US);
    sp->dev.destroy(&sp->dev);
    free(f);
}
END_TEST

START_TEST(test_sp804_free_running_wrap)
{
    struct fixture *f = fixture_new();
    struct sp804 *sp = sp804_new(f);
    /* 16-bit free-running from Load 0x10: zero after 16 ticks, then 0xffff. */
    wr(&sp->dev, T1_LOAD, 0x12340010);
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_IE);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 0x10);
    advance_ns(f, 16 * US);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 0);
    advance_ns(f, 1 * US);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 0xffff);
    wr(&sp->dev, T1_INTCLR, 0);
    /* Next zero a full 65536 ticks after the first. */
    advance_ns(f, 65535 * US - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);

    /* Timer 2 as Linux's clocksource: 32-bit periodic from 0xffffffff, no
     * interrupt: it counts down and arms no events. */
    wr(&sp->dev, T2_LOAD, 0xffffffffu);
    wr(&sp->dev, T2_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT);
    unsigned events = f->clock.count;
    advance_ns(f, 1000 * US);
    ck_assert_uint_eq(rd(&sp->dev, T2_VALUE), 0xffffffffu - 1000);
    ck_assert_uint_eq(f->clock.count, events);
    ck_assert_uint_eq(rd(&sp->dev, T2_RIS), 0);
    sp->dev.destroy(&sp->dev);
    free(f);
}
END_TEST

START_TEST(test_sp804_bgload_and_masked_ris)
{
    struct fixture *f = fixture_new();
    struct sp804 *sp = sp804_new(f);
    wr(&sp->dev, T1_LOAD, 100);
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT | CTRL_IE);
    advance_ns(f, 30 * US);
    wr(&sp->dev, T1_BGLOAD, 50);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 70);      /* count undisturbed */
    ck_assert_uint_eq(rd(&sp->dev, T1_LOAD), 50);
    advance_ns(f, 70 * US);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(&sp->dev, T1_VALUE), 50);      /* new reload value */
    wr(&sp->dev, T1_INTCLR, 0);
    advance_ns(f, 50 * US);
    ck_assert_int_eq(f->probe.level[0], 1);
    wr(&sp->dev, T1_INTCLR, 0);

    /* With the interrupt masked RIS still rises, MIS and the line do not. */
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT);
    advance_ns(f, 50 * US);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(&sp->dev, T1_RIS), 1);
    ck_assert_uint_eq(rd(&sp->dev, T1_MIS), 0);
    /* Unmasking a pending interrupt raises the line at once. */
    wr(&sp->dev, T1_CONTROL, CTRL_ENABLE | CTRL_PERIODIC | CTRL_32BIT | CTRL_IE);
    ck_assert_int_eq(f->probe.level[0], 1);
    sp->dev.destroy(&sp->dev);
    free(f);
}
END_TEST

/* ---- PL011 ---- */

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define FR_RXFE 0x10
#define FR_RXFF 0x40
#define FR_TXFE 0x80
#define LCR_H_FEN 0x10
#define INT_RX 0x10
#define INT_TX 0x20
#define INT_RT 0x40
#define INT_OE 0x400

static struct pl011 *pl011_new(struct fixture *f, struct sink *out)
{
    struct char_backend be = { sink_write, out };
    struct pl011 *uart = pl011_create("uart0", 0x101f1000, probe_line(f, 0), &be, &f->clock,
                                      &f->trace);
    ck_assert_ptr_nonnull(uart);
    return uart;
}

static void uart_receive(struct pl011 *uart, const char *text)
{
    uart->in.receive(uart->in.opaque, (const uint8_t *)text, strlen(text));
}

START_TEST(test_pl011_tx_reaches_backend)
{
    struct fixture *f = fixture_new();
    struct sink out = { { 0 }, 0 };
    struct pl011 *uart = pl011_new(f, &out);
    ck_assert_uint_eq(rd(&uart->dev, UARTFR), FR_TXFE | FR_RXFE);
    ck_assert_uint_eq(rd(&uart->dev, 0xfe0), 0x11);
    ck_assert_uint_eq(rd(&uart->dev, 0xfe4), 0x10);
    ck_assert_uint_eq(rd(&uart->dev, 0xfe8), 0x14);
    ck_assert_uint_eq(rd(&uart->dev, UARTCR), 0x300);
    ck_assert_uint_eq(rd(&uart->dev, UARTIFLS), 0x12);

    wr(&uart->dev, UARTDR, 'o');
    wr(&uart->dev, UARTDR, 0x100 | 'k');        /* only the byte is sent */
    ck_assert_str_eq(out.buf, "ok");
    ck_assert_uint_eq(rd(&uart->dev, UARTFR) & FR_TXFE, FR_TXFE);
    /* TX interrupt: raised by the write, cleared by UARTICR. */
    ck_assert_uint_eq(rd(&uart->dev, UARTRIS) & INT_TX, INT_TX);
    ck_assert_int_eq(f->probe.level[0], 0);
    wr(&uart->dev, UARTIMSC, INT_TX);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(&uart->dev, UARTMIS), INT_TX);
    wr(&uart->dev, UARTICR, INT_TX);
    ck_assert_int_eq(f->probe.level[0], 0);

    /* Loopback: the byte comes back on the receive side instead. */
    wr(&uart->dev, UARTCR, 0x381);
    wr(&uart->dev, UARTDR, 'x');
    ck_assert_str_eq(out.buf, "ok");
    ck_assert_uint_eq(rd(&uart->dev, UARTDR), 'x');
    uart->dev.destroy(&uart->dev);
    free(f);
}
END_TEST

START_TEST(test_pl011_fifo_and_flags)
{
    struct fixture *f = fixture_new();
    struct sink out = { { 0 }, 0 };
    struct pl011 *uart = pl011_new(f, &out);
    wr(&uart->dev, UARTLCR_H, LCR_H_FEN | 0x60);
    ck_assert_int_eq(uart->in.can_receive(uart->in.opaque), 16);
    uart_receive(uart, "0123456789abcdef");
    ck_assert_int_eq(uart->in.can_receive(uart->in.opaque), 0);
    ck_assert_uint_eq(rd(&uart->dev, UARTFR) & (FR_RXFF | FR_RXFE), FR_RXFF);
    /* A 17th byte overruns: lost, OE raised. */
    uart_receive(uart, "X");
    ck_assert_uint_eq(rd(&uart->dev, UARTRSR) & 8, 8);
    ck_assert_uint_eq(rd(&uart->dev, UARTRIS) & INT_OE, INT_OE);
    wr(&uart->dev, UARTRSR, 0);         /* UARTECR */
    ck_assert_uint_eq(rd(&uart->dev, UARTRSR), 0);
    char got[17] = { 0 };
    for (int i = 0; i < 16; i++)
        got[i] = (char)rd(&uart->dev, UARTDR);
    ck_assert_str_eq(got, "0123456789abcdef");
    ck_assert_uint_eq(rd(&uart->dev, UARTFR) & (FR_RXFF | FR_RXFE), FR_RXFE);

    /* FIFO disabled: a one-character holding register. */
    wr(&uart->dev, UARTLCR_H, 0x60);
    ck_assert_int_eq(uart->in.can_receive(uart->in.opaque), 1);
    wr(&uart->dev, UARTIMSC, INT_RX);
    uart_receive(uart, "a");
    ck_assert_uint_eq(rd(&uart->dev, UARTFR) & FR_RXFF, FR_RXFF);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(&uart->dev, UARTDR), 'a');
    ck_assert_int_eq(f->probe.level[0], 0);
    uart->dev.destroy(&uart->dev);
    free(f);
}
END_TEST

START_TEST(test_pl011_rx_interrupts)
{
    struct fixture *f = fixture_new();
    struct sink out = { { 0 }, 0 };
    struct pl011 *uart = pl011_new(f, &out);
    /* Linux: 38400 baud from 24 MHz (IBRD 39, FBRD 4), FIFO on, 1/2 trigger. */
    wr(&uart->dev, UARTIBRD, 39);
    wr(&uart->dev, UARTFBRD, 4);
    wr(&uart->dev, UARTLCR_H, LCR_H_FEN | 0x60);
    wr(&uart->dev, UARTIMSC, INT_RX | INT_RT);

    uart_receive(uart, "1234567");
    ck_assert_int_eq(f->probe.level[0], 0);     /* below the trigger of 8 */
    uart_receive(uart, "8");
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(&uart->dev, UARTMIS), INT_RX);
    ck_assert_uint_eq(rd(&uart->dev, UARTDR), '1');
    ck_assert_int_eq(f->probe.level[0], 0);     /* below the trigger again */

    /* 32 bit periods at 38400 baud is about 833 us: then the timeout fires. */
    advance_ns(f, 800 * US);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 100 * US);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(&uart->dev, UARTMIS), INT_RT);
    while (!(rd(&uart->dev, UARTFR) & FR_RXFE))
        rd(&uart->dev, UARTDR);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(&uart->dev, UARTRIS) & (INT_RX | INT_RT), 0);
    uart->dev.destroy(&uart->dev);
    free(f);
}
END_TEST

/* ---- system registers ---- */

#define SYS_ID 0x00
#define SYS_OSC4 0x1c
#define SYS_LOCK 0x20
#define SYS_100HZ 0x24
#define SYS_FLAGS 0x30
#define SYS_FLAGSCLR 0x34
#define SYS_NVFLAGS 0x38
#define SYS_RESETCTL 0x40
#define SYS_PCICTL 0x44
#define SYS_CLCD 0x50
#define SYS_24MHZ 0x5c
#define SYS_PROCID0 0x84

static void count_reset(void *opaque)
{
    (*(unsigned *)opaque)++;
}

static struct versatile_sysregs *sysregs_new(struct fixture *f, unsigned *resets)
{
    struct versatile_sysregs *sys = versatile_sysregs_create(
        "sysregs", 0x10000000, VERSATILE_SYS_ID_PB926, VERSATILE_PROC_ID_ARM926, count_reset,
        resets, &f->clock, &f->trace);
    ck_assert_ptr_nonnull(sys);
    return sys;
}

START_TEST(test_sysregs_ids_and_lock)
{
    struct fixture *f = fixture_new();
    unsigned resets = 0;
    struct versatile_sysregs *sys = sysregs_new(f, &resets);
    ck_assert_uint_eq(rd(&sys->dev, SYS_ID), 0x41007004u);
    ck_assert_uint_eq(rd(&sys->dev, SYS_PROCID0), 0x02000000u);
    ck_assert_uint_eq(rd(&sys->dev, SYS_PCICTL), 1);
    ck_assert_uint_eq(rd(&sys->dev, SYS_CLCD), 0x1f00);
    /* Linux's CLCD power-up sequence; CLCDID bits 13:8 stay. */
    wr(&sys->dev, SYS_CLCD, 0x1f03);
    wr(&sys->dev, SYS_CLCD, 0x0017);
    ck_assert_uint_eq(rd(&sys->dev, SYS_CLCD), 0x1f17);

    ck_assert_uint_eq(rd(&sys->dev, SYS_LOCK), 0x10000);    /* locked */
    wr(&sys->dev, SYS_OSC4, 0x2c77);
    ck_assert_uint_eq(rd(&sys->dev, SYS_OSC4), 0);
    wr(&sys->dev, SYS_LOCK, 0xa05f);
    ck_assert_uint_eq(rd(&sys->dev, SYS_LOCK), 0xa05f);
    wr(&sys->dev, SYS_OSC4, 0x2c77);
    ck_assert_uint_eq(rd(&sys->dev, SYS_OSC4), 0x2c77);
    wr(&sys->dev, SYS_LOCK, 0);
    ck_assert_uint_eq(rd(&sys->dev, SYS_LOCK) & 0x10000, 0x10000);

    wr(&sys->dev, SYS_FLAGS, 0x5);
    wr(&sys->dev, SYS_FLAGSCLR, 0x1);
    ck_assert_uint_eq(rd(&sys->dev, SYS_FLAGS), 0x4);
    wr(&sys->dev, SYS_NVFLAGS, 0x80);
    sys->dev.reset(&sys->dev);
    ck_assert_uint_eq(rd(&sys->dev, SYS_FLAGS), 0);
    ck_assert_uint_eq(rd(&sys->dev, SYS_NVFLAGS), 0x80);
    sys->dev.destroy(&sys->dev);
    free(f);
}
END_TEST

START_TEST(test_sysregs_counters_track_virtual_time)
{
    struct fixture *f = fixture_new();
    unsigned resets = 0;
    struct versatile_sysregs *sys = sysregs_new(f, &resets);
    ck_assert_uint_eq(rd(&sys->dev, SYS_24MHZ), 0);
    advance_ns(f, 1000 * US);
    ck_assert_uint_eq(rd(&sys->dev, SYS_24MHZ), 24000);
    advance_ns(f, 999000 * US);
    ck_assert_uint_eq(rd(&sys->dev, SYS_24MHZ), 24000000);
    ck_assert_uint_eq(rd(&sys->dev, SYS_100HZ), 100);
    advance_ns(f, 125);
    ck_assert_uint_eq(rd(&sys->dev, SYS_24MHZ), 24000003);
    sys->dev.destroy(&sys->dev);
    free(f);
}
END_TEST

START_TEST(test_sysregs_reset_request)
{
    struct fixture *f = fixture_new();
    unsigned resets = 0;
    struct versatile_sysregs *sys = sysregs_new(f, &resets);
    /* Locked: ignored. */
    wr(&sys->dev, SYS_RESETCTL, 0x105);
    ck_assert_uint_eq(resets, 0);
    /* Linux's arm-versatile-reboot: unlock, 0x105, relock. */
    wr(&sys->dev, SYS_LOCK, 0xa05f);
    wr(&sys->dev, SYS_RESETCTL, 0x105);
    wr(&sys->dev, SYS_LOCK, 0);
    ck_assert_uint_eq(resets, 1);
    ck_assert_uint_eq(rd(&sys->dev, SYS_RESETCTL), 0x105);
    /* Without bit 8 only the level is stored. */
    wr(&sys->dev, SYS_LOCK, 0xa05f);
    wr(&sys->dev, SYS_RESETCTL, 0x004);
    ck_assert_uint_eq(resets, 1);
    sys->dev.destroy(&sys->dev);
    free(f);
}
END_TEST

/* ---- PL031 ---- */

#define RTCDR 0x00
#define RTCMR 0x04
#define RTCLR 0x08
#define RTCCR 0x0c
#define RTCIMSC 0x10
#define RTCRIS 0x14
#define RTCMIS 0x18
#define RTCICR 0x1c
#define SEC 1000000000ull

START_TEST(test_pl031_counter_and_match)
{
    struct fixture *f = fixture_new();
    struct pl031 *rtc = pl031_create("rtc", 0x101e8000, probe_line(f, 0), 1000000, &f->clock,
                                     &f->trace);
    ck_assert_ptr_nonnull(rtc);
    ck_assert_uint_eq(rd(&rtc->dev, 0xfe0), 0x31);
    ck_assert_uint_eq(rd(&rtc->dev, RTCCR), 1);
    ck_assert_uint_eq(rd(&rtc->dev, RTCDR), 1000000);
    advance_ns(f, 2 * SEC + SEC / 2);
    ck_assert_uint_eq(rd(&rtc->dev, RTCDR), 1000002);
    wr(&rtc->dev, RTCLR, 5000);
    ck_assert_uint_eq(rd(&rtc->dev, RTCDR), 5000);
    ck_assert_uint_eq(rd(&rtc->dev, RTCLR), 5000);
    advance_ns(f, SEC);
    ck_assert_uint_eq(rd(&rtc->dev, RTCDR), 5001);

    /* Match interrupt when the count reaches RTCMR (at t = 5 s). */
    wr(&rtc->dev, RTCMR, 5003);
    wr(&rtc->dev, RTCIMSC, 1);
    advance_ns(f, SEC + SEC / 2 - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f), 5 * SEC);
    ck_assert_uint_eq(rd(&rtc->dev, RTCMIS), 1);
    wr(&rtc->dev, RTCICR, 1);
    ck_assert_int_eq(f->probe.level[0], 0);

    /* Masked: no event armed, but RTCRIS is set when looked at. */
    wr(&rtc->dev, RTCIMSC, 0);
    wr(&rtc->dev, RTCMR, 5005);
    ck_assert_uint_eq(f->clock.count, 0);
    advance_ns(f, 2 * SEC);
    ck_assert_uint_eq(rd(&rtc->dev, RTCRIS), 1);
    ck_assert_uint_eq(rd(&rtc->dev, RTCMIS), 0);
    ck_assert_int_eq(f->probe.level[0], 0);
    rtc->dev.destroy(&rtc->dev);
    free(f);
}
END_TEST

/* ---- the board ---- */

static int board_machine_new(struct machine *m, struct sink *out)
{
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.board = "versatilepb";
    cfg.memory = 128u << 20;
    cfg.cpus = 1;
    cfg.mhz = 100;
    cfg.serial[0].write = sink_write;
    cfg.serial[0].opaque = out;
    return machine_create(m, &cfg);
}

static uint32_t phys_read(struct machine *m, uint32_t pa)
{
    uint32_t value = 0xdeadbeef;
    aspace_read(&m->as, pa, 4, &value);
    return value;
}

static void phys_write(struct machine *m, uint32_t pa, uint32_t value)
{
    aspace_write(&m->as, pa, 4, value);
}

START_TEST(test_board_map)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct sink out = { { 0 }, 0 };
    ck_assert_int_eq(board_machine_new(m, &out), 0);
    ck_assert_ptr_eq(board_find("versatilepb"), &board_versatilepb);
    ck_assert_uint_eq(m->ram_size, 128u << 20);

    static const struct { const char *name; uint32_t base; uint32_t id0; } expect[] = {
        { "uart0", 0x101f1000, 0x11 }, { "uart1", 0x101f2000, 0x11 },
        { "uart2", 0x101f3000, 0x11 }, { "uart3", 0x10009000, 0x11 },
        { "timer01", 0x101e2000, 0x04 }, { "timer23", 0x101e3000, 0x04 },
        { "vic", 0x10140000, 0x90 }, { "rtc", 0x101e8000, 0x31 },
        { "mmci0", 0x10005000, 0x81 }, { "mmci1", 0x1000b000, 0x81 },
        { "clcd", 0x10120000, 0x10 }, { "kmi0", 0x10006000, 0x50 },
        { "kmi1", 0x10007000, 0x50 },
    };
    for (unsigned i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
        struct device *dev = machine_find_device(m, expect[i].name);
        ck_assert_ptr_nonnull(dev);
        ck_assert_uint_eq(dev->base, expect[i].base);
        ck_assert_uint_eq(phys_read(m, expect[i].base + 0xfe0), expect[i].id0);
    }
    ck_assert_uint_eq(phys_read(m, 0x10000000), 0x41007004u);
    /* Absent devices read as zero (the SSP at 0x101f4000 is not modelled). */
    ck_assert_uint_eq(phys_read(m, 0x101f4fe0), 0);
    /* SMC91C111 bank select register: bank 0 after reset, 0x33 in the high byte. */
    ck_assert_uint_eq(phys_read(m, 0x1001000e) & 0xff00, 0x3300);
    /* Console input is UART0, whatever the table order. */
    ck_assert_uint_eq(m->serial_count, 4);
    ck_assert_ptr_eq(m->serial_in[0].opaque, machine_find_device(m, "uart0"));
    machine_destroy(m);
    free(m);
}
END_TEST

START_TEST(test_board_wiring)
{
    struct machine *m = calloc(1, sizeof(*m));
    struct sink out = { { 0 }, 0 };
    ck_assert_int_eq(board_machine_new(m, &out), 0);
    struct arm_cpu *cpu = &m->cpu[0];

    /* UART0 TX interrupt -> VIC 12 -> CPU IRQ; its bytes -> serial[0]. */
    phys_write(m, 0x10140010, 1u << 12);        /* VICINTENABLE */
    phys_write(m, 0x101f1038, INT_TX);           /* UARTIMSC */
    phys_write(m, 0x101f1000, 'A');
    ck_assert_str_eq(out.buf, "A");
    ck_assert_int_eq(cpu->irq_line, 1);
    ck_assert_uint_eq(phys_read(m, 0x10140000), 1u << 12);
    phys_write(m, 0x101f1044, INT_TX);           /* UARTICR */
    ck_assert_int_eq(cpu->irq_line, 0);

    /* UART3 sits behind the SIC (line 6) -> VIC 31. */
    phys_write(m, 0x10140010, 1u << 31);
    phys_write(m, 0x10003008, 1u << 6);          /* SIC_ENSET */
    phys_write(m, 0x10009038, INT_TX);
    phys_write(m, 0x10009000, 'B');
    ck_assert_int_eq(cpu->irq_line, 1);
    ck_assert_uint_eq(phys_read(m, 0x10003000), 1u << 6);

    /* KMI0 (keyboard) RX -> SIC 3 -> VIC 31; KMI1 (mouse) -> SIC 4. */
    phys_write(m, 0x10003008, 1u << 3);          /* SIC_ENSET */
    phys_write(m, 0x10006000, 0x14);             /* KMICR: KmiEn | KmiRxIntrEn */
    phys_write(m, 0x10006008, 0xf2);             /* get ID -> FA AB 83 */
    ck_assert_uint_eq(phys_read(m, 0x10003000) & (1u << 3), 1u << 3);
    ck_assert_uint_eq(phys_read(m, 0x10006008), 0xfa);
    ck_assert_uint_eq(phys_read(m, 0x10006008), 0xab);
    ck_assert_uint_eq(phys_read(m, 0x10006008), 0x83);
    ck_assert_uint_eq(phys_read(m, 0x10003000) & (1u << 3), 0);
    ck_assert_ptr_nonnull(pl050_keyboard((struct pl050 *)machine_find_device(m, "kmi0")));
    ck_assert_ptr_nonnull(pl050_mouse((struct pl050 *)machine_find_device(m, "kmi1")));
    phys_write(m, 0x10003008, 1u << 4);
    phys_write(m, 0x10007000, 0x14);
    phys_write(m, 0x10007008, 0xff);             /* reset -> FA AA 00 */
    ck_assert_uint_eq(phys_read(m, 0x10003000) & (1u << 4), 1u << 4);

    /* CLCD -> VIC 16; SYS_CLCD[1:0] drives the 16 bpp mux. */
    struct pl110 *clcd = (struct pl110 *)machine_find_device(m, "clcd");
    phys_write(m, 0x10000050, 0x1f03);
    ck_assert_uint_eq(clcd->mux, PL110_MUX_565_B_LSB);
    phys_write(m, 0x10140010, 1u << 16);
    phys_write(m, 0x10120018, 1);                /* LCDControl: LcdEn */
    phys_write(m, 0x1012001c, 1u << 2);          /* LCDIMSC: LNBU */
    m->cpu[0].icount += 20 * 1000 * 100;         /* 20 ms at 100 MHz */
    vclock_run_due(&m->clock);
    ck_assert_uint_eq(phys_read(m, 0x10140000) & (1u << 16), 1u << 16);
    phys_write(m, 0x10120028, 1u << 2);          /* LCDICR */
    ck_assert_uint_eq(phys_read(m, 0x10140000) & (1u << 16), 0);

    /* The reboot sequence stops the machine. */
    ck_assert(!m->shutdown_requested);
    phys_write(m, 0x10000020, 0xa05f);
    phys_write(m, 0x10000040, 0x105);
    ck_assert(m->shutdown_requested);
    ck_assert_int_eq(m->shutdown_status, 0);
    ck_assert_str_eq(m->shutdown_why, "guest reset via SYS_RESETCTL");
    machine_destroy(m);
    free(m);
}
END_TEST

Suite *devices_suite(void)
{
    Suite *s = suite_create("devices");
    TCase *tc = tcase_create("pl190");
    tcase_add_test(tc, test_vic_enable_and_clear);
    tcase_add_test(tc, test_vic_soft_interrupts_and_fiq_select);
    tcase_add_test(tc, test_vic_vectored_priority);
    tcase_add_test(tc, test_vic_ids_and_bad_offsets);
    suite_add_tcase(s, tc);
    tc = tcase_create("sic");
    tcase_add_test(tc, test_sic_combined_output);
    tcase_add_test(tc, test_sic_passthrough);
    suite_add_tcase(s, tc);
    tc = tcase_create("sp804");
    tcase_add_test(tc, test_sp804_reset_values);
    tcase_add_test(tc, test_sp804_periodic_reload);
    tcase_add_test(tc, test_sp804_oneshot);
    tcase_add_test(tc, test_sp804_prescale);
    tcase_add_test(tc, test_sp804_free_running_wrap);
    tcase_add_test(tc, test_sp804_bgload_and_masked_ris);
    suite_add_tcase(s, tc);
    tc = tcase_create("pl011");
    tcase_add_test(tc, test_pl011_tx_reaches_backend);
    tcase_add_test(tc, test_pl011_fifo_and_flags);
    tcase_add_test(tc, test_pl011_rx_interrupts);
    suite_add_tcase(s, tc);
    tc = tcase_create("sysregs");
    tcase_add_test(tc, test_sysregs_ids_and_lock);
    tcase_add_test(tc, test_sysregs_counters_track_virtual_time);
    tcase_add_test(tc, test_sysregs_reset_request);
    suite_add_tcase(s, tc);
    tc = tcase_create("pl031");
    tcase_add_test(tc, test_pl031_counter_and_match);
    suite_add_tcase(s, tc);
    return s;
}

Suite *versatilepb_suite(void)
{
    Suite *s = suite_create("versatilepb");
    TCase *tc = tcase_create("board");
    tcase_add_test(tc, test_board_map);
    tcase_add_test(tc, test_board_wiring);
    suite_add_tcase(s, tc);
    return s;
}
