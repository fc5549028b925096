/*
 * ARM (A32) data processing, multiplies, DSP saturation, status registers,
 * branches and UNDEFINED encodings, run instruction by instruction on an
 * ARM926EJ-S (tests/unit/cpu_fixture.h).
 *
 * Why: the barrel shifter's carry-out at amounts 0/32/>32, the PC read as
 * +8 or +12, flag rules that differ between logical and arithmetic
 * operations and the ARMv5 multiply flags are the classic sources of
 * "Linux boots but one userspace program misbehaves" bugs. Expected values
 * come from the ARM ARM (DDI 0100I) pseudocode, computed by hand.
 */
#include <check.h>
#include <stdint.h>

#include "cpu/alu.h"
#include "cpu/cpu.h"
#include "cpu_fixture.h"

#define AL 0xeu

enum { OP_AND, OP_EOR, OP_SUB, OP_RSB, OP_ADD, OP_ADC, OP_SBC, OP_RSC,
       OP_TST, OP_TEQ, OP_CMP, OP_CMN, OP_ORR, OP_MOV, OP_BIC, OP_MVN };
enum { LSL, LSR, ASR, ROR };

static uint32_t dp_imm(unsigned op, unsigned s, unsigned rd, unsigned rn, unsigned rot,
                       unsigned imm8)
{
    return AL << 28 | 1u << 25 | op << 21 | s << 20 | rn << 16 | rd << 12 | rot << 8 | imm8;
}

static uint32_t dp_shi(unsigned op, unsigned s, unsigned rd, unsigned rn, unsigned rm,
                       unsigned type, unsigned amount)
{
    return AL << 28 | op << 21 | s << 20 | rn << 16 | rd << 12 | amount << 7 | type << 5 | rm;
}

static uint32_t dp_shr(unsigned op, unsigned s, unsigned rd, unsigned rn, unsigned rm,
                       unsigned type, unsigned rs)
{
    return AL << 28 | op << 21 | s << 20 | rn << 16 | rd << 12 | rs << 8 | type << 5 | 1u << 4 |
           rm;
}

static void set_nzcv(struct arm_cpu *cpu, unsigned nzcv)
{
    cpu->n = (nzcv >> 3) & 1;
    cpu->z = (nzcv >> 2) & 1;
    cpu->c = (nzcv >> 1) & 1;
    cpu->v = nzcv & 1;
}

static unsigned get_nzcv(const struct arm_cpu *cpu)
{
    return (unsigned)(cpu->n << 3 | cpu->z << 2 | cpu->c << 1 | cpu->v);
}

/* Runs insn alone at FIXTURE_CODE (rewritten, so it is decoded afresh). */
static void run1(struct cpu_fixture *f, uint32_t insn)
{
    f->next = FIXTURE_CODE;
    fixture_put_insn(f, insn);
    f->cpu.r[15] = FIXTURE_CODE;
    ck_assert_uint_eq(fixture_step(f, 1), 1);
}

/* ---- barrel shifter ---- */

struct shift_case {
    uint32_t insn;
    uint32_t value;   /* r1 */
    uint32_t amount;  /* r2 */
    unsigned c_in;
    uint32_t result;
    unsigned c_out;
};

/* MOVS r0, r1, <shift>: result and shifter carry-out (A5.1.2-A5.1.13). */
static const struct shift_case shift_cases[] = {
    /* by register: only Rs[7:0] counts */
    { 0, 0x80000001, 0, 1, 0x80000001, 1 },   /* LSL 0: C unchanged */
    { 0, 0x80000001, 0, 0, 0x80000001, 0 },
    { 0, 0x80000001, 1, 0, 0x00000002, 1 },
    { 0, 0x00000003, 31, 0, 0x80000000, 1 },
    { 0, 0x00000001, 32, 0, 0x00000000, 1 },  /* LSL 32: C = bit 0 */
    { 0, 0x00000002, 32, 1, 0x00000000, 0 },
    { 0, 0xffffffff, 33, 1, 0x00000000, 0 },  /* LSL > 32: 0, C = 0 */
    { 0, 0x12345678, 0x100, 1, 0x12345678, 1 }, /* Rs = 256: amount 0 */
    { 1, 0x80000001, 0, 1, 0x80000001, 1 },   /* LSR 0 */
    { 1, 0x80000001, 1, 0, 0x40000000, 1 },
    { 1, 0x80000000, 32, 0, 0x00000000, 1 },  /* LSR 32: C = bit 31 */
    { 1, 0x80000000, 33, 1, 0x00000000, 0 },
    { 2, 0x80000001, 0, 0, 0x80000001, 0 },   /* ASR 0 */
    { 2, 0x80000018, 4, 0, 0xf8000001, 1 },
    { 2, 0x80000000, 32, 0, 0xffffffff, 1 },  /* ASR >= 32: sign fill */
    { 2, 0x7fffffff, 40, 1, 0x00000000, 0 },
    { 3, 0x0000001f, 0, 1, 0x0000001f, 1 },   /* ROR 0 */
    { 3, 0x0000001f, 4, 0, 0xf0000001, 1 },
    { 3, 0x80000000, 32, 0, 0x80000000, 1 },  /* ROR 32: C = bit 31 */
    { 3, 0x0000001f, 36, 0, 0xf0000001, 1 },  /* ROR 36 = ROR 4 */
};

