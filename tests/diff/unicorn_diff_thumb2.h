/*
 * The t2 set of unicorn-diff: Thumb-2 (ARMv7-A Thumb, 16- and 32-bit) on
 * armhv's Cortex-A15 against unicorn's (QEMU's cortex-a15). Included once
 * by unicorn_diff.c after its ARMv7 templates; everything here is static
 * and uses that file's helpers (rng_*, pick_reg, scratch_addr, add_poke,
 * code_target, interwork_target, rng_media_value, ...).
 *
 * Each template returns one encoding and sets up the operands it needs in
 * the case (registers steered into the scratch page, loaded values
 * poked), so it can be used alone (one class per template) or as one
 * member of an IT block or a sequence. Encodings are those of the ARM ARM
 * (DDI 0406C A6.3 and A8.8) with the UNPREDICTABLE register choices left
 * out: no SP or PC where the ARM ARM forbids them (T2_REGS), no writeback
 * into a loaded register, bit fields inside the word.
 *
 * IT blocks. unicorn 2.0.1 translates an IT block as one unit: inside it
 * the instruction-count stop is not honoured (uc->no_exit_request), so an
 * IT case runs IT plus its whole block with count = 1 + n and compares the
 * state after the block. The flag is recomputed only when the next Thumb
 * instruction is translated, so a block that ends its translation block
 * (a branch, an exception) leaves it set for the next uc_emu_start();
 * unicorn_diff.c clears it after every t2 case (uc_clear_it_quirk). Blocks
 * hold no instruction that raises an exception with its condition passing
 * (unicorn stops at the exception, armhv enters the vector), and no BX or
 * BLX to ARM state (the ARM translator never clears the flag).
 */
#ifndef TESTS_DIFF_UNICORN_DIFF_THUMB2_H
#define TESTS_DIFF_UNICORN_DIFF_THUMB2_H

/* r0-r12 and LR: the registers Thumb-2 allows almost everywhere. */
#define T2_REGS (REGS_NOPC & ~REG_BIT(13))

/* One Thumb instruction: 1 or 2 halfwords. */
struct t2i {
    uint16_t hw[2];
    unsigned n;
};

static struct t2i t2_16(unsigned hw)
{
    struct t2i i = { { (uint16_t)hw, 0 }, 1 };
    return i;
}

static struct t2i t2_32(unsigned hw1, unsigned hw2)
{
    struct t2i i = { { (uint16_t)hw1, (uint16_t)hw2 }, 2 };
    return i;
}

/* Appends an instruction to the case's code and counts it. */
static void t2_append(struct test_case *tc, struct t2i in)
{
    memcpy(tc->code + tc->len, in.hw, 2 * in.n);
    tc->len += 2 * in.n;
    tc->steps++;
}

static unsigned t2_reg(struct rng *g)
{
    return pick_reg(g, T2_REGS);
}

/* ConditionPassed for flags nzcv (ARM ARM A8.3.1, Table A8-1). */
static bool t2_cond_holds(unsigned cond, unsigned nzcv)
{
    bool n = nzcv & 8, z = nzcv & 4, c = nzcv & 2, v = nzcv & 1;
    bool r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = !z && n == v; break;
    default: return true;
    }
    return (cond & 1) ? !r : r;
}

/* i:imm3:imm8 of a modified immediate; the replicated forms with imm8 = 0
 * (UNPREDICTABLE) are avoided. */
static uint32_t t2_modified_imm12(struct rng *g)
{
    uint32_t imm12;
    if (rng_below(g, 3) == 0)
        imm12 = rng_below(g, 4) << 8 | (rng_u32(g) & 0xff);
    else
        imm12 = rng_u32(g) & 0xfff;
    if ((imm12 >> 10) == 0 && (imm12 & 0x300) && !(imm12 & 0xff))
        imm12 |= 1 + rng_below(g, 255);
    return imm12;
}

/* Scatters a 12-bit immediate into i (hw1 bit 10), imm3, imm8. */
static unsigned t2_imm12_hw1(uint32_t imm12)
{
    return (imm12 >> 11) << 10;
}

static unsigned t2_imm12_hw2(uint32_t imm12)
{
    return ((imm12 >> 8) & 7) << 12 | (imm12 & 0xff);
}

/* A shift amount field imm3:imm2, biased to the corners. */
static unsigned t2_imm5(struct rng *g)
{
    static const uint8_t edge[] = { 0, 1, 31, 16, 8 };
    return rng_bit(g) ? edge[rng_below(g, ARRAY_SIZE(edge))] : rng_below(g, 32);
}

static unsigned t2_imm5_hw2(unsigned imm5)
{
    return (imm5 >> 2) << 12 | (imm5 & 3) << 6;
}

/* ---- data processing ---- */

static const uint8_t t2_dp_ops[] = { 0x0, 0x1, 0x2, 0x3, 0x4, 0x8, 0xa, 0xb, 0xd, 0xe };
static const uint8_t t2_cmp_ops[] = { 0x0, 0x4, 0x8, 0xd };   /* TST TEQ CMN CMP */

/* Data processing (modified immediate), A6.3.1: the ten operations with
 * and without S, MOV/MVN (Rn = PC) and the four compares (Rd = PC, S). */
static struct t2i t2g_dp_imm(struct rng *g, struct test_case *tc)
{
    uint32_t imm12 = t2_modified_imm12(g);
    unsigned op = t2_dp_ops[rng_below(g, ARRAY_SIZE(t2_dp_ops))];
    unsigned s = rng_bit(g), rd = t2_reg(g), rn = t2_reg(g);
    switch (rng_below(g, 6)) {
    case 0:
        op = 2 + rng_bit(g);    /* MOV, MVN */
        rn = 15;
        break;
    case 1:
        op = t2_cmp_ops[rng_below(g, 4)];
        s = 1;
        rd = 15;
        break;
    default:
        if ((op == 0x8 || op == 0xd) && rng_below(g, 6) == 0)
            rn = 13;            /* ADD/SUB Rd, SP, #imm */
        break;
    }
    (void)tc;
    return t2_32(0xf000 | t2_imm12_hw1(imm12) | op << 5 | s << 4 | rn,
                 t2_imm12_hw2(imm12) | rd << 8);
}

/* Data processing (shifted register), A6.3.11, and PKHBT/PKHTB. */
static struct t2i t2g_dp_reg(struct rng *g, struct test_case *tc)
{
    unsigned op = t2_dp_ops[rng_below(g, ARRAY_SIZE(t2_dp_ops))];
    unsigned s = rng_bit(g), rd = t2_reg(g), rn = t2_reg(g), rm = t2_reg(g);
    unsigned type = rng_below(g, 4), imm5 = t2_imm5(g);
    switch (rng_below(g, 7)) {
    case 0:
        op = 2 + rng_bit(g);
        rn = 15;
        break;
    case 1:
        op = t2_cmp_ops[rng_below(g, 4)];
        s = 1;
        rd = 15;
        break;
    case 2:                     /* PKHBT (LSL) / PKHTB (ASR) */
        op = 0x6;
        s = 0;
        type = rng_bit(g) << 1;
        tc->init.r[rn] = rng_media_value(g);
        tc->init.r[rm] = rng_media_value(g);
        break;
    default:
        if ((op == 0x8 || op == 0xd) && rng_below(g, 6) == 0)
            rn = 13;
        break;
    }
    return t2_32(0xea00 | op << 5 | s << 4 | rn, t2_imm5_hw2(imm5) | rd << 8 | type << 4 | rm);
}

