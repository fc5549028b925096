/*
 * A CPU on plain RAM for instruction-level unit tests (ARM, Thumb, the
 * differential tests): an ARM926EJ-S (or, with fixture_init_model, any
 * model) in SVC mode, MMU off, 1 MiB of RAM at physical 0, vectors at 0.
 *
 *   struct cpu_fixture *f = fixture_init();
 *   fixture_put_insn(f, 0xe2810001);        // add r0, r1, #1 at FIXTURE_CODE
 *   f->cpu.r[1] = 41;
 *   fixture_step(f, 1);                     // runs one instruction
 *   ck_assert_uint_eq(f->cpu.r[0], 42);
 *   fixture_free(f);
 *
 * fixture_put_insn/fixture_put_thumb append at f->next (FIXTURE_CODE after
 * init, or wherever the test sets it); fixture_init points r[15] at
 * FIXTURE_CODE. Writes go through the address space, so code rewritten at
 * the same address is re-decoded. The vector area is filled with
 * "b ." so a test can see which exception it took with fixture_vector().
 */
#ifndef TESTS_UNIT_CPU_FIXTURE_H
#define TESTS_UNIT_CPU_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>

#include "cpu/cpu.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define FIXTURE_RAM_SIZE 0x100000u
#define FIXTURE_CODE 0x8000u    /* first instruction */
#define FIXTURE_DATA 0x40000u   /* free RAM for load/store tests */
#define FIXTURE_TTB 0x4000u     /* first-level table for fixture_mmu_on() */

struct cpu_fixture {
    struct aspace as;
    struct mmu_context mmu;
    struct arm_cpu cpu;
    uint32_t next;              /* where the next fixture_put_* writes */
};

static inline void fixture_write32(struct cpu_fixture *f, uint32_t addr, uint32_t value)
{
    aspace_write_bytes(&f->as, addr, &value, 4);
}

static inline uint32_t fixture_read32(struct cpu_fixture *f, uint32_t addr)
{
    uint32_t value = 0;
    aspace_read_bytes(&f->as, addr, &value, 4);
    return value;
}

/* Returns NULL only when the host is out of memory. */
static inline struct cpu_fixture *fixture_init_model(const struct cpu_model *model)
{
    struct cpu_fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    aspace_init(&f->as, NULL);
    aspace_add_ram(&f->as, 0, FIXTURE_RAM_SIZE, "ram");
    cpu_init(&f->cpu, model, 0);
    mmu_attach(&f->mmu, &f->cpu, &f->as);
    for (uint32_t v = 0; v < 0x20; v += 4)
        fixture_write32(f, v, 0xeafffffeu);   /* b . */
    f->cpu.r[15] = FIXTURE_CODE;
    f->next = FIXTURE_CODE;
    return f;
}

static inline struct cpu_fixture *fixture_init(void)
{
    return fixture_init_model(&cpu_model_arm926);
}

static inline void fixture_free(struct cpu_fixture *f)
{
    aspace_destroy(&f->as);
    free(f);
}

/*
 * Code writes. aspace_write_bytes resets the page's decoded blocks but
 * leaves the exec TLB entry, so the page would not be marked as code again
 * and a second rewrite would run stale slots: flush the TLB so the next
 * fetch goes through fetch_block.
 */
static inline void fixture_write_code(struct cpu_fixture *f, uint32_t addr, const void *buf,
                                      unsigned len)
{
    aspace_write_bytes(&f->as, addr, buf, len);
    cpu_tlb_flush(&f->cpu);
}

/* Appends one ARM instruction; returns its address. */
static inline uint32_t fixture_put_insn(struct cpu_fixture *f, uint32_t insn)
{
    uint32_t addr = f->next;
    fixture_write_code(f, addr, &insn, 4);
    f->next += 4;
    return addr;
}

/* Appends one Thumb halfword; returns its address. */
static inline uint32_t fixture_put_thumb(struct cpu_fixture *f, uint16_t hw)
{
    uint32_t addr = f->next;
    fixture_write_code(f, addr, &hw, 2);
    f->next += 2;
    return addr;
}

/*
 * MMU (ARMv5 sections only, enough to provoke aborts): map the 1 MiB
 * section holding va to pa with AP = ap (DDI 0100I B3.4.1; 3 = full
 * access, 1 = privileged only), domain 0. Unmapped sections fault.
 */
static inline void fixture_map_section(struct cpu_fixture *f, uint32_t va, uint32_t pa,
                                       unsigned ap)
{
    fixture_write32(f, FIXTURE_TTB + (va >> 20) * 4,
                    (pa & 0xfff00000u) | (ap & 3) << 10 | 1u << 4 | 2u);
    cpu_tlb_flush(&f->cpu);
}

/* MMU on with domain 0 as client; map the code's section first. */
static inline void fixture_mmu_on(struct cpu_fixture *f)
{
    f->cpu.cp15.ttbr0 = FIXTURE_TTB;
    f->cpu.cp15.dacr = 1;
    f->cpu.cp15.sctlr |= SCTLR_M;
    cpu_tlb_flush(&f->cpu);
}

/* Runs up to n instructions; returns how many ran. */
static inline uint64_t fixture_step(struct cpu_fixture *f, uint64_t n)
{
    return cpu_run(&f->cpu, n);
}

/*
 * Exception vector the CPU sits at (0x04 undefined, 0x08 SVC, 0x0c
 * prefetch abort, 0x10 data abort, ...), or -1 when r[15] is not in the
 * vector area.
 */
static inline int fixture_vector(const struct cpu_fixture *f)
{
    return f->cpu.r[15] < 0x20 ? (int)f->cpu.r[15] : -1;
}

#endif
