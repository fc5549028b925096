/*
 * The partitioned machine (see hv/system.h): the glue between the
 * hypervisor proper (struct hv, hv/domain.c and the hypercalls) and the
 * board. It
 *   - splits the board's RAM into one fixed partition per [domain]
 *     section, in file order from the start of RAM (a domain's RAM is a
 *     window onto its partition: mmu/aspace.h aliases), so no domain can
 *     ever name a frame of another's partition;
 *   - builds each domain: hv_domain_create, its virtual platform
 *     (hv/vplatform.c), Dom0's pass-through devices, the xenstore
 *     connection on the magic page, the PV console ring, the kernel and
 *     device tree (hv/domain_builder.c), and hands its vCPUs to the
 *     scheduler (hv/sched.c), which becomes the machine's run hook;
 *   - implements the callbacks struct hv needs (upcall injection, grant
 *     mappings, blocking, shutdown, console, toolstack).
 *
 * Deferred work. Hypercalls run inside a vCPU's cpu_run, so anything that
 * would free a vCPU or re-enter the xenstore is only noted there and done
 * by system_poll, which the scheduler calls between runs.
 */
#include "hv/system.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "devices/boards/vexpress.h"
#include "hv/console.h"
#include "hv/domain_builder.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/hypercall.h"
#include "hv/sched.h"
#include "hv/system_internal.h"
#include "hv/vplatform.h"
#include "hv/xenstore_ring.h"

static struct hv_system *sys_of(const struct domain *d)
{
    return ((struct hv_domain_glue *)d->glue)->sys;
}

static struct hv_domain_glue *glue_of(const struct domain *d)
{
    return d->glue;
}

