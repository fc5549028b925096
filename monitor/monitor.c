/*
 * The monitor's command table, line dispatch and the helpers every
 * command file shares. Each command is one function (commands_*.c,
 * breakpoints.c) and one row of monitor_commands; `help`, `help CMD` and
 * docs/monitor.md are all printed from the rows, so they cannot drift
 * from what exists.
 */
#include "monitor/monitor.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/mem.h"
#include "monitor/internal.h"

static int cmd_help(struct monitor *mon, int argc, char **argv);
static int cmd_quit(struct monitor *mon, int argc, char **argv);

const struct monitor_command monitor_commands[] = {
    { "help", "[CMD]",
      "List the commands, or show one command's full help. Numbers are decimal, 0x hex or "
      "0b binary. Wherever an address or value is expected an expression may be given: "
      "registers (r0-r15, sp, lr, pc, ip, fp, cpsr, spsr, banked copies such as sp_svc, "
      "lr_irq, spsr_abt, r8_fiq), symbols, [ADDR] for the word at a virtual address, "
      "+ - * << >> & | ~ ! and the comparisons == != < <= > >= joined by && and ||.",
      cmd_help },
    { "regs", "",
      "Show the selected CPU's registers. r0-r15; the CPSR decoded (flags, interrupt "
      "masks, state, mode) and the SPSR; sp, lr and spsr of every mode the model has and "
      "both r8-r12 sets; a CP15 summary (SCTLR bits by name, translation table bases, "
      "DACR per domain, DFSR/IFSR with the fault decoded, FAR); FPEXC, FPSCR and d0-d31 "
      "on models with VFP; the interrupt inputs and exceptions taken.", cmd_regs },
    { "step", "[N]",
      "Execute N instructions (default 1). Then show where the CPU is and the next "
      "instruction. Stops early at a breakpoint or watchpoint. A pending unmasked "
      "interrupt is taken first, as the hardware would, so a step can land on a vector.",
      cmd_step },
    { "next", "",
      "Step over a call. When the next instruction is BL or BLX, run until the PC reaches "
      "the return address with the stack pointer back at or above its value now (so a "
      "recursive call does not stop it early); otherwise the same as step.", cmd_next },
    { "cont", "",
      "Resume the machine. Interactively the monitor comes back when a breakpoint or "
      "watchpoint hits (or on Ctrl-A c). In a script (-x) the machine runs until a "
      "breakpoint, watchpoint, shutdown, or a guest that waits for an interrupt that "
      "cannot come stops it, and the script goes on.", cmd_cont },
    { "stop", "",
      "Stop the machine. For a client of the monitor socket while the machine runs; on "
      "the console and in scripts the machine is stopped whenever the monitor reads "
      "commands.", cmd_stop },
    { "until", "ADDR",
      "Run until the PC reaches ADDR. A temporary breakpoint, removed when anything stops "
      "the machine. `until lr` finishes the current function.", cmd_until },
    { "break", "[[pa:]ADDR [if COND]]",
      "Set a breakpoint, or list them. ADDR is a virtual address, or physical with "
      "pa:ADDR (any mapping of that page then stops). With `if COND` the machine stops "
      "only when the expression COND is non-zero when the PC gets there, e.g. `break "
      "0x8000 if r0 == 5` or `break main if [sp] != 0`. Without arguments, list "
      "breakpoints and watchpoints with their hit counts. While any breakpoint exists "
      "the machine runs one instruction at a time (about a third of full speed). Under "
      "the hypervisor a breakpoint set while a domain is selected (domain N) stops only "
      "that domain's vCPUs.",
      cmd_break },
    { "watch", "[pa:]ADDR [LEN] [r|w|rw] [if COND]",
      "Set a watchpoint. The machine stops after an instruction reads (r), writes (w, the "
      "default) or does either (rw) any of the LEN bytes (default 4) at virtual address "
      "ADDR, or physical with pa:ADDR (catching every alias). The report shows the "
      "access, the old and new value and the instruction. Watched pages lose their TLB "
      "fast path; the rest of memory runs at full speed. The page-table walker and the "
      "monitor's own reads never hit. Under the hypervisor, as for break, a watchpoint set "
      "while a domain is selected is that domain's only.", cmd_watch },
    { "delete", "[N...]",
      "Delete breakpoints and watchpoints. By number (see info break), or all of them.",
      cmd_delete },
    { "info", "break",
      "List breakpoints and watchpoints. Number, kind, address with symbol, length and "
      "access for watchpoints, condition, and how often each stopped the machine.",
      cmd_info },
    { "x", "[/NFMT] [ADDR] [arm|thumb]",
      "Examine virtual memory. The read goes through the selected CPU's MMU as a "
      "privileged access, with no side effects: no FSR, FAR or TLB change, and device "
      "registers read as 0. NFMT: a count N, a format x (hex, the default), d (signed), u "
      "(unsigned), c (characters), s (NUL-terminated string) or i (instructions; ARM or "
      "Thumb as CPSR.T, an odd address or a Thumb function symbol says, or `arm`/`thumb` "
      "after ADDR), and a unit size b, h or w (1, 2, 4 bytes). Examples: x/4x sp, x/16xb "
      "0x10000, x/s r0, x/10i pc, x/2i main thumb. Without ADDR, go on after the last x.",
      cmd_x },
    { "xp", "[/NFMT] PADDR",
      "Examine physical memory. RAM and ROM only (device registers are never read; use "
      "devices NAME). Under the hypervisor, the selected domain's guest-physical (IPA) "
      "space. The formats of x except i.", cmd_x },
    { "disas", "[ADDR [N]] [arm|thumb]",
      "Disassemble with capstone. N instructions (default 10) at ADDR; without ADDR "
      "around the PC (ARM: from three instructions before it), then on from where the "
      "last disas ended. The current PC is marked =>, addresses show symbol+offset.",
      cmd_disas },
    { "walk", "VA [r|w|x] [user]",
      "Explain the translation of a virtual address. The selected CPU's page-table walker "
      "translates VA for a read (default), write or execute, privileged or as user, and "
      "prints each level: the descriptor's address and value, what it maps, the domain "
      "and access permission checks and why access is granted, or the fault (FSR status "
      "and domain) the CPU would take. Then the physical address, mapping size, "
      "permissions for both privileges and what the address is (RAM, ROM, device). The "
      "CPU's fault registers and TLB are not touched.", cmd_walk },
    { "tlb", "[all]",
      "List the valid entries of the selected CPU's software TLB. For the privileged "
      "(PL1) and user (PL0) halves: index, virtual page, physical page, the permissions "
      "of the cached translation, which fast-path tags are set (r, w, x: the inline load, "
      "store and fetch paths use the host page directly) and the decoded code blocks "
      "(A: ARM, T: Thumb). A permission without its fast tag means the slow path handles "
      "that access: a device, a code page being written, a watchpoint. The first 64 "
      "entries unless `all`.", cmd_tlb },
    { "symbols", "[FILE]",
      "Load or show symbols. FILE is an ELF file or a System.map (nm output); it replaces "
      "what is loaded. At start the monitor loads the symbols of [boot] kernel when it is "
      "an ELF file, or else a System.map in the kernel's directory.",
      cmd_symbols },
    { "devices", "[NAME]",
      "List the devices, or show one device's registers by name. The list gives each "
      "device's model and address range.", cmd_devices },
    { "irq", "[all]",
      "Show interrupt state per line. First each CPU's IRQ and FIQ inputs and whether "
      "CPSR masks them, then every interrupt controller: for the PL190 VIC and the "
      "Versatile SIC each line's input level, soft bit, enable, IRQ or FIQ routing or "
      "pass-through, and pending state; for a GIC each interrupt's enable, pending, "
      "active, priority, group, targets and trigger. Lines neither raised nor enabled are "
      "listed only with `all`. Under the hypervisor first the selected domain's vCPU "
      "inputs and its virtual GIC (event upcall PPI 31, virtual timer PPI 27), then the "
      "board's controllers.", cmd_irq },
    { "trace", "[CLASS on|off [FILE]]",
      "Switch trace classes on or off. CLASS is int (exceptions), mmio, irq, mmu, hv "
      "(hypercalls with arguments and results, event channels, grant maps, xenstore "
      "requests, world switches; `hypercalls` is another name for it), guest_errors, "
      "unimp, a comma list of them, or all. With FILE, traces go to that "
      "file from now on (otherwise where -D put them, stderr by default). Without "
      "arguments, show which classes are on.", cmd_trace },
    { "stats", "",
      "Show counters. Instructions and guest MIPS over the last run and the whole session, "
      "host seconds and virtual time, per CPU the instructions and exceptions by type, "
      "TLB fills, slow-path page walks and faults, the decode cache's blocks, decodes "
      "and invalidations by stores. Under the hypervisor also per domain: instructions, "
      "hypercalls (total and the most frequent by name), traps, PSCI calls, world "
      "switches, events sent, received and dropped, grant maps, unmaps and copies, "
      "console bytes, and per vCPU the instructions, upcalls, exceptions and MMU "
      "counters; and the scheduler's switches and idle skips.", cmd_stats },
    { "screendump", "FILE",
      "Write the display to a file. The CLCD's current frame, as PNG when FILE ends in "
      ".png, else as binary PPM.", cmd_screendump },
    { "savevm", "FILE",
      "Save the machine to FILE. CPU registers of every mode, CP15, VFP/NEON, the "
      "exclusive monitor, RAM, every device's registers and FIFOs, virtual time and the "
      "armed timer events, and on a board with several CPUs which one runs and what is "
      "left of its round-robin quantum, zlib-compressed. The file is written atomically "
      "(FILE.tmp, fsync, rename): a crash leaves the old file or the new one. Disk "
      "images, the terminal and breakpoints are not part of it. On a partitioned machine "
      "([hypervisor]) it also holds the hypervisor: domains, vCPUs, event channels, grant "
      "tables and mappings, PV consoles, vGICs and timers, the scheduler and the "
      "xenstore (docs/debugging.md, \"Snapshots\"). Refused when a device model has no "
      "snapshot support (the message names it), and on a partitioned machine while a "
      "xenstore transaction is open.",
      cmd_savevm },
    { "loadvm", "FILE",
      "Load a snapshot written by savevm. The machine must be the same board with the "
      "same CPUs, memory size, devices and clock rate, and on a partitioned machine the "
      "same domains running as the same ids. Every field is checked before "
      "anything changes: a corrupt, truncated, other-board or other-version file gives "
      "an error and leaves the running machine as it was. Decoded code and TLBs are "
      "dropped; the run goes on from the saved instruction.", cmd_loadvm },
    { "statehash", "[sections]",
      "Print a hash of the machine state. A 64-bit FNV-1a hash of exactly what savevm "
      "would save (CPUs, RAM, devices, clock and events, and the hypervisor), and the "
      "instruction count, so two runs can be compared: the same state gives the same "
      "hash. With `sections`, also one hash and size per section (machine, clock, cpuN, "
      "ram, dev:NAME, hv) to find "
      "where two states differ.", cmd_statehash },
    { "cpu", "[N]",
      "Select the CPU the other commands act on, or list the CPUs. On a bare board; under "
      "the hypervisor use domain and vcpu.", cmd_cpu },
    { "domain", "[N|NAME|auto]",
      "Select the domain the other commands act on. Under the hypervisor regs, set, print, "
      "step, next, until, x, xp, disas, walk and tlb act on one vCPU: vCPU 0 of the domain "
      "chosen here (by id or name; vcpu N picks another). Breakpoints and watchpoints set "
      "while a domain is selected stop only that domain's vCPUs (listed with (domN)), "
      "because every domain has its own virtual and guest-physical addresses; step N counts "
      "the selected vCPU's instructions while the other vCPUs run as scheduled. `auto` (the "
      "start) follows the vCPU that runs now or ran last (Dom0's vCPU 0 before any ran), and "
      "step N then counts the whole machine's instructions. A breakpoint hit selects the vCPU "
      "that hit it. Without an argument, show the selection and the domains.", cmd_domain },
    { "vcpu", "[N]",
      "Select a vCPU of the selected domain, or list them. Each vCPU with its state (running, "
      "waiting, offline), PC, mode and instruction count.", cmd_vcpu },
    { "domains", "",
      "List the hypervisor's domains. Id, name, state (running, blocked, paused, shutdown, "
      "dying), RAM size, vCPUs, instructions retired, hypercalls, traps to the hypervisor, "
      "world switches (times one of its vCPUs was switched in) and events sent and "
      "received. The selected domain is marked *.", cmd_domains },
    { "evtchn", "[DOM]",
      "Show a domain's event channels. Every port in use: its state (unbound, interdomain, "
      "virq, service), what it is bound to (the peer domain and port, the VIRQ, or the "
      "hypervisor service: console or xenstore back-end), the vCPU it notifies, its pending "
      "and masked bits read from the guest's shared_info, and how often it was sent and "
      "delivered; then each vCPU's upcall_pending and pending_sel words. DOM is an id or a "
      "name; the default is the selected domain.", cmd_evtchn },
    { "grants", "[DOM]",
      "Show a domain's grant table and the mappings of it. Each entry in use (read from the "
      "table in the guest's RAM): ref, flags decoded (permit_access, readonly, reading, "
      "writing), the grantee domid, the frame, and the hypervisor's pin counts; then the "
      "mappings other domains hold of these grants (domain, handle, ref, where they mapped "
      "it) and the mappings this domain holds of others' grants.", cmd_grants },
    { "xenstore", "ls [PATH] | read PATH | write PATH VALUE | watch [PATH] | unwatch PATH",
      "Inspect and change the xenstore. ls lists PATH (default /) and everything below it "
      "with values and permissions (n0 = owner dom0, r1 = dom1 may read ...). read prints "
      "one value; write sets one as Dom0 would, firing the guests' watches (the VALUE is "
      "the rest of the line). watch PATH makes the monitor watch a subtree: whenever the "
      "monitor gets control back (after step, cont, a breakpoint, a script's next command) "
      "it prints each node added, changed or removed below PATH since it last looked (the "
      "net change, not every intermediate write); unwatch PATH stops that. watch without "
      "PATH lists the monitor's watches and how many watches each domain has registered.",
      cmd_xenstore },
    { "rings", "[DOM]",
      "Show a domain's shared rings. The PV console ring (out: guest to hypervisor, in: "
      "hypervisor to guest) and the xenstore ring (requests and responses) with producer "
      "and consumer indexes and the bytes pending, their event channels; then each "
      "split-driver ring found through a ring-ref key under the domain's xenstore "
      "device/ directory (vbd, vif, ...): the grant ref, the frame, and the shared ring's "
      "req_prod, rsp_prod and event indexes.", cmd_rings },
    { "set", "REG VALUE",
      "Write a register of the selected CPU. REG is any name regs and expressions know "
      "(r0-r15, sp, lr, pc, cpsr, spsr, sp_svc, r8_fiq, ...); VALUE is an expression. A "
      "CPSR write with a new mode switches the register banks.", cmd_set },
    { "print", "EXPR",
      "Evaluate an expression. Prints it in hex and decimal, with the symbol it points "
      "into.", cmd_print },
    { "quit", "", "Leave the emulator.", cmd_quit },
    { NULL, NULL, NULL, NULL },
};

