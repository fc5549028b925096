/*
 * VFPv3/VFPv4 (cpu/vfp.c, cpu/fpu_ops.c) through the ARM executor, as a
 * guest runs it: cp10/cp11 CDP, MRC/MCR, MRRC/MCRR, LDC/STC on a
 * Cortex-A15 (and A9 where they differ).
 *
 * What matters and why:
 *  - access control: CPACR and FPEXC.EN must make VFP UNDEFINED, or
 *    Linux's lazy context switch (enable on the Undefined exception)
 *    silently runs one process on another's registers;
 *  - IEEE results bit-exact with ARM's rules where x86 differs: which NaN
 *    propagates, the positive default NaN, flush-to-zero (IDC/UFC),
 *    tininess detected before rounding, the four rounding modes;
 *  - float -> integer conversions saturate (NaN -> 0) with Invalid
 *    Operation, and VCMP flags reach the CPSR through VMRS APSR_nzcv.
 * Encodings come from arm-none-eabi-as (.fpu neon-vfpv4).
 */
#include <check.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/vfp.h"
#include "cpu_fixture.h"

/* A CPU of the given model on the fixture's RAM, VFP enabled at PL0/PL1. */
static struct cpu_fixture *vfp_fixture(const struct cpu_model *model)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    cpu_init(&f->cpu, model, 0);
    mmu_attach(&f->mmu, &f->cpu, &f->as);
    vfp_attach(&f->cpu);    /* idempotent: cpu_init may already have */
    vfp_reset(&f->cpu);
    f->cpu.cp15.cpacr = 0x00f00000u;
    f->cpu.vfp.fpexc = FPEXC_EN;
    f->cpu.r[15] = FIXTURE_CODE;
    return f;
}

/* Runs insn at FIXTURE_CODE; returns the vector taken or -1. */
static int run(struct cpu_fixture *f, uint32_t insn)
{
    f->next = FIXTURE_CODE;
    f->cpu.r[15] = FIXTURE_CODE;
    fixture_put_insn(f, insn);
    fixture_step(f, 1);
    return fixture_vector(f);
}

#define S(f, n) ((f)->cpu.vfp.s[n])
#define D(f, n) ((f)->cpu.vfp.d[n])
#define FLAGS(f) ((f)->cpu.vfp.fpscr & FPSCR_CUMULATIVE)

/* Instructions used below (A32, cond AL). */
enum {
    VMRS_R0_FPSID = 0xeef00a10u,
    VMRS_R0_MVFR0 = 0xeef70a10u,
    VMRS_R0_MVFR1 = 0xeef60a10u,
    VMRS_R0_FPEXC = 0xeef80a10u,
    VMSR_FPEXC_R0 = 0xeee80a10u,
    VMRS_R0_FPSCR = 0xeef10a10u,
    VMSR_FPSCR_R0 = 0xeee10a10u,
    VMRS_APSR_FPSCR = 0xeef1fa10u,
    VADD_S0_S1_S2 = 0xee300a81u,
    VSUB_S0_S1_S2 = 0xee300ac1u,
    VMUL_D0_D1_D2 = 0xee210b02u,
    VMUL_S0_S1_S2 = 0xee200a81u,
    VDIV_S0_S1_S2 = 0xee800a81u,
    VDIV_D16_D17_D18 = 0xeec10ba2u,
    VMLA_S0_S1_S2 = 0xee000a81u,
    VNMUL_S0_S1_S2 = 0xee200ac1u,
    VFMA_D0_D1_D2 = 0xeea10b02u,
    VFMA_S0_S1_S2 = 0xeea00a81u,
    VSQRT_D0_D1 = 0xeeb10bc1u,
    VABS_S0_S1 = 0xeeb00ae0u,
    VNEG_D0_D1 = 0xeeb10b41u,
    VCMP_S0_S1 = 0xeeb40a60u,
    VCMPE_S0_S1 = 0xeeb40ae0u,
    VCMP_D0_ZERO = 0xeeb50b40u,
    VCVT_S32_F32_S0_S1 = 0xeebd0ae0u,
    VCVTR_S32_F32_S0_S1 = 0xeebd0a60u,
    VCVT_U32_F64_S0_D1 = 0xeebc0bc1u,
    VCVT_F64_F32_D0_S2 = 0xeeb70ac1u,
    VCVT_F32_F64_S0_D1 = 0xeeb70bc1u,
    VCVT_F32_S32_S0_S1 = 0xeeb80ae0u,
    VCVT_F64_U32_D0_S2 = 0xeeb80b41u,
    VCVT_S16_F32_S0_4 = 0xeebe0a46u,
    VCVT_F32_U32_S0_8 = 0xeebb0accu,
    VCVTB_F16_F32_S0_S1 = 0xeeb30a60u,
    VCVTT_F32_F16_S0_S1 = 0xeeb20ae0u,
    VMOV_F32_S0_1_5 = 0xeeb70a08u,
    VMOV_F64_D0_M0_25 = 0xeebd0b00u,
    VMOV_S3_R2 = 0xee012a90u,
    VMOV_R2_S3 = 0xee112a90u,
    VMOV_D5_R2_R3 = 0xec432b15u,
    VMOV_R2_R3_D5 = 0xec532b15u,
    VMOV_S4_S5_R2_R3 = 0xec432a12u,
    VMOV_32_D1_1_R2 = 0xee212b10u,
    VMOV_U8_R2_D1_5 = 0xeef12b30u,
    VMOV_S16_R2_D1_3 = 0xee312b70u,
    VDUP_8_Q1_R2 = 0xeee22b10u,
    VLDR_D0_R0_8 = 0xed900b02u,
    VSTR_S1_R0_M4 = 0xed400a01u,
    VPUSH_D8_D9 = 0xed2d8b04u,
    VPOP_D8_D9 = 0xecbd8b04u,
    VLDMIA_R0_S0_S3 = 0xecb00a04u,
    VSTMDB_R0_D0_D1 = 0xed200b04u,
};

