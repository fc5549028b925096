/*
 * generic_timer: the Cortex-A15 Generic Timer through the GIC-400.
 *
 * Why: Linux on the Cortex-A15 keeps time with the virtual counter and
 * takes its tick from the virtual timer (arch_timer, PPI 27 on vexpress):
 * an emulator must count at the frequency CNTFRQ advertises, keep CNTVCT a
 * fixed offset from CNTPCT, fire when the count reaches CVAL (not before,
 * and not a unit-conversion later), honour ENABLE and IMASK, report
 * ISTATUS, drive a level-sensitive PPI, and wake a WFI.
 * References: ARM ARM DDI 0406C chapter B8 "The Generic Timer" (the
 * system counter and CNTFRQ; CNTVCT = CNTPCT - CNTVOFF; the timers: TVAL
 * reads (CVAL - count) as a signed 32-bit value, a TVAL write sets CVAL =
 * count + SignExtend(TVAL), the condition is count - CVAL >= 0, CTL.ENABLE,
 * IMASK, ISTATUS; the CNTP_* registers are banked by security state:
 * Secure physical timer PPI 29, Non-secure PPI 30), B4.1 register
 * descriptions (CNTFRQ, CNTPCT, CNTVCT, CNTx_CTL/CVAL/TVAL, SCR), A8.8 WFI
 * and B1.8 "Exception handling" (WFI wakes on an interrupt even with
 * CPSR.I set); GIC IHI 0048B chapters 1 and 3 (PPIs, level sensitive);
 * vexpress-v2p-ca15-tc1.dts timer node (PPIs 13 14 11 10).
 *
 * Checked:
 *  1. CNTFRQ = 62500000 (the value QEMU and armhv-emu reset it to; real
 *     boards have firmware program it);
 *  2. CNTPCT and CNTVCT never go backwards, advance over a delay, and
 *     CNTPCT - CNTVCT stays constant;
 *  3. virtual timer by TVAL: CVAL = count + TVAL, TVAL counts down,
 *     ISTATUS clear until the count reaches CVAL, then interrupt ID 27
 *     through the GIC with the count >= CVAL in the handler (and not more
 *     than 50 ms late), ISTATUS set there; TVAL negative afterwards;
 *  4. virtual timer by CVAL, with a one-tick past value firing at once;
 *  5. IMASK: condition met with IMASK set -> ISTATUS set, no interrupt
 *     pending at the GIC; clearing IMASK delivers it; ENABLE = 0 -> no
 *     interrupt;
 *  6. WFI with CPSR.I set wakes when the timer fires, the IRQ is then
 *     taken as soon as I is cleared;
 *  7. the physical timer (CNTP_TVAL/CTL/CVAL) fires PPI 29 in Secure state
 *     or 30 in Non-secure state (Secure state detected by whether SCR is
 *     readable).
 */
#include "runtime.h"

#define CNT_FREQ        62500000u
#define TICKS_PER_MS    (CNT_FREQ / 1000)
#define MAX_LATE_TICKS  (50 * TICKS_PER_MS)
#define POLL_LIMIT      50000000u

struct timer_seen {
    u32 count;          /* interrupts taken */
    u32 id;             /* last interrupt ID */
    u32 ctl;            /* CNTx_CTL read in the handler */
    u64 cnt_at_irq;     /* the counter in the handler */
    u64 cval;
};

static volatile struct timer_seen seen;

/* Virtual timer ISR: record, then mask the timer so the level drops. */
static void virt_isr(u32 iar)
{
    seen.count++;
    seen.id = GICC_IAR_ID(iar);
    seen.ctl = cp15_cntv_ctl_read();
    seen.cnt_at_irq = cp15_cntvct_read();
    seen.cval = cp15_cntv_cval_read();
    cp15_cntv_ctl_write(CNT_CTL_ENABLE | CNT_CTL_IMASK);
    isb();
}

