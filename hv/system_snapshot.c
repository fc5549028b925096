/*
 * savevm/loadvm of a partitioned machine: the state of the hypervisor, in
 * the machine snapshot's last section, "hv" (devices/machine_snapshot.h
 * saves the board itself: its CPU, devices, clock and RAM, and with the
 * RAM every domain's memory, which is a window onto the board's).
 *
 * What this section adds, in order:
 *   system     which domain each [domain] section runs as, the DomU
 *              bookkeeping, Dom0's console input, the next domain id
 *   domains    the set of domains (id, name, partition): a load needs the
 *              same set, which a machine built from the same board.cfg has
 *              (a domain made by the toolstack's `create` is not rebuilt
 *              from a snapshot: the load names it as missing)
 *   each domain  its state and counters, vCPU bookkeeping (vcpu_info,
 *              VIRQs), shared_info when the hypervisor holds it, HVM
 *              params, event channels, grant table (pins, maptrack, and
 *              the table's frames), PV console, then its virtual platform:
 *              the vCPUs (cpu/cpu_snapshot.h), vGIC and generic timer (their
 *              device snapshot hooks, events included) and the magic pages
 *   scheduler  the vCPU list, which one runs and what is left of its slice
 *   xenstore   the tree, watches, queued replies and partial requests
 *
 * Host pointers are never saved: a grant mapping is saved as its maptrack
 * entry and installed again (an alias region in the mapper's address
 * space) after the load; a service event channel (console, xenstore) must
 * be a service port in the loading machine too, which keeps its handler.
 *
 * The validation pass reads every field into scratch copies; only the
 * applying pass changes the machine, and it first removes the grant
 * mappings in place, then installs those of the snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/snapshot.h"
#include "cpu/cpu_snapshot.h"
#include "cpu/decode.h"
#include "hv/console.h"
#include "hv/evtchn.h"
#include "hv/grant_table.h"
#include "hv/guest_mem.h"
#include "hv/system_internal.h"

/* ---- helpers ---- */

/* Bytes behind a host pointer: written to the object only when applying. */
static void snap_buffer(struct snapshot_io *io, uint8_t *p, size_t len)
{
    if (snapshot_saving(io)) {
        snapshot_put_bytes(io->w, p, len);
        return;
    }
    const uint8_t *data = snapshot_get_span(io->r, len);
    if (data && snapshot_applying(io->r))
        memcpy(p, data, len);
}

static bool applying(const struct snapshot_io *io)
{
    return !snapshot_saving(io) && snapshot_applying(io->r);
}

/* The live domains in slot order. */
static unsigned live_domains(struct hv_system *sys, struct domain **out)
{
    unsigned n = 0;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++)
        if (sys->hv.domains[i])
            out[n++] = sys->hv.domains[i];
    return n;
}

int hv_system_snapshot_check(void *opaque, char *err, size_t err_len)
{
    struct hv_system *sys = opaque;
    for (unsigned i = 0; i < HV_MAX_DOMAINS; i++) {
        struct domain *d = sys->hv.domains[i];
        if (d && (d->state == HV_DOMAIN_DYING || !d->glue)) {
            snprintf(err, err_len, "domain %u (%s) is being destroyed; run on until it is "
                     "gone and save again", d->domid, d->name);
            return -1;
        }
    }
    return xs_store_check_save(sys->xs, err, err_len);
}

/* ---- the system and the set of domains ---- */