START_TEST(test_id_registers)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    ck_assert_int_eq(run(f, VMRS_R0_FPSID), -1);
    ck_assert_uint_eq(f->cpu.r[0], 0x410430f0u);
    run(f, VMRS_R0_MVFR0);
    ck_assert_uint_eq(f->cpu.r[0], 0x10110222u);
    run(f, VMRS_R0_MVFR1);
    ck_assert_uint_eq(f->cpu.r[0], 0x11111111u);
    fixture_free(f);

    f = vfp_fixture(&cpu_model_cortex_a9);
    run(f, VMRS_R0_FPSID);
    ck_assert_uint_eq(f->cpu.r[0], 0x41033090u);
    run(f, VMRS_R0_MVFR1);
    ck_assert_uint_eq(f->cpu.r[0], 0x01111111u);
    fixture_free(f);

    /* No VFP on the ARM926: cp10 is UNDEFINED. */
    f = fixture_init();
    vfp_attach(&f->cpu);
    ck_assert_ptr_null(f->cpu.coproc[10]);
    ck_assert_int_eq(run(f, VMRS_R0_FPSID), 0x04);
    fixture_free(f);
}
END_TEST

/* CPACR.cp10/cp11 and FPEXC.EN gate every instruction (CheckAdvSIMDOrVFPEnabled()). */
START_TEST(test_access_control)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);

    f->cpu.cp15.cpacr = 0;
    ck_assert_int_eq(run(f, VMRS_R0_FPSCR), 0x04);
    ck_assert_int_eq(run(f, VMRS_R0_FPEXC), 0x04);   /* CPACR gates FPEXC too */
    cpu_switch_mode(&f->cpu, MODE_SVC);

    /* FPEXC.EN = 0: data processing and FPSCR UNDEFINED; FPEXC, FPSID
     * still reachable from PL1, which is how the kernel turns VFP on. */
    f->cpu.cp15.cpacr = 0x00f00000u;
    f->cpu.vfp.fpexc = 0;
    ck_assert_int_eq(run(f, VADD_S0_S1_S2), 0x04);
    cpu_switch_mode(&f->cpu, MODE_SVC);
    ck_assert_int_eq(run(f, VMRS_R0_FPSCR), 0x04);
    cpu_switch_mode(&f->cpu, MODE_SVC);
    ck_assert_int_eq(run(f, VLDR_D0_R0_8), 0x04);
    cpu_switch_mode(&f->cpu, MODE_SVC);
    f->cpu.r[0] = 0x1234;
    ck_assert_int_eq(run(f, VMRS_R0_FPEXC), -1);
    ck_assert_uint_eq(f->cpu.r[0], 0);
    ck_assert_int_eq(run(f, VMRS_R0_FPSID), -1);
    f->cpu.r[0] = FPEXC_EN | 0x1234;   /* only EN and EX are writable */
    ck_assert_int_eq(run(f, VMSR_FPEXC_R0), -1);
    ck_assert_uint_eq(f->cpu.vfp.fpexc, FPEXC_EN);
    S(f, 1) = 0x3f800000u;
    S(f, 2) = 0x3f800000u;
    ck_assert_int_eq(run(f, VADD_S0_S1_S2), -1);
    ck_assert_uint_eq(S(f, 0), 0x40000000u);

    /* User mode: cp10 = 01 is PL1-only; FPEXC and the ID registers are
     * privileged whatever CPACR says. */
    cpu_switch_mode(&f->cpu, MODE_USR);
    f->cpu.cp15.cpacr = 0x00500000u;
    ck_assert_int_eq(run(f, VMRS_R0_FPSCR), 0x04);
    cpu_switch_mode(&f->cpu, MODE_USR);
    f->cpu.cp15.cpacr = 0x00f00000u;
    ck_assert_int_eq(run(f, VMRS_R0_FPSCR), -1);
    ck_assert_int_eq(run(f, VMRS_R0_FPEXC), 0x04);
    cpu_switch_mode(&f->cpu, MODE_USR);
    ck_assert_int_eq(run(f, VMRS_R0_FPSID), 0x04);
    fixture_free(f);
}
END_TEST

