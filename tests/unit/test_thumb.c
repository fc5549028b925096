/*
 * Thumb (ARMv5TE, 16-bit) instruction tests on an ARM926EJ-S with RAM.
 *
 * What is tested and why: every Thumb instruction class against the ARM
 * ARM (DDI 0100I chapter A7; flags per the ARMv7 A8.8 pseudocode): NZCV of
 * ADD/SUB/ADC/SBC/NEG/CMP/CMN incl. carry and overflow corners, shifts by
 * immediate (#32 forms) and by register (0, 32, > 32, only Rs[7:0] used),
 * MUL keeping C (ARMv5), hi-register ops reading and writing PC, BX/BLX,
 * PUSH/POP with LR/PC and ARMv5T interworking (and SCTLR.L4), the BL/BLX
 * halves, LDMIA/STMIA writeback with the base in the list, every branch
 * condition against every NZCV value, SVC/UNDEFINED/BKPT entry (vector,
 * mode, LR), and the "no state change on abort" rule of LDM/POP/PUSH.
 * These are the classes where emulators usually go wrong (off-by-2 PC
 * values, flags of shifts by register, writeback on faults).
 *
 * Each test builds its own machine with the shared CPU fixture (RAM at 0,
 * MMU off) and runs hand-encoded halfwords in Thumb state (the encodings
 * are spelt out in comments).
 */
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "cpu/thumb_exec.h"
#include "tests/unit/cpu_fixture.h"

#define T_DATA FIXTURE_DATA
#define T_STACK 0x60000u   /* initial SP for PUSH/POP */

static struct cpu_fixture *tfix_new(void)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    return f;
}

/* Places n halfwords at a fresh address (16-byte aligned + skew). */
static uint32_t tfix_load(struct cpu_fixture *f, const uint16_t *code, unsigned n,
                          unsigned skew)
{
    uint32_t addr = ((f->next + 15) & ~15u) + skew;
    ck_assert_int_eq(aspace_write_bytes(&f->as, addr, code, 2u * n), 0);
    f->next = addr + 2u * n;
    return addr;
}

/* Runs steps instructions in Thumb state from addr. */
static void tfix_run_at(struct cpu_fixture *f, uint32_t addr, unsigned steps)
{
    f->cpu.r[15] = addr;
    f->cpu.thumb = 1;
    ck_assert_uint_eq(fixture_step(f, steps), steps);
}

static uint32_t tfix_run(struct cpu_fixture *f, const uint16_t *code, unsigned n,
                         unsigned steps)
{
    uint32_t addr = tfix_load(f, code, n, 0);
    tfix_run_at(f, addr, steps);
    return addr;
}

static void set_nzcv(struct arm_cpu *cpu, unsigned nzcv)
{
    cpu->n = (nzcv >> 3) & 1;
    cpu->z = (nzcv >> 2) & 1;
    cpu->c = (nzcv >> 1) & 1;
    cpu->v = nzcv & 1;
}

/*
 * One data-processing instruction: r0 and r1 in, NZCV in; the expected
 * value of register out_reg and NZCV after.
 */
struct alu_case {
    const char *what;
    uint16_t insn;
    uint32_t r0, r1;
    unsigned nzcv_in;
    unsigned out_reg;
    uint32_t out;
    unsigned nzcv_out;
};

