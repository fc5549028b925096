/*
 * Cortex-A9 MPCore private memory region: the address decoder in front of
 * the SCU, the GIC and the private and global timers (see a9_mpcore.h for
 * the map). Each block keeps its own registers, reset, dump and tracing;
 * this file only routes accesses and owns the blocks' lifetime.
 */
#include "devices/a9_mpcore.h"

#include <stdlib.h>

#include "base/trace.h"
#include "devices/machine_snapshot.h"

/* Block offsets in the region (TRM Table 1-3). */
#define MP_SCU        0x0000
#define MP_GIC_CPU    0x0100
#define MP_GTIMER     0x0200
#define MP_MPTIMER    0x0600
#define MP_GIC_DIST   0x1000
#define MP_BLOCK_SIZE 0x100

/* PPIs of the private peripherals (TRM 3.3 "Interrupt distributor interrupt sources"). */
#define A9_PPI_GLOBAL_TIMER 11
#define A9_PPI_PRIVATE_TIMER 13
#define A9_PPI_WATCHDOG 14

/* The block holding offset, with offset made relative to it; NULL if none. */
static struct device *a9_mpcore_route(struct a9_mpcore *mp, uint32_t *offset)
{
    uint32_t o = *offset;
    struct device *dev = NULL;
    uint32_t base = 0;
    if (o >= MP_GIC_DIST) {
        dev = &mp->gic->dist;
        base = MP_GIC_DIST;
    } else if (o < MP_SCU + MP_BLOCK_SIZE) {
        dev = &mp->scu->dev;
        base = MP_SCU;
    } else if (o >= MP_GIC_CPU && o < MP_GIC_CPU + MP_BLOCK_SIZE) {
        dev = &mp->gic->cpu;
        base = MP_GIC_CPU;
    } else if (o >= MP_GTIMER && o < MP_GTIMER + MP_BLOCK_SIZE) {
        dev = &mp->gtimer->dev;
        base = MP_GTIMER;
    } else if (o >= MP_MPTIMER && o < MP_MPTIMER + MP_BLOCK_SIZE) {
        dev = &mp->mptimer->dev;
        base = MP_MPTIMER;
    }
    *offset = o - base;
    return dev;
}

static uint32_t a9_mpcore_read(void *opaque, uint32_t offset, unsigned size)
{
    struct a9_mpcore *mp = opaque;
    uint32_t rel = offset;
    struct device *dev = a9_mpcore_route(mp, &rel);
    if (!dev) {
        device_guest_error(&mp->dev, "read of reserved offset +0x%04x", offset);
        return 0;
    }
    return dev->ops->read(dev, rel, size);
}

static void a9_mpcore_write(void *opaque, uint32_t offset, uint32_t value, unsigned size)
{
    struct a9_mpcore *mp = opaque;
    uint32_t rel = offset;
    struct device *dev = a9_mpcore_route(mp, &rel);
    if (!dev) {
        device_guest_error(&mp->dev, "write 0x%x to reserved offset +0x%04x", value, offset);
        return;
    }
    dev->ops->write(dev, rel, value, size);
}

static const struct mmio_ops a9_mpcore_mmio_ops = {
    .read = a9_mpcore_read,
    .write = a9_mpcore_write,
};

static struct device *const *a9_mpcore_blocks(struct a9_mpcore *mp, struct device *out[5])
{
    out[0] = &mp->scu->dev;
    out[1] = &mp->gic->cpu;
    out[2] = &mp->gtimer->dev;
    out[3] = &mp->mptimer->dev;
    out[4] = &mp->gic->dist;
    return out;
}

static void a9_mpcore_reset(struct device *dev)
{
    struct device *blocks[5];
    a9_mpcore_blocks((struct a9_mpcore *)dev, blocks);
    for (unsigned i = 0; i < 5; i++)
        blocks[i]->reset(blocks[i]);
}

static void a9_mpcore_dump(struct device *dev, FILE *out)
{
    struct device *blocks[5];
    fprintf(out, "%s (a9-mpcore private region) @ 0x%08llx, 8 KiB\n", dev->name,
            (unsigned long long)dev->base);
    a9_mpcore_blocks((struct a9_mpcore *)dev, blocks);
    for (unsigned i = 0; i < 5; i++)
        blocks[i]->dump(blocks[i], out);
}

