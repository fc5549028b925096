/*
 * mini-OS start-up: from start.S's kernel_start(dtb) to the application.
 * Order matters: the console first (only hvm_op needed), then interrupts,
 * event channels (which the console ring and xenstore ride on), the grant
 * table and xenstore.
 */
#include "arch.h"
#include "console.h"
#include "cpu_v7.h"
#include "events.h"
#include "gnttab.h"
#include "hypercall.h"
#include "kernel.h"
#include "lib.h"
#include "sched.h"
#include "timer.h"
#include "vgic.h"
#include "xenstore.h"

struct boot_info boot_info;
uint16_t kernel_domid;

long hvm_get_param(uint32_t index, uint64_t *value)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };
    long rc = HYPERVISOR_hvm_op(HVMOP_get_param, &p);

    if (rc == 0)
        *value = p.value;
    return rc;
}

void xen_shutdown(uint32_t reason)
{
    struct sched_shutdown arg = { .reason = reason };

    for (;;) {
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);
        /* Only a hypervisor refusing the call gets here: try again later. */
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    }
}

bool cmdline_get(const char *key, char *value, unsigned size)
{
    const char *p = boot_info.cmdline;
    size_t klen = strlen(key);

    while (p && *p) {
        while (*p == ' ')
            p++;
        const char *word = p;

        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - word) > klen && !strncmp(word, key, klen) && word[klen] == '=') {
            size_t n = (size_t)(p - word) - klen - 1;

            if (n >= size)
                n = size - 1;
            memcpy(value, word + klen + 1, n);
            value[n] = '\0';
            return true;
        }
    }
    return false;
}

uint32_t cmdline_get_u32(const char *key, uint32_t fallback)
{
    char buf[16];
    uint32_t v;

    return cmdline_get(key, buf, sizeof(buf)) && parse_u32(buf, &v) ? v : fallback;
}

static const char *const fault_names[] = {
    "reset", "undefined instruction", "SVC", "prefetch abort", "data abort", "FIQ",
};

/* Called by start.S for any exception but IRQ: a mini-OS bug. */
__attribute__((noreturn)) void fault_report(uint32_t kind, uint32_t pc, uint32_t spsr);
void fault_report(uint32_t kind, uint32_t pc, uint32_t spsr)
{
    uint32_t far = 0, fsr = 0;

    if (kind == 3) {
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(far));  /* IFAR */
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(fsr));  /* IFSR */
    } else if (kind == 4) {
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(far));  /* DFAR */
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(fsr));  /* DFSR */
    }
    printk("mini-OS: %s at pc 0x%08lx (spsr 0x%08lx, far 0x%08lx, fsr 0x%lx): crashing\n",
           fault_names[kind < ARRAY_SIZE(fault_names) ? kind : 0], pc, spsr, far, fsr);
    xen_shutdown(SHUTDOWN_crash);
}

__attribute__((noreturn)) void kernel_start(const void *dtb);
void kernel_start(const void *dtb)
{
    sched_init();
    timer_init();
    console_init();
    bool have_dtb = fdt_parse(dtb, &boot_info);

    printk("mini-OS %s: armhv paravirtual kernel, ARMv7 vCPU in SVC mode\n", app_name);
    if (have_dtb)
        printk("mini-OS %s: RAM 0x%llx+%llu MiB, timer %lu Hz, cmdline \"%s\"\n", app_name,
               (unsigned long long)boot_info.ram_base,
               (unsigned long long)(boot_info.ram_size >> 20), timer_frequency(),
               boot_info.cmdline);
    else
        printk("mini-OS %s: no device tree at %p\n", app_name, dtb);

    vgic_init();
    vgic_enable(GUEST_VTIMER_PPI, (irq_handler_fn)timer_irq);
    events_init();
    console_bind_events();
    irq_enable();

    long rc = gnttab_init();

    if (rc < 0)
        printk("mini-OS %s: grant table unavailable (%s)\n", app_name, xen_errno_name(rc));
    if (xenstore_init() == 0) {
        char domid[16];
        uint32_t id;

        if (xs_read("domid", domid, sizeof(domid)) >= 0 && parse_u32(domid, &id))
            kernel_domid = (uint16_t)id;
    }
    app_main();
    printk("mini-OS %s: application finished, shutting down\n", app_name);
    xen_shutdown(SHUTDOWN_poweroff);
}
