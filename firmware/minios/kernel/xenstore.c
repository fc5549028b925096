/*
 * Xenstore client (ABI doc 7.1-7.2). Requests are written into req[] in
 * chunks as space allows, publishing req_prod after a barrier and
 * notifying the store port; the response ring is drained into a message
 * buffer as bytes arrive, so replies and watch events may be any size up
 * to the 4096-byte payload limit. A reply is matched by req_id; watch
 * events are queued for xs_read_watch.
 */
#include "arch.h"
#include "events.h"
#include "hypercall.h"
#include "lib.h"
#include "sched.h"
#include "xenstore.h"

#define WATCH_QUEUE 8
#define WATCH_EVENT_MAX 256

static volatile struct xenstore_domain_interface *ring;
static evtchn_port_t store_port;
static bool busy;               /* a request is outstanding */
static uint32_t next_req_id = 1;

/* The message being read from the response ring. */
static struct {
    struct xsd_sockmsg hdr;
    char body[XENSTORE_PAYLOAD_MAX + 1];
    size_t have;                /* bytes of header + body read */
} incoming;

/* The reply of the outstanding request, once complete. */
static struct {
    uint32_t req_id;
    bool done;
    uint32_t type, len;
    char body[XENSTORE_PAYLOAD_MAX + 1];
} reply;

static struct {
    char data[WATCH_EVENT_MAX];     /* path\0token\0 */
    size_t len;
} watch_queue[WATCH_QUEUE];
static unsigned watch_head, watch_count;

long xenstore_init(void)
{
    uint64_t pfn = 0, port = 0;

    if (hvm_get_param(HVM_PARAM_STORE_PFN, &pfn) < 0 ||
        hvm_get_param(HVM_PARAM_STORE_EVTCHN, &port) < 0 || !pfn || !port ||
        pfn > 0xfffffu || port >= EVTCHN_2L_NR_CHANNELS)
        return -XEN_ENOENT;
    ring = (volatile struct xenstore_domain_interface *)(uintptr_t)(pfn << XEN_PAGE_SHIFT);
    store_port = (evtchn_port_t)port;
    evtchn_bind(store_port, NULL, NULL);
    return 0;
}

static void message_complete(void)
{
    if (incoming.hdr.type == XS_WATCH_EVENT) {
        if (watch_count < WATCH_QUEUE && incoming.hdr.len < WATCH_EVENT_MAX) {
            unsigned slot = (watch_head + watch_count++) % WATCH_QUEUE;

            memcpy(watch_queue[slot].data, incoming.body, incoming.hdr.len);
            watch_queue[slot].len = incoming.hdr.len;
        }
        return;
    }
    if (incoming.hdr.req_id == reply.req_id && !reply.done) {
        reply.type = incoming.hdr.type;
        reply.len = incoming.hdr.len;
        memcpy(reply.body, incoming.body, incoming.hdr.len);
        reply.body[reply.len] = '\0';
        reply.done = true;
    }
}

/* Reads whatever the response ring holds; returns false if it is corrupt. */
static bool drain_responses(void)
{
    uint32_t cons = ring->rsp_cons, prod = ring->rsp_prod;

    rmb();
    if (prod - cons > XENSTORE_RING_SIZE)
        return false;
    bool was_full = prod - cons == XENSTORE_RING_SIZE;

    while (cons != prod) {
        char c = ring->rsp[cons++ & (XENSTORE_RING_SIZE - 1)];

        if (incoming.have < sizeof(incoming.hdr)) {
            ((char *)&incoming.hdr)[incoming.have++] = c;
            if (incoming.have == sizeof(incoming.hdr) && incoming.hdr.len > XENSTORE_PAYLOAD_MAX)
                incoming.hdr.len = XENSTORE_PAYLOAD_MAX;    /* hostile length: truncate */
        } else {
            incoming.body[incoming.have++ - sizeof(incoming.hdr)] = c;
        }
        if (incoming.have >= sizeof(incoming.hdr) &&
            incoming.have == sizeof(incoming.hdr) + incoming.hdr.len) {
            message_complete();
            incoming.have = 0;
        }
    }
    mb();
    ring->rsp_cons = cons;
    if (was_full)
        evtchn_send(store_port);
    return true;
}

static void write_request(const void *data, size_t len)
{
    const char *p = data;

    while (len) {
        uint32_t prod = ring->req_prod;
        uint32_t used = prod - ring->req_cons;

        if (used >= XENSTORE_RING_SIZE) {
            evtchn_send(store_port);
            wait_until(ring->req_prod - ring->req_cons < XENSTORE_RING_SIZE, 0);
            continue;
        }
        size_t n = XENSTORE_RING_SIZE - used;

        if (n > len)
            n = len;
        for (size_t i = 0; i < n; i++)
            ring->req[(prod + i) & (XENSTORE_RING_SIZE - 1)] = p[i];
        wmb();
        ring->req_prod = prod + n;
        evtchn_send(store_port);
        p += n;
        len -= n;
    }
}

