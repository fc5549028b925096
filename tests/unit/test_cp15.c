/*
 * CP15 of the ARM926EJ-S (cpu/cp15.c) through its coprocessor ops, as the
 * MRC/MCR executors call it: ID registers, SCTLR writable and fixed bits,
 * User mode and unknown registers UNDEFINED, the fault registers, cache
 * operations (test-and-clean sets Z), WFI, and the TLB flushes that keep
 * the software TLB honest: a filled entry must be gone after a DACR, TTBR,
 * SCTLR.M or FCSE PID change and after the c8 operations. A stale TLB entry
 * is the classic emulator bug where a process sees another's memory.
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

struct env {
    struct aspace as;
    struct arm_cpu cpu;
    struct mmu_context mmu;
};

/* An ARM926 in SVC mode, MMU off, 128 MiB of RAM at 0 (FCSE-relocated
 * addresses included). */
static struct env *env_new(void)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(aspace_init(&e->as, NULL), 0);
    ck_assert_int_eq(aspace_add_ram(&e->as, 0, 128u << 20, "ram"), 0);
    cpu_init(&e->cpu, &cpu_model_arm926, 0);
    mmu_attach(&e->mmu, &e->cpu, &e->as);
    return e;
}

static void env_free(struct env *e)
{
    aspace_destroy(&e->as);
    free(e);
}

static int mrc(struct env *e, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2,
               uint32_t *value)
{
    const struct coproc_access a = { opc1, crn, crm, opc2 };
    return e->cpu.coproc[15]->mrc(&e->cpu, &a, value);
}

static int mcr(struct env *e, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2,
               uint32_t value)
{
    const struct coproc_access a = { opc1, crn, crm, opc2 };
    return e->cpu.coproc[15]->mcr(&e->cpu, &a, value);
}

static uint32_t read_reg(struct env *e, unsigned crn, unsigned crm, unsigned opc2)
{
    uint32_t value = 0xbadbadu;
    ck_assert_int_eq(mrc(e, 0, crn, crm, opc2, &value), 0);
    return value;
}

/* Loads from va so the privileged TLB holds its page; returns the entry. */
static struct tlb_entry *fill_tlb(struct env *e, uint32_t va)
{
    uint32_t value;
    ck_assert_int_ge(cpu_load32(&e->cpu, va, &value), 0);
    struct tlb_entry *t = &e->cpu.tlb[1][tlb_index(va)];
    ck_assert_uint_eq(t->tag_read, va & TLB_PAGE_MASK);
    return t;
}

START_TEST(test_id_registers)
{
    struct env *e = env_new();
    ck_assert_ptr_nonnull(e->cpu.coproc[15]);
    ck_assert_uint_eq(read_reg(e, 0, 0, 0), 0x41069265u);
    ck_assert_uint_eq(read_reg(e, 0, 0, 1), cpu_model_arm926.ctr);
    ck_assert_uint_eq(read_reg(e, 0, 0, 2), 0);           /* no TCMs */
    /* Unimplemented c0 opcode_2 values read as the Main ID (B2.3.1). */
    for (unsigned opc2 = 3; opc2 < 8; opc2++)
        ck_assert_uint_eq(read_reg(e, 0, 0, opc2), 0x41069265u);
    ck_assert_int_eq(mcr(e, 0, 0, 0, 0, 0), -1);            /* read-only */
    env_free(e);
}
END_TEST

