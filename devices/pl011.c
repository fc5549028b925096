/*
 * ARM PrimeCell PL011 UART (PL011 TRM, ARM DDI 0183).
 *
 * MMIO: 4 KiB. Output: UARTINTR, the OR of UARTMIS (the board wires it to
 * one interrupt controller line).
 *
 * Transmit: a byte written to UARTDR goes to the character backend at
 * once, so the transmit FIFO always reads empty (TXFE set, BUSY and TXFF
 * clear) and every write leaves it at or below its trigger level: the
 * transmit interrupt is raised on each write and cleared through UARTICR
 * (as QEMU does; Linux's PIO transmit path relies on it).
 * Receive: the frontend pushes bytes through a char_frontend into a
 * 16-entry FIFO (one entry when UARTLCR_H.FEN is clear). The receive
 * interrupt is raised when the FIFO reaches the UARTIFLS trigger level and
 * dropped when reads take it below; the receive timeout interrupt is raised
 * when data has waited 32 bit periods (from UARTIBRD/UARTFBRD and the 24
 * MHz UARTCLK) with no new byte, and dropped when the FIFO is emptied. A
 * byte arriving at a full FIFO is lost and sets the overrun error.
 * Loopback (UARTCR.LBE) feeds transmitted bytes into the receive FIFO.
 *
 * Not modelled: baud rate and framing (bytes move instantly), break, parity
 * and framing errors, modem lines (CTS/DSR/DCD/RI read as inactive, their
 * interrupts never fire), IrDA, DMA (UARTDMACR is stored). UARTCR's
 * UARTEN/TXE/RXE are not enforced: boot code often prints before enabling
 * the UART and QEMU accepts it too.
 */
#include "devices/pl011.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM, "Summary of registers"). */
#define UARTDR     0x000
#define UARTRSR    0x004  /* read: UARTRSR; write: UARTECR */
#define UARTFR     0x018  /* RO */
#define UARTILPR   0x020
#define UARTIBRD   0x024
#define UARTFBRD   0x028
#define UARTLCR_H  0x02c
#define UARTCR     0x030
#define UARTIFLS   0x034
#define UARTIMSC   0x038
#define UARTRIS    0x03c  /* RO */
#define UARTMIS    0x040  /* RO */
#define UARTICR    0x044  /* WO */
#define UARTDMACR  0x048

/* UARTDR read: error flags above the data byte. */
#define DR_DATA_MASK 0xffu
#define DR_FE (1u << 8)
#define DR_PE (1u << 9)
#define DR_BE (1u << 10)
#define DR_OE (1u << 11)

/* UARTRSR/UARTECR */
#define RSR_FE (1u << 0)
#define RSR_PE (1u << 1)
#define RSR_BE (1u << 2)
#define RSR_OE (1u << 3)
#define RSR_MASK 0xfu

/* UARTFR */
#define FR_CTS  (1u << 0)
#define FR_DSR  (1u << 1)
#define FR_DCD  (1u << 2)
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define FR_RI   (1u << 8)

/* UARTLCR_H */
#define LCR_H_BRK  (1u << 0)
#define LCR_H_PEN  (1u << 1)
#define LCR_H_EPS  (1u << 2)
#define LCR_H_STP2 (1u << 3)
#define LCR_H_FEN  (1u << 4)
#define LCR_H_WLEN_SHIFT 5
#define LCR_H_SPS  (1u << 7)
#define LCR_H_MASK 0xffu

/* UARTCR */
#define CR_UARTEN (1u << 0)
#define CR_SIREN  (1u << 1)
#define CR_SIRLP  (1u << 2)
#define CR_LBE    (1u << 7)
#define CR_TXE    (1u << 8)
#define CR_RXE    (1u << 9)
#define CR_DTR    (1u << 10)
#define CR_RTS    (1u << 11)
#define CR_OUT1   (1u << 12)
#define CR_OUT2   (1u << 13)
#define CR_RTSEN  (1u << 14)
#define CR_CTSEN  (1u << 15)
#define CR_MASK   0xff87u
#define CR_RESET  (CR_TXE | CR_RXE)

/* UARTIFLS */
#define IFLS_TXSEL_SHIFT 0
#define IFLS_RXSEL_SHIFT 3
#define IFLS_SEL_MASK 7u
#define IFLS_MASK 0x3fu
#define IFLS_RESET 0x12u    /* both at 1/2 */

/* Interrupt bits, shared by UARTIMSC/UARTRIS/UARTMIS/UARTICR. */
#define INT_RI  (1u << 0)
#define INT_CTS (1u << 1)
#define INT_DCD (1u << 2)
#define INT_DSR (1u << 3)
#define INT_RX  (1u << 4)
#define INT_TX  (1u << 5)
#define INT_RT  (1u << 6)
#define INT_FE  (1u << 7)
#define INT_PE  (1u << 8)
#define INT_BE  (1u << 9)
#define INT_OE  (1u << 10)
#define INT_MASK 0x7ffu

