/*
 * The ARMv7 board timers in virtual time, with a clock the test advances
 * by hand (1 instruction = 1 ns) and probe wires for their interrupts:
 *  - Cortex-A9 private timer and watchdog (arm_mptimer.c): reload period of
 *    Load + 1 ticks, one-shot, prescaler, the jiffy calibration Linux does
 *    (100 MHz as on QEMU), watchdog mode and its disable sequence, per-CPU
 *    banking;
 *  - Cortex-A9 global timer (a9_global_timer.c): 64-bit count, comparator
 *    (greater-or-equal), auto-increment;
 *  - the generic timer (generic_timer.c) through its CP15 c14 interface:
 *    CNTFRQ, CNTPCT/CNTVCT and CNTVOFF, CVAL/TVAL (including TVAL's sign
 *    extension), ISTATUS/IMASK, the Secure/Non-secure physical banks, PL0
 *    and Hyp access control;
 *  - the SCU and the PL310 registers Linux touches at boot.
 * A timer that fires one tick late or early drifts the guest's clock; one
 * that never fires hangs it at "Calibrating delay loop".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "cpu/cpu.h"
#include "devices/a9_global_timer.h"
#include "devices/a9_scu.h"
#include "devices/arm_mptimer.h"
#include "devices/clock.h"
#include "devices/generic_timer.h"
#include "devices/pl310.h"

#define US 1000ull
#define MS 1000000ull

/* Private timer / watchdog registers (offsets from PERIPHBASE+0x600). */
#define TWD_LOAD 0x00
#define TWD_COUNTER 0x04
#define TWD_CONTROL 0x08
#define TWD_ISR 0x0c
#define WDT_LOAD 0x20
#define WDT_COUNTER 0x24
#define WDT_CONTROL 0x28
#define WDT_ISR 0x2c
#define WDT_RESET_STATUS 0x30
#define WDT_DISABLE 0x34
#define CTRL_ENABLE 1u
#define CTRL_RELOAD 2u
#define CTRL_IRQ 4u
#define CTRL_WD_MODE 8u

/* Global timer registers (offsets from PERIPHBASE+0x200). */
#define GT_COUNT_LO 0x00
#define GT_COUNT_HI 0x04
#define GT_CONTROL 0x08
#define GT_ISR 0x0c
#define GT_CMP_LO 0x10
#define GT_CMP_HI 0x14
#define GT_AUTOINC 0x18
#define GT_TIMER_EN 1u
#define GT_COMP_EN 2u
#define GT_IRQ_EN 4u
#define GT_AUTO_INC 8u

/* ---- fixture ---- */

struct probe {
    int level[16];
    unsigned changes;
};

static void probe_set(void *opaque, unsigned line, int level)
{
    struct probe *p = opaque;
    p->level[line] = level;
    p->changes++;
}

struct fixture {
    struct vclock clock;
    uint64_t icount;
    struct probe probe;
};

static struct fixture *fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    vclock_init(&f->clock, 1000);   /* one instruction per ns */
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

/* Two CPUs: timer of CPU n on probe line n, watchdog on 4 + n. */
static struct arm_mptimer *mptimer_new(struct fixture *f, unsigned num_cpus)
{
    struct irq_line timer[2] = { probe_line(f, 0), probe_line(f, 1) };
    struct irq_line wdt[2] = { probe_line(f, 4), probe_line(f, 5) };
    struct cpu_selector none = { NULL, NULL };
    struct arm_mptimer *mpt = arm_mptimer_create("twd", 0x1e000600, num_cpus, timer, wdt, none,
                                                 &f->clock, NULL);
    ck_assert_ptr_nonnull(mpt);
    return mpt;
}

static uint32_t rd(struct device *dev, uint32_t offset)
{
    return dev->ops->read(dev, offset, 4);
}

static void wr(struct device *dev, uint32_t offset, uint32_t value)
{
    dev->ops->write(dev, offset, value, 4);
}

/* ---- Cortex-A9 private timer ---- */

