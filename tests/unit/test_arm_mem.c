/*
 * ARM (A32) loads and stores on an ARM926EJ-S (tests/unit/cpu_fixture.h):
 * every addressing mode of modes 2, 3 and 4 (offset, pre-indexed with
 * writeback, post-indexed; immediate, register, scaled register), the
 * ARMv5 unaligned LDR rotation, LDR to the PC interworking, LDRD/STRD,
 * LDM/STM with writeback and the ^ forms, SWP, and the abort rules
 * (nothing written back, the base restored after an LDM abort).
 *
 * Why: a wrong writeback or a half-done LDM after an abort corrupts the
 * kernel's stack only when a page fault happens in the middle of a
 * function epilogue, which is the kind of bug that costs days. References:
 * ARM ARM DDI 0100I A5.2-A5.4, A4.1 (per instruction), A2.6.5 (aborts).
 */
#include <check.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "cpu_fixture.h"

#define AL 0xeu
#define D FIXTURE_DATA

static uint32_t ldst(unsigned p, unsigned u, unsigned b, unsigned w, unsigned l, unsigned rn,
                     unsigned rd, unsigned imm12)
{
    return AL << 28 | 1u << 26 | p << 24 | u << 23 | b << 22 | w << 21 | l << 20 | rn << 16 |
           rd << 12 | imm12;
}

static uint32_t ldst_reg(unsigned p, unsigned u, unsigned b, unsigned w, unsigned l,
                         unsigned rn, unsigned rd, unsigned rm, unsigned type, unsigned amount)
{
    return ldst(p, u, b, w, l, rn, rd, 0) | 1u << 25 | amount << 7 | type << 5 | rm;
}

/* Addressing mode 3; sh: 1 = H, 2 = SB (or LDRD when l = 0), 3 = SH (STRD). */
static uint32_t extra_imm(unsigned p, unsigned u, unsigned w, unsigned l, unsigned rn,
                          unsigned rd, unsigned sh, unsigned imm8)
{
    return AL << 28 | p << 24 | u << 23 | 1u << 22 | w << 21 | l << 20 | rn << 16 | rd << 12 |
           (imm8 >> 4) << 8 | 1u << 7 | sh << 5 | 1u << 4 | (imm8 & 15);
}

static uint32_t extra_reg(unsigned p, unsigned u, unsigned w, unsigned l, unsigned rn,
                          unsigned rd, unsigned sh, unsigned rm)
{
    return AL << 28 | p << 24 | u << 23 | w << 21 | l << 20 | rn << 16 | rd << 12 | 1u << 7 |
           sh << 5 | 1u << 4 | rm;
}

static uint32_t block(unsigned p, unsigned u, unsigned s, unsigned w, unsigned l, unsigned rn,
                      unsigned list)
{
    return AL << 28 | 4u << 25 | p << 24 | u << 23 | s << 22 | w << 21 | l << 20 | rn << 16 |
           list;
}

static void run1(struct cpu_fixture *f, uint32_t insn)
{
    f->next = FIXTURE_CODE;
    fixture_put_insn(f, insn);
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, 1), 1);
}

static void assert_next(struct cpu_fixture *f)
{
    ck_assert_uint_eq(f->cpu.r[15], FIXTURE_CODE + 4);
}

/* ---- word and byte, immediate offsets ---- */

