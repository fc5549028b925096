/*
 * The floating-point sets of unicorn-diff on armhv's Cortex-A15 against
 * unicorn's (QEMU 5.0's cortex-a15): VFPv4 data processing (vfp),
 * transfers, extension register loads/stores, sequences, self-modifying
 * code and VFP/NEON inside Thumb IT blocks (fp-misc), Advanced SIMD data processing (neon) and
 * element/structure loads and stores (neon-ldst). Included once by
 * unicorn_diff.c after the t2 set; all static, using that file's helpers
 * (rng_*, pick_reg, scratch_addr, ...).
 *
 * Every case enables the unit on both sides (CPACR.cp10/cp11 = full
 * access, ARM ARM DDI 0406C B4.1.40; FPEXC.EN = 1 but in 1 case of 32)
 * and starts from random D0-D31 and a random FPSCR (fp_random_state);
 * after the one instruction r0-r15, the CPSR, all of D0-D31, the whole
 * FPSCR (NZCV, QC, the cumulative exception bits) and FPEXC are compared.
 * Encodings come from the raw instruction spaces, with random bits
 * everywhere the space allows, so UNDEFINED encodings are compared too
 * (both must UNDEF):
 *
 *   VFP data processing    cond 1110 xxxx xxxx xxxx 101x xxx0 xxxx  (A7.5)
 *   8/16/32-bit transfers  cond 1110 xxxx xxxx xxxx 101x xxx1 xxxx  (A7.8)
 *   64-bit transfers       cond 1100 010x xxxx xxxx 101x xxxx xxxx  (A7.9)
 *   VLDR ... VSTM          cond 110x xxxx xxxx xxxx 101x xxxx xxxx  (A7.6)
 *   Advanced SIMD DP       1111 001x xxxx ...                       (A7.4)
 *   element/structure      1111 0100 xxx0 ...                       (A7.7)
 *
 * A quarter of the cases use the Thumb-2 encoding of the same instruction
 * (A32 bits 23:0 with 111U 1111 / 1111 1001 / 1110 1110 on top, A7.4,
 * A7.7), so the Thumb decoder's hand-over is covered too. An encoding that
 * an exclusion matches (fp_excluded) is drawn again.
 */
#ifndef TESTS_DIFF_UNICORN_DIFF_VFP_H
#define TESTS_DIFF_UNICORN_DIFF_VFP_H

#include "cpu/vfp.h"

/* CPACR with cp10 and cp11 at full access (B4.1.40). */
#define FP_CPACR (0xfu << CPACR_CP10_SHIFT)

/* ---- operand values ---- */

/* Single-precision values where the arithmetic changes behaviour. */
static const uint32_t f32_edge[] = {
    0x00000000, 0x80000000,                          /* zeros */
    0x00000001, 0x80000001, 0x007fffff, 0x807fffff,  /* denormals */
    0x00400000, 0x00000003,
    0x00800000, 0x80800000, 0x00800001,              /* smallest normals */
    0x7f7fffff, 0xff7fffff, 0x7f000000,              /* largest */
    0x7f800000, 0xff800000,                          /* infinities */
    0x7fc00000, 0xffc00000, 0x7fc00001, 0xffd55555,  /* quiet NaNs */
    0x7f800001, 0xff800001, 0x7fbfffff, 0x7fa00000,  /* signalling NaNs */
    0x3f800000, 0xbf800000, 0x40000000, 0x3f000000,  /* +-1, 2, 0.5 */
    0xbf000000, 0x3fc00000, 0x40400000, 0x3effffff, 0x3f000001,
    0x4b000000, 0x4b7fffff, 0x4b800000,              /* 2^23, 2^24: integer edges */
    0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001,  /* +-2^31 */
    0x4f7fffff, 0x4f800000, 0xbf7fffff,              /* 2^32, just above -1 */
    0x477fe000, 0x477ff000, 0x47800000,              /* half-precision max, overflow */
    0x38800000, 0x387fc000, 0x33800000, 0x33000000,  /* half min normal, denormal */
    0x1e3c1234, 0x5e3c1234,                          /* squares under/overflow */
};

static const uint64_t f64_edge[] = {
    0x0000000000000000ull, 0x8000000000000000ull,
    0x0000000000000001ull, 0x800fffffffffffffull, 0x0008000000000000ull,
    0x0010000000000000ull, 0x8010000000000000ull,
    0x7fefffffffffffffull, 0xffefffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull,
    0x7ff8000000000000ull, 0xfff8000000000001ull, 0x7ff8123456789abcull,
    0x7ff0000000000001ull, 0xfff4000000000000ull, 0x7ff7ffffffffffffull,
    0x3ff0000000000000ull, 0xbff0000000000000ull, 0x4000000000000000ull,
    0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x3fdfffffffffffffull,
    0x41dfffffffc00000ull, 0x41e0000000000000ull, 0xc1e0000000000000ull,  /* 2^31 */
    0xc1e0000000200000ull, 0x41efffffffe00000ull, 0x41f0000000000000ull,  /* 2^32 */
    0x47efffffe0000000ull, 0x47effffff0000000ull, 0x47f0000000000000ull,  /* f32 max */
    0x3810000000000000ull, 0x380fffffffffffffull, 0x380ffffff0000000ull,  /* f32 min */
    0x36a0000000000000ull, 0x3690000000000000ull, 0x36a8000000000000ull,  /* f32 denormal */
    0x40effc0000000000ull, 0x40effe0000000000ull, 0x3f10000000000000ull,  /* half */
};

/* A single-precision value: an edge, or a random one near the interesting
 * exponents (zero/denormal, around 1, integer limits, huge, Inf/NaN). */