START_TEST(test_arithmetic)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    S(f, 1) = 0x3fc00000u;   /* 1.5 */
    S(f, 2) = 0x40100000u;   /* 2.25 */
    run(f, VADD_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x40700000u);   /* 3.75 */
    run(f, VSUB_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0xbf400000u);   /* -0.75 */
    ck_assert_uint_eq(FLAGS(f), 0);

    D(f, 1) = 0x4008000000000000ull;   /* 3.0 */
    D(f, 2) = 0xbfe0000000000000ull;   /* -0.5 */
    run(f, VMUL_D0_D1_D2);
    ck_assert_uint_eq(D(f, 0), 0xbff8000000000000ull);

    /* 1/0 = +inf, Division by Zero; 1/3 in double is inexact. */
    S(f, 1) = 0x3f800000u;
    S(f, 2) = 0;
    run(f, VDIV_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x7f800000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_DZC);
    D(f, 17) = 0x3ff0000000000000ull;
    D(f, 18) = 0x4008000000000000ull;
    run(f, VDIV_D16_D17_D18);
    ck_assert_uint_eq(D(f, 16), 0x3fd5555555555555ull);
    ck_assert_uint_eq(FLAGS(f), FPSCR_DZC | FPSCR_IXC);   /* flags are sticky */

    D(f, 1) = 0x4000000000000000ull;   /* sqrt(2) */
    run(f, VSQRT_D0_D1);
    ck_assert_uint_eq(D(f, 0), 0x3ff6a09e667f3bcdull);

    /* VABS/VNEG are bit operations, even on NaNs. */
    S(f, 1) = 0xff800001u;
    run(f, VABS_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0x7f800001u);
    D(f, 1) = 0x7ff0000000000001ull;
    run(f, VNEG_D0_D1);
    ck_assert_uint_eq(D(f, 0), 0xfff0000000000001ull);

    /* VMOV immediate (VFPExpandImm). */
    run(f, VMOV_F32_S0_1_5);
    ck_assert_uint_eq(S(f, 0), 0x3fc00000u);
    run(f, VMOV_F64_D0_M0_25);
    ck_assert_uint_eq(D(f, 0), 0xbfd0000000000000ull);
    fixture_free(f);
}
END_TEST

/* FPProcessNaNs() (ARM ARM A2.7): first signalling NaN, quietened, beats any quiet
 * NaN; x86 would return the first operand. Invalid operations give the
 * positive default NaN; DN mode makes every NaN result the default. */
