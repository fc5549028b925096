/*
 * The memory system below a CPU (mmu/mmu.h): the slow path of guest loads
 * and stores, software TLB fills, instruction fetch into decode blocks and
 * side-effect-free debugger access, on top of an address space and the
 * model's page-table walker.
 *
 * TLB policy (cpu/tlb.h). A fill describes one 4 KiB virtual page in the
 * TLB of one privilege level (tlb[0] user, tlb[1] privileged). Each tag is
 * set only if that privilege may do that kind of access, so the fast path
 * never needs a permission check. The write tag stays invalid for ROM and
 * for pages holding decoded code; the exec tag is set only by fetch_block,
 * together with the decode block. Mappings finer than 4 KiB (ARMv5 tiny
 * pages, small pages with differing subpage permissions) are never cached:
 * every access to them walks.
 *
 * Self-modifying code. The first store to a page with decoded code resets
 * the page's blocks (aspace_note_write), drops every exec tag naming the
 * page and returns "device touched" so the executor leaves its
 * straight-line run: the next fetch from the page goes through fetch_block,
 * which marks the page as code again before any slot is re-decoded. Stores
 * in between are fast; no decoded slot can exist then without the mark.
 *
 * Alignment (ARM ARM DDI 0100I A2.8, B3.6.1; DDI 0406C A3.2.1): with
 * SCTLR.A set a misaligned access is an alignment fault; otherwise with
 * SCTLR.U clear (ARMv5) the access is done at the aligned address (the word
 * load handler rotates), and with U set (ARMv6+) it is done as asked, in
 * single bytes when it crosses a page.
 */
#include "mmu/mmu.h"

#include <errno.h>
#include <string.h>

#include "base/trace.h"
#include "cpu/decode.h"
#include "cpu/mem.h"

static struct mmu_context *mmu_ctx(const struct arm_cpu *cpu)
{
    return cpu->mem_opaque;
}

/* ---- translation ---- */

static int translate_flat(uint32_t va, struct mmu_translation *t, FILE *explain)
{
    t->pa = va;
    t->page_size = 1u << 20;
    t->can_read_priv = t->can_write_priv = true;
    t->can_read_user = t->can_write_user = true;
    t->can_exec = t->can_exec_priv = t->can_exec_user = true;
    if (explain)
        fprintf(explain, "walk VA 0x%08x: MMU disabled (SCTLR.M = 0)\n  => PA 0x%08x\n", va,
                va);
    return 0;
}

/*
 * No walker for this translation regime (a model without one, or the LPAE
 * long-descriptor format selected by TTBCR.EAE): a section translation
 * fault that says why, rather than pretending a flat map.
 */
static int translate_unsupported(struct arm_cpu *cpu, uint32_t va, enum mmu_access access,
                                 FILE *explain, const char *what)
{
    cpu->fault.fsr = FSR_TRANSLATION_SECTION;
    cpu->fault.far = va;
    cpu->fault.write = access == MMU_WRITE;
    if (explain)
        fprintf(explain, "walk VA 0x%08x: %s is not implemented on %s\n", va, what,
                cpu->model->name);
    trace_printf(cpu->trace, TRACE_UNIMP, "cpu%u MMU enabled on %s: %s not implemented",
                 cpu->index, cpu->model->name, what);
    return -1;
}

static bool model_is_v7(const struct arm_cpu *cpu)
{
    return (cpu->model->features & (CPU_FEAT_V7 | CPU_FEAT_VMSA_V5)) == CPU_FEAT_V7;
}

/*
 * The ARMv5 walker also handles SCTLR.M = 0 itself, because the FCSE
 * relocation applies to the flat map too (the MVA is the physical address);
 * the ARMv7 walker does, to report the default memory attributes. ARMv5 has
 * no execute-never: a fetch needs read permission.
 */
