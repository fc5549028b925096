/*
 * Event channels, 2-level ABI (hv/evtchn.c).
 *
 * Three domains (Dom0 privileged, two DomUs with two vCPUs each) exercise
 * the port state machine (free -> unbound -> interdomain -> closed, the
 * peer reverting to unbound), sends between domains, the exact 2-level
 * bits (port p is bit p%64 of 64-bit word p/64 of evtchn_pending, word
 * p/64 is bit p/64 of the selector), the upcall raised only on the 0->1
 * edge of evtchn_upcall_pending, masking with re-delivery on unmask,
 * bind_vcpu moving delivery to another vcpu_info, VIRQs, hypervisor
 * service ports, shared_info/vcpu_info registration, and the errors a
 * hostile guest gets for unbound, foreign and out-of-range ports.
 *
 * A lost or duplicated bit here is a guest that hangs waiting for its
 * console or xenstore (ABI doc 4.11: "EVTCHNOP_unmask fails: random
 * hangs"), so the bits are checked word by word, not just "pending".
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/guest_mem.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM 0x40000000u
#define RAM_SIZE 0x100000u
#define SHINFO_GPA (RAM + 0x10000u)
#define ARG (RAM + 0x3000u)         /* hypercall argument buffer */

struct env {
    struct hv hv;
    struct domain *dom0, *d1, *d2;
    struct arm_cpu cpu[5];
    struct mmu_context mmu[5];
    unsigned ncpu;
    unsigned upcalls[4][HV_MAX_VCPUS];      /* by domid, vcpu */
    unsigned service_calls;
    uint32_t service_port;
};

static void raise_upcall(struct domain *d, unsigned vcpu)
{
    struct env *e = d->hv->opaque;
    e->upcalls[d->domid][vcpu]++;
}

