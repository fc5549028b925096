/*
 * MRS/MSR and CP15 accessors (ARM ARM A4 "MRS", "MSR", "MCR", "MRC";
 * ARM926EJ-S TRM chapter 2 "Programmer's Model", CP15 register map).
 * Compiled as ARM code; callable from Thumb through interworking.
 *
 * The registers below exist with the same encodings on ARMv5 and ARMv7
 * (c2 is TTBR0, c6 is DFAR on ARMv7).  The cache, barrier and WFI
 * operations differ: the ARMv7 build (__ARM_ARCH >= 7) uses the ARMv7
 * instructions and maintenance operations (ARM ARM DDI 0406C A8.8.43 DSB,
 * A8.8.53 ISB, A8.8.425 WFI, B4.2.1 cache maintenance), because the ARM926
 * "test, clean and invalidate" MRC is not an ARMv7 operation and the CP15
 * c7 WFI and barrier encodings are deprecated there.
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

#if __ARM_ARCH >= 7

static inline void v7_dsb(void)
{
    __asm__ volatile("dsb" : : : "memory");
}

static inline void v7_isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

/* TLBIALL, then DSB + ISB so later accesses use the new translations (B3.10.1). */
void cp15_tlb_flush_all(void)
{
    v7_dsb();
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
    v7_dsb();
    v7_isb();
}

/* TLBIMVA: the operand carries the ASID in bits [7:0] (B4.2.2). */
void cp15_tlb_flush_mva(u32 va)
{
    v7_dsb();
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 1" : : "r"(va) : "memory");
    v7_dsb();
    v7_isb();
}

/* ICIALLU + BPIALL, then DSB + ISB (B2.2.9 "Ordering of cache maintenance"). */
void cp15_icache_invalidate(void)
{
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 0\n"
                     "mcr p15, 0, %0, c7, c5, 6" : : "r"(0) : "memory");
    v7_dsb();
    v7_isb();
}

/*
 * Clean and invalidate every data/unified cache level by set/way
 * (DCCISW), walking CLIDR and CCSIDR as B2.2.7 "Performing cache
 * maintenance operations" describes.  The test programs run with the
 * caches off, so this matters only for completeness.
 */
void cp15_dcache_clean_invalidate(void)
{
    u32 clidr;

    v7_dsb();
    __asm__ volatile("mrc p15, 1, %0, c0, c0, 1" : "=r"(clidr));
    u32 loc = (clidr >> 24) & 7;
    for (u32 level = 0; level < loc; level++) {
        u32 ctype = (clidr >> (3 * level)) & 7;
        if (ctype < 2)          /* no cache, or instruction cache only */
            continue;
        u32 ccsidr;
        __asm__ volatile("mcr p15, 2, %1, c0, c0, 0\n"     /* CSSELR */
                         "isb\n"
                         "mrc p15, 1, %0, c0, c0, 0"         /* CCSIDR */
                         : "=r"(ccsidr) : "r"(level << 1) : "memory");
        u32 line_shift = (ccsidr & 7) + 4;
        u32 ways = ((ccsidr >> 3) & 0x3ff) + 1;
        u32 sets = ((ccsidr >> 13) & 0x7fff) + 1;
        /* The way number sits in the top bits: shift 32 - log2(ways). */
        u32 way_shift = ways > 1 ? (u32)__builtin_clz(ways - 1) : 0;
        for (u32 way = 0; way < ways; way++) {
            for (u32 set = 0; set < sets; set++) {
                u32 sw = (level << 1) | (set << line_shift) | (way << way_shift);
                __asm__ volatile("mcr p15, 0, %0, c7, c14, 2" : : "r"(sw) : "memory");
            }
        }
    }
    v7_dsb();
    v7_isb();
}

void cp15_drain_write_buffer(void)
{
    v7_dsb();
}

void cp15_wfi(void)
{
    v7_dsb();
    __asm__ volatile("wfi" : : : "memory");
}

void cpu_sync_icache(void)
{
    cp15_dcache_clean_invalidate();
    cp15_icache_invalidate();
}

#else

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

#endif