static const struct alu_case alu_cases[] = {
    /* ADDS r2, r0, r1 = 0x1842 */
    { "adds 1+2", 0x1842, 1, 2, 0x0, 2, 3, 0x0 },
    { "adds carry", 0x1842, 0xffffffff, 1, 0x0, 2, 0, 0x6 },
    { "adds overflow", 0x1842, 0x7fffffff, 1, 0x0, 2, 0x80000000, 0x9 },
    { "adds carry+overflow", 0x1842, 0x80000000, 0x80000000, 0x0, 2, 0, 0x7 },
    /* SUBS r2, r0, r1 = 0x1a42: C is NOT borrow */
    { "subs no borrow", 0x1a42, 5, 3, 0x0, 2, 2, 0x2 },
    { "subs borrow", 0x1a42, 3, 5, 0x2, 2, 0xfffffffe, 0x8 },
    { "subs overflow", 0x1a42, 0x80000000, 1, 0x0, 2, 0x7fffffff, 0x3 },
    { "subs equal", 0x1a42, 7, 7, 0x0, 2, 0, 0x6 },
    /* ADDS r2, r0, #7 = 0x1dc2; SUBS r2, r0, #1 = 0x1e42 */
    { "adds imm3", 0x1dc2, 0xfffffffa, 0, 0x0, 2, 1, 0x2 },
    { "subs imm3", 0x1e42, 0, 0, 0x2, 2, 0xffffffff, 0x8 },
    /* ADDS r0, #255 = 0x30ff; SUBS r0, #1 = 0x3801; CMP r0, #5 = 0x2805 */
    { "adds imm8", 0x30ff, 1, 0, 0x0, 0, 0x100, 0x0 },
    { "subs imm8", 0x3801, 0, 0, 0x0, 0, 0xffffffff, 0x8 },
    { "cmp imm8 eq", 0x2805, 5, 0, 0x9, 0, 5, 0x6 },
    /* MOVS r0, #0 = 0x2000: N, Z only */
    { "movs imm keeps CV", 0x2000, 9, 0, 0xb, 0, 0, 0x7 },
    { "movs imm", 0x20ff, 0, 0, 0x4, 0, 0xff, 0x0 },
    /* ADCS r0, r1 = 0x4148 */
    { "adc carry in", 0x4148, 1, 2, 0x2, 0, 4, 0x0 },
    { "adc carry out", 0x4148, 0xffffffff, 0, 0x2, 0, 0, 0x6 },
    { "adc overflow", 0x4148, 0x7fffffff, 0, 0x2, 0, 0x80000000, 0x9 },
    /* SBCS r0, r1 = 0x4188: r0 - r1 - NOT(C) */
    { "sbc C=0", 0x4188, 5, 3, 0x0, 0, 1, 0x2 },
    { "sbc C=1", 0x4188, 5, 3, 0x2, 0, 2, 0x2 },
    { "sbc borrow", 0x4188, 0, 0, 0x0, 0, 0xffffffff, 0x8 },
    { "sbc overflow", 0x4188, 0x80000000, 0, 0x0, 0, 0x7fffffff, 0x3 },
    /* NEGS r0, r1 = 0x4248 (RSBS r0, r1, #0) */
    { "neg 0", 0x4248, 9, 0, 0x0, 0, 0, 0x6 },
    { "neg 1", 0x4248, 9, 1, 0x2, 0, 0xffffffff, 0x8 },
    { "neg min", 0x4248, 9, 0x80000000, 0x0, 0, 0x80000000, 0x9 },
    /* CMP r0, r1 = 0x4288; CMN r0, r1 = 0x42c8 (r0 unchanged) */
    { "cmp lt", 0x4288, 1, 2, 0x0, 0, 1, 0x8 },
    { "cmp overflow", 0x4288, 0x7fffffff, 0xffffffff, 0x0, 0, 0x7fffffff, 0x9 },
    { "cmp hs", 0x4288, 0xffffffff, 1, 0x0, 0, 0xffffffff, 0xa },
    { "cmn zero", 0x42c8, 1, 0xffffffff, 0x0, 0, 1, 0x6 },
    { "cmn overflow", 0x42c8, 0x7fffffff, 1, 0x0, 0, 0x7fffffff, 0x9 },
    /* MULS r0, r1 = 0x4348: C and V unchanged on ARMv5 */
    { "mul keeps CV", 0x4348, 3, 5, 0x3, 0, 15, 0x3 },
    { "mul zero", 0x4348, 0x10000, 0x10000, 0x2, 0, 0, 0x6 },
    { "mul negative", 0x4348, 0xffffffff, 2, 0x1, 0, 0xfffffffe, 0x9 },
    /* logical ops: N, Z only */
    { "and", 0x4008, 0xf0, 0x0f, 0x3, 0, 0, 0x7 },
    { "eor", 0x4048, 0xff00ff00, 0x0ff00ff0, 0x0, 0, 0xf0f0f0f0, 0x8 },
    { "orr", 0x4308, 0xf0, 0x0f, 0x4, 0, 0xff, 0x0 },
    { "bic", 0x4388, 0xff, 0x0f, 0x2, 0, 0xf0, 0x2 },
    { "mvn", 0x43c8, 0, 0, 0x1, 0, 0xffffffff, 0x9 },
    { "tst", 0x4208, 0x80000000, 0x80000000, 0x1, 0, 0x80000000, 0x9 },
    /* shifts by immediate: LSLS r0, r1, #n = 0x0008 | n << 6, LSR 0x0808, ASR 0x1008 */
    { "lsl #0 keeps C", 0x0008, 0, 0x80000000, 0x2, 0, 0x80000000, 0xa },
    { "lsl #1", 0x0048, 0, 0x80000001, 0x0, 0, 2, 0x2 },
    { "lsl #31", 0x07c8, 0, 3, 0x0, 0, 0x80000000, 0xa },
    { "lsr #32", 0x0808, 0, 0x80000000, 0x0, 0, 0, 0x6 },
    { "lsr #1", 0x0848, 0, 3, 0x0, 0, 1, 0x2 },
    { "asr #32 neg", 0x1008, 0, 0x80000000, 0x0, 0, 0xffffffff, 0xa },
    { "asr #32 pos", 0x1008, 0, 0x7fffffff, 0x2, 0, 0, 0x4 },
    { "asr #4", 0x1108, 0, 0x80000018, 0x0, 0, 0xf8000001, 0xa },
    /* shifts by register: LSL r0, r1 = 0x4088, LSR 0x40c8, ASR 0x4108, ROR 0x41c8 */
    { "lsl reg 32", 0x4088, 1, 32, 0x0, 0, 0, 0x6 },
    { "lsl reg 33", 0x4088, 1, 33, 0x2, 0, 0, 0x4 },
    { "lsl reg 0", 0x4088, 0x80000001, 0, 0x1, 0, 0x80000001, 0x9 },
    { "lsl reg uses Rs[7:0]", 0x4088, 1, 0x101, 0x0, 0, 2, 0x0 },
    { "lsl reg 256 is 0", 0x4088, 1, 0x100, 0x2, 0, 1, 0x2 },
    { "lsr reg 32", 0x40c8, 0x80000000, 32, 0x0, 0, 0, 0x6 },
    { "lsr reg 33", 0x40c8, 0x80000000, 33, 0x2, 0, 0, 0x4 },
    { "lsr reg 31", 0x40c8, 0x80000000, 31, 0x2, 0, 1, 0x0 },
    { "asr reg 40", 0x4108, 0x80000000, 40, 0x0, 0, 0xffffffff, 0xa },
    { "asr reg 255 pos", 0x4108, 0x40000000, 255, 0x2, 0, 0, 0x4 },
    { "asr reg 256 is 0", 0x4108, 0x80000000, 256, 0x2, 0, 0x80000000, 0xa },
    { "ror reg 1", 0x41c8, 0x80000001, 1, 0x0, 0, 0xc0000000, 0xa },
    { "ror reg 32", 0x41c8, 0x80000001, 32, 0x0, 0, 0x80000001, 0xa },
    { "ror reg 64 C=bit31", 0x41c8, 1, 64, 0x2, 0, 1, 0x0 },
    { "ror reg 0 keeps C", 0x41c8, 1, 0, 0x2, 0, 1, 0x2 },
    { "ror reg 36", 0x41c8, 0xf, 36, 0x0, 0, 0xf0000000, 0xa },
};