int mmu_translate(struct arm_cpu *cpu, uint32_t va, enum mmu_access access, bool user,
                  struct mmu_translation *t, FILE *explain)
{
    t->domain = MMU_NO_DOMAIN;
    if (cpu->model->features & CPU_FEAT_VMSA_V5) {
        int rc = mmu_walk_v5(cpu, mmu_ctx(cpu)->as, va, access, user, t, explain);
        if (rc == 0) {
            t->can_exec_priv = t->can_read_priv;
            t->can_exec_user = t->can_read_user;
        }
        return rc;
    }
    if (model_is_v7(cpu)) {
        if ((cpu->cp15.sctlr & SCTLR_M) && (cpu->cp15.ttbcr & TTBCR_EAE))
            return translate_unsupported(cpu, va, access, explain,
                                         "the long-descriptor format (TTBCR.EAE = 1)");
        return mmu_walk_v7(cpu, mmu_ctx(cpu)->as, va, access, user, t, explain);
    }
    if (!(cpu->cp15.sctlr & SCTLR_M))
        return translate_flat(va, t, explain);
    return translate_unsupported(cpu, va, access, explain, "a page-table walker");
}

/*
 * Alignment fault (ARM ARM DDI 0100I B3.6.1; DDI 0406C A3.2.1, B3.13): status
 * 0b00001, domain not valid; ARMv7 adds WnR. The FAR is the (modified)
 * virtual address of the access.
 */
int mmu_alignment_fault(struct arm_cpu *cpu, uint32_t va, bool write)
{
    cpu->fault.fsr = FSR_ALIGNMENT;
    if (model_is_v7(cpu) && write)
        cpu->fault.fsr |= FSR_V7_WNR;
    cpu->fault.far = mmu_fcse_mva(cpu, va);
    cpu->fault.write = write;
    if (cpu->mem_opaque)
        mmu_ctx(cpu)->faults++;
    trace_printf(cpu->trace, TRACE_MMU, "cpu%u alignment fault: %s at 0x%08x", cpu->index,
                 write ? "write" : "read", va);
    return -1;
}

/* Translation for the slow path: counts, and leaves cpu->fault alone for
 * MEM_NOFAULT accesses. */
static int mmu_lookup(struct arm_cpu *cpu, uint32_t va, enum mmu_access access, bool user,
                      unsigned flags, struct mmu_translation *t)
{
    struct mmu_context *ctx = mmu_ctx(cpu);
    ctx->walks++;
    if (flags & MEM_NOFAULT) {
        struct mem_fault saved = cpu->fault;
        int rc = mmu_translate(cpu, va, access, user, t, NULL);
        cpu->fault = saved;
        return rc;
    }
    int rc = mmu_translate(cpu, va, access, user, t, NULL);
    if (rc < 0)
        ctx->faults++;
    return rc;
}

/* ---- TLB ---- */

/*
 * Points the entry for va in the TLB of the given privilege at t's page of
 * region r and sets the read and write tags that privilege earns. Returns
 * the entry, or NULL when the mapping cannot be cached (finer than a TLB
 * page). The exec tag and blocks survive only if the entry already mapped
 * this virtual page to this physical page.
 */
static struct tlb_entry *tlb_fill(struct arm_cpu *cpu, uint32_t va, bool user,
                                  const struct mmu_translation *t, const struct mem_region *r)
{
    if (t->page_size < TLB_PAGE_SIZE)
        return NULL;
    struct tlb_entry *e = &cpu->tlb[user ? 0 : 1][tlb_index(va)];
    uint32_t va_page = va & TLB_PAGE_MASK;
    uint64_t pa_page = t->pa & ~(uint64_t)(TLB_PAGE_SIZE - 1);
    uint32_t pfn = (uint32_t)(pa_page >> TLB_PAGE_SHIFT);

    cpu_tlb_note_fill(cpu, user ? 0 : 1, tlb_index(va));
    bool same = e->phys_page == pfn && e->tag_translated == va_page;
    if (!same) {
        e->tag_exec = TLB_INVALID;
        e->code[0] = e->code[1] = NULL;
    }
    bool can_read = user ? t->can_read_user : t->can_read_priv;
    bool can_write = user ? t->can_write_user : t->can_write_priv;
    bool can_exec = user ? t->can_exec_user : t->can_exec_priv;
    e->phys_page = pfn;
    e->domain = t->domain;
    e->tag_translated = va_page;
    e->perm = (can_read ? TLB_PERM_READ : 0) | (can_write ? TLB_PERM_WRITE : 0) |
              (can_exec ? TLB_PERM_EXEC : 0);
    if (r && r->kind != REGION_MMIO) {
        uint64_t offset = pa_page - r->base;
        bool fast_write = can_write && r->kind == REGION_RAM && !r->code_pages[offset >> 12];
        e->addend = (uintptr_t)(r->host + offset) - va_page;
        e->tag_read = can_read ? va_page : TLB_INVALID;
        e->tag_write = fast_write ? va_page : TLB_INVALID;
        /* Watched pages stay on the slow path (mmu/watch.c), and so does
         * all data while CPSR.E = 1: the slow path byte-swaps it. */
        if (unlikely(mmu_ctx(cpu)->watch_count) &&
            mmu_watch_page(mmu_ctx(cpu), va_page, pa_page))
            e->tag_read = e->tag_write = TLB_INVALID;
        if (unlikely(cpu_data_big_endian(cpu)))
            e->tag_read = e->tag_write = TLB_INVALID;
    } else {
        /* Devices and empty slots: every access takes the slow path, which
         * finds the translation here instead of walking again. */
        e->tag_read = e->tag_write = TLB_INVALID;
    }
    mmu_ctx(cpu)->tlb_fills++;
    return e;
}

