/*
 * Machine lifetime and the run loop: run the CPU up to the next timer
 * deadline, fire due events, and when the CPU waits for an interrupt jump
 * virtual time to the next deadline (DESIGN.md, "Time is virtual").
 */
#include "devices/machine.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"

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

static enum machine_stop_reason machine_run_slices(struct machine *m, uint64_t budget)
{
    struct arm_cpu *cpu = &m->cpu[0];
    uint64_t end = budget ? cpu->icount + budget : UINT64_MAX;

    for (;;) {
        if (m->shutdown_requested)
            return STOP_SHUTDOWN;
        if (m->stop_requested) {
            m->stop_requested = false;
            return STOP_REQUESTED;
        }
        vclock_run_due(&m->clock);
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

        uint64_t slice = vclock_insns_to_next(&m->clock);
        if (slice > end - cpu->icount)
            slice = end - cpu->icount;
        if (slice > MACHINE_MAX_SLICE)
            slice = MACHINE_MAX_SLICE;
        if (m->debug_single_step && m->debug_check) {
            /* Breakpoints: every instruction boundary is checked. */
            cpu_check_interrupts(cpu);
            enum machine_stop_reason why = m->debug_check(m->debug_opaque, cpu);
            if (why != STOP_NONE)
                return why;
            slice = 1;
        }
        cpu_run(cpu, slice);
        if (unlikely(m->mmu[0].watch_hit.pending)) {
            /* A watchpoint ended the run after its instruction (mmu.h). */
            enum machine_stop_reason why = m->debug_check ? m->debug_check(m->debug_opaque, cpu)
                                                          : STOP_NONE;
            mmu_watch_hit_done(&m->mmu[0]);
            if (why != STOP_NONE)
                return why;
        }
    }
}

/* idle_wait may serve a monitor client: m->running tells it a run is on. */
enum machine_stop_reason machine_run(struct machine *m, uint64_t budget)
{
    m->running = true;
    enum machine_stop_reason why = m->run_hook ? m->run_hook(m->run_opaque, m, budget)
                                               : machine_run_slices(m, budget);
    m->running = false;
    return why;
}
