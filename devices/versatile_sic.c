/*
 * Versatile PB secondary interrupt controller (SIC) (Versatile PB user
 * guide, ARM DUI 0224, "Secondary interrupt controller").
 *
 * MMIO: 4 KiB at 0x10003000. Outputs: one combined line, the OR of
 * (inputs | soft) & SIC_ENABLE, wired to VIC 31; and, per line, a
 * pass-through: when SIC_PICENABLE bit n is set, input n also drives VIC
 * line n directly. As in QEMU only lines 21-30 can pass through, so Linux's
 * PICENSET of 0xffd00000 enables lines 22-30.
 *
 * Offset 0x2c: Linux's generic FPGA IRQ driver writes all ones to its FIQ
 * enable-clear register there; this controller has no FIQ output, so the
 * write is accepted and ignored (QEMU reports it as a bad offset).
 *
 * Not modelled: nothing else; the controller has no priorities or IDs.
 */
#include "devices/versatile_sic.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (user guide, "SIC registers"). */
#define SIC_STATUS      0x00  /* RO: status after masking */
#define SIC_RAWSTAT     0x04  /* RO */
#define SIC_ENABLE      0x08  /* read: SIC_ENABLE; write: SIC_ENSET */
#define SIC_ENCLR       0x0c  /* WO */
#define SIC_SOFTINTSET  0x10  /* read: soft bits; write: set */
#define SIC_SOFTINTCLR  0x14  /* WO */
#define SIC_PICENABLE   0x20  /* read: SIC_PICENABLE; write: SIC_PICENSET */
#define SIC_PICENCLR    0x24  /* WO */
#define SIC_FIQENCLR    0x2c  /* WO: FPGA-IRQ FIQ enable clear, no effect here */

/* Lines 21-30: the only ones with a pass-through path. */
#define SIC_PT_MASK (((1u << (VERSATILE_SIC_PT_LAST + 1)) - 1) & \
                     ~((1u << VERSATILE_SIC_PT_FIRST) - 1))

/* For tracing only. */
static const char *sic_reg_name(uint32_t offset, bool write)
{
    switch (offset) {
    case SIC_STATUS: return "SIC_STATUS";
    case SIC_RAWSTAT: return "SIC_RAWSTAT";
    case SIC_ENABLE: return write ? "SIC_ENSET" : "SIC_ENABLE";
    case SIC_ENCLR: return "SIC_ENCLR";
    case SIC_SOFTINTSET: return "SIC_SOFTINTSET";
    case SIC_SOFTINTCLR: return "SIC_SOFTINTCLR";
    case SIC_PICENABLE: return write ? "SIC_PICENSET" : "SIC_PICENABLE";
    case SIC_PICENCLR: return "SIC_PICENCLR";
    case SIC_FIQENCLR: return "SIC_FIQENCLR";
    default: return NULL;
    }
}

static uint32_t sic_raw(const struct versatile_sic *sic)
{
    return sic->level | sic->soft;
}

/* Recomputes every output from raw & masks; the only place they change. */
static void sic_update_irq(struct versatile_sic *sic)
{
    int out = (sic_raw(sic) & sic->enable) != 0;
    if (out != sic->out_level) {
        sic->out_level = out;
        trace_printf(sic->dev.trace, TRACE_IRQ, "%s: output %d", sic->dev.name, out);
        irq_set(&sic->out, out);
    }
    uint32_t pt = sic_raw(sic) & sic->pic_enable & SIC_PT_MASK;
    uint32_t changed = pt ^ sic->pt_level;
    sic->pt_level = pt;
    for (unsigned line = VERSATILE_SIC_PT_FIRST; line <= VERSATILE_SIC_PT_LAST; line++)
        if (changed & (1u << line))
            irq_set(&sic->passthrough[line], (pt >> line) & 1);
}

static uint32_t sic_read(struct versatile_sic *sic, uint32_t offset)
{
    switch (offset) {
    case SIC_STATUS:
        return sic_raw(sic) & sic->enable;
    case SIC_RAWSTAT:
        return sic_raw(sic);
    case SIC_ENABLE:
        return sic->enable;
    case SIC_SOFTINTSET:
        return sic->soft;
    case SIC_PICENABLE:
        return sic->pic_enable;
    case SIC_ENCLR:
    case SIC_SOFTINTCLR:
    case SIC_PICENCLR:
    case SIC_FIQENCLR:
        device_guest_error(&sic->dev, "read of write-only register +0x%02x", offset);
        return 0;
    default:
        device_guest_error(&sic->dev, "read of unknown register +0x%03x", offset);
        return 0;
    }
}

