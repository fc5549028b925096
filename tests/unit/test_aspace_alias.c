/*
 * Address-space aliases and region removal (mmu/aspace.h): a domain's RAM
 * is a window onto the board's RAM and a grant mapping a one-page window
 * onto another domain's RAM. What matters: the windows share memory (no
 * copy), they outlive the space they were taken from, removal unmaps,
 * bad requests are refused, and code-page tracking sees every window, so a
 * store through one space resets code decoded through another (a stale
 * decoded block would execute the old instructions).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"
#include "mmu/aspace.h"

#define BOARD_RAM 0x80000000u
#define GUEST_RAM 0x40000000u

struct alias_fixture {
    struct aspace board, guest;
};

static struct alias_fixture *fixture_new(void)
{
    struct alias_fixture *f = calloc(1, sizeof(*f));
    ck_assert_ptr_nonnull(f);
    aspace_init(&f->board, NULL);
    aspace_init(&f->guest, NULL);
    ck_assert_int_eq(aspace_add_ram(&f->board, BOARD_RAM, 64u << 10, "sdram"), 0);
    /* The guest's 16 KiB of RAM are board RAM + 16 KiB. */
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, GUEST_RAM, 16u << 10, &f->board,
                                          BOARD_RAM + 0x4000, "ram"),
                     0);
    return f;
}

static void fixture_free(struct alias_fixture *f)
{
    aspace_destroy(&f->guest);
    aspace_destroy(&f->board);
    free(f);
}

START_TEST(test_alias_shares_memory)
{
    struct alias_fixture *f = fixture_new();
    ck_assert_ptr_eq(aspace_host_ptr(&f->guest, GUEST_RAM, 4),
                     aspace_host_ptr(&f->board, BOARD_RAM + 0x4000, 4));
    uint32_t v = 0;
    aspace_write(&f->guest, GUEST_RAM + 0x10, 4, 0x12345678);
    aspace_read(&f->board, BOARD_RAM + 0x4010, 4, &v);
    ck_assert_uint_eq(v, 0x12345678);
    aspace_write(&f->board, BOARD_RAM + 0x7ffc, 4, 0xcafef00d);
    aspace_read(&f->guest, GUEST_RAM + 0x3ffc, 4, &v);
    ck_assert_uint_eq(v, 0xcafef00d);
    /* Outside the window: the guest's space has nothing there. */
    aspace_write(&f->board, BOARD_RAM + 0x8000, 4, 0x55aa55aa);
    aspace_read(&f->guest, GUEST_RAM + 0x4000, 4, &v);
    ck_assert_uint_eq(v, 0);
    ck_assert_ptr_null(aspace_host_ptr(&f->guest, GUEST_RAM + 0x4000, 4));
    fixture_free(f);
}
END_TEST

START_TEST(test_alias_outlives_source)
{
    struct alias_fixture *f = fixture_new();
    aspace_write(&f->guest, GUEST_RAM, 4, 0xa5a5a5a5);
    aspace_destroy(&f->board);
    uint32_t v = 0;
    aspace_read(&f->guest, GUEST_RAM, 4, &v);
    ck_assert_uint_eq(v, 0xa5a5a5a5);
    aspace_write(&f->guest, GUEST_RAM + 0x3000, 4, 1);
    aspace_destroy(&f->guest);
    aspace_init(&f->board, NULL);
    aspace_init(&f->guest, NULL);
    fixture_free(f);
}
END_TEST

static uint32_t mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    (void)opaque, (void)offset, (void)size;
    return 0;
}

static void mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    (void)opaque, (void)offset, (void)value, (void)size;
}

static const struct mmio_ops dummy_ops = { mmio_read, mmio_write };

