/*
 * A machine: the board's CPUs, its physical address space, its devices and
 * the virtual clock, with one run loop. Boards (devices/boards/) build a
 * machine from a struct machine_config; frontends drive machine_run().
 */
#ifndef DEVICES_MACHINE_H
#define DEVICES_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/trace.h"
#include "cpu/cpu.h"
#include "devices/chardev.h"
#include "devices/clock.h"
#include "devices/device.h"
#include "mmu/aspace.h"
#include "mmu/mmu.h"

struct snapshot_io;

#define MACHINE_MAX_CPUS 4
#define MACHINE_MAX_DEVICES 48
#define MACHINE_MAX_SERIAL 4

/*
 * Instructions a CPU of a bare SMP board runs before the next runnable one
 * gets its turn (100 us at the default 100 MHz): short enough that a CPU
 * spinning on another (an IPI it waits for, a lock) loses little, long
 * enough that the switch cost (a TLB refill) stays small.
 */
#define MACHINE_SMP_QUANTUM 10000u

/* A disk image for the board's card slots ([diskN] in board.cfg). */
struct machine_disk {
    const char *image;          /* NULL: empty slot */
    bool read_only;
};

#define MACHINE_MAX_DISKS 2

/* What the user asked for; filled by the config parser. */
struct machine_config {
    const char *board;          /* "versatilepb" */
    uint64_t memory;            /* bytes */
    unsigned cpus;
    unsigned mhz;               /* virtual instructions per microsecond */
    uint64_t rtc_base;          /* Unix time the RTCs show at virtual time 0 */
    struct char_backend serial[MACHINE_MAX_SERIAL];
    struct machine_disk disk[MACHINE_MAX_DISKS];
};

/*
 * The boot firmware's holding pen for secondary CPUs (devices/linux_boot.c
 * writes it when the machine has more than one CPU and pen_base is set):
 * each secondary enables its GIC CPU interface at gic_cpu_base, waits for
 * an interrupt (WFI) and jumps to the address in the 32-bit register at
 * release_addr once that is nonzero, as the Versatile Express boot monitor
 * does with SYS_FLAGS. pen_base is memory the OS leaves alone.
 */
struct machine_smp_pen {
    uint32_t pen_base;          /* 0: no pen; secondaries start at the reset vector */
    uint32_t gic_cpu_base;
    uint32_t release_addr;
};

enum machine_stop_reason {
    STOP_NONE,
    STOP_BUDGET,        /* ran the instructions asked for */
    STOP_REQUESTED,     /* monitor / frontend asked */
    STOP_BREAKPOINT,
    STOP_WATCHPOINT,    /* a data watchpoint hit (mmu/watch.c) */
    STOP_SHUTDOWN,      /* guest powered off or reset the board */
    STOP_HALTED,        /* every CPU waits forever: no event armed */
};

struct machine {
    const char *board_name;
    struct arm_cpu cpu[MACHINE_MAX_CPUS];
    struct mmu_context mmu[MACHINE_MAX_CPUS];
    unsigned cpu_count;
    struct aspace as;
    struct vclock clock;
    struct trace trace;
    struct device *device[MACHINE_MAX_DEVICES];
    unsigned device_count;
    struct char_frontend serial_in[MACHINE_MAX_SERIAL];
    unsigned serial_count;
    uint64_t ram_base, ram_size;

    bool stop_requested;
    bool shutdown_requested;
    int shutdown_status;        /* exit status for the frontend */
    const char *shutdown_why;   /* "guest reset via SYS_RESETCTL" */

    /*
     * Called when every CPU waits for an interrupt and the next event is
     * ns_to_next nanoseconds of virtual time away, before time jumps there.
     * The frontend may wait for host time to catch up (realtime) or for
     * input that raises an interrupt; NULL jumps at once.
     */
    void (*idle_wait)(void *opaque, uint64_t ns_to_next);
    void *idle_opaque;
    bool running;               /* inside machine_run, which is not reentrant */

    /*
     * Debugger hook (monitor/breakpoints.c). With debug_single_step set the
     * run loop executes one instruction at a time and calls debug_check
     * before each one, after taking a pending interrupt so a breakpoint on
     * a vector is seen. It also calls debug_check after a run that ended
     * with a watchpoint hit (mmu_context.watch_hit). debug_check returns
     * STOP_NONE to go on, else the reason to stop.
     */
    enum machine_stop_reason (*debug_check)(void *opaque, struct arm_cpu *cpu);
    void *debug_opaque;
    bool debug_single_step;

    /*
     * The CPU the run loop runs now (CPU 0 on a bare board; a vCPU under
     * the hypervisor), and the instructions retired by the CPUs that ran
     * before it was switched in, so machine_instructions() is one total
     * that only grows. Change it with machine_switch_cpu().
     */
    struct arm_cpu *current_cpu;
    uint64_t retired_before;    /* by CPUs no longer current */
    uint64_t current_base;      /* current_cpu->icount when it was switched in */

