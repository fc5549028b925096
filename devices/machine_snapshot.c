/*
 * A whole machine in a snapshot: the sections, their order, and the
 * validate-then-apply load (see machine_snapshot.h).
 */
#include "devices/machine_snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_snapshot.h"
#include "cpu/decode.h"

#define MACHINE_SECTION_VERSION 2u
#define CLOCK_SECTION_VERSION 1u
#define RAM_SECTION_VERSION 1u
#define DEVICE_SECTION_VERSION 1u
#define HV_SECTION_VERSION 1u
#define SNAP_PAGE 4096u
#define EVENT_NAME_MAX 64

/* What the sections share while one save or one load pass runs. */
struct snapshot_context {
    struct machine *m;
    unsigned event_count;                       /* clock heap slots in the snapshot */
    char slot_name[CLOCK_MAX_EVENTS][EVENT_NAME_MAX];
    uint64_t slot_deadline[CLOCK_MAX_EVENTS];
    bool claimed[CLOCK_MAX_EVENTS];             /* a device's snap_event named the slot */
    struct clock_event *slot_event[CLOCK_MAX_EVENTS];  /* applying: who goes there */
};

/* ---- events ---- */

void snap_event(struct snapshot_io *io, struct clock_event *ev)
{
    struct snapshot_context *ctx = io->context;
    const char *name = ev->name ? ev->name : "";
    if (snapshot_saving(io)) {
        snapshot_put_string(io->w, name);
        snapshot_put_u32(io->w, (uint32_t)ev->heap_index);
        snapshot_put_u64(io->w, ev->deadline_ps);
        if (ev->heap_index >= 0 && (unsigned)ev->heap_index < CLOCK_MAX_EVENTS)
            ctx->claimed[ev->heap_index] = true;
        return;
    }
    char saved[EVENT_NAME_MAX];
    snapshot_get_string(io->r, saved, sizeof(saved));
    int32_t slot = (int32_t)snapshot_get_u32(io->r);
    uint64_t deadline = snapshot_get_u64(io->r);
    if (snap_failed(io))
        return;
    if (strcmp(saved, name) != 0) {
        snap_fail(io, "event '%s' where '%s' was expected", saved, name);
        return;
    }
    if (slot < -1 || slot >= (int32_t)ctx->event_count) {
        snap_fail(io, "event '%s' in clock slot %d of %u", name, slot, ctx->event_count);
        return;
    }
    if (slot >= 0) {
        if (ctx->claimed[slot] || strcmp(ctx->slot_name[slot], name) != 0 ||
            ctx->slot_deadline[slot] != deadline) {
            snap_fail(io, "event '%s' does not match clock slot %d ('%s')", name, slot,
                      ctx->slot_name[slot]);
            return;
        }
        ctx->claimed[slot] = true;
    }
    if (io->r->apply) {
        ev->deadline_ps = deadline;
        ev->heap_index = slot;
        if (slot >= 0)
            ctx->slot_event[slot] = ev;
    }
}

/* ---- machine: board, CPUs, devices ---- */

