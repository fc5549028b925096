/*
 * Dom0: the toolstack shell on the passed-through board UART (PL011 at
 * 0x1c090000, INTID 37), logs through console_io, and a peer thread that
 * greets every DomU running the demo application: it reads the DomU's
 * data/demo-gref and data/demo-port from xenstore, copies the granted
 * page with GNTTABOP_copy, binds the event channel and notifies it.
 *
 * Shell commands: help, list, create NAME, destroy ID, pause ID,
 * unpause ID, console ID (Ctrl-] returns), xenstore ls|read|write,
 * poweroff.
 * The toolstack operations are the armhv domctl (armhv_domctl.h).
 */
#include <stdarg.h>

#include "armhv_domctl.h"
#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "kernel.h"
#include "lib.h"
#include "pl011.h"
#include "sched.h"
#include "xenstore.h"

const char app_name[] = "dom0";

#define UART_BASE   0x1c090000u
#define UART_INTID  37u
#define CTRL_RBRACKET 0x1d
#define MAX_DOMAINS 64

/* ---- output on the shell's terminal ---- */

static void uart_out(char c, void *ctx)
{
    (void)ctx;
    pl011_putc(c);
}

__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    format(uart_out, NULL, fmt, ap);
    va_end(ap);
}

/* ---- the toolstack hypercall ---- */

static long domctl(struct armhv_domctl *op, uint32_t cmd, uint16_t domid)
{
    op->cmd = cmd;
    op->interface_version = ARMHV_DOMCTL_VERSION;
    op->domid = domid;
    return HYPERVISOR_domctl(op);
}

static const char *state_name(uint32_t state)
{
    static const char *const names[] = { "running", "paused", "blocked", "shutdown", "dying" };

    return state < ARRAY_SIZE(names) ? names[state] : "?";
}

static void cmd_list(void)
{
    struct armhv_domctl op;
    unsigned shown = 0;

    say("%-4s %-16s %-9s %10s %5s %14s %10s\n", "ID", "NAME", "STATE", "MEM(KiB)", "VCPUS",
        "INSTRUCTIONS", "HYPERCALLS");
    for (uint32_t next = 0; next < 0x7ff0u && shown < MAX_DOMAINS; shown++) {
        memset(&op, 0, sizeof(op));
        long rc = domctl(&op, ARMHV_DOMCTL_getinfo, (uint16_t)next);

        if (rc == -XEN_ESRCH)
            break;
        if (rc < 0) {
            say("list: getinfo failed: %s (%ld)\n", xen_errno_name(rc), rc);
            return;
        }
        op.u.getinfo.name[ARMHV_DOMCTL_NAME_MAX - 1] = '\0';
        say("%-4u %-16s %-9s %10llu %5lu %14llu %10llu\n", op.u.getinfo.domid,
            op.u.getinfo.name, state_name(op.u.getinfo.state),
            (unsigned long long)op.u.getinfo.memory_kb, (unsigned long)op.u.getinfo.nr_vcpus,
            (unsigned long long)op.u.getinfo.instructions,
            (unsigned long long)op.u.getinfo.hypercalls);
        next = op.u.getinfo.domid + 1u;
    }
}

/* A domain id, or the name of a running domain. */
static bool parse_domid(const char *arg, uint16_t *domid)
{
    struct armhv_domctl op;
    uint32_t v;

    if (arg && parse_u32(arg, &v) && v < 0x7ff0u) {
        *domid = (uint16_t)v;
        return true;
    }
    for (uint32_t next = 0; arg && next < 0x7ff0u;) {
        memset(&op, 0, sizeof(op));
        if (domctl(&op, ARMHV_DOMCTL_getinfo, (uint16_t)next) < 0)
            break;
        op.u.getinfo.name[ARMHV_DOMCTL_NAME_MAX - 1] = '\0';
        if (!strcmp(op.u.getinfo.name, arg)) {
            *domid = op.u.getinfo.domid;
            return true;
        }
        next = op.u.getinfo.domid + 1u;
    }
    say("expected a domain id or name, got '%s'\n", arg ? arg : "");
    return false;
}

static void cmd_simple(const char *verb, uint32_t cmd, const char *arg)
{
    struct armhv_domctl op;
    uint16_t domid;

    if (!parse_domid(arg, &domid))
        return;
    memset(&op, 0, sizeof(op));
    long rc = domctl(&op, cmd, domid);

    if (rc < 0)
        say("%s %u: %s (%ld)\n", verb, domid, xen_errno_name(rc), rc);
    else
        say("%s %u: done\n", verb, domid);
}