START_TEST(test_sctlr)
{
    struct env *e = env_new();
    ck_assert_uint_eq(read_reg(e, 1, 0, 0), 0x00050078u);
    /* Only M A C B S R I V RR L4 are writable; the SBO bits stay one. */
    ck_assert_int_eq(mcr(e, 0, 1, 0, 0, 0xffffffffu), 0);
    ck_assert_uint_eq(read_reg(e, 1, 0, 0), 0x0005f3ffu);
    ck_assert_int_eq(mcr(e, 0, 1, 0, 0, 0), 0);
    ck_assert_uint_eq(read_reg(e, 1, 0, 0), 0x00050078u);
    ck_assert_int_eq(mcr(e, 0, 1, 0, 0, SCTLR_V | SCTLR_I), 0);
    ck_assert_uint_eq(e->cpu.cp15.sctlr, 0x00050078u | SCTLR_V | SCTLR_I);
    /* No auxiliary control register on the ARM926. */
    uint32_t v;
    ck_assert_int_eq(mrc(e, 0, 1, 0, 1, &v), -1);
    /* Reset restores the reset value. */
    cp15_reset(&e->cpu);
    ck_assert_uint_eq(e->cpu.cp15.sctlr, 0x00050078u);
    env_free(e);
}
END_TEST

START_TEST(test_user_mode_undefined)
{
    struct env *e = env_new();
    uint32_t v;
    cpu_switch_mode(&e->cpu, MODE_USR);
    ck_assert_int_eq(mrc(e, 0, 0, 0, 0, &v), -1);
    ck_assert_int_eq(mcr(e, 0, 3, 0, 0, 0), -1);
    ck_assert_int_eq(mcr(e, 0, 7, 0, 4, 0), -1);
    ck_assert_uint_eq(e->cpu.cp15.dacr, 0);
    ck_assert(!e->cpu.halted);
    env_free(e);
}
END_TEST

START_TEST(test_unknown_registers_undefined)
{
    struct env *e = env_new();
    uint32_t v;
    ck_assert_int_eq(mrc(e, 0, 4, 0, 0, &v), -1);
    ck_assert_int_eq(mcr(e, 0, 4, 0, 0, 0), -1);
    ck_assert_int_eq(mrc(e, 0, 11, 0, 0, &v), -1);
    ck_assert_int_eq(mrc(e, 0, 12, 0, 0, &v), -1);
    ck_assert_int_eq(mrc(e, 0, 14, 0, 0, &v), -1);
    ck_assert_int_eq(mrc(e, 1, 1, 0, 0, &v), -1);       /* opcode_1 != 0 */
    ck_assert_int_eq(mrc(e, 0, 2, 0, 1, &v), -1);       /* no TTBR1 */
    ck_assert_int_eq(mrc(e, 0, 7, 5, 0, &v), -1);       /* c7 ops are write-only */
    ck_assert_int_eq(mrc(e, 0, 8, 7, 0, &v), -1);
    ck_assert_int_eq(mcr(e, 0, 8, 3, 0, 0), -1);
    ck_assert_int_eq(mrc(e, 0, 13, 0, 2, &v), -1);      /* no TPIDR on ARMv5 */
    ck_assert_int_eq(cpu_model_arm926.features & CPU_FEAT_VMSA_V5, CPU_FEAT_VMSA_V5);
    ck_assert_ptr_null(e->cpu.coproc[15]->mcrr);   /* no 64-bit transfers */
    env_free(e);
}
END_TEST

