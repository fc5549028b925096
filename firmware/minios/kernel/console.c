/*
 * The kernel console. A DomU has a PV console ring (ABI doc 8): we copy
 * output into out[], publish out_prod after a write barrier and notify the
 * console port; when the ring is full we notify and SCHEDOP_yield, which
 * makes the in-hypervisor back-end drain it. Without a ring (Dom0) output
 * goes through console_io(CONSOLEIO_write).
 */
#include <stdarg.h>

#include "arch.h"
#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "lib.h"

static volatile struct xencons_interface *ring;
static evtchn_port_t ring_port;

void console_init(void)
{
    uint64_t pfn = 0, port = 0;

    if (hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn) < 0 ||
        hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) < 0 || !pfn || !port ||
        pfn > 0xfffffu || port >= EVTCHN_2L_NR_CHANNELS)
        return;
    ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << XEN_PAGE_SHIFT);
    ring_port = (evtchn_port_t)port;
}

int console_has_ring(void)
{
    return ring != NULL;
}

void console_bind_events(void)
{
    /* No handler: the upcall only wakes the threads waiting for input. */
    if (ring)
        evtchn_bind(ring_port, NULL, NULL);
}

bool console_input_pending(void)
{
    return ring && ring->in_prod != ring->in_cons;
}

static void ring_notify(void)
{
    struct evtchn_port_op op = { .port = ring_port };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &op);
}

static void ring_write(const char *buf, size_t len)
{
    while (len) {
        uint32_t prod = ring->out_prod;
        uint32_t space = sizeof(ring->out) - (prod - ring->out_cons);

        if (space > sizeof(ring->out)) {
            /* The back-end corrupted the indices: fall back to console_io. */
            HYPERVISOR_console_io(CONSOLEIO_write, len, buf);
            return;
        }
        if (!space) {
            ring_notify();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        size_t n = len < space ? len : space;

        for (size_t i = 0; i < n; i++)
            ring->out[(prod + i) & (sizeof(ring->out) - 1)] = buf[i];
        wmb();
        ring->out_prod = prod + n;
        buf += n;
        len -= n;
    }
    ring_notify();
}

void console_write(const char *buf, size_t len)
{
    if (!len)
        return;
    if (ring) {
        /* The ring indices are shared between threads and interrupt-free code only. */
        uint32_t flags = irq_save();

        ring_write(buf, len);
        irq_restore(flags);
    } else {
        HYPERVISOR_console_io(CONSOLEIO_write, len, buf);
    }
}

size_t console_read(char *buf, size_t len)
{
    size_t n = 0;

    if (!ring)
        return 0;
    uint32_t cons = ring->in_cons, prod = ring->in_prod;

    rmb();
    if (prod - cons > sizeof(ring->in))
        return 0;
    while (n < len && cons != prod)
        buf[n++] = ring->in[cons++ & (sizeof(ring->in) - 1)];
    mb();
    ring->in_cons = cons;
    if (n)
        ring_notify();
    return n;
}

struct line_buffer {
    char buf[256];
    size_t used;
};

static void line_out(char c, void *opaque)
{
    struct line_buffer *lb = opaque;

    lb->buf[lb->used++] = c;
    if (lb->used == sizeof(lb->buf)) {
        console_write(lb->buf, lb->used);
        lb->used = 0;
    }
}

int printk(const char *fmt, ...)
{
    struct line_buffer lb;
    va_list ap;

    lb.used = 0;
    va_start(ap, fmt);
    int n = format(line_out, &lb, fmt, ap);
    va_end(ap);
    console_write(lb.buf, lb.used);
    return n;
}
