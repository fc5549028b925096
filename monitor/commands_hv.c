/*
 * Monitor commands about the hypervisor (DESIGN.md, "The hypervisor"):
 * picking the domain and vCPU the other commands act on (domain, vcpu),
 * and the inspectors only a hypervisor inside an emulator can offer:
 * domains, evtchn, grants, xenstore, rings, the stage-2 step of `walk`
 * and the per-domain part of `stats`.
 *
 * Everything here only reads hypervisor state, through the public
 * headers of hv/ (struct domain, the event-channel and grant-table
 * tables, the xenstore API), except `xenstore write`, which changes the
 * store exactly as a Dom0 request would. Guest memory (shared_info, grant
 * entries, rings) is read with aspace_read_bytes on the domain's own
 * guest-physical space, so a guest's corrupt indices or refs can only
 * make the output odd, never make the monitor read outside that space.
 *
 * The selection is (domain id, vCPU number), looked up on every use, not
 * a pointer: a domain destroyed by the toolstack frees its vCPUs.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "devices/gic.h"
#include "hv/console.h"
#include "hv/domain.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/hypercall.h"
#include "hv/sched.h"
#include "hv/system.h"
#include "hv/xenstore.h"
#include "hv/xenstore_ring.h"
#include "monitor/internal.h"

/* step: how long the selected vCPU may be kept off the CPU by the others
 * before step gives up (instructions of the whole machine). */
#define MON_HV_STEP_PATIENCE 200000000ull
#define MON_MAX_XS_WATCHES 8

/* ---- looking things up ---- */

static struct hv *mon_hv(struct monitor *mon)
{
    return mon->hv ? hv_system_hv(mon->hv) : NULL;
}

struct domain *mon_hv_cpu_domain(struct monitor *mon, const struct arm_cpu *cpu, unsigned *vcpu)
{
    struct hv *hv = mon_hv(mon);
    if (!hv || !cpu)
        return NULL;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = hv->domains[i];
        if (!d || d->state == HV_DOMAIN_DYING)
            continue;
        int v = hv_domain_vcpu_index(d, cpu);
        if (v >= 0) {
            if (vcpu)
                *vcpu = (unsigned)v;
            return d;
        }
    }
    return NULL;
}

/* The live domain with the lowest id (Dom0 while it exists). */
static struct domain *first_domain(struct hv *hv)
{
    struct domain *best = NULL;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = hv->domains[i];
        if (d && d->state != HV_DOMAIN_DYING && (!best || d->domid < best->domid))
            best = d;
    }
    return best;
}

struct arm_cpu *mon_hv_cpu(struct monitor *mon)
{
    struct hv *hv = mon_hv(mon);
    struct machine *m = mon->machine;
    if (mon->sel_domid >= 0) {
        struct domain *d = hv_domain_by_id(hv, (uint16_t)mon->sel_domid);
        struct arm_cpu *cpu = d ? hv_domain_vcpu(d, mon->sel_vcpu) : NULL;
        if (cpu)
            return cpu;
    }
    struct arm_cpu *cur = machine_current_cpu(m);
    if (mon_hv_cpu_domain(mon, cur, NULL))
        return cur;
    /* Nothing has run yet (or the last vCPU's domain is gone): the board's
     * CPU 0 never runs under the hypervisor, so show Dom0's vCPU 0. */
    struct domain *d = first_domain(hv);
    struct arm_cpu *cpu = d ? hv_domain_vcpu(d, 0) : NULL;
    return cpu ? cpu : cur;
}

/* The domain the commands act on now. */
static struct domain *selected_domain(struct monitor *mon, unsigned *vcpu)
{
    unsigned v = 0;
    struct domain *d = mon_hv_cpu_domain(mon, mon_hv_cpu(mon), &v);
    if (vcpu)
        *vcpu = v;
    return d;
}

/* DOM argument: an id or a name; NULL arg means the selected domain. */
static struct domain *parse_domain(struct monitor *mon, const char *arg)
{
    struct hv *hv = mon_hv(mon);
    if (!arg) {
        struct domain *d = selected_domain(mon, NULL);
        if (!d)
            mon_error(mon, "no domain is running");
        return d;
    }
    uint64_t id;
    if (mon_parse_number(arg, &id) == 0) {
        struct domain *d = id < XEN_DOMID_FIRST_RESERVED ? hv_domain_by_id(hv, (uint16_t)id)
                                                        : NULL;
        if (!d)
            mon_error(mon, "no domain %s (see domains)", arg);
        return d;
    }
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = hv->domains[i];
        if (d && d->state != HV_DOMAIN_DYING && strcmp(d->name, arg) == 0)
            return d;
    }
    mon_error(mon, "no domain named '%s' (see domains)", arg);
    return NULL;
}

const char *mon_hv_domain_name(struct monitor *mon, unsigned n)
{
    struct hv *hv = mon_hv(mon);
    for (unsigned i = 0; hv && i < HV_MAX_DOMAINS; i++) {
        const struct domain *d = hv->domains[i];
        if (d && d->state != HV_DOMAIN_DYING && n-- == 0)
            return d->name;
    }
    return NULL;
}

static bool need_hv(struct monitor *mon)
{
    if (mon->hv)
        return true;
    mon_error(mon, "no hypervisor: this configuration has no [hypervisor] section");
    return false;
}

/* The domain a `CMD [DOM]` inspector acts on, or NULL after printing why
 * (no hypervisor, too many arguments, no such domain). */
static struct domain *inspector_domain(struct monitor *mon, int argc, char **argv,
                                       const char *usage)
{
    if (!need_hv(mon))
        return NULL;
    if (argc > 2) {
        mon_error(mon, "usage: %s", usage);
        return NULL;
    }
    return parse_domain(mon, argc > 1 ? argv[1] : NULL);
}

/* The scheduler's view of a vCPU: online (powered on) or not. */
static bool vcpu_online(struct monitor *mon, const struct arm_cpu *cpu)
{
    struct hv_sched *s = hv_system_sched(mon->hv);
    for (unsigned i = 0; s && i < s->count; i++)
        if (s->vcpu[i].cpu == cpu)
            return s->vcpu[i].online;
    return false;
}

