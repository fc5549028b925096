/*
 * CP15 of the Cortex-A9 and Cortex-A15 (cpu/cp15.c, ARM ARM DDI 0406C B4
 * and the two TRMs' chapter 4) through the coprocessor ops, as the
 * MRC/MCR/MRRC/MCRR executors call them, plus one executed MRC/MCR pair.
 *
 * What Linux reads to pick its code paths is checked value by value: the
 * ID registers (divide instructions, LPAE, the VMSA level, the MP format of
 * MPIDR), the cache geometry its set/way loops walk (they must end), and
 * the reset SCTLR. Then the rules it depends on: which CP15 registers PL0
 * may touch (TLS registers, barriers, the PMU when enabled), the TLB being
 * flushed when CONTEXTIDR changes the ASID (a stale non-global entry is one
 * process seeing another's memory), ATS1C* writing PAR without side
 * effects, the generic timer forwarding on the A15 only, the board's CBAR
 * surviving reset, and the PMU counting retired instructions.
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define TTB 0x00004000u

struct env {
    struct aspace as;
    struct arm_cpu cpu;
    struct mmu_context mmu;
};

/* A core in SVC mode, MMU off, 16 MiB of RAM at 0. */
static struct env *env_new(const struct cpu_model *model, unsigned index)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(aspace_init(&e->as, NULL), 0);
    ck_assert_int_eq(aspace_add_ram(&e->as, 0, 16u << 20, "ram"), 0);
    cpu_init(&e->cpu, model, index);
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

static uint32_t rd(struct env *e, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2)
{
    uint32_t value = 0xbadbadu;
    ck_assert_msg(mrc(e, opc1, crn, crm, opc2, &value) == 0, "MRC p15, %u, c%u, c%u, %u",
                  opc1, crn, crm, opc2);
    return value;
}

static void wr(struct env *e, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2,
               uint32_t value)
{
    ck_assert_msg(mcr(e, opc1, crn, crm, opc2, value) == 0, "MCR p15, %u, c%u, c%u, %u",
                  opc1, crn, crm, opc2);
}

static void write_pa(struct env *e, uint32_t pa, uint32_t value)
{
    ck_assert_int_eq(aspace_write_bytes(&e->as, pa, &value, 4), 0);
}

/* Loads from va so the TLB of the current privilege holds its page. */
static struct tlb_entry *fill_tlb(struct env *e, uint32_t va)
{
    uint32_t value;
    ck_assert_int_ge(cpu_load32(&e->cpu, va, &value), 0);
    struct tlb_entry *t = &e->cpu.tlb[cpu_privileged(&e->cpu) ? 1 : 0][tlb_index(va)];
    ck_assert_uint_eq(t->tag_read, va & TLB_PAGE_MASK);
    return t;
}

static bool tlb_holds(struct env *e, uint32_t va)
{
    return e->cpu.tlb[1][tlb_index(va)].tag_read == (va & TLB_PAGE_MASK);
}

START_TEST(test_ids_a9)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 0), 0x410fc090u);   /* MIDR */
    ck_assert_uint_eq(rd(e, 0, 0, 0, 1), cpu_model_cortex_a9.ctr);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 2), 0);             /* TCMTR: no TCMs */
    ck_assert_uint_eq(rd(e, 0, 0, 0, 3), 0);             /* TLBTR: unified */
    ck_assert_uint_eq(rd(e, 0, 0, 0, 4), 0x410fc090u);   /* MIDR aliases */
    ck_assert_uint_eq(rd(e, 0, 0, 0, 6), 0x410fc090u);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 7), 0x410fc090u);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 5), 0x80000000u);   /* MPIDR: MP format, CPU 0 */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 0), 0x00001031u);   /* ID_PFR0: ThumbEE, Thumb-2 */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 1), 0x00000011u);   /* ID_PFR1: Security */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 4), 0x00100103u);   /* ID_MMFR0: VMSAv7 (3) */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 7), 0x00002111u);   /* ID_MMFR3 */
    ck_assert_uint_eq(rd(e, 0, 0, 2, 0), 0x00101111u);   /* ID_ISAR0: no divide */
    ck_assert_uint_eq(rd(e, 0, 0, 2, 3), 0x11112131u);
    ck_assert_uint_eq(rd(e, 0, 0, 2, 4), 0x00111142u);
    ck_assert_uint_eq(rd(e, 0, 0, 2, 5), 0);
    ck_assert_uint_eq(rd(e, 1, 0, 0, 1), 0x09000003u);   /* CLIDR */
    ck_assert_uint_eq(rd(e, 1, 0, 0, 7), 0);             /* AIDR */
    /* Reserved ID space reads as zero. */
    ck_assert_uint_eq(rd(e, 0, 0, 2, 7), 0);
    ck_assert_uint_eq(rd(e, 0, 0, 5, 3), 0);
    env_free(e);
    /* MPIDR.CPUID follows the CPU index. */
    e = env_new(&cpu_model_cortex_a9, 3);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 5), 0x80000003u);
    env_free(e);
}
END_TEST

