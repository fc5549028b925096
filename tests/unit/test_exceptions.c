/*
 * Exception entry and return on the ARM926EJ-S (ARM ARM DDI 0100I A2.6,
 * "Exceptions"; DDI 0406C B1.8, "Exception handling").
 *
 * What is tested and why: for every exception (reset, undefined, SVC,
 * prefetch abort, data abort, IRQ, FIQ) the target mode, the LR value in
 * ARM and Thumb state (the off-by-2/4/8 rules differ per exception), SPSR =
 * the old CPSR, CPSR.I set (and F for FIQ and reset), T cleared, flags kept,
 * the vector address with low and high vectors (SCTLR.V), the banked
 * registers of the interrupted mode left intact, and the return paths
 * (cpu_exception_return, SUBS PC, LR, MOVS PC, LR and LDM ^) restoring the
 * CPSR and the banked registers. An exception that lands in the wrong mode
 * or with LR off by one instruction is the classic emulator bug that only
 * shows up much later, as a guest kernel returning to the wrong place.
 *
 * The tests drive both the C entry points (cpu_take_exception,
 * cpu_undefined, cpu_svc, cpu_data_abort, cpu_prefetch_abort,
 * cpu_set_irq/fiq + cpu_check_interrupts) and real instructions through
 * cpu_run on the shared CPU fixture (RAM at 0, vectors at 0 holding "b .").
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "tests/unit/cpu_fixture.h"

#define CODE FIXTURE_CODE
#define FLAGS_NCQ (PSR_N | PSR_C | PSR_Q)   /* a recognisable flag pattern */

/* Banked r13/r14 per mode, and the two r8-r12 sets, all distinct. */
static uint32_t bank_value(unsigned mode, unsigned reg)
{
    return 0x10000000u * (mode & 0xf) + 0x100u * reg + 0x5au;
}

static const unsigned all_modes[] = {
    MODE_USR, MODE_FIQ, MODE_IRQ, MODE_SVC, MODE_ABT, MODE_UND,
};

/*
 * A CPU whose every bank holds bank_value(mode, reg), running in mode with
 * the given extra CPSR bits, r0-r7 = 0x700 + n and PC at CODE.
 */
static struct cpu_fixture *setup(unsigned mode, uint32_t cpsr_bits)
{
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    struct arm_cpu *cpu = &f->cpu;
    for (unsigned i = 0; i < ARRAY_SIZE(all_modes); i++) {
        unsigned m = all_modes[i];
        cpu_set_cpsr(cpu, m | PSR_I | PSR_F, PSR_M_MASK | PSR_I | PSR_F);
        cpu->r[13] = bank_value(m, 13);
        cpu->r[14] = bank_value(m, 14);
        if (m == MODE_USR || m == MODE_FIQ)
            for (unsigned r = 8; r <= 12; r++)
                cpu->r[r] = bank_value(m, r);
        if (cpu_mode_has_spsr(m))
            cpu->spsr = 0xdeadbe00u | m;
    }
    cpu_set_cpsr(cpu, mode | cpsr_bits, 0xffffffffu);
    for (unsigned r = 0; r < 8; r++)
        cpu->r[r] = 0x700u + r;
    cpu->r[15] = CODE;
    return f;
}

/* The state an exception entry must produce, checked in one place. */
struct expect {
    unsigned mode;
    uint32_t lr;
    uint32_t pc;
    uint32_t spsr;
    bool fiq_masked;     /* CPSR.F after entry */
};

static void check_entry(struct arm_cpu *cpu, const struct expect *e, uint32_t old_cpsr)
{
    uint32_t cpsr = cpu_get_cpsr(cpu);
    ck_assert_uint_eq(cpsr & PSR_M_MASK, e->mode);
    ck_assert_uint_eq(cpu->r[14], e->lr);
    ck_assert_uint_eq(cpu->r[15], e->pc);
    ck_assert_uint_eq(cpu->spsr, e->spsr);
    ck_assert(cpsr & PSR_I);                               /* IRQs masked */
    ck_assert_uint_eq(!!(cpsr & PSR_F), e->fiq_masked);
    ck_assert(!(cpsr & PSR_T));                            /* ARM state (SCTLR.TE = 0) */
    ck_assert_uint_eq(cpsr & (PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q),
                      old_cpsr & (PSR_N | PSR_Z | PSR_C | PSR_V | PSR_Q));
    /* The new mode's own r13, and r0-r7 untouched. */
    ck_assert_uint_eq(cpu->r[13], bank_value(e->mode, 13));
    for (unsigned r = 0; r < 8; r++)
        ck_assert_uint_eq(cpu->r[r], 0x700u + r);
}