static uint32_t rng_f32(struct rng *g)
{
    static const uint8_t exps[] = { 0x00, 0x01, 0x67, 0x70, 0x71, 0x7e, 0x7f, 0x80,
                                    0x8e, 0x96, 0x9d, 0x9e, 0x9f, 0xfd, 0xfe, 0xff };
    if (rng_bit(g))
        return f32_edge[rng_below(g, ARRAY_SIZE(f32_edge))];
    uint32_t mant = rng_u32(g) & 0x7fffff;
    switch (rng_below(g, 4)) {
    case 0:
        mant &= 0x7f0000;   /* few significant bits: exact results */
        break;
    case 1:
        mant |= 0x7fff00;   /* near the next binade: rounding carries */
        break;
    default:
        break;
    }
    uint32_t exp = rng_below(g, 4) ? exps[rng_below(g, ARRAY_SIZE(exps))] : rng_below(g, 256);
    return (rng_u32(g) & 0x80000000u) | exp << 23 | mant;
}

static uint64_t rng_f64(struct rng *g)
{
    static const uint16_t exps[] = { 0x000, 0x001, 0x368, 0x369, 0x36a, 0x380, 0x381,
                                     0x3fe, 0x3ff, 0x400, 0x41d, 0x41e, 0x41f, 0x47e,
                                     0x47f, 0x7fe, 0x7ff };
    if (rng_bit(g))
        return f64_edge[rng_below(g, ARRAY_SIZE(f64_edge))];
    uint64_t mant = ((uint64_t)rng_u32(g) << 32 | rng_u32(g)) & 0x000fffffffffffffull;
    switch (rng_below(g, 4)) {
    case 0:
        mant &= 0x000ff00000000000ull;
        break;
    case 1:
        mant |= 0x000fffffff000000ull;   /* rounds up into the next binade as an f32 */
        break;
    default:
        break;
    }
    uint64_t exp = rng_below(g, 4) ? exps[rng_below(g, ARRAY_SIZE(exps))] : rng_below(g, 2048);
    return (uint64_t)(rng_u32(g) & 0x80000000u) << 32 | exp << 52 | mant;
}

/* Integer lanes of 8, 16, 32 or 64 bits at the values where saturating,
 * halving and narrowing arithmetic changes behaviour. */
static uint64_t rng_int_lanes(struct rng *g)
{
    unsigned esize = 8u << rng_below(g, 4);
    uint64_t mask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    uint64_t smax = mask >> 1, v = 0;
    for (unsigned pos = 0; pos < 64; pos += esize) {
        uint64_t lane;
        switch (rng_below(g, 8)) {
        case 0: lane = 0; break;
        case 1: lane = 1; break;
        case 2: lane = smax; break;            /* signed max */
        case 3: lane = smax + 1; break;        /* signed min */
        case 4: lane = mask; break;            /* -1 / unsigned max */
        case 5: lane = smax - 1 + rng_below(g, 4); break;
        case 6: lane = (uint64_t)(int64_t)((int)rng_below(g, 16) - 8); break;
        default: lane = (uint64_t)rng_u32(g) << 32 | rng_u32(g); break;
        }
        v |= (lane & mask) << pos;
    }
    return v;
}

/* One D register: random bits, two singles, a double, integer lanes, or
 * bytes that make sensible shift counts (VSHL/VQRSHL by register). */
static uint64_t rng_dreg(struct rng *g)
{
    switch (rng_below(g, 8)) {
    case 0:
    case 1:
        return (uint64_t)rng_u32(g) << 32 | rng_u32(g);
    case 2:
    case 3:
        return (uint64_t)rng_f32(g) << 32 | rng_f32(g);
    case 4:
        return rng_f64(g);
    case 5:
    case 6:
        return rng_int_lanes(g);
    default: {
        uint64_t v = 0;
        for (unsigned i = 0; i < 8; i++)
            v |= (uint64_t)(uint8_t)((int)rng_below(g, 80) - 40) << (8 * i);
        return v;
    }
    }
}

/*
 * The FPSCR a case starts with: a quarter of the time 0 (round to
 * nearest, IEEE mode), else random NZCV, QC, DN, FZ, rounding mode and
 * cumulative exception bits (AHP now and then), so that both the modes
 * and the stickiness of the flags are exercised. LEN/STRIDE (short
 * vectors, which neither core has) are set in 1 case of 64: every VFP
 * data-processing instruction must then UNDEF.
 */
static uint32_t rng_fpscr(struct rng *g)
{
    if (!rng_below(g, 4))
        return 0;
    uint32_t v = rng_u32(g) & (FPSCR_NZCV | FPSCR_QC | FPSCR_RMODE_MASK);
    if (!rng_below(g, 8))
        v |= FPSCR_AHP;
    if (!rng_below(g, 3))
        v |= FPSCR_DN;
    if (!rng_below(g, 3))
        v |= FPSCR_FZ;
    if (rng_bit(g))
        v |= rng_u32(g) & FPSCR_CUMULATIVE;
    if (!rng_below(g, 64))
        v |= rng_u32(g) & (FPSCR_LEN_MASK | FPSCR_STRIDE_MASK);
    return v;
}

static void fp_random_state(struct rng *g, struct fp_state *fp)
{
    for (unsigned i = 0; i < 32; i++)
        fp->d[i] = rng_dreg(g);
    fp->fpscr = rng_fpscr(g);
    /* now and then the unit is off (FPEXC.EN = 0): everything but VMRS/VMSR
     * of FPSID, MVFRx and FPEXC at PL1 UNDEFs (B6.1.9). CPACR stays at full
     * access (see exclusions[]). */
    fp->fpexc = rng_below(g, 32) ? FPEXC_EN : 0;
}

/* ---- encodings ---- */

/*
 * Places an A32 encoding, or a quarter of the time its T32 form: the
 * case switches to Thumb state (CPSR.T, sometimes a halfword-aligned
 * address). Thumb VFP has no condition outside an IT block, so only
 * unconditional A32 VFP encodings are converted.
 */