static const char *vcpu_state(struct monitor *mon, const struct domain *d, unsigned v)
{
    const struct arm_cpu *cpu = d->vcpu[v].cpu;
    if (!vcpu_online(mon, cpu))
        return "offline";
    if (d->vcpu[v].blocked)
        return "blocked";
    if (cpu->halted)
        return "waiting";
    return cpu == machine_current_cpu(mon->machine) ? "running" : "runnable";
}

/* Reads guest-physical memory of d; false if it is not all RAM/ROM. */
static bool read_guest(struct domain *d, uint64_t gpa, void *buf, size_t len)
{
    return aspace_read_bytes(d->as, gpa, buf, len) == 0;
}

/* ---- selection: domain, vcpu ---- */

static void print_selection(struct monitor *mon)
{
    unsigned v;
    struct arm_cpu *cpu = mon_hv_cpu(mon);
    struct domain *d = mon_hv_cpu_domain(mon, cpu, &v);
    if (!d) {
        fputs("no domain is running\n", mon->out);
        return;
    }
    fprintf(mon->out, "%s domain %u (%s) vcpu%u: pc=0x%08x %s mode, %s\n",
            mon->sel_domid >= 0 ? "selected" : "following the running vCPU:", d->domid,
            d->name, v, cpu->r[15], cpu_mode_name(cpu_mode(cpu)), vcpu_state(mon, d, v));
    if (mon->sel_domid >= 0 && mon->sel_domid != d->domid)
        fprintf(mon->out, "(domain %d no longer exists)\n", mon->sel_domid);
}

static void select_vcpu(struct monitor *mon, struct domain *d, unsigned v)
{
    mon->sel_domid = d->domid;
    mon->sel_vcpu = v;
    mon->next_x = mon->next_disas = mon_cpu(mon)->r[15];
}

int cmd_domain(struct monitor *mon, int argc, char **argv)
{
    if (!need_hv(mon))
        return -1;
    if (argc > 2)
        return mon_error(mon, "usage: domain [N|NAME|auto]");
    if (argc == 2) {
        if (strcmp(argv[1], "auto") == 0) {
            mon->sel_domid = -1;
            mon->sel_vcpu = 0;
            mon->next_x = mon->next_disas = mon_cpu(mon)->r[15];
        } else {
            struct domain *d = parse_domain(mon, argv[1]);
            if (!d)
                return -1;
            if (!hv_domain_vcpu(d, 0))
                return mon_error(mon, "domain %u has no vCPU yet", d->domid);
            select_vcpu(mon, d, 0);
        }
    }
    print_selection(mon);
    if (argc == 2)
        mon_print_where(mon);
    return 0;
}

int cmd_vcpu(struct monitor *mon, int argc, char **argv)
{
    if (!need_hv(mon))
        return -1;
    unsigned cur;
    struct domain *d = selected_domain(mon, &cur);
    if (!d)
        return mon_error(mon, "no domain is running");
    if (argc > 2)
        return mon_error(mon, "usage: vcpu [N]");
    if (argc == 2) {
        uint64_t n;
        if (mon_parse_number(argv[1], &n) < 0 || n >= HV_MAX_VCPUS ||
            !hv_domain_vcpu(d, (unsigned)n))
            return mon_error(mon, "domain %u has no vcpu '%s' (it has %u)", d->domid, argv[1],
                             d->nr_vcpus);
        select_vcpu(mon, d, (unsigned)n);
        cur = (unsigned)n;
    }
    for (unsigned v = 0; v < HV_MAX_VCPUS; v++) {
        const struct arm_cpu *cpu = d->vcpu[v].cpu;
        if (!cpu)
            continue;
        fprintf(mon->out, "%c dom%u vcpu%u: %-8s pc=%08x mode %-3s icount %" PRIu64
                " upcalls %" PRIu64 "\n", v == cur ? '*' : ' ', d->domid, v,
                vcpu_state(mon, d, v), cpu->r[15], cpu_mode_name(cpu_mode(cpu)), cpu->icount,
                d->vcpu[v].upcalls);
    }
    if (argc == 2)
        mon_print_where(mon);
    return 0;
}

/* ---- stepping and breakpoints under the hypervisor ---- */

enum machine_stop_reason mon_hv_step(struct monitor *mon, uint64_t count, uint64_t *done)
{
    struct machine *m = mon->machine;
    struct arm_cpu *cpu = mon_hv_cpu(mon);
    unsigned v;
    struct domain *d = mon_hv_cpu_domain(mon, cpu, &v);
    uint16_t domid = d ? d->domid : 0;
    uint64_t start = cpu->icount, starved = 0;
    *done = 0;
    if (!d || mon->sel_domid < 0) {
        /* Following whatever runs: the machine's instructions. */
        uint64_t before = machine_instructions(m);
        enum machine_stop_reason why = mon_run(mon, count);
        *done = machine_instructions(m) - before;
        return why;
    }
    if (!hv_domain_runnable(d) || !vcpu_online(mon, cpu)) {
        fprintf(mon->out, "domain %u vcpu%u cannot run (%s, %s)\n", domid, v,
                hv_domain_state_name(hv_domain_shown_state(d)), vcpu_state(mon, d, v));
        return STOP_NONE;
    }
    for (;;) {
        /* The budget counts every vCPU's instructions, so the selected
         * one never overshoots; the others fill the gaps. */
        uint64_t before = machine_instructions(m);
        enum machine_stop_reason why = mon_run(mon, count - *done);
        struct domain *now = hv_domain_by_id(mon_hv(mon), domid);
        if (!now || hv_domain_vcpu(now, v) != cpu) {
            fprintf(mon->out, "domain %u was destroyed while stepping\n", domid);
            return why == STOP_BUDGET ? STOP_NONE : why;
        }
        uint64_t progress = cpu->icount - start - *done;
        *done = cpu->icount - start;
        if (why != STOP_BUDGET || *done >= count)
            return why;
        if (progress) {
            starved = 0;
        } else {
            starved += machine_instructions(m) - before;
            if (starved >= MON_HV_STEP_PATIENCE || !hv_domain_runnable(now)) {
                fprintf(mon->out, "domain %u vcpu%u did not run for %" PRIu64
                        " instructions of the other vCPUs; giving up\n", domid, v, starved);
                return STOP_BUDGET;
            }
        }
    }
}