START_TEST(test_alu_flags)
{
    struct cpu_fixture *f = tfix_new();
    for (size_t i = 0; i < sizeof(alu_cases) / sizeof(alu_cases[0]); i++) {
        const struct alu_case *c = &alu_cases[i];
        struct arm_cpu *cpu = &f->cpu;
        memset(cpu->r, 0, 8 * sizeof(uint32_t));
        cpu->r[0] = c->r0;
        cpu->r[1] = c->r1;
        set_nzcv(cpu, c->nzcv_in);
        uint32_t addr = tfix_run(f, &c->insn, 1, 1);
        ck_assert_msg(cpu->r[c->out_reg] == c->out, "%s: r%u = 0x%08x, want 0x%08x",
                      c->what, c->out_reg, cpu->r[c->out_reg], c->out);
        ck_assert_msg(cpu_nzcv(cpu) == c->nzcv_out, "%s: NZCV = %x, want %x", c->what,
                      cpu_nzcv(cpu), c->nzcv_out);
        ck_assert_msg(cpu->r[15] == addr + 2 && cpu->thumb, "%s: pc 0x%08x", c->what,
                      cpu->r[15]);
    }
    fixture_free(f);
}
END_TEST

/* Hi-register ADD/CMP/MOV: PC reads as insn + 4, flags untouched by ADD/MOV. */
START_TEST(test_hi_register_ops)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = {
        0x4678, /* mov r0, pc     -> insn + 4 */
        0x4688, /* mov r8, r1 */
        0x4449, /* add r1, r9 */
        0x447a, /* add r2, pc     -> r2 + insn + 4 */
        0x4588, /* cmp r8, r1 */
        0x46c0, /* mov r8, r8 (nop) */
    };
    cpu->r[1] = 0x1000;
    cpu->r[2] = 0x10;
    cpu->r[9] = 0x234;
    set_nzcv(cpu, 0xf);
    uint32_t a = tfix_run(f, code, 6, 4);
    ck_assert_uint_eq(cpu->r[0], a + 4);
    ck_assert_uint_eq(cpu->r[8], 0x1000);
    ck_assert_uint_eq(cpu->r[1], 0x1234);
    ck_assert_uint_eq(cpu->r[2], 0x10 + a + 6 + 4);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0xf);
    tfix_run_at(f, a + 8, 1);
    /* 0x1000 - 0x1234: negative, borrow */
    ck_assert_uint_eq(cpu_nzcv(cpu), 0x8);
    fixture_free(f);
}
END_TEST

/* ADD PC, Rm and MOV PC, Rm branch and stay in Thumb state (bit 0 dropped). */
START_TEST(test_hi_register_pc_dest)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t add_pc[] = { 0x4487 }; /* add pc, r0 */
    static const uint16_t mov_pc[] = { 0x4687 }; /* mov pc, r0 */
    static const uint16_t mov_pc_lr[] = { 0x46f7 }; /* mov pc, lr */

    cpu->r[0] = 4;
    uint32_t a = tfix_run(f, add_pc, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 8);
    ck_assert_uint_eq(cpu->thumb, 1);

    cpu->r[0] = 5;
    a = tfix_run(f, add_pc, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 8);
    ck_assert_uint_eq(cpu->thumb, 1);

    cpu->r[0] = 0x9001;
    tfix_run(f, mov_pc, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);

    cpu->r[14] = 0xa000; /* no interworking: stays Thumb even with bit 0 clear */
    tfix_run(f, mov_pc_lr, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0xa000);
    ck_assert_uint_eq(cpu->thumb, 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_bx_blx_register)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t bx_r0[] = { 0x4700 };
    static const uint16_t bx_pc[] = { 0x4778 };
    static const uint16_t blx_r1[] = { 0x4788 };
    static const uint16_t blx_lr[] = { 0x47f0 };

    cpu->r[0] = 0x9000;
    tfix_run(f, bx_r0, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 0);

    cpu->r[0] = 0x9001;
    tfix_run(f, bx_r0, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);

    /* BX PC from a word-aligned address: ARM state at insn + 4. */
    uint32_t a = tfix_run(f, bx_pc, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 4);
    ck_assert_uint_eq(cpu->thumb, 0);

    cpu->r[1] = 0x9001;
    a = tfix_run(f, blx_r1, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu->r[14], (a + 2) | 1);

    /* BLX LR uses the old LR as the target. */
    cpu->r[14] = 0xa000;
    a = tfix_run(f, blx_lr, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0xa000);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[14], (a + 2) | 1);
    fixture_free(f);
}
END_TEST

