/*
 * The hypercall dispatcher (hv/hypercall.c), driven the way a guest drives
 * it: arguments in r0-r2 and r12, argument structures in the guest's RAM
 * (MMU off, so VA = IPA), then hv_hypercall() as the HVC hook calls it.
 *
 * Three domains: Dom0 (privileged), d1 (a DomU with two vCPUs) and d2.
 * Checked for every call: the r0 result (values and Xen's errno numbers),
 * the effect on the domain, that other registers are preserved, that the
 * PC stays after the HVC except when a long operation re-executes it, that
 * the per-domain counters move, and that a pointer outside the caller's
 * RAM is -EFAULT in every call that takes one. The toolstack domctl is
 * Dom0's only, and PSCI answers on HVC #0.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/guest_mem.h"
#include "hv/hypercall.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM 0x40000000u
#define RAM_SIZE 0x100000u
#define GNT XEN_GUEST_GNTTAB_BASE
#define ARG (RAM + 0x3000u)         /* argument structures */
#define BUF (RAM + 0x4000u)         /* buffers the calls point to */
#define SHINFO_GPA (RAM + 0x10000u)
#define CONS_GPA (RAM + 0x50000u)   /* a console ring page (RAM here) */
#define PC_AFTER 0x40008004u        /* r15 as cpu_hvc leaves it */
#define UNMAPPED 0x10000000u        /* nothing there in any domain */
#define ACROSS_END (RAM + RAM_SIZE - 2u)   /* starts in RAM, ends outside */

struct env {
    struct hv hv;
    struct domain *dom0, *d1, *d2;
    struct arm_cpu cpu[4];
    struct mmu_context mmu[4];
    unsigned ncpu;
    /* what the callbacks saw */
    unsigned upcalls, blocks, yields, shutdowns, creates, destroys, cpu_ons;
    uint32_t shutdown_reason;
    struct domain *shutdown_domain;
    char written[8192];
    size_t written_len;
    const char *read_data;
    unsigned reads;
    uint32_t on_entry, on_context;
    int cpu_on_status;
};

static void cb_upcall(struct domain *d, unsigned vcpu)
{
    (void)vcpu;
    ((struct env *)d->hv->opaque)->upcalls++;
}

static void cb_block(struct domain *d, unsigned vcpu)
{
    (void)vcpu;
    ((struct env *)d->hv->opaque)->blocks++;
}

static void cb_yield(struct domain *d, unsigned vcpu)
{
    (void)vcpu;
    ((struct env *)d->hv->opaque)->yields++;
}

static void cb_shutdown(struct domain *d, uint32_t reason)
{
    struct env *e = d->hv->opaque;
    e->shutdowns++;
    e->shutdown_reason = reason;
    e->shutdown_domain = d;
}

static void cb_write(struct domain *d, const char *buf, size_t len)
{
    struct env *e = d->hv->opaque;
    ck_assert_uint_le(e->written_len + len, sizeof(e->written));
    memcpy(e->written + e->written_len, buf, len);
    e->written_len += len;
}

static size_t cb_read(struct domain *d, char *buf, size_t len)
{
    struct env *e = d->hv->opaque;
    e->reads++;
    size_t n = e->read_data ? strlen(e->read_data) : 0;
    if (n > len)
        n = len;
    memcpy(buf, e->read_data, n);
    return n;
}

static int cb_create(struct hv *hv, const char *name, uint16_t *domid)
{
    struct env *e = hv->opaque;
    e->creates++;
    if (strcmp(name, "guest3") != 0)
        return -XEN_ENOENT;
    struct hv_domain_config cfg = {
        .name = name, .domid = -1, .ram_base = RAM, .ram_size = RAM_SIZE, .max_vcpus = 1,
    };
    struct domain *d;
    int rc = hv_domain_create(hv, &cfg, &d);
    if (rc == 0)
        *domid = d->domid;
    return rc;
}

static int cb_destroy(struct domain *d)
{
    ((struct env *)d->hv->opaque)->destroys++;
    hv_domain_destroy(d);
    return 0;
}

static int cb_cpu_on(struct domain *d, unsigned vcpu, uint32_t entry, uint32_t context)
{
    struct env *e = d->hv->opaque;
    (void)vcpu;
    e->cpu_ons++;
    e->on_entry = entry;
    e->on_context = context;
    return e->cpu_on_status;
}

static struct domain *make_domain(struct env *e, const char *name, int domid, bool priv,
                                  unsigned ncpu)
{
    struct hv_domain_config cfg = {
        .name = name, .domid = domid, .privileged = priv, .ram_base = RAM,
        .ram_size = RAM_SIZE, .max_vcpus = ncpu, .gnttab_base = GNT, .gnttab_max_frames = 4,
    };
    struct domain *d;
    ck_assert_int_eq(hv_domain_create(&e->hv, &cfg, &d), 0);
    for (unsigned i = 0; i < ncpu; i++) {
        struct arm_cpu *cpu = &e->cpu[e->ncpu];
        cpu_init(cpu, &cpu_model_cortex_a15, i);
        mmu_attach(&e->mmu[e->ncpu], cpu, d->as);
        e->ncpu++;
        ck_assert_int_eq(hv_domain_add_vcpu(d, cpu), (int)i);
    }
    return d;
}

static struct env *env_new(void)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    hv_init(&e->hv, NULL);
    e->hv.opaque = e;
    e->hv.raise_upcall = cb_upcall;
    e->hv.vcpu_block = cb_block;
    e->hv.vcpu_yield = cb_yield;
    e->hv.domain_shutdown = cb_shutdown;
    e->hv.console_write = cb_write;
    e->hv.console_read = cb_read;
    e->hv.toolstack_create = cb_create;
    e->hv.toolstack_destroy = cb_destroy;
    e->hv.vcpu_on = cb_cpu_on;
    e->dom0 = make_domain(e, "dom0", 0, true, 1);
    e->d1 = make_domain(e, "guest1", -1, false, 2);
    e->d2 = make_domain(e, "guest2", -1, false, 1);
    return e;
}

static void env_free(struct env *e)
{
    hv_destroy(&e->hv);
    free(e);
}

/* ---- the guest's side ---- */

static void put(struct domain *d, uint32_t va, const void *buf, size_t len)
{
    ck_assert_int_eq(hv_copy_to_guest(d, hv_domain_vcpu(d, 0), va, buf, len), 0);
}

static void get(struct domain *d, uint32_t va, void *buf, size_t len)
{
    ck_assert_int_eq(hv_copy_from_guest(d, hv_domain_vcpu(d, 0), va, buf, len), 0);
}

/* Loads the registers as the guest's wrapper does. */
static struct arm_cpu *load(struct domain *d, unsigned vcpu, uint32_t nr, uint32_t a0,
                            uint32_t a1, uint32_t a2)
{
    struct arm_cpu *cpu = hv_domain_vcpu(d, vcpu);
    ck_assert_ptr_nonnull(cpu);
    cpu->r[12] = nr;
    cpu->r[0] = a0, cpu->r[1] = a1, cpu->r[2] = a2;
    cpu->r[3] = 0x33333333u, cpu->r[4] = 0x44444444u, cpu->r[5] = 0x55555555u;
    cpu->r[15] = PC_AFTER;
    return cpu;
}

/* A complete (not preempted) hypercall on vCPU vcpu; returns r0. */
static int32_t hcall_v(struct domain *d, unsigned vcpu, uint32_t nr, uint32_t a0, uint32_t a1,
                       uint32_t a2)
{
    struct arm_cpu *cpu = load(d, vcpu, nr, a0, a1, a2);
    ck_assert_int_eq(hv_hypercall(d, vcpu, cpu, XEN_HYPERCALL_TAG), 0);
    /* Only r0 changes; the PC stays after the HVC. */
    ck_assert_uint_eq(cpu->r[15], PC_AFTER);
    ck_assert_uint_eq(cpu->r[12], nr);
    ck_assert_uint_eq(cpu->r[1], a1);
    ck_assert_uint_eq(cpu->r[2], a2);
    ck_assert_uint_eq(cpu->r[3], 0x33333333u);
    ck_assert_uint_eq(cpu->r[4], 0x44444444u);
    ck_assert_uint_eq(cpu->r[5], 0x55555555u);
    return (int32_t)cpu->r[0];
}

