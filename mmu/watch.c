/*
 * Data watchpoints in the memory slow path (mmu.h, "Watchpoints").
 *
 * The fast path (cpu/mem.h) cannot see a watchpoint: it compares a TLB tag
 * and touches host memory. So tlb_fill never gives a read or write tag to
 * a 4 KiB page that overlaps a watch (by virtual page or by physical
 * page), and every access to such a page reaches access_in_page, which
 * asks mmu_watch_check about it. Unwatched pages keep their fast tags;
 * the cost elsewhere is one compare of watch_count per fill and per
 * slow-path access.
 */
#include "mmu/mmu.h"

#include <string.h>

#include "cpu/cpu.h"

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

void mmu_set_watchpoints(struct mmu_context *ctx, const struct mmu_watch *watch,
                         unsigned count)
{
    ctx->watch = count ? watch : NULL;
    ctx->watch_count = count;
    ctx->watch_hit.pending = false;
    /* Pages filled before the change may hold fast tags a new watch must
     * take away (or a removed watch may give back). */
    cpu_tlb_flush(ctx->cpu);
}

bool mmu_watch_page(const struct mmu_context *ctx, uint32_t va_page, uint64_t pa_page)
{
    for (unsigned i = 0; i < ctx->watch_count; i++) {
        const struct mmu_watch *w = &ctx->watch[i];
        uint64_t page = w->physical ? pa_page : va_page;
        if (ranges_overlap(w->addr, w->len, page, TLB_PAGE_SIZE))
            return true;
    }
    return false;
}

int mmu_watch_check(struct mmu_context *ctx, uint32_t va, uint64_t pa, unsigned size,
                    bool write, uint32_t value)
{
    for (unsigned i = 0; i < ctx->watch_count; i++) {
        const struct mmu_watch *w = &ctx->watch[i];
        unsigned wanted = write ? MMU_WATCH_WRITE : MMU_WATCH_READ;
        if (!(w->access & wanted))
            continue;
        if (!ranges_overlap(w->addr, w->len, w->physical ? pa : va, size))
            continue;
        struct mmu_watch_hit *hit = &ctx->watch_hit;
        if (hit->pending)
            return 1;   /* the first hit of an instruction is the one reported */
        struct arm_cpu *cpu = ctx->cpu;
        uint32_t old = 0;
        /* RAM/ROM only: reading a device register here could change it. */
        aspace_read_bytes(ctx->as, pa, &old, size);
        *hit = (struct mmu_watch_hit){
            .pending = true, .index = i, .va = va, .pa = pa, .size = size, .write = write,
            .old_value = old, .value = write ? value : old,
            .insn_addr = cpu_insn_addr(cpu),
        };
        /* End cpu_run after this instruction (the executor compares icount,
         * already counting this instruction, with run_end). */
        cpu->exit_request = 1;
        cpu->run_end = cpu->icount;
        return 1;
    }
    return 0;
}

void mmu_watch_hit_done(struct mmu_context *ctx)
{
    ctx->watch_hit.pending = false;
}