/* LDR Rd, [PC, #imm] and ADR use Align(PC, 4). */
START_TEST(test_pc_relative)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    /* At a + 2 (not word aligned): base = Align(a + 6, 4) = a + 4. */
    static const uint16_t code[] = {
        0x46c0,          /* a + 0: nop */
        0x4801,          /* a + 2: ldr r0, [pc, #4] -> word at a + 8 */
        0xa102,          /* a + 4: adr r1, #8 -> Align(a + 8, 4) + 8 = a + 16 */
        0x46c0,          /* a + 6 */
        0x5678, 0x1234,  /* a + 8: literal 0x12345678 */
    };
    uint32_t a = tfix_load(f, code, 6, 0);
    tfix_run_at(f, a + 2, 2);
    ck_assert_uint_eq(cpu->r[0], 0x12345678);
    ck_assert_uint_eq(cpu->r[1], a + 16);
    fixture_free(f);
}
END_TEST

START_TEST(test_load_store)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = {
        0x6002, /* str   r2, [r0, #0] */
        0x7142, /* strb  r2, [r0, #5] */
        0x80c2, /* strh  r2, [r0, #6] */
        0x5643, /* ldrsb r3, [r0, r1] */
        0x5e44, /* ldrsh r4, [r0, r1] */
        0x88c5, /* ldrh  r5, [r0, #6] */
        0x78c6, /* ldrb  r6, [r0, #3] */
        0x6847, /* ldr   r7, [r0, #4] */
    };
    cpu->r[0] = T_DATA;
    cpu->r[1] = 0;
    cpu->r[2] = 0x8899aabb;
    tfix_run(f, code, 8, 8);
    ck_assert_uint_eq(fixture_read32(f, T_DATA), 0x8899aabb);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 4), 0xaabbbb00);
    ck_assert_uint_eq(cpu->r[3], 0xffffffbb);
    ck_assert_uint_eq(cpu->r[4], 0xffffaabb);
    ck_assert_uint_eq(cpu->r[5], 0xaabb);
    ck_assert_uint_eq(cpu->r[6], 0x88);
    ck_assert_uint_eq(cpu->r[7], 0xaabbbb00);

    static const uint16_t reg_forms[] = {
        0x5042, /* str  r2, [r0, r1] */
        0x5242, /* strh r2, [r0, r1]: overwrites the low half */
        0x5442, /* strb r2, [r0, r1] */
        0x5843, /* ldr  r3, [r0, r1] */
        0x5a44, /* ldrh r4, [r0, r1] */
        0x5c45, /* ldrb r5, [r0, r1] */
    };
    cpu->r[1] = 8;
    cpu->r[2] = 0x11223344;
    tfix_run(f, reg_forms, 1, 1);
    cpu->r[2] = 0x5566;
    tfix_run(f, reg_forms + 1, 1, 1);
    cpu->r[2] = 0x77;
    tfix_run(f, reg_forms + 2, 4, 4);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 8), 0x11225577);
    ck_assert_uint_eq(cpu->r[3], 0x11225577);
    ck_assert_uint_eq(cpu->r[4], 0x5577);
    ck_assert_uint_eq(cpu->r[5], 0x77);

    /* ARMv5 unaligned LDR: the aligned word rotated by 8 * addr[1:0]. */
    static const uint16_t ldr_unaligned[] = { 0x5847 }; /* ldr r7, [r0, r1] */
    cpu->r[1] = 1;
    tfix_run(f, ldr_unaligned, 1, 1);
    ck_assert_uint_eq(cpu->r[7], 0xbb8899aa);
    fixture_free(f);
}
END_TEST

START_TEST(test_sp_relative)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = {
        0x9202, /* str r2, [sp, #8] */
        0x9b02, /* ldr r3, [sp, #8] */
        0xac04, /* add r4, sp, #16 */
        0xb002, /* add sp, #8 */
        0xb083, /* sub sp, #12 */
    };
    cpu->r[13] = T_DATA + 0x100;
    cpu->r[2] = 0xcafef00d;
    set_nzcv(cpu, 0x5);
    tfix_run(f, code, 5, 5);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 0x108), 0xcafef00d);
    ck_assert_uint_eq(cpu->r[3], 0xcafef00d);
    ck_assert_uint_eq(cpu->r[4], T_DATA + 0x110);
    ck_assert_uint_eq(cpu->r[13], T_DATA + 0xfc);
    ck_assert_uint_eq(cpu_nzcv(cpu), 0x5);
    fixture_free(f);
}
END_TEST

