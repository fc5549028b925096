/*
 * Cortex-A9 MPCore Snoop Control Unit (Cortex-A9 MPCore TRM, ARM DDI 0407,
 * 2.2 "Snoop Control Unit registers").
 *
 * MMIO: 256 bytes at PERIPHBASE+0x0. No interrupts.
 *
 * There are no caches to keep coherent, so the SCU is its registers: the
 * control bits, the filtering window and the access controls are stored,
 * "invalidate all" completes at once, and SCU Configuration describes the
 * cluster: the number of CPUs (Linux's scu_get_core_count), every CPU in
 * SMP mode (as QEMU reports, whatever ACTLR.SMP says) and 32 KiB data
 * caches per CPU (the V2P-CA9 tile's Cortex-A9s).
 *
 * Not modelled: CPU power status has no effect on the CPUs; the filtering
 * window does not route anything (the board decides what is where).
 */
#include "devices/a9_scu.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Register offsets (TRM Table 2-1). */
#define SCU_CONTROL        0x00
#define SCU_CONFIG         0x04  /* RO */
#define SCU_POWER_STATUS   0x08
#define SCU_INVALIDATE_ALL 0x0c  /* WO */
#define SCU_FILTER_START   0x40
#define SCU_FILTER_END     0x44
#define SCU_SAC            0x50
#define SCU_SNSAC          0x54

/* SCU Control: enable, address filtering, parity, speculative linefills,
 * force device to port 0, SCU standby, IC standby. */
#define SCU_CONTROL_MASK   0x7fu
/* SCU Configuration fields. */
#define SCU_CONFIG_SMP_SHIFT     4
#define SCU_CONFIG_TAGRAM_SHIFT  8
#define SCU_CONFIG_TAGRAM_32K    1u     /* per CPU, 2 bits: 32 KiB, 128 indexes */
/* Filtering addresses keep bits [31:20]. */
#define SCU_FILTER_MASK    0xfff00000u
#define SCU_SAC_MASK       0xfu
#define SCU_SNSAC_MASK     0xfffu

static const char *a9_scu_reg_name(uint32_t offset)
{
    switch (offset) {
    case SCU_CONTROL: return "SCU_CONTROL";
    case SCU_CONFIG: return "SCU_CONFIG";
    case SCU_POWER_STATUS: return "SCU_POWER_STATUS";
    case SCU_INVALIDATE_ALL: return "SCU_INVALIDATE_ALL";
    case SCU_FILTER_START: return "SCU_FILTER_START";
    case SCU_FILTER_END: return "SCU_FILTER_END";
    case SCU_SAC: return "SCU_SAC";
    case SCU_SNSAC: return "SCU_SNSAC";
    default: return NULL;
    }
}

static uint32_t a9_scu_config(const struct a9_scu *scu)
{
    uint32_t value = scu->num_cpus - 1;
    for (unsigned cpu = 0; cpu < scu->num_cpus; cpu++) {
        value |= 1u << (SCU_CONFIG_SMP_SHIFT + cpu);
        value |= SCU_CONFIG_TAGRAM_32K << (SCU_CONFIG_TAGRAM_SHIFT + 2 * cpu);
    }
    return value;
}

static uint32_t a9_scu_read(struct a9_scu *scu, uint32_t offset, unsigned size)
{
    switch (offset & ~3u) {
    case SCU_CONTROL:
        return scu->control;
    case SCU_CONFIG:
        return a9_scu_config(scu);
    case SCU_POWER_STATUS:
        /* Byte-accessible: each CPU writes its own status byte. */
        return scu->power_status >> ((offset & 3) * 8);
    case SCU_INVALIDATE_ALL:
        device_guest_error(&scu->dev, "read of write-only SCU Invalidate All");
        return 0;
    case SCU_FILTER_START:
        return scu->filter_start;
    case SCU_FILTER_END:
        return scu->filter_end;
    case SCU_SAC:
        return scu->sac;
    case SCU_SNSAC:
        return scu->snsac;
    default:
        device_guest_error(&scu->dev, "%u-byte read of unknown register +0x%02x", size, offset);
        return 0;
    }
}

