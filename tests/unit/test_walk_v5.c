/*
 * The ARMv5 MMU of the ARM926EJ-S (ARM ARM DDI 0100I chapter B3) and the
 * memory slow path above it (mmu/mmu.c).
 *
 * walk_v5_suite builds page tables by hand in the RAM of an address space
 * and calls mmu_walk_v5 directly: every descriptor kind (sections; coarse
 * tables with large and small pages; fine tables with large, small and
 * tiny pages), every DACR setting, the whole AP x S x R table for user and
 * privileged reads and writes, subpages, and every fault with its exact FSR
 * (status and domain) and FAR. A wrong bit here is a guest that boots on
 * hardware and panics on us (or worse, a user process that can write
 * kernel memory), so each case checks the exact value.
 *
 * mmu_suite drives the slow path through cpu->mem: TLB fills per
 * privilege, alignment per SCTLR.A/U, MMIO, code-page tracking for
 * self-modifying code, and debugger accesses without side effects.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/mem.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM_SIZE (16u << 20)
#define TTB 0x00004000u        /* first-level table, 16 KiB aligned */
#define COARSE 0x00008000u     /* coarse tables: 1 KiB each */
#define FINE 0x0000c000u       /* fine tables: 4 KiB each */
#define UNMAPPED_PA 0x80000000u
#define MMIO_BASE 0x10000000u

struct env {
    struct aspace as;
    struct arm_cpu cpu;
    struct mmu_context mmu;
    unsigned device_reads, device_writes;
};

static uint32_t dev_read(void *opaque, uint32_t offset, unsigned size)
{
    struct env *e = opaque;
    (void)size;
    e->device_reads++;
    return 0xd0000000u | offset;
}

static void dev_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct env *e = opaque;
    (void)offset, (void)value, (void)size;
    e->device_writes++;
}

static const struct mmio_ops dev_ops = { .read = dev_read, .write = dev_write };

/* RAM at 0, a device at MMIO_BASE, MMU on with TTB, all domains client. */
static struct env *env_new(void)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(aspace_init(&e->as, NULL), 0);
    ck_assert_int_eq(aspace_add_ram(&e->as, 0, RAM_SIZE, "ram"), 0);
    ck_assert_int_eq(aspace_add_mmio(&e->as, MMIO_BASE, 0x1000, &dev_ops, e, "dev"), 0);
    cpu_init(&e->cpu, &cpu_model_arm926, 0);
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

static void wr32(struct env *e, uint32_t pa, uint32_t value)
{
    ck_assert_int_eq(aspace_write_bytes(&e->as, pa, &value, 4), 0);
}

static uint32_t rd32(struct env *e, uint32_t pa)
{
    uint32_t value;
    ck_assert_int_eq(aspace_read_bytes(&e->as, pa, &value, 4), 0);
    return value;
}

/* ---- descriptor builders (DDI 0100I B3.3) ---- */

static void map_section(struct env *e, uint32_t va, uint32_t pa, unsigned ap, unsigned domain)
{
    wr32(e, TTB + (va >> 20) * 4, (pa & 0xfff00000u) | ap << 10 | domain << 5 | 0x10 | 2);
}

static void map_l1_table(struct env *e, uint32_t va, uint32_t table, unsigned domain,
                         bool fine)
{
    wr32(e, TTB + (va >> 20) * 4, table | domain << 5 | 0x10 | (fine ? 3 : 1));
}

static uint32_t aps(unsigned ap3, unsigned ap2, unsigned ap1, unsigned ap0)
{
    return ap3 << 10 | ap2 << 8 | ap1 << 6 | ap0 << 4;
}

/* Second-level entry for va: coarse tables index by 4 KiB, fine by 1 KiB.
 * A page larger than the table's granule is repeated, as B3.3.7 requires. */
static void map_l2(struct env *e, uint32_t table, bool fine, uint32_t va, uint32_t desc,
                   uint32_t page_size)
{
    unsigned granule = fine ? 1024 : 4096;
    unsigned entries = page_size > granule ? page_size / granule : 1;
    uint32_t first = (va & ~(page_size - 1) & 0xfffffu) / granule;
    for (unsigned i = 0; i < entries; i++)
        wr32(e, table + (first + i) * 4, desc);
}

static uint32_t small_desc(uint32_t pa, uint32_t ap_bits)
{
    return (pa & 0xfffff000u) | ap_bits | 2;
}

static uint32_t large_desc(uint32_t pa, uint32_t ap_bits)
{
    return (pa & 0xffff0000u) | ap_bits | 1;
}

static uint32_t tiny_desc(uint32_t pa, unsigned ap)
{
    return (pa & 0xfffffc00u) | ap << 4 | 3;
}

static int walk(struct env *e, uint32_t va, enum mmu_access access, bool user,
                struct mmu_translation *t)
{
    memset(t, 0, sizeof(*t));
    return mmu_walk_v5(&e->cpu, &e->as, va, access, user, t, NULL);
}

