/*
 * 32-bit Thumb-2 decoder: classifies hw1 << 16 | hw2 with the table in
 * thumb2_insns.def and pre-extracts its operands (ARM ARM DDI 0406C A6.3
 * for the encodings, A8.8 for each instruction's "encoding specific
 * operations"). thumb_decode() calls it for every 32-bit encoding.
 *
 * An extraction returns false for an encoding the ARM ARM calls
 * UNPREDICTABLE in a way that would break an executor invariant (a
 * handler writing the PC where only a branch may, a writeback to the PC):
 * those UNDEF. Harmless UNPREDICTABLE operand choices (SP as an operand, a
 * load with writeback into its own base, ...) execute with the obvious
 * result, as QEMU does.
 */
#include "cpu/decode.h"

#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/neon.h"
#include "cpu/thumb2_insns.def" /* forms and flags only */
#include "cpu/thumb_exec.h"

/* Handler prototypes, from the same table the decoder walks. */
#define THUMB32_INSN(mask, match, form, handler, features) \
    int handler(struct arm_cpu *cpu, const struct decoded_insn *d);
#include "cpu/thumb2_insns.def"

struct thumb32_class {
    uint32_t mask, match;
    uint8_t form;
    uint32_t features;
    insn_handler handler;
};

static const struct thumb32_class thumb32_classes[] = {
#define THUMB32_INSN(mask, match, form, handler, features) \
    { mask, match, form, features, handler },
#include "cpu/thumb2_insns.def"
};

/* Fields of insn = hw1 << 16 | hw2. */
static inline unsigned f_rn(uint32_t insn) { return bits32(insn, 16, 4); }
static inline unsigned f_rt(uint32_t insn) { return bits32(insn, 12, 4); }
static inline unsigned f_rd(uint32_t insn) { return bits32(insn, 8, 4); }
static inline unsigned f_rm(uint32_t insn) { return bits32(insn, 0, 4); }

/* i:imm3:imm8, the 12-bit immediate of the immediate data-processing forms. */
static inline uint32_t f_imm12(uint32_t insn)
{
    return bit32(insn, 26) << 11 | bits32(insn, 12, 3) << 8 | bits32(insn, 0, 8);
}

/* imm3:imm2, the 5-bit shift amount / lsb. */
static inline unsigned f_imm5(uint32_t insn)
{
    return bits32(insn, 12, 3) << 2 | bits32(insn, 6, 2);
}

/*
 * ThumbExpandImm_C (A6.3.2): returns the 32-bit value; *rotated tells
 * whether the carry-out is imm32<31> (else it is the carry-in). The
 * UNPREDICTABLE replicated forms with imm8 = 0 give 0, as in QEMU.
 */
static uint32_t thumb_expand_imm(uint32_t imm12, bool *rotated)
{
    uint32_t imm8 = imm12 & 0xff;
    *rotated = false;
    if ((imm12 >> 10) == 0) {
        switch ((imm12 >> 8) & 3) {
        case 0:
            return imm8;
        case 1:
            return imm8 << 16 | imm8;
        case 2:
            return imm8 << 24 | imm8 << 8;
        default:
            return imm8 * 0x01010101u;
        }
    }
    *rotated = true;
    return ror32(0x80u | (imm12 & 0x7f), imm12 >> 7);
}

/* DecodeImmShift (A8.4.1): LSR/ASR #0 mean 32, ROR #0 is RRX. */
static void decode_imm_shift(unsigned type, unsigned imm5, struct decoded_insn *d)
{
    d->shift = (uint8_t)type;
    d->imm = imm5;
    if ((type == SHIFT_LSR || type == SHIFT_ASR) && imm5 == 0)
        d->imm = 32;
    else if (type == SHIFT_ROR && imm5 == 0)
        d->shift = SHIFT_RRX, d->imm = 1;
}

/* Data processing with Rd = PC is a compare (TST, TEQ, CMN, CMP with S)
 * or UNPREDICTABLE. */
static bool dp_rd_ok(uint32_t insn)
{
    unsigned op = bits32(insn, 21, 4);
    if (f_rd(insn) != 15)
        return true;
    return bit32(insn, 20) && (op == 0x0 || op == 0x4 || op == 0x8 || op == 0xd);
}

