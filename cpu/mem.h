/*
 * Guest memory access from instruction handlers: a TLB hit is a compare and
 * a host load; everything else (misses, MMIO, misaligned accesses, code
 * pages, faults) goes to the mmu layer through cpu->mem.
 *
 * Pass the address exactly as the instruction computed it. With SCTLR.U = 0
 * (all ARMv5 cores) the slow path accesses the aligned address, or raises an
 * alignment fault when SCTLR.A = 1; a word load handler then rotates the
 * result right by 8 * (va & 3) (ARM ARM A8.6.58, the ARMv5 LDR behaviour).
 *
 * Return values: 0 done; > 0 done and a device was touched (return non-zero
 * from the handler so the executor re-checks interrupts); < 0 fault recorded
 * in cpu->fault (the handler undoes nothing it has not done yet and returns
 * cpu_data_abort(cpu)). Guest memory is little-endian; the host is too. The
 * hit paths here and in cpu/arm_fast.h never see big-endian data: while
 * CPSR.E = 1 no read or write tag matches (cpu_data_big_endian in cpu.h).
 */
#ifndef CPU_MEM_H
#define CPU_MEM_H

#include <string.h>

#include "cpu/cpu.h"

static inline int cpu_load_sized(struct arm_cpu *cpu, struct tlb_entry *tlb, uint32_t va,
                                 unsigned size, uint32_t *value, unsigned flags)
{
    struct tlb_entry *e = &tlb[tlb_index(va)];
    if (likely(e->tag_read == (va & (TLB_PAGE_MASK | (size - 1))))) {
        const uint8_t *host = (const uint8_t *)(e->addend + va);
        if (size == 4) {
            memcpy(value, host, 4);
        } else if (size == 2) {
            uint16_t half;
            memcpy(&half, host, 2);
            *value = half;
        } else {
            *value = *host;
        }
        return 0;
    }
    return cpu->mem->load(cpu, va, size, value, flags);
}

static inline int cpu_store_sized(struct arm_cpu *cpu, struct tlb_entry *tlb, uint32_t va,
                                  unsigned size, uint32_t value, unsigned flags)
{
    struct tlb_entry *e = &tlb[tlb_index(va)];
    if (likely(e->tag_write == (va & (TLB_PAGE_MASK | (size - 1))))) {
        uint8_t *host = (uint8_t *)(e->addend + va);
        if (size == 4) {
            memcpy(host, &value, 4);
        } else if (size == 2) {
            uint16_t half = (uint16_t)value;
            memcpy(host, &half, 2);
        } else {
            *host = (uint8_t)value;
        }
        return 0;
    }
    return cpu->mem->store(cpu, va, size, value, flags);
}

/* Accesses with the current mode's privilege. */
static inline int cpu_load32(struct arm_cpu *cpu, uint32_t va, uint32_t *value)
{
    return cpu_load_sized(cpu, cpu->tlb_cur, va, 4, value, 0);
}

static inline int cpu_load16(struct arm_cpu *cpu, uint32_t va, uint32_t *value)
{
    return cpu_load_sized(cpu, cpu->tlb_cur, va, 2, value, 0);
}

static inline int cpu_load8(struct arm_cpu *cpu, uint32_t va, uint32_t *value)
{
    return cpu_load_sized(cpu, cpu->tlb_cur, va, 1, value, 0);
}

static inline int cpu_store32(struct arm_cpu *cpu, uint32_t va, uint32_t value)
{
    return cpu_store_sized(cpu, cpu->tlb_cur, va, 4, value, 0);
}

static inline int cpu_store16(struct arm_cpu *cpu, uint32_t va, uint32_t value)
{
    return cpu_store_sized(cpu, cpu->tlb_cur, va, 2, value, 0);
}

static inline int cpu_store8(struct arm_cpu *cpu, uint32_t va, uint32_t value)
{
    return cpu_store_sized(cpu, cpu->tlb_cur, va, 1, value, 0);
}

/* LDRT/STRT and friends: checked as an unprivileged access. */
static inline int cpu_load_user(struct arm_cpu *cpu, uint32_t va, unsigned size,
                                uint32_t *value)
{
    return cpu_load_sized(cpu, cpu->tlb[0], va, size, value, MEM_USER);
}

static inline int cpu_store_user(struct arm_cpu *cpu, uint32_t va, unsigned size,
                                 uint32_t value)
{
    return cpu_store_sized(cpu, cpu->tlb[0], va, size, value, MEM_USER);
}

/* Word load with the ARMv5 unaligned rotation applied when SCTLR.U = 0. */
static inline int cpu_load32_rotated(struct arm_cpu *cpu, uint32_t va, uint32_t *value)
{
    int rc = cpu_load32(cpu, va, value);
    if (rc >= 0 && unlikely(va & 3) && !(cpu->cp15.sctlr & SCTLR_U))
        *value = ror32(*value, 8 * (va & 3));
    return rc;
}

/* Debugger/hypervisor access: no fault status written, no TLB side effects. */
int cpu_debug_read(struct arm_cpu *cpu, uint32_t va, void *buf, unsigned len);
int cpu_debug_write(struct arm_cpu *cpu, uint32_t va, const void *buf, unsigned len);

#endif
