/*
 * Monitor commands. Each command is one function and one row of
 * monitor_commands; `help` prints the table, so help cannot drift from
 * what exists.
 */
#include "monitor/monitor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/mem.h"

#define MONITOR_MAX_ARGS 8

void monitor_init(struct monitor *mon, struct machine *m, FILE *out)
{
    memset(mon, 0, sizeof(*mon));
    mon->machine = m;
    mon->out = out;
}

static struct arm_cpu *monitor_cpu(struct monitor *mon)
{
    return &mon->machine->cpu[mon->cpu_index];
}

static int parse_number(struct monitor *mon, const char *text, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 0);
    if (end == text || *end || errno) {
        fprintf(mon->out, "error: '%s' is not a number\n", text);
        return -1;
    }
    *out = value;
    return 0;
}

static void print_psr(FILE *out, const char *name, uint32_t psr)
{
    fprintf(out, "%s=%08x [%c%c%c%c%c %c%c%c %s %s]", name, psr,
            psr & PSR_N ? 'N' : '-', psr & PSR_Z ? 'Z' : '-', psr & PSR_C ? 'C' : '-',
            psr & PSR_V ? 'V' : '-', psr & PSR_Q ? 'Q' : '-', psr & PSR_I ? 'I' : '-',
            psr & PSR_F ? 'F' : '-', psr & PSR_A ? 'A' : '-', psr & PSR_T ? "thumb" : "arm",
            cpu_mode_name(psr & PSR_M_MASK));
}

static const char *const register_names[16] = {
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
    "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc",
};

void monitor_print_regs(FILE *out, const struct arm_cpu *cpu)
{
    for (unsigned i = 0; i < 16; i++) {
        fprintf(out, "%s%-3s=%08x", i % 4 ? "  " : "", register_names[i], cpu->r[i]);
        if (i % 4 == 3)
            fputc('\n', out);
    }
    print_psr(out, "cpsr", cpu_get_cpsr(cpu));
    if (cpu_mode_has_spsr(cpu_mode(cpu))) {
        fputs("  ", out);
        print_psr(out, "spsr", cpu->spsr);
    }
    fputc('\n', out);
    fprintf(out, "sctlr=%08x ttbr0=%08x dacr=%08x dfsr=%08x dfar=%08x ifsr=%08x\n",
            cpu->cp15.sctlr, cpu->cp15.ttbr0, cpu->cp15.dacr, cpu->cp15.dfsr,
            cpu->cp15.dfar, cpu->cp15.ifsr);
    fprintf(out, "icount=%" PRIu64 "%s exceptions: und=%" PRIu64 " svc=%" PRIu64
                 " pabt=%" PRIu64 " dabt=%" PRIu64 " irq=%" PRIu64 " fiq=%" PRIu64 "\n",
            cpu->icount, cpu->halted ? " (waiting for interrupt)" : "",
            cpu->exceptions_taken[EXC_UNDEFINED], cpu->exceptions_taken[EXC_SVC],
            cpu->exceptions_taken[EXC_PREFETCH_ABORT], cpu->exceptions_taken[EXC_DATA_ABORT],
            cpu->exceptions_taken[EXC_IRQ], cpu->exceptions_taken[EXC_FIQ]);
}

static int cmd_regs(struct monitor *mon, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    monitor_print_regs(mon->out, monitor_cpu(mon));
    return 0;
}

void monitor_report_stop(struct monitor *mon, enum machine_stop_reason why)
{
    struct arm_cpu *cpu = monitor_cpu(mon);
    switch (why) {
    case STOP_BREAKPOINT:
        fprintf(mon->out, "breakpoint at 0x%08x\n", cpu->r[15]);
        break;
    case STOP_SHUTDOWN:
        fprintf(mon->out, "machine shut down: %s\n",
                mon->machine->shutdown_why ? mon->machine->shutdown_why : "guest request");
        break;
    case STOP_HALTED:
        fprintf(mon->out, "cpu%u waits for an interrupt and no event is pending\n",
                cpu->index);
        break;
    default:
        break;
    }
}

static int cmd_step(struct monitor *mon, int argc, char **argv)
{
    uint64_t count = 1;
    if (argc > 1 && parse_number(mon, argv[1], &count) < 0)
        return -1;
    struct machine *m = mon->machine;
    uint64_t before = monitor_cpu(mon)->icount;
    enum machine_stop_reason why = machine_run(m, count);
    uint64_t done = monitor_cpu(mon)->icount - before;
    struct arm_cpu *cpu = monitor_cpu(mon);
    fprintf(mon->out, "stepped %" PRIu64 " instruction%s; pc=%08x %s mode=%s\n", done,
            done == 1 ? "" : "s", cpu->r[15], cpu->thumb ? "thumb" : "arm",
            cpu_mode_name(cpu_mode(cpu)));
    monitor_report_stop(mon, why);
    return 0;
}

static int cmd_cont(struct monitor *mon, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mon->resume = true;
    return 0;
}

static int cmd_quit(struct monitor *mon, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    mon->quit = true;
    return 0;
}

