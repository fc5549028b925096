/*
 * gic: the GIC-400 distributor and CPU interface of the V2P-CA15 tile.
 *
 * Why: every interrupt Linux takes on the Cortex-A15 goes through the
 * GIC: it acknowledges with GICC_IAR, relies on the priority logic to
 * keep a lower-priority interrupt from interrupting a higher one (and to
 * let a higher one in), masks with GICC_PMR, sends IPIs as SGIs, and (with
 * KVM or split EOI) separates priority drop from deactivation.  An
 * emulator that gets the running priority, the binary point or the
 * active state wrong loses or re-enters interrupts.
 * References: ARM IHI 0048B "GIC Architecture Specification v2": chapter
 * 1 (interrupt types and IDs: SGIs 0-15, PPIs 16-31, SPIs; 1023 =
 * spurious), chapter 3 "Interrupt Handling and Prioritization" (the
 * interrupt states pending, active, active and pending; spurious
 * interrupts; priority grouping by the binary point, table 3-2
 * group/subpriority split; preemption only by a higher group priority;
 * the running priority; priority drop and deactivation with
 * GICC_CTLR.EOImode and GICC_DIR), chapter 4 "Programmers' Model" (the
 * GICD_SGIR, GICD_ITARGETSRn, GICD_ISENABLERn, GICC_PMR, GICC_BPR,
 * GICC_IAR, GICC_EOIR, GICC_RPR, GICC_HPPIR, GICC_DIR descriptions);
 * CoreLink GIC-400 TRM DDI 0471B (5 priority bits, 160 IDs here); ARM ARM
 * DDI 0406C B1.8 "Exception handling" (IRQ entry) for the nested handler.
 *
 * Checked:
 *  1. GICD_TYPER (160 IDs, one CPU), implemented priority bits (GIC-400:
 *     5, priority fields read back 0xf8), GICD_ITARGETSR0-7 read-only;
 *  2. an SGI to self through GICD_SGIR: pending, IAR = ID with source CPU
 *     0, active after IAR, RPR = its priority, HPPIR, EOIR -> inactive and
 *     RPR idle (0xff); IAR with nothing pending = 1023 (spurious);
 *  3. priority order: three SGIs raised together are taken highest
 *     priority first; a disabled SPI stays pending and is never taken;
 *  4. PMR masking: an interrupt of priority >= PMR is not signalled (IAR
 *     1023, no IRQ exception) until PMR is raised above it;
 *  5. preemption: inside the handler of a priority-0x80 SGI, with IRQs
 *     re-enabled in System mode (nested IRQ enable), a priority-0x40 SGI
 *     interrupts it (BPR 2: group priority [7:3]) and RPR tracks the
 *     nesting as the group priority; with BPR 7 (no group bits) it waits
 *     for the EOI; with BPR 5 (group [7:6]) priority 0x90 waits (same
 *     group) and 0x40 preempts;
 *  6. EOImode 1: EOIR drops the running priority but leaves the interrupt
 *     active; a new instance stays pending (not signalled) until GICC_DIR
 *     deactivates the first;
 *  7. an SPI made pending through GICD_ISPENDR is delivered to CPU 0, and
 *     GICD_CTLR / GICC_CTLR = 0 stop forwarding / signalling.
 */
#include "runtime.h"

#define SGI_A       1
#define SGI_B       2
#define SGI_C       3
#define SPI_TEST    (32 + 40)   /* an unconnected SPI: only software pends it */

static u32 prio_mask;           /* the implemented priority bits, e.g. 0xf8 */
static u32 targets0;            /* GICD_ITARGETSR0: 0 on a uniprocessor GIC */

/* ---- Event log: ISR entries and exits in order ------------------------- */

struct irq_log {
    u32 n;
    u32 ev[16];
    u32 rpr[16];    /* GICC_RPR at each event */
};

static volatile struct irq_log lg;

#define EV_ENTER(id)    (0x100u | (id))
#define EV_EXIT(id)     (0x200u | (id))

