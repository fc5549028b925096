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
/* ARMv7 only (DDI 0406C B4.1.130). */
#define SCTLR_CP15BEN (1u << 5)  /* CP15 barrier operations enabled */
#define SCTLR_HA (1u << 17)      /* hardware access flag management */
#define SCTLR_WXN (1u << 19)     /* write permission implies XN (Virtualization Ext.) */
#define SCTLR_UWXN (1u << 20)    /* PL0 write permission implies PL1 XN */
#define SCTLR_FI (1u << 21)      /* fast interrupts configuration */
#define SCTLR_NMFI (1u << 27)    /* non-maskable FIQ (read-only) */

/* TTBCR, short-descriptor format (B4.1.153); EAE selects the long format. */
#define TTBCR_N_MASK 7u
#define TTBCR_PD0 (1u << 4)
#define TTBCR_PD1 (1u << 5)
#define TTBCR_EAE (1u << 31)

/* CPACR (B4.1.40): two access bits per coprocessor; VFP/NEON is cp10 + cp11. */
#define CPACR_CP10_SHIFT 20
#define CPACR_CP11_SHIFT 22
#define CPACR_D32DIS (1u << 30)
#define CPACR_ASEDIS (1u << 31)

/* Performance monitors (ARMv7 PMUv1/PMUv2, DDI 0406C C12): PMCR.N counters. */
#define CP15_PMU_MAX_COUNTERS 6
struct cp15_pmu {
    uint32_t pmcr;           /* E, P, C, D, X, DP; N and IDs come from the model */
    uint32_t cnten;          /* PMCNTENSET/CLR: bit 31 cycle counter, [N-1:0] events */
    uint32_t ovs;            /* PMOVSR */
    uint32_t inten;          /* PMINTENSET/CLR */
    uint32_t sel;            /* PMSELR */
    uint32_t userenr;        /* PMUSERENR.EN */
    uint32_t ccnt;           /* PMCCNTR */
    uint32_t ccnt_div;       /* cycles towards the next tick when PMCR.D divides by 64 */
    uint32_t evtype[CP15_PMU_MAX_COUNTERS];
    uint32_t evcnt[CP15_PMU_MAX_COUNTERS];
    uint64_t last_icount;    /* cpu->icount when the counters were last brought up to date */
};

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
    /* ARMv7 (Cortex-A9/A15) */
    uint32_t adfsr, aifsr;
    uint32_t scr, sder, nsacr, mvbar;   /* Security Extensions (we run Secure) */
    uint32_t csselr;
    uint32_t amair0, amair1;
    uint32_t ttbr0_hi, ttbr1_hi, par_hi; /* upper words of the LPAE 64-bit forms */
    uint32_t a9_power_ctrl, a9_diag, a9_power_diag;  /* Cortex-A9 c15 */
    struct cp15_pmu pmu;
    /*
     * Configuration Base Address (Cortex-A9/A15 c15, opc1 4): where the board
     * put the MPCore private peripherals. A pin value, not a register: the
     * board sets it after cpu_init() and cp15_reset() keeps it.
     */
    uint32_t cbar;
};

struct arm_cpu;
/* Installs the CP15 handler matching cpu->model in cpu->coproc[15]. */
void cp15_attach(struct arm_cpu *cpu);
/* Puts CP15 registers in their reset state (called by cpu_reset). */
void cp15_reset(struct arm_cpu *cpu);

#endif