static void expect_pa(struct env *e, uint32_t va, enum mmu_access access, bool user,
                      uint32_t pa, uint32_t page_size)
{
    struct mmu_translation t;
    ck_assert_msg(walk(e, va, access, user, &t) == 0, "VA 0x%08x faulted: FSR 0x%03x", va,
                  e->cpu.fault.fsr);
    ck_assert_msg(t.pa == pa, "VA 0x%08x: PA 0x%08llx, expected 0x%08x", va,
                  (unsigned long long)t.pa, pa);
    ck_assert_uint_eq(t.page_size, page_size);
}

static void expect_fault(struct env *e, uint32_t va, enum mmu_access access, bool user,
                         uint32_t fsr, uint32_t far)
{
    struct mmu_translation t;
    e->cpu.fault = (struct mem_fault){ 0, 0, false };
    ck_assert_msg(walk(e, va, access, user, &t) == -1, "VA 0x%08x did not fault", va);
    ck_assert_msg(e->cpu.fault.fsr == fsr, "VA 0x%08x: FSR 0x%03x, expected 0x%03x", va,
                  e->cpu.fault.fsr, fsr);
    ck_assert_uint_eq(e->cpu.fault.far, far);
    ck_assert(e->cpu.fault.write == (access == MMU_WRITE));
}

/* ---- walk_v5_suite ---- */

START_TEST(test_mmu_disabled_is_flat)
{
    struct env *e = env_new();
    struct mmu_translation t;
    e->cpu.cp15.sctlr &= ~SCTLR_M;
    ck_assert_int_eq(walk(e, 0x12345678u, MMU_WRITE, true, &t), 0);
    ck_assert_uint_eq(t.pa, 0x12345678u);
    ck_assert(t.can_read_user && t.can_write_user && t.can_read_priv && t.can_write_priv);
    ck_assert(t.can_exec);
    env_free(e);
}
END_TEST

START_TEST(test_section)
{
    struct env *e = env_new();
    struct mmu_translation t;
    map_section(e, 0xc0000000u, 0x00100000u, 1, 3);
    expect_pa(e, 0xc0012345u, MMU_READ, false, 0x00112345u, 1u << 20);
    expect_pa(e, 0xc00ffffcu, MMU_WRITE, false, 0x001ffffcu, 1u << 20);
    ck_assert_int_eq(walk(e, 0xc0000000u, MMU_READ, false, &t), 0);
    ck_assert(t.can_read_priv && t.can_write_priv && !t.can_read_user && !t.can_write_user);
    ck_assert(t.can_exec);
    /* AP = 01 is privileged only: a user read is a section permission
     * fault in domain 3. */
    expect_fault(e, 0xc0012345u, MMU_READ, true, 0x3d, 0xc0012345u);
    env_free(e);
}
END_TEST

START_TEST(test_coarse_small_and_large)
{
    struct env *e = env_new();
    map_l1_table(e, 0x40000000u, COARSE, 2, false);
    map_l2(e, COARSE, false, 0x40003000u, small_desc(0x00abc000u, aps(3, 3, 3, 3)), 4096);
    map_l2(e, COARSE, false, 0x40010000u, large_desc(0x00230000u, aps(3, 3, 3, 3)), 65536);
    expect_pa(e, 0x40003456u, MMU_READ, true, 0x00abc456u, 4096);
    expect_pa(e, 0x4001abcdu, MMU_WRITE, true, 0x0023abcdu, 65536);
    expect_pa(e, 0x4001fffcu, MMU_READ, false, 0x0023fffcu, 65536);
    /* Neighbours are unmapped: page translation fault, domain 2. */
    expect_fault(e, 0x40004000u, MMU_READ, false, 0x27, 0x40004000u);
    env_free(e);
}
END_TEST

START_TEST(test_fine_tiny_small_large)
{
    struct env *e = env_new();
    map_l1_table(e, 0x50000000u, FINE, 4, true);
    map_l2(e, FINE, true, 0x50000400u, tiny_desc(0x00777c00u, 3), 1024);
    map_l2(e, FINE, true, 0x50002000u, small_desc(0x00345000u, aps(2, 2, 2, 2)), 4096);
    map_l2(e, FINE, true, 0x50010000u, large_desc(0x00450000u, aps(1, 1, 1, 1)), 65536);
    expect_pa(e, 0x50000512u, MMU_WRITE, true, 0x00777d12u, 1024);
    expect_pa(e, 0x50002c08u, MMU_READ, true, 0x00345c08u, 4096);
    expect_pa(e, 0x5001fffcu, MMU_WRITE, false, 0x0045fffcu, 65536);
    /* The tiny page covers 1 KiB only. */
    expect_fault(e, 0x50000800u, MMU_READ, false, 0x47, 0x50000800u);
    expect_fault(e, 0x50000000u, MMU_READ, false, 0x47, 0x50000000u);
    /* Small page AP 2: user read-only. */
    expect_fault(e, 0x50002c08u, MMU_WRITE, true, 0x4f, 0x50002c08u);
    env_free(e);
}
END_TEST