static void system_fields(struct snapshot_io *io, struct hv_system *sys)
{
    uint32_t specs = sys->cfg.nr_domains;
    snap_u32(io, &specs);
    if (!snapshot_saving(io) && !snap_failed(io) && specs != sys->cfg.nr_domains) {
        snap_fail(io, "the snapshot has %u [domain] sections; this machine has %u", specs,
                  sys->cfg.nr_domains);
        return;
    }
    for (unsigned i = 0; i < specs && !snap_failed(io); i++) {
        int32_t running = sys->running[i];
        snap_i32(io, &running);
        if (!snapshot_saving(io) && !snap_failed(io) && running != sys->running[i])
            snap_fail(io, "[domain %s] runs as %s%d in the snapshot, as %s%d here "
                      "(domains made by the toolstack are not rebuilt by loadvm)",
                      sys->cfg.domain[i].name, running < 0 ? "(not running) " : "domain ",
                      running, sys->running[i] < 0 ? "(not running) " : "domain ",
                      sys->running[i]);
    }
    uint32_t domus = sys->domus_started, next = sys->hv.next_domid;
    uint32_t head = sys->dom0_in_head, tail = sys->dom0_in_tail;
    bool crashed = sys->domu_crashed;
    snap_u32(io, &domus);
    snap_bool(io, "DomU crashed", &crashed);
    snap_u32_max(io, "next domain id", &next, XEN_DOMID_FIRST_RESERVED);
    snap_u32_max(io, "Dom0 input head", &head, DOM0_INPUT_SIZE - 1);
    snap_u32_max(io, "Dom0 input tail", &tail, DOM0_INPUT_SIZE - 1);
    snap_buffer(io, sys->dom0_input, DOM0_INPUT_SIZE);
    if (applying(io)) {
        sys->domus_started = domus;
        sys->domu_crashed = crashed;
        sys->hv.next_domid = next;
        sys->dom0_in_head = head;
        sys->dom0_in_tail = tail;
    }
}

static void domain_set(struct snapshot_io *io, struct domain **doms, unsigned count)
{
    uint32_t n = count;
    snap_u32(io, &n);
    if (!snapshot_saving(io) && !snap_failed(io) && n != count) {
        snap_fail(io, "the snapshot has %u domains; this machine has %u", n, count);
        return;
    }
    for (unsigned i = 0; i < count && !snap_failed(io); i++) {
        struct domain *d = doms[i];
        if (snapshot_saving(io)) {
            snapshot_put_u16(io->w, d->domid);
            snapshot_put_string(io->w, d->name);
            snapshot_put_u64(io->w, d->ram_base);
            snapshot_put_u64(io->w, d->ram_size);
            snapshot_put_u32(io->w, d->nr_vcpus);
            continue;
        }
        char name[HV_DOMAIN_NAME_MAX];
        uint16_t domid = snapshot_get_u16(io->r);
        snapshot_get_string(io->r, name, sizeof(name));
        uint64_t base = snapshot_get_u64(io->r), size = snapshot_get_u64(io->r);
        uint32_t vcpus = snapshot_get_u32(io->r);
        if (!snap_failed(io) && (domid != d->domid || strcmp(name, d->name) != 0 ||
                                 base != d->ram_base || size != d->ram_size ||
                                 vcpus != d->nr_vcpus))
            snap_fail(io, "domain %u is %u (%s, %lluM, %u vCPUs) in the snapshot, %u (%s, "
                      "%lluM, %u vCPUs) here", i, domid, name,
                      (unsigned long long)(size >> 20), vcpus, d->domid, d->name,
                      (unsigned long long)(d->ram_size >> 20), d->nr_vcpus);
    }
}

/* ---- one domain ---- */