START_TEST(test_twd_periodic_reload)
{
    struct fixture *f = fixture_new();
    struct arm_mptimer *mpt = mptimer_new(f, 1);
    struct device *d = &mpt->dev;
    /* Linux's periodic mode: Load = rate / HZ. 100 MHz, 1000 ticks = 10 us. */
    wr(d, TWD_LOAD, 1000);
    wr(d, TWD_CONTROL, CTRL_ENABLE | CTRL_RELOAD | CTRL_IRQ);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 1000);
    advance_ns(f, 2500);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 750);
    advance_ns(f, 7500 - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(d, TWD_ISR), 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f), 10 * US);
    ck_assert_uint_eq(rd(d, TWD_ISR), 1);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 0);
    /* The reload happens on the next tick: the period is Load + 1 ticks. */
    advance_ns(f, 10);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 1000);
    wr(d, TWD_ISR, 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 10000 - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f), 20010);
    /* Writing 0 to the ISR does nothing. */
    wr(d, TWD_ISR, 0);
    ck_assert_uint_eq(rd(d, TWD_ISR), 1);
    d->destroy(d);
    free(f);
}
END_TEST

START_TEST(test_twd_oneshot_and_counter_write)
{
    struct fixture *f = fixture_new();
    struct arm_mptimer *mpt = mptimer_new(f, 1);
    struct device *d = &mpt->dev;
    /* Linux's set_next_event: write the counter, then enable one-shot. */
    wr(d, TWD_COUNTER, 50);
    wr(d, TWD_CONTROL, CTRL_ENABLE | CTRL_IRQ);
    advance_ns(f, 499);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    /* One-shot: stays at zero, no second interrupt. */
    wr(d, TWD_ISR, 1);
    advance_ns(f, 10 * US);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 0);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(d, TWD_ISR), 0);
    /* Stopped, the counter holds; enabled again, it resumes. */
    wr(d, TWD_COUNTER, 300);
    advance_ns(f, 100);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 290);
    wr(d, TWD_CONTROL, CTRL_IRQ);
    advance_ns(f, 1000);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 290);
    wr(d, TWD_CONTROL, CTRL_ENABLE);
    /* Interrupt disabled: the flag still rises, the output does not. */
    advance_ns(f, 2900);
    ck_assert_uint_eq(rd(d, TWD_ISR), 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    wr(d, TWD_CONTROL, CTRL_ENABLE | CTRL_IRQ);
    ck_assert_int_eq(f->probe.level[0], 1);
    d->destroy(d);
    free(f);
}
END_TEST

START_TEST(test_twd_prescaler_and_calibration)
{
    struct fixture *f = fixture_new();
    struct arm_mptimer *mpt = mptimer_new(f, 1);
    struct device *d = &mpt->dev;
    /* Prescaler 9: one tick per 100 ns. */
    wr(d, TWD_LOAD, 10);
    wr(d, TWD_CONTROL, (9u << 8) | CTRL_ENABLE | CTRL_IRQ);
    ck_assert_uint_eq(rd(d, TWD_CONTROL), (9u << 8) | CTRL_ENABLE | CTRL_IRQ);
    advance_ns(f, 550);
    ck_assert_uint_eq(rd(d, TWD_COUNTER), 5);
    advance_ns(f, 449);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(now_ns(f), 1000);

    /* twd_calibrate_rate: counter 0xffffffff, enable, wait 5 jiffies (50 ms
     * at HZ=100), rate = (0xffffffff - counter) * (HZ / 5). */
    wr(d, TWD_CONTROL, 0);
    wr(d, TWD_ISR, 1);
    wr(d, TWD_COUNTER, 0xffffffff);
    wr(d, TWD_CONTROL, CTRL_ENABLE);
    advance_ns(f, 50 * MS);
    uint64_t rate = (uint64_t)(0xffffffffu - rd(d, TWD_COUNTER)) * 20;
    ck_assert_uint_eq(rate, 100000000);
    d->destroy(d);
    free(f);
}
END_TEST