static void notice(struct hv_system *sys, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void notice(struct hv_system *sys, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (sys->cfg.notice)
        sys->cfg.notice(sys->cfg.notice_opaque, msg);
    else
        fprintf(stderr, "armhv-emu: %s\n", msg);
}

static int spec_error(const struct hv_domain_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int spec_error(const struct hv_domain_spec *spec, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (spec->origin)
        report_error_at(spec->origin, spec->line, "[domain %s] %s", spec->name, msg);
    else
        report_error("domain %s: %s", spec->name, msg);
    return -1;
}

/* ---- the hypercall entry ---- */

static int system_hvc(struct arm_cpu *cpu, uint32_t imm)
{
    struct domain *d = cpu->hvc_opaque;
    return hv_hypercall(d, cpu->index, cpu, imm);
}

/* ---- callbacks of struct hv ---- */

static void cb_raise_upcall(struct domain *d, unsigned vcpu)
{
    struct hv_domain_glue *g = glue_of(d);
    if (!g || !g->vp || vcpu >= g->vp->nr_vcpus)
        return;
    struct arm_cpu *cpu = g->vp->cpu[vcpu];
    bool waiting = cpu->halted;
    hv_vplatform_set_pending(g->vp, vcpu, XEN_GUEST_EVTCHN_PPI);
    d->vcpu[vcpu].blocked = false;
    hv_sched_wake(cpu);
    if (waiting)
        hv_sched_kick(&g->sys->sched, cpu);
}

static int cb_grant_map_install(struct domain *mapper, const struct hv_gnttab_mapping *m)
{
    struct domain *granter = hv_domain_find_any(mapper->hv, m->granter);
    if (!granter)
        return XEN_GNTST_bad_domain;
    int rc = m->readonly ? aspace_add_rom_alias(mapper->as, m->host_addr, XEN_PAGE_SIZE,
                                                granter->as, m->frame_gpa, "grant")
                         : aspace_add_ram_alias(mapper->as, m->host_addr, XEN_PAGE_SIZE,
                                                granter->as, m->frame_gpa, "grant");
    if (rc < 0)
        return rc == -EINVAL ? XEN_GNTST_bad_virt_addr : XEN_GNTST_no_space;
    for (unsigned i = 0; i < mapper->as->cpu_count; i++)
        cpu_tlb_flush(mapper->as->cpu[i]);
    return XEN_GNTST_okay;
}

static void cb_grant_map_remove(struct domain *mapper, const struct hv_gnttab_mapping *m)
{
    aspace_remove(mapper->as, m->host_addr, XEN_PAGE_SIZE);
}

static void cb_domain_teardown(struct domain *d)
{
    struct hv_domain_glue *g = glue_of(d);
    if (!g)
        return;
    struct hv_system *sys = g->sys;
    hv_sched_remove_domain(&sys->sched, d);
    for (unsigned i = 0; i < HV_VGIC_IRQS - GIC_NR_PRIVATE; i++)
        if (sys->spi_owner[i] == d)
            sys->spi_owner[i] = NULL;
    if (xs_domain_is_introduced(sys->xs, d->domid)) {
        xs_domain_release(sys->xs, d->domid);
        char path[48];
        snprintf(path, sizeof(path), "/local/domain/%u", d->domid);
        xs_rm(sys->xs, path);
    }
    if (sys->running[g->spec] == (int)d->domid)
        sys->running[g->spec] = -1;
    hv_vplatform_destroy(g->vp);
    free(g);
    d->glue = NULL;
}

static void cb_vcpu_block(struct domain *d, unsigned vcpu)
{
    struct arm_cpu *cpu = hv_domain_vcpu(d, vcpu);
    if (cpu)
        hv_sched_yield(&sys_of(d)->sched, cpu, true);
}

static void cb_vcpu_yield(struct domain *d, unsigned vcpu)
{
    struct arm_cpu *cpu = hv_domain_vcpu(d, vcpu);
    if (cpu)
        hv_sched_yield(&sys_of(d)->sched, cpu, false);
}

static int cb_vcpu_on(struct domain *d, unsigned vcpu, uint32_t entry, uint32_t context)
{
    struct arm_cpu *cpu = hv_domain_vcpu(d, vcpu);
    if (!cpu)
        return PSCI_INVALID_PARAMS;
    hv_builder_reset_vcpu(cpu, entry, context, 0);
    hv_sched_set_online(&sys_of(d)->sched, cpu, true);
    return PSCI_SUCCESS;
}

static void cb_domain_shutdown(struct domain *d, uint32_t reason)
{
    (void)reason;
    struct hv_domain_glue *g = glue_of(d);
    if (!g)
        return;
    g->shutdown_pending = true;
    /* Its vCPUs stop after the current instruction. */
    for (unsigned i = 0; i < HV_MAX_VCPUS; i++) {
        struct arm_cpu *cpu = d->vcpu[i].cpu;
        if (cpu) {
            cpu->exit_request = 1;
            cpu->run_end = cpu->icount;
        }
    }
}

static void cb_console_write(struct domain *d, const char *buf, size_t len)
{
    struct hv_system *sys = sys_of(d);
    const struct hv_domain_glue *g = glue_of(d);
    char_backend_write(&sys->cfg.domain[g->spec].console, (const uint8_t *)buf, len);
}

static size_t cb_console_read(struct domain *d, char *buf, size_t len)
{
    struct hv_system *sys = sys_of(d);
    size_t n = 0;
    while (n < len && sys->dom0_in_tail != sys->dom0_in_head) {
        buf[n++] = (char)sys->dom0_input[sys->dom0_in_tail % DOM0_INPUT_SIZE];
        sys->dom0_in_tail++;
    }
    return n;
}

static int find_spec(const struct hv_system *sys, const char *name)
{
    for (unsigned i = 0; i < sys->cfg.nr_domains; i++)
        if (strcmp(sys->cfg.domain[i].name, name) == 0)
            return (int)i;
    return -1;
}

static int cb_toolstack_create(struct hv *hv, const char *spec_name, uint16_t *domid)
{
    struct hv_system *sys = hv->opaque;
    int spec = find_spec(sys, spec_name);
    if (spec <= 0)     /* Dom0 is not the toolstack's to create */
        return -XEN_ENOENT;
    int rc = hv_system_start_domain(sys, (unsigned)spec);
    if (rc < 0)
        return rc;
    *domid = (uint16_t)rc;
    return 0;
}

static int cb_toolstack_destroy(struct domain *d)
{
    /* Never free the vCPU that is running this very hypercall. */
    struct arm_cpu *cur = machine_current_cpu(sys_of(d)->m);
    if (hv_domain_vcpu_index(d, cur) >= 0)
        return -XEN_EINVAL;
    hv_domain_destroy(d);
    return 0;
}

/* ---- pass-through interrupts ---- */

static void board_spi(void *opaque, unsigned spi, int level)
{
    struct hv_system *sys = opaque;
    if (spi >= HV_VGIC_IRQS - GIC_NR_PRIVATE || !sys->spi_owner[spi])
        return;     /* a device no domain owns: its interrupt goes nowhere */
    struct hv_domain_glue *g = glue_of(sys->spi_owner[spi]);
    struct irq_line line = hv_vplatform_spi(g->vp, spi);
    irq_set(&line, level);
}

/* ---- xenstore rings ---- */

static void store_process(struct hv_domain_glue *g)
{
    g->xs_pending = false;
    if (g->xs && g->vp->xenstore_page)
        xenstore_ring_process(g->xs, g->vp->xenstore_page);
}

static void store_kick(void *opaque, struct domain *d, uint32_t port)
{
    (void)d;
    (void)port;
    store_process(opaque);
}

static void store_output_pending(void *opaque, struct xs_conn *conn)
{
    (void)conn;
    struct hv_domain_glue *g = opaque;
    g->xs_pending = true;
    /*
     * system_poll runs the ring between vCPU runs: end the running one's
     * run after this instruction, so the guest sees the output at the
     * same instruction whether or not the run would have stopped here
     * anyway (a monitor step, savevm/loadvm: run boundaries must not
     * change what the guests do).
     */
    struct arm_cpu *cur = machine_current_cpu(g->sys->m);
    cur->exit_request = 1;
    cur->run_end = cur->icount;
}

static void store_notify(void *opaque, struct xs_conn *conn)
{
    (void)conn;
    struct hv_domain_glue *g = opaque;
    if (g->store_port > 0)
        hv_evtchn_service_signal(g->vp->d, (uint32_t)g->store_port, g);
}

static const struct xs_conn_ops store_ops = {
    .output_pending = store_output_pending,
    .notify = store_notify,
};

/* ---- deferred work, between vCPU runs ---- */

static const char *dom0_why(uint32_t reason)
{
    switch (reason) {
    case XEN_SHUTDOWN_poweroff: return "Dom0 powered off";
    case XEN_SHUTDOWN_reboot: return "Dom0 rebooted";
    case XEN_SHUTDOWN_crash: return "Dom0 crashed";
    default: return "Dom0 shut down";
    }
}

static bool reason_ok(uint32_t reason)
{
    return reason == XEN_SHUTDOWN_poweroff || reason == XEN_SHUTDOWN_reboot;
}

static void handle_shutdown(struct hv_system *sys, struct domain *d)
{
    uint32_t reason = d->shutdown_reason;
    notice(sys, "domain %u (%s) shut down: %s", d->domid, d->name,
           hv_shutdown_reason_name(reason));
    if (d->privileged) {
        machine_request_shutdown(sys->m, reason_ok(reason) ? 0 : 1, dom0_why(reason));
        return;
    }
    if (!reason_ok(reason))
        sys->domu_crashed = true;
    hv_domain_destroy(d);
    if (sys->cfg.exit_when != HV_EXIT_DOMUS_DOWN)
        return;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *o = sys->hv.domains[i];
        if (o && !o->privileged && o->state != HV_DOMAIN_DYING)
            return;
    }
    machine_request_shutdown(sys->m, sys->domu_crashed ? 1 : 0,
                             sys->domu_crashed ? "a DomU crashed; every DomU is down"
                                               : "every DomU shut down");
}

static void system_poll(void *opaque)
{
    struct hv_system *sys = opaque;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = sys->hv.domains[i];
        if (!d || d->state == HV_DOMAIN_DYING || !d->glue)
            continue;
        struct hv_domain_glue *g = d->glue;
        if (g->shutdown_pending) {
            g->shutdown_pending = false;
            handle_shutdown(sys, d);    /* may free d */
            continue;
        }
        if (g->xs_pending)
            store_process(g);
    }
}