static void phys_isr(u32 iar)
{
    seen.count++;
    seen.id = GICC_IAR_ID(iar);
    seen.ctl = cp15_cntp_ctl_read();
    seen.cnt_at_irq = cp15_cntpct_read();
    seen.cval = cp15_cntp_cval_read();
    cp15_cntp_ctl_write(CNT_CTL_ENABLE | CNT_CTL_IMASK);
    isb();
}

/* Sleep with WFI until 'count' interrupts were taken (race-free: I masked around the check). */
static void wait_irqs(const char *what, u32 count)
{
    for (u32 i = 0; i < POLL_LIMIT; i++) {
        __asm__ volatile("cpsid i" : : : "memory");
        if (seen.count >= count)
            return;
        wfi();
        __asm__ volatile("cpsie i" : : : "memory");
    }
    test_fail("%s: no interrupt (CNTV_CTL %08x CNTP_CTL %08x)", what, cp15_cntv_ctl_read(),
              cp15_cntp_ctl_read());
}

static void delay_ticks(u64 ticks)
{
    u64 start = cp15_cntpct_read();

    for (u32 i = 0; i < POLL_LIMIT; i++)
        if (cp15_cntpct_read() - start >= ticks)
            return;
    test_fail("counter did not advance by %u ticks", (u32)ticks);
}

static void test_frequency(void)
{
    TEST_EQ("CNTFRQ", cp15_cntfrq_read(), CNT_FREQ);
    printf("1. CNTFRQ = %u Hz: ok\n", cp15_cntfrq_read());
}

static void test_counters(void)
{
    u64 p0 = cp15_cntpct_read(), v0 = cp15_cntvct_read();
    u64 prev_p = p0, prev_v = v0;

    for (u32 i = 0; i < 1000; i++) {
        u64 p = cp15_cntpct_read(), v = cp15_cntvct_read();
        TEST_TRUE("CNTPCT never goes backwards", p >= prev_p);
        TEST_TRUE("CNTVCT never goes backwards", v >= prev_v);
        prev_p = p;
        prev_v = v;
    }
    delay_ticks(TICKS_PER_MS);
    u64 p1 = cp15_cntpct_read();
    u64 v1 = cp15_cntvct_read();
    TEST_TRUE("CNTPCT advances", p1 - p0 >= TICKS_PER_MS);
    TEST_TRUE("CNTVCT advances", v1 - v0 >= TICKS_PER_MS);
    /*
     * CNTVOFF is fixed (only Hyp or Monitor mode writes it): the offset
     * measured twice may differ only by the ticks between the two reads.
     */
    u64 off0 = p0 - v0, off1 = p1 - v1;
    u64 drift = off0 > off1 ? off0 - off1 : off1 - off0;
    TEST_TRUE("CNTPCT - CNTVCT constant", drift < TICKS_PER_MS);
    printf("2. CNTPCT/CNTVCT monotonic, advancing (%u ticks), offset constant: ok\n",
           (u32)(p1 - p0));
}

static void check_fired(const char *what, u32 want_id, u64 cval)
{
    TEST_EQ(what, seen.id, want_id);
    TEST_TRUE("ISTATUS set in the handler", seen.ctl & CNT_CTL_ISTATUS);
    TEST_EQ("CVAL as programmed", (u32)seen.cval, (u32)cval);
    if (seen.cnt_at_irq < cval)
        test_fail("%s: fired at count %u, %u ticks before CVAL", what,
                  (u32)seen.cnt_at_irq, (u32)(cval - seen.cnt_at_irq));
    if (seen.cnt_at_irq - cval > MAX_LATE_TICKS)
        test_fail("%s: fired %u ticks after CVAL (more than 50 ms)", what,
                  (u32)(seen.cnt_at_irq - cval));
}

