/*
 * The in-process xenstore: the tree of nodes every Xen guest uses to find
 * its devices, the wire protocol's request semantics, per-domain
 * permissions, watches and transactions. It stands where xenstored stands
 * in a Xen system (Xen docs/misc/xenstore.txt is the protocol reference;
 * ../shared/docs/xen-arm-guest-abi.md section 7 lists what Linux relies on).
 *
 * Layering: this file knows nothing about rings, event channels or guest
 * memory. A connection (struct xs_conn, one per domain) takes request bytes
 * in (xs_conn_input) and queues reply and watch-event bytes out
 * (xs_conn_output_peek/advance); hv/xenstore_ring.c moves those bytes
 * through the guest's shared page, and the hypervisor glue is told through
 * callbacks when a connection has output or the guest must be kicked.
 *
 * Semantics, following xenstored:
 * - Paths: absolute "/a/b" or relative to the caller's home
 *   /local/domain/<domid>. Characters [A-Za-z0-9-/_@], no "//", no trailing
 *   '/', absolute length <= 3072, a relative path <= 2048.
 * - Permissions per node: perms[0] names the owner and the access of every
 *   domain not listed; perms[1..] override it per domain. Dom0 (and the
 *   owner) may do anything. Wire strings are "n0", "r1", "w2", "b3".
 *   A node created by a write inherits its parent's permissions; when an
 *   unprivileged domain creates it, that domain becomes the owner. A node
 *   that does not exist answers ENOENT only to a caller that may access its
 *   nearest existing ancestor, EACCES otherwise (no information leak).
 * - Watches fire once at registration, then for every change of the watched
 *   node or a descendant (and for a removed ancestor); the event path is
 *   relative when the watch was registered with a relative path.
 * - Transactions see a snapshot of the tree taken at start plus their own
 *   changes; commit fails with EAGAIN when any node the transaction read or
 *   wrote changed since the start; watches fire at commit.
 * - Errors are negative errno values in the API and errno names ("ENOENT")
 *   on the wire.
 */
#ifndef HV_XENSTORE_H
#define HV_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace;

/* ---- Wire protocol (Xen include/xen/interface/io/xs_wire.h) ---- */

#define XENSTORE_PAYLOAD_MAX  4096
#define XENSTORE_ABS_PATH_MAX 3072
#define XENSTORE_REL_PATH_MAX 2048

enum xs_msg_type {
    XS_CONTROL = 0,              /* was XS_DEBUG */
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    /* 20 was XS_RESTRICT, withdrawn */
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT
};

/* Message header, 16 bytes, little-endian on the wire; len payload bytes follow. */
struct xsd_sockmsg {
    uint32_t type;
    uint32_t req_id;
    uint32_t tx_id;
    uint32_t len;
};
#define XS_HEADER_SIZE 16u

/* Domain ids from DOMID_FIRST_RESERVED (0x7ff0) up are not real domains. */
#define XS_DOMID_FIRST_RESERVED 0x7ff0u

/* Permission bits. XS_PERM_OWNER is never stored; it is what the owner and
 * Dom0 get on top of read/write (needed for SET_PERMS). */
#define XS_PERM_NONE  0x0
#define XS_PERM_READ  0x1
#define XS_PERM_WRITE 0x2
#define XS_PERM_BOTH  (XS_PERM_READ | XS_PERM_WRITE)
#define XS_PERM_OWNER 0x8

struct xs_perm {
    uint16_t domid;
    uint8_t perms;    /* XS_PERM_READ | XS_PERM_WRITE */
};

/* Xen's wire name of an errno ("ENOENT"); anything unknown is "EINVAL".
 * err may be positive or negative. */
const char *xs_errno_name(int err);

/* ---- Limits (quotas against hostile guests; Dom0 is exempt) ---- */

struct xs_limits {
    unsigned nodes_per_domain;   /* nodes a domain may own (xenstored: 1000) */
    unsigned watches_per_conn;   /* (xenstored: 128), excess -> E2BIG */
    unsigned transactions_per_conn; /* open at once (xenstored: 10) -> ENOSPC */
    unsigned value_size;         /* bytes per value (xenstored: 2048) -> ENOSPC */
    unsigned perms_per_node;     /* entries in a SET_PERMS (xenstored: 5) */
    unsigned tx_nodes;           /* nodes accessed + operations per transaction */
    size_t reply_backlog;        /* queued output bytes above which requests wait */
    size_t event_backlog;        /* queued output bytes above which events are dropped */
};