static int32_t hcall(struct domain *d, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
    return hcall_v(d, 0, nr, a0, a1, a2);
}

static int32_t psci(struct domain *d, uint32_t fn, uint32_t a1, uint32_t a2, uint32_t a3)
{
    struct arm_cpu *cpu = load(d, 0, 0, fn, a1, a2);
    cpu->r[3] = a3;
    ck_assert_int_eq(hv_hypercall(d, 0, cpu, XEN_SMCCC_HVC_IMM), 0);
    ck_assert_uint_eq(cpu->r[15], PC_AFTER);
    return (int32_t)cpu->r[0];
}

static int32_t domctl(struct domain *d, struct armhv_domctl *op)
{
    put(d, ARG, op, sizeof(*op));
    int32_t rc = hcall(d, XEN_HC_domctl, ARG, 0, 0);
    get(d, ARG, op, sizeof(*op));
    return rc;
}

static struct armhv_domctl domctl_op(uint32_t cmd, uint16_t domid)
{
    struct armhv_domctl op;
    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.interface_version = ARMHV_DOMCTL_VERSION;
    op.domid = domid;
    return op;
}

/* ---- xen_version ---- */

START_TEST(test_xen_version)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_version, 0, 0), 0x00040011);
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_pagesize, 0, 0), 4096);

    /* Features: DomU 0x16005 (never dom0), Dom0 additionally bit 11. */
    struct xen_feature_info fi = {.submap_idx = 0, .submap = 0xdeadbeef};
    put(d1, ARG, &fi, sizeof(fi));
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_get_features, ARG, 0), 0);
    get(d1, ARG, &fi, sizeof(fi));
    ck_assert_uint_eq(fi.submap, 0x00016005u);
    fi.submap = 0;
    put(e->dom0, ARG, &fi, sizeof(fi));
    ck_assert_int_eq(hcall(e->dom0, XEN_HC_xen_version, XEN_XENVER_get_features, ARG, 0), 0);
    get(e->dom0, ARG, &fi, sizeof(fi));
    ck_assert_uint_eq(fi.submap, 0x00016005u | (1u << 11));
    fi.submap_idx = 1;
    put(d1, ARG, &fi, sizeof(fi));
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_get_features, ARG, 0),
                     -XEN_EINVAL);

    char s[XEN_CAPABILITIES_LEN];
    memset(s, 'x', sizeof(s));
    put(d1, BUF, s, sizeof(s));
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_extraversion, BUF, 0), 0);
    get(d1, BUF, s, sizeof(s));
    ck_assert_str_eq(s, ".0-armhv");
    ck_assert_int_eq(s[XEN_EXTRAVERSION_LEN], 'x');     /* exactly 16 bytes written */
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_capabilities, BUF, 0), 0);
    get(d1, BUF, s, sizeof(s));
    ck_assert_str_eq(s, "xen-3.0-armv7l ");
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_changeset, BUF, 0), 0);
    get(d1, BUF, s, sizeof(s));
    ck_assert_str_eq(s, "armhv-emu");
    struct xen_compile_info ci;
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_compile_info, BUF, 0), 0);
    get(d1, BUF, &ci, sizeof(ci));
    ck_assert_ptr_nonnull(memchr(ci.compiler, 0, sizeof(ci.compiler)));
    ck_assert_str_eq(ci.compile_domain, "armhv-emu");
    uint64_t vs = 99;
    put(d1, BUF, &vs, sizeof(vs));
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_platform_parameters, BUF, 0), 0);
    get(d1, BUF, &vs, sizeof(vs));
    ck_assert_uint_eq(vs, 0);
    uint8_t h[16];
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, XEN_XENVER_guest_handle, BUF, 0), 0);
    get(d1, BUF, h, sizeof(h));
    ck_assert_uint_eq(h[15], 1);

    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, 9, BUF, 0), -XEN_ENOSYS);   /* commandline */
    ck_assert_int_eq(hcall(d1, XEN_HC_xen_version, 0x1234, BUF, 0), -XEN_ENOSYS);
    ck_assert_uint_eq(d1->stats.hypercalls[XEN_HC_xen_version], 12);
    env_free(e);
}
END_TEST

/* ---- numbers and immediates ---- */

START_TEST(test_unknown_numbers_and_immediates)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    const uint32_t unknown[] = {0, 1, 7, 13, 19, 30, 33, 35, 41, 48, 55, 63};
    for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        ck_assert_int_eq(hcall(d1, unknown[i], ARG, 0, 0), -XEN_ENOSYS);
        ck_assert_uint_eq(d1->stats.hypercalls[unknown[i]], 1);
        ck_assert_ptr_null(hv_hypercall_name(unknown[i]));
    }
    ck_assert_int_eq(hcall(d1, 64, 0, 0, 0), -XEN_ENOSYS);
    ck_assert_int_eq(hcall(d1, 0xFFFFFFFFu, 0, 0, 0), -XEN_ENOSYS);
    ck_assert_uint_eq(d1->stats.hypercalls_other, 2);
    ck_assert_str_eq(hv_hypercall_name(XEN_HC_event_channel_op), "event_channel_op");
    ck_assert_ptr_null(hv_hypercall_name(1000));

    /* An immediate that is neither Xen's tag nor SMCCC's: UNDEFINED. */
    uint64_t traps = d1->stats.traps;
    struct arm_cpu *cpu = load(d1, 0, XEN_HC_xen_version, 0, 0, 0);
    ck_assert_int_eq(hv_hypercall(d1, 0, cpu, 0x1234), -1);
    ck_assert_uint_eq(cpu->r[0], 0);            /* untouched */
    ck_assert_uint_eq(d1->stats.traps, traps + 1);
    /* A CPU that is not that vCPU of the domain: refused too. */
    ck_assert_int_eq(hv_hypercall(d1, 1, cpu, XEN_HYPERCALL_TAG), -1);
    ck_assert_int_eq(hv_hypercall(d1, HV_MAX_VCPUS, cpu, XEN_HYPERCALL_TAG), -1);
    env_free(e);
}
END_TEST

/* ---- memory_op ---- */

