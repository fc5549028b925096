/*
 * Mixed-endian data (BE-8) on the ARMv7 cores: CPSR.E = 1 makes every
 * halfword, word and doubleword data access big-endian, element by element
 * (ARM ARM DDI 0406C A3.3.1 "Endian support"), while instruction fetches
 * and translation table walks stay little-endian (A3.3.1; walks follow
 * SCTLR.EE, B3.3). Exception entry sets E from SCTLR.EE (B1.8.3) and the
 * return restores the SPSR's E. The ARM926EJ-S (ARMv5TE) has no CPSR.E:
 * SETEND is UNDEFINED there and CPSR[9] stays 0 (DDI 0100I A2.5).
 *
 * Why: armhv runs data accesses inline from the TLB, little-endian, and
 * keeps big-endian ones off that path by dropping the read/write tags
 * whenever E becomes 1 (cpu_data_big_endian in cpu/cpu.h). The tests load
 * from a page the TLB already maps while E = 0, so a stale tag would show
 * as little-endian data; expected values are the memory bytes read in the
 * order the architecture gives.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/vfp.h"
#include "cpu_fixture.h"

#define D FIXTURE_DATA
#define OUT (FIXTURE_DATA + 0x100)      /* stores go here */

#define SETEND_BE 0xf1010200u
#define SETEND_LE 0xf1010000u

/* Bytes 0x11 0x22 ... 0x88 0x99 ... at D, in address order. */
static const uint8_t pattern[16] = {
    0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x0f,
};

static struct cpu_fixture *a15(void)
{
    struct cpu_fixture *f = fixture_init_model(&cpu_model_cortex_a15);
    ck_assert_ptr_nonnull(f);
    aspace_write_bytes(&f->as, D, pattern, sizeof(pattern));
    f->cpu.r[1] = D;
    f->cpu.r[7] = OUT;
    /* VFP and Advanced SIMD on */
    f->cpu.cp15.cpacr = 0x00f00000u;
    f->cpu.vfp.fpexc = FPEXC_EN;
    return f;
}

/* Runs the instructions from FIXTURE_CODE; they must all complete. */
static void run(struct cpu_fixture *f, const uint32_t *insns, unsigned n)
{
    f->next = FIXTURE_CODE;
    for (unsigned i = 0; i < n; i++)
        fixture_put_insn(f, insns[i]);
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, n), n);
    ck_assert_uint_eq(f->cpu.r[15], FIXTURE_CODE + 4 * n);
}

static uint8_t out_byte(struct cpu_fixture *f, unsigned i)
{
    uint8_t b = 0;
    aspace_read_bytes(&f->as, OUT + i, &b, 1);
    return b;
}

static void expect_out(struct cpu_fixture *f, const uint8_t *want, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        ck_assert_msg(out_byte(f, i) == want[i], "byte %u: 0x%02x, want 0x%02x", i,
                      out_byte(f, i), want[i]);
}

/* LDR/LDRH/LDRSH/LDRB after the page is in the TLB from a little-endian load. */
START_TEST(test_setend_be_core_loads)
{
    struct cpu_fixture *f = a15();
    static const uint32_t prog[] = {
        0xe591a000, /* ldr r10, [r1] (E = 0: fills the TLB) */
        SETEND_BE,
        0xe5910000, /* ldr r0, [r1] */
        0xe1d120b0, /* ldrh r2, [r1] */
        0xe1d130f8, /* ldrsh r3, [r1, #8] */
        0xe5d14001, /* ldrb r4, [r1, #1] */
        0xe5915001, /* ldr r5, [r1, #1] (unaligned) */
    };
    run(f, prog, 7);
    ck_assert_uint_eq(f->cpu.r[10], 0x44332211u);
    ck_assert(cpu_get_cpsr(&f->cpu) & PSR_E);
    ck_assert_uint_eq(f->cpu.r[0], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[2], 0x1122u);
    ck_assert_uint_eq(f->cpu.r[3], 0xffff99aau);
    ck_assert_uint_eq(f->cpu.r[4], 0x22u);
    ck_assert_uint_eq(f->cpu.r[5], 0x22334455u);
    fixture_free(f);
}
END_TEST

