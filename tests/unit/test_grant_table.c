/*
 * Grant tables v1 (hv/grant_table.c).
 *
 * A DomU (d1) grants frames of its RAM to Dom0, the back-end, which maps
 * and copies them. Checked: the table lives in d1's own RAM at the grant
 * region and grows by add_to_physmap; GTF_reading/GTF_writing follow the
 * mappings exactly (pin counts per grant, writing cleared with the last
 * writable mapping, reading with the last one: blkfront's "still in use"
 * check depends on it, ABI doc section 0); read-only grants refuse
 * writable maps and copies into them; a domain that maps its own grant
 * twice and unmaps with the wrong handle or address gets an error and
 * keeps its mappings; stale and forged refs (beyond the table, revoked,
 * granted to someone else, bad frames) are refused with Xen's statuses;
 * copies are bounded to the page on both sides; the hypercall path reads
 * and writes the op arrays through the caller's translation and re-executes
 * long batches; a granter destroyed while mapped lingers until unmapped.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "hv/domain.h"
#include "hv/grant_table.h"
#include "hv/guest_mem.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM 0x40000000u
#define RAM_SIZE 0x100000u
#define GNT XEN_GUEST_GNTTAB_BASE
#define FRAME_A ((RAM + 0x20000u) >> 12)   /* d1's granted pages */
#define FRAME_B ((RAM + 0x21000u) >> 12)
#define MAP_AT 0x50000000u                  /* Dom0's mapping addresses */
#define ARG (RAM + 0x3000u)

struct env {
    struct hv hv;
    struct domain *dom0, *d1, *d2;
    struct arm_cpu cpu[3];
    struct mmu_context mmu[3];
    unsigned ncpu;
    unsigned installs, removes;
    int install_status;
    struct hv_gnttab_mapping last;
};

static int install(struct domain *mapper, const struct hv_gnttab_mapping *m)
{
    struct env *e = mapper->hv->opaque;
    e->installs++;
    e->last = *m;
    return e->install_status;
}

static void uninstall(struct domain *mapper, const struct hv_gnttab_mapping *m)
{
    struct env *e = mapper->hv->opaque;
    e->removes++;
    e->last = *m;
}

static struct domain *make_domain(struct env *e, const char *name, int domid, bool priv)
{
    struct hv_domain_config cfg = {
        .name = name, .domid = domid, .privileged = priv, .ram_base = RAM,
        .ram_size = RAM_SIZE, .max_vcpus = 1, .gnttab_base = GNT, .gnttab_max_frames = 4,
    };
    struct domain *d;
    ck_assert_int_eq(hv_domain_create(&e->hv, &cfg, &d), 0);
    struct arm_cpu *cpu = &e->cpu[e->ncpu];
    cpu_init(cpu, &cpu_model_cortex_a15, 0);
    mmu_attach(&e->mmu[e->ncpu], cpu, d->as);
    e->ncpu++;
    ck_assert_int_eq(hv_domain_add_vcpu(d, cpu), 0);
    ck_assert_int_eq(hv_gnttab_add_to_physmap(d, 0, GNT >> 12), 0);
    return d;
}

static struct env *env_new(void)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    hv_init(&e->hv, NULL);
    e->hv.opaque = e;
    e->hv.grant_map_install = install;
    e->hv.grant_map_remove = uninstall;
    e->dom0 = make_domain(e, "dom0", 0, true);
    e->d1 = make_domain(e, "guest1", -1, false);
    e->d2 = make_domain(e, "guest2", -1, false);
    return e;
}

static void env_free(struct env *e)
{
    hv_destroy(&e->hv);
    free(e);
}

