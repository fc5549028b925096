/*
 * Event channels, 2-level ABI (see hv/evtchn.h for the model and the error
 * rules). References: Xen 4.17 common/event_channel.c and event_2l.c for
 * the semantics, the ABI document sections 4.7 and 5 for what Linux needs,
 * include/xen/interface/event_channel.h for the argument layouts.
 *
 * Event words live in guest memory once the guest has registered them, and
 * the guest updates them concurrently with LDREX/STREX (Linux's sync_*_bit
 * on 32-bit halves, atomic64_xchg on the selector). The interpreter is
 * single-threaded, so each update below is atomic with respect to guest
 * instructions; what remains is a guest stopped between LDREX and STREX,
 * which hv_gpa_written() handles by clearing the exclusive monitors.
 */
#include "hv/evtchn.h"

#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "hv/domain.h"
#include "hv/guest_mem.h"

#define NR_PORTS XEN_EVTCHN_2L_NR_CHANNELS

#define SH_PENDING_OFF offsetof(struct xen_shared_info, evtchn_pending)
#define SH_MASK_OFF offsetof(struct xen_shared_info, evtchn_mask)
#define VI_PENDING_OFF offsetof(struct xen_vcpu_info, evtchn_upcall_pending)
#define VI_SEL_OFF offsetof(struct xen_vcpu_info, evtchn_pending_sel)

/* ---- where the event words are ---- */

/*
 * A block of event state: shared_info or one vcpu_info, either in guest RAM
 * (writes need hv_gpa_written) or in a page the hypervisor owns.
 */
struct ev_area {
    uint8_t *host;
    uint64_t gpa;
    bool guest;
};

static bool shared_area(struct domain *d, struct ev_area *a)
{
    if (d->shared_info_mapped) {
        a->host = hv_gpa_ptr(d, d->shared_info_gpa, sizeof(struct xen_shared_info));
        a->gpa = d->shared_info_gpa;
        a->guest = true;
        return a->host != NULL;
    }
    a->host = d->shared_info_hv;
    a->gpa = 0;
    a->guest = false;
    return a->host != NULL;
}

static bool vcpu_area(struct domain *d, unsigned vcpu, struct ev_area *a)
{
    struct hv_vcpu *v = &d->vcpu[vcpu];
    if (v->vcpu_info_registered) {
        a->host = hv_gpa_ptr(d, v->vcpu_info_gpa, sizeof(struct xen_vcpu_info));
        a->gpa = v->vcpu_info_gpa;
        a->guest = true;
        return a->host != NULL;
    }
    if (vcpu == 0)      /* shared_info.vcpu_info[0] is at offset 0 */
        return shared_area(d, a);
    a->host = v->vcpu_info_hv;
    a->gpa = 0;
    a->guest = false;
    return true;
}

static void area_written(struct domain *d, const struct ev_area *a, size_t off, size_t len)
{
    if (a->guest)
        hv_gpa_written(d, a->gpa + off, len);
}

static uint64_t word_get(const struct ev_area *a, size_t off)
{
    uint64_t w;
    memcpy(&w, a->host + off, sizeof(w));
    return w;
}

static void word_put(struct domain *d, const struct ev_area *a, size_t off, uint64_t w)
{
    memcpy(a->host + off, &w, sizeof(w));
    area_written(d, a, off, sizeof(w));
}

static bool bit_test(const struct ev_area *a, size_t off, unsigned bit)
{
    return (word_get(a, off) >> bit) & 1;
}

/* Returns the old value of the bit. */
static bool bit_test_and_set(struct domain *d, const struct ev_area *a, size_t off,
                             unsigned bit)
{
    uint64_t w = word_get(a, off);
    if ((w >> bit) & 1)
        return true;
    word_put(d, a, off, w | (1ull << bit));
    return false;
}

static bool bit_test_and_clear(struct domain *d, const struct ev_area *a, size_t off,
                               unsigned bit)
{
    uint64_t w = word_get(a, off);
    if (!((w >> bit) & 1))
        return false;
    word_put(d, a, off, w & ~(1ull << bit));
    return true;
}

/* ---- the 2-level algorithms (ABI doc 5.2) ---- */