/* Plain binary immediate, A6.3.3: ADDW/SUBW (and ADR), MOVW/MOVT,
 * SSAT/USAT(16), SBFX/UBFX, BFI/BFC. */
static struct t2i t2g_pbi(struct rng *g, struct test_case *tc)
{
    unsigned rd = t2_reg(g), rn = t2_reg(g);
    uint32_t imm = rng_u32(g);
    switch (rng_below(g, 7)) {
    case 0: {                   /* ADDW / SUBW, Rn = PC is ADR, Rn = SP */
        uint32_t imm12 = imm & 0xfff;
        unsigned k = rng_below(g, 8);
        if (k == 0)
            rn = 15;
        else if (k == 1)
            rn = 13;
        return t2_32(0xf200 | t2_imm12_hw1(imm12) | (rng_bit(g) ? 0x0a0 : 0) | rn,
                     t2_imm12_hw2(imm12) | rd << 8);
    }
    case 1: {                   /* MOVW / MOVT */
        uint32_t imm16 = imm & 0xffff;
        return t2_32((rng_bit(g) ? 0xf2c0 : 0xf240) | t2_imm12_hw1(imm16 & 0xfff) |
                         imm16 >> 12,
                     t2_imm12_hw2(imm16 & 0xfff) | rd << 8);
    }
    case 2: {                   /* SSAT / USAT, LSL or ASR (#1..#31) */
        unsigned sh = rng_bit(g), amount = sh ? 1 + rng_below(g, 31) : t2_imm5(g);
        tc->init.r[rn] = rng_media_value(g);
        return t2_32(0xf300 | rng_bit(g) << 7 | sh << 5 | rn,
                     t2_imm5_hw2(amount) | rd << 8 | rng_below(g, 32));
    }
    case 3:                     /* SSAT16 / USAT16 */
        tc->init.r[rn] = rng_media_value(g);
        return t2_32(0xf320 | rng_bit(g) << 7 | rn, rd << 8 | rng_below(g, 16));
    case 4: {                   /* SBFX / UBFX */
        unsigned lsb = rng_below(g, 32), widthm1 = rng_below(g, 32 - lsb);
        return t2_32((rng_bit(g) ? 0xf3c0 : 0xf340) | rn,
                     t2_imm5_hw2(lsb) | rd << 8 | widthm1);
    }
    default: {                  /* BFI / BFC */
        unsigned lsb = rng_below(g, 32), msb = lsb + rng_below(g, 32 - lsb);
        if (rng_below(g, 4) == 0)
            rn = 15;
        return t2_32(0xf360 | rn, t2_imm5_hw2(lsb) | rd << 8 | msb);
    }
    }
}

/* Data processing (register), A6.3.12-A6.3.15: shifts by register,
 * extends, parallel add/subtract, QADD & co, REV & co, SEL, CLZ. */
static struct t2i t2g_dp_regreg(struct rng *g, struct test_case *tc)
{
    static const uint8_t par_op1[] = { 0, 1, 2, 4, 5, 6 };
    unsigned rd = t2_reg(g), rn = t2_reg(g), rm = t2_reg(g);
    switch (rng_below(g, 6)) {
    case 0:                     /* LSL/LSR/ASR/ROR{S}.W Rd, Rn, Rm */
        tc->init.r[rm] = rng_shift_value(g);
        return t2_32(0xfa00 | rng_below(g, 4) << 5 | rng_bit(g) << 4 | rn, 0xf000 | rd << 8 | rm);
    case 1:                     /* SXTAH ... UXTAB, Rn = PC: SXTH ... */
        if (rng_bit(g))
            rn = 15;
        tc->init.r[rm] = rng_media_value(g);
        return t2_32(0xfa00 | rng_below(g, 6) << 4 | rn,
                     0xf080 | rd << 8 | rng_below(g, 4) << 4 | rm);
    case 2:
    case 3:                     /* parallel add/subtract, signed and unsigned */
        tc->init.r[rn] = rng_media_value(g);
        tc->init.r[rm] = rng_media_value(g);
        return t2_32(0xfa80 | par_op1[rng_below(g, 6)] << 4 | rn,
                     0xf000 | rd << 8 | par_op1[rng_below(g, 6)] << 4 | rm);
    case 4:                     /* QADD, QDADD, QSUB, QDSUB; SEL */
        tc->init.r[rn] = rng_media_value(g);
        tc->init.r[rm] = rng_media_value(g);
        if (rng_below(g, 4) == 0)
            return t2_32(0xfaa0 | rn, 0xf080 | rd << 8 | rm);
        return t2_32(0xfa80 | rn, 0xf080 | rd << 8 | rng_below(g, 4) << 4 | rm);
    default:                    /* REV, REV16, RBIT, REVSH; CLZ (Rm twice) */
        if (rng_below(g, 5) == 0) {
            tc->init.r[rm] = rng_u32(g) >> rng_below(g, 33) % 32;
            return t2_32(0xfab0 | rm, 0xf080 | rd << 8 | rm);
        }
        return t2_32(0xfa90 | rm, 0xf080 | rd << 8 | rng_below(g, 4) << 4 | rm);
    }
}