/* The granter writes its entry the way Linux does (domid, frame, flags). */
static void grant(struct domain *d, uint32_t ref, uint16_t domid, uint32_t frame, bool ro)
{
    struct xen_grant_entry_v1 ent = {
        .flags = (uint16_t)(XEN_GTF_permit_access | (ro ? XEN_GTF_readonly : 0)),
        .domid = domid, .frame = frame,
    };
    ck_assert_int_eq(hv_gpa_write(d, GNT + ref * 8u, &ent, sizeof(ent)), 0);
}

static struct xen_grant_entry_v1 entry(struct domain *d, uint32_t ref)
{
    struct xen_grant_entry_v1 ent;
    ck_assert_int_eq(hv_gpa_read(d, GNT + ref * 8u, &ent, sizeof(ent)), 0);
    return ent;
}

static uint16_t flags_of(struct domain *d, uint32_t ref)
{
    return entry(d, ref).flags;
}

static int16_t map(struct domain *mapper, uint16_t dom, uint32_t ref, uint32_t flags,
                   uint64_t at, uint32_t *handle)
{
    struct xen_gnttab_map_grant_ref op = {
        .host_addr = at, .flags = flags, .ref = ref, .dom = dom,
    };
    struct hv_gnttab_mapping m;
    int16_t st = hv_gnttab_map(mapper, &op, &m);
    if (st == XEN_GNTST_okay && handle)
        *handle = m.handle;
    return st;
}

static int16_t unmap(struct domain *mapper, uint32_t handle, uint64_t at)
{
    struct hv_gnttab_mapping m;
    return hv_gnttab_unmap(mapper, handle, at, &m);
}

#define RW XEN_GNTMAP_host_map
#define RO (XEN_GNTMAP_host_map | XEN_GNTMAP_readonly)
#define PERMIT XEN_GTF_permit_access

START_TEST(test_table_in_guest_ram)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    /* The region is plain RAM of the domain, 4 frames, 1 visible. */
    ck_assert(hv_gpa_is_ram(d1, GNT, 4 * 4096));
    ck_assert_uint_eq(hv_gnttab_nr_entries(d1->gnttab), 512);
    ck_assert_int_eq(hv_gnttab_add_to_physmap(d1, 2, (GNT >> 12) + 2), 0);
    ck_assert_uint_eq(hv_gnttab_nr_entries(d1->gnttab), 3 * 512);
    ck_assert_int_eq(hv_gnttab_add_to_physmap(d1, 1, (GNT >> 12) + 2), -XEN_EINVAL);
    ck_assert_int_eq(hv_gnttab_add_to_physmap(d1, 4, (GNT >> 12) + 4), -XEN_EINVAL);
    ck_assert_uint_eq(hv_gnttab_nr_entries(d1->gnttab), 3 * 512);

    struct xen_gnttab_query_size q = { .dom = XEN_DOMID_SELF };
    hv_gnttab_query_size(d1, &q);
    ck_assert_int_eq(q.status, XEN_GNTST_okay);
    ck_assert_uint_eq(q.nr_frames, 3);
    ck_assert_uint_eq(q.max_nr_frames, 4);
    q.dom = 0;
    hv_gnttab_query_size(d1, &q);
    ck_assert_int_eq(q.status, XEN_GNTST_permission_denied);
    q.dom = 9;
    hv_gnttab_query_size(e->dom0, &q);
    ck_assert_int_eq(q.status, XEN_GNTST_bad_domain);

    uint32_t v = 1;
    ck_assert_int_eq(hv_gnttab_set_version(d1, &v), 0);
    v = 2;
    ck_assert_int_eq(hv_gnttab_set_version(d1, &v), -XEN_ENOSYS);
    ck_assert_uint_eq(v, 1);
    env_free(e);
}
END_TEST

