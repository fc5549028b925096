/*
 * ARM PrimeCell Level 2 Cache Controller L2C-310 (PL310) r3p2, as on the
 * V2P-CA9 tile at 0x1e00a000 (4 KiB), interrupt SPI 43 (ID 75).
 * Registers and behaviour in pl310.c.
 */
#ifndef DEVICES_PL310_H
#define DEVICES_PL310_H

#include <stdint.h>

#include "devices/device.h"
#include "devices/irq.h"

#define PL310_LOCKDOWN_MASTERS 8

struct pl310 {
    struct device dev;
    struct irq_line irq;        /* L2CCINTR: never raised (no events modelled) */
    int irq_level;

    uint32_t control;           /* reg1_control */
    uint32_t aux_control;       /* reg1_aux_control */
    uint32_t tag_latency;       /* reg1_tag_ram_control */
    uint32_t data_latency;      /* reg1_data_ram_control */
    uint32_t ev_counter_ctrl;
    uint32_t ev_counter_cfg[2];
    uint32_t ev_counter[2];
    uint32_t int_mask;
    uint32_t int_raw;
    uint32_t d_lockdown[PL310_LOCKDOWN_MASTERS];
    uint32_t i_lockdown[PL310_LOCKDOWN_MASTERS];
    uint32_t lock_line_en;
    uint32_t filter_start;
    uint32_t filter_end;
    uint32_t debug_ctrl;
    uint32_t prefetch_ctrl;
    uint32_t power_ctrl;
};

struct pl310 *pl310_create(const char *name, uint64_t base, struct irq_line irq,
                           struct trace *trace);

#endif
