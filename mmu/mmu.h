/*
 * The memory system below a CPU: implements struct cpu_memory_ops (TLB
 * fill, the slow load/store path, instruction fetch into decode blocks) on
 * top of an address space and the model's page-table walker.
 */
#ifndef MMU_MMU_H
#define MMU_MMU_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "mmu/aspace.h"

/*
 * Watchpoints (mmu/watch.c; the monitor's `watch`, a gdb stub's Z2-Z4).
 * A watch covers [addr, addr + len) of virtual or physical addresses for
 * reads, writes or both. A 4 KiB page that overlaps a watch never gets
 * fast-path read/write TLB tags, so every access to it takes the slow
 * path, which compares it with the list. A hit lets the access complete,
 * records itself in watch_hit, makes the access return 1 (as a device
 * access does) and lowers cpu->run_end to the current instruction count,
 * so cpu_run ends after this instruction; the machine's run loop then
 * asks its debugger whether to stop and calls mmu_watch_hit_done.
 * Debugger accesses (MEM_NOFAULT) and page-table walks never hit. The
 * list belongs to the caller and must stay valid until it is replaced.
 */
#define MMU_WATCH_READ 1u
#define MMU_WATCH_WRITE 2u

struct mmu_watch {
    uint64_t addr;
    uint32_t len;
    uint8_t access;         /* MMU_WATCH_READ | MMU_WATCH_WRITE */
    bool physical;          /* addr is a physical address */
};

struct mmu_watch_hit {
    bool pending;           /* set by the slow path, cleared by the debugger */
    unsigned index;         /* which watch of the list */
    uint32_t va;
    uint64_t pa;
    unsigned size;
    bool write;
    uint32_t old_value;     /* memory before the access (RAM/ROM; 0 for devices) */
    uint32_t value;         /* value stored, or value read */
    uint32_t insn_addr;     /* the accessing instruction */
};

struct mmu_context {
    struct arm_cpu *cpu;
    struct aspace *as;
    /* counters for `stats` */
    uint64_t tlb_fills;
    uint64_t walks;
    uint64_t faults;
    /* watchpoints (see above) */
    const struct mmu_watch *watch;
    unsigned watch_count;
    struct mmu_watch_hit watch_hit;
};

/* Connects cpu to as: sets cpu->mem, cpu->mem_opaque, cpu->dcache. */
void mmu_attach(struct mmu_context *ctx, struct arm_cpu *cpu, struct aspace *as);

/* Installs a watch list (count 0: none) and flushes the CPU's TLB. */
void mmu_set_watchpoints(struct mmu_context *ctx, const struct mmu_watch *watch,
                         unsigned count);
/* True when a watch overlaps the 4 KiB page va_page or pa_page (tlb_fill). */
bool mmu_watch_page(const struct mmu_context *ctx, uint32_t va_page, uint64_t pa_page);
/*
 * The slow path calls this before a data access of size bytes at va/pa
 * (value: the data of a store). Returns 1 after recording a hit, else 0.
 */
int mmu_watch_check(struct mmu_context *ctx, uint32_t va, uint64_t pa, unsigned size,
                    bool write, uint32_t value);
/* Clears a reported hit (see above). */
void mmu_watch_hit_done(struct mmu_context *ctx);

enum mmu_access { MMU_READ, MMU_WRITE, MMU_EXEC };

/*
 * Fault status codes, FSR[3:0] (ARM ARM DDI 0100I B3.6, Table B3-11); the
 * ARMv7 short-descriptor format keeps these values (with FS[4] = 0). The
 * ARMv5 FSR puts the domain in [7:4].
 */
enum mmu_fsr_status {
    FSR_ALIGNMENT = 0x1,
    FSR_EXT_ABORT_SECTION = 0x8,     /* external abort, not on translation */
    FSR_EXT_ABORT_PAGE = 0xa,
    FSR_EXT_ABORT_TRANSL_L1 = 0xc,   /* external abort on a table walk */
    FSR_EXT_ABORT_TRANSL_L2 = 0xe,
    FSR_TRANSLATION_SECTION = 0x5,
    FSR_TRANSLATION_PAGE = 0x7,
    FSR_DOMAIN_SECTION = 0x9,
    FSR_DOMAIN_PAGE = 0xb,
    FSR_PERMISSION_SECTION = 0xd,
    FSR_PERMISSION_PAGE = 0xf,
};