void xs_limits_default(struct xs_limits *limits);

/* ---- The store ---- */

struct xs_store;
struct xs_conn;

/* Hooks for the wire requests only a toolstack sends (INTRODUCE, RELEASE).
 * introduce runs before the store marks the domain introduced; a negative
 * errno refuses it and is sent back to the caller. */
struct xs_store_hooks {
    int (*introduce)(void *opaque, unsigned domid, uint64_t gfn, uint32_t port);
    void (*release)(void *opaque, unsigned domid);
    void *opaque;
};

/* limits may be NULL (defaults); trace may be NULL. Creates "/", "/local"
 * and "/local/domain", owned by Dom0 and unreadable by others. */
struct xs_store *xs_store_create(const struct xs_limits *limits, struct trace *trace);
void xs_store_destroy(struct xs_store *s);
void xs_store_set_hooks(struct xs_store *s, const struct xs_store_hooks *hooks);

/*
 * Makes a domain known: creates /local/domain/<domid> (owned by domid, no
 * access for other DomUs) if it is missing, gives the domain a connection
 * and fires @introduceDomain; introducing an introduced domain only returns
 * its connection. Domid 0 is Dom0, the only privileged connection.
 * Introduce before writing the domain's entries: nodes the builder creates
 * below the home inherit its owner, whereas a home created implicitly by an
 * earlier write would belong to Dom0. Returns 0 or -errno; conn may be NULL.
 */
int xs_domain_introduce(struct xs_store *s, unsigned domid, struct xs_conn **conn);
/* Forgets a domain's connection state (watches, transactions, queues) and
 * fires @releaseDomain. The tree is left alone: the toolstack removes the
 * domain's nodes. The struct xs_conn stays valid (reused on re-introduce). */
int xs_domain_release(struct xs_store *s, unsigned domid);
bool xs_domain_is_introduced(const struct xs_store *s, unsigned domid);
/* The domain's connection, or NULL if it was never introduced. */
struct xs_conn *xs_domain_conn(struct xs_store *s, unsigned domid);
/* Nodes owned by domid (what the node quota counts). */
unsigned xs_domain_nodes(const struct xs_store *s, unsigned domid);
/* Fires the special watch "@releaseDomain" or "@introduceDomain"
 * (for the glue: a domain shut down or crashed). */
void xs_fire_special(struct xs_store *s, const char *special);

/*
 * Helpers for the domain builder and toolstack glue: they act as Dom0
 * (privileged), take absolute paths and fire watches like a guest's
 * request would. Return 0 or -errno.
 */
int xs_write(struct xs_store *s, const char *path, const void *value, size_t len);
__attribute__((format(printf, 3, 4)))
int xs_printf(struct xs_store *s, const char *path, const char *fmt, ...);
int xs_mkdir(struct xs_store *s, const char *path);
int xs_rm(struct xs_store *s, const char *path);
/* *value is malloc'ed and NUL-terminated (the NUL is not counted in *len);
 * len may be NULL. */
int xs_read(struct xs_store *s, const char *path, char **value, size_t *len);
/* perms[0] is the owner entry. */
int xs_set_perms(struct xs_store *s, const char *path, const struct xs_perm *perms,
                 unsigned count);
/* Space-separated wire strings, e.g. "n1 r0" (owner 1, Dom0 reads). */
int xs_set_perms_str(struct xs_store *s, const char *path, const char *spec);
/* Fills up to cap entries; *count is the node's total. */
int xs_get_perms(struct xs_store *s, const char *path, struct xs_perm *perms, unsigned cap,
                 unsigned *count);
/* Children as NUL-terminated names back to back (malloc'ed). */
int xs_directory(struct xs_store *s, const char *path, char **names, size_t *len,
                 unsigned *count);

/*
 * Visits path and its descendants depth-first (parents before children,
 * children in creation order), for the monitor's "xenstore ls". A non-zero
 * return from fn stops the walk and is returned.
 */
typedef int (*xs_visit_fn)(void *opaque, const char *path, unsigned depth,
                           const uint8_t *value, size_t len,
                           const struct xs_perm *perms, unsigned nperms);