/* The interrupted (USR) mode's banked registers survive the entry. */
static void check_user_bank_kept(struct arm_cpu *cpu)
{
    ck_assert_uint_eq(cpu_get_user_reg(cpu, 13), bank_value(MODE_USR, 13));
    ck_assert_uint_eq(cpu_get_user_reg(cpu, 14), bank_value(MODE_USR, 14));
    for (unsigned r = 8; r <= 12; r++)
        ck_assert_uint_eq(cpu_get_user_reg(cpu, r), bank_value(MODE_USR, r));
}

/* ---- synchronous exceptions raised by executing instructions ---- */

/* UDF (permanently undefined, DDI 0100I A3.16): LR_und = insn + 4. */
START_TEST(test_undefined_arm)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    uint64_t before = cpu->exceptions_taken[EXC_UNDEFINED];
    fixture_put_insn(f, 0xe7f000f0);
    fixture_step(f, 1);
    struct expect e = { MODE_UND, CODE + 4, 0x04, old, false };
    check_entry(cpu, &e, old);
    check_user_bank_kept(cpu);
    ck_assert_uint_eq(cpu->exceptions_taken[EXC_UNDEFINED], before + 1);
    fixture_free(f);
}
END_TEST

/* Thumb 0xdexx (B with cond 1110) is UNDEFINED: LR_und = insn + 2. */
START_TEST(test_undefined_thumb)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ | PSR_T);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    fixture_put_thumb(f, 0x46c0);    /* mov r8, r8 */
    fixture_put_thumb(f, 0xde00);
    fixture_step(f, 2);
    struct expect e = { MODE_UND, CODE + 4, 0x04, old, false };
    check_entry(cpu, &e, old);
    ck_assert(old & PSR_T);
    check_user_bank_kept(cpu);
    fixture_free(f);
}
END_TEST

/* SVC/SWI (A2.6.4): SVC mode, LR_svc = next instruction. */
START_TEST(test_svc_arm)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_Z | PSR_V);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    uint64_t before = cpu->exceptions_taken[EXC_SVC];
    fixture_put_insn(f, 0xef123456);  /* svc #0x123456 */
    fixture_step(f, 1);
    struct expect e = { MODE_SVC, CODE + 4, 0x08, old, false };
    check_entry(cpu, &e, old);
    check_user_bank_kept(cpu);
    ck_assert_uint_eq(cpu->exceptions_taken[EXC_SVC], before + 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_svc_thumb)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_T | PSR_C);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    fixture_put_thumb(f, 0xdf12);     /* svc #0x12 */
    fixture_step(f, 1);
    struct expect e = { MODE_SVC, CODE + 2, 0x08, old, false };
    check_entry(cpu, &e, old);
    fixture_free(f);
}
END_TEST

/* SVC taken from SVC mode: LR_svc and SPSR_svc are overwritten. */
START_TEST(test_svc_from_svc)
{
    struct cpu_fixture *f = setup(MODE_SVC, PSR_N);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    fixture_put_insn(f, 0xef000000);
    fixture_step(f, 1);
    struct expect e = { MODE_SVC, CODE + 4, 0x08, old, false };
    check_entry(cpu, &e, old);
    fixture_free(f);
}
END_TEST

/* BKPT (A4.1.7): a prefetch abort, LR_abt = insn + 4 in both states. */
START_TEST(test_bkpt_arm)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    uint64_t before = cpu->exceptions_taken[EXC_PREFETCH_ABORT];
    fixture_put_insn(f, 0xe1200070);
    fixture_step(f, 1);
    struct expect e = { MODE_ABT, CODE + 4, 0x0c, old, false };
    check_entry(cpu, &e, old);
    ck_assert_uint_eq(cpu->exceptions_taken[EXC_PREFETCH_ABORT], before + 1);
    fixture_free(f);
}
END_TEST

