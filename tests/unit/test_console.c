/*
 * The PV console back-end and output history (hv/console.c).
 *
 * A DomU's xencons_interface page lives in its RAM here (the builder puts
 * it at the magic page; any RAM page behaves the same). The test plays the
 * guest's side of hvc_xen: it writes out[] and out_prod, sends on the
 * console port, reads in[] after input. Checked: attach binds a service
 * port and publishes the HVM params; output is drained in order across the
 * ring's wrap and the u32 index wrap, reaches console_write and the
 * history, and the port is signalled only when something was consumed;
 * SCHEDOP_yield drains too; input fills in[] up to the free space; hostile
 * indices (more than a ring apart, in either direction) are refused
 * without touching anything outside the page and are counted; the history
 * keeps the last 4 KiB with a running offset.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/guest_mem.h"
#include "hv/hypercall.h"
#include "hv/xen_abi.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

#define RAM 0x40000000u
#define RAM_SIZE 0x100000u
#define RING (RAM + 0x50000u)

struct env {
    struct hv hv;
    struct domain *d;
    struct arm_cpu cpu;
    struct mmu_context mmu;
    char out[16384];
    size_t out_len;
    unsigned writes, upcalls;
    int port;
};

static void cb_write(struct domain *d, const char *buf, size_t len)
{
    struct env *e = d->hv->opaque;
    ck_assert_uint_le(e->out_len + len, sizeof(e->out));
    memcpy(e->out + e->out_len, buf, len);
    e->out_len += len;
    e->writes++;
}

static void cb_upcall(struct domain *d, unsigned vcpu)
{
    (void)vcpu;
    ((struct env *)d->hv->opaque)->upcalls++;
}

static struct env *env_new(bool attach)
{
    struct env *e = calloc(1, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    hv_init(&e->hv, NULL);
    e->hv.opaque = e;
    e->hv.console_write = cb_write;
    e->hv.raise_upcall = cb_upcall;
    struct hv_domain_config cfg = {
        .name = "guest1", .domid = -1, .ram_base = RAM, .ram_size = RAM_SIZE, .max_vcpus = 1,
    };
    ck_assert_int_eq(hv_domain_create(&e->hv, &cfg, &e->d), 0);
    cpu_init(&e->cpu, &cpu_model_cortex_a15, 0);
    mmu_attach(&e->mmu, &e->cpu, e->d->as);
    ck_assert_int_eq(hv_domain_add_vcpu(e->d, &e->cpu), 0);
    if (attach) {
        e->port = hv_console_attach(e->d, RING, 0);
        ck_assert_int_gt(e->port, 0);
    }
    return e;
}

static void env_free(struct env *e)
{
    hv_destroy(&e->hv);
    free(e);
}

static struct xencons_interface *ring(struct env *e)
{
    struct xencons_interface *r = (void *)hv_gpa_ptr(e->d, RING, XEN_PAGE_SIZE);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* hvc_xen's __write_console: copy at out_prod, bump it, notify. */
static void guest_write(struct env *e, const char *s, size_t len, bool notify)
{
    struct xencons_interface *r = ring(e);
    for (size_t i = 0; i < len; i++)
        r->out[(r->out_prod + i) % XENCONS_OUT_SIZE] = s[i];
    r->out_prod += (uint32_t)len;
    if (notify)
        ck_assert_int_eq(hv_evtchn_send(e->d, (uint32_t)e->port), 0);
}

static void ack(struct env *e)
{
    struct xen_shared_info *sh = hv_evtchn_shared_info(e->d);
    memset(sh->evtchn_pending, 0, sizeof(sh->evtchn_pending));
    struct xen_vcpu_info *vi = hv_evtchn_vcpu_info(e->d, 0);
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
}

