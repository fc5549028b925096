/*
 * ARM PrimeCell PL050 PS/2 Keyboard/Mouse Interface (KMI): one PS/2 port
 * with a one-byte receive and transmit register and a combined interrupt.
 * The device on the port is a struct ps2_device (ps2.h), owned by the KMI.
 * Registers in pl050.c.
 */
#ifndef DEVICES_PL050_H
#define DEVICES_PL050_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/device.h"
#include "devices/irq.h"
#include "devices/ps2.h"

struct pl050 {
    struct device dev;
    struct irq_line irq;        /* KMIINTR: RX | TX interrupt, masked */
    int irq_level;
    struct ps2_device *port;    /* the keyboard or mouse plugged in */

    uint32_t cr;                /* KMICR */
    uint32_t clkdiv;            /* KMICLKDIV */
    uint8_t rx;                 /* KMIDATA receive side */
    bool rx_full;
    uint64_t rx_bytes, tx_bytes;
};

/*
 * Takes ownership of port (destroyed with the KMI). On the Versatile PB:
 * KMI0 at 0x10006000 with a keyboard on SIC 3, KMI1 at 0x10007000 with a
 * mouse on SIC 4.
 */
struct pl050 *pl050_create(const char *name, uint64_t base, struct irq_line irq,
                           struct ps2_device *port, struct trace *trace);

/* The device on the port, as a keyboard or mouse; NULL if it is the other kind. */
struct ps2_keyboard *pl050_keyboard(struct pl050 *kmi);
struct ps2_mouse *pl050_mouse(struct pl050 *kmi);

#endif
