/*
 * The common-case bodies of the hottest ARM instructions, always inlined:
 * the data-processing computation (cpu/arm_exec_dp.c) and the TLB-hit
 * paths of word, byte and halfword loads and stores (cpu/arm_exec_mem.c).
 * The handlers are built from them, and so are the executor's inline
 * paths for the same instructions (cpu/exec.c), so each instruction's
 * behaviour is written once.
 *
 * The load/store bodies return false, having changed nothing, when the
 * access is not a plain TLB hit (miss, device, misaligned, fault); the
 * caller then runs the instruction's complete handler.
 */
#ifndef CPU_ARM_FAST_H
#define CPU_ARM_FAST_H

#include <string.h>

#include "cpu/arm_exec.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* ---- data processing (DDI 0100I A3.4, A5.1) ---- */

static ALWAYS_INLINE bool dp_is_logical(unsigned op)
{
    switch (op) {
    case DP_AND: case DP_EOR: case DP_TST: case DP_TEQ:
    case DP_ORR: case DP_MOV: case DP_BIC: case DP_MVN:
        return true;
    default:
        return false;
    }
}

static ALWAYS_INLINE bool dp_writes_rd(unsigned op)
{
    return op < DP_TST || op > DP_CMN;
}

/* Shift type of a register shifted by an immediate: the slot's, or a
 * constant in the handlers specialised for one type. */
#define SHIFT_FROM_SLOT 0xffu

/*
 * Shifter operand, ALU operation and, with setflags, the flags: logical
 * operations take C from the shifter and leave V alone; arithmetic ones
 * set NZCV from AddWithCarry (A2.2.1 of DDI 0406C).
 */

static ALWAYS_INLINE uint32_t dp_compute_shift(struct arm_cpu *cpu, const struct decoded_insn *d,
                                               unsigned op, unsigned form, bool setflags,
                                               unsigned shift_type)
{
    const bool need_carry = setflags && dp_is_logical(op);
    const unsigned type = shift_type == SHIFT_FROM_SLOT ? d->shift : shift_type;
    uint32_t carry = cpu->c;
    uint32_t op2;

    switch (form) {
    case DP_FORM_IMM:
        op2 = d->imm;
        if (need_carry && (d->flags & DPF_ROT))
            carry = op2 >> 31;
        break;
    case DP_FORM_REG:
        op2 = cpu->r[d->rm];
        break;
    case DP_FORM_SHIFT_IMM:
        if (need_carry)
            op2 = shift_with_carry(cpu->r[d->rm], type, d->imm, carry, &carry);
        else
            op2 = arm_shift_imm(cpu->r[d->rm], type, d->imm, carry);
        break;
    default:
        /* Only the bottom byte of Rs counts (A5.1.6). */
        op2 = shift_with_carry(cpu->r[d->rm], d->shift, cpu->r[d->rs] & 0xff, carry, &carry);
        break;
    }

    const uint32_t rn = cpu->r[d->rn];
    const uint32_t c_in = cpu->c;
    uint32_t result;
    switch (op) {
    case DP_AND:
    case DP_TST:
        result = rn & op2;
        break;
    case DP_EOR:
    case DP_TEQ:
        result = rn ^ op2;
        break;
    case DP_ORR:
        result = rn | op2;
        break;
    case DP_MOV:
        result = op2;
        break;
    case DP_BIC:
        result = rn & ~op2;
        break;
    case DP_MVN:
        result = ~op2;
        break;
    case DP_SUB:
    case DP_CMP:
        return setflags ? add_with_carry_flags(cpu, rn, ~op2, 1) : rn - op2;
    case DP_RSB:
        return setflags ? add_with_carry_flags(cpu, op2, ~rn, 1) : op2 - rn;
    case DP_ADD:
    case DP_CMN:
        return setflags ? add_with_carry_flags(cpu, rn, op2, 0) : rn + op2;
    case DP_ADC:
        return setflags ? add_with_carry_flags(cpu, rn, op2, c_in) : rn + op2 + c_in;
    case DP_SBC:
        return setflags ? add_with_carry_flags(cpu, rn, ~op2, c_in) : rn + ~op2 + c_in;
    default: /* DP_RSC */
        return setflags ? add_with_carry_flags(cpu, op2, ~rn, c_in) : op2 + ~rn + c_in;
    }
    if (setflags) {
        set_nz(cpu, result);
        cpu->c = (uint8_t)carry;
    }
    return result;
}

/* ---- word and unsigned byte loads and stores (DDI 0100I A5.2) ---- */

/* Offset with U applied: immediates were negated by the decoder; a scaled
 * register is negated here without a branch. reg is false for an
 * immediate, true for any scaled register, LDST_REG_LSL_ADD for a
 * register shifted left and added (U set; the decoder picks those
 * handlers), the common scaled form. */