START_TEST(test_word_immediate)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[0] = D;
    cpu->r[1] = 0xdeadbeef;
    run1(f, ldst(1, 1, 0, 0, 0, 0, 1, 4));               /* str r1, [r0, #4] */
    ck_assert_uint_eq(fixture_read32(f, D + 4), 0xdeadbeef);
    ck_assert_uint_eq(cpu->r[0], D);
    assert_next(f);

    run1(f, ldst(1, 1, 0, 0, 1, 0, 2, 4));               /* ldr r2, [r0, #4] */
    ck_assert_uint_eq(cpu->r[2], 0xdeadbeef);

    cpu->r[0] = D + 8;
    run1(f, ldst(1, 0, 0, 0, 1, 0, 3, 4));               /* ldr r3, [r0, #-4] */
    ck_assert_uint_eq(cpu->r[3], 0xdeadbeef);
    ck_assert_uint_eq(cpu->r[0], D + 8);

    cpu->r[0] = D;
    run1(f, ldst(1, 1, 0, 1, 1, 0, 3, 4));               /* ldr r3, [r0, #4]! */
    ck_assert_uint_eq(cpu->r[3], 0xdeadbeef);
    ck_assert_uint_eq(cpu->r[0], D + 4);

    run1(f, ldst(0, 0, 0, 0, 1, 0, 4, 4));               /* ldr r4, [r0], #-4 */
    ck_assert_uint_eq(cpu->r[4], 0xdeadbeef);
    ck_assert_uint_eq(cpu->r[0], D);

    cpu->r[5] = 0x01020304;
    run1(f, ldst(0, 1, 0, 0, 0, 0, 5, 8));               /* str r5, [r0], #8 */
    ck_assert_uint_eq(fixture_read32(f, D), 0x01020304);
    ck_assert_uint_eq(cpu->r[0], D + 8);

    cpu->r[5] = 0x0a0b0c0d;
    run1(f, ldst(1, 0, 0, 1, 0, 0, 5, 8));               /* str r5, [r0, #-8]! */
    ck_assert_uint_eq(fixture_read32(f, D), 0x0a0b0c0d);
    ck_assert_uint_eq(cpu->r[0], D);

    /* PC-relative literal load: base reads as insn + 8 */
    fixture_write32(f, FIXTURE_CODE + 16, 0x5a5a5a5a);
    run1(f, ldst(1, 1, 0, 0, 1, 15, 6, 8));              /* ldr r6, [pc, #8] */
    ck_assert_uint_eq(cpu->r[6], 0x5a5a5a5a);
    fixture_free(f);
}
END_TEST

START_TEST(test_byte)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    fixture_write32(f, D, 0x11223344);
    cpu->r[0] = D;
    cpu->r[1] = 0xffffffaa;
    run1(f, ldst(1, 1, 1, 0, 0, 0, 1, 1));               /* strb r1, [r0, #1] */
    ck_assert_uint_eq(fixture_read32(f, D), 0x1122aa44);

    run1(f, ldst(1, 1, 1, 0, 1, 0, 2, 1));               /* ldrb r2, [r0, #1] */
    ck_assert_uint_eq(cpu->r[2], 0xaa);

    run1(f, ldst(0, 1, 1, 0, 1, 0, 3, 3));               /* ldrb r3, [r0], #3 */
    ck_assert_uint_eq(cpu->r[3], 0x44);
    ck_assert_uint_eq(cpu->r[0], D + 3);

    run1(f, ldst(1, 0, 1, 1, 1, 0, 3, 1));               /* ldrb r3, [r0, #-1]! */
    ck_assert_uint_eq(cpu->r[3], 0x22);
    ck_assert_uint_eq(cpu->r[0], D + 2);
    fixture_free(f);
}
END_TEST

/* ---- register and scaled register offsets ---- */

