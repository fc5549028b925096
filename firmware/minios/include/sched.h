/*
 * Cooperative threads. A thread runs until it yields, sleeps or waits;
 * interrupts never switch threads, they only bump irq_generation, which
 * makes every waiting thread re-check its condition. When nothing can run
 * the idle loop arms the virtual timer for the earliest deadline and
 * blocks the vCPU (SCHEDOP_block) until an interrupt or event arrives.
 */
#ifndef MINIOS_SCHED_H
#define MINIOS_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "timer.h"

/* Bumped by every interrupt (event upcall, timer, UART). */
extern volatile uint32_t irq_generation;

struct thread;

void sched_init(void);
/* Creates a runnable thread; NULL when the table is full. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg);
void thread_yield(void);
__attribute__((noreturn)) void thread_exit(void);
void thread_sleep_ms(uint32_t ms);
/*
 * Sleeps until irq_generation differs from seen or the tick deadline passes
 * (deadline 0: no deadline). The caller read `seen` before checking its
 * condition, so an interrupt in between is never lost.
 */
void thread_wait(uint32_t seen, uint64_t deadline);
const char *thread_name(void);

/* Waits until cond is true or the deadline (ticks, 0 = none) passes; returns cond. */
#define wait_until(cond, deadline) ({                                   \
        bool ok_;                                                       \
        uint64_t dl_ = (deadline);                                      \
        for (;;) {                                                      \
            uint32_t seen_ = irq_generation;                            \
            if ((ok_ = (cond)))                                         \
                break;                                                  \
            if (dl_ && timer_now() >= dl_)                              \
                break;                                                  \
            thread_wait(seen_, dl_);                                    \
        }                                                               \
        ok_;                                                            \
    })

#endif
