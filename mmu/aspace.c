/*
 * Physical address spaces (see mmu/aspace.h): region bookkeeping, the page
 * lookup table, physical reads/writes, and code-page tracking for the
 * decode cache.
 */
#include "mmu/aspace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/trace.h"
#include "cpu/cpu.h"

#define PAGE_SIZE_4K 4096u

int aspace_init(struct aspace *as, struct trace *trace)
{
    memset(as, 0, sizeof(*as));
    as->trace = trace;
    decode_cache_init(&as->dcache);
    return 0;
}

/* ---- backings: host memory shared by windows in one or more spaces ---- */

static struct aspace_backing *backing_create(uint64_t size)
{
    struct aspace_backing *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    /* mmap gives zeroed, lazily committed memory: a 1 GiB guest costs
     * nothing until it touches its pages. */
    b->host = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    b->code_pages = calloc(size >> 12, 1);
    if (b->host == MAP_FAILED || !b->code_pages) {
        if (b->host != MAP_FAILED)
            munmap(b->host, size);
        free(b->code_pages);
        free(b);
        return NULL;
    }
    b->size = size;
    return b;
}

static int backing_add_window(struct aspace_backing *b, const struct aspace_window *w)
{
    if (b->window_count == b->window_cap) {
        unsigned cap = b->window_cap ? 2 * b->window_cap : 4;
        struct aspace_window *grown = realloc(b->window, cap * sizeof(*grown));
        if (!grown)
            return -ENOMEM;
        b->window = grown;
        b->window_cap = cap;
    }
    b->window[b->window_count++] = *w;
    return 0;
}

/* Drops the window of as at base; frees the backing with its last window. */
static void backing_drop_window(struct aspace_backing *b, const struct aspace *as,
                                uint64_t base)
{
    for (unsigned i = 0; i < b->window_count; i++) {
        if (b->window[i].as == as && b->window[i].base == base) {
            b->window[i] = b->window[--b->window_count];
            break;
        }
    }
    if (b->window_count)
        return;
    munmap(b->host, b->size);
    free(b->code_pages);
    free(b->window);
    free(b);
}

void aspace_destroy(struct aspace *as)
{
    for (unsigned i = 0; i < as->region_count; i++) {
        struct mem_region *r = &as->region[i];
        if (r->size && r->backing)
            backing_drop_window(r->backing, as, r->base);
    }
    for (unsigned i = 0; i < (1u << ASPACE_L1_BITS); i++)
        free(as->page_map[i]);
    decode_cache_destroy(&as->dcache);
    memset(as, 0, sizeof(*as));
}

static bool range_free(const struct aspace *as, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < as->region_count; i++) {
        const struct mem_region *r = &as->region[i];
        if (r->size && base < r->base + r->size && r->base < base + size)
            return false;
    }
    return true;
}

static void set_pages(struct aspace *as, uint64_t base, uint64_t size, uint8_t value)
{
    uint64_t first = base >> 12, count = size >> 12;
    for (uint64_t page = first; page < first + count; page++)
        as->page_map[page >> 10][page & (ASPACE_L2_ENTRIES - 1)] = value;
}

static int aspace_add(struct aspace *as, struct mem_region *proto)
{
    if (proto->size == 0 || (proto->base | proto->size) & (PAGE_SIZE_4K - 1) ||
        proto->base + proto->size > (1ull << 32))
        return -EINVAL;
    if (!range_free(as, proto->base, proto->size))
        return -EINVAL;
    /* A slot freed by aspace_remove is reused first. */
    unsigned index = 0;
    while (index < as->region_count && as->region[index].size)
        index++;
    if (index >= ASPACE_MAX_REGIONS)
        return -ENOSPC;

    uint64_t first = proto->base >> 12, count = proto->size >> 12;
    for (uint64_t l1 = first >> 10; l1 <= (first + count - 1) >> 10; l1++) {
        if (!as->page_map[l1]) {
            as->page_map[l1] = calloc(ASPACE_L2_ENTRIES, 1);
            if (!as->page_map[l1])
                return -ENOMEM;
        }
    }
    if (proto->backing) {
        struct aspace_window w = {
            .as = as, .base = proto->base, .size = proto->size,
            .offset = (uint64_t)(proto->host - proto->backing->host),
        };
        if (backing_add_window(proto->backing, &w) < 0)
            return -ENOMEM;
    }
    set_pages(as, proto->base, proto->size, (uint8_t)(index + 1));
    as->region[index] = *proto;
    if (index == as->region_count)
        as->region_count++;
    return 0;
}

static int aspace_add_memory(struct aspace *as, uint64_t base, uint64_t size,
                             enum region_kind kind, const char *name)
{
    if (size == 0 || (size & (PAGE_SIZE_4K - 1)))
        return -EINVAL;
    struct aspace_backing *b = backing_create(size);
    if (!b)
        return -ENOMEM;
    struct mem_region r = {
        .base = base, .size = size, .kind = kind, .name = name,
        .host = b->host, .code_pages = b->code_pages, .backing = b,
    };
    int rc = aspace_add(as, &r);
    if (rc < 0) {
        munmap(b->host, size);
        free(b->code_pages);
        free(b->window);
        free(b);
    }
    return rc;
}