START_TEST(test_register_offsets)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    for (uint32_t i = 0; i < 16; i++)
        fixture_write32(f, D + 4 * i, 0x100 + i);

    cpu->r[0] = D;
    cpu->r[1] = 3;
    run1(f, ldst_reg(1, 1, 0, 0, 1, 0, 2, 1, 0, 2));     /* ldr r2, [r0, r1, lsl #2] */
    ck_assert_uint_eq(cpu->r[2], 0x103);

    cpu->r[0] = D + 16;
    cpu->r[1] = 8;
    run1(f, ldst_reg(1, 0, 0, 0, 1, 0, 2, 1, 0, 0));     /* ldr r2, [r0, -r1] */
    ck_assert_uint_eq(cpu->r[2], 0x102);

    cpu->r[0] = D;
    cpu->r[1] = 0x80;
    run1(f, ldst_reg(1, 1, 0, 1, 1, 0, 2, 1, 1, 4));     /* ldr r2, [r0, r1, lsr #4]! */
    ck_assert_uint_eq(cpu->r[2], 0x102);
    ck_assert_uint_eq(cpu->r[0], D + 8);

    cpu->r[0] = D + 16;
    cpu->r[1] = 0xfffffff0;                              /* -16 >> 2 (ASR) = -4 */
    run1(f, ldst_reg(1, 1, 0, 0, 1, 0, 2, 1, 2, 2));     /* ldr r2, [r0, r1, asr #2] */
    ck_assert_uint_eq(cpu->r[2], 0x103);

    cpu->r[0] = D;
    cpu->r[1] = 0x80000000;
    run1(f, ldst_reg(1, 1, 0, 0, 1, 0, 2, 1, 1, 0));     /* ldr r2, [r0, r1, lsr #32] */
    ck_assert_uint_eq(cpu->r[2], 0x100);

    cpu->r[0] = D;
    cpu->r[1] = 0x00000080;
    run1(f, ldst_reg(1, 1, 0, 0, 1, 0, 2, 1, 3, 4));     /* ldr r2, [r0, r1, ror #4] */
    ck_assert_uint_eq(cpu->r[2], 0x102);

    /* RRX: C shifts into bit 31 */
    cpu->r[0] = D + 0x80000010u;                         /* - 0x80000008 = D + 8 */
    cpu->r[1] = 0x10;
    cpu->c = 1;
    run1(f, ldst_reg(1, 0, 0, 0, 1, 0, 2, 1, 3, 0));     /* ldr r2, [r0, -r1, rrx] */
    ck_assert_uint_eq(cpu->r[2], 0x102);

    /* post-indexed register: address = base, then base += offset */
    cpu->r[0] = D;
    cpu->r[1] = 5;
    run1(f, ldst_reg(0, 1, 0, 0, 1, 0, 2, 1, 0, 2));     /* ldr r2, [r0], r1, lsl #2 */
    ck_assert_uint_eq(cpu->r[2], 0x100);
    ck_assert_uint_eq(cpu->r[0], D + 20);

    cpu->r[3] = 0xcafef00d;
    cpu->r[1] = 4;
    run1(f, ldst_reg(0, 0, 0, 0, 0, 0, 3, 1, 0, 0));     /* str r3, [r0], -r1 */
    ck_assert_uint_eq(fixture_read32(f, D + 20), 0xcafef00d);
    ck_assert_uint_eq(cpu->r[0], D + 16);

    cpu->r[0] = D;
    cpu->r[1] = 1;
    cpu->r[3] = 0x77;
    run1(f, ldst_reg(1, 1, 1, 1, 0, 0, 3, 1, 0, 3));     /* strb r3, [r0, r1, lsl #3]! */
    ck_assert_uint_eq(fixture_read32(f, D + 8) & 0xff, 0x77);
    ck_assert_uint_eq(cpu->r[0], D + 8);
    fixture_free(f);
}
END_TEST

/* ARMv5 LDR from an unaligned address rotates the aligned word (A4.1.23). */
START_TEST(test_unaligned_ldr)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    static const uint32_t want[4] = { 0x44332211, 0x11443322, 0x22114433, 0x33221144 };

    fixture_write32(f, D, 0x44332211);
    fixture_write32(f, D + 4, 0x88776655);
    for (unsigned i = 0; i < 4; i++) {
        cpu->r[0] = D + i;
        run1(f, ldst(1, 1, 0, 0, 1, 0, 1, 0));           /* ldr r1, [r0] */
        ck_assert_uint_eq(cpu->r[1], want[i]);
    }
    /* unaligned STR writes the aligned word */
    cpu->r[0] = D + 6;
    cpu->r[1] = 0xa1b2c3d4;
    run1(f, ldst(1, 1, 0, 0, 0, 0, 1, 0));
    ck_assert_uint_eq(fixture_read32(f, D + 4), 0xa1b2c3d4);
    fixture_free(f);
}
END_TEST

START_TEST(test_pc_transfers)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    /* LDR to the PC interworks on ARMv5T */
    fixture_write32(f, D, 0x9001);
    cpu->r[0] = D;
    run1(f, ldst(1, 1, 0, 0, 1, 0, 15, 0));              /* ldr pc, [r0] */
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);
    cpu->thumb = 0;

    /* ... unless SCTLR.L4 asks for the ARMv4 behaviour (ARM926 TRM c1) */
    cpu->cp15.sctlr |= SCTLR_L4;
    run1(f, ldst(1, 1, 0, 0, 1, 0, 15, 0));
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 0);
    cpu->r[13] = D;
    run1(f, block(0, 1, 0, 0, 1, 13, 0x8000));           /* ldmia sp, {pc} */
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 0);
    cpu->cp15.sctlr &= ~SCTLR_L4;

    fixture_write32(f, D, 0x9004);
    run1(f, ldst(0, 1, 0, 0, 1, 0, 15, 4));              /* ldr pc, [r0], #4 */
    ck_assert_uint_eq(cpu->r[15], 0x9004);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[0], D + 4);

    /* STR PC stores insn + 8 (QEMU's choice of the implementation-defined
     * offset) */
    cpu->r[0] = D;
    run1(f, ldst(1, 1, 0, 0, 0, 0, 15, 0));              /* str pc, [r0] */
    ck_assert_uint_eq(fixture_read32(f, D), FIXTURE_CODE + 8);

    /* LDR Rn with writeback to Rn: the loaded value wins */
    fixture_write32(f, D, 0x12345678);
    cpu->r[0] = D;
    run1(f, ldst(0, 1, 0, 0, 1, 0, 0, 4));               /* ldr r0, [r0], #4 */
    ck_assert_uint_eq(cpu->r[0], 0x12345678);

    /* STR Rn with writeback stores the old base */
    cpu->r[0] = D;
    run1(f, ldst(1, 1, 0, 1, 0, 0, 0, 4));               /* str r0, [r0, #4]! */
    ck_assert_uint_eq(fixture_read32(f, D + 4), D);
    ck_assert_uint_eq(cpu->r[0], D + 4);
    fixture_free(f);
}
END_TEST

