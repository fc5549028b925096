/*
 * Advanced SIMD (cpu/neon.c): a selection of instructions per class
 * against hand-computed vectors, run through neon_decode_arm() and the
 * decoded handler on a Cortex-A15 (the ARM decoder may not route these
 * encodings yet). Covered: integer arithmetic with saturation (FPSCR.QC),
 * shifts and narrowing, VMULL.P8 (the carry-less multiply kernel crypto
 * relies on), permutations, table lookup, immediates, bit counts, the
 * VRECPE/VRSQRTE estimate tables, single-precision lanes with the
 * standard FPSCR value (default NaN, flush-to-zero), VLD1-4/VST interleave
 * with writeback and alignment faults, the enable checks, and the Thumb
 * translation. Encodings come from arm-none-eabi-as.
 */
#include <check.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/neon.h"
#include "cpu/vfp.h"
#include "cpu_fixture.h"

static struct cpu_fixture *neon_fixture(void)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    cpu_init(&f->cpu, &cpu_model_cortex_a15, 0);
    mmu_attach(&f->mmu, &f->cpu, &f->as);
    vfp_attach(&f->cpu);
    vfp_reset(&f->cpu);
    f->cpu.cp15.cpacr = 0x00f00000u;
    f->cpu.vfp.fpexc = FPEXC_EN;
    return f;
}

/* Decodes and runs one A32 encoding as if it sat at FIXTURE_CODE;
 * returns the handler's result. */
static int neon(struct cpu_fixture *f, uint32_t insn)
{
    struct decoded_insn d;
    neon_decode_arm(f->cpu.model, insn, &d);
    f->cpu.r[15] = FIXTURE_CODE + 8;
    return d.handler(&f->cpu, &d);
}

static bool undefined_now(struct cpu_fixture *f)
{
    return cpu_mode(&f->cpu) == MODE_UND && f->cpu.r[15] == 0x04;
}

#define D(f, n) ((f)->cpu.vfp.d[n])
#define QC(f) (((f)->cpu.vfp.fpscr & FPSCR_QC) != 0)

START_TEST(test_integer_arithmetic)
{
    struct cpu_fixture *f = neon_fixture();
    D(f, 1) = 0x0102030405060708ull;
    D(f, 2) = 0xff01ff01ff01ff01ull;
    neon(f, 0xf2010802u);   /* vadd.i8 d0, d1, d2 */
    ck_assert_uint_eq(D(f, 0), 0x0003020504070609ull);

    /* vqadd.s8: 127 + 1 and -128 + -1 saturate and set QC */
    D(f, 1) = 0x000000000000807full;
    D(f, 2) = 0x000000000000ff01ull;
    neon(f, 0xf2010012u);
    ck_assert_uint_eq(D(f, 0), 0x000000000000807full);
    ck_assert(QC(f));
    f->cpu.vfp.fpscr = 0;
    D(f, 1) = 0x0102;   /* 0x02 + 0x01, 0x01 + -1 */
    neon(f, 0xf2010012u);
    ck_assert_uint_eq(D(f, 0), 0x0003);
    ck_assert(!QC(f));

    /* vqsub.u16 q0, q1, q2: 5 - 7 clamps to 0 */
    D(f, 2) = 0x0005000500050005ull;
    D(f, 3) = 0xffff000000010009ull;
    D(f, 4) = 0x0007000400050001ull;
    D(f, 5) = 0x0001000100000002ull;
    neon(f, 0xf3120254u);
    ck_assert_uint_eq(D(f, 0), 0x0000000100000004ull);
    ck_assert_uint_eq(D(f, 1), 0xfffe000000010007ull);
    ck_assert(QC(f));

    /* vabd.s8, vceq.i8, vbsl */
    D(f, 1) = 0x00000000000080f6ull;
    D(f, 2) = 0x000000000000700aull;
    neon(f, 0xf2010702u);
    ck_assert_uint_eq(D(f, 0), 0x000000000000f014ull);
    neon(f, 0xf3010812u);
    ck_assert_uint_eq(D(f, 0), 0xffffffffffff0000ull);
    D(f, 0) = 0xff00ff00ff00ff00ull;
    D(f, 1) = 0x1111111111111111ull;
    D(f, 2) = 0x2222222222222222ull;
    neon(f, 0xf3110112u);
    ck_assert_uint_eq(D(f, 0), 0x1122112211221122ull);

    /* vqdmulh.s16 / vqrdmulh.s32 */
    f->cpu.vfp.fpscr = 0;
    D(f, 1) = 0x0001800040008000ull;
    D(f, 2) = 0x00017fff40008000ull;
    neon(f, 0xf2110b02u);
    ck_assert_uint_eq(D(f, 0), 0x0000800120007fffull);
    ck_assert(QC(f));
    D(f, 1) = 0x4000000000000003ull;
    D(f, 2) = 0x4000000040000000ull;
    neon(f, 0xf3210b02u);
    ck_assert_uint_eq(D(f, 0), 0x2000000000000002ull);   /* 3 * 2^30 * 2 / 2^32 = 1.5 -> 2 */

    /* pairwise: vpadd.i16, vpaddl.u8 */
    D(f, 1) = 0x0004000300020001ull;
    D(f, 2) = 0x0028001e0014000aull;
    neon(f, 0xf2110b12u);
    ck_assert_uint_eq(D(f, 0), 0x0046001e00070003ull);
    D(f, 1) = 0xff00000002010fffull;
    neon(f, 0xf3b00281u);
    ck_assert_uint_eq(D(f, 0), 0x00ff00000003010eull);
    fixture_free(f);
}
END_TEST