static int machine_section(struct snapshot_io *io, struct machine *m)
{
    char name[SNAPSHOT_NAME_MAX + 1], type[SNAPSHOT_NAME_MAX + 1];
    if (snapshot_saving(io)) {
        snapshot_put_string(io->w, m->board_name);
        snapshot_put_u32(io->w, m->cpu_count);
        snapshot_put_u32(io->w, m->device_count);
        for (unsigned i = 0; i < m->device_count; i++) {
            snapshot_put_string(io->w, m->device[i]->name);
            snapshot_put_string(io->w, m->device[i]->type);
        }
    } else {
        struct snapshot_reader *r = io->r;
        snapshot_get_string(r, name, sizeof(name));
        if (!r->failed && strcmp(name, m->board_name) != 0)
            return snap_fail(io, "the snapshot is of a %s board; this machine is a %s", name,
                             m->board_name);
        uint32_t cpus = snapshot_get_u32(r);
        if (!r->failed && cpus != m->cpu_count)
            return snap_fail(io, "the snapshot has %u CPUs; this machine has %u", cpus,
                             m->cpu_count);
        uint32_t devices = snapshot_get_u32(r);
        if (!r->failed && devices != m->device_count)
            return snap_fail(io, "the snapshot has %u devices; this machine has %u", devices,
                             m->device_count);
        for (unsigned i = 0; i < m->device_count && !r->failed; i++) {
            snapshot_get_string(r, name, sizeof(name));
            snapshot_get_string(r, type, sizeof(type));
            if (!r->failed && (strcmp(name, m->device[i]->name) != 0 ||
                               strcmp(type, m->device[i]->type) != 0))
                return snap_fail(io, "device %u is %s (%s) in the snapshot, %s (%s) here", i,
                                 name, type, m->device[i]->name, m->device[i]->type);
        }
    }
    struct machine *s = snapshot_stage(io, m, sizeof(*m));
    if (!s)
        return -1;
    /*
     * Which CPU runs and where the round-robin stands (machine.c): a
     * loaded SMP machine must give the next quantum to the same CPU, for
     * the same number of instructions, as the machine that was saved.
     */
    uint32_t current = machine_current_cpu_index(m);
    uint32_t last_cpu = m->cpu_count - 1;
    snap_u32_max(io, "running CPU", &current, last_cpu);
    snap_u64(io, &s->retired_before);
    snap_u64(io, &s->current_base);
    uint32_t next = s->smp_next;
    snap_u32_max(io, "round-robin CPU", &next, last_cpu);
    s->smp_next = next;
    snap_u64(io, &s->smp_quantum_left);
    if (!snapshot_saving(io) && s->smp_quantum_left > MACHINE_SMP_QUANTUM)
        snap_fail(io, "%llu instructions left of a %u-instruction quantum",
                  (unsigned long long)s->smp_quantum_left, MACHINE_SMP_QUANTUM);
    snap_u64(io, &s->smp_switches);
    if (!snapshot_saving(io) && io->r->apply && !snap_failed(io)) {
        /* The clock section that follows restores the time base, which
         * counts the instructions of this CPU from here on. */
        m->current_cpu = &m->cpu[current];
        vclock_attach_counter(&m->clock, &m->cpu[current].icount, &m->cpu[current].run_end);
    }
    return snapshot_unstage(io, m, s);
}

/* ---- clock ---- */

static int clock_section(struct snapshot_io *io, struct snapshot_context *ctx)
{
    struct vclock *clock = &ctx->m->clock;
    uint64_t ps_per_insn = clock->ps_per_insn, base_ps = clock->base_ps;
    uint64_t base_icount = clock->base_icount;
    uint32_t count = clock->count;
    snap_u64(io, &ps_per_insn);
    snap_u64(io, &base_ps);
    snap_u64(io, &base_icount);
    snap_u32_max(io, "armed events", &count, CLOCK_MAX_EVENTS);
    if (!snapshot_saving(io) && !snap_failed(io) && ps_per_insn != clock->ps_per_insn)
        return snap_fail(io, "saved at %llu ps per instruction, this machine runs at %llu "
                         "([machine] mhz differs)", (unsigned long long)ps_per_insn,
                         (unsigned long long)clock->ps_per_insn);
    ctx->event_count = count;
    for (unsigned i = 0; i < count && !snap_failed(io); i++) {
        if (snapshot_saving(io)) {
            snapshot_put_string(io->w, clock->heap[i]->name ? clock->heap[i]->name : "");
            snapshot_put_u64(io->w, clock->heap[i]->deadline_ps);
            continue;
        }
        snapshot_get_string(io->r, ctx->slot_name[i], EVENT_NAME_MAX);
        ctx->slot_deadline[i] = snapshot_get_u64(io->r);
        /* The slots must form a heap, or the clock would fire out of order. */
        if (i > 0 && ctx->slot_deadline[(i - 1) / 2] > ctx->slot_deadline[i])
            return snap_fail(io, "event slots %u and %u are out of deadline order",
                             (i - 1) / 2, i);
    }
    if (!snapshot_saving(io) && snapshot_applying(io->r)) {
        clock->base_ps = base_ps;
        clock->base_icount = base_icount;
    }
    return snap_failed(io) ? -1 : 0;
}