void mon_hv_scope_breakpoint(struct monitor *mon, struct mon_bp *bp)
{
    if (!mon->hv || (mon->sel_domid < 0 && !bp->temporary))
        return;
    struct domain *d = selected_domain(mon, NULL);
    if (!d)
        return;
    bp->per_domain = true;
    bp->domid = d->domid;
}

bool mon_hv_breakpoint_applies(struct monitor *mon, const struct mon_bp *bp,
                               const struct arm_cpu *cpu)
{
    if (!bp->per_domain || !mon->hv)
        return true;
    struct domain *d = mon_hv_cpu_domain(mon, cpu, NULL);
    return d && d->domid == bp->domid;
}

void mon_hv_note_stop(struct monitor *mon)
{
    if (!mon->hv || mon->sel_domid < 0)
        return;
    unsigned v;
    struct domain *d = mon_hv_cpu_domain(mon, machine_current_cpu(mon->machine), &v);
    if (!d || (d->domid == mon->sel_domid && v == mon->sel_vcpu))
        return;
    select_vcpu(mon, d, v);
    fprintf(mon->out, "[now in domain %u (%s) vcpu%u]\n", d->domid, d->name, v);
}

/* ---- domains ---- */

static uint64_t total_hypercalls(const struct domain *d)
{
    uint64_t n = d->stats.hypercalls_other;
    for (unsigned i = 0; i < XEN_NR_HYPERCALLS; i++)
        n += d->stats.hypercalls[i];
    return n;
}

int cmd_domains(struct monitor *mon, int argc, char **argv)
{
    (void)argv;
    if (!need_hv(mon))
        return -1;
    if (argc > 1)
        return mon_error(mon, "domains takes no arguments");
    struct hv *hv = mon_hv(mon);
    struct domain *sel = selected_domain(mon, NULL);
    fprintf(mon->out, "  %-3s %-12s %-8s %8s %5s %14s %10s %10s %9s %8s %8s\n", "id", "name",
            "state", "memory", "vcpus", "instructions", "hypercalls", "traps", "switches",
            "ev-sent", "ev-recv");
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        const struct domain *d = hv->domains[i];
        if (!d)
            continue;
        char mem[24];
        snprintf(mem, sizeof(mem), "%" PRIu64 "M", d->ram_size >> 20);
        fprintf(mon->out, "%c %-3u %-12s %-8s %8s %5u %14" PRIu64 " %10" PRIu64 " %10" PRIu64
                " %9" PRIu64 " %8" PRIu64 " %8" PRIu64 "\n", d == sel ? '*' : ' ', d->domid,
                d->name, hv_domain_state_name(hv_domain_shown_state(d)), mem, d->nr_vcpus,
                d->stats.instructions, total_hypercalls(d), d->stats.traps,
                d->stats.world_switches, d->stats.events_sent, d->stats.events_received);
    }
    return 0;
}

/* ---- evtchn ---- */

static const char *virq_name(uint32_t virq)
{
    static const char *const names[] = {
        [XEN_VIRQ_TIMER] = "timer", [XEN_VIRQ_DEBUG] = "debug", [XEN_VIRQ_CONSOLE] = "console",
        [XEN_VIRQ_DOM_EXC] = "dom_exc", [XEN_VIRQ_TBUF] = "tbuf",
        [XEN_VIRQ_DEBUGGER] = "debugger", [XEN_VIRQ_XENOPROF] = "xenoprof",
        [XEN_VIRQ_CON_RING] = "con_ring", [XEN_VIRQ_PCPU_STATE] = "pcpu_state",
        [XEN_VIRQ_MEM_EVENT] = "mem_event",
    };
    return virq < sizeof(names) / sizeof(names[0]) && names[virq] ? names[virq] : "arch";
}

/* "console back-end" for the ports the builder bound to hv services. */
static const char *service_name(const struct domain *d, uint32_t port)
{
    if (d->hvm_params[XEN_HVM_PARAM_CONSOLE_EVTCHN] == port &&
        d->console && d->console->ring_attached)
        return "PV console back-end";
    if (d->hvm_params[XEN_HVM_PARAM_STORE_EVTCHN] == port)
        return "xenstore";
    return "hypervisor service";
}

int cmd_evtchn(struct monitor *mon, int argc, char **argv)
{
    struct domain *d = inspector_domain(mon, argc, argv, "evtchn [DOM]");
    if (!d)
        return -1;
    if (!d->evtchn)
        return mon_error(mon, "domain %u has no event channels", d->domid);
    fprintf(mon->out, "event channels of domain %u (%s): %u ports in use; shared_info %s\n",
            d->domid, d->name, d->evtchn->used ? d->evtchn->used - 1 : 0,
            d->shared_info_mapped ? "in guest RAM" : "not yet mapped by the guest");
    fputs("port state        bound to                        vcpu pend mask       sent  "
          "delivered\n", mon->out);
    for (uint32_t port = 1; port < XEN_EVTCHN_2L_NR_CHANNELS; port++) {
        const struct hv_evtchn *c = &d->evtchn->port[port];
        if (c->state == HV_EVTCHN_FREE || c->state == HV_EVTCHN_RESERVED)
            continue;
        char bound[64];
        switch (c->state) {
        case HV_EVTCHN_UNBOUND:
            snprintf(bound, sizeof(bound), "waiting for dom%u", c->remote_dom);
            break;
        case HV_EVTCHN_INTERDOMAIN:
            snprintf(bound, sizeof(bound), "dom%u port %u", c->remote_dom, c->remote_port);
            break;
        case HV_EVTCHN_VIRQ:
            snprintf(bound, sizeof(bound), "VIRQ %u (%s)", c->remote_port,
                     virq_name(c->remote_port));
            break;
        default:
            snprintf(bound, sizeof(bound), "%s", service_name(d, port));
            break;
        }
        fprintf(mon->out, "%4u %-12s %-31s %4u %4s %4s %10" PRIu64 " %10" PRIu64 "\n", port,
                hv_evtchn_state_name((enum hv_evtchn_state)c->state), bound, c->notify_vcpu,
                hv_evtchn_is_pending(d, port) ? "yes" : "-",
                hv_evtchn_is_masked(d, port) ? "yes" : "-", c->sent, c->delivered);
    }
    for (unsigned v = 0; v < HV_MAX_VCPUS; v++) {
        if (!d->vcpu[v].cpu)
            continue;
        const struct xen_vcpu_info *vi = hv_evtchn_vcpu_info(d, v);
        if (!vi)
            continue;
        fprintf(mon->out, "vcpu%u: evtchn_upcall_pending=%u pending_sel=%016" PRIx64
                " vcpu_info %s, %" PRIu64 " upcalls (PPI %u)\n", v, vi->evtchn_upcall_pending,
                (uint64_t)vi->evtchn_pending_sel,
                d->vcpu[v].vcpu_info_registered ? "registered in guest RAM" : "in shared_info",
                d->vcpu[v].upcalls, XEN_GUEST_EVTCHN_PPI);
    }
    return 0;
}

