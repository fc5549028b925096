/*
 * CP15, the system control coprocessor. Two register sets live here: the
 * ARM926EJ-S's (this first part) and the ARMv7 one of the Cortex-A9 and
 * Cortex-A15 (second part, described where it starts); cp15_attach picks
 * by model.
 *
 * CP15 of the ARM926EJ-S (ARM926EJ-S TRM DDI 0198E chapter 2, "Programmer's
 * Model", and 2.3 "CP15 register map"; ARM ARM DDI 0100I B2.3 and B3.7 for
 * the architectural parts).
 *
 * Register map (all accesses privileged; opcode_1 is 0 except for c15):
 *   c0   ID: Main ID (opc2 0, and 3-7 as B2.3.1 requires for unimplemented
 *        ID registers), Cache Type (opc2 1), TCM Status (opc2 2, no TCMs)
 *   c1   Control register (SCTLR)
 *   c2   Translation Table Base
 *   c3   Domain Access Control
 *   c5   Data FSR (opc2 0), Instruction FSR (opc2 1)
 *   c6   Fault Address
 *   c7   cache operations (write-only), test-and-clean (MRC), wait for interrupt
 *   c8   TLB operations (write-only)
 *   c9   cache lockdown (CRm 0), TCM regions (CRm 1, read as zero: no TCMs)
 *   c10  TLB lockdown
 *   c13  FCSE PID (opc2 0), Context ID (opc2 1)
 *   c15  test and debug (any opcode_1): reads zero, writes ignored
 * Anything else is UNDEFINED (the handler returns -1), as are User mode
 * accesses.
 *
 * Caches are not modelled, so every cache operation is a no-op; the decode
 * cache is kept coherent by the store path (mmu/mmu.c), which is why an
 * I-cache invalidate need not do anything either. The TLB caches
 * translations *and* permissions, so it is flushed whenever state that
 * either depends on changes (SCTLR M/A/S/R/U, TTBR, DACR, FCSE PID).
 */
#include "cpu/cp15.h"

#include <stddef.h>
#include <string.h>

#include "base/trace.h"
#include "cpu/cpu.h"

/*
 * Hardware TLBs re-check the domain on every access; ours caches the access
 * decision, so a DACR change drops the entries of the domains whose access
 * type changed (and only those: Linux's CPU_SW_DOMAIN_PAN flips the user
 * domain around every user access).
 */
static void cp15_write_dacr(struct arm_cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cp15.dacr, changed = 0;
    for (unsigned d = 0; d < 16; d++)
        if (((old ^ value) >> (2 * d)) & 3)
            changed |= 1u << d;
    cpu->cp15.dacr = value;
    if (changed)
        cpu_tlb_flush_domains(cpu, changed);
}

/*
 * SCTLR on the ARM926EJ-S (TRM, "c1, Control Register"). Bits [18], [16] and
 * [6:3] should be one and read as one; [31:19], [17] and [11:10] read as
 * zero. Reset: those ones, little-endian, low vectors (pin VINITHI low on
 * the Versatile boards): 0x00050078, which is what Linux prints as
 * "cr=00053177" on real ARM926 boards once it has set its own bits. QEMU
 * resets to 0x00090078 (bit 19 instead of 18); no guest depends on it.
 */
#define ARM926_SCTLR_ONES 0x00050078u
#define ARM926_SCTLR_RESET ARM926_SCTLR_ONES
#define ARM926_SCTLR_WRITABLE \
    (SCTLR_M | SCTLR_A | SCTLR_C | SCTLR_B | SCTLR_S | SCTLR_R | SCTLR_I | SCTLR_V | \
     SCTLR_RR | SCTLR_L4)
/* Bits whose change alters what the TLB may have cached. */
#define SCTLR_TLB_BITS (SCTLR_M | SCTLR_A | SCTLR_S | SCTLR_R | SCTLR_U)

/* TTBR: 16 KiB aligned table, bits [13:0] SBZ (TRM, "c2, Translation Table Base"). */
#define ARM926_TTBR_MASK 0xffffc000u
/* FSR: domain [7:4], status [3:0]; [31:8] read as zero (TRM, "c5, Fault Status"). */
#define ARM926_FSR_MASK 0x000000ffu
/* Cache lockdown: one L bit per way, [3:0] (TRM, "c9, Cache Lockdown"). */
#define ARM926_CACHE_LOCKDOWN_MASK 0x0000000fu
/* TLB lockdown: victim [28:26], preserve bit [0] (TRM, "c10, TLB Lockdown"). */
#define ARM926_TLB_LOCKDOWN_MASK 0x1c000001u
/* FCSE PID: bits [31:25] (TRM, "c13, Process ID"). */
#define FCSE_PID_MASK 0xfe000000u

/* MRC c7 "test and clean" answer: Z set = the whole cache is clean (TRM,
 * "c7, Cache Operations"); the executor copies bits [31:28] to NZCV when
 * Rd is 15. */
#define TEST_CLEAN_DONE PSR_Z

static int cp15_undefined(struct arm_cpu *cpu, const struct coproc_access *a, bool write,
                          const char *why)
{
    trace_printf(cpu->trace, TRACE_GUEST_ERROR,
                 "cpu%u %s p15, %u, c%u, c%u, %u at 0x%08x: %s, UNDEFINED", cpu->index,
                 write ? "MCR" : "MRC", a->opc1, a->crn, a->crm, a->opc2,
                 cpu_insn_addr(cpu), why);
    return -1;
}

static int cp15_mrc(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t *value)
{
    const struct cp15_state *cp = &cpu->cp15;

    if (!cpu_privileged(cpu))
        return cp15_undefined(cpu, a, false, "User mode");
    if (a->crn == 15) {
        /* Test and debug registers: nothing to report. */
        *value = 0;
        return 0;
    }
    if (a->opc1 != 0)
        return cp15_undefined(cpu, a, false, "no such register");

    switch (a->crn) {
    case 0:
        if (a->crm != 0)
            break;
        switch (a->opc2) {
        case 1: *value = cpu->model->ctr; return 0;
        case 2: *value = 0; return 0;            /* no DTCM, no ITCM */
        default: *value = cpu->model->midr; return 0;
        }
    case 1:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        *value = cp->sctlr;
        return 0;
    case 2:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        *value = cp->ttbr0;
        return 0;
    case 3:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        *value = cp->dacr;
        return 0;
    case 5:
        if (a->crm != 0 || a->opc2 > 1)
            break;
        *value = a->opc2 ? cp->ifsr : cp->dfsr;
        return 0;
    case 6:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        *value = cp->dfar;
        return 0;
    case 7:
        /* Test and clean (c7, c10, 3) / test, clean and invalidate
         * (c7, c14, 3): with no cache model everything is always clean. */
        if ((a->crm == 10 || a->crm == 14) && a->opc2 == 3) {
            *value = TEST_CLEAN_DONE;
            return 0;
        }
        break;
    case 9:
        if (a->crm == 0 && a->opc2 <= 1) {
            *value = a->opc2 ? cp->icache_lockdown : cp->dcache_lockdown;
            return 0;
        }
        if (a->crm == 1 && a->opc2 <= 1) {
            *value = 0;                          /* TCM region: size 0, disabled */
            return 0;
        }
        break;
    case 10:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        *value = cp->tlb_lockdown;
        return 0;
    case 13:
        if (a->crm != 0 || a->opc2 > 1)
            break;
        *value = a->opc2 ? cp->contextidr : cp->fcse_pid;
        return 0;
    default:
        break;
    }
    return cp15_undefined(cpu, a, false, "no such register");
}

static void cp15_write_sctlr(struct arm_cpu *cpu, uint32_t value)
{
    uint32_t old = cpu->cp15.sctlr;
    uint32_t new = (value & ARM926_SCTLR_WRITABLE) | ARM926_SCTLR_ONES;
    cpu->cp15.sctlr = new;
    if ((old ^ new) & SCTLR_TLB_BITS)
        cpu_tlb_flush(cpu);
    if ((new & SCTLR_B) && !(old & SCTLR_B))
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u SCTLR.B set: big-endian data accesses are not modelled",
                     cpu->index);
    /* Vectors, MMU state or alignment checking may have changed: let the
     * executor leave its straight-line run. */
    cpu->exit_request = 1;
}

/*
 * TLB invalidate by MVA (c8, opc2 1). The software TLB is tagged by VA, so
 * with a non-zero FCSE PID the MVA of the current process's slot also names
 * VA = MVA[24:0].
 */