START_TEST(test_shift_by_register)
{
    const struct shift_case *c = &shift_cases[_i];
    struct cpu_fixture *f = fixture_init();
    f->cpu.r[1] = c->value;
    f->cpu.r[2] = c->amount;
    set_nzcv(&f->cpu, c->c_in << 1 | 1);   /* V set: must survive */
    run1(f, dp_shr(OP_MOV, 1, 0, 0, 1, c->insn, 2));
    ck_assert_msg(f->cpu.r[0] == c->result, "case %d: result 0x%08x, want 0x%08x", _i,
                  f->cpu.r[0], c->result);
    ck_assert_msg(f->cpu.c == c->c_out, "case %d: C %u, want %u", _i, f->cpu.c, c->c_out);
    ck_assert_uint_eq(f->cpu.v, 1);
    ck_assert_uint_eq(f->cpu.n, c->result >> 31);
    ck_assert_uint_eq(f->cpu.z, c->result == 0);
    fixture_free(f);
}
END_TEST

START_TEST(test_shift_by_immediate)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    /* LSL #0 is the plain register: C unchanged */
    cpu->r[1] = 0x80000000;
    set_nzcv(cpu, 0x2);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, LSL, 0));
    ck_assert_uint_eq(cpu->r[0], 0x80000000);
    ck_assert_uint_eq(get_nzcv(cpu), 0xa);

    /* LSL #4 */
    cpu->r[1] = 0x1000000f;
    set_nzcv(cpu, 0);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, LSL, 4));
    ck_assert_uint_eq(cpu->r[0], 0x000000f0);
    ck_assert_uint_eq(cpu->c, 1);

    /* LSR #0 encodes LSR #32 */
    cpu->r[1] = 0x80000000;
    set_nzcv(cpu, 0);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, LSR, 0));
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(get_nzcv(cpu), 0x6);

    /* ASR #0 encodes ASR #32 */
    cpu->r[1] = 0x80000000;
    set_nzcv(cpu, 0);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, ASR, 0));
    ck_assert_uint_eq(cpu->r[0], 0xffffffff);
    ck_assert_uint_eq(get_nzcv(cpu), 0xa);

    /* ROR #0 encodes RRX: C into bit 31, bit 0 out to C */
    cpu->r[1] = 0x00000003;
    set_nzcv(cpu, 0x2);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, ROR, 0));
    ck_assert_uint_eq(cpu->r[0], 0x80000001);
    ck_assert_uint_eq(get_nzcv(cpu), 0xa);
    cpu->r[1] = 0x00000002;
    set_nzcv(cpu, 0x0);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, ROR, 0));
    ck_assert_uint_eq(cpu->r[0], 0x00000001);
    ck_assert_uint_eq(get_nzcv(cpu), 0x0);

    /* RRX without S still uses C as input */
    cpu->r[1] = 0x00000000;
    set_nzcv(cpu, 0x2);
    run1(f, dp_shi(OP_ADD, 0, 0, 2, 1, ROR, 0));
    cpu->r[2] = 0;
    ck_assert_uint_eq(cpu->r[0], 0x80000000);

    /* ROR #8 */
    cpu->r[1] = 0x000000ff;
    set_nzcv(cpu, 0);
    run1(f, dp_shi(OP_MOV, 1, 0, 0, 1, ROR, 8));
    ck_assert_uint_eq(cpu->r[0], 0xff000000);
    ck_assert_uint_eq(get_nzcv(cpu), 0xa);

    /* ADD with a scaled register, no S: flags untouched */
    cpu->r[1] = 3;
    cpu->r[2] = 100;
    set_nzcv(cpu, 0x5);
    run1(f, dp_shi(OP_ADD, 0, 0, 2, 1, LSL, 2));
    ck_assert_uint_eq(cpu->r[0], 112);
    ck_assert_uint_eq(get_nzcv(cpu), 0x5);
    fixture_free(f);
}
END_TEST

START_TEST(test_immediate_carry)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    /* rotate 0: C unchanged */
    set_nzcv(cpu, 0x2);
    run1(f, dp_imm(OP_MOV, 1, 0, 0, 0, 0x7f));
    ck_assert_uint_eq(cpu->r[0], 0x7f);
    ck_assert_uint_eq(get_nzcv(cpu), 0x2);

    /* 0xff ROR 8: C = bit 31 of the immediate */
    set_nzcv(cpu, 0x1);
    run1(f, dp_imm(OP_MOV, 1, 0, 0, 4, 0xff));
    ck_assert_uint_eq(cpu->r[0], 0xff000000);
    ck_assert_uint_eq(get_nzcv(cpu), 0xb);

    /* 0x3f ROR 4 = 0xf0000003, but TST with bit 31 set: C = 1 */
    cpu->r[1] = 0x00000001;
    set_nzcv(cpu, 0);
    run1(f, dp_imm(OP_TST, 1, 0, 1, 2, 0x3f));
    ck_assert_uint_eq(get_nzcv(cpu), 0x2);

    /* rotated immediate with bit 31 clear: C = 0 */
    cpu->r[1] = 0;
    set_nzcv(cpu, 0x2);
    run1(f, dp_imm(OP_ORR, 1, 0, 1, 1, 0x04));    /* 4 ROR 2 = 1 */
    ck_assert_uint_eq(cpu->r[0], 1);
    ck_assert_uint_eq(get_nzcv(cpu), 0x0);

    /* MVN */
    run1(f, dp_imm(OP_MVN, 0, 0, 0, 0, 0));
    ck_assert_uint_eq(cpu->r[0], 0xffffffff);
    fixture_free(f);
}
END_TEST

