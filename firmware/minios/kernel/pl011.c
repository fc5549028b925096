/*
 * The board's PL011 UART as Dom0 sees it when passed through (ARM DDI
 * 0183G, 3.3 register summary): polled transmit; receive through the RX
 * and receive-timeout interrupts (SPI, INTID 37 on vexpress-a15) into a
 * small buffer, with a polled fallback so input is never stuck if the
 * interrupt is not routed.
 */
#include "arch.h"
#include "mmio.h"
#include "pl011.h"
#include "vgic.h"

#define UARTDR      0x00
#define UARTFR      0x18
#define UARTCR      0x30
#define UARTIMSC    0x38
#define UARTICR     0x44
#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)
#define INT_RX      (1u << 4)
#define INT_RT      (1u << 6)

static uint32_t base;
static char rx_buf[256];
static volatile unsigned rx_head, rx_tail;     /* head: next read; tail: next write */

static void rx_drain(void)
{
    while (!(mmio_read32(base + UARTFR) & FR_RXFE)) {
        char c = (char)mmio_read32(base + UARTDR);

        if (rx_tail - rx_head < sizeof(rx_buf))
            rx_buf[rx_tail++ % sizeof(rx_buf)] = c;
    }
}

static void pl011_irq(uint32_t intid)
{
    (void)intid;
    rx_drain();
    mmio_write32(base + UARTICR, INT_RX | INT_RT);
}

void pl011_init(uint32_t uart_base, uint32_t intid)
{
    base = uart_base;
    mmio_write32(base + UARTCR, mmio_read32(base + UARTCR) | CR_UARTEN | CR_TXE | CR_RXE);
    mmio_write32(base + UARTIMSC, INT_RX | INT_RT);
    vgic_enable(intid, pl011_irq);
}

void pl011_putc(char c)
{
    while (mmio_read32(base + UARTFR) & FR_TXFF)
        ;
    mmio_write32(base + UARTDR, (uint8_t)c);
}

void pl011_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        pl011_putc(s[i]);
}

int pl011_getc(void)
{
    uint32_t flags = irq_save();
    int c = -1;

    rx_drain();
    if (rx_head != rx_tail)
        c = (unsigned char)rx_buf[rx_head++ % sizeof(rx_buf)];
    irq_restore(flags);
    return c;
}

bool pl011_rx_ready(void)
{
    uint32_t flags = irq_save();

    rx_drain();
    bool ready = rx_head != rx_tail;

    irq_restore(flags);
    return ready;
}