START_TEST(test_map_flags_and_refcounts)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    grant(d1, 8, 0, FRAME_A, false);
    uint32_t h_rw, h_ro, h_rw2;

    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT, &h_rw), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT | XEN_GTF_reading | XEN_GTF_writing);
    ck_assert_uint_eq(e->installs, 1);
    ck_assert_uint_eq(e->last.frame_gpa, (uint64_t)FRAME_A << 12);
    ck_assert_ptr_eq(e->last.host, hv_gpa_ptr(d1, (uint64_t)FRAME_A << 12, 4096));
    ck_assert(!e->last.readonly);
    ck_assert_uint_eq(e->last.host_addr, MAP_AT);

    ck_assert_int_eq(map(dom0, 1, 8, RO, MAP_AT + 0x1000, &h_ro), XEN_GNTST_okay);
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT + 0x2000, &h_rw2), XEN_GNTST_okay);
    ck_assert(h_rw != h_ro && h_ro != h_rw2 && h_rw != h_rw2);
    const struct hv_gnttab_active *act = hv_gnttab_active_entry(d1, 8);
    ck_assert_uint_eq(act->rw_pins, 2);
    ck_assert_uint_eq(act->ro_pins, 1);
    ck_assert_uint_eq(d1->gnttab->foreign_pins, 3);
    ck_assert_uint_eq(dom0->gnttab->maptrack_used, 3);

    /* The granter cannot revoke while mapped; its flags still say so. */
    ck_assert_int_eq(unmap(dom0, h_rw, MAP_AT), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT | XEN_GTF_reading | XEN_GTF_writing);
    ck_assert_int_eq(unmap(dom0, h_rw2, MAP_AT + 0x2000), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT | XEN_GTF_reading);   /* last writer */
    ck_assert_int_eq(unmap(dom0, h_ro, MAP_AT + 0x1000), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT);                     /* last mapping */
    ck_assert_uint_eq(act->rw_pins + act->ro_pins, 0);
    ck_assert_uint_eq(d1->gnttab->foreign_pins, 0);
    ck_assert_uint_eq(e->removes, 3);
    ck_assert_uint_eq(e->last.frame_gpa, (uint64_t)FRAME_A << 12);

    /* Now it can revoke (flags = 0), and the ref is dead. */
    struct xen_grant_entry_v1 ent = entry(d1, 8);
    ent.flags = 0;
    ck_assert_int_eq(hv_gpa_write(d1, GNT + 8 * 8, &ent, sizeof(ent)), 0);
    ck_assert_int_eq(map(dom0, 1, 8, RO, MAP_AT, NULL), XEN_GNTST_general_error);
    env_free(e);
}
END_TEST

START_TEST(test_readonly_grant)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    grant(d1, 9, 0, FRAME_B, true);
    uint32_t h;
    ck_assert_int_eq(map(dom0, 1, 9, RW, MAP_AT, NULL), XEN_GNTST_permission_denied);
    ck_assert_uint_eq(flags_of(d1, 9), PERMIT | XEN_GTF_readonly);
    ck_assert_uint_eq(e->installs, 0);
    ck_assert_int_eq(map(dom0, 1, 9, RO, MAP_AT, &h), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 9), PERMIT | XEN_GTF_readonly | XEN_GTF_reading);
    ck_assert(e->last.readonly);
    /* Still no writable mapping while pinned read-only. */
    ck_assert_int_eq(map(dom0, 1, 9, RW, MAP_AT + 0x1000, NULL), XEN_GNTST_permission_denied);
    ck_assert_int_eq(unmap(dom0, h, MAP_AT), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 9), PERMIT | XEN_GTF_readonly);
    env_free(e);
}
END_TEST