START_TEST(test_twd_watchdog_and_banking)
{
    struct fixture *f = fixture_new();
    struct arm_mptimer *mpt = mptimer_new(f, 2);
    struct device *d = &mpt->dev;
    /* Timer mode: the watchdog is another timer on its own PPI. */
    wr(d, WDT_LOAD, 20);
    wr(d, WDT_CONTROL, CTRL_ENABLE | CTRL_IRQ);
    advance_ns(f, 200);
    ck_assert_int_eq(f->probe.level[4], 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    ck_assert_uint_eq(rd(d, WDT_ISR), 1);
    wr(d, WDT_ISR, 1);
    ck_assert_int_eq(f->probe.level[4], 0);

    /* Watchdog mode: reaching zero sets the reset flag, no interrupt. */
    wr(d, WDT_LOAD, 20);
    wr(d, WDT_CONTROL, CTRL_ENABLE | CTRL_IRQ | CTRL_WD_MODE);
    advance_ns(f, 200);
    ck_assert_uint_eq(rd(d, WDT_RESET_STATUS), 1);
    ck_assert_int_eq(f->probe.level[4], 0);
    wr(d, WDT_RESET_STATUS, 1);
    ck_assert_uint_eq(rd(d, WDT_RESET_STATUS), 0);
    /* Clearing the mode bit by a control write does not work... */
    wr(d, WDT_CONTROL, CTRL_ENABLE);
    ck_assert_uint_eq(rd(d, WDT_CONTROL) & CTRL_WD_MODE, CTRL_WD_MODE);
    /* ...the disable sequence does, and only in order. */
    wr(d, WDT_DISABLE, 0x87654321);
    wr(d, WDT_DISABLE, 0x12345678);
    ck_assert_uint_eq(rd(d, WDT_CONTROL) & CTRL_WD_MODE, CTRL_WD_MODE);
    wr(d, WDT_DISABLE, 0x87654321);
    ck_assert_uint_eq(rd(d, WDT_CONTROL) & CTRL_WD_MODE, 0);

    /* Each CPU has its own timer behind the same offsets. */
    arm_mptimer_write(mpt, 1, TWD_LOAD, 7);
    ck_assert_uint_eq(arm_mptimer_read(mpt, 0, TWD_LOAD), 0);
    ck_assert_uint_eq(arm_mptimer_read(mpt, 1, TWD_LOAD), 7);
    arm_mptimer_write(mpt, 1, TWD_CONTROL, CTRL_ENABLE | CTRL_IRQ);
    advance_ns(f, 70);
    ck_assert_int_eq(f->probe.level[1], 1);
    ck_assert_int_eq(f->probe.level[0], 0);

    /* Reset stops everything and drops the outputs. */
    d->reset(d);
    ck_assert_int_eq(f->probe.level[1], 0);
    ck_assert_uint_eq(arm_mptimer_read(mpt, 1, TWD_CONTROL), 0);
    d->destroy(d);
    free(f);
}
END_TEST

/* ---- Cortex-A9 global timer ---- */

START_TEST(test_global_timer_comparator)
{
    struct fixture *f = fixture_new();
    struct irq_line irq[1] = { probe_line(f, 0) };
    struct cpu_selector none = { NULL, NULL };
    struct a9_global_timer *gt = a9_global_timer_create("gtimer", 0x1e000200, 1, irq, none,
                                                        &f->clock, NULL);
    ck_assert_ptr_nonnull(gt);
    struct device *d = &gt->dev;
    /* Stopped at reset. */
    advance_ns(f, 1000);
    ck_assert_uint_eq(rd(d, GT_COUNT_LO), 0);
    wr(d, GT_CONTROL, GT_TIMER_EN);
    advance_ns(f, 1000);
    ck_assert_uint_eq(rd(d, GT_COUNT_LO), 100);
    ck_assert_uint_eq(rd(d, GT_COUNT_HI), 0);

    /* Comparator 500 with interrupt: fires at count 500, i.e. 4 us from now. */
    wr(d, GT_CMP_LO, 500);
    wr(d, GT_CMP_HI, 0);
    wr(d, GT_CONTROL, GT_TIMER_EN | GT_COMP_EN | GT_IRQ_EN);
    advance_ns(f, 3999);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(d, GT_ISR), 1);
    wr(d, GT_ISR, 1);
    /* Greater-or-equal: the counter is past the comparator, so the flag
     * comes straight back (no auto-increment). */
    ck_assert_uint_eq(rd(d, GT_ISR), 1);
    ck_assert_int_eq(f->probe.level[0], 1);

    /* Auto-increment by 1000: next matches at 1500, 2500, ... */
    wr(d, GT_AUTOINC, 1000);
    wr(d, GT_CONTROL, GT_TIMER_EN | GT_COMP_EN | GT_IRQ_EN | GT_AUTO_INC);
    wr(d, GT_ISR, 1);
    ck_assert_uint_eq(rd(d, GT_CMP_LO), 1500);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 10000 - 1);
    ck_assert_int_eq(f->probe.level[0], 0);
    advance_ns(f, 1);
    ck_assert_int_eq(f->probe.level[0], 1);
    ck_assert_uint_eq(rd(d, GT_COUNT_LO), 1500);
    ck_assert_uint_eq(rd(d, GT_CMP_LO), 2500);

    /* The counter is 64 bits wide; prescaler 1 halves the rate. */
    wr(d, GT_CONTROL, 0);
    wr(d, GT_COUNT_LO, 0xfffffff0);
    wr(d, GT_COUNT_HI, 1);
    wr(d, GT_CONTROL, (1u << 8) | GT_TIMER_EN);
    advance_ns(f, 400);
    ck_assert_uint_eq(rd(d, GT_COUNT_LO), 0x4);
    ck_assert_uint_eq(rd(d, GT_COUNT_HI), 2);
    d->destroy(d);
    free(f);
}
END_TEST

