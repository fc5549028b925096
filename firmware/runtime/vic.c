/*
 * PL190 VIC helpers (register map in vic.h).
 */
#include "runtime.h"

u32 vic_read(u32 reg)
{
    return mmio_read32(VPB_VIC_BASE + reg);
}

void vic_write(u32 reg, u32 value)
{
    mmio_write32(VPB_VIC_BASE + reg, value);
}

void vic_reset(void)
{
    vic_write(VICINTENCLEAR, 0xffffffffu);
    vic_write(VICSOFTINTCLEAR, 0xffffffffu);
    vic_write(VICINTSELECT, 0);
    for (unsigned slot = 0; slot < VIC_SLOTS; slot++) {
        vic_write(VICVECTCNTL0 + 4 * slot, 0);
        vic_write(VICVECTADDR0 + 4 * slot, 0);
    }
    vic_write(VICDEFVECTADDR, 0);
    /*
     * Unwind the priority logic in case an IRQ was being serviced: each
     * write to VICVECTADDR retires the highest active priority level
     * (PL190 TRM 3.3.12); 17 writes clear 16 vectored levels + default.
     */
    for (unsigned i = 0; i <= VIC_SLOTS; i++)
        vic_write(VICVECTADDR, 0);
}

void vic_enable(unsigned irq)
{
    vic_write(VICINTENABLE, 1u << irq);
}

void vic_disable(unsigned irq)
{
    vic_write(VICINTENCLEAR, 1u << irq);
}

void vic_route_fiq(unsigned irq, int to_fiq)
{
    u32 sel = vic_read(VICINTSELECT);

    sel = to_fiq ? sel | (1u << irq) : sel & ~(1u << irq);
    vic_write(VICINTSELECT, sel);
}

void vic_soft_raise(unsigned irq)
{
    vic_write(VICSOFTINT, 1u << irq);
}

void vic_soft_clear(unsigned irq)
{
    vic_write(VICSOFTINTCLEAR, 1u << irq);
}

void vic_set_vector(unsigned slot, unsigned irq, vic_isr_fn isr)
{
    vic_write(VICVECTADDR0 + 4 * slot, (u32)(uintptr_t)isr);
    vic_write(VICVECTCNTL0 + 4 * slot, VICVECTCNTL_ENABLE | irq);
}

void vic_set_default_vector(vic_isr_fn isr)
{
    vic_write(VICDEFVECTADDR, (u32)(uintptr_t)isr);
}

void vic_irq_hook(struct exc_frame *frame)
{
    u32 addr = vic_read(VICVECTADDR);

    (void)frame;
    if (addr == 0)
        test_fail("IRQ with VICVECTADDR = 0 (no ISR for status %08x)",
                  vic_read(VICIRQSTATUS));
    ((vic_isr_fn)(uintptr_t)addr)();
    vic_write(VICVECTADDR, 0);
}
