/*
 * Step equals run: N single steps must leave exactly the state that one
 * run of N instructions leaves. The executor has shortcuts that a single
 * step never takes (straight-line runs through a decoded page, branches
 * that stay in the page, stores that rewrite decoded code, budgets that end
 * mid-page), so any state kept outside the architectural registers would
 * show up here as a difference.
 *
 * 10,000 random sequences of 1 to 24 instructions, ARM and Thumb, on the
 * ARM926 and the Cortex-A15 models, half of them with the MMU on and only
 * some sections mapped so that loads, stores, LDM/STM and fetches abort.
 * The code page is random words, biased towards loads and stores into the
 * data area and short branches, so sequences take exceptions (undefined,
 * SVC, aborts) and rewrite their own code.
 */
#include <check.h>
#include <string.h>

#include "cpu_fixture.h"

#define SEQUENCES 10000
#define MAX_LENGTH 24
#define CODE_WORDS 64

struct rng {
    uint64_t state;
};

static uint32_t rng_next(struct rng *r)
{
    /* xorshift64*: fast, and the same sequence on every host */
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return (uint32_t)((r->state * 0x2545f4914f6cdd1dull) >> 32);
}

/* An ARM instruction: random, or a load/store/branch the mix wants more of. */
static uint32_t random_arm(struct rng *r)
{
    uint32_t raw = rng_next(r);
    switch (rng_next(r) % 8) {
    case 0: /* LDR/STR Rt, [r8, #imm] with r8 pointing at data */
        return 0xe5880000u | (raw & 0x00100fffu) | (raw & 0x7000u);
    case 1: /* LDM/STM r9!, {list} */
        return 0xe8a90000u | (raw & 0x00107fffu);
    case 2: /* B within a few instructions */
        return 0xea000000u | (raw & 0x7u);
    case 3: /* conditional data processing, register form */
        return (raw & 0xf1ffff7fu & ~0x0e000000u) | 0x00000000u;
    default:
        return raw;
    }
}

static uint16_t random_thumb(struct rng *r)
{
    uint32_t raw = rng_next(r);
    switch (rng_next(r) % 6) {
    case 0: /* LDR/STR Rt, [r6, #imm5] */
        return (uint16_t)(0x6000u | (raw & 0x0fc7u) | (6u << 3));
    case 1: /* unconditional branch forward */
        return (uint16_t)(0xe000u | (raw & 0x7u));
    default:
        return (uint16_t)raw;
    }
}

static void setup(struct cpu_fixture *f, struct rng *r, bool thumb, bool mmu)
{
    uint32_t code[CODE_WORDS];
    for (unsigned i = 0; i < CODE_WORDS; i++)
        code[i] = thumb ? (uint32_t)random_thumb(r) | (uint32_t)random_thumb(r) << 16
                        : random_arm(r);
    fixture_write_code(f, FIXTURE_CODE, code, sizeof(code));
    for (unsigned i = 0; i < 13; i++)
        f->cpu.r[i] = rng_next(r);
    f->cpu.r[8] = FIXTURE_DATA + (rng_next(r) & 0x3ffc);
    f->cpu.r[9] = FIXTURE_DATA + (rng_next(r) & 0x3ffc);
    f->cpu.r[6] = FIXTURE_DATA + (rng_next(r) & 0x3ffc);
    f->cpu.r[13] = FIXTURE_DATA + 0x8000;
    f->cpu.r[14] = FIXTURE_CODE;
    cpu_set_cpsr(&f->cpu, (rng_next(r) & 0xf8000000u) | MODE_SVC | PSR_I | PSR_F,
                 0xffffffffu);
    f->cpu.thumb = thumb;
    f->cpu.r[15] = FIXTURE_CODE;
    if (mmu) {
        /* Vectors and code, and the data area; everything else faults. */
        fixture_map_section(f, 0, 0, 3);
        if (rng_next(r) & 1)
            fixture_map_section(f, 0x40000000u, 0, 1);  /* an alias, privileged only */
        fixture_mmu_on(f);
    }
}