/* Multiplies (A6.3.16) and long multiplies/divide (A6.3.17). */
static struct t2i t2g_mul(struct rng *g, struct test_case *tc)
{
    unsigned rd = t2_reg(g), rn = t2_reg(g), rm = t2_reg(g), ra = t2_reg(g);
    if (rng_bit(g)) {
        tc->init.r[rn] = rng_media_value(g);
        tc->init.r[rm] = rng_media_value(g);
    }
    if (rng_below(g, 8) == 0)
        tc->init.r[rn] = tc->init.r[rm] = 0x80008000;
    switch (rng_below(g, 12)) {
    case 0:                     /* MUL / MLA / MLS */
        if (rng_bit(g))
            return t2_32(0xfb00 | rn, 15u << 12 | rd << 8 | rm);
        return t2_32(0xfb00 | rn, ra << 12 | rd << 8 | rng_bit(g) << 4 | rm);
    case 1:                     /* SMLA<x><y> / SMUL<x><y> */
        if (rng_bit(g))
            ra = 15;
        return t2_32(0xfb10 | rn, ra << 12 | rd << 8 | rng_below(g, 4) << 4 | rm);
    case 2: {                   /* SMLAD(X) / SMUAD(X), SMLSD(X) / SMUSD(X) */
        unsigned sub = rng_bit(g);
        if (rng_below(g, 3) == 0)
            ra = 15;
        /* exclusions[]: QEMU sets Q when the two products alone overflow.
         * In a block or sequence another member may load that operand pair
         * before the SMLAD runs, so there it never accumulates. */
        if (!sub && ra != 15 &&
            (tc->multi || (tc->init.r[rn] == 0x80008000 && tc->init.r[rm] == 0x80008000)))
            ra = 15;
        return t2_32((sub ? 0xfb40 : 0xfb20) | rn, ra << 12 | rd << 8 | rng_bit(g) << 4 | rm);
    }
    case 3:                     /* SMLAW<y> / SMULW<y> */
        if (rng_bit(g))
            ra = 15;
        return t2_32(0xfb30 | rn, ra << 12 | rd << 8 | rng_bit(g) << 4 | rm);
    case 4:                     /* SMMLA(R) / SMMUL(R), SMMLS(R) */
        if (rng_bit(g))
            return t2_32(0xfb60 | rn, ra << 12 | rd << 8 | rng_bit(g) << 4 | rm);
        if (rng_below(g, 3) == 0)
            ra = 15;
        return t2_32(0xfb50 | rn, ra << 12 | rd << 8 | rng_bit(g) << 4 | rm);
    case 5:                     /* USADA8 / USAD8 */
        if (rng_bit(g))
            ra = 15;
        return t2_32(0xfb70 | rn, ra << 12 | rd << 8 | rm);
    case 6: {                   /* SDIV / UDIV, with the corner divisors */
        if (rng_below(g, 4) == 0)
            tc->init.r[rm] = 0;
        else if (rng_below(g, 4) == 0)
            tc->init.r[rn] = 0x80000000, tc->init.r[rm] = 0xffffffff;
        return t2_32((rng_bit(g) ? 0xfbb0 : 0xfb90) | rn, 0xf0f0 | rd << 8 | rm);
    }
    default: {                  /* SMULL UMULL SMLAL UMLAL UMAAL SMLAL<x><y> SMLALD SMLSLD */
        static const uint16_t forms[][2] = {
            { 0xfb80, 0x00 }, { 0xfba0, 0x00 }, { 0xfbc0, 0x00 }, { 0xfbe0, 0x00 },
            { 0xfbe0, 0x60 }, { 0xfbc0, 0x80 }, { 0xfbc0, 0xc0 }, { 0xfbd0, 0xc0 },
        };
        unsigned k = rng_below(g, ARRAY_SIZE(forms));
        unsigned lo = pick_reg(g, T2_REGS & ~REG_BIT(rd));
        unsigned op2 = forms[k][1];
        if (op2 == 0x80)
            op2 |= rng_below(g, 4) << 4;
        else if (op2 == 0xc0)
            op2 |= rng_bit(g) << 4;
        return t2_32(forms[k][0] | rn, lo << 12 | rd << 8 | op2 | rm);
    }
    }
}

/* ---- loads and stores ---- */

/*
 * Load/store single (A6.3.7-A6.3.10) in every addressing mode: imm12,
 * negative imm8, pre- and post-indexed, register (LSL #0-3), the T forms
 * and, for loads, PC-relative. Word and halfword accesses are sometimes
 * unaligned (ARMv7: allowed with SCTLR.A = 0).
 */
static struct t2i t2g_ldst(struct rng *g, struct test_case *tc)
{
    static const uint8_t kinds[][3] = {      /* L, S (sign), size code */
        { 0, 0, 0 }, { 0, 0, 1 }, { 0, 0, 2 },
        { 1, 0, 0 }, { 1, 1, 0 }, { 1, 0, 1 }, { 1, 1, 1 }, { 1, 0, 2 },
    };
    const uint8_t *k = kinds[rng_below(g, ARRAY_SIZE(kinds))];
    unsigned l = k[0], sign = k[1], szc = k[2], size = 1u << szc;
    unsigned mode = rng_below(g, l ? 7 : 6);
    unsigned rt = t2_reg(g);
    unsigned rn = pick_reg(g, (T2_REGS | REG_BIT(13)) & ~REG_BIT(rt));
    uint32_t a = scratch_addr(g, size, rng_below(g, 8) ? size : 1);
    unsigned imm8 = rng_below(g, 256), u = rng_bit(g);
    unsigned hw1 = 0xf800 | sign << 8 | szc << 5 | l << 4;

    switch (mode) {
    case 0: {                   /* [Rn, #imm12] */
        unsigned imm12 = rng_below(g, 4096);
        steer_base(tc, rn, a, imm12, true, true);
        return t2_32(hw1 | 0x80 | rn, rt << 12 | imm12);
    }
    case 1:                     /* [Rn, #-imm8] */
        steer_base(tc, rn, a, imm8, true, false);
        return t2_32(hw1 | rn, rt << 12 | 0xc00 | imm8);
    case 2:                     /* [Rn, #+/-imm8]! */
        steer_base(tc, rn, a, imm8, true, u);
        return t2_32(hw1 | rn, rt << 12 | 0xd00 | u << 9 | imm8);
    case 3:                     /* [Rn], #+/-imm8 */
        steer_base(tc, rn, a, imm8, false, u);
        return t2_32(hw1 | rn, rt << 12 | 0x900 | u << 9 | imm8);
    case 4: {                   /* [Rn, Rm, LSL #sh] */
        unsigned rm = pick_reg(g, T2_REGS & ~REG_BIT(rn)), sh = rng_below(g, 4);
        uint32_t index = rng_below(g, 256);
        tc->init.r[rm] = index;
        tc->init.r[rn] = a - (index << sh);
        return t2_32(hw1 | rn, rt << 12 | sh << 4 | rm);
    }
    case 5:                     /* LDRT & co: [Rn, #imm8] unprivileged */
        steer_base(tc, rn, a, imm8, true, true);
        return t2_32(hw1 | rn, rt << 12 | 0xe00 | imm8);
    default:                    /* [PC, #+/-imm12] */
        return t2_32(hw1 | u << 7 | 15, rt << 12 | rng_below(g, 4096));
    }
}

/* PLD, PLDW, PLI in their forms: no access, whatever the address. */
static struct t2i t2g_hint_mem(struct rng *g, struct test_case *tc)
{
    static const uint16_t ops[] = { 0xf810, 0xf830, 0xf910 };   /* PLD, PLDW, PLI */
    unsigned op = ops[rng_below(g, 3)], rn = pick_reg(g, T2_REGS | REG_BIT(13));
    (void)tc;
    switch (rng_below(g, 4)) {
    case 0:
        return t2_32(op | 0x80 | rn, 0xf000 | rng_below(g, 4096));
    case 1:
        return t2_32(op | rn, 0xfc00 | rng_below(g, 256));
    case 2:
        return t2_32(op | rn, 0xf000 | rng_below(g, 4) << 4 | t2_reg(g));
    default:                    /* literal (PLDW has none: PLD) */
        return t2_32((op == 0xf830 ? 0xf810 : op) | rng_bit(g) << 7 | 15,
                     0xf000 | rng_below(g, 4096));
    }
}