START_TEST(test_add_to_physmap)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    struct xen_add_to_physmap x = {
        .domid = XEN_DOMID_SELF, .size = 0xBEEF, .space = XEN_XENMAPSPACE_shared_info,
        .idx = 0, .gpfn = SHINFO_GPA >> 12,
    };
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0), 0);
    ck_assert(d1->shared_info_mapped);
    ck_assert_uint_eq(d1->shared_info_gpa, SHINFO_GPA);
    ck_assert_ptr_eq(hv_evtchn_shared_info(d1), hv_gpa_ptr(d1, SHINFO_GPA, 4096));

    /* Continuation bits above the command are ignored. */
    x.gpfn = (SHINFO_GPA >> 12) + 1;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap | 0x40, ARG, 0), 0);
    ck_assert_uint_eq(d1->shared_info_gpa, SHINFO_GPA + 4096);

    /* A frame outside its RAM, idx != 0. */
    x.gpfn = 0x1c090;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_EINVAL);
    x.gpfn = SHINFO_GPA >> 12, x.idx = 1;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_EINVAL);
    ck_assert_uint_eq(d1->shared_info_gpa, SHINFO_GPA + 4096);

    /* Grant frames: identity layout only, up to max_frames. */
    x.space = XEN_XENMAPSPACE_grant_table, x.idx = 1, x.gpfn = (GNT >> 12) + 1;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0), 0);
    ck_assert_uint_eq(d1->gnttab->nr_frames, 2);
    x.gpfn = (GNT >> 12) + 3;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_EINVAL);
    x.idx = 4, x.gpfn = (GNT >> 12) + 4;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_EINVAL);

    /* Other spaces, other domains. */
    x.space = XEN_XENMAPSPACE_gmfn, x.idx = 0, x.gpfn = SHINFO_GPA >> 12;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_ENOSYS);
    x.space = XEN_XENMAPSPACE_shared_info, x.domid = 2;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_EPERM);
    x.domid = 77;
    put(d1, ARG, &x, sizeof(x));
    ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, ARG, 0),
                     -XEN_ESRCH);
    ck_assert(!e->d2->shared_info_mapped);

    /* The balloon's calls and the rest are not implemented. */
    const uint32_t others[] = {
        XEN_XENMEM_increase_reservation, XEN_XENMEM_decrease_reservation,
        XEN_XENMEM_populate_physmap, XEN_XENMEM_remove_from_physmap,
        XEN_XENMEM_add_to_physmap_range, 63,
    };
    for (unsigned i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        ck_assert_int_eq(hcall(d1, XEN_HC_memory_op, others[i], ARG, 0), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

/* ---- vcpu_op ---- */

START_TEST(test_vcpu_op)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    struct xen_vcpu_register_vcpu_info r = {.mfn = (RAM + 0x6000u) >> 12, .offset = 64,
                                            .rsvd = 0xFFFFFFFFu};
    put(d1, ARG, &r, sizeof(r));
    unsigned upcalls = e->upcalls;
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_register_vcpu_info, 1, ARG), 0);
    ck_assert(d1->vcpu[1].vcpu_info_registered);
    ck_assert_uint_eq(d1->vcpu[1].vcpu_info_gpa, RAM + 0x6000u + 64);
    ck_assert_uint_eq(e->upcalls, upcalls + 1);         /* Xen's catch-up upcall */
    ck_assert(!d1->vcpu[0].vcpu_info_registered);
    /* Twice, a bad offset, a vCPU that does not exist. */
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_register_vcpu_info, 1, ARG),
                     -XEN_EINVAL);
    r.offset = 4096 - 47;
    put(d1, ARG, &r, sizeof(r));
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_register_vcpu_info, 0, ARG),
                     -XEN_EINVAL);
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_register_vcpu_info, 2, ARG),
                     -XEN_ENOENT);
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_is_up, 99, 0), -XEN_ENOENT);

    /* Runstate area: accepted; the upper half of the handle is garbage. */
    uint64_t handle = 0xA5A5A5A500000000ull | (RAM + 0x7000u);
    put(d1, ARG, &handle, sizeof(handle));
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_register_runstate_memory_area, 0,
                           ARG), 0);
    ck_assert(d1->vcpu[0].runstate_registered);
    ck_assert_uint_eq(d1->vcpu[0].runstate_va, RAM + 0x7000u);

    /* is_up: vCPU 0 is on, vCPU 1 waits for PSCI CPU_ON. */
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_is_up, 0, 0), 1);
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_is_up, 1, 0), 0);
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, XEN_VCPUOP_up, 1, 0), -XEN_ENOSYS);
    ck_assert_int_eq(hcall(d1, XEN_HC_vcpu_op, 42, 0, ARG), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

/* ---- hvm_op ---- */

static int32_t hvm_param(struct domain *d, uint32_t op, uint16_t domid, uint32_t index,
                         uint64_t *value)
{
    struct xen_hvm_param p = {.domid = domid, .index = index, .value = *value};
    put(d, ARG, &p, sizeof(p));
    int32_t rc = hcall(d, XEN_HC_hvm_op, op, ARG, 0);
    get(d, ARG, &p, sizeof(p));
    *value = p.value;
    return rc;
}

START_TEST(test_hvm_params)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    ck_assert_int_eq(hv_domain_set_param(d1, XEN_HVM_PARAM_STORE_PFN, 0x39001), 0);
    ck_assert_int_eq(hv_domain_set_param(d1, XEN_HVM_PARAM_STORE_EVTCHN, 1), 0);
    ck_assert_int_eq(hv_domain_set_param(d1, XEN_HVM_NR_PARAMS, 1), -XEN_EINVAL);
    uint64_t v = 0;
    ck_assert_int_eq(hv_domain_get_param(d1, XEN_HVM_NR_PARAMS, &v), -XEN_EINVAL);

    v = 0xdead;
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, XEN_DOMID_SELF,
                               XEN_HVM_PARAM_STORE_PFN, &v), 0);
    ck_assert_uint_eq(v, 0x39001);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, 1, XEN_HVM_PARAM_STORE_EVTCHN, &v), 0);
    ck_assert_uint_eq(v, 1);
    /* Unset parameters read as 0 ("not configured"). */
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, XEN_DOMID_SELF,
                               XEN_HVM_PARAM_CONSOLE_PFN, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, XEN_DOMID_SELF, 40, &v), -XEN_EINVAL);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, XEN_DOMID_SELF, 0xFFFFFFFFu, &v),
                     -XEN_EINVAL);

    /* A DomU sets nothing, reads nobody else's. */
    v = 0x40000;
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_set_param, XEN_DOMID_SELF,
                               XEN_HVM_PARAM_STORE_PFN, &v), -XEN_EPERM);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_set_param, XEN_DOMID_SELF,
                               XEN_HVM_PARAM_CALLBACK_IRQ, &v), -XEN_EPERM);
    ck_assert_int_eq(hv_domain_get_param(d1, XEN_HVM_PARAM_STORE_PFN, &v), 0);
    ck_assert_uint_eq(v, 0x39001);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, 2, XEN_HVM_PARAM_STORE_PFN, &v),
                     -XEN_EPERM);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, 0, XEN_HVM_PARAM_STORE_PFN, &v),
                     -XEN_EPERM);
    ck_assert_int_eq(hvm_param(d1, XEN_HVMOP_get_param, 77, XEN_HVM_PARAM_STORE_PFN, &v),
                     -XEN_ESRCH);

    /* Dom0 may set and read any domain's. */
    v = 0x39000;
    ck_assert_int_eq(hvm_param(e->dom0, XEN_HVMOP_set_param, 1, XEN_HVM_PARAM_CONSOLE_PFN,
                               &v), 0);
    ck_assert_int_eq(hv_domain_get_param(d1, XEN_HVM_PARAM_CONSOLE_PFN, &v), 0);
    ck_assert_uint_eq(v, 0x39000);
    ck_assert_int_eq(hvm_param(e->dom0, XEN_HVMOP_get_param, 1, XEN_HVM_PARAM_STORE_PFN, &v),
                     0);
    ck_assert_uint_eq(v, 0x39001);
    ck_assert_int_eq(hvm_param(e->dom0, XEN_HVMOP_set_param, 1, 40, &v), -XEN_EINVAL);

    ck_assert_int_eq(hcall(d1, XEN_HC_hvm_op, 2, ARG, 0), -XEN_ENOSYS);
    ck_assert_int_eq(hcall(d1, XEN_HC_hvm_op, 0x1000, ARG, 0), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

/* ---- event_channel_op and grant_table_op through the dispatcher ---- */

START_TEST(test_event_channels_through_dispatcher)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    struct xen_evtchn_alloc_unbound au = {.dom = XEN_DOMID_SELF, .remote_dom = 0};
    put(d1, ARG, &au, sizeof(au));
    ck_assert_int_eq(hcall(d1, XEN_HC_event_channel_op, XEN_EVTCHNOP_alloc_unbound, ARG, 0),
                     0);
    get(d1, ARG, &au, sizeof(au));
    ck_assert_uint_eq(au.port, 1);

    struct xen_evtchn_bind_interdomain bi = {.remote_dom = 1, .remote_port = au.port};
    put(dom0, ARG, &bi, sizeof(bi));
    ck_assert_int_eq(hcall(dom0, XEN_HC_event_channel_op, XEN_EVTCHNOP_bind_interdomain, ARG,
                           0), 0);
    get(dom0, ARG, &bi, sizeof(bi));
    ck_assert_uint_eq(bi.local_port, 1);

    struct xen_evtchn_port p = {.port = bi.local_port};
    put(dom0, ARG, &p, sizeof(p));
    ck_assert(!hv_evtchn_is_pending(d1, au.port));
    ck_assert_int_eq(hcall(dom0, XEN_HC_event_channel_op, XEN_EVTCHNOP_send, ARG, 0), 0);
    ck_assert(hv_evtchn_is_pending(d1, au.port));
    ck_assert_uint_eq(dom0->stats.events_sent, 1);

    /* Another domain's port number means nothing to d2. */
    p.port = 5;
    put(e->d2, ARG, &p, sizeof(p));
    ck_assert_int_eq(hcall(e->d2, XEN_HC_event_channel_op, XEN_EVTCHNOP_send, ARG, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(hcall(d1, XEN_HC_event_channel_op, XEN_EVTCHNOP_init_control, ARG, 0),
                     -XEN_ENOSYS);
    ck_assert_uint_eq(d1->stats.hypercalls[XEN_HC_event_channel_op], 2);
    env_free(e);
}
END_TEST

START_TEST(test_grant_table_through_dispatcher)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    struct xen_gnttab_query_size q = {.dom = XEN_DOMID_SELF, .status = 99};
    put(d1, ARG, &q, sizeof(q));
    ck_assert_int_eq(hcall(d1, XEN_HC_grant_table_op, XEN_GNTTABOP_query_size, ARG, 1), 0);
    get(d1, ARG, &q, sizeof(q));
    ck_assert_int_eq(q.status, XEN_GNTST_okay);
    ck_assert_uint_eq(q.nr_frames, 0);
    ck_assert_uint_eq(q.max_nr_frames, 4);

    struct xen_gnttab_setup_table st = {.dom = XEN_DOMID_SELF, .nr_frames = 2,
                                        .frame_list = BUF, .status = 99};
    put(d1, ARG, &st, sizeof(st));
    ck_assert_int_eq(hcall(d1, XEN_HC_grant_table_op, XEN_GNTTABOP_setup_table, ARG, 1), 0);
    get(d1, ARG, &st, sizeof(st));
    ck_assert_int_eq(st.status, XEN_GNTST_okay);
    uint64_t frames[2];
    get(d1, BUF, frames, sizeof(frames));
    ck_assert_uint_eq(frames[0], GNT >> 12);
    ck_assert_uint_eq(frames[1], (GNT >> 12) + 1);
    ck_assert_uint_eq(d1->gnttab->nr_frames, 2);

    /* query_size/setup_table take exactly one element. */
    ck_assert_int_eq(hcall(d1, XEN_HC_grant_table_op, XEN_GNTTABOP_query_size, ARG, 2),
                     -XEN_EINVAL);
    /* The frame list outside RAM is a per-op status; the op itself outside
     * RAM is -EFAULT. */
    st.frame_list = UNMAPPED;
    put(d1, ARG, &st, sizeof(st));
    ck_assert_int_eq(hcall(d1, XEN_HC_grant_table_op, XEN_GNTTABOP_setup_table, ARG, 1), 0);
    get(d1, ARG, &st, sizeof(st));
    ck_assert_int_eq(st.status, XEN_GNTST_bad_virt_addr);
    ck_assert_int_eq(hcall(d1, XEN_HC_grant_table_op, XEN_GNTTABOP_cache_flush, ARG, 1),
                     -XEN_ENOSYS);
    ck_assert_int_eq(hcall(d1, XEN_HC_grant_table_op, 77, ARG, 1), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

START_TEST(test_long_batch_rewinds_pc)
{
    struct env *e = env_new();
    struct domain *dom0 = e->dom0;
    const uint32_t n = HV_GNTTAB_BATCH + 10, base = RAM + 0x20000u;
    struct xen_gnttab_copy *ops = calloc(n, sizeof(*ops));
    ck_assert_ptr_nonnull(ops);
    for (uint32_t i = 0; i < n; i++) {
        /* Zero-length copies between Dom0's own frames: always okay. */
        ops[i].source.domid = ops[i].dest.domid = XEN_DOMID_SELF;
        ops[i].source.u.gmfn = ops[i].dest.u.gmfn = RAM >> 12;
        ops[i].status = 99;
    }
    put(dom0, base, ops, n * sizeof(*ops));

    struct arm_cpu *cpu = load(dom0, 0, XEN_HC_grant_table_op, XEN_GNTTABOP_copy, base, n);
    ck_assert_int_eq(hv_hypercall(dom0, 0, cpu, XEN_HYPERCALL_TAG), HV_PREEMPTED);
    /* PC back on the HVC, arguments advanced past the batch, r0 kept. */
    ck_assert_uint_eq(cpu->r[15], PC_AFTER - 4);
    ck_assert_uint_eq(cpu->r[0], XEN_GNTTABOP_copy);
    ck_assert_uint_eq(cpu->r[1], base + HV_GNTTAB_BATCH * sizeof(*ops));
    ck_assert_uint_eq(cpu->r[2], 10);
    ck_assert_uint_eq(cpu->r[12], XEN_HC_grant_table_op);

    /* The guest re-executes the same HVC. */
    cpu->r[15] += 4;
    ck_assert_int_eq(hv_hypercall(dom0, 0, cpu, XEN_HYPERCALL_TAG), 0);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(cpu->r[15], PC_AFTER);
    get(dom0, base, ops, n * sizeof(*ops));
    for (uint32_t i = 0; i < n; i++)
        ck_assert_int_eq(ops[i].status, XEN_GNTST_okay);
    ck_assert_uint_eq(dom0->stats.hypercalls[XEN_HC_grant_table_op], 2);
    free(ops);
    env_free(e);
}
END_TEST

/* ---- sched_op ---- */

START_TEST(test_sched_shutdown)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    struct xen_sched_shutdown s = {.reason = 9};
    put(d1, ARG, &s, sizeof(s));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_shutdown, ARG, 0), -XEN_EINVAL);
    ck_assert_uint_eq(e->shutdowns, 0);

    s.reason = XEN_SHUTDOWN_crash;
    put(d1, ARG, &s, sizeof(s));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_shutdown, ARG, 0), 0);
    ck_assert_int_eq(d1->state, HV_DOMAIN_SHUTDOWN);
    ck_assert_uint_eq(d1->shutdown_reason, XEN_SHUTDOWN_crash);
    ck_assert_uint_eq(e->shutdowns, 1);
    ck_assert_ptr_eq(e->shutdown_domain, d1);
    ck_assert_uint_eq(e->shutdown_reason, XEN_SHUTDOWN_crash);
    /* Once only. */
    s.reason = XEN_SHUTDOWN_poweroff;
    put(d1, ARG, &s, sizeof(s));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_shutdown, ARG, 0), 0);
    ck_assert_uint_eq(e->shutdowns, 1);
    ck_assert_uint_eq(d1->shutdown_reason, XEN_SHUTDOWN_crash);

    /* remote_shutdown: Dom0 only. */
    struct xen_sched_remote_shutdown r = {.domain_id = 2, .reason = XEN_SHUTDOWN_reboot};
    put(d1, ARG, &r, sizeof(r));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_remote_shutdown, ARG, 0),
                     -XEN_EPERM);
    r.domain_id = XEN_DOMID_SELF;
    put(e->d2, ARG, &r, sizeof(r));
    ck_assert_int_eq(hcall(e->d2, XEN_HC_sched_op, XEN_SCHEDOP_remote_shutdown, ARG, 0),
                     -XEN_EPERM);
    ck_assert_int_ne(e->d2->state, HV_DOMAIN_SHUTDOWN);
    r.domain_id = 77;
    put(e->dom0, ARG, &r, sizeof(r));
    ck_assert_int_eq(hcall(e->dom0, XEN_HC_sched_op, XEN_SCHEDOP_remote_shutdown, ARG, 0),
                     -XEN_ESRCH);
    r.domain_id = 2;
    put(e->dom0, ARG, &r, sizeof(r));
    ck_assert_int_eq(hcall(e->dom0, XEN_HC_sched_op, XEN_SCHEDOP_remote_shutdown, ARG, 0), 0);
    ck_assert_int_eq(e->d2->state, HV_DOMAIN_SHUTDOWN);
    ck_assert_uint_eq(e->d2->shutdown_reason, XEN_SHUTDOWN_reboot);
    ck_assert_uint_eq(e->shutdowns, 2);
    ck_assert_int_eq(hcall(e->dom0, XEN_HC_sched_op, XEN_SCHEDOP_watchdog, ARG, 0),
                     -XEN_ENOSYS);
    ck_assert_int_eq(hcall(e->dom0, XEN_HC_sched_op, 100, ARG, 0), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

START_TEST(test_sched_yield_block_poll)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_yield, 0, 0), 0);
    ck_assert_uint_eq(e->yields, 1);

    ck_assert_int_eq(hcall_v(d1, 1, XEN_HC_sched_op, XEN_SCHEDOP_block, 0, 0), 0);
    ck_assert(d1->vcpu[1].blocked);
    ck_assert(!d1->vcpu[0].blocked);
    ck_assert_uint_eq(e->blocks, 1);

    /* With an event already waiting, block returns at once. */
    struct xen_evtchn_alloc_unbound au = {.dom = XEN_DOMID_SELF, .remote_dom = 1};
    ck_assert_int_eq(hv_evtchn_alloc_unbound(d1, &au), 0);
    ck_assert_int_eq(hv_evtchn_set_pending(d1, au.port), 0);
    ck_assert(hv_evtchn_vcpu_info(d1, 0)->evtchn_upcall_pending);
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_block, 0, 0), 0);
    ck_assert(!d1->vcpu[0].blocked);
    ck_assert_uint_eq(e->blocks, 1);

    /* poll: returns at once if a polled port is pending, else blocks. */
    uint32_t ports[2] = {au.port, 7};
    put(d1, BUF, ports, sizeof(ports));
    struct xen_sched_poll p = {.ports = BUF, .nr_ports = 2, .timeout = 0};
    put(d1, ARG, &p, sizeof(p));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_poll, ARG, 0), 0);
    ck_assert(!d1->vcpu[0].blocked);
    ck_assert_uint_eq(e->blocks, 1);
    hv_evtchn_vcpu_info(d1, 0)->evtchn_upcall_pending = 0;
    p.nr_ports = 1;
    ports[0] = 7;
    put(d1, BUF, ports, sizeof(ports));
    put(d1, ARG, &p, sizeof(p));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_poll, ARG, 0), 0);
    ck_assert(d1->vcpu[0].blocked);
    ck_assert_uint_eq(e->blocks, 2);
    /* Bad port numbers and counts. */
    ports[0] = XEN_EVTCHN_2L_NR_CHANNELS;
    put(d1, BUF, ports, sizeof(ports));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_poll, ARG, 0), -XEN_EINVAL);
    p.nr_ports = XEN_SCHED_POLL_MAX_PORTS + 1;
    put(d1, ARG, &p, sizeof(p));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_poll, ARG, 0), -XEN_EINVAL);
    p.nr_ports = 0;
    put(d1, ARG, &p, sizeof(p));
    ck_assert_int_eq(hcall(d1, XEN_HC_sched_op, XEN_SCHEDOP_poll, ARG, 0), 0);
    env_free(e);
}
END_TEST

