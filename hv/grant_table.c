/*
 * Grant tables v1 (see hv/grant_table.h for the model and the status
 * rules). References: Xen 4.17 common/grant_table.c (map_grant_ref,
 * unmap_common, gnttab_copy, setup_table, query_size) and arch/arm/mm.c
 * (create/replace_grant_host_mapping), the ABI document section 6, and
 * include/xen/interface/grant_table.h for the layouts.
 *
 * Entries are read from the granter's guest RAM each time, never cached,
 * except what the first pin latches. Flag updates go through
 * hv_gpa_written() because the granter revokes with a 16-bit LDREX/STREX
 * loop that must not be able to overwrite GTF_reading/GTF_writing.
 */
#include "hv/grant_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "hv/domain.h"
#include "hv/guest_mem.h"
#include "mmu/aspace.h"

#define HV_GNTTAB_MAX_FRAMES 256u   /* a 1 MiB region; Xen's default is 64 */
#define PIN_MAX 0xffffu

/* ---- entries ---- */

struct entry {
    uint16_t flags, domid;
    uint32_t frame;
    uint64_t gpa;               /* where the entry is */
    uint8_t *host;
};

static bool entry_read(struct domain *d, uint32_t ref, struct entry *e)
{
    struct hv_gnttab *gt = d->gnttab;
    if (!gt || ref >= hv_gnttab_nr_entries(gt))
        return false;
    e->gpa = gt->base + (uint64_t)ref * sizeof(struct xen_grant_entry_v1);
    e->host = hv_gpa_ptr(d, e->gpa, sizeof(struct xen_grant_entry_v1));
    if (!e->host)
        return false;
    memcpy(&e->flags, e->host + offsetof(struct xen_grant_entry_v1, flags), 2);
    memcpy(&e->domid, e->host + offsetof(struct xen_grant_entry_v1, domid), 2);
    memcpy(&e->frame, e->host + offsetof(struct xen_grant_entry_v1, frame), 4);
    return true;
}

/* Rewrites only the flags halfword (the granter owns the rest). */
static void entry_set_flags(struct domain *d, struct entry *e, uint16_t flags)
{
    if (flags == e->flags)
        return;
    e->flags = flags;
    memcpy(e->host + offsetof(struct xen_grant_entry_v1, flags), &flags, 2);
    hv_gpa_written(d, e->gpa + offsetof(struct xen_grant_entry_v1, flags), 2);
}

static uint8_t *frame_host(struct domain *d, uint64_t frame, uint64_t *gpa)
{
    if (frame >= (1ull << (32 - XEN_PAGE_SHIFT)))
        return NULL;
    *gpa = frame << XEN_PAGE_SHIFT;
    return hv_gpa_ptr(d, *gpa, XEN_PAGE_SIZE);
}

static int16_t fail(struct domain *d, int16_t status, const char *what, uint32_t ref)
{
    if (d->gnttab)
        d->gnttab->errors++;
    trace_printf(d->hv->trace, TRACE_GUEST_ERROR, "d%u: grant %s ref %u: status %d",
                 d->domid, what, ref, status);
    return status;
}

/* ---- setup ---- */

int hv_gnttab_init(struct domain *d, uint64_t base, unsigned max_frames)
{
    if (max_frames > HV_GNTTAB_MAX_FRAMES || (base & (XEN_PAGE_SIZE - 1)) ||
        base + (uint64_t)max_frames * XEN_PAGE_SIZE > (1ull << 32))
        return -XEN_EINVAL;
    struct hv_gnttab *gt = calloc(1, sizeof(*gt));
    if (!gt)
        return -XEN_ENOMEM;
    gt->base = base;
    gt->max_frames = max_frames;
    if (max_frames) {
        gt->active = calloc((size_t)max_frames * XEN_GRANT_ENTRIES_PER_FRAME,
                            sizeof(*gt->active));
        if (!gt->active) {
            free(gt);
            return -XEN_ENOMEM;
        }
        int rc = aspace_add_ram(d->as, base, (uint64_t)max_frames * XEN_PAGE_SIZE,
                                "grant-table");
        if (rc < 0) {
            free(gt->active);
            free(gt);
            return rc == -ENOMEM ? -XEN_ENOMEM : -XEN_EINVAL;
        }
    }
    d->gnttab = gt;
    return 0;
}

