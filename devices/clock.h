/*
 * Virtual time and the event scheduler (DESIGN.md, "Time is virtual").
 *
 * Time advances only with retired instructions: each instruction is worth
 * ps_per_insn picoseconds (1e6 / MHz). The clock reads the running CPU's
 * instruction counter directly, so a device register read in the middle of
 * a run slice sees the exact time of that instruction. Devices ask for the time in
 * nanoseconds and arm events at nanosecond deadlines; the machine loop runs
 * the CPU exactly up to the next deadline and then fires what is due. When
 * every CPU waits for an interrupt the clock jumps to the next deadline.
 * No host time is consulted, so runs are reproducible.
 */
#ifndef DEVICES_CLOCK_H
#define DEVICES_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct clock_event {
    uint64_t deadline_ps;
    void (*fire)(void *opaque);
    void *opaque;
    const char *name;
    int heap_index;   /* -1 when not armed */
};

#define CLOCK_MAX_EVENTS 256

struct vclock {
    uint64_t base_ps;            /* time when *icount was base_icount */
    uint64_t base_icount;
    const uint64_t *icount;      /* instruction counter that drives time */
    uint64_t *run_end;           /* where the running CPU stops; lowered by arming */
    uint64_t zero_icount;        /* counter used before a CPU is attached */
    uint64_t ps_per_insn;
    struct clock_event *heap[CLOCK_MAX_EVENTS];
    unsigned count;
};

void vclock_init(struct vclock *clock, unsigned mhz);
/*
 * Makes *icount the counter that drives time from now on. *run_end is
 * where the CPU owning the counter will stop running: arming an event due
 * earlier lowers it, so an event armed by a device access in the middle of
 * a run slice fires at exactly the same instruction as when single-stepping.
 */
void vclock_attach_counter(struct vclock *clock, const uint64_t *icount, uint64_t *run_end);

static inline uint64_t vclock_now_ps(const struct vclock *clock)
{
    return clock->base_ps + (*clock->icount - clock->base_icount) * clock->ps_per_insn;
}

static inline uint64_t vclock_now_ns(const struct vclock *clock)
{
    return vclock_now_ps(clock) / 1000;
}

void clock_event_init(struct clock_event *ev, const char *name, void (*fire)(void *),
                      void *opaque);
/* Arms (or re-arms) ev at an absolute virtual time in nanoseconds. */
void vclock_arm_ns(struct vclock *clock, struct clock_event *ev, uint64_t deadline_ns);
void vclock_cancel(struct vclock *clock, struct clock_event *ev);

static inline bool clock_event_armed(const struct clock_event *ev)
{
    return ev->heap_index >= 0;
}

/* Picoseconds until the earliest event, or UINT64_MAX when none is armed. */
uint64_t vclock_ps_to_next(const struct vclock *clock);
/* Instructions that may run before the earliest event is due (>= 1). */
uint64_t vclock_insns_to_next(const struct vclock *clock);
/* Moves time to the next deadline (WFI fast-forward); false if none. */
bool vclock_skip_to_next(struct vclock *clock);
/* Fires every event whose deadline has passed, in deadline order. */
void vclock_run_due(struct vclock *clock);

#endif