START_TEST(test_bkpt_thumb)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_T);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    fixture_put_thumb(f, 0xbe01);
    fixture_step(f, 1);
    struct expect e = { MODE_ABT, CODE + 4, 0x0c, old, false };
    check_entry(cpu, &e, old);
    fixture_free(f);
}
END_TEST

/* ---- aborts through the C entry points ---- */

/* Data abort (A2.6.6): LR_abt = aborted instruction + 8 in ARM state. */
START_TEST(test_data_abort_arm)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu->r[15] = CODE + 8;            /* as inside the handler of the insn at CODE */
    cpu->fault.fsr = 0x5;
    cpu->fault.far = 0x00123456;
    cpu->fault.write = false;
    ck_assert_int_ne(cpu_data_abort(cpu), 0);
    struct expect e = { MODE_ABT, CODE + 8, 0x10, old, false };
    check_entry(cpu, &e, old);
    ck_assert_uint_eq(cpu->cp15.dfsr, 0x5);
    ck_assert_uint_eq(cpu->cp15.dfar, 0x00123456);
    check_user_bank_kept(cpu);
    fixture_free(f);
}
END_TEST

/* ... and + 8 in Thumb state too, so SUBS PC, LR, #8 re-executes it. */
START_TEST(test_data_abort_thumb)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_T);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu->r[15] = CODE + 4;
    cpu->fault.fsr = 0x7;
    cpu->fault.far = 0x00300000;
    cpu_data_abort(cpu);
    struct expect e = { MODE_ABT, CODE + 8, 0x10, old, false };
    check_entry(cpu, &e, old);
    fixture_free(f);
}
END_TEST

/* Prefetch abort (A2.6.5): LR_abt = aborted instruction + 4. */
START_TEST(test_prefetch_abort_direct)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ | PSR_T);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu_prefetch_abort(cpu, CODE + 2, 0x5);
    struct expect e = { MODE_ABT, CODE + 6, 0x0c, old, false };
    check_entry(cpu, &e, old);
    ck_assert_uint_eq(cpu->cp15.ifsr, 0x5);
    fixture_free(f);
}
END_TEST

/*
 * Real aborts from the MMU: one 1 MiB section maps VA 0 to PA 0 (ARMv5
 * section descriptor, AP = 0b11, domain 0, DACR = client); everything
 * else faults. A load from an unmapped VA is a data abort with DFSR =
 * section translation fault (0b0101) and DFAR = the VA; a branch to an
 * unmapped VA is a prefetch abort with LR = that address + 4.
 */
static void enable_flat_mmu(struct cpu_fixture *f)
{
    const uint32_t l1 = 0x4000;   /* 16 KiB aligned translation table */
    for (uint32_t i = 0; i < 4096; i++)
        fixture_write32(f, l1 + 4 * i, 0);
    fixture_write32(f, l1, 0x00000c12u);   /* section, PA 0, AP=11, domain 0 */
    f->cpu.cp15.ttbr0 = l1;
    f->cpu.cp15.dacr = 0x1;
    f->cpu.cp15.sctlr |= SCTLR_M;
    cpu_tlb_flush(&f->cpu);
}

START_TEST(test_data_abort_mmu)
{
    struct cpu_fixture *f = setup(MODE_USR, 0);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    enable_flat_mmu(f);
    fixture_put_insn(f, 0xe5910000);   /* ldr r0, [r1] */
    cpu->r[1] = 0x00200010;
    fixture_step(f, 1);
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_ABT);
    ck_assert_uint_eq(cpu->r[14], CODE + 8);
    ck_assert_uint_eq(cpu->r[15], 0x10);
    ck_assert_uint_eq(cpu->spsr, old);
    ck_assert_uint_eq(cpu->r[0], 0x700);          /* the load did not happen */
    ck_assert_uint_eq(cpu->cp15.dfsr & 0xf, 0x5);
    ck_assert_uint_eq(cpu->cp15.dfar, 0x00200010);
    fixture_free(f);
}
END_TEST