START_TEST(test_own_grant_twice_wrong_handle)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    /* The hostile-DomU scenario: d1 grants to itself and maps it twice. */
    grant(d1, 10, 1, FRAME_A, false);
    uint32_t h1, h2;
    ck_assert_int_eq(map(d1, 1, 10, RW, MAP_AT, &h1), XEN_GNTST_okay);
    ck_assert_int_eq(map(d1, 1, 10, RW, MAP_AT + 0x1000, &h2), XEN_GNTST_okay);
    ck_assert_uint_ne(h1, h2);
    /* DOMID_SELF is not a granter id for map (Xen looks ids up as is). */
    ck_assert_int_eq(map(d1, XEN_DOMID_SELF, 10, RW, MAP_AT, NULL), XEN_GNTST_bad_domain);

    /* Wrong address for a valid handle, handles out of range or unused. */
    ck_assert_int_eq(unmap(d1, h2, MAP_AT), XEN_GNTST_general_error);
    ck_assert_int_eq(unmap(d1, 999, MAP_AT), XEN_GNTST_bad_handle);
    ck_assert_int_eq(unmap(d1, 0xffffffffu, MAP_AT), XEN_GNTST_bad_handle);
    ck_assert_int_eq(unmap(d1, h2 + 1, MAP_AT), XEN_GNTST_bad_handle);
    /* Another domain cannot use d1's handles. */
    ck_assert_int_eq(unmap(e->d2, h1, MAP_AT), XEN_GNTST_bad_handle);
    ck_assert_uint_eq(hv_gnttab_active_entry(d1, 10)->rw_pins, 2);
    ck_assert_uint_eq(e->removes, 0);

    ck_assert_int_eq(unmap(d1, h1, MAP_AT), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 10), PERMIT | XEN_GTF_reading | XEN_GTF_writing);
    /* The same handle again is stale now. */
    ck_assert_int_eq(unmap(d1, h1, MAP_AT), XEN_GNTST_bad_handle);
    ck_assert_int_eq(unmap(d1, h2, MAP_AT + 0x1000), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 10), PERMIT);
    env_free(e);
}
END_TEST

START_TEST(test_stale_and_forged_refs)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    grant(d1, 8, 0, FRAME_A, false);
    grant(d1, 11, 2, FRAME_A, false);            /* granted to d2, not Dom0 */
    grant(d1, 12, 0, 0x1c000, false);            /* a device frame */
    grant(d1, 13, 0, 0x80000, false);            /* outside d1 */
    grant(d1, 14, 0, 0xffffffffu, false);
    struct xen_grant_entry_v1 transfer = { .flags = XEN_GTF_accept_transfer, .domid = 0,
                                           .frame = FRAME_A };
    ck_assert_int_eq(hv_gpa_write(d1, GNT + 15 * 8, &transfer, 8), 0);

    ck_assert_int_eq(map(dom0, 1, 512, RW, MAP_AT, NULL), XEN_GNTST_bad_gntref);
    ck_assert_int_eq(map(dom0, 1, 0xffffffffu, RW, MAP_AT, NULL), XEN_GNTST_bad_gntref);
    ck_assert_int_eq(map(dom0, 1, 100, RW, MAP_AT, NULL), XEN_GNTST_general_error);
    ck_assert_int_eq(map(dom0, 1, 11, RW, MAP_AT, NULL), XEN_GNTST_general_error);
    ck_assert_int_eq(map(dom0, 1, 15, RW, MAP_AT, NULL), XEN_GNTST_general_error);
    ck_assert_int_eq(map(dom0, 1, 12, RW, MAP_AT, NULL), XEN_GNTST_bad_page);
    ck_assert_int_eq(map(dom0, 1, 13, RW, MAP_AT, NULL), XEN_GNTST_bad_page);
    ck_assert_int_eq(map(dom0, 1, 14, RW, MAP_AT, NULL), XEN_GNTST_bad_page);
    ck_assert_int_eq(map(dom0, 42, 8, RW, MAP_AT, NULL), XEN_GNTST_bad_domain);
    ck_assert_int_eq(map(dom0, 1, 8, 0, MAP_AT, NULL), XEN_GNTST_bad_gntref);
    ck_assert_int_eq(map(dom0, 1, 8, RW | XEN_GNTMAP_device_map, MAP_AT, NULL),
                     XEN_GNTST_general_error);
    ck_assert_int_eq(map(dom0, 1, 8, RW | XEN_GNTMAP_contains_pte, MAP_AT, NULL),
                     XEN_GNTST_general_error);
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT + 4, NULL), XEN_GNTST_bad_virt_addr);
    ck_assert_int_eq(map(dom0, 1, 8, RW, 1ull << 32, NULL), XEN_GNTST_bad_virt_addr);
    /* d2 is the grantee of ref 11 but d2 cannot use ref 8. */
    ck_assert_int_eq(map(e->d2, 1, 8, RW, MAP_AT, NULL), XEN_GNTST_general_error);
    ck_assert_int_eq(map(e->d2, 1, 11, RW, MAP_AT, NULL), XEN_GNTST_okay);
    /* None of the refusals touched a flag or installed anything. */
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT);
    ck_assert_uint_eq(flags_of(d1, 12), PERMIT);
    ck_assert_uint_eq(e->installs, 1);
    ck_assert_uint_eq(dom0->gnttab->maptrack_used, 0);

    /* A refused install leaves no pin either. */
    e->install_status = XEN_GNTST_general_error;
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT, NULL), XEN_GNTST_general_error);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT);
    ck_assert_uint_eq(hv_gnttab_active_entry(d1, 8)->rw_pins, 0);
    env_free(e);
}
END_TEST