static void log_event(u32 ev)
{
    if (lg.n < ARRAY_SIZE(lg.ev)) {
        lg.ev[lg.n] = ev;
        lg.rpr[lg.n] = gicc_read(GICC_RPR);
    }
    lg.n++;
}

static void log_reset(void)
{
    lg.n = 0;
}

static void check_log(const char *what, const u32 *want, u32 n)
{
    if (lg.n != n) {
        for (u32 i = 0; i < lg.n && i < ARRAY_SIZE(lg.ev); i++)
            printf("  event %u: %03x (RPR %02x)\n", i, lg.ev[i], lg.rpr[i]);
        test_fail("%s: %u events, expected %u", what, lg.n, n);
    }
    for (u32 i = 0; i < n; i++)
        if (lg.ev[i] != want[i])
            test_fail("%s: event %u is %03x, expected %03x", what, i, lg.ev[i], want[i]);
}

static void simple_isr(u32 iar)
{
    log_event(EV_ENTER(GICC_IAR_ID(iar)));
}

/* Let a pending interrupt be taken: IRQs on for a while, then off again. */
static void irq_window(void)
{
    cpu_irq_enable();
    for (volatile u32 i = 0; i < 2000; i++)
        ;
    cpu_irq_disable();
}

/*
 * run_nested(fn): called from an IRQ handler (IRQ mode, I set), runs fn in
 * System mode with IRQs enabled, then returns to IRQ mode with I set.  The
 * handler's LR_irq and SPSR_irq are already saved in the runtime's frame
 * and its own return address is pushed on the IRQ stack here, so a nested
 * IRQ (which rewrites LR_irq and SPSR_irq) loses nothing.
 */
void run_nested(void (*fn)(void));
__asm__(
"   .syntax unified\n"
"   .text\n"
"   .arm\n"
"   .global run_nested\n"
"   .type run_nested, %function\n"
"run_nested:\n"
"   push    {r4, lr}\n"
"   mrs     r4, cpsr\n"
"   msr     cpsr_c, #0x5f\n"        /* System mode, IRQ enabled, FIQ masked */
"   blx     r0\n"
"   msr     cpsr_c, r4\n"           /* back to IRQ mode, I set */
"   pop     {r4, pc}\n"
"   .size run_nested, . - run_nested\n");

/* ---- 1. Identification ----------------------------------------------------- */

static void test_ident(void)
{
    u32 typer = gicd_read(GICD_TYPER);

    TEST_EQ("GICD_TYPER.ITLinesNumber (160 IDs)", typer & 0x1f, 4);
    TEST_EQ("GICD_TYPER.CPUNumber (one CPU)", (typer >> 5) & 7, 0);
    TEST_EQ("gic_num_irqs", gic_num_irqs(), 160);

    gic_set_priority(SPI_TEST, 0xff);
    prio_mask = gic_get_priority(SPI_TEST);
    TEST_EQ_QEMU_DEVIATION("priority bits implemented (GIC-400: 5)", prio_mask, 0xf8, 0xff);
    gic_set_priority(SPI_TEST, 0xa0);
    TEST_EQ("priority reads back", gic_get_priority(SPI_TEST), 0xa0);
    gicc_write(GICC_PMR, 0xff);
    TEST_EQ("GICC_PMR implements the same bits", gicc_read(GICC_PMR), prio_mask);

    /*
     * ITARGETSR0-7 are read-only: each byte is the reading CPU's own bit
     * (a multiprocessor GIC-400, as on the two-CPU V2P-CA15), or all zero
     * in a uniprocessor implementation (IHI 0048B, GICD_ITARGETSRn: RAZ/WI; what
     * QEMU does with one CPU).  Either way all the same, whatever is written.
     */
    targets0 = gicd_read(GICD_ITARGETSR);
    TEST_TRUE("ITARGETSR0: this CPU's bit or RAZ", targets0 == 0x01010101u || targets0 == 0);
    for (u32 id = 0; id < 32; id += 4) {
        gicd_write(GICD_ITARGETSR + id, 0xfefefefeu);
        TEST_EQ("ITARGETSR of SGIs/PPIs: read-only", gicd_read(GICD_ITARGETSR + id), targets0);
    }
    printf("1. GICD_TYPER %08x (160 IDs, 1 CPU), priority mask %02x, ITARGETSR0-7 %08x: ok\n",
           typer, prio_mask, targets0);
}

