/*
 * The in-process xenstore, driven through whole wire messages the way a
 * guest's xenbus would send them (xs_conn_request / xs_conn_pop): path
 * rules, permissions (a DomU must not read or write another domain's nodes
 * or learn that they exist: issue 5 acceptance 3 and 4), watches (Linux
 * relies on the registration event and on relative event paths; ABI doc
 * 7.3), snapshot transactions with EAGAIN on conflict, and the quotas that
 * keep a hostile guest from growing the store without bound.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "hv/xenstore.h"

#define REQ_ID 0x1234u

struct reply {
    uint32_t type;
    uint32_t len;
    char data[XENSTORE_PAYLOAD_MAX + 1];
};

struct fixture {
    struct xs_store *s;
    struct xs_conn *d0, *d1, *d2;
};

static void fx_init_limits(struct fixture *f, const struct xs_limits *lim)
{
    f->s = xs_store_create(lim, NULL);
    ck_assert_ptr_nonnull(f->s);
    ck_assert_int_eq(xs_domain_introduce(f->s, 0, &f->d0), 0);
    ck_assert_int_eq(xs_domain_introduce(f->s, 1, &f->d1), 0);
    ck_assert_int_eq(xs_domain_introduce(f->s, 2, &f->d2), 0);
}

static void fx_init(struct fixture *f)
{
    fx_init_limits(f, NULL);
}

static void fx_fini(struct fixture *f)
{
    xs_store_destroy(f->s);
}

static int errno_of(const char *name)
{
    static const struct { const char *name; int err; } names[] = {
        { "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
        { "ENOENT", ENOENT }, { "ENOSPC", ENOSPC }, { "EBUSY", EBUSY },
        { "EAGAIN", EAGAIN }, { "E2BIG", E2BIG }, { "ENOSYS", ENOSYS },
        { "EPERM", EPERM }, { "ENOMEM", ENOMEM },
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].err;
    ck_abort_msg("unexpected error name %s", name);
    return 0;
}

/* Sends one request; the next message queued must be its reply.
 * Returns 0 or -errno decoded from an XS_ERROR reply. */
static int request(struct xs_conn *c, uint32_t type, uint32_t tx, const void *payload,
                   size_t len, struct reply *out)
{
    struct reply local;
    struct reply *r = out ? out : &local;
    struct xsd_sockmsg h = { .type = type, .req_id = REQ_ID, .tx_id = tx, .len = len };
    ck_assert_int_eq(xs_conn_request(c, &h, payload), 0);
    struct xsd_sockmsg m;
    ck_assert_msg(xs_conn_pop(c, &m, r->data, XENSTORE_PAYLOAD_MAX), "no reply");
    ck_assert_msg(m.type != XS_WATCH_EVENT, "watch event %s before the reply", r->data);
    ck_assert_uint_eq(m.req_id, REQ_ID);
    ck_assert_uint_eq(m.tx_id, tx);
    r->data[m.len] = '\0';
    r->len = m.len;
    r->type = m.type;
    if (m.type == XS_ERROR) {
        ck_assert_uint_eq(m.len, strlen(r->data) + 1);
        return -errno_of(r->data);
    }
    ck_assert_uint_eq(m.type, type);
    return 0;
}

/* "a\0" followed by len bytes of b (pass the NUL in len for strings). */
static int request2(struct xs_conn *c, uint32_t type, uint32_t tx, const char *a,
                    const void *b, size_t blen, struct reply *out)
{
    char buf[XENSTORE_PAYLOAD_MAX];
    size_t alen = strlen(a) + 1;
    ck_assert_uint_le(alen + blen, sizeof(buf));
    memcpy(buf, a, alen);
    if (blen)
        memcpy(buf + alen, b, blen);
    return request(c, type, tx, buf, alen + blen, out);
}

static int one(struct xs_conn *c, uint32_t type, uint32_t tx, const char *path,
               struct reply *out)
{
    return request(c, type, tx, path, strlen(path) + 1, out);
}

static int xread(struct xs_conn *c, uint32_t tx, const char *path, struct reply *out)
{
    return one(c, XS_READ, tx, path, out);
}

static int xwrite(struct xs_conn *c, uint32_t tx, const char *path, const char *value)
{
    return request2(c, XS_WRITE, tx, path, value, strlen(value), NULL);
}

static int xwatch(struct xs_conn *c, uint32_t type, const char *path, const char *token)
{
    return request2(c, type, 0, path, token, strlen(token) + 1, NULL);
}

static int xperms(struct xs_conn *c, const char *path, const char *p1, const char *p2)
{
    char buf[64];
    size_t len = strlen(p1) + 1;
    memcpy(buf, p1, len);
    if (p2) {
        memcpy(buf + len, p2, strlen(p2) + 1);
        len += strlen(p2) + 1;
    }
    return request2(c, XS_SET_PERMS, 0, path, buf, len, NULL);
}

static uint32_t tx_start(struct xs_conn *c)
{
    struct reply r;
    ck_assert_int_eq(request(c, XS_TRANSACTION_START, 0, "", 1, &r), 0);
    uint32_t id = (uint32_t)strtoul(r.data, NULL, 10);
    ck_assert_uint_ne(id, 0);
    ck_assert_uint_eq(r.len, strlen(r.data) + 1);
    return id;
}

static int tx_end(struct xs_conn *c, uint32_t tx, bool commit)
{
    return request(c, XS_TRANSACTION_END, tx, commit ? "T" : "F", 2, NULL);
}

static void expect_value(struct xs_conn *c, const char *path, const char *value)
{
    struct reply r;
    ck_assert_int_eq(xread(c, 0, path, &r), 0);
    ck_assert_uint_eq(r.len, strlen(value));
    ck_assert_str_eq(r.data, value);
}

static void expect_event(struct xs_conn *c, const char *path, const char *token)
{
    struct xsd_sockmsg m;
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    ck_assert_msg(xs_conn_pop(c, &m, buf, XENSTORE_PAYLOAD_MAX),
                  "expected event %s, none queued", path);
    ck_assert_uint_eq(m.type, XS_WATCH_EVENT);
    ck_assert_uint_eq(m.req_id, 0);
    ck_assert_uint_eq(m.tx_id, 0);
    ck_assert_uint_eq(m.len, strlen(path) + strlen(token) + 2);
    buf[m.len] = '\0';
    ck_assert_str_eq(buf, path);
    ck_assert_str_eq(buf + strlen(buf) + 1, token);
}

static void expect_nothing(struct xs_conn *c)
{
    struct xsd_sockmsg m;
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    bool got = xs_conn_pop(c, &m, buf, XENSTORE_PAYLOAD_MAX);
    if (got)
        buf[m.len] = '\0';
    ck_assert_msg(!got, "unexpected message type %u \"%s\"", got ? m.type : 0, buf);
}

/* ---- Paths ---- */

START_TEST(test_path_relative_resolves_to_home)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwrite(f.d1, 0, "device/x", "1"), 0);
    expect_value(f.d1, "/local/domain/1/device/x", "1");
    expect_value(f.d0, "/local/domain/1/device/x", "1");
    ck_assert_int_eq(xwrite(f.d0, 0, "foo", "dom0"), 0);
    expect_value(f.d0, "/local/domain/0/foo", "dom0");
    struct reply r;
    ck_assert_int_eq(one(f.d1, XS_GET_DOMAIN_PATH, 0, "7", &r), 0);
    ck_assert_str_eq(r.data, "/local/domain/7");
    ck_assert_uint_eq(r.len, strlen("/local/domain/7") + 1);
    ck_assert_int_eq(one(f.d1, XS_GET_DOMAIN_PATH, 0, "x7", &r), -EINVAL);
    fx_fini(&f);
}
END_TEST