/* ---- console_io and vm_assist ---- */

START_TEST(test_console_io)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    put(d1, BUF, "hello, xen\n", 11);
    ck_assert_int_eq(hcall(d1, XEN_HC_console_io, XEN_CONSOLEIO_write, 11, BUF), 0);
    ck_assert_uint_eq(e->written_len, 11);
    ck_assert_mem_eq(e->written, "hello, xen\n", 11);
    /* ... and it is in d1's history for the toolstack. */
    char hist[32];
    uint64_t off = 0;
    ck_assert_uint_eq(hv_console_history_read(d1, &off, hist, sizeof(hist)), 11);
    ck_assert_mem_eq(hist, "hello, xen\n", 11);
    ck_assert_int_eq(hcall(d1, XEN_HC_console_io, XEN_CONSOLEIO_write, 0, UNMAPPED), 0);
    ck_assert_int_eq(hcall(d1, XEN_HC_console_io, XEN_CONSOLEIO_write, 8, ACROSS_END),
                     -XEN_EFAULT);
    ck_assert_uint_eq(e->written_len, 11);

    /* A write longer than a chunk re-executes the HVC with the rest. */
    char big[6000];
    for (unsigned i = 0; i < sizeof(big); i++)
        big[i] = (char)('a' + i % 26);
    put(d1, RAM + 0x30000u, big, sizeof(big));
    struct arm_cpu *cpu = load(d1, 0, XEN_HC_console_io, XEN_CONSOLEIO_write, sizeof(big),
                               RAM + 0x30000u);
    ck_assert_int_eq(hv_hypercall(d1, 0, cpu, XEN_HYPERCALL_TAG), HV_PREEMPTED);
    ck_assert_uint_eq(cpu->r[15], PC_AFTER - 4);
    ck_assert_uint_eq(cpu->r[0], XEN_CONSOLEIO_write);
    ck_assert_uint_eq(cpu->r[1], sizeof(big) - HV_CONSOLE_IO_CHUNK);
    ck_assert_uint_eq(cpu->r[2], RAM + 0x30000u + HV_CONSOLE_IO_CHUNK);
    cpu->r[15] += 4;
    ck_assert_int_eq(hv_hypercall(d1, 0, cpu, XEN_HYPERCALL_TAG), 0);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(e->written_len, 11 + sizeof(big));
    ck_assert_mem_eq(e->written + 11, big, sizeof(big));

    /* Reading: a DomU gets nothing; Dom0 gets the callback's input. */
    e->read_data = "ls\r";
    ck_assert_int_eq(hcall(d1, XEN_HC_console_io, XEN_CONSOLEIO_read, 16, BUF), 0);
    ck_assert_uint_eq(e->reads, 0);
    char in[16] = {0};
    ck_assert_int_eq(hcall(dom0, XEN_HC_console_io, XEN_CONSOLEIO_read, 16, BUF), 3);
    get(dom0, BUF, in, sizeof(in));
    ck_assert_mem_eq(in, "ls\r", 3);
    ck_assert_int_eq(hcall(dom0, XEN_HC_console_io, XEN_CONSOLEIO_read, 2, BUF), 2);
    /* A bad buffer is refused before any input is taken. */
    unsigned reads = e->reads;
    ck_assert_int_eq(hcall(dom0, XEN_HC_console_io, XEN_CONSOLEIO_read, 16, UNMAPPED),
                     -XEN_EFAULT);
    ck_assert_uint_eq(e->reads, reads);
    ck_assert_int_eq(hcall(dom0, XEN_HC_console_io, 2, 16, BUF), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

START_TEST(test_vm_assist)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    ck_assert_int_eq(hcall(d1, XEN_HC_vm_assist, XEN_VMASST_CMD_enable,
                           XEN_VMASST_TYPE_runstate_update_flag, 0), 0);
    ck_assert_uint_eq(d1->vm_assist, 1u << XEN_VMASST_TYPE_runstate_update_flag);
    ck_assert_int_eq(hcall(d1, XEN_HC_vm_assist, XEN_VMASST_CMD_disable,
                           XEN_VMASST_TYPE_runstate_update_flag, 0), 0);
    ck_assert_uint_eq(d1->vm_assist, 0);
    ck_assert_int_eq(hcall(d1, XEN_HC_vm_assist, XEN_VMASST_CMD_enable, 1, 0), -XEN_EINVAL);
    ck_assert_int_eq(hcall(d1, XEN_HC_vm_assist, XEN_VMASST_CMD_enable, 99, 0), -XEN_EINVAL);
    ck_assert_int_eq(hcall(d1, XEN_HC_vm_assist, 5, 5, 0), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

/* ---- domctl ---- */

START_TEST(test_domctl_privilege_and_header)
{
    struct env *e = env_new();
    struct armhv_domctl op = domctl_op(ARMHV_DOMCTL_pause, 2);
    /* A DomU: -EPERM whatever it passes, even an unreadable pointer. */
    ck_assert_int_eq(domctl(e->d1, &op), -XEN_EPERM);
    ck_assert_int_eq(hcall(e->d1, XEN_HC_domctl, UNMAPPED, 0, 0), -XEN_EPERM);
    ck_assert_uint_eq(e->d2->pause_count, 1);       /* created paused, untouched */
    op = domctl_op(ARMHV_DOMCTL_getinfo, 0);
    ck_assert_int_eq(domctl(e->d2, &op), -XEN_EPERM);
    ck_assert_uint_eq(op.u.getinfo.domid, 0);       /* nothing written back */

    ck_assert_int_eq(hcall(e->dom0, XEN_HC_domctl, UNMAPPED, 0, 0), -XEN_EFAULT);
    ck_assert_int_eq(hcall(e->dom0, XEN_HC_domctl, ACROSS_END, 0, 0), -XEN_EFAULT);
    op.interface_version = 0x41480000u;
    ck_assert_int_eq(domctl(e->dom0, &op), -XEN_EACCES);
    op = domctl_op(0, 0);
    ck_assert_int_eq(domctl(e->dom0, &op), -XEN_ENOSYS);
    op = domctl_op(99, 0);
    ck_assert_int_eq(domctl(e->dom0, &op), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

START_TEST(test_domctl_getinfo_iterates)
{
    struct env *e = env_new();
    struct domain *dom0 = e->dom0;
    hv_domain_unpause(dom0);
    e->d1->stats.instructions = 12345;
    e->d1->stats.world_switches = 7;
    hcall(e->d1, XEN_HC_xen_version, 0, 0, 0);
    hcall(e->d1, 99, 0, 0, 0);
    hv_domain_shutdown(e->d2, XEN_SHUTDOWN_poweroff);

    uint16_t seen[8];
    unsigned n = 0;
    struct armhv_domctl op = domctl_op(ARMHV_DOMCTL_getinfo, 0);
    while (domctl(dom0, &op) == 0) {
        ck_assert_uint_lt(n, 8);
        struct armhv_domctl_getinfo *gi = &op.u.getinfo;
        seen[n++] = gi->domid;
        ck_assert_uint_eq(gi->memory_kb, RAM_SIZE / 1024);
        if (gi->domid == 0) {
            ck_assert_str_eq(gi->name, "dom0");
            ck_assert_uint_eq(gi->state, ARMHV_DOMSTATE_running);
            ck_assert_uint_eq(gi->flags, ARMHV_DOMINFO_privileged);
        } else if (gi->domid == 1) {
            ck_assert_str_eq(gi->name, "guest1");
            ck_assert_uint_eq(gi->state, ARMHV_DOMSTATE_paused);
            ck_assert_uint_eq(gi->flags, ARMHV_DOMINFO_paused);
            ck_assert_uint_eq(gi->nr_vcpus, 2);
            ck_assert_uint_eq(gi->max_vcpus, 2);
            ck_assert_uint_eq(gi->instructions, 12345);
            ck_assert_uint_eq(gi->hypercalls, 2);
            ck_assert_uint_eq(gi->world_switches, 7);
        } else {
            ck_assert_uint_eq(gi->state, ARMHV_DOMSTATE_shutdown);
            ck_assert(gi->flags & ARMHV_DOMINFO_shutdown);
            ck_assert_uint_eq(gi->shutdown_reason, XEN_SHUTDOWN_poweroff);
        }
        /* The header's domid is the caller's cursor: left as passed. */
        ck_assert_uint_eq(op.domid, n == 1 ? 0 : seen[n - 2] + 1);
        op = domctl_op(ARMHV_DOMCTL_getinfo, (uint16_t)(gi->domid + 1));
    }
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(seen[0], 0);
    ck_assert_uint_eq(seen[1], 1);
    ck_assert_uint_eq(seen[2], 2);
    op = domctl_op(ARMHV_DOMCTL_getinfo, 3);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ESRCH);
    /* A gap in the ids is skipped. */
    op = domctl_op(ARMHV_DOMCTL_destroy, 1);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    op = domctl_op(ARMHV_DOMCTL_getinfo, 1);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(op.u.getinfo.domid, 2);
    env_free(e);
}
END_TEST

START_TEST(test_domctl_pause_unpause_destroy)
{
    struct env *e = env_new();
    struct domain *dom0 = e->dom0, *d1 = e->d1;
    /* Created paused; the first unpause lets it run. */
    struct armhv_domctl op = domctl_op(ARMHV_DOMCTL_unpause, 1);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_int_eq(d1->state, HV_DOMAIN_RUNNING);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EINVAL);   /* not paused */
    op = domctl_op(ARMHV_DOMCTL_pause, 1);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_int_eq(d1->state, HV_DOMAIN_PAUSED);
    ck_assert(!hv_domain_runnable(d1));
    op = domctl_op(ARMHV_DOMCTL_unpause, 1);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert(hv_domain_runnable(d1));

    /* Not on itself, not on nobody. */
    op = domctl_op(ARMHV_DOMCTL_pause, 0);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EINVAL);
    op = domctl_op(ARMHV_DOMCTL_pause, XEN_DOMID_SELF);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ESRCH);
    op = domctl_op(ARMHV_DOMCTL_destroy, 0);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EINVAL);
    op = domctl_op(ARMHV_DOMCTL_unpause, 77);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ESRCH);

    /* destroy goes through the platform's callback. */
    op = domctl_op(ARMHV_DOMCTL_destroy, 2);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(e->destroys, 1);
    ck_assert_ptr_null(hv_domain_by_id(&e->hv, 2));
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ESRCH);
    /* ... or straight to hv_domain_destroy without one. */
    e->hv.toolstack_destroy = NULL;
    op = domctl_op(ARMHV_DOMCTL_destroy, 1);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_ptr_null(hv_domain_by_id(&e->hv, 1));
    ck_assert_uint_eq(e->destroys, 1);
    env_free(e);
}
END_TEST

