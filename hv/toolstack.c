/*
 * The armhv toolstack hypercall (see hv/toolstack.h).
 *
 * The struct is copied in once; each command works on that host copy and
 * the whole struct goes back to the caller on success, so a guest changing
 * it meanwhile changes nothing here. Errors follow Xen's conventions for
 * the nearest Xen operation (XEN_DOMCTL_pausedomain on oneself is -EINVAL,
 * an unknown domain -ESRCH).
 */
#include "hv/toolstack.h"

#include <stdio.h>
#include <string.h>

#include "base/trace.h"
#include "hv/console.h"
#include "hv/guest_mem.h"
#include "hv/xen_abi.h"

static uint32_t domstate(const struct domain *t)
{
    switch (hv_domain_shown_state(t)) {
    case HV_DOMAIN_RUNNING: return ARMHV_DOMSTATE_running;
    case HV_DOMAIN_PAUSED: return ARMHV_DOMSTATE_paused;
    case HV_DOMAIN_BLOCKED: return ARMHV_DOMSTATE_blocked;
    case HV_DOMAIN_SHUTDOWN: return ARMHV_DOMSTATE_shutdown;
    case HV_DOMAIN_DYING: return ARMHV_DOMSTATE_dying;
    }
    return ARMHV_DOMSTATE_dying;
}

static void fill_info(const struct domain *t, struct armhv_domctl_getinfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = t->domid;
    info->state = domstate(t);
    info->flags = (t->state == HV_DOMAIN_DYING ? ARMHV_DOMINFO_dying : 0) |
                  (t->state == HV_DOMAIN_SHUTDOWN ? ARMHV_DOMINFO_shutdown : 0) |
                  (t->pause_count ? ARMHV_DOMINFO_paused : 0) |
                  (hv_domain_shown_state(t) == HV_DOMAIN_BLOCKED ? ARMHV_DOMINFO_blocked : 0) |
                  (t->privileged ? ARMHV_DOMINFO_privileged : 0);
    info->shutdown_reason = t->state == HV_DOMAIN_SHUTDOWN ? t->shutdown_reason : 0;
    info->nr_vcpus = t->nr_vcpus;
    info->max_vcpus = t->max_vcpus;
    info->memory_kb = t->ram_size / 1024;
    snprintf(info->name, sizeof(info->name), "%s", t->name);
    info->instructions = t->stats.instructions;
    uint64_t calls = t->stats.hypercalls_other;
    for (unsigned i = 0; i < XEN_NR_HYPERCALLS; i++)
        calls += t->stats.hypercalls[i];
    info->hypercalls = calls;
    info->events_sent = t->stats.events_sent;
    info->world_switches = t->stats.world_switches;
}

/* The domain with the lowest id >= first, dying ones included. */
static struct domain *domain_at_or_after(struct hv *hv, uint16_t first)
{
    struct domain *best = NULL;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *t = hv->domains[i];
        if (t && t->domid >= first && (!best || t->domid < best->domid))
            best = t;
    }
    return best;
}

/* A target of destroy/pause/unpause: live, and not the caller. */
static int control_target(struct domain *caller, uint16_t domid, struct domain **out)
{
    struct domain *t = hv_domain_by_id(caller->hv, domid);
    if (!t)
        return -XEN_ESRCH;
    if (t == caller)
        return -XEN_EINVAL;
    *out = t;
    return 0;
}

static int domctl_run(struct domain *caller, struct arm_cpu *vcpu, struct armhv_domctl *op)
{
    struct hv *hv = caller->hv;
    struct domain *t;
    int rc;
    switch (op->cmd) {
    case ARMHV_DOMCTL_create: {
        const char *name = op->u.create.name;
        if (!memchr(name, '\0', sizeof(op->u.create.name)) || !name[0])
            return -XEN_EINVAL;
        if (!hv->toolstack_create)
            return -XEN_ENOSYS;
        uint16_t domid;
        rc = hv->toolstack_create(hv, name, &domid);
        if (rc < 0)
            return rc;
        op->u.create.domid = domid;
        return 0;
    }
    case ARMHV_DOMCTL_destroy:
        if ((rc = control_target(caller, op->domid, &t)) < 0)
            return rc;
        if (hv->toolstack_destroy)
            return hv->toolstack_destroy(t);
        hv_domain_destroy(t);
        return 0;
    case ARMHV_DOMCTL_pause:
        if ((rc = control_target(caller, op->domid, &t)) < 0)
            return rc;
        hv_domain_pause(t);
        return 0;
    case ARMHV_DOMCTL_unpause:
        if ((rc = control_target(caller, op->domid, &t)) < 0)
            return rc;
        if (!t->pause_count)
            return -XEN_EINVAL;
        hv_domain_unpause(t);
        return 0;
    case ARMHV_DOMCTL_getinfo:
        t = domain_at_or_after(hv, op->domid);
        if (!t)
            return -XEN_ESRCH;
        fill_info(t, &op->u.getinfo);
        return 0;
    case ARMHV_DOMCTL_console_read: {
        t = hv_domain_find_any(hv, op->domid);
        if (!t)
            return -XEN_ESRCH;
        struct armhv_domctl_console_read *r = &op->u.console_read;
        char buf[HV_CONSOLE_HISTORY];
        uint64_t offset = r->offset;
        size_t n = hv_console_history_read(t, &offset, buf,
                                           r->len < sizeof(buf) ? r->len : sizeof(buf));
        if (n && hv_copy_to_guest(caller, vcpu, (uint32_t)r->buffer, buf, n) < 0)
            return -XEN_EFAULT;
        r->offset = offset;
        r->bytes = (uint32_t)n;
        return 0;
    }
    case ARMHV_DOMCTL_console_write: {
        t = hv_domain_by_id(hv, op->domid);
        if (!t)
            return -XEN_ESRCH;
        if (!t->console || !t->console->ring_attached)
            return -XEN_ENODEV;
        struct armhv_domctl_console_write *w = &op->u.console_write;
        uint8_t buf[XENCONS_IN_SIZE];       /* more never fits */
        uint32_t n = w->len < sizeof(buf) ? w->len : (uint32_t)sizeof(buf);
        if (hv_copy_from_guest(caller, vcpu, (uint32_t)w->buffer, buf, n) < 0)
            return -XEN_EFAULT;
        w->bytes = (uint32_t)hv_console_input(t, buf, n);
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

int hv_toolstack_domctl(struct domain *caller, struct arm_cpu *vcpu, uint32_t arg)
{
    if (!caller->privileged)
        return -XEN_EPERM;
    struct armhv_domctl op;
    if (hv_copy_from_guest(caller, vcpu, arg, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    if (op.interface_version != ARMHV_DOMCTL_VERSION)
        return -XEN_EACCES;
    int rc = domctl_run(caller, vcpu, &op);
    if (rc == 0 && hv_copy_to_guest(caller, vcpu, arg, &op, sizeof(op)) < 0)
        return -XEN_EFAULT;
    if (rc < 0)
        trace_printf(caller->hv->trace, TRACE_HV, "d%u: domctl %u on d%u: error %d",
                     caller->domid, op.cmd, op.domid, rc);
    return rc;
}
