/*
 * Hypercall round-trip benchmark (issue 5, acceptance 5): N calls of
 * xen_version(XENVER_version) in a tight loop, then shut down.
 * bench/hypercall.sh runs it twice under armhv-emu --stats: with
 * "loop=hvc" and with "loop=empty" (the same loop without the HVC), and
 * subtracts the second from the first. Command line (the domain's
 * cmdline): n=COUNT (default 1000000), loop=hvc|empty.
 *
 * The loops are in assembly so both run exactly the instructions counted
 * below, whatever the compiler does; they differ by the HVC alone:
 *   hvc:   mov r0,#0; mov r1,#0; mov r12,#17; hvc #0xea1; subs r4,r4,#1; bne  (6)
 *   empty: mov r0,#0; mov r1,#0; mov r12,#17;             subs r4,r4,#1; bne  (5)
 * When it runs as Dom0 it also reads its own hypercall counter (armhv
 * domctl getinfo) before and after, to show the hypervisor saw N calls.
 */
#include "armhv_domctl.h"
#include "console.h"
#include "hypercall.h"
#include "kernel.h"
#include "lib.h"
#include "timer.h"

const char app_name[] = "hcbench";

#define LOOP_INSNS_HVC 6
#define LOOP_INSNS_EMPTY 5

/* This domain's hypercall count, or 0 when we may not ask (a DomU). */
static uint64_t own_hypercalls(void)
{
    struct armhv_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = ARMHV_DOMCTL_getinfo;
    op.interface_version = ARMHV_DOMCTL_VERSION;
    op.domid = kernel_domid;
    if (HYPERVISOR_domctl(&op) < 0 || op.u.getinfo.domid != kernel_domid)
        return 0;
    return op.u.getinfo.hypercalls;
}

static uint32_t run_loop(uint32_t n, bool with_hvc)
{
    register uint32_t count __asm__("r4") = n;
    register uint32_t r0 __asm__("r0");

    if (!n)
        return 0;
    if (with_hvc) {
        __asm__ volatile("1: mov r0, #0\n\t"
                         "mov r1, #0\n\t"
                         "mov r12, #17\n\t"
                         XEN_HVC_INSN "\n\t"
                         "subs r4, r4, #1\n\t"
                         "bne 1b"
                         : "+r"(count), "=r"(r0)
                         :
                         : "r1", "r2", "r3", "r12", "memory", "cc");
    } else {
        __asm__ volatile("1: mov r0, #0\n\t"
                         "mov r1, #0\n\t"
                         "mov r12, #17\n\t"
                         "subs r4, r4, #1\n\t"
                         "bne 1b"
                         : "+r"(count), "=r"(r0)
                         :
                         : "r1", "r2", "r3", "r12", "memory", "cc");
    }
    return r0;
}

void app_main(void)
{
    uint32_t n = cmdline_get_u32("n", 1000000);
    char mode[8] = "hvc";

    cmdline_get("loop", mode, sizeof(mode));
    bool with_hvc = strcmp(mode, "empty") != 0;
    uint64_t calls_before = own_hypercalls();
    uint64_t start = timer_now();
    uint32_t version = run_loop(n, with_hvc);
    uint64_t ticks = timer_now() - start;
    uint64_t calls = own_hypercalls() - calls_before;

    printk("hcbench: loop=%s n=%lu loop_insns=%llu version=0x%lx guest_ticks=%llu "
           "hypercalls_counted=%llu\n",
           with_hvc ? "hvc" : "empty", (unsigned long)n,
           (unsigned long long)n * (with_hvc ? LOOP_INSNS_HVC : LOOP_INSNS_EMPTY),
           (unsigned long)version, (unsigned long long)ticks,
           (unsigned long long)(calls_before ? calls - 1 : 0));
}
