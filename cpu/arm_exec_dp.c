/*
 * ARM data-processing instructions (DDI 0100I A3.4, A5.1 "Addressing Mode
 * 1"), MRS/MSR (A4.1.38/A4.1.39), CLZ (A4.1.13) and the saturating
 * QADD/QSUB/QDADD/QDSUB (A4.1.46-A4.1.50).
 *
 * Every (opcode, shifter form, S) triple, and for a register shifted by
 * an immediate every shift type too, gets its own handler, generated from
 * one always-inline body (dp_compute_shift, cpu/arm_fast.h, which the
 * executor's inline paths share): the compiler folds the opcode and form
 * switches away, so e.g. "ADD Rd, Rn, #imm" runs as a load, an add and a
 * store. The fast handlers assume Rd != PC and no PC operand of a
 * register-shifted form; the decoder sends those to arm_dp_generic.
 */
#include "cpu/arm_exec.h"
#include "cpu/arm_fast.h"

static ALWAYS_INLINE uint32_t dp_compute(struct arm_cpu *cpu, const struct decoded_insn *d,
                                         unsigned op, unsigned form, bool setflags)
{
    return dp_compute_shift(cpu, d, op, form, setflags, SHIFT_FROM_SLOT);
}

#define DP_OPS(X) \
    X(AND) X(EOR) X(SUB) X(RSB) X(ADD) X(ADC) X(SBC) X(RSC) \
    X(TST) X(TEQ) X(CMP) X(CMN) X(ORR) X(MOV) X(BIC) X(MVN)

