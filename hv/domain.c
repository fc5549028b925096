/*
 * Domains and the hypervisor instance (see hv/domain.h).
 *
 * Life cycle, as in Xen: a domain is created paused (the builder loads it,
 * then unpauses), runs, may shut down (it stays, stopped, for the toolstack
 * to inspect and destroy), and is destroyed by the toolstack or when the
 * hypervisor goes away. Destruction closes its event channels first, so
 * the peers' ports revert to unbound, and drops the grant mappings it
 * holds; the memory goes only when no other domain maps its grants.
 */
#include "hv/domain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/trace.h"
#include "hv/console.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "mmu/mmu.h"

void hv_init(struct hv *hv, struct trace *trace)
{
    memset(hv, 0, sizeof(*hv));
    hv->trace = trace;
    hv->next_domid = 1;
}

void hv_destroy(struct hv *hv)
{
    /* Live domains first (that releases their mappings of others), then
     * whatever lingers. */
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
        if (hv->domains[i] && hv->domains[i]->state != HV_DOMAIN_DYING)
            hv_domain_destroy(hv->domains[i]);
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
        if (hv->domains[i])
            hv_domain_reap(hv->domains[i]);
}

struct domain *hv_domain_find_any(struct hv *hv, uint16_t domid)
{
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
        if (hv->domains[i] && hv->domains[i]->domid == domid)
            return hv->domains[i];
    return NULL;
}

struct domain *hv_domain_by_id(struct hv *hv, uint16_t domid)
{
    struct domain *d = hv_domain_find_any(hv, domid);
    return d && d->state != HV_DOMAIN_DYING ? d : NULL;
}

int hv_domain_lookup_target(struct domain *caller, uint16_t domid, struct domain **out)
{
    if (domid == XEN_DOMID_SELF || domid == caller->domid) {
        *out = caller;
        return 0;
    }
    /* Xen: the domain lookup comes first (ESRCH), then the XSM_TARGET
     * check (EPERM). */
    struct domain *d = hv_domain_by_id(caller->hv, domid);
    if (!d)
        return -XEN_ESRCH;
    if (!caller->privileged)
        return -XEN_EPERM;
    *out = d;
    return 0;
}

static int alloc_domid(struct hv *hv, int wanted, uint16_t *domid)
{
    if (wanted >= 0) {
        if (wanted >= (int)XEN_DOMID_FIRST_RESERVED)
            return -XEN_EINVAL;
        if (hv_domain_find_any(hv, (uint16_t)wanted))
            return -XEN_EEXIST;
        *domid = (uint16_t)wanted;
        return 0;
    }
    /* Count up from the last id handed out, as Xen does, so a recently
     * destroyed domain's id is not immediately reused. */
    for (unsigned tries = 0; tries < XEN_DOMID_FIRST_RESERVED; tries++) {
        unsigned id = hv->next_domid;
        hv->next_domid = id + 1 >= XEN_DOMID_FIRST_RESERVED ? 1 : id + 1;
        if (id != 0 && !hv_domain_find_any(hv, (uint16_t)id)) {
            *domid = (uint16_t)id;
            return 0;
        }
    }
    return -XEN_ENOSPC;
}

static void domain_free(struct domain *d)
{
    hv_evtchn_destroy(d);
    hv_gnttab_destroy(d);
    hv_console_destroy(d);
    if (d->as) {
        aspace_destroy(d->as);
        free(d->as);
    }
    free(d->shared_info_hv);
    free(d);
}

