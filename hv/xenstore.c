/*
 * The in-process xenstore (see xenstore.h for the semantics it follows).
 *
 * The tree is persistent: nodes are reference counted and shared between
 * the live tree and transaction snapshots, and a change copies the nodes
 * on the path it modifies when they are shared (path copying). This gives
 * three things cheaply:
 * - a transaction snapshot is one reference to the root;
 * - every operation is atomic: it is applied to a candidate root and
 *   installed only when it fully succeeded (a quota hit while creating the
 *   third missing parent leaves nothing behind);
 * - conflict detection compares, for every path a transaction touched, the
 *   node in its start snapshot with the node in the live tree: each node
 *   carries a generation number that changes whenever its value, its
 *   permissions or its list of children changes (copies keep it).
 * A committed transaction replays its logged operations on the live tree,
 * which is exactly what it saw because none of the nodes it touched changed,
 * and then fires the watches.
 */
#include "hv/xenstore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "base/snapshot.h"
#include "base/trace.h"

/* Longest watch token: an event (path of up to XENSTORE_ABS_PATH_MAX, token,
 * two NULs) must still fit in one payload. */
#define XS_TOKEN_MAX (XENSTORE_PAYLOAD_MAX - XENSTORE_ABS_PATH_MAX - 2)

/* ---- errno names (xs_wire.h xsd_errors) ---- */

static const struct {
    int err;
    const char *name;
} xs_error_names[] = {
    { EINVAL, "EINVAL" }, { EACCES, "EACCES" }, { EEXIST, "EEXIST" },
    { EISDIR, "EISDIR" }, { ENOENT, "ENOENT" }, { ENOMEM, "ENOMEM" },
    { ENOSPC, "ENOSPC" }, { EIO, "EIO" }, { ENOTEMPTY, "ENOTEMPTY" },
    { ENOSYS, "ENOSYS" }, { EROFS, "EROFS" }, { EBUSY, "EBUSY" },
    { EAGAIN, "EAGAIN" }, { EISCONN, "EISCONN" }, { E2BIG, "E2BIG" },
    { EPERM, "EPERM" },
};

const char *xs_errno_name(int err)
{
    if (err < 0)
        err = -err;
    for (size_t i = 0; i < ARRAY_SIZE(xs_error_names); i++)
        if (xs_error_names[i].err == err)
            return xs_error_names[i].name;
    return "EINVAL";
}

void xs_limits_default(struct xs_limits *l)
{
    /* The first five are xenstored's defaults (quota_* in xenstored_core.c). */
    l->nodes_per_domain = 1000;
    l->watches_per_conn = 128;
    l->transactions_per_conn = 10;
    l->value_size = 2048;
    l->perms_per_node = 5;
    l->tx_nodes = 1024;
    l->reply_backlog = 16 * 1024;
    l->event_backlog = 256 * 1024;
}

/* ---- Data structures ---- */

struct xs_node {
    unsigned refs;              /* parents' child slots and roots holding it */
    uint64_t gen;               /* changes with value, perms or child list */
    uint8_t *value;
    uint32_t value_len;
    uint16_t nperms;            /* >= 1: perms[0] is the owner entry */
    struct xs_perm *perms;
    uint32_t nchildren;
    uint32_t child_cap;
    struct xs_node **children;  /* in creation order, as xenstored lists them */
    char name[];                /* "" for the root */
};

/* One domain's accounting and connection. */
struct xs_dom {
    unsigned domid;
    unsigned long nodes;        /* nodes whose perms[0] names this domain */
    bool introduced;
    struct xs_conn *conn;
};

struct xs_store {
    struct xs_node *root;
    uint64_t gen;
    uint32_t next_tx_id;
    struct xs_limits lim;
    struct trace *trace;
    struct xs_store_hooks hooks;
    struct xs_dom *doms;
    unsigned ndoms;
    unsigned doms_cap;
};

struct xs_caller {
    unsigned domid;
    bool priv;
};

/* Node-count changes of one operation or transaction, per owner. */
struct xs_delta {
    unsigned domid;
    long delta;
};

struct xs_deltas {
    struct xs_delta *v;
    unsigned n;
    unsigned cap;
};

enum xs_op_kind { OP_WRITE, OP_MKDIR, OP_RM, OP_SET_PERMS };

/* A modifying operation: applied directly, or logged by a transaction and
 * replayed at commit. */
struct xs_op {
    struct xs_op *next;
    enum xs_op_kind kind;
    const char *path;           /* absolute */
    const uint8_t *data;        /* OP_WRITE */
    size_t len;
    const struct xs_perm *perms; /* OP_SET_PERMS */
    unsigned nperms;
};

/* A change to fire watches for, with the node's permissions at the time
 * (before removal for a removal) to decide who may see the event. */
struct xs_change {
    struct xs_change *next;
    bool recursive;             /* a removal: also fires watches below path */
    uint16_t nperms;
    struct xs_perm *perms;
    char path[];
};

struct xs_tx {
    struct xs_tx *next;
    uint32_t id;
    struct xs_node *base;       /* the tree at start, for conflict checks */
    struct xs_node *root;       /* base plus this transaction's changes */
    struct xs_op *ops;
    struct xs_op **ops_tail;
    unsigned nops;
    char **touched;             /* sorted absolute paths read or written */
    unsigned ntouched;
    unsigned touched_cap;
    struct xs_deltas d;         /* node-count changes made so far */
};

struct xs_watch {
    struct xs_watch *next;
    char *path;                 /* absolute, or "@special" */
    char *token;
    bool relative;
    bool special;
};

struct xs_out {
    struct xs_out *next;
    uint32_t len;               /* header + payload */
    uint32_t sent;
    uint8_t data[];
};

struct xs_conn {
    struct xs_store *s;
    unsigned domid;
    bool priv;
    bool broken;
    unsigned busy;              /* inside its own request processing */
    char home[32];              /* /local/domain/<domid> */
    const struct xs_conn_ops *ops;
    void *opaque;

    struct xs_watch *watches;
    unsigned nwatches;
    struct xs_tx *txs;
    unsigned ntxs;

    struct xs_out *out_head;
    struct xs_out **out_tail;
    size_t out_bytes;

    /* Request being assembled from the stream. */
    uint8_t in_hdr[XS_HEADER_SIZE];
    uint32_t in_hdr_used;
    bool in_have_hdr;
    bool in_ready;              /* complete, waiting to be processed */
    struct xsd_sockmsg in_msg;
    uint32_t in_used;
    char in_buf[XENSTORE_PAYLOAD_MAX + 1];   /* + a NUL so strings end */

    struct xs_transport transport;
    struct xs_conn_stats stats;
};

/* Context of one modification in progress on a candidate root. */
struct xs_ctx {
    struct xs_store *s;
    struct xs_caller who;
    struct xs_node *root;       /* our own reference */
    struct xs_tx *tx;           /* NULL: the live tree */
    struct xs_deltas d;
    struct xs_change *changes;
    struct xs_change **changes_tail;
};

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}

static uint32_t get_le32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- Nodes ---- */

static struct xs_node *node_alloc(const char *name, size_t len)
{
    struct xs_node *n = calloc(1, sizeof(*n) + len + 1);
    if (!n)
        return NULL;
    n->refs = 1;
    memcpy(n->name, name, len);
    n->name[len] = '\0';
    return n;
}

static void node_put(struct xs_node *n)
{
    if (!n || --n->refs)
        return;
    for (uint32_t i = 0; i < n->nchildren; i++)
        node_put(n->children[i]);
    free(n->children);
    free(n->value);
    free(n->perms);
    free(n);
}

static int node_set_value(struct xs_node *n, const void *value, size_t len)
{
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy)
            return -ENOMEM;
        memcpy(copy, value, len);
    }
    free(n->value);
    n->value = copy;
    n->value_len = len;
    return 0;
}

static int node_set_perms(struct xs_node *n, const struct xs_perm *perms, unsigned count)
{
    struct xs_perm *copy = malloc(count * sizeof(*copy));
    if (!copy)
        return -ENOMEM;
    memcpy(copy, perms, count * sizeof(*copy));
    free(n->perms);
    n->perms = copy;
    n->nperms = count;
    return 0;
}

static struct xs_node *node_clone(const struct xs_node *n)
{
    struct xs_node *c = node_alloc(n->name, strlen(n->name));
    if (!c)
        return NULL;
    c->gen = n->gen;
    if (node_set_value(c, n->value, n->value_len) || node_set_perms(c, n->perms, n->nperms))
        goto fail;
    if (n->nchildren) {
        c->children = malloc(n->nchildren * sizeof(*c->children));
        if (!c->children)
            goto fail;
        memcpy(c->children, n->children, n->nchildren * sizeof(*c->children));
        c->nchildren = c->child_cap = n->nchildren;
        for (uint32_t i = 0; i < c->nchildren; i++)
            c->children[i]->refs++;
    }
    return c;
fail:
    node_put(c);
    return NULL;
}

/* Makes the node in *slot exclusively ours, copying it if a snapshot (or
 * the tree we are replacing) shares it. */
static struct xs_node *node_own(struct xs_node **slot)
{
    struct xs_node *n = *slot;
    if (n->refs == 1)
        return n;
    struct xs_node *c = node_clone(n);
    if (!c)
        return NULL;
    n->refs--;          /* still > 0: somebody else holds it */
    *slot = c;
    return c;
}

static int node_child_index(const struct xs_node *n, const char *name, size_t len)
{
    for (uint32_t i = 0; i < n->nchildren; i++) {
        const char *cn = n->children[i]->name;
        if (strncmp(cn, name, len) == 0 && cn[len] == '\0')
            return (int)i;
    }
    return -1;
}

static int node_add_child(struct xs_node *parent, struct xs_node *child)
{
    if (parent->nchildren == parent->child_cap) {
        uint32_t cap = parent->child_cap ? parent->child_cap * 2 : 4;
        struct xs_node **v = realloc(parent->children, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        parent->children = v;
        parent->child_cap = cap;
    }
    parent->children[parent->nchildren++] = child;
    return 0;
}

/* ---- Paths ---- */

static bool path_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '/' || c == '_' || c == '@';
}

/* xenstored's is_valid_nodename (docs/misc/xenstore.txt "Paths"). */
static bool path_valid(const char *p)
{
    size_t len = strlen(p);
    if (p[0] != '/' || len > XENSTORE_ABS_PATH_MAX)
        return false;
    if (len == 1)
        return true;
    if (p[len - 1] == '/' || strstr(p, "//"))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!path_char_ok(p[i]))
            return false;
    return true;
}

/* Absolute form of a caller's path into out (XENSTORE_ABS_PATH_MAX + 1). */
static int path_resolve(unsigned domid, const char *in, char *out, bool *relative)
{
    size_t len = strlen(in);
    bool rel = in[0] != '/';
    if (len == 0)
        return -EINVAL;
    if (rel) {
        /* "@..." names only special watches, never a node. */
        if (len > XENSTORE_REL_PATH_MAX || in[0] == '@')
            return -EINVAL;
        int n = snprintf(out, XENSTORE_ABS_PATH_MAX + 1, "/local/domain/%u/%s", domid, in);
        if (n < 0 || n > XENSTORE_ABS_PATH_MAX)
            return -EINVAL;
    } else {
        if (len > XENSTORE_ABS_PATH_MAX)
            return -EINVAL;
        memcpy(out, in, len + 1);
    }
    if (!path_valid(out))
        return -EINVAL;
    if (relative)
        *relative = rel;
    return 0;
}

