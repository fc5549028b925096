/*
 * 32-bit Thumb-2 instruction handlers (ARM ARM DDI 0406C, A8.8 pseudocode;
 * encodings and slot layouts in thumb2_insns.def / thumb2_decode.c).
 *
 * Conventions as in thumb_exec.c: r[15] is the instruction's address + 4
 * while a handler runs (which for a 32-bit instruction is also the address
 * of the next one); return 0 to go on, non-zero with r[15] written after a
 * branch or exception, or with r[15] at the next instruction
 * (thumb_continue_exit) after a device access or a change the executor
 * must see (CPSR control bits, coprocessor writes, ISB). A memory fault
 * returns cpu_data_abort() before any register is written. Every handler
 * is wrapped for IT blocks (thumb_exec.h).
 *
 * ARMv7 alignment (A3.2.1, Table A3-1): LDR/STR/LDRH/STRH/TBH accept
 * unaligned addresses unless SCTLR.A is set (the memory system decides);
 * LDM/STM, LDRD/STRD, the exclusives, LDC/STC, SRS/RFE always need
 * word alignment (the exclusives their natural alignment) and take an
 * alignment fault here.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/trace.h"
#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/mem.h"
#include "cpu/neon.h"
#include "cpu/thumb2_insns.def" /* forms and flags only */
#include "cpu/thumb_exec.h"
#include "cpu/v7_ops.h"

/* Prototypes of the table's handlers (checks the definitions below). */
#define THUMB32_INSN(mask, match, form, handler, features) \
    int handler(struct arm_cpu *cpu, const struct decoded_insn *d);
#include "cpu/thumb2_insns.def"

#define T2_INLINE static inline __attribute__((always_inline))

/* Data abort after recording an alignment fault. */
static int t2_alignment_abort(struct arm_cpu *cpu, uint32_t addr, bool write)
{
    v7_alignment_fault(cpu, addr, write);
    return cpu_data_abort(cpu);
}

/* ---- branches (A8.8.18 B, A8.8.25 BL/BLX) ---- */

/* BL: LR = next | 1, PC = PC + imm (PC = insn + 4 = the next instruction). */
THUMB_HANDLER(thumb2_bl)
{
    uint32_t next = cpu->r[15];
    cpu->r[14] = next | 1;
    cpu->r[15] = next + d->imm;
    return 1;
}

/* BLX (immediate): to ARM state at Align(PC, 4) + imm. */
THUMB_HANDLER(thumb2_blx)
{
    uint32_t next = cpu->r[15];
    cpu->r[14] = next | 1;
    cpu->thumb = 0;
    cpu->r[15] = (next & ~3u) + d->imm;
    return 1;
}

/* B.W (T4) and B<cond>.W (T3; the executor tested d->cond). */
THUMB_HANDLER(t2_b)
{
    cpu->r[15] += d->imm;
    return 1;
}

/* ---- data processing: modified immediate and shifted register ---- */

enum t2_dp_op {
    T2_AND, T2_BIC, T2_ORR, T2_ORN, T2_EOR, T2_MOV, T2_MVN, T2_TST, T2_TEQ,
    T2_ADD, T2_ADC, T2_SBC, T2_SUB, T2_RSB, T2_CMN, T2_CMP
};

/*
 * One body for every data-processing instruction, specialised by constant
 * op, operand form (reg: Rm shifted by an immediate; else the expanded
 * immediate) and S. The logical operations with S take C from the shifter
 * (Shift_C) or from ThumbExpandImm_C (A6.3.2); the arithmetic ones from
 * AddWithCarry. Rd = PC never gets here (thumb2_decode.c).
 */
T2_INLINE int t2_dp(struct arm_cpu *cpu, const struct decoded_insn *d, enum t2_dp_op op,
                    bool reg, bool s)
{
    uint32_t carry, m, r;
    const uint32_t n = cpu->r[d->rn];
    bool logical = true;

    if (reg) {
        m = shift_with_carry(cpu->r[d->rm], d->shift, d->imm, cpu->c, &carry);
    } else {
        m = d->imm;
        carry = (d->flags & T2F_IMM_CARRY) ? m >> 31 : cpu->c;
    }
    switch (op) {
    case T2_AND:
    case T2_TST:
        r = n & m;
        break;
    case T2_BIC:
        r = n & ~m;
        break;
    case T2_ORR:
        r = n | m;
        break;
    case T2_ORN:
        r = n | ~m;
        break;
    case T2_EOR:
    case T2_TEQ:
        r = n ^ m;
        break;
    case T2_MOV:
        r = m;
        break;
    case T2_MVN:
        r = ~m;
        break;
    case T2_ADD:
    case T2_CMN:
        logical = false;
        r = s ? add_with_carry_flags(cpu, n, m, 0) : n + m;
        break;
    case T2_ADC:
        logical = false;
        r = s ? add_with_carry_flags(cpu, n, m, cpu->c) : n + m + cpu->c;
        break;
    case T2_SBC:
        logical = false;
        r = s ? add_with_carry_flags(cpu, n, ~m, cpu->c) : n + ~m + cpu->c;
        break;
    case T2_SUB:
    case T2_CMP:
        logical = false;
        r = s ? add_with_carry_flags(cpu, n, ~m, 1) : n - m;
        break;
    default: /* T2_RSB */
        logical = false;
        r = s ? add_with_carry_flags(cpu, m, ~n, 1) : m - n;
        break;
    }
    if (s && logical) {
        set_nz(cpu, r);
        cpu->c = (uint8_t)carry;
    }
    if (op != T2_TST && op != T2_TEQ && op != T2_CMN && op != T2_CMP)
        cpu->r[d->rd] = r;
    return 0;
}