/* Short names accepted besides the table's (gdb habits). */
static const struct { const char *alias, *name; } command_aliases[] = {
    { "c", "cont" }, { "s", "step" }, { "si", "step" }, { "stepi", "step" }, { "n", "next" },
    { "b", "break" }, { "p", "print" }, { "q", "quit" }, { "r", "regs" }, { "u", "until" },
};

static const struct monitor_command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(command_aliases) / sizeof(command_aliases[0]); i++)
        if (strcmp(name, command_aliases[i].alias) == 0)
            name = command_aliases[i].name;
    for (const struct monitor_command *c = monitor_commands; c->name; c++)
        if (strcmp(name, c->name) == 0)
            return c;
    return NULL;
}

/* ---- helpers shared by the command files ---- */

int mon_error(struct monitor *mon, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", mon->out);
    vfprintf(mon->out, fmt, ap);
    fputc('\n', mon->out);
    va_end(ap);
    return -1;
}

static int read_word_va(void *opaque, uint32_t va, uint32_t *value)
{
    struct monitor *mon = opaque;
    return cpu_debug_read(mon_cpu(mon), va, value, 4);
}

void mon_env(struct monitor *mon, struct mon_expr_env *env)
{
    env->cpu = mon_cpu(mon);
    env->syms = &mon->syms;
    env->read_word = read_word_va;
    env->opaque = mon;
}

