/*
 * The DomU demo application: says who it is (xenstore "domid", "name"),
 * publishes a greeting in xenstore and in a page granted read-only to
 * Dom0 together with an unbound event channel for Dom0 to bind
 * (data/demo-gref, data/demo-port), prints a heartbeat every virtual
 * second, reports Dom0's event when it arrives, then either shuts down or
 * stays alive answering the lines typed on its console.
 *
 * Command line (the domain's cmdline): heartbeats=N (default 5),
 * then=stay|shutdown (default stay).
 */
#include "console.h"
#include "events.h"
#include "gnttab.h"
#include "kernel.h"
#include "lib.h"
#include "sched.h"
#include "xenstore.h"

const char app_name[] = "domu";

static char shared_page[XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static volatile bool dom0_event;

static void demo_event(evtchn_port_t port, void *data)
{
    (void)port;
    (void)data;
    dom0_event = true;
}

static void publish_demo(void)
{
    char value[32], name[32] = "?";

    xs_read("name", name, sizeof(name));
    printk("domu: hello from domain %u (\"%s\")\n", kernel_domid, name);

    long rc = xs_write("data/greeting", "hello from mini-OS");

    if (rc == 0 && xs_read("data/greeting", value, sizeof(value)) >= 0)
        printk("domu: xenstore data/greeting = \"%s\"\n", value);
    else
        printk("domu: xenstore write failed: %s\n", xen_errno_name(rc));

    snprintf(shared_page, sizeof(shared_page), "greetings from domain %u's granted page",
             kernel_domid);
    long ref = gnttab_grant_access(0, (uint32_t)((uintptr_t)shared_page >> XEN_PAGE_SHIFT), true);
    long port = evtchn_alloc_unbound(0);

    if (ref < 0 || port < 0) {
        printk("domu: no grant (%s) or event channel (%s) for Dom0\n", xen_errno_name(ref),
               xen_errno_name(port));
        return;
    }
    evtchn_bind((evtchn_port_t)port, demo_event, NULL);
    snprintf(value, sizeof(value), "%ld", ref);
    xs_write("data/demo-gref", value);
    snprintf(value, sizeof(value), "%ld", port);
    xs_write("data/demo-port", value);
    printk("domu: granted page as ref %ld, event channel port %ld for Dom0\n", ref, port);
}

/* Collects console input into lines and answers each one. */
static void echo_console(void)
{
    char line[80], buf[32];
    size_t len = 0;

    printk("domu: staying alive; type a line on this console and I answer it\n");
    for (;;) {
        wait_until(dom0_event || console_input_pending(), 0);
        if (dom0_event) {
            dom0_event = false;
            printk("domu: event from Dom0 received\n");
        }
        size_t n = console_read(buf, sizeof(buf));

        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\r' || buf[i] == '\n') {
                line[len] = '\0';
                if (len)
                    printk("domu: you typed \"%s\"\n", line);
                len = 0;
            } else if (len + 1 < sizeof(line)) {
                line[len++] = buf[i];
            }
        }
    }
}

void app_main(void)
{
    uint32_t beats = cmdline_get_u32("heartbeats", 5);
    char then[16] = "stay";

    cmdline_get("then", then, sizeof(then));
    publish_demo();

    uint64_t start = timer_now(), next = start;

    for (uint32_t i = 1; i <= beats; i++) {
        next += timer_ms_to_ticks(1000);
        while (timer_now() < next) {
            wait_until(dom0_event, next);
            if (dom0_event) {
                dom0_event = false;
                printk("domu: event from Dom0 received\n");
            }
        }
        printk("domu: heartbeat %lu, uptime %llu ms\n", (unsigned long)i,
               (unsigned long long)timer_ticks_to_ms(timer_now() - start));
    }
    if (strcmp(then, "shutdown") != 0)
        echo_console();
    printk("domu: done after %lu heartbeats\n", (unsigned long)beats);
}