START_TEST(test_tiny_in_coarse_table_faults)
{
    struct env *e = env_new();
    map_l1_table(e, 0x40000000u, COARSE, 2, false);
    map_l2(e, COARSE, false, 0x40001000u, tiny_desc(0x00100000u, 3), 4096);
    expect_fault(e, 0x40001000u, MMU_READ, false, 0x27, 0x40001000u);
    env_free(e);
}
END_TEST

/* Every DACR value, for a section (domain 7) and a page (domain 9), with
 * AP = 00 and S = R = 0 so that only a manager domain grants access. */
START_TEST(test_domains)
{
    static const struct {
        unsigned dac;
        int ok;
        uint32_t fsr_section, fsr_page;
    } cases[] = {
        { 0, 0, 0x79, 0x9b },   /* no access: domain fault */
        { 1, 0, 0x7d, 0x9f },   /* client: AP says no: permission fault */
        { 2, 0, 0x79, 0x9b },   /* reserved: treated as no access */
        { 3, 1, 0, 0 },         /* manager: no permission check */
    };
    struct env *e = env_new();
    map_section(e, 0x30000000u, 0x00300000u, 0, 7);
    map_l1_table(e, 0x31000000u, COARSE, 9, false);
    map_l2(e, COARSE, false, 0x31000000u, small_desc(0x00400000u, aps(0, 0, 0, 0)), 4096);
    for (unsigned i = 0; i < 4; i++) {
        /* The other fields hold the opposite setting, to catch a walker
         * reading the wrong field. */
        uint32_t other = cases[i].dac == 3 ? 0 : 0xffffffffu;
        uint32_t dacr = other;
        dacr = (dacr & ~(3u << 14)) | cases[i].dac << 14;
        dacr = (dacr & ~(3u << 18)) | cases[i].dac << 18;
        e->cpu.cp15.dacr = dacr;
        if (cases[i].ok) {
            expect_pa(e, 0x30000004u, MMU_WRITE, true, 0x00300004u, 1u << 20);
            expect_pa(e, 0x31000ffcu, MMU_WRITE, true, 0x00400ffcu, 4096);
        } else {
            expect_fault(e, 0x30000004u, MMU_READ, false, cases[i].fsr_section, 0x30000004u);
            expect_fault(e, 0x31000ffcu, MMU_WRITE, true, cases[i].fsr_page, 0x31000ffcu);
        }
    }
    env_free(e);
}
END_TEST

/*
 * ARM ARM DDI 0100I B3.4.1: privileged and user rights for AP x S x R, in
 * the form "PP/UU" with r, w or -. S = R = 1 is UNPREDICTABLE; we grant
 * nothing.
 */
static const char *const ap_table[4][2][2] = {
    { { "--/--", "r-/r-" }, { "r-/--", "--/--" } },
    { { "rw/--", "rw/--" }, { "rw/--", "rw/--" } },
    { { "rw/r-", "rw/r-" }, { "rw/r-", "rw/r-" } },
    { { "rw/rw", "rw/rw" }, { "rw/rw", "rw/rw" } },
};

START_TEST(test_ap_s_r_table)
{
    struct env *e = env_new();
    map_l1_table(e, 0x41000000u, COARSE, 1, false);
    for (unsigned ap = 0; ap < 4; ap++) {
        map_section(e, 0x60000000u, 0x00600000u, ap, 1);
        map_l2(e, COARSE, false, 0x41000000u, small_desc(0x00700000u, aps(ap, ap, ap, ap)),
               4096);
        for (unsigned s = 0; s < 2; s++) {
            for (unsigned r = 0; r < 2; r++) {
                e->cpu.cp15.sctlr = (e->cpu.cp15.sctlr & ~(SCTLR_S | SCTLR_R)) |
                                    (s ? SCTLR_S : 0) | (r ? SCTLR_R : 0);
                const char *want = ap_table[ap][s][r];
                for (unsigned user = 0; user < 2; user++) {
                    for (int acc = MMU_READ; acc <= MMU_EXEC; acc++) {
                        char right = want[user ? 3 : 0];
                        if (acc == MMU_WRITE)
                            right = want[user ? 4 : 1];
                        bool allowed = right != '-';
                        for (unsigned page = 0; page < 2; page++) {
                            uint32_t va = page ? 0x41000010u : 0x60000010u;
                            uint32_t pa = page ? 0x00700010u : 0x00600010u;
                            uint32_t fsr = page ? 0x1f : 0x1d;
                            struct mmu_translation t;
                            int rc = walk(e, va, acc, user, &t);
                            ck_assert_msg(rc == (allowed ? 0 : -1),
                                          "AP %u S %u R %u %s %d %s: rc %d", ap, s, r,
                                          user ? "user" : "priv", acc,
                                          page ? "page" : "section", rc);
                            if (allowed) {
                                ck_assert_uint_eq(t.pa, pa);
                                ck_assert(t.can_read_priv == (want[0] == 'r'));
                                ck_assert(t.can_write_priv == (want[1] == 'w'));
                                ck_assert(t.can_read_user == (want[3] == 'r'));
                                ck_assert(t.can_write_user == (want[4] == 'w'));
                            } else {
                                ck_assert_uint_eq(e->cpu.fault.fsr, fsr);
                                ck_assert_uint_eq(e->cpu.fault.far, va);
                            }
                        }
                    }
                }
            }
        }
    }
    env_free(e);
}
END_TEST