START_TEST(test_push_pop)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = {
        0xb503, /* push {r0, r1, lr} */
        0xbc0c, /* pop {r2, r3} */
        0xbd00, /* pop {pc} */
    };
    cpu->r[13] = T_STACK;
    cpu->r[0] = 0x11;
    cpu->r[1] = 0x22;
    cpu->r[14] = 0x9001;
    tfix_run(f, code, 3, 1);
    ck_assert_uint_eq(cpu->r[13], T_STACK - 12);
    ck_assert_uint_eq(fixture_read32(f, T_STACK - 12), 0x11);
    ck_assert_uint_eq(fixture_read32(f, T_STACK - 8), 0x22);
    ck_assert_uint_eq(fixture_read32(f, T_STACK - 4), 0x9001);

    tfix_run_at(f, cpu->r[15], 2);
    ck_assert_uint_eq(cpu->r[2], 0x11);
    ck_assert_uint_eq(cpu->r[3], 0x22);
    ck_assert_uint_eq(cpu->r[13], T_STACK);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 1);

    /* ARMv5T: POP {pc} with bit 0 clear goes to ARM state. */
    static const uint16_t pop_pc[] = { 0xbd00 };
    cpu->r[13] = T_STACK - 4;
    fixture_write32(f, T_STACK - 4, 0xa000);
    tfix_run(f, pop_pc, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0xa000);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[13], T_STACK);

    /* SCTLR.L4 (ARM926): ARMv4 behaviour, bit 0 ignored, Thumb state kept. */
    cpu->cp15.sctlr |= SCTLR_L4;
    cpu->r[13] = T_STACK - 4;
    fixture_write32(f, T_STACK - 4, 0xa000);
    tfix_run(f, pop_pc, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0xa000);
    ck_assert_uint_eq(cpu->thumb, 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_ldmia_stmia_writeback)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    fixture_write32(f, T_DATA, 0x11);
    fixture_write32(f, T_DATA + 4, 0x22);
    fixture_write32(f, T_DATA + 8, 0x33);

    static const uint16_t ldm_wb[] = { 0xc806 };   /* ldmia r0!, {r1, r2} */
    cpu->r[0] = T_DATA;
    tfix_run(f, ldm_wb, 1, 1);
    ck_assert_uint_eq(cpu->r[1], 0x11);
    ck_assert_uint_eq(cpu->r[2], 0x22);
    ck_assert_uint_eq(cpu->r[0], T_DATA + 8);

    static const uint16_t ldm_base_first[] = { 0xc803 }; /* ldmia r0, {r0, r1} */
    cpu->r[0] = T_DATA;
    tfix_run(f, ldm_base_first, 1, 1);
    ck_assert_uint_eq(cpu->r[0], 0x11);
    ck_assert_uint_eq(cpu->r[1], 0x22);

    static const uint16_t ldm_base_mid[] = { 0xc907 }; /* ldmia r1, {r0, r1, r2} */
    cpu->r[1] = T_DATA;
    tfix_run(f, ldm_base_mid, 1, 1);
    ck_assert_uint_eq(cpu->r[0], 0x11);
    ck_assert_uint_eq(cpu->r[1], 0x22);
    ck_assert_uint_eq(cpu->r[2], 0x33);

    /* STMIA with the base not first: original base stored (unicorn), writeback. */
    static const uint16_t stm_base_mid[] = { 0xc107 }; /* stmia r1!, {r0, r1, r2} */
    cpu->r[0] = 0xa;
    cpu->r[1] = T_DATA + 0x20;
    cpu->r[2] = 0xc;
    tfix_run(f, stm_base_mid, 1, 1);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 0x20), 0xa);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 0x24), T_DATA + 0x20);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 0x28), 0xc);
    ck_assert_uint_eq(cpu->r[1], T_DATA + 0x2c);

    static const uint16_t stm_base_first[] = { 0xc003 }; /* stmia r0!, {r0, r1} */
    cpu->r[0] = T_DATA + 0x40;
    cpu->r[1] = 0xb;
    tfix_run(f, stm_base_first, 1, 1);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 0x40), T_DATA + 0x40);
    ck_assert_uint_eq(fixture_read32(f, T_DATA + 0x44), 0xb);
    ck_assert_uint_eq(cpu->r[0], T_DATA + 0x48);
    fixture_free(f);
}
END_TEST

/* The ARM ARM's condition table (A8.3), written out independently. */
static bool cond_holds(unsigned cond, unsigned nzcv)
{
    bool n = nzcv & 8, z = nzcv & 4, c = nzcv & 2, v = nzcv & 1;
    switch (cond) {
    case 0: return z;
    case 1: return !z;
    case 2: return c;
    case 3: return !c;
    case 4: return n;
    case 5: return !n;
    case 6: return v;
    case 7: return !v;
    case 8: return c && !z;
    case 9: return !c || z;
    case 10: return n == v;
    case 11: return n != v;
    case 12: return !z && n == v;
    case 13: return z || n != v;
    default: return true;
    }
}

START_TEST(test_conditional_branches)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    for (unsigned cond = 0; cond < 14; cond++) {
        /* b<cond> +4 (forward to insn + 8) and b<cond> -4 (back to insn). */
        uint16_t fwd = (uint16_t)(0xd002 | cond << 8);
        uint16_t back = (uint16_t)(0xd0fe | cond << 8);
        uint32_t a_fwd = tfix_load(f, &fwd, 1, 0);
        uint32_t a_back = tfix_load(f, &back, 1, 2);
        for (unsigned nzcv = 0; nzcv < 16; nzcv++) {
            bool taken = cond_holds(cond, nzcv);
            set_nzcv(cpu, nzcv);
            tfix_run_at(f, a_fwd, 1);
            ck_assert_msg(cpu->r[15] == (taken ? a_fwd + 8 : a_fwd + 2),
                          "cond %u nzcv %x: pc 0x%08x", cond, nzcv, cpu->r[15]);
            tfix_run_at(f, a_back, 1);
            ck_assert_msg(cpu->r[15] == (taken ? a_back : a_back + 2),
                          "cond %u nzcv %x back: pc 0x%08x", cond, nzcv, cpu->r[15]);
            ck_assert_uint_eq(cpu_nzcv(cpu), nzcv);
            ck_assert_uint_eq(cpu->thumb, 1);
        }
    }
    fixture_free(f);
}
END_TEST