static struct domain *make_domain(struct env *e, const char *name, int domid, bool priv,
                                  unsigned ncpu)
{
    struct hv_domain_config cfg = {
        .name = name, .domid = domid, .privileged = priv, .ram_base = RAM,
        .ram_size = RAM_SIZE, .max_vcpus = ncpu,
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
    e->hv.raise_upcall = raise_upcall;
    e->hv.opaque = e;
    e->dom0 = make_domain(e, "dom0", 0, true, 1);
    e->d1 = make_domain(e, "guest1", -1, false, 2);
    e->d2 = make_domain(e, "guest2", -1, false, 2);
    ck_assert_uint_eq(e->d1->domid, 1);
    ck_assert_uint_eq(e->d2->domid, 2);
    return e;
}

static void env_free(struct env *e)
{
    hv_destroy(&e->hv);
    free(e);
}

static struct xen_shared_info *sh(struct domain *d)
{
    struct xen_shared_info *s = hv_evtchn_shared_info(d);
    ck_assert_ptr_nonnull(s);
    return s;
}

static struct xen_vcpu_info *vi(struct domain *d, unsigned vcpu)
{
    struct xen_vcpu_info *v = hv_evtchn_vcpu_info(d, vcpu);
    ck_assert_ptr_nonnull(v);
    return v;
}

/* The guest's side of the upcall handler: take everything, as Linux does. */
static void guest_ack_all(struct domain *d, unsigned vcpu)
{
    vi(d, vcpu)->evtchn_upcall_pending = 0;
    vi(d, vcpu)->evtchn_pending_sel = 0;
    memset(sh(d)->evtchn_pending, 0, sizeof(sh(d)->evtchn_pending));
}

static uint32_t alloc_unbound(struct domain *d, uint16_t dom, uint16_t remote)
{
    struct xen_evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
    ck_assert_int_eq(hv_evtchn_alloc_unbound(d, &op), 0);
    return op.port;
}

static uint32_t bind_interdomain(struct domain *d, uint16_t remote, uint32_t rport)
{
    struct xen_evtchn_bind_interdomain op = { .remote_dom = remote, .remote_port = rport };
    ck_assert_int_eq(hv_evtchn_bind_interdomain(d, &op), 0);
    return op.local_port;
}

static struct xen_evtchn_status status_of(struct domain *d, uint16_t dom, uint32_t port)
{
    struct xen_evtchn_status op = { .dom = dom, .port = port };
    ck_assert_int_eq(hv_evtchn_status(d, &op), 0);
    return op;
}

/* A frontend in d1 and its back-end in dom0, connected; returns the ports. */
static void connect(struct env *e, uint32_t *fe_port, uint32_t *be_port)
{
    *fe_port = alloc_unbound(e->d1, XEN_DOMID_SELF, 0);
    *be_port = bind_interdomain(e->dom0, 1, *fe_port);
    guest_ack_all(e->dom0, 0);      /* bind_interdomain marks the new port */
}

START_TEST(test_port_state_machine)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;

    /* Port 0 is reserved; allocation starts at 1. */
    struct xen_evtchn_status st = status_of(d1, XEN_DOMID_SELF, 0);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_closed);
    uint32_t p = alloc_unbound(d1, XEN_DOMID_SELF, 0);
    ck_assert_uint_eq(p, 1);
    st = status_of(d1, XEN_DOMID_SELF, p);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 0);
    ck_assert_uint_eq(st.vcpu, 0);

    /* DOMID_SELF as remote means the caller. */
    uint32_t loop = alloc_unbound(d1, XEN_DOMID_SELF, XEN_DOMID_SELF);
    ck_assert_uint_eq(status_of(d1, 1, loop).u.unbound.dom, 1);

    /* Dom0 binds: both ends interdomain, naming each other. */
    uint32_t b = bind_interdomain(dom0, 1, p);
    ck_assert_uint_eq(b, 1);
    st = status_of(d1, XEN_DOMID_SELF, p);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_interdomain);
    ck_assert_uint_eq(st.u.interdomain.dom, 0);
    ck_assert_uint_eq(st.u.interdomain.port, b);
    st = status_of(dom0, XEN_DOMID_SELF, b);
    ck_assert_uint_eq(st.u.interdomain.dom, 1);
    ck_assert_uint_eq(st.u.interdomain.port, p);
    /* Dom0 may look at d1's ports, d1 not at Dom0's. */
    ck_assert_uint_eq(status_of(dom0, 1, p).status, XEN_EVTCHNSTAT_interdomain);
    struct xen_evtchn_status bad = { .dom = 0, .port = b };
    ck_assert_int_eq(hv_evtchn_status(d1, &bad), -XEN_EPERM);
    bad.dom = 9;
    ck_assert_int_eq(hv_evtchn_status(dom0, &bad), -XEN_ESRCH);
    bad.dom = XEN_DOMID_SELF, bad.port = XEN_EVTCHN_2L_NR_CHANNELS;
    ck_assert_int_eq(hv_evtchn_status(d1, &bad), -XEN_EINVAL);

    /* A bound port cannot be bound twice. */
    struct xen_evtchn_bind_interdomain again = { .remote_dom = 1, .remote_port = p };
    ck_assert_int_eq(hv_evtchn_bind_interdomain(dom0, &again), -XEN_EINVAL);

    /* d1 closes: its port is free, Dom0's reverts to unbound for d1. */
    ck_assert_int_eq(hv_evtchn_close(d1, p), 0);
    ck_assert_uint_eq(status_of(d1, XEN_DOMID_SELF, p).status, XEN_EVTCHNSTAT_closed);
    st = status_of(dom0, XEN_DOMID_SELF, b);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);
    /* ... so d1 can reconnect to it. */
    uint32_t again_port = bind_interdomain(d1, 0, b);
    ck_assert_uint_eq(again_port, p);      /* the lowest free port */
    ck_assert_uint_eq(status_of(dom0, XEN_DOMID_SELF, b).u.interdomain.port, p);

    /* Closing twice, port 0, out of range. */
    ck_assert_int_eq(hv_evtchn_close(d1, p), 0);
    ck_assert_int_eq(hv_evtchn_close(d1, p), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_close(d1, 0), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_close(d1, 5000), -XEN_EINVAL);
    env_free(e);
}
END_TEST

