/*
 * Several CPUs on a bare board (devices/machine.c, machine_run_smp): the
 * round-robin quanta, WFI-waiting CPUs skipped, WFE yielding, the GIC's
 * banked CPU interface serving the CPU that runs, SGIs between CPUs, the
 * exclusive monitor cleared by a switch, and the board's CPU limit.
 * Small ARM programs run from RAM with the MMU off on a vexpress-a15;
 * the secondary boot pen (devices/linux_boot.c) releases CPU 1 the way
 * Linux's platsmp-vexpress.c does.
 */
#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/linux_boot.h"
#include "devices/machine.h"

#define A15_RAM 0x80000000u
#define CPU1_CODE (A15_RAM + 0x100)
#define SHARED_WORD (A15_RAM + 0x2000)

/* b . */
static const uint32_t spin[] = { 0xeafffffe };
/* wfi; b . */
static const uint32_t wfi_then_spin[] = { 0xe320f003, 0xeafffffe };
/* 1: add r8, r8, #1; wfe; b 1b */
static const uint32_t wfe_loop[] = { 0xe2888001, 0xe320f002, 0xeafffffc };

/*
 * CPU 0: enable the distributor, count 20000 down (longer than a
 * quantum, so CPU 1 runs meanwhile), write 0x55 to SHARED_WORD, send
 * SGI 5 to CPU 1 (GICD_SGIR target list 0b10), then spin.
 *
 *   ldr r2, =0x2c001000; mov r1, #1; str r1, [r2]; ldr r0, =20000
 *   1: subs r0, r0, #1; bne 1b
 *   ldr r5, =SHARED_WORD; mov r1, #0x55; str r1, [r5]
 *   ldr r1, =0x00020005; str r1, [r2, #0xf00]
 *   2: add r8, r8, #1; b 2b
 */
static const uint32_t cpu0_sender[] = {
    0xe59f202c, 0xe3a01001, 0xe5821000, 0xe59f0024, 0xe2500001, 0x1afffffd,
    0xe59f501c, 0xe3a01055, 0xe5851000, 0xe59f1014, 0xe5821f00, 0xe2888001,
    0xeafffffd, 0x2c001000, 0x00004e20, SHARED_WORD, 0x00020005,
};

/*
 * CPU 1: enable its GIC CPU interface (GICC_CTLR, GICC_PMR), tag
 * SHARED_WORD with LDREX, wait in WFI (interrupts masked, so the SGI
 * only wakes it), try STREX (r6: 1 = failed), acknowledge (GICC_IAR to
 * r3), read MPIDR to r4, spin.
 *
 *   ldr r2, =0x2c002000; mov r1, #1; str r1, [r2]; mov r1, #0xff; str r1, [r2, #4]
 *   ldr r5, =SHARED_WORD; ldrex r1, [r5]; wfi
 *   mov r7, #0xaa; strex r6, r7, [r5]
 *   ldr r3, [r2, #0xc]; mrc p15, 0, r4, c0, c0, 5; b .
 */
static const uint32_t cpu1_receiver[] = {
    0xe59f202c, 0xe3a01001, 0xe5821000, 0xe3a010ff, 0xe5821004, 0xe59f501c,
    0xe1951f9f, 0xe320f003, 0xe3a070aa, 0xe1856f97, 0xe592300c, 0xee104fb0,
    0xeafffffe, 0x2c002000, SHARED_WORD,
};

/*
 * A stand-in zImage (magic at 0x24) doing what Linux does to start its
 * secondaries: SYS_FLAGSSET = 0x80003000, enable the distributor, SGI 0
 * to every CPU interface (GICD_SGIR target list 0xff, as Linux before a
 * CPU's GIC mask is known), then spin.
 *
 *   b start; .org 0x24; .word 0x016f2818; .org 0x30
 *   start: ldr r0, =0x1c010030; ldr r1, =0x80003000; str r1, [r0]
 *   ldr r2, =0x2c001000; mov r3, #1; str r3, [r2]
 *   mov r3, #0xff0000; str r3, [r2, #0xf00]; b .
 */
static const uint32_t fake_zimage[] = {
    0xea00000a, 0, 0, 0, 0, 0, 0, 0, 0, 0x016f2818, 0, 0,
    0xe59f001c, 0xe59f101c, 0xe5801000, 0xe59f2018, 0xe3a03001, 0xe5823000,
    0xe3a038ff, 0xe5823f00, 0xeafffffe, 0x1c010030, 0x80003000, 0x2c001000,
};
#define SECONDARY_ENTRY 0x80003000u
/* mrc p15, 0, r4, c0, c0, 5 (MPIDR); b . */
static const uint32_t secondary_entry[] = { 0xee104fb0, 0xeafffffe };