static void cmd_create(const char *name)
{
    struct armhv_domctl op;

    if (!name || !*name || strlen(name) >= ARMHV_DOMCTL_NAME_MAX) {
        say("usage: create NAME (a [domain NAME] section of the board.cfg)\n");
        return;
    }
    memset(&op, 0, sizeof(op));
    strlcpy(op.u.create.name, name, sizeof(op.u.create.name));
    long rc = domctl(&op, ARMHV_DOMCTL_create, 0);

    if (rc < 0)
        say("create %s: %s (%ld)\n", name, xen_errno_name(rc), rc);
    else
        say("created domain %u (%s)\n", op.u.create.domid, name);
}

/* Shows a domain's console output as it comes until Ctrl-]; forwards typing. */
static void cmd_console(const char *arg)
{
    static char buf[256];
    struct armhv_domctl op;
    uint64_t offset = 0;
    uint16_t domid;

    if (!parse_domid(arg, &domid))
        return;
    say("[console of domain %u: Ctrl-] returns to the shell]\n", domid);
    for (;;) {
        memset(&op, 0, sizeof(op));
        op.u.console_read.offset = offset;
        op.u.console_read.buffer = (uintptr_t)buf;
        op.u.console_read.len = sizeof(buf);
        long rc = domctl(&op, ARMHV_DOMCTL_console_read, domid);

        if (rc < 0) {
            say("\n[console %u: %s (%ld)]\n", domid, xen_errno_name(rc), rc);
            return;
        }
        uint32_t got = op.u.console_read.bytes;

        if (got > sizeof(buf))
            got = sizeof(buf);
        pl011_write(buf, got);
        offset = op.u.console_read.offset;

        int c;
        char typed[32];
        unsigned n = 0;

        while (n < sizeof(typed) && (c = pl011_getc()) >= 0) {
            if (c == CTRL_RBRACKET) {
                say("\n[back to the Dom0 shell]\n");
                return;
            }
            typed[n++] = (char)c;
        }
        if (n) {
            memset(&op, 0, sizeof(op));
            op.u.console_write.buffer = (uintptr_t)typed;
            op.u.console_write.len = n;
            domctl(&op, ARMHV_DOMCTL_console_write, domid);
        }
        if (!got)
            wait_until(pl011_rx_ready(), timer_now() + timer_ms_to_ticks(20));
    }
}

static void cmd_xenstore(char *sub, char *path, char *value)
{
    static char buf[XENSTORE_PAYLOAD_MAX + 1];
    long rc;

    if (!sub || !path) {
        say("usage: xenstore ls PATH | read PATH | write PATH VALUE\n");
        return;
    }
    if (!strcmp(sub, "ls")) {
        rc = xs_directory(path, buf, sizeof(buf));
        for (long i = 0; rc > 0 && i < rc; i += (long)strlen(buf + i) + 1)
            say("%s\n", buf + i);
    } else if (!strcmp(sub, "read")) {
        rc = xs_read(path, buf, sizeof(buf));
        if (rc >= 0)
            say("%s\n", buf);
    } else if (!strcmp(sub, "write") && value) {
        rc = xs_write(path, value);
    } else {
        say("usage: xenstore ls PATH | read PATH | write PATH VALUE\n");
        return;
    }
    if (rc < 0)
        say("xenstore %s %s: %s\n", sub, path, xen_errno_name(rc));
}

static void cmd_help(void)
{
    say("commands:\n"
        "  list               domains: id, name, state, memory, vCPUs, counters\n"
        "  create NAME        start the [domain NAME] section of the board.cfg\n"
        "  destroy ID         stop and free a domain\n"
        "  pause ID           stop scheduling a domain\n"
        "  unpause ID         resume it\n"
        "  console ID         show a domain's console (Ctrl-] returns)\n"
        "  xenstore ls|read|write PATH [VALUE]\n"
        "  poweroff           shut Dom0 down (which ends the run)\n"
        "  help               this text\n");
}

/* Splits line into at most max words in place. */
static unsigned split(char *line, char **words, unsigned max)
{
    unsigned n = 0;

    while (*line && n < max) {
        while (*line == ' ')
            *line++ = '\0';
        if (!*line)
            break;
        words[n++] = line;
        while (*line && *line != ' ')
            line++;
    }
    return n;
}

static void run_command(char *line)
{
    char *w[4] = { NULL, NULL, NULL, NULL };
    unsigned n = split(line, w, 4);

    if (!n)
        return;
    if (!strcmp(w[0], "help"))
        cmd_help();
    else if (!strcmp(w[0], "list"))
        cmd_list();
    else if (!strcmp(w[0], "create"))
        cmd_create(w[1]);
    else if (!strcmp(w[0], "destroy"))
        cmd_simple("destroy", ARMHV_DOMCTL_destroy, w[1]);
    else if (!strcmp(w[0], "pause"))
        cmd_simple("pause", ARMHV_DOMCTL_pause, w[1]);
    else if (!strcmp(w[0], "unpause"))
        cmd_simple("unpause", ARMHV_DOMCTL_unpause, w[1]);
    else if (!strcmp(w[0], "console"))
        cmd_console(w[1]);
    else if (!strcmp(w[0], "xenstore"))
        cmd_xenstore(w[1], w[2], w[3]);
    else if (!strcmp(w[0], "poweroff")) {
        say("Dom0 powering off\n");
        xen_shutdown(SHUTDOWN_poweroff);
    }
    else
        say("unknown command '%s': try 'help'\n", w[0]);
}

