/*
 * The virtual generic timer (ARM ARM B8.2; ABI doc 10): CNTVCT is the
 * domain's virtual count, CNTV_CVAL/CTL raise PPI INTID 27 while
 * ENABLE && !IMASK && CNTVCT >= CVAL.
 */
#include "cpu_v7.h"
#include "timer.h"

static uint32_t frequency;

void timer_init(void)
{
    frequency = cp15_cntfrq_read();
    if (!frequency)
        frequency = 62500000;   /* the vexpress-a15 model's rate, if CNTFRQ is unset */
    cp15_cntv_ctl_write(CNT_CTL_IMASK);
}

uint64_t timer_now(void)
{
    return cp15_cntvct_read();
}

uint32_t timer_frequency(void)
{
    return frequency;
}

uint64_t timer_ms_to_ticks(uint64_t ms)
{
    return ms * frequency / 1000u;
}

uint64_t timer_ticks_to_ms(uint64_t ticks)
{
    return ticks * 1000u / frequency;
}

void timer_arm(uint64_t deadline)
{
    if (!deadline) {
        cp15_cntv_ctl_write(CNT_CTL_IMASK);
        return;
    }
    cp15_cntv_cval_write(deadline);
    cp15_cntv_ctl_write(CNT_CTL_ENABLE);
    __asm__ volatile("isb" : : : "memory");
}

void timer_irq(void)
{
    /* Level interrupt: mask it; the scheduler re-arms for the next deadline. */
    cp15_cntv_ctl_write(CNT_CTL_ENABLE | CNT_CTL_IMASK);
}