START_TEST(test_setend_be_core_stores)
{
    struct cpu_fixture *f = a15();
    f->cpu.r[5] = 0x01020304u;
    f->cpu.r[6] = 0xa0b0c0d0u;
    static const uint32_t prog[] = {
        0xe5875000, /* str r5, [r7] (E = 0) */
        SETEND_BE,
        0xe5875004, /* str r5, [r7, #4] */
        0xe1c760b8, /* strh r6, [r7, #8] */
        0xe5c7600a, /* strb r6, [r7, #10] */
    };
    run(f, prog, 5);
    static const uint8_t want[] = {
        0x04, 0x03, 0x02, 0x01, 0x01, 0x02, 0x03, 0x04, 0xc0, 0xd0, 0xd0,
    };
    expect_out(f, want, sizeof(want));
    fixture_free(f);
}
END_TEST

/* LDRD/STRD and LDM/STM are word accesses: each word reversed, in order. */
START_TEST(test_setend_be_multiple)
{
    struct cpu_fixture *f = a15();
    static const uint32_t prog[] = {
        SETEND_BE,
        0xe1c180d0, /* ldrd r8, r9, [r1] */
        0xe8910c00, /* ldm r1, {r10, r11} */
        0xe1c780f0, /* strd r8, r9, [r7] */
        0xe9870c00, /* stmib r7, {r10, r11} (OUT + 4, OUT + 8) */
    };
    run(f, prog, 5);
    ck_assert_uint_eq(f->cpu.r[8], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[9], 0x55667788u);
    ck_assert_uint_eq(f->cpu.r[10], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[11], 0x55667788u);
    /* STRD wrote OUT + 0..7, STMIB then OUT + 4..11 */
    static const uint8_t want[] = {
        0x11, 0x22, 0x33, 0x44, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
    };
    expect_out(f, want, sizeof(want));
    fixture_free(f);
}
END_TEST

/* SETEND LE: the fast path comes back, little-endian again. */
START_TEST(test_setend_le_restores)
{
    struct cpu_fixture *f = a15();
    static const uint32_t prog[] = {
        SETEND_BE,
        0xe5910000, /* ldr r0, [r1] */
        SETEND_LE,
        0xe5912000, /* ldr r2, [r1] */
        0xe1d130b0, /* ldrh r3, [r1] */
    };
    run(f, prog, 5);
    ck_assert(!(cpu_get_cpsr(&f->cpu) & PSR_E));
    ck_assert_uint_eq(f->cpu.r[0], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[2], 0x44332211u);
    ck_assert_uint_eq(f->cpu.r[3], 0x2211u);
    /* and the TLB serves the page directly again */
    ck_assert_uint_eq(f->cpu.tlb[1][tlb_index(D)].tag_read, D & TLB_PAGE_MASK);
    fixture_free(f);
}
END_TEST

/* While E = 1 no read or write tag is set, so the fast paths never hit. */
START_TEST(test_no_data_tags_while_big)
{
    struct cpu_fixture *f = a15();
    static const uint32_t prog[] = {
        0xe5910000, /* ldr r0, [r1] */
        0xe5870000, /* str r0, [r7] */
        SETEND_BE,
        0xe5910000, /* ldr r0, [r1] */
        0xe5870000, /* str r0, [r7] */
    };
    run(f, prog, 2);
    ck_assert_uint_eq(f->cpu.tlb[1][tlb_index(D)].tag_read, D & TLB_PAGE_MASK);
    run(f, prog, 5);
    const struct tlb_entry *e = &f->cpu.tlb[1][tlb_index(D)];
    ck_assert_uint_eq(e->tag_read, TLB_INVALID);
    ck_assert_uint_eq(e->tag_write, TLB_INVALID);
    /* the translation stays cached for the slow path, and so does the code */
    ck_assert_uint_eq(e->tag_translated, D & TLB_PAGE_MASK);
    ck_assert_uint_eq(f->cpu.tlb[1][tlb_index(FIXTURE_CODE)].tag_exec,
                      FIXTURE_CODE & TLB_PAGE_MASK);
    fixture_free(f);
}
END_TEST

