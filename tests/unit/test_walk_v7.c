/*
 * The ARMv7 short-descriptor MMU of the Cortex-A9 and Cortex-A15 (ARM ARM
 * DDI 0406C B3.5-B3.8, B3.13) and its hooks in the slow path (mmu/mmu.c).
 *
 * walk_v7_suite builds translation tables by hand in the RAM of an address
 * space and calls mmu_walk_v7 directly: sections, supersections (with the
 * extended PA bits and their implicit domain 0), page tables with large and
 * small pages, the TTBR0/TTBR1 split for several TTBCR.N and TTBCR.PD0/PD1,
 * XN, PXN and the page-table PXN bit (A15) against the A9 which lacks PXN,
 * the whole AP[2:0] table, the simplified AP model with the access flag,
 * domains, and every fault with its exact DFSR/IFSR (FS split over bits
 * [10] and [3:0], domain, WnR) and FAR. The explanation is checked for the
 * decoded memory attributes, with and without TEX remap.
 *
 * A wrong bit here is a Linux that boots on hardware and dies on us:
 * an access flag fault reported as a translation fault sends the kernel's
 * fault handler down the wrong path, and a PXN that is ignored lets the
 * kernel run user pages.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM_SIZE (16u << 20)
#define TTB 0x00004000u         /* TTBR0 table, 16 KiB aligned */
#define TTB1 0x00010000u        /* TTBR1 table */
#define L2T 0x00020000u         /* second-level tables, 1 KiB each */
#define MMIO_BASE 0x10000000u
#define UNMAPPED_PA 0x80000000u

struct env {
    struct aspace as;
    struct arm_cpu cpu;
    struct mmu_context mmu;
};

static uint32_t dev_read(void *opaque, uint32_t offset, unsigned size)
{
    (void)opaque, (void)size;
    return offset;
}

static void dev_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    (void)opaque, (void)offset, (void)value, (void)size;
}

static const struct mmio_ops dev_ops = { .read = dev_read, .write = dev_write };

/* RAM at 0, a device at MMIO_BASE, MMU on with TTB, all domains client. */
static struct env *env_new(const struct cpu_model *model)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(aspace_init(&e->as, NULL), 0);
    ck_assert_int_eq(aspace_add_ram(&e->as, 0, RAM_SIZE, "ram"), 0);
    ck_assert_int_eq(aspace_add_mmio(&e->as, MMIO_BASE, 0x1000, &dev_ops, e, "dev"), 0);
    cpu_init(&e->cpu, model, 0);
    mmu_attach(&e->mmu, &e->cpu, &e->as);
    e->cpu.cp15.sctlr |= SCTLR_M;
    e->cpu.cp15.ttbr0 = TTB;
    e->cpu.cp15.dacr = 0x55555555u;
    return e;
}

static void env_free(struct env *e)
{
    aspace_destroy(&e->as);
    free(e);
}

static void put(struct env *e, uint32_t pa, uint32_t value)
{
    ck_assert_int_eq(aspace_write_bytes(&e->as, pa, &value, 4), 0);
}

/* Section descriptor: AP[2:0] split over [15] and [11:10], domain [8:5]. */
static uint32_t section(uint32_t pa, unsigned ap, unsigned domain, uint32_t extra)
{
    return (pa & 0xfff00000u) | ((ap >> 2) & 1) << 15 | (ap & 3) << 10 | (domain & 15) << 5 |
           2u | extra;
}

#define S_XN (1u << 4)
#define S_PXN 1u                /* turns bits[1:0] into 0b11 */
#define S_NG (1u << 17)
#define S_S (1u << 16)
#define S_SUPER (1u << 18)
#define S_TEX(t) ((uint32_t)(t) << 12)
#define S_C (1u << 3)
#define S_B (1u << 2)

static void map_l1(struct env *e, uint32_t table, uint32_t va, uint32_t desc)
{
    put(e, table + (va >> 20) * 4, desc);
}

static uint32_t page_table(uint32_t l2, unsigned domain, uint32_t extra)
{
    return (l2 & 0xfffffc00u) | (domain & 15) << 5 | 1u | extra;
}

#define PT_PXN (1u << 2)

/* Small page: AP[2] [9], AP[1:0] [5:4], XN [0]. */
static uint32_t small_page(uint32_t pa, unsigned ap, uint32_t extra)
{
    return (pa & 0xfffff000u) | ((ap >> 2) & 1) << 9 | (ap & 3) << 4 | 2u | extra;
}

/* Large page: XN [15], TEX [14:12]. */
static uint32_t large_page(uint32_t pa, unsigned ap, uint32_t extra)
{
    return (pa & 0xffff0000u) | ((ap >> 2) & 1) << 9 | (ap & 3) << 4 | 1u | extra;
}

