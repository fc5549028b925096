/*
 * The ARMv6/ARMv6K/ARMv6T2/ARMv7-A additions to the ARM (A32) instruction
 * set, run instruction by instruction on a Cortex-A15 (and, for the model
 * gating, a Cortex-A9 and the ARM926EJ-S), tests/unit/cpu_fixture.h.
 *
 * Why: Debian's armmp kernel and userland are built for ARMv7 and use these
 * encodings everywhere (MOVW/MOVT for every constant, LDREX/STREX for
 * every atomic, UADD8/SEL in glibc's string functions, SRS/RFE/CPS in the
 * exception paths); an ARMv5 core must still UNDEF all of them. Expected
 * values are worked out by hand from the ARM ARM (DDI 0406C) pseudocode:
 * A8.8 for the instructions, A2.2.1 for GE and Q, A3.2.1 for the alignment
 * rules, A3.4 for the exclusive monitor, B9.3 for the system instructions.
 */
#include <check.h>
#include <stdint.h>

#include "cpu/arm_exec.h"
#include "cpu/cpu.h"
#include "cpu/vfp.h"
#include "cpu_fixture.h"

#define D FIXTURE_DATA
#define VEC_UNDEF 0x04
#define VEC_SVC 0x08
#define VEC_DABT 0x10

static struct cpu_fixture *a15(void)
{
    struct cpu_fixture *f = fixture_init_model(&cpu_model_cortex_a15);
    ck_assert_ptr_nonnull(f);
    return f;
}

/* Runs insn alone at FIXTURE_CODE (rewritten, so it is decoded afresh). */
static void run1(struct cpu_fixture *f, uint32_t insn)
{
    f->next = FIXTURE_CODE;
    fixture_put_insn(f, insn);
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, 1), 1);
}

/* Runs insn and checks it completed without an exception. */
static void run_ok(struct cpu_fixture *f, uint32_t insn)
{
    run1(f, insn);
    ck_assert_msg(f->cpu.r[15] == FIXTURE_CODE + 4, "0x%08x: pc 0x%08x", insn, f->cpu.r[15]);
}

static void expect_vector(struct cpu_fixture *f, uint32_t insn, int vector)
{
    run1(f, insn);
    ck_assert_msg(fixture_vector(f) == vector, "0x%08x: pc 0x%08x, want vector 0x%02x", insn,
                  f->cpu.r[15], vector);
    /* back to SVC mode at the code for the next case */
    cpu_set_cpsr(&f->cpu, MODE_SVC | PSR_I | PSR_F, PSR_M_MASK | PSR_I | PSR_F | PSR_T);
}

/* ---- MOVW/MOVT, multiplies ---- */

START_TEST(test_movw_movt)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    cpu->r[0] = 0xdeadbeef;
    run_ok(f, 0xe3010234);                      /* movw r0, #0x1234 */
    ck_assert_uint_eq(cpu->r[0], 0x00001234);
    run_ok(f, 0xe34a0bcd);                      /* movt r0, #0xabcd */
    ck_assert_uint_eq(cpu->r[0], 0xabcd1234);
    run_ok(f, 0xe30f5fff);                      /* movw r5, #0xffff */
    ck_assert_uint_eq(cpu->r[5], 0x0000ffff);
    expect_vector(f, 0xe300f000, VEC_UNDEF);    /* movw pc, #0: UNPREDICTABLE */
    fixture_free(f);
}
END_TEST

START_TEST(test_umaal_mls)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    /* umaal r4, r5, r1, r2: (2^32-1)^2 + 2 (2^32-1) = 2^64 - 1 */
    cpu->r[1] = cpu->r[2] = cpu->r[4] = cpu->r[5] = 0xffffffff;
    run_ok(f, 0xe0454291);
    ck_assert_uint_eq(cpu->r[4], 0xffffffff);
    ck_assert_uint_eq(cpu->r[5], 0xffffffff);
    cpu->r[1] = 3;
    cpu->r[2] = 4;
    cpu->r[4] = 10;
    cpu->r[5] = 1;
    run_ok(f, 0xe0454291);                       /* 12 + 10 + 1 */
    ck_assert_uint_eq(cpu->r[4], 23);
    ck_assert_uint_eq(cpu->r[5], 0);
    /* mls r0, r1, r2, r3: r3 - r1 * r2 */
    cpu->r[3] = 100;
    run_ok(f, 0xe0603291);
    ck_assert_uint_eq(cpu->r[0], 88);
    cpu->r[3] = 0;
    run_ok(f, 0xe0603291);
    ck_assert_uint_eq(cpu->r[0], (uint32_t)-12);
    fixture_free(f);
}
END_TEST

/* ---- parallel add/subtract, GE, SEL ---- */