void hv_gnttab_destroy(struct domain *d)
{
    struct hv_gnttab *gt = d->gnttab;
    if (!gt)
        return;
    free(gt->active);
    free(gt->maptrack);
    free(gt);
    d->gnttab = NULL;
}

int hv_gnttab_add_to_physmap(struct domain *d, uint64_t idx, uint64_t gpfn)
{
    struct hv_gnttab *gt = d->gnttab;
    if (!gt || idx >= gt->max_frames || gpfn != (gt->base >> XEN_PAGE_SHIFT) + idx)
        return -XEN_EINVAL;
    if (idx + 1 > gt->nr_frames)
        gt->nr_frames = (unsigned)idx + 1;
    return 0;
}

const struct hv_gnttab_active *hv_gnttab_active_entry(struct domain *d, uint32_t ref)
{
    struct hv_gnttab *gt = d->gnttab;
    if (!gt || ref >= gt->max_frames * XEN_GRANT_ENTRIES_PER_FRAME)
        return NULL;
    return &gt->active[ref];
}

/* ---- maptrack ---- */

static int maptrack_alloc(struct hv_gnttab *gt)
{
    if (gt->maptrack_used == gt->maptrack_size) {
        if (gt->maptrack_size >= HV_GNTTAB_MAX_MAPS)
            return -1;
        unsigned size = gt->maptrack_size ? gt->maptrack_size * 2 : 64;
        if (size > HV_GNTTAB_MAX_MAPS)
            size = HV_GNTTAB_MAX_MAPS;
        struct hv_gnttab_maptrack *mt = realloc(gt->maptrack, size * sizeof(*mt));
        if (!mt)
            return -1;
        memset(mt + gt->maptrack_size, 0, (size - gt->maptrack_size) * sizeof(*mt));
        gt->maptrack = mt;
        gt->maptrack_size = size;
    }
    for (unsigned i = 0; i < gt->maptrack_size; i++)
        if (!(gt->maptrack[i].flags & HV_MAPTRACK_IN_USE))
            return (int)i;
    return -1;
}

/* ---- map / unmap ---- */

int16_t hv_gnttab_map(struct domain *mapper, const struct xen_gnttab_map_grant_ref *op,
                      struct hv_gnttab_mapping *out)
{
    uint32_t flags = op->flags, ref = op->ref;
    bool readonly = flags & XEN_GNTMAP_readonly;

    if (!(flags & (XEN_GNTMAP_host_map | XEN_GNTMAP_device_map)))
        return fail(mapper, XEN_GNTST_bad_gntref, "map (no map flag)", ref);
    /* ARM: a host mapping of the frame is all there is (Xen's
     * create_grant_host_mapping accepts only host_map[|readonly]). */
    if (flags & (XEN_GNTMAP_device_map | XEN_GNTMAP_application_map |
                 XEN_GNTMAP_contains_pte))
        return fail(mapper, XEN_GNTST_general_error, "map (flags)", ref);
    struct domain *rd = hv_domain_by_id(mapper->hv, op->dom);
    if (!rd)
        return fail(mapper, XEN_GNTST_bad_domain, "map (domain)", ref);
    if ((op->host_addr & (XEN_PAGE_SIZE - 1)) || (op->host_addr >> 32))
        return fail(mapper, XEN_GNTST_bad_virt_addr, "map (host_addr)", ref);
    struct hv_gnttab *lgt = mapper->gnttab, *rgt = rd->gnttab;
    int handle = lgt ? maptrack_alloc(lgt) : -1;
    if (handle < 0)
        return fail(mapper, XEN_GNTST_no_space, "map (maptrack full)", ref);