#define P_XN 1u
#define P_NG (1u << 11)
#define LP_XN (1u << 15)

static void map_l2(struct env *e, uint32_t l2, uint32_t va, uint32_t desc)
{
    put(e, l2 + ((va >> 12) & 0xff) * 4, desc);
}

static int walk(struct env *e, uint32_t va, enum mmu_access access, bool user,
                struct mmu_translation *t)
{
    memset(t, 0, sizeof(*t));
    return mmu_walk_v7(&e->cpu, &e->as, va, access, user, t, NULL);
}

static void expect_pa(struct env *e, uint32_t va, enum mmu_access access, bool user,
                      uint64_t pa)
{
    struct mmu_translation t;
    ck_assert_msg(walk(e, va, access, user, &t) == 0, "VA 0x%08x: fault FSR 0x%03x", va,
                  e->cpu.fault.fsr);
    ck_assert_uint_eq(t.pa, pa);
}

static void expect_fault(struct env *e, uint32_t va, enum mmu_access access, bool user,
                         uint32_t fsr)
{
    struct mmu_translation t;
    e->cpu.fault.fsr = 0xdeadu;
    ck_assert_msg(walk(e, va, access, user, &t) < 0, "VA 0x%08x: no fault", va);
    ck_assert_msg(e->cpu.fault.fsr == fsr, "VA 0x%08x: FSR 0x%03x, expected 0x%03x", va,
                  e->cpu.fault.fsr, fsr);
    ck_assert_uint_eq(e->cpu.fault.far, va);
    ck_assert_int_eq(e->cpu.fault.write, access == MMU_WRITE);
}

/* Short-descriptor DFSR/IFSR bits. */
#define WNR (1u << 11)
#define DOM(d) ((uint32_t)(d) << 4)

START_TEST(test_section)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    map_l1(e, TTB, 0xc0000000u, section(0x00300000u, 3, 0, 0));
    struct mmu_translation t;
    ck_assert_int_eq(walk(e, 0xc0012345u, MMU_WRITE, true, &t), 0);
    ck_assert_uint_eq(t.pa, 0x00312345u);
    ck_assert_uint_eq(t.page_size, 1u << 20);
    ck_assert(t.can_read_priv && t.can_write_priv && t.can_read_user && t.can_write_user);
    ck_assert(t.can_exec_priv && t.can_exec_user && t.can_exec);
    ck_assert(t.global);
    ck_assert(!t.supersection);
    /* Unmapped neighbour: section translation fault, domain 0 (UNKNOWN). */
    expect_fault(e, 0xc0100000u, MMU_READ, false, 0x005);
    expect_fault(e, 0xc0100004u, MMU_WRITE, false, 0x005 | WNR);
    /* Instruction fetch: IFSR format, no domain, no WnR. */
    expect_fault(e, 0xc0100008u, MMU_EXEC, false, 0x005);
    env_free(e);
}
END_TEST

START_TEST(test_supersection)
{
    struct env *e = env_new(&cpu_model_cortex_a15);
    /* 16 MiB at VA 0x20000000 -> PA 0: the descriptor is repeated 16 times. */
    for (unsigned i = 0; i < 16; i++)
        map_l1(e, TTB, 0x20000000u + (i << 20), section(0, 3, 0, S_SUPER | S_NG));
    struct mmu_translation t;
    ck_assert_int_eq(walk(e, 0x20abcdefu, MMU_READ, false, &t), 0);
    ck_assert_uint_eq(t.pa, 0x00abcdefu);
    ck_assert_uint_eq(t.page_size, 1u << 24);
    ck_assert(t.supersection);
    ck_assert(!t.global);

    /* Bits [8:5] are PA[39:36], not a domain: with D1 = no access, a
     * supersection with [8:5] = 1 is still checked against domain 0, and
     * its PA is beyond 4 GiB: synchronous external abort, domain 0. */
    e->cpu.cp15.dacr = 0x55555551u;
    map_l1(e, TTB, 0x30000000u, section(0x01000000u, 3, 1, S_SUPER));
    expect_fault(e, 0x30000010u, MMU_READ, false, 0x008);
    /* PA[35:32] in [23:20] likewise. */
    map_l1(e, TTB, 0x31000000u, (0x01000000u | 0x00300000u) | 3u << 10 | 2u | S_SUPER);
    expect_fault(e, 0x31000010u, MMU_WRITE, false, 0x008 | WNR);
    /* Domain 0 itself no access: domain fault, reported as domain 0. */
    e->cpu.cp15.dacr = 0x55555554u;
    expect_fault(e, 0x20000000u, MMU_READ, false, 0x009);
    env_free(e);
}
END_TEST