START_TEST(test_subpages_small)
{
    struct env *e = env_new();
    map_l1_table(e, 0x40000000u, COARSE, 3, false);
    /* AP3..AP0 = 3, 2, 1, 0: one quarter per right. */
    map_l2(e, COARSE, false, 0x40005000u, small_desc(0x00600000u, aps(3, 2, 1, 0)), 4096);
    expect_fault(e, 0x40005000u, MMU_READ, false, 0x3f, 0x40005000u);
    expect_pa(e, 0x40005400u, MMU_WRITE, false, 0x00600400u, 1024);
    expect_fault(e, 0x400057fcu, MMU_READ, true, 0x3f, 0x400057fcu);
    expect_pa(e, 0x40005800u, MMU_READ, true, 0x00600800u, 1024);
    expect_fault(e, 0x40005bfcu, MMU_WRITE, true, 0x3f, 0x40005bfcu);
    expect_pa(e, 0x40005c00u, MMU_WRITE, true, 0x00600c00u, 1024);
    env_free(e);
}
END_TEST

START_TEST(test_subpages_large)
{
    struct env *e = env_new();
    map_l1_table(e, 0x40000000u, FINE, 5, true);
    /* Subpage = VA[15:14]; AP0 = 3 ... AP3 = 0. */
    map_l2(e, FINE, true, 0x40020000u, large_desc(0x00800000u, aps(0, 1, 2, 3)), 65536);
    expect_pa(e, 0x40020010u, MMU_WRITE, true, 0x00800010u, 16384);
    expect_pa(e, 0x40024010u, MMU_READ, true, 0x00804010u, 16384);
    expect_fault(e, 0x40024010u, MMU_WRITE, true, 0x5f, 0x40024010u);
    expect_pa(e, 0x4002b000u, MMU_WRITE, false, 0x0080b000u, 16384);
    expect_fault(e, 0x4002b000u, MMU_READ, true, 0x5f, 0x4002b000u);
    expect_fault(e, 0x4002fffcu, MMU_READ, false, 0x5f, 0x4002fffcu);
    env_free(e);
}
END_TEST

START_TEST(test_fault_encodings)
{
    struct env *e = env_new();
    /* First-level fault descriptor: section translation fault, domain
     * invalid (0). */
    expect_fault(e, 0x70000000u, MMU_WRITE, false, 0x005, 0x70000000u);
    /* Second-level fault descriptor: page translation fault, domain 10. */
    map_l1_table(e, 0x40000000u, COARSE, 10, false);
    expect_fault(e, 0x40007004u, MMU_READ, false, 0x0a7, 0x40007004u);
    /* Second-level table outside RAM: external abort on translation. */
    map_l1_table(e, 0x41000000u, UNMAPPED_PA, 6, false);
    expect_fault(e, 0x41000000u, MMU_EXEC, false, 0x06e, 0x41000000u);
    /* Table base outside RAM, then on a device (which must not be read). */
    e->cpu.cp15.ttbr0 = UNMAPPED_PA;
    expect_fault(e, 0x00001000u, MMU_READ, true, 0x00c, 0x00001000u);
    e->cpu.cp15.ttbr0 = MMIO_BASE;
    expect_fault(e, 0x00001000u, MMU_WRITE, true, 0x00c, 0x00001000u);
    ck_assert_uint_eq(e->device_reads, 0);
    env_free(e);
}
END_TEST

START_TEST(test_fcse)
{
    struct env *e = env_new();
    e->cpu.cp15.fcse_pid = 3u << 25;  /* MVA = VA + 0x06000000 below 32 MiB */
    map_section(e, 0x06100000u, 0x00200000u, 3, 0);
    expect_pa(e, 0x00100010u, MMU_READ, true, 0x00200010u, 1u << 20);
    /* The FAR holds the MVA. */
    expect_fault(e, 0x00300000u, MMU_READ, false, 0x005, 0x06300000u);
    /* At or above 32 MiB addresses are not relocated. */
    expect_fault(e, 0x02000000u, MMU_READ, false, 0x005, 0x02000000u);
    /* With the MMU off the MVA is the physical address. */
    e->cpu.cp15.sctlr &= ~SCTLR_M;
    expect_pa(e, 0x00000040u, MMU_READ, false, 0x06000040u, 1u << 20);
    env_free(e);
}
END_TEST

static char *explain_walk(struct env *e, uint32_t va, enum mmu_access access, bool user,
                          int *rc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(out);
    struct mmu_translation t;
    *rc = mmu_translate(&e->cpu, va, access, user, &t, out);
    fclose(out);
    return text;
}