START_TEST(test_nan_rules)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    S(f, 1) = 0x7fc00001u;   /* qNaN */
    S(f, 2) = 0x7f800005u;   /* sNaN */
    run(f, VADD_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x7fc00005u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);

    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0xffc00002u;
    S(f, 2) = 0x7fc00003u;
    run(f, VADD_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0xffc00002u);
    ck_assert_uint_eq(FLAGS(f), 0);

    S(f, 1) = 0;
    S(f, 2) = 0x7f800000u;   /* 0 * inf */
    run(f, VMUL_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x7fc00000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);
    run(f, VNMUL_S0_S1_S2);   /* the negation applies to the NaN too */
    ck_assert_uint_eq(S(f, 0), 0xffc00000u);

    f->cpu.vfp.fpscr = FPSCR_DN;
    S(f, 1) = 0x7fc12345u;
    S(f, 2) = 0x3f800000u;
    run(f, VADD_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x7fc00000u);
    ck_assert_uint_eq(FLAGS(f), 0);

    /* The fused multiply-add: a quiet NaN addend with inf * 0 is invalid. */
    f->cpu.vfp.fpscr = 0;
    D(f, 0) = 0x7ff8000000000001ull;
    D(f, 1) = 0x7ff0000000000000ull;
    D(f, 2) = 0;
    run(f, VFMA_D0_D1_D2);
    ck_assert_uint_eq(D(f, 0), 0x7ff8000000000000ull);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);
    fixture_free(f);
}
END_TEST

/* FPSCR.FZ and ARM's tininess-before-rounding (FPRound() pseudocode). */
START_TEST(test_flush_to_zero_and_underflow)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    S(f, 1) = 0x00000001u;   /* smallest denormal */
    S(f, 2) = 0x3f800000u;
    run(f, VADD_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x3f800000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IXC);

    f->cpu.vfp.fpscr = FPSCR_FZ;
    run(f, VADD_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x3f800000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IDC);

    /* (1 - 2^-24) * 2^-126 is below the smallest normal but rounds to it:
     * ARM says underflow (x86 would not); with FZ the result is zero and
     * only UFC is set. */
    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0x3f7fffffu;
    S(f, 2) = 0x00800000u;
    run(f, VMUL_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x00800000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_UFC | FPSCR_IXC);
    f->cpu.vfp.fpscr = FPSCR_FZ;
    run(f, VMUL_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0);
    ck_assert_uint_eq(FLAGS(f), FPSCR_UFC);

    /* An exact denormal result: no flag without FZ, UFC with. */
    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0x00800000u;
    S(f, 2) = 0x3f000000u;   /* 0.5 */
    run(f, VMUL_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x00400000u);
    ck_assert_uint_eq(FLAGS(f), 0);
    f->cpu.vfp.fpscr = FPSCR_FZ;
    run(f, VMUL_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0);
    ck_assert_uint_eq(FLAGS(f), FPSCR_UFC);
    fixture_free(f);
}
END_TEST

START_TEST(test_rounding_modes)
{
    static const struct {
        unsigned rmode;
        uint32_t third, minus_third;
    } cases[] = {
        { FP_ROUND_NEAREST, 0x3eaaaaabu, 0xbeaaaaabu },
        { FP_ROUND_PLUS_INF, 0x3eaaaaabu, 0xbeaaaaaau },
        { FP_ROUND_MINUS_INF, 0x3eaaaaaau, 0xbeaaaaabu },
        { FP_ROUND_ZERO, 0x3eaaaaaau, 0xbeaaaaaau },
    };
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        f->cpu.vfp.fpscr = cases[i].rmode << FPSCR_RMODE_SHIFT;
        S(f, 1) = 0x3f800000u;
        S(f, 2) = 0x40400000u;
        run(f, VDIV_S0_S1_S2);
        ck_assert_uint_eq(S(f, 0), cases[i].third);
        S(f, 1) = 0xbf800000u;
        run(f, VDIV_S0_S1_S2);
        ck_assert_uint_eq(S(f, 0), cases[i].minus_third);
    }
    /* VCVTR uses the FPSCR mode, VCVT always rounds towards zero. */
    f->cpu.vfp.fpscr = (uint32_t)FP_ROUND_MINUS_INF << FPSCR_RMODE_SHIFT;
    S(f, 1) = 0xbfc00000u;   /* -1.5 */
    run(f, VCVTR_S32_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0xfffffffeu);
    run(f, VCVT_S32_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0xffffffffu);
    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0x40200000u;   /* 2.5: ties to even */
    run(f, VCVTR_S32_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 2);
    fixture_free(f);
}
END_TEST