/* ---- addressing mode 3 ---- */

START_TEST(test_halfword)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    fixture_write32(f, D, 0x80ff7f01);
    fixture_write32(f, D + 4, 0);
    cpu->r[0] = D;

    run1(f, extra_imm(1, 1, 0, 1, 0, 1, 1, 2));          /* ldrh r1, [r0, #2] */
    ck_assert_uint_eq(cpu->r[1], 0x80ff);
    run1(f, extra_imm(1, 1, 0, 1, 0, 1, 3, 2));          /* ldrsh r1, [r0, #2] */
    ck_assert_uint_eq(cpu->r[1], 0xffff80ff);
    run1(f, extra_imm(1, 1, 0, 1, 0, 1, 3, 0));          /* ldrsh r1, [r0] */
    ck_assert_uint_eq(cpu->r[1], 0x7f01);
    run1(f, extra_imm(1, 1, 0, 1, 0, 1, 2, 2));          /* ldrsb r1, [r0, #2] */
    ck_assert_uint_eq(cpu->r[1], 0xffffffff);
    run1(f, extra_imm(1, 1, 0, 1, 0, 1, 2, 1));          /* ldrsb r1, [r0, #1] */
    ck_assert_uint_eq(cpu->r[1], 0x7f);

    cpu->r[2] = 0xabcd1234;
    run1(f, extra_imm(1, 1, 1, 0, 0, 2, 1, 6));          /* strh r2, [r0, #6]! */
    ck_assert_uint_eq(fixture_read32(f, D + 4), 0x12340000);
    ck_assert_uint_eq(cpu->r[0], D + 6);

    run1(f, extra_imm(0, 0, 0, 1, 0, 3, 1, 6));          /* ldrh r3, [r0], #-6 */
    ck_assert_uint_eq(cpu->r[3], 0x1234);
    ck_assert_uint_eq(cpu->r[0], D);

    cpu->r[4] = 2;
    run1(f, extra_reg(1, 1, 0, 1, 0, 5, 1, 4));          /* ldrh r5, [r0, r4] */
    ck_assert_uint_eq(cpu->r[5], 0x80ff);
    cpu->r[0] = D + 4;
    run1(f, extra_reg(1, 0, 1, 1, 0, 5, 2, 4));          /* ldrsb r5, [r0, -r4]! */
    ck_assert_uint_eq(cpu->r[5], 0xffffffff);
    ck_assert_uint_eq(cpu->r[0], D + 2);
    run1(f, extra_reg(0, 1, 0, 0, 0, 2, 1, 4));          /* strh r2, [r0], r4 */
    ck_assert_uint_eq(fixture_read32(f, D), 0x12347f01);
    ck_assert_uint_eq(cpu->r[0], D + 4);

    /* a large immediate uses both nibbles: #0x24 */
    fixture_write32(f, D + 0x24, 0xbeef);
    cpu->r[0] = D;
    run1(f, extra_imm(1, 1, 0, 1, 0, 6, 1, 0x24));
    ck_assert_uint_eq(cpu->r[6], 0xbeef);
    fixture_free(f);
}
END_TEST