/* LDRD/STRD (immediate, and LDRD literal), A8.8.72/A8.8.210. */
static struct t2i t2g_ldrd(struct rng *g, struct test_case *tc)
{
    static const uint8_t pw[][2] = { { 1, 0 }, { 1, 1 }, { 0, 1 } };
    unsigned l = rng_bit(g), k = rng_below(g, 3), p = pw[k][0], w = pw[k][1];
    unsigned u = rng_bit(g), imm8 = rng_below(g, 256);
    unsigned rt = t2_reg(g), rt2 = pick_reg(g, T2_REGS & ~REG_BIT(rt));
    unsigned rn = pick_reg(g, (T2_REGS | REG_BIT(13)) & ~REG_BIT(rt) & ~REG_BIT(rt2));
    if (l && rng_below(g, 6) == 0)     /* LDRD literal */
        return t2_32(0xe95f | u << 7, rt << 12 | rt2 << 8 | imm8);
    uint32_t a = scratch_addr(g, 8, 4);
    steer_base(tc, rn, a, imm8 * 4, p, u);
    return t2_32(0xe840 | p << 8 | u << 7 | w << 5 | l << 4 | rn, rt << 12 | rt2 << 8 | imm8);
}

/* LDM/STM IA/DB with and without writeback, PUSH.W/POP.W (A6.3.5):
 * two or more registers, no SP; no PC here (t2g_ldm_pc). */
static struct t2i t2g_ldm(struct rng *g, struct test_case *tc)
{
    unsigned l = rng_bit(g), db = rng_bit(g), w = rng_bit(g);
    unsigned rn = pick_reg(g, T2_REGS | REG_BIT(13));
    uint32_t list;
    do {
        list = random_list(g, T2_REGS);
        if (w)
            list &= ~REG_BIT(rn);
    } while (__builtin_popcount(list) < 2);
    unsigned n = (unsigned)__builtin_popcount(list);
    uint32_t low = scratch_addr(g, 4 * n, 4);
    tc->init.r[rn] = db ? low + 4 * n : low;
    return t2_32(0xe800 | (db ? 0x100 : 0x080) | w << 5 | l << 4 | rn, list);
}

/* LDM/POP.W with the PC: interworks (LoadWritePC). */
static struct t2i t2g_ldm_pc(struct rng *g, struct test_case *tc)
{
    unsigned db = rng_bit(g), w = rng_bit(g);
    unsigned rn = pick_reg(g, T2_REGS | REG_BIT(13));
    uint32_t list = random_list(g, T2_REGS & ~REG_BIT(14)) | REG_BIT(15);
    if (w)
        list &= ~REG_BIT(rn);
    if (__builtin_popcount(list) < 2)
        list |= REG_BIT(pick_reg(g, T2_REGS & ~REG_BIT(14) & ~REG_BIT(rn)));
    unsigned n = (unsigned)__builtin_popcount(list);
    uint32_t low = scratch_addr(g, 4 * n, 4);
    tc->init.r[rn] = db ? low + 4 * n : low;
    add_poke(tc, low + 4 * (n - 1), interwork_target(g));
    return t2_32(0xe810 | (db ? 0x100 : 0x080) | w << 5 | rn, list);
}

/* LDR PC, [Rn, ...]: interworking load. */
static struct t2i t2g_ldr_pc(struct rng *g, struct test_case *tc)
{
    unsigned rn = pick_reg(g, T2_REGS | REG_BIT(13)), u = rng_bit(g);
    unsigned imm8 = rng_below(g, 64) * 4;
    uint32_t a = scratch_addr(g, 4, 4);
    add_poke(tc, a, interwork_target(g));
    switch (rng_below(g, 4)) {
    case 0: {
        unsigned imm12 = rng_below(g, 1024) * 4;
        steer_base(tc, rn, a, imm12, true, true);
        return t2_32(0xf8d0 | rn, 0xf000 | imm12);
    }
    case 1:
        steer_base(tc, rn, a, imm8, true, false);
        return t2_32(0xf850 | rn, 0xfc00 | imm8);
    case 2:
        steer_base(tc, rn, a, imm8, true, u);
        return t2_32(0xf850 | rn, 0xfd00 | u << 9 | imm8);
    default:
        steer_base(tc, rn, a, imm8, false, u);
        return t2_32(0xf850 | rn, 0xf900 | u << 9 | imm8);
    }
}

/* TBB [Rn, Rm] / TBH [Rn, Rm, LSL #1] with the table in the scratch page
 * (its random entries branch forward up to 128 KiB, still in RAM). */
static struct t2i t2g_tb(struct rng *g, struct test_case *tc)
{
    unsigned h = rng_bit(g), rn = t2_reg(g), rm = pick_reg(g, T2_REGS & ~REG_BIT(rn));
    uint32_t index = rng_below(g, 256);
    uint32_t a = scratch_addr(g, 2, h ? 2 : 1);
    tc->init.r[rm] = index;
    tc->init.r[rn] = a - (h ? 2 * index : index);
    return t2_32(0xe8d0 | rn, 0xf000 | h << 4 | rm);
}

/* ---- branches ---- */

/* B.W (T4) / BL / BLX (immediate) from addr to target (A8.8.18, A8.8.25). */
static struct t2i t2_branch_t4(uint32_t addr, uint32_t target, unsigned kind_bits)
{
    uint32_t base = kind_bits == 0xc000 ? ((addr + 4) & ~3u) : addr + 4;
    uint32_t off = target - base;
    unsigned s = (off >> 24) & 1, i1 = (off >> 23) & 1, i2 = (off >> 22) & 1;
    unsigned j1 = !(i1 ^ s), j2 = !(i2 ^ s);
    return t2_32(0xf000 | s << 10 | ((off >> 12) & 0x3ff),
                 kind_bits | j1 << 13 | j2 << 11 | ((off >> 1) & 0x7ff));
}

/* B<cond>.W (T3). */
static struct t2i t2_branch_t3(uint32_t addr, uint32_t target, unsigned cond)
{
    uint32_t off = target - (addr + 4);
    return t2_32(0xf000 | ((off >> 20) & 1) << 10 | cond << 6 | ((off >> 12) & 0x3f),
                 0x8000 | ((off >> 18) & 1) << 13 | ((off >> 19) & 1) << 11 |
                     ((off >> 1) & 0x7ff));
}

/* A branch from addr: B.W, B<cond>.W, BL, BLX, CBZ/CBNZ. With it_safe,
 * only the forms allowed as the last instruction of an IT block that stay
 * in Thumb state (B.W, BL). */
