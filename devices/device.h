/*
 * What every device model provides to its board and to the monitor.
 * A model embeds struct device as its first member and fills it in its
 * create function; the board maps dev.ops at dev.base and keeps the list.
 */
#ifndef DEVICES_DEVICE_H
#define DEVICES_DEVICE_H

#include <stdint.h>
#include <stdio.h>

#include "mmu/aspace.h"

struct snapshot_io;
struct vclock;
struct trace;

struct device {
    const char *name;        /* instance name: "uart0" */
    const char *type;        /* model: "pl011" */
    uint64_t base;
    uint64_t size;
    const struct mmio_ops *ops;
    void (*reset)(struct device *dev);
    /* Prints every register by name (monitor `devices`). */
    void (*dump)(struct device *dev, FILE *out);
    void (*destroy)(struct device *dev);
    /*
     * Saves or loads the model's state for savevm/loadvm: one list of
     * snap_*() calls on its fields (base/snapshot.h), with snap_event()
     * for its clock events (devices/machine_snapshot.h). NULL: the model
     * cannot be saved and savevm refuses, naming it.
     */
    int (*snapshot)(struct device *dev, struct snapshot_io *io);
    struct trace *trace;
    struct vclock *clock;
};

/* Logs a guest access to an offset the model does not have (rate-limited). */
void device_guest_error(struct device *dev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Logs every register access under the mmio trace class. */
void device_trace_access(struct device *dev, const char *what, uint32_t offset,
                         const char *reg_name, uint32_t value, unsigned size);

/*
 * PrimeCell peripheral/cell ID registers at 0xfe0..0xffc: four bytes of
 * peripheral ID then 0x0d, 0xf0, 0x05, 0xb1. Returns true and the byte for
 * an ID offset, false otherwise.
 */
int primecell_id_read(const uint8_t periph_id[4], uint32_t offset, uint32_t *value);

#endif