/* TTBR0/TTBR1 selection (B3.5.4) for TTBCR.N = 0..7. */
START_TEST(test_ttbr_split)
{
    static const unsigned ns[] = { 0, 1, 2, 3, 7 };
    for (unsigned k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
        unsigned n = ns[k];
        struct env *e = env_new(&cpu_model_cortex_a9);
        uint32_t boundary = n ? 1u << (32 - n) : 0;
        /* TTBR0 with its attribute bits set (IRGN, S, RGN, NOS): they are
         * not part of the table address. */
        e->cpu.cp15.ttbr0 = TTB | 0x5b;
        e->cpu.cp15.ttbr1 = TTB1 | 0x02;
        e->cpu.cp15.ttbcr = n;
        /* TTBR0: the table covers VA[31-N:20], base aligned to 16 KiB >> N. */
        uint32_t va0 = n ? boundary - (1u << 20) : 0xfff00000u;
        uint32_t idx0 = n ? ((va0 << n) >> (n + 20)) : va0 >> 20;
        put(e, TTB + idx0 * 4, section(0x00500000u, 3, 0, 0));
        expect_pa(e, va0 + 0x123, MMU_READ, false, 0x00500123u);
        if (n) {
            /* At and above the boundary: TTBR1, indexed by VA[31:20]. */
            map_l1(e, TTB1, boundary, section(0x00600000u, 3, 0, 0));
            expect_pa(e, boundary + 0x456, MMU_READ, false, 0x00600456u);
            map_l1(e, TTB1, 0xfff00000u, section(0x00700000u, 3, 0, 0));
            expect_pa(e, 0xfff00789u, MMU_READ, false, 0x00700789u);
            /* PD1: TTBR1 walks disabled -> section translation fault. */
            e->cpu.cp15.ttbcr = n | TTBCR_PD1;
            expect_fault(e, boundary + 0x456, MMU_READ, false, 0x005);
            expect_pa(e, va0 + 0x123, MMU_READ, false, 0x00500123u);
        }
        /* PD0: TTBR0 walks disabled. */
        e->cpu.cp15.ttbcr = n | TTBCR_PD0;
        expect_fault(e, va0 + 0x123, MMU_WRITE, false, 0x005 | WNR);
        env_free(e);
    }
}
END_TEST

START_TEST(test_pages)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    map_l1(e, TTB, 0x40000000u, page_table(L2T, 3, 0));
    map_l2(e, L2T, 0x40001000u, small_page(0x00801000u, 3, 0));
    for (unsigned i = 0; i < 16; i++)      /* large pages repeat 16 times */
        map_l2(e, L2T, 0x40010000u + i * 0x1000, large_page(0x00900000u, 3, 0));
    struct mmu_translation t;
    ck_assert_int_eq(walk(e, 0x40001abcu, MMU_READ, true, &t), 0);
    ck_assert_uint_eq(t.pa, 0x00801abcu);
    ck_assert_uint_eq(t.page_size, 1u << 12);
    ck_assert_int_eq(walk(e, 0x4001fedcu, MMU_WRITE, true, &t), 0);
    ck_assert_uint_eq(t.pa, 0x0090fedcu);
    ck_assert_uint_eq(t.page_size, 1u << 16);
    /* Second-level fault descriptor: page translation fault, domain valid. */
    expect_fault(e, 0x40002000u, MMU_READ, false, 0x007 | DOM(3));
    expect_fault(e, 0x40002000u, MMU_WRITE, true, 0x007 | DOM(3) | WNR);
    expect_fault(e, 0x40002000u, MMU_EXEC, false, 0x007);
    env_free(e);
}
END_TEST

START_TEST(test_walk_external_aborts)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    /* Second-level table outside RAM: external abort on the L2 fetch. */
    map_l1(e, TTB, 0x40000000u, page_table(UNMAPPED_PA, 2, 0));
    expect_fault(e, 0x40000000u, MMU_WRITE, false, 0x00e | DOM(2) | WNR);
    /* ... or in a device. */
    map_l1(e, TTB, 0x40100000u, page_table(MMIO_BASE, 2, 0));
    expect_fault(e, 0x40100000u, MMU_READ, false, 0x00e | DOM(2));
    /* First-level table outside RAM. */
    e->cpu.cp15.ttbr0 = UNMAPPED_PA;
    expect_fault(e, 0x00000000u, MMU_READ, false, 0x00c);
    expect_fault(e, 0x00000000u, MMU_EXEC, false, 0x00c);
    env_free(e);
}
END_TEST