static struct t2i t2g_branch_at(struct rng *g, struct test_case *tc, uint32_t addr,
                                bool it_safe)
{
    switch (rng_below(g, it_safe ? 2 : 5)) {
    case 0:
        return t2_branch_t4(addr, code_target(g, 2), 0x9000);
    case 1:
        return t2_branch_t4(addr, code_target(g, 2), 0xd000);
    case 2:
        return t2_branch_t4(addr, code_target(g, 4), 0xc000);
    case 3:
        return t2_branch_t3(addr, code_target(g, 2), rng_below(g, 14));
    default: {                  /* CBZ/CBNZ Rn, forward 0..126 */
        unsigned rn = pick_reg(g, REGS_LOW), imm = rng_below(g, 64);
        tc->init.r[rn] = rng_bit(g) ? 0 : rng_value(g);
        return t2_16(0xb100 | rng_bit(g) << 11 | (imm >> 5) << 9 | (imm & 31) << 3 | rn);
    }
    }
}

static struct t2i t2g_branch(struct rng *g, struct test_case *tc)
{
    return t2g_branch_at(g, tc, tc->addr + tc->len, false);
}

/* ---- system ---- */

static bool t2_mode_has_spsr(const struct test_case *tc)
{
    return mode_has_spsr(tc->init.cpsr);
}

/* MRS, MSR (APSR/CPSR/SPSR fields), CPS (16 and 32 bit), SETEND. */
static struct t2i t2g_psr(struct rng *g, struct test_case *tc)
{
    unsigned rn = t2_reg(g);
    switch (rng_below(g, 7)) {
    case 0:
        return t2_32(0xf3ef, 0x8000 | t2_reg(g) << 8);                /* MRS Rd, APSR */
    case 1:
        if (!t2_mode_has_spsr(tc))
            return t2_32(0xf3ef, 0x8000 | t2_reg(g) << 8);
        return t2_32(0xf3ff, 0x8000 | t2_reg(g) << 8);                /* MRS Rd, SPSR */
    case 2: {                   /* MSR APSR_nzcvq / _g / _nzcvqg */
        static const uint8_t masks[] = { 8, 4, 12 };
        tc->init.r[rn] = rng_u32(g);
        return t2_32(0xf380 | rn, 0x8000 | masks[rng_below(g, 3)] << 8);
    }
    case 3: {                   /* MSR CPSR_<fields> with a valid mode */
        unsigned mask = 1 + rng_below(g, 15);
        tc->init.r[rn] = (rng_u32(g) & 0xf80f0300u) | (rng_u32(g) & (PSR_I | PSR_F)) |
                         valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))];
        /* exclusions[]: QEMU ignores E from User mode */
        if ((tc->init.cpsr & PSR_M_MASK) == MODE_USR)
            tc->init.r[rn] = (tc->init.r[rn] & ~PSR_E) | (tc->init.cpsr & PSR_E);
        return t2_32(0xf380 | rn, 0x8000 | mask << 8);
    }
    case 4:                     /* MSR SPSR_<fields> (modes with an SPSR) */
        if (!t2_mode_has_spsr(tc))
            return t2_16(0xbf00);
        tc->init.r[rn] = random_psr(g, true) | random_psr_v7_extra(g);
        return t2_32(0xf390 | rn, 0x8000 | (1 + rng_below(g, 15)) << 8);
    case 5:                     /* CPSIE/CPSID (16-bit), SETEND */
        if (rng_below(g, 3) == 0)
            return t2_16(0xb650 | rng_bit(g) << 3);
        return t2_16(0xb660 | rng_bit(g) << 4 | (1 + rng_below(g, 7)));
    default: {                  /* CPS.W */
        unsigned imod = rng_below(g, 3) ? 2 + rng_bit(g) : 0;
        unsigned m = imod ? rng_bit(g) : 1;
        unsigned aif = imod ? 1 + rng_below(g, 7) : 0;
        unsigned mode = m ? valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))] : 0;
        return t2_32(0xf3af, 0x8000 | imod << 9 | m << 8 | aif << 5 | mode);
    }
    }
}

/* Hints and barriers that complete at once on both sides (no YIELD, WFI,
 * WFE: exclusions[]); with in_it, no ISB (exclusions[]: QEMU loses
 * ITSTATE after an ISB inside an IT block). */
static struct t2i t2g_hint_in(struct rng *g, bool in_it)
{
    unsigned k = rng_below(g, 6);
    if (in_it && k == 4)
        k = 5;
    switch (k) {
    case 0:                     /* NOP, SEV, unallocated 16-bit hints */
        return t2_16(rng_bit(g) ? 0xbf00 | (5 + rng_below(g, 11)) << 4
                                : (rng_bit(g) ? 0xbf00 : 0xbf40));
    case 1:                     /* NOP.W, SEV.W, DBG, unallocated 32-bit hints */
        switch (rng_below(g, 4)) {
        case 0:
            return t2_32(0xf3af, 0x8000);
        case 1:
            return t2_32(0xf3af, 0x8004);
        case 2:
            return t2_32(0xf3af, 0x80f0 | rng_below(g, 16));
        default:
            return t2_32(0xf3af, 0x8005 + rng_below(g, 0xeb));
        }
    case 2:
        return t2_32(0xf3bf, 0x8f40 | rng_below(g, 16));              /* DSB */
    case 3:
        return t2_32(0xf3bf, 0x8f50 | rng_below(g, 16));              /* DMB */
    case 4:
        return t2_32(0xf3bf, 0x8f6f);                                 /* ISB */
    default:
        return t2_32(0xf3bf, 0x8f2f);                                 /* CLREX */
    }
}

static struct t2i t2g_hint(struct rng *g, struct test_case *tc)
{
    (void)tc;
    return t2g_hint_in(g, false);
}

/* MRS/MSR (banked register) to the modes both sides model. */
static struct t2i t2g_banked(struct rng *g, struct test_case *tc)
{
    static const uint8_t sysm_r0[] = { 0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14,
                                       16, 17, 18, 19, 20, 21, 22, 23 };
    static const uint8_t sysm_r1[] = { 14, 16, 18, 20, 22 };
    unsigned r = rng_below(g, 4) == 0;
    unsigned sysm = r ? sysm_r1[rng_below(g, ARRAY_SIZE(sysm_r1))]
                      : sysm_r0[rng_below(g, ARRAY_SIZE(sysm_r0))];
    unsigned reg = t2_reg(g);
    (void)tc;
    if (rng_bit(g))
        return t2_32(0xf3e0 | r << 4 | (sysm & 15), 0x8020 | reg << 8 | (sysm >> 4) << 4);
    return t2_32(0xf380 | r << 4 | reg, 0x8020 | (sysm & 15) << 8 | (sysm >> 4) << 4);
}