/* vcpu_mark_events_pending: the upcall is an edge on bit 0 of the byte. */
static void mark_upcall(struct domain *d, unsigned vcpu, const struct ev_area *vi)
{
    uint8_t flag = vi->host[VI_PENDING_OFF];
    if (flag & 1)
        return;
    vi->host[VI_PENDING_OFF] = flag | 1;
    area_written(d, vi, VI_PENDING_OFF, 1);
    d->vcpu[vcpu].upcalls++;
    if (d->hv->raise_upcall)
        d->hv->raise_upcall(d, vcpu);
}

static void set_pending_2l(struct domain *d, struct hv_evtchn *chn, uint32_t port)
{
    struct ev_area sh, vi;
    unsigned word = port / 64, bit = port % 64;

    chn->delivered++;
    d->stats.events_received++;
    if (!shared_area(d, &sh)) {
        trace_printf(d->hv->trace, TRACE_HV, "d%u: shared_info not RAM, event %u lost",
                     d->domid, port);
        return;
    }
    if (bit_test_and_set(d, &sh, SH_PENDING_OFF + 8 * word, bit))
        return;
    if (bit_test(&sh, SH_MASK_OFF + 8 * word, bit))
        return;
    if (!vcpu_area(d, chn->notify_vcpu, &vi))
        return;
    if (bit_test_and_set(d, &vi, VI_SEL_OFF, word))
        return;
    mark_upcall(d, chn->notify_vcpu, &vi);
}

static void clear_pending_2l(struct domain *d, uint32_t port)
{
    struct ev_area sh;
    if (shared_area(d, &sh))
        bit_test_and_clear(d, &sh, SH_PENDING_OFF + 8 * (port / 64), port % 64);
}

/* ---- ports ---- */

static struct hv_evtchn *port_get(struct domain *d, uint32_t port)
{
    if (!d->evtchn || port >= NR_PORTS)
        return NULL;
    return &d->evtchn->port[port];
}

static int port_alloc(struct domain *d)
{
    if (!d->evtchn || d->state == HV_DOMAIN_DYING)
        return -XEN_EINVAL;
    for (uint32_t port = 1; port < NR_PORTS; port++) {
        if (d->evtchn->port[port].state == HV_EVTCHN_FREE) {
            d->evtchn->used++;
            return (int)port;
        }
    }
    return -XEN_ENOSPC;
}

/* evtchn_free: pending cleared so a re-bound port starts clean; vCPU 0. */
static void port_free(struct domain *d, uint32_t port)
{
    struct hv_evtchn *chn = &d->evtchn->port[port];
    clear_pending_2l(d, port);
    memset(chn, 0, sizeof(*chn));
    chn->state = HV_EVTCHN_FREE;
    d->evtchn->used--;
}

static bool vcpu_exists(const struct domain *d, uint32_t vcpu)
{
    return vcpu < HV_MAX_VCPUS && vcpu < d->max_vcpus && d->vcpu[vcpu].cpu != NULL;
}

enum virq_type { VIRQ_TYPE_VCPU, VIRQ_TYPE_DOMAIN, VIRQ_TYPE_GLOBAL };

static enum virq_type virq_type(uint32_t virq)
{
    switch (virq) {
    case XEN_VIRQ_TIMER:
    case XEN_VIRQ_DEBUG:
    case XEN_VIRQ_XENOPROF:
    case XEN_VIRQ_XENPMU:
        return VIRQ_TYPE_VCPU;
    case XEN_VIRQ_ARGO:
        return VIRQ_TYPE_DOMAIN;
    default:
        return VIRQ_TYPE_GLOBAL;
    }
}

/* The vCPU whose virq_to_port table holds a VIRQ port. */
static unsigned virq_owner(uint32_t virq, unsigned vcpu)
{
    return virq_type(virq) == VIRQ_TYPE_VCPU ? vcpu : 0;
}

int hv_evtchn_init(struct domain *d)
{
    d->evtchn = calloc(1, sizeof(*d->evtchn));
    if (!d->evtchn)
        return -XEN_ENOMEM;
    d->evtchn->port[0].state = HV_EVTCHN_RESERVED;
    d->evtchn->used = 1;
    return 0;
}

