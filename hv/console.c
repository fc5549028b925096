/*
 * PV console back-end and console history (see hv/console.h).
 *
 * The ring page is RAM of the domain, so the guest may change it at any
 * moment between two hypervisor accesses; every drain and input therefore
 * reads each index once into a local, validates the difference against
 * the ring size and only then touches the data, always at idx % size.
 */
#include "hv/console.h"

#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/guest_mem.h"

#define OFF_IN offsetof(struct xencons_interface, in)
#define OFF_OUT offsetof(struct xencons_interface, out)
#define OFF_IN_CONS offsetof(struct xencons_interface, in_cons)
#define OFF_IN_PROD offsetof(struct xencons_interface, in_prod)
#define OFF_OUT_CONS offsetof(struct xencons_interface, out_cons)
#define OFF_OUT_PROD offsetof(struct xencons_interface, out_prod)

int hv_console_init(struct domain *d)
{
    d->console = calloc(1, sizeof(*d->console));
    return d->console ? 0 : -XEN_ENOMEM;
}

void hv_console_destroy(struct domain *d)
{
    free(d->console);
    d->console = NULL;
}

/* ---- the ring ---- */

/* Host view of the ring page, or NULL (no ring, or the page is gone). */
static uint8_t *ring_page(struct domain *d)
{
    struct hv_console *c = d->console;
    if (!c || !c->ring_attached || d->state == HV_DOMAIN_DYING)
        return NULL;
    return hv_gpa_ptr(d, c->ring_gpa, XEN_PAGE_SIZE);
}

static uint32_t index_get(const uint8_t *page, size_t off)
{
    uint32_t v;
    memcpy(&v, page + off, sizeof(v));
    return v;
}

static void index_put(struct domain *d, uint8_t *page, size_t off, uint32_t v)
{
    memcpy(page + off, &v, sizeof(v));
    hv_gpa_written(d, d->console->ring_gpa + off, sizeof(v));
}

static void ring_error(struct domain *d, const char *which, uint32_t prod, uint32_t cons)
{
    d->console->ring_errors++;
    trace_printf(d->hv->trace, TRACE_GUEST_ERROR,
                 "d%u: console %s ring indices prod=%u cons=%u are more than a ring apart",
                 d->domid, which, prod, cons);
}

static void signal_guest(struct domain *d)
{
    hv_evtchn_service_signal(d, d->console->port, d->console);
}

static void console_notified(void *opaque, struct domain *d, uint32_t port)
{
    (void)opaque;
    (void)port;
    hv_console_drain(d);
}

int hv_console_attach(struct domain *d, uint64_t ring_gpa, uint32_t port)
{
    struct hv_console *c = d->console;
    if (!c || c->ring_attached || (ring_gpa & (XEN_PAGE_SIZE - 1)) ||
        !hv_gpa_ptr(d, ring_gpa, XEN_PAGE_SIZE))
        return -XEN_EINVAL;
    int p = hv_evtchn_bind_service(d, port, console_notified, c);
    if (p < 0)
        return p;
    c->ring_attached = true;
    c->ring_gpa = ring_gpa;
    c->port = (uint32_t)p;
    hv_domain_set_param(d, XEN_HVM_PARAM_CONSOLE_PFN, ring_gpa >> XEN_PAGE_SHIFT);
    hv_domain_set_param(d, XEN_HVM_PARAM_CONSOLE_EVTCHN, (uint64_t)p);
    trace_printf(d->hv->trace, TRACE_HV, "d%u: PV console at 0x%08llx, port %d", d->domid,
                 (unsigned long long)ring_gpa, p);
    return p;
}

size_t hv_console_drain(struct domain *d)
{
    uint8_t *page = ring_page(d);
    if (!page)
        return 0;
    uint32_t cons = index_get(page, OFF_OUT_CONS);
    uint32_t prod = index_get(page, OFF_OUT_PROD);
    uint32_t avail = prod - cons;
    if (avail == 0)
        return 0;
    if (avail > XENCONS_OUT_SIZE) {
        /* Nothing in the ring can be trusted: drop it and resynchronise. */
        ring_error(d, "out", prod, cons);
        index_put(d, page, OFF_OUT_CONS, prod);
        return 0;
    }
    char buf[XENCONS_OUT_SIZE];
    for (uint32_t i = 0; i < avail; i++)
        buf[i] = (char)page[OFF_OUT + ((cons + i) % XENCONS_OUT_SIZE)];
    index_put(d, page, OFF_OUT_CONS, prod);
    d->console->out_bytes += avail;
    hv_console_output(d, buf, avail);
    signal_guest(d);
    return avail;
}

size_t hv_console_input(struct domain *d, const uint8_t *buf, size_t len)
{
    uint8_t *page = ring_page(d);
    if (!page || !len)
        return 0;
    uint32_t cons = index_get(page, OFF_IN_CONS);
    uint32_t prod = index_get(page, OFF_IN_PROD);
    uint32_t used = prod - cons;
    if (used > XENCONS_IN_SIZE) {
        ring_error(d, "in", prod, cons);
        return 0;
    }
    size_t room = XENCONS_IN_SIZE - used;
    size_t n = len < room ? len : room;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        page[OFF_IN + ((prod + i) % XENCONS_IN_SIZE)] = buf[i];
    hv_gpa_written(d, d->console->ring_gpa + OFF_IN, XENCONS_IN_SIZE);
    /* Data before the index (the guest reads the index, then the data). */
    index_put(d, page, OFF_IN_PROD, prod + (uint32_t)n);
    d->console->in_bytes += n;
    signal_guest(d);
    return n;
}

/* ---- output and history ---- */

void hv_console_output(struct domain *d, const char *buf, size_t len)
{
    struct hv_console *c = d->console;
    if (c) {
        /* Only the last HV_CONSOLE_HISTORY bytes can survive. */
        size_t skip = len > HV_CONSOLE_HISTORY ? len - HV_CONSOLE_HISTORY : 0;
        c->total += skip;
        for (size_t i = skip; i < len; i++)
            c->history[c->total++ % HV_CONSOLE_HISTORY] = (uint8_t)buf[i];
    }
    if (d->hv->console_write && len)
        d->hv->console_write(d, buf, len);
}

size_t hv_console_history_read(const struct domain *d, uint64_t *offset, char *buf, size_t len)
{
    const struct hv_console *c = d->console;
    if (!c)
        return 0;
    uint64_t oldest = c->total > HV_CONSOLE_HISTORY ? c->total - HV_CONSOLE_HISTORY : 0;
    uint64_t start = *offset;
    if (start < oldest)
        start = oldest;
    if (start > c->total)
        start = c->total;
    uint64_t avail = c->total - start;
    size_t n = avail < len ? (size_t)avail : len;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)c->history[(start + i) % HV_CONSOLE_HISTORY];
    *offset = start + n;
    return n;
}