START_TEST(test_lowest_free_port)
{
    struct env *e = env_new();
    for (uint32_t i = 1; i <= 3; i++)
        ck_assert_uint_eq(alloc_unbound(e->d1, XEN_DOMID_SELF, 0), i);
    ck_assert_int_eq(hv_evtchn_close(e->d1, 2), 0);
    ck_assert_uint_eq(alloc_unbound(e->d1, XEN_DOMID_SELF, 0), 2);
    ck_assert_uint_eq(alloc_unbound(e->d1, XEN_DOMID_SELF, 0), 4);
    /* Exhaustion: 4095 usable ports. */
    for (uint32_t i = 5; i < XEN_EVTCHN_2L_NR_CHANNELS; i++)
        ck_assert_uint_eq(alloc_unbound(e->d1, XEN_DOMID_SELF, 0), i);
    struct xen_evtchn_alloc_unbound op = { .dom = XEN_DOMID_SELF };
    ck_assert_int_eq(hv_evtchn_alloc_unbound(e->d1, &op), -XEN_ENOSPC);
    env_free(e);
}
END_TEST

START_TEST(test_send_sets_bits_and_edge)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    uint32_t fe, be;
    connect(e, &fe, &be);
    ck_assert_uint_eq(e->upcalls[0][0], 1);   /* from bind_interdomain */
    ck_assert_uint_eq(e->upcalls[1][0], 0);

    /* Dom0 -> d1: pending bit, selector bit, upcall_pending, one PPI. */
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(sh(d1)->evtchn_pending[0], 1ull << fe);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 1);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(e->upcalls[1][0], 1);
    ck_assert_uint_eq(dom0->stats.events_sent, 1);
    ck_assert_uint_eq(d1->stats.events_received, 1);

    /* Still pending: nothing changes, no second PPI. */
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(e->upcalls[1][0], 1);

    /* The guest consumed the port bit but not yet upcall_pending: a new
     * event sets the bits again but there is no edge, so no PPI. */
    sh(d1)->evtchn_pending[0] = 0;
    vi(d1, 0)->evtchn_pending_sel = 0;
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(sh(d1)->evtchn_pending[0], 1ull << fe);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 1);
    ck_assert_uint_eq(e->upcalls[1][0], 1);

    /* After the guest cleared upcall_pending, the next event is an edge. */
    guest_ack_all(d1, 0);
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(e->upcalls[1][0], 2);

    /* Selector already set for the word: pending bit only, no PPI even
     * though upcall_pending is 0 (Xen's test_and_set on the selector). */
    vi(d1, 0)->evtchn_upcall_pending = 0;
    sh(d1)->evtchn_pending[0] = 0;
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 0);
    ck_assert_uint_eq(e->upcalls[1][0], 2);

    /* And the other way: d1 -> Dom0. */
    ck_assert_int_eq(hv_evtchn_send(d1, fe), 0);
    ck_assert(hv_evtchn_is_pending(dom0, be));
    ck_assert_uint_eq(e->upcalls[0][0], 2);
    env_free(e);
}
END_TEST

START_TEST(test_pending_bit_layout)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    /* hv-service ports at chosen numbers make any port reachable. */
    const uint32_t ports[] = { 63, 64, 70, 4095 };
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_eq(hv_evtchn_bind_service(d1, ports[i], NULL, NULL), (int)ports[i]);

    ck_assert_int_eq(hv_evtchn_set_pending(d1, 70), 0);
    /* Port 70: bit 6 of 64-bit word 1, i.e. bit 6 of 32-bit word 2 on a
     * little-endian guest (Linux's sync_test_bit view). */
    ck_assert_uint_eq(sh(d1)->evtchn_pending[1], 1ull << 6);
    uint32_t w32[2 * XEN_EVTCHN_2L_WORDS];
    memcpy(w32, sh(d1)->evtchn_pending, sizeof(w32));
    ck_assert_uint_eq(w32[2], 1u << 6);
    ck_assert_uint_eq(w32[3], 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 1ull << 1);

    ck_assert_int_eq(hv_evtchn_set_pending(d1, 63), 0);
    ck_assert_uint_eq(sh(d1)->evtchn_pending[0], 1ull << 63);
    ck_assert_int_eq(hv_evtchn_set_pending(d1, 64), 0);
    ck_assert_uint_eq(sh(d1)->evtchn_pending[1], (1ull << 6) | 1);
    ck_assert_int_eq(hv_evtchn_set_pending(d1, 4095), 0);
    ck_assert_uint_eq(sh(d1)->evtchn_pending[63], 1ull << 63);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, (1ull << 63) | 3);
    for (unsigned w = 2; w < 63; w++)
        ck_assert_uint_eq(sh(d1)->evtchn_pending[w], 0);
    /* One edge for all of it. */
    ck_assert_uint_eq(e->upcalls[1][0], 1);
    env_free(e);
}
END_TEST