START_TEST(test_path_invalid_names)
{
    struct fixture f;
    fx_init(&f);
    static const char *const bad[] = {
        "/a//b", "/a/", "//", "a b", "/a/b.c", "/a/b:c", "x/../y", "@foo", "/tab\tx",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(xwrite(f.d0, 0, bad[i], "v") == -EINVAL, "write %s", bad[i]);
        ck_assert_msg(xread(f.d0, 0, bad[i], NULL) == -EINVAL, "read %s", bad[i]);
    }
    /* The empty path, and a payload that is not one NUL-terminated string. */
    ck_assert_int_eq(request(f.d0, XS_READ, 0, "", 1, NULL), -EINVAL);
    ck_assert_int_eq(request(f.d0, XS_READ, 0, "/local", 6, NULL), -EINVAL);
    ck_assert_int_eq(request(f.d0, XS_READ, 0, "/local\0x", 9, NULL), -EINVAL);
    ck_assert_int_eq(request(f.d0, XS_WRITE, 0, "/novalue", 8, NULL), -EINVAL);
    /* Names may use -, _ and @. */
    ck_assert_int_eq(xwrite(f.d0, 0, "/a-b/c_d/e@f/G9", "ok"), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_path_length_limits)
{
    struct fixture f;
    fx_init(&f);
    char path[XENSTORE_ABS_PATH_MAX + 2];
    /* Absolute: 3072 characters are fine, 3073 are not. */
    memset(path, 'a', sizeof(path));
    for (size_t i = 0; i < XENSTORE_ABS_PATH_MAX; i += 64)
        path[i] = '/';
    path[XENSTORE_ABS_PATH_MAX] = '\0';
    ck_assert_int_eq(xwrite(f.d0, 0, path, "deep"), 0);
    expect_value(f.d0, path, "deep");
    path[XENSTORE_ABS_PATH_MAX] = 'b';
    path[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    ck_assert_int_eq(xwrite(f.d0, 0, path, "x"), -EINVAL);
    /* Relative: 2048 characters are fine, 2049 are not. */
    memset(path, 'r', XENSTORE_REL_PATH_MAX + 1);
    path[XENSTORE_REL_PATH_MAX] = '\0';
    ck_assert_int_eq(xwrite(f.d1, 0, path, "x"), 0);
    path[XENSTORE_REL_PATH_MAX] = 'r';
    path[XENSTORE_REL_PATH_MAX + 1] = '\0';
    ck_assert_int_eq(xwrite(f.d1, 0, path, "x"), -EINVAL);
    fx_fini(&f);
}
END_TEST

START_TEST(test_write_creates_parents_and_directory_lists_children)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwrite(f.d1, 0, "error/device/vbd/51712/error", "5 boom"), 0);
    struct reply r;
    ck_assert_int_eq(xread(f.d1, 0, "error/device/vbd", &r), 0);
    ck_assert_uint_eq(r.len, 0);        /* parents are created empty */
    ck_assert_int_eq(xwrite(f.d1, 0, "error/device/vif", ""), 0);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "error/device", &r), 0);
    ck_assert_uint_eq(r.len, 8);
    ck_assert_int_eq(memcmp(r.data, "vbd\0vif\0", 8), 0);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "error/device/vif", &r), 0);
    ck_assert_uint_eq(r.len, 0);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "nothere", &r), -ENOENT);
    fx_fini(&f);
}
END_TEST

START_TEST(test_values_are_binary_safe)
{
    struct fixture f;
    fx_init(&f);
    static const char value[] = { 'a', 0, 'b', 0, 0, (char)0xff };
    ck_assert_int_eq(request2(f.d1, XS_WRITE, 0, "bin", value, sizeof(value), NULL), 0);
    struct reply r;
    ck_assert_int_eq(xread(f.d1, 0, "bin", &r), 0);
    ck_assert_uint_eq(r.len, sizeof(value));
    ck_assert_int_eq(memcmp(r.data, value, sizeof(value)), 0);
    /* An empty value overwrites. */
    ck_assert_int_eq(xwrite(f.d1, 0, "bin", ""), 0);
    ck_assert_int_eq(xread(f.d1, 0, "bin", &r), 0);
    ck_assert_uint_eq(r.len, 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_mkdir_and_recursive_rm)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwrite(f.d1, 0, "d/keep", "v"), 0);
    ck_assert_int_eq(one(f.d1, XS_MKDIR, 0, "d", NULL), 0);      /* exists: fine */
    expect_value(f.d1, "d/keep", "v");                          /* left alone */
    ck_assert_int_eq(one(f.d1, XS_MKDIR, 0, "m/n/o", NULL), 0);
    expect_value(f.d1, "m/n/o", "");
    ck_assert_int_eq(xwrite(f.d1, 0, "d/a/b/c", "x"), 0);
    unsigned before = xs_domain_nodes(f.s, 1);
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "d", NULL), 0);
    ck_assert_uint_eq(xs_domain_nodes(f.s, 1), before - 5);
    ck_assert_int_eq(xread(f.d1, 0, "d/a/b/c", NULL), -ENOENT);
    ck_assert_int_eq(xread(f.d1, 0, "d", NULL), -ENOENT);
    /* Removing a missing node is fine if its parent exists... */
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "m/n/gone", NULL), 0);
    /* ...and ENOENT if the parent is missing too. */
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "m/gone/gone", NULL), -ENOENT);
    ck_assert_int_eq(one(f.d0, XS_RM, 0, "/", NULL), -EINVAL);
    fx_fini(&f);
}
END_TEST

START_TEST(test_unknown_and_server_only_types)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(request(f.d1, 20, 0, "", 1, NULL), -ENOSYS);
    ck_assert_int_eq(request(f.d1, 999, 0, "", 1, NULL), -ENOSYS);
    ck_assert_int_eq(request(f.d1, XS_WATCH_EVENT, 0, "a\0b", 4, NULL), -EINVAL);
    ck_assert_int_eq(request(f.d1, XS_ERROR, 0, "EINVAL", 7, NULL), -EINVAL);
    ck_assert_int_eq(request(f.d0, XS_SET_TARGET, 0, "1\0" "2", 4, NULL), -ENOSYS);
    ck_assert_int_eq(request(f.d1, XS_SET_TARGET, 0, "1\0" "2", 4, NULL), -EACCES);
    fx_fini(&f);
}
END_TEST

/* ---- Permissions ---- */

