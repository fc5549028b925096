/*
 * Breakpoints and watchpoints (breakpoints.h): the table, the machine's
 * debug_check hook, and the break / watch / delete / info commands.
 */
#include "monitor/breakpoints.h"

#include <inttypes.h>
#include <string.h>

#include "cpu/mem.h"
#include "monitor/internal.h"

static struct mon_breakpoints *bp_table(struct monitor *mon)
{
    return &mon->bp;
}

void mon_bp_init(struct monitor *mon)
{
    struct mon_breakpoints *t = bp_table(mon);
    memset(t, 0, sizeof(*t));
    t->next_id = 1;
    t->hit_slot = -1;
    struct machine *m = mon->machine;
    m->debug_check = mon_bp_check;
    m->debug_opaque = mon;
    m->debug_single_step = false;
}

void mon_bp_sync(struct monitor *mon)
{
    struct mon_breakpoints *t = bp_table(mon);
    struct machine *m = mon->machine;
    struct mmu_watch old[MON_MAX_BREAKPOINTS];
    unsigned old_count = t->watch_count;
    memcpy(old, t->watch, sizeof(old));
    t->break_count = 0;
    t->watch_count = 0;
    t->any_physical_break = false;
    for (unsigned i = 0; i < MON_MAX_BREAKPOINTS; i++) {
        const struct mon_bp *bp = &t->bp[i];
        if (!bp->id)
            continue;
        if (bp->kind == MON_BP_BREAK) {
            t->break_slot[t->break_count++] = i;
            t->any_physical_break |= bp->physical;
        } else {
            t->watch[t->watch_count] = (struct mmu_watch){
                .addr = bp->addr, .len = bp->len, .access = (uint8_t)bp->access,
                .physical = bp->physical,
            };
            t->watch_slot[t->watch_count++] = i;
        }
    }
    m->debug_single_step = t->break_count != 0;
    /* Installing a list flushes the TLBs: only when it changed, so `tlb`
     * still shows the guest's working set after a breakpoint change. */
    bool same = old_count == t->watch_count;
    for (unsigned i = 0; same && i < old_count; i++)
        same = old[i].addr == t->watch[i].addr && old[i].len == t->watch[i].len &&
               old[i].access == t->watch[i].access && old[i].physical == t->watch[i].physical;
    if (same && m->cpu_count && m->mmu[0].watch == (old_count ? t->watch : NULL))
        return;
    for (unsigned i = 0; i < m->cpu_count; i++)
        mmu_set_watchpoints(&m->mmu[i], t->watch, t->watch_count);
}

/* A condition that does not parse now will not parse later: refuse it. */
static int check_condition(struct monitor *mon, const char *cond)
{
    struct mon_expr_env env;
    char err[160];
    uint32_t value;
    if (!cond[0])
        return 0;
    mon_env(mon, &env);
    /* Only syntax matters here: memory that cannot be read now may be
     * mapped when the breakpoint hits. */
    if (mon_expr_eval(&env, cond, &value, err, sizeof(err)) < 0 &&
        !strstr(err, "cannot read memory"))
        return mon_error(mon, "condition '%s': %s", cond, err);
    return 0;
}

int mon_bp_add(struct monitor *mon, const struct mon_bp *bp)
{
    struct mon_breakpoints *t = bp_table(mon);
    if (check_condition(mon, bp->cond) < 0)
        return -1;
    for (unsigned i = 0; i < MON_MAX_BREAKPOINTS; i++) {
        if (t->bp[i].id)
            continue;
        t->bp[i] = *bp;
        /* Temporary stops (next, until) are not listed: keep the user's
         * numbering free of gaps by numbering them from a range of their own. */
        t->bp[i].id = bp->temporary ? MON_TEMP_ID_BASE + i : t->next_id++;
        t->bp[i].hits = 0;
        mon_bp_sync(mon);
        return (int)i;
    }
    return mon_error(mon, "too many breakpoints and watchpoints (at most %d)",
                     MON_MAX_BREAKPOINTS);
}

int mon_bp_delete(struct monitor *mon, unsigned id)
{
    struct mon_breakpoints *t = bp_table(mon);
    for (unsigned i = 0; i < MON_MAX_BREAKPOINTS; i++) {
        if (id && t->bp[i].id == id) {
            memset(&t->bp[i], 0, sizeof(t->bp[i]));
            if (t->hit_slot == (int)i)
                t->hit_slot = -1;
            mon_bp_sync(mon);
            return 0;
        }
    }
    return -1;
}