    /*
     * Run hook: when set, machine_run() calls it instead of running CPU 0
     * (the hypervisor's scheduler, hv/sched.c). It must honour the same
     * contract: stop at budget instructions (machine_instructions()),
     * on stop_requested, shutdown_requested, debug_check and watch hits.
     */
    enum machine_stop_reason (*run_hook)(void *opaque, struct machine *m, uint64_t budget);
    void *run_opaque;
    /*
     * The run hook's owner saves and loads its own state in savevm/loadvm
     * (the hypervisor: hv/system_snapshot.c), in a last section "hv", with
     * the same validate-then-apply passes (devices/machine_snapshot.h).
     * NULL with a run hook set: the machine cannot be saved.
     * snapshot_check says, before a save, whether the state can be saved
     * now (0, or -1 and why in err).
     */
    int (*snapshot_check)(void *opaque, char *err, size_t err_len);
    int (*snapshot_hook)(void *opaque, struct snapshot_io *io);
    void *snapshot_opaque;

    /*
     * A bare board with more than one CPU (no run hook): machine_run
     * time-shares them round-robin in quanta of MACHINE_SMP_QUANTUM
     * instructions (machine.c). smp_next is the CPU whose quantum runs
     * now, smp_quantum_left what is left of it; smp_pen is set by the board.
     */
    unsigned smp_next;
    uint64_t smp_quantum_left;
    uint64_t smp_switches;      /* world switches between CPUs, for `stats` */
    struct machine_smp_pen smp_pen;
};

/* Board registry (devices/boards/). */
struct board {
    const char *name;
    const char *description;
    const char *default_cpu;
    uint64_t ram_base;
    uint64_t default_memory;
    uint64_t max_memory;
    uint32_t linux_machine_type;   /* r1 at Linux entry (arch/arm/tools/mach-types) */
    int (*create)(struct machine *m, const struct machine_config *cfg);
};

const struct board *board_find(const char *name);
const struct board *const *board_list(void);

/* Builds the machine for cfg->board; returns 0 or -errno (message printed). */
int machine_create(struct machine *m, const struct machine_config *cfg);
void machine_destroy(struct machine *m);
void machine_reset(struct machine *m);

/* Helpers for board files. */
struct arm_cpu *machine_add_cpu(struct machine *m, const struct cpu_model *model);
int machine_add_device(struct machine *m, struct device *dev);
int machine_add_serial_input(struct machine *m, const struct char_frontend *in);
struct device *machine_find_device(struct machine *m, const char *name);

/* Guest-initiated power-off/reset: stops the run with an exit status. */
void machine_request_shutdown(struct machine *m, int status, const char *why);

/*
 * Runs until budget more instructions have retired (machine_instructions;
 * 0: no limit), a stop is requested, a breakpoint hits or the guest shuts
 * down. With a run hook installed, the hook does the running.
 */
/*
 * Pieces every run loop shares (the bare loops in machine.c and the
 * hypervisor's scheduler, hv/sched.c):
 * machine_debug_before: with debug single-stepping on, takes a pending
 *   interrupt and asks the debugger about cpu's next instruction; limits
 *   *slice to that one instruction. Returns STOP_NONE or why to stop.
 * machine_debug_after: after cpu_run, reports the watchpoint hit the run
 *   ended on, if any (mmu.h). Returns STOP_NONE or why to stop.
 * machine_cpu_in_wfe: whether cpu halted on a WFE (rather than WFI); loops
 *   that time-share several CPUs let WFE yield instead of halting, since
 *   the SEV it waits for can only come from a CPU that is not running.
 */
enum machine_stop_reason machine_debug_before(struct machine *m, struct arm_cpu *cpu,
                                              uint64_t *slice);
enum machine_stop_reason machine_debug_after(struct machine *m, struct arm_cpu *cpu);
bool machine_cpu_in_wfe(struct arm_cpu *cpu);
/*
 * machine_loop_top: what every run loop does before choosing a CPU: a
 *   shutdown or stop request ends the run (STOP_SHUTDOWN/STOP_REQUESTED),
 *   due clock events fire. STOP_NONE to go on.
 * machine_slice: how far the chosen CPU may run: to the next clock event,
 *   but not past the budget's end (machine_instructions) nor limit.
 */
enum machine_stop_reason machine_loop_top(struct machine *m);
uint64_t machine_slice(const struct machine *m, uint64_t end, uint64_t now, uint64_t limit);

enum machine_stop_reason machine_run(struct machine *m, uint64_t budget);

/* The CPU or vCPU that runs now, or ran last: the monitor's default. */
static inline struct arm_cpu *machine_current_cpu(struct machine *m)
{
    return m->current_cpu ? m->current_cpu : &m->cpu[0];
}

/* The board CPU number (m->cpu[] index) of the CPU that runs now; 0 when a
 * hypervisor vCPU runs (the board's devices then see CPU 0's view). */
static inline unsigned machine_current_cpu_index(const struct machine *m)
{
    for (unsigned i = 1; i < m->cpu_count; i++)
        if (m->current_cpu == &m->cpu[i])
            return i;
    return 0;
}

/* Instructions retired by every CPU and vCPU so far (monotonic). */
static inline uint64_t machine_instructions(const struct machine *m)
{
    const struct arm_cpu *cpu = m->current_cpu ? m->current_cpu : &m->cpu[0];
    return m->retired_before + (cpu->icount - m->current_base);
}

/*
 * Makes cpu the one that runs (a world switch): its instruction counter
 * drives the virtual clock from now on, which keeps time continuous.
 */
void machine_switch_cpu(struct machine *m, struct arm_cpu *cpu);

#endif