static void domain_fields(struct snapshot_io *io, struct domain *d)
{
    struct domain *s = snapshot_stage(io, d, sizeof(*d));
    if (!s)
        return;
    uint32_t state = s->state, pauses = s->pause_count;
    snap_u32_max(io, "domain state", &state, HV_DOMAIN_SHUTDOWN);
    snap_u32(io, &pauses);
    s->state = (enum hv_domain_state)state;
    s->pause_count = pauses;
    snap_u32(io, &s->shutdown_reason);
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        struct hv_vcpu *v = &s->vcpu[i];
        snap_bool(io, "vCPU online", &v->online);
        snap_bool(io, "vCPU blocked", &v->blocked);
        snap_bool(io, "vcpu_info registered", &v->vcpu_info_registered);
        snap_u64(io, &v->vcpu_info_gpa);
        snap_bytes(io, v->vcpu_info_hv, sizeof(v->vcpu_info_hv));
        snap_u32_array(io, v->virq_to_port, XEN_NR_VIRQS);
        snap_u64(io, &v->upcalls);
        snap_bool(io, "runstate registered", &v->runstate_registered);
        snap_u32(io, &v->runstate_va);
        if (!snapshot_saving(io) && !snap_failed(io) && v->vcpu_info_registered &&
            !hv_gpa_is_ram(d, v->vcpu_info_gpa, sizeof(struct xen_vcpu_info)))
            snap_fail(io, "vCPU %u's vcpu_info at 0x%llx is not RAM of domain %u", i,
                      (unsigned long long)v->vcpu_info_gpa, d->domid);
    }
    snap_bool(io, "shared_info mapped", &s->shared_info_mapped);
    snap_u64(io, &s->shared_info_gpa);
    if (!snapshot_saving(io) && !snap_failed(io) && s->shared_info_mapped &&
        !hv_gpa_is_ram(d, s->shared_info_gpa, XEN_PAGE_SIZE))
        snap_fail(io, "shared_info at 0x%llx is not RAM of domain %u",
                  (unsigned long long)s->shared_info_gpa, d->domid);
    snap_buffer(io, d->shared_info_hv, XEN_PAGE_SIZE);
    snap_u64_array(io, s->hvm_params, XEN_HVM_NR_PARAMS);
    snap_u32(io, &s->vm_assist);
    struct hv_domain_stats *st = &s->stats;
    snap_u64_array(io, st->hypercalls, XEN_NR_HYPERCALLS);
    uint64_t *counters[] = { &st->hypercalls_other, &st->events_sent, &st->events_received,
                             &st->events_dropped, &st->traps, &st->psci_calls,
                             &st->world_switches, &st->instructions };
    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        snap_u64(io, counters[i]);
    snapshot_unstage(io, d, s);
}

static void evtchn_fields(struct snapshot_io *io, struct domain *d)
{
    struct hv_evtchn_table *t = snapshot_stage(io, d->evtchn, sizeof(*d->evtchn));
    if (!t)
        return;
    unsigned used = 0;
    for (unsigned p = 0; p < XEN_EVTCHN_2L_NR_CHANNELS && !snap_failed(io); p++) {
        struct hv_evtchn *c = &t->port[p];
        bool live_service = d->evtchn->port[p].state == HV_EVTCHN_SERVICE;
        snap_u8_max(io, "event channel state", &c->state, HV_EVTCHN_SERVICE);
        snap_u8_max(io, "event channel vCPU", &c->notify_vcpu,
                    (uint8_t)(d->nr_vcpus ? d->nr_vcpus - 1 : 0));
        snap_u16(io, &c->remote_dom);
        snap_u32(io, &c->remote_port);
        snap_u64(io, &c->sent);
        snap_u64(io, &c->delivered);
        if (snapshot_saving(io) || snap_failed(io))
            continue;
        if ((p == 0) != (c->state == HV_EVTCHN_RESERVED))
            snap_fail(io, "domain %u: event channel %u in state %u", d->domid, p, c->state);
        else if (c->state == HV_EVTCHN_INTERDOMAIN &&
                 c->remote_port >= XEN_EVTCHN_2L_NR_CHANNELS)
            snap_fail(io, "domain %u: event channel %u connected to port %u", d->domid, p,
                      c->remote_port);
        else if (c->state == HV_EVTCHN_VIRQ && c->remote_port >= XEN_NR_VIRQS)
            snap_fail(io, "domain %u: event channel %u bound to VIRQ %u", d->domid, p,
                      c->remote_port);
        else if (c->state == HV_EVTCHN_SERVICE && !live_service)
            snap_fail(io, "domain %u: event channel %u is a hypervisor service's in the "
                      "snapshot but not here", d->domid, p);
        if (c->state != HV_EVTCHN_SERVICE) {
            c->notify = NULL;
            c->opaque = NULL;
        }
        used += c->state != HV_EVTCHN_FREE;
    }
    if (!snapshot_saving(io))
        t->used = used;
    snapshot_unstage(io, d->evtchn, t);
}

