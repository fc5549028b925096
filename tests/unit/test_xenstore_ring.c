/*
 * The xenstore shared-page transport, against a simulated guest that
 * writes requests into the page as Linux xenbus_comms.c does: header and
 * payload as separate writes, sometimes one byte at a time, reading replies
 * in pieces. The server must consume partial requests eagerly (Linux kicks
 * only when the server had caught up: ABI doc 7.1), resume long replies as
 * the guest frees space, deliver watch events between replies, survive
 * index wrap-around, and treat hostile indices as a broken connection, not
 * a crash or an access outside the page (issue 5 acceptance 3).
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/xenstore.h"
#include "hv/xenstore_ring.h"

#define MASK (XENSTORE_RING_SIZE - 1)

struct guest {
    struct xs_store *s;
    struct xs_conn *c;
    uint8_t *page;
    struct xenstore_domain_interface *intf;
    unsigned kicks;
    unsigned pending;           /* output_pending callbacks */
    uint8_t rx[64 * 1024];      /* response bytes read, not yet parsed */
    size_t rx_len;
};

static void on_notify(void *opaque, struct xs_conn *c)
{
    struct guest *g = opaque;
    ck_assert_ptr_eq(c, g->c);
    g->kicks++;
}

static void on_pending(void *opaque, struct xs_conn *c)
{
    struct guest *g = opaque;
    ck_assert_ptr_eq(c, g->c);
    g->pending++;
}

static const struct xs_conn_ops guest_ops = { on_pending, on_notify };

static struct guest *guest_new(const struct xs_limits *lim)
{
    struct guest *g = calloc(1, sizeof(*g));
    ck_assert_ptr_nonnull(g);
    g->s = xs_store_create(lim, NULL);
    ck_assert_ptr_nonnull(g->s);
    ck_assert_int_eq(xs_domain_introduce(g->s, 0, NULL), 0);
    ck_assert_int_eq(xs_domain_introduce(g->s, 1, &g->c), 0);
    g->page = aligned_alloc(4096, 4096);
    ck_assert_ptr_nonnull(g->page);
    memset(g->page, 0xa5, 4096);        /* the reset must not rely on a clean page */
    g->intf = (struct xenstore_domain_interface *)g->page;
    xs_conn_set_ops(g->c, &guest_ops, g);
    xenstore_ring_reset(g->c, g->page);
    ck_assert_uint_eq(g->intf->req_prod, 0);
    ck_assert_uint_eq(g->intf->connection, XENSTORE_CONNECTED);
    ck_assert_uint_eq(g->intf->error, XENSTORE_ERROR_NONE);
    return g;
}

static void guest_free(struct guest *g)
{
    xs_store_destroy(g->s);
    free(g->page);
    free(g);
}

/* The guest's xb_write: copy what fits, barrier, publish req_prod. */
static size_t guest_put(struct guest *g, const void *data, size_t len)
{
    const uint8_t *b = data;
    uint32_t cons = g->intf->req_cons, prod = g->intf->req_prod;
    size_t done = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    while (done < len && prod - cons < XENSTORE_RING_SIZE)
        g->intf->req[prod++ & MASK] = (char)b[done++];
    __atomic_thread_fence(__ATOMIC_RELEASE);
    g->intf->req_prod = prod;
    return done;
}

/* The guest's xb_read: take up to max bytes of responses. */
static size_t guest_take(struct guest *g, size_t max)
{
    uint32_t cons = g->intf->rsp_cons, prod = g->intf->rsp_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    size_t n = 0;
    while (cons != prod && n < max && g->rx_len < sizeof(g->rx)) {
        g->rx[g->rx_len++] = (uint8_t)g->intf->rsp[cons++ & MASK];
        n++;
    }
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    g->intf->rsp_cons = cons;
    return n;
}

static size_t msg_build(uint8_t *buf, uint32_t type, uint32_t req_id, uint32_t tx,
                        const void *payload, size_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx, (uint32_t)len };
    memcpy(buf, &h, sizeof(h));     /* the host is little-endian like the guest */
    if (len)
        memcpy(buf + sizeof(h), payload, len);
    return sizeof(h) + len;
}

