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

/* Under the hypervisor: the selected vCPU (commands_hv.c). */
struct arm_cpu *mon_hv_cpu(struct monitor *mon);

static inline struct arm_cpu *mon_cpu(struct monitor *mon)
{
    if (mon->hv)
        return mon_hv_cpu(mon);
    /* CPU 0 is the default. */
    return mon->cpu_index ? &mon->machine->cpu[mon->cpu_index]
                          : machine_current_cpu(mon->machine);
}

static inline struct mmu_context *mon_mmu(struct monitor *mon)
{
    return mon_cpu(mon)->mem_opaque;
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

/* ---- the hypervisor (commands_hv.c); each is a no-op without one ---- */

/* The domain whose vCPU cpu is (NULL: not a vCPU); *vcpu gets its number. */
struct domain *mon_hv_cpu_domain(struct monitor *mon, const struct arm_cpu *cpu,
                                 unsigned *vcpu);
/* Runs the machine until the selected vCPU retired count instructions
 * (other vCPUs run in between as the scheduler decides); *done gets how
 * many it retired. */
enum machine_stop_reason mon_hv_step(struct monitor *mon, uint64_t count, uint64_t *done);
/* Scopes a new breakpoint to the selected domain when one was chosen with
 * `domain` (always for temporary ones: next/until act on that vCPU). */
void mon_hv_scope_breakpoint(struct monitor *mon, struct mon_bp *bp);
/* Whether a scoped breakpoint applies to cpu. */
bool mon_hv_breakpoint_applies(struct monitor *mon, const struct mon_bp *bp,
                               const struct arm_cpu *cpu);
/* After a breakpoint stop: select the vCPU that hit it. */
void mon_hv_note_stop(struct monitor *mon);
/* `walk`: prints the stage-2 step for an IPA; false without a hypervisor. */
bool mon_hv_walk_stage2(struct monitor *mon, uint64_t ipa);
/* Completion: the name of the n-th live domain, or NULL after the last. */
const char *mon_hv_domain_name(struct monitor *mon, unsigned n);
/* `irq`: the selected domain's vCPU inputs and vGIC; false without a
 * hypervisor. */
bool mon_hv_irq(struct monitor *mon);
/* `stats`: per-domain figures. */
void mon_hv_stats(struct monitor *mon);
/* Reports `xenstore watch` paths whose subtree changed since the last look. */
void mon_hv_poll_watches(struct monitor *mon);
void mon_hv_destroy(struct monitor *mon);

int cmd_domain(struct monitor *mon, int argc, char **argv);
int cmd_vcpu(struct monitor *mon, int argc, char **argv);
int cmd_domains(struct monitor *mon, int argc, char **argv);
int cmd_evtchn(struct monitor *mon, int argc, char **argv);
int cmd_grants(struct monitor *mon, int argc, char **argv);
int cmd_xenstore(struct monitor *mon, int argc, char **argv);
int cmd_rings(struct monitor *mon, int argc, char **argv);

int cmd_savevm(struct monitor *mon, int argc, char **argv);
int cmd_loadvm(struct monitor *mon, int argc, char **argv);
int cmd_statehash(struct monitor *mon, int argc, char **argv);

#endif
