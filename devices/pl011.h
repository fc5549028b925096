/*
 * ARM PrimeCell PL011 UART. Transmitted bytes go straight to a character
 * backend; received bytes arrive through the char_frontend the board
 * registers with the machine. Registers and behaviour in pl011.c.
 */
#ifndef DEVICES_PL011_H
#define DEVICES_PL011_H

#include <stdint.h>

#include "devices/chardev.h"
#include "devices/clock.h"
#include "devices/device.h"
#include "devices/irq.h"

#define PL011_FIFO_DEPTH 16
/* UARTCLK on the Versatile and Versatile Express boards. */
#define PL011_UARTCLK_HZ 24000000u

struct pl011 {
    struct device dev;
    struct irq_line irq;            /* UARTINTR: the OR of the masked interrupts */
    int irq_level;
    struct char_backend out;        /* copied at creation; write NULL = discard */
    struct char_frontend in;        /* for machine_add_serial_input */
    struct clock_event rx_timeout;  /* receive timeout (32 bit periods) */

    /* Receive FIFO: data in bits 7:0, FE/PE/BE/OE flags in bits 11:8. */
    uint16_t rx_fifo[PL011_FIFO_DEPTH];
    unsigned rx_head, rx_count;

    uint32_t rsr;       /* UARTRSR error bits */
    uint32_t ilpr;      /* UARTILPR */
    uint32_t ibrd;      /* UARTIBRD */
    uint32_t fbrd;      /* UARTFBRD */
    uint32_t lcr_h;     /* UARTLCR_H */
    uint32_t cr;        /* UARTCR */
    uint32_t ifls;      /* UARTIFLS */
    uint32_t imsc;      /* UARTIMSC */
    uint32_t ris;       /* UARTRIS */
    uint32_t dmacr;     /* UARTDMACR */

    uint64_t tx_bytes, rx_bytes, rx_overruns;   /* for `devices` */
};

struct pl011 *pl011_create(const char *name, uint64_t base, struct irq_line irq,
                           const struct char_backend *out, struct vclock *clock,
                           struct trace *trace);

#endif