START_TEST(test_prefetch_abort_mmu)
{
    struct cpu_fixture *f = setup(MODE_USR, 0);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    enable_flat_mmu(f);
    fixture_put_insn(f, 0xe12fff11);   /* bx r1 */
    cpu->r[1] = 0x00300000;
    fixture_step(f, 2);
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_ABT);
    ck_assert_uint_eq(cpu->r[14], 0x00300004);
    ck_assert_uint_eq(cpu->r[15], 0x0c);
    ck_assert_uint_eq(cpu->spsr, old);
    ck_assert_uint_eq(cpu->cp15.ifsr & 0xf, 0x5);
    fixture_free(f);
}
END_TEST

/* ---- interrupts ---- */

/* IRQ (A2.6.8): LR_irq = next instruction + 4, in ARM and Thumb state. */
START_TEST(test_irq_arm)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu_set_irq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    struct expect e = { MODE_IRQ, CODE + 4, 0x18, old, false };
    check_entry(cpu, &e, old);
    check_user_bank_kept(cpu);
    fixture_free(f);
}
END_TEST

START_TEST(test_irq_thumb)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_T);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu->r[15] = CODE + 2;
    cpu_set_irq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    struct expect e = { MODE_IRQ, CODE + 6, 0x18, old, false };
    check_entry(cpu, &e, old);
    fixture_free(f);
}
END_TEST

/* CPSR.I masks IRQ; the line stays pending and is taken once unmasked. */
START_TEST(test_irq_masked)
{
    struct cpu_fixture *f = setup(MODE_SVC, PSR_I);
    struct arm_cpu *cpu = &f->cpu;
    cpu_set_irq(cpu, 1);
    ck_assert(!cpu_check_interrupts(cpu));
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_SVC);
    ck_assert_uint_eq(cpu->r[15], CODE);
    cpu_set_cpsr(cpu, 0, PSR_I);
    ck_assert(cpu_check_interrupts(cpu));
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_IRQ);
    cpu_set_irq(cpu, 0);
    fixture_free(f);
}
END_TEST

/* An IRQ pending when cpu_run starts is taken before the next instruction. */
START_TEST(test_irq_from_run)
{
    struct cpu_fixture *f = setup(MODE_USR, 0);
    struct arm_cpu *cpu = &f->cpu;
    fixture_put_insn(f, 0xe3a00001);   /* mov r0, #1: must not run */
    cpu_set_irq(cpu, 1);
    fixture_step(f, 1);
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_IRQ);
    ck_assert_uint_eq(cpu->r[0], 0x700);
    ck_assert_uint_eq(cpu->r[14], CODE + 4);
    ck_assert_int_eq(fixture_vector(f), 0x18);
    fixture_free(f);
}
END_TEST

/* FIQ (A2.6.9): F and I set, r8-r12 switch to the FIQ bank. */
START_TEST(test_fiq)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu_set_fiq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    struct expect e = { MODE_FIQ, CODE + 4, 0x1c, old, true };
    check_entry(cpu, &e, old);
    for (unsigned r = 8; r <= 12; r++)
        ck_assert_uint_eq(cpu->r[r], bank_value(MODE_FIQ, r));
    check_user_bank_kept(cpu);
    fixture_free(f);
}
END_TEST

/* FIQ has priority over IRQ (A2.6.10); CPSR.F masks FIQ but not IRQ. */
START_TEST(test_fiq_priority_and_mask)
{
    struct cpu_fixture *f = setup(MODE_USR, 0);
    struct arm_cpu *cpu = &f->cpu;
    cpu_set_irq(cpu, 1);
    cpu_set_fiq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_FIQ);
    fixture_free(f);

    f = setup(MODE_USR, PSR_F);
    cpu = &f->cpu;
    cpu_set_irq(cpu, 1);
    cpu_set_fiq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    ck_assert_uint_eq(cpu_get_cpsr(cpu) & PSR_M_MASK, MODE_IRQ);
    ck_assert(cpu_get_cpsr(cpu) & PSR_F);       /* still masked inside the IRQ */
    fixture_free(f);
}
END_TEST

/* ---- reset and vector placement ---- */

