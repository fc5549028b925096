/*
 * The ARM (A32) decoder for ARMv5TE (ARM926EJ-S) and ARMv7-A (Cortex-A9,
 * Cortex-A15): classifies an encoding with the X-macro tables in
 * arm_insns.def, then lets the row's decoder pre-extract the operands and
 * pick the most specialised handler, so the handler that runs a million
 * times does the least work.
 *
 * UNPREDICTABLE encodings are resolved once, here: where QEMU (and so the
 * unicorn-based differential test) UNDEFs, we UNDEF too, and the ARMv6+
 * additions UNDEF on a PC operand the manual calls UNPREDICTABLE; the
 * cases are named at each decoder. References: ARM ARM DDI 0100I (ARMv5),
 * chapters A3 and A4, and DDI 0406C A5 (encodings) and A8 (instructions).
 */
#include <string.h>

#include "base/compiler.h"
#include "cpu/arm_exec.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/neon.h"

typedef void (*arm_decoder)(const struct cpu_model *model, uint32_t insn,
                            struct decoded_insn *d);

#define ARM_INSN(name, mask, value, features, decoder)                        \
    static void decoder(const struct cpu_model *model, uint32_t insn,         \
                        struct decoded_insn *d);
#define ARM_UNCOND_INSN ARM_INSN
#define ARM_MEDIA_INSN ARM_INSN
#include "cpu/arm_insns.def"
#undef ARM_INSN
#undef ARM_UNCOND_INSN
#undef ARM_MEDIA_INSN

struct arm_insn_class {
    const char *name;
    uint32_t mask;
    uint32_t value;
    uint32_t features;
    arm_decoder decode;
};