enum fp_space { FP_VFP, FP_NEON_DP, FP_NEON_LDST };

/* Whether the case goes Thumb: a quarter of those that can (cond = AL). */
static bool fp_pick_thumb(struct rng *g, uint32_t cond)
{
    return !rng_below(g, 4) && cond == (uint32_t)COND_AL << 28;
}

static void put_fp_insn_as(struct rng *g, struct test_case *tc, uint32_t a32,
                           enum fp_space space, bool thumb)
{
    if (!thumb) {
        put_arm(tc, a32);
        return;
    }
    uint32_t t32;
    if (space == FP_NEON_DP)
        t32 = 0xef000000u | (a32 & (1u << 24)) << 4 | (a32 & 0x00ffffffu);
    else if (space == FP_NEON_LDST)
        t32 = 0xf9000000u | (a32 & 0x00ffffffu);
    else
        t32 = 0xe0000000u | (a32 & 0x0fffffffu);
    tc->thumb = true;
    tc->init.cpsr |= PSR_T;
    tc->addr = rng_bit(g) ? CASE_ADDR + 2 : CASE_ADDR;
    put_thumb_pair(tc, (uint16_t)(t32 >> 16), (uint16_t)t32);
}

static void put_fp_insn(struct rng *g, struct test_case *tc, uint32_t a32, enum fp_space space)
{
    uint32_t cond = space == FP_VFP ? a32 & 0xf0000000u : (uint32_t)COND_AL << 28;
    put_fp_insn_as(g, tc, a32, space, fp_pick_thumb(g, cond));
}

/*
 * The encodings the generators draw again, each an exclusions[] entry
 * ("... (fp)"): an UNPREDICTABLE case of the ARM ARM, or a proven
 * deviation of QEMU 5.0 from it. Returns NULL when the encoding is kept.
 */

/* VFP data processing (A7.5). */
static const char *vfp_dp_excluded(uint32_t insn)
{
    unsigned opc1 = bits32(insn, 20, 2) | bit32(insn, 23) << 2;
    unsigned opc2 = bits32(insn, 16, 4);
    bool other = opc1 == 7 && bit32(insn, 6);
    if (other && (opc2 & 0xa) == 0xa) {
        unsigned size = bit32(insn, 7) ? 32 : 16;
        if ((bits32(insn, 0, 4) << 1 | bit32(insn, 5)) > size)
            return "VCVT fixed <-> floating with more than size fraction bits";
    }
    return NULL;
}

/* 64-bit transfers (A7.9), MCRR/MRRC on cp10/cp11. */
static const char *vfp_xfer64_excluded(uint32_t insn)
{
    bool single = !bit32(insn, 8);
    unsigned m = single ? bits32(insn, 0, 4) << 1 | bit32(insn, 5) : 0;
    if (single && m == 31 && (bits32(insn, 4, 4) & 0xd) == 1)
        return "VMOV two singles <-> two core registers with Sm = S31";
    if (bit32(insn, 20) && bits32(insn, 12, 4) == bits32(insn, 16, 4))
        return "VMOV to two core registers with Rt == Rt2";
    return NULL;
}

static const char *vfp_excluded(uint32_t insn)
{
    if ((insn & 0x0fe00000u) == 0x0c400000u)
        return vfp_xfer64_excluded(insn);
    if ((insn & 0x0f000010u) == 0x0e000000u)
        return vfp_dp_excluded(insn);
    return NULL;
}

/* Advanced SIMD data processing, A32 form (A7.4). */
static const char *neon_dp_excluded(uint32_t insn)
{
    const bool u = bit32(insn, 24);
    const unsigned a = bits32(insn, 8, 4);
    const unsigned d = bit32(insn, 22) << 4 | bits32(insn, 12, 4);
    const unsigned m = bit32(insn, 5) << 4 | bits32(insn, 0, 4);

    if (!bit32(insn, 23)) {
        /* three registers of the same length (A7.4.1, Table A7-9) */
        if (a == 0xd && bit32(insn, 4) && u && bit32(insn, 21))
            return "VMUL.F32 space with sz<1> set (U=1, A=1101, B=1, C=1x)";
        return NULL;
    }
    bool size3 = bits32(insn, 20, 2) == 3;
    if (!size3 && !bit32(insn, 6) && !bit32(insn, 4)) {
        /* three registers of different lengths (A7.4.2, Table A7-10) */
        if (u && a == 0xd)
            return "VQDMULL with U=1";
        return NULL;
    }
    if (size3 && u && !bit32(insn, 11) && !bit32(insn, 4)) {
        /* two registers, miscellaneous (A7.4.5, Table A7-13): A=10, B=000xx..0011x */
        if (bits32(insn, 16, 2) == 2 && bits32(insn, 7, 4) <= 3 && d == m)
            return "VSWP/VTRN/VUZP/VZIP with Vd == Vm";
    }
    return NULL;
}

/*
 * Element and structure loads/stores, A32 form (A7.7): the last register
 * of the list, for the UNPREDICTABLE "past D31" check that every VLDn/VSTn
 * has (A8.8.320 ff.: "if n == 15 || d+regs > 32 then UNPREDICTABLE" and
 * the d2/d3/d4 forms). Encodings that UNDEF anyway count as in range.
 */