START_TEST(test_domctl_create)
{
    struct env *e = env_new();
    struct domain *dom0 = e->dom0;
    struct armhv_domctl op = domctl_op(ARMHV_DOMCTL_create, 0);
    strcpy(op.u.create.name, "guest3");
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(op.u.create.domid, 3);
    ck_assert_ptr_nonnull(hv_domain_by_id(&e->hv, 3));
    ck_assert_str_eq(hv_domain_by_id(&e->hv, 3)->name, "guest3");

    /* The builder's own errors come back as they are. */
    op = domctl_op(ARMHV_DOMCTL_create, 0);
    strcpy(op.u.create.name, "nosuch");
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ENOENT);
    ck_assert_uint_eq(op.u.create.domid, 0);
    /* Names: empty, or not terminated within 32 bytes. */
    unsigned creates = e->creates;
    op = domctl_op(ARMHV_DOMCTL_create, 0);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EINVAL);
    memset(op.u.create.name, 'a', sizeof(op.u.create.name));
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EINVAL);
    ck_assert_uint_eq(e->creates, creates);
    /* No builder at all. */
    e->hv.toolstack_create = NULL;
    op = domctl_op(ARMHV_DOMCTL_create, 0);
    strcpy(op.u.create.name, "guest3");
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

START_TEST(test_domctl_console)
{
    struct env *e = env_new();
    struct domain *dom0 = e->dom0, *d1 = e->d1;
    put(d1, BUF, "boot ok\n", 8);
    ck_assert_int_eq(hcall(d1, XEN_HC_console_io, XEN_CONSOLEIO_write, 8, BUF), 0);

    struct armhv_domctl op = domctl_op(ARMHV_DOMCTL_console_read, 1);
    op.u.console_read.offset = 0;
    op.u.console_read.buffer = 0xFFFFFFFF00000000ull | BUF;    /* upper half ignored */
    op.u.console_read.len = 5;
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(op.u.console_read.bytes, 5);
    ck_assert_uint_eq(op.u.console_read.offset, 5);
    char got[16] = {0};
    get(dom0, BUF, got, 5);
    ck_assert_mem_eq(got, "boot ", 5);
    op.u.console_read.len = 100;
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(op.u.console_read.bytes, 3);
    ck_assert_uint_eq(op.u.console_read.offset, 8);
    get(dom0, BUF, got, 3);
    ck_assert_mem_eq(got, "ok\n", 3);
    /* "From now": an offset past the end gives nothing and the total. */
    op.u.console_read.offset = ~0ull;
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(op.u.console_read.bytes, 0);
    ck_assert_uint_eq(op.u.console_read.offset, 8);
    op.u.console_read.offset = 0, op.u.console_read.buffer = UNMAPPED;
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EFAULT);
    op = domctl_op(ARMHV_DOMCTL_console_read, 77);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ESRCH);

    /* console_write: into d1's PV console input ring. */
    op = domctl_op(ARMHV_DOMCTL_console_write, 1);
    op.u.console_write.buffer = BUF;
    op.u.console_write.len = 4;
    put(dom0, BUF, "abc\n", 4);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ENODEV);   /* no ring yet */
    int port = hv_console_attach(d1, CONS_GPA, 0);
    ck_assert_int_gt(port, 0);
    ck_assert_int_eq(domctl(dom0, &op), 0);
    ck_assert_uint_eq(op.u.console_write.bytes, 4);
    struct xencons_interface ring;
    ck_assert_int_eq(hv_gpa_read(d1, CONS_GPA, &ring, sizeof(ring)), 0);
    ck_assert_uint_eq(ring.in_prod, 4);
    ck_assert_mem_eq(ring.in, "abc\n", 4);
    ck_assert(hv_evtchn_is_pending(d1, (uint32_t)port));
    op.u.console_write.buffer = UNMAPPED;
    ck_assert_int_eq(domctl(dom0, &op), -XEN_EFAULT);
    op = domctl_op(ARMHV_DOMCTL_console_write, 0);
    ck_assert_int_eq(domctl(dom0, &op), -XEN_ENODEV);   /* Dom0 has none */
    env_free(e);
}
END_TEST

