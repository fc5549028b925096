/*
 * Guest memory access from the hypervisor (hv/guest_mem.c): the path every
 * hypercall pointer takes.
 *
 * A domain with 1 MiB of RAM at 0x40000000 and a device at 0x1c000000 runs
 * a Cortex-A15 vCPU, first with the MMU off (VA = IPA), then with
 * short-descriptor tables that map virtual pages to scattered physical
 * ones, to MMIO, outside the domain and not at all. Checked: copies that
 * cross page boundaries land in the right frames; unmapped, MMIO and
 * foreign addresses give -EFAULT without touching the device or writing a
 * byte; permissions and DACR are ignored (ABI doc 3.3); a write by the
 * hypervisor clears the exclusive monitor of the domain's vCPUs in that
 * granule, so a real LDREX/STREX pair in the guest fails its STREX (the
 * bug class of ABI doc section 0: a guest silently undoing the
 * hypervisor's update); and decoded guest code overwritten by the
 * hypervisor is re-decoded.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "hv/domain.h"
#include "hv/guest_mem.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM 0x40000000u
#define RAM_SIZE 0x100000u
#define DEV 0x1c000000u
#define TTB (RAM + 0x4000u)     /* first-level table, 16 KiB aligned */
#define L2T (RAM + 0x8000u)     /* second-level table for VA 0x10000000 */
#define VA 0x10000000u
#define PA0 (RAM + 0x20000u)    /* VA page 0 */
#define PA1 (RAM + 0x50000u)    /* VA page 1 (not contiguous with page 0) */

struct env {
    struct hv hv;
    struct domain *d, *other;
    struct arm_cpu cpu[3];      /* two in d, one in other */
    struct mmu_context mmu[3];
    unsigned dev_reads, dev_writes;
};

static uint32_t dev_read(void *opaque, uint32_t offset, unsigned size)
{
    (void)offset, (void)size;
    ((struct env *)opaque)->dev_reads++;
    return 0xdeadbeef;
}

static void dev_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    (void)offset, (void)value, (void)size;
    ((struct env *)opaque)->dev_writes++;
}

static const struct mmio_ops dev_ops = { .read = dev_read, .write = dev_write };

static struct domain *make_domain(struct env *e, const char *name, unsigned first_cpu,
                                  unsigned ncpu)
{
    struct hv_domain_config cfg = {
        .name = name, .domid = -1, .ram_base = RAM, .ram_size = RAM_SIZE,
        .max_vcpus = ncpu,
    };
    struct domain *d;
    ck_assert_int_eq(hv_domain_create(&e->hv, &cfg, &d), 0);
    for (unsigned i = 0; i < ncpu; i++) {
        struct arm_cpu *cpu = &e->cpu[first_cpu + i];
        cpu_init(cpu, &cpu_model_cortex_a15, i);
        mmu_attach(&e->mmu[first_cpu + i], cpu, d->as);
        ck_assert_int_eq(hv_domain_add_vcpu(d, cpu), (int)i);
    }
    return d;
}

static struct env *env_new(void)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    hv_init(&e->hv, NULL);
    e->d = make_domain(e, "guest", 0, 2);
    e->other = make_domain(e, "other", 2, 1);
    ck_assert_int_eq(aspace_add_mmio(e->d->as, DEV, 0x1000, &dev_ops, e, "dev"), 0);
    return e;
}

static void env_free(struct env *e)
{
    hv_destroy(&e->hv);
    free(e);
}

static void put32(struct domain *d, uint64_t gpa, uint32_t v)
{
    ck_assert_int_eq(hv_gpa_write(d, gpa, &v, 4), 0);
}

static uint32_t get32(struct domain *d, uint64_t gpa)
{
    uint32_t v = 0;
    ck_assert_int_eq(hv_gpa_read(d, gpa, &v, 4), 0);
    return v;
}

/* Small page (DDI 0406C B3.5.1): base | AP[2] bit 9 | AP[1:0] bits 5:4 | 0b10. */
static uint32_t small_page(uint32_t pa, unsigned ap)
{
    return (pa & 0xfffff000u) | ((ap >> 2) & 1) << 9 | (ap & 3) << 4 | 2u;
}

/*
 * VA 0x10000000.. through one second-level table (domain 3):
 *   +0x0000 -> PA0, +0x1000 -> PA1, +0x2000 unmapped, +0x3000 -> the
 *   device, +0x4000 -> 0x80000000 (outside the domain), +0x5000 -> PA0 + 4
 *   KiB but privileged read-only (AP 101).
 */