START_TEST(test_ids_a15)
{
    struct env *e = env_new(&cpu_model_cortex_a15, 0);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 0), 0x414fc0f0u);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 1), 0x8444c004u);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 5), 0x80000000u);
    ck_assert_uint_eq(rd(e, 0, 0, 0, 6), 0);             /* REVIDR */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 0), 0x00001131u);
    ck_assert_uint_eq(rd(e, 0, 0, 1, 1), 0x00011011u);   /* Sec, Virt, generic timer */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 2), 0x02010555u);
    ck_assert_uint_eq(rd(e, 0, 0, 1, 4), 0x10201105u);   /* VMSA 5: PXN + LPAE */
    ck_assert_uint_eq(rd(e, 0, 0, 1, 7), 0x02102211u);
    ck_assert_uint_eq(rd(e, 0, 0, 2, 0), 0x02101110u);   /* SDIV/UDIV in ARM and Thumb */
    ck_assert_uint_eq(rd(e, 0, 0, 2, 4), 0x10011142u);
    ck_assert_uint_eq(rd(e, 1, 0, 0, 1), 0x0a200023u);
    ck_assert_uint_eq(rd(e, 1, 9, 0, 2), 0x00800000u);   /* L2CTLR: 1 CPU */
    env_free(e);
}
END_TEST

/*
 * Linux's v7_flush_dcache_all: for each level below CLIDR.LoC that has a
 * data or unified cache, select it in CSSELR, read CCSIDR, and clean and
 * invalidate every set/way. The loop must be finite and match the
 * geometry, and the set/way operation itself must be accepted.
 */
static unsigned long flush_dcache_all(struct env *e)
{
    uint32_t clidr = rd(e, 1, 0, 0, 1);
    unsigned loc = (clidr >> 24) & 7;
    unsigned long ops = 0;
    for (unsigned level = 0; level < loc; level++) {
        unsigned ctype = (clidr >> (3 * level)) & 7;
        if (ctype < 2)
            continue;
        wr(e, 2, 0, 0, 0, level << 1);
        ck_assert_uint_eq(rd(e, 2, 0, 0, 0), level << 1);
        uint32_t ccsidr = rd(e, 1, 0, 0, 0);
        ck_assert_uint_ne(ccsidr, 0);
        unsigned line_shift = (ccsidr & 7) + 4;
        unsigned ways = ((ccsidr >> 3) & 0x3ff) + 1;
        unsigned sets = ((ccsidr >> 13) & 0x7fff) + 1;
        unsigned way_shift = (unsigned)__builtin_clz(ways - 1 ? ways - 1 : 1);
        for (unsigned way = 0; way < ways; way++)
            for (unsigned set = 0; set < sets; set++) {
                wr(e, 0, 7, 14, 2, (way << way_shift) | (set << line_shift) | (level << 1));
                ops++;
            }
    }
    return ops;
}

START_TEST(test_cache_geometry)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    /* L1 D: 32 KiB, 4-way, 32-byte lines: 256 sets x 4 ways. */
    ck_assert_uint_eq(flush_dcache_all(e), 1024);
    wr(e, 2, 0, 0, 0, 1);                                 /* L1 I */
    ck_assert_uint_eq(rd(e, 1, 0, 0, 0), 0x201fe019u);
    wr(e, 2, 0, 0, 0, 2);                                 /* no L2 in CLIDR */
    ck_assert_uint_eq(rd(e, 1, 0, 0, 0), 0);
    env_free(e);
    e = env_new(&cpu_model_cortex_a15, 0);
    /* L1 D 256 sets x 2 ways, L2 1 MiB: 1024 sets x 16 ways. */
    ck_assert_uint_eq(flush_dcache_all(e), 512 + 16384);
    env_free(e);
}
END_TEST