/* Every slot of the saved heap was named by some device's snap_event. */
static int check_claims(struct snapshot_context *ctx, struct snapshot_io *io, char *err,
                        size_t err_len)
{
    for (unsigned i = 0; i < ctx->event_count; i++) {
        if (ctx->claimed[i])
            continue;
        const char *name = snapshot_saving(io)
            ? (ctx->m->clock.heap[i]->name ? ctx->m->clock.heap[i]->name : "?")
            : ctx->slot_name[i];
        if (snapshot_saving(io))
            snprintf(err, err_len, "event '%s' is armed but no device saved it", name);
        else
            snap_fail(io, "clock slot %u (event '%s') belongs to no device", i, name);
        return -1;
    }
    return 0;
}

/* ---- RAM and ROM ---- */

static bool region_saved(const struct mem_region *r)
{
    return r->kind != REGION_MMIO && r->size && r->host;
}

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;
    for (unsigned i = 0; i < SNAP_PAGE / 8; i++)
        if (w[i])
            return false;
    return true;
}

static void save_region(struct snapshot_writer *w, const struct mem_region *r)
{
    uint64_t pages = r->size / SNAP_PAGE;
    snapshot_put_string(w, r->name ? r->name : "");
    snapshot_put_u64(w, r->base);
    snapshot_put_u64(w, r->size);
    uint8_t *bitmap = snapshot_put_space(w, (pages + 7) / 8);
    if (!bitmap)
        return;
    size_t bitmap_at = (size_t)(bitmap - w->buf);
    memset(bitmap, 0, (pages + 7) / 8);
    for (uint64_t p = 0; p < pages; p++) {
        const uint8_t *page = r->host + p * SNAP_PAGE;
        if (page_is_zero(page))
            continue;
        /* put_space may move the buffer: address the bitmap by offset. */
        w->buf[bitmap_at + p / 8] |= (uint8_t)(1u << (p % 8));
        snapshot_put_bytes(w, page, SNAP_PAGE);
    }
}

static int load_region(struct snapshot_reader *r, struct mem_region *region)
{
    char name[SNAPSHOT_NAME_MAX + 1];
    snapshot_get_string(r, name, sizeof(name));
    uint64_t base = snapshot_get_u64(r), size = snapshot_get_u64(r);
    if (r->failed)
        return -1;
    if (strcmp(name, region->name ? region->name : "") != 0 || base != region->base ||
        size != region->size)
        return snapshot_fail(r, "region %s at 0x%llx, %llu bytes; here %s at 0x%llx, %llu "
                             "bytes ([machine] memory differs?)", name,
                             (unsigned long long)base, (unsigned long long)size,
                             region->name ? region->name : "?",
                             (unsigned long long)region->base,
                             (unsigned long long)region->size);
    uint64_t pages = size / SNAP_PAGE;
    const uint8_t *bitmap = snapshot_get_span(r, (size_t)((pages + 7) / 8));
    if (!bitmap)
        return -1;
    uint64_t present = 0;
    for (uint64_t p = 0; p < pages; p++)
        present += (bitmap[p / 8] >> (p % 8)) & 1;
    if (pages % 8 && (bitmap[pages / 8] >> (pages % 8)))
        return snapshot_fail(r, "region %s: bits set past its last page", name);
    if (present * SNAP_PAGE > snapshot_remaining(r))
        return snapshot_fail(r, "region %s: %llu pages marked, data for %zu", name,
                             (unsigned long long)present, snapshot_remaining(r) / SNAP_PAGE);
    for (uint64_t p = 0; p < pages; p++) {
        uint8_t *page = region->host + p * SNAP_PAGE;
        if ((bitmap[p / 8] >> (p % 8)) & 1) {
            const uint8_t *data = snapshot_get_span(r, SNAP_PAGE);
            if (data && r->apply)
                memcpy(page, data, SNAP_PAGE);
        } else if (r->apply && !page_is_zero(page)) {
            /* Reading a page first leaves untouched host pages unallocated. */
            memset(page, 0, SNAP_PAGE);
        }
    }
    return r->failed ? -1 : 0;
}