START_TEST(test_doubleword)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[0] = D;
    cpu->r[2] = 0x11111111;
    cpu->r[3] = 0x22222222;
    run1(f, extra_imm(1, 1, 0, 0, 0, 2, 3, 8));          /* strd r2, [r0, #8] */
    ck_assert_uint_eq(fixture_read32(f, D + 8), 0x11111111);
    ck_assert_uint_eq(fixture_read32(f, D + 12), 0x22222222);
    ck_assert_uint_eq(cpu->r[0], D);

    run1(f, extra_imm(1, 1, 1, 0, 0, 4, 2, 8));          /* ldrd r4, [r0, #8]! */
    ck_assert_uint_eq(cpu->r[4], 0x11111111);
    ck_assert_uint_eq(cpu->r[5], 0x22222222);
    ck_assert_uint_eq(cpu->r[0], D + 8);

    run1(f, extra_imm(0, 0, 0, 0, 0, 6, 2, 8));          /* ldrd r6, [r0], #-8 */
    ck_assert_uint_eq(cpu->r[6], 0x11111111);
    ck_assert_uint_eq(cpu->r[7], 0x22222222);
    ck_assert_uint_eq(cpu->r[0], D);

    cpu->r[1] = 16;
    cpu->r[2] = 0x33333333;
    cpu->r[3] = 0x44444444;
    run1(f, extra_reg(1, 1, 1, 0, 0, 2, 3, 1));          /* strd r2, [r0, r1]! */
    ck_assert_uint_eq(fixture_read32(f, D + 16), 0x33333333);
    ck_assert_uint_eq(fixture_read32(f, D + 20), 0x44444444);
    ck_assert_uint_eq(cpu->r[0], D + 16);

    cpu->r[1] = 8;
    run1(f, extra_reg(1, 0, 0, 0, 0, 8, 2, 1));          /* ldrd r8, [r0, -r1] */
    ck_assert_uint_eq(cpu->r[8], 0x11111111);
    ck_assert_uint_eq(cpu->r[9], 0x22222222);
    ck_assert_uint_eq(cpu->r[0], D + 16);
    cpu->r[12] = 0;
    run1(f, extra_reg(0, 1, 0, 0, 0, 10, 2, 1));         /* ldrd r10, [r0], r1 */
    ck_assert_uint_eq(cpu->r[10], 0x33333333);
    ck_assert_uint_eq(cpu->r[11], 0x44444444);
    ck_assert_uint_eq(cpu->r[0], D + 24);
    fixture_free(f);
}
END_TEST

/* ---- load/store multiple ---- */