START_TEST(test_sctlr)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    ck_assert_uint_eq(rd(e, 0, 1, 0, 0), 0x00c50078u);
    wr(e, 0, 1, 0, 0, 0);
    ck_assert_uint_eq(rd(e, 0, 1, 0, 0), 0x00c50078u);  /* RAO bits stay, U = 1 */
    /* What Linux ends up with on both cores ("cr=10c5387d"). */
    wr(e, 0, 1, 0, 0, 0x10c5387d);
    ck_assert_uint_eq(rd(e, 0, 1, 0, 0), 0x10c5387du);
    /* Writable: M A C Z SW I V RR EE TRE AFE TE; not NMFI, WXN, FI, HA. */
    wr(e, 0, 1, 0, 0, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 1, 0, 0), 0x72c57c7fu);
    env_free(e);
    e = env_new(&cpu_model_cortex_a15, 0);
    wr(e, 0, 1, 0, 0, 0xffffffff);   /* + WXN, UWXN; RR is fixed */
    ck_assert_uint_eq(rd(e, 0, 1, 0, 0), 0x72dd3c7fu);
    env_free(e);
}
END_TEST

START_TEST(test_control_registers)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    /* CPACR: only cp10/cp11 exist; ASEDIS/D32DIS are RAZ/WI. */
    wr(e, 0, 1, 0, 2, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 1, 0, 2), 0x00f00000u);
    ck_assert_uint_eq(e->cpu.cp15.cpacr, 0x00f00000u);
    /* ACTLR.SMP and friends. */
    wr(e, 0, 1, 0, 1, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 1, 0, 1), 0x000003cfu);
    /* VBAR: 32-byte aligned; read by exception entry. */
    wr(e, 0, 12, 0, 0, 0x60001234u);
    ck_assert_uint_eq(rd(e, 0, 12, 0, 0), 0x60001220u);
    ck_assert_uint_eq(e->cpu.cp15.vbar, 0x60001220u);
    /* Fault registers. */
    wr(e, 0, 5, 0, 0, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 5, 0, 0), 0x00003effu);
    wr(e, 0, 5, 0, 1, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 5, 0, 1), 0x0000160fu);
    wr(e, 0, 6, 0, 2, 0x12345678u);
    ck_assert_uint_eq(rd(e, 0, 6, 0, 2), 0x12345678u);
    ck_assert_uint_eq(e->cpu.cp15.ifar, 0x12345678u);
    /* TTBR1 [13:7] are SBZ; TTBCR N/PD0/PD1 only on the A9 (no EAE). */
    wr(e, 0, 2, 0, 1, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 2, 0, 1), 0xffffc07fu);
    wr(e, 0, 2, 0, 2, 0xffffffff);
    ck_assert_uint_eq(rd(e, 0, 2, 0, 2), 0x00000037u);
    /* ISR reflects the interrupt inputs. */
    ck_assert_uint_eq(rd(e, 0, 12, 1, 0), 0);
    cpu_set_irq(&e->cpu, 1);
    ck_assert_uint_eq(rd(e, 0, 12, 1, 0), 0x80u);
    /* FCSE is not implemented on ARMv7 MP cores: RAZ/WI. */
    wr(e, 0, 13, 0, 0, 0xfe000000u);
    ck_assert_uint_eq(rd(e, 0, 13, 0, 0), 0);
    /* Barriers, cache maintenance: accepted. */
    wr(e, 0, 7, 5, 4, 0);
    wr(e, 0, 7, 10, 4, 0);
    wr(e, 0, 7, 10, 5, 0);
    wr(e, 0, 7, 5, 0, 0);
    wr(e, 0, 7, 1, 0, 0);
    wr(e, 0, 7, 5, 6, 0);
    wr(e, 0, 7, 6, 1, 0x1000);
    wr(e, 0, 7, 11, 1, 0x1000);
    wr(e, 0, 7, 14, 1, 0x1000);
    /* The ARMv6 CP15 WFI is gone in ARMv7; so are unknown registers. */
    ck_assert_int_lt(mcr(e, 0, 7, 0, 4, 0), 0);
    ck_assert_int_lt(mcr(e, 0, 9, 0, 0, 0), 0);
    uint32_t v;
    ck_assert_int_lt(mrc(e, 0, 7, 5, 0, &v), 0);        /* write-only */
    ck_assert_int_lt(mcr(e, 0, 0, 0, 0, 0), 0);         /* read-only */
    /* Hyp registers (opc1 4) do not exist in Secure state here. */
    ck_assert_int_lt(mrc(e, 4, 1, 0, 0, &v), 0);
    env_free(e);
    e = env_new(&cpu_model_cortex_a15, 0);
    wr(e, 0, 2, 0, 2, 0xffffffff);                       /* LPAE: long-format fields */
    ck_assert_uint_eq(rd(e, 0, 2, 0, 2), 0xbfc73fb7u);
    env_free(e);
}
END_TEST

