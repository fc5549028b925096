/*
 * Versatile PB secondary interrupt controller (SIC) at 0x10003000: 32
 * inputs combined onto one output (to VIC 31), plus a pass-through that
 * drives primary controller lines 21-30 directly. Registers in
 * versatile_sic.c.
 */
#ifndef DEVICES_VERSATILE_SIC_H
#define DEVICES_VERSATILE_SIC_H

#include <stdint.h>

#include "devices/device.h"
#include "devices/irq.h"

#define VERSATILE_SIC_INPUTS 32
/* Lines that can pass straight through to the VIC line of the same number. */
#define VERSATILE_SIC_PT_FIRST 21
#define VERSATILE_SIC_PT_LAST 30

struct versatile_sic {
    struct device dev;
    struct irq_line out;                                /* to VIC 31 */
    struct irq_line passthrough[VERSATILE_SIC_INPUTS];  /* used for 21-30 */

    uint32_t level;         /* input lines */
    uint32_t soft;          /* SIC_SOFTINTSET */
    uint32_t enable;        /* SIC_ENABLE */
    uint32_t pic_enable;    /* SIC_PICENABLE */

    int out_level;
    uint32_t pt_level;      /* pass-through outputs as last driven */
};

/*
 * out is the combined output. passthrough[] is indexed by line number and
 * holds the primary controller's inputs; only entries 21-30 are used.
 */
struct versatile_sic *versatile_sic_create(const char *name, uint64_t base, struct irq_line out,
                                           const struct irq_line *passthrough,
                                           struct trace *trace);
struct irq_line versatile_sic_irq_input(struct versatile_sic *sic, unsigned line);

#endif