/* Reset (A2.6.2): SVC mode, I and F set, ARM state, vector 0. */
START_TEST(test_reset_exception)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_T);
    struct arm_cpu *cpu = &f->cpu;
    cpu_take_exception(cpu, EXC_RESET, 0);
    uint32_t cpsr = cpu_get_cpsr(cpu);
    ck_assert_uint_eq(cpsr & PSR_M_MASK, MODE_SVC);
    ck_assert(cpsr & PSR_I);
    ck_assert(cpsr & PSR_F);
    ck_assert(!(cpsr & PSR_T));
    ck_assert_uint_eq(cpu->r[15], 0);
    fixture_free(f);
}
END_TEST

/* SCTLR.V (A2.6.11 "High vectors"): every vector moves to 0xffff0000. */
START_TEST(test_high_vectors)
{
    static const struct {
        enum arm_exception exc;
        uint32_t offset;
    } vec[] = {
        { EXC_RESET, 0x00 }, { EXC_UNDEFINED, 0x04 }, { EXC_SVC, 0x08 },
        { EXC_PREFETCH_ABORT, 0x0c }, { EXC_DATA_ABORT, 0x10 }, { EXC_IRQ, 0x18 },
        { EXC_FIQ, 0x1c },
    };
    for (unsigned high = 0; high < 2; high++) {
        for (unsigned i = 0; i < ARRAY_SIZE(vec); i++) {
            struct cpu_fixture *f = setup(MODE_USR, 0);
            if (high)
                f->cpu.cp15.sctlr |= SCTLR_V;
            else
                f->cpu.cp15.sctlr &= ~SCTLR_V;
            cpu_take_exception(&f->cpu, vec[i].exc, CODE + 4);
            ck_assert_uint_eq(f->cpu.r[15], (high ? 0xffff0000u : 0) + vec[i].offset);
            fixture_free(f);
        }
    }
}
END_TEST

/* Target mode and the mask bits of each exception (A2.6, Table A2-4). */
START_TEST(test_modes_and_masks)
{
    static const struct {
        enum arm_exception exc;
        unsigned mode;
        bool f;
    } table[] = {
        { EXC_RESET, MODE_SVC, true }, { EXC_UNDEFINED, MODE_UND, false },
        { EXC_SVC, MODE_SVC, false }, { EXC_PREFETCH_ABORT, MODE_ABT, false },
        { EXC_DATA_ABORT, MODE_ABT, false }, { EXC_IRQ, MODE_IRQ, false },
        { EXC_FIQ, MODE_FIQ, true },
    };
    for (unsigned i = 0; i < ARRAY_SIZE(table); i++) {
        struct cpu_fixture *f = setup(MODE_SYS, PSR_T | PSR_Z);
        uint32_t old = cpu_get_cpsr(&f->cpu);
        cpu_take_exception(&f->cpu, table[i].exc, 0x1234);
        uint32_t cpsr = cpu_get_cpsr(&f->cpu);
        ck_assert_uint_eq(cpsr & PSR_M_MASK, table[i].mode);
        ck_assert(cpsr & PSR_I);
        ck_assert_uint_eq(!!(cpsr & PSR_F), table[i].f);
        ck_assert(!(cpsr & PSR_T));
        if (table[i].exc != EXC_RESET) {   /* after reset both are UNKNOWN */
            ck_assert_uint_eq(f->cpu.spsr, old);
            ck_assert_uint_eq(f->cpu.r[14], 0x1234);
        }
        fixture_free(f);
    }
}
END_TEST

/* ---- return from exceptions ---- */

/* cpu_exception_return: CPSR <- SPSR, the interrupted mode's bank is back. */
START_TEST(test_return_restores_state)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu_set_fiq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    cpu_set_fiq(cpu, 0);
    cpu->r[8] = 0xf00d;        /* the handler scribbles on its own bank */
    cpu->r[13] = 0xbeef;
    cpu_exception_return(cpu, cpu->r[14] - 4);
    ck_assert_uint_eq(cpu_get_cpsr(cpu), old);
    ck_assert_uint_eq(cpu->r[15], CODE);
    for (unsigned r = 8; r <= 12; r++)
        ck_assert_uint_eq(cpu->r[r], bank_value(MODE_USR, r));
    ck_assert_uint_eq(cpu->r[13], bank_value(MODE_USR, 13));
    ck_assert_uint_eq(cpu->r[14], bank_value(MODE_USR, 14));
    /* and the FIQ bank kept what the handler left there */
    cpu_set_cpsr(cpu, MODE_FIQ, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[8], 0xf00d);
    ck_assert_uint_eq(cpu->r[13], 0xbeef);
    fixture_free(f);
}
END_TEST