static unsigned neon_ldst_last_reg(uint32_t insn)
{
    const unsigned d = bit32(insn, 22) << 4 | bits32(insn, 12, 4);
    if (!bit32(insn, 23)) {
        /* multiple structures: type = bits 11:8 -> registers, interleave, spacing */
        static const struct {
            unsigned char regs, n, inc;
        } types[11] = {
            { 1, 4, 1 }, { 1, 4, 2 }, { 4, 1, 1 }, { 2, 2, 2 }, { 1, 3, 1 }, { 1, 3, 2 },
            { 3, 1, 1 }, { 1, 1, 1 }, { 1, 2, 1 }, { 1, 2, 2 }, { 2, 1, 1 },
        };
        unsigned type = bits32(insn, 8, 4);
        if (type > 10)
            return d;
        /* VLD2 0011 is two pairs {d, d+1, d+2, d+3}: regs 2, n 2, inc 2 */
        return d + (types[type].n - 1) * types[type].inc + types[type].regs - 1;
    }
    unsigned n = bits32(insn, 8, 2) + 1;   /* VLD1..VLD4 */
    unsigned size = bits32(insn, 10, 2);
    unsigned inc;
    if (size == 3) {
        /* to all lanes: T (bit 5) is the register count (VLD1) or the spacing */
        if (n == 1)
            return d + bit32(insn, 5);
        inc = bit32(insn, 5) ? 2 : 1;
    } else {
        /* one lane: index_align (bits 7:4) holds the spacing for 16/32-bit lanes */
        inc = size == 0 ? 1 : size == 1 ? (bit32(insn, 5) ? 2 : 1) : (bit32(insn, 6) ? 2 : 1);
    }
    return d + (n - 1) * inc;
}

static const char *neon_ldst_excluded(uint32_t insn)
{
    if (neon_ldst_last_reg(insn) > 31)
        return "VLDn/VSTn with a register list past D31";
    return NULL;
}

static const char *fp_excluded(uint32_t insn, enum fp_space space)
{
    switch (space) {
    case FP_VFP:
        return vfp_excluded(insn);
    case FP_NEON_DP:
        return neon_dp_excluded(insn);
    default:
        return neon_ldst_excluded(insn);
    }
}

/*
 * The VFP data-processing instructions that short vectors iterate over
 * (VMLA ... VDIV, VFMA ..., VMOV, VABS, VNEG, VSQRT); the others (VCMP,
 * the VCVTs) are always scalar (DDI 0406C, the "VFP vectors" checks in
 * each instruction's pseudocode).
 */
static bool vfp_dp_is_vector_capable(uint32_t insn)
{
    unsigned opc1 = bits32(insn, 20, 2) | bit32(insn, 23) << 2;
    return opc1 != 7 || !bit32(insn, 6) || bits32(insn, 16, 4) <= 1;
}

/* VFP data processing, any condition (A7.5): opc1, opc2, opc3, sz and
 * every register field random; bit 4 (CDP vs. MCR) stays 0. A third of
 * the cases are in the "other" group (opc1 = 1x11, opc3 = x1: VABS ...
 * VCVT), which the raw space would give only 1 in 16. */
static void gen_vfp_dp(struct rng *g, struct test_case *tc)
{
    uint32_t insn;
    do {
        insn = arm_cond(g) | 0x0e000a00u | (rng_u32(g) & 0x00fff1efu);
        if (!rng_below(g, 3))
            insn |= 0x00b00040u;
    } while (fp_excluded(insn, FP_VFP));
    /* a short-vector FPSCR only with the instructions short vectors
     * affect (exclusions[]: "FPSCR.LEN/STRIDE != 0 with VCMP ...") */
    if (!vfp_dp_is_vector_capable(insn))
        tc->fp.fpscr &= ~(FPSCR_LEN_MASK | FPSCR_STRIDE_MASK);
    put_fp_insn(g, tc, insn, FP_VFP);
}

/*
 * Advanced SIMD data processing (A7.4), by group so each gets its share:
 * fixed bits and the random mask of the A32 encoding.
 */
struct neon_group {
    uint32_t fixed, random;
};

static const struct neon_group neon_groups[] = {
    /* 0xxx: three registers of the same length (A7.4.1) */
    { 0xf2000000u, 0x017fffffu },
    /* 1x (size != 11) xxxx x0x0: three registers of different lengths (A7.4.2) */
    { 0xf2800000u, 0x017fffafu },
    /* 1x (size != 11) xxxx x1x0: two registers and a scalar (A7.4.3) */
    { 0xf2800040u, 0x017fffafu },
    /* 1xxx xxxx xxxx 1: two registers and a shift amount (A7.4.4) and
     * one register and a modified immediate (A7.4.6) */
    { 0xf2800010u, 0x017fffefu },
    /* U=1 1x11 xxxx 0xxx xxx0: two registers, miscellaneous (A7.4.5) */
    { 0xf3b00000u, 0x004ff7efu },
    /* U=0 1x11: VEXT; U=1 1x11 10xx: VTBL/VTBX; 1100: VDUP (scalar) */
    { 0xf2b00000u, 0x004fffefu },
    { 0xf3b00800u, 0x004ff7efu },
};

static void gen_neon_dp(struct rng *g, struct test_case *tc)
{
    uint32_t insn;
    do {
        const struct neon_group *grp = &neon_groups[rng_below(g, ARRAY_SIZE(neon_groups))];
        insn = grp->fixed | (rng_u32(g) & grp->random);
        if (rng_below(g, 4) == 0)   /* now and then the raw space as a whole */
            insn = 0xf2000000u | (rng_u32(g) & 0x01ffffffu);
        /* Q forms UNDEF on odd register numbers: even ones most of the time */
        if (rng_below(g, 4))
            insn &= ~0x00011001u;
        /* most three-same integer operations UNDEF with size = 11: rarer */
        if (!bit32(insn, 23) && bits32(insn, 20, 2) == 3 && rng_below(g, 2))
            insn = (insn & ~0x00300000u) | rng_below(g, 3) << 20;
    } while (fp_excluded(insn, FP_NEON_DP));
    put_fp_insn(g, tc, insn, FP_NEON_DP);
}

