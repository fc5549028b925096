/*
 * The VFP/NEON behaviour that tests/diff/unicorn-diff cannot compare
 * because unicorn 2.0.1 (QEMU 5.0) deviates from the ARM ARM there (its
 * --list-exclusions, "(fp)"): here armhv's side is pinned to the
 * architecture, through the ARM executor on a Cortex-A15.
 *
 *  - UNDEFINED encodings QEMU executes: VMUL.F32 with sz<1> = 1 and
 *    VQDMULL with U = 1 (DDI 0406C A7.4.1 Table A7-9, A7.4.2 Table A7-10);
 *  - FPSCR.Len != 0 on a core without short vectors: every VFP
 *    data-processing instruction UNDEFs, VCMP and VCVT too (Cortex-A9
 *    NEON MPE TRM, FPSCR.Len), where QEMU runs those two as scalars;
 *  - alignment: VLDR/VLDM are word-aligned whatever SCTLR.A says (DDI
 *    0406C A3.2.1), and each VLDn/VSTn alignment hint requires exactly
 *    the alignment its pseudocode computes (A8.8.320 ff.): QEMU 5.0
 *    checks neither. The table below covers every way a hint is encoded
 *    (multiple structures, one lane, all lanes incl. VLD4.32 size = 11).
 * Encodings come from arm-none-eabi-as (.fpu neon-vfpv4).
 */
#include <check.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/vfp.h"
#include "cpu_fixture.h"

static struct cpu_fixture *fp_fixture(void)
{
    struct cpu_fixture *f = fixture_init_model(&cpu_model_cortex_a15);
    ck_assert_ptr_nonnull(f);
    f->cpu.cp15.cpacr = 0x00f00000u;
    f->cpu.vfp.fpexc = FPEXC_EN;
    return f;
}

/* Runs one A32 instruction at FIXTURE_CODE in SVC mode; returns the
 * vector taken (0x04 undefined, 0x10 data abort) or -1. */
static int run(struct cpu_fixture *f, uint32_t insn)
{
    cpu_switch_mode(&f->cpu, MODE_SVC);
    f->next = FIXTURE_CODE;
    f->cpu.r[15] = FIXTURE_CODE;
    fixture_put_insn(f, insn);
    fixture_step(f, 1);
    return fixture_vector(f);
}

#define D(f, n) ((f)->cpu.vfp.d[n])

START_TEST(test_undefined_encodings_qemu_accepts)
{
    struct cpu_fixture *f = fp_fixture();
    D(f, 0) = 0x1111111111111111ull;
    D(f, 1) = 0x3f8000003f800000ull;   /* 1.0f, 1.0f */
    D(f, 2) = 0x4000000040000000ull;   /* 2.0f, 2.0f */

    /* vmul.f32 d0, d1, d2, and the same with bit 21 (sz<1>) set */
    ck_assert_int_eq(run(f, 0xf3010d12u), -1);
    ck_assert_uint_eq(D(f, 0), 0x4000000040000000ull);
    D(f, 0) = 0x1111111111111111ull;
    ck_assert_int_eq(run(f, 0xf3210d12u), 0x04);
    ck_assert_uint_eq(D(f, 0), 0x1111111111111111ull);

    /* vqdmull.s16 q0, d1, d2, and the same with U = 1 */
    ck_assert_int_eq(run(f, 0xf3910d02u), 0x04);
    ck_assert_uint_eq(D(f, 0), 0x1111111111111111ull);
    ck_assert_int_eq(run(f, 0xf2910d02u), -1);
    ck_assert_uint_ne(D(f, 0), 0x1111111111111111ull);
    fixture_free(f);
}
END_TEST

START_TEST(test_short_vector_length_undefs_compare_and_convert)
{
    struct cpu_fixture *f = fp_fixture();
    static const uint32_t scalar_only[] = {
        0xeeb40a60u,   /* vcmp.f32 s0, s1 */
        0xeeb70ac1u,   /* vcvt.f64.f32 d0, s2 */
    };
    for (unsigned stride = 0; stride < 2; stride++) {
        for (size_t i = 0; i < sizeof(scalar_only) / sizeof(scalar_only[0]); i++) {
            uint32_t fpscr = stride ? 3u << 20 : 1u << 16;   /* Stride = 2, or Len = 2 */
            f->cpu.vfp.fpscr = fpscr;
            D(f, 0) = 0x2222222222222222ull;
            ck_assert_int_eq(run(f, scalar_only[i]), 0x04);
            ck_assert_uint_eq(D(f, 0), 0x2222222222222222ull);
            ck_assert_uint_eq(f->cpu.vfp.fpscr, fpscr);
        }
    }
    f->cpu.vfp.fpscr = 0;
    ck_assert_int_eq(run(f, 0xeeb70ac1u), -1);
    fixture_free(f);
}
END_TEST

/* An alignment fault: Data Abort, DFSR.FS = 0b00001, DFAR = the address. */
static void assert_alignment_fault(struct cpu_fixture *f, int vector, uint32_t addr)
{
    ck_assert_int_eq(vector, 0x10);
    ck_assert_uint_eq(f->cpu.cp15.dfsr & 0x40f, 0x1);
    ck_assert_uint_eq(f->cpu.cp15.dfar, addr);
}