static void a9_mpcore_free_blocks(struct a9_mpcore *mp)
{
    if (mp->scu)
        mp->scu->dev.destroy(&mp->scu->dev);
    if (mp->gtimer)
        mp->gtimer->dev.destroy(&mp->gtimer->dev);
    if (mp->mptimer)
        mp->mptimer->dev.destroy(&mp->mptimer->dev);
    if (mp->gic) {
        mp->gic->cpu.destroy(&mp->gic->cpu);
        mp->gic->dist.destroy(&mp->gic->dist);
    }
}

static void a9_mpcore_destroy(struct device *dev)
{
    struct a9_mpcore *mp = (struct a9_mpcore *)dev;
    a9_mpcore_free_blocks(mp);
    free(mp);
}

/* savevm/loadvm: the five blocks of the private region, each with its own hook. */
static int a9_mpcore_snapshot(struct device *dev, struct snapshot_io *io)
{
    struct device *blocks[5];
    a9_mpcore_blocks((struct a9_mpcore *)dev, blocks);
    for (unsigned i = 0; i < 5; i++)
        if (blocks[i]->snapshot(blocks[i], io) < 0)
            return -1;
    return 0;
}

struct a9_mpcore *a9_mpcore_create(const char *name, const struct a9_mpcore_config *cfg,
                                   struct vclock *clock, struct trace *trace)
{
    unsigned n = cfg->num_cpus;
    if (n == 0 || n > A9_MPCORE_MAX_CPUS)
        return NULL;
    struct a9_mpcore *mp = calloc(1, sizeof(*mp));
    if (!mp)
        return NULL;
    mp->dev.name = name;
    mp->dev.type = "a9-mpcore";
    mp->dev.base = cfg->periphbase;
    mp->dev.size = A9_MPCORE_SIZE;
    mp->dev.ops = &a9_mpcore_mmio_ops;
    mp->dev.reset = a9_mpcore_reset;
    mp->dev.dump = a9_mpcore_dump;
    mp->dev.destroy = a9_mpcore_destroy;
    mp->dev.snapshot = a9_mpcore_snapshot;
    mp->dev.trace = trace;
    mp->dev.clock = clock;

    struct gic_config gc = {
        .version = GIC_V1,
        .num_irqs = cfg->num_irqs ? cfg->num_irqs : A9_MPCORE_DEFAULT_IRQS,
        .num_cpus = n,
        .dist_name = "gic-dist",
        .cpu_name = "gic-cpu",
        .dist_base = cfg->periphbase + MP_GIC_DIST,
        .cpu_base = cfg->periphbase + MP_GIC_CPU,
        .cpu_sel = cfg->cpu_sel,
    };
    for (unsigned cpu = 0; cpu < n; cpu++) {
        gc.irq_out[cpu] = cfg->irq_out[cpu];
        gc.fiq_out[cpu] = cfg->fiq_out[cpu];
    }
    mp->gic = gic_create(&gc, trace);
    if (!mp->gic)
        goto fail;

    struct irq_line gt_irq[A9_MPCORE_MAX_CPUS], twd_irq[A9_MPCORE_MAX_CPUS],
        wdt_irq[A9_MPCORE_MAX_CPUS];
    for (unsigned cpu = 0; cpu < n; cpu++) {
        gt_irq[cpu] = gic_ppi_input(mp->gic, cpu, A9_PPI_GLOBAL_TIMER);
        twd_irq[cpu] = gic_ppi_input(mp->gic, cpu, A9_PPI_PRIVATE_TIMER);
        wdt_irq[cpu] = gic_ppi_input(mp->gic, cpu, A9_PPI_WATCHDOG);
    }
    mp->scu = a9_scu_create("scu", cfg->periphbase + MP_SCU, n, trace);
    mp->gtimer = a9_global_timer_create("global-timer", cfg->periphbase + MP_GTIMER, n, gt_irq,
                                        cfg->cpu_sel, clock, trace);
    mp->mptimer = arm_mptimer_create("twd", cfg->periphbase + MP_MPTIMER, n, twd_irq, wdt_irq,
                                     cfg->cpu_sel, clock, trace);
    if (!mp->scu || !mp->gtimer || !mp->mptimer)
        goto fail;
    return mp;

fail:
    a9_mpcore_free_blocks(mp);
    free(mp);
    return NULL;
}