START_TEST(test_pinned_entry_is_latched)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    grant(d1, 8, 0, FRAME_A, false);
    uint32_t h1, h2;
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT, &h1), XEN_GNTST_okay);
    /* The granter rewrites frame and grantee of a pinned entry (a plain
     * store, not the revoke protocol): the pin keeps what was granted. */
    struct xen_grant_entry_v1 ent = entry(d1, 8);
    ent.frame = FRAME_B;
    ent.domid = 2;
    ck_assert_int_eq(hv_gpa_write(d1, GNT + 8 * 8, &ent, sizeof(ent)), 0);
    ck_assert_int_eq(map(dom0, 1, 8, RO, MAP_AT + 0x1000, &h2), XEN_GNTST_okay);
    ck_assert_uint_eq(e->last.frame_gpa, (uint64_t)FRAME_A << 12);
    ck_assert_int_eq(map(e->d2, 1, 8, RO, MAP_AT, NULL), XEN_GNTST_general_error);
    ck_assert_int_eq(unmap(dom0, h1, MAP_AT), XEN_GNTST_okay);
    ck_assert_int_eq(unmap(dom0, h2, MAP_AT + 0x1000), XEN_GNTST_okay);
    env_free(e);
}
END_TEST

START_TEST(test_flags_update_clears_granter_monitor)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    struct arm_cpu *c = hv_domain_vcpu(d1, 0);      /* MMU off */
    grant(d1, 8, 0, FRAME_A, false);
    uint32_t h;
    /* d1 is inside its LDREXH/STREXH revoke loop on the flags of ref 8. */
    c->excl_addr = GNT + 8 * 8, c->excl_value = 2;
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT, &h), XEN_GNTST_okay);
    ck_assert_uint_eq(c->excl_addr, ~0u);
    c->excl_addr = GNT + 8 * 8, c->excl_value = 2;
    ck_assert_int_eq(unmap(dom0, h, MAP_AT), XEN_GNTST_okay);
    ck_assert_uint_eq(c->excl_addr, ~0u);
    env_free(e);
}
END_TEST

static struct xen_gnttab_copy copy_op(uint16_t flags, uint16_t len)
{
    struct xen_gnttab_copy op = { .len = len, .flags = flags };
    op.source.domid = XEN_DOMID_SELF;
    op.dest.domid = XEN_DOMID_SELF;
    return op;
}