/* x ADDR [COUNT]: words at a virtual address, through the CPU's MMU. */
static int cmd_x(struct monitor *mon, int argc, char **argv)
{
    uint64_t addr, count = 4;
    if (argc < 2) {
        fprintf(mon->out, "usage: x ADDR [COUNT]\n");
        return -1;
    }
    if (parse_number(mon, argv[1], &addr) < 0 || (argc > 2 && parse_number(mon, argv[2],
                                                                          &count) < 0))
        return -1;
    if (addr > UINT32_MAX || count > 4096) {
        fprintf(mon->out, "error: address or count out of range\n");
        return -1;
    }
    struct arm_cpu *cpu = monitor_cpu(mon);
    for (uint64_t i = 0; i < count; i++) {
        uint32_t va = (uint32_t)(addr + 4 * i), word;
        if (i % 4 == 0)
            fprintf(mon->out, "%08x:", va);
        if (cpu_debug_read(cpu, va, &word, 4) < 0) {
            fprintf(mon->out, " <no translation for 0x%08x>\n", va);
            return -1;
        }
        fprintf(mon->out, " %08x", word);
        if (i % 4 == 3 || i + 1 == count)
            fputc('\n', mon->out);
    }
    return 0;
}

static int cmd_break(struct monitor *mon, int argc, char **argv)
{
    struct machine *m = mon->machine;
    if (argc < 2) {
        for (unsigned i = 0; i < m->breakpoint_count; i++)
            fprintf(mon->out, "breakpoint %u at 0x%08x\n", i, m->breakpoint[i]);
        return 0;
    }
    uint64_t addr;
    if (parse_number(mon, argv[1], &addr) < 0)
        return -1;
    if (m->breakpoint_count >= ARRAY_SIZE(m->breakpoint)) {
        fprintf(mon->out, "error: too many breakpoints\n");
        return -1;
    }
    m->breakpoint[m->breakpoint_count++] = (uint32_t)addr;
    fprintf(mon->out, "breakpoint %u at 0x%08x\n", m->breakpoint_count - 1, (uint32_t)addr);
    return 0;
}

/* devices [NAME]: every device (or one) with its registers by name. */
static int cmd_devices(struct monitor *mon, int argc, char **argv)
{
    struct machine *m = mon->machine;
    bool found = false;
    for (unsigned i = 0; i < m->device_count; i++) {
        struct device *dev = m->device[i];
        if (argc > 1 && strcmp(argv[1], dev->name) != 0)
            continue;
        found = true;
        fprintf(mon->out, "%s (%s) at 0x%08llx, %llu bytes\n", dev->name, dev->type,
                (unsigned long long)dev->base, (unsigned long long)dev->size);
        if (dev->dump && argc > 1)
            dev->dump(dev, mon->out);
    }
    if (argc > 1 && !found) {
        fprintf(mon->out, "error: no device '%s' (try devices)\n", argv[1]);
        return -1;
    }
    return 0;
}

static int cmd_help(struct monitor *mon, int argc, char **argv);

const struct monitor_command monitor_commands[] = {
    { "help", "[CMD]", "List commands, or show one command's help.", cmd_help },
    { "regs", "", "Show the CPU registers, CPSR/SPSR decoded, CP15 fault state and "
                  "exception counters.", cmd_regs },
    { "step", "[N]", "Execute N instructions (default 1), then show where the CPU is.",
      cmd_step },
    { "cont", "", "Resume running the machine.", cmd_cont },
    { "x", "ADDR [COUNT]", "Show COUNT words (default 4) at virtual address ADDR.", cmd_x },
    { "devices", "[NAME]", "List the devices, or show one device's registers by name.",
      cmd_devices },
    { "break", "[ADDR]", "Set a breakpoint at virtual address ADDR, or list them.",
      cmd_break },
    { "quit", "", "Leave the emulator.", cmd_quit },
    { NULL, NULL, NULL, NULL },
};

static int cmd_help(struct monitor *mon, int argc, char **argv)
{
    for (const struct monitor_command *c = monitor_commands; c->name; c++) {
        if (argc > 1 && strcmp(argv[1], c->name) != 0)
            continue;
        fprintf(mon->out, "%-6s %-14s %s\n", c->name, c->args, c->help);
        if (argc > 1)
            return 0;
    }
    if (argc > 1) {
        fprintf(mon->out, "error: no command '%s'\n", argv[1]);
        return -1;
    }
    return 0;
}

int monitor_execute(struct monitor *mon, const char *line)
{
    char buf[512];
    char *argv[MONITOR_MAX_ARGS];
    int argc = 0;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *tok = strtok(buf, " \t\r\n"); tok && argc < MONITOR_MAX_ARGS;
         tok = strtok(NULL, " \t\r\n"))
        argv[argc++] = tok;
    if (argc == 0 || argv[0][0] == '#')
        return 0;
    for (const struct monitor_command *c = monitor_commands; c->name; c++)
        if (strcmp(argv[0], c->name) == 0)
            return c->run(mon, argc, argv);
    fprintf(mon->out, "error: unknown command '%s' (try help)\n", argv[0]);
    return -1;
}