static void mmu_on(struct env *e, struct arm_cpu *cpu)
{
    struct domain *d = e->d;
    put32(d, TTB + (VA >> 20) * 4, (L2T & 0xfffffc00u) | 3u << 5 | 1u);
    put32(d, L2T + 0 * 4, small_page(PA0, 1));
    put32(d, L2T + 1 * 4, small_page(PA1, 1));
    put32(d, L2T + 2 * 4, 0);
    put32(d, L2T + 3 * 4, small_page(DEV, 1));
    put32(d, L2T + 4 * 4, small_page(0x80000000u, 1));
    put32(d, L2T + 5 * 4, small_page(PA0 + 0x1000, 5));
    cpu->cp15.ttbr0 = TTB;
    cpu->cp15.ttbcr = 0;
    cpu->cp15.dacr = 1u << 6;       /* domain 3: client */
    cpu->cp15.sctlr |= SCTLR_M;
    cpu_tlb_flush(cpu);
}

START_TEST(test_mmu_off_copies)
{
    struct env *e = env_new();
    struct domain *d = e->d;
    struct arm_cpu *cpu = &e->cpu[0];
    const uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    uint8_t back[8] = { 0 };

    /* Across the page boundary at 0x40001000. */
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, RAM + 0xffc, data, 8), 0);
    ck_assert_uint_eq(get32(d, RAM + 0xffc), 0x04030201u);
    ck_assert_uint_eq(get32(d, RAM + 0x1000), 0x08070605u);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, RAM + 0xffc, back, 8), 0);
    ck_assert_mem_eq(back, data, 8);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, RAM, back, 0), 0);

    /* The last bytes of RAM, and one past them. */
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, RAM + RAM_SIZE - 4, data, 4), 0);
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, RAM + RAM_SIZE - 4, data, 8), -XEN_EFAULT);
    ck_assert_uint_eq(get32(d, RAM + RAM_SIZE - 4), 0x04030201u);

    /* Outside the domain, the device, a wrapping range, another's vCPU. */
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, 0x30000000u, back, 4), -XEN_EFAULT);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, RAM - 4, back, 8), -XEN_EFAULT);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, DEV, back, 4), -XEN_EFAULT);
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, DEV, data, 4), -XEN_EFAULT);
    ck_assert_uint_eq(e->dev_reads + e->dev_writes, 0);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, 0xfffffffcu, back, 8), -XEN_EFAULT);
    ck_assert_int_eq(hv_copy_from_guest(d, &e->cpu[2], RAM, back, 4), -XEN_EFAULT);
    ck_assert_int_eq(hv_copy_from_guest(e->other, cpu, RAM, back, 4), -XEN_EFAULT);
    env_free(e);
}
END_TEST

START_TEST(test_mmu_on_page_by_page)
{
    struct env *e = env_new();
    struct domain *d = e->d;
    struct arm_cpu *cpu = &e->cpu[0];
    mmu_on(e, cpu);
    const uint8_t data[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    uint8_t back[8];

    uint64_t gpa;
    uint32_t span;
    ck_assert_int_eq(hv_guest_translate(d, cpu, VA + 0x1234, &gpa, &span), 0);
    ck_assert_uint_eq(gpa, PA1 + 0x234);
    ck_assert_uint_eq(span, 0x1000 - 0x234);

    /* VA pages 0 and 1 are 192 KiB apart physically. */
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, VA + 0xffc, data, 8), 0);
    ck_assert_uint_eq(get32(d, PA0 + 0xffc), 0x44332211u);
    ck_assert_uint_eq(get32(d, PA1), 0x88776655u);
    ck_assert_uint_eq(get32(d, PA0 + 0x1000), 0);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, VA + 0xffc, back, 8), 0);
    ck_assert_mem_eq(back, data, 8);

    /* Into the unmapped page: nothing at all is written. */
    put32(d, PA1 + 0xffc, 0xcafef00d);
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, VA + 0x1ffc, data, 8), -XEN_EFAULT);
    ck_assert_uint_eq(get32(d, PA1 + 0xffc), 0xcafef00du);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, VA + 0x2000, back, 4), -XEN_EFAULT);

    /* A page that maps the device, one outside the domain's RAM. */
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, VA + 0x3000, back, 4), -XEN_EFAULT);
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, VA + 0x3000, data, 4), -XEN_EFAULT);
    ck_assert_uint_eq(e->dev_reads + e->dev_writes, 0);
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, VA + 0x4000, back, 4), -XEN_EFAULT);

    /* Privileged read-only, and a no-access DACR: only translation counts. */
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, VA + 0x5000, data, 4), 0);
    ck_assert_uint_eq(get32(d, PA0 + 0x1000), 0x44332211u);
    cpu->cp15.dacr = 0;
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, VA, back, 4), 0);
    ck_assert_uint_eq(cpu->cp15.dacr, 0);
    /* No trace of the walks in the vCPU's fault state or TLB. */
    cpu->fault.fsr = 0x123;
    ck_assert_int_eq(hv_copy_from_guest(d, cpu, VA + 0x2000, back, 4), -XEN_EFAULT);
    ck_assert_uint_eq(cpu->fault.fsr, 0x123);
    ck_assert_uint_eq(e->mmu[0].tlb_fills, 0);

    /* The other vCPU still has the MMU off: same VA, other meaning. */
    ck_assert_int_eq(hv_copy_from_guest(d, &e->cpu[1], VA, back, 4), -XEN_EFAULT);
    env_free(e);
}
END_TEST