/* ---- arithmetic flags ---- */

struct arith_case {
    unsigned op;
    uint32_t rn, rm;
    unsigned nzcv_in;
    uint32_t result;
    unsigned nzcv_out;
};

static const struct arith_case arith_cases[] = {
    { OP_ADD, 0x7fffffff, 1, 0x0, 0x80000000, 0x9 },  /* signed overflow */
    { OP_ADD, 0xffffffff, 1, 0x0, 0x00000000, 0x6 },  /* carry, zero */
    { OP_SUB, 0, 1, 0x0, 0xffffffff, 0x8 },           /* borrow: C = 0 */
    { OP_SUB, 0x80000000, 1, 0x0, 0x7fffffff, 0x3 },  /* overflow, no borrow */
    { OP_SUB, 5, 5, 0x0, 0, 0x6 },
    { OP_RSB, 5, 3, 0x0, 0xfffffffe, 0x8 },           /* 3 - 5 */
    { OP_ADC, 0xffffffff, 0, 0x2, 0x00000000, 0x6 },
    { OP_ADC, 1, 2, 0x2, 4, 0x0 },
    { OP_SBC, 5, 3, 0x0, 1, 0x2 },                    /* 5 - 3 - 1 */
    { OP_SBC, 5, 3, 0x2, 2, 0x2 },
    { OP_SBC, 0, 0, 0x0, 0xffffffff, 0x8 },
    { OP_RSC, 3, 5, 0x0, 1, 0x2 },                    /* 5 - 3 - 1 */
    { OP_RSC, 0x7fffffff, 0x80000000, 0x2, 1, 0x3 },  /* 0x80000000 - 0x7fffffff */
};

START_TEST(test_arith_flags)
{
    const struct arith_case *c = &arith_cases[_i];
    struct cpu_fixture *f = fixture_init();
    f->cpu.r[1] = c->rn;
    f->cpu.r[2] = c->rm;
    set_nzcv(&f->cpu, c->nzcv_in);
    run1(f, dp_shi(c->op, 1, 0, 1, 2, LSL, 0));
    ck_assert_msg(f->cpu.r[0] == c->result, "case %d: result 0x%08x, want 0x%08x", _i,
                  f->cpu.r[0], c->result);
    ck_assert_msg(get_nzcv(&f->cpu) == c->nzcv_out, "case %d: NZCV %x, want %x", _i,
                  get_nzcv(&f->cpu), c->nzcv_out);

    /* the same without S leaves the flags alone */
    set_nzcv(&f->cpu, c->nzcv_in);
    f->cpu.r[0] = 0;
    run1(f, dp_shi(c->op, 0, 0, 1, 2, LSL, 0));
    ck_assert_uint_eq(f->cpu.r[0], c->result);
    ck_assert_uint_eq(get_nzcv(&f->cpu), c->nzcv_in);
    fixture_free(f);
}
END_TEST

START_TEST(test_compare_ops)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    cpu->r[0] = 0x1234;

    cpu->r[1] = 0xffffffff;
    cpu->r[2] = 1;
    set_nzcv(cpu, 0);
    run1(f, dp_shi(OP_CMN, 1, 0, 1, 2, LSL, 0));
    ck_assert_uint_eq(get_nzcv(cpu), 0x6);
    ck_assert_uint_eq(cpu->r[0], 0x1234);   /* compares write no register */

    cpu->r[1] = 3;
    cpu->r[2] = 5;
    run1(f, dp_shi(OP_CMP, 1, 0, 1, 2, LSL, 0));
    ck_assert_uint_eq(get_nzcv(cpu), 0x8);

    /* TEQ keeps V, takes C from the shifter (LSR #1 shifts out a 1) */
    cpu->r[1] = 0x80000000;
    cpu->r[2] = 0x00000001;
    set_nzcv(cpu, 0x1);
    run1(f, dp_shi(OP_TEQ, 1, 0, 1, 2, LSR, 1));
    ck_assert_uint_eq(get_nzcv(cpu), 0xb);

    /* TST with Rd = 15 (the old TSTP) is still a compare */
    cpu->r[1] = 0;
    set_nzcv(cpu, 0);
    run1(f, dp_imm(OP_TST, 1, 15, 1, 0, 1));
    ck_assert_uint_eq(get_nzcv(cpu), 0x4);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);
    ck_assert_uint_eq(cpu->r[0], 0x1234);
    fixture_free(f);
}
END_TEST

/* ---- the PC as an operand and as a destination ---- */

