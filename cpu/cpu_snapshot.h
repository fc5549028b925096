/*
 * The architectural state of one CPU in a snapshot (`savevm`): registers
 * of every mode, CPSR and SPSRs, CP15 and CP14, VFP/NEON, the exclusive
 * monitor and the WFE event register, the instruction counter and the
 * interrupt input levels. Host-side caches (TLB, decoded blocks) are not
 * saved; loading drops them.
 */
#ifndef CPU_CPU_SNAPSHOT_H
#define CPU_CPU_SNAPSHOT_H

#include "base/snapshot.h"
#include "cpu/cpu.h"

#define CPU_SNAPSHOT_VERSION 1u

/*
 * Saves or loads (see snapshot_io) the CPU's state inside the open
 * section. Loading checks the model name and every field that selects
 * something (mode, flags, IT state); when applying it flushes the TLB and
 * asks the executor to leave its block. Returns 0 or -1.
 */
int cpu_snapshot(struct arm_cpu *cpu, struct snapshot_io *io);

#endif