/* SUBS PC, LR, #imm8 (ERET for #0), SRS and RFE (Thumb forms). */
static struct t2i t2g_excret(struct rng *g, struct test_case *tc)
{
    switch (rng_below(g, 3)) {
    case 0: {
        unsigned imm8 = rng_bit(g) ? 0 : rng_below(g, 256);
        tc->init.spsr = random_psr(g, true) | random_psr_v7_extra(g);
        tc->init.r[14] = ((tc->init.spsr & PSR_T) ? code_target(g, 2) : code_target(g, 4)) +
                         imm8;
        return t2_32(0xf3de, 0x8f00 | imm8);
    }
    case 1: {                   /* SRSDB / SRSIA SP{!}, #mode */
        unsigned ia = rng_bit(g), w = rng_bit(g);
        uint32_t mode = valid_modes[rng_below(g, ARRAY_SIZE(valid_modes))];
        uint32_t lowest = scratch_addr(g, 8, 4);
        uint32_t sp = ia ? lowest : lowest + 8;
        if (bank_index(mode) == bank_index(tc->init.cpsr & PSR_M_MASK))
            tc->init.r[13] = sp;
        else
            tc->banks.r13[bank_index(mode)] = sp;
        return t2_32((ia ? 0xe98d : 0xe80d) | w << 5, 0xc000 | mode);
    }
    default: {                  /* RFEDB / RFEIA Rn{!} */
        unsigned ia = rng_bit(g), w = rng_bit(g), rn = t2_reg(g);
        uint32_t lowest = scratch_addr(g, 8, 4);
        uint32_t psr = random_psr(g, true) | random_psr_v7_extra(g);
        tc->init.r[rn] = ia ? lowest : lowest + 8;
        add_poke(tc, lowest, (psr & PSR_T) ? code_target(g, 2) : code_target(g, 4));
        add_poke(tc, lowest + 4, psr);
        return t2_32((ia ? 0xe990 : 0xe810) | w << 5 | rn, 0xc000);
    }
    }
}

/* ---- 16-bit ARMv6/ARMv7 additions ---- */

static struct t2i t2g_16_v7(struct rng *g, struct test_case *tc)
{
    unsigned rd = pick_reg(g, REGS_LOW), rm = pick_reg(g, REGS_LOW);
    tc->init.r[rm] = rng_media_value(g);
    switch (rng_below(g, 3)) {
    case 0:                     /* SXTH SXTB UXTH UXTB */
        return t2_16(0xb200 | rng_below(g, 4) << 6 | rm << 3 | rd);
    case 1: {                   /* REV REV16 REVSH */
        static const uint8_t ops[] = { 0, 1, 3 };
        return t2_16(0xba00 | ops[rng_below(g, 3)] << 6 | rm << 3 | rd);
    }
    default:
        return t2g_hint_in(g, true);
    }
}

/* ---- UNDEFINED ---- */

/* Encodings that UNDEF on both: UDF, the holes of the 32-bit groups, the
 * UNPREDICTABLE bit fields QEMU rejects too. */
static struct t2i t2g_undef(struct rng *g, struct test_case *tc)
{
    uint32_t r = rng_u32(g);
    unsigned rd = t2_reg(g), rn = t2_reg(g), rm = t2_reg(g);
    (void)tc;
    switch (rng_below(g, 9)) {
    case 0:
        return t2_16(0xde00 | (r & 0xff));                            /* UDF */
    case 1:
        return t2_32(0xf7f0 | (r & 0xf), 0xa000 | ((r >> 4) & 0xfff));  /* UDF.W */
    case 2: {                   /* modified immediate, unallocated op */
        static const uint8_t ops[] = { 5, 6, 7, 9, 0xc, 0xf };
        return t2_32(0xf000 | ops[rng_below(g, 6)] << 5 | (r & 0x41f), (r >> 16) & 0x7fff);
    }
    case 3: {                   /* shifted register, unallocated op (and PKH with S) */
        static const uint8_t ops[] = { 5, 7, 9, 0xc, 0xf };
        if (rng_bit(g))
            return t2_32(0xead0 | rn, (r & 0x70ff) | rd << 8);
        return t2_32(0xea00 | ops[rng_below(g, 5)] << 5 | (r & 0x1f), (r >> 16) & 0x7fff);
    }
    case 4: {                   /* BFI with msb < lsb; SBFX/UBFX past bit 31 */
        unsigned lsb = 1 + rng_below(g, 31);
        if (rng_bit(g))
            return t2_32(0xf360 | rn, t2_imm5_hw2(lsb) | rd << 8 | rng_below(g, lsb));
        return t2_32((rng_bit(g) ? 0xf3c0 : 0xf340) | rn,
                     t2_imm5_hw2(lsb) | rd << 8 | (32 - lsb + rng_below(g, lsb)));
    }
    case 5: {                   /* parallel add/subtract, unallocated op1/op2 */
        static const uint8_t op1s[] = { 3, 7 };
        if (rng_bit(g))
            return t2_32(0xfa80 | op1s[rng_bit(g)] << 4 | rn,
                         0xf000 | rd << 8 | rng_below(g, 8) << 4 | rm);
        return t2_32(0xfa80 | rng_below(g, 8) << 4 | rn,
                     0xf000 | rd << 8 | (rng_bit(g) ? 3 : 7) << 4 | rm);
    }
    case 6:                     /* loads with size 11 */
        return t2_32(0xf870 | (r & 0x18f), (r >> 16) & 0xffff);
    case 7: {                   /* exclusive/table-branch group holes */
        static const uint8_t op3s[] = { 0x2, 0x3, 0x6, 0x8, 0xf };
        return t2_32(0xe8c0 | rng_bit(g) << 4 | rn,
                     (r & 0xff00) | op3s[rng_below(g, 5)] << 4 | rm);
    }
    default: {                  /* long multiply / divide holes */
        static const uint8_t forms[][2] = { { 0x8, 0x1 }, { 0xa, 0x8 }, { 0x9, 0x0 },
                                            { 0xb, 0x3 }, { 0xe, 0x1 }, { 0xf, 0x0 } };
        unsigned k = rng_below(g, ARRAY_SIZE(forms));
        return t2_32(0xfb00 | forms[k][0] << 4 | rn, (r & 0xff00) | forms[k][1] << 4 | rm);
    }
    }
}

/* ---- IT blocks ---- */

/* Templates that may sit inside an IT block (no exception with the
 * condition passing, no PC write, no flag-independent UNDEF). */
static struct t2i (*const t2_it_members[])(struct rng *, struct test_case *) = {
    t2g_dp_imm, t2g_dp_imm, t2g_dp_reg, t2g_dp_reg, t2g_pbi, t2g_dp_regreg, t2g_mul,
    t2g_16_v7,
};

