/*
 * GIC-400 helpers (register map in gic.h).
 */
#include "runtime.h"

/* ISRs by interrupt ID; like the exception hooks, runtime-owned state. */
static volatile gic_isr_fn gic_isrs[GIC_MAX_IDS];

u32 gicd_read(u32 reg)
{
    return mmio_read32(VE_GICD_BASE + reg);
}

void gicd_write(u32 reg, u32 value)
{
    mmio_write32(VE_GICD_BASE + reg, value);
}

u32 gicc_read(u32 reg)
{
    return mmio_read32(VE_GICC_BASE + reg);
}

void gicc_write(u32 reg, u32 value)
{
    mmio_write32(VE_GICC_BASE + reg, value);
}

u32 gic_num_irqs(void)
{
    return 32u * ((gicd_read(GICD_TYPER) & 0x1fu) + 1);
}

void gic_init(void)
{
    u32 n = gic_num_irqs();

    gicd_write(GICD_CTLR, 0);
    gicc_write(GICC_CTLR, 0);
    for (u32 i = 0; i < n / 32; i++) {
        gicd_write(GICD_ICENABLER + 4 * i, 0xffffffffu);
        gicd_write(GICD_ICPENDR + 4 * i, 0xffffffffu);
        gicd_write(GICD_ICACTIVER + 4 * i, 0xffffffffu);
    }
    gicd_write(GICD_CPENDSGIR, 0xffffffffu);
    for (u32 id = 0; id < n; id++) {
        mmio_write8(VE_GICD_BASE + GICD_IPRIORITYR + id, 0xa0);
        if (id >= 32)
            mmio_write8(VE_GICD_BASE + GICD_ITARGETSR + id, 1);
    }
    for (u32 id = 0; id < GIC_MAX_IDS; id++)
        gic_isrs[id] = 0;
    gicc_write(GICC_PMR, 0xff);
    gicc_write(GICC_BPR, 0);
    gicd_write(GICD_CTLR, 1);
    gicc_write(GICC_CTLR, GICC_CTLR_ENABLE);
}

void gic_enable(u32 id)
{
    gicd_write(GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32));
}

void gic_disable(u32 id)
{
    gicd_write(GICD_ICENABLER + 4 * (id / 32), 1u << (id % 32));
}

void gic_set_priority(u32 id, u8 prio)
{
    mmio_write8(VE_GICD_BASE + GICD_IPRIORITYR + id, prio);
}

u8 gic_get_priority(u32 id)
{
    return mmio_read8(VE_GICD_BASE + GICD_IPRIORITYR + id);
}

void gic_set_pending(u32 id)
{
    gicd_write(GICD_ISPENDR + 4 * (id / 32), 1u << (id % 32));
}

void gic_clear_pending(u32 id)
{
    gicd_write(GICD_ICPENDR + 4 * (id / 32), 1u << (id % 32));
}

bool gic_is_pending(u32 id)
{
    return (gicd_read(GICD_ISPENDR + 4 * (id / 32)) >> (id % 32)) & 1u;
}

bool gic_is_active(u32 id)
{
    return (gicd_read(GICD_ISACTIVER + 4 * (id / 32)) >> (id % 32)) & 1u;
}

void gic_sgi_self(u32 id)
{
    dsb();
    gicd_write(GICD_SGIR, GICD_SGIR_TO_SELF | (id & 15u));
}

void gic_set_isr(u32 id, gic_isr_fn isr)
{
    if (id >= GIC_MAX_IDS)
        test_fail("gic_set_isr: bad interrupt ID %u", id);
    gic_isrs[id] = isr;
}

void gic_irq_hook(struct exc_frame *frame)
{
    u32 iar = gicc_read(GICC_IAR);
    u32 id = GICC_IAR_ID(iar);

    (void)frame;
    if (id == GIC_SPURIOUS)
        return;
    gic_isr_fn isr = id < GIC_MAX_IDS ? gic_isrs[id] : 0;
    if (!isr)
        test_fail("unexpected interrupt ID %u (IAR %08x)", id, iar);
    isr(iar);
    gicc_write(GICC_EOIR, iar);
}