static void shell(void)
{
    char line[128];
    unsigned len = 0;

    say("armhv Dom0 mini-OS: toolstack shell on the board UART; 'help' lists commands\n");
    say("dom0> ");
    for (;;) {
        int c = pl011_getc();

        if (c < 0) {
            /* The UART's receive interrupt wakes us. */
            wait_until(pl011_rx_ready(), 0);
            continue;
        }
        if (c == '\r' || c == '\n') {
            say("\n");
            line[len] = '\0';
            run_command(line);
            len = 0;
            say("dom0> ");
        } else if ((c == 0x7f || c == '\b') && len) {
            len--;
            say("\b \b");
        } else if (c >= ' ' && c < 0x7f && len + 1 < sizeof(line)) {
            line[len++] = (char)c;
            pl011_putc((char)c);
        }
    }
}

/* ---- the peer thread: greets demo DomUs through grant copy and events ---- */

static uint8_t greeted[MAX_DOMAINS];
static char peer_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));

static void greet(uint16_t domid)
{
    char path[64], value[16];
    uint32_t gref, port;

    snprintf(path, sizeof(path), "/local/domain/%u/data/demo-port", domid);
    if (xs_read(path, value, sizeof(value)) < 0 || !parse_u32(value, &port))
        return;
    snprintf(path, sizeof(path), "/local/domain/%u/data/demo-gref", domid);
    if (xs_read(path, value, sizeof(value)) < 0 || !parse_u32(value, &gref))
        return;
    greeted[domid] = 1;

    struct gnttab_copy copy = {
        .source = { .u.ref = gref, .domid = domid, .offset = 0 },
        .dest = { .u.gmfn = (uintptr_t)peer_page >> XEN_PAGE_SHIFT, .domid = DOMID_SELF },
        .len = 128,
        .flags = GNTCOPY_source_gref,
    };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &copy, 1);

    peer_page[127] = '\0';
    if (rc == 0 && copy.status == GNTST_okay)
        printk("dom0: domain %u's grant %lu says \"%s\"\n", domid, (unsigned long)gref, peer_page);
    else
        printk("dom0: grant copy from domain %u failed: rc %ld status %d\n", domid, rc,
               copy.status);
    long local = evtchn_bind_interdomain(domid, port);

    if (local < 0) {
        printk("dom0: bind to domain %u port %lu failed: %s\n", domid, (unsigned long)port,
               xen_errno_name(local));
        return;
    }
    evtchn_bind((evtchn_port_t)local, NULL, NULL);
    evtchn_send((evtchn_port_t)local);
    printk("dom0: bound domain %u port %lu as local port %ld and notified it\n", domid,
           (unsigned long)port, local);
}

/*
 * Rescans the domains whenever anything under /local/domain changes (a
 * DomU publishing its demo keys, a new domain), instead of polling.
 */
static void peer_thread(void *arg)
{
    char path[64], token[16];

    (void)arg;
    long watch = xs_watch("/local/domain", "peer");

    if (watch < 0)
        printk("dom0: cannot watch /local/domain (%s): polling\n", xen_errno_name(watch));
    for (;;) {
        struct armhv_domctl op;

        for (uint32_t next = 1; next < MAX_DOMAINS;) {
            memset(&op, 0, sizeof(op));
            if (domctl(&op, ARMHV_DOMCTL_getinfo, (uint16_t)next) < 0)
                break;
            uint16_t domid = op.u.getinfo.domid;

            if (domid >= MAX_DOMAINS)
                break;
            if (!greeted[domid] && op.u.getinfo.state != ARMHV_DOMSTATE_shutdown &&
                op.u.getinfo.state != ARMHV_DOMSTATE_dying)
                greet(domid);
            next = domid + 1u;
        }
        if (watch < 0)
            thread_sleep_ms(500);
        else
            xs_read_watch(path, sizeof(path), token, sizeof(token), 0);
    }
}

void app_main(void)
{
    pl011_init(UART_BASE, UART_INTID);
    printk("dom0: toolstack shell on the UART at 0x%08x\n", UART_BASE);
    thread_create("peer", peer_thread, NULL);
    shell();
}
