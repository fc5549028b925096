/*
 * SP804 timer helpers (register map in sp804.h).
 */
#include "runtime.h"

void sp804_stop(u32 timer)
{
    mmio_write32(timer + SP804_CONTROL, 0);
    mmio_write32(timer + SP804_INTCLR, 1);
}

static void sp804_start(u32 timer, u32 ticks, u32 mode)
{
    sp804_stop(timer);
    mmio_write32(timer + SP804_LOAD, ticks);
    mmio_write32(timer + SP804_CONTROL,
                 SP804_CTRL_ENABLE | SP804_CTRL_INTEN | SP804_CTRL_32BIT | mode);
}

void sp804_start_periodic(u32 timer, u32 ticks)
{
    sp804_start(timer, ticks, SP804_CTRL_PERIODIC);
}

void sp804_start_oneshot(u32 timer, u32 ticks)
{
    sp804_start(timer, ticks, SP804_CTRL_ONESHOT);
}

void sp804_clear_irq(u32 timer)
{
    mmio_write32(timer + SP804_INTCLR, 1);
}

u32 sp804_raw_status(u32 timer)
{
    return mmio_read32(timer + SP804_RIS) & 1;
}

u32 sp804_value(u32 timer)
{
    return mmio_read32(timer + SP804_VALUE);
}