static void expect_text(const char *text, const char *needle)
{
    ck_assert_msg(strstr(text, needle) != NULL, "\"%s\" not in:\n%s", needle, text);
}

START_TEST(test_explain)
{
    struct env *e = env_new();
    int rc;
    map_section(e, 0xc0000000u, 0x00100000u, 1, 3);
    char *text = explain_walk(e, 0xc0012345u, MMU_READ, false, &rc);
    ck_assert_int_eq(rc, 0);
    char desc[16];
    snprintf(desc, sizeof(desc), "0x%08x", rd32(e, TTB + (0xc00u * 4)));
    expect_text(text, desc);
    expect_text(text, "0x00007000");     /* descriptor address */
    expect_text(text, "section");
    expect_text(text, "domain 3");
    expect_text(text, "client");
    expect_text(text, "PA 0x00112345");
    free(text);

    text = explain_walk(e, 0xc0012345u, MMU_WRITE, true, &rc);
    ck_assert_int_eq(rc, -1);
    expect_text(text, "section permission fault");
    expect_text(text, "FSR 0x03d");
    free(text);

    map_l1_table(e, 0x40000000u, COARSE, 2, false);
    map_l2(e, COARSE, false, 0x40003000u, small_desc(0x00abc000u, aps(3, 3, 3, 3)), 4096);
    text = explain_walk(e, 0x40003456u, MMU_READ, true, &rc);
    ck_assert_int_eq(rc, 0);
    snprintf(desc, sizeof(desc), "0x%08x", small_desc(0x00abc000u, aps(3, 3, 3, 3)));
    expect_text(text, desc);
    expect_text(text, "coarse");
    expect_text(text, "small page");
    expect_text(text, "PA 0x00abc456");
    free(text);

    e->cpu.cp15.fcse_pid = 1u << 25;
    text = explain_walk(e, 0x00000000u, MMU_READ, false, &rc);
    ck_assert_int_eq(rc, -1);
    expect_text(text, "MVA 0x02000000");
    expect_text(text, "translation fault");
    free(text);
    env_free(e);
}
END_TEST

Suite *walk_v5_suite(void)
{
    Suite *s = suite_create("walk_v5");
    TCase *tc = tcase_create("walk");
    tcase_add_test(tc, test_mmu_disabled_is_flat);
    tcase_add_test(tc, test_section);
    tcase_add_test(tc, test_coarse_small_and_large);
    tcase_add_test(tc, test_fine_tiny_small_large);
    tcase_add_test(tc, test_tiny_in_coarse_table_faults);
    tcase_add_test(tc, test_domains);
    tcase_add_test(tc, test_ap_s_r_table);
    tcase_add_test(tc, test_subpages_small);
    tcase_add_test(tc, test_subpages_large);
    tcase_add_test(tc, test_fault_encodings);
    tcase_add_test(tc, test_fcse);
    tcase_add_test(tc, test_explain);
    suite_add_tcase(s, tc);
    return s;
}

/* ---- mmu_suite: the slow path through cpu->mem ---- */

static struct tlb_entry *tlb_of(struct env *e, bool user, uint32_t va)
{
    return &e->cpu.tlb[user ? 0 : 1][tlb_index(va)];
}

START_TEST(test_mmu_off_fills_tlb)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v;
    cpu->cp15.sctlr &= ~SCTLR_M;
    ck_assert_int_eq(cpu_store32(cpu, 0x1000, 0xdeadbeefu), 0);
    ck_assert_uint_eq(rd32(e, 0x1000), 0xdeadbeefu);
    ck_assert_uint_eq(tlb_of(e, false, 0x1000)->tag_write, 0x1000);
    ck_assert_uint_eq(tlb_of(e, false, 0x1000)->tag_read, 0x1000);
    ck_assert_uint_eq(tlb_of(e, true, 0x1000)->tag_read, TLB_INVALID);
    ck_assert_int_eq(cpu_load32(cpu, 0x1000, &v), 0);
    ck_assert_uint_eq(v, 0xdeadbeefu);
    ck_assert_int_eq(cpu_load8(cpu, 0x1003, &v), 0);
    ck_assert_uint_eq(v, 0xde);
    env_free(e);
}
END_TEST