/* Branch offsets (A8.8.18 B T3/T4, A8.8.25 BL/BLX). */
static uint32_t branch_imm_t4(uint32_t insn)
{
    uint32_t s = bit32(insn, 26);
    uint32_t i1 = !(bit32(insn, 13) ^ s);
    uint32_t i2 = !(bit32(insn, 11) ^ s);
    uint32_t imm = s << 24 | i1 << 23 | i2 << 22 | bits32(insn, 16, 10) << 12 |
                   bits32(insn, 0, 11) << 1;
    return (uint32_t)sign_extend32(imm, 25);
}

static uint32_t branch_imm_t3(uint32_t insn)
{
    uint32_t imm = bit32(insn, 26) << 20 | bit32(insn, 11) << 19 | bit32(insn, 13) << 18 |
                   bits32(insn, 16, 6) << 12 | bits32(insn, 0, 11) << 1;
    return (uint32_t)sign_extend32(imm, 21);
}

/*
 * Load/store single (A6.3.7-A6.3.10): picks the handler from the tables by
 * size/sign and addressing mode. Rt = PC: a word load branches (LoadWritePC),
 * byte and halfword loads are the PLD/PLI/unallocated hints (NOP).
 */
static bool extract_ldst(uint32_t insn, struct decoded_insn *d)
{
    const bool load = bit32(insn, 20);
    const bool sign = bit32(insn, 24);
    const unsigned size = bits32(insn, 21, 2);
    const unsigned rn = f_rn(insn), rt = f_rt(insn);
    enum t2_ls_kind kind;
    enum t2_ls_mode mode;
    uint32_t imm8 = bits32(insn, 0, 8);

    if (size == 3 || (sign && size == 2))
        return false;
    kind = size == 0 ? (sign ? T2LS_SB : T2LS_B)
         : size == 1 ? (sign ? T2LS_SH : T2LS_H) : T2LS_W;
    d->rd = (uint8_t)rt;
    d->rn = (uint8_t)rn;

    if (rn == 15) {
        /* PC-relative (literal): U = bit 23, imm12; stores UNDEF. */
        if (!load)
            return false;
        mode = T2LS_LIT;
        d->imm = bit32(insn, 23) ? bits32(insn, 0, 12) : 0u - bits32(insn, 0, 12);
    } else if (bit32(insn, 23)) {
        mode = T2LS_OFF;
        d->imm = bits32(insn, 0, 12);
    } else if (bit32(insn, 11)) {
        /* imm8 forms: hw2 = Rt 1 P U W imm8 (T3/T4, and the T variants). */
        bool p = bit32(insn, 10), u = bit32(insn, 9), w = bit32(insn, 8);
        if (p && u && !w) {
            mode = T2LS_USER;
            d->imm = imm8;
        } else if (!p && !w) {
            return false;
        } else {
            d->imm = u ? imm8 : 0u - imm8;
            mode = !p ? T2LS_POST : w ? T2LS_PRE : T2LS_OFF;
        }
    } else if (bits32(insn, 6, 6) == 0) {
        mode = T2LS_REG;
        d->rm = (uint8_t)f_rm(insn);
        d->shift = (uint8_t)bits32(insn, 4, 2);
    } else {
        return false;
    }

    if (load && rt == 15) {
        if (kind != T2LS_W) {
            d->handler = t2_nop;     /* PLD, PLDW, PLI, unallocated hints */
            return true;
        }
        if (mode == T2LS_USER)
            return false;
        d->rs = (uint8_t)mode;
        d->handler = t2_ldr_pc;
        return true;
    }
    d->handler = load ? t2_load_handlers[kind][mode] : t2_store_handlers[kind][mode];
    return d->handler != NULL;
}

