/*
 * ARM processor state constants and out-of-line accessors for the
 * instructions C cannot express (MRS/MSR, CP15 MRC/MCR).
 *
 * The accessors live in cpu.c, compiled as ARM code, and are called through
 * interworking calls, so Thumb test code (which has no MRS/MCR in the
 * ARMv5 Thumb instruction set) can use them too.
 */
#ifndef FW_CPU_H
#define FW_CPU_H

/* Program status register fields (ARM ARM A2.5). */
#define PSR_MODE_MASK   0x1f
#define MODE_USR        0x10
#define MODE_FIQ        0x11
#define MODE_IRQ        0x12
#define MODE_SVC        0x13
#define MODE_ABT        0x17
#define MODE_UND        0x1b
#define MODE_SYS        0x1f
#define PSR_T           (1u << 5)
#define PSR_F           (1u << 6)
#define PSR_I           (1u << 7)
#define PSR_V           (1u << 28)
#define PSR_C           (1u << 29)
#define PSR_Z           (1u << 30)
#define PSR_N           (1u << 31)
/*
 * The PSR bits ARMv5TEJ defines: N Z C V Q, J, I F T, mode.  Bits [23:8]
 * are reserved; QEMU sets bit 8 (ARMv6's A bit) at reset even on ARMv5
 * cores, so tests compare PSR values through this mask.
 */
#define PSR_V5_DEFINED  0xf90000ffu

/* CP15 c1 control register bits on ARMv5 / ARM926EJ-S (ARM ARM B3.4, TRM 2.3.2). */
#define SCTLR_M         (1u << 0)   /* MMU enable */
#define SCTLR_A         (1u << 1)   /* alignment fault checking */
#define SCTLR_C         (1u << 2)   /* D-cache */
#define SCTLR_W         (1u << 3)   /* write buffer (SBO on ARM926) */
#define SCTLR_B         (1u << 7)   /* big-endian */
#define SCTLR_S         (1u << 8)   /* system protection (AP=00 decoding) */
#define SCTLR_R         (1u << 9)   /* ROM protection (AP=00 decoding) */
#define SCTLR_I         (1u << 12)  /* I-cache */
#define SCTLR_V         (1u << 13)  /* high exception vectors at 0xffff0000 */

#ifndef __ASSEMBLER__
#include "types.h"

u32 cpu_read_cpsr(void);
/* Masks IRQ and FIQ; returns the previous CPSR for cpu_restore_irqs(). */
u32 cpu_mask_irqs(void);
void cpu_restore_irqs(u32 cpsr);
void cpu_irq_enable(void);
void cpu_irq_disable(void);
void cpu_fiq_enable(void);
void cpu_fiq_disable(void);

u32 cp15_read_midr(void);
u32 cp15_read_sctlr(void);
void cp15_write_sctlr(u32 v);
u32 cp15_read_ttb(void);
void cp15_write_ttb(u32 v);
u32 cp15_read_dacr(void);
void cp15_write_dacr(u32 v);
u32 cp15_read_dfsr(void);
void cp15_write_dfsr(u32 v);
u32 cp15_read_ifsr(void);
void cp15_write_ifsr(u32 v);
u32 cp15_read_far(void);
void cp15_write_far(u32 v);
void cp15_tlb_flush_all(void);              /* c8, c7, 0: invalidate unified TLB */
void cp15_tlb_flush_mva(u32 va);       /* c8, c7, 1: invalidate one entry */
void cp15_icache_invalidate(void);          /* c7, c5, 0 */
void cp15_dcache_clean_invalidate(void);    /* ARM926 test, clean and invalidate loop */
void cp15_drain_write_buffer(void);         /* c7, c10, 4 */
void cp15_wfi(void);                        /* c7, c0, 4: wait for interrupt */
/*
 * Instruction memory barrier after writing code (ARM ARM part B, "Caches
 * and Write Buffers", IMB): clean the D-cache, drain the write buffer,
 * invalidate the I-cache; the return branch then discards any prefetched
 * instructions.
 */
void cpu_sync_icache(void);
#endif

#endif