/* ---- building a domain ---- */

/* serialN is the board's uartN; anything else is a device name. */
static const char *board_device_name(const char *name, char *buf, size_t len)
{
    if (strncmp(name, "serial", 6) == 0 && name[6] >= '0' && name[6] <= '9' && !name[7]) {
        snprintf(buf, len, "uart%c", name[6]);
        return buf;
    }
    return name;
}

static int pass_through(struct hv_system *sys, struct domain *d, const struct hv_domain_spec *spec,
                        struct hv_dt_device *out, unsigned *count)
{
    struct hv_domain_glue *g = glue_of(d);
    *count = 0;
    for (unsigned i = 0; i < spec->nr_devices; i++) {
        char buf[16];
        const char *name = board_device_name(spec->devices[i], buf, sizeof(buf));
        struct device *dev = machine_find_device(sys->m, name);
        int spi = -1, spi2 = -1;
        if (!dev || !dev->size || vexpress_device_irqs(sys->m->board_name, name, &spi, &spi2))
            return spec_error(spec, "devices: '%s' is not a device of the %s board",
                              spec->devices[i], sys->m->board_name);
        int rc = hv_vplatform_map_device(g->vp, dev);
        if (rc < 0)
            return spec_error(spec, "devices: cannot map '%s' at 0x%08llx: %s",
                              spec->devices[i], (unsigned long long)dev->base, strerror(-rc));
        if (spi >= 0)
            sys->spi_owner[spi] = d;
        if (spi2 >= 0)
            sys->spi_owner[spi2] = d;
        out[(*count)++] = (struct hv_dt_device){
            .name = dev->name, .type = dev->type, .base = dev->base, .size = dev->size,
            .spi = spi, .spi2 = spi2,
        };
    }
    return 0;
}

