/*
 * Event channels, 2-level ABI (Xen's common/event_channel.c and
 * event_2l.c semantics; ABI doc sections 4.7 and 5).
 *
 * Each domain has 4096 ports (64 words of 64 bits: xen_ulong_t is 64-bit on
 * ARM). Port 0 is reserved. A port is free, unbound (allocated, waiting
 * for remote_dom to bind), interdomain (connected to a port of another or
 * the same domain), bound to a VIRQ, or bound to a hypervisor service (the
 * in-hv console back-end, xenstore): sends on such a port call the
 * service's notify function, and the service signals the guest with
 * hv_evtchn_set_pending().
 *
 * Delivery follows the 2-level algorithm exactly (doc 5.2): set the port's
 * bit in shared_info.evtchn_pending; if it was clear and the port is not
 * masked, set bit port/64 of the notified vCPU's evtchn_pending_sel; if
 * that was clear, set evtchn_upcall_pending, and on its 0->1 edge call
 * hv->raise_upcall (the event PPI, INTID 31). EVTCHNOP_unmask re-delivers a
 * port that became pending while masked. All those words live in guest
 * RAM (shared_info once mapped, the registered vcpu_info), so every update
 * goes through hv_gpa_written(): the vCPUs' exclusive monitors on those
 * words are cleared.
 *
 * Errors are Xen's, as in Xen 4.17: -XEN_EINVAL for a port out of range or
 * in the wrong state, -XEN_ESRCH for an unknown domain, -XEN_EPERM for a
 * DomU naming another domain, -XEN_ENOENT for a vCPU that does not exist,
 * -XEN_ENOSPC when no port is free, -XEN_EEXIST for a VIRQ already bound,
 * -XEN_EBUSY for a global VIRQ bound by a non-privileged domain. As in Xen,
 * EVTCHNOP_send on an *unbound* port (allocated, peer not yet connected)
 * succeeds and the notification is dropped (counted in events_dropped);
 * on a free or reserved port it is -XEN_EINVAL.
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/cpu.h"
#include "hv/xen_abi.h"

struct domain;

enum hv_evtchn_state {
    HV_EVTCHN_FREE,
    HV_EVTCHN_RESERVED,         /* port 0 */
    HV_EVTCHN_UNBOUND,
    HV_EVTCHN_INTERDOMAIN,
    HV_EVTCHN_VIRQ,
    HV_EVTCHN_SERVICE,          /* consumed by a service inside hv/ */
};

/* A hypervisor service's handler for EVTCHNOP_send on its port. */
typedef void (*hv_evtchn_notify_fn)(void *opaque, struct domain *d, uint32_t port);

struct hv_evtchn {
    uint8_t state;              /* enum hv_evtchn_state */
    uint8_t notify_vcpu;        /* whose vcpu_info/PPI delivery uses */
    uint16_t remote_dom;        /* UNBOUND: who may bind; INTERDOMAIN: peer */
    uint32_t remote_port;       /* INTERDOMAIN: peer's port; VIRQ: the virq */
    hv_evtchn_notify_fn notify; /* SERVICE */
    void *opaque;
    uint64_t sent;              /* sends through this port */
    uint64_t delivered;         /* set_pending on this port */
};

struct hv_evtchn_table {
    struct hv_evtchn port[XEN_EVTCHN_2L_NR_CHANNELS];
    unsigned used;              /* ports not free (port 0 included) */
};

int hv_evtchn_init(struct domain *d);
/* Closes every port (interdomain peers revert to unbound) and frees. */
void hv_evtchn_destroy(struct domain *d);

/* ---- the hypercall: r0 = cmd, r1 = guest VA of the op struct ---- */

/*
 * Copies the argument in through vcpu's translation, performs the op and
 * copies the struct back for those with outputs. Unknown or unsupported
 * ops (bind_pirq, bind_ipi, reset, init_control, expand_array,
 * set_priority) give -XEN_ENOSYS; init_control must fail so that Linux
 * falls back to the 2-level ABI.
 */