    struct entry e;
    if (!entry_read(rd, ref, &e))
        return fail(mapper, XEN_GNTST_bad_gntref, "map (ref out of range)", ref);
    struct hv_gnttab_active *act = &rgt->active[ref];
    bool pinned = act->ro_pins || act->rw_pins;
    if (pinned && (act->domid != mapper->domid ||
                   (readonly ? act->ro_pins : act->rw_pins) == PIN_MAX))
        return fail(mapper, XEN_GNTST_general_error, "map (pinned by another)", ref);
    if (!pinned && ((e.flags & (XEN_GTF_type_mask | XEN_GTF_sub_page)) !=
                        XEN_GTF_permit_access ||
                    e.domid != mapper->domid))
        return fail(mapper, XEN_GNTST_general_error, "map (not granted to caller)", ref);
    if (!readonly && (e.flags & XEN_GTF_readonly))
        return fail(mapper, XEN_GNTST_permission_denied, "map (read-only grant)", ref);

    uint32_t frame = pinned ? act->frame : e.frame;
    uint64_t frame_gpa;
    uint8_t *host = frame_host(rd, frame, &frame_gpa);
    if (!host)
        return fail(mapper, XEN_GNTST_bad_page, "map (frame not granter's RAM)", ref);

    *out = (struct hv_gnttab_mapping){
        .granter = rd->domid, .ref = ref, .handle = (uint32_t)handle,
        .host_addr = op->host_addr, .frame_gpa = frame_gpa, .host = host,
        .readonly = readonly,
    };
    if (mapper->hv->grant_map_install) {
        int rc = mapper->hv->grant_map_install(mapper, out);
        if (rc != XEN_GNTST_okay)
            return fail(mapper, (int16_t)rc, "map (install)", ref);
    }

    entry_set_flags(rd, &e, (uint16_t)(e.flags | XEN_GTF_reading |
                                       (readonly ? 0 : XEN_GTF_writing)));
    if (!pinned) {
        act->domid = mapper->domid;
        act->frame = frame;
    }
    if (readonly)
        act->ro_pins++;
    else
        act->rw_pins++;
    rgt->foreign_pins++;
    lgt->maptrack[handle] = (struct hv_gnttab_maptrack){
        .flags = HV_MAPTRACK_IN_USE | (readonly ? HV_MAPTRACK_READONLY : 0),
        .granter = rd->domid, .ref = ref, .host_addr = op->host_addr,
    };
    lgt->maptrack_used++;
    lgt->maps++;
    trace_printf(mapper->hv->trace, TRACE_HV,
                 "d%u: map d%u ref %u (frame 0x%x%s) at 0x%llx, handle %d", mapper->domid,
                 rd->domid, ref, frame, readonly ? ", ro" : "",
                 (unsigned long long)op->host_addr, handle);
    return XEN_GNTST_okay;
}

int16_t hv_gnttab_unmap(struct domain *mapper, uint32_t handle, uint64_t host_addr,
                        struct hv_gnttab_mapping *out)
{
    struct hv_gnttab *lgt = mapper->gnttab;
    if (!lgt || handle >= lgt->maptrack_size ||
        !(lgt->maptrack[handle].flags & HV_MAPTRACK_IN_USE))
        return fail(mapper, XEN_GNTST_bad_handle, "unmap (handle)", handle);
    struct hv_gnttab_maptrack *mt = &lgt->maptrack[handle];
    /* Xen/ARM removes the p2m entry at host_addr only if it maps this
     * grant's frame; anything else is an error and the mapping stays. */
    if (host_addr != mt->host_addr)
        return fail(mapper, XEN_GNTST_general_error, "unmap (host_addr)", mt->ref);

