/*
 * ARM coprocessor instructions: MRC/MCR (DDI 0100I A4.1.32/A4.1.33),
 * MRRC/MCRR (A4.1.35/A4.1.36, the E extension), CDP (A4.1.12) and LDC/STC
 * (A4.1.19/A4.1.100, addressing mode 5), and their cond = 0b1111 "2"
 * forms (the decoder UNDEFs those for cp10, cp11, cp14 and cp15). Each
 * goes to cpu->coproc[cp]; a missing coprocessor, a missing operation or
 * a handler answering -1 means the Undefined Instruction exception, which
 * is how the ARM926 (no VFP, CP14/CP15 only) rejects everything else.
 * On the ARMv7 cores cp10/cp11 are VFP and Advanced SIMD (cpu/vfp.c):
 * VMOV/VMRS/VMSR are MCR/MRC, VMOV pairs MCRR/MRRC, the arithmetic CDP,
 * VLDR/VSTR/VLDM/VSTM LDC/STC; VMRS APSR_nzcv is MRC with Rt = PC.
 *
 * Anything that writes a system coprocessor (cp14, cp15) may change
 * translation (SCTLR, TTBR, TLB maintenance) or wake the interrupt logic,
 * so those handlers ask the executor to leave its straight-line loop and
 * look again. Floating-point instructions change neither and go on.
 *
 * The handlers work in Thumb state too: the T32 coprocessor encodings
 * (hw1 << 16 | hw2) have the A32 layout in bits 27:0, the next
 * instruction is found from d->len, and a PC base is Align(PC, 4).
 */
#include "cpu/arm_exec.h"

static const struct coproc_ops *coproc_of(const struct arm_cpu *cpu,
                                          const struct decoded_insn *d)
{
    return cpu->coproc[d->imm & 15];
}

static void coproc_access_of(uint32_t insn, struct coproc_access *a)
{
    a->opc1 = bits32(insn, 21, 3);
    a->crn = bits32(insn, 16, 4);
    a->crm = bits32(insn, 0, 4);
    a->opc2 = bits32(insn, 5, 3);
}

/* Leave the straight-line loop, continuing at the next instruction. */
static int coproc_continue_exit(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[15] = cpu_insn_addr(cpu) + d->len;
    return 1;
}

/* Writes to system coprocessor state: continue at the next instruction,
 * outside the straight-line loop. Other coprocessors just go on. */
static int coproc_written(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if ((d->imm & 15) < 14)
        return 0;
    cpu->exit_request = 1;
    return coproc_continue_exit(cpu, d);
}

/* MRC to the PC sets N, Z, C, V from bits 31:28 of the value. */
int arm_mrc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const struct coproc_ops *ops = coproc_of(cpu, d);
    struct coproc_access a;
    uint32_t value;

    if (!ops || !ops->mrc)
        return insn_undefined(cpu, d);
    coproc_access_of(d->raw, &a);
    if (ops->mrc(cpu, &a, &value) < 0)
        return insn_undefined(cpu, d);
    if (d->rd == 15)
        cpu_set_cpsr(cpu, value, PSR_N | PSR_Z | PSR_C | PSR_V);
    else
        cpu->r[d->rd] = value;
    return 0;
}

int arm_mcr(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const struct coproc_ops *ops = coproc_of(cpu, d);
    struct coproc_access a;

    if (!ops || !ops->mcr)
        return insn_undefined(cpu, d);
    coproc_access_of(d->raw, &a);
    if (ops->mcr(cpu, &a, cpu->r[d->rd]) < 0)
        return insn_undefined(cpu, d);
    return coproc_written(cpu, d);
}

int arm_mrrc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const struct coproc_ops *ops = coproc_of(cpu, d);
    uint32_t lo, hi;

    if (!ops || !ops->mrrc)
        return insn_undefined(cpu, d);
    if (ops->mrrc(cpu, bits32(d->raw, 4, 4), bits32(d->raw, 0, 4), &lo, &hi) < 0)
        return insn_undefined(cpu, d);
    cpu->r[d->rd] = lo;
    cpu->r[d->rn] = hi;
    return 0;
}

int arm_mcrr(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const struct coproc_ops *ops = coproc_of(cpu, d);

    if (!ops || !ops->mcrr)
        return insn_undefined(cpu, d);
    if (ops->mcrr(cpu, bits32(d->raw, 4, 4), bits32(d->raw, 0, 4), cpu->r[d->rd],
                  cpu->r[d->rn]) < 0)
        return insn_undefined(cpu, d);
    return coproc_written(cpu, d);
}

int arm_cdp(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const struct coproc_ops *ops = coproc_of(cpu, d);

    if (!ops || !ops->cdp || ops->cdp(cpu, d->raw) < 0)
        return insn_undefined(cpu, d);
    return coproc_written(cpu, d);
}

/*
 * LDC/STC, addressing mode 5 (A5.5): offset = imm8 * 4; P=1 is offset or
 * pre-indexed (W), P=0 W=1 post-indexed, P=0 W=0 U=1 unindexed (the imm8
 * is an option for the coprocessor). The coprocessor says how many words
 * move (VFP: up to 32, FLDMX/FSTMX 33 with the last word skipped, the
 * writeback still imm8 * 4); every word is checked by the memory system
 * before the base is written back, so an abort leaves the base alone.
 * ARMv6+ needs a word-aligned address whatever SCTLR.A says (DDI 0406C
 * A3.2.1, LDC/STC and VLDM/VLDR/VSTM/VSTR).
 */
int arm_ldc_stc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    const struct coproc_ops *ops = coproc_of(cpu, d);
    const uint32_t insn = d->raw;
    const bool load = bit32(insn, 20);

    if (!ops || !ops->ldc_stc_count || (load ? !ops->ldc_word : !ops->stc_word))
        return insn_undefined(cpu, d);
    int count = ops->ldc_stc_count(cpu, insn);
    if (count < 0)
        return insn_undefined(cpu, d);

    uint32_t base = d->rn == 15 ? cpu->r[15] & ~3u : cpu->r[d->rn];
    uint32_t offset = bits32(insn, 0, 8) * 4;
    uint32_t wb = (d->flags & LSF_U) ? base + offset : base - offset;
    uint32_t addr = (d->flags & LSF_P) ? wb : base;
    int dev = 0;
    if (unlikely(addr & 3) && arm_strict_align(cpu)) {
        v7_alignment_fault(cpu, addr, !load);
        return cpu_data_abort(cpu);
    }
    for (int i = 0; i < count; i++) {
        uint32_t value;
        int rc;
        if (load) {
            rc = cpu_load32(cpu, addr + 4 * (uint32_t)i, &value);
            if (rc < 0)
                return cpu_data_abort(cpu);
            if (ops->ldc_word(cpu, insn, (unsigned)i, value) < 0)
                return insn_undefined(cpu, d);
        } else {
            if (ops->stc_word(cpu, insn, (unsigned)i, &value) < 0)
                return insn_undefined(cpu, d);
            rc = cpu_store32(cpu, addr + 4 * (uint32_t)i, value);
            if (rc < 0)
                return cpu_data_abort(cpu);
        }
        dev |= rc;
    }
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    if (dev > 0)
        return coproc_continue_exit(cpu, d);
    return coproc_written(cpu, d);
}