/* AP[2:0] (B3.7.1) with SCTLR.AFE = 0: privileged and user, read and write. */
START_TEST(test_access_permissions)
{
    static const struct {
        unsigned ap;
        bool pr, pw, ur, uw;
    } cases[] = {
        { 0, false, false, false, false },
        { 1, true, true, false, false },
        { 2, true, true, true, false },
        { 3, true, true, true, true },
        { 4, false, false, false, false },   /* reserved */
        { 5, true, false, false, false },
        { 6, true, false, true, false },
        { 7, true, false, true, false },
    };
    struct env *e = env_new(&cpu_model_cortex_a9);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t va = 0x50000000u + (i << 20);
        map_l1(e, TTB, va, section(0x00100000u, cases[i].ap, 7, 0));
        /* Same AP through a small page, in domain 6. */
        uint32_t pva = 0x60000000u + (i << 20);
        uint32_t l2 = L2T + i * 0x400;
        map_l1(e, TTB, pva, page_table(l2, 6, 0));
        map_l2(e, l2, pva, small_page(0x00200000u, cases[i].ap, 0));
        const bool ok[4] = { cases[i].pr, cases[i].pw, cases[i].ur, cases[i].uw };
        for (unsigned k = 0; k < 4; k++) {
            bool user = k >= 2, write = k & 1;
            enum mmu_access acc = write ? MMU_WRITE : MMU_READ;
            if (ok[k]) {
                expect_pa(e, va + 4, acc, user, 0x00100004u);
                expect_pa(e, pva + 8, acc, user, 0x00200008u);
            } else {
                expect_fault(e, va + 4, acc, user, 0x00d | DOM(7) | (write ? WNR : 0));
                expect_fault(e, pva + 8, acc, user, 0x00f | DOM(6) | (write ? WNR : 0));
            }
        }
        /* A fetch needs read permission. */
        if (cases[i].ur)
            expect_pa(e, va, MMU_EXEC, true, 0x00100000u);
        else
            expect_fault(e, va, MMU_EXEC, true, 0x00d);
    }
    env_free(e);
}
END_TEST

/* SCTLR.AFE = 1: AP[0] is the access flag, AP[2:1] the simplified model. */
START_TEST(test_access_flag)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    e->cpu.cp15.sctlr |= SCTLR_AFE;
    /* Simplified model: AP[2:1] 00 PL1 RW, 01 RW, 10 PL1 RO, 11 RO. */
    static const struct {
        unsigned ap21;
        bool pw, ur, uw;
    } cases[] = {
        { 0, true, false, false }, { 1, true, true, true },
        { 2, false, false, false }, { 3, false, true, false },
    };
    for (unsigned i = 0; i < 4; i++) {
        uint32_t va = 0x50000000u + (i << 20);
        map_l1(e, TTB, va, section(0x00100000u, cases[i].ap21 << 1 | 1, 2, 0));
        expect_pa(e, va, MMU_READ, false, 0x00100000u);
        if (cases[i].pw)
            expect_pa(e, va, MMU_WRITE, false, 0x00100000u);
        else
            expect_fault(e, va, MMU_WRITE, false, 0x00d | DOM(2) | WNR);
        if (cases[i].ur)
            expect_pa(e, va, MMU_READ, true, 0x00100000u);
        else
            expect_fault(e, va, MMU_READ, true, 0x00d | DOM(2));
        if (cases[i].uw)
            expect_pa(e, va, MMU_WRITE, true, 0x00100000u);
        else
            expect_fault(e, va, MMU_WRITE, true, 0x00d | DOM(2) | WNR);
    }
    /* Access flag clear: section 0x03, page 0x06, with domain and WnR. */
    map_l1(e, TTB, 0x58000000u, section(0x00100000u, 2, 4, 0));    /* AP[0] = 0 */
    expect_fault(e, 0x58000010u, MMU_READ, false, 0x003 | DOM(4));
    expect_fault(e, 0x58000010u, MMU_WRITE, true, 0x003 | DOM(4) | WNR);
    expect_fault(e, 0x58000010u, MMU_EXEC, false, 0x003);
    map_l1(e, TTB, 0x59000000u, page_table(L2T, 5, 0));
    map_l2(e, L2T, 0x59003000u, small_page(0x00300000u, 6, 0));     /* AP[0] = 0 */
    expect_fault(e, 0x59003004u, MMU_WRITE, false, 0x006 | DOM(5) | WNR);
    expect_fault(e, 0x59003004u, MMU_EXEC, true, 0x006);
    /* The flag is checked before the domain (TranslationTableWalkSD). */
    e->cpu.cp15.dacr = 0;
    expect_fault(e, 0x58000010u, MMU_READ, false, 0x003 | DOM(4));
    /* ... and also in a manager domain. */
    e->cpu.cp15.dacr = 3u << 8;
    expect_fault(e, 0x58000010u, MMU_READ, false, 0x003 | DOM(4));
    /* Without AFE the same descriptor is AP = 010: no fault for reads. */
    e->cpu.cp15.sctlr &= ~SCTLR_AFE;
    e->cpu.cp15.dacr = 0x55555555u;
    expect_pa(e, 0x58000010u, MMU_READ, true, 0x00100010u);
    env_free(e);
}
END_TEST

