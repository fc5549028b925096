/*
 * Grant tables, version 1 (Xen's common/grant_table.c semantics; ABI doc
 * section 6).
 *
 * Storage. A domain's grant table is a region of plain RAM in its own
 * address space at cfg.gnttab_base (Xen's GUEST_GNTTAB_BASE, 0x38000000),
 * max_frames pages long: the guest writes entries with ordinary stores and
 * revokes them with LDREXH/STREXH, and the hypervisor reads them in place.
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table, idx, gpfn) only accepts
 * the identity layout (gpfn = base/4096 + idx) and grows nr_frames; the
 * table has nr_frames * 512 entries, so a ref beyond that is refused even
 * if the page exists.
 *
 * Mapping. GNTTABOP_map_grant_ref by a mapper domain checks the granter's
 * entry (ref in range, type permit_access, domid = mapper, not read-only
 * for a writable map), sets GTF_reading (and GTF_writing for a writable
 * map) in the entry, pins it and records the mapping in the mapper's
 * maptrack; the handle is the maptrack index. The granted frame's
 * guest-physical address and host pointer are returned in a struct
 * hv_gnttab_mapping, and hv->grant_map_install (the p2m glue) makes the
 * frame appear at host_addr in the mapper's address space. The first pin
 * latches the entry's frame and grantee, as Xen's active entry does, so a
 * granter rewriting a pinned entry changes nothing. Unmapping by handle
 * (host_addr must match the mapping) drops the pin; GTF_writing is cleared
 * when the last writable mapping of that grant goes, GTF_reading when the
 * last mapping goes, before the call returns (ABI doc section 0: blkfront
 * checks them when it revokes).
 *
 * Statuses follow Xen 4.17 except where the ABI document decides: a
 * writable map or copy-to of a GTF_readonly grant is
 * GNTST_permission_denied. In detail: ref >= nr_entries -> bad_gntref;
 * entry type not permit_access or grantee != caller (forged/stale ref) ->
 * general_error; unknown granter domain -> bad_domain; granted frame not
 * RAM of the granter -> bad_page; flags other than host_map[|readonly] ->
 * general_error (none -> bad_gntref); host_addr not page-aligned ->
 * bad_virt_addr; maptrack full -> no_space; unmap of a handle out of range
 * or not in use -> bad_handle; unmap at another host_addr ->
 * general_error; copy with offset+len > 4096 -> bad_copy_arg; copy by
 * frame number for anyone but DOMID_SELF -> permission_denied.
 */
#ifndef HV_GRANT_TABLE_H
#define HV_GRANT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "hv/xen_abi.h"

struct domain;

/* Per-grant pin counts (Xen's active entry). */
struct hv_gnttab_active {
    uint16_t ro_pins;           /* read-only host mappings */
    uint16_t rw_pins;           /* writable host mappings */
    uint16_t domid;             /* grantee latched at the first pin */
    uint32_t frame;             /* frame latched at the first pin */
};

#define HV_MAPTRACK_IN_USE 1u
#define HV_MAPTRACK_READONLY 2u

/* One mapping held by this domain of another's (or its own) grant. */
struct hv_gnttab_maptrack {
    uint8_t flags;              /* HV_MAPTRACK_* */
    uint16_t granter;
    uint32_t ref;
    uint64_t host_addr;
};

#define HV_GNTTAB_MAX_MAPS 4096u    /* maptrack entries (handles) per domain */
#define HV_GNTTAB_BATCH 512u        /* ops per hypercall before re-executing */

struct hv_gnttab {
    uint64_t base;              /* IPA of frame 0 */
    unsigned max_frames;
    unsigned nr_frames;         /* frames made visible by add_to_physmap */
    struct hv_gnttab_active *active;    /* max_frames * 512 */
    struct hv_gnttab_maptrack *maptrack;
    unsigned maptrack_size;     /* allocated entries */
    unsigned maptrack_used;     /* in use */
    uint64_t foreign_pins;      /* live mappings of this table's grants */
    /* counters */
    uint64_t maps, unmaps, copies, errors;
};