START_TEST(test_alias_refuses_bad_requests)
{
    struct alias_fixture *f = fixture_new();
    /* Beyond the source region, unaligned, empty, not RAM, overlapping. */
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, 0x50000000, 0x2000, &f->board,
                                          BOARD_RAM + 0xf000, "x"), -EINVAL);
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, 0x50000000, 0x1000, &f->board,
                                          BOARD_RAM + 0x800, "x"), -EINVAL);
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, 0x50000000, 0, &f->board, BOARD_RAM,
                                          "x"), -EINVAL);
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, 0x50000000, 0x1000, &f->board,
                                          0x10000000, "x"), -EINVAL);
    ck_assert_int_eq(aspace_add_mmio(&f->board, 0x1c090000, 0x1000, &dummy_ops, NULL, "dev"),
                     0);
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, 0x50000000, 0x1000, &f->board,
                                          0x1c090000, "x"), -EINVAL);
    ck_assert_int_eq(aspace_add_ram_alias(&f->guest, GUEST_RAM + 0x3000, 0x1000, &f->board,
                                          BOARD_RAM, "x"), -EINVAL);
    fixture_free(f);
}
END_TEST

START_TEST(test_remove_unmaps_and_frees_the_slot)
{
    struct alias_fixture *f = fixture_new();
    /* A grant-like one-page window onto the guest's own RAM window. */
    ck_assert_int_eq(aspace_add_rom_alias(&f->board, 0x38000000, 0x1000, &f->guest,
                                          GUEST_RAM + 0x1000, "grant"), 0);
    uint32_t v = 0;
    aspace_write(&f->guest, GUEST_RAM + 0x1004, 4, 77);
    aspace_read(&f->board, 0x38000004, 4, &v);
    ck_assert_uint_eq(v, 77);
    /* Read-only window: the store is ignored. */
    aspace_write(&f->board, 0x38000004, 4, 99);
    aspace_read(&f->guest, GUEST_RAM + 0x1004, 4, &v);
    ck_assert_uint_eq(v, 77);

    unsigned regions = f->board.region_count;
    ck_assert_int_eq(aspace_remove(&f->board, 0x38000000, 0x2000), -ENOENT);
    ck_assert_int_eq(aspace_remove(&f->board, 0x38001000, 0x1000), -ENOENT);
    ck_assert_int_eq(aspace_remove(&f->board, 0x38000000, 0x1000), 0);
    ck_assert_ptr_null(aspace_find(&f->board, 0x38000000));
    aspace_read(&f->board, 0x38000004, 4, &v);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(f->board.region_count, regions - 1);
    /* The memory itself stays with its other windows. */
    aspace_read(&f->guest, GUEST_RAM + 0x1004, 4, &v);
    ck_assert_uint_eq(v, 77);
    /* Many map/unmap cycles reuse slots: no leak of the 255 indices. */
    for (unsigned i = 0; i < 1000; i++) {
        ck_assert_int_eq(aspace_add_ram_alias(&f->board, 0x38000000 + (i % 3) * 0x1000, 0x1000,
                                              &f->guest, GUEST_RAM, "grant"), 0);
        ck_assert_int_eq(aspace_remove(&f->board, 0x38000000 + (i % 3) * 0x1000, 0x1000), 0);
    }
    ck_assert_uint_eq(f->board.region_count, regions - 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_region_limit)
{
    struct aspace *as = calloc(1, sizeof(*as));
    aspace_init(as, NULL);
    ck_assert_int_eq(aspace_add_ram(as, 0x80000000, 0x1000, "ram"), 0);
    unsigned added = 1;
    while (aspace_add_ram_alias(as, 0x10000000 + added * 0x1000, 0x1000, as, 0x80000000,
                                "w") == 0)
        added++;
    ck_assert_uint_eq(added, ASPACE_MAX_REGIONS);
    ck_assert_int_eq(aspace_add_ram_alias(as, 0x20000000, 0x1000, as, 0x80000000, "w"),
                     -ENOSPC);
    aspace_destroy(as);
    free(as);
}
END_TEST

/* A TLB entry of cpu that maps PA page pa with every tag set. */
static struct tlb_entry *plant_entry(struct arm_cpu *cpu, uint32_t va, uint64_t pa)
{
    struct tlb_entry *e = &cpu->tlb[1][tlb_index(va)];
    e->tag_read = e->tag_write = e->tag_exec = e->tag_translated = va & TLB_PAGE_MASK;
    e->phys_page = (uint32_t)(pa >> 12);
    return e;
}

START_TEST(test_code_tracking_crosses_windows)
{
    struct alias_fixture *f = fixture_new();
    struct arm_cpu *board_cpu = calloc(1, sizeof(*board_cpu));
    struct arm_cpu *guest_cpu = calloc(1, sizeof(*guest_cpu));
    ck_assert_int_eq(aspace_attach_cpu(&f->board, board_cpu), 0);
    ck_assert_int_eq(aspace_attach_cpu(&f->guest, guest_cpu), 0);

    /* The guest decodes code on its page 0x40002000 (board 0x80006000). */
    uint64_t guest_pa = GUEST_RAM + 0x2000, board_pa = BOARD_RAM + 0x6000;
    struct mem_region *gr = aspace_find(&f->guest, guest_pa);
    struct mem_region *br = aspace_find(&f->board, board_pa);
    struct decode_block *block = decode_cache_get(
        &f->guest.dcache, guest_pa, aspace_host_ptr(&f->guest, guest_pa, 4), DECODE_ARM);
    ck_assert_ptr_nonnull(block);
    struct tlb_entry *board_e = plant_entry(board_cpu, 0xc0006000, board_pa);
    struct tlb_entry *guest_e = plant_entry(guest_cpu, 0x00002000, guest_pa);
    guest_e->code[0] = block;

    aspace_mark_code(&f->guest, gr, guest_pa);
    /* The mark is the page's, whichever window looks. */
    ck_assert_int_eq(br->code_pages[(board_pa - br->base) >> 12], 1);
    /* Stores through the board's window must now take the slow path. */
    ck_assert_uint_eq(board_e->tag_write, TLB_INVALID);
    ck_assert_uint_eq(guest_e->tag_write, TLB_INVALID);

    /* A store through the board's window resets the guest's decoded code. */
    uint64_t before = f->guest.dcache.invalidations;
    aspace_write(&f->board, board_pa + 8, 4, 0xe1a00000);
    ck_assert_uint_gt(f->guest.dcache.invalidations, before);
    ck_assert_uint_eq(guest_e->tag_exec, TLB_INVALID);
    ck_assert_ptr_null(guest_e->code[0]);
    ck_assert_int_eq(gr->code_pages[(guest_pa - gr->base) >> 12], 0);

    aspace_detach_cpu(&f->board, board_cpu);
    aspace_detach_cpu(&f->guest, guest_cpu);
    ck_assert_uint_eq(f->board.cpu_count, 0);
    free(board_cpu);
    free(guest_cpu);
    fixture_free(f);
}
END_TEST

START_TEST(test_remove_resets_decoded_code)
{
    struct alias_fixture *f = fixture_new();
    ck_assert_int_eq(aspace_add_ram_alias(&f->board, 0x38000000, 0x1000, &f->guest, GUEST_RAM,
                                          "grant"), 0);
    struct decode_block *block = decode_cache_get(
        &f->board.dcache, 0x38000000, aspace_host_ptr(&f->board, 0x38000000, 4), DECODE_ARM);
    ck_assert_ptr_nonnull(block);
    uint64_t before = f->board.dcache.invalidations;
    ck_assert_int_eq(aspace_remove(&f->board, 0x38000000, 0x1000), 0);
    ck_assert_uint_gt(f->board.dcache.invalidations, before);
    fixture_free(f);
}
END_TEST

Suite *aspace_alias_suite(void)
{
    Suite *s = suite_create("aspace_alias");
    TCase *tc = tcase_create("alias");
    tcase_add_test(tc, test_alias_shares_memory);
    tcase_add_test(tc, test_alias_outlives_source);
    tcase_add_test(tc, test_alias_refuses_bad_requests);
    tcase_add_test(tc, test_remove_unmaps_and_frees_the_slot);
    tcase_add_test(tc, test_region_limit);
    tcase_add_test(tc, test_code_tracking_crosses_windows);
    tcase_add_test(tc, test_remove_resets_decoded_code);
    suite_add_tcase(s, tc);
    return s;
}