static void a9_scu_write(struct a9_scu *scu, uint32_t offset, uint32_t value, unsigned size)
{
    switch (offset & ~3u) {
    case SCU_CONTROL:
        scu->control = value & SCU_CONTROL_MASK;
        break;
    case SCU_POWER_STATUS: {
        unsigned shift = (offset & 3) * 8;
        uint32_t mask = (size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1) << shift;
        mask &= (scu->num_cpus >= 4 ? 0xffffffffu : (1u << (8 * scu->num_cpus)) - 1);
        mask &= 0x03030303u;    /* two status bits per CPU */
        scu->power_status = (scu->power_status & ~mask) | ((value << shift) & mask);
        break;
    }
    case SCU_INVALIDATE_ALL:
        /* No tag RAMs: nothing to invalidate, done at once. */
        break;
    case SCU_FILTER_START:
        scu->filter_start = value & SCU_FILTER_MASK;
        break;
    case SCU_FILTER_END:
        scu->filter_end = value & SCU_FILTER_MASK;
        break;
    case SCU_SAC:
        scu->sac = value & SCU_SAC_MASK;
        break;
    case SCU_SNSAC:
        scu->snsac = value & SCU_SNSAC_MASK;
        break;
    case SCU_CONFIG:
        device_guest_error(&scu->dev, "write 0x%x to read-only SCU Configuration", value);
        break;
    default:
        device_guest_error(&scu->dev, "write 0x%x to unknown register +0x%02x", value, offset);
        break;
    }
}

static uint32_t a9_scu_mmio_read(void *opaque, uint32_t offset, unsigned size)
{
    struct a9_scu *scu = opaque;
    uint32_t value = a9_scu_read(scu, offset, size);
    if (size < 4)
        value &= (1u << (size * 8)) - 1;
    device_trace_access(&scu->dev, "read", offset, a9_scu_reg_name(offset), value, size);
    return value;
}

static void a9_scu_mmio_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct a9_scu *scu = opaque;
    device_trace_access(&scu->dev, "write", offset, a9_scu_reg_name(offset), value, size);
    a9_scu_write(scu, offset, value, size);
}

static const struct mmio_ops a9_scu_mmio_ops = {
    .read = a9_scu_mmio_read,
    .write = a9_scu_mmio_write,
};

/* TRM reset values: SCU disabled, all CPUs normal, SAC 0xf, SNSAC 0. */
static void a9_scu_reset(struct device *dev)
{
    struct a9_scu *scu = (struct a9_scu *)dev;
    scu->control = 0;
    scu->power_status = 0;
    scu->filter_start = 0;
    scu->filter_end = 0;
    scu->sac = SCU_SAC_MASK;
    scu->snsac = 0;
}

static void a9_scu_dump(struct device *dev, FILE *out)
{
    struct a9_scu *scu = (struct a9_scu *)dev;
    fprintf(out, "%s (a9-scu) @ 0x%08llx: %u CPU%s\n", dev->name,
            (unsigned long long)dev->base, scu->num_cpus, scu->num_cpus == 1 ? "" : "s");
    fprintf(out, "  SCU_CONTROL      0x%08x (%s)  SCU_CONFIG     0x%08x\n", scu->control,
            (scu->control & 1) ? "enabled" : "disabled", a9_scu_config(scu));
    fprintf(out, "  SCU_POWER_STATUS 0x%08x  SCU_FILTER     0x%08x-0x%08x\n",
            scu->power_status, scu->filter_start, scu->filter_end);
    fprintf(out, "  SCU_SAC          0x%08x  SCU_SNSAC      0x%08x\n", scu->sac, scu->snsac);
}

static void a9_scu_destroy(struct device *dev)
{
    free(dev);
}

/* savevm/loadvm: every register. */
static int a9_scu_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct a9_scu *scu = (struct a9_scu *)dev;
    struct a9_scu *s = snapshot_stage(io, scu, sizeof(*scu));
    if (!s)
        return -1;
    uint32_t *regs[] = { &s->control, &s->power_status, &s->filter_start, &s->filter_end,
                         &s->sac, &s->snsac };
    for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
        snap_u32(io, regs[i]);
    return snapshot_unstage(io, scu, s);
}

struct a9_scu *a9_scu_create(const char *name, uint64_t base, unsigned num_cpus,
                             struct trace *trace)
{
    if (num_cpus == 0 || num_cpus > A9_SCU_MAX_CPUS)
        return NULL;
    struct a9_scu *scu = calloc(1, sizeof(*scu));
    if (!scu)
        return NULL;
    scu->dev.name = name;
    scu->dev.type = "a9-scu";
    scu->dev.base = base;
    scu->dev.size = A9_SCU_SIZE;
    scu->dev.ops = &a9_scu_mmio_ops;
    scu->dev.reset = a9_scu_reset;
    scu->dev.dump = a9_scu_dump;
    scu->dev.destroy = a9_scu_destroy;
    scu->dev.snapshot = a9_scu_snapshot;
    scu->dev.trace = trace;
    scu->num_cpus = num_cpus;
    a9_scu_reset(&scu->dev);
    return scu;
}
