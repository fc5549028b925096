/*
 * A CPU's architectural state in a snapshot (see cpu_snapshot.h). The
 * fields are listed one by one rather than copied as a block, so a field
 * added to struct arm_cpu for the executor's convenience (a cached
 * pointer, a counter) never leaks host addresses into a file, and the
 * format changes only when this list does.
 */
#include "cpu/cpu_snapshot.h"

#include <stdlib.h>
#include <string.h>

static void pmu_fields(struct snapshot_io *io, struct cp15_pmu *pmu)
{
    snap_u32(io, &pmu->pmcr);
    snap_u32(io, &pmu->cnten);
    snap_u32(io, &pmu->ovs);
    snap_u32(io, &pmu->inten);
    snap_u32(io, &pmu->sel);
    snap_u32(io, &pmu->userenr);
    snap_u32(io, &pmu->ccnt);
    snap_u32(io, &pmu->ccnt_div);
    snap_u32_array(io, pmu->evtype, CP15_PMU_MAX_COUNTERS);
    snap_u32_array(io, pmu->evcnt, CP15_PMU_MAX_COUNTERS);
    snap_u64(io, &pmu->last_icount);
}

static void cp15_fields(struct snapshot_io *io, struct cp15_state *c)
{
    uint32_t *words[] = {
        &c->sctlr, &c->actlr, &c->cpacr, &c->ttbr0, &c->ttbr1, &c->ttbcr, &c->dacr,
        &c->dfsr, &c->ifsr, &c->dfar, &c->ifar, &c->fcse_pid, &c->contextidr, &c->vbar,
        &c->prrr, &c->nmrr, &c->tpidrurw, &c->tpidruro, &c->tpidrprw, &c->par,
        &c->dcache_lockdown, &c->icache_lockdown, &c->tlb_lockdown, &c->adfsr, &c->aifsr,
        &c->scr, &c->sder, &c->nsacr, &c->mvbar, &c->csselr, &c->amair0, &c->amair1,
        &c->ttbr0_hi, &c->ttbr1_hi, &c->par_hi, &c->a9_power_ctrl, &c->a9_diag,
        &c->a9_power_diag, &c->cbar,
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        snap_u32(io, words[i]);
    pmu_fields(io, &c->pmu);
}

static void cpu_fields(struct snapshot_io *io, struct arm_cpu *cpu)
{
    snap_u32_array(io, cpu->r, 16);
    snap_u8_max(io, "N flag", &cpu->n, 1);
    snap_u8_max(io, "Z flag", &cpu->z, 1);
    snap_u8_max(io, "C flag", &cpu->c, 1);
    snap_u8_max(io, "V flag", &cpu->v, 1);
    snap_u8_max(io, "Q flag", &cpu->q, 1);
    snap_u8_max(io, "GE bits", &cpu->ge, 0xf);
    snap_u8_max(io, "T bit", &cpu->thumb, 1);
    snap_u8(io, &cpu->it);
    snap_u32(io, &cpu->cpsr_ctl);
    snap_u64(io, &cpu->icount);
    snap_u8_max(io, "halted", &cpu->halted, 1);
    snap_u8_max(io, "IRQ input", &cpu->irq_line, 1);
    snap_u8_max(io, "FIQ input", &cpu->fiq_line, 1);

    snap_u32_array(io, cpu->bank_r13, BANK_COUNT);
    snap_u32_array(io, cpu->bank_r14, BANK_COUNT);
    snap_u32_array(io, cpu->bank_spsr, BANK_COUNT);
    snap_u32_array(io, cpu->usr_r8_r12, 5);
    snap_u32_array(io, cpu->fiq_r8_r12, 5);
    snap_u32(io, &cpu->spsr);

    cp15_fields(io, &cpu->cp15);
    snap_u32(io, &cpu->cp14.teecr);
    snap_u32(io, &cpu->cp14.teehbr);

    snap_bytes(io, cpu->vfp.b, sizeof(cpu->vfp.b));
    snap_u32(io, &cpu->vfp.fpscr);
    snap_u32(io, &cpu->vfp.fpexc);

    snap_u32(io, &cpu->excl_addr);
    snap_u32_max(io, "exclusive access size", &cpu->excl_value, 8);
    snap_u8_max(io, "event register", &cpu->event_register, 1);
    for (unsigned i = 0; i < EXC_COUNT; i++)
        snap_u64(io, &cpu->exceptions_taken[i]);
}

static int cpu_validate(struct snapshot_io *io, const struct arm_cpu *cpu)
{
    unsigned mode = cpu->cpsr_ctl & PSR_M_MASK;
    if (cpu->cpsr_ctl & ~PSR_CTL_MASK)
        return snap_fail(io, "CPSR control bits 0x%08x have bits outside the mask",
                         cpu->cpsr_ctl);
    if (!cpu_mode_is_valid(cpu, mode))
        return snap_fail(io, "CPSR mode 0x%02x does not exist on a %s", mode,
                         cpu->model->name);
    /* CPSR[9] is reserved before ARMv6 (DDI 0100I A2.5), and cpu_set_cpsr
     * keeps it 0 there. */
    if ((cpu->cpsr_ctl & PSR_E) && !(cpu->model->features & CPU_FEAT_V6))
        return snap_fail(io, "CPSR.E (big-endian data) set on a %s, which has no E bit",
                         cpu->model->name);
    if (cpu->it && !cpu->thumb)
        return snap_fail(io, "IT state 0x%02x outside Thumb state", cpu->it);
    return 0;
}

int cpu_snapshot(struct arm_cpu *cpu, struct snapshot_io *io)
{
    char model[64];
    if (snapshot_saving(io)) {
        snapshot_put_string(io->w, cpu->model->name);
    } else {
        snapshot_get_string(io->r, model, sizeof(model));
        if (!snapshot_failed(io->r) && strcmp(model, cpu->model->name) != 0)
            return snap_fail(io, "saved from a %s, this CPU is a %s", model, cpu->model->name);
    }
    struct arm_cpu *s = snapshot_stage(io, cpu, sizeof(*cpu));
    if (!s)
        return -1;
    cpu_fields(io, s);
    if (!snapshot_saving(io) && !snap_failed(io))
        cpu_validate(io, s);
    if (!snapshot_saving(io) && io->r->apply && !snap_failed(io)) {
        /* Cached translations and the block being run belong to the old
         * state; the TLB half in use follows the restored mode. */
        cpu->tlb_used_overflow = true;
        cpu_tlb_flush(cpu);
        cpu->tlb_cur = cpu->tlb[cpu_privileged(cpu)];
        cpu->cur_block = NULL;
        cpu->exit_request = 1;
        cpu->fault.fsr = cpu->fault.far = 0;
        cpu->fault.write = false;
    }
    return snapshot_unstage(io, cpu, s);
}