/* Parallel add/subtract (A6.3.13, A6.3.14): op1 = hw1[6:4], op2 = hw2[6:4]. */
static bool extract_par(uint32_t insn, struct decoded_insn *d)
{
    static const int8_t op_of[8] = {
        V7_PAR_ADD8, V7_PAR_ADD16, V7_PAR_ASX, -1, V7_PAR_SUB8, V7_PAR_SUB16, V7_PAR_SAX, -1,
    };
    static const int8_t kind_of[8] = {
        V7_PAR_S, V7_PAR_Q, V7_PAR_SH, -1, V7_PAR_U, V7_PAR_UQ, V7_PAR_UH, -1,
    };
    int op = op_of[bits32(insn, 20, 3)], kind = kind_of[bits32(insn, 4, 3)];
    if (op < 0 || kind < 0)
        return false;
    d->rd = (uint8_t)f_rd(insn);
    d->rn = (uint8_t)f_rn(insn);
    d->rm = (uint8_t)f_rm(insn);
    d->handler = t2_par_handlers[kind][op];
    return d->rd != 15;
}

/* LDREX/STREX and their B/H/D forms (A6.3.6). */
static bool extract_ldrex(uint32_t insn, struct decoded_insn *d)
{
    const bool load = bit32(insn, 20);
    const bool bhd = bit32(insn, 23);
    d->rn = (uint8_t)f_rn(insn);
    d->rs = (uint8_t)f_rt(insn);
    if (!bhd) {
        d->shift = 4;
        d->imm = bits32(insn, 0, 8) << 2;
        d->rd = (uint8_t)f_rd(insn);
    } else {
        static const uint8_t size_of[4] = { 1, 2, 0, 8 };
        d->shift = size_of[bits32(insn, 4, 2)];
        d->rm = (uint8_t)f_rd(insn);          /* Rt2 */
        d->rd = (uint8_t)f_rm(insn);          /* Rd (STREX status) */
        if (d->shift == 8 && load && d->rm == 15)
            return false;
    }
    if (d->rn == 15)
        return false;
    return load ? d->rs != 15 : d->rd != 15;
}

/* LDRD/STRD (immediate, literal): A8.8.72, A8.8.73, A8.8.210. */
static bool extract_ldrd(uint32_t insn, struct decoded_insn *d)
{
    const bool load = bit32(insn, 20), wback = bit32(insn, 21);
    uint32_t off = bits32(insn, 0, 8) << 2;
    d->rd = (uint8_t)f_rt(insn);
    d->rs = (uint8_t)f_rd(insn);
    d->rn = (uint8_t)f_rn(insn);
    d->imm = bit32(insn, 23) ? off : 0u - off;
    if (bit32(insn, 24))
        d->flags |= T2F_P;
    if (wback)
        d->flags |= T2F_WB;
    if (d->rn == 15) {
        if (!load || wback)
            return false;
        d->flags |= T2F_LIT;
    }
    return !load || (d->rd != 15 && d->rs != 15);
}

/* Fills the operand fields for form; false means UNDEFINED. */
static bool thumb2_extract(const struct cpu_model *model, unsigned form, uint32_t insn,
                           struct decoded_insn *d)
{
    bool rotated;

