/*
 * Thumb decoder: classifies an encoding with the table in thumb_insns.def
 * and pre-extracts its operands into the decoded slot, so the handlers in
 * thumb_exec.c only index registers and add. 32-bit Thumb-2 encodings go
 * to thumb2_decode() (thumb2_decode.c, table thumb2_insns.def).
 *
 * On ARMv5 (ARM926EJ-S) every Thumb instruction is 16 bits wide: BL/BLX
 * are two separate instructions (prefix 0b11110, suffixes 0b11111 and
 * 0b11101) that communicate through LR (DDI 0100I A7.1, "BL, BLX (1)"). With
 * Thumb-2 (CPU_FEAT_THUMB2) those three prefixes start 32-bit encodings.
 *
 * Nothing in a slot depends on ITSTATE: the handlers look at cpu->it when
 * they run (thumb_exec.h), so a slot is valid inside and outside IT blocks.
 *
 * Operand conventions of the slot (what the handlers expect):
 *   rd  destination / transfer register      rn  base or first operand
 *   rm  second operand register              imm immediate, offset, or list
 *   rs  number of registers in a list        flags THUMB_F_* (thumb_insns.def)
 */
#include "cpu/decode.h"

#include <stddef.h>

#include "cpu/cpu.h"
#include "cpu/thumb_exec.h"
#include "cpu/thumb_insns.def" /* forms and flags only */

/* Handler prototypes, from the same table the decoder walks. */
#define THUMB_INSN(mask, match, form, handler, features) \
    int handler(struct arm_cpu *cpu, const struct decoded_insn *d);
#include "cpu/thumb_insns.def"

struct thumb_class {
    uint16_t mask, match;
    uint8_t form;
    uint32_t features;
    insn_handler handler;
};

static const struct thumb_class thumb_classes[] = {
#define THUMB_INSN(mask, match, form, handler, features) \
    { mask, match, form, features, handler },
#include "cpu/thumb_insns.def"
};

/* A feature requirement of 0 always holds; otherwise any listed bit does. */
static bool thumb_has(const struct cpu_model *model, uint32_t features)
{
    return features == 0 || (model->features & features) != 0;
}

bool thumb_is_32bit(const struct cpu_model *model, uint16_t hw1)
{
    /* ARMv7 ARM ARM A6.1: hw1[15:11] in {0b11101, 0b11110, 0b11111}. */
    return (model->features & CPU_FEAT_THUMB2) && (hw1 >> 11) >= 0x1d;
}

static unsigned thumb_list_count(uint32_t list)
{
    return (unsigned)__builtin_popcount(list & 0xffff);
}

/* Fills the operand fields of a 16-bit instruction for its form. */
static void thumb_extract(const struct cpu_model *model, unsigned form, uint16_t hw,
                          struct decoded_insn *d)
{
    unsigned lo0 = hw & 7, lo3 = (hw >> 3) & 7, lo6 = (hw >> 6) & 7;
    unsigned hi8 = (hw >> 8) & 7, imm5 = (hw >> 6) & 0x1f, imm8 = hw & 0xff;