/* "path\0" + value, as XS_WRITE. */
static size_t msg_write(uint8_t *buf, uint32_t req_id, const char *path, const char *value)
{
    char payload[512];
    size_t pl = strlen(path) + 1, vl = strlen(value);
    memcpy(payload, path, pl);
    memcpy(payload + pl, value, vl);
    return msg_build(buf, XS_WRITE, req_id, 0, payload, pl + vl);
}

static size_t msg_path(uint8_t *buf, uint32_t type, uint32_t req_id, const char *path)
{
    return msg_build(buf, type, req_id, 0, path, strlen(path) + 1);
}

/* Parses one complete message out of what the guest read. */
static bool guest_msg(struct guest *g, struct xsd_sockmsg *h, char *payload)
{
    if (g->rx_len < sizeof(*h))
        return false;
    memcpy(h, g->rx, sizeof(*h));
    ck_assert_uint_le(h->len, XENSTORE_PAYLOAD_MAX);
    if (g->rx_len < sizeof(*h) + h->len)
        return false;
    memcpy(payload, g->rx + sizeof(*h), h->len);
    payload[h->len] = '\0';
    g->rx_len -= sizeof(*h) + h->len;
    memmove(g->rx, g->rx + sizeof(*h) + h->len, g->rx_len);
    return true;
}

static void expect_msg(struct guest *g, uint32_t type, uint32_t req_id, const char *payload,
                       size_t len)
{
    struct xsd_sockmsg h;
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    ck_assert_msg(guest_msg(g, &h, buf), "no message (want type %u req %u)", type, req_id);
    ck_assert_uint_eq(h.type, type);
    ck_assert_uint_eq(h.req_id, req_id);
    ck_assert_uint_eq(h.len, len);
    ck_assert_int_eq(memcmp(buf, payload, len), 0);
}

static void pump(struct guest *g)
{
    ck_assert_int_ge(xenstore_ring_process(g->c, g->page), 0);
    guest_take(g, SIZE_MAX);
}

START_TEST(test_ring_whole_messages)
{
    struct guest *g = guest_new(NULL);
    uint8_t buf[1024];
    size_t n = msg_write(buf, 1, "device/x", "42");
    n += msg_path(buf + n, XS_READ, 2, "device/x");
    n += msg_path(buf + n, XS_READ, 3, "/local/domain/0");
    ck_assert_uint_eq(guest_put(g, buf, n), n);
    int moved = xenstore_ring_process(g->c, g->page);
    ck_assert_int_gt(moved, (int)n);
    ck_assert_uint_ge(g->kicks, 1);
    ck_assert_uint_eq(g->intf->req_cons, g->intf->req_prod);
    guest_take(g, SIZE_MAX);
    expect_msg(g, XS_WRITE, 1, "OK", 3);
    expect_msg(g, XS_READ, 2, "42", 2);
    expect_msg(g, XS_ERROR, 3, "EACCES", 7);
    ck_assert_uint_eq(g->rx_len, 0);
    /* Nothing to do: nothing moves, no kick. */
    unsigned kicks = g->kicks;
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), 0);
    ck_assert_uint_eq(g->kicks, kicks);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_byte_by_byte_is_consumed_eagerly)
{
    struct guest *g = guest_new(NULL);
    ck_assert_int_eq(xs_write(g->s, "/local/domain/1/name", "guest1", 6), 0);
    uint8_t buf[64];
    size_t n = msg_path(buf, XS_READ, 7, "name");
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(guest_put(g, buf + i, 1), 1);
        ck_assert_int_ge(xenstore_ring_process(g->c, g->page), 1);
        /* Every byte is taken at once, so the guest's next write sees an
         * empty ring and kicks again. */
        ck_assert_uint_eq(g->intf->req_cons, g->intf->req_prod);
        if (i + 1 < n)
            ck_assert_uint_eq(g->intf->rsp_prod, 0);
    }
    ck_assert_uint_eq(g->kicks, n);
    guest_take(g, SIZE_MAX);
    expect_msg(g, XS_READ, 7, "guest1", 6);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_header_then_payload)
{
    struct guest *g = guest_new(NULL);
    uint8_t buf[64];
    size_t n = msg_write(buf, 9, "control/feature-poweroff", "1");
    ck_assert_uint_eq(guest_put(g, buf, 16), 16);
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), 16);
    ck_assert_uint_eq(g->intf->req_cons, 16);
    ck_assert_uint_eq(g->intf->rsp_prod, 0);
    /* The payload arrives in two more writes. */
    ck_assert_uint_eq(guest_put(g, buf + 16, 10), 10);
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), 10);
    ck_assert_uint_eq(guest_put(g, buf + 26, n - 26), n - 26);
    pump(g);
    expect_msg(g, XS_WRITE, 9, "OK", 3);
    char *v;
    ck_assert_int_eq(xs_read(g->s, "/local/domain/1/control/feature-poweroff", &v, NULL), 0);
    ck_assert_str_eq(v, "1");
    free(v);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_long_reply_resumes_as_guest_reads)
{
    struct guest *g = guest_new(NULL);
    char value[4000];
    for (size_t i = 0; i < sizeof(value); i++)
        value[i] = (char)('a' + i % 26);
    ck_assert_int_eq(xs_write(g->s, "/local/domain/1/big", value, sizeof(value)), 0);
    uint8_t buf[64];
    size_t n = msg_path(buf, XS_READ, 5, "big");
    guest_put(g, buf, n);
    ck_assert_int_gt(xenstore_ring_process(g->c, g->page), 0);
    /* The ring is full; the rest waits for the guest. */
    ck_assert_uint_eq(g->intf->rsp_prod - g->intf->rsp_cons, XENSTORE_RING_SIZE);
    int rounds = 0;
    while (g->rx_len < 16 + sizeof(value)) {
        ck_assert_int_lt(rounds++, 100);
        guest_take(g, 100);              /* small reads */
        ck_assert_int_ge(xenstore_ring_process(g->c, g->page), 0);
    }
    expect_msg(g, XS_READ, 5, value, sizeof(value));
    ck_assert(!xs_conn_has_output(g->c));
    guest_free(g);
}
END_TEST

