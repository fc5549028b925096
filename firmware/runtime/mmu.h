/*
 * ARMv5 virtual memory system descriptors (ARM ARM B4.3 "Translation
 * process"; ARM926EJ-S TRM chapter 3 "Memory Management Unit").
 *
 * First level: 4096 word entries, 16 KiB aligned, indexed by VA[31:20].
 *   bits[1:0] 00 fault, 01 coarse table (1 KiB, 256 entries, VA[19:12]),
 *             10 section (1 MiB), 11 fine table (4 KiB, 1024 entries, VA[19:10]).
 * Second level: 00 fault, 01 large page (64 KiB, repeated 16 times in a
 *   coarse table, 64 in a fine one), 10 small page (4 KiB, repeated 4 times in
 *   a fine table), 11 tiny page (1 KiB, fine tables only).
 * Large and small pages carry four AP fields, one per quarter (subpage):
 *   AP0 bits[5:4] ... AP3 bits[11:10]; sections and tiny pages have one.
 * Bit 4 of first-level descriptors is "should be one" on ARM926.
 */
#ifndef FW_MMU_H
#define FW_MMU_H

#include "types.h"

/* AP encodings (ARM ARM B4.4, table B4-1), see mmu.c for the S/R cases. */
#define AP_NONE     0u  /* depends on SCTLR.S/R */
#define AP_PRIV     1u  /* privileged RW, user none */
#define AP_USER_RO  2u  /* privileged RW, user RO */
#define AP_FULL     3u  /* RW for both */

/* DACR values per domain (ARM ARM B4.4). */
#define DOMAIN_NOACCESS 0u
#define DOMAIN_CLIENT   1u
#define DOMAIN_MANAGER  3u
#define DACR_FIELD(dom, v) ((u32)(v) << (2 * (dom)))

/* Fault status codes, FSR[3:0] (ARM ARM B4.6, table B4-2). */
#define FSR_ALIGN           0x1 /* 0b00x1: 0x3 is also an alignment fault */
#define FSR_TRANS_SECTION   0x5
#define FSR_TRANS_PAGE      0x7
#define FSR_DOMAIN_SECTION  0x9
#define FSR_DOMAIN_PAGE     0xb
#define FSR_PERM_SECTION    0xd
#define FSR_PERM_PAGE       0xf
#define FSR_DOMAIN_SHIFT    4

static inline u32 mmu_l1_section(u32 pa, unsigned ap, unsigned domain)
{
    return (pa & 0xfff00000u) | (ap << 10) | (domain << 5) | (1u << 4) | 2u;
}

static inline u32 mmu_l1_coarse(const u32 *table, unsigned domain)
{
    return ((u32)(uintptr_t)table & 0xfffffc00u) | (domain << 5) | (1u << 4) | 1u;
}

static inline u32 mmu_l1_fine(const u32 *table, unsigned domain)
{
    return ((u32)(uintptr_t)table & 0xfffff000u) | (domain << 5) | (1u << 4) | 3u;
}

static inline u32 mmu_ap4(unsigned ap0, unsigned ap1, unsigned ap2, unsigned ap3)
{
    return (ap0 << 4) | (ap1 << 6) | (ap2 << 8) | (ap3 << 10);
}

static inline u32 mmu_l2_large(u32 pa, u32 ap4)
{
    return (pa & 0xffff0000u) | ap4 | 1u;
}

static inline u32 mmu_l2_small(u32 pa, u32 ap4)
{
    return (pa & 0xfffff000u) | ap4 | 2u;
}

static inline u32 mmu_l2_tiny(u32 pa, unsigned ap)
{
    return (pa & 0xfffffc00u) | (ap << 4) | 3u;
}

/*
 * Fill a first-level table with the runtime's identity map: the first
 * 'ram_mb' MiB of RAM and the device area 0x10000000-0x101fffff as sections,
 * AP_FULL, domain 0, uncached; everything else faults.
 */
void mmu_identity_map(u32 *l1, unsigned ram_mb);
/* Drain, set TTB and DACR, flush the TLB, set SCTLR.M (code must be identity mapped). */
void mmu_enable(const u32 *l1, u32 dacr);
void mmu_disable(void);
/* Store a descriptor and make the walker see it: drain WB, flush that VA's TLB entry. */
void mmu_set_entry(u32 *entry, u32 desc, u32 va);

#endif
