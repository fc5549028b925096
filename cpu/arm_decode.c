/*
 * The ARM (A32) decoder for ARMv5TE (ARM926EJ-S): classifies an encoding
 * with the X-macro table in arm_insns.def, then lets the row's decoder
 * pre-extract the operands and pick the most specialised handler, so the
 * handler that runs a million times does the least work.
 *
 * UNPREDICTABLE encodings are resolved once, here: where QEMU (and so the
 * unicorn-based differential test) UNDEFs, we UNDEF too; the cases are
 * named at each decoder. References: ARM ARM DDI 0100I (ARMv5), chapter A3
 * and A4, and DDI 0406C A5 for the spaces later architectures filled.
 */
#include <string.h>

#include "base/compiler.h"
#include "cpu/arm_exec.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"

typedef void (*arm_decoder)(const struct cpu_model *model, uint32_t insn,
                            struct decoded_insn *d);

#define ARM_INSN(name, mask, value, features, decoder)                        \
    static void decoder(const struct cpu_model *model, uint32_t insn,         \
                        struct decoded_insn *d);
#include "cpu/arm_insns.def"
#undef ARM_INSN

struct arm_insn_class {
    const char *name;
    uint32_t mask;
    uint32_t value;
    uint32_t features;
    arm_decoder decode;
};