START_TEST(test_attach)
{
    struct env *e = env_new(false);
    struct domain *d = e->d;
    /* Not RAM, not page-aligned. */
    ck_assert_int_eq(hv_console_attach(d, 0x39000000u, 0), -XEN_EINVAL);
    ck_assert_int_eq(hv_console_attach(d, RING + 4, 0), -XEN_EINVAL);
    ck_assert_int_eq(hv_console_attach(d, RAM + RAM_SIZE, 0), -XEN_EINVAL);
    /* A chosen port. */
    ck_assert_int_eq(hv_console_attach(d, RING, 3), 3);
    uint64_t v;
    ck_assert_int_eq(hv_domain_get_param(d, XEN_HVM_PARAM_CONSOLE_PFN, &v), 0);
    ck_assert_uint_eq(v, RING >> 12);
    ck_assert_int_eq(hv_domain_get_param(d, XEN_HVM_PARAM_CONSOLE_EVTCHN, &v), 0);
    ck_assert_uint_eq(v, 3);
    struct xen_evtchn_status st = {.dom = XEN_DOMID_SELF, .port = 3};
    ck_assert_int_eq(hv_evtchn_status(d, &st), 0);
    ck_assert_uint_eq(st.status, XEN_EVTCHNSTAT_interdomain);  /* a service looks bound */
    /* Only once. */
    ck_assert_int_eq(hv_console_attach(d, RING, 0), -XEN_EINVAL);
    env_free(e);
}
END_TEST

START_TEST(test_output_drained_on_send)
{
    struct env *e = env_new(true);
    struct domain *d = e->d;
    guest_write(e, "Linux version 6.1\n", 18, true);
    ck_assert_uint_eq(e->out_len, 18);
    ck_assert_mem_eq(e->out, "Linux version 6.1\n", 18);
    ck_assert_uint_eq(ring(e)->out_cons, 18);
    ck_assert_uint_eq(d->console->out_bytes, 18);
    /* The back-end signals progress on the console port. */
    ck_assert(hv_evtchn_is_pending(d, (uint32_t)e->port));
    ck_assert_uint_eq(e->upcalls, 1);

    /* A send with nothing new consumes nothing and signals nothing (hvc's
     * late EOI would count it as spurious). */
    ack(e);
    ck_assert_int_eq(hv_evtchn_send(d, (uint32_t)e->port), 0);
    ck_assert(!hv_evtchn_is_pending(d, (uint32_t)e->port));
    ck_assert_uint_eq(e->writes, 1);

    /* Output without a send waits for the next send or yield. */
    guest_write(e, "abc", 3, false);
    ck_assert_uint_eq(e->out_len, 18);
    struct arm_cpu *cpu = &e->cpu;
    cpu->r[12] = XEN_HC_sched_op, cpu->r[0] = XEN_SCHEDOP_yield, cpu->r[1] = 0;
    ck_assert_int_eq(hv_hypercall(d, 0, cpu, XEN_HYPERCALL_TAG), 0);
    ck_assert_uint_eq(cpu->r[0], 0);
    ck_assert_uint_eq(e->out_len, 21);
    ck_assert_mem_eq(e->out + 18, "abc", 3);
    env_free(e);
}
END_TEST

START_TEST(test_output_wraps)
{
    struct env *e = env_new(true);
    struct xencons_interface *r = ring(e);
    /* Indices just below 2^32, data across the end of out[]. */
    r->out_cons = r->out_prod = 0xFFFFFFFCu;
    char msg[40];
    for (unsigned i = 0; i < sizeof(msg); i++)
        msg[i] = (char)('A' + i % 26);
    guest_write(e, msg, sizeof(msg), true);
    ck_assert_uint_eq(r->out_prod, 0xFFFFFFFCu + 40);   /* wrapped to 36 */
    ck_assert_uint_eq(e->out_len, sizeof(msg));
    ck_assert_mem_eq(e->out, msg, sizeof(msg));
    ck_assert_uint_eq(r->out_cons, r->out_prod);

    /* A completely full ring (2048 bytes) is fine. */
    char full[XENCONS_OUT_SIZE];
    for (unsigned i = 0; i < sizeof(full); i++)
        full[i] = (char)(i * 7);
    guest_write(e, full, sizeof(full), true);
    ck_assert_uint_eq(e->out_len, sizeof(msg) + sizeof(full));
    ck_assert_mem_eq(e->out + sizeof(msg), full, sizeof(full));
    ck_assert_uint_eq(e->d->console->ring_errors, 0);
    env_free(e);
}
END_TEST