START_TEST(test_translation_registers)
{
    struct env *e = env_new();
    ck_assert_int_eq(mcr(e, 0, 2, 0, 0, 0x12345fffu), 0);
    ck_assert_uint_eq(read_reg(e, 2, 0, 0), 0x12344000u);
    ck_assert_int_eq(mcr(e, 0, 3, 0, 0, 0xdeadbeefu), 0);
    ck_assert_uint_eq(read_reg(e, 3, 0, 0), 0xdeadbeefu);
    ck_assert_int_eq(mcr(e, 0, 5, 0, 0, 0xfffffff5u), 0);
    ck_assert_uint_eq(read_reg(e, 5, 0, 0), 0xf5);
    ck_assert_int_eq(mcr(e, 0, 5, 0, 1, 0x1234u), 0);
    ck_assert_uint_eq(read_reg(e, 5, 0, 1), 0x34);
    ck_assert_int_eq(mcr(e, 0, 6, 0, 0, 0xc0001234u), 0);
    ck_assert_uint_eq(read_reg(e, 6, 0, 0), 0xc0001234u);
    ck_assert_int_eq(mcr(e, 0, 13, 0, 0, 0xffffffffu), 0);
    ck_assert_uint_eq(read_reg(e, 13, 0, 0), 0xfe000000u);
    ck_assert_int_eq(mcr(e, 0, 13, 0, 1, 0x1234u), 0);
    ck_assert_uint_eq(read_reg(e, 13, 0, 1), 0x1234u);
    ck_assert_int_eq(mcr(e, 0, 10, 0, 0, 0xffffffffu), 0);
    ck_assert_uint_eq(read_reg(e, 10, 0, 0), 0x1c000001u);
    ck_assert_int_eq(mcr(e, 0, 9, 0, 0, 0xffffffffu), 0);
    ck_assert_uint_eq(read_reg(e, 9, 0, 0), 0xf);
    ck_assert_uint_eq(read_reg(e, 9, 0, 1), 0);
    ck_assert_uint_eq(read_reg(e, 9, 1, 0), 0);
    /* The fault registers are what the data abort path writes. */
    e->cpu.fault = (struct mem_fault){ 0x3d, 0xc0000010u, true };
    e->cpu.r[15] = 0x108;
    cpu_data_abort(&e->cpu);
    ck_assert_uint_eq(read_reg(e, 5, 0, 0), 0x3d);
    ck_assert_uint_eq(read_reg(e, 6, 0, 0), 0xc0000010u);
    env_free(e);
}
END_TEST

/* A DACR write drops the cached translations of the domains whose access
 * type changed, and only those (the entries cache the domain check). */
START_TEST(test_dacr_write_flushes_tlb)
{
    struct env *e = env_new();
    struct tlb_entry *t = fill_tlb(e, 0x3000);
    struct tlb_entry *other = fill_tlb(e, 0x5000);
    t->domain = 0;      /* as if walked through a descriptor of domain 0 ... */
    other->domain = 1;  /* ... and of domain 1 */
    ck_assert_int_eq(mcr(e, 0, 3, 0, 0, 0x00000001u), 0);  /* D0: client */
    ck_assert_uint_eq(t->tag_read, TLB_INVALID);
    ck_assert_uint_eq(t->tag_write, TLB_INVALID);
    ck_assert_uint_eq(other->tag_read, 0x5000);
    ck_assert_int_eq(mcr(e, 0, 3, 0, 0, 0x00000005u), 0);  /* D1: client */
    ck_assert_uint_eq(other->tag_read, TLB_INVALID);
    env_free(e);
}
END_TEST

START_TEST(test_translation_changes_flush_tlb)
{
    struct env *e = env_new();
    struct tlb_entry *t = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 2, 0, 0, 0x4000), 0);            /* TTBR */
    ck_assert_uint_eq(t->tag_read, TLB_INVALID);

    t = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 13, 0, 0, 1u << 25), 0);         /* FCSE PID */
    ck_assert_uint_eq(t->tag_read, TLB_INVALID);
    ck_assert_int_eq(mcr(e, 0, 13, 0, 0, 0), 0);

    t = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 1, 0, 0, SCTLR_I), 0);           /* I-cache: no flush */
    ck_assert_uint_eq(t->tag_read, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 1, 0, 0, SCTLR_I | SCTLR_S), 0); /* S: flush */
    ck_assert_uint_eq(t->tag_read, TLB_INVALID);
    env_free(e);
}
END_TEST

