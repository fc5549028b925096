/*
 * CP15, the system control coprocessor, of the ARM926EJ-S (ARM926EJ-S TRM
 * DDI 0198E chapter 2, "Programmer's Model", and 2.3 "CP15 register map";
 * ARM ARM DDI 0100I B2.3 and B3.7 for the architectural parts).
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

#include <string.h>

#include "base/trace.h"
#include "cpu/cpu.h"

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
        /* Hardware TLBs re-check the domain on every access; ours caches
         * the access decision, so a DACR change must drop it. */
        if (cp->dacr != value) {
            cp->dacr = value;
            cpu_tlb_flush(cpu);
        }
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

/*
 * Only the ARM926EJ-S register set exists so far. ARMv7 models need their
 * own map (ID_PFR/ID_MMFR, TTBCR, TTBR1, PRRR/NMRR, VBAR, ...) which comes
 * with the short-descriptor walker; until then they get this one.
 */
void cp15_attach(struct arm_cpu *cpu)
{
    cpu->coproc[15] = &cp15_arm926_ops;
}

/* Reset state: everything zero but SCTLR. cpu_reset flushes the
 * TLB after calling this. */
void cp15_reset(struct arm_cpu *cpu)
{
    memset(&cpu->cp15, 0, sizeof(cpu->cp15));
    cpu->cp15.sctlr = ARM926_SCTLR_RESET;
}