START_TEST(test_perm_domu_confined_to_its_home)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwrite(f.d2, 0, "secret", "2's"), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/0/secret", "0's"), 0);

    /* Another DomU's nodes: no read, no write, no listing, no removal. */
    ck_assert_int_eq(xread(f.d1, 0, "/local/domain/2/secret", NULL), -EACCES);
    ck_assert_int_eq(xwrite(f.d1, 0, "/local/domain/2/secret", "x"), -EACCES);
    ck_assert_int_eq(xwrite(f.d1, 0, "/local/domain/2/new", "x"), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_MKDIR, 0, "/local/domain/2/new", NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "/local/domain/2/secret", NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "/local/domain/2", NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_GET_PERMS, 0, "/local/domain/2/secret", NULL), -EACCES);
    /* A missing node under a closed directory says EACCES, not ENOENT:
     * existence is not leaked. */
    ck_assert_int_eq(xread(f.d1, 0, "/local/domain/2/nothere", NULL), -EACCES);
    ck_assert_int_eq(xread(f.d1, 0, "/local/domain/9/x", NULL), -EACCES);

    /* Dom0's home and the rest of the tree. */
    ck_assert_int_eq(xread(f.d1, 0, "/local/domain/0/secret", NULL), -EACCES);
    ck_assert_int_eq(xwrite(f.d1, 0, "/local/domain/0/backend/x", "x"), -EACCES);
    ck_assert_int_eq(xwrite(f.d1, 0, "/tool/x", "x"), -EACCES);
    ck_assert_int_eq(xwrite(f.d1, 0, "/", "x"), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "/local/domain", NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "/local", NULL), -EACCES);
    ck_assert_int_eq(xperms(f.d1, "/local/domain/2", "n1", NULL), -EACCES);
    expect_value(f.d2, "secret", "2's");

    /* Its own home: everything, and ENOENT for what is missing. */
    ck_assert_int_eq(xread(f.d1, 0, "nothere", NULL), -ENOENT);
    ck_assert_int_eq(xwrite(f.d1, 0, "control/feature-poweroff", "1"), 0);

    /* Dom0 may do anything anywhere. */
    expect_value(f.d0, "/local/domain/2/secret", "2's");
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/2/secret", "0 was here"), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/tool/x", "x"), 0);
    ck_assert_int_eq(one(f.d0, XS_DIRECTORY, 0, "/local/domain", NULL), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_perm_set_get_semantics)
{
    struct fixture f;
    fx_init(&f);
    struct reply r;
    /* A backend node owned by Dom0 that DomU 1 may read (ABI doc 7.5). */
    const char *state = "/local/domain/0/backend/vbd/1/51712/state";
    ck_assert_int_eq(xwrite(f.d0, 0, state, "2"), 0);
    ck_assert_int_eq(xperms(f.d0, state, "n0", "r1"), 0);
    ck_assert_int_eq(one(f.d0, XS_GET_PERMS, 0, state, &r), 0);
    ck_assert_uint_eq(r.len, 6);
    ck_assert_int_eq(memcmp(r.data, "n0\0r1\0", 6), 0);
    expect_value(f.d1, state, "2");
    ck_assert_int_eq(xwrite(f.d1, 0, state, "4"), -EACCES);
    ck_assert_int_eq(xread(f.d2, 0, state, NULL), -EACCES);
    /* Permissions are per node: the parent stays closed. */
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "/local/domain/0/backend/vbd/1/51712", NULL),
                     -EACCES);

    /* The owner entry's access applies to every domain not listed. */
    ck_assert_int_eq(xwrite(f.d1, 0, "pub", "hello"), 0);
    ck_assert_int_eq(xperms(f.d1, "pub", "r1", NULL), 0);
    expect_value(f.d2, "/local/domain/1/pub", "hello");
    ck_assert_int_eq(xwrite(f.d2, 0, "/local/domain/1/pub", "x"), -EACCES);
    /* A listed domain gets exactly its entry: b2 writes but cannot set perms. */
    ck_assert_int_eq(xperms(f.d1, "pub", "n1", "b2"), 0);
    ck_assert_int_eq(xwrite(f.d2, 0, "/local/domain/1/pub", "from 2"), 0);
    expect_value(f.d1, "pub", "from 2");
    ck_assert_int_eq(xperms(f.d2, "/local/domain/1/pub", "n1", "b2"), -EACCES);
    /* Only Dom0 may give a node away. */
    ck_assert_int_eq(xperms(f.d1, "pub", "n2", NULL), -EPERM);
    ck_assert_int_eq(xperms(f.d0, "/local/domain/1/pub", "n2", NULL), 0);
    ck_assert_int_eq(xread(f.d1, 0, "pub", NULL), -EACCES);

    /* Malformed permission strings. */
    ck_assert_int_eq(xperms(f.d1, "control", "x1", NULL), -EINVAL);
    ck_assert_int_eq(xperms(f.d1, "control", "r", NULL), -EINVAL);
    ck_assert_int_eq(xperms(f.d1, "control", "r70000", NULL), -EINVAL);
    ck_assert_int_eq(xperms(f.d1, "control", "b1x", NULL), -EINVAL);
    ck_assert_int_eq(one(f.d1, XS_SET_PERMS, 0, "control", NULL), -EINVAL);
    ck_assert_int_eq(xperms(f.d1, "nothere", "n1", NULL), -ENOENT);
    fx_fini(&f);
}
END_TEST

START_TEST(test_perm_new_nodes_inherit_and_writer_owns)
{
    struct fixture f;
    fx_init(&f);
    struct reply r;
    /* A directory Dom0 opened to DomU 1. */
    ck_assert_int_eq(one(f.d0, XS_MKDIR, 0, "/shared", NULL), 0);
    ck_assert_int_eq(xperms(f.d0, "/shared", "n0", "b1"), 0);
    unsigned before = xs_domain_nodes(f.s, 1);
    ck_assert_int_eq(xwrite(f.d1, 0, "/shared/mine/x", "1"), 0);
    ck_assert_uint_eq(xs_domain_nodes(f.s, 1), before + 2);
    /* Inherited entries, but the unprivileged writer is the owner. */
    ck_assert_int_eq(one(f.d1, XS_GET_PERMS, 0, "/shared/mine/x", &r), 0);
    ck_assert_uint_eq(r.len, 6);
    ck_assert_int_eq(memcmp(r.data, "n1\0b1\0", 6), 0);
    /* Dom0 creating below a DomU's home keeps the inherited owner. */
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/device/vbd/51712/state", "1"), 0);
    ck_assert_int_eq(one(f.d0, XS_GET_PERMS, 0, "/local/domain/1/device/vbd", &r), 0);
    ck_assert_int_eq(memcmp(r.data, "n1\0", 3), 0);
    ck_assert_int_eq(xwrite(f.d1, 0, "device/vbd/51712/state", "3"), 0);
    ck_assert_int_eq(xread(f.d2, 0, "/local/domain/1/device/vbd/51712/state", NULL), -EACCES);
    fx_fini(&f);
}
END_TEST

struct hook_log {
    unsigned introduced;
    unsigned released;
    uint64_t gfn;
    uint32_t port;
};

static int test_introduce_hook(void *opaque, unsigned domid, uint64_t gfn, uint32_t port)
{
    struct hook_log *log = opaque;
    log->introduced = domid;
    log->gfn = gfn;
    log->port = port;
    return domid == 6 ? -EINVAL : 0;
}

static void test_release_hook(void *opaque, unsigned domid)
{
    struct hook_log *log = opaque;
    log->released = domid;
}