int hv_evtchn_op(struct domain *d, struct arm_cpu *vcpu, uint32_t cmd, uint32_t arg);

/* ---- the operations on host copies of the arguments ---- */

int hv_evtchn_alloc_unbound(struct domain *d, struct xen_evtchn_alloc_unbound *op);
int hv_evtchn_bind_interdomain(struct domain *d, struct xen_evtchn_bind_interdomain *op);
int hv_evtchn_bind_virq(struct domain *d, struct xen_evtchn_bind_virq *op);
int hv_evtchn_bind_vcpu(struct domain *d, uint32_t port, uint32_t vcpu);
int hv_evtchn_send(struct domain *d, uint32_t port);
int hv_evtchn_close(struct domain *d, uint32_t port);
int hv_evtchn_status(struct domain *d, struct xen_evtchn_status *op);
int hv_evtchn_unmask(struct domain *d, uint32_t port);

/* ---- the hypervisor's side ---- */

/*
 * Binds a port of d to a service inside hv/ (console back-end, xenstore):
 * port 0 picks the lowest free port. Returns the port or -XEN_E*.
 */
int hv_evtchn_bind_service(struct domain *d, uint32_t port, hv_evtchn_notify_fn notify,
                           void *opaque);
/* Marks port pending for d (the 2-level set_pending); 0 or -XEN_EINVAL. */
int hv_evtchn_set_pending(struct domain *d, uint32_t port);
/*
 * What a service uses to signal its guest: set_pending only if port is
 * still bound to the service identified by opaque (the guest may have
 * closed it and reused the number for something else). 0 or -XEN_EINVAL.
 */
int hv_evtchn_service_signal(struct domain *d, uint32_t port, void *opaque);
/* Raises a VIRQ: per-vCPU VIRQs on that vCPU, global ones on vCPU 0's
 * binding. Returns 0, or -XEN_ENOENT when nothing is bound. */
int hv_evtchn_send_virq(struct domain *d, uint32_t virq, unsigned vcpu);

/*
 * XENMEM_add_to_physmap(XENMAPSPACE_shared_info, idx 0, gpfn): the page at
 * gpfn (RAM of d) becomes shared_info; the current contents (pending bits
 * and masks raised so far, wallclock) are copied into it. 0 or -XEN_EINVAL.
 */
int hv_evtchn_map_shared_info(struct domain *d, uint64_t gpfn);
/*
 * VCPUOP_register_vcpu_info(vcpu, {mfn, offset}): moves that vCPU's
 * vcpu_info to guest RAM, copies its state over, then marks every selector
 * bit and upcall_pending and raises the upcall, as Xen does, so nothing
 * raised before registration is lost. -XEN_ENOENT (no such vCPU),
 * -XEN_EINVAL (offset beyond 4096 - 48, already registered, not RAM).
 */
int hv_evtchn_register_vcpu_info(struct domain *d, unsigned vcpu, uint64_t gfn,
                                 uint32_t offset);
/* Writes the wallclock (doc 10) with the wc_version seqlock protocol. */
void hv_evtchn_set_wallclock(struct domain *d, uint64_t sec, uint32_t nsec);

/* ---- inspection (monitor, tests) ---- */

bool hv_evtchn_is_pending(struct domain *d, uint32_t port);
bool hv_evtchn_is_masked(struct domain *d, uint32_t port);
/* Host pointer to the vcpu_info delivery uses for vcpu right now. */
struct xen_vcpu_info *hv_evtchn_vcpu_info(struct domain *d, unsigned vcpu);
/* Host pointer to d's current shared_info (hv page or guest page). */
struct xen_shared_info *hv_evtchn_shared_info(struct domain *d);
const char *hv_evtchn_state_name(enum hv_evtchn_state state);

#endif