START_TEST(test_ring_indices_wrap_around)
{
    struct guest *g = guest_new(NULL);
    /* A guest that has been running long: indices just below 2^32. The
     * server adopts the page's values on a fresh connection. */
    xs_conn_reset(g->c);
    g->intf->req_cons = g->intf->req_prod = 0xffffff00u;
    g->intf->rsp_cons = g->intf->rsp_prod = 0xfffffe80u;
    uint8_t buf[1024];
    char path[32], value[300];
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "k%d", i);
        memset(value, 'a' + i % 26, sizeof(value));
        value[(size_t)(i * 7) % sizeof(value)] = '\0';
        size_t n = msg_write(buf, (uint32_t)(2 * i), path, value);
        n += msg_path(buf + n, XS_READ, (uint32_t)(2 * i + 1), path);
        ck_assert_uint_eq(guest_put(g, buf, n), n);
        pump(g);
        pump(g);
        expect_msg(g, XS_WRITE, (uint32_t)(2 * i), "OK", 3);
        expect_msg(g, XS_READ, (uint32_t)(2 * i + 1), value, strlen(value));
    }
    ck_assert_uint_lt(g->intf->req_prod, 0x10000u);   /* wrapped */
    ck_assert_uint_lt(g->intf->rsp_prod, 0x10000u);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_watch_events_between_replies)
{
    struct guest *g = guest_new(NULL);
    uint8_t buf[256];
    size_t n = msg_build(buf, XS_WATCH, 1, 0, "device\0tok", 11);
    guest_put(g, buf, n);
    pump(g);
    expect_msg(g, XS_WATCH, 1, "OK", 3);
    expect_msg(g, XS_WATCH_EVENT, 0, "device\0tok", 11);
    ck_assert_uint_eq(g->pending, 0);

    /* The builder writes: the event waits in the queue and the glue is
     * told to run the ring. */
    ck_assert_int_eq(xs_write(g->s, "/local/domain/1/device/vbd/51712/state", "1", 1), 0);
    ck_assert_uint_eq(g->pending, 1);
    unsigned kicks = g->kicks;
    pump(g);
    ck_assert_uint_eq(g->kicks, kicks + 1);
    expect_msg(g, XS_WATCH_EVENT, 0, "device/vbd/51712/state\0tok", 27);

    /* A request in flight while another change happens: the event queued
     * first comes out first, then the reply, then the guest's own event. */
    n = msg_write(buf, 2, "device/vbd/51712/state", "3");
    guest_put(g, buf, n);
    ck_assert_int_eq(xs_write(g->s, "/local/domain/1/device/vif/0/state", "1", 1), 0);
    pump(g);
    expect_msg(g, XS_WATCH_EVENT, 0, "device/vif/0/state\0tok", 23);
    expect_msg(g, XS_WRITE, 2, "OK", 3);
    expect_msg(g, XS_WATCH_EVENT, 0, "device/vbd/51712/state\0tok", 27);
    ck_assert_uint_eq(g->rx_len, 0);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_hostile_request_producer)
{
    struct guest *g = guest_new(NULL);
    g->intf->req_prod = g->intf->req_cons + XENSTORE_RING_SIZE + 1;
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    ck_assert(xs_conn_broken(g->c));
    ck_assert_uint_eq(g->intf->error, XENSTORE_ERROR_RINGIDX);
    ck_assert_uint_eq(g->intf->req_cons, 0);
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    /* Events for a broken connection are not queued for delivery. */
    ck_assert(!xs_conn_has_output(g->c));
    /* "Behind" the consumer is just as bad (the distance wraps). */
    xenstore_ring_reset(g->c, g->page);
    g->intf->req_prod = 0xffffffffu;
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    /* A reset connection works again. */
    xenstore_ring_reset(g->c, g->page);
    uint8_t buf[64];
    size_t n = msg_path(buf, XS_GET_DOMAIN_PATH, 3, "1");
    guest_put(g, buf, n);
    pump(g);
    expect_msg(g, XS_GET_DOMAIN_PATH, 3, "/local/domain/1", 16);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_hostile_response_consumer_and_server_indices)
{
    struct guest *g = guest_new(NULL);
    uint8_t buf[64];
    size_t n = msg_path(buf, XS_READ, 1, "nothere");
    guest_put(g, buf, n);
    pump(g);
    /* Claims to have read bytes never produced. */
    g->intf->rsp_cons = g->intf->rsp_prod + 5;
    guest_put(g, buf, n);
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    ck_assert_uint_eq(g->intf->error, XENSTORE_ERROR_RINGIDX);

    /* Rewrites an index only the server writes. */
    xenstore_ring_reset(g->c, g->page);
    g->intf->rsp_prod = 100;
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    xenstore_ring_reset(g->c, g->page);
    guest_put(g, buf, n);
    pump(g);
    g->intf->req_cons = 0;
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_oversized_and_garbage_messages)
{
    struct guest *g = guest_new(NULL);
    /* Garbage that is well framed gets error replies; the stream goes on. */
    uint32_t seed = 12345;
    uint8_t buf[256];
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t type = (seed >> 8) % 32;
        uint32_t len = (seed >> 16) % 64;
        uint8_t payload[64];
        for (uint32_t j = 0; j < len; j++)
            payload[j] = (uint8_t)(seed >> (j % 24));
        if (type == XS_INTRODUCE || type == XS_RELEASE || type == XS_RESET_WATCHES)
            type = XS_READ;
        size_t n = msg_build(buf, type, (uint32_t)i, seed & 3 ? 0 : seed, payload, len);
        ck_assert_uint_eq(guest_put(g, buf, n), n);
        pump(g);
        struct xsd_sockmsg h;
        char reply[XENSTORE_PAYLOAD_MAX + 1];
        while (guest_msg(g, &h, reply))
            ;
    }
    ck_assert(!xs_conn_broken(g->c));
    /* A header announcing more than XENSTORE_PAYLOAD_MAX: the stream
     * cannot be resynchronised, the connection is broken (as xenstored). */
    size_t n = msg_build(buf, XS_READ, 1, 0, NULL, 0);
    uint32_t too_long = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(buf + offsetof(struct xsd_sockmsg, len), &too_long, sizeof(too_long));
    guest_put(g, buf, n);
    ck_assert_int_eq(xenstore_ring_process(g->c, g->page), -EIO);
    ck_assert(xs_conn_broken(g->c));
    ck_assert_uint_eq(g->intf->error, XENSTORE_ERROR_COMM);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_backpressure_when_guest_does_not_read)
{
    struct xs_limits lim;
    xs_limits_default(&lim);
    lim.reply_backlog = 2048;
    struct guest *g = guest_new(&lim);
    enum { COUNT = 300 };
    uint8_t stream[COUNT * 32];
    size_t total = 0, sent = 0;
    for (int i = 0; i < COUNT; i++)
        total += msg_path(stream + total, XS_GET_DOMAIN_PATH, (uint32_t)i, "1");
    /* Phase 1: the guest writes and never reads. */
    for (int round = 0; round < 50; round++) {
        sent += guest_put(g, stream + sent, total - sent);
        ck_assert_int_ge(xenstore_ring_process(g->c, g->page), 0);
    }
    struct xs_conn_stats st;
    xs_conn_get_stats(g->c, &st);
    ck_assert_uint_le(st.queued_bytes, lim.reply_backlog + 64);
    ck_assert_uint_lt(sent, total);
    /* Phase 2: it reads, and every request is answered, in order. */
    int replies = 0;
    for (int round = 0; replies < COUNT; round++) {
        ck_assert_int_lt(round, 10000);
        sent += guest_put(g, stream + sent, total - sent);
        pump(g);
        struct xsd_sockmsg h;
        char reply[XENSTORE_PAYLOAD_MAX + 1];
        while (guest_msg(g, &h, reply)) {
            ck_assert_uint_eq(h.type, XS_GET_DOMAIN_PATH);
            ck_assert_uint_eq(h.req_id, (uint32_t)replies);
            ck_assert_str_eq(reply, "/local/domain/1");
            replies++;
        }
    }
    ck_assert_uint_eq(sent, total);
    guest_free(g);
}
END_TEST

