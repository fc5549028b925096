/*
 * Round-robin vCPU scheduler in virtual time (see hv/sched.h).
 */
#include "hv/sched.h"

#include <errno.h>
#include <string.h>

#include "base/trace.h"
#include "cpu/mem.h"
#include "cpu/v7_ops.h"
#include "mmu/mmu.h"

/* Longest uninterrupted vCPU run, so stop requests are seen promptly
 * (the bare run loop's MACHINE_MAX_SLICE). */
#define SCHED_MAX_RUN 200000u

static uint64_t watch_sum(const struct mmu_watch *w, unsigned count)
{
    uint64_t h = 14695981039346656037ull;   /* FNV-1a over the fields */
    for (unsigned i = 0; i < count; i++) {
        uint64_t f[4] = { w[i].addr, w[i].len, w[i].access, w[i].physical };
        for (unsigned k = 0; k < 4; k++)
            h = (h ^ f[k]) * 1099511628211ull;
    }
    return h;
}

void hv_sched_init(struct hv_sched *s, struct machine *m, uint64_t slice_us)
{
    memset(s, 0, sizeof(*s));
    s->m = m;
    s->current = -1;
    s->board_watch_sum = watch_sum(NULL, 0);
    if (!slice_us)
        slice_us = 1000;
    /* ps_per_insn = 1e6 / MHz: a slice of slice_us is slice_us * MHz insns. */
    uint64_t ps = slice_us * 1000000ull;
    s->slice_insns = ps / m->clock.ps_per_insn;
    if (!s->slice_insns)
        s->slice_insns = 1;
}

void hv_sched_install(struct hv_sched *s)
{
    s->m->run_hook = hv_sched_run;
    s->m->run_opaque = s;
}

void hv_sched_uninstall(struct hv_sched *s)
{
    if (s->m->run_opaque == s) {
        s->m->run_hook = NULL;
        s->m->run_opaque = NULL;
    }
    if (s->m->cpu_count)
        machine_switch_cpu(s->m, &s->m->cpu[0]);
}

static struct hv_sched_vcpu *find(struct hv_sched *s, const struct arm_cpu *cpu)
{
    for (unsigned i = 0; i < s->count; i++)
        if (s->vcpu[i].cpu == cpu)
            return &s->vcpu[i];
    return NULL;
}

int hv_sched_add_vcpu(struct hv_sched *s, struct domain *d, unsigned vcpu, struct arm_cpu *cpu)
{
    if (s->count >= HV_SCHED_MAX_VCPUS)
        return -ENOSPC;
    s->vcpu[s->count++] = (struct hv_sched_vcpu){ .d = d, .vcpu = vcpu, .cpu = cpu };
    return 0;
}

void hv_sched_remove_domain(struct hv_sched *s, struct domain *d)
{
    unsigned out = 0;
    for (unsigned i = 0; i < s->count; i++) {
        struct hv_sched_vcpu *v = &s->vcpu[i];
        if (v->d == d) {
            if (machine_current_cpu(s->m) == v->cpu)
                machine_switch_cpu(s->m, &s->m->cpu[0]);
            if (s->current == (int)i) {
                s->current = -1;
                s->slice_left = 0;
            }
            continue;
        }
        if (s->current == (int)i)
            s->current = (int)out;
        s->vcpu[out++] = *v;
    }
    s->count = out;
}

void hv_sched_set_online(struct hv_sched *s, struct arm_cpu *cpu, bool online)
{
    struct hv_sched_vcpu *v = find(s, cpu);
    if (!v)
        return;
    v->online = online;
    cpu->halted = online ? 0 : 1;
    if (!online) {
        cpu->exit_request = 1;
        cpu->run_end = cpu->icount;
    }
}

void hv_sched_wake(struct arm_cpu *cpu)
{
    cpu->halted = 0;
}

void hv_sched_kick(struct hv_sched *s, struct arm_cpu *cpu)
{
    struct arm_cpu *cur = machine_current_cpu(s->m);
    if (cur == cpu || !s->m->running || s->current < 0 || s->vcpu[s->current].cpu != cur)
        return;
    const struct hv_sched_vcpu *v = find(s, cpu);
    if (!v || !v->online || !hv_domain_runnable(v->d))
        return;
    s->preempt = true;
    cur->exit_request = 1;
    cur->run_end = cur->icount;
}

void hv_sched_yield(struct hv_sched *s, struct arm_cpu *cpu, bool block)
{
    cpu->exit_request = 1;
    cpu->run_end = cpu->icount;
    if (block)
        cpu->halted = 1;
    if (s->current >= 0 && s->vcpu[s->current].cpu == cpu)
        s->slice_left = 0;
}

/* Whether v may run now; wakes a waiting vCPU whose interrupt line rose
 * (WFI wakes on a pending interrupt even when it is masked, ARM ARM
 * B1.8.13; SCHEDOP_block wakes on any vGIC interrupt, as Xen's vcpu_kick). */
static bool runnable(struct hv_sched_vcpu *v)
{
    if (!v->online || !hv_domain_runnable(v->d))
        return false;
    struct arm_cpu *cpu = v->cpu;
    if (cpu->halted && (cpu->irq_line || cpu->fiq_line))
        cpu->halted = 0;
    if (cpu->halted)
        return false;
    v->d->vcpu[v->vcpu].blocked = false;
    if (v->d->state == HV_DOMAIN_BLOCKED)
        v->d->state = HV_DOMAIN_RUNNING;
    return true;
}

