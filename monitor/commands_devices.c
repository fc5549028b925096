/*
 * Monitor commands about the board: devices, irq (interrupt controllers
 * per line), trace, stats and screendump.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "devices/a9_mpcore.h"
#include "devices/gic.h"
#include "devices/pl110.h"
#include "devices/pl190.h"
#include "devices/versatile_sic.h"
#include "frontends/screendump.h"
#include "monitor/internal.h"

/* devices [NAME]: every device (or one) with its registers by name. */
int cmd_devices(struct monitor *mon, int argc, char **argv)
{
    struct machine *m = mon->machine;
    bool found = false;
    if (argc > 2)
        return mon_error(mon, "usage: devices [NAME]");
    for (unsigned i = 0; i < m->device_count; i++) {
        struct device *dev = m->device[i];
        if (argc > 1 && strcmp(argv[1], dev->name) != 0)
            continue;
        found = true;
        if (dev->size)
            fprintf(mon->out, "%-12s %-18s 0x%08llx-0x%08llx\n", dev->name, dev->type,
                    (unsigned long long)dev->base,
                    (unsigned long long)(dev->base + dev->size - 1));
        else
            fprintf(mon->out, "%-12s %-18s (no registers in the memory map)\n", dev->name,
                    dev->type);
        if (argc > 1) {
            if (dev->dump)
                dev->dump(dev, mon->out);
            else
                fputs("  (this model has no register dump)\n", mon->out);
        }
    }
    if (argc > 1 && !found)
        return mon_error(mon, "no device '%s' (devices lists them)", argv[1]);
    return 0;
}

/* ---- irq ---- */

static void print_line_bits(FILE *out, const char *name, uint32_t bits)
{
    fprintf(out, "  %-9s", name);
    if (!bits) {
        fputs(" none\n", out);
        return;
    }
    for (unsigned i = 0; i < 32; i++)
        if (bits & (1u << i))
            fprintf(out, " %u", i);
    fputc('\n', out);
}

/*
 * PL190: a line is raw when its input or VICSOFTINT bit is set; enabled
 * lines go to FIQ when selected, else IRQ (PL190 TRM 3.2).
 */
static void irq_pl190(FILE *out, const struct pl190 *vic, bool all)
{
    uint32_t raw = vic->level | vic->soft;
    fprintf(out, "%s (pl190 VIC) at 0x%08llx: nVICIRQ %d, nVICFIQ %d\n", vic->dev.name,
            (unsigned long long)vic->dev.base, vic->irq_level, vic->fiq_level);
    fputs("  line  input soft enabled  type  pending\n", out);
    for (unsigned i = 0; i < PL190_INPUTS; i++) {
        uint32_t bit = 1u << i;
        bool pending = (raw & vic->enable & bit) != 0;
        if (!all && !(raw & bit) && !(vic->enable & bit))
            continue;
        fprintf(out, "  %4u  %5u %4u %-8s  %-4s  %s\n", i, (vic->level & bit) ? 1 : 0,
                (vic->soft & bit) ? 1 : 0, (vic->enable & bit) ? "yes" : "no",
                (vic->select & bit) ? "fiq" : "irq", pending ? "yes" : "no");
    }
    print_line_bits(out, "IRQSTATUS", raw & vic->enable & ~vic->select);
    print_line_bits(out, "FIQSTATUS", raw & vic->enable & vic->select);
}

/* Versatile SIC: status = (input | soft) & enable, ORed onto VIC 31. */
static void irq_sic(FILE *out, const struct versatile_sic *sic, bool all)
{
    uint32_t raw = sic->level | sic->soft;
    fprintf(out, "%s (Versatile SIC) at 0x%08llx: output %d (to the primary controller)\n",
            sic->dev.name, (unsigned long long)sic->dev.base, sic->out_level);
    fputs("  line  input soft enabled  pass-through  pending\n", out);
    for (unsigned i = 0; i < VERSATILE_SIC_INPUTS; i++) {
        uint32_t bit = 1u << i;
        bool pt = i >= VERSATILE_SIC_PT_FIRST && i <= VERSATILE_SIC_PT_LAST &&
                  (sic->pic_enable & bit);
        if (!all && !(raw & bit) && !(sic->enable & bit) && !pt)
            continue;
        fprintf(out, "  %4u  %5u %4u %-8s  %-12s  %s\n", i, (sic->level & bit) ? 1 : 0,
                (sic->soft & bit) ? 1 : 0, (sic->enable & bit) ? "yes" : "no",
                pt ? "to VIC line" : "-", (raw & sic->enable & bit) ? "yes" : "no");
    }
    print_line_bits(out, "STATUS", raw & sic->enable);
}