static void cp15_tlb_flush_mva(struct arm_cpu *cpu, uint32_t mva)
{
    uint32_t pid = cpu->cp15.fcse_pid;
    cpu_tlb_flush_page(cpu, mva);
    if (pid && (mva & FCSE_PID_MASK) == pid)
        cpu_tlb_flush_page(cpu, mva & ~FCSE_PID_MASK);
}

static int cp15_mcr(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t value)
{
    struct cp15_state *cp = &cpu->cp15;

    if (!cpu_privileged(cpu))
        return cp15_undefined(cpu, a, true, "User mode");
    if (a->crn == 15) {
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u MCR p15, %u, c15, c%u, %u = 0x%08x (test/debug) ignored",
                     cpu->index, a->opc1, a->crm, a->opc2, value);
        return 0;
    }
    if (a->opc1 != 0)
        return cp15_undefined(cpu, a, true, "no such register");

    switch (a->crn) {
    case 1:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        cp15_write_sctlr(cpu, value);
        return 0;
    case 2:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        /*
         * The ARM926 has no ASIDs and the architecture makes software
         * flush the TLB after changing TTBR, but our TLB entries are filled
         * from walks of the *current* table on every miss, so a guest that
         * changes TTBR and touches the old mappings before its flush would
         * see a mix; flushing here keeps the software TLB a pure cache.
         */
        cp->ttbr0 = value & ARM926_TTBR_MASK;
        cpu_tlb_flush(cpu);
        return 0;
    case 3:
        cp15_write_dacr(cpu, value);
        return 0;
    case 5:
        if (a->crm != 0 || a->opc2 > 1)
            break;
        if (a->opc2)
            cp->ifsr = value & ARM926_FSR_MASK;
        else
            cp->dfsr = value & ARM926_FSR_MASK;
        return 0;
    case 6:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        cp->dfar = value;
        return 0;
    case 7:
        if (a->crm == 0 && a->opc2 == 4) {
            /* Wait for interrupt (TRM, c7): sleep until IRQ/FIQ. */
            cpu->halted = 1;
            cpu->exit_request = 1;
            return 0;
        }
        /* Cache and write-buffer maintenance: nothing is cached. */
        return 0;
    case 8:
        /* TLB operations (TRM, "c8, TLB Operations"): CRm 5 = I-TLB, 6 = D-TLB, 7 = both;
         * the software TLB is unified, so all three act on it. */
        if (a->crm < 5 || a->crm > 7 || a->opc2 > 1)
            break;
        if (a->opc2 == 0)
            cpu_tlb_flush(cpu);
        else
            cp15_tlb_flush_mva(cpu, value);
        return 0;
    case 9:
        if (a->crm == 0 && a->opc2 <= 1) {
            if (a->opc2)
                cp->icache_lockdown = value & ARM926_CACHE_LOCKDOWN_MASK;
            else
                cp->dcache_lockdown = value & ARM926_CACHE_LOCKDOWN_MASK;
            return 0;
        }
        if (a->crm == 1 && a->opc2 <= 1) {
            trace_printf(cpu->trace, TRACE_UNIMP,
                         "cpu%u TCM region register write 0x%08x ignored (no TCMs)",
                         cpu->index, value);
            return 0;
        }
        break;
    case 10:
        if (a->crm != 0 || a->opc2 != 0)
            break;
        cp->tlb_lockdown = value & ARM926_TLB_LOCKDOWN_MASK;
        return 0;
    case 13:
        if (a->crm != 0 || a->opc2 > 1)
            break;
        if (a->opc2) {
            cp->contextidr = value;
        } else if ((value & FCSE_PID_MASK) != cp->fcse_pid) {
            /* The TLB is tagged by VA, the relocation applies before the
             * walk: every cached VA below 32 MiB is now stale. */
            cp->fcse_pid = value & FCSE_PID_MASK;
            cpu_tlb_flush(cpu);
        }
        return 0;
    default:
        break;
    }
    return cp15_undefined(cpu, a, true, "no such register");
}

static const struct coproc_ops cp15_arm926_ops = {
    .mrc = cp15_mrc,
    .mcr = cp15_mcr,
    /* No MCRR/MRRC, CDP, LDC or STC on the ARM926's CP15: the executor
     * treats a missing operation as UNDEFINED. */
};

/* ======================================================================
 * ARMv7: Cortex-A9 and Cortex-A15
 *
 * The register map of DDI 0406C B3.17 ("Organization of the CP15
 * registers in a VMSA implementation") as the Cortex-A9 (DDI 0388, chapter
 * 4) and Cortex-A15 (DDI 0438, chapter 4) implement it, in one table:
 * V7_REGS below lists every register with its encoding, who may access it,
 * which cores have it and the functions that read and write it. The lookup
 * is a switch generated from the same table, so a duplicated encoding does
 * not compile.
 *
 * Access: everything is PL1-only (an access from PL0 is UNDEFINED) except
 * TPIDRURW (PL0 read/write), TPIDRURO (PL0 read), the CP15 barrier
 * operations (PL0 write) and, with PMUSERENR.EN, the performance monitors.
 * Hyp-mode registers (opc1 4 of the Virtualization Extensions) are
 * UNDEFINED: the cores run in Secure state and never enter Hyp mode here.
 * Unlisted encodings in the reserved ID space (c0, opc1 0, CRm 1-7) read
 * as zero (B4.1, "CPUID identification scheme"); unlisted c15 encodings
 * are IMPLEMENTATION DEFINED and read as zero / ignore writes, logged;
 * anything else is UNDEFINED. c14 goes to the generic timer (cpu->gtimer),
 * which applies CNTKCTL to PL0 accesses itself.
 *
 * Caches are not modelled: cache and branch-predictor maintenance is a
 * no-op (the decode cache is kept coherent by the store path). The TLB is
 * flushed whenever translation state changes: SCTLR.M/AFE/WXN/UWXN, TTBR0,
 * TTBR1, TTBCR, DACR, and CONTEXTIDR.ASID. The software TLB is not tagged
 * by ASID, so a change of ASID drops everything (Linux writes CONTEXTIDR on
 * every context switch); TLBIASID likewise flushes the whole TLB, and
 * TLBIMVA drops the page for every ASID. Both are supersets of what the
 * architecture requires, which is always allowed for a TLB.
 *
 * The performance monitors count only what the emulator knows: the cycle
 * counter and events 0x08 (instructions architecturally executed) and 0x11
 * (cycles) advance with retired instructions (one cycle each); other
 * events never count. Overflow sets PMOVSR; the overflow interrupt is not
 * wired.
 * ====================================================================== */

/* Cores, for the table's model column. */
#define V7_A9 1u
#define V7_A15 2u
#define V7_ALL (V7_A9 | V7_A15)

/* Access rights, for the table's access column. */
#define ACC_PL0_R 1u
#define ACC_PL0_W 2u
#define ACC_PL1_R 4u
#define ACC_PL1_W 8u
#define ACC_PMU 16u        /* PL0 may access when PMUSERENR.EN = 1 */
#define RO (ACC_PL1_R)
#define WO (ACC_PL1_W)
#define RW (ACC_PL1_R | ACC_PL1_W)
#define U_RW (RW | ACC_PL0_R | ACC_PL0_W)
#define U_RO (RW | ACC_PL0_R)     /* PL0 read, PL1 read/write */
#define U_WO (WO | ACC_PL0_W)
#define P_RW (RW | ACC_PMU)
#define P_RO (RO | ACC_PMU)
#define P_WO (WO | ACC_PMU)

/* Identification registers that differ per core (index into v7_model.id). */
enum v7_id {
    ID_TLBTR, ID_REVIDR, ID_PFR0, ID_PFR1, ID_DFR0, ID_AFR0, ID_MMFR0, ID_MMFR1,
    ID_MMFR2, ID_MMFR3, ID_ISAR0, ID_ISAR1, ID_ISAR2, ID_ISAR3, ID_ISAR4, ID_ISAR5,
    ID_CLIDR, ID_COUNT
};

/* What distinguishes the cores. */
struct v7_model {
    unsigned bit;              /* V7_A9 / V7_A15 */
    unsigned part;             /* MIDR[15:4] */
    bool no_revidr;            /* c0, c0, 6 is unimplemented: reads as MIDR */
    uint32_t id[ID_COUNT];
    uint32_t ccsidr_l1d, ccsidr_l1i, ccsidr_l2;   /* 0: no such cache */
    uint32_t sctlr_writable;
    uint32_t actlr_writable;
    uint32_t ttbcr_writable;
    uint32_t pmcr_id;          /* PMCR IMP, IDCODE and N: read-only */
    uint32_t evtype_writable;
    uint32_t l2ctlr;
};