void mon_join(char *buf, size_t len, int argc, char **argv, int first)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = first; i < argc && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i > first ? " " : "",
                                 argv[i]);
}

int mon_eval(struct monitor *mon, const char *text, uint32_t *value)
{
    struct mon_expr_env env;
    char err[160];
    mon_env(mon, &env);
    if (mon_expr_eval(&env, text, value, err, sizeof(err)) < 0)
        return mon_error(mon, "%s: %s", text, err);
    return 0;
}

int mon_eval_args(struct monitor *mon, int argc, char **argv, int first, uint32_t *value)
{
    char text[512];
    mon_join(text, sizeof(text), argc, argv, first);
    return mon_eval(mon, text, value);
}

void mon_format_addr(struct monitor *mon, uint32_t addr, char *buf, size_t len)
{
    char sym[160];
    symtab_format(&mon->syms, addr, sym, sizeof(sym));
    if (sym[0])
        snprintf(buf, len, "0x%08x <%s>", addr, sym);
    else
        snprintf(buf, len, "0x%08x", addr);
}

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void note_resumed(struct monitor *mon)
{
    mon->running = true;
    mon->resume_ns = host_ns();
    mon->resume_icount = machine_instructions(mon->machine);
}

void mon_note_stopped(struct monitor *mon)
{
    if (!mon->running)
        return;
    mon->running = false;
    mon->last_run_ns = host_ns() - mon->resume_ns;
    mon->last_run_icount = machine_instructions(mon->machine) - mon->resume_icount;
    mon_hv_poll_watches(mon);
}