/* PL0: TPIDRURO read-only, TPIDRURW read/write, barriers; nothing else. */
START_TEST(test_pl0_access)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    wr(e, 0, 13, 0, 2, 0x11111111u);
    wr(e, 0, 13, 0, 3, 0x22222222u);
    wr(e, 0, 13, 0, 4, 0x33333333u);
    cpu_switch_mode(&e->cpu, MODE_USR);
    uint32_t v;
    ck_assert_uint_eq(rd(e, 0, 13, 0, 2), 0x11111111u);
    wr(e, 0, 13, 0, 2, 0x44444444u);
    ck_assert_uint_eq(rd(e, 0, 13, 0, 2), 0x44444444u);
    ck_assert_uint_eq(rd(e, 0, 13, 0, 3), 0x22222222u);
    ck_assert_int_lt(mcr(e, 0, 13, 0, 3, 0), 0);
    ck_assert_int_lt(mrc(e, 0, 13, 0, 4, &v), 0);
    ck_assert_int_lt(mrc(e, 0, 1, 0, 0, &v), 0);
    ck_assert_int_lt(mrc(e, 0, 0, 0, 0, &v), 0);
    ck_assert_int_lt(mrc(e, 0, 0, 3, 0, &v), 0);        /* reserved IDs: PL1 only */
    ck_assert_int_lt(mrc(e, 0, 15, 0, 0, &v), 0);       /* IMP DEF: PL1 only */
    ck_assert_int_lt(mcr(e, 0, 7, 14, 1, 0), 0);        /* cache maintenance */
    ck_assert_int_lt(mcr(e, 0, 8, 7, 0, 0), 0);         /* TLB maintenance */
    ck_assert_int_lt(mcr(e, 0, 7, 8, 0, 0), 0);         /* ATS */
    wr(e, 0, 7, 10, 5, 0);                              /* CP15DMB */
    wr(e, 0, 7, 10, 4, 0);                              /* CP15DSB */
    wr(e, 0, 7, 5, 4, 0);                               /* CP15ISB */
    /* PMU: only with PMUSERENR.EN; PMUSERENR is readable, PMINTEN is not. */
    ck_assert_int_lt(mrc(e, 0, 9, 13, 0, &v), 0);
    ck_assert_uint_eq(rd(e, 0, 9, 14, 0), 0);
    ck_assert_int_lt(mcr(e, 0, 9, 14, 0, 1), 0);
    cpu_switch_mode(&e->cpu, MODE_SVC);
    wr(e, 0, 9, 14, 0, 1);
    cpu_switch_mode(&e->cpu, MODE_USR);
    rd(e, 0, 9, 13, 0);
    wr(e, 0, 9, 12, 1, 0x80000000u);
    ck_assert_int_lt(mrc(e, 0, 9, 14, 1, &v), 0);
    env_free(e);
}
END_TEST

/* Executed from User mode: MRC TPIDRURO works, MCR TPIDRURO is UNDEFINED. */
START_TEST(test_pl0_executed)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    for (uint32_t v = 0; v < 0x20; v += 4)
        write_pa(e, v, 0xeafffffeu);                    /* b . */
    write_pa(e, 0x8000, 0xee1d0f70u);                   /* mrc p15, 0, r0, c13, c0, 3 */
    write_pa(e, 0x8004, 0xee0d0f70u);                   /* mcr p15, 0, r0, c13, c0, 3 */
    wr(e, 0, 13, 0, 3, 0xcafef00du);
    cpu_switch_mode(&e->cpu, MODE_USR);
    e->cpu.r[15] = 0x8000;
    cpu_run(&e->cpu, 1);
    ck_assert_uint_eq(e->cpu.r[0], 0xcafef00du);
    cpu_run(&e->cpu, 1);
    ck_assert_uint_eq(e->cpu.r[15], 0x04);              /* Undefined vector */
    ck_assert_uint_eq(cpu_mode(&e->cpu), MODE_UND);
    env_free(e);
}
END_TEST