/*
 * SCTLR bits that read as one (B4.1.130; the SCTLR pages of both TRMs):
 * [23] and [22] (U: ARMv7 always has the ARMv6 unaligned behaviour), [18],
 * [16], [6:3] (bit 5 is CP15BEN: the CP15 barriers are always enabled).
 * The reset value is exactly these (low vectors, little-endian, ARM state).
 */
#define V7_SCTLR_ONES 0x00c50078u
#define V7_SCTLR_RESET V7_SCTLR_ONES
#define V7_SCTLR_COMMON_WRITABLE \
    (SCTLR_M | SCTLR_A | SCTLR_C | SCTLR_Z | SCTLR_SW | SCTLR_I | SCTLR_V | SCTLR_EE | \
     SCTLR_TRE | SCTLR_AFE | SCTLR_TE)
#define V7_SCTLR_TLB_BITS (SCTLR_M | SCTLR_AFE | SCTLR_WXN | SCTLR_UWXN)

/* PRRR/NMRR reset values (A9 TRM, "Primary Region Remap Register"):
 * the TEX/C/B meanings of the TRE = 0 table. */
#define V7_PRRR_RESET 0x000a81a8u
#define V7_NMRR_RESET 0x44e048e0u

#define TTBR1_MASK 0xffffc07fu      /* [13:7] SBZ */
#define V7_DFSR_MASK 0x00003effu    /* CM, ExT, WnR, FS[4], LPAE, domain, FS[3:0] */
#define V7_IFSR_MASK 0x0000160fu    /* ExT, LPAE, FS[4], FS[3:0] */
#define VBAR_MASK 0xffffffe0u
#define CPACR_WRITABLE (3u << CPACR_CP10_SHIFT | 3u << CPACR_CP11_SHIFT)
#define SCR_NS 1u
#define SCR_WRITABLE 0x000003ffu
#define CSSELR_WRITABLE 0x0000000fu
#define CONTEXTIDR_ASID 0x000000ffu

/* PMCR (DDI 0406C C12.8.1). */
#define PMCR_E (1u << 0)
#define PMCR_P (1u << 1)
#define PMCR_C (1u << 2)
#define PMCR_D (1u << 3)
#define PMCR_WRITABLE 0x00000039u   /* E, D, X, DP */
#define PMU_CYCLE_BIT (1u << 31)
#define PMU_EVENT_SW_INCR 0x00
#define PMU_EVENT_INST_RETIRED 0x08
#define PMU_EVENT_CPU_CYCLES 0x11
/* PMCEID0: the events above are the ones that count. */
#define PMU_CEID0 ((1u << PMU_EVENT_SW_INCR) | (1u << PMU_EVENT_INST_RETIRED) | \
                   (1u << PMU_EVENT_CPU_CYCLES))

/*
 * Cortex-A9 r0p0 (values of QEMU's cortex-a9, which the reference boot
 * logs come from, checked against the A9 TRM chapter 4): ID_PFR0 ARM,
 * Thumb-2, ThumbEE; ID_MMFR0 VMSAv7 with TEX remap and access flag (3, no
 * PXN); ID_ISAR0 without the divide instructions. Caches of the V2P-CA9
 * tile: 32 KiB L1 I and D, 4-way, 32-byte lines (the PL310 L2 is a device,
 * not in CLIDR). PMU: 6 counters.
 */
static const struct v7_model v7_model_a9 = {
    .bit = V7_A9,
    .part = 0xc09,
    .no_revidr = true,
    .id = {
        [ID_TLBTR] = 0x00000000, [ID_REVIDR] = 0,
        [ID_PFR0] = 0x00001031, [ID_PFR1] = 0x00000011,
        [ID_DFR0] = 0x00000000, [ID_AFR0] = 0x00000000,
        [ID_MMFR0] = 0x00100103, [ID_MMFR1] = 0x20000000,
        [ID_MMFR2] = 0x01230000, [ID_MMFR3] = 0x00002111,
        [ID_ISAR0] = 0x00101111, [ID_ISAR1] = 0x13112111, [ID_ISAR2] = 0x21232041,
        [ID_ISAR3] = 0x11112131, [ID_ISAR4] = 0x00111142, [ID_ISAR5] = 0x00000000,
        [ID_CLIDR] = 0x09000003,   /* L1 separate I/D; LoC 1, LoUU 1 */
    },
    .ccsidr_l1d = 0xe01fe019,      /* WT WB RA, 256 sets, 4-way, 32 B */
    .ccsidr_l1i = 0x201fe019,      /* RA, 256 sets, 4-way, 32 B */
    .ccsidr_l2 = 0,
    .sctlr_writable = V7_SCTLR_COMMON_WRITABLE | SCTLR_RR,
    /* FW, L2 prefetch hint, L1 prefetch, write full line of zeros, SMP,
     * exclusive caches, alloc in one way, parity (A9 TRM, "Auxiliary Control"). */
    .actlr_writable = 0x000003cf,
    .ttbcr_writable = TTBCR_N_MASK | TTBCR_PD0 | TTBCR_PD1,
    .pmcr_id = 0x41093000,         /* IMP 'A', IDCODE 0x09, N = 6 */
    .evtype_writable = 0x000000ff,
    .l2ctlr = 0,
};

/*
 * Cortex-A15 r4p0 (QEMU's cortex-a15 values, checked against the A15 TRM
 * chapter 4): ID_PFR1 Security, Virtualization and the generic timer
 * (0x00011011; the TRM's programmers' model fields, MProgMod = 0);
 * ID_MMFR0 VMSAv7 with PXN and the long descriptors (5); ID_ISAR0 with
 * SDIV/UDIV. Caches of the V2P-CA15 tile: 32 KiB L1 I and D (2-way, 64 B)
 * and a 1 MiB 16-way L2 (A15 TRM, "Cache Size ID Register"). L2CTLR reports one
 * CPU and the interrupt controller.
 */
static const struct v7_model v7_model_a15 = {
    .bit = V7_A15,
    .part = 0xc0f,
    .id = {
        [ID_TLBTR] = 0x00000000, [ID_REVIDR] = 0x00000000,
        [ID_PFR0] = 0x00001131, [ID_PFR1] = 0x00011011,
        [ID_DFR0] = 0x02010555, [ID_AFR0] = 0x00000000,
        [ID_MMFR0] = 0x10201105, [ID_MMFR1] = 0x20000000,
        [ID_MMFR2] = 0x01240000, [ID_MMFR3] = 0x02102211,
        [ID_ISAR0] = 0x02101110, [ID_ISAR1] = 0x13112111, [ID_ISAR2] = 0x21232041,
        [ID_ISAR3] = 0x11112131, [ID_ISAR4] = 0x10011142, [ID_ISAR5] = 0x00000000,
        [ID_CLIDR] = 0x0a200023,   /* L1 I/D, L2 unified; LoUIS 1, LoC 2, LoUU 1 */
    },
    .ccsidr_l1d = 0x701fe00a,      /* WB RA WA, 256 sets, 2-way, 64 B */
    .ccsidr_l1i = 0x201fe00a,      /* RA, 256 sets, 2-way, 64 B */
    .ccsidr_l2 = 0x707fe07a,       /* WB RA WA, 1024 sets, 16-way, 64 B */
    .sctlr_writable = V7_SCTLR_COMMON_WRITABLE | SCTLR_WXN | SCTLR_UWXN,
    .actlr_writable = 0xffffffff,  /* IMPLEMENTATION DEFINED controls, kept as written */
    /* Short format N/PD0/PD1 and the long format fields (B4.1.153). */
    .ttbcr_writable = 0xbfc73fb7,
    .pmcr_id = 0x410f3000,         /* IMP 'A', IDCODE 0x0f, N = 6 */
    .evtype_writable = 0xf80000ff, /* filtering bits kept, not applied */
    .l2ctlr = 0x00800000,          /* 1 CPU, interrupt controller present */
};

struct v7_reg;
typedef int (*v7_read_fn)(struct arm_cpu *cpu, const struct v7_model *m,
                          const struct v7_reg *r, uint32_t *value);
typedef int (*v7_write_fn)(struct arm_cpu *cpu, const struct v7_model *m,
                           const struct v7_reg *r, uint32_t value);

