/*
 * The PV console back-end inside the hypervisor (ABI doc section 8) and
 * each domain's console output history.
 *
 * Ring. A DomU's console is a struct xencons_interface in a page of its
 * own address space (the magic page at 0x39000000): the guest produces
 * into out[] and consumes in[]; hv/ is the back-end. The ring's event
 * channel is an hv "service" port: every EVTCHNOP_send on it (and every
 * SCHEDOP_yield, which hvc_xen spins on while out[] is full) drains out[]
 * to hv->console_write; hv_console_input() appends to in[]. hv/ signals
 * the port only when it consumed output or delivered input, because Linux
 * counts events that bring neither as spurious and throttles the IRQ.
 *
 * Hostile rings. The indices are free-running u32 written by the guest;
 * positions are idx % size, so no index can make hv/ touch anything
 * outside the page. A producer more than a ring ahead of its consumer
 * (out_prod - out_cons > 2048, or in_prod - in_cons > 1024) is a broken or
 * hostile guest: hv/ counts a ring error, traces it (TRACE_GUEST_ERROR),
 * drops the output by catching out_cons up with out_prod, and refuses
 * input until the guest repairs in_cons.
 *
 * History. Everything a domain writes to its console (ring and
 * console_io) is also kept in a 4 KiB ring buffer with a running byte
 * count, which the toolstack reads with ARMHV_DOMCTL_console_read (Dom0's
 * `console NAME`).
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/xen_abi.h"

struct domain;

#define HV_CONSOLE_HISTORY 4096u    /* bytes of output kept per domain */

struct hv_console {
    /* output history: byte n (counting from domain creation) lives at
     * history[n % HV_CONSOLE_HISTORY]; total bytes ever written */
    uint8_t history[HV_CONSOLE_HISTORY];
    uint64_t total;

    bool ring_attached;
    uint64_t ring_gpa;              /* the xencons_interface page */
    uint32_t port;                  /* its service event channel */

    /* counters */
    uint64_t out_bytes;             /* drained from out[] */
    uint64_t in_bytes;              /* put into in[] */
    uint64_t ring_errors;           /* hostile or corrupt indices seen */
};

/* Allocates d->console (history only): called by hv_domain_create. */
int hv_console_init(struct domain *d);
void hv_console_destroy(struct domain *d);

/*
 * Makes the page at ring_gpa (RAM of d's address space, page-aligned)
 * d's PV console ring: binds a service port (port 0: the lowest free
 * one) and sets HVM_PARAM_CONSOLE_PFN and HVM_PARAM_CONSOLE_EVTCHN.
 * The builder calls it before the domain runs (the page must be zeroed
 * or hold valid indices). Returns the port, or -XEN_EINVAL (not a RAM
 * page, already attached), -XEN_EBUSY/-XEN_ENOSPC (port).
 */
int hv_console_attach(struct domain *d, uint64_t ring_gpa, uint32_t port);

/* Output of d (from any source): into the history, then to
 * hv->console_write. */
void hv_console_output(struct domain *d, const char *buf, size_t len);

/*
 * Moves what the guest produced in out[] to hv_console_output and
 * advances out_cons; signals the port if anything was consumed. Returns
 * the bytes drained (0 without a ring).
 */
size_t hv_console_drain(struct domain *d);

/*
 * Appends up to len bytes to in[] (as many as fit) and signals the port.
 * Returns the bytes accepted: 0 when the ring is full, hostile, or d has
 * no ring.
 */
size_t hv_console_input(struct domain *d, const uint8_t *buf, size_t len);

/*
 * Reads the history for the toolstack: copies up to len bytes starting at
 * *offset (a running byte count; an offset older than what is kept starts
 * at the oldest byte kept; one beyond the end gives nothing) and sets
 * *offset to where the copy ended. Returns the bytes copied.
 */
size_t hv_console_history_read(const struct domain *d, uint64_t *offset, char *buf, size_t len);

#endif