static void test_virt_tval(void)
{
    const u32 n = 10 * TICKS_PER_MS;

    seen.count = 0;
    u64 before = cp15_cntvct_read();
    cp15_cntv_tval_write(n);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE);
    isb();
    u64 after = cp15_cntvct_read();
    u64 cval = cp15_cntv_cval_read();
    TEST_TRUE("TVAL write: CVAL >= count before + TVAL", cval >= before + n);
    TEST_TRUE("TVAL write: CVAL <= count after + TVAL", cval <= after + n);
    u32 ctl = cp15_cntv_ctl_read();
    TEST_EQ("CNTV_CTL before expiry (ENABLE, ISTATUS clear)", ctl, CNT_CTL_ENABLE);
    s32 t1 = (s32)cp15_cntv_tval_read();
    delay_ticks(TICKS_PER_MS / 10);
    s32 t2 = (s32)cp15_cntv_tval_read();
    TEST_TRUE("TVAL positive before expiry", t1 > 0 && t1 <= (s32)n);
    TEST_TRUE("TVAL counts down", t2 < t1);
    TEST_EQ("no interrupt before expiry", seen.count, 0);

    wait_irqs("virtual timer (TVAL)", 1);
    check_fired("virtual timer interrupt ID", VE_IRQ_VIRT_TIMER, cval);
    TEST_EQ("one interrupt", seen.count, 1);
    TEST_EQ("ISTATUS stays set with IMASK", cp15_cntv_ctl_read(),
            CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS);
    TEST_TRUE("TVAL negative after expiry", (s32)cp15_cntv_tval_read() < 0);
    TEST_TRUE("masked level: PPI 27 no longer pending", !gic_is_pending(VE_IRQ_VIRT_TIMER));
    cp15_cntv_ctl_write(0);
    printf("3. virtual timer by TVAL: ID 27 after %u ticks (programmed %u): ok\n",
           (u32)(seen.cnt_at_irq - before), n);
}

static void test_virt_cval(void)
{
    seen.count = 0;
    u64 cval = cp15_cntvct_read() + 2 * TICKS_PER_MS;
    cp15_cntv_cval_write(cval);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE);
    isb();
    TEST_EQ("CVAL reads back", (u32)cp15_cntv_cval_read(), (u32)cval);
    wait_irqs("virtual timer (CVAL)", 1);
    check_fired("virtual timer interrupt ID (CVAL)", VE_IRQ_VIRT_TIMER, cval);

    /* A compare value already passed: the condition holds at once. */
    seen.count = 0;
    cval = cp15_cntvct_read() - 1;
    cp15_cntv_cval_write(cval);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE | CNT_CTL_IMASK);
    isb();
    TEST_TRUE("past CVAL: ISTATUS set immediately", cp15_cntv_ctl_read() & CNT_CTL_ISTATUS);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE);
    isb();
    wait_irqs("virtual timer (past CVAL)", 1);
    check_fired("virtual timer interrupt ID (past CVAL)", VE_IRQ_VIRT_TIMER, cval);
    cp15_cntv_ctl_write(0);
    printf("4. virtual timer by CVAL, and a CVAL in the past fires at once: ok\n");
}

static void test_imask_enable(void)
{
    seen.count = 0;
    cp15_cntv_tval_write(TICKS_PER_MS);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE | CNT_CTL_IMASK);
    isb();
    delay_ticks(2 * TICKS_PER_MS);
    cpu_irq_enable();
    for (volatile u32 i = 0; i < 1000; i++)
        ;
    cpu_irq_disable();
    TEST_EQ("IMASK: condition met, ISTATUS set", cp15_cntv_ctl_read(),
            CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS);
    TEST_TRUE("IMASK: PPI 27 not pending", !gic_is_pending(VE_IRQ_VIRT_TIMER));
    TEST_EQ("IMASK: no interrupt", seen.count, 0);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE);
    isb();
    TEST_TRUE("IMASK cleared: PPI 27 pending", gic_is_pending(VE_IRQ_VIRT_TIMER));
    wait_irqs("virtual timer after clearing IMASK", 1);
    TEST_EQ("interrupt after clearing IMASK", seen.id, VE_IRQ_VIRT_TIMER);

    /* ENABLE = 0: the output is never asserted, whatever CVAL. */
    seen.count = 0;
    cp15_cntv_cval_write(cp15_cntvct_read() - 1);
    cp15_cntv_ctl_write(0);
    isb();
    cpu_irq_enable();
    delay_ticks(TICKS_PER_MS);
    cpu_irq_disable();
    TEST_EQ("ENABLE = 0: no interrupt", seen.count, 0);
    TEST_TRUE("ENABLE = 0: PPI 27 not pending", !gic_is_pending(VE_IRQ_VIRT_TIMER));
    printf("5. IMASK holds the interrupt back with ISTATUS set; ENABLE = 0 silences: ok\n");
}