START_TEST(test_shifts)
{
    struct cpu_fixture *f = neon_fixture();
    /* vshl.s16 d0, d1, d2: value Dm = d1, shift Dn = d2 (signed bytes) */
    D(f, 1) = 0x00017fff80000123ull;
    D(f, 2) = 0x0010fff0fffc0004ull;
    neon(f, 0xf2120401u);
    ck_assert_uint_eq(D(f, 0), 0x00000000f8001230ull);

    /* vrshr.u8 #3: (x + 4) >> 3, with the carry kept */
    D(f, 1) = 0x0000000004ff0b0cull;
    neon(f, 0xf38d0211u);
    ck_assert_uint_eq(D(f, 0), 0x0000000001200102ull);
    fixture_free(f);
}
END_TEST

START_TEST(test_narrow_widen)
{
    struct cpu_fixture *f = neon_fixture();
    /* vqshrn.s32 d0, q1, #4 */
    D(f, 2) = 0x7fffffff00001000ull;
    D(f, 3) = 0x80000000ffff0000ull;
    neon(f, 0xf29c0912u);
    ck_assert_uint_eq(D(f, 0), 0x8000f0007fff0100ull);
    ck_assert(QC(f));

    /* vqmovun.s16: negative -> 0, > 255 -> 255 */
    D(f, 2) = 0x0100ffff007f0080ull;
    D(f, 3) = 0x0000000000000001ull;
    neon(f, 0xf3b20242u);
    ck_assert_uint_eq(D(f, 0), 0x00000001ff007f80ull);

    /* vmovl.s8 q0, d1 and vmovn.i32 d0, q1 */
    D(f, 1) = 0x00000000000080ffull;
    neon(f, 0xf2880a11u);
    ck_assert_uint_eq(D(f, 0), 0x00000000ff80ffffull);
    ck_assert_uint_eq(D(f, 1), 0);
    D(f, 2) = 0x1111222233334444ull;
    D(f, 3) = 0x5555666677778888ull;
    neon(f, 0xf3b60202u);
    ck_assert_uint_eq(D(f, 0), 0x6666888822224444ull);

    /* vsli.32 #8 / vsri.8 #2 */
    D(f, 0) = 0xffffffffffffffffull;
    D(f, 1) = 0x0000001200000034ull;
    neon(f, 0xf3a80511u);
    ck_assert_uint_eq(D(f, 0), 0x000012ff000034ffull);
    D(f, 0) = 0xffffffffffffffffull;
    D(f, 1) = 0x00000000000000f0ull;
    neon(f, 0xf38e0411u);
    ck_assert_uint_eq(D(f, 0), 0xc0c0c0c0c0c0c0fcull);
    fixture_free(f);
}
END_TEST

