/*
 * Cortex-A9 MPCore Snoop Control Unit registers (Cortex-A9 MPCore TRM,
 * ARM DDI 0407, 2.2): the first 256 bytes of the private memory region
 * (PERIPHBASE+0x0). Linux reads SCU Configuration to count the cores.
 * Registers and behaviour in a9_scu.c.
 */
#ifndef DEVICES_A9_SCU_H
#define DEVICES_A9_SCU_H

#include <stdint.h>

#include "devices/device.h"

#define A9_SCU_SIZE 0x100
#define A9_SCU_MAX_CPUS 4

struct a9_scu {
    struct device dev;
    unsigned num_cpus;
    uint32_t control;           /* SCU Control */
    uint32_t power_status;      /* SCU CPU Power Status, one byte per CPU */
    uint32_t filter_start;      /* Filtering Start Address */
    uint32_t filter_end;        /* Filtering End Address */
    uint32_t sac;               /* SCU Access Control */
    uint32_t snsac;             /* SCU Non-secure Access Control */
};

/*
 * num_cpus (1-4) is what SCU Configuration reports. The region is smaller
 * than a page: on a board it is mapped through devices/a9_mpcore.c.
 */
struct a9_scu *a9_scu_create(const char *name, uint64_t base, unsigned num_cpus,
                             struct trace *trace);

#endif