static const struct arm_insn_class arm_insn_table[] = {
#define ARM_INSN(name, mask, value, features, decoder) \
    { #name, mask, value, features, decoder },
#include "cpu/arm_insns.def"
#undef ARM_INSN
};

void arm_decode(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    memset(d, 0, sizeof(*d));
    d->raw = insn;
    d->len = 4;
    d->cond = (uint8_t)(insn >> 28);
    d->handler = insn_undefined;
    for (size_t i = 0; i < ARRAY_SIZE(arm_insn_table); i++) {
        const struct arm_insn_class *c = &arm_insn_table[i];
        if ((insn & c->mask) == c->value && (model->features & c->features) == c->features) {
            c->decode(model, insn, d);
            return;
        }
    }
}

const char *arm_decode_class_name(const struct cpu_model *model, uint32_t insn)
{
    for (size_t i = 0; i < ARRAY_SIZE(arm_insn_table); i++) {
        const struct arm_insn_class *c = &arm_insn_table[i];
        if ((insn & c->mask) == c->value && (model->features & c->features) == c->features)
            return c->name;
    }
    return "undefined";
}

/* Field helpers. */
static unsigned field_rn(uint32_t insn) { return bits32(insn, 16, 4); }
static unsigned field_rd(uint32_t insn) { return bits32(insn, 12, 4); }
static unsigned field_rs(uint32_t insn) { return bits32(insn, 8, 4); }
static unsigned field_rm(uint32_t insn) { return bits32(insn, 0, 4); }

/*
 * The condition is kept: an UNDEFINED encoding whose condition fails does
 * nothing, as in QEMU (ARMv7 allows either; cond 0b1111 always passes).
 */
static void make_undefined(struct decoded_insn *d)
{
    d->handler = insn_undefined;
}

static void dec_undefined(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    (void)insn;
    make_undefined(d);
}

/* ---- unconditional space ---- */

static void dec_pld(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    (void)insn;
    /* A hint: the ARM926 has no use for it and it never faults. */
    d->handler = arm_nop;
    d->cond = COND_AL;
}

static void dec_blx_imm(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    /* Target = PC + SignExtend(imm24:H:'0') (DDI 0100I A4.1.9). */
    d->imm = (uint32_t)(sign_extend32(bits32(insn, 0, 24), 24) * 4) | (bit32(insn, 24) << 1);
    d->handler = arm_blx_imm;
    d->cond = COND_AL;
}

/* ---- data processing ---- */

static bool dp_reads_rn(unsigned op)
{
    return op != DP_MOV && op != DP_MVN;
}

static bool dp_writes_rd(unsigned op)
{
    return op < DP_TST || op > DP_CMN;
}

static void dec_dp(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    unsigned op = bits32(insn, 21, 4);
    unsigned s = bit32(insn, 20);
    unsigned form;

    d->rd = (uint8_t)field_rd(insn);
    d->rn = dp_reads_rn(op) ? (uint8_t)field_rn(insn) : 0;
    d->rm = (uint8_t)field_rm(insn);
    if (bit32(insn, 25)) {
        /* Addressing mode 1, immediate: imm8 ROR (2 * rotate_imm). The
         * shifter carry-out is imm bit 31 only when rotate_imm != 0. */
        unsigned rot = bits32(insn, 8, 4) * 2;
        form = DP_FORM_IMM;
        d->imm = ror32(bits32(insn, 0, 8), rot);
        if (rot)
            d->flags |= DPF_ROT;
    } else if (!bit32(insn, 4)) {
        unsigned type = bits32(insn, 5, 2);
        unsigned amount = bits32(insn, 7, 5);
        if (type == SHIFT_LSL && amount == 0) {
            form = DP_FORM_REG;
        } else {
            /* LSR/ASR #0 encode #32, ROR #0 encodes RRX (A5.1.7-A5.1.13). */
            form = DP_FORM_SHIFT_IMM;
            if (amount == 0)
                amount = type == SHIFT_ROR ? 0 : 32;
            if (type == SHIFT_ROR && amount == 0)
                type = SHIFT_RRX;
            d->imm = amount;
        }
        d->shift = (uint8_t)type;
    } else {
        form = DP_FORM_SHIFT_REG;
        d->shift = (uint8_t)bits32(insn, 5, 2);
        d->rs = (uint8_t)field_rs(insn);
    }
    if (s)
        d->flags |= DPF_S;
    if (model->features & CPU_FEAT_V7)
        d->flags |= DPF_INTERWORK;
    d->flags |= (uint8_t)(form << DPF_FORM_SHIFT);

    bool pc_write = dp_writes_rd(op) && d->rd == 15;
    /* A register-shifted operand reads the PC as insn + 12 (A5.1.5). */
    bool pc12 = form == DP_FORM_SHIFT_REG && (d->rm == 15 || d->rs == 15 ||
                                              (dp_reads_rn(op) && d->rn == 15));
    if (pc_write || pc12)
        d->handler = arm_dp_generic;
    else
        d->handler = arm_dp_handlers[op][form][s];
}

/* ---- miscellaneous ---- */

static void dec_mrs(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->flags = bit32(insn, 22) ? PSRF_SPSR : 0;
    /* MRS to the PC is UNPREDICTABLE: UNDEFINED here. */
    d->handler = d->rd == 15 ? insn_undefined : arm_mrs;
}

static void dec_msr(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->flags = bit32(insn, 22) ? PSRF_SPSR : 0;
    d->rs = (uint8_t)bits32(insn, 16, 4);    /* field mask c, x, s, f */
    if (bit32(insn, 25)) {
        d->flags |= PSRF_IMM;
        d->imm = ror32(bits32(insn, 0, 8), bits32(insn, 8, 4) * 2);
    } else {
        d->rm = (uint8_t)field_rm(insn);
    }
    d->handler = arm_msr;
}

static void dec_bx(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rm = (uint8_t)field_rm(insn);
    /* BXJ on a core without a Jazelle engine enabled behaves as BX
     * (DDI 0100I A4.1.11): we never enter Jazelle state. */
    d->handler = bits32(insn, 4, 4) == 3 ? arm_blx_reg : arm_bx;
}

static void dec_clz(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->rm = (uint8_t)field_rm(insn);
    d->handler = d->rd == 15 ? insn_undefined : arm_clz;
}

static void dec_qaddsub(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    d->shift = (uint8_t)bits32(insn, 21, 2);  /* QADD, QSUB, QDADD, QDSUB */
    d->handler = d->rd == 15 ? insn_undefined : arm_qaddsub;
}

static void dec_bkpt(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bits32(insn, 8, 12) << 4 | bits32(insn, 0, 4);
    d->handler = arm_bkpt;
}

/* ---- multiplies ---- */

static void dec_mul(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    static const int8_t op_of_bits[8] = {
        MUL_MUL, MUL_MLA, -1, -1, MUL_UMULL, MUL_UMLAL, MUL_SMULL, MUL_SMLAL
    };
    int op = op_of_bits[bits32(insn, 21, 3)];
    unsigned s = bit32(insn, 20);
    d->rd = (uint8_t)field_rn(insn);   /* Rd / RdHi */
    d->rn = (uint8_t)field_rd(insn);   /* Rn (accumulate) / RdLo */
    d->rs = (uint8_t)field_rs(insn);
    d->rm = (uint8_t)field_rm(insn);
    if (s)
        d->flags |= MULF_S;
    bool long_form = op >= MUL_UMULL;
    /* A PC destination is UNPREDICTABLE (A4.1.40 and friends): UNDEFINED. */
    if (op < 0 || d->rd == 15 || (long_form && d->rn == 15)) {
        make_undefined(d);
        return;
    }
    d->handler = arm_mul_handlers[op][s];
}

static void dec_dsp_mul(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rn(insn);   /* Rd / RdHi */
    d->rn = (uint8_t)field_rd(insn);   /* Rn (accumulate) / RdLo */
    d->rs = (uint8_t)field_rs(insn);
    d->rm = (uint8_t)field_rm(insn);
    if (bit32(insn, 5))
        d->flags |= MULF_X;
    if (bit32(insn, 6))
        d->flags |= MULF_Y;
    unsigned op = bits32(insn, 21, 2);
    switch (op) {
    case 0:
        d->handler = arm_smlaxy;
        break;
    case 1:
        d->handler = bit32(insn, 5) ? arm_smulwy : arm_smlawy;
        break;
    case 2:
        d->handler = arm_smlalxy;
        break;
    default:
        d->handler = arm_smulxy;
        break;
    }
    if (d->rd == 15 || (op == 2 && d->rn == 15))
        make_undefined(d);
}

/* ---- loads and stores ---- */

/* Decodes "Rm, <shift> #amount" of a scaled register offset (A5.2.4). */
static void dec_scaled_offset(uint32_t insn, struct decoded_insn *d)
{
    unsigned type = bits32(insn, 5, 2);
    unsigned amount = bits32(insn, 7, 5);
    if (amount == 0 && type != SHIFT_LSL) {
        if (type == SHIFT_ROR)
            type = SHIFT_RRX;
        else
            amount = 32;
    }
    d->shift = (uint8_t)type;
    d->imm = amount;
}

static void dec_ldst(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned p = bit32(insn, 24), u = bit32(insn, 23), w = bit32(insn, 21);
    unsigned load = bit32(insn, 20), byte = bit32(insn, 22);
    unsigned reg = bit32(insn, 25);
    enum arm_ldst_index index;

    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    if (reg) {
        dec_scaled_offset(insn, d);
        d->flags |= LSF_REG;
    } else {
        uint32_t off = bits32(insn, 0, 12);
        d->imm = u ? off : (uint32_t)-off;
    }
    if (u)
        d->flags |= LSF_U;
    if (p)
        d->flags |= LSF_P;
    if (!p) {
        index = LDST_POST;
        d->flags |= LSF_WB;
        if (w)
            d->flags |= LSF_USER;   /* LDRT/STRT/LDRBT/STRBT */
    } else if (w) {
        index = LDST_PRE_WB;
        d->flags |= LSF_WB;
    } else {
        index = LDST_OFFSET;
    }
    /* Writeback to the PC is UNPREDICTABLE (A5.2.1): UNDEFINED. */
    if ((d->flags & LSF_WB) && d->rn == 15) {
        make_undefined(d);
        return;
    }
    if ((d->flags & LSF_USER) || (load && d->rd == 15))
        d->handler = arm_ldst_generic;
    else
        d->handler = arm_ldst_handlers[load][byte][reg][index];
}

static void dec_ldst_extra(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned p = bit32(insn, 24), u = bit32(insn, 23), w = bit32(insn, 21);
    unsigned load = bit32(insn, 20);
    unsigned sh = bits32(insn, 5, 2);
    enum arm_ldst_extra kind;

    if (load)
        kind = sh == 1 ? LDSTX_LDRH : sh == 2 ? LDSTX_LDRSB : LDSTX_LDRSH;
    else
        kind = sh == 1 ? LDSTX_STRH : sh == 2 ? LDSTX_LDRD : LDSTX_STRD;

    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    if (bit32(insn, 22)) {
        uint32_t off = bits32(insn, 8, 4) << 4 | bits32(insn, 0, 4);
        d->imm = u ? off : (uint32_t)-off;
    } else {
        d->flags |= LSF_REG;
    }
    if (u)
        d->flags |= LSF_U;
    if (p)
        d->flags |= LSF_P;
    if (!p || w)
        d->flags |= LSF_WB;
    if (!p && w)
        d->flags |= LSF_USER;  /* ARMv6T2 LDRHT & co; UNPREDICTABLE on v5, QEMU's reading */

    bool dual = kind == LDSTX_LDRD || kind == LDSTX_STRD;
    bool undef = false;
    /* LDRD/STRD: odd Rt is UNDEFINED (A4.1.26); P=0 W=1 has no meaning
     * (UNPREDICTABLE; UNDEFINED here and in QEMU). Rt = 14 pairs with the
     * PC: UNPREDICTABLE, executed as QEMU does (see arm_exec_mem.c). */
    if (dual && ((d->rd & 1) || (d->flags & LSF_USER)))
        undef = true;
    /* Loads to the PC and writeback to the PC are UNPREDICTABLE. */
    if (load && d->rd == 15)
        undef = true;
    if ((d->flags & LSF_WB) && d->rn == 15)
        undef = true;
    if (undef) {
        make_undefined(d);
        return;
    }
    d->handler = arm_ldst_extra_handlers[kind];
}

static void dec_swp(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    d->handler = bit32(insn, 22) ? arm_swpb : arm_swp;
    /* Any PC operand is UNPREDICTABLE (A4.1.108). */
    if (d->rd == 15 || d->rn == 15 || d->rm == 15)
        make_undefined(d);
}

static void dec_ldm_stm(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned p = bit32(insn, 24), u = bit32(insn, 23), s = bit32(insn, 22);
    unsigned w = bit32(insn, 21), load = bit32(insn, 20);
    uint32_t list = bits32(insn, 0, 16);
    int n = __builtin_popcount(list);

    d->rn = (uint8_t)field_rn(insn);
    d->imm = list;
    d->rd = (uint8_t)n;
    /* Addressing mode 4 (A5.4): lowest address and final base per mode. */
    int start = u ? (p ? 4 : 0) : (p ? -4 * n : -4 * n + 4);
    int delta = u ? 4 * n : -4 * n;
    d->rs = (uint8_t)(int8_t)start;
    d->shift = (uint8_t)(int8_t)delta;
    if (u)
        d->flags |= LSF_U;
    if (p)
        d->flags |= LSF_P;
    if (w)
        d->flags |= LSF_WB;

    /* Empty list and base = PC are UNPREDICTABLE: UNDEFINED, like QEMU. */
    if (list == 0 || d->rn == 15) {
        make_undefined(d);
        return;
    }
    if (!s) {
        d->handler = load ? arm_ldm : arm_stm;
    } else if (load && (list & 0x8000)) {
        d->flags |= LSF_EXRET;
        d->handler = arm_ldm_exret;
    } else {
        d->flags |= LSF_USER;
        /* LDM (user registers) with writeback is UNPREDICTABLE: UNDEFINED. */
        if (load && w) {
            make_undefined(d);
            return;
        }
        d->handler = load ? arm_ldm_user : arm_stm_user;
    }
}

/* ---- branches, exceptions ---- */

static void dec_branch(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = (uint32_t)(sign_extend32(bits32(insn, 0, 24), 24) * 4);
    d->handler = bit32(insn, 24) ? arm_bl : arm_b;
}

static void dec_svc(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bits32(insn, 0, 24);
    d->handler = arm_svc;
}

/* ---- coprocessors ---- */

static void dec_mcr(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->imm = bits32(insn, 8, 4);
    d->handler = bit32(insn, 20) ? arm_mrc : arm_mcr;
}

static void dec_mcrr(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);   /* Rt */
    d->rn = (uint8_t)field_rn(insn);   /* Rt2 */
    d->imm = bits32(insn, 8, 4);
    d->handler = bit32(insn, 20) ? arm_mrrc : arm_mcrr;
    /* PC operands are UNPREDICTABLE (A4.1.31/A4.1.38). */
    if (d->rd == 15 || d->rn == 15)
        make_undefined(d);
}

static void dec_cdp(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bits32(insn, 8, 4);
    d->handler = arm_cdp;
}

static void dec_ldc_stc(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned p = bit32(insn, 24), u = bit32(insn, 23), w = bit32(insn, 21);
    d->rn = (uint8_t)field_rn(insn);
    d->imm = bits32(insn, 8, 4);
    if (u)
        d->flags |= LSF_U;
    if (p)
        d->flags |= LSF_P;
    if (w)
        d->flags |= LSF_WB;
    d->handler = arm_ldc_stc;
    /* P = U = W = 0 is UNDEFINED (A5.5.1); writeback to the PC is
     * UNPREDICTABLE. */
    if ((!p && !u && !w) || (w && d->rn == 15))
        make_undefined(d);
}