START_TEST(test_toolstack_requests_are_dom0_only)
{
    struct fixture f;
    fx_init(&f);
    struct hook_log log = { 0, 0, 0, 0 };
    struct xs_store_hooks hooks = { test_introduce_hook, test_release_hook, &log };
    xs_store_set_hooks(f.s, &hooks);
    struct reply r;
    static const char intro5[] = "5\0" "1234\0" "7";
    ck_assert_int_eq(request(f.d1, XS_INTRODUCE, 0, intro5, sizeof(intro5), NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_RELEASE, 0, "2", NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_IS_DOMAIN_INTRODUCED, 0, "2", NULL), -EACCES);
    ck_assert_int_eq(one(f.d1, XS_RESUME, 0, "2", NULL), -EACCES);
    ck_assert_int_eq(request(f.d1, XS_CONTROL, 0, "print\0hi", 9, NULL), -EACCES);
    ck_assert_uint_eq(log.introduced, 0);

    ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "@introduceDomain", "in"), 0);
    expect_event(f.d0, "@introduceDomain", "in");
    ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "@releaseDomain", "out"), 0);
    expect_event(f.d0, "@releaseDomain", "out");
    /* A DomU may register a special watch but hears only the first event. */
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "@releaseDomain", "spy"), 0);
    expect_event(f.d1, "@releaseDomain", "spy");

    ck_assert_int_eq(request(f.d0, XS_INTRODUCE, 0, intro5, sizeof(intro5), NULL), 0);
    ck_assert_uint_eq(log.introduced, 5);
    ck_assert_uint_eq(log.gfn, 1234);
    ck_assert_uint_eq(log.port, 7);
    expect_event(f.d0, "@introduceDomain", "in");
    ck_assert(xs_domain_is_introduced(f.s, 5));
    ck_assert_int_eq(one(f.d0, XS_IS_DOMAIN_INTRODUCED, 0, "5", &r), 0);
    ck_assert_str_eq(r.data, "T");
    ck_assert_int_eq(one(f.d0, XS_GET_PERMS, 0, "/local/domain/5", &r), 0);
    ck_assert_str_eq(r.data, "n5");
    /* The hook may refuse; malformed and reserved domids are EINVAL. */
    static const char intro6[] = "6\0" "1\0" "1";
    ck_assert_int_eq(request(f.d0, XS_INTRODUCE, 0, intro6, sizeof(intro6), NULL), -EINVAL);
    ck_assert(!xs_domain_is_introduced(f.s, 6));
    static const char intro0[] = "0\0" "1\0" "1";
    ck_assert_int_eq(request(f.d0, XS_INTRODUCE, 0, intro0, sizeof(intro0), NULL), -EINVAL);
    static const char introbig[] = "32752\0" "1\0" "1";
    ck_assert_int_eq(request(f.d0, XS_INTRODUCE, 0, introbig, sizeof(introbig), NULL),
                     -EINVAL);
    ck_assert_int_eq(request(f.d0, XS_INTRODUCE, 0, "7\0" "1", 4, NULL), -EINVAL);

    ck_assert_int_eq(one(f.d0, XS_RELEASE, 0, "5", NULL), 0);
    ck_assert_uint_eq(log.released, 5);
    expect_event(f.d0, "@releaseDomain", "out");
    expect_nothing(f.d1);
    ck_assert_int_eq(one(f.d0, XS_IS_DOMAIN_INTRODUCED, 0, "5", &r), 0);
    ck_assert_str_eq(r.data, "F");
    ck_assert_int_eq(one(f.d0, XS_RELEASE, 0, "5", NULL), -ENOENT);
    ck_assert_int_eq(one(f.d0, XS_RELEASE, 0, "0", NULL), -EINVAL);
    ck_assert_int_eq(one(f.d0, XS_RESUME, 0, "1", NULL), 0);
    ck_assert_int_eq(request(f.d0, XS_CONTROL, 0, "print\0hi", 9, NULL), 0);
    /* The tree stays for the toolstack to remove. */
    ck_assert_int_eq(xread(f.d0, 0, "/local/domain/5", NULL), 0);
    fx_fini(&f);
}
END_TEST

/* ---- Watches ---- */

START_TEST(test_watch_fires_at_registration)
{
    struct fixture f;
    fx_init(&f);
    /* Relative and absolute, on nodes that do not exist yet. */
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "memory/target", "tok1"), 0);
    expect_event(f.d1, "memory/target", "tok1");
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "/local/domain/1/device", "tok2"), 0);
    expect_event(f.d1, "/local/domain/1/device", "tok2");
    expect_nothing(f.d1);
    /* The same path with the same token twice is EEXIST; another token is
     * another watch. */
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "memory/target", "tok1"), -EEXIST);
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "memory/target", "tok3"), 0);
    expect_event(f.d1, "memory/target", "tok3");
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "bad//path", "t"), -EINVAL);
    ck_assert_int_eq(request(f.d1, XS_WATCH, 0, "nopath", 7, NULL), -EINVAL);
    fx_fini(&f);
}
END_TEST

START_TEST(test_watch_fires_on_changes_below)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device", "rel"), 0);
    expect_event(f.d1, "device", "rel");
    ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "/local/domain/1/device", "abs"), 0);
    expect_event(f.d0, "/local/domain/1/device", "abs");

    /* The event names the changed node; relative for a relative watch. */
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/device/vbd/51712/state", "1"), 0);
    expect_event(f.d0, "/local/domain/1/device/vbd/51712/state", "abs");
    expect_event(f.d1, "device/vbd/51712/state", "rel");
    expect_nothing(f.d1);

    /* A change by the watcher itself fires too, after the reply. */
    ck_assert_int_eq(xwrite(f.d1, 0, "device/vbd/51712/state", "3"), 0);
    expect_event(f.d1, "device/vbd/51712/state", "rel");
    expect_event(f.d0, "/local/domain/1/device/vbd/51712/state", "abs");

    /* Elsewhere: nothing. A mkdir of an existing node changes nothing. */
    ck_assert_int_eq(xwrite(f.d1, 0, "control/x", "1"), 0);
    ck_assert_int_eq(xwrite(f.d1, 0, "devices", "1"), 0);     /* not below "device" */
    ck_assert_int_eq(one(f.d1, XS_MKDIR, 0, "device/vbd", NULL), 0);
    expect_nothing(f.d1);
    expect_nothing(f.d0);

    /* Permissions changes fire. */
    ck_assert_int_eq(xperms(f.d1, "device/vbd", "n1", "r0"), 0);
    expect_event(f.d1, "device/vbd", "rel");
    expect_event(f.d0, "/local/domain/1/device/vbd", "abs");

    /* Removing an ancestor fires a watch below it with the watch's path. */
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device/vbd/51712/state", "deep"), 0);
    expect_event(f.d1, "device/vbd/51712/state", "deep");
    ck_assert_int_eq(one(f.d0, XS_RM, 0, "/local/domain/1/device/vbd", NULL), 0);
    expect_event(f.d0, "/local/domain/1/device/vbd", "abs");
    expect_event(f.d1, "device/vbd", "rel");
    expect_event(f.d1, "device/vbd/51712/state", "deep");
    expect_nothing(f.d1);

    /* A watch on "/" sees everything, with absolute paths. */
    ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "/", "root"), 0);
    expect_event(f.d0, "/", "root");
    ck_assert_int_eq(xwrite(f.d0, 0, "/tool/x", "1"), 0);
    expect_event(f.d0, "/tool/x", "root");
    fx_fini(&f);
}
END_TEST

