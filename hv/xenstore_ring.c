/*
 * Xenstore shared-page transport (see xenstore_ring.h).
 *
 * Memory ordering. The guest's side is Linux xenbus_comms.c (and the
 * mini-OS xenbus client), which pairs each index access with a barrier:
 *   guest xb_write: read req_cons, virt_mb(), copy bytes, virt_wmb(), req_prod += n
 *   guest xb_read:  read rsp_prod, virt_rmb(), copy bytes, virt_mb(), rsp_cons += n
 * Our side mirrors it:
 *   requests:  load req_prod, acquire fence, copy bytes, release fence, store req_cons
 *   responses: load rsp_cons, acquire fence, copy bytes, release fence, store rsp_prod
 * The acquire after loading the guest's index keeps our later data accesses
 * from moving before it (we neither read bytes the guest has not published
 * nor overwrite bytes it has not finished reading); the release before
 * storing our index makes every byte access before it complete first (the
 * guest neither sees unwritten response bytes nor overwrites request bytes
 * we are still copying). Today vCPUs and the hypervisor share one host
 * thread, so these fences cost nothing; they keep the code right if a vCPU
 * ever runs on another thread. Indices are single aligned 32-bit words
 * accessed atomically, little-endian as the guest stores them.
 */
#include "hv/xenstore_ring.h"

#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

_Static_assert(offsetof(struct xenstore_domain_interface, req_cons) == XENSTORE_RING_REQ_CONS,
               "xs_wire.h layout");
_Static_assert(offsetof(struct xenstore_domain_interface, rsp_prod) == XENSTORE_RING_RSP_PROD,
               "xs_wire.h layout");
_Static_assert(offsetof(struct xenstore_domain_interface, error) == XENSTORE_RING_ERROR,
               "xs_wire.h layout");
_Static_assert(sizeof(struct xenstore_domain_interface) == 2076, "xs_wire.h layout");

#define RING_MASK (XENSTORE_RING_SIZE - 1)
#define REQ_OFFSET 0
#define RSP_OFFSET XENSTORE_RING_SIZE

static uint32_t ring_load(const uint8_t *page, unsigned off)
{
    return le32toh(__atomic_load_n((const uint32_t *)(page + off), __ATOMIC_RELAXED));
}

static void ring_store(uint8_t *page, unsigned off, uint32_t v)
{
    __atomic_store_n((uint32_t *)(page + off), htole32(v), __ATOMIC_RELAXED);
}

static int ring_break(struct xs_conn *c, uint8_t *page, uint32_t code, const char *why)
{
    xs_conn_mark_broken(c, why);
    ring_store(page, XENSTORE_RING_ERROR, code);
    return -EIO;
}

/* Copies queued output into the response space the guest has freed. */
static int ring_produce(struct xs_conn *c, struct xs_transport *t, uint8_t *page,
                        size_t *moved)
{
    uint32_t cons = ring_load(page, XENSTORE_RING_RSP_CONS);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint32_t prod = t->rsp_prod;
    /* Unsigned distance of free-running indices: more than a ring means
     * the guest's rsp_cons is bogus (it claims to have read unsent bytes). */
    if (prod - cons > XENSTORE_RING_SIZE)
        return ring_break(c, page, XENSTORE_ERROR_RINGIDX, "response ring indices invalid");
    uint32_t space = XENSTORE_RING_SIZE - (prod - cons);
    while (space) {
        const uint8_t *data;
        size_t avail = xs_conn_output_peek(c, &data);
        if (!avail)
            break;
        uint32_t off = prod & RING_MASK;
        size_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > space)
            chunk = space;
        if (chunk > avail)
            chunk = avail;
        memcpy(page + RSP_OFFSET + off, data, chunk);
        xs_conn_output_advance(c, chunk);
        prod += (uint32_t)chunk;
        space -= (uint32_t)chunk;
        *moved += chunk;
    }
    if (prod != t->rsp_prod) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ring_store(page, XENSTORE_RING_RSP_PROD, prod);
        t->rsp_prod = prod;
    }
    return 0;
}