START_TEST(test_block_modes)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    const uint32_t base = D + 0x100;

    for (unsigned i = 0; i < 16; i++)
        fixture_write32(f, base - 0x20 + 4 * i, 0x1000 + i);   /* word i at base-0x20+4i */

    /* IA: base, base+4, base+8 */
    cpu->r[0] = base;
    run1(f, block(0, 1, 0, 0, 1, 0, 0x000e));            /* ldmia r0, {r1-r3} */
    ck_assert_uint_eq(cpu->r[1], 0x1008);
    ck_assert_uint_eq(cpu->r[3], 0x100a);
    ck_assert_uint_eq(cpu->r[0], base);
    /* IB with writeback */
    run1(f, block(1, 1, 0, 1, 1, 0, 0x000e));            /* ldmib r0!, {r1-r3} */
    ck_assert_uint_eq(cpu->r[1], 0x1009);
    ck_assert_uint_eq(cpu->r[3], 0x100b);
    ck_assert_uint_eq(cpu->r[0], base + 12);
    /* DA: base-8, base-4, base */
    cpu->r[0] = base;
    run1(f, block(0, 0, 0, 1, 1, 0, 0x000e));            /* ldmda r0!, {r1-r3} */
    ck_assert_uint_eq(cpu->r[1], 0x1006);
    ck_assert_uint_eq(cpu->r[3], 0x1008);
    ck_assert_uint_eq(cpu->r[0], base - 12);
    /* DB: base-12 .. base-4 */
    cpu->r[0] = base;
    run1(f, block(1, 0, 0, 0, 1, 0, 0x000e));            /* ldmdb r0, {r1-r3} */
    ck_assert_uint_eq(cpu->r[1], 0x1005);
    ck_assert_uint_eq(cpu->r[3], 0x1007);
    ck_assert_uint_eq(cpu->r[0], base);

    /* push/pop: stmdb sp!, {r4, r5, lr}; ldmia sp!, {r4, r5, pc} */
    cpu->r[13] = base;
    cpu->r[4] = 4;
    cpu->r[5] = 5;
    cpu->r[14] = 0x9001;
    run1(f, block(1, 0, 0, 1, 0, 13, 0x4030));
    ck_assert_uint_eq(cpu->r[13], base - 12);
    ck_assert_uint_eq(fixture_read32(f, base - 12), 4);
    ck_assert_uint_eq(fixture_read32(f, base - 4), 0x9001);
    cpu->r[4] = cpu->r[5] = 0;
    run1(f, block(0, 1, 0, 1, 1, 13, 0x8030));
    ck_assert_uint_eq(cpu->r[4], 4);
    ck_assert_uint_eq(cpu->r[5], 5);
    ck_assert_uint_eq(cpu->r[13], base);
    ck_assert_uint_eq(cpu->r[15], 0x9000);               /* LDM to PC interworks */
    ck_assert_uint_eq(cpu->thumb, 1);
    cpu->thumb = 0;

    /* STM with the base in the list and writeback stores the original base */
    cpu->r[0] = base;
    run1(f, block(0, 1, 0, 1, 0, 0, 0x0003));            /* stmia r0!, {r0, r1} */
    ck_assert_uint_eq(fixture_read32(f, base), base);
    ck_assert_uint_eq(cpu->r[0], base + 8);

    /* LDM with the base in the list and writeback: the loaded value wins */
    fixture_write32(f, base, 0xabcdef01);
    cpu->r[0] = base;
    run1(f, block(0, 1, 0, 1, 1, 0, 0x0003));            /* ldmia r0!, {r0, r1} */
    ck_assert_uint_eq(cpu->r[0], 0xabcdef01);

    /* STM of the PC stores insn + 8 */
    cpu->r[0] = base;
    run1(f, block(0, 1, 0, 0, 0, 0, 0x8000));            /* stmia r0, {pc} */
    ck_assert_uint_eq(fixture_read32(f, base), FIXTURE_CODE + 8);
    fixture_free(f);
}
END_TEST

START_TEST(test_block_user_bank)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    /* From FIQ mode, LDM ^ loads the User r8-r14, not the FIQ bank */
    cpu_set_cpsr(cpu, MODE_FIQ | PSR_I | PSR_F, PSR_CTL_MASK);
    for (unsigned i = 0; i < 7; i++)
        fixture_write32(f, D + 4 * i, 0x800 + i);
    for (unsigned i = 8; i < 15; i++)
        cpu->r[i] = 0xf1f0 + i;
    cpu->r[0] = D;
    run1(f, block(0, 1, 1, 0, 1, 0, 0x7f00));            /* ldmia r0, {r8-r14}^ */
    for (unsigned i = 8; i < 15; i++) {
        ck_assert_uint_eq(cpu->r[i], 0xf1f0 + i);
        ck_assert_uint_eq(cpu_get_user_reg(cpu, i), 0x800 + i - 8);
    }

    /* STM ^ stores the User bank */
    cpu->r[0] = D + 0x40;
    run1(f, block(0, 1, 1, 0, 0, 0, 0x6000));            /* stmia r0, {r13, r14}^ */
    ck_assert_uint_eq(fixture_read32(f, D + 0x40), 0x805);
    ck_assert_uint_eq(fixture_read32(f, D + 0x44), 0x806);

    /* in User mode both are UNPREDICTABLE: UNDEFINED */
    cpu_set_cpsr(cpu, MODE_USR, PSR_CTL_MASK);
    run1(f, block(0, 1, 1, 0, 0, 0, 0x6000));
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);
}
END_TEST

/* LDM ^ with the PC: CPSR <- SPSR after the loads (A4.1.22). */
START_TEST(test_block_exception_return)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu_set_cpsr(cpu, MODE_IRQ | PSR_I, PSR_CTL_MASK);
    cpu->spsr = PSR_C | PSR_T | MODE_USR;
    cpu->r[13] = D;
    fixture_write32(f, D, 0x77);
    fixture_write32(f, D + 4, 0xa003);
    run1(f, block(0, 1, 1, 1, 1, 13, 0x8001));           /* ldmia sp!, {r0, pc}^ */
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    ck_assert_uint_eq(cpu->c, 1);
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu->r[15], 0xa002);
    ck_assert_uint_eq(cpu->r[0], 0x77);
    ck_assert_uint_eq(cpu->bank_r13[BANK_IRQ], D + 8);   /* writeback in IRQ's bank */
    fixture_free(f);
}
END_TEST

