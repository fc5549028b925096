/*
 * What ARMv6, ARMv6K, ARMv6T2 and ARMv7-A (with the Security,
 * Multiprocessing and Virtualization Extensions) added to the ARM
 * instruction set, for the Cortex-A9 and Cortex-A15 models. References are
 * to the ARMv7-A/R ARM ARM (DDI 0406C): A8 for the instructions' pseudocode,
 * B9 for the system instructions.
 *
 *   - MOVW/MOVT;
 *   - the media instructions (A5.4): parallel add/subtract with the GE
 *     flags, SEL, USAD8/USADA8, saturation, extend (and add), packing,
 *     byte/bit reversal, the dual 16-bit and most-significant-word
 *     multiplies, SDIV/UDIV, bitfield extract/insert/clear;
 *   - LDREX/STREX and their byte, halfword and doubleword forms, CLREX;
 *   - the hints (WFI, WFE, SEV) and ISB;
 *   - CPS, SETEND, SRS, RFE, the banked MRS/MSR, ERET and HVC.
 *
 * The semantics live in cpu/v7_ops.h, shared with the Thumb-2 executor;
 * these handlers read the operands the ARM decoder put in the slot (layouts
 * in arm_exec.h), call the shared operation and write the result. The
 * decoder has already turned every UNPREDICTABLE register choice into
 * UNDEFINED, so handlers trust their operands. Each (kind, operation)
 * pair of the parallel and extend families gets its own handler, so the
 * choice is made once, at decode time.
 */
#include "cpu/arm_exec.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Instruction length for the shared operations that compute the next PC. */
#define ARM_LEN 4

/* ---- MOVW/MOVT (A8.8.102, A8.8.106) ---- */

int arm_movw(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = d->imm;
    return 0;
}

int arm_movt(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = (cpu->r[d->rd] & 0xffffu) | d->imm << 16;
    return 0;
}

/* ---- parallel add/subtract (A5.4.1, A5.4.2), SEL, USAD8 ---- */

#define PAR_KINDS(X) X(S) X(Q) X(SH) X(U) X(UQ) X(UH)
#define PAR_OPS_OF(kind, X) \
    X(kind, ADD16) X(kind, ASX) X(kind, SAX) X(kind, SUB16) X(kind, ADD8) X(kind, SUB8)

#define PAR_HANDLER(kind, op)                                                        \
    static int par_##kind##_##op(struct arm_cpu *cpu, const struct decoded_insn *d)  \
    {                                                                                \
        cpu->r[d->rd] = v7_parallel(cpu, V7_PAR_##kind, V7_PAR_##op, cpu->r[d->rn],  \
                                    cpu->r[d->rm]);                                  \
        return 0;                                                                    \
    }
#define PAR_HANDLERS_OF(kind) PAR_OPS_OF(kind, PAR_HANDLER)
PAR_KINDS(PAR_HANDLERS_OF)

#define PAR_ENTRY(kind, op) par_##kind##_##op,
#define PAR_ROW(kind) [V7_PAR_##kind] = { PAR_OPS_OF(kind, PAR_ENTRY) },

const insn_handler arm_parallel_handlers[V7_PAR_KIND_COUNT][V7_PAR_OP_COUNT] = {
    PAR_KINDS(PAR_ROW)
};

int arm_sel(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_sel(cpu, cpu->r[d->rn], cpu->r[d->rm]);
    return 0;
}

int arm_usad8(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_usad8(cpu->r[d->rn], cpu->r[d->rm], 0);
    return 0;
}

int arm_usada8(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_usad8(cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs]);
    return 0;
}

/* ---- saturation (A8.8.199, A8.8.200, A8.8.264, A8.8.265) ---- */

/* The operand of SSAT/USAT: Rn LSL #0..31 or ASR #1..32. */
static ALWAYS_INLINE int32_t sat_operand(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return (int32_t)arm_shift_imm(cpu->r[d->rn], d->shift, d->rs, 0);
}

int arm_ssat(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_ssat(cpu, sat_operand(cpu, d), d->imm);
    return 0;
}

int arm_usat(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_usat(cpu, sat_operand(cpu, d), d->imm);
    return 0;
}

int arm_ssat16(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_ssat16(cpu, cpu->r[d->rn], d->imm);
    return 0;
}

int arm_usat16(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_usat16(cpu, cpu->r[d->rn], d->imm);
    return 0;
}

/* ---- extend and extend-and-add: Rm ROR #0/8/16/24, extended, + Rn ---- */