/* Polynomial multiply: {57} x {83} = 0x2b79 (FIPS-197 4.2, before
 * reduction), 0xff x 0xff = 0x5555. */
START_TEST(test_vmull)
{
    struct cpu_fixture *f = neon_fixture();
    D(f, 2) = 0x000000000002ff57ull;
    D(f, 3) = 0x000000000080ff83ull;
    neon(f, 0xf2820e03u);   /* vmull.p8 q0, d2, d3 */
    ck_assert_uint_eq(D(f, 0), 0x0000010055552b79ull);
    ck_assert_uint_eq(D(f, 1), 0);
    neon(f, 0xf3820c03u);   /* vmull.u8 q0, d2, d3 */
    ck_assert_uint_eq(D(f, 0), 0x00000100fe012c85ull);
    fixture_free(f);
}
END_TEST

START_TEST(test_permutations)
{
    struct cpu_fixture *f = neon_fixture();
    D(f, 1) = 0x0706050403020100ull;
    D(f, 2) = 0x0f0e0d0c0b0a0908ull;
    neon(f, 0xf2b10302u);   /* vext.8 d0, d1, d2, #3 */
    ck_assert_uint_eq(D(f, 0), 0x0a09080706050403ull);

    D(f, 3) = 0x10ff0f0e00010203ull;
    neon(f, 0xf3b10903u);   /* vtbl.8 d0, {d1, d2}, d3 */
    ck_assert_uint_eq(D(f, 0), 0x00000f0e00010203ull);
    D(f, 0) = 0xaaaaaaaaaaaaaaaaull;
    neon(f, 0xf3b10843u);   /* vtbx.8 d0, {d1}, d3 */
    ck_assert_uint_eq(D(f, 0), 0xaaaaaaaa00010203ull);

    neon(f, 0xf3b00001u);   /* vrev64.8 d0, d1 */
    ck_assert_uint_eq(D(f, 0), 0x0001020304050607ull);

    D(f, 0) = 0x0706050403020100ull;
    D(f, 1) = 0x1716151413121110ull;
    neon(f, 0xf3b20181u);   /* vzip.8 d0, d1 */
    ck_assert_uint_eq(D(f, 0), 0x1303120211011000ull);
    ck_assert_uint_eq(D(f, 1), 0x1707160615051404ull);

    D(f, 0) = 0x0003000200010000ull;
    D(f, 1) = 0x0007000600050004ull;
    D(f, 2) = 0x0013001200110010ull;
    D(f, 3) = 0x0017001600150014ull;
    neon(f, 0xf3b60142u);   /* vuzp.16 q0, q1 */
    ck_assert_uint_eq(D(f, 0), 0x0006000400020000ull);
    ck_assert_uint_eq(D(f, 1), 0x0016001400120010ull);
    ck_assert_uint_eq(D(f, 2), 0x0007000500030001ull);
    ck_assert_uint_eq(D(f, 3), 0x0017001500130011ull);

    D(f, 0) = 0x1111111100000000ull;
    D(f, 1) = 0x3333333322222222ull;
    neon(f, 0xf3ba0081u);   /* vtrn.32 d0, d1 */
    ck_assert_uint_eq(D(f, 0), 0x2222222200000000ull);
    ck_assert_uint_eq(D(f, 1), 0x3333333311111111ull);

    D(f, 1) = 0xabcd000000000000ull;
    neon(f, 0xf3be0c41u);   /* vdup.16 q0, d1[3] */
    ck_assert_uint_eq(D(f, 0), 0xabcdabcdabcdabcdull);
    ck_assert_uint_eq(D(f, 1), 0xabcdabcdabcdabcdull);

    D(f, 0) = 1;
    D(f, 1) = 2;
    neon(f, 0xf3b20001u);   /* vswp d0, d1 */
    ck_assert_uint_eq(D(f, 0), 2);
    ck_assert_uint_eq(D(f, 1), 1);
    fixture_free(f);
}
END_TEST

