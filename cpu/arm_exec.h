/*
 * Private header of the ARM (A32) executors: what arm_decode.c puts in a
 * decoded slot for each instruction family, the handler tables it picks
 * from, and helpers the Thumb executors may share (flag setting, the
 * saturating adds, the LDM/STM core).
 *
 * Slot layout per family (struct decoded_insn, cpu/decode.h):
 *
 *   data processing  rd, rn, rm, rs (shift register); shift = enum shift_type
 *                    (ROR #0 is SHIFT_RRX); imm = rotated immediate, or the
 *                    shift amount of a register shifted by an immediate
 *                    (LSR/ASR #0 already turned into 32); flags = DPF_*.
 *   multiply         rd = Rd or RdHi (bits 19:16), rn = Ra or RdLo (15:12),
 *                    rs = Rs (11:8), rm = Rm (3:0); flags = MULF_*.
 *   word/byte, half  rd = Rt, rn, rm; imm = offset with U applied (two's
 *   load/store       complement) for immediate forms, the shift amount for
 *                    scaled-register forms; shift = shift type; flags = LSF_*.
 *   LDM/STM          rn; imm = register list; rd = number of registers;
 *                    rs = (int8) offset of the lowest address from Rn;
 *                    shift = (int8) writeback delta; flags = LSF_*.
 *   branch           imm = target offset from the PC operand (insn + 8).
 *   coprocessor      rd = Rt, rn = Rt2 or Rn, imm = coprocessor number.
 *
 * ARMv6/v7 families (arm_exec_v6.c; register names as in DDI 0406C A8):
 *
 *   media, 3 regs    rd = Rd, rn = Rn, rm = Rm (parallel add/subtract, SEL,
 *                    PKH: imm = shift amount 0..32).
 *   extend           rd, rn = Rn (15: no accumulate), rm;
 *                    shift = rotation in bits (0, 8, 16, 24).
 *   saturate         rd, rn; imm = saturation width in bits; shift = LSL
 *                    or ASR, rs = amount (0..32).
 *   media multiply   rd = Rd or RdHi (bits 19:16), rn = Rn (3:0),
 *                    rm = Rm (11:8), rs = Ra or RdLo (15:12); flags MEDF_*.
 *   bitfield         rd, rn; imm = lsb, rs = width (1..32).
 *   MOVW/MOVT        rd; imm = imm16.
 *   exclusives       rn = Rn, rd = Rt (loads) or the status Rd (stores),
 *                    rm = Rt (stores); Rt2 = Rt + 1 for the doubleword form.
 *   SRS/RFE          imm = SRS mode, rn = RFE base; flags = LSF_U
 *                    (increment), LSF_P (before), LSF_WB.
 *   CPS              imm = mode, rs = imod, shift = A:I:F (bits 2:0),
 *                    flags = 1 when the mode changes.
 *   banked MRS/MSR   rd = Rd (MRS) / rm = Rn (MSR); imm = SYSm; flags = R.
 *   HVC              imm = imm16.
 *
 * Their semantics are cpu/v7_ops.h's, shared with the Thumb executors.
 *
 * Handlers run with r[15] = instruction address + 8. A handler that writes
 * r[15], or that must leave the executor's straight-line loop (a device was
 * touched, the CPSR control bits or CP15 changed), returns non-zero with
 * r[15] holding the next PC: arm_continue_exit() does that for "continue
 * with the next instruction".
 */
#ifndef CPU_ARM_EXEC_H
#define CPU_ARM_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"
#include "cpu/v7_ops.h"

/* Data-processing opcodes, bits [24:21] (ARM ARM A5.2.1, DDI 0100I A3.4). */
enum arm_dp_op {
    DP_AND, DP_EOR, DP_SUB, DP_RSB, DP_ADD, DP_ADC, DP_SBC, DP_RSC,
    DP_TST, DP_TEQ, DP_CMP, DP_CMN, DP_ORR, DP_MOV, DP_BIC, DP_MVN,
    DP_OP_COUNT
};

/* Shifter operand forms (DDI 0100I A5.1 "Addressing Mode 1"). */
enum arm_dp_form {
    DP_FORM_IMM,        /* #rotated immediate */
    DP_FORM_REG,        /* Rm (LSL #0) */
    DP_FORM_SHIFT_IMM,  /* Rm, <shift> #amount, or RRX */
    DP_FORM_SHIFT_REG,  /* Rm, <shift> Rs */
    DP_FORM_COUNT
};