START_TEST(test_unconditional_branch)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t b_fwd[] = { 0xe005 };  /* b insn + 4 + 10 */
    static const uint16_t b_self[] = { 0xe7fe }; /* b . */
    static const uint16_t b_max[] = { 0xe3ff };  /* b insn + 4 + 2046 */
    static const uint16_t b_min[] = { 0xe400 };  /* b insn + 4 - 2048 */
    uint32_t a = tfix_run(f, b_fwd, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 14);
    a = tfix_run(f, b_self, 1, 5);
    ck_assert_uint_eq(cpu->r[15], a);
    a = tfix_run(f, b_max, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 4 + 2046);
    a = tfix_run(f, b_min, 1, 1);
    ck_assert_uint_eq(cpu->r[15], a + 4 - 2048);
    fixture_free(f);
}
END_TEST

/* BL as two 16-bit halves (ARMv5): LR carries the high part in between. */
START_TEST(test_bl_pair)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    /* offset 0xffc from a + 4: target a + 0x1000 */
    static const uint16_t bl_fwd[] = { 0xf000, 0xfffe };
    uint32_t a = tfix_run(f, bl_fwd, 2, 1);
    ck_assert_uint_eq(cpu->r[14], a + 4);          /* prefix: LR = PC + 0 */
    ck_assert_uint_eq(cpu->r[15], a + 2);
    tfix_run_at(f, a + 2, 1);
    ck_assert_uint_eq(cpu->r[15], a + 0x1000);
    ck_assert_uint_eq(cpu->r[14], (a + 4) | 1);
    ck_assert_uint_eq(cpu->thumb, 1);

    /* offset -0x2004: target a - 0x2000 */
    static const uint16_t bl_back[] = { 0xf7fd, 0xfffe };
    a = tfix_run(f, bl_back, 2, 2);
    ck_assert_uint_eq(cpu->r[15], a - 0x2000);
    ck_assert_uint_eq(cpu->r[14], (a + 4) | 1);

    /* A lone suffix branches relative to whatever LR holds. */
    static const uint16_t suffix[] = { 0xf804 }; /* bl suffix, offset 8 */
    cpu->r[14] = 0x9001;
    a = tfix_run(f, suffix, 1, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9008);
    ck_assert_uint_eq(cpu->r[14], (a + 2) | 1);
    ck_assert_uint_eq(cpu->thumb, 1);
    fixture_free(f);
}
END_TEST

/* BLX (immediate) halves: ARM state, target word aligned. */
START_TEST(test_blx_pair)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    /* At a + 2: LR = a + 6; suffix offset 0xffc; (a + 6 + 0xffc) & ~3. */
    static const uint16_t code[] = { 0x46c0, 0xf000, 0xeffe };
    uint32_t a = tfix_load(f, code, 3, 0);
    tfix_run_at(f, a + 2, 2);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[15], (a + 6 + 0xffc) & ~3u);
    ck_assert_uint_eq(cpu->r[14], (a + 6) | 1);
    fixture_free(f);
}
END_TEST

/* Checks an exception entry taken from user mode by one instruction. */
static void check_exception(struct cpu_fixture *f, uint16_t insn, unsigned mode,
                            uint32_t vector, uint32_t lr_offset)
{
    struct arm_cpu *cpu = &f->cpu;
    cpu_set_cpsr(cpu, MODE_USR, PSR_M_MASK | PSR_I | PSR_F);
    set_nzcv(cpu, 0x9);
    uint32_t a = tfix_run(f, &insn, 1, 1);
    ck_assert_msg(cpu_mode(cpu) == mode, "insn 0x%04x: mode 0x%x", insn, cpu_mode(cpu));
    ck_assert_msg(cpu->r[15] == vector, "insn 0x%04x: pc 0x%08x", insn, cpu->r[15]);
    ck_assert_msg(cpu->r[14] == a + lr_offset, "insn 0x%04x: lr 0x%08x, insn at 0x%08x",
                  insn, cpu->r[14], a);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->spsr & (PSR_T | PSR_M_MASK), PSR_T | MODE_USR);
    ck_assert_uint_eq(cpu->spsr >> 28, 0x9);
    ck_assert(cpu->cpsr_ctl & PSR_I);
}

START_TEST(test_svc_entry)
{
    struct cpu_fixture *f = tfix_new();
    check_exception(f, 0xdf12, MODE_SVC, 0x08, 2);   /* svc #0x12 */
    fixture_free(f);
}
END_TEST

START_TEST(test_undefined_entry)
{
    /* Encodings the ARM926 does not have, or that are UNDEFINED in v5T. */
    static const uint16_t undef[] = {
        0xde00, /* b<cond> with cond 1110 */
        0xdeff,
        0xe801, /* BLX suffix with bit 0 set */
        0xb400, /* push {} (UNPREDICTABLE; QEMU/unicorn UNDEF) */
        0xbc00, /* pop {} */
        0xc800, /* ldmia r0!, {} */
        0xc000, /* stmia r0!, {} */
        0x4701, /* bx r0 with SBZ bits set */
        0xb100, /* cbz (ARMv6T2) */
        0xb200, /* sxth (ARMv6) */
        0xb660, /* cps (ARMv6) */
        0xba00, /* rev (ARMv6) */
        0xbf00, /* nop / it (ARMv6T2) */
    };
    for (size_t i = 0; i < sizeof(undef) / sizeof(undef[0]); i++) {
        struct cpu_fixture *f = tfix_new();
        check_exception(f, undef[i], MODE_UND, 0x04, 2);
        fixture_free(f);
    }
}
END_TEST