/* The cached translation of va's page, if it allows this access. */
static bool tlb_translated(struct arm_cpu *cpu, uint32_t va, enum mmu_access access, bool user,
                           struct mmu_translation *t)
{
    const struct tlb_entry *e = &cpu->tlb[user ? 0 : 1][tlb_index(va)];
    static const uint32_t needed[] = {
        [MMU_READ] = TLB_PERM_READ, [MMU_WRITE] = TLB_PERM_WRITE, [MMU_EXEC] = TLB_PERM_EXEC,
    };
    if (e->tag_translated != (va & TLB_PAGE_MASK) || !(e->perm & needed[access]))
        return false;
    t->pa = ((uint64_t)e->phys_page << TLB_PAGE_SHIFT) | (va & ~TLB_PAGE_MASK);
    t->domain = e->domain;
    t->page_size = TLB_PAGE_SIZE;
    t->can_read_priv = t->can_read_user = (e->perm & TLB_PERM_READ) != 0;
    t->can_write_priv = t->can_write_user = (e->perm & TLB_PERM_WRITE) != 0;
    t->can_exec = t->can_exec_priv = t->can_exec_user = (e->perm & TLB_PERM_EXEC) != 0;
    return true;
}

/* ---- loads and stores ---- */

/* An instruction fetch that translated to a device or an empty bus slot. */
static void fetch_external_abort(struct arm_cpu *cpu, uint32_t va,
                                 const struct mmu_translation *t)
{
    /* ARMv7 has one synchronous external abort code (DDI 0406C B3.13). */
    if (model_is_v7(cpu))
        cpu->fault.fsr = FSR_V7_SYNC_EXT_ABORT;
    else
        cpu->fault.fsr = t->page_size >= (1u << 20) ? FSR_EXT_ABORT_SECTION
                                                     : FSR_EXT_ABORT_PAGE;
    cpu->fault.far = mmu_fcse_mva(cpu, va);
    cpu->fault.write = false;
    mmu_ctx(cpu)->faults++;
    trace_printf(cpu->trace, TRACE_MMU,
                 "cpu%u prefetch abort: VA 0x%08x -> PA 0x%08llx is not RAM/ROM", cpu->index,
                 va, (unsigned long long)t->pa);
}

/*
 * One access that lies within a page. *value is the result of a load or
 * the data of a store. Returns 0, 1 when a device was touched (or decoded
 * code was overwritten), -1 on a fault.
 */
static int access_in_page(struct arm_cpu *cpu, uint32_t va, unsigned size, uint32_t *value,
                          enum mmu_access access, bool user, unsigned flags)
{
    struct aspace *as = mmu_ctx(cpu)->as;
    struct mmu_translation t;
    bool cached = !(flags & MEM_NOFAULT) && tlb_translated(cpu, va, access, user, &t);
    if (!cached && mmu_lookup(cpu, va, access, user, flags, &t) < 0)
        return -1;

    /* Data watchpoints (mmu/watch.c): the access completes, then the
     * executor leaves its loop as after a device access. */
    int watched = 0;
    if (unlikely(mmu_ctx(cpu)->watch_count) && access != MMU_EXEC && !(flags & MEM_NOFAULT))
        watched = mmu_watch_check(mmu_ctx(cpu), va, t.pa, size, access == MMU_WRITE,
                                  access == MMU_WRITE ? *value : 0);