START_TEST(test_domains)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    map_l1(e, TTB, 0x50000000u, section(0x00100000u, 0, 9, S_XN));   /* AP 000, XN */
    map_l1(e, TTB, 0x51000000u, page_table(L2T, 10, 0));
    map_l2(e, L2T, 0x51000000u, small_page(0x00200000u, 0, P_XN));
    /* No access (00) and reserved (10): domain faults. */
    e->cpu.cp15.dacr = 0;
    expect_fault(e, 0x50000000u, MMU_READ, false, 0x009 | DOM(9));
    expect_fault(e, 0x51000000u, MMU_WRITE, true, 0x00b | DOM(10) | WNR);
    expect_fault(e, 0x51000000u, MMU_EXEC, false, 0x00b);
    e->cpu.cp15.dacr = 2u << 18 | 2u << 20;
    expect_fault(e, 0x50000000u, MMU_READ, false, 0x009 | DOM(9));
    expect_fault(e, 0x51000000u, MMU_READ, false, 0x00b | DOM(10));
    /* Client: AP 000 means no access: permission faults. */
    e->cpu.cp15.dacr = 1u << 18 | 1u << 20;
    expect_fault(e, 0x50000000u, MMU_READ, false, 0x00d | DOM(9));
    expect_fault(e, 0x51000000u, MMU_READ, false, 0x00f | DOM(10));
    /* Manager: neither AP nor XN is checked. */
    e->cpu.cp15.dacr = 3u << 18 | 3u << 20;
    expect_pa(e, 0x50000000u, MMU_WRITE, true, 0x00100000u);
    expect_pa(e, 0x50000000u, MMU_EXEC, true, 0x00100000u);
    expect_pa(e, 0x51000000u, MMU_EXEC, false, 0x00200000u);
    env_free(e);
}
END_TEST

START_TEST(test_execute_never)
{
    struct env *e = env_new(&cpu_model_cortex_a15);
    struct mmu_translation t;
    map_l1(e, TTB, 0x50000000u, section(0x00100000u, 3, 1, S_XN));
    ck_assert_int_eq(walk(e, 0x50000000u, MMU_READ, true, &t), 0);
    ck_assert(!t.can_exec_priv && !t.can_exec_user);
    expect_fault(e, 0x50000000u, MMU_EXEC, false, 0x00d);
    expect_fault(e, 0x50000000u, MMU_EXEC, true, 0x00d);
    /* XN small and large pages: page permission faults. */
    map_l1(e, TTB, 0x51000000u, page_table(L2T, 1, 0));
    map_l2(e, L2T, 0x51000000u, small_page(0x00200000u, 3, P_XN));
    for (unsigned i = 0; i < 16; i++)
        map_l2(e, L2T, 0x51010000u + i * 0x1000, large_page(0x00300000u, 3, LP_XN));
    expect_fault(e, 0x51000000u, MMU_EXEC, false, 0x00f);
    expect_fault(e, 0x51018000u, MMU_EXEC, true, 0x00f);
    expect_pa(e, 0x51018000u, MMU_READ, true, 0x00308000u);
    /* PXN section (bits[1:0] = 11): user may execute, PL1 may not. */
    map_l1(e, TTB, 0x52000000u, section(0x00400000u, 3, 1, S_PXN));
    ck_assert_int_eq(walk(e, 0x52000000u, MMU_READ, false, &t), 0);
    ck_assert(!t.can_exec_priv && t.can_exec_user);
    expect_pa(e, 0x52000000u, MMU_EXEC, true, 0x00400000u);
    expect_fault(e, 0x52000000u, MMU_EXEC, false, 0x00d);
    /* PXN in a page-table descriptor covers all its pages for PL1. */
    map_l1(e, TTB, 0x53000000u, page_table(L2T + 0x400, 1, PT_PXN));
    map_l2(e, L2T + 0x400, 0x53000000u, small_page(0x00500000u, 3, 0));
    expect_pa(e, 0x53000000u, MMU_EXEC, true, 0x00500000u);
    expect_fault(e, 0x53000000u, MMU_EXEC, false, 0x00f);
    /* SCTLR.WXN: writable means XN; UWXN: PL0-writable means PL1 XN. */
    map_l1(e, TTB, 0x54000000u, section(0x00600000u, 3, 1, 0));
    map_l1(e, TTB, 0x55000000u, section(0x00600000u, 7, 1, 0));
    e->cpu.cp15.sctlr |= SCTLR_UWXN;
    expect_fault(e, 0x54000000u, MMU_EXEC, false, 0x00d);
    expect_pa(e, 0x54000000u, MMU_EXEC, true, 0x00600000u);
    e->cpu.cp15.sctlr = (e->cpu.cp15.sctlr & ~SCTLR_UWXN) | SCTLR_WXN;
    expect_fault(e, 0x54000000u, MMU_EXEC, true, 0x00d);
    expect_pa(e, 0x55000000u, MMU_EXEC, false, 0x00600000u);   /* read-only */
    env_free(e);
}
END_TEST