START_TEST(test_tlb_per_privilege)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v;
    map_section(e, 0xc0000000u, 0, 2, 0);   /* user read-only */
    ck_assert_int_eq(cpu_store32(cpu, 0xc0001000u, 0x11223344u), 0);
    ck_assert_uint_eq(tlb_of(e, false, 0xc0001000u)->tag_write, 0xc0001000u);
    ck_assert_int_eq(cpu_load_user(cpu, 0xc0001000u, 4, &v), 0);
    ck_assert_uint_eq(v, 0x11223344u);
    ck_assert_uint_eq(tlb_of(e, true, 0xc0001000u)->tag_read, 0xc0001000u);
    ck_assert_uint_eq(tlb_of(e, true, 0xc0001000u)->tag_write, TLB_INVALID);
    /* STRT: a user write to a user read-only page faults, memory intact. */
    ck_assert_int_eq(cpu_store_user(cpu, 0xc0001000u, 4, 0), -1);
    ck_assert_uint_eq(cpu->fault.fsr, 0x00d);
    ck_assert_uint_eq(cpu->fault.far, 0xc0001000u);
    ck_assert(cpu->fault.write);
    ck_assert_uint_eq(rd32(e, 0x1000), 0x11223344u);
    /* User mode proper uses the user TLB and the same rules. */
    cpu_switch_mode(cpu, MODE_USR);
    ck_assert_int_eq(cpu_store32(cpu, 0xc0001004u, 1), -1);
    ck_assert_uint_eq(cpu->fault.fsr, 0x00d);
    env_free(e);
}
END_TEST

START_TEST(test_nofault_has_no_side_effects)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v = 0;
    cpu->fault = (struct mem_fault){ 0x123, 0x456, true };
    cpu->cp15.dfsr = 0x77;
    ck_assert_int_eq(cpu->mem->load(cpu, 0x70000000u, 4, &v, MEM_NOFAULT), -1);
    ck_assert_uint_eq(cpu->fault.fsr, 0x123);
    ck_assert_uint_eq(cpu->fault.far, 0x456);
    ck_assert_uint_eq(cpu->cp15.dfsr, 0x77);
    map_section(e, 0xc0000000u, 0, 1, 0);
    wr32(e, 0x2000, 0xcafef00du);
    ck_assert_int_eq(cpu->mem->load(cpu, 0xc0002000u, 4, &v, MEM_NOFAULT), 0);
    ck_assert_uint_eq(v, 0xcafef00du);
    ck_assert_uint_eq(tlb_of(e, false, 0xc0002000u)->tag_read, TLB_INVALID);
    map_section(e, 0xd0000000u, MMIO_BASE, 1, 0);
    ck_assert_int_eq(cpu->mem->load(cpu, 0xd0000000u, 4, &v, MEM_NOFAULT), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(e->device_reads, 0);
    env_free(e);
}
END_TEST

START_TEST(test_alignment)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v;
    map_section(e, 0xc0000000u, 0, 3, 0);
    for (unsigned i = 0; i < 8; i++) {
        uint8_t byte = (uint8_t)i;
        aspace_write_bytes(&e->as, 0x1000 + i, &byte, 1);
    }
    /* SCTLR.A: alignment fault, status 1, FAR = the address. */
    cpu->cp15.sctlr |= SCTLR_A;
    ck_assert_int_eq(cpu_load32(cpu, 0xc0001002u, &v), -1);
    ck_assert_uint_eq(cpu->fault.fsr, 0x001);
    ck_assert_uint_eq(cpu->fault.far, 0xc0001002u);
    ck_assert(!cpu->fault.write);
    ck_assert_int_eq(cpu_store16(cpu, 0xc0001001u, 0), -1);
    ck_assert(cpu->fault.write);
    ck_assert_uint_eq(rd32(e, 0x1000), 0x03020100u);
    /* A = 0, U = 0 (ARMv5): the aligned word, rotated by LDR. */
    cpu->cp15.sctlr &= ~SCTLR_A;
    ck_assert_int_eq(cpu_load32(cpu, 0xc0001005u, &v), 0);
    ck_assert_uint_eq(v, 0x07060504u);
    ck_assert_int_eq(cpu_load32_rotated(cpu, 0xc0001005u, &v), 0);
    ck_assert_uint_eq(v, 0x04070605u);
    ck_assert_int_eq(cpu_load16(cpu, 0xc0001003u, &v), 0);
    ck_assert_uint_eq(v, 0x0302);
    /* U = 1 (ARMv6 behaviour): a true unaligned access, split across the
     * page boundary. */
    cpu->cp15.sctlr |= SCTLR_U;
    wr32(e, 0x1ffc, 0xddccbbaau);
    wr32(e, 0x2000, 0x44332211u);
    ck_assert_int_eq(cpu_load32(cpu, 0xc0001ffeu, &v), 0);
    ck_assert_uint_eq(v, 0x2211ddccu);
    ck_assert_int_eq(cpu_store32(cpu, 0xc0001fffu, 0xa1b2c3d4u), 0);
    ck_assert_uint_eq(rd32(e, 0x1ffc), 0xd4ccbbaau);
    ck_assert_uint_eq(rd32(e, 0x2000), 0x44a1b2c3u);
    /* The second page faults: nothing is written to the first. */
    map_section(e, 0xc0100000u, 0x00100000u, 0, 0);
    ck_assert_int_eq(cpu_store32(cpu, 0xc00ffffeu, 0xffffffffu), -1);
    ck_assert_uint_eq(cpu->fault.fsr, 0x00d);
    ck_assert_uint_eq(rd32(e, 0xffffc), 0);
    env_free(e);
}
END_TEST