START_TEST(test_watch_events_respect_read_permission)
{
    struct fixture f;
    fx_init(&f);
    /* Registering is allowed anywhere, but DomU 2 must not learn about
     * changes to nodes it cannot read. */
    ck_assert_int_eq(xwatch(f.d2, XS_WATCH, "/local/domain/1", "spy"), 0);
    expect_event(f.d2, "/local/domain/1", "spy");
    ck_assert_int_eq(xwrite(f.d1, 0, "private", "x"), 0);
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "private", NULL), 0);
    expect_nothing(f.d2);
    /* Once the node is readable by 2, its changes reach 2. */
    ck_assert_int_eq(xwrite(f.d1, 0, "public", "x"), 0);
    ck_assert_int_eq(xperms(f.d1, "public", "n1", "r2"), 0);
    expect_event(f.d2, "/local/domain/1/public", "spy");
    ck_assert_int_eq(xwrite(f.d1, 0, "public", "y"), 0);
    expect_event(f.d2, "/local/domain/1/public", "spy");
    fx_fini(&f);
}
END_TEST

START_TEST(test_unwatch_and_reset_watches)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "control/shutdown", "a"), 0);
    expect_event(f.d1, "control/shutdown", "a");
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "control/sysrq", "b"), 0);
    expect_event(f.d1, "control/sysrq", "b");
    ck_assert_int_eq(xwatch(f.d1, XS_UNWATCH, "control/shutdown", "wrong"), -ENOENT);
    /* The same watch named absolutely is the same watch. */
    ck_assert_int_eq(xwatch(f.d1, XS_UNWATCH, "/local/domain/1/control/shutdown", "a"), 0);
    ck_assert_int_eq(xwatch(f.d1, XS_UNWATCH, "control/shutdown", "a"), -ENOENT);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/control/shutdown", "poweroff"), 0);
    expect_nothing(f.d1);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/control/sysrq", "s"), 0);
    expect_event(f.d1, "control/sysrq", "b");
    ck_assert_int_eq(request(f.d1, XS_RESET_WATCHES, 0, "", 1, NULL), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/control/sysrq", "t"), 0);
    expect_nothing(f.d1);
    struct xs_conn_stats st;
    xs_conn_get_stats(f.d1, &st);
    ck_assert_uint_eq(st.watches, 0);
    fx_fini(&f);
}
END_TEST

struct pending_counter {
    unsigned calls;
    struct xs_conn *last;
};

static void count_pending(void *opaque, struct xs_conn *c)
{
    struct pending_counter *p = opaque;
    p->calls++;
    p->last = c;
}

START_TEST(test_output_pending_callback_for_foreign_events)
{
    struct fixture f;
    fx_init(&f);
    struct pending_counter pc = { 0, NULL };
    static const struct xs_conn_ops ops = { count_pending, NULL };
    xs_conn_set_ops(f.d1, &ops, &pc);
    /* Replies and the registration event come from the domain's own
     * request: the transport flushes them, no callback. */
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device", "t"), 0);
    expect_event(f.d1, "device", "t");
    ck_assert_uint_eq(pc.calls, 0);
    /* Another domain's write, or a builder helper, queues an event. */
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/device/x", "1"), 0);
    ck_assert_uint_eq(pc.calls, 1);
    ck_assert_ptr_eq(pc.last, f.d1);
    ck_assert(xs_conn_has_output(f.d1));
    expect_event(f.d1, "device/x", "t");
    ck_assert_int_eq(xs_write(f.s, "/local/domain/1/device/y", "2", 1), 0);
    ck_assert_uint_eq(pc.calls, 2);
    expect_event(f.d1, "device/y", "t");
    fx_fini(&f);
}
END_TEST

/* ---- Transactions ---- */

START_TEST(test_tx_writes_invisible_until_commit)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "/local/domain/1/device", "w"), 0);
    expect_event(f.d0, "/local/domain/1/device", "w");
    uint32_t tx = tx_start(f.d1);
    ck_assert_int_eq(xwrite(f.d1, tx, "device/vbd/51712/ring-ref", "8"), 0);
    ck_assert_int_eq(xwrite(f.d1, tx, "device/vbd/51712/state", "3"), 0);
    struct reply r;
    ck_assert_int_eq(xread(f.d1, tx, "device/vbd/51712/state", &r), 0);
    ck_assert_str_eq(r.data, "3");
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, tx, "device/vbd/51712", &r), 0);
    ck_assert_uint_eq(r.len, strlen("ring-ref") + strlen("state") + 2);
    /* Outside: nothing yet, for the writer and for Dom0; no watch fired. */
    ck_assert_int_eq(xread(f.d1, 0, "device/vbd/51712/state", NULL), -ENOENT);
    ck_assert_int_eq(xread(f.d0, 0, "/local/domain/1/device/vbd", NULL), -ENOENT);
    expect_nothing(f.d0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), 0);
    /* Watches fire at commit, one event per change. */
    expect_event(f.d0, "/local/domain/1/device/vbd/51712/ring-ref", "w");
    expect_event(f.d0, "/local/domain/1/device/vbd/51712/state", "w");
    expect_nothing(f.d0);
    expect_value(f.d0, "/local/domain/1/device/vbd/51712/state", "3");
    expect_value(f.d1, "device/vbd/51712/ring-ref", "8");
    /* The id is gone. */
    ck_assert_int_eq(tx_end(f.d1, tx, true), -ENOENT);
    fx_fini(&f);
}
END_TEST

START_TEST(test_tx_sees_its_start_snapshot)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwrite(f.d1, 0, "state", "1"), 0);
    uint32_t tx = tx_start(f.d1);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/state", "2"), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/other", "new"), 0);
    struct reply r;
    ck_assert_int_eq(xread(f.d1, tx, "state", &r), 0);
    ck_assert_str_eq(r.data, "1");
    ck_assert_int_eq(xread(f.d1, tx, "other", NULL), -ENOENT);
    /* It read nodes that changed after it started: EAGAIN. */
    ck_assert_int_eq(tx_end(f.d1, tx, true), -EAGAIN);
    expect_value(f.d1, "state", "2");
    fx_fini(&f);
}
END_TEST