/* FPToFixed saturates with Invalid Operation and no Inexact; NaN -> 0. */
START_TEST(test_conversions)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    S(f, 1) = 0x4f32d05eu;   /* 3e9 */
    run(f, VCVT_S32_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0x7fffffffu);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);
    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0x7fc00000u;
    run(f, VCVT_S32_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);
    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0xbf000000u;   /* -0.5 */
    run(f, VCVT_S32_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IXC);
    f->cpu.vfp.fpscr = 0;
    D(f, 1) = 0xbff0000000000000ull;   /* -1.0 to unsigned */
    run(f, VCVT_U32_F64_S0_D1);
    ck_assert_uint_eq(S(f, 0), 0);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);

    f->cpu.vfp.fpscr = 0;
    S(f, 1) = 0xfffffffdu;
    run(f, VCVT_F32_S32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0xc0400000u);   /* -3.0 */
    S(f, 2) = 0xffffffffu;
    run(f, VCVT_F64_U32_D0_S2);
    ck_assert_uint_eq(D(f, 0), 0x41efffffffe00000ull);
    ck_assert_uint_eq(FLAGS(f), 0);

    /* Precision changes: a signalling NaN is quietened (IOC); overflow. */
    S(f, 2) = 0x7f800001u;
    run(f, VCVT_F64_F32_D0_S2);
    ck_assert_uint_eq(D(f, 0), 0x7ff8000020000000ull);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);
    f->cpu.vfp.fpscr = 0;
    D(f, 1) = 0x7e37e43c8800759cull;   /* 1e300 */
    run(f, VCVT_F32_F64_S0_D1);
    ck_assert_uint_eq(S(f, 0), 0x7f800000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_OFC | FPSCR_IXC);

    /* Fixed point, in place: 2.5 as s16 with 4 fraction bits is 40;
     * -3000 saturates to -32768, sign-extended. */
    f->cpu.vfp.fpscr = 0;
    S(f, 0) = 0x40200000u;
    run(f, VCVT_S16_F32_S0_4);
    ck_assert_uint_eq(S(f, 0), 40);
    S(f, 0) = 0xc53b8000u;
    run(f, VCVT_S16_F32_S0_4);
    ck_assert_uint_eq(S(f, 0), 0xffff8000u);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);
    S(f, 0) = 0x180;   /* 384 / 256 */
    run(f, VCVT_F32_U32_S0_8);
    ck_assert_uint_eq(S(f, 0), 0x3fc00000u);

    /* Half precision: VCVTB writes the bottom half and keeps the top. */
    S(f, 0) = 0xabcd0000u;
    S(f, 1) = 0x3f800000u;
    run(f, VCVTB_F16_F32_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0xabcd3c00u);
    S(f, 1) = 0xc0001234u;   /* top half -2.0 */
    run(f, VCVTT_F32_F16_S0_S1);
    ck_assert_uint_eq(S(f, 0), 0xc0000000u);
    fixture_free(f);
}
END_TEST

/* VCMP sets FPSCR.NZCV; VMRS APSR_nzcv, FPSCR copies it to the CPSR. */
START_TEST(test_compare)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    S(f, 0) = 0x3f800000u;
    S(f, 1) = 0x40000000u;
    run(f, VCMP_S0_S1);
    ck_assert_uint_eq(f->cpu.vfp.fpscr >> 28, 0x8);
    f->cpu.z = f->cpu.c = f->cpu.v = 1;
    run(f, VMRS_APSR_FPSCR);
    ck_assert_uint_eq(f->cpu.n, 1);
    ck_assert_uint_eq(f->cpu.z | f->cpu.c | f->cpu.v, 0);

    S(f, 1) = 0x3f800000u;
    run(f, VCMP_S0_S1);
    ck_assert_uint_eq(f->cpu.vfp.fpscr >> 28, 0x6);
    S(f, 1) = 0xbf800000u;
    run(f, VCMP_S0_S1);
    ck_assert_uint_eq(f->cpu.vfp.fpscr >> 28, 0x2);

    /* Unordered: a quiet NaN signals only with VCMPE. */
    S(f, 1) = 0x7fc00000u;
    run(f, VCMP_S0_S1);
    ck_assert_uint_eq(f->cpu.vfp.fpscr >> 28, 0x3);
    ck_assert_uint_eq(FLAGS(f), 0);
    run(f, VCMPE_S0_S1);
    ck_assert_uint_eq(FLAGS(f), FPSCR_IOC);

    D(f, 0) = 0x8000000000000000ull;   /* -0 == +0 */
    run(f, VCMP_D0_ZERO);
    ck_assert_uint_eq(f->cpu.vfp.fpscr >> 28, 0x6);
    fixture_free(f);
}
END_TEST