START_TEST(test_hostile_output_indices)
{
    struct env *e = env_new(true);
    struct domain *d = e->d;
    struct xencons_interface *r = ring(e);
    /* prod far ahead of cons. */
    r->out_cons = 0, r->out_prod = XENCONS_OUT_SIZE + 1;
    ck_assert_int_eq(hv_evtchn_send(d, (uint32_t)e->port), 0);
    ck_assert_uint_eq(e->out_len, 0);
    ck_assert_uint_eq(d->console->ring_errors, 1);
    ck_assert_uint_eq(r->out_cons, XENCONS_OUT_SIZE + 1);  /* resynchronised */
    ck_assert(!hv_evtchn_is_pending(d, (uint32_t)e->port));
    /* cons ahead of prod (a difference "below zero"). */
    r->out_cons = 100, r->out_prod = 50;
    ck_assert_int_eq(hv_evtchn_send(d, (uint32_t)e->port), 0);
    ck_assert_uint_eq(e->out_len, 0);
    ck_assert_uint_eq(d->console->ring_errors, 2);
    /* Huge values: still only positions inside out[]. */
    r->out_cons = 0xFFFFFF00u, r->out_prod = 0xFFFFFF10u;
    memset(r->out, '#', sizeof(r->out));
    ck_assert_int_eq(hv_evtchn_send(d, (uint32_t)e->port), 0);
    ck_assert_uint_eq(e->out_len, 16);
    ck_assert_mem_eq(e->out, "################", 16);
    ck_assert_uint_eq(d->console->ring_errors, 2);
    /* The ring recovers once the guest behaves. */
    guest_write(e, "ok", 2, true);
    ck_assert_uint_eq(e->out_len, 18);
    ck_assert_mem_eq(e->out + 16, "ok", 2);
    env_free(e);
}
END_TEST

START_TEST(test_input)
{
    struct env *e = env_new(true);
    struct domain *d = e->d;
    struct xencons_interface *r = ring(e);
    ck_assert_uint_eq(hv_console_input(d, (const uint8_t *)"ls -l\r", 6), 6);
    ck_assert_uint_eq(r->in_prod, 6);
    ck_assert_mem_eq(r->in, "ls -l\r", 6);
    ck_assert(hv_evtchn_is_pending(d, (uint32_t)e->port));
    ck_assert_uint_eq(d->console->in_bytes, 6);

    /* Only the free space is taken; a full ring takes nothing. */
    uint8_t big[2000];
    memset(big, 'x', sizeof(big));
    ck_assert_uint_eq(hv_console_input(d, big, sizeof(big)), XENCONS_IN_SIZE - 6);
    ck_assert_uint_eq(r->in_prod, XENCONS_IN_SIZE);
    ck_assert_uint_eq(hv_console_input(d, big, 1), 0);
    /* The guest consumes 10; exactly 10 more fit, wrapping to in[0]. */
    r->in_cons = 10;
    ack(e);
    ck_assert_uint_eq(hv_console_input(d, (const uint8_t *)"0123456789AB", 12), 10);
    ck_assert_mem_eq(r->in, "0123456789", 10);
    ck_assert(hv_evtchn_is_pending(d, (uint32_t)e->port));

    /* Hostile in_cons: refused, counted, nothing written. */
    r->in_cons = r->in_prod + 5;
    ck_assert_uint_eq(hv_console_input(d, (const uint8_t *)"zz", 2), 0);
    ck_assert_uint_eq(d->console->ring_errors, 1);
    ck_assert_mem_eq(r->in, "0123456789", 10);
    ck_assert_uint_eq(hv_console_input(d, (const uint8_t *)"zz", 0), 0);
    env_free(e);
}
END_TEST