/* ---- PSCI on HVC #0 ---- */

START_TEST(test_psci)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0), 2);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
    ck_assert_int_eq(psci(d1, PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN_CPU_ON, 0, 0), 0);
    ck_assert_int_eq(psci(d1, PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN_CPU_SUSPEND, 0, 0), -1);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_AFFINITY_INFO, 1, 0, 0), PSCI_AFFINITY_OFF);

    /* CPU_ON: vCPU 1 (MPIDR Aff0 = 1) at an entry with a context. */
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_ON, 1, 0x40008000u, 0x1234), 0);
    ck_assert_uint_eq(e->cpu_ons, 1);
    ck_assert_uint_eq(e->on_entry, 0x40008000u);
    ck_assert_uint_eq(e->on_context, 0x1234);
    ck_assert(d1->vcpu[1].online);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_AFFINITY_INFO, 1, 0, 0), PSCI_AFFINITY_ON);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_ON, 1, 0x40008000u, 0), PSCI_ALREADY_ON);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_ON, 0x80000000u, 0, 0), PSCI_ALREADY_ON);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_ON, 2, 0, 0), PSCI_INVALID_PARAMS);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_ON, 0x101, 0, 0), PSCI_INVALID_PARAMS);
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_AFFINITY_INFO, 1, 1, 0), PSCI_INVALID_PARAMS);
    ck_assert_uint_eq(e->cpu_ons, 1);
    /* A failing platform leaves the vCPU off. */
    e->cpu_on_status = PSCI_INTERNAL_FAILURE;
    d1->vcpu[1].online = false;
    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_ON, 1, 0, 0), PSCI_INTERNAL_FAILURE);
    ck_assert(!d1->vcpu[1].online);

    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_CPU_OFF, 0, 0, 0), PSCI_NOT_SUPPORTED);
    ck_assert_int_eq(psci(d1, 0x80000000u, 0, 0, 0), PSCI_NOT_SUPPORTED);  /* SMCCC_VERSION */
    ck_assert_int_eq(psci(d1, 0xC4000003u, 0, 0, 0), PSCI_NOT_SUPPORTED);  /* CPU_ON64 */
    ck_assert_uint_eq(d1->stats.psci_calls, 16);
    ck_assert_uint_eq(d1->stats.hypercalls[0], 0);      /* not counted as Xen calls */

    ck_assert_int_eq(psci(d1, PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0), 0);
    ck_assert_int_eq(d1->state, HV_DOMAIN_SHUTDOWN);
    ck_assert_uint_eq(d1->shutdown_reason, XEN_SHUTDOWN_poweroff);
    ck_assert_int_eq(psci(e->d2, PSCI_0_2_FN_SYSTEM_RESET, 0, 0, 0), 0);
    ck_assert_uint_eq(e->d2->shutdown_reason, XEN_SHUTDOWN_reboot);
    ck_assert_uint_eq(e->shutdowns, 2);
    env_free(e);
}
END_TEST