START_TEST(test_gpa_access)
{
    struct env *e = env_new();
    struct domain *d = e->d;
    uint8_t buf[16];
    ck_assert_ptr_nonnull(hv_gpa_ptr(d, RAM, RAM_SIZE));
    ck_assert_ptr_null(hv_gpa_ptr(d, RAM, RAM_SIZE + 1));
    ck_assert_ptr_null(hv_gpa_ptr(d, RAM - 0x1000, 4));
    ck_assert_ptr_null(hv_gpa_ptr(d, DEV, 4));
    ck_assert_ptr_null(hv_gpa_ptr(d, 1ull << 32, 4));
    ck_assert(hv_gpa_is_ram(d, RAM + 0x1ff8, 16));
    ck_assert(!hv_gpa_is_ram(d, RAM + RAM_SIZE - 8, 16));
    memset(buf, 0x5a, sizeof(buf));
    put32(d, RAM + RAM_SIZE - 8, 0x01020304);
    ck_assert_int_eq(hv_gpa_write(d, RAM + RAM_SIZE - 8, buf, 16), -XEN_EFAULT);
    ck_assert_uint_eq(get32(d, RAM + RAM_SIZE - 8), 0x01020304u);
    ck_assert_int_eq(hv_gpa_read(d, RAM + RAM_SIZE - 8, buf, 16), -XEN_EFAULT);
    ck_assert_int_eq(hv_gpa_read(d, DEV, buf, 4), -XEN_EFAULT);
    ck_assert_uint_eq(e->dev_reads + e->dev_writes, 0);
    env_free(e);
}
END_TEST

START_TEST(test_monitor_cleared_by_hv_writes)
{
    struct env *e = env_new();
    struct domain *d = e->d;
    struct arm_cpu *c0 = &e->cpu[0], *c1 = &e->cpu[1], *foreign = &e->cpu[2];
    mmu_on(e, c0);
    const uint32_t v = 7;

    /* c0 tagged VA+0x10 = PA0+0x10 (MMU on), c1 the same PA with the MMU off,
     * a vCPU of another domain the same guest-physical address of its own. */
    c0->excl_addr = VA + 0x10, c0->excl_value = 4;
    c1->excl_addr = PA0 + 0x10, c1->excl_value = 4;
    foreign->excl_addr = PA0 + 0x10, foreign->excl_value = 4;

    /* Same 64-byte granule (Cortex-A15 CTR.ERG = 4: 16 words). */
    ck_assert_int_eq(hv_copy_to_guest(d, c0, VA + 0x38, &v, 4), 0);
    ck_assert_uint_eq(c0->excl_addr, ~0u);
    ck_assert_uint_eq(c1->excl_addr, ~0u);
    ck_assert_uint_eq(foreign->excl_addr, PA0 + 0x10);

    /* Another granule of the same page leaves the monitors alone. */
    c0->excl_addr = VA + 0x10, c0->excl_value = 4;
    c1->excl_addr = PA0 + 0x10, c1->excl_value = 4;
    ck_assert_int_eq(hv_gpa_write(d, PA0 + 0x40, &v, 4), 0);
    ck_assert_uint_eq(c0->excl_addr, VA + 0x10);
    ck_assert_uint_eq(c1->excl_addr, PA0 + 0x10);

    /* Through a host pointer, the caller reports the write. */
    uint8_t *p = hv_gpa_ptr(d, PA0, 4096);
    p[0x14] = 1;
    hv_gpa_written(d, PA0 + 0x14, 1);
    ck_assert_uint_eq(c0->excl_addr, ~0u);
    ck_assert_uint_eq(c1->excl_addr, ~0u);

    /* A tag that no longer translates is cleared too. */
    c0->excl_addr = VA + 0x2000, c0->excl_value = 4;
    hv_gpa_written(d, RAM + 0x90000, 4);
    ck_assert_uint_eq(c0->excl_addr, ~0u);

    c0->excl_addr = VA;
    c1->excl_addr = RAM;
    hv_guest_clear_monitors(d);
    ck_assert_uint_eq(c0->excl_addr, ~0u);
    ck_assert_uint_eq(c1->excl_addr, ~0u);
    ck_assert_uint_eq(foreign->excl_addr, PA0 + 0x10);
    env_free(e);
}
END_TEST