/* Next component of a path; *p points just after a '/'. */
static bool path_next(const char **p, const char **comp, size_t *len)
{
    const char *s = *p;
    if (*s == '\0')
        return false;
    const char *e = strchr(s, '/');
    if (!e)
        e = s + strlen(s);
    *comp = s;
    *len = (size_t)(e - s);
    *p = *e ? e + 1 : e;
    return true;
}

/* Xen docs/misc/xenstore.txt: child is a child of parent if they are equal,
 * parent is "/", or parent + "/" starts child. */
static bool path_is_child(const char *child, const char *parent)
{
    size_t len = strlen(parent);
    if (len == 1 && parent[0] == '/')
        return child[0] == '/';
    return strncmp(child, parent, len) == 0 && (child[len] == '/' || child[len] == '\0');
}

/* Length of the parent's path ("/" for a child of the root). */
static size_t path_parent_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == path ? 1 : (size_t)(slash - path);
}

static struct xs_node *tree_lookup(struct xs_node *root, const char *path)
{
    const char *p = path + 1, *comp;
    size_t len;
    struct xs_node *n = root;
    while (path_next(&p, &comp, &len)) {
        int i = node_child_index(n, comp, len);
        if (i < 0)
            return NULL;
        n = n->children[i];
    }
    return n;
}

/*
 * The deepest existing node on path. *matched is where the unmatched rest
 * of path starts (just after a '/'); path[*matched] == '\0' means the node
 * itself exists.
 */
static struct xs_node *tree_nearest(struct xs_node *root, const char *path, size_t *matched)
{
    const char *p = path + 1, *comp;
    size_t len;
    struct xs_node *n = root;
    for (;;) {
        const char *here = p;
        if (!path_next(&p, &comp, &len)) {
            *matched = (size_t)(here - path);
            return n;
        }
        int i = node_child_index(n, comp, len);
        if (i < 0) {
            *matched = (size_t)(here - path);
            return n;
        }
        n = n->children[i];
    }
}

/* Walks the first `prefix` characters of path, making every node on the
 * way ours; the nodes must exist. NULL only when out of memory. */
static struct xs_node *tree_own(struct xs_node **rootp, const char *path, size_t prefix)
{
    struct xs_node *n = node_own(rootp);
    const char *p = path + 1, *comp;
    size_t len;
    while (n && (size_t)(p - path) < prefix && path_next(&p, &comp, &len)) {
        int i = node_child_index(n, comp, len);
        if (i < 0)
            return NULL;
        n = node_own(&n->children[i]);
    }
    return n;
}

/* ---- Permissions ---- */

/* xenstored's perm_for_conn: Dom0 and the owner get everything; a domain
 * listed in perms[1..] gets its entry; everybody else gets perms[0]. */
static unsigned perms_access(const struct xs_caller *who, const struct xs_perm *perms,
                             unsigned n)
{
    if (who->priv || perms[0].domid == who->domid)
        return XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    for (unsigned i = 1; i < n; i++)
        if (perms[i].domid == who->domid)
            return perms[i].perms & XS_PERM_BOTH;
    return perms[0].perms & XS_PERM_BOTH;
}

static unsigned node_access(const struct xs_caller *who, const struct xs_node *n)
{
    return perms_access(who, n->perms, n->nperms);
}

/*
 * The node at path if who may access it with `need`. Otherwise ENOENT
 * when it is missing and who may access its nearest existing ancestor,
 * EACCES when not: a domain must not learn what exists where it cannot look
 * (xenstored's errno_from_parents).
 */
static struct xs_node *tree_access(struct xs_node *root, const struct xs_caller *who,
                                   const char *path, unsigned need, int *err)
{
    size_t matched;
    struct xs_node *n = tree_nearest(root, path, &matched);
    unsigned have = node_access(who, n);
    if (path[matched] == '\0') {
        if ((have & need) == need)
            return n;
        *err = -EACCES;
        return NULL;
    }
    *err = (have & need) ? -ENOENT : -EACCES;
    return NULL;
}

static char perm_letter(uint8_t perms)
{
    static const char letters[4] = { 'n', 'r', 'w', 'b' };
    return letters[perms & XS_PERM_BOTH];
}

int xs_perm_parse(const char *str, struct xs_perm *perm)
{
    uint8_t bits;
    switch (str[0]) {
    case 'n': bits = XS_PERM_NONE; break;
    case 'r': bits = XS_PERM_READ; break;
    case 'w': bits = XS_PERM_WRITE; break;
    case 'b': bits = XS_PERM_BOTH; break;
    default: return -EINVAL;
    }
    unsigned long domid = 0;
    const char *p = str + 1;
    if (*p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        domid = domid * 10 + (unsigned long)(*p - '0');
        if (domid > 0xffff)
            return -EINVAL;
    }
    if (*p)
        return -EINVAL;
    perm->domid = (uint16_t)domid;
    perm->perms = bits;
    return 0;
}

/* Strict decimal domid (xenstored is laxer; a guest gets EINVAL). */
static int parse_domid(const char *s, unsigned *domid)
{
    unsigned long v = 0;
    if (*s < '0' || *s > '9')
        return -EINVAL;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > 0xffff)
            return -EINVAL;
    }
    if (*s)
        return -EINVAL;
    *domid = (unsigned)v;
    return 0;
}

/* ---- Domains and accounting ---- */

static struct xs_dom *dom_find(const struct xs_store *s, unsigned domid)
{
    for (unsigned i = 0; i < s->ndoms; i++)
        if (s->doms[i].domid == domid)
            return &s->doms[i];
    return NULL;
}

/* Find or create; the pointer is valid until the next dom_get. */
static struct xs_dom *dom_get(struct xs_store *s, unsigned domid)
{
    struct xs_dom *d = dom_find(s, domid);
    if (d)
        return d;
    if (s->ndoms == s->doms_cap) {
        unsigned cap = s->doms_cap ? s->doms_cap * 2 : 8;
        struct xs_dom *v = realloc(s->doms, cap * sizeof(*v));
        if (!v)
            return NULL;
        s->doms = v;
        s->doms_cap = cap;
    }
    d = &s->doms[s->ndoms++];
    memset(d, 0, sizeof(*d));
    d->domid = domid;
    return d;
}

static long deltas_get(const struct xs_deltas *d, unsigned domid)
{
    for (unsigned i = 0; i < d->n; i++)
        if (d->v[i].domid == domid)
            return d->v[i].delta;
    return 0;
}

static int deltas_reserve(struct xs_deltas *d, unsigned need)
{
    if (need <= d->cap)
        return 0;
    unsigned cap = d->cap ? d->cap : 4;
    while (cap < need)
        cap *= 2;
    struct xs_delta *v = realloc(d->v, cap * sizeof(*v));
    if (!v)
        return -ENOMEM;
    d->v = v;
    d->cap = cap;
    return 0;
}

/* Never fails once room was reserved for a new entry. */
static int deltas_add(struct xs_deltas *d, unsigned domid, long by)
{
    for (unsigned i = 0; i < d->n; i++) {
        if (d->v[i].domid == domid) {
            d->v[i].delta += by;
            return 0;
        }
    }
    if (deltas_reserve(d, d->n + 1))
        return -ENOMEM;
    d->v[d->n].domid = domid;
    d->v[d->n].delta = by;
    d->n++;
    return 0;
}

/* Records a node-count change for the owner; creating the owner's
 * accounting entry now means installing the change cannot fail later. */
static int ctx_count(struct xs_ctx *ctx, unsigned domid, long by)
{
    if (!dom_get(ctx->s, domid))
        return -ENOMEM;
    return deltas_add(&ctx->d, domid, by);
}

static long ctx_nodes(const struct xs_ctx *ctx, unsigned domid)
{
    const struct xs_dom *d = dom_find(ctx->s, domid);
    long n = d ? (long)d->nodes : 0;
    if (ctx->tx)
        n += deltas_get(&ctx->tx->d, domid);
    return n + deltas_get(&ctx->d, domid);
}

static void store_apply_deltas(struct xs_store *s, const struct xs_deltas *d)
{
    for (unsigned i = 0; i < d->n; i++) {
        struct xs_dom *dom = dom_find(s, d->v[i].domid);
        if (!dom)
            continue;       /* created by ctx_count, so unreachable */
        long v = (long)dom->nodes + d->v[i].delta;
        dom->nodes = v < 0 ? 0 : (unsigned long)v;
    }
}

/* ---- Transactions: touched set ---- */

static int touched_cmp(const char *entry, const char *path, size_t len)
{
    int c = strncmp(entry, path, len);
    if (c)
        return c;
    return entry[len] ? 1 : 0;
}

