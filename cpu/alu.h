/*
 * ALU helpers shared by the ARM and Thumb executors: the condition table,
 * flag-setting add/subtract, the barrel shifter and saturation.
 * Pseudocode references are to the ARM ARM (ARMv7-A/R, DDI 0406C), A2.2
 * ("Integer arithmetic") and A8.4 ("Shifts applied to a register").
 */
#ifndef CPU_ALU_H
#define CPU_ALU_H

#include <stddef.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/decode.h"

/* Shift types as encoded in bits [6:5]; RRX is ROR #0. */
enum shift_type { SHIFT_LSL, SHIFT_LSR, SHIFT_ASR, SHIFT_ROR, SHIFT_RRX };

/*
 * cond_table[cond] has bit (NZCV as a 4-bit number) set when the condition
 * passes for those flags (ARM ARM A8.3.1, Table A8-1). Built in cpu/alu.c.
 */
extern const uint16_t cond_table[16];

/*
 * N, Z, C and V are adjacent bytes, each 0 or 1: read them as one
 * little-endian word n | z << 8 | c << 16 | v << 24 and gather the four
 * bits with one multiply. Each byte's bit lands in bits 27..24 (n at 27, v
 * at 24); every other partial product falls below bit 24 or above bit 31,
 * and they never overlap, so no carry disturbs the result.
 */
_Static_assert(offsetof(struct arm_cpu, z) == offsetof(struct arm_cpu, n) + 1 &&
               offsetof(struct arm_cpu, c) == offsetof(struct arm_cpu, n) + 2 &&
               offsetof(struct arm_cpu, v) == offsetof(struct arm_cpu, n) + 3,
               "cpu_nzcv reads n, z, c, v as one word");

static inline unsigned cpu_nzcv(const struct arm_cpu *cpu)
{
    uint32_t bytes;
    memcpy(&bytes, (const char *)cpu + offsetof(struct arm_cpu, n), 4);
    return ((bytes * 0x08040201u) >> 24) & 0xf;
}

static inline bool cond_passed(const struct arm_cpu *cpu, unsigned cond)
{
    return (cond_table[cond] >> cpu_nzcv(cpu)) & 1;
}

static inline void set_nz(struct arm_cpu *cpu, uint32_t result)
{
    cpu->n = result >> 31;
    cpu->z = result == 0;
}

/*
 * AddWithCarry(x, y, carry_in), setting NZCV (ARM ARM A2.2.1). With a
 * constant carry_in (ADD/CMN: 0; SUB/CMP/RSB: 1 with y = NOT(operand)) the
 * carry and overflow come from the host's overflow checks, which compile
 * to its flags: C is the unsigned carry out of x + y, or NOT borrow of
 * x - operand; V the signed overflow of the same operation.
 */
static inline uint32_t add_with_carry_flags(struct arm_cpu *cpu, uint32_t x, uint32_t y,
                                            uint32_t carry_in)
{
    if (__builtin_constant_p(carry_in) && carry_in == 0) {
        uint32_t result;
        int32_t signed_result;
        cpu->c = __builtin_add_overflow(x, y, &result);
        cpu->v = __builtin_add_overflow((int32_t)x, (int32_t)y, &signed_result);
        set_nz(cpu, result);
        return result;
    }
    if (__builtin_constant_p(carry_in) && carry_in == 1) {
        const uint32_t operand = ~y;
        uint32_t result;
        int32_t signed_result;
        cpu->c = !__builtin_sub_overflow(x, operand, &result);
        cpu->v = __builtin_sub_overflow((int32_t)x, (int32_t)operand, &signed_result);
        set_nz(cpu, result);
        return result;
    }
    uint64_t unsigned_sum = (uint64_t)x + y + carry_in;
    uint32_t result = (uint32_t)unsigned_sum;
    set_nz(cpu, result);
    cpu->c = (uint8_t)(unsigned_sum >> 32);
    cpu->v = ((~(x ^ y) & (x ^ result)) >> 31) & 1;
    return result;
}

/*
 * Shift_C(value, type, amount, carry_in) for a shift by register or an
 * already-decoded immediate (amount 0..255; LSR/ASR #32 come in as 32).
 */
static inline uint32_t shift_with_carry(uint32_t value, unsigned type, unsigned amount,
                                        uint32_t carry_in, uint32_t *carry_out)
{
    switch (type) {
    case SHIFT_LSL:
        if (amount == 0) {
            *carry_out = carry_in;
            return value;
        }
        if (amount < 32) {
            *carry_out = (value >> (32 - amount)) & 1;
            return value << amount;
        }
        *carry_out = amount == 32 ? (value & 1) : 0;
        return 0;
    case SHIFT_LSR:
        if (amount == 0) {
            *carry_out = carry_in;
            return value;
        }
        if (amount < 32) {
            *carry_out = (value >> (amount - 1)) & 1;
            return value >> amount;
        }
        *carry_out = amount == 32 ? (value >> 31) : 0;
        return 0;
    case SHIFT_ASR:
        if (amount == 0) {
            *carry_out = carry_in;
            return value;
        }
        if (amount < 32) {
            *carry_out = ((int32_t)value >> (amount - 1)) & 1;
            return (uint32_t)((int32_t)value >> amount);
        }
        *carry_out = value >> 31;
        return (uint32_t)((int32_t)value >> 31);
    case SHIFT_ROR:
        if (amount == 0) {
            *carry_out = carry_in;
            return value;
        }
        amount &= 31;
        if (amount == 0) {
            *carry_out = value >> 31;
            return value;
        }
        value = ror32(value, amount);
        *carry_out = value >> 31;
        return value;
    default: /* SHIFT_RRX */
        *carry_out = value & 1;
        return (value >> 1) | (carry_in << 31);
    }
}

/* Signed saturation to a (bits)-bit range; sets *saturated on clipping. */
static inline int32_t signed_saturate(int64_t value, unsigned bits, bool *saturated)
{
    int64_t max = ((int64_t)1 << (bits - 1)) - 1;
    int64_t min = -((int64_t)1 << (bits - 1));
    if (value > max) {
        *saturated = true;
        return (int32_t)max;
    }
    if (value < min) {
        *saturated = true;
        return (int32_t)min;
    }
    return (int32_t)value;
}

static inline uint32_t unsigned_saturate(int64_t value, unsigned bits, bool *saturated)
{
    int64_t max = bits >= 32 ? (int64_t)0xffffffff : ((int64_t)1 << bits) - 1;
    if (value > max) {
        *saturated = true;
        return (uint32_t)max;
    }
    if (value < 0) {
        *saturated = true;
        return 0;
    }
    return (uint32_t)value;
}

#endif