    switch (form) {
    case T2FORM_NONE:
        return true;
    case T2FORM_BL:
    case T2FORM_B:
        d->imm = branch_imm_t4(insn);
        return true;
    case T2FORM_BCOND:
        d->cond = (uint8_t)bits32(insn, 22, 4);
        d->imm = branch_imm_t3(insn);
        return true;
    case T2FORM_DPI:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->imm = thumb_expand_imm(f_imm12(insn), &rotated);
        if (rotated)
            d->flags |= T2F_IMM_CARRY;
        return dp_rd_ok(insn);
    case T2FORM_DPR:
    case T2FORM_PKH:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->rm = (uint8_t)f_rm(insn);
        if (form == T2FORM_PKH) {
            /* PKHBT: LSL #imm; PKHTB: ASR #imm (0 means 32). */
            bool tb = bit32(insn, 5);
            decode_imm_shift(tb ? SHIFT_ASR : SHIFT_LSL, f_imm5(insn), d);
            if (tb)
                d->flags |= T2F_TB;
            return d->rd != 15;
        }
        decode_imm_shift(bits32(insn, 4, 2), f_imm5(insn), d);
        return dp_rd_ok(insn);
    case T2FORM_ADDW:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->imm = f_imm12(insn);
        return d->rd != 15;
    case T2FORM_ADR:
        d->rd = (uint8_t)f_rd(insn);
        d->imm = bit32(insn, 23) ? 0u - f_imm12(insn) : f_imm12(insn);
        return d->rd != 15;
    case T2FORM_MOVW:
        d->rd = (uint8_t)f_rd(insn);
        d->imm = bits32(insn, 16, 4) << 12 | f_imm12(insn);
        return d->rd != 15;
    case T2FORM_SAT:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->shift = bit32(insn, 21) ? SHIFT_ASR : SHIFT_LSL;
        d->imm = f_imm5(insn);
        /* SSAT saturates to sat_imm + 1 bits, USAT to sat_imm bits. */
        d->rs = (uint8_t)(bits32(insn, 0, 5) + (bit32(insn, 23) ? 0 : 1));
        return d->rd != 15;
    case T2FORM_SAT16:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->rs = (uint8_t)(bits32(insn, 0, 4) + (bit32(insn, 23) ? 0 : 1));
        return d->rd != 15;
    case T2FORM_BFX:
        /* lsb + width > 32 is UNPREDICTABLE: UNDEFINED, as in QEMU. */
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->imm = f_imm5(insn);
        d->rs = (uint8_t)(bits32(insn, 0, 5) + 1);
        return d->rd != 15 && d->imm + d->rs <= 32;
    case T2FORM_BFI:
        /* msb < lsb is UNPREDICTABLE: UNDEFINED, as in QEMU. */
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->imm = f_imm5(insn);
        d->rs = (uint8_t)bits32(insn, 0, 5);
        return d->rd != 15 && d->rs >= d->imm;
    case T2FORM_MSR:
        d->rn = (uint8_t)f_rn(insn);
        d->imm = bits32(insn, 8, 4);
        if (bit32(insn, 20))
            d->flags |= T2F_R;
        if (bit32(insn, 5)) {
            d->flags |= T2F_BANKED;
            d->rs = (uint8_t)(bit32(insn, 4) << 4 | bits32(insn, 8, 4));
            return d->rn != 15;
        }
        return d->rn != 15 && d->imm != 0;
    case T2FORM_MRS:
        d->rd = (uint8_t)f_rd(insn);
        if (bit32(insn, 20))
            d->flags |= T2F_R;
        if (bit32(insn, 5)) {
            d->flags |= T2F_BANKED;
            d->rs = (uint8_t)(bit32(insn, 4) << 4 | f_rn(insn));
        }
        return d->rd != 15;
    case T2FORM_CPS:
        d->imm = bits32(insn, 9, 2);
        d->rs = (uint8_t)bits32(insn, 5, 3);
        d->rm = (uint8_t)bits32(insn, 0, 5);
        if (bit32(insn, 8))
            d->flags |= T2F_M;
        return d->imm != 1;
    case T2FORM_SUBS_PC_LR:
        d->imm = bits32(insn, 0, 8);
        return true;
    case T2FORM_BXJ:
        d->rm = (uint8_t)f_rn(insn);
        return d->rm != 15;
    case T2FORM_HVC:
        d->imm = bits32(insn, 16, 4) << 12 | bits32(insn, 0, 12);
        return true;
    case T2FORM_LDSTM: {
        uint32_t list = bits32(insn, 0, 16);
        d->rn = (uint8_t)f_rn(insn);
        d->imm = list;
        d->rs = (uint8_t)__builtin_popcount(list);
        if (bit32(insn, 21))
            d->flags |= T2F_WB;
        if (bit32(insn, 24))
            d->flags |= T2F_DB;
        if ((list >> d->rn) & 1)
            d->flags |= T2F_BASE_IN_LIST;
        return d->rn != 15 && list != 0;
    }
    case T2FORM_SRS_RFE:
        d->rn = (uint8_t)f_rn(insn);
        d->imm = bits32(insn, 0, 5);
        if (bit32(insn, 21))
            d->flags |= T2F_WB;
        if (!bit32(insn, 23))
            d->flags |= T2F_DB;
        return d->rn != 15;
    case T2FORM_LDREX:
        return extract_ldrex(insn, d);
    case T2FORM_LDRD:
        return extract_ldrd(insn, d);
    case T2FORM_TB:
        d->rn = (uint8_t)f_rn(insn);
        d->rm = (uint8_t)f_rm(insn);
        if (bit32(insn, 4))
            d->flags |= T2F_H;
        return true;
    case T2FORM_LDST:
        return extract_ldst(insn, d);
    case T2FORM_SHIFT_REG:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->rm = (uint8_t)f_rm(insn);
        d->shift = (uint8_t)bits32(insn, 21, 2);
        return d->rd != 15;
    case T2FORM_EXTEND: {
        static const uint8_t op_of[6] = { V7_SXTH, V7_UXTH, V7_SXTB16, V7_UXTB16, V7_SXTB,
                                          V7_UXTB };
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->rm = (uint8_t)f_rm(insn);
        d->imm = bits32(insn, 4, 2) * 8;
        d->shift = op_of[bits32(insn, 20, 3)];
        if (d->rn == 15)
            d->flags |= T2F_NOACC;
        return d->rd != 15;
    }
    case T2FORM_PAR:
        return extract_par(insn, d);
    case T2FORM_REG3:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->rm = (uint8_t)f_rm(insn);
        return d->rd != 15;
    case T2FORM_MUL:
    case T2FORM_MULL:
        d->rd = (uint8_t)f_rd(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->rm = (uint8_t)f_rm(insn);
        d->rs = (uint8_t)f_rt(insn);
        if (d->rs != 15)
            d->flags |= T2F_ACC;
        if (bit32(insn, 5))
            d->flags |= T2F_NTOP;
        if (bit32(insn, 4))
            d->flags |= T2F_MTOP;
        if (d->rd == 15)
            return false;
        /* Long forms write RdLo too, except SDIV/UDIV (RdLo field is 1111). */
        if (form == T2FORM_MULL && bits32(insn, 4, 4) != 0xf && d->rs == 15)
            return false;
        return true;
    case T2FORM_COPROC:
        d->rd = (uint8_t)f_rt(insn);
        d->imm = bits32(insn, 8, 4);
        return !bit32(insn, 28);
    case T2FORM_MCRR:
        d->rd = (uint8_t)f_rt(insn);
        d->rn = (uint8_t)f_rn(insn);
        d->imm = bits32(insn, 8, 4);
        if (bit32(insn, 20) && (d->rd == 15 || d->rn == 15))
            return false;
        return !bit32(insn, 28);
    case T2FORM_LDC_STC:
        d->rn = (uint8_t)f_rn(insn);
        d->imm = bits32(insn, 8, 4);
        if (bit32(insn, 24))
            d->flags |= T2F_P;
        if (bit32(insn, 23))
            d->flags |= T2F_U;
        if (bit32(insn, 21))
            d->flags |= T2F_WB;
        if (d->rn == 15 && (bit32(insn, 21) || !bit32(insn, 20)))
            return false;
        return !bit32(insn, 28);
    case T2FORM_NEON:
        neon_decode_thumb(model, insn, d);
        d->len = 4;
        d->cond = COND_AL;
        if (d->handler == insn_undefined || d->handler == NULL) {
            d->handler = thumb_undefined;
            return true;
        }
        d->handler = t2_neon;
        return true;
    default:
        return false;
    }
}

/* A feature requirement of 0 always holds; otherwise any listed bit does. */
static bool thumb2_has(const struct cpu_model *model, uint32_t features)
{
    return features == 0 || (model->features & features) != 0;
}

void thumb2_decode(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    for (size_t i = 0; i < ARRAY_SIZE(thumb32_classes); i++) {
        const struct thumb32_class *c = &thumb32_classes[i];
        if ((insn & c->mask) != c->match)
            continue;
        if (!thumb2_has(model, c->features))
            return;
        d->handler = c->handler;
        if (!thumb2_extract(model, c->form, insn, d)) {
            d->handler = thumb_undefined;
            d->cond = COND_AL;
        }
        return;
    }
}