START_TEST(test_pc_operand)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    run1(f, dp_imm(OP_ADD, 0, 0, 15, 0, 0));          /* add r0, pc, #0 */
    ck_assert_uint_eq(cpu->r[0], FIXTURE_CODE + 8);

    cpu->r[1] = 0;
    run1(f, dp_shi(OP_ADD, 0, 0, 1, 15, LSL, 0));     /* add r0, r1, pc */
    ck_assert_uint_eq(cpu->r[0], FIXTURE_CODE + 8);

    /* register-shifted forms read the PC as + 12 (A5.1.5) */
    cpu->r[2] = 0;
    run1(f, dp_shr(OP_MOV, 0, 0, 0, 15, LSL, 2));     /* mov r0, pc, lsl r2 */
    ck_assert_uint_eq(cpu->r[0], FIXTURE_CODE + 12);
    cpu->r[1] = 1;
    cpu->r[2] = 4;
    run1(f, dp_shr(OP_ADD, 0, 0, 15, 1, LSL, 2));     /* add r0, pc, r1, lsl r2 */
    ck_assert_uint_eq(cpu->r[0], FIXTURE_CODE + 12 + 16);
    fixture_free(f);
}
END_TEST

START_TEST(test_pc_destination)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    /* MOV pc, r1: a branch that does not interwork on ARMv5 */
    cpu->r[1] = 0x9003;
    run1(f, dp_shi(OP_MOV, 0, 15, 0, 1, LSL, 0));
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->thumb, 0);

    /* ... but on ARMv7 it does (ALUWritePC); the decoder asks the model */
    cpu->model = cpu_model_find("cortex-a9");
    ck_assert_ptr_nonnull(cpu->model);
    run1(f, dp_shi(OP_MOV, 0, 15, 0, 1, LSL, 0));
    ck_assert_uint_eq(cpu->r[15], 0x9002);
    ck_assert_uint_eq(cpu->thumb, 1);
    cpu->thumb = 0;
    cpu->model = &cpu_model_arm926;

    /* ADD pc, pc, #4: skips one instruction */
    run1(f, dp_imm(OP_ADD, 0, 15, 15, 0, 4));
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 12);

    /* MOVS pc, lr: exception return, CPSR <- SPSR (user, N set, Thumb) */
    cpu->r[14] = 0x9001;
    cpu->spsr = PSR_N | PSR_T | MODE_USR;
    set_nzcv(cpu, 0x2);
    run1(f, dp_shi(OP_MOV, 1, 15, 0, 14, LSL, 0));
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    ck_assert_uint_eq(get_nzcv(cpu), 0x8);
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);

    /* SUBS pc, lr, #4 from IRQ mode back to SVC */
    cpu_set_cpsr(cpu, MODE_SVC | PSR_I, PSR_CTL_MASK);
    cpu->thumb = 0;
    cpu_set_cpsr(cpu, MODE_IRQ | PSR_I, PSR_CTL_MASK);
    cpu->spsr = MODE_SVC | PSR_Z;
    cpu->r[14] = 0xa004;
    run1(f, dp_imm(OP_SUB, 1, 15, 14, 0, 4));
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert_uint_eq(cpu->r[15], 0xa000);
    ck_assert_uint_eq(get_nzcv(cpu), 0x4);
    ck_assert_uint_eq(cpu->cpsr_ctl & PSR_I, 0);
    fixture_free(f);
}
END_TEST

/* ---- conditions ---- */

/* Table A8-1 written out independently of cpu/alu.c. */
static bool cond_reference(unsigned cond, unsigned nzcv)
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
    default: return true;   /* AL, and NV as the table's "always" */
    }
}

START_TEST(test_cond_table)
{
    for (unsigned cond = 0; cond < 16; cond++)
        for (unsigned nzcv = 0; nzcv < 16; nzcv++)
            ck_assert_msg(((cond_table[cond] >> nzcv) & 1) == cond_reference(cond, nzcv),
                          "cond %u nzcv %x", cond, nzcv);
}
END_TEST

/* Every condition x every flag combination through the executor. */
START_TEST(test_cond_execution)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;
    for (unsigned cond = 0; cond < 15; cond++) {
        for (unsigned nzcv = 0; nzcv < 16; nzcv++) {
            cpu->r[0] = 0;
            set_nzcv(cpu, nzcv);
            run1(f, (dp_imm(OP_MOV, 0, 0, 0, 0, 1) & 0x0fffffff) | cond << 28);
            ck_assert_msg(cpu->r[0] == cond_reference(cond, nzcv), "cond %u nzcv %x", cond,
                          nzcv);
            ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);
            ck_assert_uint_eq(get_nzcv(cpu), nzcv);
        }
    }
    fixture_free(f);
}
END_TEST

/* ---- multiplies ---- */

static uint32_t mul_enc(unsigned op3, unsigned s, unsigned rd_hi, unsigned rn_lo, unsigned rs,
                        unsigned rm)
{
    return AL << 28 | op3 << 21 | s << 20 | rd_hi << 16 | rn_lo << 12 | rs << 8 | 0x90 | rm;
}