START_TEST(test_mask_unmask_redelivery)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    uint32_t fe, be;
    connect(e, &fe, &be);

    /* Masked: the port becomes pending, nothing else. */
    sh(d1)->evtchn_mask[0] = 1ull << fe;
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert(hv_evtchn_is_pending(d1, fe));
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 0);
    ck_assert_uint_eq(e->upcalls[1][0], 0);

    /* Unmask re-delivers: selector, upcall_pending, one PPI. */
    ck_assert_int_eq(hv_evtchn_unmask(d1, fe), 0);
    ck_assert(!hv_evtchn_is_masked(d1, fe));
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 1);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(e->upcalls[1][0], 1);

    /* Unmask of a port that is not masked does nothing (the first
     * test_and_clear fails), even if it is pending. */
    guest_ack_all(d1, 0);
    sh(d1)->evtchn_pending[0] = 1ull << fe;
    ck_assert_int_eq(hv_evtchn_unmask(d1, fe), 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 0);
    ck_assert_uint_eq(e->upcalls[1][0], 1);

    /* Masked and not pending: unmask just clears the mask. */
    guest_ack_all(d1, 0);
    sh(d1)->evtchn_mask[0] = 1ull << fe;
    ck_assert_int_eq(hv_evtchn_unmask(d1, fe), 0);
    ck_assert_uint_eq(sh(d1)->evtchn_mask[0], 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 0);
    ck_assert_uint_eq(e->upcalls[1][0], 1);

    /* Linux's pattern: mask, (event), unmask while upcall_pending is still
     * 1 from earlier: selector set, but no second PPI. */
    vi(d1, 0)->evtchn_upcall_pending = 1;
    sh(d1)->evtchn_mask[0] = 1ull << fe;
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_int_eq(hv_evtchn_unmask(d1, fe), 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 1);
    ck_assert_uint_eq(e->upcalls[1][0], 1);

    ck_assert_int_eq(hv_evtchn_unmask(d1, XEN_EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);
    env_free(e);
}
END_TEST

START_TEST(test_bind_vcpu)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    uint32_t fe, be;
    connect(e, &fe, &be);

    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, fe, 1), 0);
    ck_assert_uint_eq(status_of(d1, XEN_DOMID_SELF, fe).vcpu, 1);
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(vi(d1, 1)->evtchn_pending_sel, 1);
    ck_assert_uint_eq(vi(d1, 1)->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 0);
    ck_assert_uint_eq(e->upcalls[1][1], 1);
    ck_assert_uint_eq(e->upcalls[1][0], 0);

    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, fe, 2), -XEN_ENOENT);
    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, fe, 99), -XEN_ENOENT);
    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, 3000, 0), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, 0, 0), -XEN_EINVAL);
    /* Closing resets the binding: a reused port starts on vCPU 0. */
    ck_assert_int_eq(hv_evtchn_close(d1, fe), 0);
    ck_assert_uint_eq(alloc_unbound(d1, XEN_DOMID_SELF, 0), fe);
    ck_assert_uint_eq(status_of(d1, XEN_DOMID_SELF, fe).vcpu, 0);
    env_free(e);
}
END_TEST

START_TEST(test_close_clears_pending_and_peer)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    uint32_t fe, be;
    connect(e, &fe, &be);
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert(hv_evtchn_is_pending(d1, fe));
    ck_assert_int_eq(hv_evtchn_close(d1, fe), 0);
    ck_assert(!hv_evtchn_is_pending(d1, fe));
    /* Dom0 sends into the void now: dropped, no error, no event in d1. */
    guest_ack_all(d1, 0);
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(dom0->stats.events_dropped, 1);
    ck_assert_uint_eq(sh(d1)->evtchn_pending[0], 0);
    env_free(e);
}
END_TEST