START_TEST(test_copy)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    grant(d1, 8, 0, FRAME_A, false);
    grant(d1, 9, 0, FRAME_B, true);
    const char msg[] = "request payload";
    ck_assert_int_eq(hv_gpa_write(d1, ((uint64_t)FRAME_A << 12) + 100, msg, sizeof(msg)), 0);
    const uint64_t own = (RAM + 0x30000u) >> 12;

    /* Back-end reads the frontend's page into its own frame. */
    struct xen_gnttab_copy op = copy_op(XEN_GNTCOPY_source_gref, sizeof(msg));
    op.source.u.ref = 8, op.source.domid = 1, op.source.offset = 100;
    op.dest.u.gmfn = own, op.dest.offset = 4000;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_okay);
    char back[sizeof(msg)];
    ck_assert_int_eq(hv_gpa_read(dom0, (own << 12) + 4000, back, sizeof(back)), 0);
    ck_assert_str_eq(back, msg);
    /* A copy leaves no flag behind. */
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT);

    /* ... and writes a response into it (dest gref), clearing d1's monitor. */
    struct arm_cpu *c = hv_domain_vcpu(d1, 0);
    c->excl_addr = (FRAME_A << 12) + 8, c->excl_value = 4;
    op = copy_op(XEN_GNTCOPY_dest_gref, 4);
    op.source.u.gmfn = own, op.source.offset = 4000;
    op.dest.u.ref = 8, op.dest.domid = 1, op.dest.offset = 0;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_okay);
    ck_assert_int_eq(hv_gpa_read(d1, (uint64_t)FRAME_A << 12, back, 4), 0);
    ck_assert_mem_eq(back, "requ", 4);
    ck_assert_uint_eq(c->excl_addr, ~0u);

    /* Bounds: offset + len beyond the page on either side. */
    op = copy_op(XEN_GNTCOPY_source_gref, 100);
    op.source.u.ref = 8, op.source.domid = 1, op.source.offset = 4000;
    op.dest.u.gmfn = own;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_copy_arg);
    op.source.offset = 3996;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_okay);   /* exactly fits */
    op.dest.offset = 3997;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_copy_arg);
    op.dest.offset = 0xffff, op.len = 0xffff;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_copy_arg);
    op.len = 0;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_okay);

    /* Permissions. */
    op = copy_op(XEN_GNTCOPY_dest_gref, 4);
    op.source.u.gmfn = own;
    op.dest.u.ref = 9, op.dest.domid = 1;                   /* read-only grant */
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_permission_denied);
    op.dest.u.ref = 700;                                    /* beyond the table */
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_gntref);
    op.dest.u.ref = 8, op.dest.domid = 42;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_domain);
    op.dest.domid = 1;
    ck_assert_int_eq(hv_gnttab_copy(e->d2, &op), XEN_GNTST_general_error);  /* not d2's */
    op.source.domid = 0;                    /* by frame, naming itself by number */
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_permission_denied);
    op.source.domid = XEN_DOMID_SELF, op.source.u.gmfn = 0x1c000;   /* device frame */
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_page);
    op.source.u.gmfn = 1ull << 40;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_bad_page);
    /* Reading a read-only grant is fine. */
    op = copy_op(XEN_GNTCOPY_source_gref, 4);
    op.source.u.ref = 9, op.source.domid = 1;
    op.dest.u.gmfn = own;
    ck_assert_int_eq(hv_gnttab_copy(dom0, &op), XEN_GNTST_okay);
    env_free(e);
}
END_TEST