/*
 * Element and structure loads/stores (A7.7): everything random but Rn,
 * which points into the scratch page (Rn = PC is UNPREDICTABLE). The base
 * is aligned to 32 bytes when the encoding has an alignment hint (see the
 * exclusions), else to anything; Rm selects no writeback (PC), writeback
 * by the transfer size (SP) or Rn + Rm.
 */
static void gen_neon_ldst(struct rng *g, struct test_case *tc)
{
    uint32_t insn;
    do {
        insn = 0xf4000000u | (rng_u32(g) & 0x00efffffu);
        /* types 1011-1111 of the multiple-structure form UNDEF: rarely */
        if (!bit32(insn, 23) && bits32(insn, 8, 4) > 10 && rng_below(g, 4))
            insn = (insn & ~0xf00u) | rng_below(g, 11) << 8;
    } while (fp_excluded(insn, FP_NEON_LDST));
    unsigned rn = pick_reg(g, REGS_NOPC);
    insn = (insn & ~0x000f0000u) | rn << 16;
    bool hinted = (insn >> 4) & 3;   /* or index bits: aligning more is harmless */
    uint32_t addr = scratch_addr(g, 64, hinted ? 32 : 1u << rng_below(g, 6));
    tc->init.r[rn] = addr;
    put_fp_insn(g, tc, insn, FP_NEON_LDST);
}

/* Core registers a transfer may name: not PC; not SP in Thumb (A8.8.340 ff.). */
static uint32_t fp_core_regs(bool thumb)
{
    return thumb ? REGS_NOPC & ~REG_BIT(13) : REGS_NOPC;
}

/*
 * 8, 16 and 32-bit transfers between core and extension registers (A7.8):
 * VMOV Rt <-> Sn, VMRS/VMSR (FPSID, FPSCR, MVFR0/1, FPEXC and the absent
 * ones), VMOV Rt <-> Dn[x] and VDUP from a core register; a quarter of
 * them with every field random. Rt is never PC but for VMRS APSR_nzcv,
 * FPSCR. Values written by VMSR keep the SBZP bits clear (exclusions[]).
 */
static void gen_vfp_xfer(struct rng *g, struct test_case *tc)
{
    static const unsigned sysregs[] = { 0, 1, 1, 1, 1, 5, 6, 7, 8, 8, 9, 10 };
    uint32_t cond = arm_cond(g);
    bool thumb = fp_pick_thumb(g, cond);
    uint32_t insn;
    do {
        insn = cond | 0x0e000a10u | (rng_u32(g) & 0x00fff1efu);
        switch (rng_below(g, 4)) {
        case 0: /* VMOV Rt <-> Sn: cp10, opc1 000, bits 6:5 and CRm (0) */
            insn &= ~0x00e0016fu;
            break;
        case 1: /* VMRS / VMSR: cp10, opc1 111, bits 7:5 and CRm (0) */
            insn = (insn & ~0x00ef01efu) | 0x00e00000u |
                   sysregs[rng_below(g, ARRAY_SIZE(sysregs))] << 16;
            break;
        case 2: /* cp11: VMOV scalar, VDUP; CRm (0) */
            insn = (insn | 0x100u) & ~0xfu;
            break;
        default:
            break;
        }
        bool vmrs_fpscr = (insn & 0x00ff0f00u) == 0x00f10a00u;
        unsigned rt = vmrs_fpscr && !rng_below(g, 4) ? 15 : pick_reg(g, fp_core_regs(thumb));
        insn = (insn & ~0xf000u) | rt << 12;
    } while (fp_excluded(insn, FP_VFP));
    unsigned rt = bits32(insn, 12, 4);
    if ((insn & 0x00ff0f00u) == 0x00e10a00u)        /* VMSR FPSCR */
        tc->init.r[rt] &= ~(1u << 19);
    else if ((insn & 0x00ff0f00u) == 0x00e80a00u)   /* VMSR FPEXC */
        tc->init.r[rt] = rng_below(g, 4) ? FPEXC_EN : 0;
    put_fp_insn_as(g, tc, insn, FP_VFP, thumb);
}

/*
 * 64-bit transfers (A7.9): VMOV Rt, Rt2 <-> Sm, Sm+1 or Dm; bits 7:4 are
 * 00M1, other values now and then (UNDEFINED).
 */
static void gen_vfp_xfer64(struct rng *g, struct test_case *tc)
{
    uint32_t cond = arm_cond(g);
    bool thumb = fp_pick_thumb(g, cond);
    uint32_t insn;
    do {
        unsigned rt = pick_reg(g, fp_core_regs(thumb));
        unsigned rt2 = pick_reg(g, fp_core_regs(thumb));
        unsigned op = rng_below(g, 8) ? 1u | (rng_bit(g) << 1) : rng_below(g, 16);
        insn = cond | 0x0c400a00u | rng_bit(g) << 20 | rt2 << 16 | rt << 12 |
               rng_bit(g) << 8 | op << 4 | rng_below(g, 16);
    } while (fp_excluded(insn, FP_VFP));
    put_fp_insn_as(g, tc, insn, FP_VFP, thumb);
}

/*
 * Extension register loads and stores (A7.6): VLDR/VSTR (also
 * PC-relative VLDR) and VLDM/VSTM increment-after and decrement-before
 * (VPUSH/VPOP), single or double, with the base steered so the whole
 * transfer is word-aligned inside the scratch page; now and then the
 * P/U/W combinations that UNDEF.
 */