struct v7_reg {
    const char *name;
    uint8_t opc1, crn, crm, opc2;
    uint8_t access;
    uint8_t models;
    v7_read_fn read;           /* NULL: write-only */
    v7_write_fn write;         /* NULL: read-only */
    uint32_t arg;              /* field offset, constant, ID index or operation */
    uint32_t wmask;            /* writable bits of a plain field */
};

static uint32_t *v7_field(struct arm_cpu *cpu, const struct v7_reg *r)
{
    return (uint32_t *)((char *)&cpu->cp15 + r->arg);
}

/* ---- generic accessors ---- */

static int rd_field(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t *value)
{
    (void)m;
    *value = *v7_field(cpu, r);
    return 0;
}

static int wr_field(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)m;
    uint32_t *f = v7_field(cpu, r);
    *f = (*f & ~r->wmask) | (value & r->wmask);
    return 0;
}

static int rd_const(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t *value)
{
    (void)cpu, (void)m;
    *value = r->arg;
    return 0;
}

static int rd_id(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                 uint32_t *value)
{
    (void)cpu;
    *value = m->id[r->arg];
    return 0;
}

/* Writes that the hardware ignores (RAZ/WI registers). */
static int wr_ignore(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                     uint32_t value)
{
    (void)cpu, (void)m, (void)r, (void)value;
    return 0;
}

/* Cache and branch predictor maintenance: nothing is cached. */
static int wr_nop(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                  uint32_t value)
{
    (void)cpu, (void)m, (void)r, (void)value;
    return 0;
}

/* ---- c0: identification ---- */

static int rd_midr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                   uint32_t *value)
{
    (void)m, (void)r;
    *value = cpu->model->midr;
    return 0;
}

static int rd_ctr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                  uint32_t *value)
{
    (void)m, (void)r;
    *value = cpu->model->ctr;
    return 0;
}

/* REVIDR, or on cores without one the MIDR alias B4.1 asks for. */
static int rd_revidr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                     uint32_t *value)
{
    if (m->no_revidr)
        return rd_midr(cpu, m, r, value);
    return rd_id(cpu, m, r, value);
}

/*
 * MPIDR (B4.1.106): bit 31 set (Multiprocessing Extensions format), U = 0
 * (part of a multiprocessor, even alone: both TRMs), cluster ID in [11:8]
 * (0 on these boards), CPU ID in [1:0].
 */
static int rd_mpidr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t *value)
{
    (void)m, (void)r;
    *value = 0x80000000u | ((cpu->index >> 2) & 0xf) << 8 | (cpu->index & 3);
    return 0;
}

/* CCSIDR of the cache CSSELR selects (B4.1.19); UNKNOWN (0) for none. */
static int rd_ccsidr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                     uint32_t *value)
{
    (void)r;
    unsigned level = (cpu->cp15.csselr >> 1) & 7;
    bool instruction = cpu->cp15.csselr & 1;
    if (level == 0)
        *value = instruction ? m->ccsidr_l1i : m->ccsidr_l1d;
    else if (level == 1 && !instruction)
        *value = m->ccsidr_l2;
    else
        *value = 0;
    return 0;
}

/* ---- c1: system control ---- */

static int wr_sctlr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)r;
    uint32_t old = cpu->cp15.sctlr;
    uint32_t new = (value & m->sctlr_writable) | V7_SCTLR_ONES;
    cpu->cp15.sctlr = new;
    if ((old ^ new) & V7_SCTLR_TLB_BITS)
        cpu_tlb_flush(cpu);
    if ((new & SCTLR_EE) && !(old & SCTLR_EE))
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u SCTLR.EE set: exceptions now enter with CPSR.E = 1, but "
                     "big-endian translation table walks are not modelled", cpu->index);
    cpu->exit_request = 1;
    return 0;
}

static int wr_actlr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)r;
    cpu->cp15.actlr = value & m->actlr_writable;
    return 0;
}

/*
 * CPACR (B4.1.40): only cp10 and cp11 (VFP/NEON) exist; the other fields
 * read as zero. ASEDIS and D32DIS cannot disable anything here: RAZ/WI,
 * as the architecture allows.
 */
static int wr_cpacr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)m, (void)r;
    cpu->cp15.cpacr = value & CPACR_WRITABLE;
    return 0;
}

static int wr_scr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                  uint32_t value)
{
    (void)m, (void)r;
    if ((value & SCR_NS) && !(cpu->cp15.scr & SCR_NS))
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u SCR.NS set: Non-secure state is not modelled, the core stays "
                     "Secure", cpu->index);
    cpu->cp15.scr = value & SCR_WRITABLE;
    return 0;
}

/* ---- c2, c3: translation table control ---- */

static void v7_set_translation_reg(struct arm_cpu *cpu, uint32_t *reg, uint32_t value)
{
    if (*reg != value) {
        *reg = value;
        cpu_tlb_flush(cpu);
    }
}

static int wr_ttbr0(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)m, (void)r;
    v7_set_translation_reg(cpu, &cpu->cp15.ttbr0, value);
    return 0;
}

static int wr_ttbr1(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)m, (void)r;
    v7_set_translation_reg(cpu, &cpu->cp15.ttbr1, value & TTBR1_MASK);
    return 0;
}

static int wr_ttbcr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    (void)r;
    value &= m->ttbcr_writable;
    if ((value & TTBCR_EAE) && !(cpu->cp15.ttbcr & TTBCR_EAE))
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u TTBCR.EAE set: the long-descriptor format is not implemented",
                     cpu->index);
    v7_set_translation_reg(cpu, &cpu->cp15.ttbcr, value);
    return 0;
}

static int wr_dacr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                   uint32_t value)
{
    (void)m, (void)r;
    cp15_write_dacr(cpu, value);
    return 0;
}

/* ---- c7: VA to PA translation, barriers ---- */

/* ATS1CPR/CPW/CUR/CUW: arg bit 0 = write, bit 1 = PL0 (B4.2, "VA to PA
 * translation operations"). */
static int wr_ats(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                  uint32_t value)
{
    (void)m;
    bool write = r->arg & 1, user = r->arg & 2;
    if (cpu->mem && cpu->mem->ats) {
        cpu->cp15.par = cpu->mem->ats(cpu, value, write, user);
    } else {
        cpu->cp15.par = 1;   /* F: no memory system, nothing translates */
        trace_printf(cpu->trace, TRACE_UNIMP, "cpu%u %s without a memory system", cpu->index,
                     r->name);
    }
    cpu->cp15.par_hi = 0;
    return 0;
}

/*
 * CP15ISB/DSB/DMB (deprecated but usable from PL0, B4.2 "c7, barrier
 * operations"): the interpreter completes every access in order, so there
 * is nothing to wait for; leaving the straight-line loop (the executor does
 * after any MCR) is what an ISB needs.
 */
static int wr_barrier(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                      uint32_t value)
{
    (void)m, (void)r, (void)value;
    cpu->exit_request = 1;
    return 0;
}

/* ---- c8: TLB maintenance (B4.2, "TLB maintenance operations") ---- */

static int wr_tlbiall(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                      uint32_t value)
{
    (void)m, (void)r, (void)value;
    cpu_tlb_flush(cpu);
    return 0;
}

/* TLBIASID: the TLB is not tagged by ASID, so everything goes. */
static int wr_tlbiasid(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                       uint32_t value)
{
    (void)m, (void)r, (void)value;
    cpu_tlb_flush(cpu);
    return 0;
}

/* TLBIMVA (MVA[31:12] and ASID[7:0]) and TLBIMVAA (MVA only): the page,
 * whatever its ASID. */
static int wr_tlbimva(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                      uint32_t value)
{
    (void)m, (void)r;
    cpu_tlb_flush_page(cpu, value & TLB_PAGE_MASK);
    return 0;
}

/* ---- c9: performance monitors (DDI 0406C C12) ---- */

static unsigned pmu_counters(const struct v7_model *m)
{
    unsigned n = (m->pmcr_id >> 11) & 0x1f;
    return n < CP15_PMU_MAX_COUNTERS ? n : CP15_PMU_MAX_COUNTERS;
}

static uint32_t pmu_counter_mask(const struct v7_model *m)
{
    return ((1u << pmu_counters(m)) - 1) | PMU_CYCLE_BIT;
}