#define EXT_KINDS(X) X(SXTB) X(SXTH) X(SXTB16) X(UXTB) X(UXTH) X(UXTB16)
#define EXT_HANDLERS_OF(kind)                                                        \
    static int ext_##kind##_0(struct arm_cpu *cpu, const struct decoded_insn *d)     \
    {                                                                                \
        cpu->r[d->rd] = v7_extend_add(V7_##kind, 0, ror32(cpu->r[d->rm], d->shift)); \
        return 0;                                                                    \
    }                                                                                \
    static int ext_##kind##_1(struct arm_cpu *cpu, const struct decoded_insn *d)     \
    {                                                                                \
        cpu->r[d->rd] = v7_extend_add(V7_##kind, cpu->r[d->rn],                      \
                                      ror32(cpu->r[d->rm], d->shift));               \
        return 0;                                                                    \
    }
EXT_KINDS(EXT_HANDLERS_OF)

#define EXT_ROW(kind) [V7_##kind] = { ext_##kind##_0, ext_##kind##_1 },

const insn_handler arm_extend_handlers[ARM_EXTEND_COUNT][2] = {
    EXT_KINDS(EXT_ROW)
};

/* ---- packing and reversal (A8.8.125, A8.8.144-A8.8.147) ---- */

int arm_pkhbt(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_pkhbt(cpu->r[d->rn], cpu->r[d->rm] << d->imm);
    return 0;
}

/* PKHTB: ASR #1..32 (32 decoded from imm5 = 0). */
int arm_pkhtb(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t shifted = (uint32_t)((int32_t)cpu->r[d->rm] >> (d->imm >= 32 ? 31 : d->imm));
    cpu->r[d->rd] = v7_pkhtb(cpu->r[d->rn], shifted);
    return 0;
}

int arm_rev(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_rev(cpu->r[d->rm]);
    return 0;
}

int arm_rev16(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_rev16(cpu->r[d->rm]);
    return 0;
}

int arm_revsh(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_revsh(cpu->r[d->rm]);
    return 0;
}

int arm_rbit(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_rbit(cpu->r[d->rm]);
    return 0;
}

/* ---- signed multiplies and divide (A5.4.4) ---- */

int arm_smlad(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smlad(cpu, cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs],
                             d->flags & MEDF_SWAP, false);
    return 0;
}

int arm_smuad(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smlad(cpu, cpu->r[d->rn], cpu->r[d->rm], 0, d->flags & MEDF_SWAP, false);
    return 0;
}

int arm_smlsd(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smlad(cpu, cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs],
                             d->flags & MEDF_SWAP, true);
    return 0;
}

int arm_smusd(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smlad(cpu, cpu->r[d->rn], cpu->r[d->rm], 0, d->flags & MEDF_SWAP, true);
    return 0;
}

/* SMLALD/SMLSLD: RdHi (rd) : RdLo (rs) accumulate; RdLo is written first,
 * so with RdHi == RdLo (UNPREDICTABLE) the high word wins, as in QEMU. */
static ALWAYS_INLINE int dual_long(struct arm_cpu *cpu, const struct decoded_insn *d, bool sub)
{
    uint64_t acc = (uint64_t)cpu->r[d->rd] << 32 | cpu->r[d->rs];
    acc = v7_smlald(cpu->r[d->rn], cpu->r[d->rm], acc, d->flags & MEDF_SWAP, sub);
    cpu->r[d->rs] = (uint32_t)acc;
    cpu->r[d->rd] = (uint32_t)(acc >> 32);
    return 0;
}

int arm_smlald(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return dual_long(cpu, d, false);
}

int arm_smlsld(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return dual_long(cpu, d, true);
}

int arm_smmla(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smmla(cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs],
                             d->flags & MEDF_ROUND, false);
    return 0;
}

int arm_smmul(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smmla(cpu->r[d->rn], cpu->r[d->rm], 0, d->flags & MEDF_ROUND, false);
    return 0;
}

int arm_smmls(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_smmla(cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs],
                             d->flags & MEDF_ROUND, true);
    return 0;
}

/* Division by zero gives 0, INT_MIN / -1 gives INT_MIN (v7_ops.h). */
int arm_sdiv(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_sdiv(cpu->r[d->rn], cpu->r[d->rm]);
    return 0;
}

int arm_udiv(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_udiv(cpu->r[d->rn], cpu->r[d->rm]);
    return 0;
}

/* ---- bitfields: imm = lsb, rs = width (A8.8.20, A8.8.21, A8.8.164) ---- */

int arm_sbfx(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_sbfx(cpu->r[d->rn], d->imm, d->rs);
    return 0;
}

int arm_ubfx(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_ubfx(cpu->r[d->rn], d->imm, d->rs);
    return 0;
}

int arm_bfc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_bfi(cpu->r[d->rd], 0, d->imm, d->imm + d->rs - 1u);
    return 0;
}

int arm_bfi(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->r[d->rd] = v7_bfi(cpu->r[d->rd], cpu->r[d->rn], d->imm, d->imm + d->rs - 1u);
    return 0;
}

/* ---- exclusives (A3.4; A8.8.75-A8.8.78, A8.8.212-A8.8.215) ---- */

/* The monitor and the alignment rule (size-aligned whatever SCTLR.A says)
 * are v7_ldrex/v7_strex's; nothing changes when they fault. */
