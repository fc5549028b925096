/*
 * Cooperative threads (see sched.h). Thread 0 is the boot thread on the
 * boot stack; the others get a stack from a static pool. Round robin among
 * the threads that can run; when none can, arm the timer for the earliest
 * deadline and SCHEDOP_block with interrupts masked, so that an interrupt
 * arriving after the last check is still seen: the hypervisor returns from
 * block as soon as one is pending, and we take it on unmasking.
 */
#include "arch.h"
#include "console.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"

#define MAX_THREADS 8
#define THREAD_STACK_SIZE 0x4000

enum thread_state { THREAD_FREE, THREAD_RUNNABLE, THREAD_WAITING, THREAD_EXITED };

struct thread_context {
    uint32_t r4_r11[8];
    uint32_t sp, lr;
};

struct thread {
    struct thread_context ctx;  /* first: thread_switch saves here */
    enum thread_state state;
    const char *name;
    uint32_t seen_generation;   /* WAITING: wake when irq_generation differs */
    uint64_t deadline;          /* WAITING: wake at this tick (0: none) */
};

static struct thread threads[MAX_THREADS];
static struct thread *current;
static uint8_t stacks[MAX_THREADS][THREAD_STACK_SIZE] __attribute__((aligned(16)));

void thread_switch(struct thread_context *from, struct thread_context *to);
void thread_trampoline(void);

void sched_init(void)
{
    threads[0].state = THREAD_RUNNABLE;
    threads[0].name = "main";
    current = &threads[0];
}

struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
    for (unsigned i = 1; i < MAX_THREADS; i++) {
        struct thread *t = &threads[i];

        if (t->state != THREAD_FREE && t->state != THREAD_EXITED)
            continue;
        memset(t, 0, sizeof(*t));
        t->name = name;
        t->ctx.r4_r11[0] = (uint32_t)(uintptr_t)fn;
        t->ctx.r4_r11[1] = (uint32_t)(uintptr_t)arg;
        t->ctx.sp = (uint32_t)(uintptr_t)(stacks[i] + THREAD_STACK_SIZE);
        t->ctx.lr = (uint32_t)(uintptr_t)thread_trampoline;
        t->state = THREAD_RUNNABLE;
        return t;
    }
    return NULL;
}

static bool can_run(struct thread *t, uint64_t now)
{
    if (t->state == THREAD_RUNNABLE)
        return true;
    if (t->state != THREAD_WAITING)
        return false;
    if (t->seen_generation != irq_generation || (t->deadline && now >= t->deadline)) {
        t->state = THREAD_RUNNABLE;
        return true;
    }
    return false;
}

/* The next thread after current that can run (current itself last). */
static struct thread *pick_next(void)
{
    uint64_t now = timer_now();
    unsigned start = (unsigned)(current - threads);

    for (unsigned i = 1; i <= MAX_THREADS; i++) {
        struct thread *t = &threads[(start + i) % MAX_THREADS];

        if (can_run(t, now))
            return t;
    }
    return NULL;
}

static uint64_t earliest_deadline(void)
{
    uint64_t best = 0;

    for (unsigned i = 0; i < MAX_THREADS; i++) {
        const struct thread *t = &threads[i];

        if (t->state == THREAD_WAITING && t->deadline && (!best || t->deadline < best))
            best = t->deadline;
    }
    return best;
}

static void schedule(void)
{
    struct thread *next;

    for (;;) {
        irq_disable();
        next = pick_next();
        if (next)
            break;
        timer_arm(earliest_deadline());
        HYPERVISOR_sched_op(SCHEDOP_block, NULL);
        irq_enable();       /* the interrupt that woke us is taken here */
    }
    irq_enable();
    if (next != current) {
        struct thread *prev = current;

        current = next;
        thread_switch(&prev->ctx, &next->ctx);
    }
}

void thread_yield(void)
{
    schedule();
}

void thread_wait(uint32_t seen, uint64_t deadline)
{
    if (seen != irq_generation)
        return;
    current->seen_generation = seen;
    current->deadline = deadline;
    current->state = THREAD_WAITING;
    schedule();
}

void thread_sleep_ms(uint32_t ms)
{
    uint64_t deadline = timer_now() + timer_ms_to_ticks(ms);

    while (timer_now() < deadline)
        thread_wait(irq_generation, deadline);
}

void thread_exit(void)
{
    current->state = THREAD_EXITED;
    schedule();
    for (;;)
        ;   /* never resumed: an exited thread is never picked */
}

const char *thread_name(void)
{
    return current ? current->name : "?";
}