/* Remembers that the transaction read or wrote path[0..len). */
static int tx_touch(const struct xs_store *s, struct xs_tx *tx, const char *path, size_t len)
{
    unsigned lo = 0, hi = tx->ntouched;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        int c = touched_cmp(tx->touched[mid], path, len);
        if (c == 0)
            return 0;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (tx->ntouched + tx->nops >= s->lim.tx_nodes)
        return -ENOSPC;
    if (tx->ntouched == tx->touched_cap) {
        unsigned cap = tx->touched_cap ? tx->touched_cap * 2 : 16;
        char **v = realloc(tx->touched, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        tx->touched = v;
        tx->touched_cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, path, len);
    copy[len] = '\0';
    memmove(&tx->touched[lo + 1], &tx->touched[lo], (tx->ntouched - lo) * sizeof(char *));
    tx->touched[lo] = copy;
    tx->ntouched++;
    return 0;
}

static int ctx_touch(struct xs_ctx *ctx, const char *path, size_t len)
{
    return ctx->tx ? tx_touch(ctx->s, ctx->tx, path, len) : 0;
}

static void ops_free(struct xs_op *op)
{
    while (op) {
        struct xs_op *next = op->next;
        free(op);
        op = next;
    }
}

static void tx_free(struct xs_tx *tx)
{
    node_put(tx->base);
    node_put(tx->root);
    ops_free(tx->ops);
    for (unsigned i = 0; i < tx->ntouched; i++)
        free(tx->touched[i]);
    free(tx->touched);
    free(tx->d.v);
    free(tx);
}

/* Logs a copy of op (one allocation holding path, value and perms). */
static int tx_log(struct xs_tx *tx, const struct xs_op *op)
{
    size_t plen = strlen(op->path) + 1;
    size_t perms_size = op->nperms * sizeof(struct xs_perm);
    struct xs_op *copy = malloc(sizeof(*copy) + perms_size + plen + op->len);
    if (!copy)
        return -ENOMEM;
    *copy = *op;
    copy->next = NULL;
    uint8_t *p = (uint8_t *)(copy + 1);
    if (perms_size) {
        memcpy(p, op->perms, perms_size);
        copy->perms = (const struct xs_perm *)p;
        p += perms_size;
    }
    memcpy(p, op->path, plen);
    copy->path = (const char *)p;
    p += plen;
    if (op->len) {
        memcpy(p, op->data, op->len);
        copy->data = p;
    }
    *tx->ops_tail = copy;
    tx->ops_tail = &copy->next;
    tx->nops++;
    return 0;
}

/* ---- Modifications ---- */

static void changes_free(struct xs_change *c)
{
    while (c) {
        struct xs_change *next = c->next;
        free(c->perms);
        free(c);
        c = next;
    }
}

static void ctx_init(struct xs_ctx *ctx, struct xs_store *s, const struct xs_caller *who,
                     struct xs_node *root, struct xs_tx *tx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->s = s;
    ctx->who = *who;
    ctx->root = root;
    root->refs++;
    ctx->tx = tx;
    ctx->changes_tail = &ctx->changes;
}

static void ctx_drop(struct xs_ctx *ctx)
{
    node_put(ctx->root);
    free(ctx->d.v);
    changes_free(ctx->changes);
}

static int ctx_change(struct xs_ctx *ctx, const char *path, bool recursive,
                      const struct xs_node *n)
{
    if (ctx->tx)
        return 0;       /* watches fire when the transaction commits */
    size_t len = strlen(path);
    struct xs_change *c = malloc(sizeof(*c) + len + 1);
    if (!c)
        return -ENOMEM;
    c->perms = malloc(n->nperms * sizeof(*c->perms));
    if (!c->perms) {
        free(c);
        return -ENOMEM;
    }
    memcpy(c->perms, n->perms, n->nperms * sizeof(*c->perms));
    c->nperms = n->nperms;
    c->recursive = recursive;
    c->next = NULL;
    memcpy(c->path, path, len + 1);
    *ctx->changes_tail = c;
    ctx->changes_tail = &c->next;
    return 0;
}

/*
 * Creates path and its missing parents below the nearest existing ancestor
 * `anc` (path[matched] starts the missing part). New nodes inherit their
 * parent's permissions; a node an unprivileged domain creates is owned by
 * it (xenstored's construct_node), and counts against its quota.
 */
static int tree_create(struct xs_ctx *ctx, const char *path, size_t matched,
                       const struct xs_node *anc, struct xs_node **out)
{
    if (!(node_access(&ctx->who, anc) & XS_PERM_WRITE))
        return -EACCES;
    long missing = 1;
    for (const char *p = path + matched; *p; p++)
        missing += *p == '/';
    if (!ctx->who.priv &&
        ctx_nodes(ctx, ctx->who.domid) + missing > (long)ctx->s->lim.nodes_per_domain)
        return -ENOSPC;

    size_t anc_len = matched == 1 ? 1 : matched - 1;
    int err = ctx_touch(ctx, path, anc_len);
    if (err)
        return err;
    struct xs_node *parent = tree_own(&ctx->root, path, anc_len);
    if (!parent)
        return -ENOMEM;
    parent->gen = ++ctx->s->gen;        /* its list of children changes */

    const char *p = path + matched, *comp;
    size_t len;
    while (path_next(&p, &comp, &len)) {
        struct xs_node *child = node_alloc(comp, len);
        if (!child)
            return -ENOMEM;
        if (node_set_perms(child, parent->perms, parent->nperms) ||
            node_add_child(parent, child)) {
            node_put(child);
            return -ENOMEM;
        }
        if (!ctx->who.priv)
            child->perms[0].domid = ctx->who.domid;
        child->gen = ++ctx->s->gen;
        err = ctx_count(ctx, child->perms[0].domid, 1);
        if (!err)
            err = ctx_touch(ctx, path, (size_t)(comp + len - path));
        if (err)
            return err;
        parent = child;
    }
    *out = parent;
    return 0;
}

static int op_write(struct xs_ctx *ctx, const char *path, const uint8_t *value, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    if (!ctx->who.priv && len > ctx->s->lim.value_size)
        return -ENOSPC;
    int err = ctx_touch(ctx, path, strlen(path));
    if (err)
        return err;
    size_t matched;
    struct xs_node *n = tree_nearest(ctx->root, path, &matched);
    if (path[matched] == '\0') {
        if (!(node_access(&ctx->who, n) & XS_PERM_WRITE))
            return -EACCES;
        n = tree_own(&ctx->root, path, matched);
        if (!n)
            return -ENOMEM;
    } else {
        err = tree_create(ctx, path, matched, n, &n);
        if (err)
            return err;
    }
    err = node_set_value(n, value, len);
    if (err)
        return err;
    n->gen = ++ctx->s->gen;
    return ctx_change(ctx, path, false, n);
}

/* Like write without a value; an existing node is left alone and fires
 * nothing (Xen docs/misc/xenstore.txt MKDIR). */
static int op_mkdir(struct xs_ctx *ctx, const char *path)
{
    int err = ctx_touch(ctx, path, strlen(path));
    if (err)
        return err;
    size_t matched;
    struct xs_node *n = tree_nearest(ctx->root, path, &matched);
    if (path[matched] == '\0')
        return (node_access(&ctx->who, n) & XS_PERM_WRITE) ? 0 : -EACCES;
    err = tree_create(ctx, path, matched, n, &n);
    if (err)
        return err;
    return ctx_change(ctx, path, false, n);
}

static int count_subtree(struct xs_ctx *ctx, const struct xs_node *n)
{
    int err = ctx_count(ctx, n->perms[0].domid, -1);
    for (uint32_t i = 0; !err && i < n->nchildren; i++)
        err = count_subtree(ctx, n->children[i]);
    return err;
}

/* Removes path and everything below it. A missing path is fine when its
 * parent exists (Xen docs/misc/xenstore.txt RM). */
static int op_rm(struct xs_ctx *ctx, const char *path)
{
    if (path[1] == '\0')
        return -EINVAL;         /* never the root */
    int err = ctx_touch(ctx, path, strlen(path));
    if (err)
        return err;
    size_t matched;
    struct xs_node *n = tree_nearest(ctx->root, path, &matched);
    bool exists = path[matched] == '\0';
    if (!(node_access(&ctx->who, n) & XS_PERM_WRITE))
        return -EACCES;
    if (!exists)
        return strchr(path + matched, '/') ? -ENOENT : 0;

    size_t parent_len = path_parent_len(path);
    err = ctx_touch(ctx, path, parent_len);
    if (!err)
        err = ctx_change(ctx, path, true, n);
    if (!err)
        err = count_subtree(ctx, n);
    if (err)
        return err;
    struct xs_node *parent = tree_own(&ctx->root, path, parent_len);
    if (!parent)
        return -ENOMEM;
    const char *base = path + parent_len + (parent_len > 1);
    int i = node_child_index(parent, base, strlen(base));
    struct xs_node *victim = parent->children[i];
    memmove(&parent->children[i], &parent->children[i + 1],
            (parent->nchildren - (uint32_t)i - 1) * sizeof(*parent->children));
    parent->nchildren--;
    parent->gen = ++ctx->s->gen;
    node_put(victim);
    return 0;
}

/* Only the owner (or Dom0) may set permissions, and only Dom0 may give a
 * node away (xenstored do_set_perms: EPERM). */
static int op_set_perms(struct xs_ctx *ctx, const char *path, const struct xs_perm *perms,
                        unsigned count)
{
    if (count == 0)
        return -EINVAL;
    if (!ctx->who.priv && count > ctx->s->lim.perms_per_node)
        return -ENOSPC;
    int err = ctx_touch(ctx, path, strlen(path));
    if (err)
        return err;
    struct xs_node *n = tree_access(ctx->root, &ctx->who, path,
                                    XS_PERM_WRITE | XS_PERM_OWNER, &err);
    if (!n)
        return err;
    if (!ctx->who.priv && perms[0].domid != n->perms[0].domid)
        return -EPERM;
    err = ctx_count(ctx, n->perms[0].domid, -1);
    if (!err)
        err = ctx_count(ctx, perms[0].domid, 1);
    if (err)
        return err;
    n = tree_own(&ctx->root, path, strlen(path));
    if (!n)
        return -ENOMEM;
    err = node_set_perms(n, perms, count);
    if (err)
        return err;
    n->gen = ++ctx->s->gen;
    return ctx_change(ctx, path, false, n);
}

static int op_apply(struct xs_ctx *ctx, const struct xs_op *op)
{
    switch (op->kind) {
    case OP_WRITE:
        return op_write(ctx, op->path, op->data, op->len);
    case OP_MKDIR:
        return op_mkdir(ctx, op->path);
    case OP_RM:
        return op_rm(ctx, op->path);
    case OP_SET_PERMS:
        return op_set_perms(ctx, op->path, op->perms, op->nperms);
    }
    return -EINVAL;
}

/*
 * Applies ops atomically to the live tree (tx == NULL) or to a
 * transaction's tree. On success *changes gets what to fire watches for
 * (always NULL inside a transaction); the caller fires and frees them.
 */
static int store_apply(struct xs_store *s, const struct xs_caller *who, struct xs_tx *tx,
                       const struct xs_op *ops, unsigned nops, struct xs_change **changes)
{
    struct xs_node **rootp = tx ? &tx->root : &s->root;
    struct xs_ctx ctx;
    int err = 0;

    *changes = NULL;
    if (tx && tx->ntouched + tx->nops + nops > s->lim.tx_nodes)
        return -ENOSPC;
    ctx_init(&ctx, s, who, *rootp, tx);
    for (unsigned i = 0; !err && i < nops; i++)
        err = op_apply(&ctx, &ops[i]);
    if (!err && tx)
        err = deltas_reserve(&tx->d, tx->d.n + ctx.d.n);
    for (unsigned i = 0; !err && tx && i < nops; i++)
        err = tx_log(tx, &ops[i]);
    if (err) {
        ctx_drop(&ctx);
        return err;
    }
    node_put(*rootp);
    *rootp = ctx.root;
    if (tx) {
        for (unsigned i = 0; i < ctx.d.n; i++)
            deltas_add(&tx->d, ctx.d.v[i].domid, ctx.d.v[i].delta);
    } else {
        store_apply_deltas(s, &ctx.d);
    }
    free(ctx.d.v);
    *changes = ctx.changes;
    return 0;
}

/* EAGAIN when a node the transaction touched differs between its start
 * snapshot and the live tree; otherwise replays its operations. */
static int tx_commit(struct xs_store *s, const struct xs_caller *who, struct xs_tx *tx,
                     struct xs_change **changes)
{
    *changes = NULL;
    for (unsigned i = 0; i < tx->ntouched; i++) {
        const struct xs_node *then = tree_lookup(tx->base, tx->touched[i]);
        const struct xs_node *now = tree_lookup(s->root, tx->touched[i]);
        if (!then != !now || (then && then->gen != now->gen))
            return -EAGAIN;
    }
    if (!tx->ops)
        return 0;
    struct xs_ctx ctx;
    int err = 0;
    ctx_init(&ctx, s, who, s->root, NULL);
    for (const struct xs_op *op = tx->ops; op && !err; op = op->next)
        err = op_apply(&ctx, op);
    if (err) {
        ctx_drop(&ctx);
        return err;
    }
    node_put(s->root);
    s->root = ctx.root;
    store_apply_deltas(s, &ctx.d);
    free(ctx.d.v);
    *changes = ctx.changes;
    return 0;
}

/* ---- Connections: output ---- */

static void conn_queue_done(struct xs_conn *c)
{
    if (!c->busy && c->ops && c->ops->output_pending)
        c->ops->output_pending(c->opaque, c);
}

static int conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
                      const void *p1, size_t l1, const void *p2, size_t l2)
{
    size_t len = l1 + l2;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    struct xs_out *o = malloc(sizeof(*o) + XS_HEADER_SIZE + len);
    if (!o)
        return -ENOMEM;
    o->next = NULL;
    o->len = XS_HEADER_SIZE + (uint32_t)len;
    o->sent = 0;
    put_le32(o->data + 0, type);
    put_le32(o->data + 4, req_id);
    put_le32(o->data + 8, tx_id);
    put_le32(o->data + 12, (uint32_t)len);
    if (l1)
        memcpy(o->data + XS_HEADER_SIZE, p1, l1);
    if (l2)
        memcpy(o->data + XS_HEADER_SIZE + l1, p2, l2);
    *c->out_tail = o;
    c->out_tail = &o->next;
    c->out_bytes += o->len;
    return 0;
}