/* ---- generic timer ---- */

struct gt_fixture {
    struct fixture *f;
    struct generic_timer *gt;
    struct arm_cpu *cpu;
};

static struct gt_fixture gt_fixture_new(void)
{
    struct gt_fixture g;
    g.f = fixture_new();
    struct irq_line ppi[1][GT_TIMER_COUNT] = {
        { probe_line(g.f, 0), probe_line(g.f, 1), probe_line(g.f, 2), probe_line(g.f, 3) },
    };
    g.gt = generic_timer_create("generic-timer", &g.f->clock, 1, ppi, NULL);
    ck_assert_ptr_nonnull(g.gt);
    g.cpu = calloc(1, sizeof(*g.cpu));
    ck_assert_ptr_nonnull(g.cpu);
    g.cpu->cpsr_ctl = MODE_SVC;
    ck_assert_int_eq(generic_timer_attach_cpu(g.gt, g.cpu), 0);
    ck_assert_ptr_eq(g.cpu->gtimer, &generic_timer_cp15_ops);
    return g;
}

static void gt_fixture_free(struct gt_fixture *g)
{
    generic_timer_destroy(g->gt);
    free(g->cpu);
    free(g->f);
}

/* MRC p15, opc1, <Rt>, c14, crm, opc2 */
static int mrc(struct gt_fixture *g, unsigned opc1, unsigned crm, unsigned opc2, uint32_t *v)
{
    struct coproc_access a = { opc1, 14, crm, opc2 };
    return g->cpu->gtimer->read(g->cpu->gtimer_opaque, g->cpu, &a, v);
}

static uint32_t mrc_ok(struct gt_fixture *g, unsigned opc1, unsigned crm, unsigned opc2)
{
    uint32_t v = 0;
    ck_assert_int_eq(mrc(g, opc1, crm, opc2, &v), 0);
    return v;
}

static int mcr(struct gt_fixture *g, unsigned opc1, unsigned crm, unsigned opc2, uint32_t v)
{
    struct coproc_access a = { opc1, 14, crm, opc2 };
    return g->cpu->gtimer->write(g->cpu->gtimer_opaque, g->cpu, &a, v);
}

