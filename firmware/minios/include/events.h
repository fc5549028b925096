/*
 * Event channels, 2-level ABI (ABI doc 5). shared_info is a page of our
 * RAM handed to the hypervisor with XENMEM_add_to_physmap; vCPU 0's
 * vcpu_info is registered in another. The upcall (PPI INTID 31) scans
 * selector and pending words, clears each pending port, records it as
 * fired and calls its handler (in interrupt context: handlers only note
 * work for threads).
 */
#ifndef MINIOS_EVENTS_H
#define MINIOS_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "xen.h"

typedef void (*evtchn_handler_fn)(evtchn_port_t port, void *data);

extern struct shared_info *HYPERVISOR_shared_info;

/* Maps shared_info, registers vcpu_info, enables the upcall PPI. */
void events_init(void);
/* Installs a handler (may be NULL) and unmasks the port. */
void evtchn_bind(evtchn_port_t port, evtchn_handler_fn handler, void *data);
void evtchn_mask(evtchn_port_t port);
long evtchn_unmask(evtchn_port_t port);
long evtchn_send(evtchn_port_t port);
long evtchn_close(evtchn_port_t port);
/* EVTCHNOP_alloc_unbound for remote_dom: the port, or -XEN_E*. */
long evtchn_alloc_unbound(domid_t remote_dom);
/* EVTCHNOP_bind_interdomain: the local port, or -XEN_E*. */
long evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port);
/* True (once) if the port fired since the last call. */
bool evtchn_test_and_clear_fired(evtchn_port_t port);
/* Upcalls handled so far. */
uint32_t events_upcalls(void);

#endif
