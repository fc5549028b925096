/*
 * The monitor: one command table, each command with its help text. The
 * console front (readline on stdio, scripts with -x) hands it lines.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include "devices/machine.h"

struct monitor {
    struct machine *machine;
    FILE *out;
    unsigned cpu_index;      /* CPU the commands act on */
    bool resume;             /* `cont` was given */
    bool quit;               /* `quit` was given */
};

struct monitor_command {
    const char *name;
    const char *args;
    const char *help;
    int (*run)(struct monitor *mon, int argc, char **argv);
};

extern const struct monitor_command monitor_commands[];

void monitor_init(struct monitor *mon, struct machine *m, FILE *out);
/* Runs one command line; returns 0, or -1 after printing why it failed. */
int monitor_execute(struct monitor *mon, const char *line);
/* Prints the registers of a CPU the way `regs` does. */
void monitor_print_regs(FILE *out, const struct arm_cpu *cpu);
/* Explains why the machine stopped (breakpoint, shutdown, ...). */
void monitor_report_stop(struct monitor *mon, enum machine_stop_reason why);

#endif
