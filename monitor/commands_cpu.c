/*
 * Monitor commands about the CPU: registers (regs, set, print), running
 * and stepping (step, next, cont, stop, until) and picking a CPU.
 */
#include <inttypes.h>
#include <string.h>

#include "hv/domain.h"
#include "mmu/mmu.h"
#include "monitor/internal.h"

/* ---- regs ---- */

static void print_psr(FILE *out, const char *name, uint32_t psr)
{
    fprintf(out, "%s=%08x [%c%c%c%c%c %c%c%c %s %s]", name, psr,
            psr & PSR_N ? 'N' : '-', psr & PSR_Z ? 'Z' : '-', psr & PSR_C ? 'C' : '-',
            psr & PSR_V ? 'V' : '-', psr & PSR_Q ? 'Q' : '-', psr & PSR_I ? 'I' : '-',
            psr & PSR_F ? 'F' : '-', psr & PSR_A ? 'A' : '-',
            psr & PSR_T ? (psr & PSR_J ? "thumbee" : "thumb") : (psr & PSR_J ? "jazelle" : "arm"),
            cpu_mode_name(psr & PSR_M_MASK));
}

/* ARMv6+ fields beyond the bracket: GE, IT, E. */
static void print_psr_extra(FILE *out, const struct arm_cpu *cpu, uint32_t psr)
{
    if (!(cpu->model->features & CPU_FEAT_V6))
        return;
    uint32_t it = ((psr >> 25) & 3) | ((psr >> 8) & 0xfc);
    fprintf(out, " GE=%x IT=%02x E=%u", (psr >> 16) & 0xf, it, (psr & PSR_E) ? 1 : 0);
}

static const char *const gpr_names[16] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
    "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc",
};

static void print_gprs(FILE *out, const struct arm_cpu *cpu)
{
    for (unsigned i = 0; i < 16; i++) {
        char cell[24];
        snprintf(cell, sizeof(cell), "%s=%08x", gpr_names[i], cpu->r[i]);
        fprintf(out, "%-14s", cell);
        if (i % 4 == 3)
            fputc('\n', out);
    }
}

static void print_banked(FILE *out, const struct arm_cpu *cpu)
{
    enum arm_bank cur = cpu_mode_bank(cpu_mode(cpu));
    fputs("banked     sp        lr        spsr\n", out);
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!mon_cpu_has_bank(cpu, (enum arm_bank)b))
            continue;
        char name[16];
        uint32_t sp = 0, lr = 0, spsr = 0;
        const char *bank = mon_bank_name((enum arm_bank)b);
        snprintf(name, sizeof(name), "sp_%s", bank);
        mon_reg_read(cpu, name, &sp);
        snprintf(name, sizeof(name), "lr_%s", bank);
        mon_reg_read(cpu, name, &lr);
        snprintf(name, sizeof(name), "spsr_%s", bank);
        bool has_spsr = b != BANK_USR && mon_reg_read(cpu, name, &spsr);
        char spsr_text[12] = "-";
        if (has_spsr)
            snprintf(spsr_text, sizeof(spsr_text), "%08x", spsr);
        fprintf(out, "  %-7s  %08x  %08x  %-8s%s\n", b == BANK_USR ? "usr/sys" : bank, sp,
                lr, spsr_text, (enum arm_bank)b == cur ? "  (current)" : "");
    }
    /* r8-r12: one copy for FIQ, one for every other mode. */
    for (int fiq = 0; fiq < 2; fiq++) {
        fprintf(out, "  r8-r12 %s:", fiq ? "fiq" : "usr");
        for (unsigned r = 8; r <= 12; r++) {
            char name[16];
            uint32_t v = 0;
            snprintf(name, sizeof(name), "r%u_%s", r, fiq ? "fiq" : "usr");
            mon_reg_read(cpu, name, &v);
            fprintf(out, " %08x", v);
        }
        fputc('\n', out);
    }
}

