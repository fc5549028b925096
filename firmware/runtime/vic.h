/*
 * ARM PL190 vectored interrupt controller (ARM DDI 0181E, "PrimeCell
 * Vectored Interrupt Controller (PL190) Technical Reference Manual",
 * chapter 3 "Programmer's Model").
 */
#ifndef FW_VIC_H
#define FW_VIC_H

#include "types.h"

#define VICIRQSTATUS    0x000   /* masked IRQ status (RO) */
#define VICFIQSTATUS    0x004   /* masked FIQ status (RO) */
#define VICRAWINTR      0x008   /* raw inputs | soft interrupts (RO) */
#define VICINTSELECT    0x00c   /* 1 = FIQ, 0 = IRQ */
#define VICINTENABLE    0x010   /* write 1 to enable (read: enable mask) */
#define VICINTENCLEAR   0x014   /* write 1 to disable */
#define VICSOFTINT      0x018   /* write 1 to raise a soft interrupt */
#define VICSOFTINTCLEAR 0x01c
#define VICPROTECTION   0x020
#define VICVECTADDR     0x030   /* read: ISR address of the active IRQ; write: end of IRQ */
#define VICDEFVECTADDR  0x034   /* returned for non-vectored IRQs */
#define VICVECTADDR0    0x100   /* + 4 * slot, 16 slots */
#define VICVECTCNTL0    0x200   /* + 4 * slot */
#define VICVECTCNTL_ENABLE  (1u << 5)

#define VIC_SLOTS       16

typedef void (*vic_isr_fn)(void);

u32 vic_read(u32 reg);
void vic_write(u32 reg, u32 value);
/* All sources disabled, routed to IRQ, vector slots off, soft ints cleared. */
void vic_reset(void);
void vic_enable(unsigned irq);
void vic_disable(unsigned irq);
void vic_route_fiq(unsigned irq, int to_fiq);
void vic_soft_raise(unsigned irq);
void vic_soft_clear(unsigned irq);
/* Vector slot (0 = highest priority) for a source. */
void vic_set_vector(unsigned slot, unsigned irq, vic_isr_fn isr);
void vic_set_default_vector(vic_isr_fn isr);
/*
 * IRQ exception hook implementing the PL190 protocol: read VICVECTADDR
 * (which also marks the interrupt as being serviced), call that ISR, then
 * write VICVECTADDR to tell the priority logic the ISR has finished.
 */
struct exc_frame;
void vic_irq_hook(struct exc_frame *frame);

#endif