int cmd_irq(struct monitor *mon, int argc, char **argv)
{
    struct machine *m = mon->machine;
    bool all = argc > 1 && strcmp(argv[1], "all") == 0;
    if (argc > 2 || (argc == 2 && !all))
        return mon_error(mon, "usage: irq [all]");
    /* Under the hypervisor: the selected domain's vCPUs and vGIC first;
     * the board's own CPU never runs then. */
    for (unsigned i = mon_hv_irq(mon) ? m->cpu_count : 0; i < m->cpu_count; i++) {
        const struct arm_cpu *cpu = &m->cpu[i];
        uint32_t cpsr = cpu_get_cpsr(cpu);
        fprintf(mon->out, "cpu%u: IRQ input %u (%s), FIQ input %u (%s)%s\n", i, cpu->irq_line,
                (cpsr & PSR_I) ? "masked by CPSR.I" : "unmasked", cpu->fiq_line,
                (cpsr & PSR_F) ? "masked by CPSR.F" : "unmasked",
                cpu->halted ? "; waiting for interrupt" : "");
    }
    unsigned controllers = 0;
    for (unsigned i = 0; i < m->device_count; i++) {
        struct device *dev = m->device[i];
        if (strcmp(dev->type, "pl190") == 0) {
            irq_pl190(mon->out, (const struct pl190 *)dev, all);
        } else if (strcmp(dev->type, "versatile-sic") == 0) {
            irq_sic(mon->out, (const struct versatile_sic *)dev, all);
        } else if (strcmp(dev->type, "gic-dist") == 0) {
            /* The distributor is the gic's first device (gic.h). */
            struct gic *gic = (struct gic *)((char *)dev - offsetof(struct gic, dist));
            gic_dump_lines(gic, mon->out);
        } else if (strcmp(dev->type, "a9-mpcore") == 0 && ((struct a9_mpcore *)dev)->gic) {
            /* The Cortex-A9's GIC sits inside the MPCore private region. */
            gic_dump_lines(((struct a9_mpcore *)dev)->gic, mon->out);
        } else {
            continue;
        }
        controllers++;
    }
    if (!controllers)
        fputs("no interrupt controller model on this board\n", mon->out);
    else if (!all)
        fputs("(lines neither raised nor enabled are not shown; irq all lists them)\n",
              mon->out);
    return 0;
}

/* ---- trace ---- */

int cmd_trace(struct monitor *mon, int argc, char **argv)
{
    struct trace *t = &mon->machine->trace;
    if (argc == 1) {
        for (int c = 0; c < TRACE_CLASS_COUNT; c++)
            fprintf(mon->out, "%-13s %s\n", trace_class_name((enum trace_class)c),
                    trace_enabled(t, (enum trace_class)c) ? "on" : "off");
        fprintf(mon->out, "output: %s\n", t->out ? (t->out == mon->trace_file ? "file (trace)"
                                                                            : "file (-D)")
                                                 : "stderr");
        return 0;
    }
    if (argc < 3 || argc > 4 || (strcmp(argv[2], "on") != 0 && strcmp(argv[2], "off") != 0))
        return mon_error(mon, "usage: trace CLASS on|off [FILE]");
    uint32_t mask;
    const char *bad;
    if (trace_parse_classes(argv[1], &mask, &bad) < 0)
        return mon_error(mon, "unknown trace class '%.*s' (int, mmio, irq, mmu, hv, "
                         "guest_errors, unimp, all)", (int)strcspn(bad, ","), bad);
    if (argc == 4) {
        FILE *f = fopen(argv[3], "w");
        if (!f)
            return mon_error(mon, "%s: %s", argv[3], strerror(errno));
        setvbuf(f, NULL, _IOLBF, 0);
        /* A file this command opened before is replaced; -D's stays with
         * the frontend, which closes whatever trace.out is at exit. */
        if (mon->trace_file && t->out == mon->trace_file)
            fclose(mon->trace_file);
        mon->trace_file = f;
        t->out = f;
    }
    bool on = strcmp(argv[2], "on") == 0;
    if (on)
        t->enabled |= mask;
    else
        t->enabled &= ~mask;
    for (int c = 0; c < TRACE_CLASS_COUNT; c++)
        if (mask & (1u << c))
            t->printed[c] = 0;   /* a fresh start for the rate limit */
    fprintf(mon->out, "trace %s %s%s%s\n", argv[1], on ? "on" : "off", argc == 4 ? " to " : "",
            argc == 4 ? argv[3] : "");
    return 0;
}