static uint64_t mrrc_ok(struct gt_fixture *g, unsigned opc1)
{
    uint64_t v = 0;
    ck_assert_int_eq(g->cpu->gtimer->read64(g->cpu->gtimer_opaque, g->cpu, opc1, &v), 0);
    return v;
}

static int mcrr(struct gt_fixture *g, unsigned opc1, uint64_t v)
{
    return g->cpu->gtimer->write64(g->cpu->gtimer_opaque, g->cpu, opc1, v);
}

#define CNTV_CTL 0, 3, 1
#define CNTV_TVAL 0, 3, 0
#define CNTP_CTL 0, 2, 1
#define CNTP_TVAL 0, 2, 0
#define CNTHP_CTL 4, 2, 1
#define GTCTL_ENABLE 1u
#define GTCTL_IMASK 2u
#define GTCTL_ISTATUS 4u

START_TEST(test_generic_timer_counters)
{
    struct gt_fixture g = gt_fixture_new();
    /* CNTFRQ: 62.5 MHz, as Linux prints "running at 62.50MHz". */
    ck_assert_uint_eq(mrc_ok(&g, 0, 0, 0), 62500000);
    advance_ns(g.f, 1600);
    ck_assert_uint_eq(mrrc_ok(&g, 0), 100);     /* CNTPCT */
    ck_assert_uint_eq(mrrc_ok(&g, 1), 100);     /* CNTVCT, CNTVOFF 0 */
    /* CNTVOFF needs Hyp mode; from SVC it is UNDEFINED. */
    ck_assert_int_eq(mcrr(&g, 4, 40), -1);
    g.cpu->cpsr_ctl = MODE_HYP;
    ck_assert_int_eq(mcrr(&g, 4, 40), 0);
    ck_assert_uint_eq(mrrc_ok(&g, 4), 40);
    g.cpu->cpsr_ctl = MODE_SVC;
    ck_assert_uint_eq(mrrc_ok(&g, 1), 60);
    /* The counters are read-only. */
    ck_assert_int_eq(mcrr(&g, 0, 0), -1);
    ck_assert_int_eq(mcrr(&g, 1, 0), -1);
    /* CNTFRQ is writable at PL1 (what software is told, not the rate). */
    ck_assert_int_eq(mcr(&g, 0, 0, 0, 24000000), 0);
    ck_assert_uint_eq(mrc_ok(&g, 0, 0, 0), 24000000);
    advance_ns(g.f, 16);
    ck_assert_uint_eq(mrrc_ok(&g, 0), 101);

    /* PL0: nothing without CNTKCTL; then the virtual counter only. */
    uint32_t v;
    uint64_t v64;
    g.cpu->cpsr_ctl = MODE_USR;
    ck_assert_int_eq(g.cpu->gtimer->read64(g.cpu->gtimer_opaque, g.cpu, 1, &v64), -1);
    ck_assert_int_eq(mrc(&g, 0, 0, 0, &v), -1);
    ck_assert_int_eq(mrc(&g, 0, 1, 0, &v), -1);      /* CNTKCTL: PL1 only */
    g.cpu->cpsr_ctl = MODE_SVC;
    ck_assert_int_eq(mcr(&g, 0, 1, 0, 0x2), 0);      /* PL0VCTEN */
    g.cpu->cpsr_ctl = MODE_USR;
    ck_assert_int_eq(g.cpu->gtimer->read64(g.cpu->gtimer_opaque, g.cpu, 1, &v64), 0);
    ck_assert_uint_eq(v64, 61);
    ck_assert_int_eq(g.cpu->gtimer->read64(g.cpu->gtimer_opaque, g.cpu, 0, &v64), -1);
    ck_assert_int_eq(mrc(&g, 0, 0, 0, &v), 0);       /* CNTFRQ with a counter enabled */
    ck_assert_int_eq(mcr(&g, 0, 0, 0, 1), -1);       /* but never written at PL0 */
    ck_assert_int_eq(mrc(&g, CNTV_CTL, &v), -1);     /* the timers need PL0VTEN */
    g.cpu->cpsr_ctl = MODE_SVC;

    /* Encodings that are not generic timer registers are UNDEFINED. */
    ck_assert_int_eq(mrc(&g, 0, 4, 0, &v), -1);
    ck_assert_int_eq(mrc(&g, 1, 2, 0, &v), -1);
    gt_fixture_free(&g);
}
END_TEST

