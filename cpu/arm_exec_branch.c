/*
 * ARM branches and exception-generating instructions: B/BL (DDI 0100I
 * A4.1.5), BLX immediate and register (A4.1.9/A4.1.10), BX (A4.1.10),
 * BXJ (A4.1.11, as BX: we have no Jazelle engine), SVC (A4.1.107) and
 * BKPT (A4.1.7).
 *
 * Handlers run with r[15] = instruction + 8; the link value is the next
 * instruction, r[15] - 4.
 */
#include "cpu/arm_exec.h"

int arm_b(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[15] += d->imm;
    return 1;
}

int arm_bl(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[14] = cpu->r[15] - 4;
    cpu->r[15] += d->imm;
    return 1;
}

/* BLX (1): always to Thumb state; H supplies bit 1 of the target. */
int arm_blx_imm(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[14] = cpu->r[15] - 4;
    cpu->thumb = 1;
    cpu->r[15] += d->imm;
    return 1;
}

int arm_bx(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu_branch_exchange(cpu, cpu->r[d->rm]);
    return 1;
}

/* BLX (2): the target is read before LR is written (BLX LR is valid). */
int arm_blx_reg(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t target = cpu->r[d->rm];
    cpu->r[14] = cpu->r[15] - 4;
    cpu_branch_exchange(cpu, target);
    return 1;
}

int arm_svc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return cpu_svc(cpu, 4);
}

/*
 * BKPT: a Prefetch Abort with the debug-event fault status (0b0010), as a
 * core without an attached debugger takes it (ARM926EJ-S TRM, "Debug").
 * Like QEMU we honour the condition field (ARMv5 makes cond != AL
 * UNPREDICTABLE).
 */
int arm_bkpt(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return cpu_prefetch_abort(cpu, cpu_insn_addr(cpu), 0x2);
}