/* Returning to Thumb state: T comes back from the SPSR, PC bit 0 clear. */
START_TEST(test_return_to_thumb)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_T | PSR_V);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    cpu->r[15] = CODE + 2;
    cpu_set_irq(cpu, 1);
    ck_assert(cpu_check_interrupts(cpu));
    cpu_set_irq(cpu, 0);
    ck_assert_uint_eq(cpu->r[14], CODE + 6);
    cpu_exception_return(cpu, cpu->r[14] - 4);
    ck_assert_uint_eq(cpu_get_cpsr(cpu), old);
    ck_assert(cpu->thumb);
    ck_assert_uint_eq(cpu->r[15], CODE + 2);
    fixture_free(f);
}
END_TEST

/* The IRQ handler's SUBS PC, LR, #4 resumes the interrupted instruction. */
START_TEST(test_irq_subs_pc_lr)
{
    struct cpu_fixture *f = setup(MODE_USR, FLAGS_NCQ);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    fixture_write32(f, 0x18, 0xe25ef004);   /* subs pc, lr, #4 at the IRQ vector */
    fixture_put_insn(f, 0xe3a00001);        /* mov r0, #1 */
    cpu_set_irq(cpu, 1);
    fixture_step(f, 1);                     /* IRQ entry, then subs runs */
    cpu_set_irq(cpu, 0);
    ck_assert_uint_eq(cpu_get_cpsr(cpu), old);
    ck_assert_uint_eq(cpu->r[15], CODE);
    ck_assert_uint_eq(cpu->r[0], 0x700);
    fixture_step(f, 1);
    ck_assert_uint_eq(cpu->r[0], 1);
    ck_assert_uint_eq(cpu->r[13], bank_value(MODE_USR, 13));
    fixture_free(f);
}
END_TEST

/* SVC handler returning with MOVS PC, LR to the instruction after SVC. */
START_TEST(test_svc_movs_pc_lr)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_Z);
    struct arm_cpu *cpu = &f->cpu;
    uint32_t old = cpu_get_cpsr(cpu);
    fixture_write32(f, 0x08, 0xe1b0f00e);   /* movs pc, lr at the SVC vector */
    fixture_put_insn(f, 0xef000000);        /* svc #0 */
    fixture_step(f, 2);
    ck_assert_uint_eq(cpu_get_cpsr(cpu), old);
    ck_assert_uint_eq(cpu->r[15], CODE + 4);
    ck_assert_uint_eq(cpu->r[14], bank_value(MODE_USR, 14));
    fixture_free(f);
}
END_TEST

/* LDM Rn!, {..., PC}^ (A4.1.22): loads PC and copies SPSR to CPSR. */
START_TEST(test_ldm_exception_return)
{
    struct cpu_fixture *f = setup(MODE_SVC, PSR_I);
    struct arm_cpu *cpu = &f->cpu;
    const uint32_t stack = FIXTURE_DATA;
    cpu->spsr = MODE_USR | PSR_T | PSR_C;
    cpu->r[13] = stack;
    fixture_write32(f, stack, 0x1111);
    fixture_write32(f, stack + 4, CODE + 0x101);   /* Thumb target */
    fixture_put_insn(f, 0xe8fd8001);               /* ldmfd sp!, {r0, pc}^ */
    fixture_step(f, 1);
    uint32_t cpsr = cpu_get_cpsr(cpu);
    ck_assert_uint_eq(cpsr & PSR_M_MASK, MODE_USR);
    ck_assert(cpsr & PSR_T);
    ck_assert(cpsr & PSR_C);
    ck_assert(!(cpsr & PSR_I));
    ck_assert_uint_eq(cpu->r[15], CODE + 0x100);
    ck_assert_uint_eq(cpu->r[0], 0x1111);
    ck_assert_uint_eq(cpu->r[13], bank_value(MODE_USR, 13));
    cpu_set_cpsr(cpu, MODE_SVC, PSR_M_MASK);
    ck_assert_uint_eq(cpu->r[13], stack + 8);      /* SVC's SP written back */
    fixture_free(f);
}
END_TEST