int xs_visit(struct xs_store *s, const char *path, xs_visit_fn fn, void *opaque);

/* Parses one wire permission string ("b5") into *perm; 0 or -EINVAL. */
int xs_perm_parse(const char *str, struct xs_perm *perm);

/* ---- Connections ---- */

struct xs_conn_ops {
    /*
     * A reply or watch event was queued on conn from outside its own
     * request processing (a watch fired by another domain's write, a
     * builder helper): the glue should run xenstore_ring_process(conn, ...)
     * soon. It may be called from inside another connection's processing,
     * so defer the work (mark the domain) rather than recurse.
     */
    void (*output_pending)(void *opaque, struct xs_conn *conn);
    /* The transport moved bytes through the guest's page: send the event
     * on the domain's xenstore port. */
    void (*notify)(void *opaque, struct xs_conn *conn);
};

void xs_conn_set_ops(struct xs_conn *c, const struct xs_conn_ops *ops, void *opaque);
unsigned xs_conn_domid(const struct xs_conn *c);
struct xs_store *xs_conn_store(struct xs_conn *c);

/*
 * Request side. xs_conn_input consumes a byte stream eagerly: partial
 * headers and payloads are buffered, each complete message is processed at
 * once. It stops early (returns fewer than n) when a complete request must
 * wait because too much output is queued (call again, even with n == 0,
 * once output drained), or when the connection is broken. A header with
 * len > XENSTORE_PAYLOAD_MAX breaks the connection, as in xenstored: the
 * stream cannot be resynchronised.
 */
size_t xs_conn_input(struct xs_conn *c, const void *bytes, size_t n);
/* Processes one whole message (tests, monitor); -EINVAL if hdr->len is
 * too large or the connection is broken. */
int xs_conn_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload);

/* Output side: the unsent bytes of the oldest queued message (header and
 * payload, wire format); 0 when nothing is queued. */
size_t xs_conn_output_peek(struct xs_conn *c, const uint8_t **data);
void xs_conn_output_advance(struct xs_conn *c, size_t n);
bool xs_conn_has_output(const struct xs_conn *c);
/* Pops one whole message not yet partly sent (tests); payload gets up to
 * cap bytes. Returns false when there is none. */
bool xs_conn_pop(struct xs_conn *c, struct xsd_sockmsg *hdr, void *payload, size_t cap);

/* A broken connection ignores input and produces no output until reset. */
bool xs_conn_broken(const struct xs_conn *c);
void xs_conn_mark_broken(struct xs_conn *c, const char *why);
/* Back to a fresh connection: drops watches, transactions, partial input,
 * queued output, the broken flag and the transport state. */
void xs_conn_reset(struct xs_conn *c);
/* Calls ops->notify (for the transport). */
void xs_conn_notify(struct xs_conn *c);

/* Per-connection state owned by the transport (hv/xenstore_ring.c): its
 * private copies of the indices the server owns in the shared page. */
struct xs_transport {
    uint32_t req_cons;
    uint32_t rsp_prod;
    bool synced;          /* false: adopt the page's values on next use */
};
struct xs_transport *xs_conn_transport(struct xs_conn *c);

struct xs_conn_stats {
    uint64_t requests;
    uint64_t errors;          /* requests answered with XS_ERROR */
    uint64_t events;          /* watch events queued */
    uint64_t events_dropped;  /* over event_backlog */
    unsigned watches;
    unsigned transactions;
    size_t queued_bytes;
};
void xs_conn_get_stats(const struct xs_conn *c, struct xs_conn_stats *st);

/* ---- savevm / loadvm ---- */

struct snapshot_io;

/*
 * Whether the store can be saved now: not while a transaction is open
 * (its copy-on-write view of the tree is not saved). 0, or -1 with a
 * message in err.
 */
int xs_store_check_save(const struct xs_store *s, char *err, size_t err_len);
/*
 * Saves, validates or applies (base/snapshot.h) the tree, the store's
 * generation and transaction counters, and for each domain its node count,
 * introduced flag and connection: watches, queued output, a partly
 * received request, the ring transport's indices and the counters. A load
 * needs a connection here for exactly the domains that had one; it
 * replaces the tree and the connections' contents (the struct xs_conn
 * objects stay). 0 or -1.
 */
int xs_store_snapshot(struct xs_store *s, struct snapshot_io *io);

#endif