/* AdvSIMDExpandImm (A7.4.6). */
START_TEST(test_immediates)
{
    struct cpu_fixture *f = neon_fixture();
    neon(f, 0xf382045bu);   /* vmov.i32 q0, #0x00ab0000 */
    ck_assert_uint_eq(D(f, 0), 0x00ab000000ab0000ull);
    ck_assert_uint_eq(D(f, 1), 0x00ab000000ab0000ull);
    neon(f, 0xf2810832u);   /* vmvn.i16 d0, #0x12 */
    ck_assert_uint_eq(D(f, 0), 0xffedffedffedffedull);
    neon(f, 0xf3820e35u);   /* vmov.i64 d0, #0xff00ff0000ff00ff */
    ck_assert_uint_eq(D(f, 0), 0xff00ff0000ff00ffull);
    D(f, 0) = 0x1000000010000000ull;
    neon(f, 0xf2830114u);   /* vorr.i32 d0, #0x34 */
    ck_assert_uint_eq(D(f, 0), 0x1000003410000034ull);
    D(f, 0) = ~0ull;
    neon(f, 0xf2810b32u);   /* vbic.i16 d0, #0x1200 */
    ck_assert_uint_eq(D(f, 0), 0xedffedffedffedffull);
    fixture_free(f);
}
END_TEST

START_TEST(test_bit_counts)
{
    struct cpu_fixture *f = neon_fixture();
    D(f, 1) = 0xff0f010000000307ull;
    neon(f, 0xf3b00501u);   /* vcnt.8 */
    ck_assert_uint_eq(D(f, 0), 0x0804010000000203ull);
    D(f, 1) = 0x00ff000080000001ull;
    neon(f, 0xf3b40481u);   /* vclz.i16 */
    ck_assert_uint_eq(D(f, 0), 0x000800100000000full);
    D(f, 1) = 0xfe7fc03f8001ff00ull;
    neon(f, 0xf3b00401u);   /* vcls.s8 */
    ck_assert_uint_eq(D(f, 0), 0x0600010100060707ull);
    fixture_free(f);
}
END_TEST

/* RecipEstimate / RecipSqrtEstimate table entries (RecipEstimate()). */
START_TEST(test_estimates)
{
    struct cpu_fixture *f = neon_fixture();
    D(f, 1) = 0x404000003f800000ull;   /* 3.0, 1.0 */
    neon(f, 0xf3bb0501u);              /* vrecpe.f32 d0, d1 */
    ck_assert_uint_eq(D(f, 0), 0x3eaa80003f7f8000ull);
    D(f, 1) = 0x8000000040000000ull;   /* -0.0, 2.0 */
    neon(f, 0xf3bb0501u);
    ck_assert_uint_eq(D(f, 0), 0xff8000003eff8000ull);
    ck_assert_uint_eq(f->cpu.vfp.fpscr & FPSCR_DZC, FPSCR_DZC);

    D(f, 1) = 0x400000003f800000ull;   /* 2.0, 1.0 */
    neon(f, 0xf3bb0581u);              /* vrsqrte.f32 */
    ck_assert_uint_eq(D(f, 0), 0x3f3480003f7f8000ull);
    D(f, 1) = 0xbf80000040800000ull;   /* -1.0 (invalid), 4.0 */
    neon(f, 0xf3bb0581u);
    ck_assert_uint_eq(D(f, 0), 0x7fc000003eff8000ull);

    D(f, 1) = 0x7fffffff80000000ull;
    neon(f, 0xf3bb0401u);              /* vrecpe.u32 */
    ck_assert_uint_eq(D(f, 0), 0xffffffffff800000ull);
    fixture_free(f);
}
END_TEST

/* Single-precision lanes use the standard FPSCR value whatever the FPSCR
 * says: default NaN, flush-to-zero, round to nearest. */