static const struct {
    const char *name;
    long err;
} error_names[] = {
    { "EINVAL", XEN_EINVAL }, { "EACCES", XEN_EACCES }, { "EEXIST", XEN_EEXIST },
    { "ENOENT", XEN_ENOENT }, { "ENOMEM", XEN_ENOMEM }, { "ENOSPC", XEN_ENOSPC },
    { "EAGAIN", XEN_EAGAIN }, { "EBUSY", XEN_EBUSY }, { "ENOSYS", XEN_ENOSYS },
    { "EPERM", XEN_EPERM }, { "ESRCH", XEN_ESRCH }, { "EFAULT", XEN_EFAULT },
};

const char *xen_errno_name(long err)
{
    if (err >= 0)
        return "OK";
    for (unsigned i = 0; i < ARRAY_SIZE(error_names); i++) {
        if (error_names[i].err == -err)
            return error_names[i].name;
    }
    return "E?";
}

static long error_from_name(const char *name)
{
    for (unsigned i = 0; i < ARRAY_SIZE(error_names); i++) {
        if (!strcmp(name, error_names[i].name))
            return -error_names[i].err;
    }
    return -XEN_EINVAL;
}

/* One request at a time: threads queue here (cooperatively, no atomics needed). */
static void lock(void)
{
    wait_until(!busy, 0);
    busy = true;
}

static void unlock(void)
{
    busy = false;
}

/* Sends a request and waits for its reply; the caller holds the lock. */
static long talk(uint32_t type, const void *payload, size_t len, char *buf, size_t size)
{
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_EINVAL;
    struct xsd_sockmsg hdr = { .type = type, .req_id = next_req_id++, .len = (uint32_t)len };

    reply.req_id = hdr.req_id;
    reply.done = false;
    write_request(&hdr, sizeof(hdr));
    write_request(payload, len);
    bool ok = wait_until(!drain_responses() || reply.done, 0) && reply.done;

    if (!ok)
        return -XEN_EINVAL;     /* the ring indices were corrupt */
    if (reply.type == XS_ERROR)
        return error_from_name(reply.body);
    if (reply.type != type)
        return -XEN_EINVAL;
    if (buf && size) {
        size_t n = reply.len < size - 1 ? reply.len : size - 1;

        memcpy(buf, reply.body, n);
        buf[n] = '\0';
    }
    return (long)reply.len;
}

long xs_request(uint32_t type, const void *payload, size_t len, char *buf, size_t size)
{
    if (!ring)
        return -XEN_ENOSYS;
    lock();
    long rc = talk(type, payload, len, buf, size);

    unlock();
    return rc;
}

/*
 * path\0 followed by an optional second string (with or without its NUL).
 * The payload buffer is shared, so it is filled under the lock: a request
 * may wait for ring space halfway through.
 */
static long request2(uint32_t type, const char *a, const char *b, bool b_nul, char *buf,
                     size_t size)
{
    static char payload[XENSTORE_PAYLOAD_MAX];
    size_t la = strlen(a) + 1, lb = b ? strlen(b) + (b_nul ? 1 : 0) : 0;

    if (!ring)
        return -XEN_ENOSYS;
    if (la + lb > sizeof(payload))
        return -XEN_EINVAL;
    lock();
    memcpy(payload, a, la);
    if (b)
        memcpy(payload + la, b, lb);
    long rc = talk(type, payload, la + lb, buf, size);

    unlock();
    return rc;
}

long xs_read(const char *path, char *buf, size_t size)
{
    return request2(XS_READ, path, NULL, false, buf, size);
}

long xs_write(const char *path, const char *value)
{
    long rc = request2(XS_WRITE, path, value, false, NULL, 0);

    return rc < 0 ? rc : 0;
}

long xs_rm(const char *path)
{
    long rc = request2(XS_RM, path, NULL, false, NULL, 0);

    return rc < 0 ? rc : 0;
}

long xs_directory(const char *path, char *buf, size_t size)
{
    return request2(XS_DIRECTORY, path, NULL, false, buf, size);
}

long xs_watch(const char *path, const char *token)
{
    long rc = request2(XS_WATCH, path, token, true, NULL, 0);

    return rc < 0 ? rc : 0;
}

long xs_read_watch(char *path, size_t path_size, char *token, size_t token_size,
                   uint32_t timeout_ms)
{
    uint64_t deadline = timeout_ms ? timer_now() + timer_ms_to_ticks(timeout_ms) : 0;

    if (!ring)
        return -XEN_ENOSYS;
    if (!wait_until((busy || drain_responses()) && watch_count > 0, deadline))
        return -XEN_EAGAIN;
    char *data = watch_queue[watch_head].data;
    size_t len = watch_queue[watch_head].len;
    size_t plen = strnlen(data, len);

    data[len] = '\0';
    snprintf(path, path_size, "%s", data);
    snprintf(token, token_size, "%s", plen + 1 < len ? data + plen + 1 : "");
    watch_head = (watch_head + 1) % WATCH_QUEUE;
    watch_count--;
    return 0;
}