/* ---- grants ---- */

static void grant_flags(uint16_t flags, char *buf, size_t len)
{
    static const char *const type[] = { "invalid", "permit_access", "accept_transfer",
                                        "transitive" };
    snprintf(buf, len, "%s%s%s%s", type[flags & XEN_GTF_type_mask],
             flags & XEN_GTF_readonly ? ",readonly" : "",
             flags & XEN_GTF_reading ? ",reading" : "",
             flags & XEN_GTF_writing ? ",writing" : "");
}

static void print_mappings(struct monitor *mon, const struct domain *holder, int granter)
{
    const struct hv_gnttab *gt = holder->gnttab;
    for (unsigned h = 0; gt && h < gt->maptrack_size; h++) {
        const struct hv_gnttab_maptrack *mt = &gt->maptrack[h];
        if (!(mt->flags & HV_MAPTRACK_IN_USE) || (granter >= 0 && mt->granter != granter))
            continue;
        fprintf(mon->out, "  dom%u handle %u maps dom%u ref %u at IPA 0x%08" PRIx64 " %s\n",
                holder->domid, h, mt->granter, mt->ref, mt->host_addr,
                mt->flags & HV_MAPTRACK_READONLY ? "read-only" : "read/write");
    }
}

int cmd_grants(struct monitor *mon, int argc, char **argv)
{
    struct domain *d = inspector_domain(mon, argc, argv, "grants [DOM]");
    if (!d)
        return -1;
    struct hv_gnttab *gt = d->gnttab;
    unsigned entries = hv_gnttab_nr_entries(gt);
    fprintf(mon->out, "grant table of domain %u (%s): %u frame%s at IPA 0x%08" PRIx64
            " (max %u), %u entries; %" PRIu64 " maps, %" PRIu64 " unmaps, %" PRIu64
            " copies by others\n", d->domid, d->name, gt ? gt->nr_frames : 0,
            gt && gt->nr_frames == 1 ? "" : "s", gt ? gt->base : 0, gt ? gt->max_frames : 0,
            entries, gt ? gt->maps : 0, gt ? gt->unmaps : 0, gt ? gt->copies : 0);
    unsigned shown = 0;
    for (uint32_t ref = 0; ref < entries; ref++) {
        struct xen_grant_entry_v1 e;
        if (!read_guest(d, gt->base + (uint64_t)ref * sizeof(e), &e, sizeof(e)))
            break;
        const struct hv_gnttab_active *act = hv_gnttab_active_entry(d, ref);
        bool pinned = act && (act->ro_pins || act->rw_pins);
        if ((e.flags & XEN_GTF_type_mask) == XEN_GTF_invalid && !pinned)
            continue;
        if (!shown++)
            fputs("  ref  flags                               domid  frame     IPA          "
                  "pins ro/rw\n", mon->out);
        char flags[64];
        grant_flags(e.flags, flags, sizeof(flags));
        fprintf(mon->out, "%5u  %-35s %5u  0x%06x  0x%08" PRIx64 "  %u/%u\n", ref, flags,
                e.domid, e.frame, (uint64_t)e.frame << XEN_PAGE_SHIFT,
                act ? act->ro_pins : 0, act ? act->rw_pins : 0);
    }
    if (!shown)
        fputs("  no grant entries in use\n", mon->out);
    struct hv *hv = mon_hv(mon);
    fprintf(mon->out, "mappings of domain %u's grants held by other domains (%" PRIu64 "):\n",
            d->domid, gt ? gt->foreign_pins : 0);
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        const struct domain *o = hv->domains[i];
        if (o && o != d)
            print_mappings(mon, o, d->domid);
    }
    fprintf(mon->out, "mappings domain %u holds (%u):\n", d->domid, gt ? gt->maptrack_used : 0);
    print_mappings(mon, d, -1);
    return 0;
}

/* ---- xenstore ---- */

/* A value as a C-like string, non-printable bytes escaped. */
static void print_value(FILE *out, const uint8_t *value, size_t len, size_t max)
{
    fputc('"', out);
    for (size_t i = 0; i < len && i < max; i++) {
        uint8_t c = value[i];
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, out);
        else
            fprintf(out, "\\x%02x", c);
    }
    fputs(len > max ? "\"..." : "\"", out);
}

static void print_perms(FILE *out, const struct xs_perm *perms, unsigned n)
{
    static const char letter[4] = { 'n', 'r', 'w', 'b' };
    fputs("  (", out);
    for (unsigned i = 0; i < n; i++)
        fprintf(out, "%s%c%u", i ? " " : "", letter[perms[i].perms & 3], perms[i].domid);
    fputc(')', out);
}

struct ls_ctx {
    FILE *out;
    unsigned nodes;
};