/* Keeps the current vCPU while its slice lasts, else the next runnable
 * one after it in round-robin order; -1 when every vCPU waits. */
static int pick(struct hv_sched *s)
{
    bool preempt = s->preempt;
    s->preempt = false;
    if (s->current >= 0 && s->slice_left && !preempt && runnable(&s->vcpu[s->current]))
        return s->current;
    unsigned start = s->current >= 0 ? (unsigned)s->current + 1 : 0;
    for (unsigned n = 0; n < s->count; n++) {
        unsigned i = (start + n) % s->count;
        if (runnable(&s->vcpu[i])) {
            s->slice_left = s->slice_insns;
            return (int)i;
        }
    }
    return -1;
}

/* The monitor installs its watch list on the board's CPU 0 (there is one
 * list for the machine): when that list changes, each vCPU gets it the
 * next time it is switched in. */
static void sync_watchpoints(struct hv_sched *s, struct hv_sched_vcpu *v)
{
    struct machine *m = s->m;
    if (m->cpu_count == 0)
        return;
    const struct mmu_context *board = &m->mmu[0];
    uint64_t sum = watch_sum(board->watch, board->watch_count);
    if ((const void *)board->watch != s->board_watch ||
        board->watch_count != s->board_watch_count || sum != s->board_watch_sum) {
        s->board_watch = board->watch;
        s->board_watch_count = board->watch_count;
        s->board_watch_sum = sum;
        s->watch_gen++;
    }
    if (v->watch_gen == s->watch_gen)
        return;
    v->watch_gen = s->watch_gen;
    mmu_set_watchpoints(v->cpu->mem_opaque, board->watch, board->watch_count);
}

static void switch_to(struct hv_sched *s, int index)
{
    struct hv_sched_vcpu *v = &s->vcpu[index];
    if (machine_current_cpu(s->m) != v->cpu) {
        /* A context switch clears the local exclusive monitor (Xen does
         * CLREX when it switches vCPUs): memory the vCPU tagged may have
         * been written by another domain meanwhile (a grant mapping), and
         * its STREX must then fail and retry. */
        v7_excl_clear(v->cpu);
        machine_switch_cpu(s->m, v->cpu);
        v->d->stats.world_switches++;
        s->switches++;
        trace_printf(&s->m->trace, TRACE_HV, "switch to d%u vcpu%u at pc 0x%08x",
                     v->d->domid, v->vcpu, v->cpu->r[15]);
    }
    s->current = index;
}

static unsigned online_vcpus(const struct hv_sched *s, const struct domain *d)
{
    unsigned n = 0;
    for (unsigned i = 0; i < s->count; i++)
        n += s->vcpu[i].d == d && s->vcpu[i].online;
    return n;
}

/* Every vCPU waits: let time jump to the next event. Returns a stop
 * reason, or STOP_NONE to go on. */
static enum machine_stop_reason idle(struct hv_sched *s)
{
    struct machine *m = s->m;
    uint64_t ps = vclock_ps_to_next(&m->clock);
    if (ps == UINT64_MAX)
        return STOP_HALTED;
    if (m->idle_wait) {
        m->idle_wait(m->idle_opaque, ps / 1000);
        if (m->stop_requested || m->shutdown_requested || pick(s) >= 0)
            return STOP_NONE;
    }
    vclock_skip_to_next(&m->clock);
    s->idle_skips++;
    return STOP_NONE;
}

enum machine_stop_reason hv_sched_run(void *opaque, struct machine *m, uint64_t budget)
{
    struct hv_sched *s = opaque;
    uint64_t end = budget ? machine_instructions(m) + budget : UINT64_MAX;

    for (;;) {
        enum machine_stop_reason why = machine_loop_top(m);
        if (why != STOP_NONE)
            return why;
        if (s->poll) {
            s->poll(s->poll_opaque);
            if (m->shutdown_requested)
                continue;
        }
        uint64_t now = machine_instructions(m);
        if (now >= end)
            return STOP_BUDGET;

        int index = pick(s);
        if (index < 0) {
            why = idle(s);
            if (why != STOP_NONE)
                return why;
            continue;
        }
        switch_to(s, index);
        struct hv_sched_vcpu *v = &s->vcpu[index];
        struct arm_cpu *cpu = v->cpu;
        sync_watchpoints(s, v);

        uint64_t slice = machine_slice(m, end, now, s->slice_left < SCHED_MAX_RUN
                                                        ? s->slice_left : SCHED_MAX_RUN);
        why = machine_debug_before(m, cpu, &slice);
        if (why != STOP_NONE)
            return why;
        uint64_t before = cpu->icount;
        cpu_run(cpu, slice);
        uint64_t ran = cpu->icount - before;
        v->d->stats.instructions += ran;
        /* A WFI/WFE is a trap to the hypervisor on real hardware (HCR.TWI
         * and TWE, as Xen sets them); SCHEDOP_block was counted as a
         * hypercall. */
        if (cpu->halted && !v->d->vcpu[v->vcpu].blocked) {
            v->d->stats.traps++;
            if (online_vcpus(s, v->d) > 1 && machine_cpu_in_wfe(cpu)) {
                cpu->halted = 0;
                s->slice_left = 0;
            }
        }
        s->slice_left = ran >= s->slice_left ? 0 : s->slice_left - ran;

        why = machine_debug_after(m, cpu);
        if (why != STOP_NONE)
            return why;
    }
}