#define IBRD_MASK 0xffffu
#define FBRD_MASK 0x3fu
#define ILPR_MASK 0xffu
#define DMACR_MASK 0x7u

/* Bit periods of silence before the receive timeout interrupt. */
#define RX_TIMEOUT_BITS 32

/* UARTPeriphID0-3 (TRM, "Peripheral identification registers"). */
static const uint8_t pl011_periph_id[4] = { 0x11, 0x10, 0x14, 0x00 };

/* For tracing only. */
static const char *const pl011_reg_names[] = {
    [UARTDR / 4] = "UARTDR",       [UARTRSR / 4] = "UARTRSR",
    [UARTFR / 4] = "UARTFR",       [UARTILPR / 4] = "UARTILPR",
    [UARTIBRD / 4] = "UARTIBRD",   [UARTFBRD / 4] = "UARTFBRD",
    [UARTLCR_H / 4] = "UARTLCR_H", [UARTCR / 4] = "UARTCR",
    [UARTIFLS / 4] = "UARTIFLS",   [UARTIMSC / 4] = "UARTIMSC",
    [UARTRIS / 4] = "UARTRIS",     [UARTMIS / 4] = "UARTMIS",
    [UARTICR / 4] = "UARTICR",     [UARTDMACR / 4] = "UARTDMACR",
};

static const char *pl011_reg_name(uint32_t offset, bool write)
{
    if (offset == UARTRSR && write)
        return "UARTECR";
    if ((offset & 3) || offset / 4 >= sizeof(pl011_reg_names) / sizeof(pl011_reg_names[0]))
        return NULL;
    return pl011_reg_names[offset / 4];
}