/* A return from a mode without an SPSR is UNPREDICTABLE; it must not crash
 * or switch to a garbage mode. */
START_TEST(test_return_from_user_is_harmless)
{
    struct cpu_fixture *f = setup(MODE_USR, PSR_Z);
    struct arm_cpu *cpu = &f->cpu;
    cpu_exception_return(cpu, CODE + 0x40);
    ck_assert(cpu_mode_is_valid(cpu, cpu_get_cpsr(cpu) & PSR_M_MASK));
    fixture_free(f);
}
END_TEST

/* ---- SCTLR.TE and VBAR need a core that has them ---- */

/*
 * ARMv7 (DDI 0406C B1.8.3/B1.8.1): exceptions are taken in Thumb state when
 * SCTLR.TE is set, and low vectors sit at VBAR. Skipped while no such model
 * is registered.
 */
START_TEST(test_te_and_vbar)
{
    const struct cpu_model *a9 = cpu_model_find("cortex-a9");
    if (!a9)
        return;
    struct cpu_fixture *f = fixture_init();
    ck_assert_ptr_nonnull(f);
    cpu_init(&f->cpu, a9, 0);
    mmu_attach(&f->mmu, &f->cpu, &f->as);
    struct arm_cpu *cpu = &f->cpu;
    cpu->cp15.sctlr |= SCTLR_TE;
    cpu->cp15.sctlr &= ~SCTLR_V;
    cpu->cp15.vbar = 0x00010000;
    cpu_set_cpsr(cpu, MODE_USR, 0xffffffffu);
    cpu->r[15] = CODE + 8;
    cpu_svc(cpu, 4);
    ck_assert(cpu->thumb);
    ck_assert_uint_eq(cpu->r[15], 0x00010008);
    ck_assert_uint_eq(cpu->r[14], CODE + 4);
    fixture_free(f);
}
END_TEST

Suite *exceptions_suite(void)
{
    Suite *s = suite_create("exceptions");
    TCase *entry = tcase_create("entry");
    tcase_add_test(entry, test_undefined_arm);
    tcase_add_test(entry, test_undefined_thumb);
    tcase_add_test(entry, test_svc_arm);
    tcase_add_test(entry, test_svc_thumb);
    tcase_add_test(entry, test_svc_from_svc);
    tcase_add_test(entry, test_bkpt_arm);
    tcase_add_test(entry, test_bkpt_thumb);
    tcase_add_test(entry, test_data_abort_arm);
    tcase_add_test(entry, test_data_abort_thumb);
    tcase_add_test(entry, test_prefetch_abort_direct);
    tcase_add_test(entry, test_data_abort_mmu);
    tcase_add_test(entry, test_prefetch_abort_mmu);
    tcase_add_test(entry, test_irq_arm);
    tcase_add_test(entry, test_irq_thumb);
    tcase_add_test(entry, test_irq_masked);
    tcase_add_test(entry, test_irq_from_run);
    tcase_add_test(entry, test_fiq);
    tcase_add_test(entry, test_fiq_priority_and_mask);
    tcase_add_test(entry, test_reset_exception);
    tcase_add_test(entry, test_high_vectors);
    tcase_add_test(entry, test_modes_and_masks);
    tcase_add_test(entry, test_te_and_vbar);
    suite_add_tcase(s, entry);

    TCase *ret = tcase_create("return");
    tcase_add_test(ret, test_return_restores_state);
    tcase_add_test(ret, test_return_to_thumb);
    tcase_add_test(ret, test_irq_subs_pc_lr);
    tcase_add_test(ret, test_svc_movs_pc_lr);
    tcase_add_test(ret, test_ldm_exception_return);
    tcase_add_test(ret, test_return_from_user_is_harmless);
    suite_add_tcase(s, ret);
    return s;
}