int hv_domain_create(struct hv *hv, const struct hv_domain_config *cfg, struct domain **out)
{
    *out = NULL;
    unsigned max_vcpus = cfg->max_vcpus ? cfg->max_vcpus : 1;
    if (max_vcpus > HV_MAX_VCPUS || !cfg->ram_size ||
        ((cfg->ram_base | cfg->ram_size) & (XEN_PAGE_SIZE - 1)) ||
        cfg->ram_base + cfg->ram_size > (1ull << 32))
        return -XEN_EINVAL;
    unsigned slot = 0;
    while (slot < HV_MAX_DOMAINS && hv->domains[slot])
        slot++;
    if (slot == HV_MAX_DOMAINS)
        return -XEN_ENOSPC;
    uint16_t domid;
    int rc = alloc_domid(hv, cfg->domid, &domid);
    if (rc < 0)
        return rc;

    struct domain *d = calloc(1, sizeof(*d));
    if (!d)
        return -XEN_ENOMEM;
    d->hv = hv;
    d->domid = domid;
    if (cfg->name)
        snprintf(d->name, sizeof(d->name), "%s", cfg->name);
    else
        snprintf(d->name, sizeof(d->name), "dom%u", domid);
    d->privileged = cfg->privileged;
    d->max_vcpus = max_vcpus;
    d->ram_base = cfg->ram_base;
    d->ram_size = cfg->ram_size;
    /* Created paused: the builder unpauses once the domain is loaded. */
    d->state = HV_DOMAIN_PAUSED;
    d->pause_count = 1;

    d->as = calloc(1, sizeof(*d->as));
    d->shared_info_hv = calloc(1, XEN_PAGE_SIZE);
    if (!d->as || !d->shared_info_hv) {
        free(d->as);
        d->as = NULL;
        domain_free(d);
        return -XEN_ENOMEM;
    }
    aspace_init(d->as, hv->trace);
    if (cfg->ram_source)
        rc = aspace_add_ram_alias(d->as, cfg->ram_base, cfg->ram_size, cfg->ram_source,
                                  cfg->ram_source_pa, "ram");
    else
        rc = aspace_add_ram(d->as, cfg->ram_base, cfg->ram_size, "ram");
    if (rc == 0)
        rc = hv_evtchn_init(d);
    if (rc == 0)
        rc = hv_gnttab_init(d, cfg->gnttab_base, cfg->gnttab_max_frames);
    if (rc == 0)
        rc = hv_console_init(d);
    if (rc < 0) {
        domain_free(d);
        /* aspace_add_ram reports host errno values; ours are Xen's. */
        return rc == -ENOMEM || rc == -XEN_ENOMEM ? -XEN_ENOMEM : -XEN_EINVAL;
    }
    hv->domains[slot] = d;
    trace_printf(hv->trace, TRACE_HV, "d%u (%s) created: RAM 0x%08llx+0x%llx%s", d->domid,
                 d->name, (unsigned long long)cfg->ram_base,
                 (unsigned long long)cfg->ram_size, d->privileged ? ", privileged" : "");
    *out = d;
    return 0;
}

void hv_domain_reap(struct domain *d)
{
    struct hv *hv = d->hv;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
        if (hv->domains[i] == d)
            hv->domains[i] = NULL;
    trace_printf(hv->trace, TRACE_HV, "d%u (%s) freed", d->domid, d->name);
    domain_free(d);
}

void hv_domain_destroy(struct domain *d)
{
    if (d->state == HV_DOMAIN_DYING)
        return;
    struct hv *hv = d->hv;
    trace_printf(hv->trace, TRACE_HV, "d%u (%s) destroyed", d->domid, d->name);
    d->state = HV_DOMAIN_DYING;
    hv_evtchn_destroy(d);
    hv_gnttab_release_mappings(d);
    if (hv->domain_teardown)
        hv->domain_teardown(d);
    /* The vCPUs are gone: nothing may reach them through the domain or
     * through the address space's code-page tracking any more. */
    for (unsigned i = 0; i < HV_MAX_VCPUS; i++)
        d->vcpu[i].cpu = NULL;
    d->nr_vcpus = 0;
    d->as->cpu_count = 0;
    /* Tell the hardware domain (VIRQ_DOM_EXC, as Xen does). */
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *o = hv->domains[i];
        if (o && o != d && o->privileged && o->state != HV_DOMAIN_DYING)
            hv_evtchn_send_virq(o, XEN_VIRQ_DOM_EXC, 0);
    }
    if (!d->gnttab || !d->gnttab->foreign_pins)
        hv_domain_reap(d);
}