void mon_bp_clear_temporary(struct monitor *mon)
{
    struct mon_breakpoints *t = bp_table(mon);
    bool changed = false;
    for (unsigned i = 0; i < MON_MAX_BREAKPOINTS; i++) {
        if (t->bp[i].id && t->bp[i].temporary) {
            memset(&t->bp[i], 0, sizeof(t->bp[i]));
            if (t->hit_slot == (int)i)
                t->hit_slot = -1;
            changed = true;
        }
    }
    if (changed)
        mon_bp_sync(mon);
}

void mon_bp_note_stop(struct monitor *mon)
{
    struct mon_breakpoints *t = bp_table(mon);
    const struct arm_cpu *cpu = machine_current_cpu(mon->machine);
    t->resume_valid = true;
    t->resume_icount = cpu->icount;
    t->resume_pc = cpu->r[15];
}

/* Whether bp's condition holds now; an error stops, with the message kept. */
static bool condition_holds(struct monitor *mon, struct arm_cpu *cpu, const struct mon_bp *bp)
{
    struct mon_breakpoints *t = bp_table(mon);
    if (!bp->cond[0])
        return true;
    struct mon_expr_env env;
    mon_env(mon, &env);
    env.cpu = cpu;
    uint32_t value;
    if (mon_expr_eval(&env, bp->cond, &value, t->cond_error, sizeof(t->cond_error)) < 0) {
        t->hit_cond_error = true;
        return true;
    }
    return value != 0;
}

/* The physical address of the PC: the TLB's cached translation, or a walk. */
static bool pc_physical(struct arm_cpu *cpu, uint64_t *pa)
{
    uint32_t pc = cpu->r[15];
    const struct tlb_entry *e = &cpu->tlb_cur[tlb_index(pc)];
    if (e->tag_translated == (pc & TLB_PAGE_MASK)) {
        *pa = ((uint64_t)e->phys_page << TLB_PAGE_SHIFT) | (pc & ~TLB_PAGE_MASK);
        return true;
    }
    return cpu->mem->translate_debug(cpu, pc, pa) == 0;
}

static enum machine_stop_reason stop_on(struct monitor *mon, struct arm_cpu *cpu, unsigned slot,
                                        enum machine_stop_reason why)
{
    struct mon_breakpoints *t = bp_table(mon);
    t->bp[slot].hits++;
    t->hit_slot = (int)slot;
    t->resume_valid = true;
    t->resume_icount = cpu->icount;
    t->resume_pc = cpu->r[15];
    return why;
}

enum machine_stop_reason mon_bp_check(void *opaque, struct arm_cpu *cpu)
{
    struct monitor *mon = opaque;
    struct mon_breakpoints *t = bp_table(mon);
    struct mmu_context *ctx = cpu->mem_opaque;

    if (ctx->watch_hit.pending) {
        /* The run loop clears the hit (mmu_watch_hit_done) after this. */
        struct mmu_watch_hit hit = ctx->watch_hit;
        if (hit.index < t->watch_count) {
            unsigned slot = t->watch_slot[hit.index];
            t->hit_cond_error = false;
            if (mon_hv_breakpoint_applies(mon, &t->bp[slot], cpu) &&
                condition_holds(mon, cpu, &t->bp[slot])) {
                t->watch_hit = hit;
                return stop_on(mon, cpu, slot, STOP_WATCHPOINT);
            }
        }
    }

    if (!t->break_count)
        return STOP_NONE;
    uint32_t pc = cpu->r[15];
    if (t->resume_valid && t->resume_icount == cpu->icount && t->resume_pc == pc)
        return STOP_NONE;   /* the instruction this run resumes from */
    uint64_t pa = 0;
    bool have_pa = t->any_physical_break && pc_physical(cpu, &pa);
    for (unsigned i = 0; i < t->break_count; i++) {
        unsigned slot = t->break_slot[i];
        const struct mon_bp *bp = &t->bp[slot];
        if (bp->physical ? !have_pa || bp->addr != pa : bp->addr != pc)
            continue;
        if (!mon_hv_breakpoint_applies(mon, bp, cpu))
            continue;
        t->hit_cond_error = false;
        if (!condition_holds(mon, cpu, bp))
            continue;
        return stop_on(mon, cpu, slot, STOP_BREAKPOINT);
    }
    return STOP_NONE;
}