/* Data-processing flags. */
#define DPF_S    0x01u  /* S bit: update the flags */
#define DPF_ROT  0x02u  /* immediate rotated: shifter carry-out = imm bit 31 */
#define DPF_INTERWORK 0x04u /* ARMv7: a write to the PC without S is a BX */
#define DPF_FORM_SHIFT 4 /* bits 5:4 hold the enum arm_dp_form */

/* MRS/MSR flags; for MSR, rs holds the field mask (c, x, s, f = bits 0-3). */
#define PSRF_SPSR 0x01u  /* R bit */
#define PSRF_IMM  0x02u  /* MSR immediate form, value in imm */

/* Multiply flags. */
#define MULF_S   0x01u
#define MULF_X   0x02u  /* SMLA<x><y>: top half of Rm */
#define MULF_Y   0x04u  /* SMLA<x><y>: top half of Rs */

/* ARMv6 media multiply flags. */
#define MEDF_SWAP  0x01u /* SMLAD & co "X": swap the halves of Rm */
#define MEDF_ROUND 0x02u /* SMMLA & co "R": round the high word */

/* Load/store flags (P, U, W as encoded; the rest derived at decode). */
#define LSF_P     0x01u  /* pre-indexed */
#define LSF_U     0x02u  /* add the offset */
#define LSF_WB    0x04u  /* the base register is written back */
#define LSF_USER  0x08u  /* T variant, or LDM/STM ^ with user bank */
#define LSF_EXRET 0x10u  /* LDM ^ with PC: exception return */
#define LSF_REG   0x20u  /* register offset */

/*
 * ---- handler tables (indexes are decoder-chosen, see arm_decode.c) ----
 * Handlers that neither touch memory nor the PC (data processing with
 * Rd != PC, multiplies, CLZ, QADD & co, the ARMv6 media handlers) work in
 * Thumb state too when the slot is laid out as above, and so do the
 * coprocessor handlers (arm_exec_coproc.c); the rest assume ARM state (PC
 * operand + 8, next instruction at + 4).
 */

/* [op][form][S] for Rd != PC; PC as a register-shifted operand goes to
 * arm_dp_generic, as does any Rd = PC. */
extern const insn_handler arm_dp_handlers[DP_OP_COUNT][DP_FORM_COUNT][2];
/* DP_FORM_SHIFT_IMM by [op][enum shift_type][S], same conditions. */
extern const insn_handler arm_dp_shift_imm_handlers[DP_OP_COUNT][SHIFT_RRX + 1][2];
int arm_dp_generic(struct arm_cpu *cpu, const struct decoded_insn *d);