/* Closes a port whatever its state (evtchn_close with guest = false). */
static int port_close(struct domain *d, uint32_t port)
{
    struct hv_evtchn *chn = port_get(d, port);
    if (!chn)
        return -XEN_EINVAL;
    switch (chn->state) {
    case HV_EVTCHN_FREE:
    case HV_EVTCHN_RESERVED:
        return -XEN_EINVAL;
    case HV_EVTCHN_UNBOUND:
    case HV_EVTCHN_SERVICE:
        break;
    case HV_EVTCHN_VIRQ: {
        unsigned owner = virq_owner(chn->remote_port, chn->notify_vcpu);
        if (owner < HV_MAX_VCPUS && chn->remote_port < XEN_NR_VIRQS &&
            d->vcpu[owner].virq_to_port[chn->remote_port] == port)
            d->vcpu[owner].virq_to_port[chn->remote_port] = 0;
        break;
    }
    case HV_EVTCHN_INTERDOMAIN: {
        /* The peer end goes back to waiting for us (Xen: ECS_UNBOUND with
         * remote_domid = the closer), so the other side can re-bind. */
        struct domain *peer = hv_domain_find_any(d->hv, chn->remote_dom);
        struct hv_evtchn *pchn = peer ? port_get(peer, chn->remote_port) : NULL;
        if (pchn && pchn->state == HV_EVTCHN_INTERDOMAIN && pchn->remote_dom == d->domid &&
            pchn->remote_port == port) {
            pchn->state = HV_EVTCHN_UNBOUND;
            pchn->remote_dom = d->domid;
            pchn->remote_port = 0;
        }
        break;
    }
    }
    port_free(d, port);
    return 0;
}

void hv_evtchn_destroy(struct domain *d)
{
    if (!d->evtchn)
        return;
    for (uint32_t port = 1; port < NR_PORTS; port++)
        if (d->evtchn->port[port].state != HV_EVTCHN_FREE)
            port_close(d, port);
    free(d->evtchn);
    d->evtchn = NULL;
}

/* ---- guest operations ---- */

int hv_evtchn_alloc_unbound(struct domain *d, struct xen_evtchn_alloc_unbound *op)
{
    struct domain *target;
    int rc = hv_domain_lookup_target(d, op->dom, &target);
    if (rc < 0)
        return rc;
    int port = port_alloc(target);
    if (port < 0)
        return port;
    struct hv_evtchn *chn = &target->evtchn->port[port];
    chn->state = HV_EVTCHN_UNBOUND;
    chn->notify_vcpu = 0;
    chn->remote_dom = op->remote_dom == XEN_DOMID_SELF ? d->domid : op->remote_dom;
    op->port = (uint32_t)port;
    trace_printf(d->hv->trace, TRACE_HV, "d%u: evtchn d%u:%d unbound for d%u", d->domid,
                 target->domid, port, chn->remote_dom);
    return 0;
}

int hv_evtchn_bind_interdomain(struct domain *d, struct xen_evtchn_bind_interdomain *op)
{
    uint16_t rdom = op->remote_dom == XEN_DOMID_SELF ? d->domid : op->remote_dom;
    struct domain *rd = hv_domain_by_id(d->hv, rdom);
    if (!rd)
        return -XEN_ESRCH;
    int lport = port_alloc(d);
    if (lport < 0)
        return lport;
    struct hv_evtchn *lchn = &d->evtchn->port[lport];
    struct hv_evtchn *rchn = port_get(rd, op->remote_port);
    if (!rchn || rchn->state != HV_EVTCHN_UNBOUND || rchn->remote_dom != d->domid) {
        d->evtchn->used--;      /* the local port was never used */
        trace_printf(d->hv->trace, TRACE_GUEST_ERROR,
                     "d%u: bind_interdomain to d%u:%u refused: not unbound for d%u",
                     d->domid, rdom, op->remote_port, d->domid);
        return -XEN_EINVAL;
    }
    lchn->state = HV_EVTCHN_INTERDOMAIN;
    lchn->notify_vcpu = 0;
    lchn->remote_dom = rdom;
    lchn->remote_port = op->remote_port;
    rchn->state = HV_EVTCHN_INTERDOMAIN;
    rchn->remote_dom = d->domid;
    rchn->remote_port = (uint32_t)lport;
    /* Notifications sent to the unbound end were dropped: make the new
     * local port pending so the binder checks its ring (Xen does this). */
    set_pending_2l(d, lchn, (uint32_t)lport);
    op->local_port = (uint32_t)lport;
    trace_printf(d->hv->trace, TRACE_HV, "d%u: evtchn %d bound to d%u:%u", d->domid, lport,
                 rdom, op->remote_port);
    return 0;
}