START_TEST(test_multiply)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = 7;
    cpu->r[2] = 6;
    run1(f, mul_enc(0, 0, 0, 0, 2, 1));               /* mul r0, r1, r2 */
    ck_assert_uint_eq(cpu->r[0], 42);

    cpu->r[1] = 0x10000;
    cpu->r[2] = 0x10000;
    set_nzcv(cpu, 0x3);
    run1(f, mul_enc(0, 1, 0, 0, 2, 1));               /* muls: wraps to 0 */
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(get_nzcv(cpu), 0x7);            /* Z set, C and V kept */

    cpu->r[1] = 0xffffffff;
    cpu->r[2] = 2;
    set_nzcv(cpu, 0x4);
    run1(f, mul_enc(0, 1, 0, 0, 2, 1));
    ck_assert_uint_eq(cpu->r[0], 0xfffffffe);
    ck_assert_uint_eq(get_nzcv(cpu), 0x8);

    cpu->r[1] = 3;
    cpu->r[2] = 4;
    cpu->r[3] = 100;
    run1(f, mul_enc(1, 0, 0, 3, 2, 1));               /* mla r0, r1, r2, r3 */
    ck_assert_uint_eq(cpu->r[0], 112);

    /* umull r4, r5, r1, r2 (RdLo = r4, RdHi = r5) */
    cpu->r[1] = 0xffffffff;
    cpu->r[2] = 0xffffffff;
    set_nzcv(cpu, 0x3);
    run1(f, mul_enc(4, 1, 5, 4, 2, 1));
    ck_assert_uint_eq(cpu->r[4], 0x00000001);
    ck_assert_uint_eq(cpu->r[5], 0xfffffffe);
    ck_assert_uint_eq(get_nzcv(cpu), 0xb);

    /* umlal: carry from the low word into the high word */
    cpu->r[1] = 1;
    cpu->r[2] = 1;
    cpu->r[4] = 0xffffffff;
    cpu->r[5] = 0;
    run1(f, mul_enc(5, 0, 5, 4, 2, 1));
    ck_assert_uint_eq(cpu->r[4], 0);
    ck_assert_uint_eq(cpu->r[5], 1);

    /* smull: -2 * 3 */
    cpu->r[1] = (uint32_t)-2;
    cpu->r[2] = 3;
    run1(f, mul_enc(6, 0, 5, 4, 2, 1));
    ck_assert_uint_eq(cpu->r[4], (uint32_t)-6);
    ck_assert_uint_eq(cpu->r[5], 0xffffffff);

    /* smlals: -6 + 6 = 0 sets Z, clears N */
    cpu->r[1] = 2;
    cpu->r[2] = 3;
    set_nzcv(cpu, 0x8);
    run1(f, mul_enc(7, 1, 5, 4, 2, 1));
    ck_assert_uint_eq(cpu->r[4], 0);
    ck_assert_uint_eq(cpu->r[5], 0);
    ck_assert_uint_eq(get_nzcv(cpu), 0x4);

    /* UMAAL (ARMv6) does not exist on the ARM926 */
    run1(f, mul_enc(2, 0, 5, 4, 2, 1));
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);
}
END_TEST

/* ---- DSP (E extension) ---- */

static uint32_t qop(unsigned op, unsigned rd, unsigned rm, unsigned rn)
{
    return AL << 28 | 0x01000050u | op << 21 | rn << 16 | rd << 12 | rm;
}

/* SMLA/SMUL<x><y> family: op 0 SMLAxy, 1 SMLAWy/SMULWy, 2 SMLALxy, 3 SMULxy. */
static uint32_t hmul(unsigned op, unsigned rd, unsigned rn, unsigned rs, unsigned y,
                     unsigned x, unsigned rm)
{
    return AL << 28 | 0x01000080u | op << 21 | rd << 16 | rn << 12 | rs << 8 | y << 6 |
           x << 5 | rm;
}