int aspace_add_ram(struct aspace *as, uint64_t base, uint64_t size, const char *name)
{
    return aspace_add_memory(as, base, size, REGION_RAM, name);
}

int aspace_add_rom(struct aspace *as, uint64_t base, uint64_t size, const char *name)
{
    return aspace_add_memory(as, base, size, REGION_ROM, name);
}

static int aspace_add_alias(struct aspace *as, uint64_t base, uint64_t size,
                            struct aspace *src, uint64_t src_pa, enum region_kind kind,
                            const char *name)
{
    const struct mem_region *from = aspace_find(src, src_pa);
    if (!from || from->kind != REGION_RAM || !from->backing || size == 0 ||
        ((src_pa | size) & (PAGE_SIZE_4K - 1)) || src_pa + size > from->base + from->size)
        return -EINVAL;
    uint64_t offset = (uint64_t)(from->host - from->backing->host) + (src_pa - from->base);
    struct aspace_backing *b = from->backing;
    struct mem_region r = {
        .base = base, .size = size, .kind = kind, .name = name,
        .host = b->host + offset, .code_pages = b->code_pages + (offset >> 12), .backing = b,
    };
    return aspace_add(as, &r);
}

int aspace_add_ram_alias(struct aspace *as, uint64_t base, uint64_t size,
                         struct aspace *src, uint64_t src_pa, const char *name)
{
    return aspace_add_alias(as, base, size, src, src_pa, REGION_RAM, name);
}

int aspace_add_rom_alias(struct aspace *as, uint64_t base, uint64_t size,
                         struct aspace *src, uint64_t src_pa, const char *name)
{
    return aspace_add_alias(as, base, size, src, src_pa, REGION_ROM, name);
}

int aspace_add_mmio(struct aspace *as, uint64_t base, uint64_t size,
                    const struct mmio_ops *ops, void *opaque, const char *name)
{
    struct mem_region r = {
        .base = base, .size = size, .kind = REGION_MMIO, .ops = ops, .opaque = opaque,
        .name = name,
    };
    return aspace_add(as, &r);
}

int aspace_remove(struct aspace *as, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < as->region_count; i++) {
        struct mem_region *r = &as->region[i];
        if (!r->size || r->base != base || r->size != size)
            continue;
        set_pages(as, base, size, 0);
        /* Blocks are keyed by physical address: whatever is mapped here
         * next must be decoded afresh. */
        for (uint64_t pa = base; pa < base + size; pa += PAGE_SIZE_4K)
            decode_cache_invalidate_page(&as->dcache, pa);
        for (unsigned c = 0; c < as->cpu_count; c++)
            cpu_tlb_flush(as->cpu[c]);
        if (r->backing)
            backing_drop_window(r->backing, as, base);
        memset(r, 0, sizeof(*r));
        while (as->region_count && !as->region[as->region_count - 1].size)
            as->region_count--;
        return 0;
    }
    return -ENOENT;
}

int aspace_attach_cpu(struct aspace *as, struct arm_cpu *cpu)
{
    for (unsigned i = 0; i < as->cpu_count; i++)
        if (as->cpu[i] == cpu)
            return 0;
    if (as->cpu_count >= ASPACE_MAX_CPUS)
        return -ENOSPC;
    as->cpu[as->cpu_count++] = cpu;
    return 0;
}

void aspace_detach_cpu(struct aspace *as, struct arm_cpu *cpu)
{
    for (unsigned i = 0; i < as->cpu_count; i++) {
        if (as->cpu[i] == cpu) {
            as->cpu[i] = as->cpu[--as->cpu_count];
            return;
        }
    }
}

uint8_t *aspace_host_ptr(const struct aspace *as, uint64_t pa, uint64_t len)
{
    const struct mem_region *r = aspace_find(as, pa);
    if (!r || r->kind == REGION_MMIO || pa + len > r->base + r->size)
        return NULL;
    return r->host + (pa - r->base);
}

static void log_unmapped(struct aspace *as, const char *what, uint64_t pa, unsigned size)
{
    as->unmapped_accesses++;
    trace_printf(as->trace, TRACE_UNIMP, "unmapped %s of %u bytes at 0x%08llx", what, size,
                 (unsigned long long)pa);
}

int aspace_read(struct aspace *as, uint64_t pa, unsigned size, uint32_t *value)
{
    struct mem_region *r = aspace_find(as, pa);
    if (!r) {
        log_unmapped(as, "read", pa, size);
        *value = 0;
        return 0;
    }
    uint64_t offset = pa - r->base;
    if (r->kind == REGION_MMIO) {
        *value = r->ops->read(r->opaque, (uint32_t)offset, size);
        return 1;
    }
    if (offset + size > r->size) {
        *value = 0;
        return 0;
    }
    uint32_t v = 0;
    memcpy(&v, r->host + offset, size);
    *value = v;
    return 0;
}