void mon_bp_report_hit(struct monitor *mon, FILE *out)
{
    struct mon_breakpoints *t = bp_table(mon);
    if (t->hit_slot < 0) {
        fputs("stopped by a breakpoint that no longer exists\n", out);
        return;
    }
    struct mon_bp *bp = &t->bp[t->hit_slot];
    char where[200];
    if (bp->kind == MON_BP_BREAK) {
        mon_format_addr(mon, bp->addr, where, sizeof(where));
        if (bp->temporary)
            fprintf(out, "reached %s%s\n", bp->physical ? "pa:" : "", where);
        else
            fprintf(out, "breakpoint %u at %s%s, hit %" PRIu64 " time%s\n", bp->id,
                    bp->physical ? "pa:" : "", where, bp->hits, bp->hits == 1 ? "" : "s");
    } else {
        const struct mmu_watch_hit *h = &t->watch_hit;
        mon_format_addr(mon, h->va, where, sizeof(where));
        char insn[200];
        mon_format_addr(mon, h->insn_addr, insn, sizeof(insn));
        fprintf(out, "watchpoint %u: %s of %u byte%s at %s (pa 0x%08" PRIx64 ") by the "
                "instruction at %s, hit %" PRIu64 " time%s\n", bp->id,
                h->write ? "write" : "read", h->size, h->size == 1 ? "" : "s", where, h->pa,
                insn, bp->hits, bp->hits == 1 ? "" : "s");
        if (h->write)
            fprintf(out, "  old value 0x%0*x, new value 0x%0*x\n", h->size * 2, h->old_value,
                    h->size * 2, h->value);
        else
            fprintf(out, "  value 0x%0*x\n", h->size * 2, h->value);
    }
    if (t->hit_cond_error)
        fprintf(out, "  (stopped because the condition '%s' failed: %s)\n", bp->cond,
                t->cond_error);
}

/* ---- commands ---- */

int mon_parse_location(struct monitor *mon, const char *text, uint32_t *addr, bool *physical)
{
    *physical = strncmp(text, "pa:", 3) == 0;
    return mon_eval(mon, *physical ? text + 3 : text, addr);
}

static void list_breakpoints(struct monitor *mon)
{
    struct mon_breakpoints *t = bp_table(mon);
    bool any = false;
    for (unsigned i = 0; i < MON_MAX_BREAKPOINTS; i++) {
        const struct mon_bp *bp = &t->bp[i];
        if (!bp->id || bp->temporary)
            continue;
        if (!any)
            fputs("Num  Type   Address                          Hits  Condition\n", mon->out);
        any = true;
        char where[200], addr[220];
        mon_format_addr(mon, bp->addr, where, sizeof(where));
        snprintf(addr, sizeof(addr), "%s%s", bp->physical ? "pa:" : "", where);
        char kind[16] = "break";
        if (bp->kind == MON_BP_WATCH) {
            static const char *const acc[4] = { "", "r", "w", "rw" };
            snprintf(kind, sizeof(kind), "watch%s", acc[bp->access & 3]);
            char len[24];
            snprintf(len, sizeof(len), " len %u", bp->len);
            strncat(addr, len, sizeof(addr) - strlen(addr) - 1);
        }
        if (bp->per_domain) {
            char dom[24];
            snprintf(dom, sizeof(dom), " (dom%u)", bp->domid);
            strncat(addr, dom, sizeof(addr) - strlen(addr) - 1);
        }
        fprintf(mon->out, "%-4u %-6s %-32s %5" PRIu64 "  %s\n", bp->id, kind, addr, bp->hits,
                bp->cond[0] ? bp->cond : "-");
    }
    if (!any)
        fputs("no breakpoints or watchpoints\n", mon->out);
}

/* "if COND" at argv[first..]: copies COND; -1 on a malformed tail. */
static int parse_if(struct monitor *mon, int argc, char **argv, int first, char *cond,
                    size_t len)
{
    cond[0] = '\0';
    if (first >= argc)
        return 0;
    if (strcmp(argv[first], "if") != 0 || first + 1 >= argc)
        return mon_error(mon, "expected 'if CONDITION' after the address, not '%s'",
                         argv[first]);
    mon_join(cond, len, argc, argv, first + 1);
    return 0;
}

int cmd_break(struct monitor *mon, int argc, char **argv)
{
    if (argc < 2) {
        list_breakpoints(mon);
        return 0;
    }
    struct mon_bp bp = { .kind = MON_BP_BREAK };
    if (mon_parse_location(mon, argv[1], &bp.addr, &bp.physical) < 0)
        return -1;
    bp.addr &= ~1u;     /* a Thumb address with its interworking bit */
    if (parse_if(mon, argc, argv, 2, bp.cond, sizeof(bp.cond)) < 0)
        return -1;
    mon_hv_scope_breakpoint(mon, &bp);
    int slot = mon_bp_add(mon, &bp);
    if (slot < 0)
        return -1;
    char where[200];
    mon_format_addr(mon, bp.addr, where, sizeof(where));
    fprintf(mon->out, "breakpoint %u at %s%s%s%s", mon->bp.bp[slot].id,
            bp.physical ? "pa:" : "", where, bp.cond[0] ? " if " : "", bp.cond);
    if (bp.per_domain)
        fprintf(mon->out, " in domain %u", bp.domid);
    fputc('\n', mon->out);
    return 0;
}