/* A section map of the first MiBs, MMU on. */
static void mmu_on(struct env *e)
{
    for (uint32_t mb = 0; mb < 16; mb++)
        write_pa(e, TTB + mb * 4, (mb << 20) | 3u << 10 | 2u | 1u << 17);   /* nG */
    wr(e, 0, 2, 0, 0, TTB);
    wr(e, 0, 3, 0, 0, 0x55555555u);
    wr(e, 0, 1, 0, 0, rd(e, 0, 1, 0, 0) | SCTLR_M);
}

START_TEST(test_contextidr_flush)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    mmu_on(e);
    wr(e, 0, 13, 0, 1, 0x00000101u);                    /* PROCID 1, ASID 1 */
    fill_tlb(e, 0x3000);
    /* Same ASID, new PROCID: the translations stay valid. */
    wr(e, 0, 13, 0, 1, 0x00000201u);
    ck_assert(tlb_holds(e, 0x3000));
    ck_assert_uint_eq(rd(e, 0, 13, 0, 1), 0x00000201u);
    /* New ASID: non-global entries are stale; the untagged TLB drops all. */
    wr(e, 0, 13, 0, 1, 0x00000202u);
    ck_assert(!tlb_holds(e, 0x3000));
    env_free(e);
}
END_TEST

START_TEST(test_tlb_maintenance)
{
    struct env *e = env_new(&cpu_model_cortex_a15, 0);
    mmu_on(e);
    /* Unchanged TTBR0/DACR writes keep the TLB; changes flush it. */
    fill_tlb(e, 0x3000);
    wr(e, 0, 2, 0, 0, TTB);
    wr(e, 0, 3, 0, 0, 0x55555555u);
    ck_assert(tlb_holds(e, 0x3000));
    wr(e, 0, 3, 0, 0, 0x55555557u);
    ck_assert(!tlb_holds(e, 0x3000));
    fill_tlb(e, 0x3000);
    wr(e, 0, 2, 0, 2, 1);                               /* TTBCR */
    ck_assert(!tlb_holds(e, 0x3000));
    wr(e, 0, 2, 0, 2, 0);
    fill_tlb(e, 0x3000);
    wr(e, 0, 2, 0, 1, 0x8000);                          /* TTBR1 */
    ck_assert(!tlb_holds(e, 0x3000));
    /* TLBIMVA (MVA | ASID) drops one page; TLBIMVAA and the IS forms too. */
    static const unsigned by_mva[][2] = { { 7, 1 }, { 7, 3 }, { 3, 1 }, { 3, 3 },
                                          { 5, 1 }, { 6, 1 } };
    for (unsigned i = 0; i < sizeof(by_mva) / sizeof(by_mva[0]); i++) {
        fill_tlb(e, 0x3000);
        fill_tlb(e, 0x4000);
        wr(e, 0, 8, by_mva[i][0], by_mva[i][1], 0x3000 | 0x42);
        ck_assert(!tlb_holds(e, 0x3000));
        ck_assert(tlb_holds(e, 0x4000));
    }
    /* TLBIALL, TLBIASID and their IS/I/D forms drop everything. */
    static const unsigned all[][2] = { { 7, 0 }, { 7, 2 }, { 3, 0 }, { 3, 2 },
                                       { 5, 0 }, { 5, 2 }, { 6, 0 }, { 6, 2 } };
    for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        fill_tlb(e, 0x3000);
        fill_tlb(e, 0x4000);
        wr(e, 0, 8, all[i][0], all[i][1], 0x42);
        ck_assert(!tlb_holds(e, 0x3000));
        ck_assert(!tlb_holds(e, 0x4000));
    }
    /* SCTLR.AFE changes how AP is read: flush. */
    fill_tlb(e, 0x3000);
    wr(e, 0, 1, 0, 0, rd(e, 0, 1, 0, 0) | SCTLR_AFE);
    ck_assert(!tlb_holds(e, 0x3000));
    env_free(e);
}
END_TEST