int arm_mrs(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_msr(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_clz(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_qaddsub(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_nop(struct arm_cpu *cpu, const struct decoded_insn *d);

/* Multiplies: [op][S] for MUL, MLA, UMULL, UMLAL, SMULL, SMLAL (bits 23:21
 * minus the v6 UMAAL/MLS holes, see arm_decode.c). */
enum arm_mul_op { MUL_MUL, MUL_MLA, MUL_UMULL, MUL_UMLAL, MUL_SMULL, MUL_SMLAL, MUL_OP_COUNT };
extern const insn_handler arm_mul_handlers[MUL_OP_COUNT][2];
int arm_smlaxy(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smlawy(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smulwy(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smlalxy(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smulxy(struct arm_cpu *cpu, const struct decoded_insn *d);

/*
 * Word/byte loads and stores. Fast handlers: [L][B][form][index] with
 * form 0 = immediate, 1 = (scaled) register, and index 0 = offset,
 * 1 = pre-indexed with writeback, 2 = post-indexed. Loads to PC and the
 * T variants take arm_ldst_generic.
 */
enum arm_ldst_index { LDST_OFFSET, LDST_PRE_WB, LDST_POST, LDST_INDEX_COUNT };
extern const insn_handler arm_ldst_handlers[2][2][2][LDST_INDEX_COUNT];
/* [L][B][index] for a register offset shifted left and added (U set). */
extern const insn_handler arm_ldst_lsl_handlers[2][2][LDST_INDEX_COUNT];
int arm_ldst_generic(struct arm_cpu *cpu, const struct decoded_insn *d);

/* Halfword, signed byte/halfword and doubleword transfers. */
enum arm_ldst_extra { LDSTX_STRH, LDSTX_LDRH, LDSTX_LDRSB, LDSTX_LDRSH, LDSTX_LDRD,
                      LDSTX_STRD, LDSTX_COUNT };
extern const insn_handler arm_ldst_extra_handlers[LDSTX_COUNT];

int arm_ldm(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_stm(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_ldm_user(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_stm_user(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_ldm_exret(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_swp(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_swpb(struct arm_cpu *cpu, const struct decoded_insn *d);

int arm_b(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_bl(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_blx_imm(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_bx(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_blx_reg(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_svc(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_bkpt(struct arm_cpu *cpu, const struct decoded_insn *d);

int arm_mrc(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_mcr(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_mrrc(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_mcrr(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_cdp(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_ldc_stc(struct arm_cpu *cpu, const struct decoded_insn *d);

/* ---- ARMv6/v6K/v6T2/v7 additions (arm_exec_v6.c, arm_exec_mul.c) ---- */

int arm_umaal(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_mls(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_movw(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_movt(struct arm_cpu *cpu, const struct decoded_insn *d);

/*
 * Parallel add/subtract (A5.4.1/A5.4.2): [enum v7_par_kind][enum v7_par_op].
 * The kind is U * 3 + op1 - 1 (op1 = bits 21:20: 01 plain, 10 saturating,
 * 11 halving); the op is op2 (bits 7:5), 111 (SUB8) folded onto 5.
 */
extern const insn_handler arm_parallel_handlers[V7_PAR_KIND_COUNT][V7_PAR_OP_COUNT];

/* Extend and extend-and-add (A8.8.221-A8.8.226, A8.8.271-A8.8.276):
 * [enum v7_extend_op][accumulate]. */
#define ARM_EXTEND_COUNT 6
extern const insn_handler arm_extend_handlers[ARM_EXTEND_COUNT][2];

int arm_sel(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_pkhbt(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_pkhtb(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_ssat(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_usat(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_ssat16(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_usat16(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_rev(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_rev16(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_revsh(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_rbit(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_usad8(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_usada8(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smlad(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smuad(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smlsd(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smusd(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smlald(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smlsld(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smmla(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smmul(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_smmls(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_sdiv(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_udiv(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_sbfx(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_ubfx(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_bfc(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_bfi(struct arm_cpu *cpu, const struct decoded_insn *d);

/* Exclusives: [L][size], size 0 word, 1 doubleword, 2 byte, 3 halfword
 * (bits 22:21 of the encoding, A5.2.10). */
extern const insn_handler arm_exclusive_handlers[2][4];
int arm_clrex(struct arm_cpu *cpu, const struct decoded_insn *d);

/* Hints and barriers. */
int arm_isb(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_wfi(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_wfe(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_sev(struct arm_cpu *cpu, const struct decoded_insn *d);

/* System: CPS, SETEND, SRS, RFE, banked MRS/MSR, ERET, HVC. */
int arm_cps(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_setend(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_srs(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_rfe(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_mrs_banked(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_msr_banked(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_eret(struct arm_cpu *cpu, const struct decoded_insn *d);
int arm_hvc(struct arm_cpu *cpu, const struct decoded_insn *d);

/* Name of the arm_insns.def row an encoding falls in ("undefined" for
 * none): for traces, statistics and the differential tests. */
const char *arm_decode_class_name(const struct cpu_model *model, uint32_t insn);

/* ---- helpers shared with the Thumb executors ---- */

/*
 * Leave the straight-line loop and continue with the next ARM instruction
 * (r[15] is insn + 8 inside a handler, the next one is at insn + 4).
 */
static inline int arm_continue_exit(struct arm_cpu *cpu)
{
    cpu->r[15] -= 4;
    return 1;
}

/*
 * A load to the PC (LDR, LDM, POP): interworks from ARMv5T on, except that
 * an ARMv5 core with SCTLR.L4 set keeps the ARMv4 behaviour and ignores
 * bit 0 (DDI 0100I B4.1.1 / A4.1.23; the bit is reserved, 0, from ARMv6).
 */
static inline void arm_load_pc(struct arm_cpu *cpu, uint32_t value)
{
    if (unlikely(cpu->cp15.sctlr & SCTLR_L4))
        cpu_branch(cpu, value);
    else
        cpu_branch_exchange(cpu, value);
}

/*
 * MSR and CPS may not switch to or from Hyp mode (CPSRWriteByInstr,
 * DDI 0406C B1.3.3: UNPREDICTABLE; the mode is left alone, as QEMU does).
 */
static inline bool arm_psr_mode_write_ok(const struct arm_cpu *cpu, uint32_t value)
{
    return cpu_mode(cpu) != MODE_HYP && (value & PSR_M_MASK) != MODE_HYP;
}

/* True when the ARMv6+ alignment rules apply (SCTLR.U reads as 1 on ARMv7). */
static inline bool arm_strict_align(const struct arm_cpu *cpu)
{
    return cpu->cp15.sctlr & SCTLR_U;
}

/* Result of a memory helper as a handler return value (ARM state): a
 * device access (> 0) leaves the loop at the next instruction. */
static inline int arm_mem_done(struct arm_cpu *cpu, int rc)
{
    return unlikely(rc > 0) ? arm_continue_exit(cpu) : 0;
}

/*
 * Shift by a decoded immediate when the carry-out is not needed (operands
 * of non-flag-setting data processing, scaled register offsets). amount
 * comes from the decoder: LSL 0..31, LSR/ASR 1..32, ROR 1..31; RRX uses
 * carry_in (DDI 0100I A5.1.4-A5.1.13, A5.2.4).
 */
static inline uint32_t arm_shift_imm(uint32_t value, unsigned type, unsigned amount,
                                     uint32_t carry_in)
{
    switch (type) {
    case SHIFT_LSL:
        return value << amount;
    case SHIFT_LSR:
        return amount >= 32 ? 0 : value >> amount;
    case SHIFT_ASR:
        return (uint32_t)((int32_t)value >> (amount >= 32 ? 31 : amount));
    case SHIFT_ROR:
        return ror32(value, amount);
    default:
        return (value >> 1) | (carry_in << 31);
    }
}

/* N and Z from a 64-bit result (UMULLS and friends, DDI 0100I A4.1.129). */
static inline void set_nz64(struct arm_cpu *cpu, uint64_t result)
{
    cpu->n = (uint8_t)(result >> 63);
    cpu->z = result == 0;
}

/* SignedSat32 add/subtract used by QADD & co (DDI 0100I A4.1.46); sets Q. */
static inline uint32_t arm_sat_add(struct arm_cpu *cpu, uint32_t a, uint32_t b)
{
    bool sat = false;
    int32_t r = signed_saturate((int64_t)(int32_t)a + (int32_t)b, 32, &sat);
    cpu->q |= sat;
    return (uint32_t)r;
}

static inline uint32_t arm_sat_sub(struct arm_cpu *cpu, uint32_t a, uint32_t b)
{
    bool sat = false;
    int32_t r = signed_saturate((int64_t)(int32_t)a - (int32_t)b, 32, &sat);
    cpu->q |= sat;
    return (uint32_t)r;
}

/* Sets Q when a 32-bit signed addition overflows, returns the wrapped sum
 * (SMLA<x><y>, SMLAW<y>: DDI 0100I A4.1.74). */
static inline uint32_t arm_add_set_q(struct arm_cpu *cpu, uint32_t a, uint32_t b)
{
    uint32_t r = a + b;
    cpu->q |= ((~(a ^ b) & (a ^ r)) >> 31) & 1;
    return r;
}

/*
 * The LDM/STM core, usable for Thumb PUSH/POP/LDMIA/STMIA too.
 * list holds count registers; lowest is the lowest address; registers go
 * in ascending order. A load of PC goes through arm_load_pc (interworks
 * unless SCTLR.L4). On an abort nothing is written back and no register
 * changes (an allowed instance of the ARMv5 "base restored" abort model,
 * DDI 0100I A2.6.5). wb_value is written to rn when writeback is set,
 * unless the list loads rn (the loaded value wins).
 * Returns 0, or non-zero with r[15] set: PC loaded, abort, or a device
 * access (then r[15] = next_pc, the caller's next instruction).
 */
int arm_block_load(struct arm_cpu *cpu, unsigned rn, unsigned list, unsigned count,
                   uint32_t lowest, bool writeback, uint32_t wb_value, uint32_t next_pc);
/* Stores go in order; on an abort no writeback. The PC, if listed, is
 * stored as cpu->r[15] (insn + 8 in ARM state, QEMU's choice). */
int arm_block_store(struct arm_cpu *cpu, unsigned rn, unsigned list, unsigned count,
                    uint32_t lowest, bool writeback, uint32_t wb_value, uint32_t next_pc);

#endif