static void sic_write(struct versatile_sic *sic, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case SIC_ENABLE:
        sic->enable |= value;
        break;
    case SIC_ENCLR:
        sic->enable &= ~value;
        break;
    case SIC_SOFTINTSET:
        sic->soft |= value;
        break;
    case SIC_SOFTINTCLR:
        sic->soft &= ~value;
        break;
    case SIC_PICENABLE:
        sic->pic_enable |= value & SIC_PT_MASK;
        break;
    case SIC_PICENCLR:
        sic->pic_enable &= ~value;
        break;
    case SIC_FIQENCLR:
        return;
    case SIC_STATUS:
    case SIC_RAWSTAT:
        device_guest_error(&sic->dev, "write 0x%x to read-only register +0x%02x", value,
                           offset);
        return;
    default:
        device_guest_error(&sic->dev, "write 0x%x to unknown register +0x%03x", value, offset);
        return;
    }
    sic_update_irq(sic);
}

static uint32_t sic_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct versatile_sic *sic = opaque;
    uint32_t value = sic_read(sic, offset);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&sic->dev, "read", offset, sic_reg_name(offset, false), value, size);
    return value;
}

static void sic_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct versatile_sic *sic = opaque;
    device_trace_access(&sic->dev, "write", offset, sic_reg_name(offset, true), value, size);
    sic_write(sic, offset, value);
}

static const struct mmio_ops sic_mmio_ops = {
    .read = sic_mmio_read,
    .write = sic_mmio_write,
};

static void sic_set_input(void *opaque, unsigned line, int level)
{
    struct versatile_sic *sic = opaque;
    uint32_t bit = 1u << line;
    uint32_t old = sic->level;
    sic->level = level ? old | bit : old & ~bit;
    if (sic->level != old)
        sic_update_irq(sic);
}

struct irq_line versatile_sic_irq_input(struct versatile_sic *sic, unsigned line)
{
    if (line >= VERSATILE_SIC_INPUTS)
        return irq_line_make(NULL, NULL, 0);
    return irq_line_make(sic_set_input, sic, line);
}

static void sic_reset(struct device *dev)
{
    struct versatile_sic *sic = (struct versatile_sic *)dev;
    sic->soft = 0;
    sic->enable = 0;
    sic->pic_enable = 0;
    sic_update_irq(sic);
}

static void sic_dump(struct device *dev, FILE *out)
{
    struct versatile_sic *sic = (struct versatile_sic *)dev;
    fprintf(out, "%s (versatile-sic) @ 0x%08llx: output %d, pass-through out 0x%08x\n",
            dev->name, (unsigned long long)dev->base, sic->out_level, sic->pt_level);
    fprintf(out, "  SIC_STATUS     0x%08x  SIC_RAWSTAT     0x%08x\n",
            sic_raw(sic) & sic->enable, sic_raw(sic));
    fprintf(out, "  SIC_ENABLE     0x%08x  SIC_SOFTINTSET  0x%08x\n", sic->enable, sic->soft);
    fprintf(out, "  SIC_PICENABLE  0x%08x  (inputs 0x%08x)\n", sic->pic_enable, sic->level);
}

static void sic_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: registers, input levels and the outputs as last driven. */
static int sic_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct versatile_sic *sic = (struct versatile_sic *)dev;
    struct versatile_sic *s = snapshot_stage(io, sic, sizeof(*sic));
    if (!s)
        return -1;
    uint32_t *regs[] = { &s->level, &s->soft, &s->enable, &s->pic_enable, &s->pt_level };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    snap_level(io, "output to the VIC", &s->out_level);
    return snapshot_unstage(io, sic, s);
}

struct versatile_sic *versatile_sic_create(const char *name, uint64_t base, struct irq_line out,
                                           const struct irq_line *passthrough,
                                           struct trace *trace)
{
    struct versatile_sic *sic = calloc(1, sizeof(*sic));
    if (!sic)
        return NULL;
    sic->dev.name = name;
    sic->dev.type = "versatile-sic";
    sic->dev.base = base;
    sic->dev.size = 0x1000;
    sic->dev.ops = &sic_mmio_ops;
    sic->dev.reset = sic_reset;
    sic->dev.dump = sic_dump;
    sic->dev.destroy = sic_destroy;
    sic->dev.snapshot = sic_snapshot;
    sic->dev.trace = trace;
    sic->out = out;
    if (passthrough)
        for (unsigned line = VERSATILE_SIC_PT_FIRST; line <= VERSATILE_SIC_PT_LAST; line++)
            sic->passthrough[line] = passthrough[line];
    sic_reset(&sic->dev);
    return sic;
}