START_TEST(test_parallel_ge_sel)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    /* uadd8 r0, r1, r2: lanes 3 and 2 carry out -> GE = 1100 */
    cpu->r[1] = 0x80ff0102;
    cpu->r[2] = 0x80010203;
    run_ok(f, 0xe6510f92);
    ck_assert_uint_eq(cpu->r[0], 0x00000305);
    ck_assert_uint_eq(cpu->ge, 0xc);
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_GE_MASK, 0xcu << 16);
    /* sel r3, r4, r5: bytes 3, 2 from r4, 1, 0 from r5 */
    cpu->r[4] = 0x11223344;
    cpu->r[5] = 0xaabbccdd;
    run_ok(f, 0xe6843fb5);
    ck_assert_uint_eq(cpu->r[3], 0x1122ccdd);

    /* usub8: GE set where no borrow */
    cpu->r[1] = 0x10203040;
    cpu->r[2] = 0x20202020;
    run_ok(f, 0xe6510ff2);
    ck_assert_uint_eq(cpu->r[0], 0xf0001020);
    ck_assert_uint_eq(cpu->ge, 0x7);

    /* sadd16: high lane 0x7fff + 1 = +32768 >= 0, low -32768 + 1 < 0 */
    cpu->r[1] = 0x7fff8000;
    cpu->r[2] = 0x00010001;
    run_ok(f, 0xe6110f12);
    ck_assert_uint_eq(cpu->r[0], 0x80008001);
    ck_assert_uint_eq(cpu->ge, 0xc);

    /* sasx: low = 3 - 2, high = 5 + 1 */
    cpu->r[1] = 0x00050003;
    cpu->r[2] = 0x00020001;
    run_ok(f, 0xe6110f32);
    ck_assert_uint_eq(cpu->r[0], 0x00060001);
    ck_assert_uint_eq(cpu->ge, 0xf);

    /* qadd16 saturates each lane and leaves GE and Q alone */
    cpu->q = 0;
    cpu->r[1] = 0x7fff8000;
    cpu->r[2] = 0x00018000;
    run_ok(f, 0xe6210f12);
    ck_assert_uint_eq(cpu->r[0], 0x7fff8000);
    ck_assert_uint_eq(cpu->ge, 0xf);
    ck_assert_uint_eq(cpu->q, 0);

    /* uqsub8 clamps at 0 */
    cpu->r[1] = 0x05ff0010;
    cpu->r[2] = 0x10010001;
    run_ok(f, 0xe6610ff2);
    ck_assert_uint_eq(cpu->r[0], 0x00fe000f);

    /* uhadd16: the 17-bit sum halved */
    cpu->r[1] = 0xffff0001;
    cpu->r[2] = 0x00010001;
    run_ok(f, 0xe6710f12);
    ck_assert_uint_eq(cpu->r[0], 0x80000001);

    /* shsub8: (-128 - 127) >> 1 = -128 */
    cpu->r[1] = 0x00000080;
    cpu->r[2] = 0x0000007f;
    run_ok(f, 0xe6310ff2);
    ck_assert_uint_eq(cpu->r[0], 0x00000080);

    /* op1 = 00 and op2 = 101 are UNDEFINED */
    expect_vector(f, 0xe6010f12, VEC_UNDEF);
    expect_vector(f, 0xe6110fb2, VEC_UNDEF);
    fixture_free(f);
}
END_TEST

START_TEST(test_usad8)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    cpu->r[1] = 0x01020304;
    cpu->r[2] = 0x04030201;
    run_ok(f, 0xe780f211);                       /* usad8 r0, r1, r2 */
    ck_assert_uint_eq(cpu->r[0], 8);
    cpu->r[3] = 100;
    run_ok(f, 0xe7803211);                       /* usada8 r0, r1, r2, r3 */
    ck_assert_uint_eq(cpu->r[0], 108);
    fixture_free(f);
}
END_TEST

/* ---- saturation ---- */

START_TEST(test_saturate)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->q = 0;
    cpu->r[1] = 100;
    run_ok(f, 0xe6a70011);                       /* ssat r0, #8, r1 */
    ck_assert_uint_eq(cpu->r[0], 100);
    ck_assert_uint_eq(cpu->q, 0);
    cpu->r[1] = 300;
    run_ok(f, 0xe6a70011);
    ck_assert_uint_eq(cpu->r[0], 127);
    ck_assert_uint_eq(cpu->q, 1);
    cpu->q = 0;
    cpu->r[1] = (uint32_t)-300;
    run_ok(f, 0xe6a70011);
    ck_assert_uint_eq(cpu->r[0], 0xffffff80);
    ck_assert_uint_eq(cpu->q, 1);

    /* ssat r0, #16, r1, asr #4: 0x100000 >> 4 = 65536 -> 32767 */
    cpu->q = 0;
    cpu->r[1] = 0x00100000;
    run_ok(f, 0xe6af0251);
    ck_assert_uint_eq(cpu->r[0], 0x7fff);
    ck_assert_uint_eq(cpu->q, 1);
    /* ssat r0, #32, r1, asr #32: never clips */
    cpu->q = 0;
    cpu->r[1] = 0x80000000;
    run_ok(f, 0xe6bf0051);
    ck_assert_uint_eq(cpu->r[0], 0xffffffff);
    ck_assert_uint_eq(cpu->q, 0);

    /* usat r0, #8, r1 */
    cpu->r[1] = (uint32_t)-5;
    run_ok(f, 0xe6e80011);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(cpu->q, 1);
    cpu->q = 0;
    cpu->r[1] = 200;
    run_ok(f, 0xe6e80011);
    ck_assert_uint_eq(cpu->r[0], 200);
    ck_assert_uint_eq(cpu->q, 0);
    cpu->r[1] = 0x1ff;
    run_ok(f, 0xe6e80011);
    ck_assert_uint_eq(cpu->r[0], 0xff);
    ck_assert_uint_eq(cpu->q, 1);

    /* ssat16 r0, #8, r1: 256 -> 127, -256 -> -128 */
    cpu->q = 0;
    cpu->r[1] = 0x0100ff00;
    run_ok(f, 0xe6a70f31);
    ck_assert_uint_eq(cpu->r[0], 0x007fff80);
    ck_assert_uint_eq(cpu->q, 1);
    /* usat16 r0, #4, r1: -16 -> 0, 32 -> 15 */
    cpu->q = 0;
    cpu->r[1] = 0xfff00020;
    run_ok(f, 0xe6e40f31);
    ck_assert_uint_eq(cpu->r[0], 0x0000000f);
    ck_assert_uint_eq(cpu->q, 1);
    fixture_free(f);
}
END_TEST

/* ---- extend, reverse, pack ---- */