START_TEST(test_ring_random_chunks)
{
    struct guest *g = guest_new(NULL);
    enum { COUNT = 120 };
    uint8_t stream[COUNT * 64];
    size_t total = 0, sent = 0;
    char path[32], value[32];
    for (int i = 0; i < COUNT; i++) {
        snprintf(path, sizeof(path), "data/k%d", i / 2);
        snprintf(value, sizeof(value), "v%d", i * 31);
        if (i % 2 == 0)
            total += msg_write(stream + total, (uint32_t)i, path, value);
        else
            total += msg_path(stream + total, XS_READ, (uint32_t)i, path);
    }
    uint32_t seed = 7;
    int replies = 0;
    for (int round = 0; replies < COUNT; round++) {
        ck_assert_int_lt(round, 100000);
        seed = seed * 1103515245u + 12345u;
        size_t chunk = 1 + (seed >> 16) % 40;
        if (chunk > total - sent)
            chunk = total - sent;
        sent += guest_put(g, stream + sent, chunk);
        ck_assert_int_ge(xenstore_ring_process(g->c, g->page), 0);
        guest_take(g, 1 + (seed >> 8) % 50);
        struct xsd_sockmsg h;
        char reply[XENSTORE_PAYLOAD_MAX + 1];
        while (guest_msg(g, &h, reply)) {
            ck_assert_uint_eq(h.req_id, (uint32_t)replies);
            if (replies % 2 == 0) {
                ck_assert_uint_eq(h.type, XS_WRITE);
                ck_assert_str_eq(reply, "OK");
            } else {
                ck_assert_uint_eq(h.type, XS_READ);
                snprintf(value, sizeof(value), "v%d", (replies - 1) * 31);
                ck_assert_str_eq(reply, value);
            }
            replies++;
        }
    }
    guest_free(g);
}
END_TEST

Suite *xenstore_ring_suite(void)
{
    Suite *s = suite_create("xenstore_ring");
    TCase *tc = tcase_create("protocol");
    tcase_add_test(tc, test_ring_whole_messages);
    tcase_add_test(tc, test_ring_byte_by_byte_is_consumed_eagerly);
    tcase_add_test(tc, test_ring_header_then_payload);
    tcase_add_test(tc, test_ring_long_reply_resumes_as_guest_reads);
    tcase_add_test(tc, test_ring_indices_wrap_around);
    tcase_add_test(tc, test_ring_watch_events_between_replies);
    tcase_add_test(tc, test_ring_backpressure_when_guest_does_not_read);
    tcase_add_test(tc, test_ring_random_chunks);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_test(tc, test_ring_hostile_request_producer);
    tcase_add_test(tc, test_ring_hostile_response_consumer_and_server_indices);
    tcase_add_test(tc, test_ring_oversized_and_garbage_messages);
    suite_add_tcase(s, tc);
    return s;
}