START_TEST(test_generic_timer_virtual_cval_tval)
{
    struct gt_fixture g = gt_fixture_new();
    /* Linux's clockevent: TVAL then ENABLE (IMASK clear). 1000 ticks = 16 us. */
    ck_assert_int_eq(mcr(&g, CNTV_TVAL, 1000), 0);
    ck_assert_uint_eq(mrrc_ok(&g, 3), 1000);         /* CNTV_CVAL */
    ck_assert_int_eq(mcr(&g, CNTV_CTL, GTCTL_ENABLE), 0);
    ck_assert_uint_eq(mrc_ok(&g, CNTV_CTL), GTCTL_ENABLE);
    advance_ns(g.f, 16 * 1000 - 1);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 0);
    ck_assert_uint_eq(mrc_ok(&g, CNTV_TVAL), 1);
    advance_ns(g.f, 1);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 1);
    ck_assert_uint_eq(mrc_ok(&g, CNTV_CTL), GTCTL_ENABLE | GTCTL_ISTATUS);
    /* TVAL goes negative once the compare value has passed. */
    advance_ns(g.f, 160);
    ck_assert_int_eq((int32_t)mrc_ok(&g, CNTV_TVAL), -10);
    /* IMASK drops the output, ISTATUS stays. */
    ck_assert_int_eq(mcr(&g, CNTV_CTL, GTCTL_ENABLE | GTCTL_IMASK), 0);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 0);
    ck_assert_uint_eq(mrc_ok(&g, CNTV_CTL), GTCTL_ENABLE | GTCTL_IMASK | GTCTL_ISTATUS);
    /* ENABLE clear: no ISTATUS, no output. */
    ck_assert_int_eq(mcr(&g, CNTV_CTL, 0), 0);
    ck_assert_uint_eq(mrc_ok(&g, CNTV_CTL), 0);

    /* TVAL is sign-extended: -256 puts CVAL in the past, firing at once. */
    uint64_t count = mrrc_ok(&g, 1);
    ck_assert_int_eq(mcr(&g, CNTV_TVAL, 0xffffff00), 0);
    ck_assert_uint_eq(mrrc_ok(&g, 3), count - 256);
    ck_assert_int_eq(mcr(&g, CNTV_CTL, GTCTL_ENABLE), 0);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 1);

    /* CVAL written directly (64-bit): compared with CNTVCT. */
    ck_assert_int_eq(mcrr(&g, 3, count + 5000), 0);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 0);
    /* A CNTVOFF change moves CNTVCT: 1000 ticks back delays the match. */
    g.cpu->cpsr_ctl = MODE_HYP;
    ck_assert_int_eq(mcrr(&g, 4, 1000), 0);
    g.cpu->cpsr_ctl = MODE_SVC;
    /* Now on a tick boundary: the match is 5000 + 1000 ticks away. */
    ck_assert_uint_eq(now_ns(g.f) % 16, 0);
    advance_ns(g.f, 16 * 6000 - 1);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 0);
    advance_ns(g.f, 1);
    ck_assert_int_eq(g.f->probe.level[GT_VIRT], 1);
    ck_assert_uint_eq(mrrc_ok(&g, 1), count + 5000);
    /* Only the virtual timer's line moved. */
    ck_assert_int_eq(g.f->probe.level[GT_PHYS_SECURE], 0);
    ck_assert_int_eq(g.f->probe.level[GT_PHYS_NONSECURE], 0);
    ck_assert_int_eq(g.f->probe.level[GT_HYP], 0);
    gt_fixture_free(&g);
}
END_TEST