START_TEST(test_extend)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = 0x12348056;
    run_ok(f, 0xe6af0471);                       /* sxtb r0, r1, ror #8 */
    ck_assert_uint_eq(cpu->r[0], 0xffffff80);
    cpu->r[1] = 0x12345678;
    run_ok(f, 0xe6ff0871);                       /* uxth r0, r1, ror #16 */
    ck_assert_uint_eq(cpu->r[0], 0x1234);
    cpu->r[1] = 0x00800080;
    run_ok(f, 0xe68f0071);                       /* sxtb16 r0, r1 */
    ck_assert_uint_eq(cpu->r[0], 0xff80ff80);
    cpu->r[1] = 0x11ff22ee;
    cpu->r[2] = 0x00010002;
    run_ok(f, 0xe6c20071);                       /* uxtab16 r0, r2, r1 */
    ck_assert_uint_eq(cpu->r[0], 0x010000f0);
    cpu->r[1] = 0x0000fffe;
    cpu->r[2] = 10;
    run_ok(f, 0xe6b20071);                       /* sxtah r0, r2, r1 */
    ck_assert_uint_eq(cpu->r[0], 8);
    cpu->r[1] = 0xffffff01;
    cpu->r[2] = 0xffffffff;
    run_ok(f, 0xe6e20071);                       /* uxtab r0, r2, r1 */
    ck_assert_uint_eq(cpu->r[0], 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_reverse_pack)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = 0x12345678;
    run_ok(f, 0xe6bf0f31);                       /* rev r0, r1 */
    ck_assert_uint_eq(cpu->r[0], 0x78563412);
    run_ok(f, 0xe6bf0fb1);                       /* rev16 r0, r1 */
    ck_assert_uint_eq(cpu->r[0], 0x34127856);
    run_ok(f, 0xe6ff0f31);                       /* rbit r0, r1 */
    ck_assert_uint_eq(cpu->r[0], 0x1e6a2c48);
    cpu->r[1] = 0x000080ff;
    run_ok(f, 0xe6ff0fb1);                       /* revsh r0, r1 */
    ck_assert_uint_eq(cpu->r[0], 0xffffff80);

    cpu->r[1] = 0x1111aaaa;
    cpu->r[2] = 0x00bbcc00;
    run_ok(f, 0xe6810412);                       /* pkhbt r0, r1, r2, lsl #8 */
    ck_assert_uint_eq(cpu->r[0], 0xbbccaaaa);
    cpu->r[2] = 0x80000000;
    run_ok(f, 0xe6810852);                       /* pkhtb r0, r1, r2, asr #16 */
    ck_assert_uint_eq(cpu->r[0], 0x11118000);
    run_ok(f, 0xe6810052);                       /* pkhtb r0, r1, r2, asr #32 */
    ck_assert_uint_eq(cpu->r[0], 0x1111ffff);
    fixture_free(f);
}
END_TEST

/* ---- signed multiplies, divide ---- */

START_TEST(test_dual_multiply)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = 0x00020003;
    cpu->r[2] = 0x00040005;
    cpu->r[3] = 10;
    run_ok(f, 0xe7003211);                       /* smlad r0, r1, r2, r3: 15 + 8 + 10 */
    ck_assert_uint_eq(cpu->r[0], 33);
    run_ok(f, 0xe7003231);                       /* smladx: 3*4 + 2*5 + 10 */
    ck_assert_uint_eq(cpu->r[0], 32);
    run_ok(f, 0xe7003251);                       /* smlsd: 15 - 8 + 10 */
    ck_assert_uint_eq(cpu->r[0], 17);
    run_ok(f, 0xe700f251);                       /* smusd: 15 - 8 */
    ck_assert_uint_eq(cpu->r[0], 7);

    /* smuad: 0x8000 * 0x8000 twice = 2^31 overflows: Q */
    cpu->q = 0;
    cpu->r[1] = 0x80008000;
    cpu->r[2] = 0x80008000;
    run_ok(f, 0xe700f211);
    ck_assert_uint_eq(cpu->r[0], 0x80000000);
    ck_assert_uint_eq(cpu->q, 1);

    /* smlald r4, r5, r1, r2: 64-bit accumulate, no Q */
    cpu->q = 0;
    cpu->r[1] = 0x00020003;
    cpu->r[2] = 0x00040005;
    cpu->r[4] = 0xffffffff;
    cpu->r[5] = 0;
    run_ok(f, 0xe7454211);
    ck_assert_uint_eq(cpu->r[4], 0x16);
    ck_assert_uint_eq(cpu->r[5], 1);
    /* smlsld r4, r5, r1, r2: 7 subtracted from... added: 15 - 8 */
    cpu->r[4] = 0;
    cpu->r[5] = 0;
    run_ok(f, 0xe7454251);
    ck_assert_uint_eq(cpu->r[4], 7);
    ck_assert_uint_eq(cpu->r[5], 0);

    /* smmul / smmulr: 3 * -2^31 = 0xfffffffe_80000000 */
    cpu->r[1] = 3;
    cpu->r[2] = 0x80000000;
    run_ok(f, 0xe750f211);
    ck_assert_uint_eq(cpu->r[0], 0xfffffffe);
    run_ok(f, 0xe750f231);
    ck_assert_uint_eq(cpu->r[0], 0xffffffff);
    /* smmla r0, r1, r2, r3: (1 << 32) + 2^32 */
    cpu->r[1] = 0x40000000;
    cpu->r[2] = 4;
    cpu->r[3] = 1;
    run_ok(f, 0xe7503211);
    ck_assert_uint_eq(cpu->r[0], 2);
    /* smmls r0, r1, r2, r3: (5 << 32) - 2^32 */
    cpu->r[1] = 0x10000;
    cpu->r[2] = 0x10000;
    cpu->r[3] = 5;
    run_ok(f, 0xe75032d1);
    ck_assert_uint_eq(cpu->r[0], 4);
    ck_assert_uint_eq(cpu->q, 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_divide)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = (uint32_t)-7;
    cpu->r[2] = 2;
    run_ok(f, 0xe710f211);                       /* sdiv r0, r1, r2: towards zero */
    ck_assert_uint_eq(cpu->r[0], (uint32_t)-3);
    cpu->r[1] = 0x80000000;
    cpu->r[2] = 0xffffffff;
    run_ok(f, 0xe710f211);                       /* INT_MIN / -1 = INT_MIN */
    ck_assert_uint_eq(cpu->r[0], 0x80000000);
    cpu->r[2] = 0;
    cpu->r[0] = 1234;
    run_ok(f, 0xe710f211);                       /* / 0 = 0, no trap */
    ck_assert_uint_eq(cpu->r[0], 0);
    cpu->r[1] = 0xffffffff;
    cpu->r[2] = 2;
    run_ok(f, 0xe730f211);                       /* udiv */
    ck_assert_uint_eq(cpu->r[0], 0x7fffffff);
    cpu->r[2] = 0;
    run_ok(f, 0xe730f211);
    ck_assert_uint_eq(cpu->r[0], 0);
    fixture_free(f);

    /* The Cortex-A9 has no ARM-state divide (CPU_FEAT_DIV). */
    f = fixture_init_model(&cpu_model_cortex_a9);
    expect_vector(f, 0xe710f211, VEC_UNDEF);
    expect_vector(f, 0xe730f211, VEC_UNDEF);
    fixture_free(f);
}
END_TEST