static void conn_out_free(struct xs_conn *c)
{
    struct xs_out *o = c->out_head;
    while (o) {
        struct xs_out *next = o->next;
        free(o);
        o = next;
    }
    c->out_head = NULL;
    c->out_tail = &c->out_head;
    c->out_bytes = 0;
}

size_t xs_conn_output_peek(struct xs_conn *c, const uint8_t **data)
{
    if (c->broken || !c->out_head)
        return 0;
    *data = c->out_head->data + c->out_head->sent;
    return c->out_head->len - c->out_head->sent;
}

void xs_conn_output_advance(struct xs_conn *c, size_t n)
{
    struct xs_out *o = c->out_head;
    if (!o)
        return;
    o->sent += n > o->len - o->sent ? o->len - o->sent : (uint32_t)n;
    if (o->sent == o->len) {
        c->out_head = o->next;
        if (!c->out_head)
            c->out_tail = &c->out_head;
        c->out_bytes -= o->len;
        free(o);
    }
}

bool xs_conn_has_output(const struct xs_conn *c)
{
    return !c->broken && c->out_head;
}

bool xs_conn_pop(struct xs_conn *c, struct xsd_sockmsg *hdr, void *payload, size_t cap)
{
    struct xs_out *o = c->out_head;
    if (c->broken || !o || o->sent)
        return false;
    hdr->type = get_le32(o->data);
    hdr->req_id = get_le32(o->data + 4);
    hdr->tx_id = get_le32(o->data + 8);
    hdr->len = get_le32(o->data + 12);
    if (payload)
        memcpy(payload, o->data + XS_HEADER_SIZE, hdr->len < cap ? hdr->len : cap);
    xs_conn_output_advance(c, o->len);
    return true;
}

/* ---- Watches ---- */

/* A relative watch reports paths relative to the home it was resolved
 * against (Xen docs/misc/xenstore.txt WATCH_EVENT). */
static const char *event_path(const struct xs_conn *c, const struct xs_watch *w,
                              const char *abs)
{
    if (!w->relative)
        return abs;
    size_t hl = strlen(c->home);
    if (strncmp(abs, c->home, hl) == 0 && abs[hl] == '/')
        return abs + hl + 1;
    return abs;
}

/* initial: the registration event, part of the WATCH reply, never dropped
 * (the request backlog already bounds it). */
static void conn_queue_event(struct xs_conn *c, const struct xs_watch *w, const char *abs,
                             bool initial)
{
    const char *path = event_path(c, w, abs);
    size_t plen = strlen(path) + 1, tlen = strlen(w->token) + 1;
    if (!initial && c->out_bytes + XS_HEADER_SIZE + plen + tlen > c->s->lim.event_backlog) {
        c->stats.events_dropped++;
        trace_printf(c->s->trace, TRACE_GUEST_ERROR,
                     "xenstore: dom%u not reading its ring, watch event %s dropped",
                     c->domid, path);
        return;
    }
    if (conn_queue(c, XS_WATCH_EVENT, 0, 0, path, plen, w->token, tlen) == 0) {
        c->stats.events++;
        conn_queue_done(c);
    } else {
        c->stats.events_dropped++;
    }
}

static void fire_change(struct xs_store *s, const struct xs_change *ch)
{
    for (unsigned i = 0; i < s->ndoms; i++) {
        struct xs_conn *c = s->doms[i].conn;
        if (!c || !s->doms[i].introduced || c->broken)
            continue;
        struct xs_caller who = { c->domid, c->priv };
        if (!(perms_access(&who, ch->perms, ch->nperms) & XS_PERM_READ))
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next) {
            if (w->special)
                continue;
            if (path_is_child(ch->path, w->path))
                conn_queue_event(c, w, ch->path, false);
            else if (ch->recursive && path_is_child(w->path, ch->path))
                conn_queue_event(c, w, w->path, false);
        }
    }
}

static void fire_changes(struct xs_store *s, struct xs_change *list)
{
    for (struct xs_change *ch = list; ch; ch = ch->next)
        fire_change(s, ch);
    changes_free(list);
}

/* Special watches tell about other domains, so only Dom0 hears them
 * (Xen XSA-115). */
void xs_fire_special(struct xs_store *s, const char *special)
{
    for (unsigned i = 0; i < s->ndoms; i++) {
        struct xs_conn *c = s->doms[i].conn;
        if (!c || !c->priv || !s->doms[i].introduced || c->broken)
            continue;
        for (struct xs_watch *w = c->watches; w; w = w->next)
            if (w->special && strcmp(w->path, special) == 0)
                conn_queue_event(c, w, w->path, false);
    }
}

static void watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

static void conn_drop_watches_and_txs(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;
        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
    while (c->txs) {
        struct xs_tx *tx = c->txs;
        c->txs = tx->next;
        tx_free(tx);
    }
    c->ntxs = 0;
}

/* ---- Requests ---- */

static int domain_introduce(struct xs_store *s, unsigned domid, struct xs_conn **conn,
                            bool *fresh);
static int domain_release(struct xs_store *s, unsigned domid);

struct xs_req {
    struct xs_conn *c;
    struct xs_store *s;
    const struct xsd_sockmsg *hdr;
    const char *p;              /* payload, followed by a NUL */
    uint32_t len;
    struct xs_tx *tx;
    struct xs_caller who;
};

static int reply(struct xs_req *r, const void *data, size_t len)
{
    return conn_queue(r->c, r->hdr->type, r->hdr->req_id, r->hdr->tx_id, data, len, NULL, 0);
}

static int reply_str(struct xs_req *r, const char *str)
{
    return reply(r, str, strlen(str) + 1);
}

/* The payload as exactly one NUL-terminated string (xenstored's onearg). */
static const char *req_onearg(const struct xs_req *r)
{
    if (r->len == 0 || memchr(r->p, 0, r->len) != r->p + r->len - 1)
        return NULL;
    return r->p;
}

/* Splits the payload into NUL-terminated strings; returns how many there
 * are (bytes after the last NUL are not a string). */
static unsigned req_args(const struct xs_req *r, const char **argv, unsigned max)
{
    unsigned n = 0;
    uint32_t off = 0;
    while (off < r->len) {
        const char *nul = memchr(r->p + off, 0, r->len - off);
        if (!nul)
            break;
        if (n < max)
            argv[n] = r->p + off;
        n++;
        off = (uint32_t)(nul - r->p) + 1;
    }
    return n;
}

static int req_path(struct xs_req *r, const char *in, char *path, bool *relative)
{
    if (!in)
        return -EINVAL;
    return path_resolve(r->c->domid, in, path, relative);
}

/* Looks a node up for a read-type request, in the transaction's view when
 * there is one, remembering the access for the conflict check. */
static struct xs_node *req_lookup(struct xs_req *r, const char *path, unsigned need, int *err)
{
    struct xs_node *root = r->tx ? r->tx->root : r->s->root;
    if (r->tx) {
        *err = tx_touch(r->s, r->tx, path, strlen(path));
        if (*err)
            return NULL;
    }
    return tree_access(root, &r->who, path, need, err);
}

static int req_mutate(struct xs_req *r, const struct xs_op *op)
{
    struct xs_change *changes;
    int err = store_apply(r->s, &r->who, r->tx, op, 1, &changes);
    if (err)
        return err;
    err = reply_str(r, "OK");
    fire_changes(r->s, changes);
    return err;
}

static int do_read(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int err = req_path(r, req_onearg(r), path, NULL);
    if (err)
        return err;
    struct xs_node *n = req_lookup(r, path, XS_PERM_READ, &err);
    return n ? reply(r, n->value, n->value_len) : err;
}

static int do_directory(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int err = req_path(r, req_onearg(r), path, NULL);
    if (err)
        return err;
    struct xs_node *n = req_lookup(r, path, XS_PERM_READ, &err);
    if (!n)
        return err;
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;
    for (uint32_t i = 0; i < n->nchildren; i++) {
        size_t l = strlen(n->children[i]->name) + 1;
        if (len + l > sizeof(buf))
            return -E2BIG;      /* the client should use DIRECTORY_PART */
        memcpy(buf + len, n->children[i]->name, l);
        len += l;
    }
    return reply(r, buf, len);
}

/* "<path>\0<offset>\0" -> "<gen>\0" + the names from byte offset <offset>
 * of the full list that fit, + an empty name when the list is complete. */
static int do_directory_part(struct xs_req *r)
{
    const char *argv[2];
    char path[XENSTORE_ABS_PATH_MAX + 1];
    if (req_args(r, argv, 2) != 2)
        return -EINVAL;
    int err = req_path(r, argv[0], path, NULL);
    if (err)
        return err;
    char *end;
    unsigned long off = strtoul(argv[1], &end, 10);
    if (*argv[1] < '0' || *argv[1] > '9' || *end)
        return -EINVAL;
    struct xs_node *n = req_lookup(r, path, XS_PERM_READ, &err);
    if (!n)
        return err;
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, n->gen) + 1;
    unsigned long pos = 0;
    uint32_t i = 0;
    for (; i < n->nchildren && pos < off; i++)
        pos += strlen(n->children[i]->name) + 1;
    if (pos != off)
        return -EINVAL;         /* not at a name boundary, or past the end */
    for (; i < n->nchildren; i++) {
        size_t l = strlen(n->children[i]->name) + 1;
        if (len + l + 1 > sizeof(buf))
            break;
        memcpy(buf + len, n->children[i]->name, l);
        len += l;
    }
    if (i == n->nchildren)
        buf[len++] = '\0';
    return reply(r, buf, len);
}

static int do_get_perms(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int err = req_path(r, req_onearg(r), path, NULL);
    if (err)
        return err;
    struct xs_node *n = req_lookup(r, path, XS_PERM_READ, &err);
    if (!n)
        return err;
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t len = 0;
    for (unsigned i = 0; i < n->nperms; i++) {
        if (len + 8 > sizeof(buf))
            return -E2BIG;
        len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%c%u",
                                perm_letter(n->perms[i].perms), n->perms[i].domid) + 1;
    }
    return reply(r, buf, len);
}

