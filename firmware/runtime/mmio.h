/*
 * Device register access.  Volatile word accesses are single LDR/STR
 * instructions, which is what every PrimeCell and GIC register needs.
 */
#ifndef FW_MMIO_H
#define FW_MMIO_H

#include "types.h"

static inline u32 mmio_read32(u32 addr)
{
    return *(volatile u32 *)(uintptr_t)addr;
}

static inline void mmio_write32(u32 addr, u32 value)
{
    *(volatile u32 *)(uintptr_t)addr = value;
}

static inline u8 mmio_read8(u32 addr)
{
    return *(volatile u8 *)(uintptr_t)addr;
}

static inline void mmio_write8(u32 addr, u8 value)
{
    *(volatile u8 *)(uintptr_t)addr = value;
}

#endif
