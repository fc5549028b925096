/*
 * Grant table v1, granting side (ABI doc 6.2). Frame 0 of the table is
 * placed at GUEST_GNTTAB_BASE with XENMEM_add_to_physmap (Linux's way on
 * ARM); GNTTABOP_setup_table, the PV way, is tried first only to report
 * what the hypervisor says. A grant is written domid and frame first,
 * then flags after a barrier; revoking is a 16-bit compare-and-swap that
 * fails while the hypervisor has GTF_reading/GTF_writing set.
 */
#include "arch.h"
#include "console.h"
#include "gnttab.h"
#include "hypercall.h"
#include "lib.h"

#define NR_ENTRIES (XEN_PAGE_SIZE / sizeof(struct grant_entry_v1))   /* frame 0 only */

static volatile struct grant_entry_v1 *table;
static uint32_t max_frames;
static uint8_t in_use[NR_ENTRIES];

long gnttab_init(void)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_query_size, &query, 1);

    max_frames = rc == 0 && query.status == GNTST_okay ? query.max_nr_frames : 4;

    uint64_t frame_list[1] = { 0 };
    struct gnttab_setup_table setup = {
        .dom = DOMID_SELF,
        .nr_frames = 1,
        .frame_list = (uintptr_t)frame_list,
    };
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if (rc == 0 && setup.status == GNTST_okay &&
        frame_list[0] != GUEST_GNTTAB_BASE >> XEN_PAGE_SHIFT)
        printk("gnttab: setup_table put frame 0 at pfn 0x%llx\n",
               (unsigned long long)frame_list[0]);

    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_grant_table,
        .idx = 0,
        .gpfn = GUEST_GNTTAB_BASE >> XEN_PAGE_SHIFT,
    };
    rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
    if (rc < 0)
        return rc;
    table = (volatile struct grant_entry_v1 *)GUEST_GNTTAB_BASE;
    return 0;
}

uint32_t gnttab_max_frames(void)
{
    return max_frames;
}

long gnttab_grant_access(domid_t domid, uint32_t frame, bool readonly)
{
    if (!table)
        return -XEN_ENOSYS;
    for (grant_ref_t ref = GNTTAB_NR_RESERVED_ENTRIES; ref < NR_ENTRIES; ref++) {
        if (in_use[ref])
            continue;
        in_use[ref] = 1;
        table[ref].domid = domid;
        table[ref].frame = frame;
        wmb();
        table[ref].flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
        return (long)ref;
    }
    return -XEN_ENOSPC;
}

long gnttab_end_access(grant_ref_t ref)
{
    if (!table || ref >= NR_ENTRIES || !in_use[ref])
        return -XEN_EINVAL;
    volatile uint16_t *flags = &table[ref].flags;

    for (;;) {
        uint16_t seen = *flags;

        if (seen & (GTF_reading | GTF_writing))
            return -XEN_EBUSY;
        if (cmpxchg16(flags, seen, 0) == seen)
            break;
    }
    in_use[ref] = 0;
    return 0;
}

volatile struct grant_entry_v1 *gnttab_entry(grant_ref_t ref)
{
    return table && ref < NR_ENTRIES ? &table[ref] : NULL;
}
