/*
 * Machine lifetime and the run loop: run the CPU up to the next timer
 * deadline, fire due events, and when the CPU waits for an interrupt jump
 * virtual time to the next deadline (DESIGN.md, "Time is virtual").
 *
 * A board with several CPUs runs them one at a time on the host thread,
 * round-robin in fixed quanta of instructions, skipping CPUs that wait in
 * WFI; virtual time is the instructions retired by all of them, so the
 * interleaving, and with it the whole run, is deterministic. Switching
 * CPUs clears the incoming CPU's exclusive monitor and flushes its TLB,
 * which stands in for the other CPUs' stores to its tagged address and
 * their broadcast (Inner Shareable) TLB maintenance since it last ran.
 */
#include "devices/machine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "cpu/mem.h"
#include "cpu/v7_ops.h"

/* Longest uninterrupted CPU run, so stop requests are seen promptly. */
#define MACHINE_MAX_SLICE 200000u

int machine_create(struct machine *m, const struct machine_config *cfg)
{
    const struct board *board = board_find(cfg->board);
    memset(m, 0, sizeof(*m));
    if (!board) {
        report_error("unknown board '%s'", cfg->board);
        return -EINVAL;
    }
    m->board_name = board->name;
    aspace_init(&m->as, &m->trace);
    vclock_init(&m->clock, cfg->mhz ? cfg->mhz : 100);
    int rc = board->create(m, cfg);
    if (rc < 0) {
        machine_destroy(m);
        return rc;
    }
    return 0;
}

void machine_destroy(struct machine *m)
{
    for (unsigned i = 0; i < m->device_count; i++)
        if (m->device[i]->destroy)
            m->device[i]->destroy(m->device[i]);
    m->device_count = 0;
    aspace_destroy(&m->as);
}

void machine_reset(struct machine *m)
{
    for (unsigned i = 0; i < m->device_count; i++)
        if (m->device[i]->reset)
            m->device[i]->reset(m->device[i]);
    for (unsigned i = 0; i < m->cpu_count; i++)
        cpu_reset(&m->cpu[i]);
}

struct arm_cpu *machine_add_cpu(struct machine *m, const struct cpu_model *model)
{
    if (m->cpu_count >= MACHINE_MAX_CPUS)
        return NULL;
    unsigned index = m->cpu_count++;
    struct arm_cpu *cpu = &m->cpu[index];
    cpu_init(cpu, model, index);
    cpu->trace = &m->trace;
    mmu_attach(&m->mmu[index], cpu, &m->as);
    if (index == 0) {
        vclock_attach_counter(&m->clock, &cpu->icount, &cpu->run_end);
        m->current_cpu = cpu;
        m->current_base = cpu->icount;
    }
    return cpu;
}

int machine_add_device(struct machine *m, struct device *dev)
{
    if (m->device_count >= MACHINE_MAX_DEVICES)
        return -ENOSPC;
    /* A device without registers (size 0: the generic timer, reached through
     * CP15) is listed for reset, dump and destroy but not mapped. */
    if (dev->size) {
        int rc = aspace_add_mmio(&m->as, dev->base, dev->size, dev->ops, dev, dev->name);
        if (rc < 0)
            return rc;
    }
    m->device[m->device_count++] = dev;
    return 0;
}

int machine_add_serial_input(struct machine *m, const struct char_frontend *in)
{
    if (m->serial_count >= MACHINE_MAX_SERIAL)
        return -ENOSPC;
    m->serial_in[m->serial_count++] = *in;
    return 0;
}

struct device *machine_find_device(struct machine *m, const char *name)
{
    for (unsigned i = 0; i < m->device_count; i++)
        if (strcmp(m->device[i]->name, name) == 0)
            return m->device[i];
    return NULL;
}

void machine_request_shutdown(struct machine *m, int status, const char *why)
{
    m->shutdown_requested = true;
    m->shutdown_status = status;
    m->shutdown_why = why;
    /*
     * Stop every CPU after the instruction that asked: exit_request alone
     * only ends cpu_run's straight-line loop, and cpu_run would go on to
     * the end of its budget, so the final instruction count would depend
     * on where the run slices fall (record/replay compares it).
     */
    for (unsigned i = 0; i < m->cpu_count; i++) {
        m->cpu[i].exit_request = 1;
        m->cpu[i].halted = 1;
    }
    /* A vCPU (hypervisor) stops after this instruction too. */
    struct arm_cpu *cur = machine_current_cpu(m);
    cur->exit_request = 1;
    cur->run_end = cur->icount;
}