START_TEST(test_tx_conflicts_give_eagain)
{
    struct fixture f;
    fx_init(&f);
    struct reply r;
    ck_assert_int_eq(xwrite(f.d1, 0, "device/vbd/51712/state", "1"), 0);

    /* The frontend's switch-state pattern: read then write state in a
     * transaction while the backend writes it. */
    uint32_t tx = tx_start(f.d1);
    ck_assert_int_eq(xread(f.d1, tx, "device/vbd/51712/state", &r), 0);
    ck_assert_int_eq(xwrite(f.d1, tx, "device/vbd/51712/state", "3"), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/device/vbd/51712/state", "5"), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), -EAGAIN);
    expect_value(f.d1, "device/vbd/51712/state", "5");
    ck_assert_int_eq(tx_end(f.d1, tx, false), -ENOENT);   /* ended by EAGAIN */

    /* Read of a missing node, created meanwhile. */
    tx = tx_start(f.d1);
    ck_assert_int_eq(xread(f.d1, tx, "feature", NULL), -ENOENT);
    ck_assert_int_eq(xwrite(f.d1, tx, "seen", "no"), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/feature", "1"), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), -EAGAIN);
    ck_assert_int_eq(xread(f.d1, 0, "seen", NULL), -ENOENT);

    /* Two transactions writing the same node: the second commit loses. */
    uint32_t t1 = tx_start(f.d1), t2 = tx_start(f.d1);
    ck_assert_uint_ne(t1, t2);
    ck_assert_int_eq(xwrite(f.d1, t1, "k", "one"), 0);
    ck_assert_int_eq(xwrite(f.d1, t2, "k", "two"), 0);
    ck_assert_int_eq(tx_end(f.d1, t1, true), 0);
    ck_assert_int_eq(tx_end(f.d1, t2, true), -EAGAIN);
    expect_value(f.d1, "k", "one");

    /* A node removed meanwhile. */
    tx = tx_start(f.d1);
    ck_assert_int_eq(xread(f.d1, tx, "k", NULL), 0);
    ck_assert_int_eq(one(f.d0, XS_RM, 0, "/local/domain/1/k", NULL), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), -EAGAIN);

    /* A directory listed in the transaction gains a child. */
    tx = tx_start(f.d1);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, tx, "device/vbd", NULL), 0);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/device/vbd/51728/state", "1"), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), -EAGAIN);
    fx_fini(&f);
}
END_TEST

START_TEST(test_tx_unrelated_changes_commit)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwrite(f.d1, 0, "a/x", "1"), 0);
    ck_assert_int_eq(xwrite(f.d1, 0, "b/y", "1"), 0);
    uint32_t tx = tx_start(f.d1);
    ck_assert_int_eq(xread(f.d1, tx, "a/x", NULL), 0);
    ck_assert_int_eq(xwrite(f.d1, tx, "a/x", "2"), 0);
    /* Other domains and other nodes move on meanwhile. */
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/b/y", "9"), 0);
    ck_assert_int_eq(xwrite(f.d2, 0, "z", "9"), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), 0);
    expect_value(f.d1, "a/x", "2");
    expect_value(f.d1, "b/y", "9");
    /* A read-only transaction with nothing changed commits too. */
    tx = tx_start(f.d1);
    ck_assert_int_eq(xread(f.d1, tx, "a/x", NULL), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_tx_abort_and_errors)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "control", "c"), 0);
    expect_event(f.d1, "control", "c");
    uint32_t tx = tx_start(f.d1);
    ck_assert_int_eq(xwrite(f.d1, tx, "control/feature-poweroff", "1"), 0);
    ck_assert_int_eq(one(f.d1, XS_RM, tx, "control", NULL), 0);
    ck_assert_int_eq(request(f.d1, XS_TRANSACTION_END, tx, "X", 2, NULL), -EINVAL);
    ck_assert_int_eq(request(f.d1, XS_TRANSACTION_END, tx, "T", 1, NULL), -EINVAL);
    ck_assert_int_eq(tx_end(f.d1, tx, false), 0);        /* still open after EINVAL */
    ck_assert_int_eq(xread(f.d1, 0, "control/feature-poweroff", NULL), -ENOENT);
    expect_nothing(f.d1);
    /* Unknown ids; no nesting; ids belong to their connection. */
    ck_assert_int_eq(xread(f.d1, 4242, "control", NULL), -ENOENT);
    ck_assert_int_eq(tx_end(f.d1, 0, true), -ENOENT);
    tx = tx_start(f.d1);
    ck_assert_int_eq(request(f.d1, XS_TRANSACTION_START, tx, "", 1, NULL), -EBUSY);
    ck_assert_int_eq(xread(f.d2, tx, "/local/domain/2", NULL), -ENOENT);
    /* Permissions hold inside a transaction. */
    ck_assert_int_eq(xwrite(f.d1, tx, "/local/domain/2/x", "1"), -EACCES);
    /* Watch requests ignore tx_id (docs/misc/xenstore.txt WATCH). */
    ck_assert_int_eq(request2(f.d1, XS_WATCH, tx, "memory", "m", 2, NULL), 0);
    expect_event(f.d1, "memory", "m");
    /* RESET_WATCHES drops transactions too. */
    ck_assert_int_eq(request(f.d1, XS_RESET_WATCHES, 0, "", 1, NULL), 0);
    ck_assert_int_eq(tx_end(f.d1, tx, true), -ENOENT);
    fx_fini(&f);
}
END_TEST

/* ---- Quotas ---- */

START_TEST(test_quota_nodes_per_domain)
{
    struct fixture f;
    struct xs_limits lim;
    xs_limits_default(&lim);
    lim.nodes_per_domain = 10;
    fx_init_limits(&f, &lim);
    ck_assert_uint_eq(xs_domain_nodes(f.s, 1), 1);          /* its home */
    char path[32];
    for (int i = 0; i < 9; i++) {
        snprintf(path, sizeof(path), "n%d", i);
        ck_assert_int_eq(xwrite(f.d1, 0, path, "x"), 0);
    }
    ck_assert_uint_eq(xs_domain_nodes(f.s, 1), 10);
    ck_assert_int_eq(xwrite(f.d1, 0, "one-too-many", "x"), -ENOSPC);
    ck_assert_int_eq(one(f.d1, XS_MKDIR, 0, "dir", NULL), -ENOSPC);
    /* Overwriting costs nothing; removing frees. */
    ck_assert_int_eq(xwrite(f.d1, 0, "n0", "y"), 0);
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "n0", NULL), 0);
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "n1", NULL), 0);
    /* A write that needs three new nodes with two left changes nothing. */
    ck_assert_int_eq(xwrite(f.d1, 0, "a/b/c", "x"), -ENOSPC);
    ck_assert_int_eq(xread(f.d1, 0, "a", NULL), -ENOENT);
    ck_assert_uint_eq(xs_domain_nodes(f.s, 1), 8);
    ck_assert_int_eq(xwrite(f.d1, 0, "a/b", "x"), 0);
    /* Inside a transaction the quota counts its own creations. */
    ck_assert_int_eq(one(f.d1, XS_RM, 0, "a", NULL), 0);
    uint32_t tx = tx_start(f.d1);
    ck_assert_int_eq(xwrite(f.d1, tx, "t1", "x"), 0);
    ck_assert_int_eq(xwrite(f.d1, tx, "t2", "x"), 0);
    ck_assert_int_eq(xwrite(f.d1, tx, "t3", "x"), -ENOSPC);
    ck_assert_int_eq(tx_end(f.d1, tx, true), 0);
    ck_assert_uint_eq(xs_domain_nodes(f.s, 1), 10);
    /* Dom0 is not limited, even writing below the DomU's home. */
    for (int i = 0; i < 20; i++) {
        snprintf(path, sizeof(path), "/local/domain/0/n%d", i);
        ck_assert_int_eq(xwrite(f.d0, 0, path, "x"), 0);
    }
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/by-dom0", "x"), 0);
    fx_fini(&f);
}
END_TEST

