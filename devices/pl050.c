/*
 * ARM PrimeCell PL050 PS/2 Keyboard/Mouse Interface (PL050 TRM, ARM DDI
 * 0143).
 *
 * MMIO: 4 KiB. KMICR +0x00, KMISTAT +0x04, KMIDATA +0x08, KMICLKDIV
 * +0x0c, KMIIR +0x10, PrimeCell IDs at +0xfe0 (0x00041050). Output:
 * KMIINTR = (KMIRXINTR & KmiRxIntrEn) | (KMITXINTR & KmiTxIntrEn).
 *
 * The serial line is not modelled bit by bit: a byte written to KMIDATA
 * reaches the PS/2 device at once (so the transmitter is always empty
 * again and KMITXINTR always set), and as soon as the receive register is
 * empty, the KMI is enabled and the clock is not forced low (the host
 * inhibiting the device), the next byte the device has queued moves into
 * it. Linux's ambakmi drains the register in a loop from its interrupt
 * handler, so one interrupt delivers a whole response or scan code.
 *
 * Not modelled: line-level timing and the clock divider (KMICLKDIV is
 * stored), parity and framing errors, the KMITYPE "no line control" mode
 * (stored), forcing the data line low (shown in KMISTAT only).
 */
#include "devices/pl050.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM table 3-1). */
#define KMICR      0x00
#define KMISTAT    0x04  /* RO */
#define KMIDATA    0x08
#define KMICLKDIV  0x0c
#define KMIIR      0x10  /* RO */

/* KMICR (TRM 3.3.1). */
#define CR_FKMIC       (1u << 0)   /* force clock low */
#define CR_FKMID       (1u << 1)   /* force data low */
#define CR_KMIEN       (1u << 2)
#define CR_TXINTREN    (1u << 3)
#define CR_RXINTREN    (1u << 4)
#define CR_KMITYPE     (1u << 5)
#define CR_MASK        0x3fu

/* KMISTAT (TRM 3.3.2). */
#define STAT_KMIDATA   (1u << 0)   /* data line level */
#define STAT_KMIC      (1u << 1)   /* clock line level */
#define STAT_RXPARITY  (1u << 2)
#define STAT_RXBUSY    (1u << 3)
#define STAT_RXFULL    (1u << 4)
#define STAT_TXBUSY    (1u << 5)
#define STAT_TXEMPTY   (1u << 6)

/* KMIIR (TRM 3.3.5). */
#define IR_RXINTR      (1u << 0)
#define IR_TXINTR      (1u << 1)

#define CLKDIV_MASK    0xfu

/* KMIPeriphID0-3 (TRM 3.3.6). */
static const uint8_t pl050_periph_id[4] = { 0x50, 0x10, 0x04, 0x00 };

/* For tracing only. */
static const char *pl050_reg_name(uint32_t offset)
{
    switch (offset) {
    case KMICR: return "KMICR";
    case KMISTAT: return "KMISTAT";
    case KMIDATA: return "KMIDATA";
    case KMICLKDIV: return "KMICLKDIV";
    case KMIIR: return "KMIIR";
    default: return NULL;
    }
}

static uint32_t pl050_ir(const struct pl050 *kmi)
{
    /* The transmitter finishes at once, so it is always empty. */
    return (kmi->rx_full ? IR_RXINTR : 0) | IR_TXINTR;
}

/* Recomputes KMIINTR; the only place it changes. */
static void pl050_update_irq(struct pl050 *kmi)
{
    uint32_t ir = pl050_ir(kmi);
    int level = ((ir & IR_RXINTR) && (kmi->cr & CR_RXINTREN)) ||
                ((ir & IR_TXINTR) && (kmi->cr & CR_TXINTREN));
    if (level != kmi->irq_level) {
        kmi->irq_level = level;
        trace_printf(kmi->dev.trace, TRACE_IRQ, "%s: KMIINTR %d", kmi->dev.name, level);
        irq_set(&kmi->irq, level);
    }
}

/* Moves the device's next byte into the empty receive register, if allowed. */
static void pl050_receive(struct pl050 *kmi)
{
    if (kmi->rx_full || !(kmi->cr & CR_KMIEN) || (kmi->cr & CR_FKMIC))
        return;
    if (!ps2_has_data(kmi->port))
        return;
    kmi->rx = ps2_read(kmi->port);
    kmi->rx_full = true;
    kmi->rx_bytes++;
}

static void pl050_port_notify(void *opaque)
{
    struct pl050 *kmi = opaque;
    pl050_receive(kmi);
    pl050_update_irq(kmi);
}

/* Odd parity: the parity bit makes the number of ones odd. */
static uint32_t odd_parity_bit(uint8_t byte)
{
    return (__builtin_popcount(byte) & 1) ? 0 : 1;
}

static uint32_t pl050_stat(const struct pl050 *kmi)
{
    uint32_t stat = STAT_TXEMPTY;
    if (!(kmi->cr & CR_FKMID))
        stat |= STAT_KMIDATA;
    if (!(kmi->cr & CR_FKMIC))
        stat |= STAT_KMIC;
    if (kmi->rx_full) {
        stat |= STAT_RXFULL;
        if (odd_parity_bit(kmi->rx))
            stat |= STAT_RXPARITY;
    }
    return stat;
}