START_TEST(test_saturating)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = 1;
    cpu->r[2] = 2;
    run1(f, qop(0, 0, 1, 2));                          /* qadd r0, r1, r2 */
    ck_assert_uint_eq(cpu->r[0], 3);
    ck_assert_uint_eq(cpu->q, 0);

    cpu->r[1] = 0x7fffffff;
    cpu->r[2] = 1;
    run1(f, qop(0, 0, 1, 2));
    ck_assert_uint_eq(cpu->r[0], 0x7fffffff);
    ck_assert_uint_eq(cpu->q, 1);

    /* Q is sticky: a non-saturating QADD leaves it set */
    cpu->r[1] = 1;
    run1(f, qop(0, 0, 1, 2));
    ck_assert_uint_eq(cpu->r[0], 2);
    ck_assert_uint_eq(cpu->q, 1);
    ck_assert_uint_eq((cpu_get_cpsr(cpu) >> 27) & 1, 1);

    /* qsub r0, r1, r2: 0x80000000 - 1 saturates low */
    cpu->q = 0;
    cpu->r[1] = 0x80000000;
    cpu->r[2] = 1;
    run1(f, qop(1, 0, 1, 2));
    ck_assert_uint_eq(cpu->r[0], 0x80000000);
    ck_assert_uint_eq(cpu->q, 1);

    /* qdadd: the doubling saturates even though the sum would not */
    cpu->q = 0;
    cpu->r[1] = (uint32_t)-0x10000000;
    cpu->r[2] = 0x40000000;
    run1(f, qop(2, 0, 1, 2));
    ck_assert_uint_eq(cpu->r[0], 0x7fffffffu - 0x10000000u);
    ck_assert_uint_eq(cpu->q, 1);

    cpu->q = 0;
    cpu->r[1] = 0x10;
    cpu->r[2] = 0x1000;
    run1(f, qop(2, 0, 1, 2));
    ck_assert_uint_eq(cpu->r[0], 0x2010);
    ck_assert_uint_eq(cpu->q, 0);

    /* qdsub: 0 - sat(2 * 0x80000000) = 0 - 0x80000000 saturates high */
    cpu->r[1] = 0;
    cpu->r[2] = 0x80000000;
    run1(f, qop(3, 0, 1, 2));
    ck_assert_uint_eq(cpu->r[0], 0x7fffffff);
    ck_assert_uint_eq(cpu->q, 1);

    /* QADD to the PC is UNPREDICTABLE: UNDEFINED here */
    run1(f, qop(0, 15, 1, 2));
    ck_assert_int_eq(fixture_vector(f), 0x04);
    fixture_free(f);
}
END_TEST

START_TEST(test_halfword_multiply)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu->r[1] = 0x00020003;   /* T = 2, B = 3 */
    cpu->r[2] = 0x00050007;   /* T = 5, B = 7 */
    run1(f, hmul(3, 0, 0, 2, 0, 0, 1));               /* smulbb r0, r1, r2 */
    ck_assert_uint_eq(cpu->r[0], 21);
    run1(f, hmul(3, 0, 0, 2, 1, 0, 1));               /* smulbt */
    ck_assert_uint_eq(cpu->r[0], 15);
    run1(f, hmul(3, 0, 0, 2, 0, 1, 1));               /* smultb */
    ck_assert_uint_eq(cpu->r[0], 14);
    run1(f, hmul(3, 0, 0, 2, 1, 1, 1));               /* smultt */
    ck_assert_uint_eq(cpu->r[0], 10);

    cpu->r[1] = 0xffff8000;                            /* B = -32768 */
    run1(f, hmul(3, 0, 0, 2, 0, 0, 1));
    ck_assert_uint_eq(cpu->r[0], (uint32_t)(-32768 * 7));

    /* smlabb: accumulate overflow sets Q, result wraps */
    cpu->q = 0;
    cpu->r[1] = 0x7fff;
    cpu->r[2] = 0x7fff;
    cpu->r[3] = 0x7fffffff;
    run1(f, hmul(0, 0, 3, 2, 0, 0, 1));
    ck_assert_uint_eq(cpu->r[0], 0x3fff0001u + 0x7fffffffu);
    ck_assert_uint_eq(cpu->q, 1);
    cpu->q = 0;
    cpu->r[3] = 5;
    run1(f, hmul(0, 0, 3, 2, 0, 0, 1));
    ck_assert_uint_eq(cpu->r[0], 0x3fff0006);
    ck_assert_uint_eq(cpu->q, 0);

    /* smulwb: (Rm * Rs[15:0]) >> 16 of the 48-bit product */
    cpu->r[1] = 0x40000000;
    cpu->r[2] = 0x12340004;
    run1(f, hmul(1, 0, 0, 2, 0, 1, 1));
    ck_assert_uint_eq(cpu->r[0], 0x10000);
    /* smulwt with a negative product keeps the sign */
    cpu->r[1] = 0xffffffff;
    cpu->r[2] = 0x00020000;
    run1(f, hmul(1, 0, 0, 2, 1, 1, 1));
    ck_assert_uint_eq(cpu->r[0], 0xffffffff);
    /* smlawb overflow sets Q */
    cpu->q = 0;
    cpu->r[1] = 0x40000000;
    cpu->r[2] = 0x00000004;
    cpu->r[3] = 0x7fffffff;
    run1(f, hmul(1, 0, 3, 2, 0, 0, 1));
    ck_assert_uint_eq(cpu->r[0], 0x7fffffffu + 0x10000u);
    ck_assert_uint_eq(cpu->q, 1);

    /* smlalbb r4(lo), r5(hi): 64-bit accumulate, no Q */
    cpu->q = 0;
    cpu->r[1] = 1;
    cpu->r[2] = 1;
    cpu->r[4] = 0xffffffff;
    cpu->r[5] = 0;
    run1(f, hmul(2, 5, 4, 2, 0, 0, 1));
    ck_assert_uint_eq(cpu->r[4], 0);
    ck_assert_uint_eq(cpu->r[5], 1);
    cpu->r[1] = 0xffff;                                /* B = -1 */
    run1(f, hmul(2, 5, 4, 2, 0, 0, 1));
    ck_assert_uint_eq(cpu->r[4], 0xffffffff);
    ck_assert_uint_eq(cpu->r[5], 0);
    ck_assert_uint_eq(cpu->q, 0);
    fixture_free(f);
}
END_TEST

