/*
 * The software TLB entry, shared by the CPU's inline fast path (cpu/mem.h)
 * and the mmu/ layer that fills it.
 *
 * Direct-mapped, indexed by virtual page number. Each entry has one tag per
 * access kind; a tag equals the page-aligned VA when that kind of access may
 * use the host pointer directly, and TLB_INVALID otherwise (MMIO, faults,
 * pages holding decoded code for writes, watchpoints, and every read and
 * write tag while CPSR.E = 1: big-endian data takes the slow path). The
 * fast-path compare includes the low address bits of the access size, so a
 * misaligned access never matches and goes to the slow path (QEMU's trick).
 */
#ifndef CPU_TLB_H
#define CPU_TLB_H

#include <stdint.h>

#define TLB_BITS 8
#define TLB_ENTRIES (1u << TLB_BITS)
#define TLB_PAGE_SHIFT 12
#define TLB_PAGE_SIZE (1u << TLB_PAGE_SHIFT)
#define TLB_PAGE_MASK (~(TLB_PAGE_SIZE - 1))
/*
 * Never equal to a fast-path compare value: those are the page address plus
 * at most the two low bits of a misaligned access, so bits [11:2] are
 * always zero. (A value of 1 would match a misaligned access to page 0.)
 */
#define TLB_INVALID 0x800u

struct decode_block;

/* Permissions cached with a translation (for the entry's privilege). */
#define TLB_PERM_READ  1u
#define TLB_PERM_WRITE 2u
#define TLB_PERM_EXEC  4u

struct tlb_entry {
    uint32_t tag_read;
    uint32_t tag_write;
    uint32_t tag_exec;
    uint32_t phys_page;           /* physical page number (pa >> 12) */
    uintptr_t addend;             /* host address = va + addend */
    struct decode_block *code[2]; /* decoded blocks [ARM, Thumb] for exec */
    /*
     * The slow path's own cache: when tag_translated is the VA page, the
     * page walk for it is known (phys_page, perm) even if no fast-path tag
     * is set, e.g. for device registers or code pages being written. The
     * slow path then skips the walk.
     */
    uint32_t tag_translated;
    uint16_t perm;
    uint8_t domain;    /* of the translation, so a DACR change drops only its domains */
};

static inline unsigned tlb_index(uint32_t va)
{
    return (va >> TLB_PAGE_SHIFT) & (TLB_ENTRIES - 1);
}

#endif