static ALWAYS_INLINE int ldrex_exec(struct arm_cpu *cpu, const struct decoded_insn *d,
                                    unsigned size)
{
    uint32_t lo, hi = 0;
    int rc = v7_ldrex(cpu, cpu->r[d->rn], size, &lo, &hi);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rd] = lo;
    if (size == 8)
        cpu->r[d->rd + 1] = hi;
    return arm_mem_done(cpu, rc);
}

static ALWAYS_INLINE int strex_exec(struct arm_cpu *cpu, const struct decoded_insn *d,
                                    unsigned size)
{
    uint32_t status;
    uint32_t hi = size == 8 ? cpu->r[d->rm + 1] : 0;
    int rc = v7_strex(cpu, cpu->r[d->rn], size, cpu->r[d->rm], hi, &status);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    cpu->r[d->rd] = status;
    return arm_mem_done(cpu, rc);
}

#define EXCL_SIZES(X) X(word, 4) X(dual, 8) X(byte, 1) X(half, 2)
#define EXCL_HANDLERS_OF(name, size)                                                 \
    static int ldrex_##name(struct arm_cpu *cpu, const struct decoded_insn *d)       \
    {                                                                                \
        return ldrex_exec(cpu, d, size);                                             \
    }                                                                                \
    static int strex_##name(struct arm_cpu *cpu, const struct decoded_insn *d)       \
    {                                                                                \
        return strex_exec(cpu, d, size);                                             \
    }
EXCL_SIZES(EXCL_HANDLERS_OF)

/* [L][bits 22:21]: 00 word, 01 doubleword, 10 byte, 11 halfword. */
const insn_handler arm_exclusive_handlers[2][4] = {
    { strex_word, strex_dual, strex_byte, strex_half },
    { ldrex_word, ldrex_dual, ldrex_byte, ldrex_half },
};

int arm_clrex(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    v7_excl_clear(cpu);
    return 0;
}

/* ---- hints and barriers ---- */

/* ISB (A8.8.53): later instructions see every earlier CP15 and code
 * change and any interrupt an earlier write unmasked: the block ends and
 * the executor looks up the next one afresh. */
int arm_isb(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    cpu->exit_request = 1;
    return arm_continue_exit(cpu);
}

int arm_wfi(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return v7_wfi(cpu, ARM_LEN);
}

int arm_wfe(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    return v7_wfe(cpu, ARM_LEN);
}

int arm_sev(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    (void)d;
    v7_sev(cpu);
    return 0;
}

/* ---- system instructions (B9.3) ---- */

/*
 * CPS (B9.3.2), a NOP in User mode. A mode change to or from Hyp mode is
 * dropped (UNPREDICTABLE by CPS and MSR; QEMU ignores it the same way),
 * the A/I/F changes still happen. A control-bit change may unmask an
 * interrupt: leave the straight-line run.
 */
int arm_cps(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    bool change_mode = d->flags && arm_psr_mode_write_ok(cpu, d->imm);
    if (!v7_cps(cpu, d->rs, d->shift, change_mode, d->imm))
        return 0;
    return arm_continue_exit(cpu);
}

/* SETEND (A8.8.157): CPSR.E (v7_setend). */
int arm_setend(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    v7_setend(cpu, d->imm != 0);
    return 0;
}

int arm_srs(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return v7_srs(cpu, d->imm, d->flags & LSF_U, d->flags & LSF_P, d->flags & LSF_WB, ARM_LEN);
}

int arm_rfe(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return v7_rfe(cpu, d->rn, d->flags & LSF_U, d->flags & LSF_P, d->flags & LSF_WB, ARM_LEN);
}

int arm_mrs_banked(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t value;
    if (v7_banked_read(cpu, d->flags & 1, d->imm, &value) < 0)
        return insn_undefined(cpu, d);
    cpu->r[d->rd] = value;
    return 0;
}

int arm_msr_banked(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (v7_banked_write(cpu, d->flags & 1, d->imm, cpu->r[d->rm]) < 0)
        return insn_undefined(cpu, d);
    return 0;
}

/*
 * ERET (B9.3.3): UNDEFINED in User mode (and UNPREDICTABLE, UNDEFINED, in
 * System mode); in Hyp mode the return address is ELR_hyp, elsewhere LR.
 * Like every exception return it clears the local monitor, so a
 * LDREX/STREX sequence interrupted by an exception retries.
 */
int arm_eret(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    if (!cpu_privileged(cpu))
        return insn_undefined(cpu, d);
    v7_excl_clear(cpu);
    return v7_exception_return(cpu, cpu->r[14], ARM_LEN);
}

/* HVC (B9.3.4): the hypervisor's hook, or UNDEFINED (cpu_hvc). */
int arm_hvc(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return cpu_hvc(cpu, d->imm, ARM_LEN);
}