static int do_write(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    const char *nul = memchr(r->p, 0, r->len);
    if (!nul)
        return -EINVAL;
    int err = req_path(r, r->p, path, NULL);
    if (err)
        return err;
    struct xs_op op = {
        .kind = OP_WRITE, .path = path,
        .data = (const uint8_t *)nul + 1, .len = r->len - (uint32_t)(nul + 1 - r->p),
    };
    return req_mutate(r, &op);
}

static int do_mkdir(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int err = req_path(r, req_onearg(r), path, NULL);
    if (err)
        return err;
    struct xs_op op = { .kind = OP_MKDIR, .path = path };
    return req_mutate(r, &op);
}

static int do_rm(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int err = req_path(r, req_onearg(r), path, NULL);
    if (err)
        return err;
    struct xs_op op = { .kind = OP_RM, .path = path };
    return req_mutate(r, &op);
}

static int do_set_perms(struct xs_req *r)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    const char *first;
    unsigned n = req_args(r, &first, 1);
    if (n < 2)
        return -EINVAL;
    int err = req_path(r, first, path, NULL);
    if (err)
        return err;
    unsigned count = n - 1;
    if (!r->who.priv && count > r->s->lim.perms_per_node)
        return -ENOSPC;
    struct xs_perm *perms = malloc(count * sizeof(*perms));
    if (!perms)
        return -ENOMEM;
    const char *p = first + strlen(first) + 1;
    for (unsigned i = 0; i < count && !err; i++, p += strlen(p) + 1)
        err = xs_perm_parse(p, &perms[i]);
    if (!err) {
        struct xs_op op = { .kind = OP_SET_PERMS, .path = path, .perms = perms,
                            .nperms = count };
        err = req_mutate(r, &op);
    }
    free(perms);
    return err;
}

/* Resolves a watch path: "@name" stays as it is, others become absolute. */
static int watch_path(struct xs_req *r, const char *in, char *path, bool *relative,
                      bool *special)
{
    *special = in[0] == '@';
    *relative = false;
    if (*special) {
        size_t len = strlen(in);
        if (len > XENSTORE_REL_PATH_MAX)
            return -EINVAL;
        memcpy(path, in, len + 1);
        return 0;
    }
    return req_path(r, in, path, relative);
}

static int do_watch(struct xs_req *r)
{
    const char *argv[2];
    char path[XENSTORE_ABS_PATH_MAX + 1];
    bool relative, special;
    if (req_args(r, argv, 2) < 2)
        return -EINVAL;
    int err = watch_path(r, argv[0], path, &relative, &special);
    if (err)
        return err;
    if (strlen(argv[1]) > XS_TOKEN_MAX)
        return -EINVAL;
    struct xs_conn *c = r->c;
    for (struct xs_watch *w = c->watches; w; w = w->next)
        if (strcmp(w->path, path) == 0 && strcmp(w->token, argv[1]) == 0)
            return -EEXIST;
    if (!c->priv && c->nwatches >= r->s->lim.watches_per_conn)
        return -E2BIG;          /* xenstored's watch quota error */
    struct xs_watch *w = calloc(1, sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->path = strdup(path);
    w->token = strdup(argv[1]);
    w->relative = relative;
    w->special = special;
    if (!w->path || !w->token) {
        watch_free(w);
        return -ENOMEM;
    }
    err = reply_str(r, "OK");
    if (err) {
        watch_free(w);
        return err;
    }
    /* Appended, so events come out in registration order. */
    struct xs_watch **tail = &c->watches;
    while (*tail)
        tail = &(*tail)->next;
    *tail = w;
    c->nwatches++;
    /* Fires once at registration: Linux relies on it (manage.c sysrq,
     * every frontend's otherend watch). */
    conn_queue_event(c, w, w->path, true);
    return 0;
}

static int do_unwatch(struct xs_req *r)
{
    const char *argv[2];
    char path[XENSTORE_ABS_PATH_MAX + 1];
    bool relative, special;
    if (req_args(r, argv, 2) < 2)
        return -EINVAL;
    int err = watch_path(r, argv[0], path, &relative, &special);
    if (err)
        return err;
    for (struct xs_watch **pw = &r->c->watches; *pw; pw = &(*pw)->next) {
        struct xs_watch *w = *pw;
        if (strcmp(w->path, path) == 0 && strcmp(w->token, argv[1]) == 0) {
            *pw = w->next;
            watch_free(w);
            r->c->nwatches--;
            return reply_str(r, "OK");
        }
    }
    return -ENOENT;
}

static int do_reset_watches(struct xs_req *r)
{
    conn_drop_watches_and_txs(r->c);
    return reply_str(r, "OK");
}

static struct xs_tx *tx_find(const struct xs_conn *c, uint32_t id)
{
    for (struct xs_tx *tx = c->txs; tx; tx = tx->next)
        if (tx->id == id)
            return tx;
    return NULL;
}

static int do_transaction_start(struct xs_req *r)
{
    struct xs_conn *c = r->c;
    if (r->hdr->tx_id)
        return -EBUSY;          /* no nested transactions */
    if (!c->priv && c->ntxs >= r->s->lim.transactions_per_conn)
        return -ENOSPC;
    struct xs_tx *tx = calloc(1, sizeof(*tx));
    if (!tx)
        return -ENOMEM;
    do {
        tx->id = ++r->s->next_tx_id;
    } while (tx->id == 0 || tx_find(c, tx->id));
    tx->base = r->s->root;
    tx->root = r->s->root;
    r->s->root->refs += 2;
    tx->ops_tail = &tx->ops;
    char id[16];
    snprintf(id, sizeof(id), "%" PRIu32, tx->id);
    int err = reply_str(r, id);
    if (err) {
        tx_free(tx);
        return err;
    }
    tx->next = c->txs;
    c->txs = tx;
    c->ntxs++;
    return 0;
}

static int do_transaction_end(struct xs_req *r)
{
    const char *arg = req_onearg(r);
    struct xs_conn *c = r->c;
    struct xs_tx *tx = r->tx;
    if (!tx)
        return -ENOENT;
    if (!arg || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0))
        return -EINVAL;
    for (struct xs_tx **pt = &c->txs; *pt; pt = &(*pt)->next) {
        if (*pt == tx) {
            *pt = tx->next;
            break;
        }
    }
    c->ntxs--;
    struct xs_change *changes = NULL;
    int err = arg[0] == 'T' ? tx_commit(r->s, &r->who, tx, &changes) : 0;
    tx_free(tx);
    r->tx = NULL;
    if (err)
        return err;
    err = reply_str(r, "OK");
    fire_changes(r->s, changes);
    return err;
}

static int do_get_domain_path(struct xs_req *r)
{
    const char *arg = req_onearg(r);
    unsigned domid;
    if (!arg || parse_domid(arg, &domid))
        return -EINVAL;
    char path[32];
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    return reply_str(r, path);
}

static int do_introduce(struct xs_req *r)
{
    const char *argv[3];
    unsigned domid;
    if (req_args(r, argv, 3) < 3 || parse_domid(argv[0], &domid) || domid == 0 ||
        domid >= XS_DOMID_FIRST_RESERVED)
        return -EINVAL;
    char *end;
    unsigned long long gfn = strtoull(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end)
        return -EINVAL;
    unsigned long port = strtoul(argv[2], &end, 10);
    if (*argv[2] == '\0' || *end || port > UINT32_MAX)
        return -EINVAL;
    bool fresh = false;
    if (!xs_domain_is_introduced(r->s, domid)) {
        if (r->s->hooks.introduce) {
            int err = r->s->hooks.introduce(r->s->hooks.opaque, domid, gfn, (uint32_t)port);
            if (err)
                return err;
        }
        int err = domain_introduce(r->s, domid, NULL, &fresh);
        if (err)
            return err;
    }
    /* The reply first, then the events it causes (as for writes). */
    int err = reply_str(r, "OK");
    if (fresh)
        xs_fire_special(r->s, "@introduceDomain");
    return err;
}

static int do_release(struct xs_req *r)
{
    const char *arg = req_onearg(r);
    unsigned domid;
    if (!arg || parse_domid(arg, &domid) || domid == r->c->domid)
        return -EINVAL;
    int err = domain_release(r->s, domid);
    if (err)
        return err;
    if (r->s->hooks.release)
        r->s->hooks.release(r->s->hooks.opaque, domid);
    err = reply_str(r, "OK");
    xs_fire_special(r->s, "@releaseDomain");
    return err;
}

static int do_is_domain_introduced(struct xs_req *r)
{
    const char *arg = req_onearg(r);
    unsigned domid;
    if (!arg || parse_domid(arg, &domid))
        return -EINVAL;
    return reply_str(r, xs_domain_is_introduced(r->s, domid) ? "T" : "F");
}

static int do_resume(struct xs_req *r)
{
    const char *arg = req_onearg(r);
    unsigned domid;
    if (!arg || parse_domid(arg, &domid))
        return -EINVAL;
    return xs_domain_is_introduced(r->s, domid) ? reply_str(r, "OK") : -ENOENT;
}

/* The only control command: "print\0<text>\0" to the trace. */
static int do_control(struct xs_req *r)
{
    const char *argv[2];
    unsigned n = req_args(r, argv, 2);
    if (n == 2 && strcmp(argv[0], "print") == 0) {
        trace_printf(r->s->trace, TRACE_HV, "xenstore: dom%u: %s", r->c->domid, argv[1]);
        return reply_str(r, "OK");
    }
    return -EINVAL;
}

#define F_TX   1u   /* honours the tx_id of the header */
#define F_PRIV 2u   /* toolstack (Dom0) only */

static const struct xs_handler {
    int (*fn)(struct xs_req *r);
    unsigned flags;
    const char *name;
} xs_handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = { do_control, F_PRIV, "CONTROL" },
    [XS_DIRECTORY] = { do_directory, F_TX, "DIRECTORY" },
    [XS_READ] = { do_read, F_TX, "READ" },
    [XS_GET_PERMS] = { do_get_perms, F_TX, "GET_PERMS" },
    [XS_WATCH] = { do_watch, 0, "WATCH" },
    [XS_UNWATCH] = { do_unwatch, 0, "UNWATCH" },
    [XS_TRANSACTION_START] = { do_transaction_start, 0, "TRANSACTION_START" },
    [XS_TRANSACTION_END] = { do_transaction_end, F_TX, "TRANSACTION_END" },
    [XS_INTRODUCE] = { do_introduce, F_PRIV, "INTRODUCE" },
    [XS_RELEASE] = { do_release, F_PRIV, "RELEASE" },
    [XS_GET_DOMAIN_PATH] = { do_get_domain_path, 0, "GET_DOMAIN_PATH" },
    [XS_WRITE] = { do_write, F_TX, "WRITE" },
    [XS_MKDIR] = { do_mkdir, F_TX, "MKDIR" },
    [XS_RM] = { do_rm, F_TX, "RM" },
    [XS_SET_PERMS] = { do_set_perms, F_TX, "SET_PERMS" },
    [XS_WATCH_EVENT] = { NULL, 0, "WATCH_EVENT" },
    [XS_ERROR] = { NULL, 0, "ERROR" },
    [XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, F_PRIV, "IS_DOMAIN_INTRODUCED" },
    [XS_RESUME] = { do_resume, F_PRIV, "RESUME" },
    [XS_SET_TARGET] = { NULL, F_PRIV, "SET_TARGET" },
    [XS_RESET_WATCHES] = { do_reset_watches, 0, "RESET_WATCHES" },
    [XS_DIRECTORY_PART] = { do_directory_part, F_TX, "DIRECTORY_PART" },
};