/* ---- stats ---- */

static double mips(uint64_t insns, uint64_t ns)
{
    return ns ? (double)insns * 1e3 / (double)ns : 0.0;
}

int cmd_stats(struct monitor *mon, int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return mon_error(mon, "stats takes no arguments");
    struct machine *m = mon->machine;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    uint64_t session_ns = now - mon->start_ns;
    uint64_t session_insns = machine_instructions(m) - mon->start_icount;
    fprintf(mon->out, "session: %" PRIu64 " instructions in %.3f s host time (%.1f MIPS "
            "including time stopped in the monitor); virtual time %.6f s\n", session_insns,
            (double)session_ns / 1e9, mips(session_insns, session_ns),
            (double)vclock_now_ns(&m->clock) / 1e9);
    if (mon->last_run_ns || mon->last_run_icount)
        fprintf(mon->out, "last run: %" PRIu64 " instructions in %.3f s host time: %.1f guest "
                "MIPS\n", mon->last_run_icount, (double)mon->last_run_ns / 1e9,
                mips(mon->last_run_icount, mon->last_run_ns));
    else
        fputs("last run: none yet\n", mon->out);
    /* Under the hypervisor the board's own CPUs never run: the vCPUs'
     * figures come from mon_hv_stats below. */
    for (unsigned i = 0; !mon->hv && i < m->cpu_count; i++) {
        const struct arm_cpu *cpu = &m->cpu[i];
        const struct mmu_context *ctx = &m->mmu[i];
        fprintf(mon->out, "cpu%u: %" PRIu64 " instructions; exceptions: reset=%" PRIu64
                " und=%" PRIu64 " svc=%" PRIu64 " pabt=%" PRIu64 " dabt=%" PRIu64 " irq=%" PRIu64
                " fiq=%" PRIu64 "\n", i, cpu->icount, cpu->exceptions_taken[EXC_RESET],
                cpu->exceptions_taken[EXC_UNDEFINED], cpu->exceptions_taken[EXC_SVC],
                cpu->exceptions_taken[EXC_PREFETCH_ABORT],
                cpu->exceptions_taken[EXC_DATA_ABORT], cpu->exceptions_taken[EXC_IRQ],
                cpu->exceptions_taken[EXC_FIQ]);
        /* TLB hits take the fast path uncounted, so the miss figure is
         * per instruction rather than per lookup. */
        fprintf(mon->out, "  mmu: %" PRIu64 " TLB fills (%.1f per 10^6 instructions), %" PRIu64
                " slow-path walks, %" PRIu64 " faults\n", ctx->tlb_fills,
                cpu->icount ? (double)ctx->tlb_fills * 1e6 / (double)cpu->icount : 0.0,
                ctx->walks, ctx->faults);
    }
    if (!mon->hv) {
        const struct decode_cache *dc = &m->as.dcache;
        uint64_t insns = machine_instructions(m);
        fprintf(mon->out, "decode cache: %" PRIu64 " blocks, %" PRIu64 " decodes (hit rate "
                "%.4f%% of instructions), %" PRIu64 " page invalidations by stores\n",
                dc->blocks, dc->decodes,
                insns ? 100.0 * (1.0 - (double)dc->decodes / (double)insns) : 0.0,
                dc->invalidations);
        fprintf(mon->out, "unmapped physical accesses: %" PRIu64 "\n", m->as.unmapped_accesses);
    }
    mon_hv_stats(mon);
    if (m->debug_single_step)
        fputs("note: breakpoints are set, so the machine runs one instruction at a time\n",
              mon->out);
    return 0;
}

/* ---- screendump ---- */

int cmd_screendump(struct monitor *mon, int argc, char **argv)
{
    struct machine *m = mon->machine;
    if (argc != 2)
        return mon_error(mon, "usage: screendump FILE (.png for PNG, else PPM)");
    for (unsigned i = 0; i < m->device_count; i++) {
        struct device *dev = m->device[i];
        if (strcmp(dev->type, "pl110") != 0 && strcmp(dev->type, "pl111") != 0)
            continue;
        int rc = screendump_pl110((struct pl110 *)dev, argv[1]);
        if (rc == -ENODATA)
            return mon_error(mon, "%s: the guest has not programmed the display yet",
                             dev->name);
        if (rc < 0)
            return mon_error(mon, "%s: %s", argv[1], strerror(-rc));
        fprintf(mon->out, "wrote %s from %s\n", argv[1], dev->name);
        return 0;
    }
    return mon_error(mon, "this board has no display controller");
}