int aspace_write(struct aspace *as, uint64_t pa, unsigned size, uint32_t value)
{
    struct mem_region *r = aspace_find(as, pa);
    if (!r) {
        log_unmapped(as, "write", pa, size);
        return 0;
    }
    uint64_t offset = pa - r->base;
    if (r->kind == REGION_MMIO) {
        r->ops->write(r->opaque, (uint32_t)offset, value, size);
        return 1;
    }
    if (r->kind == REGION_ROM || offset + size > r->size)
        return 0;
    if (r->code_pages[offset >> 12])
        aspace_note_write(as, r, pa);
    memcpy(r->host + offset, &value, size);
    return 0;
}

/* Loader/monitor copies: RAM and ROM only (a loader may fill ROM). */
int aspace_write_bytes(struct aspace *as, uint64_t pa, const void *buf, uint64_t len)
{
    const uint8_t *src = buf;
    while (len) {
        struct mem_region *r = aspace_find(as, pa);
        if (!r || r->kind == REGION_MMIO)
            return -EFAULT;
        uint64_t offset = pa - r->base;
        uint64_t chunk = PAGE_SIZE_4K - (pa & (PAGE_SIZE_4K - 1));
        if (chunk > len)
            chunk = len;
        if (r->code_pages[offset >> 12])
            aspace_note_write(as, r, pa);
        memcpy(r->host + offset, src, chunk);
        src += chunk;
        pa += chunk;
        len -= chunk;
    }
    return 0;
}

int aspace_read_bytes(struct aspace *as, uint64_t pa, void *buf, uint64_t len)
{
    uint8_t *dst = buf;
    while (len) {
        struct mem_region *r = aspace_find(as, pa);
        if (!r || r->kind == REGION_MMIO)
            return -EFAULT;
        uint64_t offset = pa - r->base;
        uint64_t chunk = PAGE_SIZE_4K - (pa & (PAGE_SIZE_4K - 1));
        if (chunk > len)
            chunk = len;
        memcpy(dst, r->host + offset, chunk);
        dst += chunk;
        pa += chunk;
        len -= chunk;
    }
    return 0;
}

/* Calls fn for every window onto r's backing that shows page pa of r. */
static void for_each_window(struct mem_region *r, uint64_t pa,
                            void (*fn)(struct aspace *as, uint64_t pa))
{
    struct aspace_backing *b = r->backing;
    uint64_t offset = (uint64_t)(r->host - b->host) + (pa - r->base);
    for (unsigned i = 0; i < b->window_count; i++) {
        const struct aspace_window *w = &b->window[i];
        if (offset >= w->offset && offset < w->offset + w->size)
            fn(w->as, w->base + (offset - w->offset));
    }
}

static void drop_write_tags(struct aspace *as, uint64_t pa)
{
    uint32_t phys_page = (uint32_t)(pa >> 12);
    for (unsigned c = 0; c < as->cpu_count; c++) {
        struct arm_cpu *cpu = as->cpu[c];
        for (unsigned p = 0; p < 2; p++)
            for (unsigned i = 0; i < TLB_ENTRIES; i++)
                if (cpu->tlb[p][i].phys_page == phys_page)
                    cpu->tlb[p][i].tag_write = TLB_INVALID;
    }
}

static void reset_code(struct aspace *as, uint64_t pa)
{
    uint32_t phys_page = (uint32_t)(pa >> 12);
    decode_cache_invalidate_page(&as->dcache, pa);
    for (unsigned c = 0; c < as->cpu_count; c++) {
        struct arm_cpu *cpu = as->cpu[c];
        for (unsigned p = 0; p < 2; p++) {
            for (unsigned i = 0; i < TLB_ENTRIES; i++) {
                struct tlb_entry *e = &cpu->tlb[p][i];
                if (e->phys_page == phys_page) {
                    e->tag_exec = TLB_INVALID;
                    e->code[0] = e->code[1] = NULL;
                }
            }
        }
    }
}

/*
 * A page now holds decoded code: stores to it must take the slow path, so
 * drop every write tag that maps it in every CPU of every space showing it
 * (the mark lives in the backing, so every window sees it).
 */
void aspace_mark_code(struct aspace *as, struct mem_region *r, uint64_t pa)
{
    uint64_t page = (pa - r->base) >> 12;
    if (r->code_pages[page])
        return;
    r->code_pages[page] = 1;
    if (r->backing)
        for_each_window(r, pa, drop_write_tags);
    else
        drop_write_tags(as, pa);
}

/*
 * A store hit a code page: reset its decoded blocks and drop every exec TLB
 * entry that maps it, in every space showing the page, so the next fetch
 * goes through fetch_block, which marks the page as code again. Until
 * then, stores to it are fast.
 */
void aspace_note_write(struct aspace *as, struct mem_region *r, uint64_t pa)
{
    uint64_t page = (pa - r->base) >> 12;
    r->code_pages[page] = 0;
    if (r->backing)
        for_each_window(r, pa, reset_code);
    else
        reset_code(as, pa);
}
