/*
 * Guest memory access from the hypervisor (see hv/guest_mem.h).
 *
 * Translation reuses the model's own walker through mmu_translate(), the
 * same function the TLB refill and the monitor's `walk` use, so the
 * hypervisor sees exactly the guest's view. To make it translation-only
 * (ABI doc 3.3: "ignore access permissions and DACR") the walk runs with
 * every DACR field temporarily set to Manager, which the walkers treat as
 * "no permission check" (ARM ARM DDI 0406C B3.7.3), and cpu->fault is
 * saved and restored around it. Neither the TLB nor any counter is touched.
 */
#include "hv/guest_mem.h"

#include <string.h>

#include "hv/domain.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define GM_PAGE_SIZE 4096u
#define GM_PAGE_MASK (~(uint64_t)(GM_PAGE_SIZE - 1))

/* Largest exclusives reservation granule the architecture allows (B2.9.3). */
#define GM_ERG_MAX 2048u

static int translate_only(struct arm_cpu *cpu, uint32_t va, struct mmu_translation *t)
{
    struct mem_fault saved = cpu->fault;
    uint32_t dacr = cpu->cp15.dacr;
    cpu->cp15.dacr = 0xffffffffu;
    int rc = mmu_translate(cpu, va, MMU_READ, false, t, NULL);
    cpu->cp15.dacr = dacr;
    cpu->fault = saved;
    return rc;
}

static bool vcpu_belongs(const struct domain *d, const struct arm_cpu *vcpu)
{
    if (!vcpu || !vcpu->mem_opaque)
        return false;
    const struct mmu_context *ctx = vcpu->mem_opaque;
    return ctx->as == d->as;
}

int hv_guest_translate(struct domain *d, struct arm_cpu *vcpu, uint32_t va, uint64_t *gpa,
                       uint32_t *span)
{
    if (!vcpu_belongs(d, vcpu))
        return -XEN_EFAULT;
    struct mmu_translation t = { 0 };
    if (translate_only(vcpu, va, &t) < 0)
        return -XEN_EFAULT;
    if (t.pa >> 32)
        return -XEN_EFAULT;
    *gpa = t.pa;
    if (span) {
        /* Walkers report power-of-two mapping sizes from 1 KiB (ARMv5 tiny
         * pages) to 16 MiB; never go past the 4 KiB page either. */
        uint32_t size = t.page_size ? t.page_size : 1024u;
        uint32_t to_map_end = size - (va & (size - 1));
        uint32_t to_page_end = GM_PAGE_SIZE - (va & (GM_PAGE_SIZE - 1));
        *span = to_map_end < to_page_end ? to_map_end : to_page_end;
    }
    return 0;
}

uint8_t *hv_gpa_ptr(struct domain *d, uint64_t gpa, size_t len)
{
    struct mem_region *r = aspace_find(d->as, gpa);
    if (!r || r->kind != REGION_RAM)
        return NULL;
    uint64_t room = r->base + r->size - gpa;
    if (len > room)
        return NULL;
    return r->host + (gpa - r->base);
}

