/*
 * Fixed-width types for the firmware.  arm-none-eabi's <stdint.h> makes
 * u32 an "unsigned long", so every "%x" of a u32 would need a
 * cast or "%lx"; u32 is "unsigned int", which printf's "%x" matches.
 */
#ifndef FW_TYPES_H
#define FW_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed int s32;

_Static_assert(sizeof(u32) == 4 && sizeof(u16) == 2 && sizeof(u64) == 8, "type sizes");

/* An address as a number, for MMIO and page-table arithmetic. */
static inline u32 addr_of(const volatile void *p)
{
    return (u32)(uintptr_t)p;
}

#endif