/* What the glue installs in (or removes from) the mapper's address space. */
struct hv_gnttab_mapping {
    uint16_t granter;
    uint32_t ref;
    uint32_t handle;
    uint64_t host_addr;         /* IPA in the mapper's space */
    uint64_t frame_gpa;         /* the granted frame in the granter's space */
    uint8_t *host;              /* host memory of that frame (4 KiB) */
    bool readonly;
};

/*
 * Sets up d's table: max_frames pages of RAM at base in d's address space
 * (max_frames 0: no table). 0 or -XEN_EINVAL / -XEN_ENOMEM.
 */
int hv_gnttab_init(struct domain *d, uint64_t base, unsigned max_frames);
/* Drops every mapping d holds (clearing the granters' flags, calling
 * grant_map_remove). Leaves d's own table: others may still map it. */
void hv_gnttab_release_mappings(struct domain *d);
/* Frees d's table (after the last foreign mapping went). */
void hv_gnttab_destroy(struct domain *d);

static inline unsigned hv_gnttab_nr_entries(const struct hv_gnttab *gt)
{
    return gt ? gt->nr_frames * XEN_GRANT_ENTRIES_PER_FRAME : 0;
}

/* XENMEM_add_to_physmap(XENMAPSPACE_grant_table): 0 or -XEN_EINVAL. */
int hv_gnttab_add_to_physmap(struct domain *d, uint64_t idx, uint64_t gpfn);

/* ---- the hypercall: r0 = cmd, r1 = guest VA of an array, r2 = count ---- */

/*
 * Reads each element through vcpu's translation, performs it and writes
 * its status (and outputs) back. Returns 0, -XEN_EFAULT (array unreadable
 * or unwritable), -XEN_EINVAL (setup_table/query_size with count != 1),
 * -XEN_ENOSYS (unsupported op), or HV_PREEMPTED after HV_GNTTAB_BATCH
 * elements: *done tells how many were processed, and the dispatcher
 * advances r1 by done * sizeof(element), decreases r2 and re-executes the
 * HVC. *done is always set.
 */
int hv_gnttab_op(struct domain *d, struct arm_cpu *vcpu, uint32_t cmd, uint32_t uop,
                 uint32_t count, uint32_t *done);
/* Size of one array element of a batched cmd (map, unmap, copy), else 0:
 * what the dispatcher advances r1 by for each element done. */
size_t hv_gnttab_op_size(uint32_t cmd);

/* ---- the operations on host copies (each returns a GNTST_* status) ---- */

/*
 * Validates and pins; on success fills *out (handle included). Does not
 * call the install hook: hv_gnttab_op does, and undoes the pin if it fails.
 */
int16_t hv_gnttab_map(struct domain *mapper, const struct xen_gnttab_map_grant_ref *op,
                      struct hv_gnttab_mapping *out);
/* Drops the mapping; *out describes what to remove. */
int16_t hv_gnttab_unmap(struct domain *mapper, uint32_t handle, uint64_t host_addr,
                        struct hv_gnttab_mapping *out);
int16_t hv_gnttab_copy(struct domain *d, const struct xen_gnttab_copy *op);
void hv_gnttab_query_size(struct domain *d, struct xen_gnttab_query_size *op);
/* Grows the table to op->nr_frames and fills frames[] (nr_frames entries). */
void hv_gnttab_setup_table(struct domain *d, struct xen_gnttab_setup_table *op,
                           uint64_t *frames);
/* Version 1 only: 1 -> 0; 2 -> -XEN_ENOSYS; else -XEN_EINVAL. Sets *version = 1. */
int hv_gnttab_set_version(struct domain *d, uint32_t *version);

/* Inspection: pins of ref in d's table (NULL if out of range). */
const struct hv_gnttab_active *hv_gnttab_active_entry(struct domain *d, uint32_t ref);

#endif