bool hv_gpa_is_ram(struct domain *d, uint64_t gpa, size_t len)
{
    while (len) {
        uint64_t chunk = GM_PAGE_SIZE - (gpa & (GM_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        if (!hv_gpa_ptr(d, gpa, (size_t)chunk))
            return false;
        gpa += chunk;
        len -= (size_t)chunk;
    }
    return true;
}

int hv_gpa_read(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
    uint8_t *dst = buf;
    while (len) {
        uint64_t chunk = GM_PAGE_SIZE - (gpa & (GM_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        const uint8_t *src = hv_gpa_ptr(d, gpa, (size_t)chunk);
        if (!src)
            return -XEN_EFAULT;
        memcpy(dst, src, (size_t)chunk);
        dst += chunk;
        gpa += chunk;
        len -= (size_t)chunk;
    }
    return 0;
}

int hv_gpa_write(struct domain *d, uint64_t gpa, const void *buf, size_t len)
{
    if (!hv_gpa_is_ram(d, gpa, len))
        return -XEN_EFAULT;
    const uint8_t *src = buf;
    uint64_t start = gpa;
    size_t total = len;
    while (len) {
        uint64_t chunk = GM_PAGE_SIZE - (gpa & (GM_PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(hv_gpa_ptr(d, gpa, (size_t)chunk), src, (size_t)chunk);
        src += chunk;
        gpa += chunk;
        len -= (size_t)chunk;
    }
    hv_gpa_written(d, start, total);
    return 0;
}

/*
 * Exclusives reservation granule of the vCPU's model: CTR.ERG (ARMv7 CTR
 * format, DDI 0406C B4.1.42) is log2 of the size in words; 0 or an older
 * CTR format means "unknown", so assume the architectural maximum.
 */
static uint64_t erg_bytes(const struct arm_cpu *cpu)
{
    uint32_t ctr = cpu->model ? cpu->model->ctr : 0;
    if ((ctr >> 29) != 4)
        return GM_ERG_MAX;
    unsigned erg = (ctr >> 20) & 0xf;
    if (erg == 0 || erg > 9)
        return GM_ERG_MAX;
    return 4ull << erg;
}

static void monitor_clear(struct arm_cpu *cpu)
{
    cpu->excl_addr = ~0u;
    cpu->excl_value = 0;
}

/*
 * The monitor holds a virtual address (cpu/v7_ops.h): translate it with the
 * vCPU's current regime and compare granules. If it no longer translates,
 * clearing is the safe answer (a STREX then fails and the guest retries).
 */
static void monitor_clear_if_hit(struct arm_cpu *cpu, uint64_t gpa, size_t len)
{
    if (cpu->excl_addr == ~0u)
        return;
    struct mmu_translation t = { 0 };
    if (translate_only(cpu, cpu->excl_addr, &t) < 0) {
        monitor_clear(cpu);
        return;
    }
    uint64_t erg = erg_bytes(cpu);
    uint64_t size = cpu->excl_value ? cpu->excl_value : 1;
    uint64_t lo = t.pa & ~(erg - 1);
    uint64_t hi = ((t.pa + size - 1) | (erg - 1)) + 1;
    if (gpa < hi && lo < gpa + len)
        monitor_clear(cpu);
}

void hv_gpa_written(struct domain *d, uint64_t gpa, size_t len)
{
    if (!len)
        return;
    uint64_t last = gpa + len - 1;
    for (uint64_t page = gpa & GM_PAGE_MASK; page <= last; page += GM_PAGE_SIZE) {
        struct mem_region *r = aspace_find(d->as, page);
        if (r && r->kind != REGION_MMIO && r->code_pages &&
            r->code_pages[(page - r->base) >> 12])
            aspace_note_write(d->as, r, page);
    }
    for (unsigned i = 0; i < HV_MAX_VCPUS; i++)
        if (d->vcpu[i].cpu)
            monitor_clear_if_hit(d->vcpu[i].cpu, gpa, len);
}

void hv_guest_clear_monitors(struct domain *d)
{
    for (unsigned i = 0; i < HV_MAX_VCPUS; i++)
        if (d->vcpu[i].cpu)
            monitor_clear(d->vcpu[i].cpu);
}

static bool range_wraps(uint32_t va, size_t len)
{
    return (uint64_t)va + len > (1ull << 32);
}

int hv_copy_from_guest(struct domain *d, struct arm_cpu *vcpu, uint32_t va, void *buf,
                       size_t len)
{
    if (range_wraps(va, len))
        return -XEN_EFAULT;
    uint8_t *dst = buf;
    while (len) {
        uint64_t gpa;
        uint32_t span;
        if (hv_guest_translate(d, vcpu, va, &gpa, &span) < 0)
            return -XEN_EFAULT;
        size_t chunk = span < len ? span : len;
        const uint8_t *src = hv_gpa_ptr(d, gpa, chunk);
        if (!src)
            return -XEN_EFAULT;
        memcpy(dst, src, chunk);
        dst += chunk;
        va += (uint32_t)chunk;
        len -= chunk;
    }
    return 0;
}

int hv_copy_to_guest(struct domain *d, struct arm_cpu *vcpu, uint32_t va, const void *buf,
                     size_t len)
{
    if (range_wraps(va, len))
        return -XEN_EFAULT;
    /* First pass: every page must translate to RAM, so that a bad pointer
     * leaves the guest's memory as it was. Translation has no side effects,
     * so the second pass finds the same pages. */
    uint32_t v = va;
    size_t left = len;
    while (left) {
        uint64_t gpa;
        uint32_t span;
        if (hv_guest_translate(d, vcpu, v, &gpa, &span) < 0)
            return -XEN_EFAULT;
        size_t chunk = span < left ? span : left;
        if (!hv_gpa_ptr(d, gpa, chunk))
            return -XEN_EFAULT;
        v += (uint32_t)chunk;
        left -= chunk;
    }
    const uint8_t *src = buf;
    while (len) {
        uint64_t gpa;
        uint32_t span;
        if (hv_guest_translate(d, vcpu, va, &gpa, &span) < 0)
            return -XEN_EFAULT;
        size_t chunk = span < len ? span : len;
        uint8_t *dst = hv_gpa_ptr(d, gpa, chunk);
        if (!dst)
            return -XEN_EFAULT;
        memcpy(dst, src, chunk);
        hv_gpa_written(d, gpa, chunk);
        src += chunk;
        va += (uint32_t)chunk;
        len -= chunk;
    }
    return 0;
}