/* Adds ticks to a 32-bit counter; a wrap sets its overflow flag. */
static void pmu_add(struct arm_cpu *cpu, uint32_t *counter, uint64_t ticks, uint32_t bit)
{
    struct cp15_pmu *pmu = &cpu->cp15.pmu;
    uint64_t sum = *counter + ticks;
    if (sum >> 32) {
        pmu->ovs |= bit;
        if (pmu->inten & bit)
            trace_printf(cpu->trace, TRACE_UNIMP,
                         "cpu%u PMU overflow interrupt (PMOVSR 0x%08x) is not wired",
                         cpu->index, pmu->ovs);
    }
    *counter = (uint32_t)sum;
}

/* Brings the counters up to cpu->icount; called before any PMU access so
 * that configuration changes apply from the instruction that made them. */
static void pmu_sync(struct arm_cpu *cpu, const struct v7_model *m)
{
    struct cp15_pmu *pmu = &cpu->cp15.pmu;
    uint64_t delta = cpu->icount - pmu->last_icount;
    pmu->last_icount = cpu->icount;
    if (!delta || !(pmu->pmcr & PMCR_E))
        return;
    if (pmu->cnten & PMU_CYCLE_BIT) {
        uint64_t ticks = delta;
        if (pmu->pmcr & PMCR_D) {
            /* One tick every 64 cycles. */
            uint64_t total = pmu->ccnt_div + delta;
            ticks = total / 64;
            pmu->ccnt_div = (uint32_t)(total % 64);
        }
        pmu_add(cpu, &pmu->ccnt, ticks, PMU_CYCLE_BIT);
    }
    for (unsigned i = 0; i < pmu_counters(m); i++) {
        unsigned event = pmu->evtype[i] & 0xff;
        if ((pmu->cnten & (1u << i)) &&
            (event == PMU_EVENT_INST_RETIRED || event == PMU_EVENT_CPU_CYCLES))
            pmu_add(cpu, &pmu->evcnt[i], delta, 1u << i);
    }
}

/* Plain PMU fields (PMCNTEN*, PMOVS*, PMINTEN*, PMSELR, PMUSERENR). */
static int rd_pmu(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                  uint32_t *value)
{
    pmu_sync(cpu, m);
    return rd_field(cpu, m, r, value);
}

static int rd_pmcr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                   uint32_t *value)
{
    (void)r;
    *value = m->pmcr_id | cpu->cp15.pmu.pmcr;
    return 0;
}

static int wr_pmcr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                   uint32_t value)
{
    (void)r;
    struct cp15_pmu *pmu = &cpu->cp15.pmu;
    pmu_sync(cpu, m);
    if (value & PMCR_P)
        for (unsigned i = 0; i < CP15_PMU_MAX_COUNTERS; i++)
            pmu->evcnt[i] = 0;
    if (value & PMCR_C) {
        pmu->ccnt = 0;
        pmu->ccnt_div = 0;
    }
    pmu->pmcr = value & PMCR_WRITABLE;
    return 0;
}

/* Write-one-to-set / write-one-to-clear registers: wmask says which. */
#define PMU_SET 0u
#define PMU_CLEAR 1u

static int wr_pmu_bits(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                       uint32_t value)
{
    pmu_sync(cpu, m);
    uint32_t *f = v7_field(cpu, r);
    value &= pmu_counter_mask(m);
    if (r->wmask == PMU_CLEAR)
        *f &= ~value;
    else
        *f |= value;
    return 0;
}

static int wr_pmswinc(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                      uint32_t value)
{
    (void)r;
    struct cp15_pmu *pmu = &cpu->cp15.pmu;
    pmu_sync(cpu, m);
    if (!(pmu->pmcr & PMCR_E))
        return 0;
    for (unsigned i = 0; i < pmu_counters(m); i++)
        if ((value & pmu->cnten & (1u << i)) && (pmu->evtype[i] & 0xff) == PMU_EVENT_SW_INCR)
            pmu_add(cpu, &pmu->evcnt[i], 1, 1u << i);
    return 0;
}

static int rd_pmccntr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                      uint32_t *value)
{
    (void)r;
    pmu_sync(cpu, m);
    *value = cpu->cp15.pmu.ccnt;
    return 0;
}

static int wr_pmccntr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                      uint32_t value)
{
    (void)r;
    pmu_sync(cpu, m);
    cpu->cp15.pmu.ccnt = value;
    return 0;
}

/* The counter PMSELR selects, or NULL (UNPREDICTABLE: RAZ/WI) past PMCR.N. */
static uint32_t *pmu_selected(struct arm_cpu *cpu, const struct v7_model *m, bool type)
{
    unsigned sel = cpu->cp15.pmu.sel & 0x1f;
    if (sel >= pmu_counters(m))
        return NULL;
    return type ? &cpu->cp15.pmu.evtype[sel] : &cpu->cp15.pmu.evcnt[sel];
}

/* PMXEVTYPER (arg 1) and PMXEVCNTR (arg 0). */
static int rd_pmxev(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t *value)
{
    pmu_sync(cpu, m);
    uint32_t *f = pmu_selected(cpu, m, r->arg);
    *value = f ? *f : 0;
    return 0;
}

static int wr_pmxev(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                    uint32_t value)
{
    pmu_sync(cpu, m);
    uint32_t *f = pmu_selected(cpu, m, r->arg);
    if (f)
        *f = r->arg ? value & m->evtype_writable : value;
    return 0;
}

/* ---- c9 (A15): L2 control ---- */

static int rd_l2ctlr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                     uint32_t *value)
{
    (void)cpu, (void)r;
    *value = m->l2ctlr;
    return 0;
}

/* ---- c12: ISR, the pending A/I/F interrupts ---- */

static int rd_isr(struct arm_cpu *cpu, const struct v7_model *m, const struct v7_reg *r,
                  uint32_t *value)
{
    (void)m, (void)r;
    *value = (cpu->irq_line ? PSR_I : 0) | (cpu->fiq_line ? PSR_F : 0);
    return 0;
}

/* ---- c13: process, context and thread ID ---- */

/* A new ASID makes every non-global entry stale; the TLB is untagged. */
static int wr_contextidr(struct arm_cpu *cpu, const struct v7_model *m,
                         const struct v7_reg *r, uint32_t value)
{
    (void)m, (void)r;
    uint32_t old = cpu->cp15.contextidr;
    cpu->cp15.contextidr = value;
    if ((old ^ value) & CONTEXTIDR_ASID)
        cpu_tlb_flush(cpu);
    return 0;
}

#define FIELD(member) ((uint32_t)offsetof(struct cp15_state, member))
#define ALL_BITS 0xffffffffu

/*
 * The register table. Columns: name, opc1, CRn, CRm, opc2, access, cores,
 * read, write, argument (field offset, constant, ID index or operation
 * variant), writable mask (plain fields) or PMU_SET/PMU_CLEAR.
 */