static int ram_section(struct snapshot_io *io, struct machine *m)
{
    struct aspace *as = &m->as;
    uint32_t count = 0;
    for (unsigned i = 0; i < as->region_count; i++)
        count += region_saved(&as->region[i]);
    if (snapshot_saving(io)) {
        snapshot_put_u32(io->w, count);
        for (unsigned i = 0; i < as->region_count; i++)
            if (region_saved(&as->region[i]))
                save_region(io->w, &as->region[i]);
        return 0;
    }
    uint32_t saved = snapshot_get_u32(io->r);
    if (!io->r->failed && saved != count)
        return snap_fail(io, "%u memory regions in the snapshot, %u here", saved, count);
    for (unsigned i = 0; i < as->region_count && !io->r->failed; i++) {
        struct mem_region *region = &as->region[i];
        if (region_saved(region) && region->size % SNAP_PAGE == 0)
            load_region(io->r, region);
        else if (region_saved(region))
            return snap_fail(io, "region %s is not a whole number of pages", region->name);
    }
    return snap_failed(io) ? -1 : 0;
}

/* ---- caches ---- */

void machine_snapshot_flush_caches(struct machine *m)
{
    struct decode_cache *done[MACHINE_MAX_CPUS];
    unsigned ndone = 0;
    for (unsigned i = 0; i < m->cpu_count; i++) {
        struct arm_cpu *cpu = &m->cpu[i];
        cpu->tlb_used_overflow = true;
        cpu_tlb_flush(cpu);
        cpu->cur_block = NULL;
        cpu->exit_request = 1;
        bool seen = false;
        for (unsigned j = 0; j < ndone; j++)
            seen |= done[j] == cpu->dcache;
        if (cpu->dcache && !seen) {
            decode_cache_invalidate_all(cpu->dcache);
            done[ndone++] = cpu->dcache;
        }
    }
    decode_cache_invalidate_all(&m->as.dcache);
}

/* ---- the sections in order ---- */

static int all_sections(struct snapshot_io *io, struct snapshot_context *ctx)
{
    struct machine *m = ctx->m;
    char section[SNAPSHOT_NAME_MAX + 1];
    struct {
        const char *name;
        uint32_t version;
    } fixed[] = {
        { "machine", MACHINE_SECTION_VERSION },
        { "clock", CLOCK_SECTION_VERSION },
    };
    unsigned sections = 2 + m->cpu_count + 1 + m->device_count + (m->snapshot_hook ? 1 : 0);
    for (unsigned i = 0; i < sections; i++) {
        const char *name;
        uint32_t version;
        if (i < 2) {
            name = fixed[i].name;
            version = fixed[i].version;
        } else if (i < 2 + m->cpu_count) {
            snprintf(section, sizeof(section), "cpu%u", i - 2);
            name = section;
            version = CPU_SNAPSHOT_VERSION;
        } else if (i == 2 + m->cpu_count) {
            name = "ram";
            version = RAM_SECTION_VERSION;
        } else if (i < 3 + m->cpu_count + m->device_count) {
            snprintf(section, sizeof(section), "dev:%s", m->device[i - 3 - m->cpu_count]->name);
            name = section;
            version = DEVICE_SECTION_VERSION;
        } else {
            name = "hv";
            version = HV_SECTION_VERSION;
        }
        if (snapshot_saving(io))
            snapshot_begin_section(io->w, name, version);
        else if (!snapshot_open_section(io->r, name, version))
            return -1;

        if (i == 0) {
            machine_section(io, m);
        } else if (i == 1) {
            clock_section(io, ctx);
        } else if (i < 2 + m->cpu_count) {
            cpu_snapshot(&m->cpu[i - 2], io);
        } else if (i == 2 + m->cpu_count) {
            ram_section(io, m);
        } else if (i < 3 + m->cpu_count + m->device_count) {
            struct device *dev = m->device[i - 3 - m->cpu_count];
            dev->snapshot(dev, io);
        } else {
            m->snapshot_hook(m->snapshot_opaque, io);
        }

        if (snapshot_saving(io))
            snapshot_end_section(io->w);
        else if (snapshot_close_section(io->r) < 0)
            return -1;
        if (snap_failed(io))
            return -1;
    }
    return 0;
}