/* Hands every available request byte to the connection, partial messages
 * included: Linux writes header and payload separately and kicks only when
 * we had consumed everything before its write (xenbus_comms.c xb_write). */
static int ring_consume(struct xs_conn *c, struct xs_transport *t, uint8_t *page,
                        size_t *moved)
{
    uint32_t prod = ring_load(page, XENSTORE_RING_REQ_PROD);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint32_t cons = t->req_cons;
    uint32_t avail = prod - cons;
    if (avail > XENSTORE_RING_SIZE)
        return ring_break(c, page, XENSTORE_ERROR_RINGIDX, "request ring indices invalid");
    /* Also with nothing new: a complete request held back while too much
     * output was queued gets processed now. */
    xs_conn_input(c, NULL, 0);
    while (avail && !xs_conn_broken(c)) {
        uint32_t off = cons & RING_MASK;
        size_t chunk = XENSTORE_RING_SIZE - off;
        if (chunk > avail)
            chunk = avail;
        size_t took = xs_conn_input(c, page + REQ_OFFSET + off, chunk);
        cons += (uint32_t)took;
        avail -= (uint32_t)took;
        *moved += took;
        if (took < chunk)
            break;      /* held back, or the stream broke */
    }
    if (cons != t->req_cons) {
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ring_store(page, XENSTORE_RING_REQ_CONS, cons);
        t->req_cons = cons;
    }
    if (xs_conn_broken(c)) {
        ring_store(page, XENSTORE_RING_ERROR, XENSTORE_ERROR_COMM);
        return -EIO;
    }
    return 0;
}

int xenstore_ring_process(struct xs_conn *c, uint8_t *page)
{
    struct xs_transport *t = xs_conn_transport(c);
    size_t moved = 0;
    int err = 0;

    if (xs_conn_broken(c))
        return -EIO;
    if (!t->synced) {
        t->req_cons = ring_load(page, XENSTORE_RING_REQ_CONS);
        t->rsp_prod = ring_load(page, XENSTORE_RING_RSP_PROD);
        t->synced = true;
    }
    /* The guest never writes the indices we own (Linux only fixes rsp_cons
     * on resume): a change means it is scribbling on the page. */
    if (ring_load(page, XENSTORE_RING_REQ_CONS) != t->req_cons ||
        ring_load(page, XENSTORE_RING_RSP_PROD) != t->rsp_prod)
        return ring_break(c, page, XENSTORE_ERROR_RINGIDX, "guest rewrote server indices");

    for (;;) {
        size_t before = moved;
        err = ring_produce(c, t, page, &moved);
        if (!err)
            err = ring_consume(c, t, page, &moved);
        /* Replies to what we just consumed go out in the same pass. */
        if (!err)
            err = ring_produce(c, t, page, &moved);
        if (err || moved == before)
            break;
    }
    if (moved) {
        /* Indices are published before the guest is interrupted. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        xs_conn_notify(c);
    }
    if (err)
        return err;
    return moved > (size_t)INT32_MAX ? INT32_MAX : (int)moved;
}

void xenstore_ring_reset(struct xs_conn *c, uint8_t *page)
{
    xs_conn_reset(c);
    ring_store(page, XENSTORE_RING_REQ_CONS, 0);
    ring_store(page, XENSTORE_RING_REQ_PROD, 0);
    ring_store(page, XENSTORE_RING_RSP_CONS, 0);
    ring_store(page, XENSTORE_RING_RSP_PROD, 0);
    ring_store(page, XENSTORE_RING_SERVER_FEATURES, XENSTORE_SERVER_FEATURE_ERROR);
    ring_store(page, XENSTORE_RING_CONNECTION, XENSTORE_CONNECTED);
    ring_store(page, XENSTORE_RING_ERROR, XENSTORE_ERROR_NONE);
    struct xs_transport *t = xs_conn_transport(c);
    t->req_cons = 0;
    t->rsp_prod = 0;
    t->synced = true;
}
