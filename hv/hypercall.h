/*
 * The hypercall layer: what a guest's HVC reaches (ABI doc section 3).
 *
 * HVC #0xEA1 is a Xen hypercall: number in r12, arguments in r0-r4, result
 * in r0 (a Xen negative errno on failure); every other register is
 * preserved. One dispatch table indexed by the number holds every call hv/
 * implements; anything else, and any unknown sub-operation, is -ENOSYS.
 * Every pointer argument is a guest virtual address read or written only
 * through hv_copy_from_guest/hv_copy_to_guest with the calling vCPU's own
 * translation, so an untranslatable pointer or one outside the caller's
 * RAM is -EFAULT. Each call is counted in the domain's per-number
 * statistics and every HVC in its trap count.
 *
 * Long operations (grant-table batches, big console writes) do part of the
 * work, advance their argument registers past what was done and rewind the
 * PC onto the HVC, which cpu_hvc had already stepped over: the guest runs
 * the same HVC again with the rest, and the scheduler gets a chance to run
 * in between (Xen's hypercall continuations).
 *
 * HVC #0 is an SMCCC call: PSCI 0.2 (function id in r0, arguments in
 * r1-r3, result in r0). Any other immediate is not ours: the HVC is
 * UNDEFINED for the guest, as in Xen.
 *
 * The calls and their sub-operations, with the error behaviour of each,
 * are listed in docs/hypervisor.md ("Hypercalls").
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "hv/domain.h"

/* Bytes console_io(CONSOLEIO_write) copies before re-executing the HVC. */
#define HV_CONSOLE_IO_CHUNK 4096u

/*
 * Runs the call in cpu's registers (cpu is vCPU vcpu of d; r[15] already
 * points after the HVC). Returns 0 (result in r0), HV_PREEMPTED (the PC
 * was rewound onto the HVC and the argument registers advanced: the guest
 * re-executes it), or -1 for an immediate that is neither 0xEA1 nor 0
 * (cpu_hvc then makes the HVC UNDEFINED).
 */
int hv_hypercall(struct domain *d, unsigned vcpu, struct arm_cpu *cpu, uint32_t imm);

/* The name of hypercall nr ("event_channel_op"), or NULL if hv/ does not
 * implement it: for statistics and traces. */
const char *hv_hypercall_name(uint32_t nr);

#endif