    struct mem_region *r = aspace_find(as, t.pa);
    if (r && r->kind != REGION_MMIO) {
        uint64_t offset = t.pa - r->base;
        int rc = watched;
        if (access != MMU_WRITE) {
            uint32_t v = 0;
            memcpy(&v, r->host + offset, size);
            *value = v;
        } else if (r->kind == REGION_RAM) {
            if (r->code_pages[offset >> 12]) {
                /* The executor must leave the block it is running: the next
                 * lookup re-marks the page as code (fetch_block), so later
                 * stores to it are seen too. */
                aspace_note_write(as, r, t.pa);
                cpu->exit_request = 1;
                rc = 1;
            }
            memcpy(r->host + offset, value, size);
        } else {
            trace_printf(cpu->trace, TRACE_GUEST_ERROR,
                         "cpu%u write of %u bytes to ROM at PA 0x%08llx ignored", cpu->index,
                         size, (unsigned long long)t.pa);
        }
        if (!(flags & MEM_NOFAULT))
            tlb_fill(cpu, va, user, &t, r);
        return rc;
    }

    if (access == MMU_EXEC) {
        /* An instruction fetch (the second half of a Thumb-2 instruction
         * across a page) from a device or an empty slot: external abort. */
        if (!(flags & MEM_NOFAULT))
            fetch_external_abort(cpu, va, &t);
        return -1;
    }
    if (flags & MEM_NOFAULT) {
        /* Debugger: never a device side effect. */
        if (access != MMU_WRITE)
            *value = 0;
        return 0;
    }
    if (!cached)
        tlb_fill(cpu, va, user, &t, r);
    int rc = access == MMU_WRITE ? aspace_write(as, t.pa, size, *value)
                                 : aspace_read(as, t.pa, size, value);
    return r ? 1 : rc | watched;
}

/*
 * Misaligned access: returns -1 after an alignment fault, 1 when the access
 * must be split across two pages, 0 to go on with *va (aligned down when
 * SCTLR.U is clear).
 */
static int check_alignment(struct arm_cpu *cpu, uint32_t *va, unsigned size, bool write,
                           unsigned flags)
{
    uint32_t sctlr = cpu->cp15.sctlr;
    if ((sctlr & SCTLR_A) && !(flags & MEM_NOFAULT))
        return mmu_alignment_fault(cpu, *va, write);
    if (!(sctlr & SCTLR_U)) {
        *va &= ~(size - 1);
        return 0;
    }
    return (*va & (TLB_PAGE_SIZE - 1)) + size > TLB_PAGE_SIZE ? 1 : 0;
}

static enum mmu_access load_kind(unsigned flags)
{
    return (flags & MEM_EXEC) ? MMU_EXEC : MMU_READ;
}

static bool access_is_user(const struct arm_cpu *cpu, unsigned flags)
{
    return (flags & MEM_USER) || !cpu_privileged(cpu);
}

/*
 * BE-8 (DDI 0406C A3.3.1): with CPSR.E = 1 a halfword or word data access
 * reverses its bytes; memory itself is byte-invariant. Instruction fetches
 * (MEM_EXEC) stay little-endian. An access wider than a word is made of
 * word accesses by its instruction, which also orders the words.
 */
static uint32_t data_endian(const struct arm_cpu *cpu, uint32_t value, unsigned size,
                            unsigned flags)
{
    if (likely(!cpu_data_big_endian(cpu)) || (flags & MEM_EXEC) || size == 1)
        return value;
    return size == 2 ? (uint32_t)__builtin_bswap16((uint16_t)value) : __builtin_bswap32(value);
}

/* The load as little-endian bytes: value = byte[va] | byte[va + 1] << 8 ... */
static int mmu_load_le(struct arm_cpu *cpu, uint32_t va, unsigned size, uint32_t *value,
                       unsigned flags)
{
    bool user = access_is_user(cpu, flags);
    enum mmu_access kind = load_kind(flags);
    if (unlikely(va & (size - 1))) {
        int split = check_alignment(cpu, &va, size, false, flags);
        if (split < 0)
            return -1;
        if (split) {
            /* ARMv6+ unaligned access across a page: byte by byte, little
             * endian; a fault on either page aborts the whole load. */
            uint32_t result = 0;
            int touched = 0;
            for (unsigned i = 0; i < size; i++) {
                uint32_t byte;
                int rc = access_in_page(cpu, va + i, 1, &byte, kind, user, flags);
                if (rc < 0)
                    return -1;
                touched |= rc;
                result |= byte << (8 * i);
            }
            *value = result;
            return touched;
        }
    }
    return access_in_page(cpu, va, size, value, kind, user, flags);
}

