/*
 * Shared by the monitor's source files; not for the rest of the emulator.
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/expr.h"
#include "monitor/monitor.h"

#define MON_MAX_ARGS 32

static inline struct arm_cpu *mon_cpu(struct monitor *mon)
{
    return &mon->machine->cpu[mon->cpu_index];
}

static inline struct mmu_context *mon_mmu(struct monitor *mon)
{
    return &mon->machine->mmu[mon->cpu_index];
}

/* Prints "error: ..." on mon->out; returns -1. */
__attribute__((format(printf, 2, 3)))
int mon_error(struct monitor *mon, const char *fmt, ...);

/* Expression environment: the selected CPU, the symbols, virtual memory. */
void mon_env(struct monitor *mon, struct mon_expr_env *env);
/* Joins argv[first..argc) with spaces. */
void mon_join(char *buf, size_t len, int argc, char **argv, int first);
/* Evaluates argv[first..] as one expression; prints the error. */
int mon_eval_args(struct monitor *mon, int argc, char **argv, int first, uint32_t *value);
int mon_eval(struct monitor *mon, const char *text, uint32_t *value);

/* "0x00010000 <main+0x4>" (no symbol part when none covers it). */
void mon_format_addr(struct monitor *mon, uint32_t addr, char *buf, size_t len);

/* True (with a message) when machine_run is already on the stack. */
bool mon_machine_busy(struct monitor *mon);
/*
 * Runs the machine here for budget instructions (0: until something
 * stops it), keeping the stats and the resume point; prints nothing.
 */
enum machine_stop_reason mon_run(struct monitor *mon, uint64_t budget);
/* cont/until/next: run here in a script, else let the frontend resume. */
int mon_resume(struct monitor *mon);
/* Notes the end of a run for `stats` (idempotent). */
void mon_note_stopped(struct monitor *mon);

/* Disassembles one instruction at a virtual address; -1 if unreadable. */
int mon_disas_at(struct monitor *mon, uint32_t va, bool thumb, struct mon_insn *insn);
/* The PC and the next instruction, marked "=>". */
void mon_print_where(struct monitor *mon);
/* One line "=> 0x00010000 <main>:  e92d4010  push {r4, lr}". */
void mon_print_insn(struct monitor *mon, uint32_t va, const struct mon_insn *insn, bool mark);

/* Commands, by file. */
int cmd_regs(struct monitor *mon, int argc, char **argv);
int cmd_step(struct monitor *mon, int argc, char **argv);
int cmd_next(struct monitor *mon, int argc, char **argv);
int cmd_cont(struct monitor *mon, int argc, char **argv);
int cmd_stop(struct monitor *mon, int argc, char **argv);
int cmd_until(struct monitor *mon, int argc, char **argv);
int cmd_cpu(struct monitor *mon, int argc, char **argv);
int cmd_set(struct monitor *mon, int argc, char **argv);
int cmd_print(struct monitor *mon, int argc, char **argv);

int cmd_x(struct monitor *mon, int argc, char **argv);
int cmd_disas(struct monitor *mon, int argc, char **argv);
int cmd_walk(struct monitor *mon, int argc, char **argv);
int cmd_tlb(struct monitor *mon, int argc, char **argv);
int cmd_symbols(struct monitor *mon, int argc, char **argv);

int cmd_devices(struct monitor *mon, int argc, char **argv);
int cmd_irq(struct monitor *mon, int argc, char **argv);
int cmd_trace(struct monitor *mon, int argc, char **argv);
int cmd_stats(struct monitor *mon, int argc, char **argv);
int cmd_screendump(struct monitor *mon, int argc, char **argv);

#endif
