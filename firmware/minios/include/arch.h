/*
 * ARMv7 primitives mini-OS needs: interrupt masking, barriers and the
 * atomic bit operations on memory the hypervisor also writes (event
 * pending bits and selector, grant flags). Those use LDREX/STREX: the
 * hypervisor clears our exclusive monitor whenever it changes guest memory
 * (ABI doc 5.4), so an update that raced with it retries.
 */
#ifndef MINIOS_ARCH_H
#define MINIOS_ARCH_H

#include <stdbool.h>
#include <stdint.h>

static inline uint32_t irq_save(void)
{
    uint32_t cpsr;

    __asm__ volatile("mrs %0, cpsr\n\tcpsid i" : "=r"(cpsr) : : "memory");
    return cpsr;
}

static inline void irq_restore(uint32_t cpsr)
{
    __asm__ volatile("msr cpsr_c, %0" : : "r"(cpsr) : "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("cpsie i" : : : "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cpsid i" : : : "memory");
}

static inline void mb(void)
{
    __asm__ volatile("dmb ish" : : : "memory");
}
#define wmb() mb()
#define rmb() mb()

/* Atomically sets *p to 0 and returns the old 64-bit value (LDREXD/STREXD). */
static inline uint64_t xchg64_zero(volatile uint64_t *p)
{
    uint64_t old;
    uint32_t fail;
    register uint32_t zero_lo __asm__("r2") = 0;
    register uint32_t zero_hi __asm__("r3") = 0;

    do {
        __asm__ volatile("ldrexd %0, %H0, [%2]\n\t"
                         "strexd %1, %3, %4, [%2]"
                         : "=&r"(old), "=&r"(fail)
                         : "r"(p), "r"(zero_lo), "r"(zero_hi)
                         : "memory");
    } while (fail);
    return old;
}

/* Atomically clears bits in a 32-bit word; returns the old value. */
static inline uint32_t atomic_clear_bits(volatile uint32_t *p, uint32_t bits)
{
    uint32_t old, tmp, fail;

    do {
        __asm__ volatile("ldrex %0, [%3]\n\t"
                         "bic %1, %0, %4\n\t"
                         "strex %2, %1, [%3]"
                         : "=&r"(old), "=&r"(tmp), "=&r"(fail)
                         : "r"(p), "r"(bits)
                         : "memory");
    } while (fail);
    return old;
}

/* Atomically sets bits in a 32-bit word; returns the old value. */
static inline uint32_t atomic_set_bits(volatile uint32_t *p, uint32_t bits)
{
    uint32_t old, tmp, fail;

    do {
        __asm__ volatile("ldrex %0, [%3]\n\t"
                         "orr %1, %0, %4\n\t"
                         "strex %2, %1, [%3]"
                         : "=&r"(old), "=&r"(tmp), "=&r"(fail)
                         : "r"(p), "r"(bits)
                         : "memory");
    } while (fail);
    return old;
}

/*
 * 16-bit compare-and-swap (LDREXH/STREXH), for revoking a grant: succeeds
 * only if *p still equals expected. Returns the value found.
 */
static inline uint16_t cmpxchg16(volatile uint16_t *p, uint16_t expected, uint16_t desired)
{
    uint32_t old, fail;

    do {
        __asm__ volatile("ldrexh %0, [%1]" : "=&r"(old) : "r"(p) : "memory");
        if (old != expected) {
            __asm__ volatile("clrex" : : : "memory");
            return (uint16_t)old;
        }
        __asm__ volatile("strexh %0, %2, [%1]"
                         : "=&r"(fail)
                         : "r"(p), "r"((uint32_t)desired)
                         : "memory");
    } while (fail);
    return (uint16_t)old;
}

#endif
