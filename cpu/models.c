/*
 * The CPU models: ID registers and feature bits. Decoders and CP15 read
 * these instead of #ifdefs, so one binary runs every board.
 */
#include <string.h>

#include "cpu/cpu.h"

/*
 * ARM926EJ-S r0p5: MIDR 0x41069265 (ARM926EJ-S TRM, c0 Main ID). Cache type
 * 0x1dd20d2: write-back, 16 KiB I and D caches, 4-way, 32-byte lines, as
 * QEMU's model reports (Linux reads it to size cache maintenance loops).
 */
const struct cpu_model cpu_model_arm926 = {
    .name = "arm926",
    .midr = 0x41069265,
    .ctr = 0x1dd20d2,
    .features = CPU_FEAT_V5TE | CPU_FEAT_JAZELLE | CPU_FEAT_VMSA_V5,
};

/*
 * Cortex-A9 r0p0 (MIDR 0x410fc090, as QEMU's vexpress-a9) with the Security
 * and Multiprocessing extensions, VFPv3-D32 and NEON. CTR 0x83338003:
 * 32-byte lines, VIPT I-cache (Cortex-A9 TRM 4.3.2).
 */
const struct cpu_model cpu_model_cortex_a9 = {
    .name = "cortex-a9",
    .midr = 0x410fc090,
    .ctr = 0x83338003,
    .features = CPU_FEAT_V5TE | CPU_FEAT_JAZELLE | CPU_FEAT_V6 | CPU_FEAT_V6K | CPU_FEAT_V7 |
                CPU_FEAT_THUMB2 | CPU_FEAT_VFP2 | CPU_FEAT_VFP3 | CPU_FEAT_NEON |
                CPU_FEAT_MP | CPU_FEAT_SECURITY,
};

/*
 * Cortex-A15 r4p0 (MIDR 0x414fc0f0, as QEMU 7.2) with integer divide, the
 * generic timer and the Virtualization and Large Physical Address
 * extensions; CTR 0x8444c004 (64-byte lines, PIPT I-cache).
 */
const struct cpu_model cpu_model_cortex_a15 = {
    .name = "cortex-a15",
    .midr = 0x414fc0f0,
    .ctr = 0x8444c004,
    .features = CPU_FEAT_V5TE | CPU_FEAT_JAZELLE | CPU_FEAT_V6 | CPU_FEAT_V6K | CPU_FEAT_V7 |
                CPU_FEAT_THUMB2 | CPU_FEAT_VFP2 | CPU_FEAT_VFP3 | CPU_FEAT_NEON |
                CPU_FEAT_DIV | CPU_FEAT_GENERIC_TIMER | CPU_FEAT_VIRT | CPU_FEAT_LPAE |
                CPU_FEAT_MP | CPU_FEAT_SECURITY,
};

static const struct cpu_model *const cpu_models[] = {
    &cpu_model_arm926,
    &cpu_model_cortex_a9,
    &cpu_model_cortex_a15,
};

const struct cpu_model *cpu_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++)
        if (strcmp(cpu_models[i]->name, name) == 0)
            return cpu_models[i];
    if (strcmp(name, "arm926ej-s") == 0)
        return &cpu_model_arm926;
    return NULL;
}
