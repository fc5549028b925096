/*
 * A whole machine in a snapshot (`savevm` / `loadvm`, issue 6): what is
 * saved, in which order, and how a load is validated before anything is
 * changed. The byte format is base/snapshot.h's; the sections are:
 *
 *     machine      board name, CPU count, device names and models; which CPU
 *                  runs and the SMP round-robin position
 *     clock        virtual time and the armed events in heap order, by name
 *     cpuN         each CPU's architectural state (cpu/cpu_snapshot.h)
 *     ram          each RAM/ROM region: a bitmap of non-zero pages, then those pages
 *     dev:NAME     each device's state, from its snapshot hook (devices/device.h)
 *     hv           a partitioned machine's hypervisor, from the machine's
 *                  snapshot_hook (hv/system_snapshot.c)
 *
 * Function pointers cannot be stored, so an armed event is saved by the
 * device that owns it (snap_event) with its deadline and its slot in the
 * clock's heap; the clock section lists the slots' event names, and a load
 * checks that every slot is claimed by exactly one event of that name, then
 * rebuilds the heap slot by slot, so events with equal deadlines keep
 * firing in the same order.
 *
 * Loading runs the sections twice: a validation pass that reads every
 * field into scratch copies and checks it, and, only when that passed, the
 * pass that applies. A corrupt, truncated, wrong-board or wrong-version
 * snapshot therefore leaves the running machine exactly as it was.
 */
#ifndef DEVICES_MACHINE_SNAPSHOT_H
#define DEVICES_MACHINE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "base/snapshot.h"
#include "devices/clock.h"
#include "devices/machine.h"

/*
 * Serializes the machine into w (the uncompressed payload). Returns 0, or
 * -1 with a message in err (a device without a snapshot hook, an armed
 * event no device saved, what the run hook's owner's snapshot_check says).
 */
int machine_snapshot_save(struct machine *m, struct snapshot_writer *w, char *err,
                          size_t err_len);
/*
 * Validates the payload against m, then applies it: CPUs, RAM, devices and
 * clock, after which every TLB and decoded block is dropped. Returns 0, or
 * -1 with a message in err and m untouched.
 */
int machine_snapshot_load(struct machine *m, const uint8_t *payload, size_t len, char *err,
                          size_t err_len);

/* Saves or loads one clock event of a device (armed or not). */
void snap_event(struct snapshot_io *io, struct clock_event *ev);

/* Drops every CPU's TLB and every decoded block (after memory changed wholesale). */
void machine_snapshot_flush_caches(struct machine *m);

#endif