START_TEST(test_hypercall_arrays)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    struct arm_cpu *cpu = hv_domain_vcpu(dom0, 0);
    grant(d1, 8, 0, FRAME_A, false);
    grant(d1, 9, 0, FRAME_B, true);

    /* Two maps in one call: one fine, one refused; statuses per element. */
    struct xen_gnttab_map_grant_ref ops[2] = {
        { .host_addr = MAP_AT, .flags = RW, .ref = 8, .dom = 1 },
        { .host_addr = MAP_AT + 0x1000, .flags = RW, .ref = 9, .dom = 1 },
    };
    ck_assert_int_eq(hv_copy_to_guest(dom0, cpu, ARG, ops, sizeof(ops)), 0);
    uint32_t done;
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_map_grant_ref, ARG, 2, &done), 0);
    ck_assert_uint_eq(done, 2);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG, ops, sizeof(ops)), 0);
    ck_assert_int_eq(ops[0].status, XEN_GNTST_okay);
    ck_assert_int_eq(ops[1].status, XEN_GNTST_permission_denied);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT | XEN_GTF_reading | XEN_GTF_writing);

    struct xen_gnttab_unmap_grant_ref un = { .host_addr = MAP_AT, .handle = ops[0].handle };
    ck_assert_int_eq(hv_copy_to_guest(dom0, cpu, ARG, &un, sizeof(un)), 0);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_unmap_grant_ref, ARG, 1, &done), 0);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG, &un, sizeof(un)), 0);
    ck_assert_int_eq(un.status, XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(d1, 8), PERMIT);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_unmap_grant_ref, ARG, 1, &done), 0);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG, &un, sizeof(un)), 0);
    ck_assert_int_eq(un.status, XEN_GNTST_bad_handle);

    /* Arrays outside RAM; counts that must be 1; unsupported ops. */
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_copy, 0x1000, 1, &done), -XEN_EFAULT);
    ck_assert_uint_eq(done, 0);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_map_grant_ref, RAM + RAM_SIZE - 32,
                                  2, &done), -XEN_EFAULT);
    ck_assert_uint_eq(done, 1);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_query_size, ARG, 2, &done),
                     -XEN_EINVAL);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_cache_flush, ARG, 1, &done),
                     -XEN_ENOSYS);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_transfer, ARG, 1, &done),
                     -XEN_ENOSYS);

    /* query_size and setup_table through memory. */
    struct xen_gnttab_query_size q = { .dom = XEN_DOMID_SELF };
    ck_assert_int_eq(hv_copy_to_guest(dom0, cpu, ARG, &q, sizeof(q)), 0);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_query_size, ARG, 1, &done), 0);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG, &q, sizeof(q)), 0);
    ck_assert_int_eq(q.status, 0);
    ck_assert_uint_eq(q.nr_frames, 1);
    ck_assert_uint_eq(q.max_nr_frames, 4);
    struct xen_gnttab_setup_table st = {
        .dom = XEN_DOMID_SELF, .nr_frames = 2, .frame_list = 0xdead000000000000ull | (ARG + 64),
    };
    ck_assert_int_eq(hv_copy_to_guest(dom0, cpu, ARG, &st, sizeof(st)), 0);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_setup_table, ARG, 1, &done), 0);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG, &st, sizeof(st)), 0);
    ck_assert_int_eq(st.status, XEN_GNTST_okay);
    uint64_t frames[2];
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG + 64, frames, sizeof(frames)), 0);
    ck_assert_uint_eq(frames[0], GNT >> 12);
    ck_assert_uint_eq(frames[1], (GNT >> 12) + 1);
    ck_assert_uint_eq(dom0->gnttab->nr_frames, 2);
    st.nr_frames = 5;
    ck_assert_int_eq(hv_copy_to_guest(dom0, cpu, ARG, &st, sizeof(st)), 0);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_setup_table, ARG, 1, &done), 0);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, ARG, &st, sizeof(st)), 0);
    ck_assert_int_eq(st.status, XEN_GNTST_general_error);
    env_free(e);
}
END_TEST