START_TEST(test_swap)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    fixture_write32(f, D, 0x11223344);
    cpu->r[0] = D;
    cpu->r[1] = 0xaabbccdd;
    run1(f, 0xe1002091);                                 /* swp r2, r1, [r0] */
    ck_assert_uint_eq(cpu->r[2], 0x11223344);
    ck_assert_uint_eq(fixture_read32(f, D), 0xaabbccdd);

    run1(f, 0xe1401091);                                 /* swpb r1, r1, [r0] */
    ck_assert_uint_eq(cpu->r[1], 0xdd);
    ck_assert_uint_eq(fixture_read32(f, D), 0xaabbccdd);
    cpu->r[1] = 0x55;
    cpu->r[0] = D + 3;
    run1(f, 0xe1402091);                                 /* swpb r2, r1, [r0] */
    ck_assert_uint_eq(cpu->r[2], 0xaa);
    ck_assert_uint_eq(fixture_read32(f, D), 0x55bbccdd);
    fixture_free(f);
}
END_TEST

/* ---- aborts ---- */

/* With SCTLR.A an unaligned word access aborts: nothing is written back. */
START_TEST(test_alignment_abort)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    cpu->cp15.sctlr |= SCTLR_A;

    cpu->r[0] = D;
    cpu->r[1] = 0x1234;
    run1(f, ldst(1, 1, 0, 1, 1, 0, 1, 1));               /* ldr r1, [r0, #1]! */
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_ABT);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 8);
    ck_assert_uint_eq(cpu->cp15.dfar, D + 1);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[0], D);
    ck_assert_uint_eq(cpu->r[1], 0x1234);
    fixture_free(f);
}
END_TEST

/* An LDM that faults part way: the ARM926 may have loaded some registers,
 * but the base must be as before and the PC not loaded (A2.6.5). */
START_TEST(test_ldm_abort_restores_base)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    fixture_map_section(f, 0, 0, 3);                     /* RAM; 1 MiB up faults */
    fixture_mmu_on(f);

    const uint32_t base = FIXTURE_RAM_SIZE - 8;
    fixture_write32(f, base, 0x1111);
    fixture_write32(f, base + 4, 0x2222);
    cpu->r[0] = base;
    cpu->r[1] = cpu->r[2] = cpu->r[3] = 0;
    run1(f, block(0, 1, 0, 1, 1, 0, 0x800f));            /* ldmia r0!, {r0-r3, pc} */
    ck_assert_int_eq(fixture_vector(f), 0x10);
    ck_assert_uint_eq(cpu->cp15.dfar, FIXTURE_RAM_SIZE);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 8);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[0], base);
    ck_assert_uint_eq(cpu->thumb, 0);

    /* STM that faults on the third word: first two stored, no writeback */
    cpu->r[1] = 0xa;
    cpu->r[2] = 0xb;
    cpu->r[3] = 0xc;
    cpu->r[4] = base;
    run1(f, block(0, 1, 0, 1, 0, 4, 0x000e));            /* stmia r4!, {r1-r3} */
    ck_assert_int_eq(fixture_vector(f), 0x10);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[4], base);
    ck_assert_uint_eq(fixture_read32(f, base), 0xa);
    ck_assert_uint_eq(fixture_read32(f, base + 4), 0xb);

    /* STRD/LDRD whose second word faults: no writeback, no register */
    cpu->r[4] = base + 4;
    run1(f, extra_imm(1, 1, 1, 0, 4, 2, 3, 0));          /* strd r2, [r4, #0]! */
    ck_assert_int_eq(fixture_vector(f), 0x10);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[4], base + 4);
    cpu->r[6] = 0x66;
    run1(f, extra_imm(0, 1, 0, 0, 4, 6, 2, 8));          /* ldrd r6, [r4], #8 */
    ck_assert_int_eq(fixture_vector(f), 0x10);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[4], base + 4);
    ck_assert_uint_eq(cpu->r[6], 0x66);
    fixture_free(f);
}
END_TEST

