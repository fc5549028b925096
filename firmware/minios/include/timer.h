/*
 * Time from the virtual generic timer (ARM ARM B8): CNTVCT counts ticks at
 * CNTFRQ; the virtual timer interrupt is PPI INTID 27 (ABI doc 10).
 */
#ifndef MINIOS_TIMER_H
#define MINIOS_TIMER_H

#include <stdint.h>

void timer_init(void);
uint64_t timer_now(void);               /* ticks (CNTVCT) */
uint32_t timer_frequency(void);         /* ticks per second (CNTFRQ) */
uint64_t timer_ms_to_ticks(uint64_t ms);
uint64_t timer_ticks_to_ms(uint64_t ticks);
/* Fires INTID 27 at the tick deadline (0: disarm). */
void timer_arm(uint64_t deadline);
/* The interrupt: masks the timer so the level interrupt drops. */
void timer_irq(void);

#endif