#define T2_DP_FORM(name, op, reg, s)                                            \
    static int name##_body(struct arm_cpu *cpu, const struct decoded_insn *d)   \
    {                                                                           \
        return t2_dp(cpu, d, op, reg, s);                                       \
    }                                                                           \
    THUMB_WRAP(name, name##_body)

/* OP and OPS, immediate (_i) and register (_r) forms. */
#define T2_DP(base, op)                                                         \
    T2_DP_FORM(t2_##base##_i, op, false, false)                                 \
    T2_DP_FORM(t2_##base##s_i, op, false, true)                                 \
    T2_DP_FORM(t2_##base##_r, op, true, false)                                  \
    T2_DP_FORM(t2_##base##s_r, op, true, true)

/* The compares exist only with S. */
#define T2_DP_CMP(base, op)                                                     \
    T2_DP_FORM(t2_##base##_i, op, false, true)                                  \
    T2_DP_FORM(t2_##base##_r, op, true, true)

T2_DP(and, T2_AND)
T2_DP(bic, T2_BIC)
T2_DP(orr, T2_ORR)
T2_DP(orn, T2_ORN)
T2_DP(eor, T2_EOR)
T2_DP(mov, T2_MOV)
T2_DP(mvn, T2_MVN)
T2_DP(add, T2_ADD)
T2_DP(adc, T2_ADC)
T2_DP(sbc, T2_SBC)
T2_DP(sub, T2_SUB)
T2_DP(rsb, T2_RSB)
T2_DP_CMP(tst, T2_TST)
T2_DP_CMP(teq, T2_TEQ)
T2_DP_CMP(cmn, T2_CMN)
T2_DP_CMP(cmp, T2_CMP)

/* PKHBT Rd, Rn, Rm, LSL #n / PKHTB Rd, Rn, Rm, ASR #n (A8.8.125). */
THUMB_HANDLER(t2_pkh)
{
    uint32_t carry;
    uint32_t m = shift_with_carry(cpu->r[d->rm], d->shift, d->imm, 0, &carry);
    uint32_t n = cpu->r[d->rn];
    cpu->r[d->rd] = (d->flags & T2F_TB) ? v7_pkhtb(n, m) : v7_pkhbt(n, m);
    return 0;
}

/* ---- data processing: plain binary immediate (A6.3.3) ---- */

/* ADR (ADDW/SUBW with Rn = PC): Align(PC, 4) +/- imm12 (A8.8.12). */
THUMB_HANDLER(t2_adr)
{
    cpu->r[d->rd] = (cpu->r[15] & ~3u) + d->imm;
    return 0;
}

/* MOVT: the top halfword only (A8.8.106). */
THUMB_HANDLER(t2_movt)
{
    cpu->r[d->rd] = (cpu->r[d->rd] & 0xffffu) | d->imm << 16;
    return 0;
}

/* The SSAT/USAT operand: Rn LSL #imm or ASR #imm (1..31). */
static inline int32_t t2_sat_operand(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t n = cpu->r[d->rn];
    if (d->shift == SHIFT_ASR)
        return (int32_t)n >> d->imm;
    return (int32_t)(n << d->imm);
}

THUMB_HANDLER(t2_ssat)
{
    cpu->r[d->rd] = v7_ssat(cpu, t2_sat_operand(cpu, d), d->rs);
    return 0;
}

THUMB_HANDLER(t2_usat)
{
    cpu->r[d->rd] = v7_usat(cpu, t2_sat_operand(cpu, d), d->rs);
    return 0;
}

THUMB_HANDLER(t2_ssat16)
{
    cpu->r[d->rd] = v7_ssat16(cpu, cpu->r[d->rn], d->rs);
    return 0;
}

THUMB_HANDLER(t2_usat16)
{
    cpu->r[d->rd] = v7_usat16(cpu, cpu->r[d->rn], d->rs);
    return 0;
}

THUMB_HANDLER(t2_sbfx)
{
    cpu->r[d->rd] = v7_sbfx(cpu->r[d->rn], d->imm, d->rs);
    return 0;
}

THUMB_HANDLER(t2_ubfx)
{
    cpu->r[d->rd] = v7_ubfx(cpu->r[d->rn], d->imm, d->rs);
    return 0;
}

THUMB_HANDLER(t2_bfi)
{
    cpu->r[d->rd] = v7_bfi(cpu->r[d->rd], cpu->r[d->rn], d->imm, d->rs);
    return 0;
}

THUMB_HANDLER(t2_bfc)
{
    cpu->r[d->rd] = v7_bfi(cpu->r[d->rd], 0, d->imm, d->rs);
    return 0;
}

/* ---- branches and miscellaneous control (A6.3.4) ---- */

/* MSR <spec_reg>, Rn (B9.3.12): SPSR only where one exists. */
THUMB_HANDLER(t2_msr)
{
    uint32_t value = cpu->r[d->rn];
    if (d->flags & T2F_R) {
        if (!cpu_privileged(cpu) || !v7_msr_spsr(cpu, value, d->imm))
            return thumb_raise_undefined(cpu, d);
        return 0;
    }
    if (v7_msr_cpsr(cpu, value, d->imm))
        return thumb_continue_exit(cpu, d);
    return 0;
}

THUMB_HANDLER(t2_msr_banked)
{
    if (v7_banked_write(cpu, d->flags & T2F_R, d->rs, cpu->r[d->rn]) < 0)
        return thumb_raise_undefined(cpu, d);
    return 0;
}

/* MRS Rd, CPSR/SPSR (B9.3.8). */
THUMB_HANDLER(t2_mrs)
{
    if (d->flags & T2F_R) {
        if (!cpu_mode_has_spsr(cpu_mode(cpu)))
            return thumb_raise_undefined(cpu, d);
        cpu->r[d->rd] = cpu->spsr;
    } else {
        cpu->r[d->rd] = v7_mrs_cpsr(cpu);
    }
    return 0;
}

THUMB_HANDLER(t2_mrs_banked)
{
    uint32_t value;
    if (v7_banked_read(cpu, d->flags & T2F_R, d->rs, &value) < 0)
        return thumb_raise_undefined(cpu, d);
    cpu->r[d->rd] = value;
    return 0;
}

/* CPS<effect> <iflags>{, #mode} / CPS #mode (B9.3.2, T2). */
THUMB_HANDLER(t2_cps)
{
    if (v7_cps(cpu, d->imm, d->rs, d->flags & T2F_M, d->rm))
        return thumb_continue_exit(cpu, d);
    return 0;
}

/* NOP, YIELD, DSB, DMB and the hints (PLD/PLI are NOPs too: no caches). */
THUMB_HANDLER(t2_nop)
{
    (void)cpu;
    (void)d;
    return 0;
}

THUMB_HANDLER(t2_wfi)
{
    return v7_wfi(cpu, d->len);
}

THUMB_HANDLER(t2_wfe)
{
    return v7_wfe(cpu, d->len);
}

THUMB_HANDLER(t2_sev)
{
    (void)d;
    v7_sev(cpu);
    return 0;
}

THUMB_HANDLER(t2_clrex)
{
    (void)d;
    v7_excl_clear(cpu);
    return 0;
}

/* ISB: later instructions are fetched after it completes; leaving the
 * straight-line loop makes the executor look up the block again. */
THUMB_HANDLER(t2_isb)
{
    return thumb_continue_exit(cpu, d);
}

/* BXJ Rm: the trivial Jazelle implementation, i.e. BX (A8.8.28). */
THUMB_HANDLER(t2_bxj)
{
    cpu_branch_exchange(cpu, cpu->r[d->rm]);
    return 1;
}

/*
 * SUBS PC, LR, #imm8 (B9.3.20), ERET when imm8 = 0 (B9.3.3): an exception
 * return. In Hyp mode only ERET exists.
 */
THUMB_HANDLER_EXRET(t2_subs_pc_lr)
{
    if (cpu_mode(cpu) == MODE_HYP && d->imm != 0)
        return thumb_raise_undefined(cpu, d);
    return v7_exception_return(cpu, cpu->r[14] - d->imm, d->len);
}

THUMB_HANDLER(t2_hvc)
{
    return cpu_hvc(cpu, d->imm, d->len);
}

/* SMC: the Security Extensions are present but no Secure Monitor is
 * modelled (the guest kernels never use it), so SMC is UNDEFINED. */
THUMB_HANDLER(t2_smc)
{
    trace_printf(cpu->trace, TRACE_UNIMP, "cpu%u SMC at 0x%08x: no secure monitor",
                 cpu->index, cpu_insn_addr(cpu));
    return thumb_raise_undefined(cpu, d);
}

/* ---- load/store multiple (A8.8.58 LDM, A8.8.60 LDMDB, A8.8.199 STM...) ---- */

/*
 * LDM{IA,DB} Rn{!}, {list} and POP.W: nothing changes until every word is
 * loaded; with Rn in the list the loaded value wins over the writeback
 * (UNPREDICTABLE). A PC in the list interworks (LoadWritePC).
 */
THUMB_HANDLER(t2_ldm)
{
    uint32_t value[16];
    const uint32_t list = d->imm, base = cpu->r[d->rn], size = 4u * d->rs;
    const uint32_t lowest = (d->flags & T2F_DB) ? base - size : base;
    if (thumb_ldstm_misaligned(cpu, lowest, false))
        return cpu_data_abort(cpu);
    int rc = thumb_load_list(cpu, lowest, list, value);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if ((d->flags & T2F_WB) && !(d->flags & T2F_BASE_IN_LIST))
        cpu->r[d->rn] = (d->flags & T2F_DB) ? base - size : base + size;
    thumb_commit_list(cpu, list & 0x7fff, value);
    if (list & 0x8000) {
        cpu_branch_exchange(cpu, value[15]);
        return 1;
    }
    return thumb_mem_done(cpu, d, rc);
}

/* STM{IA,DB} Rn{!}, {list} and PUSH.W: a listed base is stored unchanged. */
THUMB_HANDLER(t2_stm)
{
    const uint32_t base = cpu->r[d->rn], size = 4u * d->rs;
    const uint32_t lowest = (d->flags & T2F_DB) ? base - size : base;
    if (thumb_ldstm_misaligned(cpu, lowest, true))
        return cpu_data_abort(cpu);
    int rc = thumb_store_list(cpu, lowest, d->imm);
    if (unlikely(rc < 0))
        return cpu_data_abort(cpu);
    if (d->flags & T2F_WB)
        cpu->r[d->rn] = (d->flags & T2F_DB) ? base - size : base + size;
    return thumb_mem_done(cpu, d, rc);
}

THUMB_HANDLER(t2_srs)
{
    bool db = d->flags & T2F_DB;
    return v7_srs(cpu, d->imm, !db, db, d->flags & T2F_WB, d->len);
}

THUMB_HANDLER_EXRET(t2_rfe)
{
    bool db = d->flags & T2F_DB;
    return v7_rfe(cpu, d->rn, !db, db, d->flags & T2F_WB, d->len);
}

/* ---- exclusives, dual, table branch (A6.3.6) ---- */

/* LDREX{B,H,D} Rt, {Rt2,} [Rn{, #imm}] (A8.8.75-A8.8.78). */
THUMB_HANDLER(t2_ldrex)
{
    uint32_t lo, hi = 0;
    int rc = v7_ldrex(cpu, cpu->r[d->rn] + d->imm, d->shift, &lo, &hi);
    if (rc < 0)
        return cpu_data_abort(cpu);
    cpu->r[d->rs] = lo;
    if (d->shift == 8)
        cpu->r[d->rm] = hi;
    return thumb_mem_done(cpu, d, rc);
}

/* STREX{B,H,D} Rd, Rt, {Rt2,} [Rn{, #imm}]: Rd = 0 stored, 1 not. */
THUMB_HANDLER(t2_strex)
{
    uint32_t status;
    int rc = v7_strex(cpu, cpu->r[d->rn] + d->imm, d->shift, cpu->r[d->rs], cpu->r[d->rm],
                      &status);
    if (rc < 0)
        return cpu_data_abort(cpu);
    cpu->r[d->rd] = status;
    return thumb_mem_done(cpu, d, rc);
}

/* Address of LDRD/STRD; *wb gets the written-back base. */
static inline uint32_t t2_dual_addr(const struct arm_cpu *cpu, const struct decoded_insn *d,
                                    uint32_t *wb)
{
    uint32_t base = (d->flags & T2F_LIT) ? (cpu->r[15] & ~3u) : cpu->r[d->rn];
    *wb = base + d->imm;
    return (d->flags & T2F_P) ? *wb : base;
}

/* LDRD Rt, Rt2, [Rn, #+/-imm]{!} / [Rn], #+/-imm / [PC, #+/-imm]. */
THUMB_HANDLER(t2_ldrd)
{
    uint32_t wb, lo, hi;
    uint32_t addr = t2_dual_addr(cpu, d, &wb);
    if (addr & 3)
        return t2_alignment_abort(cpu, addr, false);
    int rc = cpu_load32(cpu, addr, &lo);
    if (rc < 0)
        return cpu_data_abort(cpu);
    int rc2 = cpu_load32(cpu, addr + 4, &hi);
    if (rc2 < 0)
        return cpu_data_abort(cpu);
    if (d->flags & T2F_WB)
        cpu->r[d->rn] = wb;
    cpu->r[d->rd] = lo;
    cpu->r[d->rs] = hi;
    return thumb_mem_done(cpu, d, rc | rc2);
}

THUMB_HANDLER(t2_strd)
{
    uint32_t wb;
    uint32_t addr = t2_dual_addr(cpu, d, &wb);
    if (addr & 3)
        return t2_alignment_abort(cpu, addr, true);
    int rc = cpu_store32(cpu, addr, cpu->r[d->rd]);
    if (rc < 0)
        return cpu_data_abort(cpu);
    int rc2 = cpu_store32(cpu, addr + 4, cpu->r[d->rs]);
    if (rc2 < 0)
        return cpu_data_abort(cpu);
    if (d->flags & T2F_WB)
        cpu->r[d->rn] = wb;
    return thumb_mem_done(cpu, d, rc | rc2);
}

/* TBB [Rn, Rm] / TBH [Rn, Rm, LSL #1]: PC + 2 * entry (A8.8.217). */
THUMB_HANDLER(t2_tb)
{
    uint32_t entry;
    uint32_t base = cpu->r[d->rn], index = cpu->r[d->rm];
    int rc = (d->flags & T2F_H) ? cpu_load16(cpu, base + (index << 1), &entry)
                                : cpu_load8(cpu, base + index, &entry);
    if (rc < 0)
        return cpu_data_abort(cpu);
    cpu->r[15] += entry << 1;
    return 1;
}

/* ---- load/store single (A8.8.62 LDR ... A8.8.208 STRT) ---- */

/* The address of a single load/store and, for PRE/POST, the new base. */
T2_INLINE uint32_t t2_ls_addr(const struct arm_cpu *cpu, const struct decoded_insn *d,
                              enum t2_ls_mode mode, uint32_t *wb)
{
    uint32_t base = mode == T2LS_LIT ? (cpu->r[15] & ~3u) : cpu->r[d->rn];
    switch (mode) {
    case T2LS_REG:
        return base + (cpu->r[d->rm] << d->shift);
    case T2LS_PRE:
        *wb = base + d->imm;
        return *wb;
    case T2LS_POST:
        *wb = base + d->imm;
        return base;
    default:
        return base + d->imm;
    }
}

/*
 * Body of every single load/store, specialised by constant direction, size
 * and addressing mode. A load writes the base back before Rt, so with
 * Rn = Rt (UNPREDICTABLE) the loaded value wins, as in QEMU.
 */
T2_INLINE int t2_ls(struct arm_cpu *cpu, const struct decoded_insn *d, bool load,
                    enum t2_ls_kind kind, enum t2_ls_mode mode)
{
    uint32_t wb = 0;
    const uint32_t addr = t2_ls_addr(cpu, d, mode, &wb);
    const unsigned size = kind == T2LS_W ? 4 : (kind == T2LS_H || kind == T2LS_SH) ? 2 : 1;
    struct tlb_entry *tlb = mode == T2LS_USER ? cpu->tlb[0] : cpu->tlb_cur;
    const unsigned flags = mode == T2LS_USER ? MEM_USER : 0;
    const bool writeback = mode == T2LS_PRE || mode == T2LS_POST;
    int rc;

    if (load) {
        uint32_t value;
        rc = cpu_load_sized(cpu, tlb, addr, size, &value, flags);
        if (unlikely(rc < 0))
            return cpu_data_abort(cpu);
        if (kind == T2LS_SB)
            value = (uint32_t)(int32_t)(int8_t)value;
        else if (kind == T2LS_SH)
            value = (uint32_t)(int32_t)(int16_t)value;
        if (writeback)
            cpu->r[d->rn] = wb;
        cpu->r[d->rd] = value;
    } else {
        rc = cpu_store_sized(cpu, tlb, addr, size, cpu->r[d->rd], flags);
        if (unlikely(rc < 0))
            return cpu_data_abort(cpu);
        if (writeback)
            cpu->r[d->rn] = wb;
    }
    return thumb_mem_done(cpu, d, rc);
}

#define T2_LS_IS_ld true
#define T2_LS_IS_st false
#define T2_LS_FN(dir, kind, mode)                                               \
    static int t2_##dir##_##kind##_##mode##_body(struct arm_cpu *cpu,           \
                                                 const struct decoded_insn *d)  \
    {                                                                           \
        return t2_ls(cpu, d, T2_LS_IS_##dir, T2LS_##kind, T2LS_##mode);         \
    }                                                                           \
    THUMB_WRAP_STATIC(t2_##dir##_##kind##_##mode, t2_##dir##_##kind##_##mode##_body)
#define T2_LS_STORE_FNS(kind)                                                   \
    T2_LS_FN(st, kind, OFF) T2_LS_FN(st, kind, REG) T2_LS_FN(st, kind, PRE)     \
    T2_LS_FN(st, kind, POST) T2_LS_FN(st, kind, USER)
#define T2_LS_LOAD_FNS(kind) T2_LS_STORE_FNS_(ld, kind) T2_LS_FN(ld, kind, LIT)
#define T2_LS_STORE_FNS_(dir, kind)                                             \
    T2_LS_FN(dir, kind, OFF) T2_LS_FN(dir, kind, REG) T2_LS_FN(dir, kind, PRE)  \
    T2_LS_FN(dir, kind, POST) T2_LS_FN(dir, kind, USER)

T2_LS_LOAD_FNS(B)
T2_LS_LOAD_FNS(SB)
T2_LS_LOAD_FNS(H)
T2_LS_LOAD_FNS(SH)
T2_LS_LOAD_FNS(W)
T2_LS_STORE_FNS(B)
T2_LS_STORE_FNS(H)
T2_LS_STORE_FNS(W)

#define T2_LS_ROW(dir, kind)                                                    \
    [T2LS_OFF] = t2_##dir##_##kind##_OFF, [T2LS_REG] = t2_##dir##_##kind##_REG, \
    [T2LS_PRE] = t2_##dir##_##kind##_PRE, [T2LS_POST] = t2_##dir##_##kind##_POST, \
    [T2LS_USER] = t2_##dir##_##kind##_USER

const insn_handler t2_load_handlers[T2LS_KIND_COUNT][T2LS_MODE_COUNT] = {
    [T2LS_B] = { T2_LS_ROW(ld, B), [T2LS_LIT] = t2_ld_B_LIT },
    [T2LS_SB] = { T2_LS_ROW(ld, SB), [T2LS_LIT] = t2_ld_SB_LIT },
    [T2LS_H] = { T2_LS_ROW(ld, H), [T2LS_LIT] = t2_ld_H_LIT },
    [T2LS_SH] = { T2_LS_ROW(ld, SH), [T2LS_LIT] = t2_ld_SH_LIT },
    [T2LS_W] = { T2_LS_ROW(ld, W), [T2LS_LIT] = t2_ld_W_LIT },
};

const insn_handler t2_store_handlers[T2LS_KIND_COUNT][T2LS_MODE_COUNT] = {
    [T2LS_B] = { T2_LS_ROW(st, B) },
    [T2LS_H] = { T2_LS_ROW(st, H) },
    [T2LS_W] = { T2_LS_ROW(st, W) },
};

/* LDR PC, ...: LoadWritePC, i.e. BX semantics (A2.3.1); mode in d->rs. */
THUMB_HANDLER(t2_ldr_pc)
{
    uint32_t wb = 0, value;
    const enum t2_ls_mode mode = (enum t2_ls_mode)d->rs;
    const uint32_t addr = t2_ls_addr(cpu, d, mode, &wb);
    if (cpu_load32(cpu, addr, &value) < 0)
        return cpu_data_abort(cpu);
    if (mode == T2LS_PRE || mode == T2LS_POST)
        cpu->r[d->rn] = wb;
    cpu_branch_exchange(cpu, value);
    return 1;
}

/* ---- data processing (register), A6.3.12 ---- */

/* LSL/LSR/ASR/ROR{S}.W Rd, Rn, Rm: amount Rm[7:0] (A8.8.95 ...). */
T2_INLINE int t2_shift_by_reg(struct arm_cpu *cpu, const struct decoded_insn *d, bool s)
{
    uint32_t carry;
    uint32_t r = shift_with_carry(cpu->r[d->rn], d->shift, cpu->r[d->rm] & 0xff, cpu->c,
                                  &carry);
    cpu->r[d->rd] = r;
    if (s) {
        set_nz(cpu, r);
        cpu->c = (uint8_t)carry;
    }
    return 0;
}

THUMB_HANDLER(t2_shift_reg)
{
    return t2_shift_by_reg(cpu, d, false);
}

THUMB_HANDLER(t2_shifts_reg)
{
    return t2_shift_by_reg(cpu, d, true);
}

/* SXTA<B,H,B16>/UXTA<...> and, with Rn = PC, SXTB & co (rotation in imm). */
THUMB_HANDLER(t2_extend)
{
    uint32_t n = (d->flags & T2F_NOACC) ? 0 : cpu->r[d->rn];
    cpu->r[d->rd] = v7_extend_add((enum v7_extend_op)d->shift, n, ror32(cpu->r[d->rm], d->imm));
    return 0;
}

#define T2_PAR_FN(kind, op)                                                     \
    static int t2_par_##kind##_##op##_body(struct arm_cpu *cpu,                 \
                                           const struct decoded_insn *d)        \
    {                                                                           \
        cpu->r[d->rd] = v7_parallel(cpu, V7_PAR_##kind, V7_PAR_##op, cpu->r[d->rn], \
                                    cpu->r[d->rm]);                             \
        return 0;                                                               \
    }                                                                           \
    THUMB_WRAP_STATIC(t2_par_##kind##_##op, t2_par_##kind##_##op##_body)
#define T2_PAR_KIND(kind)                                                       \
    T2_PAR_FN(kind, ADD16) T2_PAR_FN(kind, ASX) T2_PAR_FN(kind, SAX)            \
    T2_PAR_FN(kind, SUB16) T2_PAR_FN(kind, ADD8) T2_PAR_FN(kind, SUB8)
#define T2_PAR_ROW(kind)                                                        \
    [V7_PAR_##kind] = { t2_par_##kind##_ADD16, t2_par_##kind##_ASX,             \
                        t2_par_##kind##_SAX, t2_par_##kind##_SUB16,             \
                        t2_par_##kind##_ADD8, t2_par_##kind##_SUB8 }

T2_PAR_KIND(S)
T2_PAR_KIND(Q)
T2_PAR_KIND(SH)
T2_PAR_KIND(U)
T2_PAR_KIND(UQ)
T2_PAR_KIND(UH)

const insn_handler t2_par_handlers[V7_PAR_KIND_COUNT][V7_PAR_OP_COUNT] = {
    T2_PAR_ROW(S), T2_PAR_ROW(Q), T2_PAR_ROW(SH),
    T2_PAR_ROW(U), T2_PAR_ROW(UQ), T2_PAR_ROW(UH),
};

/* QADD Rd, Rm, Rn: Rm + Rn; QDADD: Rm + sat(2 * Rn); QSUB/QDSUB likewise. */
THUMB_HANDLER(t2_qadd)
{
    cpu->r[d->rd] = v7_qadd(cpu, cpu->r[d->rm], cpu->r[d->rn]);
    return 0;
}

THUMB_HANDLER(t2_qdadd)
{
    cpu->r[d->rd] = v7_qdadd(cpu, cpu->r[d->rm], cpu->r[d->rn]);
    return 0;
}

THUMB_HANDLER(t2_qsub)
{
    cpu->r[d->rd] = v7_qsub(cpu, cpu->r[d->rm], cpu->r[d->rn]);
    return 0;
}

THUMB_HANDLER(t2_qdsub)
{
    cpu->r[d->rd] = v7_qdsub(cpu, cpu->r[d->rm], cpu->r[d->rn]);
    return 0;
}

/* REV & co and CLZ read Rm (hw2[3:0]; hw1[3:0] repeats it). */
THUMB_HANDLER(t2_rev)
{
    cpu->r[d->rd] = v7_rev(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(t2_rev16)
{
    cpu->r[d->rd] = v7_rev16(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(t2_rbit)
{
    cpu->r[d->rd] = v7_rbit(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(t2_revsh)
{
    cpu->r[d->rd] = v7_revsh(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(t2_clz)
{
    cpu->r[d->rd] = v7_clz(cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(t2_sel)
{
    cpu->r[d->rd] = v7_sel(cpu, cpu->r[d->rn], cpu->r[d->rm]);
    return 0;
}

/* ---- multiplies (A6.3.16, A6.3.17); Ra = rs, T2F_ACC when Ra != PC ---- */

static inline uint32_t t2_acc(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return (d->flags & T2F_ACC) ? cpu->r[d->rs] : 0;
}

/* MUL / MLA (flags never change in the 32-bit forms). */
THUMB_HANDLER(t2_mla)
{
    cpu->r[d->rd] = cpu->r[d->rn] * cpu->r[d->rm] + t2_acc(cpu, d);
    return 0;
}

THUMB_HANDLER(t2_mls)
{
    cpu->r[d->rd] = cpu->r[d->rs] - cpu->r[d->rn] * cpu->r[d->rm];
    return 0;
}

THUMB_HANDLER(t2_smlaxy)
{
    cpu->r[d->rd] = v7_smlaxy(cpu, cpu->r[d->rn], cpu->r[d->rm], t2_acc(cpu, d),
                              d->flags & T2F_NTOP, d->flags & T2F_MTOP, d->flags & T2F_ACC);
    return 0;
}

THUMB_HANDLER(t2_smlad)
{
    cpu->r[d->rd] = v7_smlad(cpu, cpu->r[d->rn], cpu->r[d->rm], t2_acc(cpu, d),
                             d->flags & T2F_MTOP, false);
    return 0;
}

THUMB_HANDLER(t2_smlsd)
{
    cpu->r[d->rd] = v7_smlad(cpu, cpu->r[d->rn], cpu->r[d->rm], t2_acc(cpu, d),
                             d->flags & T2F_MTOP, true);
    return 0;
}

THUMB_HANDLER(t2_smlawy)
{
    cpu->r[d->rd] = v7_smlawy(cpu, cpu->r[d->rn], cpu->r[d->rm], t2_acc(cpu, d),
                              d->flags & T2F_MTOP, d->flags & T2F_ACC);
    return 0;
}

THUMB_HANDLER(t2_smmla)
{
    cpu->r[d->rd] = v7_smmla(cpu->r[d->rn], cpu->r[d->rm], t2_acc(cpu, d),
                             d->flags & T2F_MTOP, false);
    return 0;
}

THUMB_HANDLER(t2_smmls)
{
    cpu->r[d->rd] = v7_smmla(cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs],
                             d->flags & T2F_MTOP, true);
    return 0;
}

THUMB_HANDLER(t2_usada8)
{
    cpu->r[d->rd] = v7_usad8(cpu->r[d->rn], cpu->r[d->rm], t2_acc(cpu, d));
    return 0;
}

/* Long multiplies: RdLo = rs, RdHi = rd (RdHi written last). */
static inline uint64_t t2_rdhilo(const struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return (uint64_t)cpu->r[d->rd] << 32 | cpu->r[d->rs];
}

static inline int t2_set_rdhilo(struct arm_cpu *cpu, const struct decoded_insn *d,
                                uint64_t value)
{
    cpu->r[d->rs] = (uint32_t)value;
    cpu->r[d->rd] = (uint32_t)(value >> 32);
    return 0;
}

THUMB_HANDLER(t2_smull)
{
    int64_t p = (int64_t)(int32_t)cpu->r[d->rn] * (int32_t)cpu->r[d->rm];
    return t2_set_rdhilo(cpu, d, (uint64_t)p);
}

THUMB_HANDLER(t2_umull)
{
    return t2_set_rdhilo(cpu, d, (uint64_t)cpu->r[d->rn] * cpu->r[d->rm]);
}

THUMB_HANDLER(t2_smlal)
{
    int64_t p = (int64_t)(int32_t)cpu->r[d->rn] * (int32_t)cpu->r[d->rm];
    return t2_set_rdhilo(cpu, d, t2_rdhilo(cpu, d) + (uint64_t)p);
}

THUMB_HANDLER(t2_umlal)
{
    return t2_set_rdhilo(cpu, d,
                         t2_rdhilo(cpu, d) + (uint64_t)cpu->r[d->rn] * cpu->r[d->rm]);
}

THUMB_HANDLER(t2_umaal)
{
    return t2_set_rdhilo(cpu, d, v7_umaal(cpu->r[d->rn], cpu->r[d->rm], cpu->r[d->rs],
                                          cpu->r[d->rd]));
}

THUMB_HANDLER(t2_smlalxy)
{
    return t2_set_rdhilo(cpu, d, v7_smlalxy(cpu->r[d->rn], cpu->r[d->rm], t2_rdhilo(cpu, d),
                                            d->flags & T2F_NTOP, d->flags & T2F_MTOP));
}

THUMB_HANDLER(t2_smlald)
{
    return t2_set_rdhilo(cpu, d, v7_smlald(cpu->r[d->rn], cpu->r[d->rm], t2_rdhilo(cpu, d),
                                           d->flags & T2F_MTOP, false));
}

THUMB_HANDLER(t2_smlsld)
{
    return t2_set_rdhilo(cpu, d, v7_smlald(cpu->r[d->rn], cpu->r[d->rm], t2_rdhilo(cpu, d),
                                           d->flags & T2F_MTOP, true));
}

THUMB_HANDLER(t2_sdiv)
{
    cpu->r[d->rd] = v7_sdiv(cpu->r[d->rn], cpu->r[d->rm]);
    return 0;
}

THUMB_HANDLER(t2_udiv)
{
    cpu->r[d->rd] = v7_udiv(cpu->r[d->rn], cpu->r[d->rm]);
    return 0;
}

/* ---- coprocessor instructions (A6.3.18) ---- */

/*
 * Dispatch to cpu->coproc[] exactly as the ARM executor does
 * (arm_exec_coproc.c): a missing coprocessor or operation, or a handler
 * answering -1, is UNDEFINED. The coprocessor sees the A32 form of the
 * instruction: bits 27:0 of a Thumb coprocessor encoding are those of the
 * ARM one, so only the condition field (AL here) differs.
 */
static inline uint32_t t2_coproc_insn(const struct decoded_insn *d)
{
    return (d->raw & 0x0fffffffu) | 0xe0000000u;
}

static inline const struct coproc_ops *t2_coproc(const struct arm_cpu *cpu,
                                                 const struct decoded_insn *d)
{
    return cpu->coproc[d->imm & 15];
}

static void t2_coproc_access(uint32_t insn, struct coproc_access *a)
{
    a->opc1 = bits32(insn, 21, 3);
    a->crn = bits32(insn, 16, 4);
    a->crm = bits32(insn, 0, 4);
    a->opc2 = bits32(insn, 5, 3);
}

/* A coprocessor write may change translation or interrupts: go out. */
static int t2_coproc_written(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    cpu->exit_request = 1;
    return thumb_continue_exit(cpu, d);
}

/* MRC: Rt = PC means APSR_nzcv <- value[31:28] (VMRS APSR_nzcv, FPSCR). */
THUMB_HANDLER(t2_mrc)
{
    const struct coproc_ops *ops = t2_coproc(cpu, d);
    struct coproc_access a;
    uint32_t value;
    if (!ops || !ops->mrc)
        return thumb_raise_undefined(cpu, d);
    t2_coproc_access(d->raw, &a);
    if (ops->mrc(cpu, &a, &value) < 0)
        return thumb_raise_undefined(cpu, d);
    if (d->rd == 15)
        cpu_set_cpsr(cpu, value, PSR_N | PSR_Z | PSR_C | PSR_V);
    else
        cpu->r[d->rd] = value;
    return 0;
}

THUMB_HANDLER(t2_mcr)
{
    const struct coproc_ops *ops = t2_coproc(cpu, d);
    struct coproc_access a;
    if (!ops || !ops->mcr)
        return thumb_raise_undefined(cpu, d);
    t2_coproc_access(d->raw, &a);
    if (ops->mcr(cpu, &a, cpu->r[d->rd]) < 0)
        return thumb_raise_undefined(cpu, d);
    return t2_coproc_written(cpu, d);
}

/* MRRC/MCRR: opc1 = insn[7:4], CRm = insn[3:0], Rt (low), Rt2 (high). */
THUMB_HANDLER(t2_mrrc)
{
    const struct coproc_ops *ops = t2_coproc(cpu, d);
    uint32_t lo, hi;
    if (!ops || !ops->mrrc)
        return thumb_raise_undefined(cpu, d);
    if (ops->mrrc(cpu, bits32(d->raw, 4, 4), bits32(d->raw, 0, 4), &lo, &hi) < 0)
        return thumb_raise_undefined(cpu, d);
    cpu->r[d->rd] = lo;
    cpu->r[d->rn] = hi;
    return 0;
}

THUMB_HANDLER(t2_mcrr)
{
    const struct coproc_ops *ops = t2_coproc(cpu, d);
    if (!ops || !ops->mcrr)
        return thumb_raise_undefined(cpu, d);
    if (ops->mcrr(cpu, bits32(d->raw, 4, 4), bits32(d->raw, 0, 4), cpu->r[d->rd],
                  cpu->r[d->rn]) < 0)
        return thumb_raise_undefined(cpu, d);
    return t2_coproc_written(cpu, d);
}

THUMB_HANDLER(t2_cdp)
{
    const struct coproc_ops *ops = t2_coproc(cpu, d);
    if (!ops || !ops->cdp || ops->cdp(cpu, t2_coproc_insn(d)) < 0)
        return thumb_raise_undefined(cpu, d);
    return t2_coproc_written(cpu, d);
}

/*
 * LDC/STC (A8.8.56, A8.8.197; VLDR/VSTR/VLDM/VSTM/VPUSH/VPOP on cp10/11):
 * offset imm8 * 4; P=1 offset or pre-indexed (W), P=0 W=1 post-indexed,
 * P=0 W=0 U=1 unindexed; Rn = PC reads Align(PC, 4). The coprocessor says
 * how many words move; every word passes the memory system before the base
 * is written back, so an abort leaves the base alone.
 */
THUMB_HANDLER(t2_ldc_stc)
{
    const struct coproc_ops *ops = t2_coproc(cpu, d);
    const uint32_t insn = t2_coproc_insn(d);
    const bool load = bit32(insn, 20);

    if (!ops || !ops->ldc_stc_count || (load ? !ops->ldc_word : !ops->stc_word))
        return thumb_raise_undefined(cpu, d);
    int count = ops->ldc_stc_count(cpu, insn);
    if (count < 0)
        return thumb_raise_undefined(cpu, d);

    uint32_t base = d->rn == 15 ? (cpu->r[15] & ~3u) : cpu->r[d->rn];
    uint32_t offset = bits32(insn, 0, 8) * 4;
    uint32_t wb = (d->flags & T2F_U) ? base + offset : base - offset;
    uint32_t addr = (d->flags & T2F_P) ? wb : base;
    if (addr & 3)
        return t2_alignment_abort(cpu, addr, !load);
    for (int i = 0; i < count; i++) {
        uint32_t value;
        if (load) {
            if (cpu_load32(cpu, addr + 4 * (uint32_t)i, &value) < 0)
                return cpu_data_abort(cpu);
            if (ops->ldc_word(cpu, insn, (unsigned)i, value) < 0)
                return thumb_raise_undefined(cpu, d);
        } else {
            if (ops->stc_word(cpu, insn, (unsigned)i, &value) < 0)
                return thumb_raise_undefined(cpu, d);
            if (cpu_store32(cpu, addr + 4 * (uint32_t)i, value) < 0)
                return cpu_data_abort(cpu);
        }
    }
    if (d->flags & T2F_WB)
        cpu->r[d->rn] = wb;
    return t2_coproc_written(cpu, d);
}

/* ---- Advanced SIMD (cpu/neon.c) inside and outside IT blocks ---- */

/*
 * neon_decode_thumb() fills a slot with one of its own handlers, which know
 * nothing of IT blocks. The slot gets t2_neon instead, with NEON's
 * operands, and t2_neon finds NEON's handler again to run it through the
 * IT machinery like any other. Finding it must be cheap (NEON loops are
 * hot) without a second pointer in struct decoded_insn, so it is kept in
 * the slot of the instruction's second halfword: that slot is never run
 * unless something branches into the middle of the instruction, in which
 * case it is decoded afresh (it holds cpu_decode_slot) and overwrites the
 * copy. The copy is tagged with the instruction's encoding and len = 0,
 * which no decoded slot has, and is trusted only while that halfword's
 * slot still says "decode me" and the encoding in guest memory is the one
 * it was made for (a store to the page resets every slot anyway). In every
 * other case (no such slot: the page-crossing decode of exec.c; the slot
 * taken) NEON's decoder runs again.
 */
_Static_assert(sizeof(insn_handler) <= sizeof(uint64_t), "handler fits the copy");

static void t2_neon_stash(struct decoded_insn *s, uint32_t insn, insn_handler h)
{
    uint64_t bits = 0;
    memcpy(&bits, &h, sizeof(h));
    s->raw = insn;
    s->imm = (uint32_t)bits;
    s->rd = (uint8_t)(bits >> 32);
    s->rn = (uint8_t)(bits >> 40);
    s->rm = (uint8_t)(bits >> 48);
    s->rs = (uint8_t)(bits >> 56);
    s->len = 0;
}

static insn_handler t2_neon_unstash(const struct decoded_insn *s)
{
    uint64_t bits = (uint64_t)s->imm | (uint64_t)s->rd << 32 | (uint64_t)s->rn << 40 |
                    (uint64_t)s->rm << 48 | (uint64_t)s->rs << 56;
    insn_handler h;
    memcpy(&h, &bits, sizeof(h));
    return h;
}

static insn_handler t2_neon_handler(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    struct decode_block *b = cpu->cur_block;
    struct decoded_insn *shadow = NULL;
    uint32_t insn;
    /* d is a slot of the running block, or exec.c's one-off decode on the
     * stack (compared as integers: they are different objects). */
    uintptr_t pos = (uintptr_t)d, first = b ? (uintptr_t)b->slot : 0;

    if (b && b->set == DECODE_THUMB && pos >= first &&
        pos < first + (TLB_PAGE_SIZE / 2 - 1) * sizeof(*d)) {
        size_t index = (pos - first) / sizeof(*d);
        uint16_t hw[2];
        memcpy(hw, b->host + 2 * index, sizeof(hw));
        insn = (uint32_t)hw[0] << 16 | hw[1];
        shadow = &b->slot[index + 1];
        if (shadow->handler != cpu_decode_slot)
            shadow = NULL;
        else if (shadow->len == 0 && shadow->raw == insn)
            return t2_neon_unstash(shadow);
    } else {
        uint32_t addr = cpu_insn_addr(cpu), hw1, hw2;
        if (cpu_load_sized(cpu, cpu->tlb_cur, addr, 2, &hw1, MEM_EXEC | MEM_NOFAULT) < 0 ||
            cpu_load_sized(cpu, cpu->tlb_cur, addr + 2, 2, &hw2, MEM_EXEC | MEM_NOFAULT) < 0)
            return thumb_raise_undefined;
        insn = hw1 << 16 | hw2;
    }
    struct decoded_insn tmp;
    memset(&tmp, 0, sizeof(tmp));
    tmp.raw = insn;
    tmp.len = 4;
    neon_decode_thumb(cpu->model, insn, &tmp);
    if (!tmp.handler)
        return thumb_raise_undefined;
    if (shadow)
        t2_neon_stash(shadow, insn, tmp.handler);
    return tmp.handler;
}

/*
 * NEON's handlers take the Undefined Instruction exception (Advanced SIMD
 * disabled: Linux enables it lazily on that trap) through insn_undefined,
 * which makes LR = address + d->len; a Thumb instruction needs address + 2
 * (see thumb_raise_undefined). They read d->len for nothing else, so they
 * get a copy of the slot that says 2.
 */
static int t2_neon_run(struct arm_cpu *cpu, const struct decoded_insn *d,
                       insn_handler handler)
{
    struct decoded_insn copy = *d;
    copy.len = 2;
    if (likely(!cpu->it))
        return handler(cpu, &copy);
    return thumb_it_exec(cpu, &copy, handler);
}

int t2_neon(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    return t2_neon_run(cpu, d, t2_neon_handler(cpu, d));
}