#define DP_HANDLER(op, form, s)                                                    \
    static int dp_##op##_##form##_##s(struct arm_cpu *cpu, const struct decoded_insn *d) \
    {                                                                              \
        uint32_t result = dp_compute(cpu, d, DP_##op, DP_FORM_##form, s);          \
        if (dp_writes_rd(DP_##op))                                                 \
            cpu->r[d->rd] = result;                                                \
        return 0;                                                                  \
    }

#define DP_HANDLERS_OF(op)                                                         \
    DP_HANDLER(op, IMM, 0) DP_HANDLER(op, IMM, 1)                                  \
    DP_HANDLER(op, REG, 0) DP_HANDLER(op, REG, 1)                                  \
    DP_HANDLER(op, SHIFT_IMM, 0) DP_HANDLER(op, SHIFT_IMM, 1)                      \
    DP_HANDLER(op, SHIFT_REG, 0) DP_HANDLER(op, SHIFT_REG, 1)

DP_OPS(DP_HANDLERS_OF)

#define DP_ROW(op)                                                                 \
    [DP_##op] = {                                                                  \
        [DP_FORM_IMM] = { dp_##op##_IMM_0, dp_##op##_IMM_1 },                      \
        [DP_FORM_REG] = { dp_##op##_REG_0, dp_##op##_REG_1 },                      \
        [DP_FORM_SHIFT_IMM] = { dp_##op##_SHIFT_IMM_0, dp_##op##_SHIFT_IMM_1 },    \
        [DP_FORM_SHIFT_REG] = { dp_##op##_SHIFT_REG_0, dp_##op##_SHIFT_REG_1 },    \
    },

const insn_handler arm_dp_handlers[DP_OP_COUNT][DP_FORM_COUNT][2] = {
    DP_OPS(DP_ROW)
};

/*
 * Register shifted by an immediate, one handler per shift type as well:
 * the shifter's type switch is then folded away too. This form is a
 * good part of compiled ARM code (address arithmetic, field extraction).
 */
#define DP_SHIFT_HANDLER(op, type, s)                                              \
    static int dp_##op##_##type##_##s(struct arm_cpu *cpu, const struct decoded_insn *d) \
    {                                                                              \
        uint32_t result =                                                          \
            dp_compute_shift(cpu, d, DP_##op, DP_FORM_SHIFT_IMM, s, SHIFT_##type);  \
        if (dp_writes_rd(DP_##op))                                                 \
            cpu->r[d->rd] = result;                                                \
        return 0;                                                                  \
    }

#define DP_SHIFT_HANDLERS_OF(op)                                                   \
    DP_SHIFT_HANDLER(op, LSL, 0) DP_SHIFT_HANDLER(op, LSL, 1)                      \
    DP_SHIFT_HANDLER(op, LSR, 0) DP_SHIFT_HANDLER(op, LSR, 1)                      \
    DP_SHIFT_HANDLER(op, ASR, 0) DP_SHIFT_HANDLER(op, ASR, 1)                      \
    DP_SHIFT_HANDLER(op, ROR, 0) DP_SHIFT_HANDLER(op, ROR, 1)

DP_OPS(DP_SHIFT_HANDLERS_OF)

#define DP_SHIFT_ROW(op)                                                           \
    [DP_##op] = {                                                                  \
        [SHIFT_LSL] = { dp_##op##_LSL_0, dp_##op##_LSL_1 },                        \
        [SHIFT_LSR] = { dp_##op##_LSR_0, dp_##op##_LSR_1 },                        \
        [SHIFT_ASR] = { dp_##op##_ASR_0, dp_##op##_ASR_1 },                        \
        [SHIFT_ROR] = { dp_##op##_ROR_0, dp_##op##_ROR_1 },                        \
        [SHIFT_RRX] = { dp_##op##_SHIFT_IMM_0, dp_##op##_SHIFT_IMM_1 },            \
    },

const insn_handler arm_dp_shift_imm_handlers[DP_OP_COUNT][SHIFT_RRX + 1][2] = {
    DP_OPS(DP_SHIFT_ROW)
};

/*
 * The rare forms: Rd = PC, and a PC operand of a register-shifted form,
 * which reads as the instruction address + 12 (A5.1.5: the PC is read
 * after the extra cycle that fetches Rs). With S, a write to the PC is
 * an exception return, CPSR <- SPSR (A4.1 "Data-processing", S bit); without,
 * a plain branch on ARMv5, a BX on ARMv7 (DDI 0406C A2.3.1, ALUWritePC).
 */
int arm_dp_generic(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const unsigned op = bits32(d->raw, 21, 4);
    const unsigned form = (d->flags >> DPF_FORM_SHIFT) & 3;
    const bool s = d->flags & DPF_S;
    const bool writes = dp_writes_rd(op);
    const bool to_pc = writes && d->rd == 15;

    if (form == DP_FORM_SHIFT_REG)
        cpu->r[15] += 4;
    uint32_t result = dp_compute(cpu, d, op, form, s && !to_pc);
    if (form == DP_FORM_SHIFT_REG)
        cpu->r[15] -= 4;

    if (!to_pc) {
        if (writes)
            cpu->r[d->rd] = result;
        return 0;
    }
    if (s) {
        /* An exception return clears the local monitor (arm_eret). */
        v7_excl_clear(cpu);
        cpu_exception_return(cpu, result);
    } else if (d->flags & DPF_INTERWORK) {
        cpu_branch_exchange(cpu, result);
    } else {
        cpu_branch(cpu, result);
    }
    return 1;
}

int arm_nop(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)cpu;
    (void)d;
    return 0;
}

/* ---- status register access ---- */

/* PSR bits that exist on this model (DDI 0100I A2.5; DDI 0406C B1.3.3). */
static uint32_t psr_valid_mask(const struct cpu_model *model)
{
    uint32_t valid = PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q | PSR_I | PSR_F | PSR_T |
                     PSR_M_MASK;
    if (model->features & CPU_FEAT_JAZELLE)
        valid |= PSR_J;
    if (model->features & CPU_FEAT_V6)
        valid |= PSR_E | PSR_A | PSR_GE_MASK;
    if (model->features & CPU_FEAT_THUMB2)
        valid |= PSR_IT_LO_MASK | PSR_IT_HI_MASK;
    return valid;
}

int arm_mrs(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value;
    if (d->flags & PSRF_SPSR) {
        /* No SPSR in User mode: UNPREDICTABLE, UNDEFINED as in QEMU. In
         * System mode cpu->spsr reads as 0. */
        if (!cpu_privileged(cpu))
            return insn_undefined(cpu, d);
        value = cpu->spsr;
    } else {
        value = cpu_get_cpsr(cpu);
    }
    cpu->r[d->rd] = value;
    return 0;
}

/*
 * MSR (A4.1.39): the field mask selects bytes; User mode writes only the
 * flags byte; the execution state bits (T, J, IT) of the CPSR are never
 * written by MSR. A control-bit change may unmask an interrupt or switch
 * banks, so the handler then leaves the straight-line loop.
 */
int arm_msr(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value = (d->flags & PSRF_IMM) ? d->imm : cpu->r[d->rm];
    uint32_t mask = 0;
    for (unsigned i = 0; i < 4; i++)
        if (d->rs & (1u << i))
            mask |= 0xffu << (8 * i);
    mask &= psr_valid_mask(cpu->model);

    if (!(d->flags & PSRF_SPSR)) {
        mask &= ~(PSR_T | PSR_J | PSR_IT_LO_MASK | PSR_IT_HI_MASK);
        /* User mode writes the APSR bits and, from ARMv6, E (DDI 0406C
         * B1.3.3 CPSRWriteByInstr). */
        if (!cpu_privileged(cpu))
            mask &= PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q | PSR_GE_MASK | PSR_E;
        if ((mask & PSR_M_MASK) && !arm_psr_mode_write_ok(cpu, value))
            mask &= ~PSR_M_MASK;
        if (!mask)
            return 0;
        cpu_set_cpsr(cpu, value, mask);
        return (mask & PSR_CTL_MASK) ? arm_continue_exit(cpu) : 0;
    }
    if (!cpu_privileged(cpu))
        return insn_undefined(cpu, d);
    /* System mode has no SPSR: UNPREDICTABLE, ignored. */
    if (cpu_mode_has_spsr(cpu_mode(cpu)))
        cpu->spsr = (cpu->spsr & ~mask) | (value & mask);
    return 0;
}

/* ---- CLZ and saturating arithmetic ---- */

int arm_clz(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value = cpu->r[d->rm];
    cpu->r[d->rd] = value ? (uint32_t)__builtin_clz(value) : 32;
    return 0;
}

/* QADD: Rm + Rn; QSUB: Rm - Rn; QDADD/QDSUB: Rm +/- sat(2 * Rn). Q is
 * sticky: set by either saturation, never cleared here. */
int arm_qaddsub(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t rm = cpu->r[d->rm];
    uint32_t rn = cpu->r[d->rn];
    uint32_t result;
    switch (d->shift) {
    case 0:
        result = arm_sat_add(cpu, rm, rn);
        break;
    case 1:
        result = arm_sat_sub(cpu, rm, rn);
        break;
    case 2:
        result = arm_sat_add(cpu, rm, arm_sat_add(cpu, rn, rn));
        break;
    default:
        result = arm_sat_sub(cpu, rm, arm_sat_add(cpu, rn, rn));
        break;
    }
    cpu->r[d->rd] = result;
    return 0;
}
