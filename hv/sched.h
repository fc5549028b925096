/*
 * The vCPU scheduler (DESIGN.md, "Scheduling"): the board's one physical
 * CPU is time-shared between the vCPUs of every domain, round-robin, in
 * slices of virtual time ([hypervisor] slice, 1 ms by default).
 *
 * It is the machine's run hook (devices/machine.h): machine_run() on a
 * partitioned board lands here, with the same contract as the bare run
 * loop: run to the budget (machine_instructions), stop on a stop request,
 * a shutdown, a breakpoint (debug_single_step/debug_check on the running
 * vCPU) or a watchpoint hit (the monitor's watch list, installed on the
 * board's CPU 0, is copied to each vCPU when it is switched in).
 *
 * A vCPU can run when its domain is running (not paused, shut down or
 * dying), it has been started, and it is not waiting: a vCPU in WFI or
 * blocked in SCHEDOP_block/poll gives up the CPU at once and wakes when
 * its vGIC raises its IRQ/FIQ line or the hypervisor wakes it (an event
 * upcall: hv_sched_wake); a wake-up preempts the running vCPU
 * (hv_sched_kick). A vCPU of a domain with several online vCPUs that
 * executes WFE only yields, as with Xen's WFE trap: the event it waits for
 * is another vCPU's SEV, which never raises an interrupt line. When every vCPU waits, virtual time jumps to the
 * next clock event (after the frontend's idle_wait, as on a bare board);
 * with no event armed the run ends with STOP_HALTED.
 *
 * A world switch (a different vCPU runs) makes that vCPU's instruction
 * counter drive the virtual clock (machine_switch_cpu) and counts in the
 * domain's stats.world_switches; retired instructions are added to
 * stats.instructions. Everything is deterministic: the order and the
 * slice lengths depend on instruction counts only.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/machine.h"
#include "hv/domain.h"

#define HV_SCHED_MAX_VCPUS 64u

struct hv_sched_vcpu {
    struct domain *d;
    unsigned vcpu;
    struct arm_cpu *cpu;
    bool online;            /* started (builder, PSCI CPU_ON); false: powered off */
    unsigned watch_gen;     /* the board watch list last copied to it */
};

struct hv_sched {
    struct machine *m;
    struct hv_sched_vcpu vcpu[HV_SCHED_MAX_VCPUS];
    unsigned count;
    int current;            /* index running or last run, -1: none */
    uint64_t slice_insns;   /* slice length in instructions of virtual time */
    uint64_t slice_left;    /* of the current vCPU's slice */
    /*
     * Called between runs of vCPUs, never from inside one: deferred work
     * of the hypervisor (xenstore output, shutdown handling). It may
     * remove vCPUs (hv_sched_remove_domain).
     */
    void (*poll)(void *opaque);
    void *poll_opaque;
    bool preempt;           /* a vCPU woke up: end the current slice now */
    /* The board CPU's watch list as last seen, and its generation. */
    const void *board_watch;
    unsigned board_watch_count;
    uint64_t board_watch_sum;   /* of the list's contents: edits in place count */
    unsigned watch_gen;
    /* counters for `stats` */
    uint64_t switches;
    uint64_t idle_skips;
};

void hv_sched_init(struct hv_sched *s, struct machine *m, uint64_t slice_us);
/* Installs s as m's run hook. */
void hv_sched_install(struct hv_sched *s);
/* Removes the run hook (the board is a bare board again). */
void hv_sched_uninstall(struct hv_sched *s);

int hv_sched_add_vcpu(struct hv_sched *s, struct domain *d, unsigned vcpu, struct arm_cpu *cpu);
/* Drops d's vCPUs (domain destroyed); if one is current, the machine's
 * current CPU goes back to the board's CPU 0 so nothing points at it. */
void hv_sched_remove_domain(struct hv_sched *s, struct domain *d);
/* Powers a vCPU on (it starts running from its registers) or off. */
void hv_sched_set_online(struct hv_sched *s, struct arm_cpu *cpu, bool online);

/* Wakes a waiting vCPU (event upcall, SCHEDOP_block ended). */
void hv_sched_wake(struct arm_cpu *cpu);
/*
 * A waiting vCPU's interrupt line rose or an event arrived for it: if it
 * is not the one running, the running vCPU's slice ends after its current
 * instruction, so the woken one runs next in round-robin order instead of
 * up to a slice later (Xen's wake-up boost; an IPI sender spinning for its
 * answer would otherwise burn its whole slice).
 */
void hv_sched_kick(struct hv_sched *s, struct arm_cpu *cpu);
/* Makes cpu give up the physical CPU after the current instruction;
 * with block, it also waits (SCHEDOP_block) until woken. */
void hv_sched_yield(struct hv_sched *s, struct arm_cpu *cpu, bool block);

/* The run hook (machine_run). */
enum machine_stop_reason hv_sched_run(void *opaque, struct machine *m, uint64_t budget);

#endif