/* SCTLR bits by name (ARM ARM B4.1.130; ARMv5 B3.4). */
static void print_sctlr(FILE *out, const struct arm_cpu *cpu)
{
    static const struct { uint32_t bit; const char *name; } bits[] = {
        { SCTLR_M, "M" }, { SCTLR_A, "A" }, { SCTLR_C, "C" }, { SCTLR_W, "W" },
        { SCTLR_B, "B" }, { SCTLR_S, "S" }, { SCTLR_R, "R" }, { SCTLR_SW, "SW" },
        { SCTLR_Z, "Z" }, { SCTLR_I, "I" }, { SCTLR_V, "V" }, { SCTLR_RR, "RR" },
        { SCTLR_L4, "L4" }, { SCTLR_U, "U" }, { SCTLR_XP, "XP" }, { SCTLR_VE, "VE" },
        { SCTLR_EE, "EE" }, { SCTLR_TRE, "TRE" }, { SCTLR_AFE, "AFE" }, { SCTLR_TE, "TE" },
    };
    uint32_t v = cpu->cp15.sctlr;
    fprintf(out, "sctlr=%08x [", v);
    bool first = true;
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (v & bits[i].bit) {
            fprintf(out, "%s%s", first ? "" : " ", bits[i].name);
            first = false;
        }
    }
    fprintf(out, "] MMU %s, %s vectors\n", (v & SCTLR_M) ? "on" : "off",
            (v & SCTLR_V) ? "high" : "low");
}

static bool model_is_v7(const struct arm_cpu *cpu)
{
    return (cpu->model->features & CPU_FEAT_V7) != 0;
}

/*
 * Fault status decoded (ARMv5 DDI 0100I Table B4-1 incl. domain; ARMv7
 * short-descriptor DDI 0406C Table B3-23, FS[4] in bit 10, WnR bit 11).
 */
static const char *fsr_status_name(unsigned fs)
{
    switch (fs) {
    case 0x00: return "no fault";
    case 0x01: return "alignment";
    case 0x02: return "debug event";
    case 0x03: return "access flag (section)";
    case 0x04: return "instruction cache maintenance";
    case 0x05: return "translation (section)";
    case 0x06: return "access flag (page)";
    case 0x07: return "translation (page)";
    case 0x08: return "external abort";
    case 0x09: return "domain (section)";
    case 0x0a: return "external abort (page)";
    case 0x0b: return "domain (page)";
    case 0x0c: return "external abort on walk (L1)";
    case 0x0d: return "permission (section)";
    case 0x0e: return "external abort on walk (L2)";
    case 0x0f: return "permission (page)";
    case 0x16: return "asynchronous external abort";
    case 0x18: return "asynchronous parity error";
    default: return "reserved";
    }
}

static void print_fsr(FILE *out, const struct arm_cpu *cpu, const char *name, uint32_t fsr,
                      uint32_t far, const char *far_name, bool data)
{
    unsigned fs = fsr & 0xf;
    if (model_is_v7(cpu))
        fs |= ((fsr >> 10) & 1) << 4;
    fprintf(out, "%s=%08x (%s", name, fsr, fsr_status_name(fs));
    if (data && fs != 1 && fs != 0)
        fprintf(out, ", domain %u", (fsr >> 4) & 0xf);
    if (model_is_v7(cpu) && data)
        fprintf(out, ", %s", (fsr & (1u << 11)) ? "write" : "read");
    if (far_name)
        fprintf(out, ") %s=%08x\n", far_name, far);
    else
        fputs(")\n", out);
}