START_TEST(test_ats_par)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    /* MMU off: PA = VA, Strongly-ordered (Inner 001), shareable. */
    wr(e, 0, 7, 8, 0, 0x12345678u);
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0), 0x12345000u | 1u << 7 | 1u << 4);
    mmu_on(e);
    /* VA 0x00f00000 -> PA 0x00200000, Normal WBWA shareable (TEX 001 C B, S). */
    write_pa(e, TTB + 0xf * 4, 0x00200000u | 1u << 16 | 1u << 12 | 3u << 10 | 0xc | 2u);
    /* VA 0x00e00000: PL1 read-only (AP 101), domain 3, XN. */
    write_pa(e, TTB + 0xe * 4, 0x00300000u | 1u << 15 | 1u << 10 | 3u << 5 | 1u << 4 | 2u);
    wr(e, 0, 8, 7, 0, 0);
    wr(e, 0, 7, 8, 0, 0x00f01234u);                      /* ATS1CPR */
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0), 0x00201000u | 1u << 7 | 5u << 4 | 1u << 2);
    wr(e, 0, 7, 8, 3, 0x00f01234u);                      /* ATS1CUW */
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0) & 0xfffff000u, 0x00201000u);
    /* Faults: F = 1, FS[3:0] in [4:1]; no DFSR/DFAR/cpu->fault change. */
    e->cpu.cp15.dfsr = 0x55;
    e->cpu.cp15.dfar = 0x66;
    e->cpu.fault.fsr = 0x77;
    wr(e, 0, 7, 8, 1, 0x00e00010u);                      /* ATS1CPW: permission */
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0), 1u | 0xdu << 1);
    wr(e, 0, 7, 8, 2, 0x00e00010u);                      /* ATS1CUR: permission */
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0), 1u | 0xdu << 1);
    wr(e, 0, 7, 8, 0, 0x00e00010u);                      /* ATS1CPR: allowed */
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0) & 0xfffff001u, 0x00300000u);
    wr(e, 0, 7, 8, 0, 0x05000000u);                      /* translation fault */
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0), 1u | 0x5u << 1);
    ck_assert_uint_eq(e->cpu.cp15.dfsr, 0x55);
    ck_assert_uint_eq(e->cpu.cp15.dfar, 0x66);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x77);
    /* PAR is also writable. */
    wr(e, 0, 7, 4, 0, 0xabcdef01u);
    ck_assert_uint_eq(rd(e, 0, 7, 4, 0), 0xabcdef01u);
    env_free(e);
}
END_TEST

START_TEST(test_cbar)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    e->cpu.cp15.cbar = 0x1e000000u;                      /* the board's PERIPHBASE */
    ck_assert_uint_eq(rd(e, 4, 15, 0, 0), 0x1e000000u);
    ck_assert_int_lt(mcr(e, 4, 15, 0, 0, 0), 0);         /* read-only */
    cpu_reset(&e->cpu);
    ck_assert_uint_eq(rd(e, 4, 15, 0, 0), 0x1e000000u);
    /* A9 c15: power control and diagnostic registers keep what is written;
     * other c15 encodings read as zero. */
    wr(e, 0, 15, 0, 1, 0x00001040u);
    ck_assert_uint_eq(rd(e, 0, 15, 0, 1), 0x00001040u);
    ck_assert_uint_eq(rd(e, 5, 15, 5, 2), 0);
    env_free(e);
    e = env_new(&cpu_model_cortex_a15, 0);
    e->cpu.cp15.cbar = 0x2c000000u;
    ck_assert_uint_eq(rd(e, 4, 15, 0, 0), 0x2c000000u);
    env_free(e);
}
END_TEST

/* A stand-in generic timer that records what it was asked. */
struct fake_timer {
    struct coproc_access last;
    unsigned last_opc1;
    uint64_t last64;
    int calls;
};

static int ft_read(void *opaque, struct arm_cpu *cpu, const struct coproc_access *a,
                   uint32_t *value)
{
    struct fake_timer *ft = opaque;
    (void)cpu;
    ft->last = *a;
    ft->calls++;
    *value = 62500000u;
    return 0;
}

static int ft_write(void *opaque, struct arm_cpu *cpu, const struct coproc_access *a,
                    uint32_t value)
{
    struct fake_timer *ft = opaque;
    (void)cpu;
    ft->last = *a;
    ft->last64 = value;
    ft->calls++;
    return 0;
}

static int ft_read64(void *opaque, struct arm_cpu *cpu, unsigned opc1, uint64_t *value)
{
    struct fake_timer *ft = opaque;
    (void)cpu;
    ft->last_opc1 = opc1;
    ft->calls++;
    *value = 0x0000001234567890ull;
    return 0;
}

