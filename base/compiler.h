/*
 * Compiler helpers shared by every layer: branch hints, bit extraction and
 * the rotate used by the ARM immediate and shifter encodings.
 */
#ifndef BASE_COMPILER_H
#define BASE_COMPILER_H

#include <stdint.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Bits [lo+len-1:lo] of value, as the ARM ARM writes value<hi:lo>. */
static inline uint32_t bits32(uint32_t value, unsigned lo, unsigned len)
{
    return (value >> lo) & (len >= 32 ? 0xffffffffu : ((1u << len) - 1));
}

static inline uint32_t bit32(uint32_t value, unsigned n)
{
    return (value >> n) & 1;
}

static inline uint32_t ror32(uint32_t value, unsigned amount)
{
    amount &= 31;
    return amount ? (value >> amount) | (value << (32 - amount)) : value;
}

static inline int32_t sign_extend32(uint32_t value, unsigned width)
{
    unsigned shift = 32 - width;
    return (int32_t)(value << shift) >> shift;
}

#endif