static void conn_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr, const char *payload)
{
    struct xs_req r = {
        .c = c, .s = c->s, .hdr = hdr, .p = payload, .len = hdr->len,
        .who = { c->domid, c->priv },
    };
    const struct xs_handler *h = hdr->type < XS_TYPE_COUNT ? &xs_handlers[hdr->type] : NULL;
    int err = 0;

    c->stats.requests++;
    if (!h || !h->name)
        err = -ENOSYS;
    else if ((h->flags & F_PRIV) && !c->priv)
        err = -EACCES;
    else if (hdr->type == XS_WATCH_EVENT || hdr->type == XS_ERROR)
        err = -EINVAL;          /* server-to-client types */
    else if (!h->fn)
        err = -ENOSYS;
    else if ((h->flags & F_TX) && hdr->tx_id && !(r.tx = tx_find(c, hdr->tx_id)))
        err = -ENOENT;
    else
        err = h->fn(&r);

    if (trace_enabled(c->s->trace, TRACE_HV)) {
        size_t shown = strnlen(payload, hdr->len);
        trace_printf(c->s->trace, TRACE_HV, "xenstore: dom%u %s tx %u \"%.*s\" -> %s",
                     c->domid, h && h->name ? h->name : "?", hdr->tx_id,
                     (int)(shown > 64 ? 64 : shown), payload, err ? xs_errno_name(err) : "OK");
    }
    if (!err)
        return;
    c->stats.errors++;
    if (err == -EACCES || err == -ENOSPC || err == -E2BIG || err == -EPERM)
        trace_printf(c->s->trace, TRACE_GUEST_ERROR, "xenstore: dom%u %s \"%.*s\" refused: %s",
                     c->domid, h && h->name ? h->name : "?",
                     (int)strnlen(payload, hdr->len > 64 ? 64 : hdr->len), payload,
                     xs_errno_name(err));
    const char *name = xs_errno_name(err);
    conn_queue(c, XS_ERROR, hdr->req_id, hdr->tx_id, name, strlen(name) + 1, NULL, 0);
}

/* ---- Connections: input ---- */

static void conn_input_clear(struct xs_conn *c)
{
    c->in_hdr_used = 0;
    c->in_have_hdr = false;
    c->in_ready = false;
    c->in_used = 0;
}

size_t xs_conn_input(struct xs_conn *c, const void *bytes, size_t n)
{
    const uint8_t *b = bytes;
    size_t done = 0;

    c->busy++;
    while (!c->broken) {
        if (c->in_ready) {
            /* Back-pressure: a guest that does not read its replies stops
             * being served instead of growing our queue. */
            if (c->out_bytes >= c->s->lim.reply_backlog)
                break;
            c->in_buf[c->in_msg.len] = '\0';
            conn_dispatch(c, &c->in_msg, c->in_buf);
            conn_input_clear(c);
            continue;
        }
        if (done == n)
            break;
        if (!c->in_have_hdr) {
            size_t take = XS_HEADER_SIZE - c->in_hdr_used;
            if (take > n - done)
                take = n - done;
            memcpy(c->in_hdr + c->in_hdr_used, b + done, take);
            c->in_hdr_used += (uint32_t)take;
            done += take;
            if (c->in_hdr_used < XS_HEADER_SIZE)
                continue;
            c->in_msg.type = get_le32(c->in_hdr);
            c->in_msg.req_id = get_le32(c->in_hdr + 4);
            c->in_msg.tx_id = get_le32(c->in_hdr + 8);
            c->in_msg.len = get_le32(c->in_hdr + 12);
            if (c->in_msg.len > XENSTORE_PAYLOAD_MAX) {
                char why[64];
                snprintf(why, sizeof(why), "request payload of %" PRIu32 " bytes",
                         c->in_msg.len);
                xs_conn_mark_broken(c, why);
                break;
            }
            c->in_have_hdr = true;
            c->in_used = 0;
            c->in_ready = c->in_msg.len == 0;
        } else {
            size_t take = c->in_msg.len - c->in_used;
            if (take > n - done)
                take = n - done;
            memcpy(c->in_buf + c->in_used, b + done, take);
            c->in_used += (uint32_t)take;
            done += take;
            c->in_ready = c->in_used == c->in_msg.len;
        }
    }
    c->busy--;
    return done;
}

int xs_conn_request(struct xs_conn *c, const struct xsd_sockmsg *hdr, const void *payload)
{
    if (c->broken || hdr->len > XENSTORE_PAYLOAD_MAX)
        return -EINVAL;
    char *copy = malloc(hdr->len + 1);
    if (!copy)
        return -ENOMEM;
    if (hdr->len)
        memcpy(copy, payload, hdr->len);
    copy[hdr->len] = '\0';
    c->busy++;
    conn_dispatch(c, hdr, copy);
    c->busy--;
    free(copy);
    return 0;
}

void xs_conn_mark_broken(struct xs_conn *c, const char *why)
{
    if (!c->broken)
        trace_printf(c->s->trace, TRACE_GUEST_ERROR,
                     "xenstore: dom%u connection broken: %s", c->domid, why);
    c->broken = true;
}

bool xs_conn_broken(const struct xs_conn *c)
{
    return c->broken;
}

void xs_conn_reset(struct xs_conn *c)
{
    conn_drop_watches_and_txs(c);
    conn_out_free(c);
    conn_input_clear(c);
    c->broken = false;
    memset(&c->transport, 0, sizeof(c->transport));
    memset(&c->stats, 0, sizeof(c->stats));
}

void xs_conn_notify(struct xs_conn *c)
{
    if (c->ops && c->ops->notify)
        c->ops->notify(c->opaque, c);
}

void xs_conn_set_ops(struct xs_conn *c, const struct xs_conn_ops *ops, void *opaque)
{
    c->ops = ops;
    c->opaque = opaque;
}

unsigned xs_conn_domid(const struct xs_conn *c)
{
    return c->domid;
}

struct xs_store *xs_conn_store(struct xs_conn *c)
{
    return c->s;
}

struct xs_transport *xs_conn_transport(struct xs_conn *c)
{
    return &c->transport;
}

void xs_conn_get_stats(const struct xs_conn *c, struct xs_conn_stats *st)
{
    *st = c->stats;
    st->watches = c->nwatches;
    st->transactions = c->ntxs;
    st->queued_bytes = c->out_bytes;
}

/* ---- Store and domains ---- */

static const struct xs_caller xs_dom0 = { 0, true };

static int store_apply_fire(struct xs_store *s, const struct xs_op *ops, unsigned nops)
{
    struct xs_change *changes;
    int err = store_apply(s, &xs_dom0, NULL, ops, nops, &changes);
    if (!err)
        fire_changes(s, changes);
    return err;
}

struct xs_store *xs_store_create(const struct xs_limits *limits, struct trace *trace)
{
    struct xs_store *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (limits)
        s->lim = *limits;
    else
        xs_limits_default(&s->lim);
    s->trace = trace;
    static const struct xs_perm dom0_only = { 0, XS_PERM_NONE };
    struct xs_dom *d0 = dom_get(s, 0);
    s->root = node_alloc("", 0);
    if (!d0 || !s->root || node_set_perms(s->root, &dom0_only, 1))
        goto fail;
    d0->nodes = 1;
    s->root->gen = ++s->gen;
    struct xs_op op = { .kind = OP_MKDIR, .path = "/local/domain" };
    if (store_apply_fire(s, &op, 1))
        goto fail;
    return s;
fail:
    xs_store_destroy(s);
    return NULL;
}

void xs_store_destroy(struct xs_store *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->ndoms; i++) {
        struct xs_conn *c = s->doms[i].conn;
        if (c) {
            xs_conn_reset(c);
            free(c);
        }
    }
    free(s->doms);
    node_put(s->root);
    free(s);
}

void xs_store_set_hooks(struct xs_store *s, const struct xs_store_hooks *hooks)
{
    if (hooks)
        s->hooks = *hooks;
    else
        memset(&s->hooks, 0, sizeof(s->hooks));
}

/* Introduces without firing @introduceDomain; *fresh tells whether the
 * domain was not introduced before (the caller fires after its reply). */
static int domain_introduce(struct xs_store *s, unsigned domid, struct xs_conn **conn,
                            bool *fresh)
{
    *fresh = false;
    if (domid >= XS_DOMID_FIRST_RESERVED)
        return -EINVAL;
    struct xs_dom *d = dom_get(s, domid);
    if (!d)
        return -ENOMEM;
    if (!d->conn) {
        struct xs_conn *c = calloc(1, sizeof(*c));
        if (!c)
            return -ENOMEM;
        c->s = s;
        c->domid = domid;
        c->priv = domid == 0;
        c->out_tail = &c->out_head;
        snprintf(c->home, sizeof(c->home), "/local/domain/%u", domid);
        d->conn = c;
    }
    struct xs_conn *c = d->conn;
    if (conn)
        *conn = c;
    if (d->introduced)
        return 0;

    /* The home directory, owned by the domain and closed to other DomUs. */
    if (!tree_lookup(s->root, c->home)) {
        struct xs_perm owner = { (uint16_t)domid, XS_PERM_NONE };
        struct xs_op ops[2] = {
            { .kind = OP_MKDIR, .path = c->home },
            { .kind = OP_SET_PERMS, .path = c->home, .perms = &owner, .nperms = 1 },
        };
        int err = store_apply_fire(s, ops, 2);
        if (err)
            return err;
    }
    dom_find(s, domid)->introduced = true;
    *fresh = true;
    return 0;
}

int xs_domain_introduce(struct xs_store *s, unsigned domid, struct xs_conn **conn)
{
    bool fresh;
    int err = domain_introduce(s, domid, conn, &fresh);
    if (!err && fresh)
        xs_fire_special(s, "@introduceDomain");
    return err;
}

static int domain_release(struct xs_store *s, unsigned domid)
{
    struct xs_dom *d = dom_find(s, domid);
    if (!d || !d->introduced)
        return -ENOENT;
    d->introduced = false;
    xs_conn_reset(d->conn);
    return 0;
}

int xs_domain_release(struct xs_store *s, unsigned domid)
{
    int err = domain_release(s, domid);
    if (!err)
        xs_fire_special(s, "@releaseDomain");
    return err;
}

bool xs_domain_is_introduced(const struct xs_store *s, unsigned domid)
{
    const struct xs_dom *d = dom_find(s, domid);
    return d && d->introduced;
}

struct xs_conn *xs_domain_conn(struct xs_store *s, unsigned domid)
{
    struct xs_dom *d = dom_find(s, domid);
    return d ? d->conn : NULL;
}