void machine_switch_cpu(struct machine *m, struct arm_cpu *cpu)
{
    struct arm_cpu *old = machine_current_cpu(m);
    if (old == cpu)
        return;
    m->retired_before += old->icount - m->current_base;
    m->current_cpu = cpu;
    m->current_base = cpu->icount;
    vclock_attach_counter(&m->clock, &cpu->icount, &cpu->run_end);
}

/* ---- pieces every run loop shares (machine.h) ---- */

enum machine_stop_reason machine_debug_before(struct machine *m, struct arm_cpu *cpu,
                                              uint64_t *slice)
{
    if (!m->debug_single_step || !m->debug_check)
        return STOP_NONE;
    /* Breakpoints: every instruction boundary is checked, after a pending
     * interrupt is taken so a breakpoint on a vector is seen. */
    cpu_check_interrupts(cpu);
    *slice = 1;
    return m->debug_check(m->debug_opaque, cpu);
}

enum machine_stop_reason machine_debug_after(struct machine *m, struct arm_cpu *cpu)
{
    struct mmu_context *ctx = cpu->mem_opaque;
    if (likely(!ctx->watch_hit.pending))
        return STOP_NONE;
    /* A watchpoint ended the run after its instruction (mmu.h). */
    enum machine_stop_reason why = m->debug_check ? m->debug_check(m->debug_opaque, cpu)
                                                  : STOP_NONE;
    mmu_watch_hit_done(ctx);
    return why;
}

enum machine_stop_reason machine_loop_top(struct machine *m)
{
    if (m->shutdown_requested)
        return STOP_SHUTDOWN;
    if (m->stop_requested) {
        m->stop_requested = false;
        return STOP_REQUESTED;
    }
    vclock_run_due(&m->clock);
    return STOP_NONE;
}

uint64_t machine_slice(const struct machine *m, uint64_t end, uint64_t now, uint64_t limit)
{
    uint64_t slice = vclock_insns_to_next(&m->clock);
    if (slice > end - now)
        slice = end - now;
    return slice < limit ? slice : limit;
}

/* The instruction before the PC is the one that halted the CPU: WFE is
 * ARM cond:0x320f002 (ARM ARM A8.8.424), Thumb 0xbf20 or 0xf3af 0x8002. */
bool machine_cpu_in_wfe(struct arm_cpu *cpu)
{
    uint32_t pc = cpu->r[15];
    if (!cpu->thumb) {
        uint32_t insn;
        return cpu_debug_read(cpu, pc - 4, &insn, 4) == 0 &&
               (insn & 0x0fffffffu) == 0x0320f002u;
    }
    uint16_t hw[2];
    if (cpu_debug_read(cpu, pc - 2, &hw[1], 2) == 0 && hw[1] == 0xbf20)
        return true;
    return cpu_debug_read(cpu, pc - 4, hw, 4) == 0 && hw[0] == 0xf3af && hw[1] == 0x8002;
}

static enum machine_stop_reason machine_run_slices(struct machine *m, uint64_t budget)
{
    struct arm_cpu *cpu = &m->cpu[0];
    uint64_t end = budget ? cpu->icount + budget : UINT64_MAX;

    for (;;) {
        enum machine_stop_reason why = machine_loop_top(m);
        if (why != STOP_NONE)
            return why;
        if (cpu->icount >= end)
            return STOP_BUDGET;

        if (cpu->halted) {
            /* WFI wakes on a pending interrupt even when it is masked
             * (ARM ARM B1.8.13). */
            if (cpu->irq_line || cpu->fiq_line) {
                cpu->halted = 0;
            } else {
                uint64_t ps = vclock_ps_to_next(&m->clock);
                if (ps == UINT64_MAX)
                    return STOP_HALTED;
                if (m->idle_wait) {
                    m->idle_wait(m->idle_opaque, ps / 1000);
                    if (!cpu->halted || m->stop_requested || m->shutdown_requested)
                        continue;
                }
                vclock_skip_to_next(&m->clock);
                continue;
            }
        }

        uint64_t slice = machine_slice(m, end, cpu->icount, MACHINE_MAX_SLICE);
        why = machine_debug_before(m, cpu, &slice);
        if (why != STOP_NONE)
            return why;
        cpu_run(cpu, slice);
        why = machine_debug_after(m, cpu);
        if (why != STOP_NONE)
            return why;
    }
}

/* ---- several CPUs: round-robin time-sharing ---- */

/* Whether cpu may run; wakes it when its interrupt line rose (WFI wakes on
 * a pending interrupt even when it is masked, ARM ARM B1.8.13). */