START_TEST(test_tlb_operations)
{
    struct env *e = env_new();
    struct tlb_entry *a = fill_tlb(e, 0x3000);
    struct tlb_entry *b = fill_tlb(e, 0x5000);
    /* c8, c7, 1: by MVA drops only that page. */
    ck_assert_int_eq(mcr(e, 0, 8, 7, 1, 0x3abc), 0);
    ck_assert_uint_eq(a->tag_read, TLB_INVALID);
    ck_assert_uint_eq(b->tag_read, 0x5000);
    /* c8, c6, 0 (D-TLB) and c8, c5, 0 (I-TLB): our TLB is unified. */
    a = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 8, 6, 0, 0), 0);
    ck_assert_uint_eq(a->tag_read, TLB_INVALID);
    ck_assert_uint_eq(b->tag_read, TLB_INVALID);
    a = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 8, 5, 0, 0), 0);
    ck_assert_uint_eq(a->tag_read, TLB_INVALID);
    a = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 8, 7, 0, 0), 0);
    ck_assert_uint_eq(a->tag_read, TLB_INVALID);
    /* With an FCSE PID, the MVA of a relocated page names its VA. */
    ck_assert_int_eq(mcr(e, 0, 13, 0, 0, 2u << 25), 0);
    a = fill_tlb(e, 0x3000);
    ck_assert_int_eq(mcr(e, 0, 8, 7, 1, (2u << 25) | 0x3000), 0);
    ck_assert_uint_eq(a->tag_read, TLB_INVALID);
    env_free(e);
}
END_TEST

START_TEST(test_cache_operations)
{
    struct env *e = env_new();
    uint32_t v;
    /* Every cache maintenance operation Linux's proc-arm926.S uses. */
    static const unsigned ops[][2] = {
        { 5, 0 }, { 5, 1 }, { 6, 0 }, { 6, 1 }, { 7, 0 }, { 10, 1 }, { 10, 2 },
        { 10, 4 }, { 13, 1 }, { 14, 1 }, { 14, 2 },
    };
    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        ck_assert_int_eq(mcr(e, 0, 7, ops[i][0], ops[i][1], 0), 0);
    /* Test (clean (and invalidate)): Z set = done, first time. */
    ck_assert_int_eq(mrc(e, 0, 7, 10, 3, &v), 0);
    ck_assert_uint_eq(v, 0x40000000u);
    ck_assert_int_eq(mrc(e, 0, 7, 14, 3, &v), 0);
    ck_assert_uint_eq(v, 0x40000000u);
    ck_assert(!e->cpu.halted);
    env_free(e);
}
END_TEST

START_TEST(test_wait_for_interrupt)
{
    struct env *e = env_new();
    e->cpu.exit_request = 0;
    ck_assert_int_eq(mcr(e, 0, 7, 0, 4, 0), 0);
    ck_assert(e->cpu.halted);
    ck_assert(e->cpu.exit_request);
    env_free(e);
}
END_TEST

START_TEST(test_debug_registers)
{
    struct env *e = env_new();
    uint32_t v = 1;
    ck_assert_int_eq(mrc(e, 0, 15, 0, 0, &v), 0);
    ck_assert_uint_eq(v, 0);
    v = 1;
    ck_assert_int_eq(mrc(e, 7, 15, 15, 0, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(mcr(e, 0, 15, 1, 0, 0x1234), 0);
    env_free(e);
}
END_TEST

Suite *cp15_suite(void)
{
    Suite *s = suite_create("cp15");
    TCase *tc = tcase_create("arm926");
    tcase_add_test(tc, test_id_registers);
    tcase_add_test(tc, test_sctlr);
    tcase_add_test(tc, test_user_mode_undefined);
    tcase_add_test(tc, test_unknown_registers_undefined);
    tcase_add_test(tc, test_translation_registers);
    tcase_add_test(tc, test_dacr_write_flushes_tlb);
    tcase_add_test(tc, test_translation_changes_flush_tlb);
    tcase_add_test(tc, test_tlb_operations);
    tcase_add_test(tc, test_cache_operations);
    tcase_add_test(tc, test_wait_for_interrupt);
    tcase_add_test(tc, test_debug_registers);
    suite_add_tcase(s, tc);
    return s;
}