static void compare(const struct cpu_fixture *run, const struct cpu_fixture *step,
                    unsigned seq, const char *what)
{
    const struct arm_cpu *a = &run->cpu, *b = &step->cpu;
    for (unsigned i = 0; i < 16; i++)
        ck_assert_msg(a->r[i] == b->r[i], "%s sequence %u: r%u run %08x step %08x", what, seq,
                      i, a->r[i], b->r[i]);
    ck_assert_msg(cpu_get_cpsr(a) == cpu_get_cpsr(b), "%s sequence %u: cpsr %08x vs %08x",
                  what, seq, cpu_get_cpsr(a), cpu_get_cpsr(b));
    ck_assert_msg(a->spsr == b->spsr, "%s sequence %u: spsr", what, seq);
    ck_assert_msg(a->icount == b->icount, "%s sequence %u: icount %llu vs %llu", what, seq,
                  (unsigned long long)a->icount, (unsigned long long)b->icount);
    ck_assert_msg(!memcmp(a->bank_r13, b->bank_r13, sizeof(a->bank_r13)) &&
                  !memcmp(a->bank_r14, b->bank_r14, sizeof(a->bank_r14)) &&
                  !memcmp(a->bank_spsr, b->bank_spsr, sizeof(a->bank_spsr)),
                  "%s sequence %u: banked registers", what, seq);
    ck_assert_msg(a->cp15.dfsr == b->cp15.dfsr && a->cp15.dfar == b->cp15.dfar &&
                  a->cp15.ifsr == b->cp15.ifsr, "%s sequence %u: fault registers", what,
                  seq);
    uint8_t buf_a[0x10000], buf_b[0x10000];
    aspace_read_bytes((struct aspace *)&run->as, FIXTURE_DATA - 0x8000, buf_a, sizeof(buf_a));
    aspace_read_bytes((struct aspace *)&step->as, FIXTURE_DATA - 0x8000, buf_b, sizeof(buf_b));
    ck_assert_msg(!memcmp(buf_a, buf_b, sizeof(buf_a)), "%s sequence %u: data memory", what,
                  seq);
}

static void check_model(const struct cpu_model *model, const char *name, uint64_t seed)
{
    struct rng r = { seed };
    for (unsigned seq = 0; seq < SEQUENCES / 2; seq++) {
        struct cpu_fixture *run = fixture_init_model(model);
        struct cpu_fixture *step = fixture_init_model(model);
        ck_assert_ptr_nonnull(run);
        ck_assert_ptr_nonnull(step);
        bool thumb = seq & 1, mmu = (seq >> 1) & 1;
        struct rng copy = r;
        setup(run, &r, thumb, mmu);
        setup(step, &copy, thumb, mmu);
        unsigned length = 1 + rng_next(&r) % MAX_LENGTH;

        uint64_t ran = cpu_run(&run->cpu, length);
        uint64_t stepped = 0;
        for (unsigned i = 0; i < length && !step->cpu.halted; i++)
            stepped += cpu_run(&step->cpu, 1);
        ck_assert_msg(ran == stepped, "%s sequence %u: ran %llu, stepped %llu", name, seq,
                      (unsigned long long)ran, (unsigned long long)stepped);
        compare(run, step, seq, name);
        fixture_free(run);
        fixture_free(step);
    }
}

START_TEST(test_step_equals_run_arm926)
{
    check_model(&cpu_model_arm926, "arm926", 0x9e3779b97f4a7c15ull);
}
END_TEST

START_TEST(test_step_equals_run_cortex_a15)
{
    check_model(&cpu_model_cortex_a15, "cortex-a15", 0xd1b54a32d192ed03ull);
}
END_TEST

Suite *step_run_suite(void)
{
    Suite *s = suite_create("step_run");
    TCase *tc = tcase_create("random sequences");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_step_equals_run_arm926);
    tcase_add_test(tc, test_step_equals_run_cortex_a15);
    suite_add_tcase(s, tc);
    return s;
}
