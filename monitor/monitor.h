/*
 * The monitor: one command table, each command with its help text (from
 * which docs/monitor.md is generated: armhv-emu --monitor-reference). The
 * console fronts hand it lines: readline on stdio and scripts with -x in
 * frontends/main.c, a local socket in monitor/console.c.
 *
 * Running the machine from the monitor. `step`, and `next` over an
 * ordinary instruction, run here and return. `cont`, `until` and `next`
 * over a call resume the frontend's main loop (mon->resume), which comes
 * back to the monitor when a breakpoint hits; in a script (mon->batch)
 * they run here until the machine stops, so a script can go on with
 * `regs` after `cont`.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include "devices/machine.h"
#include "monitor/breakpoints.h"
#include "monitor/disas.h"
#include "monitor/symbols.h"

struct hv_system;
struct mon_xs_watch;

struct monitor {
    struct machine *machine;
    FILE *out;
    unsigned cpu_index;      /* CPU the commands act on (bare board) */
    /*
     * Under the hypervisor (monitor_set_hv): the vCPU the commands act on
     * is vCPU sel_vcpu of domain sel_domid, chosen with `domain`/`vcpu`;
     * sel_domid < 0 follows the vCPU that runs now (or ran last).
     */
    struct hv_system *hv;
    int sel_domid;
    unsigned sel_vcpu;
    struct mon_xs_watch *xs_watches;    /* `xenstore watch` (commands_hv.c) */
    bool resume;             /* `cont` was given: the frontend runs the machine */
    bool quit;               /* `quit` was given */
    bool batch;              /* commands come from a script (see above) */
    bool stopped;            /* `stop` from a socket client holds the machine */
    bool via_socket;         /* the command being run came from the socket */

    struct mon_breakpoints bp;
    struct symtab syms;
    struct mon_disas disas;
    uint32_t next_x;         /* where `x` without an address goes on */
    uint32_t next_disas;     /* likewise `disas` */

    /* `stats`: the whole session and the last run (resume to stop). */
    uint64_t start_ns, start_icount;
    uint64_t resume_ns, resume_icount;
    uint64_t last_run_ns, last_run_icount;
    bool running;            /* resumed and not yet seen stopped */
    FILE *trace_file;        /* opened by `trace ... FILE` */
};

struct monitor_command {
    const char *name;
    const char *args;
    const char *help;        /* first sentence: summary line of `help` */
    int (*run)(struct monitor *mon, int argc, char **argv);
};

extern const struct monitor_command monitor_commands[];

void monitor_init(struct monitor *mon, struct machine *m, FILE *out);
/* Gives the monitor the hypervisor of a partitioned machine (domains,
 * event channels, grants, xenstore, rings; vCPUs as what it acts on). */
void monitor_set_hv(struct monitor *mon, struct hv_system *hv);
void monitor_destroy(struct monitor *mon);
/* Runs one command line; returns 0, or -1 after printing why it failed. */
int monitor_execute(struct monitor *mon, const char *line);
/* Prints the registers of a CPU the way `regs` does. */
void monitor_print_regs(FILE *out, const struct arm_cpu *cpu);
/* Explains why the machine stopped (breakpoint, shutdown, ...). */
void monitor_report_stop(struct monitor *mon, enum machine_stop_reason why);
/* The frontend enters the interactive monitor (Ctrl-A c, -S, a breakpoint). */
void monitor_enter(struct monitor *mon);
/*
 * Symbols of the boot image when it is an ELF file, else of a System.map
 * in the same directory; quiet when there are none.
 */
void monitor_load_kernel_symbols(struct monitor *mon, const char *path);
/* docs/monitor.md: the command reference in Markdown. */
void monitor_write_reference(FILE *out);

#endif