START_TEST(test_hostile_ports)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *d2 = e->d2, *dom0 = e->dom0;
    uint32_t fe, be;
    connect(e, &fe, &be);

    /* Free, reserved and out-of-range ports. */
    ck_assert_int_eq(hv_evtchn_send(d1, 77), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_send(d1, 0), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_send(d1, XEN_EVTCHN_2L_NR_CHANNELS), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_send(d1, 0xffffffffu), -XEN_EINVAL);
    /* Another domain's port number is just a free port of one's own. */
    ck_assert_int_eq(hv_evtchn_send(d2, fe), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_close(d2, fe), -XEN_EINVAL);
    ck_assert_uint_eq(status_of(d1, XEN_DOMID_SELF, fe).status, XEN_EVTCHNSTAT_interdomain);
    /* An unbound port: the notification is dropped (Xen), counted. */
    uint32_t u = alloc_unbound(d1, XEN_DOMID_SELF, 0);
    ck_assert_int_eq(hv_evtchn_send(d1, u), 0);
    ck_assert_uint_eq(d1->stats.events_dropped, 1);

    /* Binding to a port that is not offered to the caller. */
    struct xen_evtchn_bind_interdomain bi = { .remote_dom = 1, .remote_port = u };
    ck_assert_int_eq(hv_evtchn_bind_interdomain(d2, &bi), -XEN_EINVAL);  /* for dom0 */
    bi.remote_port = fe;
    ck_assert_int_eq(hv_evtchn_bind_interdomain(d2, &bi), -XEN_EINVAL);  /* bound */
    bi.remote_port = 4096;
    ck_assert_int_eq(hv_evtchn_bind_interdomain(d2, &bi), -XEN_EINVAL);
    bi.remote_dom = 42;
    ck_assert_int_eq(hv_evtchn_bind_interdomain(d2, &bi), -XEN_ESRCH);
    /* Failed binds leave no port behind. */
    ck_assert_uint_eq(alloc_unbound(d2, XEN_DOMID_SELF, 0), 1);

    /* Allocating in another domain: only Dom0 may. */
    struct xen_evtchn_alloc_unbound au = { .dom = 2, .remote_dom = 1 };
    ck_assert_int_eq(hv_evtchn_alloc_unbound(d1, &au), -XEN_EPERM);
    au.dom = 42;
    ck_assert_int_eq(hv_evtchn_alloc_unbound(d1, &au), -XEN_ESRCH);
    au.dom = 2;
    ck_assert_int_eq(hv_evtchn_alloc_unbound(dom0, &au), 0);
    ck_assert_uint_eq(status_of(d2, XEN_DOMID_SELF, au.port).u.unbound.dom, 1);
    /* ... and then d1 can connect to d2 directly. */
    uint32_t l = bind_interdomain(d1, 2, au.port);
    ck_assert_int_eq(hv_evtchn_send(d1, l), 0);
    ck_assert(hv_evtchn_is_pending(d2, au.port));
    env_free(e);
}
END_TEST

START_TEST(test_bind_interdomain_marks_local_pending)
{
    struct env *e = env_new();
    uint32_t fe = alloc_unbound(e->d1, XEN_DOMID_SELF, 0);
    uint32_t be = bind_interdomain(e->dom0, 1, fe);
    /* Sends to the unbound end were dropped: the binder gets one event. */
    ck_assert(hv_evtchn_is_pending(e->dom0, be));
    ck_assert_uint_eq(e->upcalls[0][0], 1);
    ck_assert(!hv_evtchn_is_pending(e->d1, fe));
    /* A loopback channel inside one domain works the same way. */
    uint32_t a = alloc_unbound(e->d2, XEN_DOMID_SELF, XEN_DOMID_SELF);
    uint32_t b = bind_interdomain(e->d2, XEN_DOMID_SELF, a);
    guest_ack_all(e->d2, 0);
    ck_assert_int_eq(hv_evtchn_send(e->d2, b), 0);
    ck_assert(hv_evtchn_is_pending(e->d2, a));
    ck_assert(!hv_evtchn_is_pending(e->d2, b));
    env_free(e);
}
END_TEST

