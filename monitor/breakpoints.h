/*
 * Breakpoints and watchpoints of the monitor (`break`, `watch`, `delete`,
 * `info break`), and the temporary stops behind `next` and `until`.
 *
 * Where the checks happen:
 *  - breakpoints: the machine's run loop single-steps while any exists
 *    and calls mon_bp_check before each instruction (machine.h,
 *    debug_check); a physical breakpoint (`break pa:ADDR`) compares the
 *    PC's physical address, taken from the TLB entry or a debug walk;
 *  - watchpoints: the mmu layer's watch list (mmu.h, "Watchpoints") keeps
 *    watched pages off the TLB fast path and reports a hit; the run loop
 *    then calls mon_bp_check, which counts it and tests its condition.
 * A condition (`if r0 == 5`) is an expression (expr.h) evaluated when the
 * address matches; the stop happens only when it is non-zero. `hits`
 * counts the stops.
 *
 * A run never stops on the instruction it resumes from: the CPU's
 * (icount, pc) at the last stop is remembered and skipped once, so `cont`
 * leaves a breakpoint and `step` executes the instruction under it.
 */
#ifndef MONITOR_BREAKPOINTS_H
#define MONITOR_BREAKPOINTS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/machine.h"
#include "mmu/mmu.h"

#define MON_MAX_BREAKPOINTS 32
#define MON_COND_MAX 160
#define MON_TEMP_ID_BASE 0x40000000u  /* ids of temporary stops */

struct monitor;

enum mon_bp_kind { MON_BP_BREAK, MON_BP_WATCH };

struct mon_bp {
    unsigned id;            /* number shown to the user; 0: free slot */
    enum mon_bp_kind kind;
    bool physical;          /* addr is a physical address (pa:) */
    bool temporary;         /* internal stop of next/until: not listed */
    uint32_t addr;
    uint32_t len;           /* watch: bytes covered */
    unsigned access;        /* watch: MMU_WATCH_READ | MMU_WATCH_WRITE */
    char cond[MON_COND_MAX];/* "" = always */
    uint64_t hits;          /* stops it caused */
    /* Under the hypervisor: only vCPUs of domain domid stop (each domain
     * has its own virtual and guest-physical addresses). */
    bool per_domain;
    uint16_t domid;
};

struct mon_breakpoints {
    struct mon_bp bp[MON_MAX_BREAKPOINTS];
    unsigned next_id;
    /* Derived from bp[] by mon_bp_sync. */
    unsigned break_slot[MON_MAX_BREAKPOINTS];
    unsigned break_count;
    bool any_physical_break;
    struct mmu_watch watch[MON_MAX_BREAKPOINTS];
    unsigned watch_slot[MON_MAX_BREAKPOINTS];
    unsigned watch_count;
    /* The instruction a run resumes from (see above). */
    bool resume_valid;
    uint64_t resume_icount;
    uint32_t resume_pc;
    /* The last stop caused here, for the report. */
    int hit_slot;                   /* -1: none */
    bool hit_cond_error;
    char cond_error[96];
    struct mmu_watch_hit watch_hit;
};

/* Installs the machine hook; the table starts empty. */
void mon_bp_init(struct monitor *mon);

/*
 * Adds a breakpoint or watchpoint (id assigned here) after checking its
 * condition parses. Returns the slot, or -1 with a message on mon->out.
 */
int mon_bp_add(struct monitor *mon, const struct mon_bp *bp);
/* Removes by id; -1 if there is none. */
int mon_bp_delete(struct monitor *mon, unsigned id);
/* Removes the temporary stops of next/until. */
void mon_bp_clear_temporary(struct monitor *mon);
/* Recomputes the machine's single-step flag and the mmu watch lists. */
void mon_bp_sync(struct monitor *mon);

/* Remembers where the CPU is: the next run does not stop there at once. */
void mon_bp_note_stop(struct monitor *mon);

/* machine.h debug_check. */
enum machine_stop_reason mon_bp_check(void *opaque, struct arm_cpu *cpu);

/* Prints what stopped the machine (after STOP_BREAKPOINT/WATCHPOINT). */
void mon_bp_report_hit(struct monitor *mon, FILE *out);

/* Commands (monitor.c's table). */
int cmd_break(struct monitor *mon, int argc, char **argv);
int cmd_watch(struct monitor *mon, int argc, char **argv);
int cmd_delete(struct monitor *mon, int argc, char **argv);
int cmd_info(struct monitor *mon, int argc, char **argv);

/* Parses "ADDR", "pa:ADDR"; returns 0, or -1 with a message. */
int mon_parse_location(struct monitor *mon, const char *text, uint32_t *addr,
                       bool *physical);

#endif