    bool readonly = mt->flags & HV_MAPTRACK_READONLY;
    struct domain *rd = hv_domain_find_any(mapper->hv, mt->granter);
    struct hv_gnttab *rgt = rd ? rd->gnttab : NULL;
    struct hv_gnttab_active *act = rgt && mt->ref < rgt->max_frames * XEN_GRANT_ENTRIES_PER_FRAME
                                       ? &rgt->active[mt->ref] : NULL;
    *out = (struct hv_gnttab_mapping){
        .granter = mt->granter, .ref = mt->ref, .handle = handle,
        .host_addr = mt->host_addr, .readonly = readonly,
    };
    if (act) {
        out->host = frame_host(rd, act->frame, &out->frame_gpa);
        if (mapper->hv->grant_map_remove)
            mapper->hv->grant_map_remove(mapper, out);
        if (readonly && act->ro_pins)
            act->ro_pins--;
        else if (!readonly && act->rw_pins)
            act->rw_pins--;
        if (rgt->foreign_pins)
            rgt->foreign_pins--;
        /* Clear the flags the granter's revoke loop tests, now, so the
         * back-end's response can never be seen before them (ABI doc 0). */
        struct entry e;
        if (rd->state != HV_DOMAIN_DYING && entry_read(rd, mt->ref, &e)) {
            uint16_t flags = e.flags;
            if (!act->rw_pins)
                flags &= (uint16_t)~XEN_GTF_writing;
            if (!act->rw_pins && !act->ro_pins)
                flags &= (uint16_t)~XEN_GTF_reading;
            entry_set_flags(rd, &e, flags);
        }
        if (!act->rw_pins && !act->ro_pins) {
            act->domid = 0;
            act->frame = 0;
        }
    }
    memset(mt, 0, sizeof(*mt));
    lgt->maptrack_used--;
    lgt->unmaps++;
    trace_printf(mapper->hv->trace, TRACE_HV, "d%u: unmap handle %u (d%u ref %u)",
                 mapper->domid, handle, out->granter, out->ref);
    /* A destroyed granter lingers until its last foreign mapping is gone. */
    if (rd && rd != mapper && rd->state == HV_DOMAIN_DYING && rgt && !rgt->foreign_pins)
        hv_domain_reap(rd);
    return XEN_GNTST_okay;
}

void hv_gnttab_release_mappings(struct domain *d)
{
    struct hv_gnttab *gt = d->gnttab;
    if (!gt)
        return;
    for (unsigned h = 0; h < gt->maptrack_size; h++) {
        if (gt->maptrack[h].flags & HV_MAPTRACK_IN_USE) {
            struct hv_gnttab_mapping m;
            hv_gnttab_unmap(d, h, gt->maptrack[h].host_addr, &m);
        }
    }
}

/* ---- copy ---- */

/*
 * One side of a GNTTABOP_copy: a grant ref of domid's table (granted to d)
 * or a frame of d itself. Sets *host to the 4 KiB frame.
 */
static int16_t copy_side(struct domain *d, const struct xen_gnttab_copy_ptr *p, bool gref,
                         bool write, struct domain **owner, uint8_t **host, uint64_t *gpa)
{
    if (!gref && p->domid != XEN_DOMID_SELF)
        return XEN_GNTST_permission_denied;
    struct domain *od = p->domid == XEN_DOMID_SELF ? d : hv_domain_by_id(d->hv, p->domid);
    if (!od)
        return XEN_GNTST_bad_domain;
    uint64_t frame;
    if (gref) {
        struct entry e;
        if (!entry_read(od, p->u.ref, &e))
            return XEN_GNTST_bad_gntref;
        const struct hv_gnttab_active *act = &od->gnttab->active[p->u.ref];
        bool pinned = act->ro_pins || act->rw_pins;
        if (pinned ? act->domid != d->domid
                   : ((e.flags & (XEN_GTF_type_mask | XEN_GTF_sub_page)) !=
                          XEN_GTF_permit_access ||
                      e.domid != d->domid))
            return XEN_GNTST_general_error;
        if (write && (e.flags & XEN_GTF_readonly))
            return XEN_GNTST_permission_denied;
        frame = pinned ? act->frame : e.frame;
    } else {
        frame = p->u.gmfn;
    }
    *host = frame_host(od, frame, gpa);
    if (!*host)
        return XEN_GNTST_bad_page;
    *owner = od;
    return XEN_GNTST_okay;
}