START_TEST(test_virq)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    struct xen_evtchn_bind_virq op = { .virq = XEN_VIRQ_TIMER, .vcpu = 1 };
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), 0);
    uint32_t timer = op.port;
    struct xen_evtchn_status st = status_of(d1, XEN_DOMID_SELF, timer);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_virq);
    ck_assert_uint_eq(st.u.virq, XEN_VIRQ_TIMER);
    ck_assert_uint_eq(st.vcpu, 1);
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), -XEN_EEXIST);
    ck_assert_int_eq(hv_evtchn_send_virq(d1, XEN_VIRQ_TIMER, 1), 0);
    ck_assert(hv_evtchn_is_pending(d1, timer));
    ck_assert_uint_eq(e->upcalls[1][1], 1);
    ck_assert_int_eq(hv_evtchn_send_virq(d1, XEN_VIRQ_TIMER, 0), -XEN_ENOENT);
    /* A per-vCPU VIRQ cannot move; sending on a VIRQ port is invalid. */
    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, timer, 0), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_send(d1, timer), -XEN_EINVAL);

    op = (struct xen_evtchn_bind_virq){ .virq = XEN_NR_VIRQS };
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), -XEN_EINVAL);
    op = (struct xen_evtchn_bind_virq){ .virq = XEN_VIRQ_TIMER, .vcpu = 5 };
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), -XEN_ENOENT);
    /* Global VIRQs: vCPU 0 only, hardware domain only. */
    op = (struct xen_evtchn_bind_virq){ .virq = XEN_VIRQ_CONSOLE, .vcpu = 1 };
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), -XEN_EINVAL);
    op.vcpu = 0;
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), -XEN_EBUSY);
    ck_assert_int_eq(hv_evtchn_bind_virq(dom0, &op), 0);

    /* Dom0 hears about a DomU shutting down through VIRQ_DOM_EXC. */
    op = (struct xen_evtchn_bind_virq){ .virq = XEN_VIRQ_DOM_EXC };
    ck_assert_int_eq(hv_evtchn_bind_virq(dom0, &op), 0);
    hv_domain_shutdown(e->d2, XEN_SHUTDOWN_poweroff);
    ck_assert(hv_evtchn_is_pending(dom0, op.port));

    /* Closing unbinds: the VIRQ can be bound again. */
    ck_assert_int_eq(hv_evtchn_close(d1, timer), 0);
    op = (struct xen_evtchn_bind_virq){ .virq = XEN_VIRQ_TIMER, .vcpu = 1 };
    ck_assert_int_eq(hv_evtchn_bind_virq(d1, &op), 0);
    ck_assert_uint_eq(op.port, timer);
    env_free(e);
}
END_TEST

static void service_notify(void *opaque, struct domain *d, uint32_t port)
{
    struct env *e = opaque;
    (void)d;
    e->service_calls++;
    e->service_port = port;
}

START_TEST(test_service_port)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    int port = hv_evtchn_bind_service(d1, 0, service_notify, e);
    ck_assert_int_eq(port, 1);
    ck_assert_int_eq(hv_evtchn_bind_service(d1, 1, service_notify, e), -XEN_EBUSY);
    ck_assert_int_eq(hv_evtchn_bind_service(d1, 5000, service_notify, e), -XEN_EINVAL);
    /* The guest kicks the service; the service signals back. Both before
     * shared_info is mapped (the console's first lines). */
    ck_assert_int_eq(hv_evtchn_send(d1, 1), 0);
    ck_assert_uint_eq(e->service_calls, 1);
    ck_assert_uint_eq(e->service_port, 1);
    ck_assert_int_eq(hv_evtchn_set_pending(d1, 1), 0);
    ck_assert(hv_evtchn_is_pending(d1, 1));
    ck_assert_uint_eq(e->upcalls[1][0], 1);
    ck_assert_int_eq(hv_evtchn_bind_vcpu(d1, 1, 1), 0);
    ck_assert_int_eq(hv_evtchn_set_pending(d1, 77), -XEN_EINVAL);
    ck_assert_uint_eq(status_of(d1, XEN_DOMID_SELF, 1).u.interdomain.dom, XEN_DOMID_XEN);
    ck_assert_int_eq(hv_evtchn_service_signal(d1, 1, e), 0);
    ck_assert_int_eq(hv_evtchn_service_signal(d1, 1, NULL), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_close(d1, 1), 0);
    ck_assert_int_eq(hv_evtchn_send(d1, 1), -XEN_EINVAL);
    ck_assert_uint_eq(e->service_calls, 1);
    /* The guest reuses the number: the service's signal no longer lands. */
    ck_assert_uint_eq(alloc_unbound(d1, XEN_DOMID_SELF, 0), 1);
    ck_assert_int_eq(hv_evtchn_service_signal(d1, 1, e), -XEN_EINVAL);
    ck_assert(!hv_evtchn_is_pending(d1, 1));
    env_free(e);
}
END_TEST