/* ---- every pointer, outside RAM ---- */

struct pointer_case {
    const char *what;
    uint32_t nr, a0, a1, a2;    /* BAD in a field marks the pointer */
    bool dom0;
};

#define BAD 0xBADBAD00u

START_TEST(test_every_pointer_faults)
{
    static const struct pointer_case cases[] = {
        {"xen_version extraversion", XEN_HC_xen_version, XEN_XENVER_extraversion, BAD, 0, 0},
        {"xen_version compile_info", XEN_HC_xen_version, XEN_XENVER_compile_info, BAD, 0, 0},
        {"xen_version capabilities", XEN_HC_xen_version, XEN_XENVER_capabilities, BAD, 0, 0},
        {"xen_version changeset", XEN_HC_xen_version, XEN_XENVER_changeset, BAD, 0, 0},
        {"xen_version platform_parameters", XEN_HC_xen_version,
         XEN_XENVER_platform_parameters, BAD, 0, 0},
        {"xen_version get_features", XEN_HC_xen_version, XEN_XENVER_get_features, BAD, 0, 0},
        {"xen_version guest_handle", XEN_HC_xen_version, XEN_XENVER_guest_handle, BAD, 0, 0},
        {"memory_op add_to_physmap", XEN_HC_memory_op, XEN_XENMEM_add_to_physmap, BAD, 0, 0},
        {"vcpu_op register_vcpu_info", XEN_HC_vcpu_op, XEN_VCPUOP_register_vcpu_info, 0, BAD,
         0},
        {"vcpu_op register_runstate", XEN_HC_vcpu_op,
         XEN_VCPUOP_register_runstate_memory_area, 0, BAD, 0},
        {"hvm_op get_param", XEN_HC_hvm_op, XEN_HVMOP_get_param, BAD, 0, 0},
        {"hvm_op set_param", XEN_HC_hvm_op, XEN_HVMOP_set_param, BAD, 0, 0},
        {"evtchn alloc_unbound", XEN_HC_event_channel_op, XEN_EVTCHNOP_alloc_unbound, BAD, 0,
         0},
        {"evtchn bind_interdomain", XEN_HC_event_channel_op, XEN_EVTCHNOP_bind_interdomain,
         BAD, 0, 0},
        {"evtchn bind_virq", XEN_HC_event_channel_op, XEN_EVTCHNOP_bind_virq, BAD, 0, 0},
        {"evtchn close", XEN_HC_event_channel_op, XEN_EVTCHNOP_close, BAD, 0, 0},
        {"evtchn send", XEN_HC_event_channel_op, XEN_EVTCHNOP_send, BAD, 0, 0},
        {"evtchn status", XEN_HC_event_channel_op, XEN_EVTCHNOP_status, BAD, 0, 0},
        {"evtchn bind_vcpu", XEN_HC_event_channel_op, XEN_EVTCHNOP_bind_vcpu, BAD, 0, 0},
        {"evtchn unmask", XEN_HC_event_channel_op, XEN_EVTCHNOP_unmask, BAD, 0, 0},
        {"gnttab map", XEN_HC_grant_table_op, XEN_GNTTABOP_map_grant_ref, BAD, 1, false},
        {"gnttab unmap", XEN_HC_grant_table_op, XEN_GNTTABOP_unmap_grant_ref, BAD, 1, false},
        {"gnttab copy", XEN_HC_grant_table_op, XEN_GNTTABOP_copy, BAD, 1, false},
        {"gnttab setup_table", XEN_HC_grant_table_op, XEN_GNTTABOP_setup_table, BAD, 1, false},
        {"gnttab query_size", XEN_HC_grant_table_op, XEN_GNTTABOP_query_size, BAD, 1, false},
        {"gnttab set_version", XEN_HC_grant_table_op, XEN_GNTTABOP_set_version, BAD, 1, false},
        {"sched_op shutdown", XEN_HC_sched_op, XEN_SCHEDOP_shutdown, BAD, 0, 0},
        {"sched_op poll", XEN_HC_sched_op, XEN_SCHEDOP_poll, BAD, 0, 0},
        {"sched_op remote_shutdown", XEN_HC_sched_op, XEN_SCHEDOP_remote_shutdown, BAD, 0, 0},
        {"console_io write", XEN_HC_console_io, XEN_CONSOLEIO_write, 16, BAD, 0},
        {"console_io read (Dom0)", XEN_HC_console_io, XEN_CONSOLEIO_read, 16, BAD, true},
        {"domctl (Dom0)", XEN_HC_domctl, BAD, 0, 0, true},
    };
    const uint32_t bad_pointers[] = {UNMAPPED, ACROSS_END, 0xFFFFFFF8u, GNT - 8};
    for (unsigned p = 0; p < sizeof(bad_pointers) / sizeof(bad_pointers[0]); p++) {
        struct env *e = env_new();
        for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            const struct pointer_case *c = &cases[i];
            uint32_t a[3] = {c->a0, c->a1, c->a2};
            for (unsigned k = 0; k < 3; k++)
                if (a[k] == BAD)
                    a[k] = bad_pointers[p];
            struct domain *d = c->dom0 ? e->dom0 : e->d1;
            int32_t rc = hcall(d, c->nr, a[0], a[1], a[2]);
            ck_assert_msg(rc == -XEN_EFAULT, "%s with pointer 0x%08x: %d, not -EFAULT",
                          c->what, bad_pointers[p], rc);
        }
        /* None of it changed anything. */
        ck_assert_int_eq(e->d1->state, HV_DOMAIN_PAUSED);
        ck_assert(!e->d1->shared_info_mapped);
        ck_assert(!e->d1->vcpu[0].vcpu_info_registered);
        ck_assert_uint_eq(e->d1->evtchn->used, 1);
        ck_assert_uint_eq(e->written_len, 0);
        env_free(e);
    }
}
END_TEST