/* The Cortex-A9 has no PXN: 0b11 is a reserved first-level encoding and
 * the page-table PXN bit is ignored. */
START_TEST(test_no_pxn_on_a9)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    map_l1(e, TTB, 0x52000000u, section(0x00400000u, 3, 1, S_PXN));
    expect_fault(e, 0x52000000u, MMU_READ, false, 0x005);
    map_l1(e, TTB, 0x53000000u, page_table(L2T, 1, PT_PXN));
    map_l2(e, L2T, 0x53000000u, small_page(0x00500000u, 3, 0));
    expect_pa(e, 0x53000000u, MMU_EXEC, false, 0x00500000u);
    env_free(e);
}
END_TEST

START_TEST(test_ng_and_mmu_off)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    struct mmu_translation t;
    map_l1(e, TTB, 0x50000000u, page_table(L2T, 0, 0));
    map_l2(e, L2T, 0x50000000u, small_page(0x00100000u, 3, P_NG));
    map_l2(e, L2T, 0x50001000u, small_page(0x00101000u, 3, 0));
    ck_assert_int_eq(walk(e, 0x50000000u, MMU_READ, false, &t), 0);
    ck_assert(!t.global);
    ck_assert_int_eq(walk(e, 0x50001000u, MMU_READ, false, &t), 0);
    ck_assert(t.global);
    /* MMU off: flat, data Strongly-ordered, fetches Normal. */
    e->cpu.cp15.sctlr &= ~SCTLR_M;
    ck_assert_int_eq(walk(e, 0x87654321u, MMU_WRITE, true, &t), 0);
    ck_assert_uint_eq(t.pa, 0x87654321u);
    ck_assert_int_eq(t.mem_type, MMU_MEM_STRONGLY_ORDERED);
    ck_assert(t.can_exec_user && t.can_exec_priv);
    ck_assert_int_eq(walk(e, 0x1000u, MMU_EXEC, false, &t), 0);
    ck_assert_int_eq(t.mem_type, MMU_MEM_NORMAL);
    env_free(e);
}
END_TEST

/* Runs an explained walk; returns the text (caller frees). */
static char *explain(struct env *e, uint32_t va, enum mmu_access access, bool user, int *rc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    struct mmu_translation t;
    *rc = mmu_walk_v7(&e->cpu, &e->as, va, access, user, &t, out);
    fclose(out);
    return text;
}

static void expect_text(const char *text, const char *needle)
{
    ck_assert_msg(strstr(text, needle) != NULL, "missing \"%s\" in:\n%s", needle, text);
}

START_TEST(test_explain_attributes)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    int rc;
    /* TRE = 0: TEX 001 C 1 B 1 = Normal write-back write-allocate. */
    map_l1(e, TTB, 0x50000000u, section(0x00100000u, 3, 2, S_TEX(1) | S_C | S_B | S_S));
    char *text = explain(e, 0x50000004u, MMU_READ, false, &rc);
    ck_assert_int_eq(rc, 0);
    expect_text(text, "first-level descriptor at PA 0x00005400");
    expect_text(text, "1 MiB section, base 0x00100000, domain 2");
    expect_text(text, "TEX 001 C 1 B 1 S 1 -> Normal, inner write-back write-allocate, "
                      "outer write-back write-allocate, outer shareable");
    expect_text(text, "domain 2: DACR 0x55555555, D2 = 1 -> client");
    expect_text(text, "=> read allowed: PA 0x00100004");
    free(text);
    /* TEX 000 C 0 B 1: shareable Device. TEX 1 01 / C:B 10: outer WBWA,
     * inner write-through. */
    map_l1(e, TTB, 0x51000000u, section(0x00200000u, 3, 0, S_B));
    text = explain(e, 0x51000000u, MMU_READ, false, &rc);
    expect_text(text, "-> Device, outer shareable");
    free(text);
    map_l1(e, TTB, 0x52000000u, section(0x00200000u, 3, 0, S_TEX(5) | S_C));
    text = explain(e, 0x52000000u, MMU_READ, false, &rc);
    expect_text(text, "-> Normal, inner write-through, outer write-back write-allocate, "
                      "non-shareable");
    free(text);

    /* TRE = 1 with Linux's ARMv7 values (arch/arm/mm/proc-v7-2level.S):
     * PRRR 0xff0a81a8, NMRR 0x40e040e0. Index 7 (TEX[0] C B = 111) is
     * Normal WBWA inner and outer; index 1 (B only) is Normal uncached;
     * index 4 (TEX[0] only) is Device. */
    e->cpu.cp15.sctlr |= SCTLR_TRE;
    e->cpu.cp15.prrr = 0xff0a81a8u;
    e->cpu.cp15.nmrr = 0x40e040e0u;
    map_l1(e, TTB, 0x53000000u, section(0x00300000u, 3, 0, S_TEX(1) | S_C | S_B | S_S));
    text = explain(e, 0x53000000u, MMU_READ, false, &rc);
    expect_text(text, "TEX remap (SCTLR.TRE): TEX[0]:C:B = 7, PRRR 0xff0a81a8, "
                      "NMRR 0x40e040e0 -> Normal, inner write-back write-allocate, outer "
                      "write-back write-allocate, inner shareable");
    free(text);
    map_l1(e, TTB, 0x54000000u, section(0x00300000u, 3, 0, S_TEX(1)));
    text = explain(e, 0x54000000u, MMU_READ, false, &rc);
    expect_text(text, "TEX[0]:C:B = 4, PRRR 0xff0a81a8, NMRR 0x40e040e0 -> Device, "
                      "non-shareable");
    free(text);
    map_l1(e, TTB, 0x55000000u, section(0x00300000u, 3, 0, S_B));
    text = explain(e, 0x55000000u, MMU_READ, false, &rc);
    expect_text(text, "TEX[0]:C:B = 1, PRRR 0xff0a81a8, NMRR 0x40e040e0 -> Normal, inner "
                      "non-cacheable, outer non-cacheable, non-shareable");
    free(text);
    env_free(e);
}
END_TEST