unsigned xs_domain_nodes(const struct xs_store *s, unsigned domid)
{
    const struct xs_dom *d = dom_find(s, domid);
    return d ? (unsigned)d->nodes : 0;
}

/* ---- Privileged helpers ---- */

static int api_path(const char *in, char *out)
{
    if (!in || in[0] != '/')
        return -EINVAL;
    return path_resolve(0, in, out, NULL);
}

static int api_op(struct xs_store *s, enum xs_op_kind kind, const char *in, const void *data,
                  size_t len, const struct xs_perm *perms, unsigned nperms)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    int err = api_path(in, path);
    if (err)
        return err;
    struct xs_op op = { .kind = kind, .path = path, .data = data, .len = len,
                        .perms = perms, .nperms = nperms };
    return store_apply_fire(s, &op, 1);
}

int xs_write(struct xs_store *s, const char *path, const void *value, size_t len)
{
    return api_op(s, OP_WRITE, path, value, len, NULL, 0);
}

int xs_printf(struct xs_store *s, const char *path, const char *fmt, ...)
{
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0 || n > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    return xs_write(s, path, buf, (size_t)n);
}

int xs_mkdir(struct xs_store *s, const char *path)
{
    return api_op(s, OP_MKDIR, path, NULL, 0, NULL, 0);
}

int xs_rm(struct xs_store *s, const char *path)
{
    return api_op(s, OP_RM, path, NULL, 0, NULL, 0);
}

int xs_set_perms(struct xs_store *s, const char *path, const struct xs_perm *perms,
                 unsigned count)
{
    return api_op(s, OP_SET_PERMS, path, NULL, 0, perms, count);
}

int xs_set_perms_str(struct xs_store *s, const char *path, const char *spec)
{
    struct xs_perm perms[64];
    unsigned n = 0;
    const char *p = spec;
    for (;;) {
        p += strspn(p, " ,");
        if (!*p)
            break;
        size_t len = strcspn(p, " ,");
        char word[16];
        if (n == ARRAY_SIZE(perms) || len >= sizeof(word))
            return -EINVAL;
        memcpy(word, p, len);
        word[len] = '\0';
        if (xs_perm_parse(word, &perms[n++]))
            return -EINVAL;
        p += len;
    }
    return xs_set_perms(s, path, perms, n);
}

static struct xs_node *api_lookup(struct xs_store *s, const char *in, int *err)
{
    char path[XENSTORE_ABS_PATH_MAX + 1];
    *err = api_path(in, path);
    if (*err)
        return NULL;
    return tree_access(s->root, &xs_dom0, path, XS_PERM_READ, err);
}

int xs_read(struct xs_store *s, const char *path, char **value, size_t *len)
{
    int err;
    struct xs_node *n = api_lookup(s, path, &err);
    if (!n)
        return err;
    char *v = malloc(n->value_len + 1);
    if (!v)
        return -ENOMEM;
    if (n->value_len)
        memcpy(v, n->value, n->value_len);
    v[n->value_len] = '\0';
    *value = v;
    if (len)
        *len = n->value_len;
    return 0;
}

int xs_get_perms(struct xs_store *s, const char *path, struct xs_perm *perms, unsigned cap,
                 unsigned *count)
{
    int err;
    struct xs_node *n = api_lookup(s, path, &err);
    if (!n)
        return err;
    for (unsigned i = 0; i < n->nperms && i < cap; i++)
        perms[i] = n->perms[i];
    *count = n->nperms;
    return 0;
}

int xs_directory(struct xs_store *s, const char *path, char **names, size_t *len,
                 unsigned *count)
{
    int err;
    struct xs_node *n = api_lookup(s, path, &err);
    if (!n)
        return err;
    size_t total = 0;
    for (uint32_t i = 0; i < n->nchildren; i++)
        total += strlen(n->children[i]->name) + 1;
    char *buf = malloc(total + 1);
    if (!buf)
        return -ENOMEM;
    size_t off = 0;
    for (uint32_t i = 0; i < n->nchildren; i++) {
        size_t l = strlen(n->children[i]->name) + 1;
        memcpy(buf + off, n->children[i]->name, l);
        off += l;
    }
    buf[off] = '\0';
    *names = buf;
    if (len)
        *len = total;
    if (count)
        *count = n->nchildren;
    return 0;
}

static int visit_node(const struct xs_node *n, char *path, size_t len, unsigned depth,
                      xs_visit_fn fn, void *opaque)
{
    int ret = fn(opaque, len ? path : "/", depth, n->value, n->value_len, n->perms, n->nperms);
    for (uint32_t i = 0; !ret && i < n->nchildren; i++) {
        const char *name = n->children[i]->name;
        size_t nl = strlen(name);
        if (len + 1 + nl > XENSTORE_ABS_PATH_MAX)
            continue;
        path[len] = '/';
        memcpy(path + len + 1, name, nl + 1);
        ret = visit_node(n->children[i], path, len + 1 + nl, depth + 1, fn, opaque);
        path[len] = '\0';
    }
    return ret;
}

int xs_visit(struct xs_store *s, const char *in, xs_visit_fn fn, void *opaque)
{
    char path[XENSTORE_ABS_PATH_MAX + 2];
    int err = api_path(in, path);
    if (err)
        return err;
    const struct xs_node *n = tree_lookup(s->root, path);
    if (!n)
        return -ENOENT;
    size_t len = strlen(path);
    if (len == 1) {
        /* The root: its children are then named "/name". */
        path[0] = '\0';
        len = 0;
    }
    return visit_node(n, path, len, 0, fn, opaque);
}

/* ---- savevm / loadvm (hv/system_snapshot.c) ---- */

/*
 * The tree is saved depth-first (a node, then its children in creation
 * order), so loading rebuilds the same child order, which directory
 * listings show. Loading builds a fresh tree, connection by connection
 * state in scratch objects, and, in the applying pass only, swaps them in:
 * the struct xs_conn objects the glue points at stay where they are.
 */
#define XS_SNAP_MAX_DEPTH (XENSTORE_ABS_PATH_MAX / 2)
#define XS_SNAP_MAX_PERMS 1024u

int xs_store_check_save(const struct xs_store *s, char *err, size_t err_len)
{
    for (unsigned i = 0; i < s->ndoms; i++) {
        const struct xs_conn *c = s->doms[i].conn;
        if (c && c->ntxs) {
            snprintf(err, err_len, "domain %u has a xenstore transaction open; run on a "
                     "little and save again", s->doms[i].domid);
            return -1;
        }
        if (c && c->busy) {
            snprintf(err, err_len, "domain %u's xenstore request is being processed",
                     s->doms[i].domid);
            return -1;
        }
    }
    return 0;
}

static void snap_put_blob(struct snapshot_writer *w, const void *data, size_t len)
{
    snapshot_put_u32(w, (uint32_t)len);
    if (len)
        snapshot_put_bytes(w, data, len);
}

/* A length-prefixed byte string of at most max bytes (NULL on error). */
static const uint8_t *snap_get_blob(struct snapshot_reader *r, const char *what, size_t max,
                                    uint32_t *len)
{
    *len = snapshot_get_u32_max(r, what, (uint32_t)max);
    if (r->failed)
        return NULL;
    return *len ? snapshot_get_span(r, *len) : (const uint8_t *)"";
}

static void save_node(struct snapshot_writer *w, const struct xs_node *n)
{
    snap_put_blob(w, n->name, strlen(n->name));
    snapshot_put_u64(w, n->gen);
    snap_put_blob(w, n->value, n->value_len);
    snapshot_put_u32(w, n->nperms);
    for (unsigned i = 0; i < n->nperms; i++) {
        snapshot_put_u16(w, n->perms[i].domid);
        snapshot_put_u8(w, n->perms[i].perms);
    }
    snapshot_put_u32(w, n->nchildren);
    for (uint32_t i = 0; i < n->nchildren; i++)
        save_node(w, n->children[i]);
}

/* Builds one node and its subtree; NULL (and r failed) on a bad field. */
static struct xs_node *load_node(struct snapshot_reader *r, unsigned depth)
{
    uint32_t len;
    const uint8_t *name = snap_get_blob(r, "node name length", XENSTORE_ABS_PATH_MAX, &len);
    if (!name)
        return NULL;
    for (uint32_t i = 0; i < len; i++)
        if (name[i] == '/' || !path_char_ok((char)name[i])) {
            snapshot_fail(r, "xenstore node name with character 0x%02x", name[i]);
            return NULL;
        }
    if ((depth == 0) != (len == 0)) {
        snapshot_fail(r, depth ? "xenstore node without a name" : "xenstore root with a name");
        return NULL;
    }
    struct xs_node *n = node_alloc((const char *)name, len);
    if (!n) {
        snapshot_fail(r, "out of memory");
        return NULL;
    }
    n->gen = snapshot_get_u64(r);
    const uint8_t *value = snap_get_blob(r, "node value length", XENSTORE_PAYLOAD_MAX, &len);
    uint32_t nperms = snapshot_get_u32_max(r, "node permission count", XS_SNAP_MAX_PERMS);
    if (!r->failed && nperms == 0)
        snapshot_fail(r, "xenstore node without an owner");
    if (r->failed || node_set_value(n, value, len) < 0)
        goto fail;
    struct xs_perm *perms = calloc(nperms, sizeof(*perms));
    if (!perms)
        goto fail;
    for (uint32_t i = 0; i < nperms && !r->failed; i++) {
        perms[i].domid = snapshot_get_u16(r);
        perms[i].perms = snapshot_get_u8(r);
        if (!r->failed && perms[i].perms & ~XS_PERM_BOTH)
            snapshot_fail(r, "xenstore permission bits 0x%x", perms[i].perms);
    }
    uint32_t children = snapshot_get_u32(r);
    int set = r->failed ? -1 : node_set_perms(n, perms, nperms);
    free(perms);
    if (set < 0)
        goto fail;
    if (children && depth >= XS_SNAP_MAX_DEPTH) {
        snapshot_fail(r, "xenstore tree deeper than %u", XS_SNAP_MAX_DEPTH);
        goto fail;
    }
    /* Each child takes at least 21 bytes: never trust the count for an allocation. */
    if (children > snapshot_remaining(r) / 21) {
        snapshot_fail(r, "xenstore node with %u children", children);
        goto fail;
    }
    for (uint32_t i = 0; i < children; i++) {
        struct xs_node *child = load_node(r, depth + 1);
        if (!child)
            goto fail;
        if (node_child_index(n, child->name, strlen(child->name)) >= 0) {
            snapshot_fail(r, "xenstore node '%s' listed twice", child->name);
            node_put(child);
            goto fail;
        }
        if (node_add_child(n, child) < 0) {     /* takes our reference */
            node_put(child);
            snapshot_fail(r, "out of memory");
            goto fail;
        }
    }
    return n;
fail:
    if (!r->failed)
        snapshot_fail(r, "out of memory");
    node_put(n);
    return NULL;
}