/* VLDR/VSTR: a doubleword is word1:word2 when big-endian (A8.8.333). */
START_TEST(test_setend_be_vfp)
{
    struct cpu_fixture *f = a15();
    static const uint32_t prog[] = {
        0xed910b00, /* vldr d0, [r1] (E = 0) */
        SETEND_BE,
        0xed911b00, /* vldr d1, [r1] */
        0xed912a00, /* vldr s4, [r1] */
        0xec913b04, /* vldmia r1, {d3, d4} */
        0xed871b00, /* vstr d1, [r7] */
        0xed872a02, /* vstr s4, [r7, #8] */
    };
    run(f, prog, 7);
    ck_assert_uint_eq(f->cpu.vfp.d[0], 0x8877665544332211ull);
    ck_assert_uint_eq(f->cpu.vfp.d[1], 0x1122334455667788ull);
    ck_assert_uint_eq(f->cpu.vfp.s[4], 0x11223344u);
    ck_assert_uint_eq(f->cpu.vfp.d[3], 0x1122334455667788ull);
    ck_assert_uint_eq(f->cpu.vfp.d[4], 0x99aabbccddeef00full);
    static const uint8_t want[] = {
        0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x11, 0x22, 0x33, 0x44,
    };
    expect_out(f, want, sizeof(want));
    fixture_free(f);
}
END_TEST

/* VLD1/VST1: each element reversed on its own (A8.8.320). */
START_TEST(test_setend_be_neon)
{
    struct cpu_fixture *f = a15();
    static const uint32_t prog[] = {
        0xf421070f, /* vld1.8 {d0}, [r1] (E = 0) */
        SETEND_BE,
        0xf421174f, /* vld1.16 {d1}, [r1] */
        0xf421278f, /* vld1.32 {d2}, [r1] */
        0xf42137cf, /* vld1.64 {d3}, [r1] */
        0xf421470f, /* vld1.8 {d4}, [r1] */
        0xf4a1544f, /* vld1.16 {d5[1]}, [r1] */
        0xf407174f, /* vst1.16 {d1}, [r7] */
    };
    run(f, prog, 8);
    ck_assert_uint_eq(f->cpu.vfp.d[0], 0x8877665544332211ull);
    ck_assert_uint_eq(f->cpu.vfp.d[1], 0x7788556633441122ull);
    ck_assert_uint_eq(f->cpu.vfp.d[2], 0x5566778811223344ull);
    ck_assert_uint_eq(f->cpu.vfp.d[3], 0x1122334455667788ull);
    ck_assert_uint_eq(f->cpu.vfp.d[4], 0x8877665544332211ull);
    ck_assert_uint_eq((f->cpu.vfp.d[5] >> 16) & 0xffff, 0x1122u);
    expect_out(f, pattern, 8);
    fixture_free(f);
}
END_TEST

/* LDREX/STREX: the data is big-endian, the monitor compares the address. */
START_TEST(test_setend_be_exclusive)
{
    struct cpu_fixture *f = a15();
    f->cpu.r[3] = 0xcafef00du;
    static const uint32_t prog[] = {
        0xe1910f9f, /* ldrex r0, [r1] (E = 0, fills the TLB) */
        SETEND_BE,
        0xe1914f9f, /* ldrex r4, [r1] */
        0xe1f15f9f, /* ldrexh r5, [r1] */
        0xe1b18f9f, /* ldrexd r8, r9, [r1] */
        0xe1970f9f, /* ldrex r0, [r7] */
        0xe1872f93, /* strex r2, r3, [r7] */
    };
    run(f, prog, 7);
    ck_assert_uint_eq(f->cpu.r[4], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[5], 0x1122u);
    ck_assert_uint_eq(f->cpu.r[8], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[9], 0x55667788u);
    ck_assert_uint_eq(f->cpu.r[2], 0);   /* succeeded */
    static const uint8_t want[] = { 0xca, 0xfe, 0xf0, 0x0d };
    expect_out(f, want, sizeof(want));
    fixture_free(f);
}
END_TEST

