/*
 * Event channels, guest side of the 2-level ABI (ABI doc 5.1-5.3). The
 * upcall handler is the mirror of the hypervisor's set_pending: clear
 * evtchn_upcall_pending, swap the selector to 0, and for each selected
 * word handle the ports that are pending and not masked, clearing their
 * pending bits; repeat while upcall_pending was set again. Bits are
 * accessed as 32-bit words (little-endian: port p is bit p%32 of word
 * p/32), with LDREX/STREX since the hypervisor writes the same words.
 */
#include "arch.h"
#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "lib.h"
#include "vgic.h"

struct shared_info *HYPERVISOR_shared_info;

static uint8_t shared_info_page[XEN_PAGE_SIZE]
    __attribute__((aligned(XEN_PAGE_SIZE), section(".bss.page_aligned")));
static struct vcpu_info our_vcpu_info __attribute__((aligned(64)));
static volatile struct vcpu_info *vcpu0;

struct port_handler {
    evtchn_handler_fn fn;
    void *data;
};
static struct port_handler handlers[EVTCHN_2L_NR_CHANNELS];
static volatile uint32_t fired[EVTCHN_2L_NR_CHANNELS / 32];
static volatile uint32_t upcalls;

static volatile uint32_t *pending_words(void)
{
    return (volatile uint32_t *)HYPERVISOR_shared_info->evtchn_pending;
}

static volatile uint32_t *mask_words(void)
{
    return (volatile uint32_t *)HYPERVISOR_shared_info->evtchn_mask;
}

static void handle_port(evtchn_port_t port)
{
    atomic_set_bits(&fired[port / 32], 1u << (port % 32));
    if (handlers[port].fn)
        handlers[port].fn(port, handlers[port].data);
}

static void evtchn_upcall(uint32_t intid)
{
    (void)intid;
    upcalls++;
    do {
        vcpu0->evtchn_upcall_pending = 0;
        mb();
        uint64_t sel = xchg64_zero(&vcpu0->evtchn_pending_sel);

        while (sel) {
            unsigned word64 = (unsigned)__builtin_ctzll(sel);

            sel &= sel - 1;
            for (unsigned half = 0; half < 2; half++) {
                unsigned w = word64 * 2 + half;
                uint32_t ready = pending_words()[w] & ~mask_words()[w];

                while (ready) {
                    unsigned bit = (unsigned)__builtin_ctz(ready);

                    ready &= ready - 1;
                    atomic_clear_bits(&pending_words()[w], 1u << bit);
                    handle_port(w * 32 + bit);
                }
            }
        }
    } while (vcpu0->evtchn_upcall_pending);
}

void events_init(void)
{
    struct xen_add_to_physmap xatp = {
        .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info,
        .idx = 0,
        .gpfn = (uintptr_t)shared_info_page >> XEN_PAGE_SHIFT,
    };
    long rc = HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);

    if (rc < 0) {
        printk("events: add_to_physmap(shared_info) failed: %ld\n", rc);
        xen_shutdown(SHUTDOWN_crash);
    }
    HYPERVISOR_shared_info = (struct shared_info *)shared_info_page;
    vcpu0 = &HYPERVISOR_shared_info->vcpu_info[0];

    /* Mask everything; evtchn_bind unmasks what we use. */
    for (unsigned w = 0; w < EVTCHN_2L_NR_CHANNELS / 32; w++)
        atomic_set_bits(&mask_words()[w], 0xffffffffu);

    struct vcpu_register_vcpu_info info = {
        .mfn = (uintptr_t)&our_vcpu_info >> XEN_PAGE_SHIFT,
        .offset = (uintptr_t)&our_vcpu_info & (XEN_PAGE_SIZE - 1),
    };
    rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info);
    if (rc == 0)
        vcpu0 = &our_vcpu_info;
    else
        printk("events: register_vcpu_info failed (%ld), using shared_info's\n", rc);
    vgic_enable(GUEST_EVTCHN_PPI, evtchn_upcall);
}

void evtchn_bind(evtchn_port_t port, evtchn_handler_fn handler, void *data)
{
    if (port >= EVTCHN_2L_NR_CHANNELS)
        return;
    /*
     * The handler is published before the port is unmasked, so an upcall
     * for it never sees a half-written entry: the unmask is a hypercall,
     * after which the hypervisor may deliver (a full barrier for the only
     * CPU there is).
     */
    handlers[port].fn = handler;
    handlers[port].data = data;
    evtchn_unmask(port);
}

void evtchn_mask(evtchn_port_t port)
{
    if (port < EVTCHN_2L_NR_CHANNELS)
        atomic_set_bits(&mask_words()[port / 32], 1u << (port % 32));
}

long evtchn_unmask(evtchn_port_t port)
{
    struct evtchn_port_op op = { .port = port };

    /* Xen's unmask re-delivers a port that became pending while masked. */
    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &op);
}

long evtchn_send(evtchn_port_t port)
{
    struct evtchn_port_op op = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

long evtchn_close(evtchn_port_t port)
{
    struct evtchn_port_op op = { .port = port };

    if (port < EVTCHN_2L_NR_CHANNELS)
        handlers[port].fn = NULL;
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &op);
}

long evtchn_alloc_unbound(domid_t remote_dom)
{
    struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote_dom };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &op);

    return rc < 0 ? rc : (long)op.port;
}

long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port)
{
    struct evtchn_bind_interdomain op = { .remote_dom = remote_dom,
                                          .remote_port = remote_port };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &op);

    return rc < 0 ? rc : (long)op.local_port;
}

bool evtchn_test_and_clear_fired(evtchn_port_t port)
{
    if (port >= EVTCHN_2L_NR_CHANNELS)
        return false;
    uint32_t bit = 1u << (port % 32);

    return (atomic_clear_bits(&fired[port / 32], bit) & bit) != 0;
}

uint32_t events_upcalls(void)
{
    return upcalls;
}
