/*
 * The xenstore shared-page transport: the page a guest names with the
 * STORE_PFN HVM parameter, holding a request ring (guest -> server) and a
 * response ring (server -> guest) of 1024 bytes each with free-running
 * producer/consumer indices (Xen include/xen/interface/io/xs_wire.h; Linux
 * drivers/xen/xenbus/xenbus_comms.c is the guest side).
 *
 * xenstore_ring_process moves bytes between the page and a struct xs_conn:
 * it consumes every request byte available (a partial header or payload
 * included, because Linux kicks only when the server had caught up), hands
 * them to the store, and copies queued replies and watch events into
 * whatever response space the guest freed, resuming partial messages on
 * the next call. It never trusts the guest's indices: a producer more than
 * a ring ahead of its consumer, or a server-owned index rewritten by the
 * guest, marks the connection broken (and says so in the page's error
 * field); nothing is read or written outside the page.
 *
 * Not dependent on event channels: after moving bytes it calls the
 * connection's notify callback (xs_conn_ops.notify), and the glue sends the
 * event on the domain's xenstore port.
 */
#ifndef HV_XENSTORE_RING_H
#define HV_XENSTORE_RING_H

#include <stddef.h>
#include <stdint.h>

#include "hv/xenstore.h"

#define XENSTORE_RING_SIZE 1024u

/* Layout of the shared page (2076 bytes used of 4096). */
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];   /* requests to the server */
    char rsp[XENSTORE_RING_SIZE];   /* replies and watch events */
    uint32_t req_cons, req_prod;    /* req_prod: guest; req_cons: server */
    uint32_t rsp_cons, rsp_prod;    /* rsp_cons: guest; rsp_prod: server */
    uint32_t server_features;
    uint32_t connection;
    uint32_t error;
};

#define XENSTORE_RING_REQ_CONS         2048
#define XENSTORE_RING_REQ_PROD         2052
#define XENSTORE_RING_RSP_CONS         2056
#define XENSTORE_RING_RSP_PROD         2060
#define XENSTORE_RING_SERVER_FEATURES  2064
#define XENSTORE_RING_CONNECTION       2068
#define XENSTORE_RING_ERROR            2072

#define XENSTORE_SERVER_FEATURE_RECONNECTION 1u
#define XENSTORE_SERVER_FEATURE_ERROR        2u
#define XENSTORE_CONNECTED 0u
#define XENSTORE_RECONNECT 1u
#define XENSTORE_ERROR_NONE    0u
#define XENSTORE_ERROR_COMM    1u   /* a message the server could not parse */
#define XENSTORE_ERROR_RINGIDX 2u   /* invalid ring indices */
#define XENSTORE_ERROR_PROTO   3u

/*
 * Services one connection's page: consume requests, produce responses,
 * until neither side can move. ring_page is the host address of the guest's
 * 4 KiB page (4-byte aligned; guest RAM is page-aligned). Returns the number
 * of bytes moved (requests consumed + responses produced), or -EIO when the
 * connection is (or just became) broken. Calls xs_conn_notify when any byte
 * moved.
 */
int xenstore_ring_process(struct xs_conn *conn, uint8_t *ring_page);

/*
 * Starts a clean connection on a page (domain build, guest reset): zeroes
 * the indices, advertises the ERROR feature, sets connection = CONNECTED,
 * error = NONE, and resets the connection (xs_conn_reset).
 */
void xenstore_ring_reset(struct xs_conn *conn, uint8_t *ring_page);

#endif