static int ls_visit(void *opaque, const char *path, unsigned depth, const uint8_t *value,
                    size_t len, const struct xs_perm *perms, unsigned nperms)
{
    struct ls_ctx *ls = opaque;
    const char *name = strrchr(path, '/');
    name = name && name[1] ? name + 1 : path;
    fprintf(ls->out, "%*s%s = ", (int)(2 * depth), "", name);
    print_value(ls->out, value, len, 120);
    print_perms(ls->out, perms, nperms);
    fputc('\n', ls->out);
    ls->nodes++;
    return 0;
}

/* One node of a watched subtree, as last seen. */
struct xs_seen {
    char *path;
    char *value;
};

struct mon_xs_watch {
    struct mon_xs_watch *next;
    char *path;
    struct xs_seen *nodes;
    size_t count;
    uint64_t fired;
};

struct snap_ctx {
    struct xs_seen *nodes;
    size_t count, cap;
    bool failed;
};

static int snap_visit(void *opaque, const char *path, unsigned depth, const uint8_t *value,
                      size_t len, const struct xs_perm *perms, unsigned nperms)
{
    (void)depth;
    (void)perms;
    (void)nperms;
    struct snap_ctx *sc = opaque;
    if (sc->count == sc->cap) {
        size_t cap = sc->cap ? 2 * sc->cap : 32;
        struct xs_seen *n = realloc(sc->nodes, cap * sizeof(*n));
        if (!n) {
            sc->failed = true;
            return 1;
        }
        sc->nodes = n;
        sc->cap = cap;
    }
    char *p = strdup(path), *v = malloc(len + 1);
    if (!p || !v) {
        free(p);
        free(v);
        sc->failed = true;
        return 1;
    }
    if (len)    /* an empty node's value may be NULL */
        memcpy(v, value, len);
    v[len] = '\0';
    sc->nodes[sc->count++] = (struct xs_seen){ p, v };
    return 0;
}

static void free_seen(struct xs_seen *nodes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(nodes[i].path);
        free(nodes[i].value);
    }
    free(nodes);
}

/* The subtree now (an absent path gives no nodes). */
static int snapshot(struct monitor *mon, const char *path, struct xs_seen **nodes, size_t *count)
{
    struct snap_ctx sc = { 0 };
    int rc = xs_visit(hv_system_xenstore(mon->hv), path, snap_visit, &sc);
    if (sc.failed) {
        free_seen(sc.nodes, sc.count);
        return -1;
    }
    (void)rc;   /* ENOENT: the node does not exist (yet) */
    *nodes = sc.nodes;
    *count = sc.count;
    return 0;
}

static const struct xs_seen *find_seen(const struct xs_seen *nodes, size_t count,
                                       const char *path)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(nodes[i].path, path) == 0)
            return &nodes[i];
    return NULL;
}

static void report_changes(struct monitor *mon, struct mon_xs_watch *w, struct xs_seen *now,
                           size_t count)
{
    bool header = false;
    for (size_t pass = 0; pass < 2; pass++) {
        /* pass 0: added or changed nodes (in tree order); pass 1: removed ones */
        const struct xs_seen *list = pass ? w->nodes : now;
        size_t n = pass ? w->count : count;
        for (size_t i = 0; i < n; i++) {
            const struct xs_seen *other = pass ? find_seen(now, count, list[i].path)
                                               : find_seen(w->nodes, w->count, list[i].path);
            if (pass == 1 && other)
                continue;
            if (pass == 0 && other && strcmp(other->value, list[i].value) == 0)
                continue;
            if (!header) {
                w->fired++;
                fprintf(mon->out, "xenstore watch %s fired:\n", w->path);
                header = true;
            }
            fprintf(mon->out, "  %c %s", pass ? '-' : other ? '~' : '+', list[i].path);
            if (!pass) {
                fputs(" = ", mon->out);
                print_value(mon->out, (const uint8_t *)list[i].value, strlen(list[i].value), 120);
                if (other) {
                    fputs(" (was ", mon->out);
                    print_value(mon->out, (const uint8_t *)other->value, strlen(other->value),
                                120);
                    fputc(')', mon->out);
                }
            }
            fputc('\n', mon->out);
        }
    }
}

void mon_hv_poll_watches(struct monitor *mon)
{
    if (!mon->hv)
        return;
    for (struct mon_xs_watch *w = mon->xs_watches; w; w = w->next) {
        struct xs_seen *now;
        size_t count;
        if (snapshot(mon, w->path, &now, &count) < 0)
            continue;
        report_changes(mon, w, now, count);
        free_seen(w->nodes, w->count);
        w->nodes = now;
        w->count = count;
    }
}

static void free_watch(struct mon_xs_watch *w)
{
    free_seen(w->nodes, w->count);
    free(w->path);
    free(w);
}

void mon_hv_destroy(struct monitor *mon)
{
    while (mon->xs_watches) {
        struct mon_xs_watch *w = mon->xs_watches;
        mon->xs_watches = w->next;
        free_watch(w);
    }
}