static int mmu_load(struct arm_cpu *cpu, uint32_t va, unsigned size, uint32_t *value,
                    unsigned flags)
{
    int rc = mmu_load_le(cpu, va, size, value, flags);
    if (rc >= 0)
        *value = data_endian(cpu, *value, size, flags);
    return rc;
}

static int mmu_store(struct arm_cpu *cpu, uint32_t va, unsigned size, uint32_t value,
                     unsigned flags)
{
    bool user = access_is_user(cpu, flags);
    value = data_endian(cpu, value, size, flags);
    if (unlikely(va & (size - 1))) {
        int split = check_alignment(cpu, &va, size, true, flags);
        if (split < 0)
            return -1;
        if (split) {
            /* Check both pages before writing anything, so a fault on the
             * second leaves memory untouched. */
            struct mmu_translation t;
            uint32_t last = va + size - 1;
            if (mmu_lookup(cpu, va, MMU_WRITE, user, flags, &t) < 0 ||
                mmu_lookup(cpu, last, MMU_WRITE, user, flags, &t) < 0)
                return -1;
            int touched = 0;
            for (unsigned i = 0; i < size; i++) {
                uint32_t byte = (value >> (8 * i)) & 0xff;
                int rc = access_in_page(cpu, va + i, 1, &byte, MMU_WRITE, user, flags);
                if (rc < 0)
                    return -1;
                touched |= rc;
            }
            return touched;
        }
    }
    return access_in_page(cpu, va, size, &value, MMU_WRITE, user, flags);
}

/* ---- instruction fetch ---- */

static struct decode_block *mmu_fetch_block(struct arm_cpu *cpu, uint32_t va, bool thumb)
{
    struct aspace *as = mmu_ctx(cpu)->as;
    bool user = !cpu_privileged(cpu);
    struct mmu_translation t;
    if (mmu_lookup(cpu, va, MMU_EXEC, user, 0, &t) < 0)
        return NULL;

    struct mem_region *r = aspace_find(as, t.pa);
    struct decode_block *block = NULL;
    uint64_t pa_page = t.pa & ~(uint64_t)(TLB_PAGE_SIZE - 1);
    if (r && r->kind != REGION_MMIO) {
        uint8_t *host = r->host + (pa_page - r->base);
        block = decode_cache_get(cpu->dcache, pa_page, host,
                                 thumb ? DECODE_THUMB : DECODE_ARM);
    }
    if (!block) {
        /* Executing from a device, an empty bus slot, or out of host
         * memory for the block: the fetch gets an external abort. */
        fetch_external_abort(cpu, va, &t);
        return NULL;
    }

    if (!r->code_pages[(pa_page - r->base) >> TLB_PAGE_SHIFT])
        aspace_mark_code(as, r, pa_page);
    struct tlb_entry *e = tlb_fill(cpu, va, user, &t, r);
    if (e) {
        e->tag_exec = va & TLB_PAGE_MASK;
        e->code[thumb ? 1 : 0] = block;
    }
    return block;
}

/* ---- debugger access ---- */

/*
 * Translation for the monitor and debugger: a privileged read, so kernel
 * memory is visible whatever mode the CPU stopped in. No FSR/FAR, TLB or
 * cpu->fault change.
 */
static int debug_translate(struct arm_cpu *cpu, uint32_t va, uint64_t *pa)
{
    struct mem_fault saved = cpu->fault;
    struct mmu_translation t;
    int rc = mmu_translate(cpu, va, MMU_READ, false, &t, NULL);
    cpu->fault = saved;
    if (rc < 0)
        return -EFAULT;
    *pa = t.pa;
    return 0;
}

static int mmu_translate_debug(struct arm_cpu *cpu, uint32_t va, uint64_t *pa)
{
    return debug_translate(cpu, va, pa);
}

/* PAR Inner[2:0] for the attributes (DDI 0406C B4.1, PAR, short format). */
static uint32_t par_inner(const struct mmu_translation *t)
{
    static const uint8_t normal[4] = {
        [MMU_CACHE_NONE] = 0, [MMU_CACHE_WBWA] = 5, [MMU_CACHE_WT] = 6, [MMU_CACHE_WB] = 7,
    };
    switch (t->mem_type) {
    case MMU_MEM_STRONGLY_ORDERED: return 1;
    case MMU_MEM_DEVICE: return 3;
    default: return normal[t->inner & 3];
    }
}