int machine_snapshot_save(struct machine *m, struct snapshot_writer *w, char *err,
                          size_t err_len)
{
    if (m->run_hook && !m->snapshot_hook) {
        snprintf(err, err_len, "snapshots are not supported for this run hook");
        return -1;
    }
    if (m->shutdown_requested) {
        snprintf(err, err_len, "the guest has shut the machine down; nothing to save");
        return -1;
    }
    if (m->snapshot_check && m->snapshot_check(m->snapshot_opaque, err, err_len) < 0)
        return -1;
    for (unsigned i = 0; i < m->device_count; i++)
        if (!m->device[i]->snapshot) {
            snprintf(err, err_len, "device %s (%s) cannot be saved: its model has no "
                     "snapshot support", m->device[i]->name, m->device[i]->type);
            return -1;
        }
    struct snapshot_context *ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    ctx->m = m;
    struct snapshot_io io = { .w = w, .context = ctx };
    int rc = all_sections(&io, ctx);
    if (rc == 0)
        rc = check_claims(ctx, &io, err, err_len);
    if (rc == 0 && w->out_of_memory) {
        snprintf(err, err_len, "out of memory (%zu bytes written so far)", w->len);
        rc = -1;
    }
    free(ctx);
    return rc;
}

static int load_pass(struct machine *m, const uint8_t *payload, size_t len, bool apply,
                     char *err, size_t err_len)
{
    struct snapshot_context *ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        snprintf(err, err_len, "out of memory");
        return -1;
    }
    ctx->m = m;
    struct snapshot_reader r;
    snapshot_reader_init(&r, payload, len, apply);
    struct snapshot_io io = { .r = &r, .context = ctx };

    if (apply) {
        /* Every armed event leaves the heap; the devices' sections put
         * back the ones the snapshot has, in their saved slots. */
        for (unsigned i = 0; i < m->clock.count; i++)
            m->clock.heap[i]->heap_index = -1;
        m->clock.count = 0;
    }
    if (all_sections(&io, ctx) == 0 && check_claims(ctx, &io, err, err_len) == 0 &&
        !snapshot_at_end(&r)) {
        char next[SNAPSHOT_NAME_MAX + 1] = "";
        snapshot_peek_section(&r, next, sizeof(next));
        if (strcmp(next, "hv") == 0)
            snapshot_fail(&r, "the snapshot is of a partitioned machine ([hypervisor]); "
                          "this machine has no hypervisor");
        else
            snapshot_fail(&r, "%zu bytes after the last section", len - r.pos);
    }
    if (r.failed) {
        snprintf(err, err_len, "%s", r.error);
        free(ctx);
        return -1;
    }
    if (apply) {
        for (unsigned i = 0; i < ctx->event_count; i++)
            m->clock.heap[i] = ctx->slot_event[i];
        m->clock.count = ctx->event_count;
        machine_snapshot_flush_caches(m);
        /* A snapshot is of a running machine: loading one revives a
         * machine the guest had shut down. */
        m->stop_requested = false;
        m->shutdown_requested = false;
        m->shutdown_status = 0;
        m->shutdown_why = NULL;
    }
    free(ctx);
    return 0;
}

int machine_snapshot_load(struct machine *m, const uint8_t *payload, size_t len, char *err,
                          size_t err_len)
{
    if (m->run_hook && !m->snapshot_hook) {
        snprintf(err, err_len, "snapshots are not supported for this run hook");
        return -1;
    }
    for (unsigned i = 0; i < m->device_count; i++)
        if (!m->device[i]->snapshot) {
            snprintf(err, err_len, "device %s (%s) cannot be loaded: its model has no "
                     "snapshot support", m->device[i]->name, m->device[i]->type);
            return -1;
        }
    if (load_pass(m, payload, len, false, err, err_len) < 0)
        return -1;
    /* Validated: the same bytes cannot fail now. */
    return load_pass(m, payload, len, true, err, err_len);
}