static void gen_vfp_ldst(struct rng *g, struct test_case *tc)
{
    /* P:U:W = 100/110 VLDR/VSTR (weighted), 010 IA, 011 IA!, 101 DB!;
     * 001 and 111 are UNDEFINED */
    static const uint8_t puw[] = { 4, 4, 6, 6, 6, 2, 3, 5, 5, 1, 7 };
    uint32_t cond = arm_cond(g);
    bool thumb = fp_pick_thumb(g, cond);
    uint32_t insn;
    unsigned mode, rn, imm8;
    do {
        mode = puw[rng_below(g, ARRAY_SIZE(puw))];
        bool single = mode == 4 || mode == 6;
        bool load = rng_bit(g);
        rn = single && load && !rng_below(g, 8) ? 15 : pick_reg(g, REGS_NOPC);
        if (single)
            imm8 = rng_below(g, 256);
        else   /* mostly 1-32 words; any count now and then */
            imm8 = rng_below(g, 8) ? 1 + rng_below(g, 32) : rng_below(g, 256);
        insn = cond | 0x0c000a00u | (mode >> 2) << 24 | (mode >> 1 & 1) << 23 |
               (mode & 1) << 21 | rng_bit(g) << 22 | (uint32_t)load << 20 | rn << 16 |
               rng_below(g, 16) << 12 | rng_bit(g) << 8 | imm8;
    } while (fp_excluded(insn, FP_VFP));
    if (rn != 15) {
        uint32_t addr = scratch_addr(g, 1024 + 8, 4);
        /* VLDR/VSTR: Rn +- imm8*4; IA: Rn; DB: Rn - imm8*4 */
        if (mode == 4 || mode == 6)
            tc->init.r[rn] = (mode & 2) ? addr - imm8 * 4 : addr + imm8 * 4;
        else
            tc->init.r[rn] = (mode & 2) ? addr : addr + imm8 * 4;
    }
    put_fp_insn_as(g, tc, insn, FP_VFP, thumb);
}

/* ---- VFP and Advanced SIMD inside IT blocks ---- */

/*
 * A VFP data-processing instruction that cannot UNDEF with FPSCR.Len =
 * Stride = 0 (the IT cases clear them): arithmetic (no VDIV with op = 1),
 * VMOV/VABS/VNEG/VSQRT, VCMP{E} (with zero: bits 5, 3:0 clear), VCVT
 * between double and single, integer, fixed point (imm4:i <= size) and
 * half precision (sz = 0), VMOV immediate. A32 form, cond AL.
 */
static uint32_t fp_it_vfp_member(struct rng *g)
{
    static const uint8_t opc1s[] = { 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa };
    static const uint8_t opc2s[] = { 0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x7, 0x8, 0xa, 0xb, 0xc,
                                     0xd, 0xe, 0xf };
    uint32_t insn = 0xee000a00u | (rng_u32(g) & 0x0040f1afu);   /* D, Vd, sz, N, M, Vm */
    switch (rng_below(g, 3)) {
    case 0: {
        unsigned opc1 = opc1s[rng_below(g, ARRAY_SIZE(opc1s))];
        insn |= (opc1 >> 3) << 23 | (opc1 & 3) << 20 | (rng_u32(g) & 0x000f0000u);
        if (opc1 != 0x8)
            insn |= rng_bit(g) << 6;
        return insn;
    }
    case 1: {
        unsigned opc2 = opc2s[rng_below(g, ARRAY_SIZE(opc2s))];
        insn |= 0x00b00040u | opc2 << 16;
        if (opc2 == 0x5)
            insn &= ~0x2fu;
        else if (opc2 == 0x7)
            insn |= 0x80u;
        else if (opc2 == 0x2 || opc2 == 0x3)
            insn &= ~0x100u;
        else if ((opc2 & 0xa) == 0xa && (bits32(insn, 0, 4) << 1 | bit32(insn, 5)) >
                                            (bit32(insn, 7) ? 32u : 16u))
            insn &= ~0x8u;   /* imm4 < 8: at most 15 <= 16 */
        return insn;
    }
    default:   /* VMOV immediate: bits 7, 5 (0) */
        return (insn & ~0xa0u) | 0x00b00000u | (rng_u32(g) & 0x000f0000u);
    }
}

/* A three-register Advanced SIMD operation that cannot UNDEF: VHADD,
 * VQADD, the logic group, VADD/VSUB, VMAX/VMIN, VADD.F32/VSUB.F32;
 * Q forms with even registers. A32 form. */
static uint32_t fp_it_neon_member(struct rng *g)
{
    uint32_t insn = 0xf2000000u | (rng_u32(g) & 0x014ff0efu);   /* U, D, regs, N, Q, M */
    unsigned size = rng_below(g, 3);
    switch (rng_below(g, 6)) {
    case 0: insn |= size << 20; break;                          /* VHADD (A 0000, B 0) */
    case 1: insn |= rng_below(g, 4) << 20 | 0x010u; break;     /* VQADD */
    case 2: insn |= rng_below(g, 4) << 20 | 0x110u; break;     /* VAND ... VBIF */
    case 3: insn |= rng_below(g, 4) << 20 | 0x800u; break;     /* VADD/VSUB */
    case 4: insn |= size << 20 | 0x600u | rng_bit(g) << 4; break; /* VMAX/VMIN */
    default: insn = (insn & ~0x01000000u) | rng_bit(g) << 21 | 0xd00u; break;  /* F32 */
    }
    if (bit32(insn, 6))
        insn &= ~0x00011001u;
    return insn;
}

static struct t2i t2_of_a32(uint32_t t32)
{
    return t2_32(t32 >> 16, t32 & 0xffff);
}

/*
 * IT{x{y{z}}} <cond> with one to four VFP or Advanced SIMD instructions
 * (conditional in Thumb, DDI 0406C A8.3), some of them VCMP{E} and
 * VMRS APSR_nzcv, FPSCR, so a comparison inside the block decides the
 * conditions that follow it. unicorn runs IT blocks as in the t2 set
 * (see gen_t2_it): count 1 + n, the trailer absorbs what is left.
 */
