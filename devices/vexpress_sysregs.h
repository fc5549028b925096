/*
 * Versatile Express V2M-P1 motherboard system registers (ID, LEDs,
 * counters, flags, card detect, processor IDs) and the motherboard
 * configuration bus behind SYS_CFGDATA/SYS_CFGCTRL/SYS_CFGSTAT, through
 * which the guest reads the oscillators and voltages of the motherboard
 * and of the daughterboard, and asks for power-off and reboot.
 * Registers in vexpress_sysregs.c.
 */
#ifndef DEVICES_VEXPRESS_SYSREGS_H
#define DEVICES_VEXPRESS_SYSREGS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"

/* SYS_ID as QEMU's vexpress boards: rev B, HBI 0x190 (V2M-P1), build f, AXI bus. */
#define VEXPRESS_SYS_ID 0x1190f500u
/* SYS_PROCID0 of the daughterboards (HBI 0x191 = V2P-CA9, HBI 0x237 = V2P-CA15). */
#define VEXPRESS_PROC_ID_CA9 0x0c000191u
#define VEXPRESS_PROC_ID_CA15 0x14000237u

#define VEXPRESS_MB_OSCS 6          /* OSC0-5 of the motherboard */
#define VEXPRESS_DB_MAX_OSCS 16
#define VEXPRESS_DB_MAX_VOLTS 16

/* What a daughterboard (config bus site 1) reports. */
struct vexpress_daughterboard {
    const char *name;               /* "V2P-CA9" */
    uint32_t proc_id;               /* SYS_PROCID0 */
    const uint32_t *osc_hz;         /* OSC function, device n: reset frequency */
    unsigned osc_count;
    const uint32_t *volt_uv;        /* VOLT function, device n: microvolts */
    unsigned volt_count;
};

extern const struct vexpress_daughterboard vexpress_db_ca9;
extern const struct vexpress_daughterboard vexpress_db_ca15;

/* Guest requests that end or restart the machine (config bus functions). */
enum vexpress_power_request {
    VEXPRESS_POWER_SHUTDOWN,        /* SHUTDOWN (8) */
    VEXPRESS_POWER_REBOOT,          /* REBOOT (9) */
    VEXPRESS_POWER_RESET,           /* RESET (5) */
};

typedef void vexpress_power_fn(void *opaque, enum vexpress_power_request what);

struct vexpress_sysregs {
    struct device dev;
    const struct vexpress_daughterboard *db;
    vexpress_power_fn *power_request;
    void *power_opaque;

    uint32_t sw;                    /* SYS_SW */
    uint32_t leds;                  /* SYS_LED */
    uint32_t flags, nvflags;        /* SYS_FLAGS, SYS_NVFLAGS */
    uint32_t mci;                   /* SYS_MCI: card detect/write protect inputs */
    uint32_t flash;                 /* SYS_FLASH */
    uint32_t cfgsw;                 /* SYS_CFGSW */
    uint32_t dma;                   /* SYS_DMA */
    uint32_t cfgdata, cfgctrl, cfgstat;

    uint32_t mb_osc[VEXPRESS_MB_OSCS];
    uint32_t db_osc[VEXPRESS_DB_MAX_OSCS];
    uint32_t muxfpga;               /* MUXFPGA: video source select */
    uint32_t dvimode;               /* DVIMODE */

    uint64_t cfg_transfers, cfg_errors;     /* for `devices` */
};

/*
 * db: the daughterboard at site 1 (its tables must outlive the device).
 * power_request: called for SHUTDOWN, REBOOT and RESET writes on the bus.
 */
struct vexpress_sysregs *vexpress_sysregs_create(const char *name, uint64_t base,
                                                 const struct vexpress_daughterboard *db,
                                                 vexpress_power_fn *power_request,
                                                 void *power_opaque, struct vclock *clock,
                                                 struct trace *trace);

/* MMCI card detect and write protect inputs (SYS_MCI bits 0 and 1). */
void vexpress_sysregs_set_mci(struct vexpress_sysregs *sys, bool card_in, bool read_only);

/* SYS_FLAGS: the secondary CPUs' entry address during SMP boot. */
uint32_t vexpress_sysregs_flags(const struct vexpress_sysregs *sys);

#endif