static uint32_t pl050_read(struct pl050 *kmi, uint32_t offset)
{
    uint32_t value;
    if (primecell_id_read(pl050_periph_id, offset, &value))
        return value;
    switch (offset) {
    case KMICR:
        return kmi->cr;
    case KMISTAT:
        return pl050_stat(kmi);
    case KMIDATA:
        /* Reading empties the register; the next byte follows at once. */
        value = kmi->rx;
        kmi->rx_full = false;
        pl050_receive(kmi);
        pl050_update_irq(kmi);
        return value;
    case KMICLKDIV:
        return kmi->clkdiv;
    case KMIIR:
        return pl050_ir(kmi);
    default:
        device_guest_error(&kmi->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void pl050_write(struct pl050 *kmi, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case KMICR:
        kmi->cr = value & CR_MASK;
        if (kmi->cr & (CR_FKMID | CR_KMITYPE))
            trace_printf(kmi->dev.trace, TRACE_UNIMP, "%s: KMICR 0x%02x: forced data line / "
                         "KMITYPE not modelled", kmi->dev.name, kmi->cr);
        pl050_receive(kmi);
        break;
    case KMIDATA:
        if (!(kmi->cr & CR_KMIEN)) {
            device_guest_error(&kmi->dev, "write 0x%02x to KMIDATA while disabled",
                               value & 0xff);
            return;
        }
        kmi->tx_bytes++;
        ps2_write(kmi->port, (uint8_t)value);   /* notifies us of the reply */
        break;
    case KMICLKDIV:
        kmi->clkdiv = value & CLKDIV_MASK;
        return;
    case KMISTAT:
    case KMIIR:
        device_guest_error(&kmi->dev, "write 0x%x to read-only %s", value,
                           pl050_reg_name(offset));
        return;
    default:
        device_guest_error(&kmi->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    pl050_update_irq(kmi);
}

static uint32_t pl050_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct pl050 *kmi = opaque;
    uint32_t value = pl050_read(kmi, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&kmi->dev, "read", offset, pl050_reg_name(offset), value, size);
    return value;
}

static void pl050_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct pl050 *kmi = opaque;
    device_trace_access(&kmi->dev, "write", offset, pl050_reg_name(offset), value, size);
    pl050_write(kmi, offset, value);
}

static const struct mmio_ops pl050_mmio_ops = {
    .read = pl050_mmio_read,
    .write = pl050_mmio_write,
};

struct ps2_keyboard *pl050_keyboard(struct pl050 *kmi)
{
    return ps2_as_keyboard(kmi->port);
}

struct ps2_mouse *pl050_mouse(struct pl050 *kmi)
{
    return ps2_as_mouse(kmi->port);
}

/* TRM reset values: KMICR 0, KMICLKDIV 0; the device powers up too. */
static void pl050_reset(struct device *dev)
{
    struct pl050 *kmi = (struct pl050 *)dev;
    kmi->cr = 0;
    kmi->clkdiv = 0;
    kmi->rx = 0;
    kmi->rx_full = false;
    ps2_device_reset(kmi->port);
    pl050_update_irq(kmi);
}

static void pl050_dump(struct device *dev, FILE *out)
{
    struct pl050 *kmi = (struct pl050 *)dev;
    fprintf(out, "%s (pl050) @ 0x%08llx: KMIINTR %d\n", dev->name,
            (unsigned long long)dev->base, kmi->irq_level);
    fprintf(out, "  KMICR 0x%02x  KMISTAT 0x%02x  KMIIR 0x%x  KMICLKDIV 0x%x  "
            "KMIDATA 0x%02x%s\n", kmi->cr, pl050_stat(kmi), pl050_ir(kmi), kmi->clkdiv,
            kmi->rx, kmi->rx_full ? " (full)" : "");
    fprintf(out, "  %llu bytes received, %llu sent\n", (unsigned long long)kmi->rx_bytes,
            (unsigned long long)kmi->tx_bytes);
    ps2_dump(kmi->port, out);
}

static void pl050_destroy(struct device *dev)
{
    struct pl050 *kmi = (struct pl050 *)dev;
    ps2_device_destroy(kmi->port);
    free(kmi);
}

/* savevm/loadvm: the port's registers, then the keyboard or mouse behind it. */
static int pl050_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct pl050 *kmi = (struct pl050 *)dev;
    struct pl050 *s = snapshot_stage(io, kmi, sizeof(*kmi));
    if (!s)
        return -1;
    snap_level(io, "KMIINTR", &s->irq_level);
    snap_u32(io, &s->cr);
    snap_u32(io, &s->clkdiv);
    snap_u8(io, &s->rx);
    snap_bool(io, "rx full", &s->rx_full);
    snap_u64(io, &s->rx_bytes);
    snap_u64(io, &s->tx_bytes);
    ps2_snapshot(kmi->port, io);
    return snapshot_unstage(io, kmi, s);
}

struct pl050 *pl050_create(const char *name, uint64_t base, struct irq_line irq,
                           struct ps2_device *port, struct trace *trace)
{
    if (!port)
        return NULL;
    struct pl050 *kmi = calloc(1, sizeof(*kmi));
    if (!kmi) {
        ps2_device_destroy(port);
        return NULL;
    }
    kmi->dev.name = name;
    kmi->dev.type = "pl050";
    kmi->dev.base = base;
    kmi->dev.size = 0x1000;
    kmi->dev.ops = &pl050_mmio_ops;
    kmi->dev.reset = pl050_reset;
    kmi->dev.dump = pl050_dump;
    kmi->dev.destroy = pl050_destroy;
    kmi->dev.snapshot = pl050_snapshot;
    kmi->dev.trace = trace;
    kmi->irq = irq;
    kmi->port = port;
    ps2_set_notify(port, pl050_port_notify, kmi);
    pl050_reset(&kmi->dev);
    return kmi;
}