START_TEST(test_explain_faults)
{
    struct env *e = env_new(&cpu_model_cortex_a15);
    int rc;
    map_l1(e, TTB, 0x50000000u, page_table(L2T, 3, 0));
    map_l2(e, L2T, 0x50002000u, small_page(0x00100000u, 5, P_NG));   /* PL1 read-only */
    e->cpu.cp15.contextidr = 0x142;
    char *text = explain(e, 0x50002010u, MMU_WRITE, false, &rc);
    ck_assert_int_eq(rc, -1);
    expect_text(text, "walk VA 0x50002010, privileged write (ARMv7 short-descriptor)");
    expect_text(text, "first level: page table at PA 0x00020000, domain 3");
    expect_text(text, "second-level descriptor at PA 0x00020008 = 0x00100a12");
    expect_text(text, "4 KiB small page, base 0x00100000");
    expect_text(text, "AP[2:0] 101: privileged read-only, user no access");
    expect_text(text, "FAULT: page permission fault; DFSR 0x83f (FS 0x0f, WnR), "
                      "DFAR 0x50002010");
    free(text);
    text = explain(e, 0x50002010u, MMU_READ, false, &rc);
    ck_assert_int_eq(rc, 0);
    expect_text(text, "non-global (nG = 1): for ASID 66 (CONTEXTIDR 0x00000142) only");
    free(text);
    /* Fetch from an XN section: IFSR, execute-never named. */
    map_l1(e, TTB, 0x51000000u, section(0x00100000u, 3, 0, S_XN));
    text = explain(e, 0x51000000u, MMU_EXEC, true, &rc);
    expect_text(text, "execute-never: XN");
    expect_text(text, "FAULT: section permission fault (execute-never); IFSR 0x00d "
                      "(FS 0x0d), IFAR 0x51000000");
    free(text);
    /* TTBR1 and PD1. */
    e->cpu.cp15.ttbcr = 2 | TTBCR_PD1;
    text = explain(e, 0xc0000000u, MMU_READ, false, &rc);
    expect_text(text, "TTBCR 0x00000022 (N = 2): VA[31:30] != 0 -> TTBR1");
    expect_text(text, "TTBCR.PD1 = 1");
    free(text);
    env_free(e);
}
END_TEST

/* ---- through the slow path (mmu/mmu.c) ---- */

/* The TLB caches exec permission per privilege: a PL1 fill of a PXN page
 * must not let PL1 execute it, and a PL0 fetch from it works. */
START_TEST(test_tlb_exec_per_privilege)
{
    struct env *e = env_new(&cpu_model_cortex_a15);
    map_l1(e, TTB, 0x00000000u, section(0x00000000u, 3, 0, 0));
    map_l1(e, TTB, 0x00500000u, section(0x00500000u, 3, 0, S_PXN));
    put(e, 0x00500000u, 0xe1a00000u);      /* nop */
    uint32_t v;
    ck_assert_int_eq(cpu_load32(&e->cpu, 0x00500000u, &v), 0);
    ck_assert_ptr_null(e->cpu.mem->fetch_block(&e->cpu, 0x00500000u, false));
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x00d);
    ck_assert_uint_eq(e->cpu.fault.far, 0x00500000u);
    cpu_switch_mode(&e->cpu, MODE_USR);
    ck_assert_ptr_nonnull(e->cpu.mem->fetch_block(&e->cpu, 0x00500000u, false));
    env_free(e);
}
END_TEST

