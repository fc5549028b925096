/*
 * An address space: one physical map of RAM, ROM and MMIO regions
 * (DESIGN.md, "Memory"). The board has one; each hypervisor domain will
 * have its own. Lookup is page-granular through a two-level table over the
 * 32-bit physical space, so finding the region of a physical address is
 * two array loads.
 *
 * Unmapped physical addresses read as zero and ignore writes, as on the
 * real Versatile/Versatile Express buses; such accesses are logged under
 * the "unimp" trace class.
 *
 * Aliases. A RAM region may show host memory that another region (in this
 * or another address space) already owns: a hypervisor domain's RAM is a
 * window onto the board's RAM, and a grant mapping shows one page of
 * another domain's RAM. Every region of RAM/ROM hangs off a struct
 * aspace_backing (the host memory, its code-page marks, and the list of
 * every window onto it), so code-page tracking stays exact across
 * aliases: a page marked as code is marked through every window (its
 * write TLB tags are dropped in every CPU of every address space that
 * maps it), and a store through any window resets the decoded blocks of
 * that page in every address space that maps it.
 */
#ifndef MMU_ASPACE_H
#define MMU_ASPACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"

struct trace;
struct arm_cpu;

/* Device register access. size is 1, 2 or 4; offset is from the region base. */
struct mmio_ops {
    uint32_t (*read)(void *opaque, uint32_t offset, unsigned size);
    void (*write)(void *opaque, uint32_t offset, uint32_t value, unsigned size);
};

enum region_kind { REGION_RAM, REGION_ROM, REGION_MMIO };

struct mem_region {
    uint64_t base;
    uint64_t size;
    enum region_kind kind;
    uint8_t *host;                 /* RAM/ROM backing */
    const struct mmio_ops *ops;    /* MMIO */
    void *opaque;
    const char *name;
    uint8_t *code_pages;           /* RAM/ROM: 1 per page holding decoded code */
    struct aspace_backing *backing; /* RAM/ROM: the host memory host points into */
};

/* One window onto a backing: [base, base + size) of as shows
 * [offset, offset + size) of the backing's memory. */
struct aspace_window {
    struct aspace *as;
    uint64_t base;
    uint64_t offset;
    uint64_t size;
};

struct aspace_backing {
    uint8_t *host;
    uint64_t size;
    uint8_t *code_pages;            /* 1 per page holding decoded code (any window) */
    struct aspace_window *window;
    unsigned window_count, window_cap;
};

/* page_map holds region index + 1 in a byte: at most 255 regions. */
#define ASPACE_MAX_REGIONS 255
#define ASPACE_MAX_CPUS 8
#define ASPACE_L1_BITS 10          /* 4 MiB per first-level entry */
#define ASPACE_L2_ENTRIES 1024     /* 4 KiB pages per first-level entry */

struct aspace {
    struct mem_region region[ASPACE_MAX_REGIONS];
    unsigned region_count;         /* slots in use or freed (size 0) */
    /* page -> region index + 1 (0 = unmapped), allocated per 4 MiB on demand */
    uint8_t *page_map[1u << ASPACE_L1_BITS];
    struct decode_cache dcache;
    struct arm_cpu *cpu[ASPACE_MAX_CPUS];  /* CPUs running in this space */
    unsigned cpu_count;
    struct trace *trace;
    uint64_t unmapped_accesses;
};

int aspace_init(struct aspace *as, struct trace *trace);
void aspace_destroy(struct aspace *as);

/* Each returns 0, or -EINVAL on overlap/misalignment, -ENOMEM, -ENOSPC. */
int aspace_add_ram(struct aspace *as, uint64_t base, uint64_t size, const char *name);
int aspace_add_rom(struct aspace *as, uint64_t base, uint64_t size, const char *name);
int aspace_add_mmio(struct aspace *as, uint64_t base, uint64_t size,
                    const struct mmio_ops *ops, void *opaque, const char *name);
/*
 * Maps [base, base+size) of as onto the RAM at [src_pa, src_pa+size) of src
 * (which must lie inside one RAM region of src; src may be as). The memory
 * is shared, not copied, and stays allocated until its last window goes.
 * Returns 0, -EINVAL (not RAM in src, overlap, misaligned), -ENOMEM, -ENOSPC.
 */
int aspace_add_ram_alias(struct aspace *as, uint64_t base, uint64_t size,
                         struct aspace *src, uint64_t src_pa, const char *name);
/* The same, read-only: the window is ROM (stores are ignored), e.g. a
 * read-only grant mapping. */
int aspace_add_rom_alias(struct aspace *as, uint64_t base, uint64_t size,
                         struct aspace *src, uint64_t src_pa, const char *name);
/*
 * Removes the region that starts at base and is size bytes long (a grant
 * mapping being undone): its pages become unmapped, their decoded blocks
 * in this space are reset and every attached CPU's TLB is flushed.
 * Returns 0, or -ENOENT when no region has exactly that base and size.
 */
int aspace_remove(struct aspace *as, uint64_t base, uint64_t size);
/* Registers a CPU so code-page tracking can reach its TLB. */
int aspace_attach_cpu(struct aspace *as, struct arm_cpu *cpu);
void aspace_detach_cpu(struct aspace *as, struct arm_cpu *cpu);

static inline struct mem_region *aspace_find(const struct aspace *as, uint64_t pa)
{
    if (pa >> 32)
        return NULL;
    const uint8_t *l2 = as->page_map[pa >> (32 - ASPACE_L1_BITS)];
    if (!l2)
        return NULL;
    unsigned index = l2[(pa >> 12) & (ASPACE_L2_ENTRIES - 1)];
    return index ? (struct mem_region *)&as->region[index - 1] : NULL;
}

/* Host pointer for [pa, pa+len) if it is all inside one RAM/ROM region. */
uint8_t *aspace_host_ptr(const struct aspace *as, uint64_t pa, uint64_t len);

/*
 * Physical access (used by the MMU slow path, walkers, loaders, DMA).
 * Returns 0, or 1 when a device was touched. Writes to ROM are ignored;
 * writes to RAM invalidate decoded code on that page.
 */
int aspace_read(struct aspace *as, uint64_t pa, unsigned size, uint32_t *value);
int aspace_write(struct aspace *as, uint64_t pa, unsigned size, uint32_t value);
/* Bulk copy for loaders and the monitor; -EFAULT if not all RAM/ROM. */
int aspace_write_bytes(struct aspace *as, uint64_t pa, const void *buf, uint64_t len);
int aspace_read_bytes(struct aspace *as, uint64_t pa, void *buf, uint64_t len);

/*
 * Code-page tracking: mark_code is called when a decode block is created for
 * a page (write TLB entries to it are dropped in every attached CPU so stores
 * take the slow path); note_write is called by that slow path and resets the
 * page's decoded blocks.
 */
void aspace_mark_code(struct aspace *as, struct mem_region *r, uint64_t pa);
void aspace_note_write(struct aspace *as, struct mem_region *r, uint64_t pa);

#endif
