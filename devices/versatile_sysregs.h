/*
 * Versatile PB system registers at 0x10000000 (ID, switches, LEDs,
 * oscillators, lock, counters, flags, reset control, CLCD/MCI control).
 * Registers in versatile_sysregs.c.
 */
#ifndef DEVICES_VERSATILE_SYSREGS_H
#define DEVICES_VERSATILE_SYSREGS_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"

#define VERSATILE_SYS_ID_PB926 0x41007004u      /* as QEMU's versatilepb */
#define VERSATILE_PROC_ID_ARM926 0x02000000u
#define VERSATILE_SYSREGS_OSCS 5

struct versatile_sysregs {
    struct device dev;
    /* Called when the guest asks for a board reset through SYS_RESETCTL. */
    void (*reset_request)(void *opaque);
    void *reset_opaque;
    /* SYS_CLCD[1:0], the CLCD format mux (level = value); optional. */
    struct irq_line clcd_mux;

    uint32_t sys_id;
    uint32_t proc_id0;
    uint32_t leds;                          /* SYS_LED */
    uint32_t lockval;                       /* SYS_LOCK[15:0] */
    uint32_t osc[VERSATILE_SYSREGS_OSCS];   /* SYS_OSC0-4 */
    uint32_t oscreset[VERSATILE_SYSREGS_OSCS];  /* SYS_OSCRESET0-4 */
    uint32_t cfgdata1, cfgdata2;
    uint32_t flags, nvflags;
    uint32_t resetctl;
    uint32_t mci;                           /* SYS_MCI card detect inputs */
    uint32_t flash;
    uint32_t clcd;
    uint32_t clcdser;
    uint32_t misc;
    uint32_t dmapsr[3];
    uint32_t iosel;
    uint32_t pldctl;
    uint32_t busid;
};

struct versatile_sysregs *versatile_sysregs_create(const char *name, uint64_t base,
                                                   uint32_t sys_id, uint32_t proc_id0,
                                                   void (*reset_request)(void *opaque),
                                                   void *reset_opaque, struct vclock *clock,
                                                   struct trace *trace);

/* Card-detect input of MMCI slot 0 or 1 (SYS_MCI bits 0/1), for the MMCI model. */
void versatile_sysregs_set_card_present(struct versatile_sysregs *sys, unsigned slot,
                                        bool present);

#endif