static int connect_xenstore(struct hv_system *sys, struct domain *d)
{
    struct hv_domain_glue *g = glue_of(d);
    int rc = xs_domain_introduce(sys->xs, d->domid, &g->xs);
    if (rc < 0)
        return rc;
    xs_conn_set_ops(g->xs, &store_ops, g);
    xenstore_ring_reset(g->xs, g->vp->xenstore_page);
    g->store_port = hv_evtchn_bind_service(d, 0, store_kick, g);
    if (g->store_port < 0)
        return g->store_port;
    hv_domain_set_param(d, XEN_HVM_PARAM_STORE_PFN, HV_XENSTORE_PAGE >> XEN_PAGE_SHIFT);
    hv_domain_set_param(d, XEN_HVM_PARAM_STORE_EVTCHN, (uint64_t)g->store_port);
    return hv_builder_xenstore(sys->xs, d);
}

/*
 * Whether some address space other than the board's still shows part of
 * spec's partition: a destroyed domain whose grants another domain still
 * maps lingers (HV_DOMAIN_DYING) with its RAM, and a new domain built on
 * the same partition would be visible through those stale mappings.
 */
static bool partition_in_use(const struct hv_system *sys, unsigned spec)
{
    const struct mem_region *r = aspace_find(&sys->m->as, sys->partition[spec]);
    if (!r || !r->backing)
        return false;
    const struct aspace_backing *b = r->backing;
    uint64_t start = (uint64_t)(r->host - b->host) + (sys->partition[spec] - r->base);
    uint64_t end = start + sys->cfg.domain[spec].memory;
    for (unsigned i = 0; i < b->window_count; i++) {
        const struct aspace_window *w = &b->window[i];
        if (w->as != &sys->m->as && w->offset < end && start < w->offset + w->size)
            return true;
    }
    return false;
}

int hv_system_start_domain(struct hv_system *sys, unsigned spec_index)
{
    if (spec_index >= sys->cfg.nr_domains)
        return -XEN_ENOENT;
    if (sys->running[spec_index] >= 0)
        return -XEN_EEXIST;
    if (partition_in_use(sys, spec_index))
        return -XEN_EBUSY;
    const struct hv_domain_spec *spec = &sys->cfg.domain[spec_index];
    struct machine *m = sys->m;
    struct hv_domain_config dc = {
        .name = spec->name,
        .domid = spec->privileged ? 0 : -1,
        .privileged = spec->privileged,
        .ram_base = XEN_GUEST_RAM0_BASE,
        .ram_size = spec->memory,
        .max_vcpus = spec->vcpus ? spec->vcpus : 1,
        .gnttab_base = XEN_GUEST_GNTTAB_BASE,
        .gnttab_max_frames = HV_GNTTAB_FRAMES,
        .ram_source = &m->as,
        .ram_source_pa = sys->partition[spec_index],
    };
    struct domain *d;
    int rc = hv_domain_create(&sys->hv, &dc, &d);
    if (rc < 0) {
        spec_error(spec, "cannot create the domain (Xen error %d)", rc);
        return rc;
    }
    struct hv_domain_glue *g = calloc(1, sizeof(*g));
    if (!g) {
        hv_domain_destroy(d);
        return -XEN_ENOMEM;
    }
    g->sys = sys;
    g->spec = spec_index;
    g->store_port = -1;
    d->glue = g;
    sys->running[spec_index] = d->domid;

    struct hv_dt_device devices[HV_SYSTEM_MAX_PASSTHROUGH];
    unsigned nr_devices = 0;
    struct hv_boot_image boot;
    g->vp = hv_vplatform_create(m, d, dc.max_vcpus, system_hvc, d);
    if (!g->vp)
        goto fail;
    g->vp->sched = &sys->sched;
    if (spec->privileged && pass_through(sys, d, spec, devices, &nr_devices) < 0)
        goto fail;
    rc = connect_xenstore(sys, d);
    if (rc < 0) {
        spec_error(spec, "cannot connect it to the xenstore (error %d)", rc);
        goto fail;
    }
    if (!spec->privileged) {
        rc = hv_console_attach(d, HV_CONSOLE_PAGE, 0);
        if (rc < 0) {
            spec_error(spec, "cannot set up its PV console (Xen error %d)", rc);
            goto fail;
        }
    }
    if (hv_builder_load(d, spec, devices, nr_devices, &boot) < 0)
        goto fail;
    uint64_t ns = vclock_now_ns(&m->clock);
    hv_evtchn_set_wallclock(d, sys->cfg.rtc_base + ns / 1000000000u,
                            (uint32_t)(ns % 1000000000u));

    for (unsigned i = 0; i < g->vp->nr_vcpus; i++) {
        if (hv_sched_add_vcpu(&sys->sched, d, i, g->vp->cpu[i]) < 0) {
            spec_error(spec, "too many vCPUs in the machine");
            goto fail;
        }
    }
    hv_builder_reset_vcpu(g->vp->cpu[0], boot.entry, 0, (uint32_t)boot.dtb);
    hv_sched_set_online(&sys->sched, g->vp->cpu[0], true);
    d->vcpu[0].online = true;
    if (!spec->privileged)
        sys->domus_started++;
    hv_domain_unpause(d);
    return d->domid;

fail:
    hv_domain_destroy(d);
    return -XEN_EINVAL;
}