/* A device tree whose /cpus lists CPUs 0 and 1 only. */
static void write_two_cpu_dtb(const char *path)
{
    static char fdt[4096];
    ck_assert_int_eq(fdt_create_empty_tree(fdt, sizeof(fdt)), 0);
    ck_assert_int_eq(fdt_setprop_u32(fdt, 0, "#address-cells", 1), 0);
    ck_assert_int_eq(fdt_setprop_u32(fdt, 0, "#size-cells", 1), 0);
    int cpus = fdt_add_subnode(fdt, 0, "cpus");
    ck_assert_int_ge(cpus, 0);
    for (unsigned i = 0; i < 2; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cpu@%u", i);
        int node = fdt_add_subnode(fdt, cpus, name);
        ck_assert_int_ge(node, 0);
        ck_assert_int_eq(fdt_setprop_string(fdt, node, "device_type", "cpu"), 0);
        ck_assert_int_eq(fdt_setprop_u32(fdt, node, "reg", i), 0);
    }
    fdt_pack(fdt);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(fdt, 1, fdt_totalsize(fdt), f), fdt_totalsize(fdt));
    fclose(f);
}

static struct machine *smp_machine(unsigned cpus)
{
    struct machine *m = calloc(1, sizeof(*m));
    ck_assert_ptr_nonnull(m);
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.board = "vexpress-a15";
    cfg.memory = 16u << 20;
    cfg.cpus = cpus;
    cfg.mhz = 100;
    ck_assert_int_eq(machine_create(m, &cfg), 0);
    ck_assert_uint_eq(m->cpu_count, cpus);
    return m;
}

static void load(struct machine *m, unsigned cpu, uint32_t addr, const uint32_t *code,
                 size_t size)
{
    ck_assert_int_eq(aspace_write_bytes(&m->as, addr, code, size), 0);
    m->cpu[cpu].r[15] = addr;
    m->cpu[cpu].thumb = 0;
}

static void smp_free(struct machine *m)
{
    machine_destroy(m);
    free(m);
}

START_TEST(test_smp_round_robin_shares_evenly)
{
    struct machine *m = smp_machine(2);
    load(m, 0, A15_RAM, spin, sizeof(spin));
    load(m, 1, CPU1_CODE, spin, sizeof(spin));
    ck_assert_int_eq(machine_run(m, 100000), STOP_BUDGET);
    ck_assert_uint_eq(machine_instructions(m), 100000);
    /* Quanta of 10,000 instructions, CPU 0 first: five each. */
    ck_assert_uint_eq(m->cpu[0].icount, 50000);
    ck_assert_uint_eq(m->cpu[1].icount, 50000);
    ck_assert_uint_ge(m->smp_switches, 9);
    smp_free(m);
}
END_TEST

START_TEST(test_smp_wfi_cpu_is_skipped)
{
    struct machine *m = smp_machine(2);
    load(m, 0, A15_RAM, spin, sizeof(spin));
    load(m, 1, CPU1_CODE, wfi_then_spin, sizeof(wfi_then_spin));
    ck_assert_int_eq(machine_run(m, 100000), STOP_BUDGET);
    ck_assert_uint_eq(m->cpu[1].icount, 1);       /* the WFI, then it waits */
    ck_assert(m->cpu[1].halted);
    ck_assert_uint_eq(m->cpu[0].icount, 99999);
    smp_free(m);
}
END_TEST

START_TEST(test_smp_wfe_yields_instead_of_halting)
{
    struct machine *m = smp_machine(2);
    load(m, 0, A15_RAM, wfe_loop, sizeof(wfe_loop));
    load(m, 1, CPU1_CODE, wfe_loop, sizeof(wfe_loop));
    ck_assert_int_eq(machine_run(m, 3000), STOP_BUDGET);
    /* Each WFE ends the quantum: the CPUs alternate every loop pass
     * (add, wfe; then b, add, wfe), and neither stays halted. */
    ck_assert(!m->cpu[0].halted && !m->cpu[1].halted);
    ck_assert_uint_eq(m->cpu[0].r[8] + m->cpu[1].r[8], 3000 / 3 + 1);
    ck_assert_uint_le(m->cpu[0].r[8] - m->cpu[1].r[8] + 1, 2);   /* within one pass */
    smp_free(m);
}
END_TEST