/* ---- 2. One SGI, by hand ------------------------------------------------------ */

static void test_sgi_manual(void)
{
    TEST_EQ("idle: IAR = 1023 (spurious)", gicc_read(GICC_IAR), GIC_SPURIOUS);
    TEST_EQ("idle: RPR = 0xff", gicc_read(GICC_RPR), 0xff);
    TEST_EQ("idle: HPPIR = 1023", GICC_IAR_ID(gicc_read(GICC_HPPIR)), GIC_SPURIOUS);

    gic_set_priority(SGI_A, 0x60);
    gic_enable(SGI_A);
    gic_sgi_self(SGI_A);
    TEST_TRUE("SGI pending after GICD_SGIR", gic_is_pending(SGI_A));
    TEST_EQ("GICD_SPENDSGIR0: SGI 1 from CPU 0", gicd_read(GICD_SPENDSGIR) & 0xff00, 0x0100);
    TEST_EQ("HPPIR = the SGI", gicc_read(GICC_HPPIR), SGI_A);

    u32 iar = gicc_read(GICC_IAR);
    TEST_EQ("IAR: SGI 1, source CPU 0", iar, SGI_A);
    TEST_TRUE("active after IAR", gic_is_active(SGI_A));
    TEST_TRUE("not pending after IAR", !gic_is_pending(SGI_A));
    TEST_EQ("RPR = the SGI's priority", gicc_read(GICC_RPR), 0x60);
    TEST_EQ("nothing else: IAR = 1023", gicc_read(GICC_IAR), GIC_SPURIOUS);

    gicc_write(GICC_EOIR, iar);
    TEST_TRUE("inactive after EOIR", !gic_is_active(SGI_A));
    TEST_EQ("RPR idle after EOIR", gicc_read(GICC_RPR), 0xff);
    printf("2. SGI to self: pending, IAR %x, active, RPR, EOIR, spurious 1023: ok\n", iar);
}

/* ---- 3. Priority order ----------------------------------------------------------- */

static void test_priority_order(void)
{
    static const u32 want[] = { EV_ENTER(SGI_C), EV_ENTER(SGI_A), EV_ENTER(SGI_B) };

    gic_set_isr(SGI_A, simple_isr);
    gic_set_isr(SGI_B, simple_isr);
    gic_set_isr(SGI_C, simple_isr);
    gic_set_priority(SGI_A, 0x80);
    gic_set_priority(SGI_B, 0xc0);
    gic_set_priority(SGI_C, 0x20);
    gic_enable(SGI_A);
    gic_enable(SGI_B);
    gic_enable(SGI_C);
    /*
     * A disabled interrupt stays pending and is not forwarded.  An SPI:
     * whether SGIs can be disabled is IMPLEMENTATION DEFINED (IHI 0048B
     * GICD_ISENABLERn); the GIC-400 keeps them enabled.
     */
    gic_set_priority(SPI_TEST, 0x00);
    gic_disable(SPI_TEST);

    log_reset();
    gic_sgi_self(SGI_B);
    gic_sgi_self(SGI_A);
    gic_set_pending(SPI_TEST);
    gic_sgi_self(SGI_C);
    irq_window();
    check_log("three SGIs by priority", want, ARRAY_SIZE(want));
    TEST_TRUE("disabled SPI stays pending", gic_is_pending(SPI_TEST));
    TEST_EQ("disabled SPI not signalled", gicc_read(GICC_IAR), GIC_SPURIOUS);
    gic_clear_pending(SPI_TEST);
    TEST_TRUE("ICPENDR clears it", !gic_is_pending(SPI_TEST));
    printf("3. SGIs taken by priority (0x20, 0x80, 0xc0); a disabled SPI held pending: ok\n");
}

/* ---- 4. PMR ----------------------------------------------------------------------- */

