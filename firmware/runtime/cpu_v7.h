/*
 * ARMv7-A system registers and barriers for the Cortex-A15 build (ARM ARM
 * DDI 0406C: B4.1 "VMSA System control registers" and table B3-42 "CP15
 * registers by functional group"; B8 generic timer; B6.1 FPEXC/FPSCR;
 * Cortex-A15 TRM DDI 0438C chapter 4).  Static inline: every ARMv7
 * instruction set (ARM and Thumb-2) has MRC/MCR, so there is no need for
 * the out-of-line accessors of cpu.h.
 *
 * VFP registers are reached with the generic coprocessor forms
 * (MRC/MCR p10, 7 = VMRS/VMSR, A8.8.350/A8.8.351), so this header compiles
 * in code built with -mgeneral-regs-only.
 */
#ifndef FW_CPU_V7_H
#define FW_CPU_V7_H

#include "types.h"

/* SCTLR bits added by ARMv7 (B4.1.130). */
#define SCTLR_Z         (1u << 11)  /* branch prediction */
#define SCTLR_TRE       (1u << 28)  /* TEX remap: PRRR/NMRR give the attributes */
#define SCTLR_AFE       (1u << 29)  /* access flag enable: AP[0] is the access flag */
#define SCTLR_TE        (1u << 30)  /* exceptions taken in Thumb state */

/* CPSR bits added by ARMv6/v7 (B1.3.3). */
#define PSR_A           (1u << 8)   /* asynchronous abort mask */
#define PSR_E           (1u << 9)   /* big-endian data */
#define MODE_MON        0x16
#define MODE_HYP        0x1a

/* Fault status (short-descriptor format, B4.1.52 DFSR, B4.1.96 IFSR, table B3-23). */
#define FS_ALIGN            0x01
#define FS_AF_SECTION       0x03
#define FS_AF_PAGE          0x06
#define FS_TRANS_SECTION    0x05
#define FS_TRANS_PAGE       0x07
#define FS_DOMAIN_SECTION   0x09
#define FS_DOMAIN_PAGE      0x0b
#define FS_PERM_SECTION     0x0d
#define FS_PERM_PAGE        0x0f
#define FSR_FS(fsr)         (((fsr) & 0xfu) | (((fsr) >> 6) & 0x10u))  /* FS[4] is bit 10 */
#define FSR_DOMAIN(fsr)     (((fsr) >> 4) & 0xfu)
#define FSR_WNR             (1u << 11)
#define FSR_EXT             (1u << 12)
#define FSR_LPAE            (1u << 9)   /* 1 = long-descriptor format */

static inline void isb(void)
{
    __asm__ volatile("isb" : : : "memory");
}

static inline void dsb(void)
{
    __asm__ volatile("dsb" : : : "memory");
}

static inline void dmb(void)
{
    __asm__ volatile("dmb" : : : "memory");
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" : : : "memory");
}

#define V7_CP_READ(name, cp, op1, crn, crm, op2)                              \
    static inline u32 name(void)                                              \
    {                                                                         \
        u32 v;                                                                \
        __asm__ volatile("mrc " #cp ", " #op1 ", %0, " #crn ", " #crm ", " #op2 \
                         : "=r"(v) : : "memory");                             \
        return v;                                                             \
    }

#define V7_CP_WRITE(name, cp, op1, crn, crm, op2)                             \
    static inline void name(u32 v)                                            \
    {                                                                         \
        __asm__ volatile("mcr " #cp ", " #op1 ", %0, " #crn ", " #crm ", " #op2 \
                         : : "r"(v) : "memory");                              \
    }