START_TEST(test_quota_watches_transactions_values_perms)
{
    struct fixture f;
    struct xs_limits lim;
    xs_limits_default(&lim);
    lim.watches_per_conn = 3;
    lim.transactions_per_conn = 2;
    lim.value_size = 16;
    lim.perms_per_node = 2;
    lim.tx_nodes = 8;
    fx_init_limits(&f, &lim);
    char tok[16];
    for (int i = 0; i < 3; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device", tok), 0);
        expect_event(f.d1, "device", tok);
    }
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device", "t3"), -E2BIG);
    for (int i = 0; i < 5; i++) {
        snprintf(tok, sizeof(tok), "t%d", i);
        ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "device", tok), 0);
        expect_event(f.d0, "device", tok);
    }
    /* Watch tokens are bounded so that every event fits in a payload. */
    char token[1100];
    memset(token, 'k', sizeof(token) - 1);
    token[sizeof(token) - 1] = '\0';
    ck_assert_int_eq(xwatch(f.d0, XS_WATCH, "x", token), -EINVAL);

    uint32_t t1 = tx_start(f.d1), t2 = tx_start(f.d1);
    ck_assert_int_eq(request(f.d1, XS_TRANSACTION_START, 0, "", 1, NULL), -ENOSPC);
    /* A transaction may touch only so many nodes. */
    char path[16];
    int err = 0;
    for (int i = 0; i < 10 && !err; i++) {
        snprintf(path, sizeof(path), "r%d", i);
        err = xread(f.d1, t1, path, NULL);
        ck_assert(err == -ENOENT || err == -ENOSPC);
        err = err == -ENOSPC ? err : 0;
    }
    ck_assert_int_eq(err, -ENOSPC);
    ck_assert_int_eq(tx_end(f.d1, t1, false), 0);
    ck_assert_int_eq(tx_end(f.d1, t2, false), 0);
    ck_assert_int_eq(tx_end(f.d1, tx_start(f.d1), false), 0);

    ck_assert_int_eq(xwrite(f.d1, 0, "v", "0123456789abcdef"), 0);
    ck_assert_int_eq(xwrite(f.d1, 0, "v", "0123456789abcdefg"), -ENOSPC);
    ck_assert_int_eq(xwrite(f.d0, 0, "/local/domain/1/v", "0123456789abcdefg"), 0);
    ck_assert_int_eq(xperms(f.d1, "v", "n1", "r2"), 0);
    static const char three[] = "v\0n1\0r2\0r0";
    ck_assert_int_eq(request(f.d1, XS_SET_PERMS, 0, three, sizeof(three), NULL), -ENOSPC);
    fx_fini(&f);
}
END_TEST

START_TEST(test_quota_event_backlog_drops_events)
{
    struct fixture f;
    struct xs_limits lim;
    xs_limits_default(&lim);
    lim.event_backlog = 256;
    fx_init_limits(&f, &lim);
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device", "t"), 0);
    /* DomU 1 never reads: its queue stops growing at the backlog. */
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(xs_write(f.s, "/local/domain/1/device/x", "1", 1), 0);
    struct xs_conn_stats st;
    xs_conn_get_stats(f.d1, &st);
    ck_assert_uint_le(st.queued_bytes, 256);
    ck_assert_uint_gt(st.events_dropped, 90);
    ck_assert_uint_eq(st.events + st.events_dropped, 101);
    fx_fini(&f);
}
END_TEST

/* ---- The builder API and others ---- */

struct visit_log {
    char text[4096];
    size_t len;
};

static int log_visit(void *opaque, const char *path, unsigned depth, const uint8_t *value,
                     size_t len, const struct xs_perm *perms, unsigned nperms)
{
    struct visit_log *l = opaque;
    (void)perms;
    (void)nperms;
    int n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%u %s=%.*s;", depth, path,
                     (int)len, (const char *)value);
    if (n < 0 || (size_t)n >= sizeof(l->text) - l->len)
        return 1;       /* full: stop the walk */
    l->len += (size_t)n;
    return 0;
}

START_TEST(test_builder_helpers)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xs_printf(f.s, "/local/domain/1/name", "guest%d", 1), 0);
    ck_assert_int_eq(xs_printf(f.s, "/local/domain/1/cpu/0/availability", "online"), 0);
    ck_assert_int_eq(xs_mkdir(f.s, "/local/domain/1/control"), 0);
    char *v;
    size_t len;
    ck_assert_int_eq(xs_read(f.s, "/local/domain/1/name", &v, &len), 0);
    ck_assert_str_eq(v, "guest1");
    ck_assert_uint_eq(len, 6);
    free(v);
    ck_assert_int_eq(xs_read(f.s, "/local/domain/1/nope", &v, NULL), -ENOENT);
    ck_assert_int_eq(xs_read(f.s, "relative", &v, NULL), -EINVAL);
    /* The DomU owns what the builder wrote in its home. */
    expect_value(f.d1, "name", "guest1");
    ck_assert_int_eq(xwrite(f.d1, 0, "cpu/0/availability", "offline"), 0);

    ck_assert_int_eq(xs_write(f.s, "/local/domain/0/backend/vbd/1/51712/state", "1", 1), 0);
    ck_assert_int_eq(xs_set_perms_str(f.s, "/local/domain/0/backend/vbd/1/51712", "n0 r1"),
                     0);
    ck_assert_int_eq(xs_set_perms_str(f.s, "/local/domain/0/backend", "n0 q1"), -EINVAL);
    struct xs_perm p[4];
    unsigned n;
    ck_assert_int_eq(xs_get_perms(f.s, "/local/domain/0/backend/vbd/1/51712", p, 4, &n), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(p[0].domid, 0);
    ck_assert_uint_eq(p[0].perms, XS_PERM_NONE);
    ck_assert_uint_eq(p[1].domid, 1);
    ck_assert_uint_eq(p[1].perms, XS_PERM_READ);
    ck_assert_int_eq(one(f.d1, XS_DIRECTORY, 0, "/local/domain/0/backend/vbd/1/51712", NULL),
                     0);

    char *names;
    unsigned count;
    ck_assert_int_eq(xs_directory(f.s, "/local/domain/1", &names, &len, &count), 0);
    ck_assert_uint_eq(count, 3);
    ck_assert_uint_eq(len, strlen("name") + strlen("cpu") + strlen("control") + 3);
    ck_assert_int_eq(memcmp(names, "name\0cpu\0control\0", len), 0);
    free(names);

    struct visit_log log = { "", 0 };
    ck_assert_int_eq(xs_visit(f.s, "/local/domain/1/cpu", log_visit, &log), 0);
    ck_assert_str_eq(log.text, "0 /local/domain/1/cpu=;1 /local/domain/1/cpu/0=;"
                               "2 /local/domain/1/cpu/0/availability=offline;");
    log.len = 0;
    log.text[0] = '\0';
    ck_assert_int_eq(xs_visit(f.s, "/", log_visit, &log), 0);
    ck_assert_int_eq(strncmp(log.text, "0 /=;1 /local=;2 /local/domain=;", 32), 0);

    ck_assert_int_eq(xs_rm(f.s, "/local/domain/1/cpu"), 0);
    ck_assert_int_eq(xs_read(f.s, "/local/domain/1/cpu/0", &v, NULL), -ENOENT);
    ck_assert_str_eq(xs_errno_name(-EAGAIN), "EAGAIN");
    ck_assert_str_eq(xs_errno_name(ENOENT), "ENOENT");
    ck_assert_str_eq(xs_errno_name(-ETIMEDOUT), "EINVAL");
    fx_fini(&f);
}
END_TEST