/* ---- real HVC instructions through the CPU model ---- */

/* What the platform's hook does: find the domain and vCPU, dispatch. */
static int hvc_hook(struct arm_cpu *cpu, uint32_t imm)
{
    struct domain *d = cpu->hvc_opaque;
    return hv_hypercall(d, (unsigned)hv_domain_vcpu_index(d, cpu), cpu, imm);
}

/* Runs one instruction at a time until the PC reaches stop (at most n). */
static unsigned run_until(struct arm_cpu *cpu, uint32_t stop, unsigned n)
{
    unsigned runs = 0;
    while (cpu->r[15] != stop && runs < n) {
        cpu_run(cpu, 1);
        runs++;
    }
    return runs;
}

START_TEST(test_guest_hvc_end_to_end)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    struct arm_cpu *cpu = hv_domain_vcpu(d1, 0);
    cpu->hvc_hook = hvc_hook;
    cpu->hvc_opaque = d1;
    const uint32_t code = RAM + 0x8000u, text = RAM + 0x30000u;

    /* ARM: hvc #0xea1; b . -- a console write long enough to be preempted
     * once: the CPU runs the same HVC twice and then moves on. */
    const uint32_t arm[] = {0xE140EA71u, 0xEAFFFFFEu};
    put(d1, code, arm, sizeof(arm));
    char msg[HV_CONSOLE_IO_CHUNK + 100];
    for (unsigned i = 0; i < sizeof(msg); i++)
        msg[i] = (char)('0' + i % 10);
    put(d1, text, msg, sizeof(msg));
    cpu->r[12] = XEN_HC_console_io;
    cpu->r[0] = XEN_CONSOLEIO_write, cpu->r[1] = sizeof(msg), cpu->r[2] = text;
    cpu->r[15] = code;
    ck_assert_uint_le(run_until(cpu, code + 4, 10), 10);
    ck_assert_uint_eq(cpu->r[15], code + 4);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(e->written_len, sizeof(msg));
    ck_assert_mem_eq(e->written, msg, sizeof(msg));
    ck_assert_uint_eq(d1->stats.hypercalls[XEN_HC_console_io], 2);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_SVC);

    /* HVC #0 from ARM state: PSCI. */
    const uint32_t smccc[] = {0xE1400070u, 0xEAFFFFFEu};
    put(d1, code + 0x100, smccc, sizeof(smccc));
    cpu->r[0] = PSCI_0_2_FN_PSCI_VERSION;
    cpu->r[15] = code + 0x100;
    run_until(cpu, code + 0x104, 4);
    ck_assert_uint_eq(cpu->r[15], code + 0x104);
    ck_assert_uint_eq(cpu->r[0], PSCI_VERSION_0_2);

    /* Thumb-2: hvc #0xea1 is F7E0 8EA1. */
    const uint16_t thumb[] = {0xF7E0, 0x8EA1, 0xE7FE};
    put(d1, code + 0x200, thumb, sizeof(thumb));
    cpu->thumb = 1;
    cpu->r[12] = XEN_HC_xen_version, cpu->r[0] = XEN_XENVER_version;
    cpu->r[15] = code + 0x200;
    run_until(cpu, code + 0x204, 4);
    ck_assert_uint_eq(cpu->r[15], code + 0x204);
    ck_assert_uint_eq(cpu->r[0], 0x00040011);
    cpu->thumb = 0;

    /* hvc #0x1234: not ours, the guest takes an Undefined Instruction. */
    const uint32_t other[] = {0xE1412374u};
    put(d1, code + 0x300, other, sizeof(other));
    cpu->r[0] = 0x5555;
    cpu->r[15] = code + 0x300;
    cpu_run(cpu, 1);
    ck_assert_uint_eq(cpu_mode(cpu), MODE_UND);
    ck_assert_uint_eq(cpu->r[14], code + 0x304);
    ck_assert_uint_eq(cpu->r[0], 0x5555);
    env_free(e);
}
END_TEST

Suite *hypercall_suite(void)
{
    Suite *s = suite_create("hypercall");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_xen_version);
    tcase_add_test(tc, test_unknown_numbers_and_immediates);
    tcase_add_test(tc, test_add_to_physmap);
    tcase_add_test(tc, test_vcpu_op);
    tcase_add_test(tc, test_hvm_params);
    tcase_add_test(tc, test_event_channels_through_dispatcher);
    tcase_add_test(tc, test_grant_table_through_dispatcher);
    tcase_add_test(tc, test_long_batch_rewinds_pc);
    tcase_add_test(tc, test_sched_shutdown);
    tcase_add_test(tc, test_sched_yield_block_poll);
    tcase_add_test(tc, test_console_io);
    tcase_add_test(tc, test_vm_assist);
    tcase_add_test(tc, test_domctl_privilege_and_header);
    tcase_add_test(tc, test_domctl_getinfo_iterates);
    tcase_add_test(tc, test_domctl_pause_unpause_destroy);
    tcase_add_test(tc, test_domctl_create);
    tcase_add_test(tc, test_domctl_console);
    tcase_add_test(tc, test_psci);
    tcase_add_test(tc, test_every_pointer_faults);
    tcase_add_test(tc, test_guest_hvc_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}