static void test_pmr(void)
{
    static const u32 want[] = { EV_ENTER(SGI_A) };

    gic_set_priority(SGI_A, 0x80);
    gicc_write(GICC_PMR, 0x80);
    log_reset();
    gic_sgi_self(SGI_A);
    irq_window();
    TEST_EQ("PMR = priority: no IRQ", lg.n, 0);
    TEST_EQ("PMR = priority: IAR = 1023", gicc_read(GICC_IAR), GIC_SPURIOUS);
    TEST_TRUE("still pending", gic_is_pending(SGI_A));
    gicc_write(GICC_PMR, 0x40);
    irq_window();
    TEST_EQ("PMR above priority: no IRQ", lg.n, 0);
    gicc_write(GICC_PMR, 0x88);
    irq_window();
    check_log("PMR below priority: taken", want, ARRAY_SIZE(want));
    gicc_write(GICC_PMR, 0xff);
    printf("4. PMR masks priorities >= PMR, unmasking delivers: ok\n");
}

/* ---- 5. Preemption and the binary point ---------------------------------------------- */

static volatile u32 nested_sgi;     /* what the outer handler raises */

static void outer_body(void)
{
    log_event(EV_ENTER(SGI_A));
    gic_sgi_self(nested_sgi);
    for (volatile u32 i = 0; i < 2000; i++)
        ;
    log_event(EV_EXIT(SGI_A));
}

static void outer_isr(u32 iar)
{
    (void)iar;
    run_nested(outer_body);
}

static void run_preemption(const char *what, u32 bpr, u32 inner_prio, bool preempts)
{
    const u32 want_pre[] = { EV_ENTER(SGI_A), EV_ENTER(nested_sgi), EV_EXIT(SGI_A) };
    const u32 want_wait[] = { EV_ENTER(SGI_A), EV_EXIT(SGI_A), EV_ENTER(nested_sgi) };

    gicc_write(GICC_BPR, bpr);
    gic_set_priority(SGI_A, 0x80);
    gic_set_priority(nested_sgi, inner_prio);
    log_reset();
    gic_sgi_self(SGI_A);
    irq_window();
    check_log(what, preempts ? want_pre : want_wait, 3);
    /*
     * RPR is the group priority of the highest-priority active interrupt
     * (IHI 0048B chapter 3, GICC_RPR): the bits above the binary point.
     */
    u32 group = (0xffu << (bpr + 1)) & prio_mask;
    TEST_EQ("RPR in the outer handler", lg.rpr[0], 0x80 & group);
    if (preempts) {
        TEST_EQ("RPR in the nested handler", lg.rpr[1], inner_prio & group);
        TEST_EQ("RPR back to the outer priority after the nested EOI", lg.rpr[2], 0x80 & group);
    } else {
        TEST_EQ("RPR unchanged while the other waits", lg.rpr[1], 0x80 & group);
    }
    TEST_EQ("RPR idle at the end", gicc_read(GICC_RPR), 0xff);
}

static void test_preemption(void)
{
    gic_set_isr(SGI_A, outer_isr);
    gic_set_isr(SGI_B, simple_isr);
    nested_sgi = SGI_B;

    /* The minimum BPR depends on the priority bits (IHI 0048B, GICC_BPR). */
    gicc_write(GICC_BPR, 0);
    u32 min_bpr = gicc_read(GICC_BPR);
    TEST_EQ_QEMU_DEVIATION("minimum BPR (5 priority bits: 2)", min_bpr, 2, 0);
    gicc_write(GICC_BPR, 7);
    TEST_EQ("BPR = 7 reads back", gicc_read(GICC_BPR), 7);

    run_preemption("BPR 2: 0x40 preempts 0x80", 2, 0x40, true);
    run_preemption("BPR 7: no preemption at all", 7, 0x40, false);
    run_preemption("BPR 5: 0x90 is in 0x80's group, waits", 5, 0x90, false);
    run_preemption("BPR 5: 0x40 preempts 0x80", 5, 0x40, true);
    run_preemption("BPR 2: 0xc0 (lower priority) waits", 2, 0xc0, false);
    gicc_write(GICC_BPR, 0);
    gic_set_isr(SGI_A, simple_isr);
    printf("5. preemption of a nested-enabled handler by group priority (BPR 2/5/7), RPR: ok\n");
}