/* ---- bitfields ---- */

START_TEST(test_bitfield)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[0] = 0xffffffff;
    run_ok(f, 0xe7cb021f);                       /* bfc r0, #4, #8 */
    ck_assert_uint_eq(cpu->r[0], 0xfffff00f);
    cpu->r[0] = 0;
    cpu->r[1] = 0xabcd;
    run_ok(f, 0xe7cb0411);                       /* bfi r0, r1, #8, #4 */
    ck_assert_uint_eq(cpu->r[0], 0x00000d00);
    cpu->r[0] = 0x12345678;
    cpu->r[1] = 0xcafebabe;
    run_ok(f, 0xe7df0011);                       /* bfi r0, r1, #0, #32 */
    ck_assert_uint_eq(cpu->r[0], 0xcafebabe);

    cpu->r[1] = 0x12345678;
    run_ok(f, 0xe7e70251);                       /* ubfx r0, r1, #4, #8 */
    ck_assert_uint_eq(cpu->r[0], 0x67);
    run_ok(f, 0xe7a70251);                       /* sbfx r0, r1, #4, #8 */
    ck_assert_uint_eq(cpu->r[0], 0x67);
    cpu->r[1] = 0x00000f80;
    run_ok(f, 0xe7a70251);
    ck_assert_uint_eq(cpu->r[0], 0xfffffff8);
    cpu->r[1] = 0x80000000;
    run_ok(f, 0xe7a00fd1);                       /* sbfx r0, r1, #31, #1 */
    ck_assert_uint_eq(cpu->r[0], 0xffffffff);

    /* msb < lsb and lsb + width > 32: UNPREDICTABLE, UNDEFINED */
    expect_vector(f, 0xe7c30211, VEC_UNDEF);     /* bfi r0, r1, lsb 4, msb 3 */
    expect_vector(f, 0xe7e70e51, VEC_UNDEF);     /* ubfx r0, r1, #28, #8 */
    fixture_free(f);
}
END_TEST

/* ---- exclusives ---- */

#define LDREX_R0_R1 0xe1910f9fu     /* ldrex r0, [r1] */
#define STREX_R2_R3_R1 0xe1812f93u  /* strex r2, r3, [r1] */

START_TEST(test_exclusive_pair)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    fixture_write32(f, D, 41);
    cpu->r[1] = D;
    cpu->r[3] = 42;
    run_ok(f, LDREX_R0_R1);
    ck_assert_uint_eq(cpu->r[0], 41);
    run_ok(f, STREX_R2_R3_R1);
    ck_assert_uint_eq(cpu->r[2], 0);
    ck_assert_uint_eq(fixture_read32(f, D), 42);
    /* the monitor is open again: a second STREX fails and stores nothing */
    cpu->r[3] = 43;
    run_ok(f, STREX_R2_R3_R1);
    ck_assert_uint_eq(cpu->r[2], 1);
    ck_assert_uint_eq(fixture_read32(f, D), 42);

    /* CLREX between them */
    run_ok(f, LDREX_R0_R1);
    run_ok(f, 0xf57ff01f);
    run_ok(f, STREX_R2_R3_R1);
    ck_assert_uint_eq(cpu->r[2], 1);
    ck_assert_uint_eq(fixture_read32(f, D), 42);

    /* another address */
    run_ok(f, LDREX_R0_R1);
    cpu->r[1] = D + 4;
    run_ok(f, STREX_R2_R3_R1);
    ck_assert_uint_eq(cpu->r[2], 1);
    cpu->r[1] = D;

    /* byte, halfword and doubleword forms */
    fixture_write32(f, D, 0x11223344);
    fixture_write32(f, D + 4, 0x55667788);
    run_ok(f, 0xe1d10f9f);                       /* ldrexb r0, [r1] */
    ck_assert_uint_eq(cpu->r[0], 0x44);
    cpu->r[3] = 0x1ab;
    run_ok(f, 0xe1c12f93);                       /* strexb r2, r3, [r1] */
    ck_assert_uint_eq(cpu->r[2], 0);
    ck_assert_uint_eq(fixture_read32(f, D), 0x112233ab);
    run_ok(f, 0xe1f10f9f);                       /* ldrexh r0, [r1] */
    ck_assert_uint_eq(cpu->r[0], 0x33ab);
    run_ok(f, 0xe1e12f93);                       /* strexh r2, r3, [r1] */
    ck_assert_uint_eq(cpu->r[2], 0);
    ck_assert_uint_eq(fixture_read32(f, D), 0x112201ab);
    run_ok(f, 0xe1b14f9f);                       /* ldrexd r4, r5, [r1] */
    ck_assert_uint_eq(cpu->r[4], 0x112201ab);
    ck_assert_uint_eq(cpu->r[5], 0x55667788);
    cpu->r[4] = 0xa;
    cpu->r[5] = 0xb;
    run_ok(f, 0xe1a12f94);                       /* strexd r2, r4, r5, [r1] */
    ck_assert_uint_eq(cpu->r[2], 0);
    ck_assert_uint_eq(fixture_read32(f, D), 0xa);
    ck_assert_uint_eq(fixture_read32(f, D + 4), 0xb);

    /* UNPREDICTABLE register choices UNDEF: strex r1, r3, [r1]; ldrexd r3 */
    expect_vector(f, 0xe1811f93, VEC_UNDEF);
    expect_vector(f, 0xe1b13f9f, VEC_UNDEF);
    fixture_free(f);
}
END_TEST