bool mon_machine_busy(struct monitor *mon)
{
    if (!mon->machine->running)
        return false;
    /* A socket client served while the guest idles (machine.h idle_wait):
     * machine_run is on the stack and cannot be entered again. */
    mon_error(mon, "the machine is running; stop it first");
    return true;
}

enum machine_stop_reason mon_run(struct monitor *mon, uint64_t budget)
{
    struct machine *m = mon->machine;
    /* The guest's serial output goes straight to the terminal: let what
     * the monitor printed so far come first. */
    fflush(mon->out);
    note_resumed(mon);
    enum machine_stop_reason why = machine_run(m, budget);
    mon_note_stopped(mon);
    mon_bp_note_stop(mon);
    return why;
}

int mon_resume(struct monitor *mon)
{
    if (!mon->batch) {
        /* The frontend's main loop runs the machine (with the terminal
         * and socket polled) and comes back on a stop. */
        mon->machine->stop_requested = false;
        mon->resume = true;
        mon->stopped = false;
        note_resumed(mon);
        return 0;
    }
    monitor_report_stop(mon, mon_run(mon, 0));
    return 0;
}

/* ---- lifetime ---- */

void monitor_init(struct monitor *mon, struct machine *m, FILE *out)
{
    memset(mon, 0, sizeof(*mon));
    mon->machine = m;
    mon->out = out;
    symtab_init(&mon->syms);
    mon_disas_init(&mon->disas);
    mon_bp_init(mon);
    mon->start_ns = host_ns();
    mon->start_icount = machine_instructions(m);
    /* The frontend runs the machine from here unless the monitor is
     * entered first: count that as the first run. */
    note_resumed(mon);
    mon->next_x = mon->next_disas = m->cpu_count ? machine_current_cpu(m)->r[15] : 0;
    mon->sel_domid = -1;
}

