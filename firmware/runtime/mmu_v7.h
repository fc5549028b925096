/*
 * ARMv7 short-descriptor translation tables (ARM ARM DDI 0406C B3.5,
 * figures B3-4 and B3-5; the Cortex-A15 implements PXN and the Large
 * Physical Address Extension, but TTBCR.EAE stays 0 here).
 *
 * First level, 4096 words (16 KiB aligned; less with TTBCR.N > 0):
 *   [1:0] = 00 fault, 01 page table, 1x section (bit 18 = 1: supersection)
 *   page table: base [31:10], domain [8:5], NS [3], PXN [2]
 *   section: base [31:20], NS [19], 0 [18], nG [17], S [16], AP[2] [15],
 *            TEX [14:12], AP[1:0] [11:10], domain [8:5], XN [4], C [3],
 *            B [2], PXN [0]
 *   supersection: base [31:24], the same attributes, no domain (0),
 *            repeated in 16 consecutive aligned entries
 * Second level, 256 words (1 KiB aligned):
 *   [1:0] = 00 fault, 01 large page (64 KiB, 16 entries), 1x small page
 *   large: base [31:16], XN [15], TEX [14:12], nG [11], S [10], AP[2] [9],
 *          AP[1:0] [5:4], C [3], B [2]
 *   small: base [31:12], nG [11], S [10], AP[2] [9], TEX [8:6],
 *          AP[1:0] [5:4], C [3], B [2], XN [0]
 *
 * The helpers take an attribute set (struct v7_attr) and place each field
 * where that descriptor kind keeps it.
 */
#ifndef FW_MMU_V7_H
#define FW_MMU_V7_H

#include <stdbool.h>

#include "types.h"

/*
 * AP[2:0] with SCTLR.AFE = 0 (table B3-8): PL1 / PL0 access.
 *   000 none/none  001 RW/none  010 RW/RO  011 RW/RW
 *   100 reserved   101 RO/none  110 RO/RO  111 RO/RO
 * With SCTLR.AFE = 1, AP[0] is the access flag and AP[2:1] select
 * (table B3-9): 00 RW/none, 01 RW/RW, 10 RO/none, 11 RO/RO.
 */
#define V7_AP_NONE      0u
#define V7_AP_PRIV      1u
#define V7_AP_USER_RO   2u
#define V7_AP_FULL      3u
#define V7_AP_PRIV_RO   5u
#define V7_AP_RO        7u

/* Memory types with SCTLR.TRE = 0 (table B3-10): TEX[2:0], C, B. */
#define V7_MT_STRONGLY_ORDERED  0x00u   /* TEX 000 C 0 B 0 */
#define V7_MT_DEVICE            0x01u   /* TEX 000 C 0 B 1: shareable device */
#define V7_MT_NORMAL_WT         0x02u   /* TEX 000 C 1 B 0 */
#define V7_MT_NORMAL_WB         0x03u   /* TEX 000 C 1 B 1: no write-allocate */
#define V7_MT_NORMAL_NC         0x04u   /* TEX 001 C 0 B 0 */
#define V7_MT_NORMAL_WBWA       0x07u   /* TEX 001 C 1 B 1 */
/* The type is TEX[2:0]:C:B as five bits, TEX in [4:2]. */

struct v7_attr {
    u32 ap;         /* AP[2:0] */
    u32 type;       /* TEX:C:B */
    u32 domain;     /* first-level descriptors only */
    bool xn, pxn, ng, s;
};

/* Section: 1 MiB, or supersection: 16 MiB (the caller repeats it 16 times). */
static inline u32 v7_sec_bits(const struct v7_attr *a)
{
    return ((a->ap & 4u) << 13) | ((a->ap & 3u) << 10) | (((a->type >> 2) & 7u) << 12) |
           ((a->type & 3u) << 2) | (a->xn ? 1u << 4 : 0) | (a->pxn ? 1u : 0) |
           (a->ng ? 1u << 17 : 0) | (a->s ? 1u << 16 : 0);
}

static inline u32 v7_l1_section(u32 pa, const struct v7_attr *a)
{
    return (pa & 0xfff00000u) | v7_sec_bits(a) | ((a->domain & 15u) << 5) | 2u;
}

static inline u32 v7_l1_supersection(u32 pa, const struct v7_attr *a)
{
    return (pa & 0xff000000u) | v7_sec_bits(a) | (1u << 18) | 2u;
}

static inline u32 v7_l1_table(const u32 *l2, u32 domain, bool pxn)
{
    return ((u32)(uintptr_t)l2 & 0xfffffc00u) | ((domain & 15u) << 5) | (pxn ? 1u << 2 : 0) |
           1u;
}

static inline u32 v7_l2_small(u32 pa, const struct v7_attr *a)
{
    return (pa & 0xfffff000u) | ((a->ap & 4u) << 7) | ((a->ap & 3u) << 4) |
           (((a->type >> 2) & 7u) << 6) | ((a->type & 3u) << 2) | (a->xn ? 1u : 0) |
           (a->ng ? 1u << 11 : 0) | (a->s ? 1u << 10 : 0) | 2u;
}

static inline u32 v7_l2_large(u32 pa, const struct v7_attr *a)
{
    return (pa & 0xffff0000u) | ((a->ap & 4u) << 7) | ((a->ap & 3u) << 4) |
           (((a->type >> 2) & 7u) << 12) | ((a->type & 3u) << 2) | (a->xn ? 1u << 15 : 0) |
           (a->ng ? 1u << 11 : 0) | (a->s ? 1u << 10 : 0) | 1u;
}

/* DACR values per domain (B4.1.43). */
#define V7_DOMAIN_NOACCESS  0u
#define V7_DOMAIN_CLIENT    1u
#define V7_DOMAIN_MANAGER   3u
#define V7_DACR(dom, v)     ((u32)(v) << (2 * (dom)))

/*
 * The runtime's identity map in a 16 KiB first-level table: BOARD RAM
 * (256 MiB at 0x80000000) as Normal non-cacheable Shareable (as Linux
 * maps RAM on an SMP system), full access, global;
 * the motherboard peripherals (0x1c000000-0x1c1fffff) and the GIC
 * (0x2c000000) as Device, execute-never; all in domain 0; the rest faults.
 */
void v7_identity_map(u32 *l1);
/*
 * TTBCR = 0, TTBR0 = l1 (walks non-cacheable), DACR, invalidate the TLB,
 * set SCTLR.M.  The code must be identity mapped.
 */
void v7_mmu_enable(const u32 *l1, u32 dacr);
void v7_mmu_disable(void);
/* Store a descriptor and make the walker use it: DSB, TLBIMVAA(va), DSB, ISB. */
void v7_set_entry(u32 *entry, u32 desc, u32 va);
/* Invalidate the whole TLB (TLBIALL) with the barriers around it. */
void v7_tlb_flush_all(void);

#endif