/*
 * An exception between LDREX and STREX: the handler's return (MOVS PC, LR)
 * clears the local monitor, so the interrupted sequence's STREX fails and
 * the code retries (A3.4.5: software must not rely on the monitor across
 * an exception; clearing is always allowed).
 */
START_TEST(test_exclusive_exception)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    fixture_write32(f, VEC_SVC, 0xe1b0f00e);     /* movs pc, lr */
    fixture_write32(f, D, 7);
    cpu->r[1] = D;
    cpu->r[3] = 8;
    fixture_put_insn(f, LDREX_R0_R1);
    fixture_put_insn(f, 0xef000000);             /* svc #0 */
    fixture_put_insn(f, STREX_R2_R3_R1);
    ck_assert_uint_eq(fixture_step(f, 4), 4);    /* ldrex, svc, movs, strex */
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 12);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert_uint_eq(cpu->r[2], 1);
    ck_assert_uint_eq(fixture_read32(f, D), 7);
    fixture_free(f);
}
END_TEST

/* Exclusives must be aligned to their size whatever SCTLR.A says. */
START_TEST(test_exclusive_alignment)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = D + 2;
    expect_vector(f, LDREX_R0_R1, VEC_DABT);
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x40f, 0x1);
    ck_assert_uint_eq(cpu->cp15.dfar, D + 2);
    cpu->r[1] = D + 4;
    expect_vector(f, 0xe1b14f9f, VEC_DABT);      /* ldrexd: 8-byte alignment */
    ck_assert_uint_eq(cpu->cp15.dfar, D + 4);
    cpu->r[1] = D + 1;
    expect_vector(f, 0xe1e12f93, VEC_DABT);      /* strexh */
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x80f, 0x801);   /* WnR */
    fixture_free(f);
}
END_TEST

/* ---- ARMv7 alignment rules ---- */

START_TEST(test_v7_alignment)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    ck_assert_uint_eq(cpu->cp15.sctlr & (SCTLR_U | SCTLR_A), SCTLR_U);
    fixture_write32(f, D, 0x44332211);
    fixture_write32(f, D + 4, 0x88776655);

    /* LDR and LDRH may be unaligned: no rotation, no fault */
    cpu->r[0] = D + 1;
    run_ok(f, 0xe5901000);                       /* ldr r1, [r0] */
    ck_assert_uint_eq(cpu->r[1], 0x55443322);
    run_ok(f, 0xe1d010b0);                       /* ldrh r1, [r0] */
    ck_assert_uint_eq(cpu->r[1], 0x3322);

    /* LDM/STM need word alignment: alignment fault (FS 0b00001) */
    cpu->r[0] = D + 2;
    expect_vector(f, 0xe8900006, VEC_DABT);      /* ldmia r0, {r1, r2} */
    ck_assert_uint_eq(cpu->cp15.dfsr & 0xc0f, 0x001);
    ck_assert_uint_eq(cpu->cp15.dfar, D + 2);
    expect_vector(f, 0xe8800006, VEC_DABT);      /* stmia r0, {r1, r2} */
    ck_assert_uint_eq(cpu->cp15.dfsr & 0xc0f, 0x801);
    ck_assert_uint_eq(fixture_read32(f, D), 0x44332211);
    fixture_free(f);
}
END_TEST

/* LDRHT/STRHT/LDRSBT/LDRSHT (ARMv6T2): unprivileged, post-indexed. */
START_TEST(test_unprivileged_halfword)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    fixture_write32(f, D, 0x8081f0f1);
    cpu->r[0] = D;
    run_ok(f, 0xe0f010b2);                       /* ldrht r1, [r0], #2 */
    ck_assert_uint_eq(cpu->r[1], 0xf0f1);
    ck_assert_uint_eq(cpu->r[0], D + 2);
    run_ok(f, 0xe0f010f2);                       /* ldrsht r1, [r0], #2 */
    ck_assert_uint_eq(cpu->r[1], 0xffff8081);
    ck_assert_uint_eq(cpu->r[0], D + 4);
    cpu->r[0] = D + 3;
    run_ok(f, 0xe07010d1);                       /* ldrsbt r1, [r0], #-1 */
    ck_assert_uint_eq(cpu->r[1], 0xffffff80);
    ck_assert_uint_eq(cpu->r[0], D + 2);
    cpu->r[1] = 0x1234;
    run_ok(f, 0xe0e010b2);                       /* strht r1, [r0], #2 */
    ck_assert_uint_eq(fixture_read32(f, D), 0x1234f0f1);
    fixture_free(f);
}
END_TEST

START_TEST(test_v7_alignment_dual_swp)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    fixture_write32(f, D + 4, 0x11111111);
    fixture_write32(f, D + 8, 0x22222222);

    cpu->r[0] = D + 2;
    expect_vector(f, 0xe1c020d0, VEC_DABT);      /* ldrd r2, r3, [r0] */
    ck_assert_uint_eq(cpu->cp15.dfar, D + 2);
    cpu->r[0] = D + 4;
    run_ok(f, 0xe1c020d0);                       /* 4-aligned is fine */
    ck_assert_uint_eq(cpu->r[2], 0x11111111);
    ck_assert_uint_eq(cpu->r[3], 0x22222222);
    cpu->r[0] = D + 6;
    expect_vector(f, 0xe1c020f0, VEC_DABT);      /* strd r2, r3, [r0] */
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x80f, 0x801);

    /* SWP: UNDEFINED until SCTLR.SW enables it (MP Extensions), then
     * word-aligned only */
    cpu->r[0] = D + 4;
    cpu->r[1] = 0x99;
    expect_vector(f, 0xe1002091, VEC_UNDEF);     /* swp r2, r1, [r0] */
    cpu->cp15.sctlr |= SCTLR_SW;
    run_ok(f, 0xe1002091);
    ck_assert_uint_eq(cpu->r[2], 0x11111111);
    ck_assert_uint_eq(fixture_read32(f, D + 4), 0x99);
    cpu->r[0] = D + 5;
    expect_vector(f, 0xe1002091, VEC_DABT);
    run_ok(f, 0xe1402091);                       /* swpb: any address */
    fixture_free(f);

    /* The ARM926 (SCTLR.U = 0) keeps ignoring bits 1:0 for LDM. */
    f = fixture_init();
    cpu = &f->cpu;
    fixture_write32(f, D, 0xaaaa0000);
    fixture_write32(f, D + 4, 0xbbbb0000);
    cpu->r[0] = D + 2;
    run_ok(f, 0xe8900006);
    ck_assert_uint_eq(cpu->r[1], 0xaaaa0000);
    ck_assert_uint_eq(cpu->r[2], 0xbbbb0000);
    fixture_free(f);
}
END_TEST