START_TEST(test_mmio)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v;
    cpu->cp15.sctlr &= ~SCTLR_M;
    ck_assert_int_eq(cpu_load32(cpu, MMIO_BASE + 8, &v), 1);
    ck_assert_uint_eq(v, 0xd0000008u);
    ck_assert_uint_eq(tlb_of(e, false, MMIO_BASE)->tag_read, TLB_INVALID);
    ck_assert_int_eq(cpu_load32(cpu, MMIO_BASE + 8, &v), 1);
    ck_assert_uint_eq(e->device_reads, 2);
    ck_assert_int_eq(cpu_store32(cpu, MMIO_BASE, 5), 1);
    ck_assert_uint_eq(e->device_writes, 1);
    /* An empty bus slot reads as zero and is not a device access. */
    ck_assert_int_eq(cpu_load32(cpu, UNMAPPED_PA, &v), 0);
    ck_assert_uint_eq(v, 0);
    env_free(e);
}
END_TEST

START_TEST(test_code_page_tracking)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    struct mem_region *ram = aspace_find(&e->as, 0);
    cpu->cp15.sctlr &= ~SCTLR_M;
    ck_assert_int_eq(cpu_store32(cpu, 0x2000, 0xe1a00000u), 0);   /* write tag now set */
    struct decode_block *b = cpu->mem->fetch_block(cpu, 0x2000, false);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->phys, 0x2000);
    ck_assert_int_eq(b->set, DECODE_ARM);
    ck_assert_int_eq(ram->code_pages[2], 1);
    struct tlb_entry *t = tlb_of(e, false, 0x2000);
    ck_assert_uint_eq(t->tag_exec, 0x2000);
    ck_assert_ptr_eq(t->code[0], b);
    ck_assert_uint_eq(t->tag_write, TLB_INVALID);
    ck_assert_ptr_eq(cpu->mem->fetch_block(cpu, 0x2ffc, false), b);
    /* Thumb code on the same page is a second block. */
    struct decode_block *tb = cpu->mem->fetch_block(cpu, 0x2002, true);
    ck_assert_ptr_nonnull(tb);
    ck_assert_ptr_ne(tb, b);
    ck_assert_ptr_eq(t->code[0], b);
    ck_assert_ptr_eq(t->code[1], tb);
    /* The first store resets the page, drops exec tags and says "leave
     * the straight-line run". */
    ck_assert_int_eq(cpu_store32(cpu, 0x2010, 0xe3a00001u), 1);
    ck_assert_uint_eq(rd32(e, 0x2010), 0xe3a00001u);
    ck_assert_int_eq(ram->code_pages[2], 0);
    ck_assert_uint_eq(t->tag_exec, TLB_INVALID);
    ck_assert_ptr_null(t->code[0]);
    /* Until code is fetched again, stores are ordinary and fast. */
    ck_assert_int_eq(cpu_store32(cpu, 0x2014, 0), 0);
    ck_assert_uint_eq(t->tag_write, 0x2000);
    ck_assert_ptr_eq(cpu->mem->fetch_block(cpu, 0x2000, false), b);
    ck_assert_int_eq(ram->code_pages[2], 1);
    ck_assert_uint_eq(t->tag_write, TLB_INVALID);
    /* A debugger write (breakpoint) resets the page too. */
    uint32_t bkpt = 0xe1200070u;
    ck_assert_int_eq(cpu_debug_write(cpu, 0x2000, &bkpt, 4), 0);
    ck_assert_int_eq(ram->code_pages[2], 0);
    ck_assert_uint_eq(rd32(e, 0x2000), bkpt);
    env_free(e);
}
END_TEST

START_TEST(test_fetch_aborts)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    cpu->cp15.sctlr &= ~SCTLR_M;
    ck_assert_ptr_null(cpu->mem->fetch_block(cpu, MMIO_BASE, false));
    ck_assert_uint_eq(cpu->fault.fsr, 0x008);
    ck_assert_uint_eq(e->device_reads, 0);
    cpu->cp15.sctlr |= SCTLR_M;
    map_section(e, 0xc0000000u, 0, 1, 4);
    cpu_switch_mode(cpu, MODE_USR);
    ck_assert_ptr_null(cpu->mem->fetch_block(cpu, 0xc0000100u, false));
    ck_assert_uint_eq(cpu->fault.fsr, 0x04d);
    cpu_switch_mode(cpu, MODE_SVC);
    ck_assert_ptr_nonnull(cpu->mem->fetch_block(cpu, 0xc0000100u, false));
    ck_assert_uint_eq(tlb_of(e, true, 0xc0000100u)->tag_exec, TLB_INVALID);
    ck_assert_uint_eq(tlb_of(e, false, 0xc0000100u)->tag_exec, 0xc0000000u);
    env_free(e);
}
END_TEST