int16_t hv_gnttab_copy(struct domain *d, const struct xen_gnttab_copy *op)
{
    if (!op->len)
        return XEN_GNTST_okay;
    if ((uint32_t)op->source.offset + op->len > XEN_PAGE_SIZE ||
        (uint32_t)op->dest.offset + op->len > XEN_PAGE_SIZE)
        return fail(d, XEN_GNTST_bad_copy_arg, "copy (beyond the page)", 0);
    struct domain *sd, *dd;
    uint8_t *src, *dst;
    uint64_t sgpa, dgpa;
    int16_t rc = copy_side(d, &op->source, op->flags & XEN_GNTCOPY_source_gref, false, &sd,
                           &src, &sgpa);
    if (rc != XEN_GNTST_okay)
        return fail(d, rc, "copy (source)", op->source.u.ref);
    rc = copy_side(d, &op->dest, op->flags & XEN_GNTCOPY_dest_gref, true, &dd, &dst, &dgpa);
    if (rc != XEN_GNTST_okay)
        return fail(d, rc, "copy (dest)", op->dest.u.ref);
    /* GTF_reading/GTF_writing would be held only for the duration of the
     * copy, which no guest instruction can observe here. */
    memmove(dst + op->dest.offset, src + op->source.offset, op->len);
    hv_gpa_written(dd, dgpa + op->dest.offset, op->len);
    if (d->gnttab)
        d->gnttab->copies++;
    return XEN_GNTST_okay;
}

/* ---- table size ---- */

static int16_t target_status(int rc)
{
    return rc == -XEN_EPERM ? XEN_GNTST_permission_denied : XEN_GNTST_bad_domain;
}

void hv_gnttab_query_size(struct domain *d, struct xen_gnttab_query_size *op)
{
    struct domain *t;
    int rc = hv_domain_lookup_target(d, op->dom, &t);
    if (rc < 0) {
        op->status = target_status(rc);
        return;
    }
    op->nr_frames = t->gnttab ? t->gnttab->nr_frames : 0;
    op->max_nr_frames = t->gnttab ? t->gnttab->max_frames : 0;
    op->status = XEN_GNTST_okay;
}

void hv_gnttab_setup_table(struct domain *d, struct xen_gnttab_setup_table *op,
                           uint64_t *frames)
{
    struct domain *t;
    int rc = hv_domain_lookup_target(d, op->dom, &t);
    if (rc < 0) {
        op->status = target_status(rc);
        return;
    }
    struct hv_gnttab *gt = t->gnttab;
    if (!gt || op->nr_frames > gt->max_frames) {
        op->status = XEN_GNTST_general_error;
        return;
    }
    if (op->nr_frames > gt->nr_frames)
        gt->nr_frames = op->nr_frames;
    for (uint32_t i = 0; i < op->nr_frames; i++)
        frames[i] = (gt->base >> XEN_PAGE_SHIFT) + i;
    op->status = XEN_GNTST_okay;
}

int hv_gnttab_set_version(struct domain *d, uint32_t *version)
{
    (void)d;
    uint32_t want = *version;
    *version = 1;
    if (want == 1)
        return 0;
    return want == 2 ? -XEN_ENOSYS : -XEN_EINVAL;
}

/* ---- the hypercall ---- */