START_TEST(test_vfp_loads_stores_need_word_alignment)
{
    struct cpu_fixture *f = fp_fixture();
    const uint32_t base = FIXTURE_DATA + 0x100;
    ck_assert_uint_eq(f->cpu.cp15.sctlr & SCTLR_A, 0);
    fixture_write32(f, base + 8, 0x89abcdefu);
    fixture_write32(f, base + 12, 0x01234567u);

    D(f, 0) = 0;
    f->cpu.r[0] = base + 2;                 /* vldr d0, [r0, #8] */
    assert_alignment_fault(f, run(f, 0xed900b02u), base + 10);
    ck_assert_uint_eq(D(f, 0), 0);
    f->cpu.r[0] = base;
    ck_assert_int_eq(run(f, 0xed900b02u), -1);
    ck_assert_uint_eq(D(f, 0), 0x0123456789abcdefull);

    f->cpu.r[0] = base + 0x21;              /* vstmdb r0!, {d0-d1} */
    assert_alignment_fault(f, run(f, 0xed200b04u), base + 0x11);
    ck_assert_uint_eq(f->cpu.r[0], base + 0x21);
    ck_assert_uint_eq(fixture_read32(f, base + 0x14), 0);
    fixture_free(f);
}
END_TEST

/* A hinted VLDn/VSTn (Rn = r0, no writeback) and the alignment it needs. */
struct hinted {
    uint32_t insn;
    uint32_t align;
};

static const struct hinted hinted_forms[] = {
    { 0xf420071fu, 8 },    /* vld1.8 {d0}, [r0:64] */
    { 0xf4200a2fu, 16 },   /* vld1.8 {d0-d1}, [r0:128] */
    { 0xf420023fu, 32 },   /* vld1.8 {d0-d3}, [r0:256] */
    { 0xf420045fu, 8 },    /* vld3.16 {d0-d2}, [r0:64] */
    { 0xf42003bfu, 32 },   /* vld2.32 {d0-d3}, [r0:256] */
    { 0xf4a008bfu, 4 },    /* vld1.32 {d0[1]}, [r0:32] */
    { 0xf4a0055fu, 4 },    /* vld2.16 {d0[1], d1[1]}, [r0:32] */
    { 0xf4a00b2fu, 16 },   /* vld4.32 {d0[0]-d3[0]}, [r0:128] */
    { 0xf480033fu, 4 },    /* vst4.8 {d0[1]-d3[1]}, [r0:32] */
    { 0xf4a00d5fu, 4 },    /* vld2.16 {d0[], d1[]}, [r0:32]: 2 * ebytes */
    { 0xf4a00f5fu, 8 },    /* vld4.16 {d0[]-d3[]}, [r0:64]: 4 * ebytes */
    { 0xf4a00fdfu, 16 },   /* vld4.32 {d0[]-d3[]}, [r0:128]: size = 11 */
};

START_TEST(test_neon_alignment_hints)
{
    struct cpu_fixture *f = fp_fixture();
    const uint32_t base = FIXTURE_DATA + 0x200;   /* 64-byte aligned */
    const struct hinted *h = &hinted_forms[_i];

    /* aligned to the hint: runs */
    f->cpu.r[0] = base + h->align;
    ck_assert_int_eq(run(f, h->insn), -1);
    /* half the hint (the next smaller alignment): faults */
    uint32_t addr = base + h->align / 2;
    f->cpu.r[0] = addr;
    assert_alignment_fault(f, run(f, h->insn), addr);
    ck_assert_uint_eq(f->cpu.r[0], addr);
    fixture_free(f);
}
END_TEST

/* Without a hint and with SCTLR.A = 0 any address works. */
START_TEST(test_neon_unhinted_unaligned)
{
    struct cpu_fixture *f = fp_fixture();
    fixture_write32(f, FIXTURE_DATA, 0x44332211u);
    fixture_write32(f, FIXTURE_DATA + 4, 0x88776655u);
    fixture_write32(f, FIXTURE_DATA + 8, 0xccbbaa99u);
    f->cpu.r[0] = FIXTURE_DATA + 3;
    ck_assert_int_eq(run(f, 0xf420070fu), -1);   /* vld1.8 {d0}, [r0] */
    ck_assert_uint_eq(D(f, 0), 0xbbaa998877665544ull);
    fixture_free(f);
}
END_TEST

Suite *vfp_neon_diff_suite(void)
{
    Suite *s = suite_create("vfp_neon_diff");
    TCase *tc = tcase_create("vfp_neon_diff");
    tcase_add_test(tc, test_undefined_encodings_qemu_accepts);
    tcase_add_test(tc, test_short_vector_length_undefs_compare_and_convert);
    tcase_add_test(tc, test_vfp_loads_stores_need_word_alignment);
    tcase_add_loop_test(tc, test_neon_alignment_hints, 0,
                        (int)(sizeof(hinted_forms) / sizeof(hinted_forms[0])));
    tcase_add_test(tc, test_neon_unhinted_unaligned);
    suite_add_tcase(s, tc);
    return s;
}