static void gen_fp_it(struct rng *g, struct test_case *tc)
{
    unsigned n = 1 + rng_below(g, 4);
    unsigned firstcond = rng_below(g, 15), mask = 0;
    for (unsigned i = 1; i < n; i++)
        mask |= (firstcond == COND_AL ? (firstcond & 1) : rng_bit(g)) << (4 - i);
    mask |= 1u << (4 - n);
    t2_append(tc, t2_16(0xbf00 | firstcond << 4 | mask));
    for (unsigned i = 0; i < n; i++) {
        uint32_t a32;
        switch (rng_below(g, 6)) {
        case 0:
            a32 = 0xeef1fa10u;                                  /* VMRS APSR_nzcv, FPSCR */
            break;
        case 1:
            a32 = 0xeeb40a40u | (rng_u32(g) & 0x0040f1afu);    /* VCMP{E} */
            break;
        case 2:
        case 3:
            a32 = fp_it_neon_member(g);
            a32 = 0xef000000u | (a32 & (1u << 24)) << 4 | (a32 & 0x00ffffffu);
            t2_append(tc, t2_of_a32(a32));
            continue;
        default:
            a32 = fp_it_vfp_member(g);
            break;
        }
        t2_append(tc, t2_of_a32(0xe0000000u | (a32 & 0x0fffffffu)));
    }
    tc->fp.fpscr &= ~(FPSCR_LEN_MASK | FPSCR_STRIDE_MASK);
    tc->fp.fpexc = FPEXC_EN;
}

/*
 * A straight-line ARM sequence of 2 to SEQ_MAX VFP and Advanced SIMD
 * instructions that cannot UNDEF, VFP ones with random conditions and
 * VMRS APSR_nzcv among them (the flags a VCMP produced then decide the
 * conditions after it): the executor loop and the decode cache with
 * floating-point code.
 */
static void gen_fp_seq(struct rng *g, struct test_case *tc)
{
    unsigned n = 2 + rng_below(g, SEQ_MAX - 1);
    for (unsigned i = 0; i < n; i++) {
        uint32_t insn;
        switch (rng_below(g, 6)) {
        case 0:
            insn = 0x0ef1fa10u;                                 /* VMRS APSR_nzcv, FPSCR */
            break;
        case 1:
            insn = 0x0eb40a40u | (rng_u32(g) & 0x0040f1afu);    /* VCMP{E} */
            break;
        case 2:
        case 3:
            insn = fp_it_neon_member(g);
            memcpy(tc->code + 4 * i, &insn, 4);
            continue;
        default:
            insn = fp_it_vfp_member(g) & 0x0fffffffu;
            break;
        }
        insn |= arm_cond(g);
        memcpy(tc->code + 4 * i, &insn, 4);
    }
    tc->len = 4 * n;
    tc->steps = n;
    tc->fp.fpscr &= ~(FPSCR_LEN_MASK | FPSCR_STRIDE_MASK);
    tc->fp.fpexc = FPEXC_EN;
}

/*
 * BE-8 data through the extension registers: 2..SEQ_MAX instructions
 * mixing SETEND BE/LE with VLDR/VSTR (S and D: a doubleword is two words,
 * the lower-addressed one the high half when E = 1), VLDM/VSTM IA without
 * writeback, VLD1/VST1 of one or two registers with every element size,
 * VLD2/VST2 .16/.32 and VLD1/VST1 of one .16/.32 lane, all off one base
 * register no instruction writes. With E = 1 each element is
 * byte-reversed in memory (DDI 0406C A3.3.1, A8.8.320 VLD1).
 */
static void gen_fp_endian_seq(struct rng *g, struct test_case *tc)
{
    unsigned n = 2 + rng_below(g, SEQ_MAX - 1);
    unsigned rb = pick_reg(g, REGS_NOPC);
    tc->init.r[rb] = SCRATCH_BASE + 0x400 + (rng_below(g, SCRATCH_SIZE - 0x800) & ~7u);
    for (unsigned i = 0; i < n; i++) {
        uint32_t insn, cond = arm_cond(g), u = rng_bit(g), st = rng_bit(g);
        unsigned d = rng_below(g, 32), dbit = d >> 4, vd = d & 15;
        switch (rng_below(g, 7)) {
        case 0:     /* setend be/le */
            insn = 0xf1010000 | rng_bit(g) << 9;
            break;
        case 1:     /* vldr/vstr d<d>, [rb, #+-imm8 * 4] */
            insn = cond | 0x0d000b00 | u << 23 | dbit << 22 | (st ? 0u : 1u) << 20 |
                   rb << 16 | vd << 12 | rng_below(g, 64);
            break;
        case 2:     /* vldr/vstr s<d>, [rb, #+-imm8 * 4] */
            insn = cond | 0x0d000a00 | u << 23 | (d & 1) << 22 | (st ? 0u : 1u) << 20 |
                   rb << 16 | (d >> 1) << 12 | rng_below(g, 64);
            break;
        case 3: {   /* vldmia/vstmia rb, {d<d>..}: 1 to 4 registers */
            unsigned regs = 1 + rng_below(g, 4);
            if (d + regs > 32)
                d = 32 - regs;
            insn = cond | 0x0c800b00 | (d >> 4) << 22 | (st ? 0u : 1u) << 20 | rb << 16 |
                   (d & 15) << 12 | 2 * regs;
            break;
        }
        case 4:     /* vld1/vst1.<size> {d<d>} or {d<d>, d<d+1>}, [rb] */
        case 5: {   /* vld2/vst2.<16|32> {d<d>, d<d+1>}, [rb] */
            bool two = rng_bit(g);
            unsigned size = rng_below(g, 4), type = two ? 0xa : 0x7;
            if (rng_bit(g)) {
                type = 0x8;                         /* VLD2, one register each */
                size = 1 + rng_below(g, 2);
                two = true;
            }
            if (two && d == 31)
                d = 30;
            insn = (st ? 0xf4000000u : 0xf4200000u) | (d >> 4) << 22 | rb << 16 |
                   (d & 15) << 12 | type << 8 | size << 6 | 0xf;
            break;
        }
        default: {  /* vld1/vst1.<16|32> {d<d>[x]}, [rb] */
            unsigned size = 1 + rng_below(g, 2);
            unsigned index_align = size == 1 ? rng_below(g, 4) << 2 : (unsigned)rng_bit(g) << 3;
            insn = (st ? 0xf4800000u : 0xf4a00000u) | dbit << 22 | rb << 16 | vd << 12 |
                   size << 10 | index_align << 4 | 0xf;
            break;
        }
        }
        memcpy(tc->code + 4 * i, &insn, 4);
    }
    tc->len = 4 * n;
    tc->steps = n;
    tc->fp.fpexc = FPEXC_EN;
}