static unsigned pl011_rx_depth(const struct pl011 *uart)
{
    return (uart->lcr_h & LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* Receive trigger level in entries (UARTIFLS.RXIFLSEL: 1/8 .. 7/8). */
static unsigned pl011_rx_trigger(const struct pl011 *uart)
{
    static const unsigned eighths[8] = { 1, 2, 4, 6, 7, 7, 7, 7 };
    if (!(uart->lcr_h & LCR_H_FEN))
        return 1;
    return PL011_FIFO_DEPTH * eighths[(uart->ifls >> IFLS_RXSEL_SHIFT) & IFLS_SEL_MASK] / 8;
}

static uint32_t pl011_flags(const struct pl011 *uart)
{
    uint32_t fr = FR_TXFE;
    if (uart->rx_count == 0)
        fr |= FR_RXFE;
    if (uart->rx_count >= pl011_rx_depth(uart))
        fr |= FR_RXFF;
    return fr;
}

/* Recomputes UARTINTR from raw & mask; the only place it changes. */
static void pl011_update_irq(struct pl011 *uart)
{
    int level = (uart->ris & uart->imsc) != 0;
    if (level != uart->irq_level) {
        uart->irq_level = level;
        trace_printf(uart->dev.trace, TRACE_IRQ, "%s: UARTINTR %d", uart->dev.name, level);
        irq_set(&uart->irq, level);
    }
}

/* 32 bit periods at the programmed baud rate: 16 * (IBRD + FBRD/64) UARTCLKs per bit. */
static uint64_t pl011_rx_timeout_ns(const struct pl011 *uart)
{
    uint64_t divisor64 = (uint64_t)uart->ibrd * 64 + uart->fbrd;
    return RX_TIMEOUT_BITS * 16 * divisor64 * 1000000000ull / (64ull * PL011_UARTCLK_HZ);
}

static void pl011_rx_timeout_fired(void *opaque)
{
    struct pl011 *uart = opaque;
    if (uart->rx_count) {
        uart->ris |= INT_RT;
        pl011_update_irq(uart);
    }
}

/* One byte into the receive FIFO, from the line or from loopback. */
static void pl011_rx_push(struct pl011 *uart, uint8_t byte)
{
    if (uart->rx_count >= pl011_rx_depth(uart)) {
        /* The FIFO keeps its contents; the new byte is lost (TRM, UARTRSR OE). */
        uart->rsr |= RSR_OE;
        uart->ris |= INT_OE;
        uart->rx_overruns++;
        return;
    }
    unsigned slot = (uart->rx_head + uart->rx_count) % PL011_FIFO_DEPTH;
    uart->rx_fifo[slot] = byte;
    uart->rx_count++;
    uart->rx_bytes++;
    if (uart->rx_count >= pl011_rx_trigger(uart))
        uart->ris |= INT_RX;
    struct vclock *clock = uart->dev.clock;
    vclock_arm_ns(clock, &uart->rx_timeout, vclock_now_ns(clock) + pl011_rx_timeout_ns(uart));
}

static uint32_t pl011_rx_pop(struct pl011 *uart)
{
    if (uart->rx_count == 0)
        return 0;
    uint32_t entry = uart->rx_fifo[uart->rx_head];
    uart->rx_head = (uart->rx_head + 1) % PL011_FIFO_DEPTH;
    uart->rx_count--;
    uart->rsr = (entry >> 8) & RSR_MASK;
    if (uart->rx_count < pl011_rx_trigger(uart))
        uart->ris &= ~INT_RX;
    if (uart->rx_count == 0) {
        uart->ris &= ~INT_RT;
        vclock_cancel(uart->dev.clock, &uart->rx_timeout);
    }
    return entry;
}

static void pl011_transmit(struct pl011 *uart, uint8_t byte)
{
    uart->tx_bytes++;
    if (uart->cr & CR_LBE)
        pl011_rx_push(uart, byte);
    else
        char_backend_write(&uart->out, &byte, 1);
    uart->ris |= INT_TX;
}

static uint32_t pl011_read(struct pl011 *uart, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(pl011_periph_id, offset, &value))
        return value;
    switch (offset) {
    case UARTDR:
        value = pl011_rx_pop(uart);
        pl011_update_irq(uart);
        return value;
    case UARTRSR:
        return uart->rsr;
    case UARTFR:
        return pl011_flags(uart);
    case UARTILPR:
        return uart->ilpr;
    case UARTIBRD:
        return uart->ibrd;
    case UARTFBRD:
        return uart->fbrd;
    case UARTLCR_H:
        return uart->lcr_h;
    case UARTCR:
        return uart->cr;
    case UARTIFLS:
        return uart->ifls;
    case UARTIMSC:
        return uart->imsc;
    case UARTRIS:
        return uart->ris;
    case UARTMIS:
        return uart->ris & uart->imsc;
    case UARTDMACR:
        return uart->dmacr;
    case UARTICR:
        device_guest_error(&uart->dev, "read of write-only UARTICR");
        return 0;
    default:
        device_guest_error(&uart->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl011_write(struct pl011 *uart, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case UARTDR:
        pl011_transmit(uart, value & DR_DATA_MASK);
        break;
    case UARTRSR:
        uart->rsr = 0;      /* UARTECR: any write clears the errors */
        return;
    case UARTILPR:
        uart->ilpr = value & ILPR_MASK;
        return;
    case UARTIBRD:
        uart->ibrd = value & IBRD_MASK;
        return;
    case UARTFBRD:
        uart->fbrd = value & FBRD_MASK;
        return;
    case UARTLCR_H:
        uart->lcr_h = value & LCR_H_MASK;
        /* The trigger level and depth follow FEN; recheck both levels. */
        if (uart->rx_count >= pl011_rx_trigger(uart))
            uart->ris |= INT_RX;
        else
            uart->ris &= ~INT_RX;
        break;
    case UARTCR:
        uart->cr = value & CR_MASK;
        return;
    case UARTIFLS:
        uart->ifls = value & IFLS_MASK;
        return;
    case UARTIMSC:
        uart->imsc = value & INT_MASK;
        break;
    case UARTICR:
        uart->ris &= ~(value & INT_MASK);
        break;
    case UARTDMACR:
        uart->dmacr = value & DMACR_MASK;
        if (uart->dmacr)
            trace_printf(uart->dev.trace, TRACE_UNIMP, "%s: DMA not modelled", uart->dev.name);
        return;
    case UARTFR:
    case UARTRIS:
    case UARTMIS:
        device_guest_error(&uart->dev, "write 0x%x to read-only register +0x%03x", value,
                           offset);
        return;
    default:
        device_guest_error(&uart->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl011_update_irq(uart);
}

static uint32_t pl011_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl011 *uart = opaque;
    uint32_t value = pl011_read(uart, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&uart->dev, "read", offset, pl011_reg_name(offset, false), value, size);
    return value;
}

static void pl011_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl011 *uart = opaque;
    device_trace_access(&uart->dev, "write", offset, pl011_reg_name(offset, true), value, size);
    pl011_write(uart, offset, value);
}

static const struct mmio_ops pl011_mmio_ops = {
    .read = pl011_mmio_read,
    .write = pl011_mmio_write,
};

/* char_frontend: the frontend offers input only while there is room. */
static int pl011_can_receive(void *opaque)
{
    struct pl011 *uart = opaque;
    unsigned depth = pl011_rx_depth(uart);
    return uart->rx_count < depth ? (int)(depth - uart->rx_count) : 0;
}

static void pl011_receive(void *opaque, const uint8_t *buf, size_t len)
{
    struct pl011 *uart = opaque;
    for (size_t i = 0; i < len; i++)
        pl011_rx_push(uart, buf[i]);
    pl011_update_irq(uart);
}

/* TRM reset values; the FIFO is emptied. */
static void pl011_reset(struct device *dev)
{
    struct pl011 *uart = (struct pl011 *)dev;
    vclock_cancel(dev->clock, &uart->rx_timeout);
    uart->rx_head = 0;
    uart->rx_count = 0;
    uart->rsr = 0;
    uart->ilpr = 0;
    uart->ibrd = 0;
    uart->fbrd = 0;
    uart->lcr_h = 0;
    uart->cr = CR_RESET;
    uart->ifls = IFLS_RESET;
    uart->imsc = 0;
    uart->ris = 0;
    uart->dmacr = 0;
    pl011_update_irq(uart);
}

static void pl011_dump(struct device *dev, FILE *out)
{
    struct pl011 *uart = (struct pl011 *)dev;
    fprintf(out, "%s (pl011) @ 0x%08llx: UARTINTR %d, rx FIFO %u/%u (trigger %u), "
            "%llu bytes out, %llu in, %llu overruns\n",
            dev->name, (unsigned long long)dev->base, uart->irq_level, uart->rx_count,
            pl011_rx_depth(uart), pl011_rx_trigger(uart), (unsigned long long)uart->tx_bytes,
            (unsigned long long)uart->rx_bytes, (unsigned long long)uart->rx_overruns);
    fprintf(out, "  UARTRSR   0x%08x  UARTFR    0x%08x  UARTILPR  0x%08x\n", uart->rsr,
            pl011_flags(uart), uart->ilpr);
    fprintf(out, "  UARTIBRD  0x%08x  UARTFBRD  0x%08x  UARTLCR_H 0x%08x\n", uart->ibrd,
            uart->fbrd, uart->lcr_h);
    fprintf(out, "  UARTCR    0x%08x  UARTIFLS  0x%08x  UARTIMSC  0x%08x\n", uart->cr,
            uart->ifls, uart->imsc);
    fprintf(out, "  UARTRIS   0x%08x  UARTMIS   0x%08x  UARTDMACR 0x%08x\n", uart->ris,
            uart->ris & uart->imsc, uart->dmacr);
}

static void pl011_destroy(struct device *dev)
{
    struct pl011 *uart = (struct pl011 *)dev;
    vclock_cancel(dev->clock, &uart->rx_timeout);
    free(uart);
}

/* savevm/loadvm: registers, the receive FIFO and its timeout. */
static int pl011_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl011 *uart = (struct pl011 *)dev;
    struct pl011 *s = snapshot_stage(io, uart, sizeof(*uart));
    if (!s)
        return -1;
    snap_level(io, "UARTINTR", &s->irq_level);
    snap_event(io, &s->rx_timeout);
    snap_u16_array(io, s->rx_fifo, PL011_FIFO_DEPTH);
    snap_u32_max(io, "rx FIFO head", &s->rx_head, PL011_FIFO_DEPTH - 1);
    snap_u32_max(io, "rx FIFO count", &s->rx_count, PL011_FIFO_DEPTH);
    uint32_t *regs[] = { &s->rsr, &s->ilpr, &s->ibrd, &s->fbrd, &s->lcr_h, &s->cr,
                         &s->ifls, &s->imsc, &s->ris, &s->dmacr };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_u64(io, &s->tx_bytes);
    snap_u64(io, &s->rx_bytes);
    snap_u64(io, &s->rx_overruns);
    return snapshot_unstage(io, uart, s);
}

struct pl011 *pl011_create(const char *name, uint64_t base, struct irq_line irq,
                           const struct char_backend *out, struct vclock *clock,
                           struct trace *trace)
{
    struct pl011 *uart = calloc(1, sizeof(*uart));
    if (!uart)
        return NULL;
    uart->dev.name = name;
    uart->dev.type = "pl011";
    uart->dev.base = base;
    uart->dev.size = 0x1000;
    uart->dev.ops = &pl011_mmio_ops;
    uart->dev.reset = pl011_reset;
    uart->dev.dump = pl011_dump;
    uart->dev.destroy = pl011_destroy;
    uart->dev.snapshot = pl011_snapshot;
    uart->dev.trace = trace;
    uart->dev.clock = clock;
    uart->irq = irq;
    if (out)
        uart->out = *out;
    uart->in.can_receive = pl011_can_receive;
    uart->in.receive = pl011_receive;
    uart->in.opaque = uart;
    uart->in.name = name;
    clock_event_init(&uart->rx_timeout, name, pl011_rx_timeout_fired, uart);
    pl011_reset(&uart->dev);
    return uart;
}