void monitor_set_hv(struct monitor *mon, struct hv_system *hv)
{
    mon->hv = hv;
    mon->sel_domid = -1;
    if (hv)
        mon->next_x = mon->next_disas = mon_cpu(mon)->r[15];
}

void monitor_destroy(struct monitor *mon)
{
    struct machine *m = mon->machine;
    if (m && m->debug_opaque == mon) {
        m->debug_check = NULL;
        m->debug_opaque = NULL;
        m->debug_single_step = false;
        for (unsigned i = 0; i < m->cpu_count; i++)
            mmu_set_watchpoints(&m->mmu[i], NULL, 0);
    }
    mon_hv_destroy(mon);
    symtab_free(&mon->syms);
    mon_disas_close(&mon->disas);
    /* A trace file opened here stays open: the machine's trace may still
     * point at it, and the frontend closes m->trace.out at exit. */
}

void monitor_load_kernel_symbols(struct monitor *mon, const char *path)
{
    char err[256];
    if (!path)
        return;
    if (symtab_file_is_elf(path)) {
        if (symtab_load(&mon->syms, path, err, sizeof(err)) < 0)
            fprintf(stderr, "armhv-emu: monitor: no symbols: %s\n", err);
        return;
    }
    /* A zImage has no symbols; a System.map beside it (as the kernel's
     * build leaves it) names the same addresses. */
    const char *slash = strrchr(path, '/');
    char map[4096];
    snprintf(map, sizeof(map), "%.*sSystem.map", slash ? (int)(slash - path + 1) : 0, path);
    if (access(map, R_OK) == 0 && symtab_load(&mon->syms, map, err, sizeof(err)) < 0)
        fprintf(stderr, "armhv-emu: monitor: no symbols: %s\n", err);
}