/*
 * ARMv7 short-descriptor fault status (DDI 0406C B3.13 and the DFSR/IFSR
 * pages of B4.1): FS[3:0] in bits [3:0], FS[4] in bit 10, the domain in [7:4]
 * (DFSR only), WnR in bit 11 (DFSR only). The values above keep their
 * meaning; these are new in ARMv6/v7.
 */
enum mmu_fsr_v7_status {
    FSR_V7_ACCESS_FLAG_SECTION = 0x03,
    FSR_V7_ACCESS_FLAG_PAGE = 0x06,
    FSR_V7_SYNC_EXT_ABORT = 0x08,    /* not on a walk: e.g. a PA beyond 4 GiB */
};
#define FSR_V7_FS4 (1u << 10)
#define FSR_V7_WNR (1u << 11)
#define FSR_V7_EXT (1u << 12)

/* Memory types and cache policies decoded by the ARMv7 walker (B3.8). */
enum mmu_mem_type { MMU_MEM_STRONGLY_ORDERED, MMU_MEM_DEVICE, MMU_MEM_NORMAL };
enum mmu_cache_policy {             /* the NMRR/TEX encoding */
    MMU_CACHE_NONE = 0,             /* non-cacheable */
    MMU_CACHE_WBWA = 1,             /* write-back, write-allocate */
    MMU_CACHE_WT = 2,               /* write-through, no write-allocate */
    MMU_CACHE_WB = 3,               /* write-back, no write-allocate */
};

/* Result of a translation (walkers fill it). */
struct mmu_translation {
    uint64_t pa;
    uint32_t page_size;     /* bytes mapped by the final descriptor */
    bool can_read_priv, can_write_priv;
    bool can_read_user, can_write_user;
    bool can_exec;          /* for the privilege the walk was made for */
    bool can_exec_priv, can_exec_user;
    /* ARMv7 attributes (PAR, monitor); the ARMv5 walker leaves them alone. */
    uint8_t mem_type;       /* enum mmu_mem_type */
    uint8_t inner, outer;   /* enum mmu_cache_policy, Normal memory only */
    bool shareable, outer_shareable;
    bool global;            /* nG = 0: valid for every ASID */
    bool supersection;
    bool ns;                /* descriptor NS bit */
    uint8_t domain;         /* 0-15, or MMU_NO_DOMAIN (MMU off) */
};

/* Domain of a translation made with the MMU off: no DACR change affects it. */
#define MMU_NO_DOMAIN 16

/*
 * Translates va for the given access with the cpu's current translation
 * regime. Returns 0 and fills *t, or -1 with cpu->fault.fsr/far set in the
 * model's fault status format. When explain is non-NULL the walker prints
 * each level and why access was granted or refused (monitor `walk`).
 */
int mmu_translate(struct arm_cpu *cpu, uint32_t va, enum mmu_access access, bool user,
                  struct mmu_translation *t, FILE *explain);

/*
 * ARMv5 Fast Context Switch Extension (ARM ARM DDI 0100I B8.2): a VA in the
 * bottom 32 MiB is relocated by the process ID held in FCSEIDR[31:25]; the
 * result (the "modified virtual address") is what the walker translates and
 * what the FAR reports. Cores without FCSE keep fcse_pid at 0.
 */
static inline uint32_t mmu_fcse_mva(const struct arm_cpu *cpu, uint32_t va)
{
    return va < (1u << 25) ? va | cpu->cp15.fcse_pid : va;
}

/* ARMv5 walker (mmu/walk_v5.c). Same contract as mmu_translate. */
int mmu_walk_v5(struct arm_cpu *cpu, struct aspace *as, uint32_t va, enum mmu_access access,
                bool user, struct mmu_translation *t, FILE *explain);

/* ARMv7 short-descriptor walker (mmu/walk_v7.c). Same contract as mmu_translate. */
int mmu_walk_v7(struct arm_cpu *cpu, struct aspace *as, uint32_t va, enum mmu_access access,
                bool user, struct mmu_translation *t, FILE *explain);

/*
 * Records an alignment fault for a data access at va in cpu->fault, in the
 * model's FSR format (ARMv7: FS 0b00001 with WnR), and returns -1. For
 * accesses that must be aligned whatever SCTLR.A says (ARMv7 LDM/STM,
 * LDRD/STRD, LDREX/STREX: DDI 0406C A3.2.1); the handler then returns
 * cpu_data_abort(cpu).
 */
int mmu_alignment_fault(struct arm_cpu *cpu, uint32_t va, bool write);

#endif