/* A maptrack entry's mapping, as the glue installs it. */
static bool maptrack_mapping(struct domain *mapper, unsigned handle,
                             struct hv_gnttab_mapping *out)
{
    const struct hv_gnttab_maptrack *mt = &mapper->gnttab->maptrack[handle];
    if (!(mt->flags & HV_MAPTRACK_IN_USE))
        return false;
    struct domain *granter = hv_domain_find_any(mapper->hv, mt->granter);
    const struct hv_gnttab_active *act = granter ? hv_gnttab_active_entry(granter, mt->ref)
                                                 : NULL;
    if (!act)
        return false;
    uint64_t gpa = (uint64_t)act->frame << XEN_PAGE_SHIFT;
    *out = (struct hv_gnttab_mapping){
        .granter = mt->granter, .ref = mt->ref, .handle = handle, .host_addr = mt->host_addr,
        .frame_gpa = gpa, .host = hv_gpa_ptr(granter, gpa, XEN_PAGE_SIZE),
        .readonly = (mt->flags & HV_MAPTRACK_READONLY) != 0,
    };
    return out->host != NULL;
}

static void gnttab_fields(struct snapshot_io *io, struct domain *d)
{
    struct hv_gnttab *gt = d->gnttab;
    uint32_t max_frames = gt ? gt->max_frames : 0;
    snap_u32(io, &max_frames);
    if (!snapshot_saving(io) && !snap_failed(io) && max_frames != (gt ? gt->max_frames : 0)) {
        snap_fail(io, "domain %u: a grant table of %u frames in the snapshot, %u here",
                  d->domid, max_frames, gt ? gt->max_frames : 0);
        return;
    }
    if (!gt)
        return;
    struct hv_gnttab *s = snapshot_stage(io, gt, sizeof(*gt));
    if (!s)
        return;
    uint32_t nr_frames = s->nr_frames;
    snap_u32_max(io, "grant frames in use", &nr_frames, s->max_frames);
    s->nr_frames = nr_frames;
    snap_u64(io, &s->foreign_pins);
    snap_u64(io, &s->maps);
    snap_u64(io, &s->unmaps);
    snap_u64(io, &s->copies);
    snap_u64(io, &s->errors);
    size_t entries = (size_t)gt->max_frames * XEN_GRANT_ENTRIES_PER_FRAME;
    for (size_t i = 0; i < entries && !snap_failed(io); i++) {
        struct hv_gnttab_active a = gt->active[i];
        snap_u16(io, &a.ro_pins);
        snap_u16(io, &a.rw_pins);
        snap_u16(io, &a.domid);
        snap_u32(io, &a.frame);
        if (applying(io))
            gt->active[i] = a;
    }
    uint32_t size = s->maptrack_size, used = s->maptrack_used;
    snap_u32_max(io, "maptrack size", &size, HV_GNTTAB_MAX_MAPS);
    snap_u32_max(io, "maptrack entries in use", &used, size);
    struct hv_gnttab_maptrack *mt = NULL;
    if (!snapshot_saving(io) && !snap_failed(io) && size) {
        mt = calloc(size, sizeof(*mt));
        if (!mt)
            snap_fail(io, "out of memory");
    }
    unsigned in_use = 0;
    for (unsigned i = 0; i < size && !snap_failed(io); i++) {
        struct hv_gnttab_maptrack e = snapshot_saving(io) ? gt->maptrack[i]
                                                          : (struct hv_gnttab_maptrack){ 0 };
        snap_u8_max(io, "maptrack flags", &e.flags, HV_MAPTRACK_IN_USE | HV_MAPTRACK_READONLY);
        snap_u16(io, &e.granter);
        snap_u32(io, &e.ref);
        snap_u64(io, &e.host_addr);
        if (snapshot_saving(io) || snap_failed(io))
            continue;
        if (e.flags & HV_MAPTRACK_IN_USE) {
            in_use++;
            /* Installable: a page of the granter's table, at a page of the
             * mapper's space that is free or holds a grant mapping (every
             * one is removed before the snapshot's are installed). */
            struct domain *granter = hv_domain_by_id(d->hv, e.granter);
            const struct mem_region *there = aspace_find(d->as, e.host_addr);
            if ((e.host_addr & (XEN_PAGE_SIZE - 1)) || (e.host_addr >> 32) || !granter ||
                !hv_gnttab_active_entry(granter, e.ref) ||
                (there && (!there->name || strcmp(there->name, "grant") != 0)))
                snap_fail(io, "domain %u: grant mapping %u of domain %u's ref %u at 0x%llx "
                          "cannot be made", d->domid, i, e.granter, e.ref,
                          (unsigned long long)e.host_addr);
        }
        mt[i] = e;
    }
    if (!snapshot_saving(io) && !snap_failed(io) && in_use != used)
        snap_fail(io, "domain %u: %u maptrack entries in use, %u counted", d->domid, in_use,
                  used);
    if (applying(io)) {
        free(gt->maptrack);
        gt->maptrack = mt;
        mt = NULL;
        s->maptrack = gt->maptrack;
        s->maptrack_size = size;
        s->maptrack_used = used;
    }
    free(mt);
    /* The table's frames: hypervisor-owned RAM in the domain's space. */
    uint8_t *frames = hv_gpa_ptr(d, gt->base, (size_t)gt->max_frames * XEN_PAGE_SIZE);
    if (!frames)
        snap_fail(io, "domain %u: the grant table frames are not RAM", d->domid);
    else
        snap_buffer(io, frames, (size_t)gt->max_frames * XEN_PAGE_SIZE);
    snapshot_unstage(io, gt, s);
}