void monitor_enter(struct monitor *mon)
{
    mon_note_stopped(mon);
    mon_bp_clear_temporary(mon);
    mon_bp_note_stop(mon);
    mon->resume = false;
    struct arm_cpu *cpu = mon_cpu(mon);
    mon->next_x = mon->next_disas = cpu->r[15];
}

/* ---- stop reports ---- */

void mon_print_where(struct monitor *mon)
{
    struct arm_cpu *cpu = mon_cpu(mon);
    struct mon_insn insn;
    mon->next_x = mon->next_disas = cpu->r[15];
    if (mon_disas_at(mon, cpu->r[15], cpu->thumb, &insn) == 0) {
        mon_print_insn(mon, cpu->r[15], &insn, true);
    } else {
        char where[200];
        mon_format_addr(mon, cpu->r[15], where, sizeof(where));
        fprintf(mon->out, "=> %s: no translation (prefetch abort next)\n", where);
    }
}

void monitor_report_stop(struct monitor *mon, enum machine_stop_reason why)
{
    FILE *out = mon->out;
    struct arm_cpu *cpu = mon_cpu(mon);
    mon_note_stopped(mon);
    mon->next_x = mon->next_disas = cpu->r[15];
    switch (why) {
    case STOP_BREAKPOINT:
    case STOP_WATCHPOINT:
        mon_bp_report_hit(mon, out);
        mon_hv_note_stop(mon);
        break;
    case STOP_SHUTDOWN:
        fprintf(out, "machine shut down: %s\n",
                mon->machine->shutdown_why ? mon->machine->shutdown_why : "guest request");
        break;
    case STOP_HALTED:
        if (mon->hv)
            fputs("every vCPU waits for an interrupt and no event is pending\n", out);
        else
            fprintf(out, "cpu%u waits for an interrupt and no event is pending\n", cpu->index);
        break;
    case STOP_REQUESTED:
        fputs("stopped\n", out);
        break;
    default:
        break;
    }
    if (why != STOP_SHUTDOWN && why != STOP_BUDGET && why != STOP_NONE)
        mon_print_where(mon);
    /* next/until are over whatever stopped the machine. */
    mon_bp_clear_temporary(mon);
}

/* ---- help, quit, dispatch ---- */

/* The first sentence of a help text: up to ". " or the end. */
static int summary_length(const char *help)
{
    const char *dot = strstr(help, ". ");
    return dot ? (int)(dot - help + 1) : (int)strlen(help);
}

/* Prints text wrapped at width columns, each line starting with indent. */
static void print_wrapped(FILE *out, const char *text, int indent, int width)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        int len = (int)strlen(p);
        if (len > width - indent) {
            len = width - indent;
            while (len > 0 && p[len] != ' ')
                len--;
            if (len == 0)
                len = width - indent;
        }
        fprintf(out, "%*s%.*s\n", indent, "", len, p);
        p += len;
    }
}