/*
 * ATS1C{P,U}{R,W} (DDI 0406C B4.2; PAR in B4.1): a stage 1 translation
 * as the given privilege would make it, without side effects. Success:
 * PA[31:12] (a supersection reports PA[31:24] and PA[39:32] with SS set),
 * NOS, NS, SH, Inner, Outer. Fault: F with FS = DFSR[12], [10], [3:0].
 */
static uint32_t mmu_ats(struct arm_cpu *cpu, uint32_t va, bool write, bool user)
{
    struct mem_fault saved = cpu->fault;
    struct mmu_translation t = { 0 };
    int rc = mmu_translate(cpu, va, write ? MMU_WRITE : MMU_READ, user, &t, NULL);
    uint32_t fsr = cpu->fault.fsr;
    cpu->fault = saved;
    if (rc < 0)
        return 1u | ((fsr & 0xfu) << 1) | (((fsr >> 10) & 1) << 5) | (((fsr >> 12) & 1) << 6);

    uint32_t par;
    if (t.supersection)
        par = ((uint32_t)t.pa & 0xff000000u) | (uint32_t)((t.pa >> 32) & 0xff) << 16 | 1u << 1;
    else
        par = (uint32_t)t.pa & 0xfffff000u;
    if (t.shareable) {
        par |= 1u << 7;
        if (!t.outer_shareable)
            par |= 1u << 10;
    }
    if (t.ns)
        par |= 1u << 9;
    par |= par_inner(&t) << 4;
    if (t.mem_type == MMU_MEM_NORMAL)
        par |= (uint32_t)(t.outer & 3) << 2;
    return par;
}

/*
 * Copies in chunks that stay inside a 1 KiB block (the finest ARMv5
 * mapping) so each chunk has one physical address. MMIO and unmapped
 * addresses read as zero without calling devices.
 */
int cpu_debug_read(struct arm_cpu *cpu, uint32_t va, void *buf, unsigned len)
{
    struct aspace *as = mmu_ctx(cpu)->as;
    uint8_t *dst = buf;
    while (len) {
        unsigned chunk = 1024 - (va & 1023);
        if (chunk > len)
            chunk = len;
        uint64_t pa;
        if (debug_translate(cpu, va, &pa) < 0)
            return -EFAULT;
        if (aspace_read_bytes(as, pa, dst, chunk) < 0)
            memset(dst, 0, chunk);
        dst += chunk;
        va += chunk;
        len -= chunk;
    }
    return 0;
}

/*
 * Writes through the privileged read translation (a debugger may plant a
 * breakpoint in read-only text or in ROM), resetting decoded code it
 * overwrites. Devices are never written: -EFAULT.
 */
int cpu_debug_write(struct arm_cpu *cpu, uint32_t va, const void *buf, unsigned len)
{
    struct aspace *as = mmu_ctx(cpu)->as;
    const uint8_t *src = buf;
    while (len) {
        unsigned chunk = 1024 - (va & 1023);
        if (chunk > len)
            chunk = len;
        uint64_t pa;
        if (debug_translate(cpu, va, &pa) < 0)
            return -EFAULT;
        struct mem_region *r = aspace_find(as, pa);
        if (!r || r->kind == REGION_MMIO)
            return -EFAULT;
        if (r->code_pages[(pa - r->base) >> TLB_PAGE_SHIFT])
            aspace_note_write(as, r, pa);
        memcpy(r->host + (pa - r->base), src, chunk);
        src += chunk;
        va += chunk;
        len -= chunk;
    }
    return 0;
}

/* ---- attach ---- */

static const struct cpu_memory_ops mmu_memory_ops = {
    .load = mmu_load,
    .store = mmu_store,
    .fetch_block = mmu_fetch_block,
    .translate_debug = mmu_translate_debug,
    .ats = mmu_ats,
};

void mmu_attach(struct mmu_context *ctx, struct arm_cpu *cpu, struct aspace *as)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->cpu = cpu;
    ctx->as = as;
    cpu->mem = &mmu_memory_ops;
    cpu->mem_opaque = ctx;
    cpu->dcache = &as->dcache;
    cpu_tlb_flush(cpu);
    if (aspace_attach_cpu(as, cpu) < 0)
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u: address space has no room for another CPU; code-page "
                     "tracking will not reach its TLB", cpu->index);
}