/*
 * SVC with E = 1 and SCTLR.EE = 0: the handler runs little-endian and
 * SPSR.E = 1; MOVS PC, LR restores E = 1 and big-endian data again, after
 * the handler's little-endian loads filled the TLB.
 */
START_TEST(test_exception_entry_and_return)
{
    struct cpu_fixture *f = a15();
    /* SVC vector: ldr r0, [r1]; movs pc, lr */
    uint32_t handler[2] = { 0xe5910000, 0xe1b0f00e };
    fixture_write_code(f, 0x08, handler, sizeof(handler));
    static const uint32_t prog[] = {
        SETEND_BE,
        0xef000000, /* svc #0 */
        0xe5912000, /* ldr r2, [r1] */
    };
    f->next = FIXTURE_CODE;
    for (unsigned i = 0; i < 3; i++)
        fixture_put_insn(f, prog[i]);
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, 2), 2);
    ck_assert_uint_eq(f->cpu.r[15], 0x08);
    ck_assert(!(cpu_get_cpsr(&f->cpu) & PSR_E));
    ck_assert(f->cpu.spsr & PSR_E);
    ck_assert_uint_eq(fixture_step(f, 3), 3);
    ck_assert_uint_eq(f->cpu.r[0], 0x44332211u);   /* handler: little-endian */
    ck_assert(cpu_get_cpsr(&f->cpu) & PSR_E);
    ck_assert_uint_eq(f->cpu.r[2], 0x11223344u);   /* back: big-endian */
    ck_assert_uint_eq(f->cpu.r[15], FIXTURE_CODE + 12);
    fixture_free(f);
}
END_TEST

/* SCTLR.EE = 1: exception entry sets E, so the handler's data is big-endian. */
START_TEST(test_exception_entry_ee)
{
    struct cpu_fixture *f = a15();
    uint32_t handler[1] = { 0xe5910000 };   /* ldr r0, [r1] */
    fixture_write_code(f, 0x08, handler, sizeof(handler));
    f->cpu.cp15.sctlr |= SCTLR_EE;
    static const uint32_t prog[] = {
        0xe5912000, /* ldr r2, [r1] (E = 0) */
        0xef000000, /* svc #0 */
    };
    f->next = FIXTURE_CODE;
    for (unsigned i = 0; i < 2; i++)
        fixture_put_insn(f, prog[i]);
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, 3), 3);
    ck_assert_uint_eq(f->cpu.r[2], 0x44332211u);
    ck_assert(cpu_get_cpsr(&f->cpu) & PSR_E);
    ck_assert(!(f->cpu.spsr & PSR_E));
    ck_assert_uint_eq(f->cpu.r[0], 0x11223344u);
    fixture_free(f);
}
END_TEST

/* MSR CPSR_x and cpu_set_cpsr (debugger, gdb stub) set E the same way. */
START_TEST(test_msr_sets_e)
{
    struct cpu_fixture *f = a15();
    f->cpu.r[0] = PSR_E;
    static const uint32_t prog[] = {
        0xe5913000, /* ldr r3, [r1] (E = 0) */
        0xe122f000, /* msr cpsr_x, r0 */
        0xe5912000, /* ldr r2, [r1] */
    };
    run(f, prog, 3);
    ck_assert_uint_eq(f->cpu.r[3], 0x44332211u);
    ck_assert_uint_eq(f->cpu.r[2], 0x11223344u);
    cpu_set_cpsr(&f->cpu, 0, PSR_E);
    static const uint32_t again[] = { 0xe5912000 };
    run(f, again, 1);
    ck_assert_uint_eq(f->cpu.r[2], 0x44332211u);
    cpu_set_cpsr(&f->cpu, PSR_E, PSR_E);
    run(f, again, 1);
    ck_assert_uint_eq(f->cpu.r[2], 0x11223344u);
    fixture_free(f);
}
END_TEST