static void console_fields(struct snapshot_io *io, struct domain *d)
{
    struct hv_console *s = snapshot_stage(io, d->console, sizeof(*d->console));
    if (!s)
        return;
    snap_bytes(io, s->history, HV_CONSOLE_HISTORY);
    snap_u64(io, &s->total);
    snap_bool(io, "console ring attached", &s->ring_attached);
    snap_u64(io, &s->ring_gpa);
    uint32_t port = s->port;
    snap_u32_max(io, "console port", &port, XEN_EVTCHN_2L_NR_CHANNELS - 1);
    s->port = port;
    snap_u64(io, &s->out_bytes);
    snap_u64(io, &s->in_bytes);
    snap_u64(io, &s->ring_errors);
    if (!snapshot_saving(io) && !snap_failed(io) && s->ring_attached &&
        !hv_gpa_is_ram(d, s->ring_gpa, XEN_PAGE_SIZE))
        snap_fail(io, "domain %u: the console ring at 0x%llx is not RAM", d->domid,
                  (unsigned long long)s->ring_gpa);
    snapshot_unstage(io, d->console, s);
}

static void vplatform_fields(struct snapshot_io *io, struct domain *d)
{
    struct hv_domain_glue *g = d->glue;
    struct hv_vplatform *vp = g->vp;
    for (unsigned i = 0; i < vp->nr_vcpus && !snap_failed(io); i++)
        cpu_snapshot(vp->cpu[i], io);
    if (!snap_failed(io))
        vp->vgic->dist.snapshot(&vp->vgic->dist, io);
    if (!snap_failed(io))
        vp->vgic->cpu.snapshot(&vp->vgic->cpu, io);
    if (!snap_failed(io))
        vp->gtimer->dev.snapshot(&vp->gtimer->dev, io);
    if (vp->console_page)
        snap_buffer(io, vp->console_page, XEN_PAGE_SIZE);
    if (vp->xenstore_page)
        snap_buffer(io, vp->xenstore_page, XEN_PAGE_SIZE);

    struct hv_domain_glue *s = snapshot_stage(io, g, sizeof(*g));
    if (!s)
        return;
    int32_t store_port = s->store_port;
    snap_i32(io, &store_port);
    if (!snapshot_saving(io) && !snap_failed(io) && store_port != g->store_port)
        snap_fail(io, "domain %u: xenstore on event channel %d in the snapshot, %d here",
                  d->domid, store_port, g->store_port);
    snap_bool(io, "xenstore output pending", &s->xs_pending);
    snap_bool(io, "shutdown pending", &s->shutdown_pending);
    snapshot_unstage(io, g, s);
}

/* ---- scheduler ---- */