static int xs_cmd_watch(struct monitor *mon, int argc, char **argv)
{
    if (argc == 2) {
        unsigned n = 0;
        for (struct mon_xs_watch *w = mon->xs_watches; w; w = w->next, n++)
            fprintf(mon->out, "monitor watch %s: %zu nodes, fired %" PRIu64 " time%s\n",
                    w->path, w->count, w->fired, w->fired == 1 ? "" : "s");
        if (!n)
            fputs("no monitor watches\n", mon->out);
        struct hv *hv = mon_hv(mon);
        struct xs_store *s = hv_system_xenstore(mon->hv);
        for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
            const struct domain *d = hv->domains[i];
            struct xs_conn *c = d ? xs_domain_conn(s, d->domid) : NULL;
            if (!c)
                continue;
            struct xs_conn_stats st;
            xs_conn_get_stats(c, &st);
            fprintf(mon->out, "domain %u (%s): %u watch%s, %u transaction%s open, %" PRIu64
                    " requests, %" PRIu64 " errors, %" PRIu64 " watch events (%" PRIu64
                    " dropped)\n", d->domid, d->name, st.watches, st.watches == 1 ? "" : "es",
                    st.transactions, st.transactions == 1 ? "" : "s", st.requests, st.errors,
                    st.events, st.events_dropped);
        }
        return 0;
    }
    if (argc != 3)
        return mon_error(mon, "usage: xenstore watch [PATH]");
    if (argv[2][0] != '/')
        return mon_error(mon, "xenstore watch: '%s' is not an absolute path", argv[2]);
    unsigned n = 0;
    for (struct mon_xs_watch *w = mon->xs_watches; w; w = w->next, n++)
        if (strcmp(w->path, argv[2]) == 0)
            return mon_error(mon, "xenstore watch: already watching %s", argv[2]);
    if (n >= MON_MAX_XS_WATCHES)
        return mon_error(mon, "xenstore watch: at most %d watches", MON_MAX_XS_WATCHES);
    struct mon_xs_watch *w = calloc(1, sizeof(*w));
    if (!w || !(w->path = strdup(argv[2])) || snapshot(mon, w->path, &w->nodes, &w->count) < 0) {
        if (w)
            free(w->path);
        free(w);
        return mon_error(mon, "out of memory");
    }
    w->next = mon->xs_watches;
    mon->xs_watches = w;
    fprintf(mon->out, "watching %s (%zu node%s now); changes are shown when the monitor "
            "gets control back\n", w->path, w->count, w->count == 1 ? "" : "s");
    return 0;
}

static int xs_cmd_unwatch(struct monitor *mon, int argc, char **argv)
{
    if (argc != 3)
        return mon_error(mon, "usage: xenstore unwatch PATH");
    for (struct mon_xs_watch **pw = &mon->xs_watches; *pw; pw = &(*pw)->next) {
        if (strcmp((*pw)->path, argv[2]) == 0) {
            struct mon_xs_watch *w = *pw;
            *pw = w->next;
            free_watch(w);
            fprintf(mon->out, "no longer watching %s\n", argv[2]);
            return 0;
        }
    }
    return mon_error(mon, "xenstore unwatch: no monitor watch on %s", argv[2]);
}

int cmd_xenstore(struct monitor *mon, int argc, char **argv)
{
    if (!need_hv(mon))
        return -1;
    struct xs_store *s = hv_system_xenstore(mon->hv);
    if (argc < 2)
        return mon_error(mon, "usage: xenstore ls [PATH] | read PATH | write PATH VALUE | "
                         "watch [PATH] | unwatch PATH");
    const char *op = argv[1];
    if (strcmp(op, "ls") == 0) {
        if (argc > 3)
            return mon_error(mon, "usage: xenstore ls [PATH]");
        const char *path = argc > 2 ? argv[2] : "/";
        struct ls_ctx ls = { mon->out, 0 };
        int rc = xs_visit(s, path, ls_visit, &ls);
        if (rc < 0)
            return mon_error(mon, "xenstore ls %s: %s", path, xs_errno_name(rc));
        return 0;
    }
    if (strcmp(op, "read") == 0) {
        if (argc != 3)
            return mon_error(mon, "usage: xenstore read PATH");
        char *value;
        size_t len;
        int rc = xs_read(s, argv[2], &value, &len);
        if (rc < 0)
            return mon_error(mon, "xenstore read %s: %s", argv[2], xs_errno_name(rc));
        fprintf(mon->out, "%s = ", argv[2]);
        print_value(mon->out, (const uint8_t *)value, len, 4096);
        fputc('\n', mon->out);
        free(value);
        return 0;
    }
    if (strcmp(op, "write") == 0) {
        if (argc < 4)
            return mon_error(mon, "usage: xenstore write PATH VALUE");
        char value[512];
        mon_join(value, sizeof(value), argc, argv, 3);
        int rc = xs_write(s, argv[2], value, strlen(value));
        if (rc < 0)
            return mon_error(mon, "xenstore write %s: %s", argv[2], xs_errno_name(rc));
        fprintf(mon->out, "%s = ", argv[2]);
        print_value(mon->out, (const uint8_t *)value, strlen(value), 512);
        fputs(" (written as dom0; watches fire when the guests next run)\n", mon->out);
        return 0;
    }
    if (strcmp(op, "watch") == 0)
        return xs_cmd_watch(mon, argc, argv);
    if (strcmp(op, "unwatch") == 0)
        return xs_cmd_unwatch(mon, argc, argv);
    return mon_error(mon, "xenstore: unknown operation '%s' (ls, read, write, watch, unwatch)",
                     op);
}

/* ---- rings ---- */

static void print_console_ring(struct monitor *mon, struct domain *d)
{
    const struct hv_console *con = d->console;
    if (!con || !con->ring_attached) {
        fprintf(mon->out, "console: no PV console ring%s\n",
                d->privileged ? " (Dom0 writes with console_io and owns the board UART)" : "");
        return;
    }
    struct xencons_interface ring;
    if (!read_guest(d, con->ring_gpa, &ring, sizeof(ring))) {
        fprintf(mon->out, "console: ring page at IPA 0x%08" PRIx64 " is not readable\n",
                con->ring_gpa);
        return;
    }
    fprintf(mon->out, "console ring at IPA 0x%08" PRIx64 ", event channel %u; %" PRIu64
            " bytes out, %" PRIu64 " in, %" PRIu64 " ring errors\n", con->ring_gpa, con->port,
            con->out_bytes, con->in_bytes, con->ring_errors);
    fprintf(mon->out, "  out (guest -> hv, %u bytes): out_prod=%u out_cons=%u pending=%u\n",
            XENCONS_OUT_SIZE, ring.out_prod, ring.out_cons, ring.out_prod - ring.out_cons);
    fprintf(mon->out, "  in  (hv -> guest, %u bytes): in_prod=%u in_cons=%u pending=%u\n",
            XENCONS_IN_SIZE, ring.in_prod, ring.in_cons, ring.in_prod - ring.in_cons);
}