/* BKPT: prefetch abort, LR = insn + 4, IFSR = debug event. */
START_TEST(test_bkpt_entry)
{
    struct cpu_fixture *f = tfix_new();
    check_exception(f, 0xbe01, MODE_ABT, 0x0c, 4);
    ck_assert_uint_eq(f->cpu.cp15.ifsr & 0xf, 0x2);
    fixture_free(f);
}
END_TEST

/* The undefined BLX suffix after a valid prefix: LR_und = suffix + 2. */
START_TEST(test_bl_prefix_then_undefined_suffix)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    static const uint16_t code[] = { 0xf000, 0xe801 };
    uint32_t a = tfix_run(f, code, 2, 2);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_UND);
    ck_assert_uint_eq(cpu->r[15], 0x04);
    ck_assert_uint_eq(cpu->r[14], a + 4);
    fixture_free(f);
}
END_TEST

/*
 * Maps VA 0-1 MiB flat with one ARMv5 section and leaves 1-2 MiB unmapped,
 * so an access that crosses 0x100000 faults half way.
 */
static void map_first_megabyte(struct cpu_fixture *f)
{
    const uint32_t l1 = 0x4000;
    static const uint32_t zero[2] = { 0, 0 };
    fixture_write32(f, l1, 0x00000c12);    /* section, AP = 11, domain 0 */
    ck_assert_int_eq(aspace_write_bytes(&f->as, l1 + 4, zero, 8), 0);
    f->cpu.cp15.ttbr0 = l1;
    f->cpu.cp15.dacr = 1;               /* domain 0: client */
    f->cpu.cp15.sctlr |= SCTLR_M;
    cpu_tlb_flush(&f->cpu);
}

static void check_data_abort(struct cpu_fixture *f, uint32_t insn_addr, uint32_t far)
{
    struct arm_cpu *cpu = &f->cpu;
    ck_assert_uint_eq(cpu_mode(cpu), MODE_ABT);
    ck_assert_uint_eq(cpu->r[15], 0x10);
    ck_assert_uint_eq(cpu->r[14], insn_addr + 8);
    ck_assert_uint_eq(cpu->cp15.dfar, far);
}

START_TEST(test_abort_keeps_state)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    map_first_megabyte(f);

    /* LDMIA: the third word faults; base and loaded registers unchanged. */
    static const uint16_t ldm[] = { 0xc80e }; /* ldmia r0!, {r1, r2, r3} */
    cpu->r[0] = 0xffff8;
    cpu->r[1] = 0x111;
    cpu->r[2] = 0x222;
    cpu->r[3] = 0x333;
    uint32_t a = tfix_run(f, ldm, 1, 1);
    check_data_abort(f, a, 0x100000);
    ck_assert_uint_eq(cpu->r[0], 0xffff8);
    ck_assert_uint_eq(cpu->r[1], 0x111);
    ck_assert_uint_eq(cpu->r[2], 0x222);
    ck_assert_uint_eq(cpu->r[3], 0x333);

    /* POP {r0, pc} over the boundary: SP and PC untouched until the abort. */
    static const uint16_t pop[] = { 0xbd01 };
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    cpu->r[13] = 0xffffc;
    cpu->r[0] = 0x999;
    a = tfix_run(f, pop, 1, 1);
    check_data_abort(f, a, 0x100000);
    ck_assert_uint_eq(cpu->r[0], 0x999);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[13], 0xffffc);

    /* PUSH: SP is not written back when a store faults. */
    static const uint16_t push[] = { 0xb40f }; /* push {r0-r3} */
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    cpu->r[13] = 0x100008;
    a = tfix_run(f, push, 1, 1);
    check_data_abort(f, a, 0x100000);
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[13], 0x100008);

    /* STMIA: no writeback on the abort either. */
    static const uint16_t stm[] = { 0xc00e }; /* stmia r0!, {r1, r2, r3} */
    cpu->r[0] = 0xffffc;
    a = tfix_run(f, stm, 1, 1);
    check_data_abort(f, a, 0x100000);
    ck_assert_uint_eq(cpu->r[0], 0xffffc);
    fixture_free(f);
}
END_TEST

/* A single-register load that faults leaves Rd alone. */
START_TEST(test_load_abort_keeps_rd)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    map_first_megabyte(f);
    static const uint16_t ldr[] = { 0x6808 }; /* ldr r0, [r1, #0] */
    cpu->r[0] = 0x5a5a;
    cpu->r[1] = 0x100010;
    uint32_t a = tfix_run(f, ldr, 1, 1);
    check_data_abort(f, a, 0x100010);
    ck_assert_uint_eq(cpu->r[0], 0x5a5a);
    fixture_free(f);
}
END_TEST