static void print_cp15(FILE *out, const struct arm_cpu *cpu)
{
    const struct cp15_state *c = &cpu->cp15;
    fprintf(out, "cp15 (%s, midr=%08x): ", cpu->model->name, cpu->model->midr);
    print_sctlr(out, cpu);
    fprintf(out, "  ttbr0=%08x", c->ttbr0);
    if (model_is_v7(cpu))
        fprintf(out, " ttbr1=%08x ttbcr=%08x contextidr=%08x vbar=%08x", c->ttbr1, c->ttbcr,
                c->contextidr, c->vbar);
    else
        fprintf(out, " fcse_pid=%08x", c->fcse_pid);
    fputc('\n', out);
    fprintf(out, "  dacr=%08x", c->dacr);
    static const char *const dom[4] = { "no access", "client", "reserved", "manager" };
    bool any = false;
    for (unsigned d = 0; d < 16; d++) {
        unsigned f = (c->dacr >> (2 * d)) & 3;
        if (f) {
            fprintf(out, "%sd%u=%s", any ? ", " : " (", d, dom[f]);
            any = true;
        }
    }
    fputs(any ? ")\n" : " (every domain: no access)\n", out);
    fputs("  ", out);
    print_fsr(out, cpu, "dfsr", c->dfsr, c->dfar, "dfar", true);
    fputs("  ", out);
    /* ARMv5 has one FAR, for data aborts (DDI 0100I B4.6). */
    print_fsr(out, cpu, "ifsr", c->ifsr, c->ifar, model_is_v7(cpu) ? "ifar" : NULL, false);
}

static void print_vfp(FILE *out, const struct arm_cpu *cpu)
{
    if (!(cpu->model->features & (CPU_FEAT_VFP2 | CPU_FEAT_VFP3)))
        return;
    const struct vfp_state *v = &cpu->vfp;
    uint32_t s = v->fpscr;
    static const char *const rmode[4] = { "nearest", "+inf", "-inf", "zero" };
    fprintf(out, "vfp: fpexc=%08x (%s) fpscr=%08x [%c%c%c%c rounding %s%s%s] fpsid=%08x\n",
            v->fpexc, (v->fpexc & (1u << 30)) ? "enabled" : "disabled", s,
            s & (1u << 31) ? 'N' : '-', s & (1u << 30) ? 'Z' : '-', s & (1u << 29) ? 'C' : '-',
            s & (1u << 28) ? 'V' : '-', rmode[(s >> 22) & 3], (s & (1u << 24)) ? " FZ" : "",
            (s & (1u << 25)) ? " DN" : "", v->fpsid);
    /* MVFR0[3:0]: 1 = 16 double registers, 2 = 32 (DDI 0406C B6.1.12). */
    unsigned nregs = (v->mvfr0 & 0xf) == 2 ? 32 : 16;
    for (unsigned i = 0; i < nregs; i++) {
        char cell[32];
        snprintf(cell, sizeof(cell), "d%u=%016" PRIx64, i, v->d[i]);
        fprintf(out, "%s%-22s", i % 4 ? " " : "  ", cell);
        if (i % 4 == 3)
            fputc('\n', out);
    }
}

void monitor_print_regs(FILE *out, const struct arm_cpu *cpu)
{
    fprintf(out, "cpu%u %s: mode %s, %s state, icount %" PRIu64 "%s\n", cpu->index,
            cpu->model->name, cpu_mode_name(cpu_mode(cpu)), cpu->thumb ? "Thumb" : "ARM",
            cpu->icount, cpu->halted ? " (waiting for interrupt)" : "");
    print_gprs(out, cpu);
    uint32_t cpsr = cpu_get_cpsr(cpu);
    print_psr(out, "cpsr", cpsr);
    print_psr_extra(out, cpu, cpsr);
    if (cpu_mode_has_spsr(cpu_mode(cpu))) {
        fputs("  ", out);
        print_psr(out, "spsr", cpu->spsr);
    }
    fputc('\n', out);
    print_banked(out, cpu);
    print_cp15(out, cpu);
    print_vfp(out, cpu);
    fprintf(out, "irq line %u, fiq line %u; exceptions: und=%" PRIu64 " svc=%" PRIu64
                 " pabt=%" PRIu64 " dabt=%" PRIu64 " irq=%" PRIu64 " fiq=%" PRIu64 "\n",
            cpu->irq_line, cpu->fiq_line, cpu->exceptions_taken[EXC_UNDEFINED],
            cpu->exceptions_taken[EXC_SVC], cpu->exceptions_taken[EXC_PREFETCH_ABORT],
            cpu->exceptions_taken[EXC_DATA_ABORT], cpu->exceptions_taken[EXC_IRQ],
            cpu->exceptions_taken[EXC_FIQ]);
}

