/*
 * The virtual GIC: distributor and CPU interface enables, per-interrupt
 * enable bits, and the IRQ exception's acknowledge loop (ARM IHI 0048B:
 * 4.3 distributor registers, 4.4 CPU interface; EOImode 0, so writing
 * GICC_EOIR both drops priority and deactivates).
 */
#include "gic.h"
#include "mmio.h"
#include "sched.h"
#include "vgic.h"
#include "xen.h"

#define NR_HANDLED 64u  /* SGIs, PPIs and the first SPIs (Dom0's UART is 37) */

static irq_handler_fn handlers[NR_HANDLED];
volatile uint32_t irq_generation;

void vgic_init(void)
{
    mmio_write32(GUEST_GICD_BASE + GICD_CTLR, 1);
    mmio_write32(GUEST_GICC_BASE + GICC_PMR, 0xff);
    mmio_write32(GUEST_GICC_BASE + GICC_BPR, 0);
    mmio_write32(GUEST_GICC_BASE + GICC_CTLR, GICC_CTLR_ENABLE);
}

void vgic_enable(uint32_t intid, irq_handler_fn handler)
{
    if (intid >= NR_HANDLED)
        return;
    handlers[intid] = handler;
    mmio_write8(GUEST_GICD_BASE + GICD_IPRIORITYR + intid, 0xa0);
    if (intid >= 32)
        mmio_write8(GUEST_GICD_BASE + GICD_ITARGETSR + intid, 1);
    mmio_write32(GUEST_GICD_BASE + GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
}

/* Called by the IRQ exception stub (start.S). */
void irq_handle(void);
void irq_handle(void)
{
    for (;;) {
        uint32_t iar = mmio_read32(GUEST_GICC_BASE + GICC_IAR);
        uint32_t id = GICC_IAR_ID(iar);

        if (id >= GIC_SPURIOUS)
            break;
        if (id < NR_HANDLED && handlers[id])
            handlers[id](id);
        mmio_write32(GUEST_GICC_BASE + GICC_EOIR, iar);
        irq_generation++;
    }
}