static int op_map(struct domain *d, struct arm_cpu *vcpu, uint32_t va)
{
    struct xen_gnttab_map_grant_ref op;
    if (hv_copy_from_guest(d, vcpu, va, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    struct hv_gnttab_mapping m;
    op.status = hv_gnttab_map(d, &op, &m);
    if (op.status == XEN_GNTST_okay) {
        op.handle = m.handle;
        op.dev_bus_addr = 0;
    }
    if (hv_copy_to_guest(d, vcpu, va, &op, sizeof(op)) < 0) {
        /* The caller cannot learn its handle: undo the mapping. */
        if (op.status == XEN_GNTST_okay)
            hv_gnttab_unmap(d, m.handle, m.host_addr, &m);
        return -XEN_EFAULT;
    }
    return 0;
}

static int op_unmap(struct domain *d, struct arm_cpu *vcpu, uint32_t va)
{
    struct xen_gnttab_unmap_grant_ref op;
    if (hv_copy_from_guest(d, vcpu, va, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    struct hv_gnttab_mapping m;
    op.status = hv_gnttab_unmap(d, op.handle, op.host_addr, &m);
    return hv_copy_to_guest(d, vcpu, va + offsetof(struct xen_gnttab_unmap_grant_ref, status),
                            &op.status, sizeof(op.status));
}

static int op_copy(struct domain *d, struct arm_cpu *vcpu, uint32_t va)
{
    struct xen_gnttab_copy op;
    if (hv_copy_from_guest(d, vcpu, va, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    op.status = hv_gnttab_copy(d, &op);
    return hv_copy_to_guest(d, vcpu, va + offsetof(struct xen_gnttab_copy, status),
                            &op.status, sizeof(op.status));
}

static int op_setup_table(struct domain *d, struct arm_cpu *vcpu, uint32_t va)
{
    struct xen_gnttab_setup_table op;
    uint64_t frames[HV_GNTTAB_MAX_FRAMES];
    if (hv_copy_from_guest(d, vcpu, va, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    if (op.nr_frames > HV_GNTTAB_MAX_FRAMES)
        op.status = XEN_GNTST_general_error;
    else
        hv_gnttab_setup_table(d, &op, frames);
    /* frame_list is a guest handle: the VA is its low 32 bits. */
    if (op.status == XEN_GNTST_okay &&
        hv_copy_to_guest(d, vcpu, (uint32_t)op.frame_list, frames,
                         op.nr_frames * sizeof(frames[0])) < 0)
        op.status = XEN_GNTST_bad_virt_addr;
    return hv_copy_to_guest(d, vcpu, va + offsetof(struct xen_gnttab_setup_table, status),
                            &op.status, sizeof(op.status));
}

static int op_query_size(struct domain *d, struct arm_cpu *vcpu, uint32_t va)
{
    struct xen_gnttab_query_size op;
    if (hv_copy_from_guest(d, vcpu, va, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    hv_gnttab_query_size(d, &op);
    return hv_copy_to_guest(d, vcpu, va, &op, sizeof(op));
}

size_t hv_gnttab_op_size(uint32_t cmd)
{
    switch (cmd) {
    case XEN_GNTTABOP_map_grant_ref: return sizeof(struct xen_gnttab_map_grant_ref);
    case XEN_GNTTABOP_unmap_grant_ref: return sizeof(struct xen_gnttab_unmap_grant_ref);
    case XEN_GNTTABOP_copy: return sizeof(struct xen_gnttab_copy);
    default: return 0;
    }
}

int hv_gnttab_op(struct domain *d, struct arm_cpu *vcpu, uint32_t cmd, uint32_t uop,
                 uint32_t count, uint32_t *done)
{
    *done = 0;
    int (*each)(struct domain *, struct arm_cpu *, uint32_t);
    size_t size;
    switch (cmd) {
    case XEN_GNTTABOP_map_grant_ref:
        each = op_map;
        size = sizeof(struct xen_gnttab_map_grant_ref);
        break;
    case XEN_GNTTABOP_unmap_grant_ref:
        each = op_unmap;
        size = sizeof(struct xen_gnttab_unmap_grant_ref);
        break;
    case XEN_GNTTABOP_copy:
        each = op_copy;
        size = sizeof(struct xen_gnttab_copy);
        break;
    case XEN_GNTTABOP_setup_table:
    case XEN_GNTTABOP_query_size:
        if (count != 1)
            return -XEN_EINVAL;
        *done = 1;
        return cmd == XEN_GNTTABOP_setup_table ? op_setup_table(d, vcpu, uop)
                                               : op_query_size(d, vcpu, uop);
    case XEN_GNTTABOP_set_version: {
        struct xen_gnttab_set_version op;
        if (hv_copy_from_guest(d, vcpu, uop, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        int rc = hv_gnttab_set_version(d, &op.version);
        if (hv_copy_to_guest(d, vcpu, uop, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        *done = count;
        return rc;
    }
    default:
        /* transfer, dump_table, get_status_frames (v2), swap_grant_ref,
         * cache_flush (only with XENFEAT_direct_mapped), ... */
        return -XEN_ENOSYS;
    }

    uint32_t batch = count > HV_GNTTAB_BATCH ? HV_GNTTAB_BATCH : count;
    for (uint32_t i = 0; i < batch; i++) {
        uint64_t va = (uint64_t)uop + (uint64_t)i * size;
        if (va + size > (1ull << 32))
            return -XEN_EFAULT;
        int rc = each(d, vcpu, (uint32_t)va);
        if (rc < 0)
            return rc;
        *done = i + 1;
    }
    return batch < count ? HV_PREEMPTED : 0;
}