/* ---- the system ---- */

static int check_config(struct machine *m, const struct hv_system_config *cfg,
                        uint64_t *partition)
{
    if (strcmp(m->board_name, "vexpress-a15") != 0) {
        report_error("[hypervisor] needs board = vexpress-a15 (the board is %s)",
                     m->board_name);
        return -1;
    }
    if (cfg->scheduler && strcmp(cfg->scheduler, "round-robin") != 0) {
        report_error("[hypervisor] scheduler: '%s': the only scheduler is round-robin",
                     cfg->scheduler);
        return -1;
    }
    if (cfg->nr_domains == 0 || cfg->nr_domains > HV_MAX_DOMAINS) {
        report_error("[hypervisor] needs 1..%u [domain] sections", HV_MAX_DOMAINS);
        return -1;
    }
    uint64_t next = m->ram_base;
    for (unsigned i = 0; i < cfg->nr_domains; i++) {
        const struct hv_domain_spec *spec = &cfg->domain[i];
        if (spec->privileged != (i == 0))
            return spec_error(spec, "only the first [domain] section is Dom0");
        if (i == 0 && !spec->autostart)
            return spec_error(spec, "Dom0 must start with the machine (autostart = yes)");
        if (!spec->memory || (spec->memory & (XEN_PAGE_SIZE - 1)))
            return spec_error(spec, "memory must be a non-zero multiple of 4K");
        if (XEN_GUEST_RAM0_BASE + spec->memory > (1ull << 32))
            return spec_error(spec, "memory: at most %lluM fit above 0x40000000",
                              (unsigned long long)(((1ull << 32) - XEN_GUEST_RAM0_BASE) >> 20));
        if ((spec->vcpus ? spec->vcpus : 1) > HV_VPLATFORM_MAX_VCPUS)
            return spec_error(spec, "vcpus: at most %u", HV_VPLATFORM_MAX_VCPUS);
        if (!spec->privileged && spec->nr_devices)
            return spec_error(spec, "devices: only Dom0 gets board devices");
        for (unsigned j = 0; j < i; j++)
            if (strcmp(cfg->domain[j].name, spec->name) == 0)
                return spec_error(spec, "a second [domain %s] section", spec->name);
        partition[i] = next;
        next += spec->memory;
        if (next > m->ram_base + m->ram_size)
            return spec_error(spec, "the domains' memory (%lluM up to this one) exceeds the "
                              "board's %lluM ([machine] memory)",
                              (unsigned long long)((next - m->ram_base) >> 20),
                              (unsigned long long)(m->ram_size >> 20));
    }
    return 0;
}