START_TEST(test_long_batch_preempts)
{
    struct env *e = env_new();
    struct domain *dom0 = e->dom0;
    struct arm_cpu *cpu = hv_domain_vcpu(dom0, 0);
    const uint32_t n = HV_GNTTAB_BATCH + 100;
    struct xen_gnttab_copy *ops = calloc(n, sizeof(*ops));
    for (uint32_t i = 0; i < n; i++) {
        ops[i] = copy_op(0, 0);
        ops[i].status = 99;
    }
    ck_assert_int_eq(hv_copy_to_guest(dom0, cpu, RAM + 0x40000, ops, n * sizeof(*ops)), 0);
    uint32_t done;
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_copy, RAM + 0x40000, n, &done),
                     HV_PREEMPTED);
    ck_assert_uint_eq(done, HV_GNTTAB_BATCH);
    /* The dispatcher re-executes with the rest. */
    uint32_t rest = RAM + 0x40000 + done * (uint32_t)sizeof(*ops);
    ck_assert_int_eq(hv_gnttab_op(dom0, cpu, XEN_GNTTABOP_copy, rest, n - done, &done), 0);
    ck_assert_uint_eq(done, 100);
    ck_assert_int_eq(hv_copy_from_guest(dom0, cpu, RAM + 0x40000, ops, n * sizeof(*ops)), 0);
    for (uint32_t i = 0; i < n; i++)
        ck_assert_int_eq(ops[i].status, XEN_GNTST_okay);
    free(ops);
    env_free(e);
}
END_TEST

START_TEST(test_destroyed_granter_lingers)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    grant(d1, 8, 0, FRAME_A, false);
    uint32_t h;
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT, &h), XEN_GNTST_okay);
    uint8_t *frame = e->last.host;
    hv_domain_destroy(d1);
    /* Invisible to new operations, but its memory stays for the mapping. */
    ck_assert_ptr_null(hv_domain_by_id(&e->hv, 1));
    ck_assert_ptr_eq(hv_domain_find_any(&e->hv, 1), d1);
    ck_assert_int_eq(d1->state, HV_DOMAIN_DYING);
    frame[0] = 0x42;
    ck_assert_int_eq(map(dom0, 1, 8, RW, MAP_AT + 0x1000, NULL), XEN_GNTST_bad_domain);
    ck_assert_int_eq(unmap(dom0, h, MAP_AT), XEN_GNTST_okay);
    ck_assert_ptr_null(hv_domain_find_any(&e->hv, 1));

    /* A destroyed mapper releases what it held. */
    grant(e->d2, 8, 0, FRAME_A, false);
    struct xen_grant_entry_v1 g = { .flags = PERMIT, .domid = 2, .frame = FRAME_B };
    ck_assert_int_eq(hv_gpa_write(dom0, GNT + 20 * 8, &g, 8), 0);
    ck_assert_int_eq(map(e->d2, 0, 20, RW, MAP_AT, &h), XEN_GNTST_okay);
    ck_assert_uint_eq(flags_of(dom0, 20), PERMIT | XEN_GTF_reading | XEN_GTF_writing);
    unsigned removes = e->removes;
    hv_domain_destroy(e->d2);
    ck_assert_uint_eq(flags_of(dom0, 20), PERMIT);
    ck_assert_uint_eq(e->removes, removes + 1);
    ck_assert_uint_eq(dom0->gnttab->foreign_pins, 0);
    env_free(e);
}
END_TEST

Suite *grant_table_suite(void)
{
    Suite *s = suite_create("grant_table");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_table_in_guest_ram);
    tcase_add_test(tc, test_map_flags_and_refcounts);
    tcase_add_test(tc, test_readonly_grant);
    tcase_add_test(tc, test_own_grant_twice_wrong_handle);
    tcase_add_test(tc, test_stale_and_forged_refs);
    tcase_add_test(tc, test_pinned_entry_is_latched);
    tcase_add_test(tc, test_flags_update_clears_granter_monitor);
    tcase_add_test(tc, test_copy);
    tcase_add_test(tc, test_hypercall_arrays);
    tcase_add_test(tc, test_long_batch_preempts);
    tcase_add_test(tc, test_destroyed_granter_lingers);
    suite_add_tcase(s, tc);
    return s;
}