START_TEST(test_transfers)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    f->cpu.r[2] = 0x11223344u;
    f->cpu.r[3] = 0x55667788u;
    run(f, VMOV_S3_R2);
    ck_assert_uint_eq(S(f, 3), 0x11223344u);
    f->cpu.r[2] = 0;
    run(f, VMOV_R2_S3);
    ck_assert_uint_eq(f->cpu.r[2], 0x11223344u);

    run(f, VMOV_D5_R2_R3);
    ck_assert_uint_eq(D(f, 5), 0x5566778811223344ull);
    D(f, 5) = 0x0102030405060708ull;
    run(f, VMOV_R2_R3_D5);
    ck_assert_uint_eq(f->cpu.r[2], 0x05060708u);
    ck_assert_uint_eq(f->cpu.r[3], 0x01020304u);
    run(f, VMOV_S4_S5_R2_R3);
    ck_assert_uint_eq(S(f, 4), 0x05060708u);
    ck_assert_uint_eq(S(f, 5), 0x01020304u);

    D(f, 1) = 0;
    f->cpu.r[2] = 0xdeadbeefu;
    run(f, VMOV_32_D1_1_R2);
    ck_assert_uint_eq(D(f, 1), 0xdeadbeef00000000ull);
    D(f, 1) = 0x8899aabbccddeeffull;
    run(f, VMOV_U8_R2_D1_5);
    ck_assert_uint_eq(f->cpu.r[2], 0xaa);
    run(f, VMOV_S16_R2_D1_3);
    ck_assert_uint_eq(f->cpu.r[2], 0xffff8899u);
    f->cpu.r[2] = 0x1234567fu;
    run(f, VDUP_8_Q1_R2);
    ck_assert_uint_eq(D(f, 2), 0x7f7f7f7f7f7f7f7full);
    ck_assert_uint_eq(D(f, 3), 0x7f7f7f7f7f7f7f7full);

    /* VMSR FPSCR keeps only the implemented bits (no trap enables). */
    f->cpu.r[0] = 0xffffffffu;
    run(f, VMSR_FPSCR_R0);
    ck_assert_uint_eq(f->cpu.vfp.fpscr, FPSCR_WRITABLE);
    f->cpu.r[0] = 0;
    run(f, VMRS_R0_FPSCR);
    ck_assert_uint_eq(f->cpu.r[0], 0xfff7009fu);
    fixture_free(f);
}
END_TEST