/* ---- CLZ, MRS, MSR ---- */

START_TEST(test_clz)
{
    static const uint32_t in[] = { 0, 1, 0x80000000, 0x00010000, 0xffffffff };
    static const uint32_t out[] = { 32, 31, 0, 15, 0 };
    struct cpu_fixture *f = fixture_init();
    for (unsigned i = 0; i < 5; i++) {
        f->cpu.r[1] = in[i];
        run1(f, 0xe16f0f11);                           /* clz r0, r1 */
        ck_assert_uint_eq(f->cpu.r[0], out[i]);
    }
    fixture_free(f);
}
END_TEST

START_TEST(test_mrs_msr)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    set_nzcv(cpu, 0x6);
    run1(f, 0xe10f0000);                               /* mrs r0, cpsr */
    ck_assert_uint_eq(cpu->r[0], 0x60000000u | PSR_I | PSR_F | PSR_A | MODE_SVC);

    /* msr cpsr_f, #0xf0000000 */
    run1(f, 0xe328f20f);
    ck_assert_uint_eq(get_nzcv(cpu), 0xf);

    /* msr cpsr_c, r0: to IRQ mode, banked r13 swaps in */
    cpu->r[13] = 0x1111;
    cpu->bank_r13[BANK_IRQ] = 0x2222;
    cpu->r[0] = MODE_IRQ | PSR_I | PSR_F;
    run1(f, 0xe121f000);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_IRQ);
    ck_assert_uint_eq(cpu->r[13], 0x2222);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);

    /* the T bit is not written by MSR */
    cpu->r[0] = MODE_SVC | PSR_T | PSR_I;
    run1(f, 0xe121f000);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->cpsr_ctl & PSR_F, 0);
    ck_assert_uint_eq(cpu->r[13], 0x1111);

    /* msr spsr_fsxc, r1; mrs r2, spsr */
    cpu->r[1] = 0xf80000ffu;
    run1(f, 0xe16ff001);
    run1(f, 0xe14f2000);
    ck_assert_uint_eq(cpu->r[2], 0xf80000ffu);

    /* User mode: only the flags byte is written */
    cpu_set_cpsr(cpu, MODE_USR, PSR_M_MASK);
    set_nzcv(cpu, 0);
    cpu->r[0] = 0xf0000000u | MODE_SVC;
    run1(f, 0xe129f000);                               /* msr cpsr_fc, r0 */
    ck_assert_uint_eq(cpu_mode(cpu), MODE_USR);
    ck_assert_uint_eq(get_nzcv(cpu), 0xf);

    /* ... and MRS of the SPSR is UNDEFINED there */
    run1(f, 0xe14f2000);
    ck_assert_int_eq(fixture_vector(f), 0x04);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_UND);
    fixture_free(f);
}
END_TEST

/* ---- branches and exceptions ---- */

START_TEST(test_branches)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    run1(f, 0xea000001);                               /* b .+12 */
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 12);
    run1(f, 0xebfffffe);                               /* bl . */
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 4);
    set_nzcv(cpu, 0x4);
    run1(f, 0x1a000005);                               /* bne: Z set, not taken */
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);

    cpu->r[0] = 0x9001;
    run1(f, 0xe12fff10);                               /* bx r0 */
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    cpu->thumb = 0;

    cpu->r[0] = 0x9004;
    run1(f, 0xe12fff20);                               /* bxj r0: as BX */
    ck_assert_uint_eq(cpu->thumb, 0);
    ck_assert_uint_eq(cpu->r[15], 0x9004);

    cpu->r[14] = 0x9001;
    run1(f, 0xe12fff3e);                               /* blx lr */
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu->r[15], 0x9000);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 4);
    cpu->thumb = 0;

    run1(f, 0xfb000001);                               /* blx .+8+4+2 (H = 1) */
    ck_assert_uint_eq(cpu->thumb, 1);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 8 + 4 + 2);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 4);
    cpu->thumb = 0;
    fixture_free(f);
}
END_TEST

START_TEST(test_svc_bkpt)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    cpu_set_cpsr(cpu, MODE_USR, PSR_CTL_MASK);
    set_nzcv(cpu, 0x8);
    run1(f, 0xef000042);                               /* svc #0x42 */
    ck_assert_int_eq(fixture_vector(f), 0x08);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 4);
    ck_assert_uint_eq(cpu->spsr, PSR_N | MODE_USR);

    run1(f, 0xe1200070);                               /* bkpt #0 */
    ck_assert_int_eq(fixture_vector(f), 0x0c);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_ABT);
    ck_assert_uint_eq(cpu->r[14], FIXTURE_CODE + 4);
    ck_assert_uint_eq(cpu->cp15.ifsr, 0x2);
    fixture_free(f);
}
END_TEST