static void save_conn(struct snapshot_writer *w, const struct xs_conn *c)
{
    snapshot_put_u8(w, c->broken);
    snapshot_put_u32(w, c->nwatches);
    for (const struct xs_watch *wt = c->watches; wt; wt = wt->next) {
        snap_put_blob(w, wt->path, strlen(wt->path));
        snap_put_blob(w, wt->token, strlen(wt->token));
        snapshot_put_u8(w, wt->relative);
        snapshot_put_u8(w, wt->special);
    }
    uint32_t outs = 0;
    for (const struct xs_out *o = c->out_head; o; o = o->next)
        outs++;
    snapshot_put_u32(w, outs);
    for (const struct xs_out *o = c->out_head; o; o = o->next) {
        snapshot_put_u32(w, o->sent);
        snap_put_blob(w, o->data, o->len);
    }
    snapshot_put_bytes(w, c->in_hdr, XS_HEADER_SIZE);
    snapshot_put_u32(w, c->in_hdr_used);
    snapshot_put_u8(w, c->in_have_hdr);
    snapshot_put_u8(w, c->in_ready);
    snapshot_put_u32(w, c->in_msg.type);
    snapshot_put_u32(w, c->in_msg.req_id);
    snapshot_put_u32(w, c->in_msg.tx_id);
    snapshot_put_u32(w, c->in_msg.len);
    snap_put_blob(w, c->in_buf, c->in_used);
    snapshot_put_u32(w, c->transport.req_cons);
    snapshot_put_u32(w, c->transport.rsp_prod);
    snapshot_put_u8(w, c->transport.synced);
    snapshot_put_u64(w, c->stats.requests);
    snapshot_put_u64(w, c->stats.errors);
    snapshot_put_u64(w, c->stats.events);
    snapshot_put_u64(w, c->stats.events_dropped);
}

/* Reads a connection's state into the scratch connection c (calloc'ed,
 * out_tail set); the caller frees what it holds, or moves it. */
static int load_conn(struct snapshot_reader *r, struct xs_conn *c)
{
    c->broken = snapshot_get_bool(r, "connection broken");
    uint32_t watches = snapshot_get_u32(r);
    if (!r->failed && watches > snapshot_remaining(r) / 10)
        return snapshot_fail(r, "%u xenstore watches", watches);
    struct xs_watch **wtail = &c->watches;
    for (uint32_t i = 0; i < watches && !r->failed; i++) {
        uint32_t plen = 0, tlen = 0;
        const uint8_t *path = snap_get_blob(r, "watch path length", XENSTORE_ABS_PATH_MAX,
                                            &plen);
        const uint8_t *token = path ? snap_get_blob(r, "watch token length", XS_TOKEN_MAX,
                                                    &tlen) : NULL;
        bool relative = snapshot_get_bool(r, "watch relative");
        bool special = snapshot_get_bool(r, "watch special");
        if (r->failed)
            break;
        struct xs_watch *wt = calloc(1, sizeof(*wt));
        char *p = malloc(plen + 1), *t = malloc(tlen + 1);
        if (!wt || !p || !t) {
            free(wt);
            free(p);
            free(t);
            return snapshot_fail(r, "out of memory");
        }
        memcpy(p, path, plen);
        p[plen] = '\0';
        memcpy(t, token, tlen);
        t[tlen] = '\0';
        wt->path = p;
        wt->token = t;
        wt->relative = relative;
        wt->special = special;
        *wtail = wt;
        wtail = &wt->next;
        c->nwatches++;
        bool ok = special ? p[0] == '@' : path_valid(p) && p[0] == '/';
        if (!ok || strlen(p) != plen || strlen(t) != tlen)
            return snapshot_fail(r, "xenstore watch on '%s' is malformed", p);
    }
    uint32_t outs = snapshot_get_u32(r);
    if (!r->failed && outs > snapshot_remaining(r) / (8 + XS_HEADER_SIZE))
        return snapshot_fail(r, "%u queued xenstore messages", outs);
    for (uint32_t i = 0; i < outs && !r->failed; i++) {
        uint32_t sent = snapshot_get_u32(r), len;
        const uint8_t *data = snap_get_blob(r, "queued message length",
                                            XS_HEADER_SIZE + XENSTORE_PAYLOAD_MAX, &len);
        if (!data)
            break;
        if (len < XS_HEADER_SIZE || get_le32(data + 12) != len - XS_HEADER_SIZE ||
            sent >= len || (i > 0 && sent))
            return snapshot_fail(r, "queued xenstore message %u is malformed", i);
        struct xs_out *o = malloc(sizeof(*o) + len);
        if (!o)
            return snapshot_fail(r, "out of memory");
        o->next = NULL;
        o->len = len;
        o->sent = sent;
        memcpy(o->data, data, len);
        *c->out_tail = o;
        c->out_tail = &o->next;
        c->out_bytes += len;
    }
    snapshot_get_bytes(r, c->in_hdr, XS_HEADER_SIZE);
    c->in_hdr_used = snapshot_get_u32_max(r, "request header bytes", XS_HEADER_SIZE);
    c->in_have_hdr = snapshot_get_bool(r, "request header complete");
    c->in_ready = snapshot_get_bool(r, "request complete");
    c->in_msg.type = snapshot_get_u32(r);
    c->in_msg.req_id = snapshot_get_u32(r);
    c->in_msg.tx_id = snapshot_get_u32(r);
    c->in_msg.len = snapshot_get_u32_max(r, "request length", XENSTORE_PAYLOAD_MAX);
    uint32_t used;
    const uint8_t *in = snap_get_blob(r, "request bytes", XENSTORE_PAYLOAD_MAX, &used);
    if (!in)
        return -1;
    if (used > c->in_msg.len || (c->in_ready && used != c->in_msg.len) ||
        (c->in_have_hdr && c->in_hdr_used != XS_HEADER_SIZE) ||
        (!c->in_have_hdr && (used || c->in_ready)))
        return snapshot_fail(r, "partial xenstore request state is inconsistent");
    memcpy(c->in_buf, in, used);
    c->in_buf[used] = '\0';
    c->in_used = used;
    c->transport.req_cons = snapshot_get_u32(r);
    c->transport.rsp_prod = snapshot_get_u32(r);
    c->transport.synced = snapshot_get_bool(r, "transport synced");
    c->stats.requests = snapshot_get_u64(r);
    c->stats.errors = snapshot_get_u64(r);
    c->stats.events = snapshot_get_u64(r);
    c->stats.events_dropped = snapshot_get_u64(r);
    return r->failed ? -1 : 0;
}

static void conn_free_scratch(struct xs_conn *c)
{
    conn_drop_watches_and_txs(c);
    conn_out_free(c);
}

int xs_store_snapshot(struct xs_store *s, struct snapshot_io *io)
{
    if (snapshot_saving(io)) {
        struct snapshot_writer *w = io->w;
        snapshot_put_u64(w, s->gen);
        snapshot_put_u32(w, s->next_tx_id);
        save_node(w, s->root);
        snapshot_put_u32(w, s->ndoms);
        for (unsigned i = 0; i < s->ndoms; i++) {
            const struct xs_dom *d = &s->doms[i];
            snapshot_put_u32(w, d->domid);
            snapshot_put_u64(w, d->nodes);
            snapshot_put_u8(w, d->introduced);
            snapshot_put_u8(w, d->conn != NULL);
            if (d->conn)
                save_conn(w, d->conn);
        }
        return 0;
    }

    struct snapshot_reader *r = io->r;
    uint64_t gen = snapshot_get_u64(r);
    uint32_t next_tx_id = snapshot_get_u32(r);
    struct xs_node *root = r->failed ? NULL : load_node(r, 0);
    uint32_t ndoms = snapshot_get_u32(r);
    if (!r->failed && ndoms > snapshot_remaining(r) / 14)
        snapshot_fail(r, "%u xenstore domains", ndoms);
    struct xs_dom *doms = r->failed ? NULL : calloc(ndoms ? ndoms : 1, sizeof(*doms));
    struct xs_conn **scratch = r->failed ? NULL : calloc(ndoms ? ndoms : 1, sizeof(*scratch));
    if (!r->failed && (!doms || !scratch))
        snapshot_fail(r, "out of memory");
    unsigned loaded = 0;
    for (; loaded < ndoms && !r->failed; loaded++) {
        struct xs_dom *d = &doms[loaded];
        d->domid = snapshot_get_u32_max(r, "xenstore domain", XS_DOMID_FIRST_RESERVED - 1);
        d->nodes = snapshot_get_u64(r);
        d->introduced = snapshot_get_bool(r, "domain introduced");
        bool has_conn = snapshot_get_bool(r, "domain connected");
        if (r->failed)
            break;
        for (unsigned j = 0; j < loaded; j++)
            if (doms[j].domid == d->domid)
                snapshot_fail(r, "xenstore domain %u listed twice", d->domid);
        struct xs_dom *here = dom_find(s, d->domid);
        if (!r->failed && has_conn != (here && here->conn))
            snapshot_fail(r, "domain %u has %s xenstore connection in the snapshot, %s here",
                          d->domid, has_conn ? "a" : "no", here && here->conn ? "one" : "none");
        if (!has_conn || r->failed)
            continue;
        struct xs_conn *c = calloc(1, sizeof(*c));
        if (!c) {
            snapshot_fail(r, "out of memory");
            break;
        }
        c->out_tail = &c->out_head;
        scratch[loaded] = c;
        load_conn(r, c);
    }
    /* Every connection the glue holds must come back. */
    for (unsigned i = 0; i < s->ndoms && !r->failed; i++) {
        bool found = false;
        for (unsigned j = 0; j < ndoms; j++)
            found |= doms[j].domid == s->doms[i].domid;
        if (s->doms[i].conn && !found)
            snapshot_fail(r, "domain %u's xenstore connection is not in the snapshot",
                          s->doms[i].domid);
    }

    if (snapshot_applying(r)) {
        node_put(s->root);
        s->root = root;
        root = NULL;
        s->gen = gen;
        s->next_tx_id = next_tx_id;
        for (unsigned j = 0; j < ndoms; j++) {
            struct xs_conn *c = scratch[j];
            if (!c)
                continue;
            struct xs_conn *live = dom_find(s, doms[j].domid)->conn;
            xs_conn_reset(live);
            live->broken = c->broken;
            live->watches = c->watches;
            live->nwatches = c->nwatches;
            c->watches = NULL;
            live->out_head = c->out_head;
            live->out_tail = c->out_head ? c->out_tail : &live->out_head;
            live->out_bytes = c->out_bytes;
            c->out_head = NULL;
            c->out_tail = &c->out_head;
            memcpy(live->in_hdr, c->in_hdr, sizeof(live->in_hdr));
            live->in_hdr_used = c->in_hdr_used;
            live->in_have_hdr = c->in_have_hdr;
            live->in_ready = c->in_ready;
            live->in_msg = c->in_msg;
            live->in_used = c->in_used;
            memcpy(live->in_buf, c->in_buf, c->in_used + 1);
            live->transport = c->transport;
            live->stats = c->stats;
            doms[j].conn = live;
        }
        free(s->doms);
        s->doms = doms;
        s->ndoms = s->doms_cap = ndoms;
        doms = NULL;
    }
    for (unsigned j = 0; j < ndoms && scratch; j++)
        if (scratch[j]) {
            conn_free_scratch(scratch[j]);
            free(scratch[j]);
        }
    free(scratch);
    free(doms);
    node_put(root);
    return r->failed ? -1 : 0;
}