START_TEST(test_decode_table_arm926)
{
    struct decoded_insn d;
    for (uint32_t hw = 0; hw <= 0xffff; hw++) {
        ck_assert(!thumb_is_32bit(&cpu_model_arm926, (uint16_t)hw));
        memset(&d, 0xa5, sizeof(d));
        thumb_decode(&cpu_model_arm926, (uint16_t)hw, 0xffff, &d);
        ck_assert_ptr_nonnull(d.handler);
        ck_assert_uint_eq(d.len, 2);
        ck_assert_uint_eq(d.raw, hw);
        bool bcond = (hw & 0xf000) == 0xd000 && ((hw >> 8) & 0xf) < 14;
        ck_assert_msg(d.cond == (bcond ? ((hw >> 8) & 0xf) : COND_AL),
                      "0x%04x: cond %u", hw, d.cond);
    }
    /* ARMv5T encodings present, ARMv6 ones absent. */
    thumb_decode(&cpu_model_arm926, 0x4780, 0, &d);
    ck_assert(d.handler != thumb_undefined);
    thumb_decode(&cpu_model_arm926, 0xbe00, 0, &d);
    ck_assert(d.handler != thumb_undefined);
    thumb_decode(&cpu_model_arm926, 0xe800, 0, &d);
    ck_assert(d.handler != thumb_undefined);
    thumb_decode(&cpu_model_arm926, 0xb2c0, 0, &d); /* uxtb */
    ck_assert(d.handler == thumb_undefined);
}
END_TEST

/* A Thumb-2 core: BL/BLX are one 32-bit instruction. */
static const struct cpu_model thumb2_test_model = {
    .name = "thumb2-test",
    .features = CPU_FEAT_V5TE | CPU_FEAT_V6 | CPU_FEAT_V6K | CPU_FEAT_V7 | CPU_FEAT_THUMB2,
};

START_TEST(test_thumb2_bl_blx)
{
    struct cpu_fixture *f = tfix_new();
    struct arm_cpu *cpu = &f->cpu;
    const struct cpu_model *m = &thumb2_test_model;
    struct decoded_insn d;

    ck_assert(thumb_is_32bit(m, 0xe800));
    ck_assert(thumb_is_32bit(m, 0xf000));
    ck_assert(thumb_is_32bit(m, 0xf800));
    ck_assert(!thumb_is_32bit(m, 0xe7ff));

    /* bl . + 4 - 4 (S = 1, J1 = J2 = 1, imm = -4) */
    thumb_decode(m, 0xf7ff, 0xfffe, &d);
    ck_assert_uint_eq(d.len, 4);
    ck_assert_uint_eq(d.cond, COND_AL);
    ck_assert(d.handler != thumb_undefined);
    cpu->thumb = 1;
    cpu->r[15] = 0x8004;  /* as the executor sets it for an insn at 0x8000 */
    ck_assert_int_ne(d.handler(cpu, &d), 0);
    ck_assert_uint_eq(cpu->r[15], 0x8000);
    ck_assert_uint_eq(cpu->r[14], 0x8005);

    /* bl with S = 0, J1 = J2 = 0: I1 = I2 = 1, offset 0xc00000 + 2 */
    thumb_decode(m, 0xf000, 0xd001, &d);
    cpu->r[15] = 0x8004;
    d.handler(cpu, &d);
    ck_assert_uint_eq(cpu->r[15], 0x8004 + 0xc00002);

    /* blx: Align(PC, 4) + imm, ARM state; insn at 0x8002 */
    thumb_decode(m, 0xf000, 0xe802, &d);
    ck_assert(d.handler != thumb_undefined);
    cpu->thumb = 1;
    cpu->r[15] = 0x8006;
    d.handler(cpu, &d);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[15], 0x8004 + 4);
    ck_assert_uint_eq(cpu->r[14], 0x8007);

    /* blx with H = 1: UNDEFINED, 4 bytes long (the rest of Thumb-2 is
     * tested in test_thumb2.c) */
    thumb_decode(m, 0xf000, 0xe801, &d);
    ck_assert(d.handler == thumb_undefined);
    ck_assert_uint_eq(d.len, 4);
    thumb_decode(m, 0xe92d, 0x4000, &d);  /* push.w {lr} */
    ck_assert(d.handler != thumb_undefined);
    ck_assert_uint_eq(d.len, 4);

    /* 16-bit encodings still decode as on ARMv5. */
    thumb_decode(m, 0x1842, 0, &d);
    ck_assert(d.handler != thumb_undefined);
    ck_assert_uint_eq(d.len, 2);
    fixture_free(f);
}
END_TEST

Suite *thumb_suite(void)
{
    Suite *s = suite_create("thumb");
    TCase *tc = tcase_create("arm926");
    tcase_add_test(tc, test_alu_flags);
    tcase_add_test(tc, test_hi_register_ops);
    tcase_add_test(tc, test_hi_register_pc_dest);
    tcase_add_test(tc, test_bx_blx_register);
    tcase_add_test(tc, test_pc_relative);
    tcase_add_test(tc, test_load_store);
    tcase_add_test(tc, test_sp_relative);
    tcase_add_test(tc, test_push_pop);
    tcase_add_test(tc, test_ldmia_stmia_writeback);
    tcase_add_test(tc, test_conditional_branches);
    tcase_add_test(tc, test_unconditional_branch);
    tcase_add_test(tc, test_bl_pair);
    tcase_add_test(tc, test_blx_pair);
    tcase_add_test(tc, test_svc_entry);
    tcase_add_test(tc, test_undefined_entry);
    tcase_add_test(tc, test_bkpt_entry);
    tcase_add_test(tc, test_bl_prefix_then_undefined_suffix);
    tcase_add_test(tc, test_abort_keeps_state);
    tcase_add_test(tc, test_load_abort_keeps_rd);
    tcase_add_test(tc, test_decode_table_arm926);
    tcase_add_test(tc, test_thumb2_bl_blx);
    suite_add_tcase(s, tc);
    return s;
}