/* Encodings the ARM926 does not have, or UNPREDICTABLE ones we UNDEF. */
static const uint32_t undefined_insns[] = {
    0xe3001234, /* movw (ARMv6T2) */
    0xe3401234, /* movt */
    0xe0654392, /* mls (ARMv6T2) */
    0xe1901f9f, /* ldrex (ARMv6) */
    0xe1801f92, /* strex */
    0xe6000010, /* media space (ARMv6) */
    0xe7f000f0, /* udf */
    0xe1600070, /* smc (Security Extensions) */
    0xf1010000, /* setend (ARMv6) */
    0xf57ff01f, /* clrex (ARMv6K) */
    0xfe000010, /* mcr2: no coprocessor takes it */
    0xfc000000, /* ldc2/stc2 */
    0xe1c010d0, /* ldrd r1, [r0]: odd Rt */
    0xe1c010f0, /* strd r1, [r0] */
    0xee000a10, /* vmov: no VFP (cp10) */
    0xe8900000, /* ldm r0, {}: empty list */
    0xe8f00002, /* ldm r0!, {r1}^: user-bank LDM with writeback */
    0xe89f0002, /* ldm pc, {r1}: base = PC */
    0xe00f0291, /* mul pc, r1, r2: Rd = PC */
    0xe10ff000, /* mrs pc, cpsr */
};

START_TEST(test_undefined)
{
    struct cpu_fixture *f = fixture_init();
    uint32_t insn = undefined_insns[_i];
    f->cpu.r[0] = FIXTURE_DATA;
    run1(f, insn);
    ck_assert_msg(fixture_vector(f) == 0x04, "0x%08x: pc 0x%08x", insn, f->cpu.r[15]);
    ck_assert_uint_eq(cpu_mode(&f->cpu), MODE_UND);
    ck_assert_uint_eq(f->cpu.r[14], FIXTURE_CODE + 4);
    fixture_free(f);
}
END_TEST

/* A conditional UNDEFINED encoding whose condition fails does nothing. */
START_TEST(test_undefined_cond_fails)
{
    struct cpu_fixture *f = fixture_init();
    set_nzcv(&f->cpu, 0);
    run1(f, 0x03001234);                               /* movweq, Z clear */
    ck_assert_uint_eq(f->cpu.r[15], FIXTURE_CODE + 4);
    ck_assert_uint_eq(cpu_mode(&f->cpu), MODE_SVC);
    fixture_free(f);
}
END_TEST

START_TEST(test_coprocessor)
{
    struct cpu_fixture *f = fixture_init();
    struct arm_cpu *cpu = &f->cpu;

    run1(f, 0xee100f10);                               /* mrc p15, 0, r0, c0, c0, 0 */
    ck_assert_uint_eq(cpu->r[0], cpu_model_arm926.midr);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);

    run1(f, 0xee110f10);                               /* mrc p15, 0, r0, c1, c0, 0 */
    uint32_t sctlr = cpu->r[0];
    cpu->r[0] = sctlr | SCTLR_V;
    run1(f, 0xee010f10);                               /* mcr p15, 0, r0, c1, c0, 0 */
    ck_assert_uint_eq(cpu->cp15.sctlr & SCTLR_V, SCTLR_V);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);   /* leaves the loop at the next */

    /* mrc p15, 0, r15, c7, c14, 3: the ARM926 test-clean-invalidate loop
     * reads the result into the flags (Z = done) */
    set_nzcv(cpu, 0);
    run1(f, 0xee17ff7e);
    ck_assert_uint_eq(cpu->z, 1);
    ck_assert_uint_eq(cpu->r[15], FIXTURE_CODE + 4);

    run1(f, 0xee100710);                               /* mrc p7 (absent): UNDEFINED */
    ck_assert_uint_eq(cpu->r[15], 0xffff0004);
    fixture_free(f);
}
END_TEST

Suite *arm_alu_suite(void)
{
    Suite *s = suite_create("arm_alu");
    TCase *tc = tcase_create("shifter");
    tcase_add_loop_test(tc, test_shift_by_register, 0, (int)ARRAY_SIZE(shift_cases));
    tcase_add_test(tc, test_shift_by_immediate);
    tcase_add_test(tc, test_immediate_carry);
    suite_add_tcase(s, tc);

    tc = tcase_create("data_processing");
    tcase_add_loop_test(tc, test_arith_flags, 0, (int)ARRAY_SIZE(arith_cases));
    tcase_add_test(tc, test_compare_ops);
    tcase_add_test(tc, test_pc_operand);
    tcase_add_test(tc, test_pc_destination);
    suite_add_tcase(s, tc);

    tc = tcase_create("conditions");
    tcase_add_test(tc, test_cond_table);
    tcase_add_test(tc, test_cond_execution);
    suite_add_tcase(s, tc);

    tc = tcase_create("multiply");
    tcase_add_test(tc, test_multiply);
    tcase_add_test(tc, test_saturating);
    tcase_add_test(tc, test_halfword_multiply);
    suite_add_tcase(s, tc);

    tc = tcase_create("misc");
    tcase_add_test(tc, test_clz);
    tcase_add_test(tc, test_mrs_msr);
    tcase_add_test(tc, test_branches);
    tcase_add_test(tc, test_svc_bkpt);
    tcase_add_loop_test(tc, test_undefined, 0, (int)ARRAY_SIZE(undefined_insns));
    tcase_add_test(tc, test_undefined_cond_fails);
    tcase_add_test(tc, test_coprocessor);
    suite_add_tcase(s, tc);
    return s;
}