/* ---- system instructions ---- */

START_TEST(test_srs_rfe)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    /* srsdb sp!, #0x13 from SVC mode */
    cpu->r[13] = D + 0x100;
    cpu->r[14] = 0x8100;
    cpu->spsr = PSR_C | MODE_SYS;
    run_ok(f, 0xf96d0513);
    ck_assert_uint_eq(cpu->r[13], D + 0xf8);
    ck_assert_uint_eq(fixture_read32(f, D + 0xf8), 0x8100);
    ck_assert_uint_eq(fixture_read32(f, D + 0xfc), PSR_C | MODE_SYS);

    /* rfeia sp!: back to System mode at 0x8100, SVC's SP restored */
    cpu->c = 0;
    run1(f, 0xf8bd0a00);
    ck_assert_uint_eq(cpu->r[15], 0x8100);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SYS);
    ck_assert_uint_eq(cpu->c, 1);
    ck_assert_uint_eq(cpu->bank_r13[BANK_SVC], D + 0x100);

    /* SRS to another mode's stack: srsia sp, #0x12 (IRQ), no writeback */
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    cpu->bank_r13[BANK_IRQ] = D + 0x200;
    cpu->r[14] = 0x8202;
    cpu->spsr = PSR_T | MODE_USR;
    run_ok(f, 0xf8cd0512);
    ck_assert_uint_eq(fixture_read32(f, D + 0x200), 0x8202);
    ck_assert_uint_eq(fixture_read32(f, D + 0x204), PSR_T | MODE_USR);
    ck_assert_uint_eq(cpu->bank_r13[BANK_IRQ], D + 0x200);

    /* rfeia r0 to Thumb state: the PC keeps bit 1 */
    cpu->r[0] = D + 0x200;
    run1(f, 0xf8900a00);
    ck_assert_uint_eq(cpu->r[15], 0x8202);
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    cpu->thumb = 0;

    /* both UNDEFINED in User mode */
    expect_vector(f, 0xf96d0513, VEC_UNDEF);
    cpu_set_cpsr(cpu, MODE_USR, PSR_M_MASK);
    expect_vector(f, 0xf8bd0a00, VEC_UNDEF);
    fixture_free(f);
}
END_TEST

START_TEST(test_cps_setend)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    ck_assert_uint_eq(cpu->cpsr_ctl & (PSR_I | PSR_F), PSR_I | PSR_F);
    run_ok(f, 0xf10800c0);                       /* cpsie if */
    ck_assert_uint_eq(cpu->cpsr_ctl & (PSR_I | PSR_F), 0);
    run_ok(f, 0xf10c0080);                       /* cpsid i */
    ck_assert_uint_eq(cpu->cpsr_ctl & (PSR_I | PSR_F), PSR_I);
    cpu->r[13] = 0x1313;
    run_ok(f, 0xf102001f);                       /* cps #0x1f: System mode */
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SYS);
    ck_assert_uint_eq(cpu->bank_r13[BANK_SVC], 0x1313);
    run_ok(f, 0xf10e01d2);                       /* cpsid aif, #0x12 */
    ck_assert_uint_eq(cpu_mode(cpu), MODE_IRQ);
    ck_assert_uint_eq(cpu->cpsr_ctl & (PSR_A | PSR_I | PSR_F), PSR_A | PSR_I | PSR_F);
    run_ok(f, 0xf102001a);                       /* cps #0x1a (Hyp): ignored */
    ck_assert_uint_eq(cpu_mode(cpu), MODE_IRQ);

    /* a NOP in User mode */
    cpu_set_cpsr(cpu, MODE_USR, PSR_M_MASK);
    run_ok(f, 0xf10800c0);
    ck_assert_uint_eq(cpu->cpsr_ctl & (PSR_I | PSR_F), PSR_I | PSR_F);
    run_ok(f, 0xf1020013);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);

    run_ok(f, 0xf1010200);                       /* setend be */
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_E, PSR_E);
    run_ok(f, 0xf1010000);                       /* setend le */
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_E, 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_banked_eret)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    cpu->bank_r13[BANK_IRQ] = 0x1234;
    run_ok(f, 0xe1010300);                       /* mrs r0, sp_irq */
    ck_assert_uint_eq(cpu->r[0], 0x1234);
    cpu->r[1] = 0x5678;
    run_ok(f, 0xe121f301);                       /* msr sp_irq, r1 */
    ck_assert_uint_eq(cpu->bank_r13[BANK_IRQ], 0x5678);
    cpu->bank_spsr[BANK_FIQ] = 0x600000d1;
    run_ok(f, 0xe14e0200);                       /* mrs r0, spsr_fiq */
    ck_assert_uint_eq(cpu->r[0], 0x600000d1);
    cpu->fiq_r8_r12[2] = 0xf10;
    run_ok(f, 0xe10a0200);                       /* mrs r0, r10_fiq */
    ck_assert_uint_eq(cpu->r[0], 0xf10);
    expect_vector(f, 0xe1030300, VEC_UNDEF);     /* mrs r0, sp_svc from SVC */

    /* eret from SVC: CPSR <- SPSR, PC <- LR */
    cpu->spsr = PSR_Z | MODE_USR;
    cpu->r[14] = 0x8200;
    run1(f, 0xe160006e);
    ck_assert_uint_eq(cpu->r[15], 0x8200);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    ck_assert_uint_eq(cpu->z, 1);
    expect_vector(f, 0xe160006e, VEC_UNDEF);     /* eret in User mode */
    fixture_free(f);

    /* no Virtualization Extensions on the Cortex-A9 */
    f = fixture_init_model(&cpu_model_cortex_a9);
    expect_vector(f, 0xe1010300, VEC_UNDEF);
    expect_vector(f, 0xe121f301, VEC_UNDEF);
    expect_vector(f, 0xe160006e, VEC_UNDEF);
    fixture_free(f);
}
END_TEST