START_TEST(test_generic_timer_physical_banks_and_hyp)
{
    struct gt_fixture g = gt_fixture_new();
    /* Secure (SCR.NS = 0, the reset state): CNTP_* drive PPI 13 (ID 29). */
    ck_assert_int_eq(mcr(&g, CNTP_TVAL, 10), 0);
    ck_assert_int_eq(mcr(&g, CNTP_CTL, GTCTL_ENABLE), 0);
    /* Non-secure: a separate bank, driving PPI 14 (ID 30). */
    g.cpu->cp15.scr = 1;
    ck_assert_uint_eq(mrc_ok(&g, CNTP_CTL), 0);
    ck_assert_int_eq(mcr(&g, CNTP_TVAL, 20), 0);
    ck_assert_int_eq(mcr(&g, CNTP_CTL, GTCTL_ENABLE), 0);
    advance_ns(g.f, 160);
    ck_assert_int_eq(g.f->probe.level[GT_PHYS_SECURE], 1);
    ck_assert_int_eq(g.f->probe.level[GT_PHYS_NONSECURE], 0);
    advance_ns(g.f, 160);
    ck_assert_int_eq(g.f->probe.level[GT_PHYS_NONSECURE], 1);
    ck_assert_uint_eq(mrrc_ok(&g, 2), 20);           /* the Non-secure CNTP_CVAL */
    g.cpu->cp15.scr = 0;
    ck_assert_uint_eq(mrrc_ok(&g, 2), 10);           /* the Secure one */

    /* The Hyp timer: Hyp mode only, PPI 10 (ID 26). */
    uint32_t v;
    ck_assert_int_eq(mrc(&g, CNTHP_CTL, &v), -1);
    ck_assert_int_eq(mcrr(&g, 6, 0), -1);
    g.cpu->cpsr_ctl = MODE_HYP;
    ck_assert_int_eq(mcrr(&g, 6, mrrc_ok(&g, 0) + 3), 0);
    ck_assert_int_eq(mcr(&g, CNTHP_CTL, GTCTL_ENABLE), 0);
    advance_ns(g.f, 48);
    ck_assert_int_eq(g.f->probe.level[GT_HYP], 1);
    ck_assert_uint_eq(mrc_ok(&g, 4, 1, 0), 3);        /* CNTHCTL reset: PL1PCTEN|PL1PCEN */

    /* Reset: every timer disabled, outputs low, CNTFRQ back to 62.5 MHz. */
    generic_timer_reset(g.gt);
    for (unsigned i = 0; i < GT_TIMER_COUNT; i++)
        ck_assert_int_eq(g.f->probe.level[i], 0);
    ck_assert_uint_eq(mrc_ok(&g, 0, 0, 0), 62500000);

    /* A CPU the timer was not built for is refused. */
    struct arm_cpu *other = calloc(1, sizeof(*other));
    ck_assert_ptr_nonnull(other);
    other->index = 1;
    ck_assert_int_eq(generic_timer_attach_cpu(g.gt, other), -EINVAL);
    free(other);
    gt_fixture_free(&g);
}
END_TEST

/* ---- SCU and PL310 ---- */

START_TEST(test_scu_registers)
{
    struct a9_scu *scu = a9_scu_create("scu", 0x1e000000, 4, NULL);
    ck_assert_ptr_nonnull(scu);
    struct device *d = &scu->dev;
    /* 4 CPUs: CPU number 3, all SMP, 32 KiB tag RAMs. */
    ck_assert_uint_eq(rd(d, 0x04), 0x55f3);
    ck_assert_uint_eq(rd(d, 0x50), 0xf);
    wr(d, 0x00, 1);
    ck_assert_uint_eq(rd(d, 0x00), 1);
    /* CPU power status: byte per CPU. */
    d->ops->write(d, 0x09, 0x03, 1);
    ck_assert_uint_eq(rd(d, 0x08), 0x0300);
    ck_assert_uint_eq(d->ops->read(d, 0x09, 1), 0x03);
    wr(d, 0x0c, 0xffff);        /* invalidate all: accepted */
    wr(d, 0x40, 0x1ff12345);
    ck_assert_uint_eq(rd(d, 0x40), 0x1ff00000);
    d->destroy(d);

    scu = a9_scu_create("scu", 0x1e000000, 1, NULL);
    ck_assert_uint_eq(rd(&scu->dev, 0x04) & 3, 0);
    scu->dev.destroy(&scu->dev);
    ck_assert_ptr_null(a9_scu_create("scu", 0, 5, NULL));
}
END_TEST