int cmd_regs(struct monitor *mon, int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return mon_error(mon, "regs takes no arguments (print REG shows one)");
    unsigned vcpu;
    const struct domain *d = mon_hv_cpu_domain(mon, mon_cpu(mon), &vcpu);
    if (d)
        fprintf(mon->out, "domain %u (%s) vcpu%u\n", d->domid, d->name, vcpu);
    monitor_print_regs(mon->out, mon_cpu(mon));
    return 0;
}

int cmd_set(struct monitor *mon, int argc, char **argv)
{
    if (argc < 3)
        return mon_error(mon, "usage: set REG VALUE");
    uint32_t value;
    if (mon_eval_args(mon, argc, argv, 2, &value) < 0)
        return -1;
    struct arm_cpu *cpu = mon_cpu(mon);
    const char *name = argv[1][0] == '$' ? argv[1] + 1 : argv[1];
    if (!mon_reg_write(cpu, name, value))
        return mon_error(mon, "cannot write '%s' (not a register of %s in this mode, or an "
                         "invalid mode)", argv[1], cpu->model->name);
    uint32_t now = 0;
    mon_reg_read(cpu, name, &now);
    fprintf(mon->out, "%s = 0x%08x\n", name, now);
    mon->next_x = mon->next_disas = cpu->r[15];
    return 0;
}

int cmd_print(struct monitor *mon, int argc, char **argv)
{
    if (argc < 2)
        return mon_error(mon, "usage: print EXPR");
    uint32_t value;
    if (mon_eval_args(mon, argc, argv, 1, &value) < 0)
        return -1;
    char sym[160];
    symtab_format(&mon->syms, value, sym, sizeof(sym));
    fprintf(mon->out, "= 0x%08x (%u)%s%s%s\n", value, value, sym[0] ? " <" : "", sym,
            sym[0] ? ">" : "");
    return 0;
}

/* ---- running ---- */

/* The machine cannot run now: shut down, or already running (socket). */
static bool machine_done(struct monitor *mon)
{
    if (mon_machine_busy(mon))
        return true;
    if (mon->machine->shutdown_requested) {
        mon_error(mon, "the machine has shut down (%s)",
                  mon->machine->shutdown_why ? mon->machine->shutdown_why : "guest request");
        return true;
    }
    return false;
}

int cmd_step(struct monitor *mon, int argc, char **argv)
{
    uint32_t count = 1;
    if (argc > 1 && mon_eval_args(mon, argc, argv, 1, &count) < 0)
        return -1;
    if (count == 0)
        return mon_error(mon, "step: N must be at least 1");
    if (machine_done(mon))
        return -1;
    struct arm_cpu *cpu = mon_cpu(mon);
    uint64_t before = cpu->icount, done;
    enum machine_stop_reason why;
    if (mon->hv) {
        /* Under the hypervisor the steps are the selected vCPU's. */
        why = mon_hv_step(mon, count, &done);
        cpu = mon_cpu(mon);
    } else {
        why = mon_run(mon, count);
        done = cpu->icount - before;
    }
    char where[200];
    mon_format_addr(mon, cpu->r[15], where, sizeof(where));
    fprintf(mon->out, "stepped %" PRIu64 " instruction%s; pc=%s %s mode=%s\n", done,
            done == 1 ? "" : "s", where, cpu->thumb ? "thumb" : "arm",
            cpu_mode_name(cpu_mode(cpu)));
    if (why == STOP_BUDGET)
        mon_print_where(mon);
    else
        monitor_report_stop(mon, why);
    return 0;
}