static int cmd_help(struct monitor *mon, int argc, char **argv)
{
    if (argc > 1) {
        const struct monitor_command *c = find_command(argv[1]);
        if (!c)
            return mon_error(mon, "no command '%s' (try help)", argv[1]);
        fprintf(mon->out, "%s %s\n", c->name, c->args);
        print_wrapped(mon->out, c->help, 4, 80);
        return 0;
    }
    for (const struct monitor_command *c = monitor_commands; c->name; c++)
        fprintf(mon->out, "%-10s %-24s %.*s\n", c->name, c->args, summary_length(c->help),
                c->help);
    fputs("help CMD shows a command's full help.\n", mon->out);
    return 0;
}

static int cmd_quit(struct monitor *mon, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mon->quit = true;
    return 0;
}

void monitor_write_reference(FILE *out)
{
    fputs("# Monitor command reference\n"
          "\n"
          "<!-- Generated by `armhv-emu --monitor-reference` from the command table in\n"
          "     monitor/monitor.c; tests/cli/monitor_docs.sh checks it is current. -->\n"
          "\n"
          "The monitor stops, steps and inspects the emulated machine. Reach it with\n"
          "`-S` (start stopped), Ctrl-A c on the serial console, `-x FILE` (a script of\n"
          "commands; a failing command exits with status 1), or a local socket with\n"
          "`-monitor unix:PATH` (or `-monitor tcp:127.0.0.1:PORT`; one client at a\n"
          "time, e.g. `socat - UNIX-CONNECT:PATH`). On a terminal it has line editing,\n"
          "history and tab completion of commands, registers, device names, domain\n"
          "names and symbols.\n"
          "\n"
          "Under the hypervisor (a board.cfg with `[hypervisor]`) the CPU commands act on\n"
          "one vCPU, picked with `domain` and `vcpu`; `domains`, `evtchn`, `grants`,\n"
          "`xenstore` and `rings` show the hypervisor's own state, `walk` adds the\n"
          "stage-2 step and `stats` the per-domain counters.\n"
          "\n"
          "In a script, `cont`, `until` and `next` run the machine until it stops and\n"
          "the script goes on; interactively they resume the machine, and the monitor\n"
          "comes back when a breakpoint or watchpoint hits.\n"
          "\n"
          "| Command | Arguments | Summary |\n"
          "| --- | --- | --- |\n", out);
    for (const struct monitor_command *c = monitor_commands; c->name; c++) {
        fprintf(out, "| [`%s`](#%s) | ", c->name, c->name);
        if (c->args[0]) {
            /* A | inside a table cell must be escaped, even in code. */
            fputc('`', out);
            for (const char *p = c->args; *p; p++)
                fprintf(out, *p == '|' ? "\\|" : "%c", *p);
            fputc('`', out);
        }
        fprintf(out, " | %.*s |\n", summary_length(c->help), c->help);
    }
    fputs("\nShort forms:\n", out);
    for (size_t i = 0; i < sizeof(command_aliases) / sizeof(command_aliases[0]); i++)
        fprintf(out, "`%s` = `%s`%s", command_aliases[i].alias, command_aliases[i].name,
                i + 1 < sizeof(command_aliases) / sizeof(command_aliases[0]) ? ",\n" : ".\n");
    for (const struct monitor_command *c = monitor_commands; c->name; c++) {
        fprintf(out, "\n## %s\n\n", c->name);
        fprintf(out, "    %s%s%s\n\n", c->name, c->args[0] ? " " : "", c->args);
        print_wrapped(out, c->help, 0, 80);
    }
}

int monitor_execute(struct monitor *mon, const char *line)
{
    char buf[1024];
    char *argv[MON_MAX_ARGS];
    int argc = 0;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *tok = strtok(buf, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        if (argc == MON_MAX_ARGS)
            return mon_error(mon, "too many words (at most %d)", MON_MAX_ARGS);
        argv[argc++] = tok;
    }
    if (argc == 0 || argv[0][0] == '#')
        return 0;
    /* x/4x: the format rides on the command word. */
    char name[32];
    size_t n = strcspn(argv[0], "/");
    snprintf(name, sizeof(name), "%.*s", (int)n, argv[0]);
    const struct monitor_command *c = find_command(name);
    if (!c)
        return mon_error(mon, "unknown command '%s' (try help)", name);
    if (argv[0][n] == '/' && strcmp(c->name, "x") != 0 && strcmp(c->name, "xp") != 0)
        return mon_error(mon, "only x and xp take a /FORMAT");
    return c->run(mon, argc, argv);
}