START_TEST(test_shared_info_and_vcpu_info_registration)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    int svc = hv_evtchn_bind_service(d1, 0, NULL, NULL);

    /* Events raised before the guest maps shared_info survive the move. */
    ck_assert_int_eq(hv_evtchn_set_pending(d1, (uint32_t)svc), 0);
    hv_evtchn_set_wallclock(d1, 0x123456789ull, 500);
    ck_assert_int_eq(hv_evtchn_map_shared_info(d1, SHINFO_GPA >> 12), 0);
    uint8_t *page = hv_gpa_ptr(d1, SHINFO_GPA, 4096);
    ck_assert_ptr_eq(sh(d1), (void *)page);
    uint64_t w;
    memcpy(&w, page + 48, 8);                       /* evtchn_pending[0] */
    ck_assert_uint_eq(w, 1ull << svc);
    memcpy(&w, page + 8, 8);                        /* vcpu_info[0].sel */
    ck_assert_uint_eq(w, 1);
    ck_assert_uint_eq(page[0], 1);                  /* upcall_pending */
    uint32_t wc[4];
    memcpy(wc, page + 1072, 16);
    ck_assert_uint_eq(wc[0] & 1, 0);                /* version even */
    ck_assert_uint_eq(wc[1], 0x23456789u);
    ck_assert_uint_eq(wc[2], 500);
    ck_assert_uint_eq(wc[3], 1);
    ck_assert_int_eq(hv_evtchn_map_shared_info(d1, 0x1c000), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_map_shared_info(d1, 1ull << 40), -XEN_EINVAL);

    /* vcpu_info registration: checks, then everything marked pending. */
    const uint64_t gfn = (RAM + 0x11000u) >> 12;
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 1, gfn, 4096 - 40), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 1, gfn, 4), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 1, 0x1c000, 64), -XEN_EINVAL);
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 7, gfn, 64), -XEN_ENOENT);
    unsigned before = e->upcalls[1][1];
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 1, gfn, 64), 0);
    ck_assert_ptr_eq(vi(d1, 1), (void *)hv_gpa_ptr(d1, RAM + 0x11040u, 48));
    ck_assert_uint_eq(vi(d1, 1)->evtchn_upcall_pending, 1);
    ck_assert_uint_eq(vi(d1, 1)->evtchn_pending_sel, ~0ull);
    ck_assert_uint_eq(e->upcalls[1][1], before + 1);
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 1, gfn, 128), -XEN_EINVAL);

    /* vCPU 0 moves out of shared_info, taking its state along. */
    ck_assert_int_eq(hv_evtchn_register_vcpu_info(d1, 0, gfn, 0), 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, ~0ull);
    guest_ack_all(d1, 0);
    memset(page, 0, 48);                            /* the old slot */
    ck_assert_int_eq(hv_evtchn_set_pending(d1, (uint32_t)svc), 0);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_pending_sel, 1);
    ck_assert_uint_eq(vi(d1, 0)->evtchn_upcall_pending, 1);
    for (unsigned i = 0; i < 48; i++)
        ck_assert_uint_eq(page[i], 0);              /* stays idle */
    env_free(e);
}
END_TEST