START_TEST(test_no_ring)
{
    struct env *e = env_new(false);
    ck_assert_uint_eq(hv_console_drain(e->d), 0);
    ck_assert_uint_eq(hv_console_input(e->d, (const uint8_t *)"a", 1), 0);
    /* Output from console_io still goes out and into the history. */
    hv_console_output(e->d, "early\n", 6);
    ck_assert_uint_eq(e->out_len, 6);
    e->hv.console_write = NULL;
    hv_console_output(e->d, "quiet", 5);
    char buf[16];
    uint64_t off = 0;
    ck_assert_uint_eq(hv_console_history_read(e->d, &off, buf, sizeof(buf)), 11);
    ck_assert_mem_eq(buf, "early\nquiet", 11);
    env_free(e);
}
END_TEST

START_TEST(test_history)
{
    struct env *e = env_new(true);
    struct domain *d = e->d;
    char buf[HV_CONSOLE_HISTORY + 100];
    uint64_t off = 0;
    ck_assert_uint_eq(hv_console_history_read(d, &off, buf, sizeof(buf)), 0);
    ck_assert_uint_eq(off, 0);

    /* 5000 bytes through the ring, in chunks, with a pattern. */
    char chunk[1000];
    for (unsigned c = 0; c < 5; c++) {
        for (unsigned i = 0; i < sizeof(chunk); i++)
            chunk[i] = (char)((c * 1000 + i) % 251);
        guest_write(e, chunk, sizeof(chunk), true);
    }
    ck_assert_uint_eq(d->console->total, 5000);
    /* From 0: the oldest kept byte is 5000 - 4096 = 904. */
    off = 0;
    size_t n = hv_console_history_read(d, &off, buf, sizeof(buf));
    ck_assert_uint_eq(n, HV_CONSOLE_HISTORY);
    ck_assert_uint_eq(off, 5000);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq((unsigned char)buf[i], (904 + i) % 251);
    /* In pieces from an offset. */
    off = 4990;
    ck_assert_uint_eq(hv_console_history_read(d, &off, buf, 4), 4);
    ck_assert_uint_eq(off, 4994);
    ck_assert_int_eq((unsigned char)buf[0], 4990 % 251);
    ck_assert_uint_eq(hv_console_history_read(d, &off, buf, 100), 6);
    ck_assert_uint_eq(off, 5000);
    off = 123456;
    ck_assert_uint_eq(hv_console_history_read(d, &off, buf, 100), 0);
    ck_assert_uint_eq(off, 5000);

    /* One write bigger than the history keeps its tail. */
    char huge[HV_CONSOLE_HISTORY + 10];
    memset(huge, 'h', sizeof(huge));
    huge[sizeof(huge) - 1] = 'T';
    hv_console_output(d, huge, sizeof(huge));
    ck_assert_uint_eq(d->console->total, 5000 + sizeof(huge));
    off = 0;
    ck_assert_uint_eq(hv_console_history_read(d, &off, buf, sizeof(buf)), HV_CONSOLE_HISTORY);
    ck_assert_int_eq(buf[HV_CONSOLE_HISTORY - 1], 'T');
    ck_assert_int_eq(buf[0], 'h');
    env_free(e);
}
END_TEST

START_TEST(test_closed_port_not_signalled)
{
    struct env *e = env_new(true);
    struct domain *d = e->d;
    /* The guest closes the console port and reuses the number. */
    ck_assert_int_eq(hv_evtchn_close(d, (uint32_t)e->port), 0);
    struct xen_evtchn_alloc_unbound au = {.dom = XEN_DOMID_SELF, .remote_dom = 0};
    ck_assert_int_eq(hv_evtchn_alloc_unbound(d, &au), 0);
    ck_assert_uint_eq(au.port, (uint32_t)e->port);
    /* Input still lands in the ring but the unrelated port stays quiet. */
    ck_assert_uint_eq(hv_console_input(d, (const uint8_t *)"q", 1), 1);
    ck_assert(!hv_evtchn_is_pending(d, au.port));
    env_free(e);
}
END_TEST

Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_attach);
    tcase_add_test(tc, test_output_drained_on_send);
    tcase_add_test(tc, test_output_wraps);
    tcase_add_test(tc, test_hostile_output_indices);
    tcase_add_test(tc, test_input);
    tcase_add_test(tc, test_no_ring);
    tcase_add_test(tc, test_history);
    tcase_add_test(tc, test_closed_port_not_signalled);
    suite_add_tcase(s, tc);
    return s;
}