START_TEST(test_loads_stores)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    fixture_write32(f, FIXTURE_DATA + 8, 0x33333333u);
    fixture_write32(f, FIXTURE_DATA + 12, 0x44444444u);
    f->cpu.r[0] = FIXTURE_DATA;
    run(f, VLDR_D0_R0_8);
    ck_assert_uint_eq(D(f, 0), 0x4444444433333333ull);

    S(f, 1) = 0xcafef00du;
    f->cpu.r[0] = FIXTURE_DATA + 0x20;
    run(f, VSTR_S1_R0_M4);
    ck_assert_uint_eq(fixture_read32(f, FIXTURE_DATA + 0x1c), 0xcafef00du);
    ck_assert_uint_eq(f->cpu.r[0], FIXTURE_DATA + 0x20);

    /* VPUSH/VPOP: full descending stack, D8 at the lowest address. */
    D(f, 8) = 0x0808080808080808ull;
    D(f, 9) = 0x0909090909090909ull;
    f->cpu.r[13] = FIXTURE_DATA + 0x100;
    run(f, VPUSH_D8_D9);
    ck_assert_uint_eq(f->cpu.r[13], FIXTURE_DATA + 0xf0);
    ck_assert_uint_eq(fixture_read32(f, FIXTURE_DATA + 0xf0), 0x08080808u);
    ck_assert_uint_eq(fixture_read32(f, FIXTURE_DATA + 0xfc), 0x09090909u);
    D(f, 8) = D(f, 9) = 0;
    run(f, VPOP_D8_D9);
    ck_assert_uint_eq(f->cpu.r[13], FIXTURE_DATA + 0x100);
    ck_assert_uint_eq(D(f, 8), 0x0808080808080808ull);
    ck_assert_uint_eq(D(f, 9), 0x0909090909090909ull);

    for (unsigned i = 0; i < 4; i++)
        fixture_write32(f, FIXTURE_DATA + 0x40 + 4 * i, 0xa0 + i);
    f->cpu.r[0] = FIXTURE_DATA + 0x40;
    run(f, VLDMIA_R0_S0_S3);
    ck_assert_uint_eq(S(f, 0), 0xa0);
    ck_assert_uint_eq(S(f, 3), 0xa3);
    ck_assert_uint_eq(f->cpu.r[0], FIXTURE_DATA + 0x50);
    run(f, VSTMDB_R0_D0_D1);
    ck_assert_uint_eq(f->cpu.r[0], FIXTURE_DATA + 0x40);
    ck_assert_uint_eq(fixture_read32(f, FIXTURE_DATA + 0x4c), 0xa3);
    fixture_free(f);
}
END_TEST

/* VFPv4 fused multiply-add: one rounding (A15), UNDEFINED on the A9. */
START_TEST(test_fused_multiply_add)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    /* (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 exactly; the product alone
     * rounds to 1 + 2^-11, so VMLA gives 0. */
    S(f, 0) = 0xbf801000u;
    S(f, 1) = S(f, 2) = 0x3f800800u;
    run(f, VFMA_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0x33800000u);
    S(f, 0) = 0xbf801000u;
    run(f, VMLA_S0_S1_S2);
    ck_assert_uint_eq(S(f, 0), 0);
    D(f, 0) = 0x3ff0000000000000ull;
    D(f, 1) = 0x4000000000000000ull;
    D(f, 2) = 0x4008000000000000ull;
    run(f, VFMA_D0_D1_D2);
    ck_assert_uint_eq(D(f, 0), 0x401c000000000000ull);   /* 7.0 */
    fixture_free(f);

    f = vfp_fixture(&cpu_model_cortex_a9);
    ck_assert_int_eq(run(f, VFMA_D0_D1_D2), 0x04);
    fixture_free(f);
}
END_TEST

/* Short vectors are not implemented by these cores: LEN != 0 makes data
 * processing UNDEFINED, transfers still work. */
START_TEST(test_short_vectors_undefined)
{
    struct cpu_fixture *f = vfp_fixture(&cpu_model_cortex_a15);
    f->cpu.vfp.fpscr = 1u << 16;
    ck_assert_int_eq(run(f, VADD_S0_S1_S2), 0x04);
    cpu_switch_mode(&f->cpu, MODE_SVC);
    f->cpu.r[2] = 7;
    ck_assert_int_eq(run(f, VMOV_S3_R2), -1);
    ck_assert_uint_eq(S(f, 3), 7);
    fixture_free(f);
}
END_TEST

Suite *vfp_suite(void)
{
    Suite *s = suite_create("vfp");
    TCase *tc = tcase_create("vfp");
    tcase_add_test(tc, test_id_registers);
    tcase_add_test(tc, test_access_control);
    tcase_add_test(tc, test_arithmetic);
    tcase_add_test(tc, test_nan_rules);
    tcase_add_test(tc, test_flush_to_zero_and_underflow);
    tcase_add_test(tc, test_rounding_modes);
    tcase_add_test(tc, test_conversions);
    tcase_add_test(tc, test_compare);
    tcase_add_test(tc, test_transfers);
    tcase_add_test(tc, test_loads_stores);
    tcase_add_test(tc, test_fused_multiply_add);
    tcase_add_test(tc, test_short_vectors_undefined);
    suite_add_tcase(s, tc);
    return s;
}