START_TEST(test_float_lanes)
{
    struct cpu_fixture *f = neon_fixture();
    f->cpu.vfp.fpscr = (uint32_t)FP_ROUND_ZERO << FPSCR_RMODE_SHIFT;
    D(f, 2) = 0x00000001bf800000ull;   /* -1.0, denormal */
    D(f, 3) = 0x3eaaaaab7f800001ull;   /* sNaN, 1/3 */
    D(f, 4) = 0x4000000040000000ull;   /* 2.0, 2.0 */
    D(f, 5) = 0x3f8000003f800000ull;
    neon(f, 0xf2020d44u);              /* vadd.f32 q0, q1, q2 */
    ck_assert_uint_eq(D(f, 0), 0x400000003f800000ull);   /* 1.0, 2.0 (+denormal flushed) */
    ck_assert_uint_eq(D(f, 1), 0x3faaaaab7fc00000ull);   /* 4/3 rounded to nearest, dNaN */
    ck_assert_uint_eq(f->cpu.vfp.fpscr & FPSCR_CUMULATIVE,
                      FPSCR_IOC | FPSCR_IDC | FPSCR_IXC);

    /* vmla.f32 d0, d1, d2[1] */
    D(f, 0) = 0x3f8000003f800000ull;
    D(f, 1) = 0x4040000040000000ull;   /* 3.0, 2.0 */
    D(f, 2) = 0x4080000000000000ull;   /* 4.0 in lane 1 */
    neon(f, 0xf2a10162u);
    ck_assert_uint_eq(D(f, 0), 0x4150000041100000ull);   /* 13.0, 9.0 */

    /* vmax.f32: NaN -> default NaN; max(-0, +0) = +0 */
    D(f, 1) = 0x800000007fc00001ull;
    D(f, 2) = 0x000000003f800000ull;
    neon(f, 0xf2010f02u);
    ck_assert_uint_eq(D(f, 0), 0x000000007fc00000ull);

    /* vcvt.s32.f32: saturation; vcvt.f32.u32 #16: fixed point */
    f->cpu.vfp.fpscr = 0;
    D(f, 1) = 0x4f32d05ebfc00000ull;   /* 3e9, -1.5 */
    neon(f, 0xf3bb0701u);
    ck_assert_uint_eq(D(f, 0), 0x7fffffffffffffffull);
    ck_assert_uint_eq(f->cpu.vfp.fpscr & FPSCR_IOC, FPSCR_IOC);
    D(f, 1) = 0x8000000000018000ull;
    neon(f, 0xf3b00e11u);
    ck_assert_uint_eq(D(f, 0), 0x470000003fc00000ull);

    /* vfma.f32 (Advanced SIMDv2 on the A15) */
    D(f, 0) = 0xbf801000bf801000ull;
    D(f, 1) = 0x3f8008003f800800ull;
    D(f, 2) = 0x3f8008003f800800ull;
    neon(f, 0xf2010c12u);
    ck_assert_uint_eq(D(f, 0), 0x3380000033800000ull);

    /* vcvt.f16.f32 d0, q1 and back */
    D(f, 2) = 0xc00000003f800000ull;   /* -2.0, 1.0 */
    D(f, 3) = 0x7f80000000000000ull;   /* inf, 0 */
    neon(f, 0xf3b60602u);
    ck_assert_uint_eq(D(f, 0), 0x7c000000c0003c00ull);
    D(f, 2) = D(f, 0);
    neon(f, 0xf3b60702u);              /* vcvt.f32.f16 q0, d2 */
    ck_assert_uint_eq(D(f, 0), 0xc00000003f800000ull);
    ck_assert_uint_eq(D(f, 1), 0x7f80000000000000ull);
    fixture_free(f);
}
END_TEST

static void fill_bytes(struct cpu_fixture *f, uint32_t addr, unsigned n)
{
    for (unsigned i = 0; i < n; i += 4)
        fixture_write32(f, addr + i, (i & 0xff) * 0x01010101u + 0x03020100u);
}