START_TEST(test_smp_sgi_wakes_other_cpu_and_monitor_is_cleared)
{
    struct machine *m = smp_machine(2);
    load(m, 0, A15_RAM, cpu0_sender, sizeof(cpu0_sender));
    load(m, 1, CPU1_CODE, cpu1_receiver, sizeof(cpu1_receiver));
    ck_assert_int_eq(machine_run(m, 200000), STOP_BUDGET);
    struct arm_cpu *cpu1 = &m->cpu[1];
    ck_assert_uint_eq(cpu1->r[15], CPU1_CODE + 12 * 4);          /* at its final b . */
    /* GICC_IAR read by CPU 1 on its own interface: SGI 5 from CPU 0. */
    ck_assert_uint_eq(cpu1->r[3], 5);
    ck_assert_uint_eq(cpu1->r[4], 0x80000001u);                  /* MPIDR: CPU 1 */
    /* CPU 0 wrote the tagged word while CPU 1 waited: STREX fails. */
    ck_assert_uint_eq(cpu1->r[6], 1);
    uint32_t word = 0;
    ck_assert_int_eq(aspace_read(&m->as, SHARED_WORD, 4, &word), 0);
    ck_assert_uint_eq(word, 0x55);
    ck_assert_uint_gt(m->cpu[0].r[8], 0);                        /* CPU 0 got past its send */
    smp_free(m);
}
END_TEST

START_TEST(test_smp_board_cpu_limit)
{
    struct machine *m = smp_machine(4);
    ck_assert_uint_eq(m->smp_pen.release_addr, 0x1c010030u);     /* SYS_FLAGS */
    ck_assert_uint_eq(m->smp_pen.gic_cpu_base, 0x2c002000u);
    ck_assert_uint_eq(m->smp_pen.pen_base, 0x15fff000u);         /* last PSRAM page */
    smp_free(m);

    struct machine *bad = calloc(1, sizeof(*bad));
    struct machine_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.board = "vexpress-a9";
    cfg.cpus = 5;
    ck_assert_int_lt(machine_create(bad, &cfg), 0);
    free(bad);
}
END_TEST

START_TEST(test_smp_pen_releases_listed_cpus_only)
{
    char dir[] = "/tmp/armhv-smp.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char kernel[64], dtb[64];
    snprintf(kernel, sizeof(kernel), "%s/zImage", dir);
    snprintf(dtb, sizeof(dtb), "%s/two.dtb", dir);
    FILE *f = fopen(kernel, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(fake_zimage, 1, sizeof(fake_zimage), f), sizeof(fake_zimage));
    fclose(f);
    write_two_cpu_dtb(dtb);

    struct machine *m = smp_machine(3);
    struct linux_boot boot = { .kernel = kernel, .dtb = dtb, .machine_type = 0x8e0 };
    ck_assert_int_eq(linux_boot_setup(m, &boot), 0);
    unlink(kernel);
    unlink(dtb);
    rmdir(dir);
    ck_assert_int_eq(aspace_write_bytes(&m->as, SECONDARY_ENTRY, secondary_entry,
                                        sizeof(secondary_entry)), 0);
    uint32_t pen = m->smp_pen.pen_base;
    ck_assert_uint_eq(m->cpu[1].r[15], pen);
    ck_assert_uint_ne(m->cpu[2].r[15], pen);        /* not in the DT: parked */

    ck_assert_int_eq(machine_run(m, 100000), STOP_BUDGET);
    /* CPU 1 took the entry from SYS_FLAGS once the SGI woke it. */
    ck_assert_uint_eq(m->cpu[1].r[15], SECONDARY_ENTRY + 4);
    ck_assert_uint_eq(m->cpu[1].r[4], 0x80000001u);
    /* CPU 2 got the SGI too but never enabled its GIC interface. */
    ck_assert(m->cpu[2].halted);
    ck_assert_uint_lt(m->cpu[2].icount, 4);
    ck_assert_uint_eq(m->cpu[0].r[15], 0x80010050u);   /* CPU 0 at its final b . */
    smp_free(m);
}
END_TEST

Suite *smp_suite(void)
{
    Suite *s = suite_create("smp");
    TCase *tc = tcase_create("round-robin");
    tcase_add_test(tc, test_smp_round_robin_shares_evenly);
    tcase_add_test(tc, test_smp_wfi_cpu_is_skipped);
    tcase_add_test(tc, test_smp_wfe_yields_instead_of_halting);
    tcase_add_test(tc, test_smp_sgi_wakes_other_cpu_and_monitor_is_cleared);
    tcase_add_test(tc, test_smp_board_cpu_limit);
    tcase_add_test(tc, test_smp_pen_releases_listed_cpus_only);
    suite_add_tcase(s, tc);
    return s;
}