#define V7_REGS(X) \
    /* c0: identification (B4.1: MIDR, MPIDR, ID_* registers, CCSIDR...) */ \
    X(MIDR,        0, 0, 0, 0, RO, V7_ALL, rd_midr, NULL, 0, 0) \
    X(CTR,         0, 0, 0, 1, RO, V7_ALL, rd_ctr, NULL, 0, 0) \
    X(TCMTR,       0, 0, 0, 2, RO, V7_ALL, rd_const, NULL, 0, 0) \
    X(TLBTR,       0, 0, 0, 3, RO, V7_ALL, rd_id, NULL, ID_TLBTR, 0) \
    X(MIDR_4,      0, 0, 0, 4, RO, V7_ALL, rd_midr, NULL, 0, 0) \
    X(MPIDR,       0, 0, 0, 5, RO, V7_ALL, rd_mpidr, NULL, 0, 0) \
    X(REVIDR,      0, 0, 0, 6, RO, V7_ALL, rd_revidr, NULL, ID_REVIDR, 0) \
    X(MIDR_7,      0, 0, 0, 7, RO, V7_ALL, rd_midr, NULL, 0, 0) \
    X(ID_PFR0,     0, 0, 1, 0, RO, V7_ALL, rd_id, NULL, ID_PFR0, 0) \
    X(ID_PFR1,     0, 0, 1, 1, RO, V7_ALL, rd_id, NULL, ID_PFR1, 0) \
    X(ID_DFR0,     0, 0, 1, 2, RO, V7_ALL, rd_id, NULL, ID_DFR0, 0) \
    X(ID_AFR0,     0, 0, 1, 3, RO, V7_ALL, rd_id, NULL, ID_AFR0, 0) \
    X(ID_MMFR0,    0, 0, 1, 4, RO, V7_ALL, rd_id, NULL, ID_MMFR0, 0) \
    X(ID_MMFR1,    0, 0, 1, 5, RO, V7_ALL, rd_id, NULL, ID_MMFR1, 0) \
    X(ID_MMFR2,    0, 0, 1, 6, RO, V7_ALL, rd_id, NULL, ID_MMFR2, 0) \
    X(ID_MMFR3,    0, 0, 1, 7, RO, V7_ALL, rd_id, NULL, ID_MMFR3, 0) \
    X(ID_ISAR0,    0, 0, 2, 0, RO, V7_ALL, rd_id, NULL, ID_ISAR0, 0) \
    X(ID_ISAR1,    0, 0, 2, 1, RO, V7_ALL, rd_id, NULL, ID_ISAR1, 0) \
    X(ID_ISAR2,    0, 0, 2, 2, RO, V7_ALL, rd_id, NULL, ID_ISAR2, 0) \
    X(ID_ISAR3,    0, 0, 2, 3, RO, V7_ALL, rd_id, NULL, ID_ISAR3, 0) \
    X(ID_ISAR4,    0, 0, 2, 4, RO, V7_ALL, rd_id, NULL, ID_ISAR4, 0) \
    X(ID_ISAR5,    0, 0, 2, 5, RO, V7_ALL, rd_id, NULL, ID_ISAR5, 0) \
    X(CCSIDR,      1, 0, 0, 0, RO, V7_ALL, rd_ccsidr, NULL, 0, 0) \
    X(CLIDR,       1, 0, 0, 1, RO, V7_ALL, rd_id, NULL, ID_CLIDR, 0) \
    X(AIDR,        1, 0, 0, 7, RO, V7_ALL, rd_const, NULL, 0, 0) \
    X(CSSELR,      2, 0, 0, 0, RW, V7_ALL, rd_field, wr_field, FIELD(csselr), CSSELR_WRITABLE) \
    /* c1: system control, Security Extensions */ \
    X(SCTLR,       0, 1, 0, 0, RW, V7_ALL, rd_field, wr_sctlr, FIELD(sctlr), 0) \
    X(ACTLR,       0, 1, 0, 1, RW, V7_ALL, rd_field, wr_actlr, FIELD(actlr), 0) \
    X(CPACR,       0, 1, 0, 2, RW, V7_ALL, rd_field, wr_cpacr, FIELD(cpacr), 0) \
    X(SCR,         0, 1, 1, 0, RW, V7_ALL, rd_field, wr_scr, FIELD(scr), 0) \
    X(SDER,        0, 1, 1, 1, RW, V7_ALL, rd_field, wr_field, FIELD(sder), 0x3) \
    X(NSACR,       0, 1, 1, 2, RW, V7_ALL, rd_field, wr_field, FIELD(nsacr), 0x000fffff) \
    /* c2, c3: translation tables, domains */ \
    X(TTBR0,       0, 2, 0, 0, RW, V7_ALL, rd_field, wr_ttbr0, FIELD(ttbr0), 0) \
    X(TTBR1,       0, 2, 0, 1, RW, V7_ALL, rd_field, wr_ttbr1, FIELD(ttbr1), 0) \
    X(TTBCR,       0, 2, 0, 2, RW, V7_ALL, rd_field, wr_ttbcr, FIELD(ttbcr), 0) \
    X(DACR,        0, 3, 0, 0, RW, V7_ALL, rd_field, wr_dacr, FIELD(dacr), 0) \
    /* c5, c6: fault status and address */ \
    X(DFSR,        0, 5, 0, 0, RW, V7_ALL, rd_field, wr_field, FIELD(dfsr), V7_DFSR_MASK) \
    X(IFSR,        0, 5, 0, 1, RW, V7_ALL, rd_field, wr_field, FIELD(ifsr), V7_IFSR_MASK) \
    X(ADFSR,       0, 5, 1, 0, RW, V7_ALL, rd_field, wr_field, FIELD(adfsr), ALL_BITS) \
    X(AIFSR,       0, 5, 1, 1, RW, V7_ALL, rd_field, wr_field, FIELD(aifsr), ALL_BITS) \
    X(DFAR,        0, 6, 0, 0, RW, V7_ALL, rd_field, wr_field, FIELD(dfar), ALL_BITS) \
    X(IFAR,        0, 6, 0, 2, RW, V7_ALL, rd_field, wr_field, FIELD(ifar), ALL_BITS) \
    /* c7: cache maintenance, PAR and ATS, barriers (B4.2) */ \
    X(ICIALLUIS,   0, 7, 1, 0, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(BPIALLIS,    0, 7, 1, 6, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(PAR,         0, 7, 4, 0, RW, V7_ALL, rd_field, wr_field, FIELD(par), ALL_BITS) \
    X(ICIALLU,     0, 7, 5, 0, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(ICIMVAU,     0, 7, 5, 1, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(CP15ISB,     0, 7, 5, 4, U_WO, V7_ALL, NULL, wr_barrier, 0, 0) \
    X(BPIALL,      0, 7, 5, 6, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(BPIMVA,      0, 7, 5, 7, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(DCIMVAC,     0, 7, 6, 1, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(DCISW,       0, 7, 6, 2, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(ATS1CPR,     0, 7, 8, 0, WO, V7_ALL, NULL, wr_ats, 0, 0) \
    X(ATS1CPW,     0, 7, 8, 1, WO, V7_ALL, NULL, wr_ats, 1, 0) \
    X(ATS1CUR,     0, 7, 8, 2, WO, V7_ALL, NULL, wr_ats, 2, 0) \
    X(ATS1CUW,     0, 7, 8, 3, WO, V7_ALL, NULL, wr_ats, 3, 0) \
    X(DCCMVAC,     0, 7, 10, 1, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(DCCSW,       0, 7, 10, 2, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(CP15DSB,     0, 7, 10, 4, U_WO, V7_ALL, NULL, wr_barrier, 0, 0) \
    X(CP15DMB,     0, 7, 10, 5, U_WO, V7_ALL, NULL, wr_barrier, 0, 0) \
    X(DCCMVAU,     0, 7, 11, 1, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(DCCIMVAC,    0, 7, 14, 1, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    X(DCCISW,      0, 7, 14, 2, WO, V7_ALL, NULL, wr_nop, 0, 0) \
    /* c8: TLB maintenance (B4.2); Inner Shareable forms in CRm 3 */ \
    X(TLBIALLIS,   0, 8, 3, 0, WO, V7_ALL, NULL, wr_tlbiall, 0, 0) \
    X(TLBIMVAIS,   0, 8, 3, 1, WO, V7_ALL, NULL, wr_tlbimva, 0, 0) \
    X(TLBIASIDIS,  0, 8, 3, 2, WO, V7_ALL, NULL, wr_tlbiasid, 0, 0) \
    X(TLBIMVAAIS,  0, 8, 3, 3, WO, V7_ALL, NULL, wr_tlbimva, 0, 0) \
    X(ITLBIALL,    0, 8, 5, 0, WO, V7_ALL, NULL, wr_tlbiall, 0, 0) \
    X(ITLBIMVA,    0, 8, 5, 1, WO, V7_ALL, NULL, wr_tlbimva, 0, 0) \
    X(ITLBIASID,   0, 8, 5, 2, WO, V7_ALL, NULL, wr_tlbiasid, 0, 0) \
    X(DTLBIALL,    0, 8, 6, 0, WO, V7_ALL, NULL, wr_tlbiall, 0, 0) \
    X(DTLBIMVA,    0, 8, 6, 1, WO, V7_ALL, NULL, wr_tlbimva, 0, 0) \
    X(DTLBIASID,   0, 8, 6, 2, WO, V7_ALL, NULL, wr_tlbiasid, 0, 0) \
    X(TLBIALL,     0, 8, 7, 0, WO, V7_ALL, NULL, wr_tlbiall, 0, 0) \
    X(TLBIMVA,     0, 8, 7, 1, WO, V7_ALL, NULL, wr_tlbimva, 0, 0) \
    X(TLBIASID,    0, 8, 7, 2, WO, V7_ALL, NULL, wr_tlbiasid, 0, 0) \
    X(TLBIMVAA,    0, 8, 7, 3, WO, V7_ALL, NULL, wr_tlbimva, 0, 0) \
    /* c9: L2 control (A15 TRM, "L2 Control Register"), performance monitors (C12.8) */ \
    X(L2CTLR,      1, 9, 0, 2, RW, V7_A15, rd_l2ctlr, wr_ignore, 0, 0) \
    X(L2ECTLR,     1, 9, 0, 3, RW, V7_A15, rd_const, wr_ignore, 0, 0) \
    X(PMCR,        0, 9, 12, 0, P_RW, V7_ALL, rd_pmcr, wr_pmcr, 0, 0) \
    X(PMCNTENSET,  0, 9, 12, 1, P_RW, V7_ALL, rd_pmu, wr_pmu_bits, FIELD(pmu.cnten), PMU_SET) \
    X(PMCNTENCLR,  0, 9, 12, 2, P_RW, V7_ALL, rd_pmu, wr_pmu_bits, FIELD(pmu.cnten), PMU_CLEAR) \
    X(PMOVSR,      0, 9, 12, 3, P_RW, V7_ALL, rd_pmu, wr_pmu_bits, FIELD(pmu.ovs), PMU_CLEAR) \
    X(PMSWINC,     0, 9, 12, 4, P_WO, V7_ALL, NULL, wr_pmswinc, 0, 0) \
    X(PMSELR,      0, 9, 12, 5, P_RW, V7_ALL, rd_pmu, wr_field, FIELD(pmu.sel), 0x1f) \
    X(PMCEID0,     0, 9, 12, 6, P_RO, V7_ALL, rd_const, NULL, PMU_CEID0, 0) \
    X(PMCEID1,     0, 9, 12, 7, P_RO, V7_ALL, rd_const, NULL, 0, 0) \
    X(PMCCNTR,     0, 9, 13, 0, P_RW, V7_ALL, rd_pmccntr, wr_pmccntr, 0, 0) \
    X(PMXEVTYPER,  0, 9, 13, 1, P_RW, V7_ALL, rd_pmxev, wr_pmxev, 1, 0) \
    X(PMXEVCNTR,   0, 9, 13, 2, P_RW, V7_ALL, rd_pmxev, wr_pmxev, 0, 0) \
    X(PMUSERENR,   0, 9, 14, 0, U_RO, V7_ALL, rd_field, wr_field, FIELD(pmu.userenr), 1) \
    X(PMINTENSET,  0, 9, 14, 1, RW, V7_ALL, rd_pmu, wr_pmu_bits, FIELD(pmu.inten), PMU_SET) \
    X(PMINTENCLR,  0, 9, 14, 2, RW, V7_ALL, rd_pmu, wr_pmu_bits, FIELD(pmu.inten), PMU_CLEAR) \
    X(PMOVSSET,    0, 9, 14, 3, P_RW, V7_A15, rd_pmu, wr_pmu_bits, FIELD(pmu.ovs), PMU_SET) \
    /* c10: TLB lockdown (A9), memory remap PRRR/NMRR (B3.8.3) */ \
    X(TLBLOCKDOWN, 0, 10, 0, 0, RW, V7_A9, rd_field, wr_field, FIELD(tlb_lockdown), ALL_BITS) \
    X(PRRR,        0, 10, 2, 0, RW, V7_ALL, rd_field, wr_field, FIELD(prrr), ALL_BITS) \
    X(NMRR,        0, 10, 2, 1, RW, V7_ALL, rd_field, wr_field, FIELD(nmrr), ALL_BITS) \
    X(AMAIR0,      0, 10, 3, 0, RW, V7_A15, rd_field, wr_field, FIELD(amair0), ALL_BITS) \
    X(AMAIR1,      0, 10, 3, 1, RW, V7_A15, rd_field, wr_field, FIELD(amair1), ALL_BITS) \
    /* c12: vector bases, interrupt status */ \
    X(VBAR,        0, 12, 0, 0, RW, V7_ALL, rd_field, wr_field, FIELD(vbar), VBAR_MASK) \
    X(MVBAR,       0, 12, 0, 1, RW, V7_ALL, rd_field, wr_field, FIELD(mvbar), VBAR_MASK) \
    X(ISR,         0, 12, 1, 0, RO, V7_ALL, rd_isr, NULL, 0, 0) \
    /* c13: FCSE (not implemented: RAZ/WI), context and thread IDs */ \
    X(FCSEIDR,     0, 13, 0, 0, RW, V7_ALL, rd_const, wr_ignore, 0, 0) \
    X(CONTEXTIDR,  0, 13, 0, 1, RW, V7_ALL, rd_field, wr_contextidr, FIELD(contextidr), 0) \
    X(TPIDRURW,    0, 13, 0, 2, U_RW, V7_ALL, rd_field, wr_field, FIELD(tpidrurw), ALL_BITS) \
    X(TPIDRURO,    0, 13, 0, 3, U_RO, V7_ALL, rd_field, wr_field, FIELD(tpidruro), ALL_BITS) \
    X(TPIDRPRW,    0, 13, 0, 4, RW, V7_ALL, rd_field, wr_field, FIELD(tpidrprw), ALL_BITS) \
    /* c15: IMPLEMENTATION DEFINED (A9 TRM: power, diagnostic, CBAR; A15 TRM: CBAR) */ \
    X(A9_PWRCTL,   0, 15, 0, 0, RW, V7_A9, rd_field, wr_field, FIELD(a9_power_ctrl), ALL_BITS) \
    X(A9_DIAG,     0, 15, 0, 1, RW, V7_A9, rd_field, wr_field, FIELD(a9_diag), ALL_BITS) \
    X(A9_PWRDIAG,  0, 15, 0, 2, RW, V7_A9, rd_field, wr_field, FIELD(a9_power_diag), ALL_BITS) \
    X(A9_NEONBUSY, 0, 15, 1, 0, RO, V7_A9, rd_const, NULL, 0, 0) \
    X(CBAR,        4, 15, 0, 0, RO, V7_ALL, rd_field, NULL, FIELD(cbar), 0)

enum v7_reg_index {
#define V7_ENUM(name, ...) V7_##name,
    V7_REGS(V7_ENUM)
#undef V7_ENUM
    V7_REG_COUNT
};

static const struct v7_reg v7_regs[V7_REG_COUNT] = {
#define V7_ENTRY(name, op1, n, m, op2, acc, models, rd, wr, arg, wmask) \
    [V7_##name] = { #name, op1, n, m, op2, acc, models, rd, wr, arg, wmask },
    V7_REGS(V7_ENTRY)
#undef V7_ENTRY
};

#define V7_KEY(op1, n, m, op2) (((unsigned)(op1) << 11) | ((unsigned)(n) << 7) | \
                                ((unsigned)(m) << 3) | (unsigned)(op2))

/* The register at an encoding, for this core; NULL if it has none there. */
static const struct v7_reg *v7_lookup(const struct v7_model *model,
                                      const struct coproc_access *a)
{
    const struct v7_reg *r;
    switch (V7_KEY(a->opc1, a->crn, a->crm, a->opc2)) {
#define V7_CASE(name, op1, n, m, op2, ...) \
    case V7_KEY(op1, n, m, op2): r = &v7_regs[V7_##name]; break;
    V7_REGS(V7_CASE)
#undef V7_CASE
    default:
        return NULL;
    }
    return (r->models & model->bit) ? r : NULL;
}

static bool v7_allowed(const struct arm_cpu *cpu, const struct v7_reg *r, bool write)
{
    if (cpu_privileged(cpu))
        return r->access & (write ? ACC_PL1_W : ACC_PL1_R);
    if (r->access & (write ? ACC_PL0_W : ACC_PL0_R))
        return true;
    return (r->access & ACC_PMU) && (cpu->cp15.pmu.userenr & 1) &&
           (r->access & (write ? ACC_PL1_W : ACC_PL1_R));
}

/* c14: the generic timer, when the core and the board have one. */
static int v7_timer_access(struct arm_cpu *cpu, const struct coproc_access *a, bool write,
                           uint32_t *value)
{
    const struct generic_timer_ops *gt = cpu->gtimer;
    if (!(cpu->model->features & CPU_FEAT_GENERIC_TIMER) || !gt ||
        (write ? !gt->write : !gt->read))
        return cp15_undefined(cpu, a, write, "no generic timer");
    if (write)
        return gt->write(cpu->gtimer_opaque, cpu, a, *value);
    return gt->read(cpu->gtimer_opaque, cpu, a, value);
}

/* An encoding the table does not list. */
static int v7_unlisted(struct arm_cpu *cpu, const struct coproc_access *a, bool write,
                       uint32_t *value)
{
    if (!cpu_privileged(cpu))
        return cp15_undefined(cpu, a, write, "not accessible from PL0");
    if (!write && a->opc1 == 0 && a->crn == 0 && a->crm >= 1 && a->crm <= 7) {
        *value = 0;    /* reserved CPUID space reads as zero (B4.1) */
        return 0;
    }
    if (a->crn == 15) {
        trace_printf(cpu->trace, TRACE_UNIMP,
                     "cpu%u %s p15, %u, c15, c%u, %u (IMPLEMENTATION DEFINED) %s", cpu->index,
                     write ? "MCR" : "MRC", a->opc1, a->crm, a->opc2,
                     write ? "ignored" : "reads as zero");
        if (!write)
            *value = 0;
        return 0;
    }
    return cp15_undefined(cpu, a, write, "no such register");
}

static int v7_mrc(struct arm_cpu *cpu, const struct v7_model *model,
                  const struct coproc_access *a, uint32_t *value)
{
    if (a->crn == 14)
        return v7_timer_access(cpu, a, false, value);
    const struct v7_reg *r = v7_lookup(model, a);
    if (!r)
        return v7_unlisted(cpu, a, false, value);
    if (!r->read)
        return cp15_undefined(cpu, a, false, "write-only register");
    if (!v7_allowed(cpu, r, false))
        return cp15_undefined(cpu, a, false, "not accessible from PL0");
    return r->read(cpu, model, r, value);
}

static int v7_mcr(struct arm_cpu *cpu, const struct v7_model *model,
                  const struct coproc_access *a, uint32_t value)
{
    if (a->crn == 14)
        return v7_timer_access(cpu, a, true, &value);
    const struct v7_reg *r = v7_lookup(model, a);
    if (!r)
        return v7_unlisted(cpu, a, true, &value);
    if (!r->write)
        return cp15_undefined(cpu, a, true, "read-only register");
    if (!v7_allowed(cpu, r, true))
        return cp15_undefined(cpu, a, true, "not accessible from PL0");
    return r->write(cpu, model, r, value);
}

static int v7_undefined64(struct arm_cpu *cpu, bool write, unsigned opc1, unsigned crm,
                          const char *why)
{
    trace_printf(cpu->trace, TRACE_GUEST_ERROR,
                 "cpu%u %s p15, %u, c%u at 0x%08x: %s, UNDEFINED", cpu->index,
                 write ? "MCRR" : "MRRC", opc1, crm, cpu_insn_addr(cpu), why);
    return -1;
}

/*
 * 64-bit registers (MRRC/MCRR; chapter B8 for the timer, B4.1 for TTBRs
 * and PAR): the generic timer's
 * CNTPCT (opc1 0), CNTVCT (1), CNTP_CVAL (2), CNTV_CVAL (3), CNTVOFF (4)
 * in c14; with LPAE, TTBR0 (opc1 0) and TTBR1 (opc1 1) in c2 and PAR in c7.
 */
static int v7_access64(struct arm_cpu *cpu, bool write, unsigned opc1, unsigned crm,
                       uint32_t *lo, uint32_t *hi)
{
    struct cp15_state *cp = &cpu->cp15;
    if (crm == 14) {
        const struct generic_timer_ops *gt = cpu->gtimer;
        if (!(cpu->model->features & CPU_FEAT_GENERIC_TIMER) || !gt ||
            (write ? !gt->write64 : !gt->read64))
            return v7_undefined64(cpu, write, opc1, crm, "no generic timer");
        if (write)
            return gt->write64(cpu->gtimer_opaque, cpu, opc1, (uint64_t)*hi << 32 | *lo);
        uint64_t v;
        if (gt->read64(cpu->gtimer_opaque, cpu, opc1, &v) < 0)
            return -1;
        *lo = (uint32_t)v;
        *hi = (uint32_t)(v >> 32);
        return 0;
    }
    if (!(cpu->model->features & CPU_FEAT_LPAE))
        return v7_undefined64(cpu, write, opc1, crm, "no such register");
    if (!cpu_privileged(cpu))
        return v7_undefined64(cpu, write, opc1, crm, "not accessible from PL0");
    if (crm == 2 && opc1 <= 1) {
        uint32_t *reg = opc1 ? &cp->ttbr1 : &cp->ttbr0;
        uint32_t *reg_hi = opc1 ? &cp->ttbr1_hi : &cp->ttbr0_hi;
        if (!write) {
            *lo = *reg;
            *hi = *reg_hi;
            return 0;
        }
        if (*reg != *lo || *reg_hi != *hi)
            cpu_tlb_flush(cpu);
        *reg = *lo;
        *reg_hi = *hi;
        return 0;
    }
    if (crm == 7 && opc1 == 0) {
        if (write) {
            cp->par = *lo;
            cp->par_hi = *hi;
        } else {
            *lo = cp->par;
            *hi = cp->par_hi;
        }
        return 0;
    }
    return v7_undefined64(cpu, write, opc1, crm, "no such register");
}

static int v7_mrrc(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t *lo,
                   uint32_t *hi)
{
    return v7_access64(cpu, false, opc1, crm, lo, hi);
}

static int v7_mcrr(struct arm_cpu *cpu, unsigned opc1, unsigned crm, uint32_t lo, uint32_t hi)
{
    return v7_access64(cpu, true, opc1, crm, &lo, &hi);
}

/* One coproc_ops per core, so the hot MRC/MCR path needs no model lookup. */
#define V7_OPS(core)                                                                   \
    static int cp15_##core##_mrc(struct arm_cpu *cpu, const struct coproc_access *a,   \
                                 uint32_t *value)                                      \
    {                                                                                  \
        return v7_mrc(cpu, &v7_model_##core, a, value);                                \
    }                                                                                  \
    static int cp15_##core##_mcr(struct arm_cpu *cpu, const struct coproc_access *a,   \
                                 uint32_t value)                                       \
    {                                                                                  \
        return v7_mcr(cpu, &v7_model_##core, a, value);                                \
    }                                                                                  \
    static const struct coproc_ops cp15_##core##_ops = {                               \
        .mrc = cp15_##core##_mrc,                                                      \
        .mcr = cp15_##core##_mcr,                                                      \
        .mrrc = v7_mrrc,                                                               \
        .mcrr = v7_mcrr,                                                               \
    };

V7_OPS(a9)
V7_OPS(a15)

/*
 * The ARMv7 description for cpu's model, by MIDR part number; NULL for the
 * ARMv5 register set. An ARMv7 part we do not know gets the closer of the
 * two (the A15 if it has the Virtualization Extensions).
 */
static const struct v7_model *v7_model_of(const struct arm_cpu *cpu)
{
    uint32_t features = cpu->model->features;
    if ((features & (CPU_FEAT_V7 | CPU_FEAT_VMSA_V5)) != CPU_FEAT_V7)
        return NULL;
    unsigned part = (cpu->model->midr >> 4) & 0xfff;
    if (part == v7_model_a9.part)
        return &v7_model_a9;
    if (part == v7_model_a15.part)
        return &v7_model_a15;
    return (features & CPU_FEAT_VIRT) ? &v7_model_a15 : &v7_model_a9;
}

void cp15_attach(struct arm_cpu *cpu)
{
    const struct v7_model *m = v7_model_of(cpu);
    if (!m)
        cpu->coproc[15] = &cp15_arm926_ops;
    else if (m == &v7_model_a9)
        cpu->coproc[15] = &cp15_a9_ops;
    else
        cpu->coproc[15] = &cp15_a15_ops;
}

/*
 * Reset state: everything zero but SCTLR (and on ARMv7 PRRR/NMRR), and the
 * board's CBAR, which is a configuration input rather than a register.
 * cpu_reset flushes the TLB after calling this.
 */
void cp15_reset(struct arm_cpu *cpu)
{
    uint32_t cbar = cpu->cp15.cbar;
    memset(&cpu->cp15, 0, sizeof(cpu->cp15));
    cpu->cp15.cbar = cbar;
    if (!v7_model_of(cpu)) {
        cpu->cp15.sctlr = ARM926_SCTLR_RESET;
        return;
    }
    cpu->cp15.sctlr = V7_SCTLR_RESET;
    cpu->cp15.prrr = V7_PRRR_RESET;
    cpu->cp15.nmrr = V7_NMRR_RESET;
    cpu->cp15.pmu.last_icount = cpu->icount;
}
