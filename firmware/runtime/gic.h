/*
 * GIC-400 (GICv2) distributor and CPU interface, as on the V2P-CA15 tile
 * (ARM IHI 0048B "GIC Architecture Specification v2", 4.1 register maps;
 * CoreLink GIC-400 TRM DDI 0471B).
 */
#ifndef FW_GIC_H
#define FW_GIC_H

#include <stdbool.h>

#include "types.h"

/* Distributor (IHI 0048B table 4-1). */
#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IIDR       0x008
#define GICD_IGROUPR    0x080   /* + 4 * (id / 32) */
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400   /* + id, one byte each */
#define GICD_ITARGETSR  0x800   /* + id, one byte each */
#define GICD_ICFGR      0xc00   /* + 4 * (id / 16), two bits each */
#define GICD_SGIR       0xf00
#define GICD_CPENDSGIR  0xf10
#define GICD_SPENDSGIR  0xf20
/* GICD_SGIR: TargetListFilter [25:24], CPUTargetList [23:16], SGIINTID [3:0]. */
#define GICD_SGIR_TO_LIST   (0u << 24)
#define GICD_SGIR_TO_OTHERS (1u << 24)
#define GICD_SGIR_TO_SELF   (2u << 24)

/* CPU interface (IHI 0048B table 4-2). */
#define GICC_CTLR       0x000
#define GICC_PMR        0x004
#define GICC_BPR        0x008
#define GICC_IAR        0x00c
#define GICC_EOIR       0x010
#define GICC_RPR        0x014
#define GICC_HPPIR      0x018
#define GICC_ABPR       0x01c
#define GICC_APR0       0x0d0
#define GICC_IIDR       0x0fc
#define GICC_DIR        0x1000
/*
 * GICC_CTLR (4.4.1): bit 0 enables Group 0 (the only group used here),
 * bit 9 EOImodeS: EOIR only drops the priority, GICC_DIR deactivates.
 */
#define GICC_CTLR_ENABLE    (1u << 0)
#define GICC_CTLR_EOIMODE   (1u << 9)
#define GICC_IAR_ID(iar)    ((iar) & 0x3ffu)
#define GICC_IAR_CPUID(iar) (((iar) >> 10) & 7u)
#define GIC_SPURIOUS        1023u

#define GIC_MAX_IDS         1020u

typedef void (*gic_isr_fn)(u32 iar);

u32 gicd_read(u32 reg);
void gicd_write(u32 reg, u32 value);
u32 gicc_read(u32 reg);
void gicc_write(u32 reg, u32 value);
/* Interrupt lines the distributor implements (32 * (TYPER.ITLinesNumber + 1)). */
u32 gic_num_irqs(void);
/*
 * Distributor and CPU interface to a known state: everything disabled,
 * not pending, not active, priority 0xa0, SPIs targeted at CPU 0, then
 * both enabled with PMR = 0xff (no masking), BPR = 0, EOImode 0; every
 * ISR slot empty.
 */
void gic_init(void);
void gic_enable(u32 id);
void gic_disable(u32 id);
void gic_set_priority(u32 id, u8 prio);
u8 gic_get_priority(u32 id);
void gic_set_pending(u32 id);
void gic_clear_pending(u32 id);
bool gic_is_pending(u32 id);
bool gic_is_active(u32 id);
/* SGI id (0-15) to this CPU only. */
void gic_sgi_self(u32 id);
/* ISR called by gic_irq_hook for an ID (NULL: an unexpected interrupt fails the test). */
void gic_set_isr(u32 id, gic_isr_fn isr);
/*
 * IRQ exception hook: acknowledge (IAR), call the ISR, EOI.  Spurious
 * 1023 returns without EOI (IHI 0048B chapter 3, spurious interrupts).
 */
struct exc_frame;
void gic_irq_hook(struct exc_frame *frame);

#endif