static bool smp_runnable(struct arm_cpu *cpu)
{
    if (cpu->halted && (cpu->irq_line || cpu->fiq_line))
        cpu->halted = 0;
    return !cpu->halted;
}

/* The CPU whose quantum goes on, else the next runnable one after it in
 * round-robin order (with a fresh quantum); -1 when every CPU waits. */
static int smp_pick(struct machine *m)
{
    unsigned cur = m->smp_next;
    if (m->smp_quantum_left && smp_runnable(&m->cpu[cur]))
        return (int)cur;
    for (unsigned n = 1; n <= m->cpu_count; n++) {
        unsigned i = (cur + n) % m->cpu_count;
        if (smp_runnable(&m->cpu[i])) {
            m->smp_next = i;
            m->smp_quantum_left = MACHINE_SMP_QUANTUM;
            return (int)i;
        }
    }
    return -1;
}

static void smp_switch_to(struct machine *m, struct arm_cpu *cpu)
{
    if (machine_current_cpu(m) == cpu)
        return;
    /*
     * The other CPUs ran since this one was switched out. Their stores
     * may have hit the address its monitor tags: clearing the local
     * monitor makes its STREX fail and retry (a context switch may clear
     * it, ARM ARM A3.4.5). Their TLBI*IS broadcasts must reach this CPU's
     * TLB: flushing all of it is a superset, always allowed for a TLB.
     * The decode cache is shared by the address space and kept coherent
     * by the store path, so ICIALLUIS needs nothing.
     */
    v7_excl_clear(cpu);
    cpu_tlb_flush(cpu);
    machine_switch_cpu(m, cpu);
    m->smp_switches++;
}

/* Every CPU waits: jump time to the next event. STOP_NONE to go on. */
static enum machine_stop_reason smp_idle(struct machine *m)
{
    uint64_t ps = vclock_ps_to_next(&m->clock);
    if (ps == UINT64_MAX)
        return STOP_HALTED;
    if (m->idle_wait) {
        m->idle_wait(m->idle_opaque, ps / 1000);
        if (m->stop_requested || m->shutdown_requested || smp_pick(m) >= 0)
            return STOP_NONE;
    }
    vclock_skip_to_next(&m->clock);
    return STOP_NONE;
}

static enum machine_stop_reason machine_run_smp(struct machine *m, uint64_t budget)
{
    uint64_t end = budget ? machine_instructions(m) + budget : UINT64_MAX;

    for (;;) {
        enum machine_stop_reason why = machine_loop_top(m);
        if (why != STOP_NONE)
            return why;
        uint64_t now = machine_instructions(m);
        if (now >= end)
            return STOP_BUDGET;

        int index = smp_pick(m);
        if (index < 0) {
            why = smp_idle(m);
            if (why != STOP_NONE)
                return why;
            continue;
        }
        struct arm_cpu *cpu = &m->cpu[index];
        smp_switch_to(m, cpu);

        uint64_t slice = machine_slice(m, end, now,
                                       m->smp_quantum_left < MACHINE_MAX_SLICE
                                           ? m->smp_quantum_left : MACHINE_MAX_SLICE);
        why = machine_debug_before(m, cpu, &slice);
        if (why != STOP_NONE)
            return why;
        uint64_t ran = cpu_run(cpu, slice);
        m->smp_quantum_left = ran >= m->smp_quantum_left ? 0 : m->smp_quantum_left - ran;
        /*
         * WFE waits for an event, which another CPU's SEV (Linux's
         * spin_unlock) would send: here that CPU cannot run until this
         * one yields, so WFE yields the rest of the quantum instead of
         * halting (a spurious wake-up, which the architecture allows:
         * ARM ARM B1.8.13). WFI halts until an interrupt.
         */
        if (cpu->halted && !m->shutdown_requested && machine_cpu_in_wfe(cpu)) {
            cpu->halted = 0;
            m->smp_quantum_left = 0;
        }

        why = machine_debug_after(m, cpu);
        if (why != STOP_NONE)
            return why;
    }
}

/* idle_wait may serve a monitor client: m->running tells it a run is on. */
enum machine_stop_reason machine_run(struct machine *m, uint64_t budget)
{
    m->running = true;
    enum machine_stop_reason why = m->run_hook       ? m->run_hook(m->run_opaque, m, budget)
                                   : m->cpu_count > 1 ? machine_run_smp(m, budget)
                                                      : machine_run_slices(m, budget);
    m->running = false;
    return why;
}