/*
 * E = 1 with the MMU on: the page walk still reads little-endian
 * descriptors (a big-endian read of them would fault), the data is
 * big-endian. Thumb code keeps running from the same pages, including a
 * 32-bit instruction split across a page boundary (its second halfword is
 * fetched through the memory system).
 */
START_TEST(test_walk_and_fetch_unaffected)
{
    struct cpu_fixture *f = a15();
    /* flat sections for the first MiB: AP = 0b11, domain 0, section */
    fixture_write32(f, FIXTURE_TTB, 0x00000c02u);
    f->cpu.cp15.ttbr0 = FIXTURE_TTB;
    f->cpu.cp15.dacr = 1;
    f->cpu.cp15.sctlr |= SCTLR_M;
    cpu_tlb_flush(&f->cpu);
    cpu_set_cpsr(&f->cpu, PSR_E, PSR_E);

    /* Thumb from 0x8ff8: nop; nop; ldr r0, [r1]; ldr.w r2, [r1, #4] at
     * 0x8ffe, across the page boundary; nop */
    uint16_t code[6] = { 0xbf00, 0xbf00, 0x6808, 0xf8d1, 0x2004, 0xbf00 };
    fixture_write_code(f, 0x8ff8, code, sizeof(code));
    f->cpu.thumb = 1;
    f->cpu.r[15] = 0x8ff8;
    ck_assert_uint_eq(fixture_step(f, 4), 4);
    ck_assert_uint_eq(f->cpu.r[15], 0x9002);
    ck_assert_uint_eq(f->cpu.r[0], 0x11223344u);
    ck_assert_uint_eq(f->cpu.r[2], 0x55667788u);
    fixture_free(f);
}
END_TEST

/* ARMv5TE: no CPSR.E. SETEND is UNDEFINED and MSR cannot set bit 9. */
START_TEST(test_armv5_has_no_e)
{
    struct cpu_fixture *f = fixture_init();
    aspace_write_bytes(&f->as, D, pattern, sizeof(pattern));
    f->cpu.r[1] = D;
    fixture_put_insn(f, SETEND_BE);
    ck_assert_uint_eq(fixture_step(f, 1), 1);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert(!(cpu_get_cpsr(&f->cpu) & PSR_E));

    cpu_set_cpsr(&f->cpu, MODE_SVC, PSR_M_MASK);
    f->cpu.r[0] = PSR_E | MODE_SVC | PSR_I | PSR_F;
    f->next = FIXTURE_CODE;
    fixture_put_insn(f, 0xe123f000);    /* msr cpsr_xc, r0 */
    fixture_put_insn(f, 0xe5912000);    /* ldr r2, [r1] */
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, 2), 2);
    ck_assert(!(cpu_get_cpsr(&f->cpu) & PSR_E));
    ck_assert_uint_eq(f->cpu.r[2], 0x44332211u);
    /* nor can a debugger */
    cpu_set_cpsr(&f->cpu, PSR_E, PSR_E);
    ck_assert(!(cpu_get_cpsr(&f->cpu) & PSR_E));
    fixture_free(f);
}
END_TEST

Suite *endian_suite(void)
{
    Suite *s = suite_create("endian");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_setend_be_core_loads);
    tcase_add_test(tc, test_setend_be_core_stores);
    tcase_add_test(tc, test_setend_be_multiple);
    tcase_add_test(tc, test_setend_le_restores);
    tcase_add_test(tc, test_no_data_tags_while_big);
    tcase_add_test(tc, test_setend_be_vfp);
    tcase_add_test(tc, test_setend_be_neon);
    tcase_add_test(tc, test_setend_be_exclusive);
    tcase_add_test(tc, test_exception_entry_and_return);
    tcase_add_test(tc, test_exception_entry_ee);
    tcase_add_test(tc, test_msr_sets_e);
    tcase_add_test(tc, test_walk_and_fetch_unaffected);
    tcase_add_test(tc, test_armv5_has_no_e);
    suite_add_tcase(s, tc);
    return s;
}
