/*
 * CP14: the debug and ThumbEE registers of the ARMv7 cores.
 *
 * Only what a kernel touches is here. Linux's hw_breakpoint reads DBGDIDR
 * to find the debug architecture; we report the value QEMU's Cortex-A9 and
 * A15 report, whose version field Linux then declines, so no debug
 * registers beyond it are needed. ID_PFR0 advertises ThumbEE, so Linux
 * saves and restores TEEHBR on every context switch and sets TEECR
 * (ARM ARM A2.10, "Thumb Execution Environment"): both are plain registers
 * here. Everything else is UNDEFINED, as an unimplemented CP14 register is.
 */
#include "cpu/cpu.h"

#define DBGDIDR_VALUE 0x35141000u  /* as QEMU's Cortex-A9/A15 */
#define TEECR_XED 1u               /* TEECR bit 0: ThumbEE unprivileged access off */

static bool cp14_is(const struct coproc_access *a, unsigned opc1, unsigned crn,
                    unsigned crm, unsigned opc2)
{
    return a->opc1 == opc1 && a->crn == crn && a->crm == crm && a->opc2 == opc2;
}

static int cp14_mrc(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t *value)
{
    if (cp14_is(a, 0, 0, 0, 0)) {           /* DBGDIDR: readable from PL0 too */
        *value = DBGDIDR_VALUE;
        return 0;
    }
    if (cp14_is(a, 6, 0, 0, 0)) {           /* TEECR */
        if (!cpu_privileged(cpu))
            return -1;
        *value = cpu->cp14.teecr;
        return 0;
    }
    if (cp14_is(a, 6, 1, 0, 0)) {           /* TEEHBR */
        if (!cpu_privileged(cpu) && (cpu->cp14.teecr & TEECR_XED))
            return -1;
        *value = cpu->cp14.teehbr;
        return 0;
    }
    return -1;
}

static int cp14_mcr(struct arm_cpu *cpu, const struct coproc_access *a, uint32_t value)
{
    if (cp14_is(a, 6, 0, 0, 0)) {
        if (!cpu_privileged(cpu))
            return -1;
        cpu->cp14.teecr = value & TEECR_XED;
        return 0;
    }
    if (cp14_is(a, 6, 1, 0, 0)) {
        if (!cpu_privileged(cpu) && (cpu->cp14.teecr & TEECR_XED))
            return -1;
        cpu->cp14.teehbr = value & ~3u;
        return 0;
    }
    return -1;
}

static const struct coproc_ops cp14_ops = {
    .mrc = cp14_mrc,
    .mcr = cp14_mcr,
};

void cp14_attach(struct arm_cpu *cpu)
{
    if (cpu->model->features & CPU_FEAT_V7)
        cpu->coproc[14] = &cp14_ops;
}