static int test_hvc_hook(struct arm_cpu *cpu, uint32_t imm)
{
    cpu->r[0] = imm;
    return 0;
}

START_TEST(test_hvc_smc)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    expect_vector(f, 0xe140ea71, VEC_UNDEF);     /* hvc #0xea1, no hypervisor */
    cpu->hvc_hook = test_hvc_hook;
    run1(f, 0xe140ea71);
    ck_assert_uint_eq(cpu->r[0], 0xea1);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);
    cpu_set_cpsr(cpu, MODE_USR, PSR_M_MASK);
    expect_vector(f, 0xe140ea71, VEC_UNDEF);     /* never from User mode */
    expect_vector(f, 0xe1600070, VEC_UNDEF);     /* smc #0: no monitor */
    fixture_free(f);
}
END_TEST

START_TEST(test_hints_barriers)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;

    run_ok(f, 0xe320f000);                       /* nop */
    run_ok(f, 0xe320f001);                       /* yield */
    run_ok(f, 0xf57ff04f);                       /* dsb sy */
    run_ok(f, 0xf57ff05f);                       /* dmb sy */
    run_ok(f, 0xf57ff06f);                       /* isb sy */
    run_ok(f, 0xf5d1f000);                       /* pld [r1] */
    run_ok(f, 0xf591f000);                       /* pldw [r1] */
    run_ok(f, 0xf4d1f000);                       /* pli [r1] */
    run_ok(f, 0xe320f004);                       /* sev */
    ck_assert_uint_eq(cpu->event_register, 1);
    run_ok(f, 0xe320f002);                       /* wfe: consumes the event */
    ck_assert_uint_eq(cpu->event_register, 0);
    ck_assert_uint_eq(cpu->halted, 0);
    run_ok(f, 0xe320f003);                       /* wfi */
    ck_assert_uint_eq(cpu->halted, 1);
    fixture_free(f);
}
END_TEST

/* ---- coprocessors: VFP through LDC/STC and MRC, the "2" forms ---- */

static void vfp_on(struct arm_cpu *cpu)
{
    if (!cpu->coproc[10])
        vfp_attach(cpu);
    cpu->cp15.cpacr |= 0xfu << CPACR_CP10_SHIFT;
    cpu->vfp.fpexc |= FPEXC_EN;
}

START_TEST(test_vfp_transfers)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    vfp_on(cpu);

    /* vmrs APSR_nzcv, fpscr: MRC p10, 7, r15, c1, c0, 0 sets the flags */
    cpu->vfp.fpscr = FPSCR_N | FPSCR_C;
    run_ok(f, 0xeef1fa10);
    ck_assert_uint_eq(cpu->n, 1);
    ck_assert_uint_eq(cpu->z, 0);
    ck_assert_uint_eq(cpu->c, 1);
    ck_assert_uint_eq(cpu->v, 0);

    /* vstmia r0!, {d0-d15}: 32 words, writeback */
    for (unsigned i = 0; i < 32; i++)
        cpu->vfp.d[i] = i < 16 ? 0x0101010101010101ull * (i + 1) : 0;
    cpu->r[0] = D;
    run_ok(f, 0xeca00b20);
    ck_assert_uint_eq(cpu->r[0], D + 128);
    ck_assert_uint_eq(fixture_read32(f, D), 0x01010101);
    ck_assert_uint_eq(fixture_read32(f, D + 124), 0x10101010);
    /* vldmia r1!, {d16-d31} */
    cpu->r[1] = D;
    run_ok(f, 0xecf10b20);
    ck_assert_uint_eq(cpu->r[1], D + 128);
    for (unsigned i = 0; i < 16; i++)
        ck_assert(cpu->vfp.d[16 + i] == cpu->vfp.d[i]);
    /* fstmiax r0!, {d0-d15}: imm8 = 33, the writeback covers 33 words */
    cpu->r[0] = D + 0x200;
    run_ok(f, 0xeca00b21);
    ck_assert_uint_eq(cpu->r[0], D + 0x200 + 132);
    /* vpush {d8}: vstmdb sp!, {d8} */
    cpu->r[13] = D + 0x400;
    run_ok(f, 0xed2d8b02);
    ck_assert_uint_eq(cpu->r[13], D + 0x3f8);
    ck_assert_uint_eq(fixture_read32(f, D + 0x3f8), 0x09090909);

    /* VLDR/VSTR need word alignment on ARMv7 */
    cpu->r[0] = D + 2;
    expect_vector(f, 0xed800b00, VEC_DABT);      /* vstr d0, [r0] */
    ck_assert_uint_eq(cpu->cp15.dfsr & 0x80f, 0x801);

    /* the cond = 1111 forms: no VFP or CP15 register has one */
    expect_vector(f, 0xfe000f10, VEC_UNDEF);     /* mcr2 p15, 0, r0, c0, c0, 0 */
    expect_vector(f, 0xfe100f10, VEC_UNDEF);     /* mrc2 p15 */
    expect_vector(f, 0xfe000a00, VEC_UNDEF);     /* cdp2 p10 */
    expect_vector(f, 0xfc400b10, VEC_UNDEF);     /* mcrr2 p11 */
    expect_vector(f, 0xfd900b00, VEC_UNDEF);     /* ldc2 p11 */
    fixture_free(f);
}
END_TEST