START_TEST(test_fine_mappings_not_cached)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v;
    map_l1_table(e, 0x50000000u, FINE, 0, true);
    map_l2(e, FINE, true, 0x50000000u, tiny_desc(0x00010000u, 3), 1024);
    map_l2(e, FINE, true, 0x50000400u, tiny_desc(0x00020000u, 3), 1024);
    wr32(e, 0x00010000u, 1);
    wr32(e, 0x00020000u, 2);
    ck_assert_int_eq(cpu_load32(cpu, 0x50000000u, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(tlb_of(e, false, 0x50000000u)->tag_read, TLB_INVALID);
    ck_assert_int_eq(cpu_load32(cpu, 0x50000400u, &v), 0);
    ck_assert_uint_eq(v, 2);
    env_free(e);
}
END_TEST

START_TEST(test_rom_is_read_only)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint32_t v = 0x5a5a5a5au;
    ck_assert_int_eq(aspace_add_rom(&e->as, 0x20000000u, 0x1000, "rom"), 0);
    ck_assert_int_eq(aspace_write_bytes(&e->as, 0x20000000u, &v, 4), 0);
    cpu->cp15.sctlr &= ~SCTLR_M;
    ck_assert_int_eq(cpu_store32(cpu, 0x20000000u, 0), 0);
    ck_assert_uint_eq(rd32(e, 0x20000000u), 0x5a5a5a5au);
    ck_assert_uint_eq(tlb_of(e, false, 0x20000000u)->tag_write, TLB_INVALID);
    ck_assert_int_eq(cpu_load32(cpu, 0x20000000u, &v), 0);
    ck_assert_uint_eq(v, 0x5a5a5a5au);
    env_free(e);
}
END_TEST

START_TEST(test_debug_access)
{
    struct env *e = env_new();
    struct arm_cpu *cpu = &e->cpu;
    uint8_t buf[8];
    map_section(e, 0xc0000000u, 0, 1, 0);          /* privileged only */
    map_section(e, 0xd0000000u, MMIO_BASE, 1, 0);
    wr32(e, 0x0ffc, 0x33221100u);
    wr32(e, 0x1000, 0x77665544u);
    cpu_switch_mode(cpu, MODE_USR);   /* the debugger still sees kernel memory */
    cpu->fault = (struct mem_fault){ 0x99, 0x88, false };
    ck_assert_int_eq(cpu_debug_read(cpu, 0xc0000ffeu, buf, 4), 0);
    ck_assert_mem_eq(buf, "\x22\x33\x44\x55", 4);
    uint8_t patch[2] = { 0xab, 0xcd };
    ck_assert_int_eq(cpu_debug_write(cpu, 0xc0000fffu, patch, 2), 0);
    ck_assert_uint_eq(rd32(e, 0x0ffc), 0xab221100u);
    ck_assert_uint_eq(rd32(e, 0x1000), 0x776655cdu);
    ck_assert_int_eq(cpu_debug_read(cpu, 0x70000000u, buf, 4), -EFAULT);
    memset(buf, 0xff, sizeof(buf));
    ck_assert_int_eq(cpu_debug_read(cpu, 0xd0000000u, buf, 8), 0);
    ck_assert_mem_eq(buf, "\0\0\0\0\0\0\0\0", 8);
    ck_assert_int_eq(cpu_debug_write(cpu, 0xd0000000u, patch, 2), -EFAULT);
    ck_assert_uint_eq(e->device_reads, 0);
    ck_assert_uint_eq(e->device_writes, 0);
    uint64_t pa = 0;
    ck_assert_int_eq(cpu->mem->translate_debug(cpu, 0xc0001234u, &pa), 0);
    ck_assert_uint_eq(pa, 0x1234);
    ck_assert_int_lt(cpu->mem->translate_debug(cpu, 0x70000000u, &pa), 0);
    /* No trace left: fault record, FSR and TLBs untouched. */
    ck_assert_uint_eq(cpu->fault.fsr, 0x99);
    ck_assert_uint_eq(cpu->fault.far, 0x88);
    ck_assert_uint_eq(cpu->cp15.dfsr, 0);
    ck_assert_uint_eq(tlb_of(e, false, 0xc0000000u)->tag_read, TLB_INVALID);
    ck_assert_uint_eq(tlb_of(e, true, 0xc0000000u)->tag_read, TLB_INVALID);
    env_free(e);
}
END_TEST

Suite *mmu_suite(void)
{
    Suite *s = suite_create("mmu");
    TCase *tc = tcase_create("slow_path");
    tcase_add_test(tc, test_mmu_off_fills_tlb);
    tcase_add_test(tc, test_tlb_per_privilege);
    tcase_add_test(tc, test_nofault_has_no_side_effects);
    tcase_add_test(tc, test_alignment);
    tcase_add_test(tc, test_mmio);
    tcase_add_test(tc, test_code_page_tracking);
    tcase_add_test(tc, test_fetch_aborts);
    tcase_add_test(tc, test_fine_mappings_not_cached);
    tcase_add_test(tc, test_rom_is_read_only);
    tcase_add_test(tc, test_debug_access);
    suite_add_tcase(s, tc);
    return s;
}