START_TEST(test_delivery_clears_monitors)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1, *dom0 = e->dom0;
    uint32_t fe, be;
    connect(e, &fe, &be);
    ck_assert_int_eq(hv_evtchn_map_shared_info(d1, SHINFO_GPA >> 12), 0);
    struct arm_cpu *c0 = hv_domain_vcpu(d1, 0), *c1 = hv_domain_vcpu(d1, 1);
    /* vCPU 0 sits between LDREX and STREX on pending word 0 (MMU off),
     * vCPU 1 on an unrelated word far away. */
    c0->excl_addr = SHINFO_GPA + 48, c0->excl_value = 4;
    c1->excl_addr = RAM + 0x80000, c1->excl_value = 4;
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(c0->excl_addr, ~0u);
    ck_assert_uint_eq(c1->excl_addr, RAM + 0x80000);
    /* The selector (LDREXD in Linux) too. */
    guest_ack_all(d1, 0);
    c0->excl_addr = SHINFO_GPA + 8, c0->excl_value = 8;
    ck_assert_int_eq(hv_evtchn_send(dom0, be), 0);
    ck_assert_uint_eq(c0->excl_addr, ~0u);
    env_free(e);
}
END_TEST

START_TEST(test_hypercall_through_guest_memory)
{
    struct env *e = env_new();
    struct domain *d1 = e->d1;
    struct arm_cpu *cpu = hv_domain_vcpu(d1, 0);     /* MMU off: VA = IPA */
    struct xen_evtchn_alloc_unbound au = { .dom = XEN_DOMID_SELF, .remote_dom = 0 };
    ck_assert_int_eq(hv_copy_to_guest(d1, cpu, ARG, &au, sizeof(au)), 0);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_alloc_unbound, ARG), 0);
    ck_assert_int_eq(hv_copy_from_guest(d1, cpu, ARG, &au, sizeof(au)), 0);
    ck_assert_uint_eq(au.port, 1);

    struct xen_evtchn_port p = { .port = 1 };
    ck_assert_int_eq(hv_copy_to_guest(d1, cpu, ARG, &p, sizeof(p)), 0);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_send, ARG), 0);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_close, ARG), 0);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_close, ARG), -XEN_EINVAL);

    /* Pointers outside the domain's RAM, and the ops we refuse. */
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_send, 0x1000), -XEN_EFAULT);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_status, RAM + RAM_SIZE - 8),
                     -XEN_EFAULT);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_init_control, ARG), -XEN_ENOSYS);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, XEN_EVTCHNOP_bind_ipi, ARG), -XEN_ENOSYS);
    ck_assert_int_eq(hv_evtchn_op(d1, cpu, 99, ARG), -XEN_ENOSYS);
    env_free(e);
}
END_TEST

START_TEST(test_destroy_reverts_peers)
{
    struct env *e = env_new();
    uint32_t fe, be;
    connect(e, &fe, &be);
    hv_domain_destroy(e->d1);
    ck_assert_ptr_null(hv_domain_by_id(&e->hv, 1));
    struct xen_evtchn_status st = status_of(e->dom0, XEN_DOMID_SELF, be);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);
    ck_assert_int_eq(hv_evtchn_send(e->dom0, be), 0);
    /* A new domain gets a new id: nobody can bind as the old d1. */
    struct hv_domain_config cfg = { .domid = -1, .ram_base = RAM, .ram_size = RAM_SIZE };
    struct domain *d3;
    ck_assert_int_eq(hv_domain_create(&e->hv, &cfg, &d3), 0);
    ck_assert_uint_eq(d3->domid, 3);
    env_free(e);
}
END_TEST

Suite *evtchn_suite(void)
{
    Suite *s = suite_create("evtchn");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_port_state_machine);
    tcase_add_test(tc, test_lowest_free_port);
    tcase_add_test(tc, test_send_sets_bits_and_edge);
    tcase_add_test(tc, test_pending_bit_layout);
    tcase_add_test(tc, test_mask_unmask_redelivery);
    tcase_add_test(tc, test_bind_vcpu);
    tcase_add_test(tc, test_close_clears_pending_and_peer);
    tcase_add_test(tc, test_hostile_ports);
    tcase_add_test(tc, test_bind_interdomain_marks_local_pending);
    tcase_add_test(tc, test_virq);
    tcase_add_test(tc, test_service_port);
    tcase_add_test(tc, test_shared_info_and_vcpu_info_registration);
    tcase_add_test(tc, test_delivery_clears_monitors);
    tcase_add_test(tc, test_hypercall_through_guest_memory);
    tcase_add_test(tc, test_destroy_reverts_peers);
    suite_add_tcase(s, tc);
    return s;
}