/* Advanced SIMD reaches cpu/neon.c: vorr d0, d1, d2. */
START_TEST(test_neon_routing)
{
    struct cpu_fixture *f = a15();
    struct arm_cpu *cpu = &f->cpu;
    vfp_on(cpu);
    cpu->vfp.d[1] = 0xf0f0f0f000000000ull;
    cpu->vfp.d[2] = 0x0f0f0f0f00000001ull;
    run_ok(f, 0xf2210112);
    ck_assert(cpu->vfp.d[0] == 0xffffffff00000001ull);
    fixture_free(f);

    f = fixture_init();
    expect_vector(f, 0xf2210112, VEC_UNDEF);
    fixture_free(f);
}
END_TEST

/* ---- model gating ---- */

/* ARMv6+ encodings an ARM926EJ-S must UNDEF (and a Cortex-A15 runs). */
static const uint32_t v6_encodings[] = {
    0xe3010234, /* movw */
    0xe34a0bcd, /* movt */
    0xe6510f92, /* uadd8 */
    0xe6843fb5, /* sel */
    0xe6a70011, /* ssat */
    0xe6af0471, /* sxtb */
    0xe6bf0f31, /* rev */
    0xe6ff0f31, /* rbit */
    0xe6810412, /* pkhbt */
    0xe700f211, /* smuad */
    0xe750f211, /* smmul */
    0xe7454211, /* smlald */
    0xe710f211, /* sdiv */
    0xe7e70251, /* ubfx */
    0xe7cb021f, /* bfc */
    0xe780f211, /* usad8 */
    0xe0454291, /* umaal */
    0xe0603291, /* mls */
    0xe1910f9f, /* ldrex */
    0xe1812f93, /* strex */
    0xe1d10f9f, /* ldrexb */
    0xf57ff01f, /* clrex */
    0xf57ff05f, /* dmb */
    0xf57ff06f, /* isb */
    0xf10c00c0, /* cpsid if */
    0xf1010000, /* setend le */
    0xf591f000, /* pldw */
    0xf4d1f000, /* pli */
    0xe140ea71, /* hvc */
};

START_TEST(test_arm926_undefs_v6)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    uint32_t insn = v6_encodings[_i];
    cpu->r[1] = D;
    expect_vector(f, insn, VEC_UNDEF);
    fixture_free(f);

    /* the same encoding runs on the Cortex-A15 (the HVC UNDEFs there too
     * without a hypervisor, so it is left out) */
    if (insn == 0xe140ea71)
        return;
    f = a15();
    f->cpu.r[1] = D;
    f->cpu.cp15.sctlr |= SCTLR_SW;
    run_ok(f, insn);
    ck_assert_str_ne(arm_decode_class_name(f->cpu.model, insn), "undefined");
    fixture_free(f);
}
END_TEST

START_TEST(test_arm926_undefs_system)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    cpu->r[13] = D + 0x100;
    expect_vector(f, 0xf96d0513, VEC_UNDEF);     /* srsdb sp!, #0x13 */
    expect_vector(f, 0xf8bd0a00, VEC_UNDEF);     /* rfeia sp! */
    expect_vector(f, 0xe160006e, VEC_UNDEF);     /* eret */
    expect_vector(f, 0xe1600070, VEC_UNDEF);     /* smc */
    expect_vector(f, 0xeef1fa10, VEC_UNDEF);     /* vmrs: no VFP */
    /* still ARMv5 behaviour: the hint space is an MSR of no field, PLD a NOP */
    run_ok(f, 0xe320f003);
    ck_assert_uint_eq(cpu->halted, 0);
    run_ok(f, 0xf5d1f000);
    ck_assert_str_eq(arm_decode_class_name(cpu->model, 0xe320f003), "msr_imm");
    ck_assert_str_eq(arm_decode_class_name(&cpu_model_cortex_a15, 0xe320f003), "hint");
    ck_assert_str_eq(arm_decode_class_name(&cpu_model_cortex_a15, 0xf57ff04f), "dsb");
    ck_assert_str_eq(arm_decode_class_name(&cpu_model_cortex_a15, 0xe6a70011), "ssat");
    fixture_free(f);
}
END_TEST

Suite *arm_v7_suite(void)
{
    Suite *s = suite_create("arm_v7");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_movw_movt);
    tcase_add_test(tc, test_umaal_mls);
    tcase_add_test(tc, test_parallel_ge_sel);
    tcase_add_test(tc, test_usad8);
    tcase_add_test(tc, test_saturate);
    tcase_add_test(tc, test_extend);
    tcase_add_test(tc, test_reverse_pack);
    tcase_add_test(tc, test_dual_multiply);
    tcase_add_test(tc, test_divide);
    tcase_add_test(tc, test_bitfield);
    tcase_add_test(tc, test_exclusive_pair);
    tcase_add_test(tc, test_exclusive_exception);
    tcase_add_test(tc, test_exclusive_alignment);
    tcase_add_test(tc, test_v7_alignment);
    tcase_add_test(tc, test_unprivileged_halfword);
    tcase_add_test(tc, test_v7_alignment_dual_swp);
    tcase_add_test(tc, test_srs_rfe);
    tcase_add_test(tc, test_cps_setend);
    tcase_add_test(tc, test_banked_eret);
    tcase_add_test(tc, test_hvc_smc);
    tcase_add_test(tc, test_hints_barriers);
    tcase_add_test(tc, test_vfp_transfers);
    tcase_add_test(tc, test_neon_routing);
    tcase_add_loop_test(tc, test_arm926_undefs_v6, 0, (int)ARRAY_SIZE(v6_encodings));
    tcase_add_test(tc, test_arm926_undefs_system);
    suite_add_tcase(s, tc);
    return s;
}