int hv_domain_add_vcpu(struct domain *d, struct arm_cpu *cpu)
{
    if (d->state == HV_DOMAIN_DYING || !cpu || !cpu->mem_opaque ||
        ((const struct mmu_context *)cpu->mem_opaque)->as != d->as)
        return -XEN_EINVAL;
    if (d->nr_vcpus >= d->max_vcpus)
        return -XEN_ENOSPC;
    unsigned id = d->nr_vcpus++;
    d->vcpu[id].cpu = cpu;
    /* The boot vCPU is powered on; secondaries wait for PSCI CPU_ON. */
    d->vcpu[id].online = id == 0;
    return (int)id;
}

int hv_domain_vcpu_index(const struct domain *d, const struct arm_cpu *cpu)
{
    for (unsigned i = 0; i < HV_MAX_VCPUS; i++)
        if (cpu && d->vcpu[i].cpu == cpu)
            return (int)i;
    return -1;
}

void hv_domain_pause(struct domain *d)
{
    if (d->state == HV_DOMAIN_DYING)
        return;
    d->pause_count++;
    if (d->state == HV_DOMAIN_RUNNING || d->state == HV_DOMAIN_BLOCKED)
        d->state = HV_DOMAIN_PAUSED;
}

void hv_domain_unpause(struct domain *d)
{
    if (d->pause_count && --d->pause_count == 0 && d->state == HV_DOMAIN_PAUSED)
        d->state = HV_DOMAIN_RUNNING;
}

bool hv_domain_shutdown(struct domain *d, uint32_t reason)
{
    if (d->state == HV_DOMAIN_DYING || d->state == HV_DOMAIN_SHUTDOWN)
        return false;
    d->state = HV_DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    trace_printf(d->hv->trace, TRACE_HV, "d%u (%s) shut down: %s", d->domid, d->name,
                 hv_shutdown_reason_name(reason));
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *o = d->hv->domains[i];
        if (o && o != d && o->privileged && o->state != HV_DOMAIN_DYING)
            hv_evtchn_send_virq(o, XEN_VIRQ_DOM_EXC, 0);
    }
    return true;
}

int hv_domain_set_param(struct domain *d, uint32_t index, uint64_t value)
{
    if (index >= XEN_HVM_NR_PARAMS)
        return -XEN_EINVAL;
    d->hvm_params[index] = value;
    return 0;
}

int hv_domain_get_param(const struct domain *d, uint32_t index, uint64_t *value)
{
    if (index >= XEN_HVM_NR_PARAMS)
        return -XEN_EINVAL;
    *value = d->hvm_params[index];
    return 0;
}

enum hv_domain_state hv_domain_shown_state(const struct domain *d)
{
    if (d->state != HV_DOMAIN_RUNNING && d->state != HV_DOMAIN_BLOCKED)
        return d->state;
    unsigned online = 0;
    for (unsigned v = 0; v < HV_MAX_VCPUS; v++) {
        const struct hv_vcpu *vcpu = &d->vcpu[v];
        if (!vcpu->cpu || !vcpu->online)
            continue;
        online++;
        if (!vcpu->blocked && !vcpu->cpu->halted)
            return HV_DOMAIN_RUNNING;
    }
    return online ? HV_DOMAIN_BLOCKED : HV_DOMAIN_RUNNING;
}

const char *hv_domain_state_name(enum hv_domain_state state)
{
    switch (state) {
    case HV_DOMAIN_RUNNING: return "running";
    case HV_DOMAIN_PAUSED: return "paused";
    case HV_DOMAIN_BLOCKED: return "blocked";
    case HV_DOMAIN_SHUTDOWN: return "shutdown";
    case HV_DOMAIN_DYING: return "dying";
    }
    return "?";
}

const char *hv_shutdown_reason_name(uint32_t reason)
{
    static const char *const names[] = {
        [XEN_SHUTDOWN_poweroff] = "poweroff", [XEN_SHUTDOWN_reboot] = "reboot",
        [XEN_SHUTDOWN_suspend] = "suspend", [XEN_SHUTDOWN_crash] = "crash",
        [XEN_SHUTDOWN_watchdog] = "watchdog", [XEN_SHUTDOWN_soft_reset] = "soft_reset",
    };
    return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown";
}