static void sched_fields(struct snapshot_io *io, struct hv_system *sys)
{
    struct hv_sched *sc = &sys->sched;
    uint32_t count = sc->count;
    snap_u32(io, &count);
    if (!snapshot_saving(io) && !snap_failed(io) && count != sc->count) {
        snap_fail(io, "the snapshot schedules %u vCPUs; this machine %u", count, sc->count);
        return;
    }
    struct hv_sched *s = snapshot_stage(io, sc, sizeof(*sc));
    if (!s)
        return;
    for (unsigned i = 0; i < count && !snap_failed(io); i++) {
        struct hv_sched_vcpu *v = &s->vcpu[i];
        uint16_t domid = v->d->domid;
        uint32_t vcpu = v->vcpu;
        snap_u16(io, &domid);
        snap_u32(io, &vcpu);
        if (!snapshot_saving(io) && !snap_failed(io) &&
            (domid != v->d->domid || vcpu != v->vcpu))
            snap_fail(io, "scheduler slot %u is d%uv%u in the snapshot, d%uv%u here", i,
                      domid, vcpu, v->d->domid, v->vcpu);
        snap_bool(io, "vCPU started", &v->online);
    }
    int32_t current = s->current;
    snap_i32(io, &current);
    if (!snapshot_saving(io) && !snap_failed(io) && (current < -1 || current >= (int)count))
        snap_fail(io, "scheduler: vCPU %d runs, of %u", current, count);
    s->current = current;
    snap_u64(io, &s->slice_left);
    snap_bool(io, "preempt", &s->preempt);
    snap_u64(io, &s->switches);
    snap_u64(io, &s->idle_skips);
    if (applying(io)) {
        /* The clock section restored the time base; it counts the
         * instructions of the vCPU that runs from here on. */
        struct machine *m = sys->m;
        struct arm_cpu *cpu = current >= 0 ? sc->vcpu[current].cpu : &m->cpu[0];
        m->current_cpu = cpu;
        m->clock.icount = &cpu->icount;
        m->clock.run_end = &cpu->run_end;
        /* Copy the board's watch list to every vCPU again. */
        sc->watch_gen++;
    }
    snapshot_unstage(io, sc, s);
}

/* ---- grant mappings in the address spaces ---- */

static void remove_mappings(struct domain **doms, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct domain *d = doms[i];
        for (unsigned h = 0; d->gnttab && h < d->gnttab->maptrack_size; h++) {
            struct hv_gnttab_mapping m;
            if (maptrack_mapping(d, h, &m) && d->hv->grant_map_remove)
                d->hv->grant_map_remove(d, &m);
        }
    }
}

static void install_mappings(struct domain **doms, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct domain *d = doms[i];
        for (unsigned h = 0; d->gnttab && h < d->gnttab->maptrack_size; h++) {
            struct hv_gnttab_mapping m;
            if (maptrack_mapping(d, h, &m) && d->hv->grant_map_install)
                d->hv->grant_map_install(d, &m);
        }
    }
}

static void flush_domain_caches(struct domain **doms, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        struct hv_vplatform *vp = ((struct hv_domain_glue *)doms[i]->glue)->vp;
        for (unsigned c = 0; c < vp->nr_vcpus; c++) {
            struct arm_cpu *cpu = vp->cpu[c];
            cpu->tlb_used_overflow = true;
            cpu_tlb_flush(cpu);
            cpu->cur_block = NULL;
            cpu->exit_request = 1;
            if (cpu->dcache && cpu->dcache != &doms[i]->as->dcache)
                decode_cache_invalidate_all(cpu->dcache);
        }
        decode_cache_invalidate_all(&doms[i]->as->dcache);
    }
}

/* ---- the section ---- */

int hv_system_snapshot(void *opaque, struct snapshot_io *io)
{
    struct hv_system *sys = opaque;
    struct domain *doms[HV_MAX_DOMAINS];
    unsigned count = live_domains(sys, doms);

    system_fields(io, sys);
    if (!snap_failed(io))
        domain_set(io, doms, count);
    if (applying(io))
        remove_mappings(doms, count);
    for (unsigned i = 0; i < count && !snap_failed(io); i++) {
        struct domain *d = doms[i];
        domain_fields(io, d);
        if (!snap_failed(io))
            evtchn_fields(io, d);
        if (!snap_failed(io))
            gnttab_fields(io, d);
        if (!snap_failed(io))
            console_fields(io, d);
        if (!snap_failed(io))
            vplatform_fields(io, d);
    }
    if (!snap_failed(io))
        sched_fields(io, sys);
    if (!snap_failed(io))
        xs_store_snapshot(sys->xs, io);
    if (applying(io)) {
        install_mappings(doms, count);
        flush_domain_caches(doms, count);
    }
    return snap_failed(io) ? -1 : 0;
}