START_TEST(test_slow_path_faults)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    map_l1(e, TTB, 0x00000000u, section(0x00000000u, 3, 0, 0));
    map_l1(e, TTB, 0x20000000u, section(MMIO_BASE, 3, 0, 0));
    map_l1(e, TTB, 0x30000000u, section(0x00100000u, 5, 1, 0));   /* PL1 read-only */
    /* A store to a read-only page: DFSR with WnR and domain. */
    ck_assert_int_lt(cpu_store32(&e->cpu, 0x30000008u, 1), 0);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x00d | DOM(1) | WNR);
    ck_assert_uint_eq(e->cpu.fault.far, 0x30000008u);
    /* Instruction fetch from a device: synchronous external abort 0x08. */
    ck_assert_ptr_null(e->cpu.mem->fetch_block(&e->cpu, 0x20000000u, false));
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x008);
    /* SCTLR.A: alignment fault 0x001, with WnR on ARMv7. */
    e->cpu.cp15.sctlr |= SCTLR_A;
    uint32_t v;
    ck_assert_int_lt(cpu_load32(&e->cpu, 0x1002u, &v), 0);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x001);
    ck_assert_int_lt(cpu_store32(&e->cpu, 0x1002u, 0), 0);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x001 | WNR);
    ck_assert_uint_eq(e->cpu.fault.far, 0x1002u);
    /* A = 0: ARMv7 always does the unaligned access (SCTLR.U reads 1). */
    e->cpu.cp15.sctlr &= ~SCTLR_A;
    put(e, 0x1000u, 0x44332211u);
    put(e, 0x1004u, 0x88776655u);
    ck_assert_int_eq(cpu_load32(&e->cpu, 0x1002u, &v), 0);
    ck_assert_uint_eq(v, 0x66554433u);
    env_free(e);
}
END_TEST

START_TEST(test_alignment_helper)
{
    struct env *e = env_new(&cpu_model_cortex_a9);
    ck_assert_int_eq(mmu_alignment_fault(&e->cpu, 0x1236u, true), -1);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x801u);
    ck_assert_uint_eq(e->cpu.fault.far, 0x1236u);
    ck_assert(e->cpu.fault.write);
    ck_assert_int_eq(mmu_alignment_fault(&e->cpu, 0x1235u, false), -1);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x001u);
    env_free(e);
    /* ARMv5 FSR has no WnR. */
    e = env_new(&cpu_model_arm926);
    ck_assert_int_eq(mmu_alignment_fault(&e->cpu, 0x1236u, true), -1);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x001u);
    env_free(e);
}
END_TEST

/* The dispatch: an ARMv7 core with TTBCR.EAE (long descriptors, not
 * implemented) gets a translation fault instead of a short-format walk. */
START_TEST(test_dispatch)
{
    struct env *e = env_new(&cpu_model_cortex_a15);
    map_l1(e, TTB, 0x00000000u, section(0x00000000u, 3, 0, 0));
    struct mmu_translation t;
    ck_assert_int_eq(mmu_translate(&e->cpu, 0x1000u, MMU_READ, false, &t, NULL), 0);
    ck_assert_uint_eq(t.pa, 0x1000u);
    e->cpu.cp15.ttbcr = TTBCR_EAE;
    ck_assert_int_lt(mmu_translate(&e->cpu, 0x1000u, MMU_READ, false, &t, NULL), 0);
    ck_assert_uint_eq(e->cpu.fault.fsr, 0x005);
    env_free(e);
}
END_TEST

Suite *walk_v7_suite(void)
{
    Suite *s = suite_create("walk_v7");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_section);
    tcase_add_test(tc, test_supersection);
    tcase_add_test(tc, test_ttbr_split);
    tcase_add_test(tc, test_pages);
    tcase_add_test(tc, test_walk_external_aborts);
    tcase_add_test(tc, test_access_permissions);
    tcase_add_test(tc, test_access_flag);
    tcase_add_test(tc, test_domains);
    tcase_add_test(tc, test_execute_never);
    tcase_add_test(tc, test_no_pxn_on_a9);
    tcase_add_test(tc, test_ng_and_mmu_off);
    tcase_add_test(tc, test_explain_attributes);
    tcase_add_test(tc, test_explain_faults);
    tcase_add_test(tc, test_tlb_exec_per_privilege);
    tcase_add_test(tc, test_slow_path_faults);
    tcase_add_test(tc, test_alignment_helper);
    tcase_add_test(tc, test_dispatch);
    suite_add_tcase(s, tc);
    return s;
}