START_TEST(test_directory_part)
{
    struct fixture f;
    fx_init(&f);
    char path[64];
    /* 300 children of 16-byte names: 4800 bytes, more than one payload. */
    for (int i = 0; i < 300; i++) {
        snprintf(path, sizeof(path), "/big/child-%09d", i);
        ck_assert_int_eq(xs_write(f.s, path, "", 0), 0);
    }
    struct reply r;
    ck_assert_int_eq(one(f.d0, XS_DIRECTORY, 0, "/big", &r), -E2BIG);
    unsigned seen = 0;
    unsigned long off = 0;
    bool done = false;
    char gen[32] = "";
    while (!done) {
        char arg[32];
        int n = snprintf(arg, sizeof(arg), "%lu", off);
        ck_assert_int_eq(request2(f.d0, XS_DIRECTORY_PART, 0, "/big", arg, (size_t)n + 1, &r),
                         0);
        ck_assert_uint_lt(strlen(r.data), sizeof(gen));
        if (gen[0])
            ck_assert_str_eq(r.data, gen);      /* unchanged generation */
        else
            memcpy(gen, r.data, strlen(r.data) + 1);
        size_t pos = strlen(r.data) + 1;
        while (pos < r.len) {
            size_t l = strlen(r.data + pos);
            if (l == 0) {
                done = true;
                break;
            }
            snprintf(path, sizeof(path), "child-%09u", seen);
            ck_assert_str_eq(r.data + pos, path);
            seen++;
            off += l + 1;
            pos += l + 1;
        }
    }
    ck_assert_uint_eq(seen, 300);
    ck_assert_int_eq(request2(f.d0, XS_DIRECTORY_PART, 0, "/big", "3", 2, NULL), -EINVAL);
    fx_fini(&f);
}
END_TEST

START_TEST(test_release_resets_connection_keeps_tree)
{
    struct fixture f;
    fx_init(&f);
    ck_assert_int_eq(xwatch(f.d1, XS_WATCH, "device", "t"), 0);
    expect_event(f.d1, "device", "t");
    (void)tx_start(f.d1);
    ck_assert_int_eq(xwrite(f.d1, 0, "data", "kept"), 0);
    ck_assert_int_eq(xs_write(f.s, "/local/domain/1/device/x", "1", 1), 0);
    ck_assert(xs_conn_has_output(f.d1));        /* an undelivered event */
    ck_assert_int_eq(xs_domain_release(f.s, 1), 0);
    ck_assert(!xs_domain_is_introduced(f.s, 1));
    ck_assert(!xs_conn_has_output(f.d1));
    struct xs_conn_stats st;
    xs_conn_get_stats(f.d1, &st);
    ck_assert_uint_eq(st.watches, 0);
    ck_assert_uint_eq(st.transactions, 0);
    ck_assert_int_eq(xs_domain_release(f.s, 1), -ENOENT);
    /* No events for a released domain. */
    ck_assert_int_eq(xs_write(f.s, "/local/domain/1/device/x", "1", 1), 0);
    ck_assert(!xs_conn_has_output(f.d1));
    struct xs_conn *again;
    ck_assert_int_eq(xs_domain_introduce(f.s, 1, &again), 0);
    ck_assert_ptr_eq(again, f.d1);
    expect_value(f.d1, "data", "kept");
    ck_assert_int_eq(xs_domain_introduce(f.s, XS_DOMID_FIRST_RESERVED, NULL), -EINVAL);
    fx_fini(&f);
}
END_TEST

START_TEST(test_refusals_are_traced)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    struct trace tr = { .enabled = 1u << TRACE_GUEST_ERROR | 1u << TRACE_HV, .out = out };
    struct fixture f;
    f.s = xs_store_create(NULL, &tr);
    ck_assert_int_eq(xs_domain_introduce(f.s, 0, &f.d0), 0);
    ck_assert_int_eq(xs_domain_introduce(f.s, 1, &f.d1), 0);
    ck_assert_int_eq(xwrite(f.d1, 0, "/local/domain/0/evil", "x"), -EACCES);
    ck_assert_int_eq(xwrite(f.d1, 0, "fine", "x"), 0);
    static const uint8_t bad_header[16] = { 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    ck_assert_uint_eq(xs_conn_input(f.d1, bad_header, sizeof(bad_header)), 16);
    ck_assert(xs_conn_broken(f.d1));
    fx_fini(&f);
    fclose(out);
    ck_assert_msg(strstr(text, "[guest_errors] xenstore: dom1 WRITE \"/local/domain/0/evil\" "
                               "refused: EACCES"), "%s", text);
    ck_assert_msg(strstr(text, "[hv] xenstore: dom1 WRITE tx 0 \"fine\" -> OK"), "%s", text);
    ck_assert_msg(strstr(text, "xenstore: dom1 connection broken: request payload of "
                               "65535 bytes"), "%s", text);
    free(text);
}
END_TEST

Suite *xenstore_suite(void)
{
    Suite *s = suite_create("xenstore");
    TCase *tc = tcase_create("paths");
    tcase_add_test(tc, test_path_relative_resolves_to_home);
    tcase_add_test(tc, test_path_invalid_names);
    tcase_add_test(tc, test_path_length_limits);
    tcase_add_test(tc, test_write_creates_parents_and_directory_lists_children);
    tcase_add_test(tc, test_values_are_binary_safe);
    tcase_add_test(tc, test_mkdir_and_recursive_rm);
    tcase_add_test(tc, test_unknown_and_server_only_types);
    suite_add_tcase(s, tc);

    tc = tcase_create("permissions");
    tcase_add_test(tc, test_perm_domu_confined_to_its_home);
    tcase_add_test(tc, test_perm_set_get_semantics);
    tcase_add_test(tc, test_perm_new_nodes_inherit_and_writer_owns);
    tcase_add_test(tc, test_toolstack_requests_are_dom0_only);
    suite_add_tcase(s, tc);

    tc = tcase_create("watches");
    tcase_add_test(tc, test_watch_fires_at_registration);
    tcase_add_test(tc, test_watch_fires_on_changes_below);
    tcase_add_test(tc, test_watch_events_respect_read_permission);
    tcase_add_test(tc, test_unwatch_and_reset_watches);
    tcase_add_test(tc, test_output_pending_callback_for_foreign_events);
    suite_add_tcase(s, tc);

    tc = tcase_create("transactions");
    tcase_add_test(tc, test_tx_writes_invisible_until_commit);
    tcase_add_test(tc, test_tx_sees_its_start_snapshot);
    tcase_add_test(tc, test_tx_conflicts_give_eagain);
    tcase_add_test(tc, test_tx_unrelated_changes_commit);
    tcase_add_test(tc, test_tx_abort_and_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("quotas");
    tcase_add_test(tc, test_quota_nodes_per_domain);
    tcase_add_test(tc, test_quota_watches_transactions_values_perms);
    tcase_add_test(tc, test_quota_event_backlog_drops_events);
    suite_add_tcase(s, tc);

    tc = tcase_create("api");
    tcase_add_test(tc, test_builder_helpers);
    tcase_add_test(tc, test_directory_part);
    tcase_add_test(tc, test_release_resets_connection_keeps_tree);
    tcase_add_test(tc, test_refusals_are_traced);
    suite_add_tcase(s, tc);
    return s;
}