/* The 16-bit data-processing forms (flag setting depends on InITBlock). */
static struct t2i t2g_16_dp(struct rng *g, struct test_case *tc)
{
    unsigned rd = pick_reg(g, REGS_LOW), rn = pick_reg(g, REGS_LOW);
    unsigned rm = pick_reg(g, REGS_LOW);
    switch (rng_below(g, 5)) {
    case 0:                     /* LSL/LSR/ASR #imm (MOVS Rd, Rm for LSL #0) */
        return t2_16(rng_below(g, 3) << 11 | t2_imm5(g) << 6 | rm << 3 | rd);
    case 1:                     /* ADD/SUB register / imm3 */
        return t2_16(0x1800 | rng_below(g, 4) << 9 | rm << 6 | rn << 3 | rd);
    case 2:                     /* MOV/CMP/ADD/SUB #imm8 */
        return t2_16(0x2000 | rng_below(g, 4) << 11 | rd << 8 | rng_below(g, 256));
    case 3:                     /* AND ... MVN (MUL with Rd != Rm not needed on v7) */
        tc->init.r[rm] = rng_bit(g) ? rng_shift_value(g) : tc->init.r[rm];
        return t2_16(0x4000 | rng_below(g, 16) << 6 | rm << 3 | rd);
    default: {                  /* ADD/CMP/MOV with high registers, no PC */
        unsigned op = rng_below(g, 3), dn = pick_reg(g, T2_REGS), m = pick_reg(g, T2_REGS);
        if (op == 1 && dn < 8 && m < 8)
            m = 8 + rng_below(g, 5);        /* CMP needs a high register */
        return t2_16(0x4400 | op << 8 | (dn >> 3) << 7 | m << 3 | (dn & 7));
    }
    }
}

/*
 * IT{x{y{z}}} <cond> and its block: 1-4 instructions from t2_it_members and
 * the 16-bit data-processing forms; the first may be a load or store (its
 * base is steered last, so the others' operand set-up cannot move it, and
 * nothing runs before it), the last may be B.W or BL. Sometimes a failing
 * UDF, whose condition the initial flags already decide, sits first.
 *
 * unicorn counts only the block instructions whose condition passes (its
 * count hook sits behind the condition test), armhv counts every one, as
 * the architecture retires them. Both run 1 + n "instructions": unicorn
 * spends what is left in the trailing "b .", where armhv stops too, and a
 * final branch goes to that trailer, so the spare count never runs
 * anything else.
 */
static void gen_t2_it(struct rng *g, struct test_case *tc)
{
    tc->multi = true;
    unsigned n = 1 + rng_below(g, 4);
    unsigned firstcond = rng_below(g, 15);       /* 1111 is UNPREDICTABLE */
    unsigned mask = 0;
    /* Then/else bits (AL allows only "then"), then the terminating 1. */
    for (unsigned i = 1; i < n; i++)
        mask |= (firstcond == COND_AL ? (firstcond & 1) : rng_bit(g)) << (4 - i);
    mask |= 1u << (4 - n);
    t2_append(tc, t2_16(0xbf00 | firstcond << 4 | mask));

    struct t2i body[4];
    bool mem_first = rng_below(g, 4) == 0, udf_first = false;
    bool branch_last = rng_below(g, 6) == 0;
    for (unsigned i = 0; i < n; i++) {
        if (rng_below(g, 3) == 0)
            body[i] = t2g_16_dp(g, tc);
        else
            body[i] = t2_it_members[rng_below(g, ARRAY_SIZE(t2_it_members))](g, tc);
    }
    if (!mem_first && firstcond != COND_AL && rng_below(g, 5) == 0) {
        /* the initial flags fail firstcond: the UDF is skipped */
        unsigned nzcv;
        do
            nzcv = rng_below(g, 16);
        while (t2_cond_holds(firstcond, nzcv));
        tc->init.cpsr = (tc->init.cpsr & ~0xf0000000u) | nzcv << 28;
        body[0] = rng_bit(g) ? t2_16(0xde00 | rng_below(g, 256))
                             : t2_32(0xf7f0, 0xa000 | rng_below(g, 4096));
        udf_first = true;
    }
    if (mem_first && !udf_first)
        body[0] = rng_bit(g) ? t2g_ldst(g, tc) : t2g_ldrd(g, tc);
    for (unsigned i = 0; i < n; i++) {
        if (branch_last && i == n - 1) {
            /* To the trailer ("b ." twice): see the comment above. */
            uint32_t here = tc->addr + tc->len, target = here + 4 + 2 * rng_bit(g);
            t2_append(tc, t2_branch_t4(here, target, rng_bit(g) ? 0x9000 : 0xd000));
            break;
        }
        t2_append(tc, body[i]);
    }
}

/*
 * Starting inside an IT block, as after an exception return into one: the
 * initial CPSR holds ITSTATE (firstcond:mask advanced past 0-2
 * instructions) and the case runs the rest of the block.
 */
static void gen_t2_it_resume(struct rng *g, struct test_case *tc)
{
    tc->multi = true;
    unsigned firstcond = rng_below(g, 14), n = 2 + rng_below(g, 3), mask = 0;
    for (unsigned i = 1; i < n; i++)
        mask |= rng_bit(g) << (4 - i);
    mask |= 1u << (4 - n);
    unsigned it = firstcond << 4 | mask, skip = 1 + rng_below(g, n - 1);
    for (unsigned i = 0; i < skip; i++)
        it = (it & 7) ? (it & 0xe0) | ((it << 1) & 0x1f) : 0;
    tc->init.cpsr = (tc->init.cpsr & ~(PSR_IT_LO_MASK | PSR_IT_HI_MASK)) |
                    (it & 3) << 25 | (it >> 2) << 10;
    for (unsigned i = skip; i < n; i++) {
        if (rng_below(g, 3) == 0)
            t2_append(tc, t2g_16_dp(g, tc));
        else
            t2_append(tc, t2_it_members[rng_below(g, ARRAY_SIZE(t2_it_members))](g, tc));
    }
}

/*
 * A straight-line mix of 16- and 32-bit instructions, sometimes starting so
 * that one 32-bit instruction straddles the end of the code page (its
 * second halfword is fetched from the next page).
 */
static void gen_t2_seq(struct rng *g, struct test_case *tc)
{
    tc->multi = true;
    unsigned n = 2 + rng_below(g, 7);
    if (rng_below(g, 3) == 0) {
        /* k 16-bit instructions, then a 32-bit one at the page's last
         * halfword (restore_code rewrites 8 bytes past the page) */
        unsigned k = rng_below(g, 3);
        tc->addr = PAGE_END_ADDR - 2 * k;
        for (unsigned i = 0; i < k; i++)
            t2_append(tc, t2g_16_dp(g, tc));
        struct t2i wide;
        do
            wide = t2_it_members[rng_below(g, ARRAY_SIZE(t2_it_members))](g, tc);
        while (wide.n != 2);
        t2_append(tc, wide);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        if (rng_bit(g))
            t2_append(tc, t2g_16_dp(g, tc));
        else
            t2_append(tc, t2_it_members[rng_below(g, ARRAY_SIZE(t2_it_members))](g, tc));
    }
}