START_TEST(test_pl310_registers)
{
    struct fixture *f = fixture_new();
    struct pl310 *l2 = pl310_create("l2cc", 0x1e00a000, probe_line(f, 0), NULL);
    ck_assert_ptr_nonnull(l2);
    struct device *d = &l2->dev;
    /* "L2C-310: CACHE_ID 0x410000c8", aux control 0x02020000 before Linux. */
    ck_assert_uint_eq(rd(d, 0x000), 0x410000c8);
    ck_assert_uint_eq(rd(d, 0x104), 0x02020000);
    wr(d, 0x104, 0x46420001);
    ck_assert_uint_eq(rd(d, 0x104), 0x46420001);
    wr(d, 0x108, 0x111);
    wr(d, 0x10c, 0x121);
    ck_assert_uint_eq(rd(d, 0x108), 0x111);
    ck_assert_uint_eq(rd(d, 0x10c), 0x121);
    wr(d, 0x100, 1);
    ck_assert_uint_eq(rd(d, 0x100), 1);
    /* Maintenance completes at once: the polled registers read 0. */
    wr(d, 0x77c, 0xff);
    ck_assert_uint_eq(rd(d, 0x77c), 0);
    wr(d, 0x730, 0);
    ck_assert_uint_eq(rd(d, 0x730), 0);
    wr(d, 0x7f0, 0x60001000);
    ck_assert_uint_eq(rd(d, 0x7f0), 0);
    /* Lockdown and the rest are stored. */
    wr(d, 0x900, 0x0f);
    wr(d, 0x93c, 0xf0);
    ck_assert_uint_eq(rd(d, 0x900), 0x0f);
    ck_assert_uint_eq(rd(d, 0x93c), 0xf0);
    wr(d, 0xc04, 0xc0000000);
    wr(d, 0xc00, 0x40000001);
    ck_assert_uint_eq(rd(d, 0xc00), 0x40000001);
    ck_assert_uint_eq(rd(d, 0xf80), 0);     /* "dynamic clock gating disabled" */
    wr(d, 0xf60, 0x70000007);
    ck_assert_uint_eq(rd(d, 0xf60), 0x70000007);
    ck_assert_int_eq(f->probe.level[0], 0);
    d->reset(d);
    ck_assert_uint_eq(rd(d, 0x100), 0);
    d->destroy(d);
    free(f);
}
END_TEST

Suite *timers_v7_suite(void)
{
    Suite *s = suite_create("timers_v7");
    TCase *tc = tcase_create("a9_private_timer");
    tcase_add_test(tc, test_twd_periodic_reload);
    tcase_add_test(tc, test_twd_oneshot_and_counter_write);
    tcase_add_test(tc, test_twd_prescaler_and_calibration);
    tcase_add_test(tc, test_twd_watchdog_and_banking);
    suite_add_tcase(s, tc);
    tc = tcase_create("a9_global_timer");
    tcase_add_test(tc, test_global_timer_comparator);
    suite_add_tcase(s, tc);
    tc = tcase_create("generic_timer");
    tcase_add_test(tc, test_generic_timer_counters);
    tcase_add_test(tc, test_generic_timer_virtual_cval_tval);
    tcase_add_test(tc, test_generic_timer_physical_banks_and_hyp);
    suite_add_tcase(s, tc);
    tc = tcase_create("scu_pl310");
    tcase_add_test(tc, test_scu_registers);
    tcase_add_test(tc, test_pl310_registers);
    suite_add_tcase(s, tc);
    return s;
}