int cmd_watch(struct monitor *mon, int argc, char **argv)
{
    if (argc < 2) {
        list_breakpoints(mon);
        return 0;
    }
    struct mon_bp bp = { .kind = MON_BP_WATCH, .len = 4, .access = MMU_WATCH_WRITE };
    if (mon_parse_location(mon, argv[1], &bp.addr, &bp.physical) < 0)
        return -1;
    int i = 2;
    if (i < argc && strcmp(argv[i], "if") != 0 && strcmp(argv[i], "r") != 0 &&
        strcmp(argv[i], "w") != 0 && strcmp(argv[i], "rw") != 0) {
        uint64_t len;
        if (mon_parse_number(argv[i], &len) < 0 || len == 0 || len > 0x10000)
            return mon_error(mon, "watch: LEN '%s' must be a number 1..65536", argv[i]);
        bp.len = (uint32_t)len;
        i++;
    }
    if (i < argc && strcmp(argv[i], "if") != 0) {
        if (strcmp(argv[i], "r") == 0)
            bp.access = MMU_WATCH_READ;
        else if (strcmp(argv[i], "w") == 0)
            bp.access = MMU_WATCH_WRITE;
        else if (strcmp(argv[i], "rw") == 0)
            bp.access = MMU_WATCH_READ | MMU_WATCH_WRITE;
        else
            return mon_error(mon, "watch: access '%s' must be r, w or rw", argv[i]);
        i++;
    }
    if (parse_if(mon, argc, argv, i, bp.cond, sizeof(bp.cond)) < 0)
        return -1;
    if ((uint64_t)bp.addr + bp.len > (bp.physical ? UINT64_MAX : 0x100000000ull))
        return mon_error(mon, "watch: range passes the end of the address space");
    mon_hv_scope_breakpoint(mon, &bp);
    int slot = mon_bp_add(mon, &bp);
    if (slot < 0)
        return -1;
    char where[200];
    mon_format_addr(mon, bp.addr, where, sizeof(where));
    static const char *const acc[4] = { "", "read", "write", "read/write" };
    fprintf(mon->out, "watchpoint %u: %s of %u byte%s at %s%s%s%s", mon->bp.bp[slot].id,
            acc[bp.access & 3], bp.len, bp.len == 1 ? "" : "s", bp.physical ? "pa:" : "",
            where, bp.cond[0] ? " if " : "", bp.cond);
    if (bp.per_domain)
        fprintf(mon->out, " in domain %u", bp.domid);
    fputc('\n', mon->out);
    return 0;
}

int cmd_delete(struct monitor *mon, int argc, char **argv)
{
    struct mon_breakpoints *t = bp_table(mon);
    if (argc < 2) {
        unsigned n = 0;
        for (unsigned i = 0; i < MON_MAX_BREAKPOINTS; i++) {
            if (t->bp[i].id && !t->bp[i].temporary) {
                memset(&t->bp[i], 0, sizeof(t->bp[i]));
                n++;
            }
        }
        t->hit_slot = -1;
        mon_bp_sync(mon);
        fprintf(mon->out, "deleted %u breakpoint%s and watchpoint%s\n", n, n == 1 ? "" : "s",
                n == 1 ? "" : "s");
        return 0;
    }
    for (int i = 1; i < argc; i++) {
        uint64_t id;
        if (mon_parse_number(argv[i], &id) < 0 || id == 0 || id > UINT32_MAX ||
            mon_bp_delete(mon, (unsigned)id) < 0)
            return mon_error(mon, "no breakpoint or watchpoint number '%s' (see info break)",
                             argv[i]);
        fprintf(mon->out, "deleted %s\n", argv[i]);
    }
    return 0;
}

int cmd_info(struct monitor *mon, int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "break") == 0 || strcmp(argv[1], "breakpoints") == 0 ||
                      strcmp(argv[1], "watch") == 0 || strcmp(argv[1], "b") == 0)) {
        list_breakpoints(mon);
        return 0;
    }
    return mon_error(mon, "usage: info break");
}