int hv_evtchn_bind_virq(struct domain *d, struct xen_evtchn_bind_virq *op)
{
    uint32_t virq = op->virq, vcpu = op->vcpu;
    if (virq >= XEN_NR_VIRQS)
        return -XEN_EINVAL;
    enum virq_type type = virq_type(virq);
    if (type != VIRQ_TYPE_VCPU && vcpu != 0)
        return -XEN_EINVAL;
    if (!vcpu_exists(d, vcpu))
        return -XEN_ENOENT;
    /* Global VIRQs go to the hardware domain only (Xen's default
     * global VIRQ handler). */
    if (type == VIRQ_TYPE_GLOBAL && !d->privileged)
        return -XEN_EBUSY;
    if (d->vcpu[vcpu].virq_to_port[virq])
        return -XEN_EEXIST;
    int port = port_alloc(d);
    if (port < 0)
        return port;
    struct hv_evtchn *chn = &d->evtchn->port[port];
    chn->state = HV_EVTCHN_VIRQ;
    chn->notify_vcpu = (uint8_t)vcpu;
    chn->remote_port = virq;
    d->vcpu[vcpu].virq_to_port[virq] = (uint32_t)port;
    op->port = (uint32_t)port;
    return 0;
}

int hv_evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu)
{
    if (!vcpu_exists(d, vcpu))
        return -XEN_ENOENT;
    struct hv_evtchn *chn = port_get(d, port);
    if (!chn)
        return -XEN_EINVAL;
    switch (chn->state) {
    case HV_EVTCHN_VIRQ:
        if (virq_type(chn->remote_port) == VIRQ_TYPE_VCPU)
            return -XEN_EINVAL;
        chn->notify_vcpu = (uint8_t)vcpu;
        return 0;
    case HV_EVTCHN_UNBOUND:
    case HV_EVTCHN_INTERDOMAIN:
    case HV_EVTCHN_SERVICE:
        /* Linux moves its store and console ports too; for us those are
         * service ports, for Xen ordinary interdomain ones. */
        chn->notify_vcpu = (uint8_t)vcpu;
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

int hv_evtchn_send(struct domain *d, uint32_t port)
{
    struct hv_evtchn *chn = port_get(d, port);
    if (!chn)
        return -XEN_EINVAL;
    switch (chn->state) {
    case HV_EVTCHN_INTERDOMAIN: {
        chn->sent++;
        d->stats.events_sent++;
        struct domain *rd = hv_domain_by_id(d->hv, chn->remote_dom);
        struct hv_evtchn *rchn = rd ? port_get(rd, chn->remote_port) : NULL;
        if (!rchn) {
            d->stats.events_dropped++;
            return 0;
        }
        if (rchn->state == HV_EVTCHN_SERVICE && rchn->notify)
            rchn->notify(rchn->opaque, rd, chn->remote_port);
        else
            set_pending_2l(rd, rchn, chn->remote_port);
        return 0;
    }
    case HV_EVTCHN_SERVICE:
        chn->sent++;
        d->stats.events_sent++;
        if (chn->notify)
            chn->notify(chn->opaque, d, port);
        return 0;
    case HV_EVTCHN_UNBOUND:
        /* Xen silently drops a notification nobody is bound to receive. */
        chn->sent++;
        d->stats.events_sent++;
        d->stats.events_dropped++;
        return 0;
    default:
        trace_printf(d->hv->trace, TRACE_GUEST_ERROR, "d%u: send on port %u (%s)", d->domid,
                     port, hv_evtchn_state_name(chn->state));
        return -XEN_EINVAL;
    }
}

int hv_evtchn_close(struct domain *d, uint32_t port)
{
    int rc = port_close(d, port);
    if (rc < 0)
        trace_printf(d->hv->trace, TRACE_GUEST_ERROR, "d%u: close of port %u refused",
                     d->domid, port);
    return rc;
}

int hv_evtchn_status(struct domain *d, struct xen_evtchn_status *op)
{
    struct domain *target;
    int rc = hv_domain_lookup_target(d, op->dom, &target);
    if (rc < 0)
        return rc;
    const struct hv_evtchn *chn = port_get(target, op->port);
    if (!chn)
        return -XEN_EINVAL;
    memset(&op->u, 0, sizeof(op->u));
    switch (chn->state) {
    case HV_EVTCHN_UNBOUND:
        op->status = XEN_EVTCHNSTAT_unbound;
        op->u.unbound.dom = chn->remote_dom;
        break;
    case HV_EVTCHN_INTERDOMAIN:
        op->status = XEN_EVTCHNSTAT_interdomain;
        op->u.interdomain.dom = chn->remote_dom;
        op->u.interdomain.port = chn->remote_port;
        break;
    case HV_EVTCHN_SERVICE:
        /* Connected to the hypervisor itself. */
        op->status = XEN_EVTCHNSTAT_interdomain;
        op->u.interdomain.dom = XEN_DOMID_XEN;
        op->u.interdomain.port = 0;
        break;
    case HV_EVTCHN_VIRQ:
        op->status = XEN_EVTCHNSTAT_virq;
        op->u.virq = chn->remote_port;
        break;
    default:
        op->status = XEN_EVTCHNSTAT_closed;
        break;
    }
    op->vcpu = chn->notify_vcpu;
    return 0;
}

int hv_evtchn_unmask(struct domain *d, uint32_t port)
{
    struct hv_evtchn *chn = port_get(d, port);
    if (!chn)
        return -XEN_EINVAL;
    struct ev_area sh, vi;
    unsigned word = port / 64, bit = port % 64;
    if (!shared_area(d, &sh))
        return 0;
    if (bit_test_and_clear(d, &sh, SH_MASK_OFF + 8 * word, bit) &&
        bit_test(&sh, SH_PENDING_OFF + 8 * word, bit) &&
        vcpu_area(d, chn->notify_vcpu, &vi) &&
        !bit_test_and_set(d, &vi, VI_SEL_OFF, word))
        mark_upcall(d, chn->notify_vcpu, &vi);
    return 0;
}

/* ---- the hypercall ---- */

int hv_evtchn_op(struct domain *d, struct arm_cpu *vcpu, uint32_t cmd, uint32_t arg)
{
    int rc;
    switch (cmd) {
    case XEN_EVTCHNOP_alloc_unbound: {
        struct xen_evtchn_alloc_unbound op;
        if (hv_copy_from_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        rc = hv_evtchn_alloc_unbound(d, &op);
        if (rc == 0 && hv_copy_to_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            rc = -XEN_EFAULT;
        return rc;
    }
    case XEN_EVTCHNOP_bind_interdomain: {
        struct xen_evtchn_bind_interdomain op;
        if (hv_copy_from_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        rc = hv_evtchn_bind_interdomain(d, &op);
        if (rc == 0 && hv_copy_to_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            rc = -XEN_EFAULT;
        return rc;
    }
    case XEN_EVTCHNOP_bind_virq: {
        struct xen_evtchn_bind_virq op;
        if (hv_copy_from_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        rc = hv_evtchn_bind_virq(d, &op);
        if (rc == 0 && hv_copy_to_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            rc = -XEN_EFAULT;
        return rc;
    }
    case XEN_EVTCHNOP_status: {
        struct xen_evtchn_status op;
        if (hv_copy_from_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        rc = hv_evtchn_status(d, &op);
        if (rc == 0 && hv_copy_to_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            rc = -XEN_EFAULT;
        return rc;
    }
    case XEN_EVTCHNOP_bind_vcpu: {
        struct xen_evtchn_bind_vcpu op;
        if (hv_copy_from_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        return hv_evtchn_bind_vcpu(d, op.port, op.vcpu);
    }
    case XEN_EVTCHNOP_send:
    case XEN_EVTCHNOP_close:
    case XEN_EVTCHNOP_unmask: {
        struct xen_evtchn_port op;
        if (hv_copy_from_guest(d, vcpu, arg, &op, sizeof(op)) < 0)
            return -XEN_EFAULT;
        if (cmd == XEN_EVTCHNOP_send)
            return hv_evtchn_send(d, op.port);
        if (cmd == XEN_EVTCHNOP_close)
            return hv_evtchn_close(d, op.port);
        return hv_evtchn_unmask(d, op.port);
    }
    default:
        /* bind_pirq, bind_ipi, reset, init_control (FIFO: Linux falls back
         * to 2-level on failure), expand_array, set_priority. */
        return -XEN_ENOSYS;
    }
}

/* ---- hypervisor side ---- */

int hv_evtchn_bind_service(struct domain *d, uint32_t port, hv_evtchn_notify_fn notify,
                           void *opaque)
{
    int p;
    if (port == 0) {
        p = port_alloc(d);
        if (p < 0)
            return p;
    } else {
        struct hv_evtchn *chn = port_get(d, port);
        if (!chn || d->state == HV_DOMAIN_DYING)
            return -XEN_EINVAL;
        if (chn->state != HV_EVTCHN_FREE)
            return -XEN_EBUSY;
        d->evtchn->used++;
        p = (int)port;
    }
    struct hv_evtchn *chn = &d->evtchn->port[p];
    chn->state = HV_EVTCHN_SERVICE;
    chn->notify_vcpu = 0;
    chn->remote_dom = XEN_DOMID_XEN;
    chn->notify = notify;
    chn->opaque = opaque;
    return p;
}

int hv_evtchn_set_pending(struct domain *d, uint32_t port)
{
    struct hv_evtchn *chn = port_get(d, port);
    if (!chn || chn->state == HV_EVTCHN_FREE || chn->state == HV_EVTCHN_RESERVED ||
        d->state == HV_DOMAIN_DYING)
        return -XEN_EINVAL;
    set_pending_2l(d, chn, port);
    return 0;
}

int hv_evtchn_service_signal(struct domain *d, uint32_t port, void *opaque)
{
    struct hv_evtchn *chn = port_get(d, port);
    if (!chn || chn->state != HV_EVTCHN_SERVICE || chn->opaque != opaque ||
        d->state == HV_DOMAIN_DYING)
        return -XEN_EINVAL;
    set_pending_2l(d, chn, port);
    return 0;
}

int hv_evtchn_send_virq(struct domain *d, uint32_t virq, unsigned vcpu)
{
    if (virq >= XEN_NR_VIRQS || vcpu >= HV_MAX_VCPUS || d->state == HV_DOMAIN_DYING)
        return -XEN_EINVAL;
    uint32_t port = d->vcpu[virq_owner(virq, vcpu)].virq_to_port[virq];
    struct hv_evtchn *chn = port_get(d, port);
    if (!port || !chn || chn->state != HV_EVTCHN_VIRQ)
        return -XEN_ENOENT;
    set_pending_2l(d, chn, port);
    return 0;
}

int hv_evtchn_map_shared_info(struct domain *d, uint64_t gpfn)
{
    if (gpfn >= (1ull << (32 - XEN_PAGE_SHIFT)))
        return -XEN_EINVAL;
    uint64_t gpa = gpfn << XEN_PAGE_SHIFT;
    uint8_t *dst = hv_gpa_ptr(d, gpa, XEN_PAGE_SIZE);
    if (!dst)
        return -XEN_EINVAL;
    struct ev_area old;
    if (shared_area(d, &old) && old.host != dst)
        memmove(dst, old.host, sizeof(struct xen_shared_info));
    d->shared_info_mapped = true;
    d->shared_info_gpa = gpa;
    hv_gpa_written(d, gpa, sizeof(struct xen_shared_info));
    trace_printf(d->hv->trace, TRACE_HV, "d%u: shared_info at gpfn 0x%llx", d->domid,
                 (unsigned long long)gpfn);
    return 0;
}

int hv_evtchn_register_vcpu_info(struct domain *d, unsigned vcpu, uint64_t gfn,
                                 uint32_t offset)
{
    const size_t size = sizeof(struct xen_vcpu_info);
    if (!vcpu_exists(d, vcpu))
        return -XEN_ENOENT;
    /* 8-byte alignment: the selector is a 64-bit word the guest updates
     * with LDREXD/STREXD. */
    if (offset > XEN_PAGE_SIZE - size || (offset & 7))
        return -XEN_EINVAL;
    if (d->vcpu[vcpu].vcpu_info_registered)
        return -XEN_EINVAL;
    if (gfn >= (1ull << (32 - XEN_PAGE_SHIFT)))
        return -XEN_EINVAL;
    uint64_t gpa = (gfn << XEN_PAGE_SHIFT) + offset;
    uint8_t *dst = hv_gpa_ptr(d, gpa, size);
    if (!dst)
        return -XEN_EINVAL;

    struct ev_area old;
    if (vcpu_area(d, vcpu, &old) && old.host != dst)
        memmove(dst, old.host, size);
    d->vcpu[vcpu].vcpu_info_registered = true;
    d->vcpu[vcpu].vcpu_info_gpa = gpa;

    /* Everything may be pending: the guest scans once and loses nothing
     * raised while its vcpu_info was elsewhere. */
    uint64_t all = ~0ull;
    memcpy(dst + VI_SEL_OFF, &all, sizeof(all));
    dst[VI_PENDING_OFF] = 1;
    hv_gpa_written(d, gpa, size);
    d->vcpu[vcpu].upcalls++;
    if (d->hv->raise_upcall)
        d->hv->raise_upcall(d, vcpu);
    return 0;
}

void hv_evtchn_set_wallclock(struct domain *d, uint64_t sec, uint32_t nsec)
{
    struct ev_area sh;
    if (!shared_area(d, &sh))
        return;
    struct xen_shared_info *s = (struct xen_shared_info *)sh.host;
    /* Odd while updating, even when done (the guest re-reads on change). */
    uint32_t version = (s->wc_version | 1u);
    s->wc_version = version;
    s->wc_sec = (uint32_t)sec;
    s->wc_sec_hi = (uint32_t)(sec >> 32);
    s->wc_nsec = nsec;
    s->wc_version = version + 1;
    area_written(d, &sh, offsetof(struct xen_shared_info, wc_version), 16);
}

/* ---- inspection ---- */

bool hv_evtchn_is_pending(struct domain *d, uint32_t port)
{
    struct ev_area sh;
    if (port >= NR_PORTS || !shared_area(d, &sh))
        return false;
    return bit_test(&sh, SH_PENDING_OFF + 8 * (port / 64), port % 64);
}

bool hv_evtchn_is_masked(struct domain *d, uint32_t port)
{
    struct ev_area sh;
    if (port >= NR_PORTS || !shared_area(d, &sh))
        return false;
    return bit_test(&sh, SH_MASK_OFF + 8 * (port / 64), port % 64);
}

struct xen_vcpu_info *hv_evtchn_vcpu_info(struct domain *d, unsigned vcpu)
{
    struct ev_area a;
    if (vcpu >= HV_MAX_VCPUS || !vcpu_area(d, vcpu, &a))
        return NULL;
    return (struct xen_vcpu_info *)a.host;
}

struct xen_shared_info *hv_evtchn_shared_info(struct domain *d)
{
    struct ev_area a;
    return shared_area(d, &a) ? (struct xen_shared_info *)a.host : NULL;
}

const char *hv_evtchn_state_name(enum hv_evtchn_state state)
{
    static const char *const names[] = {
        [HV_EVTCHN_FREE] = "free",
        [HV_EVTCHN_RESERVED] = "reserved",
        [HV_EVTCHN_UNBOUND] = "unbound",
        [HV_EVTCHN_INTERDOMAIN] = "interdomain",
        [HV_EVTCHN_VIRQ] = "virq",
        [HV_EVTCHN_SERVICE] = "service",
    };
    return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}