static void print_store_ring(struct monitor *mon, struct domain *d)
{
    uint64_t pfn = d->hvm_params[XEN_HVM_PARAM_STORE_PFN];
    struct xenstore_domain_interface ring;
    if (!pfn || !read_guest(d, pfn << XEN_PAGE_SHIFT, &ring, sizeof(ring))) {
        fputs("xenstore: no ring\n", mon->out);
        return;
    }
    fprintf(mon->out, "xenstore ring at IPA 0x%08" PRIx64 ", event channel %" PRIu64
            "; connection %s, error %u\n", pfn << XEN_PAGE_SHIFT,
            d->hvm_params[XEN_HVM_PARAM_STORE_EVTCHN],
            ring.connection == XENSTORE_CONNECTED ? "connected" : "reconnecting", ring.error);
    fprintf(mon->out, "  req (guest -> xenstore): req_prod=%u req_cons=%u pending=%u\n",
            ring.req_prod, ring.req_cons, ring.req_prod - ring.req_cons);
    fprintf(mon->out, "  rsp (xenstore -> guest): rsp_prod=%u rsp_cons=%u pending=%u\n",
            ring.rsp_prod, ring.rsp_cons, ring.rsp_prod - ring.rsp_cons);
}

struct ring_ctx {
    struct monitor *mon;
    struct domain *d;
    unsigned found;
};

/* The header of Xen's io/ring.h shared ring: four free-running indexes. */
struct sring_header {
    uint32_t req_prod, req_event, rsp_prod, rsp_event;
};

static int ring_visit(void *opaque, const char *path, unsigned depth, const uint8_t *value,
                      size_t len, const struct xs_perm *perms, unsigned nperms)
{
    (void)depth;
    (void)perms;
    (void)nperms;
    struct ring_ctx *rc = opaque;
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    size_t n = strlen(name);
    if (n < 8 || strcmp(name + n - 8, "ring-ref") != 0)
        return 0;
    rc->found++;
    FILE *out = rc->mon->out;
    char text[16];
    snprintf(text, sizeof(text), "%.*s", (int)(len < 15 ? len : 15), (const char *)value);
    char *end;
    unsigned long ref = strtoul(text, &end, 10);
    fprintf(out, "%s = \"%s\"", path, text);
    struct domain *d = rc->d;
    struct xen_grant_entry_v1 e;
    if (end == text || *end || ref >= hv_gnttab_nr_entries(d->gnttab) ||
        !read_guest(d, d->gnttab->base + ref * sizeof(e), &e, sizeof(e))) {
        fputs(": not a grant ref of this domain\n", out);
        return 0;
    }
    struct sring_header h;
    uint64_t gpa = (uint64_t)e.frame << XEN_PAGE_SHIFT;
    if ((e.flags & XEN_GTF_type_mask) != XEN_GTF_permit_access ||
        !read_guest(d, gpa, &h, sizeof(h))) {
        fprintf(out, ": grant %lu is not a readable granted frame\n", ref);
        return 0;
    }
    fprintf(out, ": frame 0x%x granted to dom%u\n  req_prod=%u rsp_prod=%u req_event=%u "
            "rsp_event=%u (requests not yet answered: %u)\n", e.frame, e.domid, h.req_prod,
            h.rsp_prod, h.req_event, h.rsp_event, h.req_prod - h.rsp_prod);
    return 0;
}

int cmd_rings(struct monitor *mon, int argc, char **argv)
{
    struct domain *d = inspector_domain(mon, argc, argv, "rings [DOM]");
    if (!d)
        return -1;
    fprintf(mon->out, "rings of domain %u (%s)\n", d->domid, d->name);
    print_console_ring(mon, d);
    print_store_ring(mon, d);
    char path[64];
    snprintf(path, sizeof(path), "/local/domain/%u/device", d->domid);
    struct ring_ctx rc = { mon, d, 0 };
    xs_visit(hv_system_xenstore(mon->hv), path, ring_visit, &rc);
    if (!rc.found)
        fprintf(mon->out, "split drivers: no ring-ref keys under %s\n", path);
    return 0;
}

/* ---- walk: the stage-2 step ---- */

bool mon_hv_walk_stage2(struct monitor *mon, uint64_t ipa)
{
    if (!mon->hv)
        return false;
    struct domain *d = selected_domain(mon, NULL);
    if (!d)
        return false;
    FILE *out = mon->out;
    const struct mem_region *r = aspace_find(d->as, ipa);
    if (!r) {
        fprintf(out, "stage 2: dom%u IPA 0x%08" PRIx64 " is not mapped in the domain's "
                "guest-physical space (reads 0, writes ignored)\n", d->domid, ipa);
        return true;
    }
    if (r->kind == REGION_MMIO) {
        fprintf(out, "stage 2: dom%u IPA 0x%08" PRIx64 " is device '%s' (%s)\n", d->domid, ipa,
                r->name, aspace_find(&mon->machine->as, ipa) == NULL ||
                                 aspace_find(&mon->machine->as, ipa)->opaque != r->opaque
                             ? "emulated by the hypervisor"
                             : "the board's device, passed through");
        return true;
    }
    /* RAM or ROM: find the board RAM the window shows (mmu/aspace.h aliases). */
    uint64_t offset = (uint64_t)(r->host - (r->backing ? r->backing->host : r->host)) +
                      (ipa - r->base);
    const struct aspace_backing *b = r->backing;
    for (unsigned i = 0; b && i < b->window_count; i++) {
        const struct aspace_window *w = &b->window[i];
        if (w->as != &mon->machine->as || offset < w->offset || offset >= w->offset + w->size)
            continue;
        uint64_t ma = w->base + (offset - w->offset);
        bool own = ipa >= d->ram_base && ipa < d->ram_base + d->ram_size;
        fprintf(out, "stage 2: dom%u IPA 0x%08" PRIx64 " -> machine PA 0x%08" PRIx64 " (%s '%s'; "
                "%s)\n", d->domid, ipa, ma, r->kind == REGION_ROM ? "read-only" : "RAM", r->name,
                own ? "the domain's RAM partition" : "another domain's page mapped by a grant");
        if (own)
            fprintf(out, "  dom%u RAM: IPA 0x%08" PRIx64 "+0x%" PRIx64 " = machine 0x%08" PRIx64
                    "+0x%" PRIx64 "\n", d->domid, d->ram_base, d->ram_size,
                    ma - (ipa - d->ram_base), d->ram_size);
        return true;
    }
    fprintf(out, "stage 2: dom%u IPA 0x%08" PRIx64 " is hypervisor-owned %s '%s' (not board "
            "RAM)\n", d->domid, ipa, r->kind == REGION_ROM ? "ROM" : "memory", r->name);
    return true;
}