/*
 * Self-modifying code through the extension registers: a VSTR (single or
 * double) or VST1.32 writes one or two new instructions over the ones
 * after a "b .+4" (the branch makes the new code architecturally visible,
 * as in gen_sequence), which then run: armhv must drop the decoded code
 * a floating-point store wrote over, like any other store.
 */
static void gen_fp_smc(struct rng *g, struct test_case *tc)
{
    static const uint32_t arm_next = 0xeaffffffu;   /* b .+4 */
    unsigned rn = pick_reg(g, REGS_NOPC & ~REG_BIT(13));
    unsigned k = rng_below(g, 32);
    uint32_t target = tc->addr + 8, store;
    switch (rng_below(g, 3)) {
    case 0:   /* vstr d<k>, [rn] */
        store = 0xed800b00u | (k >> 4) << 22 | rn << 16 | (k & 15) << 12;
        break;
    case 1:   /* vstr s<k>, [rn] */
        store = 0xed800a00u | (k & 1) << 22 | rn << 16 | (k >> 1) << 12;
        break;
    default:  /* vst1.32 {d<k>}, [rn] */
        store = 0xf400078fu | (k >> 4) << 22 | rn << 16 | (k & 15) << 12;
        break;
    }
    /* old and new code: add rd, rm, #imm with rd, rm not the base */
    uint32_t code[4] = { store, arm_next };
    uint32_t fresh[2];
    for (unsigned i = 0; i < 4; i++) {
        uint32_t add = 0xe2800000u | pick_reg(g, 0x1fffu & ~REG_BIT(rn)) << 16 |
                       pick_reg(g, 0x1fffu & ~REG_BIT(rn)) << 12 | rng_below(g, 4096);
        if (i < 2)
            code[2 + i] = add;
        else
            fresh[i - 2] = add;
    }
    memcpy(tc->code, code, sizeof(code));
    tc->len = sizeof(code);
    tc->steps = 4;
    tc->init.r[rn] = target;
    if (tc->init.cpsr & PSR_E) {
        /* big-endian data: the store reverses each word (VST1.32) and
         * puts the high word of a VSTR D first, and must still write the
         * instructions in their (little-endian) code order */
        fresh[0] = __builtin_bswap32(fresh[0]);
        fresh[1] = __builtin_bswap32(fresh[1]);
        if (bit32(store, 8)) {
            uint32_t first = fresh[0];
            fresh[0] = fresh[1];
            fresh[1] = first;
        }
    }
    if (bit32(store, 8) || (store >> 24) == 0xf4)     /* doubleword: both */
        tc->fp.d[k] = (uint64_t)fresh[1] << 32 | fresh[0];
    else
        tc->fp.d[k >> 1] = (tc->fp.d[k >> 1] & ~(0xffffffffull << (32 * (k & 1)))) |
                           (uint64_t)fresh[0] << (32 * (k & 1));
    tc->fp.fpexc = FPEXC_EN;
}

#define VFP_CLASSES(X) \
    X(vfp_dp,            "vfp-dp",        1, CF_ANYMODE | CF_FP)

#define VFP_XFER_CLASSES(X) \
    X(vfp_xfer,          "vfp-xfer",      4, CF_ANYMODE | CF_FP) \
    X(vfp_xfer64,        "vfp-xfer64",    2, CF_ANYMODE | CF_FP) \
    X(vfp_ldst,          "vfp-ldst",      4, CF_ANYMODE | CF_FP | CF_MEM)

#define FP_SEQ_CLASSES(X) \
    X(fp_seq,            "fp-seq",        2, CF_ANYMODE | CF_FP) \
    X(fp_endian_seq,     "fp-endian-seq", 2, CF_ANYMODE | CF_FP | CF_MEM) \
    X(fp_smc,            "fp-smc",        1, CF_ANYMODE | CF_FP | CF_MEM)

#define FP_IT_CLASSES(X) \
    X(fp_it,             "fp-it",         2, CF_ANYMODE | CF_FP | CF_IT)

#define NEON_CLASSES(X) \
    X(neon_dp,           "neon-dp",       1, CF_ANYMODE | CF_FP)

#define NEON_LDST_CLASSES(X) \
    X(neon_ldst,         "neon-ldst",     1, CF_ANYMODE | CF_FP | CF_MEM)

static const struct insn_class vfp_classes[] = { VFP_CLASSES(CLASS_ARM) };
static const struct insn_class fp_misc_classes[] = {
    VFP_XFER_CLASSES(CLASS_ARM) FP_SEQ_CLASSES(CLASS_ARM) FP_IT_CLASSES(CLASS_THUMB)
};
static const struct insn_class neon_classes[] = { NEON_CLASSES(CLASS_ARM) };
static const struct insn_class neon_ldst_classes[] = { NEON_LDST_CLASSES(CLASS_ARM) };

#endif
