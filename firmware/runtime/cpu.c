/*
 * MRS/MSR and CP15 accessors (ARM ARM A4 "MRS", "MSR", "MCR", "MRC";
 * ARM926EJ-S TRM chapter 2 "Programmer's Model", CP15 register map).
 * Compiled as ARM code; callable from Thumb through interworking.
 */
#include "runtime.h"

u32 cpu_read_cpsr(void)
{
    u32 v;

    __asm__ volatile("mrs %0, cpsr" : "=r"(v));
    return v;
}

u32 cpu_mask_irqs(void)
{
    u32 old = cpu_read_cpsr();

    __asm__ volatile("msr cpsr_c, %0" : : "r"(old | PSR_I | PSR_F) : "memory");
    return old;
}

void cpu_restore_irqs(u32 cpsr)
{
    u32 now = cpu_read_cpsr();

    now = (now & ~(PSR_I | PSR_F)) | (cpsr & (PSR_I | PSR_F));
    __asm__ volatile("msr cpsr_c, %0" : : "r"(now) : "memory");
}

static void cpu_set_mask_bits(u32 set, u32 clear)
{
    u32 v = (cpu_read_cpsr() | set) & ~clear;

    __asm__ volatile("msr cpsr_c, %0" : : "r"(v) : "memory");
}

void cpu_irq_enable(void)
{
    cpu_set_mask_bits(0, PSR_I);
}

void cpu_irq_disable(void)
{
    cpu_set_mask_bits(PSR_I, 0);
}

void cpu_fiq_enable(void)
{
    cpu_set_mask_bits(0, PSR_F);
}

void cpu_fiq_disable(void)
{
    cpu_set_mask_bits(PSR_F, 0);
}

#define CP15_READ(name, crn, crm, op2)                                        \
    u32 cp15_read_##name(void)                                           \
    {                                                                         \
        u32 v;                                                           \
        __asm__ volatile("mrc p15, 0, %0, " #crn ", " #crm ", " #op2         \
                         : "=r"(v) : : "memory");                             \
        return v;                                                             \
    }

#define CP15_WRITE(name, crn, crm, op2)                                       \
    void cp15_write_##name(u32 v)                                        \
    {                                                                         \
        __asm__ volatile("mcr p15, 0, %0, " #crn ", " #crm ", " #op2         \
                         : : "r"(v) : "memory");                              \
    }

CP15_READ(midr, c0, c0, 0)
CP15_READ(sctlr, c1, c0, 0)
CP15_WRITE(sctlr, c1, c0, 0)
CP15_READ(ttb, c2, c0, 0)
CP15_WRITE(ttb, c2, c0, 0)
CP15_READ(dacr, c3, c0, 0)
CP15_WRITE(dacr, c3, c0, 0)
CP15_READ(dfsr, c5, c0, 0)
CP15_WRITE(dfsr, c5, c0, 0)
CP15_READ(ifsr, c5, c0, 1)
CP15_WRITE(ifsr, c5, c0, 1)
CP15_READ(far, c6, c0, 0)
CP15_WRITE(far, c6, c0, 0)

void cp15_tlb_flush_all(void)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
}

void cp15_tlb_flush_mva(u32 va)
{
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 1" : : "r"(va) : "memory");
}

void cp15_icache_invalidate(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 0" : : "r"(0) : "memory");
}

void cp15_dcache_clean_invalidate(void)
{
    /*
     * ARM926 "test, clean and invalidate D-cache": each MRC with Rd = pc
     * cleans some dirty lines and sets Z once the whole cache is clean
     * (ARM926EJ-S TRM, c7 cache operations).
     */
    __asm__ volatile("1: mrc p15, 0, r15, c7, c14, 3\n"
                     "   bne 1b" : : : "cc", "memory");
}

void cp15_drain_write_buffer(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c10, 4" : : "r"(0) : "memory");
}

void cp15_wfi(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c0, 4" : : "r"(0) : "memory");
}

void cpu_sync_icache(void)
{
    cp15_dcache_clean_invalidate();
    cp15_drain_write_buffer();
    cp15_icache_invalidate();
}