    switch (form) {
    case FORM_NONE:
        break;
    case FORM_SHIFT_IMM:
        d->rd = lo0, d->rm = lo3, d->imm = imm5;
        break;
    case FORM_SHIFT_IMM32:
        /* LSR/ASR #0 encode a shift by 32 (ARM ARM A8.4.1 DecodeImmShift). */
        d->rd = lo0, d->rm = lo3, d->imm = imm5 ? imm5 : 32;
        break;
    case FORM_RD_RN_RM:
        d->rd = lo0, d->rn = lo3, d->rm = lo6;
        break;
    case FORM_RD_RN_IMM3:
        d->rd = lo0, d->rn = lo3, d->imm = lo6;
        break;
    case FORM_RD8_IMM8:
        d->rd = d->rn = hi8, d->imm = imm8;
        break;
    case FORM_RD8_IMM8_W:
        d->rd = hi8, d->imm = imm8 << 2;
        break;
    case FORM_DP:
        d->rd = d->rn = lo0, d->rm = lo3;
        break;
    case FORM_HI:
        /* H1 (bit 7) extends Rd/Rn, H2 (bit 6) extends Rm. */
        d->rd = d->rn = (uint8_t)(lo0 | ((hw >> 4) & 8));
        d->rm = (hw >> 3) & 15;
        break;
    case FORM_RD_RN_IMM5:
        d->rd = lo0, d->rn = lo3, d->imm = imm5;
        break;
    case FORM_RD_RN_IMM5_H:
        d->rd = lo0, d->rn = lo3, d->imm = imm5 << 1;
        break;
    case FORM_RD_RN_IMM5_W:
        d->rd = lo0, d->rn = lo3, d->imm = imm5 << 2;
        break;
    case FORM_SP_IMM8_W:
        d->rd = hi8, d->rn = 13, d->imm = imm8 << 2;
        break;
    case FORM_SP_IMM7:
        d->rd = d->rn = 13, d->imm = (hw & 0x7f) << 2;
        break;
    case FORM_PUSH:
        /* Bit 8 adds LR; keep the list in register-number order. */
        d->rn = 13;
        d->imm = imm8 | ((hw & 0x100u) << 6);
        d->rs = (uint8_t)thumb_list_count(d->imm);
        break;
    case FORM_POP:
        /* Bit 8 adds PC; interworking exists from ARMv5T on. */
        d->rn = 13;
        d->imm = imm8 | ((hw & 0x100u) << 7);
        d->rs = (uint8_t)thumb_list_count(d->imm);
        if (thumb_has(model, THUMB_V5))
            d->flags |= THUMB_F_INTERWORK;
        if (!(model->features & (CPU_FEAT_V6 | CPU_FEAT_V7)))
            d->flags |= THUMB_F_L4;
        break;
    case FORM_LDSTM:
        d->rn = hi8, d->imm = imm8;
        d->rs = (uint8_t)thumb_list_count(imm8);
        if ((imm8 >> hi8) & 1)
            d->flags |= THUMB_F_BASE_IN_LIST;
        break;
    case FORM_IMM8:
        d->imm = imm8;
        break;
    case FORM_BCOND:
        d->cond = (hw >> 8) & 15;
        d->imm = (uint32_t)sign_extend32(imm8, 8) << 1;
        break;
    case FORM_B:
        d->imm = (uint32_t)sign_extend32(hw & 0x7ff, 11) << 1;
        break;
    case FORM_BL_PREFIX:
        d->imm = (uint32_t)sign_extend32(hw & 0x7ff, 11) << 12;
        break;
    case FORM_BL_SUFFIX:
        d->imm = (hw & 0x7ffu) << 1;
        break;
    case FORM_CBZ:
        d->rn = lo0;
        d->imm = ((hw >> 3) & 0x1fu) << 1 | ((hw >> 9) & 1u) << 6;
        if (hw & 0x800)
            d->flags |= THUMB_F_NONZERO;
        break;
    case FORM_RD_RM:
        d->rd = lo0, d->rm = lo3;
        break;
    case FORM_IT:
        d->imm = imm8;
        break;
    case FORM_CPS:
        d->imm = hw & 0x17;
        break;
    case FORM_SETEND:
        d->imm = (hw >> 3) & 1;
        break;
    default:
        break;
    }
}

void thumb_decode(const struct cpu_model *model, uint16_t hw1, uint16_t hw2,
                  struct decoded_insn *d)
{
    d->handler = thumb_undefined;
    d->imm = 0;
    d->cond = COND_AL;
    d->rd = d->rn = d->rm = d->rs = 0;
    d->shift = 0;
    d->flags = 0;

    if (thumb_is_32bit(model, hw1)) {
        d->raw = (uint32_t)hw1 << 16 | hw2;
        d->len = 4;
        thumb2_decode(model, d->raw, d);
        return;
    }

    d->raw = hw1;
    d->len = 2;
    for (size_t i = 0; i < ARRAY_SIZE(thumb_classes); i++) {
        const struct thumb_class *c = &thumb_classes[i];
        if ((hw1 & c->mask) != c->match)
            continue;
        /* A class the model lacks is UNDEFINED, not a fall-through. */
        if (!thumb_has(model, c->features))
            return;
        d->handler = c->handler;
        thumb_extract(model, c->form, hw1, d);
        return;
    }
}