/* A temporary breakpoint for next/until, then resume. */
static int run_to(struct monitor *mon, uint32_t addr, const char *cond)
{
    struct mon_bp bp = { .kind = MON_BP_BREAK, .addr = addr, .temporary = true };
    if (cond)
        snprintf(bp.cond, sizeof(bp.cond), "%s", cond);
    mon_hv_scope_breakpoint(mon, &bp);
    if (mon_bp_add(mon, &bp) < 0)
        return -1;
    return mon_resume(mon);
}

int cmd_next(struct monitor *mon, int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return mon_error(mon, "next takes no arguments");
    if (machine_done(mon))
        return -1;
    struct arm_cpu *cpu = mon_cpu(mon);
    struct mon_insn insn;
    if (mon_disas_at(mon, cpu->r[15], cpu->thumb, &insn) == 0 && insn.is_call) {
        /* The callee returns to the next instruction with the caller's SP;
         * a recursive call reaching it deeper has a lower SP. */
        char cond[64];
        snprintf(cond, sizeof(cond), "sp >= 0x%08x", cpu->r[13]);
        fprintf(mon->out, "next: over %s %s, to 0x%08x\n", insn.mnemonic, insn.operands,
                cpu->r[15] + insn.size);
        return run_to(mon, cpu->r[15] + insn.size, cond);
    }
    char *step_argv[] = { "step", NULL };
    return cmd_step(mon, 1, step_argv);
}

int cmd_until(struct monitor *mon, int argc, char **argv)
{
    uint32_t addr;
    if (argc < 2)
        return mon_error(mon, "usage: until ADDR");
    if (mon_eval_args(mon, argc, argv, 1, &addr) < 0)
        return -1;
    if (machine_done(mon))
        return -1;
    return run_to(mon, addr, NULL);
}

int cmd_cont(struct monitor *mon, int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return mon_error(mon, "cont takes no arguments");
    if (machine_done(mon))
        return -1;
    return mon_resume(mon);
}

int cmd_stop(struct monitor *mon, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!mon->via_socket || mon->stopped) {
        fputs("the machine is stopped\n", mon->out);
    } else {
        /* A socket client: the frontend holds the machine from now on,
         * until cont. When the command arrives while the guest idles
         * (inside machine_run), stop_requested ends that run too. */
        mon->stopped = true;
        mon->machine->stop_requested = true;
        mon_note_stopped(mon);
        mon_bp_note_stop(mon);
        fputs("stopped\n", mon->out);
    }
    mon_print_where(mon);
    return 0;
}

int cmd_cpu(struct monitor *mon, int argc, char **argv)
{
    struct machine *m = mon->machine;
    if (mon->hv)
        return mon_error(mon, "the board's CPUs run the hypervisor's vCPUs: pick one with "
                         "domain N and vcpu N");
    if (argc > 1) {
        uint64_t n;
        if (mon_parse_number(argv[1], &n) < 0 || n >= m->cpu_count)
            return mon_error(mon, "no cpu '%s' (this board has %u)", argv[1], m->cpu_count);
        mon->cpu_index = (unsigned)n;
        mon->next_x = mon->next_disas = mon_cpu(mon)->r[15];
    }
    for (unsigned i = 0; i < m->cpu_count; i++) {
        const struct arm_cpu *cpu = &m->cpu[i];
        fprintf(mon->out, "%c cpu%u %-10s mode %-3s pc=%08x icount %" PRIu64 "%s\n",
                i == mon->cpu_index ? '*' : ' ', i, cpu->model->name,
                cpu_mode_name(cpu_mode(cpu)), cpu->r[15], cpu->icount,
                cpu->halted ? " (wfi)" : "");
    }
    return 0;
}