/* ---- the classes ---- */

#define T2_CLASS_FN(name)                                          \
    static void gen_t2_##name(struct rng *g, struct test_case *tc) \
    {                                                              \
        t2_append(tc, t2g_##name(g, tc));                          \
    }
T2_CLASS_FN(dp_imm)
T2_CLASS_FN(dp_reg)
T2_CLASS_FN(pbi)
T2_CLASS_FN(dp_regreg)
T2_CLASS_FN(mul)
T2_CLASS_FN(ldst)
T2_CLASS_FN(hint_mem)
T2_CLASS_FN(ldrd)
T2_CLASS_FN(ldm)
T2_CLASS_FN(ldm_pc)
T2_CLASS_FN(ldr_pc)
T2_CLASS_FN(tb)
T2_CLASS_FN(branch)
T2_CLASS_FN(psr)
T2_CLASS_FN(hint)
T2_CLASS_FN(banked)
T2_CLASS_FN(excret)
T2_CLASS_FN(16_v7)
T2_CLASS_FN(16_dp)
T2_CLASS_FN(undef)

/*
 * LDREX{,B,H,D} then STREX of the same size: to the tagged address, to
 * another one, with CLREX between; or CLREX then STREX alone (as the
 * a15 set's exclusive class: every case sets the monitor first).
 */
static void gen_t2_excl(struct rng *g, struct test_case *tc)
{
    static const unsigned sizes[] = { 4, 1, 2, 8 };
    unsigned k = rng_below(g, 4), size = sizes[k];
    unsigned rn = t2_reg(g);
    unsigned rt = pick_reg(g, T2_REGS & ~REG_BIT(rn));
    unsigned rt2 = pick_reg(g, T2_REGS & ~REG_BIT(rn) & ~REG_BIT(rt));
    unsigned st = t2_reg(g), st2 = pick_reg(g, T2_REGS & ~REG_BIT(st));
    unsigned rd = pick_reg(g, T2_REGS & ~REG_BIT(rn) & ~REG_BIT(st) & ~REG_BIT(st2));
    unsigned imm8 = size == 4 ? rng_below(g, 4) : 0;
    tc->init.r[rn] = scratch_addr(g, 32, 8) + rng_below(g, 2) * size;
    struct t2i ldrex, strex, clrex = t2_32(0xf3bf, 0x8f2f);
    static const uint8_t op3[] = { 0, 4, 5, 7 };
    if (size == 4) {
        ldrex = t2_32(0xe850 | rn, rt << 12 | 0xf00 | imm8);
        strex = t2_32(0xe840 | rn, st << 12 | rd << 8 | imm8);
    } else {
        ldrex = t2_32(0xe8d0 | rn, rt << 12 | (size == 8 ? rt2 : 15u) << 8 | op3[k] << 4 | 15);
        strex = t2_32(0xe8c0 | rn, st << 12 | (size == 8 ? st2 : 15u) << 8 | op3[k] << 4 | rd);
    }
    switch (rng_below(g, 5)) {
    case 0:
    case 1:
        t2_append(tc, ldrex);
        t2_append(tc, strex);
        break;
    case 2:                     /* another address: add.w rn, rn, #size */
        t2_append(tc, ldrex);
        t2_append(tc, t2_32(0xf100 | rn, rn << 8 | size));
        t2_append(tc, strex);
        break;
    case 3:
        t2_append(tc, ldrex);
        t2_append(tc, clrex);
        t2_append(tc, strex);
        break;
    default:
        t2_append(tc, clrex);
        t2_append(tc, strex);
        break;
    }
}

#define T2_CLASSES(X) \
    X(t2_dp_imm,         "t2-dp-imm",      10, CF_ANYMODE) \
    X(t2_dp_reg,         "t2-dp-reg",      10, CF_ANYMODE) \
    X(t2_pbi,            "t2-plain-imm",    6, CF_ANYMODE) \
    X(t2_dp_regreg,      "t2-dp-register",  8, CF_ANYMODE) \
    X(t2_mul,            "t2-mul-div",      6, CF_ANYMODE) \
    X(t2_ldst,           "t2-ldst",         8, CF_ANYMODE | CF_MEM) \
    X(t2_hint_mem,       "t2-pld-pli",      1, CF_ANYMODE) \
    X(t2_ldrd,           "t2-ldrd-strd",    3, CF_ANYMODE | CF_MEM) \
    X(t2_ldm,            "t2-ldm-stm",      3, CF_ANYMODE | CF_MEM) \
    X(t2_ldm_pc,         "t2-ldm-pc",       1, CF_ANYMODE | CF_MEM) \
    X(t2_ldr_pc,         "t2-ldr-pc",       1, CF_ANYMODE | CF_MEM) \
    X(t2_tb,             "t2-tbb-tbh",      2, CF_ANYMODE | CF_MEM) \
    X(t2_excl,           "t2-exclusive",    3, CF_ANYMODE | CF_MEM) \
    X(t2_branch,         "t2-branch",       3, CF_ANYMODE) \
    X(t2_psr,            "t2-msr-mrs-cps",  3, CF_ANYMODE | CF_BANKS) \
    X(t2_hint,           "t2-hints",        1, CF_ANYMODE) \
    X(t2_banked,         "t2-banked",       2, CF_ANYMODE | CF_BANKS) \
    X(t2_excret,         "t2-excret",       2, CF_PRIV | CF_MEM | CF_BANKS) \
    X(t2_16_v7,          "t2-16-v6",        2, CF_ANYMODE) \
    X(t2_16_dp,          "t2-16-dp",        3, CF_ANYMODE) \
    X(t2_undef,          "t2-undef",        2, CF_ANYMODE) \
    X(t2_it,             "t2-it-block",    12, CF_ANYMODE | CF_MEM) \
    X(t2_it_resume,      "t2-it-resume",    3, CF_ANYMODE) \
    X(t2_seq,            "t2-seq",          4, CF_ANYMODE) \
    X(t_ldst_reg,        "t-ldst-reg",      1, CF_ANYMODE | CF_MEM) \
    X(t_ldst_imm,        "t-ldst-imm",      1, CF_ANYMODE | CF_MEM) \
    X(t_push_pop,        "t-push-pop",      1, CF_ANYMODE | CF_MEM) \
    X(t_ldm_stm,         "t-ldmia-stmia",   1, CF_ANYMODE | CF_MEM) \
    X(t_bx,              "t-bx-blx",        1, CF_ANYMODE) \
    X(t_bcond,           "t-bcond",         1, CF_ANYMODE) \
    X(t_svc_bkpt,        "t-svc-bkpt",      1, CF_ANYMODE)

static const struct insn_class t2_classes[] = { T2_CLASSES(CLASS_THUMB) };

#endif