static void test_wfi_masked(void)
{
    seen.count = 0;
    cpu_irq_disable();
    cp15_cntv_tval_write(3 * TICKS_PER_MS);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE);
    isb();
    u64 before = cp15_cntvct_read();
    u32 wakeups = 0;
    while (!(cp15_cntv_ctl_read() & CNT_CTL_ISTATUS) && wakeups < POLL_LIMIT) {
        wfi();
        wakeups++;
    }
    u64 after = cp15_cntvct_read();
    TEST_TRUE("WFI with I set returned once the timer fired",
              cp15_cntv_ctl_read() & CNT_CTL_ISTATUS);
    TEST_EQ("no IRQ taken while masked", seen.count, 0);
    TEST_TRUE("PPI 27 pending while masked", gic_is_pending(VE_IRQ_VIRT_TIMER));
    cpu_irq_enable();
    cpu_irq_disable();
    TEST_EQ("IRQ taken once I cleared", seen.count, 1);
    cp15_cntv_ctl_write(0);
    printf("6. WFI with CPSR.I set woke after %u ticks (%u WFI), IRQ taken on unmask: ok\n",
           (u32)(after - before), wakeups);
}

static volatile u32 undef_count;

static void hook_undef(struct exc_frame *f)
{
    undef_count++;
    (void)f;    /* resume at the next instruction (the preset) */
}

/* SCR (B4.1.129) is accessible in Secure PL1 modes only: UNDEFINED otherwise. */
static bool in_secure_state(void)
{
    u32 before = undef_count, scr = 0;

    exc_set_hook(EXC_UNDEF, hook_undef);
    __asm__ volatile("mrc p15, 0, %0, c1, c1, 0" : "+r"(scr) : : "memory");
    exc_set_hook(EXC_UNDEF, 0);
    return undef_count == before && !(scr & 1);
}

static void test_phys(void)
{
    bool secure = in_secure_state();
    u32 want = secure ? VE_IRQ_SEC_PHYS_TIMER : VE_IRQ_PHYS_TIMER;

    seen.count = 0;
    u64 before = cp15_cntpct_read();
    cp15_cntp_tval_write(2 * TICKS_PER_MS);
    cp15_cntp_ctl_write(CNT_CTL_ENABLE);
    isb();
    u64 cval = cp15_cntp_cval_read();
    TEST_TRUE("CNTP_TVAL write sets CNTP_CVAL", cval >= before + 2 * TICKS_PER_MS);
    wait_irqs("physical timer", 1);
    check_fired("physical timer interrupt ID", want, cval);
    cp15_cntp_ctl_write(0);
    printf("7. physical timer (%s state): ID %u: ok\n", secure ? "Secure" : "Non-secure", want);
}

int main(void)
{
    printf("generic_timer: Generic Timer and GIC PPIs on %s\n", BOARD_NAME);
    gic_init();
    exc_set_hook(EXC_IRQ, gic_irq_hook);
    gic_set_isr(VE_IRQ_VIRT_TIMER, virt_isr);
    gic_set_isr(VE_IRQ_PHYS_TIMER, phys_isr);
    gic_set_isr(VE_IRQ_SEC_PHYS_TIMER, phys_isr);
    gic_enable(VE_IRQ_VIRT_TIMER);
    gic_enable(VE_IRQ_PHYS_TIMER);
    gic_enable(VE_IRQ_SEC_PHYS_TIMER);
    cp15_cntv_ctl_write(0);
    cp15_cntp_ctl_write(0);

    test_frequency();
    test_counters();
    test_virt_tval();
    test_virt_cval();
    test_imask_enable();
    test_wfi_masked();
    test_phys();
    test_pass();
}