static int ft_write64(void *opaque, struct arm_cpu *cpu, unsigned opc1, uint64_t value)
{
    struct fake_timer *ft = opaque;
    (void)cpu;
    ft->last_opc1 = opc1;
    ft->last64 = value;
    ft->calls++;
    return 0;
}

static const struct generic_timer_ops fake_timer_ops = {
    .read = ft_read, .write = ft_write, .read64 = ft_read64, .write64 = ft_write64,
};

START_TEST(test_generic_timer_forwarding)
{
    struct fake_timer ft = { 0 };
    struct env *e = env_new(&cpu_model_cortex_a15, 0);
    uint32_t v, lo, hi;
    /* No timer attached: UNDEFINED. */
    ck_assert_int_lt(mrc(e, 0, 14, 0, 0, &v), 0);
    ck_assert_int_lt(e->cpu.coproc[15]->mrrc(&e->cpu, 1, 14, &lo, &hi), 0);
    e->cpu.gtimer = &fake_timer_ops;
    e->cpu.gtimer_opaque = &ft;
    ck_assert_uint_eq(rd(e, 0, 14, 0, 0), 62500000u);     /* CNTFRQ */
    wr(e, 0, 14, 3, 1, 1);                                 /* CNTV_CTL */
    ck_assert_uint_eq(ft.last.crm, 3);
    ck_assert_uint_eq(ft.last.opc2, 1);
    ck_assert_int_eq(e->cpu.coproc[15]->mrrc(&e->cpu, 1, 14, &lo, &hi), 0);   /* CNTVCT */
    ck_assert_uint_eq(ft.last_opc1, 1);
    ck_assert_uint_eq(lo, 0x34567890u);
    ck_assert_uint_eq(hi, 0x12u);
    ck_assert_int_eq(e->cpu.coproc[15]->mcrr(&e->cpu, 3, 14, 0x11111111u, 0x22u), 0);
    ck_assert_uint_eq(ft.last_opc1, 3);                    /* CNTV_CVAL */
    ck_assert_uint_eq(ft.last64, 0x2211111111ull);
    /* From PL0 the accesses still go to the timer, which applies CNTKCTL. */
    cpu_switch_mode(&e->cpu, MODE_USR);
    int calls = ft.calls;
    ck_assert_int_eq(e->cpu.coproc[15]->mrrc(&e->cpu, 1, 14, &lo, &hi), 0);
    ck_assert_int_eq(ft.calls, calls + 1);
    env_free(e);
    /* The A9 has no generic timer. */
    e = env_new(&cpu_model_cortex_a9, 0);
    e->cpu.gtimer = &fake_timer_ops;
    e->cpu.gtimer_opaque = &ft;
    ck_assert_int_lt(mrc(e, 0, 14, 0, 0, &v), 0);
    ck_assert_int_lt(e->cpu.coproc[15]->mrrc(&e->cpu, 0, 14, &lo, &hi), 0);
    env_free(e);
}
END_TEST

START_TEST(test_lpae_64bit_registers)
{
    struct env *e = env_new(&cpu_model_cortex_a15, 0);
    uint32_t lo, hi;
    mmu_on(e);
    fill_tlb(e, 0x3000);
    ck_assert_int_eq(e->cpu.coproc[15]->mcrr(&e->cpu, 0, 2, TTB, 0x00420000u), 0);
    ck_assert(!tlb_holds(e, 0x3000));
    ck_assert_int_eq(e->cpu.coproc[15]->mrrc(&e->cpu, 0, 2, &lo, &hi), 0);
    ck_assert_uint_eq(lo, TTB);
    ck_assert_uint_eq(hi, 0x00420000u);
    ck_assert_uint_eq(rd(e, 0, 2, 0, 0), TTB);
    ck_assert_int_eq(e->cpu.coproc[15]->mrrc(&e->cpu, 0, 7, &lo, &hi), 0);   /* PAR */
    env_free(e);
    e = env_new(&cpu_model_cortex_a9, 0);
    ck_assert_int_lt(e->cpu.coproc[15]->mrrc(&e->cpu, 0, 2, &lo, &hi), 0);
    ck_assert_int_lt(e->cpu.coproc[15]->mcrr(&e->cpu, 0, 2, 0, 0), 0);
    env_free(e);
}
END_TEST

