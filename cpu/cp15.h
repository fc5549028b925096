/*
 * System control coprocessor (CP15) state. The register set is the union of
 * what the modelled cores have; which registers exist and how they decode is
 * cp15.c's business. The mmu/ walkers read translation state from here.
 */
#ifndef CPU_CP15_H
#define CPU_CP15_H

#include <stdint.h>

/* SCTLR bits (ARM ARM B4.1.130; ARM926EJ-S TRM 2.3.5). */
#define SCTLR_M  (1u << 0)   /* MMU enable */
#define SCTLR_A  (1u << 1)   /* alignment check */
#define SCTLR_C  (1u << 2)
#define SCTLR_W  (1u << 3)
#define SCTLR_B  (1u << 7)   /* big-endian (ARMv5) */
#define SCTLR_S  (1u << 8)   /* ARMv5 system protection */
#define SCTLR_R  (1u << 9)   /* ARMv5 ROM protection */
#define SCTLR_SW (1u << 10)
#define SCTLR_Z  (1u << 11)
#define SCTLR_I  (1u << 12)
#define SCTLR_V  (1u << 13)  /* high vectors at 0xffff0000 */
#define SCTLR_RR (1u << 14)
#define SCTLR_L4 (1u << 15)  /* ARMv5: LDR/POP to PC does not interwork */
#define SCTLR_U  (1u << 22)  /* ARMv6 unaligned access */
#define SCTLR_XP (1u << 23)
#define SCTLR_VE (1u << 24)
#define SCTLR_EE (1u << 25)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)
#define SCTLR_TE (1u << 30)  /* exceptions taken in Thumb state */

struct cp15_state {
    uint32_t sctlr;
    uint32_t actlr;
    uint32_t cpacr;
    uint32_t ttbr0;
    uint32_t ttbr1;
    uint32_t ttbcr;
    uint32_t dacr;
    uint32_t dfsr;
    uint32_t ifsr;
    uint32_t dfar;
    uint32_t ifar;
    uint32_t fcse_pid;     /* ARMv5 Fast Context Switch Extension */
    uint32_t contextidr;
    uint32_t vbar;
    uint32_t prrr, nmrr;
    uint32_t tpidrurw, tpidruro, tpidrprw;
    uint32_t par;
    uint32_t dcache_lockdown, icache_lockdown, tlb_lockdown;
};

struct arm_cpu;
/* Installs the CP15 handler matching cpu->model in cpu->coproc[15]. */
void cp15_attach(struct arm_cpu *cpu);
/* Puts CP15 registers in their reset state (called by cpu_reset). */
void cp15_reset(struct arm_cpu *cpu);

#endif