int hv_system_create(struct machine *m, const struct hv_system_config *cfg,
                     struct hv_system **out)
{
    *out = NULL;
    uint64_t partition[HV_MAX_DOMAINS];
    if (check_config(m, cfg, partition) < 0)
        return -1;
    struct device *gicd = machine_find_device(m, "gic-dist");
    if (!gicd || strcmp(gicd->type, "gic-dist") != 0) {
        report_error("[hypervisor] the board has no GIC to take interrupts from");
        return -1;
    }
    struct hv_system *sys = calloc(1, sizeof(*sys));
    if (!sys) {
        report_error("out of memory");
        return -1;
    }
    sys->m = m;
    sys->cfg = *cfg;
    memcpy(sys->partition, partition, sizeof(partition));
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
        sys->running[i] = -1;
    sys->xs = xs_store_create(NULL, &m->trace);
    if (!sys->xs) {
        free(sys);
        report_error("out of memory");
        return -1;
    }
    hv_init(&sys->hv, &m->trace);
    sys->hv.raise_upcall = cb_raise_upcall;
    sys->hv.grant_map_install = cb_grant_map_install;
    sys->hv.grant_map_remove = cb_grant_map_remove;
    sys->hv.domain_teardown = cb_domain_teardown;
    sys->hv.vcpu_block = cb_vcpu_block;
    sys->hv.vcpu_yield = cb_vcpu_yield;
    sys->hv.vcpu_on = cb_vcpu_on;
    sys->hv.domain_shutdown = cb_domain_shutdown;
    sys->hv.console_write = cb_console_write;
    sys->hv.console_read = cb_console_read;
    sys->hv.toolstack_create = cb_toolstack_create;
    sys->hv.toolstack_destroy = cb_toolstack_destroy;
    sys->hv.opaque = sys;

    /* The board's GIC is the hypervisor's now: board device interrupts go
     * to the vGIC of the domain that owns the device. */
    sys->board_gic = (struct gic *)gicd;    /* dist is struct gic's first member */
    sys->board_gic->spi_forward = board_spi;
    sys->board_gic->spi_forward_opaque = sys;

    hv_sched_init(&sys->sched, m, cfg->slice_us);
    sys->sched.poll = system_poll;
    sys->sched.poll_opaque = sys;
    hv_sched_install(&sys->sched);
    m->snapshot_check = hv_system_snapshot_check;
    m->snapshot_hook = hv_system_snapshot;
    m->snapshot_opaque = sys;
    /* The board's own CPU never runs under the hypervisor. */
    for (unsigned i = 0; i < m->cpu_count; i++)
        m->cpu[i].halted = 1;

    for (unsigned i = 0; i < cfg->nr_domains; i++) {
        if (!cfg->domain[i].autostart)
            continue;
        if (hv_system_start_domain(sys, i) < 0) {
            hv_system_destroy(sys);
            return -1;
        }
    }
    *out = sys;
    return 0;
}

void hv_system_destroy(struct hv_system *sys)
{
    if (!sys)
        return;
    hv_sched_uninstall(&sys->sched);
    if (sys->m->snapshot_opaque == sys) {
        sys->m->snapshot_check = NULL;
        sys->m->snapshot_hook = NULL;
        sys->m->snapshot_opaque = NULL;
    }
    hv_destroy(&sys->hv);
    if (sys->board_gic && sys->board_gic->spi_forward_opaque == sys) {
        sys->board_gic->spi_forward = NULL;
        sys->board_gic->spi_forward_opaque = NULL;
    }
    xs_store_destroy(sys->xs);
    free(sys);
}

struct hv *hv_system_hv(struct hv_system *sys)
{
    return &sys->hv;
}

struct xs_store *hv_system_xenstore(struct hv_system *sys)
{
    return sys->xs;
}

struct hv_sched *hv_system_sched(struct hv_system *sys)
{
    return &sys->sched;
}

size_t hv_system_console_input(struct hv_system *sys, uint16_t domid, const uint8_t *buf,
                               size_t len)
{
    struct domain *d = hv_domain_by_id(&sys->hv, domid);
    if (!d)
        return 0;
    if (!d->privileged)
        return hv_console_input(d, buf, len);
    size_t n = 0;
    while (n < len && sys->dom0_in_head - sys->dom0_in_tail < DOM0_INPUT_SIZE) {
        sys->dom0_input[sys->dom0_in_head % DOM0_INPUT_SIZE] = buf[n++];
        sys->dom0_in_head++;
    }
    if (n)
        hv_evtchn_send_virq(d, XEN_VIRQ_CONSOLE, 0);
    return n;
}