#define V7_CP_RW(name, cp, op1, crn, crm, op2)                                \
    V7_CP_READ(name##_read, cp, op1, crn, crm, op2)                           \
    V7_CP_WRITE(name##_write, cp, op1, crn, crm, op2)

/* 64-bit registers: MRRC/MCRR p15, opc1, Rt, Rt2, CRm (B4.1, table B3-43). */
#define V7_CP_READ64(name, op1, crm)                                          \
    static inline u64 name(void)                                              \
    {                                                                         \
        u32 lo, hi;                                                           \
        __asm__ volatile("mrrc p15, " #op1 ", %0, %1, " #crm                  \
                         : "=r"(lo), "=r"(hi) : : "memory");                  \
        return ((u64)hi << 32) | lo;                                          \
    }

#define V7_CP_WRITE64(name, op1, crm)                                         \
    static inline void name(u64 v)                                            \
    {                                                                         \
        __asm__ volatile("mcrr p15, " #op1 ", %0, %1, " #crm                  \
                         : : "r"((u32)v), "r"((u32)(v >> 32)) : "memory");    \
    }

/* Identification. */
V7_CP_READ(cp15_read_mpidr, p15, 0, c0, c0, 5)
V7_CP_READ(cp15_read_id_pfr1, p15, 0, c0, c1, 1)
V7_CP_READ(cp15_read_id_mmfr0, p15, 0, c0, c1, 4)
V7_CP_READ(cp15_read_ctr, p15, 0, c0, c0, 1)

/* Control: CPACR gives PL0/PL1 access to CP10/CP11 (B4.1.40). */
V7_CP_RW(cp15_cpacr, p15, 0, c1, c0, 2)
V7_CP_RW(cp15_vbar, p15, 0, c12, c0, 0)

/* Translation: TTBR0/TTBR1/TTBCR (B4.1.154, .155, .153). */
V7_CP_RW(cp15_ttbr0, p15, 0, c2, c0, 0)
V7_CP_RW(cp15_ttbr1, p15, 0, c2, c0, 1)
V7_CP_RW(cp15_ttbcr, p15, 0, c2, c0, 2)
V7_CP_RW(cp15_ifar, p15, 0, c6, c0, 2)
/* TEX remap registers (B4.1.127 PRRR, B4.1.105 NMRR). */
V7_CP_RW(cp15_prrr, p15, 0, c10, c2, 0)
V7_CP_RW(cp15_nmrr, p15, 0, c10, c2, 1)
/* CONTEXTIDR: PROCID [31:8], ASID [7:0] (B4.1.36). */
V7_CP_RW(cp15_contextidr, p15, 0, c13, c0, 1)

/* Address translation operations and PAR (B4.2.4, B4.1.113). */
V7_CP_RW(cp15_par, p15, 0, c7, c4, 0)
V7_CP_WRITE(cp15_ats1cpr, p15, 0, c7, c8, 0)
V7_CP_WRITE(cp15_ats1cpw, p15, 0, c7, c8, 1)
V7_CP_WRITE(cp15_ats1cur, p15, 0, c7, c8, 2)
V7_CP_WRITE(cp15_ats1cuw, p15, 0, c7, c8, 3)

/* TLB maintenance (B4.2.2). */
V7_CP_WRITE(cp15_tlbiall, p15, 0, c8, c7, 0)
V7_CP_WRITE(cp15_tlbimva, p15, 0, c8, c7, 1)
V7_CP_WRITE(cp15_tlbiasid, p15, 0, c8, c7, 2)
V7_CP_WRITE(cp15_tlbimvaa, p15, 0, c8, c7, 3)

/* Generic timer (B8.2, B4.1.21-B4.1.34). */
V7_CP_RW(cp15_cntfrq, p15, 0, c14, c0, 0)
V7_CP_RW(cp15_cntkctl, p15, 0, c14, c1, 0)
V7_CP_RW(cp15_cntp_tval, p15, 0, c14, c2, 0)
V7_CP_RW(cp15_cntp_ctl, p15, 0, c14, c2, 1)
V7_CP_RW(cp15_cntv_tval, p15, 0, c14, c3, 0)
V7_CP_RW(cp15_cntv_ctl, p15, 0, c14, c3, 1)
V7_CP_READ64(cp15_cntpct_read, 0, c14)
V7_CP_READ64(cp15_cntvct_read, 1, c14)
V7_CP_READ64(cp15_cntp_cval_read, 2, c14)
V7_CP_WRITE64(cp15_cntp_cval_write, 2, c14)
V7_CP_READ64(cp15_cntv_cval_read, 3, c14)
V7_CP_WRITE64(cp15_cntv_cval_write, 3, c14)
#define CNT_CTL_ENABLE  (1u << 0)
#define CNT_CTL_IMASK   (1u << 1)
#define CNT_CTL_ISTATUS (1u << 2)

/* VFP system registers through CP10 (VMRS/VMSR, A8.8; the registers in B6.1). */
V7_CP_RW(vfp_fpsid, p10, 7, c0, c0, 0)
V7_CP_RW(vfp_fpscr, p10, 7, c1, c0, 0)
V7_CP_READ(vfp_mvfr1_read, p10, 7, c6, c0, 0)
V7_CP_READ(vfp_mvfr0_read, p10, 7, c7, c0, 0)
V7_CP_RW(vfp_fpexc, p10, 7, c8, c0, 0)
#define FPEXC_EN        (1u << 30)

/* Make CP15 changes take effect for the instructions after this one. */
static inline void cp15_sync(void)
{
    isb();
}

#endif
