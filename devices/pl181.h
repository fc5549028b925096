/*
 * ARM PrimeCell PL181 MultiMedia Card Interface (MMCI) with one SD card
 * slot. Two interrupt outputs: MCIINTR0 (command/data status, MCIMask0)
 * and MCIINTR1 (FIFO service, MCIMask1). Registers in pl181.c; the card
 * itself is devices/sdcard.c.
 */
#ifndef DEVICES_PL181_H
#define DEVICES_PL181_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"
#include "devices/sdcard.h"

#define PL181_FIFO_WORDS 16
/* MCLK on the Versatile PB (the DT's xtal24mhz); the card clock divides it. */
#define PL181_MCLK_HZ 24000000u

struct pl181 {
    struct device dev;
    struct irq_line irq0;       /* MCIINTR0 */
    struct irq_line irq1;       /* MCIINTR1 */
    int irq0_level, irq1_level;
    struct sdcard *card;        /* NULL: empty slot. Owned: closed by destroy. */
    struct clock_event data_timer;  /* read: no start bit within MCIDataTimer */

    uint32_t power;             /* MCIPower */
    uint32_t clock;             /* MCIClock */
    uint32_t argument;          /* MCIArgument */
    uint32_t command;           /* MCICommand */
    uint32_t respcmd;           /* MCIRespCmd */
    uint32_t response[4];       /* MCIResponse0-3 */
    uint32_t datatimer;         /* MCIDataTimer */
    uint32_t datalength;        /* MCIDataLength */
    uint32_t datactrl;          /* MCIDataCtrl; Enable drops when the DPSM goes idle */
    uint32_t datacnt;           /* MCIDataCnt: bytes still to move between card and FIFO */
    uint32_t status;            /* MCIStatus static flags (bits 10:0) */
    uint32_t mask0, mask1;      /* MCIMask0/1 */
    uint32_t select;            /* MCISelect */

    uint32_t fifo[PL181_FIFO_WORDS];
    unsigned fifo_head, fifo_count;
    uint32_t block_bytes;       /* bytes of the current block moved so far */
    bool card_started;          /* read: the card has sent data since the DPSM started */

    uint64_t commands, bytes_read, bytes_written;   /* for `devices` */
};

/*
 * card may be NULL (empty slot); the controller takes ownership of it.
 * clock may be NULL: data timeouts of reads the card never starts are then
 * not detected. Returns NULL when out of memory (card is then still the
 * caller's).
 */
struct pl181 *pl181_create(const char *name, uint64_t base, struct irq_line irq0,
                           struct irq_line irq1, struct sdcard *card, struct vclock *clock,
                           struct trace *trace);

/* Card-detect and write-protect switches of the slot, for the board's SYS_MCI. */
bool pl181_card_present(struct pl181 *mmc);
bool pl181_card_read_only(struct pl181 *mmc);

#endif