#define LDST_REG_LSL_ADD 2u

static ALWAYS_INLINE uint32_t ldst_offset(const struct arm_cpu *cpu,
                                          const struct decoded_insn *d, unsigned reg)
{
    if (!reg)
        return d->imm;
    if (reg == LDST_REG_LSL_ADD)
        return cpu->r[d->rm] << d->imm;
    uint32_t offset = arm_shift_imm(cpu->r[d->rm], d->shift, d->imm, cpu->c);
    uint32_t negate = (d->flags & LSF_U) ? 0 : ~0u;
    return (offset ^ negate) - negate;
}

/*
 * True, with *host set, when the TLB lets the access through directly (the
 * test cpu/mem.h makes). The memory handlers try this first and leave
 * everything else (misses, devices, misaligned addresses, faults) to the
 * complete body in a separate function, so the common case runs without a
 * stack frame; nothing has changed when they hand over.
 */
static ALWAYS_INLINE bool tlb_hit(struct arm_cpu *cpu, uint32_t va, unsigned size, bool write,
                                  uint8_t **host)
{
    const struct tlb_entry *e = &cpu->tlb_cur[tlb_index(va)];
    uint32_t tag = write ? e->tag_write : e->tag_read;
    if (unlikely(tag != (va & (TLB_PAGE_MASK | (size - 1)))))
        return false;
    *host = (uint8_t *)(e->addend + va);
    return true;
}

/* The TLB hit of a word/byte load or store; false hands over to the
 * complete handler. A hit is aligned (the tag compare includes the low
 * address bits), so a word load needs no ARMv5 rotation. */
static ALWAYS_INLINE bool ldst_fast(struct arm_cpu *cpu, const struct decoded_insn *d,
                                    bool load, bool byte, unsigned reg, unsigned index)
{
    const uint32_t base = cpu->r[d->rn];
    const uint32_t offset = ldst_offset(cpu, d, reg);
    const uint32_t addr = index == LDST_POST ? base : base + offset;
    uint8_t *host;
    if (!tlb_hit(cpu, addr, byte ? 1 : 4, !load, &host))
        return false;
    if (load) {
        uint32_t value;
        if (byte) {
            value = *host;
        } else {
            memcpy(&value, host, 4);
        }
        if (index != LDST_OFFSET)
            cpu->r[d->rn] = base + offset;
        cpu->r[d->rd] = value;
    } else {
        uint32_t value = cpu->r[d->rd];
        if (byte)
            *host = (uint8_t)value;
        else
            memcpy(host, &value, 4);
        if (index != LDST_OFFSET)
            cpu->r[d->rn] = base + offset;
    }
    return true;
}

/* ---- halfword loads and stores (DDI 0100I A5.3) ---- */

/* Address of an addressing mode 3 access; *wb gets the writeback value. */
static ALWAYS_INLINE uint32_t extra_address(const struct arm_cpu *cpu,
                                            const struct decoded_insn *d, uint32_t *wb)
{
    uint32_t base = cpu->r[d->rn];
    uint32_t offset = d->imm;
    if (d->flags & LSF_REG)
        offset = (d->flags & LSF_U) ? cpu->r[d->rm] : -cpu->r[d->rm];
    *wb = base + offset;
    return (d->flags & LSF_P) ? base + offset : base;
}

/* The TLB hit of a halfword or signed byte load (not for the T forms);
 * false hands over to the complete handler. */
static ALWAYS_INLINE bool extra_load_fast(struct arm_cpu *cpu, const struct decoded_insn *d,
                                          unsigned size, bool sign)
{
    uint32_t wb;
    uint32_t addr = extra_address(cpu, d, &wb);
    if (unlikely(d->flags & LSF_USER))
        return false;
    uint8_t *host;
    if (!tlb_hit(cpu, addr, size, false, &host))
        return false;
    uint32_t value;
    if (size == 2) {
        uint16_t half;
        memcpy(&half, host, 2);
        value = sign ? (uint32_t)(int32_t)(int16_t)half : half;
    } else {
        value = sign ? (uint32_t)(int32_t)(int8_t)*host : *host;
    }
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    cpu->r[d->rd] = value;
    return true;
}

/* The TLB hit of STRH (not STRHT); false hands over to the complete
 * handler. */
static ALWAYS_INLINE bool strh_fast(struct arm_cpu *cpu, const struct decoded_insn *d)
{
    uint32_t wb;
    uint32_t addr = extra_address(cpu, d, &wb);
    uint8_t *host;
    if (unlikely(d->flags & LSF_USER) || !tlb_hit(cpu, addr, 2, true, &host))
        return false;
    uint16_t half = (uint16_t)cpu->r[d->rd];
    memcpy(host, &half, 2);
    if (d->flags & LSF_WB)
        cpu->r[d->rn] = wb;
    return true;
}

#endif
