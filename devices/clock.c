/*
 * The virtual clock: a binary min-heap of armed events ordered by deadline.
 * Events with equal deadlines fire in heap order, which is deterministic for
 * a given sequence of arm/cancel calls: that is all reproducibility needs.
 */
#include "devices/clock.h"

#include <stddef.h>

void vclock_init(struct vclock *clock, unsigned mhz)
{
    clock->base_ps = 0;
    clock->zero_icount = 0;
    clock->icount = &clock->zero_icount;
    clock->run_end = NULL;
    clock->base_icount = 0;
    clock->ps_per_insn = 1000000u / (mhz ? mhz : 1);
    clock->count = 0;
}

void vclock_attach_counter(struct vclock *clock, const uint64_t *icount, uint64_t *run_end)
{
    clock->base_ps = vclock_now_ps(clock);
    clock->icount = icount;
    clock->base_icount = *icount;
    clock->run_end = run_end;
}

void clock_event_init(struct clock_event *ev, const char *name, void (*fire)(void *),
                      void *opaque)
{
    ev->deadline_ps = 0;
    ev->fire = fire;
    ev->opaque = opaque;
    ev->name = name;
    ev->heap_index = -1;
}

static void heap_swap(struct vclock *clock, unsigned a, unsigned b)
{
    struct clock_event *tmp = clock->heap[a];
    clock->heap[a] = clock->heap[b];
    clock->heap[b] = tmp;
    clock->heap[a]->heap_index = (int)a;
    clock->heap[b]->heap_index = (int)b;
}

static void heap_up(struct vclock *clock, unsigned i)
{
    while (i > 0) {
        unsigned parent = (i - 1) / 2;
        if (clock->heap[parent]->deadline_ps <= clock->heap[i]->deadline_ps)
            break;
        heap_swap(clock, i, parent);
        i = parent;
    }
}

static void heap_down(struct vclock *clock, unsigned i)
{
    for (;;) {
        unsigned left = 2 * i + 1, right = left + 1, least = i;
        if (left < clock->count &&
            clock->heap[left]->deadline_ps < clock->heap[least]->deadline_ps)
            least = left;
        if (right < clock->count &&
            clock->heap[right]->deadline_ps < clock->heap[least]->deadline_ps)
            least = right;
        if (least == i)
            return;
        heap_swap(clock, i, least);
        i = least;
    }
}

void vclock_cancel(struct vclock *clock, struct clock_event *ev)
{
    if (ev->heap_index < 0)
        return;
    unsigned i = (unsigned)ev->heap_index;
    unsigned last = clock->count - 1;
    ev->heap_index = -1;
    if (i != last) {
        clock->heap[i] = clock->heap[last];
        clock->heap[i]->heap_index = (int)i;
        clock->count--;
        /* The moved event goes up or down; if it went up, the event now
         * at i is its old parent, already in place, and heap_down stops. */
        heap_up(clock, i);
        heap_down(clock, i);
    } else {
        clock->count--;
    }
}

void vclock_arm_ns(struct vclock *clock, struct clock_event *ev, uint64_t deadline_ns)
{
    vclock_cancel(clock, ev);
    /* Each event struct is in the heap at most once and every device owns a
     * fixed few, so a board (tens of events) cannot fill CLOCK_MAX_EVENTS. */
    if (clock->count >= CLOCK_MAX_EVENTS)
        return;
    ev->deadline_ps = deadline_ns * 1000;
    ev->heap_index = (int)clock->count;
    clock->heap[clock->count++] = ev;
    heap_up(clock, (unsigned)ev->heap_index);

    /* The instruction count at which the event is due: stop there. */
    if (clock->run_end) {
        uint64_t now = vclock_now_ps(clock);
        uint64_t due = *clock->icount;
        if (ev->deadline_ps > now)
            due += (ev->deadline_ps - now + clock->ps_per_insn - 1) / clock->ps_per_insn;
        if (due < *clock->run_end)
            *clock->run_end = due;
    }
}

uint64_t vclock_ps_to_next(const struct vclock *clock)
{
    if (clock->count == 0)
        return UINT64_MAX;
    uint64_t now = vclock_now_ps(clock);
    uint64_t deadline = clock->heap[0]->deadline_ps;
    return deadline > now ? deadline - now : 0;
}

uint64_t vclock_insns_to_next(const struct vclock *clock)
{
    uint64_t ps = vclock_ps_to_next(clock);
    if (ps == UINT64_MAX)
        return UINT64_MAX;
    uint64_t insns = (ps + clock->ps_per_insn - 1) / clock->ps_per_insn;
    return insns ? insns : 1;
}

bool vclock_skip_to_next(struct vclock *clock)
{
    if (clock->count == 0)
        return false;
    uint64_t now = vclock_now_ps(clock);
    uint64_t deadline = clock->heap[0]->deadline_ps;
    if (deadline > now) {
        clock->base_ps = deadline;
        clock->base_icount = *clock->icount;
    }
    return true;
}

void vclock_run_due(struct vclock *clock)
{
    while (clock->count && clock->heap[0]->deadline_ps <= vclock_now_ps(clock)) {
        struct clock_event *ev = clock->heap[0];
        vclock_cancel(clock, ev);
        ev->fire(ev->opaque);
    }
}