START_TEST(test_structure_loads)
{
    struct cpu_fixture *f = neon_fixture();
    const uint32_t base = FIXTURE_DATA;
    fill_bytes(f, base, 64);   /* byte i = i */

    f->cpu.r[0] = base;
    ck_assert_int_eq(neon(f, 0xf420020du), 0);   /* vld1.8 {d0-d3}, [r0]! */
    ck_assert_uint_eq(D(f, 0), 0x0706050403020100ull);
    ck_assert_uint_eq(D(f, 3), 0x1f1e1d1c1b1a1918ull);
    ck_assert_uint_eq(f->cpu.r[0], base + 32);

    f->cpu.r[0] = base;
    neon(f, 0xf420084fu);   /* vld2.16 {d0, d1}, [r0] */
    ck_assert_uint_eq(D(f, 0), 0x0d0c090805040100ull);
    ck_assert_uint_eq(D(f, 1), 0x0f0e0b0a07060302ull);
    ck_assert_uint_eq(f->cpu.r[0], base);

    neon(f, 0xf420040fu);   /* vld3.8 {d0-d2}, [r0] */
    ck_assert_uint_eq(D(f, 0), 0x15120f0c09060300ull);
    ck_assert_uint_eq(D(f, 1), 0x1613100d0a070401ull);
    ck_assert_uint_eq(D(f, 2), 0x1714110e0b080502ull);

    f->cpu.r[1] = 100;
    neon(f, 0xf4200081u);   /* vld4.32 {d0-d3}, [r0], r1 */
    ck_assert_uint_eq(D(f, 0), 0x1312111003020100ull);
    ck_assert_uint_eq(D(f, 3), 0x1f1e1d1c0f0e0d0cull);
    ck_assert_uint_eq(f->cpu.r[0], base + 100);

    /* single lane and all lanes */
    f->cpu.r[0] = base + 8;
    D(f, 0) = 0;
    neon(f, 0xf4a0088fu);   /* vld1.32 {d0[1]}, [r0] */
    ck_assert_uint_eq(D(f, 0), 0x0b0a090800000000ull);
    neon(f, 0xf4a00c6fu);   /* vld1.16 {d0[], d1[]}, [r0] */
    ck_assert_uint_eq(D(f, 0), 0x0908090809080908ull);
    ck_assert_uint_eq(D(f, 1), 0x0908090809080908ull);
    fixture_free(f);
}
END_TEST

START_TEST(test_structure_stores)
{
    struct cpu_fixture *f = neon_fixture();
    const uint32_t base = FIXTURE_DATA + 0x100;
    D(f, 0) = 0x0000000000aa0000ull;
    D(f, 1) = 0x0000000000bb0000ull;
    D(f, 2) = 0x0000000000cc0000ull;
    D(f, 3) = 0x0000000000dd0000ull;
    f->cpu.r[0] = base;
    neon(f, 0xf480034du);   /* vst4.8 {d0[2], d1[2], d2[2], d3[2]}, [r0]! */
    ck_assert_uint_eq(fixture_read32(f, base), 0xddccbbaau);
    ck_assert_uint_eq(f->cpu.r[0], base + 4);

    /* vst1.32 {d4, d5}, [r0:128]: the alignment hint faults when the
     * address is not 16-byte aligned, and nothing is written. */
    D(f, 4) = 0x1111111122222222ull;
    D(f, 5) = 0x3333333344444444ull;
    f->cpu.r[0] = base + 0x18;
    neon(f, 0xf4004aafu);
    ck_assert_uint_eq(cpu_mode(&f->cpu), MODE_ABT);
    ck_assert_uint_eq(f->cpu.r[15], 0x10);
    ck_assert_uint_eq(f->cpu.cp15.dfsr & 0xf, 0x1);
    ck_assert_uint_eq(f->cpu.cp15.dfar, base + 0x18);
    ck_assert_uint_eq(fixture_read32(f, base + 0x18), 0);
    cpu_switch_mode(&f->cpu, MODE_SVC);
    f->cpu.r[0] = base + 0x20;
    neon(f, 0xf4004aafu);
    ck_assert_uint_eq(fixture_read32(f, base + 0x20), 0x22222222u);
    ck_assert_uint_eq(fixture_read32(f, base + 0x2c), 0x33333333u);
    fixture_free(f);
}
END_TEST

