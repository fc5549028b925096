/*
 * Test verdicts and the end of a run.  The harness reads one line,
 * "Test result: SUCCESS" or "Test result: FAILURE: <reason>" (the XTF
 * convention), then we reset or power off the board (board_power_off) so
 * the emulator exits.
 */
#include "runtime.h"

/*
 * Put the CPU in a state where printing and the reset cannot fault,
 * whatever the test left behind: interrupts masked, MMU and alignment
 * checking off (all runtime code and data are identity mapped, so turning
 * the MMU off does not move the instruction stream).  Nothing can be done
 * from User mode, where MSR/MCR are not available; tests never end there.
 */
static void test_quiesce(void)
{
    if ((cpu_read_cpsr() & PSR_MODE_MASK) == MODE_USR)
        return;
    cpu_mask_irqs();
    u32 sctlr = cp15_read_sctlr();
    if (sctlr & (SCTLR_M | SCTLR_A))
        cp15_write_sctlr(sctlr & ~(SCTLR_M | SCTLR_A));
}

void system_reset(void)
{
    uart_flush();
    test_quiesce();
    board_power_off();
}

void test_pass(void)
{
    test_quiesce();
    uart_puts("Test result: SUCCESS\n");
    system_reset();
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    test_quiesce();
    uart_puts("Test result: FAILURE: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    uart_putc('\n');
    system_reset();
}

void runtime_main_returned(int rc)
{
    printf("main returned %d\n", rc);
    system_reset();
}