#define ARM_ROW(name, mask, value, features, decoder) \
    { #name, mask, value, features, decoder },
#define ARM_NO_ROW(name, mask, value, features, decoder)

static const struct arm_insn_class arm_insn_table[] = {
#define ARM_INSN ARM_ROW
#define ARM_UNCOND_INSN ARM_NO_ROW
#define ARM_MEDIA_INSN ARM_NO_ROW
#include "cpu/arm_insns.def"
#undef ARM_INSN
#undef ARM_UNCOND_INSN
#undef ARM_MEDIA_INSN
};

static const struct arm_insn_class arm_uncond_table[] = {
#define ARM_INSN ARM_NO_ROW
#define ARM_UNCOND_INSN ARM_ROW
#define ARM_MEDIA_INSN ARM_NO_ROW
#include "cpu/arm_insns.def"
#undef ARM_INSN
#undef ARM_UNCOND_INSN
#undef ARM_MEDIA_INSN
};

static const struct arm_insn_class arm_media_table[] = {
#define ARM_INSN ARM_NO_ROW
#define ARM_UNCOND_INSN ARM_NO_ROW
#define ARM_MEDIA_INSN ARM_ROW
#include "cpu/arm_insns.def"
#undef ARM_INSN
#undef ARM_UNCOND_INSN
#undef ARM_MEDIA_INSN
};

/* The first row of table the encoding and the model match, or NULL. */
static const struct arm_insn_class *arm_classify(const struct arm_insn_class *table, size_t n,
                                                 const struct cpu_model *model, uint32_t insn)
{
    for (size_t i = 0; i < n; i++) {
        const struct arm_insn_class *c = &table[i];
        if ((insn & c->mask) == c->value && (model->features & c->features) == c->features)
            return c;
    }
    return NULL;
}

void arm_decode(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    memset(d, 0, sizeof(*d));
    d->raw = insn;
    d->len = 4;
    d->cond = (uint8_t)(insn >> 28);
    d->handler = insn_undefined;
    const struct arm_insn_class *c =
        arm_classify(arm_insn_table, ARRAY_SIZE(arm_insn_table), model, insn);
    if (c)
        c->decode(model, insn, d);
}

/* The sub-table rows of the main table hand over to these two. */
static void dec_uncond(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    const struct arm_insn_class *c =
        arm_classify(arm_uncond_table, ARRAY_SIZE(arm_uncond_table), model, insn);
    if (c)
        c->decode(model, insn, d);
}

static void dec_media(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    const struct arm_insn_class *c =
        arm_classify(arm_media_table, ARRAY_SIZE(arm_media_table), model, insn);
    if (c)
        c->decode(model, insn, d);
}

const char *arm_decode_class_name(const struct cpu_model *model, uint32_t insn)
{
    const struct arm_insn_class *c =
        arm_classify(arm_insn_table, ARRAY_SIZE(arm_insn_table), model, insn);
    if (c && c->decode == dec_uncond)
        c = arm_classify(arm_uncond_table, ARRAY_SIZE(arm_uncond_table), model, insn);
    else if (c && c->decode == dec_media)
        c = arm_classify(arm_media_table, ARRAY_SIZE(arm_media_table), model, insn);
    return c ? c->name : "undefined";
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
    /* PLD, PLDW, PLI and the unallocated memory hints: no cache is
     * modelled, and a preload never faults (A8.8.126-A8.8.130). */
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
    else if (form == DP_FORM_SHIFT_IMM)
        d->handler = arm_dp_shift_imm_handlers[op][d->shift][s];
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
    else if (reg && u && d->shift == SHIFT_LSL)
        d->handler = arm_ldst_lsl_handlers[load][byte][index];
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

/*
 * The cond = 0b1111 forms (CDP2, LDC2/STC2, MCR2/MRC2, MCRR2/MRRC2) go to
 * the same handlers, unconditionally. None exists for cp10/cp11 (that
 * space is UNDEFINED in ARMv7, A5.7: VFP has no "2" forms) or for the
 * system coprocessors cp14/cp15 (no register of theirs has one, B3.17).
 */
static bool coproc_second_form_undefined(uint32_t insn, struct decoded_insn *d)
{
    if ((insn >> 28) != 0xf)
        return false;
    d->cond = COND_AL;
    unsigned cp = bits32(insn, 8, 4);
    if (cp >= 14 || cp == 10 || cp == 11) {
        make_undefined(d);
        return true;
    }
    return false;
}

static void dec_mcr(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->imm = bits32(insn, 8, 4);
    d->handler = bit32(insn, 20) ? arm_mrc : arm_mcr;
    coproc_second_form_undefined(insn, d);
}

static void dec_mcrr(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);   /* Rt */
    d->rn = (uint8_t)field_rn(insn);   /* Rt2 */
    d->imm = bits32(insn, 8, 4);
    d->handler = bit32(insn, 20) ? arm_mrrc : arm_mcrr;
    /* PC operands are UNPREDICTABLE (A4.1.31/A4.1.38). */
    if (coproc_second_form_undefined(insn, d) || d->rd == 15 || d->rn == 15)
        make_undefined(d);
}

static void dec_cdp(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bits32(insn, 8, 4);
    d->handler = arm_cdp;
    coproc_second_form_undefined(insn, d);
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
    if (coproc_second_form_undefined(insn, d) || (!p && !u && !w) || (w && d->rn == 15))
        make_undefined(d);
}

/* ---- ARMv6 and later: multiplies, exclusives, hints, MOVW/MOVT ---- */

/* UMAAL (A8.8.255) and MLS (A8.8.101), in the multiply slot layout. A PC
 * operand is UNPREDICTABLE: UNDEFINED. RdHi == RdLo (UNPREDICTABLE) runs,
 * the high word winning, as for UMLAL. */
static void dec_mul_v6(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rn(insn);   /* RdHi / Rd */
    d->rn = (uint8_t)field_rd(insn);   /* RdLo / Ra */
    d->rs = (uint8_t)field_rs(insn);   /* Rm */
    d->rm = (uint8_t)field_rm(insn);   /* Rn */
    d->handler = bit32(insn, 21) ? arm_mls : arm_umaal;
    if (d->rd == 15 || d->rn == 15 || d->rs == 15 || d->rm == 15)
        make_undefined(d);
}

/*
 * LDREX/STREX and the D/B/H forms (A8.8.75-A8.8.78, A8.8.212-A8.8.215).
 * UNPREDICTABLE and UNDEFINED here, as in QEMU: a PC operand; for STREX
 * Rd = Rn or Rd = Rt (or Rt2); for the doubleword forms an odd Rt or
 * Rt = LR (Rt2 would be the PC).
 */
static void dec_exclusive(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned size = bits32(insn, 21, 2), load = bit32(insn, 20);
    bool dual = size == 1;
    bool undef;

    d->rn = (uint8_t)field_rn(insn);
    d->rd = (uint8_t)field_rd(insn);
    if (load) {
        undef = d->rn == 15 || d->rd == 15 || (dual && ((d->rd & 1) || d->rd == 14));
    } else {
        d->rm = (uint8_t)field_rm(insn);
        undef = d->rn == 15 || d->rd == 15 || d->rm == 15 || d->rd == d->rn ||
                d->rd == d->rm ||
                (dual && ((d->rm & 1) || d->rm == 14 || d->rd == d->rm + 1));
    }
    d->handler = arm_exclusive_handlers[load][size];
    if (undef)
        make_undefined(d);
}

/*
 * Hints (A5.2.11, ARMv6K): NOP, YIELD, WFE, WFI, SEV, DBG, and the
 * unallocated hint numbers, which execute as NOP. With one core per
 * interpreter, YIELD has nobody to yield to.
 */
static void dec_hint(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    switch (bits32(insn, 0, 8)) {
    case 2:
        d->handler = arm_wfe;
        break;
    case 3:
        d->handler = arm_wfi;
        break;
    case 4:
        d->handler = arm_sev;
        break;
    default:
        d->handler = arm_nop;
        break;
    }
}

/* MOVW/MOVT (A8.8.102/A8.8.106): imm16 = imm4:imm12; Rd = PC is
 * UNPREDICTABLE. */
static void dec_movw_movt(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->imm = bits32(insn, 16, 4) << 12 | bits32(insn, 0, 12);
    d->handler = bit32(insn, 22) ? arm_movt : arm_movw;
    if (d->rd == 15)
        make_undefined(d);
}

/* ---- Virtualization and Security Extensions ---- */

/*
 * MRS/MSR (banked register), B9.3.9/B9.3.10: R and SYSm (M:M1) name a
 * register of another mode (Table B9-4). A PC operand is UNPREDICTABLE:
 * UNDEFINED, as in QEMU; whether SYSm is allocated and the current mode
 * may access it is v7_banked_read/write's business when it runs.
 */
static void dec_banked(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bit32(insn, 8) << 4 | bits32(insn, 16, 4);
    d->flags = (uint8_t)bit32(insn, 22);
    if (bit32(insn, 21)) {
        d->rm = (uint8_t)field_rm(insn);
        d->handler = d->rm == 15 ? insn_undefined : arm_msr_banked;
    } else {
        d->rd = (uint8_t)field_rd(insn);
        d->handler = d->rd == 15 ? insn_undefined : arm_mrs_banked;
    }
}

static void dec_eret(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    (void)insn;
    d->handler = arm_eret;
}

/* HVC #imm16 (B9.3.4): imm12:imm4; a condition other than AL is
 * UNPREDICTABLE: UNDEFINED. */
static void dec_hvc(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bits32(insn, 8, 12) << 4 | bits32(insn, 0, 4);
    d->handler = arm_hvc;
    if (d->cond != COND_AL)
        make_undefined(d);
}

/*
 * SMC (B9.3.14): the cores model the Security Extensions' registers, but
 * no Secure Monitor runs (Linux boots in the Secure state with nothing
 * above it, as on QEMU without EL3 firmware), so SMC is UNDEFINED.
 */
static void dec_smc(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    (void)insn;
    make_undefined(d);
}

/* ---- unconditional space (ARMv6 and later) ---- */

/* Advanced SIMD data processing and element/structure loads and stores. */
static void dec_neon(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    neon_decode_arm(model, insn, d);
}

/*
 * CPS (B9.3.2): imod 10 enables (clears) and 11 disables (sets) the A, I,
 * F bits named in bits 8:6; M = 1 also writes the mode. The UNPREDICTABLE
 * combinations run as QEMU runs them (imod 01 changes no mask bit).
 */
static void dec_cps(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rs = (uint8_t)bits32(insn, 18, 2);
    d->shift = (uint8_t)bits32(insn, 6, 3);
    d->flags = (uint8_t)bit32(insn, 17);
    d->imm = bits32(insn, 0, 5);
    d->handler = (d->rs & 2) || d->flags ? arm_cps : arm_nop;
    d->cond = COND_AL;
}

static void dec_setend(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->imm = bit32(insn, 9);
    d->handler = arm_setend;
    d->cond = COND_AL;
}

static void dec_clrex(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    (void)insn;
    d->handler = arm_clrex;
    d->cond = COND_AL;
}

/* DSB and DMB order nothing in a sequential interpreter; ISB ends the
 * straight-line run so what it synchronises (CP15, code) is seen. */
static void dec_barrier(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->handler = bits32(insn, 4, 4) == 6 ? arm_isb : arm_nop;
    d->cond = COND_AL;
}

/*
 * SRS (B9.3.16) and RFE (B9.3.13): two words, at base (IA), base + 4 (IB),
 * base - 8 (DB) or base - 4 (DA), lower word first; writeback +-8. RFE
 * with Rn = PC is UNPREDICTABLE: UNDEFINED.
 */
static void dec_srs_rfe(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    if (bit32(insn, 24))
        d->flags |= LSF_P;
    if (bit32(insn, 23))
        d->flags |= LSF_U;
    if (bit32(insn, 21))
        d->flags |= LSF_WB;
    d->cond = COND_AL;
    if (bit32(insn, 22)) {
        d->imm = bits32(insn, 0, 5);
        d->handler = arm_srs;
    } else {
        d->rn = (uint8_t)field_rn(insn);
        d->handler = arm_rfe;
        if (d->rn == 15)
            make_undefined(d);
    }
}

/* ---- media instructions (A5.4) ---- */

/* Any PC operand of a media instruction is UNPREDICTABLE: UNDEFINED. */
static void media_undef_on_pc(struct decoded_insn *d, unsigned a, unsigned b, unsigned c)
{
    if (a == 15 || b == 15 || c == 15)
        make_undefined(d);
}

/* Parallel add/subtract: op1 = 00 and op2 = 101/110 are UNDEFINED. */
static void dec_parallel(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    static const int8_t op_of_op2[8] = {
        V7_PAR_ADD16, V7_PAR_ASX, V7_PAR_SAX, V7_PAR_SUB16, V7_PAR_ADD8, -1, -1, V7_PAR_SUB8
    };
    unsigned op1 = bits32(insn, 20, 2);
    int op = op_of_op2[bits32(insn, 5, 3)];
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    if (op1 == 0 || op < 0) {
        make_undefined(d);
        return;
    }
    d->handler = arm_parallel_handlers[bit32(insn, 22) * 3 + op1 - 1][op];
    media_undef_on_pc(d, d->rd, d->rn, d->rm);
}

/* PKHBT (LSL #imm) and PKHTB (ASR #imm, 0 meaning 32), A8.8.125. */
static void dec_pkh(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned amount = bits32(insn, 7, 5);
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    if (bit32(insn, 6)) {
        d->imm = amount ? amount : 32;
        d->handler = arm_pkhtb;
    } else {
        d->imm = amount;
        d->handler = arm_pkhbt;
    }
    media_undef_on_pc(d, d->rd, d->rn, d->rm);
}

/* SXTAB16/SXTAB/SXTAH/UXTAB16/UXTAB/UXTAH; Rn = 1111 is the plain extend. */
static void dec_extend(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    static const int8_t kind_of_op1[8] = {
        V7_SXTB16, -1, V7_SXTB, V7_SXTH, V7_UXTB16, -1, V7_UXTB, V7_UXTH
    };
    int kind = kind_of_op1[bits32(insn, 20, 3)];
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    d->shift = (uint8_t)(bits32(insn, 10, 2) * 8);
    if (kind < 0) {
        make_undefined(d);
        return;
    }
    d->handler = arm_extend_handlers[kind][d->rn != 15];
    media_undef_on_pc(d, d->rd, d->rm, 0);
}

/*
 * SSAT/USAT (A8.8.199/A8.8.264): saturate_to = sat_imm + 1 (signed) or
 * sat_imm (unsigned), of Rn LSL #imm5 or ASR #imm5 (0 meaning 32).
 * SSAT16/USAT16: a 4-bit sat_imm, no shift.
 */
static void dec_sat(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    bool is_unsigned = bit32(insn, 22);
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rm(insn);
    if (bit32(insn, 5)) {
        unsigned sat = bits32(insn, 16, 4);
        d->imm = is_unsigned ? sat : sat + 1;
        d->handler = is_unsigned ? arm_usat16 : arm_ssat16;
    } else {
        unsigned sat = bits32(insn, 16, 5);
        unsigned amount = bits32(insn, 7, 5);
        bool asr = bit32(insn, 6);
        d->imm = is_unsigned ? sat : sat + 1;
        d->shift = asr ? SHIFT_ASR : SHIFT_LSL;
        d->rs = (uint8_t)(asr && amount == 0 ? 32 : amount);
        d->handler = is_unsigned ? arm_usat : arm_ssat;
    }
    media_undef_on_pc(d, d->rd, d->rn, 0);
}

/* REV, REV16 (bit 22 = 0), RBIT, REVSH (bit 22 = 1); bit 7 picks. */
static void dec_reverse(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    static const insn_handler handler_of[2][2] = {
        { arm_rev, arm_rev16 },
        { arm_rbit, arm_revsh },
    };
    d->rd = (uint8_t)field_rd(insn);
    d->rm = (uint8_t)field_rm(insn);
    d->handler = handler_of[bit32(insn, 22)][bit32(insn, 7)];
    media_undef_on_pc(d, d->rd, d->rm, 0);
}

static void dec_media_rrr(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rn(insn);
    d->rm = (uint8_t)field_rm(insn);
    d->handler = arm_sel;
    media_undef_on_pc(d, d->rd, d->rn, d->rm);
}

/*
 * Signed multiplies, divide and USAD8 (A5.4.4): Rd (or RdHi) in 19:16,
 * Ra (or RdLo) in 15:12, Rm in 11:8, Rn in 3:0. Ra = 1111 selects the
 * non-accumulating SMUAD/SMUSD/SMMUL/USAD8; SMMLS with Ra = PC is
 * UNPREDICTABLE. The Ra field of SDIV/UDIV is SBO and not looked at.
 */
static void dec_media_mul(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    d->rd = (uint8_t)field_rn(insn);
    d->rs = (uint8_t)field_rd(insn);
    d->rm = (uint8_t)field_rs(insn);
    d->rn = (uint8_t)field_rm(insn);
    bool acc = d->rs != 15;
    bool sub = bit32(insn, 6);
    if (bit32(insn, 5))
        d->flags |= MEDF_SWAP | MEDF_ROUND;

    if (bit32(insn, 23)) {
        d->handler = acc ? arm_usada8 : arm_usad8;
    } else {
        switch (bits32(insn, 20, 3)) {
        case 0:
            d->handler = sub ? (acc ? arm_smlsd : arm_smusd) : (acc ? arm_smlad : arm_smuad);
            break;
        case 1:
            d->handler = arm_sdiv;
            break;
        case 3:
            d->handler = arm_udiv;
            break;
        case 4:
            d->handler = sub ? arm_smlsld : arm_smlald;
            if (!acc)
                make_undefined(d);
            break;
        default: /* 5 */
            if (sub)
                d->handler = acc ? arm_smmls : insn_undefined;
            else
                d->handler = acc ? arm_smmla : arm_smmul;
            break;
        }
    }
    media_undef_on_pc(d, d->rd, d->rn, d->rm);
}

/*
 * SBFX/UBFX (lsb, widthm1) and BFC/BFI (lsb, msb), A8.8.164/A8.8.255/
 * A8.8.20/A8.8.21. A field running past bit 31 or msb < lsb is
 * UNPREDICTABLE: UNDEFINED, as in QEMU. BFI with Rn = 1111 is BFC.
 */
static void dec_bitfield(const struct cpu_model *model, uint32_t insn, struct decoded_insn *d)
{
    (void)model;
    unsigned lsb = bits32(insn, 7, 5), high = bits32(insn, 16, 5);
    unsigned op = bits32(insn, 21, 2);
    bool undef;
    d->rd = (uint8_t)field_rd(insn);
    d->rn = (uint8_t)field_rm(insn);
    d->imm = lsb;
    if (op == 2) {
        undef = high < lsb || d->rd == 15;
        d->rs = (uint8_t)(high - lsb + 1);
        d->handler = d->rn == 15 ? arm_bfc : arm_bfi;
    } else {
        undef = lsb + high > 31 || d->rd == 15 || d->rn == 15;
        d->rs = (uint8_t)(high + 1);
        d->handler = op == 1 ? arm_sbfx : arm_ubfx;
    }
    if (undef)
        make_undefined(d);
}