/* CPACR.ASEDIS, CPACR.cp10 and FPEXC.EN: disabled is UNDEFINED. */
START_TEST(test_enable_checks)
{
    struct cpu_fixture *f = neon_fixture();
    D(f, 0) = 0x55;
    f->cpu.cp15.cpacr |= CPACR_ASEDIS;
    neon(f, 0xf2010802u);
    ck_assert(undefined_now(f));
    ck_assert_uint_eq(D(f, 0), 0x55);

    cpu_switch_mode(&f->cpu, MODE_SVC);
    f->cpu.cp15.cpacr = 0x00f00000u;
    f->cpu.vfp.fpexc = 0;
    f->cpu.r[0] = FIXTURE_DATA;
    neon(f, 0xf420020du);
    ck_assert(undefined_now(f));
    ck_assert_uint_eq(f->cpu.r[0], FIXTURE_DATA);

    /* The ARM926 has no Advanced SIMD at all. */
    struct decoded_insn d;
    neon_decode_arm(&cpu_model_arm926, 0xf2010802u, &d);
    ck_assert(d.handler == insn_undefined);
    /* Q forms need even registers; VEXT.8 D with imm >= 8 is UNDEFINED. */
    neon_decode_arm(&cpu_model_cortex_a15, 0xf2020d44u | 1u << 12, &d);
    ck_assert(d.handler == insn_undefined);
    fixture_free(f);
}
END_TEST

/* T32 Advanced SIMD is the A32 encoding with U moved from bit 24 to 28. */
START_TEST(test_thumb_translation)
{
    struct cpu_fixture *f = neon_fixture();
    struct decoded_insn d;
    D(f, 1) = 5;
    D(f, 2) = 3;
    neon_decode_thumb(f->cpu.model, 0xff010802u, &d);   /* vsub.i8 d0, d1, d2 */
    ck_assert_uint_eq(d.raw, 0xff010802u);
    ck_assert_uint_eq(d.len, 4);
    f->cpu.thumb = 1;
    f->cpu.r[15] = FIXTURE_CODE + 4;
    ck_assert_int_eq(d.handler(&f->cpu, &d), 0);
    ck_assert_uint_eq(D(f, 0), 2);
    neon_decode_thumb(f->cpu.model, 0xef010802u, &d);   /* vadd.i8 */
    d.handler(&f->cpu, &d);
    ck_assert_uint_eq(D(f, 0), 8);
    fixture_write32(f, FIXTURE_DATA, 0x11223344u);
    fixture_write32(f, FIXTURE_DATA + 4, 0x55667788u);
    f->cpu.r[0] = FIXTURE_DATA;
    neon_decode_thumb(f->cpu.model, 0xf92007dfu, &d);   /* vld1.64 {d0}, [r0:64] */
    d.handler(&f->cpu, &d);
    ck_assert_uint_eq(D(f, 0), 0x5566778811223344ull);
    ck_assert(neon_is_thumb_insn(0xf92007dfu) && neon_is_arm_insn(0xf42007dfu));
    ck_assert(!neon_is_arm_insn(0xf4500000u));   /* PLI space */
    fixture_free(f);
}
END_TEST

Suite *neon_suite(void)
{
    Suite *s = suite_create("neon");
    TCase *tc = tcase_create("neon");
    tcase_add_test(tc, test_integer_arithmetic);
    tcase_add_test(tc, test_shifts);
    tcase_add_test(tc, test_narrow_widen);
    tcase_add_test(tc, test_vmull);
    tcase_add_test(tc, test_permutations);
    tcase_add_test(tc, test_immediates);
    tcase_add_test(tc, test_bit_counts);
    tcase_add_test(tc, test_estimates);
    tcase_add_test(tc, test_float_lanes);
    tcase_add_test(tc, test_structure_loads);
    tcase_add_test(tc, test_structure_stores);
    tcase_add_test(tc, test_enable_checks);
    tcase_add_test(tc, test_thumb_translation);
    suite_add_tcase(s, tc);
    return s;
}
