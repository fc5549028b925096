/*
 * The executor's inline paths (cpu/exec.c) against the handlers: the ARM
 * loop runs the common case of the hottest instructions (loads and stores
 * with an immediate or LSL register offset, halfword loads and stores,
 * data processing, B) inline once a slot is decoded, and only the first
 * execution of a slot goes through its handler. So a loop that runs the
 * same code several times must leave exactly the state that running
 * every instruction through its handler leaves; the reference resets the
 * decode cache before each single step, so it never takes an inline path.
 *
 * Random loops of 16 instructions from those families, with random
 * conditions (half AL), registers (the PC among the operands sometimes,
 * which keeps a slot off the inline paths), addressing modes and flags,
 * on the ARM926 and the Cortex-A15, each run five times round.
 */
#include <check.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu_fixture.h"

#define PROGRAMS 2000
#define BODY 16
#define ROUNDS 5

struct rng {
    uint64_t state;
};

static uint32_t rng_next(struct rng *r)
{
    /* xorshift64*: the same sequence on every host */
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return (uint32_t)((r->state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t random_cond(struct rng *r)
{
    uint32_t cond = rng_next(r) % 28;
    return (cond >= 14 ? 14u : cond) << 28;
}

/* A base register: r8 or r9 (pointing into the data area), now and then
 * the PC. */
static uint32_t random_base(struct rng *r)
{
    uint32_t pick = rng_next(r) % 16;
    return pick == 0 ? 15u : 8u + (pick & 1);
}

/* A data register: r0-r7, r10-r12, or now and then the PC. */
static uint32_t random_reg(struct rng *r)
{
    static const uint8_t regs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 0, 1, 2, 3, 15 };
    return regs[rng_next(r) % 16];
}

static uint32_t random_insn(struct rng *r)
{
    uint32_t cond = random_cond(r), raw = rng_next(r);
    uint32_t rn = random_base(r), rd = random_reg(r);
    uint32_t u = (raw >> 3) & 1, load = (raw >> 4) & 1, byte = (raw >> 5) & 1;
    /* Offset, pre-indexed with writeback, post-indexed; no writeback to
     * the PC (UNDEFINED here) and no load to the PC (a branch). */
    uint32_t index = raw % 3, p = index != 2, w = index == 1;
    if (rn == 15) {
        /* PC-relative: offset form, and only loads (a store there would
         * rewrite the loop). */
        p = 1, w = 0;
        load = 1;
    }
    if (load && rd == 15)
        rd = 0;
    switch (rng_next(r) % 6) {
    case 0: /* LDR/STR{B} Rd, [Rn, #+/-imm12] */
        return cond | 0x04000000u | p << 24 | u << 23 | byte << 22 | w << 21 | load << 20 |
               rn << 16 | rd << 12 | (raw >> 8 & 0xff);
    case 1: /* LDR/STR{B} Rd, [Rn, +/-r10, LSL #0-3] (or another shift) */
        return cond | 0x06000000u | p << 24 | u << 23 | byte << 22 | w << 21 | load << 20 |
               rn << 16 | rd << 12 | (raw >> 8 & 3) << 7 | (raw >> 10 & 1) << 5 | 10u;
    case 2: { /* LDRH/STRH Rd, [Rn, #+/-imm8] or [Rn, +/-r10] */
        uint32_t imm = raw >> 12 & 1;
        return cond | p << 24 | u << 23 | imm << 22 | w << 21 | load << 20 | rn << 16 |
               rd << 12 | 0xb0u | (imm ? (raw >> 13 & 0xf) << 8 | (raw >> 17 & 0xf) : 10u);
    }
    case 3:
    case 4: { /* data processing, any opcode and operand form but Rd = PC
                 and register-shifted operands */
        uint32_t op = raw >> 8 & 15, s = raw >> 12 & 1, imm = raw >> 13 & 1;
        if (rd == 15)
            rd = 1;
        if (op >= 8 && op <= 11)
            s = 1;   /* TST/TEQ/CMP/CMN always set flags */
        uint32_t operand = imm ? (raw >> 14 & 0xfff)
                               : ((raw >> 14 & 31) << 7 | (raw >> 19 & 3) << 5 |
                                  random_reg(r));
        if (!imm && (rng_next(r) & 1))
            operand &= 0xf;   /* plain register */
        return cond | imm << 25 | op << 21 | s << 20 | random_reg(r) << 16 | rd << 12 |
               operand;
    }
    default: /* B to the next instruction or over it */
        return cond | 0x0a000000u | ((raw & 1) ? 0u : 0xffffffu);
    }
}

static void setup(struct cpu_fixture *f, struct rng *r, const uint32_t code[BODY + 1])
{
    fixture_write_code(f, FIXTURE_CODE, code, (BODY + 1) * 4);
    for (uint32_t a = FIXTURE_DATA; a < FIXTURE_DATA + 0x1000; a += 4)
        fixture_write32(f, a, rng_next(r));
    for (unsigned i = 0; i < 13; i++)
        f->cpu.r[i] = rng_next(r);
    f->cpu.r[8] = FIXTURE_DATA + 0x400 + (rng_next(r) & 0x3ff);
    f->cpu.r[9] = FIXTURE_DATA + 0x800 + (rng_next(r) & 0x3fc);
    f->cpu.r[10] = rng_next(r) & 0x3f;
    f->cpu.r[13] = FIXTURE_DATA + 0x8000;
    cpu_set_cpsr(&f->cpu, (rng_next(r) & 0xf0000000u) | MODE_SVC | PSR_I | PSR_F,
                 0xffffffffu);
    f->cpu.r[15] = FIXTURE_CODE;
}

static void compare(const struct cpu_fixture *fast, const struct cpu_fixture *ref,
                    const char *model, unsigned program)
{
    const struct arm_cpu *a = &fast->cpu, *b = &ref->cpu;
    for (unsigned i = 0; i < 16; i++)
        ck_assert_msg(a->r[i] == b->r[i], "%s program %u: r%u inline %08x handlers %08x",
                      model, program, i, a->r[i], b->r[i]);
    ck_assert_msg(cpu_get_cpsr(a) == cpu_get_cpsr(b), "%s program %u: cpsr %08x vs %08x",
                  model, program, cpu_get_cpsr(a), cpu_get_cpsr(b));
    ck_assert_msg(a->icount == b->icount, "%s program %u: icount %llu vs %llu", model, program,
                  (unsigned long long)a->icount, (unsigned long long)b->icount);
    ck_assert_msg(a->cp15.dfsr == b->cp15.dfsr && a->cp15.dfar == b->cp15.dfar,
                  "%s program %u: fault registers", model, program);
    static uint8_t buf_a[0x2000], buf_b[0x2000];
    aspace_read_bytes((struct aspace *)&fast->as, FIXTURE_DATA, buf_a, sizeof(buf_a));
    aspace_read_bytes((struct aspace *)&ref->as, FIXTURE_DATA, buf_b, sizeof(buf_b));
    ck_assert_msg(!memcmp(buf_a, buf_b, sizeof(buf_a)), "%s program %u: data memory", model,
                  program);
}

static void check_model(const struct cpu_model *model, const char *name, uint64_t seed)
{
    struct rng r = { seed };
    for (unsigned program = 0; program < PROGRAMS; program++) {
        uint32_t code[BODY + 1];
        for (unsigned i = 0; i < BODY; i++)
            code[i] = random_insn(&r);
        /* B back to the first instruction. */
        code[BODY] = 0xea000000u | ((uint32_t)(-(int32_t)(BODY + 2)) & 0xffffffu);

        struct cpu_fixture *fast = fixture_init_model(model);
        struct cpu_fixture *ref = fixture_init_model(model);
        ck_assert_ptr_nonnull(fast);
        ck_assert_ptr_nonnull(ref);
        struct rng copy = r;
        setup(fast, &r, code);
        setup(ref, &copy, code);

        const uint64_t total = ROUNDS * (BODY + 1);
        /* Warm runs in slices of random length... */
        uint64_t ran = 0;
        while (ran < total && !fast->cpu.halted) {
            uint64_t slice = 1 + rng_next(&r) % (2 * (BODY + 1));
            ran += cpu_run(&fast->cpu, slice > total - ran ? total - ran : slice);
        }
        /* ...against single steps that always decode afresh. */
        uint64_t stepped = 0;
        for (uint64_t i = 0; i < total && !ref->cpu.halted; i++) {
            decode_cache_invalidate_all(ref->cpu.dcache);
            stepped += cpu_run(&ref->cpu, 1);
        }
        ck_assert_msg(ran == stepped, "%s program %u: ran %llu, stepped %llu", name, program,
                      (unsigned long long)ran, (unsigned long long)stepped);
        compare(fast, ref, name, program);
        fixture_free(fast);
        fixture_free(ref);
    }
}

START_TEST(test_inline_paths_arm926)
{
    check_model(&cpu_model_arm926, "arm926", 0x243f6a8885a308d3ull);
}
END_TEST

START_TEST(test_inline_paths_cortex_a15)
{
    check_model(&cpu_model_cortex_a15, "cortex-a15", 0x13198a2e03707344ull);
}
END_TEST

Suite *exec_inline_suite(void)
{
    Suite *s = suite_create("exec_inline");
    TCase *tc = tcase_create("random loops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_inline_paths_arm926);
    tcase_add_test(tc, test_inline_paths_cortex_a15);
    suite_add_tcase(s, tc);
    return s;
}