/* ---- 6. EOImode 1: priority drop and deactivation ------------------------------------- */

static void test_eoimode(void)
{
    gicc_write(GICC_CTLR, GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
    TEST_EQ("GICC_CTLR.EOImodeS set", gicc_read(GICC_CTLR) & (GICC_CTLR_EOIMODE | 1),
            GICC_CTLR_EOIMODE | 1);
    gic_set_priority(SGI_A, 0x80);
    gic_sgi_self(SGI_A);
    u32 iar = gicc_read(GICC_IAR);
    TEST_EQ("IAR", iar, SGI_A);
    gicc_write(GICC_EOIR, iar);
    TEST_EQ("EOImode 1: EOIR drops the running priority", gicc_read(GICC_RPR), 0xff);
    TEST_TRUE("EOImode 1: still active after EOIR", gic_is_active(SGI_A));

    gic_sgi_self(SGI_A);
    TEST_TRUE("second instance pending", gic_is_pending(SGI_A));
    TEST_EQ("active and pending: not signalled", gicc_read(GICC_IAR), GIC_SPURIOUS);

    gicc_write(GICC_DIR, iar);
    TEST_TRUE("GICC_DIR deactivates", !gic_is_active(SGI_A));
    iar = gicc_read(GICC_IAR);
    TEST_EQ("after deactivation the pending instance is signalled", iar, SGI_A);
    gicc_write(GICC_EOIR, iar);
    gicc_write(GICC_DIR, iar);
    TEST_TRUE("inactive at the end", !gic_is_active(SGI_A) && !gic_is_pending(SGI_A));
    gicc_write(GICC_CTLR, GICC_CTLR_ENABLE);
    printf("6. EOImode 1: EOIR drops priority, GICC_DIR deactivates: ok\n");
}

/* ---- 7. SPI, distributor and CPU interface enables -------------------------------------- */

static void test_spi_and_enables(void)
{
    static const u32 want[] = { EV_ENTER(SPI_TEST) };

    gic_set_isr(SPI_TEST, simple_isr);
    gic_set_priority(SPI_TEST, 0x80);
    mmio_write8(VE_GICD_BASE + GICD_ITARGETSR + SPI_TEST, 1);
    /* Uniprocessor: RAZ/WI, every SPI goes to the one CPU (GICD_ITARGETSRn). */
    TEST_EQ("SPI target CPU 0", mmio_read8(VE_GICD_BASE + GICD_ITARGETSR + SPI_TEST),
            targets0 ? 1 : 0);
    gic_enable(SPI_TEST);

    gicd_write(GICD_CTLR, 0);
    log_reset();
    gic_set_pending(SPI_TEST);
    irq_window();
    TEST_EQ("GICD_CTLR = 0: nothing forwarded", lg.n, 0);
    TEST_EQ("GICD_CTLR = 0: IAR = 1023", gicc_read(GICC_IAR), GIC_SPURIOUS);
    gicd_write(GICD_CTLR, 1);
    gicc_write(GICC_CTLR, 0);
    irq_window();
    TEST_EQ("GICC_CTLR = 0: no IRQ", lg.n, 0);
    gicc_write(GICC_CTLR, GICC_CTLR_ENABLE);
    irq_window();
    check_log("SPI pended by GICD_ISPENDR", want, ARRAY_SIZE(want));
    TEST_TRUE("SPI inactive and not pending after its EOI",
              !gic_is_pending(SPI_TEST) && !gic_is_active(SPI_TEST));
    gic_disable(SPI_TEST);
    printf("7. SPI %u pended by software reaches CPU 0; distributor/CPU enables gate it: ok\n",
           SPI_TEST);
}

int main(void)
{
    printf("gic: GIC-400 priorities, preemption, SGIs, EOI modes on %s\n", BOARD_NAME);
    gic_init();
    exc_set_hook(EXC_IRQ, gic_irq_hook);

    test_ident();
    test_sgi_manual();
    test_priority_order();
    test_pmr();
    test_preemption();
    test_eoimode();
    test_spi_and_enables();
    test_pass();
}