/* Runs the guest's instructions at pc one at a time (MMU off). */
static void put_code(struct domain *d, uint32_t pc, const uint32_t *insns, unsigned n)
{
    ck_assert_int_eq(hv_gpa_write(d, pc, insns, n * 4), 0);
}

START_TEST(test_ldrex_strex_against_hv_write)
{
    struct env *e = env_new();
    struct domain *d = e->d;
    struct arm_cpu *cpu = &e->cpu[0];
    const uint32_t code[] = {
        0xe1901f9fu,    /* ldrex r1, [r0] */
        0xe2811001u,    /* add   r1, r1, #1 */
        0xe1802f91u,    /* strex r2, r1, [r0] */
    };
    const uint32_t pc = RAM + 0x100, word = RAM + 0x800;
    put_code(d, pc, code, 3);

    /* Undisturbed, the increment succeeds. */
    put32(d, word, 10);
    cpu->r[0] = word;
    cpu->r[15] = pc;
    ck_assert_uint_eq(cpu_run(cpu, 3), 3);
    ck_assert_uint_eq(cpu->r[2], 0);
    ck_assert_uint_eq(get32(d, word), 11);

    /* The hypervisor sets a bit between LDREX and STREX: the STREX must
     * fail, or the guest would write back 11 + 1 over the 0x100. */
    put32(d, word, 10);
    cpu->r[15] = pc;
    ck_assert_uint_eq(cpu_run(cpu, 1), 1);
    ck_assert_uint_eq(cpu->excl_addr, word);
    uint32_t v = 10 | 0x100;
    ck_assert_int_eq(hv_gpa_write(d, word, &v, 4), 0);
    ck_assert_uint_eq(cpu_run(cpu, 2), 2);
    ck_assert_uint_eq(cpu->r[2], 1);
    ck_assert_uint_eq(get32(d, word), 0x10a);
    env_free(e);
}
END_TEST

START_TEST(test_hv_write_redecodes_code)
{
    struct env *e = env_new();
    struct domain *d = e->d;
    struct arm_cpu *cpu = &e->cpu[0];
    const uint32_t pc = RAM + 0x200;
    uint32_t insn = 0xe3a00001u;    /* mov r0, #1 */
    put_code(d, pc, &insn, 1);
    cpu->r[15] = pc;
    ck_assert_uint_eq(cpu_run(cpu, 1), 1);
    ck_assert_uint_eq(cpu->r[0], 1);

    insn = 0xe3a00002u;             /* mov r0, #2, written by the hypervisor */
    ck_assert_int_eq(hv_copy_to_guest(d, cpu, pc, &insn, 4), 0);
    cpu->r[15] = pc;
    ck_assert_uint_eq(cpu_run(cpu, 1), 1);
    ck_assert_uint_eq(cpu->r[0], 2);
    env_free(e);
}
END_TEST

Suite *guest_mem_suite(void)
{
    Suite *s = suite_create("guest_mem");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_mmu_off_copies);
    tcase_add_test(tc, test_mmu_on_page_by_page);
    tcase_add_test(tc, test_gpa_access);
    tcase_add_test(tc, test_monitor_cleared_by_hv_writes);
    tcase_add_test(tc, test_ldrex_strex_against_hv_write);
    tcase_add_test(tc, test_hv_write_redecodes_code);
    suite_add_tcase(s, tc);
    return s;
}