/* LDRT/STRT are checked as User accesses even from a privileged mode. */
START_TEST(test_user_access)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    fixture_map_section(f, 0, 0, 3);
    fixture_map_section(f, 0x00100000, 0, 1);            /* RAM again, privileged only */
    fixture_mmu_on(f);

    fixture_write32(f, D, 0x4321);
    cpu->r[0] = 0x00100000 + D;
    run1(f, ldst(1, 1, 0, 0, 1, 0, 1, 0));               /* ldr r1, [r0]: privileged */
    ck_assert_uint_eq(cpu->r[1], 0x4321);
    assert_next(f);

    cpu->r[1] = 0;
    run1(f, ldst(0, 1, 0, 1, 1, 0, 1, 4));               /* ldrt r1, [r0], #4 */
    ck_assert_int_eq(fixture_vector(f), 0x10);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[0], 0x00100000 + D);
    ck_assert_uint_eq(cpu->r[1], 0);
    ck_assert_uint_eq(cpu->cp15.dfar, 0x00100000 + D);

    /* the same through the full-access mapping works, post-indexed */
    cpu->r[0] = D;
    run1(f, ldst(0, 1, 0, 1, 1, 0, 1, 4));               /* ldrt r1, [r0], #4 */
    ck_assert_uint_eq(cpu->r[1], 0x4321);
    ck_assert_uint_eq(cpu->r[0], D + 4);
    cpu->r[2] = 0x99;
    run1(f, ldst(0, 1, 1, 1, 0, 0, 2, 0));               /* strbt r2, [r0] */
    ck_assert_uint_eq(fixture_read32(f, D + 4) & 0xff, 0x99);
    fixture_free(f);
}
END_TEST

/* ---- device accesses leave the straight-line loop at the right place ---- */

static uint32_t test_dev_read(void *opaque, uint32_t offset, unsigned size)
{
    (void)size;
    unsigned *count = opaque;
    (*count)++;
    return 0xd0000000u | offset;
}

static void test_dev_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset;
    (void)value;
    (void)size;
    unsigned *count = opaque;
    (*count)++;
}

START_TEST(test_device_access)
{
    static const struct mmio_ops ops = { test_dev_read, test_dev_write };
    unsigned count = 0;
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    ck_assert_int_eq(aspace_add_mmio(&f->as, 0x10000000, 0x1000, &ops, &count, "test"), 0);

    cpu->r[0] = 0x10000000;
    fixture_put_insn(f, ldst(1, 1, 0, 0, 1, 0, 1, 8));   /* ldr r1, [r0, #8] */
    fixture_put_insn(f, ldst(1, 1, 0, 0, 0, 0, 1, 4));   /* str r1, [r0, #4] */
    fixture_put_insn(f, block(0, 1, 0, 0, 1, 0, 0x000c)); /* ldmia r0, {r2, r3} */
    fixture_put_insn(f, 0xe2844001);                     /* add r4, r4, #1 */
    cpu->r[4] = 0;
    ck_assert_uint_eq(fixture_step(f, 4), 4);
    ck_assert_uint_eq(cpu->r[1], 0xd0000008);
    ck_assert_uint_eq(cpu->r[2], 0xd0000000);
    ck_assert_uint_eq(cpu->r[3], 0xd0000004);
    ck_assert_uint_eq(cpu->r[4], 1);
    ck_assert_uint_eq(count, 4);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 16);
    fixture_free(f);
}
END_TEST

Suite *arm_mem_suite(void)
{
    Suite *s = suite_create("arm_mem");
    TCase *tc = tcase_create("word_byte");
    tcase_add_test(tc, test_word_immediate);
    tcase_add_test(tc, test_byte);
    tcase_add_test(tc, test_register_offsets);
    tcase_add_test(tc, test_unaligned_ldr);
    tcase_add_test(tc, test_pc_transfers);
    suite_add_tcase(s, tc);

    tc = tcase_create("mode3");
    tcase_add_test(tc, test_halfword);
    tcase_add_test(tc, test_doubleword);
    suite_add_tcase(s, tc);

    tc = tcase_create("multiple");
    tcase_add_test(tc, test_block_modes);
    tcase_add_test(tc, test_block_user_bank);
    tcase_add_test(tc, test_block_exception_return);
    tcase_add_test(tc, test_swap);
    suite_add_tcase(s, tc);

    tc = tcase_create("aborts");
    tcase_add_test(tc, test_alignment_abort);
    tcase_add_test(tc, test_ldm_abort_restores_base);
    tcase_add_test(tc, test_user_access);
    tcase_add_test(tc, test_device_access);
    suite_add_tcase(s, tc);
    return s;
}