/* ---- irq: the domain's virtual interrupt controller ---- */

bool mon_hv_irq(struct monitor *mon)
{
    if (!mon->hv)
        return false;
    struct domain *d = selected_domain(mon, NULL);
    if (!d)
        return false;
    FILE *out = mon->out;
    for (unsigned v = 0; v < HV_MAX_VCPUS; v++) {
        const struct arm_cpu *cpu = d->vcpu[v].cpu;
        if (!cpu)
            continue;
        uint32_t cpsr = cpu_get_cpsr(cpu);
        fprintf(out, "dom%u vcpu%u: IRQ input %u (%s), FIQ input %u (%s)%s\n", d->domid, v,
                cpu->irq_line, (cpsr & PSR_I) ? "masked by CPSR.I" : "unmasked", cpu->fiq_line,
                (cpsr & PSR_F) ? "masked by CPSR.F" : "unmasked",
                cpu->halted ? "; waiting for interrupt" : "");
    }
    /* The vGIC's distributor is the MMIO region at GICD in the domain's
     * space; its device is the first member of struct gic (gic.h). */
    const struct mem_region *r = aspace_find(d->as, XEN_GUEST_GICD_BASE);
    struct device *dev = r && r->kind == REGION_MMIO ? r->opaque : NULL;
    if (dev && strcmp(dev->type, "gic-dist") == 0) {
        fprintf(out, "dom%u virtual GIC (%s; event upcall PPI %u, virtual timer PPI %u):\n",
                d->domid, dev->name, XEN_GUEST_EVTCHN_PPI, XEN_GUEST_VTIMER_PPI);
        gic_dump_lines((struct gic *)((char *)dev - offsetof(struct gic, dist)), out);
    }
    fputs("board interrupt controllers:\n", out);
    return true;
}

/* ---- stats ---- */

void mon_hv_stats(struct monitor *mon)
{
    if (!mon->hv)
        return;
    struct hv *hv = mon_hv(mon);
    FILE *out = mon->out;
    struct hv_sched *s = hv_system_sched(mon->hv);
    if (s)
        fprintf(out, "scheduler: %u vCPUs, slice %" PRIu64 " instructions, %" PRIu64
                " world switches, %" PRIu64 " idle time skips\n", s->count, s->slice_insns,
                s->switches, s->idle_skips);
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        const struct domain *d = hv->domains[i];
        if (!d)
            continue;
        const struct hv_domain_stats *st = &d->stats;
        fprintf(out, "domain %u (%s): %" PRIu64 " instructions, %" PRIu64 " hypercalls, %"
                PRIu64 " traps, %" PRIu64 " PSCI calls, %" PRIu64 " world switches\n", d->domid,
                d->name, st->instructions, total_hypercalls(d), st->traps, st->psci_calls,
                st->world_switches);
        /* The most frequent hypercalls, by name. */
        bool used[XEN_NR_HYPERCALLS] = { false };
        fputs("  hypercalls:", out);
        unsigned listed = 0;
        for (unsigned k = 0; k < 6; k++) {
            int best = -1;
            for (unsigned n = 0; n < XEN_NR_HYPERCALLS; n++)
                if (!used[n] && st->hypercalls[n] &&
                    (best < 0 || st->hypercalls[n] > st->hypercalls[best]))
                    best = (int)n;
            if (best < 0)
                break;
            used[best] = true;
            const char *name = hv_hypercall_name((uint32_t)best);
            char num[16];
            snprintf(num, sizeof(num), "#%d", best);
            fprintf(out, " %s=%" PRIu64, name ? name : num, st->hypercalls[best]);
            listed++;
        }
        fprintf(out, "%s\n", listed ? "" : " none");
        fprintf(out, "  events: %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64
                " dropped; grants: %" PRIu64 " maps, %" PRIu64 " unmaps, %" PRIu64
                " copies; console: %" PRIu64 " bytes out, %" PRIu64 " in\n", st->events_sent,
                st->events_received, st->events_dropped, d->gnttab ? d->gnttab->maps : 0,
                d->gnttab ? d->gnttab->unmaps : 0, d->gnttab ? d->gnttab->copies : 0,
                d->console ? d->console->total : 0, d->console ? d->console->in_bytes : 0);
        for (unsigned v = 0; v < HV_MAX_VCPUS; v++) {
            const struct arm_cpu *cpu = d->vcpu[v].cpu;
            if (!cpu)
                continue;
            const struct mmu_context *ctx = cpu->mem_opaque;
            fprintf(out, "  vcpu%u: %" PRIu64 " instructions, %" PRIu64 " upcalls; exceptions: "
                    "und=%" PRIu64 " svc=%" PRIu64 " pabt=%" PRIu64 " dabt=%" PRIu64 " irq=%"
                    PRIu64 "; mmu: %" PRIu64 " TLB fills, %" PRIu64 " walks, %" PRIu64
                    " faults\n", v, cpu->icount, d->vcpu[v].upcalls,
                    cpu->exceptions_taken[EXC_UNDEFINED], cpu->exceptions_taken[EXC_SVC],
                    cpu->exceptions_taken[EXC_PREFETCH_ABORT],
                    cpu->exceptions_taken[EXC_DATA_ABORT], cpu->exceptions_taken[EXC_IRQ],
                    ctx ? ctx->tlb_fills : 0, ctx ? ctx->walks : 0, ctx ? ctx->faults : 0);
        }
        if (d->as)
            fprintf(out, "  decode cache: %" PRIu64 " blocks, %" PRIu64 " decodes, %" PRIu64
                    " page invalidations by stores\n", d->as->dcache.blocks,
                    d->as->dcache.decodes, d->as->dcache.invalidations);
    }
}