START_TEST(test_pmu)
{
    struct env *e = env_new(&cpu_model_cortex_a9, 0);
    ck_assert_uint_eq(rd(e, 0, 9, 12, 0), 0x41093000u);  /* PMCR: N = 6 */
    ck_assert_uint_eq(rd(e, 0, 9, 12, 6), 0x00020101u);  /* PMCEID0 */
    /* Disabled: nothing counts. */
    e->cpu.icount += 100;
    ck_assert_uint_eq(rd(e, 0, 9, 13, 0), 0);
    /* Cycle counter and counter 2 counting instructions (event 0x08). */
    wr(e, 0, 9, 12, 5, 2);                              /* PMSELR */
    wr(e, 0, 9, 13, 1, 0x08);                           /* PMXEVTYPER */
    ck_assert_uint_eq(rd(e, 0, 9, 13, 1), 0x08);
    wr(e, 0, 9, 12, 1, 0x80000004u);                    /* PMCNTENSET */
    ck_assert_uint_eq(rd(e, 0, 9, 12, 1), 0x80000004u);
    wr(e, 0, 9, 12, 0, 1);                              /* PMCR.E */
    e->cpu.icount += 1000;
    ck_assert_uint_eq(rd(e, 0, 9, 13, 0), 1000);
    ck_assert_uint_eq(rd(e, 0, 9, 13, 2), 1000);
    /* PMCR.D: the cycle counter ticks every 64 cycles. */
    wr(e, 0, 9, 12, 0, 1 | 8);
    e->cpu.icount += 640;
    ck_assert_uint_eq(rd(e, 0, 9, 13, 0), 1010);
    ck_assert_uint_eq(rd(e, 0, 9, 13, 2), 1640);
    /* PMCR.C and P reset the counters. */
    wr(e, 0, 9, 12, 0, 1 | 2 | 4);
    ck_assert_uint_eq(rd(e, 0, 9, 13, 0), 0);
    ck_assert_uint_eq(rd(e, 0, 9, 13, 2), 0);
    /* Overflow sets PMOVSR; write-one-to-clear. */
    wr(e, 0, 9, 13, 0, 0xfffffff0u);
    e->cpu.icount += 0x20;
    ck_assert_uint_eq(rd(e, 0, 9, 13, 0), 0x10);
    ck_assert_uint_eq(rd(e, 0, 9, 12, 3), 0x80000000u);
    wr(e, 0, 9, 12, 3, 0x80000000u);
    ck_assert_uint_eq(rd(e, 0, 9, 12, 3), 0);
    /* PMCNTENCLR; counters past N read as zero. */
    wr(e, 0, 9, 12, 2, 0x80000000u);
    ck_assert_uint_eq(rd(e, 0, 9, 12, 1), 0x00000004u);
    wr(e, 0, 9, 12, 5, 7);
    wr(e, 0, 9, 13, 2, 5);
    ck_assert_uint_eq(rd(e, 0, 9, 13, 2), 0);
    /* Software increment (event 0x00) on counter 0. */
    wr(e, 0, 9, 12, 5, 0);
    wr(e, 0, 9, 13, 1, 0x00);
    wr(e, 0, 9, 12, 1, 1);
    wr(e, 0, 9, 12, 4, 1);
    wr(e, 0, 9, 12, 4, 1);
    ck_assert_uint_eq(rd(e, 0, 9, 13, 2), 2);
    /* Interrupt enables (not wired, but kept). */
    wr(e, 0, 9, 14, 1, 0xffffffffu);
    ck_assert_uint_eq(rd(e, 0, 9, 14, 1), 0x8000003fu);
    wr(e, 0, 9, 14, 2, 0x1u);
    ck_assert_uint_eq(rd(e, 0, 9, 14, 2), 0x8000003eu);
    env_free(e);
}
END_TEST

Suite *cp15_v7_suite(void)
{
    Suite *s = suite_create("cp15_v7");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_ids_a9);
    tcase_add_test(tc, test_ids_a15);
    tcase_add_test(tc, test_cache_geometry);
    tcase_add_test(tc, test_sctlr);
    tcase_add_test(tc, test_control_registers);
    tcase_add_test(tc, test_pl0_access);
    tcase_add_test(tc, test_pl0_executed);
    tcase_add_test(tc, test_contextidr_flush);
    tcase_add_test(tc, test_tlb_maintenance);
    tcase_add_test(tc, test_ats_par);
    tcase_add_test(tc, test_cbar);
    tcase_add_test(tc, test_generic_timer_forwarding);
    tcase_add_test(tc, test_lpae_64bit_registers);
    tcase_add_test(tc, test_pmu);
    suite_add_tcase(s, tc);
    return s;
}
